/* bytecode.h - the flat register bytecode every fast executor runs: the CPU
 * interpreter here and, later, the OpenCL megakernel, which decodes the
 * same words. doc/bytecode.md spells out the encoding byte for byte.
 *
 * One instruction is four little-endian u32 words:
 *
 *   word 0: op (bits 0-7) | type (bits 8-15) | dst (bits 16-31)
 *   word 1: a (bits 0-15) | b (bits 16-31)
 *   word 2: c (bits 0-15) | aux (bits 16-31)
 *   word 3: imm
 *
 * Registers hold 32 bits per lane; `type` says how an instruction reads
 * them (a vir0_type_kind value type: U32, I32, F32, BOOL). Control flow is
 * structured and explicit, so SIMD lanes follow it with masks: IF/ELSE/
 * END_IF and LOOP/END_LOOP nest like the VIR0 tree they came from, and
 * their `imm` words point at their partners (instruction indices).
 *
 * A field an opcode does not use holds VIR0_BC_NO_REG (register fields) or
 * 0 (type, aux, imm); the verifier insists, so every program has one
 * encoding. Every instruction writes dst only in active lanes, and reads
 * all its sources before it writes (dst may equal a source). */
#ifndef VIR0_BYTECODE_H
#define VIR0_BYTECODE_H

#include <stdint.h>

#include "vir0.h"

#define VIR0_BC_NO_REG 0xFFFFu

/* So the instruction array's byte size fits in a u32 (an OpenCL buffer
 * size, a partner index) with room to spare. */
#define VIR0_BC_MAX_INSNS (UINT32_MAX / 16u)

/* Buffer indices live in the 16-bit aux field. */
#define VIR0_BC_MAX_BUFFERS 0x10000u

enum vir0_bc_op {
	VIR0_BC_CONST = 1,     /* dst = imm, of `type` */
	VIR0_BC_MOV = 2,       /* dst = a, of `type` */
	VIR0_BC_BINOP = 3,     /* dst = a <aux: vir0_binop> b, operands of `type` */
	VIR0_BC_UNOP = 4,      /* dst = <aux: vir0_unop> a, operand of `type` */
	VIR0_BC_CAST = 5,      /* dst = (aux: target value type) a, a of `type` */
	VIR0_BC_SELECT = 6,    /* dst = a != 0 ? b : c, b and c of `type` */
	VIR0_BC_FMA = 7,       /* dst = fma(a, b, c), f32, fused */
	VIR0_BC_ID = 8,        /* dst = id; aux: enum vir0_bc_id_kind; imm: axis */
	VIR0_BC_BUF_LEN = 9,   /* dst = length in elements of buffer aux */
	VIR0_BC_LOAD = 10,     /* dst = buffer aux [a] (0 when out of bounds);
	                          type: the element's load type */
	VIR0_BC_STORE = 11,    /* buffer aux [a] = b (dropped out of bounds);
	                          type: the element's load type */
	VIR0_BC_ATOMIC = 12,   /* dst = old buffer aux [a]; imm: vir0_atomic_op;
	                          b: value; c: expected or VIR0_BC_NO_REG;
	                          type: U32 or I32, the element's */
	VIR0_BC_IF = 13,       /* lanes where a != 0 run on; type: BOOL or U32
	                          (a's type); imm: ELSE or END_IF */
	VIR0_BC_ELSE = 14,     /* the other lanes run on; imm: END_IF */
	VIR0_BC_END_IF = 15,   /* imm: IF */
	VIR0_BC_LOOP = 16,     /* dst = loop variable = a (from), to in b, type
	                          U32 or I32; lanes with dst >= b skip the body;
	                          imm: END_LOOP */
	VIR0_BC_END_LOOP = 17, /* dst += 1 where active; lanes still < b go
	                          back to LOOP + 1; dst, b and type repeat the
	                          LOOP's; imm: LOOP */
	VIR0_BC_RETURN = 18,   /* active lanes finish the program */
	VIR0_BC_BARRIER = 19,  /* every live lane of the workgroup arrives */
	VIR0_BC_HALT = 20,     /* end of the program: the last instruction */
	VIR0_BC_OP_LAST = VIR0_BC_HALT,
};

