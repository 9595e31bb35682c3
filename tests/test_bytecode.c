/* test_bytecode.c - vir0_lower (doc/bytecode.md): every example and a
 * program using every node and expression kind lower to bytecode the
 * verifier accepts; the shapes that executors rely on (partner indices,
 * evaluation order, loop bounds in registers of their own, scopes and
 * register reuse); the register limit and unvalidated input. */
#include "vir0.h"

#include "bytecode.h"
#include "bytecode_fixtures.h"
#include "fixtures.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

static const struct vir0_insn *insn(const struct vir0_bytecode *bc, uint32_t at)
{
	ck_assert_msg(at < bc->ninsns, "no such instruction (%u of %u)", at, bc->ninsns);
	return &bc->insns[at];
}

START_TEST(example_lowers_and_verifies)
{
	vir0_program *p = fixture_example(fixture_example_names[_i]);
	struct vir0_bytecode *bc = fixture_lower(p);
	ck_assert_uint_eq(vir0_insn_op(&bc->insns[bc->ninsns - 1]), VIR0_BC_HALT);
	ck_assert_uint_eq(fixture_find_op(bc, VIR0_BC_HALT, 0), bc->ninsns - 1);
	ck_assert_uint_gt(bc->nregs, 0);
	ck_assert_uint_ge(bc->max_nesting, 1);
	ck_assert_mem_eq(bc->workgroup_size, p->workgroup_size, sizeof(bc->workgroup_size));
	ck_assert_uint_eq(bc->nbuffers, p->nbuffers);
	for (uint32_t k = 0; k < p->nbuffers; k++) {
		ck_assert_uint_eq(bc->buffers[k].element, p->buffers[k].element.kind);
		ck_assert_uint_eq(bc->buffers[k].access, p->buffers[k].access);
		ck_assert_uint_eq(bc->buffers[k].count, p->buffers[k].count);
		ck_assert_uint_eq(bc->buffers[k].is_output, p->buffers[k].is_output);
	}
	vir0_bytecode_free(bc);
	vir0_program_free(p);
}
END_TEST

START_TEST(example_flags)
{
	static const struct {
		const char *name;
		uint32_t flags;
	} cases[] = {
		{ "vector_add", 0 },
		{ "reduction_atomic", VIR0_BC_HAS_ATOMICS },
		{ "histogram", VIR0_BC_HAS_BARRIER | VIR0_BC_HAS_WORKGROUP_MEMORY |
			       VIR0_BC_HAS_ATOMICS },
		{ "prefix_sum", VIR0_BC_HAS_BARRIER | VIR0_BC_HAS_WORKGROUP_MEMORY },
	};
	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		vir0_program *p = fixture_example(cases[c].name);
		struct vir0_bytecode *bc = fixture_lower(p);
		ck_assert_msg(bc->flags == cases[c].flags, "%s: flags 0x%x, want 0x%x",
			      cases[c].name, bc->flags, cases[c].flags);
		vir0_bytecode_free(bc);
		vir0_program_free(p);
	}
}
END_TEST

START_TEST(every_kind_lowers_to_every_opcode)
{
	size_t size;
	char *text = (char *)fixture_read("tests/bytecode/every_kind.vir0s", &size);
	struct vir0_bytecode *bc = fixture_lower_text(text);
	free(text);
	for (unsigned op = VIR0_BC_CONST; op <= VIR0_BC_OP_LAST; op++)
		ck_assert_msg(fixture_find_op(bc, op, 0) != NONE, "opcode %u is never emitted",
			      op);
	ck_assert_uint_eq(bc->flags, VIR0_BC_HAS_BARRIER | VIR0_BC_HAS_WORKGROUP_MEMORY |
			  VIR0_BC_HAS_ATOMICS | VIR0_BC_HAS_RETURN);
	ck_assert_uint_eq(bc->max_nesting, 1);
	/* The u32 condition goes to IF as it is: IF tests a != 0. */
	uint32_t first_if = fixture_find_op(bc, VIR0_BC_IF, 0);
	uint32_t second_if = fixture_find_op(bc, VIR0_BC_IF, first_if + 1);
	ck_assert_uint_eq(vir0_insn_type(insn(bc, first_if)), VIR0_TYPE_BOOL);
	ck_assert_uint_eq(vir0_insn_type(insn(bc, second_if)), VIR0_TYPE_U32);
	/* The second loop runs over i32. */
	uint32_t first_loop = fixture_find_op(bc, VIR0_BC_LOOP, 0);
	uint32_t second_loop = fixture_find_op(bc, VIR0_BC_LOOP, first_loop + 1);
	ck_assert_uint_eq(vir0_insn_type(insn(bc, first_loop)), VIR0_TYPE_U32);
	ck_assert_uint_eq(vir0_insn_type(insn(bc, second_loop)), VIR0_TYPE_I32);
	vir0_bytecode_free(bc);
}
END_TEST

