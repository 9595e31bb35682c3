/* lower_node.c - lowers statements (fmt §9.11): Let, Assign and Store
 * become the instructions of their expressions plus at most one more; If
 * and Loop become IF/ELSE/END_IF and LOOP/END_LOOP with their partner
 * indices; Block, If branches and Loop bodies open scopes, Region does not
 * (V9). */
#include "lower.h"

#include "expr_type.h"
#include "names.h"

#include <stdlib.h>

#define NONE VIR0_BC_NO_REG

/* Bind `name` in the current scope to register `reg`. */
static int bind(struct vir0_lowering *l, const char *name, unsigned reg, uint8_t type,
		int is_mutable)
{
	if (!name || !*name)
		return vir0_lower_unvalidated(l, "a Let or Loop without a name");
	uint32_t k = l->locals.count;
	if (k == l->local_regs_capacity) {
		uint32_t capacity = k ? k * 2 : 16;
		uint16_t *regs = realloc(l->local_regs, (size_t)capacity * sizeof(*regs));
		if (!regs)
			return vir0_lower_fail(l, VIR0_ENOMEM, "out of memory for %u variables",
					       capacity);
		l->local_regs = regs;
		l->local_regs_capacity = capacity;
	}
	if (vir0_scope_bind(&l->locals, name, type, is_mutable, 0))
		return vir0_lower_fail(l, VIR0_ENOMEM, "out of memory for %u variables", k + 1);
	l->local_regs[k] = (uint16_t)reg;
	return VIR0_OK;
}

/* Run `list` in a new scope: its variables and registers end with it. */
static int scoped_list(struct vir0_lowering *l, const struct vir0_node_list *list,
		       uint32_t level)
{
	uint32_t names = vir0_scope_open(&l->locals), regs = l->next_reg;
	int rc = vir0_lower_list(l, list, level);
	vir0_scope_close(&l->locals, names);
	l->next_reg = regs;
	return rc;
}

static void set_imm(struct vir0_lowering *l, uint32_t at, uint32_t imm)
{
	l->bc->insns[at].word[3] = imm;
}

static struct vir0_insn control(unsigned op, unsigned type, unsigned dst, unsigned a,
				unsigned b, uint32_t imm)
{
	return vir0_insn_make(op, type, dst, a, b, NONE, 0, imm);
}

/* One more level of IF/LOOP nesting (one more mask on an executor's stack). */
static void nest(struct vir0_lowering *l)
{
	if (++l->depth > l->bc->max_nesting)
		l->bc->max_nesting = l->depth;
}

/* IF cond [ELSE] END_IF; IF reads its condition once, so the condition's
 * register is free inside the branches. */
static int lower_if(struct vir0_lowering *l, const struct vir0_node *n, uint32_t level)
{
	unsigned cond;
	uint8_t type;
	uint32_t regs = l->next_reg, at_if, at_else = 0, at_end;
	int rc = vir0_lower_condition(l, n->value[0], level, &cond, &type);
	if (!rc)
		rc = vir0_lower_emit(l, control(VIR0_BC_IF, type, NONE, cond, NONE, 0), &at_if);
	if (rc)
		return rc;
	l->next_reg = regs;
	nest(l);
	rc = scoped_list(l, &n->body, level);
	if (!rc && n->otherwise.count) {
		rc = vir0_lower_emit(l, control(VIR0_BC_ELSE, 0, NONE, NONE, NONE, 0), &at_else);
		if (!rc)
			rc = scoped_list(l, &n->otherwise, level);
	}
	if (!rc)
		rc = vir0_lower_emit(l, control(VIR0_BC_END_IF, 0, NONE, NONE, NONE, at_if),
				     &at_end);
	if (rc)
		return rc;
	l->depth--;
	set_imm(l, at_if, n->otherwise.count ? at_else : at_end);
	if (n->otherwise.count)
		set_imm(l, at_else, at_end);
	return VIR0_OK;
}

/* LOOP var = from .. to / body / END_LOOP. `to` goes into a register of
 * its own that nothing else writes, so the trip count is fixed before the
 * first iteration even when the body assigns variables `to` read
 * (fmt §9.11). */
static int lower_loop(struct vir0_lowering *l, const struct vir0_node *n, uint32_t level)
{
	unsigned var, bound, from, to;
	uint8_t from_type, to_type;
	uint32_t at_loop, at_end;
	int rc = vir0_lower_new_reg(l, &var);
	if (!rc)
		rc = vir0_lower_new_reg(l, &bound);
	if (!rc)
		rc = vir0_lower_expr(l, n->value[0], level, NONE, &from, &from_type);
	if (!rc)
		rc = vir0_lower_expr(l, n->value[1], level, bound, &to, &to_type);
	if (rc)
		return rc;
	if (from_type != to_type || (from_type != VIR0_TYPE_U32 && from_type != VIR0_TYPE_I32))
		return vir0_lower_unvalidated(l, "a loop whose bounds are not both u32 or both "
					      "i32");
	rc = vir0_lower_emit(l, control(VIR0_BC_LOOP, from_type, var, from, bound, 0), &at_loop);
	if (rc)
		return rc;
	l->next_reg = bound + 1;
	nest(l);
	uint32_t names = vir0_scope_open(&l->locals);
	rc = bind(l, n->name, var, from_type, 0);
	if (!rc)
		rc = vir0_lower_list(l, &n->body, level);
	vir0_scope_close(&l->locals, names);
	if (!rc)
		rc = vir0_lower_emit(l, control(VIR0_BC_END_LOOP, from_type, var, NONE, bound,
						 at_loop), &at_end);
	if (rc)
		return rc;
	l->depth--;
	set_imm(l, at_loop, at_end);
	return VIR0_OK;
}

