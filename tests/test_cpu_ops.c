/* test_cpu_ops.c - the CPU engine's lane loops against the reference
 * interpreter, bit for bit: every core BinOp, UnOp and Cast on every value
 * type it takes, over operand pairs of edge values; Select and Fma; Load
 * and Store of narrow element types, contiguous and gathered; f32
 * canonicalisation; out-of-bounds accesses; and atomics contended across
 * workgroups on several threads. */
#include "cpu_diff.h"
#include "expr_type.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Operand values: edges of each type. Lane i takes values[i % 16] and
 * values[i / 16 % 16], so the first 256 lanes hold every pair. */
static const uint32_t int_values[16] = {
	0, 1, 2, 3, 31, 32, 33, 1000, 0x7FFFFFFFu, 0x80000000u, 0x80000001u,
	0xFFFFFFFFu, 0xFFFFFFFEu, 0x55555555u, 0xDEADBEEFu, 12345678,
};
static const uint32_t f32_values[16] = {
	0x00000000u, 0x80000000u, 0x3F800000u /* 1 */, 0xBF800000u /* -1 */,
	0x3F000000u /* 0.5 */, 0xC0200000u /* -2.5 */, 0x7F800000u, 0xFF800000u,
	0x7FC00000u, 0x7FA00001u /* NaN payload */, 0x00000001u, 0x807FFFFFu,
	0x7F7FFFFFu, 0x00800000u, 0x4F800000u /* 2^32 */, 0xCF000000u /* -2^31 */,
};

#define LANES 320 /* five blocks of 64; the last 64 lanes random */

static const enum vir0_type_kind value_types[] = {
	VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32, VIR0_TYPE_BOOL,
};

static void operands(enum vir0_type_kind type, uint32_t which, uint32_t *out)
{
	uint32_t seed = 0x9E3779B9u + which;
	for (uint32_t i = 0; i < LANES; i++) {
		uint32_t pick = which ? i / 16 % 16 : i % 16;
		uint32_t random = cpu_diff_random(&seed);
		if (type == VIR0_TYPE_BOOL)
			out[i] = (i < 256 ? pick : random) & 1;
		else if (i >= 256)
			out[i] = random;
		else
			out[i] = type == VIR0_TYPE_F32 ? f32_values[pick] : int_values[pick];
	}
}

/* A program over LANES invocations whose buffers are a, b, c of `type`
 * (filled with operands) followed by outputs of `result`; `body` adds the
 * statements. */
struct op_program {
	vir0_program *p;
	struct cpu_diff_buffers in;
	uint32_t noutputs;
};

static struct op_program op_program_new(enum vir0_type_kind type, enum vir0_type_kind result,
					uint32_t noutputs)
{
	struct op_program o = { vir0_program_new(), cpu_diff_buffers_new(3 + noutputs), noutputs };
	static const char *inputs[3] = { "a", "b", "c" };
	static const char *outputs[2] = { "out", "out2" };
	uint32_t values[LANES];
	o.p->workgroup_size[0] = 64;
	for (uint32_t k = 0; k < 3; k++) {
		ck_assert_int_eq(vir0_add_buffer(o.p, inputs[k], VIR0_ACCESS_READ_ONLY, type,
						 LANES, 0), VIR0_OK);
		operands(type, k, values);
		cpu_diff_buffer(&o.in, k, values, sizeof(values));
	}
	for (uint32_t k = 0; k < noutputs; k++) {
		ck_assert_int_eq(vir0_add_buffer(o.p, outputs[k], VIR0_ACCESS_READ_WRITE, result,
						 LANES, 1), VIR0_OK);
		cpu_diff_buffer(&o.in, 3 + k, NULL, LANES * 4);
	}
	return o;
}

static struct vir0_expr *at_gid(vir0_program *p, const char *buffer)
{
	return vir0_load(p, buffer, vir0_invocation_id(p, 0));
}

static void store_out(struct op_program *o, const char *buffer, struct vir0_expr *value)
{
	vir0_program *p = o->p;
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, buffer, vir0_invocation_id(p, 0),
							     value)), VIR0_OK);
}

/* Validate, run through both engines, compare. */
static void op_program_check(struct op_program *o, const char *what)
{
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_validate(o->p, &err) == VIR0_OK, "%s: %s", what, err.message);
	struct cpu_diff_buffers out = cpu_diff_run(what, o->p, NULL, &o->in, 1);
	cpu_diff_buffers_free(&out);
	cpu_diff_buffers_free(&o->in);
	vir0_program_free(o->p);
}

