/* cpu_mem.c - LOAD, STORE and ATOMIC over a block of lanes (fmt §9.9,
 * §9.10). Every element access goes through vir0_view_load /
 * vir0_view_store (dispatch.h), so conversions and bounds are the
 * reference's. Two index patterns are common enough to get a loop of
 * their own: every active lane at one index (a uniform operand) and
 * consecutive indices (buffer[gid.x]), which reads or writes a window of
 * the block's width of elements with vectorised loops. */
#include "cpu_block.h"

#include "expr_type.h"

/* Inlined into each build of the loops that use it (VIR0_CPU_VECTOR_CLONES),
 * so it runs in that build's instruction set. */
#define MEM_STEP static inline __attribute__((always_inline))

/* Index of the first lane on in `mask`, or width. */
MEM_STEP unsigned first_on(const uint32_t *restrict mask, unsigned width)
{
	for (unsigned l = 0; l < width; l++)
		if (mask[l])
			return l;
	return width;
}

/* 1 when every lane on in `mask` has index[l] == base + l * step. */
MEM_STEP int lanes_follow(const uint32_t *restrict index, const uint32_t *restrict mask,
			  uint32_t base, uint32_t step, unsigned width)
{
	uint32_t differ = 0;
	VIR0_CPU_FOR_LANES(l, width)
		differ |= (index[l] ^ (base + l * step)) & mask[l];
	return differ == 0;
}

/* The `width` elements at `data`, all in bounds, a group of lanes at a
 * time through a view whose length and element kind are constants: the
 * compiler drops the bounds test and vectorises the conversion. One function pair per element kind,
 * not inlined, because gcc forgets the restrict parameters (the buffer
 * and the lanes do not overlap) of a function it inlines. */
#define WINDOW_FNS(name, kind, raw) \
	static __attribute__((noinline)) VIR0_CPU_VECTOR_CLONES void \
	load_window_##name(uint32_t *restrict out, uint8_t *restrict data, unsigned width) \
	{ \
		for (unsigned group = 0; group < width; group += VIR0_CPU_LANES) { \
			const struct vir0_buffer_view sub = { \
				.data = data + (size_t)group * sizeof(raw), \
				.length = VIR0_CPU_LANES, .element = kind }; \
			uint32_t *restrict lanes = out + group; \
			for (unsigned l = 0; l < VIR0_CPU_LANES; l++) \
				lanes[l] = vir0_view_load(&sub, l); \
		} \
	} \
	static __attribute__((noinline)) VIR0_CPU_VECTOR_CLONES void \
	store_window_##name(uint8_t *restrict data, const uint32_t *restrict value, \
			    unsigned width) \
	{ \
		for (unsigned group = 0; group < width; group += VIR0_CPU_LANES) { \
			const struct vir0_buffer_view sub = { \
				.data = data + (size_t)group * sizeof(raw), \
				.length = VIR0_CPU_LANES, .element = kind }; \
			const uint32_t *restrict lanes = value + group; \
			for (unsigned l = 0; l < VIR0_CPU_LANES; l++) \
				vir0_view_store(&sub, l, lanes[l]); \
		} \
	}

typedef void (*load_window_fn)(uint32_t *restrict out, uint8_t *restrict data,
			       unsigned width);
typedef void (*gather_fn)(uint32_t *restrict out, uint8_t *restrict data, uint32_t length,
			  const uint32_t *restrict index, unsigned width);
typedef void (*store_window_fn)(uint8_t *restrict data, const uint32_t *restrict value,
				unsigned width);

/* A window starts at `base` when all `width` elements from base are in
 * bounds. */
MEM_STEP int window_fits(const struct vir0_buffer_view *view, uint32_t base, unsigned width)
{
	return (uint64_t)base + width <= view->length;
}

/* Every lane on in `mask` reads one index: the decoder proved it, or the
 * lanes say so. */
