/* fallback.c - the queue of tasks the perf-model decision cannot place
 * yet (no model, or still calibrating) and of every VIR0 task the
 * speculation entered (route.c): one list per context, highest priority
 * first and in arrival order within a priority, from which an idle worker
 * pulls the first task it can execute and, for a VIR0 task, that does not
 * end sooner on another arch (spec_place.h: the speculation's means of
 * what a pop there runs, else the perf-model history); a task that ends
 * sooner here only because a faster arch is busy is taken when the scan
 * finds nothing it runs as fast as anywhere. StarPU's prio
 * component would hand a worker the top task whatever its archs, and the
 * worker would refuse it and push it again, over and over (measured: 17294
 * pushes for 192 tasks when CPU-only and OpenCL-only tasks share it). */
#include "tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <starpu_sched_component.h>

#include "shapes.h"
#include "spec_place.h"
#include "speculation.h"
#include "vir0_spec.h"

_Static_assert(STARPU_VIR0_PLACE_ARCHS == STARPU_VIR0_SHAPE_NARCHS,
	       "the placement's archs are the shapes'");

/* Tasks a pull looks past, at most, before it gives up. */
#define SCAN_MAX 64u

struct fallback {
	starpu_pthread_mutex_t lock;
	struct starpu_task_list tasks;
};

/* Before the first task of lower priority: O(1) when priorities repeat. */
static void insert_by_priority(struct starpu_task_list *list, struct starpu_task *task)
{
	struct starpu_task *after = starpu_task_list_back(list);
	while (after && after->priority < task->priority)
		after = after->prev;
	if (!after) {
		starpu_task_list_push_front(list, task);
		return;
	}
	if (after == starpu_task_list_back(list)) {
		starpu_task_list_push_back(list, task);
		return;
	}
	task->prev = after;
	task->next = after->next;
	after->next->prev = task;
	after->next = task;
}

static int fallback_push_task(struct starpu_sched_component *component, struct starpu_task *task)
{
	struct fallback *fallback = component->data;
	STARPU_COMPONENT_MUTEX_LOCK(&fallback->lock);
	insert_by_priority(&fallback->tasks, task);
	STARPU_COMPONENT_MUTEX_UNLOCK(&fallback->lock);
	/* Wake the workers below (blocking drivers sleep otherwise). */
	starpu_sched_component_can_pull(component);
	return 0;
}

/* What a pull knows of the shapes it met: few shapes, many tasks. */
enum { SEEN_MAX = 8 };

struct pull {
	unsigned sched_ctx;
	int workerid;
	int started;          /* the fields below are set (at the first VIR0 task) */
	struct starpu_vir0_place place;
	int ids[STARPU_VIR0_PLACE_ARCHS][STARPU_NMAXWORKERS]; /* the context's workers */
	unsigned nseen;
	struct starpu_vir0_shape shapes[SEEN_MAX];
	double us[SEEN_MAX][STARPU_VIR0_PLACE_ARCHS];
};

static int same_shape(const struct starpu_vir0_shape *a, const struct starpu_vir0_shape *b)
{
	return !memcmp(a->program_hash, b->program_hash, sizeof a->program_hash) &&
	       a->groups[0] == b->groups[0] && a->groups[1] == b->groups[1] &&
	       a->groups[2] == b->groups[2] && a->bytes == b->bytes;
}

/* The archs' workers and backlogs, once a pull meets a VIR0 task. */
static void pull_start(struct pull *pull)
{
	unsigned sched_ctx = pull->sched_ctx;
	int workerid = pull->workerid;
	pull->started = 1;
	pull->place.here = starpu_vir0_shape_arch_of(starpu_worker_get_type(workerid));
	double now = starpu_timing_now();
	int *ids;
	unsigned n = starpu_sched_ctx_get_workers_list_raw(sched_ctx, &ids);
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++)
		pull->place.backlog[a] = a == pull->place.here ? 0 : INFINITY;
	for (unsigned i = 0; i < n; i++) {
		unsigned a = starpu_vir0_shape_arch_of(starpu_worker_get_type(ids[i]));
		if (a >= STARPU_VIR0_PLACE_ARCHS)
			continue;
		pull->ids[a][pull->place.workers[a]++] = ids[i];
		struct starpu_sched_component *worker =
			starpu_sched_component_worker_get(sched_ctx, ids[i]);
		double left = fmax(worker->estimated_end(worker) - now, 0);
		if (ids[i] == workerid || (a != pull->place.here && left < pull->place.backlog[a]))
			pull->place.backlog[a] = left;
	}
}

/* `task` on worker `workerid`, in microseconds: the speculation's mean of
 * what a pop there runs, else the perf-model history of the plan pushed;
 * NaN when unknown or when the worker cannot run the task now. */
