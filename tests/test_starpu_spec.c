/* test_starpu_spec.c - speculation on real StarPU workers (one CPU
 * worker, PoCL's OpenCL worker) under vir0-spec: a variant ~100x faster
 * than the original is adopted, one ~100x slower is rejected, a wrong one
 * is caught by the pair check and banned; a burst submitted before the
 * JIT kernel is built races it within the burst; an arch new to a shape
 * is expected at an optimist's time; every output of every task is
 * compared with the reference interpreter. No timed assertion: the
 * differences are large, and rounds go on until the verdict (bounded). */
#include <check.h>
#include <stdlib.h>

#include "fixture_starpu.h"
#include "speculation.h"
#include "spec_store.h"
#include "starpu_vir0_variant.h"
#include "test_starpu_spec_common.h"

enum { N = 1024, TASKS = 16, ROUNDS = 60, BURST = 256 };

static char home[] = "/tmp/test_starpu_spec.XXXXXX";

/* A store of its own per test: verdicts of one test must not leak into
 * another. */
static void new_home(void)
{
	ck_assert_ptr_nonnull(mkdtemp(home));
	setenv("VIR0_HOME", home, 1);
	unsetenv("VIR0_SPEC");
}

static void setup(void)
{
	new_home();
	spec_start(1, 1);
}

static void setup_opencl_only(void)
{
	new_home();
	spec_start(0, 1);
}

static void teardown(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	ck_assert_int_eq(system(cmd), 0);
}

static int status_on(const struct starpu_vir0_shape *shape, enum starpu_worker_archtype arch,
		     uint32_t id, struct starpu_vir0_speculation_view *view)
{
	return starpu_vir0_speculation_variant(shape, arch, id, view) == 0 ? view->status : -1;
}

START_TEST(faster_variant_is_adopted)
{
	starpu_vir0_program *slow = spec_load(spec_slow_add);
	uint32_t fast = spec_add_variant(slow, spec_plain_add);
	struct starpu_vir0_shape shape;
	struct starpu_vir0_speculation_view view;
	int round = 0;
	for (; round < ROUNDS; round++) {
		ck_assert_uint_eq(spec_round(slow, slow, N, TASKS, &shape), 0);
		if (status_on(&shape, STARPU_CPU_WORKER, fast, &view) == STARPU_VIR0_SPEC_BASELINE)
			break;
	}
	ck_assert_msg(round < ROUNDS, "not adopted after %d tasks: status %d, %llu pairs",
		      ROUNDS * TASKS, view.status, (unsigned long long)view.pairs);
	ck_assert_uint_eq(view.baseline, fast);
	ck_assert_uint_eq(view.mismatches, 0);
	ck_assert_uint_ge(view.pairs, 8); /* VIR0_SPEC_MIN_SAMPLES */
	ck_assert_int_eq(status_on(&shape, STARPU_CPU_WORKER, 0, &view), STARPU_VIR0_SPEC_RETIRED);
	/* Adopted: the next tasks run it (and stay right). */
	ck_assert_uint_eq(spec_round(slow, slow, N, TASKS, &shape), 0);
	starpu_vir0_program_release(slow);
	spec_stop();
}
END_TEST

START_TEST(slower_variant_is_rejected)
{
	starpu_vir0_program *add = spec_load(spec_plain_add);
	uint32_t slow = spec_add_variant(add, spec_slow_add);
	struct starpu_vir0_shape shape;
	struct starpu_vir0_speculation_view view;
	int round = 0;
	for (; round < ROUNDS; round++) {
		ck_assert_uint_eq(spec_round(add, add, N, TASKS, &shape), 0);
		if (status_on(&shape, STARPU_CPU_WORKER, slow, &view) == STARPU_VIR0_SPEC_REJECTED)
			break;
	}
	ck_assert_msg(round < ROUNDS, "not rejected after %d tasks: status %d, %llu pairs",
		      ROUNDS * TASKS, view.status, (unsigned long long)view.pairs);
	ck_assert_uint_ne(view.baseline, slow);
	ck_assert_uint_ge(view.pairs, 7);
	/* Never adopted on OpenCL either. */
	if (status_on(&shape, STARPU_OPENCL_WORKER, slow, &view) >= 0)
		ck_assert_uint_ne(view.baseline, slow);
	starpu_vir0_program_release(add);
	spec_stop();
}
END_TEST

