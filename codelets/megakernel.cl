/* megakernel.cl - the resident VIR0 interpreter: one OpenCL program per
 * device, independent of the VIR0 program it runs. The host prepends
 * codelets/vir0_ops.cl (the value semantics) and defines VIR0_WG, the
 * work-group size, at build time. doc/opencl-engine.md describes the ring,
 * the slot layout, the descriptors and the mapping of VIR0 workgroups to
 * OpenCL work-groups; doc/bytecode.md the instructions decoded here.
 *
 * OpenCL C 1.2 only (NVIDIA): 1.x atomics, volatile, mem_fence.
 *
 * Work-groups drain the ring: a slot is claimed by CAS, and every
 * work-group then helps with a claimed RUN_VIR0 slot by taking chunks of
 * its lanes from an atomic counter (grid-stride over the grid, sized by
 * work-groups per device). A chunk is VIR0_WG work-items x `ne` elements:
 * each work-item runs each instruction over its ne lanes under a lane
 * mask, and the instruction fetch is uniform across the work-group
 * (doc/bytecode.md §7.2, one block = one work-group). A program with
 * barriers or Workgroup memory runs whole VIR0 workgroups per chunk, so a
 * VIR0 barrier is an OpenCL barrier and Workgroup buffers live in __local
 * memory, one copy per VIR0 workgroup of the chunk. */
#pragma OPENCL FP_CONTRACT OFF

#if !defined(VIR0_WG) || !defined(VIR0_MASK_WORDS)
#error "build with -DVIR0_WG=<work-group size> -DVIR0_MASK_WORDS=<64-lane mask words>"
#endif

/* A work-group of one work-item needs no barrier at all, and PoCL cannot
 * form work-item loops around barriers inside the interpreter's loop. */
#if VIR0_WG == 1
#define GROUP_BARRIER(flags) ((void)0)
#else
#define GROUP_BARRIER(flags) barrier(flags)
#endif

/* ---- protocol words (include/vir0_opencl.h) ----------------------------- */

#define SLOT_WORDS 16u
#define ST_PUBLISHED 1u
#define ST_CLAIMED 2u
#define ST_DONE 3u
#define ST_FAULT 7u
#define CTRL_SHUTDOWN 0u
#define CTRL_DONE_COUNT 1u
#define CTRL_TENANT_BASE 2u
#define CTRL_TENANTS 30u
#define CTRL_METRICS_BASE 96u
#define CTRL_OBSERVABLE_BASE 160u
#define OP_NOP 0u
#define OP_STORE_U32 1u
#define OP_ATOMIC_ADD 2u
#define OP_LOAD_U32 3u
#define OP_COMPARE_SWAP 4u
#define OP_MEMCPY 5u
#define OP_BATCH_FENCE 7u
#define OP_RUN_VIR0 0x10000u
#define OP_SHUTDOWN 0xFFFFFFFFu
#define METRIC_RUN_VIR0 8u
#define METRIC_SHUTDOWN 31u

/* Fault codes written to ARG11 of a slot that ends in FAULT. */
#define FAULT_TENANT 1u
#define FAULT_OPCODE 2u
#define FAULT_BOUNDS 3u
#define FAULT_PROGRAM 4u
#define FAULT_RESOURCES 5u

/* RUN_VIR0 arguments (slot words 4 + n). */
#define ARG_PROGRAM 0u   /* word offset of the program in the store */
#define ARG_GROUPS 1u    /* 3 words: the grid */
#define ARG_DESC 4u      /* word offset of the descriptors in the ring buffer */
#define ARG_NE 5u        /* lanes per work-item */
#define ARG_PER_CHUNK 6u /* VIR0 workgroups per chunk; 0: lanes packed */
#define ARG_NCHUNKS 7u
#define ARG_WG_BYTES 8u  /* Workgroup memory of one VIR0 workgroup */
#define ARG_GENERATION 10u /* the slot's reuse count, mod 256 (resident ring) */
#define ARG_FAULT 11u

/* Program store entry (codelets/cl_store.c writes it). */
#define PH_NINSNS 0u
#define PH_NREGS 1u
#define PH_NESTING 2u
#define PH_FLAGS 3u
#define PH_WG 4u
#define PH_NBUFFERS 7u
#define PH_BUFFERS 8u
#define FLAG_BARRIER 1u
#define FLAG_WG_MEMORY 2u

