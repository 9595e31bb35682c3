/* cl_launch.c - batch launches: the ring image goes to a device buffer of
 * its own (so launches can be in flight together), the megakernel drains
 * it over as many work-groups as the device keeps busy, and the
 * synchronous path reads the slots back to report faults. */
#include "cl_launch.h"

#include "cl_error.h"
#include "error.h"

#include <stdlib.h>

/* The kernel's `copy` words past a slot and its descriptors: a batch
 * work-group's counts of completed slots and one more word
 * (megakernel_ring.cl, COPY_COUNTS and COPY_STOP). */
#define COPY_EXTRA_WORDS 34u
/* The kernel's `mode` argument (megakernel_ring.cl, MODE_*). */
enum { MODE_BATCH, MODE_RESIDENT, MODE_BATCH_SHARED, MODE_LONE };
/* The `lone` argument after the memory objects, a struct of the ring
 * words of a lone launch (megakernel_ring.cl, struct lone). */
#define ARG_LONE (ARG_MEM0 + VIR0_CL_MAX_MEMS)
#define LONE_WORDS 48u

#define SET_ARG(index, size, value) \
	do { \
		cl_int set_code = clSetKernelArg(dev->kernel, (index), (size), (value)); \
		if (set_code != CL_SUCCESS) \
			return vir0_cl_fail(err, "clSetKernelArg", set_code, \
					    "megakernel argument %d", (int)(index)); \
	} while (0)

/* Set argument `index`, a cl_uint (or, with `local`, a __local buffer of
 * `value` bytes), unless it holds that already: arguments stay set on the
 * kernel from launch to launch, and most of them never change. */
static int set_scalar(vir0_cl_device *dev, enum cl_kernel_arg index, cl_uint value, int local,
		      struct vir0_error *err)
{
	if (dev->args_set & 1u << index && dev->args[index] == value)
		return VIR0_OK;
	cl_int code = local ? clSetKernelArg(dev->kernel, index, value, NULL)
			    : clSetKernelArg(dev->kernel, index, sizeof(value), &value);
	if (code != CL_SUCCESS) {
		dev->args_set &= ~(1u << index);
		return vir0_cl_fail(err, "clSetKernelArg", code, "megakernel argument %d",
				    (int)index);
	}
	dev->args[index] = value;
	dev->args_set |= 1u << index;
	return VIR0_OK;
}

/* Set buffer argument `index` to `mem` unless it holds that already and
 * may be kept: NULL, or a buffer of the device's own (`owned`), whose
 * replacement clears the bit (cl_arg_forget). Buffers handed in (a ring,
 * a state) are set every time: their handles may be released and come
 * back as other buffers'. */
static int set_mem(vir0_cl_device *dev, enum cl_kernel_arg index, cl_mem mem, int owned,
		   struct vir0_error *err)
{
	uint32_t bit = 1u << index;
	int keep = owned || !mem;
	if (keep && dev->args_set & bit && dev->mem_args[index] == mem)
		return VIR0_OK;
	dev->args_set &= ~bit;
	SET_ARG(index, sizeof(cl_mem), mem ? &mem : NULL);
	dev->mem_args[index] = mem;
	if (keep)
		dev->args_set |= bit;
	return VIR0_OK;
}

/* The `lone` argument: the ring's words of a lone launch, zero-padded
 * (each launch), else zeros once: a kernel runs only with every argument
 * set. */
static int set_lone(vir0_cl_device *dev, const struct cl_ring *ring, int lone,
		    struct vir0_error *err)
{
	_Static_assert(ARG_LONE < 32, "args_set has a bit per argument");
	if (!lone && dev->args_set & 1u << ARG_LONE)
		return VIR0_OK;
	cl_uint words[LONE_WORDS] = { 0 };
	for (uint32_t i = 0; lone && i < ring->state_at; i++)
		words[i] = ring->words[i];
	SET_ARG(ARG_LONE, sizeof(words), words);
	dev->args_set |= 1u << ARG_LONE;
	return VIR0_OK;
}

int cl_ring_is_lone(const struct cl_ring *ring)
{
	return ring->nslots == 1 && ring->state_at <= LONE_WORDS &&
	       ring->words[1] == VIR0_CL_OP_RUN_VIR0 && ring->words[4 + RUN_NCHUNKS] == 1;
}

