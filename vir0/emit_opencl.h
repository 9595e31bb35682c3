/* emit_opencl.h - the OpenCL C emitter: one validated VIR0 program as one
 * plain OpenCL C 1.2 kernel, no interpretation (doc/opencl-jit.md §2). The
 * kernel calls the functions of codelets/vir0_ops.cl, which the builder
 * prepends; libvir0 itself never includes an OpenCL header.
 *
 * Kernel ABI: __kernel void vir0_jit(...), with, for each non-Workgroup
 * buffer in declaration order, three arguments
 *     __global T *b<i>, ulong b<i>_off, uint b<i>_len
 * (T the element's storage type, the offset and length in elements), and
 * run with a local size equal to the program's workgroup size (the
 * kernel requires it) and a global size of groups x workgroup size. */
#ifndef VIR0_EMIT_OPENCL_H
#define VIR0_EMIT_OPENCL_H

#include "bytecode.h"
#include "text_print.h"
#include "vir0.h"

/* Bumped whenever the emitted code changes, so cached binaries of older
 * emitters are not reused. */
#define VIR0_EMIT_OPENCL_VERSION 4u
#define VIR0_EMIT_OPENCL_KERNEL "vir0_jit"

/* Lower `program` (which must pass vir0_validate) and emit its kernel.
 * *out is malloc'd and NUL-terminated; the caller frees it. */
int vir0_emit_opencl(const vir0_program *program, char **out, struct vir0_error *err);
/* The same from bytecode that vir0_lower produced. */
int vir0_emit_opencl_bytecode(const struct vir0_bytecode *bc, char **out,
			      struct vir0_error *err);

/* ---- inside the emitter (emit_opencl*.c) ----------------------------- */

/* What the emitter knows of a register's bits as an f32 (fmt §9.2),
 * ordered: where paths meet, the lesser wins (emit_opencl_canon.c).
 * Unknown and canonical registers hold the reference's bits exactly. */
enum vir0_emit_f32 {
	VIR0_EMIT_F32_UNKNOWN = 0,   /* any bits */
	VIR0_EMIT_F32_FLUSHED = 1,   /* an f32 with no subnormal, a NaN with any bits */
	VIR0_EMIT_F32_CANONICAL = 2, /* one NaN, no subnormal */
};

struct vir0_emit_canon {
	uint8_t *now;      /* per register, at the current instruction */
	uint32_t nregs;
	uint32_t *fixed;   /* registers vir0_emit_canon_before canonicalised */
	uint32_t nfixed;
	struct vir0_emit_canon_walk *walk; /* NULL: analysis off, nothing known */
};

/* Runs the analysis to its fixpoint and readies `now` for instruction 0. */
int vir0_emit_canon_init(struct vir0_emit_canon *c, const struct vir0_bytecode *bc);
/* Before emitting `insn`: the flushed registers to canonicalise in place
 * first (c->fixed, c->nfixed), now canonical in `now`. */
void vir0_emit_canon_before(struct vir0_emit_canon *c, const struct vir0_bytecode *bc,
			    const struct vir0_insn *insn);
/* Update `now` past `insn`, the instruction just emitted, in order. */
void vir0_emit_canon_after(struct vir0_emit_canon *c, const struct vir0_bytecode *bc,
			   const struct vir0_insn *insn);
/* Whether f32 arithmetic may leave its results flushed (analysis on). */
int vir0_emit_canon_flushes(const struct vir0_emit_canon *c);
void vir0_emit_canon_free(struct vir0_emit_canon *c);
/* Whether `insn` reads operand k (0: a, 1: b, 2: c) as raw bits, where a
 * flushed NaN's bits would show: integer and bool operations, indices,
 * loop bounds, stores of narrow elements. */
int vir0_emit_reads_bits(const struct vir0_bytecode *bc, const struct vir0_insn *insn,
			 unsigned k);

/* What every instruction's emission needs to know. */
struct vir0_emit_state {
	struct vir0_printer *p;
	const struct vir0_bytecode *bc;
	struct vir0_emit_canon canon;
	int done_flag;     /* RETURN sets `done` instead of returning (barriers) */
	unsigned depth;    /* current indentation */
};

/* An instruction's operand registers, which of them f32 arithmetic reads
 * with a plain as_float (bit i for reg[i]: flushed or canonical), and
 * whether its f32 results may stay flushed ("@F" in the templates:
 * vir0_f32_flush, else vir0_f32_out). */
struct vir0_emit_operands {
	unsigned reg[3];
	unsigned as_float;
	int flush;
};

/* The OpenCL C expression of an operator on the operands, with the result
 * as a uint; VIR0_EINVALID for a non-core pair. */
int vir0_emit_binop(struct vir0_printer *p, unsigned op, unsigned type,
		    const struct vir0_emit_operands *o);
int vir0_emit_unop(struct vir0_printer *p, unsigned op, unsigned type,
		   const struct vir0_emit_operands *o);
int vir0_emit_cast(struct vir0_printer *p, unsigned from, unsigned to,
		   const struct vir0_emit_operands *o);
int vir0_emit_fma(struct vir0_printer *p, const struct vir0_emit_operands *o);
/* The template ("@a" for the operand) of a Cast, "@a" itself when the bits
 * pass unchanged; NULL for a non-core pair. */
const char *vir0_emit_cast_template(unsigned from, unsigned to);

/* One instruction as one or more statements. */
int vir0_emit_insn(struct vir0_emit_state *s, uint32_t index);

/* The OpenCL C storage type of a buffer element kind ("uint", "uchar"). */
const char *vir0_emit_storage_type(uint8_t element);

#endif
