/* test_starpu_codelet.c - VIR0 programs as StarPU tasks on real workers
 * (one CPU worker, PoCL's OpenCL worker): every example program run on
 * CPU only, OpenCL only, and on each worker of a mixed machine, through
 * starpu_vir0_task_insert and through starpu_vir0_task_fill, on whole and
 * on partitioned vectors (OpenCL then sees non-zero byte offsets), each
 * compared bit for bit with vir0_run_reference on the same inputs; the
 * handles, modes and options a task is refused for, with their messages;
 * program load errors; lifetime (release before the task runs, StarPU
 * restarted); what passes through insert (callbacks, priority, tags);
 * the shape and footprint the scheduler sees. */
#include "fixture_starpu.h"
#include "fixtures.h"
#include "starpu_vir0.h"
#include "starpu_vir0_devices.h"
#include "starpu_vir0_task.h"

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static starpu_vir0_program *load_example(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/examples/%s.vir0s", VIR0_TOP_SRCDIR, name);
	starpu_vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	int status = starpu_vir0_program_load_file(path, &p, &err);
	ck_assert_msg(status == VIR0_OK, "%s: %s", path, err.message);
	return p;
}

/* ---- what a run records ----------------------------------------------- */

struct ran {
	int calls;
	enum starpu_worker_archtype type;
};

static void record(void *arg)
{
	struct ran *ran = arg;
	ran->calls++;
	ran->type = starpu_worker_get_type(starpu_worker_get_id());
}

/* The mode a declaration takes: R for inputs, W for outputs (zeroed
 * first), RW for other read_write buffers. */
static enum starpu_data_access_mode mode_of(const struct vir0_buffer *b)
{
	if (b->access != VIR0_ACCESS_READ_WRITE)
		return STARPU_R;
	return b->is_output ? STARPU_W : STARPU_RW;
}

/* ---- running an example case through StarPU --------------------------- */

enum path { BY_INSERT, BY_FILL };

struct task_data {
	starpu_data_handle_t handles[8];
	enum starpu_data_access_mode modes[8];
	unsigned n;
};

static void register_bindings(const vir0_program *p, struct vir0_binding *bindings,
			      struct task_data *td)
{
	td->n = 0;
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		if (p->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		size_t element = vir0_type_size(&p->buffers[i].element);
		starpu_vector_data_register(&td->handles[td->n], STARPU_MAIN_RAM,
					    (uintptr_t)bindings[i].data,
					    (uint32_t)(bindings[i].size / element), element);
		td->modes[td->n++] = mode_of(&p->buffers[i]);
	}
}

static void unregister_all(struct task_data *td)
{
	for (unsigned k = 0; k < td->n; k++)
		starpu_data_unregister(td->handles[k]);
}

/* Submit one task on `worker` (-1: any) through `path`. */
static void submit(starpu_vir0_program *program, const uint32_t groups[3],
		   struct task_data *td, int worker, enum path path, struct ran *ran)
{
	int status;
	starpu_data_handle_t *h = td->handles;
	enum starpu_data_access_mode *m = td->modes;
	if (path == BY_FILL) {
		struct starpu_task *task = starpu_task_create();
		struct vir0_error err = { 0 };
		status = starpu_vir0_task_fill(task, program, groups, td->handles, td->modes,
					       td->n, &err);
		ck_assert_msg(status == VIR0_OK, "%s", err.message);
		task->callback_func = record;
		task->callback_arg = ran;
		if (worker >= 0) {
			task->execute_on_a_specific_worker = 1;
			task->workerid = (unsigned)worker;
		}
		ck_assert_int_eq(starpu_task_submit(task), 0);
		return;
	}
	switch (td->n) {
	case 2:
		status = starpu_vir0_task_insert(program, groups, m[0], h[0], m[1], h[1],
						 STARPU_EXECUTE_ON_WORKER, worker,
						 STARPU_CALLBACK_WITH_ARG_NFREE, record, ran, 0);
		break;
	case 3:
		status = starpu_vir0_task_insert(program, groups, m[0], h[0], m[1], h[1],
						 m[2], h[2], STARPU_EXECUTE_ON_WORKER, worker,
						 STARPU_CALLBACK_WITH_ARG_NFREE, record, ran, 0);
		break;
	case 5:
		status = starpu_vir0_task_insert(program, groups, m[0], h[0], m[1], h[1],
						 m[2], h[2], m[3], h[3], m[4], h[4],
						 STARPU_EXECUTE_ON_WORKER, worker,
						 STARPU_CALLBACK_WITH_ARG_NFREE, record, ran, 0);
		break;
	default:
		ck_abort_msg("no insert form for %u handles", td->n);
		return;
	}
	ck_assert_msg(status == VIR0_OK, "%s", starpu_vir0_last_error()->message);
}

