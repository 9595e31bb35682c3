/* spec_push.c - planning a VIR0 task at push: per arch with workers in the
 * task's context, its shape's ladder says what runs (spec_ladder.c), and
 * the plan is set only when some worker of that arch can run it now (a
 * plan set at push is never checked again by StarPU 1.3, so an unrunnable
 * one would strand the task); otherwise the task runs the baseline, or
 * the original, while what it needs builds in the background. */
#define _GNU_SOURCE /* struct hsearch_data */
#include "speculation.h"

#include <stdio.h>

#include <starpu_sched_component.h> /* STARPU_COMPONENT_MUTEX_LOCK */

#include "spec_state.h"
#include "starpu_vir0_variant.h"

/* The workers of the task's context, by arch. */
struct arch_workers {
	unsigned count[STARPU_VIR0_SHAPE_NARCHS];
	int ids[STARPU_VIR0_SHAPE_NARCHS][STARPU_NMAXWORKERS];
};

static void context_workers(unsigned sched_ctx, struct arch_workers *workers)
{
	int *ids;
	unsigned n = starpu_sched_ctx_get_workers_list_raw(sched_ctx, &ids);
	workers->count[0] = workers->count[1] = 0;
	for (unsigned i = 0; i < n; i++)
		for (int a = 0; a < STARPU_VIR0_SHAPE_NARCHS; a++)
			if (starpu_worker_get_type(ids[i]) == starpu_vir0_spec_archs[a])
				workers->ids[a][workers->count[a]++] = ids[i];
}

static struct starpu_vir0_plan codelet_plan(const struct starpu_vir0_spec_entry *e,
					    const struct starpu_vir0_spec_plan *lp)
{
	if (lp->run == STARPU_VIR0_SPEC_RUN_PAIR)
		return (struct starpu_vir0_plan){ e->ids[lp->variant], e->ids[lp->scratch],
						  STARPU_VIR0_PLAN_PAIR };
	return (struct starpu_vir0_plan){ e->ids[lp->variant], e->ids[lp->variant],
					  STARPU_VIR0_PLAN_BASELINE };
}

/* Variant `v`'s state over the arch's workers: READY if ready on one
 * (with its compile time), FAILED if failed on all, else PENDING. */
static int variant_state(const struct starpu_vir0_spec_entry *e, const struct starpu_task *task,
			 const int *ids, unsigned n, unsigned v, uint64_t *compile_ns)
{
	unsigned failed = 0;
	for (unsigned i = 0; i < n; i++) {
		int st = starpu_vir0_task_variant_state(task, ids[i], e->ids[v], compile_ns);
		if (st == STARPU_VIR0_VARIANT_READY)
			return st;
		failed += st == STARPU_VIR0_VARIANT_FAILED || st < 0;
	}
	return failed == n ? STARPU_VIR0_VARIANT_FAILED : STARPU_VIR0_VARIANT_PENDING;
}

/* Tell the ladder how variant `v` stands: built (a sunk cost), still
 * building, or never runnable here. Returns 1 when READY. */
static int note_state(struct starpu_vir0_spec_entry *e, const struct starpu_task *task,
		      const int *ids, unsigned n, unsigned v)
{
	uint64_t compile_ns = 0;
	int st = variant_state(e, task, ids, n, v, &compile_ns);
	if (st == STARPU_VIR0_VARIANT_READY)
		starpu_vir0_spec_compiled(&e->ladder, v, compile_ns / 1e3, 1);
	else if (st == STARPU_VIR0_VARIANT_PENDING)
		starpu_vir0_spec_compiled(&e->ladder, v, 0, 0);
	else
		starpu_vir0_spec_unavailable(&e->ladder, v);
	return st == STARPU_VIR0_VARIANT_READY;
}

static int runnable(const struct starpu_task *task, const int *ids, unsigned n,
		    const struct starpu_vir0_plan *plan)
{
	if (plan->mode == STARPU_VIR0_PLAN_BASELINE && plan->baseline == STARPU_VIR0_VARIANT_ORIGINAL)
		return 1; /* index 0: the codelet's own rules place it */
	for (unsigned i = 0; i < n; i++)
		if (starpu_vir0_task_plan_ready(task, ids[i], plan) == 1)
			return 1;
	return 0;
}

/* The plan of `task` on the entry's arch; called with the entry locked. */
static struct starpu_vir0_plan plan_locked(struct starpu_vir0_spec_entry *e,
					   const struct starpu_vir0_spec_config *config,
					   const struct starpu_task *task, const int *ids,
					   unsigned n, uint64_t now)
{
	struct starpu_vir0_spec_plan lp;
	starpu_vir0_spec_plan(&e->ladder, config, now, &lp);
	if (lp.compile != STARPU_VIR0_SPEC_NONE)
		note_state(e, task, ids, n, lp.compile); /* this task runs without it */
	struct starpu_vir0_plan plan = codelet_plan(e, &lp);
	if (runnable(task, ids, n, &plan))
		return plan;
	/* Not yet: say what is missing, run the baseline if it runs, else
	 * the original. The sample names what ran, so it still counts. */
	note_state(e, task, ids, n, lp.variant);
	if (lp.run == STARPU_VIR0_SPEC_RUN_PAIR)
		note_state(e, task, ids, n, lp.scratch);
	unsigned base = e->ladder.baseline;
	plan = (struct starpu_vir0_plan){ e->ids[base], e->ids[base], STARPU_VIR0_PLAN_BASELINE };
	if (runnable(task, ids, n, &plan))
		return plan;
	return (struct starpu_vir0_plan){ 0, 0, STARPU_VIR0_PLAN_BASELINE };
}

int starpu_vir0_speculation_plan(struct starpu_task *task, const struct starpu_vir0_shape *shape)
{
	struct starpu_vir0_spec_state *s = starpu_vir0_spec_state_get();
	if (!s)
		return VIR0_EARG;
	struct arch_workers workers;
	context_workers(task->sched_ctx, &workers);
	uint64_t now = starpu_vir0_spec_now_us();
	struct starpu_vir0_plan plans[STARPU_VIR0_SHAPE_NARCHS];
	for (int a = 0; a < STARPU_VIR0_SHAPE_NARCHS; a++) {
		plans[a] = (struct starpu_vir0_plan){ 0, 0, STARPU_VIR0_PLAN_BASELINE };
		if (!workers.count[a])
			continue;
		struct starpu_vir0_spec_entry *e = starpu_vir0_spec_entry_get(s, shape, a, task);
		if (!e)
			return VIR0_ELIMIT;
		STARPU_COMPONENT_MUTEX_LOCK(&e->lock);
		plans[a] = plan_locked(e, &s->config, task, workers.ids[a], workers.count[a], now);
		STARPU_COMPONENT_MUTEX_UNLOCK(&e->lock);
	}
	for (int a = 0; a < STARPU_VIR0_SHAPE_NARCHS; a++) {
		struct vir0_error err = { 0 };
		if (starpu_vir0_task_set_plan(task, starpu_vir0_spec_archs[a], &plans[a], &err)) {
			/* Ids come from this task's own ladder: a refusal is a bug
			 * of ours; the original still gives the right result. */
			fprintf(stderr, "starpu-vir0: plan refused, running the original: %s\n",
				err.message);
			starpu_vir0_task_fix_implementation(task, starpu_vir0_spec_archs[a],
							    STARPU_VIR0_IMPL_INTERPRETER);
		}
	}
	return 0;
}
