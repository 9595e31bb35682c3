/* names.c - spellings of every code VIR0 names (see names.h). Each table is
 * indexed by the wire code itself, so a gap (code 0 of BinOp, say) is a NULL
 * entry and a lookup is one bounds check. */
#include "names.h"

#include "vir0.h"

#include <string.h>

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const char *name_of(const char *const *table, size_t count, uint8_t code)
{
	return code < count ? table[code] : NULL;
}

static int code_of(const char *const *table, size_t count, const char *s, size_t len)
{
	if (!s)
		return -1;
	for (size_t code = 0; code < count; code++)
		if (table[code] && strlen(table[code]) == len && memcmp(table[code], s, len) == 0)
			return (int)code;
	return -1;
}

#define NAME_FUNCTIONS(prefix, table)                                          \
	const char *prefix##_name(uint8_t code)                                \
	{                                                                      \
		return name_of(table, COUNT(table), code);                     \
	}                                                                      \
	int prefix##_from_name(const char *s, size_t len)                      \
	{                                                                      \
		return code_of(table, COUNT(table), s, len);                   \
	}

static const char *const binop_names[] = {
	[VIR0_BIN_ADD] = "add", [VIR0_BIN_SUB] = "sub", [VIR0_BIN_MUL] = "mul",
	[VIR0_BIN_DIV] = "div", [VIR0_BIN_MOD] = "mod",
	[VIR0_BIN_BIT_AND] = "bit_and", [VIR0_BIN_BIT_OR] = "bit_or",
	[VIR0_BIN_BIT_XOR] = "bit_xor", [VIR0_BIN_SHL] = "shl", [VIR0_BIN_SHR] = "shr",
	[VIR0_BIN_EQ] = "eq", [VIR0_BIN_NE] = "ne", [VIR0_BIN_LT] = "lt",
	[VIR0_BIN_GT] = "gt", [VIR0_BIN_LE] = "le", [VIR0_BIN_GE] = "ge",
	[VIR0_BIN_AND] = "and", [VIR0_BIN_OR] = "or",
	[VIR0_BIN_ABS_DIFF] = "abs_diff", [VIR0_BIN_MIN] = "min", [VIR0_BIN_MAX] = "max",
	[VIR0_BIN_SATURATING_ADD] = "saturating_add",
	[VIR0_BIN_SATURATING_SUB] = "saturating_sub",
	[VIR0_BIN_SATURATING_MUL] = "saturating_mul",
	[VIR0_BIN_SHUFFLE] = "shuffle", [VIR0_BIN_BALLOT] = "ballot",
	[VIR0_BIN_WAVE_REDUCE] = "wave_reduce",
	[VIR0_BIN_WAVE_BROADCAST] = "wave_broadcast",
	[VIR0_BIN_ROTATE_LEFT] = "rotate_left", [VIR0_BIN_ROTATE_RIGHT] = "rotate_right",
	[VIR0_BIN_WRAPPING_ADD] = "wrapping_add", [VIR0_BIN_WRAPPING_SUB] = "wrapping_sub",
	[VIR0_BIN_MUL_HIGH] = "mul_high",
};
NAME_FUNCTIONS(vir0_binop, binop_names)

static const char *const unop_names[] = {
	[VIR0_UN_NEGATE] = "negate", [VIR0_UN_BIT_NOT] = "bit_not",
	[VIR0_UN_LOGICAL_NOT] = "logical_not", [VIR0_UN_POPCOUNT] = "popcount",
	[VIR0_UN_CLZ] = "clz", [VIR0_UN_CTZ] = "ctz",
	[VIR0_UN_REVERSE_BITS] = "reverse_bits", [VIR0_UN_COS] = "cos",
	[VIR0_UN_SIN] = "sin", [VIR0_UN_ABS] = "abs", [VIR0_UN_SQRT] = "sqrt",
	[VIR0_UN_FLOOR] = "floor", [VIR0_UN_CEIL] = "ceil", [VIR0_UN_ROUND] = "round",
	[VIR0_UN_TRUNC] = "trunc", [VIR0_UN_SIGN] = "sign", [VIR0_UN_IS_NAN] = "is_nan",
	[VIR0_UN_IS_INF] = "is_inf", [VIR0_UN_IS_FINITE] = "is_finite",
	[VIR0_UN_EXP] = "exp", [VIR0_UN_LOG] = "log", [VIR0_UN_LOG2] = "log2",
	[VIR0_UN_EXP2] = "exp2", [VIR0_UN_TAN] = "tan", [VIR0_UN_ACOS] = "acos",
	[VIR0_UN_ASIN] = "asin", [VIR0_UN_ATAN] = "atan", [VIR0_UN_TANH] = "tanh",
	[VIR0_UN_SINH] = "sinh", [VIR0_UN_COSH] = "cosh",
	[VIR0_UN_INVERSE_SQRT] = "inverse_sqrt",
	[VIR0_UN_UNPACK4_LOW] = "unpack4_low", [VIR0_UN_UNPACK4_HIGH] = "unpack4_high",
	[VIR0_UN_UNPACK8_LOW] = "unpack8_low", [VIR0_UN_UNPACK8_HIGH] = "unpack8_high",
	[VIR0_UN_RECIPROCAL] = "reciprocal",
};
NAME_FUNCTIONS(vir0_unop, unop_names)

