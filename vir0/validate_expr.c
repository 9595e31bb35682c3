/* validate_expr.c - checks one expression tree (fmt §8.4, V21-V30, V40)
 * and works out its static type and whether it is uniform.
 *
 * Uniform (fmt §8.6): certain to have the same value in every invocation
 * of a workgroup. Literals, BufLen and WorkgroupId are uniform; a Var is
 * uniform when its binding is marked uniform (validate_node.c keeps those
 * marks); BinOp, UnOp, Cast, Select and Fma are uniform when all their
 * operands are; InvocationId, LocalId, Load and Atomic never are. */
#include "validate.h"

#include "expr_type.h"
#include "names.h"

#include <string.h>

int vir0_validate_expr_at(struct vir0_validator *v, const struct vir0_expr *e,
			  const char *field, uint32_t level, struct vir0_expr_info *out)
{
	size_t len = vir0_validate_path_field(v, field);
	int rc = vir0_validate_expr(v, e, level, out);
	vir0_validate_path_pop(v, len);
	return rc;
}

/* As `operand`, and the operand must have type `want` (messages call it
 * `what`, e.g. "the index"). */
static int operand_of_type(struct vir0_validator *v, const struct vir0_expr *e,
			   const char *field, uint32_t level, uint8_t want, const char *what,
			   struct vir0_expr_info *out)
{
	int rc = vir0_validate_expr_at(v, e, field, level, out);
	if (rc || out->type == want)
		return rc;
	return vir0_validate_fail_at(v, field, VIR0_EINVALID, "%s has type %s but must be "
				     "%s: cast it to %s", what, vir0_validate_type_name(out->type),
				     vir0_validate_type_name(want), vir0_validate_type_name(want));
}

static int outside_core(struct vir0_validator *v, const char *what, const char *advice)
{
	return vir0_validate_fail(v, VIR0_EUNSUPPORTED,
				  "%s is outside the core profile of starpu-vir0: %s", what, advice);
}

int vir0_expr_statically_zero(const struct vir0_expr *e)
{
	while (e && e->kind == VIR0_EXPR_CAST)
		e = e->arg[0];
	if (!e)
		return 0;
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32: case VIR0_EXPR_LIT_I32:
		return e->bits == 0;
	case VIR0_EXPR_LIT_F32:
		return (e->bits & 0x7FFFFFFFu) == 0;
	default:
		return 0;
	}
}

static int check_binop(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
		       struct vir0_expr_info *out)
{
	const char *name = vir0_binop_name(e->op);
	if (e->op == VIR0_OP_OPAQUE)
		return outside_core(v, "an opaque binary operator",
				    "rewrite it with the core binary operators");
	if (!name)
		return vir0_validate_fail(v, VIR0_EINVALID, "binary operator code 0x%02x is "
					  "not defined: use a code of fmt §6.1", e->op);
	if (!vir0_binop_is_core(e->op))
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED, "binary operator %s is outside "
					  "the core profile of starpu-vir0: rewrite it with core "
					  "operators (fmt §6.1)", name);
	struct vir0_expr_info left, right;
	int rc = vir0_validate_expr_at(v, e->arg[0], "left", level, &left);
	if (!rc)
		rc = vir0_validate_expr_at(v, e->arg[1], "right", level, &right);
	if (rc)
		return rc;
	char types[48];
	if (left.type != right.type)
		return vir0_validate_fail(v, VIR0_EINVALID, "%s has operands of types %s and %s: "
					  "cast one so that both have the same type (V21)",
					  name, vir0_validate_type_name(left.type), vir0_validate_type_name(right.type));
	out->type = vir0_binop_result_type(e->op, left.type);
	if (!out->type)
		return vir0_validate_fail(v, VIR0_EINVALID, "%s does not take %s operands: it "
					  "takes %s, so cast the operands (V21)", name,
					  vir0_validate_type_name(left.type),
					  vir0_binop_operand_types(e->op, types, sizeof(types)));
	if ((e->op == VIR0_BIN_DIV || e->op == VIR0_BIN_MOD) &&
	    vir0_expr_statically_zero(e->arg[1]))
		return vir0_validate_fail(v, VIR0_EINVALID, "%s by a literal zero: divide by a "
					  "non-zero value (V23)", name);
	out->uniform = left.uniform && right.uniform;
	return VIR0_OK;
}

