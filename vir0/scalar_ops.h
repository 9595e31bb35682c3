/* scalar_ops.h - the value semantics of fmt §9.2-§9.7 and §6.3 on single
 * 32-bit values, as small inline functions every executor shares: the
 * reference interpreter calls them through the dispatchers at the end,
 * and vectorised executors call the per-operation functions inside their
 * per-lane loops so the compiler can vectorise them.
 *
 * A value is its 32 bits: u32 as is, i32 in two's complement, f32 as IEEE
 * binary32 bits (always canonical at run time, §9.2), bool as 0 or 1.
 * This file must be compiled with -ffp-contract=off and without fast-math
 * (Makefile.am sets it), so that every f32 operation rounds once. */
#ifndef VIR0_SCALAR_OPS_H
#define VIR0_SCALAR_OPS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define VIR0_F32_CANONICAL_NAN 0x7FC00000u
#define VIR0_F32_SIGN 0x80000000u
#define VIR0_F32_EXPONENT 0x7F800000u

static inline float vir0_f32_from_bits(uint32_t bits)
{
	float value;
	memcpy(&value, &bits, sizeof(value));
	return value;
}

static inline uint32_t vir0_f32_to_bits(float value)
{
	uint32_t bits;
	memcpy(&bits, &value, sizeof(bits));
	return bits;
}

/* §9.2: one NaN, subnormals flushed to a zero of the same sign. Written
 * without branches (two integer compares and two selects) so that lane
 * loops calling it vectorise. */
static inline uint32_t vir0_f32_canon(uint32_t bits)
{
	uint32_t magnitude = bits & ~VIR0_F32_SIGN;
	uint32_t flushed = magnitude < 0x00800000u ? bits & VIR0_F32_SIGN : bits;
	return magnitude > VIR0_F32_EXPONENT ? VIR0_F32_CANONICAL_NAN : flushed;
}

/* A canonical operand as a float, and a float result made canonical. */
static inline float vir0_f32_in(uint32_t bits)
{
	return vir0_f32_from_bits(vir0_f32_canon(bits));
}

static inline uint32_t vir0_f32_out(float value)
{
	return vir0_f32_canon(vir0_f32_to_bits(value));
}

/* ---- integers (§9.4) --------------------------------------------------- */

static inline uint32_t vir0_u32_div(uint32_t a, uint32_t b)
{
	return b ? a / b : 0xFFFFFFFFu;
}

static inline uint32_t vir0_u32_mod(uint32_t a, uint32_t b)
{
	return b ? a % b : 0;
}

