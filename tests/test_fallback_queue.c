/* test_fallback_queue.c - the fallback queue's lanes (sched/fallback_queue.c)
 * and a pull over them with the placement of sched/spec_place.c: lanes in
 * order of priority, then arrival; a long lane of tasks left to the
 * device does not hide the next kind's task from the CPU; a task to help
 * with outranks lower priorities only; every task pushed comes out once,
 * whatever is removed where. Tasks here are their arrival numbers. */
#include "fallback_queue.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "vir0.h"

enum { CPU, GPU };

/* What kind of task a lane holds: its times, or a worker that cannot
 * execute it. */
struct kind {
	double cpu_us, gpu_us;
	int cannot;
};

/* A CPU worker pulling, one device worker beside it. */
struct pull {
	const struct kind *kinds;
	struct starpu_vir0_place place;
	unsigned asked; /* lanes the pull looked at */
};

static int weigh(void *arg, const struct starpu_vir0_queue *queue, unsigned lane, size_t *index,
		 double *slowdown)
{
	struct pull *pull = arg;
	const struct kind *kind = &pull->kinds[*(const unsigned *)starpu_vir0_queue_key(queue, lane)];
	pull->asked++;
	*index = 0;
	if (kind->cannot)
		return STARPU_VIR0_QUEUE_NONE;
	return starpu_vir0_place_take(&pull->place, (double[]){ kind->cpu_us, kind->gpu_us },
				      starpu_vir0_queue_count(queue, lane), slowdown);
}

static struct pull cpu_pull(const struct kind *kinds)
{
	return (struct pull){ kinds, { .here = CPU, .workers = { 1, 1 } }, 0 };
}

static void push(struct starpu_vir0_queue *queue, unsigned kind, int priority, uintptr_t task)
{
	ck_assert_int_eq(starpu_vir0_queue_push(queue, &kind, priority, (void *)task), 0);
}

static uintptr_t head(const struct starpu_vir0_queue *queue, unsigned lane)
{
	return (uintptr_t)starpu_vir0_queue_task(queue, lane, 0);
}

static uintptr_t pull(struct starpu_vir0_queue *queue, struct pull *p, unsigned max,
		      unsigned *weighed)
{
	return (uintptr_t)starpu_vir0_queue_pull(queue, weigh, p, max, weighed);
}

START_TEST(lanes_go_by_priority_then_arrival)
{
	struct starpu_vir0_queue *queue = starpu_vir0_queue_create(sizeof(unsigned));
	ck_assert_ptr_nonnull(queue);
	push(queue, 0, 0, 1);
	push(queue, 1, 0, 2);
	push(queue, 0, 0, 3);  /* behind 1, in kind 0's lane */
	push(queue, 2, 5, 4);  /* a higher priority: first */
	push(queue, 0, 5, 5);  /* kind 0 at 5: a lane of its own */
	push(queue, 1, -1, 6);
	ck_assert_uint_eq(starpu_vir0_queue_lanes(queue), 5);
	const uintptr_t heads[] = { 4, 5, 1, 2, 6 };
	const int priorities[] = { 5, 5, 0, 0, -1 };
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_uint_eq(head(queue, i), heads[i]);
		ck_assert_int_eq(starpu_vir0_queue_priority(queue, i), priorities[i]);
	}
	ck_assert_uint_eq(starpu_vir0_queue_count(queue, 2), 2);
	/* Lane (0, 0) loses task 1: its next (3) came after lane (1, 0)'s
	 * first, which now goes first. */
	ck_assert_uint_eq((uintptr_t)starpu_vir0_queue_remove(queue, 2, 0), 1);
	ck_assert_uint_eq(head(queue, 2), 2);
	ck_assert_uint_eq(head(queue, 3), 3);
	/* Emptied lanes go; a later push of their kind comes last. */
	ck_assert_uint_eq((uintptr_t)starpu_vir0_queue_remove(queue, 0, 0), 4);
	ck_assert_uint_eq(starpu_vir0_queue_lanes(queue), 4);
	push(queue, 2, 0, 7);
	ck_assert_uint_eq(head(queue, 3), 7);
	ck_assert_uint_eq(head(queue, 4), 6);
	starpu_vir0_queue_destroy(queue);
}
END_TEST

/* The H200's case: 1000 lcg tasks the device's JIT runs 100x faster than
 * the CPU, then one vector task the CPU runs faster. One list weighed
 * 64 lcg tasks and helped with one; the lanes show the vector task. */