MEM_STEP int one_index(const struct vir0_cpu_where *where, const uint32_t *restrict mask,
		     unsigned first)
{
	if (where->kind != VIR0_CPU_INDEX_ANY)
		return where->kind == VIR0_CPU_INDEX_UNIFORM;
	return lanes_follow(where->index, mask, where->index[first], 0, where->width);
}

/* Every lane l on in `mask` reads index *base + l; *base is set either way. */
MEM_STEP int consecutive(const struct vir0_cpu_where *where, const uint32_t *restrict mask,
		       unsigned first, uint32_t *base)
{
	if (where->kind == VIR0_CPU_INDEX_LINEAR) {
		*base = where->first;
		return 1;
	}
	*base = where->index[first] - first;
	return where->kind == VIR0_CPU_INDEX_ANY &&
	       lanes_follow(where->index, mask, *base, 1, where->width);
}

/* `size`: bytes of one element of kind `element`. */
static inline __attribute__((always_inline)) void
load_lanes(uint32_t *out, const struct vir0_buffer_view *view, uint8_t element, size_t size,
	   load_window_fn load_window, gather_fn gather, const struct vir0_cpu_where *where,
	   const uint32_t *restrict mask, int full)
{
	unsigned width = where->width;
	unsigned first = full ? 0 : first_on(mask, width);
	if (first == width)
		return;
	const uint32_t *index = where->index;
	if (one_index(where, mask, first)) {
		struct vir0_buffer_view typed = *view;
		typed.element = element;
		uint32_t value = vir0_view_load(&typed, index[first]);
		VIR0_CPU_FOR_LANES(l, width)
			out[l] = full ? value : (value & mask[l]) | (out[l] & ~mask[l]);
		return;
	}
	uint32_t base;
	if (consecutive(where, mask, first, &base) && window_fits(view, base, width)) {
		uint8_t *data = view->data + (size_t)base * size;
		if (full) {
			load_window(out, data, width);
			return;
		}
		/* Lanes off read in-bounds elements too, then drop them. */
		_Alignas(VIR0_CPU_ALIGN) uint32_t window[VIR0_CPU_MAX_LANES];
		load_window(window, data, width);
		vir0_cpu_blend(out, window, mask, width);
		return;
	}
	if (view->length == 0) {
		/* Every lane out of bounds. */
		VIR0_CPU_FOR_LANES(l, width)
			out[l] = full ? 0 : out[l] & ~mask[l];
		return;
	}
	if (full) {
		gather(out, view->data, view->length, index, width);
		return;
	}
	_Alignas(VIR0_CPU_ALIGN) uint32_t gathered[VIR0_CPU_MAX_LANES];
	gather(gathered, view->data, view->length, index, width);
	vir0_cpu_blend(out, gathered, mask, width);
}

static inline __attribute__((always_inline)) void
store_lanes(const struct vir0_buffer_view *view, uint8_t element, size_t size,
	    store_window_fn store_window, const struct vir0_cpu_where *where,
	    const uint32_t *restrict value, const uint32_t *restrict mask, int full)
{
	/* Only a fully active block may write a whole window: a lane that is
	 * off must leave its element alone. */
	uint32_t base;
	unsigned width = where->width;
	if (full && consecutive(where, mask, 0, &base) && window_fits(view, base, width)) {
		store_window(view->data + (size_t)base * size, value, width);
		return;
	}
	struct vir0_buffer_view typed = *view;
	typed.element = element;
	const uint32_t *index = where->index;
	for (unsigned l = 0; l < width; l++)
		if (mask[l])
			vir0_view_store(&typed, index[l], value[l]);
}

typedef void (*load_fn)(uint32_t *out, const struct vir0_buffer_view *view,
			const struct vir0_cpu_where *where, const uint32_t *mask, int full);
typedef void (*store_fn)(const struct vir0_buffer_view *view, const struct vir0_cpu_where *where,
			 const uint32_t *value, const uint32_t *mask, int full);

