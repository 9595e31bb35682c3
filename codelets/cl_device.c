/* cl_device.c - one device's resident state: the megakernel built once
 * from the embedded sources, its shape (work-group size, lanes per
 * work-item, work-groups per launch) from what the device reports, the
 * control words and the scratch. The megakernel's binary is kept in the
 * disk cache the JIT uses (cl_binary_cache.c). */
#include "cl_engine.h"

#include "cl_binary_cache.h"
#include "cl_env.h"
#include "cl_error.h"
#include "cl_launch.h"
#include "cl_platform.h"
#include "cl_sources.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* GPUs: 128 work-items x 8 lanes, at most 64 lanes each (the H200, with
 * NVIDIA_OPTIONS: saxpy 0.42x of the JIT against 0.27x with 4 lanes,
 * vector add 0.71x against 0.44x; 16 lanes were slower than 8). CPUs
 * (PoCL): one work-item per work-group with many lanes, up to a whole
 * VIR0 workgroup of 1024: PoCL cannot form its work-item
 * loops around barriers inside the interpreter's loop, and a work-group
 * of one needs no barrier. */
#define GPU_WG 128u
#define GPU_LANES 8u
#define GPU_MAX_LANES 64u
#define CPU_WG 1u
#define CPU_LANES 32u
#define CPU_MAX_LANES 1024u
/* NVIDIA's compiler gives the interpreter 128 registers, so only 4
 * work-groups of 128 fit on an SM; capped at 80, 6 fit and the spills stay
 * in L1 (H200, 8 lanes: saxpy 0.34x -> 0.42x of the JIT, vector add 0.66x
 * -> 0.71x, sum 1.48x -> 1.76x; a cap of 64 was no better). The caller's
 * VIR0_CL_BUILD_OPTIONS come after it and may set their own. */
#define NVIDIA_OPTIONS "-cl-nv-maxrregcount=80 "
/* Work-groups per compute unit: on the H100, 16 (2112 work-groups) ran
 * saxpy 2.51 ms against 3.05 ms with 4 (vector add 2.05 against 2.44);
 * CPUs keep 4. */
#define GPU_GROUPS_PER_UNIT 16u
#define CPU_GROUPS_PER_UNIT 4u
#define GPU_IDLE_SPINS 24u
/* Most output bytes the claimer of a one-slot launch zeroes itself
 * (128 work-items x 512 bytes on GPUs; on CPUs its one work-item's loop
 * is a memset, as fast as PoCL's fill command, which costs a command). */
#define GPU_ZERO_IN_KERNEL (64u << 10)
#define CPU_ZERO_IN_KERNEL (256u << 10)

/* The program's build log (malloc'd), or NULL. */
static char *build_log(const vir0_cl_device *dev)
{
	size_t size = 0;
	clGetProgramBuildInfo(dev->program, dev->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &size);
	char *log = malloc(size + 1);
	if (log && clGetProgramBuildInfo(dev->program, dev->device, CL_PROGRAM_BUILD_LOG, size,
					 log, NULL) != CL_SUCCESS) {
		free(log);
		return NULL;
	}
	if (log)
		log[size] = '\0';
	return log;
}

static const char *const sources[] = {
	vir0_cl_ops_source, vir0_cl_megakernel_source, vir0_cl_megakernel_interp_source,
	vir0_cl_megakernel_ring_source,
};
#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

#define CACHE_KEY_FORMAT "vir0 opencl megakernel\ndevice %s\ndriver %s\noptions %s\n" \
	"source %016llx%016llx\n"

/* The text that names the megakernel's disk cache entry: device, driver,
 * the exact build options and the XXH3-128 of the embedded sources.
 * malloc'd. */
