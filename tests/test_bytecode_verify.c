/* test_bytecode_verify.c - vir0_bytecode_verify (doc/bytecode.md, "The
 * verifier"): a table of hand-corrupted copies of one lowered program,
 * each refused with its own message naming the instruction and what is
 * wrong. */
#include "vir0.h"

#include "bytecode.h"
#include "bytecode_fixtures.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The program every corruption starts from; its listing:
 *   0 id r0 = invocation_id.x    10 const r4 = 0
 *   1 buf_len r1 = len buf1      11 mov r3 = r1
 *   2 binop r2 = lt r0, r1       12 loop r2 = r4 .. r3 -> 18
 *   3 if r2 -> 6                 13   const r5 = 0
 *   4   load r2 = buf0[r0]       14   const.i32 r6 = 1
 *   5   store buf1[r0] = r2      15   atomic r4 = atomic_add buf3[r5], r6
 *   6 else -> 8                  16   cast r5 = cast<f32> r2
 *   7   return                   17   store.f32 buf2[r2] = r5
 *   8 end_if <- 3                18 end_loop r2 .. r3 <- 12
 *   9 barrier                    19 halt
 * (7 registers; buffers: 0 u32 read, 1 u32 read_write output, 2 f32
 * read_write, 3 i32[4] read_write.) */
static const char base_text[] =
	"workgroup 8 1 1\n"
	"buffer ro u32[0] read\n"
	"buffer out u32[0] read_write output\n"
	"buffer fo f32[0] read_write\n"
	"buffer cnt i32[4] read_write\n"
	"let i = gid.x\n"
	"let n = len(out)\n"
	"if i < n { store out[i] = ro[i] } else { return }\n"
	"barrier\n"
	"loop k = 0u .. n {\n"
	"	let old = atomic_add(cnt[0u], 1i)\n"
	"	store fo[k] = cast<f32>(k)\n"
	"}\n";

/* As written: the listing above, constants left in the loop. */
static struct vir0_bytecode *lower_base(void)
{
	struct vir0_bytecode *bc = fixture_lower_text_as_written(base_text);
	ck_assert_uint_eq(bc->ninsns, 20);
	ck_assert_uint_eq(bc->nregs, 7);
	ck_assert_uint_eq(vir0_insn_op(&bc->insns[12]), VIR0_BC_LOOP);
	ck_assert_uint_eq(vir0_insn_op(&bc->insns[15]), VIR0_BC_ATOMIC);
	return bc;
}

/* Field setters for the corruptions. */
static void set_op(struct vir0_insn *i, unsigned op)
{
	i->word[0] = (i->word[0] & ~0xFFu) | op;
}

static void set_type(struct vir0_insn *i, unsigned t)
{
	i->word[0] = (i->word[0] & ~0xFF00u) | t << 8;
}

static void set_dst(struct vir0_insn *i, unsigned r)
{
	i->word[0] = (i->word[0] & 0xFFFFu) | r << 16;
}

static void set_a(struct vir0_insn *i, unsigned r)
{
	i->word[1] = (i->word[1] & ~0xFFFFu) | r;
}

static void set_b(struct vir0_insn *i, unsigned r)
{
	i->word[1] = (i->word[1] & 0xFFFFu) | r << 16;
}

static void set_c(struct vir0_insn *i, unsigned r)
{
	i->word[2] = (i->word[2] & ~0xFFFFu) | r;
}

static void set_aux(struct vir0_insn *i, unsigned x)
{
	i->word[2] = (i->word[2] & 0xFFFFu) | x << 16;
}

static void set_imm(struct vir0_insn *i, uint32_t x)
{
	i->word[3] = x;
}

static struct vir0_insn control(unsigned op, uint32_t imm)
{
	return vir0_insn_make(op, 0, VIR0_BC_NO_REG, VIR0_BC_NO_REG, VIR0_BC_NO_REG,
			      VIR0_BC_NO_REG, 0, imm);
}

