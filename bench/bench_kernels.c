/* bench_kernels.c - the five benchmark kernels: inputs, the native run,
 * and the check of the interpreter's result against the native one. */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#define MEGA (1u << 20)

/* ---- saxpy: examples/saxpy.vir0s (alpha, x, y) ------------------------- */

static void saxpy_native(struct bench *b, void *result)
{
	native_saxpy(*(float *)b->initial[0].data, b->initial[1].data, b->initial[2].data, result,
		     b->elements);
}

static int same_bytes_as_buffer(const struct bench *b, uint32_t buffer, const void *expected)
{
	return memcmp(b->work[buffer].data, expected, b->work[buffer].size) == 0;
}

static int saxpy_check(const struct bench *b, const void *expected)
{
	return same_bytes_as_buffer(b, 2, expected);
}

void bench_saxpy(size_t scale)
{
	struct bench b = { .name = "saxpy f32", .example = "saxpy", .elements = 16 * MEGA / scale };
	size_t n = b.elements, sizes[] = { 4, n * 4, n * 4 };
	bench_setup(&b, sizes);
	float *x = b.initial[1].data, *y = b.initial[2].data;
	*(float *)b.initial[0].data = 2.5f;
	for (size_t i = 0; i < n; i++) {
		/* Normal numbers only: native C keeps subnormals, VIR0 flushes them. */
		x[i] = (float)(i % 1000) * 0.25f;
		y[i] = 1.0f + (float)(i % 77);
	}
	float *expected = bench_malloc(n * sizeof(float));
	double native = bench_time_native(saxpy_native, &b, expected);
	bench_report(&b, native, saxpy_check, expected);
	free(expected);
	bench_free(&b);
}

/* ---- vector add: examples/vector_add.vir0s (a, b, c) ------------------ */

static void vector_add_native(struct bench *b, void *result)
{
	native_vector_add(b->initial[0].data, b->initial[1].data, result, b->elements);
}

static int vector_add_check(const struct bench *b, const void *expected)
{
	return same_bytes_as_buffer(b, 2, expected);
}

void bench_vector_add(size_t scale)
{
	struct bench b = { .name = "vector add u32", .example = "vector_add",
			   .elements = 16 * MEGA / scale };
	size_t n = b.elements, sizes[] = { n * 4, n * 4, n * 4 };
	bench_setup(&b, sizes);
	uint32_t *x = b.initial[0].data, *y = b.initial[1].data;
	uint64_t seed = 5;
	for (size_t i = 0; i < n; i++) {
		x[i] = bench_random(&seed);
		y[i] = bench_random(&seed);
	}
	uint32_t *expected = bench_malloc(n * sizeof(uint32_t));
	double native = bench_time_native(vector_add_native, &b, expected);
	bench_report(&b, native, vector_add_check, expected);
	free(expected);
	bench_free(&b);
}

/* ---- sum: examples/reduction_atomic.vir0s (input, total) --------------- */

static void sum_native(struct bench *b, void *result)
{
	*(uint32_t *)result = native_sum(b->initial[0].data, b->elements);
}

static int sum_check(const struct bench *b, const void *expected)
{
	return same_bytes_as_buffer(b, 1, expected);
}

void bench_sum(size_t scale)
{
	struct bench b = { .name = "sum (atomic) u32", .example = "reduction_atomic",
			   .elements = 16 * MEGA / scale };
	size_t sizes[] = { b.elements * 4, 4 };
	bench_setup(&b, sizes);
	uint64_t seed = 1;
	uint32_t *input = b.initial[0].data;
	for (size_t i = 0; i < b.elements; i++)
		input[i] = bench_random(&seed);
	uint32_t expected;
	double native = bench_time_native(sum_native, &b, &expected);
	bench_report(&b, native, sum_check, &expected);
	bench_free(&b);
}

/* ---- histogram: examples/histogram.vir0s (data, bins, local_bins) ------ */

static void histogram_native(struct bench *b, void *result)
{
	memset(result, 0, 256 * sizeof(uint32_t));
	native_histogram_local(b->initial[0].data, b->elements, result);
}

static void histogram_native_plain(struct bench *b, void *result)
{
	memset(result, 0, 256 * sizeof(uint32_t));
	native_histogram(b->initial[0].data, b->elements, result);
}

static int histogram_check(const struct bench *b, const void *expected)
{
	return same_bytes_as_buffer(b, 1, expected);
}