static inline uint32_t vir0_i32_div(uint32_t a, uint32_t b)
{
	if (b == 0)
		return 0xFFFFFFFFu;
	if (a == 0x80000000u && b == 0xFFFFFFFFu)
		return a; /* INT_MIN / -1 = INT_MIN */
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t vir0_i32_mod(uint32_t a, uint32_t b)
{
	if (b == 0 || b == 0xFFFFFFFFu)
		return 0; /* x % 0 = 0 and x % -1 = 0, INT_MIN included */
	return (uint32_t)((int32_t)a % (int32_t)b);
}

static inline uint32_t vir0_u32_shl(uint32_t a, uint32_t b)
{
	return a << (b & 31);
}

static inline uint32_t vir0_u32_shr(uint32_t a, uint32_t b)
{
	return a >> (b & 31);
}

static inline uint32_t vir0_u32_rotl(uint32_t a, uint32_t b)
{
	unsigned n = b & 31;
	return n ? (a << n) | (a >> (32 - n)) : a;
}

static inline uint32_t vir0_u32_rotr(uint32_t a, uint32_t b)
{
	unsigned n = b & 31;
	return n ? (a >> n) | (a << (32 - n)) : a;
}

static inline uint32_t vir0_u32_min(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t vir0_u32_max(uint32_t a, uint32_t b) { return a > b ? a : b; }

static inline uint32_t vir0_i32_min(uint32_t a, uint32_t b)
{
	return (int32_t)a < (int32_t)b ? a : b;
}

static inline uint32_t vir0_i32_max(uint32_t a, uint32_t b)
{
	return (int32_t)a > (int32_t)b ? a : b;
}

static inline uint32_t vir0_u32_abs_diff(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

static inline uint32_t vir0_u32_sat_add(uint32_t a, uint32_t b)
{
	uint32_t sum = a + b;
	return sum < a ? 0xFFFFFFFFu : sum;
}

static inline uint32_t vir0_u32_sat_sub(uint32_t a, uint32_t b)
{
	return a >= b ? a - b : 0;
}

static inline uint32_t vir0_u32_sat_mul(uint32_t a, uint32_t b)
{
	uint64_t product = (uint64_t)a * b;
	return product > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)product;
}

static inline uint32_t vir0_u32_mul_high(uint32_t a, uint32_t b)
{
	return (uint32_t)(((uint64_t)a * b) >> 32);
}

static inline uint32_t vir0_u32_clz(uint32_t a) { return a ? (uint32_t)__builtin_clz(a) : 32; }
static inline uint32_t vir0_u32_ctz(uint32_t a) { return a ? (uint32_t)__builtin_ctz(a) : 32; }
static inline uint32_t vir0_u32_popcount(uint32_t a) { return (uint32_t)__builtin_popcount(a); }

static inline uint32_t vir0_u32_reverse_bits(uint32_t a)
{
	a = ((a >> 1) & 0x55555555u) | ((a & 0x55555555u) << 1);
	a = ((a >> 2) & 0x33333333u) | ((a & 0x33333333u) << 2);
	a = ((a >> 4) & 0x0F0F0F0Fu) | ((a & 0x0F0F0F0Fu) << 4);
	a = ((a >> 8) & 0x00FF00FFu) | ((a & 0x00FF00FFu) << 8);
	return (a >> 16) | (a << 16);
}

/* ---- floats (§9.5); operands and results canonical ----------------------- */

static inline uint32_t vir0_f32_add(uint32_t a, uint32_t b) { return vir0_f32_out(vir0_f32_in(a) + vir0_f32_in(b)); }
static inline uint32_t vir0_f32_sub(uint32_t a, uint32_t b) { return vir0_f32_out(vir0_f32_in(a) - vir0_f32_in(b)); }
static inline uint32_t vir0_f32_mul(uint32_t a, uint32_t b) { return vir0_f32_out(vir0_f32_in(a) * vir0_f32_in(b)); }
static inline uint32_t vir0_f32_div(uint32_t a, uint32_t b) { return vir0_f32_out(vir0_f32_in(a) / vir0_f32_in(b)); }

static inline uint32_t vir0_f32_fma(uint32_t a, uint32_t b, uint32_t c)
{
	return vir0_f32_out(fmaf(vir0_f32_in(a), vir0_f32_in(b), vir0_f32_in(c)));
}

static inline int vir0_f32_is_nan(uint32_t canonical) { return canonical == VIR0_F32_CANONICAL_NAN; }
static inline int vir0_f32_is_zero(uint32_t canonical) { return (canonical & ~VIR0_F32_SIGN) == 0; }

/* Min/Max on canonical operands: a NaN operand loses to a number; -0.0 <
 * +0.0 (starpu-vir0). Selects and quiet compares only, so lane loops
 * vectorise. */
static inline uint32_t vir0_f32_min_canonical(uint32_t a, uint32_t b)
{
	uint32_t smaller = __builtin_isless(vir0_f32_from_bits(a), vir0_f32_from_bits(b)) ? a : b;
	uint32_t zeros = vir0_f32_is_zero(a) & vir0_f32_is_zero(b);
	uint32_t numbers = zeros ? a | b : smaller;
	return vir0_f32_is_nan(a) ? b : vir0_f32_is_nan(b) ? a : numbers;
}

static inline uint32_t vir0_f32_max_canonical(uint32_t a, uint32_t b)
{
	uint32_t larger = __builtin_isgreater(vir0_f32_from_bits(a), vir0_f32_from_bits(b)) ? a : b;
	uint32_t zeros = vir0_f32_is_zero(a) & vir0_f32_is_zero(b);
	uint32_t numbers = zeros ? a & b : larger;
	return vir0_f32_is_nan(a) ? b : vir0_f32_is_nan(b) ? a : numbers;
}

static inline uint32_t vir0_f32_min(uint32_t a, uint32_t b)
{
	return vir0_f32_min_canonical(vir0_f32_canon(a), vir0_f32_canon(b));
}

static inline uint32_t vir0_f32_max(uint32_t a, uint32_t b)
{
	return vir0_f32_max_canonical(vir0_f32_canon(a), vir0_f32_canon(b));
}

static inline uint32_t vir0_f32_negate(uint32_t a) { return vir0_f32_canon(vir0_f32_canon(a) ^ VIR0_F32_SIGN); }
static inline uint32_t vir0_f32_abs(uint32_t a) { return vir0_f32_canon(a) & ~VIR0_F32_SIGN; }

/* NaN stays NaN, zeros give +0.0, numbers +-1.0. */
static inline uint32_t vir0_f32_sign(uint32_t a)
{
	float x = vir0_f32_in(a);
	uint32_t sign = __builtin_isgreater(x, 0.0f) ? 0x3F800000u : /* +1.0 */
			__builtin_isless(x, 0.0f) ? 0xBF800000u : 0;  /* -1.0 */
	return x != x ? VIR0_F32_CANONICAL_NAN : sign;
}

/* ---- casts (§9.7) ------------------------------------------------------ */

/* Saturating: NaN gives 0, out-of-range values the nearest bound. The
 * conversion runs on a clamped value (never out of range, so never
 * undefined) and the selects pick the result, so lane loops vectorise. */
static inline uint32_t vir0_f32_to_u32(uint32_t a)
{
	float x = vir0_f32_in(a);
	float safe = __builtin_isgreater(x, 0.0f) && __builtin_isless(x, 4294967296.0f) ? x : 0.0f;
	uint32_t value = (uint32_t)safe;
	return __builtin_isgreaterequal(x, 4294967296.0f) ? 0xFFFFFFFFu : value;
}

static inline uint32_t vir0_f32_to_i32(uint32_t a)
{
	float x = vir0_f32_in(a);
	float safe = __builtin_isgreater(x, -2147483648.0f) && __builtin_isless(x, 2147483648.0f) ?
		     x : 0.0f;
	uint32_t value = (uint32_t)(int32_t)safe;
	return __builtin_isgreaterequal(x, 2147483648.0f) ? 0x7FFFFFFFu :
	       __builtin_islessequal(x, -2147483648.0f) ? 0x80000000u : value;
}

static inline uint32_t vir0_u32_to_f32(uint32_t a) { return vir0_f32_out((float)a); }
static inline uint32_t vir0_i32_to_f32(uint32_t a) { return vir0_f32_out((float)(int32_t)a); }
/* NaN is true, both zeros (and so subnormals) are false. */
static inline uint32_t vir0_f32_to_bool(uint32_t a) { return !vir0_f32_is_zero(vir0_f32_canon(a)); }

/* ---- dispatchers (scalar_ops.c) --------------------------------------- */

/* BinOp `op` on operands of value type `type` (fmt §6.1); bool results
 * are 0 or 1. The pair must be core (a validated program guarantees it);
 * any other pair yields 0. */
uint32_t vir0_eval_binop(uint8_t op, uint8_t type, uint32_t a, uint32_t b);
/* UnOp `op` on an operand of value type `type` (fmt §6.2). */
uint32_t vir0_eval_unop(uint8_t op, uint8_t type, uint32_t a);
/* Cast between two value types (fmt §9.7). */
uint32_t vir0_eval_cast(uint8_t from, uint8_t to, uint32_t a);
/* New memory value of atomic `op` on an element of kind U32 or I32 (fmt
 * §6.3); `expected` is used only by CompareExchange. */
uint32_t vir0_atomic_new_value(uint8_t op, uint8_t element, uint32_t old,
			       uint32_t value, uint32_t expected);

#endif
