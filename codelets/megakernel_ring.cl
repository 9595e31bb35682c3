/* megakernel_ring.cl - the ring side of the megakernel: slot claims, the
 * built-in opcodes, chunk distribution, the resident loop and the kernel
 * entry point (doc/opencl-engine.md, the protocol in the shared spec).
 * Built after megakernel.cl and megakernel_interp.cl. */

/* ---- slots ----------------------------------------------------------------- */

/* Per-slot words in device memory (the `state` buffer, `state_stride`
 * words per slot). Claims and chunk counters live here and never in the
 * ring: the ring may be host memory (NVIDIA's pinned buffer), where the
 * device's atomics across PCIe are not to be relied on. */
#define SS_CLAIM 0u    /* VALID | generation of the slot's last claim */
#define SS_PROGRESS 1u /* VALID | generation << 24 | next chunk; 0 while rewritten */
#define SS_DONE 2u     /* chunks done */
#define SS_FENCE 3u    /* batch: 1 + the last BATCH_FENCE before the slot, or 0 */
#define SS_SLOT 4u     /* the claimed slot's 16 words */
#define SS_TICKET 20u  /* batch, slot 0's state only: the next slot to take */
#define SS_ACTIVITY 21u /* resident, slot 0's state only: passes of pollers > 0 that found work */
#define SS_DESC 24u    /* its descriptors */
#define VALID 0x80000000u
#define GEN_MASK 0x7Fu
#define GEN_BITS 0xFF000000u /* VALID and the generation of a progress word */
#define NO_CHUNK 0xFFFFFFu
/* Resident ring: the word after the slots and descriptors that the host
 * sets to 1 when it launches the kernel and the kernel clears when it
 * leaves idle, so the host sees without an OpenCL call that it must
 * relaunch. */
#define RING_ALIVE 0u
#define MAX_CHUNKS 0x7FFFFFu
/* Resident ring slots per poller (poll_resident). */
#define POLL_SLOTS 2u
/* Slots at the start of its range that a resident poller's pass reads
 * whole, a word per work-item (poll_read), at most 8 (the words go in
 * l->copy at COPY_POLL); none with fewer work-items than the tenant
 * table, which the pass reads too. */
#define POLL_WHOLE (VIR0_WG < 32u ? 0u : VIR0_WG >= 128u ? 8u : VIR0_WG / 16u)
/* The kernel's `mode` argument. A batch launch whose slots are all of one
 * chunk has nothing to share: no work-group sweeps it for chunks left. */
#define MODE_BATCH 0u
#define MODE_RESIDENT 1u
#define MODE_BATCH_SHARED 2u
/* One RUN_VIR0 slot of one chunk whose words and descriptors come as the
 * kernel's `lone` arguments: no ring buffer to write before the launch,
 * no ticket, no status to store (run_lone). */
#define MODE_LONE 3u
/* The `lone` argument: the slot's words and up to 8 descriptors. */
#define LONE_WORDS 48u
struct lone {
	uint words[LONE_WORDS];
};
/* Past the slot's words and descriptors in `copy`, a batch launch's
 * counts of the work-group's completed slots, DONE_COUNT then the 32
 * metrics (count_done), and next_ticketed's first slot to visit. */
#define COPY_COUNTS (COPY_DESC + 4u * MAX_DESC)
#define COUNT_WORDS 33u
#define COPY_STOP (COPY_COUNTS + COUNT_WORDS)
/* A resident visit reads, in the same round trip as the slot's words
 * (visit_read), the tenant table into the batch's count words, which it
 * does not use (CTRL_TENANTS <= COUNT_WORDS), and the first PRELOAD_DESC
 * words of the slot's descriptor area into COPY_DESC. */
#define COPY_TENANTS COPY_COUNTS
#define PRELOAD_DESC 16u
/* A resident pass's whole slots (poll_read), until its lean ones ran. */
#define COPY_POLL COPY_DESC

/* Everything one launch works with. */
struct launch {
	volatile __global uint *ring; /* slots and descriptors, written by the host */
	uint nslots;
	uint ring_words;
	volatile __global uint *state;
	uint state_stride;
	__global uint *control;
	uint control_words;
	__global const uint *store;
	uint store_words;
	__global uint *scratch;
	uint scratch_words;         /* per work-item */
	__local uchar *wgmem;
	uint wgmem_bytes;
	__local uint *copy;         /* the slot's words and descriptors, then COPY_COUNTS */
	uint persistent;
	/* MODE_BATCH: no work-group helps with another's slot, so a ticket
	 * holder neither claims its slots nor keeps their copies and chunk
	 * counters in the state: nobody reads them. */
	uint alone;
	__global uchar *mems[NMEMS]; /* the memory objects descriptors name */
};

/* The tenant table's word for `tenant` (non-zero: it may run); 0 past
 * the table. */
static uint tenant_word(const struct launch *l, uint tenant)
{
	return tenant < CTRL_TENANTS ? l->control[CTRL_TENANT_BASE + tenant] : 0u;
}

/* Why a slot (its words copied to `slot`, its tenant's word `tenant`)
 * cannot run, a FAULT_* code, or 0. */
static uint slot_fault(const struct launch *l, const uint *slot, uint tenant)
{
	if (tenant == 0u)
		return FAULT_TENANT;
	uint op = slot[1];
	const uint *arg = slot + 4;
	switch (op) {
	case OP_NOP: case OP_SHUTDOWN:
		return 0u;
	case OP_STORE_U32: case OP_ATOMIC_ADD:
		return arg[1] < l->control_words ? 0u : FAULT_BOUNDS;
	case OP_LOAD_U32:
		return arg[0] < l->control_words &&
		       arg[1] < l->control_words - CTRL_OBSERVABLE_BASE ? 0u : FAULT_BOUNDS;
	case OP_COMPARE_SWAP:
		return arg[0] < l->control_words ? 0u : FAULT_BOUNDS;
	case OP_MEMCPY:
		return arg[0] <= l->control_words && arg[2] <= l->control_words - arg[0] &&
		       arg[1] <= l->control_words && arg[2] <= l->control_words - arg[1]
		       ? 0u : FAULT_BOUNDS;
	case OP_RUN_VIR0: {
		uint at = arg[ARG_PROGRAM];
		if (at >= l->store_words || l->store_words - at < PH_BUFFERS)
			return FAULT_PROGRAM;
		__global const uint *prog = l->store + at;
		uint nb = prog[PH_NBUFFERS];
		uint ne = arg[ARG_NE];
		if (ne == 0u || ne > 64u * VIR0_MASK_WORDS || arg[ARG_NCHUNKS] == 0u ||
		    arg[ARG_NCHUNKS] > MAX_CHUNKS || arg[ARG_GENERATION] > GEN_MASK)
			return FAULT_PROGRAM;
		if (arg[ARG_DESC] > l->ring_words || nb > (l->ring_words - arg[ARG_DESC]) / 4u)
			return FAULT_BOUNDS;
		if (nb > MAX_DESC || SS_DESC + 4u * nb > l->state_stride)
			return FAULT_RESOURCES;
		ulong need = (ulong)prog[PH_NREGS] * ne + (ulong)STACK_ENTRY_WORDS * prog[PH_NESTING];
		if (need > l->scratch_words)
			return FAULT_RESOURCES;
		if (arg[ARG_PER_CHUNK] && (ulong)arg[ARG_PER_CHUNK] * arg[ARG_WG_BYTES] > l->wgmem_bytes)
			return FAULT_RESOURCES;
		return 0u;
	}
	default:
		return FAULT_OPCODE;
	}
}

