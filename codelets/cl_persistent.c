/* cl_persistent.c - the device's mode and the resident kernel: where a
 * running kernel sees the host's writes (fine-grained SVM, or NVIDIA's
 * pinned host buffer of cl_nv_create_buffer), the megakernel stays
 * resident and polls a ring the host publishes into; elsewhere each run is
 * a batch launch. The host only writes the ring and reads statuses; every
 * atomic (claims, chunk counters) is on device memory, the slots' state
 * buffer: the device's atomics on host memory across PCIe lost updates on
 * the H100. */
#include "cl_engine.h"

#include "cl_launch.h"

#include "cl_env.h"
#include "cl_error.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_extension(cl_device_id device, const char *name)
{
	size_t size = 0;
	if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, 0, NULL, &size) != CL_SUCCESS)
		return 0;
	char *text = malloc(size + 1);
	int found = 0;
	if (text && clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, size, text, NULL) == CL_SUCCESS) {
		text[size] = '\0';
		size_t len = strlen(name);
		for (const char *at = strstr(text, name); at && !found; at = strstr(at + 1, name))
			found = (at == text || at[-1] == ' ') && (at[len] == ' ' || at[len] == '\0');
	}
	free(text);
	return found;
}

/* What the device offers for a resident kernel. */
static enum vir0_cl_mode offered_mode(const vir0_cl_device *dev)
{
	cl_device_svm_capabilities svm = 0;
	if (clGetDeviceInfo(dev->device, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm), &svm, NULL) ==
	    CL_SUCCESS &&
	    (svm & CL_DEVICE_SVM_FINE_GRAIN_BUFFER) && (svm & CL_DEVICE_SVM_ATOMICS))
		return VIR0_CL_MODE_PERSISTENT_SVM;
	if (has_extension(dev->device, "cl_nv_create_buffer"))
		return VIR0_CL_MODE_PERSISTENT_NV;
	return VIR0_CL_MODE_BATCH;
}

int vir0_cl_mode_choose(vir0_cl_device *dev, struct vir0_error *err)
{
	(void)err;
	enum vir0_cl_mode_request request = vir0_cl_env_mode();
	enum vir0_cl_mode offered = offered_mode(dev);
	if (request == VIR0_CL_MODE_FORCE_PERSISTENT && offered == VIR0_CL_MODE_BATCH)
		fprintf(stderr, "vir0: VIR0_CL_MODE=persistent, but %s offers neither "
			"fine-grained SVM with atomics nor cl_nv_create_buffer; using batch\n",
			dev->name);
	/* Auto keeps CPU devices in batch mode: there the host's polling and
	 * the resident kernel's threads share the cores, and one slot at a
	 * time took 200-980 us resident against 100 us per launch (PoCL, 2
	 * cores). */
	if (request == VIR0_CL_MODE_FORCE_BATCH || (request == VIR0_CL_MODE_AUTO && !dev->is_gpu))
		dev->mode = VIR0_CL_MODE_BATCH;
	else
		dev->mode = offered;
	return VIR0_OK;
}

/* The resident ring: RING_SLOTS slots and a descriptor area of
 * DESC_BUFFERS buffers per slot; the slots' state on the device. The
 * kernel reads the start of a slot's area with the slot's words
 * (megakernel_ring.cl, visit_read): it finds the area from the ring's
 * size, an equal share per slot after the slots. */
#define RING_SLOTS 64u
#define DESC_BUFFERS 32u
#define DESC_AREA (RING_SLOTS * VIR0_CL_SLOT_WORDS)
#define RING_WORDS (DESC_AREA + RING_SLOTS * DESC_BUFFERS * CL_DESC_WORDS)
#define STATE_STRIDE (CL_STATE_HEAD + DESC_BUFFERS * CL_DESC_WORDS)
/* After the descriptors: the ALIVE word (megakernel_ring.cl RING_ALIVE),
 * 1 from launch until the kernel leaves idle; a cache line of its own. */
#define RING_ALIVE RING_WORDS
#define RING_ALLOC_WORDS (RING_WORDS + 16u)
/* Host polls between looks at the kernel's event (a kernel that died). */
#define POLLS_PER_CHECK 65536u
/* Zeros the output fill copies from (DMA: a fill may be a kernel, which
 * would not run beside the resident one). */
#define ZERO_BYTES ((size_t)1 << 20)

typedef cl_mem (CL_API_CALL *create_buffer_nv_fn)(cl_context, cl_mem_flags, cl_bitfield,
						  size_t, void *, cl_int *);
