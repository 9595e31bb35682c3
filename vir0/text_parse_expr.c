/* text_parse_expr.c - expressions of the .vir0s text form: infix operators
 * by C precedence (precedence climbing), prefix operators, literals and the
 * function-call forms (doc/vir0s-text.md §4). Each parse returns the height
 * of the tree it built so the statement can check the depth limit. */
#include "text_parse.h"

#include "arena.h"
#include "error.h"
#include "names.h"
#include "text_syntax.h"
#include "wire_rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int parse_unary(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height);

static struct vir0_expr *new_expr(struct vir0_parser *ps, uint8_t kind)
{
	struct vir0_expr *e = vir0_arena_alloc(ps->program->arena, sizeof(*e));
	if (e)
		e->kind = kind;
	else
		vir0_error_line(ps->err, VIR0_ENOMEM, ps->tok.line, ps->tok.column,
				"out of memory");
	return e;
}

static uint32_t taller(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

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
		*height = taller(*height, h);
	}
	return vir0_parse_expect(ps, VIR0_P_RPAREN, form);
}

/* A literal from a NUMBER token; `negative` when a '-' came right before. */
static int parse_number(struct vir0_parser *ps, int negative, struct vir0_expr **out)
{
	struct vir0_token tok = ps->tok;
	struct vir0_number n;
	vir0_token_number(&tok, &n);
	char suffix = n.suffix ? n.suffix : n.is_float ? 'f' : 'u';
	struct vir0_expr *e = new_expr(ps, suffix == 'f' ? VIR0_EXPR_LIT_F32 :
					   suffix == 'i' ? VIR0_EXPR_LIT_I32 : VIR0_EXPR_LIT_U32);
	if (!e)
		return VIR0_ENOMEM;
	if (suffix == 'f') {
		char digits[128];
		if (n.digits >= sizeof(digits))
			return vir0_parse_fail(ps, &tok, "an f32 literal needs at most 9 "
					       "significant digits; write it shorter");
		memcpy(digits, tok.start, n.digits);
		digits[n.digits] = '\0';
		char *end;
		float value = strtof(digits, &end);
		if (*end || isinf(value))
			return vir0_parse_fail(ps, &tok, "not a finite f32 value: write "
					       "infinities and NaNs by their bits, as in "
					       "f32:0x7f800000");
		memcpy(&e->bits, &value, sizeof(e->bits));
		if (negative && !e->bits)
			return vir0_parse_fail(ps, &tok, "-0.0f is no VIR0 literal (literals "
					       "are canonical, fmt §2): write -(0.0f) for a "
					       "negative zero, or 0.0f");
		if (negative)
			e->bits ^= 0x80000000u; /* flipping the sign is exact */
		if (vir0_f32_canonical(e->bits) != e->bits)
			return vir0_parse_fail(ps, &tok, "this f32 literal is subnormal, "
					       "which VIR0 literals cannot be (fmt §2): write "
					       "0.0f, or the bits as f32:0x%08x", e->bits);
	} else if (n.is_float) {
		return vir0_parse_fail(ps, &tok, "a %s literal is a whole number: drop the "
				       "fraction, or end it in f for an f32",
				       suffix == 'i' ? "i32" : "u32");
	} else if (suffix == 'i') {
		uint64_t limit = negative ? 0x80000000u : 0x7fffffffu;
		if (n.overflow || n.integer > limit)
			return vir0_parse_fail(ps, &tok, "i32 literals run from -2147483648i "
					       "to 2147483647i");
		e->bits = negative ? (uint32_t)(0u - (uint32_t)n.integer) : (uint32_t)n.integer;
	} else {
		if (negative)
			return vir0_parse_fail(ps, &tok, "a u32 literal cannot be negative: "
					       "write -3i for an i32, or -(3u) to negate a u32");
		if (n.overflow || n.integer > UINT32_MAX)
			return vir0_parse_fail(ps, &tok, "u32 literals run from 0 to 4294967295");
		e->bits = (uint32_t)n.integer;
	}
	vir0_parse_advance(ps);
	*out = e;
	return VIR0_OK;
}

/* f32:0x7fc00000 - an f32 literal by its IEEE bits; `ps->tok` is the ':'. */
static int parse_f32_bits(struct vir0_parser *ps, struct vir0_expr **out)
{
	vir0_parse_advance(ps);
	struct vir0_expr *e = new_expr(ps, VIR0_EXPR_LIT_F32);
	if (!e)
		return VIR0_ENOMEM;
	*out = e;
	return vir0_parse_u32(ps, &e->bits, "the f32 bits after f32:");
}

