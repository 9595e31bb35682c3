/* decode_node.c - Node tags and payloads and NodeLists, in vyre's put_node
 * field order (fmt §5). */
#include "decode.h"

#include "arena.h"
#include "error.h"
#include "wire_rules.h"

static int decode_collective_op(struct vir0_decoder *d, uint8_t *op)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	int rc = vir0_wire_u8(r, "a CollectiveOp", op);
	if (rc || vir0_collective_op_known(*op))
		return rc;
	return vir0_error_at(r->err, VIR0_EOPCODE, start,
			     "CollectiveOp 0x%02X at offset %zu is outside its table; "
			     "use 0x01-0x06 (fmt §6.6, D7)", *op, start);
}

/* AsyncLoad and AsyncStore share one layout. */
static int decode_async_copy(struct vir0_decoder *d, uint32_t level, struct vir0_node *n)
{
	int rc = vir0_decode_string(d, "async source", &n->name);
	if (!rc)
		rc = vir0_decode_string(d, "async destination", &n->name2);
	if (!rc)
		rc = vir0_decode_expr(d, level + 1, &n->value[0]);
	if (!rc)
		rc = vir0_decode_expr(d, level + 1, &n->value[1]);
	return rc ? rc : vir0_decode_string(d, "async tag", &n->tag);
}

static int decode_region(struct vir0_decoder *d, uint32_t level, struct vir0_node *n)
{
	uint8_t has_source = 0;
	int rc = vir0_decode_string(d, "Region generator", &n->name);
	if (!rc)
		rc = vir0_wire_bool(&d->reader, "Region source_present", &has_source);
	if (!rc && has_source)
		rc = vir0_decode_string(d, "Region source_region", &n->name2);
	return rc ? rc : vir0_decode_node_list(d, &n->body, level + 1, "Region body count");
}

/* The collective nodes: buffer or input [, output] [, op] [, root], group. */
static int decode_collective(struct vir0_decoder *d, struct vir0_node *n)
{
	struct vir0_wire_reader *r = &d->reader;
	int two_names = n->kind == VIR0_NODE_ALL_GATHER || n->kind == VIR0_NODE_REDUCE_SCATTER;
	int has_op = n->kind == VIR0_NODE_ALL_REDUCE || n->kind == VIR0_NODE_REDUCE_SCATTER;
	int rc = vir0_decode_string(d, "collective buffer", &n->name);
	if (!rc && two_names)
		rc = vir0_decode_string(d, "collective output", &n->name2);
	if (!rc && has_op)
		rc = decode_collective_op(d, &n->op);
	if (!rc && n->kind == VIR0_NODE_BROADCAST)
		rc = vir0_wire_u32(r, "Broadcast root", &n->root);
	return rc ? rc : vir0_wire_u32(r, "collective group", &n->group);
}

