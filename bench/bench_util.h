/* bench_util.h - what the CPU benchmark (bench_cpu) and the OpenCL one
 * (bench_opencl) share: dying with a message, the clock, medians, the
 * example programs and the kernels' inputs, so that both measure the same
 * programs on the same data. */
#ifndef VIR0_BENCH_UTIL_H
#define VIR0_BENCH_UTIL_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Every time printed is the median of this many runs: the machines the
 * benchmarks run on are shared, and the median shrugs off a run that
 * another process slowed down. */
#define BENCH_REPEATS 5

/* The most buffers a benchmarked example declares: the bench_input_*
 * functions below write at most this many bindings. */
#define BENCH_MAX_BUFFERS 5

/* The program's name in messages; each benchmark's main file defines it. */
extern const char bench_program[];

/* Prints "PROGRAM: what: detail" after what stdout holds, and exits 1. */
void bench_die(const char *what, const char *detail) __attribute__((noreturn));
void *bench_malloc(size_t size);
/* The next number of a 64-bit LCG: the inputs are the same on every run. */
uint32_t bench_random(uint64_t *state);
/* Seconds on the monotonic clock. */
double bench_now(void);
/* Sorts `times` and returns the middle one. */
double bench_median(double *times, int count);
/* examples/NAME.vir0s, assembled and validated. */
vir0_program *bench_load_example(const char *name);

/* The inputs of the benchmark kernels (examples/NAME.vir0s): each fills
 * buffers[0..nbuffers) with zeroed malloc'd buffers for n elements (matmul:
 * n x n matrices), Workgroup buffers left {NULL, 0}, then the inputs. */
void bench_input_saxpy(struct vir0_binding *buffers, size_t n);
void bench_input_vector_add(struct vir0_binding *buffers, size_t n);
void bench_input_sum(struct vir0_binding *buffers, size_t n);
void bench_input_histogram(struct vir0_binding *buffers, size_t n);
void bench_input_dfa(struct vir0_binding *buffers, size_t n);
void bench_input_matmul(struct vir0_binding *buffers, size_t n);
/* The grid of examples/matmul_tiled.vir0s: one workgroup per 16 x 16 tile. */
void bench_matmul_groups(size_t n, uint32_t groups[3]);

#endif
