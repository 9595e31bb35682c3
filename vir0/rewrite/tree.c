/* tree.c - see tree.h. */
#include "tree.h"

#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vir0_program_clone(const vir0_program *program, vir0_program **out,
		       struct vir0_error *err)
{
	uint8_t *bytes = NULL;
	size_t size = 0;
	int status = vir0_encode(program, &bytes, &size, err);
	if (status == VIR0_OK) {
		struct vir0_limits limits;
		vir0_limits_default(&limits);
		limits.max_input_bytes = size; /* the program's own size is fine */
		status = vir0_decode(bytes, size, &limits, out, err);
	}
	free(bytes);
	return status;
}

struct vir0_expr *vir0_expr_copy(vir0_program *p, const struct vir0_expr *expr)
{
	if (!expr)
		return NULL;
	struct vir0_expr *copy = vir0_arena_memdup(p->arena, expr, sizeof(*expr));
	if (!copy)
		return NULL;
	for (int i = 0; i < 3; i++)
		if (expr->arg[i] && !(copy->arg[i] = vir0_expr_copy(p, expr->arg[i])))
			return NULL;
	if (expr->nargs) {
		copy->args = vir0_arena_alloc(p->arena, expr->nargs * sizeof(*copy->args));
		if (!copy->args)
			return NULL;
		for (uint32_t i = 0; i < expr->nargs; i++)
			if (!(copy->args[i] = vir0_expr_copy(p, expr->args[i])))
				return NULL;
	}
	return copy;
}

static struct vir0_node *node_copy(vir0_program *p, const struct vir0_node *node)
{
	struct vir0_node *copy = vir0_arena_memdup(p->arena, node, sizeof(*node));
	if (!copy)
		return NULL;
	for (int i = 0; i < 2; i++)
		if (node->value[i] && !(copy->value[i] = vir0_expr_copy(p, node->value[i])))
			return NULL;
	if (vir0_node_list_copy(p, &copy->body, &node->body) ||
	    vir0_node_list_copy(p, &copy->otherwise, &node->otherwise))
		return NULL;
	return copy;
}

int vir0_node_list_copy(vir0_program *p, struct vir0_node_list *dst,
			const struct vir0_node_list *src)
{
	struct vir0_node_list copy = { 0 };
	for (uint32_t i = 0; i < src->count; i++)
		if (vir0_append(p, &copy, node_copy(p, src->items[i])))
			return VIR0_ENOMEM;
	*dst = copy;
	return VIR0_OK;
}

int vir0_walk_expr(vir0_program *p, struct vir0_expr **slot, vir0_expr_visit visit,
		   void *context)
{
	struct vir0_expr *expr = *slot;
	for (int i = 0; i < 3; i++)
		if (expr->arg[i]) {
			int status = vir0_walk_expr(p, &expr->arg[i], visit, context);
			if (status)
				return status;
		}
	for (uint32_t i = 0; i < expr->nargs; i++) {
		int status = vir0_walk_expr(p, &expr->args[i], visit, context);
		if (status)
			return status;
	}
	return visit(p, slot, context);
}

int vir0_walk_exprs(vir0_program *p, struct vir0_node_list *list, vir0_expr_visit visit,
		    void *context)
{
	for (uint32_t i = 0; i < list->count; i++) {
		struct vir0_node *node = list->items[i];
		int status = 0;
		for (int v = 0; v < 2 && !status; v++)
			if (node->value[v])
				status = vir0_walk_expr(p, &node->value[v], visit, context);
		if (!status)
			status = vir0_walk_exprs(p, &node->body, visit, context);
		if (!status)
			status = vir0_walk_exprs(p, &node->otherwise, visit, context);
		if (status)
			return status;
	}
	return 0;
}

static int expr_has_kind(const struct vir0_expr *expr, uint8_t kind)
{
	if (!expr)
		return 0;
	if (expr->kind == kind)
		return 1;
	for (int i = 0; i < 3; i++)
		if (expr_has_kind(expr->arg[i], kind))
			return 1;
	for (uint32_t i = 0; i < expr->nargs; i++)
		if (expr_has_kind(expr->args[i], kind))
			return 1;
	return 0;
}

int vir0_expr_is_pure(const struct vir0_expr *expr)
{
	return !expr_has_kind(expr, VIR0_EXPR_ATOMIC);
}

