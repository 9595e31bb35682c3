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

/* Fences that order global memory for the whole device (the slots' state
 * and copies, read by other work-groups) and for the host (data before a
 * DONE the host polls, then reads the data by DMA). OpenCL C 1.2 has only
 * mem_fence, whose scope NVIDIA's compiler may keep to the work-group;
 * with VIR0_PTX_FENCES (NVIDIA) they are PTX membar.gl and membar.sys. */
#ifdef VIR0_PTX_FENCES
#define DEVICE_FENCE() asm volatile("membar.gl;" ::: "memory")
#define SYSTEM_FENCE() asm volatile("membar.sys;" ::: "memory")
#else
#define DEVICE_FENCE() mem_fence(CLK_GLOBAL_MEM_FENCE)
#define SYSTEM_FENCE() mem_fence(CLK_GLOBAL_MEM_FENCE)
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

/* The slot a work-group works on is copied once into __local memory (the
 * `copy` argument: 16 words, then 4 per buffer) so the interpreter never
 * reads the ring, which may be host memory. An argument, not a __local
 * variable: PoCL 3.1's LLVM crashes inlining loops that store into a
 * __local array declared in the kernel. */
#define MAX_DESC 64u
#define COPY_DESC 16u

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

/* Loads of one address space and qualifier. A resident kernel reads data
 * through volatile pointers: NVIDIA's L1 is not coherent, and an SM may
 * still hold lines of arena memory that the host has since rewritten by
 * DMA; a batch launch starts with clean caches and loads normally. */
#define DEFINE_LOAD(name, space) \
static uint name(space const uchar *p, uint element, uint index) \
{ \
	switch (element) { \
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: return p[index]; \
	case VIR0_TYPE_I8: return (uint)(int)((space const char *)p)[index]; \
	case VIR0_TYPE_U16: return ((space const ushort *)p)[index]; \
	case VIR0_TYPE_I16: return (uint)(int)((space const short *)p)[index]; \
	case VIR0_TYPE_BOOL: return ((space const uint *)p)[index] != 0u; \
	case VIR0_TYPE_F32: return vir0_f32_canon(((space const uint *)p)[index]); \
	default: return ((space const uint *)p)[index]; \
	} \
}
DEFINE_LOAD(load_global, __global)
DEFINE_LOAD(load_fresh, volatile __global)
DEFINE_LOAD(load_local, __local)

#define DEFINE_STORE(name, space) \
static void name(space uchar *p, uint element, uint index, uint value) \
{ \
	switch (element) { \
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: case VIR0_TYPE_I8: \
		p[index] = (uchar)value; \
		return; \
	case VIR0_TYPE_U16: case VIR0_TYPE_I16: \
		((space ushort *)p)[index] = (ushort)value; \
		return; \
	default: \
		((space uint *)p)[index] = value; \
		return; \
	} \
}
DEFINE_STORE(store_global, __global)
DEFINE_STORE(store_local, __local)

/* One read-modify-write; the old value. Min and Max are signed on i32. */
#define DEFINE_ATOMIC(name, space) \
static uint name(volatile space uint *w, uint op, uint element, uint value, uint expected) \
{ \
	volatile space int *s = (volatile space int *)w; \
	switch (op) { \
	case VIR0_ATOMIC_ADD: return atomic_add(w, value); \
	case VIR0_ATOMIC_OR: return atomic_or(w, value); \
	case VIR0_ATOMIC_AND: return atomic_and(w, value); \
	case VIR0_ATOMIC_XOR: return atomic_xor(w, value); \
	case VIR0_ATOMIC_MIN: \
		return element == VIR0_TYPE_I32 ? (uint)atomic_min(s, (int)value) \
						: atomic_min(w, value); \
	case VIR0_ATOMIC_MAX: \
		return element == VIR0_TYPE_I32 ? (uint)atomic_max(s, (int)value) \
						: atomic_max(w, value); \
	case VIR0_ATOMIC_EXCHANGE: return atomic_xchg(w, value); \
	default: return atomic_cmpxchg(w, expected, value); \
	} \
}
DEFINE_ATOMIC(atomic_global, __global)
DEFINE_ATOMIC(atomic_local, __local)

/* ---- one chunk of a RUN_VIR0 slot ---------------------------------------- */

