/* validate_node.c - checks statements (fmt §8.2, §8.3, §8.6): scopes and
 * shadowing, assignments, stores, loop bounds, Return placement, and
 * barriers only in workgroup-uniform control flow.
 *
 * Divergent control flow (fmt §8.6): the entry body is not divergent; If
 * branches are divergent when the If is, or its condition is not uniform;
 * a Loop body is divergent when the Loop is, or a bound is not uniform;
 * Block and Region bodies inherit their parent's state.
 *
 * Uniform bindings: a Let is uniform when its value is; a Loop variable
 * when both bounds are uniform and the Loop is not divergent; an Assign
 * keeps its binding uniform only when the value is uniform and the Assign
 * is not divergent. One more rule closes the loop back-edge that a single
 * forward walk would miss (starpu-vir0 tightening beyond fmt §8.6): a
 * binding from outside a Loop that the Loop's body assigns anywhere is
 * non-uniform from the start of that Loop on, since a later iteration may
 * see a value that only some invocations assigned. Without it,
 *   let n = 1; loop i in 0..4 { if n == 1 { barrier } if local_id == 0 { n = 2 } }
 * would pass and deadlock the workgroup in the second iteration. */
#include "validate.h"

#include "expr_type.h"
#include "names.h"

/* V8 and V11 for the name a Let or a Loop binds. */
static int check_new_name(struct vir0_validator *v, const char *name, const char *what)
{
	if (!name || !name[0])
		return vir0_validate_fail(v, VIR0_EINVALID, "%s with an empty name: give it a "
					  "non-empty name (V8)", what);
	if (vir0_scope_find(&v->scope, name))
		return vir0_validate_fail(v, VIR0_EINVALID, "%s '%s' shadows a variable of the "
					  "same name that is still in scope: rename one of them "
					  "(V11)", what, name);
	return VIR0_OK;
}

static int bind(struct vir0_validator *v, const char *name, uint8_t type, int is_mutable,
		int uniform)
{
	if (vir0_scope_bind(&v->scope, name, type, is_mutable, uniform))
		return vir0_validate_fail(v, VIR0_ENOMEM, "out of memory while validating");
	return VIR0_OK;
}

static int check_let(struct vir0_validator *v, const struct vir0_node *n, uint32_t level)
{
	struct vir0_expr_info value;
	if (!n->name || !n->name[0])
		return check_new_name(v, n->name, "let");
	int rc = vir0_validate_expr_at(v, n->value[0], "value", level, &value);
	if (!rc)
		rc = check_new_name(v, n->name, "let");
	if (!rc)
		rc = bind(v, n->name, value.type, 1, value.uniform);
	return rc;
}

static int check_assign(struct vir0_validator *v, const struct vir0_node *n, uint32_t level,
			int divergent)
{
	const char *name = n->name ? n->name : "";
	struct vir0_local *local = vir0_scope_find(&v->scope, name);
	if (!local)
		return vir0_validate_fail(v, VIR0_EINVALID, "assignment to '%s', which is not a "
					  "variable in scope: bind it with a Let first (V13)", name);
	if (!local->is_mutable)
		return vir0_validate_fail(v, VIR0_EINVALID, "assignment to loop variable '%s': "
					  "loop variables are read-only, copy it into a Let and "
					  "assign that (V13)", name);
	struct vir0_expr_info value;
	int rc = vir0_validate_expr_at(v, n->value[0], "value", level, &value);
	if (rc)
		return rc;
	/* Expressions bind nothing, so `local` is still valid. */
	if (value.type != local->type)
		return vir0_validate_fail_at(v, "value", VIR0_EINVALID,
					     "assignment of a value of type %s to '%s', which "
					     "holds a %s: cast the value to %s (V13)",
					     vir0_validate_type_name(value.type), name,
					     vir0_validate_type_name(local->type), vir0_validate_type_name(local->type));
	local->uniform = local->uniform && value.uniform && !divergent;
	return VIR0_OK;
}

