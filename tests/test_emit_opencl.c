/* test_emit_opencl.c - the OpenCL C emitter (vir0/emit_opencl.c): what it
 * writes for a known program, what it refuses, and, on the first OpenCL
 * device, that every example and a few hundred generated programs
 * (tests/progen.h; VIR0_FUZZ_SEED / VIR0_FUZZ_N pick them) give buffers
 * bit-identical to vir0_run_reference. A mismatch prints the seed and the
 * program in .vir0s text. */
#include "emit_opencl.h"
#include "fixture_opencl.h"
#include "fixtures.h"
#include "progen.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seeds per make check: each program is one OpenCL build (about 1 s on
 * PoCL on two busy cores, measured), so a few hundred. */
enum { DEFAULT_SEEDS = 200 };

static struct vir0_cl_jit_standalone cl;
static struct vir0_cl_jit *jit;

static void setup(void)
{
	struct vir0_error err;
	/* No disk cache: every kernel here is built from its emitted source. */
	struct vir0_cl_jit_config config = { .cache_dir = "" };
	fixture_cl_open(&cl);
	if (vir0_cl_jit_create(cl.context, cl.device, &config, &jit, &err))
		fixture_die("vir0_cl_jit_create", err.message);
}

static void teardown(void)
{
	vir0_cl_jit_destroy(jit);
	vir0_cl_jit_standalone_close(&cl);
}

static void print_program(const vir0_program *program)
{
	char *text = NULL;
	if (vir0_disassemble(program, &text, NULL) == VIR0_OK)
		fprintf(stderr, "%s", text);
	free(text);
}

static void assert_has(const char *source, const char *line)
{
	ck_assert_msg(strstr(source, line), "the kernel lacks \"%s\":\n%s", line, source);
}

/* Reference and JIT on copies of `inputs`; 1 when the buffers agree. */
static int agree(const vir0_program *program, const uint32_t groups[3],
		 const struct vir0_binding *inputs, const char *label)
{
	uint32_t n = program->nbuffers;
	struct vir0_binding *want = fixture_bindings_copy(inputs, n);
	struct vir0_binding *got = fixture_bindings_copy(inputs, n);
	struct vir0_error err = { 0 };
	char why[256];
	int ok = 1;
	ck_assert_int_eq(vir0_run_reference(program, groups, want, n, &err), VIR0_OK);
	int rc = vir0_cl_jit_run_host(jit, &cl, program, groups, got, n, &err);
	if (rc) {
		fprintf(stderr, "%s: the JIT run failed: %s: %s\n", label, vir0_status_name(rc),
			err.message);
		ok = 0;
	} else if (!fixture_bindings_equal(program, want, got, why, sizeof(why))) {
		fprintf(stderr, "%s: the JIT differs from the reference: %s\n", label, why);
		ok = 0;
	}
	if (!ok)
		print_program(program);
	fixture_bindings_free(want, n);
	fixture_bindings_free(got, n);
	return ok;
}

START_TEST(vector_add_kernel_reads_like_the_program)
{
	vir0_program *p = fixture_example("vector_add");
	char *source;
	ck_assert_int_eq(vir0_emit_opencl(p, &source, NULL), VIR0_OK);
	assert_has(source, "reqd_work_group_size(64, 1, 1)");
	assert_has(source, "void vir0_jit(");
	assert_has(source, "__global const uint *b0, ulong b0_off, uint b0_len");
	assert_has(source, "__global uint *b2, ulong b2_off, uint b2_len");
	assert_has(source, "r0 = (uint)get_global_id(0);");
	assert_has(source, "if (r1 != 0u) {");
	assert_has(source, "r1 = r0 < b0_len ? (uint)b0[r0] : 0u;");
	assert_has(source, "if (r0 < b2_len) b2[r0] = (uint)r1;");
	/* No interpretation: no dispatcher call, no instruction array. */
	ck_assert_ptr_null(strstr(source, "vir0_eval_"));
	ck_assert_ptr_null(strstr(source, "return;"));
	free(source);
	vir0_program_free(p);
}
END_TEST

START_TEST(barriers_and_workgroup_memory_map_to_local)
{
	vir0_program *p = fixture_example("prefix_sum");
	char *source;
	ck_assert_int_eq(vir0_emit_opencl(p, &source, NULL), VIR0_OK);
	assert_has(source, "__local ");
	assert_has(source, "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);");
	free(source);
	vir0_program_free(p);
}
END_TEST

