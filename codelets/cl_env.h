/* cl_env.h - the OpenCL engine's environment variables, read in one place
 * (doc/opencl-engine.md lists them): a bad value warns on stderr and
 * keeps the default. */
#ifndef VIR0_CL_ENV_H
#define VIR0_CL_ENV_H

#include <stdint.h>

#include "environment.h"  /* vir0_env_u32: the numbers */

/* $VIR0_CL_MODE: what the user forces. */
enum vir0_cl_mode_request { VIR0_CL_MODE_AUTO, VIR0_CL_MODE_FORCE_BATCH, VIR0_CL_MODE_FORCE_PERSISTENT };
enum vir0_cl_mode_request vir0_cl_env_mode(void);

#endif