/* The metrics counter of opcode `op`. */
static uint op_metric(uint op)
{
	return op < 8u ? op : op == OP_RUN_VIR0 ? METRIC_RUN_VIR0 : METRIC_SHUTDOWN;
}

/* DONE_COUNT and the opcode's metric in the control words at once. */
static void count_now(const struct launch *l, uint op)
{
	atomic_inc((volatile __global uint *)&l->control[CTRL_DONE_COUNT]);
	atomic_inc((volatile __global uint *)&l->control[CTRL_METRICS_BASE + op_metric(op)]);
}

/* DONE_COUNT and the opcode's metric (protocol step 6). The resident
 * kernel, whose host watches slots complete one by one, adds them at
 * once. A batch launch counts in __local and adds a block's counts to
 * the control words once (flush_counts), instead of two atomics per slot
 * on two words that every work-group contends for: the host reads them
 * when the launch is over. */
static void count_done(const struct launch *l, uint op)
{
	if (l->persistent) {
		count_now(l, op);
	} else {
		atomic_inc(&l->copy[COPY_COUNTS]);
		atomic_inc(&l->copy[COPY_COUNTS + 1u + op_metric(op)]);
	}
}

/* A batch work-group's counts (count_done) added to the control words
 * and cleared. Every work-item. */
static void flush_counts(const struct launch *l)
{
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	for (uint i = get_local_id(0); i < COUNT_WORDS; i += VIR0_WG) {
		uint n = l->copy[COPY_COUNTS + i];
		if (n) {
			l->copy[COPY_COUNTS + i] = 0u;
			atomic_add(&l->control[i ? CTRL_METRICS_BASE + i - 1u : CTRL_DONE_COUNT], n);
		}
	}
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
}

/* Count the slot, then DONE (protocol steps 6 and 7). The status is a
 * plain store after a fence, never an atomic: the ring may be host
 * memory. A device-wide fence even in the resident kernel, whose host
 * reads the status while it runs: a slot's effects and data are all in
 * device memory (control words, the arena), which the host reads by DMA
 * through the device's own memory once it saw DONE. (A system-wide fence
 * there took 1.25 us of a resident NOP slot's 6 on the H200.) */
static void slot_complete(const struct launch *l, volatile __global uint *slot, uint op)
{
	count_done(l, op);
	DEVICE_FENCE();
	slot[0] = ST_DONE;
}

/* The slot ends in FAULT with code `fault`, a word of the ring itself,
 * which the resident kernel's host reads beside the status: there the
 * fence is system-wide. */
static void slot_fail(const struct launch *l, volatile __global uint *slot, uint fault)
{
	slot[4 + ARG_FAULT] = fault;
	if (l->persistent)
		SYSTEM_FENCE();
	else
		DEVICE_FENCE();
	slot[0] = ST_FAULT;
}

/* A built-in opcode with arguments `arg`. */
static void run_builtin(const struct launch *l, const uint *arg, uint op)
{
	volatile __global uint *control = l->control;
	switch (op) {
	case OP_STORE_U32: control[arg[1]] = arg[0]; break;
	case OP_ATOMIC_ADD: atomic_add(&control[arg[1]], arg[0]); break;
	case OP_LOAD_U32: control[CTRL_OBSERVABLE_BASE + arg[1]] = control[arg[0]]; break;
	case OP_COMPARE_SWAP: atomic_cmpxchg(&control[arg[0]], arg[1], arg[2]); break;
	case OP_MEMCPY:
		for (uint i = 0; i < arg[2]; i++)
			control[arg[1] + i] = control[arg[0] + i];
		break;
	case OP_SHUTDOWN: control[CTRL_SHUTDOWN] = 1u; break;
	default: break; /* NOP */
	}
}

/* Wait until every slot before `s` is DONE or FAULT (BATCH_FENCE). The
 * work still open there is held by running work-groups. */
static void wait_before(const struct launch *l, uint s)
{
	if (get_local_id(0) == 0)
		for (uint t = 0; t < s;) {
			uint status = l->ring[t * SLOT_WORDS];
			if (status == ST_DONE || status == ST_FAULT || status == 0u)
				t++;
		}
	DEVICE_FENCE();
	GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
}

/* Chunks a work-group takes per claim: every claim is an atomic on one
 * progress word that all the device's work-groups contend for (a large
 * slot has ~100k chunks), so they take several at once, while leaving ~8
 * claims per work-group to even out the end. */
static uint chunks_per_claim(uint nchunks)
{
	uint per = nchunks / (8u * (uint)get_num_groups(0));
	return per ? per : 1u;
}

/* The first of the next `per` chunks of the slot whose progress word is
 * `progress`, or NO_CHUNK. `want` is VALID | generation << 24: a
 * work-group still holding a recycled slot's old copy never takes a chunk
 * of its new contents. A fetch-and-add, not a CAS loop, which hundreds of
 * work-groups would serialise: it can step past the last chunk by `per`
 * once per work-group that saw one left, at most nchunks / 8 + 2^20 (the
 * most work-groups) past nchunks < 2^23, inside the 24 bits. */
static uint claim_chunks(volatile __global uint *progress, uint want, uint nchunks, uint per)
{
	uint seen = *progress;
	if ((seen & GEN_BITS) != want || (seen & NO_CHUNK) >= nchunks)
		return NO_CHUNK;
	seen = atomic_add(progress, per);
	if ((seen & GEN_BITS) != want || (seen & NO_CHUNK) >= nchunks)
		return NO_CHUNK;
	return seen & NO_CHUNK;
}