static char *cache_key(const vir0_cl_device *dev, const char *options)
{
	XXH3_state_t *state = XXH3_createState();
	if (!state)
		return NULL;
	XXH3_128bits_reset(state);
	for (size_t i = 0; i < NSOURCES; i++) /* each with its NUL, as a separator */
		XXH3_128bits_update(state, sources[i], strlen(sources[i]) + 1);
	XXH128_hash_t h = XXH3_128bits_digest(state);
	XXH3_freeState(state);
	return vir0_cl_binary_cache_key(CACHE_KEY_FORMAT, dev->name, dev->driver, options,
					(unsigned long long)h.high64, (unsigned long long)h.low64);
}

/* dev->program from the cache entry at `path`, if it is sound and the
 * driver takes its binary: 0, else -1, a corrupt or refused entry reported
 * on stderr (the caller builds from source and rewrites it). */
static int load_cached(vir0_cl_device *dev, const char *options, const char *path,
		       const char *key)
{
	cl_program program;
	char why[256];
	int found = vir0_cl_binary_cache_program(path, key, dev->context, dev->device, &program,
						 why, sizeof(why));
	if (found == VIR0_CL_BINARY_CACHE_CORRUPT)
		fprintf(stderr, "vir0: the megakernel's cache entry %s is corrupt (%s): "
			"rebuilding it\n", path, why);
	if (found == VIR0_CL_BINARY_CACHE_MISSING || found == VIR0_CL_BINARY_CACHE_CORRUPT)
		return -1;
	if (found == VIR0_CL_BINARY_CACHE_FOUND) {
		cl_int code = clBuildProgram(program, 1, &dev->device, options, NULL, NULL);
		if (code == CL_SUCCESS) {
			dev->program = program;
			return 0;
		}
		clReleaseProgram(program);
		snprintf(why, sizeof(why), "%s", vir0_cl_error_name(code));
	}
	fprintf(stderr, "vir0: %s does not load the megakernel's cache entry %s (%s): "
		"rebuilding it\n", dev->name, path, why);
	return -1;
}

/* dev->program from the embedded sources. `show_log`: print the build log
 * even when it builds (NVIDIA's register use with -cl-nv-verbose in
 * VIR0_CL_BUILD_OPTIONS). */
static int build_from_source(vir0_cl_device *dev, const char *options, int show_log,
			     struct vir0_error *err)
{
	cl_int code;
	dev->program = clCreateProgramWithSource(dev->context, NSOURCES, (const char **)sources,
						 NULL, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateProgramWithSource", code,
				    "creating the megakernel program for %s", dev->name);
	code = clBuildProgram(dev->program, 1, &dev->device, options, NULL, NULL);
	if (code != CL_SUCCESS || show_log) {
		char *log = build_log(dev);
		if (log)
			fprintf(stderr, "vir0: megakernel build log for %s (%s):\n%s\n", dev->name,
				options, log);
		int status = code == CL_SUCCESS ? VIR0_OK
			     : vir0_cl_fail(err, "clBuildProgram", code,
					    "the megakernel does not build for %s (%s); build log: "
					    "%.160s", dev->name, options, log ? log : "(unavailable)");
		free(log);
		if (status)
			return status;
	}
	return VIR0_OK;
}

/* The built program's binary into the cache; a failure is reported, the
 * program stays usable. */
static void store_binary(const vir0_cl_device *dev, const char *path, const char *key)
{
	struct vir0_error err;
	if (vir0_cl_binary_cache_store(path, key, dev->program, dev->device, &err) < 0)
		fprintf(stderr, "vir0: %s\n", err.message);
}

/* The megakernel with `options`: from the disk cache in `cache_dir` (NULL:
 * none) when it holds a sound entry, else from source (then written
 * back). VIR0_CL_BUILD_LOG=1 skips the read, a binary having no compiler
 * log to show. */
