/* starpu_vir0_variant.c - the variants of a program: made once, on the
 * first question about them (every rewrite of vir0/rewrite's registry
 * that applies, lowered and verified; variants tests add), kept in the
 * program; the ladder per arch, ids and names, readiness per worker
 * (starting JIT compiles in the background), and resolving an id for a
 * run. */
#include "starpu_vir0_variant_code.h"
#include "starpu_vir0_devices.h"

#include "error.h"
#include "rewrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REWRITE_MASK 0xffu

const char *starpu_vir0_variant_name(uint32_t id, char text[32])
{
	const struct vir0_rewrite *rewrite = vir0_rewrite_by_id((uint16_t)(id & REWRITE_MASK));
	const char *executor = id & STARPU_VIR0_VARIANT_JIT ? "jit" : "interp";
	if (id >= STARPU_VIR0_VARIANT_TEST && id < STARPU_VIR0_VARIANT_TEST + 0x100)
		snprintf(text, 32, "test%u", id - STARPU_VIR0_VARIANT_TEST);
	else if (id & ~(STARPU_VIR0_VARIANT_JIT | REWRITE_MASK))
		snprintf(text, 32, "unknown");
	else if ((id & REWRITE_MASK) == 0)
		snprintf(text, 32, "%s", executor);
	else if (rewrite)
		snprintf(text, 32, "%s+%s", executor, rewrite->name);
	else
		snprintf(text, 32, "unknown");
	return text;
}

void starpu_vir0_variants_free(struct starpu_vir0_variants *variants)
{
	if (!variants)
		return;
	for (unsigned i = 0; i < atomic_load(&variants->count); i++) {
		struct starpu_vir0_variant_code *c = &variants->codes[i];
		vir0_bytecode_free(c->owned_bc);
		vir0_program_free(c->owned_program);
		starpu_vir0_program_release(c->test_ref);
	}
	free(variants);
}

/* Same buffers, bound the same way: a variant runs on the original's
 * bindings. */
static int same_declarations(const vir0_program *a, const vir0_program *b)
{
	if (a->nbuffers != b->nbuffers)
		return 0;
	for (uint32_t i = 0; i < a->nbuffers; i++) {
		const struct vir0_buffer *x = &a->buffers[i], *y = &b->buffers[i];
		if (x->access != y->access || x->is_output != y->is_output ||
		    x->count != y->count || x->element.kind != y->element.kind ||
		    vir0_type_size(&x->element) != vir0_type_size(&y->element))
			return 0;
	}
	return 1;
}

/* Append one rewrite's variant when it applies. A rewrite that fails
 * (a bug in it, or out of memory) is left out of the ladder and said once
 * per program: speculation is optional, the original still runs. */
static void add_rewrite(starpu_vir0_program *p, struct starpu_vir0_variants *v,
			const struct vir0_rewrite *rewrite)
{
	struct starpu_vir0_variant_code *c = &v->codes[atomic_load(&v->count)];
	struct vir0_error err = { 0 };
	int status = vir0_rewrite_apply(rewrite, p->program, &c->owned_program, &err);
	if (status == VIR0_REWRITE_NOT_APPLICABLE)
		return;
	if (status == VIR0_OK && !same_declarations(p->program, c->owned_program))
		status = vir0_error_at(&err, VIR0_EINVALID, 0, "it changed the buffer "
				       "declarations");
	if (status == VIR0_OK)
		status = vir0_lower(c->owned_program, &c->owned_bc, &err);
	if (status == VIR0_OK)
		status = vir0_bytecode_verify(c->owned_bc, &err);
	if (status) {
		fprintf(stderr, "starpu_vir0: variant %s of program %s left out: %s\n",
			rewrite->name, p->task_name, err.message);
		vir0_bytecode_free(c->owned_bc);
		vir0_program_free(c->owned_program);
		memset(c, 0, sizeof(*c));
		return;
	}
	c->id = rewrite->id;
	c->jit_allowed = 1;
	c->code = (struct starpu_vir0_code){ c->owned_program, c->owned_bc, c->cl };
	atomic_fetch_add_explicit(&v->count, 1, memory_order_release);
}

/* The program's variants, made on the first call. NULL when out of
 * memory (no variants: the original still runs). */