START_TEST(many_alike_do_not_hide_another_kind)
{
	const struct kind kinds[] = { { 100000, 1000, 0 }, { 10, 20, 0 } };
	struct starpu_vir0_queue *queue = starpu_vir0_queue_create(sizeof(unsigned));
	uintptr_t t = 1;
	for (; t <= 1000; t++)
		push(queue, 0, 0, t);
	push(queue, 1, 0, t);
	struct pull p = cpu_pull(kinds);
	unsigned weighed;
	ck_assert_uint_eq(pull(queue, &p, 64, &weighed), t);
	ck_assert_uint_eq(p.asked, 2);
	/* The device has all 1000 lcg tasks to run, which made the CPU's
	 * help with one worth it (HELP), and it saw the vector task first. */
	ck_assert_double_eq_tol(p.place.backlog[GPU], 1000 * 1000.0, 1e-3);
	ck_assert_uint_eq(weighed, 1);
	/* Nothing better left: it helps with the first lcg task. */
	p = cpu_pull(kinds);
	ck_assert_uint_eq(pull(queue, &p, 64, &weighed), 1);
	/* With 99 left, none is worth helping with: all the device's. */
	for (uintptr_t k = 2; k <= 902; k++)
		ck_assert_uint_eq((uintptr_t)starpu_vir0_queue_remove(queue, 0, 0), k);
	ck_assert_uint_eq(starpu_vir0_queue_count(queue, 0), 98);
	p = cpu_pull(kinds);
	ck_assert_uint_eq(pull(queue, &p, 64, &weighed), 0);
	ck_assert_uint_eq(weighed, 1);
	ck_assert_uint_eq(starpu_vir0_queue_count(queue, 0), 98);
	starpu_vir0_queue_destroy(queue);
}
END_TEST

START_TEST(priorities_come_first)
{
	/* 0: left to the device while short, helped with when long; 1: the
	 * CPU's; 2: the CPU cannot run it. */
	const struct kind kinds[] = { { 100000, 1000, 0 }, { 10, 20, 0 }, { 1, 1, 1 } };
	struct starpu_vir0_queue *queue = starpu_vir0_queue_create(sizeof(unsigned));
	push(queue, 2, 9, 1);
	for (uintptr_t t = 2; t < 202; t++)
		push(queue, 0, 5, t);
	push(queue, 1, 0, 202);
	/* A task to help with at 5 outranks one to take at 0; the lane it
	 * cannot run is passed over, not counted. */
	struct pull p = cpu_pull(kinds);
	unsigned weighed;
	ck_assert_uint_eq(pull(queue, &p, 64, &weighed), 2);
	ck_assert_uint_eq(p.asked, 2);
	ck_assert_uint_eq(weighed, 1);
	/* Short, the lane at 5 is the device's: the CPU takes at 0 (a task
	 * left to another arch does not hold back lower ones). */
	for (uintptr_t t = 3; t < 150; t++)
		ck_assert_uint_eq((uintptr_t)starpu_vir0_queue_remove(queue, 1, 0), t);
	p = cpu_pull(kinds);
	ck_assert_uint_eq(pull(queue, &p, 64, &weighed), 202);
	/* At one priority, the least slowdown is helped with. */
	const struct kind helps[] = { { 100000, 1000, 0 }, { 300, 100, 0 }, { 1, 1, 1 } };
	push(queue, 1, 5, 203);
	p = cpu_pull(helps);
	p.place.backlog[GPU] = 1e6;
	ck_assert_uint_eq(pull(queue, &p, 64, &weighed), 203);
	ck_assert_uint_eq(weighed, 2);
	starpu_vir0_queue_destroy(queue);
}
END_TEST

START_TEST(a_pull_weighs_at_most_max_lanes)
{
	const struct kind kinds[] = { { 100000, 1000, 0 }, { 10, 20, 0 } };
	struct starpu_vir0_queue *queue = starpu_vir0_queue_create(sizeof(unsigned));
	/* 10 lanes of one lcg task each (priorities 10 .. 1), then one the
	 * CPU takes. */
	for (int prio = 10; prio > 0; prio--)
		push(queue, 0, prio, (uintptr_t)(11 - prio));
	push(queue, 1, 0, 11);
	struct pull p = cpu_pull(kinds);
	unsigned weighed;
	ck_assert_uint_eq(pull(queue, &p, 4, &weighed), 0);
	ck_assert_uint_eq(weighed, 4);
	ck_assert_uint_eq(p.asked, 4);
	p = cpu_pull(kinds);
	ck_assert_uint_eq(pull(queue, &p, 64, &weighed), 11);
	ck_assert_uint_eq(weighed, 10);
	starpu_vir0_queue_destroy(queue);
}
END_TEST

/* Every lane in order, its tasks in arrival order and of its kind and
 * priority, each task present at most once: returns the tasks queued. */
