/* emit_opencl_ops.c - operators as OpenCL C expressions on registers: the
 * per-operation functions of codelets/vir0_ops.cl where the semantics need
 * more than one C operator, plain operators where OpenCL C's uint
 * arithmetic is already fmt §9.4's. The choice per (operator, type) is
 * the one vir0_ops.cl's dispatchers make, written out so that the kernel
 * holds no run-time dispatch. */
#include "emit_opencl.h"

#include <string.h>

/* Templates: "@a", "@b" and "@c" stand for the operand registers; "@A",
 * "@B" and "@C" for the operand as a float (vir0_ops.cl's vir0_f32_in, or
 * a plain as_float where the register is known flushed or canonical);
 * "@F" for what makes an arithmetic result an f32 register value
 * (vir0_f32_flush where the analysis allows, else vir0_f32_out). A
 * comparison of floats ignores a NaN's bits, so it reads them as floats
 * too. */
static const char *const binop_u32[VIR0_BIN_LAST + 1] = {
	[VIR0_BIN_ADD] = "@a + @b", [VIR0_BIN_WRAPPING_ADD] = "@a + @b",
	[VIR0_BIN_SUB] = "@a - @b", [VIR0_BIN_WRAPPING_SUB] = "@a - @b",
	[VIR0_BIN_MUL] = "@a * @b",
	[VIR0_BIN_DIV] = "vir0_u32_div(@a, @b)", [VIR0_BIN_MOD] = "vir0_u32_mod(@a, @b)",
	[VIR0_BIN_BIT_AND] = "@a & @b", [VIR0_BIN_BIT_OR] = "@a | @b",
	[VIR0_BIN_BIT_XOR] = "@a ^ @b",
	[VIR0_BIN_SHL] = "vir0_u32_shl(@a, @b)", [VIR0_BIN_SHR] = "vir0_u32_shr(@a, @b)",
	[VIR0_BIN_EQ] = "(uint)(@a == @b)", [VIR0_BIN_NE] = "(uint)(@a != @b)",
	[VIR0_BIN_LT] = "(uint)(@a < @b)", [VIR0_BIN_GT] = "(uint)(@a > @b)",
	[VIR0_BIN_LE] = "(uint)(@a <= @b)", [VIR0_BIN_GE] = "(uint)(@a >= @b)",
	[VIR0_BIN_AND] = "(uint)(@a != 0u && @b != 0u)",
	[VIR0_BIN_OR] = "(uint)(@a != 0u || @b != 0u)",
	[VIR0_BIN_ABS_DIFF] = "vir0_u32_abs_diff(@a, @b)",
	[VIR0_BIN_MIN] = "vir0_u32_min(@a, @b)", [VIR0_BIN_MAX] = "vir0_u32_max(@a, @b)",
	[VIR0_BIN_SATURATING_ADD] = "vir0_u32_sat_add(@a, @b)",
	[VIR0_BIN_SATURATING_SUB] = "vir0_u32_sat_sub(@a, @b)",
	[VIR0_BIN_SATURATING_MUL] = "vir0_u32_sat_mul(@a, @b)",
	[VIR0_BIN_ROTATE_LEFT] = "vir0_u32_rotl(@a, @b)",
	[VIR0_BIN_ROTATE_RIGHT] = "vir0_u32_rotr(@a, @b)",
	[VIR0_BIN_MUL_HIGH] = "vir0_u32_mul_high(@a, @b)",
};

/* Where i32 differs from u32 on the bits; the rest is binop_u32's. */
static const char *const binop_i32[VIR0_BIN_LAST + 1] = {
	[VIR0_BIN_DIV] = "vir0_i32_div(@a, @b)", [VIR0_BIN_MOD] = "vir0_i32_mod(@a, @b)",
	[VIR0_BIN_LT] = "(uint)((int)@a < (int)@b)", [VIR0_BIN_GT] = "(uint)((int)@a > (int)@b)",
	[VIR0_BIN_LE] = "(uint)((int)@a <= (int)@b)", [VIR0_BIN_GE] = "(uint)((int)@a >= (int)@b)",
	[VIR0_BIN_MIN] = "vir0_i32_min(@a, @b)", [VIR0_BIN_MAX] = "vir0_i32_max(@a, @b)",
};

