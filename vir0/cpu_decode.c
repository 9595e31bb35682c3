/* cpu_decode.c - the bytecode as the CPU engine runs it, decoded once per
 * dispatch (vir0_cpu_decode). Besides unpacking the words, rewrites and
 * proofs that cost nothing at run time and change no result:
 *
 * - Constants become registers filled once per thread. A CONST whose only
 *   reader is the next instruction, which overwrites the same register
 *   (`const r7 = 0; binop r7 = ne r1, r7`, the lowering's usual shape), and
 *   every CONST of a register that nothing but CONSTs of that one value
 *   writes, are dropped; their readers read a register that already holds
 *   the value in every lane. That saves a dispatch and a pass over the
 *   lanes per constant, in every block.
 * - f32 operands proved canonical skip canonicalisation (fmt §9.2 asks
 *   for canonical operands; these already are). An operand is canonical
 *   when, on every path to its reader, the last write of its register
 *   made canonical bits: f32 arithmetic, f32 loads, casts to f32,
 *   canonical constants, moves or selects of canonical registers. The
 *   proof follows the bytecode's paths, not the lowering's habits, so it
 *   holds for any verified bytecode.
 * - Memory instructions learn their index pattern by the same kind of
 *   proof (enum vir0_cpu_index): a filled register, or the invocation id
 *   along x of a one-dimensional dispatch.
 * - Output buffers that the run provably writes whole before anything
 *   could read them are marked, so the engine may skip their zero-fill
 *   (see "outputs written whole").
 * - A loop whose body ends in an IF that its remaining iterations provably
 *   never take lets a block leave it early (see "loops that end early"). */
#include "cpu_block.h"

#include "scalar_ops.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Registers an instruction reads, in the decoded form (unused sources
 * point at the zero register, which reads 0). */
static int reads(const struct vir0_cpu_insn *in, uint32_t reg)
{
	return in->a == reg || in->b == reg || in->c == reg;
}

/* Value instructions that read their sources, then write dst in the
 * active lanes and do nothing else: a constant operand can be folded in. */
static int is_value_op(unsigned op)
{
	switch (op) {
	case VIR0_BC_MOV: case VIR0_BC_BINOP: case VIR0_BC_UNOP: case VIR0_BC_CAST:
	case VIR0_BC_SELECT: case VIR0_BC_FMA: case VIR0_BC_LOAD:
		return 1;
	default:
		return 0;
	}
}

/* No control flow, memory write, barrier or return: runs in exactly the
 * lanes of the instruction before it and changes only its dst. */
static int is_pure(const struct vir0_cpu_insn *in)
{
	return in->op == VIR0_BC_CONST || in->op == VIR0_BC_ID || is_value_op(in->op);
}

static int is_f32_arith(unsigned aux)
{
	switch (aux) {
	case VIR0_BIN_ADD: case VIR0_BIN_SUB: case VIR0_BIN_MUL: case VIR0_BIN_DIV:
	case VIR0_BIN_MIN: case VIR0_BIN_MAX:
		return 1;
	default:
		return 0;
	}
}

static int is_f32_unop(unsigned aux)
{
	return aux != VIR0_UN_IS_NAN && aux != VIR0_UN_IS_INF && aux != VIR0_UN_IS_FINITE;
}

/* Per-instruction sets of registers, one bit each. */
struct reg_sets {
	uint64_t *bits;
	size_t words;  /* per set */
};

static uint64_t *set_of(const struct reg_sets *sets, uint32_t i)
{
	return sets->bits + (size_t)i * sets->words;
}

static int has(const uint64_t *set, uint32_t reg)
{
	return (int)(set[reg / 64] >> (reg % 64) & 1);
}

static void put(uint64_t *set, uint32_t reg, int on)
{
	uint64_t bit = (uint64_t)1 << (reg % 64);
	set[reg / 64] = on ? set[reg / 64] | bit : set[reg / 64] & ~bit;
}

/* A property of a register's value in the lanes that read it: whether
 * instruction `in` gives its dst the property, given the registers that
 * have it before `in`; and whether a register filled with `value` has it. */
struct reg_property {
	int (*makes)(const struct vir0_cpu_insn *in, const uint64_t *before,
		     const struct vir0_bytecode *bc);
	int (*filled)(uint32_t value);
};

/* 1 when `in` writes canonical f32 bits into dst, given the registers
 * canonical before it. */