START_TEST(every_binop)
{
	unsigned checked = 0;
	for (unsigned t = 0; t < 4; t++) {
		for (unsigned op = 1; op <= VIR0_BIN_LAST; op++) {
			enum vir0_type_kind type = value_types[t];
			uint8_t result = vir0_binop_result_type((uint8_t)op, (uint8_t)type);
			if (!result)
				continue;
			struct op_program o = op_program_new(type, result, 2);
			vir0_program *p = o.p;
			store_out(&o, "out", vir0_binop(p, op, at_gid(p, "a"), at_gid(p, "b")));
			/* b the same in every lane: the uniform-operand loops. */
			store_out(&o, "out2", vir0_binop(p, op, at_gid(p, "a"),
							 vir0_load(p, "b", vir0_lit_u32(p, 37))));
			char what[64];
			snprintf(what, sizeof(what), "binop 0x%02x on type 0x%02x", op, type);
			op_program_check(&o, what);
			checked++;
		}
	}
	ck_assert_uint_ge(checked, 60);
}
END_TEST

START_TEST(every_unop)
{
	unsigned checked = 0;
	for (unsigned t = 0; t < 4; t++) {
		for (unsigned op = 1; op <= VIR0_UN_LAST; op++) {
			enum vir0_type_kind type = value_types[t];
			uint8_t result = vir0_unop_result_type((uint8_t)op, (uint8_t)type);
			if (!result)
				continue;
			struct op_program o = op_program_new(type, result, 1);
			store_out(&o, "out", vir0_unop(o.p, op, at_gid(o.p, "a")));
			char what[64];
			snprintf(what, sizeof(what), "unop 0x%02x on type 0x%02x", op, type);
			op_program_check(&o, what);
			checked++;
		}
	}
	ck_assert_uint_ge(checked, 20);
}
END_TEST

START_TEST(every_cast_select_fma)
{
	for (unsigned from = 0; from < 4; from++) {
		for (unsigned to = 0; to < 4; to++) {
			struct op_program o = op_program_new(value_types[from], value_types[to], 1);
			store_out(&o, "out", vir0_cast(o.p, value_types[to], at_gid(o.p, "a")));
			op_program_check(&o, "cast");
		}
		/* Select on a condition of u32 and of bool. */
		struct op_program o = op_program_new(value_types[from], value_types[from], 2);
		vir0_program *p = o.p;
		store_out(&o, "out", vir0_select(p, vir0_binop(p, VIR0_BIN_NE, at_gid(p, "a"),
							       at_gid(p, "b")),
						 at_gid(p, "b"), at_gid(p, "c")));
		store_out(&o, "out2", vir0_select(p, vir0_cast(p, VIR0_TYPE_U32, at_gid(p, "a")),
						  at_gid(p, "a"), at_gid(p, "c")));
		op_program_check(&o, "select");
	}
	struct op_program o = op_program_new(VIR0_TYPE_F32, VIR0_TYPE_F32, 1);
	store_out(&o, "out", vir0_fma(o.p, at_gid(o.p, "a"), at_gid(o.p, "b"), at_gid(o.p, "c")));
	op_program_check(&o, "fma");
}
END_TEST

/* ---- memory ------------------------------------------------------------ */

static uint32_t word(const struct cpu_diff_buffers *set, uint32_t buffer, uint32_t index)
{
	uint32_t value;
	memcpy(&value, (const uint8_t *)set->bindings[buffer].data + (size_t)index * 4, 4);
	return value;
}

