/* test_starpu_variants.c - speculative variants of VIR0 tasks on real
 * StarPU workers (one CPU worker, PoCL's OpenCL worker): the ladder of
 * example programs per arch against the rewrite registry; every variant
 * run as the candidate, on each arch, on whole and on partitioned vectors
 * (non-zero byte offsets on OpenCL), bit for bit against
 * vir0_run_reference; pairs: real buffers identical to the reference, two
 * positive durations, no mismatch, the order alternating; OpenCL pairs
 * among other tasks, of a program whose registers stay in private memory
 * and of one whose do not; a deliberately
 * wrong variant caught by the pair check while the real results stay
 * right; a JIT variant refused by can_execute until its compile is done,
 * then run; plans, implementation indices, footprints and the
 * interpreter's samples. */
#include "fixture_starpu.h"
#include "fixtures.h"
#include "starpu_vir0.h"
#include "starpu_vir0_codelet.h"
#include "starpu_vir0_variant.h"

#include "rewrite.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LADDER 32

static starpu_vir0_program *load_text(const char *text)
{
	starpu_vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_program_load(text, strlen(text), &p, &err) == VIR0_OK, "%s",
		      err.message);
	return p;
}

static starpu_vir0_program *load_example(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/examples/%s.vir0s", VIR0_TOP_SRCDIR, name);
	starpu_vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_program_load_file(path, &p, &err) == VIR0_OK, "%s: %s", path,
		      err.message);
	return p;
}

static enum starpu_data_access_mode mode_of(const struct vir0_buffer *b)
{
	if (b->access != VIR0_ACCESS_READ_WRITE)
		return STARPU_R;
	return b->is_output ? STARPU_W : STARPU_RW;
}

/* ---- samples ---------------------------------------------------------- */

#define MAX_SAMPLES 64
static struct starpu_vir0_sample samples[MAX_SAMPLES];
static int nsamples;
static pthread_mutex_t samples_lock = PTHREAD_MUTEX_INITIALIZER;

static void keep_sample(const struct starpu_vir0_sample *sample, void *user)
{
	ck_assert_ptr_eq(user, samples);
	pthread_mutex_lock(&samples_lock);
	if (nsamples < MAX_SAMPLES)
		samples[nsamples] = *sample;
	nsamples++;
	pthread_mutex_unlock(&samples_lock);
}

static void clear_samples(void)
{
	pthread_mutex_lock(&samples_lock);
	nsamples = 0;
	pthread_mutex_unlock(&samples_lock);
}

/* ---- tasks ------------------------------------------------------------ */

/* A filled, unsubmitted task on `handles` (one per non-Workgroup buffer). */
static struct starpu_task *make_task(starpu_vir0_program *program, const uint32_t groups[3],
				     const starpu_data_handle_t *handles)
{
	const vir0_program *p = starpu_vir0_program_get(program);
	enum starpu_data_access_mode modes[16];
	unsigned n = 0;
	for (uint32_t i = 0; i < p->nbuffers; i++)
		if (p->buffers[i].access != VIR0_ACCESS_WORKGROUP)
			modes[n++] = mode_of(&p->buffers[i]);
	struct starpu_task *task = starpu_task_create();
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_task_fill(task, program, groups, handles, modes, n, &err) ==
		      VIR0_OK, "%s", err.message);
	return task;
}

/* A task filled and never submitted keeps its program reference (no
 * destroy hook in StarPU 1.3): drop it before destroying the task. */
static void discard_task(struct starpu_task *task)
{
	starpu_vir0_program_release(starpu_vir0_task_args_take(starpu_vir0_task_args(task)));
	task->destroy = 0;
	starpu_task_destroy(task);
}

static void wait_ready(struct starpu_task *task, int worker, uint32_t id);

/* Run `task` on `worker`, the only worker of its arch here. Not pinned
 * with execute_on_a_specific_worker: StarPU 1.3 pushes a pinned task to
 * the worker directly, past the policy, and runs its implementation 0
 * whatever can_execute says; a task restricted to an arch (task->where)
 * goes through the scheduler, which picks the implementation can_execute
 * accepts. Once the worker runs the original: while the megakernel
 * builds, an OpenCL worker refuses VIR0 tasks a CPU worker could take,
 * and StarPU refuses a task restricted to OpenCL then (-ENODEV). */
static void submit_on(struct starpu_task *task, int worker)
{
	wait_ready(task, worker, STARPU_VIR0_VARIANT_ORIGINAL);
	task->where = starpu_worker_get_type(worker) == STARPU_CPU_WORKER ? STARPU_CPU
									 : STARPU_OPENCL;
	ck_assert_int_eq(starpu_task_submit(task), 0);
}

/* Plans are set where the policy sets them: after submit, when the task
 * is pushed (here its prologue callback, which StarPU runs when the task
 * becomes ready, before scheduling it). Set before submit, a plan on
 * implementation 1 makes StarPU 1.3 refuse the task (-ENODEV): its
 * submit-time check asks can_execute about implementation 0 only. */
struct plan_at_push {
	struct starpu_task *task;
	enum starpu_worker_archtype arch;
	struct starpu_vir0_plan plan;
};

static void set_plan_at_push(void *arg)
{
	struct plan_at_push *p = arg;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_task_set_plan(p->task, p->arch, &p->plan, &err) == VIR0_OK,
		      "%s", err.message);
}

/* Submit `task` on `worker` with `plan` once the plan's variants are
 * READY there (`push` must live until the task has run). */
