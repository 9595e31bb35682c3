/* test_semantics_float.c - every core f32 operator of vir0-format.md §6.1 and
 * §6.2, Fma, and every Cast pair that involves f32, against results worked
 * out by hand from §9.2 (canonical floats), §9.5 and §9.7.
 *
 * Operands that no literal can hold (NaN payloads, subnormals, -0.0) reach
 * the operation through a Load from an F32 buffer (semantics_harness.h), so
 * they also test canonicalisation on load. sem_f32(2.5f) is the bits of an
 * exactly representable decimal; other values are written as bits with
 * their decimal value in a comment. */
#include "semantics_harness.h"

#include <stdlib.h>

#define T 1u /* true */
#define F 0u /* false */
#define ONE 0x3F800000u
#define TWO 0x40000000u
#define MINUS_ONE_F 0xBF800000u
#define SNAN 0x7FA00001u          /* signalling NaN with a payload */
#define NEG_NAN 0xFFC00001u       /* negative quiet NaN with a payload */
#define SUBNORMAL 0x00000001u     /* 2^-149, acts as +0.0 (§9.5) */
#define NEG_SUBNORMAL 0x80000001u /* acts as -0.0 */
#define INT_MIN_BITS 0x80000000u
#define INT_MAX_BITS 0x7FFFFFFFu

START_TEST(arithmetic)
{
	BIN(ADD, F32, ONE, TWO, sem_f32(3.0f));
	BIN(ADD, F32, 0x3DCCCCCDu, 0x3E4CCCCDu, 0x3E99999Au); /* 0.1f + 0.2f = 0.3f */
	BIN(ADD, F32, 0x4B800000u, ONE, 0x4B800000u);          /* 2^24 + 1: tie to even */
	BIN(ADD, F32, 0x4B800000u, sem_f32(3.0f), 0x4B800002u); /* 2^24 + 3 -> 2^24 + 4 */
	BIN(ADD, F32, F32_NEG_ZERO, 0, 0);                     /* -0 + +0 = +0 */
	BIN(ADD, F32, F32_NEG_ZERO, F32_NEG_ZERO, F32_NEG_ZERO);
	BIN(ADD, F32, F32_MAX, F32_MAX, F32_INF);
	BIN(ADD, F32, F32_INF, F32_NEG_INF, F32_NAN);         /* x86 makes 0xFFC00000 */
	BIN(SUB, F32, ONE, ONE, 0);                            /* +0, not -0 */
	BIN(SUB, F32, F32_NEG_ZERO, 0, F32_NEG_ZERO);
	BIN(SUB, F32, sem_f32(2.5f), sem_f32(4.0f), sem_f32(-1.5f));
	BIN(SUB, F32, F32_INF, F32_INF, F32_NAN);
	BIN(MUL, F32, sem_f32(3.0f), sem_f32(0.5f), sem_f32(1.5f));
	BIN(MUL, F32, MINUS_ONE_F, 0, F32_NEG_ZERO);
	BIN(MUL, F32, F32_MAX, TWO, F32_INF);
	BIN(MUL, F32, 0xFF7FFFFFu, TWO, F32_NEG_INF);          /* -F32_MAX * 2 */
	BIN(MUL, F32, 0, F32_INF, F32_NAN);
	BIN(DIV, F32, ONE, sem_f32(3.0f), 0x3EAAAAABu);        /* 1/3 rounded to nearest */
	BIN(DIV, F32, sem_f32(-7.5f), sem_f32(2.5f), sem_f32(-3.0f));
	BIN(DIV, F32, ONE, 0, F32_INF);                        /* §9.5: by +0 */
	BIN(DIV, F32, ONE, F32_NEG_ZERO, F32_NEG_INF);         /* by -0 */
	BIN(DIV, F32, MINUS_ONE_F, 0, F32_NEG_INF);
	BIN(DIV, F32, 0, 0, F32_NAN);
	BIN(DIV, F32, F32_INF, F32_INF, F32_NAN);
	BIN(DIV, F32, F32_NEG_ZERO, sem_f32(5.0f), F32_NEG_ZERO);
}
END_TEST

