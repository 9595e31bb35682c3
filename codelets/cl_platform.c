/* cl_platform.c - device enumeration by index over every platform and the
 * f32 rounding check, shared by the megakernel engine and the JIT. */
#include "cl_platform.h"

#include "cl_env.h"
#include "cl_error.h"
#include "error.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

int vir0_cl_find_device(int index, cl_platform_id *platform, cl_device_id *device,
			struct vir0_error *err)
{
	unsigned wanted = index >= 0 ? (unsigned)index
			  : vir0_env_u32("VIR0_OPENCL_DEVICE", 0, 0, 1u << 16);
	cl_platform_id platforms[MAX_PLATFORMS];
	cl_uint nplatforms = 0;
	cl_int code = clGetPlatformIDs(MAX_PLATFORMS, platforms, &nplatforms);
	if (code != CL_SUCCESS || nplatforms == 0)
		return vir0_error_at(err, VIR0_EUNSUPPORTED, 0,
				     "no OpenCL platform found (clGetPlatformIDs: %s); install an "
				     "ICD (apt-get install pocl-opencl-icd) or the GPU driver",
				     vir0_cl_error_name(code));
	unsigned seen = 0;
	for (cl_uint p = 0; p < nplatforms && p < MAX_PLATFORMS; p++) {
		cl_device_id devices[MAX_DEVICES];
		cl_uint ndevices = 0;
		if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, devices,
				   &ndevices) != CL_SUCCESS)
			continue;
		if (ndevices > MAX_DEVICES)
			ndevices = MAX_DEVICES;
		if (wanted < seen + ndevices) {
			if (platform)
				*platform = platforms[p];
			*device = devices[wanted - seen];
			return VIR0_OK;
		}
		seen += ndevices;
	}
	return vir0_error_at(err, VIR0_EARG, 0,
			     "OpenCL device %u does not exist: there %s %u device%s (0..%u); "
			     "see clinfo -l or set VIR0_OPENCL_DEVICE", wanted,
			     seen == 1 ? "is" : "are", seen, seen == 1 ? "" : "s",
			     seen ? seen - 1 : 0);
}

int vir0_cl_check_fp(cl_device_id device, const char *name, struct vir0_error *err)
{
	cl_device_fp_config fp = 0;
	cl_int code = clGetDeviceInfo(device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof(fp), &fp, NULL);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clGetDeviceInfo", code,
				    "CL_DEVICE_SINGLE_FP_CONFIG of %s; pass a valid OpenCL device", name);
	/* fmt §9.5: f32 Div and Sqrt are correctly rounded (OpenCL's default
	 * is 2.5 and 3 ulp); round to nearest is the only mode VIR0 has. */
	if (!(fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) || !(fp & CL_FP_ROUND_TO_NEAREST))
		return vir0_error_at(err, VIR0_EUNSUPPORTED, 0,
				     "%s does not offer correctly rounded f32 divide and sqrt "
				     "(CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) with round to nearest, "
				     "which VIR0's bit-exact f32 needs (fmt §9.5); use another device "
				     "or the CPU engine", name);
	return VIR0_OK;
}
