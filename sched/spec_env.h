/* spec_env.h - the VIR0_SPEC* and VIR0_STATS* environment variables
 * (doc/speculation.md lists them). A bad value warns on stderr and keeps
 * the default, as sched/env.c does for VIR0_SCHED_*. */
#ifndef STARPU_VIR0_SPEC_ENV_H
#define STARPU_VIR0_SPEC_ENV_H

#include "spec_rule.h"

struct starpu_vir0_spec_stats_config {
	int print;          /* VIR0_STATS=1: the report on stderr at shutdown */
	const char *file;   /* VIR0_STATS_FILE: JSON lines there, or NULL */
};

void starpu_vir0_spec_config_read(struct starpu_vir0_spec_config *config);
void starpu_vir0_spec_stats_config_read(struct starpu_vir0_spec_stats_config *stats);

#endif
