/* megakernel.cl - the resident VIR0 interpreter (shared definitions; the
 * interpreter is megakernel_interp.cl, the ring megakernel_ring.cl, built
 * in that order after this file): one OpenCL program per
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
#define ARG_ZERO 9u      /* 1: the claimer zeroes the outputs (batch launch of one slot) */
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

/* Lane e set when `on` (0 or 1), without a branch. */
static void lane_set_if(lanes_t *m, uint e, uint on)
{
	m->w[e >> 6] |= (ulong)on << (e & 63u);
}

static int lanes_any(const lanes_t *m)
{
	ulong any = 0;
	for (uint i = 0; i < VIR0_MASK_WORDS; i++)
		any |= m->w[i];
	return any != 0;
}

/* 1 when lanes 0 to n - 1 are all on. */
static int lanes_all(const lanes_t *m, uint n)
{
	for (uint i = 0; i < VIR0_MASK_WORDS; i++) {
		uint left = n > 64u * i ? n - 64u * i : 0u;
		ulong want = left >= 64u ? ~(ulong)0 : ((ulong)1 << left) - 1u;
		if ((m->w[i] & want) != want)
			return 0;
	}
	return 1;
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
	uint target, old;     /* group_atomic */
	uint scan[VIR0_WG];
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
