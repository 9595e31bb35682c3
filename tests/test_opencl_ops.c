/* test_opencl_ops.c - codelets/vir0_ops.cl against vir0/scalar_ops.h, bit
 * for bit, on the first OpenCL device: every BinOp, UnOp and Cast code
 * (core or not) on every value type over all pairs of a table of edge and
 * random values, Fma over triples, the atomic new-value rule, and the
 * .cl file's operator and type constants against include/vir0.h. */
#include "fixture_opencl.h"
#include "fixtures.h"
#include "scalar_ops.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Edges of u32, i32 and f32 (canonicalisation, rounding, cast limits),
 * then random bits and random normal floats, where divide and sqrt
 * rounding shows. */
static const uint32_t edge_values[] = {
	0, 1, 2, 3, 7, 31, 32, 33, 1000, 12345678, 16777217, 0x7FFFFFFFu,
	0x80000000u, 0x80000001u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0x55555555u,
	0xDEADBEEFu, 0x3F800000u /* 1 */, 0xBF800000u /* -1 */, 0x3F000000u,
	0xBF000000u, 0x3FC00000u /* 1.5 */, 0x40200000u /* 2.5 */,
	0xC0200000u /* -2.5 */, 0x3EAAAAABu /* 1/3 */, 0x3DCCCCCDu /* 0.1 */,
	0x40400000u /* 3 */, 0x7149F2CAu /* 1e30 */, 0x0DA24260u /* 1e-30 */,
	0x7F7FFFFFu, 0xFF7FFFFFu, 0x00800000u, 0x80800000u, 0x00000001u,
	0x807FFFFFu, 0x00400000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u,
	0xFFC00000u, 0x7FA00001u, 0xFF800001u, 0x4F7FFFFFu /* 4294967040 */,
	0x4F800000u /* 2^32 */, 0x4F000000u /* 2^31 */, 0xCF000000u /* -2^31 */,
	0xCF000001u, 0x4EFFFFFFu, 0x3F7FFFFFu, 0x3F800001u, 0x00FFFFFFu,
	0x1F800000u /* 2^-64: products underflow */, 0x5F800000u /* 2^64 */,
};

#define NRANDOM 72
#define NVALUES (sizeof(edge_values) / sizeof(edge_values[0]) + NRANDOM)
#define NFMA 40 /* Fma takes triples of the first NFMA values */

static const uint8_t types[] = {
	VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32, VIR0_TYPE_BOOL, VIR0_TYPE_U64,
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

static uint32_t values[NVALUES];
static struct vir0_cl_jit_standalone cl;
static cl_program program;

static uint32_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 32);
}

/* The constants the .cl file must agree on, by name. */
#define CONSTANTS(X) \
	X(VIR0_TYPE_U32) X(VIR0_TYPE_I32) X(VIR0_TYPE_BOOL) X(VIR0_TYPE_BYTES) \
	X(VIR0_TYPE_F32) X(VIR0_TYPE_U8) X(VIR0_TYPE_U16) X(VIR0_TYPE_I8) X(VIR0_TYPE_I16) \
	X(VIR0_BIN_ADD) X(VIR0_BIN_SUB) X(VIR0_BIN_MUL) X(VIR0_BIN_DIV) X(VIR0_BIN_MOD) \
	X(VIR0_BIN_BIT_AND) X(VIR0_BIN_BIT_OR) X(VIR0_BIN_BIT_XOR) X(VIR0_BIN_SHL) \
	X(VIR0_BIN_SHR) X(VIR0_BIN_EQ) X(VIR0_BIN_NE) X(VIR0_BIN_LT) X(VIR0_BIN_GT) \
	X(VIR0_BIN_LE) X(VIR0_BIN_GE) X(VIR0_BIN_AND) X(VIR0_BIN_OR) X(VIR0_BIN_ABS_DIFF) \
	X(VIR0_BIN_MIN) X(VIR0_BIN_MAX) X(VIR0_BIN_SATURATING_ADD) \
	X(VIR0_BIN_SATURATING_SUB) X(VIR0_BIN_SATURATING_MUL) X(VIR0_BIN_ROTATE_LEFT) \
	X(VIR0_BIN_ROTATE_RIGHT) X(VIR0_BIN_WRAPPING_ADD) X(VIR0_BIN_WRAPPING_SUB) \
	X(VIR0_BIN_MUL_HIGH) \
	X(VIR0_UN_NEGATE) X(VIR0_UN_BIT_NOT) X(VIR0_UN_LOGICAL_NOT) X(VIR0_UN_POPCOUNT) \
	X(VIR0_UN_CLZ) X(VIR0_UN_CTZ) X(VIR0_UN_REVERSE_BITS) X(VIR0_UN_ABS) \
	X(VIR0_UN_SQRT) X(VIR0_UN_FLOOR) X(VIR0_UN_CEIL) X(VIR0_UN_ROUND) X(VIR0_UN_TRUNC) \
	X(VIR0_UN_SIGN) X(VIR0_UN_IS_NAN) X(VIR0_UN_IS_INF) X(VIR0_UN_IS_FINITE) \
	X(VIR0_ATOMIC_ADD) X(VIR0_ATOMIC_OR) X(VIR0_ATOMIC_AND) X(VIR0_ATOMIC_XOR) \
	X(VIR0_ATOMIC_MIN) X(VIR0_ATOMIC_MAX) X(VIR0_ATOMIC_EXCHANGE) \
	X(VIR0_ATOMIC_COMPARE_EXCHANGE) \
	X(VIR0_F32_CANONICAL_NAN) X(VIR0_F32_SIGN) X(VIR0_F32_EXPONENT)