START_TEST(canonical_results)
{
	/* §9.2: a subnormal result is flushed to zero keeping its sign, after
	 * rounding. */
	BIN(MUL, F32, F32_MIN_NORMAL, sem_f32(0.5f), 0);       /* 2^-127 */
	BIN(MUL, F32, 0x80800000u, sem_f32(0.5f), F32_NEG_ZERO); /* -2^-127 */
	BIN(DIV, F32, F32_MIN_NORMAL, TWO, 0);
	BIN(SUB, F32, 0x00800001u, F32_MIN_NORMAL, 0);         /* 2^-149 */
	BIN(SUB, F32, F32_MIN_NORMAL, 0x00800001u, F32_NEG_ZERO);
	/* (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150 lies halfway below 2^-126 and
	 * rounds (to even) up to the normal 2^-126: not flushed. */
	BIN(MUL, F32, 0x3F7FFFFFu, F32_MIN_NORMAL, F32_MIN_NORMAL);
	/* Any NaN result is 0x7FC00000, whatever the operand payloads. */
	BIN(ADD, F32, SNAN, ONE, F32_NAN);
	BIN(ADD, F32, NEG_NAN, ONE, F32_NAN);
	BIN(MUL, F32, ONE, 0xFFFFFFFFu, F32_NAN);
	UN(SQRT, F32, MINUS_ONE_F, F32_NAN);                   /* x86 makes 0xFFC00000 */
}
END_TEST

START_TEST(canonical_operands)
{
	/* §9.2/§9.5: subnormal operands act as zeros of their sign. */
	BIN(EQ, F32, SUBNORMAL, 0, T);
	BIN(EQ, F32, NEG_SUBNORMAL, SUBNORMAL, T);
	BIN(MUL, F32, NEG_SUBNORMAL, ONE, F32_NEG_ZERO);
	BIN(ADD, F32, 0x007FFFFFu, 0x007FFFFFu, 0);            /* not 0x00FFFFFE */
	BIN(ADD, F32, 0x00400000u, F32_MIN_NORMAL, F32_MIN_NORMAL); /* not 0x00C00000 */
	BIN(GT, F32, SUBNORMAL, 0, F);
	UN(NEGATE, F32, SUBNORMAL, F32_NEG_ZERO);
	/* Loads canonicalise (§9.9), so an identity cast shows the loaded value. */
	CAST(F32, F32, SNAN, F32_NAN);
	CAST(F32, F32, 0xFFFFFFFFu, F32_NAN);
	CAST(F32, F32, NEG_SUBNORMAL, F32_NEG_ZERO);
	CAST(F32, F32, F32_NEG_ZERO, F32_NEG_ZERO);            /* -0.0 is kept at run time */
	CAST(F32, F32, sem_f32(2.5f), sem_f32(2.5f));
}
END_TEST

START_TEST(min_max_float)
{
	BIN(MIN, F32, ONE, TWO, ONE);
	BIN(MAX, F32, ONE, TWO, TWO);
	BIN(MIN, F32, MINUS_ONE_F, ONE, MINUS_ONE_F);
	BIN(MAX, F32, F32_NEG_INF, MINUS_ONE_F, MINUS_ONE_F);
	/* One NaN operand: the other one; two: NaN. */
	BIN(MIN, F32, F32_NAN, ONE, ONE);
	BIN(MIN, F32, ONE, F32_NAN, ONE);
	BIN(MIN, F32, F32_NEG_INF, SNAN, F32_NEG_INF);
	BIN(MIN, F32, F32_NAN, F32_NAN, F32_NAN);
	BIN(MAX, F32, F32_NAN, MINUS_ONE_F, MINUS_ONE_F);
	BIN(MAX, F32, MINUS_ONE_F, F32_NAN, MINUS_ONE_F);
	BIN(MAX, F32, NEG_NAN, SNAN, F32_NAN);
	/* Signed zeros (§9.5, starpu-vir0 choice). */
	BIN(MIN, F32, F32_NEG_ZERO, 0, F32_NEG_ZERO);
	BIN(MIN, F32, 0, F32_NEG_ZERO, F32_NEG_ZERO);
	BIN(MAX, F32, F32_NEG_ZERO, 0, 0);
	BIN(MAX, F32, 0, F32_NEG_ZERO, 0);
}
END_TEST

