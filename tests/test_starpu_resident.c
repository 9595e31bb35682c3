/* test_starpu_resident.c - VIR0 vectors (starpu_vir0_vector_data_register)
 * and the resident path of the OpenCL implementation, on real StarPU
 * workers (PoCL's OpenCL worker, a CPU worker): saxpy over partitioned VIR0
 * vectors compared bit for bit with the reference interpreter, launched
 * (batch mode, PoCL's default) and published to the resident kernel
 * (VIR0_CL_MODE=persistent), the resident kernel sharing its device and
 * data with a foreign OpenCL codelet, a vector too large for the arena,
 * and VIR0 vectors on a CPU worker. */
#include "fixture_starpu.h"
#include "starpu_vir0.h"
#include "starpu_vir0_devices.h"
#include "starpu_vir0_task.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS 4u

static starpu_vir0_program *load_saxpy(void)
{
	starpu_vir0_program *p;
	struct vir0_error err;
	ck_assert_msg(starpu_vir0_program_load_file(VIR0_TOP_SRCDIR "/examples/saxpy.vir0s", &p,
						    &err) == 0, "%s", err.message);
	return p;
}

/* ---- a foreign OpenCL codelet: y[i] += 1 ------------------------------- */

static const char bump_source[] =
	"__kernel void bump(__global float *y, ulong off, uint n)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	y = (__global float *)((__global char *)y + off);\n"
	"	if (i < n)\n"
	"		y[i] += 1.0f;\n"
	"}\n";
static struct starpu_opencl_program bump_program;

static void bump_opencl(void *buffers[], void *arg)
{
	(void)arg;
	int devid = starpu_worker_get_devid(starpu_worker_get_id_check());
	cl_kernel kernel;
	cl_command_queue queue;
	ck_assert_int_eq(starpu_opencl_load_kernel(&kernel, &queue, &bump_program, "bump", devid),
			 CL_SUCCESS);
	cl_mem y = (cl_mem)STARPU_VECTOR_GET_DEV_HANDLE(buffers[0]);
	cl_ulong off = STARPU_VECTOR_GET_OFFSET(buffers[0]);
	cl_uint n = STARPU_VECTOR_GET_NX(buffers[0]);
	clSetKernelArg(kernel, 0, sizeof(y), &y);
	clSetKernelArg(kernel, 1, sizeof(off), &off);
	clSetKernelArg(kernel, 2, sizeof(n), &n);
	size_t global = n;
	ck_assert_int_eq(clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &global, NULL, 0, NULL,
						NULL), CL_SUCCESS);
	ck_assert_int_eq(clFinish(queue), CL_SUCCESS);
	starpu_opencl_release_kernel(kernel);
}

static struct starpu_codelet bump_codelet = {
	.opencl_funcs = { bump_opencl },
	.nbuffers = 1,
	.modes = { STARPU_RW },
	.name = "bump",
};

/* ---- saxpy over partitioned VIR0 vectors ------------------------------- */

struct run {
	uint32_t n;
	unsigned rounds;
	int bump;                 /* a foreign kernel after each VIR0 round */
};

/* Runs the rounds through StarPU on VIR0 vectors and on the host with the
 * reference interpreter (and a C loop for the foreign kernel); the two
 * must agree bit for bit. */
