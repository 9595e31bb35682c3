/* conformance_engines.c - the table of executors under conformance test
 * (conformance_engines.h). The CPU engine runs twice: on the calling
 * thread, as inside a StarPU worker, and on 4 threads, so workgroups run
 * concurrently and in varying order. */
#include "config.h"

#include "conformance_engines.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_OPENCL
#include "vir0_opencl.h"
#include "vir0_opencl_jit.h"

/* The JIT on its own standalone device, made in setup, with no disk
 * cache: every program is really compiled. */
static struct vir0_cl_jit_standalone jit_device;
static struct vir0_cl_jit *jit;

static int setup_opencl_jit(struct vir0_error *err)
{
	struct vir0_cl_jit_config config = { .cache_dir = "" };
	if (vir0_cl_jit_standalone_open(&jit_device, err))
		return CONFORMANCE_ENGINE_UNAVAILABLE;
	int status = vir0_cl_jit_create(jit_device.context, jit_device.device, &config, &jit, err);
	if (status != VIR0_OK) {
		vir0_cl_jit_standalone_close(&jit_device);
		return status == VIR0_EUNSUPPORTED ? CONFORMANCE_ENGINE_UNAVAILABLE : status;
	}
	return VIR0_OK;
}

static void teardown_opencl_jit(void)
{
	vir0_cl_jit_destroy(jit);
	vir0_cl_jit_standalone_close(&jit_device);
}

static int run_opencl_jit(const vir0_program *program, const uint32_t groups[3],
			  struct vir0_binding *bindings, uint32_t n, struct vir0_error *err)
{
	return vir0_cl_jit_run_host(jit, &jit_device, program, groups, bindings, n, err);
}

/* The megakernel as StarPU's codelet runs it: vir0_cl_enqueue on the
 * caller's buffer (one cl_mem, each binding its range), no read back of
 * the slot, so a slot of one chunk goes by value (the lone launch). */
static vir0_cl_runtime *enqueue_rt;

static int setup_opencl_enqueue(struct vir0_error *err)
{
	return vir0_cl_runtime_open(-1, &enqueue_rt, err) ? CONFORMANCE_ENGINE_UNAVAILABLE
							  : VIR0_OK;
}

static void teardown_opencl_enqueue(void)
{
	vir0_cl_runtime_close(enqueue_rt);
}

/* VIR0_EIO with `what` failed (OpenCL `code`) as err's message. */
static int enqueue_failed(struct vir0_error *err, const char *what, cl_int code)
{
	memset(err, 0, sizeof(*err));
	err->code = VIR0_EIO;
	snprintf(err->message, sizeof(err->message), "%s failed (%s)", what,
		 vir0_cl_error_name(code));
	return VIR0_EIO;
}

/* Each binding's byte offset in the one buffer, 64-byte aligned; the
 * buffer's size. */
static size_t lay_out(const struct vir0_binding *bindings, uint32_t n, size_t *at)
{
	size_t end = 0;
	for (uint32_t i = 0; i < n; i++) {
		at[i] = end;
		end += (bindings[i].size + 63) & ~(size_t)63;
	}
	return end;
}