/* The claimed slot's copy (state) into __local, when it is the one of
 * generation `want`: the progress word is read before and after (it is
 * 0 while a claimer rewrites the copy), a seqlock. 1 when consistent. */
static int load_copy(const struct launch *l, volatile __global const uint *st, uint want,
		     __local struct shared *sh)
{
	const uint lid = get_local_id(0);
	for (uint i = lid; i < SLOT_WORDS; i += VIR0_WG)
		l->copy[i] = st[SS_SLOT + i];
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	uint at = l->copy[4 + ARG_PROGRAM];
	uint nb = at < l->store_words - PH_BUFFERS ? l->store[at + PH_NBUFFERS] : 0u;
	nb = nb < MAX_DESC ? nb : MAX_DESC;
	for (uint i = lid; i < 4u * nb; i += VIR0_WG)
		l->copy[COPY_DESC + i] = st[SS_DESC + i];
	DEVICE_FENCE();
	uint again = group_share(lid == 0 ? st[SS_PROGRESS] : 0u, sh);
	return (again & GEN_BITS) == want && at < l->store_words - PH_BUFFERS;
}

/* The chunk description of the RUN_VIR0 slot copied to l->copy (words
 * and descriptors); its number of chunks. */
static uint chunk_setup(const struct launch *l, struct chunk *c)
{
	__local const uint *arg = l->copy + 4;
	c->prog = l->store + arg[ARG_PROGRAM];
	uint nb = c->prog[PH_NBUFFERS];
	c->insns = (__global const uint4 *)(c->prog + ((PH_BUFFERS + nb + 3u) & ~3u));
	c->desc = l->copy + COPY_DESC;
	for (uint i = 0; i < 3u; i++) {
		c->groups[i] = arg[ARG_GROUPS + i];
		c->wg[i] = c->prog[PH_WG + i];
	}
	c->lanes_per_wg = c->wg[0] * c->wg[1] * c->wg[2];
	c->ne = arg[ARG_NE];
	c->nregs = c->prog[PH_NREGS];
	c->wg_bytes = arg[ARG_WG_BYTES];
	c->fresh = l->persistent;
	uint per_chunk = arg[ARG_PER_CHUNK];
	c->chunk_lanes = per_chunk ? per_chunk * c->lanes_per_wg : c->ne * VIR0_WG;
	c->total = (ulong)c->groups[0] * c->groups[1] * c->groups[2] * c->lanes_per_wg;
	return arg[ARG_NCHUNKS];
}

/* Run chunk `chunk` of the slot described by `c` over this work-group. */
static void run_one(const struct launch *l, struct chunk *c, uint chunk,
		    __local struct shared *sh, uint *turn)
{
	const uint lid = get_local_id(0);
	uint per_chunk = l->copy[4 + ARG_PER_CHUNK];
	__global uint *regs = l->scratch + get_group_id(0) * l->scratch_words * VIR0_WG + lid;
	c->first = (ulong)chunk * c->chunk_lanes;
	if (per_chunk && c->wg_bytes) {
		uint words = per_chunk * c->wg_bytes / 4u;
		for (uint i = lid; i < words; i += VIR0_WG)
			((__local uint *)l->wgmem)[i] = 0u;
		GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	}
	run_chunk(c, regs, l->mems, l->wgmem, sh, turn);
	/* Every work-item's writes first, then the count that may complete
	 * the slot. */
	GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
}

/* Take chunks of a claimed RUN_VIR0 slot (generation in `marker`) until
 * none is left; `mine` is a chunk the caller, its claimer, already took
 * (its copy is in l->copy), or NO_CHUNK; `alone` (runs_alone): `mine` is
 * the slot's one chunk, shared with nobody. The interpreter is inlined
 * here only: a second call site doubled the kernel for the compilers. */
static void help_slot(const struct launch *l, uint s, uint marker, __local struct shared *sh,
		      uint *turn, uint mine, int alone)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *st = l->state + s * l->state_stride;
	const uint lid = get_local_id(0);
	const uint want = VALID | (marker & GEN_MASK) << 24;
	/* The claimer is copying the slot: wait for its progress word, or
	 * leave when the slot has moved on. */
	uint ready = mine != NO_CHUNK;
	if (lid == 0 && !ready)
		for (;;) {
			uint p = st[SS_PROGRESS];
			if ((p & GEN_BITS) == want) {
				ready = (p & NO_CHUNK) != NO_CHUNK;
				break;
			}
			if (st[SS_CLAIM] != marker || slot[0] != ST_PUBLISHED)
				break;
		}
	DEVICE_FENCE();
	if (!group_share(ready, sh) || (mine == NO_CHUNK && !load_copy(l, st, want, sh)))
		return;
	struct chunk c;
	uint nchunks = chunk_setup(l, &c);
	const uint per = chunks_per_claim(nchunks);
	for (;; mine = NO_CHUNK) {
		uint first = mine != NO_CHUNK ? mine
			     : group_share(lid == 0 ? claim_chunks(&st[SS_PROGRESS], want, nchunks, per)
					   : 0u, sh);
		if (first >= nchunks)
			return;
		uint end = mine != NO_CHUNK ? first + 1u : min(first + per, nchunks);
		for (uint chunk = first; chunk < end; chunk++)
			run_one(l, &c, chunk, sh, turn);
		if (lid == 0) {
			DEVICE_FENCE();
			/* Alone, or the slot's one chunk: no other chunk to count. */
			if (alone || nchunks == 1u ||
			    atomic_add(&st[SS_DONE], end - first) + (end - first) == nchunks)
				slot_complete(l, slot, OP_RUN_VIR0);
		}
		/* Alone, the slot's one chunk was `mine`. */
		if (alone)
			return;
	}
}

/* Zero the output bindings of the RUN_VIR0 slot copied to l->copy
 * (fmt §9.1), nb buffers: the host asks for it (ARG_ZERO) instead of a
 * fill command per output, which on PoCL costs more than the launch
 * itself. The claimer does it before its chunks open; every work-item
 * fences its own stores before the barrier that precedes the opening. */
