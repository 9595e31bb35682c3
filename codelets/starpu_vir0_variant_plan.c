/* starpu_vir0_variant_plan.c - a task's run plan per arch (what the
 * variant slot runs), the readiness of a plan, the sample hook, and the
 * bit-for-bit comparison of a pair's written buffers. */
#include "starpu_vir0_variant_code.h"

#include "error.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

const struct starpu_vir0_plan *starpu_vir0_args_plan(const struct starpu_vir0_task_args *args,
						      enum starpu_worker_archtype arch)
{
	switch (arch) {
	case STARPU_CPU_WORKER: return &args->plan_cpu;
	case STARPU_OPENCL_WORKER: return &args->plan_opencl;
	default: return NULL;
	}
}

int starpu_vir0_plan_is_original(const struct starpu_vir0_plan *plan)
{
	switch (plan->mode) {
	case STARPU_VIR0_PLAN_BASELINE: return plan->baseline == STARPU_VIR0_VARIANT_ORIGINAL;
	case STARPU_VIR0_PLAN_CANDIDATE: return plan->candidate == STARPU_VIR0_VARIANT_ORIGINAL;
	default: return 0;
	}
}

int starpu_vir0_task_set_plan(struct starpu_task *task, enum starpu_worker_archtype arch,
			      const struct starpu_vir0_plan *plan, struct vir0_error *err)
{
	struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	if (!args || !plan)
		return vir0_error_at(err, VIR0_EARG, 0, "not a VIR0 task, or no plan");
	struct starpu_vir0_plan *mine = (struct starpu_vir0_plan *)starpu_vir0_args_plan(args, arch);
	if (!mine)
		return vir0_error_at(err, VIR0_EARG, 0, "VIR0 tasks run on CPU and OpenCL workers, "
				     "not arch %d", (int)arch);
	int status = starpu_vir0_variant_check_plan(atomic_load(&args->program), arch, plan, err);
	if (status)
		return status;
	*mine = *plan;
	starpu_vir0_task_fix_implementation(task, arch, starpu_vir0_plan_is_original(plan)
					    ? STARPU_VIR0_IMPL_INTERPRETER
					    : STARPU_VIR0_IMPL_VARIANT);
	return VIR0_OK;
}

int starpu_vir0_task_get_plan(const struct starpu_task *task, enum starpu_worker_archtype arch,
			      struct starpu_vir0_plan *plan)
{
	const struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	const struct starpu_vir0_plan *mine = args ? starpu_vir0_args_plan(args, arch) : NULL;
	if (!mine || !plan)
		return VIR0_EARG;
	*plan = *mine;
	return VIR0_OK;
}

int starpu_vir0_task_plan_ready(const struct starpu_task *task, unsigned workerid,
				const struct starpu_vir0_plan *plan)
{
	struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	if (!args)
		return VIR0_EARG;
	return starpu_vir0_variant_plan_state(atomic_load(&args->program), workerid, plan);
}

int starpu_vir0_args_plan_ready(struct starpu_vir0_task_args *args, unsigned workerid)
{
	const struct starpu_vir0_plan *plan =
		starpu_vir0_args_plan(args, starpu_worker_get_type((int)workerid));
	/* A task asked about after its run has given up its program. */
	starpu_vir0_program *program = atomic_load(&args->program);
	if (!plan || !program)
		return 0;
	return starpu_vir0_variant_plan_state(program, workerid, plan);
}

/* ---- samples -------------------------------------------------------------- */

static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static starpu_vir0_sample_hook hook;
static void *hook_user;
static atomic_int hooked;

void starpu_vir0_set_sample_hook(starpu_vir0_sample_hook new_hook, void *user)
{
	pthread_mutex_lock(&hook_lock);
	hook = new_hook;
	hook_user = user;
	atomic_store(&hooked, new_hook != NULL);
	pthread_mutex_unlock(&hook_lock);
}

int starpu_vir0_sample_hooked(void)
{
	return atomic_load_explicit(&hooked, memory_order_relaxed);
}

void starpu_vir0_sample_report(const struct starpu_vir0_sample *sample)
{
	pthread_mutex_lock(&hook_lock);
	starpu_vir0_sample_hook h = hook;
	void *user = hook_user;
	pthread_mutex_unlock(&hook_lock);
	if (h)
		h(sample, user);
}

uint64_t starpu_vir0_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ---- the pair check --------------------------------------------------------- */

static uint64_t element_bits(const uint8_t *bytes, size_t size)
{
	uint64_t bits = 0;
	for (size_t i = 0; i < size && i < sizeof(bits); i++)
		bits |= (uint64_t)bytes[i] << (8 * i);
	return bits;
}

void starpu_vir0_pair_compare(const starpu_vir0_program *program, uint32_t nhandles,
			      void *const *real, void *const *scratch, const size_t *sizes,
			      struct starpu_vir0_sample *sample)
{
	for (uint32_t k = 0; k < nhandles; k++) {
		if (!real[k] || !memcmp(real[k], scratch[k], sizes[k]))
			continue;
		const struct vir0_buffer *decl = &program->program->buffers[program->bound[k]];
		size_t element = vir0_type_size(&decl->element);
		const uint8_t *a = real[k], *b = scratch[k];
		size_t at = 0;
		while (a[at] == b[at])
			at++;
		at -= at % element;
		sample->mismatch = 1;
		sample->mismatch_handle = k;
		sample->mismatch_element = at / element;
		sample->baseline_bits = element_bits(a + at, element);
		sample->candidate_bits = element_bits(b + at, element);
		return;
	}
}
