/* test_cpu_engine.c - the vectorised CPU interpreter (vir0_run_cpu)
 * against the reference interpreter, bit for bit: every example, divergent
 * control flow, loops left by Return, barriers in workgroups larger than a
 * block of lanes, Workgroup memory, ids over 3-D grids, threads, outputs
 * whose zero-fill is left out, and the caller mistakes it must refuse. */
#include "cpu_block.h"
#include "cpu_diff.h"
#include "cpu_engine.h"
#include "fixtures.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned thread_counts[] = { 1, 4 };
#define NTHREAD_COUNTS (sizeof(thread_counts) / sizeof(thread_counts[0]))

static uint32_t *random_u32(uint32_t n, uint32_t seed, uint32_t mask)
{
	uint32_t *values = malloc((n + 1) * sizeof(*values));
	ck_assert_ptr_nonnull(values);
	for (uint32_t i = 0; i < n; i++)
		values[i] = cpu_diff_random(&seed) & mask;
	return values;
}

static uint32_t word(const struct cpu_diff_buffers *set, uint32_t buffer, uint32_t index)
{
	uint32_t value;
	memcpy(&value, (const uint8_t *)set->bindings[buffer].data + (size_t)index * 4, 4);
	return value;
}

/* ---- the examples ---------------------------------------------------- */

