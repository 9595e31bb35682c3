/* plan.c - the component just above each worker: a VIR0 task the choice
 * point entered is planned here for the worker that pulls it
 * (starpu_vir0_sched_popped), after the best-implementation component
 * chose for the plan pushed and before the worker component adds the
 * task's predicted length to its expected end, so that end counts the
 * plan that runs (the placement reads it: fallback.c). The policy's
 * pop_task would come after that addition, and the worker's pre-exec hook
 * takes back whatever the task predicts then: a length changed in between
 * would stay in the worker's expected end for good. Nor would StarPU's
 * pre-exec hook do for the plan: 1.3's OpenCL driver runs it for an
 * asynchronous task only once the task heads its pipeline, after the
 * kernel function has been called. StarPU 1.3 runs the task it is handed
 * as it is, without checking it again. */
#include "tree.h"

#include "vir0_spec.h"

static struct starpu_task *plan_pull_task(struct starpu_sched_component *component,
					  struct starpu_sched_component *to)
{
	struct starpu_task *task = starpu_sched_component_parents_pull_task(component, to);
	if (task)
		starpu_vir0_sched_popped(task, (unsigned)starpu_worker_get_id_check());
	return task;
}

struct starpu_sched_component *starpu_vir0_plan_create(struct starpu_sched_tree *tree)
{
	struct starpu_sched_component *component = starpu_sched_component_create(tree, "vir0-plan");
	component->pull_task = plan_pull_task;
	return component;
}
