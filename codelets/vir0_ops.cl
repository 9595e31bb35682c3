/* vir0_ops.cl - the VIR0 value semantics (fmt §9.2-§9.7, §6.3) in OpenCL C
 * 1.2: the one OpenCL copy of vir0/scalar_ops.h, function for function and
 * bit for bit. The resident megakernel and the JIT kernels both prepend
 * this file to their own source.
 *
 * A value is its 32 bits in a uint: u32 as is, i32 in two's complement,
 * f32 as IEEE binary32 bits (canonical at run time, §9.2), bool 0 or 1.
 * Build with -cl-fp32-correctly-rounded-divide-sqrt (fmt §9.5 wants C's
 * correctly rounded `/` and sqrtf; the host checks the device reports
 * CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) and never with -cl-fast-relaxed-math,
 * -cl-mad-enable or -cl-denorms-are-zero. Subnormals are flushed here, in
 * software, after rounding, as §9.2 says. tests/test_opencl_ops.c checks
 * every operator and every constant below against the C side. */
#pragma OPENCL FP_CONTRACT OFF

/* ---- operator and type codes: the values of include/vir0.h ----------- */

#define VIR0_TYPE_U32 0x01u
#define VIR0_TYPE_I32 0x02u
#define VIR0_TYPE_BOOL 0x06u
#define VIR0_TYPE_BYTES 0x07u
#define VIR0_TYPE_F32 0x0Bu
#define VIR0_TYPE_U8 0x0Eu
#define VIR0_TYPE_U16 0x0Fu
#define VIR0_TYPE_I8 0x10u
#define VIR0_TYPE_I16 0x11u

#define VIR0_BIN_ADD 0x01u
#define VIR0_BIN_SUB 0x02u
#define VIR0_BIN_MUL 0x03u
#define VIR0_BIN_DIV 0x04u
#define VIR0_BIN_MOD 0x05u
#define VIR0_BIN_BIT_AND 0x06u
#define VIR0_BIN_BIT_OR 0x07u
#define VIR0_BIN_BIT_XOR 0x08u
#define VIR0_BIN_SHL 0x09u
#define VIR0_BIN_SHR 0x0Au
#define VIR0_BIN_EQ 0x0Bu
#define VIR0_BIN_NE 0x0Cu
#define VIR0_BIN_LT 0x0Du
#define VIR0_BIN_GT 0x0Eu
#define VIR0_BIN_LE 0x0Fu
#define VIR0_BIN_GE 0x10u
#define VIR0_BIN_AND 0x11u
#define VIR0_BIN_OR 0x12u
#define VIR0_BIN_ABS_DIFF 0x13u
#define VIR0_BIN_MIN 0x14u
#define VIR0_BIN_MAX 0x15u
#define VIR0_BIN_SATURATING_ADD 0x16u
#define VIR0_BIN_SATURATING_SUB 0x17u
#define VIR0_BIN_SATURATING_MUL 0x18u
#define VIR0_BIN_ROTATE_LEFT 0x1Du
#define VIR0_BIN_ROTATE_RIGHT 0x1Eu
#define VIR0_BIN_WRAPPING_ADD 0x1Fu
#define VIR0_BIN_WRAPPING_SUB 0x20u
#define VIR0_BIN_MUL_HIGH 0x21u

#define VIR0_UN_NEGATE 0x01u
#define VIR0_UN_BIT_NOT 0x02u
#define VIR0_UN_LOGICAL_NOT 0x03u
#define VIR0_UN_POPCOUNT 0x04u
#define VIR0_UN_CLZ 0x05u
#define VIR0_UN_CTZ 0x06u
#define VIR0_UN_REVERSE_BITS 0x07u
#define VIR0_UN_ABS 0x0Au
#define VIR0_UN_SQRT 0x0Bu
#define VIR0_UN_FLOOR 0x0Cu
#define VIR0_UN_CEIL 0x0Du
#define VIR0_UN_ROUND 0x0Eu
#define VIR0_UN_TRUNC 0x0Fu
#define VIR0_UN_SIGN 0x10u
#define VIR0_UN_IS_NAN 0x11u
#define VIR0_UN_IS_INF 0x12u
#define VIR0_UN_IS_FINITE 0x13u