START_TEST(example_vector_add)
{
	vir0_program *p = fixture_example("vector_add");
	const uint32_t n = 1000; /* not a multiple of the block */
	uint32_t *a = random_u32(n, 11, ~0u), *b = random_u32(n, 12, ~0u);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(3);
	cpu_diff_buffer(&in, 0, a, n * 4);
	cpu_diff_buffer(&in, 1, b, n * 4);
	cpu_diff_buffer(&in, 2, NULL, n * 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("example_vector_add", p, NULL, &in, thread_counts[t]);
		for (uint32_t i = 0; i < n; i++)
			ck_assert_uint_eq(word(&out, 2, i), a[i] + b[i]);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(a);
	free(b);
	vir0_program_free(p);
}
END_TEST

START_TEST(example_saxpy)
{
	vir0_program *p = fixture_example("saxpy");
	const uint32_t n = 777;
	uint32_t alpha = cpu_diff_f32(1.5f);
	uint32_t *x = random_u32(n, 21, ~0u), *y = random_u32(n, 22, ~0u);
	/* Special values among the random bits: NaN payloads, subnormals. */
	x[0] = 0x7FA00001u;
	x[1] = 0x00000001u;
	y[2] = 0x807FFFFFu;
	x[3] = cpu_diff_f32(1e-38f);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(3);
	cpu_diff_buffer(&in, 0, &alpha, 4);
	cpu_diff_buffer(&in, 1, x, n * 4);
	cpu_diff_buffer(&in, 2, y, n * 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("example_saxpy", p, NULL, &in, thread_counts[t]);
		ck_assert_uint_eq(word(&out, 2, 0), 0x7FC00000u);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(x);
	free(y);
	vir0_program_free(p);
}
END_TEST

START_TEST(example_reduction_atomic)
{
	vir0_program *p = fixture_example("reduction_atomic");
	const uint32_t n = 5000;
	uint32_t *input = random_u32(n, 31, ~0u), sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += input[i];
	struct cpu_diff_buffers in = cpu_diff_buffers_new(2);
	cpu_diff_buffer(&in, 0, input, n * 4);
	cpu_diff_buffer(&in, 1, NULL, 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("example_reduction_atomic", p, NULL, &in, thread_counts[t]);
		ck_assert_uint_eq(word(&out, 1, 0), sum);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(input);
	vir0_program_free(p);
}
END_TEST

START_TEST(example_histogram)
{
	vir0_program *p = fixture_example("histogram");
	const uint32_t n = 3001;
	uint8_t *data = malloc(n);
	uint32_t bins[256] = { 0 }, seed = 41;
	ck_assert_ptr_nonnull(data);
	for (uint32_t i = 0; i < n; i++) {
		data[i] = (uint8_t)(cpu_diff_random(&seed) % 40); /* crowded bins */
		bins[data[i]]++;
	}
	struct cpu_diff_buffers in = cpu_diff_buffers_new(3);
	cpu_diff_buffer(&in, 0, data, n);
	cpu_diff_buffer(&in, 1, NULL, sizeof(bins));
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("example_histogram", p, NULL, &in, thread_counts[t]);
		ck_assert_mem_eq(out.bindings[1].data, bins, sizeof(bins));
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(data);
	vir0_program_free(p);
}
END_TEST

START_TEST(example_dfa_scan)
{
	vir0_program *p = fixture_example("dfa_scan");
	/* The "ab" matcher of the example's header. */
	const uint32_t n = 2000;
	uint32_t *table = calloc(4 * 256, 4), accepting[4] = { 0, 0, 0, 1 };
	uint8_t *text = malloc(n);
	uint32_t seed = 51, matches = 0;
	ck_assert(table && text);
	table[1 * 256 + 'a'] = 2;
	table[2 * 256 + 'b'] = 3;
	for (uint32_t i = 0; i < n; i++)
		text[i] = (uint8_t)("abc"[cpu_diff_random(&seed) % 3]);
	for (uint32_t i = 0; i + 1 < n; i++)
		matches += text[i] == 'a' && text[i + 1] == 'b';
	struct cpu_diff_buffers in = cpu_diff_buffers_new(5);
	cpu_diff_buffer(&in, 0, table, 4 * 256 * 4);
	cpu_diff_buffer(&in, 1, accepting, sizeof(accepting));
	cpu_diff_buffer(&in, 2, text, n);
	cpu_diff_buffer(&in, 3, NULL, n * 4);
	cpu_diff_buffer(&in, 4, NULL, 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("example_dfa_scan", p, NULL, &in, thread_counts[t]);
		ck_assert_uint_eq(word(&out, 4, 0), matches);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(table);
	free(text);
	vir0_program_free(p);
}
END_TEST

START_TEST(example_prefix_sum)
{
	vir0_program *p = fixture_example("prefix_sum");
	const uint32_t n = 1000; /* the last workgroup reads past the end */
	uint32_t *input = random_u32(n, 61, 0xFFFF);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(3);
	cpu_diff_buffer(&in, 0, input, n * 4);
	cpu_diff_buffer(&in, 1, NULL, n * 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("example_prefix_sum", p, NULL, &in, thread_counts[t]);
		uint32_t running = 0;
		for (uint32_t i = 0; i < n; i++) {
			running = (i % 256 ? running : 0) + input[i];
			ck_assert_uint_eq(word(&out, 1, i), running);
		}
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(input);
	vir0_program_free(p);
}
END_TEST

START_TEST(example_matmul_tiled)
{
	vir0_program *p = fixture_example("matmul_tiled");
	const uint32_t n = 40, tiles = (n + 15) / 16;
	const uint32_t grid[3] = { tiles * tiles, 1, 1 };
	uint32_t *a = malloc(n * n * 4), *b = malloc(n * n * 4), seed = 71;
	ck_assert(a && b);
	for (uint32_t i = 0; i < n * n; i++) {
		a[i] = cpu_diff_f32((float)(cpu_diff_random(&seed) % 1000) / 37.0f);
		b[i] = cpu_diff_f32((float)(cpu_diff_random(&seed) % 1000) / 91.0f - 5.0f);
	}
	struct cpu_diff_buffers in = cpu_diff_buffers_new(5);
	cpu_diff_buffer(&in, 0, a, n * n * 4);
	cpu_diff_buffer(&in, 1, b, n * n * 4);
	cpu_diff_buffer(&in, 2, NULL, n * n * 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("example_matmul_tiled", p, grid, &in, thread_counts[t]);
		/* c[0] in k order, each product rounded, as the example says. */
		float acc = 0.0f, x, y;
		for (uint32_t k = 0; k < n; k++) {
			memcpy(&x, &a[k], 4);
			memcpy(&y, &b[k * n], 4);
			float product = x * y;
			acc = acc + product;
		}
		ck_assert_uint_eq(word(&out, 2, 0), cpu_diff_f32(acc));
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(a);
	free(b);
	vir0_program_free(p);
}
END_TEST

/* ---- control flow ----------------------------------------------------- */

START_TEST(divergent_if_else)
{
	vir0_program *p = cpu_diff_assemble(
		"workgroup 64 1 1\n"
		"buffer out u32[0] read_write output\n"
		"let i = gid.x\n"
		"if i < len(out) {\n"
		"	let v = 0u\n"
		"	if i % 3u == 0u {\n"
		"		v = i * 2u\n"
		"		if i % 2u == 0u { v = v + 1u } else { v = v + 5u }\n"
		"	} else if i % 3u == 1u {\n"
		"		v = i + 100u\n"
		"	} else {\n"
		"		v = 7u\n"
		"	}\n"
		"	store out[i] = v + 1000000u\n"
		"}\n");
	const uint32_t n = 200;
	struct cpu_diff_buffers in = cpu_diff_buffers_new(1);
	cpu_diff_buffer(&in, 0, NULL, n * 4);
	struct cpu_diff_buffers out = cpu_diff_run("divergent_if_else", p, NULL, &in, 1);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = i % 3 == 0 ? i * 2 + (i % 2 == 0 ? 1 : 5) : i % 3 == 1 ? i + 100 : 7;
		ck_assert_uint_eq(word(&out, 0, i), v + 1000000);
	}
	cpu_diff_buffers_free(&out);
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}
END_TEST

/* Model of the nested_loops_return program for invocation i: out[i]. */
static uint32_t nested_loops_model(uint32_t i)
{
	uint32_t acc = 0;
	for (uint32_t j = 0; j < i % 5 + 1; j++) {
		for (int32_t k = -2; k < (int32_t)(i % 4) - 1; k++) {
			acc += j * 4 + (uint32_t)(k + 2);
			if (acc > i * 3)
				return acc;
		}
		if (j == 3)
			return 0; /* returned without a store: the output's zero */
	}
	return acc + 100000;
}

START_TEST(nested_loops_return)
{
	vir0_program *p = cpu_diff_assemble(
		"workgroup 32 1 1\n"
		"buffer out u32[0] read_write output\n"
		"let i = gid.x\n"
		"let acc = 0u\n"
		"loop j = 0u .. i % 5u + 1u {\n"
		"	loop k = -2i .. cast<i32>(i % 4u) - 1i {\n"
		"		acc = acc + j * 4u + cast<u32>(k + 2i)\n"
		"		if acc > i * 3u {\n"
		"			store out[i] = acc\n"
		"			return\n"
		"		}\n"
		"	}\n"
		"	if j == 3u { return }\n"
		"}\n"
		"store out[i] = acc + 100000u\n");
	const uint32_t n = 100; /* 4 workgroups: the last one stores out of bounds */
	struct cpu_diff_buffers in = cpu_diff_buffers_new(1);
	cpu_diff_buffer(&in, 0, NULL, n * 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("nested_loops_return", p, NULL, &in, thread_counts[t]);
		for (uint32_t i = 0; i < n; i++)
			ck_assert_uint_eq(word(&out, 0, i), nested_loops_model(i));
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}
END_TEST

/* ---- barriers and Workgroup memory ------------------------------------ */

/* Each step reads a slot another block of the workgroup wrote before the
 * barrier; invocations that return early skip the last barrier. */
static void check_barriers(uint32_t sx, uint32_t sy, uint32_t sz, uint32_t groups)
{
	uint32_t size = sx * sy * sz;
	char text[2048];
	snprintf(text, sizeof(text),
		 "workgroup %u %u %u\n"
		 "buffer out u32[0] read_write output\n"
		 "buffer scratch u32[%u] workgroup\n"
		 "let l = lid.x + %uu * (lid.y + %uu * lid.z)\n"
		 "let g = wgid.x * %uu + l\n"
		 "store scratch[l] = g * 3u + 1u\n"
		 "barrier\n"
		 "let v = scratch[(l + 1u) %% %uu]\n"
		 "barrier\n"
		 "store scratch[l] = v + l\n"
		 "barrier\n"
		 "loop r = 0u .. 3u {\n"
		 "	let w = scratch[(l + 7u * r + 1u) %% %uu]\n"
		 "	barrier\n"
		 "	store scratch[l] = w + r\n"
		 "	barrier\n"
		 "}\n"
		 "if l %% 7u == 3u { return }\n"
		 "barrier\n"
		 "store out[g] = scratch[%uu - l]\n",
		 sx, sy, sz, size, sx, sy, size, size, size, size - 1);
	vir0_program *p = cpu_diff_assemble(text);
	uint32_t *model = calloc(size, 4), *next = calloc(size, 4);
	ck_assert(model && next);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(2);
	cpu_diff_buffer(&in, 0, NULL, (size_t)size * groups * 4);
	const uint32_t grid[3] = { groups, 1, 1 };
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("check_barriers", p, grid, &in, thread_counts[t]);
		for (uint32_t w = 0; w < groups; w++) {
			for (uint32_t l = 0; l < size; l++)
				model[l] = (w * size + l) * 3 + 1;
			for (uint32_t l = 0; l < size; l++)
				next[l] = model[(l + 1) % size] + l;
			memcpy(model, next, size * 4);
			for (uint32_t r = 0; r < 3; r++) {
				for (uint32_t l = 0; l < size; l++)
					next[l] = model[(l + 7 * r + 1) % size] + r;
				memcpy(model, next, size * 4);
			}
			for (uint32_t l = 0; l < size; l++)
				ck_assert_uint_eq(word(&out, 0, w * size + l),
						  l % 7 == 3 ? 0 : model[size - 1 - l]);
		}
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(model);
	free(next);
	vir0_program_free(p);
}

START_TEST(barriers_256_lanes)
{
	check_barriers(256, 1, 1, 5);
}
END_TEST

START_TEST(barriers_1000_lanes)
{
	check_barriers(1000, 1, 1, 3);
}
END_TEST

START_TEST(barriers_3d_workgroup)
{
	check_barriers(10, 10, 10, 2);
}
END_TEST

START_TEST(barriers_small_workgroup)
{
	check_barriers(24, 1, 1, 9);
}
END_TEST

/* Without a barrier, blocks of one workgroup run one after another; each
 * workgroup must still start from a zeroed copy of its memory. */
static void check_workgroup_memory(uint32_t size, uint32_t groups)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "workgroup %u 1 1\n"
		 "buffer out u32[0] read_write output\n"
		 "buffer scratch u32[%u] workgroup\n"
		 "let l = lid.x\n"
		 "let before = scratch[l]\n"
		 "store scratch[l] = gid.x + 1u\n"
		 "let counted = atomic_add(scratch[%uu], 1u)\n"
		 "store out[gid.x] = before * 65536u + scratch[l]\n",
		 size, size + 1, size);
	vir0_program *p = cpu_diff_assemble(text);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(2);
	cpu_diff_buffer(&in, 0, NULL, (size_t)size * groups * 4);
	const uint32_t grid[3] = { groups, 1, 1 };
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("check_workgroup_memory", p, grid, &in, thread_counts[t]);
		for (uint32_t i = 0; i < size * groups; i++)
			ck_assert_uint_eq(word(&out, 0, i), i + 1);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}

START_TEST(workgroup_memory_fresh)
{
	check_workgroup_memory(48, 50);
	check_workgroup_memory(200, 7);
}
END_TEST

/* ---- ids --------------------------------------------------------------- */

static void check_ids(uint32_t sx, uint32_t sy, uint32_t sz, const uint32_t grid[3])
{
	char text[1024];
	uint32_t lanes = sx * sy * sz, total = lanes * grid[0] * grid[1] * grid[2];
	snprintf(text, sizeof(text),
		 "workgroup %u %u %u\n"
		 "buffer out u32[0] read_write output\n"
		 "let w = wgid.x + %uu * (wgid.y + %uu * wgid.z)\n"
		 "let at = 9u * (w * %uu + lid.x + %uu * (lid.y + %uu * lid.z))\n"
		 "store out[at] = gid.x\n"
		 "store out[at + 1u] = gid.y\n"
		 "store out[at + 2u] = gid.z\n"
		 "store out[at + 3u] = wgid.x\n"
		 "store out[at + 4u] = wgid.y\n"
		 "store out[at + 5u] = wgid.z\n"
		 "store out[at + 6u] = lid.x\n"
		 "store out[at + 7u] = lid.y\n"
		 "store out[at + 8u] = lid.z\n",
		 sx, sy, sz, grid[0], grid[1], lanes, sx, sy);
	vir0_program *p = cpu_diff_assemble(text);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(1);
	cpu_diff_buffer(&in, 0, NULL, (size_t)total * 9 * 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("check_ids", p, grid, &in, thread_counts[t]);
		/* The last invocation of the grid, worked out by hand. */
		uint32_t last = 9 * (total - 1);
		ck_assert_uint_eq(word(&out, 0, last + 0), grid[0] * sx - 1);
		ck_assert_uint_eq(word(&out, 0, last + 1), grid[1] * sy - 1);
		ck_assert_uint_eq(word(&out, 0, last + 2), grid[2] * sz - 1);
		ck_assert_uint_eq(word(&out, 0, last + 8), sz - 1);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}

START_TEST(ids_packed_and_3d)
{
	/* Blocks holding lanes of several workgroups, and 3-D everything. */
	const uint32_t grid_a[3] = { 7, 3, 2 }, grid_b[3] = { 2, 3, 4 }, grid_c[3] = { 3, 1, 1 };
	check_ids(5, 1, 1, grid_a);
	check_ids(4, 3, 2, grid_b);
	check_ids(100, 1, 1, grid_c);
	check_ids(1, 1, 1, grid_b);
}
END_TEST

/* The decoder proves some index registers hold gid.x or one value in every
 * lane (cpu_decode.c); memory instructions then skip looking at the
 * indices. Here gid.x reaches loads and stores under partial masks and in
 * a last block that runs past the buffer; `j` holds gid.x on some paths
 * only, so its loads must not be taken for consecutive ones; a uniform
 * index serves loads and atomics; and a grid in two dimensions makes gid.x
 * repeat, so it is no longer a lane's linear index. */
static const char index_patterns_text[] =
	"workgroup 64 1 1\n"
	"buffer src u32[0] read\n"
	"buffer out u32[0] read_write output\n"
	"buffer total u32[2] read_write output\n"
	"let i = gid.x\n"
	"let j = i\n"
	"if i % 3u == 0u { j = i + 1u }\n"
	"let a = src[i]\n"
	"let b = src[j]\n"
	"let c = src[0u]\n"
	"if i % 2u == 0u {\n"
	"	store out[i] = a + b * 3u + c\n"
	"	let before = atomic_add(total[1u], a)\n"
	"} else {\n"
	"	store out[i] = src[i] ^ 5u\n"
	"}\n"
	"let counted = atomic_add(total[0u], 1u)\n";

static uint32_t index_patterns_model(const uint32_t *src, uint32_t n, uint32_t i)
{
	uint32_t j = i % 3 == 0 ? i + 1 : i;
	uint32_t a = i < n ? src[i] : 0, b = j < n ? src[j] : 0;
	return i % 2 == 0 ? a + b * 3 + src[0] : a ^ 5;
}

START_TEST(index_patterns)
{
	vir0_program *p = cpu_diff_assemble(index_patterns_text);
	const uint32_t n = 1000, m = 900;   /* src shorter than the grid */
	uint32_t *src = malloc(m * sizeof(*src)), state = 12345;
	ck_assert_ptr_nonnull(src);
	for (uint32_t i = 0; i < m; i++)
		src[i] = cpu_diff_random(&state);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(3);
	cpu_diff_buffer(&in, 0, src, m * 4);
	cpu_diff_buffer(&in, 1, NULL, n * 4);
	cpu_diff_buffer(&in, 2, NULL, 8);
	const uint32_t grid_1d[3] = { (n + 63) / 64, 1, 1 }, grid_2d[3] = { 8, 2, 1 };
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("index_patterns 1-D", p, grid_1d, &in, thread_counts[t]);
		for (uint32_t i = 0; i < n; i++)
			ck_assert_uint_eq(word(&out, 1, i), index_patterns_model(src, m, i));
		ck_assert_uint_eq(word(&out, 2, 0), grid_1d[0] * 64);
		cpu_diff_buffers_free(&out);
		/* gid.x runs 0..511 twice (both rows store the same values). */
		out = cpu_diff_run("index_patterns 2-D", p, grid_2d, &in, thread_counts[t]);
		for (uint32_t i = 0; i < 8 * 64; i++)
			ck_assert_uint_eq(word(&out, 1, i), index_patterns_model(src, m, i));
		ck_assert_uint_eq(word(&out, 2, 0), 8 * 2 * 64);
		cpu_diff_buffers_free(&out);
	}
	free(src);
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}
END_TEST

/* ---- block boundaries ---------------------------------------------------- */

/* Blocks are up to 512 lanes wide (doc/cpu-engine.md): packed ones
 * hold lanes of several workgroups, the last block of a grid is partial, a
 * 2-D or 3-D grid makes gid.x repeat, and the output is shorter than the grid so
 * the guard `i < len(out)` splits a block. Per-lane loop bounds, divergent
 * stores and atomics on one word run across every cut. */
static void check_block_boundaries(uint32_t sx, uint32_t sy, const uint32_t grid[3])
{
	char text[1024];
	uint32_t row = grid[0] * sx, total = row * sy * grid[1] * grid[2];
	snprintf(text, sizeof(text),
		 "workgroup %u %u 1\n"
		 "buffer src u32[0] read\n"
		 "buffer out u32[0] read_write output\n"
		 "buffer total u32[2] read_write output\n"
		 "let i = gid.x + %uu * (gid.y + %uu * gid.z)\n"
		 "let v = src[i]\n"
		 "if i < len(out) {\n"
		 "	let acc = v\n"
		 "	loop r = 0u .. i %% 5u { acc = acc * 3u + r }\n"
		 "	if acc %% 2u == 0u { store out[i] = acc } else { store out[i] = acc ^ lid.x }\n"
		 "}\n"
		 "let c = atomic_add(total[0u], 1u)\n"
		 "let d = atomic_add(total[1u], i)\n",
		 sx, sy, row, grid[1] * sy);
	vir0_program *p = cpu_diff_assemble(text);
	uint32_t nsrc = total - total / 7, nout = total - total / 5 + 1;
	uint32_t *src = random_u32(nsrc, 4242, ~0u);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(3);
	cpu_diff_buffer(&in, 0, src, (size_t)nsrc * 4);
	cpu_diff_buffer(&in, 1, NULL, (size_t)nout * 4);
	cpu_diff_buffer(&in, 2, NULL, 8);
	uint32_t sum = 0;
	for (uint32_t i = 0; i < total; i++)
		sum += i;
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("check_block_boundaries", p, grid, &in, thread_counts[t]);
		ck_assert_uint_eq(word(&out, 2, 0), total);
		ck_assert_uint_eq(word(&out, 2, 1), sum);
		cpu_diff_buffers_free(&out);
	}
	free(src);
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}

START_TEST(block_boundaries)
{
	/* The example programs' size gets 512-lane blocks (cpu_engine.c). */
	const uint32_t one_block[3] = { 8, 1, 1 }, past[3] = { 9, 1, 1 };
	const uint32_t under[3] = { 3, 1, 1 }, odd[3] = { 41, 1, 1 };
	const uint32_t rows[3] = { 3, 5, 1 }, cut[3] = { 5, 4, 2 }, lone[3] = { 1, 1, 1 };
	check_block_boundaries(64, 1, one_block); /* exactly one block */
	check_block_boundaries(64, 1, past);      /* one full block, one of 64 lanes */
	check_block_boundaries(64, 1, under);     /* one partial block */
	check_block_boundaries(13, 1, odd);       /* workgroups cut by blocks (533) */
	check_block_boundaries(16, 4, rows);      /* 2-D workgroups and grid (960) */
	check_block_boundaries(7, 3, cut);        /* 3-D grid, rows cut by blocks (840) */
	check_block_boundaries(1, 1, lone);       /* one lane */
	/* Blocks that keep to one workgroup: as wide as it, rounded up to whole
	 * groups of lanes (192, 320), or several blocks, the last one partial
	 * (600; barriers_1000_lanes too). */
	check_workgroup_memory(130, 5);
	check_barriers(192, 1, 1, 3);
	check_barriers(300, 1, 1, 2);
	check_barriers(600, 1, 1, 2);
}
END_TEST

/* An IF that every lane of a full block takes saves no masks (a whole
 * level, cpu_block.c): here nested whole levels, an ELSE that no lane of
 * a full block is owed, and lanes that RETURN inside a whole level, with
 * the guard splitting the block where out ends. */
START_TEST(whole_if_levels)
{
	vir0_program *p = cpu_diff_assemble("workgroup 64 1 1\n"
					    "buffer out u32[0] read_write output\n"
					    "buffer total u32[1] read_write output\n"
					    "let i = gid.x\n"
					    "if i < len(out) {\n"
					    "	if i % 300u == 7u { return }\n"
					    "	if i < 5000u { store out[i] = i * 3u }\n"
					    "} else {\n"
					    "	let e = atomic_add(total[0u], 1u)\n"
					    "}\n"
					    "let c = atomic_add(total[0u], 1u)\n");
	const uint32_t n = 1000, grid[3] = { 20, 1, 1 };
	struct cpu_diff_buffers in = cpu_diff_buffers_new(2);
	cpu_diff_buffer(&in, 0, NULL, n * 4);
	cpu_diff_buffer(&in, 1, NULL, 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out =
			cpu_diff_run("whole_if_levels", p, grid, &in, thread_counts[t]);
		for (uint32_t i = 0; i < n; i++)
			ck_assert_uint_eq(word(&out, 0, i), i % 300 == 7 ? 0 : i * 3);
		/* 280 lanes past out count twice, 4 of the others returned. */
		ck_assert_uint_eq(word(&out, 1, 0), 2 * 280 + (n - 4));
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}
END_TEST

/* ---- threads and the bytecode entry ----------------------------------- */

START_TEST(threads_default_and_bytecode_entry)
{
	vir0_program *p = fixture_example("vector_add");
	const uint32_t n = 4096;
	uint32_t *a = random_u32(n, 81, ~0u), *b = random_u32(n, 82, ~0u);
	uint32_t *c = calloc(n, 4);
	struct vir0_binding bind[3] = { { a, n * 4 }, { b, n * 4 }, { c, n * 4 } };
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_run_cpu(p, NULL, bind, 3, 0, &err), VIR0_OK);
	ck_assert_uint_eq(c[n - 1], a[n - 1] + b[n - 1]);

	/* Lower once, run twice. */
	struct vir0_bytecode *bc = NULL;
	ck_assert_int_eq(vir0_lower(p, &bc, &err), VIR0_OK);
	ck_assert_int_eq(vir0_bytecode_verify(bc, &err), VIR0_OK);
	for (int run = 0; run < 2; run++) {
		a[run] = 1000u + (uint32_t)run;
		ck_assert_int_eq(vir0_cpu_run_bytecode(p, bc, NULL, bind, 3, 1, &err), VIR0_OK);
		ck_assert_uint_eq(c[run], a[run] + b[run]);
	}
	vir0_bytecode_free(bc);
	free(a);
	free(b);
	free(c);
	vir0_program_free(p);
}
END_TEST

/* A thread keeps its last decode while the bytecode (by content), the
 * buffer lengths and the grid stay the same: a different program lowered
 * at the address of a freed one, and the same program on shorter buffers,
 * must each run as themselves. */
static struct vir0_bytecode *lower_text(const char *text, vir0_program **program)
{
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_assemble(text, strlen(text), program, &err), VIR0_OK);
	struct vir0_bytecode *bc = NULL;
	ck_assert_int_eq(vir0_lower(*program, &bc, &err), VIR0_OK);
	ck_assert_int_eq(vir0_bytecode_verify(bc, &err), VIR0_OK);
	return bc;
}

START_TEST(kept_decode_follows_its_inputs)
{
	static const char *const texts[2] = {
		"workgroup 64 1 1\nbuffer out u32[0] read_write\n"
		"let i = gid.x\nif i < len(out) {\n\tstore out[i] = i * 3u + 1u\n}\n",
		"workgroup 64 1 1\nbuffer out u32[0] read_write\n"
		"let i = gid.x\nif i < len(out) {\n\tstore out[i] = i * 5u + 2u\n}\n",
	};
	enum { N = 300 };
	uint32_t out[N];
	struct vir0_error err = { 0 };
	for (int k = 0; k < 2; k++) {
		vir0_program *p;
		struct vir0_bytecode *bc = lower_text(texts[k], &p);
		memset(out, 0xEE, sizeof(out));
		struct vir0_binding bind = { out, sizeof(out) };
		ck_assert_int_eq(vir0_cpu_run_bytecode(p, bc, NULL, &bind, 1, 1, &err), VIR0_OK);
		for (uint32_t i = 0; i < N; i++)
			ck_assert_uint_eq(out[i], k ? i * 5u + 2u : i * 3u + 1u);
		/* The same bytecode on a shorter buffer: the rest stays. */
		memset(out, 0xEE, sizeof(out));
		bind.size = 70 * 4;
		ck_assert_int_eq(vir0_cpu_run_bytecode(p, bc, NULL, &bind, 1, 1, &err), VIR0_OK);
		for (uint32_t i = 0; i < N; i++)
			ck_assert_uint_eq(out[i], i >= 70 ? 0xEEEEEEEEu : k ? i * 5u + 2u : i * 3u + 1u);
		vir0_bytecode_free(bc);
		vir0_program_free(p);
	}
}
END_TEST

/* ---- loops that end early ------------------------------------------------ */

/* Decode p as the engine would for buffers of `lengths` elements (NULL:
 * every buffer 100) over `groups` workgroups; free with decoded_free. */
struct decoded {
	struct vir0_bytecode *bc;
	struct vir0_cpu_code code;
};

static struct decoded decode_for(const vir0_program *p, const uint32_t *lengths,
				 const uint32_t groups[3])
{
	struct vir0_error err = { 0 };
	struct decoded d = { NULL };
	ck_assert_int_eq(vir0_lower(p, &d.bc, &err), VIR0_OK);
	struct vir0_buffer_view *views = calloc(d.bc->nbuffers + 1, sizeof(*views));
	ck_assert_ptr_nonnull(views);
	for (uint32_t i = 0; i < d.bc->nbuffers; i++)
		views[i] = (struct vir0_buffer_view){ NULL, lengths ? lengths[i] : 100,
						      d.bc->buffers[i].element,
						      d.bc->buffers[i].access };
	ck_assert_int_eq(vir0_cpu_decode(d.bc, views, groups, &d.code), VIR0_OK);
	free(views);
	return d;
}

static void decoded_free(struct decoded *d)
{
	vir0_cpu_code_free(&d->code);
	vir0_bytecode_free(d->bc);
}

/* IFs of p's decoded bytecode given a term that may end their loop early
 * (cpu_decode.c), with every buffer 100 elements long. */
static unsigned loop_exits(const vir0_program *p)
{
	const uint32_t groups[3] = { 2, 1, 1 };
	struct decoded d = decode_for(p, NULL, groups);
	unsigned exits = 0;
	for (uint32_t i = 0; i < d.code.ninsns; i++)
		exits += d.code.insns[i].op == VIR0_BC_IF && d.code.insns[i].term != VIR0_CPU_NO_TERM;
	decoded_free(&d);
	return exits;
}

/* Run `text` (buffers: steps u32 read, out u32 output, total u32[1]
 * output) against the reference over n lanes whose steps are random,
 * below 24 in the first half (so whole blocks die before the loop ends),
 * below 48 in the second (some lanes never die), on 1 and 4 threads,
 * after checking that the decoder gives `exits` IFs a term. */
static void loop_exit_run(const char *what, const char *text, unsigned exits, uint32_t n,
			  uint32_t seed)
{
	vir0_program *p = cpu_diff_assemble(text);
	ck_assert_msg(loop_exits(p) == exits, "%s: %u IFs end their loop, expected %u", what,
		      loop_exits(p), exits);
	uint32_t *steps = random_u32(n, seed, 63);
	for (uint32_t i = 0; i < n; i++)
		steps[i] %= i < n / 2 ? 24 : 48;
	struct cpu_diff_buffers in = cpu_diff_buffers_new(3);
	cpu_diff_buffer(&in, 0, steps, n * 4);
	cpu_diff_buffer(&in, 1, NULL, n * 4);
	cpu_diff_buffer(&in, 2, NULL, 4);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out = cpu_diff_run(what, p, NULL, &in, thread_counts[t]);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(steps);
	vir0_program_free(p);
}

#define LOOP_EXIT_HEAD "workgroup 64 1 1\n" \
	"buffer steps u32[0] read\n" \
	"buffer out u32[0] read_write output\n" \
	"buffer total u32[1] read_write output\n" \
	"let i = gid.x\n" \
	"if i < len(out) {\n" \
	"	let alive = 1u\n" \
	"	let acc = 0u\n" \
	"	let last = 0u\n"
#define LOOP_EXIT_TAIL "	store out[i] = acc + last * 65536u\n" \
	"	let old = atomic_add(total[0u], acc)\n" \
	"}\n"

/* A DFA-like loop: each lane dies (alive = 0) at an iteration of its own,
 * some never; lanes have loop bounds of their own and some RETURN inside
 * the then-list; a store and an atomic follow the loop. The rule fires
 * (the decoder marks the IF), and every result is the reference's. */
START_TEST(loop_ends_early)
{
	static const char text[] = LOOP_EXIT_HEAD
		"	loop k = 0u .. 30u + i % 11u {\n"
		"		let t = k * 3u\n"
		"		let pos = i + k\n"
		"		if pos < len(steps) + 40u && alive != 0u {\n"
		"			acc = acc + t + i\n"
		"			if k >= steps[i] { alive = 0u }\n"
		"			if k == 17u && i % 13u == 5u { return }\n"
		"		}\n"
		"	}\n"
		LOOP_EXIT_TAIL;
	loop_exit_run("loop_ends_early", text, 1, 1000, 91);
	loop_exit_run("loop_ends_early", text, 1, 3001, 92);

	/* The same loop inside an outer loop, whose next round reads what
	 * the then-list wrote: alive comes back for the second round. */
	static const char nested[] = LOOP_EXIT_HEAD
		"	loop r = 0u .. 3u {\n"
		"		alive = 1u\n"
		"		loop k = 0u .. 40u {\n"
		"			if alive != 0u {\n"
		"				acc = acc + k * (r + 1u)\n"
		"				if k >= steps[i] / (r + 1u) { alive = 0u }\n"
		"			}\n"
		"		}\n"
		"		last = last + acc\n"
		"	}\n"
		LOOP_EXIT_TAIL;
	loop_exit_run("loop_ends_early nested", nested, 1, 1000, 93);

	/* The example the rule was made for (example_dfa_scan runs it). */
	vir0_program *dfa = fixture_example("dfa_scan");
	ck_assert_uint_eq(loop_exits(dfa), 1);
	vir0_program_free(dfa);
}
END_TEST

/* Loops the rule must leave alone. The first four would compute
 * something else if a block left the loop once no lane took the IF and a
 * term was 0 (each fails the comparison when the decoder is weakened);
 * the others are refused by the shape or by caution: an ELSE (the engine
 * never skips an IF that has one), a loop before the IF, a term loaded
 * from a buffer the loop may write. */
START_TEST(loop_ends_early_not)
{
	static const char *const texts[] = {
		/* the term's input is written before the IF: flip is 0 every
		 * other iteration */
		LOOP_EXIT_HEAD
		"	loop k = 0u .. 40u {\n"
		"		alive = 1u - alive\n"
		"		if alive != 0u { acc = acc + k }\n"
		"	}\n"
		LOOP_EXIT_TAIL,
		/* the loop variable in the term */
		LOOP_EXIT_HEAD
		"	loop k = 0u .. 40u {\n"
		"		if k % 2u != 0u && (k + i) % 3u != 0u { acc = acc + k }\n"
		"	}\n"
		LOOP_EXIT_TAIL,
		/* a store before the IF */
		LOOP_EXIT_HEAD
		"	loop k = 0u .. 40u {\n"
		"		store out[i] = k\n"
		"		if alive != 0u {\n"
		"			acc = acc + k\n"
		"			if k >= steps[i] { alive = 0u }\n"
		"		}\n"
		"	}\n"
		"	let old = atomic_add(total[0u], acc + out[i])\n"
		"}\n",
		/* a register written before the IF and read after the loop */
		LOOP_EXIT_HEAD
		"	loop k = 0u .. 40u {\n"
		"		last = k\n"
		"		if alive != 0u {\n"
		"			acc = acc + k\n"
		"			if k >= steps[i] { alive = 0u }\n"
		"		}\n"
		"	}\n"
		LOOP_EXIT_TAIL,
		/* an ELSE */
		LOOP_EXIT_HEAD
		"	loop k = 0u .. 40u {\n"
		"		if alive != 0u {\n"
		"			if k >= steps[i] { alive = 0u }\n"
		"		} else {\n"
		"			acc = acc + k\n"
		"		}\n"
		"	}\n"
		LOOP_EXIT_TAIL,
		/* a loop before the IF */
		LOOP_EXIT_HEAD
		"	loop k = 0u .. 40u {\n"
		"		loop j = 0u .. 2u { acc = acc + j }\n"
		"		if alive != 0u {\n"
		"			if k >= steps[i] { alive = 0u }\n"
		"		}\n"
		"	}\n"
		LOOP_EXIT_TAIL,
		/* the term loads from a buffer that can be written */
		LOOP_EXIT_HEAD
		"	loop k = 0u .. 40u {\n"
		"		if out[i] == 0u {\n"
		"			acc = acc + k\n"
		"			if k >= steps[i] { store out[i] = 1u }\n"
		"		}\n"
		"	}\n"
		LOOP_EXIT_TAIL,
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		char what[40];
		snprintf(what, sizeof(what), "loop_ends_early_not %zu", k);
		loop_exit_run(what, texts[k], 0, 1000, 101 + (uint32_t)k);
	}
}
END_TEST

/* ---- outputs written whole --------------------------------------------- */

/* Buffers of `in` (u32 elements) whose zero-fill the decoder proves
 * needless over `groups` (NULL: the default grid): the engine's
 * outputs_written_whole, before its check that no binding overlaps. */
static uint64_t written_whole(const vir0_program *p, const struct cpu_diff_buffers *in,
			      const uint32_t groups[3])
{
	uint32_t grid[3], lengths[4];
	struct vir0_error err = { 0 };
	ck_assert_uint_le(in->count, 4);
	for (uint32_t i = 0; i < in->count; i++)
		lengths[i] = (uint32_t)(in->bindings[i].size / 4);
	if (groups)
		memcpy(grid, groups, sizeof(grid));
	else
		ck_assert_int_eq(vir0_default_grid(p, in->bindings, grid, &err), VIR0_OK);
	struct decoded d = decode_for(p, lengths, grid);
	uint64_t whole = d.code.outputs_written_whole;
	decoded_free(&d);
	return whole;
}

/* Run p over buffers a (n_a random u32), c (n_c elements of garbage, the
 * output), and, when the program declares it, d (n_c of garbage, a second
 * output), on 1 and 4 threads: every byte must be the reference's (which
 * zero-fills the outputs first), and the decoder must mark `expected`. */
static void whole_run(const char *what, const vir0_program *p, uint32_t n_a, uint32_t n_c,
		      const uint32_t groups[3], uint64_t expected)
{
	uint32_t *a = random_u32(n_a, 131 + n_a, 15), *garbage = random_u32(n_c, 7 + n_c, ~0u);
	struct cpu_diff_buffers in = cpu_diff_buffers_new(p->nbuffers);
	cpu_diff_buffer(&in, 0, a, (size_t)n_a * 4);
	for (uint32_t i = 1; i < p->nbuffers; i++)
		cpu_diff_buffer(&in, i, garbage, (size_t)n_c * 4);
	uint64_t whole = written_whole(p, &in, groups);
	ck_assert_msg(whole == expected, "%s: outputs written whole 0x%llx, expected 0x%llx",
		      what, (unsigned long long)whole, (unsigned long long)expected);
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		struct cpu_diff_buffers out = cpu_diff_run(what, p, groups, &in, thread_counts[t]);
		cpu_diff_buffers_free(&out);
	}
	cpu_diff_buffers_free(&in);
	free(a);
	free(garbage);
}

#define WHOLE_HEAD "workgroup 64 1 1\n" \
	"buffer a u32[0] read\n" \
	"buffer c u32[0] read_write output\n" \
	"let i = gid.x\n"

/* Vector add and its kin: the output's zero-fill is left out where the
 * run writes every element, and only there. */
START_TEST(outputs_written_whole)
{
	vir0_program *p = fixture_example("vector_add");
	const uint32_t small[3] = { 8, 1, 1 };
	whole_run("vector add, len(c) < grid", p, 1000, 1000, NULL, 1u << 2);
	whole_run("vector add, len(c) == grid", p, 1024, 1024, NULL, 1u << 2);
	whole_run("vector add, one block", p, 5, 5, NULL, 1u << 2);
	/* 512 invocations for 1000 elements: the tail stays zero. */
	whole_run("vector add, grid < len(c)", p, 1000, 1000, small, 0);
	uint32_t a[1000] = { 0 }, c[1000];
	memset(c, 0xA5, sizeof(c));
	struct vir0_binding bind[3] = { { a, sizeof(a) }, { a, sizeof(a) }, { c, sizeof(c) } };
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_run_cpu(p, small, bind, 3, 1, &err), VIR0_OK);
	for (uint32_t i = 512; i < 1000; i++)
		ck_assert_uint_eq(c[i], 0);
	vir0_program_free(p);

	/* A store at top level, its index a MOV of gid.x; two outputs, one
	 * written whole (c), one not (d: only half its elements). */
	p = cpu_diff_assemble("workgroup 64 1 1\n"
			      "buffer a u32[0] read\n"
			      "buffer c u32[0] read_write output\n"
			      "buffer d u32[0] read_write output\n"
			      "let i = gid.x\nlet j = i\n"
			      "store c[j] = a[i] * 3u\n"
			      "if i < len(d) && i % 2u == 0u { store d[i] = 1u }\n");
	whole_run("top-level store", p, 700, 700, NULL, 1u << 1);
	vir0_program_free(p);

	/* Nested guards, each exactly gid.x < len(c). */
	p = cpu_diff_assemble(WHOLE_HEAD
			      "if i < len(c) {\n\tlet x = a[i] + 1u\n"
			      "\tif i < len(c) { store c[i] = x }\n}\n");
	whole_run("nested guards", p, 300, 300, NULL, 1u << 1);
	vir0_program_free(p);
}
END_TEST