static int makes_canonical(const struct vir0_cpu_insn *in, const uint64_t *canonical,
			   const struct vir0_bytecode *bc)
{
	switch (in->op) {
	case VIR0_BC_CONST: return vir0_f32_canon(in->imm) == in->imm;
	case VIR0_BC_MOV: return has(canonical, in->a);
	case VIR0_BC_SELECT: return has(canonical, in->b) && has(canonical, in->c);
	case VIR0_BC_FMA: return 1;
	case VIR0_BC_BINOP: return in->type == VIR0_TYPE_F32 && is_f32_arith(in->aux);
	case VIR0_BC_UNOP: return in->type == VIR0_TYPE_F32 && is_f32_unop(in->aux);
	case VIR0_BC_CAST: return in->aux == VIR0_TYPE_F32;
	case VIR0_BC_LOAD: return bc->buffers[in->aux].element == VIR0_TYPE_F32;
	default: return 0;
	}
}

static int canonical_fill(uint32_t value)
{
	return vir0_f32_canon(value) == value;
}

static const struct reg_property canonical_f32 = { makes_canonical, canonical_fill };

/* 1 when `in` writes each lane's invocation id along x into dst. */
static int makes_invocation_x(const struct vir0_cpu_insn *in, const uint64_t *holding,
			      const struct vir0_bytecode *bc)
{
	(void)bc;
	switch (in->op) {
	case VIR0_BC_ID: return in->aux == VIR0_BC_ID_INVOCATION && in->imm == 0;
	case VIR0_BC_MOV: return has(holding, in->a);
	case VIR0_BC_SELECT: return has(holding, in->b) && has(holding, in->c);
	default: return 0;
	}
}

static int never(uint32_t value)
{
	(void)value;
	return 0;
}

static const struct reg_property invocation_x = { makes_invocation_x, never };

/* Where a lane may go after instruction i (at most two places). A lane
 * that skips a then-list, an else-list or a loop body takes the second
 * edge; RETURN is given its fall-through, which only adds paths. */
static unsigned successors(const struct vir0_cpu_code *code, uint32_t i, uint32_t next[2])
{
	const struct vir0_cpu_insn *in = &code->insns[i];
	switch (in->op) {
	case VIR0_BC_HALT: return 0;
	case VIR0_BC_IF: case VIR0_BC_ELSE:
		next[0] = i + 1;
		next[1] = in->imm;
		return 2;
	case VIR0_BC_LOOP:
		next[0] = i + 1;
		next[1] = in->imm + 1;
		return 2;
	case VIR0_BC_END_LOOP:
		next[0] = in->imm + 1;
		next[1] = i + 1;
		return 2;
	default:
		next[0] = i + 1;
		return 1;
	}
}

/* The registers that have `property` before each instruction on every
 * path that reaches it (a forward "must" dataflow over the structured
 * control flow, iterated because of loops). Since a lane that runs an
 * instruction followed one of these paths, the property holds in every
 * lane that runs it. At the start only the zero register and filled
 * constants are known; lanes keep older values in other registers.
 * Returns 0 when the sets would take too much memory: then nothing may
 * be assumed. */
static int find_holding(const struct vir0_cpu_code *code, const struct vir0_bytecode *bc,
			const struct reg_property *property, struct reg_sets *sets)
{
	sets->words = (code->nregs + 63) / 64;
	if ((size_t)code->ninsns * sets->words > ((size_t)1 << 22))
		return 0;
	sets->bits = calloc((size_t)code->ninsns * sets->words + sets->words, sizeof(uint64_t));
	uint8_t *reached = calloc(code->ninsns, 1);
	if (!sets->bits || !reached) {
		free(reached);
		return 0;
	}
	uint64_t *out = set_of(sets, code->ninsns); /* scratch, after the last set */
	put(set_of(sets, 0), code->zero_reg, property->filled(0));
	for (uint32_t k = 0; k < code->nfills; k++)
		put(set_of(sets, 0), code->fills[k].reg, property->filled(code->fills[k].value));
	reached[0] = 1;
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t i = 0; i < code->ninsns; i++) {
			if (!reached[i])
				continue;
			const struct vir0_cpu_insn *in = &code->insns[i];
			memcpy(out, set_of(sets, i), sets->words * sizeof(uint64_t));
			if (in->dst != code->discard_reg)
				put(out, in->dst, property->makes(in, set_of(sets, i), bc));
			uint32_t next[2];
			unsigned n = successors(code, i, next);
			for (unsigned k = 0; k < n; k++) {
				uint64_t *target = set_of(sets, next[k]);
				if (!reached[next[k]]) {
					memcpy(target, out, sets->words * sizeof(uint64_t));
					reached[next[k]] = 1;
					changed = 1;
					continue;
				}
				for (size_t w = 0; w < sets->words; w++) {
					uint64_t meet = target[w] & out[w];
					changed |= meet != target[w];
					target[w] = meet;
				}
			}
		}
	}
	free(reached);
	return 1;
}

