/* test_spec_place.c - the placement of a VIR0 task at a pull from the
 * fallback queue (sched/spec_place.c): taken where it ends soonest, left
 * for an arch that ends it sooner even after its backlog, unknown times
 * taken (running is how they get known), ties taken, tasks left to an
 * arch filling its backlog until the pulling worker helps with one, and
 * how much slower it runs them; a lane of alike tasks weighed at once
 * as the same tasks one by one would be. */
#include "spec_place.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>

#define LEAVE STARPU_VIR0_PLACE_LEAVE
#define TAKE STARPU_VIR0_PLACE_TAKE
#define HELP STARPU_VIR0_PLACE_HELP

enum { CPU, GPU };

static double slowdown;

static enum starpu_vir0_place_verdict take(struct starpu_vir0_place *place, double cpu_us,
					   double gpu_us)
{
	return starpu_vir0_place_take(place, (double[]){ cpu_us, gpu_us }, 1, &slowdown);
}

static enum starpu_vir0_place_verdict take_lane(struct starpu_vir0_place *place, double cpu_us,
						double gpu_us, size_t count)
{
	return starpu_vir0_place_take(place, (double[]){ cpu_us, gpu_us }, count, &slowdown);
}

static struct starpu_vir0_place cpu_pulls(double cpu_left, double gpu_left)
{
	return (struct starpu_vir0_place){
		.here = CPU, .workers = { 1, 1 }, .backlog = { cpu_left, gpu_left },
	};
}

START_TEST(task_goes_where_it_ends_first)
{
	struct starpu_vir0_place place = cpu_pulls(0, 0);
	ck_assert_int_eq(take(&place, 100, 1000), TAKE);
	ck_assert_int_eq(take(&place, 1000, 100), LEAVE);
	/* The left task is the GPU's now. */
	ck_assert_double_eq(place.backlog[GPU], 100);
	ck_assert_double_eq(place.backlog[CPU], 0);
	/* A busy GPU: the idle CPU ends it first, 10x slower than the GPU
	 * would, so it helps unless something better is waiting (the task
	 * counts as the GPU's meanwhile). */
	place = cpu_pulls(0, 5000);
	ck_assert_int_eq(take(&place, 1000, 100), HELP);
	ck_assert_double_eq(slowdown, 10);
	ck_assert_double_eq(place.backlog[GPU], 5100);
	ck_assert_int_eq(take(&place, 100, 1000), TAKE);
}
END_TEST

START_TEST(unknown_times_and_ties_are_taken)
{
	struct starpu_vir0_place place = cpu_pulls(0, 0);
	ck_assert_int_eq(take(&place, NAN, 1), TAKE);
	ck_assert_int_eq(take(&place, 0, 1), TAKE);
	ck_assert_int_eq(take(&place, 1000, NAN), TAKE);
	ck_assert_int_eq(take(&place, 1000, -1), TAKE);
	ck_assert_int_eq(take(&place, 100, 100), TAKE);
	/* No GPU worker: nothing to leave it to. */
	place.workers[GPU] = 0;
	ck_assert_int_eq(take(&place, 1000, 1), TAKE);
	/* The pulling worker's own arch out of range: it takes. */
	place = cpu_pulls(0, 0);
	place.here = STARPU_VIR0_PLACE_ARCHS;
	ck_assert_int_eq(take(&place, 1000, 1), TAKE);
	ck_assert_double_eq(place.backlog[GPU], 0);
}
END_TEST

/* The H200's case: lcg interpreted on the CPU 100x slower than the JIT on
 * the device. The CPU leaves 99 of them to the device and may help with
 * the 100th, which the device would only start after the 99. */
START_TEST(a_long_queue_for_the_fast_arch_lets_the_slow_one_help)
{
	struct starpu_vir0_place place = cpu_pulls(0, 0);
	int taken = -1;
	for (int t = 0; t < 200 && taken < 0; t++)
		if (take(&place, 100000, 1000) != LEAVE)
			taken = t;
	ck_assert_int_eq(taken, 99);
	/* Two device workers share the backlog: twice as many left. */
	place = cpu_pulls(0, 0);
	place.workers[GPU] = 2;
	taken = -1;
	for (int t = 0; t < 400 && taken < 0; t++)
		if (take(&place, 100000, 1000) != LEAVE)
			taken = t;
	ck_assert_int_eq(taken, 198);
}
END_TEST

/* The device pulls: its own backlog counts against it. */
START_TEST(own_backlog_counts)
{
	struct starpu_vir0_place place = {
		.here = GPU, .workers = { 1, 1 }, .backlog = { 0, 50000 },
	};
	ck_assert_int_eq(take(&place, 1000, 100), LEAVE);
	ck_assert_double_eq(place.backlog[CPU], 1000);
	place.backlog[GPU] = 0;
	ck_assert_int_eq(take(&place, 1000, 100), TAKE);
}
END_TEST

