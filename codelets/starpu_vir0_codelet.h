/* starpu_vir0_codelet.h - a VIR0 task's own arguments (task->cl_arg) and
 * the implementations of the one VIR0 codelet, per arch. */
#ifndef STARPU_VIR0_CODELET_H
#define STARPU_VIR0_CODELET_H

#include <stdatomic.h>

#include "starpu_vir0_program.h"
#include "starpu_vir0_task.h"
#include "starpu_vir0_variant.h"

/* task->cl_arg of a VIR0 task, freed by StarPU with the task
 * (cl_arg_free). Everything the scheduler asks after the run (shape,
 * footprint) is copied here, so the program reference can go as soon as
 * the implementation is done with it. */
#define STARPU_VIR0_TASK_MAGIC 0x56495230u /* "VIR0" */

struct starpu_vir0_task_args {
	uint32_t magic;                          /* STARPU_VIR0_TASK_MAGIC */
	_Atomic(starpu_vir0_program *) program;  /* the task's reference, NULL once dropped */
	struct starpu_vir0_shape shape;
	uint32_t nhandles;
	uint8_t impl_cpu, impl_opencl;           /* fixed implementation per arch */
	struct starpu_vir0_plan plan_cpu;        /* what implementation 1 runs, per arch */
	struct starpu_vir0_plan plan_opencl;
	char name[48];                           /* task->name unless the caller set one:
						    here, as it outlives the program */
};

/* The task's arguments, or NULL when `task` is not a filled VIR0 task
 * (another codelet, or the VIR0 codelet submitted without fill/insert,
 * whose cl_arg may be anything). */
struct starpu_vir0_task_args *starpu_vir0_task_args(const struct starpu_task *task);

/* Take the program reference out of `args` (NULL if already taken): the
 * implementation that ran the task releases it when done. */
starpu_vir0_program *starpu_vir0_task_args_take(struct starpu_vir0_task_args *args);

/* The interpreter's implementations (codelet.cpu_funcs[0],
 * codelet.opencl_funcs[0]); the variant slot's are in
 * starpu_vir0_variant_code.h. */
void starpu_vir0_cpu_run(void *buffers[], void *cl_arg);
void starpu_vir0_opencl_run(void *buffers[], void *cl_arg);

/* Run `code` with the CPU interpreter, one thread, on host memory:
 * `bindings` has one entry per declaration (code->program->nbuffers),
 * the implementation set handle k's at program->bound[k]. */
int starpu_vir0_run_host(const struct starpu_vir0_code *code, const uint32_t groups[3],
			 struct vir0_binding *bindings, struct vir0_error *err);

/* starpu_vir0_run_host, timed for a sample: its host wall time in ns.
 * Aborts (starpu_vir0_task_abort with `where`) when the run fails. */
uint64_t starpu_vir0_run_host_timed(const struct starpu_vir0_code *code, const uint32_t groups[3],
				    struct vir0_binding *bindings, const char *where);
/* The time since `start` (starpu_vir0_now_ns) in ns, at least 1: a run
 * took time, even below the clock's resolution, and 0 means "not run"
 * in a sample. */
uint64_t starpu_vir0_elapsed_ns(uint64_t start);

/* `bytes` zeroed bytes in `room` (`room_bytes` long) when they fit, else
 * from calloc; NULL when out of memory. starpu_vir0_room_free(at, room)
 * gives them back. A tiny task's bindings then cost no allocation. */
void *starpu_vir0_room_alloc(void *room, size_t room_bytes, size_t bytes);
void starpu_vir0_room_free(void *at, const void *room);

/* The bindings of a task's handles, one per declaration of its program
 * (Workgroup ones empty), at `at`: in `room` for a program of up to
 * STARPU_VIR0_BINDINGS_ROOM declarations, else on the heap; free with
 * starpu_vir0_room_free(at, room). Not to be copied (`at` may point into
 * them). */
#define STARPU_VIR0_BINDINGS_ROOM 16
struct starpu_vir0_host_bindings {
	struct vir0_binding *at;
	struct vir0_binding room[STARPU_VIR0_BINDINGS_ROOM];
};
struct starpu_vir0_cl_bindings {
	struct vir0_cl_binding *at;
	struct vir0_cl_binding room[STARPU_VIR0_BINDINGS_ROOM];
};

/* Fill `b` with the host bindings of a CPU task's `nhandles` handles
 * (`buffers`, the implementation's arguments). Aborts when out of
 * memory. */
void starpu_vir0_host_bindings(struct starpu_vir0_host_bindings *b,
			       const starpu_vir0_program *program, uint32_t nhandles,
			       void *buffers[]);

/* Run `code` with the megakernel of OpenCL device `devid` on `queue`
 * (through the resident kernel when `resident`, that is the bindings are
 * the task's VIR0 vectors, and the device keeps one),
 * on `bindings`, one per declaration of code->program. Should the
 * megakernel refuse it, the buffers are read to the host, run by the CPU
 * interpreter and the read_write ones written back (one warning per
 * device). Aborts on what no checked task can meet. */
void starpu_vir0_opencl_interpret(const struct starpu_vir0_code *code, int devid,
				  cl_command_queue queue, const uint32_t groups[3],
				  const struct vir0_cl_binding *bindings, int resident);
/* Fill `b` with the device bindings of an OpenCL task's `nhandles`
 * handles (Workgroup ones {NULL, 0, 0}). Aborts when out of memory. */
void starpu_vir0_cl_bindings(struct starpu_vir0_cl_bindings *b,
			     const starpu_vir0_program *program, uint32_t nhandles,
			     void *buffers[]);
/* A host copy of binding `b` (declaration `decl` of its program), read
 * from the device on `queue`, blocking; free() it. NULL when it cannot be
 * made, with err (VIR0_ENOMEM, or VIR0_EIO naming the OpenCL error)
 * saying which buffer. */
void *starpu_vir0_cl_read_back(cl_command_queue queue, const struct vir0_cl_binding *b,
			       uint32_t decl, struct vir0_error *err);
/* 1 when `task`'s `nhandles` handles are all VIR0 vectors, whose OpenCL
 * copies live in the device arena a resident kernel addresses. */
int starpu_vir0_task_data_in_arena(const struct starpu_task *task, uint32_t nhandles);

/* Report a failure no VIR0 task should meet after its insert-time checks
 * (out of memory, a broken OpenCL runtime) and abort: a StarPU 1.3
 * codelet cannot fail its task, and carrying on would hand the
 * application a wrong result. */
void starpu_vir0_task_abort(const char *where, const struct vir0_error *err)
	__attribute__((noreturn));

#endif
