/* test_text.c - the .vir0s text form (doc/vir0s-text.md): every example
 * assembles, validates and round-trips; each syntax form parses to the
 * right tree; errors carry the right code, line and column; names tables. */
#include "vir0.h"

#include "fixtures.h"
#include "names.h"
#include "text_round_trip.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const examples[] = {
	"vector_add", "saxpy", "reduction_atomic", "histogram", "dfa_scan",
	"prefix_sum", "matmul_tiled",
};

START_TEST(example_assembles_validates_and_round_trips)
{
	char rel[128];
	size_t size;
	struct vir0_error err;
	snprintf(rel, sizeof(rel), "examples/%s.vir0s", examples[_i]);
	char *text = (char *)fixture_read(rel, &size);
	vir0_program *p = NULL;
	int rc = vir0_assemble(text, size, &p, &err);
	ck_assert_msg(rc == VIR0_OK, "%s:%u:%u: %s", rel, err.line, err.column, err.message);
	rc = vir0_validate(p, &err);
	ck_assert_msg(rc == VIR0_OK, "%s: %s: %s", rel, err.path, err.message);
	ck_assert_msg(p->nbuffers > 0 && p->body.count > 0, "%s is empty", rel);
	text_round_trip(p);
	vir0_program_free(p);
	free(text);
}
END_TEST

