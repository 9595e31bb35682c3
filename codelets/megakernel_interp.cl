/* megakernel_interp.cl - the bytecode interpreter of the megakernel: element
 * access, one chunk of a RUN_VIR0 slot run instruction by instruction over
 * each work-item's lanes (doc/bytecode.md). Built after megakernel.cl (the
 * shared definitions) and before megakernel_ring.cl (slots and the kernel).
 *
 * The interpreter is instantiated twice (INTERPRET): registers and mask
 * stack in private memory with VIR0_LANES lanes known at compile time, for
 * the programs that fit (the common case), and in the global scratch for
 * the others. On NVIDIA a global store writes through to L2, so registers
 * in the scratch cost several times the program's own memory traffic. */

/* A lane loop that both writes registers and collects a mask: LLVM's loop
 * vectorizer miscompiles it for AVX-512 (PoCL on a Xeon ran only every
 * fourth lane of a loop's body), so clang keeps it scalar. */
#if defined(__clang__)
#define SCALAR_LANE_LOOP _Pragma("clang loop vectorize(disable) interleave(disable)")
#else
#define SCALAR_LANE_LOOP
#endif

#ifndef VIR0_LANES
#error "build with -DVIR0_LANES=<lanes per work-item of a packed chunk>"
#endif

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

/* Coordinates of v in a d[0] x d[1] x d[2] box (x fastest); 32-bit
 * divisions where v fits, the GPU's 64-bit ones are long sequences. */
static void split3(ulong v, const uint *d, uint *out)
{
	if (v <= 0xFFFFFFFFul) {
		uint u = (uint)v;
		out[0] = u % d[0];
		u /= d[0];
		out[1] = u % d[1];
		out[2] = u / d[1];
		return;
	}
	out[0] = (uint)(v % d[0]);
	v /= d[0];
	out[1] = (uint)(v % d[1]);
	out[2] = (uint)(v / d[1]);
}

