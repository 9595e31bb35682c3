/* vir0_opencl.h - the OpenCL engine: a resident megakernel that interprets
 * the register bytecode of any VIR0 program (doc/bytecode.md), built once
 * per device and never per program. doc/opencl-engine.md describes the
 * ring, the slot layout, the descriptors and the modes.
 *
 * Layers, from the bottom:
 *   - a device (vir0_cl_device): the megakernel built for a caller's
 *     cl_context and cl_device_id, its program store, control words,
 *     scratch and arena; works with the caller's queues and cl_mem buffers
 *     (StarPU supplies its own);
 *   - programs uploaded once into the device's program store
 *     (content-addressed by the program hash) and referenced by offset;
 *   - slots: (program, grid, bindings) or a raw protocol slot; any number
 *     per launch, asynchronous (an event) or synchronous;
 *   - a standalone runtime (platform, device, context, queue of its own,
 *     host bindings copied in and out) for `vir0 run --engine opencl`,
 *     the tests and the benchmarks.
 *
 * Results are those of vir0_run_reference, bit for bit (fmt §9). Errors
 * are values: 0 or a negative VIR0_E* code, with `err` filled when not
 * NULL; OpenCL failures name the call and the error code (CL_...). */
#ifndef VIR0_OPENCL_H
#define VIR0_OPENCL_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#endif
#include <CL/cl.h>

#include <stddef.h>
#include <stdint.h>

#include "vir0.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "CL_OUT_OF_RESOURCES" for CL_OUT_OF_RESOURCES, and so on. */
const char *vir0_cl_error_name(cl_int code);

/* ---- the ring protocol (../shared/spec/megakernel-protocol.md) -------- */

#define VIR0_CL_SLOT_WORDS 16u
enum vir0_cl_slot_status {
	VIR0_CL_SLOT_EMPTY = 0, VIR0_CL_SLOT_PUBLISHED = 1, VIR0_CL_SLOT_CLAIMED = 2,
	VIR0_CL_SLOT_DONE = 3, VIR0_CL_SLOT_WAIT_IO = 4, VIR0_CL_SLOT_YIELD = 5,
	VIR0_CL_SLOT_REQUEUE = 6, VIR0_CL_SLOT_FAULT = 7,
};

/* Control buffer word indices. */
enum vir0_cl_control {
	VIR0_CL_CONTROL_SHUTDOWN = 0,
	VIR0_CL_CONTROL_DONE_COUNT = 1,
	VIR0_CL_CONTROL_TENANT_BASE = 2,      /* 30 words: tenant t runs when word t != 0 */
	VIR0_CL_CONTROL_QUOTA_BASE = 32,
	VIR0_CL_CONTROL_FAIRNESS_BASE = 64,
	VIR0_CL_CONTROL_METRICS_BASE = 96,    /* 32 per-opcode counters */
	VIR0_CL_CONTROL_EPOCH = 128,
	VIR0_CL_CONTROL_OBSERVABLE_BASE = 160,
	VIR0_CL_CONTROL_WORDS = 256,          /* 160 + 96 observable words */
};

/* Opcodes the megakernel runs: the protocol's built-ins that make sense
 * without vyre's tables, and RUN_VIR0 (a user opcode). */
enum vir0_cl_opcode {
	VIR0_CL_OP_NOP = 0, VIR0_CL_OP_STORE_U32 = 1, VIR0_CL_OP_ATOMIC_ADD = 2,
	VIR0_CL_OP_LOAD_U32 = 3, VIR0_CL_OP_COMPARE_SWAP = 4, VIR0_CL_OP_MEMCPY = 5,
	VIR0_CL_OP_BATCH_FENCE = 7,
	VIR0_CL_OP_RUN_VIR0 = 0x10000,
	VIR0_CL_OP_SHUTDOWN = 0xFFFFFFFFu,
};

/* The metrics counter (METRICS_BASE + index) of an opcode: built-ins
 * 0..7 count at their own value, RUN_VIR0 at 8, SHUTDOWN at 31. */
#define VIR0_CL_METRIC_RUN_VIR0 8u
#define VIR0_CL_METRIC_SHUTDOWN 31u