/* The corruptions, each applied to a fresh copy of the base program. */
#define CORRUPTION(name) static void name(struct vir0_bytecode *bc)
CORRUPTION(opcode_0) { set_op(&bc->insns[0], 0); }
CORRUPTION(opcode_21) { set_op(&bc->insns[1], 21); }
CORRUPTION(register_out_of_range) { set_a(&bc->insns[4], 7); }
CORRUPTION(register_missing) { set_b(&bc->insns[2], VIR0_BC_NO_REG); }
CORRUPTION(unused_register_set) { set_dst(&bc->insns[5], 0); }
CORRUPTION(unused_imm_set) { set_imm(&bc->insns[2], 5); }
CORRUPTION(unused_type_set) { set_type(&bc->insns[6], 1); }
CORRUPTION(unused_aux_set) { set_aux(&bc->insns[11], 1); }
CORRUPTION(not_a_value_type) { set_type(&bc->insns[11], VIR0_TYPE_BYTES); }
CORRUPTION(binop_not_core) { set_aux(&bc->insns[2], VIR0_BIN_SHUFFLE); }
CORRUPTION(binop_operand_type)
{
	set_aux(&bc->insns[2], VIR0_BIN_SHL);
	set_type(&bc->insns[2], VIR0_TYPE_F32);
}
CORRUPTION(unop_not_core)
{
	set_op(&bc->insns[16], VIR0_BC_UNOP);
	set_type(&bc->insns[16], VIR0_TYPE_F32);
	set_aux(&bc->insns[16], VIR0_UN_COS);
}
CORRUPTION(cast_target) { set_aux(&bc->insns[16], VIR0_TYPE_U64); }
CORRUPTION(id_axis) { set_imm(&bc->insns[0], 3); }
CORRUPTION(id_kind) { set_aux(&bc->insns[0], 3); }
CORRUPTION(buffer_out_of_range) { set_aux(&bc->insns[4], 4); }
CORRUPTION(buf_len_buffer_out_of_range) { set_aux(&bc->insns[1], 9); }
CORRUPTION(load_type) { set_type(&bc->insns[4], VIR0_TYPE_I32); }
CORRUPTION(store_to_read_only) { set_aux(&bc->insns[5], 0); }
CORRUPTION(atomic_on_uniform) { bc->buffers[3].access = VIR0_ACCESS_UNIFORM; }
CORRUPTION(atomic_on_f32) { set_aux(&bc->insns[15], 2); set_type(&bc->insns[15], VIR0_TYPE_F32); }
CORRUPTION(atomic_op_not_core) { set_imm(&bc->insns[15], VIR0_ATOMIC_COMPARE_EXCHANGE_WEAK); }
CORRUPTION(atomic_expected_missing) { set_imm(&bc->insns[15], VIR0_ATOMIC_COMPARE_EXCHANGE); }
CORRUPTION(atomic_expected_extra) { set_c(&bc->insns[15], 1); }
CORRUPTION(fma_type)
{
	bc->insns[16] = vir0_insn_make(VIR0_BC_FMA, VIR0_TYPE_U32, 5, 2, 2, 2, 0, 0);
}
CORRUPTION(if_condition_type) { set_type(&bc->insns[3], VIR0_TYPE_F32); }
CORRUPTION(loop_type)
{
	set_type(&bc->insns[12], VIR0_TYPE_F32);
	set_type(&bc->insns[18], VIR0_TYPE_F32);
}
CORRUPTION(if_jump_out_of_range) { set_imm(&bc->insns[3], 100); }
CORRUPTION(end_if_jump_forward) { set_imm(&bc->insns[8], 9); }
CORRUPTION(if_skips_its_else) { set_imm(&bc->insns[3], 8); }
CORRUPTION(end_if_names_another_if) { set_imm(&bc->insns[8], 2); }
CORRUPTION(loop_points_short) { set_imm(&bc->insns[12], 17); }
CORRUPTION(end_loop_names_another_loop) { set_imm(&bc->insns[18], 11); }
CORRUPTION(end_if_closes_a_loop) { bc->insns[18] = control(VIR0_BC_END_IF, 12); }
CORRUPTION(end_loop_closes_an_if)
{
	bc->insns[8] = vir0_insn_make(VIR0_BC_END_LOOP, VIR0_TYPE_U32, 2,
					VIR0_BC_NO_REG, 3, VIR0_BC_NO_REG, 0, 3);
}
CORRUPTION(else_without_if) { bc->insns[9] = control(VIR0_BC_ELSE, 10); }
CORRUPTION(second_else) { bc->insns[7] = control(VIR0_BC_ELSE, 8); }
CORRUPTION(loop_left_open) { bc->insns[18] = control(VIR0_BC_BARRIER, 0); }
CORRUPTION(missing_halt) { bc->insns[19] = control(VIR0_BC_BARRIER, 0); }
CORRUPTION(early_halt) { bc->insns[9] = control(VIR0_BC_HALT, 0); }
CORRUPTION(loop_variable_written) { set_dst(&bc->insns[16], 2); }
CORRUPTION(loop_bound_written) { set_dst(&bc->insns[13], 3); }
CORRUPTION(loop_variable_is_bound) { set_b(&bc->insns[12], 2); set_b(&bc->insns[18], 2); }
CORRUPTION(end_loop_repeats_wrongly) { set_b(&bc->insns[18], 4); }
CORRUPTION(nesting_over_max_nesting) { bc->max_nesting = 0; }
CORRUPTION(barrier_flag_missing) { bc->flags &= ~(uint32_t)VIR0_BC_HAS_BARRIER; }
CORRUPTION(return_flag_missing) { bc->flags &= ~(uint32_t)VIR0_BC_HAS_RETURN; }
CORRUPTION(atomics_flag_missing) { bc->flags &= ~(uint32_t)VIR0_BC_HAS_ATOMICS; }
CORRUPTION(no_instructions) { bc->ninsns = 0; }
CORRUPTION(too_many_registers) { bc->nregs = 0x10000; }
CORRUPTION(max_nesting_too_large) { bc->max_nesting = 11; }
CORRUPTION(unknown_flag) { bc->flags |= 0x100; }
CORRUPTION(workgroup_size_0) { bc->workgroup_size[1] = 0; }
CORRUPTION(workgroup_size_overflow) { bc->workgroup_size[0] = bc->workgroup_size[1] = 65536; }
CORRUPTION(buffer_element) { bc->buffers[0].element = VIR0_TYPE_U64; }
CORRUPTION(buffer_access) { bc->buffers[0].access = 4; }
CORRUPTION(read_only_output) { bc->buffers[0].is_output = 1; }
CORRUPTION(workgroup_count_0)
{
	bc->buffers[3].access = VIR0_ACCESS_WORKGROUP;
	bc->buffers[3].count = 0;
	bc->flags |= VIR0_BC_HAS_WORKGROUP_MEMORY;
}
CORRUPTION(workgroup_flag_missing) { bc->buffers[3].access = VIR0_ACCESS_WORKGROUP; }
CORRUPTION(too_many_buffers) { bc->nbuffers = VIR0_BC_MAX_BUFFERS + 1; }

