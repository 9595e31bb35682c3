/* starpu_vir0_devices.c - one vir0_cl_device per StarPU OpenCL device,
 * opened on StarPU's context (starpu_opencl_get_context) in a background
 * thread so that loading programs and the first tasks do not wait for the
 * megakernel's compile (seconds on PoCL). A task that reaches an OpenCL
 * worker first waits for that build rather than starting a second one.
 *
 * StarPU 1.3 has no shutdown hook for codelet libraries: the state is
 * released by starpu_vir0_devices_release (the policy's deinit_sched, and
 * an atexit handler, which also makes sure no compile runs while the
 * process exits), and a state opened on a context StarPU has since
 * replaced (starpu_shutdown, then starpu_init again) is rebuilt. */
#include "starpu_vir0_devices.h"
#include "starpu_vir0.h"
#include "starpu_vir0_task.h"
#include "starpu_vir0_variant_code.h"

#include "error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct device {
	/* Written under the lock; read without it by starpu_vir0_devices_state,
	 * which can_execute asks for every VIR0 task on an OpenCL worker. */
	_Atomic(enum starpu_vir0_device_state) state;
	int resident_mode;         /* READY in a persistent mode; set before state */
	cl_context context;        /* StarPU's context the state was built on */
	vir0_cl_device *dev;       /* READY */
	cl_command_queue resident; /* READY: the queue resident launches go on */
	uint64_t generation;
	struct vir0_error error;   /* FAILED */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct device devices[STARPU_MAXOPENCLDEVS];
static uint64_t generations;
static int building;              /* a builder thread is at work */
static int joinable;              /* a builder thread was started and not joined */
static pthread_t builder;
static int exit_hook;

/* What the builder opens: StarPU's context and device, retained while
 * StarPU was surely up, so a starpu_shutdown during the build cannot free
 * them under it. */
struct build_list {
	unsigned count;
	int devids[STARPU_MAXOPENCLDEVS];
	cl_context contexts[STARPU_MAXOPENCLDEVS];
	cl_device_id ids[STARPU_MAXOPENCLDEVS];
};
static struct build_list pending;

static void build_one(int devid, cl_context context, cl_device_id id)
{
	vir0_cl_device *dev = NULL;
	struct vir0_error err = { 0 };
	int status = vir0_cl_device_open(context, id, &dev, &err);
	cl_command_queue resident = NULL;
	if (status == VIR0_OK) {
		/* Not StarPU's queue: the marker StarPU puts behind each task
		 * would wait for the resident kernel's idle exit. */
		cl_int code;
		resident = clCreateCommandQueueWithProperties(context, id, NULL, &code);
		if (code != CL_SUCCESS) {
			status = vir0_error_at(&err, VIR0_EIO, 0, "clCreateCommandQueue for the "
					       "resident kernel: %s", vir0_cl_error_name(code));
			vir0_cl_device_close(dev);
			dev = NULL;
		}
	}
	clReleaseContext(context);
	clReleaseDevice(id);
	pthread_mutex_lock(&lock);
	struct device *d = &devices[devid];
	d->dev = dev;
	d->resident = resident;
	d->generation = ++generations;
	d->resident_mode = dev && vir0_cl_device_mode(dev) != VIR0_CL_MODE_BATCH;
	d->state = status == VIR0_OK ? STARPU_VIR0_DEVICE_READY : STARPU_VIR0_DEVICE_FAILED;
	d->error = err;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	if (status)
		fprintf(stderr, "starpu_vir0: the megakernel does not build on StarPU OpenCL "
			"device %d: %s; VIR0 tasks there run the CPU interpreter on host copies\n",
			devid, err.message);
}

