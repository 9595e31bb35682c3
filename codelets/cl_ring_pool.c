/* cl_ring_pool.c - the device buffers that batch launches copy their ring
 * images into, kept from launch to launch. A buffer created per launch
 * (clCreateBuffer with CL_MEM_COPY_HOST_PTR, then released) is a device
 * allocation and a synchronous copy on every task; here the image goes
 * by an asynchronous write into a buffer whose last launch has finished,
 * and the host words stay alive until the next launch that reuses it.
 * A large all-zero state is filled on the device, not copied
 * (cl_ring_encode_batch). */
#include "cl_launch.h"

#include "cl_error.h"
#include "error.h"

#include <stdlib.h>

/* Smallest buffer made: a one-slot ring is a few hundred bytes. */
#define RING_BUFFER_MIN 4096u

/* 1 when nothing enqueued on `b` is still to run. */
static int ring_buffer_idle(const struct cl_ring_buffer *b)
{
	if (!b->busy)
		return 1;
	cl_int status;
	if (clGetEventInfo(b->busy, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(status), &status,
			   NULL) != CL_SUCCESS)
		return 0;
	/* Negative: the command was aborted, which also ends its use. */
	return status == CL_COMPLETE || status < 0;
}

/* An idle buffer of at least `bytes`: the smallest idle one that fits,
 * else an idle (or empty) entry regrown; NULL when every entry is busy. */
static struct cl_ring_buffer *ring_buffer_take(vir0_cl_device *dev, size_t bytes,
					       struct vir0_error *err, int *status)
{
	struct cl_ring_buffer *fit = NULL, *other = NULL;
	for (unsigned i = 0; i < CL_RING_POOL; i++) {
		struct cl_ring_buffer *b = &dev->rings[i];
		if (!ring_buffer_idle(b))
			continue;
		if (b->mem && b->bytes >= bytes) {
			if (!fit || b->bytes < fit->bytes)
				fit = b;
		} else if (!other || !b->mem) {
			other = b;
		}
	}
	if (fit || !other)
		return fit;
	size_t size = RING_BUFFER_MIN;
	while (size < bytes)
		size *= 2;
	if (other->mem)
		clReleaseMemObject(other->mem);
	other->bytes = 0;
	cl_int code;
	other->mem = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, size, NULL, &code);
	if (code != CL_SUCCESS) {
		other->mem = NULL;
		*status = vir0_cl_fail(err, "clCreateBuffer", code, "a %zu-byte ring buffer", size);
		return NULL;
	}
	other->bytes = size;
	return other;
}

int cl_ring_pool_launch(vir0_cl_device *dev, cl_command_queue queue, struct cl_ring *ring,
			uint32_t groups, cl_uint nwait, const cl_event *wait, cl_event *done,
			int *launched, struct vir0_error *err)
{
	int status = VIR0_OK;
	size_t bytes = (size_t)ring->nwords * 4;
	*launched = 0;
	struct cl_ring_buffer *b = ring_buffer_take(dev, bytes, err, &status);
	if (!b)
		return status;
	cl_event upload;
	status = cl_ring_upload(queue, b->mem, ring, 1, CL_FALSE, &upload, err);
	if (status)
		return status;
	/* The writes read these words until they have run: they live with
	 * the buffer until its next use. */
	free(b->words);
	b->words = ring->words;
	ring->words = NULL;
	if (b->busy)
		clReleaseEvent(b->busy);
	b->busy = upload;
	cl_event ran;
	status = cl_launch_after(dev, queue, b->mem, ring, groups, nwait, wait, upload, &ran, err);
	if (status)
		return status;
	clReleaseEvent(b->busy);
	b->busy = ran;
	if (done) {
		clRetainEvent(ran);
		*done = ran;
	}
	*launched = 1;
	return VIR0_OK;
}

void cl_ring_pool_free(vir0_cl_device *dev)
{
	for (unsigned i = 0; i < CL_RING_POOL; i++) {
		struct cl_ring_buffer *b = &dev->rings[i];
		if (b->busy) {
			clWaitForEvents(1, &b->busy);
			clReleaseEvent(b->busy);
		}
		if (b->mem)
			clReleaseMemObject(b->mem);
		free(b->words);
	}
}