/* With barriers, Return cannot leave the kernel (every work-item must
 * reach each barrier): it sets `done`, which guards stores and atomics. */
START_TEST(return_before_a_barrier_sets_done)
{
	vir0_program *p = vir0_program_new();
	ck_assert_int_eq(vir0_add_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 0, 1), 0);
	p->workgroup_size[0] = 8;
	struct vir0_node *early = vir0_if(p, vir0_binop(p, VIR0_BIN_LT, vir0_local_id(p, 0),
						      vir0_lit_u32(p, 3)));
	ck_assert_int_eq(vir0_append(p, &early->body, vir0_return(p)), 0);
	ck_assert_int_eq(vir0_append(p, &p->body, early), 0);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_barrier(p)), 0);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, "out", vir0_invocation_id(p, 0),
							     vir0_lit_u32(p, 7))), 0);
	char *source;
	ck_assert_int_eq(vir0_emit_opencl(p, &source, NULL), VIR0_OK);
	assert_has(source, "done = 1u;");
	assert_has(source, "if (!done && ");
	ck_assert_ptr_null(strstr(source, "return;"));
	free(source);

	struct vir0_binding b = { .data = calloc(16, 4), .size = 64 };
	uint32_t groups[3] = { 2, 1, 1 };
	ck_assert(agree(p, groups, &b, "return before a barrier"));
	free(b.data);
	vir0_program_free(p);
}
END_TEST

/* The tiled matmul's f32 operands all come from loads, constants and f32
 * operations: none is canonicalised again, and the products and sums are
 * only flushed (emit_opencl_canon.c); the loads from the caller's buffers
 * and the store of the result canonicalise. */
START_TEST(canonical_registers_are_read_as_they_are)
{
	vir0_program *p = fixture_example("matmul_tiled");
	char *source;
	ck_assert_int_eq(vir0_emit_opencl(p, &source, NULL), VIR0_OK);
	ck_assert_ptr_null(strstr(source, "vir0_f32_in("));
	assert_has(source, "vir0_f32_flush(as_float(r");
	ck_assert_ptr_null(strstr(source, "vir0_f32_out("));
	unsigned canons = 0;
	for (const char *at = source; (at = strstr(at, "vir0_f32_canon(")); at++)
		canons++;
	ck_assert_uint_eq(canons, 3);
	free(source);
	vir0_program_free(p);
}
END_TEST

enum { NO = VIR0_BC_NO_REG };

static struct vir0_insn constant(unsigned type, unsigned dst, uint32_t imm)
{
	return vir0_insn_make(VIR0_BC_CONST, type, dst, NO, NO, NO, 0, imm);
}

static struct vir0_insn f32_binop(unsigned op, unsigned dst, unsigned a, unsigned b)
{
	return vir0_insn_make(VIR0_BC_BINOP, VIR0_TYPE_F32, dst, a, b, NO, op, 0);
}

static struct vir0_insn store_f32(unsigned index, unsigned value)
{
	return vir0_insn_make(VIR0_BC_STORE, VIR0_TYPE_F32, NO, index, value, NO, 0, 0);
}

static struct vir0_insn local_id(unsigned dst)
{
	return vir0_insn_make(VIR0_BC_ID, VIR0_TYPE_U32, dst, NO, NO, NO, VIR0_BC_ID_LOCAL, 0);
}

static struct vir0_insn control(unsigned op, uint32_t imm)
{
	return vir0_insn_make(op, 0, NO, NO, NO, NO, 0, imm);
}

/* The kernel of `insns` (ending in HALT) over one read-write f32 buffer. */
static char *emit_insns(struct vir0_insn *insns, uint32_t n, uint32_t nregs)
{
	struct vir0_bc_buffer buffer = { VIR0_TYPE_F32, VIR0_ACCESS_READ_WRITE, 1, 0 };
	struct vir0_bytecode bc = {
		.insns = insns, .ninsns = n, .nregs = nregs, .max_nesting = 1,
		.workgroup_size = { 1, 1, 1 }, .buffers = &buffer, .nbuffers = 1,
	};
	struct vir0_error err = { 0 };
	char *source = NULL;
	if (vir0_emit_opencl_bytecode(&bc, &source, &err))
		ck_abort_msg("emit: %s", err.message);
	return source;
}

