/* spec_ladder.c - a shape's ladder: which variant each task runs with, how
 * samples are taken (pairs until the candidate has been verified, then
 * alternating tasks), and what a verdict does to the ladder. The verdict
 * itself is spec_rule.c's. */
#include "spec_ladder.h"

#include "error.h"
#include "spec_count.h"

#include <math.h>
#include <string.h>

int starpu_vir0_spec_shape_init(struct starpu_vir0_spec_shape *shape, unsigned nvariants,
				const char *const *names, uint64_t seed, struct vir0_error *err)
{
	if (nvariants < 1 || nvariants > STARPU_VIR0_SPEC_VARIANTS_MAX)
		return vir0_error_at(err, VIR0_EARG, 0, "a shape has 1 to %u variants, not %u",
				     STARPU_VIR0_SPEC_VARIANTS_MAX, nvariants);
	memset(shape, 0, sizeof *shape);
	for (unsigned v = 0; v < nvariants; v++) {
		size_t length = names[v] ? strlen(names[v]) : 0;
		if (length < 1 || length > STARPU_VIR0_SPEC_NAME_MAX)
			return vir0_error_at(err, VIR0_EARG, 0,
					     "variant %u: a name of 1 to %d bytes is needed", v,
					     STARPU_VIR0_SPEC_NAME_MAX);
		memcpy(shape->variants[v].name, names[v], length + 1);
		shape->variants[v].compile.done = 1;
	}
	shape->nvariants = nvariants;
	shape->variants[0].status = STARPU_VIR0_SPEC_BASELINE;
	shape->candidate = shape->previous = shape->waiting = STARPU_VIR0_SPEC_NONE;
	shape->seed = seed;
	return 0;
}

/* Start a fresh race (or none): stale samples and plans stop counting. */
static void race_reset(struct starpu_vir0_spec_shape *shape, unsigned candidate)
{
	memset(&shape->race, 0, sizeof shape->race);
	shape->candidate = candidate;
	shape->waiting = STARPU_VIR0_SPEC_NONE;
	shape->pairs_planned = 0;
	shape->opened_at = shape->arrivals.count;
	shape->epoch++;
	if (candidate != STARPU_VIR0_SPEC_NONE)
		shape->variants[candidate].status = STARPU_VIR0_SPEC_RACING;
}

double starpu_vir0_spec_variant_expected(const struct starpu_vir0_spec_shape *shape, unsigned v)
{
	double us = starpu_vir0_spec_variant_mean(shape, v);
	const char *name = shape->variants[v].name, *plus = strchr(name, '+');
	if (!isnan(us) || !plus)
		return us;
	for (unsigned e = 0; e < shape->nvariants; e++)
		if (!strncmp(shape->variants[e].name, name, (size_t)(plus - name)) &&
		    shape->variants[e].name[plus - name] == '\0')
			return starpu_vir0_spec_variant_mean(shape, e);
	return NAN;
}

/* The next variant allowed to race: untried, or rejected with its backoff
 * over, lowest first; when racing by evidence, only once the baseline's
 * time is known where it can be, and while the race fits the budget
 * (spec_rule.h). */
static unsigned next_candidate(const struct starpu_vir0_spec_shape *shape,
			       const struct starpu_vir0_spec_config *config, uint64_t now_us)
{
	double base_us = NAN, remaining = 0;
	if (config->mode == STARPU_VIR0_SPEC_RACE) {
		base_us = starpu_vir0_spec_variant_mean(shape, shape->baseline);
		remaining = starpu_vir0_spec_remaining(&shape->arrivals, now_us);
		/* Where a lone task is timed, the baseline's first one says
		 * what a race may cost before any opens. */
		if (isnan(base_us) && !shape->pairs_only)
			return STARPU_VIR0_SPEC_NONE;
	}
	for (unsigned v = 0; v < shape->nvariants; v++) {
		const struct starpu_vir0_spec_variant *variant = &shape->variants[v];
		if ((variant->status == STARPU_VIR0_SPEC_UNTRIED ||
		     (variant->status == STARPU_VIR0_SPEC_REJECTED &&
		      shape->arrivals.count >= variant->retry_at)) &&
		    starpu_vir0_spec_race_affordable(base_us, starpu_vir0_spec_variant_expected(shape, v),
						     remaining, config))
			return v;
	}
	return STARPU_VIR0_SPEC_NONE;
}

