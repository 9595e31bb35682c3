/* text_print_expr.c - expressions in the text form. Infix operators get
 * parentheses exactly where C precedence would otherwise regroup them, so
 * the assembler rebuilds the same tree; literals are printed so that they
 * parse back to the same bits (doc/vir0s-text.md §4). */
#include "text_print.h"

#include "names.h"
#include "text_syntax.h"
#include "wire_rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Binds tighter than every infix operator: prefix forms and primaries. */
#define PRECEDENCE_PRIMARY 11

static void print_in(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level,
		     int context);

static int precedence_of(const struct vir0_expr *e)
{
	int precedence = 0;
	if (e->kind == VIR0_EXPR_BINOP && e->op != VIR0_OP_OPAQUE)
		precedence = vir0_text_binop_precedence(e->op);
	return precedence ? precedence : PRECEDENCE_PRIMARY;
}

/* The shortest decimal that strtof reads back to the same bits, or 0 when
 * the value needs the f32:0x form (NaN, infinities and non-canonical bits
 * that no decimal literal may produce). */
static int f32_decimal(uint32_t bits, char *text, size_t size)
{
	if ((bits & 0x7f800000u) == 0x7f800000u || vir0_f32_canonical(bits) != bits)
		return 0;
	float value;
	memcpy(&value, &bits, sizeof(value));
	/* below 1e9, print at least the whole-number digits: 100.0, not 1e+02 */
	int whole = 1;
	if (fabsf(value) < 1e9f)
		for (float magnitude = fabsf(value); magnitude >= 10.0f; magnitude /= 10.0f)
			whole++;
	for (int digits = 1; digits <= 9; digits++) {
		snprintf(text, size, "%.*g", digits > whole ? digits : whole, (double)value);
		float back = strtof(text, NULL);
		if (memcmp(&back, &value, sizeof(back)) == 0) {
			if (!strpbrk(text, ".e"))
				strncat(text, ".0", size - strlen(text) - 1);
			return 1;
		}
	}
	return 0;
}

static void print_literal(struct vir0_printer *p, const struct vir0_expr *e)
{
	char text[48];
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32:
		vir0_print_fmt(p, "%uu", e->bits);
		return;
	case VIR0_EXPR_LIT_I32:
		vir0_print_fmt(p, "%di", (int)(int32_t)e->bits);
		return;
	case VIR0_EXPR_LIT_BOOL:
		if (e->bits > 1)
			vir0_print_fail(p, VIR0_EVALUE, "a bool literal holds %u, not 0 or 1",
					e->bits);
		vir0_print_fmt(p, "%s", e->bits ? "true" : "false");
		return;
	default:
		if (f32_decimal(e->bits, text, sizeof(text)))
			vir0_print_fmt(p, "%sf", text);
		else
			vir0_print_fmt(p, "f32:0x%08x", e->bits);
	}
}

static int is_number(const struct vir0_expr *e)
{
	return e->kind == VIR0_EXPR_LIT_U32 || e->kind == VIR0_EXPR_LIT_I32 ||
	       e->kind == VIR0_EXPR_LIT_F32;
}

/* (a, b, c) of the children arg[0..n) */
static void print_args(struct vir0_printer *p, const struct vir0_expr *e, unsigned n,
		       uint32_t level)
{
	vir0_print_text(p, "(", 1);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			vir0_print_text(p, ", ", 2);
		print_in(p, e->arg[i], level + 1, 0);
	}
	vir0_print_text(p, ")", 1);
}