#define CL_MEM_LOCATION_HOST_NV (1u << 0)
#define CL_MEM_PINNED_NV (1u << 1)

struct cl_persistent {
	cl_command_queue queue;      /* the resident kernel's own */
	uint32_t *ring;              /* RING_WORDS words the host and kernel share */
	cl_mem ring_mem;             /* NV: the pinned buffer; SVM: NULL */
	cl_mem state;                /* claims, chunk counters, slot copies */
	uint8_t generation[RING_SLOTS];
	cl_event running;            /* NULL when no kernel is resident */
	cl_mem launched_arena;
	size_t launched_scratch;
	void *zeros;                 /* ZERO_BYTES of zeros, made on first use */
	struct vir0_cl_resident_info info;
};

static int ring_create(vir0_cl_device *dev, struct cl_persistent *r, struct vir0_error *err)
{
	size_t bytes = RING_ALLOC_WORDS * 4u;
	cl_int code;
	if (dev->mode == VIR0_CL_MODE_PERSISTENT_SVM) {
		r->ring = clSVMAlloc(dev->context, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER |
				     CL_MEM_SVM_ATOMICS, bytes, 0);
		if (!r->ring)
			return vir0_error_at(err, VIR0_ENOMEM, 0, "clSVMAlloc of a %zu-byte "
					     "fine-grained ring failed on %s; set VIR0_CL_MODE=batch",
					     bytes, dev->name);
		memset(r->ring, 0, bytes);
		return VIR0_OK;
	}
	cl_platform_id platform;
	clGetDeviceInfo(dev->device, CL_DEVICE_PLATFORM, sizeof(platform), &platform, NULL);
	create_buffer_nv_fn create = (create_buffer_nv_fn)
		clGetExtensionFunctionAddressForPlatform(platform, "clCreateBufferNV");
	if (!create)
		return vir0_error_at(err, VIR0_EUNSUPPORTED, 0, "%s lists cl_nv_create_buffer but "
				     "has no clCreateBufferNV; set VIR0_CL_MODE=batch", dev->name);
	r->ring_mem = create(dev->context, CL_MEM_READ_WRITE,
			     CL_MEM_LOCATION_HOST_NV | CL_MEM_PINNED_NV, bytes, NULL, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateBufferNV", code, "a %zu-byte pinned ring", bytes);
	r->ring = clEnqueueMapBuffer(r->queue, r->ring_mem, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE,
				     0, bytes, 0, NULL, NULL, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clEnqueueMapBuffer", code, "the pinned ring");
	memset(r->ring, 0, bytes);
	return VIR0_OK;
}

/* The slots' state, zero: no slot claimed yet. */
static int state_create(vir0_cl_device *dev, struct cl_persistent *r, struct vir0_error *err)
{
	static const cl_uint zero = 0;
	size_t bytes = (size_t)RING_SLOTS * STATE_STRIDE * 4;
	cl_int code;
	r->state = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, bytes, NULL, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateBuffer", code, "the resident slots' state");
	code = clEnqueueFillBuffer(r->queue, r->state, &zero, sizeof(zero), 0, bytes, 0, NULL,
				   NULL);
	if (code == CL_SUCCESS)
		code = clFinish(r->queue);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clEnqueueFillBuffer", code, "the resident slots' state");
	return VIR0_OK;
}

static int resident_open(vir0_cl_device *dev, struct vir0_error *err)
{
	if (dev->resident)
		return VIR0_OK;
	struct cl_persistent *r = calloc(1, sizeof(*r));
	if (!r)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the resident ring");
	cl_int code;
	r->queue = clCreateCommandQueueWithProperties(dev->context, dev->device, NULL, &code);
	int status = code == CL_SUCCESS ? ring_create(dev, r, err)
		     : vir0_cl_fail(err, "clCreateCommandQueueWithProperties", code,
				    "the resident kernel's queue");
	if (status == VIR0_OK)
		status = state_create(dev, r, err);
	dev->resident = r;
	if (status)
		vir0_cl_persistent_free(dev);
	return status;
}

/* Everything written before reaches the ring first. A full fence, not a
 * release store: the NVIDIA pinned buffer may be write-combining memory,
 * whose stores x86 reorders unless fenced. */
static void ring_store(uint32_t *word, uint32_t value)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(word, value, __ATOMIC_RELEASE);
}

static uint32_t ring_load(const uint32_t *word)
{
	return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}

/* 1 while the resident kernel runs, read from the ring's ALIVE word (no
 * OpenCL call on the fast path). A kernel that left idle, or whose event
 * says it ended (`check`: it died), is waited for and forgotten. */
static int kernel_alive(struct cl_persistent *r, int check)
{
	if (!r->running)
		return 0;
	cl_int state = CL_RUNNING;
	if (check)
		clGetEventInfo(r->running, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(state), &state,
			       NULL);
	if (state > CL_COMPLETE && ring_load(&r->ring[RING_ALIVE]))
		return 1;
	r->info.idle_exits += state > CL_COMPLETE;
	clWaitForEvents(1, &r->running);
	clReleaseEvent(r->running);
	r->running = NULL;
	return 0;
}

/* Write a slot's 16 words `words` (and `ndesc` descriptor words) into
 * resident slot `at`, all but the status and the generation: those
 * publish_marks writes. */
static void publish_body(struct cl_persistent *r, const uint32_t *words, const uint32_t *desc,
			 uint32_t ndesc, uint32_t at)
{
	uint32_t *slot = r->ring + at * VIR0_CL_SLOT_WORDS;
	memcpy(slot + 1, words + 1, (4 + RUN_GENERATION - 1) * 4);
	slot[4 + RUN_FAULT] = 0;
	if (ndesc) {
		uint32_t area = DESC_AREA + at * DESC_BUFFERS * CL_DESC_WORDS;
		memcpy(r->ring + area, desc, ndesc * 4);
		slot[4 + RUN_DESC] = area;
	}
}

/* Publish resident slots [0, count), their bodies written: every
 * generation, then every status, each step fenced (three fences a round,
 * not two a slot). The kernel claims a slot by the generation it reads
 * after seeing PUBLISHED, so the generation must be the last word of the
 * slot to change. The last fence drains the stores to the device now
 * (write-combining buffers would hold them). */
static void publish_marks(struct cl_persistent *r, uint32_t count)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (uint32_t at = 0; at < count; at++) {
		r->generation[at] = (uint8_t)((r->generation[at] + 1u) % CL_GENERATIONS);
		__atomic_store_n(&r->ring[at * VIR0_CL_SLOT_WORDS + 4 + RUN_GENERATION],
				 r->generation[at], __ATOMIC_RELAXED);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (uint32_t at = 0; at < count; at++)
		__atomic_store_n(&r->ring[at * VIR0_CL_SLOT_WORDS], VIR0_CL_SLOT_PUBLISHED,
				 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void vir0_cl_persistent_stop(vir0_cl_device *dev)
{
	struct cl_persistent *r = dev->resident;
	if (!r || !kernel_alive(r, 0))
		return;
	/* A SHUTDOWN slot: the kernel sets control[SHUTDOWN] and every
	 * work-group leaves on its next pass. */
	const uint32_t shutdown[VIR0_CL_SLOT_WORDS] = { 0, VIR0_CL_OP_SHUTDOWN };
	publish_body(r, shutdown, NULL, 0, 0);
	publish_marks(r, 1);
	clWaitForEvents(1, &r->running);
	clReleaseEvent(r->running);
	r->running = NULL;
	ring_store(&r->ring[0], VIR0_CL_SLOT_EMPTY);
	static const uint32_t zero = 0;
	clEnqueueWriteBuffer(r->queue, dev->control, CL_TRUE, VIR0_CL_CONTROL_SHUTDOWN * 4, 4,
			     &zero, 0, NULL, NULL);
}

void vir0_cl_persistent_free(vir0_cl_device *dev)
{
	struct cl_persistent *r = dev->resident;
	if (!r)
		return;
	if (r->ring_mem) {
		if (r->ring)
			clEnqueueUnmapMemObject(r->queue, r->ring_mem, r->ring, 0, NULL, NULL);
		clFinish(r->queue);
		clReleaseMemObject(r->ring_mem);
	} else if (r->ring) {
		clSVMFree(dev->context, r->ring);
	}
	if (r->state)
		clReleaseMemObject(r->state);
	if (r->queue)
		clReleaseCommandQueue(r->queue);
	free(r->zeros);
	free(r);
	dev->resident = NULL;
}

/* Launch the resident kernel when it is not there, or was launched with
 * too little scratch or before the arena existed (lock held). */
static int ensure_running(vir0_cl_device *dev, const struct cl_ring *need,
			  struct vir0_error *err)
{
	struct cl_persistent *r = dev->resident;
	if (kernel_alive(r, 0) && need->scratch_words <= r->launched_scratch &&
	    r->launched_arena == dev->arena)
		return VIR0_OK;
	vir0_cl_persistent_stop(dev);
	struct cl_ring shape = *need;
	shape.nslots = RING_SLOTS;
	shape.nwords = RING_WORDS;
	shape.state_at = RING_WORDS;
	shape.state_stride = STATE_STRIDE;
	shape.nmems = dev->arena ? 1 : 0;
	shape.mems[0] = dev->arena;
	shape.wgmem_bytes = dev->local_budget;
	/* The kernel sets SHUTDOWN itself when it leaves on an idle spin. */
	static const cl_uint zero = 0;
	cl_int code = clEnqueueWriteBuffer(r->queue, dev->control, CL_FALSE,
					   VIR0_CL_CONTROL_SHUTDOWN * 4, 4, &zero, 0, NULL, NULL);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clEnqueueWriteBuffer", code, "clearing SHUTDOWN");
	ring_store(&r->ring[RING_ALIVE], 1u);
	int status = cl_launch_kernel(dev, r->queue, r->ring_mem ? (void *)&r->ring_mem : r->ring,
				      r->ring_mem == NULL, r->state, 0, &shape, dev->units,
				      CL_LAUNCH_RESIDENT, 0, NULL, &r->running, err);
	if (status)
		return status;
	clFlush(r->queue);
	r->info.launches++;
	r->launched_scratch = dev->scratch_item_words;
	r->launched_arena = dev->arena;
	return VIR0_OK;
}

/* Wait until the first `count` resident slots are DONE or FAULT,
 * relaunching the kernel if it left on an idle spin meanwhile. */
static int wait_slots(vir0_cl_device *dev, const struct cl_ring *ring, uint32_t count,
		      struct vir0_error *err)
{
	struct cl_persistent *r = dev->resident;
	for (uint32_t polls = 1;; polls++) {
		uint32_t open = 0;
		for (uint32_t i = 0; i < count; i++) {
			uint32_t status = ring_load(&r->ring[i * VIR0_CL_SLOT_WORDS]);
			open += status != VIR0_CL_SLOT_DONE && status != VIR0_CL_SLOT_FAULT;
		}
		if (!open)
			return VIR0_OK;
		if (!kernel_alive(r, polls % POLLS_PER_CHECK == 0)) {
			int status = ensure_running(dev, ring, err);
			if (status)
				return status;
		}
	}
}

/* Every binding in the arena, and few enough buffers for a resident slot. */
static int resident_can_run(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
			    uint32_t nslots)
{
	for (uint32_t s = 0; s < nslots; s++) {
		const vir0_cl_program *p = slots[s].program;
		if (!p)
			continue;
		if (p->nbuffers > DESC_BUFFERS || slots[s].nbindings != p->nbuffers)
			return 0;
		for (uint32_t i = 0; i < p->nbuffers; i++)
			if (slots[s].bindings[i].size &&
			    (!dev->arena || slots[s].bindings[i].mem != dev->arena))
				return 0;
	}
	return 1;
}

/* Slots from `first` in the next round: up to RING_SLOTS, and up to
 * and including a BATCH_FENCE. Pollers run their ranges of the ring side
 * by side, so a slot after a fence could run before the fence's slots
 * are done; the round ends at the fence instead (it waits for the slots
 * before it), and what follows goes in the next one. */
static uint32_t round_count(const struct vir0_cl_slot *slots, uint32_t nslots, uint32_t first)
{
	uint32_t count = nslots - first < RING_SLOTS ? nslots - first : RING_SLOTS;
	for (uint32_t i = 0; i + 1 < count; i++)
		if (!slots[first + i].program && slots[first + i].opcode == VIR0_CL_OP_BATCH_FENCE)
			return i + 1;
	return count;
}

/* Publish in rounds and wait for each (lock held). */
static int run_rounds(vir0_cl_device *dev, const struct vir0_cl_slot *slots,
		      const struct cl_ring *ring, struct vir0_error *err)
{
	struct cl_persistent *r = dev->resident;
	for (uint32_t first = 0, count; first < ring->nslots; first += count) {
		count = round_count(slots, ring->nslots, first);
		int status = ensure_running(dev, ring, err);
		for (uint32_t i = 0; status == VIR0_OK && i < count; i++) {
			const vir0_cl_program *p = slots[first + i].program;
			const uint32_t *src = ring->words + (first + i) * VIR0_CL_SLOT_WORDS;
			publish_body(r, src, p ? ring->words + src[4 + RUN_DESC] : NULL,
				     p ? p->nbuffers * CL_DESC_WORDS : 0, i);
		}
		if (status == VIR0_OK) {
			publish_marks(r, count);
			r->info.rounds++;
			r->info.slots += count;
			status = wait_slots(dev, ring, count, err);
		}
		if (status == VIR0_OK) {
			struct cl_ring round = { .nslots = count };
			status = cl_ring_check(&round, r->ring, err);
		}
		for (uint32_t i = 0; i < count; i++)
			__atomic_store_n(&r->ring[i * VIR0_CL_SLOT_WORDS], VIR0_CL_SLOT_EMPTY,
					 __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (status)
			return status;
	}
	return VIR0_OK;
}

/* Before RUN_VIR0 slots read the arena: the caller's earlier work on
 * `queue` (its inputs), then the outputs zeroed (fmt §9.1) by DMA writes
 * on that queue, which run beside the resident kernel (a fill may be a
 * kernel, and a marker's wait may last until the resident kernel leaves
 * on NVIDIA). Slots of built-ins only touch the control words: nothing
 * to wait for. */
static int prepare_arena(struct cl_persistent *r, cl_command_queue queue,
			 const struct vir0_cl_slot *slots, uint32_t nslots, int zeroed,
			 struct vir0_error *err)
{
	uint32_t runs = 0;
	for (uint32_t s = 0; s < nslots; s++)
		runs += slots[s].program != NULL;
	if (!runs)
		return VIR0_OK;
	for (uint32_t s = 0; s < nslots; s++) {
		const vir0_cl_program *p = slots[s].program;
		for (uint32_t i = 0; p && i < p->nbuffers; i++) {
			const struct vir0_cl_binding *b = &slots[s].bindings[i];
			if (zeroed || !p->buffers[i].is_output || !b->size)
				continue;
			if (!r->zeros && !(r->zeros = calloc(1, ZERO_BYTES)))
				return vir0_error_at(err, VIR0_ENOMEM, 0,
						     "out of memory for the output zero fill");
			for (size_t at = 0; at < b->size; at += ZERO_BYTES) {
				size_t n = b->size - at < ZERO_BYTES ? b->size - at : ZERO_BYTES;
				cl_int code = clEnqueueWriteBuffer(queue, b->mem, CL_FALSE,
								   b->offset + at, n, r->zeros, 0,
								   NULL, NULL);
				if (code != CL_SUCCESS)
					return vir0_cl_fail(err, "clEnqueueWriteBuffer", code,
							    "zeroing output binding %u of slot %u",
							    i, s);
			}
		}
	}
	cl_int code = clFinish(queue);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clFinish", code, "before the resident slots");
	return VIR0_OK;
}

static int run_resident(vir0_cl_device *dev, cl_command_queue queue,
			const struct vir0_cl_slot *slots, uint32_t nslots, struct vir0_error *err)
{
	struct cl_ring ring;
	int status = cl_ring_encode(dev, slots, nslots, dev->arena, &ring, err);
	if (status)
		return status;
	pthread_mutex_lock(&dev->lock);
	status = resident_open(dev, err);
	/* The claimer zeroes a lone slot's small outputs: no DMA write, no
	 * wait on it (on PoCL a DMA write waits for a free thread, which the
	 * spinning kernel holds until its idle exit). */
	int zeroed = cl_ring_zero_in_kernel(dev, slots, &ring);
	if (status == VIR0_OK)
		status = prepare_arena(dev->resident, queue, slots, nslots, zeroed, err);
	if (status == VIR0_OK)
		status = run_rounds(dev, slots, &ring, err);
	pthread_mutex_unlock(&dev->lock);
	cl_ring_free(&ring);
	return status;
}

int vir0_cl_run_slots(vir0_cl_device *dev, cl_command_queue queue,
		      const struct vir0_cl_slot *slots, uint32_t nslots, struct vir0_error *err)
{
	if (!dev || !queue)
		return vir0_error_at(err, VIR0_EARG, 0, "device and queue must not be NULL");
	if (dev->mode != VIR0_CL_MODE_BATCH && slots && resident_can_run(dev, slots, nslots))
		return run_resident(dev, queue, slots, nslots, err);
	return vir0_cl_run_batch(dev, queue, slots, nslots, err);
}

void vir0_cl_resident_info(vir0_cl_device *dev, struct vir0_cl_resident_info *info)
{
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&dev->lock);
	if (dev->resident)
		*info = dev->resident->info;
	pthread_mutex_unlock(&dev->lock);
}
