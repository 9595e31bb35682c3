/* starpu_vir0_codelet.c - the one codelet of every VIR0 task: its
 * implementations per arch (index 0, the interpreter: the CPU one here,
 * the OpenCL megakernel in starpu_vir0_opencl.c; index 1, the variant
 * slot, in starpu_vir0_variant_{cpu,opencl}.c), can_execute honouring the
 * implementation and plan the policy fixed, the history-based perf model
 * keyed by the task's shape and plan, and what the policy may ask of a
 * task (starpu_vir0_task.h). */
#include "starpu_vir0_codelet.h"
#include "starpu_vir0_devices.h"
#include "starpu_vir0_variant_code.h"

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
	.cpu_funcs = { starpu_vir0_cpu_run, starpu_vir0_cpu_run_variant },
	.cpu_funcs_name = { "starpu_vir0_cpu_run", "starpu_vir0_cpu_run_variant" },
	.opencl_funcs = { starpu_vir0_opencl_run, starpu_vir0_opencl_run_variant,
			  starpu_vir0_opencl_run },
	/* The variant slot enqueues without waiting too, except for PAIR
	 * runs, which wait for each side to time it: an asynchronous
	 * implementation may block, StarPU's marker after it then finds the
	 * queue done. Index 2 (STARPU_VIR0_IMPL_RESIDENT) runs only where
	 * starpu_vir0_opencl_run waits for the resident kernel itself. */
	.opencl_flags = { STARPU_OPENCL_ASYNC, STARPU_OPENCL_ASYNC, 0 },
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
	/* Index 1 runs the arch's plan, and only a plan that runs more than
	 * the original alone (starpu_vir0_task_set_plan) may use it: the
	 * original's times stay in index 0's history. */
	const struct starpu_vir0_plan *plan = starpu_vir0_args_plan(args, arch);
	int usable = nimpl == STARPU_VIR0_IMPL_INTERPRETER ||
		     (nimpl == STARPU_VIR0_IMPL_VARIANT && plan &&
		      !starpu_vir0_plan_is_original(plan));
	if (usable && arch == STARPU_CPU_WORKER)
		args->impl_cpu = (uint8_t)nimpl;
	else if (usable && arch == STARPU_OPENCL_WORKER)
		args->impl_opencl = (uint8_t)nimpl;
	else if (!atomic_exchange(&warned_fix, 1))
		fprintf(stderr, "starpu_vir0: the VIR0 codelet has no implementation %u for "
			"arch %d%s; the task keeps %u (said once)\n", nimpl, (int)arch,
			nimpl == STARPU_VIR0_IMPL_VARIANT ? " without a plan that runs a variant "
			"(starpu_vir0_task_set_plan)" : "",
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
	/* task->where -1: wherever the codelet runs. */
	if (task->where != -1 && !(task->where & STARPU_CPU))
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

/* Where index 0 is fixed on an OpenCL worker, its synchronous twin runs
 * instead when the task's slot goes to the device's resident kernel. */
static int runs_resident(unsigned workerid, const struct starpu_task *task,
			 const struct starpu_vir0_task_args *args)
{
	return starpu_vir0_devices_resident(starpu_worker_get_devid((int)workerid)) &&
	       starpu_vir0_task_data_in_arena(task, args->nhandles);
}

/* Implementation 1 runs only where every variant of the plan is READY:
 * never waits for a compiler or a megakernel build. */
static int can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
	struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	if (!args)
		return 0;
	switch (starpu_worker_get_type((int)workerid)) {
	case STARPU_CPU_WORKER:
		if (nimpl != args->impl_cpu)
			return 0;
		break;
	case STARPU_OPENCL_WORKER:
		if (args->impl_opencl == STARPU_VIR0_IMPL_INTERPRETER &&
		    (nimpl == STARPU_VIR0_IMPL_INTERPRETER || nimpl == STARPU_VIR0_IMPL_RESIDENT))
			return !waits_for_build(workerid, task) &&
			       (nimpl == STARPU_VIR0_IMPL_RESIDENT) ==
			       runs_resident(workerid, task, args);
		if (nimpl != args->impl_opencl)
			return 0;
		break;
	default: return 0;
	}
	return nimpl == STARPU_VIR0_IMPL_INTERPRETER ||
	       starpu_vir0_args_plan_ready(args, workerid) == 1;
}

/* Program, grid and the size of every handle: tasks that agree on all
 * three take the same time on a given worker and implementation; and the
 * plan of each arch that runs the variant slot, so that its history keeps
 * variants apart (one footprint per task in StarPU 1.3, not per arch:
 * both archs' plans go in). A task that runs only the interpreter keeps
 * the footprint it always had. */
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
	const struct starpu_vir0_plan *plans[2] = { &args->plan_cpu, &args->plan_opencl };
	const uint8_t impls[2] = { args->impl_cpu, args->impl_opencl };
	for (int a = 0; a < 2; a++) {
		if (impls[a] != STARPU_VIR0_IMPL_VARIANT)
			continue;
		crc = starpu_hash_crc32c_be((uint32_t)a, crc);
		crc = starpu_hash_crc32c_be(plans[a]->baseline, crc);
		crc = starpu_hash_crc32c_be(plans[a]->candidate, crc);
		crc = starpu_hash_crc32c_be((uint32_t)plans[a]->mode, crc);
	}
	return crc;
}

