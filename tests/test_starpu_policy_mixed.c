/* test_starpu_policy_mixed.c - vir0-spec runs a mixed workload to the
 * end with exact results: over a partitioned vector, tasks with both a
 * CPU and an OpenCL implementation (a history model, so they calibrate
 * and then take the perf-model decision), CPU-only tasks and OpenCL-only
 * tasks, chained per block, on StarPU's CPU worker and its OpenCL worker
 * (PoCL here). Integer arithmetic, so every order of placement gives the
 * same bits. */
#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include <starpu.h>

#include "starpu_vir0.h"
#include "vir0_spec.h"

enum { ELEMENTS = 1 << 14, BLOCKS = 8, ROUNDS = 4 };

static const char kernels[] =
	"__kernel void scale_add(__global uint *v, ulong offset, uint n)\n"
	"{ __global uint *x = (__global uint *)((__global char *)v + offset);\n"
	"  uint i = get_global_id(0); if (i < n) x[i] = x[i] * 3u + 1u; }\n"
	"__kernel void add_seven(__global uint *v, ulong offset, uint n)\n"
	"{ __global uint *x = (__global uint *)((__global char *)v + offset);\n"
	"  uint i = get_global_id(0); if (i < n) x[i] += 7u; }\n";

static struct starpu_opencl_program program;
static atomic_uint cpu_only_runs, opencl_only_runs, both_runs;

static void scale_add_cpu(void *buffers[], void *cl_arg)
{
	(void)cl_arg;
	uint32_t *x = (uint32_t *)STARPU_VECTOR_GET_PTR(buffers[0]);
	for (unsigned i = 0; i < STARPU_VECTOR_GET_NX(buffers[0]); i++)
		x[i] = x[i] * 3u + 1u;
	atomic_fetch_add(&both_runs, 1);
}

static void run_kernel(void *buffers[], const char *name)
{
	int devid = starpu_worker_get_devid(starpu_worker_get_id_check());
	cl_kernel kernel;
	cl_command_queue queue;
	int err = starpu_opencl_load_kernel(&kernel, &queue, &program, name, devid);
	if (err != CL_SUCCESS)
		STARPU_OPENCL_REPORT_ERROR(err);
	cl_mem v = (cl_mem)STARPU_VECTOR_GET_DEV_HANDLE(buffers[0]);
	cl_ulong offset = STARPU_VECTOR_GET_OFFSET(buffers[0]);
	cl_uint n = STARPU_VECTOR_GET_NX(buffers[0]);
	err = clSetKernelArg(kernel, 0, sizeof v, &v);
	err |= clSetKernelArg(kernel, 1, sizeof offset, &offset);
	err |= clSetKernelArg(kernel, 2, sizeof n, &n);
	size_t global = n;
	err |= clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &global, NULL, 0, NULL, NULL);
	err |= clFinish(queue);
	if (err != CL_SUCCESS)
		STARPU_OPENCL_REPORT_ERROR(err);
	starpu_opencl_release_kernel(kernel);
}

static void scale_add_opencl(void *buffers[], void *cl_arg)
{
	(void)cl_arg;
	run_kernel(buffers, "scale_add");
	atomic_fetch_add(&both_runs, 1);
}

static void add_seven_opencl(void *buffers[], void *cl_arg)
{
	(void)cl_arg;
	run_kernel(buffers, "add_seven");
	atomic_fetch_add(&opencl_only_runs, 1);
}

static void flip_cpu(void *buffers[], void *cl_arg)
{
	(void)cl_arg;
	uint32_t *x = (uint32_t *)STARPU_VECTOR_GET_PTR(buffers[0]);
	for (unsigned i = 0; i < STARPU_VECTOR_GET_NX(buffers[0]); i++)
		x[i] ^= 0x5a5a5a5au;
	atomic_fetch_add(&cpu_only_runs, 1);
}

static struct starpu_perfmodel scale_add_model = {
	.type = STARPU_HISTORY_BASED,
	.symbol = "test_starpu_policy_mixed_scale_add",
};