static void submit_planned(struct starpu_task *task, int worker,
			   const struct starpu_vir0_plan *plan, struct plan_at_push *push)
{
	wait_ready(task, worker, plan->baseline);
	wait_ready(task, worker, plan->candidate);
	ck_assert_int_eq(starpu_vir0_task_plan_ready(task, (unsigned)worker, plan), 1);
	*push = (struct plan_at_push){ task, starpu_worker_get_type(worker), *plan };
	task->prologue_callback_func = set_plan_at_push;
	task->prologue_callback_arg = push;
	submit_on(task, worker);
}

/* Wait (without a deadline: Check's timeout is the bound) until variant
 * `id` is no longer PENDING on `worker`; it must then be READY. */
static void wait_ready(struct starpu_task *task, int worker, uint32_t id)
{
	int state;
	while ((state = starpu_vir0_task_variant_state(task, (unsigned)worker, id, NULL)) ==
	       STARPU_VIR0_VARIANT_PENDING)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	char name[32];
	ck_assert_msg(state == STARPU_VIR0_VARIANT_READY, "variant %s: state %d",
		      starpu_vir0_variant_name(id, name), state);
}

static unsigned ladder_of(struct starpu_task *task, enum starpu_worker_archtype arch,
			  uint32_t ids[MAX_LADDER])
{
	int n = starpu_vir0_task_ladder(task, arch, ids, MAX_LADDER);
	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, MAX_LADDER);
	return (unsigned)n;
}

