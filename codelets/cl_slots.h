/* cl_slots.h - slots as ring words: bindings checked against the
 * program's declarations, chunks planned, descriptors and the memory
 * table built (doc/opencl-engine.md, "RUN_VIR0"). Shared by batch launches
 * and the resident kernel. */
#ifndef VIR0_CL_SLOTS_H
#define VIR0_CL_SLOTS_H

#include "cl_engine.h"

/* A ring image ready to copy to the device. */
struct cl_ring {
	uint32_t *words;          /* slots, descriptors, then the slots' state */
	uint32_t nslots;
	uint32_t nwords;          /* all of it */
	uint32_t state_at;        /* words before the state: slots and descriptors */
	uint32_t state_stride;    /* state words per slot (CL_STATE_HEAD + descriptors) */
	uint32_t fill_words;      /* state words from state_at the image leaves unset, for the
				   * launch to zero on the device (cl_ring_encode_batch) */
	cl_mem mems[VIR0_CL_MAX_MEMS];
	uint32_t nmems;
	size_t scratch_words;     /* per work-item, the most any slot needs */
	size_t wgmem_bytes;       /* __local bytes, the most any slot needs */
	uint64_t chunks;          /* work items to share out, all slots together */
	uint32_t outputs;         /* is_output bindings with bytes: the zero fills */
};

/* Encode `slots`. `fixed_mem` (or NULL) is memory index 0 whatever the
 * bindings use: a resident kernel's arena; with it, bindings in any other
 * cl_mem are refused with VIR0_EARG. Free with cl_ring_free. */
int cl_ring_encode(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
		   uint32_t nslots, cl_mem fixed_mem, struct cl_ring *ring,
		   struct vir0_error *err);
void cl_ring_free(struct cl_ring *ring);

/* Bytes of all-zero state a batch ring leaves to a fill on the device
 * from this size on: below it, the fill command costs more than
 * zeroing and copying the words. */
#define CL_RING_FILL_MIN (256u * 1024u)

/* cl_ring_encode for a batch launch: the state starts zero but for the
 * fence words of the slots after the first BATCH_FENCE, and the state of
 * the slots up to that fence (all of it without one), when it is
 * CL_RING_FILL_MIN bytes or more, stays unset in the image
 * (ring->fill_words): no host pages written for it, none copied; the
 * launch zeroes it on the device (cl_ring_upload). */
int cl_ring_encode_batch(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
			 uint32_t nslots, struct cl_ring *ring, struct vir0_error *err);

/* Bytes of the is_output bindings of a RUN_VIR0 slot (fmt §9.1 zeroes
 * them before the slot runs). */
size_t cl_slot_output_bytes(const struct vir0_cl_slot *slot);

/* A ring of one RUN_VIR0 slot whose outputs are small has its claimer
 * zero them before the chunks open (ARG_ZERO): a fill command, or on a
 * resident kernel a DMA write and the wait on it, costs more than the
 * zeroing (doc/opencl-engine.md, "Launch costs"). Sets the slot's flag
 * and returns 1 when so; 0 leaves the zeroing to the caller. (Several
 * slots may share outputs: one slot's zeroing could wipe another's
 * results.) */
int cl_ring_zero_in_kernel(const vir0_cl_device *dev, const struct vir0_cl_slot *slots,
			   struct cl_ring *ring);

/* Enqueue the zero fill of every is_output binding (fmt §9.1) of the
 * `slots` encoded in `ring` after the `nwait` events, one fill per run of
 * bindings that continue one another in a cl_mem: *fills gets an event
 * per fill, *count of them (none and NULL when no slot has an output);
 * release them and free *fills. */
int cl_ring_zero_outputs(cl_command_queue queue, const struct vir0_cl_slot *slots,
			 const struct cl_ring *ring, cl_uint nwait, const cl_event *wait,
			 cl_event **fills, cl_uint *count, struct vir0_error *err);

/* VIR0_OK, or VIR0_EIO naming the first slot that ended in FAULT. */
int cl_ring_check(const struct cl_ring *ring, const uint32_t *slot_words,
		  struct vir0_error *err);

#endif
