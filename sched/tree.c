/* tree.c - the component tree of a vir0-spec context, from StarPU's own
 * components. It is modular-heft's tree (notes/starpu.md §2) but for one
 * branch: there, tasks without a model or still calibrating are pushed by
 * an eager component straight into the first suitable worker's list,
 * where priorities no longer count, and a run of such tasks all lands on
 * one worker (measured on 1.3.10: 60 of 60 tasks on one of two CPU
 * workers, twice the makespan of eager or dmda). Here they wait in one
 * central priority queue that every worker pulls from when idle
 * (fallback.c):
 *
 *   window (prio) -> route -+-> perfmodel_select -+-> mct -> fifo below i (prio) --+
 *                           |                     +-> fallback -+                  |
 *                           +-(VIR0, entered)-----> fallback ---+-> best impl i <--+
 *                                                                   -> plan i -> worker i
 *
 * Calibrated tasks get the perf-model decision (expected length per
 * worker and implementation, transfer time, worker availability); the
 * best-implementation component also picks, on the pulling worker, an
 * implementation still to calibrate. VIR0 tasks the speculation entered
 * skip the perf-model decision (route.c): they wait in the fallback queue
 * and are placed when a worker pulls them (fallback.c), then planned for
 * that worker (plan.c). */
#include "tree.h"

/* StarPU's defaults for the mct branch (modular-heft's). */
#define NTASKS_THRESHOLD 30
#define EXP_LEN_THRESHOLD 1000000000.0

void starpu_vir0_tree_create(unsigned sched_ctx)
{
	struct starpu_sched_tree *tree = starpu_sched_tree_create(sched_ctx);
	/* Set first: creating the worker components looks the tree up. */
	starpu_sched_ctx_set_policy_data(sched_ctx, tree);
	struct starpu_sched_component *window = starpu_sched_component_prio_create(tree, NULL);
	struct starpu_sched_component *mct = starpu_sched_component_mct_create(tree, NULL);
	struct starpu_sched_component *fallback = starpu_vir0_fallback_create(tree);
	struct starpu_sched_component_perfmodel_select_data select_data = {
		.calibrator_component = fallback,
		.no_perfmodel_component = fallback,
		.perfmodel_component = mct,
	};
	struct starpu_sched_component *select =
		starpu_sched_component_perfmodel_select_create(tree, &select_data);
	tree->root = window;
	starpu_sched_component_connect(window, starpu_vir0_route_create(tree, select, fallback));
	starpu_sched_component_connect(select, mct);
	starpu_sched_component_connect(select, fallback);

	struct starpu_sched_component_prio_data below_data = {
		.ntasks_threshold = starpu_get_env_number_default("STARPU_NTASKS_THRESHOLD",
								  NTASKS_THRESHOLD),
		.exp_len_threshold = starpu_get_env_float_default("STARPU_EXP_LEN_THRESHOLD",
								  EXP_LEN_THRESHOLD),
		.ready = starpu_get_env_number_default("STARPU_SCHED_READY", 1),
	};
	for (unsigned workerid = 0; workerid < starpu_worker_get_count(); workerid++) {
		struct starpu_sched_component *worker =
			starpu_sched_component_worker_new(sched_ctx, (int)workerid);
		struct starpu_sched_component *plan = starpu_vir0_plan_create(tree);
		struct starpu_sched_component *impl =
			starpu_sched_component_best_implementation_create(tree, NULL);
		struct starpu_sched_component *below =
			starpu_sched_component_prio_create(tree, &below_data);
		starpu_sched_component_connect(plan, worker);
		starpu_sched_component_connect(impl, plan);
		/* The worker pulls from its own queue first, then the fallback. */
		starpu_sched_component_connect(below, impl);
		starpu_sched_component_connect(fallback, impl);
		starpu_sched_component_connect(mct, below);
	}
	starpu_sched_tree_update_workers(tree);
	starpu_sched_tree_update_workers_in_ctx(tree);
}