static const char *const atomic_op_names[] = {
	[VIR0_ATOMIC_ADD] = "add", [VIR0_ATOMIC_OR] = "or", [VIR0_ATOMIC_AND] = "and",
	[VIR0_ATOMIC_XOR] = "xor", [VIR0_ATOMIC_MIN] = "min", [VIR0_ATOMIC_MAX] = "max",
	[VIR0_ATOMIC_EXCHANGE] = "exchange",
	[VIR0_ATOMIC_COMPARE_EXCHANGE] = "compare_exchange",
	[VIR0_ATOMIC_COMPARE_EXCHANGE_WEAK] = "compare_exchange_weak",
	[VIR0_ATOMIC_FETCH_NAND] = "fetch_nand",
	[VIR0_ATOMIC_LRU_UPDATE] = "lru_update",
};
NAME_FUNCTIONS(vir0_atomic_op, atomic_op_names)

static const char *const type_kind_names[] = {
	[VIR0_TYPE_U32] = "u32", [VIR0_TYPE_I32] = "i32", [VIR0_TYPE_U64] = "u64",
	[VIR0_TYPE_VEC2U32] = "vec2u32", [VIR0_TYPE_VEC4U32] = "vec4u32",
	[VIR0_TYPE_BOOL] = "bool", [VIR0_TYPE_BYTES] = "bytes",
	[VIR0_TYPE_ARRAY] = "array", [VIR0_TYPE_F16] = "f16", [VIR0_TYPE_BF16] = "bf16",
	[VIR0_TYPE_F32] = "f32", [VIR0_TYPE_F64] = "f64", [VIR0_TYPE_TENSOR] = "tensor",
	[VIR0_TYPE_U8] = "u8", [VIR0_TYPE_U16] = "u16", [VIR0_TYPE_I8] = "i8",
	[VIR0_TYPE_I16] = "i16", [VIR0_TYPE_I64] = "i64", [VIR0_TYPE_HANDLE] = "handle",
	[VIR0_TYPE_VEC] = "vec", [VIR0_TYPE_TENSOR_SHAPED] = "tensor_shaped",
	[VIR0_TYPE_SPARSE_CSR] = "sparse_csr", [VIR0_TYPE_SPARSE_COO] = "sparse_coo",
	[VIR0_TYPE_SPARSE_BSR] = "sparse_bsr", [VIR0_TYPE_F8E4M3] = "f8e4m3",
	[VIR0_TYPE_F8E5M2] = "f8e5m2", [VIR0_TYPE_I4] = "i4", [VIR0_TYPE_FP4] = "fp4",
	[VIR0_TYPE_NF4] = "nf4", [VIR0_TYPE_DEVICE_MESH] = "device_mesh",
	[VIR0_TYPE_QUANTIZED] = "quantized", [VIR0_TYPE_OPAQUE] = "opaque",
};
NAME_FUNCTIONS(vir0_type_kind, type_kind_names)

static const char *const access_names[] = {
	[VIR0_ACCESS_READ_ONLY] = "read", [VIR0_ACCESS_READ_WRITE] = "read_write",
	[VIR0_ACCESS_UNIFORM] = "uniform", [VIR0_ACCESS_WORKGROUP] = "workgroup",
};
NAME_FUNCTIONS(vir0_access, access_names)