#define VIR0_ATOMIC_ADD 0x01u
#define VIR0_ATOMIC_OR 0x02u
#define VIR0_ATOMIC_AND 0x03u
#define VIR0_ATOMIC_XOR 0x04u
#define VIR0_ATOMIC_MIN 0x05u
#define VIR0_ATOMIC_MAX 0x06u
#define VIR0_ATOMIC_EXCHANGE 0x07u
#define VIR0_ATOMIC_COMPARE_EXCHANGE 0x08u

#define VIR0_F32_CANONICAL_NAN 0x7FC00000u
#define VIR0_F32_SIGN 0x80000000u
#define VIR0_F32_EXPONENT 0x7F800000u

/* ---- canonical floats (§9.2) ------------------------------------------ */

/* Written as vir0/scalar_ops.h writes it, two compares and two selects:
 * on the H200 the JIT's tiled matmul ran 7.15 ms with this form against
 * 8.97 ms with an if per case (.gpu/probe/mm, 2026-12-03). */
uint vir0_f32_canon(uint bits)
{
	uint magnitude = bits & ~VIR0_F32_SIGN;
	uint flushed = magnitude < 0x00800000u ? bits & VIR0_F32_SIGN : bits;
	return magnitude > VIR0_F32_EXPONENT ? VIR0_F32_CANONICAL_NAN : flushed;
}

float vir0_f32_in(uint bits) { return as_float(vir0_f32_canon(bits)); }
uint vir0_f32_out(float value) { return vir0_f32_canon(as_uint(value)); }

/* Half of vir0_f32_out, for the JIT: the subnormal flush, a NaN's bits
 * left as the device made them. Any NaN operand gives a NaN, so the JIT
 * makes an arithmetic result's NaN canonical only where its bits could
 * show (vir0/emit_opencl_canon.c). */
uint vir0_f32_flush(float value)
{
	/* A float compare and a product, not the bit tests of
	 * vir0_f32_canon: the products and sums of a tiled matmul ran 16 %
	 * faster so on the H200 (bench/RESULTS.md). A subnormal times 0 is
	 * its signed zero; a NaN fails the compare and keeps its bits. */
	return as_uint(fabs(value) < 0x1p-126f ? value * 0.0f : value);
}

/* ---- integers (§9.4) --------------------------------------------------- */

uint vir0_u32_div(uint a, uint b) { return b ? a / b : 0xFFFFFFFFu; }
uint vir0_u32_mod(uint a, uint b) { return b ? a % b : 0u; }

uint vir0_i32_div(uint a, uint b)
{
	if (b == 0u)
		return 0xFFFFFFFFu;
	if (a == 0x80000000u && b == 0xFFFFFFFFu)
		return a; /* INT_MIN / -1 = INT_MIN */
	return (uint)((int)a / (int)b);
}

uint vir0_i32_mod(uint a, uint b)
{
	if (b == 0u || b == 0xFFFFFFFFu)
		return 0u; /* x % 0 = 0 and x % -1 = 0, INT_MIN included */
	return (uint)((int)a % (int)b);
}

uint vir0_u32_shl(uint a, uint b) { return a << (b & 31u); }
uint vir0_u32_shr(uint a, uint b) { return a >> (b & 31u); }

uint vir0_u32_rotl(uint a, uint b)
{
	uint n = b & 31u;
	return n ? (a << n) | (a >> (32u - n)) : a;
}

uint vir0_u32_rotr(uint a, uint b)
{
	uint n = b & 31u;
	return n ? (a >> n) | (a << (32u - n)) : a;
}