static int in_ladder(const uint32_t *ids, unsigned n, uint32_t id)
{
	for (unsigned i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* ---- one example case, one plan, one worker ---------------------------- */

struct example_run {
	struct fixture_example_case c;
	starpu_vir0_program *program;
	struct vir0_binding *ref;
};

static void example_open(int i, struct example_run *r)
{
	fixture_example_case_open(i, &r->c);
	const vir0_program *p = r->c.program;
	r->ref = fixture_bindings_copy(r->c.inputs, p->nbuffers);
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_run_reference(p, r->c.groups, r->ref, p->nbuffers, &err) == VIR0_OK,
		      "%s: %s", r->c.label, err.message);
	char name[64];
	ck_assert_int_eq(sscanf(r->c.label, "example %63s", name), 1);
	r->program = load_example(name);
}

static void example_close(struct example_run *r)
{
	starpu_vir0_program_release(r->program);
	fixture_bindings_free(r->ref, r->c.program->nbuffers);
	fixture_example_case_free(&r->c);
}

/* Run the case with `plan` on `worker`; the real buffers must equal the
 * reference's. */
static void example_run_plan(struct example_run *r, int worker,
			     const struct starpu_vir0_plan *plan)
{
	const vir0_program *p = r->c.program;
	struct vir0_binding *mine = fixture_bindings_copy(r->c.inputs, p->nbuffers);
	starpu_data_handle_t handles[16] = { 0 };
	unsigned n = 0;
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		if (p->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		size_t element = vir0_type_size(&p->buffers[i].element);
		starpu_vector_data_register(&handles[n++], STARPU_MAIN_RAM,
					    (uintptr_t)mine[i].data,
					    (uint32_t)(mine[i].size / element), element);
	}
	struct starpu_task *task = make_task(r->program, r->c.groups, handles);
	enum starpu_worker_archtype arch = starpu_worker_get_type(worker);
	struct plan_at_push push;
	submit_planned(task, worker, plan, &push);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	for (unsigned k = 0; k < n; k++)
		starpu_data_unregister(handles[k]);
	char why[256], name[32];
	ck_assert_msg(fixture_bindings_equal(p, mine, r->ref, why, sizeof(why)),
		      "%s, plan %d of %s on arch %d: %s", r->c.label, (int)plan->mode,
		      starpu_vir0_variant_name(plan->mode == STARPU_VIR0_PLAN_BASELINE
					       ? plan->baseline : plan->candidate, name),
		      (int)arch, why);
	fixture_bindings_free(mine, p->nbuffers);
}

/* The ladder of a case's program on the worker's arch, from a task. */
static unsigned example_ladder(struct example_run *r, enum starpu_worker_archtype arch,
			       uint32_t ids[MAX_LADDER])
{
	const vir0_program *p = r->c.program;
	starpu_data_handle_t handles[16] = { 0 };
	unsigned n = 0;
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		if (p->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		size_t element = vir0_type_size(&p->buffers[i].element);
		starpu_vector_data_register(&handles[n++], STARPU_MAIN_RAM,
					    (uintptr_t)r->c.inputs[i].data,
					    (uint32_t)(r->c.inputs[i].size / element), element);
	}
	struct starpu_task *task = make_task(r->program, r->c.groups, handles);
	unsigned count = ladder_of(task, arch, ids);
	discard_task(task);
	for (unsigned k = 0; k < n; k++)
		starpu_data_unregister(handles[k]);
	return count;
}

/* Whether a JIT id is one this run compiles: the original's and one
 * rewrite's per program (every JIT kernel is a compile of seconds on
 * PoCL; the JIT's own suite covers the emitter). */
static int jit_tested(const uint32_t *ids, unsigned n, uint32_t id)
{
	if (!(id & STARPU_VIR0_VARIANT_JIT))
		return 1;
	if (id == STARPU_VIR0_VARIANT_JIT)
		return 1;
	return id == ids[n - 1];  /* the last rewrite's kernel */
}

/* ---- the ladder ------------------------------------------------------- */

START_TEST(ladder_matches_the_registry)
{
	fixture_starpu_start(1, 1);
	int cpu = fixture_starpu_worker_of(STARPU_CPU_WORKER);
	for (int i = 0; i < fixture_example_case_count(); i++) {
		struct example_run r;
		example_open(i, &r);
		uint32_t cpu_ids[MAX_LADDER], cl_ids[MAX_LADDER];
		unsigned ncpu = example_ladder(&r, STARPU_CPU_WORKER, cpu_ids);
		unsigned ncl = example_ladder(&r, STARPU_OPENCL_WORKER, cl_ids);
		ck_assert_uint_eq(cpu_ids[0], STARPU_VIR0_VARIANT_ORIGINAL);
		/* A rewrite is in the ladder exactly when it applies. */
		size_t nrewrites;
		const struct vir0_rewrite *rewrites = vir0_rewrites(&nrewrites);
		unsigned applicable = 0;
		for (size_t k = 0; k < nrewrites; k++) {
			vir0_program *out = NULL;
			struct vir0_error err = { 0 };
			int status = vir0_rewrite_apply(&rewrites[k], r.c.program, &out, &err);
			ck_assert_msg(status == VIR0_OK || status == VIR0_REWRITE_NOT_APPLICABLE,
				      "%s: %s", r.c.label, err.message);
			vir0_program_free(out);
			applicable += status == VIR0_OK;
			ck_assert_int_eq(in_ladder(cpu_ids, ncpu, rewrites[k].id), status == VIR0_OK);
			ck_assert_int_eq(in_ladder(cl_ids, ncl, rewrites[k].id), status == VIR0_OK);
			ck_assert_int_eq(in_ladder(cl_ids, ncl, STARPU_VIR0_VARIANT_JIT |
						   rewrites[k].id), status == VIR0_OK);
		}
		/* CPU: the original and the rewrites, no JIT; OpenCL: each also
		 * as a JIT kernel, after every interpreted one. */
		ck_assert_uint_eq(ncpu, 1 + applicable);
		ck_assert_uint_eq(ncl, 2 * ncpu);
		for (unsigned k = 0; k < ncpu; k++) {
			ck_assert_uint_eq(cl_ids[k], cpu_ids[k]);
			ck_assert_uint_eq(cl_ids[ncpu + k], cpu_ids[k] | STARPU_VIR0_VARIANT_JIT);
		}
		example_close(&r);
	}
	/* Names, and ids a CPU worker has no use for. */
	char name[32];
	ck_assert_str_eq(starpu_vir0_variant_name(0, name), "interp");
	ck_assert_str_eq(starpu_vir0_variant_name(0x101, name), "jit+fold");
	ck_assert_str_eq(starpu_vir0_variant_name(5, name), "interp+coarsen4");
	ck_assert_str_eq(starpu_vir0_variant_name(STARPU_VIR0_VARIANT_TEST + 1, name), "test1");
	ck_assert_str_eq(starpu_vir0_variant_name(0x4000, name), "unknown");
	starpu_vir0_program *saxpy = load_example("saxpy");
	float v[4] = { 0 };
	starpu_data_handle_t h[3];
	starpu_vector_data_register(&h[0], STARPU_MAIN_RAM, (uintptr_t)v, 1, 4);
	starpu_vector_data_register(&h[1], STARPU_MAIN_RAM, (uintptr_t)v, 4, 4);
	starpu_vector_data_register(&h[2], STARPU_MAIN_RAM, (uintptr_t)v, 4, 4);
	struct starpu_task *task = make_task(saxpy, NULL, h);
	ck_assert_int_eq(starpu_vir0_task_variant_state(task, (unsigned)cpu, 0, NULL),
			 STARPU_VIR0_VARIANT_READY);
	ck_assert_int_eq(starpu_vir0_task_variant_state(task, (unsigned)cpu,
							STARPU_VIR0_VARIANT_JIT, NULL), VIR0_EARG);
	ck_assert_int_eq(starpu_vir0_task_variant_state(task, (unsigned)cpu, 0x77, NULL),
			 VIR0_EARG);
	ck_assert_int_eq(starpu_vir0_task_ladder(task, STARPU_CUDA_WORKER, NULL, 0), VIR0_EARG);
	discard_task(task);
	for (int k = 0; k < 3; k++)
		starpu_data_unregister(h[k]);
	starpu_vir0_program_release(saxpy);
	fixture_starpu_stop();
}
END_TEST

/* ---- every variant as the candidate --------------------------------------- */

static void candidates_on(enum starpu_worker_archtype arch)
{
	fixture_starpu_start(1, 1);
	int worker = fixture_starpu_worker_of(arch);
	for (int i = 0; i < fixture_example_case_count(); i++) {
		struct example_run r;
		example_open(i, &r);
		uint32_t ids[MAX_LADDER];
		unsigned n = example_ladder(&r, arch, ids);
		for (unsigned k = 0; k < n; k++)
			if (jit_tested(ids, n, ids[k]))
				example_run_plan(&r, worker, &(struct starpu_vir0_plan){
					0, ids[k], STARPU_VIR0_PLAN_CANDIDATE });
		example_close(&r);
	}
	fixture_starpu_stop();
}

START_TEST(candidates_cpu)
{
	candidates_on(STARPU_CPU_WORKER);
}
END_TEST

START_TEST(candidates_opencl)
{
	candidates_on(STARPU_OPENCL_WORKER);
}
END_TEST

/* saxpy over 4 blocks of partitioned x and y (after a whole-vector task
 * put them on the worker's memory node: non-zero byte offsets on OpenCL),
 * each block with a plan of its own; the reference runs the same steps. */
static void partitioned_with(int worker, const struct starpu_vir0_plan *plans)
{
	enum { N = FIXTURE_SAXPY_N, PARTS = FIXTURE_SAXPY_PARTS };
	struct fixture_saxpy s;
	starpu_vir0_program *program = load_example("saxpy");
	fixture_saxpy_init(&s, starpu_vir0_program_get(program));
	starpu_data_handle_t h[3];
	starpu_vector_data_register(&h[0], STARPU_MAIN_RAM, (uintptr_t)&s.alpha, 1, 4);
	starpu_vector_data_register(&h[1], STARPU_MAIN_RAM, (uintptr_t)s.x, N, 4);
	starpu_vector_data_register(&h[2], STARPU_MAIN_RAM, (uintptr_t)s.y, N, 4);
	submit_on(make_task(program, NULL, h), worker);
	struct starpu_data_filter f = { .filter_func = starpu_vector_filter_block,
					.nchildren = PARTS };
	starpu_data_partition(h[1], &f);
	starpu_data_partition(h[2], &f);
	struct plan_at_push push[PARTS];
	for (int part = 0; part < PARTS; part++) {
		starpu_data_handle_t block[3] = { h[0], starpu_data_get_sub_data(h[1], 1, part),
						  starpu_data_get_sub_data(h[2], 1, part) };
		struct starpu_task *task = make_task(program, NULL, block);
		submit_planned(task, worker, &plans[part], &push[part]);
	}
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	starpu_data_unpartition(h[1], STARPU_MAIN_RAM);
	starpu_data_unpartition(h[2], STARPU_MAIN_RAM);
	for (int k = 0; k < 3; k++)
		starpu_data_unregister(h[k]);
	starpu_vir0_program_release(program);
	fixture_saxpy_check(&s);
}

START_TEST(partitioned_variants)
{
	fixture_starpu_start(1, 1);
	starpu_vir0_set_sample_hook(keep_sample, samples);
	/* saxpy: coarsen2 (4) and coarsen4 (5) apply; fold and dce may not. */
	const struct starpu_vir0_plan cl_plans[4] = {
		{ 0, 4, STARPU_VIR0_PLAN_CANDIDATE },
		{ 0, STARPU_VIR0_VARIANT_JIT, STARPU_VIR0_PLAN_CANDIDATE },
		{ 0, STARPU_VIR0_VARIANT_JIT | 5, STARPU_VIR0_PLAN_PAIR },
		{ 5, 4, STARPU_VIR0_PLAN_PAIR },
	};
	const struct starpu_vir0_plan cpu_plans[4] = {
		{ 0, 4, STARPU_VIR0_PLAN_CANDIDATE },
		{ 5, 0, STARPU_VIR0_PLAN_BASELINE },
		{ 0, 5, STARPU_VIR0_PLAN_PAIR },
		{ 0, 0, STARPU_VIR0_PLAN_PAIR },
	};
	partitioned_with(fixture_starpu_worker_of(STARPU_OPENCL_WORKER), cl_plans);
	/* The two OpenCL pairs, checked. */
	ck_assert_int_eq(nsamples, 2);
	for (int s = 0; s < 2; s++)
		ck_assert(!samples[s].mismatch && samples[s].baseline_ns && samples[s].candidate_ns);
	partitioned_with(fixture_starpu_worker_of(STARPU_CPU_WORKER), cpu_plans);
	starpu_vir0_set_sample_hook(NULL, NULL);
	fixture_starpu_stop();
}
END_TEST

/* ---- pairs ------------------------------------------------------------- */

static void pairs_on(enum starpu_worker_archtype arch)
{
	fixture_starpu_start(1, 1);
	int worker = fixture_starpu_worker_of(arch);
	starpu_vir0_set_sample_hook(keep_sample, samples);
	for (int i = 0; i < fixture_example_case_count(); i++) {
		struct example_run r;
		example_open(i, &r);
		uint32_t ids[MAX_LADDER];
		unsigned n = example_ladder(&r, arch, ids);
		int firsts = 0, pairs = 0;
		for (unsigned k = 0; k < n; k++) {
			if (!jit_tested(ids, n, ids[k]))
				continue;
			struct starpu_vir0_plan plan = { 0, ids[k], STARPU_VIR0_PLAN_PAIR };
			clear_samples();
			example_run_plan(&r, worker, &plan);
			ck_assert_int_eq(nsamples, 1);
			const struct starpu_vir0_sample *s = &samples[0];
			char name[32];
			ck_assert_msg(!s->mismatch, "%s, %s: handle %u element %llu: %llx, "
				      "candidate %llx", r.c.label,
				      starpu_vir0_variant_name(ids[k], name), s->mismatch_handle,
				      (unsigned long long)s->mismatch_element,
				      (unsigned long long)s->baseline_bits,
				      (unsigned long long)s->candidate_bits);
			ck_assert(s->baseline_ns > 0 && s->candidate_ns > 0);
			ck_assert_int_eq(s->arch, arch);
			ck_assert_int_eq(s->workerid, worker);
			ck_assert_int_eq(s->plan.mode, STARPU_VIR0_PLAN_PAIR);
			ck_assert_uint_eq(s->plan.candidate, ids[k]);
			ck_assert_mem_eq(s->shape.program_hash, r.program->hash.bytes, 16);
			ck_assert_int_eq(s->candidate_first, pairs % 2);
			firsts += s->candidate_first;
			pairs++;
		}
		/* The order alternates from one pair of a program to the next. */
		ck_assert_int_eq(firsts, pairs / 2);
		example_close(&r);
	}
	starpu_vir0_set_sample_hook(NULL, NULL);
	fixture_starpu_stop();
}

START_TEST(pairs_cpu)
{
	pairs_on(STARPU_CPU_WORKER);
}
END_TEST

START_TEST(pairs_opencl)
{
	pairs_on(STARPU_OPENCL_WORKER);
}
END_TEST

/* ---- pairs beside other tasks ----------------------------------------- */

/* OpenCL pairs among tasks that run alone, on independent buffers (so
 * that StarPU's OpenCL pipeline holds several at once). Both programs read
 * x = a[i] + c[i] and write c[i]: an LCG loop whose registers stay in
 * private memory, and a program of more registers than that (the
 * megakernel keeps them in the device's scratch, which all its launches
 * share). */
#define MANY_REGISTERS 72u
enum { BESIDE_N = 256, BESIDE_CHAINS = 6, BESIDE_ROUNDS = 3 };

static const char lcg_steps[] =
	"workgroup 64 1 1\n"
	"buffer a u32[0] read\n"
	"buffer c u32[0] read_write\n"
	"let i = gid.x\n"
	"if i < len(c) {\n"
	"	let x = a[i] + c[i]\n"
	"	loop k = 0u .. 64u {\n"
	"		x = x * 1664525u + 1013904223u\n"
	"	}\n"
	"	store c[i] = x\n"
	"}\n";

static uint32_t lcg_expect(uint32_t x)
{
	for (int k = 0; k < 64; k++)
		x = x * 1664525u + 1013904223u;
	return x;
}

static starpu_vir0_program *load_many_registers(void)
{
	char text[8192];
	size_t used = (size_t)snprintf(text, sizeof(text),
				       "workgroup 64 1 1\nbuffer a u32[0] read\n"
				       "buffer c u32[0] read_write\nlet i = gid.x\n"
				       "if i < len(c) {\nlet x = a[i] + c[i]\nlet s0 = x * 3u\n");
	for (uint32_t k = 1; k < MANY_REGISTERS; k++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "let v%u = x * %uu\nlet s%u = s%u ^ v%u\n", k, 2 * k + 3,
					 k, k - 1, k);
	/* A loop, so that launches running at once would overlap. */
	snprintf(text + used, sizeof(text) - used,
		 "let acc = s%u\nloop r = 0u .. 256u {\nacc = acc * 1664525u + x\n}\n"
		 "store c[i] = acc\n}\n", MANY_REGISTERS - 1);
	return load_text(text);
}

static uint32_t many_registers_expect(uint32_t x)
{
	uint32_t s = 0;
	for (uint32_t k = 0; k < MANY_REGISTERS; k++)
		s ^= x * (2 * k + 3);
	for (int r = 0; r < 256; r++)
		s = s * 1664525u + x;
	return s;
}

/* Chains of tasks on independent buffers, pairs (interpreter against
 * itself, and against the JIT) between tasks run alone: every result
 * right, every pair's sample given before its task ended, none a
 * mismatch. */
static void pairs_beside(starpu_vir0_program *program, uint32_t (*expect)(uint32_t))
{
	static uint32_t a[BESIDE_N], c[BESIDE_CHAINS][BESIDE_N], want[BESIDE_CHAINS][BESIDE_N];
	const struct starpu_vir0_plan plans[BESIDE_ROUNDS] = {
		{ 0, 0, STARPU_VIR0_PLAN_PAIR },
		{ 0, 0, STARPU_VIR0_PLAN_BASELINE },
		{ 0, STARPU_VIR0_VARIANT_JIT, STARPU_VIR0_PLAN_PAIR },
	};
	int worker = fixture_starpu_worker_of(STARPU_OPENCL_WORKER);
	starpu_data_handle_t ha, hc[BESIDE_CHAINS];
	for (int i = 0; i < BESIDE_N; i++)
		a[i] = (uint32_t)i * 2654435761u;
	for (int j = 0; j < BESIDE_CHAINS; j++)
		for (int i = 0; i < BESIDE_N; i++) {
			c[j][i] = want[j][i] = (uint32_t)(j * 1000 + i);
			for (int r = 0; r < BESIDE_ROUNDS; r++)
				want[j][i] = expect(a[i] + want[j][i]);
		}
	starpu_vector_data_register(&ha, STARPU_MAIN_RAM, (uintptr_t)a, BESIDE_N, 4);
	for (int j = 0; j < BESIDE_CHAINS; j++)
		starpu_vector_data_register(&hc[j], STARPU_MAIN_RAM, (uintptr_t)c[j], BESIDE_N, 4);
	static struct plan_at_push push[BESIDE_ROUNDS][BESIDE_CHAINS];
	const uint32_t groups[3] = { BESIDE_N / 64, 1, 1 };
	clear_samples();
	for (int r = 0; r < BESIDE_ROUNDS; r++)
		for (int j = 0; j < BESIDE_CHAINS; j++) {
			starpu_data_handle_t h[2] = { ha, hc[j] };
			submit_planned(make_task(program, groups, h), worker, &plans[r], &push[r][j]);
		}
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	starpu_data_unregister(ha);
	for (int j = 0; j < BESIDE_CHAINS; j++) {
		starpu_data_unregister(hc[j]);
		for (int i = 0; i < BESIDE_N; i++)
			ck_assert_msg(c[j][i] == want[j][i], "chain %d: c[%d] = %u, expected %u", j,
				      i, c[j][i], want[j][i]);
	}
	ck_assert_int_eq(nsamples, 2 * BESIDE_CHAINS);
	for (int k = 0; k < nsamples; k++) {
		const struct starpu_vir0_sample *s = &samples[k];
		ck_assert(!s->mismatch && s->baseline_ns > 0 && s->candidate_ns > 0);
		ck_assert_int_eq(s->arch, STARPU_OPENCL_WORKER);
	}
}

START_TEST(pairs_beside_other_tasks)
{
	fixture_starpu_start(1, 1);
	starpu_vir0_set_sample_hook(keep_sample, samples);
	starpu_vir0_program *lcg = load_text(lcg_steps), *many = load_many_registers();
	pairs_beside(lcg, lcg_expect);
	pairs_beside(many, many_registers_expect);
	starpu_vir0_set_sample_hook(NULL, NULL);
	starpu_vir0_program_release(many);
	starpu_vir0_program_release(lcg);
	fixture_starpu_stop();
}
END_TEST

/* ---- a wrong variant -------------------------------------------------- */

/* vector_add with one invocation in 7 adding 1 more: wrong from element 3
 * on. Same declarations as examples/vector_add.vir0s. */
static const char wrong_add[] =
	"workgroup 64 1 1\n"
	"buffer a u32[0] read\n"
	"buffer b u32[0] read\n"
	"buffer c u32[0] read_write output\n"
	"let i = gid.x\n"
	"if i < len(c) {\n"
	"	if i % 7u == 3u {\n"
	"		store c[i] = a[i] + b[i] + 1u\n"
	"	} else {\n"
	"		store c[i] = a[i] + b[i]\n"
	"	}\n"
	"}\n";

static void wrong_variant_on(enum starpu_worker_archtype arch)
{
	enum { N = 100 };
	uint32_t a[N], b[N], c[N];
	starpu_vir0_program *add = load_example("vector_add");
	starpu_vir0_program *wrong = load_text(wrong_add);
	uint32_t id = 0;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_variant_add_for_tests(add, wrong, &id, &err) == VIR0_OK, "%s",
		      err.message);
	ck_assert_uint_eq(id, STARPU_VIR0_VARIANT_TEST + 1);
	starpu_vir0_program_release(wrong);  /* `add` keeps it */
	int worker = fixture_starpu_worker_of(arch);
	starpu_vir0_set_sample_hook(keep_sample, samples);
	for (int mode = STARPU_VIR0_PLAN_CANDIDATE; mode <= STARPU_VIR0_PLAN_PAIR; mode++) {
		for (int i = 0; i < N; i++) {
			a[i] = (uint32_t)i * 3u;
			b[i] = 1000u - (uint32_t)i;
			c[i] = 0xdeadbeefu;
		}
		starpu_data_handle_t h[3];
		starpu_vector_data_register(&h[0], STARPU_MAIN_RAM, (uintptr_t)a, N, 4);
		starpu_vector_data_register(&h[1], STARPU_MAIN_RAM, (uintptr_t)b, N, 4);
		starpu_vector_data_register(&h[2], STARPU_MAIN_RAM, (uintptr_t)c, N, 4);
		struct starpu_task *task = make_task(add, NULL, h);
		uint32_t ids[MAX_LADDER];
		unsigned n = ladder_of(task, arch, ids);
		ck_assert_uint_eq(ids[1], id);  /* tests' variants race first */
		ck_assert(in_ladder(ids, n, id));
		struct starpu_vir0_plan plan = { 0, id, (enum starpu_vir0_plan_mode)mode };
		clear_samples();
		struct plan_at_push push;
		submit_planned(task, worker, &plan, &push);
		ck_assert_int_eq(starpu_task_wait_for_all(), 0);
		for (int k = 0; k < 3; k++)
			starpu_data_unregister(h[k]);
		for (int i = 0; i < N; i++) {
			uint32_t right = a[i] + b[i];
			/* Alone, the wrong variant is wrong (so the pair has
			 * something to catch); in a pair, the real buffer holds
			 * the baseline's right result. */
			uint32_t expect = mode == STARPU_VIR0_PLAN_CANDIDATE && i % 7 == 3 ? right + 1
											  : right;
			ck_assert_msg(c[i] == expect, "mode %d: c[%d] = %u, expected %u", mode, i,
				      c[i], expect);
		}
	}
	ck_assert_int_eq(nsamples, 1);
	const struct starpu_vir0_sample *s = &samples[0];
	ck_assert(s->mismatch);
	ck_assert_uint_eq(s->mismatch_handle, 2);
	ck_assert_uint_eq(s->mismatch_element, 3);
	ck_assert_uint_eq(s->baseline_bits, 9u + 997u);
	ck_assert_uint_eq(s->candidate_bits, 9u + 997u + 1u);
	starpu_vir0_set_sample_hook(NULL, NULL);
	starpu_vir0_program_release(add);
}