#define DESC_LOCAL 0xFFu

/* Bytecode opcodes (doc/bytecode.md §6). */
#define BC_CONST 1u
#define BC_MOV 2u
#define BC_BINOP 3u
#define BC_UNOP 4u
#define BC_CAST 5u
#define BC_SELECT 6u
#define BC_FMA 7u
#define BC_ID 8u
#define BC_BUF_LEN 9u
#define BC_LOAD 10u
#define BC_STORE 11u
#define BC_ATOMIC 12u
#define BC_IF 13u
#define BC_ELSE 14u
#define BC_END_IF 15u
#define BC_LOOP 16u
#define BC_END_LOOP 17u
#define BC_RETURN 18u
#define BC_BARRIER 19u
#define BC_HALT 20u

#define ACCESS_WORKGROUP 3u
#define NMEMS 8

/* The lanes of one work-item, one bit each. */
typedef struct {
	ulong w[VIR0_MASK_WORDS];
} lanes_t;

static lanes_t lanes_none(void)
{
	lanes_t m;
	for (uint i = 0; i < VIR0_MASK_WORDS; i++)
		m.w[i] = 0;
	return m;
}

static int lane_on(const lanes_t *m, uint e)
{
	return (m->w[e >> 6] >> (e & 63u)) & 1u;
}

static void lane_set(lanes_t *m, uint e)
{
	m->w[e >> 6] |= (ulong)1 << (e & 63u);
}

static int lanes_any(const lanes_t *m)
{
	ulong any = 0;
	for (uint i = 0; i < VIR0_MASK_WORDS; i++)
		any |= m->w[i];
	return any != 0;
}

/* a & ~b */
static lanes_t lanes_but(lanes_t a, const lanes_t *b)
{
	for (uint i = 0; i < VIR0_MASK_WORDS; i++)
		a.w[i] &= ~b->w[i];
	return a;
}

static void lanes_add(lanes_t *a, const lanes_t *b)
{
	for (uint i = 0; i < VIR0_MASK_WORDS; i++)
		a->w[i] |= b->w[i];
}

/* ---- work-group collectives --------------------------------------------- */

/* Work-group state kept in __local memory. */
struct shared {
	uint word[4];
	uint any[3];
};

/* 1 when `mine` is nonzero in any work-item. Three flags in rotation: call
 * n sets flag n % 3 and clears the next one, which nobody reads again
 * before every work-item has passed call n's barrier. */
static int group_any(int mine, __local struct shared *sh, uint *turn)
{
#if VIR0_WG == 1
	return mine != 0;
#else
	uint n = *turn;
	*turn = n == 2u ? 0u : n + 1u;
	if (get_local_id(0) == 0)
		sh->any[*turn] = 0u;
	if (mine)
		sh->any[n] = 1u;
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	return sh->any[n] != 0u;
#endif
}

/* Work-item 0's `value`, seen by all. */
static uint group_share(uint value, __local struct shared *sh)
{
	if (get_local_id(0) == 0)
		sh->word[0] = value;
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	uint shared_value = sh->word[0];
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	return shared_value;
}

/* ---- element access (fmt §1.5, §9.9, §9.10) ------------------------------ */

static uint load_global(__global const uchar *p, uint element, uint index)
{
	switch (element) {
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: return p[index];
	case VIR0_TYPE_I8: return (uint)(int)((__global const char *)p)[index];
	case VIR0_TYPE_U16: return ((__global const ushort *)p)[index];
	case VIR0_TYPE_I16: return (uint)(int)((__global const short *)p)[index];
	case VIR0_TYPE_BOOL: return ((__global const uint *)p)[index] != 0u;
	case VIR0_TYPE_F32: return vir0_f32_canon(((__global const uint *)p)[index]);
	default: return ((__global const uint *)p)[index];
	}
}

