/* cl_jit_standalone.c - an OpenCL device, context and queue of our own, for
 * tools and tests that run without StarPU. $VIR0_OPENCL_DEVICE picks the
 * device by its index over all platforms' devices (default 0). */
#include "vir0_opencl_jit.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

static unsigned wanted_device(void)
{
	const char *text = getenv("VIR0_OPENCL_DEVICE");
	char *end;
	if (!text || !*text)
		return 0;
	unsigned long index = strtoul(text, &end, 10);
	return *end || index >= MAX_DEVICES ? 0 : (unsigned)index;
}

static int find_device(struct vir0_cl_jit_standalone *s, struct vir0_error *err)
{
	cl_platform_id platforms[MAX_PLATFORMS];
	cl_uint nplatforms = 0;
	unsigned want = wanted_device(), seen = 0;
	if (clGetPlatformIDs(MAX_PLATFORMS, platforms, &nplatforms) != CL_SUCCESS || nplatforms == 0)
		return vir0_error_at(err, VIR0_EUNSUPPORTED, 0,
				     "no OpenCL platform found: install an ICD "
				     "(apt-get install pocl-opencl-icd) or the GPU driver");
	for (cl_uint p = 0; p < nplatforms && p < MAX_PLATFORMS; p++) {
		cl_device_id devices[MAX_DEVICES];
		cl_uint ndevices = 0;
		if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, devices,
				   &ndevices) != CL_SUCCESS)
			continue;
		if (ndevices > MAX_DEVICES)
			ndevices = MAX_DEVICES;
		if (want < seen + ndevices) {
			s->platform = platforms[p];
			s->device = devices[want - seen];
			return VIR0_OK;
		}
		seen += ndevices;
	}
	return vir0_error_at(err, VIR0_EARG, 0,
			     "OpenCL device %u does not exist (%u devices found): "
			     "fix VIR0_OPENCL_DEVICE", want, seen);
}

int vir0_cl_jit_standalone_open(struct vir0_cl_jit_standalone *s, struct vir0_error *err)
{
	cl_int status;
	memset(s, 0, sizeof(*s));
	int rc = find_device(s, err);
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
