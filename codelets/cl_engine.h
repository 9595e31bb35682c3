/* cl_engine.h - the OpenCL engine's internal state, shared by its files:
 * the device (cl_device.c), the program store (cl_store.c), the arena
 * (cl_arena.c), slot encoding and launches (cl_slots.c, cl_launch.c) and
 * the resident kernel (cl_persistent.c). */
#ifndef VIR0_CL_ENGINE_H
#define VIR0_CL_ENGINE_H

#include "vir0_opencl.h"

#include "bytecode.h"

#include <pthread.h>
#include <time.h>

/* The host's monotonic clock in ns (build times). */
static inline uint64_t cl_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The megakernel's arguments, in order (codelets/megakernel.cl). */
enum cl_kernel_arg {
	ARG_RING, ARG_NSLOTS, ARG_RING_WORDS, ARG_STATE, ARG_STATE_AT, ARG_STATE_STRIDE,
	ARG_CONTROL, ARG_CONTROL_WORDS,
	ARG_STORE, ARG_STORE_WORDS, ARG_SCRATCH, ARG_SCRATCH_WORDS, ARG_WGMEM,
	ARG_WGMEM_BYTES, ARG_COPY, ARG_PERSISTENT, ARG_IDLE_SPINS, ARG_MEM0,
};

/* Words of a store entry before its buffer table (megakernel.cl PH_*). */
#define CL_PROGRAM_HEADER_WORDS 8u
/* Descriptor words per buffer, and the memory index of Workgroup buffers. */
#define CL_DESC_WORDS 4u
/* Most buffers one RUN_VIR0 slot binds (megakernel.cl MAX_DESC: its
 * descriptors are copied to __local memory). */
#define CL_MAX_DESC 64u
/* Device-side words per slot before the descriptor copy (megakernel_ring.cl
 * SS_DESC): claim, progress, chunks done, the fence to wait for (batch),
 * the slot's copy, a batch launch's ticket counter (slot 0), padding. */
#define CL_STATE_HEAD 24u
#define CL_STATE_FENCE 3u
/* Most chunks of one RUN_VIR0 slot (megakernel.cl MAX_CHUNKS). */
#define CL_MAX_CHUNKS 0x7FFFFFu
/* Generations a resident slot cycles through (megakernel.cl GEN_MASK). */
#define CL_GENERATIONS 128u
#define CL_DESC_LOCAL 0xFFu
/* The offset of a program an eviction dropped from the store. */
#define CL_NOT_STORED UINT32_MAX
/* RUN_VIR0 argument words (megakernel.cl ARG_*). */
enum cl_run_arg {
	RUN_PROGRAM = 0, RUN_GROUPS = 1, RUN_DESC = 4, RUN_NE = 5, RUN_PER_CHUNK = 6,
	RUN_NCHUNKS = 7, RUN_WG_BYTES = 8, RUN_ZERO = 9, RUN_GENERATION = 10, RUN_FAULT = 11,
};

/* A program in the store: what the host needs to check bindings and plan
 * chunks without the vir0_program. */
struct vir0_cl_program {
	struct vir0_hash hash;
	uint32_t offset;            /* words, in the store */
	uint32_t words;
	uint32_t nregs, max_nesting, flags;
	uint32_t workgroup_size[3];
	uint32_t nbuffers;
	struct vir0_bc_buffer *buffers;
	size_t *workgroup_offsets;  /* byte offset of each Workgroup buffer */
	size_t workgroup_bytes;     /* one VIR0 workgroup's Workgroup memory */
};

struct cl_arena_block {
	size_t offset, size;
};

struct cl_persistent;

/* A device buffer batch launches copy ring images into (cl_ring_pool.c):
 * `words`, the image last written, lives until `busy`, its last launch
 * (or the write, if the launch failed), has run. */
struct cl_ring_buffer {
	cl_mem mem;
	size_t bytes;
	uint32_t *words;
	cl_event busy;
};

/* Ring buffers per device: launches in flight at once before a launch
 * makes a buffer of its own. */
#define CL_RING_POOL 8u

struct vir0_cl_device {
	cl_context context;
	cl_device_id device;
	cl_program program;
	cl_kernel kernel;
	pthread_mutex_t lock;        /* kernel arguments, store, arena, scratch */
	char name[128], driver[64];
	int is_gpu;
	int is_nvidia;               /* the megakernel uses PTX fences */
	enum vir0_cl_mode mode;
	uint32_t wg;                 /* work-items per work-group (VIR0_WG) */
	uint32_t lanes;              /* lanes per work-item in packed chunks */
	uint32_t max_lanes;          /* most lanes per work-item (64 x VIR0_MASK_WORDS) */
	uint32_t groups;             /* work-groups per batch launch */
	uint32_t units;              /* compute units: work-groups of a resident kernel */
	size_t local_budget;         /* __local bytes for Workgroup memory */
	size_t zero_in_kernel;       /* most output bytes a launch's claimer zeroes itself */
	uint32_t idle_spins;
	double build_ms;             /* the megakernel's build (with the cache read) */
	int from_cache;              /* ... from the disk cache's binary */
	int ring_pool;               /* batch launches use the ring buffers below */
	cl_mem control;
	/* program store */
	cl_mem store;
	size_t store_capacity, store_used, store_limit;   /* words */
	uint32_t store_evictions;    /* times the store was emptied to make room */
	struct vir0_cl_program **programs;
	uint32_t nprograms, programs_capacity;
	/* scratch: registers and mask stacks of every work-item */
	cl_mem scratch;
	size_t scratch_item_words;
	/* arena */
	cl_mem arena;
	size_t arena_size;
	struct cl_arena_block *blocks;
	size_t nblocks, blocks_capacity;
	struct cl_persistent *resident;
	struct cl_ring_buffer rings[CL_RING_POOL];
	unsigned ring_next;          /* the pooled buffer to look at first */
	/* The megakernel's scalar and __local-size arguments as last set
	 * (cl_launch.c sets only those that changed), one bit each in
	 * args_set; and its buffer arguments, kept set while NULL or the
	 * device's own (control, store, scratch), whose bits cl_arg_forget
	 * clears when the device replaces the buffer. */
	cl_uint args[ARG_MEM0];
	cl_mem mem_args[ARG_MEM0 + VIR0_CL_MAX_MEMS];
	uint32_t args_set;
};

/* The device replaced the buffer of argument `index` (lock held): set it
 * again at the next launch, even if the new buffer's handle is the old
 * one's (a released buffer's handle may come back as another's). */
static inline void cl_arg_forget(vir0_cl_device *dev, enum cl_kernel_arg index)
{
	dev->args_set &= ~(1u << index);
}

/* Make sure the scratch holds `item_words` words per work-item of every
 * work-group of a launch (lock held). */
int vir0_cl_scratch_reserve(vir0_cl_device *dev, size_t item_words, struct vir0_error *err);

/* Set dev->mode from what the device offers and $VIR0_CL_MODE. */
int vir0_cl_mode_choose(vir0_cl_device *dev, struct vir0_error *err);

/* Drain a resident kernel (SHUTDOWN) and wait for it to exit: before any
 * buffer it was launched with changes, and before a batch launch, which
 * would not run beside it (lock held). */
void vir0_cl_persistent_stop(vir0_cl_device *dev);
void vir0_cl_persistent_free(vir0_cl_device *dev);

/* vir0_cl_run_slots as one batch launch (cl_launch.c). */
int vir0_cl_run_batch(vir0_cl_device *dev, cl_command_queue queue,
		      const struct vir0_cl_slot *slots, uint32_t nslots, struct vir0_error *err);

#endif
