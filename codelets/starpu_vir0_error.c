/* starpu_vir0_error.c - the per-thread last error (starpu_vir0_error.h). */
#include "starpu_vir0.h"
#include "starpu_vir0_error.h"

static _Thread_local struct vir0_error last_error;

int starpu_vir0_error_keep(const struct vir0_error *err)
{
	last_error = *err;
	return err->code;
}

const struct vir0_error *starpu_vir0_last_error(void)
{
	return &last_error;
}
