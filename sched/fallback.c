/* fallback.c - the queue of tasks the perf-model decision cannot place
 * yet (no model, or still calibrating) and of every VIR0 task the
 * speculation entered (route.c): per context, lanes of tasks
 * (fallback_queue.h), highest priority first and in arrival order within
 * a priority, from which an idle worker pulls the first task it can
 * execute and, for a VIR0 task, that does not end sooner on another arch
 * (spec_place.h: the speculation's means of what a pop there runs, else
 * the perf-model history); a task that ends sooner here only because a
 * faster arch is busy is taken when the pull finds nothing it runs as
 * fast as anywhere. VIR0 tasks alike (below) share a lane, weighed at its
 * first task: with one list, a pull that weighed 64 tasks saw only the
 * lcg tasks waiting for the H200 and helped with them, 100x slower than
 * the device, while vector tasks the CPU runs well waited further back.
 * StarPU's prio component would hand a worker the top task whatever its
 * archs, and the worker would refuse it and push it again, over and over
 * (measured: 17294 pushes for 192 tasks when CPU-only and OpenCL-only
 * tasks share it). */
#include "tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <starpu_sched_component.h>

#include "fallback_queue.h"
#include "shapes.h"
#include "spec_place.h"
#include "speculation.h"
#include "starpu_vir0_variant.h"
#include "vir0_spec.h"

_Static_assert(STARPU_VIR0_PLACE_ARCHS == STARPU_VIR0_SHAPE_NARCHS,
	       "the placement's archs are the shapes'");

/* Lanes a pull looks past, at most, before it gives up. */
#define SCAN_MAX 64u

struct fallback {
	starpu_pthread_mutex_t lock;
	struct starpu_vir0_queue *queue;
};

/* The key of a task's lane. VIR0 tasks the speculation entered are alike
 * when they agree on their shape, their plan per arch and `where`: what
 * starpu_worker_can_execute_task_first_impl reads of a task then agrees
 * (the codelet's can_execute reads the implementation of the worker's
 * arch, which the plan fixes, and whether the plan is ready there; the
 * context is the queue's), and so do the times spec_place weighs. Any
 * other task, and one limited to a list of workers, has a zeroed key: a
 * pull looks at such a lane task by task and takes the first it can
 * execute, unplaced (a worker list is the application's placement). */
struct alike {
	uint32_t vir0, where;
	uint8_t program_hash[16];
	uint32_t groups[3];
	uint64_t bytes;
	struct starpu_vir0_plan plans[STARPU_VIR0_SHAPE_NARCHS];
};

/* Field by field into a zeroed key: the queue compares its bytes. */
static void alike_of(struct starpu_task *task, struct alike *key)
{
	memset(key, 0, sizeof *key);
	struct starpu_vir0_shape shape;
	struct starpu_vir0_plan plans[STARPU_VIR0_SHAPE_NARCHS];
	if (!starpu_vir0_sched_entered(task) || task->workerids_len ||
	    starpu_vir0_task_shape(task, &shape))
		return;
	for (unsigned a = 0; a < STARPU_VIR0_SHAPE_NARCHS; a++)
		if (starpu_vir0_task_get_plan(task, starpu_vir0_shape_archtypes[a], &plans[a]))
			return;
	key->vir0 = 1;
	key->where = task->where;
	memcpy(key->program_hash, shape.program_hash, sizeof key->program_hash);
	memcpy(key->groups, shape.groups, sizeof key->groups);
	key->bytes = shape.bytes;
	for (unsigned a = 0; a < STARPU_VIR0_SHAPE_NARCHS; a++) {
		key->plans[a].baseline = plans[a].baseline;
		key->plans[a].candidate = plans[a].candidate;
		key->plans[a].mode = plans[a].mode;
	}
}

static int fallback_push_task(struct starpu_sched_component *component, struct starpu_task *task)
{
	struct fallback *fallback = component->data;
	struct alike key;
	alike_of(task, &key);
	STARPU_COMPONENT_MUTEX_LOCK(&fallback->lock);
	int status = starpu_vir0_queue_push(fallback->queue, &key, task->priority, task);
	STARPU_COMPONENT_MUTEX_UNLOCK(&fallback->lock);
	if (status)
		STARPU_ABORT_MSG("starpu-vir0: out of memory queueing a task");
	/* Wake the workers below (blocking drivers sleep otherwise). */
	starpu_sched_component_can_pull(component);
	return 0;
}

