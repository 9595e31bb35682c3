/* progen_mirror.c - a race detector for generated programs that needs no
 * instrumented executor. The mirrored program replaces every id by its
 * reflection (InvocationId(a) -> extent[a] - 1 - InvocationId(a), and the
 * same for WorkgroupId and LocalId, which keeps InvocationId = WorkgroupId
 * * size + LocalId), so hardware invocation h plays the part of invocation
 * "last - h". Each logical invocation computes what it did before, but an
 * executor with a fixed order (the reference runs workgroups and
 * invocations in increasing order) now runs them in the opposite order. A
 * race-free program gives the same bytes; a race between two invocations,
 * or an atomic old value that depends on order, swaps its winner and shows
 * up as a difference. */
#include "progen.h"

static int mirror_expr(vir0_program *p, struct vir0_expr *e, const uint32_t groups[3])
{
	for (int i = 0; i < 3; i++) {
		int rc = e->arg[i] ? mirror_expr(p, e->arg[i], groups) : VIR0_OK;
		if (rc)
			return rc;
	}
	unsigned axis = e->axis;
	uint32_t last;
	struct vir0_expr *id;
	switch (e->kind) {
	case VIR0_EXPR_INVOCATION_ID:
		last = groups[axis] * p->workgroup_size[axis] - 1;
		id = vir0_invocation_id(p, axis);
		break;
	case VIR0_EXPR_WORKGROUP_ID:
		last = groups[axis] - 1;
		id = vir0_workgroup_id(p, axis);
		break;
	case VIR0_EXPR_LOCAL_ID:
		last = p->workgroup_size[axis] - 1;
		id = vir0_local_id(p, axis);
		break;
	default:
		return VIR0_OK;
	}
	struct vir0_expr *bound = vir0_lit_u32(p, last);
	if (!id || !bound)
		return VIR0_ENOMEM;
	/* Turn the id node itself into Sub(last, id), so parents need no update. */
	e->kind = VIR0_EXPR_BINOP;
	e->op = VIR0_BIN_SUB;
	e->axis = 0;
	e->arg[0] = bound;
	e->arg[1] = id;
	return VIR0_OK;
}

static int mirror_list(vir0_program *p, struct vir0_node_list *list, const uint32_t groups[3])
{
	for (uint32_t i = 0; i < list->count; i++) {
		struct vir0_node *n = list->items[i];
		for (int v = 0; v < 2; v++) {
			int rc = n->value[v] ? mirror_expr(p, n->value[v], groups) : VIR0_OK;
			if (rc)
				return rc;
		}
		int rc = mirror_list(p, &n->body, groups);
		if (!rc)
			rc = mirror_list(p, &n->otherwise, groups);
		if (rc)
			return rc;
	}
	return VIR0_OK;
}

int progen_mirror_ids(vir0_program *p, const uint32_t groups[3])
{
	return mirror_list(p, &p->body, groups);
}