/* A register holding `value` in every lane: an existing fill (nothing
 * writes a filled register) or a new register. */
static uint32_t fill_for(struct vir0_cpu_code *code, uint32_t value)
{
	for (uint32_t k = 0; k < code->nfills; k++)
		if (code->fills[k].value == value)
			return code->fills[k].reg;
	uint32_t reg = code->nregs++;
	code->fills[code->nfills++] = (struct vir0_cpu_fill){ reg, value };
	return reg;
}

/* Registers written only by CONSTs of one value: fill them, drop the
 * CONSTs. */
static void fold_constant_registers(struct vir0_cpu_code *code, uint8_t *dropped,
				    uint32_t program_regs)
{
	enum { UNSEEN, CONSTANT, VARIES };
	uint8_t *state = calloc(program_regs, 1);
	uint32_t *value = calloc(program_regs, sizeof(*value));
	if (!state || !value) {
		/* Folding is an optimisation: without memory, run unfolded. */
		free(state);
		free(value);
		return;
	}
	for (uint32_t i = 0; i < code->ninsns; i++) {
		const struct vir0_cpu_insn *in = &code->insns[i];
		uint32_t r = in->dst;
		if (r >= program_regs)
			continue;
		if (in->op != VIR0_BC_CONST || (state[r] == CONSTANT && value[r] != in->imm))
			state[r] = VARIES;
		else if (state[r] == UNSEEN) {
			state[r] = CONSTANT;
			value[r] = in->imm;
		}
	}
	for (uint32_t r = 0; r < program_regs; r++)
		if (state[r] == CONSTANT)
			code->fills[code->nfills++] = (struct vir0_cpu_fill){ r, value[r] };
	for (uint32_t i = 0; i < code->ninsns; i++)
		dropped[i] = code->insns[i].dst < program_regs &&
			     state[code->insns[i].dst] == CONSTANT;
	free(state);
	free(value);
}

/* `const rX = v` right before a value instruction that reads rX and
 * writes rX: the constant dies there, so the reader takes a filled
 * register instead. Both run under the same mask (nothing between them). */
static void fold_constant_operands(struct vir0_cpu_code *code, uint8_t *dropped)
{
	for (uint32_t i = 0; i + 1 < code->ninsns; i++) {
		struct vir0_cpu_insn *in = &code->insns[i], *next = in + 1;
		if (dropped[i] || in->op != VIR0_BC_CONST || !is_value_op(next->op) ||
		    next->dst != in->dst || !reads(next, in->dst))
			continue;
		uint32_t reg = fill_for(code, in->imm);
		if (next->a == in->dst)
			next->a = reg;
		if (next->b == in->dst)
			next->b = reg;
		if (next->c == in->dst)
			next->c = reg;
		dropped[i] = 1;
	}
}

/* Remove dropped instructions; partner indices (IF, ELSE, END_IF, LOOP,
 * END_LOOP) follow. Partners are control instructions, never dropped, and
 * a jump to "partner + 1" lands on the first instruction kept after it. */
static void compact(struct vir0_cpu_code *code, const uint8_t *dropped, uint32_t *new_index)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < code->ninsns; i++) {
		new_index[i] = kept;
		kept += !dropped[i];
	}
	kept = 0;
	for (uint32_t i = 0; i < code->ninsns; i++) {
		if (dropped[i])
			continue;
		struct vir0_cpu_insn in = code->insns[i];
		switch (in.op) {
		case VIR0_BC_IF: case VIR0_BC_ELSE: case VIR0_BC_END_IF:
		case VIR0_BC_LOOP: case VIR0_BC_END_LOOP:
			in.imm = new_index[in.imm];
			break;
		default:
			break;
		}
		code->insns[kept++] = in;
	}
	code->ninsns = kept;
}

static void unpack(const struct vir0_bytecode *bc, const struct vir0_buffer_view *views,
		   struct vir0_cpu_code *code)
{
	for (uint32_t i = 0; i < bc->ninsns; i++) {
		const struct vir0_insn *in = &bc->insns[i];
		struct vir0_cpu_insn *out = &code->insns[i];
		unsigned dst = vir0_insn_dst(in), a = vir0_insn_a(in);
		unsigned b = vir0_insn_b(in), c = vir0_insn_c(in);
		out->op = (uint8_t)vir0_insn_op(in);
		out->type = (uint8_t)vir0_insn_type(in);
		out->aux = (uint16_t)vir0_insn_aux(in);
		out->imm = vir0_insn_imm(in);
		out->dst = dst == VIR0_BC_NO_REG ? code->discard_reg : dst;
		out->a = a == VIR0_BC_NO_REG ? code->zero_reg : a;
		out->b = b == VIR0_BC_NO_REG ? code->zero_reg : b;
		out->c = c == VIR0_BC_NO_REG ? code->zero_reg : c;
		out->term = VIR0_CPU_NO_TERM;
		if (out->op == VIR0_BC_BUF_LEN) {
			/* Lengths are fixed for the whole dispatch. */
			out->op = VIR0_BC_CONST;
			out->imm = views[out->aux].length;
		}
		code->has_barrier |= out->op == VIR0_BC_BARRIER;
	}
}

