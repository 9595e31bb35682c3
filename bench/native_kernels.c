/* native_kernels.c - see native_kernels.h. Plain C compiled -O2, the
 * yardstick of bench_cpu. */
#include "native_kernels.h"

void native_saxpy(float alpha, const float *x, const float *y, float *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = alpha * x[i] + y[i];
}

void native_vector_add(const uint32_t *a, const uint32_t *b, uint32_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		c[i] = a[i] + b[i];
}

uint32_t native_sum(const uint32_t *input, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += input[i];
	return sum;
}

void native_histogram(const uint8_t *data, size_t n, uint32_t bins[256])
{
	for (size_t i = 0; i < n; i++)
		bins[data[i]]++;
}

uint32_t native_dfa_scan(const uint32_t *table, size_t table_len, const uint32_t *accepting,
			 size_t accepting_len, const uint8_t *input, size_t n, uint32_t *matches)
{
	uint32_t total = 0;
	for (size_t p = 0; p < n; p++) {
		uint32_t state = 1, found = 0;
		for (size_t pos = p; pos < p + 32 && pos < n && state != 0; pos++) {
			size_t at = (size_t)state * 256 + input[pos];
			state = at < table_len ? table[at] : 0;
			if (state < accepting_len && accepting[state])
				found = 1;
		}
		matches[p] = found;
		total += found;
	}
	return total;
}

void native_matmul(const float *a, const float *b, float *c, uint32_t n)
{
	for (uint32_t row = 0; row < n; row++)
		for (uint32_t col = 0; col < n; col++) {
			float acc = 0.0f;
			for (uint32_t k = 0; k < n; k++)
				acc = acc + a[(size_t)row * n + k] * b[(size_t)k * n + col];
			c[(size_t)row * n + col] = acc;
		}
}