static int check_unop(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
		      struct vir0_expr_info *out)
{
	const char *name = vir0_unop_name(e->op);
	if (e->op == VIR0_OP_OPAQUE)
		return outside_core(v, "an opaque unary operator",
				    "rewrite it with the core unary operators");
	if (!name)
		return vir0_validate_fail(v, VIR0_EINVALID, "unary operator code 0x%02x is not "
					  "defined: use a code of fmt §6.2", e->op);
	if (!vir0_unop_is_core(e->op))
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED, "unary operator %s is outside "
					  "the core profile of starpu-vir0: rewrite it with core "
					  "operators (fmt §6.2)", name);
	struct vir0_expr_info arg;
	int rc = vir0_validate_expr_at(v, e->arg[0], "operand", level, &arg);
	if (rc)
		return rc;
	char types[48];
	out->type = vir0_unop_result_type(e->op, arg.type);
	if (!out->type)
		return vir0_validate_fail(v, VIR0_EINVALID, "%s does not take an operand of type "
					  "%s: it takes %s, so cast the operand (V22)", name,
					  vir0_validate_type_name(arg.type),
					  vir0_unop_operand_types(e->op, types, sizeof(types)));
	out->uniform = arg.uniform;
	return VIR0_OK;
}

/* Conditions of Select and If (V15) are bool, or u32 meaning != 0. */
int vir0_validate_condition(struct vir0_validator *v, const struct vir0_expr *cond,
			   const char *field, uint32_t level, struct vir0_expr_info *out)
{
	int rc = vir0_validate_expr_at(v, cond, field, level, out);
	if (rc || out->type == VIR0_TYPE_BOOL || out->type == VIR0_TYPE_U32)
		return rc;
	return vir0_validate_fail_at(v, field, VIR0_EINVALID, "condition has type %s but "
				     "must be bool or u32: compare it with a comparison "
				     "operator (V15)", vir0_validate_type_name(out->type));
}

static int check_select(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
			struct vir0_expr_info *out)
{
	struct vir0_expr_info cond, yes, no;
	int rc = vir0_validate_condition(v, e->arg[0], "cond", level, &cond);
	if (!rc)
		rc = vir0_validate_expr_at(v, e->arg[1], "true_value", level, &yes);
	if (!rc)
		rc = vir0_validate_expr_at(v, e->arg[2], "false_value", level, &no);
	if (rc)
		return rc;
	if (yes.type != no.type)
		return vir0_validate_fail(v, VIR0_EINVALID, "select chooses between values of "
					  "types %s and %s: cast one so that both have the same type "
					  "(V24)",
					  vir0_validate_type_name(yes.type), vir0_validate_type_name(no.type));
	out->type = yes.type;
	out->uniform = cond.uniform && yes.uniform && no.uniform;
	return VIR0_OK;
}

static int check_cast(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
		      struct vir0_expr_info *out)
{
	if (!vir0_is_value_type(e->type.kind)) {
		const char *target = vir0_type_kind_name(e->type.kind);
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED, "cast to %s is outside the core "
					  "profile of starpu-vir0: cast to u32, i32, f32 or bool "
					  "(V25)", target ? target : "an unknown type");
	}
	struct vir0_expr_info value;
	int rc = vir0_validate_expr_at(v, e->arg[0], "value", level, &value);
	if (rc)
		return rc;
	out->type = e->type.kind;
	out->uniform = value.uniform;
	return VIR0_OK;
}

