/* spec_rule.h - the verdict rule of a speculation race, as pure functions:
 * a race's paired samples (baseline, candidate) in, ADOPT / REJECT /
 * KEEP_RACING out, with the reason and the numbers behind it
 * (doc/speculation.md). No StarPU, no clock, no locks: the caller passes
 * the time and holds whatever lock guards the race. */
#ifndef STARPU_VIR0_SPEC_RULE_H
#define STARPU_VIR0_SPEC_RULE_H

#include <stdint.h>

#include "vir0.h"

/* VIR0_SPEC: what the policy does with candidate variants. */
enum starpu_vir0_spec_mode {
	STARPU_VIR0_SPEC_RACE,               /* race, decide on evidence (default) */
	STARPU_VIR0_SPEC_OFF,                /* no speculation, no store, no stats */
	STARPU_VIR0_SPEC_FORCE_CONSERVATIVE, /* always the baseline (variant 0) */
	STARPU_VIR0_SPEC_FORCE_SPECULATIVE,  /* adopt each candidate once verified */
};

/* The thresholds (sched/spec_env.c reads them from VIR0_SPEC_*). */
struct starpu_vir0_spec_config {
	enum starpu_vir0_spec_mode mode;
	unsigned min_samples;  /* pairs before any timing verdict (8) */
	double margin;         /* relative saving to adopt, 0 <= margin < 1 (0.15) */
	unsigned verify_pairs; /* outputs compared equal before adopting (4) */
	unsigned max_pairs;    /* an undecided race ends conservative here (64) */
	double alpha;          /* bound on each wrong verdict's probability (0.002) */
	unsigned backoff;      /* arrivals before the first retry of a reject (64) */
	double recheck;        /* fraction of an adopted shape's tasks re-checked (1/128) */
	double budget;         /* share of a shape's expected time that racing a
				* variant expected slower may cost (0.1) */
};

/* Pairs a race keeps: max_pairs is at most this. */
#define STARPU_VIR0_SPEC_PAIRS_MAX 256u

/* Durations above this (one hour) are refused as measurement errors. */
#define STARPU_VIR0_SPEC_DURATION_MAX_US 3.6e9

/* The defaults above, mode RACE. */
void starpu_vir0_spec_config_default(struct starpu_vir0_spec_config *config);

/* One race: the baseline against one candidate, paired samples only. A
 * sample pair is "won" when candidate < (1 - margin) * baseline; equality
 * counts as lost (ties go to the conservative side). */
struct starpu_vir0_spec_race {
	uint64_t pairs;         /* valid pairs recorded */
	uint64_t won;           /* pairs the candidate won by the margin */
	uint64_t verified;      /* pairs whose outputs were compared equal */
	uint64_t mismatches;    /* pairs whose outputs differed */
	uint64_t refused;       /* samples refused (bad duration) */
	double baseline_us;     /* sums of the valid pairs' durations */
	double candidate_us;
	unsigned nsaved;        /* saved_us[] entries: the first pairs */
	double saved_us[STARPU_VIR0_SPEC_PAIRS_MAX]; /* baseline - candidate */
};

/* Whether a pair's outputs were compared, and how it came out. */
enum starpu_vir0_spec_check {
	STARPU_VIR0_SPEC_UNCHECKED, /* alternating tasks: timing only */
	STARPU_VIR0_SPEC_EQUAL,     /* pair task, outputs bit for bit equal */
	STARPU_VIR0_SPEC_MISMATCH,  /* pair task, outputs differ */
};

/* 0 when `us` is a usable duration (finite, > 0, at most
 * STARPU_VIR0_SPEC_DURATION_MAX_US), else VIR0_EVALUE with the reason. */
int starpu_vir0_spec_duration_check(double us, struct vir0_error *err);

/* Add one pair to `race`. A mismatch is always counted (durations or
 * not); a pair with a bad duration is counted in `refused` and returns
 * VIR0_EVALUE with the reason, changing nothing else. */
int starpu_vir0_spec_race_record(struct starpu_vir0_spec_race *race,
				 const struct starpu_vir0_spec_config *config,
				 double baseline_us, double candidate_us,
				 enum starpu_vir0_spec_check check, struct vir0_error *err);

/* A shape's arrivals, for the expected remaining dispatches. Times are
 * microseconds on any clock that does not go back. */
struct starpu_vir0_spec_arrivals {
	uint64_t count;          /* tasks of the shape seen (saturates) */
	uint64_t first_us, last_us;
	uint64_t prior_per_run;  /* tasks per run in earlier runs (store), or 0 */
};

/* Count one arrival at `now_us` (saturating). */
void starpu_vir0_spec_arrive(struct starpu_vir0_spec_arrivals *arrivals, uint64_t now_us);

/* Expected dispatches still to come: as many as seen so far while the
 * shape keeps arriving, fewer the longer it has been idle beyond four
 * mean gaps, at least what earlier runs had left at this point. */
double starpu_vir0_spec_remaining(const struct starpu_vir0_spec_arrivals *arrivals,
				  uint64_t now_us);