static void zero_outputs(const struct launch *l, uint nb)
{
	const uint lid = get_local_id(0);
	__global const uint *prog = l->store + l->copy[4 + ARG_PROGRAM];
	for (uint b = 0; b < nb; b++) {
		uint info = prog[PH_BUFFERS + b];
		__local const uint *d = l->copy + COPY_DESC + 4u * b;
		if (!(info >> 16 & 1u) || d[0] >= NMEMS)
			continue;
		uint element = info & 0xFFu;
		ulong bytes = (ulong)d[3] * (element == VIR0_TYPE_U8 || element == VIR0_TYPE_I8 ||
					     element == VIR0_TYPE_BYTES ? 1u
					     : element == VIR0_TYPE_U16 || element == VIR0_TYPE_I16 ? 2u
					     : 4u);
		__global uchar *base = l->mems[d[0]] + ((ulong)d[1] | (ulong)d[2] << 32);
		if (((ulong)base | bytes) % 4u == 0u) {
			for (ulong i = lid; i < bytes / 4u; i += VIR0_WG)
				((__global uint *)base)[i] = 0u;
		} else {
			for (ulong i = lid; i < bytes; i += VIR0_WG)
				base[i] = 0u;
		}
	}
	DEVICE_FENCE();
}

/* Resident: the start of slot `s`'s descriptor area, where the host puts
 * its descriptors (cl_persistent.c: after the slots, an equal share per
 * slot). */
static uint desc_area(const struct launch *l, uint s)
{
	return l->nslots * SLOT_WORDS + s * ((l->ring_words - l->nslots * SLOT_WORDS) / l->nslots);
}

/* Protocol steps 5-7 for a built-in slot whose words are `w` and whose
 * fault (slot_fault) is `fault`, by one work-item: FAULT, or run it,
 * count it and DONE. */
static void finish_builtin(const struct launch *l, volatile __global uint *slot, const uint *w,
			   uint fault)
{
	if (fault) {
		slot_fail(l, slot, fault);
		return;
	}
	run_builtin(l, w + 4, w[1]);
	slot_complete(l, slot, w[1]);
}

/* 1 when the work-group that visits the slot whose words are `slot` runs
 * it alone: every slot of MODE_BATCH (its ticket made it ours), and in
 * the resident kernel a built-in other than BATCH_FENCE or a RUN_VIR0
 * slot of one chunk: no other work-group visits a slot of a poller's
 * range (poll_resident), and helpers only take chunks a claimer opened in
 * the state. Such a slot needs no CAS on its claim, no copy in the
 * state, no chunk counters. */
static int runs_alone(const struct launch *l, __local const uint *slot)
{
	return l->alone || (l->persistent && slot[1] != OP_BATCH_FENCE &&
			    (slot[1] != OP_RUN_VIR0 || slot[4 + ARG_NCHUNKS] == 1u));
}

/* Slot `s` was claimed by this work-group (generation in `marker`), its
 * words in l->copy (visit_slot): copy them and its descriptors into the
 * state (unless it runs alone), then fault it, run a built-in, or open
 * its chunks to every work-group. */
static void claim_slot(const struct launch *l, uint s, uint marker, __local struct shared *sh,
		       uint *turn)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *st = l->state + s * l->state_stride;
	const uint lid = get_local_id(0);
	const uint want = VALID | (marker & GEN_MASK) << 24;
	const int alone = runs_alone(l, l->copy);
	if (lid == 0 && !alone) {
		st[SS_PROGRESS] = 0u;
		DEVICE_FENCE();
	}
	GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
	for (uint i = lid; i < SLOT_WORDS && !alone; i += VIR0_WG)
		st[SS_SLOT + i] = l->copy[i];
	uint op = l->copy[1];
	uint fault = 0u, nb = 0u, w[SLOT_WORDS];
	if (lid == 0) {
		for (uint i = 0; i < SLOT_WORDS; i++)
			w[i] = l->copy[i];
		fault = slot_fault(l, w, tenant_word(l, w[2]));
		nb = !fault && op == OP_RUN_VIR0 ? l->store[l->copy[4 + ARG_PROGRAM] + PH_NBUFFERS]
					       : 0u;
		sh->word[1] = fault;
		sh->word[2] = nb;
	}
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	fault = sh->word[1];
	nb = sh->word[2];
	uint desc = l->copy[4 + ARG_DESC];
	/* A resident visit read the first descriptors with the slot. */
	const int read = !l->persistent || desc != desc_area(l, s) || 4u * nb > PRELOAD_DESC;
	for (uint i = lid; i < 4u * nb; i += VIR0_WG) {
		uint w = read ? l->ring[desc + i] : l->copy[COPY_DESC + i];
		l->copy[COPY_DESC + i] = w;
		if (!alone)
			st[SS_DESC + i] = w;
	}
	GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
	int runs = !fault && op == OP_RUN_VIR0;
	if (runs && l->copy[4 + ARG_ZERO]) {
		zero_outputs(l, nb);
		GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE);
	}
	/* A slot of one chunk is run by its claimer alone: in a batch, tiny
	 * slots run side by side, one per work-group, instead of every
	 * work-group taking turns on each; in the resident kernel the poller
	 * that claimed it runs it at once, without copying it back from the
	 * state or racing every helper for its one chunk. */
	int solo = runs && l->copy[4 + ARG_NCHUNKS] == 1u;
	if (lid == 0) {
		DEVICE_FENCE();
		if (runs && !alone) {
			/* A solo slot's one chunk is taken already: 1. */
			st[SS_DONE] = 0u;
			DEVICE_FENCE();
			atomic_xchg(&st[SS_PROGRESS], want | (solo ? 1u : 0u));
		} else if (!runs) {
			/* Nothing to help with: waiting helpers leave. */
			if (!alone)
				atomic_xchg(&st[SS_PROGRESS], want | NO_CHUNK);
			finish_builtin(l, slot, w, fault);
		}
	}
	if (runs)
		help_slot(l, s, marker, sh, turn, solo ? 0u : NO_CHUNK, alone);
}

enum { ACT_NONE, ACT_CLAIM, ACT_HELP, ACT_FENCE, ACT_LEAN };

/* Slot `s`'s words into l->copy, one per work-item: one round trip where
 * the ring is host memory. A resident visit reads in the same round trip
 * the tenant table (COPY_TENANTS) and the first PRELOAD_DESC words of the
 * slot's descriptor area (COPY_DESC), so that neither a built-in's tenant
 * check nor a small RUN_VIR0 slot's descriptors wait for a read of their
 * own; claim_slot uses the descriptors only if ARG_DESC names that area.
 * Called after the fence that follows the status seen PUBLISHED: the host
 * wrote all of them before it. One load per work-item from a chosen
 * address, not a load in each branch: a warp runs the branches in turn,
 * and each branch's store waited for its load, two round trips to host
 * memory in a row (3 us of a resident slot's visit on the H200). */
