/* cl_jit_standalone.c - an OpenCL device, context and queue of our own, for
 * tools and tests that run without StarPU. $VIR0_OPENCL_DEVICE picks the
 * device by its index over all platforms' devices (default 0), as the
 * engine's runtime does (cl_platform.c). */
#include "vir0_opencl_jit.h"

#include <stdlib.h>
#include <string.h>

#include "cl_platform.h"
#include "error.h"

int vir0_cl_jit_standalone_open(struct vir0_cl_jit_standalone *s, struct vir0_error *err)
{
	cl_int status;
	memset(s, 0, sizeof(*s));
	int rc = vir0_cl_find_device(-1, &s->platform, &s->device, err);
	if (rc)
		return rc;
	clGetDeviceInfo(s->device, CL_DEVICE_NAME, sizeof(s->device_name) - 1, s->device_name, NULL);
	s->context = clCreateContext(NULL, 1, &s->device, NULL, NULL, &status);
	if (!s->context)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "clCreateContext failed (%d) on %s",
				     (int)status, s->device_name);
	s->queue = clCreateCommandQueue(s->context, s->device, 0, &status);
	if (!s->queue) {
		clReleaseContext(s->context);
		s->context = NULL;
		return vir0_error_at(err, VIR0_ENOMEM, 0, "clCreateCommandQueue failed (%d) on %s",
				     (int)status, s->device_name);
	}
	return VIR0_OK;
}

void vir0_cl_jit_standalone_close(struct vir0_cl_jit_standalone *s)
{
	if (s->queue)
		clReleaseCommandQueue(s->queue);
	if (s->context)
		clReleaseContext(s->context);
	memset(s, 0, sizeof(*s));
}
