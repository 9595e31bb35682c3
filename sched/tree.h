/* tree.h - the modular component tree of one vir0-spec context. */
#ifndef STARPU_VIR0_TREE_H
#define STARPU_VIR0_TREE_H

#include <starpu_sched_component.h>

/* Build the context's tree and make it the context's policy data (the
 * starpu_sched_tree_* hooks find it there). */
void starpu_vir0_tree_create(unsigned sched_ctx);

/* The queue of tasks without a model or still calibrating, and of VIR0
 * tasks the speculation entered (fallback.c), pulled by whichever worker
 * is idle and can execute them (a VIR0 task: unless it ends sooner on
 * another arch). */
struct starpu_sched_component *starpu_vir0_fallback_create(struct starpu_sched_tree *tree);

/* Between the window and StarPU's perf-model selection: VIR0 tasks the
 * speculation entered go to `fallback`, every other task to `select`
 * (route.c). Connected to both. */
struct starpu_sched_component *starpu_vir0_route_create(struct starpu_sched_tree *tree,
							struct starpu_sched_component *select,
							struct starpu_sched_component *fallback);

/* Just above a worker: plans a VIR0 task for the worker that pulls it
 * (plan.c). */
struct starpu_sched_component *starpu_vir0_plan_create(struct starpu_sched_tree *tree);

#endif
