/* starpu_vir0_program.h - what a loaded program holds (starpu_vir0.h's
 * opaque starpu_vir0_program): the decoded program, its bytecode lowered
 * and verified once, its hash, which declaration each task handle binds
 * to, per OpenCL device the entry of the device's program store, per
 * worker the CPU engine's prepared dispatch, and its speculative variants
 * once asked for (starpu_vir0_variant_code.h). */
#ifndef STARPU_VIR0_PROGRAM_H
#define STARPU_VIR0_PROGRAM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "starpu_vir0.h"
#include "vir0_opencl.h"

#include "bytecode.h"

/* A program's place in one device's store. Only that device's OpenCL
 * worker (StarPU runs one per device) reads and writes it. */
struct starpu_vir0_program_cl {
	uint64_t generation;            /* of the device state it was loaded into */
	const vir0_cl_program *entry;
};

/* What an interpreter runs: a decoded program, its bytecode and its store
 * entries, per device ([STARPU_MAXOPENCLDEVS]). The program's own, or one
 * of its variants'. */
struct starpu_vir0_code {
	const vir0_program *program;
	const struct vir0_bytecode *bc;
	struct starpu_vir0_program_cl *cl;
};

struct vir0_cpu_prepared;

/* What a task's handle k must be, worked out from its declaration once at
 * load (starpu_vir0_bind_slot), so an insert checks it without reading
 * the declaration again. */
struct starpu_vir0_slot {
	size_t elemsize;                /* vir0_type_size of the declared element */
	uint32_t count;                 /* the declared count; 0: any length */
	uint16_t modes;                 /* bit b: base access mode b fits (b < 16) */
};

struct starpu_vir0_variants;

struct starpu_vir0_program {
	atomic_uint refs;
	vir0_program *program;
	struct vir0_bytecode *bc;
	struct vir0_hash hash;
	char task_name[48];             /* "vir0:" + entry id or hash prefix */
	uint32_t nbound;                /* non-Workgroup buffers: handles per task */
	uint32_t *bound;                /* declaration index of handle k */
	struct starpu_vir0_slot *slots; /* what handle k must be */
	/* The default grid's G0 (fmt §1.6) for the last longest length
	 * asked, (length << 32) | G0, 0 when none: tasks of one size pay
	 * vir0_default_grid once. One word, so threads never see a torn
	 * pair. */
	_Atomic uint64_t default_grid;
	struct starpu_vir0_program_cl cl[STARPU_MAXOPENCLDEVS];
	/* Per StarPU worker, the CPU engine's prepared dispatch of the
	 * worker's last shape (vir0_cpu_run_prepared); only that worker's
	 * thread touches its entry. */
	struct vir0_cpu_prepared *cpu[STARPU_NMAXWORKERS];
	pthread_mutex_t variants_lock;  /* makes `variants` once */
	struct starpu_vir0_variants *variants;
};

/* Fill `slot` from `decl` (starpu_vir0_bind.c, where the binding rules
 * live). */
void starpu_vir0_bind_slot(const struct vir0_buffer *decl, struct starpu_vir0_slot *slot);

/* Take one more reference (a task's). */
void starpu_vir0_program_retain(starpu_vir0_program *program);

/* The program's own code (the original, interpreted). */
struct starpu_vir0_code starpu_vir0_program_code(starpu_vir0_program *program);

#endif
