/* cpu_engine.c - vir0_run_cpu and vir0_cpu_run_bytecode: the dispatch
 * of fmt §9.1 on the vectorised interpreter, and the checks, plan and run
 * that vir0_cpu_run_prepared (cpu_prepared.c) shares (cpu_run.h). The
 * lanes of the grid are cut into blocks (cpu_block.c); OpenMP threads
 * share out the blocks, or the workgroups when blocks must keep to one
 * workgroup (Workgroup memory, barriers). Outputs are zero-filled first,
 * except those the decoder proves the run writes whole.
 * doc/cpu-engine.md explains the choices. */
#include "cpu_engine.h"

#include "cpu_block.h"
#include "cpu_run.h"
#include "dispatch.h"
#include "error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Past this much block state per thread (a workgroup with barriers keeps
 * all its blocks at once) the engine refuses the workgroup (fmt V6). */
#define VIR0_CPU_MAX_THREAD_BYTES ((size_t)1 << 30)

/* Lanes in one OpenMP chunk, so that handing out work costs little next
 * to doing it. */
#define VIR0_CPU_CHUNK_LANES 4096u

static void fail(struct vir0_cpu_dispatch *d, int status, uint64_t group, uint32_t pc0,
		 uint32_t pc1)
{
	int ok = VIR0_OK;
	if (__atomic_compare_exchange_n(&d->status, &ok, status, 0, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST)) {
		d->failed_group = group;
		d->failed_pc[0] = pc0;
		d->failed_pc[1] = pc1;
	}
}

/* Each thread keeps its workers' memory from one dispatch to the next,
 * up to VIR0_CPU_KEEP_BYTES a piece: the lane arrays of even a small
 * program are over 1 KiB, and allocating them per call made glibc
 * consolidate its free lists every time, a fifth of a 64-invocation
 * dispatch. The calling thread keeps the dispatch's views and Workgroup
 * offsets the same way (two callocs and frees were a sixth of a vector
 * add task's run through StarPU). Freed when the thread exits. */
enum {
	KEEP_VIEWS, KEEP_WORKGROUP, KEEP_BLOCKS, KEEP_LANES,  /* a worker's */
	KEEP_DISPATCH_VIEWS, KEEP_OFFSETS,                    /* the caller's */
	KEEP_PIECES
};

/* A program runs task after task on one shape, so a thread keeps, with
 * its pieces, what it derived from its last decode (by the decode's
 * generation, 0: nothing): the caller's plan, with the Workgroup offsets
 * in its KEEP_OFFSETS piece, and a worker's block states, zeroed and
 * filled with the decode's constants. A block left by a run that ended is
 * a fit start for the next run of that decode, as from one task to the
 * next of a call; a failed run's blocks are not kept. */
struct kept_memory {
	void *piece[KEEP_PIECES];
	size_t bytes[KEEP_PIECES];
	uint64_t planned;
	struct vir0_cpu_plan plan;
	uint64_t blocks_ready;
};

static _Thread_local struct kept_memory kept;
static pthread_key_t kept_key;
static int kept_key_made;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;

static void kept_release(int which)
{
	free(kept.piece[which]);
	kept.piece[which] = NULL;
	kept.bytes[which] = 0;
	kept.planned = 0;
	kept.blocks_ready = 0;
}

static void kept_destroy(void *unused)
{
	(void)unused;
	for (int k = 0; k < KEEP_PIECES; k++)
		kept_release(k);
}

static void kept_key_create(void)
{
	kept_key_made = pthread_key_create(&kept_key, kept_destroy) == 0;
}

static void *kept_grow(int which, size_t bytes);

/* This thread's piece `which` of at least `bytes` (cache-line aligned).
 * Inline: the piece is there on almost every call. */
static inline void *kept_piece(int which, size_t bytes)
{
	if (kept.bytes[which] && kept.bytes[which] >= bytes)
		return kept.piece[which];
	return kept_grow(which, bytes);
}

static void *kept_grow(int which, size_t bytes)
{
	bytes = vir0_cpu_round_up(bytes ? bytes : 1);
	kept_release(which);
	pthread_once(&kept_once, kept_key_create);
	if (kept_key_made)
		pthread_setspecific(kept_key, &kept);
	kept.piece[which] = aligned_alloc(VIR0_CPU_ALIGN, bytes);
	kept.bytes[which] = kept.piece[which] ? bytes : 0;
	return kept.piece[which];
}

