/* bytecode_verify_insn.c - the checks of one instruction on its own
 * (doc/bytecode.md, "The verifier"): registers in range and unused fields
 * empty as the opcode table says, the type field valid for the opcode,
 * operator codes in the core tables, buffers in range and open to the
 * access the opcode makes. */
#include "bytecode_verify.h"

#include "expr_type.h"
#include "names.h"

static int check_register(struct vir0_verifier *v, const char *field, unsigned reg,
			  uint8_t use)
{
	if (use == VIR0_BC_UNUSED) {
		if (reg == VIR0_BC_NO_REG)
			return VIR0_OK;
		return vir0_verify_fail(v, "field %s is unused and must hold 0xFFFF, not %u",
					field, reg);
	}
	if (reg == VIR0_BC_NO_REG) {
		if (use == VIR0_BC_READ_OR_NONE)
			return VIR0_OK;
		return vir0_verify_fail(v, "field %s needs a register but holds 0xFFFF (none)",
					field);
	}
	if (reg >= v->bc->nregs)
		return vir0_verify_fail(v, "register r%u in field %s is out of range (nregs %u)",
					reg, field, v->bc->nregs);
	return VIR0_OK;
}

static int check_unused(struct vir0_verifier *v, const char *field, int used, uint32_t value)
{
	if (used || !value)
		return VIR0_OK;
	return vir0_verify_fail(v, "field %s is unused and must be 0, not %u", field, value);
}

static int check_fields(struct vir0_verifier *v, const struct vir0_insn *i)
{
	const struct vir0_bc_op_shape *s = v->shape;
	int rc = check_register(v, "dst", vir0_insn_dst(i), s->dst);
	if (!rc)
		rc = check_register(v, "a", vir0_insn_a(i), s->a);
	if (!rc)
		rc = check_register(v, "b", vir0_insn_b(i), s->b);
	if (!rc)
		rc = check_register(v, "c", vir0_insn_c(i), s->c);
	if (!rc)
		rc = check_unused(v, "type", s->uses_type, vir0_insn_type(i));
	if (!rc)
		rc = check_unused(v, "aux", s->uses_aux, vir0_insn_aux(i));
	if (!rc)
		rc = check_unused(v, "imm", s->uses_imm, vir0_insn_imm(i));
	return rc;
}

static int want_type(struct vir0_verifier *v, const struct vir0_insn *i, unsigned want)
{
	if (vir0_insn_type(i) == want)
		return VIR0_OK;
	return vir0_verify_fail(v, "type is %s but must be %s",
				vir0_verify_type_name(vir0_insn_type(i)),
				vir0_verify_type_name(want));
}

/* `type` holds one of the four value types; `field` names it. */
static int want_value_type(struct vir0_verifier *v, const char *field, unsigned type)
{
	if (type <= 0xFF && vir0_is_value_type((uint8_t)type))
		return VIR0_OK;
	return vir0_verify_fail(v, "%s 0x%02x is not a value type (u32, i32, f32 or bool)",
				field, type);
}

static int want_one_of(struct vir0_verifier *v, const char *what, unsigned type,
		       unsigned first, unsigned second)
{
	if (type == first || type == second)
		return VIR0_OK;
	return vir0_verify_fail(v, "%s type is %s but must be %s or %s", what,
				vir0_verify_type_name(type), vir0_verify_type_name(first),
				vir0_verify_type_name(second));
}

static int buffer_in_range(struct vir0_verifier *v, const struct vir0_insn *i)
{
	if (vir0_insn_aux(i) < v->bc->nbuffers)
		return VIR0_OK;
	return vir0_verify_fail(v, "buffer %u is out of range (nbuffers %u)", vir0_insn_aux(i),
				v->bc->nbuffers);
}

/* The buffer in aux, and the type of the values that move: the element's
 * load type. `write` names a writing access ("store", "atomic"), or NULL
 * for a load, which every access mode allows (fmt §8.5). */
static int check_buffer_use(struct vir0_verifier *v, const struct vir0_insn *i,
			    const char *write)
{
	int rc = buffer_in_range(v, i);
	if (rc)
		return rc;
	const struct vir0_bc_buffer *b = &v->bc->buffers[vir0_insn_aux(i)];
	if (write && b->access != VIR0_ACCESS_READ_WRITE && b->access != VIR0_ACCESS_WORKGROUP)
		return vir0_verify_fail(v, "%s to buffer %u, which is %s; only read_write and "
					"workgroup buffers take a %s", write, vir0_insn_aux(i),
					vir0_access_name(b->access), write);
	return want_type(v, i, vir0_element_load_type(b->element));
}