struct pull {
	unsigned sched_ctx;
	int workerid;
	int started;          /* the fields below are set (at the first VIR0 lane) */
	struct starpu_vir0_place place;
	int ids[STARPU_VIR0_PLACE_ARCHS][STARPU_NMAXWORKERS]; /* the context's workers */
};

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

/* What the pulling worker does with `count` alike tasks, the first
 * `task`, which it can execute (spec_place.h), with each arch's time from
 * its first worker that can run the task now. */
static enum starpu_vir0_place_verdict place_lane(struct pull *pull, struct starpu_task *task,
						 size_t count, double *slowdown)
{
	if (!pull->started)
		pull_start(pull);
	if (pull->place.here >= STARPU_VIR0_PLACE_ARCHS)
		return STARPU_VIR0_PLACE_TAKE;
	double us[STARPU_VIR0_PLACE_ARCHS];
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++) {
		us[a] = NAN;
		if (a == pull->place.here) {
			us[a] = expected_us(pull, task, pull->workerid);
			continue;
		}
		for (unsigned i = 0; i < pull->place.workers[a] && isnan(us[a]); i++)
			us[a] = expected_us(pull, task, pull->ids[a][i]);
	}
	return starpu_vir0_place_take(&pull->place, us, count, slowdown);
}

/* The pull's look at a lane (starpu_vir0_queue_weigh_fn): alike VIR0
 * tasks at their first, any other task taken where the worker can
 * execute it. */
static int weigh(void *arg, const struct starpu_vir0_queue *queue, unsigned lane, size_t *index,
		 double *slowdown)
{
	struct pull *pull = arg;
	const struct alike *key = starpu_vir0_queue_key(queue, lane);
	size_t count = starpu_vir0_queue_count(queue, lane);
	unsigned nimpl;
	if (key->vir0) {
		*index = 0;
		struct starpu_task *task = starpu_vir0_queue_task(queue, lane, 0);
		if (!starpu_worker_can_execute_task_first_impl(pull->workerid, task, &nimpl))
			return STARPU_VIR0_QUEUE_NONE;
		return place_lane(pull, task, count, slowdown);
	}
	for (*index = 0; *index < count; ++*index)
		if (starpu_worker_can_execute_task_first_impl(
			    pull->workerid, starpu_vir0_queue_task(queue, lane, *index), &nimpl))
			return STARPU_VIR0_PLACE_TAKE;
	return STARPU_VIR0_QUEUE_NONE;
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
	unsigned weighed;
	STARPU_COMPONENT_MUTEX_LOCK(&fallback->lock);
	struct starpu_task *task =
		starpu_vir0_queue_pull(fallback->queue, weigh, &pull, SCAN_MAX, &weighed);
	STARPU_COMPONENT_MUTEX_UNLOCK(&fallback->lock);
	if (weighed)
		wake_others(&pull);
	return task;
}

static void fallback_deinit_data(struct starpu_sched_component *component)
{
	struct fallback *fallback = component->data;
	STARPU_PTHREAD_MUTEX_DESTROY(&fallback->lock);
	starpu_vir0_queue_destroy(fallback->queue);
	free(fallback);
}

struct starpu_sched_component *starpu_vir0_fallback_create(struct starpu_sched_tree *tree)
{
	struct fallback *fallback = calloc(1, sizeof *fallback);
	if (fallback)
		fallback->queue = starpu_vir0_queue_create(sizeof(struct alike));
	if (!fallback || !fallback->queue)
		STARPU_ABORT_MSG("starpu-vir0: out of memory creating the fallback queue");
	STARPU_PTHREAD_MUTEX_INIT(&fallback->lock, NULL);
	struct starpu_sched_component *component =
		starpu_sched_component_create(tree, "vir0-fallback");
	component->data = fallback;
	component->push_task = fallback_push_task;
	component->pull_task = fallback_pull_task;
	component->deinit_data = fallback_deinit_data;
	return component;
}