/* Invocation, workgroup or local id `kind` on `axis` of linear lane L. */
static uint lane_id(const struct chunk *c, ulong lane, uint kind, uint axis)
{
	/* A 1-D grid of 1-D workgroups: the invocation id x is the lane. */
	if (kind == 0u && axis == 0u && c->lanes_per_wg == c->wg[0] && c->groups[1] == 1u &&
	    c->groups[2] == 1u)
		return (uint)lane;
	ulong group = lane / c->lanes_per_wg;
	uint l[3], g[3];
	split3(lane - group * c->lanes_per_wg, c->wg, l);
	split3(group, c->groups, g);
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

/* Scratch stack entry `depth`: the saved and the other masks, 2 words per
 * mask word each, interleaved across the work-group like the registers. */
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

/* Atomic ops whose lanes on one address can be folded into one atomic:
 * x op y for the folded value, the lanes' old values then follow in lane
 * order, as if their atomics had run back to back (fmt §9.13: any order). */
static int atomic_folds(uint op)
{
	return op >= VIR0_ATOMIC_ADD && op <= VIR0_ATOMIC_MAX;
}

static uint atomic_fold(uint op, uint element, uint x, uint y)
{
	switch (op) {
	case VIR0_ATOMIC_ADD: return x + y;
	case VIR0_ATOMIC_OR: return x | y;
	case VIR0_ATOMIC_AND: return x & y;
	case VIR0_ATOMIC_XOR: return x ^ y;
	case VIR0_ATOMIC_MIN:
		return element == VIR0_TYPE_I32 ? (uint)min((int)x, (int)y) : min(x, y);
	default:
		return element == VIR0_TYPE_I32 ? (uint)max((int)x, (int)y) : max(x, y);
	}
}

/* The value that leaves x unchanged under atomic_fold. */
static uint atomic_identity(uint op, uint element)
{
	int is_signed = element == VIR0_TYPE_I32;
	switch (op) {
	case VIR0_ATOMIC_AND: return 0xFFFFFFFFu;
	case VIR0_ATOMIC_MIN: return is_signed ? 0x7FFFFFFFu : 0xFFFFFFFFu;
	case VIR0_ATOMIC_MAX: return is_signed ? 0x80000000u : 0u;
	default: return 0u;
	}
}

/* A foldable atomic whose work-items each folded their lanes on `first`
 * (length: no lane in bounds) into `folded`: when every work-item that
 * has one agrees on that word, the group folds too and one atomic stands
 * for all of its lanes. Each work-item's *old is then what the word held
 * before its own lanes, as if the lanes had run back to back in
 * work-item order (fmt §9.13: any order). NVIDIA's compiler aggregates
 * such atomics itself in a hand-written kernel but not in the
 * interpreter, where a sum's every work-item hit one word. 0 when the
 * work-items target different words: each runs its own atomic. */
static int group_atomic(volatile __global uint *words, uint op, uint element, uint length,
			uint first, uint folded, uint *old, __local struct shared *sh, uint *turn)
{
#if VIR0_WG == 1
	(void)words; (void)op; (void)element; (void)length; (void)first; (void)folded;
	(void)old; (void)sh; (void)turn;
	return 0;
#else
	const uint lid = get_local_id(0);
	if (lid == 0)
		sh->target = length;
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	if (first < length)
		atomic_min(&sh->target, first);
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	uint target = sh->target;
	if (target >= length)
		return 1;   /* no lane in bounds anywhere: nothing to do */
	if (group_any(first < length && first != target, sh, turn))
		return 0;
	/* Inclusive scan of the contributions in work-item order. */
	uint identity = atomic_identity(op, element);
	uint mine = first < length ? folded : identity;
	sh->scan[lid] = mine;
	for (uint d = 1; d < VIR0_WG; d <<= 1) {
		GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
		uint before = lid >= d ? sh->scan[lid - d] : identity;
		GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
		sh->scan[lid] = atomic_fold(op, element, before, sh->scan[lid]);
	}
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	uint earlier = lid ? sh->scan[lid - 1u] : identity;
	if (lid == 0)
		sh->old = atomic_global(words + target, op, element, sh->scan[VIR0_WG - 1u], 0u);
	GROUP_BARRIER(CLK_LOCAL_MEM_FENCE);
	*old = atomic_fold(op, element, sh->old, earlier);
	return 1;
#endif
}

/* A register-only instruction's result per lane, EXPR over lane e, for
 * registers in private memory: every lane computes (the operations are
 * total, an inactive lane's registers are just stale values) before any
 * lane stores, and when every lane is active the stores are
 * unconditional. So the lanes' registers are read and written as whole
 * rows, which compilers turn into vector accesses; a test and branch per
 * lane kept them scalar (the H200's interpreter spent most of its issue
 * slots there). */
#define PRIVATE_LANES(NE, REG, EXPR) { \
	uint value_[VIR0_LANES]; \
	for (uint e = 0; e < VIR0_LANES; e++) \
		value_[e] = (EXPR); \
	if (lanes_all(&exec, VIR0_LANES)) { \
		for (uint e = 0; e < VIR0_LANES; e++) \
			REG(dst, e) = value_[e]; \
	} else { \
		for (uint e = 0; e < VIR0_LANES; e++) \
			if (lane_on(&exec, e)) \
				REG(dst, e) = value_[e]; \
	} \
}

/* The same for registers in the scratch, NE lanes known at run time:
 * lane by lane, only the active ones. */
#define SCRATCH_LANES(NE, REG, EXPR) \
	for (uint e = 0; e < (NE); e++) \
		if (lane_on(&exec, e)) \
			REG(dst, e) = (EXPR);

/* The common binary operations, each a device opcode of its own from
 * BC_DEVICE_BINOPS on (cl_store.c rewrites a BINOP's opcode byte at
 * upload, in this order), with type and operator known where written: one
 * dispatch picks the operation (a second switch on type and operator was
 * a second branch tree per instruction), and the compiler folds
 * vir0_eval_binop's switches away. The others stay BC_BINOP. */
#define BC_DEVICE_BINOPS 21u
#define BINOP_CASE(NE, REG, LANES, K, TYPE, OP) \
	case BC_DEVICE_BINOPS + (K): \
		LANES(NE, REG, vir0_eval_binop((OP), (TYPE), REG(a, e), REG(b, e))); \
		break;

