/* cl_jit_device.c - what a device must offer to run vir0_ops.cl bit for bit,
 * and the build options that ask for it. */
#include "vir0_opencl_jit.h"

#include <stdio.h>

#include "cl_platform.h"
#include "error.h"

int vir0_cl_jit_build_options(cl_device_id device, char *options, size_t size,
			      struct vir0_error *err)
{
	char name[256] = "the OpenCL device";
	clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof(name) - 1, name, NULL);
	int status = vir0_cl_check_fp(device, name, err);
	if (status)
		return status;
	/* Never -cl-denorms-are-zero: vir0_ops.cl flushes after rounding
	 * itself, and needs the rounded subnormal to do it (fmt §9.2). */
	int n = snprintf(options, size, "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt");
	if (n < 0 || (size_t)n >= size)
		return vir0_error_at(err, VIR0_EARG, 0, "build options need %d bytes, got %zu",
				     n + 1, size);
	return VIR0_OK;
}