/* Programs where the rule must not fire: each leaves some element of c
 * unwritten or reads it before writing it, so a zero-fill left out would
 * show (garbage where the reference has its zeros), except where noted. */
START_TEST(outputs_written_whole_not)
{
	static const char *const texts[] = {
		/* an extra condition in the guard */
		WHOLE_HEAD "if i < len(c) && a[i] != 7u { store c[i] = a[i] }\n",
		/* a guard against another buffer's length (a is shorter) */
		WHOLE_HEAD "if i < len(a) { store c[i] = a[i] }\n",
		/* a load of the output before the store */
		WHOLE_HEAD "if i < len(c) {\n\tlet old = c[i]\n\tstore c[i] = old + a[i]\n}\n",
		/* an atomic on the output */
		WHOLE_HEAD "if i < len(c) {\n\tlet old = atomic_add(c[i], 5u)\n"
		"\tstore c[i] = old + a[i]\n}\n",
		/* the index is not gid.x */
		WHOLE_HEAD "if i < len(c) { store c[i + 1u] = a[i] }\n",
		WHOLE_HEAD "if i < len(c) { store c[i * 2u] = a[i] }\n",
		/* a RETURN before the store */
		WHOLE_HEAD "if a[i] == 3u { return }\nif i < len(c) { store c[i] = a[i] }\n",
		/* the store inside a loop */
		WHOLE_HEAD "if i < len(c) {\n\tloop k = 0u .. a[i] % 2u { store c[i] = k + 1u }\n}\n",
		/* two stores (each lane writes its element; refused by caution) */
		WHOLE_HEAD "if i < len(c) {\n\tstore c[i] = 1u\n\tstore c[i] = a[i]\n}\n",
		/* the store in an else-list (the same elements; refused by
		 * caution) */
		WHOLE_HEAD "if i >= len(c) { } else { store c[i] = a[i] }\n",
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		char what[40];
		snprintf(what, sizeof(what), "outputs_written_whole_not %zu", k);
		vir0_program *p = cpu_diff_assemble(texts[k]);
		whole_run(what, p, k == 1 ? 500 : 1000, 1000, NULL, 0);
		vir0_program_free(p);
	}

	/* 2-D dispatches: two rows of workgroups along y (gid.x reaches 64 of
	 * len(c) = 128), and a workgroup of 8 x 8. */
	vir0_program *p = cpu_diff_assemble(WHOLE_HEAD "if i < len(c) { store c[i] = a[i] }\n");
	const uint32_t rows[3] = { 1, 2, 1 };
	whole_run("two rows of workgroups", p, 128, 128, rows, 0);
	vir0_program_free(p);
	p = cpu_diff_assemble("workgroup 8 8 1\nbuffer a u32[0] read\n"
			      "buffer c u32[0] read_write output\n"
			      "let i = gid.x\nif i < len(c) { store c[i] = a[i] + gid.y }\n");
	whole_run("workgroup 8 x 8", p, 100, 100, NULL, 0);
	vir0_program_free(p);

	/* Proved for the program, but c shares its memory with a: the
	 * program reads a[i] after the reference zeroed c, so the engine
	 * zero-fills too. */
	p = cpu_diff_assemble(WHOLE_HEAD "if i < len(c) { store c[i] = a[i] + 1u }\n");
	uint32_t shared[300], want[300];
	memset(shared, 0xA5, sizeof(shared));
	struct vir0_binding bind[2] = { { shared, sizeof(shared) }, { shared, sizeof(shared) } };
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_run_reference(p, NULL, bind, 2, &err), VIR0_OK);
	memcpy(want, shared, sizeof(want));
	memset(shared, 0xA5, sizeof(shared));
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		ck_assert_int_eq(vir0_run_cpu(p, NULL, bind, 2, thread_counts[t], &err), VIR0_OK);
		ck_assert_mem_eq(shared, want, sizeof(want));
	}
	vir0_program_free(p);
}
END_TEST

