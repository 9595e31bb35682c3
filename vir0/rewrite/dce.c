/* dce.c - the "dce" rewrite: removes statements that cannot change a
 * result. If on a literal condition becomes a Block of the taken branch;
 * Loops that never run, empty Blocks, Regions, Ifs and Loops (with side
 * effect free operands) go; a Let whose variable is never read goes with
 * its Assigns when none of their values has a side effect; a Return that
 * ends the entry body goes.
 *
 * A Region opens no scope (fmt V9): a Let in its body stays visible after
 * it, so whether that Let is dead depends on the rest of the Region's body
 * and on the rest of every list that encloses it through Regions. */
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

/* The statements after a Let that are still in its scope: list[from..]
 * and, when `list` is a Region's body, the statements after the Region in
 * the enclosing list, and so on outwards. */
struct scope_tail {
	struct vir0_node_list *list;
	uint32_t from;
	const struct scope_tail *outer;   /* NULL: the scope ends with `list` */
};

/* Every Assign to `name` in list[from..] (at any depth) has a side effect
 * free value. */
static int assigns_are_pure(const struct vir0_node_list *list, uint32_t from, const char *name)
{
	for (uint32_t i = from; i < list->count; i++) {
		const struct vir0_node *node = list->items[i];
		if (node->kind == VIR0_NODE_ASSIGN && strcmp(node->name, name) == 0 &&
		    !vir0_expr_is_pure(node->value[0]))
			return 0;
		if (!assigns_are_pure(&node->body, 0, name) ||
		    !assigns_are_pure(&node->otherwise, 0, name))
			return 0;
	}
	return 1;
}

static void remove_assigns(struct vir0_node_list *list, uint32_t from, const char *name)
{
	for (uint32_t i = from; i < list->count;) {
		struct vir0_node *node = list->items[i];
		if (node->kind == VIR0_NODE_ASSIGN && strcmp(node->name, name) == 0) {
			remove_at(list, i);
			continue;
		}
		remove_assigns(&node->body, 0, name);
		remove_assigns(&node->otherwise, 0, name);
		i++;
	}
}

/* A Let of `name` whose scope holds `tail` can go: nothing there reads it
 * and its Assigns have no side effect. They go now. */
static int let_is_dead(const struct vir0_node *let, const struct scope_tail *tail)
{
	if (!vir0_expr_is_pure(let->value[0]))
		return 0;
	for (const struct scope_tail *t = tail; t; t = t->outer)
		if (vir0_count_reads(t->list, t->from, let->name) ||
		    !assigns_are_pure(t->list, t->from, let->name))
			return 0;
	for (const struct scope_tail *t = tail; t; t = t->outer)
		remove_assigns(t->list, t->from, let->name);
	return 1;
}

/* 1 when list->items[i] can go (after its Assigns, for a Let); `outer` is
 * the scope tail of `list` itself when it is a Region's body. */
static int is_dead(struct vir0_node_list *list, uint32_t i, const struct scope_tail *outer)
{
	struct vir0_node *node = list->items[i];
	switch (node->kind) {
	case VIR0_NODE_LET: {
		struct scope_tail tail = { list, i + 1, outer };
		return let_is_dead(node, &tail);
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

/* `outer`: the scope tail of `list` when it is a Region's body, else NULL. */
static void sweep(struct vir0_node_list *list, const struct scope_tail *outer,
		  uint32_t *changes)
{
	for (uint32_t i = 0; i < list->count;) {
		struct vir0_node *node = list->items[i];
		inline_literal_if(node, changes);
		struct scope_tail after = { list, i + 1, outer };
		sweep(&node->body, node->kind == VIR0_NODE_REGION ? &after : NULL, changes);
		sweep(&node->otherwise, NULL, changes);
		if (is_dead(list, i, outer)) {
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
		sweep(&program->body, NULL, &changes);
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