/* Pieces [first, end) too large to keep go back to malloc. */
static void kept_trim(int first, int end)
{
	for (int k = first; k < end; k++)
		if (kept.bytes[k] > VIR0_CPU_KEEP_BYTES)
			kept_release(k);
}

/* The worker's memory goes back to the thread; pieces too large to keep
 * are freed. */
static void worker_free(struct vir0_cpu_worker *w, const struct vir0_cpu_dispatch *d)
{
	(void)w;
	if (__atomic_load_n(&d->status, __ATOMIC_RELAXED) != VIR0_OK)
		kept.blocks_ready = 0;
	kept_trim(0, KEEP_DISPATCH_VIEWS);
}

/* Point the worker's views and blocks into its memory, and zero its
 * lane state and fill the decode's constants unless `ready` says a run
 * of this decode left them. The views are d->views' when they are the
 * worker's own (a prepared dispatch's). */
static void worker_set_up(struct vir0_cpu_worker *w, const struct vir0_cpu_dispatch *d,
			  int ready)
{
	const vir0_program *program = d->program;
	size_t nblocks = d->plan.worker_blocks;
	/* Zeroed once: the zero register must read 0, and no lane ever
	 * reads a register the program has not written first. */
	if (!ready)
		memset(w->lanes, 0, nblocks * d->plan.block_lane_bytes);
	if (w->views != d->views)
		memcpy(w->views, d->views, program->nbuffers * sizeof(*w->views));
	for (uint32_t i = 0; i < program->nbuffers; i++)
		if (program->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			w->views[i].data = w->workgroup_memory + d->workgroup_offsets[i];
	size_t words = d->plan.block_lane_bytes / sizeof(uint32_t);
	for (size_t k = 0; k < nblocks; k++) {
		w->blocks[k].width = d->code->width;
		w->blocks[k].regs = w->lanes + k * words;
		w->blocks[k].stack = w->blocks[k].regs + (size_t)d->code->nregs * d->code->width;
		if (!ready)
			vir0_cpu_fill_registers(d->code, w->blocks[k].regs);
	}
}

static int worker_init(struct vir0_cpu_worker *w, const struct vir0_cpu_dispatch *d)
{
	size_t nblocks = d->plan.worker_blocks;
	memset(w, 0, sizeof(*w));
	w->views = kept_piece(KEEP_VIEWS, d->program->nbuffers * sizeof(*w->views));
	w->workgroup_memory = kept_piece(KEEP_WORKGROUP, d->plan.workgroup_bytes);
	w->blocks = kept_piece(KEEP_BLOCKS, nblocks * sizeof(*w->blocks));
	w->lanes = kept_piece(KEEP_LANES, nblocks * d->plan.block_lane_bytes);
	if (!w->views || !w->workgroup_memory || !w->blocks || !w->lanes) {
		kept_trim(0, KEEP_DISPATCH_VIEWS);
		return VIR0_ENOMEM;
	}
	worker_set_up(w, d, d->code->generation && kept.blocks_ready == d->code->generation);
	kept.blocks_ready = d->code->generation;
	return VIR0_OK;
}

static uint32_t lanes_from(uint64_t first, uint64_t end, uint32_t width)
{
	return end - first < width ? (uint32_t)(end - first) : width;
}

/* Barriers: every block of the workgroup runs up to the barrier (or to its
 * end) before any goes on, so all of the workgroup's writes before the
 * barrier are done when any lane reads after it (fmt §9.12). */
static void run_lockstep(struct vir0_cpu_worker *w, struct vir0_cpu_dispatch *d,
			 uint64_t group)
{
	const struct vir0_cpu_code *code = d->code;
	uint64_t base = group * code->workgroup_lanes;
	uint64_t end = base + code->workgroup_lanes;
	for (uint32_t k = 0; k < d->plan.blocks_per_group; k++) {
		uint64_t first = base + (uint64_t)k * code->width;
		vir0_cpu_block_start(&w->blocks[k], first, lanes_from(first, end, code->width));
	}
	for (;;) {
		uint32_t waiting = 0, barrier_pc = 0;
		for (uint32_t k = 0; k < d->plan.blocks_per_group; k++) {
			struct vir0_cpu_block *block = &w->blocks[k];
			if (block->finished)
				continue;
			enum vir0_cpu_stop stop = vir0_cpu_block_run(block, code, w->views);
			if (stop == VIR0_CPU_DIVERGED) {
				fail(d, VIR0_EINVALID, group, block->pc, block->pc);
				return;
			}
			if (stop != VIR0_CPU_AT_BARRIER)
				continue;
			if (waiting && block->pc != barrier_pc) {
				fail(d, VIR0_EINVALID, group, barrier_pc - 1, block->pc - 1);
				return;
			}
			barrier_pc = block->pc;
			waiting++;
		}
		if (!waiting)
			return;
	}
}

static void run_task(struct vir0_cpu_worker *w, struct vir0_cpu_dispatch *d, uint64_t task)
{
	const struct vir0_cpu_code *code = d->code;
	if (d->plan.packed) {
		uint64_t first = task * code->width;
		vir0_cpu_block_start(&w->blocks[0], first,
				     lanes_from(first, d->plan.nlanes, code->width));
		vir0_cpu_block_run(&w->blocks[0], code, w->views);
		return;
	}
	memset(w->workgroup_memory, 0, d->plan.workgroup_bytes);
	if (code->has_barrier) {
		run_lockstep(w, d, task);
		return;
	}
	/* No barrier: the blocks of a workgroup can run one after another. */
	uint64_t base = task * code->workgroup_lanes, end = base + code->workgroup_lanes;
	for (uint64_t first = base; first < end; first += code->width) {
		vir0_cpu_block_start(&w->blocks[0], first, lanes_from(first, end, code->width));
		vir0_cpu_block_run(&w->blocks[0], code, w->views);
	}
}

/* Every task on the calling thread, until one fails. */
static void run_tasks_on(struct vir0_cpu_worker *w, struct vir0_cpu_dispatch *d)
{
	for (uint64_t t = 0; t < d->plan.ntasks && d->status == VIR0_OK; t++)
		run_task(w, d, t);
}

static void run_tasks(struct vir0_cpu_dispatch *d, unsigned threads)
{
	if (threads <= 1) {
		struct vir0_cpu_worker w;
		int status = worker_init(&w, d);
		if (status) {
			fail(d, status, 0, 0, 0);
			return;
		}
		run_tasks_on(&w, d);
		worker_free(&w, d);
		return;
	}
	uint64_t chunk = d->plan.chunk;
#pragma omp parallel num_threads(threads)
	{
		struct vir0_cpu_worker w;
		int ready = worker_init(&w, d);
		if (ready)
			fail(d, ready, 0, 0, 0);
#pragma omp for schedule(dynamic, chunk)
		for (uint64_t t = 0; t < d->plan.ntasks; t++) {
			int failed = __atomic_load_n(&d->status, __ATOMIC_RELAXED) != VIR0_OK;
			if (ready == VIR0_OK && !failed)
				run_task(&w, d, t);
		}
		if (ready == VIR0_OK)
			worker_free(&w, d);
	}
}

/* Real atomics need 4-byte aligned elements; with a caller buffer that is
 * not aligned, one thread runs and plain read-modify-writes suffice. */
static int atomics_aligned(const struct vir0_bytecode *bc,
			   const struct vir0_cpu_dispatch *d)
{
	if (!(bc->flags & VIR0_BC_HAS_ATOMICS))
		return 1;
	for (uint32_t i = 0; i < d->program->nbuffers; i++)
		if (d->views[i].access != VIR0_ACCESS_WORKGROUP &&
		    ((uintptr_t)d->views[i].data & 3))
			return 0;
	return 1;
}

static unsigned thread_count(const struct vir0_bytecode *bc,
			     const struct vir0_cpu_dispatch *d, unsigned threads)
{
	if (threads == 0) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);
		threads = online > 0 ? (unsigned)online : 1;
	}
	uint64_t chunks = (d->plan.ntasks + d->plan.chunk - 1) / d->plan.chunk;
	if (threads > chunks)
		threads = (unsigned)chunks;
	if (!atomics_aligned(bc, d))
		threads = 1;
	return threads;
}

