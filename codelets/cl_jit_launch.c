/* cl_jit_launch.c - launching a ready JIT kernel on a caller's queue: the
 * argument checks of fmt §1.5/§1.6, the zero-fill of output buffers, three
 * kernel arguments per buffer (doc/opencl-jit.md), and a host-memory
 * runner for tools and tests. */
#include "cl_jit.h"

#include <stdlib.h>
#include <string.h>

#include "cl_error.h"
#include "error.h"
#include "expr_type.h"

static int check_grid(const struct vir0_cl_jit_kernel *k, const uint32_t groups[3],
		      size_t global[3], size_t local[3], struct vir0_error *err)
{
	if (!groups)
		return vir0_error_at(err, VIR0_EARG, 0, "no grid: pass one (vir0_default_grid "
				     "gives the default)");
	for (int a = 0; a < 3; a++) {
		uint64_t total = (uint64_t)groups[a] * k->workgroup_size[a];
		if (groups[a] == 0 || total > UINT32_MAX + 1ull)
			return vir0_error_at(err, VIR0_EARG, 0, "grid axis %d: %u workgroups of %u "
					     "invocations; need 1 or more, and at most 2^32 "
					     "invocations (fmt §1.6)", a, groups[a],
					     k->workgroup_size[a]);
		global[a] = (size_t)total;
		local[a] = k->workgroup_size[a];
	}
	uint64_t size = (uint64_t)local[0] * local[1] * local[2];
	if (k->max_workgroup && size > k->max_workgroup)
		return vir0_error_at(err, VIR0_EARG, 0, "a workgroup of %llu invocations is more "
				     "than this kernel can run on the device (%zu): run the "
				     "program with the interpreter", (unsigned long long)size,
				     k->max_workgroup);
	return VIR0_OK;
}

static int check_args(const struct vir0_cl_jit_kernel *k, const struct vir0_cl_jit_arg *args,
		      uint32_t nargs, struct vir0_error *err)
{
	if (nargs != k->nbuffers || (nargs && !args))
		return vir0_error_at(err, VIR0_EARG, 0, "%u buffer arguments for a program that "
				     "declares %u buffers: pass one per buffer", nargs, k->nbuffers);
	for (uint32_t i = 0; i < nargs; i++) {
		const struct vir0_bc_buffer *b = &k->buffers[i];
		size_t size = vir0_element_size(b->element);
		if (b->access == VIR0_ACCESS_WORKGROUP)
			continue;
		if (b->count && args[i].count != b->count)
			return vir0_error_at(err, VIR0_EARG, 0, "buffer %u holds %zu elements, the "
					     "program declares %u (fmt §1.5)", i, args[i].count,
					     b->count);
		if (args[i].count > UINT32_MAX)
			return vir0_error_at(err, VIR0_EARG, 0, "buffer %u: %zu elements, more than "
					     "a u32 length (fmt §1.5)", i, args[i].count);
		if (args[i].offset % size)
			return vir0_error_at(err, VIR0_EARG, 0, "buffer %u: byte offset %zu is not "
					     "a multiple of its element size %zu", i,
					     args[i].offset, size);
		if (args[i].count && !args[i].mem)
			return vir0_error_at(err, VIR0_EARG, 0, "buffer %u: %zu elements but no "
					     "cl_mem", i, args[i].count);
	}
	return VIR0_OK;
}

/* fmt §1.5: output buffers start zeroed. One fill per output, after the
 * caller's events; the fills' events go into `fills`. */
static int zero_outputs(const struct vir0_cl_jit_kernel *k, cl_command_queue queue,
			const struct vir0_cl_jit_arg *args, cl_uint nwait, const cl_event *wait,
			cl_event *fills, cl_uint *nfills, struct vir0_error *err)
{
	const cl_uchar zero = 0;
	*nfills = 0;
	for (uint32_t i = 0; i < k->nbuffers; i++) {
		if (!k->buffers[i].is_output || args[i].count == 0)
			continue;
		size_t size = args[i].count * vir0_element_size(k->buffers[i].element);
		cl_int status = clEnqueueFillBuffer(queue, args[i].mem, &zero, 1, args[i].offset,
						    size, nwait, wait, &fills[*nfills]);
		if (status != CL_SUCCESS)
			return vir0_cl_fail(err, "clEnqueueFillBuffer", status,
					    "zeroing output buffer %u", i);
		(*nfills)++;
	}
	return VIR0_OK;
}