int cl_launch_kernel(vir0_cl_device *dev, cl_command_queue queue, void *ring_arg, int svm,
		     cl_mem state, cl_uint state_at, const struct cl_ring *ring, uint32_t groups,
		     enum cl_launch_mode how,
		     cl_uint nwait, const cl_event *wait, cl_event *done, struct vir0_error *err)
{
	int status = vir0_cl_scratch_reserve(dev, ring->scratch_words, err);
	if (status)
		return status;
	/* The capacity: programs uploaded while a resident kernel runs lie
	 * past what was used when it started. */
	cl_uint store_words = (cl_uint)dev->store_capacity, control_words = VIR0_CL_CONTROL_WORDS;
	cl_uint scratch_words = (cl_uint)dev->scratch_item_words;
	cl_uint wgmem = (cl_uint)(ring->wgmem_bytes > 16 ? ring->wgmem_bytes : 16);
	/* A batch whose slots all have one chunk: none to share. */
	cl_uint mode = how == CL_LAUNCH_RESIDENT ? MODE_RESIDENT
		       : how == CL_LAUNCH_LONE ? MODE_LONE
		       : ring->chunks > ring->nslots ? MODE_BATCH_SHARED : MODE_BATCH;
	cl_uint spins = dev->idle_spins;
	if (svm) {
		cl_arg_forget(dev, ARG_RING);
		cl_int code = clSetKernelArgSVMPointer(dev->kernel, ARG_RING, ring_arg);
		if (code != CL_SUCCESS)
			return vir0_cl_fail(err, "clSetKernelArgSVMPointer", code, "the ring");
	} else {
		status = set_mem(dev, ARG_RING, *(cl_mem *)ring_arg, 0, err);
	}
	const struct {
		enum cl_kernel_arg index;
		cl_mem mem;
		int owned;
	} mems[] = {
		{ ARG_STATE, state, 0 },
		{ ARG_CONTROL, dev->control, 1 },
		{ ARG_STORE, dev->store, 1 },
		{ ARG_SCRATCH, dev->scratch, 1 },
	};
	for (size_t i = 0; i < sizeof(mems) / sizeof(mems[0]) && status == VIR0_OK; i++)
		status = set_mem(dev, mems[i].index, mems[i].mem, mems[i].owned, err);
	if (status)
		return status;
	const struct {
		enum cl_kernel_arg index;
		cl_uint value;
		int local;
	} scalars[] = {
		{ ARG_NSLOTS, ring->nslots, 0 },
		{ ARG_RING_WORDS, ring->state_at, 0 },
		{ ARG_STATE_AT, state_at, 0 },
		{ ARG_STATE_STRIDE, ring->state_stride, 0 },
		{ ARG_CONTROL_WORDS, control_words, 0 },
		{ ARG_STORE_WORDS, store_words, 0 },
		{ ARG_SCRATCH_WORDS, scratch_words, 0 },
		{ ARG_WGMEM, wgmem, 1 },
		{ ARG_WGMEM_BYTES, wgmem, 0 },
		{ ARG_COPY, (VIR0_CL_SLOT_WORDS + CL_DESC_WORDS * CL_MAX_DESC + COPY_EXTRA_WORDS) * 4,
		  1 },
		{ ARG_PERSISTENT, mode, 0 },
		{ ARG_IDLE_SPINS, spins, 0 },
	};
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		status = set_scalar(dev, scalars[i].index, scalars[i].value, scalars[i].local, err);
		if (status)
			return status;
	}
	/* The ring's buffers are handed in, set every time, but an unused one
	 * stays NULL from launch to launch: a tiny task binds 3 of the 8. */
	_Static_assert(ARG_MEM0 + VIR0_CL_MAX_MEMS <= 32, "args_set has a bit per argument");
	for (uint32_t m = 0; m < VIR0_CL_MAX_MEMS && status == VIR0_OK; m++)
		status = set_mem(dev, ARG_MEM0 + m, m < ring->nmems ? ring->mems[m] : NULL, 0, err);
	if (status)
		return status;
	status = set_lone(dev, ring, how == CL_LAUNCH_LONE, err);
	if (status)
		return status;
	size_t local = dev->wg, global = (size_t)groups * dev->wg;
	cl_int code = clEnqueueNDRangeKernel(queue, dev->kernel, 1, NULL, &global, &local, nwait,
					     wait, done);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clEnqueueNDRangeKernel", code,
				    "the megakernel over %u work-groups of %u", groups, dev->wg);
	return VIR0_OK;
}

/* Enqueue one command of cl_ring_upload after *last, which becomes its
 * event; with no `last` (an in-order queue), with no event at all. */
