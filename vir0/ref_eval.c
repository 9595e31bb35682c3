/* ref_eval.c - expressions of the reference interpreter, evaluated
 * eagerly, operands left to right in wire order (fmt §9.3). */
#include "ref_interp.h"

#include "expr_type.h"
#include "scalar_ops.h"

#include <string.h>

struct vir0_ref_binding *vir0_ref_lookup(const struct vir0_ref_invocation *inv,
					 const char *name)
{
	/* Newest first; no shadowing (fmt V11) makes the visible one unique. */
	for (uint32_t i = inv->nbindings; i-- > 0;)
		if (strcmp(inv->bindings[i].name, name) == 0)
			return &inv->bindings[i];
	return NULL;
}

static struct vir0_ref_value value(uint8_t type, uint32_t bits)
{
	struct vir0_ref_value v = { .bits = bits, .type = type };
	return v;
}

static const struct vir0_buffer_view *view_of(const struct vir0_ref_workgroup *group,
					      const char *name)
{
	return &group->views[vir0_buffer_index(group->program, name)];
}

static uint32_t id_of(const struct vir0_ref_workgroup *group,
		      const struct vir0_ref_invocation *inv, const struct vir0_expr *expr)
{
	unsigned a = expr->axis;
	switch (expr->kind) {
	case VIR0_EXPR_WORKGROUP_ID: return group->group_id[a];
	case VIR0_EXPR_LOCAL_ID: return inv->local_id[a];
	default: /* InvocationId (fmt §1.6) */
		return group->group_id[a] * group->program->workgroup_size[a] + inv->local_id[a];
	}
}

/* Atomic (fmt §9.10): one indivisible step, since the reference runs one
 * invocation at a time. */
static struct vir0_ref_value eval_atomic(const struct vir0_ref_workgroup *group,
					 const struct vir0_ref_invocation *inv,
					 const struct vir0_expr *expr)
{
	const struct vir0_buffer_view *view = view_of(group, expr->name);
	uint8_t type = vir0_element_load_type(view->element);
	uint32_t index = vir0_ref_eval(group, inv, expr->arg[0]).bits;
	uint32_t expected = expr->arg[1] ? vir0_ref_eval(group, inv, expr->arg[1]).bits : 0;
	uint32_t operand = vir0_ref_eval(group, inv, expr->arg[2]).bits;
	if (index >= view->length)
		return value(type, 0);
	uint32_t old = vir0_view_load(view, index);
	vir0_view_store(view, index,
			vir0_atomic_new_value(expr->op, view->element, old, operand, expected));
	return value(type, old);
}

static struct vir0_ref_value eval_select(const struct vir0_ref_workgroup *group,
					 const struct vir0_ref_invocation *inv,
					 const struct vir0_expr *expr)
{
	struct vir0_ref_value cond = vir0_ref_eval(group, inv, expr->arg[0]);
	struct vir0_ref_value if_true = vir0_ref_eval(group, inv, expr->arg[1]);
	struct vir0_ref_value if_false = vir0_ref_eval(group, inv, expr->arg[2]);
	return cond.bits != 0 ? if_true : if_false;
}

static struct vir0_ref_value eval_binop(const struct vir0_ref_workgroup *group,
					const struct vir0_ref_invocation *inv,
					const struct vir0_expr *expr)
{
	struct vir0_ref_value left = vir0_ref_eval(group, inv, expr->arg[0]);
	struct vir0_ref_value right = vir0_ref_eval(group, inv, expr->arg[1]);
	return value(vir0_binop_result_type(expr->op, left.type),
		     vir0_eval_binop(expr->op, left.type, left.bits, right.bits));
}

static struct vir0_ref_value eval_fma(const struct vir0_ref_workgroup *group,
				      const struct vir0_ref_invocation *inv,
				      const struct vir0_expr *expr)
{
	uint32_t a = vir0_ref_eval(group, inv, expr->arg[0]).bits;
	uint32_t b = vir0_ref_eval(group, inv, expr->arg[1]).bits;
	uint32_t c = vir0_ref_eval(group, inv, expr->arg[2]).bits;
	return value(VIR0_TYPE_F32, vir0_f32_fma(a, b, c));
}

struct vir0_ref_value vir0_ref_eval(const struct vir0_ref_workgroup *group,
				    const struct vir0_ref_invocation *inv,
				    const struct vir0_expr *expr)
{
	switch (expr->kind) {
	case VIR0_EXPR_LIT_U32: return value(VIR0_TYPE_U32, expr->bits);
	case VIR0_EXPR_LIT_I32: return value(VIR0_TYPE_I32, expr->bits);
	case VIR0_EXPR_LIT_BOOL: return value(VIR0_TYPE_BOOL, expr->bits != 0);
	case VIR0_EXPR_LIT_F32: return value(VIR0_TYPE_F32, vir0_f32_canon(expr->bits));
	case VIR0_EXPR_VAR: return vir0_ref_lookup(inv, expr->name)->value;
	case VIR0_EXPR_LOAD: {
		const struct vir0_buffer_view *view = view_of(group, expr->name);
		uint32_t index = vir0_ref_eval(group, inv, expr->arg[0]).bits;
		return value(vir0_element_load_type(view->element), vir0_view_load(view, index));
	}
	case VIR0_EXPR_BUF_LEN: return value(VIR0_TYPE_U32, view_of(group, expr->name)->length);
	case VIR0_EXPR_INVOCATION_ID:
	case VIR0_EXPR_WORKGROUP_ID:
	case VIR0_EXPR_LOCAL_ID: return value(VIR0_TYPE_U32, id_of(group, inv, expr));
	case VIR0_EXPR_BINOP: return eval_binop(group, inv, expr);
	case VIR0_EXPR_UNOP: {
		struct vir0_ref_value operand = vir0_ref_eval(group, inv, expr->arg[0]);
		return value(vir0_unop_result_type(expr->op, operand.type),
			     vir0_eval_unop(expr->op, operand.type, operand.bits));
	}
	case VIR0_EXPR_SELECT: return eval_select(group, inv, expr);
	case VIR0_EXPR_CAST: {
		struct vir0_ref_value operand = vir0_ref_eval(group, inv, expr->arg[0]);
		return value(expr->type.kind,
			     vir0_eval_cast(operand.type, expr->type.kind, operand.bits));
	}
	case VIR0_EXPR_FMA: return eval_fma(group, inv, expr);
	case VIR0_EXPR_ATOMIC: return eval_atomic(group, inv, expr);
	default: /* outside the core profile: the validator refused it */
		return value(0, 0);
	}
}