static int build_with(vir0_cl_device *dev, const char *options, const char *cache_dir,
		      struct vir0_error *err)
{
	int show_log = vir0_env_u32("VIR0_CL_BUILD_LOG", 0, 0, 1);
	char *key = cache_dir ? cache_key(dev, options) : NULL;
	char *path = key ? vir0_cl_binary_cache_path(cache_dir, key) : NULL;
	if (dev->program)
		clReleaseProgram(dev->program);
	dev->program = NULL;
	uint64_t start = cl_now_ns();
	dev->from_cache = path && !show_log && load_cached(dev, options, path, key) == 0;
	int status = dev->from_cache ? VIR0_OK : build_from_source(dev, options, show_log, err);
	dev->build_ms = (double)(cl_now_ns() - start) / 1e6;
	if (status == VIR0_OK && path && !dev->from_cache)
		store_binary(dev, path, key);
	free(key);
	free(path);
	if (status)
		return status;
	cl_int code;
	dev->kernel = clCreateKernel(dev->program, "vir0_megakernel", &code);
	dev->args_set = 0; /* a new kernel has no argument set */
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateKernel", code, "vir0_megakernel on %s", dev->name);
	return VIR0_OK;
}

/* On NVIDIA the device- and system-wide fences are PTX (megakernel.cl);
 * a driver that refuses the asm gets mem_fence, with a warning. Both go
 * through the disk cache of program binaries (cl_binary_cache.c), in the
 * JIT's directory: a cold build takes seconds on PoCL, 10-17 s on
 * the H200. */
static int build(vir0_cl_device *dev, struct vir0_error *err)
{
	/* The caller's own options (VIR0_CL_BUILD_OPTIONS) go after ours. */
	const char *extra = getenv("VIR0_CL_BUILD_OPTIONS");
	char options[640], why[400];
	int n = snprintf(options, sizeof(options),
			 "-DVIR0_WG=%u -DVIR0_LANES=%u -DVIR0_MASK_WORDS=%u "
			 "-cl-fp32-correctly-rounded-divide-sqrt %s%s",
			 dev->wg, dev->lanes, dev->max_lanes / 64,
			 dev->is_nvidia ? NVIDIA_OPTIONS : "", extra ? extra : "");
	if (n < 0 || (size_t)n + sizeof(" -DVIR0_PTX_FENCES") > sizeof(options))
		return vir0_error_at(err, VIR0_EARG, 0, "VIR0_CL_BUILD_OPTIONS is %zu characters "
				     "long; the megakernel takes at most 480 extra", strlen(extra));
	char *cache_dir = vir0_cl_binary_cache_dir(NULL, why, sizeof(why));
	if (!cache_dir && why[0])
		fprintf(stderr, "vir0: no disk cache for the megakernel: %s\n", why);
	int status = VIR0_OK;
	if (dev->is_nvidia) {
		snprintf(options + n, sizeof(options) - (size_t)n, " -DVIR0_PTX_FENCES");
		status = build_with(dev, options, cache_dir, err);
		if (status != VIR0_OK)
			fprintf(stderr, "vir0: %s refused the megakernel's PTX fences; using "
				"mem_fence, whose scope may not cover the device\n", dev->name);
		options[n] = '\0';
	}
	if (!dev->is_nvidia || status != VIR0_OK)
		status = build_with(dev, options, cache_dir, err);
	free(cache_dir);
	return status;
}