/* Bits an integer operation wrote are canonicalised when an f32 operation
 * or an f32 store reads them (0x00000001 is a subnormal as a float); a
 * float constant's are not, and an arithmetic result's NaN is made
 * canonical when it is stored. */
START_TEST(integer_bits_read_as_f32_are_canonicalised)
{
	struct vir0_insn insns[] = {
		constant(VIR0_TYPE_U32, 0, 1u),
		f32_binop(VIR0_BIN_MUL, 1, 0, 0),
		constant(VIR0_TYPE_F32, 2, 0x3F800000u),
		f32_binop(VIR0_BIN_MUL, 3, 2, 2),
		constant(VIR0_TYPE_U32, 4, 0u),
		store_f32(4, 2),
		store_f32(4, 3),
		store_f32(4, 0),
		control(VIR0_BC_HALT, 0),
	};
	char *source = emit_insns(insns, 9, 5);
	assert_has(source, "r1 = vir0_f32_flush(vir0_f32_in(r0) * vir0_f32_in(r0));");
	assert_has(source, "r3 = vir0_f32_flush(as_float(r2) * as_float(r2));");
	assert_has(source, "b0[r4] = r2;");
	assert_has(source, "b0[r4] = vir0_f32_canon(r3);");
	assert_has(source, "b0[r4] = vir0_f32_canon(r0);");
	free(source);
}
END_TEST

/* r0 holds a float constant when the loop starts, but the loop's body
 * ends by writing an id into it: the back edge brings integer bits to the
 * body's first read, and so does the way out; a branch that writes one
 * does the same where the branches meet. */
START_TEST(loop_back_edges_and_branches_bring_integer_bits)
{
	struct vir0_insn insns[] = {
		constant(VIR0_TYPE_F32, 0, 0x3F800000u),
		constant(VIR0_TYPE_U32, 1, 0u),
		constant(VIR0_TYPE_U32, 2, 4u),
		vir0_insn_make(VIR0_BC_LOOP, VIR0_TYPE_U32, 3, 1, 2, NO, 0, 7),
		f32_binop(VIR0_BIN_ADD, 4, 0, 0),
		local_id(0),
		store_f32(1, 4),
		vir0_insn_make(VIR0_BC_END_LOOP, VIR0_TYPE_U32, 3, NO, 2, NO, 0, 3),
		f32_binop(VIR0_BIN_SUB, 5, 0, 0),
		constant(VIR0_TYPE_F32, 0, 0x40000000u),
		vir0_insn_make(VIR0_BC_IF, VIR0_TYPE_U32, NO, 2, NO, NO, 0, 12),
		local_id(0),
		control(VIR0_BC_END_IF, 10),
		f32_binop(VIR0_BIN_DIV, 6, 0, 0),
		control(VIR0_BC_HALT, 0),
	};
	char *source = emit_insns(insns, 15, 7);
	assert_has(source, "r4 = vir0_f32_flush(vir0_f32_in(r0) + vir0_f32_in(r0));");
	assert_has(source, "r5 = vir0_f32_flush(vir0_f32_in(r0) - vir0_f32_in(r0));");
	assert_has(source, "r6 = vir0_f32_flush(vir0_f32_in(r0) / vir0_f32_in(r0));");
	assert_has(source, "b0[r1] = vir0_f32_canon(r4);");
	free(source);
}
END_TEST

/* A chain of copies written backwards in a loop (r1 = r0 before r0 gets
 * an id, r2 = r1 before that, ...) brings integer bits one copy further
 * per walk of the program, and each walk also meets every register at
 * each of many empty loops: past a budget of work the emitter gives the
 * analysis up and canonicalises every f32 read, as it did before it,
 * rather than spending seconds (minutes at 65535 registers) on it. */