void bench_histogram(size_t scale)
{
	struct bench b = { .name = "histogram bytes", .example = "histogram",
			   .elements = 16 * MEGA / scale };
	size_t sizes[] = { b.elements, 256 * 4, 0 };
	bench_setup(&b, sizes);
	uint64_t seed = 2;
	uint8_t *data = b.initial[0].data;
	for (size_t i = 0; i < b.elements; i++)
		data[i] = (uint8_t)bench_random(&seed);
	uint32_t expected[256];
	double native = bench_time_native(histogram_native, &b, expected);
	double one = bench_report(&b, native, histogram_check, expected);
	bench_note("plain C loop bins[data[i]]++", bench_time_native(histogram_native_plain, &b,
								  expected), one);
	bench_free(&b);
}

/* ---- dfa: examples/dfa_scan.vir0s (table, accepting, input, matches, total) */

struct dfa_result {
	uint32_t *matches;
	uint32_t total;
};

static void dfa_native(struct bench *b, void *result)
{
	struct dfa_result *r = result;
	r->total = native_dfa_scan(b->initial[0].data, b->initial[0].size / 4,
				   b->initial[1].data, b->initial[1].size / 4,
				   b->initial[2].data, b->elements, r->matches);
}

static void dfa_native_early(struct bench *b, void *result)
{
	struct dfa_result *r = result;
	r->total = native_dfa_scan_early(b->initial[0].data, b->initial[0].size / 4,
					 b->initial[1].data, b->initial[1].size / 4,
					 b->initial[2].data, b->elements, r->matches);
}

static int dfa_check(const struct bench *b, const void *expected)
{
	const struct dfa_result *r = expected;
	return same_bytes_as_buffer(b, 3, r->matches) && same_bytes_as_buffer(b, 4, &r->total);
}

void bench_dfa(size_t scale)
{
	struct bench b = { .name = "dfa scan bytes", .example = "dfa_scan",
			   .elements = 16 * MEGA / scale };
	size_t n = b.elements, sizes[] = { 4 * 256 * 4, 4 * 4, n, n * 4, 4 };
	bench_setup(&b, sizes);
	/* The DFA of examples/README.md: "ab" in text over a 4-letter alphabet. */
	uint32_t *table = b.initial[0].data, *accepting = b.initial[1].data;
	table[1 * 256 + 'a'] = 2;
	table[2 * 256 + 'b'] = 3;
	table[2 * 256 + 'a'] = 2;
	accepting[3] = 1;
	uint64_t seed = 3;
	uint8_t *text = b.initial[2].data;
	for (size_t i = 0; i < n; i++)
		text[i] = (uint8_t)("abcd"[bench_random(&seed) % 4]);
	struct dfa_result expected = { bench_malloc(n * 4), 0 };
	double native = bench_time_native(dfa_native, &b, &expected);
	double one = bench_report(&b, native, dfa_check, &expected);
	bench_note("C stopping at the dead state", bench_time_native(dfa_native_early, &b,
								    &expected), one);
	free(expected.matches);
	bench_free(&b);
}

/* ---- matmul: examples/matmul_tiled.vir0s (a, b, c, tile_a, tile_b) ----- */

static void matmul_native(struct bench *b, void *result)
{
	native_matmul_tiled(b->initial[0].data, b->initial[1].data, result,
			    (uint32_t)b->elements);
}

static void matmul_native_textbook(struct bench *b, void *result)
{
	native_matmul(b->initial[0].data, b->initial[1].data, result, (uint32_t)b->elements);
}

static int matmul_check(const struct bench *b, const void *expected)
{
	return same_bytes_as_buffer(b, 2, expected);
}

void bench_matmul(size_t scale)
{
	uint32_t n = scale > 1 ? 128 : 512;
	struct bench b = { .name = "matmul f32 (n x n)", .example = "matmul_tiled", .elements = n };
	size_t cells = (size_t)n * n, sizes[] = { cells * 4, cells * 4, cells * 4, 0, 0 };
	bench_setup(&b, sizes);
	float *a = b.initial[0].data, *m = b.initial[1].data;
	uint64_t seed = 4;
	for (size_t i = 0; i < cells; i++) {
		/* Small integers: every sum is exact, whatever the order. */
		a[i] = (float)(bench_random(&seed) % 9) - 4.0f;
		m[i] = (float)(bench_random(&seed) % 9) - 4.0f;
	}
	float *expected = bench_malloc(cells * sizeof(float));
	double native = bench_time_native(matmul_native, &b, expected);
	/* The grid of the example: one workgroup per 16 x 16 tile. */
	uint32_t tiles = (n + 15) / 16;
	b.groups[0] = tiles * tiles;
	b.groups[1] = 1;
	b.groups[2] = 1;
	double one = bench_report(&b, native, matmul_check, expected);
	bench_note("textbook C triple loop", bench_time_native(matmul_native_textbook, &b,
							      expected), one);
	free(expected);
	bench_free(&b);
}