static void run_saxpy(const struct run *r)
{
	starpu_vir0_program *program = load_saxpy();
	float alpha = 1.5f;
	float *x = malloc(r->n * sizeof(float)), *y = malloc(r->n * sizeof(float));
	float *ry = malloc(r->n * sizeof(float));
	ck_assert(x && y && ry);
	for (uint32_t i = 0; i < r->n; i++) {
		x[i] = (float)(i % 1000) * 0.125f;
		y[i] = ry[i] = (float)i;
	}
	starpu_data_handle_t ha, hx, hy;
	starpu_vir0_vector_data_register(&ha, STARPU_MAIN_RAM, (uintptr_t)&alpha, 1, sizeof(float));
	starpu_vir0_vector_data_register(&hx, STARPU_MAIN_RAM, (uintptr_t)x, r->n, sizeof(float));
	starpu_vir0_vector_data_register(&hy, STARPU_MAIN_RAM, (uintptr_t)y, r->n, sizeof(float));
	struct starpu_data_filter blocks = { .filter_func = starpu_vector_filter_block,
					     .nchildren = BLOCKS };
	starpu_data_partition(hx, &blocks);
	starpu_data_partition(hy, &blocks);
	for (unsigned round = 0; round < r->rounds; round++)
		for (unsigned k = 0; k < BLOCKS; k++) {
			starpu_data_handle_t bx = starpu_data_get_sub_data(hx, 1, k);
			starpu_data_handle_t by = starpu_data_get_sub_data(hy, 1, k);
			ck_assert_msg(starpu_vir0_task_insert(program, NULL, STARPU_R, ha, STARPU_R,
							      bx, STARPU_RW, by, 0) == 0,
				      "%s", starpu_vir0_last_error()->message);
			if (r->bump)
				ck_assert_int_eq(starpu_task_insert(&bump_codelet, STARPU_RW, by, 0),
						 0);
		}
	starpu_task_wait_for_all();
	starpu_data_unpartition(hx, STARPU_MAIN_RAM);
	starpu_data_unpartition(hy, STARPU_MAIN_RAM);
	starpu_data_unregister(ha);
	starpu_data_unregister(hx);
	starpu_data_unregister(hy);

	struct vir0_binding bindings[3] = { { &alpha, sizeof(float) },
					    { x, r->n * sizeof(float) },
					    { ry, r->n * sizeof(float) } };
	struct vir0_error err;
	for (unsigned round = 0; round < r->rounds; round++) {
		ck_assert_msg(vir0_run_reference(starpu_vir0_program_get(program), NULL, bindings, 3,
						 &err) == 0, "%s", err.message);
		for (uint32_t i = 0; r->bump && i < r->n; i++)
			ry[i] += 1.0f;
	}
	for (uint32_t i = 0; i < r->n; i++)
		ck_assert_msg(memcmp(&y[i], &ry[i], sizeof(float)) == 0,
			      "y[%u] = %a through StarPU, %a by the reference", i, (double)y[i],
			      (double)ry[i]);
	free(x);
	free(y);
	free(ry);
	starpu_vir0_program_release(program);
}

static struct vir0_cl_resident_info resident_info(void)
{
	uint64_t generation;
	struct vir0_error err;
	vir0_cl_device *dev = starpu_vir0_devices_get(0, &generation, NULL, &err);
	ck_assert_msg(dev != NULL, "%s", err.message);
	struct vir0_cl_resident_info info;
	vir0_cl_resident_info(dev, &info);
	return info;
}

/* ---- tests ---------------------------------------------------------------- */

/* The whole VIR0 vectors' OpenCL copies lie in the arena: the second one
 * starts past the first, at a non-zero offset of the same cl_mem. */
static cl_mem seen_mem[2];
static size_t seen_offset[2];

static void probe_opencl(void *buffers[], void *arg)
{
	(void)arg;
	for (int i = 0; i < 2; i++) {
		seen_mem[i] = (cl_mem)STARPU_VECTOR_GET_DEV_HANDLE(buffers[i]);
		seen_offset[i] = STARPU_VECTOR_GET_OFFSET(buffers[i]);
	}
}

static struct starpu_codelet probe_codelet = {
	.opencl_funcs = { probe_opencl },
	.nbuffers = 2,
	.modes = { STARPU_R, STARPU_R },
	.name = "probe",
};