static uint load_local(__local const uchar *p, uint element, uint index)
{
	switch (element) {
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: return p[index];
	case VIR0_TYPE_I8: return (uint)(int)((__local const char *)p)[index];
	case VIR0_TYPE_U16: return ((__local const ushort *)p)[index];
	case VIR0_TYPE_I16: return (uint)(int)((__local const short *)p)[index];
	case VIR0_TYPE_BOOL: return ((__local const uint *)p)[index] != 0u;
	case VIR0_TYPE_F32: return vir0_f32_canon(((__local const uint *)p)[index]);
	default: return ((__local const uint *)p)[index];
	}
}

static void store_global(__global uchar *p, uint element, uint index, uint value)
{
	switch (element) {
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: case VIR0_TYPE_I8:
		p[index] = (uchar)value;
		return;
	case VIR0_TYPE_U16: case VIR0_TYPE_I16:
		((__global ushort *)p)[index] = (ushort)value;
		return;
	default:
		((__global uint *)p)[index] = value;
		return;
	}
}

static void store_local(__local uchar *p, uint element, uint index, uint value)
{
	switch (element) {
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: case VIR0_TYPE_I8:
		p[index] = (uchar)value;
		return;
	case VIR0_TYPE_U16: case VIR0_TYPE_I16:
		((__local ushort *)p)[index] = (ushort)value;
		return;
	default:
		((__local uint *)p)[index] = value;
		return;
	}
}

/* One read-modify-write; the old value. Min and Max are signed on i32. */
static uint atomic_global(volatile __global uint *w, uint op, uint element, uint value,
			  uint expected)
{
	volatile __global int *s = (volatile __global int *)w;
	switch (op) {
	case VIR0_ATOMIC_ADD: return atomic_add(w, value);
	case VIR0_ATOMIC_OR: return atomic_or(w, value);
	case VIR0_ATOMIC_AND: return atomic_and(w, value);
	case VIR0_ATOMIC_XOR: return atomic_xor(w, value);
	case VIR0_ATOMIC_MIN:
		return element == VIR0_TYPE_I32 ? (uint)atomic_min(s, (int)value) : atomic_min(w, value);
	case VIR0_ATOMIC_MAX:
		return element == VIR0_TYPE_I32 ? (uint)atomic_max(s, (int)value) : atomic_max(w, value);
	case VIR0_ATOMIC_EXCHANGE: return atomic_xchg(w, value);
	default: return atomic_cmpxchg(w, expected, value);
	}
}

static uint atomic_local(volatile __local uint *w, uint op, uint element, uint value,
			 uint expected)
{
	volatile __local int *s = (volatile __local int *)w;
	switch (op) {
	case VIR0_ATOMIC_ADD: return atomic_add(w, value);
	case VIR0_ATOMIC_OR: return atomic_or(w, value);
	case VIR0_ATOMIC_AND: return atomic_and(w, value);
	case VIR0_ATOMIC_XOR: return atomic_xor(w, value);
	case VIR0_ATOMIC_MIN:
		return element == VIR0_TYPE_I32 ? (uint)atomic_min(s, (int)value) : atomic_min(w, value);
	case VIR0_ATOMIC_MAX:
		return element == VIR0_TYPE_I32 ? (uint)atomic_max(s, (int)value) : atomic_max(w, value);
	case VIR0_ATOMIC_EXCHANGE: return atomic_xchg(w, value);
	default: return atomic_cmpxchg(w, expected, value);
	}
}

/* ---- one chunk of a RUN_VIR0 slot ---------------------------------------- */

/* What a chunk needs to know about its slot and program. */
struct chunk {
	__global const uint *prog;     /* the store entry */
	__global const uint4 *insns;
	/* 4 words per buffer; volatile like the whole ring: a resident kernel
	 * must not see a recycled slot's old words from its cache. */
	volatile __global const uint *desc;
	uint groups[3];
	uint wg[3];
	uint lanes_per_wg;             /* W */
	uint ne;                       /* lanes per work-item */
	uint nregs;
	uint wg_bytes;
	uint chunk_lanes;              /* lanes the chunk holds (whole workgroups
	                                  when grouped) */
	ulong first;                   /* linear lane of the chunk's lane 0 */
	ulong total;                   /* lanes in the grid */
};

#define REG(r, e) regs[((r) * c->ne + (e)) * VIR0_WG]

