/* bench_opencl.c - the OpenCL benchmark: the example kernels run by the
 * resident megakernel interpreter, by the JIT kernel and by a hand-written
 * OpenCL C kernel, side by side with the device's copy bandwidth, then
 * the dispatch costs (slots per launch, the resident ring) - one run, one
 * device.
 *
 *   bench/bench_opencl [SCALE [WHAT...]]
 *
 * SCALE multiplies the sizes (default 1: at least 256 MB of data for the
 * memory-bound kernels, to fill a GPU; 0.01 suits PoCL on a small CPU).
 * WHAT: saxpy, vadd, sum, histogram, dfa, matmul, dispatch (default: all).
 * The device is $VIR0_OPENCL_DEVICE (an index over every platform's
 * devices, default 0); $VIR0_CL_MODE picks the megakernel's mode. */
#include "bench_opencl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char bench_program[] = "bench_opencl";

void bcl_check(cl_int code, const char *call)
{
	if (code != CL_SUCCESS)
		bench_die(call, vir0_cl_error_name(code));
}

double bcl_event_seconds(cl_event event)
{
	cl_ulong start = 0, end = 0;
	bcl_check(clWaitForEvents(1, &event), "clWaitForEvents");
	bcl_check(clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, sizeof(start), &start,
					  NULL), "clGetEventProfilingInfo");
	bcl_check(clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, sizeof(end), &end, NULL),
		  "clGetEventProfilingInfo");
	clReleaseEvent(event);
	return (double)(end - start) * 1e-9;
}

cl_mem bcl_buffer(struct bcl *b, size_t size)
{
	cl_int code;
	cl_mem mem = clCreateBuffer(b->context, CL_MEM_READ_WRITE, size ? size : 4, NULL, &code);
	bcl_check(code, "clCreateBuffer");
	return mem;
}

cl_kernel bcl_hand_kernel(struct bcl *b, const char *name)
{
	cl_int code;
	cl_kernel kernel = clCreateKernel(b->hand, name, &code);
	bcl_check(code, "clCreateKernel (bench/opencl_kernels.cl)");
	return kernel;
}

/* The hand-written kernels, with no option that changes float results. */
static void build_hand(struct bcl *b)
{
	cl_int code;
	const char *source = bench_opencl_kernels_source;
	b->hand = clCreateProgramWithSource(b->context, 1, &source, NULL, &code);
	bcl_check(code, "clCreateProgramWithSource");
	if (clBuildProgram(b->hand, 1, &b->device, "-cl-std=CL1.2", NULL, NULL) != CL_SUCCESS) {
		static char log[16384];
		clGetProgramBuildInfo(b->hand, b->device, CL_PROGRAM_BUILD_LOG, sizeof(log) - 1, log,
				      NULL);
		bench_die("building bench/opencl_kernels.cl", log);
	}
}

static void jit_report(void *user, const char *message)
{
	(void)user;
	fprintf(stderr, "bench_opencl: JIT: %s\n", message);
}

static void open_device(struct bcl *b)
{
	struct vir0_error err;
	if (vir0_cl_runtime_open(-1, &b->runtime, &err) != VIR0_OK)
		bench_die("opening the OpenCL device", err.message);
	b->mega = vir0_cl_runtime_device(b->runtime);
	cl_command_queue own = vir0_cl_runtime_queue(b->runtime);
	bcl_check(clGetCommandQueueInfo(own, CL_QUEUE_CONTEXT, sizeof(b->context), &b->context,
					NULL), "clGetCommandQueueInfo");
	bcl_check(clGetCommandQueueInfo(own, CL_QUEUE_DEVICE, sizeof(b->device), &b->device, NULL),
		  "clGetCommandQueueInfo");
	/* A queue of our own: the runtime's has no profiling. */
	cl_queue_properties props[] = { CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 };
	cl_int code;
	b->queue = clCreateCommandQueueWithProperties(b->context, b->device, props, &code);
	bcl_check(code, "clCreateCommandQueueWithProperties");
	build_hand(b);
	/* No disk cache: the compile time printed is a real compile. */
	struct vir0_cl_jit_config config = { .cache_dir = "", .report = jit_report };
	if (vir0_cl_jit_create(b->context, b->device, &config, &b->jit, &err) != VIR0_OK) {
		b->jit = NULL;
		snprintf(b->jit_unavailable, sizeof(b->jit_unavailable), "%s", err.message);
	}
}

static void close_device(struct bcl *b)
{
	if (b->jit)
		vir0_cl_jit_destroy(b->jit);
	clReleaseProgram(b->hand);
	clReleaseCommandQueue(b->queue);
	vir0_cl_runtime_close(b->runtime);
}

static void print_header(struct bcl *b, double scale)
{
	char name[256] = "", driver[256] = "", version[256] = "", platform_name[256] = "";
	cl_platform_id platform;
	clGetDeviceInfo(b->device, CL_DEVICE_NAME, sizeof(name), name, NULL);
	clGetDeviceInfo(b->device, CL_DRIVER_VERSION, sizeof(driver), driver, NULL);
	clGetDeviceInfo(b->device, CL_DEVICE_VERSION, sizeof(version), version, NULL);
	clGetDeviceInfo(b->device, CL_DEVICE_PLATFORM, sizeof(platform), &platform, NULL);
	clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof(platform_name), platform_name, NULL);
	char mega[512];
	vir0_cl_device_describe(b->mega, mega, sizeof(mega));
	printf("device:     %s (%s, %s)\n", name, platform_name, version);
	printf("driver:     %s\n", driver);
	printf("mode:       %s\n", vir0_cl_mode_name(vir0_cl_device_mode(b->mega)));
	printf("megakernel: %s\n", mega);
	printf("JIT:        %s\n", b->jit ? "available (disk cache off)" : b->jit_unavailable);
	printf("scale:      %g\n\n", scale);
}

static int is_kernel_name(const char *name)
{
	return strcmp(name, "dispatch") != 0;
}

int main(int argc, char **argv)
{
	/* Line by line, so a run cut short by a time limit still shows how far it got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	double scale = argc > 1 ? strtod(argv[1], NULL) : 1.0;
	if (!(scale > 0))
		bench_die(argv[1], "SCALE must be a positive number (1: GPU sizes, 0.01: PoCL)");
	/* Kernels named on the command line, and whether dispatch runs. */
	char **names = argc > 2 ? bench_malloc((size_t)argc * sizeof(*names)) : NULL;
	int nnames = 0, dispatch = argc <= 2;
	for (int i = 2; i < argc; i++) {
		if (is_kernel_name(argv[i]))
			names[nnames++] = argv[i];
		else
			dispatch = 1;
	}
	struct bcl b = { 0 };
	open_device(&b);
	print_header(&b, scale);
	if (argc <= 2 || nnames > 0)
		bcl_kernels(&b, scale, names, nnames);
	if (dispatch)
		bcl_dispatch(&b);
	free(names);
	close_device(&b);
	return 0;
}
