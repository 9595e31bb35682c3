/* test_semantics_memory.c - buffer memory of vir0-format.md §1.5 and §9.8-
 * §9.10: Load and Store of every core element type (extension, truncation,
 * byte layout), out-of-bounds Load/Store/Atomic, BufLen, every core atomic
 * op with its returned old value, is_output zero-fill, and the binding size
 * rules. Expected values are worked out by hand from the doc. */
#include "semantics_harness.h"

#include <stdlib.h>
#include <string.h>

static const uint32_t one_group[3] = { 1, 1, 1 };

/* The value type a Load of `element` gives (§1.5), as a buffer kind that
 * stores it whole. */
static enum vir0_type_kind load_type(enum vir0_type_kind element)
{
	switch (element) {
	case VIR0_TYPE_I8: case VIR0_TYPE_I16: case VIR0_TYPE_I32: return VIR0_TYPE_I32;
	case VIR0_TYPE_F32: return VIR0_TYPE_F32;
	case VIR0_TYPE_BOOL: return VIR0_TYPE_BOOL;
	default: return VIR0_TYPE_U32;
	}
}

/* out[0] = in[index] for `in` of `element` holding `bytes`; `count` 0 makes
 * it a run-time-sized buffer. `out` is not an output buffer, so a missing
 * store shows as the 0xDEADBEEF sentinel. */
