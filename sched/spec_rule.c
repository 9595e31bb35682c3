/* spec_rule.c - the verdict rule (doc/speculation.md): Wald's sequential
 * probability ratio test on the signs of the paired comparisons
 * "candidate < (1 - margin) * baseline". A sign test needs no model of the
 * noise and an outlier (StarPU #50: a 70-100 ms spike) moves it by one
 * step only; its error rates hold whatever the timing distribution. The
 * size of the saving, for weighing a compile still to pay, is the median
 * of the per-pair savings, for the same reason. */
#include "spec_rule.h"

#include "error.h"
#include "spec_count.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The test's two hypotheses on p, the probability that the candidate wins
 * a pair by the margin: p = 1/3 (reject) against p = 3/4 (adopt). Each won
 * pair adds ln(9/4) to the log-likelihood ratio, each lost one adds
 * ln(3/8). Asymmetric on purpose: an equal candidate under 30 % noise per
 * sample still wins about a third of the pairs by 15 %, and that must not
 * adopt; at p = 1/2 (a median saving of exactly the margin) the ratio
 * drifts down, so a tie ends on the conservative side. */
#define WIN_STEP 0.81093021621632877   /* ln(9/4) */
#define LOSS_STEP -0.98082925301172619 /* ln(3/8) */

/* A shape counts as gone once idle for IDLE_GAPS mean gaps between its
 * arrivals; gaps below GAP_FLOOR_US (tasks submitted in one burst) count
 * as GAP_FLOOR_US. */
#define IDLE_GAPS 4.0
#define GAP_FLOOR_US 1000.0

void starpu_vir0_spec_config_default(struct starpu_vir0_spec_config *config)
{
	*config = (struct starpu_vir0_spec_config){
		.mode = STARPU_VIR0_SPEC_RACE,
		.min_samples = 8,
		.margin = 0.15,
		.verify_pairs = 4,
		.max_pairs = 64,
		.alpha = 0.002,
		.backoff = 64,
		.recheck = 1.0 / 128,
		.budget = 0.1,
	};
}

int starpu_vir0_spec_duration_check(double us, struct vir0_error *err)
{
	if (isnan(us))
		return vir0_error_at(err, VIR0_EVALUE, 0, "duration is NaN: the timer gave no value");
	if (us <= 0)
		return vir0_error_at(err, VIR0_EVALUE, 0,
				     "duration %g us is not positive: a task takes time", us);
	if (!(us <= STARPU_VIR0_SPEC_DURATION_MAX_US))
		return vir0_error_at(err, VIR0_EVALUE, 0,
				     "duration %g us is over an hour: a timer error, not a task", us);
	return 0;
}

int starpu_vir0_spec_race_record(struct starpu_vir0_spec_race *race,
				 const struct starpu_vir0_spec_config *config,
				 double baseline_us, double candidate_us,
				 enum starpu_vir0_spec_check check, struct vir0_error *err)
{
	/* A wrong result ends the race whatever the timings say. */
	if (check == STARPU_VIR0_SPEC_MISMATCH) {
		starpu_vir0_spec_count_inc(&race->mismatches);
		return 0;
	}
	int rc;
	if ((rc = starpu_vir0_spec_duration_check(baseline_us, err)) ||
	    (rc = starpu_vir0_spec_duration_check(candidate_us, err))) {
		starpu_vir0_spec_count_inc(&race->refused);
		return rc;
	}
	starpu_vir0_spec_count_inc(&race->pairs);
	if (candidate_us < (1 - config->margin) * baseline_us)
		starpu_vir0_spec_count_inc(&race->won);
	if (check == STARPU_VIR0_SPEC_EQUAL)
		starpu_vir0_spec_count_inc(&race->verified);
	race->baseline_us += baseline_us;
	race->candidate_us += candidate_us;
	if (race->nsaved < STARPU_VIR0_SPEC_PAIRS_MAX)
		race->saved_us[race->nsaved++] = baseline_us - candidate_us;
	return 0;
}

void starpu_vir0_spec_arrive(struct starpu_vir0_spec_arrivals *arrivals, uint64_t now_us)
{
	if (arrivals->count == 0)
		arrivals->first_us = now_us;
	if (now_us > arrivals->last_us)
		arrivals->last_us = now_us;
	starpu_vir0_spec_count_inc(&arrivals->count);
}

/* Copernican: a shape seen n times while it keeps arriving is as likely to
 * be before as after the middle of its life, so n more is the median
 * guess. An idle shape fades as 4 gaps / idle time. */
