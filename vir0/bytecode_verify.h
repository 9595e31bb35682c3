/* bytecode_verify.h - the state of one vir0_bytecode_verify pass, shared
 * by bytecode_verify.c (the header, nesting and partner indices) and
 * bytecode_verify_insn.c (each instruction's fields, types and buffers). */
#ifndef VIR0_BYTECODE_VERIFY_H
#define VIR0_BYTECODE_VERIFY_H

#include "bytecode.h"
#include "bytecode_ops.h"

#include <stdint.h>

#define VIR0_VERIFY_NONE UINT32_MAX

/* An IF or LOOP whose END_IF / END_LOOP is still to come. */
struct vir0_open_block {
	uint32_t at;        /* index of the IF or LOOP */
	uint32_t at_else;   /* index of the IF's ELSE, or VIR0_VERIFY_NONE */
};

struct vir0_verifier {
	const struct vir0_bytecode *bc;
	struct vir0_error *err;
	uint32_t at;                      /* the instruction being checked, or
	                                     VIR0_VERIFY_NONE for the header */
	const struct vir0_bc_op_shape *shape;   /* its opcode's */
	struct vir0_open_block *open;     /* innermost last */
	uint32_t depth;
	uint32_t *guard;                  /* per register: the outermost open LOOP
	                                     whose variable or bound it is, or
	                                     VIR0_VERIFY_NONE */
};

/* Fail with VIR0_EINVALID: "instruction 7 (store): <message>" (offset: the
 * instruction's byte offset), or "bytecode header: <message>". */
int vir0_verify_fail(struct vir0_verifier *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "u32", "f32", ... or "unknown", for messages. */
const char *vir0_verify_type_name(unsigned type);

/* Check the fields of instruction `i` (v->at, v->shape set) against its
 * opcode: registers in range, unused fields empty, types, operator codes,
 * buffer indices and access modes. Nesting is not its business. */
int vir0_verify_insn(struct vir0_verifier *v, const struct vir0_insn *i);

#endif
