/* cl_slots.c - encoding slots into ring words (layout in
 * doc/opencl-engine.md): binding checks (fmt §1.5), the chunk plan that
 * maps VIR0 workgroups onto OpenCL work-groups, descriptors and the
 * memory table. */
#include "cl_slots.h"

#include "cl_error.h"
#include "error.h"
#include "expr_type.h"

#include <stdlib.h>
#include <string.h>

static const char *const fault_names[] = {
	"", "tenant not enabled", "unknown opcode", "control index out of bounds",
	"bad program offset or lane count", "not enough scratch or local memory",
};

/* log2 of an element's size (1, 2 or 4 bytes): bindings are checked
 * with masks and shifts, not divisions, which were a good part of
 * encoding a tiny slot. */
static unsigned element_shift(uint8_t element)
{
	size_t size = vir0_element_size(element);
	return size == 4 ? 2 : size == 2 ? 1 : 0;
}

/* Memory index of `mem` in the table, adding it when new. */
static int mem_index(struct cl_ring *ring, cl_mem mem, cl_mem fixed, uint32_t *index,
		     uint32_t slot, uint32_t buffer, struct vir0_error *err)
{
	for (uint32_t i = 0; i < ring->nmems; i++)
		if (ring->mems[i] == mem) {
			*index = i;
			return VIR0_OK;
		}
	if (fixed)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "slot %u binding %u is not in the device arena, which the "
				     "resident kernel needs; allocate it with vir0_cl_arena_alloc",
				     slot, buffer);
	if (ring->nmems == VIR0_CL_MAX_MEMS)
		return vir0_error_at(err, VIR0_ELIMIT, 0,
				     "slot %u binding %u: more than %u distinct cl_mem objects in "
				     "one launch; split the batch", slot, buffer, VIR0_CL_MAX_MEMS);
	ring->mems[ring->nmems] = mem;
	*index = ring->nmems++;
	return VIR0_OK;
}

/* Check one binding and write its descriptor. */
static int describe_binding(struct cl_ring *ring, const vir0_cl_program *p,
			    const struct vir0_cl_binding *b, uint32_t slot, uint32_t i,
			    cl_mem fixed, uint32_t *desc, struct vir0_error *err)
{
	const struct vir0_bc_buffer *buffer = &p->buffers[i];
	unsigned shift = element_shift(buffer->element);
	size_t element = (size_t)1 << shift;
	if (buffer->access == VIR0_ACCESS_WORKGROUP) {
		if (b->mem || b->size)
			return vir0_error_at(err, VIR0_EARG, 0,
					     "slot %u binding %u is a Workgroup buffer, which the "
					     "engine allocates; pass {NULL, 0, 0}", slot, i);
		desc[0] = CL_DESC_LOCAL;
		desc[1] = (uint32_t)p->workgroup_offsets[i];
		desc[2] = 0;
		desc[3] = buffer->count;
		return VIR0_OK;
	}
	if (buffer->count && b->size != (size_t)buffer->count * element)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "slot %u binding %u has %zu bytes; the declaration needs "
				     "exactly %u elements x %zu bytes = %zu bytes", slot, i, b->size,
				     buffer->count, element, (size_t)buffer->count * element);
	if (b->size & (element - 1) || b->size >> shift > UINT32_MAX)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "slot %u binding %u has %zu bytes, not a whole number (below "
				     "2^32) of %zu-byte elements", slot, i, b->size, element);
	if (b->offset & (element - 1))
		return vir0_error_at(err, VIR0_EARG, 0,
				     "slot %u binding %u starts at byte %zu, not a multiple of its "
				     "%zu-byte element; align the offset", slot, i, b->offset, element);
	if (b->size && !b->mem)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "slot %u binding %u has %zu bytes but no cl_mem", slot, i, b->size);
	uint32_t index = 0;
	if (b->size) {
		int status = mem_index(ring, b->mem, fixed, &index, slot, i, err);
		if (status)
			return status;
	}
	ring->outputs += buffer->is_output && b->size;
	desc[0] = index;
	desc[1] = (uint32_t)b->offset;
	desc[2] = (uint32_t)((uint64_t)b->offset >> 32);
	desc[3] = (uint32_t)(b->size >> shift);
	return VIR0_OK;
}

