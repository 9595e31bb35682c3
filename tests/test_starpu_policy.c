/* test_starpu_policy.c - the vir0-spec policy with StarPU's own workers,
 * selected the linked way (conf.sched_policy = starpu_vir0_policy(), or
 * STARPU_SCHED_CTX_POLICY_STRUCT for a context): every task meets the
 * choice point, priorities order the work of a busy worker, each context
 * keeps its own state. VIR0 tasks are in test_starpu_policy_vir0.c, a
 * mixed CPU / OpenCL workload in test_starpu_policy_mixed.c. */
#include <check.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <starpu.h>

#include "starpu_vir0.h"
#include "vir0_spec.h"

/* The environment's STARPU_SCHED would win over conf.sched_policy. */
static void init_with_policy(const char *global_policy)
{
	/* hwloc's PCI plugin leaks under LeakSanitizer when there is no
	 * OpenCL worker; no PCI topology is needed here. */
	setenv("HWLOC_PLUGINS_BLACKLIST", "hwloc_pci", 0);
	unsetenv("STARPU_SCHED");
	struct starpu_conf conf;
	starpu_conf_init(&conf);
	if (global_policy)
		conf.sched_policy_name = global_policy;
	else
		conf.sched_policy = starpu_vir0_policy();
	conf.nopencl = 0; /* CPU workers are enough here */
	ck_assert_int_eq(starpu_init(&conf), 0);
}

static void increment(void *buffers[], void *cl_arg)
{
	(void)cl_arg;
	unsigned *value = (unsigned *)STARPU_VARIABLE_GET_PTR(buffers[0]);
	*value += 1;
}

/* With a history model the first tasks take the perf-model branch's
 * calibration path, which a pre-decision component would never see. */
static struct starpu_perfmodel increment_model = {
	.type = STARPU_HISTORY_BASED,
	.symbol = "test_starpu_policy_increment",
};

static struct starpu_codelet increment_modelled = {
	.cpu_funcs = { increment },
	.nbuffers = 1,
	.modes = { STARPU_RW },
	.model = &increment_model,
	.name = "increment_modelled",
};

static struct starpu_codelet increment_plain = {
	.cpu_funcs = { increment },
	.nbuffers = 1,
	.modes = { STARPU_RW },
	.name = "increment_plain",
};

static void nothing(void *buffers[], void *cl_arg)
{
	(void)buffers;
	(void)cl_arg;
}

static struct starpu_codelet nothing_cl = {
	.cpu_funcs = { nothing },
	.nbuffers = 0,
	.name = "nothing",
};

START_TEST(linked_policy_runs_tasks)
{
	init_with_policy(NULL);
	ck_assert_str_eq(starpu_sched_ctx_get_sched_policy(0)->policy_name, "vir0-spec");
	unsigned value = 0;
	starpu_data_handle_t handle;
	starpu_variable_data_register(&handle, STARPU_MAIN_RAM, (uintptr_t)&value, sizeof value);
	for (int i = 0; i < 40; i++)
		ck_assert_int_eq(starpu_task_insert(&increment_modelled, STARPU_RW, handle, 0), 0);
	starpu_task_wait_for_all();
	starpu_data_unregister(handle);
	struct starpu_vir0_sched_counts counts;
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts), 0);
	starpu_shutdown();
	ck_assert_uint_eq(value, 40);
	ck_assert_uint_eq(counts.tasks, 40);
	ck_assert_uint_eq(counts.vir0_tasks, 0);
	ck_assert_uint_eq(counts.shapes, 0);
}
END_TEST

/* Tasks with a model (calibrating), without one, with no data, with
 * priorities and tags: the choice point counts each exactly once. */
START_TEST(choice_point_sees_every_task)
{
	init_with_policy(NULL);
	enum { ROUNDS = 30 };
	unsigned values[2] = { 0, 0 };
	starpu_data_handle_t handles[2];
	for (int i = 0; i < 2; i++)
		starpu_variable_data_register(&handles[i], STARPU_MAIN_RAM, (uintptr_t)&values[i],
					      sizeof values[i]);
	unsigned submitted = 0;
	for (int i = 0; i < ROUNDS; i++) {
		ck_assert_int_eq(starpu_task_insert(&increment_modelled, STARPU_RW, handles[0],
						    STARPU_PRIORITY, i % 5, 0), 0);
		ck_assert_int_eq(starpu_task_insert(&increment_plain, STARPU_RW, handles[1],
						    STARPU_TAG, (starpu_tag_t)(1000 + i), 0), 0);
		ck_assert_int_eq(starpu_task_insert(&nothing_cl, STARPU_PRIORITY, -i, 0), 0);
		submitted += 3;
	}
	starpu_task_wait_for_all();
	for (int i = 0; i < 2; i++)
		starpu_data_unregister(handles[i]);
	struct starpu_vir0_sched_counts counts;
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts), 0);
	starpu_shutdown();
	ck_assert_uint_eq(values[0], ROUNDS);
	ck_assert_uint_eq(values[1], ROUNDS);
	ck_assert_uint_eq(counts.tasks, submitted);
}
END_TEST

/* A worker held busy while tasks of shuffled priorities queue up must
 * then run them highest first (eager, which ignores priorities, fails). */
