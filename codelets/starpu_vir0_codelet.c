/* starpu_vir0_codelet.c - the one codelet of every VIR0 task: its
 * implementations per arch (index 0, the interpreter: the CPU one here,
 * the OpenCL megakernel in starpu_vir0_opencl.c), can_execute honouring
 * the implementation the policy fixed, the history-based perf model keyed
 * by the task's shape, and what the policy may ask of a task
 * (starpu_vir0_task.h). */
#include "starpu_vir0_codelet.h"
#include "starpu_vir0_devices.h"

#include "cpu_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl);
static uint32_t footprint(struct starpu_task *task);
static size_t size_base(struct starpu_task *task, unsigned nimpl);

/* One model for every VIR0 task: StarPU keeps its history per arch and
 * implementation, and the footprint tells programs and shapes apart. */
static struct starpu_perfmodel model = {
	.type = STARPU_HISTORY_BASED,
	.symbol = "starpu_vir0",
	.footprint = footprint,
	.size_base = size_base,
};

static struct starpu_codelet codelet = {
	.where = STARPU_CPU | STARPU_OPENCL,
	.can_execute = can_execute,
	.cpu_funcs = { starpu_vir0_cpu_run },
	.cpu_funcs_name = { "starpu_vir0_cpu_run" },
	.opencl_funcs = { starpu_vir0_opencl_run },
	.opencl_flags = { STARPU_OPENCL_ASYNC },
	.nbuffers = STARPU_VARIABLE_NBUFFERS,
	.model = &model,
	.name = "vir0",
};

struct starpu_codelet *starpu_vir0_codelet(void)
{
	return &codelet;
}

int starpu_vir0_task_is_vir0(const struct starpu_task *task)
{
	return task && task->cl == &codelet;
}

struct starpu_vir0_task_args *starpu_vir0_task_args(const struct starpu_task *task)
{
	if (!starpu_vir0_task_is_vir0(task) || !task->cl_arg ||
	    task->cl_arg_size != sizeof(struct starpu_vir0_task_args))
		return NULL;
	struct starpu_vir0_task_args *args = task->cl_arg;
	return args->magic == STARPU_VIR0_TASK_MAGIC ? args : NULL;
}

starpu_vir0_program *starpu_vir0_task_args_take(struct starpu_vir0_task_args *args)
{
	return atomic_exchange(&args->program, NULL);
}

int starpu_vir0_task_shape(const struct starpu_task *task, struct starpu_vir0_shape *out)
{
	const struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	if (!args || !out)
		return VIR0_EARG;
	*out = args->shape;
	return VIR0_OK;
}

static atomic_int warned_fix;

void starpu_vir0_task_fix_implementation(struct starpu_task *task,
					 enum starpu_worker_archtype arch, unsigned nimpl)
{
	struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	if (!args)
		return;
	/* Only an index the codelet has for that arch: fixing one it lacks
	 * would leave the task no implementation there. */
	if (arch == STARPU_CPU_WORKER && nimpl < STARPU_MAXIMPLEMENTATIONS &&
	    codelet.cpu_funcs[nimpl])
		args->impl_cpu = (uint8_t)nimpl;
	else if (arch == STARPU_OPENCL_WORKER && nimpl < STARPU_MAXIMPLEMENTATIONS &&
		 codelet.opencl_funcs[nimpl])
		args->impl_opencl = (uint8_t)nimpl;
	else if (!atomic_exchange(&warned_fix, 1))
		fprintf(stderr, "starpu_vir0: the VIR0 codelet has no implementation %u for "
			"arch %d; the task keeps %u (said once)\n", nimpl, (int)arch,
			arch == STARPU_OPENCL_WORKER ? args->impl_opencl : args->impl_cpu);
}

/* While a device's megakernel is being built, its OpenCL worker leaves
 * VIR0 tasks to the context's CPU workers, so no task waits for the
 * compiler; a task pinned to the worker, or with no CPU worker to go to,
 * waits for the build instead. */