START_TEST(narrow_element_types)
{
	vir0_program *p = cpu_diff_assemble(
		"workgroup 64 1 1\n"
		"buffer a8 u8[0] read\n"
		"buffer b8 i8[0] read\n"
		"buffer a16 u16[0] read\n"
		"buffer b16 i16[0] read\n"
		"buffer by bytes[0] read\n"
		"buffer bl bool[0] read\n"
		"buffer o8 u8[0] read_write output\n"
		"buffer p8 i8[0] read_write output\n"
		"buffer o16 u16[0] read_write output\n"
		"buffer p16 i16[0] read_write output\n"
		"buffer oby bytes[0] read_write output\n"
		"buffer obl bool[0] read_write output\n"
		"buffer s8 i8[0] read_write output\n"
		"buffer g u32[0] read_write output\n"
		"let i = gid.x\n"
		"if i < len(o8) {\n"
		"	store o8[i] = a8[i] * 3u + 1u\n"
		"	store p8[i] = b8[i] * -3i\n"
		"	store o16[i] = a16[i] + 40000u\n"
		"	store p16[i] = b16[i] - 1000i\n"
		"	store oby[i] = by[i] ^ 0x5au\n"
		"	store obl[i] = bl[i] && i % 2u == 0u\n"
		"	store s8[i * 7u % len(s8)] = b8[i * 3u % len(b8)] + 1i\n"
		"	store g[i * 7u % len(g)] = a8[i * 5u % len(a8)] + cast<u32>(b16[i * 3u % len(b16)])\n"
		"}\n");
	const uint32_t n = 1000; /* 7, 5, 3 are prime to it: permutations */
	uint8_t bytes[4 * 1000];
	uint32_t seed = 99;
	struct cpu_diff_buffers in = cpu_diff_buffers_new(14);
	const size_t sizes[6] = { 1, 1, 2, 2, 1, 4 };
	for (uint32_t k = 0; k < 6; k++) {
		for (size_t at = 0; at < n * sizes[k]; at++)
			bytes[at] = (uint8_t)cpu_diff_random(&seed);
		cpu_diff_buffer(&in, k, bytes, n * sizes[k]);
	}
	const size_t out_sizes[8] = { 1, 1, 2, 2, 1, 4, 1, 4 };
	for (uint32_t k = 0; k < 8; k++)
		cpu_diff_buffer(&in, 6 + k, NULL, n * out_sizes[k]);
	struct cpu_diff_buffers out = cpu_diff_run("narrow_element_types", p, NULL, &in, 1);
	/* Bool stores write 1, whatever non-zero was loaded. */
	ck_assert_uint_le(word(&out, 11, 0), 1);
	cpu_diff_buffers_free(&out);
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}
END_TEST

static uint32_t canonical(uint32_t bits)
{
	if ((bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu))
		return 0x7FC00000u;
	if ((bits & 0x7F800000u) == 0)
		return bits & 0x80000000u;
	return bits;
}

START_TEST(f32_canonical)
{
	vir0_program *p = cpu_diff_assemble(
		"workgroup 64 1 1\n"
		"buffer x f32[0] read\n"
		"buffer y f32[0] read\n"
		"buffer copy f32[0] read_write output\n"
		"buffer product f32[0] read_write output\n"
		"buffer small f32[0] read_write output\n"
		"buffer flags u32[0] read_write output\n"
		"buffer whole i32[0] read_write output\n"
		"let i = gid.x\n"
		"if i < len(x) {\n"
		"	store copy[i] = x[i]\n"
		"	store product[i] = min(x[i] * y[i], max(x[i], y[i])) + fma(x[i], y[i], x[i])\n"
		"	store small[i] = x[i] * 1e-30f * 1e-10f\n"
		"	store flags[i] = (cast<u32>(x[i] < y[i]) + 2u * cast<u32>(x[i] == y[i])\n"
		"		+ 4u * cast<u32>(x[i] >= y[i]) + 8u * cast<u32>(x[i] != y[i])\n"
		"		+ 16u * cast<u32>(cast<bool>(x[i])) + 32u * cast<u32>(is_nan(y[i])))\n"
		"	store whole[i] = cast<i32>(x[i] * 1e10f) ^ cast<i32>(sqrt(y[i]) + floor(x[i]))\n"
		"}\n");
	const uint32_t n = 16 * 16;
	uint32_t x[256], y[256];
	for (uint32_t i = 0; i < n; i++) {
		x[i] = f32_values[i % 16];
		y[i] = f32_values[i / 16];
	}
	struct cpu_diff_buffers in = cpu_diff_buffers_new(7);
	cpu_diff_buffer(&in, 0, x, sizeof(x));
	cpu_diff_buffer(&in, 1, y, sizeof(y));
	for (uint32_t k = 2; k < 7; k++)
		cpu_diff_buffer(&in, k, NULL, sizeof(x));
	struct cpu_diff_buffers out = cpu_diff_run("f32_canonical", p, NULL, &in, 1);
	for (uint32_t i = 0; i < n; i++) {
		ck_assert_uint_eq(word(&out, 2, i), canonical(x[i]));
		/* Flushed after rounding: a tiny product keeps only its sign. */
		if (x[i] == 0x3F800000u)
			ck_assert_uint_eq(word(&out, 4, i), 0);
		if (x[i] == 0xBF800000u)
			ck_assert_uint_eq(word(&out, 4, i), 0x80000000u);
	}
	cpu_diff_buffers_free(&out);
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}
END_TEST