int starpu_vir0_spec_exploring(const struct starpu_vir0_spec_shape *shape,
			       const struct starpu_vir0_spec_config *config, uint64_t now_us)
{
	if (config->mode == STARPU_VIR0_SPEC_OFF ||
	    config->mode == STARPU_VIR0_SPEC_FORCE_CONSERVATIVE)
		return 0; /* nothing is tried */
	if (shape->nvariants > 1 && shape->arrivals.count == 0)
		return 1;
	unsigned v = shape->candidate != STARPU_VIR0_SPEC_NONE
			     ? shape->candidate
			     : next_candidate(shape, config, now_us);
	return v != STARPU_VIR0_SPEC_NONE && shape->variants[v].compile.done &&
	       isnan(starpu_vir0_spec_variant_expected(shape, v));
}

/* Whether this arrival of an adopted shape runs as a re-check pair. */
static int recheck_due(const struct starpu_vir0_spec_shape *shape,
		       const struct starpu_vir0_spec_config *config)
{
	double fraction = starpu_vir0_spec_recheck_fraction(
		starpu_vir0_spec_variant_mean(shape, shape->baseline),
		starpu_vir0_spec_variant_mean(shape, shape->previous), config);
	return starpu_vir0_spec_recheck_due(shape->seed, shape->arrivals.count, fraction);
}

static void plan_one(struct starpu_vir0_spec_plan *plan, unsigned variant)
{
	plan->run = STARPU_VIR0_SPEC_RUN_ONE;
	plan->variant = variant;
	plan->scratch = STARPU_VIR0_SPEC_NONE;
}

static void plan_pair(struct starpu_vir0_spec_plan *plan, unsigned real, unsigned scratch)
{
	plan->run = STARPU_VIR0_SPEC_RUN_PAIR;
	plan->variant = real;
	plan->scratch = scratch;
}

/* Whether the open race may plan one more pair. Plans run ahead of
 * samples (tasks are planned as workers take them, and several run at
 * once: other workers, an OpenCL pipeline), so pairs are planned only
 * while they can still decide something: at most the fewest more pairs
 * that could reach a verdict (and the evidence min_samples asks for),
 * beyond those already recorded, plus one in 16 of the shape's arrivals
 * since the race opened (room for pairs whose samples were refused).
 * Every other task runs the baseline: a pair costs both sides, unless
 * the candidate's pairs so far cost less than 1/16 of the baseline's:
 * then a pair costs about what the baseline alone does, and the task
 * planned while the last pairs run gives evidence too (on the H200, the
 * JIT kernel of an LCG took 20 us against the interpreter's 5.8 ms). */
static int pair_affordable(const struct starpu_vir0_spec_shape *shape,
			   const struct starpu_vir0_spec_config *config)
{
	const struct starpu_vir0_spec_race *race = &shape->race;
	if (race->pairs > 0 && race->candidate_us * 16 < race->baseline_us)
		return 1;
	double needed = starpu_vir0_spec_pairs_to_decide(race, config);
	uint64_t slack = (shape->arrivals.count - shape->opened_at) / 16;
	return (double)shape->pairs_planned < (double)race->pairs + needed + (double)slack;
}

void starpu_vir0_spec_pair_not_run(struct starpu_vir0_spec_shape *shape, uint64_t epoch)
{
	if (epoch == shape->epoch && shape->pairs_planned > 0)
		shape->pairs_planned--;
}