uint vir0_u32_min(uint a, uint b) { return a < b ? a : b; }
uint vir0_u32_max(uint a, uint b) { return a > b ? a : b; }
uint vir0_i32_min(uint a, uint b) { return (int)a < (int)b ? a : b; }
uint vir0_i32_max(uint a, uint b) { return (int)a > (int)b ? a : b; }
uint vir0_u32_abs_diff(uint a, uint b) { return a > b ? a - b : b - a; }

uint vir0_u32_sat_add(uint a, uint b)
{
	uint sum = a + b;
	return sum < a ? 0xFFFFFFFFu : sum;
}

uint vir0_u32_sat_sub(uint a, uint b) { return a >= b ? a - b : 0u; }

/* The 64-bit product saturates exactly when its high half is nonzero. */
uint vir0_u32_sat_mul(uint a, uint b) { return mul_hi(a, b) ? 0xFFFFFFFFu : a * b; }
uint vir0_u32_mul_high(uint a, uint b) { return mul_hi(a, b); }

/* OpenCL C 1.2's clz gives 32 for 0 already; ctz is OpenCL 2.0 only. */
uint vir0_u32_clz(uint a) { return clz(a); }
uint vir0_u32_ctz(uint a) { return a ? 31u - clz(a & (0u - a)) : 32u; }
uint vir0_u32_popcount(uint a) { return popcount(a); }

uint vir0_u32_reverse_bits(uint a)
{
	a = ((a >> 1) & 0x55555555u) | ((a & 0x55555555u) << 1);
	a = ((a >> 2) & 0x33333333u) | ((a & 0x33333333u) << 2);
	a = ((a >> 4) & 0x0F0F0F0Fu) | ((a & 0x0F0F0F0Fu) << 4);
	a = ((a >> 8) & 0x00FF00FFu) | ((a & 0x00FF00FFu) << 8);
	return (a >> 16) | (a << 16);
}

/* ---- floats (§9.5); operands and results canonical --------------------- */

uint vir0_f32_add(uint a, uint b) { return vir0_f32_out(vir0_f32_in(a) + vir0_f32_in(b)); }
uint vir0_f32_sub(uint a, uint b) { return vir0_f32_out(vir0_f32_in(a) - vir0_f32_in(b)); }
uint vir0_f32_mul(uint a, uint b) { return vir0_f32_out(vir0_f32_in(a) * vir0_f32_in(b)); }
uint vir0_f32_div(uint a, uint b) { return vir0_f32_out(vir0_f32_in(a) / vir0_f32_in(b)); }

/* OpenCL's fma is correctly rounded (one rounding), like C's fmaf. */
uint vir0_f32_fma(uint a, uint b, uint c)
{
	return vir0_f32_out(fma(vir0_f32_in(a), vir0_f32_in(b), vir0_f32_in(c)));
}

int vir0_f32_is_nan(uint canonical) { return canonical == VIR0_F32_CANONICAL_NAN; }
int vir0_f32_is_zero(uint canonical) { return (canonical & ~VIR0_F32_SIGN) == 0u; }

/* Min/Max: a NaN operand loses to a number; -0.0 < +0.0 (starpu-vir0). */
uint vir0_f32_min(uint a, uint b)
{
	a = vir0_f32_canon(a);
	b = vir0_f32_canon(b);
	if (vir0_f32_is_nan(a))
		return b;
	if (vir0_f32_is_nan(b))
		return a;
	if (vir0_f32_is_zero(a) && vir0_f32_is_zero(b))
		return a | b;
	return as_float(a) < as_float(b) ? a : b;
}

uint vir0_f32_max(uint a, uint b)
{
	a = vir0_f32_canon(a);
	b = vir0_f32_canon(b);
	if (vir0_f32_is_nan(a))
		return b;
	if (vir0_f32_is_nan(b))
		return a;
	if (vir0_f32_is_zero(a) && vir0_f32_is_zero(b))
		return a & b;
	return as_float(a) > as_float(b) ? a : b;
}

uint vir0_f32_negate(uint a) { return vir0_f32_canon(vir0_f32_canon(a) ^ VIR0_F32_SIGN); }
uint vir0_f32_abs(uint a) { return vir0_f32_canon(a) & ~VIR0_F32_SIGN; }

