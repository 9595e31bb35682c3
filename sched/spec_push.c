/* spec_push.c - planning a VIR0 task, in two steps.
 *
 * At push (the choice point) the task's shape is entered on each arch
 * with workers in its context, and the task gets, per arch, the shape's
 * baseline where some worker of the arch can run it now (else the
 * original): the tree's estimates (the implementation index, and the
 * footprint, which StarPU 1.3 computes once, at push) then name what the
 * shape runs, and some worker can take the task (a plan no worker can
 * run would strand it). No arrival is counted, no race is touched.
 *
 * At pop, for the popping worker only: its arch's ladder counts the
 * task's one arrival and says what runs (spec_ladder.c), and that plan is
 * set when this worker can run it now; otherwise the baseline if it can,
 * else the plan the task was pushed with (the tree hands a worker only a
 * task it can execute as pushed; readiness never goes back). So a JIT
 * variant races from the moment it is built, even in a burst pushed
 * before it was. What a worker lacks builds in the background; the
 * ladder hears whether it is built on that worker. */
#define _GNU_SOURCE /* struct hsearch_data */
#include "speculation.h"

#include <math.h>
#include <stdio.h>

#include <starpu_sched_component.h> /* STARPU_COMPONENT_MUTEX_LOCK */

#include "spec_state.h"
#include "starpu_vir0_variant.h"

static const struct starpu_vir0_plan original = { 0, 0, STARPU_VIR0_PLAN_BASELINE };

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
	for (unsigned i = 0; i < n; i++) {
		enum starpu_vir0_shape_arch a = starpu_vir0_shape_arch_of(starpu_worker_get_type(ids[i]));
		if (a != STARPU_VIR0_SHAPE_NARCHS)
			workers->ids[a][workers->count[a]++] = ids[i];
	}
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

static struct starpu_vir0_plan baseline_plan(const struct starpu_vir0_spec_entry *e)
{
	uint32_t id = e->ids[e->ladder.baseline];
	return (struct starpu_vir0_plan){ id, id, STARPU_VIR0_PLAN_BASELINE };
}

static int same_plan(const struct starpu_vir0_plan *a, const struct starpu_vir0_plan *b)
{
	return a->baseline == b->baseline && a->candidate == b->candidate && a->mode == b->mode;
}

/* 1 when every worker of the task's context of the entry's arch says
 * variant `v` never runs there. */
static int failed_everywhere(const struct starpu_vir0_spec_entry *e,
			     const struct starpu_task *task, unsigned v)
{
	struct arch_workers workers;
	context_workers(task->sched_ctx, &workers);
	for (unsigned i = 0; i < workers.count[e->arch]; i++) {
		int st = starpu_vir0_task_variant_state(task, workers.ids[e->arch][i], e->ids[v],
							NULL);
		if (st != STARPU_VIR0_VARIANT_FAILED && st >= 0)
			return 0;
	}
	return 1;
}

/* Tell the ladder how variant `v` stands on the popping worker: built (a
 * sunk cost), still building, or (failed on every worker of the arch)
 * never runnable here. A variant failed on this worker alone counts as
 * not built, so the ladder plans it on the others. */
static void note_state(struct starpu_vir0_spec_entry *e, const struct starpu_task *task,
		       unsigned workerid, unsigned v)
{
	uint64_t compile_ns = 0;
	int st = starpu_vir0_task_variant_state(task, workerid, e->ids[v], &compile_ns);
	if (st == STARPU_VIR0_VARIANT_READY)
		starpu_vir0_spec_compiled(&e->ladder, v, compile_ns / 1e3, 1);
	else if (st == STARPU_VIR0_VARIANT_PENDING || !failed_everywhere(e, task, v))
		starpu_vir0_spec_compiled(&e->ladder, v, 0, 0);
	else
		starpu_vir0_spec_unavailable(&e->ladder, v);
}

/* The plan of `task` on the popping worker `workerid`, which can run
 * `pushed`; called with the entry locked. */
