/* wire_rules.h - the value rules of fmt §2-§7 that the decoder enforces and
 * the encoder refuses. Both sides call these, so a program the encoder
 * writes is always one the decoder accepts (fmt §7.5). */
#ifndef VIR0_WIRE_RULES_H
#define VIR0_WIRE_RULES_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Fixed bounds of fmt §7.1 that callers cannot change. */
#define VIR0_MAX_CALL_ARGS 4096u
#define VIR0_MAX_OPAQUE_PAYLOAD (4096u * 1024u)
#define VIR0_MAX_TYPE_DIMS 4096u

/* The wire version of fmt §1 and the canonical NaN of fmt §2. */
#define VIR0_WIRE_VERSION 1u
#define VIR0_F32_CANONICAL_NAN 0x7FC00000u

/* 0 when `n` bytes at `s` are valid UTF-8 without NUL (fmt D8, D9), else
 * VIR0_EUTF8 with the index of the first bad byte in *bad and a short
 * reason ("NUL byte", "overlong form", ...) in *why. */
int vir0_utf8_check(const uint8_t *s, size_t n, size_t *bad, const char **why);

/* vyre canonical_f32_bits: one NaN, no subnormal, no -0.0 (fmt §2). */
uint32_t vir0_f32_canonical(uint32_t bits);

/* Operator tables of fmt §6, without the opaque 0x80 escape. */
int vir0_binop_known(uint8_t op);
int vir0_unop_known(uint8_t op);
int vir0_atomic_op_known(uint8_t op);
int vir0_collective_op_known(uint8_t op);

/* Tag tables of fmt §3, §4 and §5. */
int vir0_type_tag_known(uint8_t tag);
int vir0_expr_tag_known(uint8_t tag);
int vir0_node_tag_known(uint8_t tag);

/* Opaque operator and type ids live in the upper half (fmt D15). */
int vir0_opaque_id_valid(uint32_t id);

/* Quantized payload rules of fmt §3. */
int vir0_quant_storage_valid(uint8_t tag);
int vir0_quant_scale_valid(uint8_t kind, uint32_t parameter);
int vir0_quant_zero_valid(uint8_t kind, uint32_t parameter);

#endif