uint vir0_f32_sign(uint a)
{
	float x = vir0_f32_in(a);
	if (x != x)
		return VIR0_F32_CANONICAL_NAN;
	if (x > 0.0f)
		return 0x3F800000u; /* +1.0 */
	if (x < 0.0f)
		return 0xBF800000u; /* -1.0 */
	return 0u;
}

uint vir0_f32_sqrt(uint a) { return vir0_f32_out(sqrt(vir0_f32_in(a))); }
uint vir0_f32_floor(uint a) { return vir0_f32_out(floor(vir0_f32_in(a))); }
uint vir0_f32_ceil(uint a) { return vir0_f32_out(ceil(vir0_f32_in(a))); }
/* OpenCL's round, like C's roundf, rounds halfway cases away from zero. */
uint vir0_f32_round(uint a) { return vir0_f32_out(round(vir0_f32_in(a))); }
uint vir0_f32_trunc(uint a) { return vir0_f32_out(trunc(vir0_f32_in(a))); }

/* Ordered comparisons on canonical operands; NaN compares false. */
uint vir0_f32_eq(uint a, uint b) { return vir0_f32_in(a) == vir0_f32_in(b); }
uint vir0_f32_lt(uint a, uint b) { return vir0_f32_in(a) < vir0_f32_in(b); }
uint vir0_f32_gt(uint a, uint b) { return vir0_f32_in(a) > vir0_f32_in(b); }
uint vir0_f32_le(uint a, uint b) { return vir0_f32_in(a) <= vir0_f32_in(b); }
uint vir0_f32_ge(uint a, uint b) { return vir0_f32_in(a) >= vir0_f32_in(b); }

uint vir0_f32_is_inf(uint a) { return (vir0_f32_canon(a) & ~VIR0_F32_SIGN) == VIR0_F32_EXPONENT; }
uint vir0_f32_is_finite(uint a) { return (vir0_f32_canon(a) & VIR0_F32_EXPONENT) != VIR0_F32_EXPONENT; }

/* ---- casts (§9.7) ------------------------------------------------------ */

/* Range tests first: an out-of-range conversion is undefined in C and
 * OpenCL C alike. */
uint vir0_f32_to_u32(uint a)
{
	float x = vir0_f32_in(a);
	if (!(x > 0.0f)) /* NaN, zeros and negatives */
		return 0u;
	if (x >= 4294967296.0f)
		return 0xFFFFFFFFu;
	return (uint)x;
}

uint vir0_f32_to_i32(uint a)
{
	float x = vir0_f32_in(a);
	if (x != x)
		return 0u;
	if (x >= 2147483648.0f)
		return 0x7FFFFFFFu;
	if (x <= -2147483648.0f)
		return 0x80000000u;
	return (uint)(int)x;
}

/* Implicit int-to-float conversions round to nearest even in OpenCL C. */
uint vir0_u32_to_f32(uint a) { return vir0_f32_out((float)a); }
uint vir0_i32_to_f32(uint a) { return vir0_f32_out((float)(int)a); }
/* NaN is true, both zeros (and so subnormals) are false. */
uint vir0_f32_to_bool(uint a) { return !vir0_f32_is_zero(vir0_f32_canon(a)); }

/* ---- dispatchers: the megakernel's path, one value at a time ------------ */