static uint32_t load_one(int line, enum vir0_type_kind element, uint32_t count,
			 const void *bytes, size_t size, uint32_t index)
{
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	sem_buffer(p, "in", VIR0_ACCESS_READ_ONLY, element, count, 0);
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, load_type(element), 1, 0);
	sem_append(p, &p->body, vir0_store(p, "out", vir0_lit_u32(p, 0),
					   vir0_load(p, "in", vir0_lit_u32(p, index))));
	uint8_t in[16];
	memcpy(in, bytes, size);
	uint32_t out = 0xDEADBEEFu;
	struct vir0_binding b[2] = { { in, size }, { &out, sizeof(out) } };
	sem_run(line, p, one_group, b);
	vir0_program_free(p);
	return out;
}
#define LOAD(element, count, index, expected, ...)                                    \
	do {                                                                          \
		static const uint8_t bytes_[] = { __VA_ARGS__ };                      \
		SEM_EXPECT(load_one(__LINE__, VIR0_TYPE_##element, (count), bytes_,   \
				    sizeof(bytes_), (index)),                         \
			   (expected), "Load %s[%u]", #element, (unsigned)(index));   \
	} while (0)

START_TEST(load_extension)
{
	/* §1.5: narrow unsigned types zero-extend, signed ones sign-extend;
	 * memory is little-endian and packed. */
	LOAD(U8, 4, 1, 0x7Fu, 0x00, 0x7F, 0x80, 0xFF);
	LOAD(U8, 4, 2, 0x80u, 0x00, 0x7F, 0x80, 0xFF);
	LOAD(U8, 4, 3, 0xFFu, 0x00, 0x7F, 0x80, 0xFF);
	LOAD(BYTES, 2, 1, 0xFFu, 0x80, 0xFF);
	LOAD(U16, 3, 0, 0x1234u, 0x34, 0x12, 0x00, 0x80, 0xFF, 0xFF);
	LOAD(U16, 3, 1, 0x8000u, 0x34, 0x12, 0x00, 0x80, 0xFF, 0xFF);
	LOAD(U16, 3, 2, 0xFFFFu, 0x34, 0x12, 0x00, 0x80, 0xFF, 0xFF);
	LOAD(I8, 3, 0, 0xFFFFFF80u, 0x80, 0xFF, 0x7F);          /* -128 */
	LOAD(I8, 3, 1, 0xFFFFFFFFu, 0x80, 0xFF, 0x7F);          /* -1 */
	LOAD(I8, 3, 2, 0x7Fu, 0x80, 0xFF, 0x7F);
	LOAD(I16, 2, 0, 0xFFFF8000u, 0x00, 0x80, 0xFF, 0x7F);   /* -32768 */
	LOAD(I16, 2, 1, 0x7FFFu, 0x00, 0x80, 0xFF, 0x7F);
	LOAD(U32, 2, 1, 0x12345678u, 0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12);
	LOAD(I32, 1, 0, 0x80000000u, 0x00, 0x00, 0x00, 0x80);
	/* Bool: any non-zero u32 is true; the store writes 1. */
	LOAD(BOOL, 3, 0, 0u, 0, 0, 0, 0, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF);
	LOAD(BOOL, 3, 1, 1u, 0, 0, 0, 0, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF);
	LOAD(BOOL, 3, 2, 1u, 0, 0, 0, 0, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF);
	LOAD(BOOL, 1, 0, 1u, 0x00, 0x00, 0x00, 0x80);           /* only the top bit */
	/* F32 loads canonicalise (§9.9). */
	LOAD(F32, 1, 0, 0x7FC00000u, 0x01, 0x00, 0xA0, 0x7F);   /* NaN payload */
	LOAD(F32, 1, 0, 0x80000000u, 0x01, 0x00, 0x00, 0x80);   /* -subnormal -> -0.0 */
	LOAD(F32, 1, 0, 0x3F800000u, 0x00, 0x00, 0x80, 0x3F);
}
END_TEST

START_TEST(load_out_of_bounds)
{
	/* §9.9: i >= len reads nothing and gives the zero of the load type. */
	LOAD(U8, 2, 2, 0u, 0xAA, 0xBB);
	LOAD(U16, 1, 1, 0u, 0xAA, 0xBB);
	LOAD(I8, 1, 1, 0u, 0xFF);
	LOAD(I16, 1, 0xFFFFFFFFu, 0u, 0xFF, 0xFF);
	LOAD(U32, 1, 1, 0u, 1, 2, 3, 4);
	LOAD(I32, 1, 0x80000000u, 0u, 0xFF, 0xFF, 0xFF, 0xFF);
	LOAD(F32, 1, 1, 0u, 0x00, 0x00, 0x80, 0xBF);            /* +0.0, not -0.0 */
	LOAD(BOOL, 1, 1, 0u, 1, 0, 0, 0);                       /* false */
	LOAD(BYTES, 1, 7, 0u, 0x55);
	/* Run-time-sized: the length comes from the binding (§1.5). */
	LOAD(U16, 0, 1, 0x2211u, 0x00, 0x00, 0x11, 0x22);
	LOAD(U16, 0, 2, 0u, 0x00, 0x00, 0x11, 0x22);
	SEM_EXPECT(load_one(__LINE__, VIR0_TYPE_U32, 0, "", 0, 0), 0u,
		   "Load of a run-time-sized buffer of zero elements");
}
END_TEST

/* buf[idx[0]] = value[0], where `buf` is a non-output ReadWrite buffer of
 * `element` that starts as `bytes`. The index comes from a buffer so that
 * an out-of-range one is not rejected by V18. Returns buf's final bytes in
 * `after`. */
static void store_one(int line, enum vir0_type_kind element, uint32_t count,
		      const uint8_t *bytes, size_t size, uint32_t index,
		      uint32_t value_bits, uint8_t *after)
{
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	sem_buffer(p, "buf", VIR0_ACCESS_READ_WRITE, element, count, 0);
	sem_buffer(p, "idx", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, 1, 0);
	sem_buffer(p, "value", VIR0_ACCESS_READ_ONLY, load_type(element), 1, 0);
	sem_append(p, &p->body,
		   vir0_store(p, "buf", vir0_load(p, "idx", vir0_lit_u32(p, 0)),
			      vir0_load(p, "value", vir0_lit_u32(p, 0))));
	memcpy(after, bytes, size);
	struct vir0_binding b[3] = {
		{ after, size }, { &index, sizeof(index) }, { &value_bits, sizeof(value_bits) },
	};
	sem_run(line, p, one_group, b);
	vir0_program_free(p);
}

static void expect_bytes(int line, const char *what, const uint8_t *got,
			 const uint8_t *expected, size_t size)
{
	for (size_t i = 0; i < size; i++)
		sem_expect_bits(line, got[i], expected[i], "%s: byte %zu", what, i);
}

/* STORE(element, count, index, value, {initial bytes}, {expected bytes}) */
#define STORE(element, count, index, value, initial, expected)                        \
	do {                                                                          \
		static const uint8_t initial_[] = initial;                            \
		static const uint8_t expected_[] = expected;                          \
		uint8_t after_[sizeof(initial_)];                                     \
		store_one(__LINE__, VIR0_TYPE_##element, (count), initial_,           \
			  sizeof(initial_), (index), (value), after_);                \
		expect_bytes(__LINE__, "Store " #element, after_, expected_,          \
			     sizeof(initial_));                                       \
	} while (0)
#define BYTES(...) { __VA_ARGS__ }

START_TEST(store_truncation)
{
	/* §1.5: narrow stores keep the low bits; neighbours are untouched. */
	STORE(U8, 3, 1, 0x12345678u, BYTES(0xAA, 0xBB, 0xCC), BYTES(0xAA, 0x78, 0xCC));
	STORE(BYTES, 3, 2, 0x1FFu, BYTES(0xAA, 0xBB, 0xCC), BYTES(0xAA, 0xBB, 0xFF));
	STORE(U16, 2, 1, 0xABCD1234u, BYTES(1, 2, 3, 4), BYTES(1, 2, 0x34, 0x12));
	STORE(I8, 2, 0, 0xFFFFFF7Fu, BYTES(1, 2), BYTES(0x7F, 2));   /* -129 -> 0x7F */
	STORE(I8, 2, 1, 0x180u, BYTES(1, 2), BYTES(1, 0x80));        /* 384 -> 0x80 */
	STORE(I16, 2, 0, 0x12348765u, BYTES(1, 2, 3, 4), BYTES(0x65, 0x87, 3, 4));
	STORE(I16, 1, 0, 0xFFFFFFFFu, BYTES(0, 0), BYTES(0xFF, 0xFF)); /* -1 */
	STORE(U32, 2, 1, 0x12345678u, BYTES(1, 2, 3, 4, 5, 6, 7, 8),
	      BYTES(1, 2, 3, 4, 0x78, 0x56, 0x34, 0x12));
	STORE(I32, 1, 0, 0x80000000u, BYTES(1, 2, 3, 4), BYTES(0, 0, 0, 0x80));
	/* Bool writes u32 1 for true (a loaded 0xFFFFFFFF is true) and 0. */
	STORE(BOOL, 2, 0, 1u, BYTES(9, 9, 9, 9, 9, 9, 9, 9), BYTES(1, 0, 0, 0, 9, 9, 9, 9));
	STORE(BOOL, 1, 0, 0xFFFFFFFFu, BYTES(9, 9, 9, 9), BYTES(1, 0, 0, 0));
	STORE(BOOL, 1, 0, 0u, BYTES(9, 9, 9, 9), BYTES(0, 0, 0, 0));
	/* F32 writes the canonical bits: the value was canonicalised on load. */
	STORE(F32, 1, 0, 0x7FA00001u, BYTES(9, 9, 9, 9), BYTES(0x00, 0x00, 0xC0, 0x7F));
	STORE(F32, 1, 0, 0x80000000u, BYTES(9, 9, 9, 9), BYTES(0x00, 0x00, 0x00, 0x80));
}
END_TEST

START_TEST(store_out_of_bounds)
{
	/* §9.9: i >= len has no effect. */
	STORE(U8, 3, 3, 0x77u, BYTES(0xAA, 0xBB, 0xCC), BYTES(0xAA, 0xBB, 0xCC));
	STORE(U16, 2, 2, 0x7777u, BYTES(1, 2, 3, 4), BYTES(1, 2, 3, 4));
	STORE(U32, 2, 0xFFFFFFFFu, 7u, BYTES(1, 2, 3, 4, 5, 6, 7, 8),
	      BYTES(1, 2, 3, 4, 5, 6, 7, 8));
	STORE(F32, 2, 2, 0x3F800000u, BYTES(1, 2, 3, 4, 5, 6, 7, 8),
	      BYTES(1, 2, 3, 4, 5, 6, 7, 8));
	/* Run-time-sized buffer of two U16: element 2 is out of bounds. */
	STORE(U16, 0, 2, 0x7777u, BYTES(1, 2, 3, 4), BYTES(1, 2, 3, 4));
	STORE(U16, 0, 1, 0x7777u, BYTES(1, 2, 3, 4), BYTES(1, 2, 0x77, 0x77));
}
END_TEST

START_TEST(store_out_of_bounds_evaluates_operands)
{
	/* §9.9: index and value are still evaluated, with their side effects.
	 * buf[Atomic Add cnt[0] + 100] = Atomic Add cnt[1]; and a run-time-
	 * sized buffer stored at a literal index past its end (V18 applies only
	 * to counted buffers). */
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "buf", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 2, 0);
	sem_buffer(p, "cnt", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 2, 0);
	sem_buffer(p, "dyn", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 0, 0);
	struct vir0_expr *index = vir0_binop(
		p, VIR0_BIN_ADD,
		vir0_atomic(p, VIR0_ATOMIC_ADD, "cnt", vir0_lit_u32(p, 0), NULL, vir0_lit_u32(p, 1)),
		vir0_lit_u32(p, 100));
	struct vir0_expr *value =
		vir0_atomic(p, VIR0_ATOMIC_ADD, "cnt", vir0_lit_u32(p, 1), NULL, vir0_lit_u32(p, 5));
	sem_append(p, &p->body, vir0_store(p, "buf", index, value));
	sem_append(p, &p->body, vir0_store(p, "dyn", vir0_lit_u32(p, 3), vir0_lit_u32(p, 9)));
	sem_append(p, &p->body, vir0_store(p, "dyn", vir0_lit_u32(p, 2), vir0_lit_u32(p, 8)));
	uint32_t buf[2] = { 11, 22 }, cnt[2] = { 0, 0 }, dyn[3] = { 1, 2, 3 };
	struct vir0_binding b[3] = { { buf, sizeof(buf) }, { cnt, sizeof(cnt) }, { dyn, sizeof(dyn) } };
	if (SEM_RUN(p, one_group, b)) {
		SEM_EXPECT(buf[0], 11, "buf[0] untouched");
		SEM_EXPECT(buf[1], 22, "buf[1] untouched");
		SEM_EXPECT(cnt[0], 1, "index side effect ran");
		SEM_EXPECT(cnt[1], 5, "value side effect ran");
		SEM_EXPECT(dyn[0], 1, "dyn[0] untouched");
		SEM_EXPECT(dyn[1], 2, "dyn[1] untouched");
		SEM_EXPECT(dyn[2], 8, "dyn[2] written");
	}
	vir0_program_free(p);
}
END_TEST

