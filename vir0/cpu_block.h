/* cpu_block.h - internal to the CPU engine: the bytecode as the engine
 * runs it (decoded once per dispatch), one block of lanes with its active
 * mask and mask stack, and the lane loops every instruction is made of.
 * doc/cpu-engine.md explains the design.
 *
 * Every register holds one u32 per lane and is stored as an array of
 * `width` words (structure of arrays), so an instruction is a loop
 * over the lanes that the compiler vectorises. Masks are arrays of the
 * same shape holding 0 (lane off) or 0xFFFFFFFF (lane on), so a masked
 * write is a bitwise blend. */
#ifndef VIR0_CPU_BLOCK_H
#define VIR0_CPU_BLOCK_H

#include "bytecode.h"
#include "dispatch.h"

#include <stdint.h>

/* Lanes in one group. A block is 1 to VIR0_CPU_MAX_GROUPS groups (its
 * width, fixed per dispatch: doc/cpu-engine.md says how it is picked), and
 * every lane loop is a loop over the groups around a loop over the lanes of
 * one group (VIR0_CPU_FOR_LANES). */
#define VIR0_CPU_LANES 64u
#define VIR0_CPU_MAX_GROUPS 8u
#define VIR0_CPU_MAX_LANES (VIR0_CPU_LANES * VIR0_CPU_MAX_GROUPS)

/* for (l = 0; l < width; l++) where width is a multiple of VIR0_CPU_LANES,
 * as groups of VIR0_CPU_LANES lanes. The loop over one group counts from 0
 * to a constant, which is the shape gcc -O2 vectorises without a scalar
 * epilogue; l is defined by a one-trip loop inside it, so `break` in the
 * body would only leave that (no lane loop breaks). ivdep: a lane loop may
 * write an array it reads (out may be an operand register), but lane l
 * only reads what lane l writes, so no dependence crosses lanes and gcc
 * vectorises without the overlap test it would otherwise want. */