static double expected_us(const struct pull *pull, struct starpu_task *task, int workerid)
{
	unsigned nimpl;
	if (!starpu_worker_can_execute_task_first_impl(workerid, task, &nimpl))
		return NAN;
	double us = starpu_vir0_speculation_estimate(task, (unsigned)workerid,
						     workerid == pull->workerid);
	if (isnan(us))
		us = starpu_task_expected_length(
			task, starpu_worker_get_perf_archtype(workerid, pull->sched_ctx), nimpl);
	return us > 0 ? us : NAN;
}

/* What the pulling worker does with `task`, a task it can execute: a
 * VIR0 task per spec_place.h, with each arch's time from its first worker
 * that can run the task now, per shape; any other task is taken. */
static enum starpu_vir0_place_verdict pull_takes(struct pull *pull, struct starpu_task *task,
						 double *slowdown)
{
	struct starpu_vir0_shape shape;
	if (!starpu_vir0_sched_entered(task) || starpu_vir0_task_shape(task, &shape))
		return STARPU_VIR0_PLACE_TAKE;
	if (!pull->started)
		pull_start(pull);
	if (pull->place.here >= STARPU_VIR0_PLACE_ARCHS)
		return STARPU_VIR0_PLACE_TAKE;
	unsigned k = 0;
	while (k < pull->nseen && !same_shape(&pull->shapes[k], &shape))
		k++;
	if (k == pull->nseen) {
		if (k == SEEN_MAX)
			return STARPU_VIR0_PLACE_TAKE; /* more shapes than a scan keeps */
		pull->shapes[pull->nseen++] = shape;
		for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++) {
			pull->us[k][a] = NAN;
			if (a == pull->place.here) {
				pull->us[k][a] = expected_us(pull, task, pull->workerid);
				continue;
			}
			for (unsigned i = 0; i < pull->place.workers[a] && isnan(pull->us[k][a]); i++)
				pull->us[k][a] = expected_us(pull, task, pull->ids[a][i]);
		}
	}
	return starpu_vir0_place_take(&pull->place, pull->us[k], slowdown);
}

/* Tasks were left to the other archs: their workers must look (a
 * blocking driver may be asleep; the push woke only one worker). */
static void wake_others(const struct pull *pull)
{
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++)
		for (unsigned i = 0; a != pull->place.here && i < pull->place.workers[a]; i++)
			starpu_wake_worker_relax_light(pull->ids[a][i]);
}

static struct starpu_task *fallback_pull_task(struct starpu_sched_component *component,
					      struct starpu_sched_component *to)
{
	(void)to;
	struct fallback *fallback = component->data;
	int workerid = starpu_worker_get_id();
	if (workerid < 0)
		return NULL;
	struct pull pull = { .sched_ctx = component->tree->sched_ctx_id, .workerid = workerid };
	STARPU_COMPONENT_MUTEX_LOCK(&fallback->lock);
	struct starpu_task *task, *help = NULL;
	double help_slowdown = INFINITY;
	unsigned nimpl, scanned = 0;
	for (task = starpu_task_list_begin(&fallback->tasks);
	     task != starpu_task_list_end(&fallback->tasks); task = starpu_task_list_next(task)) {
		if (!starpu_worker_can_execute_task_first_impl(workerid, task, &nimpl))
			continue;
		double slowdown;
		enum starpu_vir0_place_verdict verdict = pull_takes(&pull, task, &slowdown);
		/* Priority first: a task to help with outranks the lower ones. */
		if (help && task->priority < help->priority) {
			task = help;
			break;
		}
		if (verdict == STARPU_VIR0_PLACE_TAKE)
			break;
		if (verdict == STARPU_VIR0_PLACE_HELP && slowdown < help_slowdown) {
			help = task;
			help_slowdown = slowdown;
		}
		/* A worker that only finds tasks better run elsewhere stops
		 * looking: the queue may be long, and it pulls again. */
		if (++scanned == SCAN_MAX) {
			task = NULL;
			break;
		}
	}
	if (!task || task == starpu_task_list_end(&fallback->tasks))
		task = help;
	if (task)
		starpu_task_list_erase(&fallback->tasks, task);
	STARPU_COMPONENT_MUTEX_UNLOCK(&fallback->lock);
	if (scanned)
		wake_others(&pull);
	return task;
}

static void fallback_deinit_data(struct starpu_sched_component *component)
{
	struct fallback *fallback = component->data;
	STARPU_PTHREAD_MUTEX_DESTROY(&fallback->lock);
	free(fallback);
}

struct starpu_sched_component *starpu_vir0_fallback_create(struct starpu_sched_tree *tree)
{
	struct fallback *fallback = calloc(1, sizeof *fallback);
	if (!fallback)
		STARPU_ABORT_MSG("starpu-vir0: out of memory creating the fallback queue");
	STARPU_PTHREAD_MUTEX_INIT(&fallback->lock, NULL);
	starpu_task_list_init(&fallback->tasks);
	struct starpu_sched_component *component =
		starpu_sched_component_create(tree, "vir0-fallback");
	component->data = fallback;
	component->push_task = fallback_push_task;
	component->pull_task = fallback_pull_task;
	component->deinit_data = fallback_deinit_data;
	return component;
}