/* The lane loops, once operands are final. */
static void pick_lane_fns(struct vir0_cpu_code *code, const struct reg_sets *canonical)
{
	for (uint32_t i = 0; i < code->ninsns; i++) {
		struct vir0_cpu_insn *in = &code->insns[i];
		const uint64_t *known = canonical->bits ? set_of(canonical, i) : NULL;
		int operands_canonical = known && has(known, in->a) && has(known, in->b) &&
					 has(known, in->c);
		if (in->op == VIR0_BC_LOOP || in->op == VIR0_BC_END_LOOP)
			in->compute = vir0_cpu_lane_fn_for(VIR0_BC_BINOP, in->type, VIR0_BIN_LT, 0);
		else
			in->compute = vir0_cpu_lane_fn_for(in->op, in->type, in->aux,
							   operands_canonical);
	}
}

/* The constant a filled register holds, or 0 with *value untouched. */
static int filled_value(const struct vir0_cpu_code *code, uint32_t reg, uint32_t *value)
{
	if (reg == code->zero_reg) {
		*value = 0;
		return 1;
	}
	for (uint32_t k = 0; k < code->nfills; k++)
		if (code->fills[k].reg == reg) {
			*value = code->fills[k].value;
			return 1;
		}
	return 0;
}

/* The index pattern of every LOAD, STORE and ATOMIC: a filled register
 * holds one index in every lane; the invocation id along x of a
 * one-dimensional dispatch (`linear`, the registers holding it before each
 * instruction, or no sets) counts up from the block's first lane
 * (cpu_ids.c). */
static void find_index_patterns(struct vir0_cpu_code *code, const struct reg_sets *linear)
{
	for (uint32_t i = 0; i < code->ninsns; i++) {
		struct vir0_cpu_insn *in = &code->insns[i];
		if (in->op != VIR0_BC_LOAD && in->op != VIR0_BC_STORE && in->op != VIR0_BC_ATOMIC)
			continue;
		uint32_t value;
		if (filled_value(code, in->a, &value))
			in->index = VIR0_CPU_INDEX_UNIFORM;
		else if (linear->bits && has(set_of(linear, i), in->a))
			in->index = VIR0_CPU_INDEX_LINEAR;
		else
			in->index = VIR0_CPU_INDEX_ANY;
	}
}

/* ---- outputs written whole ----------------------------------------------- */

/* fmt §9.1 zero-fills every is_output buffer before a run: for vector add
 * a whole extra pass over c. It can be left out where the run writes
 * every element before anything could read it, for this grid and these
 * lengths (doc/cpu-engine.md, "Outputs written whole", has the proof).
 * Buffer b qualifies when, on the decoded instructions:
 *
 * 1. The dispatch is one-dimensional (linear ids) with no barrier, and
 *    its invocations (groups x workgroup size along x) are at least
 *    len(b).
 * 2. The only instruction that names b is one STORE (no LOAD, no
 *    ATOMIC), whose index is proved to hold the invocation id along x
 *    (VIR0_CPU_INDEX_LINEAR).
 * 3. No RETURN comes before the STORE, and every construct open at the
 *    STORE is an IF whose then-list holds it (no LOOP, no else-list),
 *    with the condition exactly `gid.x < len(b)`: the IF's condition
 *    register is last written, in the straight line of pure instructions
 *    right before the IF, by a u32 Lt BINOP whose left operand holds
 *    gid.x and whose right operand is filled with len(b).
 *
 * Then the lane with gid.x = i, for every i < len(b), reaches the STORE
 * once and writes element i, and nothing reads b. Whether another binding
 * overlaps b's memory is the engine's to check (cpu_engine.c). */

