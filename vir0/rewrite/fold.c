/* fold.c - the "fold" rewrite: constant propagation of Lets that are
 * never assigned, constant folding with the executors' own value
 * semantics (scalar_ops.h), and integer and bool identities. Nothing with
 * a side effect (an Atomic) is ever dropped, and no f32 identity is used:
 * x + 0.0 is not x when x is -0.0.
 *
 * Folding can turn a valid program into one the validator rejects: a
 * divisor such as `3u - 3u` or a propagated `let z = 0u` becomes a literal
 * zero (V23), and a Store index such as `5u + 10u` a literal past the
 * buffer's count (V18). Each slot carries a guard, and a replacement the
 * guard forbids is not made: the expression stays as it was. */
#include "rewrite.h"

#include "expr_type.h"
#include "scalar_ops.h"
#include "tree.h"
#include "validate.h"

#include <string.h>

/* Rounds of propagate-then-fold; each round can expose literals for the
 * next, and the bound keeps the rewrite cheap. */
#define FOLD_MAX_ROUNDS 8

struct fold_state;

/* The replacement for `e`, or NULL to keep it. */
typedef struct vir0_expr *(*fold_rule)(vir0_program *p, const struct vir0_expr *e,
				       const struct fold_state *state);

struct fold_state {
	uint32_t changes;
	fold_rule rule;                   /* propagation or folding */
	const char *name;                 /* propagation: the Var to replace */
	const struct vir0_expr *literal;  /* ... by a copy of this */
};

/* What a slot must not become, so that the result still validates. */
struct fold_guard {
	uint8_t divisor;          /* V23: the right operand of Div or Mod, or a
				     Cast operand inside one */
	uint32_t store_count;     /* V18: the index of a Store into a buffer of
				     this many elements (0: no limit) */
};

static int guard_allows(const struct fold_guard *guard, const struct vir0_expr *e)
{
	if (guard->divisor && vir0_expr_statically_zero(e))
		return 0;
	return !(guard->store_count && e->kind == VIR0_EXPR_LIT_U32 &&
		 e->bits >= guard->store_count);
}

static int is_int_literal(const struct vir0_expr *e, uint32_t bits)
{
	return (e->kind == VIR0_EXPR_LIT_U32 || e->kind == VIR0_EXPR_LIT_I32) && e->bits == bits;
}

/* x op identity = x, for integer operands. */
static struct vir0_expr *int_identity(const struct vir0_expr *e)
{
	struct vir0_expr *l = e->arg[0], *r = e->arg[1];
	switch (e->op) {
	case VIR0_BIN_ADD: case VIR0_BIN_WRAPPING_ADD:
	case VIR0_BIN_BIT_OR: case VIR0_BIN_BIT_XOR:
		return is_int_literal(r, 0) ? l : is_int_literal(l, 0) ? r : NULL;
	case VIR0_BIN_SUB: case VIR0_BIN_WRAPPING_SUB: case VIR0_BIN_SHL:
	case VIR0_BIN_SHR: case VIR0_BIN_ROTATE_LEFT: case VIR0_BIN_ROTATE_RIGHT:
		return is_int_literal(r, 0) ? l : NULL;
	case VIR0_BIN_MUL:
		return is_int_literal(r, 1) ? l : is_int_literal(l, 1) ? r : NULL;
	case VIR0_BIN_DIV:
		return is_int_literal(r, 1) ? l : NULL;
	case VIR0_BIN_BIT_AND:
		return is_int_literal(r, 0xFFFFFFFFu) ? l : is_int_literal(l, 0xFFFFFFFFu) ? r : NULL;
	default:
		return NULL;
	}
}

/* x op absorbing = the absorbing literal, when x has no side effect. */
static struct vir0_expr *int_absorbing(const struct vir0_expr *e)
{
	struct vir0_expr *l = e->arg[0], *r = e->arg[1];
	if (e->op != VIR0_BIN_MUL && e->op != VIR0_BIN_BIT_AND)
		return NULL;
	if (is_int_literal(r, 0) && vir0_expr_is_pure(l))
		return r;
	if (is_int_literal(l, 0) && vir0_expr_is_pure(r))
		return l;
	return NULL;
}

/* And/Or with a bool literal operand (the other is then a bool too). */
static struct vir0_expr *bool_identity(const struct vir0_expr *e)
{
	struct vir0_expr *l = e->arg[0], *r = e->arg[1];
	struct vir0_expr *lit = r->kind == VIR0_EXPR_LIT_BOOL ? r :
				l->kind == VIR0_EXPR_LIT_BOOL ? l : NULL;
	if (!lit || (e->op != VIR0_BIN_AND && e->op != VIR0_BIN_OR))
		return NULL;
	struct vir0_expr *other = lit == r ? l : r;
	uint32_t neutral = e->op == VIR0_BIN_AND;  /* true for And, false for Or */
	if (lit->bits == neutral)
		return other;
	return vir0_expr_is_pure(other) ? lit : NULL;
}

static struct vir0_expr *fold_binop(vir0_program *p, const struct vir0_expr *e)
{
	uint8_t lt = vir0_literal_type(e->arg[0]), rt = vir0_literal_type(e->arg[1]);
	if (lt && rt)
		return vir0_literal_new(p, vir0_binop_result_type(e->op, lt),
					vir0_eval_binop(e->op, lt, e->arg[0]->bits, e->arg[1]->bits));
	struct vir0_expr *r = bool_identity(e);
	int integer = lt == VIR0_TYPE_U32 || lt == VIR0_TYPE_I32 ||
		      rt == VIR0_TYPE_U32 || rt == VIR0_TYPE_I32;
	if (!r && integer && !(r = int_identity(e)))
		r = int_absorbing(e);
	return r;
}

