/* cl_runtime.c - the standalone runtime: an OpenCL device picked by index
 * over every platform, a context and an in-order queue of our own, and
 * runs on host bindings copied through the device arena. Used by
 * `vir0 run --engine opencl`, the tests and the benchmarks. */
#include "cl_engine.h"

#include "cl_error.h"
#include "cl_platform.h"
#include "dispatch.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

struct vir0_cl_runtime {
	cl_context context;
	cl_device_id device;
	cl_command_queue queue;
	vir0_cl_device *dev;
};

int vir0_cl_runtime_open(int index, vir0_cl_runtime **out, struct vir0_error *err)
{
	if (!out)
		return vir0_error_at(err, VIR0_EARG, 0, "out must not be NULL");
	*out = NULL;
	cl_device_id device;
	int status = vir0_cl_find_device(index, NULL, &device, err);
	if (status)
		return status;
	vir0_cl_runtime *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the runtime");
	cl_int code;
	rt->device = device;
	rt->context = clCreateContext(NULL, 1, &device, NULL, NULL, &code);
	if (code != CL_SUCCESS)
		status = vir0_cl_fail(err, "clCreateContext", code, "OpenCL device %d", index);
	if (status == VIR0_OK) {
		rt->queue = clCreateCommandQueueWithProperties(rt->context, device, NULL, &code);
		if (code != CL_SUCCESS)
			status = vir0_cl_fail(err, "clCreateCommandQueueWithProperties", code,
					      "OpenCL device %d", index);
	}
	if (status == VIR0_OK)
		status = vir0_cl_device_open(rt->context, device, &rt->dev, err);
	if (status) {
		vir0_cl_runtime_close(rt);
		return status;
	}
	*out = rt;
	return VIR0_OK;
}

void vir0_cl_runtime_close(vir0_cl_runtime *rt)
{
	if (!rt)
		return;
	vir0_cl_device_close(rt->dev);
	if (rt->queue)
		clReleaseCommandQueue(rt->queue);
	if (rt->context)
		clReleaseContext(rt->context);
	free(rt);
}

vir0_cl_device *vir0_cl_runtime_device(vir0_cl_runtime *rt)
{
	return rt->dev;
}

cl_command_queue vir0_cl_runtime_queue(vir0_cl_runtime *rt)
{
	return rt->queue;
}

cl_context vir0_cl_runtime_context(vir0_cl_runtime *rt)
{
	return rt->context;
}

cl_device_id vir0_cl_runtime_device_id(vir0_cl_runtime *rt)
{
	return rt->device;
}

/* Arena space and contents for every non-Workgroup binding. */
static int copy_in(vir0_cl_runtime *rt, const vir0_program *program,
		   const struct vir0_binding *bindings, struct vir0_cl_binding *device,
		   struct vir0_error *err)
{
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		if (program->buffers[i].access == VIR0_ACCESS_WORKGROUP || !bindings[i].size)
			continue;
		int status = vir0_cl_arena_alloc(rt->dev, bindings[i].size, &device[i], err);
		if (status)
			return status;
		cl_int code = clEnqueueWriteBuffer(rt->queue, device[i].mem, CL_FALSE,
						   device[i].offset, bindings[i].size,
						   bindings[i].data, 0, NULL, NULL);
		if (code != CL_SUCCESS)
			return vir0_cl_fail(err, "clEnqueueWriteBuffer", code,
					    "copying binding %u (%zu bytes) in", i, bindings[i].size);
	}
	return VIR0_OK;
}

static int copy_out(vir0_cl_runtime *rt, const vir0_program *program,
		    struct vir0_binding *bindings, const struct vir0_cl_binding *device,
		    struct vir0_error *err)
{
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		if (program->buffers[i].access != VIR0_ACCESS_READ_WRITE || !bindings[i].size)
			continue;
		cl_int code = clEnqueueReadBuffer(rt->queue, device[i].mem, CL_FALSE,
						  device[i].offset, bindings[i].size,
						  bindings[i].data, 0, NULL, NULL);
		if (code != CL_SUCCESS)
			return vir0_cl_fail(err, "clEnqueueReadBuffer", code,
					    "copying binding %u (%zu bytes) out", i, bindings[i].size);
	}
	cl_int code = clFinish(rt->queue);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clFinish", code, "after copying the results out");
	return VIR0_OK;
}

int vir0_cl_runtime_run(vir0_cl_runtime *rt, const vir0_program *program,
			const uint32_t groups[3], struct vir0_binding *bindings,
			uint32_t nbindings, struct vir0_error *err)
{
	if (!rt || !program)
		return vir0_error_at(err, VIR0_EARG, 0, "runtime and program must not be NULL");
	const vir0_cl_program *loaded;
	int status = vir0_cl_program_load(rt->dev, rt->queue, program, &loaded, err);
	if (status)
		return status;
	struct vir0_cl_slot slot = { .program = loaded, .nbindings = nbindings };
	if (groups)
		memcpy(slot.groups, groups, sizeof(slot.groups));
	else if ((status = vir0_default_grid(program, bindings, slot.groups, err)))
		return status;
	struct vir0_buffer_view *views = calloc(program->nbuffers + 1, sizeof(*views));
	struct vir0_cl_binding *device = calloc(program->nbuffers + 1, sizeof(*device));
	if (!views || !device)
		status = vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for %u bindings",
				       program->nbuffers);
	/* The host-side checks and the zeroed outputs, as every executor. */
	if (status == VIR0_OK)
		status = vir0_dispatch_prepare(program, slot.groups, bindings, nbindings, views, err);
	if (status == VIR0_OK)
		status = copy_in(rt, program, bindings, device, err);
	slot.bindings = device;
	if (status == VIR0_OK)
		status = vir0_cl_run_slots(rt->dev, rt->queue, &slot, 1, err);
	if (status == VIR0_OK)
		status = copy_out(rt, program, bindings, device, err);
	else if (rt->queue)
		clFinish(rt->queue);
	for (uint32_t i = 0; device && i < program->nbuffers; i++)
		vir0_cl_arena_free(rt->dev, &device[i]);
	free(views);
	free(device);
	return status;
}

/* The process-wide runtime of vir0_cl_run. */
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static vir0_cl_runtime *shared_rt;
static struct vir0_error shared_err;
static int shared_status;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static void shared_close(void)
{
	vir0_cl_runtime_close(shared_rt);
	shared_rt = NULL;
}

static void shared_open(void)
{
	shared_status = vir0_cl_runtime_open(-1, &shared_rt, &shared_err);
	if (shared_status == VIR0_OK)
		atexit(shared_close);
}

int vir0_cl_run(const vir0_program *program, const uint32_t groups[3],
		struct vir0_binding *bindings, uint32_t nbindings, struct vir0_error *err)
{
	pthread_once(&shared_once, shared_open);
	if (shared_status) {
		if (err)
			*err = shared_err;
		return shared_status;
	}
	pthread_mutex_lock(&shared_lock);
	int status = vir0_cl_runtime_run(shared_rt, program, groups, bindings, nbindings, err);
	pthread_mutex_unlock(&shared_lock);
	return status;
}
