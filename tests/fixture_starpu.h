/* fixture_starpu.h - starting StarPU the way the StarPU suites need it:
 * exactly the CPU and OpenCL workers asked for (PoCL's OpenCL worker on a
 * machine without a GPU), and stopping it with the VIR0 device state. */
#ifndef VIR0_FIXTURE_STARPU_H
#define VIR0_FIXTURE_STARPU_H

#include <starpu.h>

#include "vir0.h"

/* starpu_init with `ncpus` CPU workers and `nopencl` OpenCL workers
 * (asserted). STARPU_NCPU / STARPU_NOPENCL would override the conf, so
 * both are set too; Check runs each test in a process of its own. */
void fixture_starpu_start(int ncpus, int nopencl);
/* The same with `policy` as conf.sched_policy (STARPU_SCHED unset, so
 * the policy runs whatever the environment says). */
void fixture_starpu_start_with(int ncpus, int nopencl, struct starpu_sched_policy *policy);
/* starpu_shutdown, then the VIR0 device state built on StarPU's contexts. */
void fixture_starpu_stop(void);
/* The first worker of `type` (asserted to exist). */
int fixture_starpu_worker_of(enum starpu_worker_archtype type);

/* examples/saxpy.vir0s over FIXTURE_SAXPY_PARTS blocks of partitioned x
 * and y, after one whole-vector task (so on an OpenCL worker the blocks
 * lie at non-zero offsets of the parents' cl_mem). */
#define FIXTURE_SAXPY_N 1000
#define FIXTURE_SAXPY_PARTS 4
struct fixture_saxpy {
	float alpha, x[FIXTURE_SAXPY_N], y[FIXTURE_SAXPY_N];
	float ref_x[FIXTURE_SAXPY_N], ref_y[FIXTURE_SAXPY_N];
};
/* The inputs, and the reference's results of the same steps: the whole
 * vectors, then each block (starpu_vector_filter_block's cut). */
void fixture_saxpy_init(struct fixture_saxpy *s, const vir0_program *saxpy);
/* x and y as StarPU left them equal the reference's, bit for bit. */
void fixture_saxpy_check(const struct fixture_saxpy *s);

#endif
