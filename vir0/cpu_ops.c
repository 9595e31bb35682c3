/* cpu_ops.c - the lane loops of the CPU engine's value instructions
 * (CONST, MOV, BINOP, UNOP, CAST, SELECT, FMA), one function per
 * (operation, type) so each is a straight loop over the lanes that
 * gcc -O2 vectorises. The values come from scalar_ops.h; an (op, type)
 * without a loop of its own here goes through the scalar dispatchers of
 * scalar_ops.c one lane at a time (the slow path: libm functions). */
#include "cpu_block.h"

#include "scalar_ops.h"

#define LANE_FN(name) \
	static VIR0_CPU_VECTOR_CLONES void \
	name(uint32_t *out, const uint32_t *a, const uint32_t *b, const uint32_t *c, \
	     const uint32_t *mask, const struct vir0_cpu_insn *insn)

#define UNUSED_OPERANDS (void)a, (void)b, (void)c, (void)insn

/* out[l] = RESULT in the lanes of mask, with the lane's operands in x, y,
 * z. A group of lanes at a time, through pointers to the group, so the
 * inner loop is the plain 0..VIR0_CPU_LANES loop over arrays that gcc
 * vectorises best (ivdep: as in VIR0_CPU_FOR_LANES). */
#define FOR_LANES(mask, result) \
	do { \
		for (unsigned group = 0; group < insn->width; group += VIR0_CPU_LANES) { \
			const uint32_t *ga = a + group, *gb = b + group, *gc = c + group; \
			uint32_t *go = out + group; \
			if (!(mask)) { \
				_Pragma("GCC ivdep") \
				for (unsigned l = 0; l < VIR0_CPU_LANES; l++) { \
					uint32_t x = ga[l], y = gb[l], z = gc[l]; \
					(void)x, (void)y, (void)z; \
					go[l] = (result); \
				} \
				continue; \
			} \
			const uint32_t *gm = (mask) + group; \
			_Pragma("GCC ivdep") \
			for (unsigned l = 0; l < VIR0_CPU_LANES; l++) { \
				uint32_t x = ga[l], y = gb[l], z = gc[l]; \
				(void)x, (void)y, (void)z; \
				uint32_t computed = (result); \
				go[l] = (computed & gm[l]) | (go[l] & ~gm[l]); \
			} \
		} \
	} while (0)

#define LANE_LOOP(name, expr) \
	LANE_FN(name) \
	{ \
		UNUSED_OPERANDS; \
		FOR_LANES(mask, expr); \
	}

LANE_FN(lanes_const)
{
	UNUSED_OPERANDS;
	uint32_t value = insn->imm;
	FOR_LANES(mask, value);
}

LANE_LOOP(lanes_mov, x)
/* The mask form of a choice, so the loop has no branch. */
LANE_LOOP(lanes_select, (y & (0u - (x != 0))) | (z & ((x != 0) - 1u)))
LANE_LOOP(lanes_fma, vir0_f32_fma(x, y, z))

/* ---- BinOp ------------------------------------------------------------- */

/* u32 and, on the same bits, i32 (fmt §9.4) */
LANE_LOOP(int_add, x + y)
LANE_LOOP(int_sub, x - y)
LANE_LOOP(int_mul, x * y)
LANE_LOOP(int_and_bits, x & y)
LANE_LOOP(int_or_bits, x | y)
LANE_LOOP(int_xor_bits, x ^ y)

/* Per-lane shift counts need AVX2; a count that is the same in every lane
 * (a literal, a loop variable) vectorises on any x86-64. */
#define LANE_SHIFT(name, shift) \
	LANE_FN(name) \
	{ \
		UNUSED_OPERANDS; \
		uint32_t count = b[0], differ = 0; \
		VIR0_CPU_FOR_LANES(l, insn->width) \
			differ |= b[l] ^ count; \
		if (differ == 0) \
			FOR_LANES(mask, shift(x, count)); \
		else \
			FOR_LANES(mask, shift(x, y)); \
	}

