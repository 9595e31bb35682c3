/* bytecode_hoist.c - constants out of loops: a CONST inside a loop whose
 * register is read only by the straight-line instructions after it, up
 * to one that writes that register again, is replaced by a register that
 * holds the constant from the start of the program (one CONST there per
 * distinct type and value). An interpreter then runs 3 instructions a
 * round of `acc = acc * A + C` instead of 5: on the H200's megakernel each
 * instruction costs a fetch and a dispatch (~370 cycles), and the CPU
 * engine's interpreter dispatches per instruction too. */
#include "bytecode_hoist.h"

#include "bytecode_ops.h"

#include <stdlib.h>

/* Registers the program may reach with its pool: the megakernel keeps
 * programs of up to 64 registers in private memory (FAST_REGS). */
#define HOIST_MAX_REGS 64u
/* Distinct constants hoisted, at most. */
#define HOIST_MAX 8u

static int is_control(unsigned op)
{
	return op == VIR0_BC_IF || op == VIR0_BC_ELSE || op == VIR0_BC_END_IF ||
	       op == VIR0_BC_LOOP || op == VIR0_BC_END_LOOP || op == VIR0_BC_RETURN ||
	       op == VIR0_BC_BARRIER || op == VIR0_BC_HALT;
}

/* Register field k (0 dst, 1 a, 2 b, 3 c) of `insn`; its use by an
 * opcode; setting it. */
static unsigned field(const struct vir0_insn *insn, unsigned k)
{
	switch (k) {
	case 0: return vir0_insn_dst(insn);
	case 1: return vir0_insn_a(insn);
	case 2: return vir0_insn_b(insn);
	default: return vir0_insn_c(insn);
	}
}

static unsigned use_of(const struct vir0_bc_op_shape *shape, unsigned k)
{
	return k == 0 ? shape->dst : k == 1 ? shape->a : k == 2 ? shape->b : shape->c;
}

static void set_field(struct vir0_insn *insn, unsigned k, unsigned reg)
{
	switch (k) {
	case 0: insn->word[0] = (insn->word[0] & 0xFFFFu) | (uint32_t)reg << 16; break;
	case 1: insn->word[1] = (insn->word[1] & 0xFFFF0000u) | reg; break;
	case 2: insn->word[1] = (insn->word[1] & 0xFFFFu) | (uint32_t)reg << 16; break;
	default: insn->word[2] = (insn->word[2] & 0xFFFF0000u) | reg; break;
	}
}

/* 1 when the CONST at `at` can go: every read of its register that it
 * reaches lies in its straight-line block, which either writes the
 * register again or holds the register's last reads in the whole program
 * (reads[r]: the program's reads of register r). With `to` a register,
 * those reads are made to read `to` instead. */
static int reads_end_in_block(struct vir0_bytecode *bc, uint32_t at, uint32_t *reads,
			      unsigned to)
{
	unsigned reg = vir0_insn_dst(&bc->insns[at]);
	uint32_t seen = 0;
	for (uint32_t j = at + 1; j < bc->ninsns; j++) {
		struct vir0_insn *insn = &bc->insns[j];
		unsigned op = vir0_insn_op(insn);
		/* A LOOP reads its bounds and writes its variable before it
		 * jumps: its reads count, then the block ends. */
		if (is_control(op) && op != VIR0_BC_LOOP)
			break;
		const struct vir0_bc_op_shape *shape = vir0_bc_op_shape(op);
		for (unsigned k = 1; k < 4; k++) {
			if (use_of(shape, k) == VIR0_BC_UNUSED || field(insn, k) != reg)
				continue;
			seen++;
			if (to != VIR0_BC_NO_REG) {
				set_field(insn, k, to);
				reads[reg]--;
			}
		}
		if (shape->dst == VIR0_BC_WRITE && field(insn, 0) == reg)
			return 1;
		if (op == VIR0_BC_LOOP)
			break;
	}
	return to != VIR0_BC_NO_REG || seen == reads[reg];
}

/* reads[r]: the instructions' reads of register r. */
static void count_reads(const struct vir0_bytecode *bc, uint32_t *reads)
{
	for (uint32_t i = 0; i < bc->ninsns; i++) {
		const struct vir0_insn *insn = &bc->insns[i];
		const struct vir0_bc_op_shape *shape = vir0_bc_op_shape(vir0_insn_op(insn));
		for (unsigned k = 0; k < 4; k++)
			if (use_of(shape, k) == VIR0_BC_READ ||
			    (use_of(shape, k) == VIR0_BC_READ_OR_NONE &&
			     field(insn, k) != VIR0_BC_NO_REG))
				reads[field(insn, k)]++;
	}
}

