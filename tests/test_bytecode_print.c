/* test_bytecode_print.c - vir0_bytecode_print (doc/bytecode.md,
 * "Listing"): the exact lines of a small example, the spelling of every
 * opcode, listings of corrupt bytecode, and argument errors of the
 * bytecode calls. */
#include "vir0.h"

#include "bytecode.h"
#include "bytecode_fixtures.h"
#include "fixtures.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(listing_of_an_example)
{
	vir0_program *p = fixture_example("vector_add");
	struct vir0_bytecode *bc = fixture_lower(p);
	char *text = NULL;
	ck_assert_int_eq(vir0_bytecode_print(bc, &text), VIR0_OK);
	static const char *const lines[] = {
		"; 10 instructions, 3 registers, nesting 1, flags\n",
		"; workgroup 64 1 1\n",
		"; buf2: u32[0] read_write output\n",
		"     0  id.u32 r0 = invocation_id.x\n",
		"     3  if.bool r1 -> 8\n",
		"     4    load.u32 r1 = buf0[r0]\n",
		"     6    binop.u32 r1 = add r1, r2\n",
		"     7    store.u32 buf2[r0] = r1\n",
		"     8  end_if <- 3\n",
		"     9  halt\n",
	};
	for (unsigned k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
		ck_assert_msg(strstr(text, lines[k]), "'%s' missing from\n%s", lines[k], text);
	free(text);
	/* Unknown opcodes and missing registers still print. */
	bc->insns[2] = vir0_insn_make(99, 0, 1, 2, 3, 4, 5, 6);
	bc->insns[4].word[0] |= 0xFFFFu << 16;
	ck_assert_int_eq(vir0_bytecode_print(bc, &text), VIR0_OK);
	ck_assert_ptr_nonnull(strstr(text, "op99 [0x00010063 0x00030002 0x00050004 0x00000006]"));
	ck_assert_ptr_nonnull(strstr(text, "load.u32 r- = buf0[r0]"));
	free(text);
	vir0_bytecode_free(bc);
	vir0_program_free(p);
}
END_TEST

START_TEST(every_opcode_spelled)
{
	static const char *const spellings[] = {
		"flags barrier workgroup_memory atomics return\n",
		"; buf5: i32[8] workgroup\n", " = workgroup_id.y\n", " = local_id.z\n",
		" = 1.5 (0x3fc00000)\n", " = -3\n", " = true\n", " = len buf0\n",
		" = negate r", " = cast<i32> r", " = fma r", "select.f32 r",
		" = atomic_add buf5[r", " = atomic_compare_exchange buf1[r", "  else -> ",
		"  return\n", "  barrier\n", "loop.i32 r", "end_loop.i32 r", " = popcount r",
		"mov.u32 r", "if.u32 r", "store.bool buf4[r",
	};
	size_t size;
	char *text = (char *)fixture_read("tests/bytecode/every_kind.vir0s", &size);
	struct vir0_bytecode *bc = fixture_lower_text(text);
	free(text);
	ck_assert_int_eq(vir0_bytecode_print(bc, &text), VIR0_OK);
	for (unsigned k = 0; k < sizeof(spellings) / sizeof(spellings[0]); k++)
		ck_assert_msg(strstr(text, spellings[k]), "'%s' missing from\n%s", spellings[k],
			      text);
	free(text);
	vir0_bytecode_free(bc);
}
END_TEST

START_TEST(bad_arguments)
{
	struct vir0_error err;
	struct vir0_bytecode *bc = NULL;
	char *text = NULL;
	vir0_program *p = vir0_program_new();
	ck_assert_int_eq(vir0_lower(NULL, &bc, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_lower(p, NULL, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_bytecode_verify(NULL, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_bytecode_print(NULL, &text), VIR0_EARG);
	ck_assert_ptr_null(text);
	vir0_bytecode_free(NULL);
	vir0_program_free(p);
}
END_TEST

static Suite *bytecode_print_suite(void)
{
	Suite *s = suite_create("bytecode_print");
	TCase *tc = tcase_create("print");
	tcase_add_test(tc, listing_of_an_example);
	tcase_add_test(tc, every_opcode_spelled);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(bytecode_print_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