#define AS_VALUE(name) (uint32_t)(name),
#define AS_STORE(name) "\tout[i++] = " #name ";\n"
static const uint32_t constant_values[] = { CONSTANTS(AS_VALUE) };
#define NCONSTANTS (sizeof(constant_values) / sizeof(constant_values[0]))

static const char test_kernels[] =
	"__kernel void binops(__global const uint *combos, __global const uint *v,\n"
	"                     uint n, __global uint *out)\n"
	"{\n"
	"	uint pair = get_global_id(0), combo = get_global_id(1);\n"
	"	out[combo * n * n + pair] = vir0_eval_binop(combos[2 * combo],\n"
	"		combos[2 * combo + 1], v[pair / n], v[pair % n]);\n"
	"}\n"
	"__kernel void unops(__global const uint *combos, __global const uint *v,\n"
	"                    uint n, __global uint *out)\n"
	"{\n"
	"	uint i = get_global_id(0), combo = get_global_id(1);\n"
	"	out[combo * n + i] = vir0_eval_unop(combos[2 * combo], combos[2 * combo + 1], v[i]);\n"
	"}\n"
	"__kernel void casts(__global const uint *combos, __global const uint *v,\n"
	"                    uint n, __global uint *out)\n"
	"{\n"
	"	uint i = get_global_id(0), combo = get_global_id(1);\n"
	"	out[combo * n + i] = vir0_eval_cast(combos[2 * combo], combos[2 * combo + 1], v[i]);\n"
	"}\n"
	"__kernel void atomics(__global const uint *combos, __global const uint *v,\n"
	"                      uint n, __global uint *out)\n"
	"{\n"
	"	uint pair = get_global_id(0), combo = get_global_id(1);\n"
	"	uint old = v[pair / n], value = v[pair % n];\n"
	"	uint expected = pair & 1 ? old : value;\n"
	"	out[combo * n * n + pair] = vir0_atomic_new_value(combos[2 * combo],\n"
	"		combos[2 * combo + 1], old, value, expected);\n"
	"}\n"
	"__kernel void fmas(__global const uint *combos, __global const uint *v,\n"
	"                   uint n, __global uint *out)\n"
	"{\n"
	"	uint t = get_global_id(0);\n"
	"	(void)combos;\n"
	"	out[t] = vir0_f32_fma(v[t / (n * n)], v[t / n % n], v[t % n]);\n"
	"}\n"
	"/* The JIT's form of f32 arithmetic: operands canonical, results only\n"
	" * flushed of subnormals, canonicalised where they are stored. A result\n"
	" * read back as it is, times 2^24, so a subnormal the flush let through\n"
	" * would come out normal. */\n"
	"__kernel void flushed(__global const uint *combos, __global const uint *v,\n"
	"                      uint n, __global uint *out)\n"
	"{\n"
	"	uint pair = get_global_id(0), combo = get_global_id(1);\n"
	"	float a = vir0_f32_in(v[pair / n]), b = vir0_f32_in(v[pair % n]);\n"
	"	uint op = combos[2 * combo];\n"
	"	float r = op == VIR0_BIN_ADD ? a + b : op == VIR0_BIN_SUB ? a - b\n"
	"		: op == VIR0_BIN_MUL ? a * b : a / b;\n"
	"	float flushed = as_float(vir0_f32_flush(r));\n"
	"	out[combo * n * n + pair] = vir0_f32_canon(vir0_f32_flush(flushed * 0x1p24f));\n"
	"}\n"
	"__kernel void constants(__global uint *out)\n"
	"{\n"
	"	uint i = 0;\n"
	CONSTANTS(AS_STORE)
	"}\n";

