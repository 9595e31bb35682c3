/* cl_jit.h - inside the OpenCL JIT: the JIT object (one per context and
 * device), its kernels, and the parts that share them: requests and the
 * build thread (cl_jit.c), building a kernel (cl_jit_build.c), its disk
 * cache entries (cl_jit_disk.c) and launches (cl_jit_launch.c). */
#ifndef VIR0_CL_JIT_H
#define VIR0_CL_JIT_H

#include "vir0_opencl_jit.h"

#include <pthread.h>

#include "cl_binary_cache.h"
#include "emit_opencl.h"

struct vir0_cl_jit_kernel {
	struct vir0_cl_jit *jit;
	struct vir0_hash hash;             /* the program's content hash */
	char *source;                      /* vir0_ops.cl + the emitted kernel */
	struct vir0_bc_buffer *buffers;    /* the program's buffers, for launches */
	uint32_t nbuffers;
	uint32_t workgroup_size[3];
	int state;                         /* enum vir0_cl_jit_state, under jit->lock */
	cl_program program;                /* READY: built */
	cl_kernel kernel;
	size_t max_workgroup;              /* CL_KERNEL_WORK_GROUP_SIZE */
	uint64_t compile_ns;
	int from_cache;
	struct vir0_error error;           /* FAILED: why, the build log's start */
	int reported;                      /* the failure went to the report once */
	pthread_mutex_t launch_lock;       /* clSetKernelArg .. enqueue is one step */
	struct vir0_cl_jit_kernel *next;   /* every kernel of the JIT */
	struct vir0_cl_jit_kernel *queued; /* the build queue */
};

struct vir0_cl_jit {
	cl_context context;
	cl_device_id device;
	char options[160];                 /* vir0_cl_jit_build_options */
	char device_name[256];
	char driver_version[128];
	cl_ulong local_mem_size;           /* device limits a kernel must fit */
	size_t max_workgroup;
	size_t max_item_sizes[3];
	char *cache_dir;                   /* NULL: no disk cache */
	void (*report)(void *user, const char *message);
	void *report_user;
	pthread_mutex_t lock;              /* everything below */
	pthread_cond_t changed;            /* a kernel's state, or the queue */
	pthread_t thread;
	int stop;
	struct vir0_cl_jit_kernel *kernels;
	struct vir0_cl_jit_kernel *queue_head, *queue_tail;
	struct vir0_cl_jit_stats stats;
};

/* Build `k` from the disk cache or its source, on the build thread: fills
 * program, kernel, compile_ns, from_cache, or error; counts in jit->stats
 * (under jit->lock). Returns the new state. */
int vir0_cl_jit_build(struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k);

/* Report `message` through the JIT's report callback. */
void vir0_cl_jit_report(struct vir0_cl_jit *jit, const char *message);

/* ---- disk cache (cl_jit_disk.c; the files: cl_binary_cache.c) -------- */

/* The directory to use: config's, else from the environment
 * (vir0_cl_binary_cache_dir). NULL when disabled or impossible (the
 * latter reported). */
char *vir0_cl_jit_cache_dir(struct vir0_cl_jit *jit, const char *configured);

/* The text that names a kernel's cache entry: emitter version, device,
 * driver, build options, program hash, hash of the full source.
 * malloc'd. */
char *vir0_cl_jit_cache_key(const struct vir0_cl_jit *jit, const struct vir0_cl_jit_kernel *k);

#endif