START_TEST(buf_len)
{
	/* §9.8: BufLen is count, or bytes / element size for count 0, or the
	 * Workgroup count. */
	static const enum vir0_type_kind kinds[] = {
		VIR0_TYPE_U8, VIR0_TYPE_U16, VIR0_TYPE_U16, VIR0_TYPE_BOOL, VIR0_TYPE_I8,
		VIR0_TYPE_F32, VIR0_TYPE_I16, VIR0_TYPE_BYTES,
	};
	static const uint32_t counts[] = { 7, 0, 0, 0, 0, 0, 2, 0 };
	static const size_t sizes[] = { 7, 10, 0, 12, 3, 8, 4, 5 };
	static const uint32_t expected[] = { 7, 5, 0, 3, 3, 2, 2, 5, 3 };
	enum { N = 8 };
	static const char *const names[N] = { "b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7" };
	vir0_program *p = vir0_program_new();
	for (unsigned i = 0; i < N; i++)
		sem_buffer(p, names[i], VIR0_ACCESS_READ_ONLY, kinds[i], counts[i], 0);
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, N + 1, 1);
	sem_buffer(p, "shared", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 3, 0);
	for (unsigned i = 0; i < N; i++)
		sem_append(p, &p->body, vir0_store(p, "out", vir0_lit_u32(p, i),
						   vir0_buf_len(p, names[i])));
	sem_append(p, &p->body,
		   vir0_store(p, "out", vir0_lit_u32(p, N), vir0_buf_len(p, "shared")));
	static uint8_t memory[N][16];
	uint32_t out[N + 1];
	struct vir0_binding b[N + 2];
	for (unsigned i = 0; i < N; i++)
		b[i] = (struct vir0_binding){ memory[i], sizes[i] };
	b[N] = (struct vir0_binding){ out, sizeof(out) };
	b[N + 1] = (struct vir0_binding){ NULL, 0 };
	if (SEM_RUN(p, one_group, b))
		for (unsigned i = 0; i <= N; i++)
			SEM_EXPECT(out[i], expected[i], "BufLen of buffer %u", i);
	vir0_program_free(p);
}
END_TEST