static int waits_for_build(unsigned workerid, const struct starpu_task *task)
{
	if (task->execute_on_a_specific_worker)
		return 0;
	int devid = starpu_worker_get_devid((int)workerid);
	if (starpu_vir0_opencl_ready(devid))
		return 0;
	starpu_vir0_devices_start();  /* in case nothing has started it yet */
	/* A task not submitted yet has no context: the caller's. */
	unsigned ctx = task->sched_ctx < STARPU_NMAX_SCHED_CTXS ? task->sched_ctx
								: starpu_sched_ctx_get_context();
	if (ctx >= STARPU_NMAX_SCHED_CTXS)
		ctx = 0;
	return starpu_sched_ctx_contains_type_of_worker(STARPU_CPU_WORKER, ctx) != 0;
}

static int can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
	const struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	if (!args)
		return 0;
	switch (starpu_worker_get_type((int)workerid)) {
	case STARPU_CPU_WORKER: return nimpl == args->impl_cpu;
	case STARPU_OPENCL_WORKER:
		return nimpl == args->impl_opencl && !waits_for_build(workerid, task);
	default: return 0;
	}
}

/* Program, grid and the size of every handle: tasks that agree on all
 * three take the same time on a given worker and implementation. */
static uint32_t footprint(struct starpu_task *task)
{
	const struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	if (!args)
		return 0;
	uint32_t crc = starpu_hash_crc32c_be_n(args->shape.program_hash,
					       sizeof(args->shape.program_hash), 0);
	for (int a = 0; a < 3; a++)
		crc = starpu_hash_crc32c_be(args->shape.groups[a], crc);
	for (unsigned k = 0; k < STARPU_TASK_GET_NBUFFERS(task); k++) {
		size_t bytes = starpu_data_get_size(STARPU_TASK_GET_HANDLE(task, k));
		crc = starpu_hash_crc32c_be_n(&bytes, sizeof(bytes), crc);
	}
	return crc;
}

static size_t size_base(struct starpu_task *task, unsigned nimpl)
{
	(void)nimpl;
	const struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	return args ? args->shape.bytes : 0;
}

int starpu_vir0_run_host(const starpu_vir0_program *program, const uint32_t groups[3],
			 struct vir0_binding *bindings, struct vir0_error *err)
{
	return vir0_cpu_run_bytecode(program->program, program->bc, groups, bindings,
				     program->program->nbuffers, 1, err);
}

void starpu_vir0_task_abort(const char *where, const struct vir0_error *err)
{
	fprintf(stderr, "starpu_vir0: %s failed: %s (%s)\n", where, err->message,
		vir0_status_name(err->code));
	abort();
}

void starpu_vir0_cpu_run(void *buffers[], void *cl_arg)
{
	struct starpu_vir0_task_args *args = cl_arg;
	starpu_vir0_program *program = atomic_load(&args->program);
	struct vir0_error err = { 0 };
	struct vir0_binding *bindings = calloc(program->program->nbuffers + 1, sizeof(*bindings));
	if (!bindings)
		starpu_vir0_task_abort("the CPU implementation",
				       &(struct vir0_error){ .code = VIR0_ENOMEM,
							     .message = "out of memory" });
	for (uint32_t k = 0; k < args->nhandles; k++)
		bindings[program->bound[k]] = (struct vir0_binding){
			(void *)STARPU_VECTOR_GET_PTR(buffers[k]),
			(size_t)STARPU_VECTOR_GET_NX(buffers[k]) * STARPU_VECTOR_GET_ELEMSIZE(buffers[k]),
		};
	if (starpu_vir0_run_host(program, args->shape.groups, bindings, &err))
		starpu_vir0_task_abort("the CPU interpreter", &err);
	free(bindings);
	starpu_vir0_program_release(starpu_vir0_task_args_take(args));
}