/* Lanes per work-item, VIR0 workgroups per chunk (0: packed) and chunks. */
static int plan(const vir0_cl_device *dev, const vir0_cl_program *p, const uint32_t groups[3],
		uint32_t slot, uint32_t *arg, struct cl_ring *ring, struct vir0_error *err)
{
	uint64_t lanes = (uint64_t)p->workgroup_size[0] * p->workgroup_size[1] *
			 p->workgroup_size[2];
	uint64_t ngroups = (uint64_t)groups[0] * groups[1] * groups[2];
	uint64_t per_chunk = 0, chunks, ne = dev->lanes;
	int grouped = (p->flags & (VIR0_BC_HAS_BARRIER | VIR0_BC_HAS_WORKGROUP_MEMORY)) != 0;
	for (int a = 0; a < 3; a++)
		if (!groups[a] || (uint64_t)groups[a] * p->workgroup_size[a] > ((uint64_t)1 << 32))
			return vir0_error_at(err, VIR0_EARG, 0,
					     "slot %u grid axis %d: %u workgroups of %u is 0 or more "
					     "than 2^32 invocations", slot, a, groups[a],
					     p->workgroup_size[a]);
	if (grouped) {
		uint64_t need = (lanes + dev->wg - 1) / dev->wg;
		if (need > ne)
			ne = need;
		if (ne > dev->max_lanes)
			return vir0_error_at(err, VIR0_ELIMIT, 0,
					     "slot %u: a workgroup of %llu invocations with barriers "
					     "or Workgroup memory is more than this device's %u "
					     "work-items x %u lanes; use a smaller workgroup_size",
					     slot, (unsigned long long)lanes, dev->wg, dev->max_lanes);
		per_chunk = ne * dev->wg / lanes;
		if (p->workgroup_bytes && per_chunk > dev->local_budget / p->workgroup_bytes)
			per_chunk = dev->local_budget / p->workgroup_bytes;
		if (!per_chunk)
			return vir0_error_at(err, VIR0_ELIMIT, 0,
					     "slot %u: %zu bytes of Workgroup memory per workgroup is "
					     "more than the %zu bytes of local memory the device "
					     "gives; use smaller Workgroup buffers", slot,
					     p->workgroup_bytes, dev->local_budget);
		chunks = (ngroups + per_chunk - 1) / per_chunk;
	} else {
		uint64_t chunk_lanes = ne * dev->wg;
		chunks = (ngroups * lanes + chunk_lanes - 1) / chunk_lanes;
	}
	if (chunks > CL_MAX_CHUNKS)
		return vir0_error_at(err, VIR0_ELIMIT, 0,
				     "slot %u: a grid of %llu workgroups makes 2^23 chunks or more; "
				     "split it over several slots", slot, (unsigned long long)ngroups);
	arg[RUN_NE] = (uint32_t)ne;
	arg[RUN_PER_CHUNK] = (uint32_t)per_chunk;
	arg[RUN_NCHUNKS] = (uint32_t)chunks;
	arg[RUN_WG_BYTES] = (uint32_t)p->workgroup_bytes;
	size_t scratch = (size_t)p->nregs * ne + 4u * (dev->max_lanes / 64) * (size_t)p->max_nesting;
	if (scratch > ring->scratch_words)
		ring->scratch_words = scratch;
	if (per_chunk * p->workgroup_bytes > ring->wgmem_bytes)
		ring->wgmem_bytes = per_chunk * p->workgroup_bytes;
	ring->chunks += chunks;
	return VIR0_OK;
}

/* 1 when slot `slot` runs the program of the slot before over the same
 * grid: that slot's plan holds for it (plan() reads nothing else), and
 * a batch of many slots of one program plans once. */
static int same_plan(const struct vir0_cl_slot *slots, uint32_t slot)
{
	if (!slot)
		return 0;
	const struct vir0_cl_slot *s = &slots[slot], *before = &slots[slot - 1];
	return before->program == s->program &&
	       !memcmp(before->groups, s->groups, sizeof(s->groups));
}

