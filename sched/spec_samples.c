/* spec_samples.c - the codelet's samples back into the ladders: on the
 * worker's thread, right after a timed run, a sample is mapped to its
 * (shape, arch) entry and recorded (a pair: the real side is the plan's
 * baseline, the scratch side its candidate, compared bit for bit; a
 * single CPU run: one side of the alternating samples). A mismatch is
 * reported and bans the candidate for the shape; the task's result is the
 * baseline's either way (the codelet writes it into the real buffers). */
#define _GNU_SOURCE /* struct hsearch_data */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <starpu_sched_component.h> /* STARPU_COMPONENT_MUTEX_LOCK */

#include "spec_state.h"
#include "speculation.h"
#include "vir0_spec.h"

/* Only tasks the policy planned count: not those of contexts run by
 * another policy, nor pinned tasks (StarPU runs them past the policy). */
static int planned_by_us(void)
{
	struct starpu_task *task = starpu_task_get_current();
	if (!task || task->execute_on_a_specific_worker)
		return 0;
	/* By name: StarPU may keep a copy of the policy struct. */
	struct starpu_sched_policy *policy = starpu_sched_ctx_get_sched_policy(task->sched_ctx);
	return policy && policy->policy_name &&
	       !strcmp(policy->policy_name, STARPU_VIR0_POLICY_NAME);
}

/* The sample as the ladder's plan, or -1 when it names variants not on
 * the entry's ladder. */
static int ladder_plan(const struct starpu_vir0_spec_entry *e,
		       const struct starpu_vir0_sample *sample, struct starpu_vir0_spec_plan *lp)
{
	const struct starpu_vir0_plan *p = &sample->plan;
	lp->compile = lp->scratch = STARPU_VIR0_SPEC_NONE;
	lp->epoch = e->ladder.epoch;
	lp->run = p->mode == STARPU_VIR0_PLAN_PAIR ? STARPU_VIR0_SPEC_RUN_PAIR
						   : STARPU_VIR0_SPEC_RUN_ONE;
	lp->variant = starpu_vir0_spec_entry_index(
		e, p->mode == STARPU_VIR0_PLAN_CANDIDATE ? p->candidate : p->baseline);
	if (lp->run == STARPU_VIR0_SPEC_RUN_PAIR)
		lp->scratch = starpu_vir0_spec_entry_index(e, p->candidate);
	return lp->variant == STARPU_VIR0_SPEC_NONE ||
			       (lp->run == STARPU_VIR0_SPEC_RUN_PAIR &&
				lp->scratch == STARPU_VIR0_SPEC_NONE)
		       ? -1
		       : 0;
}

static void report_mismatch(const struct starpu_vir0_spec_entry *e,
			    const struct starpu_vir0_sample *sample)
{
	char base[32], cand[32];
	fprintf(stderr,
		"starpu-vir0: variant %s of shape %s (%s) gave a different result than %s "
		"(handle %" PRIu32 ", element %" PRIu64 ": 0x%" PRIx64 " instead of 0x%" PRIx64
		"); banned for this shape, the task keeps the %s result\n",
		starpu_vir0_variant_name(sample->plan.candidate, cand), e->key,
		e->arch == STARPU_VIR0_SHAPE_CPU ? "cpu" : "opencl",
		starpu_vir0_variant_name(sample->plan.baseline, base), sample->mismatch_handle,
		sample->mismatch_element, sample->candidate_bits, sample->baseline_bits, base);
}

void starpu_vir0_spec_sample(const struct starpu_vir0_sample *sample, void *user)
{
	struct starpu_vir0_spec_state *s = user;
	enum starpu_vir0_shape_arch arch = starpu_vir0_shape_arch_of(sample->arch);
	if (!planned_by_us() || arch == STARPU_VIR0_SHAPE_NARCHS)
		return;
	struct starpu_vir0_spec_entry *e = starpu_vir0_spec_entry_get(s, &sample->shape, arch, NULL);
	if (!e)
		return; /* its shape found the table full */
	int pair = sample->plan.mode == STARPU_VIR0_PLAN_PAIR;
	double real_us = (pair || sample->plan.mode == STARPU_VIR0_PLAN_BASELINE
				  ? sample->baseline_ns
				  : sample->candidate_ns) / 1e3;
	double scratch_us = pair ? sample->candidate_ns / 1e3 : 0;
	enum starpu_vir0_spec_check check =
		!pair ? STARPU_VIR0_SPEC_UNCHECKED
		      : sample->mismatch ? STARPU_VIR0_SPEC_MISMATCH : STARPU_VIR0_SPEC_EQUAL;
	STARPU_COMPONENT_MUTEX_LOCK(&e->lock);
	struct starpu_vir0_spec_plan lp;
	int known = ladder_plan(e, sample, &lp) == 0;
	/* Said once per variant: pairs planned before the first mismatch
	 * came back may show it again (they are counted). */
	if (known && sample->mismatch &&
	    e->ladder.variants[lp.scratch].status != STARPU_VIR0_SPEC_BANNED)
		report_mismatch(e, sample);
	if (known)
		/* A bad duration is counted as refused by the ladder. */
		starpu_vir0_spec_record(&e->ladder, &s->config, &lp, real_us, scratch_us, check,
					starpu_vir0_spec_now_us(), NULL, NULL);
	STARPU_COMPONENT_MUTEX_UNLOCK(&e->lock);
}