START_TEST(compare_float)
{
	BIN(EQ, F32, ONE, ONE, T);
	BIN(NE, F32, ONE, TWO, T);
	BIN(LT, F32, F32_NEG_INF, F32_INF, T);
	BIN(GT, F32, ONE, sem_f32(-2.5f), T);
	BIN(LE, F32, sem_f32(2.5f), sem_f32(2.5f), T);
	BIN(GE, F32, sem_f32(2.5f), sem_f32(3.0f), F);
	/* NaN: unordered. */
	BIN(EQ, F32, F32_NAN, F32_NAN, F);
	BIN(NE, F32, F32_NAN, F32_NAN, T);
	BIN(NE, F32, F32_NAN, ONE, T);
	BIN(LT, F32, F32_NAN, ONE, F);
	BIN(LT, F32, ONE, F32_NAN, F);
	BIN(GT, F32, F32_NAN, ONE, F);
	BIN(LE, F32, F32_NAN, ONE, F);
	BIN(GE, F32, F32_NAN, F32_NAN, F);
	BIN(LE, F32, F32_NEG_INF, SNAN, F);
	/* Signed zeros compare equal. */
	BIN(EQ, F32, F32_NEG_ZERO, 0, T);
	BIN(NE, F32, F32_NEG_ZERO, 0, F);
	BIN(LT, F32, F32_NEG_ZERO, 0, F);
	BIN(LE, F32, 0, F32_NEG_ZERO, T);
	BIN(GE, F32, F32_NEG_ZERO, 0, T);
}
END_TEST

START_TEST(negate_abs_sqrt)
{
	UN(NEGATE, F32, ONE, MINUS_ONE_F);
	UN(NEGATE, F32, 0, F32_NEG_ZERO);                      /* flips the sign bit */
	UN(NEGATE, F32, F32_NEG_ZERO, 0);
	UN(NEGATE, F32, F32_INF, F32_NEG_INF);
	UN(NEGATE, F32, F32_NAN, F32_NAN);                     /* not 0xFFC00000 */
	UN(ABS, F32, sem_f32(-2.5f), sem_f32(2.5f));
	UN(ABS, F32, sem_f32(3.0f), sem_f32(3.0f));
	UN(ABS, F32, F32_NEG_ZERO, 0);
	UN(ABS, F32, F32_NEG_INF, F32_INF);
	UN(ABS, F32, NEG_NAN, F32_NAN);
	UN(SQRT, F32, sem_f32(4.0f), TWO);
	UN(SQRT, F32, TWO, 0x3FB504F3u);                       /* 1.41421354 */
	UN(SQRT, F32, 0, 0);
	UN(SQRT, F32, F32_NEG_ZERO, F32_NEG_ZERO);
	UN(SQRT, F32, F32_INF, F32_INF);
	UN(SQRT, F32, F32_NEG_INF, F32_NAN);
	UN(SQRT, F32, F32_NAN, F32_NAN);
}
END_TEST

