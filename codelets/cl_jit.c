/* cl_jit.c - the JIT object: requests answered from memory or queued, and
 * the background thread that builds queued kernels one at a time, so no
 * caller ever waits on the OpenCL compiler unless it asks to
 * (vir0_cl_jit_wait). */
#include "cl_jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_error.h"
#include "cl_sources.h"
#include "error.h"

void vir0_cl_jit_report(struct vir0_cl_jit *jit, const char *message)
{
	if (jit->report)
		jit->report(jit->report_user, message);
	else
		fprintf(stderr, "vir0 opencl jit: %s\n", message);
}

static void *build_thread(void *arg)
{
	struct vir0_cl_jit *jit = arg;
	pthread_mutex_lock(&jit->lock);
	for (;;) {
		while (!jit->stop && !jit->queue_head)
			pthread_cond_wait(&jit->changed, &jit->lock);
		if (jit->stop)
			break;
		struct vir0_cl_jit_kernel *k = jit->queue_head;
		jit->queue_head = k->queued;
		if (!jit->queue_head)
			jit->queue_tail = NULL;
		pthread_mutex_unlock(&jit->lock);
		int state = vir0_cl_jit_build(jit, k);
		pthread_mutex_lock(&jit->lock);
		k->state = state;
		pthread_cond_broadcast(&jit->changed);
	}
	pthread_mutex_unlock(&jit->lock);
	return NULL;
}

static void device_string(cl_device_id device, cl_device_info what, char *text, size_t size)
{
	text[0] = '\0';
	if (clGetDeviceInfo(device, what, size - 1, text, NULL) != CL_SUCCESS)
		snprintf(text, size, "unknown");
	text[size - 1] = '\0';
}

int vir0_cl_jit_create(cl_context context, cl_device_id device,
		       const struct vir0_cl_jit_config *config,
		       struct vir0_cl_jit **out, struct vir0_error *err)
{
	if (!context || !device || !out)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_cl_jit_create needs a context, a "
				     "device and an output pointer");
	*out = NULL;
	struct vir0_cl_jit *jit = calloc(1, sizeof(*jit));
	if (!jit)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory creating the JIT");
	int rc = vir0_cl_jit_build_options(device, jit->options, sizeof(jit->options), err);
	if (rc) {
		free(jit);
		return rc;
	}
	jit->context = context;
	jit->device = device;
	device_string(device, CL_DEVICE_NAME, jit->device_name, sizeof(jit->device_name));
	device_string(device, CL_DRIVER_VERSION, jit->driver_version, sizeof(jit->driver_version));
	/* Unknown limits stay 0 and are not checked: the build reports. */
	clGetDeviceInfo(device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(jit->local_mem_size),
			&jit->local_mem_size, NULL);
	clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(jit->max_workgroup),
			&jit->max_workgroup, NULL);
	clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(jit->max_item_sizes),
			jit->max_item_sizes, NULL);
	if (config) {
		jit->report = config->report;
		jit->report_user = config->report_user;
	}
	jit->cache_dir = vir0_cl_jit_cache_dir(jit, config ? config->cache_dir : NULL);
	pthread_mutex_init(&jit->lock, NULL);
	pthread_cond_init(&jit->changed, NULL);
	if (pthread_create(&jit->thread, NULL, build_thread, jit)) {
		pthread_cond_destroy(&jit->changed);
		pthread_mutex_destroy(&jit->lock);
		free(jit->cache_dir);
		free(jit);
		return vir0_error_at(err, VIR0_ENOMEM, 0, "cannot start the JIT build thread");
	}
	clRetainContext(context);
	*out = jit;
	return VIR0_OK;
}

static void kernel_free(struct vir0_cl_jit_kernel *k)
{
	if (k->kernel)
		clReleaseKernel(k->kernel);
	if (k->program)
		clReleaseProgram(k->program);
	pthread_mutex_destroy(&k->launch_lock);
	free(k->source);
	free(k->buffers);
	free(k);
}

void vir0_cl_jit_destroy(struct vir0_cl_jit *jit)
{
	if (!jit)
		return;
	pthread_mutex_lock(&jit->lock);
	jit->stop = 1;
	pthread_cond_broadcast(&jit->changed);
	pthread_mutex_unlock(&jit->lock);
	pthread_join(jit->thread, NULL);
	while (jit->kernels) {
		struct vir0_cl_jit_kernel *k = jit->kernels;
		jit->kernels = k->next;
		kernel_free(k);
	}
	pthread_cond_destroy(&jit->changed);
	pthread_mutex_destroy(&jit->lock);
	clReleaseContext(jit->context);
	free(jit->cache_dir);
	free(jit);
}

void vir0_cl_jit_get_stats(const struct vir0_cl_jit *jit, struct vir0_cl_jit_stats *stats)
{
	struct vir0_cl_jit *mutable = (struct vir0_cl_jit *)jit;
	pthread_mutex_lock(&mutable->lock);
	*stats = jit->stats;
	pthread_mutex_unlock(&mutable->lock);
}

