/* encode_node.c - Node tags and payloads and NodeLists, in vyre's put_node
 * field order (fmt §5). */
#include "encode.h"

#include "wire_rules.h"

static int encode_value(struct vir0_encoder *e, const struct vir0_node *n, int which,
			uint32_t level, const char *name)
{
	size_t path = vir0_encode_path_push(e, "%s", name);
	int rc = vir0_encode_expr(e, n->value[which], level + 1);
	if (!rc)
		vir0_encode_path_pop(e, path);
	return rc;
}

static int encode_async_copy(struct vir0_encoder *e, const struct vir0_node *n,
			     uint32_t level)
{
	int rc = vir0_encode_string(e, "the async source", n->name);
	if (!rc)
		rc = vir0_encode_string(e, "the async destination", n->name2);
	if (!rc)
		rc = encode_value(e, n, 0, level, "offset");
	if (!rc)
		rc = encode_value(e, n, 1, level, "size");
	return rc ? rc : vir0_encode_string(e, "the async tag", n->tag);
}

static int encode_region(struct vir0_encoder *e, const struct vir0_node *n, uint32_t level)
{
	int rc = vir0_encode_string(e, "the Region generator", n->name);
	if (rc)
		return rc;
	vir0_wire_put_u8(&e->writer, n->name2 != NULL);
	if (n->name2 && (rc = vir0_encode_string(e, "the Region source", n->name2)))
		return rc;
	return vir0_encode_node_list(e, &n->body, level + 1, "body");
}

static int encode_collective(struct vir0_encoder *e, const struct vir0_node *n)
{
	int two_names = n->kind == VIR0_NODE_ALL_GATHER || n->kind == VIR0_NODE_REDUCE_SCATTER;
	int has_op = n->kind == VIR0_NODE_ALL_REDUCE || n->kind == VIR0_NODE_REDUCE_SCATTER;
	int rc = vir0_encode_string(e, "the collective buffer", n->name);
	if (!rc && two_names)
		rc = vir0_encode_string(e, "the collective output", n->name2);
	if (rc)
		return rc;
	if (has_op) {
		if (!vir0_collective_op_known(n->op))
			return vir0_encode_refuse(e, "CollectiveOp 0x%02X is outside its "
						  "table; use 0x01-0x06 (fmt §6.6)", n->op);
		vir0_wire_put_u8(&e->writer, n->op);
	}
	if (n->kind == VIR0_NODE_BROADCAST)
		vir0_wire_put_u32(&e->writer, n->root);
	vir0_wire_put_u32(&e->writer, n->group);
	return VIR0_OK;
}

static int encode_body(struct vir0_encoder *e, const struct vir0_node *n, uint32_t level)
{
	int rc;
	switch (n->kind) {
	case VIR0_NODE_LET:
	case VIR0_NODE_ASSIGN:
		rc = vir0_encode_string(e, "the variable name", n->name);
		return rc ? rc : encode_value(e, n, 0, level, "value");
	case VIR0_NODE_STORE:
		rc = vir0_encode_string(e, "the Store buffer name", n->name);
		if (!rc)
			rc = encode_value(e, n, 0, level, "index");
		return rc ? rc : encode_value(e, n, 1, level, "value");
	case VIR0_NODE_IF:
		rc = encode_value(e, n, 0, level, "cond");
		if (!rc)
			rc = vir0_encode_node_list(e, &n->body, level + 1, "then");
		return rc ? rc : vir0_encode_node_list(e, &n->otherwise, level + 1, "otherwise");
	case VIR0_NODE_LOOP:
		rc = vir0_encode_string(e, "the Loop variable", n->name);
		if (!rc)
			rc = encode_value(e, n, 0, level, "from");
		if (!rc)
			rc = encode_value(e, n, 1, level, "to");
		return rc ? rc : vir0_encode_node_list(e, &n->body, level + 1, "body");
	case VIR0_NODE_BLOCK:
		return vir0_encode_node_list(e, &n->body, level + 1, "body");
	case VIR0_NODE_BARRIER:
		return vir0_encode_ordering(e, n->ordering);
	case VIR0_NODE_INDIRECT_DISPATCH:
		rc = vir0_encode_string(e, "the IndirectDispatch count buffer", n->name);
		if (!rc)
			vir0_wire_put_u64(&e->writer, n->offset);
		return rc;
	case VIR0_NODE_ASYNC_LOAD:
	case VIR0_NODE_ASYNC_STORE:
		return encode_async_copy(e, n, level);
	case VIR0_NODE_ASYNC_WAIT:
	case VIR0_NODE_RESUME:
		return vir0_encode_string(e, "the async tag", n->tag);
	case VIR0_NODE_REGION:
		return encode_region(e, n, level);
	case VIR0_NODE_TRAP:
		rc = encode_value(e, n, 0, level, "address");
		return rc ? rc : vir0_encode_string(e, "the Trap tag", n->tag);
	case VIR0_NODE_ALL_REDUCE:
	case VIR0_NODE_ALL_GATHER:
	case VIR0_NODE_REDUCE_SCATTER:
	case VIR0_NODE_BROADCAST:
		return encode_collective(e, n);
	case VIR0_NODE_OPAQUE:
		rc = vir0_encode_string(e, "the opaque Node kind", n->name);
		return rc ? rc : vir0_encode_blob(e, "the opaque Node payload", n->payload,
						  n->payload_len, VIR0_MAX_OPAQUE_PAYLOAD);
	default: /* Return */
		return VIR0_OK;
	}
}

static int encode_node(struct vir0_encoder *e, const struct vir0_node *n, uint32_t level)
{
	if (!n)
		return vir0_encode_refuse(e, "the statement is missing (NULL)");
	int rc = vir0_encode_enter(e, level, "a Node");
	if (rc)
		return rc;
	if (!vir0_node_tag_known(n->kind))
		return vir0_encode_refuse(e, "unknown Node kind 0x%02X; use a tag of "
					  "fmt §5", n->kind);
	vir0_wire_put_u8(&e->writer, n->kind);
	return encode_body(e, n, level);
}

int vir0_encode_node_list(struct vir0_encoder *e, const struct vir0_node_list *list,
			  uint32_t level, const char *name)
{
	if (list->count > e->limits.max_nodes)
		return vir0_encode_refuse(e, "a NodeList of %u statements, above "
					  "max_nodes = %u (fmt D16)", list->count,
					  e->limits.max_nodes);
	if (list->count && !list->items)
		return vir0_encode_refuse(e, "a NodeList has count %u but no items",
					  list->count);
	vir0_wire_put_u32(&e->writer, list->count);
	for (uint32_t i = 0; i < list->count; i++) {
		size_t path = vir0_encode_path_push(e, "%s[%u]", name, i);
		int rc = encode_node(e, list->items[i], level);
		if (rc)
			return rc;
		vir0_encode_path_pop(e, path);
	}
	return VIR0_OK;
}
