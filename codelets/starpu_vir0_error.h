/* starpu_vir0_error.h - the per-thread last error behind
 * starpu_vir0_last_error(), for entry points that cannot take an error
 * argument (starpu_vir0_task_insert is a macro over starpu_task_build). */
#ifndef STARPU_VIR0_ERROR_H
#define STARPU_VIR0_ERROR_H

#include "vir0.h"

/* Record `err` as the calling thread's last error and return err->code. */
int starpu_vir0_error_keep(const struct vir0_error *err);

#endif
