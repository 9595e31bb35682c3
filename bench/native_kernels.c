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

void native_histogram_local(const uint8_t *data, size_t n, uint32_t bins[256])
{
	for (size_t group = 0; group < n; group += 64) {
		uint32_t local[256] = { 0 };
		size_t end = n - group < 64 ? n : group + 64;
		for (size_t i = group; i < end; i++)
			local[data[i]]++;
		for (unsigned bin = 0; bin < 256; bin++)
			if (local[bin] > 0)
				bins[bin] += local[bin];
	}
}

/* One step of the scan from p + k, as the example guards it. */
static uint32_t dfa_step(const uint32_t *table, size_t table_len, const uint8_t *input,
			 size_t pos, uint32_t state)
{
	size_t at = (size_t)state * 256 + input[pos];
	return at < table_len ? table[at] : 0;
}

static int dfa_accepts(const uint32_t *accepting, size_t accepting_len, uint32_t state)
{
	return state < accepting_len && accepting[state] != 0;
}

uint32_t native_dfa_scan(const uint32_t *table, size_t table_len, const uint32_t *accepting,
			 size_t accepting_len, const uint8_t *input, size_t n, uint32_t *matches)
{
	uint32_t total = 0;
	for (size_t p = 0; p < n; p++) {
		uint32_t state = 1, found = 0;
		for (size_t k = 0; k < 32; k++) {
			size_t pos = p + k;
			if (pos < n && state != 0) {
				state = dfa_step(table, table_len, input, pos, state);
				if (dfa_accepts(accepting, accepting_len, state))
					found = 1;
			}
		}
		matches[p] = found;
		total += found;
	}
	return total;
}

uint32_t native_dfa_scan_early(const uint32_t *table, size_t table_len,
			       const uint32_t *accepting, size_t accepting_len,
			       const uint8_t *input, size_t n, uint32_t *matches)
{
	uint32_t total = 0;
	for (size_t p = 0; p < n; p++) {
		uint32_t state = 1, found = 0;
		for (size_t pos = p; pos < p + 32 && pos < n && state != 0; pos++) {
			state = dfa_step(table, table_len, input, pos, state);
			if (dfa_accepts(accepting, accepting_len, state))
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

/* The example's schedule: per 16 x 16 tile of c, strips of 16 k staged in
 * tile_a and tile_b (zeros outside the matrix), k ascending per element. */
void native_matmul_tiled(const float *a, const float *b, float *c, uint32_t n)
{
	uint32_t tiles = (n + 15) / 16;
	for (uint32_t tile_row = 0; tile_row < tiles; tile_row++)
		for (uint32_t tile_col = 0; tile_col < tiles; tile_col++) {
			float acc[16][16] = { { 0 } };
			for (uint32_t t = 0; t < tiles; t++) {
				float tile_a[16][16], tile_b[16][16];
				for (uint32_t i = 0; i < 16; i++)
					for (uint32_t j = 0; j < 16; j++) {
						uint32_t row = tile_row * 16 + i, col = tile_col * 16 + j;
						uint32_t k_a = t * 16 + j, k_b = t * 16 + i;
						tile_a[i][j] = row < n && k_a < n ?
							       a[(size_t)row * n + k_a] : 0.0f;
						tile_b[i][j] = k_b < n && col < n ?
							       b[(size_t)k_b * n + col] : 0.0f;
					}
				for (uint32_t i = 0; i < 16; i++)
					for (uint32_t k = 0; k < 16; k++)
						for (uint32_t j = 0; j < 16; j++)
							acc[i][j] = acc[i][j] + tile_a[i][k] * tile_b[k][j];
			}
			for (uint32_t i = 0; i < 16; i++)
				for (uint32_t j = 0; j < 16; j++) {
					uint32_t row = tile_row * 16 + i, col = tile_col * 16 + j;
					if (row < n && col < n)
						c[(size_t)row * n + col] = acc[i][j];
				}
		}
}