LANE_SHIFT(int_shl, vir0_u32_shl)
LANE_SHIFT(int_shr, vir0_u32_shr)
LANE_LOOP(int_rotl, vir0_u32_rotl(x, y))
LANE_LOOP(int_rotr, vir0_u32_rotr(x, y))
LANE_LOOP(int_eq, x == y)
LANE_LOOP(int_ne, x != y)
LANE_LOOP(int_and, (x != 0) & (y != 0))
LANE_LOOP(int_or, (x != 0) | (y != 0))
LANE_LOOP(u32_div, vir0_u32_div(x, y))
LANE_LOOP(u32_mod, vir0_u32_mod(x, y))
LANE_LOOP(u32_lt, x < y)
LANE_LOOP(u32_gt, x > y)
LANE_LOOP(u32_le, x <= y)
LANE_LOOP(u32_ge, x >= y)
LANE_LOOP(u32_min, vir0_u32_min(x, y))
LANE_LOOP(u32_max, vir0_u32_max(x, y))
LANE_LOOP(u32_abs_diff, vir0_u32_abs_diff(x, y))
LANE_LOOP(u32_sat_add, vir0_u32_sat_add(x, y))
LANE_LOOP(u32_sat_sub, vir0_u32_sat_sub(x, y))
LANE_LOOP(u32_sat_mul, vir0_u32_sat_mul(x, y))
LANE_LOOP(u32_mul_high, vir0_u32_mul_high(x, y))
LANE_LOOP(i32_div, vir0_i32_div(x, y))
LANE_LOOP(i32_mod, vir0_i32_mod(x, y))
LANE_LOOP(i32_lt, (int32_t)x < (int32_t)y)
LANE_LOOP(i32_gt, (int32_t)x > (int32_t)y)
LANE_LOOP(i32_le, (int32_t)x <= (int32_t)y)
LANE_LOOP(i32_ge, (int32_t)x >= (int32_t)y)
LANE_LOOP(i32_min, vir0_i32_min(x, y))
LANE_LOOP(i32_max, vir0_i32_max(x, y))

/* f32 (fmt §9.5). The ordered compares use the quiet forms: the result is
 * the same (false with a NaN operand), and gcc only vectorises compares
 * that cannot trap. */
LANE_LOOP(f32_add, vir0_f32_add(x, y))
LANE_LOOP(f32_sub, vir0_f32_sub(x, y))
LANE_LOOP(f32_mul, vir0_f32_mul(x, y))
LANE_LOOP(f32_div, vir0_f32_div(x, y))
LANE_LOOP(f32_min, vir0_f32_min(x, y))
LANE_LOOP(f32_max, vir0_f32_max(x, y))
LANE_LOOP(f32_eq, vir0_f32_in(x) == vir0_f32_in(y))
LANE_LOOP(f32_ne, !(vir0_f32_in(x) == vir0_f32_in(y)))
LANE_LOOP(f32_lt, __builtin_isless(vir0_f32_in(x), vir0_f32_in(y)))
LANE_LOOP(f32_gt, __builtin_isgreater(vir0_f32_in(x), vir0_f32_in(y)))
LANE_LOOP(f32_le, __builtin_islessequal(vir0_f32_in(x), vir0_f32_in(y)))
LANE_LOOP(f32_ge, __builtin_isgreaterequal(vir0_f32_in(x), vir0_f32_in(y)))

/* The same on operands the decoder proved canonical (every write of their
 * registers makes canonical bits, struct vir0_cpu_insn): canonicalising
 * them again would change nothing, so these loops skip it. */
#define F(bits) vir0_f32_from_bits(bits)
LANE_LOOP(f32c_add, vir0_f32_out(F(x) + F(y)))
LANE_LOOP(f32c_sub, vir0_f32_out(F(x) - F(y)))
LANE_LOOP(f32c_mul, vir0_f32_out(F(x) * F(y)))
LANE_LOOP(f32c_div, vir0_f32_out(F(x) / F(y)))
LANE_LOOP(f32c_min, vir0_f32_min_canonical(x, y))
LANE_LOOP(f32c_max, vir0_f32_max_canonical(x, y))
LANE_LOOP(f32c_eq, F(x) == F(y))
LANE_LOOP(f32c_ne, !(F(x) == F(y)))
LANE_LOOP(f32c_lt, __builtin_isless(F(x), F(y)))
LANE_LOOP(f32c_gt, __builtin_isgreater(F(x), F(y)))
LANE_LOOP(f32c_le, __builtin_islessequal(F(x), F(y)))
LANE_LOOP(f32c_ge, __builtin_isgreaterequal(F(x), F(y)))
LANE_LOOP(f32c_fma, vir0_f32_out(fmaf(F(x), F(y), F(z))))
#undef F

LANE_LOOP(binop_any, vir0_eval_binop((uint8_t)insn->aux, insn->type, x, y))

#define BINOPS (VIR0_BIN_LAST + 1)