START_TEST(out_of_bounds)
{
	vir0_program *p = cpu_diff_assemble(
		"workgroup 64 1 1\n"
		"buffer in u32[10] read\n"
		"buffer small u32[10] read_write output\n"
		"buffer spread u32[10] read_write output\n"
		"buffer out u32[0] read_write output\n"
		"buffer counts u32[3] read_write output\n"
		"buffer highest u32[3] read_write output\n"
		"buffer olds u32[0] read_write output\n"
		"let i = gid.x\n"
		"store out[i] = in[i] + in[i * 5u] * 256u + in[100u] * 65536u\n"
		"store small[i] = i + 1u\n"
		"store spread[i * 3u + 1u] = i + 77u\n"
		"store olds[i] = (atomic_add(counts[i], 1u) + atomic_add(counts[100u], 5u) * 1000u\n"
		"	+ atomic_max(highest[i / 8u], i))\n");
	const uint32_t n = 100; /* two blocks, the second partly past the end */
	uint32_t in_values[10];
	for (uint32_t i = 0; i < 10; i++)
		in_values[i] = i + 1;
	struct cpu_diff_buffers in = cpu_diff_buffers_new(7);
	cpu_diff_buffer(&in, 0, in_values, sizeof(in_values));
	cpu_diff_buffer(&in, 1, NULL, 40);
	cpu_diff_buffer(&in, 2, NULL, 40);
	cpu_diff_buffer(&in, 3, NULL, n * 4);
	cpu_diff_buffer(&in, 4, NULL, 12);
	cpu_diff_buffer(&in, 5, NULL, 12);
	cpu_diff_buffer(&in, 6, NULL, n * 4);
	const uint32_t grid[3] = { 2, 1, 1 };
	struct cpu_diff_buffers out = cpu_diff_run("out_of_bounds", p, grid, &in, 1);
	ck_assert_uint_eq(word(&out, 3, 2), 3);             /* in[2] + in[10], out of bounds */
	ck_assert_uint_eq(word(&out, 3, 1), 2 + 6 * 256);   /* in[1] + in[5] * 256 */
	ck_assert_uint_eq(word(&out, 3, 20), 0);            /* all out of bounds */
	ck_assert_uint_eq(word(&out, 1, 9), 10);
	ck_assert_uint_eq(word(&out, 2, 4), 1 + 77);
	ck_assert_uint_eq(word(&out, 6, 50), 0);            /* every atomic out of bounds */
	ck_assert_uint_eq(word(&out, 4, 0), 1);
	ck_assert_uint_eq(word(&out, 5, 2), 23);
	cpu_diff_buffers_free(&out);
	cpu_diff_buffers_free(&in);
	vir0_program_free(p);
}
END_TEST

/* Every invocation hits shared elements from its own workgroup, on four
 * threads: the final values are the same whatever the order, and the old
 * values one element's atomic adds return are a permutation. */
