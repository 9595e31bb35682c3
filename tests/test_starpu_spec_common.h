/* test_starpu_spec_common.h - what the speculation suites share: StarPU
 * started under vir0-spec with exactly the workers asked for, the
 * programs raced (vector addition, plain, made slow by a busy loop, made
 * wrong), and rounds of tasks checked against the reference interpreter. */
#ifndef TEST_STARPU_SPEC_COMMON_H
#define TEST_STARPU_SPEC_COMMON_H

#include <starpu.h>

#include "starpu_vir0.h"
#include "starpu_vir0_task.h"

extern const char spec_plain_add[], spec_slow_add[], spec_wrong_add[];

/* starpu_init under vir0-spec with `ncpus` CPU and `nopencl` OpenCL
 * workers (PoCL here), asserted; spec_stop shuts StarPU down (saving the
 * store, printing the report) and releases the device state. */
void spec_start(int ncpus, int nopencl);
void spec_stop(void);

starpu_vir0_program *spec_load(const char *text);
/* `variant` made a variant of `program` (test only), its id. */
uint32_t spec_add_variant(starpu_vir0_program *program, const char *variant);

/* `ntasks` tasks of `program` over `n` elements each, waited for; every
 * output compared with vir0_run_reference on `reference` (the original).
 * *shape gets the tasks' shape. Returns the outputs that differed. */
unsigned spec_round(starpu_vir0_program *program, const starpu_vir0_program *reference,
		    unsigned n, unsigned ntasks, struct starpu_vir0_shape *shape);

#endif