/* Lane state a block may keep (registers, mask stack, exec, live, scratch)
 * so that it stays in a 32 KiB level-1 data cache, with room left for the
 * buffer lines streaming through. */
#define VIR0_CPU_BLOCK_STATE_BYTES ((size_t)28 << 10)

/* Lanes per block. The wider, the more lanes share each instruction's
 * fixed costs (dispatch, calls, pattern checks, mask bookkeeping), until
 * the block's lane state no longer fits in the level-1 cache: saxpy (12
 * lane arrays) gets 512 lanes, the dfa example (25) 256; at 512 lanes the
 * dfa misses the level-1 cache 16 times as often as at 256. Blocks that
 * keep to one workgroup are at most as wide as the workgroup, rounded up to
 * whole groups, so a workgroup of 64 does not run lanes that are off;
 * packed blocks at most as wide as the grid: every instruction costs its
 * whole width, and a task of 64 invocations in blocks of 512 lanes took
 * 6.1 us a call, most of it on lanes that were off. */
static void set_width(struct vir0_cpu_code *code, int packed, uint64_t nlanes)
{
	uint64_t lanes = packed ? nlanes : code->workgroup_lanes;
	lanes = lanes < VIR0_CPU_MAX_LANES ? lanes : VIR0_CPU_MAX_LANES;
	uint32_t width = (uint32_t)((lanes + VIR0_CPU_LANES - 1) / VIR0_CPU_LANES) * VIR0_CPU_LANES;
	width = width ? width : VIR0_CPU_LANES;
	size_t arrays = (size_t)code->nregs + code->stack_slots + 3;
	while (width > VIR0_CPU_LANES &&
	       arrays * width * sizeof(uint32_t) > VIR0_CPU_BLOCK_STATE_BYTES)
		width -= VIR0_CPU_LANES;
	code->width = width;
	for (uint32_t i = 0; i < code->ninsns; i++)
		code->insns[i].width = (uint16_t)width;
}

