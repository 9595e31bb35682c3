/* cpu_prepared.c - vir0_cpu_run_prepared and vir0_cpu_prepared_free: a
 * dispatch checked, decoded and planned once, for a caller that runs one
 * program on one shape call after call (a StarPU CPU worker). It runs
 * through the checks, plan and run vir0_cpu_run_bytecode uses
 * (cpu_run.h, cpu_engine.c). doc/cpu-engine.md ("What a call costs
 * besides its lanes") explains the choices. */
#include "cpu_engine.h"

#include "cpu_block.h"
#include "cpu_run.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

/* A dispatch checked once: a worker runs one program on one shape task
 * after task, and the bytecode's agreement with the program, the grid,
 * the bindings' lengths against the declarations, the decode and the plan
 * follow from the program, the bytecode, the grid and the binding sizes
 * alone. So a call that brings the same ones (the program and bytecode
 * by address: the caller frees *prepared before either goes, so neither
 * address can come back holding another) checks only each binding's size
 * and pointer, which is what vir0_dispatch_check would find wrong with
 * them: a tiny StarPU task's CPU implementation went 2715 -> 1750
 * instructions (doc/cpu-engine.md). */
struct vir0_cpu_prepared {
	const vir0_program *program;
	const struct vir0_bytecode *bc;
	int grid_given;                   /* 0: the default grid of these sizes */
	uint32_t grid[3];
	size_t *sizes;                    /* of each binding, in bytes */
	struct vir0_buffer_view *views;   /* lengths checked; data bound per call */
	size_t *workgroup_offsets;
	struct vir0_cpu_code code;
	struct vir0_cpu_plan plan;
	/* Of a dispatch whose worker memory is small (VIR0_CPU_KEEP_BYTES,
	 * as the thread keeps): the calling thread's worker, so that a call
	 * sets up and trims nothing. NULL: the thread's kept memory serves. */
	struct vir0_cpu_own_worker *own;
};

void vir0_cpu_prepared_free(struct vir0_cpu_prepared *prepared)
{
	if (!prepared)
		return;
	if (prepared->own)
		free(prepared->own->worker.workgroup_memory);
	free(prepared->own);
	vir0_cpu_code_free(&prepared->code);
	free(prepared->sizes);
	free(prepared->views);
	free(prepared->workgroup_offsets);
	free(prepared);
}

/* 1 when the call is the one `p` was prepared for and its bindings pass
 * what vir0_dispatch_check checks of a binding of a checked size; binds
 * the views to them. */
static int prepared_holds(struct vir0_cpu_prepared *p, const vir0_program *program,
			  const struct vir0_bytecode *bc, const uint32_t groups[3],
			  const struct vir0_binding *bindings, uint32_t nbindings)
{
	if (p->program != program || p->bc != bc || nbindings != program->nbuffers ||
	    (nbindings && !bindings) ||
	    (groups ? !p->grid_given || memcmp(groups, p->grid, sizeof(p->grid)) : p->grid_given))
		return 0;
	for (uint32_t i = 0; i < nbindings; i++) {
		const struct vir0_binding *b = &bindings[i];
		if (b->size != p->sizes[i])
			return 0;
		if (p->views[i].access == VIR0_ACCESS_WORKGROUP) {
			if (b->data)
				return 0;
			continue;
		}
		if (b->size && !b->data)
			return 0;
		p->views[i].data = b->data;
	}
	return 1;
}

/* The prepared dispatch's own worker, in one allocation (Workgroup
 * memory, blocks, lane state), or NULL when it would be larger than a
 * thread keeps, or out of memory: then the thread's memory serves. */