static const struct {
	void (*corrupt)(struct vir0_bytecode *bc);
	const char *message;   /* what the error message starts with */
} corruptions[] = {
	{ opcode_0,
	  "instruction 0 (unknown opcode): unknown opcode 0" },
	{ opcode_21,
	  "instruction 1 (unknown opcode): unknown opcode 21" },
	{ register_out_of_range,
	  "instruction 4 (load): register r7 in field a is out of range (nregs 7)" },
	{ register_missing,
	  "instruction 2 (binop): field b needs a register but holds 0xFFFF" },
	{ unused_register_set,
	  "instruction 5 (store): field dst is unused and must hold 0xFFFF, not 0" },
	{ unused_imm_set,
	  "instruction 2 (binop): field imm is unused and must be 0, not 5" },
	{ unused_type_set,
	  "instruction 6 (else): field type is unused and must be 0, not 1" },
	{ unused_aux_set,
	  "instruction 11 (mov): field aux is unused and must be 0, not 1" },
	{ not_a_value_type,
	  "instruction 11 (mov): type 0x07 is not a value type" },
	{ binop_not_core,
	  "instruction 2 (binop): binary operator code 0x19 is not a core operator" },
	{ binop_operand_type,
	  "instruction 2 (binop): operator shl does not take f32 operands" },
	{ unop_not_core,
	  "instruction 16 (unop): unary operator code 0x8 is not a core operator" },
	{ cast_target,
	  "instruction 16 (cast): cast target (aux) 0x03 is not a value type" },
	{ id_axis,
	  "instruction 0 (id): id axis (imm) 3; the axes are 0-2" },
	{ id_kind,
	  "instruction 0 (id): id kind (aux) 3; the kinds are 0-2" },
	{ buffer_out_of_range,
	  "instruction 4 (load): buffer 4 is out of range (nbuffers 4)" },
	{ buf_len_buffer_out_of_range,
	  "instruction 1 (buf_len): buffer 9 is out of range" },
	{ load_type,
	  "instruction 4 (load): type is i32 but must be u32" },
	{ store_to_read_only,
	  "instruction 5 (store): store to buffer 0, which is read; only read_write and "
	  "workgroup buffers take a store" },
	{ atomic_on_uniform,
	  "instruction 15 (atomic): atomic to buffer 3, which is uniform" },
	{ atomic_on_f32,
	  "instruction 15 (atomic): atomic on buffer 2 of f32 elements; atomics need u32 or i32" },
	{ atomic_op_not_core,
	  "instruction 15 (atomic): atomic operator code 0x9 is not a core operator" },
	{ atomic_expected_missing,
	  "instruction 15 (atomic): atomic compare_exchange needs an expected value" },
	{ atomic_expected_extra,
	  "instruction 15 (atomic): atomic add takes no expected value, but field c holds r1" },
	{ fma_type,
	  "instruction 16 (fma): type is u32 but must be f32" },
	{ if_condition_type,
	  "instruction 3 (if): condition type is f32 but must be bool or u32" },
	{ loop_type,
	  "instruction 12 (loop): loop type is f32 but must be u32 or i32" },
	{ if_jump_out_of_range,
	  "instruction 3 (if): partner index 100 is out of range: it must point forward, to "
	  "4..19" },
	{ end_if_jump_forward,
	  "instruction 8 (end_if): partner index 9 is out of range: it must point back, below 8" },
	{ if_skips_its_else,
	  "instruction 6 (else): the if at 3 points at 8, not here" },
	{ end_if_names_another_if,
	  "instruction 8 (end_if): points at 2 but closes the if at 3" },
	{ loop_points_short,
	  "instruction 18 (end_loop): the loop at 12 points at 17, not here" },
	{ end_loop_names_another_loop,
	  "instruction 18 (end_loop): points at 11 but closes the loop at 12" },
	{ end_if_closes_a_loop,
	  "instruction 18 (end_if): the innermost open block is the loop at 12, not an if" },
	{ end_loop_closes_an_if,
	  "instruction 8 (end_loop): the innermost open block is the if at 3, not a loop" },
	{ else_without_if,
	  "instruction 9 (else): there is no open block to match; it needs an if" },
	{ second_else,
	  "instruction 7 (else): a second else for the if at 3 (the first is at 6)" },
	{ loop_left_open,
	  "instruction 19 (halt): the loop at 12 is still open at halt" },
	{ missing_halt,
	  "instruction 19 (barrier): the last instruction must be halt" },
	{ early_halt,
	  "instruction 9 (halt): halt before the last instruction (19)" },
	{ loop_variable_written,
	  "instruction 16 (cast): writes r2, the variable or bound of the loop at 12, inside "
	  "that loop" },
	{ loop_bound_written,
	  "instruction 13 (const): writes r3, the variable or bound of the loop at 12, inside "
	  "that loop" },
	{ loop_variable_is_bound,
	  "instruction 12 (loop): the loop variable r2 is also its bound" },
	{ end_loop_repeats_wrongly,
	  "instruction 18 (end_loop): dst, b and type must repeat those of the loop at 12 (r2, "
	  "r3, u32)" },
	{ nesting_over_max_nesting,
	  "instruction 3 (if): nesting deeper than max_nesting 0" },
	{ barrier_flag_missing,
	  "instruction 9 (barrier): the header flag HAS_BARRIER is not set" },
	{ return_flag_missing,
	  "instruction 7 (return): the header flag HAS_RETURN is not set" },
	{ atomics_flag_missing,
	  "instruction 15 (atomic): the header flag HAS_ATOMICS is not set" },
	{ no_instructions,
	  "bytecode header: no instructions; every program ends with HALT" },
	{ too_many_registers,
	  "bytecode header: nregs 65536 (at most 65535" },
	{ max_nesting_too_large,
	  "bytecode header: max_nesting 11 is deeper than 20 instructions can nest" },
	{ unknown_flag,
	  "bytecode header: unknown flag bits 0x100" },
	{ workgroup_size_0,
	  "bytecode header: workgroup size 8 x 0 x 1" },
	{ workgroup_size_overflow,
	  "bytecode header: workgroup size 65536 x 65536 x 1" },
	{ buffer_element,
	  "bytecode header: buffer 0 has element type 0x03, which is not a core element type" },
	{ buffer_access,
	  "bytecode header: buffer 0 has access 4; the access modes are 0-3" },
	{ read_only_output,
	  "bytecode header: buffer 0 has is_output 1; only read_write buffers may be outputs" },
	{ workgroup_count_0,
	  "bytecode header: workgroup buffer 3 has count 0" },
	{ workgroup_flag_missing,
	  "bytecode header: buffer 3 is a workgroup buffer but HAS_WORKGROUP_MEMORY is not set" },
	{ too_many_buffers,
	  "bytecode header: 65537 buffers (at most 65536" },
};

