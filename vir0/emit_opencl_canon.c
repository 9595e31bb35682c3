/* emit_opencl_canon.c - what the emitter knows of each register's bits as
 * an f32 (fmt §9.2: one NaN, no subnormals) where an instruction reads
 * them, so that the emitted f32 arithmetic skips canonicalising what needs
 * none: a tiled matmul's inner loop read each of its four operands through
 * vir0_f32_in and canonicalised both results, where only the products'
 * and sums' subnormals needed flushing.
 *
 * Three states (enum vir0_emit_f32). Unknown and canonical registers hold
 * exactly the bits the reference would; a flushed one holds an f32 that
 * differs from them at most in a NaN's bits: f32 arithmetic results are
 * only flushed (vir0_f32_flush), as any NaN operand gives a NaN. The
 * bits of a flushed register are made canonical in place wherever they
 * could show: before an instruction that reads them raw (an integer
 * operation, an index, a loop bound: never in a validated program, whose
 * types keep them apart; an f32 store canonicalises what it writes), and
 * at the end of a path into a join where another path brings unknown bits
 * (an integer there could not be canonicalised after the join), and
 * before a SELECT whose other value is unknown (the same meet).
 *
 * A forward dataflow over the structured bytecode: registers start at 0u
 * (canonical); paths meet at END_IF (the two branches, or the branch and
 * the IF skipped) and at a loop's head (the entry and the back edge from
 * END_LOOP). Each block keeps its join's state and each loop its back
 * edge's, both starting optimistic (canonical) and only ever lowered;
 * the program is walked again until none is, then the emitter walks it
 * once more, printing what the walk canonicalises. */
#include "emit_opencl.h"

#include <stdlib.h>
#include <string.h>

#include "scalar_ops.h"

/* Past this much state the emitter canonicalises every f32 read, as it
 * did before this analysis (a pathological program, not a slow one). */
#define CANON_STATE_MAX (16u << 20)

/* And past this much work walking to the fixpoint: a walk costs about
 * ninsns plus nregs per block instruction, and a chain of copies written
 * backwards in a loop takes one walk per copy, so a verified program of a
 * few MB could otherwise keep the emitter busy for most of an hour. */
#define CANON_WORK_MAX ((size_t)256u << 20)

struct canon_frame {
	uint8_t *saved;    /* IF: the state before it; LOOP: unused */
	uint8_t *then_end; /* IF with ELSE: the THEN branch's end */
	uint32_t block;    /* its number, IFs and LOOPs in program order */
	int has_else;
};

struct vir0_emit_canon_walk {
	struct canon_frame *frames;
	uint8_t *join;     /* per block: END_IF's state, or the loop head's */
	uint8_t *back;     /* per block: the state END_LOOP sends back */
	uint8_t *store;    /* all of the above */
	uint32_t depth, next_block;
	int changed;
};

static uint8_t lesser(uint8_t a, uint8_t b)
{
	return a < b ? a : b;
}

static int binop_is_arithmetic(unsigned op)
{
	return op == VIR0_BIN_ADD || op == VIR0_BIN_SUB || op == VIR0_BIN_MUL ||
	       op == VIR0_BIN_DIV;
}

static int unop_is_arithmetic(unsigned op)
{
	return op == VIR0_UN_SQRT || op == VIR0_UN_FLOOR || op == VIR0_UN_CEIL ||
	       op == VIR0_UN_ROUND || op == VIR0_UN_TRUNC;
}

/* What `insn` writes into its dst, given `known` of its operands, as
 * emit_opencl_ops.c writes it: f32 arithmetic ends in vir0_f32_flush,
 * min, max, negate, abs, sign and conversions to f32 in vir0_f32_out or
 * vir0_f32_canon. */