/* The first two loops of `bc`, the second inside the first: their LOOP
 * and END_LOOP instructions, each of which names its partner. */
struct nested_loops {
	uint32_t outer, inner, end_inner, end_outer;
};

static struct nested_loops find_nested_loops(const struct vir0_bytecode *bc)
{
	uint32_t outer = fixture_find_op(bc, VIR0_BC_LOOP, 0);
	uint32_t inner = fixture_find_op(bc, VIR0_BC_LOOP, outer + 1);
	uint32_t end_inner = fixture_find_op(bc, VIR0_BC_END_LOOP, 0);
	uint32_t end_outer = fixture_find_op(bc, VIR0_BC_END_LOOP, end_inner + 1);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, outer)), end_outer);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, end_outer)), outer);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, inner)), end_inner);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, end_inner)), inner);
	return (struct nested_loops){ outer, inner, end_inner, end_outer };
}

START_TEST(control_flow_partners)
{
	struct vir0_bytecode *bc = fixture_lower_text(
		"buffer out u32[0] read_write\n"
		"loop a = 0u .. 4u {\n"
		"	loop b = 0u .. a {\n"
		"		if a == b { store out[a] = b } else { store out[b] = a }\n"
		"		if a < b { store out[0u] = a }\n"
		"	}\n"
		"}\n");
	struct nested_loops loops = find_nested_loops(bc);
	uint32_t outer = loops.outer, inner = loops.inner;
	uint32_t end_inner = loops.end_inner, end_outer = loops.end_outer;
	uint32_t if1 = fixture_find_op(bc, VIR0_BC_IF, 0);
	uint32_t if2 = fixture_find_op(bc, VIR0_BC_IF, if1 + 1);
	uint32_t else1 = fixture_find_op(bc, VIR0_BC_ELSE, 0);
	uint32_t end1 = fixture_find_op(bc, VIR0_BC_END_IF, 0);
	uint32_t end2 = fixture_find_op(bc, VIR0_BC_END_IF, end1 + 1);
	ck_assert(outer < inner && inner < if1 && if1 < else1 && else1 < end1 && end1 < if2 &&
		  if2 < end2 && end2 < end_inner && end_inner < end_outer);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, if1)), else1);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, else1)), end1);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, end1)), if1);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, if2)), end2);
	ck_assert_uint_eq(vir0_insn_imm(insn(bc, end2)), if2);
	/* END_LOOP repeats its LOOP's counter, bound and type. */
	ck_assert_uint_eq(vir0_insn_dst(insn(bc, end_inner)), vir0_insn_dst(insn(bc, inner)));
	ck_assert_uint_eq(vir0_insn_b(insn(bc, end_inner)), vir0_insn_b(insn(bc, inner)));
	ck_assert_uint_eq(vir0_insn_type(insn(bc, end_inner)), VIR0_TYPE_U32);
	/* The inner bound is `a`, copied into a register of its own. */
	ck_assert_uint_ne(vir0_insn_b(insn(bc, inner)), vir0_insn_dst(insn(bc, outer)));
	ck_assert_uint_eq(bc->max_nesting, 3);
	vir0_bytecode_free(bc);
}
END_TEST

