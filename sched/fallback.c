/* fallback.c - the queue of tasks the perf-model decision cannot place
 * yet (no model, or still calibrating): one list per context, highest
 * priority first and in arrival order within a priority, from which an
 * idle worker pulls the first task it can execute. StarPU's prio
 * component would hand a worker the top task whatever its archs, and the
 * worker would refuse it and push it again, over and over (measured: 17294
 * pushes for 192 tasks when CPU-only and OpenCL-only tasks share it). */
#include "tree.h"

#include <stdlib.h>

#include <starpu_sched_component.h>

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

static struct starpu_task *fallback_pull_task(struct starpu_sched_component *component,
					      struct starpu_sched_component *to)
{
	(void)to;
	struct fallback *fallback = component->data;
	int workerid = starpu_worker_get_id();
	if (workerid < 0)
		return NULL;
	STARPU_COMPONENT_MUTEX_LOCK(&fallback->lock);
	struct starpu_task *task;
	unsigned nimpl;
	for (task = starpu_task_list_begin(&fallback->tasks);
	     task != starpu_task_list_end(&fallback->tasks); task = starpu_task_list_next(task))
		if (starpu_worker_can_execute_task_first_impl(workerid, task, &nimpl))
			break;
	if (task)
		starpu_task_list_erase(&fallback->tasks, task);
	STARPU_COMPONENT_MUTEX_UNLOCK(&fallback->lock);
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