static int set_args(struct vir0_cl_jit_kernel *k, const struct vir0_cl_jit_arg *args,
		    struct vir0_error *err)
{
	cl_uint index = 0;
	for (uint32_t i = 0; i < k->nbuffers; i++) {
		if (k->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		cl_ulong offset = args[i].offset / vir0_element_size(k->buffers[i].element);
		cl_uint len = (cl_uint)args[i].count;
		cl_int status = clSetKernelArg(k->kernel, index++, sizeof(cl_mem), &args[i].mem);
		if (status == CL_SUCCESS)
			status = clSetKernelArg(k->kernel, index++, sizeof(offset), &offset);
		if (status == CL_SUCCESS)
			status = clSetKernelArg(k->kernel, index++, sizeof(len), &len);
		if (status != CL_SUCCESS)
			return vir0_cl_fail(err, "clSetKernelArg", status, "JIT buffer %u", i);
	}
	return VIR0_OK;
}

int vir0_cl_jit_enqueue(struct vir0_cl_jit_kernel *kernel, cl_command_queue queue,
			const uint32_t groups[3], const struct vir0_cl_jit_arg *args,
			uint32_t nargs, cl_uint nwait, const cl_event *wait,
			cl_event *event, struct vir0_error *err)
{
	size_t global[3], local[3];
	if (!kernel || !queue)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_cl_jit_enqueue needs a kernel and "
				     "a queue");
	if (vir0_cl_jit_poll(kernel) != VIR0_CL_JIT_READY)
		return vir0_error_at(err, VIR0_EARG, 0, "the JIT kernel is not ready: poll or wait "
				     "for it, and run the interpreter meanwhile");
	int rc = check_grid(kernel, groups, global, local, err);
	if (!rc)
		rc = check_args(kernel, args, nargs, err);
	if (rc)
		return rc;
	cl_event *fills = malloc((nargs ? nargs : 1) * sizeof(*fills));
	cl_uint nfills = 0;
	if (!fills)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory launching a JIT kernel");
	rc = zero_outputs(kernel, queue, args, nwait, wait, fills, &nfills, err);
	if (!rc) {
		/* The kernel follows the fills, which followed the caller's
		 * events; without fills it follows the caller's events. */
		const cl_event *after = nfills ? fills : wait;
		cl_uint nafter = nfills ? nfills : nwait;
		pthread_mutex_lock(&kernel->launch_lock);
		rc = set_args(kernel, args, err);
		if (!rc) {
			cl_int status = clEnqueueNDRangeKernel(queue, kernel->kernel, 3, NULL, global,
							       local, nafter, nafter ? after : NULL,
							       event);
			if (status != CL_SUCCESS)
				rc = vir0_cl_fail(err, "clEnqueueNDRangeKernel", status,
						  "JIT kernel over %zu x %zu x %zu work-items",
						  global[0], global[1], global[2]);
		}
		pthread_mutex_unlock(&kernel->launch_lock);
	}
	for (cl_uint i = 0; i < nfills; i++)
		clReleaseEvent(fills[i]);
	free(fills);
	return rc;
}

int vir0_cl_jit_run(struct vir0_cl_jit_kernel *kernel, cl_command_queue queue,
		    const uint32_t groups[3], const struct vir0_cl_jit_arg *args,
		    uint32_t nargs, struct vir0_error *err)
{
	cl_event done;
	int rc = vir0_cl_jit_enqueue(kernel, queue, groups, args, nargs, 0, NULL, &done, err);
	if (rc)
		return rc;
	cl_int status = clWaitForEvents(1, &done);
	clReleaseEvent(done);
	if (status != CL_SUCCESS)
		return vir0_cl_fail(err, "clWaitForEvents", status, "JIT kernel run");
	return VIR0_OK;
}

static void release_mems(struct vir0_cl_jit_arg *args, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (args[i].mem)
			clReleaseMemObject(args[i].mem);
	free(args);
}

/* Device copies of the host bindings; sizes as fmt §1.5 requires. */
static int upload(const vir0_program *program, struct vir0_cl_jit_standalone *s,
		  const struct vir0_binding *bindings, struct vir0_cl_jit_arg *args,
		  struct vir0_error *err)
{
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		const struct vir0_buffer *b = &program->buffers[i];
		size_t size = vir0_element_size(b->element.kind);
		cl_int status;
		if (b->access == VIR0_ACCESS_WORKGROUP)
			continue;
		if (bindings[i].size % size || (bindings[i].size && !bindings[i].data))
			return vir0_error_at(err, VIR0_EARG, 0, "buffer %s: %zu bytes is not a whole "
					     "number of %zu-byte elements (fmt §1.5)", b->name,
					     bindings[i].size, size);
		args[i].count = bindings[i].size / size;
		if (bindings[i].size == 0)
			continue;
		args[i].mem = clCreateBuffer(s->context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
					     bindings[i].size, bindings[i].data, &status);
		if (!args[i].mem)
			return vir0_cl_fail(err, "clCreateBuffer", status, "buffer %s, %zu bytes",
					    b->name, bindings[i].size);
	}
	return VIR0_OK;
}

int vir0_cl_jit_run_host(struct vir0_cl_jit *jit, struct vir0_cl_jit_standalone *s,
			 const vir0_program *program, const uint32_t groups[3],
			 struct vir0_binding *bindings, uint32_t nbindings,
			 struct vir0_error *err)
{
	struct vir0_cl_jit_kernel *k;
	uint32_t grid[3];
	int rc = vir0_cl_jit_request(jit, program, &k, err);
	if (!rc)
		rc = vir0_cl_jit_wait(k, err);
	if (rc)
		return rc;
	if (nbindings != program->nbuffers || (nbindings && !bindings))
		return vir0_error_at(err, VIR0_EARG, 0, "%u bindings for %u buffers: pass one per "
				     "declared buffer", nbindings, program->nbuffers);
	if (groups)
		memcpy(grid, groups, sizeof(grid));
	else if ((rc = vir0_default_grid(program, bindings, grid, err)))
		return rc;
	struct vir0_cl_jit_arg *args = calloc(nbindings ? nbindings : 1, sizeof(*args));
	if (!args)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory running a JIT kernel");
	rc = upload(program, s, bindings, args, err);
	if (!rc)
		rc = vir0_cl_jit_run(k, s->queue, grid, args, nbindings, err);
	for (uint32_t i = 0; i < nbindings && !rc; i++) {
		if (program->buffers[i].access != VIR0_ACCESS_READ_WRITE || !args[i].mem)
			continue;
		cl_int status = clEnqueueReadBuffer(s->queue, args[i].mem, CL_TRUE, 0,
						    bindings[i].size, bindings[i].data, 0, NULL,
						    NULL);
		if (status != CL_SUCCESS)
			rc = vir0_cl_fail(err, "clEnqueueReadBuffer", status, "buffer %s",
					  program->buffers[i].name);
	}
	release_mems(args, nbindings);
	return rc;
}