START_TEST(binding_sizes)
{
	/* §1.5: a counted buffer must be bound to exactly count * size bytes,
	 * a run-time-sized one to a whole number of elements (VIR0_EARG). */
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "fixed", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 2, 0);
	sem_buffer(p, "dyn", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U16, 0, 0);
	sem_append(p, &p->body, vir0_store(p, "fixed", vir0_lit_u32(p, 0), vir0_buf_len(p, "dyn")));
	ck_assert_int_eq(vir0_validate(p, NULL), VIR0_OK);
	uint32_t fixed[3] = { 0 };
	uint8_t dyn[5] = { 0 };
	struct vir0_binding good[2] = { { fixed, 8 }, { dyn, 4 } };
	struct vir0_binding too_big[2] = { { fixed, 12 }, { dyn, 4 } };
	struct vir0_binding too_small[2] = { { fixed, 4 }, { dyn, 4 } };
	struct vir0_binding ragged[2] = { { fixed, 8 }, { dyn, 5 } };
	struct vir0_error err;
	SEM_EXPECT((uint32_t)vir0_run_reference(p, one_group, good, 2, &err), VIR0_OK, "good sizes");
	SEM_EXPECT(fixed[0], 2, "BufLen of 4 bytes of U16");
	SEM_EXPECT((uint32_t)vir0_run_reference(p, one_group, too_big, 2, &err),
		   (uint32_t)VIR0_EARG, "12 bytes for count 2 of U32");
	SEM_EXPECT((uint32_t)vir0_run_reference(p, one_group, too_small, 2, &err),
		   (uint32_t)VIR0_EARG, "4 bytes for count 2 of U32");
	SEM_EXPECT((uint32_t)vir0_run_reference(p, one_group, ragged, 2, &err),
		   (uint32_t)VIR0_EARG, "5 bytes for run-time-sized U16");
	vir0_program_free(p);
}
END_TEST

