/* encode_expr.c - Expr tags and payloads, in vyre's put_expr field order
 * (fmt §4). */
#include "encode.h"

#include "wire_rules.h"

/* One operand, named in the error path ("left", "index", ...). */
static int encode_operand(struct vir0_encoder *e, const struct vir0_expr *operand,
			  uint32_t level, const char *name)
{
	size_t path = vir0_encode_path_push(e, "%s", name);
	int rc = vir0_encode_expr(e, operand, level + 1);
	if (!rc)
		vir0_encode_path_pop(e, path);
	return rc;
}

static int encode_operands(struct vir0_encoder *e, const struct vir0_expr *x,
			   uint32_t level, const char *const *names, unsigned n)
{
	int rc = VIR0_OK;
	for (unsigned i = 0; i < n && !rc; i++)
		rc = encode_operand(e, x->arg[i], level, names[i]);
	return rc;
}

static int encode_op(struct vir0_encoder *e, const struct vir0_expr *x, const char *what,
		     int (*known)(uint8_t))
{
	if (x->op == VIR0_OP_OPAQUE) {
		if (!vir0_opaque_id_valid(x->opaque_op))
			return vir0_encode_refuse(e, "opaque %s id 0x%08X needs the high "
						  "bit set (fmt D15)", what, x->opaque_op);
		vir0_wire_put_u8(&e->writer, x->op);
		vir0_wire_put_u32(&e->writer, x->opaque_op);
		return VIR0_OK;
	}
	if (!known(x->op))
		return vir0_encode_refuse(e, "%s 0x%02X is outside its table (fmt §6)",
					  what, x->op);
	vir0_wire_put_u8(&e->writer, x->op);
	return VIR0_OK;
}

static int encode_call(struct vir0_encoder *e, const struct vir0_expr *x, uint32_t level)
{
	int rc = vir0_encode_string(e, "the Call op id", x->name);
	if (rc)
		return rc;
	if (x->nargs > VIR0_MAX_CALL_ARGS)
		return vir0_encode_refuse(e, "Call with %u arguments, above the bound %u "
					  "(fmt D16)", x->nargs, VIR0_MAX_CALL_ARGS);
	if (x->nargs && !x->args)
		return vir0_encode_refuse(e, "Call has nargs = %u but args is NULL",
					  x->nargs);
	vir0_wire_put_u32(&e->writer, x->nargs);
	for (uint32_t i = 0; i < x->nargs && !rc; i++) {
		size_t path = vir0_encode_path_push(e, "args[%u]", i);
		if (!(rc = vir0_encode_expr(e, x->args[i], level + 1)))
			vir0_encode_path_pop(e, path);
	}
	return rc;
}

static int encode_atomic(struct vir0_encoder *e, const struct vir0_expr *x, uint32_t level)
{
	int rc = encode_op(e, x, "AtomicOp", vir0_atomic_op_known);
	if (!rc)
		rc = vir0_encode_ordering(e, x->ordering);
	if (!rc)
		rc = vir0_encode_string(e, "the Atomic buffer name", x->name);
	if (!rc)
		rc = encode_operand(e, x->arg[0], level, "index");
	if (rc)
		return rc;
	vir0_wire_put_u8(&e->writer, x->arg[1] != NULL);
	if (x->arg[1] && (rc = encode_operand(e, x->arg[1], level, "expected")))
		return rc;
	return encode_operand(e, x->arg[2], level, "value");
}