START_TEST(wrong_variant_is_banned_and_results_stay_right)
{
	starpu_vir0_program *add = spec_load(spec_plain_add);
	uint32_t wrong = spec_add_variant(add, spec_wrong_add);
	struct starpu_vir0_shape shape;
	struct starpu_vir0_speculation_view cpu, cl;
	int round = 0, banned = 0;
	for (; round < ROUNDS && !banned; round++) {
		/* spec_round compares every output with the reference. */
		ck_assert_uint_eq(spec_round(add, add, N, TASKS, &shape), 0);
		banned = status_on(&shape, STARPU_CPU_WORKER, wrong, &cpu) == STARPU_VIR0_SPEC_BANNED ||
			 status_on(&shape, STARPU_OPENCL_WORKER, wrong, &cl) == STARPU_VIR0_SPEC_BANNED;
	}
	ck_assert_msg(banned, "wrong variant not banned after %d tasks", ROUNDS * TASKS);
	int archs = 0;
	if (status_on(&shape, STARPU_CPU_WORKER, wrong, &cpu) == STARPU_VIR0_SPEC_BANNED) {
		ck_assert_uint_ge(cpu.mismatches, 1);
		archs++;
	}
	if (status_on(&shape, STARPU_OPENCL_WORKER, wrong, &cl) == STARPU_VIR0_SPEC_BANNED) {
		ck_assert_uint_ge(cl.mismatches, 1);
		archs++;
	}
	ck_assert_int_ge(archs, 1);
	ck_assert_uint_ne(cpu.baseline, wrong);
	/* Banned: it never runs again, the results stay right. */
	ck_assert_uint_eq(spec_round(add, add, N, 4 * TASKS, &shape), 0);
	starpu_vir0_program_release(add);
	spec_stop();
}
END_TEST

/* The common case: an application submits a burst of one shape at once.
 * The program is fresh, so none of its JIT kernels is built (nor asked
 * for) when the burst is pushed; plans are made as the OpenCL worker
 * takes the tasks, so the JIT kernel races once it is built, within this
 * one burst. OpenCL only, so that the burst lasts as long as the
 * interpreter takes on PoCL (a CPU worker would drain it first); only the
 * megakernel is waited for first. */
START_TEST(burst_races_the_jit_within_the_run)
{
	starpu_vir0_program *slow = spec_load(spec_slow_add);
	ck_assert_uint_eq(starpu_vir0_opencl_wait(), 1);
	struct starpu_vir0_shape shape;
	ck_assert_uint_eq(spec_round(slow, slow, N, BURST, &shape), 0);
	struct starpu_vir0_speculation_view jit;
	ck_assert_int_eq(starpu_vir0_speculation_variant(&shape, STARPU_OPENCL_WORKER,
							 STARPU_VIR0_VARIANT_JIT, &jit), 0);
	ck_assert_msg(jit.pairs > 0, "the JIT kernel raced no pair in a burst of %d: status %d, "
		      "%llu pair tasks of the shape, %llu arrivals", BURST, jit.status,
		      (unsigned long long)jit.shape_pairs, (unsigned long long)jit.arrivals);
	ck_assert_uint_eq(jit.mismatches, 0);
	ck_assert_uint_eq(jit.arrivals, BURST);
	starpu_vir0_program_release(slow);
	spec_stop();
}
END_TEST

/* A burst over a CPU and an OpenCL worker: each task is one arrival, on
 * the arch whose worker took it, and every output is right. */
START_TEST(burst_counts_each_task_once)
{
	starpu_vir0_program *slow = spec_load(spec_slow_add);
	struct starpu_vir0_shape shape;
	ck_assert_uint_eq(spec_round(slow, slow, N, BURST, &shape), 0);
	struct starpu_vir0_speculation_view cl, cpu;
	ck_assert_int_eq(starpu_vir0_speculation_variant(&shape, STARPU_OPENCL_WORKER, 0, &cl), 0);
	ck_assert_int_eq(starpu_vir0_speculation_variant(&shape, STARPU_CPU_WORKER, 0, &cpu), 0);
	ck_assert_uint_eq(cl.arrivals + cpu.arrivals, BURST);
	starpu_vir0_program_release(slow);
	spec_stop();
}
END_TEST

