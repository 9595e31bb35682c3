/* starpu_vir0_vector.h - what the codelet asks of the VIR0 vector data
 * interface (starpu_vir0_vector_data_register is public). */
#ifndef STARPU_VIR0_VECTOR_H
#define STARPU_VIR0_VECTOR_H

#include <starpu.h>

/* 1 when `handle` (or the handle it was partitioned from) was registered
 * with starpu_vir0_vector_data_register. */
int starpu_vir0_vector_is(starpu_data_handle_t handle);

#endif