START_TEST(vir0_vectors_live_in_the_arena)
{
	fixture_starpu_start(0, 1);
	static uint32_t a[1000], b[1000];
	starpu_data_handle_t ha, hb;
	starpu_vir0_vector_data_register(&ha, STARPU_MAIN_RAM, (uintptr_t)a, 1000, 4);
	starpu_vir0_vector_data_register(&hb, STARPU_MAIN_RAM, (uintptr_t)b, 1000, 4);
	ck_assert_int_eq(starpu_task_insert(&probe_codelet, STARPU_R, ha, STARPU_R, hb, 0), 0);
	starpu_task_wait_for_all();
	ck_assert_ptr_eq(seen_mem[0], seen_mem[1]);
	ck_assert(seen_offset[0] != seen_offset[1]);
	starpu_data_unregister(ha);
	starpu_data_unregister(hb);
	fixture_starpu_stop();
}
END_TEST

START_TEST(launched_in_batch_mode)
{
	setenv("VIR0_CL_MODE", "batch", 1);
	fixture_starpu_start(0, 1);
	run_saxpy(&(struct run){ .n = 10000, .rounds = 3 });
	ck_assert_uint_eq(resident_info().slots, 0);
	fixture_starpu_stop();
}
END_TEST

START_TEST(published_to_the_resident_kernel)
{
	setenv("VIR0_CL_MODE", "persistent", 1);
	fixture_starpu_start(0, 1);
	run_saxpy(&(struct run){ .n = 10000, .rounds = 3 });
	/* Every task went through the ring: one slot each. */
	ck_assert_uint_ge(resident_info().slots, 3 * BLOCKS);
	fixture_starpu_stop();
}
END_TEST

/* Which implementation StarPU ran: index 0 (asynchronous) in batch mode,
 * its synchronous twin STARPU_VIR0_IMPL_RESIDENT where the slot goes to
 * the resident kernel (StarPU's marker behind an asynchronous one would
 * wait for the kernel's idle exit); the results match either way. */
static void check_implementation(unsigned expected)
{
	starpu_vir0_program *program = load_saxpy();
	ck_assert_uint_eq(starpu_vir0_opencl_wait(), 1);
	float alpha = 2.0f, x[256], y[256];
	for (unsigned i = 0; i < 256; i++) {
		x[i] = (float)i;
		y[i] = 1.0f;
	}
	starpu_data_handle_t h[3];
	starpu_vir0_vector_data_register(&h[0], STARPU_MAIN_RAM, (uintptr_t)&alpha, 1, 4);
	starpu_vir0_vector_data_register(&h[1], STARPU_MAIN_RAM, (uintptr_t)x, 256, 4);
	starpu_vir0_vector_data_register(&h[2], STARPU_MAIN_RAM, (uintptr_t)y, 256, 4);
	const enum starpu_data_access_mode modes[3] = { STARPU_R, STARPU_R, STARPU_RW };
	struct starpu_task *task = starpu_task_create();
	task->destroy = 0;
	task->detach = 0;
	struct vir0_error err;
	ck_assert_msg(starpu_vir0_task_fill(task, program, NULL, h, modes, 3, &err) == 0, "%s",
		      err.message);
	ck_assert_int_eq(starpu_task_submit(task), 0);
	ck_assert_int_eq(starpu_task_wait(task), 0);
	ck_assert_uint_eq(starpu_task_get_implementation(task), expected);
	starpu_task_destroy(task);
	for (int i = 0; i < 3; i++)
		starpu_data_unregister(h[i]);
	for (unsigned i = 0; i < 256; i++)
		ck_assert_msg(y[i] == 2.0f * (float)i + 1.0f, "y[%u] = %g", i, (double)y[i]);
	starpu_vir0_program_release(program);
}

START_TEST(resident_tasks_run_synchronously)
{
	setenv("VIR0_CL_MODE", "persistent", 1);
	fixture_starpu_start(0, 1);
	check_implementation(STARPU_VIR0_IMPL_RESIDENT);
	fixture_starpu_stop();
}
END_TEST

START_TEST(batch_tasks_run_asynchronously)
{
	setenv("VIR0_CL_MODE", "batch", 1);
	fixture_starpu_start(0, 1);
	check_implementation(STARPU_VIR0_IMPL_INTERPRETER);
	fixture_starpu_stop();
}
END_TEST