/* 1 when the IF at `ifpc` tests exactly gid.x < length (condition 3). */
static int guards_length(const struct vir0_cpu_code *code, const struct reg_sets *linear,
			 uint32_t ifpc, uint32_t length)
{
	uint32_t cond = code->insns[ifpc].a, bound;
	for (uint32_t i = ifpc; i-- > 0;) {
		const struct vir0_cpu_insn *in = &code->insns[i];
		if (!is_pure(in))
			return 0;
		if (in->dst != cond)
			continue;
		return in->op == VIR0_BC_BINOP && in->aux == VIR0_BIN_LT &&
		       in->type == VIR0_TYPE_U32 && has(set_of(linear, i), in->a) &&
		       filled_value(code, in->b, &bound) && bound == length;
	}
	return 0;
}

/* 1 when buffer b of `length` elements is written whole by its one STORE
 * before anything could read it (conditions 2 and 3). */
static int writes_whole(const struct vir0_cpu_code *code, const struct reg_sets *linear,
			uint32_t b, uint32_t length)
{
	uint32_t store = UINT32_MAX;
	for (uint32_t i = 0; i < code->ninsns; i++) {
		const struct vir0_cpu_insn *in = &code->insns[i];
		int names_b = (in->op == VIR0_BC_LOAD || in->op == VIR0_BC_STORE ||
			       in->op == VIR0_BC_ATOMIC) && in->aux == b;
		if (!names_b)
			continue;
		if (in->op != VIR0_BC_STORE || store != UINT32_MAX)
			return 0;
		store = i;
	}
	if (store == UINT32_MAX || code->insns[store].index != VIR0_CPU_INDEX_LINEAR)
		return 0;
	for (uint32_t i = 0; i < store; i++) {
		const struct vir0_cpu_insn *in = &code->insns[i];
		int opens_over_store = (in->op == VIR0_BC_IF || in->op == VIR0_BC_ELSE ||
					in->op == VIR0_BC_LOOP) && in->imm > store;
		if (in->op == VIR0_BC_RETURN || in->op == VIR0_BC_BARRIER)
			return 0;
		/* An IF's imm is its ELSE or END_IF: past the STORE, the STORE
		 * is in its then-list. */
		if (opens_over_store && (in->op != VIR0_BC_IF || !guards_length(code, linear, i, length)))
			return 0;
	}
	return 1;
}

static void find_outputs_written_whole(struct vir0_cpu_code *code,
				       const struct vir0_bytecode *bc,
				       const struct vir0_buffer_view *views,
				       const struct reg_sets *linear)
{
	uint64_t invocations = (uint64_t)code->groups[0] * code->workgroup_size[0];
	code->outputs_written_whole = 0;
	if (!linear->bits || code->has_barrier)
		return;
	for (uint32_t b = 0; b < bc->nbuffers && b < 64; b++)
		if (bc->buffers[b].is_output && bc->buffers[b].access != VIR0_ACCESS_WORKGROUP &&
		    views[b].length <= invocations && writes_whole(code, linear, b, views[b].length))
			code->outputs_written_whole |= (uint64_t)1 << b;
}

/* ---- loops that end early ---------------------------------------------- */

/* The shape `loop { pure instructions; if (... && term && ...) { ... } }`
 * (the dfa example: `if pos < len(input) && state != 0u`, where only the
 * then-list writes state). When no lane of a block takes the IF and the
 * term is 0 in every active lane, every remaining iteration of the loop
 * does nothing that anything after the loop can see, so the block may
 * leave the loop at once. The conditions, all proved here on the decoded
 * instructions (doc/cpu-engine.md, "Loops that end early", has the proof):
 *
 * 1. The loop body is a pre-IF part of pure value instructions (no
 *    control flow, store, atomic, barrier or return), then one IF without
 *    ELSE whose END_IF is the instruction before END_LOOP. No BARRIER
 *    anywhere in the loop.
 * 2. The IF's condition is a tree of And / BitAnd BINOPs (each one
 *    proved 0 when an operand is 0) computed in the pre-IF part, and one
 *    of its leaves, the term, is sticky: its value is computed in the
 *    pre-IF part from registers that hold their value at the start of
 *    the body (its inputs) by pure instructions, loads from ReadOnly or
 *    Uniform buffers only; no input is the loop variable or written
 *    anywhere in the pre-IF part. So between two iterations the inputs
 *    change only in the then-list (or END_LOOP, which writes the loop
 *    variable only): once no lane runs the then-list, the term keeps its
 *    value in every lane still in the loop.
 * 3. The term's register still holds the term at the IF.
 * 4. The loop variable and every register the pre-IF part writes are
 *    dead when the loop is left (no path from past END_LOOP reads them
 *    before writing them): those are the only registers the skipped
 *    iterations would have changed. */

/* Walks of the pre-IF part stop after this many visits (nothing proved). */
#define CONE_VISITS 256u