/* The H200's lcg again, 200 tasks alike in one lane: the device's 99
 * first, then the CPU may help; every task counts on the device, as the
 * scan one by one counted them. */
START_TEST(a_lane_counts_all_its_tasks)
{
	struct starpu_vir0_place place = cpu_pulls(0, 0);
	ck_assert_int_eq(take_lane(&place, 100000, 1000, 200), HELP);
	ck_assert_double_eq(slowdown, 100);
	ck_assert_double_eq_tol(place.backlog[GPU], 200000, 1e-6);
	ck_assert_double_eq(place.backlog[CPU], 0);
	/* 99 of them: all the device's. */
	place = cpu_pulls(0, 0);
	ck_assert_int_eq(take_lane(&place, 100000, 1000, 99), LEAVE);
	ck_assert_double_eq_tol(place.backlog[GPU], 99000, 1e-6);
	/* Two device workers: twice as many before the CPU helps. */
	place = cpu_pulls(0, 0);
	place.workers[GPU] = 2;
	ck_assert_int_eq(take_lane(&place, 100000, 1000, 198), LEAVE);
	ck_assert_int_eq(take_lane(&place, 100000, 1000, 1), HELP);
	/* The device pulls, busy for 50 ms: the CPU ends the first 50 of
	 * 100 tasks sooner (1 ms each), then the device takes one. */
	place = (struct starpu_vir0_place){ .here = GPU, .workers = { 1, 1 }, .backlog = { 0, 50000 } };
	ck_assert_int_eq(take_lane(&place, 1000, 100, 100), TAKE);
	ck_assert_double_eq_tol(place.backlog[CPU], 50000, 1e-6);
	place.backlog[CPU] = 0;
	ck_assert_int_eq(take_lane(&place, 1000, 100, 30), LEAVE);
	ck_assert_double_eq_tol(place.backlog[CPU], 30000, 1e-6);
}
END_TEST

/* The lane's verdict and backlogs against the same tasks one by one:
 * their first verdict other than LEAVE (a pull stops at TAKE), every one
 * counted otherwise. */
static void lane_as_one_by_one(struct starpu_vir0_place start, double cpu_us, double gpu_us,
			       size_t count)
{
	struct starpu_vir0_place one = start, lane = start;
	enum starpu_vir0_place_verdict first = LEAVE;
	double first_slowdown = 0;
	for (size_t t = 0; t < count && first != TAKE; t++) {
		enum starpu_vir0_place_verdict v = take(&one, cpu_us, gpu_us);
		if (first == LEAVE && v != LEAVE) {
			first = v;
			first_slowdown = slowdown;
		}
	}
	ck_assert_int_eq(take_lane(&lane, cpu_us, gpu_us, count), first);
	if (first == HELP)
		ck_assert_double_eq_tol(slowdown, first_slowdown, 1e-9);
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++)
		ck_assert_double_eq_tol(lane.backlog[a], one.backlog[a], 1e-6 * (1 + one.backlog[a]));
}

START_TEST(a_lane_is_its_tasks_one_by_one)
{
	const double times[] = { 1, 23, 100, 999.5, 1000, 1500, 100000, NAN };
	const double backlogs[] = { 0, 250, 5000, 123456 };
	const size_t counts[] = { 1, 2, 7, 64, 99, 100, 101, 1000 };
	for (unsigned here = 0; here < 2; here++)
		for (unsigned gpus = 1; gpus <= 3; gpus++)
			for (unsigned c = 0; c < 8; c++)
				for (unsigned g = 0; g < 8; g++)
					for (unsigned b = 0; b < 4; b++)
						for (unsigned n = 0; n < 8; n++) {
							struct starpu_vir0_place start = {
								.here = here, .workers = { 1, gpus },
								.backlog = { backlogs[b], backlogs[3 - b] },
							};
							lane_as_one_by_one(start, times[c], times[g],
									   counts[n]);
						}
}
END_TEST

static Suite *place_suite(void)
{
	Suite *s = suite_create("spec_place");
	TCase *tc = tcase_create("place");
	tcase_add_test(tc, task_goes_where_it_ends_first);
	tcase_add_test(tc, unknown_times_and_ties_are_taken);
	tcase_add_test(tc, a_long_queue_for_the_fast_arch_lets_the_slow_one_help);
	tcase_add_test(tc, own_backlog_counts);
	tcase_add_test(tc, a_lane_counts_all_its_tasks);
	tcase_add_test(tc, a_lane_is_its_tasks_one_by_one);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(place_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
