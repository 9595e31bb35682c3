/* starpu_vir0_variant.h - speculative variants of a VIR0 task's program
 * and the run plan the scheduling policy (sched/) sets per task: which
 * variants exist (the ladder), whether one is ready on a worker, which
 * runs (baseline, candidate, or both as a verified pair), and the timed
 * samples the codelet reports back. doc/starpu-codelets.md, "Variants,
 * plans, pairs and samples", says how they fit together. Not installed.
 *
 * Call these from the policy (push, or before) on tasks that have not run
 * yet: the ladder and readiness need the task's program, which the task
 * gives up once it has run. */
#ifndef STARPU_VIR0_VARIANT_H
#define STARPU_VIR0_VARIANT_H

#include <stdint.h>

#include "starpu_vir0.h"
#include "starpu_vir0_task.h"

/* ---- variant ids ---------------------------------------------------------
 * Stable across runs and builds (the autotune store keeps them): the low
 * byte is a rewrite id of vir0/rewrite's registry (0: the program as
 * loaded), bit 8 says the variant runs as its own JIT kernel (OpenCL
 * only) instead of the interpreter. Ids from STARPU_VIR0_VARIANT_TEST up
 * belong to variants added by tests (starpu_vir0_variant_add_for_tests)
 * and mean nothing across runs. */
#define STARPU_VIR0_VARIANT_ORIGINAL 0u      /* the interpreter on the program */
#define STARPU_VIR0_VARIANT_JIT 0x100u       /* | rewrite id */
#define STARPU_VIR0_VARIANT_TEST 0x8000u     /* + n, tests only */

/* "interp", "interp+fold", "jit", "jit+coarsen4", "test1", or "unknown". */
const char *starpu_vir0_variant_name(uint32_t id, char text[32]);

/* ---- the ladder ---------------------------------------------------------- */

/* The variants of `task`'s program that can run on workers of `arch`
 * (STARPU_CPU_WORKER, STARPU_OPENCL_WORKER), in the order to race them:
 * the original first, then variants added by tests, the interpreted
 * rewrites that apply (registry order: fold, dce, unroll, coarsen2,
 * coarsen4), and on OpenCL the JIT kernels of the original and of those
 * rewrites. Rewrites are applied and lowered once per program, on the
 * first call (microseconds to a millisecond). Writes up to `max` ids and
 * returns how many there are (which may be more than `max`), or
 * VIR0_EARG for a task that is not an unrun VIR0 task or another arch. */
int starpu_vir0_task_ladder(const struct starpu_task *task, enum starpu_worker_archtype arch,
			    uint32_t *ids, unsigned max);

/* ---- readiness ----------------------------------------------------------- */

enum starpu_vir0_variant_state {
	STARPU_VIR0_VARIANT_READY = 0,    /* runs now */
	STARPU_VIR0_VARIANT_PENDING = 1,  /* compiling (JIT) or the device's megakernel
					     building; READY or FAILED later */
	STARPU_VIR0_VARIANT_FAILED = 2,   /* never runs on this worker */
};

/* Whether variant `id` of `task`'s program runs on worker `workerid` now.
 * Asking starts what it needs in the background (the JIT compile on the
 * worker's device), never waits for it. *compile_ns (when not NULL) gets
 * the JIT's compile wall time once READY, else 0: a finished compile is a
 * sunk cost, a pending one is not known yet. Returns the state, or
 * VIR0_EARG when the id is not in the task's ladder for the worker's
 * arch. A state only moves from PENDING to READY or FAILED while StarPU
 * runs. */
int starpu_vir0_task_variant_state(const struct starpu_task *task, unsigned workerid,
				   uint32_t id, uint64_t *compile_ns);

/* ---- the run plan -------------------------------------------------------- */

enum starpu_vir0_plan_mode {
	STARPU_VIR0_PLAN_BASELINE = 0,   /* the baseline alone, into the real buffers */
	STARPU_VIR0_PLAN_CANDIDATE = 1,  /* the candidate alone, into the real buffers */
	STARPU_VIR0_PLAN_PAIR = 2,       /* both back to back on one worker, timed: the
					    baseline into the real buffers, the candidate
					    into scratch copies; written buffers compared */
};