static int check_fma(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
		     struct vir0_expr_info *out)
{
	static const char *const fields[3] = { "a", "b", "c" };
	out->type = VIR0_TYPE_F32;
	out->uniform = 1;
	for (unsigned i = 0; i < 3; i++) {
		struct vir0_expr_info arg;
		int rc = operand_of_type(v, e->arg[i], fields[i], level, VIR0_TYPE_F32,
					 "an fma operand", &arg);
		if (rc)
			return rc;
		out->uniform &= arg.uniform;
	}
	return VIR0_OK;
}

static int check_load(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
		      struct vir0_expr_info *out)
{
	const struct vir0_buffer *b;
	int rc = vir0_validate_buffer(v, e->name, "load", &b);
	if (rc)
		return rc;
	struct vir0_expr_info index;
	rc = operand_of_type(v, e->arg[0], "index", level, VIR0_TYPE_U32,
				 "the load index", &index);
	out->type = vir0_element_load_type(b->element.kind);
	out->uniform = 0;
	return rc;
}

static int check_atomic(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
			struct vir0_expr_info *out)
{
	const char *op = vir0_atomic_op_name(e->op);
	if (e->op == VIR0_OP_OPAQUE)
		return outside_core(v, "an opaque atomic operator",
				    "use add, or, and, xor, min, max, exchange or "
				    "compare_exchange");
	if (!op)
		return vir0_validate_fail(v, VIR0_EINVALID, "atomic operator code 0x%02x is not "
					  "defined: use a code of fmt §6.3", e->op);
	if (!vir0_atomic_op_is_core(e->op))
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED, "atomic %s is outside the core "
					  "profile of starpu-vir0: use add, or, and, xor, min, max, "
					  "exchange or compare_exchange", op);
	if (e->ordering > VIR0_ORDER_SEQ_CST)
		return vir0_validate_fail(v, VIR0_EINVALID, "atomic %s has memory ordering %u: "
					  "atomics take relaxed, acquire, release, acq_rel or "
					  "seq_cst (V27)", op, e->ordering);
	const struct vir0_buffer *b;
	int rc = vir0_validate_buffer(v, e->name, "atomic", &b);
	if (rc)
		return rc;
	if (b->access != VIR0_ACCESS_READ_WRITE && b->access != VIR0_ACCESS_WORKGROUP)
		return vir0_validate_fail(v, VIR0_EINVALID, "atomic %s on %s buffer '%s': "
					  "declare it read_write or workgroup (V27)", op,
					  vir0_access_name(b->access), b->name);
	uint8_t element = b->element.kind;
	if (element != VIR0_TYPE_U32 && element != VIR0_TYPE_I32)
		return vir0_validate_fail(v, VIR0_EINVALID, "atomic %s on buffer '%s' of %s "
					  "elements: atomics need u32 or i32 elements (V27)", op,
					  b->name, vir0_validate_type_name(element));
	struct vir0_expr_info arg;
	rc = operand_of_type(v, e->arg[0], "index", level, VIR0_TYPE_U32,
			     "the atomic index", &arg);
	if (rc)
		return rc;
	int wants_expected = e->op == VIR0_ATOMIC_COMPARE_EXCHANGE;
	if (wants_expected && !e->arg[1])
		return vir0_validate_fail(v, VIR0_EINVALID, "atomic compare_exchange has no "
					  "expected value: give it one (V28)");
	if (!wants_expected && e->arg[1])
		return vir0_validate_fail(v, VIR0_EINVALID, "atomic %s has an expected value, "
					  "which only compare_exchange takes: remove it (V28)", op);
	if (e->arg[1]) {
		rc = operand_of_type(v, e->arg[1], "expected", level, element,
				     "the expected value", &arg);
		if (rc)
			return rc;
	}
	rc = operand_of_type(v, e->arg[2], "value", level, element, "the atomic value", &arg);
	out->type = element;
	out->uniform = 0;
	return rc;
}