static size_t size_base(struct starpu_task *task, unsigned nimpl)
{
	(void)nimpl;
	const struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	return args ? args->shape.bytes : 0;
}

int starpu_vir0_run_host(const struct starpu_vir0_code *code, const uint32_t groups[3],
			 struct vir0_binding *bindings, struct vir0_error *err)
{
	return vir0_cpu_run_bytecode(code->program, code->bc, groups, bindings,
				     code->program->nbuffers, 1, err);
}

uint64_t starpu_vir0_elapsed_ns(uint64_t start)
{
	uint64_t ns = starpu_vir0_now_ns() - start;
	return ns ? ns : 1;
}

uint64_t starpu_vir0_run_host_timed(const struct starpu_vir0_code *code, const uint32_t groups[3],
				    struct vir0_binding *bindings, const char *where)
{
	struct vir0_error err = { 0 };
	uint64_t start = starpu_vir0_now_ns();
	if (starpu_vir0_run_host(code, groups, bindings, &err))
		starpu_vir0_task_abort(where, &err);
	return starpu_vir0_elapsed_ns(start);
}

void starpu_vir0_task_abort(const char *where, const struct vir0_error *err)
{
	fprintf(stderr, "starpu_vir0: %s failed: %s (%s)\n", where, err->message,
		vir0_status_name(err->code));
	abort();
}

void *starpu_vir0_room_alloc(void *room, size_t room_bytes, size_t bytes)
{
	if (bytes > room_bytes)
		return calloc(1, bytes);
	memset(room, 0, bytes);
	return room;
}

void starpu_vir0_room_free(void *at, const void *room)
{
	if (at != room)
		free(at);
}

void starpu_vir0_host_bindings(struct starpu_vir0_host_bindings *b,
			       const starpu_vir0_program *program, uint32_t nhandles,
			       void *buffers[])
{
	b->at = starpu_vir0_room_alloc(b->room, sizeof(b->room),
				       program->program->nbuffers * sizeof(*b->at));
	if (!b->at)
		starpu_vir0_task_abort("the CPU implementation",
				       &(struct vir0_error){ .code = VIR0_ENOMEM,
							     .message = "out of memory" });
	for (uint32_t k = 0; k < nhandles; k++)
		b->at[program->bound[k]] = (struct vir0_binding){
			(void *)STARPU_VECTOR_GET_PTR(buffers[k]),
			(size_t)STARPU_VECTOR_GET_NX(buffers[k]) * STARPU_VECTOR_GET_ELEMSIZE(buffers[k]),
		};
}

/* The interpreter on the program as loaded; timed for the sample hook,
 * whose policy compares it with the variant slot's runs. */
void starpu_vir0_cpu_run(void *buffers[], void *cl_arg)
{
	struct starpu_vir0_task_args *args = cl_arg;
	starpu_vir0_program *program = atomic_load(&args->program);
	struct starpu_vir0_host_bindings bindings;
	starpu_vir0_host_bindings(&bindings, program, args->nhandles, buffers);
	/* A worker's next task is most often of the same shape: the
	 * program's prepared dispatch for the worker then skips what the
	 * last one checked and derived. Timed only for a hook, the only
	 * reader of the time. */
	struct vir0_cpu_prepared **prepared = &program->cpu[starpu_worker_get_id_check()];
	int hooked = starpu_vir0_sample_hooked();
	uint64_t start = hooked ? starpu_vir0_now_ns() : 0;
	struct vir0_error err = { 0 };
	if (vir0_cpu_run_prepared(prepared, program->program, program->bc, args->shape.groups,
				  bindings.at, program->program->nbuffers, &err))
		starpu_vir0_task_abort("the CPU interpreter", &err);
	uint64_t ns = hooked ? starpu_vir0_elapsed_ns(start) : 0;
	starpu_vir0_room_free(bindings.at, bindings.room);
	starpu_vir0_program_release(starpu_vir0_task_args_take(args));
	if (hooked)
		starpu_vir0_sample_report(&(struct starpu_vir0_sample){
			.shape = args->shape, .arch = STARPU_CPU_WORKER,
			.workerid = starpu_worker_get_id(),
			.plan = { STARPU_VIR0_VARIANT_ORIGINAL, STARPU_VIR0_VARIANT_ORIGINAL,
				  STARPU_VIR0_PLAN_BASELINE },
			.baseline_ns = ns,
		});
}
