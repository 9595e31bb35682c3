/* cl_launch.h - one batch launch of the megakernel over a ring image. */
#ifndef VIR0_CL_LAUNCH_H
#define VIR0_CL_LAUNCH_H

#include "cl_slots.h"

/* Copy `ring` to a device buffer and enqueue the megakernel on it after
 * the `nwait` events: a pooled buffer (which takes ring->words over)
 * where the device uses them, unless *ring_out is wanted or every pooled
 * buffer is busy; else a buffer of its own (on a CPU device, without
 * ring_out, ring->words itself, which the buffer takes over), and
 * *ring_out (when not NULL) receives it, retained, to read the slots'
 * statuses back. Lock held. */
int cl_launch(vir0_cl_device *dev, cl_command_queue queue, struct cl_ring *ring,
	      cl_uint nwait, const cl_event *wait, cl_event *done, cl_mem *ring_out,
	      struct vir0_error *err);

/* The pooled launch of cl_launch over `groups` work-groups: *launched is
 * 0 (and nothing enqueued) when no pooled buffer is idle. Lock held. */
int cl_ring_pool_launch(vir0_cl_device *dev, cl_command_queue queue, struct cl_ring *ring,
			uint32_t groups, cl_uint nwait, const cl_event *wait, cl_event *done,
			int *launched, struct vir0_error *err);

/* Enqueue onto `mem` what it lacks of `ring`: its words, when `copy`
 * (blocking or not), and the zero fill of the state the image left unset
 * (ring->fill_words), each command after the one before; *last gets the
 * last one's event (NULL when none), to release. With `last` NULL (an
 * in-order queue, which orders them itself) the commands make no events. */
int cl_ring_upload(cl_command_queue queue, cl_mem mem, const struct cl_ring *ring, int copy,
		   cl_bool blocking, cl_event *last, struct vir0_error *err);

/* cl_launch_kernel on the ring in `mem` after the `nwait` events and
 * `upload` (or NULL). */
int cl_launch_after(vir0_cl_device *dev, cl_command_queue queue, cl_mem mem,
		    const struct cl_ring *ring, uint32_t groups, cl_uint nwait,
		    const cl_event *wait, cl_event upload, cl_event *done,
		    struct vir0_error *err);

/* Wait for the pooled buffers' last launches and release them. */
void cl_ring_pool_free(vir0_cl_device *dev);

/* 1 when `ring` is one RUN_VIR0 slot of one chunk small enough for the
 * kernel's `lone` arguments: cl_launch then passes it by value, with no
 * buffer and no write before the launch (it reads no status back). */
int cl_ring_is_lone(const struct cl_ring *ring);

/* What a launch runs: a batch ring in device memory, the resident
 * kernel's ring, or one slot passed by value (cl_ring_is_lone). */
enum cl_launch_mode { CL_LAUNCH_BATCH, CL_LAUNCH_RESIDENT, CL_LAUNCH_LONE };

/* Set the kernel's arguments for a ring at `ring_arg` (a cl_mem, or an SVM
 * pointer when `svm`) whose slots' state (claims, chunk counters, copies;
 * device memory) starts at word `state_at` of `state`, and enqueue it over
 * `groups` work-groups. */
int cl_launch_kernel(vir0_cl_device *dev, cl_command_queue queue, void *ring_arg, int svm,
		     cl_mem state, cl_uint state_at, const struct cl_ring *ring, uint32_t groups,
		     enum cl_launch_mode how,
		     cl_uint nwait, const cl_event *wait, cl_event *done, struct vir0_error *err);

#endif