static struct starpu_vir0_variants *variants_of(starpu_vir0_program *p)
{
	pthread_mutex_lock(&p->variants_lock);
	struct starpu_vir0_variants *v = p->variants;
	if (!v && (v = calloc(1, sizeof(*v)))) {
		v->codes[0] = (struct starpu_vir0_variant_code){
			.id = STARPU_VIR0_VARIANT_ORIGINAL,
			.jit_allowed = 1,
			.code = starpu_vir0_program_code(p),
		};
		atomic_init(&v->count, 1);
		size_t n;
		const struct vir0_rewrite *rewrites = vir0_rewrites(&n);
		for (size_t i = 0; i < n && atomic_load(&v->count) < STARPU_VIR0_MAX_CODES -
						STARPU_VIR0_MAX_TEST_VARIANTS; i++)
			add_rewrite(p, v, &rewrites[i]);
		p->variants = v;
	}
	pthread_mutex_unlock(&p->variants_lock);
	return v;
}

int starpu_vir0_variant_add_for_tests(starpu_vir0_program *program,
				      starpu_vir0_program *variant, uint32_t *id,
				      struct vir0_error *err)
{
	if (!program || !variant || !id)
		return vir0_error_at(err, VIR0_EARG, 0, "program, variant and id must not be NULL");
	if (!same_declarations(program->program, variant->program))
		return vir0_error_at(err, VIR0_EARG, 0, "the variant's buffer declarations differ "
				     "from the program's: a variant runs on the program's bindings");
	struct starpu_vir0_variants *v = variants_of(program);
	if (!v)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the variants");
	pthread_mutex_lock(&program->variants_lock);
	int status = VIR0_OK;
	if (v->ntests == STARPU_VIR0_MAX_TEST_VARIANTS) {
		status = vir0_error_at(err, VIR0_ELIMIT, 0, "a program takes at most %u test "
				       "variants", STARPU_VIR0_MAX_TEST_VARIANTS);
	} else {
		struct starpu_vir0_variant_code *c = &v->codes[atomic_load(&v->count)];
		starpu_vir0_program_retain(variant);
		*c = (struct starpu_vir0_variant_code){
			.id = STARPU_VIR0_VARIANT_TEST + ++v->ntests,
			.test_ref = variant,
			.code = starpu_vir0_program_code(variant),
		};
		*id = c->id;
		atomic_fetch_add_explicit(&v->count, 1, memory_order_release);
	}
	pthread_mutex_unlock(&program->variants_lock);
	return status;
}

/* The code behind `id` on `arch`, NULL when the id is not in the ladder
 * there. */
static struct starpu_vir0_variant_code *code_of(struct starpu_vir0_variants *v, uint32_t id,
						enum starpu_worker_archtype arch)
{
	int jit = (id & STARPU_VIR0_VARIANT_JIT) != 0;
	if (jit && (arch != STARPU_OPENCL_WORKER || (id & ~(STARPU_VIR0_VARIANT_JIT | REWRITE_MASK))))
		return NULL;
	if (arch != STARPU_CPU_WORKER && arch != STARPU_OPENCL_WORKER)
		return NULL;
	uint32_t interp = jit ? id & REWRITE_MASK : id;
	unsigned count = atomic_load_explicit(&v->count, memory_order_acquire);
	for (unsigned i = 0; i < count; i++)
		if (v->codes[i].id == interp && (!jit || v->codes[i].jit_allowed))
			return &v->codes[i];
	return NULL;
}

/* The ladder's order: the original, tests' variants, rewrites, then
 * their JIT kernels on OpenCL. */
static unsigned ladder(struct starpu_vir0_variants *v, enum starpu_worker_archtype arch,
		       uint32_t *ids, unsigned max)
{
	unsigned count = atomic_load_explicit(&v->count, memory_order_acquire), n = 0;
	for (int pass = 0; pass < 4; pass++)
		for (unsigned i = 0; i < count; i++) {
			const struct starpu_vir0_variant_code *c = &v->codes[i];
			int original = c->id == STARPU_VIR0_VARIANT_ORIGINAL;
			int test = c->id >= STARPU_VIR0_VARIANT_TEST;
			uint32_t id = c->id;
			if (pass == 0 && !original)
				continue;
			if (pass == 1 && !test)
				continue;
			if (pass == 2 && (original || test))
				continue;
			if (pass == 3) {
				if (arch != STARPU_OPENCL_WORKER || !c->jit_allowed)
					continue;
				id |= STARPU_VIR0_VARIANT_JIT;
			}
			if (n < max)
				ids[n] = id;
			n++;
		}
	return n;
}