/* ---- refusals ----------------------------------------------------------- */

static void expect_refusal(int line, int status, int code, const struct vir0_error *err)
{
	ck_assert_msg(status == code, "line %d: status %d, expected %d", line, status, code);
	ck_assert_int_eq(err->code, code);
	ck_assert_msg(strlen(err->message) > 10, "line %d: message too short: '%s'", line,
		      err->message);
}
#define EXPECT_REFUSAL(status, code, err) expect_refusal(__LINE__, (status), (code), (err))

START_TEST(bad_calls)
{
	vir0_program *p = fixture_example("vector_add");
	uint32_t a[64] = { 0 }, b[64] = { 0 }, c[64] = { 0 };
	struct vir0_binding bind[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, 10 } };
	const uint32_t grid[3] = { 1, 1, 1 }, zero[3] = { 1, 0, 1 };
	struct vir0_error err;

	memset(&err, 0, sizeof(err)); /* 10 bytes is not a whole number of u32 */
	EXPECT_REFUSAL(vir0_run_cpu(p, grid, bind, 3, 1, &err), VIR0_EARG, &err);
	bind[2].size = sizeof(c);
	memset(&err, 0, sizeof(err));
	EXPECT_REFUSAL(vir0_run_cpu(p, zero, bind, 3, 1, &err), VIR0_EARG, &err);
	memset(&err, 0, sizeof(err));
	EXPECT_REFUSAL(vir0_run_cpu(p, grid, bind, 2, 1, &err), VIR0_EARG, &err);
	memset(&err, 0, sizeof(err));
	EXPECT_REFUSAL(vir0_run_cpu(NULL, grid, bind, 3, 1, &err), VIR0_EARG, &err);
	memset(&err, 0, sizeof(err));
	const uint32_t wrapping[3] = { 0x04000001u, 1, 1 }; /* x 64 > 2^32 */
	EXPECT_REFUSAL(vir0_run_cpu(p, wrapping, bind, 3, 1, &err), VIR0_EARG, &err);

	/* A declared count with memory of another size; Workgroup buffers
	 * take no memory. */
	vir0_program *h = fixture_example("histogram");
	uint8_t data[64] = { 0 };
	uint32_t bins[255], local[256];
	struct vir0_binding hb[3] = { { data, sizeof(data) }, { bins, sizeof(bins) }, { NULL, 0 } };
	memset(&err, 0, sizeof(err));
	EXPECT_REFUSAL(vir0_run_cpu(h, NULL, hb, 3, 1, &err), VIR0_EARG, &err);
	hb[1].size = 256 * 4;
	hb[1].data = local;
	hb[2].data = local;
	hb[2].size = sizeof(local);
	memset(&err, 0, sizeof(err));
	EXPECT_REFUSAL(vir0_run_cpu(h, NULL, hb, 3, 1, &err), VIR0_EARG, &err);

	/* Bytecode of another program. */
	struct vir0_bytecode *bc = NULL;
	ck_assert_int_eq(vir0_lower(h, &bc, &err), VIR0_OK);
	memset(&err, 0, sizeof(err));
	EXPECT_REFUSAL(vir0_cpu_run_bytecode(p, bc, grid, bind, 3, 1, &err), VIR0_EARG, &err);
	vir0_bytecode_free(bc);
	vir0_program_free(h);

	/* An invalid program: a barrier in divergent control flow. */
	vir0_program *bad = vir0_program_new();
	struct vir0_node *branch = vir0_if(bad, vir0_binop(bad, VIR0_BIN_EQ, vir0_local_id(bad, 0),
							   vir0_lit_u32(bad, 0)));
	ck_assert_int_eq(vir0_append(bad, &branch->body, vir0_barrier(bad)), VIR0_OK);
	ck_assert_int_eq(vir0_append(bad, &bad->body, branch), VIR0_OK);
	memset(&err, 0, sizeof(err));
	EXPECT_REFUSAL(vir0_run_cpu(bad, grid, NULL, 0, 1, &err), VIR0_EINVALID, &err);
	vir0_program_free(bad);
	vir0_program_free(p);
}
END_TEST

