/* env.h - the vir0-spec policy's VIR0_* environment variables, parsed
 * in one place (doc/vir0-spec.md lists them). */
#ifndef STARPU_VIR0_SCHED_ENV_H
#define STARPU_VIR0_SCHED_ENV_H

struct starpu_vir0_sched_config {
	unsigned shapes;        /* VIR0_SCHED_SHAPES: shape table entries per context */
};

/* The configuration, read from the environment when a context starts (a
 * bad value warns on stderr and keeps the default). */
void starpu_vir0_sched_config_read(struct starpu_vir0_sched_config *config);

#endif
