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

/* An idle buffer of at least `bytes` (regrown if it is smaller), in
 * turn from the one after the last taken: launches on one queue finish in
 * order, so the first looked at is the oldest and nearly always idle,
 * one event query a launch (each ~0.9 us on NVIDIA; looking at all eight
 * cost more than the launch). NULL when every entry is busy. */
static struct cl_ring_buffer *ring_buffer_take(vir0_cl_device *dev, size_t bytes,
					       struct vir0_error *err, int *status)
{
	struct cl_ring_buffer *b = NULL;
	for (unsigned i = 0; i < CL_RING_POOL && !b; i++) {
		unsigned k = (dev->ring_next + i) % CL_RING_POOL;
		if (ring_buffer_idle(&dev->rings[k])) {
			b = &dev->rings[k];
			dev->ring_next = (k + 1) % CL_RING_POOL;
		}
	}
	if (!b || (b->mem && b->bytes >= bytes))
		return b;
	size_t size = RING_BUFFER_MIN;
	while (size < bytes)
		size *= 2;
	if (b->mem)
		clReleaseMemObject(b->mem);
	b->bytes = 0;
	cl_int code;
	b->mem = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, size, NULL, &code);
	if (code != CL_SUCCESS) {
		b->mem = NULL;
		*status = vir0_cl_fail(err, "clCreateBuffer", code, "a %zu-byte ring buffer", size);
		return NULL;
	}
	b->bytes = size;
	return b;
}

/* 1 when `queue` runs its commands in order: then the ring's upload
 * needs no event, nor the launch a wait on it. */
static int queue_in_order(cl_command_queue queue)
{
	cl_command_queue_properties props = 0;
	if (clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES, sizeof(props), &props, NULL) !=
	    CL_SUCCESS)
		return 0;
	return !(props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
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
	int in_order = queue_in_order(queue);
	cl_event upload = NULL;
	status = cl_ring_upload(queue, b->mem, ring, 1, CL_FALSE, in_order ? NULL : &upload, err);
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
	if (status) {
		/* Nothing marks the end of an in-order upload: wait for it. */
		if (!upload)
			clFinish(queue);
		return status;
	}
	if (b->busy)
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