#define BINOP_CASES(NE, REG, LANES) \
	BINOP_CASE(NE, REG, LANES, 0u, VIR0_TYPE_U32, VIR0_BIN_ADD) \
	BINOP_CASE(NE, REG, LANES, 1u, VIR0_TYPE_U32, VIR0_BIN_SUB) \
	BINOP_CASE(NE, REG, LANES, 2u, VIR0_TYPE_U32, VIR0_BIN_MUL) \
	BINOP_CASE(NE, REG, LANES, 3u, VIR0_TYPE_U32, VIR0_BIN_BIT_AND) \
	BINOP_CASE(NE, REG, LANES, 4u, VIR0_TYPE_U32, VIR0_BIN_BIT_XOR) \
	BINOP_CASE(NE, REG, LANES, 5u, VIR0_TYPE_U32, VIR0_BIN_SHL) \
	BINOP_CASE(NE, REG, LANES, 6u, VIR0_TYPE_U32, VIR0_BIN_SHR) \
	BINOP_CASE(NE, REG, LANES, 7u, VIR0_TYPE_U32, VIR0_BIN_LT) \
	BINOP_CASE(NE, REG, LANES, 8u, VIR0_TYPE_I32, VIR0_BIN_LT) \
	BINOP_CASE(NE, REG, LANES, 9u, VIR0_TYPE_F32, VIR0_BIN_ADD) \
	BINOP_CASE(NE, REG, LANES, 10u, VIR0_TYPE_F32, VIR0_BIN_MUL)

/* Element loads of the common element types, with the type known where
 * written (load_global's switch folds away); the others go through the
 * switch per lane. A lane loads only when active and in bounds. */
#define LOAD_LANES(NE, REG, LANES, LOADER, ELEMENT) \
	LANES(NE, REG, REG(a, e) < length && lane_on(&exec, e) \
			   ? LOADER(base, (ELEMENT), REG(a, e)) : 0u)

#define LOAD_TYPED(NE, REG, LANES, LOADER) \
	switch (element) { \
	case VIR0_TYPE_U32: case VIR0_TYPE_I32: \
		LOAD_LANES(NE, REG, LANES, LOADER, VIR0_TYPE_U32); \
		break; \
	case VIR0_TYPE_F32: \
		LOAD_LANES(NE, REG, LANES, LOADER, VIR0_TYPE_F32); \
		break; \
	default: \
		LOAD_LANES(NE, REG, LANES, LOADER, element); \
		break; \
	}

/* Loads of 32-bit elements: the word, canonical when a float. */
static int word_element(uint element)
{
	return element == VIR0_TYPE_U32 || element == VIR0_TYPE_I32 || element == VIR0_TYPE_F32;
}

static uint word_value(uint element, uint word)
{
	return element == VIR0_TYPE_F32 ? vir0_f32_canon(word) : word;
}

/* A global load of 32-bit elements (batch launches: not `fresh`) run
 * together with the next instruction when that is one too whose index is
 * not this load's result: every lane's two loads are in flight at once
 * instead of one after the other (a vector add's two inputs, a saxpy's
 * alpha and x). Loads have no effect but their registers, so running the
 * second early is the same as running it next. */
#define PRIVATE_LOAD_PAIR(NE, REG, ELEMENT, LENGTH, BASE) \
	if (word_element(ELEMENT)) { \
		uint4 w2 = insns[pc]; \
		uint dst2 = w2.s0 >> 16, a2 = w2.s1 & 0xFFFFu, aux2 = w2.s2 >> 16; \
		uint info2 = prog[PH_BUFFERS + aux2]; \
		if ((w2.s0 & 0xFFu) == BC_LOAD && a2 != dst && word_element(info2 & 0xFFu) && \
		    ((info2 >> 8) & 0xFFu) != ACCESS_WORKGROUP) { \
			__global const uint *words1 = (__global const uint *)(BASE); \
			__global const uint *words2 = (__global const uint *)buffer_base(c, aux2, mems); \
			uint length2 = desc[4u * aux2 + 3u], element2 = info2 & 0xFFu; \
			uint first_[VIR0_LANES], second_[VIR0_LANES]; \
			for (uint e = 0; e < VIR0_LANES; e++) { \
				uint i = REG(a, e), j = REG(a2, e); \
				int on = lane_on(&exec, e); \
				first_[e] = on && i < (LENGTH) ? words1[i] : 0u; \
				second_[e] = on && j < length2 ? words2[j] : 0u; \
			} \
			PRIVATE_LANES(NE, REG, word_value((ELEMENT), first_[e])) \
			dst = dst2; \
			PRIVATE_LANES(NE, REG, word_value(element2, second_[e])) \
			pc++; \
			break; \
		} \
	}

