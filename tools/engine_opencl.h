/* engine_opencl.h - `vir0 run --engine opencl [--device N]`: the OpenCL
 * megakernel through the standalone runtime (include/vir0_opencl.h). */
#ifndef VIR0_TOOL_ENGINE_OPENCL_H
#define VIR0_TOOL_ENGINE_OPENCL_H

#include "vir0.h"

/* Device index (-1: $VIR0_OPENCL_DEVICE, default 0) and whether to print
 * the device and its mode on stderr, for the runs that follow. */
void tool_opencl_configure(int device, int verbose);

/* The engine entry of cmd_run's table. */
int tool_opencl_run(const vir0_program *program, const uint32_t groups[3],
		    struct vir0_binding *bindings, uint32_t nbindings, struct vir0_error *err);

#endif