/* A new kernel for `program`: validated, lowered, emitted, not built. */
static int kernel_new(struct vir0_cl_jit *jit, const vir0_program *program,
		      const struct vir0_hash *hash, struct vir0_cl_jit_kernel **out,
		      struct vir0_error *err)
{
	struct vir0_bytecode *bc;
	char *kernel_source;
	int rc = vir0_lower(program, &bc, err);
	if (rc)
		return rc;
	rc = vir0_emit_opencl_bytecode(bc, &kernel_source, err);
	if (rc) {
		vir0_bytecode_free(bc);
		return rc;
	}
	struct vir0_cl_jit_kernel *k = calloc(1, sizeof(*k));
	size_t ops_len = strlen(vir0_cl_ops_source), kernel_len = strlen(kernel_source);
	if (k) {
		k->source = malloc(ops_len + kernel_len + 2);
		k->buffers = malloc((bc->nbuffers ? bc->nbuffers : 1) * sizeof(*k->buffers));
	}
	if (!k || !k->source || !k->buffers) {
		if (k) {
			free(k->source);
			free(k->buffers);
		}
		free(k);
		free(kernel_source);
		vir0_bytecode_free(bc);
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for a JIT kernel");
	}
	memcpy(k->source, vir0_cl_ops_source, ops_len);
	k->source[ops_len] = '\n';
	memcpy(k->source + ops_len + 1, kernel_source, kernel_len + 1);
	memcpy(k->buffers, bc->buffers, bc->nbuffers * sizeof(*k->buffers));
	k->nbuffers = bc->nbuffers;
	memcpy(k->workgroup_size, bc->workgroup_size, sizeof(k->workgroup_size));
	k->jit = jit;
	k->hash = *hash;
	k->state = VIR0_CL_JIT_PENDING;
	pthread_mutex_init(&k->launch_lock, NULL);
	free(kernel_source);
	vir0_bytecode_free(bc);
	*out = k;
	return VIR0_OK;
}

int vir0_cl_jit_request(struct vir0_cl_jit *jit, const vir0_program *program,
			struct vir0_cl_jit_kernel **out, struct vir0_error *err)
{
	struct vir0_hash hash;
	struct vir0_cl_jit_kernel *k;
	if (!jit || !program || !out)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_cl_jit_request needs a JIT, a "
				     "program and an output pointer");
	*out = NULL;
	int rc = vir0_validate(program, err);
	if (!rc)
		rc = vir0_hash_program(program, &hash, err);
	if (rc)
		return rc;
	pthread_mutex_lock(&jit->lock);
	jit->stats.requests++;
	for (k = jit->kernels; k; k = k->next)
		if (!memcmp(&k->hash, &hash, sizeof(hash)))
			break;
	if (k)
		jit->stats.memory_hits++;
	pthread_mutex_unlock(&jit->lock);
	if (k) {
		*out = k;
		return VIR0_OK;
	}
	/* Emitted outside the lock; a concurrent request for the same
	 * program may emit too, and the loser's copy is dropped below. */
	rc = kernel_new(jit, program, &hash, &k, err);
	if (rc)
		return rc;
	pthread_mutex_lock(&jit->lock);
	struct vir0_cl_jit_kernel *other;
	for (other = jit->kernels; other; other = other->next)
		if (!memcmp(&other->hash, &hash, sizeof(hash)))
			break;
	if (other) {
		pthread_mutex_unlock(&jit->lock);
		kernel_free(k);
		*out = other;
		return VIR0_OK;
	}
	k->next = jit->kernels;
	jit->kernels = k;
	if (jit->queue_tail)
		jit->queue_tail->queued = k;
	else
		jit->queue_head = k;
	jit->queue_tail = k;
	pthread_cond_broadcast(&jit->changed);
	pthread_mutex_unlock(&jit->lock);
	*out = k;
	return VIR0_OK;
}

enum vir0_cl_jit_state vir0_cl_jit_poll(const struct vir0_cl_jit_kernel *kernel)
{
	pthread_mutex_lock(&kernel->jit->lock);
	int state = kernel->state;
	pthread_mutex_unlock(&kernel->jit->lock);
	return (enum vir0_cl_jit_state)state;
}

int vir0_cl_jit_wait(struct vir0_cl_jit_kernel *kernel, struct vir0_error *err)
{
	struct vir0_cl_jit *jit = kernel->jit;
	pthread_mutex_lock(&jit->lock);
	while (kernel->state == VIR0_CL_JIT_PENDING)
		pthread_cond_wait(&jit->changed, &jit->lock);
	int state = kernel->state;
	pthread_mutex_unlock(&jit->lock);
	if (state == VIR0_CL_JIT_READY)
		return VIR0_OK;
	if (err)
		*err = kernel->error;
	return kernel->error.code ? kernel->error.code : VIR0_EIO;
}

uint64_t vir0_cl_jit_compile_ns(const struct vir0_cl_jit_kernel *kernel)
{
	return vir0_cl_jit_poll(kernel) == VIR0_CL_JIT_READY ? kernel->compile_ns : 0;
}

int vir0_cl_jit_from_cache(const struct vir0_cl_jit_kernel *kernel)
{
	return vir0_cl_jit_poll(kernel) == VIR0_CL_JIT_READY && kernel->from_cache;
}

const char *vir0_cl_jit_source(const struct vir0_cl_jit_kernel *kernel)
{
	return kernel->source;
}