/* fmt §9.11: `to` is evaluated once, after `from`; assignments in the
 * body to what `to` read do not touch the bound's register. */
START_TEST(loop_bounds_evaluated_once_in_order)
{
	struct vir0_bytecode *bc = fixture_lower_text(
		"buffer lo u32[0] read\n"
		"buffer hi u32[0] read\n"
		"buffer out u32[0] read_write\n"
		"let n = hi[0u]\n"
		"loop i = lo[0u] .. n {\n"
		"	n = n + 1u\n"
		"	store out[i] = n\n"
		"}\n");
	uint32_t load_n = fixture_find_op(bc, VIR0_BC_LOAD, 0);
	uint32_t load_lo = fixture_find_op(bc, VIR0_BC_LOAD, load_n + 1);
	uint32_t move = fixture_find_op(bc, VIR0_BC_MOV, 0);
	uint32_t loop = fixture_find_op(bc, VIR0_BC_LOOP, 0);
	unsigned n = vir0_insn_dst(insn(bc, load_n));
	ck_assert_uint_eq(vir0_insn_aux(insn(bc, load_lo)), 0);
	ck_assert(load_lo < move && move < loop);
	ck_assert_uint_eq(vir0_insn_a(insn(bc, move)), n);
	ck_assert_uint_eq(vir0_insn_b(insn(bc, loop)), vir0_insn_dst(insn(bc, move)));
	ck_assert_uint_eq(vir0_insn_a(insn(bc, loop)), vir0_insn_dst(insn(bc, load_lo)));
	uint32_t add = fixture_find_op(bc, VIR0_BC_BINOP, loop);
	ck_assert_uint_eq(vir0_insn_dst(insn(bc, add)), n);
	ck_assert_uint_ne(vir0_insn_b(insn(bc, loop)), n);
	vir0_bytecode_free(bc);
}
END_TEST

/* Constants inside a loop that only their own statement reads become
 * registers set once at the start (vir0/bytecode_hoist.c), one per
 * distinct value; a constant stored into a variable, read by the loop's
 * own instructions (an inner loop's bound) or after control flow stays
 * where it was; partner indices follow the instructions that moved. */
START_TEST(constants_leave_loops)
{
	struct vir0_bytecode *bc = fixture_lower_text(
		"buffer a u32[0] read\n"
		"buffer c u32[0] read_write output\n"
		"let i = gid.x\n"
		"let acc = a[i]\n"
		"let last = 0u\n"
		"loop k = 0u .. 1000u {\n"
		"	acc = acc * 1664525u + 1013904223u\n"
		"	acc = acc ^ 1664525u\n"
		"	last = 9u\n"
		"	loop j = 0u .. 3u {\n"
		"		acc = acc + j\n"
		"	}\n"
		"}\n"
		"store c[i] = acc + last\n");
	struct nested_loops loops = find_nested_loops(bc);
	uint32_t outer = loops.outer, inner = loops.inner, end_outer = loops.end_outer;
	/* The pool: the two LCG constants (1664525 once) and the inner
	 * loop's start, which only its LOOP reads. */
	static const uint32_t pool[] = { 1664525u, 1013904223u, 0u };
	for (uint32_t k = 0; k < 3; k++) {
		ck_assert_uint_eq(vir0_insn_op(insn(bc, k)), VIR0_BC_CONST);
		ck_assert_uint_eq(vir0_insn_imm(insn(bc, k)), pool[k]);
	}
	ck_assert_uint_ne(vir0_insn_op(insn(bc, 3)), VIR0_BC_CONST);
	ck_assert_uint_eq(vir0_insn_a(insn(bc, inner)), vir0_insn_dst(insn(bc, 2)));
	/* Left in the loop: `last = 9u` (a variable, read after the loop)
	 * and the inner bound 3 (END_LOOP reads it too). */
	uint32_t kept = 0;
	for (uint32_t at = outer + 1; at < end_outer; at++) {
		const struct vir0_insn *i = insn(bc, at);
		if (vir0_insn_op(i) != VIR0_BC_CONST)
			continue;
		ck_assert(vir0_insn_imm(i) == 9u || vir0_insn_imm(i) == 3u);
		kept++;
	}
	ck_assert_uint_eq(kept, 2);
	for (uint32_t at = outer + 1; at < end_outer; at++) {
		const struct vir0_insn *i = insn(bc, at);
		if (vir0_insn_op(i) == VIR0_BC_BINOP && vir0_insn_aux(i) == VIR0_BIN_MUL)
			ck_assert_uint_eq(vir0_insn_b(i), vir0_insn_dst(insn(bc, 0)));
	}
	vir0_bytecode_free(bc);
}
END_TEST