static struct vir0_expr *fold_expr(vir0_program *p, const struct vir0_expr *e)
{
	const struct vir0_expr *a = e->arg[0];
	switch (e->kind) {
	case VIR0_EXPR_BINOP:
		return fold_binop(p, e);
	case VIR0_EXPR_UNOP:
		if (!vir0_literal_type(a))
			return NULL;
		return vir0_literal_new(p, vir0_unop_result_type(e->op, vir0_literal_type(a)),
					vir0_eval_unop(e->op, vir0_literal_type(a), a->bits));
	case VIR0_EXPR_CAST:
		if (!vir0_literal_type(a))
			return NULL;
		return vir0_literal_new(p, e->type.kind,
					vir0_eval_cast(vir0_literal_type(a), e->type.kind, a->bits));
	case VIR0_EXPR_SELECT: {
		/* All three operands are evaluated (fmt §9.3): the dropped one
		 * must have no side effect. */
		if (!vir0_literal_type(a))
			return NULL;
		struct vir0_expr *kept = a->bits ? e->arg[1] : e->arg[2];
		struct vir0_expr *dropped = a->bits ? e->arg[2] : e->arg[1];
		return vir0_expr_is_pure(dropped) ? kept : NULL;
	}
	case VIR0_EXPR_FMA:
		if (!vir0_literal_type(a) || !vir0_literal_type(e->arg[1]) ||
		    !vir0_literal_type(e->arg[2]))
			return NULL;
		return vir0_literal_new(p, VIR0_TYPE_F32,
					vir0_f32_fma(a->bits, e->arg[1]->bits, e->arg[2]->bits));
	default:
		return NULL;
	}
}

static struct vir0_expr *fold_rule_expr(vir0_program *p, const struct vir0_expr *e,
					const struct fold_state *state)
{
	(void)state;
	return fold_expr(p, e);
}

static struct vir0_expr *propagate_rule(vir0_program *p, const struct vir0_expr *e,
					const struct fold_state *state)
{
	if (e->kind != VIR0_EXPR_VAR || strcmp(e->name, state->name) != 0)
		return NULL;
	return vir0_expr_copy(p, state->literal);
}

/* Apply state->rule to every expression under *slot, children first, where
 * `guard` allows the result. (An allocation that fails leaves the
 * expression as it was, which is still correct.) */
static void rewrite_expr(vir0_program *p, struct vir0_expr **slot, struct fold_guard guard,
			 struct fold_state *state)
{
	struct vir0_expr *e = *slot;
	int division = e->kind == VIR0_EXPR_BINOP &&
		       (e->op == VIR0_BIN_DIV || e->op == VIR0_BIN_MOD);
	for (int i = 0; i < 3; i++) {
		struct fold_guard inner = {
			.divisor = (division && i == 1) ||
				   (e->kind == VIR0_EXPR_CAST && guard.divisor),
		};
		if (e->arg[i])
			rewrite_expr(p, &e->arg[i], inner, state);
	}
	for (uint32_t i = 0; i < e->nargs; i++)
		rewrite_expr(p, &e->args[i], (struct fold_guard){ 0 }, state);
	struct vir0_expr *replacement = state->rule(p, e, state);
	if (replacement && guard_allows(&guard, replacement)) {
		*slot = replacement;
		state->changes++;
	}
}

static uint32_t buffer_count(const vir0_program *p, const char *name)
{
	for (uint32_t i = 0; i < p->nbuffers; i++)
		if (strcmp(p->buffers[i].name, name) == 0)
			return p->buffers[i].count;
	return 0;
}

static void rewrite_list(vir0_program *p, struct vir0_node_list *list, struct fold_state *state)
{
	for (uint32_t i = 0; i < list->count; i++) {
		struct vir0_node *node = list->items[i];
		for (int v = 0; v < 2; v++) {
			struct fold_guard guard = { 0 };
			if (node->kind == VIR0_NODE_STORE && v == 0)
				guard.store_count = buffer_count(p, node->name);
			if (node->value[v])
				rewrite_expr(p, &node->value[v], guard, state);
		}
		rewrite_list(p, &node->body, state);
		rewrite_list(p, &node->otherwise, state);
	}
}

/* Replace reads of each never-assigned Let of a literal by the literal,
 * in the rest of its scope; the dead Let is left to "dce". */
static void propagate(vir0_program *p, struct vir0_node_list *list, struct fold_state *state)
{
	for (uint32_t i = 0; i < list->count; i++) {
		struct vir0_node *node = list->items[i];
		propagate(p, &node->body, state);
		propagate(p, &node->otherwise, state);
		if (node->kind != VIR0_NODE_LET || !vir0_literal_type(node->value[0]) ||
		    vir0_count_assigns(list, i + 1, node->name) != 0)
			continue;
		struct vir0_node_list rest = { .items = list->items + i + 1,
					       .count = list->count - i - 1 };
		state->rule = propagate_rule;
		state->name = node->name;
		state->literal = node->value[0];
		rewrite_list(p, &rest, state);
	}
}

int vir0_rewrite_fold(vir0_program *program, unsigned param, const char **why)
{
	(void)param;
	struct fold_state state = { 0 };
	uint32_t before;
	int round = 0;
	do {
		before = state.changes;
		propagate(program, &program->body, &state);
		state.rule = fold_rule_expr;
		rewrite_list(program, &program->body, &state);
	} while (state.changes != before && ++round < FOLD_MAX_ROUNDS);
	if (state.changes == 0) {
		*why = "no constant expression, propagatable Let or identity to fold";
		return 0;
	}
	return 1;
}