static uint8_t result_state(const struct vir0_bytecode *bc, const struct vir0_insn *insn,
			    const uint8_t *known)
{
	unsigned type = vir0_insn_type(insn), aux = vir0_insn_aux(insn);
	const char *cast;
	switch (vir0_insn_op(insn)) {
	case VIR0_BC_CONST:
		return vir0_f32_canon(vir0_insn_imm(insn)) == vir0_insn_imm(insn) ?
		       VIR0_EMIT_F32_CANONICAL : VIR0_EMIT_F32_UNKNOWN;
	case VIR0_BC_MOV: return known[vir0_insn_a(insn)];
	case VIR0_BC_SELECT: return lesser(known[vir0_insn_b(insn)], known[vir0_insn_c(insn)]);
	case VIR0_BC_FMA: return VIR0_EMIT_F32_FLUSHED;
	case VIR0_BC_BINOP:
		if (type != VIR0_TYPE_F32)
			return VIR0_EMIT_F32_UNKNOWN;
		if (aux == VIR0_BIN_MIN || aux == VIR0_BIN_MAX)
			return VIR0_EMIT_F32_CANONICAL;
		return binop_is_arithmetic(aux) ? VIR0_EMIT_F32_FLUSHED : VIR0_EMIT_F32_UNKNOWN;
	case VIR0_BC_UNOP:
		if (type != VIR0_TYPE_F32)
			return VIR0_EMIT_F32_UNKNOWN;
		if (aux == VIR0_UN_NEGATE || aux == VIR0_UN_ABS || aux == VIR0_UN_SIGN)
			return VIR0_EMIT_F32_CANONICAL;
		return unop_is_arithmetic(aux) ? VIR0_EMIT_F32_FLUSHED : VIR0_EMIT_F32_UNKNOWN;
	case VIR0_BC_LOAD:
		return bc->buffers[aux].element == VIR0_TYPE_F32 ? VIR0_EMIT_F32_CANONICAL :
		       VIR0_EMIT_F32_UNKNOWN;
	case VIR0_BC_CAST:
		cast = vir0_emit_cast_template(type, aux);
		if (cast && !strcmp(cast, "@a"))
			return known[vir0_insn_a(insn)];
		return aux == VIR0_TYPE_F32 ? VIR0_EMIT_F32_CANONICAL : VIR0_EMIT_F32_UNKNOWN;
	default: return VIR0_EMIT_F32_UNKNOWN; /* ids, lengths, atomics, loop counters */
	}
}

int vir0_emit_reads_bits(const struct vir0_bytecode *bc, const struct vir0_insn *insn,
			 unsigned k)
{
	switch (vir0_insn_op(insn)) {
	case VIR0_BC_BINOP: case VIR0_BC_UNOP: case VIR0_BC_CAST:
		/* f32 operands go through floats or canonicalising calls */
		return vir0_insn_type(insn) != VIR0_TYPE_F32;
	case VIR0_BC_LOAD: case VIR0_BC_ATOMIC: case VIR0_BC_LOOP:
		return 1;
	case VIR0_BC_STORE: /* the index; an f32 value is canonicalised there */
		return k == 0 || bc->buffers[vir0_insn_aux(insn)].element != VIR0_TYPE_F32;
	case VIR0_BC_END_LOOP:
		return k == 1; /* the bound, read again by the loop's test */
	default:
		/* MOV and SELECT's values carry their state along (a SELECT
		 * of flushed and unknown canonicalises first, see
		 * vir0_emit_canon_before); a flushed NaN is as nonzero as the
		 * canonical one for IF and for SELECT's condition. */
		return 0;
	}
}

/* An atomic whose old value nobody reads has VIR0_BC_NO_REG as dst. */
static void write_dst(struct vir0_emit_canon *c, unsigned dst, uint8_t state)
{
	if (dst < c->nregs)
		c->now[dst] = state;
}

static void canonicalise(struct vir0_emit_canon *c, unsigned r)
{
	c->now[r] = VIR0_EMIT_F32_CANONICAL;
	c->fixed[c->nfixed++] = r;
}

/* The end of a path into a join whose state is `join`: a flushed register
 * that the join knows nothing of is canonicalised on this path. */
static void path_end(struct vir0_emit_canon *c, const uint8_t *join)
{
	for (uint32_t r = 0; r < c->nregs; r++)
		if (c->now[r] == VIR0_EMIT_F32_FLUSHED && join[r] == VIR0_EMIT_F32_UNKNOWN)
			canonicalise(c, r);
}

/* join = the lesser of itself and the meet of `a` and `b`; *changed when
 * it went down. */
static void lower_to_meet(uint8_t *join, const uint8_t *a, const uint8_t *b, uint32_t n,
			  int *changed)
{
	for (uint32_t r = 0; r < n; r++) {
		uint8_t m = lesser(a[r], b[r]);
		if (m < join[r]) {
			join[r] = m;
			*changed = 1;
		}
	}
}