static int check_var(struct vir0_validator *v, const struct vir0_expr *e,
		     struct vir0_expr_info *out)
{
	if (!e->name || !e->name[0])
		return vir0_validate_fail(v, VIR0_EINVALID, "variable reference with an empty "
					  "name: name a Let or Loop variable (V8)");
	const struct vir0_local *local = vir0_scope_find(&v->scope, e->name);
	if (!local)
		return vir0_validate_fail(v, VIR0_EINVALID, "variable '%s' is not in scope here: "
					  "bind it with a Let before this use, in this list or an "
					  "enclosing one (V12)", e->name);
	out->type = local->type;
	out->uniform = local->uniform;
	return VIR0_OK;
}

static int check_id(struct vir0_validator *v, const struct vir0_expr *e,
		    struct vir0_expr_info *out)
{
	if (e->axis > 2)
		return vir0_validate_fail(v, VIR0_EINVALID, "%s axis %u does not exist: use "
					  "axis 0, 1 or 2 (V30)", vir0_expr_kind_name(e->kind),
					  e->axis);
	out->type = VIR0_TYPE_U32;
	out->uniform = e->kind == VIR0_EXPR_WORKGROUP_ID;
	return VIR0_OK;
}

static int check_literal(struct vir0_validator *v, const struct vir0_expr *e, uint8_t type,
			 struct vir0_expr_info *out)
{
	if (type == VIR0_TYPE_BOOL && e->bits > 1)
		return vir0_validate_fail(v, VIR0_EINVALID, "bool literal holds %u: use 0 or 1",
					  e->bits);
	out->type = type;
	out->uniform = 1;
	return VIR0_OK;
}

int vir0_validate_expr(struct vir0_validator *v, const struct vir0_expr *e, uint32_t level,
		       struct vir0_expr_info *out)
{
	int rc = vir0_validate_depth(v, level);
	if (rc)
		return rc;
	if (!e)
		return vir0_validate_fail(v, VIR0_EINVALID, "expression is missing: every "
					  "operand needs an expression");
	memset(out, 0, sizeof(*out));
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32:
		return check_literal(v, e, VIR0_TYPE_U32, out);
	case VIR0_EXPR_LIT_I32:
		return check_literal(v, e, VIR0_TYPE_I32, out);
	case VIR0_EXPR_LIT_F32:
		return check_literal(v, e, VIR0_TYPE_F32, out);
	case VIR0_EXPR_LIT_BOOL:
		return check_literal(v, e, VIR0_TYPE_BOOL, out);
	case VIR0_EXPR_VAR:
		return check_var(v, e, out);
	case VIR0_EXPR_LOAD:
		return check_load(v, e, level + 1, out);
	case VIR0_EXPR_BUF_LEN: {
		const struct vir0_buffer *b;
		out->type = VIR0_TYPE_U32;
		out->uniform = 1;
		return vir0_validate_buffer(v, e->name, "buf_len", &b);
	}
	case VIR0_EXPR_INVOCATION_ID: case VIR0_EXPR_WORKGROUP_ID: case VIR0_EXPR_LOCAL_ID:
		return check_id(v, e, out);
	case VIR0_EXPR_BINOP:
		return check_binop(v, e, level + 1, out);
	case VIR0_EXPR_UNOP:
		return check_unop(v, e, level + 1, out);
	case VIR0_EXPR_SELECT:
		return check_select(v, e, level + 1, out);
	case VIR0_EXPR_CAST:
		return check_cast(v, e, level + 1, out);
	case VIR0_EXPR_FMA:
		return check_fma(v, e, level + 1, out);
	case VIR0_EXPR_ATOMIC:
		return check_atomic(v, e, level + 1, out);
	default: {
		const char *kind = vir0_expr_kind_name(e->kind);
		if (!kind)
			return vir0_validate_fail(v, VIR0_EINVALID, "expression kind %u is not "
						  "defined: use a kind of fmt §4", e->kind);
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED, "expression %s is outside the "
					  "core profile of starpu-vir0: rewrite it with core "
					  "expressions (fmt §0.2)", kind);
	}
	}
}
