/* starpu_vir0_variant_jit.c - one JIT (include/vir0_opencl_jit.h) per
 * StarPU OpenCL device, on StarPU's own context and device, made when a
 * JIT variant is first asked for there. Its build thread compiles off the
 * critical path; its kernels run on StarPU's queue. A JIT made on the
 * context of an earlier starpu_init is made again, under a new
 * generation, so kernels cached in programs are known stale. */
#include "starpu_vir0_variant_code.h"

#include "error.h"

#include <pthread.h>
#include <stdio.h>

struct device_jit {
	cl_context context;
	struct vir0_cl_jit *jit;
	uint64_t generation;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct device_jit jits[STARPU_MAXOPENCLDEVS];
static uint64_t generations;

struct vir0_cl_jit *starpu_vir0_jit_get(int devid, uint64_t *generation, struct vir0_error *err)
{
	if (devid < 0 || devid >= STARPU_MAXOPENCLDEVS) {
		vir0_error_at(err, VIR0_EARG, 0, "OpenCL device %d is beyond the %d StarPU keeps",
			      devid, STARPU_MAXOPENCLDEVS);
		return NULL;
	}
	cl_context context;
	cl_device_id device;
	starpu_opencl_get_context(devid, &context);
	starpu_opencl_get_device(devid, &device);
	pthread_mutex_lock(&lock);
	struct device_jit *d = &jits[devid];
	if (d->jit && d->context != context) {
		vir0_cl_jit_destroy(d->jit);
		d->jit = NULL;
	}
	/* NULL config: the disk cache under $VIR0_HOME or $STARPU_HOME, build
	 * failures on stderr (once per kernel). */
	if (!d->jit && vir0_cl_jit_create(context, device, NULL, &d->jit, err) == VIR0_OK) {
		d->context = context;
		d->generation = ++generations;
	}
	struct vir0_cl_jit *jit = d->jit;
	*generation = d->generation;
	pthread_mutex_unlock(&lock);
	return jit;
}

void starpu_vir0_jit_release(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < STARPU_MAXOPENCLDEVS; i++) {
		vir0_cl_jit_destroy(jits[i].jit);
		jits[i].jit = NULL;
	}
	pthread_mutex_unlock(&lock);
}
