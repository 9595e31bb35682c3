/* speculation.h - the policy's speculation, end to end: per (VIR0 task
 * shape, arch) a ladder of variants (spec_ladder.h) raced on the real
 * workers. Shapes are entered at push, plans made at pop for the popping
 * worker, samples come back from the workers through the codelet's
 * sample hook, verdicts are recalled from and saved to the autotune
 * store, and the run report is printed at the end (doc/vir0-spec.md,
 * "Speculation"). Process-wide: every vir0-spec
 * context shares it (a verdict belongs to a shape on a device, not to a
 * context); the first context to start starts it, the last to end ends
 * it. */
#ifndef STARPU_VIR0_SPECULATION_H
#define STARPU_VIR0_SPECULATION_H

#include <stdint.h>

#include <starpu.h>

#include "starpu_vir0_task.h"

/* A vir0-spec context starts (init_sched): the first one reads VIR0_SPEC*
 * and VIR0_STATS*, loads the store and registers the sample hook. */
void starpu_vir0_speculation_start(void);

/* A vir0-spec context ended (deinit_sched, after its last task): the last
 * one unhooks, puts this run's verdicts into the store, saves it and
 * prints the report. */
void starpu_vir0_speculation_stop(void);

/* At push: enter `shape` (of `task`, a VIR0 task) on each arch that has
 * workers in the task's context and give the task, per arch, the shape's
 * baseline where a worker of the arch runs it now (else the original),
 * for the tree's estimates. Counts no arrival. 0 when entered; VIR0_EARG
 * when speculation is off, VIR0_ELIMIT when its table is full (the
 * caller then fixes the conservative implementation). */
int starpu_vir0_speculation_enter(struct starpu_task *task, const struct starpu_vir0_shape *shape);

/* At pop, on worker `workerid` (in StarPU's sched-op state), for a task
 * entered at push: its arch's ladder counts the task's arrival and plans
 * it, and the plan (and implementation index) is set only when this
 * worker runs it now; otherwise the baseline, or the plan pushed (which
 * the tree gave this worker because it runs it). task->predicted becomes
 * the plan's mean where known. 0, or VIR0_EARG for a task not entered
 * (the task is left as it is). */
int starpu_vir0_speculation_pop(struct starpu_task *task, unsigned workerid);

/* An optimist's time, for an arch that has yet to try what it could run
 * (starpu_vir0_speculation_estimate): its tasks go to it. */
#define STARPU_VIR0_SPECULATION_UNTRIED_US 1.0

/* What `task` (entered at push) is expected to take on worker `workerid`,
 * in microseconds: the mean measured (or recalled from the store) of its
 * shape's baseline on the worker's arch, which a pop there runs, or of
 * the candidate racing it there once built, whichever is less.
 * STARPU_VIR0_SPECULATION_UNTRIED_US while the arch has something to
 * try (starpu_vir0_spec_exploring: it never ran the shape, or the race
 * open there, or the one its next task opens, has a built candidate with
 * neither a time nor an expected one, a JIT kernel). A
 * built candidate expected like its engine (a rewrite) and not timed yet
 * makes it NaN for the worker that pulls (`pulling`: unknown, so it
 * takes the task, which times the candidate) and the baseline's mean for
 * the other archs' workers. NaN while unknown. For placement
 * (fallback.c). */
double starpu_vir0_speculation_estimate(const struct starpu_task *task, unsigned workerid,
					int pulling);

/* Where variant `id` of `shape` stands on `arch` (STARPU_CPU_WORKER,
 * STARPU_OPENCL_WORKER), for tests and tools: 0 with *view filled, or
 * VIR0_EARG when speculation does not run or the shape or the variant is
 * not known there. */
struct starpu_vir0_speculation_view {
	int status;             /* enum starpu_vir0_spec_status */
	uint32_t baseline;      /* the variant id the shape's tasks run with */
	uint64_t pairs;         /* its pairs as the candidate, the open race included */
	uint64_t mismatches;
	uint64_t tasks;         /* tasks whose real outputs it wrote (timed ones) */
	uint64_t shape_pairs;   /* pair tasks of the shape on the arch, re-checks included */
	uint64_t arrivals;      /* tasks of the shape popped by workers of the arch */
};
int starpu_vir0_speculation_variant(const struct starpu_vir0_shape *shape,
				    enum starpu_worker_archtype arch, uint32_t id,
				    struct starpu_vir0_speculation_view *view);

#endif