/* Invocation, workgroup or local id `kind` on `axis` of linear lane L. */
static uint lane_id(const struct chunk *c, ulong lane, uint kind, uint axis)
{
	ulong group = lane / c->lanes_per_wg;
	uint within = (uint)(lane - group * c->lanes_per_wg);
	uint l[3], g[3];
	l[0] = within % c->wg[0];
	l[1] = within / c->wg[0] % c->wg[1];
	l[2] = within / c->wg[0] / c->wg[1];
	g[0] = (uint)(group % c->groups[0]);
	g[1] = (uint)(group / c->groups[0] % c->groups[1]);
	g[2] = (uint)(group / c->groups[0] / c->groups[1]);
	if (kind == 1u)
		return g[axis];
	if (kind == 2u)
		return l[axis];
	return g[axis] * c->wg[axis] + l[axis];
}

/* The global base of buffer `b` (non-Workgroup). */
static __global uchar *buffer_base(const struct chunk *c, uint b, __global uchar *const *mems)
{
	volatile __global const uint *d = c->desc + 4u * b;
	ulong offset = (ulong)d[1] | (ulong)d[2] << 32;
	return mems[d[0] & (NMEMS - 1)] + offset;
}

/* The Workgroup copy of buffer `b` for chunk lane q. */
static __local uchar *local_base(const struct chunk *c, uint b, __local uchar *wgmem, uint q)
{
	return wgmem + (q / c->lanes_per_wg) * c->wg_bytes + c->desc[4u * b + 1u];
}

/* Stack entry `depth`: the saved and the other masks, 2 words per mask
 * word each, interleaved across the work-group like the registers. */
#define STACK_ENTRY_WORDS (4u * VIR0_MASK_WORDS)

static void stack_put(__global uint *stack, uint depth, uint which, const lanes_t *m)
{
	__global uint *s = stack + (STACK_ENTRY_WORDS * depth + 2u * VIR0_MASK_WORDS * which) *
			   VIR0_WG;
	for (uint i = 0; i < VIR0_MASK_WORDS; i++) {
		s[2u * i * VIR0_WG] = (uint)m->w[i];
		s[(2u * i + 1u) * VIR0_WG] = (uint)(m->w[i] >> 32);
	}
}

static lanes_t stack_get(__global const uint *stack, uint depth, uint which)
{
	__global const uint *s = stack + (STACK_ENTRY_WORDS * depth +
					  2u * VIR0_MASK_WORDS * which) * VIR0_WG;
	lanes_t m;
	for (uint i = 0; i < VIR0_MASK_WORDS; i++)
		m.w[i] = (ulong)s[2u * i * VIR0_WG] | (ulong)s[(2u * i + 1u) * VIR0_WG] << 32;
	return m;
}

#define SAVED 0u
#define OTHER 1u

/* 1 when loop variable v is below bound b (signed for i32). */
static int loop_below(uint type, uint v, uint b)
{
	return type == VIR0_TYPE_I32 ? (int)v < (int)b : v < b;
}

/* Run the chunk's lanes from instruction 0 to HALT (doc/bytecode.md §7.2).
 * Every work-item follows the same pc: IF, ELSE, LOOP and END_LOOP decide
 * their jumps with group_any. */
