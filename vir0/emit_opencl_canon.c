/* emit_opencl_canon.c - which registers hold canonical f32 bits (fmt §9.2:
 * one NaN, no subnormals) where an instruction reads them, so that the
 * emitted f32 arithmetic and stores skip canonicalising what already is:
 * a tiled matmul's inner loop read each of its four operands through
 * vir0_f32_in, two compares and two selects each, for values that a load
 * or an operation had just made canonical.
 *
 * A forward dataflow over the structured bytecode: registers start at 0u
 * (canonical); paths meet at END_IF (the two branches, or the branch and
 * the IF skipped) and at a loop's head (the entry and the back edge from
 * END_LOOP). Back edges start optimistic (all canonical) and are walked
 * again until none changes, then the emitter walks once more with them.
 * Only instructions known to give canonical bits count: the f32 operations
 * of codelets/vir0_ops.cl that end in vir0_f32_out or vir0_f32_canon, f32
 * loads, canonical constants, and copies of canonical registers. Integer
 * results, whose bits an f32 read would take as a float, never do. */
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
	uint8_t *saved;   /* IF: the state before it; LOOP: the head's */
	uint8_t *then_end;
	uint32_t loop;    /* LOOP: its number, in program order */
	int has_else;
};

struct vir0_emit_canon_walk {
	struct canon_frame *frames;
	uint8_t *backedge; /* per loop, the state END_LOOP sends back */
	uint8_t *store;    /* the frames' and back edges' states */
	uint32_t depth, next_loop;
	int changed;
};

static int binop_is_canonical(unsigned op)
{
	return op == VIR0_BIN_ADD || op == VIR0_BIN_SUB || op == VIR0_BIN_MUL ||
	       op == VIR0_BIN_DIV || op == VIR0_BIN_MIN || op == VIR0_BIN_MAX;
}

static int unop_is_canonical(unsigned op)
{
	return op == VIR0_UN_NEGATE || op == VIR0_UN_ABS || op == VIR0_UN_SQRT ||
	       op == VIR0_UN_FLOOR || op == VIR0_UN_CEIL || op == VIR0_UN_ROUND ||
	       op == VIR0_UN_TRUNC || op == VIR0_UN_SIGN;
}

/* Whether `insn` writes canonical f32 bits into its dst, given what
 * `known` says of its operands. */
static int writes_canonical(const struct vir0_bytecode *bc, const struct vir0_insn *insn,
			    const uint8_t *known)
{
	unsigned type = vir0_insn_type(insn), aux = vir0_insn_aux(insn);
	const char *cast;
	switch (vir0_insn_op(insn)) {
	case VIR0_BC_CONST: return vir0_f32_canon(vir0_insn_imm(insn)) == vir0_insn_imm(insn);
	case VIR0_BC_MOV: return known[vir0_insn_a(insn)];
	case VIR0_BC_SELECT: return known[vir0_insn_b(insn)] && known[vir0_insn_c(insn)];
	case VIR0_BC_FMA: return 1;
	case VIR0_BC_BINOP: return type == VIR0_TYPE_F32 && binop_is_canonical(aux);
	case VIR0_BC_UNOP: return type == VIR0_TYPE_F32 && unop_is_canonical(aux);
	case VIR0_BC_LOAD: return bc->buffers[aux].element == VIR0_TYPE_F32;
	case VIR0_BC_CAST:
		cast = vir0_emit_cast_template(type, aux);
		if (cast && !strcmp(cast, "@a"))
			return known[vir0_insn_a(insn)];
		return aux == VIR0_TYPE_F32; /* a conversion, through vir0_f32_out */
	default: return 0; /* ids, lengths, atomics' old values, loop counters */
	}
}

/* An atomic whose old value nobody reads has VIR0_BC_NO_REG as dst. */
static void write_dst(struct vir0_emit_canon *c, unsigned dst, int canonical)
{
	if (dst < c->nregs)
		c->now[dst] = (uint8_t)canonical;
}

static void meet(uint8_t *into, const uint8_t *other, uint32_t n)
{
	for (uint32_t r = 0; r < n; r++)
		into[r] &= other[r];
}

static void walk_start(struct vir0_emit_canon *c)
{
	memset(c->now, 1, c->nregs);
	c->walk->depth = c->walk->next_loop = 0;
	c->walk->changed = 0;
}

