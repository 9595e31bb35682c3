/* starpu_vir0_program.h - what a loaded program holds (starpu_vir0.h's
 * opaque starpu_vir0_program): the decoded program, its bytecode lowered
 * and verified once, its hash, which declaration each task handle binds
 * to, and per OpenCL device the entry of the device's program store. */
#ifndef STARPU_VIR0_PROGRAM_H
#define STARPU_VIR0_PROGRAM_H

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

struct starpu_vir0_program {
	atomic_uint refs;
	vir0_program *program;
	struct vir0_bytecode *bc;
	struct vir0_hash hash;
	char task_name[48];             /* "vir0:" + entry id or hash prefix */
	uint32_t nbound;                /* non-Workgroup buffers: handles per task */
	uint32_t *bound;                /* declaration index of handle k */
	struct starpu_vir0_program_cl cl[STARPU_MAXOPENCLDEVS];
};

/* Take one more reference (a task's). */
void starpu_vir0_program_retain(starpu_vir0_program *program);

#endif
