/* policy.c - the vir0-spec scheduling policy: a modular HEFT tree per
 * context (tree.c) with push_task wrapped so that every task meets the
 * choice point (choice.c) before the tree. A pre-decision component
 * would not do: the perf-model branch sends uncalibrated tasks past it.
 * A VIR0 task is planned for the worker that takes it by the component
 * above each worker (plan.c). */
#include "vir0_spec.h"

#include <limits.h>
#include <stdlib.h>

#include <starpu_sched_component.h>

#include "env.h"
#include "speculation.h"
#include "starpu_vir0.h"
#include "starpu_vir0_devices.h"
#include "tree.h"

/* The context's policy data is the tree (the tree helpers look it up
 * there), so our own state is kept per context id. Written only by
 * init_sched and deinit_sched, which StarPU runs before the context's
 * first push and after its last. */
static struct starpu_vir0_sched_ctx *contexts[STARPU_NMAX_SCHED_CTXS];

static void init_sched(unsigned sched_ctx)
{
	struct starpu_vir0_sched_config config;
	starpu_vir0_sched_config_read(&config);
	struct starpu_vir0_sched_ctx *ctx = calloc(1, sizeof *ctx);
	/* init_sched cannot fail; StarPU itself aborts when its own
	 * allocations do. */
	if (!ctx || !(ctx->shapes = starpu_vir0_shapes_create(config.shapes)))
		STARPU_ABORT_MSG("starpu-vir0: out of memory starting vir0-spec on context %u "
				 "(VIR0_SCHED_SHAPES=%u)", sched_ctx, config.shapes);
	contexts[sched_ctx] = ctx;

	/* Any integer is a valid priority unless the application bounded
	 * the context itself. */
	if (!starpu_sched_ctx_min_priority_is_set(sched_ctx))
		starpu_sched_ctx_set_min_priority(sched_ctx, INT_MIN);
	if (!starpu_sched_ctx_max_priority_is_set(sched_ctx))
		starpu_sched_ctx_set_max_priority(sched_ctx, INT_MAX);
	starpu_vir0_tree_create(sched_ctx);
	starpu_vir0_speculation_start();
}

static void deinit_sched(unsigned sched_ctx)
{
	starpu_sched_tree_destroy(starpu_sched_ctx_get_policy_data(sched_ctx));
	/* The last vir0-spec context saves the store and prints the report;
	 * the initial context (0) ends in starpu_shutdown, after the
	 * workers have stopped. */
	starpu_vir0_speculation_stop();
	/* The initial context (0) ends in starpu_shutdown, after the workers:
	 * the megakernels built on StarPU's OpenCL contexts go with it. */
	if (sched_ctx == 0)
		starpu_vir0_devices_release();
	struct starpu_vir0_sched_ctx *ctx = contexts[sched_ctx];
	contexts[sched_ctx] = NULL;
	starpu_vir0_shapes_destroy(ctx->shapes);
	free(ctx);
}

static int push_task(struct starpu_task *task)
{
	starpu_vir0_sched_choose(contexts[task->sched_ctx], task);
	return starpu_sched_tree_push_task(task);
}

int starpu_vir0_sched_counts(unsigned sched_ctx, struct starpu_vir0_sched_counts *out)
{
	struct starpu_vir0_sched_ctx *ctx =
		sched_ctx < STARPU_NMAX_SCHED_CTXS ? contexts[sched_ctx] : NULL;
	if (!ctx)
		return VIR0_EARG;
	out->tasks = atomic_load(&ctx->tasks);
	out->vir0_tasks = atomic_load(&ctx->vir0_tasks);
	out->unrecorded = atomic_load(&ctx->unrecorded);
	out->shapes = starpu_vir0_shapes_count(ctx->shapes);
	return 0;
}

static struct starpu_sched_policy vir0_spec_policy = {
	.init_sched = init_sched,
	.deinit_sched = deinit_sched,
	.add_workers = starpu_sched_tree_add_workers,
	.remove_workers = starpu_sched_tree_remove_workers,
	.push_task = push_task,
	.pop_task = starpu_sched_tree_pop_task,
	.pre_exec_hook = starpu_sched_component_worker_pre_exec_hook,
	.post_exec_hook = starpu_sched_component_worker_post_exec_hook,
#if STARPU_VIR0_STARPU_1_4
	.do_schedule = starpu_sched_tree_do_schedule,
#endif
	.policy_name = STARPU_VIR0_POLICY_NAME,
	.policy_description = "VIR0 speculation over perf-model HEFT (starpu-vir0)",
	/* Zero would be STARPU_WORKER_TREE. */
	.worker_type = STARPU_WORKER_LIST,
};

struct starpu_sched_policy *starpu_vir0_policy(void)
{
	return &vir0_spec_policy;
}
