/* lower_expr.c - lowers one expression tree to register instructions.
 *
 * Operands are lowered left to right in wire order and each operator's
 * instruction comes after all of its operands', so the instructions run
 * in the evaluation order of fmt §9.3: a Select evaluates its condition
 * and both values before it picks, an Atomic its index, expected and
 * value before its read-modify-write. Nothing in an expression writes a
 * variable's register, so a Var simply names that register. */
#include "lower.h"

#include "expr_type.h"
#include "names.h"

#define NONE VIR0_BC_NO_REG

/* Where the value of the expression being lowered goes. */
struct target {
	uint32_t mark;   /* next_reg when the expression started */
	unsigned into;   /* the register asked for, or NONE */
	unsigned *reg;   /* receives the register holding the value */
	uint8_t *type;   /* receives its value type */
};

/* Emit the instruction that computes the value. Its destination is the
 * register asked for or, once the operands' temporaries (at t->mark and
 * above) are given back, a new one; an instruction reads its operands
 * before it writes, so that may be an operand's register. */
static int emit_value(struct vir0_lowering *l, const struct target *t, unsigned op,
		      unsigned type, unsigned a, unsigned b, unsigned c, unsigned aux,
		      uint32_t imm)
{
	l->next_reg = t->mark;
	*t->reg = t->into;
	int rc = t->into == NONE ? vir0_lower_new_reg(l, t->reg) : VIR0_OK;
	if (rc)
		return rc;
	return vir0_lower_emit(l, vir0_insn_make(op, type, *t->reg, a, b, c, aux, imm), NULL);
}

static int constant(struct vir0_lowering *l, const struct target *t, uint8_t type,
		    uint32_t bits)
{
	*t->type = type;
	return emit_value(l, t, VIR0_BC_CONST, type, NONE, NONE, NONE, 0, bits);
}

static int variable(struct vir0_lowering *l, const struct vir0_expr *e,
		    const struct target *t)
{
	unsigned var;
	int is_mutable;
	int rc = vir0_lower_variable(l, e->name, &var, t->type, &is_mutable);
	if (rc || t->into == NONE || t->into == var) {
		*t->reg = var;
		return rc;
	}
	return emit_value(l, t, VIR0_BC_MOV, *t->type, var, NONE, NONE, 0, 0);
}

/* Lower operand `e` where the operator needs type `want` (0: any);
 * `what` describes the mismatch. */
static int operand(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		   uint8_t want, const char *what, unsigned *reg, uint8_t *type)
{
	int rc = vir0_lower_expr(l, e, level, NONE, reg, type);
	if (!rc && want && *type != want)
		return vir0_lower_unvalidated(l, what);
	return rc;
}

static int id(struct vir0_lowering *l, const struct vir0_expr *e, unsigned kind,
	      const struct target *t)
{
	if (e->axis > 2)
		return vir0_lower_unvalidated(l, "an id axis above 2");
	*t->type = VIR0_TYPE_U32;
	return emit_value(l, t, VIR0_BC_ID, VIR0_TYPE_U32, NONE, NONE, NONE, kind, e->axis);
}

static int buffer_length(struct vir0_lowering *l, const struct vir0_expr *e,
			 const struct target *t)
{
	unsigned buffer;
	int rc = vir0_lower_buffer(l, e->name, &buffer);
	if (rc)
		return rc;
	*t->type = VIR0_TYPE_U32;
	return emit_value(l, t, VIR0_BC_BUF_LEN, VIR0_TYPE_U32, NONE, NONE, NONE, buffer, 0);
}

static int load(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		const struct target *t)
{
	unsigned buffer, index;
	uint8_t index_type;
	int rc = vir0_lower_buffer(l, e->name, &buffer);
	if (!rc)
		rc = operand(l, e->arg[0], level, VIR0_TYPE_U32, "a load index that is not u32",
			     &index, &index_type);
	if (rc)
		return rc;
	*t->type = vir0_element_load_type(l->bc->buffers[buffer].element);
	return emit_value(l, t, VIR0_BC_LOAD, *t->type, index, NONE, NONE, buffer, 0);
}

static int binop(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		 const struct target *t)
{
	unsigned left, right;
	uint8_t type, right_type;
	int rc = operand(l, e->arg[0], level, 0, NULL, &left, &type);
	if (!rc)
		rc = operand(l, e->arg[1], level, type, "a binary operator whose operands "
			     "differ in type", &right, &right_type);
	if (rc)
		return rc;
	*t->type = vir0_binop_result_type(e->op, type);
	if (!*t->type)
		return vir0_lower_unvalidated(l, "a binary operator outside the core profile "
					      "or on operands it does not take");
	return emit_value(l, t, VIR0_BC_BINOP, type, left, right, NONE, e->op, 0);
}

static int unop(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		const struct target *t)
{
	unsigned value;
	uint8_t type;
	int rc = operand(l, e->arg[0], level, 0, NULL, &value, &type);
	if (rc)
		return rc;
	*t->type = vir0_unop_result_type(e->op, type);
	if (!*t->type)
		return vir0_lower_unvalidated(l, "a unary operator outside the core profile "
					      "or on an operand it does not take");
	return emit_value(l, t, VIR0_BC_UNOP, type, value, NONE, NONE, e->op, 0);
}

static int cast(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		const struct target *t)
{
	unsigned value;
	uint8_t type;
	if (!vir0_is_value_type(e->type.kind))
		return vir0_lower_unvalidated(l, "a cast to a type outside the core profile");
	int rc = operand(l, e->arg[0], level, 0, NULL, &value, &type);
	if (rc)
		return rc;
	*t->type = e->type.kind;
	return emit_value(l, t, VIR0_BC_CAST, type, value, NONE, NONE, e->type.kind, 0);
}