/* The pre-IF part of a loop: instructions first .. ifpc - 1, straight
 * line; `var`: the loop variable. */
struct pre_if {
	const struct vir0_cpu_code *code;
	const struct vir0_bytecode *bc;
	uint32_t first, ifpc, var;
	unsigned visits;
};

/* The last instruction in [from, before) of the pre-IF part that writes
 * reg, or UINT32_MAX. */
static uint32_t last_write(const struct pre_if *part, uint32_t reg, uint32_t from,
			   uint32_t before)
{
	for (uint32_t i = before; i-- > from;)
		if (part->code->insns[i].dst == reg)
			return i;
	return UINT32_MAX;
}

/* 1 when the value of reg read at instruction `at` is a function of
 * inputs that keep their value from one iteration to the next as long as
 * no lane runs the then-list (condition 2). */
static int sticky(struct pre_if *part, uint32_t reg, uint32_t at)
{
	if (++part->visits > CONE_VISITS)
		return 0;
	uint32_t d = last_write(part, reg, part->first, at);
	if (d == UINT32_MAX)
		return reg != part->var &&
		       last_write(part, reg, part->first, part->ifpc) == UINT32_MAX;
	const struct vir0_cpu_insn *in = &part->code->insns[d];
	/* Nothing writes a ReadOnly or Uniform buffer (B13). */
	unsigned access = in->op == VIR0_BC_LOAD ? part->bc->buffers[in->aux].access
						 : VIR0_ACCESS_READ_ONLY;
	if (access != VIR0_ACCESS_READ_ONLY && access != VIR0_ACCESS_UNIFORM)
		return 0;
	return sticky(part, in->a, d) && sticky(part, in->b, d) && sticky(part, in->c, d);
}

/* 1 when the BINOP gives 0 whenever one of its operands is 0. */
static int is_and(const struct vir0_cpu_insn *in)
{
	return in->op == VIR0_BC_BINOP &&
	       (in->aux == VIR0_BIN_AND ||
		(in->aux == VIR0_BIN_BIT_AND && in->type != VIR0_TYPE_F32));
}

/* A sticky leaf of the And tree whose value is read as reg at `at`, whose
 * register still holds it at the IF (condition 3); VIR0_CPU_NO_TERM if
 * none. */
static uint32_t sticky_leaf(struct pre_if *part, uint32_t reg, uint32_t at)
{
	uint32_t d = last_write(part, reg, part->first, at);
	uint32_t from = d == UINT32_MAX ? part->first : d + 1;
	if (last_write(part, reg, from, part->ifpc) == UINT32_MAX && sticky(part, reg, at))
		return reg;
	if (d == UINT32_MAX || !is_and(&part->code->insns[d]) || part->visits > CONE_VISITS)
		return VIR0_CPU_NO_TERM;
	uint32_t leaf = sticky_leaf(part, part->code->insns[d].a, d);
	return leaf != VIR0_CPU_NO_TERM ? leaf : sticky_leaf(part, part->code->insns[d].b, d);
}

/* Registers live before each instruction: read on some path from there
 * before being written (a backward "may" dataflow, iterated because of
 * loops). A lane follows one of these paths, and an instruction writes
 * dst in every lane that runs it, so a register not live here is never
 * read by a lane before that lane writes it again. RETURN keeps its
 * fall-through, which only adds reads. Returns 0 when the sets would
 * take too much memory. */
static int find_live(const struct vir0_cpu_code *code, struct reg_sets *live)
{
	live->words = (code->nregs + 63) / 64;
	if ((size_t)code->ninsns * live->words > ((size_t)1 << 22))
		return 0;
	live->bits = calloc(((size_t)code->ninsns + 1) * live->words, sizeof(uint64_t));
	if (!live->bits)
		return 0;
	uint64_t *out = set_of(live, code->ninsns); /* scratch, after the last set */
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t i = code->ninsns; i-- > 0;) {
			const struct vir0_cpu_insn *in = &code->insns[i];
			uint32_t next[2];
			unsigned n = successors(code, i, next);
			memset(out, 0, live->words * sizeof(uint64_t));
			for (unsigned k = 0; k < n; k++)
				for (size_t w = 0; w < live->words; w++)
					out[w] |= set_of(live, next[k])[w];
			/* END_LOOP reads its variable before it writes it. */
			put(out, in->dst, in->op == VIR0_BC_END_LOOP);
			put(out, in->a, 1);
			put(out, in->b, 1);
			put(out, in->c, 1);
			uint64_t *set = set_of(live, i);
			for (size_t w = 0; w < live->words; w++) {
				changed |= set[w] != out[w];
				set[w] = out[w];
			}
		}
	}
	return 1;
}