static int decode_body(struct vir0_decoder *d, uint32_t level, struct vir0_node *n)
{
	struct vir0_wire_reader *r = &d->reader;
	int rc;
	switch (n->kind) {
	case VIR0_NODE_LET:
	case VIR0_NODE_ASSIGN:
		rc = vir0_decode_string(d, "variable name", &n->name);
		return rc ? rc : vir0_decode_expr(d, level + 1, &n->value[0]);
	case VIR0_NODE_STORE:
		rc = vir0_decode_string(d, "Store buffer name", &n->name);
		if (!rc)
			rc = vir0_decode_expr(d, level + 1, &n->value[0]);
		return rc ? rc : vir0_decode_expr(d, level + 1, &n->value[1]);
	case VIR0_NODE_IF:
		rc = vir0_decode_expr(d, level + 1, &n->value[0]);
		if (!rc)
			rc = vir0_decode_node_list(d, &n->body, level + 1, "If then count");
		return rc ? rc : vir0_decode_node_list(d, &n->otherwise, level + 1,
							"If otherwise count");
	case VIR0_NODE_LOOP:
		rc = vir0_decode_string(d, "Loop variable name", &n->name);
		if (!rc)
			rc = vir0_decode_expr(d, level + 1, &n->value[0]);
		if (!rc)
			rc = vir0_decode_expr(d, level + 1, &n->value[1]);
		return rc ? rc : vir0_decode_node_list(d, &n->body, level + 1, "Loop body count");
	case VIR0_NODE_BLOCK:
		return vir0_decode_node_list(d, &n->body, level + 1, "Block body count");
	case VIR0_NODE_BARRIER:
		return vir0_decode_ordering(d, &n->ordering);
	case VIR0_NODE_INDIRECT_DISPATCH:
		rc = vir0_decode_string(d, "IndirectDispatch count buffer", &n->name);
		return rc ? rc : vir0_wire_u64(r, "IndirectDispatch count_offset", &n->offset);
	case VIR0_NODE_ASYNC_LOAD:
	case VIR0_NODE_ASYNC_STORE:
		return decode_async_copy(d, level, n);
	case VIR0_NODE_ASYNC_WAIT:
	case VIR0_NODE_RESUME:
		return vir0_decode_string(d, "async tag", &n->tag);
	case VIR0_NODE_REGION:
		return decode_region(d, level, n);
	case VIR0_NODE_TRAP:
		rc = vir0_decode_expr(d, level + 1, &n->value[0]);
		return rc ? rc : vir0_decode_string(d, "Trap tag", &n->tag);
	case VIR0_NODE_ALL_REDUCE:
	case VIR0_NODE_ALL_GATHER:
	case VIR0_NODE_REDUCE_SCATTER:
	case VIR0_NODE_BROADCAST:
		return decode_collective(d, n);
	case VIR0_NODE_OPAQUE:
		rc = vir0_decode_string(d, "opaque Node kind", &n->name);
		return rc ? rc : vir0_wire_blob(r, d->program->arena, "opaque Node payload",
					       VIR0_MAX_OPAQUE_PAYLOAD,
					       "the fixed opaque payload bound",
					       &n->payload, &n->payload_len);
	default: /* Return */
		return VIR0_OK;
	}
}

static int decode_node(struct vir0_decoder *d, uint32_t level, struct vir0_node **out)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	uint8_t tag;
	int rc = vir0_decode_enter(d, level, "Node");
	if (!rc)
		rc = vir0_wire_u8(r, "a Node tag", &tag);
	if (rc)
		return rc;
	if (!vir0_node_tag_known(tag))
		return vir0_error_at(r->err, VIR0_ETAG, start,
				     "unknown Node tag 0x%02X at offset %zu; valid tags are "
				     "0x00-0x12 and 0x80 (fmt §5, D6)", tag, start);
	struct vir0_node *n = vir0_arena_alloc(d->program->arena, sizeof(*n));
	if (!n)
		return vir0_error_at(r->err, VIR0_ENOMEM, start,
				     "out of memory decoding a Node");
	n->kind = tag;
	*out = n;
	return decode_body(d, level, n);
}

int vir0_decode_node_list(struct vir0_decoder *d, struct vir0_node_list *list,
			  uint32_t level, const char *what)
{
	struct vir0_wire_reader *r = &d->reader;
	uint32_t count = 0;
	int rc = vir0_wire_count(r, what, d->limits.max_nodes, "max_nodes", 1, &count);
	/* Grow the list as nodes arrive rather than sizing it from the
	 * count: nested lists that each claim the rest of the input would
	 * otherwise allocate many times the input size. */
	for (uint32_t i = 0; i < count && !rc; i++) {
		struct vir0_node *n = NULL;
		rc = decode_node(d, level, &n);
		if (!rc && vir0_append(d->program, list, n))
			rc = vir0_error_at(r->err, VIR0_ENOMEM, r->pos,
					   "out of memory growing a NodeList");
	}
	return rc;
}