static const vir0_cpu_lane_fn binop_u32[BINOPS] = {
	[VIR0_BIN_ADD] = int_add, [VIR0_BIN_WRAPPING_ADD] = int_add,
	[VIR0_BIN_SUB] = int_sub, [VIR0_BIN_WRAPPING_SUB] = int_sub,
	[VIR0_BIN_MUL] = int_mul, [VIR0_BIN_DIV] = u32_div, [VIR0_BIN_MOD] = u32_mod,
	[VIR0_BIN_BIT_AND] = int_and_bits, [VIR0_BIN_BIT_OR] = int_or_bits,
	[VIR0_BIN_BIT_XOR] = int_xor_bits,
	[VIR0_BIN_SHL] = int_shl, [VIR0_BIN_SHR] = int_shr,
	[VIR0_BIN_ROTATE_LEFT] = int_rotl, [VIR0_BIN_ROTATE_RIGHT] = int_rotr,
	[VIR0_BIN_EQ] = int_eq, [VIR0_BIN_NE] = int_ne,
	[VIR0_BIN_LT] = u32_lt, [VIR0_BIN_GT] = u32_gt,
	[VIR0_BIN_LE] = u32_le, [VIR0_BIN_GE] = u32_ge,
	[VIR0_BIN_AND] = int_and, [VIR0_BIN_OR] = int_or,
	[VIR0_BIN_MIN] = u32_min, [VIR0_BIN_MAX] = u32_max,
	[VIR0_BIN_ABS_DIFF] = u32_abs_diff,
	[VIR0_BIN_SATURATING_ADD] = u32_sat_add, [VIR0_BIN_SATURATING_SUB] = u32_sat_sub,
	[VIR0_BIN_SATURATING_MUL] = u32_sat_mul, [VIR0_BIN_MUL_HIGH] = u32_mul_high,
};

/* i32 differs from u32 only where the sign matters (scalar_ops.c agrees). */
static const vir0_cpu_lane_fn binop_i32_signed[BINOPS] = {
	[VIR0_BIN_DIV] = i32_div, [VIR0_BIN_MOD] = i32_mod,
	[VIR0_BIN_LT] = i32_lt, [VIR0_BIN_GT] = i32_gt,
	[VIR0_BIN_LE] = i32_le, [VIR0_BIN_GE] = i32_ge,
	[VIR0_BIN_MIN] = i32_min, [VIR0_BIN_MAX] = i32_max,
};

static const vir0_cpu_lane_fn binop_f32[BINOPS] = {
	[VIR0_BIN_ADD] = f32_add, [VIR0_BIN_SUB] = f32_sub,
	[VIR0_BIN_MUL] = f32_mul, [VIR0_BIN_DIV] = f32_div,
	[VIR0_BIN_MIN] = f32_min, [VIR0_BIN_MAX] = f32_max,
	[VIR0_BIN_EQ] = f32_eq, [VIR0_BIN_NE] = f32_ne,
	[VIR0_BIN_LT] = f32_lt, [VIR0_BIN_GT] = f32_gt,
	[VIR0_BIN_LE] = f32_le, [VIR0_BIN_GE] = f32_ge,
};

/* bool values are 0 or 1, so the integer loops give the bool results. */
static const vir0_cpu_lane_fn binop_bool[BINOPS] = {
	[VIR0_BIN_EQ] = int_eq, [VIR0_BIN_NE] = int_ne,
	[VIR0_BIN_AND] = int_and, [VIR0_BIN_OR] = int_or,
};

static const vir0_cpu_lane_fn binop_f32_canonical[BINOPS] = {
	[VIR0_BIN_ADD] = f32c_add, [VIR0_BIN_SUB] = f32c_sub,
	[VIR0_BIN_MUL] = f32c_mul, [VIR0_BIN_DIV] = f32c_div,
	[VIR0_BIN_MIN] = f32c_min, [VIR0_BIN_MAX] = f32c_max,
	[VIR0_BIN_EQ] = f32c_eq, [VIR0_BIN_NE] = f32c_ne,
	[VIR0_BIN_LT] = f32c_lt, [VIR0_BIN_GT] = f32c_gt,
	[VIR0_BIN_LE] = f32c_le, [VIR0_BIN_GE] = f32c_ge,
};

static vir0_cpu_lane_fn binop_fn(unsigned type, unsigned op, int canonical)
{
	if (op >= BINOPS)
		return binop_any;
	vir0_cpu_lane_fn fn = NULL;
	switch (type) {
	case VIR0_TYPE_U32: fn = binop_u32[op]; break;
	case VIR0_TYPE_I32: fn = binop_i32_signed[op] ? binop_i32_signed[op] : binop_u32[op]; break;
	case VIR0_TYPE_F32: fn = canonical ? binop_f32_canonical[op] : binop_f32[op]; break;
	case VIR0_TYPE_BOOL: fn = binop_bool[op]; break;
	default: break;
	}
	return fn ? fn : binop_any;
}

