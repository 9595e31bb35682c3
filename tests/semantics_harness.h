/* semantics_harness.h - shared harness of the semantics suites
 * (tests/test_semantics_*.c): builds tiny programs, validates them, runs
 * them through vir0_run_reference and compares result bits with values
 * worked out by hand from doc/vir0-format.md.
 *
 * Mismatches are "soft": each one is printed with its source line and
 * counted, and the checked teardown fails the test when any was seen. One
 * run therefore lists every case where the interpreter disagrees with the
 * doc, not only the first one. */
#ifndef VIR0_TEST_SEMANTICS_HARNESS_H
#define VIR0_TEST_SEMANTICS_HARNESS_H

#include "vir0.h"

#include <check.h>
#include <stdint.h>

/* Value types are named by the buffer element kinds that hold them:
 * VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32 and VIR0_TYPE_BOOL. */

/* Bits of a float written as a decimal literal in a test. */
uint32_t sem_f32(float value);

/* Bits of an i32 written as a decimal literal in a test. */
uint32_t sem_i32(int32_t value);

/* ---- soft expectations ------------------------------------------------ */

/* Record a mismatch (printf-style description) unless got == expected. */
void sem_expect_bits(int line, uint32_t got, uint32_t expected, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define SEM_EXPECT(got, expected, ...) \
	sem_expect_bits(__LINE__, (got), (expected), __VA_ARGS__)

/* Record a failure with a printf-style description. */
void sem_fail(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A TCase with the checked fixture that turns recorded mismatches into a
 * test failure. */
TCase *sem_tcase(const char *name);

/* Run a suite with CK_NORMAL output; the process exit status. */
int sem_run_suite(Suite *suite);

/* ---- whole programs --------------------------------------------------- */

/* vir0_append that fails the test (hard) when the builder ran out of
 * memory or was handed a NULL. */
void sem_append(vir0_program *p, struct vir0_node_list *list, struct vir0_node *node);

/* vir0_add_buffer, failing the test (hard) on error. */
void sem_buffer(vir0_program *p, const char *name, enum vir0_access access,
		enum vir0_type_kind element, uint32_t count, int is_output);

/* Validate and run `p` over `groups` with one binding per declared buffer
 * (data NULL and size 0 for Workgroup buffers). Returns 1 when both
 * succeeded; otherwise records a failure naming `line` and returns 0. */
int sem_run(int line, const vir0_program *p, const uint32_t groups[3],
	    struct vir0_binding *bindings);
#define SEM_RUN(p, groups, bindings) sem_run(__LINE__, (p), (groups), (bindings))

/* Expect vir0_validate to reject `p` with `status`; for
 * VIR0_EUNSUPPORTED the message must say "outside the core profile". */
void sem_expect_invalid(int line, const vir0_program *p, int status);
#define SEM_EXPECT_INVALID(p, status) sem_expect_invalid(__LINE__, (p), (status))

/* ---- one expression, one invocation ----------------------------------- */

/* Builds the expression under test from its operand expressions. */
typedef struct vir0_expr *(*sem_build_fn)(vir0_program *p, struct vir0_expr *const operand[3],
					  const void *context);

struct sem_expr_case {
	int line;                       /* test source line, for messages */
	const char *what;               /* e.g. "Add", printed on mismatch */
	enum vir0_type_kind result;     /* value type of the expression */
	unsigned noperands;             /* 1..3 */
	enum vir0_type_kind type[3];    /* value type of each operand */
	uint32_t bits[3];               /* operand bits (bool: 0 or 1) */
	uint32_t expected;              /* result bits (bool: 1 or 0) */
	int no_literals;                /* skip the literal-operand run */
};

/* Evaluate `out[0] = build(operands)` in a one-invocation program twice:
 * with each operand loaded from its own one-element buffer, and with each
 * operand written as a literal (skipped when a literal cannot hold the
 * bits: non-canonical f32, or when c->no_literals is set). Compare both
 * results with c->expected. */
void sem_expect_expr(const struct sem_expr_case *c, sem_build_fn build, const void *context);

/* BinOp `op` on two operands of `type`; the result type follows §6.1. */
void sem_expect_binop(int line, enum vir0_binop op, enum vir0_type_kind type,
		      uint32_t a, uint32_t b, uint32_t expected);
/* UnOp `op` on one operand of `type`; the result type follows §6.2. */
void sem_expect_unop(int line, enum vir0_unop op, enum vir0_type_kind type,
		     uint32_t a, uint32_t expected);
/* Cast of one operand of type `from` to `to`. */
void sem_expect_cast(int line, enum vir0_type_kind from, enum vir0_type_kind to,
		     uint32_t a, uint32_t expected);

#define BIN(op, type, a, b, expected) \
	sem_expect_binop(__LINE__, VIR0_BIN_##op, VIR0_TYPE_##type, (a), (b), (expected))
#define UN(op, type, a, expected) \
	sem_expect_unop(__LINE__, VIR0_UN_##op, VIR0_TYPE_##type, (a), (expected))
#define CAST(from, to, a, expected) \
	sem_expect_cast(__LINE__, VIR0_TYPE_##from, VIR0_TYPE_##to, (a), (expected))

/* Common f32 bit patterns. */
#define F32_NAN 0x7FC00000u       /* the canonical NaN (§9.2) */
#define F32_INF 0x7F800000u
#define F32_NEG_INF 0xFF800000u
#define F32_NEG_ZERO 0x80000000u
#define F32_MAX 0x7F7FFFFFu
#define F32_MIN_NORMAL 0x00800000u /* 2^-126 */

#endif