static void describe_shape(vir0_cl_device *dev)
{
	cl_device_type type = 0;
	cl_uint units = 1;
	size_t max_wg = 1;
	cl_ulong local = 0;
	clGetDeviceInfo(dev->device, CL_DEVICE_NAME, sizeof(dev->name) - 1, dev->name, NULL);
	clGetDeviceInfo(dev->device, CL_DRIVER_VERSION, sizeof(dev->driver) - 1, dev->driver, NULL);
	char vendor[64] = "";
	clGetDeviceInfo(dev->device, CL_DEVICE_VENDOR, sizeof(vendor) - 1, vendor, NULL);
	dev->is_nvidia = strstr(vendor, "NVIDIA") != NULL;
	clGetDeviceInfo(dev->device, CL_DEVICE_TYPE, sizeof(type), &type, NULL);
	clGetDeviceInfo(dev->device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(units), &units, NULL);
	clGetDeviceInfo(dev->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(max_wg), &max_wg, NULL);
	clGetDeviceInfo(dev->device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(local), &local, NULL);
	dev->is_gpu = (type & CL_DEVICE_TYPE_GPU) != 0;
	dev->wg = vir0_env_u32("VIR0_CL_WG", dev->is_gpu ? GPU_WG : CPU_WG, 1, 1024);
	if (dev->wg > max_wg)
		dev->wg = (uint32_t)max_wg;
	dev->max_lanes = dev->is_gpu ? GPU_MAX_LANES : CPU_MAX_LANES;
	dev->lanes = vir0_env_u32("VIR0_CL_LANES", dev->is_gpu ? GPU_LANES : CPU_LANES, 1,
				     dev->max_lanes);
	dev->groups = vir0_env_u32("VIR0_CL_GROUPS",
				      units * (dev->is_gpu ? GPU_GROUPS_PER_UNIT : CPU_GROUPS_PER_UNIT),
				      1, 1u << 20);
	dev->units = units ? units : 1;
	/* Leave room for the kernel's own __local words and its slot copy. */
	size_t own = 1024 + (VIR0_CL_SLOT_WORDS + CL_DESC_WORDS * CL_MAX_DESC) * 4;
	dev->local_budget = local > own ? (size_t)local - own : 0;
	if (dev->local_budget > 32768)
		dev->local_budget = 32768;
	/* Outputs a launch of one slot zeroes in the kernel rather than by
	 * fill commands: the claimer's work-group alone stores them, so
	 * larger outputs are left to a fill, which uses the whole device. */
	dev->zero_in_kernel = dev->is_gpu ? GPU_ZERO_IN_KERNEL : CPU_ZERO_IN_KERNEL;
	/* A GPU's idle pass is one read of the ring (a PCIe round trip on
	 * NVIDIA, about 2 us): a few dozen keep it under ~50 us. */
	dev->idle_spins = vir0_env_u32("VIR0_CL_IDLE_SPINS", dev->is_gpu ? GPU_IDLE_SPINS : 256,
					  0, 1u << 30);
	/* Ring images go to pooled buffers by a write command on a GPU, where
	 * a buffer per launch is a device allocation; on a CPU device the
	 * buffer uses the ring image in place, cheaper than one more command. */
	dev->ring_pool = vir0_env_u32("VIR0_CL_RING_POOL", dev->is_gpu, 0, 1);
	/* In words. */
	dev->store_limit = (size_t)vir0_env_u32("VIR0_CL_STORE_MAX_MB", 64, 1, 4095) << 18;
}

static int make_control(vir0_cl_device *dev, struct vir0_error *err)
{
	uint32_t words[VIR0_CL_CONTROL_WORDS] = { 0 };
	words[VIR0_CL_CONTROL_TENANT_BASE] = 1; /* tenant 0 runs */
	cl_int code;
	dev->control = clCreateBuffer(dev->context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
				      sizeof(words), words, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateBuffer", code, "the %zu-byte control buffer",
				    sizeof(words));
	return VIR0_OK;
}

int vir0_cl_device_open(cl_context context, cl_device_id device, vir0_cl_device **out,
			struct vir0_error *err)
{
	if (!out || !context || !device)
		return vir0_error_at(err, VIR0_EARG, 0, "context, device and out must not be NULL");
	*out = NULL;
	vir0_cl_device *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the device state");
	dev->context = context;
	dev->device = device;
	clRetainContext(context);
	clRetainDevice(device);
	pthread_mutex_init(&dev->lock, NULL);
	describe_shape(dev);
	int status = vir0_cl_check_fp(dev->device, dev->name, err);
	if (status == VIR0_OK)
		status = build(dev, err);
	if (status == VIR0_OK)
		status = make_control(dev, err);
	if (status == VIR0_OK)
		status = vir0_cl_mode_choose(dev, err);
	if (status) {
		vir0_cl_device_close(dev);
		return status;
	}
	*out = dev;
	return VIR0_OK;
}

