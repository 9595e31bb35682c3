/* cpu_run.h - what the CPU engine's two dispatches share: the checks, the
 * plan and the run of cpu_engine.c, which vir0_cpu_run_bytecode (there)
 * and vir0_cpu_run_prepared (cpu_prepared.c) both go through. Internal to
 * the engine. */
#ifndef VIR0_CPU_RUN_H
#define VIR0_CPU_RUN_H

#include "bytecode.h"
#include "cpu_block.h"
#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Each thread keeps its workers' memory up to this much a piece
 * (cpu_engine.c); a prepared dispatch keeps its own worker when it is
 * no larger. */
#define VIR0_CPU_KEEP_BYTES ((size_t)1 << 20)

static inline size_t vir0_cpu_round_up(size_t size)
{
	return (size + VIR0_CPU_ALIGN - 1) / VIR0_CPU_ALIGN * VIR0_CPU_ALIGN;
}

/* How a dispatch is cut up: it depends only on the decode (which is
 * keyed on the bytecode and the grid) and the program's Workgroup
 * buffers (which the bytecode declares too), so the calling thread keeps
 * the last one (cpu_engine.c), and a prepared dispatch its own. */
struct vir0_cpu_plan {
	size_t workgroup_bytes;           /* offsets in workgroup_offsets */
	uint64_t nlanes;                  /* in the whole grid */
	uint64_t ntasks;                  /* blocks (packed) or workgroups */
	uint64_t chunk;                   /* tasks per OpenMP chunk */
	uint32_t blocks_per_group;
	uint32_t worker_blocks;           /* block states one thread keeps */
	size_t block_lane_bytes;          /* registers and mask stack of one block */
	/* Lanes of several workgroups may share a block: the program has no
	 * barrier and no Workgroup memory. */
	int packed;
};

/* What one thread owns: its Workgroup memory and its block states. */
struct vir0_cpu_worker {
	struct vir0_buffer_view *views;   /* Workgroup views bound to workgroup_memory */
	uint8_t *workgroup_memory;
	struct vir0_cpu_block *blocks;
	uint32_t *lanes;
};

/* A prepared dispatch's own memory for the calling thread: its views
 * bound to its Workgroup memory, its block states, which a run that
 * ended leaves fit for the next (blocks_ready). */
struct vir0_cpu_own_worker {
	struct vir0_cpu_worker worker;
	int blocks_ready;
};

struct vir0_cpu_dispatch {
	struct vir0_cpu_code *code;       /* the thread's (vir0_cpu_decode_reused) or a prepared one's */
	const vir0_program *program;
	struct vir0_buffer_view *views;   /* Workgroup views unbound, unless own's */
	size_t *workgroup_offsets;
	struct vir0_cpu_own_worker *own;  /* NULL: the thread's kept memory */
	struct vir0_cpu_plan plan;
	int status;                       /* the first failure */
	uint64_t failed_group;
	uint32_t failed_pc[2];
};

/* Hidden: calls from the two files stay direct inside libvir0 (no PLT,
 * and cpu_engine.c may inline them), as when both dispatches were one
 * file; the prepared path is counted in instructions (doc/cpu-engine.md). */
#pragma GCC visibility push(hidden)

/* 0 when `bc` declares the buffers and workgroup of `program`, as
 * bytecode lowered from it does; else VIR0_EARG, with the message. */
int vir0_cpu_check_bytecode(const vir0_program *program, const struct vir0_bytecode *bc,
			    struct vir0_error *err);

/* The checks of every dispatch past the bytecode's: the grid (the
 * default one when `groups` is NULL) into `grid`, the bindings against
 * the declarations into d->views. */
int vir0_cpu_check_dispatch(struct vir0_cpu_dispatch *d, const uint32_t groups[3],
			    uint32_t grid[3], struct vir0_binding *bindings, uint32_t nbindings,
			    struct vir0_error *err);

/* Cut the grid into tasks into d->plan and size what each thread keeps;
 * lay out the Workgroup buffers into d->workgroup_offsets; set the
 * decode's width. */
int vir0_cpu_make_plan(struct vir0_cpu_dispatch *d, const uint32_t grid[3],
		       struct vir0_error *err);

/* Zero-fill (fmt §9.1) the is_output buffers that are (in_whole = 1) or
 * are not (in_whole = 0) in `whole` (bit b: buffer b). */
void vir0_cpu_zero_outputs(const vir0_program *program, struct vir0_binding *bindings,
			   uint64_t whole, int in_whole);

/* Run a checked, decoded and planned dispatch: on d->own alone when it
 * is set, else on `threads` threads (0: one per online CPU). */
int vir0_cpu_run_checked(struct vir0_cpu_dispatch *d, const struct vir0_bytecode *bc,
			 struct vir0_binding *bindings, unsigned threads, struct vir0_error *err);

#pragma GCC visibility pop

#endif