/* Every example case through StarPU on `worker`, against the reference. */
static void run_examples(int worker, enum starpu_worker_archtype expect, enum path path)
{
	for (int i = 0; i < fixture_example_case_count(); i++) {
		struct fixture_example_case c;
		fixture_example_case_open(i, &c);
		const vir0_program *p = c.program;
		struct vir0_binding *mine = fixture_bindings_copy(c.inputs, p->nbuffers);
		struct vir0_binding *ref = fixture_bindings_copy(c.inputs, p->nbuffers);
		struct vir0_error err = { 0 };
		ck_assert_msg(vir0_run_reference(p, c.groups, ref, p->nbuffers, &err) == VIR0_OK,
			      "%s: %s", c.label, err.message);
		char name[64];
		ck_assert_int_eq(sscanf(c.label, "example %63s", name), 1);
		starpu_vir0_program *program = load_example(name);
		struct task_data td;
		register_bindings(p, mine, &td);
		struct ran ran = { 0, STARPU_ANY_WORKER };
		/* Where the case runs the default grid, half the time let the
		 * library compute it from the handles. */
		uint32_t fallback[3];
		ck_assert_int_eq(vir0_default_grid(p, c.inputs, fallback, &err), VIR0_OK);
		int by_default = i % 2 == 0 && memcmp(fallback, c.groups, sizeof(fallback)) == 0;
		submit(program, by_default ? NULL : c.groups, &td, worker, path, &ran);
		starpu_vir0_program_release(program);
		ck_assert_int_eq(starpu_task_wait_for_all(), 0);
		unregister_all(&td);
		ck_assert_msg(ran.calls == 1 && ran.type == expect, "%s ran %d times on type %d",
			      c.label, ran.calls, (int)ran.type);
		char why[256];
		ck_assert_msg(fixture_bindings_equal(p, mine, ref, why, sizeof(why)), "%s: %s",
			      c.label, why);
		fixture_bindings_free(mine, p->nbuffers);
		fixture_bindings_free(ref, p->nbuffers);
		fixture_example_case_free(&c);
	}
}

START_TEST(examples_cpu_only)
{
	fixture_starpu_start(1, 0);
	run_examples(-1, STARPU_CPU_WORKER, BY_INSERT);
	run_examples(-1, STARPU_CPU_WORKER, BY_FILL);
	fixture_starpu_stop();
}
END_TEST

START_TEST(examples_opencl_only)
{
	fixture_starpu_start(0, 1);
	run_examples(-1, STARPU_OPENCL_WORKER, BY_FILL);
	run_examples(-1, STARPU_OPENCL_WORKER, BY_INSERT);
	ck_assert(starpu_vir0_opencl_ready(starpu_worker_get_devid(fixture_starpu_worker_of(STARPU_OPENCL_WORKER))));
	fixture_starpu_stop();
}
END_TEST

/* starpu_vir0_opencl_wait starts the megakernel's build when no program
 * load did, and returns once it is done: the device is ready after it,
 * and a run without OpenCL workers has none to wait for. */
START_TEST(opencl_wait_counts_ready_devices)
{
	fixture_starpu_start(1, 1);
	ck_assert_uint_eq(starpu_vir0_opencl_wait(), 1);
	ck_assert(starpu_vir0_opencl_ready(starpu_worker_get_devid(fixture_starpu_worker_of(STARPU_OPENCL_WORKER))));
	fixture_starpu_stop();
	fixture_starpu_start(1, 0);
	ck_assert_uint_eq(starpu_vir0_opencl_wait(), 0);
	fixture_starpu_stop();
}
END_TEST

START_TEST(examples_on_each_worker)
{
	fixture_starpu_start(1, 1);
	run_examples(fixture_starpu_worker_of(STARPU_OPENCL_WORKER), STARPU_OPENCL_WORKER, BY_INSERT);
	run_examples(fixture_starpu_worker_of(STARPU_CPU_WORKER), STARPU_CPU_WORKER, BY_FILL);
	fixture_starpu_stop();
}
END_TEST

/* ---- partitioned data ------------------------------------------------- */

/* The byte offset OpenCL tasks saw, from a probe codelet of our own. */
static size_t probe_offset;

static void probe_opencl(void *buffers[], void *cl_arg)
{
	(void)cl_arg;
	probe_offset = STARPU_VECTOR_GET_OFFSET(buffers[0]);
}

static struct starpu_codelet probe = {
	.opencl_funcs = { probe_opencl },
	.nbuffers = 1,
	.modes = { STARPU_R },
};

/* saxpy (alpha uniform, x read, y read_write) over 4 blocks of x and y,
 * after a whole-vector task put x and y on the device: the blocks lie at
 * non-zero offsets of the parents' cl_mem. Reference: the same two
 * steps with vir0_run_reference. */