static int run_opencl_enqueue(const vir0_program *program, const uint32_t groups[3],
			      struct vir0_binding *bindings, uint32_t n, struct vir0_error *err)
{
	vir0_cl_device *dev = vir0_cl_runtime_device(enqueue_rt);
	cl_command_queue queue = vir0_cl_runtime_queue(enqueue_rt);
	struct vir0_cl_slot slot = { .nbindings = n };
	int status = vir0_cl_program_load(dev, queue, program, &slot.program, err);
	if (status)
		return status;
	if (groups)
		memcpy(slot.groups, groups, sizeof(slot.groups));
	else if ((status = vir0_default_grid(program, bindings, slot.groups, err)))
		return status;
	size_t *at = calloc(n + 1, sizeof(*at));
	struct vir0_cl_binding *device = calloc(n + 1, sizeof(*device));
	if (!at || !device) {
		free(at);
		free(device);
		return enqueue_failed(err, "calloc", CL_OUT_OF_HOST_MEMORY);
	}
	size_t bytes = lay_out(bindings, n, at);
	cl_int code = CL_SUCCESS;
	cl_mem mem = bytes ? clCreateBuffer(vir0_cl_runtime_context(enqueue_rt),
					    CL_MEM_READ_WRITE, bytes, NULL, &code) : NULL;
	status = code == CL_SUCCESS ? VIR0_OK : enqueue_failed(err, "clCreateBuffer", code);
	for (uint32_t i = 0; i < n && status == VIR0_OK; i++) {
		if (!bindings[i].size || program->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		device[i] = (struct vir0_cl_binding){ mem, at[i], bindings[i].size };
		code = clEnqueueWriteBuffer(queue, mem, CL_FALSE, at[i], bindings[i].size,
					    bindings[i].data, 0, NULL, NULL);
		if (code != CL_SUCCESS)
			status = enqueue_failed(err, "clEnqueueWriteBuffer", code);
	}
	slot.bindings = device;
	if (status == VIR0_OK)
		status = vir0_cl_enqueue(dev, queue, &slot, 1, 0, NULL, NULL, err);
	for (uint32_t i = 0; i < n && status == VIR0_OK; i++) {
		if (!device[i].size || program->buffers[i].access != VIR0_ACCESS_READ_WRITE)
			continue;
		code = clEnqueueReadBuffer(queue, mem, CL_FALSE, at[i], bindings[i].size,
					   bindings[i].data, 0, NULL, NULL);
		if (code != CL_SUCCESS)
			status = enqueue_failed(err, "clEnqueueReadBuffer", code);
	}
	clFinish(queue);
	if (mem)
		clReleaseMemObject(mem);
	free(at);
	free(device);
	return status;
}
#endif

static int run_cpu1(const vir0_program *program, const uint32_t groups[3],
		    struct vir0_binding *bindings, uint32_t n, struct vir0_error *err)
{
	return vir0_run_cpu(program, groups, bindings, n, 1, err);
}

static int run_cpu4(const vir0_program *program, const uint32_t groups[3],
		    struct vir0_binding *bindings, uint32_t n, struct vir0_error *err)
{
	return vir0_run_cpu(program, groups, bindings, n, 4, err);
}

static const struct conformance_engine engines[] = {
	{ .name = "cpu1", .run = run_cpu1 },
	{ .name = "cpu4", .run = run_cpu4 },
#ifdef HAVE_OPENCL
	/* The megakernel on $VIR0_OPENCL_DEVICE (default 0): PoCL in CI. A
	 * launch per run costs ~0.1 ms on PoCL, so a few thousand programs. */
	{ .name = "opencl", .run = vir0_cl_run, .max_programs = 3000,
	  .max_programs_env = "VIR0_FUZZ_OPENCL_N" },
	{ .name = "opencl-enqueue", .setup = setup_opencl_enqueue,
	  .teardown = teardown_opencl_enqueue, .run = run_opencl_enqueue, .max_programs = 1000,
	  .max_programs_env = "VIR0_FUZZ_OPENCL_N" },
	/* Every program and variant is one clBuildProgram (0.05-3 s on PoCL,
	 * 50-70 ms on an H100), so a few dozen programs by default. */
	{ .name = "opencl-jit", .setup = setup_opencl_jit, .teardown = teardown_opencl_jit,
	  .run = run_opencl_jit, .max_programs = 25, .max_programs_env = "VIR0_FUZZ_JIT_N" },
#endif
};

const struct conformance_engine *conformance_engines(size_t *count)
{
	*count = sizeof(engines) / sizeof(engines[0]);
	return engines;
}

unsigned conformance_engine_max_programs(const struct conformance_engine *engine)
{
	unsigned table = engine->max_programs ? engine->max_programs : UINT_MAX;
	const char *text = engine->max_programs_env ? getenv(engine->max_programs_env) : NULL;
	if (!text || !*text)
		return table;
	char *end;
	unsigned long value = strtoul(text, &end, 10);
	if (*end || value > UINT_MAX) {
		fprintf(stderr, "conformance: %s=%s is not a program count; keeping %u\n",
			engine->max_programs_env, text, table);
		return table;
	}
	return (unsigned)value;
}