/* What a chunk needs to know about its slot and program. */
struct chunk {
	__global const uint *prog;     /* the store entry */
	__global const uint4 *insns;
	__local const uint *desc;      /* 4 words per buffer, copied once per slot */
	uint groups[3];
	uint wg[3];
	uint lanes_per_wg;             /* W */
	uint ne;                       /* lanes per work-item */
	uint nregs;
	uint wg_bytes;
	uint chunk_lanes;              /* lanes the chunk holds (whole workgroups
	                                  when grouped) */
	uint fresh;                    /* resident: load data through volatile */
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
	__local const uint *d = c->desc + 4u * b;
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
			if (c->fresh) {
				for (uint e = 0; e < ne; e++)
					if (lane_on(&exec, e)) {
						uint i = REG(a, e);
						REG(dst, e) = i < length ? load_fresh(base, element, i) : 0u;
					}
				break;
			}
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

/* Per-slot words in device memory (the `state` buffer, `state_stride`
 * words per slot). Claims and chunk counters live here and never in the
 * ring: the ring may be host memory (NVIDIA's pinned buffer), where the
 * device's atomics across PCIe are not to be relied on. */
#define SS_CLAIM 0u    /* VALID | generation of the slot's last claim */
#define SS_PROGRESS 1u /* VALID | generation << 24 | next chunk; 0 while rewritten */
#define SS_DONE 2u     /* chunks done */
#define SS_SLOT 4u     /* the claimed slot's 16 words */
#define SS_DESC 20u    /* its descriptors */
#define VALID 0x80000000u
#define GEN_MASK 0x7Fu
#define GEN_BITS 0xFF000000u /* VALID and the generation of a progress word */
#define NO_CHUNK 0xFFFFFFu
#define MAX_CHUNKS 0x7FFFFFu

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
	__local uint *copy;         /* the slot's words and descriptors */
	uint persistent;
	__global uchar *mems[NMEMS]; /* the memory objects descriptors name */
};