static void visit_read(const struct launch *l, uint s)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *control = l->control;
	const uint desc = desc_area(l, s) - SLOT_WORDS, tenants = SLOT_WORDS + PRELOAD_DESC;
	const uint words = l->persistent ? tenants + CTRL_TENANTS : SLOT_WORDS;
	for (uint i = get_local_id(0); i < words; i += VIR0_WG) {
		volatile __global uint *from = i < SLOT_WORDS ? slot + i
					       : i >= tenants ? control + CTRL_TENANT_BASE + i - tenants
					       : desc + i < l->ring_words ? l->ring + desc + i : NULL;
		uint w = from ? *from : 0u;
		l->copy[i < SLOT_WORDS ? i : i < tenants ? COPY_DESC + i - SLOT_WORDS
			: COPY_TENANTS + i - tenants] = w;
	}
}

/* Protocol steps 2-7 for slot `s`; 1 when the slot had work for us. The
 * slot's words are read at once (visit_read). They are consistent: a
 * batch's ring is written before the launch, and a resident poller reads
 * them after it saw the status PUBLISHED, which the host writes after
 * every other word and never changes again until the slot is DONE, which
 * needs this visit. The claim is a CAS on the slot's state word in device
 * memory, keyed by the generation; its old value is read beside the
 * slot's words, so their latencies overlap (the CAS checks it anyway).
 * A resident slot that runs alone (runs_alone) is claimed by a plain
 * store, and a built-in one then runs at once by work-item 0 (ACT_LEAN). */
static int visit_slot(const struct launch *l, uint s, __local struct shared *sh, uint *turn)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *st = l->state + s * l->state_stride;
	uint act = ACT_NONE, marker = 0u, claim = 0u;
	DEVICE_FENCE();
	/* Alone, the ticket made the slot ours, its state still 0. */
	if (get_local_id(0) == 0 && !l->alone)
		claim = st[SS_CLAIM];
	visit_read(l, s);
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	if (get_local_id(0) == 0 && l->copy[0] == ST_PUBLISHED) {
		uint op = l->copy[1];
		marker = VALID | (l->copy[4 + ARG_GENERATION] & GEN_MASK);
		act = ACT_HELP;
		if (claim != marker) {
			if (op == OP_BATCH_FENCE) {
				act = ACT_FENCE;
			} else if (l->alone) {
				act = ACT_CLAIM;
			} else if (runs_alone(l, l->copy)) {
				/* The generation's claim, for a later visit (a
				 * slot 128 publishes on must not find it). */
				st[SS_CLAIM] = marker;
				act = op == OP_RUN_VIR0 ? ACT_CLAIM : ACT_LEAN;
			} else if (atomic_cmpxchg(&st[SS_CLAIM], claim, marker) == claim) {
				act = ACT_CLAIM;
			}
		}
		if (act == ACT_LEAN) {
			uint w[SLOT_WORDS];
			for (uint i = 0; i < SLOT_WORDS; i++)
				w[i] = l->copy[i];
			uint tenant = w[2] < CTRL_TENANTS ? l->copy[COPY_TENANTS + w[2]] : 0u;
			finish_builtin(l, slot, w, slot_fault(l, w, tenant));
		}
		sh->word[1] = marker;
	}
	act = group_share(act, sh);
	marker = sh->word[1];
	if (act == ACT_CLAIM)
		claim_slot(l, s, marker, sh, turn);
	if (act == ACT_HELP)
		help_slot(l, s, marker, sh, turn, NO_CHUNK, 0);
	if (act == ACT_FENCE) {
		wait_before(l, s);
		if (get_local_id(0) == 0 && atomic_cmpxchg(&st[SS_CLAIM], claim, marker) == claim) {
			atomic_xchg(&st[SS_PROGRESS], VALID | (marker & GEN_MASK) << 24 | NO_CHUNK);
			slot_complete(l, slot, OP_BATCH_FENCE);
		}
	}
	return act != ACT_NONE;
}

/* The reads a resident poller's pass issues together, so that their
 * latencies overlap (one round trip to host memory a pass): the slots of
 * [first, end), at most POLL_WHOLE, whole into COPY_POLL (a word per
 * work-item), each slot's claim word by the work-item that reads its
 * status (*claim), the tenant table into COPY_TENANTS and, by work-item
 * 0, SHUTDOWN (*stop) and for poller 0 the activity count (*now). Every
 * load comes before the first use of a loaded value, which waits for it. */
static void poll_read(const struct launch *l, uint g, uint first, uint end, uint *claim,
		      uint *stop, uint *now)
{
	volatile __global uint *control = l->control;
	const uint lid = get_local_id(0), s = first + lid / SLOT_WORDS;
	const int whole = lid < POLL_WHOLE * SLOT_WORDS && s < end;
	const int tenants = POLL_WHOLE && lid < CTRL_TENANTS;
	uint word = whole ? l->ring[first * SLOT_WORDS + lid] : 0u;
	*claim = whole && lid % SLOT_WORDS == 0u ? l->state[s * l->state_stride + SS_CLAIM] : 0u;
	uint tenant = tenants ? control[CTRL_TENANT_BASE + lid] : 0u;
	*stop = lid == 0u ? control[CTRL_SHUTDOWN] : 0u;
	*now = lid == 0u && g == 0u ? l->state[SS_ACTIVITY] : 0u;
	if (whole)
		l->copy[COPY_POLL + lid] = word;
	if (tenants)
		l->copy[COPY_TENANTS + lid] = tenant;
}

/* Run the lean slots of a pass's whole slots (poll_read): PUBLISHED
 * built-ins other than BATCH_FENCE (they run alone, runs_alone) of a
 * generation not claimed yet. The work-item that read a slot's status
 * runs it from the words read with it: no visit, whose read of the slot
 * after its status is one more round trip. The host writes the status
 * after every other word (cl_persistent.c, publish_marks), and the load
 * that read it read the slot's 64-byte line, whose 32-byte halves are
 * each one request to host memory: the op, tenant and arguments 0-3,
 * all that a built-in uses, were read with the status and are the
 * published ones. The generation, in the other half, was written before
 * the status too; one that reads as the last claim's is stale, and the
 * slot is left to a visit. Runs mark their slots not PUBLISHED in
 * COPY_POLL, so that visits are left the others. 1 when one ran. */