static void run_partitioned(int worker)
{
	enum { N = FIXTURE_SAXPY_N, PARTS = FIXTURE_SAXPY_PARTS };
	struct fixture_saxpy s;
	starpu_vir0_program *program = load_example("saxpy");
	fixture_saxpy_init(&s, starpu_vir0_program_get(program));
	starpu_data_handle_t a, hx, hy;
	starpu_vector_data_register(&a, STARPU_MAIN_RAM, (uintptr_t)&s.alpha, 1, 4);
	starpu_vector_data_register(&hx, STARPU_MAIN_RAM, (uintptr_t)s.x, N, 4);
	starpu_vector_data_register(&hy, STARPU_MAIN_RAM, (uintptr_t)s.y, N, 4);
	ck_assert_int_eq(starpu_vir0_task_insert(program, NULL, STARPU_R, a, STARPU_R, hx,
						 STARPU_RW, hy, STARPU_EXECUTE_ON_WORKER, worker, 0),
			 VIR0_OK);
	struct starpu_data_filter f = { .filter_func = starpu_vector_filter_block,
					.nchildren = PARTS };
	starpu_data_partition(hx, &f);
	starpu_data_partition(hy, &f);
	for (int part = 0; part < PARTS; part++) {
		int status = starpu_vir0_task_insert(program, NULL, STARPU_R, a, STARPU_R,
						     starpu_data_get_sub_data(hx, 1, part),
						     STARPU_RW, starpu_data_get_sub_data(hy, 1, part),
						     STARPU_EXECUTE_ON_WORKER, worker, 0);
		ck_assert_msg(status == VIR0_OK, "%s", starpu_vir0_last_error()->message);
	}
	probe_offset = 0;
	if (starpu_worker_get_type(worker) == STARPU_OPENCL_WORKER) {
		ck_assert_int_eq(starpu_task_insert(&probe, STARPU_R,
						    starpu_data_get_sub_data(hy, 1, PARTS - 1),
						    STARPU_EXECUTE_ON_WORKER, worker, 0), 0);
		ck_assert_int_eq(starpu_task_wait_for_all(), 0);
		ck_assert_uint_eq(probe_offset, (size_t)(N - N / PARTS) * 4);
	}
	starpu_data_unpartition(hx, STARPU_MAIN_RAM);
	starpu_data_unpartition(hy, STARPU_MAIN_RAM);
	starpu_data_unregister(a);
	starpu_data_unregister(hx);
	starpu_data_unregister(hy);
	starpu_vir0_program_release(program);
	fixture_saxpy_check(&s);
}

START_TEST(partitioned_opencl)
{
	fixture_starpu_start(1, 1);
	run_partitioned(fixture_starpu_worker_of(STARPU_OPENCL_WORKER));
	fixture_starpu_stop();
}
END_TEST

START_TEST(partitioned_cpu)
{
	fixture_starpu_start(1, 1);
	run_partitioned(fixture_starpu_worker_of(STARPU_CPU_WORKER));
	fixture_starpu_stop();
}
END_TEST

/* ---- more buffers than one megakernel launch binds ---------------------- */

/* Nine distinct vectors: more handles than STARPU_NMAXBUFS (the task's
 * dyn_handles) and more cl_mem than one megakernel launch takes
 * (VIR0_CL_MAX_MEMS), so the OpenCL implementation runs it on host
 * copies; the result must still be the reference's. */
START_TEST(nine_buffers)
{
	fixture_starpu_start(0, 1);
	static const char text[] =
		"workgroup 64 1 1\n"
		"buffer i0 u32[0] read\nbuffer i1 u32[0] read\nbuffer i2 u32[0] read\n"
		"buffer i3 u32[0] read\nbuffer i4 u32[0] read\nbuffer i5 u32[0] read\n"
		"buffer i6 u32[0] read\nbuffer i7 u32[0] read\n"
		"buffer out u32[0] read_write output\n"
		"let i = gid.x\nif i < len(out) {\n"
		"\tstore out[i] = i0[i] + i1[i] * 3u + i2[i] + i3[i] + i4[i] + i5[i] + i6[i] + i7[i] * 7u\n"
		"}\n";
	enum { N = 300 };
	starpu_vir0_program *program = NULL;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_program_load(text, strlen(text), &program, &err) == VIR0_OK,
		      "%s", err.message);
	const vir0_program *p = starpu_vir0_program_get(program);
	struct vir0_binding *inputs = fixture_bindings_random(p, 77, N);
	struct vir0_binding *ref = fixture_bindings_copy(inputs, 9);
	ck_assert_int_eq(vir0_run_reference(p, NULL, ref, 9, &err), VIR0_OK);
	for (int path = BY_INSERT; path <= BY_FILL; path++) {
		struct vir0_binding *mine = fixture_bindings_copy(inputs, 9);
		starpu_data_handle_t h[9];
		enum starpu_data_access_mode modes[9];
		for (int k = 0; k < 9; k++) {
			starpu_vector_data_register(&h[k], STARPU_MAIN_RAM, (uintptr_t)mine[k].data,
						    N, 4);
			modes[k] = k < 8 ? STARPU_R : STARPU_W;
		}
		int status;
		if (path == BY_INSERT) {
			status = starpu_vir0_task_insert(program, NULL, STARPU_R, h[0], STARPU_R, h[1],
							 STARPU_R, h[2], STARPU_R, h[3], STARPU_R, h[4],
							 STARPU_R, h[5], STARPU_R, h[6], STARPU_R, h[7],
							 STARPU_W, h[8], 0);
			ck_assert_msg(status == VIR0_OK, "%s", starpu_vir0_last_error()->message);
		} else {
			struct starpu_task *task = starpu_task_create();
			status = starpu_vir0_task_fill(task, program, NULL, h, modes, 9, &err);
			ck_assert_msg(status == VIR0_OK, "%s", err.message);
			ck_assert_ptr_nonnull(task->dyn_handles);
			ck_assert_int_eq(starpu_task_submit(task), 0);
		}
		ck_assert_int_eq(starpu_task_wait_for_all(), 0);
		for (int k = 0; k < 9; k++)
			starpu_data_unregister(h[k]);
		char why[256];
		ck_assert_msg(fixture_bindings_equal(p, mine, ref, why, sizeof(why)), "%s", why);
		fixture_bindings_free(mine, 9);
	}
	fixture_bindings_free(ref, 9);
	fixture_bindings_free(inputs, 9);
	starpu_vir0_program_release(program);
	fixture_starpu_stop();
}
END_TEST