uint vir0_binop_u32(uint op, uint a, uint b)
{
	switch (op) {
	case VIR0_BIN_ADD: case VIR0_BIN_WRAPPING_ADD: return a + b;
	case VIR0_BIN_SUB: case VIR0_BIN_WRAPPING_SUB: return a - b;
	case VIR0_BIN_MUL: return a * b;
	case VIR0_BIN_DIV: return vir0_u32_div(a, b);
	case VIR0_BIN_MOD: return vir0_u32_mod(a, b);
	case VIR0_BIN_BIT_AND: return a & b;
	case VIR0_BIN_BIT_OR: return a | b;
	case VIR0_BIN_BIT_XOR: return a ^ b;
	case VIR0_BIN_SHL: return vir0_u32_shl(a, b);
	case VIR0_BIN_SHR: return vir0_u32_shr(a, b);
	case VIR0_BIN_EQ: return a == b;
	case VIR0_BIN_NE: return a != b;
	case VIR0_BIN_LT: return a < b;
	case VIR0_BIN_GT: return a > b;
	case VIR0_BIN_LE: return a <= b;
	case VIR0_BIN_GE: return a >= b;
	case VIR0_BIN_AND: return a != 0u && b != 0u;
	case VIR0_BIN_OR: return a != 0u || b != 0u;
	case VIR0_BIN_ABS_DIFF: return vir0_u32_abs_diff(a, b);
	case VIR0_BIN_MIN: return vir0_u32_min(a, b);
	case VIR0_BIN_MAX: return vir0_u32_max(a, b);
	case VIR0_BIN_SATURATING_ADD: return vir0_u32_sat_add(a, b);
	case VIR0_BIN_SATURATING_SUB: return vir0_u32_sat_sub(a, b);
	case VIR0_BIN_SATURATING_MUL: return vir0_u32_sat_mul(a, b);
	case VIR0_BIN_ROTATE_LEFT: return vir0_u32_rotl(a, b);
	case VIR0_BIN_ROTATE_RIGHT: return vir0_u32_rotr(a, b);
	case VIR0_BIN_MUL_HIGH: return vir0_u32_mul_high(a, b);
	default: return 0u;
	}
}

uint vir0_binop_i32(uint op, uint a, uint b)
{
	int sa = (int)a, sb = (int)b;
	switch (op) {
	case VIR0_BIN_DIV: return vir0_i32_div(a, b);
	case VIR0_BIN_MOD: return vir0_i32_mod(a, b);
	case VIR0_BIN_LT: return sa < sb;
	case VIR0_BIN_GT: return sa > sb;
	case VIR0_BIN_LE: return sa <= sb;
	case VIR0_BIN_GE: return sa >= sb;
	case VIR0_BIN_MIN: return vir0_i32_min(a, b);
	case VIR0_BIN_MAX: return vir0_i32_max(a, b);
	/* Add, Sub, Mul, bitwise ops, Eq and Ne are the same on the bits. */
	default: return vir0_binop_u32(op, a, b);
	}
}

uint vir0_binop_f32(uint op, uint a, uint b)
{
	switch (op) {
	case VIR0_BIN_ADD: return vir0_f32_add(a, b);
	case VIR0_BIN_SUB: return vir0_f32_sub(a, b);
	case VIR0_BIN_MUL: return vir0_f32_mul(a, b);
	case VIR0_BIN_DIV: return vir0_f32_div(a, b);
	case VIR0_BIN_MIN: return vir0_f32_min(a, b);
	case VIR0_BIN_MAX: return vir0_f32_max(a, b);
	case VIR0_BIN_EQ: return vir0_f32_eq(a, b);
	case VIR0_BIN_NE: return !vir0_f32_eq(a, b);
	case VIR0_BIN_LT: return vir0_f32_lt(a, b);
	case VIR0_BIN_GT: return vir0_f32_gt(a, b);
	case VIR0_BIN_LE: return vir0_f32_le(a, b);
	case VIR0_BIN_GE: return vir0_f32_ge(a, b);
	default: return 0u;
	}
}

uint vir0_binop_bool(uint op, uint a, uint b)
{
	switch (op) {
	case VIR0_BIN_EQ: return a == b;
	case VIR0_BIN_NE: return a != b;
	case VIR0_BIN_AND: return a && b;
	case VIR0_BIN_OR: return a || b;
	default: return 0u;
	}
}

uint vir0_eval_binop(uint op, uint type, uint a, uint b)
{
	switch (type) {
	case VIR0_TYPE_U32: return vir0_binop_u32(op, a, b);
	case VIR0_TYPE_I32: return vir0_binop_i32(op, a, b);
	case VIR0_TYPE_F32: return vir0_binop_f32(op, a, b);
	case VIR0_TYPE_BOOL: return vir0_binop_bool(op, a, b);
	default: return 0u;
	}
}