START_TEST(wrong_variant_caught)
{
	fixture_starpu_start(1, 1);
	wrong_variant_on(STARPU_CPU_WORKER);
	wrong_variant_on(STARPU_OPENCL_WORKER);
	/* A test variant must keep the program's declarations. */
	starpu_vir0_program *add = load_example("vector_add");
	starpu_vir0_program *saxpy = load_example("saxpy");
	uint32_t id;
	struct vir0_error err = { 0 };
	ck_assert_int_eq(starpu_vir0_variant_add_for_tests(add, saxpy, &id, &err), VIR0_EARG);
	ck_assert(strstr(err.message, "declarations") != NULL);
	starpu_vir0_program_release(saxpy);
	starpu_vir0_program_release(add);
	fixture_starpu_stop();
}
END_TEST

/* ---- a JIT variant is refused until compiled --------------------------- */

START_TEST(jit_refused_until_ready)
{
	/* A program no cache knows (this process's own constant: PoCL's
	 * kernel cache misses too), the JIT's disk cache in a fresh directory
	 * (so these kernels do not pile up in the suite's). The compile then
	 * takes a second or more on PoCL, and the refusal is seen. */
	char home[] = "/tmp/vir0-variants-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(home));
	setenv("VIR0_HOME", home, 1);
	fixture_starpu_start(1, 1);
	unsigned salt = (unsigned)getpid() ^ (unsigned)time(NULL);
	char text[512];
	snprintf(text, sizeof(text),
		 "workgroup 64 1 1\nbuffer a u32[0] read\nbuffer c u32[0] read_write output\n"
		 "let i = gid.x\nif i < len(c) {\n\tstore c[i] = a[i] * 3u + %uu\n}\n", salt);
	starpu_vir0_program *program = load_text(text);
	enum { N = 300 };
	uint32_t a[N], c[N];
	for (int i = 0; i < N; i++)
		a[i] = (uint32_t)i * 7u;
	starpu_data_handle_t h[2];
	starpu_vector_data_register(&h[0], STARPU_MAIN_RAM, (uintptr_t)a, N, 4);
	starpu_vector_data_register(&h[1], STARPU_MAIN_RAM, (uintptr_t)c, N, 4);
	int ocl = fixture_starpu_worker_of(STARPU_OPENCL_WORKER);
	struct starpu_task *task = make_task(program, NULL, h);
	struct starpu_vir0_plan plan = { 0, STARPU_VIR0_VARIANT_JIT, STARPU_VIR0_PLAN_CANDIDATE };
	struct vir0_error err = { 0 };
	ck_assert_int_eq(starpu_vir0_task_set_plan(task, STARPU_OPENCL_WORKER, &plan, &err),
			 VIR0_OK);
	int refused = 0;
	for (;;) {
		int ok = starpu_worker_can_execute_task((unsigned)ocl, task, 1);
		uint64_t compile_ns = 1;
		int state = starpu_vir0_task_variant_state(task, (unsigned)ocl,
							   STARPU_VIR0_VARIANT_JIT, &compile_ns);
		/* Readiness never goes back: PENDING now was PENDING during
		 * the can_execute call. */
		if (state == STARPU_VIR0_VARIANT_PENDING) {
			ck_assert(!ok);
			ck_assert_int_eq(starpu_vir0_task_plan_ready(task, (unsigned)ocl, &plan), 0);
			ck_assert_uint_eq(compile_ns, 0);
			refused++;
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
			continue;
		}
		ck_assert_int_eq(state, STARPU_VIR0_VARIANT_READY);
		ck_assert_uint_gt(compile_ns, 0);
		break;
	}
	ck_assert_int_gt(refused, 0);
	/* The interpreter's index stays refused: the plan runs index 1. */
	ck_assert(!starpu_worker_can_execute_task((unsigned)ocl, task, 0));
	wait_ready(task, ocl, 0);
	ck_assert(starpu_worker_can_execute_task((unsigned)ocl, task, 1));
	/* Submitted with the original's plan, the JIT's set at push. */
	struct starpu_vir0_plan original = { 0, 0, STARPU_VIR0_PLAN_BASELINE };
	ck_assert_int_eq(starpu_vir0_task_set_plan(task, STARPU_OPENCL_WORKER, &original, &err),
			 VIR0_OK);
	struct plan_at_push push;
	submit_planned(task, ocl, &plan, &push);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	starpu_data_unregister(h[0]);
	starpu_data_unregister(h[1]);
	for (int i = 0; i < N; i++)
		ck_assert_uint_eq(c[i], a[i] * 3u + salt);
	starpu_vir0_program_release(program);
	fixture_starpu_stop();
	char command[128];
	snprintf(command, sizeof(command), "rm -rf '%s'", home);
	ck_assert_int_eq(system(command), 0);
}
END_TEST