/* An arch with variants to try that never ran a shape is expected at an
 * optimist's time on every worker, so placement gives it the shape's
 * first task: the H200's interpreter history kept the device off a shape
 * its JIT kernel runs 100x faster for 220 ms. Once an arch has run the
 * shape, its own means count. */
START_TEST(an_arch_new_to_a_shape_gets_its_first_task)
{
	starpu_vir0_program *add = spec_load(spec_plain_add);
	uint32_t *words = calloc(3 * N, sizeof *words);
	ck_assert_ptr_nonnull(words);
	starpu_data_handle_t h[3];
	const enum starpu_data_access_mode modes[3] = { STARPU_R, STARPU_R, STARPU_W };
	for (int b = 0; b < 3; b++)
		starpu_vector_data_register(&h[b], STARPU_MAIN_RAM, (uintptr_t)(words + b * N), N, 4);
	struct starpu_task *task = starpu_task_create();
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_task_fill(task, add, NULL, h, modes, 3, &err) == 0, "%s",
		      err.message);
	struct starpu_vir0_shape shape;
	ck_assert_int_eq(starpu_vir0_task_shape(task, &shape), 0);
	/* What the policy does at push: the shape's entries, no arrival
	 * (the task in the global context, as submit puts it). */
	task->sched_ctx = 0;
	ck_assert_int_eq(starpu_vir0_speculation_enter(task, &shape), 0);
	const enum starpu_worker_archtype archs[] = { STARPU_CPU_WORKER, STARPU_OPENCL_WORKER };
	for (int a = 0; a < 2; a++) {
		int worker = starpu_worker_get_by_type(archs[a], 0);
		ck_assert_int_ge(worker, 0);
		ck_assert(starpu_vir0_speculation_estimate(task, (unsigned)worker, 0) ==
			  STARPU_VIR0_SPECULATION_UNTRIED_US);
		ck_assert(starpu_vir0_speculation_estimate(task, (unsigned)worker, 1) ==
			  STARPU_VIR0_SPECULATION_UNTRIED_US);
	}
	ck_assert_int_eq(starpu_task_submit(task), 0);
	ck_assert_uint_eq(spec_round(add, add, N, TASKS, &shape), 0);
	/* The CPU's variants are rewrites, expected at the interpreter's
	 * time: once it ran the shape, that time counts. */
	struct starpu_vir0_speculation_view cpu;
	ck_assert_int_eq(starpu_vir0_speculation_variant(&shape, STARPU_CPU_WORKER, 0, &cpu), 0);
	if (cpu.arrivals > 0) {
		struct starpu_task *probe = starpu_task_create();
		ck_assert_int_eq(starpu_vir0_task_fill(probe, add, NULL, h, modes, 3, &err), 0);
		double us = starpu_vir0_speculation_estimate(
			probe, (unsigned)starpu_worker_get_by_type(STARPU_CPU_WORKER, 0), 0);
		ck_assert_msg(us != STARPU_VIR0_SPECULATION_UNTRIED_US, "%g us after %llu arrivals",
			      us, (unsigned long long)cpu.arrivals);
		ck_assert_int_eq(starpu_task_submit(probe), 0); /* a filled task is submitted */
	}
	starpu_task_wait_for_all();
	for (int b = 0; b < 3; b++)
		starpu_data_unregister(h[b]);
	free(words);
	starpu_vir0_program_release(add);
	spec_stop();
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("starpu_spec");
	TCase *tc = tcase_create("spec");
	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, faster_variant_is_adopted);
	tcase_add_test(tc, slower_variant_is_rejected);
	tcase_add_test(tc, wrong_variant_is_banned_and_results_stay_right);
	tcase_add_test(tc, burst_counts_each_task_once);
	tcase_add_test(tc, an_arch_new_to_a_shape_gets_its_first_task);
	suite_add_tcase(suite, tc);
	TCase *opencl = tcase_create("spec_opencl");
	tcase_set_timeout(opencl, 600);
	tcase_add_checked_fixture(opencl, setup_opencl_only, teardown);
	tcase_add_test(opencl, burst_races_the_jit_within_the_run);
	suite_add_tcase(suite, opencl);
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
