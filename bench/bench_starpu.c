/* bench_starpu.c - what a tiny VIR0 task costs through StarPU, against a
 * hand-written StarPU codelet doing the same work (issue 5's per-task
 * goal: <= 1.1x with per-task launches).
 *
 * The work: examples/vector_add.vir0s on ELEMENTS u32 elements (c = a + b).
 * The hand-written codelet has a CPU function (the plain C loop) and an
 * OpenCL one (an asynchronous kernel launch on StarPU's queue, its kernel
 * created once per device): what a StarPU user writes today. Each side
 * runs TASKS tasks, each on its own triple of handles (so tasks are
 * independent and StarPU keeps several in flight), timed from the first
 * submit to starpu_task_wait_for_all, median of STARPU_BENCH_REPEATS
 * passes, hand and VIR0 passes alternating; the data is on the worker's
 * memory node before the clock starts.
 *
 *   bench_starpu [TASKS [ELEMENTS]]       (defaults 2000, 64)
 *
 * Runs with only OpenCL workers (STARPU_NCPU=0), then again with the
 * handles registered as VIR0 vectors and the megakernel forced resident
 * (VIR0_CL_MODE=persistent: the persistent-mode goal, <= 0.5x on the
 * GPU), then with only CPU workers, each in its own StarPU instance. A
 * row without its workers is skipped; PoCL's devices need
 * STARPU_OPENCL_ON_CPUS=1 (make bench-starpu sets it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starpu.h>

#include "bench_util.h"
#include "starpu_vir0.h"
#include "starpu_vir0_devices.h"

const char bench_program[] = "bench_starpu";

/* More passes than the other benchmarks' BENCH_REPEATS: a pass of tiny
 * tasks is short, and the machines are shared. */
#define STARPU_BENCH_REPEATS 15

static const char hand_source[] =
	"__kernel void vector_add(__global const uint *a, ulong a_off,\n"
	"                         __global const uint *b, ulong b_off,\n"
	"                         __global uint *c, ulong c_off, uint n)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	a = (__global const uint *)((__global const char *)a + a_off);\n"
	"	b = (__global const uint *)((__global const char *)b + b_off);\n"
	"	c = (__global uint *)((__global char *)c + c_off);\n"
	"	if (i < n)\n"
	"		c[i] = a[i] + b[i];\n"
	"}\n";

static struct starpu_opencl_program hand_program;
/* One worker drives each OpenCL device, so a kernel per device is safe. */
static cl_kernel hand_kernels[STARPU_MAXOPENCLDEVS];

static void hand_cpu(void *buffers[], void *arg)
{
	(void)arg;
	const uint32_t *a = (const uint32_t *)STARPU_VECTOR_GET_PTR(buffers[0]);
	const uint32_t *b = (const uint32_t *)STARPU_VECTOR_GET_PTR(buffers[1]);
	uint32_t *c = (uint32_t *)STARPU_VECTOR_GET_PTR(buffers[2]);
	unsigned n = STARPU_VECTOR_GET_NX(buffers[2]);
	for (unsigned i = 0; i < n; i++)
		c[i] = a[i] + b[i];
}

static void hand_opencl(void *buffers[], void *arg)
{
	(void)arg;
	int devid = starpu_worker_get_devid(starpu_worker_get_id_check());
	cl_command_queue queue;
	starpu_opencl_get_current_queue(&queue);
	if (!hand_kernels[devid]) {
		cl_command_queue unused;
		int status = starpu_opencl_load_kernel(&hand_kernels[devid], &unused, &hand_program,
						       "vector_add", devid);
		if (status != CL_SUCCESS)
			STARPU_OPENCL_REPORT_ERROR(status);
	}
	cl_kernel k = hand_kernels[devid];
	cl_ulong offsets[3];
	cl_mem mems[3];
	for (int i = 0; i < 3; i++) {
		mems[i] = (cl_mem)STARPU_VECTOR_GET_DEV_HANDLE(buffers[i]);
		offsets[i] = STARPU_VECTOR_GET_OFFSET(buffers[i]);
		clSetKernelArg(k, (cl_uint)(2 * i), sizeof(cl_mem), &mems[i]);
		clSetKernelArg(k, (cl_uint)(2 * i + 1), sizeof(cl_ulong), &offsets[i]);
	}
	cl_uint n = STARPU_VECTOR_GET_NX(buffers[2]);
	clSetKernelArg(k, 6, sizeof(n), &n);
	size_t local = 64, global = (n + local - 1) / local * local;
	int status = clEnqueueNDRangeKernel(queue, k, 1, NULL, &global, &local, 0, NULL, NULL);
	if (status != CL_SUCCESS)
		STARPU_OPENCL_REPORT_ERROR(status);
}