/* The aux field of VIR0_BC_ID. */
enum vir0_bc_id_kind {
	VIR0_BC_ID_INVOCATION = 0,
	VIR0_BC_ID_WORKGROUP = 1,
	VIR0_BC_ID_LOCAL = 2,
};

struct vir0_insn {
	uint32_t word[4];
};

static inline unsigned vir0_insn_op(const struct vir0_insn *i) { return i->word[0] & 0xFF; }
static inline unsigned vir0_insn_type(const struct vir0_insn *i) { return (i->word[0] >> 8) & 0xFF; }
static inline unsigned vir0_insn_dst(const struct vir0_insn *i) { return i->word[0] >> 16; }
static inline unsigned vir0_insn_a(const struct vir0_insn *i) { return i->word[1] & 0xFFFF; }
static inline unsigned vir0_insn_b(const struct vir0_insn *i) { return i->word[1] >> 16; }
static inline unsigned vir0_insn_c(const struct vir0_insn *i) { return i->word[2] & 0xFFFF; }
static inline unsigned vir0_insn_aux(const struct vir0_insn *i) { return i->word[2] >> 16; }
static inline uint32_t vir0_insn_imm(const struct vir0_insn *i) { return i->word[3]; }

/* The four words of one instruction from its fields. */
static inline struct vir0_insn vir0_insn_make(unsigned op, unsigned type, unsigned dst,
					      unsigned a, unsigned b, unsigned c,
					      unsigned aux, uint32_t imm)
{
	struct vir0_insn i = { {
		(op & 0xFFu) | (type & 0xFFu) << 8 | (uint32_t)(dst & 0xFFFFu) << 16,
		(a & 0xFFFFu) | (uint32_t)(b & 0xFFFFu) << 16,
		(c & 0xFFFFu) | (uint32_t)(aux & 0xFFFFu) << 16,
		imm,
	} };
	return i;
}

/* A buffer as executors need it: copied from the program's declaration. */
struct vir0_bc_buffer {
	uint8_t element;   /* core element type kind (fmt §1.5) */
	uint8_t access;    /* enum vir0_access */
	uint8_t is_output;
	uint32_t count;    /* 0 = sized by the caller */
};

/* Facts executors use to pick a strategy (e.g. lanes from several
 * workgroups in one block when the program has no barrier and no
 * workgroup memory). */
enum vir0_bc_flags {
	VIR0_BC_HAS_BARRIER = 1u << 0,
	VIR0_BC_HAS_WORKGROUP_MEMORY = 1u << 1,
	VIR0_BC_HAS_ATOMICS = 1u << 2,
	VIR0_BC_HAS_RETURN = 1u << 3,
};

struct vir0_bytecode {
	struct vir0_insn *insns;   /* ninsns, ending with HALT */
	uint32_t ninsns;
	uint32_t nregs;            /* registers used, all < nregs <= 0xFFFF */
	uint32_t max_nesting;      /* deepest IF/LOOP nesting (mask stack size) */
	uint32_t flags;            /* enum vir0_bc_flags */
	uint32_t workgroup_size[3];
	struct vir0_bc_buffer *buffers;
	uint32_t nbuffers;
};

/* Lower a validated program. The result is malloc'd; free it with
 * vir0_bytecode_free. Everything it emits passes vir0_bytecode_verify. */
int vir0_lower(const vir0_program *program, struct vir0_bytecode **out,
	       struct vir0_error *err);
void vir0_bytecode_free(struct vir0_bytecode *bc);

/* vir0_lower without moving constants out of loops (bytecode_hoist.h):
 * each instruction where the program's text puts it, for tests that
 * depend on a listing. */
int vir0_lower_as_written(const vir0_program *program, struct vir0_bytecode **out,
			  struct vir0_error *err);

/* Check that bytecode is safe to execute: opcodes, types and operator
 * codes known, registers < nregs, buffer indices < nbuffers, partner
 * indices consistent and nesting balanced, HALT last, LOOP bounds and
 * variable not written inside their loop. Bytecode that fails is never
 * executed. */
int vir0_bytecode_verify(const struct vir0_bytecode *bc, struct vir0_error *err);

/* A readable listing, one instruction per line after a few header lines,
 * for tests and failure messages. Works on bytecode that fails the
 * verifier too. *out is malloc'd and NUL-terminated; the caller frees it. */
int vir0_bytecode_print(const struct vir0_bytecode *bc, char **out);

#endif
