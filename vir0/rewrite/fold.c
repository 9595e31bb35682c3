/* fold.c - the "fold" rewrite: constant propagation of Lets that are
 * never assigned, constant folding with the executors' own value
 * semantics (scalar_ops.h), and integer and bool identities. Nothing with
 * a side effect (an Atomic) is ever dropped, and no f32 identity is used:
 * x + 0.0 is not x when x is -0.0. */
#include "rewrite.h"

#include "expr_type.h"
#include "scalar_ops.h"
#include "tree.h"

#include <string.h>

/* Rounds of propagate-then-fold; each round can expose literals for the
 * next, and the bound keeps the rewrite cheap. */
#define FOLD_MAX_ROUNDS 8

struct fold_state {
	uint32_t changes;
	const char *name;                 /* propagation: the Var to replace */
	const struct vir0_expr *literal;  /* ... by a copy of this */
};

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

static int fold_visit(vir0_program *p, struct vir0_expr **slot, void *context)
{
	struct fold_state *state = context;
	struct vir0_expr *folded = fold_expr(p, *slot);
	if (folded) {
		*slot = folded;
		state->changes++;
	}
	return 0;
}

static int propagate_visit(vir0_program *p, struct vir0_expr **slot, void *context)
{
	struct fold_state *state = context;
	if ((*slot)->kind != VIR0_EXPR_VAR || strcmp((*slot)->name, state->name) != 0)
		return 0;
	struct vir0_expr *copy = vir0_expr_copy(p, state->literal);
	if (!copy)
		return VIR0_ENOMEM;
	*slot = copy;
	state->changes++;
	return 0;
}

/* Replace reads of each never-assigned Let of a literal by the literal,
 * in the rest of its scope; the dead Let is left to "dce". */
static int propagate(vir0_program *p, struct vir0_node_list *list, struct fold_state *state)
{
	for (uint32_t i = 0; i < list->count; i++) {
		struct vir0_node *node = list->items[i];
		int status = propagate(p, &node->body, state);
		if (!status)
			status = propagate(p, &node->otherwise, state);
		if (status)
			return status;
		if (node->kind != VIR0_NODE_LET || !vir0_literal_type(node->value[0]) ||
		    vir0_count_assigns(list, i + 1, node->name) != 0)
			continue;
		struct vir0_node_list rest = { .items = list->items + i + 1,
					       .count = list->count - i - 1 };
		state->name = node->name;
		state->literal = node->value[0];
		if ((status = vir0_walk_exprs(p, &rest, propagate_visit, state)))
			return status;
	}
	return 0;
}

int vir0_rewrite_fold(vir0_program *program, unsigned param, const char **why)
{
	(void)param;
	struct fold_state state = { 0 };
	uint32_t before;
	int round = 0;
	do {
		before = state.changes;
		int status = propagate(program, &program->body, &state);
		if (!status)
			status = vir0_walk_exprs(program, &program->body, fold_visit, &state);
		if (status)
			return status;
	} while (state.changes != before && ++round < FOLD_MAX_ROUNDS);
	if (state.changes == 0) {
		*why = "no constant expression, propagatable Let or identity to fold";
		return 0;
	}
	return 1;
}