/* ---- refusals ---------------------------------------------------------- */

#define N_REF 64

struct refusal_data {
	uint32_t a[N_REF], b[N_REF], c[N_REF];
	uint64_t wide[N_REF];
	starpu_data_handle_t ha, hb, hc, hwide, hmatrix, htotal2, hone;
	uint32_t total2[2], one;
};

static void refusal_setup(struct refusal_data *d)
{
	for (int i = 0; i < N_REF; i++) {
		d->a[i] = (uint32_t)i;
		d->b[i] = 2u * (uint32_t)i;
		d->c[i] = 0xDEADBEEFu;
	}
	starpu_vector_data_register(&d->ha, STARPU_MAIN_RAM, (uintptr_t)d->a, N_REF, 4);
	starpu_vector_data_register(&d->hb, STARPU_MAIN_RAM, (uintptr_t)d->b, N_REF, 4);
	starpu_vector_data_register(&d->hc, STARPU_MAIN_RAM, (uintptr_t)d->c, N_REF, 4);
	starpu_vector_data_register(&d->hwide, STARPU_MAIN_RAM, (uintptr_t)d->wide, N_REF, 8);
	starpu_matrix_data_register(&d->hmatrix, STARPU_MAIN_RAM, (uintptr_t)d->b, 8, 8, 8, 4);
	starpu_vector_data_register(&d->htotal2, STARPU_MAIN_RAM, (uintptr_t)d->total2, 2, 4);
	starpu_vector_data_register(&d->hone, STARPU_MAIN_RAM, (uintptr_t)&d->one, 1, 4);
}

static void refusal_teardown(struct refusal_data *d)
{
	starpu_data_unregister(d->ha);
	starpu_data_unregister(d->hb);
	starpu_data_unregister(d->hc);
	starpu_data_unregister(d->hwide);
	starpu_data_unregister(d->hmatrix);
	starpu_data_unregister(d->htotal2);
	starpu_data_unregister(d->hone);
}

static void expect_refused(int status, const char *const *parts)
{
	const struct vir0_error *err = starpu_vir0_last_error();
	ck_assert_int_eq(status, VIR0_EARG);
	ck_assert_int_eq(err->code, VIR0_EARG);
	for (; *parts; parts++)
		ck_assert_msg(strstr(err->message, *parts), "'%s' not in: %s", *parts,
			      err->message);
}