#define LANES_FNS(name, kind, raw) \
	static VIR0_CPU_VECTOR_CLONES void \
	load_##name(uint32_t *out, const struct vir0_buffer_view *view, \
		    const struct vir0_cpu_where *where, const uint32_t *mask, int full) \
	{ \
		load_lanes(out, view, kind, sizeof(raw), load_window_##name, gather_##name, \
			   where, mask, full); \
	} \
	static VIR0_CPU_VECTOR_CLONES void \
	store_##name(const struct vir0_buffer_view *view, const struct vir0_cpu_where *where, \
		     const uint32_t *value, const uint32_t *mask, int full) \
	{ \
		store_lanes(view, kind, sizeof(raw), store_window_##name, where, value, mask, \
			    full); \
	}

/* One copy of the loops per element kind, each with the kind a constant,
 * and the C type of its raw bits; U32 and I32 elements are the same 32
 * bits. */
#define ELEMENT_KINDS(X) \
	X(u8, VIR0_TYPE_U8, uint8_t) X(bytes, VIR0_TYPE_BYTES, uint8_t) \
	X(i8, VIR0_TYPE_I8, uint8_t) X(u16, VIR0_TYPE_U16, uint16_t) \
	X(i16, VIR0_TYPE_I16, uint16_t) X(f32, VIR0_TYPE_F32, uint32_t) \
	X(bool, VIR0_TYPE_BOOL, uint32_t) X(word, VIR0_TYPE_U32, uint32_t)

ELEMENT_KINDS(WINDOW_FNS)

/* Any indices: every lane reads the raw bits at its index clamped into
 * the buffer, without a branch, so the loop vectorises (AVX2 gathers for
 * 32-bit elements; gcc gathers only through an aligned pointer, and
 * caller buffers need not be aligned, hence two loops); the window loop then
 * converts them as vir0_view_load does, and a lane whose index the clamp
 * moved gets 0 (out of bounds). The view is not empty. */