START_TEST(grid_rules)
{
	/* §1.6: a grid whose ids would pass 2^32 on an axis is refused, and the
	 * default grid is max(1, ceil(longest non-Workgroup buffer / ws[0])). */
	vir0_program *p = vir0_program_new();
	p->workgroup_size[0] = 64;
	p->workgroup_size[1] = 2;
	sem_buffer(p, "small", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 10, 1);
	sem_buffer(p, "big", VIR0_ACCESS_UNIFORM, VIR0_TYPE_U16, 257, 0);
	sem_buffer(p, "dyn", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U8, 0, 0);
	sem_buffer(p, "sh", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 1000, 0);
	ck_assert_int_eq(vir0_validate(p, NULL), VIR0_OK);
	uint32_t small[10];
	uint16_t big[257];
	uint8_t dyn[300];
	struct vir0_binding b[4] = {
		{ small, sizeof(small) }, { big, sizeof(big) }, { dyn, 100 }, { NULL, 0 },
	};
	uint32_t groups[3] = { 0, 0, 0 };
	struct vir0_error err;
	SEM_EXPECT((uint32_t)vir0_default_grid(p, b, groups, &err), VIR0_OK, "default grid");
	SEM_EXPECT(groups[0], 5, "G0 = ceil(257 / 64)");
	SEM_EXPECT(groups[1], 1, "G1 (workgroup_size[1] is not used)");
	SEM_EXPECT(groups[2], 1, "G2");
	b[2].size = 300;
	SEM_EXPECT((uint32_t)vir0_default_grid(p, b, groups, &err), VIR0_OK, "default grid");
	SEM_EXPECT(groups[0], 5, "G0 = ceil(300 / 64), from the run-time-sized buffer");
	static const uint32_t x_overflow[3] = { 0x4000001u, 1, 1 };  /* 64 * that > 2^32 */
	static const uint32_t y_overflow[3] = { 1, 0x80000001u, 1 }; /* 2 * that > 2^32 */
	SEM_EXPECT((uint32_t)vir0_run_reference(p, x_overflow, b, 4, &err), (uint32_t)VIR0_EARG,
		   "grid past 2^32 invocation ids on X");
	SEM_EXPECT((uint32_t)vir0_run_reference(p, y_overflow, b, 4, &err), (uint32_t)VIR0_EARG,
		   "grid past 2^32 invocation ids on Y");
	vir0_program_free(p);

	p = vir0_program_new(); /* only Workgroup memory: max_count 0 -> G0 = 1 */
	p->workgroup_size[0] = 8;
	sem_buffer(p, "sh", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 64, 0);
	struct vir0_binding none[1] = { { NULL, 0 } };
	SEM_EXPECT((uint32_t)vir0_default_grid(p, none, groups, &err), VIR0_OK, "default grid");
	SEM_EXPECT(groups[0], 1, "G0 with no caller buffers");
	vir0_program_free(p);
}
END_TEST