static int encode_leaf(struct vir0_encoder *e, const struct vir0_expr *x)
{
	struct vir0_wire_writer *w = &e->writer;
	switch (x->kind) {
	case VIR0_EXPR_LIT_BOOL:
		if (x->bits > 1)
			return vir0_encode_refuse(e, "LitBool holds %u; use 0 or 1 "
						  "(fmt D10)", x->bits);
		vir0_wire_put_u8(w, (uint8_t)x->bits);
		return VIR0_OK;
	case VIR0_EXPR_LIT_F32:
		/* fmt §7.4: literals go out canonical whatever they hold. */
		vir0_wire_put_u32(w, vir0_f32_canonical(x->bits));
		return VIR0_OK;
	case VIR0_EXPR_VAR:
	case VIR0_EXPR_BUF_LEN:
		return vir0_encode_string(e, "the name", x->name);
	case VIR0_EXPR_INVOCATION_ID:
	case VIR0_EXPR_WORKGROUP_ID:
	case VIR0_EXPR_LOCAL_ID:
		if (x->axis > 2)
			return vir0_encode_refuse(e, "axis %u is out of range; use 0, 1 "
						  "or 2 (fmt D10)", x->axis);
		vir0_wire_put_u8(w, x->axis);
		return VIR0_OK;
	case VIR0_EXPR_OPAQUE: {
		int rc = vir0_encode_string(e, "the opaque Expr kind", x->name);
		return rc ? rc : vir0_encode_blob(e, "the opaque Expr payload", x->payload,
						  x->payload_len, VIR0_MAX_OPAQUE_PAYLOAD);
	}
	case VIR0_EXPR_SUBGROUP_LOCAL_ID:
	case VIR0_EXPR_SUBGROUP_SIZE:
		return VIR0_OK;
	default: /* LitU32, LitI32 */
		vir0_wire_put_u32(w, x->bits);
		return VIR0_OK;
	}
}

static int encode_body(struct vir0_encoder *e, const struct vir0_expr *x, uint32_t level)
{
	static const char *const select[] = { "cond", "then", "else" };
	static const char *const fma[] = { "a", "b", "c" };
	static const char *const binop[] = { "left", "right" };
	static const char *const shuffle[] = { "value", "lane" };
	int rc;
	switch (x->kind) {
	case VIR0_EXPR_LOAD:
		rc = vir0_encode_string(e, "the Load buffer name", x->name);
		return rc ? rc : encode_operand(e, x->arg[0], level, "index");
	case VIR0_EXPR_BINOP:
		rc = encode_op(e, x, "BinOp", vir0_binop_known);
		return rc ? rc : encode_operands(e, x, level, binop, 2);
	case VIR0_EXPR_UNOP:
		rc = encode_op(e, x, "UnOp", vir0_unop_known);
		return rc ? rc : encode_operand(e, x->arg[0], level, "operand");
	case VIR0_EXPR_CALL:
		return encode_call(e, x, level);
	case VIR0_EXPR_SELECT:
		return encode_operands(e, x, level, select, 3);
	case VIR0_EXPR_FMA:
		return encode_operands(e, x, level, fma, 3);
	case VIR0_EXPR_CAST:
		rc = vir0_encode_type(e, &x->type, 1);
		return rc ? rc : encode_operand(e, x->arg[0], level, "value");
	case VIR0_EXPR_ATOMIC:
		return encode_atomic(e, x, level);
	case VIR0_EXPR_SUBGROUP_ADD:
		return encode_operand(e, x->arg[0], level, "value");
	case VIR0_EXPR_SUBGROUP_BALLOT:
		return encode_operand(e, x->arg[0], level, "cond");
	case VIR0_EXPR_SUBGROUP_SHUFFLE:
		return encode_operands(e, x, level, shuffle, 2);
	default:
		return encode_leaf(e, x);
	}
}

int vir0_encode_expr(struct vir0_encoder *e, const struct vir0_expr *x, uint32_t level)
{
	if (!x)
		return vir0_encode_refuse(e, "the expression is missing (NULL); every "
					  "operand of fmt §4 must be given");
	int rc = vir0_encode_enter(e, level, "an Expr");
	if (rc)
		return rc;
	if (!vir0_expr_tag_known(x->kind))
		return vir0_encode_refuse(e, "unknown Expr kind 0x%02X; use a tag of "
					  "fmt §4", x->kind);
	vir0_wire_put_u8(&e->writer, x->kind);
	return encode_body(e, x, level);
}