/* Snippets that must parse and survive dis -> asm -> dis unchanged. */
static const char *const snippets[] = {
	"let x = 5u",
	"entry saxpy\nworkgroup 8 4 2\n",
	"entry \"vyre.op.saxpy\"",
	"buffer a u32[0] read\nbuffer b i32[16] read_write output\n"
	"buffer c f32[4] uniform binding 9\nbuffer d bool[2] workgroup",
	"attach \"provenance\" x\"00ff10\"\nattach empty x\"\"",
	"buffer t vec<vec<u32, 2>, 4>[1] read\nbuffer q quantized<i8, per_channel 1, absent>[1] read\n"
	"buffer r quantized<nf4, per_group 128, per_group 64>[1] read\n"
	"buffer s tensor_shaped<f32, 2, 3>[1] read\nbuffer u tensor_shaped<f32>[1] read\n"
	"buffer v sparse_bsr<f16, 8, 4>[1] read\nbuffer w device_mesh<4, 8, 16>[1] read\n"
	"buffer m device_mesh<>[1] read\nbuffer h handle<0xdeadbeef>[1] read\n"
	"buffer o opaque<0x80000001>[1] read\nbuffer y array<12>[1] read\n"
	"buffer z sparse_csr<bf16>[1] read\nbuffer k sparse_coo<i64>[1] read",
	"let a = 1u + 2u * 3u - (4u - 5u) / 6u % 7u",
	"let b = !(1u < 2u) || 3u >= 4u && (5u | 6u ^ 7u & 8u) != 0u << 2u >> 1u",
	"let c = -5i * -(3i) - -2147483648i + 2147483647i",
	"let d = --(5i) + ~(~(7u)) + -x",
	"let e = 0.1f + 1e+10f + -2.5e-05f + 3.0f + f32:0x7fc00000 + f32:0x7f800000 + "
	"f32:0x80000000 + f32:0x00000001",
	"let f = true == false",
	"let g = gid.x + gid.y + gid.z + wgid.x + wgid.y + wgid.z + lid.x + lid.y + lid.z",
	"buffer y u32[0] read_write\nlet h = y[y[0u]] + len(y)",
	"let i = abs_diff(1u, 2u) + min(3u, 4u) + max(5u, 6u) + saturating_add(1u, 2u) + "
	"saturating_sub(1u, 2u) + saturating_mul(1u, 2u) + shuffle(1u, 2u) + ballot(1u, 2u) + "
	"wave_reduce(1u, 2u) + wave_broadcast(1u, 2u) + rotate_left(1u, 2u) + "
	"rotate_right(1u, 2u) + wrapping_add(1u, 2u) + wrapping_sub(1u, 2u) + mul_high(1u, 2u)",
	"let j = popcount(1u) + clz(1u) + ctz(1u) + reverse_bits(1u) + cos(1.0f) + sin(1.0f) + "
	"abs(1.0f) + sqrt(1.0f) + floor(1.0f) + ceil(1.0f) + round(1.0f) + trunc(1.0f) + "
	"sign(1.0f) + is_nan(1.0f) + is_inf(1.0f) + is_finite(1.0f) + exp(1.0f) + log(1.0f) + "
	"log2(1.0f) + exp2(1.0f) + tan(1.0f) + acos(1.0f) + asin(1.0f) + atan(1.0f) + "
	"tanh(1.0f) + sinh(1.0f) + cosh(1.0f) + inverse_sqrt(1.0f) + unpack4_low(1u) + "
	"unpack4_high(1u) + unpack8_low(1u) + unpack8_high(1u) + reciprocal(1.0f)",
	"let k = select(true, cast<i32>(1u), cast<vec<f32, 4>>(2u)) + fma(1.0f, 2.0f, 3.0f)",
	"buffer c u32[1] read_write\nlet l = atomic_add(c[0u], 1u) + atomic_or(c[0u], 1u) + "
	"atomic_and(c[0u], 1u) + atomic_xor(c[0u], 1u) + atomic_min(c[0u], 1u) + "
	"atomic_max(c[0u], 1u) + atomic_exchange(c[0u], 1u) + "
	"atomic_compare_exchange(c[0u], 0u, 1u) + atomic_compare_exchange_weak<relaxed>(c[0u], 0u, 1u) + "
	"atomic_fetch_nand<acquire>(c[0u], 1u) + atomic_lru_update<release>(c[0u], 1u) + "
	"atomic_add<acq_rel>(c[0u], 0u, 1u) + opaque_atomic<0x80000003>(c[0u], 1u) + "
	"opaque_atomic<0x80000004, grid_sync>(c[0u], 2u, 3u)",
	"let m = opaque_binop<0x80000001>(1u, 2u) + opaque_unop<0x80000002>(3u)",
	"let n = call \"vyre.op\"(1u, 2u) + call noargs() + opaque(\"ext.kind\", x\"deadbeef\") + "
	"opaque(k, x\"\")",
	"let o = subgroup_add(1u) + subgroup_shuffle(2u, 3u) + subgroup_ballot(true) + "
	"subgroup_local_id() + subgroup_size()",
	"let p = 1u\np = 2u\n\"odd \\\"name\\\"\\n\\t\\x01\" = 3u\n\"if\" = 4u\n\"min\" = 5u\n\"\" = 6u",
	"let \"ünïcode ✓\" = 1u",
	"buffer b u32[4] read_write\nstore b[0u] = 1u",
	"if 1u { let x = 1u } else { let y = 2u }",
	"if 1u { return } else if 2u { return } else if 3u { } else { barrier }",
	"if true {\n} else {\n\tif false { }\n\tlet z = 1u\n}",
	"loop i = 0u .. 16u { loop j = i .. 16u { barrier } }",
	"block { block { } }",
	"barrier\nbarrier relaxed\nbarrier acquire\nbarrier release\nbarrier acq_rel\n"
	"barrier grid_sync",
	"region gen { let x = 1u }\nregion gen2 from \"src region\" { }",
	"indirect_dispatch counts 0\nindirect_dispatch counts 18446744073709551615",
	"async_load src to dst offset 0u size 16u tag t1\n"
	"async_store dst to src offset 1u + 2u size 4u tag t2\nasync_wait t1",
	"trap 0u tag boom\nresume boom",
	"all_reduce b sum group 0\nall_reduce b min group 1\nall_reduce b max group 2\n"
	"all_reduce b bit_and group 3\nall_reduce b bit_or group 4\nall_reduce b bit_xor group 5",
	"all_gather a to b group 7\nreduce_scatter a to b bit_xor group 4294967295\n"
	"broadcast b root 3 group 0",
	"opaque \"ext.node\" x\"0102\"\nopaque k x\"\"",
	"return",
	"",
};

START_TEST(snippet_round_trips)
{
	vir0_program *p = text_must_assemble(snippets[_i]);
	text_round_trip(p);
	vir0_program_free(p);
}
END_TEST

