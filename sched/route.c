/* route.c - where the window's tasks go: a VIR0 task the speculation
 * entered to the fallback queue, where a worker takes it when it pulls,
 * with what the speculation knows by then (fallback.c); every other task
 * to StarPU's perf-model selection. The perf-model branch would place a
 * VIR0 task at push by the history of the plan it was pushed with, which
 * stops being what runs once a verdict comes (a JIT kernel 100x faster on
 * the device, say), and would commit it to a worker's queue before that
 * verdict: measured on the H200, the CPU worker's queue filled with ~160
 * interpreted lcg tasks (~100 ms each) the device then ran in ~1 ms. */
#include "tree.h"

#include <stdlib.h>

#include "vir0_spec.h"

struct route {
	struct starpu_sched_component *select, *fallback;
};

static int route_push_task(struct starpu_sched_component *component, struct starpu_task *task)
{
	struct route *route = component->data;
	return starpu_sched_component_push_task(
		component, starpu_vir0_sched_entered(task) ? route->fallback : route->select, task);
}

/* Tasks only go down through push, as in StarPU's perf-model selection. */
static struct starpu_task *route_pull_task(struct starpu_sched_component *component,
					   struct starpu_sched_component *to)
{
	(void)component;
	(void)to;
	return NULL;
}

static void route_deinit_data(struct starpu_sched_component *component)
{
	free(component->data);
}

struct starpu_sched_component *starpu_vir0_route_create(struct starpu_sched_tree *tree,
							struct starpu_sched_component *select,
							struct starpu_sched_component *fallback)
{
	struct route *route = malloc(sizeof *route);
	if (!route)
		STARPU_ABORT_MSG("starpu-vir0: out of memory creating the router");
	*route = (struct route){ select, fallback };
	struct starpu_sched_component *component = starpu_sched_component_create(tree, "vir0-route");
	component->data = route;
	component->push_task = route_push_task;
	component->pull_task = route_pull_task;
	/* A task pushed into the window pumps it down (as perfmodel_select). */
	component->can_pull = starpu_sched_component_send_can_push_to_parents;
	component->deinit_data = route_deinit_data;
	starpu_sched_component_connect(component, select);
	starpu_sched_component_connect(component, fallback);
	return component;
}
