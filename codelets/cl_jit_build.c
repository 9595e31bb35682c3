/* cl_jit_build.c - one kernel's build on the JIT thread: from the disk
 * cache when it holds a sound entry, else from source (then the binary is
 * written back). The wall time of the build is measured, for the
 * scheduler to weigh against what the kernel saves. */
#include "cl_jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_engine.h"
#include "cl_error.h"
#include "error.h"
#include "expr_type.h"

#define LOG_MAX 8192

static void count(struct vir0_cl_jit *jit, uint64_t *counter)
{
	pthread_mutex_lock(&jit->lock);
	(*counter)++;
	pthread_mutex_unlock(&jit->lock);
}

/* The build log, cut to LOG_MAX bytes, into `log`. */
static void build_log(struct vir0_cl_jit *jit, cl_program program, char *log, size_t size)
{
	size_t len = 0;
	log[0] = '\0';
	if (clGetProgramBuildInfo(program, jit->device, CL_PROGRAM_BUILD_LOG, size - 1, log,
				  &len) != CL_SUCCESS)
		snprintf(log, size, "(no build log)");
	log[size - 1] = '\0';
}

/* clBuildProgram on `program`, then the kernel. On failure fills k->error
 * (which holds the start of the build log), reports the whole log when
 * `report` is set, and releases the program. */
static int finish_build(struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k,
			cl_program program, const char *from, int report)
{
	cl_int status = clBuildProgram(program, 1, &jit->device, jit->options, NULL, NULL);
	if (status != CL_SUCCESS) {
		char *log = malloc(LOG_MAX), *message = malloc(LOG_MAX + 512);
		if (log)
			build_log(jit, program, log, LOG_MAX);
		vir0_cl_fail(&k->error, "clBuildProgram", status, "JIT kernel from %s on %s: %s",
			     from, jit->device_name, log ? log : "(no memory for the log)");
		if (report && message) {
			char hash[33];
			vir0_hash_format(&k->hash, hash);
			snprintf(message, LOG_MAX + 512, "JIT build of program %s failed on %s "
				 "(%s); the interpreter runs it instead. Build log:\n%s",
				 hash, jit->device_name, vir0_cl_error_name(status),
				 log ? log : "(no memory for the log)");
			vir0_cl_jit_report(jit, message);
			k->reported = 1;
		}
		free(message);
		free(log);
		clReleaseProgram(program);
		return -1;
	}
	k->kernel = clCreateKernel(program, VIR0_EMIT_OPENCL_KERNEL, &status);
	if (!k->kernel) {
		vir0_cl_fail(&k->error, "clCreateKernel", status, "JIT kernel from %s on %s", from,
			     jit->device_name);
		clReleaseProgram(program);
		return -1;
	}
	if (clGetKernelWorkGroupInfo(k->kernel, jit->device, CL_KERNEL_WORK_GROUP_SIZE,
				     sizeof(k->max_workgroup), &k->max_workgroup, NULL) != CL_SUCCESS)
		k->max_workgroup = 0;
	k->program = program;
	return 0;
}

static int build_from_binary(struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k,
			     cl_program program)
{
	if (finish_build(jit, k, program, "a cached binary", 0)) {
		/* Not the caller's problem: the source build that follows
		 * decides. */
		memset(&k->error, 0, sizeof(k->error));
		return -1;
	}
	return 0;
}

static int build_from_source(struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k)
{
	cl_int status;
	const char *source = k->source;
	cl_program program = clCreateProgramWithSource(jit->context, 1, &source, NULL, &status);
	if (!program) {
		vir0_cl_fail(&k->error, "clCreateProgramWithSource", status, "JIT kernel on %s",
			     jit->device_name);
		return -1;
	}
	return finish_build(jit, k, program, "source", 1);
}

/* The built program's binary into the cache; a failure is reported, the
 * kernel stays usable. */
static void store_binary(struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k,
			 const char *path, const char *key)
{
	struct vir0_error err;
	int status = vir0_cl_binary_cache_store(path, key, k->program, jit->device, &err);
	if (status < 0)
		vir0_cl_jit_report(jit, err.message);
	else if (status == VIR0_OK)
		count(jit, &jit->stats.disk_writes);
}