int vir0_cpu_make_plan(struct vir0_cpu_dispatch *d, const uint32_t grid[3],
		       struct vir0_error *err)
{
	struct vir0_cpu_code *code = d->code;
	d->plan.workgroup_bytes = vir0_workgroup_layout(d->program, d->workgroup_offsets);
	const uint32_t *size = d->program->workgroup_size;
	uint64_t ngroups = 0, lanes = (uint64_t)size[0] * size[1] * size[2];
	if (lanes > UINT32_MAX)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "workgroup of %llu invocations is more than 2^32-1 (fmt V6); "
				     "validate the program first", (unsigned long long)lanes);
	if (__builtin_mul_overflow((uint64_t)grid[0] * grid[1], grid[2], &ngroups) ||
	    __builtin_mul_overflow(ngroups, lanes, &d->plan.nlanes))
		return vir0_error_at(err, VIR0_EARG, 0,
				     "a grid of %u x %u x %u workgroups of %llu invocations is more "
				     "than 2^64 invocations; use a smaller grid",
				     grid[0], grid[1], grid[2], (unsigned long long)lanes);
	code->workgroup_lanes = (uint32_t)lanes;
	d->plan.packed = !code->has_barrier && d->plan.workgroup_bytes == 0;
	set_width(code, d->plan.packed, d->plan.nlanes);
	d->plan.blocks_per_group = (uint32_t)((lanes + code->width - 1) / code->width);
	d->plan.ntasks = d->plan.packed ? (d->plan.nlanes + code->width - 1) / code->width : ngroups;
	uint64_t task_lanes = d->plan.packed ? code->width : lanes;
	d->plan.chunk = task_lanes >= VIR0_CPU_CHUNK_LANES ? 1 : VIR0_CPU_CHUNK_LANES / task_lanes;
	d->plan.worker_blocks = code->has_barrier ? d->plan.blocks_per_group : 1;
	d->plan.block_lane_bytes = ((size_t)code->nregs + code->stack_slots) * code->width *
			      sizeof(uint32_t);
	size_t per_thread = (size_t)d->plan.worker_blocks *
			    (sizeof(struct vir0_cpu_block) + d->plan.block_lane_bytes);
	if (per_thread > VIR0_CPU_MAX_THREAD_BYTES)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "a workgroup of %llu invocations with barriers needs %zu bytes "
				     "of lane state per thread, more than the CPU engine's %zu; use "
				     "a smaller workgroup_size", (unsigned long long)lanes,
				     per_thread, (size_t)VIR0_CPU_MAX_THREAD_BYTES);
	return VIR0_OK;
}

/* vir0_cpu_make_plan, through the thread's last plan while the decode
 * is the same: a plan that failed was not kept, so bad input fails
 * again. */
