/* expr_type.h - the static typing tables of the core profile (fmt §1.5,
 * §6.1-§6.3, §8.4): which operand types each operator takes and what it
 * yields, and what a Load from each buffer element type gives. The
 * validator checks programs against these tables and executors can ask
 * them for the type of any expression of a validated program.
 *
 * A value type is one of the enum vir0_type_kind codes VIR0_TYPE_U32,
 * VIR0_TYPE_I32, VIR0_TYPE_F32 and VIR0_TYPE_BOOL; 0 means "no type". */
#ifndef VIR0_EXPR_TYPE_H
#define VIR0_EXPR_TYPE_H

#include <stddef.h>
#include <stdint.h>

/* 1 when `kind` is one of the four core value types (also the core Cast
 * targets, V25). */
int vir0_is_value_type(uint8_t kind);

/* Value type a Load from an element of this kind gives (fmt §1.5), or 0
 * when the kind is not a core buffer element type (V2). */
uint8_t vir0_element_load_type(uint8_t element_kind);

/* Bytes one element of this kind occupies in buffer memory, or 0 when the
 * kind is not a core buffer element type. */
size_t vir0_element_size(uint8_t element_kind);

/* 1 when the BinOp / UnOp / AtomicOp code is in the core profile. */
int vir0_binop_is_core(uint8_t op);
int vir0_unop_is_core(uint8_t op);
int vir0_atomic_op_is_core(uint8_t op);

/* Result type of the operator applied to operands of `operand_type` (both
 * operands of a BinOp share it), or 0 when the operator does not take
 * that type or is not core. */
uint8_t vir0_binop_result_type(uint8_t op, uint8_t operand_type);
uint8_t vir0_unop_result_type(uint8_t op, uint8_t operand_type);

/* The operand types the operator takes, spelled for a message:
 * "u32, i32 or f32". Writes into `text` (at least 32 bytes) and returns it. */
const char *vir0_binop_operand_types(uint8_t op, char *text, size_t size);
const char *vir0_unop_operand_types(uint8_t op, char *text, size_t size);

#endif
