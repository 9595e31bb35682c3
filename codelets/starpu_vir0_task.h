/* starpu_vir0_task.h - what the scheduling policy (sched/) may know of a
 * VIR0 task and how it fixes the task's implementation: the plumbing of
 * the speculation choice point. Not installed. */
#ifndef STARPU_VIR0_TASK_H
#define STARPU_VIR0_TASK_H

#include <stdint.h>

#include <starpu.h>

/* Implementation indices of the VIR0 codelet, per arch. */
enum starpu_vir0_impl {
	STARPU_VIR0_IMPL_INTERPRETER = 0, /* conservative: CPU interpreter / megakernel */
	STARPU_VIR0_IMPL_VARIANT = 1,     /* speculative: rewritten bytecode / JIT kernel */
	/* The megakernel as index 0 runs it, but synchronous (no
	 * STARPU_OPENCL_ASYNC): where the task's data are all VIR0 vectors on
	 * a device that keeps the megakernel resident, its slot is done when
	 * the function returns, and StarPU's marker behind an asynchronous
	 * task would wait for the resident kernel's idle exit (NVIDIA, PoCL),
	 * leaving it every other task. can_execute picks it in place of index
	 * 0; the policy never fixes it. OpenCL only. */
	STARPU_VIR0_IMPL_RESIDENT = 2,
};

/* A VIR0 task's shape: what makes two tasks comparable for timing. */
struct starpu_vir0_shape {
	uint8_t program_hash[16];
	uint32_t groups[3];
	uint64_t bytes;                   /* sum of the handles' sizes */
};

/* 1 when `task` runs the VIR0 codelet. */
int starpu_vir0_task_is_vir0(const struct starpu_task *task);

/* The shape of a VIR0 task (0), or VIR0_EARG for another task. */
int starpu_vir0_task_shape(const struct starpu_task *task, struct starpu_vir0_shape *out);

/* Fix the implementation a VIR0 task runs with on workers of `arch`
 * (STARPU_CPU_WORKER, STARPU_OPENCL_WORKER): the codelet's can_execute
 * then refuses every other index there. Until fixed, each arch runs the
 * interpreter. Index 1 runs the arch's plan (starpu_vir0_variant.h,
 * which sets the index itself) and is refused while that plan runs the
 * original alone. Call before the task is handed to a worker (push). */
void starpu_vir0_task_fix_implementation(struct starpu_task *task,
					 enum starpu_worker_archtype arch, unsigned nimpl);

/* 1 when the OpenCL interpreter of StarPU's OpenCL device `devid` is
 * built and ready (its megakernel builds in the background from the first
 * program load). Until then the codelet's can_execute leaves VIR0 tasks
 * to the context's CPU workers, if it has any. */
int starpu_vir0_opencl_ready(int devid);

#endif