#define VIR0_CPU_FOR_LANES(l, width) \
	for (size_t l##_group = 0; l##_group < (width); l##_group += VIR0_CPU_LANES) \
		_Pragma("GCC ivdep") \
		for (size_t l##_k = 0; l##_k < VIR0_CPU_LANES; l##_k++) \
			for (size_t l = l##_group + l##_k, l##_once = 1; l##_once; l##_once = 0)

/* Bytes every lane array is aligned to (one cache line). */
#define VIR0_CPU_ALIGN 64u

#define VIR0_CPU_LANE_ON 0xFFFFFFFFu

/* The lane loops are built twice on x86-64 with GCC: for the baseline
 * (SSE2) and for x86-64-v3 (AVX2, FMA), picked when the library loads.
 * Twice the lanes per instruction, and per-lane shifts and fused
 * multiply-adds vectorise too. Results are the same bits: the loops do
 * the same IEEE operations, and contraction stays off. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#define VIR0_CPU_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define VIR0_CPU_VECTOR_CLONES
#endif

struct vir0_cpu_insn;

/* A value instruction over the lanes: out[l] = op(a[l], b[l], c[l]) in the
 * lanes on in `mask`, or in every lane when mask is NULL (all on, the
 * common case, which saves the blend). `out` may be one of a, b, c: each
 * lane reads its operands before it writes. Unused operands point at the
 * zero register. */
typedef void (*vir0_cpu_lane_fn)(uint32_t *out, const uint32_t *a, const uint32_t *b,
				 const uint32_t *c, const uint32_t *mask,
				 const struct vir0_cpu_insn *insn);

/* What the decoder proved about the index register of a LOAD, STORE or
 * ATOMIC, in the lanes that run it (cpu_decode.c), so the memory loops
 * need not look at every lane's index to find the pattern. */
enum vir0_cpu_index {
	VIR0_CPU_INDEX_ANY,
	VIR0_CPU_INDEX_UNIFORM,  /* a filled constant: one index in every lane */
	VIR0_CPU_INDEX_LINEAR,   /* the invocation id along x of a one-dimensional
				  * dispatch: lane l holds first_lane + l */
};

/* One instruction, decoded once per dispatch. Register fields are indices
 * into the block's register file, where VIR0_BC_NO_REG has been replaced by
 * the zero register (sources) or the discard register (dst). */
struct vir0_cpu_insn {
	vir0_cpu_lane_fn compute;  /* value instructions: the lane loop for (op, type, aux) */
	uint8_t op;                /* enum vir0_bc_op (BUF_LEN is decoded as CONST) */
	uint8_t type;
	uint16_t aux;
	uint8_t index;             /* memory instructions: enum vir0_cpu_index */
	uint16_t width;            /* code->width, for the lane loops, which get
				    * the instruction but not the code */
	uint32_t dst, a, b, c;
	uint32_t imm;
	/* IF only: VIR0_CPU_NO_TERM, or a register that, when no lane takes
	 * the IF and it is 0 in every active lane, proves that the rest of
	 * the enclosing loop does nothing: the block leaves the loop
	 * (cpu_decode.c, "loops that end early"). */
	uint32_t term;
};

#define VIR0_CPU_NO_TERM UINT32_MAX

/* A register that holds `value` in every lane, for the whole dispatch:
 * filled when a thread sets up its blocks, never written after. */
struct vir0_cpu_fill {
	uint32_t reg;
	uint32_t value;
};

/* The decoded program and what the lanes of a dispatch share. */
struct vir0_cpu_code {
	struct vir0_cpu_insn *insns;
	uint32_t ninsns;
	/* the program's registers, zero, discard, then registers filled
	 * with constants (cpu_decode.c) */
	uint32_t nregs;
	struct vir0_cpu_fill *fills;
	uint32_t nfills;
	uint32_t zero_reg, discard_reg;
	uint32_t width;             /* lanes of every block (a multiple of
				     * VIR0_CPU_LANES, at most VIR0_CPU_MAX_LANES) */
	uint32_t stack_slots;       /* mask arrays on the mask stack */
	int has_barrier;
	uint32_t workgroup_size[3];
	uint32_t workgroup_lanes;   /* product of workgroup_size */
	uint32_t groups[3];
	/* Workgroups and grid are one-dimensional: the invocation id along x
	 * of a lane is its linear index in the dispatch. */
	int linear_ids;
	/* Atomics on caller buffers must be real atomics: several threads run. */
	int shared_atomics;
	/* Bit b (buffers 0 to 63): is_output buffer b is written whole by the
	 * run before anything in it could read it (cpu_decode.c, "outputs
	 * written whole"), so the engine may leave out its zero-fill when no
	 * other binding overlaps it. */
	uint64_t outputs_written_whole;
	/* Nonzero, and never the same for two decodes of the process
	 * (vir0_cpu_decode numbers each one, whoever keeps it: the thread's
	 * vir0_cpu_decode_reused or a prepared dispatch): the engine keys
	 * what it derives from one decode (the plan, block states set up for
	 * it) on this. 0: no finished decode, nothing to key on. */
	uint64_t generation;
};

/* Where a block stopped. */
enum vir0_cpu_stop {
	VIR0_CPU_HALTED,      /* every lane finished */
	VIR0_CPU_AT_BARRIER,  /* the live lanes wait at the barrier before pc */
	VIR0_CPU_DIVERGED,    /* some live lanes reached the barrier at pc, others
			       * did not: invalid bytecode (fmt §8.6) */
};

/* What a block knows of its lanes' ids (cpu_ids.c). */
enum vir0_cpu_ids {
	VIR0_CPU_IDS_UNKNOWN,  /* not asked for yet */
	VIR0_CPU_IDS_LINEAR,   /* one 1-D workgroup holds the block */
	VIR0_CPU_IDS_LANES,    /* in local_id and group_id */
};

/* One block of up to width invocations: consecutive lanes of the
 * dispatch in linear order (workgroup-major, then linear local index). */
struct vir0_cpu_block {
	_Alignas(VIR0_CPU_ALIGN) uint32_t exec[VIR0_CPU_MAX_LANES]; /* running now */
	_Alignas(VIR0_CPU_ALIGN) uint32_t live[VIR0_CPU_MAX_LANES]; /* not finished */
	_Alignas(VIR0_CPU_ALIGN) uint32_t scratch[VIR0_CPU_MAX_LANES];
	_Alignas(VIR0_CPU_ALIGN) uint32_t local_id[3][VIR0_CPU_MAX_LANES];
	_Alignas(VIR0_CPU_ALIGN) uint32_t group_id[3][VIR0_CPU_MAX_LANES];
	uint32_t *regs;       /* code->nregs arrays of width */
	uint32_t *stack;      /* code->stack_slots arrays of width */
	uint32_t width;       /* code->width */
	uint64_t first_lane;  /* linear index of lane 0 in the dispatch */
	uint32_t nlanes;
	uint32_t pc;
	uint32_t depth;       /* IF/LOOP levels open */
	/* Bit d: the IF that opened level d found the block full and every
	 * lane took the then-list, so it saved nothing (cpu_block.c). */
	uint64_t whole_levels;
	int full;             /* every lane of exec on: lane loops skip the mask */
	int finished;         /* every lane finished */
	enum vir0_cpu_ids ids;
	uint32_t first_local[3], first_group[3]; /* ids of lane 0 */
};

static inline uint32_t *vir0_cpu_reg(const struct vir0_cpu_block *block, uint32_t reg)
{
	return block->regs + (size_t)reg * block->width;
}

/* Decode `bc`, which has passed vir0_bytecode_verify, so nothing is checked
 * again (cpu_decode.c), for a grid of `groups` workgroups. BUF_LEN becomes
 * CONST of the buffer's length in `views`; constants become filled
 * registers where they can; f32 lane loops skip canonicalising operands
 * proved canonical; memory instructions learn their index pattern; IFs
 * that may end their loop early learn their term; outputs the run writes
 * whole are marked.
 * Returns VIR0_ENOMEM or VIR0_OK; free with vir0_cpu_code_free. */
int vir0_cpu_decode(const struct vir0_bytecode *bc, const struct vir0_buffer_view *views,
		    const uint32_t groups[3], struct vir0_cpu_code *code);
void vir0_cpu_code_free(struct vir0_cpu_code *code);

/* vir0_cpu_decode through this thread's last decode, reused while the
 * bytecode (by content), the lengths in `views` and the grid are the
 * same. *code belongs to the thread: use it before the thread's next
 * call, and do not free it. Returns VIR0_ENOMEM or VIR0_OK. */
int vir0_cpu_decode_reused(const struct vir0_bytecode *bc, const struct vir0_buffer_view *views,
			   const uint32_t groups[3], struct vir0_cpu_code **code);

/* Write the constants of code->fills into a block's register file. */
void vir0_cpu_fill_registers(const struct vir0_cpu_code *code, uint32_t *regs);

/* Start `block` at the beginning of the program over lanes
 * [first_lane, first_lane + nlanes) of the dispatch. */
void vir0_cpu_block_start(struct vir0_cpu_block *block, uint64_t first_lane,
			  uint32_t nlanes);

/* Run `block` from its pc until every lane finished or the live lanes
 * reach a barrier. `views` are the buffers, Workgroup ones bound to the
 * block's workgroup copy. */
enum vir0_cpu_stop vir0_cpu_block_run(struct vir0_cpu_block *block,
				      const struct vir0_cpu_code *code,
				      const struct vir0_buffer_view *views);

/* out = id `kind` (enum vir0_bc_id_kind) along `axis` of every lane. */
void vir0_cpu_block_ids(struct vir0_cpu_block *block, const struct vir0_cpu_code *code,
			unsigned kind, unsigned axis, uint32_t *restrict out);

/* The lane loop of a value instruction (cpu_ops.c); `canonical`: its f32
 * operands are known to be canonical already. */
vir0_cpu_lane_fn vir0_cpu_lane_fn_for(unsigned op, unsigned type, unsigned aux, int canonical);

/* dst = value in the first `width` lanes on in mask; the others keep theirs. */
static inline void vir0_cpu_blend(uint32_t *restrict dst, const uint32_t *restrict value,
				  const uint32_t *restrict mask, unsigned width)
{
	VIR0_CPU_FOR_LANES(l, width)
		dst[l] = (value[l] & mask[l]) | (dst[l] & ~mask[l]);
}

/* Where a memory instruction's index register points, as far as known
 * without reading it: `kind` (enum vir0_cpu_index) and, for
 * VIR0_CPU_INDEX_LINEAR, the index of lane 0; `width`: the block's lanes. */
struct vir0_cpu_where {
	const uint32_t *index;
	unsigned kind;
	uint32_t first;
	unsigned width;
};

/* Memory instructions (cpu_mem.c), over the lanes on in `mask`; `full`
 * says they all are. LOAD writes `out` in those lanes, and `out` may be
 * the index register. ATOMIC writes `out` (not an operand) in those lanes;
 * STORE writes only their elements. */
void vir0_cpu_load(uint32_t *out, const struct vir0_buffer_view *view,
		   const struct vir0_cpu_where *where, const uint32_t *mask, int full);
void vir0_cpu_store(const struct vir0_buffer_view *view, const struct vir0_cpu_where *where,
		    const uint32_t *value, const uint32_t *mask, int full);
void vir0_cpu_atomic(uint32_t *restrict out, const struct vir0_buffer_view *view,
		     uint8_t op, int shared, const struct vir0_cpu_where *where,
		     const uint32_t *restrict value, const uint32_t *restrict expected,
		     const uint32_t *restrict mask);

#endif