#define NO_LOAD_PAIR(NE, REG, ELEMENT, LENGTH, BASE)

/* ON = the lanes of exec whose loop variable (register dst) is below the
 * bound (register b), in LOOP and END_LOOP after the variable was written
 * (by LANES, whole rows at once). Every lane's registers are read, with no
 * branch: a test and branch per lane, each lane's write and test in
 * turn, made END_LOOP of 8 lanes cost 1400 cycles on the H200. */
#define LOOP_ON(NE, REG, ON) { \
	ON = lanes_none(); \
	SCALAR_LANE_LOOP for (uint e = 0; e < (NE); e++) \
		lane_set_if(&ON, e, lane_on(&exec, e) & \
					    loop_below(type, REG(dst, e), REG(b, e))); \
}

/* The interpreter loop from instruction 0 to HALT (doc/bytecode.md §7.2),
 * over NE lanes per work-item: REG(r, e) is register r of lane e,
 * PUT(depth, which, &mask) and GET(depth, which) the mask stack. Uses
 * c, lid, mems, wgmem, sh and turn of the enclosing function. Every
 * work-item follows the same pc: IF, ELSE, LOOP and END_LOOP decide their
 * jumps with group_any. The chunk's fields the loop reads on every
 * instruction are kept in locals: through `c` the compiler reloaded them
 * after each register store. */