static void run_chunk(const struct chunk *c, __global uint *regs, __global uchar *const *mems,
		      __local uchar *wgmem, __local struct shared *sh, uint *turn)
{
	const uint lid = get_local_id(0);
	const uint ne = c->ne;
	const uint buffer_words = PH_BUFFERS;
	__global uint *stack = regs + c->nregs * ne * VIR0_WG;
	lanes_t exec = lanes_none(), finished = lanes_none();
	for (uint e = 0; e < ne; e++) {
		uint q = e * VIR0_WG + lid;
		if (q < c->chunk_lanes && c->first + q < c->total)
			lane_set(&exec, e);
	}
	uint depth = 0, pc = 0;
	for (;;) {
		uint4 w = c->insns[pc];
		uint op = w.s0 & 0xFFu, type = (w.s0 >> 8) & 0xFFu, dst = w.s0 >> 16;
		uint a = w.s1 & 0xFFFFu, b = w.s1 >> 16, cc = w.s2 & 0xFFFFu, aux = w.s2 >> 16;
		uint imm = w.s3;
		pc++;
		switch (op) {
		case BC_CONST:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = imm;
			break;
		case BC_MOV:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = REG(a, e);
			break;
		case BC_BINOP:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = vir0_eval_binop(aux, type, REG(a, e), REG(b, e));
			break;
		case BC_UNOP:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = vir0_eval_unop(aux, type, REG(a, e));
			break;
		case BC_CAST:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = vir0_eval_cast(type, aux, REG(a, e));
			break;
		case BC_SELECT:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = REG(a, e) ? REG(b, e) : REG(cc, e);
			break;
		case BC_FMA:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = vir0_f32_fma(REG(a, e), REG(b, e), REG(cc, e));
			break;
		case BC_ID:
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = lane_id(c, c->first + e * VIR0_WG + lid, aux, imm);
			break;
		case BC_BUF_LEN: {
			uint length = c->desc[4u * aux + 3u];
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e))
					REG(dst, e) = length;
			break;
		}
		case BC_LOAD: {
			uint info = c->prog[buffer_words + aux];
			uint element = info & 0xFFu, length = c->desc[4u * aux + 3u];
			if (((info >> 8) & 0xFFu) == ACCESS_WORKGROUP) {
				for (uint e = 0; e < ne; e++)
					if (lane_on(&exec, e)) {
						uint i = REG(a, e);
						REG(dst, e) = i < length
							? load_local(local_base(c, aux, wgmem, e * VIR0_WG + lid), element, i)
							: 0u;
					}
				break;
			}
			__global const uchar *base = buffer_base(c, aux, mems);
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e)) {
					uint i = REG(a, e);
					REG(dst, e) = i < length ? load_global(base, element, i) : 0u;
				}
			break;
		}
		case BC_STORE: {
			uint info = c->prog[buffer_words + aux];
			uint element = info & 0xFFu, length = c->desc[4u * aux + 3u];
			if (((info >> 8) & 0xFFu) == ACCESS_WORKGROUP) {
				for (uint e = 0; e < ne; e++)
					if (lane_on(&exec, e) && REG(a, e) < length)
						store_local(local_base(c, aux, wgmem, e * VIR0_WG + lid), element,
							    REG(a, e), REG(b, e));
				break;
			}
			__global uchar *base = buffer_base(c, aux, mems);
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e) && REG(a, e) < length)
					store_global(base, element, REG(a, e), REG(b, e));
			break;
		}
		case BC_ATOMIC: {
			uint info = c->prog[buffer_words + aux];
			uint element = info & 0xFFu, length = c->desc[4u * aux + 3u];
			int in_wg = ((info >> 8) & 0xFFu) == ACCESS_WORKGROUP;
			__global uchar *base = in_wg ? 0 : buffer_base(c, aux, mems);
			for (uint e = 0; e < ne; e++) {
				if (!lane_on(&exec, e))
					continue;
				uint i = REG(a, e), old = 0u;
				uint expected = cc == 0xFFFFu ? 0u : REG(cc, e);
				if (i < length && in_wg)
					old = atomic_local((volatile __local uint *)
							   local_base(c, aux, wgmem, e * VIR0_WG + lid) + i,
							   imm, element, REG(b, e), expected);
				else if (i < length)
					old = atomic_global((volatile __global uint *)base + i, imm,
							    element, REG(b, e), expected);
				REG(dst, e) = old;
			}
			break;
		}
		case BC_IF: {
			lanes_t taken = lanes_none();
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e) && REG(a, e) != 0u)
					lane_set(&taken, e);
			lanes_t other = lanes_but(exec, &taken);
			stack_put(stack, depth, SAVED, &exec);
			stack_put(stack, depth++, OTHER, &other);
			exec = taken;
			if (!group_any(lanes_any(&exec), sh, turn))
				pc = imm;
			break;
		}
		case BC_ELSE:
			exec = stack_get(stack, depth - 1u, OTHER);
			if (!group_any(lanes_any(&exec), sh, turn))
				pc = imm;
			break;
		case BC_END_IF:
			exec = lanes_but(stack_get(stack, --depth, SAVED), &finished);
			break;
		case BC_LOOP: {
			lanes_t enter = lanes_none();
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e)) {
					uint from = REG(a, e);
					REG(dst, e) = from;
					if (loop_below(type, from, REG(b, e)))
						lane_set(&enter, e);
				}
			stack_put(stack, depth++, SAVED, &exec);
			exec = enter;
			if (!group_any(lanes_any(&exec), sh, turn)) {
				exec = stack_get(stack, --depth, SAVED);
				pc = imm + 1u;
			}
			break;
		}
		case BC_END_LOOP: {
			lanes_t again = lanes_none();
			for (uint e = 0; e < ne; e++)
				if (lane_on(&exec, e)) {
					uint v = REG(dst, e) + 1u;
					REG(dst, e) = v;
					if (loop_below(type, v, REG(b, e)))
						lane_set(&again, e);
				}
			exec = again;
			if (group_any(lanes_any(&exec), sh, turn))
				pc = imm + 1u;
			else
				exec = lanes_but(stack_get(stack, --depth, SAVED), &finished);
			break;
		}
		case BC_RETURN:
			lanes_add(&finished, &exec);
			exec = lanes_none();
			break;
		case BC_BARRIER:
			GROUP_BARRIER(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
			break;
		default: /* HALT */
			return;
		}
	}
}