static int select_value(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
			const struct target *t)
{
	unsigned cond, if_true, if_false;
	uint8_t cond_type, false_type;
	int rc = vir0_lower_condition(l, e->arg[0], level, &cond, &cond_type);
	if (!rc)
		rc = operand(l, e->arg[1], level, 0, NULL, &if_true, t->type);
	if (!rc)
		rc = operand(l, e->arg[2], level, *t->type, "a select whose two values differ "
			     "in type", &if_false, &false_type);
	if (rc)
		return rc;
	return emit_value(l, t, VIR0_BC_SELECT, *t->type, cond, if_true, if_false, 0, 0);
}

static int fma_value(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		     const struct target *t)
{
	unsigned r[3];
	for (int k = 0; k < 3; k++) {
		int rc = operand(l, e->arg[k], level, VIR0_TYPE_F32,
				 "an fma operand that is not f32", &r[k], t->type);
		if (rc)
			return rc;
	}
	return emit_value(l, t, VIR0_BC_FMA, VIR0_TYPE_F32, r[0], r[1], r[2], 0, 0);
}

/* Index, expected (CompareExchange only), value, then the atomic itself
 * (fmt §9.3, §9.10). */
static int atomic(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		  const struct target *t)
{
	unsigned buffer, index, expected = NONE, value;
	uint8_t type;
	int wants_expected = e->op == VIR0_ATOMIC_COMPARE_EXCHANGE;
	if (!vir0_atomic_op_is_core(e->op) || e->ordering > VIR0_ORDER_SEQ_CST)
		return vir0_lower_unvalidated(l, "an atomic operator or ordering outside the "
					      "core profile");
	if (wants_expected != (e->arg[1] != NULL))
		return vir0_lower_unvalidated(l, "an atomic whose expected value is missing "
					      "or not allowed");
	int rc = vir0_lower_buffer(l, e->name, &buffer);
	if (rc)
		return rc;
	*t->type = vir0_element_load_type(l->bc->buffers[buffer].element);
	rc = operand(l, e->arg[0], level, VIR0_TYPE_U32, "an atomic index that is not u32",
		     &index, &type);
	if (!rc && wants_expected)
		rc = operand(l, e->arg[1], level, *t->type, "an atomic expected value of "
			     "another type than the buffer's", &expected, &type);
	if (!rc)
		rc = operand(l, e->arg[2], level, *t->type, "an atomic value of another type "
			     "than the buffer's", &value, &type);
	if (rc)
		return rc;
	l->bc->flags |= VIR0_BC_HAS_ATOMICS;
	return emit_value(l, t, VIR0_BC_ATOMIC, *t->type, index, value, expected, buffer,
			  e->op);
}

int vir0_lower_expr(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		    unsigned into, unsigned *reg, uint8_t *type)
{
	const struct target t = { .mark = l->next_reg, .into = into, .reg = reg, .type = type };
	if (!e)
		return vir0_lower_unvalidated(l, "a missing (NULL) expression");
	if (level >= VIR0_LOWER_MAX_DEPTH)
		return vir0_lower_unvalidated(l, "expressions nested deeper than the validator "
					      "allows");
	level++;
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32:
		return constant(l, &t, VIR0_TYPE_U32, e->bits);
	case VIR0_EXPR_LIT_I32:
		return constant(l, &t, VIR0_TYPE_I32, e->bits);
	case VIR0_EXPR_LIT_F32:
		return constant(l, &t, VIR0_TYPE_F32, e->bits);
	case VIR0_EXPR_LIT_BOOL:
		if (e->bits > 1)
			return vir0_lower_unvalidated(l, "a bool literal other than 0 or 1");
		return constant(l, &t, VIR0_TYPE_BOOL, e->bits);
	case VIR0_EXPR_VAR:
		return variable(l, e, &t);
	case VIR0_EXPR_LOAD:
		return load(l, e, level, &t);
	case VIR0_EXPR_BUF_LEN:
		return buffer_length(l, e, &t);
	case VIR0_EXPR_INVOCATION_ID:
		return id(l, e, VIR0_BC_ID_INVOCATION, &t);
	case VIR0_EXPR_WORKGROUP_ID:
		return id(l, e, VIR0_BC_ID_WORKGROUP, &t);
	case VIR0_EXPR_LOCAL_ID:
		return id(l, e, VIR0_BC_ID_LOCAL, &t);
	case VIR0_EXPR_BINOP:
		return binop(l, e, level, &t);
	case VIR0_EXPR_UNOP:
		return unop(l, e, level, &t);
	case VIR0_EXPR_SELECT:
		return select_value(l, e, level, &t);
	case VIR0_EXPR_CAST:
		return cast(l, e, level, &t);
	case VIR0_EXPR_FMA:
		return fma_value(l, e, level, &t);
	case VIR0_EXPR_ATOMIC:
		return atomic(l, e, level, &t);
	default:
		return vir0_lower_unvalidated(l, "an expression kind outside the core profile");
	}
}

int vir0_lower_condition(struct vir0_lowering *l, const struct vir0_expr *e,
			 uint32_t level, unsigned *reg, uint8_t *type)
{
	int rc = vir0_lower_expr(l, e, level, NONE, reg, type);
	if (!rc && *type != VIR0_TYPE_BOOL && *type != VIR0_TYPE_U32)
		return vir0_lower_unvalidated(l, "a condition that is neither bool nor u32");
	return rc;
}
