/* bytecode_verify.c - vir0_bytecode_verify: the checks that make bytecode
 * safe to hand to an executor (doc/bytecode.md, "The verifier"). One pass
 * over the instructions: bytecode_verify_insn.c checks each one's fields,
 * this file the header and the structure, with a stack of the IF/LOOPs
 * still open and, per register, the loop that forbids writing it. */
#include "bytecode_verify.h"

#include "error.h"
#include "expr_type.h"
#include "names.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE VIR0_VERIFY_NONE

int vir0_verify_fail(struct vir0_verifier *v, const char *fmt, ...)
{
	char message[VIR0_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (v->at == NONE)
		return vir0_error_at(v->err, VIR0_EINVALID, 0, "bytecode header: %s", message);
	return vir0_error_at(v->err, VIR0_EINVALID, (size_t)v->at * sizeof(struct vir0_insn),
			     "instruction %u (%s): %s", v->at,
			     v->shape ? v->shape->name : "unknown opcode", message);
}

const char *vir0_verify_type_name(unsigned type)
{
	const char *name = type <= 0xFF ? vir0_type_kind_name((uint8_t)type) : NULL;
	return name ? name : "unknown";
}

/* ---- the header ------------------------------------------------------- */

static int check_buffers(struct vir0_verifier *v)
{
	const struct vir0_bytecode *bc = v->bc;
	if (bc->nbuffers > VIR0_BC_MAX_BUFFERS || (bc->nbuffers && !bc->buffers))
		return vir0_verify_fail(v, "%u buffers (at most %u, and a table for them)",
					bc->nbuffers, VIR0_BC_MAX_BUFFERS);
	for (uint32_t k = 0; k < bc->nbuffers; k++) {
		const struct vir0_bc_buffer *b = &bc->buffers[k];
		int workgroup = b->access == VIR0_ACCESS_WORKGROUP;
		if (!vir0_element_load_type(b->element))
			return vir0_verify_fail(v, "buffer %u has element type 0x%02x, which is "
						"not a core element type", k, b->element);
		if (b->access > VIR0_ACCESS_WORKGROUP)
			return vir0_verify_fail(v, "buffer %u has access %u; the access modes "
						"are 0-3", k, b->access);
		if (b->is_output > 1 || (b->is_output && b->access != VIR0_ACCESS_READ_WRITE))
			return vir0_verify_fail(v, "buffer %u has is_output %u; only read_write "
						"buffers may be outputs (is_output 1)", k,
						b->is_output);
		if (workgroup && !b->count)
			return vir0_verify_fail(v, "workgroup buffer %u has count 0; workgroup "
						"buffers need a count", k);
		if (workgroup && !(bc->flags & VIR0_BC_HAS_WORKGROUP_MEMORY))
			return vir0_verify_fail(v, "buffer %u is a workgroup buffer but "
						"HAS_WORKGROUP_MEMORY is not set", k);
	}
	return VIR0_OK;
}

/* Sizes an executor allocates from: bounded before anything trusts them. */
static int check_header(struct vir0_verifier *v)
{
	const struct vir0_bytecode *bc = v->bc;
	const uint32_t *wg = bc->workgroup_size;
	const uint32_t known_flags = VIR0_BC_HAS_BARRIER | VIR0_BC_HAS_WORKGROUP_MEMORY |
				     VIR0_BC_HAS_ATOMICS | VIR0_BC_HAS_RETURN;
	if (!bc->ninsns || !bc->insns)
		return vir0_verify_fail(v, "no instructions; every program ends with HALT");
	if (bc->ninsns > VIR0_BC_MAX_INSNS)
		return vir0_verify_fail(v, "%u instructions (at most %u)", bc->ninsns,
					VIR0_BC_MAX_INSNS);
	if (bc->nregs > VIR0_BC_NO_REG)
		return vir0_verify_fail(v, "nregs %u (at most %u: register 0xFFFF means none)",
					bc->nregs, VIR0_BC_NO_REG);
	/* Each level takes two instructions, its opener and its closer. */
	if (bc->max_nesting > bc->ninsns / 2)
		return vir0_verify_fail(v, "max_nesting %u is deeper than %u instructions can "
					"nest", bc->max_nesting, bc->ninsns);
	if (bc->flags & ~known_flags)
		return vir0_verify_fail(v, "unknown flag bits 0x%x", bc->flags & ~known_flags);
	/* wg[0] * wg[1] fits before the second product is taken, so neither
	 * product overflows 64 bits. */
	if (!wg[0] || !wg[1] || !wg[2] || (uint64_t)wg[0] * wg[1] > UINT32_MAX ||
	    (uint64_t)wg[0] * wg[1] * wg[2] > UINT32_MAX)
		return vir0_verify_fail(v, "workgroup size %u x %u x %u: each must be at least "
					"1 and the product fit in a u32", wg[0], wg[1], wg[2]);
	return check_buffers(v);
}

/* ---- nesting and partners -------------------------------------------- */

static unsigned op_at(const struct vir0_verifier *v, uint32_t at)
{
	return vir0_insn_op(&v->bc->insns[at]);
}

static uint32_t imm_at(const struct vir0_verifier *v, uint32_t at)
{
	return vir0_insn_imm(&v->bc->insns[at]);
}

/* IF, ELSE and LOOP point forward, END_IF and END_LOOP back. */
static int check_partner_range(struct vir0_verifier *v, const struct vir0_insn *i,
			       int forward)
{
	uint32_t imm = vir0_insn_imm(i);
	if (forward && (imm <= v->at || imm >= v->bc->ninsns))
		return vir0_verify_fail(v, "partner index %u is out of range: it must point "
					"forward, to %u..%u", imm, v->at + 1, v->bc->ninsns - 1);
	if (!forward && imm >= v->at)
		return vir0_verify_fail(v, "partner index %u is out of range: it must point "
					"back, below %u", imm, v->at);
	return VIR0_OK;
}

/* The innermost open block, which must be an `op` (IF or LOOP). */
static int innermost(struct vir0_verifier *v, unsigned op, struct vir0_open_block **out)
{
	const char *want = op == VIR0_BC_IF ? "an if" : "a loop";
	if (!v->depth)
		return vir0_verify_fail(v, "there is no open block to match; it needs %s", want);
	*out = &v->open[v->depth - 1];
	if (op_at(v, (*out)->at) != op)
		return vir0_verify_fail(v, "the innermost open block is the %s at %u, not %s",
					op == VIR0_BC_IF ? "loop" : "if", (*out)->at, want);
	return VIR0_OK;
}

static int open_block(struct vir0_verifier *v)
{
	if (v->depth == v->bc->max_nesting)
		return vir0_verify_fail(v, "nesting deeper than max_nesting %u",
					v->bc->max_nesting);
	v->open[v->depth].at = v->at;
	v->open[v->depth].at_else = NONE;
	v->depth++;
	return VIR0_OK;
}

/* `from` (an IF or ELSE) must point at this instruction. */
static int pointed_at_by(struct vir0_verifier *v, uint32_t from)
{
	if (imm_at(v, from) == v->at)
		return VIR0_OK;
	return vir0_verify_fail(v, "the %s at %u points at %u, not here",
				vir0_bc_op_shape(op_at(v, from))->name, from, imm_at(v, from));
}

static int check_else(struct vir0_verifier *v)
{
	struct vir0_open_block *b;
	int rc = innermost(v, VIR0_BC_IF, &b);
	if (rc)
		return rc;
	if (b->at_else != NONE)
		return vir0_verify_fail(v, "a second else for the if at %u (the first is at %u)",
					b->at, b->at_else);
	b->at_else = v->at;
	return pointed_at_by(v, b->at);
}

static int check_end_if(struct vir0_verifier *v, const struct vir0_insn *i)
{
	struct vir0_open_block *b;
	int rc = innermost(v, VIR0_BC_IF, &b);
	if (rc)
		return rc;
	if (vir0_insn_imm(i) != b->at)
		return vir0_verify_fail(v, "points at %u but closes the if at %u",
					vir0_insn_imm(i), b->at);
	rc = pointed_at_by(v, b->at_else != NONE ? b->at_else : b->at);
	v->depth--;
	return rc;
}

/* Neither the loop variable nor the bound may change inside the loop. */
static void guard(struct vir0_verifier *v, unsigned reg, uint32_t loop)
{
	if (v->guard[reg] == NONE)
		v->guard[reg] = loop;
}

static void unguard(struct vir0_verifier *v, unsigned reg, uint32_t loop)
{
	if (v->guard[reg] == loop)
		v->guard[reg] = NONE;
}

static int check_loop(struct vir0_verifier *v, const struct vir0_insn *i)
{
	if (vir0_insn_dst(i) == vir0_insn_b(i))
		return vir0_verify_fail(v, "the loop variable r%u is also its bound",
					vir0_insn_dst(i));
	int rc = open_block(v);
	if (rc)
		return rc;
	guard(v, vir0_insn_dst(i), v->at);
	guard(v, vir0_insn_b(i), v->at);
	return VIR0_OK;
}

static int check_end_loop(struct vir0_verifier *v, const struct vir0_insn *i)
{
	struct vir0_open_block *b;
	int rc = innermost(v, VIR0_BC_LOOP, &b);
	if (rc)
		return rc;
	const struct vir0_insn *loop = &v->bc->insns[b->at];
	if (vir0_insn_imm(i) != b->at)
		return vir0_verify_fail(v, "points at %u but closes the loop at %u",
					vir0_insn_imm(i), b->at);
	rc = pointed_at_by(v, b->at);
	if (rc)
		return rc;
	if (vir0_insn_dst(i) != vir0_insn_dst(loop) || vir0_insn_b(i) != vir0_insn_b(loop) ||
	    vir0_insn_type(i) != vir0_insn_type(loop))
		return vir0_verify_fail(v, "dst, b and type must repeat those of the loop at %u "
					"(r%u, r%u, %s)", b->at, vir0_insn_dst(loop),
					vir0_insn_b(loop),
					vir0_verify_type_name(vir0_insn_type(loop)));
	unguard(v, vir0_insn_dst(loop), b->at);
	unguard(v, vir0_insn_b(loop), b->at);
	v->depth--;
	return VIR0_OK;
}

static int check_flag(struct vir0_verifier *v, uint32_t flag, const char *name)
{
	if (v->bc->flags & flag)
		return VIR0_OK;
	return vir0_verify_fail(v, "the header flag %s is not set", name);
}

static int check_halt(struct vir0_verifier *v)
{
	if (v->at != v->bc->ninsns - 1)
		return vir0_verify_fail(v, "halt before the last instruction (%u)",
					v->bc->ninsns - 1);
	if (v->depth)
		return vir0_verify_fail(v, "the %s at %u is still open at halt",
					vir0_bc_op_shape(op_at(v, v->open[v->depth - 1].at))->name,
					v->open[v->depth - 1].at);
	return VIR0_OK;
}

/* Where instruction `i` sits in the structure, and what it may write. */
static int check_structure(struct vir0_verifier *v, const struct vir0_insn *i)
{
	unsigned op = vir0_insn_op(i);
	if (v->shape->dst == VIR0_BC_WRITE && v->guard[vir0_insn_dst(i)] != NONE)
		return vir0_verify_fail(v, "writes r%u, the variable or bound of the loop at %u, "
					"inside that loop", vir0_insn_dst(i),
					v->guard[vir0_insn_dst(i)]);
	int rc = VIR0_OK;
	if (op == VIR0_BC_IF || op == VIR0_BC_ELSE || op == VIR0_BC_LOOP)
		rc = check_partner_range(v, i, 1);
	else if (op == VIR0_BC_END_IF || op == VIR0_BC_END_LOOP)
		rc = check_partner_range(v, i, 0);
	if (rc)
		return rc;
	switch (op) {
	case VIR0_BC_IF: return open_block(v);
	case VIR0_BC_ELSE: return check_else(v);
	case VIR0_BC_END_IF: return check_end_if(v, i);
	case VIR0_BC_LOOP: return check_loop(v, i);
	case VIR0_BC_END_LOOP: return check_end_loop(v, i);
	case VIR0_BC_ATOMIC: return check_flag(v, VIR0_BC_HAS_ATOMICS, "HAS_ATOMICS");
	case VIR0_BC_RETURN: return check_flag(v, VIR0_BC_HAS_RETURN, "HAS_RETURN");
	case VIR0_BC_BARRIER: return check_flag(v, VIR0_BC_HAS_BARRIER, "HAS_BARRIER");
	case VIR0_BC_HALT: return check_halt(v);
	default: return VIR0_OK;
	}
}

static int check_instructions(struct vir0_verifier *v)
{
	const struct vir0_bytecode *bc = v->bc;
	for (v->at = 0; v->at < bc->ninsns; v->at++) {
		const struct vir0_insn *i = &bc->insns[v->at];
		v->shape = vir0_bc_op_shape(vir0_insn_op(i));
		if (!v->shape)
			return vir0_verify_fail(v, "unknown opcode %u (the opcodes are %u-%u)",
						vir0_insn_op(i), VIR0_BC_CONST, VIR0_BC_OP_LAST);
		int rc = vir0_verify_insn(v, i);
		if (!rc)
			rc = check_structure(v, i);
		if (rc)
			return rc;
	}
	return VIR0_OK;
}

int vir0_bytecode_verify(const struct vir0_bytecode *bc, struct vir0_error *err)
{
	struct vir0_verifier v = { .bc = bc, .err = err, .at = NONE };
	if (!bc)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_bytecode_verify needs bytecode: "
				     "pass a non-NULL pointer");
	int rc = check_header(&v);
	if (rc)
		return rc;
	/* A missing HALT is reported as such rather than as whatever the
	 * structure checks would trip over at the end. */
	v.at = bc->ninsns - 1;
	v.shape = vir0_bc_op_shape(op_at(&v, v.at));
	if (op_at(&v, v.at) != VIR0_BC_HALT)
		return vir0_verify_fail(&v, "the last instruction must be halt");
	v.open = malloc(((size_t)bc->max_nesting + 1) * sizeof(*v.open));
	v.guard = malloc(((size_t)bc->nregs + 1) * sizeof(*v.guard));
	if (v.open && v.guard) {
		memset(v.guard, 0xFF, ((size_t)bc->nregs + 1) * sizeof(*v.guard));
		rc = check_instructions(&v);
	} else {
		rc = vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for verifying %u "
				   "registers and %u levels", bc->nregs, bc->max_nesting);
	}
	free(v.open);
	free(v.guard);
	return rc;
}