uint vir0_unop_int(uint op, uint a)
{
	switch (op) {
	case VIR0_UN_NEGATE: return 0u - a;
	case VIR0_UN_BIT_NOT: return ~a;
	case VIR0_UN_LOGICAL_NOT: return a == 0u;
	case VIR0_UN_POPCOUNT: return vir0_u32_popcount(a);
	case VIR0_UN_CLZ: return vir0_u32_clz(a);
	case VIR0_UN_CTZ: return vir0_u32_ctz(a);
	case VIR0_UN_REVERSE_BITS: return vir0_u32_reverse_bits(a);
	default: return 0u;
	}
}

uint vir0_unop_f32(uint op, uint a)
{
	switch (op) {
	case VIR0_UN_NEGATE: return vir0_f32_negate(a);
	case VIR0_UN_ABS: return vir0_f32_abs(a);
	case VIR0_UN_SQRT: return vir0_f32_sqrt(a);
	case VIR0_UN_FLOOR: return vir0_f32_floor(a);
	case VIR0_UN_CEIL: return vir0_f32_ceil(a);
	case VIR0_UN_ROUND: return vir0_f32_round(a);
	case VIR0_UN_TRUNC: return vir0_f32_trunc(a);
	case VIR0_UN_SIGN: return vir0_f32_sign(a);
	case VIR0_UN_IS_NAN: return vir0_f32_is_nan(vir0_f32_canon(a));
	case VIR0_UN_IS_INF: return vir0_f32_is_inf(a);
	case VIR0_UN_IS_FINITE: return vir0_f32_is_finite(a);
	default: return 0u;
	}
}

uint vir0_eval_unop(uint op, uint type, uint a)
{
	switch (type) {
	case VIR0_TYPE_U32: case VIR0_TYPE_I32: return vir0_unop_int(op, a);
	case VIR0_TYPE_F32: return vir0_unop_f32(op, a);
	case VIR0_TYPE_BOOL: return op == VIR0_UN_LOGICAL_NOT ? !a : 0u;
	default: return 0u;
	}
}

uint vir0_eval_cast(uint from, uint to, uint a)
{
	if (from == to)
		return a;
	switch (to) {
	case VIR0_TYPE_U32:
	case VIR0_TYPE_I32:
		if (from == VIR0_TYPE_F32)
			return to == VIR0_TYPE_U32 ? vir0_f32_to_u32(a) : vir0_f32_to_i32(a);
		return a; /* reinterpret u32 <-> i32; bool is already 0 or 1 */
	case VIR0_TYPE_F32:
		if (from == VIR0_TYPE_I32)
			return vir0_i32_to_f32(a);
		return vir0_u32_to_f32(a); /* u32, and bool as 0 or 1 */
	case VIR0_TYPE_BOOL:
		if (from == VIR0_TYPE_F32)
			return vir0_f32_to_bool(a);
		return a != 0u;
	default:
		return 0u;
	}
}

uint vir0_atomic_new_value(uint op, uint element, uint old, uint value, uint expected)
{
	int is_signed = element == VIR0_TYPE_I32;
	switch (op) {
	case VIR0_ATOMIC_ADD: return old + value;
	case VIR0_ATOMIC_OR: return old | value;
	case VIR0_ATOMIC_AND: return old & value;
	case VIR0_ATOMIC_XOR: return old ^ value;
	case VIR0_ATOMIC_MIN: return is_signed ? vir0_i32_min(old, value) : vir0_u32_min(old, value);
	case VIR0_ATOMIC_MAX: return is_signed ? vir0_i32_max(old, value) : vir0_u32_max(old, value);
	case VIR0_ATOMIC_EXCHANGE: return value;
	case VIR0_ATOMIC_COMPARE_EXCHANGE: return old == expected ? value : old;
	default: return old;
	}
}