/* Why a slot (its words copied to `slot`) cannot run, a FAULT_* code, or 0. */
static uint slot_fault(const struct launch *l, __local const uint *slot)
{
	uint tenant = slot[2];
	if (tenant >= CTRL_TENANTS || l->control[CTRL_TENANT_BASE + tenant] == 0u)
		return FAULT_TENANT;
	uint op = slot[1];
	__local const uint *arg = slot + 4;
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

/* DONE_COUNT, the opcode's metric, then DONE (protocol steps 6 and 7).
 * The status is a plain store after a fence, never an atomic: the ring
 * may be host memory. Work-item 0 only. */
static void slot_complete(const struct launch *l, volatile __global uint *slot, uint op)
{
	uint metric = op < 8u ? op : op == OP_RUN_VIR0 ? METRIC_RUN_VIR0 : METRIC_SHUTDOWN;
	atomic_inc((volatile __global uint *)&l->control[CTRL_DONE_COUNT]);
	atomic_inc((volatile __global uint *)&l->control[CTRL_METRICS_BASE + metric]);
	SYSTEM_FENCE();
	slot[0] = ST_DONE;
}

/* A built-in opcode with arguments `arg` (work-item 0). */
static void run_builtin(const struct launch *l, __local const uint *arg, uint op)
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

/* The next chunk of the slot whose progress word is `progress`, or
 * NO_CHUNK. `want` is VALID | generation << 24: a work-group still holding
 * a recycled slot's old copy never takes a chunk of its new contents. A
 * fetch-and-add, not a CAS loop, which hundreds of work-groups would
 * serialise: it can step past the last chunk once per work-group that saw
 * one left, which nchunks < 2^23 keeps inside the 24 bits. */
static uint claim_chunk(volatile __global uint *progress, uint want, uint nchunks)
{
	uint seen = *progress;
	if ((seen & GEN_BITS) != want || (seen & NO_CHUNK) >= nchunks)
		return NO_CHUNK;
	seen = atomic_inc(progress);
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

/* Take chunks of a claimed RUN_VIR0 slot (generation in `marker`) until
 * none is left. */
static void help_slot(const struct launch *l, uint s, uint marker, __local struct shared *sh,
		      uint *turn)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *st = l->state + s * l->state_stride;
	const uint lid = get_local_id(0);
	const uint want = VALID | (marker & GEN_MASK) << 24;
	/* The claimer is copying the slot: wait for its progress word, or
	 * leave when the slot has moved on. */
	uint ready = 0u;
	if (lid == 0)
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
	if (!group_share(ready, sh) || !load_copy(l, st, want, sh))
		return;
	__local const uint *arg = l->copy + 4;
	struct chunk c;
	c.prog = l->store + arg[ARG_PROGRAM];
	uint nb = c.prog[PH_NBUFFERS];
	c.insns = (__global const uint4 *)(c.prog + ((PH_BUFFERS + nb + 3u) & ~3u));
	c.desc = l->copy + COPY_DESC;
	for (uint i = 0; i < 3u; i++) {
		c.groups[i] = arg[ARG_GROUPS + i];
		c.wg[i] = c.prog[PH_WG + i];
	}
	c.lanes_per_wg = c.wg[0] * c.wg[1] * c.wg[2];
	c.ne = arg[ARG_NE];
	c.nregs = c.prog[PH_NREGS];
	c.wg_bytes = arg[ARG_WG_BYTES];
	c.fresh = l->persistent;
	uint per_chunk = arg[ARG_PER_CHUNK], nchunks = arg[ARG_NCHUNKS];
	c.chunk_lanes = per_chunk ? per_chunk * c.lanes_per_wg : c.ne * VIR0_WG;
	c.total = (ulong)c.groups[0] * c.groups[1] * c.groups[2] * c.lanes_per_wg;
	__global uint *regs = l->scratch + get_group_id(0) * l->scratch_words * VIR0_WG + lid;
	for (;;) {
		uint chunk = group_share(lid == 0 ? claim_chunk(&st[SS_PROGRESS], want, nchunks)
					 : 0u, sh);
		if (chunk >= nchunks)
			return;
		c.first = (ulong)chunk * c.chunk_lanes;
		if (per_chunk && c.wg_bytes) {
			uint words = per_chunk * c.wg_bytes / 4u;
			for (uint i = lid; i < words; i += VIR0_WG)
				((__local uint *)l->wgmem)[i] = 0u;
			GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
		}
		run_chunk(&c, regs, l->mems, l->wgmem, sh, turn);
		/* Every work-item's writes first, then the count that may
		 * complete the slot. */
		GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
		if (lid == 0) {
			DEVICE_FENCE();
			if (atomic_inc(&st[SS_DONE]) + 1u == nchunks)
				slot_complete(l, slot, OP_RUN_VIR0);
		}
	}
}

/* Slot `s` was claimed by this work-group (generation in `marker`): copy
 * it from the ring into the state (descriptors too), then fault it, run
 * a built-in, or open its chunks to every work-group. */
static void claim_slot(const struct launch *l, uint s, uint marker, __local struct shared *sh,
		       uint *turn)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *st = l->state + s * l->state_stride;
	const uint lid = get_local_id(0);
	const uint want = VALID | (marker & GEN_MASK) << 24;
	if (lid == 0) {
		st[SS_PROGRESS] = 0u;
		DEVICE_FENCE();
	}
	GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
	for (uint i = lid; i < SLOT_WORDS; i += VIR0_WG) {
		uint w = slot[i];
		l->copy[i] = w;
		st[SS_SLOT + i] = w;
	}
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	uint op = l->copy[1];
	uint fault = 0u, nb = 0u;
	if (lid == 0) {
		fault = slot_fault(l, l->copy);
		nb = !fault && op == OP_RUN_VIR0 ? l->store[l->copy[4 + ARG_PROGRAM] + PH_NBUFFERS]
					       : 0u;
		sh->word[1] = fault;
		sh->word[2] = nb;
	}
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	fault = sh->word[1];
	nb = sh->word[2];
	uint desc = l->copy[4 + ARG_DESC];
	for (uint i = lid; i < 4u * nb; i += VIR0_WG)
		st[SS_DESC + i] = l->ring[desc + i];
	GROUP_BARRIER(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
	int runs = !fault && op == OP_RUN_VIR0;
	if (lid == 0) {
		DEVICE_FENCE();
		if (runs) {
			st[SS_DONE] = 0u;
			DEVICE_FENCE();
			atomic_xchg(&st[SS_PROGRESS], want);
		} else {
			/* Nothing to help with: waiting helpers leave. */
			atomic_xchg(&st[SS_PROGRESS], want | NO_CHUNK);
			if (fault) {
				slot[4 + ARG_FAULT] = fault;
				SYSTEM_FENCE();
				slot[0] = ST_FAULT;
			} else {
				run_builtin(l, l->copy + 4, op);
				slot_complete(l, slot, op);
			}
		}
	}
	if (runs)
		help_slot(l, s, marker, sh, turn);
}

enum { ACT_NONE, ACT_CLAIM, ACT_HELP, ACT_FENCE };

/* Protocol steps 2-7 for slot `s`; 1 when the slot had work for us. The
 * claim is a CAS on the slot's state word in device memory, keyed by the
 * generation the host wrote last (after every other word of the slot), so
 * a claimer always copies the words of the generation it claimed: the
 * host rewrites a slot only after it is DONE, which needs this claim. */
static int visit_slot(const struct launch *l, uint s, __local struct shared *sh, uint *turn)
{
	volatile __global uint *slot = l->ring + s * SLOT_WORDS;
	volatile __global uint *st = l->state + s * l->state_stride;
	uint act = ACT_NONE, marker = 0u, claim = 0u;
	if (get_local_id(0) == 0 && slot[0] == ST_PUBLISHED) {
		DEVICE_FENCE();
		marker = VALID | (slot[4 + ARG_GENERATION] & GEN_MASK);
		claim = st[SS_CLAIM];
		act = ACT_HELP;
		if (claim != marker) {
			DEVICE_FENCE();
			if (slot[1] == OP_BATCH_FENCE)
				act = ACT_FENCE;
			else if (atomic_cmpxchg(&st[SS_CLAIM], claim, marker) == claim)
				act = ACT_CLAIM;
		}
		sh->word[1] = marker;
	}
	act = group_share(act, sh);
	marker = sh->word[1];
	if (act == ACT_CLAIM)
		claim_slot(l, s, marker, sh, turn);
	if (act == ACT_HELP)
		help_slot(l, s, marker, sh, turn);
	if (act == ACT_FENCE) {
		wait_before(l, s);
		if (get_local_id(0) == 0 && atomic_cmpxchg(&st[SS_CLAIM], claim, marker) == claim) {
			atomic_xchg(&st[SS_PROGRESS], VALID | (marker & GEN_MASK) << 24 | NO_CHUNK);
			slot_complete(l, slot, OP_BATCH_FENCE);
		}
	}
	return act != ACT_NONE;
}

/* 1 when a slot in [first, first + VIR0_WG) is PUBLISHED: one read per
 * work-item, so a resident kernel polls the whole ring (host memory on
 * NVIDIA, one PCIe round trip) at once. */
static int any_published(const struct launch *l, uint first, __local struct shared *sh,
			 uint *turn)
{
	uint s = first + get_local_id(0);
	return group_any(s < l->nslots && l->ring[s * SLOT_WORDS] == ST_PUBLISHED, sh, turn);
}

/* A resident kernel's helpers (every work-group but 0): take chunks of
 * any slot whose chunks are open in the state (device memory: the ring
 * is left to work-group 0) until SHUTDOWN. */
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
					help_slot(l, t, VALID | (want >> 24 & GEN_MASK), sh, turn);
			}
		}
}

