/* expr_type.c - the core-profile typing tables (see expr_type.h). Each
 * operator row is a set of accepted operand types plus whether the result
 * is that same type or bool, transcribed from fmt §6.1 and §6.2; a row
 * with no accepted type is an operator outside the core profile. */
#include "expr_type.h"

#include "vir0.h"

#include <stdio.h>

/* Operand type sets: one bit per core value type. */
enum {
	TYPES_U32 = 1 << 0,
	TYPES_I32 = 1 << 1,
	TYPES_F32 = 1 << 2,
	TYPES_BOOL = 1 << 3,
	TYPES_INT = TYPES_U32 | TYPES_I32,
	TYPES_NUM = TYPES_INT | TYPES_F32,
};

struct op_row {
	uint8_t operands;     /* accepted operand types; 0 = outside the core */
	uint8_t gives_bool;   /* 1: result is bool, 0: result is the operand type */
};

static const struct op_row binop_rows[VIR0_BIN_LAST + 1] = {
	[VIR0_BIN_ADD] = { TYPES_NUM, 0 },
	[VIR0_BIN_SUB] = { TYPES_NUM, 0 },
	[VIR0_BIN_MUL] = { TYPES_NUM, 0 },
	[VIR0_BIN_DIV] = { TYPES_NUM, 0 },
	[VIR0_BIN_MOD] = { TYPES_INT, 0 },
	[VIR0_BIN_BIT_AND] = { TYPES_INT, 0 },
	[VIR0_BIN_BIT_OR] = { TYPES_INT, 0 },
	[VIR0_BIN_BIT_XOR] = { TYPES_INT, 0 },
	[VIR0_BIN_SHL] = { TYPES_U32, 0 },
	[VIR0_BIN_SHR] = { TYPES_U32, 0 },
	[VIR0_BIN_EQ] = { TYPES_NUM | TYPES_BOOL, 1 },
	[VIR0_BIN_NE] = { TYPES_NUM | TYPES_BOOL, 1 },
	[VIR0_BIN_LT] = { TYPES_NUM, 1 },
	[VIR0_BIN_GT] = { TYPES_NUM, 1 },
	[VIR0_BIN_LE] = { TYPES_NUM, 1 },
	[VIR0_BIN_GE] = { TYPES_NUM, 1 },
	[VIR0_BIN_AND] = { TYPES_BOOL | TYPES_U32, 1 },
	[VIR0_BIN_OR] = { TYPES_BOOL | TYPES_U32, 1 },
	[VIR0_BIN_ABS_DIFF] = { TYPES_U32, 0 },
	[VIR0_BIN_MIN] = { TYPES_NUM, 0 },
	[VIR0_BIN_MAX] = { TYPES_NUM, 0 },
	[VIR0_BIN_SATURATING_ADD] = { TYPES_U32, 0 },
	[VIR0_BIN_SATURATING_SUB] = { TYPES_U32, 0 },
	[VIR0_BIN_SATURATING_MUL] = { TYPES_U32, 0 },
	[VIR0_BIN_ROTATE_LEFT] = { TYPES_U32, 0 },
	[VIR0_BIN_ROTATE_RIGHT] = { TYPES_U32, 0 },
	[VIR0_BIN_WRAPPING_ADD] = { TYPES_INT, 0 },
	[VIR0_BIN_WRAPPING_SUB] = { TYPES_INT, 0 },
	[VIR0_BIN_MUL_HIGH] = { TYPES_U32, 0 },
};

static const struct op_row unop_rows[VIR0_UN_LAST + 1] = {
	[VIR0_UN_NEGATE] = { TYPES_NUM, 0 },
	[VIR0_UN_BIT_NOT] = { TYPES_INT, 0 },
	[VIR0_UN_LOGICAL_NOT] = { TYPES_BOOL | TYPES_U32, 1 },
	[VIR0_UN_POPCOUNT] = { TYPES_INT, 0 },
	[VIR0_UN_CLZ] = { TYPES_INT, 0 },
	[VIR0_UN_CTZ] = { TYPES_INT, 0 },
	[VIR0_UN_REVERSE_BITS] = { TYPES_INT, 0 },
	[VIR0_UN_ABS] = { TYPES_F32, 0 },
	[VIR0_UN_SQRT] = { TYPES_F32, 0 },
	[VIR0_UN_FLOOR] = { TYPES_F32, 0 },
	[VIR0_UN_CEIL] = { TYPES_F32, 0 },
	[VIR0_UN_ROUND] = { TYPES_F32, 0 },
	[VIR0_UN_TRUNC] = { TYPES_F32, 0 },
	[VIR0_UN_SIGN] = { TYPES_F32, 0 },
	[VIR0_UN_IS_NAN] = { TYPES_F32, 1 },
	[VIR0_UN_IS_INF] = { TYPES_F32, 1 },
	[VIR0_UN_IS_FINITE] = { TYPES_F32, 1 },
};