/* Look in the cache; FOUND builds from the binary. */
static int try_cache(struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k, const char *path,
		     const char *key)
{
	cl_program program;
	char why[256], message[512];
	int found = vir0_cl_binary_cache_program(path, key, jit->context, jit->device, &program,
						 why, sizeof(why));
	if (found == VIR0_CL_BINARY_CACHE_CORRUPT) {
		count(jit, &jit->stats.disk_corrupt);
		snprintf(message, sizeof(message), "JIT cache entry %s is corrupt (%s): rebuilding it",
			 path, why);
		vir0_cl_jit_report(jit, message);
		return -1;
	}
	if (found == VIR0_CL_BINARY_CACHE_MISSING)
		return -1;
	int rc = found == VIR0_CL_BINARY_CACHE_FOUND ? build_from_binary(jit, k, program) : -1;
	if (rc) {
		count(jit, &jit->stats.disk_corrupt);
		snprintf(message, sizeof(message), "JIT cache entry %s does not load on %s: "
			 "rebuilding it", path, jit->device_name);
		vir0_cl_jit_report(jit, message);
	}
	return rc;
}

/* A device lacking room for the program's workgroups is no build error
 * but ends the same way: the interpreter runs the program. */
static int device_fits(const struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k)
{
	uint64_t local = 0, invocations = 1;
	for (uint32_t i = 0; i < k->nbuffers; i++)
		if (k->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			local += (uint64_t)k->buffers[i].count * vir0_element_size(k->buffers[i].element);
	if (jit->local_mem_size && local > jit->local_mem_size)
		return vir0_error_at(&k->error, VIR0_EUNSUPPORTED, 0, "the program's Workgroup "
				     "buffers need %llu bytes of local memory, %s has %llu: the "
				     "interpreter runs it", (unsigned long long)local,
				     jit->device_name, (unsigned long long)jit->local_mem_size);
	for (int a = 0; a < 3; a++) {
		invocations *= k->workgroup_size[a];
		if (jit->max_item_sizes[a] && k->workgroup_size[a] > jit->max_item_sizes[a])
			return vir0_error_at(&k->error, VIR0_EUNSUPPORTED, 0, "workgroup size %u on "
					     "axis %d is more than %s allows (%zu): the interpreter "
					     "runs it", k->workgroup_size[a], a, jit->device_name,
					     jit->max_item_sizes[a]);
	}
	if (jit->max_workgroup && invocations > jit->max_workgroup)
		return vir0_error_at(&k->error, VIR0_EUNSUPPORTED, 0, "workgroups of %llu "
				     "invocations are more than %s allows (%zu): the interpreter "
				     "runs it", (unsigned long long)invocations, jit->device_name,
				     jit->max_workgroup);
	return VIR0_OK;
}

int vir0_cl_jit_build(struct vir0_cl_jit *jit, struct vir0_cl_jit_kernel *k)
{
	char *key = NULL, *path = NULL;
	uint64_t start = cl_now_ns();
	int rc = -1;
	if (jit->cache_dir) {
		key = vir0_cl_jit_cache_key(jit, k);
		path = key ? vir0_cl_binary_cache_path(jit->cache_dir, key) : NULL;
	}
	int fits = device_fits(jit, k) == VIR0_OK; /* else k->error says why */
	if (fits && path && try_cache(jit, k, path, key) == 0) {
		k->from_cache = 1;
		count(jit, &jit->stats.disk_hits);
		rc = 0;
	} else if (fits && build_from_source(jit, k) == 0) {
		count(jit, &jit->stats.source_builds);
		rc = 0;
	}
	k->compile_ns = cl_now_ns() - start;
	if (rc == 0 && path && !k->from_cache)
		store_binary(jit, k, path, key);
	if (rc) {
		count(jit, &jit->stats.failures);
		if (!k->reported)
			vir0_cl_jit_report(jit, k->error.message);
	}
	free(key);
	free(path);
	return rc ? VIR0_CL_JIT_FAILED : VIR0_CL_JIT_READY;
}