static int check_store(struct vir0_validator *v, const struct vir0_node *n, uint32_t level)
{
	const struct vir0_buffer *b;
	int rc = vir0_validate_buffer(v, n->name, "store", &b);
	if (rc)
		return rc;
	if (b->access != VIR0_ACCESS_READ_WRITE && b->access != VIR0_ACCESS_WORKGROUP)
		return vir0_validate_fail(v, VIR0_EINVALID, "store into %s buffer '%s': declare "
					  "it read_write, or store into a read_write or workgroup "
					  "buffer (V17)", vir0_access_name(b->access), b->name);
	struct vir0_expr_info index, value;
	rc = vir0_validate_expr_at(v, n->value[0], "index", level, &index);
	if (rc)
		return rc;
	if (index.type != VIR0_TYPE_U32)
		return vir0_validate_fail_at(v, "index", VIR0_EINVALID,
					     "store index has type %s but must be u32: cast it "
					     "to u32 (V17)", vir0_validate_type_name(index.type));
	rc = vir0_validate_expr_at(v, n->value[1], "value", level, &value);
	if (rc)
		return rc;
	uint8_t want = vir0_element_load_type(b->element.kind);
	if (value.type != want)
		return vir0_validate_fail_at(v, "value", VIR0_EINVALID,
					     "store of a value of type %s into buffer '%s' of %s "
					     "elements, which takes %s: cast the value (V17)",
					     vir0_validate_type_name(value.type), b->name,
					     vir0_validate_type_name(b->element.kind), vir0_validate_type_name(want));
	const struct vir0_expr *at = n->value[0];
	if (at->kind == VIR0_EXPR_LIT_U32 && b->count >= 1 && at->bits >= b->count)
		return vir0_validate_fail_at(v, "index", VIR0_EINVALID,
					     "store at index %u of buffer '%s', which has only %u "
					     "elements: use an index below %u (V18)",
					     at->bits, b->name, b->count, b->count);
	return VIR0_OK;
}

/* A nested list in its own scope (Block, If branches, Loop bodies). */
static int scoped_list(struct vir0_validator *v, const struct vir0_node_list *list,
		       const char *field, uint32_t level, int divergent)
{
	uint32_t mark = vir0_scope_open(&v->scope);
	int rc = vir0_validate_list(v, list, field, level, divergent);
	vir0_scope_close(&v->scope, mark);
	return rc;
}

static int check_if(struct vir0_validator *v, const struct vir0_node *n, uint32_t level,
		    int divergent)
{
	struct vir0_expr_info cond;
	int rc = vir0_validate_condition(v, n->value[0], "cond", level, &cond);
	int branches_divergent = divergent || !cond.uniform;
	if (!rc)
		rc = scoped_list(v, &n->body, "then", level, branches_divergent);
	if (!rc)
		rc = scoped_list(v, &n->otherwise, "otherwise", level, branches_divergent);
	return rc;
}

/* The loop back-edge rule of the header comment: every binding in scope
 * that `list` assigns, at any depth, stops being uniform. Lists nested
 * past the depth limit are left to the walk, which rejects them. */
static void demote_assigned(struct vir0_validator *v, const struct vir0_node_list *list,
			    uint32_t level)
{
	if (level > VIR0_VALIDATE_MAX_DEPTH || (list->count && !list->items))
		return;
	for (uint32_t i = 0; i < list->count; i++) {
		const struct vir0_node *n = list->items[i];
		if (!n)
			continue;
		if (n->kind == VIR0_NODE_ASSIGN && n->name) {
			struct vir0_local *local = vir0_scope_find(&v->scope, n->name);
			if (local)
				local->uniform = 0;
		}
		if (n->kind == VIR0_NODE_IF || n->kind == VIR0_NODE_LOOP ||
		    n->kind == VIR0_NODE_BLOCK || n->kind == VIR0_NODE_REGION) {
			demote_assigned(v, &n->body, level + 1);
			demote_assigned(v, &n->otherwise, level + 1);
		}
	}
}

static int check_loop(struct vir0_validator *v, const struct vir0_node *n, uint32_t level,
		      int divergent)
{
	struct vir0_expr_info from, to;
	if (!n->name || !n->name[0])
		return check_new_name(v, n->name, "loop variable");
	int rc = vir0_validate_expr_at(v, n->value[0], "from", level, &from);
	if (rc)
		return rc;
	if (from.type != VIR0_TYPE_U32 && from.type != VIR0_TYPE_I32)
		return vir0_validate_fail_at(v, "from", VIR0_EINVALID,
					     "loop bound has type %s but must be u32 or i32: "
					     "cast it (V16)", vir0_validate_type_name(from.type));
	rc = vir0_validate_expr_at(v, n->value[1], "to", level, &to);
	if (rc)
		return rc;
	if (to.type != from.type)
		return vir0_validate_fail_at(v, "to", VIR0_EINVALID,
					     "loop bounds have types %s and %s: cast them to one "
					     "type, u32 or i32 (V16)", vir0_validate_type_name(from.type),
					     vir0_validate_type_name(to.type));
	rc = check_new_name(v, n->name, "loop variable");
	if (rc)
		return rc;
	int bounds_uniform = from.uniform && to.uniform;
	uint32_t mark = vir0_scope_open(&v->scope);
	demote_assigned(v, &n->body, level);
	rc = bind(v, n->name, from.type, 0, bounds_uniform && !divergent);
	if (!rc)
		rc = vir0_validate_list(v, &n->body, "body", level,
					divergent || !bounds_uniform);
	vir0_scope_close(&v->scope, mark);
	return rc;
}