/* The disassembler's spelling of a few snippets, exactly. */
static const struct {
	const char *in, *out;
} canonical[] = {
	{ "let x=(1+2)*3", "workgroup 1 1 1\n\nlet x = (1u + 2u) * 3u\n" },
	{ "let x = 1 - (2 - 3) - 4", "workgroup 1 1 1\n\nlet x = 1u - (2u - 3u) - 4u\n" },
	{ "let x = (1 < 2) == (3 > 4)", "workgroup 1 1 1\n\nlet x = 1u < 2u == 3u > 4u\n" },
	{ "let x = -(1 + 2) * -(3i)", "workgroup 1 1 1\n\nlet x = -(1u + 2u) * -(3i)\n" },
	{ "let x = 1.5; let y = 0.1f; let z = 100.0; let w = 1e20",
	  "workgroup 1 1 1\n\nlet x = 1.5f\nlet y = 0.1f\nlet z = 100.0f\nlet w = 1e+20f\n" },
	{ "let x = 0xffu + 0x10i", "workgroup 1 1 1\n\nlet x = 255u + 16i\n" },
	{ "buffer b u32[0] read_write output binding 0\nbarrier seq_cst\n"
	  "let v = atomic_add<seq_cst>(b[0], 1)",
	  "workgroup 1 1 1\nbuffer b u32[0] read_write output\n\nbarrier\n"
	  "let v = atomic_add(b[0u], 1u)\n" },
	{ "if a { return } else { if b { return } }",
	  "workgroup 1 1 1\n\nif a {\n\treturn\n} else if b {\n\treturn\n}\n" },
	{ "let \"a b\" = \"let\"", "workgroup 1 1 1\n\nlet \"a b\" = \"let\"\n" },
};

START_TEST(disassembly_is_canonical)
{
	vir0_program *p = text_must_assemble(canonical[_i].in);
	char *text = NULL;
	struct vir0_error err;
	ck_assert_int_eq(vir0_disassemble(p, &text, &err), VIR0_OK);
	ck_assert_str_eq(text, canonical[_i].out);
	free(text);
	vir0_program_free(p);
}
END_TEST

static const struct vir0_expr *let_value(const vir0_program *p, uint32_t i)
{
	ck_assert_uint_gt(p->body.count, i);
	ck_assert_int_eq(p->body.items[i]->kind, VIR0_NODE_LET);
	return p->body.items[i]->value[0];
}

START_TEST(infix_follows_c_precedence)
{
	vir0_program *p = text_must_assemble("let x = 1 + 2 * 3 == 7 && !b || c\n"
					     "let y = a - b - c\nlet z = a << 1 + 2");
	const struct vir0_expr *e = let_value(p, 0);
	ck_assert_int_eq(e->op, VIR0_BIN_OR);
	ck_assert_int_eq(e->arg[0]->op, VIR0_BIN_AND);
	ck_assert_int_eq(e->arg[0]->arg[0]->op, VIR0_BIN_EQ);
	ck_assert_int_eq(e->arg[0]->arg[0]->arg[0]->op, VIR0_BIN_ADD);
	ck_assert_int_eq(e->arg[0]->arg[0]->arg[0]->arg[1]->op, VIR0_BIN_MUL);
	ck_assert_int_eq(e->arg[0]->arg[1]->kind, VIR0_EXPR_UNOP);
	ck_assert_int_eq(e->arg[0]->arg[1]->op, VIR0_UN_LOGICAL_NOT);
	e = let_value(p, 1); /* (a - b) - c */
	ck_assert_int_eq(e->op, VIR0_BIN_SUB);
	ck_assert_int_eq(e->arg[0]->kind, VIR0_EXPR_BINOP);
	ck_assert_int_eq(e->arg[1]->kind, VIR0_EXPR_VAR);
	e = let_value(p, 2); /* a << (1 + 2) */
	ck_assert_int_eq(e->op, VIR0_BIN_SHL);
	ck_assert_int_eq(e->arg[1]->op, VIR0_BIN_ADD);
	vir0_program_free(p);
}
END_TEST

