/* decode_expr.c - Expr tags and payloads, in vyre's put_expr field order
 * (fmt §4). */
#include "decode.h"

#include "arena.h"
#include "error.h"
#include "wire_rules.h"

/* An operator byte with its optional OpId (fmt §6, D7, D15). */
static int decode_op(struct vir0_decoder *d, const char *what, int (*known)(uint8_t),
		     uint8_t last, struct vir0_expr *e)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	int rc = vir0_wire_u8(r, what, &e->op);
	if (rc)
		return rc;
	if (e->op != VIR0_OP_OPAQUE) {
		if (known(e->op))
			return VIR0_OK;
		return vir0_error_at(r->err, VIR0_EOPCODE, start,
				     "%s 0x%02X at offset %zu is outside its table; use "
				     "0x01-0x%02X or 0x80 with an OpId (fmt §6, D7)",
				     what, e->op, start, last);
	}
	start = r->pos;
	if ((rc = vir0_wire_u32(r, "an opaque operator id", &e->opaque_op)))
		return rc;
	if (vir0_opaque_id_valid(e->opaque_op))
		return VIR0_OK;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "opaque operator id 0x%08X at offset %zu has the high bit "
			     "clear; extension ids are 0x80000000 and above (fmt D15)",
			     e->opaque_op, start);
}

static int decode_axis(struct vir0_decoder *d, struct vir0_expr *e)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	int rc = vir0_wire_u8(r, "an axis", &e->axis);
	if (rc || e->axis <= 2)
		return rc;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "axis %u at offset %zu is out of range; use 0 (x), 1 (y) "
			     "or 2 (z) (fmt D10)", e->axis, start);
}

static int decode_f32(struct vir0_decoder *d, struct vir0_expr *e)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	int rc = vir0_wire_u32(r, "an f32 literal", &e->bits);
	if (rc || vir0_f32_canonical(e->bits) == e->bits)
		return rc;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "f32 literal 0x%08X at offset %zu is not canonical; write "
			     "0x%08X instead (one NaN, no subnormals, no -0.0; fmt D11)",
			     e->bits, start, vir0_f32_canonical(e->bits));
}

/* `n` operands, one level below their expression. */
static int decode_args(struct vir0_decoder *d, uint32_t level, struct vir0_expr *e,
		       unsigned n)
{
	int rc = VIR0_OK;
	for (unsigned i = 0; i < n && !rc; i++)
		rc = vir0_decode_expr(d, level + 1, &e->arg[i]);
	return rc;
}

static int decode_call(struct vir0_decoder *d, uint32_t level, struct vir0_expr *e)
{
	struct vir0_wire_reader *r = &d->reader;
	int rc = vir0_decode_string(d, "Call op id", &e->name);
	if (!rc)
		rc = vir0_wire_count(r, "Call argument count", VIR0_MAX_CALL_ARGS,
				     "the fixed Call argument bound", 1, &e->nargs);
	if (rc)
		return rc;
	e->args = vir0_arena_alloc(d->program->arena, (size_t)e->nargs * sizeof(*e->args));
	if (!e->args)
		return vir0_error_at(r->err, VIR0_ENOMEM, r->pos,
				     "out of memory decoding Call arguments");
	for (uint32_t i = 0; i < e->nargs && !rc; i++)
		rc = vir0_decode_expr(d, level + 1, &e->args[i]);
	return rc;
}

static int decode_atomic(struct vir0_decoder *d, uint32_t level, struct vir0_expr *e)
{
	uint8_t has_expected = 0;
	int rc = decode_op(d, "AtomicOp", vir0_atomic_op_known, VIR0_ATOMIC_LAST, e);
	if (!rc)
		rc = vir0_decode_ordering(d, &e->ordering);
	if (!rc)
		rc = vir0_decode_string(d, "Atomic buffer name", &e->name);
	if (!rc)
		rc = vir0_decode_expr(d, level + 1, &e->arg[0]);
	if (!rc)
		rc = vir0_wire_bool(&d->reader, "Atomic expected_present", &has_expected);
	if (!rc && has_expected)
		rc = vir0_decode_expr(d, level + 1, &e->arg[1]);
	return rc ? rc : vir0_decode_expr(d, level + 1, &e->arg[2]);
}