/* The value types in the order messages list them. */
static const uint8_t value_types[] = {
	VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32, VIR0_TYPE_BOOL,
};
static const char *const value_type_names[] = { "u32", "i32", "f32", "bool" };

static uint8_t type_bit(uint8_t type)
{
	for (unsigned i = 0; i < sizeof(value_types); i++)
		if (value_types[i] == type)
			return (uint8_t)(1u << i);
	return 0;
}

int vir0_is_value_type(uint8_t kind)
{
	return type_bit(kind) != 0;
}

/* Core element types (fmt §1.5): the load type and the stored size. */
uint8_t vir0_element_load_type(uint8_t element_kind)
{
	switch (element_kind) {
	case VIR0_TYPE_U8: case VIR0_TYPE_U16: case VIR0_TYPE_U32: case VIR0_TYPE_BYTES:
		return VIR0_TYPE_U32;
	case VIR0_TYPE_I8: case VIR0_TYPE_I16: case VIR0_TYPE_I32:
		return VIR0_TYPE_I32;
	case VIR0_TYPE_F32:
		return VIR0_TYPE_F32;
	case VIR0_TYPE_BOOL:
		return VIR0_TYPE_BOOL;
	default:
		return 0;
	}
}

size_t vir0_element_size(uint8_t element_kind)
{
	switch (element_kind) {
	case VIR0_TYPE_U8: case VIR0_TYPE_I8: case VIR0_TYPE_BYTES:
		return 1;
	case VIR0_TYPE_U16: case VIR0_TYPE_I16:
		return 2;
	case VIR0_TYPE_U32: case VIR0_TYPE_I32: case VIR0_TYPE_F32: case VIR0_TYPE_BOOL:
		return 4;
	default:
		return 0;
	}
}

static const struct op_row *binop_row(uint8_t op)
{
	return op <= VIR0_BIN_LAST ? &binop_rows[op] : NULL;
}

static const struct op_row *unop_row(uint8_t op)
{
	return op <= VIR0_UN_LAST ? &unop_rows[op] : NULL;
}

static uint8_t row_result(const struct op_row *row, uint8_t operand_type)
{
	if (!row || !(row->operands & type_bit(operand_type)))
		return 0;
	return row->gives_bool ? VIR0_TYPE_BOOL : operand_type;
}

int vir0_binop_is_core(uint8_t op)
{
	const struct op_row *row = binop_row(op);
	return row && row->operands;
}

int vir0_unop_is_core(uint8_t op)
{
	const struct op_row *row = unop_row(op);
	return row && row->operands;
}

int vir0_atomic_op_is_core(uint8_t op)
{
	return op >= VIR0_ATOMIC_ADD && op <= VIR0_ATOMIC_COMPARE_EXCHANGE;
}

uint8_t vir0_binop_result_type(uint8_t op, uint8_t operand_type)
{
	return row_result(binop_row(op), operand_type);
}

uint8_t vir0_unop_result_type(uint8_t op, uint8_t operand_type)
{
	return row_result(unop_row(op), operand_type);
}

/* "u32", "u32 or i32", "u32, i32 or f32", ... */
static const char *spell_types(const struct op_row *row, char *text, size_t size)
{
	unsigned total = 0, written = 0;
	uint8_t set = row ? row->operands : 0;
	for (unsigned i = 0; i < sizeof(value_types); i++)
		total += (set >> i) & 1;
	size_t used = 0;
	text[0] = '\0';
	for (unsigned i = 0; i < sizeof(value_types) && used < size; i++) {
		if (!((set >> i) & 1))
			continue;
		const char *sep = written == 0 ? "" : written + 1 == total ? " or " : ", ";
		int n = snprintf(text + used, size - used, "%s%s", sep, value_type_names[i]);
		used += n > 0 ? (size_t)n : 0;
		written++;
	}
	return text;
}

const char *vir0_binop_operand_types(uint8_t op, char *text, size_t size)
{
	return spell_types(binop_row(op), text, size);
}

const char *vir0_unop_operand_types(uint8_t op, char *text, size_t size)
{
	return spell_types(unop_row(op), text, size);
}