static int check_barrier(struct vir0_validator *v, const struct vir0_node *n, int divergent)
{
	if (n->ordering == VIR0_ORDER_GRID_SYNC)
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED, "barrier with grid_sync ordering "
					  "is outside the core profile of starpu-vir0: split the "
					  "work into two dispatches, or use a workgroup barrier "
					  "(seq_cst)");
	if (n->ordering == VIR0_ORDER_RELAXED)
		return vir0_validate_fail(v, VIR0_EINVALID, "barrier with relaxed ordering orders "
					  "nothing: use acquire, release, acq_rel or seq_cst (V31)");
	if (n->ordering > VIR0_ORDER_GRID_SYNC)
		return vir0_validate_fail(v, VIR0_EINVALID, "barrier ordering code %u is not "
					  "defined: use acquire (1), release (2), acq_rel (3) or "
					  "seq_cst (4)", n->ordering);
	if (divergent)
		return vir0_validate_fail(v, VIR0_EINVALID, "barrier in divergent control flow, "
					  "which some invocations of a workgroup may skip: move it "
					  "out of the if or loop, or make the condition or bounds "
					  "uniform (literals, buf_len, workgroup_id and uniform "
					  "variables only) (V31)");
	return VIR0_OK;
}

static int check_node(struct vir0_validator *v, const struct vir0_node *n, uint32_t level,
		      int divergent)
{
	int rc = vir0_validate_depth(v, level);
	if (rc)
		return rc;
	if (!n)
		return vir0_validate_fail(v, VIR0_EINVALID, "statement is missing: every list "
					  "entry needs a statement");
	switch (n->kind) {
	case VIR0_NODE_LET:
		return check_let(v, n, level + 1);
	case VIR0_NODE_ASSIGN:
		return check_assign(v, n, level + 1, divergent);
	case VIR0_NODE_STORE:
		return check_store(v, n, level + 1);
	case VIR0_NODE_IF:
		return check_if(v, n, level + 1, divergent);
	case VIR0_NODE_LOOP:
		return check_loop(v, n, level + 1, divergent);
	case VIR0_NODE_RETURN:
		return VIR0_OK;
	case VIR0_NODE_BLOCK:
		return scoped_list(v, &n->body, "body", level + 1, divergent);
	case VIR0_NODE_REGION:
		/* Region opens no scope (V9): its bindings outlive it. */
		return vir0_validate_list(v, &n->body, "body", level + 1, divergent);
	case VIR0_NODE_BARRIER:
		return check_barrier(v, n, divergent);
	default: {
		const char *kind = vir0_node_kind_name(n->kind);
		if (!kind)
			return vir0_validate_fail(v, VIR0_EINVALID, "statement kind %u is not "
						  "defined: use a kind of fmt §5", n->kind);
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED, "statement %s is outside the "
					  "core profile of starpu-vir0: rewrite it with core "
					  "statements (fmt §0.2)", kind);
	}
	}
}

int vir0_validate_list(struct vir0_validator *v, const struct vir0_node_list *list,
		       const char *field, uint32_t level, int divergent)
{
	if (list->count && !list->items) {
		return vir0_validate_fail_at(v, field, VIR0_EINVALID, "statement list claims %u "
					     "entries but holds none: build lists with "
					     "vir0_append", list->count);
	}
	for (uint32_t i = 0; i < list->count; i++) {
		size_t len = vir0_validate_path_item(v, field, i);
		const struct vir0_node *prev = i ? list->items[i - 1] : NULL;
		int rc = prev && prev->kind == VIR0_NODE_RETURN
			? vir0_validate_fail(v, VIR0_EINVALID, "statement after a return is never "
					     "run: remove it, or make the return the last statement "
					     "of its list (V19)")
			: check_node(v, list->items[i], level, divergent);
		vir0_validate_path_pop(v, len);
		if (rc)
			return rc;
	}
	return VIR0_OK;
}