/* gid.x, wgid.y, lid.z; `ps->tok` is the '.'. */
static int parse_id(struct vir0_parser *ps, uint8_t kind, struct vir0_expr **out)
{
	vir0_parse_advance(ps);
	if (ps->tok.kind != VIR0_TOK_IDENT || ps->tok.len != 1 ||
	    ps->tok.start[0] < 'x' || ps->tok.start[0] > 'z')
		return vir0_parse_fail(ps, &ps->tok, "expected the axis x, y or z");
	struct vir0_expr *e = *out = new_expr(ps, kind);
	if (!e)
		return VIR0_ENOMEM;
	e->axis = (uint8_t)(ps->tok.start[0] - 'x');
	vir0_parse_advance(ps);
	return VIR0_OK;
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
	*height = taller(h_index, h_rest);
	if (vir0_parse_is_punct(&ps->tok, VIR0_P_COMMA)) {
		/* three arguments: (buf[i], expected, value) */
		vir0_parse_advance(ps);
		if ((rc = vir0_parse_expr(ps, &second[1], &h_rest)))
			return rc;
		*height = taller(*height, h_rest);
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
				return vir0_error_line(ps->err, VIR0_ENOMEM, ps->tok.line,
						       ps->tok.column, "out of memory");
			if (e->nargs)
				memcpy(grown, e->args, (size_t)e->nargs * sizeof(*grown));
			e->args = grown;
		}
		uint32_t h;
		if ((rc = vir0_parse_expr(ps, &e->args[e->nargs], &h)))
			return rc;
		e->nargs++;
		*height = taller(*height, h);
	}
	vir0_parse_advance(ps);
	return VIR0_OK;
}

/* Forms that start with a reserved word; `word` has been consumed. */
static int parse_keyword_form(struct vir0_parser *ps, const struct vir0_token *word,
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
		if (!(e = *out = new_expr(ps, fixed[i].kind)))
			return VIR0_ENOMEM;
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "to open the arguments")))
			return rc;
		return parse_args(ps, e->arg, fixed[i].nargs, height, "in this call");
	}
	if (vir0_parse_is_word(word, "len")) {
		if (!(e = *out = new_expr(ps, VIR0_EXPR_BUF_LEN)))
			return VIR0_ENOMEM;
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "after len")) ||
		    (rc = vir0_parse_name(ps, &e->name, "a buffer name")))
			return rc;
		return vir0_parse_expect(ps, VIR0_P_RPAREN, "after the buffer name");
	}
	if (vir0_parse_is_word(word, "cast")) {
		if (!(e = *out = new_expr(ps, VIR0_EXPR_CAST)))
			return VIR0_ENOMEM;
		if ((rc = vir0_parse_expect(ps, VIR0_P_LT, "after cast: write cast<i32>(x)")) ||
		    (rc = vir0_parse_type(ps, &e->type)) ||
		    (rc = vir0_parse_expect_close_angle(ps, "after the target type")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "before the cast operand")))
			return rc;
		return parse_args(ps, e->arg, 1, height, "in this cast");
	}
	if (vir0_parse_is_word(word, "call")) {
		if (!(e = *out = new_expr(ps, VIR0_EXPR_CALL)))
			return VIR0_ENOMEM;
		return parse_call(ps, e, height);
	}
	if (vir0_parse_is_word(word, "opaque")) {
		if (!(e = *out = new_expr(ps, VIR0_EXPR_OPAQUE)))
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
		if (!(e = *out = new_expr(ps, opaque_ops[i].kind)))
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
		if (!(e = *out = new_expr(ps, VIR0_EXPR_ATOMIC)))
			return VIR0_ENOMEM;
		e->op = (uint8_t)op;
		if ((rc = parse_atomic_ordering(ps, e)))
			return rc;
		return parse_atomic(ps, e, height);
	}
	int binop = vir0_binop_from_name(word->start, word->len);
	int unop = vir0_unop_from_name(word->start, word->len);
	if (binop >= 0 || unop >= 0) {
		if (!(e = *out = new_expr(ps, binop >= 0 ? VIR0_EXPR_BINOP : VIR0_EXPR_UNOP)))
			return VIR0_ENOMEM;
		e->op = (uint8_t)(binop >= 0 ? binop : unop);
		if ((rc = vir0_parse_expect(ps, VIR0_P_LPAREN, "to open the arguments")))
			return rc;
		return parse_args(ps, e->arg, binop >= 0 ? 2 : 1, height, "in this call");
	}
	return vir0_parse_fail(ps, word, "'%.*s' cannot start an expression",
			       (int)word->len, word->start);
}

/* A name, then [index] for a load; otherwise a variable. */
static int parse_named(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height)
{
	const char *name;
	int rc = vir0_parse_name(ps, &name, "an expression");
	if (rc)
		return rc;
	int load = vir0_parse_is_punct(&ps->tok, VIR0_P_LBRACKET);
	struct vir0_expr *e = *out = new_expr(ps, load ? VIR0_EXPR_LOAD : VIR0_EXPR_VAR);
	if (!e)
		return VIR0_ENOMEM;
	e->name = name;
	*height = 0;
	if (!load)
		return VIR0_OK;
	vir0_parse_advance(ps);
	if ((rc = vir0_parse_expr(ps, &e->arg[0], height)))
		return rc;
	return vir0_parse_expect(ps, VIR0_P_RBRACKET, "to close the index");
}

