/* env.c - reading the VIR0_SCHED_* environment variables. Each is read
 * when a scheduling context starts, so a test or application may set them
 * before starpu_init or starpu_sched_ctx_create. */
#include "env.h"

#include "environment.h"

#define SHAPES_DEFAULT 1024u
#define SHAPES_MAX (1u << 20)

void starpu_vir0_sched_config_read(struct starpu_vir0_sched_config *config)
{
	config->shapes = vir0_env_u32("VIR0_SCHED_SHAPES", SHAPES_DEFAULT, 1, SHAPES_MAX);
}
