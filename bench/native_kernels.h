/* native_kernels.h - the benchmark kernels written in plain C, the same
 * algorithm as the example programs (examples/NAME.vir0s), one thread. */
#ifndef VIR0_BENCH_NATIVE_KERNELS_H
#define VIR0_BENCH_NATIVE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* out = alpha * x + y: the example updates y in place; out of place here
 * so each timed run starts from the same y, with the same memory traffic
 * (two arrays read, one written). */
void native_saxpy(float alpha, const float *x, const float *y, float *out, size_t n);
void native_vector_add(const uint32_t *a, const uint32_t *b, uint32_t *c, size_t n);
uint32_t native_sum(const uint32_t *input, size_t n);
/* The plain loop, and the example's algorithm: per workgroup of 64
 * bytes, counts in local bins, then every nonzero local bin added to
 * bins. */
void native_histogram(const uint8_t *data, size_t n, uint32_t bins[256]);
void native_histogram_local(const uint8_t *data, size_t n, uint32_t bins[256]);
/* dfa_scan.vir0s: matches[p] = 1 when an accepting state is reached
 * within 32 bytes from p; returns the number of such p. The example's
 * algorithm (32 guarded steps per p: VIR0 loops have no break), and the
 * same scan stopping at the dead state. */
uint32_t native_dfa_scan(const uint32_t *table, size_t table_len, const uint32_t *accepting,
			 size_t accepting_len, const uint8_t *input, size_t n, uint32_t *matches);
uint32_t native_dfa_scan_early(const uint32_t *table, size_t table_len,
			       const uint32_t *accepting, size_t accepting_len,
			       const uint8_t *input, size_t n, uint32_t *matches);
/* c = a * b, n x n, row-major, k ascending per element like the example:
 * the textbook loop, and the example's 16 x 16 tiles. */
void native_matmul(const float *a, const float *b, float *c, uint32_t n);
void native_matmul_tiled(const float *a, const float *b, float *c, uint32_t n);

#endif
