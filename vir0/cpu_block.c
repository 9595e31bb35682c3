/* cpu_block.c - running the bytecode over one block of lanes: dispatch
 * once per instruction for the whole block, the lanes in lockstep under
 * an active mask. Structured control flow moves masks on a stack (IF
 * saves the mask it found and the lanes owed the ELSE; LOOP saves the mask
 * it found); lanes that RETURN leave the live mask for good, and every
 * mask taken back from the stack is cut down to the live lanes. */
#include "cpu_block.h"

#include <stdlib.h>

/* The steps below are inlined into vir0_cpu_block_run, so that each of its
 * builds (VIR0_CPU_VECTOR_CLONES) has them in its own instruction set. */
#define BLOCK_STEP static inline __attribute__((always_inline))

BLOCK_STEP int any_on(const uint32_t *restrict mask, unsigned width)
{
	uint32_t on = 0;
	VIR0_CPU_FOR_LANES(l, width)
		on |= mask[l];
	return on != 0;
}

VIR0_CPU_VECTOR_CLONES
void vir0_cpu_block_start(struct vir0_cpu_block *block, uint64_t first_lane, uint32_t nlanes)
{
	block->first_lane = first_lane;
	block->nlanes = nlanes;
	block->pc = 0;
	block->depth = 0;
	block->finished = 0;
	block->ids = VIR0_CPU_IDS_UNKNOWN;
	block->full = nlanes == block->width;
	block->whole_levels = 0;
	if (block->full) {
		/* Every block but the last: constant stores. */
		VIR0_CPU_FOR_LANES(l, block->width)
			block->live[l] = block->exec[l] = VIR0_CPU_LANE_ON;
		return;
	}
	VIR0_CPU_FOR_LANES(l, block->width) {
		block->live[l] = l < nlanes ? VIR0_CPU_LANE_ON : 0;
		block->exec[l] = block->live[l];
	}
}


/* 1 when masks a and b have the same lanes on. */
BLOCK_STEP int same_lanes(const uint32_t *restrict a, const uint32_t *restrict b,
			  unsigned width)
{
	uint32_t differ = 0;
	VIR0_CPU_FOR_LANES(l, width)
		differ |= a[l] ^ b[l];
	return differ == 0;
}

/* exec was just set, and `all` / `any` are the AND / OR of its lanes:
 * note whether all are on; 1 when any is. The loops that set exec fold
 * these in as they go, so a mask change is one pass over the lanes. */
BLOCK_STEP int exec_set(struct vir0_cpu_block *block, uint32_t all, uint32_t any)
{
	block->full = all == VIR0_CPU_LANE_ON;
	return any != 0;
}

/* exec = saved & live: a mask back from the stack, less finished lanes. */
BLOCK_STEP int restore(struct vir0_cpu_block *block, const uint32_t *saved)
{
	uint32_t all = VIR0_CPU_LANE_ON, any = 0;
	VIR0_CPU_FOR_LANES(l, block->width) {
		uint32_t exec = saved[l] & block->live[l];
		block->exec[l] = exec;
		all &= exec;
		any |= exec;
	}
	return exec_set(block, all, any);
}

BLOCK_STEP uint32_t *stack_slot(const struct vir0_cpu_block *block, uint32_t slot)
{
	return block->stack + (size_t)slot * block->width;
}

/* Levels below this are tracked in whole_levels. */
#define WHOLE_LEVELS 64u

/* 1 when the IF of level `depth` saved nothing: every lane of a full block
 * took the then-list (the usual `if gid.x < len(buf)` in all but the last
 * block). */
BLOCK_STEP int whole_level(const struct vir0_cpu_block *block, uint32_t depth)
{
	return depth < WHOLE_LEVELS && ((block->whole_levels >> depth) & 1u);
}

/* 1 when value is nonzero in some lane on in mask. */
BLOCK_STEP int any_on_in(const uint32_t *restrict value, const uint32_t *restrict mask,
			 unsigned width)
{
	uint32_t on = 0;
	VIR0_CPU_FOR_LANES(l, width)
		on |= value[l] & mask[l];
	return on != 0;
}

/* Leave the loop whose END_LOOP is at end_loop, from its body's last IF,
 * as END_LOOP does when no lane goes round again: the IF proved that no
 * remaining iteration does anything that matters (cpu_decode.c, "loops
 * that end early"). */
BLOCK_STEP uint32_t leave_loop(struct vir0_cpu_block *block, uint32_t end_loop)
{
	block->depth--;
	restore(block, stack_slot(block, 2 * block->depth));
	return end_loop + 1;
}