void vir0_emit_canon_after(struct vir0_emit_canon *c, const struct vir0_bytecode *bc,
			   const struct vir0_insn *insn)
{
	struct vir0_emit_canon_walk *w = c->walk;
	uint32_t n = c->nregs;
	struct canon_frame *f = w && w->depth ? &w->frames[w->depth - 1] : NULL;
	if (!w)
		return; /* analysis off: `now` stays all zero */
	switch (vir0_insn_op(insn)) {
	case VIR0_BC_IF:
		f = &w->frames[w->depth++];
		memcpy(f->saved, c->now, n);
		f->has_else = 0;
		break;
	case VIR0_BC_ELSE:
		memcpy(f->then_end, c->now, n);
		memcpy(c->now, f->saved, n);
		f->has_else = 1;
		break;
	case VIR0_BC_END_IF:
		meet(c->now, f->has_else ? f->then_end : f->saved, n);
		w->depth--;
		break;
	case VIR0_BC_LOOP:
		write_dst(c, vir0_insn_dst(insn), 0);
		f = &w->frames[w->depth++];
		f->loop = w->next_loop++;
		meet(c->now, &w->backedge[(size_t)f->loop * n], n);
		memcpy(f->saved, c->now, n);
		break;
	case VIR0_BC_END_LOOP: {
		uint8_t *back = &w->backedge[(size_t)f->loop * n];
		write_dst(c, vir0_insn_dst(insn), 0);
		for (uint32_t r = 0; r < n; r++)
			if (back[r] && !c->now[r]) {
				back[r] = 0;
				w->changed = 1;
			}
		/* The loop leaves from its head. */
		meet(c->now, f->saved, n);
		w->depth--;
		break;
	}
	case VIR0_BC_STORE: case VIR0_BC_RETURN: case VIR0_BC_BARRIER: case VIR0_BC_HALT:
		break;
	default:
		write_dst(c, vir0_insn_dst(insn), writes_canonical(bc, insn, c->now));
		break;
	}
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

static int walk_alloc(struct vir0_emit_canon *c, const struct vir0_bytecode *bc)
{
	uint32_t loops = 0;
	for (uint32_t i = 0; i < bc->ninsns; i++)
		loops += vir0_insn_op(&bc->insns[i]) == VIR0_BC_LOOP;
	size_t states = (size_t)loops + 2u * bc->max_nesting;
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
	w->backedge = w->store;
	memset(w->backedge, 1, (size_t)loops * c->nregs);
	for (uint32_t d = 0; d < bc->max_nesting; d++) {
		w->frames[d].saved = w->store + ((size_t)loops + 2u * d) * c->nregs;
		w->frames[d].then_end = w->frames[d].saved + c->nregs;
	}
	c->walk = w;
	return VIR0_OK;
}

int vir0_emit_canon_init(struct vir0_emit_canon *c, const struct vir0_bytecode *bc)
{
	c->nregs = bc->nregs;
	c->walk = NULL;
	c->now = calloc(bc->nregs + 1u, 1);
	if (!c->now || walk_alloc(c, bc)) {
		vir0_emit_canon_free(c);
		return VIR0_ENOMEM;
	}
	if (!c->walk)
		return VIR0_OK;
	size_t blocks = 0, work = 0;
	for (uint32_t i = 0; i < bc->ninsns; i++) {
		unsigned op = vir0_insn_op(&bc->insns[i]);
		blocks += op >= VIR0_BC_IF && op <= VIR0_BC_END_LOOP;
	}
	size_t walk_cost = bc->ninsns + (blocks + 1u) * c->nregs;
	/* Each repeat clears at least one back edge flag, so this ends. */
	do {
		work += walk_cost;
		if (work > CANON_WORK_MAX) {
			walk_free(c);
			memset(c->now, 0, c->nregs); /* analysis off: nothing known */
			return VIR0_OK;
		}
		walk_start(c);
		for (uint32_t i = 0; i < bc->ninsns; i++)
			vir0_emit_canon_after(c, bc, &bc->insns[i]);
	} while (c->walk->changed);
	walk_start(c);
	return VIR0_OK;
}

void vir0_emit_canon_free(struct vir0_emit_canon *c)
{
	walk_free(c);
	free(c->now);
	c->now = NULL;
}
