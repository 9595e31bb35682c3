/* test_starpu_fallback.c - the fallback queue's lanes on real StarPU
 * workers under vir0-spec with speculation on (VIR0 tasks entered, so
 * alike ones share a lane): a busy CPU worker then runs VIR0 tasks of two
 * shapes and plain tasks by priority, then arrival, exactly as one list
 * would; a burst of three shapes and plain tasks on a CPU and an OpenCL
 * worker (PoCL) runs every task once with every output right. */
#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_starpu_spec_common.h"
#include "vir0_spec.h"

static char home[] = "/tmp/test_starpu_fallback.XXXXXX";

/* A store of its own: no verdict from elsewhere changes the plans. */
static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(home));
	setenv("VIR0_HOME", home, 1);
	unsetenv("VIR0_SPEC");
}

static void teardown(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	ck_assert_int_eq(system(cmd), 0);
}

enum { MAX_TASKS = 256 };
static atomic_int blocker_started, blocker_release, ran;
static int run_order[MAX_TASKS];
static atomic_int runs[MAX_TASKS];

static void blocker(void *buffers[], void *cl_arg)
{
	(void)buffers;
	(void)cl_arg;
	atomic_store(&blocker_started, 1);
	while (!atomic_load(&blocker_release))
		starpu_sleep(0.001);
}

static struct starpu_codelet blocker_cl = { .cpu_funcs = { blocker }, .name = "blocker" };

/* After each task: which one ran (its submission number), and when. */
static void record(void *arg)
{
	int id = (int)(intptr_t)arg;
	atomic_fetch_add(&runs[id], 1);
	run_order[atomic_fetch_add(&ran, 1)] = id;
}

static void plain_task(void *buffers[], void *cl_arg)
{
	(void)buffers;
	(void)cl_arg;
}

static struct starpu_codelet plain_cl = { .cpu_funcs = { plain_task }, .name = "plain" };

/* Inputs and one output per task, for `ntasks` VIR0 tasks of SMALL or N
 * elements: the inputs are registered at both sizes (read only), so the
 * tasks of each size are a shape. */
enum { SMALL = 256, N = 1024 };
struct buffers {
	uint32_t a[N], b[N];
	uint32_t *c;
	starpu_data_handle_t in[2][2], *hc; /* [n == N][a, b] */
};

static void buffers_start(struct buffers *buf, unsigned ntasks)
{
	for (unsigned i = 0; i < N; i++) {
		buf->a[i] = i * 2654435761u;
		buf->b[i] = ~i ^ (i << 7);
	}
	buf->c = calloc((size_t)N * ntasks, sizeof *buf->c);
	buf->hc = calloc(ntasks, sizeof *buf->hc);
	ck_assert(buf->c && buf->hc);
	for (unsigned large = 0; large < 2; large++) {
		unsigned n = large ? N : SMALL;
		starpu_vector_data_register(&buf->in[large][0], STARPU_MAIN_RAM, (uintptr_t)buf->a,
					    n, 4);
		starpu_vector_data_register(&buf->in[large][1], STARPU_MAIN_RAM, (uintptr_t)buf->b,
					    n, 4);
	}
}

/* VIR0 task `id` adding the first `n` (SMALL or N) elements into its
 * own output. */
static void add_task(starpu_vir0_program *program, struct buffers *buf, unsigned id, unsigned n,
		     int priority)
{
	starpu_vector_data_register(&buf->hc[id], STARPU_MAIN_RAM,
				    (uintptr_t)(buf->c + (size_t)id * N), n, 4);
	starpu_data_handle_t *in = buf->in[n == N];
	int rc = starpu_vir0_task_insert(program, NULL, STARPU_R, in[0], STARPU_R, in[1], STARPU_W,
					 buf->hc[id], STARPU_PRIORITY, priority,
					 STARPU_CALLBACK_WITH_ARG_NFREE, record, (void *)(intptr_t)id, 0);
	ck_assert_msg(rc == 0, "%s", starpu_vir0_last_error()->message);
}

static void plain(unsigned id, int priority)
{
	ck_assert_int_eq(starpu_task_insert(&plain_cl, STARPU_PRIORITY, priority,
					    STARPU_CALLBACK_WITH_ARG_NFREE, record, (void *)(intptr_t)id,
					    0), 0);
}