void starpu_vir0_spec_plan(struct starpu_vir0_spec_shape *shape,
			   const struct starpu_vir0_spec_config *config, uint64_t now_us,
			   struct starpu_vir0_spec_plan *plan)
{
	starpu_vir0_spec_arrive(&shape->arrivals, now_us);
	plan->compile = STARPU_VIR0_SPEC_NONE;
	if (config->mode == STARPU_VIR0_SPEC_OFF || config->mode == STARPU_VIR0_SPEC_FORCE_CONSERVATIVE) {
		plan_one(plan, 0);
		plan->epoch = shape->epoch;
		return;
	}
	if (shape->candidate == STARPU_VIR0_SPEC_NONE &&
	    (shape->candidate = next_candidate(shape, config, now_us)) != STARPU_VIR0_SPEC_NONE)
		race_reset(shape, shape->candidate);
	plan->epoch = shape->epoch;
	unsigned base = shape->baseline, cand = shape->candidate;
	const struct starpu_vir0_spec_variant *candidate =
		cand == STARPU_VIR0_SPEC_NONE ? NULL : &shape->variants[cand];
	if (candidate && !candidate->compile.done) {
		/* No task waits for a compiler: race once it is built. */
		plan->compile = cand;
		plan_one(plan, base);
	} else if (candidate && shape->last.reason == STARPU_VIR0_SPEC_WHY_UNPAID &&
		   shape->race.pairs >= config->min_samples) {
		/* Faster but not yet worth its compile: more samples cannot
		 * help, more arrivals can (record re-decides). */
		plan_one(plan, base);
	} else if (candidate && (shape->pairs_only || shape->race.verified < config->verify_pairs)) {
		if (pair_affordable(shape, config)) {
			plan_pair(plan, base, cand);
			starpu_vir0_spec_count_inc(&shape->pairs_planned);
		} else {
			plan_one(plan, base);
		}
	} else if (candidate) {
		plan_one(plan, shape->arrivals.count % 2 ? cand : base);
	} else if (shape->previous != STARPU_VIR0_SPEC_NONE &&
		   shape->variants[base].compile.done &&
		   recheck_due(shape, config)) {
		plan_pair(plan, base, shape->previous);
	} else if (!shape->variants[base].compile.done) {
		/* Adopted from the store, still building. */
		plan->compile = base;
		plan_one(plan, shape->previous != STARPU_VIR0_SPEC_NONE ? shape->previous : 0);
	} else {
		plan_one(plan, base);
	}
}

void starpu_vir0_spec_compiled(struct starpu_vir0_spec_shape *shape, unsigned variant,
			       double us, int done)
{
	if (variant >= shape->nvariants)
		return;
	struct starpu_vir0_spec_compile *compile = &shape->variants[variant].compile;
	if (us > 0 && us <= STARPU_VIR0_SPEC_DURATION_MAX_US)
		compile->us = us;
	compile->done = done != 0;
}

void starpu_vir0_spec_unavailable(struct starpu_vir0_spec_shape *shape, unsigned variant)
{
	if (variant == 0 || variant >= shape->nvariants)
		return; /* the root always runs */
	struct starpu_vir0_spec_variant *v = &shape->variants[variant];
	if (shape->baseline == variant) {
		shape->baseline = shape->previous != STARPU_VIR0_SPEC_NONE ? shape->previous : 0;
		shape->previous = STARPU_VIR0_SPEC_NONE;
		shape->variants[shape->baseline].status = STARPU_VIR0_SPEC_BASELINE;
	}
	if (shape->previous == variant)
		shape->previous = STARPU_VIR0_SPEC_NONE; /* nothing to re-check against */
	v->status = STARPU_VIR0_SPEC_REJECTED;
	v->decided = 1;
	if (v->rejections < 64)
		v->rejections++;
	v->retry_at = UINT64_MAX;
	if (shape->candidate == variant)
		race_reset(shape, STARPU_VIR0_SPEC_NONE);
}

/* A race closed: keep its numbers with the candidate. */
static void race_close(struct starpu_vir0_spec_variant *candidate,
		       const struct starpu_vir0_spec_race *race, double saved_us)
{
	candidate->pairs = starpu_vir0_spec_count_add(candidate->pairs, race->pairs);
	candidate->won = starpu_vir0_spec_count_add(candidate->won, race->won);
	candidate->mismatches = starpu_vir0_spec_count_add(candidate->mismatches, race->mismatches);
	candidate->baseline_us += race->baseline_us;
	candidate->candidate_us += race->candidate_us;
	candidate->saved_us = saved_us;
}

static void reject(struct starpu_vir0_spec_shape *shape, unsigned v, int banned,
		   const struct starpu_vir0_spec_config *config)
{
	struct starpu_vir0_spec_variant *variant = &shape->variants[v];
	variant->decided = 1;
	if (banned) {
		variant->status = STARPU_VIR0_SPEC_BANNED;
		return;
	}
	variant->status = STARPU_VIR0_SPEC_REJECTED;
	if (variant->rejections < 64)
		variant->rejections++;
	variant->retry_at = starpu_vir0_spec_retry_at(shape->arrivals.count, variant->rejections, config);
}