START_TEST(output_zero_fill)
{
	/* §1.5: is_output buffers are zero-filled before the dispatch; other
	 * ReadWrite buffers keep the caller's contents where not written. */
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 3, 1);
	sem_buffer(p, "keep", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 3, 0);
	sem_buffer(p, "bytes", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U8, 3, 1);
	sem_append(p, &p->body, vir0_store(p, "out", vir0_lit_u32(p, 1),
					   vir0_load(p, "out", vir0_lit_u32(p, 0))));
	sem_append(p, &p->body, vir0_store(p, "keep", vir0_lit_u32(p, 1), vir0_lit_u32(p, 5)));
	sem_append(p, &p->body, vir0_store(p, "bytes", vir0_lit_u32(p, 0), vir0_lit_u32(p, 7)));
	uint32_t out[3] = { 0xAAAAAAAAu, 0xAAAAAAAAu, 0xAAAAAAAAu };
	uint32_t keep[3] = { 0xAAAAAAAAu, 0xAAAAAAAAu, 0xAAAAAAAAu };
	uint8_t bytes[3] = { 0xAA, 0xAA, 0xAA };
	struct vir0_binding b[3] = { { out, sizeof(out) }, { keep, sizeof(keep) }, { bytes, 3 } };
	if (SEM_RUN(p, one_group, b)) {
		SEM_EXPECT(out[0], 0, "out[0] zero-filled");
		SEM_EXPECT(out[1], 0, "out[1] = out[0], read after the fill");
		SEM_EXPECT(out[2], 0, "out[2] zero-filled");
		SEM_EXPECT(keep[0], 0xAAAAAAAAu, "keep[0] kept");
		SEM_EXPECT(keep[1], 5, "keep[1] written");
		SEM_EXPECT(keep[2], 0xAAAAAAAAu, "keep[2] kept");
		SEM_EXPECT(bytes[0], 7, "bytes[0] written");
		SEM_EXPECT(bytes[1], 0, "bytes[1] zero-filled");
		SEM_EXPECT(bytes[2], 0, "bytes[2] zero-filled");
	}
	vir0_program_free(p);
}
END_TEST