/* IF: lanes with a != 0 run the then-list; slot 2d keeps the mask found,
 * slot 2d + 1 the lanes owed the else-list. When no lane takes the
 * then-list and there is no ELSE, nothing changes: go past the END_IF
 * without opening a level, or past the loop when the IF's term says the
 * rest of the loop does nothing. When every lane of a full block takes it,
 * exec stays as it is and the level is marked whole instead of saved.
 * Otherwise, no lane on: go to ELSE / END_IF, which take over. */
BLOCK_STEP uint32_t run_if(struct vir0_cpu_block *block, const struct vir0_cpu_code *code,
			   const struct vir0_cpu_insn *in, uint32_t pc)
{
	const uint32_t *cond = vir0_cpu_reg(block, in->a);
	uint32_t any_taken = 0, all_taken = VIR0_CPU_LANE_ON;
	VIR0_CPU_FOR_LANES(l, block->width) {
		uint32_t taken = block->exec[l] & (0u - (cond[l] != 0));
		any_taken |= taken;
		all_taken &= taken;
	}
	if (!any_taken && code->insns[in->imm].op == VIR0_BC_END_IF) {
		if (in->term != VIR0_CPU_NO_TERM &&
		    !any_on_in(vir0_cpu_reg(block, in->term), block->exec, block->width))
			return leave_loop(block, in->imm + 1);
		return in->imm + 1;
	}
	if (block->depth < WHOLE_LEVELS) {
		uint64_t bit = (uint64_t)1 << block->depth;
		block->whole_levels &= ~bit;
		if (block->full && all_taken == VIR0_CPU_LANE_ON) {
			block->whole_levels |= bit;
			block->depth++;
			return pc + 1;
		}
	}
	uint32_t *outer = stack_slot(block, 2 * block->depth);
	uint32_t *other = stack_slot(block, 2 * block->depth + 1);
	uint32_t all = VIR0_CPU_LANE_ON;
	VIR0_CPU_FOR_LANES(l, block->width) {
		uint32_t taken = 0u - (cond[l] != 0), exec = block->exec[l];
		outer[l] = exec;
		other[l] = exec & ~taken;
		block->exec[l] = exec & taken;
		all &= exec & taken;
	}
	block->depth++;
	return exec_set(block, all, any_taken) ? pc + 1 : in->imm;
}

/* LOOP: the variable starts at `from` and lanes below `to` enter. */
BLOCK_STEP uint32_t run_loop(struct vir0_cpu_block *block, const struct vir0_cpu_insn *in,
			 uint32_t pc)
{
	uint32_t *saved = stack_slot(block, 2 * block->depth);
	memcpy(saved, block->exec, block->width * sizeof(*block->exec));
	block->depth++;
	uint32_t *variable = vir0_cpu_reg(block, in->dst);
	memcpy(block->scratch, vir0_cpu_reg(block, in->a), block->width * sizeof(*block->scratch));
	vir0_cpu_blend(variable, block->scratch, block->exec, block->width);
	in->compute(block->scratch, variable, vir0_cpu_reg(block, in->b), variable, NULL, in);
	uint32_t all = VIR0_CPU_LANE_ON, any = 0;
	VIR0_CPU_FOR_LANES(l, block->width) {
		uint32_t exec = block->exec[l] & (0u - (block->scratch[l] != 0));
		block->exec[l] = exec;
		all &= exec;
		any |= exec;
	}
	if (exec_set(block, all, any))
		return pc + 1;
	block->depth--;
	restore(block, saved);
	return in->imm + 1;
}

/* END_LOOP: step the variable of the lanes still in; those below `to` go
 * round again, and when none is left the loop's entry mask comes back.
 * One pass: step, compare (signed or not, as the LOOP's type says), and
 * narrow the mask. */
BLOCK_STEP uint32_t run_end_loop(struct vir0_cpu_block *block, const struct vir0_cpu_insn *in,
				 uint32_t pc)
{
	uint32_t *variable = vir0_cpu_reg(block, in->dst);
	const uint32_t *to = vir0_cpu_reg(block, in->b);
	/* Flipping the sign bit turns the signed order into the unsigned one. */
	uint32_t flip = in->type == VIR0_TYPE_I32 ? 0x80000000u : 0;
	uint32_t all = VIR0_CPU_LANE_ON, any = 0;
	VIR0_CPU_FOR_LANES(l, block->width) {
		uint32_t exec = block->exec[l], value = variable[l] + (exec & 1u);
		variable[l] = value;
		exec &= 0u - ((value ^ flip) < (to[l] ^ flip));
		block->exec[l] = exec;
		all &= exec;
		any |= exec;
	}
	if (exec_set(block, all, any))
		return in->imm + 1;
	block->depth--;
	restore(block, stack_slot(block, 2 * block->depth));
	return pc + 1;
}

