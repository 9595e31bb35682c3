/* cl_launch.h - one batch launch of the megakernel over a ring image. */
#ifndef VIR0_CL_LAUNCH_H
#define VIR0_CL_LAUNCH_H

#include "cl_slots.h"

/* Copy `ring` to a device buffer of its own and enqueue the megakernel on
 * it after the `nwait` events. `persistent` and `ring_mem` are for the
 * resident kernel (cl_persistent.c): its ring is already on the device
 * and it polls. Otherwise *ring_out (when not NULL) receives the ring's
 * buffer, retained, to read the slots' statuses back. Lock held. */
int cl_launch(vir0_cl_device *dev, cl_command_queue queue, const struct cl_ring *ring,
	      cl_uint nwait, const cl_event *wait, cl_event *done, cl_mem *ring_out,
	      struct vir0_error *err);

/* Set the kernel's arguments for a ring at `ring_arg` (a cl_mem, or an SVM
 * pointer when `svm`) whose slots' state (claims, chunk counters, copies;
 * device memory) starts at word `state_at` of `state`, and enqueue it over
 * `groups` work-groups. */
int cl_launch_kernel(vir0_cl_device *dev, cl_command_queue queue, void *ring_arg, int svm,
		     cl_mem state, cl_uint state_at, const struct cl_ring *ring, uint32_t groups,
		     int persistent,
		     cl_uint nwait, const cl_event *wait, cl_event *done, struct vir0_error *err);

#endif
