/* bench_opencl.h - what the OpenCL benchmark's parts share: the device
 * (bench_opencl.c opens it and runs main), the example kernels three ways
 * (bench_opencl_kernels.c) and the dispatch costs (bench_opencl_dispatch.c). */
#ifndef VIR0_BENCH_OPENCL_H
#define VIR0_BENCH_OPENCL_H

#include "bench_util.h"
#include "vir0_opencl.h"
#include "vir0_opencl_jit.h"

#include <stddef.h>
#include <stdint.h>

struct bcl {
	cl_context context;
	cl_device_id device;
	cl_command_queue queue;     /* in order, with profiling: every command here */
	vir0_cl_runtime *runtime;   /* picked the device ($VIR0_OPENCL_DEVICE) */
	vir0_cl_device *mega;       /* the runtime's megakernel, in the mode auto gives */
	struct vir0_cl_jit *jit;    /* NULL when the JIT cannot run here */
	char jit_unavailable[512];  /* why, when jit is NULL */
	cl_program hand;            /* bench/opencl_kernels.cl, built */
};

/* The hand-written kernels' source, embedded at build time. */
extern const char bench_opencl_kernels_source[];

/* Dies naming `call` and the CL_ error when code is not CL_SUCCESS. */
void bcl_check(cl_int code, const char *call);
/* Waits for `event`, releases it and returns its device time (profiling
 * START to END) in seconds. */
double bcl_event_seconds(cl_event event);
cl_mem bcl_buffer(struct bcl *b, size_t size);
cl_kernel bcl_hand_kernel(struct bcl *b, const char *name);

/* `scale` multiplies the default sizes; names[0..count) pick kernels
 * (all when count is 0; an unknown name stops the run before any). */
void bcl_kernels(struct bcl *b, double scale, char **names, int count);
void bcl_dispatch(struct bcl *b);

#endif