/* The verdict of the race between baseline and candidate. */
static void apply_race(struct starpu_vir0_spec_shape *shape,
		       const struct starpu_vir0_spec_config *config,
		       const struct starpu_vir0_spec_decision *decision)
{
	unsigned cand = shape->candidate;
	if (decision->verdict == STARPU_VIR0_SPEC_KEEP_RACING)
		return;
	race_close(&shape->variants[cand], &shape->race, decision->saved_us);
	if (decision->verdict == STARPU_VIR0_SPEC_ADOPT) {
		shape->variants[shape->baseline].status = STARPU_VIR0_SPEC_RETIRED;
		shape->variants[cand].status = STARPU_VIR0_SPEC_BASELINE;
		shape->variants[shape->baseline].decided = shape->variants[cand].decided = 1;
		shape->previous = shape->baseline;
		shape->baseline = cand;
		memset(&shape->recheck, 0, sizeof shape->recheck);
	} else {
		reject(shape, cand, decision->reason == STARPU_VIR0_SPEC_WHY_MISMATCH, config);
	}
	race_reset(shape, STARPU_VIR0_SPEC_NONE);
}

/* The verdict of a re-check of the adopted baseline against the one it
 * replaced: confirmed, it goes on; a mismatch bans it at once; otherwise
 * (drift) the race reopens with the former baseline back in place. */
static void apply_recheck(struct starpu_vir0_spec_shape *shape,
			  const struct starpu_vir0_spec_config *config,
			  const struct starpu_vir0_spec_decision *decision)
{
	if (decision->verdict == STARPU_VIR0_SPEC_KEEP_RACING)
		return;
	memset(&shape->recheck, 0, sizeof shape->recheck);
	if (decision->verdict == STARPU_VIR0_SPEC_ADOPT)
		return;
	unsigned adopted = shape->baseline;
	shape->baseline = shape->previous;
	shape->previous = STARPU_VIR0_SPEC_NONE;
	shape->variants[shape->baseline].status = STARPU_VIR0_SPEC_BASELINE;
	shape->variants[shape->baseline].decided = shape->variants[adopted].decided = 1;
	if (decision->reason == STARPU_VIR0_SPEC_WHY_MISMATCH) {
		shape->variants[adopted].mismatches++;
		reject(shape, adopted, 1, config);
		race_reset(shape, STARPU_VIR0_SPEC_NONE);
	} else {
		race_reset(shape, adopted);
	}
}

/* Alternating samples: a baseline task and a candidate task make a pair
 * (timing only; the candidate has already been verified). */
static int record_alternating(struct starpu_vir0_spec_shape *shape,
			      const struct starpu_vir0_spec_config *config, unsigned v, double us,
			      struct vir0_error *err)
{
	if (shape->waiting == STARPU_VIR0_SPEC_NONE || shape->waiting == v) {
		int rc = starpu_vir0_spec_duration_check(us, err);
		if (rc) {
			starpu_vir0_spec_count_inc(&shape->race.refused);
			return rc;
		}
		shape->waiting = v;
		shape->waiting_us = us;
		return 0;
	}
	double base = v == shape->baseline ? us : shape->waiting_us;
	double cand = v == shape->baseline ? shape->waiting_us : us;
	shape->waiting = STARPU_VIR0_SPEC_NONE;
	return starpu_vir0_spec_race_record(&shape->race, config, base, cand,
					    STARPU_VIR0_SPEC_UNCHECKED, err);
}