START_TEST(literals_are_exact)
{
	vir0_program *p = text_must_assemble(
		"let a = -2147483648i\nlet b = 4294967295u\nlet c = 0.1f\nlet d = -(3i)\n"
		"let e = f32:0x7fc00001\nlet f = 7\nlet g = 2.5\nlet h = 1.17549435e-38f\n"
		"let i = -0.5f\nlet j = true");
	ck_assert_int_eq(let_value(p, 0)->kind, VIR0_EXPR_LIT_I32);
	ck_assert_uint_eq(let_value(p, 0)->bits, 0x80000000u);
	ck_assert_uint_eq(let_value(p, 1)->bits, 0xffffffffu);
	ck_assert_int_eq(let_value(p, 2)->kind, VIR0_EXPR_LIT_F32);
	ck_assert_uint_eq(let_value(p, 2)->bits, 0x3dcccccdu);
	ck_assert_int_eq(let_value(p, 3)->kind, VIR0_EXPR_UNOP);
	ck_assert_uint_eq(let_value(p, 3)->arg[0]->bits, 3);
	ck_assert_uint_eq(let_value(p, 4)->bits, 0x7fc00001u);
	ck_assert_int_eq(let_value(p, 5)->kind, VIR0_EXPR_LIT_U32);
	ck_assert_int_eq(let_value(p, 6)->kind, VIR0_EXPR_LIT_F32);
	ck_assert_uint_eq(let_value(p, 6)->bits, 0x40200000u);
	ck_assert_uint_eq(let_value(p, 7)->bits, 0x00800000u); /* smallest normal */
	ck_assert_uint_eq(let_value(p, 8)->bits, 0xbf000000u);
	ck_assert_int_eq(let_value(p, 9)->kind, VIR0_EXPR_LIT_BOOL);
	ck_assert_uint_eq(let_value(p, 9)->bits, 1);
	text_round_trip(p);
	vir0_program_free(p);
}
END_TEST

START_TEST(every_f32_bit_pattern_class_round_trips)
{
	/* powers of two, their neighbours, and a spread of mantissas */
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	for (uint32_t exponent = 0; exponent < 256; exponent += 3) {
		for (uint32_t k = 0; k < 8; k++) {
			uint32_t mantissa = (k * 0x9e3779u) & 0x7fffffu;
			uint32_t bits = (k & 1) << 31 | exponent << 23 | mantissa;
			struct vir0_expr *lit = vir0_lit_u32(p, 0);
			ck_assert_ptr_nonnull(lit);
			lit->kind = VIR0_EXPR_LIT_F32;
			lit->bits = bits;
			ck_assert_int_eq(vir0_append(p, &p->body, vir0_let(p, "x", lit)), VIR0_OK);
		}
	}
	text_round_trip(p);
	vir0_program *q = text_reassemble(p);
	for (uint32_t i = 0; i < p->body.count; i++)
		ck_assert_uint_eq(q->body.items[i]->value[0]->bits,
				  p->body.items[i]->value[0]->bits);
	vir0_program_free(q);
	vir0_program_free(p);
}
END_TEST

START_TEST(declarations_fill_the_program)
{
	vir0_program *p = text_must_assemble(
		"entry \"vyre.x\"\nworkgroup 64 2 1\nbuffer a u8[0] read\n"
		"buffer \"b c\" f32[256] read_write output binding 5\nbuffer w u32[64] workgroup\n"
		"attach key x\"0aFF\"\nlet i = gid.x");
	ck_assert_str_eq(p->entry_op_id, "vyre.x");
	ck_assert_uint_eq(p->workgroup_size[0], 64);
	ck_assert_uint_eq(p->workgroup_size[1], 2);
	ck_assert_uint_eq(p->nbuffers, 3);
	ck_assert_str_eq(p->buffers[1].name, "b c");
	ck_assert_int_eq(p->buffers[1].element.kind, VIR0_TYPE_F32);
	ck_assert_uint_eq(p->buffers[1].count, 256);
	ck_assert_int_eq(p->buffers[1].access, VIR0_ACCESS_READ_WRITE);
	ck_assert_uint_eq(p->buffers[1].is_output, 1);
	ck_assert_uint_eq(p->buffers[1].binding, 5);
	ck_assert_uint_eq(p->buffers[2].binding, 2);
	ck_assert_int_eq(p->buffers[2].access, VIR0_ACCESS_WORKGROUP);
	ck_assert_uint_eq(p->nattachments, 1);
	ck_assert_uint_eq(p->attachments[0].size, 2);
	ck_assert_uint_eq(p->attachments[0].data[1], 0xff);
	ck_assert_uint_eq(p->body.count, 1);
	vir0_program_free(p);
}
END_TEST

