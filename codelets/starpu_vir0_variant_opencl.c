/* starpu_vir0_variant_opencl.c - the variant slot on an OpenCL worker
 * (codelet.opencl_funcs[1]). The plan's baseline or candidate alone is
 * enqueued on StarPU's queue without waiting, like the interpreter
 * (STARPU_OPENCL_ASYNC): an interpreted variant as a megakernel slot, a
 * JIT variant as its own kernel, both on StarPU's cl_mem and byte
 * offsets.
 *
 * A pair waits: both sides are timed on the host around clFinish of
 * StarPU's queue. Not with profiling events: StarPU's queue has no
 * CL_QUEUE_PROFILING_ENABLE, and a profiling queue of our own would have
 * to be ordered against StarPU's pipelined tasks and the megakernel's
 * per-device scratch (launches must stay on one in-order queue); host
 * time around clFinish is what a task pays (enqueue, zero-fill, run),
 * alike on both sides. The queue is drained first, so earlier pipelined
 * tasks do not count. Copies of the read_write buffers are made on the
 * device before either side runs; the baseline runs into the real
 * buffers, the candidate into the copies, in alternating order; both are
 * then read back and compared bit for bit. */
#include "starpu_vir0_variant_code.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_int warned_jit, warned_scratch;

static void finish(cl_command_queue queue)
{
	cl_int code = clFinish(queue);
	if (code != CL_SUCCESS) {
		struct vir0_error err = { .code = VIR0_EIO };
		snprintf(err.message, sizeof(err.message), "clFinish: %s", vir0_cl_error_name(code));
		starpu_vir0_task_abort("the OpenCL variant slot", &err);
	}
}

/* Enqueue one side. A JIT kernel the device refuses at launch leaves the
 * same code to the megakernel: the result is the same. */
static void enqueue(const struct starpu_vir0_variant_run *run, int devid, cl_command_queue queue,
		    const uint32_t groups[3], const struct vir0_cl_binding *bindings, int resident)
{
	const vir0_program *program = run->code->code.program;
	if (run->kernel) {
		struct vir0_cl_jit_arg *args = calloc(program->nbuffers + 1, sizeof(*args));
		struct vir0_error err = { 0 };
		int status = args ? VIR0_OK : VIR0_ENOMEM;
		for (uint32_t i = 0; args && i < program->nbuffers; i++)
			if (bindings[i].mem)
				args[i] = (struct vir0_cl_jit_arg){
					bindings[i].mem, bindings[i].offset,
					bindings[i].size / vir0_type_size(&program->buffers[i].element),
				};
		if (status == VIR0_OK)
			status = vir0_cl_jit_enqueue(run->kernel, queue, groups, args,
						     program->nbuffers, 0, NULL, NULL, &err);
		free(args);
		if (status == VIR0_OK)
			return;
		if (!atomic_exchange(&warned_jit, 1))
			fprintf(stderr, "starpu_vir0: a JIT variant did not launch on OpenCL device "
				"%d (%s); it runs on the megakernel instead (said once)\n", devid,
				err.message);
	}
	starpu_vir0_opencl_interpret(&run->code->code, devid, queue, groups, bindings, resident);
}

static struct starpu_vir0_variant_run resolve(starpu_vir0_program *program, uint32_t id,
					      int devid)
{
	struct starpu_vir0_variant_run run = { 0 };
	struct vir0_error err = { 0 };
	/* Not READY (can_execute keeps tasks away from that): interpreted. */
	if (starpu_vir0_variant_resolve(program, id, devid, &run, &err) && !run.code)
		starpu_vir0_task_abort("the OpenCL variant slot", &err);
	return run;
}

static uint64_t run_timed(starpu_vir0_program *program, uint32_t id, int devid,
			  cl_command_queue queue, const uint32_t groups[3],
			  const struct vir0_cl_binding *bindings)
{
	struct starpu_vir0_variant_run run = resolve(program, id, devid);
	uint64_t start = starpu_vir0_now_ns();
	enqueue(&run, devid, queue, groups, bindings, 0);
	finish(queue);
	return starpu_vir0_elapsed_ns(start);
}

/* Device copies of the task's read_write buffers, with their contents
 * before the run (outputs too: cheaper to copy than to tell apart, and
 * every executor zero-fills them anyway). 0 when the device has no room. */
static int make_scratch(starpu_vir0_program *program, uint32_t nhandles, int devid,
			cl_command_queue queue, const struct vir0_cl_binding *real,
			struct vir0_cl_binding *scratch)
{
	cl_context context;
	starpu_opencl_get_context(devid, &context);
	uint32_t n = program->program->nbuffers;
	memcpy(scratch, real, n * sizeof(*scratch));
	int ok = 1;
	for (uint32_t k = 0; k < nhandles; k++) {
		uint32_t i = program->bound[k];
		if (program->program->buffers[i].access != VIR0_ACCESS_READ_WRITE)
			continue;
		cl_int code;
		scratch[i] = (struct vir0_cl_binding){ NULL, 0, real[i].size };
		if (ok)
			scratch[i].mem = clCreateBuffer(context, CL_MEM_READ_WRITE,
							real[i].size ? real[i].size : 1, NULL, &code);
		if (!scratch[i].mem || (real[i].size &&
		     clEnqueueCopyBuffer(queue, real[i].mem, scratch[i].mem, real[i].offset, 0,
					 real[i].size, 0, NULL, NULL) != CL_SUCCESS))
			ok = 0;
	}
	return ok;
}