/* ---- devices ----------------------------------------------------------- */

/* How a device's megakernel takes work. */
enum vir0_cl_mode {
	VIR0_CL_MODE_BATCH = 0,          /* one launch drains the slots and returns */
	VIR0_CL_MODE_PERSISTENT_SVM = 1, /* resident, ring in fine-grained SVM with atomics */
	VIR0_CL_MODE_PERSISTENT_NV = 2,  /* resident, ring in a pinned host buffer
	                                    (cl_nv_create_buffer), kept mapped */
};

/* "batch", "persistent-svm", "persistent-nv". */
const char *vir0_cl_mode_name(enum vir0_cl_mode mode);

typedef struct vir0_cl_device vir0_cl_device;

/* Build the megakernel for `device` in `context` and set up its state.
 * The mode comes from what the device reports, or from $VIR0_CL_MODE
 * (batch | persistent | auto). A failed build returns VIR0_EIO with the
 * build log in the message (and in full on stderr). */
int vir0_cl_device_open(cl_context context, cl_device_id device, vir0_cl_device **out,
			struct vir0_error *err);
/* Drain a resident kernel (SHUTDOWN), then free everything. */
void vir0_cl_device_close(vir0_cl_device *dev);

enum vir0_cl_mode vir0_cl_device_mode(const vir0_cl_device *dev);
/* One line: device name, driver, mode, work-group shape. */
void vir0_cl_device_describe(const vir0_cl_device *dev, char *text, size_t size);

/* Read `count` control words from `first` (DONE_COUNT, metrics, observable
 * results); waits for `queue`. */
int vir0_cl_control_read(vir0_cl_device *dev, cl_command_queue queue, uint32_t first,
			 uint32_t count, uint32_t *words, struct vir0_error *err);

/* ---- the program store ------------------------------------------------- */

typedef struct vir0_cl_program vir0_cl_program;

/* Validate, lower and upload `program` once: a second load of an equal
 * program (same content hash) returns the same entry without uploading.
 * The store grows up to $VIR0_CL_STORE_MAX_MB (default 64). When a new
 * program does not fit, every entry is evicted (after the resident kernel
 * and `queue` have drained: keep a device's launches on one in-order
 * queue) and the store starts over; VIR0_ELIMIT says it is full only for
 * a program larger than the whole store. An evicted entry stays a valid
 * handle, but slots naming it are refused (VIR0_EARG) until it is loaded
 * again. */
int vir0_cl_program_load(vir0_cl_device *dev, cl_command_queue queue,
			 const vir0_program *program, const vir0_cl_program **out,
			 struct vir0_error *err);

/* Word offset of the program in the store (what a RUN_VIR0 slot carries). */
uint32_t vir0_cl_program_offset(const vir0_cl_program *program);

struct vir0_cl_store_info {
	uint32_t programs;       /* entries in the store (not evicted) */
	size_t used_bytes;       /* bytes the entries take */
	size_t capacity_bytes;   /* bytes of the device buffer now */
	size_t limit_bytes;      /* largest the store may grow to */
	uint32_t evictions;      /* times a full store was emptied to make room */
};
void vir0_cl_store_info(const vir0_cl_device *dev, struct vir0_cl_store_info *info);

/* ---- slots and launches ---------------------------------------------- */

/* Device memory bound to one declared buffer, in declaration order:
 * `size` bytes at byte `offset` of `mem` (offset a multiple of the
 * element size). Workgroup buffers take {NULL, 0, 0}. */
struct vir0_cl_binding {
	cl_mem mem;
	size_t offset;
	size_t size;
};

/* One slot. With `program` set it runs that program over `groups`
 * workgroups on `bindings` (RUN_VIR0; is_output buffers are zeroed
 * first, fmt §9.1). With `program` NULL it is a raw protocol slot:
 * `opcode`, `tenant` and `args` as the spec says. */
struct vir0_cl_slot {
	const vir0_cl_program *program;
	uint32_t groups[3];
	const struct vir0_cl_binding *bindings;
	uint32_t nbindings;
	uint32_t opcode;
	uint32_t tenant;
	uint32_t priority;
	uint32_t args[12];
};

