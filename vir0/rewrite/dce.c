/* dce.c - the "dce" rewrite: removes statements that cannot change a
 * result. If on a literal condition becomes a Block of the taken branch;
 * Loops that never run, empty Blocks, Regions, Ifs and Loops (with side
 * effect free operands) go; a Let whose variable is never read goes with
 * its Assigns when none of their values has a side effect; a Return that
 * ends the entry body goes. */
#include "rewrite.h"

#include "tree.h"

#include <string.h>

static void remove_at(struct vir0_node_list *list, uint32_t i)
{
	memmove(&list->items[i], &list->items[i + 1],
		(list->count - i - 1) * sizeof(list->items[0]));
	list->count--;
}

static int literal_range_is_empty(const struct vir0_node *loop)
{
	const struct vir0_expr *from = loop->value[0], *to = loop->value[1];
	if (from->kind == VIR0_EXPR_LIT_U32 && to->kind == VIR0_EXPR_LIT_U32)
		return from->bits >= to->bits;
	if (from->kind == VIR0_EXPR_LIT_I32 && to->kind == VIR0_EXPR_LIT_I32)
		return (int32_t)from->bits >= (int32_t)to->bits;
	return 0;
}

/* Every Assign to `name` in the tree has a side effect free value. */
static int assigns_are_pure(const struct vir0_node_list *list, const char *name)
{
	for (uint32_t i = 0; i < list->count; i++) {
		const struct vir0_node *node = list->items[i];
		if (node->kind == VIR0_NODE_ASSIGN && strcmp(node->name, name) == 0 &&
		    !vir0_expr_is_pure(node->value[0]))
			return 0;
		if (!assigns_are_pure(&node->body, name) || !assigns_are_pure(&node->otherwise, name))
			return 0;
	}
	return 1;
}

static void remove_assigns(struct vir0_node_list *list, const char *name)
{
	for (uint32_t i = 0; i < list->count;) {
		struct vir0_node *node = list->items[i];
		if (node->kind == VIR0_NODE_ASSIGN && strcmp(node->name, name) == 0) {
			remove_at(list, i);
			continue;
		}
		remove_assigns(&node->body, name);
		remove_assigns(&node->otherwise, name);
		i++;
	}
}

/* 1 when list->items[i] can go (after its Assigns, for a Let). */
static int is_dead(struct vir0_node_list *list, uint32_t i)
{
	struct vir0_node *node = list->items[i];
	switch (node->kind) {
	case VIR0_NODE_LET: {
		struct vir0_node_list rest = { .items = list->items + i + 1,
					       .count = list->count - i - 1 };
		if (!vir0_expr_is_pure(node->value[0]) || vir0_count_reads(&rest, 0, node->name) ||
		    !assigns_are_pure(&rest, node->name))
			return 0;
		remove_assigns(&rest, node->name);
		list->count = i + 1 + rest.count;
		return 1;
	}
	case VIR0_NODE_LOOP:
		return literal_range_is_empty(node) ||
		       (node->body.count == 0 && vir0_expr_is_pure(node->value[0]) &&
			vir0_expr_is_pure(node->value[1]));
	case VIR0_NODE_IF:
		return node->body.count == 0 && node->otherwise.count == 0 &&
		       vir0_expr_is_pure(node->value[0]);
	case VIR0_NODE_BLOCK:
	case VIR0_NODE_REGION:
		return node->body.count == 0;
	default:
		return 0;
	}
}

/* If on a literal: a Block (same scoping as a branch) of the taken one. */
static void inline_literal_if(struct vir0_node *node, uint32_t *changes)
{
	const struct vir0_expr *cond = node->value[0];
	if (node->kind != VIR0_NODE_IF ||
	    (cond->kind != VIR0_EXPR_LIT_BOOL && cond->kind != VIR0_EXPR_LIT_U32))
		return;
	if (!cond->bits)
		node->body = node->otherwise;
	node->otherwise = (struct vir0_node_list){ 0 };
	node->kind = VIR0_NODE_BLOCK;
	node->value[0] = NULL;
	(*changes)++;
}

static void sweep(struct vir0_node_list *list, uint32_t *changes)
{
	for (uint32_t i = 0; i < list->count;) {
		struct vir0_node *node = list->items[i];
		inline_literal_if(node, changes);
		sweep(&node->body, changes);
		sweep(&node->otherwise, changes);
		if (is_dead(list, i)) {
			remove_at(list, i);
			(*changes)++;
			continue;
		}
		i++;
	}
}

int vir0_rewrite_dce(vir0_program *program, unsigned param, const char **why)
{
	(void)param;
	uint32_t changes = 0, before;
	do {
		before = changes;
		sweep(&program->body, &changes);
		struct vir0_node_list *body = &program->body;
		if (body->count && body->items[body->count - 1]->kind == VIR0_NODE_RETURN) {
			body->count--;
			changes++;
		}
	} while (changes != before);
	if (changes == 0) {
		*why = "no dead statement: every statement can change a result";
		return 0;
	}
	return 1;
}