static int parse_primary(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height)
{
	struct vir0_token tok = ps->tok;
	*height = 1; /* a leaf, unless the form below has operands */
	if (tok.kind == VIR0_TOK_NUMBER)
		return parse_number(ps, 0, out);
	if (vir0_parse_is_punct(&tok, VIR0_P_LPAREN)) {
		vir0_parse_advance(ps);
		/* parentheses only group: they add no node */
		int rc = vir0_parse_expr(ps, out, height);
		if (rc)
			return rc;
		return vir0_parse_expect(ps, VIR0_P_RPAREN, "to close the parenthesis");
	}
	if (tok.kind == VIR0_TOK_IDENT && vir0_text_is_reserved(tok.start, tok.len)) {
		int boolean = vir0_parse_is_word(&tok, "true") || vir0_parse_is_word(&tok, "false");
		static const struct {
			const char *word;
			uint8_t kind;
		} ids[] = {
			{ "gid", VIR0_EXPR_INVOCATION_ID }, { "wgid", VIR0_EXPR_WORKGROUP_ID },
			{ "lid", VIR0_EXPR_LOCAL_ID },
		};
		vir0_parse_advance(ps);
		if (boolean) {
			if (!(*out = new_expr(ps, VIR0_EXPR_LIT_BOOL)))
				return VIR0_ENOMEM;
			(*out)->bits = tok.start[0] == 't';
			return VIR0_OK;
		}
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			if (!vir0_parse_is_word(&tok, ids[i].word))
				continue;
			if (!vir0_parse_is_punct(&ps->tok, VIR0_P_DOT))
				return vir0_parse_fail(ps, &ps->tok, "expected '.' and an axis "
						       "after %s, as in %s.x", ids[i].word,
						       ids[i].word);
			return parse_id(ps, ids[i].kind, out);
		}
		int rc = parse_keyword_form(ps, &tok, out, height);
		(*height)++;
		return rc;
	}
	if (vir0_parse_is_word(&tok, "f32") && vir0_parse_is_punct(&ps->next, VIR0_P_COLON)) {
		vir0_parse_advance(ps);
		return parse_f32_bits(ps, out);
	}
	if (tok.kind == VIR0_TOK_IDENT || tok.kind == VIR0_TOK_STRING) {
		int rc = parse_named(ps, out, height);
		(*height)++;
		return rc;
	}
	return vir0_parse_fail(ps, &tok, "expected an expression");
}

static int parse_unary(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height)
{
	int rc = vir0_parse_enter(ps);
	if (rc)
		return rc;
	int op = ps->tok.kind == VIR0_TOK_PUNCT ? vir0_text_prefix_unop(ps->tok.punct) : -1;
	if (op == VIR0_UN_NEGATE && ps->next.kind == VIR0_TOK_NUMBER) {
		/* -3i is one literal; -(3i) negates one */
		vir0_parse_advance(ps);
		*height = 1;
		rc = parse_number(ps, 1, out);
	} else if (op >= 0) {
		vir0_parse_advance(ps);
		struct vir0_expr *e = *out = new_expr(ps, VIR0_EXPR_UNOP);
		if (!e) {
			rc = VIR0_ENOMEM;
		} else {
			e->op = (uint8_t)op;
			rc = parse_unary(ps, &e->arg[0], height);
			(*height)++;
		}
	} else {
		rc = parse_primary(ps, out, height);
	}
	vir0_parse_leave(ps);
	return rc;
}

/* Operands joined by infix operators of precedence `min` or more. */
static int parse_binary(struct vir0_parser *ps, int min, struct vir0_expr **out,
			uint32_t *height)
{
	int rc = vir0_parse_enter(ps);
	if (rc)
		return rc;
	rc = parse_unary(ps, out, height);
	while (rc == VIR0_OK && ps->tok.kind == VIR0_TOK_PUNCT) {
		int op = vir0_text_infix_binop(ps->tok.punct);
		int precedence = op < 0 ? 0 : vir0_text_binop_precedence((uint8_t)op);
		if (op < 0 || precedence < min)
			break;
		vir0_parse_advance(ps);
		struct vir0_expr *e = new_expr(ps, VIR0_EXPR_BINOP);
		uint32_t right;
		if (!e) {
			rc = VIR0_ENOMEM;
			break;
		}
		e->op = (uint8_t)op;
		e->arg[0] = *out;
		/* left-associative: the right operand binds only tighter operators */
		rc = parse_binary(ps, precedence + 1, &e->arg[1], &right);
		*out = e;
		*height = taller(*height, right) + 1;
	}
	vir0_parse_leave(ps);
	return rc;
}

int vir0_parse_expr(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height)
{
	return parse_binary(ps, 1, out, height);
}