static void release_mem(cl_mem mem)
{
	if (mem)
		clReleaseMemObject(mem);
}

void vir0_cl_device_close(vir0_cl_device *dev)
{
	if (!dev)
		return;
	pthread_mutex_lock(&dev->lock);
	vir0_cl_persistent_stop(dev);
	pthread_mutex_unlock(&dev->lock);
	vir0_cl_persistent_free(dev);
	cl_ring_pool_free(dev);
	for (uint32_t i = 0; i < dev->nprograms; i++) {
		free(dev->programs[i]->buffers);
		free(dev->programs[i]->workgroup_offsets);
		free(dev->programs[i]);
	}
	free(dev->programs);
	free(dev->blocks);
	release_mem(dev->arena);
	release_mem(dev->scratch);
	release_mem(dev->store);
	release_mem(dev->control);
	if (dev->kernel)
		clReleaseKernel(dev->kernel);
	if (dev->program)
		clReleaseProgram(dev->program);
	clReleaseDevice(dev->device);
	clReleaseContext(dev->context);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

enum vir0_cl_mode vir0_cl_device_mode(const vir0_cl_device *dev)
{
	return dev->mode;
}

const char *vir0_cl_mode_name(enum vir0_cl_mode mode)
{
	switch (mode) {
	case VIR0_CL_MODE_PERSISTENT_SVM: return "persistent-svm";
	case VIR0_CL_MODE_PERSISTENT_NV: return "persistent-nv";
	default: return "batch";
	}
}

void vir0_cl_device_describe(const vir0_cl_device *dev, char *text, size_t size)
{
	snprintf(text, size, "%s (driver %s), mode %s, %u work-groups of %u work-items x %u lanes, "
		 "built in %.0f ms from %s", dev->name, dev->driver, vir0_cl_mode_name(dev->mode),
		 dev->groups, dev->wg, dev->lanes, dev->build_ms,
		 dev->from_cache ? "the disk cache" : "source");
}

int vir0_cl_control_read(vir0_cl_device *dev, cl_command_queue queue, uint32_t first,
			 uint32_t count, uint32_t *words, struct vir0_error *err)
{
	if (!dev || !queue || (count && !words))
		return vir0_error_at(err, VIR0_EARG, 0, "device, queue and words must not be NULL");
	if (first > VIR0_CL_CONTROL_WORDS || count > VIR0_CL_CONTROL_WORDS - first)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "control words %u..%u are past the %u control words",
				     first, first + count, VIR0_CL_CONTROL_WORDS);
	cl_int code = clEnqueueReadBuffer(queue, dev->control, CL_TRUE, first * 4u, count * 4u,
					  words, 0, NULL, NULL);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clEnqueueReadBuffer", code, "control words %u..%u",
				    first, first + count);
	return VIR0_OK;
}

int vir0_cl_scratch_reserve(vir0_cl_device *dev, size_t item_words, struct vir0_error *err)
{
	if (item_words <= dev->scratch_item_words && dev->scratch)
		return VIR0_OK;
	size_t words = item_words > 64 ? item_words : 64;
	size_t bytes = words * 4 * dev->wg * dev->groups;
	vir0_cl_persistent_stop(dev);
	cl_int code;
	cl_mem scratch = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, bytes, NULL, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateBuffer", code,
				    "%zu bytes of interpreter registers (%zu words per work-item); "
				    "use a program with fewer registers or set VIR0_CL_GROUPS lower",
				    bytes, words);
	release_mem(dev->scratch);
	dev->scratch = scratch;
	cl_arg_forget(dev, ARG_SCRATCH);
	dev->scratch_item_words = words;
	return VIR0_OK;
}