START_TEST(rounding)
{
	UN(FLOOR, F32, sem_f32(2.5f), TWO);
	UN(FLOOR, F32, sem_f32(-2.5f), sem_f32(-3.0f));
	UN(FLOOR, F32, sem_f32(-0.5f), MINUS_ONE_F);
	UN(FLOOR, F32, sem_f32(0.5f), 0);
	UN(FLOOR, F32, F32_NEG_ZERO, F32_NEG_ZERO);
	UN(FLOOR, F32, F32_NEG_INF, F32_NEG_INF);
	UN(FLOOR, F32, F32_NAN, F32_NAN);
	UN(CEIL, F32, sem_f32(2.5f), sem_f32(3.0f));
	UN(CEIL, F32, sem_f32(-2.5f), sem_f32(-2.0f));
	UN(CEIL, F32, sem_f32(-0.5f), F32_NEG_ZERO);           /* §9.5 */
	UN(CEIL, F32, sem_f32(0.5f), ONE);
	UN(CEIL, F32, F32_INF, F32_INF);
	UN(TRUNC, F32, 0x402CCCCDu, TWO);                      /* 2.7 */
	UN(TRUNC, F32, 0xC02CCCCDu, sem_f32(-2.0f));           /* -2.7 */
	UN(TRUNC, F32, 0xBF333333u, F32_NEG_ZERO);             /* -0.7 -> -0.0 (§9.5) */
	UN(TRUNC, F32, 0x3F333333u, 0);                        /* 0.7 */
	UN(TRUNC, F32, F32_NAN, F32_NAN);
	/* Round: ties away from zero. */
	UN(ROUND, F32, sem_f32(2.5f), sem_f32(3.0f));
	UN(ROUND, F32, sem_f32(-2.5f), sem_f32(-3.0f));
	UN(ROUND, F32, sem_f32(0.5f), ONE);
	UN(ROUND, F32, sem_f32(-0.5f), MINUS_ONE_F);
	UN(ROUND, F32, sem_f32(1.5f), TWO);
	UN(ROUND, F32, sem_f32(3.5f), sem_f32(4.0f));
	UN(ROUND, F32, 0x3FB33333u, ONE);                      /* 1.4 */
	UN(ROUND, F32, 0xBECCCCCDu, F32_NEG_ZERO);             /* -0.4 -> -0.0 */
	UN(ROUND, F32, 0x3EFFFFFFu, 0);                        /* 0.49999997: floor(x+0.5) gets 1 */
	UN(ROUND, F32, 0x4B000001u, 0x4B000001u);              /* 8388609: floor(x+0.5) gets 8388610 */
	UN(ROUND, F32, F32_NEG_INF, F32_NEG_INF);
	UN(ROUND, F32, F32_NAN, F32_NAN);
}
END_TEST

START_TEST(sign_and_classify)
{
	UN(SIGN, F32, sem_f32(2.5f), ONE);
	UN(SIGN, F32, sem_f32(-2.5f), MINUS_ONE_F);
	UN(SIGN, F32, F32_INF, ONE);
	UN(SIGN, F32, F32_NEG_INF, MINUS_ONE_F);
	UN(SIGN, F32, 0, 0);
	UN(SIGN, F32, F32_NEG_ZERO, 0);                        /* +0.0 (§9.5) */
	UN(SIGN, F32, NEG_SUBNORMAL, 0);
	UN(SIGN, F32, F32_NAN, F32_NAN);
	UN(IS_NAN, F32, F32_NAN, T);
	UN(IS_NAN, F32, SNAN, T);
	UN(IS_NAN, F32, 0xFFFFFFFFu, T);
	UN(IS_NAN, F32, F32_INF, F);
	UN(IS_NAN, F32, ONE, F);
	UN(IS_INF, F32, F32_INF, T);
	UN(IS_INF, F32, F32_NEG_INF, T);
	UN(IS_INF, F32, F32_NAN, F);
	UN(IS_INF, F32, F32_MAX, F);
	UN(IS_INF, F32, 0, F);
	UN(IS_FINITE, F32, ONE, T);
	UN(IS_FINITE, F32, 0, T);
	UN(IS_FINITE, F32, F32_MAX, T);
	UN(IS_FINITE, F32, SUBNORMAL, T);
	UN(IS_FINITE, F32, F32_INF, F);
	UN(IS_FINITE, F32, F32_NEG_INF, F);
	UN(IS_FINITE, F32, F32_NAN, F);
}
END_TEST

static struct vir0_expr *build_fma(vir0_program *p, struct vir0_expr *const operand[3],
				   const void *context)
{
	(void)context;
	return vir0_fma(p, operand[0], operand[1], operand[2]);
}