/* The engine keeps, per thread, the plan and the block states of its
 * last decode (cpu_engine.c, kept_memory): one bytecode on one shape,
 * call after call, gives right results every time, and bad bindings in
 * between are refused every time with the same error. */
START_TEST(kept_plan_between_calls)
{
	vir0_program *p = fixture_example("vector_add");
	struct vir0_bytecode *bc = NULL;
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_lower(p, &bc, &err), VIR0_OK);
	enum { N = 200 };
	uint32_t a[N], b[N], c[N];
	const uint32_t grid[3] = { 4, 1, 1 };
	char refused[2][sizeof(err.message)] = { "", "" };
	for (unsigned t = 0; t < NTHREAD_COUNTS; t++) {
		for (uint32_t round = 0; round < 3; round++) {
			for (uint32_t i = 0; i < N; i++) {
				a[i] = i * 7u + round;
				b[i] = ~i * (round + 1);
			}
			memset(c, 0xEE, sizeof(c));
			struct vir0_binding bind[3] = { { a, sizeof(a) }, { b, sizeof(b) },
							{ c, sizeof(c) } };
			ck_assert_int_eq(vir0_cpu_run_bytecode(p, bc, grid, bind, 3, thread_counts[t],
							       &err), VIR0_OK);
			for (uint32_t i = 0; i < N; i++)
				ck_assert_uint_eq(c[i], a[i] + b[i]);
			bind[2].size = 10; /* not a whole number of u32 */
			memset(&err, 0, sizeof(err));
			EXPECT_REFUSAL(vir0_cpu_run_bytecode(p, bc, grid, bind, 3, thread_counts[t],
							     &err), VIR0_EARG, &err);
			if (!refused[0][0])
				strcpy(refused[0], err.message);
			ck_assert_str_eq(err.message, refused[0]);
			bind[2].size = sizeof(c);
			memset(&err, 0, sizeof(err));
			EXPECT_REFUSAL(vir0_cpu_run_bytecode(p, bc, grid, bind, 2, thread_counts[t],
							     &err), VIR0_EARG, &err);
			if (!refused[1][0])
				strcpy(refused[1], err.message);
			ck_assert_str_eq(err.message, refused[1]);
		}
	}
	vir0_bytecode_free(bc);
	vir0_program_free(p);
}
END_TEST