/* 1 when the loop variable and every register the pre-IF part writes are
 * dead past END_LOOP (condition 4). */
static int dead_on_exit(const struct pre_if *part, const uint64_t *exit_live)
{
	if (has(exit_live, part->var))
		return 0;
	for (uint32_t i = part->first; i < part->ifpc; i++)
		if (has(exit_live, part->code->insns[i].dst))
			return 0;
	return 1;
}

static int has_barrier_in(const struct vir0_cpu_code *code, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i <= to; i++)
		if (code->insns[i].op == VIR0_BC_BARRIER)
			return 1;
	return 0;
}

/* Give the IF of every loop of the shape above its sticky term. */
static void find_loop_exits(struct vir0_cpu_code *code, const struct vir0_bytecode *bc)
{
	struct reg_sets live = { NULL, 0 };
	for (uint32_t loop = 0; loop < code->ninsns; loop++) {
		struct vir0_cpu_insn *in = &code->insns[loop];
		if (in->op != VIR0_BC_LOOP)
			continue;
		uint32_t end = in->imm, ifpc = loop + 1;
		while (ifpc < end && is_pure(&code->insns[ifpc]))
			ifpc++;
		struct vir0_cpu_insn *branch = &code->insns[ifpc];
		if (branch->op != VIR0_BC_IF || branch->imm != end - 1 ||
		    code->insns[end - 1].op != VIR0_BC_END_IF || has_barrier_in(code, loop, end))
			continue;
		struct pre_if part = { code, bc, loop + 1, ifpc, in->dst, 0 };
		uint32_t term = sticky_leaf(&part, branch->a, ifpc);
		if (term == VIR0_CPU_NO_TERM)
			continue;
		if (!live.bits && !find_live(code, &live))
			break; /* nothing proved: every loop runs to its end */
		if (dead_on_exit(&part, set_of(&live, end + 1)))
			branch->term = term;
	}
	free(live.bits);
}

int vir0_cpu_decode(const struct vir0_bytecode *bc, const struct vir0_buffer_view *views,
		    const uint32_t groups[3], struct vir0_cpu_code *code)
{
	memset(code, 0, sizeof(*code));
	code->insns = malloc((size_t)bc->ninsns * sizeof(*code->insns));
	/* At most one fill per program register and one per instruction. */
	code->fills = malloc(((size_t)bc->nregs + bc->ninsns) * sizeof(*code->fills));
	uint8_t *dropped = calloc(bc->ninsns, 1);
	uint32_t *new_index = malloc((size_t)bc->ninsns * sizeof(*new_index));
	struct reg_sets canonical = { NULL, 0 }, linear = { NULL, 0 };
	int status = VIR0_OK;
	if (!code->insns || !code->fills || !dropped || !new_index) {
		vir0_cpu_code_free(code);
		status = VIR0_ENOMEM;
		goto out;
	}
	code->ninsns = bc->ninsns;
	code->zero_reg = bc->nregs;
	code->discard_reg = bc->nregs + 1;
	code->nregs = bc->nregs + 2;
	code->stack_slots = 2 * bc->max_nesting;
	unpack(bc, views, code);
	fold_constant_registers(code, dropped, bc->nregs);
	fold_constant_operands(code, dropped);
	compact(code, dropped, new_index);
	for (int axis = 0; axis < 3; axis++) {
		code->workgroup_size[axis] = bc->workgroup_size[axis];
		code->groups[axis] = groups[axis];
	}
	code->linear_ids = code->workgroup_size[1] == 1 && code->workgroup_size[2] == 1 &&
			   groups[1] == 1 && groups[2] == 1;
	if (!find_holding(code, bc, &canonical_f32, &canonical)) {
		free(canonical.bits);
		canonical.bits = NULL;
	}
	pick_lane_fns(code, &canonical);
	/* linear_ids: the invocation id along x of a lane is its linear index. */
	if (code->linear_ids && !find_holding(code, bc, &invocation_x, &linear)) {
		free(linear.bits);
		linear.bits = NULL;
	}
	find_index_patterns(code, &linear);
	find_outputs_written_whole(code, bc, views, &linear);
	find_loop_exits(code, bc);
	/* Each decode its own number, whoever keeps it (this thread's memo,
	 * or a caller's prepared dispatch): the engine keys on it what it
	 * derives from the decode. */
	static uint64_t generations;
	code->generation = __atomic_add_fetch(&generations, 1, __ATOMIC_RELAXED);
out:
	free(dropped);
	free(new_index);
	free(canonical.bits);
	free(linear.bits);
	return status;
}

