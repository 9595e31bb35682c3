/* unroll.c - the "unroll" rewrite: a Loop whose bounds are literals and
 * whose trip count is small becomes one Block per iteration, each opening
 * with `let VAR = value` (the Block is the iteration's scope, so names
 * stay unique, fmt V11). Inner loops unroll first; a node budget keeps
 * the program from growing without bound. */
#include "rewrite.h"

#include "tree.h"

#define UNROLL_MAX_TRIPS 16u
/* Statements one unrolled loop may produce. */
#define UNROLL_MAX_NODES 512u

static uint32_t count_nodes(const struct vir0_node_list *list)
{
	uint32_t n = list->count;
	for (uint32_t i = 0; i < list->count; i++)
		n += count_nodes(&list->items[i]->body) + count_nodes(&list->items[i]->otherwise);
	return n;
}

/* Trip count of a Loop with literal bounds of one type, or 0. */
static uint32_t literal_trips(const struct vir0_node *loop)
{
	const struct vir0_expr *from = loop->value[0], *to = loop->value[1];
	if (from->kind != to->kind)
		return 0;
	if (from->kind == VIR0_EXPR_LIT_U32)
		return to->bits > from->bits ? to->bits - from->bits : 0;
	if (from->kind == VIR0_EXPR_LIT_I32 && (int32_t)to->bits > (int32_t)from->bits)
		return to->bits - from->bits;
	return 0;
}

static int unroll_loop(vir0_program *p, struct vir0_node *loop, uint32_t trips)
{
	struct vir0_node_list blocks = { 0 };
	uint8_t type = loop->value[0]->kind == VIR0_EXPR_LIT_I32 ? VIR0_TYPE_I32 : VIR0_TYPE_U32;
	for (uint32_t k = 0; k < trips; k++) {
		struct vir0_node *block = vir0_block(p);
		struct vir0_node *let =
			vir0_let(p, loop->name, vir0_literal_new(p, type, loop->value[0]->bits + k));
		if (!block || vir0_append(p, &block->body, let))
			return VIR0_ENOMEM;
		struct vir0_node_list body;
		if (vir0_node_list_copy(p, &body, &loop->body))
			return VIR0_ENOMEM;
		for (uint32_t i = 0; i < body.count; i++)
			if (vir0_append(p, &block->body, body.items[i]))
				return VIR0_ENOMEM;
		if (vir0_append(p, &blocks, block))
			return VIR0_ENOMEM;
	}
	/* The Loop node becomes a Region (no scope of its own) of the blocks. */
	loop->kind = VIR0_NODE_REGION;
	loop->name = "unroll";
	loop->name2 = NULL;
	loop->value[0] = loop->value[1] = NULL;
	loop->body = blocks;
	return VIR0_OK;
}

static int unroll_list(vir0_program *p, struct vir0_node_list *list, uint32_t *changes)
{
	for (uint32_t i = 0; i < list->count; i++) {
		struct vir0_node *node = list->items[i];
		int status = unroll_list(p, &node->body, changes);
		if (!status)
			status = unroll_list(p, &node->otherwise, changes);
		if (status)
			return status;
		if (node->kind != VIR0_NODE_LOOP)
			continue;
		uint32_t trips = literal_trips(node);
		if (trips == 0 || trips > UNROLL_MAX_TRIPS ||
		    (uint64_t)trips * (count_nodes(&node->body) + 2) > UNROLL_MAX_NODES)
			continue;
		if ((status = unroll_loop(p, node, trips)))
			return status;
		(*changes)++;
	}
	return VIR0_OK;
}

int vir0_rewrite_unroll(vir0_program *program, unsigned param, const char **why)
{
	(void)param;
	uint32_t changes = 0;
	int status = unroll_list(program, &program->body, &changes);
	if (status)
		return status;
	if (changes == 0) {
		*why = "no Loop with literal bounds and at most 16 iterations of a small body";
		return 0;
	}
	return 1;
}
