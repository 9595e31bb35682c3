/* wire_rules.c - see wire_rules.h. */
#include "wire_rules.h"

#include "names.h"

int vir0_utf8_check(const uint8_t *s, size_t n, size_t *bad, const char **why)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		size_t len;
		uint32_t min, cp;
		if (c == 0) {
			*why = "NUL byte";
			goto fail;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2, min = 0x80, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4, min = 0x10000, cp = c & 0x07;
		} else {
			/* 0x80-0xBF stray continuation, 0xC0/0xC1 always
			 * overlong, 0xF5-0xFF beyond U+10FFFF. */
			*why = c < 0xC2 ? "stray continuation or overlong lead byte"
					: "lead byte beyond U+10FFFF";
			goto fail;
		}
		if (n - i < len) {
			*why = "sequence cut short by the end of the string";
			goto fail;
		}
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80) {
				*why = "missing continuation byte";
				goto fail;
			}
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min) {
			*why = "overlong form";
			goto fail;
		}
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			*why = "surrogate code point";
			goto fail;
		}
		if (cp > 0x10FFFF) {
			*why = "code point beyond U+10FFFF";
			goto fail;
		}
		i += len;
	}
	return VIR0_OK;
fail:
	*bad = i;
	return VIR0_EUTF8;
}

uint32_t vir0_f32_canonical(uint32_t bits)
{
	uint32_t exponent = bits & 0x7F800000u, mantissa = bits & 0x007FFFFFu;
	if (exponent == 0x7F800000u && mantissa)
		return VIR0_F32_CANONICAL_NAN;
	/* Subnormals of either sign and -0.0 all become +0.0. */
	if (exponent == 0)
		return 0;
	return bits;
}

int vir0_binop_known(uint8_t op)
{
	return op >= VIR0_BIN_ADD && op <= VIR0_BIN_LAST;
}

int vir0_unop_known(uint8_t op)
{
	return op >= VIR0_UN_NEGATE && op <= VIR0_UN_LAST;
}

int vir0_atomic_op_known(uint8_t op)
{
	return op >= VIR0_ATOMIC_ADD && op <= VIR0_ATOMIC_LAST;
}

int vir0_collective_op_known(uint8_t op)
{
	return op >= VIR0_COLLECTIVE_SUM && op <= VIR0_COLLECTIVE_LAST;
}

int vir0_type_tag_known(uint8_t tag)
{
	return (tag >= VIR0_TYPE_U32 && tag <= VIR0_TYPE_QUANTIZED) ||
	       tag == VIR0_TYPE_OPAQUE;
}

int vir0_expr_tag_known(uint8_t tag)
{
	return tag <= VIR0_EXPR_SUBGROUP_SIZE || tag == VIR0_EXPR_OPAQUE;
}

int vir0_node_tag_known(uint8_t tag)
{
	return tag <= VIR0_NODE_BROADCAST || tag == VIR0_NODE_OPAQUE;
}

int vir0_opaque_id_valid(uint32_t id)
{
	return (id & 0x80000000u) != 0;
}

int vir0_quant_storage_valid(uint8_t tag)
{
	switch (tag) {
	case VIR0_TYPE_I4: case VIR0_TYPE_I8: case VIR0_TYPE_I16:
	case VIR0_TYPE_U8: case VIR0_TYPE_U16: case VIR0_TYPE_F8E4M3:
	case VIR0_TYPE_F8E5M2: case VIR0_TYPE_FP4: case VIR0_TYPE_NF4:
		return 1;
	default:
		return 0;
	}
}

int vir0_quant_scale_valid(uint8_t kind, uint32_t parameter)
{
	switch (kind) {
	case VIR0_SCALE_PER_TENSOR:
		return parameter == 0;
	case VIR0_SCALE_PER_CHANNEL:
		return 1;
	case VIR0_SCALE_PER_GROUP:
		return parameter >= 1;
	default:
		return 0;
	}
}

int vir0_quant_zero_valid(uint8_t kind, uint32_t parameter)
{
	switch (kind) {
	case VIR0_ZERO_ABSENT:
	case VIR0_ZERO_PER_TENSOR:
		return parameter == 0;
	case VIR0_ZERO_PER_CHANNEL:
		return 1;
	case VIR0_ZERO_PER_GROUP:
		return parameter >= 1;
	default:
		return 0;
	}
}