#define INTERPRET(NE, REG, PUT, GET, LANES, PAIR) \
	lanes_t exec = lanes_none(), finished = lanes_none(); \
	for (uint e = 0; e < (NE); e++) { \
		uint q = e * VIR0_WG + lid; \
		if (q < c->chunk_lanes && c->first + q < c->total) \
			lane_set(&exec, e); \
	} \
	__global const uint4 *const insns = c->insns; \
	__global const uint *const prog = c->prog; \
	__local const uint *const desc = c->desc; \
	const uint fresh = c->fresh; \
	uint depth = 0, pc = 0; \
	for (;;) { \
		uint4 w = insns[pc]; \
		uint op = w.s0 & 0xFFu, type = (w.s0 >> 8) & 0xFFu, dst = w.s0 >> 16; \
		uint a = w.s1 & 0xFFFFu, b = w.s1 >> 16, cc = w.s2 & 0xFFFFu, aux = w.s2 >> 16; \
		uint imm = w.s3; \
		pc++; \
		switch (op) { \
		case BC_CONST: \
			LANES(NE, REG, imm); \
			break; \
		case BC_MOV: \
			LANES(NE, REG, REG(a, e)); \
			break; \
		case BC_BINOP: \
			LANES(NE, REG, vir0_eval_binop(aux, type, REG(a, e), REG(b, e))); \
			break; \
		BINOP_CASES(NE, REG, LANES) \
		case BC_UNOP: \
			LANES(NE, REG, vir0_eval_unop(aux, type, REG(a, e))); \
			break; \
		case BC_CAST: \
			LANES(NE, REG, vir0_eval_cast(type, aux, REG(a, e))); \
			break; \
		case BC_SELECT: \
			LANES(NE, REG, REG(a, e) ? REG(b, e) : REG(cc, e)); \
			break; \
		case BC_FMA: \
			LANES(NE, REG, vir0_f32_fma(REG(a, e), REG(b, e), REG(cc, e))); \
			break; \
		case BC_ID: \
			LANES(NE, REG, lane_id(c, c->first + e * VIR0_WG + lid, aux, imm)); \
			break; \
		case BC_BUF_LEN: { \
			uint length = desc[4u * aux + 3u]; \
			LANES(NE, REG, length); \
			break; \
		} \
		case BC_LOAD: { \
			uint info = prog[PH_BUFFERS + aux]; \
			uint element = info & 0xFFu, length = desc[4u * aux + 3u]; \
			if (((info >> 8) & 0xFFu) == ACCESS_WORKGROUP) { \
				for (uint e = 0; e < (NE); e++) \
					if (lane_on(&exec, e)) { \
						uint i = REG(a, e); \
						REG(dst, e) = i < length \
							? load_local(local_base(c, aux, wgmem, e * VIR0_WG + lid), element, i) \
							: 0u; \
					} \
				break; \
			} \
			__global const uchar *base = buffer_base(c, aux, mems); \
			if (fresh) { \
				LOAD_TYPED(NE, REG, LANES, load_fresh) \
				break; \
			} \
			PAIR(NE, REG, element, length, base) \
			LOAD_TYPED(NE, REG, LANES, load_global) \
			break; \
		} \
		case BC_STORE: { \
			uint info = prog[PH_BUFFERS + aux]; \
			uint element = info & 0xFFu, length = desc[4u * aux + 3u]; \
			if (((info >> 8) & 0xFFu) == ACCESS_WORKGROUP) { \
				for (uint e = 0; e < (NE); e++) \
					if (lane_on(&exec, e) && REG(a, e) < length) \
						store_local(local_base(c, aux, wgmem, e * VIR0_WG + lid), element, \
							    REG(a, e), REG(b, e)); \
				break; \
			} \
			__global uchar *base = buffer_base(c, aux, mems); \
			for (uint e = 0; e < (NE); e++) \
				if (lane_on(&exec, e) && REG(a, e) < length) \
					store_global(base, element, REG(a, e), REG(b, e)); \
			break; \
		} \
		case BC_ATOMIC: { \
			uint info = prog[PH_BUFFERS + aux]; \
			uint element = info & 0xFFu, length = desc[4u * aux + 3u]; \
			if (((info >> 8) & 0xFFu) == ACCESS_WORKGROUP) { \
				for (uint e = 0; e < (NE); e++) { \
					if (!lane_on(&exec, e)) \
						continue; \
					uint i = REG(a, e), old = 0u; \
					uint expected = cc == 0xFFFFu ? 0u : REG(cc, e); \
					if (i < length) \
						old = atomic_local((volatile __local uint *) \
								   local_base(c, aux, wgmem, e * VIR0_WG + lid) + i, \
								   imm, element, REG(b, e), expected); \
					REG(dst, e) = old; \
				} \
				break; \
			} \
			volatile __global uint *words = (volatile __global uint *)buffer_base(c, aux, mems); \
			/* The lanes on the first active in-bounds lane's index fold into \
			 * one atomic (a sum's lanes all hit one word); the others run \
			 * their own. */ \
			uint first = length, folded = 0u, old = 0u; \
			if (atomic_folds(imm)) { \
				for (uint e = 0; e < (NE); e++) { \
					uint i = REG(a, e); \
					if (!lane_on(&exec, e) || i >= length) \
						continue; \
					if (first == length) { \
						first = i; \
						folded = REG(b, e); \
					} else if (i == first) { \
						folded = atomic_fold(imm, element, folded, REG(b, e)); \
					} \
				} \
				if (!group_atomic(words, imm, element, length, first, folded, &old, sh, \
						  turn) && first < length) \
					old = atomic_global(words + first, imm, element, folded, 0u); \
			} \
			for (uint e = 0; e < (NE); e++) { \
				if (!lane_on(&exec, e)) \
					continue; \
				uint i = REG(a, e), value = REG(b, e); \
				uint expected = cc == 0xFFFFu ? 0u : REG(cc, e); \
				if (first < length && i == first) { \
					REG(dst, e) = old; \
					old = atomic_fold(imm, element, old, value); \
				} else { \
					REG(dst, e) = i < length \
						? atomic_global(words + i, imm, element, value, expected) : 0u; \
				} \
			} \
			break; \
		} \
		case BC_IF: { \
			lanes_t taken = lanes_none(); \
			for (uint e = 0; e < (NE); e++) \
				lane_set_if(&taken, e, lane_on(&exec, e) & (REG(a, e) != 0u)); \
			lanes_t other = lanes_but(exec, &taken); \
			PUT(depth, SAVED, &exec); \
			PUT(depth, OTHER, &other); \
			depth++; \
			exec = taken; \
			if (!group_any(lanes_any(&exec), sh, turn)) \
				pc = imm; \
			break; \
		} \
		case BC_ELSE: \
			exec = GET(depth - 1u, OTHER); \
			if (!group_any(lanes_any(&exec), sh, turn)) \
				pc = imm; \
			break; \
		case BC_END_IF: \
			depth--; \
			exec = GET(depth, SAVED); \
			exec = lanes_but(exec, &finished); \
			break; \
		case BC_LOOP: { \
			LANES(NE, REG, REG(a, e)); \
			lanes_t enter; \
			LOOP_ON(NE, REG, enter) \
			PUT(depth, SAVED, &exec); \
			depth++; \
			exec = enter; \
			if (!group_any(lanes_any(&exec), sh, turn)) { \
				depth--; \
				exec = GET(depth, SAVED); \
				pc = imm + 1u; \
			} \
			break; \
		} \
		case BC_END_LOOP: { \
			LANES(NE, REG, REG(dst, e) + 1u); \
			lanes_t again; \
			LOOP_ON(NE, REG, again) \
			exec = again; \
			if (group_any(lanes_any(&exec), sh, turn)) { \
				pc = imm + 1u; \
			} else { \
				depth--; \
				exec = GET(depth, SAVED); \
				exec = lanes_but(exec, &finished); \
			} \
			break; \
		} \
		case BC_RETURN: \
			lanes_add(&finished, &exec); \
			exec = lanes_none(); \
			break; \
		case BC_BARRIER: \
			GROUP_BARRIER(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE); \
			break; \
		default: /* HALT */ \
			return; \
		} \
	}