static struct vir0_cpu_own_worker *own_worker(struct vir0_cpu_prepared *p)
{
	size_t nblocks = p->plan.worker_blocks;
	size_t workgroup_bytes = p->plan.workgroup_bytes ? p->plan.workgroup_bytes : 1;
	size_t workgroup = vir0_cpu_round_up(workgroup_bytes);
	size_t blocks = vir0_cpu_round_up(nblocks * sizeof(struct vir0_cpu_block));
	size_t lanes = vir0_cpu_round_up(nblocks * p->plan.block_lane_bytes);
	if (workgroup + blocks + lanes > VIR0_CPU_KEEP_BYTES)
		return NULL;
	struct vir0_cpu_own_worker *own = calloc(1, sizeof(*own));
	uint8_t *memory = aligned_alloc(VIR0_CPU_ALIGN, workgroup + blocks + lanes);
	if (!own || !memory) {
		free(own);
		free(memory);
		return NULL;
	}
	own->worker = (struct vir0_cpu_worker){
		.views = p->views,
		.workgroup_memory = memory,
		.blocks = (struct vir0_cpu_block *)(memory + workgroup),
		.lanes = (uint32_t *)(memory + workgroup + blocks),
	};
	return own;
}

/* Check, decode and plan the call into a new *prepared; on failure the
 * outputs are as vir0_cpu_run_bytecode leaves them and *prepared is NULL. */
static int prepare(struct vir0_cpu_prepared **prepared, const vir0_program *program,
		   const struct vir0_bytecode *bc, const uint32_t groups[3],
		   struct vir0_binding *bindings, uint32_t nbindings, struct vir0_error *err)
{
	vir0_cpu_prepared_free(*prepared);
	*prepared = NULL;
	int status = vir0_cpu_check_bytecode(program, bc, err);
	if (status)
		return status;
	size_t n = program->nbuffers;
	struct vir0_cpu_prepared *p = calloc(1, sizeof(*p));
	if (p) {
		p->sizes = malloc(n * sizeof(*p->sizes) + 1);
		p->views = malloc(n * sizeof(*p->views) + 1);
		p->workgroup_offsets = malloc(n * sizeof(*p->workgroup_offsets) + 1);
	}
	if (!p || !p->sizes || !p->views || !p->workgroup_offsets) {
		vir0_cpu_prepared_free(p);
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the buffer views");
	}
	p->program = program;
	p->bc = bc;
	p->grid_given = groups != NULL;
	struct vir0_cpu_dispatch d = { .program = program, .views = p->views,
				  .workgroup_offsets = p->workgroup_offsets, .code = &p->code };
	status = vir0_cpu_check_dispatch(&d, groups, p->grid, bindings, nbindings, err);
	if (status) {
		vir0_cpu_prepared_free(p);
		return status;
	}
	if (vir0_cpu_decode(bc, p->views, p->grid, &p->code))
		status = vir0_error_at(err, VIR0_ENOMEM, 0,
				       "out of memory for %u decoded instructions", bc->ninsns);
	else
		status = vir0_cpu_make_plan(&d, p->grid, err);
	if (status) {
		vir0_cpu_zero_outputs(program, bindings, 0, 0);
		vir0_cpu_prepared_free(p);
		return status;
	}
	p->plan = d.plan;
	for (uint32_t i = 0; i < n; i++)
		p->sizes[i] = bindings[i].size;
	p->own = own_worker(p);
	*prepared = p;
	return VIR0_OK;
}

int vir0_cpu_run_prepared(struct vir0_cpu_prepared **prepared, const vir0_program *program,
			  const struct vir0_bytecode *bc, const uint32_t groups[3],
			  struct vir0_binding *bindings, uint32_t nbindings,
			  struct vir0_error *err)
{
	if (!prepared)
		return vir0_error_at(err, VIR0_EARG, 0, "prepared must not be NULL");
	struct vir0_cpu_prepared *p = *prepared;
	if (!p || !prepared_holds(p, program, bc, groups, bindings, nbindings)) {
		int status = prepare(prepared, program, bc, groups, bindings, nbindings, err);
		if (status)
			return status;
		p = *prepared;
	}
	struct vir0_cpu_dispatch d = { .code = &p->code, .program = program, .views = p->views,
				  .workgroup_offsets = p->workgroup_offsets, .own = p->own,
				  .plan = p->plan };
	return vir0_cpu_run_checked(&d, bc, bindings, 1, err);
}