double starpu_vir0_spec_remaining(const struct starpu_vir0_spec_arrivals *arrivals,
				  uint64_t now_us)
{
	double seen = (double)arrivals->count, left = seen;
	if (arrivals->count >= 2 && arrivals->last_us >= arrivals->first_us) {
		double gap = (double)(arrivals->last_us - arrivals->first_us) / (seen - 1);
		double idle = now_us > arrivals->last_us ? (double)(now_us - arrivals->last_us) : 0;
		if (gap < GAP_FLOOR_US)
			gap = GAP_FLOOR_US;
		if (idle > IDLE_GAPS * gap)
			left = seen * IDLE_GAPS * gap / idle;
	}
	if (arrivals->prior_per_run > arrivals->count) {
		double prior_left = (double)(arrivals->prior_per_run - arrivals->count);
		if (prior_left > left)
			left = prior_left;
	}
	return left;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median; the lower middle one of an even count (conservative). */
static double median(const double *values, unsigned n)
{
	if (n == 0)
		return 0;
	double sorted[STARPU_VIR0_SPEC_PAIRS_MAX];
	memcpy(sorted, values, n * sizeof *values);
	qsort(sorted, n, sizeof *sorted, compare_double);
	return sorted[(n - 1) / 2];
}

static void settle(struct starpu_vir0_spec_decision *decision, enum starpu_vir0_spec_verdict verdict,
		   enum starpu_vir0_spec_reason reason)
{
	decision->verdict = verdict;
	decision->reason = reason;
}

void starpu_vir0_spec_decide(const struct starpu_vir0_spec_race *race,
			     const struct starpu_vir0_spec_compile *compile,
			     const struct starpu_vir0_spec_arrivals *arrivals, uint64_t now_us,
			     const struct starpu_vir0_spec_config *config,
			     struct starpu_vir0_spec_decision *decision)
{
	double lost = (double)(race->pairs - race->won);
	*decision = (struct starpu_vir0_spec_decision){
		.llr = (double)race->won * WIN_STEP + lost * LOSS_STEP,
		.bound = log((1 - config->alpha) / config->alpha),
		.saved_us = median(race->saved_us, race->nsaved),
		.remaining = starpu_vir0_spec_remaining(arrivals, now_us),
		.compile_due_us = compile->done || !(compile->us > 0) ? 0 : compile->us,
	};
	if (race->mismatches) {
		settle(decision, STARPU_VIR0_SPEC_REJECT, STARPU_VIR0_SPEC_WHY_MISMATCH);
		return;
	}
	switch (config->mode) {
	case STARPU_VIR0_SPEC_OFF:
	case STARPU_VIR0_SPEC_FORCE_CONSERVATIVE:
		settle(decision, STARPU_VIR0_SPEC_KEEP_RACING, STARPU_VIR0_SPEC_WHY_CONSERVATIVE);
		return;
	case STARPU_VIR0_SPEC_FORCE_SPECULATIVE:
		if (race->verified >= config->verify_pairs)
			settle(decision, STARPU_VIR0_SPEC_ADOPT, STARPU_VIR0_SPEC_WHY_FORCED);
		else
			settle(decision, STARPU_VIR0_SPEC_KEEP_RACING, STARPU_VIR0_SPEC_WHY_UNVERIFIED);
		return;
	case STARPU_VIR0_SPEC_RACE:
		break;
	}
	if (race->pairs < config->min_samples) {
		settle(decision, STARPU_VIR0_SPEC_KEEP_RACING, STARPU_VIR0_SPEC_WHY_EVIDENCE);
	} else if (decision->llr <= -decision->bound) {
		settle(decision, STARPU_VIR0_SPEC_REJECT, STARPU_VIR0_SPEC_WHY_SLOWER);
	} else if (decision->llr >= decision->bound) {
		/* Faster by the margin. Adopting also takes results checked
		 * equal, and a saving that repays the compile still to pay
		 * (strictly: an even trade keeps the baseline). */
		if (race->verified < config->verify_pairs)
			settle(decision, STARPU_VIR0_SPEC_KEEP_RACING, STARPU_VIR0_SPEC_WHY_UNVERIFIED);
		else if (decision->saved_us > 0 &&
			 decision->saved_us * decision->remaining > decision->compile_due_us)
			settle(decision, STARPU_VIR0_SPEC_ADOPT, STARPU_VIR0_SPEC_WHY_FASTER);
		else
			settle(decision, STARPU_VIR0_SPEC_KEEP_RACING, STARPU_VIR0_SPEC_WHY_UNPAID);
	} else if (race->pairs >= config->max_pairs) {
		settle(decision, STARPU_VIR0_SPEC_REJECT, STARPU_VIR0_SPEC_WHY_UNDECIDED);
	} else {
		settle(decision, STARPU_VIR0_SPEC_KEEP_RACING, STARPU_VIR0_SPEC_WHY_UNCLEAR);
	}
}

double starpu_vir0_spec_pairs_to_decide(const struct starpu_vir0_spec_race *race,
					const struct starpu_vir0_spec_config *config)
{
	double bound = log((1 - config->alpha) / config->alpha);
	double llr = (double)race->won * WIN_STEP + (double)(race->pairs - race->won) * LOSS_STEP;
	double to_adopt = llr >= bound ? 0 : ceil((bound - llr) / WIN_STEP);
	double to_reject = llr <= -bound ? 0 : ceil((llr + bound) / -LOSS_STEP);
	double needed = to_adopt < to_reject ? to_adopt : to_reject;
	double evidence = race->pairs < config->min_samples ? (double)(config->min_samples - race->pairs) : 0;
	return needed > evidence ? needed : evidence;
}

uint64_t starpu_vir0_spec_retry_at(uint64_t at, unsigned rejections,
				   const struct starpu_vir0_spec_config *config)
{
	unsigned shift = rejections ? rejections - 1 : 0;
	uint64_t base = config->backoff;
	if (shift >= 64 || base > (UINT64_MAX >> shift))
		return UINT64_MAX;
	return starpu_vir0_spec_count_add(at, base << shift);
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

int starpu_vir0_spec_recheck_due(uint64_t seed, uint64_t arrival, double fraction)
{
	if (!(fraction > 0))
		return 0;
	double threshold = ldexp(fraction, 64);
	if (threshold >= 18446744073709549568.0) /* the largest double below 2^64 */
		return 1;
	return splitmix64(seed ^ splitmix64(arrival)) < (uint64_t)threshold;
}

int starpu_vir0_spec_race_affordable(double baseline_us, double candidate_us, double remaining,
				     const struct starpu_vir0_spec_config *config)
{
	if (!(baseline_us > 0) || !(candidate_us >= 0)) /* unknown */
		return 1;
	double cost = (double)config->min_samples * candidate_us, left = remaining * baseline_us;
	return cost <= (candidate_us > baseline_us ? config->budget : 1) * left;
}

double starpu_vir0_spec_recheck_fraction(double baseline_us, double previous_us,
					 const struct starpu_vir0_spec_config *config)
{
	if (!(previous_us > 0) || !(baseline_us > 0))
		return config->recheck;
	return fmin(config->recheck, config->budget * baseline_us / previous_us);
}

const char *starpu_vir0_spec_verdict_name(enum starpu_vir0_spec_verdict verdict)
{
	static const char *const names[] = {
		[STARPU_VIR0_SPEC_KEEP_RACING] = "race",
		[STARPU_VIR0_SPEC_ADOPT] = "adopt",
		[STARPU_VIR0_SPEC_REJECT] = "reject",
	};
	return (unsigned)verdict < sizeof names / sizeof *names ? names[verdict] : "?";
}

const char *starpu_vir0_spec_reason_name(enum starpu_vir0_spec_reason reason)
{
	static const char *const names[] = {
		[STARPU_VIR0_SPEC_WHY_EVIDENCE] = "evidence",
		[STARPU_VIR0_SPEC_WHY_UNCLEAR] = "unclear",
		[STARPU_VIR0_SPEC_WHY_UNVERIFIED] = "unverified",
		[STARPU_VIR0_SPEC_WHY_UNPAID] = "unpaid",
		[STARPU_VIR0_SPEC_WHY_FASTER] = "faster",
		[STARPU_VIR0_SPEC_WHY_FORCED] = "forced",
		[STARPU_VIR0_SPEC_WHY_SLOWER] = "slower",
		[STARPU_VIR0_SPEC_WHY_UNDECIDED] = "undecided",
		[STARPU_VIR0_SPEC_WHY_MISMATCH] = "mismatch",
		[STARPU_VIR0_SPEC_WHY_CONSERVATIVE] = "conservative",
	};
	return (unsigned)reason < sizeof names / sizeof *names ? names[reason] : "?";
}

const char *starpu_vir0_spec_mode_name(enum starpu_vir0_spec_mode mode)
{
	static const char *const names[] = {
		[STARPU_VIR0_SPEC_RACE] = "race",
		[STARPU_VIR0_SPEC_OFF] = "off",
		[STARPU_VIR0_SPEC_FORCE_CONSERVATIVE] = "force-conservative",
		[STARPU_VIR0_SPEC_FORCE_SPECULATIVE] = "force-speculative",
	};
	return (unsigned)mode < sizeof names / sizeof *names ? names[mode] : "?";
}