/* Add(Mul(a, b), c): two roundings (§9.2 forbids contraction). */
static struct vir0_expr *build_mul_add(vir0_program *p, struct vir0_expr *const operand[3],
				       const void *context)
{
	(void)context;
	return vir0_binop(p, VIR0_BIN_ADD, vir0_binop(p, VIR0_BIN_MUL, operand[0], operand[1]),
			  operand[2]);
}

static void expect_ternary_f32(int line, const char *what, sem_build_fn build,
			       uint32_t a, uint32_t b, uint32_t c, uint32_t expected)
{
	struct sem_expr_case k = {
		.line = line, .what = what, .result = VIR0_TYPE_F32, .noperands = 3,
		.type = { VIR0_TYPE_F32, VIR0_TYPE_F32, VIR0_TYPE_F32 },
		.bits = { a, b, c }, .expected = expected,
	};
	sem_expect_expr(&k, build, NULL);
}
#define FMA(a, b, c, expected) \
	expect_ternary_f32(__LINE__, "Fma", build_fma, (a), (b), (c), (expected))
#define MUL_ADD(a, b, c, expected) \
	expect_ternary_f32(__LINE__, "Add(Mul)", build_mul_add, (a), (b), (c), (expected))

START_TEST(fma_fused)
{
	/* a = 1 + 2^-12; a*a = 1 + 2^-11 + 2^-24 exactly; c = -(1 + 2^-11).
	 * Fused: 2^-24. Unfused: a*a rounds (tie to even) to 1 + 2^-11, so 0. */
	FMA(0x3F800800u, 0x3F800800u, 0xBF801000u, 0x33800000u);
	MUL_ADD(0x3F800800u, 0x3F800800u, 0xBF801000u, 0);
	/* (1 + 2^-23)^2 - (1 + 2^-22) = 2^-46 fused, 0 unfused. */
	FMA(0x3F800001u, 0x3F800001u, 0xBF800002u, 0x28800000u);
	MUL_ADD(0x3F800001u, 0x3F800001u, 0xBF800002u, 0);
	FMA(TWO, sem_f32(3.0f), ONE, sem_f32(7.0f));
	FMA(F32_INF, 0, ONE, F32_NAN);
	FMA(ONE, ONE, SNAN, F32_NAN);
	/* Subnormal result flushed with its sign; subnormal operand is zero. */
	FMA(F32_MIN_NORMAL, sem_f32(0.5f), 0, 0);
	FMA(0x80800000u, sem_f32(0.5f), 0, F32_NEG_ZERO);
	FMA(0x00400000u, ONE, F32_MIN_NORMAL, F32_MIN_NORMAL);
}
END_TEST

START_TEST(casts_to_f32)
{
	/* §9.7: nearest binary32, ties to even. */
	CAST(U32, F32, 0, 0);
	CAST(U32, F32, 1, ONE);
	CAST(U32, F32, 16777217u, 0x4B800000u);                /* -> 16777216.0 */
	CAST(U32, F32, 16777219u, 0x4B800002u);                /* -> 16777220.0 */
	CAST(U32, F32, 0x80000000u, 0x4F000000u);              /* 2147483648.0 */
	CAST(U32, F32, 0xFFFFFF7Fu, 0x4F7FFFFFu);              /* -> 4294967040.0 */
	CAST(U32, F32, 0xFFFFFF80u, 0x4F800000u);              /* tie -> 4294967296.0 */
	CAST(U32, F32, 0xFFFFFFFFu, 0x4F800000u);              /* -> 4294967296.0 */
	CAST(I32, F32, 0, 0);
	CAST(I32, F32, 0xFFFFFFFFu, MINUS_ONE_F);              /* -1 */
	CAST(I32, F32, INT_MIN_BITS, 0xCF000000u);             /* -2147483648.0 */
	CAST(I32, F32, INT_MAX_BITS, 0x4F000000u);             /* rounds to 2^31 */
	CAST(I32, F32, sem_i32(-16777217), 0xCB800000u);       /* -> -16777216.0 */
	CAST(BOOL, F32, T, ONE);
	CAST(BOOL, F32, F, 0);
}
END_TEST