static void free_scratch(starpu_vir0_program *program, uint32_t nhandles,
			 const struct vir0_cl_binding *scratch)
{
	for (uint32_t k = 0; k < nhandles; k++) {
		uint32_t i = program->bound[k];
		if (program->program->buffers[i].access == VIR0_ACCESS_READ_WRITE &&
		    scratch[i].mem)
			clReleaseMemObject(scratch[i].mem);
	}
}

static void *read_back(cl_command_queue queue, const struct vir0_cl_binding *b, uint32_t decl)
{
	struct vir0_error err = { 0 };
	void *host = starpu_vir0_cl_read_back(queue, b, decl, &err);
	if (!host)
		starpu_vir0_task_abort("the OpenCL variant slot's pair check", &err);
	return host;
}

static void compare(starpu_vir0_program *program, uint32_t nhandles, cl_command_queue queue,
		    const struct vir0_cl_binding *real, const struct vir0_cl_binding *scratch,
		    struct starpu_vir0_sample *sample)
{
	void **a = calloc(nhandles + 1, sizeof(void *)), **b = calloc(nhandles + 1, sizeof(void *));
	size_t *sizes = calloc(nhandles + 1, sizeof(size_t));
	if (!a || !b || !sizes)
		starpu_vir0_task_abort("the OpenCL variant slot",
				       &(struct vir0_error){ .code = VIR0_ENOMEM,
							     .message = "out of memory" });
	for (uint32_t k = 0; k < nhandles; k++) {
		uint32_t i = program->bound[k];
		sizes[k] = real[i].size;
		if (program->program->buffers[i].access != VIR0_ACCESS_READ_WRITE)
			continue;
		a[k] = read_back(queue, &real[i], i);
		b[k] = read_back(queue, &scratch[i], i);
	}
	starpu_vir0_pair_compare(program, nhandles, a, b, sizes, sample);
	for (uint32_t k = 0; k < nhandles; k++) {
		free(a[k]);
		free(b[k]);
	}
	free(sizes);
	free(b);
	free(a);
}

/* 0 when there was no room for the copies: then only the baseline ran. */
static int run_pair(starpu_vir0_program *program, const struct starpu_vir0_task_args *args,
		    int devid, cl_command_queue queue, const struct vir0_cl_binding *real,
		    struct starpu_vir0_sample *sample)
{
	const uint32_t *groups = args->shape.groups;
	struct vir0_cl_binding *scratch = calloc(program->program->nbuffers + 1, sizeof(*scratch));
	finish(queue);
	int ok = scratch && make_scratch(program, args->nhandles, devid, queue, real, scratch);
	if (ok) {
		finish(queue);
		sample->candidate_first = starpu_vir0_variant_pair_number(program) & 1;
		if (sample->candidate_first)
			sample->candidate_ns = run_timed(program, sample->plan.candidate, devid,
							 queue, groups, scratch);
		sample->baseline_ns = run_timed(program, sample->plan.baseline, devid, queue,
						groups, real);
		if (!sample->candidate_first)
			sample->candidate_ns = run_timed(program, sample->plan.candidate, devid,
							 queue, groups, scratch);
		compare(program, args->nhandles, queue, real, scratch, sample);
	} else {
		if (!atomic_exchange(&warned_scratch, 1))
			fprintf(stderr, "starpu_vir0: no room on OpenCL device %d for a pair's "
				"copies; such tasks run the baseline alone (said once)\n", devid);
		struct starpu_vir0_variant_run run = resolve(program, sample->plan.baseline, devid);
		enqueue(&run, devid, queue, groups, real, 0);
	}
	if (scratch) {
		finish(queue);
		free_scratch(program, args->nhandles, scratch);
	}
	free(scratch);
	return ok;
}

void starpu_vir0_opencl_run_variant(void *buffers[], void *cl_arg)
{
	struct starpu_vir0_task_args *args = cl_arg;
	starpu_vir0_program *program = atomic_load(&args->program);
	int devid = starpu_worker_get_devid(starpu_worker_get_id_check());
	cl_command_queue queue;
	starpu_opencl_get_current_queue(&queue);
	struct starpu_vir0_sample sample = {
		.shape = args->shape,
		.arch = STARPU_OPENCL_WORKER,
		.workerid = starpu_worker_get_id(),
		.plan = args->plan_opencl,
	};
	struct starpu_vir0_cl_bindings bindings;
	starpu_vir0_cl_bindings(&bindings, program, args->nhandles, buffers);
	int timed = 0;
	if (sample.plan.mode == STARPU_VIR0_PLAN_PAIR) {
		timed = run_pair(program, args, devid, queue, bindings.at, &sample);
	} else {
		uint32_t id = sample.plan.mode == STARPU_VIR0_PLAN_CANDIDATE ? sample.plan.candidate
									      : sample.plan.baseline;
		struct starpu_vir0_variant_run run = resolve(program, id, devid);
		enqueue(&run, devid, queue, args->shape.groups, bindings.at,
			starpu_vir0_task_data_in_arena(starpu_task_get_current(),
							      args->nhandles));
	}
	starpu_vir0_room_free(bindings.at, bindings.room);
	starpu_vir0_program_release(starpu_vir0_task_args_take(args));
	if (timed)
		starpu_vir0_sample_report(&sample);
}
