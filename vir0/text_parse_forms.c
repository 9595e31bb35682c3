/* text_parse_forms.c - the expression forms that start with a reserved
 * word: select, fma, cast, len, call, atomics, the subgroup and opaque
 * forms, and the operators written as functions (doc/vir0s-text.md §4.3). */
#include "text_parse.h"

#include "arena.h"
#include "error.h"
#include "names.h"
#include "text_syntax.h"

#include <string.h>

/* Children in `args` of `n` expressions separated by commas, then ')'. */
static int parse_args(struct vir0_parser *ps, struct vir0_expr **args, unsigned n,
		      uint32_t *height, const char *form)
{
	int rc;
	*height = 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t h;
		if (i && (rc = vir0_parse_expect(ps, VIR0_P_COMMA, form)))
			return rc;
		if ((rc = vir0_parse_expr(ps, &args[i], &h)))
			return rc;
		*height = vir0_parse_taller(*height, h);
	}
	return vir0_parse_expect(ps, VIR0_P_RPAREN, form);
}

/* buf[index] as the first argument of an atomic. */
static int parse_atomic(struct vir0_parser *ps, struct vir0_expr *e, uint32_t *height)
{
	uint32_t h_index, h_rest;
	struct vir0_expr *second[2] = { NULL, NULL };
	int rc;
	if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "to open the atomic's arguments")) ||
	    (rc = vir0_parse_name(ps, &e->name, "the atomic's buffer")) ||
	    (rc = vir0_parse_expect(ps, VIR0_P_LBRACKET, "after the buffer: atomics "
				    "take buf[index] first")) ||
	    (rc = vir0_parse_expr(ps, &e->arg[0], &h_index)) ||
	    (rc = vir0_parse_expect(ps, VIR0_P_RBRACKET, "to close the index")) ||
	    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "before the atomic's value")) ||
	    (rc = vir0_parse_expr(ps, &second[0], &h_rest)))
		return rc;
	*height = vir0_parse_taller(h_index, h_rest);
	if (vir0_parse_is_punct(&ps->tok, VIR0_P_COMMA)) {
		/* three arguments: (buf[i], expected, value) */
		vir0_parse_advance(ps);
		if ((rc = vir0_parse_expr(ps, &second[1], &h_rest)))
			return rc;
		*height = vir0_parse_taller(*height, h_rest);
		e->arg[1] = second[0];
		e->arg[2] = second[1];
	} else {
		e->arg[2] = second[0];
	}
	return vir0_parse_expect(ps, VIR0_P_RPAREN, "to close the atomic's arguments");
}

/* <ordering> after an atomic's name, or the default when absent. */
static int parse_atomic_ordering(struct vir0_parser *ps, struct vir0_expr *e)
{
	e->ordering = VIR0_TEXT_ATOMIC_ORDERING;
	if (!vir0_parse_is_punct(&ps->tok, VIR0_P_LT))
		return VIR0_OK;
	vir0_parse_advance(ps);
	int rc = vir0_parse_ordering(ps, &e->ordering);
	return rc ? rc : vir0_parse_expect_close_angle(ps, "after the ordering");
}

/* opaque_binop<id>, opaque_unop<id>, opaque_atomic<id[, ordering]>. */
static int parse_opaque_op(struct vir0_parser *ps, struct vir0_expr *e)
{
	int rc;
	e->op = VIR0_OP_OPAQUE;
	e->ordering = VIR0_TEXT_ATOMIC_ORDERING;
	if ((rc = vir0_parse_expect(ps, VIR0_P_LT, "before the operator id")) ||
	    (rc = vir0_parse_u32(ps, &e->opaque_op, "the operator id")))
		return rc;
	if (e->kind == VIR0_EXPR_ATOMIC && vir0_parse_is_punct(&ps->tok, VIR0_P_COMMA)) {
		vir0_parse_advance(ps);
		if ((rc = vir0_parse_ordering(ps, &e->ordering)))
			return rc;
	}
	return vir0_parse_expect_close_angle(ps, "after the operator id");
}

/* call op_id(args...) */
static int parse_call(struct vir0_parser *ps, struct vir0_expr *e, uint32_t *height)
{
	int rc;
	uint32_t capacity = 0;
	*height = 0;
	if ((rc = vir0_parse_name(ps, &e->name, "the called operation id")) ||
	    (rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "to open the call's arguments")))
		return rc;
	while (!vir0_parse_is_punct(&ps->tok, VIR0_P_RPAREN)) {
		if (e->nargs && (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "between arguments")))
			return rc;
		if (e->nargs == capacity) {
			capacity = capacity ? capacity * 2 : 4;
			struct vir0_expr **grown = vir0_arena_alloc(
				ps->program->arena, (size_t)capacity * sizeof(*grown));
			if (!grown)
				return vir0_parse_out_of_memory(ps);
			if (e->nargs)
				memcpy(grown, e->args, (size_t)e->nargs * sizeof(*grown));
			e->args = grown;
		}
		uint32_t h;
		if ((rc = vir0_parse_expr(ps, &e->args[e->nargs], &h)))
			return rc;
		e->nargs++;
		*height = vir0_parse_taller(*height, h);
	}
	vir0_parse_advance(ps);
	return VIR0_OK;
}