static void print_atomic(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level)
{
	if (e->op == VIR0_OP_OPAQUE) {
		vir0_print_fmt(p, "opaque_atomic<0x%08x", e->opaque_op);
		if (e->ordering != VIR0_TEXT_ATOMIC_ORDERING) {
			vir0_print_text(p, ", ", 2);
			vir0_print_ordering(p, e->ordering);
		}
		vir0_print_text(p, ">", 1);
	} else {
		const char *name = vir0_atomic_op_name(e->op);
		if (!name) {
			vir0_print_fail(p, VIR0_EOPCODE, "atomic operator 0x%02x is unknown "
					"(fmt §6.3)", e->op);
			return;
		}
		vir0_print_fmt(p, "atomic_%s", name);
		if (e->ordering != VIR0_TEXT_ATOMIC_ORDERING) {
			vir0_print_text(p, "<", 1);
			vir0_print_ordering(p, e->ordering);
			vir0_print_text(p, ">", 1);
		}
	}
	vir0_print_text(p, "(", 1);
	vir0_print_name(p, e->name, "the atomic's buffer");
	vir0_print_text(p, "[", 1);
	print_in(p, e->arg[0], level + 1, 0);
	vir0_print_text(p, "], ", 3);
	if (e->arg[1]) {
		print_in(p, e->arg[1], level + 1, 0);
		vir0_print_text(p, ", ", 2);
	}
	print_in(p, e->arg[2], level + 1, 0);
	vir0_print_text(p, ")", 1);
}

static void print_binop(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level)
{
	int precedence = precedence_of(e);
	if (e->op == VIR0_OP_OPAQUE) {
		vir0_print_fmt(p, "opaque_binop<0x%08x>", e->opaque_op);
		print_args(p, e, 2, level);
	} else if (precedence < PRECEDENCE_PRIMARY) {
		/* left-associative: equal precedence regroups only on the right */
		print_in(p, e->arg[0], level + 1, precedence);
		vir0_print_fmt(p, " %s ", vir0_text_infix_symbol(e->op));
		print_in(p, e->arg[1], level + 1, precedence + 1);
	} else if (vir0_binop_name(e->op)) {
		vir0_print_fmt(p, "%s", vir0_binop_name(e->op));
		print_args(p, e, 2, level);
	} else {
		vir0_print_fail(p, VIR0_EOPCODE, "binary operator 0x%02x is unknown (fmt §6.1)",
				e->op);
	}
}

static void print_unop(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level)
{
	const char *symbol = e->op == VIR0_OP_OPAQUE ? NULL : vir0_text_prefix_symbol(e->op);
	if (e->op == VIR0_OP_OPAQUE) {
		vir0_print_fmt(p, "opaque_unop<0x%08x>", e->opaque_op);
		print_args(p, e, 1, level);
	} else if (symbol) {
		vir0_print_fmt(p, "%s", symbol);
		/* -(3i) must not read back as the literal -3i */
		int numeric = e->arg[0] && is_number(e->arg[0]);
		print_in(p, e->arg[0], level + 1, numeric ? PRECEDENCE_PRIMARY + 1 :
						     PRECEDENCE_PRIMARY);
	} else if (vir0_unop_name(e->op)) {
		vir0_print_fmt(p, "%s", vir0_unop_name(e->op));
		print_args(p, e, 1, level);
	} else {
		vir0_print_fail(p, VIR0_EOPCODE, "unary operator 0x%02x is unknown (fmt §6.2)",
				e->op);
	}
}

static void print_call(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level)
{
	vir0_print_text(p, "call ", 5);
	vir0_print_name(p, e->name, "the called operation id");
	vir0_print_text(p, "(", 1);
	if (!e->args && e->nargs) {
		vir0_print_fail(p, VIR0_EVALUE, "a call lists %u arguments but has none (NULL)",
				e->nargs);
		return;
	}
	for (uint32_t i = 0; i < e->nargs && !p->status; i++) {
		if (i)
			vir0_print_text(p, ", ", 2);
		print_in(p, e->args[i], level + 1, 0);
	}
	vir0_print_text(p, ")", 1);
}