static const char *const node_kind_names[] = {
	[VIR0_NODE_LET] = "let", [VIR0_NODE_ASSIGN] = "assign",
	[VIR0_NODE_STORE] = "store", [VIR0_NODE_IF] = "if", [VIR0_NODE_LOOP] = "loop",
	[VIR0_NODE_RETURN] = "return", [VIR0_NODE_BLOCK] = "block",
	[VIR0_NODE_BARRIER] = "barrier",
	[VIR0_NODE_INDIRECT_DISPATCH] = "indirect_dispatch",
	[VIR0_NODE_ASYNC_LOAD] = "async_load", [VIR0_NODE_ASYNC_WAIT] = "async_wait",
	[VIR0_NODE_REGION] = "region", [VIR0_NODE_ASYNC_STORE] = "async_store",
	[VIR0_NODE_TRAP] = "trap", [VIR0_NODE_RESUME] = "resume",
	[VIR0_NODE_ALL_REDUCE] = "all_reduce", [VIR0_NODE_ALL_GATHER] = "all_gather",
	[VIR0_NODE_REDUCE_SCATTER] = "reduce_scatter",
	[VIR0_NODE_BROADCAST] = "broadcast", [VIR0_NODE_OPAQUE] = "opaque",
};
NAME_FUNCTIONS(vir0_node_kind, node_kind_names)

static const char *const expr_kind_names[] = {
	[VIR0_EXPR_LIT_U32] = "lit_u32", [VIR0_EXPR_LIT_I32] = "lit_i32",
	[VIR0_EXPR_LIT_BOOL] = "lit_bool", [VIR0_EXPR_VAR] = "var",
	[VIR0_EXPR_LOAD] = "load", [VIR0_EXPR_BUF_LEN] = "buf_len",
	[VIR0_EXPR_INVOCATION_ID] = "invocation_id",
	[VIR0_EXPR_WORKGROUP_ID] = "workgroup_id", [VIR0_EXPR_LOCAL_ID] = "local_id",
	[VIR0_EXPR_BINOP] = "binop", [VIR0_EXPR_UNOP] = "unop",
	[VIR0_EXPR_CALL] = "call", [VIR0_EXPR_SELECT] = "select",
	[VIR0_EXPR_CAST] = "cast", [VIR0_EXPR_ATOMIC] = "atomic",
	[VIR0_EXPR_LIT_F32] = "lit_f32", [VIR0_EXPR_FMA] = "fma",
	[VIR0_EXPR_SUBGROUP_ADD] = "subgroup_add",
	[VIR0_EXPR_SUBGROUP_SHUFFLE] = "subgroup_shuffle",
	[VIR0_EXPR_SUBGROUP_BALLOT] = "subgroup_ballot",
	[VIR0_EXPR_SUBGROUP_LOCAL_ID] = "subgroup_local_id",
	[VIR0_EXPR_SUBGROUP_SIZE] = "subgroup_size", [VIR0_EXPR_OPAQUE] = "opaque",
};
NAME_FUNCTIONS(vir0_expr_kind, expr_kind_names)

static const char *const ordering_names[] = {
	[VIR0_ORDER_RELAXED] = "relaxed", [VIR0_ORDER_ACQUIRE] = "acquire",
	[VIR0_ORDER_RELEASE] = "release", [VIR0_ORDER_ACQ_REL] = "acq_rel",
	[VIR0_ORDER_SEQ_CST] = "seq_cst", [VIR0_ORDER_GRID_SYNC] = "grid_sync",
};
NAME_FUNCTIONS(vir0_ordering, ordering_names)

static const char *const collective_op_names[] = {
	[VIR0_COLLECTIVE_SUM] = "sum", [VIR0_COLLECTIVE_MIN] = "min",
	[VIR0_COLLECTIVE_MAX] = "max", [VIR0_COLLECTIVE_BIT_AND] = "bit_and",
	[VIR0_COLLECTIVE_BIT_OR] = "bit_or", [VIR0_COLLECTIVE_BIT_XOR] = "bit_xor",
};
NAME_FUNCTIONS(vir0_collective_op, collective_op_names)

static const char *const quant_scale_names[] = {
	[VIR0_SCALE_PER_TENSOR] = "per_tensor", [VIR0_SCALE_PER_CHANNEL] = "per_channel",
	[VIR0_SCALE_PER_GROUP] = "per_group",
};
NAME_FUNCTIONS(vir0_quant_scale, quant_scale_names)

static const char *const quant_zero_names[] = {
	[VIR0_ZERO_ABSENT] = "absent", [VIR0_ZERO_PER_TENSOR] = "per_tensor",
	[VIR0_ZERO_PER_CHANNEL] = "per_channel", [VIR0_ZERO_PER_GROUP] = "per_group",
};
NAME_FUNCTIONS(vir0_quant_zero, quant_zero_names)
