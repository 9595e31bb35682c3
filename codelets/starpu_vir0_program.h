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

struct starpu_vir0_variants;

struct starpu_vir0_program {
	atomic_uint refs;
	vir0_program *program;
	struct vir0_bytecode *bc;
	struct vir0_hash hash;
	char task_name[48];             /* "vir0:" + entry id or hash prefix */
	uint32_t nbound;                /* non-Workgroup buffers: handles per task */
	uint32_t *bound;                /* declaration index of handle k */
	struct starpu_vir0_program_cl cl[STARPU_MAXOPENCLDEVS];
	/* Per StarPU worker, the CPU engine's prepared dispatch of the
	 * worker's last shape (vir0_cpu_run_prepared); only that worker's
	 * thread touches its entry. */
	struct vir0_cpu_prepared *cpu[STARPU_NMAXWORKERS];
	pthread_mutex_t variants_lock;  /* makes `variants` once */
	struct starpu_vir0_variants *variants;
};

/* Take one more reference (a task's). */
void starpu_vir0_program_retain(starpu_vir0_program *program);

/* The program's own code (the original, interpreted). */
struct starpu_vir0_code starpu_vir0_program_code(starpu_vir0_program *program);

#endif