/* Programs whose registers and nesting fit here run from private memory. */
#define FAST_REGS 64u
#define FAST_DEPTH 16u

static void run_private(const struct chunk *c, __global uchar *const *mems,
			__local uchar *wgmem, __local struct shared *sh, uint *turn)
{
	const uint lid = get_local_id(0);
	/* Aligned for the vector accesses of whole rows (PRIVATE_LANES). */
	uint regs[FAST_REGS * VIR0_LANES] __attribute__((aligned(16)));
	lanes_t stack[2u * FAST_DEPTH];
#define PRIVATE_REG(r, e) regs[(r) * VIR0_LANES + (e)]
#define PRIVATE_PUT(d, which, m) (stack[2u * (d) + (which)] = *(m))
#define PRIVATE_GET(d, which) stack[2u * (d) + (which)]
	INTERPRET(VIR0_LANES, PRIVATE_REG, PRIVATE_PUT, PRIVATE_GET, PRIVATE_LANES, \
		  PRIVATE_LOAD_PAIR)
}

static void run_scratch(const struct chunk *c, __global uint *regs, __global uchar *const *mems,
			__local uchar *wgmem, __local struct shared *sh, uint *turn)
{
	const uint lid = get_local_id(0);
	const uint ne = c->ne;
	__global uint *stack = regs + c->nregs * ne * VIR0_WG;
#define SCRATCH_REG(r, e) regs[((r) * ne + (e)) * VIR0_WG]
#define SCRATCH_PUT(d, which, m) stack_put(stack, (d), (which), (m))
#define SCRATCH_GET(d, which) stack_get(stack, (d), (which))
	INTERPRET(ne, SCRATCH_REG, SCRATCH_PUT, SCRATCH_GET, SCRATCH_LANES, NO_LOAD_PAIR)
}

/* Run the chunk's lanes from instruction 0 to HALT. `regs` is this
 * work-item's scratch, used when the program does not fit in private
 * memory. Not inlined: the kernel reaches it from three places (a batch,
 * the resident loop, a one-chunk slot), and three copies of the two
 * interpreters took NVIDIA's compiler 95 s to build. */
__attribute__((noinline)) static void run_chunk(const struct chunk *c, __global uint *regs,
						__global uchar *const *mems, __local uchar *wgmem,
						__local struct shared *sh, uint *turn)
{
	if (c->ne == VIR0_LANES && c->nregs <= FAST_REGS && c->prog[PH_NESTING] <= FAST_DEPTH)
		run_private(c, mems, wgmem, sh, turn);
	else
		run_scratch(c, regs, mems, wgmem, sh, turn);
}