static void check_cl(cl_int status, const char *what)
{
	if (status != CL_SUCCESS) {
		char detail[32];
		snprintf(detail, sizeof(detail), "OpenCL error %d", (int)status);
		fixture_die(what, detail);
	}
}

static void setup(void)
{
	struct vir0_error err;
	char options[256];
	size_t ops_size;
	uint64_t state = 0x5EEDu;
	size_t nedge = sizeof(edge_values) / sizeof(edge_values[0]);

	memcpy(values, edge_values, sizeof(edge_values));
	for (size_t i = nedge; i < NVALUES; i++) {
		uint32_t bits = next_random(&state);
		/* Every other one a float of moderate exponent. */
		values[i] = i & 1 ? bits : (bits & 0x807FFFFFu) | ((100u + bits % 56u) << 23);
	}
	fixture_cl_open(&cl);
	if (vir0_cl_jit_build_options(cl.device, options, sizeof(options), &err))
		fixture_die("device unsuitable", err.message);

	char *ops = (char *)fixture_read("codelets/vir0_ops.cl", &ops_size);
	const char *sources[2] = { ops, test_kernels };
	cl_int status;
	program = clCreateProgramWithSource(cl.context, 2, sources, NULL, &status);
	check_cl(status, "clCreateProgramWithSource");
	status = clBuildProgram(program, 1, &cl.device, options, NULL, NULL);
	if (status != CL_SUCCESS) {
		static char log[65536];
		clGetProgramBuildInfo(program, cl.device, CL_PROGRAM_BUILD_LOG, sizeof(log) - 1,
				      log, NULL);
		fixture_die("vir0_ops.cl does not build", log);
	}
	free(ops);
}

static void teardown(void)
{
	clReleaseProgram(program);
	vir0_cl_jit_standalone_close(&cl);
}

/* Run kernel `name` over (n0, ncombos) and return its `count` outputs. */
static uint32_t *run(const char *name, const uint32_t *combos, uint32_t ncombos,
		     size_t n0, uint32_t n, size_t count)
{
	cl_int status;
	uint32_t *out = malloc(count * sizeof(*out));
	ck_assert_ptr_nonnull(out);
	cl_kernel kernel = clCreateKernel(program, name, &status);
	check_cl(status, name);
	/* Fma takes no combos: any readable buffer stands in. */
	cl_mem mcombos = clCreateBuffer(cl.context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
					ncombos ? ncombos * 2 * sizeof(uint32_t) : sizeof(values),
					ncombos ? (void *)combos : values, &status);
	check_cl(status, "combos buffer");
	cl_mem mvalues = clCreateBuffer(cl.context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
					sizeof(values), values, &status);
	check_cl(status, "values buffer");
	cl_mem mout = clCreateBuffer(cl.context, CL_MEM_WRITE_ONLY, count * sizeof(*out), NULL,
				     &status);
	check_cl(status, "output buffer");
	check_cl(clSetKernelArg(kernel, 0, sizeof(cl_mem), &mcombos), "arg 0");
	check_cl(clSetKernelArg(kernel, 1, sizeof(cl_mem), &mvalues), "arg 1");
	check_cl(clSetKernelArg(kernel, 2, sizeof(cl_uint), &n), "arg 2");
	check_cl(clSetKernelArg(kernel, 3, sizeof(cl_mem), &mout), "arg 3");
	size_t global[2] = { n0, ncombos ? ncombos : 1 };
	check_cl(clEnqueueNDRangeKernel(cl.queue, kernel, 2, NULL, global, NULL, 0, NULL, NULL),
		 "enqueue");
	check_cl(clEnqueueReadBuffer(cl.queue, mout, CL_TRUE, 0, count * sizeof(*out), out, 0,
				     NULL, NULL), "read");
	clReleaseMemObject(mcombos);
	clReleaseMemObject(mvalues);
	clReleaseMemObject(mout);
	clReleaseKernel(kernel);
	return out;
}

