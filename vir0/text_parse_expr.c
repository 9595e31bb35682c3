/* text_parse_expr.c - expressions of the .vir0s text form: infix operators
 * by C precedence (precedence climbing), prefix operators, literals, ids,
 * loads and variables (doc/vir0s-text.md §4); the forms that start with a
 * reserved word are in text_parse_forms.c. Each parse returns the height of
 * the tree it built so that the statement can check the depth limit. */
#include "text_parse.h"

#include "arena.h"
#include "error.h"
#include "text_syntax.h"
#include "wire_rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int parse_unary(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height);

uint32_t vir0_parse_taller(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

struct vir0_expr *vir0_parse_new_expr(struct vir0_parser *ps, uint8_t kind)
{
	struct vir0_expr *e = vir0_arena_alloc(ps->program->arena, sizeof(*e));
	if (e)
		e->kind = kind;
	else
		vir0_parse_out_of_memory(ps);
	return e;
}

/* A literal from a NUMBER token; `negative` when a '-' came right before. */
static int parse_number(struct vir0_parser *ps, int negative, struct vir0_expr **out)
{
	struct vir0_token tok = ps->tok;
	struct vir0_number n;
	vir0_token_number(&tok, &n);
	char suffix = n.suffix ? n.suffix : n.is_float ? 'f' : 'u';
	struct vir0_expr *e = vir0_parse_new_expr(ps, suffix == 'f' ? VIR0_EXPR_LIT_F32 :
					   suffix == 'i' ? VIR0_EXPR_LIT_I32 : VIR0_EXPR_LIT_U32);
	if (!e)
		return VIR0_ENOMEM;
	if (suffix == 'f') {
		char digits[128];
		if (n.digits >= sizeof(digits))
			return vir0_parse_fail(ps, &tok, "f32 literal longer than %zu characters: "
					       "9 significant digits are always exact",
					       sizeof(digits) - 1);
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
	struct vir0_expr *e = vir0_parse_new_expr(ps, VIR0_EXPR_LIT_F32);
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
	struct vir0_expr *e = *out = vir0_parse_new_expr(ps, kind);
	if (!e)
		return VIR0_ENOMEM;
	e->axis = (uint8_t)(ps->tok.start[0] - 'x');
	vir0_parse_advance(ps);
	return VIR0_OK;
}

/* A name, then [index] for a load; otherwise a variable. */
static int parse_named(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height)
{
	const char *name;
	int rc = vir0_parse_name(ps, &name, "an expression");
	if (rc)
		return rc;
	int load = vir0_parse_is_punct(&ps->tok, VIR0_P_LBRACKET);
	struct vir0_expr *e = *out = vir0_parse_new_expr(ps, load ? VIR0_EXPR_LOAD : VIR0_EXPR_VAR);
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
			if (!(*out = vir0_parse_new_expr(ps, VIR0_EXPR_LIT_BOOL)))
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
		int rc = vir0_parse_keyword_form(ps, &tok, out, height);
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
		struct vir0_expr *e = *out = vir0_parse_new_expr(ps, VIR0_EXPR_UNOP);
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
		struct vir0_expr *e = vir0_parse_new_expr(ps, VIR0_EXPR_BINOP);
		uint32_t right = 0;
		if (!e) {
			rc = VIR0_ENOMEM;
			break;
		}
		e->op = (uint8_t)op;
		e->arg[0] = *out;
		/* left-associative: the right operand binds only tighter operators */
		rc = parse_binary(ps, precedence + 1, &e->arg[1], &right);
		*out = e;
		*height = vir0_parse_taller(*height, right) + 1;
	}
	vir0_parse_leave(ps);
	return rc;
}

int vir0_parse_expr(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height)
{
	return parse_binary(ps, 1, out, height);
}