#define GATHER_FN(name, kind, raw) \
	typedef raw unaligned_##name __attribute__((aligned(1), may_alias)); \
	static __attribute__((noinline)) VIR0_CPU_VECTOR_CLONES void \
	gather_##name(uint32_t *restrict out, uint8_t *restrict data, uint32_t length, \
		      const uint32_t *restrict index, unsigned width) \
	{ \
		_Alignas(VIR0_CPU_ALIGN) raw bits[VIR0_CPU_MAX_LANES]; \
		_Alignas(VIR0_CPU_ALIGN) uint32_t value[VIR0_CPU_MAX_LANES]; \
		uint32_t last = length - 1; \
		if ((uintptr_t)data % sizeof(raw) == 0) { \
			const raw *elements = (const raw *)(void *)data; \
			VIR0_CPU_FOR_LANES(l, width) \
				bits[l] = elements[index[l] < last ? index[l] : last]; \
		} else { \
			const unaligned_##name *elements = \
				(const unaligned_##name *)(void *)data; \
			VIR0_CPU_FOR_LANES(l, width) \
				bits[l] = elements[index[l] < last ? index[l] : last]; \
		} \
		load_window_##name(value, (uint8_t *)bits, width); \
		VIR0_CPU_FOR_LANES(l, width) \
			out[l] = index[l] <= last ? value[l] : 0; \
	}

ELEMENT_KINDS(GATHER_FN)
ELEMENT_KINDS(LANES_FNS)

struct element_access {
	load_fn load;
	store_fn store;
};

#define ACCESS_ENTRY(name, kind, raw) [kind] = { load_##name, store_##name },

static const struct element_access access_by_kind[VIR0_TYPE_I16 + 1] = {
	ELEMENT_KINDS(ACCESS_ENTRY)
	[VIR0_TYPE_I32] = { load_word, store_word },
};

static const struct element_access *access_for(const struct vir0_buffer_view *view)
{
	if (view->element < sizeof(access_by_kind) / sizeof(access_by_kind[0]) &&
	    access_by_kind[view->element].load)
		return &access_by_kind[view->element];
	return &access_by_kind[VIR0_TYPE_U32];
}

void vir0_cpu_load(uint32_t *out, const struct vir0_buffer_view *view,
		   const struct vir0_cpu_where *where, const uint32_t *mask, int full)
{
	access_for(view)->load(out, view, where, mask, full);
}

void vir0_cpu_store(const struct vir0_buffer_view *view, const struct vir0_cpu_where *where,
		    const uint32_t *value, const uint32_t *mask, int full)
{
	access_for(view)->store(view, where, value, mask, full);
}

/* ---- atomics ------------------------------------------------------------ */

/* Apply lanes [first, end) that are on in `mask`, in lane order, to one
 * element whose value is `old`, as if one after another: out[l] gets each
 * lane's old value. Returns the element's final value. */
MEM_STEP uint32_t fold_lanes(uint32_t *restrict out, uint8_t op, uint8_t element, uint32_t old,
			     const uint32_t *restrict value, const uint32_t *restrict expected,
			     const uint32_t *restrict mask, unsigned first, unsigned end)
{
	if (op == VIR0_ATOMIC_ADD) {
		/* The common case (sums, counts), without a call per lane. */
		for (unsigned l = first; l < end; l++) {
			out[l] = old;
			old += value[l] & mask[l];
		}
		return old;
	}
	for (unsigned l = first; l < end; l++) {
		if (!mask[l])
			continue;
		out[l] = old;
		old = vir0_atomic_new_value(op, element, old, value[l], expected[l]);
	}
	return old;
}

/* Lanes [first, end) on in `mask`, all at in-bounds element `index` of a
 * U32 or I32 buffer, as one indivisible step. With `shared`, other threads
 * update the element too: compare-and-swap the folded value, which needs
 * the 4-byte alignment the engine checked before it started them. */
MEM_STEP void atomic_element(uint32_t *restrict out, const struct vir0_buffer_view *view,
			     uint8_t op, int shared, uint32_t index,
			     const uint32_t *restrict value, const uint32_t *restrict expected,
			     const uint32_t *restrict mask, unsigned first, unsigned end)
{
	uint8_t *at = view->data + (size_t)index * 4;
	uint32_t old;
	if (!shared) {
		memcpy(&old, at, sizeof(old));
		old = fold_lanes(out, op, view->element, old, value, expected, mask, first, end);
		memcpy(at, &old, sizeof(old));
		return;
	}
	uint32_t *word = (uint32_t *)(void *)at;
	old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	for (;;) {
		uint32_t final = fold_lanes(out, op, view->element, old, value, expected, mask,
					    first, end);
		if (__atomic_compare_exchange_n(word, &old, final, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return;
	}
}

void vir0_cpu_atomic(uint32_t *restrict out, const struct vir0_buffer_view *view,
		     uint8_t op, int shared, const struct vir0_cpu_where *where,
		     const uint32_t *restrict value, const uint32_t *restrict expected,
		     const uint32_t *restrict mask)
{
	unsigned width = where->width;
	unsigned first = first_on(mask, width);
	if (first == width)
		return;
	const uint32_t *index = where->index;
	if (one_index(where, mask, first) && index[first] < view->length) {
		/* Every lane on the same element: one read-modify-write for all. */
		atomic_element(out, view, op, shared, index[first], value, expected, mask,
			       first, width);
		return;
	}
	for (unsigned l = first; l < width; l++) {
		if (!mask[l])
			continue;
		if (index[l] >= view->length)
			out[l] = 0; /* no access, result 0 (fmt §9.10) */
		else
			atomic_element(out, view, op, shared, index[l], value, expected, mask,
				       l, l + 1);
	}
}