static int run_polled(const struct launch *l, uint first, uint end, uint claim,
		      __local struct shared *sh, uint *turn)
{
	const uint lid = get_local_id(0), s = first + lid / SLOT_WORDS;
	__local uint *polled = l->copy + COPY_POLL + lid;
	int lean = 0;
	if (lid % SLOT_WORDS == 0u && lid < POLL_WHOLE * SLOT_WORDS && s < end &&
	    polled[0] == ST_PUBLISHED) {
		uint w[SLOT_WORDS];
		for (uint i = 0; i < SLOT_WORDS; i++)
			w[i] = polled[i];
		uint marker = VALID | (w[4 + ARG_GENERATION] & GEN_MASK);
		lean = claim != marker && w[1] != OP_RUN_VIR0 && w[1] != OP_BATCH_FENCE;
		if (lean) {
			/* The generation's claim, as visit_slot stores it. */
			l->state[s * l->state_stride + SS_CLAIM] = marker;
			uint tenant = w[2] < CTRL_TENANTS ? l->copy[COPY_TENANTS + w[2]] : 0u;
			finish_builtin(l, l->ring + s * SLOT_WORDS, w, slot_fault(l, w, tenant));
			polled[0] = 0u;
		}
	}
	return group_any(lean, sh, turn);
}

/* 1 in the work-item that polls a slot of [first, end) seen PUBLISHED,
 * end - first <= VIR0_WG: one read per work-item polls them all at once
 * (host memory on NVIDIA: one PCIe round trip). */
static int published(const struct launch *l, uint first, uint end)
{
	uint s = first + get_local_id(0);
	return s < end && l->ring[s * SLOT_WORDS] == ST_PUBLISHED;
}

/* Visit the slots of [first, end) that published() saw PUBLISHED (`mine`)
 * and only those, each visit being a few more round trips: visiting the
 * whole block made every pass of a 64-slot ring cost ~100 us on the H100,
 * the latency of one slot. The bit mask goes through l->copy, which the
 * visits overwrite only after every work-item has its own copy. 1 when
 * one had work. */
#define SEEN_WORDS ((VIR0_WG + 31u) / 32u)
static int visit_published(const struct launch *l, uint first, int mine,
			   __local struct shared *sh, uint *turn)
{
	const uint lid = get_local_id(0);
	if (!group_any(mine, sh, turn))
		return 0;
	for (uint i = lid; i < SEEN_WORDS; i += VIR0_WG)
		l->copy[i] = 0u;
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	if (mine)
		atomic_or(&l->copy[lid / 32u], 1u << (lid % 32u));
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	uint seen[SEEN_WORDS];
	for (uint i = 0; i < SEEN_WORDS; i++)
		seen[i] = l->copy[i];
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	int found = 0;
	for (uint i = 0; i < SEEN_WORDS; i++)
		for (uint bits = seen[i]; bits; bits &= bits - 1u)
			found |= visit_slot(l, first + i * 32u + 31u - clz(bits & (0u - bits)), sh, turn);
	return found;
}

/* A resident kernel's helpers (the work-groups after the pollers): take
 * chunks of any slot whose chunks are open in the state (device memory:
 * the ring is left to the pollers) until SHUTDOWN. */
static void help_resident(const struct launch *l, __local struct shared *sh, uint *turn)
{
	volatile __global uint *control = l->control;
	while (!group_share(get_local_id(0) == 0 ? control[CTRL_SHUTDOWN] : 0u, sh))
		for (uint first = 0; first < l->nslots; first += VIR0_WG) {
			uint s = first + get_local_id(0), p = 0u;
			if (s < l->nslots) {
				volatile __global uint *st = l->state + s * l->state_stride;
				p = st[SS_PROGRESS];
				if (!(p & VALID) || (p & NO_CHUNK) >= st[SS_SLOT + 4 + ARG_NCHUNKS])
					p = 0u;
			}
			if (!group_any(p != 0u, sh, turn))
				continue;
			for (uint t = first; t < first + VIR0_WG && t < l->nslots; t++) {
				volatile __global uint *st = l->state + t * l->state_stride;
				uint want = group_share(get_local_id(0) == 0 ? st[SS_PROGRESS] : 0u, sh);
				if (want & VALID)
					help_slot(l, t, VALID | (want >> 24 & GEN_MASK), sh, turn,
						  NO_CHUNK, 0);
			}
		}
}

/* 1 when slot `s` of a batch has chunks left to share; a slot whose
 * claimer is still copying it (progress 0) is waited for: every slot has
 * a running claimer once the tickets are gone. Work-item 0. */
static int slot_open(const struct launch *l, uint s, int wait)
{
	volatile __global uint *st = l->state + s * l->state_stride;
	uint p;
	do
		p = st[SS_PROGRESS];
	while (wait && p == 0u && l->ring[s * SLOT_WORDS] == ST_PUBLISHED);
	return l->ring[s * SLOT_WORDS] == ST_PUBLISHED &&
	       (p == 0u || ((p & NO_CHUNK) != NO_CHUNK &&
			    (p & NO_CHUNK) < st[SS_SLOT + 4 + ARG_NCHUNKS]));
}

/* The first slot from `from` on with chunks left, or nslots: a block of
 * VIR0_WG slots at a time, one read per work-item. */
static uint next_open(const struct launch *l, uint from, __local struct shared *sh,
		      uint *turn)
{
	const uint lid = get_local_id(0);
	for (; from < l->nslots; from += VIR0_WG) {
		uint s = from + lid;
		if (!group_any(s < l->nslots && slot_open(l, s, 0), sh, turn))
			continue;
		for (uint t = from; t < from + VIR0_WG && t < l->nslots; t++) {
			uint open = lid == 0 ? slot_open(l, t, 1) : 0u;
			DEVICE_FENCE();
			if (group_share(open, sh))
				return t;
		}
	}
	return l->nslots;
}

/* Wait until the BATCH_FENCE before slot `s` of a batch, if any, is
 * done: the host wrote which one into the state. */
static void wait_fence(const struct launch *l, uint s)
{
	uint fence = l->state[s * l->state_stride + SS_FENCE];
	if (fence)
		for (uint status = 0u; status != ST_DONE && status != ST_FAULT;)
			status = l->ring[(fence - 1u) * SLOT_WORDS];
	DEVICE_FENCE();
}