static int upload_step(cl_command_queue queue, cl_mem mem, const uint32_t *words, size_t at,
		       size_t bytes, cl_bool blocking, cl_event *last, struct vir0_error *err)
{
	static const cl_uint zero = 0;
	cl_event ev;
	cl_uint nwait = last && *last != NULL;
	const cl_event *wait = nwait ? last : NULL;
	cl_event *out = last ? &ev : NULL;
	cl_int code = words ? clEnqueueWriteBuffer(queue, mem, blocking, at, bytes, words + at / 4,
						   nwait, wait, out)
			    : clEnqueueFillBuffer(queue, mem, &zero, sizeof(zero), at, bytes, nwait,
						  wait, out);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, words ? "clEnqueueWriteBuffer" : "clEnqueueFillBuffer",
				    code, "%zu bytes of a ring at byte %zu", bytes, at);
	if (!last)
		return VIR0_OK;
	if (*last)
		clReleaseEvent(*last);
	*last = ev;
	return VIR0_OK;
}

int cl_ring_upload(cl_command_queue queue, cl_mem mem, const struct cl_ring *ring, int copy,
		   cl_bool blocking, cl_event *last, struct vir0_error *err)
{
	size_t fill_at = (size_t)ring->state_at * 4, fill_end = fill_at + (size_t)ring->fill_words * 4;
	size_t end = (size_t)ring->nwords * 4;
	int status = VIR0_OK;
	if (last)
		*last = NULL;
	if (!ring->fill_words)
		fill_at = fill_end = end;
	if (copy)
		status = upload_step(queue, mem, ring->words, 0, fill_at, blocking, last, err);
	if (status == VIR0_OK && fill_end > fill_at)
		status = upload_step(queue, mem, NULL, fill_at, fill_end - fill_at, CL_FALSE, last,
				     err);
	if (status == VIR0_OK && copy && end > fill_end)
		status = upload_step(queue, mem, ring->words, fill_end, end - fill_end, blocking, last,
				     err);
	/* A failed step leaves the ones before it reading ring->words. */
	if (status != VIR0_OK && !last)
		clFinish(queue);
	if (status != VIR0_OK && last && *last) {
		clWaitForEvents(1, last);
		clReleaseEvent(*last);
		*last = NULL;
	}
	return status;
}

int cl_launch_after(vir0_cl_device *dev, cl_command_queue queue, cl_mem mem,
		    const struct cl_ring *ring, uint32_t groups, cl_uint nwait,
		    const cl_event *wait, cl_event upload, cl_event *done,
		    struct vir0_error *err)
{
	if (!upload)
		return cl_launch_kernel(dev, queue, &mem, 0, mem, ring->state_at, ring, groups,
					CL_LAUNCH_BATCH, nwait, wait, done, err);
	/* The queue may be out of order: the kernel waits for both. A task
	 * waits on a few events (its outputs' fills); no malloc for those. */
	cl_event few[8];
	cl_event *after = nwait < sizeof few / sizeof *few
				  ? few : malloc(((size_t)nwait + 1) * sizeof(*after));
	if (!after)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for %u events", nwait + 1);
	for (cl_uint i = 0; i < nwait; i++)
		after[i] = wait[i];
	after[nwait] = upload;
	int status = cl_launch_kernel(dev, queue, &mem, 0, mem, ring->state_at, ring, groups,
				      CL_LAUNCH_BATCH, nwait + 1, after, done, err);
	if (after != few)
		free(after);
	return status;
}

/* Frees a ring image that a buffer used in place, once it is gone. */
static void CL_CALLBACK free_words(cl_mem mem, void *words)
{
	(void)mem;
	free(words);
}