/* The program of an unrun VIR0 task and its variants. */
static struct starpu_vir0_variants *task_variants(const struct starpu_task *task,
						  starpu_vir0_program **program)
{
	struct starpu_vir0_task_args *args = starpu_vir0_task_args(task);
	*program = args ? atomic_load(&args->program) : NULL;
	return *program ? variants_of(*program) : NULL;
}

int starpu_vir0_task_ladder(const struct starpu_task *task, enum starpu_worker_archtype arch,
			    uint32_t *ids, unsigned max)
{
	starpu_vir0_program *program;
	struct starpu_vir0_variants *v = task_variants(task, &program);
	if (!v || (arch != STARPU_CPU_WORKER && arch != STARPU_OPENCL_WORKER) || (max && !ids))
		return VIR0_EARG;
	return (int)ladder(v, arch, ids, max);
}

/* The JIT kernel of `c` on `devid`, requested on first use per device's
 * JIT (lock held). NULL when the JIT or the request failed: FAILED. */
static struct vir0_cl_jit_kernel *jit_kernel(struct starpu_vir0_variant_code *c, int devid)
{
	uint64_t generation = 0;
	struct vir0_error err = { 0 };
	struct vir0_cl_jit *jit = starpu_vir0_jit_get(devid, &generation, &err);
	if (!jit)
		return NULL;
	if (c->jit[devid].kernel && c->jit[devid].generation == generation)
		return c->jit[devid].kernel;
	struct vir0_cl_jit_kernel *kernel = NULL;
	if (vir0_cl_jit_request(jit, c->code.program, &kernel, &err)) {
		fprintf(stderr, "starpu_vir0: no JIT kernel for a variant on OpenCL device %d: "
			"%s\n", devid, err.message);
		return NULL;
	}
	c->jit[devid].kernel = kernel;
	c->jit[devid].generation = generation;
	return kernel;
}

/* Where an interpreted variant runs on an OpenCL device: the megakernel,
 * built in the background from the first program load. */
static int interpreter_state(int devid)
{
	switch (starpu_vir0_devices_state(devid)) {
	case STARPU_VIR0_DEVICE_READY: return STARPU_VIR0_VARIANT_READY;
	case STARPU_VIR0_DEVICE_FAILED: return STARPU_VIR0_VARIANT_FAILED;
	default:
		starpu_vir0_devices_start();
		return STARPU_VIR0_VARIANT_PENDING;
	}
}

static int state_of(starpu_vir0_program *program, struct starpu_vir0_variants *v,
		    unsigned workerid, uint32_t id, uint64_t *compile_ns)
{
	if (compile_ns)
		*compile_ns = 0;
	enum starpu_worker_archtype arch = starpu_worker_get_type((int)workerid);
	struct starpu_vir0_variant_code *c = code_of(v, id, arch);
	if (!c)
		return VIR0_EARG;
	if (arch == STARPU_CPU_WORKER)
		return STARPU_VIR0_VARIANT_READY;
	int devid = starpu_worker_get_devid((int)workerid);
	if (devid < 0 || devid >= STARPU_MAXOPENCLDEVS)
		return STARPU_VIR0_VARIANT_FAILED;
	if (!(id & STARPU_VIR0_VARIANT_JIT))
		return interpreter_state(devid);
	pthread_mutex_lock(&program->variants_lock);
	struct vir0_cl_jit_kernel *kernel = jit_kernel(c, devid);
	pthread_mutex_unlock(&program->variants_lock);
	if (!kernel)
		return STARPU_VIR0_VARIANT_FAILED;
	switch (vir0_cl_jit_poll(kernel)) {
	case VIR0_CL_JIT_READY:
		if (compile_ns)
			*compile_ns = vir0_cl_jit_compile_ns(kernel);
		return STARPU_VIR0_VARIANT_READY;
	case VIR0_CL_JIT_FAILED: return STARPU_VIR0_VARIANT_FAILED;
	default: return STARPU_VIR0_VARIANT_PENDING;
	}
}