int starpu_vir0_spec_record(struct starpu_vir0_spec_shape *shape,
			    const struct starpu_vir0_spec_config *config,
			    const struct starpu_vir0_spec_plan *plan, double real_us,
			    double scratch_us, enum starpu_vir0_spec_check check, uint64_t now_us,
			    struct starpu_vir0_spec_decision *decision, struct vir0_error *err)
{
	struct starpu_vir0_spec_decision local;
	decision = decision ? decision : &local;
	*decision = shape->last;
	if (plan->variant >= shape->nvariants)
		return vir0_error_at(err, VIR0_EARG, 0, "variant %u is not on the ladder", plan->variant);
	int rc = starpu_vir0_spec_duration_check(real_us, err);
	if (rc)
		return rc;
	struct starpu_vir0_spec_variant *ran = &shape->variants[plan->variant];
	starpu_vir0_spec_count_inc(&ran->tasks);
	ran->us += real_us;
	int pair = plan->run == STARPU_VIR0_SPEC_RUN_PAIR && plan->scratch < shape->nvariants;
	if (pair) {
		starpu_vir0_spec_count_inc(&shape->pairs_run);
		if (starpu_vir0_spec_duration_check(scratch_us, NULL) == 0)
			shape->scratch_us += scratch_us;
	}
	if (plan->epoch != shape->epoch)
		return 0;
	struct starpu_vir0_spec_race *race;
	int recheck = pair && plan->variant == shape->baseline && plan->scratch == shape->previous &&
		      shape->candidate == STARPU_VIR0_SPEC_NONE;
	if (recheck) /* the former baseline is the re-check's baseline */
		rc = starpu_vir0_spec_race_record(race = &shape->recheck, config, scratch_us,
						  real_us, check, err);
	else if (pair && plan->scratch == shape->candidate)
		rc = starpu_vir0_spec_race_record(race = &shape->race, config, real_us, scratch_us,
						  check, err);
	else if (!pair && shape->candidate != STARPU_VIR0_SPEC_NONE &&
		 shape->race.verified >= config->verify_pairs &&
		 (plan->variant == shape->candidate || plan->variant == shape->baseline)) {
		race = &shape->race;
		rc = record_alternating(shape, config, plan->variant, real_us, err);
	} else
		race = shape->candidate != STARPU_VIR0_SPEC_NONE ? &shape->race : NULL;
	if (rc || !race)
		return rc;
	unsigned judged = recheck ? shape->baseline : shape->candidate;
	starpu_vir0_spec_decide(race, &shape->variants[judged].compile, &shape->arrivals, now_us,
				config, decision);
	shape->last = *decision;
	if (recheck)
		apply_recheck(shape, config, decision);
	else
		apply_race(shape, config, decision);
	return 0;
}

void starpu_vir0_spec_variant_sum(const struct starpu_vir0_spec_shape *shape, unsigned v,
				  struct starpu_vir0_spec_sum *sum)
{
	const struct starpu_vir0_spec_variant *variant = &shape->variants[v];
	*sum = (struct starpu_vir0_spec_sum){
		.pairs = variant->pairs, .won = variant->won, .mismatches = variant->mismatches,
		.baseline_us = variant->baseline_us, .candidate_us = variant->candidate_us,
	};
	if (v != shape->candidate)
		return;
	sum->pairs = starpu_vir0_spec_count_add(sum->pairs, shape->race.pairs);
	sum->won = starpu_vir0_spec_count_add(sum->won, shape->race.won);
	sum->mismatches = starpu_vir0_spec_count_add(sum->mismatches, shape->race.mismatches);
	sum->baseline_us += shape->race.baseline_us;
	sum->candidate_us += shape->race.candidate_us;
}

double starpu_vir0_spec_variant_mean(const struct starpu_vir0_spec_shape *shape, unsigned v)
{
	struct starpu_vir0_spec_sum sum;
	starpu_vir0_spec_variant_sum(shape, v, &sum);
	const struct starpu_vir0_spec_variant *variant = &shape->variants[v];
	double n = (double)variant->tasks + (double)sum.pairs;
	if (n > 0)
		return (variant->us + sum.candidate_us) / n;
	return variant->recalled_us > 0 ? variant->recalled_us : NAN;
}