static struct starpu_codelet hand_codelet = {
	.cpu_funcs = { hand_cpu },
	.opencl_funcs = { hand_opencl },
	.opencl_flags = { STARPU_OPENCL_ASYNC },
	.nbuffers = 3,
	.modes = { STARPU_R, STARPU_R, STARPU_W },
	.name = "hand_vector_add",
};

struct triple {
	starpu_data_handle_t a, b, c;
};

struct side {
	const char *name;
	double us_per_task;
};

/* Submits one task per triple; the VIR0 side when `program` is set. */
static void submit_all(starpu_vir0_program *program, struct triple *t, unsigned tasks)
{
	for (unsigned i = 0; i < tasks; i++) {
		int status = program ? starpu_vir0_task_insert(program, NULL, STARPU_R, t[i].a,
							       STARPU_R, t[i].b, STARPU_W, t[i].c, 0)
				     : starpu_task_insert(&hand_codelet, STARPU_R, t[i].a, STARPU_R,
							  t[i].b, STARPU_W, t[i].c, 0);
		if (status != 0)
			bench_die("task insert", program ? starpu_vir0_last_error()->message
							 : "starpu_task_insert failed");
	}
	starpu_task_wait_for_all();
}

/* Median us/task of each side over STARPU_BENCH_REPEATS passes, the sides
 * alternating pass by pass, so that the load of a shared machine weighs
 * on both alike. */
static void time_sides(starpu_vir0_program *program, struct triple *t, unsigned tasks,
		       double *hand, double *vir0)
{
	/* A first pass moves the data where it runs and calibrates nothing
	 * we time: the megakernel build, the kernel creation, the caches. */
	submit_all(NULL, t, tasks);
	submit_all(program, t, tasks);
	double times[2][STARPU_BENCH_REPEATS];
	for (int r = 0; r < STARPU_BENCH_REPEATS; r++)
		for (int side = 0; side < 2; side++) {
			double start = bench_now();
			submit_all(side ? program : NULL, t, tasks);
			times[side][r] = (bench_now() - start) / tasks * 1e6;
		}
	*hand = bench_median(times[0], STARPU_BENCH_REPEATS);
	*vir0 = bench_median(times[1], STARPU_BENCH_REPEATS);
}

/* How often the resident kernel had to be launched again: a launch per
 * task means it left between tasks (its idle exit). */
static void print_resident_info(void)
{
	uint64_t generation;
	struct vir0_error err;
	vir0_cl_device *dev = starpu_vir0_devices_get(0, &generation, NULL, &err);
	if (!dev)
		bench_die("OpenCL device 0", err.message);
	struct vir0_cl_resident_info info;
	vir0_cl_resident_info(dev, &info);
	printf("         resident kernel (%s): %llu launches, %llu idle exits, %llu slots\n",
	       vir0_cl_mode_name(vir0_cl_device_mode(dev)), (unsigned long long)info.launches,
	       (unsigned long long)info.idle_exits, (unsigned long long)info.slots);
}