/* fmt §9.3: Select evaluates its condition, then both values, then picks. */
START_TEST(select_evaluates_all_three_in_order)
{
	struct vir0_bytecode *bc = fixture_lower_text(
		"buffer c0 u32[1] read_write\n"
		"buffer c1 u32[1] read_write\n"
		"buffer c2 u32[1] read_write\n"
		"let x = select(atomic_add(c0[0u], 1u) > 0u, atomic_add(c1[0u], 2u), "
		"atomic_add(c2[0u], 3u))\n"
		"store c0[0u] = x\n");
	uint32_t a0 = fixture_find_op(bc, VIR0_BC_ATOMIC, 0);
	uint32_t a1 = fixture_find_op(bc, VIR0_BC_ATOMIC, a0 + 1);
	uint32_t a2 = fixture_find_op(bc, VIR0_BC_ATOMIC, a1 + 1);
	uint32_t sel = fixture_find_op(bc, VIR0_BC_SELECT, 0);
	uint32_t gt = fixture_find_op(bc, VIR0_BC_BINOP, a0);
	ck_assert(a0 < gt && gt < a1 && a1 < a2 && a2 < sel);
	ck_assert_uint_eq(vir0_insn_aux(insn(bc, a0)), 0);
	ck_assert_uint_eq(vir0_insn_aux(insn(bc, a1)), 1);
	ck_assert_uint_eq(vir0_insn_aux(insn(bc, a2)), 2);
	ck_assert_uint_eq(vir0_insn_a(insn(bc, sel)), vir0_insn_dst(insn(bc, gt)));
	ck_assert_uint_eq(vir0_insn_b(insn(bc, sel)), vir0_insn_dst(insn(bc, a1)));
	ck_assert_uint_eq(vir0_insn_c(insn(bc, sel)), vir0_insn_dst(insn(bc, a2)));
	uint32_t store = fixture_find_op(bc, VIR0_BC_STORE, 0);
	ck_assert_uint_eq(vir0_insn_b(insn(bc, store)), vir0_insn_dst(insn(bc, sel)));
	vir0_bytecode_free(bc);
}
END_TEST

/* fmt §9.3: Atomic index, expected, value, then the read-modify-write;
 * Store index, then value; BinOp left, then right. */
START_TEST(atomic_store_binop_operand_order)
{
	struct vir0_bytecode *bc = fixture_lower_text(
		"buffer ia u32[0] read\n"
		"buffer ea u32[0] read\n"
		"buffer va u32[0] read\n"
		"buffer t u32[0] read_write\n"
		"let old = atomic_compare_exchange(t[ia[0u]], ea[0u], va[0u])\n"
		"store t[ia[1u]] = ea[1u] + va[1u]\n");
	uint32_t at = 0;
	uint32_t loads[6];
	for (int k = 0; k < 6; k++) {
		loads[k] = fixture_find_op(bc, VIR0_BC_LOAD, at);
		ck_assert_uint_ne(loads[k], NONE);
		ck_assert_uint_eq(vir0_insn_aux(insn(bc, loads[k])), (unsigned)k % 3);
		at = loads[k] + 1;
	}
	uint32_t atomic = fixture_find_op(bc, VIR0_BC_ATOMIC, 0);
	uint32_t store = fixture_find_op(bc, VIR0_BC_STORE, 0);
	uint32_t add = fixture_find_op(bc, VIR0_BC_BINOP, 0);
	ck_assert(loads[2] < atomic && atomic < loads[3]);
	ck_assert(loads[5] < add && add < store);
	const struct vir0_insn *a = insn(bc, atomic);
	ck_assert_uint_eq(vir0_insn_imm(a), VIR0_ATOMIC_COMPARE_EXCHANGE);
	ck_assert_uint_eq(vir0_insn_a(a), vir0_insn_dst(insn(bc, loads[0])));
	ck_assert_uint_eq(vir0_insn_c(a), vir0_insn_dst(insn(bc, loads[1])));
	ck_assert_uint_eq(vir0_insn_b(a), vir0_insn_dst(insn(bc, loads[2])));
	ck_assert_uint_eq(vir0_insn_aux(a), 3);
	ck_assert_uint_eq(vir0_insn_a(insn(bc, store)), vir0_insn_dst(insn(bc, loads[3])));
	ck_assert_uint_eq(vir0_insn_a(insn(bc, add)), vir0_insn_dst(insn(bc, loads[4])));
	ck_assert_uint_eq(vir0_insn_b(insn(bc, add)), vir0_insn_dst(insn(bc, loads[5])));
	ck_assert_uint_eq(vir0_insn_b(insn(bc, store)), vir0_insn_dst(insn(bc, add)));
	vir0_bytecode_free(bc);
}
END_TEST