/* ---- UnOp -------------------------------------------------------------- */

LANE_LOOP(int_negate, 0u - x)
LANE_LOOP(int_bit_not, ~x)
LANE_LOOP(int_logical_not, x == 0)
LANE_LOOP(int_popcount, vir0_u32_popcount(x))
LANE_LOOP(int_clz, vir0_u32_clz(x))
LANE_LOOP(int_ctz, vir0_u32_ctz(x))
LANE_LOOP(int_reverse_bits, vir0_u32_reverse_bits(x))
LANE_LOOP(f32_negate, vir0_f32_negate(x))
LANE_LOOP(f32_abs, vir0_f32_abs(x))
LANE_LOOP(f32_sign, vir0_f32_sign(x))
LANE_LOOP(unop_any, vir0_eval_unop((uint8_t)insn->aux, insn->type, x))

static vir0_cpu_lane_fn unop_fn(unsigned type, unsigned op)
{
	if (type == VIR0_TYPE_U32 || type == VIR0_TYPE_I32) {
		switch (op) {
		case VIR0_UN_NEGATE: return int_negate;
		case VIR0_UN_BIT_NOT: return int_bit_not;
		case VIR0_UN_LOGICAL_NOT: return int_logical_not;
		case VIR0_UN_POPCOUNT: return int_popcount;
		case VIR0_UN_CLZ: return int_clz;
		case VIR0_UN_CTZ: return int_ctz;
		case VIR0_UN_REVERSE_BITS: return int_reverse_bits;
		default: return unop_any;
		}
	}
	if (type == VIR0_TYPE_F32) {
		switch (op) {
		case VIR0_UN_NEGATE: return f32_negate;
		case VIR0_UN_ABS: return f32_abs;
		case VIR0_UN_SIGN: return f32_sign;
		default: return unop_any;
		}
	}
	if (type == VIR0_TYPE_BOOL && op == VIR0_UN_LOGICAL_NOT)
		return int_logical_not; /* 0 <-> 1 */
	return unop_any;
}

/* ---- Cast (fmt §9.7) --------------------------------------------------- */

LANE_LOOP(cast_to_bool, x != 0)
LANE_LOOP(cast_u32_to_f32, vir0_u32_to_f32(x))
LANE_LOOP(cast_i32_to_f32, vir0_i32_to_f32(x))
LANE_LOOP(cast_f32_to_u32, vir0_f32_to_u32(x))
LANE_LOOP(cast_f32_to_i32, vir0_f32_to_i32(x))
LANE_LOOP(cast_f32_to_bool, vir0_f32_to_bool(x))
LANE_LOOP(cast_any, vir0_eval_cast(insn->type, (uint8_t)insn->aux, x))

static int is_integer(unsigned type)
{
	return type == VIR0_TYPE_U32 || type == VIR0_TYPE_I32;
}

static vir0_cpu_lane_fn cast_fn(unsigned from, unsigned to)
{
	/* Same bits: identity, u32 <-> i32, and bool (0 or 1) to an integer. */
	if (from == to || (is_integer(to) && (is_integer(from) || from == VIR0_TYPE_BOOL)))
		return lanes_mov;
	if (to == VIR0_TYPE_BOOL && is_integer(from))
		return cast_to_bool;
	if (to == VIR0_TYPE_F32 && (from == VIR0_TYPE_U32 || from == VIR0_TYPE_BOOL))
		return cast_u32_to_f32;
	if (to == VIR0_TYPE_F32 && from == VIR0_TYPE_I32)
		return cast_i32_to_f32;
	if (from == VIR0_TYPE_F32 && to == VIR0_TYPE_U32)
		return cast_f32_to_u32;
	if (from == VIR0_TYPE_F32 && to == VIR0_TYPE_I32)
		return cast_f32_to_i32;
	if (from == VIR0_TYPE_F32 && to == VIR0_TYPE_BOOL)
		return cast_f32_to_bool;
	return cast_any;
}

vir0_cpu_lane_fn vir0_cpu_lane_fn_for(unsigned op, unsigned type, unsigned aux, int canonical)
{
	switch (op) {
	case VIR0_BC_CONST: return lanes_const;
	case VIR0_BC_MOV: return lanes_mov;
	case VIR0_BC_SELECT: return lanes_select;
	case VIR0_BC_FMA: return canonical ? f32c_fma : lanes_fma;
	case VIR0_BC_BINOP: return binop_fn(type, aux, canonical);
	case VIR0_BC_UNOP: return unop_fn(type, aux);
	case VIR0_BC_CAST: return cast_fn(type, aux);
	default: return NULL;
	}
}
