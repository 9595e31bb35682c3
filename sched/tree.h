/* tree.h - the modular component tree of one vir0-spec context. */
#ifndef STARPU_VIR0_TREE_H
#define STARPU_VIR0_TREE_H

/* Build the context's tree and make it the context's policy data (the
 * starpu_sched_tree_* hooks find it there). */
void starpu_vir0_tree_create(unsigned sched_ctx);

#endif