static const char *const binop_f32[VIR0_BIN_LAST + 1] = {
	[VIR0_BIN_ADD] = "@F(@A + @B)", [VIR0_BIN_SUB] = "@F(@A - @B)",
	[VIR0_BIN_MUL] = "@F(@A * @B)", [VIR0_BIN_DIV] = "@F(@A / @B)",
	[VIR0_BIN_MIN] = "vir0_f32_min(@a, @b)", [VIR0_BIN_MAX] = "vir0_f32_max(@a, @b)",
	[VIR0_BIN_EQ] = "(uint)(@A == @B)", [VIR0_BIN_NE] = "(uint)!(@A == @B)",
	[VIR0_BIN_LT] = "(uint)(@A < @B)", [VIR0_BIN_GT] = "(uint)(@A > @B)",
	[VIR0_BIN_LE] = "(uint)(@A <= @B)", [VIR0_BIN_GE] = "(uint)(@A >= @B)",
};

static const char *const binop_bool[VIR0_BIN_LAST + 1] = {
	[VIR0_BIN_EQ] = "(uint)(@a == @b)", [VIR0_BIN_NE] = "(uint)(@a != @b)",
	[VIR0_BIN_AND] = "(uint)(@a && @b)", [VIR0_BIN_OR] = "(uint)(@a || @b)",
};

static const char *const unop_int[VIR0_UN_LAST + 1] = {
	[VIR0_UN_NEGATE] = "0u - @a", [VIR0_UN_BIT_NOT] = "~@a",
	[VIR0_UN_LOGICAL_NOT] = "(uint)(@a == 0u)",
	[VIR0_UN_POPCOUNT] = "vir0_u32_popcount(@a)", [VIR0_UN_CLZ] = "vir0_u32_clz(@a)",
	[VIR0_UN_CTZ] = "vir0_u32_ctz(@a)", [VIR0_UN_REVERSE_BITS] = "vir0_u32_reverse_bits(@a)",
};

static const char *const unop_f32[VIR0_UN_LAST + 1] = {
	[VIR0_UN_NEGATE] = "vir0_f32_negate(@a)", [VIR0_UN_ABS] = "vir0_f32_abs(@a)",
	[VIR0_UN_SQRT] = "@F(sqrt(@A))", [VIR0_UN_FLOOR] = "@F(floor(@A))",
	[VIR0_UN_CEIL] = "@F(ceil(@A))", [VIR0_UN_ROUND] = "@F(round(@A))",
	[VIR0_UN_TRUNC] = "@F(trunc(@A))", [VIR0_UN_SIGN] = "vir0_f32_sign(@a)",
	[VIR0_UN_IS_NAN] = "(uint)vir0_f32_is_nan(vir0_f32_canon(@a))",
	[VIR0_UN_IS_INF] = "vir0_f32_is_inf(@a)", [VIR0_UN_IS_FINITE] = "vir0_f32_is_finite(@a)",
};

static const char *const unop_bool[VIR0_UN_LAST + 1] = {
	[VIR0_UN_LOGICAL_NOT] = "(uint)!@a",
};

/* Write `template` with its placeholders replaced by the operands. */
static void expand(struct vir0_printer *p, const char *template,
		   const struct vir0_emit_operands *o)
{
	for (const char *t = template; *t;) {
		const char *at = strchr(t, '@');
		if (!at) {
			vir0_print_text(p, t, strlen(t));
			return;
		}
		vir0_print_text(p, t, (size_t)(at - t));
		int as_float = at[1] >= 'A' && at[1] <= 'C';
		unsigned k = (unsigned)(at[1] - (as_float ? 'A' : 'a'));
		if (at[1] == 'F')
			vir0_print_fmt(p, "%s", o->flush ? "vir0_f32_flush" : "vir0_f32_out");
		else if (!as_float)
			vir0_print_fmt(p, "r%u", o->reg[k]);
		else
			vir0_print_fmt(p, "%s(r%u)", o->as_float >> k & 1u ? "as_float" : "vir0_f32_in",
				       o->reg[k]);
		t = at + 2;
	}
}

