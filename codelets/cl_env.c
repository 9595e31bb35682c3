/* cl_env.c - parsing of the VIR0_CL_* environment variables. */
#include "cl_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum vir0_cl_mode_request vir0_cl_env_mode(void)
{
	const char *text = getenv("VIR0_CL_MODE");
	if (!text || !*text || strcmp(text, "auto") == 0)
		return VIR0_CL_MODE_AUTO;
	if (strcmp(text, "batch") == 0)
		return VIR0_CL_MODE_FORCE_BATCH;
	if (strcmp(text, "persistent") == 0)
		return VIR0_CL_MODE_FORCE_PERSISTENT;
	fprintf(stderr, "vir0: VIR0_CL_MODE=%s is not batch, persistent or auto; using auto\n",
		text);
	return VIR0_CL_MODE_AUTO;
}