/* ---- plans, indices, footprints, the interpreter unchanged --------------- */

START_TEST(plans_and_the_interpreter)
{
	fixture_starpu_start(1, 1);
	int cpu = fixture_starpu_worker_of(STARPU_CPU_WORKER);
	int ocl = fixture_starpu_worker_of(STARPU_OPENCL_WORKER);
	starpu_vir0_program *saxpy = load_example("saxpy");
	float alpha = 2.0f, x[64], y[64];
	for (int i = 0; i < 64; i++)
		x[i] = y[i] = (float)i;
	starpu_data_handle_t h[3];
	starpu_vector_data_register(&h[0], STARPU_MAIN_RAM, (uintptr_t)&alpha, 1, 4);
	starpu_vector_data_register(&h[1], STARPU_MAIN_RAM, (uintptr_t)x, 64, 4);
	starpu_vector_data_register(&h[2], STARPU_MAIN_RAM, (uintptr_t)y, 64, 4);
	struct starpu_task *task = make_task(saxpy, NULL, h);
	uint32_t (*footprint)(struct starpu_task *) = starpu_vir0_codelet()->model->footprint;
	uint32_t plain = footprint(task);

	/* Until a plan is set: the original alone, index 0 on both archs. */
	struct starpu_vir0_plan plan;
	ck_assert_int_eq(starpu_vir0_task_get_plan(task, STARPU_CPU_WORKER, &plan), VIR0_OK);
	ck_assert(plan.baseline == 0 && plan.mode == STARPU_VIR0_PLAN_BASELINE);
	ck_assert(starpu_worker_can_execute_task((unsigned)cpu, task, 0));
	ck_assert(!starpu_worker_can_execute_task((unsigned)cpu, task, 1));
	/* Index 1 without a plan that runs a variant is refused. */
	starpu_vir0_task_fix_implementation(task, STARPU_CPU_WORKER, STARPU_VIR0_IMPL_VARIANT);
	ck_assert(starpu_worker_can_execute_task((unsigned)cpu, task, 0));

	/* A pair: index 1, and the footprint tells it apart. */
	struct vir0_error err = { 0 };
	struct starpu_vir0_plan pair = { 0, 5, STARPU_VIR0_PLAN_PAIR };
	ck_assert_int_eq(starpu_vir0_task_set_plan(task, STARPU_CPU_WORKER, &pair, &err), VIR0_OK);
	ck_assert(!starpu_worker_can_execute_task((unsigned)cpu, task, 0));
	ck_assert(starpu_worker_can_execute_task((unsigned)cpu, task, 1));
	uint32_t paired = footprint(task);
	ck_assert_uint_ne(paired, plain);
	pair.candidate = 4;
	ck_assert_int_eq(starpu_vir0_task_set_plan(task, STARPU_CPU_WORKER, &pair, &err), VIR0_OK);
	ck_assert_uint_ne(footprint(task), paired);

	/* Refusals leave the plan as it was. */
	struct starpu_vir0_plan bad[] = {
		{ 0, STARPU_VIR0_VARIANT_JIT, STARPU_VIR0_PLAN_PAIR },  /* no JIT on CPU */
		{ 0x77, 0, STARPU_VIR0_PLAN_BASELINE },                 /* no such variant */
		{ 0, 4, (enum starpu_vir0_plan_mode)9 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(starpu_vir0_task_set_plan(task, STARPU_CPU_WORKER, &bad[i], &err),
				 VIR0_EARG);
		ck_assert(strlen(err.message) > 0);
	}
	ck_assert_int_eq(starpu_vir0_task_set_plan(task, STARPU_CUDA_WORKER, &pair, &err),
			 VIR0_EARG);
	ck_assert_int_eq(starpu_vir0_task_get_plan(task, STARPU_CPU_WORKER, &plan), VIR0_OK);
	ck_assert(plan.candidate == 4 && plan.mode == STARPU_VIR0_PLAN_PAIR);

	/* Back to the original alone: index 0, the footprint it had. */
	struct starpu_vir0_plan original = { 0, 5, STARPU_VIR0_PLAN_BASELINE };
	ck_assert_int_eq(starpu_vir0_task_set_plan(task, STARPU_CPU_WORKER, &original, &err),
			 VIR0_OK);
	ck_assert(starpu_worker_can_execute_task((unsigned)cpu, task, 0));
	ck_assert(!starpu_worker_can_execute_task((unsigned)cpu, task, 1));
	ck_assert_uint_eq(footprint(task), plain);
	/* The OpenCL plan is its own. */
	ck_assert_int_eq(starpu_vir0_task_get_plan(task, STARPU_OPENCL_WORKER, &plan), VIR0_OK);
	ck_assert(plan.baseline == 0 && plan.mode == STARPU_VIR0_PLAN_BASELINE);
	wait_ready(task, ocl, 0);
	ck_assert(starpu_worker_can_execute_task((unsigned)ocl, task, 0));

	/* The interpreter on the CPU reports its run too. */
	starpu_vir0_set_sample_hook(keep_sample, samples);
	clear_samples();
	submit_on(task, cpu);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	starpu_vir0_set_sample_hook(NULL, NULL);
	ck_assert_int_eq(nsamples, 1);
	ck_assert(samples[0].baseline_ns > 0 && samples[0].candidate_ns == 0);
	ck_assert(samples[0].plan.baseline == 0 && samples[0].plan.mode == STARPU_VIR0_PLAN_BASELINE);
	for (int k = 0; k < 3; k++)
		starpu_data_unregister(h[k]);
	for (int i = 0; i < 64; i++)
		ck_assert(y[i] == 2.0f * (float)i + (float)i);
	starpu_vir0_program_release(saxpy);
	fixture_starpu_stop();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("starpu_variants");
	TCase *tc = tcase_create("variants");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, ladder_matches_the_registry);
	tcase_add_test(tc, plans_and_the_interpreter);
	tcase_add_test(tc, wrong_variant_caught);
	tcase_add_test(tc, candidates_cpu);
	tcase_add_test(tc, pairs_cpu);
	tcase_add_test(tc, candidates_opencl);
	tcase_add_test(tc, pairs_opencl);
	tcase_add_test(tc, pairs_beside_other_tasks);
	tcase_add_test(tc, partitioned_variants);
	tcase_add_test(tc, jit_refused_until_ready);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