enum { TASKS = 4000, KINDS = 5 };
static unsigned kind_of[TASKS + 1];
static int priority_of[TASKS + 1];

static size_t check_lanes(const struct starpu_vir0_queue *queue, const char *present)
{
	static char seen[TASKS + 1];
	size_t total = 0;
	for (size_t t = 0; t <= TASKS; t++)
		seen[t] = 0;
	for (unsigned lane = 0; lane < starpu_vir0_queue_lanes(queue); lane++) {
		unsigned kind = *(const unsigned *)starpu_vir0_queue_key(queue, lane);
		int priority = starpu_vir0_queue_priority(queue, lane);
		size_t count = starpu_vir0_queue_count(queue, lane);
		ck_assert_uint_gt(count, 0);
		if (lane > 0) {
			int before = starpu_vir0_queue_priority(queue, lane - 1);
			ck_assert_int_ge(before, priority);
			if (before == priority)
				ck_assert_uint_lt(head(queue, lane - 1), head(queue, lane));
		}
		for (size_t i = 0; i < count; i++) {
			uintptr_t t = (uintptr_t)starpu_vir0_queue_task(queue, lane, i);
			ck_assert(t >= 1 && t <= TASKS && present[t] && !seen[t]);
			seen[t] = 1;
			ck_assert_uint_eq(kind_of[t], kind);
			ck_assert_int_eq(priority_of[t], priority);
			if (i > 0)
				ck_assert_uint_lt((uintptr_t)starpu_vir0_queue_task(queue, lane, i - 1), t);
		}
		total += count;
	}
	return total;
}

static int take_all(void *arg, const struct starpu_vir0_queue *queue, unsigned lane,
		    size_t *index, double *slowdown)
{
	(void)arg;
	(void)queue;
	(void)lane;
	(void)slowdown;
	*index = 0;
	return STARPU_VIR0_PLACE_TAKE;
}

/* Random pushes and removals anywhere (a fixed seed): nothing lost,
 * nothing twice, the lanes in order throughout; a pull that takes every
 * task then drains them by priority, then arrival. */
START_TEST(every_task_comes_out_once)
{
	static char present[TASKS + 1];
	struct starpu_vir0_queue *queue = starpu_vir0_queue_create(sizeof(unsigned));
	srand(12345);
	size_t queued = 0;
	uintptr_t pushed = 0;
	while (pushed < TASKS) {
		if (rand() % 3 || !queued) {
			pushed++;
			kind_of[pushed] = (unsigned)(rand() % KINDS);
			priority_of[pushed] = rand() % 3 - 1;
			push(queue, kind_of[pushed], priority_of[pushed], pushed);
			present[pushed] = 1;
			queued++;
		} else {
			unsigned lane = (unsigned)rand() % starpu_vir0_queue_lanes(queue);
			size_t index = (size_t)rand() % starpu_vir0_queue_count(queue, lane);
			uintptr_t t = (uintptr_t)starpu_vir0_queue_task(queue, lane, index);
			ck_assert_uint_eq((uintptr_t)starpu_vir0_queue_remove(queue, lane, index), t);
			ck_assert(present[t]);
			present[t] = 0;
			queued--;
		}
		if (pushed % 97 == 0)
			ck_assert_uint_eq(check_lanes(queue, present), queued);
	}
	ck_assert_uint_eq(check_lanes(queue, present), queued);
	int last_priority = 1;
	uintptr_t last = 0;
	unsigned weighed;
	for (; queued; queued--) {
		uintptr_t t = (uintptr_t)starpu_vir0_queue_pull(queue, take_all, NULL, 64, &weighed);
		ck_assert(t >= 1 && t <= TASKS && present[t]);
		present[t] = 0;
		ck_assert(priority_of[t] < last_priority || (priority_of[t] == last_priority && t > last));
		last_priority = priority_of[t];
		last = t;
	}
	ck_assert_uint_eq(starpu_vir0_queue_lanes(queue), 0);
	ck_assert_ptr_null(starpu_vir0_queue_pull(queue, take_all, NULL, 64, &weighed));
	for (size_t t = 1; t <= TASKS; t++)
		ck_assert(!present[t]);
	starpu_vir0_queue_destroy(queue);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fallback_queue");
	TCase *tc = tcase_create("queue");
	tcase_add_test(tc, lanes_go_by_priority_then_arrival);
	tcase_add_test(tc, many_alike_do_not_hide_another_kind);
	tcase_add_test(tc, priorities_come_first);
	tcase_add_test(tc, a_pull_weighs_at_most_max_lanes);
	tcase_add_test(tc, every_task_comes_out_once);
	suite_add_tcase(s, tc);
	SRunner *runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