static struct starpu_codelet scale_add_cl = {
	.cpu_funcs = { scale_add_cpu },
	.opencl_funcs = { scale_add_opencl },
	.nbuffers = 1,
	.modes = { STARPU_RW },
	.model = &scale_add_model,
	.name = "scale_add",
};

static struct starpu_codelet add_seven_cl = {
	.opencl_funcs = { add_seven_opencl },
	.nbuffers = 1,
	.modes = { STARPU_RW },
	.name = "add_seven",
};

static struct starpu_codelet flip_cl = {
	.cpu_funcs = { flip_cpu },
	.nbuffers = 1,
	.modes = { STARPU_RW },
	.name = "flip",
};

/* One round's steps, in order, on every block. */
static struct starpu_codelet *const steps[] = {
	&scale_add_cl, &flip_cl, &scale_add_cl, &add_seven_cl, &scale_add_cl, &flip_cl,
};
enum { STEPS = sizeof steps / sizeof steps[0] };

static uint32_t expected_value(uint32_t x)
{
	for (int round = 0; round < ROUNDS; round++)
		for (int step = 0; step < STEPS; step++) {
			if (steps[step] == &scale_add_cl)
				x = x * 3u + 1u;
			else if (steps[step] == &flip_cl)
				x ^= 0x5a5a5a5au;
			else
				x += 7u;
		}
	return x;
}

START_TEST(mixed_workload_completes_exactly)
{
	setenv("HWLOC_PLUGINS_BLACKLIST", "hwloc_pci", 0); /* leaks under LSan */
	unsetenv("STARPU_SCHED");
	struct starpu_conf conf;
	starpu_conf_init(&conf);
	conf.sched_policy = starpu_vir0_policy();
	ck_assert_int_eq(starpu_init(&conf), 0);
	ck_assert_uint_ge(starpu_cpu_worker_get_count(), 1);
	ck_assert_uint_ge(starpu_opencl_worker_get_count(), 1);
	ck_assert_int_eq(starpu_opencl_load_opencl_from_string(kernels, &program, NULL), 0);

	uint32_t *data = malloc(ELEMENTS * sizeof *data);
	ck_assert_ptr_nonnull(data);
	for (uint32_t i = 0; i < ELEMENTS; i++)
		data[i] = i * 2654435761u;
	starpu_data_handle_t vector;
	starpu_vector_data_register(&vector, STARPU_MAIN_RAM, (uintptr_t)data, ELEMENTS,
				    sizeof *data);
	struct starpu_data_filter blocks = {
		.filter_func = starpu_vector_filter_block,
		.nchildren = BLOCKS,
	};
	starpu_data_partition(vector, &blocks);
	for (int round = 0; round < ROUNDS; round++)
		for (int step = 0; step < STEPS; step++)
			for (int block = 0; block < BLOCKS; block++)
				ck_assert_int_eq(starpu_task_insert(steps[step], STARPU_RW,
					starpu_data_get_sub_data(vector, 1, block),
					STARPU_PRIORITY, block % 3, 0), 0);
	starpu_task_wait_for_all();
	starpu_data_unpartition(vector, STARPU_MAIN_RAM);
	starpu_data_unregister(vector);
	struct starpu_vir0_sched_counts counts;
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts), 0);
	starpu_opencl_unload_opencl(&program);
	starpu_shutdown();

	for (uint32_t i = 0; i < ELEMENTS; i++)
		ck_assert_msg(data[i] == expected_value(i * 2654435761u),
			      "element %u: %u, expected %u", i, data[i],
			      expected_value(i * 2654435761u));
	free(data);
	ck_assert_uint_eq(counts.tasks, ROUNDS * STEPS * BLOCKS);
	ck_assert_uint_eq(atomic_load(&both_runs), ROUNDS * 3 * BLOCKS);
	ck_assert_uint_eq(atomic_load(&cpu_only_runs), ROUNDS * 2 * BLOCKS);
	ck_assert_uint_eq(atomic_load(&opencl_only_runs), ROUNDS * 1 * BLOCKS);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("starpu_policy_mixed");
	TCase *tc = tcase_create("mixed");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, mixed_workload_completes_exactly);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
