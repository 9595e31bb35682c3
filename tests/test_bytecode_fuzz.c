/* test_bytecode_fuzz.c - vir0_bytecode_verify against seeded random
 * mutations of every lowered example: flipped bits, random words, fields
 * stepped by one, header counts changed. The verifier must never crash
 * (this suite runs under ASan and UBSan) and may accept a mutant only
 * when an independent check finds it structurally sound; the listing
 * must print every mutant. */
#include "vir0.h"

#include "bytecode.h"
#include "bytecode_fixtures.h"
#include "fixtures.h"

#include <check.h>
#include <stdlib.h>

static uint64_t rng_state;

static uint32_t next_random(void)
{
	rng_state ^= rng_state << 13; /* xorshift64 */
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static int reg_ok(const struct vir0_bytecode *bc, unsigned reg)
{
	return reg == VIR0_BC_NO_REG || reg < bc->nregs;
}

/* The oracle: what "structurally valid" means to an executor, checked
 * here independently of the verifier. Registers and buffers in range,
 * opcodes known, partners of the right kind pointing at each other,
 * nesting balanced within max_nesting, HALT last and only last. */
static int structurally_valid(const struct vir0_bytecode *bc)
{
	uint32_t stack[64], depth = 0;
	if (!bc->ninsns || bc->nregs > VIR0_BC_NO_REG || bc->max_nesting > 64)
		return 0;
	for (uint32_t at = 0; at < bc->ninsns; at++) {
		const struct vir0_insn *i = &bc->insns[at];
		unsigned op = vir0_insn_op(i);
		uint32_t imm = vir0_insn_imm(i);
		if (op < VIR0_BC_CONST || op > VIR0_BC_OP_LAST || (op == VIR0_BC_HALT) !=
		    (at == bc->ninsns - 1))
			return 0;
		if (!reg_ok(bc, vir0_insn_dst(i)) || !reg_ok(bc, vir0_insn_a(i)) ||
		    !reg_ok(bc, vir0_insn_b(i)) || !reg_ok(bc, vir0_insn_c(i)))
			return 0;
		if ((op == VIR0_BC_LOAD || op == VIR0_BC_STORE || op == VIR0_BC_ATOMIC ||
		     op == VIR0_BC_BUF_LEN) && vir0_insn_aux(i) >= bc->nbuffers)
			return 0;
		if (op == VIR0_BC_IF || op == VIR0_BC_LOOP) {
			if (depth == bc->max_nesting || imm <= at || imm >= bc->ninsns)
				return 0;
			stack[depth++] = at;
		}
		unsigned partner = imm < bc->ninsns ? vir0_insn_op(&bc->insns[imm]) : 0;
		if (op == VIR0_BC_IF && partner != VIR0_BC_ELSE && partner != VIR0_BC_END_IF)
			return 0;
		if (op == VIR0_BC_ELSE && (!depth || partner != VIR0_BC_END_IF ||
					   bc->insns[stack[depth - 1]].word[3] != at))
			return 0;
		if (op == VIR0_BC_END_IF || op == VIR0_BC_END_LOOP) {
			unsigned opener = op == VIR0_BC_END_IF ? VIR0_BC_IF : VIR0_BC_LOOP;
			if (!depth || imm != stack[depth - 1] || partner != opener)
				return 0;
			depth--;
		}
		if (op == VIR0_BC_END_LOOP && bc->insns[imm].word[3] != at)
			return 0;
	}
	return depth == 0;
}

/* One random change: a bit, a whole word, a small step of a field, or a
 * header count. */
static void mutate(struct vir0_bytecode *bc, uint32_t ninsns)
{
	struct vir0_insn *i = &bc->insns[next_random() % ninsns];
	uint32_t *word = &i->word[next_random() % 4];
	switch (next_random() % 6) {
	case 0: *word ^= 1u << (next_random() % 32); break;
	case 1: *word = next_random(); break;
	case 2: *word += next_random() % 2 ? 1 : 0xFFFFu; break;
	case 3: *word += next_random() % 2 ? 0x10000u : 0xFFFF0000u; break;
	case 4: bc->nregs = next_random() % (bc->nregs + 2); break;
	default: bc->max_nesting = next_random() % (bc->max_nesting + 2); break;
	}
}

START_TEST(mutations_never_crash_nor_pass_broken_code)
{
	vir0_program *p = fixture_example(fixture_example_names[_i]);
	struct vir0_bytecode *base = fixture_lower(p);
	vir0_program_free(p);
	unsigned accepted = 0, refused = 0;
	rng_state = 0x9E3779B97F4A7C15ull + (uint64_t)_i;
	for (int round = 0; round < 4000; round++) {
		struct vir0_bytecode *bc = fixture_bytecode_copy(base);
		struct vir0_error err;
		int changes = 1 + (int)(next_random() % 3);
		for (int k = 0; k < changes; k++)
			mutate(bc, base->ninsns);
		char *listing = NULL;
		ck_assert_int_eq(vir0_bytecode_print(bc, &listing), VIR0_OK);
		int rc = vir0_bytecode_verify(bc, &err);
		ck_assert_msg(rc == VIR0_OK || rc == VIR0_EINVALID, "round %d: %s", round,
			      vir0_status_name(rc));
		if (rc == VIR0_OK)
			ck_assert_msg(structurally_valid(bc), "%s round %d: accepted broken "
				      "bytecode\n%s", fixture_example_names[_i], round, listing);
		accepted += rc == VIR0_OK;
		refused += rc != VIR0_OK;
		free(listing);
		vir0_bytecode_free(bc);
	}
	ck_assert_uint_gt(refused, 2000);
	ck_assert_uint_gt(accepted, 0);
	vir0_bytecode_free(base);
}
END_TEST

static Suite *bytecode_fuzz_suite(void)
{
	Suite *s = suite_create("bytecode_fuzz");
	TCase *tc = tcase_create("mutations");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, mutations_never_crash_nor_pass_broken_code, 0,
			    fixture_example_count);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(bytecode_fuzz_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