static void print_form(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level)
{
	static const char *const ids[] = { "gid", "wgid", "lid" };
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32: case VIR0_EXPR_LIT_I32: case VIR0_EXPR_LIT_BOOL:
	case VIR0_EXPR_LIT_F32:
		print_literal(p, e);
		return;
	case VIR0_EXPR_VAR:
		vir0_print_name(p, e->name, "a variable's name");
		return;
	case VIR0_EXPR_LOAD:
		vir0_print_name(p, e->name, "the loaded buffer");
		vir0_print_text(p, "[", 1);
		print_in(p, e->arg[0], level + 1, 0);
		vir0_print_text(p, "]", 1);
		return;
	case VIR0_EXPR_BUF_LEN:
		vir0_print_text(p, "len(", 4);
		vir0_print_name(p, e->name, "the buffer of len()");
		vir0_print_text(p, ")", 1);
		return;
	case VIR0_EXPR_INVOCATION_ID: case VIR0_EXPR_WORKGROUP_ID: case VIR0_EXPR_LOCAL_ID:
		if (e->axis > 2)
			vir0_print_fail(p, VIR0_EVALUE, "axis %u is not 0, 1 or 2 (x, y, z)",
					e->axis);
		vir0_print_fmt(p, "%s.%c", ids[e->kind - VIR0_EXPR_INVOCATION_ID],
			       'x' + (e->axis % 3));
		return;
	case VIR0_EXPR_BINOP:
		print_binop(p, e, level);
		return;
	case VIR0_EXPR_UNOP:
		print_unop(p, e, level);
		return;
	case VIR0_EXPR_CALL:
		print_call(p, e, level);
		return;
	case VIR0_EXPR_SELECT: case VIR0_EXPR_FMA: case VIR0_EXPR_SUBGROUP_ADD:
	case VIR0_EXPR_SUBGROUP_SHUFFLE: case VIR0_EXPR_SUBGROUP_BALLOT:
	case VIR0_EXPR_SUBGROUP_LOCAL_ID: case VIR0_EXPR_SUBGROUP_SIZE: {
		static const unsigned nargs[] = {
			[VIR0_EXPR_SELECT] = 3, [VIR0_EXPR_FMA] = 3,
			[VIR0_EXPR_SUBGROUP_ADD] = 1, [VIR0_EXPR_SUBGROUP_SHUFFLE] = 2,
			[VIR0_EXPR_SUBGROUP_BALLOT] = 1, [VIR0_EXPR_SUBGROUP_LOCAL_ID] = 0,
			[VIR0_EXPR_SUBGROUP_SIZE] = 0,
		};
		vir0_print_fmt(p, "%s", vir0_expr_kind_name(e->kind));
		print_args(p, e, nargs[e->kind], level);
		return;
	}
	case VIR0_EXPR_CAST:
		vir0_print_text(p, "cast<", 5);
		vir0_print_type(p, &e->type, 1);
		vir0_print_text(p, ">", 1);
		print_args(p, e, 1, level);
		return;
	case VIR0_EXPR_ATOMIC:
		print_atomic(p, e, level);
		return;
	case VIR0_EXPR_OPAQUE:
		vir0_print_text(p, "opaque(", 7);
		vir0_print_name(p, e->name, "the extension kind");
		vir0_print_text(p, ", ", 2);
		vir0_print_hex(p, e->payload, e->payload_len);
		vir0_print_text(p, ")", 1);
		return;
	}
	vir0_print_fail(p, VIR0_ETAG, "expression tag 0x%02x is unknown (fmt §4)", e->kind);
}

static void print_in(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level,
		     int context)
{
	if (p->status)
		return;
	if (!e) {
		vir0_print_fail(p, VIR0_EVALUE, "an operand is missing (NULL)");
		return;
	}
	if (level > p->max_depth) {
		vir0_print_fail(p, VIR0_EDEPTH, "expressions nest deeper than %u levels",
				p->max_depth);
		return;
	}
	int parenthesised = precedence_of(e) < context;
	if (parenthesised)
		vir0_print_text(p, "(", 1);
	print_form(p, e, level);
	if (parenthesised)
		vir0_print_text(p, ")", 1);
}

void vir0_print_expr(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level)
{
	print_in(p, e, level, 0);
}