START_TEST(statements_build_their_nodes)
{
	vir0_program *p = text_must_assemble(
		"buffer c u32[1] read_write\n"
		"if a { } else if b { return }\n"
		"let v = atomic_compare_exchange(c[0], 1, 2) + atomic_add<relaxed>(c[0], 3)\n"
		"barrier\nbarrier acquire; region g from s { let r = 1 }");
	const struct vir0_node *n = p->body.items[0];
	ck_assert_int_eq(n->kind, VIR0_NODE_IF);
	ck_assert_uint_eq(n->otherwise.count, 1);
	ck_assert_int_eq(n->otherwise.items[0]->kind, VIR0_NODE_IF);
	ck_assert_uint_eq(n->otherwise.items[0]->body.count, 1);
	const struct vir0_expr *e = p->body.items[1]->value[0];
	ck_assert_int_eq(e->arg[0]->op, VIR0_ATOMIC_COMPARE_EXCHANGE);
	ck_assert_ptr_nonnull(e->arg[0]->arg[1]);
	ck_assert_int_eq(e->arg[0]->ordering, VIR0_ORDER_SEQ_CST);
	ck_assert_ptr_null(e->arg[1]->arg[1]);
	ck_assert_int_eq(e->arg[1]->ordering, VIR0_ORDER_RELAXED);
	ck_assert_int_eq(p->body.items[2]->ordering, VIR0_ORDER_SEQ_CST);
	ck_assert_int_eq(p->body.items[3]->ordering, VIR0_ORDER_ACQUIRE);
	ck_assert_str_eq(p->body.items[4]->name2, "s");
	ck_assert_uint_eq(p->body.items[4]->body.count, 1);
	vir0_program_free(p);
}
END_TEST

