/* cl_error.h - OpenCL failures as vir0 errors: every message names the
 * OpenCL call and its error code by name (CL_OUT_OF_RESOURCES), so the
 * user sees what failed without looking numbers up. */
#ifndef VIR0_CL_ERROR_H
#define VIR0_CL_ERROR_H

#include "vir0_opencl.h"

/* Fill `err` for the failed OpenCL call `call` (e.g. "clBuildProgram") that
 * returned `code`, followed by the formatted context; returns VIR0_EIO,
 * or VIR0_ENOMEM for the out-of-memory codes. */
int vir0_cl_fail(struct vir0_error *err, const char *call, cl_int code,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
