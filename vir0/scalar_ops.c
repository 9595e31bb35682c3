/* scalar_ops.c - dispatch from operator codes to the value semantics of
 * scalar_ops.h, one value at a time (the reference interpreter's path). */
#include "scalar_ops.h"

#include "vir0.h"

static uint32_t binop_u32(uint8_t op, uint32_t a, uint32_t b)
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
	case VIR0_BIN_AND: return a != 0 && b != 0;
	case VIR0_BIN_OR: return a != 0 || b != 0;
	case VIR0_BIN_ABS_DIFF: return vir0_u32_abs_diff(a, b);
	case VIR0_BIN_MIN: return vir0_u32_min(a, b);
	case VIR0_BIN_MAX: return vir0_u32_max(a, b);
	case VIR0_BIN_SATURATING_ADD: return vir0_u32_sat_add(a, b);
	case VIR0_BIN_SATURATING_SUB: return vir0_u32_sat_sub(a, b);
	case VIR0_BIN_SATURATING_MUL: return vir0_u32_sat_mul(a, b);
	case VIR0_BIN_ROTATE_LEFT: return vir0_u32_rotl(a, b);
	case VIR0_BIN_ROTATE_RIGHT: return vir0_u32_rotr(a, b);
	case VIR0_BIN_MUL_HIGH: return vir0_u32_mul_high(a, b);
	default: return 0;
	}
}

static uint32_t binop_i32(uint8_t op, uint32_t a, uint32_t b)
{
	int32_t sa = (int32_t)a, sb = (int32_t)b;
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
	default: return binop_u32(op, a, b);
	}
}

static uint32_t binop_f32(uint8_t op, uint32_t a, uint32_t b)
{
	float x = vir0_f32_in(a), y = vir0_f32_in(b);
	switch (op) {
	case VIR0_BIN_ADD: return vir0_f32_add(a, b);
	case VIR0_BIN_SUB: return vir0_f32_sub(a, b);
	case VIR0_BIN_MUL: return vir0_f32_mul(a, b);
	case VIR0_BIN_DIV: return vir0_f32_div(a, b);
	case VIR0_BIN_MIN: return vir0_f32_min(a, b);
	case VIR0_BIN_MAX: return vir0_f32_max(a, b);
	case VIR0_BIN_EQ: return x == y;
	case VIR0_BIN_NE: return !(x == y);
	case VIR0_BIN_LT: return x < y;
	case VIR0_BIN_GT: return x > y;
	case VIR0_BIN_LE: return x <= y;
	case VIR0_BIN_GE: return x >= y;
	default: return 0;
	}
}

static uint32_t binop_bool(uint8_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case VIR0_BIN_EQ: return a == b;
	case VIR0_BIN_NE: return a != b;
	case VIR0_BIN_AND: return a && b;
	case VIR0_BIN_OR: return a || b;
	default: return 0;
	}
}

uint32_t vir0_eval_binop(uint8_t op, uint8_t type, uint32_t a, uint32_t b)
{
	switch (type) {
	case VIR0_TYPE_U32: return binop_u32(op, a, b);
	case VIR0_TYPE_I32: return binop_i32(op, a, b);
	case VIR0_TYPE_F32: return binop_f32(op, a, b);
	case VIR0_TYPE_BOOL: return binop_bool(op, a, b);
	default: return 0;
	}
}

static uint32_t unop_int(uint8_t op, uint32_t a)
{
	switch (op) {
	case VIR0_UN_NEGATE: return 0u - a;
	case VIR0_UN_BIT_NOT: return ~a;
	case VIR0_UN_LOGICAL_NOT: return a == 0;
	case VIR0_UN_POPCOUNT: return vir0_u32_popcount(a);
	case VIR0_UN_CLZ: return vir0_u32_clz(a);
	case VIR0_UN_CTZ: return vir0_u32_ctz(a);
	case VIR0_UN_REVERSE_BITS: return vir0_u32_reverse_bits(a);
	default: return 0;
	}
}

static uint32_t unop_f32(uint8_t op, uint32_t a)
{
	float x = vir0_f32_in(a);
	switch (op) {
	case VIR0_UN_NEGATE: return vir0_f32_negate(a);
	case VIR0_UN_ABS: return vir0_f32_abs(a);
	case VIR0_UN_SQRT: return vir0_f32_out(sqrtf(x));
	case VIR0_UN_FLOOR: return vir0_f32_out(floorf(x));
	case VIR0_UN_CEIL: return vir0_f32_out(ceilf(x));
	case VIR0_UN_ROUND: return vir0_f32_out(roundf(x));
	case VIR0_UN_TRUNC: return vir0_f32_out(truncf(x));
	case VIR0_UN_SIGN: return vir0_f32_sign(a);
	case VIR0_UN_IS_NAN: return x != x;
	case VIR0_UN_IS_INF: return isinf(x) != 0;
	case VIR0_UN_IS_FINITE: return isfinite(x) != 0;
	default: return 0;
	}
}

uint32_t vir0_eval_unop(uint8_t op, uint8_t type, uint32_t a)
{
	switch (type) {
	case VIR0_TYPE_U32: case VIR0_TYPE_I32: return unop_int(op, a);
	case VIR0_TYPE_F32: return unop_f32(op, a);
	case VIR0_TYPE_BOOL: return op == VIR0_UN_LOGICAL_NOT ? !a : 0;
	default: return 0;
	}
}

uint32_t vir0_eval_cast(uint8_t from, uint8_t to, uint32_t a)
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
		return a != 0;
	default:
		return 0;
	}
}

uint32_t vir0_atomic_new_value(uint8_t op, uint8_t element, uint32_t old,
			       uint32_t value, uint32_t expected)
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