void vir0_cpu_code_free(struct vir0_cpu_code *code)
{
	free(code->insns);
	free(code->fills);
	code->insns = NULL;
	code->fills = NULL;
}

void vir0_cpu_fill_registers(const struct vir0_cpu_code *code, uint32_t *regs)
{
	for (uint32_t k = 0; k < code->nfills; k++) {
		uint32_t *lanes = regs + (size_t)code->fills[k].reg * code->width;
		uint32_t value = code->fills[k].value;
		VIR0_CPU_FOR_LANES(l, code->width)
			lanes[l] = value;
	}
}

/* ---- each thread's last decode ----------------------------------------- */

/* Decoding costs two data-flow passes and eight allocations: for a task
 * of 64 invocations (vector add) that was most of a 3 us call. The StarPU
 * codelet runs one program on one shape task after task, so each thread
 * keeps its last decode. The bytecode is compared by content, not by
 * address: a freed bytecode's address may come back holding another
 * program. */
struct decode_memo {
	struct vir0_bytecode bc;     /* the header, a copy of insns and buffers */
	uint32_t *lengths;           /* of bc.nbuffers views: BUF_LEN folds them in */
	uint32_t groups[3];
	struct vir0_cpu_code code;
	int valid;
};

static _Thread_local struct decode_memo memo;
static pthread_key_t memo_key;
static int memo_key_made;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static void memo_clear(struct decode_memo *m)
{
	vir0_cpu_code_free(&m->code);
	free(m->bc.insns);
	free(m->bc.buffers);
	free(m->lengths);
	memset(m, 0, sizeof(*m));
}

/* At thread exit (StarPU's workers leave at starpu_shutdown). */
static void memo_destroy(void *m)
{
	memo_clear(m);
}

static void memo_key_create(void)
{
	memo_key_made = pthread_key_create(&memo_key, memo_destroy) == 0;
}

static int same_buffers(const struct vir0_bc_buffer *a, const struct vir0_bc_buffer *b,
			uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i].element != b[i].element || a[i].access != b[i].access ||
		    a[i].is_output != b[i].is_output || a[i].count != b[i].count)
			return 0;
	return 1;
}

static int memo_holds(const struct decode_memo *m, const struct vir0_bytecode *bc,
		      const struct vir0_buffer_view *views, const uint32_t groups[3])
{
	if (!m->valid || m->bc.ninsns != bc->ninsns || m->bc.nregs != bc->nregs ||
	    m->bc.max_nesting != bc->max_nesting || m->bc.flags != bc->flags ||
	    m->bc.nbuffers != bc->nbuffers ||
	    memcmp(m->bc.workgroup_size, bc->workgroup_size, sizeof(bc->workgroup_size)) ||
	    memcmp(m->groups, groups, sizeof(m->groups)))
		return 0;
	for (uint32_t i = 0; i < bc->nbuffers; i++)
		if (m->lengths[i] != views[i].length)
			return 0;
	return same_buffers(m->bc.buffers, bc->buffers, bc->nbuffers) &&
	       !memcmp(m->bc.insns, bc->insns, (size_t)bc->ninsns * sizeof(*bc->insns));
}

int vir0_cpu_decode_reused(const struct vir0_bytecode *bc, const struct vir0_buffer_view *views,
			   const uint32_t groups[3], struct vir0_cpu_code **code)
{
	struct decode_memo *m = &memo;
	if (memo_holds(m, bc, views, groups)) {
		*code = &m->code;
		return VIR0_OK;
	}
	memo_clear(m);
	pthread_once(&memo_once, memo_key_create);
	m->bc = *bc;
	m->bc.insns = malloc((size_t)bc->ninsns * sizeof(*bc->insns) + 1);
	m->bc.buffers = malloc((size_t)bc->nbuffers * sizeof(*bc->buffers) + 1);
	m->lengths = malloc((size_t)bc->nbuffers * sizeof(*m->lengths) + 1);
	if (!m->bc.insns || !m->bc.buffers || !m->lengths ||
	    vir0_cpu_decode(bc, views, groups, &m->code)) {
		memo_clear(m);
		return VIR0_ENOMEM;
	}
	memcpy(m->bc.insns, bc->insns, (size_t)bc->ninsns * sizeof(*bc->insns));
	for (uint32_t i = 0; i < bc->nbuffers; i++) {
		m->bc.buffers[i] = bc->buffers[i];
		m->lengths[i] = views[i].length;
	}
	memcpy(m->groups, groups, sizeof(m->groups));
	if (memo_key_made)
		pthread_setspecific(memo_key, m);
	m->valid = 1;
	*code = &m->code;
	return VIR0_OK;
}