/* ---- slots ----------------------------------------------------------------- */

/* Everything one launch works with. */
struct launch {
	volatile __global uint *ring; /* slots, 2 progress words per slot, descriptors */
	uint nslots;
	uint ring_words;
	__global uint *control;
	uint control_words;
	__global const uint *store;
	uint store_words;
	__global uint *scratch;
	uint scratch_words;         /* per work-item */
	__local uchar *wgmem;
	uint wgmem_bytes;
	__global uchar *mems[NMEMS]; /* the memory objects descriptors name */
};

static uint read_volatile(volatile __global uint *word)
{
	return *word;
}

/* Why a published slot cannot run (a FAULT_* code), or 0. Checked before
 * the claim, so a CLAIMED RUN_VIR0 slot is always safe for helpers. */
static uint slot_fault(const struct launch *l, volatile __global const uint *slot)
{
	uint tenant = slot[2];
	if (tenant >= CTRL_TENANTS || l->control[CTRL_TENANT_BASE + tenant] == 0u)
		return FAULT_TENANT;
	uint op = slot[1];
	volatile __global const uint *arg = slot + 4;
	switch (op) {
	case OP_NOP: case OP_BATCH_FENCE: case OP_SHUTDOWN:
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
		    arg[ARG_NCHUNKS] > 0xFFFFFFu || arg[ARG_GENERATION] > 0xFFu)
			return FAULT_PROGRAM;
		if (arg[ARG_DESC] > l->ring_words || nb > (l->ring_words - arg[ARG_DESC]) / 4u)
			return FAULT_BOUNDS;
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

/* DONE_COUNT, the opcode's metric, then DONE (protocol steps 6 and 7). */
static void slot_complete(const struct launch *l, volatile __global uint *slot)
{
	uint op = slot[1];
	uint metric = op < 8u ? op : op == OP_RUN_VIR0 ? METRIC_RUN_VIR0 : METRIC_SHUTDOWN;
	atomic_inc((volatile __global uint *)&l->control[CTRL_DONE_COUNT]);
	atomic_inc((volatile __global uint *)&l->control[CTRL_METRICS_BASE + metric]);
	mem_fence(CLK_GLOBAL_MEM_FENCE);
	atomic_xchg((volatile __global uint *)&slot[0], ST_DONE);
}

/* A built-in opcode, run by work-item 0 of the claiming work-group. */
static void run_builtin(const struct launch *l, volatile __global uint *slot)
{
	volatile __global uint *arg = slot + 4;
	volatile __global uint *control = l->control;
	switch (slot[1]) {
	case OP_STORE_U32: control[arg[1]] = arg[0]; break;
	case OP_ATOMIC_ADD: atomic_add(&control[arg[1]], arg[0]); break;
	case OP_LOAD_U32: control[CTRL_OBSERVABLE_BASE + arg[1]] = control[arg[0]]; break;
	case OP_COMPARE_SWAP: atomic_cmpxchg(&control[arg[0]], arg[1], arg[2]); break;
	case OP_MEMCPY:
		for (uint i = 0; i < arg[2]; i++)
			control[arg[1] + i] = control[arg[0] + i];
		break;
	case OP_SHUTDOWN: control[CTRL_SHUTDOWN] = 1u; break;
	default: break; /* NOP, BATCH_FENCE */
	}
	slot_complete(l, slot);
}

/* Wait until every slot before `s` is DONE or FAULT (BATCH_FENCE). The
 * work still open there is held by running work-groups: this one has
 * already taken every chunk it could. */
static void wait_before(const struct launch *l, uint s)
{
	if (get_local_id(0) == 0)
		for (uint t = 0; t < s;) {
			uint status = read_volatile(&l->ring[t * SLOT_WORDS]);
			if (status == ST_DONE || status == ST_FAULT || status == 0u)
				t++;
		}
	mem_fence(CLK_GLOBAL_MEM_FENCE);
	GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
}

/* The next chunk of a slot, or 0xFFFFFFFF when none is left. The
 * progress word holds the slot's generation (bits 24-31) above the next
 * chunk, so a work-group still holding a recycled slot's old arguments
 * can never take a chunk of the slot's new contents. */
static uint claim_chunk(volatile __global uint *progress, uint generation, uint nchunks)
{
	for (;;) {
		uint seen = read_volatile(progress);
		if (seen >> 24 != generation || (seen & 0xFFFFFFu) >= nchunks)
			return 0xFFFFFFFFu;
		if (atomic_cmpxchg((volatile __global uint *)progress, seen, seen + 1u) == seen)
			return seen & 0xFFFFFFu;
	}
}

/* Take chunks of a claimed RUN_VIR0 slot until none is left. */
static void help_slot(const struct launch *l, uint s, __local struct shared *sh, uint *turn)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *progress = l->ring + l->nslots * SLOT_WORDS + 2u * s;
	volatile __global const uint *arg = slot + 4;
	struct chunk c;
	c.prog = l->store + arg[ARG_PROGRAM];
	uint nb = c.prog[PH_NBUFFERS];
	c.insns = (__global const uint4 *)(c.prog + ((PH_BUFFERS + nb + 3u) & ~3u));
	c.desc = l->ring + arg[ARG_DESC];
	for (uint i = 0; i < 3u; i++) {
		c.groups[i] = arg[ARG_GROUPS + i];
		c.wg[i] = c.prog[PH_WG + i];
	}
	c.lanes_per_wg = c.wg[0] * c.wg[1] * c.wg[2];
	c.ne = arg[ARG_NE];
	c.nregs = c.prog[PH_NREGS];
	c.wg_bytes = arg[ARG_WG_BYTES];
	uint per_chunk = arg[ARG_PER_CHUNK], nchunks = arg[ARG_NCHUNKS];
	uint generation = arg[ARG_GENERATION];
	c.chunk_lanes = per_chunk ? per_chunk * c.lanes_per_wg : c.ne * VIR0_WG;
	c.total = (ulong)c.groups[0] * c.groups[1] * c.groups[2] * c.lanes_per_wg;
	__global uint *regs = l->scratch + get_group_id(0) * l->scratch_words * VIR0_WG +
			      get_local_id(0);
	for (;;) {
		uint chunk = group_share(get_local_id(0) == 0
					 ? claim_chunk(&progress[0], generation, nchunks) : 0u, sh);
		if (chunk >= nchunks)
			return;
		c.first = (ulong)chunk * c.chunk_lanes;
		if (per_chunk && c.wg_bytes) {
			uint words = per_chunk * c.wg_bytes / 4u;
			for (uint i = get_local_id(0); i < words; i += VIR0_WG)
				((__local uint *)l->wgmem)[i] = 0u;
			GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
		}
		run_chunk(&c, regs, l->mems, l->wgmem, sh, turn);
		/* Every work-item's writes first, then the count that may
		 * complete the slot. */
		GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
		if (get_local_id(0) == 0) {
			mem_fence(CLK_GLOBAL_MEM_FENCE);
			if (atomic_inc((volatile __global uint *)&progress[1]) + 1u == nchunks)
				slot_complete(l, slot);
		}
	}
}