/* 1 when slot `s` of a batch is lean: a built-in other than BATCH_FENCE
 * (or not PUBLISHED: nothing to do), which one work-item runs on its
 * own (run_lean), with no claim and no state. Its ticket makes it ours;
 * a sweeping work-group only ever helps slots whose chunks are open. */
static int slot_lean(const struct launch *l, uint s)
{
	volatile __global const uint *slot = l->ring + s * SLOT_WORDS;
	return slot[0] != ST_PUBLISHED || (slot[1] != OP_RUN_VIR0 && slot[1] != OP_BATCH_FENCE);
}

/* Protocol steps 3-7 for the lean slot `s`, by one work-item. */
static void run_lean(const struct launch *l, uint s)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	uint w[SLOT_WORDS];
	for (uint i = 0; i < SLOT_WORDS; i++)
		w[i] = slot[i];
	if (w[0] != ST_PUBLISHED)
		return;
	wait_fence(l, s);
	finish_builtin(l, slot, w, slot_fault(l, w, tenant_word(l, w[2])));
}

/* Slots a work-group takes per ticket: every ticket is an atomic on one
 * word that all the work-groups contend for, so each takes a block of
 * them, while leaving ~4 blocks per work-group to even out the end. */
static uint slots_per_ticket(uint nslots)
{
	uint per = nslots / (4u * (uint)get_num_groups(0));
	return per ? per : 1u;
}

/* The next slot of this work-group's tickets that the whole work-group
 * visits (RUN_VIR0, BATCH_FENCE), after its fence; nslots when the
 * tickets are gone. [*at, *end) is what is left of the block of the last
 * ticket. The lean slots on the way run one per work-item, side by side,
 * a window of VIR0_WG at a time up to the first slot to visit: in slot
 * order, so that a BATCH_FENCE of the block is done before the slots
 * after it wait for it. The block's counts are added when it is over. */
static uint next_ticketed(const struct launch *l, uint *at, uint *end,
			  __local struct shared *sh)
{
	const uint lid = get_local_id(0);
	__local uint *stop = l->copy + COPY_STOP;
	for (;;) {
		if (*at >= *end) {
			flush_counts(l);
			uint per = slots_per_ticket(l->nslots);
			*at = group_share(lid == 0 ? atomic_add(&l->state[SS_TICKET], per) : 0u, sh);
			if (*at >= l->nslots)
				return l->nslots;
			*end = min(*at + per, l->nslots);
		}
		uint window = min(*at + VIR0_WG, *end), t = *at + lid;
		if (lid == 0)
			*stop = window;
		GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
		if (t < window && !slot_lean(l, t))
			atomic_min(stop, t);
		GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
		uint visit = *stop;
		GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
		if (t < visit)
			run_lean(l, t);
		*at = visit < window ? visit + 1u : window;
		if (visit < window) {
			if (lid == 0)
				wait_fence(l, visit);
			GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
			return visit;
		}
	}
}

/* A batch launch: each work-group takes blocks of slots from a ticket
 * counter (slot 0's state) instead of visiting every slot, so 100k tiny
 * slots cost one visit each, and lean ones less. With MODE_BATCH_SHARED,
 * when the tickets are gone the work-group sweeps the slots once, helping
 * those with chunks left. One visit_slot call site: the interpreter is
 * inlined into it. */
static void run_batch(const struct launch *l, uint mode, __local struct shared *sh, uint *turn)
{
	uint at = 0u, end = 0u;
	int tickets = 1;
	for (uint s = 0u;; s++) {
		if (tickets) {
			s = next_ticketed(l, &at, &end, sh);
			tickets = s < l->nslots;
			if (!tickets && mode != MODE_BATCH_SHARED)
				break;
			s = tickets ? s : 0u; /* the sweep starts at slot 0 */
		}
		if (!tickets) {
			s = next_open(l, s, sh, turn);
			if (s >= l->nslots)
				break;
		}
		visit_slot(l, s, sh, turn);
	}
	/* Chunks completed slots in the sweep. */
	flush_counts(l);
}

/* A lone launch (MODE_LONE): the slot's words and descriptors are the
 * `lone` argument (`words`), not a ring in device memory, so the host
 * enqueues the launch alone, without a write of the ring before it (on
 * the H200 that write was ~5 us of host time and a command of its own
 * before each task's kernel). One work-group runs the one chunk. Nothing
 * reads a status back: a slot the checks refuse (the host's encoding
 * refuses the same, so it does not happen) does not run. */
static void run_lone(const struct launch *l, const uint *words, __local struct shared *sh,
		     uint *turn)
{
	const uint lid = get_local_id(0);
	if (lid == 0) {
		uint fault = l->ring_words > LONE_WORDS ? FAULT_BOUNDS
			     : words[1] != OP_RUN_VIR0 || words[4 + ARG_NCHUNKS] != 1u ? FAULT_OPCODE
			     : slot_fault(l, words, tenant_word(l, words[2]));
		uint nb = fault ? 0u : l->store[words[4 + ARG_PROGRAM] + PH_NBUFFERS];
		for (uint i = 0; i < SLOT_WORDS; i++)
			l->copy[i] = words[i];
		for (uint i = 0; i < 4u * nb; i++)
			l->copy[COPY_DESC + i] = words[words[4 + ARG_DESC] + i];
		sh->word[1] = fault;
		sh->word[2] = nb;
	}
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	if (sh->word[1])
		return;
	if (l->copy[4 + ARG_ZERO]) {
		zero_outputs(l, sh->word[2]);
		GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE);
	}
	struct chunk c;
	chunk_setup(l, &c);
	run_one(l, &c, 0u, sh, turn);
	if (lid == 0)
		count_now(l, OP_RUN_VIR0);
}

/* The device clock where there is one (NVIDIA: PTX %globaltimer, in ns),
 * for the resident kernel's idle exit: it must leave within ~50 us of
 * finding nothing, however long a pass of the ring takes. Elsewhere the
 * exit counts passes only. */
#ifdef VIR0_PTX_FENCES
#define IDLE_NS 50000ul
static ulong device_ns(void)
{
	ulong t;
	asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
	return t;
}
#endif

/* 1 when poller 0 has been idle long enough to leave: more than
 * `idle_spins` passes, and on NVIDIA at least IDLE_NS since the pass that
 * last found work (`since`). Work-item 0, whose clock decides for the
 * work-group. */