START_TEST(scopes_and_register_reuse)
{
	/* Sibling scopes reuse a name with another type; a Region's
	 * binding outlives it; a copy of a variable is a MOV. */
	struct vir0_bytecode *bc = fixture_lower_text(
		"buffer out u32[0] read_write\n"
		"buffer fo f32[0] read_write\n"
		"let a = gid.x\n"
		"if a > 3u { let t = 1u; store out[a] = t } else {\n"
		"	let t = 2.0f; store fo[a] = t\n"
		"}\n"
		"region gen { let r = a + 5u }\n"
		"let b = r\n"
		"b = b + 1u\n"
		"store out[a] = r\n");
	uint32_t end_if = fixture_find_op(bc, VIR0_BC_END_IF, 0);
	uint32_t region_add = fixture_find_op(bc, VIR0_BC_BINOP, end_if);
	uint32_t move = fixture_find_op(bc, VIR0_BC_MOV, 0);
	uint32_t last_store = fixture_find_op(bc, VIR0_BC_STORE, end_if);
	unsigned r = vir0_insn_dst(insn(bc, region_add));
	ck_assert_uint_eq(vir0_insn_a(insn(bc, move)), r);
	ck_assert_uint_ne(vir0_insn_dst(insn(bc, move)), r);
	ck_assert_uint_eq(vir0_insn_b(insn(bc, last_store)), r);
	vir0_bytecode_free(bc);

	/* Consecutive blocks give their registers back. */
	char text[8192] = "buffer out u32[0] read_write\n";
	for (int k = 0; k < 100; k++)
		strcat(text, "block { let x = gid.x; let y = x * 2u; store out[x] = y + 1u }\n");
	bc = fixture_lower_text(text);
	ck_assert_uint_le(bc->nregs, 3);
	vir0_bytecode_free(bc);
}
END_TEST

START_TEST(empty_program_is_halt)
{
	vir0_program *p = vir0_program_new();
	struct vir0_bytecode *bc = fixture_lower(p);
	ck_assert_uint_eq(bc->ninsns, 1);
	ck_assert_uint_eq(vir0_insn_op(&bc->insns[0]), VIR0_BC_HALT);
	ck_assert_uint_eq(bc->nregs, 0);
	ck_assert_uint_eq(bc->max_nesting, 0);
	ck_assert_uint_eq(bc->flags, 0);
	vir0_bytecode_free(bc);
	vir0_program_free(p);
}
END_TEST

/* `count` top-level Lets, all live at the end: one register each. */
static vir0_program *many_lets(uint32_t count)
{
	vir0_program *p = vir0_program_new();
	char name[16];
	for (uint32_t k = 0; k < count; k++) {
		snprintf(name, sizeof(name), "v%u", k);
		ck_assert_int_eq(vir0_append(p, &p->body, vir0_let(p, name, vir0_lit_u32(p, k))),
				 VIR0_OK);
	}
	return p;
}

