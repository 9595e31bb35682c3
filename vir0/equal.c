/* equal.c - vir0_program_equal: deep structural equality over everything
 * the wire format carries (fmt §1-§5), so two encodable programs are equal
 * exactly when their encodings are. Fields a kind does not use are not
 * compared, and LitF32 compares canonical bits, because that is what
 * encodes (fmt §7.4, §7.5). */
#include "vir0.h"

#include "wire_rules.h"

#include <string.h>

static int same_string(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int same_bytes(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len)
{
	return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

static int same_type(const struct vir0_type *a, const struct vir0_type *b);

static int same_element(const struct vir0_type *a, const struct vir0_type *b)
{
	return a->element == b->element ||
	       (a->element && b->element && same_type(a->element, b->element));
}

static int same_dims(const struct vir0_type *a, const struct vir0_type *b)
{
	return a->ndims == b->ndims &&
	       (a->ndims == 0 || memcmp(a->dims, b->dims, a->ndims * sizeof(*a->dims)) == 0);
}

static int same_type(const struct vir0_type *a, const struct vir0_type *b)
{
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case VIR0_TYPE_ARRAY:
	case VIR0_TYPE_HANDLE:
	case VIR0_TYPE_OPAQUE:
		return a->arg0 == b->arg0;
	case VIR0_TYPE_VEC:
		return a->vec_count == b->vec_count && same_element(a, b);
	case VIR0_TYPE_TENSOR_SHAPED:
		return same_dims(a, b) && same_element(a, b);
	case VIR0_TYPE_SPARSE_CSR:
	case VIR0_TYPE_SPARSE_COO:
		return same_element(a, b);
	case VIR0_TYPE_SPARSE_BSR:
		return a->arg0 == b->arg0 && a->arg1 == b->arg1 && same_element(a, b);
	case VIR0_TYPE_DEVICE_MESH:
		return same_dims(a, b);
	case VIR0_TYPE_QUANTIZED:
		return a->scale_kind == b->scale_kind && a->arg0 == b->arg0 &&
		       a->zero_kind == b->zero_kind && a->arg1 == b->arg1 &&
		       same_element(a, b);
	default:
		return 1;
	}
}

static int same_expr(const struct vir0_expr *a, const struct vir0_expr *b);

static int same_operator(const struct vir0_expr *a, const struct vir0_expr *b)
{
	return a->op == b->op && (a->op != VIR0_OP_OPAQUE || a->opaque_op == b->opaque_op);
}

static int same_args(const struct vir0_expr *a, const struct vir0_expr *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!same_expr(a->arg[i], b->arg[i]))
			return 0;
	return 1;
}

static int same_call(const struct vir0_expr *a, const struct vir0_expr *b)
{
	if (!same_string(a->name, b->name) || a->nargs != b->nargs)
		return 0;
	for (uint32_t i = 0; i < a->nargs; i++)
		if (!same_expr(a->args[i], b->args[i]))
			return 0;
	return 1;
}

static int same_expr(const struct vir0_expr *a, const struct vir0_expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case VIR0_EXPR_LIT_U32:
	case VIR0_EXPR_LIT_I32:
	case VIR0_EXPR_LIT_BOOL:
		return a->bits == b->bits;
	case VIR0_EXPR_LIT_F32:
		return vir0_f32_canonical(a->bits) == vir0_f32_canonical(b->bits);
	case VIR0_EXPR_VAR:
	case VIR0_EXPR_BUF_LEN:
		return same_string(a->name, b->name);
	case VIR0_EXPR_LOAD:
		return same_string(a->name, b->name) && same_args(a, b, 1);
	case VIR0_EXPR_INVOCATION_ID:
	case VIR0_EXPR_WORKGROUP_ID:
	case VIR0_EXPR_LOCAL_ID:
		return a->axis == b->axis;
	case VIR0_EXPR_BINOP:
		return same_operator(a, b) && same_args(a, b, 2);
	case VIR0_EXPR_UNOP:
		return same_operator(a, b) && same_args(a, b, 1);
	case VIR0_EXPR_CALL:
		return same_call(a, b);
	case VIR0_EXPR_SELECT:
	case VIR0_EXPR_FMA:
		return same_args(a, b, 3);
	case VIR0_EXPR_CAST:
		return same_type(&a->type, &b->type) && same_args(a, b, 1);
	case VIR0_EXPR_ATOMIC:
		return same_operator(a, b) && a->ordering == b->ordering &&
		       same_string(a->name, b->name) && same_args(a, b, 3);
	case VIR0_EXPR_SUBGROUP_ADD:
	case VIR0_EXPR_SUBGROUP_BALLOT:
		return same_args(a, b, 1);
	case VIR0_EXPR_SUBGROUP_SHUFFLE:
		return same_args(a, b, 2);
	case VIR0_EXPR_OPAQUE:
		return same_string(a->name, b->name) &&
		       same_bytes(a->payload, a->payload_len, b->payload, b->payload_len);
	default: /* SubgroupLocalId, SubgroupSize */
		return 1;
	}
}

static int same_list(const struct vir0_node_list *a, const struct vir0_node_list *b);