static void run_on(const char *workers, int ncpus, int nopencl, int resident, unsigned tasks,
		   unsigned n)
{
	/* The device state is built per StarPU instance, with the mode of
	 * the moment. */
	if (resident)
		setenv("VIR0_CL_MODE", "persistent", 1);
	else
		unsetenv("VIR0_CL_MODE");
	struct starpu_conf conf;
	starpu_conf_init(&conf);
	conf.ncpus = ncpus;
	conf.nopencl = nopencl;
	conf.ncuda = 0;
	if (starpu_init(&conf) != 0) {
		/* StarPU refuses to start without the OpenCL devices asked for:
		 * PoCL's are offered only with STARPU_OPENCL_ON_CPUS=1, which
		 * make bench-starpu sets. */
		if (!nopencl)
			bench_die("starpu_init", "StarPU did not start");
		printf("%-8s no OpenCL device (PoCL: STARPU_OPENCL_ON_CPUS=1): skipped\n", workers);
		return;
	}
	/* STARPU_NCPU and STARPU_NOPENCL override conf: a row may get
	 * other workers than it asked for. */
	if (starpu_worker_get_count() == 0 ||
	    (nopencl && starpu_opencl_worker_get_count() == 0) ||
	    (ncpus && starpu_cpu_worker_get_count() == 0)) {
		printf("%-8s no such workers here: skipped\n", workers);
		starpu_shutdown();
		return;
	}
	if (nopencl && starpu_opencl_load_opencl_from_string(hand_source, &hand_program, "") != 0)
		bench_die("hand-written kernel", "starpu_opencl_load_opencl_from_string failed");
	char path[4096];
	snprintf(path, sizeof(path), "%s/examples/vector_add.vir0s", VIR0_TOP_SRCDIR);
	starpu_vir0_program *program;
	struct vir0_error err;
	if (starpu_vir0_program_load_file(path, &program, &err) != 0)
		bench_die(path, err.message);

	uint32_t *memory = bench_malloc((size_t)tasks * 3 * n * sizeof(uint32_t));
	for (size_t i = 0; i < (size_t)tasks * 3 * n; i++)
		memory[i] = (uint32_t)(i * 2654435761u);
	struct triple *t = bench_malloc(tasks * sizeof(*t));
	for (unsigned i = 0; i < tasks; i++) {
		uint32_t *base = memory + (size_t)i * 3 * n;
		void (*reg)(starpu_data_handle_t *, int, uintptr_t, uint32_t, size_t) =
			resident ? starpu_vir0_vector_data_register : starpu_vector_data_register;
		reg(&t[i].a, STARPU_MAIN_RAM, (uintptr_t)base, n, 4);
		reg(&t[i].b, STARPU_MAIN_RAM, (uintptr_t)(base + n), n, 4);
		reg(&t[i].c, STARPU_MAIN_RAM, (uintptr_t)(base + 2 * n), n, 4);
	}
	double hand, vir0;
	time_sides(program, t, tasks, &hand, &vir0);
	printf("%-8s %8u %8u | %12.2f %12.2f | %7.2fx\n", workers, tasks, n, hand, vir0,
	       vir0 / hand);
	if (resident)
		print_resident_info();

	for (unsigned i = 0; i < tasks; i++) {
		starpu_data_unregister(t[i].a);
		starpu_data_unregister(t[i].b);
		starpu_data_unregister(t[i].c);
	}
	free(t);
	free(memory);
	starpu_vir0_program_release(program);
	for (int d = 0; d < STARPU_MAXOPENCLDEVS; d++)
		if (hand_kernels[d]) {
			starpu_opencl_release_kernel(hand_kernels[d]);
			hand_kernels[d] = NULL;
		}
	if (nopencl)
		starpu_opencl_unload_opencl(&hand_program);
	starpu_shutdown();
}

static unsigned parse(const char *text, const char *what)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (*end || v == 0 || v > 1000000)
		bench_die(what, "must be a whole number from 1 to 1000000");
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	/* Line by line, so a run cut short by a time limit still shows how far it got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsigned tasks = argc > 1 ? parse(argv[1], "TASKS") : 2000;
	unsigned n = argc > 2 ? parse(argv[2], "ELEMENTS") : 64;
	printf("tiny task: examples/vector_add.vir0s on %u u32 elements, %u independent tasks, "
	       "median of %d; policy %s\n\n",
	       n, tasks, STARPU_BENCH_REPEATS, getenv("STARPU_SCHED") ? getenv("STARPU_SCHED") : "(StarPU's default)");
	printf("%-8s %8s %8s | %12s %12s | %8s\n", "workers", "tasks", "elements",
	       "hand us/task", "VIR0 us/task", "VIR0/hand");
	run_on("opencl", 0, 1, 0, tasks, n);
	run_on("resident", 0, 1, 1, tasks, n);
	run_on("cpu", 1, 0, 0, tasks, n);
	return 0;
}