enum { ACT_NONE, ACT_BUILTIN, ACT_HELP, ACT_FENCE };

/* Protocol steps 2-7 for slot `s`; 1 when the slot had work for us. */
static int visit_slot(const struct launch *l, uint s, __local struct shared *sh, uint *turn)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	uint act = ACT_NONE;
	if (get_local_id(0) == 0) {
		uint status = read_volatile(&slot[0]);
		uint op = slot[1];
		if (status == ST_PUBLISHED) {
			uint fault = slot_fault(l, slot);
			if (fault) {
				if (atomic_cmpxchg((volatile __global uint *)&slot[0], ST_PUBLISHED,
						   ST_CLAIMED) == ST_PUBLISHED) {
					slot[4 + ARG_FAULT] = fault;
					mem_fence(CLK_GLOBAL_MEM_FENCE);
					atomic_xchg((volatile __global uint *)&slot[0], ST_FAULT);
				}
			} else if (op == OP_BATCH_FENCE) {
				act = ACT_FENCE;
			} else if (atomic_cmpxchg((volatile __global uint *)&slot[0], ST_PUBLISHED,
						  ST_CLAIMED) == ST_PUBLISHED) {
				act = op == OP_RUN_VIR0 ? ACT_HELP : ACT_BUILTIN;
			}
		}
		if (status == ST_CLAIMED && op == OP_RUN_VIR0)
			act = ACT_HELP;
	}
	act = group_share(act, sh);
	if (act == ACT_BUILTIN && get_local_id(0) == 0)
		run_builtin(l, slot);
	if (act == ACT_HELP)
		help_slot(l, s, sh, turn);
	if (act == ACT_FENCE) {
		wait_before(l, s);
		if (get_local_id(0) == 0 &&
		    atomic_cmpxchg((volatile __global uint *)&slot[0], ST_PUBLISHED, ST_CLAIMED) ==
		    ST_PUBLISHED)
			slot_complete(l, slot);
	}
	return act != ACT_NONE;
}