/* The fields each Node kind carries on the wire (fmt §5). */
enum {
	F_NAME = 1 << 0, F_NAME2 = 1 << 1, F_TAG = 1 << 2, F_VALUE0 = 1 << 3,
	F_VALUE1 = 1 << 4, F_BODY = 1 << 5, F_OTHERWISE = 1 << 6,
	F_ORDERING = 1 << 7, F_OP = 1 << 8, F_OFFSET = 1 << 9, F_GROUP = 1 << 10,
	F_ROOT = 1 << 11, F_PAYLOAD = 1 << 12,
};

static unsigned node_fields(uint8_t kind)
{
	switch (kind) {
	case VIR0_NODE_LET: case VIR0_NODE_ASSIGN: return F_NAME | F_VALUE0;
	case VIR0_NODE_STORE: return F_NAME | F_VALUE0 | F_VALUE1;
	case VIR0_NODE_IF: return F_VALUE0 | F_BODY | F_OTHERWISE;
	case VIR0_NODE_LOOP: return F_NAME | F_VALUE0 | F_VALUE1 | F_BODY;
	case VIR0_NODE_BLOCK: return F_BODY;
	case VIR0_NODE_BARRIER: return F_ORDERING;
	case VIR0_NODE_INDIRECT_DISPATCH: return F_NAME | F_OFFSET;
	case VIR0_NODE_ASYNC_LOAD:
	case VIR0_NODE_ASYNC_STORE: return F_NAME | F_NAME2 | F_VALUE0 | F_VALUE1 | F_TAG;
	case VIR0_NODE_ASYNC_WAIT: case VIR0_NODE_RESUME: return F_TAG;
	case VIR0_NODE_REGION: return F_NAME | F_NAME2 | F_BODY;
	case VIR0_NODE_TRAP: return F_VALUE0 | F_TAG;
	case VIR0_NODE_ALL_REDUCE: return F_NAME | F_OP | F_GROUP;
	case VIR0_NODE_ALL_GATHER: return F_NAME | F_NAME2 | F_GROUP;
	case VIR0_NODE_REDUCE_SCATTER: return F_NAME | F_NAME2 | F_OP | F_GROUP;
	case VIR0_NODE_BROADCAST: return F_NAME | F_ROOT | F_GROUP;
	case VIR0_NODE_OPAQUE: return F_NAME | F_PAYLOAD;
	default: return 0; /* Return */
	}
}

static int same_node(const struct vir0_node *a, const struct vir0_node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return 0;
	unsigned f = node_fields(a->kind);
	return (!(f & F_NAME) || same_string(a->name, b->name)) &&
	       (!(f & F_NAME2) || same_string(a->name2, b->name2)) &&
	       (!(f & F_TAG) || same_string(a->tag, b->tag)) &&
	       (!(f & F_VALUE0) || same_expr(a->value[0], b->value[0])) &&
	       (!(f & F_VALUE1) || same_expr(a->value[1], b->value[1])) &&
	       (!(f & F_BODY) || same_list(&a->body, &b->body)) &&
	       (!(f & F_OTHERWISE) || same_list(&a->otherwise, &b->otherwise)) &&
	       (!(f & F_ORDERING) || a->ordering == b->ordering) &&
	       (!(f & F_OP) || a->op == b->op) &&
	       (!(f & F_OFFSET) || a->offset == b->offset) &&
	       (!(f & F_GROUP) || a->group == b->group) &&
	       (!(f & F_ROOT) || a->root == b->root) &&
	       (!(f & F_PAYLOAD) || same_bytes(a->payload, a->payload_len,
					       b->payload, b->payload_len));
}

static int same_list(const struct vir0_node_list *a, const struct vir0_node_list *b)
{
	if (a->count != b->count)
		return 0;
	for (uint32_t i = 0; i < a->count; i++)
		if (!same_node(a->items[i], b->items[i]))
			return 0;
	return 1;
}

static int same_buffer(const struct vir0_buffer *a, const struct vir0_buffer *b)
{
	return same_string(a->name, b->name) && a->binding == b->binding &&
	       a->access == b->access && a->is_output == b->is_output &&
	       a->count == b->count && same_type(&a->element, &b->element);
}

int vir0_program_equal(const vir0_program *a, const vir0_program *b)
{
	if (!a || !b)
		return a == b;
	if (!same_string(a->entry_op_id, b->entry_op_id) ||
	    memcmp(a->workgroup_size, b->workgroup_size, sizeof(a->workgroup_size)) != 0 ||
	    a->nbuffers != b->nbuffers || a->nattachments != b->nattachments)
		return 0;
	for (uint32_t i = 0; i < a->nbuffers; i++)
		if (!same_buffer(&a->buffers[i], &b->buffers[i]))
			return 0;
	for (uint32_t i = 0; i < a->nattachments; i++)
		if (!same_string(a->attachments[i].key, b->attachments[i].key) ||
		    !same_bytes(a->attachments[i].data, a->attachments[i].size,
				b->attachments[i].data, b->attachments[i].size))
			return 0;
	return same_list(&a->body, &b->body);
}