/* The index operand of a memory instruction and what is known of it. */
BLOCK_STEP struct vir0_cpu_where index_of(const struct vir0_cpu_block *block,
					  const struct vir0_cpu_insn *in)
{
	return (struct vir0_cpu_where){ vir0_cpu_reg(block, in->a), in->index,
					(uint32_t)block->first_lane, block->width };
}

/* RETURN: the lanes running now finish for good. */
BLOCK_STEP int run_return(struct vir0_cpu_block *block)
{
	VIR0_CPU_FOR_LANES(l, block->width) {
		block->live[l] &= ~block->exec[l];
		block->exec[l] = 0;
	}
	block->full = 0;
	return any_on(block->live, block->width);
}

VIR0_CPU_VECTOR_CLONES
enum vir0_cpu_stop vir0_cpu_block_run(struct vir0_cpu_block *block,
				      const struct vir0_cpu_code *code,
				      const struct vir0_buffer_view *views)
{
	uint32_t pc = block->pc;
	for (;;) {
		const struct vir0_cpu_insn *in = &code->insns[pc];
		switch (in->op) {
		case VIR0_BC_LOAD: {
			struct vir0_cpu_where where = index_of(block, in);
			vir0_cpu_load(vir0_cpu_reg(block, in->dst), &views[in->aux], &where,
				      block->exec, block->full);
			pc++;
			break;
		}
		case VIR0_BC_STORE: {
			struct vir0_cpu_where where = index_of(block, in);
			vir0_cpu_store(&views[in->aux], &where, vir0_cpu_reg(block, in->b),
				       block->exec, block->full);
			pc++;
			break;
		}
		case VIR0_BC_ATOMIC: {
			const struct vir0_buffer_view *view = &views[in->aux];
			/* A workgroup's own memory is only ever touched by the
			 * thread running that workgroup. */
			int shared = code->shared_atomics && view->access != VIR0_ACCESS_WORKGROUP;
			struct vir0_cpu_where where = index_of(block, in);
			vir0_cpu_atomic(block->scratch, view, (uint8_t)in->imm, shared, &where,
					vir0_cpu_reg(block, in->b),
					vir0_cpu_reg(block, in->c), block->exec);
			vir0_cpu_blend(vir0_cpu_reg(block, in->dst), block->scratch, block->exec,
				       block->width);
			pc++;
			break;
		}
		case VIR0_BC_ID:
			if (block->full) {
				vir0_cpu_block_ids(block, code, in->aux, in->imm,
						   vir0_cpu_reg(block, in->dst));
			} else {
				vir0_cpu_block_ids(block, code, in->aux, in->imm, block->scratch);
				vir0_cpu_blend(vir0_cpu_reg(block, in->dst), block->scratch,
					       block->exec, block->width);
			}
			pc++;
			break;
		case VIR0_BC_IF:
			pc = run_if(block, code, in, pc);
			break;
		case VIR0_BC_ELSE:
			/* The lanes owed the else-list, saved by the IF; none
			 * when the level is whole: on to the END_IF. */
			if (!whole_level(block, block->depth - 1) &&
			    restore(block, stack_slot(block, 2 * block->depth - 1)))
				pc++;
			else
				pc = in->imm;
			break;
		case VIR0_BC_END_IF:
			block->depth--;
			/* A whole level was entered with every lane on, and
			 * the constructs inside it restored their entry masks
			 * less the lanes that returned: exec is already the live
			 * lanes, which is what the saved mask would give. */
			if (!whole_level(block, block->depth))
				restore(block, stack_slot(block, 2 * block->depth));
			pc++;
			break;
		case VIR0_BC_LOOP:
			pc = run_loop(block, in, pc);
			break;
		case VIR0_BC_END_LOOP:
			pc = run_end_loop(block, in, pc);
			break;
		case VIR0_BC_RETURN:
			if (!run_return(block)) {
				block->finished = 1;
				return VIR0_CPU_HALTED;
			}
			pc++;
			break;
		case VIR0_BC_BARRIER:
			/* A block keeps to one workgroup when the program has
			 * barriers, so in valid bytecode every live lane is here. */
			if (!block->full && !same_lanes(block->exec, block->live, block->width)) {
				block->pc = pc;
				return VIR0_CPU_DIVERGED;
			}
			block->pc = pc + 1;
			return VIR0_CPU_AT_BARRIER;
		case VIR0_BC_HALT:
			block->finished = 1;
			return VIR0_CPU_HALTED;
		default:
			/* CONST, MOV, BINOP, UNOP, CAST, SELECT, FMA: the lane
			 * loop writes the active lanes of dst. */
			in->compute(vir0_cpu_reg(block, in->dst), vir0_cpu_reg(block, in->a),
				    vir0_cpu_reg(block, in->b), vir0_cpu_reg(block, in->c),
				    block->full ? NULL : block->exec, in);
			pc++;
			break;
		}
	}
}
