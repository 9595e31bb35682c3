/* env.c - reading the VIR0_SCHED_* environment variables. Each is read
 * when a scheduling context starts, so a test or application may set them
 * before starpu_init or starpu_sched_ctx_create. */
#include "env.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define SHAPES_DEFAULT 1024u
#define SHAPES_MAX (1u << 20)

/* A whole number from `min` to `max`, or `fallback` with a warning. */
static unsigned env_unsigned(const char *name, unsigned fallback, unsigned min, unsigned max)
{
	const char *text = getenv(name);
	if (!text || !*text)
		return fallback;
	char *end;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (!isdigit((unsigned char)text[0]) || errno || *end || value < min || value > max) {
		fprintf(stderr, "starpu-vir0: %s=%s is not a whole number from %u to %u; using %u\n",
			name, text, min, max, fallback);
		return fallback;
	}
	return (unsigned)value;
}

void starpu_vir0_sched_config_read(struct starpu_vir0_sched_config *config)
{
	config->shapes = env_unsigned("VIR0_SCHED_SHAPES", SHAPES_DEFAULT, 1, SHAPES_MAX);
}