/* Syntax errors: code, position and a word of the message. */
static const struct {
	const char *text;
	int code;
	uint32_t line, column;
	const char *says;
} errors[] = {
	{ "let x = ", VIR0_ESYNTAX, 1, 9, "expected an expression" },
	{ "let x = 1u +\nlet y = 2u", VIR0_ESYNTAX, 1, 13, "expected an expression" },
	{ "let x = (1u +\nlet y = 2u)", VIR0_ESYNTAX, 2, 1, "cannot start an expression" },
	{ "let x = (1u +\n 2u", VIR0_ESYNTAX, 2, 4, "')'" },
	{ "\n\n  let min = 1u", VIR0_ESYNTAX, 3, 7, "reserved word" },
	{ "let x = 1u 2u", VIR0_ESYNTAX, 1, 12, "end of the statement" },
	{ "let x = -3u", VIR0_ESYNTAX, 1, 10, "cannot be negative" },
	{ "let x = 4294967296u", VIR0_ESYNTAX, 1, 9, "u32 literals" },
	{ "let x = 2147483648i", VIR0_ESYNTAX, 1, 9, "i32 literals" },
	{ "let x = 1.5u", VIR0_ESYNTAX, 1, 9, "whole number" },
	{ "let x = -0.0f", VIR0_ESYNTAX, 1, 10, "-(0.0f)" },
	{ "let x = 1e-40f", VIR0_ESYNTAX, 1, 9, "subnormal" },
	{ "let x = 1e39f", VIR0_ESYNTAX, 1, 9, "finite" },
	{ "let x = 12abc", VIR0_ESYNTAX, 1, 11, "in a number" },
	{ "let x = \"open", VIR0_ESYNTAX, 1, 9, "unterminated string" },
	{ "let x = \"bad \\q\"", VIR0_ESYNTAX, 1, 14, "unknown escape" },
	{ "let x = \"nul \\x00\"", VIR0_EUTF8, 1, 9, "NUL" },
	{ "let \"\xff\" = 1u", VIR0_EUTF8, 1, 5, "UTF-8" },
	{ "let x = 1u $", VIR0_ESYNTAX, 1, 12, "unexpected character '$'" },
	{ "attach k x\"abc\"", VIR0_ESYNTAX, 1, 12, "odd number" },
	{ "attach k x\"zz\"", VIR0_ESYNTAX, 1, 12, "hex digits only" },
	{ "if 1u {\n let x = 1u\n", VIR0_ESYNTAX, 3, 1, "line 1, column 7" },
	{ "}", VIR0_ESYNTAX, 1, 1, "closes no block" },
	{ "if 1u { }\nelse { }", VIR0_ESYNTAX, 2, 1, "else without if" },
	{ "if 1u { buffer b u32[0] read }", VIR0_ESYNTAX, 1, 9, "top level" },
	{ "workgroup 1 1\n", VIR0_ESYNTAX, 1, 14, "workgroup size" },
	{ "workgroup 1 0 1", VIR0_ESYNTAX, 1, 13, "at least 1" },
	{ "workgroup 1 1 1\nworkgroup 2 2 2", VIR0_ESYNTAX, 2, 1, "twice" },
	{ "entry a\nentry b", VIR0_ESYNTAX, 2, 1, "twice" },
	{ "buffer b u33[0] read", VIR0_ESYNTAX, 1, 10, "data type" },
	{ "buffer b u32 read", VIR0_ESYNTAX, 1, 14, "element count" },
	{ "buffer b u32[0] readonly", VIR0_ESYNTAX, 1, 17, "access mode" },
	{ "buffer b vec<u32, 256>[0] read", VIR0_ESYNTAX, 1, 19, "255 lanes" },
	{ "buffer b quantized<i8, per_row 1, absent>[1] read", VIR0_ESYNTAX, 1, 24,
	  "scale layout" },
	{ "let x = gid", VIR0_ESYNTAX, 1, 12, "axis" },
	{ "let x = gid.w", VIR0_ESYNTAX, 1, 13, "x, y or z" },
	{ "let x = atomic_add(c, 1u)", VIR0_ESYNTAX, 1, 21, "buf[index]" },
	{ "let x = atomic_add<slow>(c[0u], 1u)", VIR0_ESYNTAX, 1, 20, "memory ordering" },
	{ "barrier sometimes", VIR0_ESYNTAX, 1, 9, "memory ordering" },
	{ "let x = cast<u32(1u)", VIR0_ESYNTAX, 1, 17, "'>'" },
	{ "let x = min(1u)", VIR0_ESYNTAX, 1, 15, "','" },
	{ "x == 1u", VIR0_ESYNTAX, 1, 1, "expected a statement" },
	{ "loop i = 0u to 4u { }", VIR0_ESYNTAX, 1, 13, "'..'" },
	{ "store b = 1u", VIR0_ESYNTAX, 1, 9, "store buf[index]" },
	{ "all_reduce b avg group 0", VIR0_ESYNTAX, 1, 14, "collective operator" },
	{ "async_load a b offset 0u size 1u tag t", VIR0_ESYNTAX, 1, 14, "'to'" },
	{ "let x = f32:1.5", VIR0_ESYNTAX, 1, 13, "f32 bits" },
	{ "let x = 0x", VIR0_ESYNTAX, 1, 11, "digits after 0x" },
};

