/* spec_ladder.h - one shape's speculation state: its ladder of variants
 * (0 is the conservative root), which one tasks run with (the baseline),
 * the candidate racing it, and the re-check of an adopted baseline. The
 * policy calls starpu_vir0_spec_plan when a worker pops a task and
 * starpu_vir0_spec_record when the task's sample comes back; both only touch the
 * shape given, so the caller serialises them per shape (the shape table's
 * lock, or a lock in the entry). No StarPU in here. */
#ifndef STARPU_VIR0_SPEC_LADDER_H
#define STARPU_VIR0_SPEC_LADDER_H

#include <stdint.h>

#include "spec_rule.h"
#include "spec_store.h"

#define STARPU_VIR0_SPEC_VARIANTS_MAX 8u
#define STARPU_VIR0_SPEC_NONE (~0u)

struct starpu_vir0_spec_variant {
	char name[STARPU_VIR0_SPEC_NAME_MAX + 1];
	enum starpu_vir0_spec_status status;
	unsigned rejections;        /* for the backoff */
	uint64_t retry_at;          /* arrival count, while REJECTED */
	struct starpu_vir0_spec_compile compile;
	uint64_t tasks;             /* tasks whose real outputs it wrote */
	double us;                  /* and their measured time */
	uint64_t mismatches;
	/* Its closed races as the candidate, for the store and the report. */
	uint64_t pairs, won;
	double baseline_us, candidate_us; /* sums over those pairs */
	double saved_us;            /* median saving per pair at its latest verdict */
	double recalled_us;         /* its mean in earlier runs (the store), 0 when
				     * unknown */
	int decided;                /* its status changed in this run */
	int64_t updated;            /* else: when the store's verdict was set */
};

struct starpu_vir0_spec_shape {
	unsigned nvariants;
	struct starpu_vir0_spec_variant variants[STARPU_VIR0_SPEC_VARIANTS_MAX];
	unsigned baseline;          /* what tasks run with */
	unsigned candidate;         /* racing it, or NONE */
	unsigned previous;          /* baseline before the adopted one, or NONE */
	uint64_t epoch;             /* changes whenever a race opens or closes */
	struct starpu_vir0_spec_race race;    /* baseline against candidate */
	struct starpu_vir0_spec_race recheck; /* previous against baseline */
	struct starpu_vir0_spec_arrivals arrivals;
	struct starpu_vir0_spec_decision last; /* the latest decision */
	uint64_t seed;              /* picks the re-checked tasks */
	uint64_t pairs_planned;     /* pair tasks planned for the open race */
	uint64_t opened_at;         /* arrival count when it opened */
	uint64_t pairs_run;         /* pair tasks, re-checks included */
	double scratch_us;          /* their scratch-side time: the price of pairing */
	unsigned waiting;           /* alternating: variant of the unpaired sample, or NONE */
	double waiting_us;
	int pairs_only;             /* race in pairs throughout: the arch times no
				     * single run (OpenCL), so alternating tasks
				     * would give no samples */
};

/* How a task runs. */
enum starpu_vir0_spec_run {
	STARPU_VIR0_SPEC_RUN_ONE,   /* `variant` alone */
	STARPU_VIR0_SPEC_RUN_PAIR,  /* `variant` into the real buffers, then
				     * `scratch` into copies, same device,
				     * outputs compared */
};

struct starpu_vir0_spec_plan {
	enum starpu_vir0_spec_run run;
	unsigned variant;           /* writes the real buffers */
	unsigned scratch;           /* PAIR: the other side, else NONE */
	unsigned compile;           /* a variant to build off the critical path, or NONE */
	uint64_t epoch;             /* hand back to starpu_vir0_spec_record */
};

/* A shape with `nvariants` (1 to VARIANTS_MAX) named variants, variant 0
 * the baseline; `seed` (say, the shape's hash) picks its re-checks. Every
 * variant counts as built until starpu_vir0_spec_compiled says otherwise.
 * VIR0_EARG when the count or a name (1 to NAME_MAX bytes) is wrong. */
int starpu_vir0_spec_shape_init(struct starpu_vir0_spec_shape *shape, unsigned nvariants,
				const char *const *names, uint64_t seed, struct vir0_error *err);

/* A task of the shape arrives at `now_us`: what it runs with. Opens a race
 * when no candidate races and one may (untried, or its backoff over). */
void starpu_vir0_spec_plan(struct starpu_vir0_spec_shape *shape,
			   const struct starpu_vir0_spec_config *config, uint64_t now_us,
			   struct starpu_vir0_spec_plan *plan);