static int decode_leaf(struct vir0_decoder *d, struct vir0_expr *e)
{
	struct vir0_wire_reader *r = &d->reader;
	uint8_t flag;
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32:
	case VIR0_EXPR_LIT_I32:
		return vir0_wire_u32(r, "an integer literal", &e->bits);
	case VIR0_EXPR_LIT_BOOL: {
		int rc = vir0_wire_bool(r, "a LitBool value", &flag);
		e->bits = flag;
		return rc;
	}
	case VIR0_EXPR_LIT_F32:
		return decode_f32(d, e);
	case VIR0_EXPR_VAR:
		return vir0_decode_string(d, "Var name", &e->name);
	case VIR0_EXPR_BUF_LEN:
		return vir0_decode_string(d, "BufLen buffer name", &e->name);
	case VIR0_EXPR_INVOCATION_ID:
	case VIR0_EXPR_WORKGROUP_ID:
	case VIR0_EXPR_LOCAL_ID:
		return decode_axis(d, e);
	case VIR0_EXPR_OPAQUE: {
		int rc = vir0_decode_string(d, "opaque Expr kind", &e->name);
		return rc ? rc : vir0_wire_blob(r, d->program->arena, "opaque Expr payload",
					       VIR0_MAX_OPAQUE_PAYLOAD,
					       "the fixed opaque payload bound",
					       &e->payload, &e->payload_len);
	}
	default:
		return VIR0_OK;
	}
}

static int decode_operands(struct vir0_decoder *d, uint32_t level, struct vir0_expr *e)
{
	int rc;
	switch (e->kind) {
	case VIR0_EXPR_LOAD:
		rc = vir0_decode_string(d, "Load buffer name", &e->name);
		return rc ? rc : decode_args(d, level, e, 1);
	case VIR0_EXPR_BINOP:
		rc = decode_op(d, "BinOp", vir0_binop_known, VIR0_BIN_LAST, e);
		return rc ? rc : decode_args(d, level, e, 2);
	case VIR0_EXPR_UNOP:
		rc = decode_op(d, "UnOp", vir0_unop_known, VIR0_UN_LAST, e);
		return rc ? rc : decode_args(d, level, e, 1);
	case VIR0_EXPR_CALL:
		return decode_call(d, level, e);
	case VIR0_EXPR_SELECT:
	case VIR0_EXPR_FMA:
		return decode_args(d, level, e, 3);
	case VIR0_EXPR_CAST:
		rc = vir0_decode_type(d, &e->type, 1);
		return rc ? rc : decode_args(d, level, e, 1);
	case VIR0_EXPR_ATOMIC:
		return decode_atomic(d, level, e);
	case VIR0_EXPR_SUBGROUP_ADD:
	case VIR0_EXPR_SUBGROUP_BALLOT:
		return decode_args(d, level, e, 1);
	case VIR0_EXPR_SUBGROUP_SHUFFLE:
		return decode_args(d, level, e, 2);
	default:
		return decode_leaf(d, e);
	}
}

int vir0_decode_expr(struct vir0_decoder *d, uint32_t level, struct vir0_expr **out)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	uint8_t tag;
	int rc = vir0_decode_enter(d, level, "Expr");
	if (!rc)
		rc = vir0_wire_u8(r, "an Expr tag", &tag);
	if (rc)
		return rc;
	if (!vir0_expr_tag_known(tag))
		return vir0_error_at(r->err, VIR0_ETAG, start,
				     "unknown Expr tag 0x%02X at offset %zu; valid tags are "
				     "0x00-0x15 and 0x80 (fmt §4, D6)", tag, start);
	struct vir0_expr *e = vir0_arena_alloc(d->program->arena, sizeof(*e));
	if (!e)
		return vir0_error_at(r->err, VIR0_ENOMEM, start,
				     "out of memory decoding an Expr");
	e->kind = tag;
	*out = e;
	return decode_operands(d, level, e);
}
