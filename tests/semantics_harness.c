/* semantics_harness.c - see semantics_harness.h. Programs are built with
 * the public builder only, so the suites exercise what a C user would. */
#include "semantics_harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sem_failures;

uint32_t sem_f32(float value)
{
	uint32_t bits;
	memcpy(&bits, &value, sizeof(bits));
	return bits;
}

uint32_t sem_i32(int32_t value)
{
	return (uint32_t)value;
}

static void vreport(int line, const char *fmt, va_list ap)
{
	fprintf(stderr, "FAIL line %d: ", line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	sem_failures++;
}

void sem_fail(int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(line, fmt, ap);
	va_end(ap);
}

void sem_expect_bits(int line, uint32_t got, uint32_t expected, const char *fmt, ...)
{
	if (got == expected)
		return;
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sem_fail(line, "%s: expected 0x%08X, got 0x%08X", what, expected, got);
}

static void sem_setup(void)
{
	sem_failures = 0;
}

static void sem_teardown(void)
{
	ck_assert_msg(sem_failures == 0,
		      "%d expectation(s) failed; the FAIL lines on stderr name each one",
		      sem_failures);
}

TCase *sem_tcase(const char *name)
{
	TCase *tc = tcase_create(name);
	tcase_add_checked_fixture(tc, sem_setup, sem_teardown);
	/* Sanitizer builds are slow, and a wrong loop bound must fail by
	 * timeout rather than hang the suite. */
	tcase_set_timeout(tc, 60);
	return tc;
}

int sem_run_suite(Suite *suite)
{
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void sem_append(vir0_program *p, struct vir0_node_list *list, struct vir0_node *node)
{
	ck_assert_msg(vir0_append(p, list, node) == VIR0_OK,
		      "building the test program failed (NULL node or out of memory)");
}

void sem_buffer(vir0_program *p, const char *name, enum vir0_access access,
		enum vir0_type_kind element, uint32_t count, int is_output)
{
	ck_assert_msg(vir0_add_buffer(p, name, access, element, count, is_output) == VIR0_OK,
		      "declaring buffer %s failed", name);
}

int sem_run(int line, const vir0_program *p, const uint32_t groups[3],
	    struct vir0_binding *bindings)
{
	struct vir0_error err;
	memset(&err, 0, sizeof(err));
	int status = vir0_validate(p, &err);
	if (status != VIR0_OK) {
		sem_fail(line, "vir0_validate rejected a valid program: %s at %s: %s",
			 vir0_status_name(status), err.path, err.message);
		return 0;
	}
	memset(&err, 0, sizeof(err));
	status = vir0_run_reference(p, groups, bindings, p->nbuffers, &err);
	if (status != VIR0_OK) {
		sem_fail(line, "vir0_run_reference failed: %s at %s: %s",
			 vir0_status_name(status), err.path, err.message);
		return 0;
	}
	return 1;
}

void sem_expect_invalid(int line, const vir0_program *p, int status)
{
	struct vir0_error err;
	memset(&err, 0, sizeof(err));
	int got = vir0_validate(p, &err);
	if (got != status) {
		sem_fail(line, "vir0_validate returned %s, expected %s (message: %s)",
			 vir0_status_name(got), vir0_status_name(status),
			 got ? err.message : "-");
		return;
	}
	if (err.code != status || err.message[0] == '\0')
		sem_fail(line, "vir0_validate returned %s but err.code is %d and the message is \"%s\"",
			 vir0_status_name(got), err.code, err.message);
	if (status == VIR0_EUNSUPPORTED && !strstr(err.message, "outside the core profile"))
		sem_fail(line, "VIR0_EUNSUPPORTED message lacks \"outside the core profile\": %s",
			 err.message);
}

/* ---- one expression, one invocation ----------------------------------- */

static const char *type_name(enum vir0_type_kind type)
{
	switch (type) {
	case VIR0_TYPE_U32: return "u32";
	case VIR0_TYPE_I32: return "i32";
	case VIR0_TYPE_F32: return "f32";
	case VIR0_TYPE_BOOL: return "bool";
	default: return "?";
	}
}

/* Whether a literal can carry these bits: LitF32 must be canonical (§2),
 * so NaN payloads, subnormals and -0.0 reach an operation only through a
 * Load. */
static int literal_can_hold(enum vir0_type_kind type, uint32_t bits)
{
	if (type != VIR0_TYPE_F32)
		return 1;
	uint32_t exponent = bits & 0x7F800000u, mantissa = bits & 0x007FFFFFu;
	if (exponent == 0x7F800000u && mantissa)
		return bits == F32_NAN;
	if (exponent == 0 && mantissa)
		return 0;
	return bits != F32_NEG_ZERO;
}

static struct vir0_expr *literal(vir0_program *p, enum vir0_type_kind type, uint32_t bits)
{
	float f;
	switch (type) {
	case VIR0_TYPE_U32: return vir0_lit_u32(p, bits);
	case VIR0_TYPE_I32: return vir0_lit_i32(p, (int32_t)bits);
	case VIR0_TYPE_BOOL: return vir0_lit_bool(p, bits != 0);
	default:
		memcpy(&f, &bits, sizeof(f));
		return vir0_lit_f32(p, f);
	}
}

static const char *const operand_buffer[3] = { "a0", "a1", "a2" };

/* One run of the case; returns 1 and sets *got when it ran. */
static int eval_once(const struct sem_expr_case *c, sem_build_fn build, const void *context,
		     int literals, uint32_t *got)
{
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	struct vir0_expr *operand[3] = { NULL, NULL, NULL };
	for (unsigned i = 0; i < c->noperands; i++) {
		if (literals) {
			operand[i] = literal(p, c->type[i], c->bits[i]);
		} else {
			sem_buffer(p, operand_buffer[i], VIR0_ACCESS_READ_ONLY, c->type[i], 1, 0);
			operand[i] = vir0_load(p, operand_buffer[i], vir0_lit_u32(p, 0));
		}
	}
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, c->result, 1, 1);
	sem_append(p, &p->body,
		   vir0_store(p, "out", vir0_lit_u32(p, 0), build(p, operand, context)));

	uint32_t in[3] = { c->bits[0], c->bits[1], c->bits[2] };
	uint32_t out = 0xA5A5A5A5u; /* is_output: must be zero-filled, then stored */
	struct vir0_binding bindings[4];
	uint32_t n = 0;
	if (!literals)
		for (; n < c->noperands; n++)
			bindings[n] = (struct vir0_binding){ &in[n], sizeof(in[n]) };
	bindings[n] = (struct vir0_binding){ &out, sizeof(out) };
	static const uint32_t one_group[3] = { 1, 1, 1 };
	int ran = sem_run(c->line, p, one_group, bindings);
	vir0_program_free(p);
	*got = out;
	return ran;
}

static void describe(char *text, size_t size, const struct sem_expr_case *c, int literals)
{
	int n = snprintf(text, size, "%s(", c->what);
	for (unsigned i = 0; i < c->noperands && n > 0 && (size_t)n < size; i++)
		n += snprintf(text + n, size - (size_t)n, "%s%s 0x%08X", i ? ", " : "",
			      type_name(c->type[i]), c->bits[i]);
	if (n > 0 && (size_t)n < size)
		snprintf(text + n, size - (size_t)n, ") -> %s, operands from %s",
			 type_name(c->result), literals ? "literals" : "buffers");
}

void sem_expect_expr(const struct sem_expr_case *c, sem_build_fn build, const void *context)
{
	for (int literals = 0; literals <= 1; literals++) {
		if (literals) {
			if (c->no_literals)
				continue;
			int ok = 1;
			for (unsigned i = 0; i < c->noperands; i++)
				ok &= literal_can_hold(c->type[i], c->bits[i]);
			if (!ok)
				continue;
		}
		uint32_t got;
		char what[200];
		describe(what, sizeof(what), c, literals);
		if (!eval_once(c, build, context, literals, &got)) {
			fprintf(stderr, "  (while evaluating %s)\n", what);
			continue;
		}
		sem_expect_bits(c->line, got, c->expected, "%s", what);
	}
}

static struct vir0_expr *build_binop(vir0_program *p, struct vir0_expr *const operand[3],
				     const void *context)
{
	return vir0_binop(p, *(const enum vir0_binop *)context, operand[0], operand[1]);
}

static struct vir0_expr *build_unop(vir0_program *p, struct vir0_expr *const operand[3],
				    const void *context)
{
	return vir0_unop(p, *(const enum vir0_unop *)context, operand[0]);
}

static struct vir0_expr *build_cast(vir0_program *p, struct vir0_expr *const operand[3],
				    const void *context)
{
	return vir0_cast(p, *(const enum vir0_type_kind *)context, operand[0]);
}

/* §6.1: comparisons and And/Or give bool, every other core BinOp gives
 * its operand type. */
static enum vir0_type_kind binop_result(enum vir0_binop op, enum vir0_type_kind type)
{
	if ((op >= VIR0_BIN_EQ && op <= VIR0_BIN_GE) || op == VIR0_BIN_AND || op == VIR0_BIN_OR)
		return VIR0_TYPE_BOOL;
	return type;
}

/* §6.2: LogicalNot and the float classifiers give bool. */
static enum vir0_type_kind unop_result(enum vir0_unop op, enum vir0_type_kind type)
{
	if (op == VIR0_UN_LOGICAL_NOT || op == VIR0_UN_IS_NAN || op == VIR0_UN_IS_INF ||
	    op == VIR0_UN_IS_FINITE)
		return VIR0_TYPE_BOOL;
	return type;
}

void sem_expect_binop(int line, enum vir0_binop op, enum vir0_type_kind type,
		      uint32_t a, uint32_t b, uint32_t expected)
{
	char what[32];
	snprintf(what, sizeof(what), "BinOp 0x%02X", (unsigned)op);
	struct sem_expr_case c = {
		.line = line, .what = what, .result = binop_result(op, type),
		.noperands = 2, .type = { type, type }, .bits = { a, b },
		.expected = expected,
		/* V23 rejects a literal zero divisor; that rejection has its
		 * own test, here the value of x / 0 is wanted. */
		.no_literals = (op == VIR0_BIN_DIV || op == VIR0_BIN_MOD) && b == 0,
	};
	sem_expect_expr(&c, build_binop, &op);
}

void sem_expect_unop(int line, enum vir0_unop op, enum vir0_type_kind type,
		     uint32_t a, uint32_t expected)
{
	char what[32];
	snprintf(what, sizeof(what), "UnOp 0x%02X", (unsigned)op);
	struct sem_expr_case c = {
		.line = line, .what = what, .result = unop_result(op, type),
		.noperands = 1, .type = { type }, .bits = { a }, .expected = expected,
	};
	sem_expect_expr(&c, build_unop, &op);
}

void sem_expect_cast(int line, enum vir0_type_kind from, enum vir0_type_kind to,
		     uint32_t a, uint32_t expected)
{
	char what[32];
	snprintf(what, sizeof(what), "Cast to %s", type_name(to));
	struct sem_expr_case c = {
		.line = line, .what = what, .result = to,
		.noperands = 1, .type = { from }, .bits = { a }, .expected = expected,
	};
	sem_expect_expr(&c, build_cast, &to);
}