static uint8_t *block_state(uint8_t *states, uint32_t block, uint32_t n)
{
	return &states[(size_t)block * n];
}

void vir0_emit_canon_before(struct vir0_emit_canon *c, const struct vir0_bytecode *bc,
			    const struct vir0_insn *insn)
{
	struct vir0_emit_canon_walk *w = c->walk;
	unsigned reg[3] = { vir0_insn_a(insn), vir0_insn_b(insn), vir0_insn_c(insn) };
	c->nfixed = 0;
	if (!w)
		return; /* analysis off: nothing is ever flushed */
	for (unsigned k = 0; k < 3; k++)
		if (reg[k] < c->nregs && c->now[reg[k]] == VIR0_EMIT_F32_FLUSHED &&
		    vir0_emit_reads_bits(bc, insn, k))
			canonicalise(c, reg[k]);
	/* A SELECT meets its two values as a join meets its paths: where one
	 * is flushed and the other unknown, the lesser state (unknown) would
	 * claim exact bits for a flushed NaN, so the flushed one is made
	 * canonical first, as path_end does. */
	if (vir0_insn_op(insn) == VIR0_BC_SELECT)
		for (unsigned k = 1; k < 3; k++)
			if (reg[k] < c->nregs && reg[3 - k] < c->nregs &&
			    c->now[reg[k]] == VIR0_EMIT_F32_FLUSHED &&
			    c->now[reg[3 - k]] == VIR0_EMIT_F32_UNKNOWN)
				canonicalise(c, reg[k]);
	struct canon_frame *f = w->depth ? &w->frames[w->depth - 1] : NULL;
	switch (vir0_insn_op(insn)) {
	case VIR0_BC_IF: /* the entry is a path into END_IF unless there is an ELSE */
		if (vir0_insn_op(&bc->insns[vir0_insn_imm(insn)]) == VIR0_BC_ELSE)
			break;
		/* fall through */
	case VIR0_BC_LOOP: /* the entry, into the head */
		path_end(c, block_state(w->join, w->next_block, c->nregs));
		break;
	case VIR0_BC_ELSE: case VIR0_BC_END_IF: case VIR0_BC_END_LOOP:
		/* a branch's end, into END_IF; the back edge, into the head */
		path_end(c, block_state(w->join, f->block, c->nregs));
		break;
	default:
		break;
	}
}

void vir0_emit_canon_after(struct vir0_emit_canon *c, const struct vir0_bytecode *bc,
			   const struct vir0_insn *insn)
{
	struct vir0_emit_canon_walk *w = c->walk;
	uint32_t n = c->nregs;
	if (!w)
		return; /* analysis off: `now` stays all unknown */
	struct canon_frame *f = w->depth ? &w->frames[w->depth - 1] : NULL;
	uint8_t *join = f ? block_state(w->join, f->block, n) : NULL;
	switch (vir0_insn_op(insn)) {
	case VIR0_BC_IF:
		f = &w->frames[w->depth++];
		f->block = w->next_block++;
		f->has_else = 0;
		memcpy(f->saved, c->now, n);
		break;
	case VIR0_BC_ELSE:
		memcpy(f->then_end, c->now, n);
		memcpy(c->now, f->saved, n);
		f->has_else = 1;
		break;
	case VIR0_BC_END_IF:
		lower_to_meet(join, c->now, f->has_else ? f->then_end : f->saved, n, &w->changed);
		memcpy(c->now, join, n);
		w->depth--;
		break;
	case VIR0_BC_LOOP:
		write_dst(c, vir0_insn_dst(insn), VIR0_EMIT_F32_UNKNOWN);
		f = &w->frames[w->depth++];
		f->block = w->next_block++;
		join = block_state(w->join, f->block, n);
		lower_to_meet(join, c->now, block_state(w->back, f->block, n), n, &w->changed);
		memcpy(c->now, join, n);
		break;
	case VIR0_BC_END_LOOP:
		write_dst(c, vir0_insn_dst(insn), VIR0_EMIT_F32_UNKNOWN);
		lower_to_meet(block_state(w->back, f->block, n), c->now, c->now, n, &w->changed);
		/* The loop leaves from its head. */
		memcpy(c->now, join, n);
		w->depth--;
		break;
	case VIR0_BC_STORE: case VIR0_BC_RETURN: case VIR0_BC_BARRIER: case VIR0_BC_HALT:
		break;
	default:
		write_dst(c, vir0_insn_dst(insn), result_state(bc, insn, c->now));
		break;
	}
}

