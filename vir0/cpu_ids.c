/* cpu_ids.c - the invocation, workgroup and local ids of a block's lanes
 * (fmt §1.6). A block holds consecutive lanes of the dispatch in linear
 * order: workgroups X fastest, then each workgroup's invocations by
 * linear local index. The common case, a one-dimensional workgroup that
 * holds the whole block, needs no per-lane division: ids are a base plus
 * the lane number, or the same in every lane; and in a one-dimensional
 * dispatch invocation ids need no division at all. */
#include "cpu_block.h"

/* Split a linear index into three coordinates, X fastest. */
static void split(uint64_t linear, const uint32_t extent[3], uint32_t coord[3])
{
	coord[0] = (uint32_t)(linear % extent[0]);
	linear /= extent[0];
	coord[1] = (uint32_t)(linear % extent[1]);
	coord[2] = (uint32_t)(linear / extent[1]);
}

/* Step coord to the next linear index; 1 when it wrapped past the end. */
static int step(uint32_t coord[3], const uint32_t extent[3])
{
	for (int axis = 0; axis < 3; axis++) {
		if (++coord[axis] < extent[axis])
			return 0;
		coord[axis] = 0;
	}
	return 1;
}

/* First use in this block: the ids of lane 0, and either the linear case
 * or every lane's ids in the block's arrays. */
static void find_ids(struct vir0_cpu_block *block, const struct vir0_cpu_code *code)
{
	const uint32_t *size = code->workgroup_size;
	uint32_t *local = block->first_local, *group = block->first_group;
	split(block->first_lane % code->workgroup_lanes, size, local);
	split(block->first_lane / code->workgroup_lanes, code->groups, group);
	if (size[1] == 1 && size[2] == 1 && local[0] + (uint64_t)block->nlanes <= size[0]) {
		block->ids = VIR0_CPU_IDS_LINEAR;
		return;
	}
	block->ids = VIR0_CPU_IDS_LANES;
	uint32_t l3[3] = { local[0], local[1], local[2] };
	uint32_t g3[3] = { group[0], group[1], group[2] };
	for (unsigned l = 0; l < block->width; l++) {
		for (int axis = 0; axis < 3; axis++) {
			block->local_id[axis][l] = l3[axis];
			block->group_id[axis][l] = g3[axis];
		}
		/* Lanes past nlanes are off: what they get does not matter. */
		if (step(l3, size))
			step(g3, code->groups);
	}
}

/* A group of lanes at a time: gcc does not vectorise first + l over a
 * whole block's lanes (VIR0_CPU_FOR_LANES), but does over one group. */
static inline __attribute__((always_inline)) void fill(uint32_t *restrict out, uint32_t value,
							 unsigned width)
{
	for (unsigned group = 0; group < width; group += VIR0_CPU_LANES) {
		uint32_t *restrict lanes = out + group;
		for (unsigned l = 0; l < VIR0_CPU_LANES; l++)
			lanes[l] = value;
	}
}

static inline __attribute__((always_inline)) void count_up(uint32_t *restrict out,
							   uint32_t first, unsigned width)
{
	for (unsigned group = 0; group < width; group += VIR0_CPU_LANES) {
		uint32_t *restrict lanes = out + group;
		for (unsigned l = 0; l < VIR0_CPU_LANES; l++)
			lanes[l] = first + group + l;
	}
}

VIR0_CPU_VECTOR_CLONES
void vir0_cpu_block_ids(struct vir0_cpu_block *block, const struct vir0_cpu_code *code,
			unsigned kind, unsigned axis, uint32_t *restrict out)
{
	if (kind == VIR0_BC_ID_INVOCATION && code->linear_ids) {
		/* In a one-dimensional dispatch the invocation id along x is the
		 * lane's linear index, and 0 along y and z: no division.
		 * Lanes past nlanes are off: what they get does not matter. */
		if (axis == 0)
			count_up(out, (uint32_t)block->first_lane, block->width);
		else
			fill(out, 0, block->width);
		return;
	}
	if (block->ids == VIR0_CPU_IDS_UNKNOWN)
		find_ids(block, code);
	uint32_t size = code->workgroup_size[axis];
	if (block->ids == VIR0_CPU_IDS_LINEAR) {
		/* Along x the ids count up; y and z are the same in every lane. */
		uint32_t local = block->first_local[axis], group = block->first_group[axis];
		uint32_t first = kind == VIR0_BC_ID_WORKGROUP ? group :
				 kind == VIR0_BC_ID_LOCAL ? local : group * size + local;
		if (axis == 0 && kind != VIR0_BC_ID_WORKGROUP)
			count_up(out, first, block->width);
		else
			fill(out, first, block->width);
		return;
	}
	const uint32_t *restrict group = block->group_id[axis];
	const uint32_t *restrict local = block->local_id[axis];
	VIR0_CPU_FOR_LANES(l, block->width)
		out[l] = kind == VIR0_BC_ID_WORKGROUP ? group[l] :
			 kind == VIR0_BC_ID_LOCAL ? local[l] : group[l] * size + local[l];
}