START_TEST(atomics_contended)
{
	vir0_program *p = cpu_diff_assemble(
		"workgroup 64 1 1\n"
		"buffer total u32[1] read_write output\n"
		"buffer olds u32[0] read_write output\n"
		"buffer hist u32[37] read_write output\n"
		"buffer high u32[1] read_write output\n"
		"buffer low i32[1] read_write output\n"
		"buffer bits u32[4] read_write output\n"
		"buffer flips u32[1] read_write output\n"
		"buffer cells u32[0] read_write\n"
		"buffer swapped u32[0] read_write output\n"
		"buffer exchanged u32[0] read_write output\n"
		"let i = gid.x\n"
		"if i < len(olds) {\n"
		"	store olds[i] = atomic_add(total[0u], 1u)\n"
		"	let h = atomic_add(hist[i % 37u], i)\n"
		"	let m = atomic_max(high[0u], i * 7919u % 10007u)\n"
		"	let n = atomic_min(low[0u], cast<i32>(i % 1000u) - 500i)\n"
		"	let b = atomic_or(bits[i % 4u], 1u << i % 32u)\n"
		"	let f = atomic_xor(flips[0u], i * 2654435761u)\n"
		"	store swapped[i] = atomic_compare_exchange(cells[i], i, i + 7u)\n"
		"	let e = atomic_exchange(exchanged[i], i + 5u)\n"
		"}\n");
	const uint32_t n = 64 * 150;
	uint32_t *cells = malloc((n + 1) * 4);
	ck_assert_ptr_nonnull(cells);
	for (uint32_t i = 0; i < n; i++)
		cells[i] = i % 2 ? i + 1 : i;
	struct cpu_diff_buffers in = cpu_diff_buffers_new(10);
	const uint32_t sizes[10] = { 1, n, 37, 1, 1, 4, 1, n, n, n };
	for (uint32_t k = 0; k < 10; k++)
		cpu_diff_buffer(&in, k, k == 7 ? cells : NULL, sizes[k] * 4);
	/* One thread follows the reference's order: old values agree too. */
	struct cpu_diff_buffers serial = cpu_diff_run("atomics_contended", p, NULL, &in, 1);
	cpu_diff_buffers_free(&serial);

	uint32_t hist[37] = { 0 }, high = 0, bits[4] = { 0 }, flips = 0;
	int32_t low = 0;
	for (uint32_t i = 0; i < n; i++) {
		hist[i % 37] += i;
		high = i * 7919u % 10007u > high ? i * 7919u % 10007u : high;
		low = (int32_t)(i % 1000) - 500 < low ? (int32_t)(i % 1000) - 500 : low;
		bits[i % 4] |= 1u << i % 32;
		flips ^= i * 2654435761u;
	}
	for (int round = 0; round < 3; round++) {
		struct cpu_diff_buffers run = cpu_diff_buffers_new(10);
		for (uint32_t k = 0; k < 10; k++)
			cpu_diff_buffer(&run, k, in.bindings[k].data, in.bindings[k].size);
		struct vir0_error err = { 0 };
		ck_assert_int_eq(vir0_run_cpu(p, NULL, run.bindings, 10, 4, &err), VIR0_OK);
		ck_assert_uint_eq(word(&run, 0, 0), n);
		uint8_t *seen = calloc(n, 1);
		ck_assert_ptr_nonnull(seen);
		for (uint32_t i = 0; i < n; i++) {
			uint32_t old = word(&run, 1, i);
			ck_assert_uint_lt(old, n);
			ck_assert_uint_eq(seen[old], 0);
			seen[old] = 1;
		}
		free(seen);
		ck_assert_mem_eq(run.bindings[2].data, hist, sizeof(hist));
		ck_assert_uint_eq(word(&run, 3, 0), high);
		ck_assert_uint_eq(word(&run, 4, 0), (uint32_t)low);
		ck_assert_mem_eq(run.bindings[5].data, bits, sizeof(bits));
		ck_assert_uint_eq(word(&run, 6, 0), flips);
		for (uint32_t i = 0; i < n; i++) {
			/* Even cells held i: swapped to i + 7. Odd ones stay. */
			ck_assert_uint_eq(word(&run, 8, i), i % 2 ? i + 1 : i);
			ck_assert_uint_eq(word(&run, 7, i), i % 2 ? i + 1 : i + 7);
			ck_assert_uint_eq(word(&run, 9, i), i + 5);
		}
		cpu_diff_buffers_free(&run);
	}
	cpu_diff_buffers_free(&in);
	free(cells);
	vir0_program_free(p);
}
END_TEST

static Suite *cpu_ops_suite(void)
{
	Suite *s = suite_create("cpu_ops");
	TCase *values = tcase_create("values");
	tcase_set_timeout(values, 240);
	tcase_add_test(values, every_binop);
	tcase_add_test(values, every_unop);
	tcase_add_test(values, every_cast_select_fma);
	suite_add_tcase(s, values);
	TCase *memory = tcase_create("memory");
	tcase_set_timeout(memory, 120);
	tcase_add_test(memory, narrow_element_types);
	tcase_add_test(memory, f32_canonical);
	tcase_add_test(memory, out_of_bounds);
	tcase_add_test(memory, atomics_contended);
	suite_add_tcase(s, memory);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(cpu_ops_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
