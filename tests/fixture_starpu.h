/* fixture_starpu.h - starting StarPU the way the StarPU suites need it:
 * exactly the CPU and OpenCL workers asked for (PoCL's OpenCL worker on a
 * machine without a GPU), and stopping it with the VIR0 device state. */
#ifndef VIR0_FIXTURE_STARPU_H
#define VIR0_FIXTURE_STARPU_H

#include <starpu.h>

/* starpu_init with `ncpus` CPU workers and `nopencl` OpenCL workers
 * (asserted). STARPU_NCPU / STARPU_NOPENCL would override the conf, so
 * both are set too; Check runs each test in a process of its own. */
void fixture_starpu_start(int ncpus, int nopencl);
/* starpu_shutdown, then the VIR0 device state built on StarPU's contexts. */
void fixture_starpu_stop(void);
/* The first worker of `type` (asserted to exist). */
int fixture_starpu_worker_of(enum starpu_worker_archtype type);

#endif
