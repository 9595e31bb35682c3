/* vir0_spec.h - the vir0-spec policy's internals, shared by sched/ and
 * plugin/ and read by the tests: the policy name, the per-context state
 * and the counters that show every task passed the choice point. Not
 * installed. */
#ifndef STARPU_VIR0_SPEC_H
#define STARPU_VIR0_SPEC_H

#include <stdatomic.h>
#include <stdint.h>

#include <starpu.h>

#include "shapes.h"

/* The name STARPU_SCHED takes. StarPU redirects any name starting with
 * "heft" to dmda, so this one must not. */
#define STARPU_VIR0_POLICY_NAME "vir0-spec"

/* The policy struct's layout and StarPU's ways of finding a policy differ
 * from 1.4 on (notes/starpu.md §0). */
#define STARPU_VIR0_STARPU_1_4 \
	(STARPU_MAJOR_VERSION > 1 || (STARPU_MAJOR_VERSION == 1 && STARPU_MINOR_VERSION >= 4))

/* What the choice point saw in one scheduling context. */
struct starpu_vir0_sched_counts {
	uint64_t tasks;        /* every task pushed to the context */
	uint64_t vir0_tasks;   /* the VIR0 ones among them */
	uint64_t shapes;       /* distinct VIR0 shapes in the table */
	uint64_t unrecorded;   /* VIR0 tasks whose shape found the table full */
};

/* One scheduling context's state: StarPU keeps the modular tree as the
 * context's policy data, so this lives beside it, indexed by context. */
struct starpu_vir0_sched_ctx {
	struct starpu_vir0_shapes *shapes;
	atomic_uint_fast64_t tasks;
	atomic_uint_fast64_t vir0_tasks;
	atomic_uint_fast64_t unrecorded;
};

/* The choice point: every task pushed to a vir0-spec context passes here
 * before the tree decides a worker (sched/choice.c). */
void starpu_vir0_sched_choose(struct starpu_vir0_sched_ctx *ctx, struct starpu_task *task);

/* A worker of a vir0-spec context pulls `task` (the component above it,
 * sched/plan.c, in StarPU's sched-op state): a task the choice point
 * entered in the speculation gets its plan for that worker
 * (sched/choice.c). */
void starpu_vir0_sched_popped(struct starpu_task *task, unsigned workerid);

/* 1 when the choice point entered `task` in the speculation. */
int starpu_vir0_sched_entered(const struct starpu_task *task);

/* The counters of context `sched_ctx`: 0, or VIR0_EARG when that context
 * does not run vir0-spec. */
int starpu_vir0_sched_counts(unsigned sched_ctx, struct starpu_vir0_sched_counts *out);

#endif
