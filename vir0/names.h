/* names.h - the one table of spellings for operator codes, data-type kinds,
 * access modes, node and expression kinds, memory orderings and collective
 * operators. The text form reads and writes these names, and the validator,
 * interpreter and CLI use them in messages, so each code is spelled once.
 *
 * Every *_name function returns NULL for a code outside its table; every
 * *_from_name function takes a length-delimited spelling (no NUL needed) and
 * returns the code, or -1 when the spelling is unknown. */
#ifndef VIR0_NAMES_H
#define VIR0_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Memory orderings of Barrier nodes and Atomic expressions (wire u8, fmt §5). */
enum vir0_ordering {
	VIR0_ORDER_RELAXED = 0, VIR0_ORDER_ACQUIRE = 1, VIR0_ORDER_RELEASE = 2,
	VIR0_ORDER_ACQ_REL = 3, VIR0_ORDER_SEQ_CST = 4, VIR0_ORDER_GRID_SYNC = 5,
	VIR0_ORDER_LAST = VIR0_ORDER_GRID_SYNC,
};

/* Reduction operators of the AllReduce and ReduceScatter nodes (wire u8). */
enum vir0_collective_op {
	VIR0_COLLECTIVE_SUM = 1, VIR0_COLLECTIVE_MIN = 2, VIR0_COLLECTIVE_MAX = 3,
	VIR0_COLLECTIVE_BIT_AND = 4, VIR0_COLLECTIVE_BIT_OR = 5,
	VIR0_COLLECTIVE_BIT_XOR = 6,
	VIR0_COLLECTIVE_LAST = VIR0_COLLECTIVE_BIT_XOR,
};

/* Quantized data types: how the scale and the zero point are laid out. */
enum vir0_quant_scale {
	VIR0_SCALE_PER_TENSOR = 0, VIR0_SCALE_PER_CHANNEL = 1,
	VIR0_SCALE_PER_GROUP = 2,
};
enum vir0_quant_zero {
	VIR0_ZERO_ABSENT = 0, VIR0_ZERO_PER_TENSOR = 1, VIR0_ZERO_PER_CHANNEL = 2,
	VIR0_ZERO_PER_GROUP = 3,
};

/* "add", "bit_and", "saturating_add", "mul_high", ... */
const char *vir0_binop_name(uint8_t op);
int vir0_binop_from_name(const char *s, size_t len);

/* "negate", "popcount", "sqrt", "reciprocal", ... */
const char *vir0_unop_name(uint8_t op);
int vir0_unop_from_name(const char *s, size_t len);

/* "add", "compare_exchange", "lru_update", ... (the text form writes them
 * with an "atomic_" prefix) */
const char *vir0_atomic_op_name(uint8_t op);
int vir0_atomic_op_from_name(const char *s, size_t len);

/* "u32", "f32", "vec", "tensor_shaped", "quantized", "opaque", ... */
const char *vir0_type_kind_name(uint8_t kind);
int vir0_type_kind_from_name(const char *s, size_t len);

/* "read", "read_write", "uniform", "workgroup" */
const char *vir0_access_name(uint8_t access);
int vir0_access_from_name(const char *s, size_t len);

/* "let", "assign", "store", "if", "loop", ..., "opaque" */
const char *vir0_node_kind_name(uint8_t kind);
int vir0_node_kind_from_name(const char *s, size_t len);

/* "lit_u32", "var", "load", "binop", ..., "subgroup_size", "opaque" */
const char *vir0_expr_kind_name(uint8_t kind);
int vir0_expr_kind_from_name(const char *s, size_t len);

/* "relaxed", "acquire", "release", "acq_rel", "seq_cst", "grid_sync" */
const char *vir0_ordering_name(uint8_t ordering);
int vir0_ordering_from_name(const char *s, size_t len);

/* "sum", "min", "max", "bit_and", "bit_or", "bit_xor" */
const char *vir0_collective_op_name(uint8_t op);
int vir0_collective_op_from_name(const char *s, size_t len);

/* "per_tensor", "per_channel", "per_group" */
const char *vir0_quant_scale_name(uint8_t kind);
int vir0_quant_scale_from_name(const char *s, size_t len);

/* "absent", "per_tensor", "per_channel", "per_group" */
const char *vir0_quant_zero_name(uint8_t kind);
int vir0_quant_zero_from_name(const char *s, size_t len);

#endif
