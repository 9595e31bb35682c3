/* vir0_opencl_jit.h - the JIT variant of the OpenCL engine: one VIR0
 * program compiled to its own OpenCL C kernel (no interpretation), built
 * off the critical path and cached per device and driver, in memory and on
 * disk. doc/opencl-jit.md describes the kernels, the cache and the
 * environment variables.
 *
 * Works with a caller's cl_context, cl_device_id, cl_command_queue and
 * cl_mem buffers (StarPU supplies its own). Results are those of
 * vir0_run_reference, bit for bit (fmt §9). A JIT kernel is a speculative
 * variant: a failed build is reported once, with the build log, and is
 * never fatal; the caller keeps running the program with the interpreter.
 *
 * Errors are values: 0 or a negative VIR0_E* code, with `err` filled when
 * not NULL. */
#ifndef VIR0_OPENCL_JIT_H
#define VIR0_OPENCL_JIT_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <stddef.h>
#include <stdint.h>

#include "vir0.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The clBuildProgram options every kernel that prepends vir0_ops.cl needs
 * on `device` (correctly rounded f32 divide and sqrt). VIR0_EUNSUPPORTED,
 * saying why, when the device cannot give fmt §9.5's results. */
int vir0_cl_jit_build_options(cl_device_id device, char *options, size_t size,
			      struct vir0_error *err);

/* ---- one JIT per (context, device) ---------------------------------- */

struct vir0_cl_jit;
struct vir0_cl_jit_kernel;

struct vir0_cl_jit_config {
	/* On-disk cache directory; NULL: from the environment (VIR0_HOME,
	 * STARPU_HOME, HOME, see doc/opencl-jit.md); "" disables the disk
	 * cache. */
	const char *cache_dir;
	/* Called once per failed build or corrupt cache entry, with a message
	 * that says what happened (the build log included). NULL: print to
	 * stderr. */
	void (*report)(void *user, const char *message);
	void *report_user;
};

/* Counters, for tests and the scheduler's reports. */
struct vir0_cl_jit_stats {
	uint64_t requests;        /* vir0_cl_jit_request calls */
	uint64_t memory_hits;     /* requests answered from memory */
	uint64_t disk_hits;       /* programs built from a cached binary */
	uint64_t source_builds;   /* programs built from emitted source */
	uint64_t disk_writes;     /* cache entries written */
	uint64_t disk_corrupt;    /* cache entries found corrupt and rebuilt */
	uint64_t failures;        /* builds that failed */
};

/* Starts the JIT's background build thread. `config` may be NULL. */
int vir0_cl_jit_create(cl_context context, cl_device_id device,
		       const struct vir0_cl_jit_config *config,
		       struct vir0_cl_jit **out, struct vir0_error *err);
/* Waits for the build in progress, stops the thread, frees every kernel. */
void vir0_cl_jit_destroy(struct vir0_cl_jit *jit);
void vir0_cl_jit_get_stats(const struct vir0_cl_jit *jit, struct vir0_cl_jit_stats *stats);

/* ---- kernels ---------------------------------------------------------- */

enum vir0_cl_jit_state {
	VIR0_CL_JIT_PENDING = 0,  /* queued or building */
	VIR0_CL_JIT_READY = 1,    /* can be launched */
	VIR0_CL_JIT_FAILED = 2,   /* never will be: run the interpreter */
};

/* Ask for `program`'s kernel: returns at once with a handle owned by the
 * JIT (valid until vir0_cl_jit_destroy). The same program (by content hash)
 * always gives the same handle. The program is validated and emitted on
 * the caller's thread; only clBuildProgram runs in the background. */
int vir0_cl_jit_request(struct vir0_cl_jit *jit, const vir0_program *program,
			struct vir0_cl_jit_kernel **out, struct vir0_error *err);
enum vir0_cl_jit_state vir0_cl_jit_poll(const struct vir0_cl_jit_kernel *kernel);
/* Block until the kernel is ready (0) or failed (its error, the build log
 * in the message). */
int vir0_cl_jit_wait(struct vir0_cl_jit_kernel *kernel, struct vir0_error *err);
/* Wall time of the build in nanoseconds (clCreateProgramWith* and
 * clBuildProgram; from a cached binary when it came from disk), 0 until
 * ready. */
uint64_t vir0_cl_jit_compile_ns(const struct vir0_cl_jit_kernel *kernel);
/* 1 when the kernel was built from a cached binary. */
int vir0_cl_jit_from_cache(const struct vir0_cl_jit_kernel *kernel);
/* The OpenCL C source given to the compiler (vir0_ops.cl + the kernel). */
const char *vir0_cl_jit_source(const struct vir0_cl_jit_kernel *kernel);

/* ---- launching -------------------------------------------------------- */

/* The memory of one declared non-Workgroup buffer: `count` elements of the
 * buffer's element type starting `offset` bytes into `mem` (a multiple of
 * the element size). Workgroup buffers take an entry with mem NULL. */
struct vir0_cl_jit_arg {
	cl_mem mem;
	size_t offset;
	size_t count;
};

/* Enqueue the kernel over `groups` workgroups (vir0_default_grid gives
 * fmt §1.6's default) on `queue`, after the `nwait` events: zero-fills the output
 * buffers (fmt §1.5), then runs. Asynchronous; *event (when not NULL)
 * completes with the run. The kernel must be READY. `nargs` is the
 * program's buffer count. VIR0_EARG for counts that break fmt §1.5, a grid
 * that breaks §1.6, or a workgroup the device cannot run. Thread-safe. */
int vir0_cl_jit_enqueue(struct vir0_cl_jit_kernel *kernel, cl_command_queue queue,
			const uint32_t groups[3], const struct vir0_cl_jit_arg *args,
			uint32_t nargs, cl_uint nwait, const cl_event *wait,
			cl_event *event, struct vir0_error *err);
/* vir0_cl_jit_enqueue, then wait for the run to finish. */
int vir0_cl_jit_run(struct vir0_cl_jit_kernel *kernel, cl_command_queue queue,
		    const uint32_t groups[3], const struct vir0_cl_jit_arg *args,
		    uint32_t nargs, struct vir0_error *err);

/* ---- a standalone device, for tools and tests -------------------------- */

/* The first OpenCL device of any platform (or $VIR0_OPENCL_DEVICE, an
 * index over all platforms' devices), with a context and an in-order
 * queue. */
struct vir0_cl_jit_standalone {
	cl_platform_id platform;
	cl_device_id device;
	cl_context context;
	cl_command_queue queue;
	char device_name[256];
};

int vir0_cl_jit_standalone_open(struct vir0_cl_jit_standalone *s, struct vir0_error *err);
void vir0_cl_jit_standalone_close(struct vir0_cl_jit_standalone *s);

/* Run a program like vir0_run_reference does, with host bindings, through
 * the JIT: copies in, waits for the build, runs, copies out. For tools,
 * tests and the conformance harness; `jit` belongs to `s`. */
int vir0_cl_jit_run_host(struct vir0_cl_jit *jit, struct vir0_cl_jit_standalone *s,
			 const vir0_program *program, const uint32_t groups[3],
			 struct vir0_binding *bindings, uint32_t nbindings,
			 struct vir0_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VIR0_OPENCL_JIT_H */
