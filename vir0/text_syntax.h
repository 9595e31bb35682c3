/* text_syntax.h - what the assembler and the disassembler must agree on:
 * infix operators and their C precedence, prefix operators, reserved words
 * and the orderings assumed when the text leaves them out. */
#ifndef VIR0_TEXT_SYNTAX_H
#define VIR0_TEXT_SYNTAX_H

#include "text_lexer.h"

#include <stddef.h>
#include <stdint.h>

/* Orderings written as plain `barrier` and `atomic_add(...)`. */
#define VIR0_TEXT_BARRIER_ORDERING 4 /* VIR0_ORDER_SEQ_CST */
#define VIR0_TEXT_ATOMIC_ORDERING 4  /* VIR0_ORDER_SEQ_CST */

/* Precedence of an infix BinOp, 1 (||) to 10 (* / %), or 0 when the
 * operator is written as a function, like min(a, b). */
int vir0_text_binop_precedence(uint8_t op);
/* The BinOp an infix punctuator spells, or -1. */
int vir0_text_infix_binop(enum vir0_punct punct);
/* The punctuator spelling of an infix BinOp (call only when precedence > 0). */
const char *vir0_text_infix_symbol(uint8_t op);

/* -, ~, ! prefix the operand; other UnOps are written as functions. */
int vir0_text_prefix_unop(enum vir0_punct punct);
const char *vir0_text_prefix_symbol(uint8_t op); /* NULL when a function */

/* Quantization layouts written with a number after them (per_channel 1,
 * per_group 128); the others hold parameter 0 and are written bare. */
int vir0_text_layout_has_parameter(const char *name, size_t len);

/* A word the grammar claims: such a name must be written in quotes. */
int vir0_text_is_reserved(const char *s, size_t len);
/* An identifier that is not reserved, so it needs no quotes. */
int vir0_text_is_plain_name(const char *s);

#endif