static struct starpu_vir0_plan plan_locked(struct starpu_vir0_spec_entry *e,
					   const struct starpu_vir0_spec_config *config,
					   const struct starpu_task *task, unsigned workerid,
					   const struct starpu_vir0_plan *pushed, uint64_t now)
{
	struct starpu_vir0_spec_plan lp;
	starpu_vir0_spec_plan(&e->ladder, config, now, &lp);
	if (lp.compile != STARPU_VIR0_SPEC_NONE)
		note_state(e, task, workerid, lp.compile); /* this task runs without it */
	struct starpu_vir0_plan plan = codelet_plan(e, &lp);
	if (starpu_vir0_task_plan_ready(task, workerid, &plan) == 1)
		return plan;
	/* Not yet: say what is missing, run the baseline if it runs here,
	 * else what the task was pushed with. The sample names what ran,
	 * so it still counts. */
	note_state(e, task, workerid, lp.variant);
	if (lp.run == STARPU_VIR0_SPEC_RUN_PAIR) {
		note_state(e, task, workerid, lp.scratch);
		starpu_vir0_spec_pair_not_run(&e->ladder, lp.epoch);
	}
	plan = baseline_plan(e);
	if (starpu_vir0_task_plan_ready(task, workerid, &plan) == 1)
		return plan;
	return *pushed;
}

/* Sets the plan (and the implementation index of the arch) or, refused,
 * leaves the task as it was: -1. Ids come from this task's own ladder, so
 * a refusal is a bug of ours. */
static int set_plan(struct starpu_task *task, enum starpu_worker_archtype arch,
		    const struct starpu_vir0_plan *plan)
{
	struct vir0_error err = { 0 };
	if (!starpu_vir0_task_set_plan(task, arch, plan, &err))
		return 0;
	fprintf(stderr, "starpu-vir0: plan refused, the task keeps its own: %s\n", err.message);
	return -1;
}

/* 1 when some worker of `ids` can run `plan` now. */
static int runnable(const struct starpu_task *task, const int *ids, unsigned n,
		    const struct starpu_vir0_plan *plan)
{
	if (same_plan(plan, &original))
		return 1; /* index 0: the codelet's own rules place it */
	for (unsigned i = 0; i < n; i++)
		if (starpu_vir0_task_plan_ready(task, ids[i], plan) == 1)
			return 1;
	return 0;
}

int starpu_vir0_speculation_enter(struct starpu_task *task, const struct starpu_vir0_shape *shape)
{
	struct starpu_vir0_spec_state *s = starpu_vir0_spec_state_get();
	if (!s)
		return VIR0_EARG;
	struct arch_workers workers;
	context_workers(task->sched_ctx, &workers);
	struct starpu_vir0_plan plans[STARPU_VIR0_SHAPE_NARCHS];
	for (int a = 0; a < STARPU_VIR0_SHAPE_NARCHS; a++) {
		plans[a] = original;
		if (!workers.count[a])
			continue;
		struct starpu_vir0_spec_entry *e = starpu_vir0_spec_entry_get(s, shape, a, task);
		if (!e)
			return VIR0_ELIMIT;
		STARPU_COMPONENT_MUTEX_LOCK(&e->lock);
		struct starpu_vir0_plan plan = baseline_plan(e);
		STARPU_COMPONENT_MUTEX_UNLOCK(&e->lock);
		if (runnable(task, workers.ids[a], workers.count[a], &plan))
			plans[a] = plan;
	}
	for (int a = 0; a < STARPU_VIR0_SHAPE_NARCHS; a++)
		if (set_plan(task, starpu_vir0_shape_archtypes[a], &plans[a]))
			/* The original still gives the right result. */
			starpu_vir0_task_fix_implementation(task, starpu_vir0_shape_archtypes[a],
							    STARPU_VIR0_IMPL_INTERPRETER);
	return 0;
}

/* The mean time of `plan` on the entry's arch (both sides of a pair), or
 * NaN while a variant of it has not been timed; called with the entry
 * locked. */
static double plan_mean(const struct starpu_vir0_spec_entry *e, const struct starpu_vir0_plan *plan)
{
	unsigned v = starpu_vir0_spec_entry_index(e, plan->baseline);
	double us = v == STARPU_VIR0_SPEC_NONE ? NAN : starpu_vir0_spec_variant_mean(&e->ladder, v);
	if (plan->mode != STARPU_VIR0_PLAN_PAIR)
		return us;
	v = starpu_vir0_spec_entry_index(e, plan->candidate);
	return us + (v == STARPU_VIR0_SPEC_NONE ? NAN : starpu_vir0_spec_variant_mean(&e->ladder, v));
}