START_TEST(a_slow_fixpoint_gives_the_analysis_up)
{
	enum { CHAIN = 3000, EMPTY_LOOPS = 100 };
	const unsigned from = CHAIN, to = CHAIN + 1, one = CHAIN + 2, product = CHAIN + 3;
	struct vir0_insn *insns = malloc((CHAIN + 2 * EMPTY_LOOPS + 16) * sizeof(*insns));
	uint32_t n = 0;
	ck_assert_ptr_nonnull(insns);
	insns[n++] = constant(VIR0_TYPE_F32, one, 0x3F800000u);
	insns[n++] = constant(VIR0_TYPE_U32, from, 0u);
	insns[n++] = constant(VIR0_TYPE_U32, to, 4u);
	uint32_t loop = n;
	insns[n++] = vir0_insn_make(VIR0_BC_LOOP, VIR0_TYPE_U32, from, from, to, NO, 0, 0);
	for (unsigned k = CHAIN - 1; k >= 1; k--)
		insns[n++] = vir0_insn_make(VIR0_BC_MOV, VIR0_TYPE_U32, k, k - 1, NO, NO, 0, 0);
	insns[n++] = local_id(0);
	insns[n++] = f32_binop(VIR0_BIN_MUL, product, one, one);
	insns[loop].word[3] = n;
	insns[n++] = vir0_insn_make(VIR0_BC_END_LOOP, VIR0_TYPE_U32, from, NO, to, NO, 0, loop);
	for (unsigned l = 0; l < EMPTY_LOOPS; l++, n += 2) {
		insns[n] = vir0_insn_make(VIR0_BC_LOOP, VIR0_TYPE_U32, from, from, to, NO, 0, n + 1);
		insns[n + 1] = vir0_insn_make(VIR0_BC_END_LOOP, VIR0_TYPE_U32, from, NO, to, NO, 0, n);
	}
	insns[n++] = control(VIR0_BC_HALT, 0);
	char *source = emit_insns(insns, n, CHAIN + 4);
	char line[96];
	snprintf(line, sizeof(line), "r%u = vir0_f32_out(vir0_f32_in(r%u) * vir0_f32_in(r%u));",
		 product, one, one);
	/* Not assert_has: check cannot carry a message holding this kernel. */
	ck_assert_msg(strstr(source, line), "the kernel lacks \"%s\"", line);
	free(source);
	free(insns);
}
END_TEST

static struct vir0_insn u32_add(unsigned dst, unsigned a, unsigned b)
{
	return vir0_insn_make(VIR0_BC_BINOP, VIR0_TYPE_U32, dst, a, b, NO, VIR0_BIN_ADD, 0);
}

/* A flushed result (its NaN with whatever bits the device gave it) is
 * made canonical in place where its bits could show: before an integer
 * operation reads it, and at the end of its path into a join where the
 * other path brings integer bits (the branch of an IF, a loop's back
 * edge); a loop whose entry brings a canonical value keeps its flushed
 * sum as it is. */
START_TEST(flushed_nan_bits_are_canonicalised_where_they_show)
{
	struct vir0_insn insns[] = {
		constant(VIR0_TYPE_F32, 0, 0x3F800000u),
		f32_binop(VIR0_BIN_ADD, 1, 0, 0),
		u32_add(2, 1, 1),
		vir0_insn_make(VIR0_BC_IF, VIR0_TYPE_U32, NO, 2, NO, NO, 0, 5),
		f32_binop(VIR0_BIN_MUL, 3, 0, 0),
		control(VIR0_BC_ELSE, 7),
		local_id(3),
		control(VIR0_BC_END_IF, 3),
		u32_add(4, 3, 3),
		constant(VIR0_TYPE_U32, 5, 0u),
		local_id(6),
		vir0_insn_make(VIR0_BC_LOOP, VIR0_TYPE_U32, 7, 5, 2, NO, 0, 14),
		f32_binop(VIR0_BIN_ADD, 0, 0, 0),
		f32_binop(VIR0_BIN_MUL, 6, 0, 0),
		vir0_insn_make(VIR0_BC_END_LOOP, VIR0_TYPE_U32, 7, NO, 2, NO, 0, 11),
		store_f32(5, 0),
		store_f32(5, 6),
		control(VIR0_BC_HALT, 0),
	};
	char *source = emit_insns(insns, 18, 8);
	assert_has(source, "r1 = vir0_f32_canon(r1);\n\tr2 = r1 + r1;");
	assert_has(source, "r3 = vir0_f32_canon(r3);\n\t} else {");
	assert_has(source, "r6 = vir0_f32_canon(r6);\n\t\tr7 += 1u;");
	assert_has(source, "r0 = vir0_f32_flush(as_float(r0) + as_float(r0));");
	ck_assert_ptr_null(strstr(source, "r0 = vir0_f32_canon(r0);"));
	assert_has(source, "b0[r5] = vir0_f32_canon(r0);");
	assert_has(source, "b0[r5] = vir0_f32_canon(r6);");
	free(source);
}
END_TEST