static int encode_run(const vir0_cl_device *dev, const struct vir0_cl_slot *slots, uint32_t slot,
		      cl_mem fixed, struct cl_ring *ring, uint32_t *desc_at,
		      struct vir0_error *err)
{
	const struct vir0_cl_slot *s = &slots[slot];
	const vir0_cl_program *p = s->program;
	uint32_t *w = ring->words + slot * VIR0_CL_SLOT_WORDS;
	uint32_t *arg = w + 4;
	w[1] = VIR0_CL_OP_RUN_VIR0;
	w[2] = s->tenant;
	w[3] = s->priority;
	if (s->nbindings != p->nbuffers || (p->nbuffers && !s->bindings))
		return vir0_error_at(err, VIR0_EARG, 0,
				     "slot %u has %u bindings for %u declared buffers; pass one "
				     "per declared buffer, in declaration order", slot, s->nbindings,
				     p->nbuffers);
	if (p->offset == CL_NOT_STORED)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "slot %u names a program evicted from the full program store; "
				     "load it again with vir0_cl_program_load", slot);
	arg[RUN_PROGRAM] = p->offset;
	memcpy(&arg[RUN_GROUPS], s->groups, 3 * sizeof(uint32_t));
	arg[RUN_DESC] = *desc_at;
	arg[RUN_ZERO] = arg[RUN_GENERATION] = arg[RUN_FAULT] = 0;
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		int status = describe_binding(ring, p, &s->bindings[i], slot, i, fixed,
					      ring->words + *desc_at + CL_DESC_WORDS * i, err);
		if (status)
			return status;
	}
	*desc_at += CL_DESC_WORDS * p->nbuffers;
	if (!same_plan(slots, slot))
		return plan(dev, p, s->groups, slot, arg, ring, err);
	const uint32_t *planned = arg - VIR0_CL_SLOT_WORDS;
	arg[RUN_NE] = planned[RUN_NE];
	arg[RUN_PER_CHUNK] = planned[RUN_PER_CHUNK];
	arg[RUN_NCHUNKS] = planned[RUN_NCHUNKS];
	arg[RUN_WG_BYTES] = planned[RUN_WG_BYTES];
	ring->chunks += planned[RUN_NCHUNKS];
	return VIR0_OK;
}

/* Make ring->words (`*capacity` words) hold `need` words. */
static int ring_grow(struct cl_ring *ring, uint64_t need, uint64_t *capacity,
		     struct vir0_error *err)
{
	if (need <= *capacity)
		return VIR0_OK;
	if (need > UINT32_MAX / 4)
		return vir0_error_at(err, VIR0_ELIMIT, 0, "%u slots take more than 4 GiB of ring; "
				     "split the batch", ring->nslots);
	uint64_t more = *capacity + *capacity / 2;
	more = more < need ? need : more > UINT32_MAX / 4 ? UINT32_MAX / 4 : more;
	uint32_t *words = realloc(ring->words, more * sizeof(uint32_t));
	if (!words)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for a ring of %u slots",
				     ring->nslots);
	ring->words = words;
	*capacity = more;
	return VIR0_OK;
}

/* The ring's slots and descriptors, one pass over `slots`; *first_fence
 * gets the first BATCH_FENCE's index, or nslots. */
static int encode_slots(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
			uint32_t nslots, cl_mem fixed_mem, struct cl_ring *ring, uint64_t *capacity,
			uint32_t *first_fence, struct vir0_error *err)
{
	uint32_t desc_at = nslots * VIR0_CL_SLOT_WORDS, most = 0;
	*first_fence = nslots;
	for (uint32_t s = 0; s < nslots; s++) {
		uint32_t *w = ring->words + s * VIR0_CL_SLOT_WORDS;
		const vir0_cl_program *p = slots[s].program;
		if (p) {
			if (p->nbuffers > CL_MAX_DESC)
				return vir0_error_at(err, VIR0_ELIMIT, 0, "slot %u: a program with %u "
						     "buffers; the megakernel binds at most %u per "
						     "slot", s, p->nbuffers, CL_MAX_DESC);
			int status = ring_grow(ring, (uint64_t)desc_at + CL_DESC_WORDS * p->nbuffers,
					       capacity, err);
			if (!status)
				status = encode_run(dev, slots, s, fixed_mem, ring, &desc_at, err);
			if (status)
				return status;
			w = ring->words + s * VIR0_CL_SLOT_WORDS; /* moved if grown */
			most = p->nbuffers > most ? p->nbuffers : most;
		} else {
			if (slots[s].opcode == VIR0_CL_OP_BATCH_FENCE && *first_fence == nslots)
				*first_fence = s;
			w[1] = slots[s].opcode;
			w[2] = slots[s].tenant;
			w[3] = slots[s].priority;
			memcpy(w + 4, slots[s].args, sizeof(slots[s].args));
			ring->chunks++;
		}
		w[0] = VIR0_CL_SLOT_PUBLISHED;
	}
	ring->state_at = desc_at;
	ring->state_stride = CL_STATE_HEAD + CL_DESC_WORDS * most;
	return VIR0_OK;
}