/* After the tasks: each ran once, and each VIR0 output (n[id] elements,
 * 0 for a plain task) is a + b. */
static void buffers_check(struct buffers *buf, const unsigned *n, unsigned ntasks)
{
	starpu_task_wait_for_all();
	for (unsigned id = 0; id < ntasks; id++) {
		ck_assert_int_eq(atomic_load(&runs[id]), 1);
		if (!n[id])
			continue;
		starpu_data_unregister(buf->hc[id]);
		for (unsigned i = 0; i < n[id]; i++)
			ck_assert_uint_eq(buf->c[(size_t)id * N + i], buf->a[i] + buf->b[i]);
	}
	ck_assert_int_eq(atomic_load(&ran), ntasks);
	for (unsigned large = 0; large < 2; large++)
		for (unsigned k = 0; k < 2; k++)
			starpu_data_unregister(buf->in[large][k]);
	free(buf->c);
	free(buf->hc);
}

/* The one CPU worker is held busy while the tasks queue: 40 of one shape
 * ahead of 8 of another, plain tasks among them, priorities shuffled.
 * Alone, the worker takes every task it can execute, so they run exactly
 * by priority, then submission: each lane's first is the next. */
START_TEST(a_busy_worker_runs_lanes_by_priority_then_arrival)
{
	enum { TASKS = 64 };
	spec_start(1, 0);
	starpu_vir0_program *add = spec_load(spec_plain_add);
	struct buffers buf;
	buffers_start(&buf, TASKS);
	ck_assert_int_eq(starpu_task_insert(&blocker_cl, 0), 0);
	while (!atomic_load(&blocker_started))
		starpu_sleep(0.001);
	unsigned n[TASKS];
	int priority[TASKS];
	for (unsigned id = 0; id < TASKS; id++) {
		priority[id] = (int)(id * 7 % 5) - 2;
		n[id] = id % 8 == 3 ? 0 : id < 40 ? SMALL : N;
		if (n[id])
			add_task(add, &buf, id, n[id], priority[id]);
		else
			plain(id, priority[id]);
	}
	atomic_store(&blocker_release, 1);
	buffers_check(&buf, n, TASKS);
	/* Both shapes entered: their tasks went to lanes of their own. */
	struct starpu_vir0_sched_counts counts;
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts), 0);
	ck_assert_uint_eq(counts.shapes, 2);
	ck_assert_uint_eq(counts.vir0_tasks, TASKS - TASKS / 8);
	starpu_vir0_program_release(add);
	spec_stop();
	for (int i = 1; i < TASKS; i++) {
		int before = run_order[i - 1], now = run_order[i];
		ck_assert_msg(priority[before] > priority[now] ||
				      (priority[before] == priority[now] && before < now),
			      "task %d (priority %d) ran after task %d (priority %d)", now,
			      priority[now], before, priority[before]);
	}
}
END_TEST

/* A burst on a CPU and an OpenCL worker: three shapes (one ~100x slower
 * per element), plain tasks, two priorities. Where each runs is the
 * placement's business; every task must run once and be right. */
START_TEST(a_burst_of_shapes_runs_every_task_once)
{
	enum { TASKS = 240 };
	spec_start(1, 1);
	starpu_vir0_program *add = spec_load(spec_plain_add);
	starpu_vir0_program *slow = spec_load(spec_slow_add);
	struct buffers buf;
	buffers_start(&buf, TASKS);
	unsigned n[TASKS];
	for (unsigned id = 0; id < TASKS; id++) {
		int priority = id % 2;
		n[id] = id % 10 == 9 ? 0 : id % 3 == 0 ? SMALL : N;
		if (!n[id])
			plain(id, priority);
		else if (id % 3 == 1)
			add_task(slow, &buf, id, n[id], priority);
		else
			add_task(add, &buf, id, n[id], priority);
	}
	buffers_check(&buf, n, TASKS);
	starpu_vir0_program_release(add);
	starpu_vir0_program_release(slow);
	spec_stop();
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("starpu_fallback");
	TCase *tc = tcase_create("fallback");
	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_busy_worker_runs_lanes_by_priority_then_arrival);
	tcase_add_test(tc, a_burst_of_shapes_runs_every_task_once);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