START_TEST(syntax_errors_say_where_and_what)
{
	vir0_program *p = (vir0_program *)1;
	struct vir0_error err;
	memset(&err, 0, sizeof(err));
	int rc = vir0_assemble(errors[_i].text, strlen(errors[_i].text), &p, &err);
	ck_assert_msg(rc == errors[_i].code, "%s: got %s (%s)", errors[_i].text,
		      vir0_status_name(rc), err.message);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(err.code, errors[_i].code);
	ck_assert_msg(err.line == errors[_i].line && err.column == errors[_i].column,
		      "%s: at %u:%u, expected %u:%u (%s)", errors[_i].text, err.line,
		      err.column, errors[_i].line, errors[_i].column, err.message);
	ck_assert_msg(strstr(err.message, errors[_i].says), "%s: message '%s' lacks '%s'",
		      errors[_i].text, err.message, errors[_i].says);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
	vir0_program *p = NULL;
	char *text = NULL;
	struct vir0_error err;
	ck_assert_int_eq(vir0_assemble(NULL, 3, &p, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_assemble("let x = 1", 9, NULL, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_disassemble(NULL, &text, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_assemble(NULL, 0, &p, NULL), VIR0_OK);
	ck_assert_uint_eq(p->body.count, 0);
	ck_assert_int_eq(vir0_disassemble(p, NULL, &err), VIR0_EARG);
	vir0_program_free(p);
	/* the size bounds the text: nothing past it is read */
	ck_assert_int_eq(vir0_assemble("let x = 1u garbage", 10, &p, NULL), VIR0_OK);
	vir0_program_free(p);
}
END_TEST

START_TEST(names_tables_are_consistent)
{
	ck_assert_str_eq(vir0_binop_name(VIR0_BIN_ADD), "add");
	ck_assert_str_eq(vir0_binop_name(VIR0_BIN_MUL_HIGH), "mul_high");
	ck_assert_str_eq(vir0_unop_name(VIR0_UN_RECIPROCAL), "reciprocal");
	ck_assert_str_eq(vir0_atomic_op_name(VIR0_ATOMIC_LRU_UPDATE), "lru_update");
	ck_assert_str_eq(vir0_type_kind_name(VIR0_TYPE_OPAQUE), "opaque");
	ck_assert_str_eq(vir0_access_name(VIR0_ACCESS_READ_WRITE), "read_write");
	ck_assert_str_eq(vir0_node_kind_name(VIR0_NODE_BROADCAST), "broadcast");
	ck_assert_str_eq(vir0_expr_kind_name(VIR0_EXPR_SUBGROUP_SIZE), "subgroup_size");
	ck_assert_str_eq(vir0_ordering_name(VIR0_ORDER_GRID_SYNC), "grid_sync");
	ck_assert_str_eq(vir0_collective_op_name(VIR0_COLLECTIVE_BIT_XOR), "bit_xor");
	ck_assert_ptr_null(vir0_binop_name(0));
	ck_assert_ptr_null(vir0_binop_name(VIR0_BIN_LAST + 1));
	ck_assert_ptr_null(vir0_unop_name(VIR0_OP_OPAQUE));
	ck_assert_ptr_null(vir0_type_kind_name(0x20));
	ck_assert_ptr_null(vir0_ordering_name(6));
	ck_assert_int_eq(vir0_binop_from_name("addx", 3), VIR0_BIN_ADD);
	ck_assert_int_eq(vir0_binop_from_name("nope", 4), -1);
	ck_assert_int_eq(vir0_unop_from_name(NULL, 0), -1);
	const struct {
		const char *(*name)(uint8_t);
		int (*from)(const char *, size_t);
	} tables[] = {
		{ vir0_binop_name, vir0_binop_from_name },
		{ vir0_unop_name, vir0_unop_from_name },
		{ vir0_atomic_op_name, vir0_atomic_op_from_name },
		{ vir0_type_kind_name, vir0_type_kind_from_name },
		{ vir0_access_name, vir0_access_from_name },
		{ vir0_node_kind_name, vir0_node_kind_from_name },
		{ vir0_expr_kind_name, vir0_expr_kind_from_name },
		{ vir0_ordering_name, vir0_ordering_from_name },
		{ vir0_collective_op_name, vir0_collective_op_from_name },
		{ vir0_quant_scale_name, vir0_quant_scale_from_name },
		{ vir0_quant_zero_name, vir0_quant_zero_from_name },
	};
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		unsigned named = 0;
		for (unsigned code = 0; code < 256; code++) {
			const char *name = tables[t].name((uint8_t)code);
			if (!name)
				continue;
			named++;
			ck_assert_int_eq(tables[t].from(name, strlen(name)), (int)code);
		}
		ck_assert_uint_gt(named, 2);
	}
}
END_TEST

Suite *text_suite(void);

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");
	tcase_add_loop_test(tc, example_assembles_validates_and_round_trips, 0,
			    sizeof(examples) / sizeof(examples[0]));
	tcase_add_loop_test(tc, snippet_round_trips, 0, sizeof(snippets) / sizeof(snippets[0]));
	tcase_add_loop_test(tc, disassembly_is_canonical, 0,
			    sizeof(canonical) / sizeof(canonical[0]));
	tcase_add_test(tc, infix_follows_c_precedence);
	tcase_add_test(tc, literals_are_exact);
	tcase_add_test(tc, every_f32_bit_pattern_class_round_trips);
	tcase_add_test(tc, declarations_fill_the_program);
	tcase_add_test(tc, statements_build_their_nodes);
	tcase_add_loop_test(tc, syntax_errors_say_where_and_what, 0,
			    sizeof(errors) / sizeof(errors[0]));
	tcase_add_test(tc, bad_arguments_are_refused);
	tcase_add_test(tc, names_tables_are_consistent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(text_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