/* The message corruption `k` gets, in `message`. */
static void refuse(unsigned k, char *message, size_t size)
{
	struct vir0_bytecode *base = lower_base(), *bc = fixture_bytecode_copy(base);
	struct vir0_error err;
	ck_assert_int_eq(vir0_bytecode_verify(base, &err), VIR0_OK);
	uint32_t nbuffers = bc->nbuffers;
	corruptions[k].corrupt(bc);
	int rc = vir0_bytecode_verify(bc, &err);
	bc->nbuffers = nbuffers; /* the listing reads the real table */
	char *listing = NULL;
	vir0_bytecode_print(bc, &listing);
	ck_assert_msg(rc == VIR0_EINVALID, "corruption %u accepted (%s)\n%s", k,
		      vir0_status_name(rc), listing);
	ck_assert_msg(strncmp(err.message, corruptions[k].message,
			      strlen(corruptions[k].message)) == 0,
		      "corruption %u:\n got  '%s'\n want '%s...'\n%s", k, err.message,
		      corruptions[k].message, listing);
	unsigned at;
	if (sscanf(err.message, "instruction %u", &at) == 1)
		ck_assert_uint_eq(err.offset, (size_t)at * sizeof(struct vir0_insn));
	snprintf(message, size, "%s", err.message);
	free(listing);
	vir0_bytecode_free(bc);
	vir0_bytecode_free(base);
}

START_TEST(corruption_refused)
{
	char message[VIR0_ERROR_MESSAGE_MAX];
	refuse((unsigned)_i, message, sizeof(message));
}
END_TEST

START_TEST(corruption_messages_distinct)
{
	enum { N = sizeof(corruptions) / sizeof(corruptions[0]) };
	static char messages[N][VIR0_ERROR_MESSAGE_MAX];
	for (unsigned k = 0; k < N; k++) {
		refuse(k, messages[k], sizeof(messages[k]));
		for (unsigned j = 0; j < k; j++)
			ck_assert_msg(strcmp(messages[j], messages[k]) != 0,
				      "corruptions %u and %u share '%s'", j, k, messages[k]);
	}
}
END_TEST

static Suite *bytecode_verify_suite(void)
{
	Suite *s = suite_create("bytecode_verify");
	TCase *tc = tcase_create("verify");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, corruption_refused, 0,
			    sizeof(corruptions) / sizeof(corruptions[0]));
	tcase_add_test(tc, corruption_messages_distinct);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(bytecode_verify_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