/* cl_ring_encode, and with `fill`, cl_ring_encode_batch. The image is not
 * calloc'd: the pass writes every word of the slots and descriptors, and
 * the state is zeroed here, but for the part left to the device. The
 * image is sized for slots like the first one, which is exact for the
 * usual batch of one program, and grown when a later slot binds more:
 * one pass over the slots, not one to measure them and one to write. */
static int encode(const vir0_cl_device *dev, const struct vir0_cl_slot *slots, uint32_t nslots,
		  cl_mem fixed_mem, int fill, struct cl_ring *ring, struct vir0_error *err)
{
	memset(ring, 0, sizeof(*ring));
	if (!nslots || !slots)
		return vir0_error_at(err, VIR0_EARG, 0, "no slots given; pass at least one");
	ring->nslots = nslots;
	uint64_t nb = slots[0].program ? slots[0].program->nbuffers : 0, capacity = 0;
	nb = nb < CL_MAX_DESC ? nb : CL_MAX_DESC;
	uint32_t first_fence;
	int status = ring_grow(ring, (uint64_t)nslots * (VIR0_CL_SLOT_WORDS + CL_STATE_HEAD +
							 2 * CL_DESC_WORDS * nb), &capacity, err);
	if (fixed_mem)
		ring->mems[ring->nmems++] = fixed_mem;
	if (!status)
		status = encode_slots(dev, slots, nslots, fixed_mem, ring, &capacity, &first_fence,
				      err);
	uint64_t words = (uint64_t)ring->state_at + (uint64_t)nslots * ring->state_stride;
	if (!status)
		status = ring_grow(ring, words, &capacity, err);
	if (status) {
		cl_ring_free(ring);
		return status;
	}
	ring->nwords = (uint32_t)words;
	/* The state of the slots up to the first fence (all without one). */
	uint32_t zero_slots = first_fence < nslots ? first_fence + 1 : nslots;
	if (fill && (uint64_t)zero_slots * ring->state_stride * 4 >= CL_RING_FILL_MIN)
		ring->fill_words = zero_slots * ring->state_stride;
	uint32_t zero_at = ring->state_at + ring->fill_words;
	memset(ring->words + zero_at, 0, (size_t)(ring->nwords - zero_at) * 4);
	/* A batch launch takes slots in any order: the slots after a fence
	 * wait for it (megakernel_ring.cl, wait_fence), its index + 1 in
	 * their state, which lies past the unset part. */
	for (uint32_t s = zero_slots, fence = zero_slots; s < nslots; s++) {
		ring->words[ring->state_at + s * ring->state_stride + CL_STATE_FENCE] = fence;
		if (ring->words[s * VIR0_CL_SLOT_WORDS + 1] == VIR0_CL_OP_BATCH_FENCE)
			fence = s + 1;
	}
	return VIR0_OK;
}

int cl_ring_encode(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
		   uint32_t nslots, cl_mem fixed_mem, struct cl_ring *ring,
		   struct vir0_error *err)
{
	return encode(dev, slots, nslots, fixed_mem, 0, ring, err);
}

int cl_ring_encode_batch(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
			 uint32_t nslots, struct cl_ring *ring, struct vir0_error *err)
{
	return encode(dev, slots, nslots, NULL, 1, ring, err);
}

void cl_ring_free(struct cl_ring *ring)
{
	free(ring->words);
	ring->words = NULL;
}