/* Bytecode no validated program lowers to: the two blocks of a
 * 128-invocation workgroup wait at different barriers. The engine must
 * say so rather than release them. */
START_TEST(barrier_mismatch_detected)
{
	vir0_program *p = cpu_diff_assemble("workgroup 128 1 1\n");
	const unsigned N = VIR0_BC_NO_REG;
	struct vir0_insn insns[] = {
		vir0_insn_make(VIR0_BC_ID, VIR0_TYPE_U32, 0, N, N, N, VIR0_BC_ID_LOCAL, 0),
		vir0_insn_make(VIR0_BC_CONST, VIR0_TYPE_U32, 1, N, N, N, 0, 64),
		vir0_insn_make(VIR0_BC_BINOP, VIR0_TYPE_U32, 2, 0, 1, N, VIR0_BIN_LT, 0),
		vir0_insn_make(VIR0_BC_IF, VIR0_TYPE_BOOL, N, 2, N, N, 0, 5),
		vir0_insn_make(VIR0_BC_BARRIER, 0, N, N, N, N, 0, 0),
		vir0_insn_make(VIR0_BC_ELSE, 0, N, N, N, N, 0, 7),
		vir0_insn_make(VIR0_BC_BARRIER, 0, N, N, N, N, 0, 0),
		vir0_insn_make(VIR0_BC_END_IF, 0, N, N, N, N, 0, 3),
		vir0_insn_make(VIR0_BC_HALT, 0, N, N, N, N, 0, 0),
	};
	struct vir0_bytecode bc = {
		.insns = insns, .ninsns = sizeof(insns) / sizeof(insns[0]), .nregs = 3,
		.max_nesting = 1, .flags = VIR0_BC_HAS_BARRIER, .workgroup_size = { 128, 1, 1 },
	};
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_bytecode_verify(&bc, &err) == VIR0_OK, "verify: %s", err.message);
	const uint32_t grid[3] = { 2, 1, 1 };
	/* Twice: a failed run's block states are not kept for the next. */
	for (int k = 0; k < 2; k++) {
		memset(&err, 0, sizeof(err));
		EXPECT_REFUSAL(vir0_cpu_run_bytecode(p, &bc, grid, NULL, 0, 1, &err),
			       VIR0_EINVALID, &err);
		ck_assert_ptr_nonnull(strstr(err.message, "different barriers"));
	}
	vir0_program_free(p);
}
END_TEST

