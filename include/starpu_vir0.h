/* starpu_vir0.h - VIR0 programs as StarPU tasks (libstarpu_vir0).
 *
 * A program is loaded once (bytes or .vir0s text: validated, lowered to
 * bytecode, hashed); each task runs it over a grid of workgroups on the
 * data handles bound, in order, to the program's non-workgroup buffer
 * declarations. One codelet serves every program: a CPU implementation
 * (the vectorised interpreter, one thread inside the worker) and an
 * OpenCL one (the resident megakernel on the worker's device, on StarPU's
 * own context, queue and cl_mem). The scheduling policy "vir0-spec"
 * (STARPU_SCHED=vir0-spec) schedules every task, VIR0 or not.
 *
 * Errors are values: 0 or a negative VIR0_E* code (vir0.h), with `err`
 * filled when not NULL. Call everything here after starpu_init. */
#ifndef STARPU_VIR0_H
#define STARPU_VIR0_H

#include <stddef.h>
#include <stdint.h>

#include <starpu.h>

#include "vir0.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct starpu_vir0_program starpu_vir0_program;

/* Load a program from `size` bytes: the binary wire format when they start
 * with "VIR0", else the text form (.vir0s). It is validated, lowered and
 * verified here, never per task. The program holds one reference. */
int starpu_vir0_program_load(const void *bytes, size_t size, starpu_vir0_program **out,
			     struct vir0_error *err);
/* The same, from a file. */
int starpu_vir0_program_load_file(const char *path, starpu_vir0_program **out,
				  struct vir0_error *err);
/* Drop the caller's reference; tasks already submitted keep their own. */
void starpu_vir0_program_release(starpu_vir0_program *program);

/* The decoded program (buffer declarations, workgroup size). */
const vir0_program *starpu_vir0_program_get(const starpu_vir0_program *program);
/* Its content hash as 32 hex digits. */
void starpu_vir0_program_hash(const starpu_vir0_program *program, char text[33]);

/* Register a vector like starpu_vector_data_register, whose copies on an
 * OpenCL device live in the megakernel's device arena ($VIR0_CL_ARENA_MB,
 * default 256 MiB per device): where the device runs the megakernel
 * resident (persistent-nv on NVIDIA, VIR0_CL_MODE=persistent elsewhere),
 * a VIR0 task whose handles are all such vectors is published to the
 * running kernel as a slot instead of being launched. Filters, transfers
 * and STARPU_VECTOR_GET_* work as on a plain vector. */
void starpu_vir0_vector_data_register(starpu_data_handle_t *handle, int home_node,
				      uintptr_t ptr, uint32_t nx, size_t elemsize);

/* Wait until the megakernel of every StarPU OpenCL device is built or has
 * failed (it builds in a background thread from the first program load,
 * started here if it was not; seconds on PoCL, up to a minute on NVIDIA
 * without its compute cache). Until then VIR0 tasks run on CPU workers;
 * an application that wants its OpenCL workers from the first task waits
 * here first. The number of OpenCL devices ready for VIR0 tasks. */
unsigned starpu_vir0_opencl_wait(void);

/* The one codelet of every VIR0 task (variable number of buffers). */
struct starpu_codelet *starpu_vir0_codelet(void);

/* Fill `task` (from starpu_task_create, or initialised with
 * starpu_task_init) to run `program` over `groups` workgroups (NULL: the
 * default grid, fmt §1.6, from the lengths of all the handles) on `nhandles`
 * handles with their access modes. The handles are checked against the
 * declarations: count, interface (vector), element size, and mode (a
 * buffer the program may write needs STARPU_W or STARPU_RW; an output
 * buffer is zeroed before the run, fmt §9.1, so STARPU_W is enough). On
 * error the task is left untouched. Other task fields (priority,
 * callback, tags, ...) are the caller's. A filled task must be
 * submitted: it holds a program reference until it runs. */
int starpu_vir0_task_fill(struct starpu_task *task, starpu_vir0_program *program,
			  const uint32_t groups[3], const starpu_data_handle_t *handles,
			  const enum starpu_data_access_mode *modes, unsigned nhandles,
			  struct vir0_error *err);

/* starpu_task_insert for a VIR0 program:
 *   starpu_vir0_task_insert(program, groups, STARPU_R, h0, STARPU_W, h1,
 *                           STARPU_PRIORITY, 3, STARPU_CALLBACK, f, ..., 0)
 * Every starpu_task_insert option passes through (the task is built by
 * starpu_task_build), except STARPU_VALUE and STARPU_CL_ARGS: a VIR0 task's
 * cl_arg is its own. The handles are checked as in starpu_vir0_task_fill
 * before anything is submitted; a mismatch returns VIR0_EARG and the
 * message is in starpu_vir0_last_error(). */
#define starpu_vir0_task_insert(program, groups, ...) \
	starpu_vir0_task_submit_built((program), (groups), \
				      starpu_task_build(starpu_vir0_codelet(), __VA_ARGS__))
int starpu_vir0_task_submit_built(starpu_vir0_program *program, const uint32_t groups[3],
				  struct starpu_task *task);
/* The calling thread's last error from starpu_vir0_task_insert. */
const struct vir0_error *starpu_vir0_last_error(void);

/* The vir0-spec policy, for applications that set conf.sched_policy. */
struct starpu_sched_policy *starpu_vir0_policy(void);

#ifdef __cplusplus
}
#endif

#endif /* STARPU_VIR0_H */