static struct vir0_expr *typed_literal(vir0_program *p, enum vir0_type_kind element,
				       uint32_t bits)
{
	if (element == VIR0_TYPE_I32)
		return vir0_lit_i32(p, (int32_t)bits);
	return vir0_lit_u32(p, bits);
}

/* r[0] = Atomic op c[index] (expected) value, on a two-element non-output
 * buffer `c` of `element` (U32 or I32) starting as {initial, 0x5A5A5A5A}.
 * Returns the atomic's result; *c0 and *c1 get c's final contents. */
static uint32_t atomic_one(int line, enum vir0_atomic_op op, enum vir0_type_kind element,
			   uint32_t initial, uint32_t index, const uint32_t *expected,
			   uint32_t value, uint32_t *c0, uint32_t *c1)
{
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "c", VIR0_ACCESS_READ_WRITE, element, 2, 0);
	sem_buffer(p, "r", VIR0_ACCESS_READ_WRITE, element, 1, 0);
	struct vir0_expr *value_expr = typed_literal(p, element, value);
	struct vir0_expr *expected_expr = expected ? typed_literal(p, element, *expected) : NULL;
	sem_append(p, &p->body,
		   vir0_store(p, "r", vir0_lit_u32(p, 0),
			      vir0_atomic(p, op, "c", vir0_lit_u32(p, index), expected_expr,
					  value_expr)));
	uint32_t c[2] = { initial, 0x5A5A5A5Au }, r = 0xDEADBEEFu;
	struct vir0_binding b[2] = { { c, sizeof(c) }, { &r, sizeof(r) } };
	sem_run(line, p, one_group, b);
	vir0_program_free(p);
	*c0 = c[0];
	*c1 = c[1];
	return r;
}

static void expect_atomic(int line, enum vir0_atomic_op op, enum vir0_type_kind element,
			  uint32_t initial, uint32_t index, const uint32_t *expected,
			  uint32_t value, uint32_t result, uint32_t memory)
{
	uint32_t c0, c1;
	uint32_t got = atomic_one(line, op, element, initial, index, expected, value, &c0, &c1);
	sem_expect_bits(line, got, result, "Atomic 0x%02X returned value", (unsigned)op);
	sem_expect_bits(line, c0, memory, "Atomic 0x%02X memory after", (unsigned)op);
	sem_expect_bits(line, c1, 0x5A5A5A5Au, "Atomic 0x%02X neighbour element", (unsigned)op);
}
#define ATOMIC(op, element, initial, value, result, memory) \
	expect_atomic(__LINE__, VIR0_ATOMIC_##op, VIR0_TYPE_##element, (initial), 0, NULL, \
		      (value), (result), (memory))
#define CAS(element, initial, expected, value, memory)                                 \
	do {                                                                           \
		const uint32_t expected_ = (expected);                                 \
		expect_atomic(__LINE__, VIR0_ATOMIC_COMPARE_EXCHANGE,                  \
			      VIR0_TYPE_##element, (initial), 0, &expected_, (value),  \
			      (initial), (memory));                                    \
	} while (0)

