/* environment.c - reading the VIR0_* environment variables (environment.h). */
#include "environment.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

uint32_t vir0_env_u32(const char *name, uint32_t fallback, uint32_t min, uint32_t max)
{
	const char *text = getenv(name);
	if (!text || !*text)
		return fallback;
	char *end;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (!isdigit((unsigned char)text[0]) || errno || *end || value < min || value > max) {
		fprintf(stderr, "vir0: %s=%s is not a whole number from %u to %u; using %u\n",
			name, text, min, max, fallback);
		return fallback;
	}
	return (uint32_t)value;
}