static int plan(struct vir0_cpu_dispatch *d, const uint32_t grid[3], struct vir0_error *err)
{
	uint64_t generation = d->code->generation;
	if (generation && kept.planned == generation) {
		d->plan = kept.plan;
		return VIR0_OK;
	}
	int status = vir0_cpu_make_plan(d, grid, err);
	if (status == VIR0_OK) {
		kept.plan = d->plan;
		kept.planned = generation;
	}
	return status;
}

static int report(const struct vir0_cpu_dispatch *d, struct vir0_error *err)
{
	if (d->status == VIR0_ENOMEM)
		return vir0_error_at(err, VIR0_ENOMEM, 0,
				     "out of memory for the CPU engine's per-thread state (%zu "
				     "bytes of blocks, %zu of Workgroup memory); use fewer threads",
				     d->plan.worker_blocks * d->plan.block_lane_bytes, d->plan.workgroup_bytes);
	if (d->status == VIR0_EINVALID) {
		const uint32_t *groups = d->code->groups;
		uint64_t g = d->failed_group;
		if (d->failed_pc[0] == d->failed_pc[1])
			return vir0_error_at(err, VIR0_EINVALID, 0,
					     "invocations of workgroup (%u,%u,%u) wait at different "
					     "barriers (only some reach instruction %u); barriers must "
					     "be in uniform control flow (fmt §8.6)",
					     (unsigned)(g % groups[0]),
					     (unsigned)(g / groups[0] % groups[1]),
					     (unsigned)(g / groups[0] / groups[1]), d->failed_pc[0]);
		return vir0_error_at(err, VIR0_EINVALID, 0,
				     "invocations of workgroup (%u,%u,%u) wait at two different "
				     "barriers (instructions %u and %u); barriers must be in "
				     "uniform control flow (fmt §8.6)",
				     (unsigned)(g % groups[0]), (unsigned)(g / groups[0] % groups[1]),
				     (unsigned)(g / groups[0] / groups[1]), d->failed_pc[0],
				     d->failed_pc[1]);
	}
	return d->status;
}

/* 1 when `bc` declares the buffers and workgroup of `program`, as
 * bytecode lowered from it does. */
static int lowered_from(const vir0_program *program, const struct vir0_bytecode *bc)
{
	if (bc->nbuffers != program->nbuffers ||
	    memcmp(bc->workgroup_size, program->workgroup_size, sizeof(bc->workgroup_size)))
		return 0;
	for (uint32_t i = 0; i < bc->nbuffers; i++) {
		const struct vir0_buffer *declared = &program->buffers[i];
		const struct vir0_bc_buffer *lowered = &bc->buffers[i];
		if (lowered->element != declared->element.kind ||
		    lowered->access != declared->access ||
		    lowered->is_output != declared->is_output || lowered->count != declared->count)
			return 0;
	}
	return 1;
}

int vir0_cpu_check_bytecode(const vir0_program *program, const struct vir0_bytecode *bc,
			    struct vir0_error *err)
{
	if (!program || !bc)
		return vir0_error_at(err, VIR0_EARG, 0, "program and bytecode must not be NULL");
	if (!lowered_from(program, bc))
		return vir0_error_at(err, VIR0_EARG, 0,
				     "the bytecode's buffers or workgroup size differ from the "
				     "program's; pass the program it was lowered from");
	return VIR0_OK;
}

void vir0_cpu_zero_outputs(const vir0_program *program, struct vir0_binding *bindings,
			   uint64_t whole, int in_whole)
{
	for (uint32_t b = 0; b < program->nbuffers; b++) {
		int bit = b < 64 && (whole >> b & 1);
		if (program->buffers[b].is_output && bindings[b].size && bit == in_whole)
			memset(bindings[b].data, 0, bindings[b].size);
	}
}

/* The outputs the run writes whole before anything in it could read them
 * (code->outputs_written_whole, proved by the decoder), less those whose
 * memory another binding shares: through that one the program could read
 * the zeros the fill would have left. */
static uint64_t outputs_written_whole(const struct vir0_cpu_dispatch *d,
				      const struct vir0_binding *bindings)
{
	uint64_t whole = d->code->outputs_written_whole;
	for (uint32_t b = 0; b < d->program->nbuffers && b < 64; b++) {
		if (!(whole >> b & 1))
			continue;
		uintptr_t start = (uintptr_t)bindings[b].data, end = start + bindings[b].size;
		for (uint32_t k = 0; k < d->program->nbuffers; k++) {
			uintptr_t other = (uintptr_t)bindings[k].data;
			if (k != b && bindings[k].size && other < end &&
			    start < other + bindings[k].size)
				whole &= ~((uint64_t)1 << b);
		}
	}
	return whole;
}

