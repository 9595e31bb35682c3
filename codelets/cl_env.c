/* cl_env.c - parsing of the VIR0_CL_* environment variables. */
#include "cl_env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t vir0_cl_env_u32(const char *name, uint32_t fallback, uint32_t min, uint32_t max)
{
	const char *text = getenv(name);
	if (!text || !*text)
		return fallback;
	char *end;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (errno || *end || text[0] == '-' || value < min || value > max) {
		fprintf(stderr, "vir0: %s=%s is not a whole number from %u to %u; using %u\n",
			name, text, min, max, fallback);
		return fallback;
	}
	return (uint32_t)value;
}

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
