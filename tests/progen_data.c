/* progen_data.c - edge-case values for generated literals and for the
 * initial contents of generated buffers: the inputs where executors most
 * often disagree (fmt §9.4-§9.7: zero divisors, INT_MIN / -1, shifts of 32
 * and more, NaN payloads, infinities, subnormals, -0.0, float-to-int
 * saturation limits). */
#include "progen_internal.h"

#include <string.h>

static const uint32_t int_edges[] = {
	0, 1, 2, 3, 5, 7, 8, 31, 32, 33, 63, 64, 0x7F, 0x80, 0xFF, 0x100,
	0x7FFF, 0x8000, 0xFFFF, 0x10000,
	0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFE0,
	0xFFFFFF80, 0x01000001,
};

static const uint32_t f32_edges[] = {
	0x00000000, 0x80000000,             /* +0.0, -0.0 */
	0x3F800000, 0xBF800000,             /* 1.0, -1.0 */
	0x3F000000, 0xBF000000,             /* 0.5, -0.5 */
	0x40200000, 0xC0200000,             /* 2.5, -2.5: round ties away */
	0x3FC00000, 0x3EE66666,             /* 1.5, 0.45 */
	0x7F800000, 0xFF800000,             /* +inf, -inf */
	0x7FC00000, 0xFFC00000,             /* NaN, negative NaN */
	0x7FA00001, 0x7F800001,             /* NaNs with payloads */
	0x00000001, 0x80000001, 0x007FFFFF, /* subnormals */
	0x00800000, 0x80800000,             /* smallest normals */
	0x7F7FFFFF, 0xFF7FFFFF,             /* largest finite */
	0x4F800000, 0x4F7FFFFF,             /* 2^32, largest below 2^32 */
	0x4F000000, 0xCF000000, 0xCF000001, /* 2^31, -2^31, just below -2^31 */
	0x4B800000, 0x4B800001,             /* 2^24, 2^24 + 2 */
	0x1F800000, 0x5F800000,             /* 2^-64, 2^64: products leave range */
};

uint32_t pg_canonical_literal(uint32_t bits)
{
	uint32_t exponent = bits & 0x7F800000, mantissa = bits & 0x007FFFFF;
	if (exponent == 0x7F800000 && mantissa)
		return 0x7FC00000;
	if (exponent == 0)
		return 0;   /* subnormals and -0.0 become +0.0 */
	return bits;
}

/* A float near the small integers, where rounding and casts are busy. */
static uint32_t small_float(struct pg_rng *r)
{
	float f = (float)((int32_t)pg_below(r, 64) - 32) / (float)(1u << pg_below(r, 4));
	uint32_t bits;
	memcpy(&bits, &f, sizeof(bits));
	return bits;
}

uint32_t pg_edge_bits(struct pg_rng *r, uint8_t type)
{
	switch (type) {
	case VIR0_TYPE_BOOL:
		return pg_chance(r, 50) ? 0 : pg_chance(r, 50) ? 1 : (uint32_t)pg_next(r);
	case VIR0_TYPE_F32:
		if (pg_chance(r, 25))
			return small_float(r);
		return f32_edges[pg_below(r, sizeof(f32_edges) / sizeof(f32_edges[0]))];
	default: {
		uint32_t v = int_edges[pg_below(r, sizeof(int_edges) / sizeof(int_edges[0]))];
		/* i32 edges are as useful negated: -1, -32, INT_MIN + 1, ... */
		return type == VIR0_TYPE_I32 && pg_chance(r, 30) ? 0u - v : v;
	}
	}
}

/* Mostly small values, so that loaded numbers also serve as in-bounds
 * indices and loop bounds; edges and noise for the rest. */
static uint32_t element_bits(struct pg_rng *r, uint8_t element)
{
	uint32_t roll = pg_below(r, 100);
	uint8_t type = element == VIR0_TYPE_F32 ? VIR0_TYPE_F32
		: element == VIR0_TYPE_BOOL ? VIR0_TYPE_BOOL
		: element == VIR0_TYPE_I32 || element == VIR0_TYPE_I16 ||
		  element == VIR0_TYPE_I8 ? VIR0_TYPE_I32 : VIR0_TYPE_U32;
	if (roll < 40)
		return pg_edge_bits(r, type);
	if (roll < 75)
		return type == VIR0_TYPE_F32 ? small_float(r) : pg_below(r, 16);
	return (uint32_t)pg_next(r);
}

void pg_fill(struct pg_rng *r, uint8_t element, void *data, uint32_t elements)
{
	uint8_t *out = data;
	for (uint32_t i = 0; i < elements; i++) {
		uint32_t bits = element_bits(r, element);
		switch (element) {
		case VIR0_TYPE_U8: case VIR0_TYPE_I8: case VIR0_TYPE_BYTES:
			out[i] = (uint8_t)bits;
			break;
		case VIR0_TYPE_U16: case VIR0_TYPE_I16:
			out[2 * (size_t)i] = (uint8_t)bits;
			out[2 * (size_t)i + 1] = (uint8_t)(bits >> 8);
			break;
		default:   /* 4-byte elements, little-endian (fmt §1.5) */
			for (int b = 0; b < 4; b++)
				out[4 * (size_t)i + b] = (uint8_t)(bits >> (8 * b));
			break;
		}
	}
}