/* A pair `plan` of the race of `epoch` asked for does not run (the
 * worker cannot run it yet, and runs the baseline): it no longer counts
 * as planned, so the race plans another. Traced on the H200 before: a
 * race sat at 7 of its 8 pairs while the device ran the interpreter
 * alone on 8 more tasks (5.8 ms each), until the slack for lost pairs
 * let one more be planned; since, its 8 pairs run back to back. */
void starpu_vir0_spec_pair_not_run(struct starpu_vir0_spec_shape *shape, uint64_t epoch);

/* A variant's build finished (`done`) or is expected to cost `us`. */
void starpu_vir0_spec_compiled(struct starpu_vir0_spec_shape *shape, unsigned variant,
			       double us, int done);

/* A variant cannot run here (its build failed): it leaves the race, or
 * the baseline if it was (the one before it comes back), and is rejected
 * for the rest of the run; the store keeps the rejection, so a later run
 * (another driver, say) tries it again after its backoff. */
void starpu_vir0_spec_unavailable(struct starpu_vir0_spec_shape *shape, unsigned variant);

/* The task planned as `plan` ran: `real_us` for the variant that wrote the
 * real buffers, `scratch_us` and `check` for a pair's other side (ignored
 * otherwise). Feeds the race, decides, applies the verdict; returns 0 (the
 * decision in *decision when not NULL) or VIR0_EVALUE for a bad duration
 * (nothing recorded but the refusal). A plan from an earlier race
 * (another epoch) only counts towards its variants' times. */
int starpu_vir0_spec_record(struct starpu_vir0_spec_shape *shape,
			    const struct starpu_vir0_spec_config *config,
			    const struct starpu_vir0_spec_plan *plan, double real_us,
			    double scratch_us, enum starpu_vir0_spec_check check, uint64_t now_us,
			    struct starpu_vir0_spec_decision *decision, struct vir0_error *err);

/* A variant's races as the candidate, the open one included. */
struct starpu_vir0_spec_sum {
	uint64_t pairs, won, mismatches;
	double baseline_us, candidate_us;
};
void starpu_vir0_spec_variant_sum(const struct starpu_vir0_spec_shape *shape, unsigned v,
				  struct starpu_vir0_spec_sum *sum);

/* The mean time of variant `v` in this run (the tasks whose real outputs
 * it wrote and its pairs as the candidate), else its mean recalled from
 * the store, else NaN: what a task planned with it is expected to take,
 * for the policy's placement. */
double starpu_vir0_spec_variant_mean(const struct starpu_vir0_spec_shape *shape, unsigned v);

/* What a task of variant `v` is expected to take: its mean (above), else,
 * for a rewrite named "E+R", the mean of engine E's variant: a rewrite
 * seldom moves its engine's time by much, where a JIT kernel against the
 * interpreter may move it 100x. NaN if unknown. */
double starpu_vir0_spec_variant_expected(const struct starpu_vir0_spec_shape *shape, unsigned v);

/* Whether the shape has yet to try here what it could run: it has
 * variants to race and never ran here, or the race open (else the one
 * the next arrival opens) has a built candidate with neither a time nor
 * an expected one (a JIT kernel, a test's variant). Placement then gives
 * it tasks: its baseline's time, however slow, says nothing of it. */
int starpu_vir0_spec_exploring(const struct starpu_vir0_spec_shape *shape,
			       const struct starpu_vir0_spec_config *config, uint64_t now_us);

/* Start from what the store remembers of this shape on this adapter:
 * its adopted variant becomes the baseline (without racing again),
 * rejected and banned variants keep their status, the tasks per run of
 * earlier runs inform the expected remaining dispatches, and each
 * variant's mean as the candidate is its mean until this run times it
 * (the root's, while nothing was adopted: the baseline sides of every
 * race). */
void starpu_vir0_spec_recall(struct starpu_vir0_spec_shape *shape,
			     const struct starpu_vir0_spec_config *config,
			     const struct starpu_vir0_spec_store *store, const char *key,
			     const char *adapter);

/* Put this run's verdicts and statistics of every variant into the store
 * (once per run: counts are added), stamped `now_unix_us`. */
int starpu_vir0_spec_remember(const struct starpu_vir0_spec_shape *shape,
			      struct starpu_vir0_spec_store *store, const char *key,
			      const char *adapter, int64_t now_unix_us, struct vir0_error *err);

#endif