enum { PRIO_TASKS = 12 };
static atomic_int blocker_started, blocker_release;
static int run_order[PRIO_TASKS];
static atomic_int ran;

static void blocker(void *buffers[], void *cl_arg)
{
	(void)buffers;
	(void)cl_arg;
	atomic_store(&blocker_started, 1);
	while (!atomic_load(&blocker_release))
		starpu_sleep(0.001);
}

static void record(void *buffers[], void *cl_arg)
{
	(void)buffers;
	int priority;
	starpu_codelet_unpack_args(cl_arg, &priority);
	run_order[atomic_fetch_add(&ran, 1)] = priority;
}

static struct starpu_codelet blocker_cl = { .cpu_funcs = { blocker }, .name = "blocker" };
static struct starpu_codelet record_cl = { .cpu_funcs = { record }, .name = "record" };

START_TEST(priorities_order_a_busy_worker)
{
	setenv("STARPU_NCPU", "1", 1);
	init_with_policy(NULL);
	ck_assert_uint_eq(starpu_worker_get_count(), 1);
	ck_assert_int_eq(starpu_task_insert(&blocker_cl, 0), 0);
	while (!atomic_load(&blocker_started))
		starpu_sleep(0.001);
	/* 0, 7, 2, 9, 4, ...: every priority once, out of order. */
	for (int i = 0; i < PRIO_TASKS; i++) {
		int priority = (i * 7) % PRIO_TASKS;
		ck_assert_int_eq(starpu_task_insert(&record_cl, STARPU_PRIORITY, priority,
						    STARPU_VALUE, &priority, sizeof priority, 0), 0);
	}
	atomic_store(&blocker_release, 1);
	starpu_task_wait_for_all();
	starpu_shutdown();
	ck_assert_int_eq(atomic_load(&ran), PRIO_TASKS);
	for (int i = 0; i < PRIO_TASKS; i++)
		ck_assert_msg(run_order[i] == PRIO_TASKS - 1 - i,
			      "task %d to run had priority %d, expected %d", i, run_order[i],
			      PRIO_TASKS - 1 - i);
}
END_TEST

static int context_workers(int *workers)
{
	return starpu_worker_get_ids_by_type(STARPU_CPU_WORKER, workers, STARPU_NMAXWORKERS);
}

/* Two contexts with vir0-spec through STARPU_SCHED_CTX_POLICY_STRUCT on
 * the same workers, the initial one under eager: each vir0-spec context
 * counts its own tasks, and deleting one leaves the other working. */
START_TEST(contexts_keep_their_own_state)
{
	init_with_policy("eager");
	int workers[STARPU_NMAXWORKERS];
	int nworkers = context_workers(workers);
	ck_assert_int_gt(nworkers, 0);
	unsigned a = starpu_sched_ctx_create(workers, nworkers, "vir0-a",
					     STARPU_SCHED_CTX_POLICY_STRUCT, starpu_vir0_policy(), 0);
	unsigned b = starpu_sched_ctx_create(workers, nworkers, "vir0-b",
					     STARPU_SCHED_CTX_POLICY_STRUCT, starpu_vir0_policy(), 0);
	unsigned value = 0;
	starpu_data_handle_t handle;
	starpu_variable_data_register(&handle, STARPU_MAIN_RAM, (uintptr_t)&value, sizeof value);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(starpu_task_insert(&increment_modelled, STARPU_RW, handle,
						    STARPU_SCHED_CTX, a, 0), 0);
	for (int i = 0; i < 25; i++)
		ck_assert_int_eq(starpu_task_insert(&increment_plain, STARPU_RW, handle,
						    STARPU_SCHED_CTX, b, 0), 0);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(starpu_task_insert(&increment_plain, STARPU_RW, handle, 0), 0);
	starpu_task_wait_for_all();

	struct starpu_vir0_sched_counts counts_a, counts_b, counts_global;
	ck_assert_int_eq(starpu_vir0_sched_counts(a, &counts_a), 0);
	ck_assert_int_eq(starpu_vir0_sched_counts(b, &counts_b), 0);
	ck_assert_uint_eq(counts_a.tasks, 10);
	ck_assert_uint_eq(counts_b.tasks, 25);
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts_global), VIR0_EARG);

	starpu_sched_ctx_delete(a);
	ck_assert_int_eq(starpu_vir0_sched_counts(a, &counts_a), VIR0_EARG);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(starpu_task_insert(&increment_plain, STARPU_RW, handle,
						    STARPU_SCHED_CTX, b, 0), 0);
	starpu_task_wait_for_all();
	ck_assert_int_eq(starpu_vir0_sched_counts(b, &counts_b), 0);
	ck_assert_uint_eq(counts_b.tasks, 30);
	starpu_data_unregister(handle);
	starpu_sched_ctx_delete(b);
	starpu_shutdown();
	ck_assert_uint_eq(value, 45);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *suite = suite_create("starpu_policy");
	TCase *tc = tcase_create("policy");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, linked_policy_runs_tasks);
	tcase_add_test(tc, choice_point_sees_every_task);
	tcase_add_test(tc, priorities_order_a_busy_worker);
	tcase_add_test(tc, contexts_keep_their_own_state);
	suite_add_tcase(suite, tc);
	return suite;
}

int main(void)
{
	SRunner *runner = srunner_create(policy_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