static int emit_template(struct vir0_printer *p, const char *template, const char *what,
			 unsigned op, unsigned type, const struct vir0_emit_operands *o)
{
	if (!template)
		return vir0_print_fail(p, VIR0_EINVALID,
				       "%s 0x%02x on type 0x%02x is not core VIR0: emit only "
				       "bytecode from vir0_lower", what, op, type);
	expand(p, template, o);
	return p->status;
}

int vir0_emit_binop(struct vir0_printer *p, unsigned op, unsigned type,
		    const struct vir0_emit_operands *o)
{
	const char *template = NULL;
	if (op <= VIR0_BIN_LAST) {
		switch (type) {
		case VIR0_TYPE_U32: template = binop_u32[op]; break;
		case VIR0_TYPE_I32: template = binop_i32[op] ? binop_i32[op] : binop_u32[op]; break;
		case VIR0_TYPE_F32: template = binop_f32[op]; break;
		case VIR0_TYPE_BOOL: template = binop_bool[op]; break;
		default: break;
		}
	}
	/* The u32 table holds rows i32 lacks (shifts, saturation): the
	 * verifier already refused those pairs, so reaching them is a bug. */
	return emit_template(p, template, "BinOp", op, type, o);
}

int vir0_emit_unop(struct vir0_printer *p, unsigned op, unsigned type,
		   const struct vir0_emit_operands *o)
{
	const char *template = NULL;
	if (op <= VIR0_UN_LAST) {
		switch (type) {
		case VIR0_TYPE_U32: case VIR0_TYPE_I32: template = unop_int[op]; break;
		case VIR0_TYPE_F32: template = unop_f32[op]; break;
		case VIR0_TYPE_BOOL: template = unop_bool[op]; break;
		default: break;
		}
	}
	return emit_template(p, template, "UnOp", op, type, o);
}

static int is_value_type(unsigned type)
{
	return type == VIR0_TYPE_U32 || type == VIR0_TYPE_I32 || type == VIR0_TYPE_F32 ||
	       type == VIR0_TYPE_BOOL;
}

const char *vir0_emit_cast_template(unsigned from, unsigned to)
{
	const char *template;
	if (!is_value_type(from) || !is_value_type(to))
		template = NULL;
	else if (from == to)
		template = "@a";
	else if (to == VIR0_TYPE_BOOL)
		template = from == VIR0_TYPE_F32 ? "vir0_f32_to_bool(@a)" : "(uint)(@a != 0u)";
	else if (to == VIR0_TYPE_F32)
		template = from == VIR0_TYPE_I32 ? "vir0_i32_to_f32(@a)" : "vir0_u32_to_f32(@a)";
	else if (from == VIR0_TYPE_F32)
		template = to == VIR0_TYPE_U32 ? "vir0_f32_to_u32(@a)" : "vir0_f32_to_i32(@a)";
	else
		template = "@a"; /* u32 <-> i32 reinterpret; bool is 0 or 1 already */
	return template;
}

int vir0_emit_cast(struct vir0_printer *p, unsigned from, unsigned to,
		   const struct vir0_emit_operands *o)
{
	return emit_template(p, vir0_emit_cast_template(from, to), "Cast from", from, to, o);
}

/* fmt §9.5: one rounding (OpenCL's fma is correctly rounded, like C's). */
int vir0_emit_fma(struct vir0_printer *p, const struct vir0_emit_operands *o)
{
	expand(p, "@F(fma(@A, @B, @C))", o);
	return p->status;
}