#define REFUSED(status, ...) expect_refused((status), (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(insert_refusals)
{
	fixture_starpu_start(1, 1);
	struct refusal_data d;
	refusal_setup(&d);
	starpu_vir0_program *add = load_example("vector_add");
	starpu_vir0_program *sum = load_example("reduction_atomic");
	starpu_vir0_program *saxpy = load_example("saxpy");
	struct ran ran = { 0, STARPU_ANY_WORKER };
	int x = 7;
	uint32_t zero_grid[3] = { 0, 1, 1 };

	REFUSED(starpu_vir0_task_insert(add, NULL, STARPU_R, d.ha, STARPU_R, d.hb,
					STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"2 handles given", "declares 3 buffers");
	REFUSED(starpu_vir0_task_insert(add, NULL, STARPU_R, d.ha, STARPU_R, d.hwide,
					STARPU_W, d.hc, STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"handle 1", "buffer 'b'", "8-byte elements", "elemsize 4");
	REFUSED(starpu_vir0_task_insert(add, NULL, STARPU_R, d.ha, STARPU_R, d.hmatrix,
					STARPU_W, d.hc, STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"buffer 'b'", "not a vector", "starpu_vector_data_register");
	REFUSED(starpu_vir0_task_insert(add, NULL, STARPU_W, d.ha, STARPU_R, d.hb,
					STARPU_W, d.hc, STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"buffer 'a'", "given STARPU_W", "needs STARPU_R");
	REFUSED(starpu_vir0_task_insert(add, NULL, STARPU_R, d.ha, STARPU_R, d.hb,
					STARPU_R, d.hc, STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"buffer 'c'", "given STARPU_R", "needs STARPU_W or STARPU_RW");
	REFUSED(starpu_vir0_task_insert(add, NULL, STARPU_R, d.ha, STARPU_R, d.hb,
					STARPU_SCRATCH, d.hc, STARPU_CALLBACK_WITH_ARG_NFREE, record,
					&ran, 0),
		"buffer 'c'", "STARPU_SCRATCH");
	REFUSED(starpu_vir0_task_insert(saxpy, NULL, STARPU_R, d.htotal2, STARPU_R, d.ha,
					STARPU_RW, d.hb, STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"buffer 'alpha'", "2 elements", "exactly 1");
	REFUSED(starpu_vir0_task_insert(sum, NULL, STARPU_R, d.ha, STARPU_W, d.htotal2,
					STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"buffer 'total'", "has 2 elements", "exactly 1");
	REFUSED(starpu_vir0_task_insert(add, NULL, STARPU_R, d.ha, STARPU_R, d.hb,
					STARPU_W, d.hc, STARPU_VALUE, &x, sizeof(x),
					STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"cl_arg", "STARPU_VALUE");
	REFUSED(starpu_vir0_task_insert(add, zero_grid, STARPU_R, d.ha, STARPU_R, d.hb,
					STARPU_W, d.hc, STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
		"grid axis 0");
	REFUSED(starpu_vir0_task_insert(NULL, NULL, STARPU_R, d.ha, STARPU_R, d.hb,
					STARPU_W, d.hc, 0),
		"program is NULL");
	/* saxpy's y is read: W would hand the program garbage. */
	uint32_t f[N_REF];
	starpu_data_handle_t hf;
	starpu_vector_data_register(&hf, STARPU_MAIN_RAM, (uintptr_t)f, N_REF, 4);
	REFUSED(starpu_vir0_task_insert(saxpy, NULL, STARPU_R, d.hone, STARPU_R, d.ha,
					STARPU_W, hf, 0),
		"buffer 'y'", "needs STARPU_RW");

	/* The codelet without starpu_vir0's own arguments runs nowhere. */
	ck_assert_int_eq(starpu_task_insert(starpu_vir0_codelet(), STARPU_R, d.ha, STARPU_R, d.hb,
					    STARPU_W, d.hc, STARPU_VALUE, &x, sizeof(x),
					    STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
			 -ENODEV);

	/* Nothing ran, nothing was written. */
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	ck_assert_int_eq(ran.calls, 0);
	starpu_data_unregister(hf);
	refusal_teardown(&d);
	for (int i = 0; i < N_REF; i++)
		ck_assert_uint_eq(d.c[i], 0xDEADBEEFu);
	starpu_vir0_program_release(add);
	starpu_vir0_program_release(sum);
	starpu_vir0_program_release(saxpy);
	fixture_starpu_stop();
}
END_TEST

START_TEST(fill_refusals)
{
	fixture_starpu_start(1, 0);
	struct refusal_data d;
	refusal_setup(&d);
	starpu_vir0_program *add = load_example("vector_add");
	struct starpu_task *task = starpu_task_create();
	struct vir0_error err = { 0 };
	starpu_data_handle_t handles[3] = { d.ha, d.hb, d.hc };
	enum starpu_data_access_mode bad[3] = { STARPU_R, STARPU_RW, STARPU_W };
	enum starpu_data_access_mode good[3] = { STARPU_R, STARPU_R, STARPU_W };

	ck_assert_int_eq(starpu_vir0_task_fill(task, add, NULL, handles, bad, 3, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "buffer 'b'"));
	ck_assert_ptr_nonnull(strstr(err.message, "needs STARPU_R"));
	ck_assert_ptr_null(task->cl);
	ck_assert_ptr_null(task->cl_arg);
	ck_assert_int_eq(task->nbuffers, 0);
	ck_assert(!starpu_vir0_task_is_vir0(task));

	int value = 1;
	task->cl_arg = &value;
	ck_assert_int_eq(starpu_vir0_task_fill(task, add, NULL, handles, good, 3, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "cl_arg"));
	task->cl_arg = NULL;

	ck_assert_int_eq(starpu_vir0_task_fill(task, add, NULL, handles, good, 3, &err), VIR0_OK);
	ck_assert(starpu_vir0_task_is_vir0(task));
	ck_assert_int_eq(starpu_task_submit(task), 0);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	refusal_teardown(&d);
	for (int i = 0; i < N_REF; i++)
		ck_assert_uint_eq(d.c[i], 3u * (uint32_t)i);
	starpu_vir0_program_release(add);
	fixture_starpu_stop();
}
END_TEST

/* The default grid follows each task's lengths (the program keeps the
 * last one it worked out): tasks of alternating lengths all cover their
 * whole output; a grid kept from a shorter task would leave the longer
 * task's tail zero. */
START_TEST(default_grid_follows_the_lengths)
{
	fixture_starpu_start(1, 0);
	starpu_vir0_program *add = load_example("vector_add");
	static const uint32_t lengths[4] = { 100, 300, 64, 300 };
	uint32_t a[300], b[300], c[4][300];
	for (uint32_t i = 0; i < 300; i++) {
		a[i] = i;
		b[i] = 7u * i;
	}
	starpu_data_handle_t h[4][3];
	for (int t = 0; t < 4; t++) {
		starpu_vector_data_register(&h[t][0], STARPU_MAIN_RAM, (uintptr_t)a, lengths[t], 4);
		starpu_vector_data_register(&h[t][1], STARPU_MAIN_RAM, (uintptr_t)b, lengths[t], 4);
		starpu_vector_data_register(&h[t][2], STARPU_MAIN_RAM, (uintptr_t)c[t], lengths[t], 4);
		ck_assert_msg(starpu_vir0_task_insert(add, NULL, STARPU_R, h[t][0], STARPU_R, h[t][1],
						      STARPU_W, h[t][2], 0) == 0,
			      "%s", starpu_vir0_last_error()->message);
	}
	starpu_task_wait_for_all();
	for (int t = 0; t < 4; t++) {
		for (int k = 0; k < 3; k++)
			starpu_data_unregister(h[t][k]);
		for (uint32_t i = 0; i < lengths[t]; i++)
			ck_assert_msg(c[t][i] == 8u * i, "task %d (length %u): c[%u] = %u", t,
				      lengths[t], i, c[t][i]);
	}
	starpu_vir0_program_release(add);
	fixture_starpu_stop();
}
END_TEST

/* ---- loading ------------------------------------------------------------ */

START_TEST(load_errors)
{
	fixture_starpu_start(1, 0);
	starpu_vir0_program *p = (starpu_vir0_program *)&p;
	struct vir0_error err = { 0 };
	static const uint8_t bad_wire[] = { 'V', 'I', 'R', '0', 9, 9, 9, 9, 1, 2 };
	int status = starpu_vir0_program_load(bad_wire, sizeof(bad_wire), &p, &err);
	ck_assert_int_lt(status, 0);
	ck_assert_int_eq(err.code, status);
	ck_assert_ptr_null(p);
	ck_assert(err.message[0] != '\0');

	static const char bad_text[] = "workgroup 64 1 1\nbuffer a u32[0] sideways\n";
	status = starpu_vir0_program_load(bad_text, strlen(bad_text), &p, &err);
	ck_assert_int_eq(status, VIR0_ESYNTAX);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_ptr_null(p);

	/* Parses, but stores to a read-only buffer: validation refuses it. */
	static const char invalid[] = "workgroup 64 1 1\nbuffer a u32[0] read\n"
				      "store a[gid.x] = 1u\n";
	status = starpu_vir0_program_load(invalid, strlen(invalid), &p, &err);
	ck_assert_int_eq(status, VIR0_EINVALID);
	ck_assert_ptr_null(p);

	status = starpu_vir0_program_load_file("/nonexistent/x.vir0s", &p, &err);
	ck_assert_int_eq(status, VIR0_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/x.vir0s"));
	ck_assert_int_eq(starpu_vir0_program_load(NULL, 0, NULL, &err), VIR0_EARG);
	fixture_starpu_stop();
}
END_TEST

START_TEST(load_forms_and_hash)
{
	fixture_starpu_start(1, 0);
	size_t size;
	uint8_t *text = fixture_read("examples/saxpy.vir0s", &size);
	starpu_vir0_program *from_text = NULL, *from_wire = NULL;
	struct vir0_error err = { 0 };
	ck_assert_int_eq(starpu_vir0_program_load(text, size, &from_text, &err), VIR0_OK);
	uint8_t *wire = NULL;
	size_t wire_size = 0;
	ck_assert_int_eq(vir0_encode(starpu_vir0_program_get(from_text), &wire, &wire_size, &err),
			 VIR0_OK);
	ck_assert_int_eq(starpu_vir0_program_load(wire, wire_size, &from_wire, &err), VIR0_OK);
	char h1[33], h2[33];
	starpu_vir0_program_hash(from_text, h1);
	starpu_vir0_program_hash(from_wire, h2);
	ck_assert_uint_eq(strlen(h1), 32);
	ck_assert_str_eq(h1, h2);
	ck_assert_uint_eq(starpu_vir0_program_get(from_wire)->nbuffers, 3);
	free(wire);
	free(text);
	starpu_vir0_program_release(from_text);
	starpu_vir0_program_release(from_wire);
	fixture_starpu_stop();
}
END_TEST

/* ---- lifetime ------------------------------------------------------------ */

/* A task that holds its worker and its data until the test opens it, so
 * what the test does meanwhile happens before the VIR0 task behind it
 * runs (starpu_data_acquire would do too, but StarPU 1.3 leaks a request
 * when a task waits on an acquired handle, which LSan reports). */
static int gate_open;

static void gate(void *buffers[], void *cl_arg)
{
	(void)buffers;
	(void)cl_arg;
	while (!__atomic_load_n(&gate_open, __ATOMIC_ACQUIRE))
		sched_yield();
}

static struct starpu_codelet gate_codelet = {
	.cpu_funcs = { gate },
	.opencl_funcs = { gate },
	.nbuffers = 1,
	.modes = { STARPU_RW },
};

/* The caller's last reference goes while the task waits for its data:
 * the task's own reference keeps the program (ASan would see a use after
 * free otherwise). On each kind of worker. */
static void release_before_run(int worker)
{
	uint32_t a[N_REF], b[N_REF], c[N_REF];
	for (int i = 0; i < N_REF; i++)
		a[i] = (uint32_t)i, b[i] = 5, c[i] = 0;
	starpu_data_handle_t ha, hb, hc;
	starpu_vector_data_register(&ha, STARPU_MAIN_RAM, (uintptr_t)a, N_REF, 4);
	starpu_vector_data_register(&hb, STARPU_MAIN_RAM, (uintptr_t)b, N_REF, 4);
	starpu_vector_data_register(&hc, STARPU_MAIN_RAM, (uintptr_t)c, N_REF, 4);
	starpu_vir0_program *add = load_example("vector_add");
	__atomic_store_n(&gate_open, 0, __ATOMIC_RELEASE);
	ck_assert_int_eq(starpu_task_insert(&gate_codelet, STARPU_RW, ha,
					    STARPU_EXECUTE_ON_WORKER, worker, 0), 0);
	ck_assert_int_eq(starpu_vir0_task_insert(add, NULL, STARPU_R, ha, STARPU_R, hb,
						 STARPU_W, hc, STARPU_EXECUTE_ON_WORKER, worker, 0),
			 VIR0_OK);
	starpu_vir0_program_release(add);
	__atomic_store_n(&gate_open, 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	starpu_data_unregister(ha);
	starpu_data_unregister(hb);
	starpu_data_unregister(hc);
	for (int i = 0; i < N_REF; i++)
		ck_assert_uint_eq(c[i], (uint32_t)i + 5);
}

START_TEST(release_before_the_task_runs)
{
	fixture_starpu_start(1, 1);
	release_before_run(fixture_starpu_worker_of(STARPU_CPU_WORKER));
	release_before_run(fixture_starpu_worker_of(STARPU_OPENCL_WORKER));
	fixture_starpu_stop();
}
END_TEST

/* The device state belongs to one StarPU: after starpu_shutdown and a new
 * starpu_init (a new OpenCL context), OpenCL tasks still run. */
START_TEST(restart_starpu)
{
	for (int round = 0; round < 2; round++) {
		fixture_starpu_start(0, 1);
		release_before_run(fixture_starpu_worker_of(STARPU_OPENCL_WORKER));
		starpu_shutdown();
	}
	starpu_vir0_devices_release();
}
END_TEST

/* ---- what passes through insert ---------------------------------------- */

START_TEST(insert_options_pass_through)
{
	fixture_starpu_start(1, 1);
	uint32_t a[N_REF] = { 1 }, b[N_REF] = { 2 }, c[N_REF];
	starpu_data_handle_t ha, hb, hc;
	starpu_vector_data_register(&ha, STARPU_MAIN_RAM, (uintptr_t)a, N_REF, 4);
	starpu_vector_data_register(&hb, STARPU_MAIN_RAM, (uintptr_t)b, N_REF, 4);
	starpu_vector_data_register(&hc, STARPU_MAIN_RAM, (uintptr_t)c, N_REF, 4);
	starpu_vir0_program *add = load_example("vector_add");
	struct ran ran = { 0, STARPU_ANY_WORKER };

	/* The task the macro builds keeps every option. */
	struct starpu_task *task = starpu_task_build(starpu_vir0_codelet(), STARPU_R, ha,
						     STARPU_R, hb, STARPU_W, hc,
						     STARPU_PRIORITY, 3,
						     STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran,
						     STARPU_TAG, (starpu_tag_t)42,
						     STARPU_NAME, "vir0 add", 0);
	ck_assert_ptr_nonnull(task);
	ck_assert_int_eq(task->priority, 3);
	ck_assert_str_eq(task->name, "vir0 add");
	ck_assert_int_eq(starpu_vir0_task_submit_built(add, NULL, task), VIR0_OK);
	ck_assert_int_eq(starpu_tag_wait((starpu_tag_t)42), 0);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	ck_assert_int_eq(ran.calls, 1);

	ck_assert_int_eq(starpu_vir0_task_insert(add, NULL, STARPU_R, ha, STARPU_R, hb,
						 STARPU_W, hc, STARPU_PRIORITY, STARPU_MAX_PRIO,
						 STARPU_CALLBACK_WITH_ARG_NFREE, record, &ran, 0),
			 VIR0_OK);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	ck_assert_int_eq(ran.calls, 2);
	starpu_data_unregister(ha);
	starpu_data_unregister(hb);
	starpu_data_unregister(hc);
	ck_assert_uint_eq(c[0], 3);
	starpu_vir0_program_release(add);
	fixture_starpu_stop();
}
END_TEST

/* ---- what the scheduler sees ------------------------------------------- */

START_TEST(shape_footprint_and_implementation)
{
	fixture_starpu_start(1, 1);
	enum { N = 256 };
	static uint32_t x[3][N], y[3][2 * N];
	starpu_data_handle_t small[3], big[3];
	for (int k = 0; k < 3; k++) {
		starpu_vector_data_register(&small[k], STARPU_MAIN_RAM, (uintptr_t)x[k], N, 4);
		starpu_vector_data_register(&big[k], STARPU_MAIN_RAM, (uintptr_t)y[k], 2 * N, 4);
	}
	starpu_vir0_program *add = load_example("vector_add");
	enum starpu_data_access_mode modes[3] = { STARPU_R, STARPU_R, STARPU_W };
	struct starpu_task *t[3];
	struct vir0_error err = { 0 };
	for (int i = 0; i < 3; i++) {
		t[i] = starpu_task_create();
		ck_assert_int_eq(starpu_vir0_task_fill(t[i], add, NULL, i == 2 ? big : small,
						       modes, 3, &err), VIR0_OK);
	}
	struct starpu_vir0_shape shape;
	ck_assert_int_eq(starpu_vir0_task_shape(t[0], &shape), VIR0_OK);
	char hex[33], mine[33];
	starpu_vir0_program_hash(add, hex);
	for (int i = 0; i < 16; i++)
		snprintf(mine + 2 * i, 3, "%02x", shape.program_hash[i]);
	ck_assert_str_eq(mine, hex);
	ck_assert_uint_eq(shape.groups[0], N / 64);
	ck_assert_uint_eq(shape.groups[1], 1);
	ck_assert_uint_eq(shape.bytes, 3 * N * 4);

	int cpu = fixture_starpu_worker_of(STARPU_CPU_WORKER);
	struct starpu_perfmodel_arch *arch = starpu_worker_get_perf_archtype(cpu, 0);
	struct starpu_perfmodel *model = starpu_vir0_codelet()->model;
	ck_assert_int_eq(model->type, STARPU_HISTORY_BASED);
	uint32_t f0 = starpu_task_footprint(model, t[0], arch, 0);
	uint32_t f1 = starpu_task_footprint(model, t[1], arch, 0);
	uint32_t f2 = starpu_task_footprint(model, t[2], arch, 0);
	ck_assert_uint_eq(f0, f1);
	ck_assert_uint_ne(f0, f2);

	/* Not a VIR0 task: no shape. */
	struct starpu_task other;
	starpu_task_init(&other);
	ck_assert(!starpu_vir0_task_is_vir0(&other));
	ck_assert_int_eq(starpu_vir0_task_shape(&other, &shape), VIR0_EARG);
	starpu_task_clean(&other);

	/* Only the interpreter exists yet: fixing another index keeps it,
	 * and the codelet's can_execute refuses other indices. */
	starpu_vir0_task_fix_implementation(t[0], STARPU_CPU_WORKER, 1);
	starpu_vir0_task_fix_implementation(t[0], STARPU_OPENCL_WORKER,
					    STARPU_VIR0_IMPL_INTERPRETER);
	ck_assert(starpu_worker_can_execute_task(cpu, t[0], 0));
	ck_assert(!starpu_worker_can_execute_task(cpu, t[0], 1));
	/* While the megakernel builds, the OpenCL worker leaves VIR0 tasks to
	 * the CPU worker; once built, it takes them. */
	int ocl = fixture_starpu_worker_of(STARPU_OPENCL_WORKER);
	starpu_vir0_devices_release();
	ck_assert(!starpu_worker_can_execute_task(ocl, t[0], 0));
	uint64_t generation;
	ck_assert_ptr_nonnull(starpu_vir0_devices_get(starpu_worker_get_devid(ocl), &generation,
						      NULL, &err));
	ck_assert(starpu_worker_can_execute_task(ocl, t[0], 0));

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(starpu_task_submit(t[i]), 0);
	ck_assert_int_eq(starpu_task_wait_for_all(), 0);
	for (int k = 0; k < 3; k++) {
		starpu_data_unregister(small[k]);
		starpu_data_unregister(big[k]);
	}
	starpu_vir0_program_release(add);
	fixture_starpu_stop();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("starpu_codelet");
	TCase *tc = tcase_create("starpu");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, load_errors);
	tcase_add_test(tc, load_forms_and_hash);
	tcase_add_test(tc, insert_refusals);
	tcase_add_test(tc, fill_refusals);
	tcase_add_test(tc, default_grid_follows_the_lengths);
	tcase_add_test(tc, examples_cpu_only);
	tcase_add_test(tc, examples_opencl_only);
	tcase_add_test(tc, opencl_wait_counts_ready_devices);
	tcase_add_test(tc, examples_on_each_worker);
	tcase_add_test(tc, partitioned_opencl);
	tcase_add_test(tc, partitioned_cpu);
	tcase_add_test(tc, nine_buffers);
	tcase_add_test(tc, release_before_the_task_runs);
	tcase_add_test(tc, restart_starpu);
	tcase_add_test(tc, insert_options_pass_through);
	tcase_add_test(tc, shape_footprint_and_implementation);
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
