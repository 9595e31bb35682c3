/* fixture_opencl.h - what the OpenCL suites share: the first device, and
 * running a suite in one process. Only built with OpenCL, in
 * tests/libfixtures_opencl.la (it needs libvir0_opencl and Check). */
#ifndef VIR0_TEST_FIXTURE_OPENCL_H
#define VIR0_TEST_FIXTURE_OPENCL_H

#include "vir0_opencl_jit.h"

#include <check.h>

/* The first OpenCL device (vir0_cl_jit_standalone_open) into *cl; aborts
 * the test process when there is none. Close with
 * vir0_cl_jit_standalone_close. */
void fixture_cl_open(struct vir0_cl_jit_standalone *cl);

/* Runs `suite` and returns main's exit status. In this process
 * (CK_NOFORK): the device, opened once by an unchecked fixture, would be
 * shared with forked children, and OpenCL runtimes are not fork-safe. */
int fixture_cl_run(Suite *suite);

#endif