void starpu_vir0_spec_recall(struct starpu_vir0_spec_shape *shape,
			     const struct starpu_vir0_spec_config *config,
			     const struct starpu_vir0_spec_store *store, const char *key,
			     const char *adapter)
{
	int64_t adopted_at = INT64_MIN;
	double root_us = 0, root_pairs = 0; /* the baseline sides of every race */
	const struct starpu_vir0_spec_record *adopted = NULL;
	for (unsigned v = 0; v < shape->nvariants; v++) {
		struct starpu_vir0_spec_variant *variant = &shape->variants[v];
		const struct starpu_vir0_spec_record *r =
			starpu_vir0_spec_store_find(store, key, adapter, variant->name);
		if (!r)
			continue;
		root_us += r->baseline_us;
		root_pairs += (double)r->pairs;
		variant->updated = r->updated;
		variant->rejections = r->rejections;
		variant->saved_us = r->saved_us;
		if (r->pairs)
			variant->recalled_us = r->candidate_us / (double)r->pairs;
		if (!variant->compile.done && r->compile_us > 0)
			variant->compile.us = r->compile_us; /* what it will cost */
		if (r->runs && r->tasks / r->runs > shape->arrivals.prior_per_run)
			shape->arrivals.prior_per_run = r->tasks / r->runs;
		switch (r->status) {
		case STARPU_VIR0_SPEC_BASELINE:
			/* Several processes may each have adopted one: the latest wins. */
			if (r->updated > adopted_at && v != shape->baseline) {
				adopted_at = r->updated;
				adopted = r;
				shape->variants[shape->baseline].status = STARPU_VIR0_SPEC_RETIRED;
				shape->previous = 0;
				shape->baseline = v;
				variant->status = STARPU_VIR0_SPEC_BASELINE;
			}
			break;
		case STARPU_VIR0_SPEC_REJECTED:
			variant->status = STARPU_VIR0_SPEC_REJECTED;
			/* Its backoff counts from this run's start, and a
			 * rejection that held through earlier runs holds for
			 * as many arrivals as a run had (a warm run does not
			 * race its losers again). */
			variant->retry_at = starpu_vir0_spec_retry_at(0, variant->rejections, config);
			if (r->runs && r->tasks / r->runs > variant->retry_at)
				variant->retry_at = r->tasks / r->runs;
			break;
		case STARPU_VIR0_SPEC_BANNED:
		case STARPU_VIR0_SPEC_RETIRED:
			if (v != shape->baseline)
				variant->status = r->status;
			break;
		case STARPU_VIR0_SPEC_UNTRIED:
		case STARPU_VIR0_SPEC_RACING:
			break;
		}
	}
	if (shape->previous == shape->baseline)
		shape->previous = STARPU_VIR0_SPEC_NONE;
	/* Nothing adopted: every race was against the root, so their baseline
	 * sides are its times; else the adopted variant's were (recalled as
	 * adopted over the root), which the budget needs for the root's
	 * rewrites (a warm run would race them again, as if unknown). */
	if (shape->baseline == 0 && root_pairs > 0)
		shape->variants[0].recalled_us = root_us / root_pairs;
	else if (adopted && adopted->pairs)
		shape->variants[0].recalled_us = adopted->baseline_us / (double)adopted->pairs;
}

int starpu_vir0_spec_remember(const struct starpu_vir0_spec_shape *shape,
			      struct starpu_vir0_spec_store *store, const char *key,
			      const char *adapter, int64_t now_unix_us, struct vir0_error *err)
{
	for (unsigned v = 0; v < shape->nvariants; v++) {
		const struct starpu_vir0_spec_variant *variant = &shape->variants[v];
		struct starpu_vir0_spec_record r = {
			.status = variant->status == STARPU_VIR0_SPEC_RACING ? STARPU_VIR0_SPEC_UNTRIED
									      : variant->status,
			.rejections = variant->rejections,
			/* A verdict this run did not reach keeps its age, so it
			 * cannot override a newer one saved meanwhile. */
			.updated = variant->decided ? now_unix_us : variant->updated,
			.saved_us = variant->saved_us,
			.compile_us = variant->compile.us,
			.tasks = shape->arrivals.count,
			.runs = 1,
		};
		struct starpu_vir0_spec_sum sum;
		starpu_vir0_spec_variant_sum(shape, v, &sum);
		r.pairs = sum.pairs;
		r.won = sum.won;
		r.mismatches = sum.mismatches;
		r.baseline_us = sum.baseline_us;
		r.candidate_us = sum.candidate_us;
		if (strlen(key) > STARPU_VIR0_SPEC_KEY_MAX || strlen(adapter) > STARPU_VIR0_SPEC_ADAPTER_MAX)
			return vir0_error_at(err, VIR0_EARG, 0, "shape key or adapter id too long");
		strcpy(r.shape, key);
		strcpy(r.adapter, adapter);
		strcpy(r.variant, variant->name);
		int rc = starpu_vir0_spec_store_put(store, &r, err);
		if (rc)
			return rc;
	}
	return 0;
}
