/* engine_opencl.c - the OpenCL engine for `vir0 run`: opens the runtime on
 * the chosen device, reports it when asked, runs, closes. */
#include "engine_opencl.h"

#include "vir0_opencl.h"

#include <stdio.h>

static int chosen_device = -1;
static int report_device;

void tool_opencl_configure(int device, int verbose)
{
	chosen_device = device;
	report_device = verbose;
}

int tool_opencl_run(const vir0_program *program, const uint32_t groups[3],
		    struct vir0_binding *bindings, uint32_t nbindings, struct vir0_error *err)
{
	vir0_cl_runtime *rt = NULL;
	int status = vir0_cl_runtime_open(chosen_device, &rt, err);
	if (status)
		return status;
	if (report_device) {
		char text[512];
		vir0_cl_device_describe(vir0_cl_runtime_device(rt), text, sizeof(text));
		fprintf(stderr, "vir0 run: engine opencl: %s\n", text);
	}
	status = vir0_cl_runtime_run(rt, program, groups, bindings, nbindings, err);
	vir0_cl_runtime_close(rt);
	return status;
}
