/* bytecode_ops.h - what each bytecode opcode is called and which fields
 * of the instruction it uses (doc/bytecode.md, "Opcodes"). The verifier
 * checks instructions against this table and the listing prints from it,
 * so the two always agree. */
#ifndef VIR0_BYTECODE_OPS_H
#define VIR0_BYTECODE_OPS_H

#include <stdint.h>

/* How an opcode uses a register field. */
enum vir0_bc_use {
	VIR0_BC_UNUSED = 0,   /* holds VIR0_BC_NO_REG */
	VIR0_BC_READ,         /* a register the instruction reads */
	VIR0_BC_READ_OR_NONE, /* a register it reads, or VIR0_BC_NO_REG */
	VIR0_BC_WRITE,        /* the register it writes */
};

struct vir0_bc_op_shape {
	const char *name;          /* "binop", "end_loop", ... */
	uint8_t dst, a, b, c;      /* enum vir0_bc_use */
	uint8_t uses_type, uses_aux, uses_imm;   /* 0: the field holds 0 */
};

/* The shape of opcode `op`, or NULL when `op` is not an opcode. */
const struct vir0_bc_op_shape *vir0_bc_op_shape(unsigned op);

#endif