/* BINOP and UNOP: a core operator in aux that takes operands of `type`. */
static int check_operator(struct vir0_verifier *v, const struct vir0_insn *i, int is_binop)
{
	unsigned type = vir0_insn_type(i), op = vir0_insn_aux(i);
	int rc = want_value_type(v, "type", type);
	if (rc)
		return rc;
	if (op > 0xFF || !(is_binop ? vir0_binop_is_core((uint8_t)op)
				    : vir0_unop_is_core((uint8_t)op)))
		return vir0_verify_fail(v, "%s operator code 0x%x is not a core operator (fmt §6)",
					is_binop ? "binary" : "unary", op);
	uint8_t result = is_binop ? vir0_binop_result_type((uint8_t)op, (uint8_t)type)
				  : vir0_unop_result_type((uint8_t)op, (uint8_t)type);
	if (result)
		return VIR0_OK;
	return vir0_verify_fail(v, "operator %s does not take %s operands",
				is_binop ? vir0_binop_name((uint8_t)op)
					 : vir0_unop_name((uint8_t)op),
				vir0_verify_type_name(type));
}

static int check_atomic(struct vir0_verifier *v, const struct vir0_insn *i)
{
	int rc = check_buffer_use(v, i, "atomic");
	if (rc)
		return rc;
	const struct vir0_bc_buffer *b = &v->bc->buffers[vir0_insn_aux(i)];
	if (b->element != VIR0_TYPE_U32 && b->element != VIR0_TYPE_I32)
		return vir0_verify_fail(v, "atomic on buffer %u of %s elements; atomics need "
					"u32 or i32", vir0_insn_aux(i),
					vir0_verify_type_name(b->element));
	uint32_t op = vir0_insn_imm(i);
	if (op > 0xFF || !vir0_atomic_op_is_core((uint8_t)op))
		return vir0_verify_fail(v, "atomic operator code 0x%x is not a core operator "
					"(fmt §6.3)", op);
	int has_expected = vir0_insn_c(i) != VIR0_BC_NO_REG;
	if (has_expected && op != VIR0_ATOMIC_COMPARE_EXCHANGE)
		return vir0_verify_fail(v, "atomic %s takes no expected value, but field c "
					"holds r%u", vir0_atomic_op_name((uint8_t)op),
					vir0_insn_c(i));
	if (!has_expected && op == VIR0_ATOMIC_COMPARE_EXCHANGE)
		return vir0_verify_fail(v, "atomic compare_exchange needs an expected value "
					"in field c");
	return VIR0_OK;
}

static int check_id(struct vir0_verifier *v, const struct vir0_insn *i)
{
	if (vir0_insn_aux(i) > VIR0_BC_ID_LOCAL)
		return vir0_verify_fail(v, "id kind (aux) %u; the kinds are 0-2",
					vir0_insn_aux(i));
	if (vir0_insn_imm(i) > 2)
		return vir0_verify_fail(v, "id axis (imm) %u; the axes are 0-2", vir0_insn_imm(i));
	return want_type(v, i, VIR0_TYPE_U32);
}

/* Type, operator and buffer rules; nesting is bytecode_verify.c's. */
static int check_operands(struct vir0_verifier *v, const struct vir0_insn *i)
{
	unsigned type = vir0_insn_type(i);
	int rc;
	switch (vir0_insn_op(i)) {
	case VIR0_BC_CONST: case VIR0_BC_MOV: case VIR0_BC_SELECT:
		return want_value_type(v, "type", type);
	case VIR0_BC_BINOP:
		return check_operator(v, i, 1);
	case VIR0_BC_UNOP:
		return check_operator(v, i, 0);
	case VIR0_BC_CAST:
		rc = want_value_type(v, "type", type);
		return rc ? rc : want_value_type(v, "cast target (aux)", vir0_insn_aux(i));
	case VIR0_BC_FMA:
		return want_type(v, i, VIR0_TYPE_F32);
	case VIR0_BC_ID:
		return check_id(v, i);
	case VIR0_BC_BUF_LEN:
		rc = buffer_in_range(v, i);
		return rc ? rc : want_type(v, i, VIR0_TYPE_U32);
	case VIR0_BC_LOAD:
		return check_buffer_use(v, i, NULL);
	case VIR0_BC_STORE:
		return check_buffer_use(v, i, "store");
	case VIR0_BC_ATOMIC:
		return check_atomic(v, i);
	case VIR0_BC_IF:
		return want_one_of(v, "condition", type, VIR0_TYPE_BOOL, VIR0_TYPE_U32);
	case VIR0_BC_LOOP: case VIR0_BC_END_LOOP:
		return want_one_of(v, "loop", type, VIR0_TYPE_U32, VIR0_TYPE_I32);
	default:
		return VIR0_OK;
	}
}

int vir0_verify_insn(struct vir0_verifier *v, const struct vir0_insn *i)
{
	int rc = check_fields(v, i);
	return rc ? rc : check_operands(v, i);
}