static int lower_let(struct vir0_lowering *l, const struct vir0_node *n, uint32_t level)
{
	unsigned reg, value;
	uint8_t type;
	int rc = vir0_lower_new_reg(l, &reg);
	if (!rc)
		rc = vir0_lower_expr(l, n->value[0], level, reg, &value, &type);
	if (rc)
		return rc;
	l->next_reg = reg + 1;
	return bind(l, n->name, reg, type, 1);
}

static int lower_assign(struct vir0_lowering *l, const struct vir0_node *n, uint32_t level)
{
	unsigned reg, value;
	uint8_t type, value_type;
	int is_mutable;
	int rc = vir0_lower_variable(l, n->name, &reg, &type, &is_mutable);
	if (rc)
		return rc;
	if (!is_mutable)
		return vir0_lower_unvalidated(l, "an assignment to a loop variable");
	rc = vir0_lower_expr(l, n->value[0], level, reg, &value, &value_type);
	if (!rc && value_type != type)
		return vir0_lower_unvalidated(l, "an assignment of a value of another type");
	return rc;
}

/* Index, then value, then the write (fmt §9.9). */
static int lower_store(struct vir0_lowering *l, const struct vir0_node *n, uint32_t level)
{
	unsigned buffer, index, value;
	uint8_t index_type, value_type;
	int rc = vir0_lower_buffer(l, n->name, &buffer);
	if (!rc)
		rc = vir0_lower_expr(l, n->value[0], level, NONE, &index, &index_type);
	if (!rc)
		rc = vir0_lower_expr(l, n->value[1], level, NONE, &value, &value_type);
	if (rc)
		return rc;
	if (index_type != VIR0_TYPE_U32 ||
	    value_type != vir0_element_load_type(l->bc->buffers[buffer].element))
		return vir0_lower_unvalidated(l, "a store whose index is not u32 or whose value "
					      "does not match the buffer's element type");
	return vir0_lower_emit(l, vir0_insn_make(VIR0_BC_STORE, value_type, NONE,
						 index, value, NONE, buffer, 0), NULL);
}

static int lower_simple(struct vir0_lowering *l, unsigned op, uint32_t flag)
{
	l->bc->flags |= flag;
	return vir0_lower_emit(l, control(op, 0, NONE, NONE, NONE, 0), NULL);
}

static int lower_node(struct vir0_lowering *l, const struct vir0_node *n, uint32_t level)
{
	uint32_t regs = l->next_reg;
	int rc;
	switch (n->kind) {
	case VIR0_NODE_LET:
		return lower_let(l, n, level);
	case VIR0_NODE_ASSIGN:
		rc = lower_assign(l, n, level);
		break;
	case VIR0_NODE_STORE:
		rc = lower_store(l, n, level);
		break;
	case VIR0_NODE_IF:
		rc = lower_if(l, n, level);
		break;
	case VIR0_NODE_LOOP:
		rc = lower_loop(l, n, level);
		break;
	case VIR0_NODE_RETURN:
		return lower_simple(l, VIR0_BC_RETURN, VIR0_BC_HAS_RETURN);
	case VIR0_NODE_BLOCK:
		return scoped_list(l, &n->body, level);
	case VIR0_NODE_REGION:
		/* No new scope (V9): the body's variables outlive the Region. */
		return vir0_lower_list(l, &n->body, level);
	case VIR0_NODE_BARRIER:
		if (n->ordering < VIR0_ORDER_ACQUIRE || n->ordering > VIR0_ORDER_SEQ_CST)
			return vir0_lower_unvalidated(l, "a barrier with an ordering outside 1-4");
		return lower_simple(l, VIR0_BC_BARRIER, VIR0_BC_HAS_BARRIER);
	default:
		return vir0_lower_unvalidated(l, "a statement kind outside the core profile");
	}
	l->next_reg = regs; /* the statement's temporaries */
	return rc;
}

int vir0_lower_list(struct vir0_lowering *l, const struct vir0_node_list *list,
		    uint32_t level)
{
	if (level >= VIR0_LOWER_MAX_DEPTH)
		return vir0_lower_unvalidated(l, "statements nested deeper than the validator "
					      "allows");
	if (list->count && !list->items)
		return vir0_lower_unvalidated(l, "a statement list without its statements");
	for (uint32_t i = 0; i < list->count; i++) {
		if (!list->items[i])
			return vir0_lower_unvalidated(l, "a missing (NULL) statement");
		int rc = lower_node(l, list->items[i], level + 1);
		if (rc)
			return rc;
	}
	return VIR0_OK;
}
