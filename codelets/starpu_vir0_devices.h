/* starpu_vir0_devices.h - the OpenCL engine's state per StarPU OpenCL
 * device: the megakernel built once on StarPU's own context and device
 * (in a background thread, from the first program load), kept until
 * StarPU shuts down. */
#ifndef STARPU_VIR0_DEVICES_H
#define STARPU_VIR0_DEVICES_H

#include <stdint.h>

#include "vir0_opencl.h"

/* Start building the megakernel of every StarPU OpenCL device that has
 * none (or has one for an earlier StarPU's context) in a background
 * thread. Does nothing before starpu_init or when a build is under way. */
void starpu_vir0_devices_start(void);

/* The state of OpenCL device `devid`, waiting for its build when it is
 * under way (starting it when it was never started). NULL when the build
 * failed: `err` says why. *generation changes whenever the device's state
 * is rebuilt, so what was loaded into an older one is known stale.
 * *resident (when not NULL) gets the device's queue for resident
 * launches, which is not StarPU's. */
vir0_cl_device *starpu_vir0_devices_get(int devid, uint64_t *generation,
					cl_command_queue *resident, struct vir0_error *err);

/* Where the megakernel of OpenCL device `devid` stands: NONE (never
 * started, or built for an earlier StarPU), BUILDING, READY or FAILED. */
enum starpu_vir0_device_state {
	STARPU_VIR0_DEVICE_NONE, STARPU_VIR0_DEVICE_BUILDING, STARPU_VIR0_DEVICE_READY,
	STARPU_VIR0_DEVICE_FAILED,
};
enum starpu_vir0_device_state starpu_vir0_devices_state(int devid);

/* 1 when OpenCL device `devid`'s megakernel is READY in a persistent
 * mode (its slots go to a resident kernel). Lock-free: can_execute asks. */
int starpu_vir0_devices_resident(int devid);

/* Give back arena memory allocated on `devid`'s state of `generation`;
 * nothing when that state was closed or rebuilt since (its arena went
 * with it): StarPU frees cached data buffers late in starpu_shutdown. */
void starpu_vir0_devices_arena_free(int devid, uint64_t generation,
				    const struct vir0_cl_binding *binding);

/* Wait for a build under way, then close every device's state and JIT
 * (starpu_vir0_jit_release). Called
 * when StarPU shuts down: by the vir0-spec policy's deinit_sched, and at
 * process exit (atexit, registered at the first build) for applications
 * under another policy. A later program load or OpenCL task builds
 * again. Call it only when no VIR0 task is running. */
void starpu_vir0_devices_release(void);

#endif