/* A SELECT meets its two values as a join meets two paths: a flushed
 * NaN chosen against unknown (integer) bits must not come out as unknown,
 * which claims exact bits, for an integer operation would then read its
 * device-made NaN bits raw. Found by a lockstep fuzzer of the emitted
 * semantics (flushed NaNs given random bits). */
START_TEST(a_select_of_flushed_and_unknown_canonicalises_the_flushed_value)
{
	struct vir0_insn insns[] = {
		constant(VIR0_TYPE_F32, 0, 0xBF800000u),
		vir0_insn_make(VIR0_BC_UNOP, VIR0_TYPE_F32, 1, 0, NO, NO, VIR0_UN_SQRT, 0),
		local_id(2),
		vir0_insn_make(VIR0_BC_SELECT, VIR0_TYPE_U32, 3, 2, 1, 2, 0, 0),
		u32_add(4, 3, 3),
		store_f32(2, 4),
		control(VIR0_BC_HALT, 0),
	};
	char *source = emit_insns(insns, 7, 5);
	assert_has(source, "r1 = vir0_f32_canon(r1);\n\tr3 = r2 != 0u ? r1 : r2;");
	free(source);
}
END_TEST

START_TEST(invalid_programs_are_refused)
{
	vir0_program *p = vir0_program_new();
	struct vir0_error err = { 0 };
	char *source = (char *)1;
	/* Store into a buffer that does not exist. */
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, "nowhere", vir0_lit_u32(p, 0),
							     vir0_lit_u32(p, 1))), 0);
	ck_assert_int_eq(vir0_emit_opencl(p, &source, &err), VIR0_EINVALID);
	ck_assert_ptr_null(source);
	ck_assert_int_eq(vir0_emit_opencl_bytecode(NULL, &source, &err), VIR0_EARG);
	vir0_program_free(p);
}
END_TEST

START_TEST(examples_agree_with_the_reference)
{
	struct fixture_example_case e;
	fixture_example_case_open(_i, &e);
	ck_assert_msg(agree(e.program, e.groups, e.inputs, e.label), "%s", e.label);
	fixture_example_case_free(&e);
}
END_TEST

START_TEST(generated_programs_agree_with_the_reference)
{
	struct progen_seeds seeds = progen_seeds_from_env(DEFAULT_SEEDS);
	unsigned failures = 0;
	for (uint64_t seed = seeds.first; seed - seeds.first < seeds.count; seed++) {
		struct progen_case c;
		char label[96];
		ck_assert_int_eq(progen_generate(seed, &c), VIR0_OK);
		snprintf(label, sizeof(label), "seed %" PRIu64 " (replay: VIR0_FUZZ_SEED=%" PRIu64
			 " VIR0_FUZZ_N=1)", seed, seed);
		if (!agree(c.program, c.groups, c.bindings, label))
			failures++;
		progen_case_free(&c);
	}
	struct vir0_cl_jit_stats stats;
	vir0_cl_jit_get_stats(jit, &stats);
	printf("emit_opencl: %" PRIu32 " generated programs, %" PRIu64 " kernels built\n",
	       seeds.count, stats.source_builds);
	ck_assert_uint_eq(failures, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emit_opencl");
	TCase *tc = tcase_create("emit_opencl");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 1200);
	tcase_add_test(tc, vector_add_kernel_reads_like_the_program);
	tcase_add_test(tc, barriers_and_workgroup_memory_map_to_local);
	tcase_add_test(tc, return_before_a_barrier_sets_done);
	tcase_add_test(tc, canonical_registers_are_read_as_they_are);
	tcase_add_test(tc, integer_bits_read_as_f32_are_canonicalised);
	tcase_add_test(tc, loop_back_edges_and_branches_bring_integer_bits);
	tcase_add_test(tc, flushed_nan_bits_are_canonicalised_where_they_show);
	tcase_add_test(tc, a_select_of_flushed_and_unknown_canonicalises_the_flushed_value);
	tcase_add_test(tc, a_slow_fixpoint_gives_the_analysis_up);
	tcase_add_test(tc, invalid_programs_are_refused);
	tcase_add_loop_test(tc, examples_agree_with_the_reference, 0,
			    fixture_example_case_count());
	tcase_add_test(tc, generated_programs_agree_with_the_reference);
	suite_add_tcase(s, tc);
	return fixture_cl_run(s);
}