static unsigned report(unsigned mismatches, const char *what, uint32_t op, uint32_t type,
		       uint32_t a, uint32_t b, uint32_t got, uint32_t want)
{
	if (mismatches < 10)
		fprintf(stderr, "%s op 0x%02x type 0x%02x (0x%08x, 0x%08x): device 0x%08x, host 0x%08x\n",
			what, op, type, a, b, got, want);
	return mismatches + 1;
}

START_TEST(binops_match_host)
{
	uint32_t combos[2 * 0x23 * NTYPES], ncombos = 0;
	for (uint32_t op = 0; op < 0x23; op++)
		for (size_t t = 0; t < NTYPES; t++) {
			combos[2 * ncombos] = op;
			combos[2 * ncombos++ + 1] = types[t];
		}
	size_t pairs = NVALUES * NVALUES;
	uint32_t *out = run("binops", combos, ncombos, pairs, NVALUES, ncombos * pairs);
	unsigned mismatches = 0;
	for (uint32_t c = 0; c < ncombos; c++)
		for (size_t p = 0; p < pairs; p++) {
			uint32_t a = values[p / NVALUES], b = values[p % NVALUES];
			uint32_t want = vir0_eval_binop((uint8_t)combos[2 * c],
							(uint8_t)combos[2 * c + 1], a, b);
			if (out[c * pairs + p] != want)
				mismatches = report(mismatches, "binop", combos[2 * c],
						    combos[2 * c + 1], a, b, out[c * pairs + p], want);
		}
	free(out);
	ck_assert_uint_eq(mismatches, 0);
}
END_TEST

START_TEST(unops_match_host)
{
	uint32_t combos[2 * 0x26 * NTYPES], ncombos = 0;
	for (uint32_t op = 0; op < 0x26; op++)
		for (size_t t = 0; t < NTYPES; t++) {
			combos[2 * ncombos] = op;
			combos[2 * ncombos++ + 1] = types[t];
		}
	uint32_t *out = run("unops", combos, ncombos, NVALUES, NVALUES, ncombos * NVALUES);
	unsigned mismatches = 0;
	for (uint32_t c = 0; c < ncombos; c++)
		for (size_t i = 0; i < NVALUES; i++) {
			uint32_t want = vir0_eval_unop((uint8_t)combos[2 * c],
						       (uint8_t)combos[2 * c + 1], values[i]);
			if (out[c * NVALUES + i] != want)
				mismatches = report(mismatches, "unop", combos[2 * c],
						    combos[2 * c + 1], values[i], 0,
						    out[c * NVALUES + i], want);
		}
	free(out);
	ck_assert_uint_eq(mismatches, 0);
}
END_TEST

START_TEST(casts_match_host)
{
	uint32_t combos[2 * NTYPES * NTYPES], ncombos = 0;
	for (size_t from = 0; from < NTYPES; from++)
		for (size_t to = 0; to < NTYPES; to++) {
			combos[2 * ncombos] = types[from];
			combos[2 * ncombos++ + 1] = types[to];
		}
	uint32_t *out = run("casts", combos, ncombos, NVALUES, NVALUES, ncombos * NVALUES);
	unsigned mismatches = 0;
	for (uint32_t c = 0; c < ncombos; c++)
		for (size_t i = 0; i < NVALUES; i++) {
			uint32_t want = vir0_eval_cast((uint8_t)combos[2 * c],
						       (uint8_t)combos[2 * c + 1], values[i]);
			if (out[c * NVALUES + i] != want)
				mismatches = report(mismatches, "cast", combos[2 * c],
						    combos[2 * c + 1], values[i], 0,
						    out[c * NVALUES + i], want);
		}
	free(out);
	ck_assert_uint_eq(mismatches, 0);
}
END_TEST

START_TEST(atomic_new_values_match_host)
{
	uint32_t combos[2 * 0x0D * 2], ncombos = 0;
	for (uint32_t op = 0; op < 0x0D; op++)
		for (uint32_t e = 0; e < 2; e++) {
			combos[2 * ncombos] = op;
			combos[2 * ncombos++ + 1] = e ? VIR0_TYPE_I32 : VIR0_TYPE_U32;
		}
	size_t pairs = NVALUES * NVALUES;
	uint32_t *out = run("atomics", combos, ncombos, pairs, NVALUES, ncombos * pairs);
	unsigned mismatches = 0;
	for (uint32_t c = 0; c < ncombos; c++)
		for (size_t p = 0; p < pairs; p++) {
			uint32_t old = values[p / NVALUES], value = values[p % NVALUES];
			uint32_t want = vir0_atomic_new_value((uint8_t)combos[2 * c],
							      (uint8_t)combos[2 * c + 1], old,
							      value, p & 1 ? old : value);
			if (out[c * pairs + p] != want)
				mismatches = report(mismatches, "atomic", combos[2 * c],
						    combos[2 * c + 1], old, value,
						    out[c * pairs + p], want);
		}
	free(out);
	ck_assert_uint_eq(mismatches, 0);
}
END_TEST