static int idle_over(uint idle, uint idle_spins, ulong *since)
{
#ifdef VIR0_PTX_FENCES
	ulong now = device_ns();
	if (idle == 0u)
		*since = now;
	return idle > idle_spins && now - *since >= IDLE_NS;
#else
	(void)since;
	return idle > idle_spins;
#endif
}

/* What a resident poller's pass starts with (poll_resident). */
enum { POLL_ON, POLL_SHUTDOWN, POLL_IDLE };

/* A resident poller: work-group g of `pollers` polls its own range of
 * the ring, so claims and built-ins of different ranges run side by side
 * instead of one claimer taking every slot in turn. A pass issues its
 * reads together (poll_read; with fewer than 32 work-items, the statuses
 * of its first block of slots), one round trip to host memory, runs the
 * lean slots it read whole (run_polled) and visits the other PUBLISHED
 * ones; work-item 0 shares what to do in one word.
 * Poller 0 alone decides the idle exit: a pass is idle when the one
 * before found nothing and no other poller counted work (SS_ACTIVITY)
 * since. Then it sets SHUTDOWN, every work-group leaves, and the host
 * relaunches the kernel when it next publishes. */
static void poll_resident(const struct launch *l, uint g, uint pollers, uint idle_spins,
			  __local struct shared *sh, uint *turn)
{
	volatile __global uint *shutdown = &l->control[CTRL_SHUTDOWN];
	volatile __global uint *activity = &l->state[SS_ACTIVITY];
	const uint lid = get_local_id(0);
	uint per = (l->nslots + pollers - 1u) / pollers;
	uint first = g * per, end = min(first + per, l->nslots);
	uint seen = 0u, idle = 0u;
	int found = 1;
	ulong since = 0;
	for (;;) {
		uint stop, now, claim;
		int mine = !POLL_WHOLE && published(l, first, min(first + VIR0_WG, end));
		poll_read(l, g, first, end, &claim, &stop, &now);
		uint what = stop ? POLL_SHUTDOWN : POLL_ON;
		if (lid == 0 && g == 0u) {
			idle = found || now != seen ? 0u : idle + 1u;
			seen = now;
			what = idle_over(idle, idle_spins, &since) ? POLL_IDLE : what;
		}
		what = group_share(what, sh);
		if (what == POLL_IDLE)
			break;
		if (what == POLL_SHUTDOWN)
			return;
		int ran = 0;
		if (POLL_WHOLE) {
			ran = run_polled(l, first, end, claim, sh, turn);
			mine = lid < POLL_WHOLE && first + lid < end &&
			       l->copy[COPY_POLL + lid * SLOT_WORDS] == ST_PUBLISHED;
		}
		found = ran | visit_published(l, first, mine, sh, turn);
		for (uint at = first + (POLL_WHOLE ? POLL_WHOLE : VIR0_WG); at < end; at += VIR0_WG)
			found |= visit_published(l, at, published(l, at, min(at + VIR0_WG, end)),
						 sh, turn);
		if (g != 0u && found && lid == 0)
			atomic_inc(activity);
	}
	/* SHUTDOWN for the others, then the ring's ALIVE word for the host. */
	if (lid == 0) {
		atomic_xchg(shutdown, 1u);
		SYSTEM_FENCE();
		l->ring[l->ring_words + RING_ALIVE] = 0u;
	}
}

/* The megakernel. Batch (mode MODE_BATCH or MODE_BATCH_SHARED): each
 * work-group takes slots by tickets (run_batch) and returns. Lone
 * (MODE_LONE): one slot from the `lone` arguments (run_lone). Resident
 * (MODE_RESIDENT): the first
 * work-groups poll disjoint ranges of the ring (host memory on NVIDIA:
 * one read per slot per pass), claim and copy slots and run built-ins;
 * the others take chunks from the state. After `idle_spins` idle passes
 * (and IDLE_NS on NVIDIA) poller 0 sets SHUTDOWN and every work-group
 * leaves, so the kernel never holds the device long when idle; the host
 * clears SHUTDOWN when it launches the kernel again. */
__kernel void vir0_megakernel(__global uint *ring, uint nslots, uint ring_words,
			      __global uint *state, uint state_at, uint state_stride,
			      __global uint *control, uint control_words,
			      __global const uint *store, uint store_words,
			      __global uint *scratch, uint scratch_words,
			      __local uchar *wgmem, uint wgmem_bytes, __local uint *copy,
			      uint mode, uint idle_spins,
			      __global uchar *m0, __global uchar *m1, __global uchar *m2,
			      __global uchar *m3, __global uchar *m4, __global uchar *m5,
			      __global uchar *m6, __global uchar *m7, struct lone lone)
{
	__local struct shared sh;
	uint turn = 0;
	struct launch l;
	l.ring = ring;
	l.nslots = nslots;
	l.ring_words = ring_words;
	l.state = state + state_at;
	l.state_stride = state_stride;
	l.control = control;
	l.control_words = control_words;
	l.store = store;
	l.store_words = store_words;
	l.scratch = scratch;
	l.scratch_words = scratch_words;
	l.wgmem = wgmem;
	l.wgmem_bytes = wgmem_bytes;
	l.copy = copy;
	l.persistent = mode == MODE_RESIDENT;
	l.alone = mode == MODE_BATCH;
	l.mems[0] = m0; l.mems[1] = m1; l.mems[2] = m2; l.mems[3] = m3;
	l.mems[4] = m4; l.mems[5] = m5; l.mems[6] = m6; l.mems[7] = m7;
	if (get_local_id(0) == 0)
		sh.any[0] = sh.any[1] = sh.any[2] = 0u;
	for (uint i = get_local_id(0); i < COUNT_WORDS; i += VIR0_WG)
		copy[COPY_COUNTS + i] = 0u;
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	if (mode == MODE_LONE) {
		run_lone(&l, lone.words, &sh, &turn);
		return;
	}
	if (!l.persistent) {
		run_batch(&l, mode, &sh, &turn);
		return;
	}
	/* Pollers: one per POLL_SLOTS slots, at most half the work-groups
	 * (the rest help with chunks), at least one. */
	uint pollers = min((nslots + POLL_SLOTS - 1u) / POLL_SLOTS, (uint)get_num_groups(0) / 2u);
	pollers = max(pollers, 1u);
	if (get_group_id(0) < pollers)
		poll_resident(&l, (uint)get_group_id(0), pollers, idle_spins, &sh, &turn);
	else
		help_resident(&l, &sh, &turn);
}