/* What compiling the candidate costs, in microseconds. A finished compile
 * is sunk: only a compile still to pay is weighed. */
struct starpu_vir0_spec_compile {
	double us;  /* measured (or, while pending, expected) cost; 0 if none */
	int done;   /* 1 once built (or never needed) */
};

enum starpu_vir0_spec_verdict {
	STARPU_VIR0_SPEC_KEEP_RACING,
	STARPU_VIR0_SPEC_ADOPT,
	STARPU_VIR0_SPEC_REJECT,
};

/* Why: one per way the rule can end. */
enum starpu_vir0_spec_reason {
	STARPU_VIR0_SPEC_WHY_EVIDENCE,   /* fewer than min_samples pairs */
	STARPU_VIR0_SPEC_WHY_UNCLEAR,    /* the test has not decided */
	STARPU_VIR0_SPEC_WHY_UNVERIFIED, /* faster, fewer than verify_pairs compared */
	STARPU_VIR0_SPEC_WHY_UNPAID,     /* faster, compile not repaid by what is left */
	STARPU_VIR0_SPEC_WHY_FASTER,     /* adopted: saves the margin */
	STARPU_VIR0_SPEC_WHY_FORCED,     /* adopted: force-speculative, verified */
	STARPU_VIR0_SPEC_WHY_SLOWER,     /* rejected: does not save the margin */
	STARPU_VIR0_SPEC_WHY_UNDECIDED,  /* rejected: max_pairs without a decision */
	STARPU_VIR0_SPEC_WHY_MISMATCH,   /* rejected for good: a result differed */
	STARPU_VIR0_SPEC_WHY_CONSERVATIVE, /* kept: force-conservative or off */
};

struct starpu_vir0_spec_decision {
	enum starpu_vir0_spec_verdict verdict;
	enum starpu_vir0_spec_reason reason;
	double llr;             /* the test's log-likelihood ratio (> 0: faster) */
	double bound;           /* it decides at |llr| >= bound */
	double saved_us;        /* median of baseline - candidate per pair */
	double remaining;       /* expected dispatches still to come */
	double compile_due_us;  /* compile cost still to pay */
};

/* The verdict on `race` now. Pure: same inputs, same decision. */
void starpu_vir0_spec_decide(const struct starpu_vir0_spec_race *race,
			     const struct starpu_vir0_spec_compile *compile,
			     const struct starpu_vir0_spec_arrivals *arrivals, uint64_t now_us,
			     const struct starpu_vir0_spec_config *config,
			     struct starpu_vir0_spec_decision *decision);

/* The fewest further pairs that could end `race` with a timing verdict
 * (all won, or all lost), and at least what min_samples still asks; 0
 * once a bound is reached. For planning pairs, not for deciding. */
double starpu_vir0_spec_pairs_to_decide(const struct starpu_vir0_spec_race *race,
					const struct starpu_vir0_spec_config *config);

/* Arrival count from which a candidate rejected `rejections` times
 * (>= 1), last at arrival `at`, may race again: at + backoff *
 * 2^(rejections - 1), saturating at UINT64_MAX. */
uint64_t starpu_vir0_spec_retry_at(uint64_t at, unsigned rejections,
				   const struct starpu_vir0_spec_config *config);

/* Whether arrival number `arrival` of an adopted shape is re-checked (a
 * pair against the former baseline): a hash of (seed, arrival) below
 * fraction * 2^64, so the same run re-checks the same tasks. */
int starpu_vir0_spec_recheck_due(uint64_t seed, uint64_t arrival, double fraction);

/* Whether a race of a candidate expected to take `candidate_us` a task
 * against a baseline of `baseline_us` may open, `remaining` dispatches
 * being expected here, for its min_samples pairs (each runs the candidate
 * beside the baseline): a candidate expected slower only while they cost
 * at most `budget` of the baseline's remaining time; any other while
 * they cost at most that whole time (what a free candidate would save: a
 * shape this arch runs twice never pays for 8 pairs). An unknown time
 * (NaN) says yes: racing is how it becomes known. */
int starpu_vir0_spec_race_affordable(double baseline_us, double candidate_us, double remaining,
				     const struct starpu_vir0_spec_config *config);

/* The fraction of an adopted shape's tasks re-checked when the baseline
 * takes `baseline_us` and the former one `previous_us`: `recheck`, lowered
 * so that the re-check pairs cost at most `budget` of the shape's time (a
 * JIT kernel 100x faster than the interpreter it replaced is re-checked
 * 100x less often). */
double starpu_vir0_spec_recheck_fraction(double baseline_us, double previous_us,
					 const struct starpu_vir0_spec_config *config);

/* Stable lowercase names ("adopt", "faster", "race"), for reports. */
const char *starpu_vir0_spec_verdict_name(enum starpu_vir0_spec_verdict verdict);
const char *starpu_vir0_spec_reason_name(enum starpu_vir0_spec_reason reason);
const char *starpu_vir0_spec_mode_name(enum starpu_vir0_spec_mode mode);

#endif