int vir0_cpu_check_dispatch(struct vir0_cpu_dispatch *d, const uint32_t groups[3],
			    uint32_t grid[3], struct vir0_binding *bindings, uint32_t nbindings,
			    struct vir0_error *err)
{
	int status = VIR0_OK;
	if (groups)
		memcpy(grid, groups, 3 * sizeof(*grid));
	else if ((status = vir0_default_grid(d->program, bindings, grid, err)))
		return status;
	return vir0_dispatch_check(d->program, grid, bindings, nbindings, d->views, err);
}

/* The outputs the run does not write whole are zero-filled, then it
 * runs. A failed run leaves every output as the zero-fill would have
 * (perhaps partly written), never the caller's old bytes. */
int vir0_cpu_run_checked(struct vir0_cpu_dispatch *d, const struct vir0_bytecode *bc,
			 struct vir0_binding *bindings, unsigned threads, struct vir0_error *err)
{
	uint64_t whole = outputs_written_whole(d, bindings);
	vir0_cpu_zero_outputs(d->program, bindings, whole, 0);
	if (d->own) {
		/* The calling thread alone, on the prepared dispatch's memory. */
		d->code->shared_atomics = 0;
		if (!d->own->blocks_ready)
			worker_set_up(&d->own->worker, d, 0);
		run_tasks_on(&d->own->worker, d);
		d->own->blocks_ready = d->status == VIR0_OK;
	} else {
		unsigned used = thread_count(bc, d, threads);
		d->code->shared_atomics = used > 1;
		run_tasks(d, used);
	}
	int status = report(d, err);
	if (status != VIR0_OK && whole)
		vir0_cpu_zero_outputs(d->program, bindings, whole, 1);
	return status;
}

int vir0_cpu_run_bytecode(const vir0_program *program, const struct vir0_bytecode *bc,
			  const uint32_t groups[3], struct vir0_binding *bindings,
			  uint32_t nbindings, unsigned threads, struct vir0_error *err)
{
	int status = vir0_cpu_check_bytecode(program, bc, err);
	if (status)
		return status;
	/* vir0_cpu_check_dispatch writes every view, plan every offset (or kept them
	 * from the last call). */
	struct vir0_cpu_dispatch d = { .program = program };
	d.views = kept_piece(KEEP_DISPATCH_VIEWS, program->nbuffers * sizeof(*d.views));
	d.workgroup_offsets = kept_piece(KEEP_OFFSETS,
					 program->nbuffers * sizeof(*d.workgroup_offsets));
	uint32_t grid[3];
	if (!d.views || !d.workgroup_offsets)
		status = vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the buffer views");
	else
		status = vir0_cpu_check_dispatch(&d, groups, grid, bindings, nbindings, err);
	if (status == VIR0_OK) {
		if (vir0_cpu_decode_reused(bc, d.views, grid, &d.code))
			status = vir0_error_at(err, VIR0_ENOMEM, 0,
					       "out of memory for %u decoded instructions",
					       bc->ninsns);
		else
			status = plan(&d, grid, err);
		if (status)
			vir0_cpu_zero_outputs(program, bindings, 0, 0);
		else
			status = vir0_cpu_run_checked(&d, bc, bindings, threads, err);
	}
	kept_trim(KEEP_DISPATCH_VIEWS, KEEP_PIECES);
	return status;
}

int vir0_run_cpu(const vir0_program *program, const uint32_t groups[3],
		 struct vir0_binding *bindings, uint32_t nbindings, unsigned threads,
		 struct vir0_error *err)
{
	if (!program)
		return vir0_error_at(err, VIR0_EARG, 0, "program is NULL");
	int status = vir0_validate(program, err);
	if (status)
		return status;
	struct vir0_bytecode *bc = NULL;
	status = vir0_lower(program, &bc, err);
	if (status == VIR0_OK)
		status = vir0_bytecode_verify(bc, err);
	if (status == VIR0_OK)
		status = vir0_cpu_run_bytecode(program, bc, groups, bindings, nbindings, threads,
					       err);
	vir0_bytecode_free(bc);
	return status;
}