size_t cl_slot_output_bytes(const struct vir0_cl_slot *slot)
{
	size_t bytes = 0;
	for (uint32_t i = 0; slot->program && i < slot->program->nbuffers; i++)
		if (slot->program->buffers[i].is_output)
			bytes += slot->bindings[i].size;
	return bytes;
}

int cl_ring_zero_in_kernel(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
			   struct cl_ring *ring)
{
	if (ring->nslots != 1 || !slots[0].program ||
	    cl_slot_output_bytes(&slots[0]) > dev->zero_in_kernel)
		return 0;
	ring->words[4 + RUN_ZERO] = 1;
	return 1;
}

/* Enqueue the fill of [at, end) of `mem` after the `nwait` events, its
 * event the next of `events`. */
static int zero_range(cl_command_queue queue, cl_mem mem, size_t at, size_t end, cl_uint nwait,
		      const cl_event *wait, cl_event *events, cl_uint *n, struct vir0_error *err)
{
	static const cl_uchar zero = 0;
	cl_int code = clEnqueueFillBuffer(queue, mem, &zero, 1, at, end - at, nwait, wait,
					  &events[*n]);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clEnqueueFillBuffer", code,
				    "zeroing %zu output bytes at byte %zu", end - at, at);
	(*n)++;
	return VIR0_OK;
}

int cl_ring_zero_outputs(cl_command_queue queue, const struct vir0_cl_slot *slots,
			 const struct cl_ring *ring, cl_uint nwait, const cl_event *wait,
			 cl_event **fills, cl_uint *count, struct vir0_error *err)
{
	*fills = NULL;
	*count = 0;
	if (!ring->outputs)
		return VIR0_OK;
	cl_event *events = calloc(ring->outputs, sizeof(*events));
	if (!events)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for %u events",
				     ring->outputs);
	cl_uint n = 0;
	int status = VIR0_OK;
	/* One fill per run of outputs that continue or overlap one another
	 * in one cl_mem (a batch of slots over consecutive parts of a
	 * buffer), not one per output: a command each cost more than the
	 * zeroing. */
	cl_mem mem = NULL;
	size_t at = 0, end = 0;
	for (uint32_t s = 0; s < ring->nslots && status == VIR0_OK; s++) {
		const vir0_cl_program *p = slots[s].program;
		for (uint32_t i = 0; p && i < p->nbuffers && status == VIR0_OK; i++) {
			const struct vir0_cl_binding *b = &slots[s].bindings[i];
			if (!p->buffers[i].is_output || !b->size)
				continue;
			if (b->mem == mem && b->offset >= at && b->offset <= end) {
				end = b->offset + b->size > end ? b->offset + b->size : end;
				continue;
			}
			if (mem)
				status = zero_range(queue, mem, at, end, nwait, wait, events, &n, err);
			mem = b->mem;
			at = b->offset;
			end = b->offset + b->size;
		}
	}
	if (status == VIR0_OK && mem)
		status = zero_range(queue, mem, at, end, nwait, wait, events, &n, err);
	if (status != VIR0_OK) {
		for (cl_uint e = 0; e < n; e++)
			clReleaseEvent(events[e]);
		free(events);
		return status;
	}
	*fills = events;
	*count = n;
	return VIR0_OK;
}

int cl_ring_check(const struct cl_ring *ring, const uint32_t *slot_words, struct vir0_error *err)
{
	for (uint32_t s = 0; s < ring->nslots; s++) {
		const uint32_t *w = slot_words + s * VIR0_CL_SLOT_WORDS;
		if (w[0] == VIR0_CL_SLOT_DONE)
			continue;
		uint32_t fault = w[4 + RUN_FAULT];
		return vir0_error_at(err, VIR0_EIO, 0,
				     "slot %u (opcode 0x%x) ended with status %u%s%s; see "
				     "doc/opencl-engine.md, \"Faults\"", s, w[1], w[0],
				     w[0] == VIR0_CL_SLOT_FAULT ? ": " : "",
				     w[0] == VIR0_CL_SLOT_FAULT && fault < 6 ? fault_names[fault] : "");
	}
	return VIR0_OK;
}