static void *build_all(void *arg)
{
	const struct build_list *list = arg;
	for (unsigned i = 0; i < list->count; i++)
		build_one(list->devids[i], list->contexts[i], list->ids[i]);
	pthread_mutex_lock(&lock);
	building = 0;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void close_device(struct device *d)
{
	vir0_cl_device_close(d->dev);
	if (d->resident)
		clReleaseCommandQueue(d->resident);
	d->context = NULL;
	d->dev = NULL;
	d->resident = NULL;
	d->generation = 0;
	d->error = (struct vir0_error){ 0 };
	d->resident_mode = 0;
	d->state = STARPU_VIR0_DEVICE_NONE;
}

static void release_at_exit(void)
{
	starpu_vir0_devices_release();
}

/* Mark the devices to build (lock held); 1 when there are some. */
static int collect(struct build_list *list)
{
	int ids[STARPU_NMAXWORKERS];
	unsigned n = starpu_worker_get_ids_by_type(STARPU_OPENCL_WORKER, ids, STARPU_NMAXWORKERS);
	list->count = 0;
	for (unsigned w = 0; w < n; w++) {
		int devid = starpu_worker_get_devid(ids[w]);
		if (devid < 0 || devid >= STARPU_MAXOPENCLDEVS)
			continue;
		cl_context context;
		starpu_opencl_get_context(devid, &context);
		struct device *d = &devices[devid];
		if (d->state != STARPU_VIR0_DEVICE_NONE && d->context == context)
			continue;
		if (d->state != STARPU_VIR0_DEVICE_NONE)
			close_device(d);  /* built for a context of an earlier starpu_init */
		d->state = STARPU_VIR0_DEVICE_BUILDING;
		d->context = context;
		cl_device_id id;
		starpu_opencl_get_device(devid, &id);
		clRetainContext(context);
		clRetainDevice(id);
		list->devids[list->count] = devid;
		list->contexts[list->count] = context;
		list->ids[list->count++] = id;
	}
	return list->count != 0;
}

void starpu_vir0_devices_start(void)
{
	if (!starpu_is_initialized())
		return;
	pthread_mutex_lock(&lock);
	if (building || !collect(&pending)) {
		pthread_mutex_unlock(&lock);
		return;
	}
	/* The last builder has finished (building is 0): join it before
	 * reusing the handle. */
	if (joinable)
		pthread_join(builder, NULL);
	joinable = 0;
	if (!exit_hook)
		exit_hook = atexit(release_at_exit) == 0;
	building = 1;
	if (pthread_create(&builder, NULL, build_all, &pending) == 0) {
		joinable = 1;
		pthread_mutex_unlock(&lock);
		return;
	}
	/* No thread: build here, the caller waits like a task would. */
	pthread_mutex_unlock(&lock);
	build_all(&pending);
}

vir0_cl_device *starpu_vir0_devices_get(int devid, uint64_t *generation,
					cl_command_queue *resident, struct vir0_error *err)
{
	if (devid < 0 || devid >= STARPU_MAXOPENCLDEVS) {
		vir0_error_at(err, VIR0_EARG, 0, "OpenCL device %d is beyond the %d StarPU keeps",
			      devid, STARPU_MAXOPENCLDEVS);
		return NULL;
	}
	cl_context context;
	starpu_opencl_get_context(devid, &context);
	pthread_mutex_lock(&lock);
	struct device *d = &devices[devid];
	if (d->state == STARPU_VIR0_DEVICE_NONE || d->context != context) {
		/* Stale: start the build (which takes the lock), then wait. */
		pthread_mutex_unlock(&lock);
		starpu_vir0_devices_start();
		pthread_mutex_lock(&lock);
	}
	while (d->state == STARPU_VIR0_DEVICE_BUILDING)
		pthread_cond_wait(&changed, &lock);
	vir0_cl_device *dev = d->dev;
	*generation = d->generation;
	if (resident)
		*resident = d->resident;
	if (!dev) {
		if (err)
			*err = d->error;
		if (d->state == STARPU_VIR0_DEVICE_NONE)
			vir0_error_at(err, VIR0_EARG, 0, "OpenCL device %d is not a StarPU OpenCL "
				      "worker's device", devid);
	}
	pthread_mutex_unlock(&lock);
	return dev;
}

enum starpu_vir0_device_state starpu_vir0_devices_state(int devid)
{
	if (devid < 0 || devid >= STARPU_MAXOPENCLDEVS)
		return STARPU_VIR0_DEVICE_NONE;
	return atomic_load_explicit(&devices[devid].state, memory_order_acquire);
}

int starpu_vir0_devices_resident(int devid)
{
	return starpu_vir0_devices_state(devid) == STARPU_VIR0_DEVICE_READY &&
	       devices[devid].resident_mode;
}

int starpu_vir0_opencl_ready(int devid)
{
	return starpu_vir0_devices_state(devid) == STARPU_VIR0_DEVICE_READY;
}

unsigned starpu_vir0_opencl_wait(void)
{
	starpu_vir0_devices_start();
	unsigned ready = 0;
	pthread_mutex_lock(&lock);
	while (building)
		pthread_cond_wait(&changed, &lock);
	for (int i = 0; i < STARPU_MAXOPENCLDEVS; i++)
		ready += devices[i].state == STARPU_VIR0_DEVICE_READY;
	pthread_mutex_unlock(&lock);
	return ready;
}

void starpu_vir0_devices_release(void)
{
	starpu_vir0_jit_release();
	pthread_mutex_lock(&lock);
	while (building)
		pthread_cond_wait(&changed, &lock);
	if (joinable)
		pthread_join(builder, NULL);
	joinable = 0;
	for (int i = 0; i < STARPU_MAXOPENCLDEVS; i++)
		if (devices[i].state != STARPU_VIR0_DEVICE_NONE)
			close_device(&devices[i]);
	pthread_mutex_unlock(&lock);
}

void starpu_vir0_devices_arena_free(int devid, uint64_t generation,
				    const struct vir0_cl_binding *binding)
{
	if (devid < 0 || devid >= STARPU_MAXOPENCLDEVS)
		return;
	pthread_mutex_lock(&lock);
	struct device *d = &devices[devid];
	if (d->state == STARPU_VIR0_DEVICE_READY && d->generation == generation)
		vir0_cl_arena_free(d->dev, binding);
	pthread_mutex_unlock(&lock);
}