/* The pool entry of the CONST `insn`, added if new; HOIST_MAX when full. */
static unsigned pool_entry(struct vir0_insn *pool, unsigned *npool, const struct vir0_insn *insn)
{
	for (unsigned k = 0; k < *npool; k++)
		if (vir0_insn_type(&pool[k]) == vir0_insn_type(insn) &&
		    vir0_insn_imm(&pool[k]) == vir0_insn_imm(insn))
			return k;
	if (*npool == HOIST_MAX)
		return HOIST_MAX;
	pool[*npool] = *insn;
	return (*npool)++;
}

/* Where instruction `old` lands: after the pool, less the CONSTs removed
 * before it. */
static uint32_t moved(const uint32_t *removed_before, unsigned npool, uint32_t old)
{
	return npool + old - removed_before[old];
}

/* Mark the CONSTs inside loops that can go (gone[i]), their values in
 * pool[0..*npool), at most `room` of them, and make their reads read
 * the pool's registers (numbered from bc->nregs). */
static void hoist(struct vir0_bytecode *bc, uint32_t *reads, unsigned char *gone,
		  struct vir0_insn *pool, unsigned *npool, unsigned room)
{
	uint32_t depth = 0;
	for (uint32_t i = 0; i < bc->ninsns; i++) {
		struct vir0_insn *insn = &bc->insns[i];
		unsigned op = vir0_insn_op(insn);
		depth += op == VIR0_BC_LOOP;
		depth -= op == VIR0_BC_END_LOOP && depth;
		if (op != VIR0_BC_CONST || !depth ||
		    !reads_end_in_block(bc, i, reads, VIR0_BC_NO_REG))
			continue;
		unsigned before = *npool, k = pool_entry(pool, npool, insn);
		if (k == HOIST_MAX || *npool > room) {
			*npool = before;
			continue;
		}
		reads_end_in_block(bc, i, reads, bc->nregs + k);
		gone[i] = 1;
	}
}

/* The instructions again, into `insns` (room for all and the pool),
 * which `bc` takes: the pool's CONSTs first, the gone ones left out,
 * control instructions' partner indices moved with them. */
static void rebuild(struct vir0_bytecode *bc, struct vir0_insn *insns, uint32_t *removed_before,
		    const unsigned char *gone, const struct vir0_insn *pool, unsigned npool)
{
	for (uint32_t i = 0; i < bc->ninsns; i++)
		removed_before[i + 1] = removed_before[i] + gone[i];
	for (unsigned k = 0; k < npool; k++)
		insns[k] = vir0_insn_make(VIR0_BC_CONST, vir0_insn_type(&pool[k]), bc->nregs + k,
					  VIR0_BC_NO_REG, VIR0_BC_NO_REG, VIR0_BC_NO_REG, 0,
					  vir0_insn_imm(&pool[k]));
	for (uint32_t i = 0; i < bc->ninsns; i++) {
		if (gone[i])
			continue;
		struct vir0_insn insn = bc->insns[i];
		unsigned op = vir0_insn_op(&insn);
		if (is_control(op) && vir0_bc_op_shape(op)->uses_imm)
			insn.word[3] = moved(removed_before, npool, insn.word[3]);
		insns[moved(removed_before, npool, i)] = insn;
	}
	free(bc->insns);
	bc->insns = insns;
	bc->ninsns = npool + bc->ninsns - removed_before[bc->ninsns];
	bc->nregs += npool;
}

int vir0_bytecode_hoist_constants(struct vir0_bytecode *bc)
{
	if (bc->nregs >= HOIST_MAX_REGS)
		return VIR0_OK;
	unsigned room = HOIST_MAX_REGS - bc->nregs;
	uint32_t *removed_before = calloc((size_t)bc->ninsns + 1, sizeof(*removed_before));
	uint32_t *reads = calloc(bc->nregs + 1, sizeof(*reads));
	unsigned char *gone = calloc(bc->ninsns ? bc->ninsns : 1, 1);
	struct vir0_insn pool[HOIST_MAX];
	unsigned npool = 0;
	/* Allocated first: nothing changes unless all of it can. */
	struct vir0_insn *insns = malloc(((size_t)bc->ninsns + HOIST_MAX) * sizeof(*insns));
	int status = removed_before && reads && gone && insns ? VIR0_OK : VIR0_ENOMEM;
	if (status == VIR0_OK) {
		count_reads(bc, reads);
		hoist(bc, reads, gone, pool, &npool, room);
	}
	if (status == VIR0_OK && npool) {
		rebuild(bc, insns, removed_before, gone, pool, npool);
		insns = NULL;
	}
	free(insns);
	free(removed_before);
	free(reads);
	free(gone);
	return status;
}
