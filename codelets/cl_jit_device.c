/* cl_jit_device.c - what a device must offer to run vir0_ops.cl bit for bit,
 * and the build options that ask for it. */
#include "vir0_opencl_jit.h"

#include <stdio.h>

#include "error.h"

int vir0_cl_jit_build_options(cl_device_id device, char *options, size_t size,
			      struct vir0_error *err)
{
	cl_device_fp_config fp = 0;
	cl_int status = clGetDeviceInfo(device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof(fp), &fp, NULL);
	if (status != CL_SUCCESS)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "clGetDeviceInfo(CL_DEVICE_SINGLE_FP_CONFIG) failed (%d): "
				     "pass a valid OpenCL device", (int)status);
	/* fmt §9.5: f32 Div and Sqrt are correctly rounded; OpenCL's default
	 * is 2.5 and 3 ulp. Round to nearest is the only mode we compute in. */
	if (!(fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) || !(fp & CL_FP_ROUND_TO_NEAREST))
		return vir0_error_at(err, VIR0_EUNSUPPORTED, 0,
				     "the OpenCL device lacks correctly rounded f32 divide and "
				     "sqrt (CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT), which VIR0's "
				     "bit-exact f32 semantics need: use the interpreter on the CPU");
	/* Never -cl-denorms-are-zero: vir0_ops.cl flushes after rounding
	 * itself, and needs the rounded subnormal to do it (fmt §9.2). */
	int n = snprintf(options, size, "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt");
	if (n < 0 || (size_t)n >= size)
		return vir0_error_at(err, VIR0_EARG, 0, "build options need %d bytes, got %zu",
				     n + 1, size);
	return VIR0_OK;
}