START_TEST(atomic_ops)
{
	/* §6.3/§9.10: the result is always the old value. */
	ATOMIC(ADD, U32, 10, 5, 10, 15);
	ATOMIC(ADD, U32, 0xFFFFFFFFu, 2, 0xFFFFFFFFu, 1);           /* wraps */
	ATOMIC(ADD, I32, 0x7FFFFFFFu, 1, 0x7FFFFFFFu, 0x80000000u); /* INT_MAX + 1 */
	ATOMIC(OR, U32, 0x0Fu, 0xF0u, 0x0Fu, 0xFFu);
	ATOMIC(AND, U32, 0xFFu, 0x0Fu, 0xFFu, 0x0Fu);
	ATOMIC(XOR, U32, 0xFFu, 0x0Fu, 0xFFu, 0xF0u);
	ATOMIC(XOR, I32, 0xFFFFFFFFu, 0x7FFFFFFFu, 0xFFFFFFFFu, 0x80000000u);
	ATOMIC(MIN, U32, 0xFFFFFFFFu, 5, 0xFFFFFFFFu, 5);           /* unsigned */
	ATOMIC(MIN, I32, 0xFFFFFFFFu, 5, 0xFFFFFFFFu, 0xFFFFFFFFu); /* signed: -1 < 5 */
	ATOMIC(MAX, U32, 5, 0xFFFFFFFFu, 5, 0xFFFFFFFFu);
	ATOMIC(MAX, I32, 5, 0xFFFFFFFFu, 5, 5);                     /* signed: 5 > -1 */
	ATOMIC(MAX, I32, 0xFFFFFFFEu, 0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFFFu); /* -2 -> -1 */
	ATOMIC(EXCHANGE, U32, 10, 99, 10, 99);
	ATOMIC(EXCHANGE, I32, 0x80000000u, 0xFFFFFFFFu, 0x80000000u, 0xFFFFFFFFu);
	CAS(U32, 10, 10, 77, 77);                                   /* success */
	CAS(U32, 10, 11, 77, 10);                                   /* failure */
	CAS(I32, 0xFFFFFFFFu, 0xFFFFFFFFu, 3, 3);                   /* -1 == -1 */
	CAS(I32, 0xFFFFFFFFu, 1, 3, 0xFFFFFFFFu);
}
END_TEST

START_TEST(atomic_out_of_bounds)
{
	/* §9.10: no read, no write, result 0. */
	static const uint32_t expected_seven = 7;
	expect_atomic(__LINE__, VIR0_ATOMIC_ADD, VIR0_TYPE_U32, 7, 2, NULL, 5, 0, 7);
	expect_atomic(__LINE__, VIR0_ATOMIC_EXCHANGE, VIR0_TYPE_I32, 7, 0xFFFFFFFFu, NULL,
		      0xFFFFFFFFu, 0, 7);
	expect_atomic(__LINE__, VIR0_ATOMIC_MAX, VIR0_TYPE_U32, 7, 9, NULL, 100, 0, 7);
	expect_atomic(__LINE__, VIR0_ATOMIC_COMPARE_EXCHANGE, VIR0_TYPE_U32, 7, 2,
		      &expected_seven, 1, 0, 7);
}
END_TEST

static Suite *semantics_memory_suite(void)
{
	Suite *s = suite_create("semantics_memory");
	TCase *tc = sem_tcase("load_store");
	tcase_add_test(tc, load_extension);
	tcase_add_test(tc, load_out_of_bounds);
	tcase_add_test(tc, store_truncation);
	tcase_add_test(tc, store_out_of_bounds);
	tcase_add_test(tc, store_out_of_bounds_evaluates_operands);
	tcase_add_test(tc, buf_len);
	tcase_add_test(tc, binding_sizes);
	tcase_add_test(tc, grid_rules);
	tcase_add_test(tc, output_zero_fill);
	suite_add_tcase(s, tc);
	TCase *ta = sem_tcase("atomics");
	tcase_add_test(ta, atomic_ops);
	tcase_add_test(ta, atomic_out_of_bounds);
	suite_add_tcase(s, ta);
	return s;
}

int main(void)
{
	return sem_run_suite(semantics_memory_suite());
}
