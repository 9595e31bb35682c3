/* ref_interp.c - vir0_run_reference: the dispatch of fmt §9.1 with the
 * barrier rule of §9.12, one workgroup after another (X fastest), the
 * invocations of a workgroup stepped round-robin in linear local order. */
#include "ref_interp.h"

#include "error.h"

#include <stdlib.h>

/* The reference keeps a state per invocation; past this many invocations
 * in one workgroup it refuses rather than exhaust memory (fmt V6). */
#define VIR0_REF_MAX_INVOCATIONS (1u << 20)

struct ref_run {
	struct vir0_ref_workgroup group;
	struct vir0_ref_invocation *invocations;
	uint32_t ninvocations;
	uint8_t *workgroup_memory;
	size_t workgroup_bytes;
	size_t *workgroup_offsets;
};

/* Release the waiting invocations once every invocation has finished or
 * waits; they must all wait at the same Barrier (fmt §9.12). Returns 1
 * when some were released, 0 when all have finished. */
static int release_barrier(struct ref_run *run, struct vir0_error *err)
{
	const struct vir0_node *barrier = NULL;
	for (uint32_t i = 0; i < run->ninvocations; i++) {
		struct vir0_ref_invocation *inv = &run->invocations[i];
		if (inv->state != VIR0_REF_WAITING)
			continue;
		if (barrier && inv->waiting_at != barrier)
			return vir0_error_at(err, VIR0_EINVALID, 0,
					     "invocations of workgroup (%u,%u,%u) wait at two "
					     "different barriers; barriers must be in uniform "
					     "control flow (fmt §8.6)", run->group.group_id[0],
					     run->group.group_id[1], run->group.group_id[2]);
		barrier = inv->waiting_at;
	}
	if (!barrier)
		return 0;
	for (uint32_t i = 0; i < run->ninvocations; i++)
		if (run->invocations[i].state == VIR0_REF_WAITING)
			run->invocations[i].state = VIR0_REF_RUNNING;
	return 1;
}

static int run_workgroup(struct ref_run *run, struct vir0_error *err)
{
	const vir0_program *program = run->group.program;
	const uint32_t *size = program->workgroup_size;
	memset(run->workgroup_memory, 0, run->workgroup_bytes);
	for (uint32_t i = 0; i < run->ninvocations; i++) {
		struct vir0_ref_invocation *inv = &run->invocations[i];
		inv->local_id[0] = i % size[0];
		inv->local_id[1] = i / size[0] % size[1];
		inv->local_id[2] = i / size[0] / size[1];
		if (vir0_ref_start(inv, program))
			return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory in the reference interpreter");
	}
	int released;
	do {
		for (uint32_t i = 0; i < run->ninvocations; i++)
			if (vir0_ref_run_until_blocked(&run->group, &run->invocations[i]))
				return vir0_error_at(err, VIR0_ENOMEM, 0,
						     "out of memory in the reference interpreter");
		released = release_barrier(run, err);
	} while (released == 1);
	return released;
}

static int run_grid(struct ref_run *run, const uint32_t groups[3], struct vir0_error *err)
{
	uint32_t *id = run->group.group_id;
	for (id[2] = 0; id[2] < groups[2]; id[2]++)
		for (id[1] = 0; id[1] < groups[1]; id[1]++)
			for (id[0] = 0; id[0] < groups[0]; id[0]++) {
				int status = run_workgroup(run, err);
				if (status)
					return status;
			}
	return VIR0_OK;
}

static int count_invocations(const vir0_program *program, uint32_t *count,
			     struct vir0_error *err)
{
	const uint32_t *size = program->workgroup_size;
	uint64_t total = (uint64_t)size[0] * size[1] * size[2];
	if (total > VIR0_REF_MAX_INVOCATIONS)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "workgroup of %llu invocations is more than the reference "
				     "interpreter's %u; use a smaller workgroup_size",
				     (unsigned long long)total, VIR0_REF_MAX_INVOCATIONS);
	*count = (uint32_t)total;
	return VIR0_OK;
}

/* Allocate the per-invocation states and this run's Workgroup memory, and
 * point the Workgroup views at it. */
static int setup(struct ref_run *run, struct vir0_error *err)
{
	const vir0_program *program = run->group.program;
	int status = count_invocations(program, &run->ninvocations, err);
	if (status)
		return status;
	run->invocations = calloc(run->ninvocations, sizeof(*run->invocations));
	run->workgroup_offsets = calloc(program->nbuffers + 1, sizeof(size_t));
	if (!run->invocations || !run->workgroup_offsets)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory in the reference interpreter");
	run->workgroup_bytes = vir0_workgroup_layout(program, run->workgroup_offsets);
	run->workgroup_memory = calloc(1, run->workgroup_bytes + 1);
	if (!run->workgroup_memory)
		return vir0_error_at(err, VIR0_ENOMEM, 0,
				     "out of memory for %zu bytes of Workgroup buffers",
				     run->workgroup_bytes);
	for (uint32_t i = 0; i < program->nbuffers; i++)
		if (program->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			run->group.views[i].data = run->workgroup_memory + run->workgroup_offsets[i];
	return VIR0_OK;
}

static void teardown(struct ref_run *run)
{
	for (uint32_t i = 0; run->invocations && i < run->ninvocations; i++) {
		free(run->invocations[i].bindings);
		free(run->invocations[i].frames);
	}
	free(run->invocations);
	free(run->workgroup_offsets);
	free(run->workgroup_memory);
	free(run->group.views);
}

int vir0_run_reference(const vir0_program *program, const uint32_t groups[3],
		       struct vir0_binding *bindings, uint32_t nbindings,
		       struct vir0_error *err)
{
	if (!program)
		return vir0_error_at(err, VIR0_EARG, 0, "program is NULL");
	int status = vir0_validate(program, err);
	if (status)
		return status;
	uint32_t grid[3];
	if (groups)
		memcpy(grid, groups, sizeof(grid));
	else if ((status = vir0_default_grid(program, bindings, grid, err)))
		return status;

	struct ref_run run = { .group = { .program = program } };
	run.group.views = calloc(program->nbuffers + 1, sizeof(*run.group.views));
	if (!run.group.views)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory in the reference interpreter");
	status = vir0_dispatch_prepare(program, grid, bindings, nbindings, run.group.views, err);
	if (status == VIR0_OK)
		status = setup(&run, err);
	if (status == VIR0_OK)
		status = run_grid(&run, grid, err);
	teardown(&run);
	return status;
}