/* Enqueue `nslots` slots as one batch launch on `queue` after the `nwait`
 * events; *done (when not NULL) gets the launch's completion event. Slots
 * of one batch run concurrently unless a BATCH_FENCE slot separates
 * them. Launches of one device share its scratch: keep them on one
 * in-order queue or order them with events. At most VIR0_CL_MAX_MEMS
 * distinct cl_mem per launch. */
#define VIR0_CL_MAX_MEMS 8u
int vir0_cl_enqueue(vir0_cl_device *dev, cl_command_queue queue,
		    const struct vir0_cl_slot *slots, uint32_t nslots, cl_uint nwait,
		    const cl_event *wait, cl_event *done, struct vir0_error *err);

/* Run `nslots` slots and wait for them: through the resident kernel when
 * the device is in a persistent mode and every binding lies in the
 * device's arena, else as a batch launch on `queue`. Reports a slot that
 * ended in FAULT. */
int vir0_cl_run_slots(vir0_cl_device *dev, cl_command_queue queue,
		      const struct vir0_cl_slot *slots, uint32_t nslots,
		      struct vir0_error *err);

/* What the resident kernel cost, counted since the device opened (all
 * zero where vir0_cl_run_slots never went resident): a launch per slot
 * means the kernel leaves idle between publishes. */
struct vir0_cl_resident_info {
	uint64_t launches;     /* resident kernels launched */
	uint64_t idle_exits;   /* of those, ones found gone on an idle exit */
	uint64_t rounds;       /* ring rounds published (a ring's worth of slots each) */
	uint64_t slots;        /* slots published */
};
void vir0_cl_resident_info(vir0_cl_device *dev, struct vir0_cl_resident_info *info);

/* ---- the device arena (data a resident kernel can address) ----------- */

/* Reserve `size` bytes in the device's arena (one cl_mem of
 * $VIR0_CL_ARENA_MB, default 256, made on first use): *out gets the
 * arena's cl_mem and the offset. A running kernel cannot take new cl_mem
 * arguments, so only arena bindings go through the resident kernel. */
int vir0_cl_arena_alloc(vir0_cl_device *dev, size_t size, struct vir0_cl_binding *out,
			struct vir0_error *err);
void vir0_cl_arena_free(vir0_cl_device *dev, const struct vir0_cl_binding *binding);

/* ---- the standalone runtime ------------------------------------------ */

typedef struct vir0_cl_runtime vir0_cl_runtime;

/* Open device `index` counted over every platform's devices (a negative
 * index: $VIR0_OPENCL_DEVICE, default 0) with a context and an in-order
 * queue of its own. VIR0_EARG names the devices there are when `index`
 * is out of range. */
int vir0_cl_runtime_open(int index, vir0_cl_runtime **out, struct vir0_error *err);
void vir0_cl_runtime_close(vir0_cl_runtime *rt);
vir0_cl_device *vir0_cl_runtime_device(vir0_cl_runtime *rt);
cl_command_queue vir0_cl_runtime_queue(vir0_cl_runtime *rt);
/* The runtime's OpenCL context and device, for other OpenCL work beside
 * the megakernel (the JIT, hand-written kernels). */
cl_context vir0_cl_runtime_context(vir0_cl_runtime *rt);
cl_device_id vir0_cl_runtime_device_id(vir0_cl_runtime *rt);

/* Run `program` like vir0_run_reference: host bindings are copied to the
 * device (into the arena), run, and copied back. */
int vir0_cl_runtime_run(vir0_cl_runtime *rt, const vir0_program *program,
			const uint32_t groups[3], struct vir0_binding *bindings,
			uint32_t nbindings, struct vir0_error *err);

/* vir0_cl_runtime_run on a process-wide runtime opened on first use with
 * $VIR0_OPENCL_DEVICE (closed at exit): the engine entry of the
 * conformance harness and `vir0 run --engine opencl`. */
int vir0_cl_run(const vir0_program *program, const uint32_t groups[3],
		struct vir0_binding *bindings, uint32_t nbindings, struct vir0_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VIR0_OPENCL_H */