double starpu_vir0_speculation_estimate(const struct starpu_task *task, unsigned workerid,
					int pulling)
{
	struct starpu_vir0_spec_state *s = starpu_vir0_spec_state_get();
	struct starpu_vir0_shape shape;
	enum starpu_vir0_shape_arch a = starpu_vir0_shape_arch_of(starpu_worker_get_type((int)workerid));
	if (!s || a == STARPU_VIR0_SHAPE_NARCHS || starpu_vir0_task_shape(task, &shape))
		return NAN;
	struct starpu_vir0_spec_entry *e = starpu_vir0_spec_entry_get(s, &shape, a, NULL);
	if (!e)
		return NAN;
	STARPU_COMPONENT_MUTEX_LOCK(&e->lock);
	struct starpu_vir0_plan plan = baseline_plan(e);
	double us = plan_mean(e, &plan);
	unsigned c = e->ladder.candidate;
	/* A build that ended since the arch last popped the shape. */
	if (c != STARPU_VIR0_SPEC_NONE && !e->ladder.variants[c].compile.done)
		note_state(e, task, workerid, c);
	/* An arch with something to try (starpu_vir0_spec_exploring) gets
	 * an optimist's time, so that it is given the tasks that open and
	 * start its race. Traced on the H200 (bench_spec's lcg of 1Ki): with
	 * the interpreter's history there (6.2 ms, against the CPU's 1.5-2.7
	 * ms), the device never took the shape for 220 ms, its race never
	 * opened, and the CPU ran half the shape's 200 tasks that the
	 * device's JIT kernel runs in 23 us. */
	if (starpu_vir0_spec_exploring(&e->ladder, &s->config, starpu_vir0_spec_now_us())) {
		us = STARPU_VIR0_SPECULATION_UNTRIED_US;
	} else if (c != STARPU_VIR0_SPEC_NONE && e->ladder.variants[c].compile.done) {
		/* A race open here counts its candidate once built, the
		 * better of the two; one expected like its engine (a rewrite)
		 * is unknown to the pulling worker until timed, which it
		 * takes, and counts as the baseline to the other archs. */
		double candidate = starpu_vir0_spec_variant_mean(&e->ladder, c);
		if (!isnan(candidate))
			us = fmin(us, candidate);
		else if (pulling)
			us = NAN;
	}
	STARPU_COMPONENT_MUTEX_UNLOCK(&e->lock);
	return us;
}

int starpu_vir0_speculation_pop(struct starpu_task *task, unsigned workerid)
{
	struct starpu_vir0_spec_state *s = starpu_vir0_spec_state_get();
	struct starpu_vir0_shape shape;
	if (!s || starpu_vir0_task_shape(task, &shape))
		return VIR0_EARG;
	enum starpu_worker_archtype type = starpu_worker_get_type((int)workerid);
	enum starpu_vir0_shape_arch a = starpu_vir0_shape_arch_of(type);
	struct starpu_vir0_plan pushed;
	struct starpu_vir0_spec_entry *e =
		a < STARPU_VIR0_SHAPE_NARCHS ? starpu_vir0_spec_entry_get(s, &shape, a, NULL) : NULL;
	if (!e || starpu_vir0_task_get_plan(task, type, &pushed))
		return VIR0_EARG;
	STARPU_COMPONENT_MUTEX_LOCK(&e->lock);
	struct starpu_vir0_plan plan =
		plan_locked(e, &s->config, task, workerid, &pushed, starpu_vir0_spec_now_us());
	double us = plan_mean(e, &plan);
	STARPU_COMPONENT_MUTEX_UNLOCK(&e->lock);
	/* The worker's expected end counts what runs, not the history of the
	 * plan pushed (another footprint, or none). */
	if (!isnan(us))
		task->predicted = us;
	if (same_plan(&plan, &pushed) || set_plan(task, type, &plan))
		return 0;
	/* The tree chose the implementation for the plan pushed; StarPU 1.3
	 * runs the one set last, with no check of its own after pop. */
	starpu_task_set_implementation(task, same_plan(&plan, &original)
						     ? STARPU_VIR0_IMPL_INTERPRETER
						     : STARPU_VIR0_IMPL_VARIANT);
	return 0;
}
