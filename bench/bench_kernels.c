/* bench_kernels.c - the six benchmark kernels: the native run and the
 * check of the interpreter's result against the native one (the inputs
 * are bench_util.c's, shared with the OpenCL benchmark). */
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

/* saxpy's y, vector add's c and matmul's c: the result is buffer 2. */
static int buffer_2_check(const struct bench *b, const void *expected)
{
	return same_bytes_as_buffer(b, 2, expected);
}

/* saxpy and vector add: b->elements 4-byte results in buffer 2. */
static void bench_elementwise(struct bench *b,
			      void (*input)(struct vir0_binding *buffers, size_t n),
			      void (*native_run)(struct bench *b, void *result))
{
	bench_setup(b, input);
	void *expected = bench_malloc(b->elements * 4);
	double native = bench_time_native(native_run, b, expected);
	bench_report(b, native, buffer_2_check, expected);
	free(expected);
	bench_free(b);
}

void bench_saxpy(size_t scale)
{
	struct bench b = { .name = "saxpy f32", .example = "saxpy", .elements = 16 * MEGA / scale };
	bench_elementwise(&b, bench_input_saxpy, saxpy_native);
}

/* ---- vector add: examples/vector_add.vir0s (a, b, c) ------------------ */

static void vector_add_native(struct bench *b, void *result)
{
	native_vector_add(b->initial[0].data, b->initial[1].data, result, b->elements);
}

void bench_vector_add(size_t scale)
{
	struct bench b = { .name = "vector add u32", .example = "vector_add",
			   .elements = 16 * MEGA / scale };
	bench_elementwise(&b, bench_input_vector_add, vector_add_native);
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
	bench_setup(&b, bench_input_sum);
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
	bench_setup(&b, bench_input_histogram);
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
	bench_setup(&b, bench_input_dfa);
	struct dfa_result expected = { bench_malloc(b.elements * 4), 0 };
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

void bench_matmul(size_t scale)
{
	uint32_t n = scale > 1 ? 128 : 512;
	struct bench b = { .name = "matmul f32 (n x n)", .example = "matmul_tiled", .elements = n };
	bench_setup(&b, bench_input_matmul);
	float *expected = bench_malloc((size_t)n * n * sizeof(float));
	double native = bench_time_native(matmul_native, &b, expected);
	bench_matmul_groups(n, b.groups);
	double one = bench_report(&b, native, buffer_2_check, expected);
	bench_note("textbook C triple loop", bench_time_native(matmul_native_textbook, &b,
							      expected), one);
	free(expected);
	bench_free(&b);
}