/* The megakernel. Batch (persistent == 0): each work-group visits every
 * slot once, helping with each, and returns. Persistent: work-group 0
 * alone polls the ring (host memory on NVIDIA: one read per slot per pass,
 * not one per work-group), claims and copies slots and runs built-ins;
 * the others take chunks from the state. After `idle_spins` passes in a
 * row found nothing published, work-group 0 sets SHUTDOWN and every
 * work-group leaves, so the kernel never holds the device long when idle;
 * the host clears SHUTDOWN when it launches the kernel again. */
__kernel void vir0_megakernel(__global uint *ring, uint nslots, uint ring_words,
			      __global uint *state, uint state_at, uint state_stride,
			      __global uint *control, uint control_words,
			      __global const uint *store, uint store_words,
			      __global uint *scratch, uint scratch_words,
			      __local uchar *wgmem, uint wgmem_bytes, __local uint *copy,
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
	l.persistent = persistent;
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
	if (get_group_id(0) != 0) {
		help_resident(&l, &sh, &turn);
		return;
	}
	volatile __global uint *shutdown = &control[CTRL_SHUTDOWN];
	for (uint idle = 0; idle <= idle_spins;) {
		if (group_share(get_local_id(0) == 0 ? *shutdown : 0u, &sh))
			return;
		int found = 0;
		for (uint first = 0; first < nslots; first += VIR0_WG)
			if (any_published(&l, first, &sh, &turn))
				for (uint s = first; s < first + VIR0_WG && s < nslots; s++)
					found |= visit_slot(&l, s, &sh, &turn);
		idle = found ? 0u : idle + 1u;
	}
	if (get_local_id(0) == 0)
		atomic_xchg(shutdown, 1u);
}