static Suite *cpu_engine_suite(void)
{
	Suite *s = suite_create("cpu_engine");
	TCase *examples = tcase_create("examples");
	tcase_set_timeout(examples, 120);
	tcase_add_test(examples, example_vector_add);
	tcase_add_test(examples, example_saxpy);
	tcase_add_test(examples, example_reduction_atomic);
	tcase_add_test(examples, example_histogram);
	tcase_add_test(examples, example_dfa_scan);
	tcase_add_test(examples, example_prefix_sum);
	tcase_add_test(examples, example_matmul_tiled);
	suite_add_tcase(s, examples);
	TCase *flow = tcase_create("control_flow");
	tcase_set_timeout(flow, 120);
	tcase_add_test(flow, divergent_if_else);
	tcase_add_test(flow, nested_loops_return);
	tcase_add_test(flow, barriers_256_lanes);
	tcase_add_test(flow, barriers_1000_lanes);
	tcase_add_test(flow, barriers_3d_workgroup);
	tcase_add_test(flow, barriers_small_workgroup);
	tcase_add_test(flow, workgroup_memory_fresh);
	tcase_add_test(flow, ids_packed_and_3d);
	tcase_add_test(flow, index_patterns);
	tcase_add_test(flow, block_boundaries);
	tcase_add_test(flow, whole_if_levels);
	tcase_add_test(flow, loop_ends_early);
	tcase_add_test(flow, loop_ends_early_not);
	tcase_add_test(flow, outputs_written_whole);
	tcase_add_test(flow, outputs_written_whole_not);
	suite_add_tcase(s, flow);
	TCase *calls = tcase_create("calls");
	tcase_add_test(calls, threads_default_and_bytecode_entry);
	tcase_add_test(calls, kept_decode_follows_its_inputs);
	tcase_add_test(calls, bad_calls);
	tcase_add_test(calls, barrier_mismatch_detected);
	tcase_add_test(calls, kept_plan_between_calls);
	suite_add_tcase(s, calls);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(cpu_engine_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