int vir0_parse_keyword_form(struct vir0_parser *ps, const struct vir0_token *word,
			    struct vir0_expr **out, uint32_t *height)
{
	static const struct {
		const char *word;
		uint8_t kind;
		unsigned nargs;
	} fixed[] = {
		{ "select", VIR0_EXPR_SELECT, 3 }, { "fma", VIR0_EXPR_FMA, 3 },
		{ "subgroup_add", VIR0_EXPR_SUBGROUP_ADD, 1 },
		{ "subgroup_shuffle", VIR0_EXPR_SUBGROUP_SHUFFLE, 2 },
		{ "subgroup_ballot", VIR0_EXPR_SUBGROUP_BALLOT, 1 },
		{ "subgroup_local_id", VIR0_EXPR_SUBGROUP_LOCAL_ID, 0 },
		{ "subgroup_size", VIR0_EXPR_SUBGROUP_SIZE, 0 },
	};
	int rc;
	struct vir0_expr *e;
	*height = 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!vir0_parse_is_word(word, fixed[i].word))
			continue;
		if (!(e = *out = vir0_parse_new_expr(ps, fixed[i].kind)))
			return VIR0_ENOMEM;
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "to open the arguments")))
			return rc;
		return parse_args(ps, e->arg, fixed[i].nargs, height, "in this call");
	}
	if (vir0_parse_is_word(word, "len")) {
		if (!(e = *out = vir0_parse_new_expr(ps, VIR0_EXPR_BUF_LEN)))
			return VIR0_ENOMEM;
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "after len")) ||
		    (rc = vir0_parse_name(ps, &e->name, "a buffer name")))
			return rc;
		return vir0_parse_expect(ps, VIR0_P_RPAREN, "after the buffer name");
	}
	if (vir0_parse_is_word(word, "cast")) {
		if (!(e = *out = vir0_parse_new_expr(ps, VIR0_EXPR_CAST)))
			return VIR0_ENOMEM;
		if ((rc = vir0_parse_expect(ps, VIR0_P_LT, "after cast: write cast<i32>(x)")) ||
		    (rc = vir0_parse_type(ps, &e->type)) ||
		    (rc = vir0_parse_expect_close_angle(ps, "after the target type")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "before the cast operand")))
			return rc;
		return parse_args(ps, e->arg, 1, height, "in this cast");
	}
	if (vir0_parse_is_word(word, "call")) {
		if (!(e = *out = vir0_parse_new_expr(ps, VIR0_EXPR_CALL)))
			return VIR0_ENOMEM;
		return parse_call(ps, e, height);
	}
	if (vir0_parse_is_word(word, "opaque")) {
		if (!(e = *out = vir0_parse_new_expr(ps, VIR0_EXPR_OPAQUE)))
			return VIR0_ENOMEM;
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "after opaque")) ||
		    (rc = vir0_parse_name(ps, &e->name, "the extension kind")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "before the payload")))
			return rc;
		if (ps->tok.kind != VIR0_TOK_HEX)
			return vir0_parse_fail(ps, &ps->tok, "expected the payload as x\"hex\"");
		if ((rc = vir0_token_hex(&ps->tok, ps->program->arena, &e->payload,
					 &e->payload_len, ps->err)))
			return rc;
		vir0_parse_advance(ps);
		return vir0_parse_expect(ps, VIR0_P_RPAREN, "after the payload");
	}
	static const struct {
		const char *word;
		uint8_t kind;
		unsigned nargs;
	} opaque_ops[] = {
		{ "opaque_binop", VIR0_EXPR_BINOP, 2 }, { "opaque_unop", VIR0_EXPR_UNOP, 1 },
		{ "opaque_atomic", VIR0_EXPR_ATOMIC, 0 },
	};
	for (size_t i = 0; i < sizeof(opaque_ops) / sizeof(opaque_ops[0]); i++) {
		if (!vir0_parse_is_word(word, opaque_ops[i].word))
			continue;
		if (!(e = *out = vir0_parse_new_expr(ps, opaque_ops[i].kind)))
			return VIR0_ENOMEM;
		if ((rc = parse_opaque_op(ps, e)))
			return rc;
		if (e->kind == VIR0_EXPR_ATOMIC)
			return parse_atomic(ps, e, height);
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "to open the arguments")))
			return rc;
		return parse_args(ps, e->arg, opaque_ops[i].nargs, height, "in this call");
	}
	int op;
	if (word->len > 7 && memcmp(word->start, "atomic_", 7) == 0 &&
	    (op = vir0_atomic_op_from_name(word->start + 7, word->len - 7)) >= 0) {
		if (!(e = *out = vir0_parse_new_expr(ps, VIR0_EXPR_ATOMIC)))
			return VIR0_ENOMEM;
		e->op = (uint8_t)op;
		if ((rc = parse_atomic_ordering(ps, e)))
			return rc;
		return parse_atomic(ps, e, height);
	}
	int binop = vir0_binop_from_name(word->start, word->len);
	int unop = vir0_unop_from_name(word->start, word->len);
	if (binop >= 0 || unop >= 0) {
		if (!(e = *out = vir0_parse_new_expr(ps, binop >= 0 ? VIR0_EXPR_BINOP : VIR0_EXPR_UNOP)))
			return VIR0_ENOMEM;
		e->op = (uint8_t)(binop >= 0 ? binop : unop);
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "to open the arguments")))
			return rc;
		return parse_args(ps, e->arg, binop >= 0 ? 2 : 1, height, "in this call");
	}
	return vir0_parse_fail(ps, word, "'%.*s' cannot start an expression",
			       (int)word->len, word->start);
}