START_TEST(resident_kernel_beside_a_foreign_codelet)
{
	setenv("VIR0_CL_MODE", "persistent", 1);
	fixture_starpu_start(0, 1);
	ck_assert_int_eq(starpu_opencl_load_opencl_from_string(bump_source, &bump_program, ""), 0);
	run_saxpy(&(struct run){ .n = 4096, .rounds = 4, .bump = 1 });
	ck_assert_uint_ge(resident_info().slots, 4 * BLOCKS);
	starpu_opencl_unload_opencl(&bump_program);
	fixture_starpu_stop();
}
END_TEST

/* The resident kernel zeroes a task's outputs before it runs (fmt §9.1):
 * the same atomic sum into the same output, task after task, while the
 * output stays in the arena between them (STARPU_W: nothing fetched). */
START_TEST(resident_outputs_start_at_zero)
{
	setenv("VIR0_CL_MODE", "persistent", 1);
	fixture_starpu_start(0, 1);
	starpu_vir0_program *sum;
	struct vir0_error err;
	ck_assert_msg(starpu_vir0_program_load_file(VIR0_TOP_SRCDIR
						    "/examples/reduction_atomic.vir0s", &sum,
						    &err) == 0, "%s", err.message);
	enum { N = 5000 };
	static uint32_t input[N];
	uint32_t total = 0xA5A5A5A5u, want = 0;
	for (uint32_t i = 0; i < N; i++)
		want += input[i] = i * 2654435761u;
	starpu_data_handle_t hin, htotal;
	starpu_vir0_vector_data_register(&hin, STARPU_MAIN_RAM, (uintptr_t)input, N, 4);
	starpu_vir0_vector_data_register(&htotal, STARPU_MAIN_RAM, (uintptr_t)&total, 1, 4);
	for (int round = 0; round < 4; round++) {
		ck_assert_msg(starpu_vir0_task_insert(sum, NULL, STARPU_R, hin, STARPU_W, htotal,
						      0) == 0,
			      "%s", starpu_vir0_last_error()->message);
		starpu_task_wait_for_all();
		ck_assert_int_eq(starpu_data_acquire(htotal, STARPU_R), 0);
		ck_assert_uint_eq(total, want);
		starpu_data_release(htotal);
	}
	ck_assert_uint_ge(resident_info().slots, 4);
	starpu_data_unregister(hin);
	starpu_data_unregister(htotal);
	starpu_vir0_program_release(sum);
	fixture_starpu_stop();
}
END_TEST

START_TEST(vector_larger_than_the_arena)
{
	setenv("VIR0_CL_MODE", "persistent", 1);
	setenv("VIR0_CL_ARENA_MB", "1", 1);
	fixture_starpu_start(0, 1);
	/* 1.5 MiB per vector: y's blocks fit one at a time, x and y not. */
	run_saxpy(&(struct run){ .n = 3u << 17, .rounds = 2 });
	fixture_starpu_stop();
}
END_TEST

START_TEST(vir0_vectors_on_a_cpu_worker)
{
	fixture_starpu_start(1, 0);
	run_saxpy(&(struct run){ .n = 10000, .rounds = 3 });
	fixture_starpu_stop();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("starpu_resident");
	TCase *tc = tcase_create("starpu");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, vir0_vectors_live_in_the_arena);
	tcase_add_test(tc, launched_in_batch_mode);
	tcase_add_test(tc, published_to_the_resident_kernel);
	tcase_add_test(tc, resident_tasks_run_synchronously);
	tcase_add_test(tc, batch_tasks_run_asynchronously);
	tcase_add_test(tc, resident_kernel_beside_a_foreign_codelet);
	tcase_add_test(tc, resident_outputs_start_at_zero);
	tcase_add_test(tc, vector_larger_than_the_arena);
	tcase_add_test(tc, vir0_vectors_on_a_cpu_worker);
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