START_TEST(fma_matches_host)
{
	/* Indices over the first NFMA values only: the kernel divides by n. */
	size_t triples = NFMA * NFMA * NFMA;
	uint32_t *out = run("fmas", NULL, 0, triples, NFMA, triples);
	unsigned mismatches = 0;
	for (size_t t = 0; t < triples; t++) {
		uint32_t a = values[t / (NFMA * NFMA)], b = values[t / NFMA % NFMA];
		uint32_t c = values[t % NFMA];
		uint32_t want = vir0_f32_fma(a, b, c);
		if (out[t] != want)
			mismatches = report(mismatches, "fma", 0, c, a, b, out[t], want);
	}
	free(out);
	ck_assert_uint_eq(mismatches, 0);
}
END_TEST

#define TWO_TO_24 0x4B800000u

START_TEST(flushed_arithmetic_matches_host)
{
	static const uint32_t combos[] = {
		VIR0_BIN_ADD, VIR0_TYPE_F32, VIR0_BIN_SUB, VIR0_TYPE_F32,
		VIR0_BIN_MUL, VIR0_TYPE_F32, VIR0_BIN_DIV, VIR0_TYPE_F32,
	};
	uint32_t ncombos = sizeof(combos) / sizeof(combos[0]) / 2;
	size_t pairs = NVALUES * NVALUES;
	uint32_t *out = run("flushed", combos, ncombos, pairs, NVALUES, ncombos * pairs);
	unsigned mismatches = 0;
	for (uint32_t c = 0; c < ncombos; c++)
		for (size_t p = 0; p < pairs; p++) {
			uint32_t a = values[p / NVALUES], b = values[p % NVALUES];
			uint32_t r = vir0_eval_binop((uint8_t)combos[2 * c], VIR0_TYPE_F32, a, b);
			uint32_t want = vir0_eval_binop(VIR0_BIN_MUL, VIR0_TYPE_F32, r, TWO_TO_24);
			if (out[c * pairs + p] != want)
				mismatches = report(mismatches, "flushed", combos[2 * c],
						    VIR0_TYPE_F32, a, b, out[c * pairs + p], want);
		}
	free(out);
	ck_assert_uint_eq(mismatches, 0);
}
END_TEST

START_TEST(constants_match_vir0_h)
{
	cl_int status;
	uint32_t out[NCONSTANTS];
	static const char *names[] = {
#define AS_NAME(name) #name,
		CONSTANTS(AS_NAME)
	};
	cl_kernel kernel = clCreateKernel(program, "constants", &status);
	check_cl(status, "constants kernel");
	cl_mem mout = clCreateBuffer(cl.context, CL_MEM_WRITE_ONLY, sizeof(out), NULL, &status);
	check_cl(status, "constants buffer");
	check_cl(clSetKernelArg(kernel, 0, sizeof(cl_mem), &mout), "arg 0");
	size_t one = 1;
	check_cl(clEnqueueNDRangeKernel(cl.queue, kernel, 1, NULL, &one, NULL, 0, NULL, NULL),
		 "enqueue");
	check_cl(clEnqueueReadBuffer(cl.queue, mout, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL),
		 "read");
	clReleaseMemObject(mout);
	clReleaseKernel(kernel);
	for (size_t i = 0; i < NCONSTANTS; i++)
		ck_assert_msg(out[i] == constant_values[i], "%s is 0x%x in vir0_ops.cl, 0x%x in C",
			      names[i], out[i], constant_values[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opencl_ops");
	TCase *tc = tcase_create("ops");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, constants_match_vir0_h);
	tcase_add_test(tc, binops_match_host);
	tcase_add_test(tc, unops_match_host);
	tcase_add_test(tc, casts_match_host);
	tcase_add_test(tc, atomic_new_values_match_host);
	tcase_add_test(tc, fma_matches_host);
	tcase_add_test(tc, flushed_arithmetic_matches_host);
	suite_add_tcase(s, tc);
	return fixture_cl_run(s);
}