START_TEST(casts_from_f32)
{
	/* §9.7: NaN -> 0, truncate toward zero, saturate. */
	CAST(F32, U32, F32_NAN, 0);
	CAST(F32, U32, sem_f32(3.75f), 3);
	CAST(F32, U32, MINUS_ONE_F, 0);
	CAST(F32, U32, 0xBF666666u, 0);                        /* -0.9 */
	CAST(F32, U32, F32_NEG_ZERO, 0);
	CAST(F32, U32, F32_NEG_INF, 0);
	CAST(F32, U32, 0xFF7FFFFFu, 0);                        /* -F32_MAX */
	CAST(F32, U32, 0x4F000000u, 0x80000000u);              /* 2147483648.0 */
	CAST(F32, U32, 0x4F7FFFFFu, 0xFFFFFF00u);              /* 4294967040.0 */
	CAST(F32, U32, 0x4F800000u, 0xFFFFFFFFu);              /* 4294967296.0 */
	CAST(F32, U32, 0x501502F9u, 0xFFFFFFFFu);              /* 1e10 */
	CAST(F32, U32, F32_INF, 0xFFFFFFFFu);
	CAST(F32, I32, F32_NAN, 0);
	CAST(F32, I32, sem_f32(3.75f), 3);
	CAST(F32, I32, sem_f32(-3.75f), 0xFFFFFFFDu);          /* -3 */
	CAST(F32, I32, sem_f32(-0.5f), 0);
	CAST(F32, I32, 0x4EFFFFFFu, 0x7FFFFF80u);              /* 2147483520.0 */
	CAST(F32, I32, 0x4F000000u, INT_MAX_BITS);             /* 2147483648.0 saturates */
	CAST(F32, I32, 0x501502F9u, INT_MAX_BITS);             /* 1e10 */
	CAST(F32, I32, F32_INF, INT_MAX_BITS);
	CAST(F32, I32, 0xCEFFFFFFu, 0x80000080u);              /* -2147483520.0 */
	CAST(F32, I32, 0xCF000000u, INT_MIN_BITS);             /* -2147483648.0 exact */
	CAST(F32, I32, 0xCF000001u, INT_MIN_BITS);             /* -2147483904.0 saturates */
	CAST(F32, I32, 0xD01502F9u, INT_MIN_BITS);             /* -1e10 */
	CAST(F32, I32, F32_NEG_INF, INT_MIN_BITS);
	CAST(F32, BOOL, F32_NAN, T);                           /* NaN -> true */
	CAST(F32, BOOL, 0, F);
	CAST(F32, BOOL, F32_NEG_ZERO, F);
	CAST(F32, BOOL, SUBNORMAL, F);                         /* canonicalised to 0.0 */
	CAST(F32, BOOL, sem_f32(0.5f), T);
	CAST(F32, BOOL, sem_f32(-2.5f), T);
	CAST(F32, BOOL, F32_NEG_INF, T);
}
END_TEST

static Suite *semantics_float_suite(void)
{
	Suite *s = suite_create("semantics_float");
	TCase *tc = sem_tcase("f32");
	tcase_add_test(tc, arithmetic);
	tcase_add_test(tc, canonical_results);
	tcase_add_test(tc, canonical_operands);
	tcase_add_test(tc, min_max_float);
	tcase_add_test(tc, compare_float);
	tcase_add_test(tc, negate_abs_sqrt);
	tcase_add_test(tc, rounding);
	tcase_add_test(tc, sign_and_classify);
	tcase_add_test(tc, fma_fused);
	suite_add_tcase(s, tc);
	TCase *tcast = sem_tcase("casts");
	tcase_add_test(tcast, casts_to_f32);
	tcase_add_test(tcast, casts_from_f32);
	suite_add_tcase(s, tcast);
	return s;
}

int main(void)
{
	return sem_run_suite(semantics_float_suite());
}
