/* starpu_vir0_variant_cpu.c - the variant slot on a CPU worker
 * (codelet.cpu_funcs[1]): the plan's baseline or candidate alone on the
 * task's buffers, or both as a pair: copies of every read_write buffer
 * taken before either side runs (inputs are only read, so both sides
 * share them), the baseline into the real buffers, the candidate into the
 * copies, in alternating order, each timed, then the copies compared with
 * the real buffers bit for bit. Every run is reported to the sample hook. */
#include "starpu_vir0_variant_code.h"

#include <stdlib.h>
#include <string.h>

static void *xmalloc(size_t size)
{
	void *p = malloc(size + 1);
	if (!p)
		starpu_vir0_task_abort("the CPU variant slot",
				       &(struct vir0_error){ .code = VIR0_ENOMEM,
							     .message = "out of memory" });
	return p;
}

static struct starpu_vir0_variant_run resolve(starpu_vir0_program *program, uint32_t id)
{
	struct starpu_vir0_variant_run run;
	struct vir0_error err = { 0 };
	if (starpu_vir0_variant_resolve(program, id, -1, &run, &err))
		starpu_vir0_task_abort("the CPU variant slot", &err);
	return run;
}

static uint64_t run_timed(starpu_vir0_program *program, uint32_t id, const uint32_t groups[3],
			  struct vir0_binding *bindings)
{
	struct starpu_vir0_variant_run run = resolve(program, id);
	return starpu_vir0_run_host_timed(&run.code->code, groups, bindings,
					  "the CPU interpreter on a variant");
}

static void run_pair(starpu_vir0_program *program, const struct starpu_vir0_task_args *args,
		     struct vir0_binding *real, struct starpu_vir0_sample *sample)
{
	uint32_t n = program->program->nbuffers, nhandles = args->nhandles;
	struct vir0_binding *scratch = xmalloc((n + 1) * sizeof(*scratch));
	void **real_data = xmalloc((nhandles + 1) * sizeof(void *));
	void **scratch_data = xmalloc((nhandles + 1) * sizeof(void *));
	size_t *sizes = xmalloc((nhandles + 1) * sizeof(size_t));
	memcpy(scratch, real, n * sizeof(*scratch));
	for (uint32_t k = 0; k < nhandles; k++) {
		uint32_t i = program->bound[k];
		real_data[k] = scratch_data[k] = NULL;
		sizes[k] = real[i].size;
		if (program->program->buffers[i].access != VIR0_ACCESS_READ_WRITE)
			continue;
		scratch[i].data = xmalloc(real[i].size);
		memcpy(scratch[i].data, real[i].data, real[i].size);
		real_data[k] = real[i].data;
		scratch_data[k] = scratch[i].data;
	}
	sample->candidate_first = starpu_vir0_variant_pair_number(program) & 1;
	if (sample->candidate_first)
		sample->candidate_ns = run_timed(program, sample->plan.candidate,
						 args->shape.groups, scratch);
	sample->baseline_ns = run_timed(program, sample->plan.baseline, args->shape.groups, real);
	if (!sample->candidate_first)
		sample->candidate_ns = run_timed(program, sample->plan.candidate,
						 args->shape.groups, scratch);
	starpu_vir0_pair_compare(program, nhandles, real_data, scratch_data, sizes, sample);
	for (uint32_t k = 0; k < nhandles; k++)
		free(scratch_data[k]);
	free(sizes);
	free(scratch_data);
	free(real_data);
	free(scratch);
}

void starpu_vir0_cpu_run_variant(void *buffers[], void *cl_arg)
{
	struct starpu_vir0_task_args *args = cl_arg;
	starpu_vir0_program *program = atomic_load(&args->program);
	struct starpu_vir0_sample sample = {
		.shape = args->shape,
		.arch = STARPU_CPU_WORKER,
		.workerid = starpu_worker_get_id(),
		.plan = args->plan_cpu,
	};
	struct starpu_vir0_host_bindings bindings;
	starpu_vir0_host_bindings(&bindings, program, args->nhandles, buffers);
	switch (sample.plan.mode) {
	case STARPU_VIR0_PLAN_PAIR:
		run_pair(program, args, bindings.at, &sample);
		break;
	case STARPU_VIR0_PLAN_CANDIDATE:
		sample.candidate_ns = run_timed(program, sample.plan.candidate,
						args->shape.groups, bindings.at);
		break;
	default:
		sample.baseline_ns = run_timed(program, sample.plan.baseline,
					       args->shape.groups, bindings.at);
		break;
	}
	starpu_vir0_room_free(bindings.at, bindings.room);
	starpu_vir0_program_release(starpu_vir0_task_args_take(args));
	starpu_vir0_sample_report(&sample);
}
