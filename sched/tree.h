/* tree.h - the modular component tree of one vir0-spec context. */
#ifndef STARPU_VIR0_TREE_H
#define STARPU_VIR0_TREE_H

#include <starpu_sched_component.h>

/* Build the context's tree and make it the context's policy data (the
 * starpu_sched_tree_* hooks find it there). */
void starpu_vir0_tree_create(unsigned sched_ctx);

/* The queue of tasks without a model or still calibrating (fallback.c),
 * pulled by whichever worker is idle and can execute them. */
struct starpu_sched_component *starpu_vir0_fallback_create(struct starpu_sched_tree *tree);

#endif