uint8_t vir0_literal_type(const struct vir0_expr *expr)
{
	switch (expr->kind) {
	case VIR0_EXPR_LIT_U32: return VIR0_TYPE_U32;
	case VIR0_EXPR_LIT_I32: return VIR0_TYPE_I32;
	case VIR0_EXPR_LIT_F32: return VIR0_TYPE_F32;
	case VIR0_EXPR_LIT_BOOL: return VIR0_TYPE_BOOL;
	default: return 0;
	}
}

struct vir0_expr *vir0_literal_new(vir0_program *p, uint8_t type, uint32_t bits)
{
	uint8_t kind;
	switch (type) {
	case VIR0_TYPE_U32: kind = VIR0_EXPR_LIT_U32; break;
	case VIR0_TYPE_I32: kind = VIR0_EXPR_LIT_I32; break;
	case VIR0_TYPE_BOOL: kind = VIR0_EXPR_LIT_BOOL; break;
	case VIR0_TYPE_F32:
		/* fmt §2: literals are never -0.0 or subnormal (run-time values
		 * are canonical, so a subnormal cannot occur here). */
		if (bits == 0x80000000u)
			return NULL;
		kind = VIR0_EXPR_LIT_F32;
		break;
	default:
		return NULL;
	}
	struct vir0_expr *expr = vir0_lit_u32(p, bits);
	if (expr)
		expr->kind = kind;
	return expr;
}

/* Visit every expression of list[from..] (read-only walk). */
static uint32_t count_in_expr(const struct vir0_expr *expr, uint8_t kind, const char *name)
{
	if (!expr)
		return 0;
	uint32_t n = expr->kind == kind && strcmp(expr->name, name) == 0;
	for (int i = 0; i < 3; i++)
		n += count_in_expr(expr->arg[i], kind, name);
	for (uint32_t i = 0; i < expr->nargs; i++)
		n += count_in_expr(expr->args[i], kind, name);
	return n;
}

static uint32_t count_in_list(const struct vir0_node_list *list, uint32_t from,
			      int assigns, const char *name)
{
	uint32_t n = 0;
	for (uint32_t i = from; i < list->count; i++) {
		const struct vir0_node *node = list->items[i];
		if (assigns)
			n += node->kind == VIR0_NODE_ASSIGN && strcmp(node->name, name) == 0;
		else
			for (int v = 0; v < 2; v++)
				n += count_in_expr(node->value[v], VIR0_EXPR_VAR, name);
		n += count_in_list(&node->body, 0, assigns, name);
		n += count_in_list(&node->otherwise, 0, assigns, name);
	}
	return n;
}

uint32_t vir0_count_reads(const struct vir0_node_list *list, uint32_t from, const char *name)
{
	return count_in_list(list, from, 0, name);
}

uint32_t vir0_count_assigns(const struct vir0_node_list *list, uint32_t from, const char *name)
{
	return count_in_list(list, from, 1, name);
}

int vir0_tree_has_node(const struct vir0_node_list *list, uint8_t kind)
{
	for (uint32_t i = 0; i < list->count; i++) {
		const struct vir0_node *node = list->items[i];
		if (node->kind == kind || vir0_tree_has_node(&node->body, kind) ||
		    vir0_tree_has_node(&node->otherwise, kind))
			return 1;
	}
	return 0;
}

int vir0_tree_has_expr(const struct vir0_node_list *list, uint8_t kind)
{
	for (uint32_t i = 0; i < list->count; i++) {
		const struct vir0_node *node = list->items[i];
		if (expr_has_kind(node->value[0], kind) || expr_has_kind(node->value[1], kind) ||
		    vir0_tree_has_expr(&node->body, kind) ||
		    vir0_tree_has_expr(&node->otherwise, kind))
			return 1;
	}
	return 0;
}

static int name_used(const struct vir0_node_list *list, const char *name)
{
	for (uint32_t i = 0; i < list->count; i++) {
		const struct vir0_node *node = list->items[i];
		if ((node->kind == VIR0_NODE_LET || node->kind == VIR0_NODE_LOOP) &&
		    strcmp(node->name, name) == 0)
			return 1;
		if (name_used(&node->body, name) || name_used(&node->otherwise, name))
			return 1;
	}
	return vir0_count_reads(list, 0, name) != 0;
}

const char *vir0_fresh_name(vir0_program *p, const char *stem)
{
	char name[64];
	for (unsigned n = 0;; n++) {
		snprintf(name, sizeof(name), n ? "%s%u" : "%s", stem, n);
		if (!name_used(&p->body, name))
			return vir0_arena_strndup(p->arena, name, strlen(name));
	}
}