/* The megakernel. Batch (persistent == 0): each work-group visits every
 * slot once, helping with each, and returns. Persistent: it keeps visiting
 * the ring until SHUTDOWN, or until `idle_spins` passes in a row found
 * nothing, so it never holds the device long when idle. */
__kernel void vir0_megakernel(__global uint *ring, uint nslots, uint ring_words,
			      __global uint *control, uint control_words,
			      __global const uint *store, uint store_words,
			      __global uint *scratch, uint scratch_words,
			      __local uchar *wgmem, uint wgmem_bytes,
			      uint persistent, uint idle_spins,
			      __global uchar *m0, __global uchar *m1, __global uchar *m2,
			      __global uchar *m3, __global uchar *m4, __global uchar *m5,
			      __global uchar *m6, __global uchar *m7)
{
	__local struct shared sh;
	uint turn = 0;
	struct launch l;
	l.ring = ring;
	l.nslots = nslots;
	l.ring_words = ring_words;
	l.control = control;
	l.control_words = control_words;
	l.store = store;
	l.store_words = store_words;
	l.scratch = scratch;
	l.scratch_words = scratch_words;
	l.wgmem = wgmem;
	l.wgmem_bytes = wgmem_bytes;
	l.mems[0] = m0; l.mems[1] = m1; l.mems[2] = m2; l.mems[3] = m3;
	l.mems[4] = m4; l.mems[5] = m5; l.mems[6] = m6; l.mems[7] = m7;
	if (get_local_id(0) == 0)
		sh.any[0] = sh.any[1] = sh.any[2] = 0u;
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	if (!persistent) {
		for (uint s = 0; s < nslots; s++)
			visit_slot(&l, s, &sh, &turn);
		return;
	}
	for (uint idle = 0; idle <= idle_spins;) {
		if (group_share(get_local_id(0) == 0 ? read_volatile(&control[CTRL_SHUTDOWN]) : 0u,
				&sh))
			return;
		int found = 0;
		for (uint s = 0; s < nslots; s++)
			found |= visit_slot(&l, s, &sh, &turn);
		idle = found ? 0u : idle + 1u;
	}
}