START_TEST(register_limit)
{
	struct vir0_error err;
	vir0_program *p = many_lets(VIR0_BC_NO_REG);
	ck_assert_int_eq(vir0_validate(p, &err), VIR0_OK);
	struct vir0_bytecode *bc = fixture_lower(p);
	ck_assert_uint_eq(bc->nregs, VIR0_BC_NO_REG);
	vir0_bytecode_free(bc);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_let(p, "one_more", vir0_lit_u32(p, 1))),
			 VIR0_OK);
	ck_assert_int_eq(vir0_validate(p, &err), VIR0_OK);
	bc = (struct vir0_bytecode *)&err; /* must be reset to NULL */
	ck_assert_int_eq(vir0_lower(p, &bc, &err), VIR0_ELIMIT);
	ck_assert_ptr_null(bc);
	ck_assert_ptr_nonnull(strstr(err.message, "registers"));
	vir0_program_free(p);
}
END_TEST

/* Programs vir0_validate would refuse: vir0_lower refuses them too. */
static const struct {
	const char *text;
	const char *message;
} unvalidated[] = {
	{ "let x = y + 1u\n", "not in scope" },
	{ "let x = call foo()\n", "expression kind outside the core profile" },
	{ "let x = cos(1.0f)\n", "unary operator outside the core profile" },
	{ "let x = 1u + 1i\n", "operands differ in type" },
	{ "loop i = 0u .. 4u { i = 1u }\n", "assignment to a loop variable" },
	{ "loop i = 0u .. 4i { }\n", "not both u32 or both i32" },
	{ "let x = cast<u64>(1u)\n", "cast to a type outside the core profile" },
	{ "trap 0u tag t\n", "statement kind outside the core profile" },
	{ "barrier grid_sync\n", "ordering outside 1-4" },
	{ "buffer r u32[0] read\nstore r[0u] = 1u\n", "fails verification" },
	{ "buffer r f32[4] read_write\nlet x = atomic_add(r[0u], 1.0f)\n", "fails verification" },
	{ "buffer r u32[4] read_write\nlet x = atomic_add(r[0u], 1u, 2u)\n", "expected value" },
	{ "store nowhere[0u] = 1u\n", "undeclared buffer" },
	{ "if 1.0f { }\n", "neither bool nor u32" },
};

START_TEST(unvalidated_program_refused)
{
	struct vir0_error err;
	struct vir0_bytecode *bc = NULL;
	vir0_program *p = fixture_assemble(unvalidated[_i].text);
	ck_assert_int_ne(vir0_validate(p, &err), VIR0_OK);
	int rc = vir0_lower(p, &bc, &err);
	ck_assert_msg(rc == VIR0_EINVALID, "%s: got %s", unvalidated[_i].text,
		      vir0_status_name(rc));
	ck_assert_ptr_null(bc);
	ck_assert_msg(strstr(err.message, unvalidated[_i].message), "%s: message '%s'",
		      unvalidated[_i].text, err.message);
	vir0_program_free(p);
}
END_TEST

static Suite *bytecode_suite(void)
{
	Suite *s = suite_create("bytecode");
	TCase *tc = tcase_create("lower");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, example_lowers_and_verifies, 0, fixture_example_count);
	tcase_add_test(tc, example_flags);
	tcase_add_test(tc, every_kind_lowers_to_every_opcode);
	tcase_add_test(tc, control_flow_partners);
	tcase_add_test(tc, loop_bounds_evaluated_once_in_order);
	tcase_add_test(tc, constants_leave_loops);
	tcase_add_test(tc, select_evaluates_all_three_in_order);
	tcase_add_test(tc, atomic_store_binop_operand_order);
	tcase_add_test(tc, scopes_and_register_reuse);
	tcase_add_test(tc, empty_program_is_halt);
	tcase_add_test(tc, register_limit);
	tcase_add_loop_test(tc, unvalidated_program_refused, 0,
			    sizeof(unvalidated) / sizeof(unvalidated[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(bytecode_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
