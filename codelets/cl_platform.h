/* cl_platform.h - what the megakernel engine and the JIT both need from
 * OpenCL before they start: a device picked by its index over every
 * platform, and the check that it computes f32 the way VIR0 requires. One
 * implementation for both (codelets/cl_runtime.c, cl_device.c,
 * cl_jit_standalone.c, cl_jit_device.c). */
#ifndef VIR0_CL_PLATFORM_H
#define VIR0_CL_PLATFORM_H

#include "vir0_opencl.h"

/* Device `index` counted over all platforms' devices in platform order
 * (a negative index: $VIR0_OPENCL_DEVICE, default 0), and its platform.
 * VIR0_EARG names the devices there are when `index` is out of range;
 * VIR0_EUNSUPPORTED when there is no platform at all. */
int vir0_cl_find_device(int index, cl_platform_id *platform, cl_device_id *device,
			struct vir0_error *err);

/* VIR0_OK when `device` rounds f32 division and sqrt correctly and
 * rounds to nearest (fmt §9.5), else VIR0_EUNSUPPORTED naming `name`. */
int vir0_cl_check_fp(cl_device_id device, const char *name, struct vir0_error *err);

#endif