int cl_launch(vir0_cl_device *dev, cl_command_queue queue, struct cl_ring *ring,
	      cl_uint nwait, const cl_event *wait, cl_event *done, cl_mem *ring_out,
	      struct vir0_error *err)
{
	if (!ring_out && cl_ring_is_lone(ring)) {
		cl_mem none = NULL;
		return cl_launch_kernel(dev, queue, &none, 0, none, 0, ring, 1, CL_LAUNCH_LONE,
					nwait, wait, done, err);
	}
	uint32_t groups = ring->chunks < dev->groups ? (uint32_t)ring->chunks : dev->groups;
	groups = groups ? groups : 1;
	if (!ring_out && dev->ring_pool) {
		int launched, status = cl_ring_pool_launch(dev, queue, ring, groups, nwait, wait,
							   done, &launched, err);
		if (status || launched)
			return status;
	}
	cl_int code;
	/* A CPU device's buffer can be the image itself, with no copy of
	 * every slot's words and state: the buffer frees the words once
	 * released and run. Read back (ring_out), they stay the caller's.
	 * An image with unset state is copied by cl_ring_upload, which
	 * leaves that state out. */
	int in_place = !dev->is_gpu && !ring_out;
	int copy = !in_place && ring->fill_words;
	cl_mem_flags flags = in_place ? CL_MEM_USE_HOST_PTR
				      : copy ? 0 : CL_MEM_COPY_HOST_PTR;
	cl_mem mem = clCreateBuffer(dev->context, CL_MEM_READ_WRITE | flags,
				    (size_t)ring->nwords * 4, copy ? NULL : ring->words, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateBuffer", code, "a ring of %u slots", ring->nslots);
	if (in_place) {
		code = clSetMemObjectDestructorCallback(mem, free_words, ring->words);
		if (code != CL_SUCCESS) {
			clReleaseMemObject(mem);
			return vir0_cl_fail(err, "clSetMemObjectDestructorCallback", code,
					    "a ring of %u slots", ring->nslots);
		}
		ring->words = NULL;
	}
	/* The slots' state is the tail of the same buffer; the words are
	 * the caller's once the copy returns. */
	cl_event upload;
	int status = cl_ring_upload(queue, mem, ring, copy, CL_TRUE, &upload, err);
	if (status == VIR0_OK)
		status = cl_launch_after(dev, queue, mem, ring, groups, nwait, wait, upload, done,
					 err);
	if (upload)
		clReleaseEvent(upload);
	if (status == VIR0_OK && ring_out) {
		clRetainMemObject(mem);
		*ring_out = mem;
	}
	/* The launch keeps the buffer alive until it has run. */
	clReleaseMemObject(mem);
	return status;
}

/* Zero the outputs, then launch; lock taken here. The claimer zeroes
 * the small outputs of a lone slot (cl_ring_zero_in_kernel); otherwise a
 * fill per output, and the launch waits on the fills, which waited on
 * the caller's events. */
static int enqueue_ring(vir0_cl_device *dev, cl_command_queue queue,
			const struct vir0_cl_slot *slots, struct cl_ring *ring,
			cl_uint nwait, const cl_event *wait, cl_event *done, cl_mem *ring_out,
			struct vir0_error *err)
{
	cl_event *fills = NULL;
	cl_uint nfills = 0;
	int status = VIR0_OK;
	if (!cl_ring_zero_in_kernel(dev, slots, ring))
		status = cl_ring_zero_outputs(queue, slots, ring, nwait, wait, &fills, &nfills, err);
	if (status == VIR0_OK) {
		pthread_mutex_lock(&dev->lock);
		vir0_cl_persistent_stop(dev);
		status = cl_launch(dev, queue, ring, nfills ? nfills : nwait, nfills ? fills : wait,
				   done, ring_out, err);
		pthread_mutex_unlock(&dev->lock);
	}
	for (cl_uint e = 0; e < nfills; e++)
		clReleaseEvent(fills[e]);
	free(fills);
	return status;
}

int vir0_cl_enqueue(vir0_cl_device *dev, cl_command_queue queue,
		    const struct vir0_cl_slot *slots, uint32_t nslots, cl_uint nwait,
		    const cl_event *wait, cl_event *done, struct vir0_error *err)
{
	if (!dev || !queue)
		return vir0_error_at(err, VIR0_EARG, 0, "device and queue must not be NULL");
	struct cl_ring ring;
	int status = cl_ring_encode_batch(dev, slots, nslots, &ring, err);
	if (status)
		return status;
	status = enqueue_ring(dev, queue, slots, &ring, nwait, wait, done, NULL, err);
	cl_ring_free(&ring);
	return status;
}

/* The batch path of vir0_cl_run_slots: launch, read the slots back, check. */
int vir0_cl_run_batch(vir0_cl_device *dev, cl_command_queue queue,
		      const struct vir0_cl_slot *slots, uint32_t nslots, struct vir0_error *err)
{
	struct cl_ring ring;
	int status = cl_ring_encode_batch(dev, slots, nslots, &ring, err);
	if (status)
		return status;
	cl_mem mem = NULL;
	status = enqueue_ring(dev, queue, slots, &ring, 0, NULL, NULL, &mem, err);
	if (status == VIR0_OK) {
		cl_int code = clEnqueueReadBuffer(queue, mem, CL_TRUE, 0,
						  (size_t)nslots * VIR0_CL_SLOT_WORDS * 4, ring.words,
						  0, NULL, NULL);
		if (code != CL_SUCCESS)
			status = vir0_cl_fail(err, "clEnqueueReadBuffer", code,
					      "reading back %u slots", nslots);
		else
			status = cl_ring_check(&ring, ring.words, err);
	}
	if (mem)
		clReleaseMemObject(mem);
	cl_ring_free(&ring);
	return status;
}