int starpu_vir0_task_variant_state(const struct starpu_task *task, unsigned workerid,
				   uint32_t id, uint64_t *compile_ns)
{
	starpu_vir0_program *program;
	struct starpu_vir0_variants *v = task_variants(task, &program);
	if (!v)
		return VIR0_EARG;
	return state_of(program, v, workerid, id, compile_ns);
}

/* The variants a plan runs: one, or two for a pair. */
static unsigned plan_variants(const struct starpu_vir0_plan *plan, uint32_t ids[2])
{
	ids[0] = plan->mode == STARPU_VIR0_PLAN_CANDIDATE ? plan->candidate : plan->baseline;
	ids[1] = plan->candidate;
	return plan->mode == STARPU_VIR0_PLAN_PAIR ? 2 : 1;
}

int starpu_vir0_variant_plan_state(starpu_vir0_program *program, unsigned workerid,
				   const struct starpu_vir0_plan *plan)
{
	struct starpu_vir0_variants *v = program ? variants_of(program) : NULL;
	if (!v || !plan)
		return VIR0_EARG;
	uint32_t ids[2];
	unsigned n = plan_variants(plan, ids);
	int ready = 1;
	for (unsigned i = 0; i < n; i++) {
		int state = state_of(program, v, workerid, ids[i], NULL);
		if (state < 0)
			return state;
		ready &= state == STARPU_VIR0_VARIANT_READY;
	}
	return ready;
}

int starpu_vir0_variant_check_plan(starpu_vir0_program *program,
				   enum starpu_worker_archtype arch,
				   const struct starpu_vir0_plan *plan, struct vir0_error *err)
{
	struct starpu_vir0_variants *v = program ? variants_of(program) : NULL;
	if (!v)
		return vir0_error_at(err, VIR0_EARG, 0, "not a VIR0 task that has yet to run");
	if (plan->mode != STARPU_VIR0_PLAN_BASELINE && plan->mode != STARPU_VIR0_PLAN_CANDIDATE &&
	    plan->mode != STARPU_VIR0_PLAN_PAIR)
		return vir0_error_at(err, VIR0_EARG, 0, "plan mode %d is none of BASELINE, "
				     "CANDIDATE, PAIR", (int)plan->mode);
	uint32_t ids[2];
	unsigned n = plan_variants(plan, ids);
	for (unsigned i = 0; i < n; i++)
		if (!code_of(v, ids[i], arch)) {
			char name[32];
			return vir0_error_at(err, VIR0_EARG, 0, "variant %#x (%s) is not in the "
					     "program's ladder for arch %d "
					     "(starpu_vir0_task_ladder lists it)", ids[i],
					     starpu_vir0_variant_name(ids[i], name), (int)arch);
		}
	return VIR0_OK;
}

int starpu_vir0_variant_resolve(starpu_vir0_program *program, uint32_t id, int devid,
				struct starpu_vir0_variant_run *out, struct vir0_error *err)
{
	struct starpu_vir0_variants *v = variants_of(program);
	enum starpu_worker_archtype arch = devid < 0 ? STARPU_CPU_WORKER : STARPU_OPENCL_WORKER;
	struct starpu_vir0_variant_code *c = v ? code_of(v, id, arch) : NULL;
	if (!c)
		return vir0_error_at(err, VIR0_EARG, 0, "variant %#x is not in the ladder", id);
	*out = (struct starpu_vir0_variant_run){ .id = id, .code = c };
	if (!(id & STARPU_VIR0_VARIANT_JIT))
		return VIR0_OK;
	pthread_mutex_lock(&program->variants_lock);
	out->kernel = jit_kernel(c, devid);
	pthread_mutex_unlock(&program->variants_lock);
	if (!out->kernel || vir0_cl_jit_poll(out->kernel) != VIR0_CL_JIT_READY) {
		out->kernel = NULL;
		return vir0_error_at(err, VIR0_EIO, 0, "the JIT kernel of variant %#x is not "
				     "ready on OpenCL device %d", id, devid);
	}
	return VIR0_OK;
}

uint32_t starpu_vir0_variant_pair_number(starpu_vir0_program *program)
{
	struct starpu_vir0_variants *v = variants_of(program);
	return v ? atomic_fetch_add(&v->pairs, 1) : 0;
}