static void walk_start(struct vir0_emit_canon *c)
{
	/* Registers start at 0u, a canonical +0.0. */
	memset(c->now, VIR0_EMIT_F32_CANONICAL, c->nregs);
	c->walk->depth = c->walk->next_block = 0;
	c->walk->changed = 0;
}

static void walk_free(struct vir0_emit_canon *c)
{
	if (c->walk) {
		free(c->walk->frames);
		free(c->walk->store);
		free(c->walk);
	}
	c->walk = NULL;
}

static int walk_alloc(struct vir0_emit_canon *c, const struct vir0_bytecode *bc,
		      uint32_t blocks)
{
	size_t states = 2u * ((size_t)blocks + bc->max_nesting);
	if (c->nregs && states > CANON_STATE_MAX / c->nregs)
		return VIR0_OK; /* too large: no walk */
	struct vir0_emit_canon_walk *w = calloc(1, sizeof(*w));
	if (!w)
		return VIR0_ENOMEM;
	w->frames = calloc(bc->max_nesting + 1u, sizeof(*w->frames));
	w->store = malloc(states * c->nregs + 1u);
	if (!w->frames || !w->store) {
		free(w->frames);
		free(w->store);
		free(w);
		return VIR0_ENOMEM;
	}
	w->join = w->store;
	w->back = w->store + (size_t)blocks * c->nregs;
	memset(w->store, VIR0_EMIT_F32_CANONICAL, 2u * (size_t)blocks * c->nregs);
	for (uint32_t d = 0; d < bc->max_nesting; d++) {
		w->frames[d].saved = w->store + (2u * (size_t)blocks + 2u * d) * c->nregs;
		w->frames[d].then_end = w->frames[d].saved + c->nregs;
	}
	c->walk = w;
	return VIR0_OK;
}

int vir0_emit_canon_init(struct vir0_emit_canon *c, const struct vir0_bytecode *bc)
{
	uint32_t blocks = 0, joins = 0;
	for (uint32_t i = 0; i < bc->ninsns; i++) {
		unsigned op = vir0_insn_op(&bc->insns[i]);
		blocks += op == VIR0_BC_IF || op == VIR0_BC_LOOP;
		joins += op >= VIR0_BC_IF && op <= VIR0_BC_END_LOOP;
	}
	c->nregs = bc->nregs;
	c->walk = NULL;
	c->nfixed = 0;
	c->now = calloc(bc->nregs + 1u, 1);
	c->fixed = malloc((bc->nregs + 1u) * sizeof(*c->fixed));
	if (!c->now || !c->fixed || walk_alloc(c, bc, blocks)) {
		vir0_emit_canon_free(c);
		return VIR0_ENOMEM;
	}
	if (!c->walk)
		return VIR0_OK;
	size_t work = 0, walk_cost = bc->ninsns + ((size_t)joins + 1u) * c->nregs * 2u;
	/* Each repeat lowers a join's or a back edge's state, so this ends. */
	do {
		work += walk_cost;
		if (work > CANON_WORK_MAX) {
			walk_free(c);
			memset(c->now, VIR0_EMIT_F32_UNKNOWN, c->nregs);
			return VIR0_OK;
		}
		walk_start(c);
		for (uint32_t i = 0; i < bc->ninsns; i++) {
			vir0_emit_canon_before(c, bc, &bc->insns[i]);
			vir0_emit_canon_after(c, bc, &bc->insns[i]);
		}
	} while (c->walk->changed);
	walk_start(c);
	return VIR0_OK;
}

int vir0_emit_canon_flushes(const struct vir0_emit_canon *c)
{
	return c->walk != NULL;
}

void vir0_emit_canon_free(struct vir0_emit_canon *c)
{
	walk_free(c);
	free(c->now);
	free(c->fixed);
	c->now = NULL;
	c->fixed = NULL;
}