struct starpu_vir0_plan {
	uint32_t baseline;               /* variant ids */
	uint32_t candidate;
	enum starpu_vir0_plan_mode mode;
};

/* Set what `task` runs on workers of `arch`. A plan that runs only the
 * original fixes implementation 0 (the interpreter); any other plan
 * implementation 1 (the variant slot), so StarPU's perf models keep them
 * apart; the footprint then includes the plan (StarPU 1.3 computes a
 * task's footprint once, at its first perf-model query: set the plan
 * before asking for expected lengths). VIR0_EARG (err says why) for an
 * id not in the ladder for `arch` or a bad mode; the task keeps its plan.
 *
 * can_execute refuses implementation 1 on a worker where a variant the
 * plan runs is not READY, so no task waits for a compiler. A plan set at
 * push has passed StarPU's submit-time check already: a plan that no
 * worker of the task's context can run strands the task. Call
 * starpu_vir0_task_plan_ready first, and set the plan only when some
 * worker the task may go to answers 1 (readiness never goes back). */
int starpu_vir0_task_set_plan(struct starpu_task *task, enum starpu_worker_archtype arch,
			      const struct starpu_vir0_plan *plan, struct vir0_error *err);
/* The plan for `arch` (the original alone until one is set). */
int starpu_vir0_task_get_plan(const struct starpu_task *task, enum starpu_worker_archtype arch,
			      struct starpu_vir0_plan *plan);
/* 1 when every variant `plan` runs is READY on worker `workerid` (what
 * can_execute asks), 0 when not (starting their JIT compiles), VIR0_EARG
 * for ids not in the ladder of the worker's arch. */
int starpu_vir0_task_plan_ready(const struct starpu_task *task, unsigned workerid,
				const struct starpu_vir0_plan *plan);

/* ---- samples ------------------------------------------------------------- */

/* One timed run, reported by the worker that ran it, right after the run
 * and before the task ends. Durations are host wall time (CLOCK_MONOTONIC)
 * in nanoseconds, 0 for a side that did not run. CPU: every run, whatever
 * its implementation (the interpreter's run alone too). OpenCL: PAIR runs
 * only; other runs are asynchronous (enqueued, not waited for), so there
 * is no honest time to give (StarPU's perf model has the task's time).
 * The real buffers always hold the baseline's results: a mismatch never
 * changes what the task computes. */
struct starpu_vir0_sample {
	struct starpu_vir0_shape shape;
	enum starpu_worker_archtype arch;
	int workerid;
	struct starpu_vir0_plan plan;    /* mode says which sides ran */
	uint64_t baseline_ns;
	uint64_t candidate_ns;
	int candidate_first;             /* PAIR: the candidate ran first (pairs alternate
					    the order, so neither side has the warm caches
					    every time) */
	int mismatch;                    /* PAIR: a written buffer differs */
	uint32_t mismatch_handle;        /* the task's handle index of the first one */
	uint64_t mismatch_element;       /* its first differing element */
	uint64_t baseline_bits;          /* that element's bytes (little-endian), each side */
	uint64_t candidate_bits;
};

typedef void (*starpu_vir0_sample_hook)(const struct starpu_vir0_sample *sample, void *user);

/* Report every sample to `hook` (NULL: none), on the worker's thread:
 * keep it short and do not submit or wait for tasks in it. */
void starpu_vir0_set_sample_hook(starpu_vir0_sample_hook hook, void *user);

/* ---- for tests only ------------------------------------------------------ */

/* Make `variant` a variant of `program`, interpreted on CPU and OpenCL,
 * with id STARPU_VIR0_VARIANT_TEST + n (*id). Its buffer declarations must
 * equal the program's (VIR0_EARG otherwise). Exists so that tests can
 * race a deliberately wrong variant and see the pair check catch it;
 * nothing else should call it. Holds a reference to `variant` for the
 * life of `program`. At most a few per program (VIR0_ELIMIT beyond). */
int starpu_vir0_variant_add_for_tests(starpu_vir0_program *program,
				      starpu_vir0_program *variant, uint32_t *id,
				      struct vir0_error *err);

#endif
