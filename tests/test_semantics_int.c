/* test_semantics_int.c - every core integer and bool operator of
 * vir0-format.md §6.1/§6.2 on u32 and i32 (and bool where §9.6 allows it),
 * against results worked out by hand from §9.4 and §9.6.
 *
 * Each case runs twice (operands loaded from buffers, and as literals; see
 * semantics_harness.h). i32 values are written as their two's complement
 * bits, with the decimal value in a comment. Bool results are 1 / 0. */
#include "semantics_harness.h"

#include <stdlib.h>

#define T 1u /* true */
#define F 0u /* false */
#define INT_MIN_BITS 0x80000000u /* -2147483648 */
#define INT_MAX_BITS 0x7FFFFFFFu /*  2147483647 */
#define MINUS_ONE 0xFFFFFFFFu    /* i32 -1 */

START_TEST(add_sub_mul_wrap)
{
	/* §9.4: u32 arithmetic is modulo 2^32. */
	BIN(ADD, U32, 2, 3, 5);
	BIN(ADD, U32, 0xFFFFFFFFu, 1, 0);
	BIN(ADD, U32, 0xFFFFFFFFu, 2, 1);
	BIN(ADD, U32, 0x80000000u, 0x80000000u, 0);
	BIN(SUB, U32, 5, 3, 2);
	BIN(SUB, U32, 0, 1, 0xFFFFFFFFu);
	BIN(SUB, U32, 3, 5, 0xFFFFFFFEu);
	BIN(MUL, U32, 6, 7, 42);
	BIN(MUL, U32, 0x10000u, 0x10000u, 0);              /* 2^32 -> 0 */
	BIN(MUL, U32, 0xFFFFFFFFu, 0xFFFFFFFFu, 1);        /* (2^32-1)^2 mod 2^32 */
	BIN(MUL, U32, 0x12345678u, 0x10u, 0x23456780u);
	/* i32: two's complement, wrapping. */
	BIN(ADD, I32, sem_i32(-3), 5, 2);
	BIN(ADD, I32, INT_MAX_BITS, 1, INT_MIN_BITS);
	BIN(ADD, I32, INT_MIN_BITS, MINUS_ONE, INT_MAX_BITS);
	BIN(SUB, I32, INT_MIN_BITS, 1, INT_MAX_BITS);
	BIN(SUB, I32, 3, 5, MINUS_ONE - 1);                /* -2 */
	BIN(SUB, I32, 0, INT_MIN_BITS, INT_MIN_BITS);
	BIN(MUL, I32, sem_i32(-3), 5, 0xFFFFFFF1u);        /* -15 */
	BIN(MUL, I32, sem_i32(-4), sem_i32(-5), 20);
	BIN(MUL, I32, INT_MIN_BITS, MINUS_ONE, INT_MIN_BITS);
	BIN(MUL, I32, 46341, 46341, 0x80001219u);          /* 2147488281 wraps */
}
END_TEST

START_TEST(wrapping_add_sub)
{
	BIN(WRAPPING_ADD, U32, 0xFFFFFFFFu, 1, 0);
	BIN(WRAPPING_ADD, U32, 0xFFFFFFF0u, 0x20u, 0x10u);
	BIN(WRAPPING_ADD, U32, 7, 8, 15);
	BIN(WRAPPING_SUB, U32, 0, 1, 0xFFFFFFFFu);
	BIN(WRAPPING_SUB, U32, 9, 4, 5);
	BIN(WRAPPING_ADD, I32, INT_MAX_BITS, 1, INT_MIN_BITS);
	BIN(WRAPPING_ADD, I32, MINUS_ONE, MINUS_ONE, 0xFFFFFFFEu); /* -2 */
	BIN(WRAPPING_SUB, I32, INT_MIN_BITS, 1, INT_MAX_BITS);
	BIN(WRAPPING_SUB, I32, 0, 7, 0xFFFFFFF9u);                /* -7 */
}
END_TEST

START_TEST(div_mod_u32)
{
	BIN(DIV, U32, 7, 2, 3);
	BIN(DIV, U32, 0xFFFFFFFFu, 1, 0xFFFFFFFFu);
	BIN(DIV, U32, 0xFFFFFFFFu, 0x10u, 0x0FFFFFFFu);
	BIN(DIV, U32, 0x80000000u, 2, 0x40000000u);        /* unsigned, not -2^30 */
	BIN(DIV, U32, 3, 7, 0);
	BIN(DIV, U32, 7, 0, 0xFFFFFFFFu);                  /* §9.4: x / 0 = 0xFFFFFFFF */
	BIN(DIV, U32, 0, 0, 0xFFFFFFFFu);
	BIN(MOD, U32, 7, 2, 1);
	BIN(MOD, U32, 0xFFFFFFFFu, 10, 5);                 /* 4294967295 mod 10 */
	BIN(MOD, U32, 0xFFFFFFF9u, 2, 1);                  /* unsigned: odd */
	BIN(MOD, U32, 3, 7, 3);
	BIN(MOD, U32, 7, 0, 0);                            /* §9.4: x % 0 = 0 */
	BIN(MOD, U32, 0, 0, 0);
}
END_TEST

START_TEST(div_mod_i32)
{
	/* Quotient truncated toward zero; remainder takes the dividend's sign. */
	BIN(DIV, I32, 7, 2, 3);
	BIN(DIV, I32, sem_i32(-7), 2, 0xFFFFFFFDu);        /* -3 */
	BIN(DIV, I32, 7, sem_i32(-2), 0xFFFFFFFDu);        /* -3 */
	BIN(DIV, I32, sem_i32(-7), sem_i32(-2), 3);
	BIN(DIV, I32, INT_MIN_BITS, 2, 0xC0000000u);       /* -1073741824 */
	BIN(DIV, I32, INT_MIN_BITS, MINUS_ONE, INT_MIN_BITS); /* §9.4 */
	BIN(DIV, I32, 5, 0, MINUS_ONE);                    /* x / 0 = -1 (§9.4) */
	BIN(DIV, I32, sem_i32(-5), 0, MINUS_ONE);
	BIN(DIV, I32, 0, 0, MINUS_ONE);
	BIN(DIV, I32, INT_MIN_BITS, 0, MINUS_ONE);
	BIN(MOD, I32, 7, 2, 1);
	BIN(MOD, I32, sem_i32(-7), 2, MINUS_ONE);          /* -1 */
	BIN(MOD, I32, 7, sem_i32(-2), 1);
	BIN(MOD, I32, sem_i32(-7), sem_i32(-2), MINUS_ONE);
	BIN(MOD, I32, INT_MIN_BITS, MINUS_ONE, 0);         /* §9.4 */
	BIN(MOD, I32, INT_MIN_BITS, 3, 0xFFFFFFFEu);       /* -2147483648 = 3*-715827882 - 2 */
	BIN(MOD, I32, 5, 0, 0);                            /* x % 0 = 0 (§9.4) */
	BIN(MOD, I32, sem_i32(-5), 0, 0);
}
END_TEST

START_TEST(bitwise)
{
	BIN(BIT_AND, U32, 0xF0F0F0F0u, 0xFF00FF00u, 0xF000F000u);
	BIN(BIT_OR, U32, 0xF0F0F0F0u, 0xFF00FF00u, 0xFFF0FFF0u);
	BIN(BIT_XOR, U32, 0xF0F0F0F0u, 0xFF00FF00u, 0x0FF00FF0u);
	BIN(BIT_XOR, U32, 0xFFFFFFFFu, 0xFFFFFFFFu, 0);
	BIN(BIT_AND, I32, MINUS_ONE, 0x0F, 0x0F);
	BIN(BIT_OR, I32, INT_MIN_BITS, 1, 0x80000001u);
	BIN(BIT_XOR, I32, MINUS_ONE, INT_MAX_BITS, INT_MIN_BITS);
	UN(BIT_NOT, U32, 0, 0xFFFFFFFFu);
	UN(BIT_NOT, U32, 0x0F0F0F0Fu, 0xF0F0F0F0u);
	UN(BIT_NOT, I32, 0, MINUS_ONE);
	UN(BIT_NOT, I32, INT_MAX_BITS, INT_MIN_BITS);
}
END_TEST

START_TEST(shifts_masked)
{
	/* §9.4: amounts are masked with 31, never saturated. */
	BIN(SHL, U32, 1, 0, 1);
	BIN(SHL, U32, 1, 31, 0x80000000u);
	BIN(SHL, U32, 1, 32, 1);
	BIN(SHL, U32, 1, 33, 2);
	BIN(SHL, U32, 3, 0xFFFFFFFFu, 0x80000000u);        /* amount 31 */
	BIN(SHL, U32, 0xFFFFFFFFu, 4, 0xFFFFFFF0u);
	BIN(SHR, U32, 0x80000000u, 0, 0x80000000u);
	BIN(SHR, U32, 0x80000000u, 31, 1);
	BIN(SHR, U32, 0x80000000u, 32, 0x80000000u);
	BIN(SHR, U32, 0x80000000u, 33, 0x40000000u);
	BIN(SHR, U32, 0xFFFFFFFFu, 4, 0x0FFFFFFFu);        /* logical: zero fill */
}
END_TEST

START_TEST(rotates)
{
	BIN(ROTATE_LEFT, U32, 0x80000001u, 1, 0x00000003u);
	BIN(ROTATE_LEFT, U32, 0x12345678u, 8, 0x34567812u);
	BIN(ROTATE_LEFT, U32, 0x12345678u, 0, 0x12345678u);
	BIN(ROTATE_LEFT, U32, 0x12345678u, 32, 0x12345678u);
	BIN(ROTATE_LEFT, U32, 0x12345678u, 36, 0x23456781u); /* 36 & 31 = 4 */
	BIN(ROTATE_LEFT, U32, 0x12345678u, 31, 0x091A2B3Cu); /* = right by 1 */
	BIN(ROTATE_RIGHT, U32, 0x80000001u, 1, 0xC0000000u);
	BIN(ROTATE_RIGHT, U32, 0x12345678u, 8, 0x78123456u);
	BIN(ROTATE_RIGHT, U32, 0x12345678u, 0, 0x12345678u);
	BIN(ROTATE_RIGHT, U32, 0x12345678u, 32, 0x12345678u);
	BIN(ROTATE_RIGHT, U32, 0x12345678u, 33, 0x091A2B3Cu); /* 33 & 31 = 1 */
}
END_TEST

START_TEST(mul_high_abs_diff)
{
	BIN(MUL_HIGH, U32, 3, 4, 0);
	BIN(MUL_HIGH, U32, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFEu); /* 0xFFFFFFFE00000001 */
	BIN(MUL_HIGH, U32, 0x10000u, 0x10000u, 1);
	BIN(MUL_HIGH, U32, 2, 0x80000000u, 1);
	BIN(MUL_HIGH, U32, 0x80000000u, 0x80000000u, 0x40000000u);
	BIN(MUL_HIGH, U32, 0x12345678u, 0x9ABCDEF0u, 0x0B00EA4Eu);
	BIN(ABS_DIFF, U32, 3, 10, 7);
	BIN(ABS_DIFF, U32, 10, 3, 7);
	BIN(ABS_DIFF, U32, 5, 5, 0);
	BIN(ABS_DIFF, U32, 0, 0xFFFFFFFFu, 0xFFFFFFFFu);   /* unsigned distance */
	BIN(ABS_DIFF, U32, 0xFFFFFFFFu, 1, 0xFFFFFFFEu);
}
END_TEST

START_TEST(min_max_int)
{
	BIN(MIN, U32, 0xFFFFFFFFu, 1, 1);                  /* unsigned */
	BIN(MAX, U32, 0xFFFFFFFFu, 1, 0xFFFFFFFFu);
	BIN(MIN, U32, 4, 9, 4);
	BIN(MAX, U32, 4, 9, 9);
	BIN(MIN, I32, MINUS_ONE, 1, MINUS_ONE);            /* signed: -1 < 1 */
	BIN(MAX, I32, MINUS_ONE, 1, 1);
	BIN(MIN, I32, INT_MIN_BITS, INT_MAX_BITS, INT_MIN_BITS);
	BIN(MAX, I32, INT_MIN_BITS, INT_MAX_BITS, INT_MAX_BITS);
	BIN(MAX, I32, sem_i32(-7), sem_i32(-3), sem_i32(-3));
}
END_TEST

START_TEST(saturating)
{
	BIN(SATURATING_ADD, U32, 1, 2, 3);
	BIN(SATURATING_ADD, U32, 0xFFFFFFFEu, 1, 0xFFFFFFFFu);
	BIN(SATURATING_ADD, U32, 0xFFFFFFF0u, 0x10u, 0xFFFFFFFFu);
	BIN(SATURATING_ADD, U32, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu);
	BIN(SATURATING_ADD, U32, 0x80000000u, 0x80000000u, 0xFFFFFFFFu);
	BIN(SATURATING_SUB, U32, 5, 3, 2);
	BIN(SATURATING_SUB, U32, 3, 5, 0);
	BIN(SATURATING_SUB, U32, 0, 0xFFFFFFFFu, 0);
	BIN(SATURATING_SUB, U32, 0xFFFFFFFFu, 0xFFFFFFFFu, 0);
	BIN(SATURATING_MUL, U32, 6, 7, 42);
	BIN(SATURATING_MUL, U32, 0x10000u, 0xFFFFu, 0xFFFF0000u);
	BIN(SATURATING_MUL, U32, 0xFFFFu, 0x10001u, 0xFFFFFFFFu); /* exact, no clamp */
	BIN(SATURATING_MUL, U32, 0x10000u, 0x10000u, 0xFFFFFFFFu);
	BIN(SATURATING_MUL, U32, 2, 0x80000000u, 0xFFFFFFFFu);
	BIN(SATURATING_MUL, U32, 0, 0xFFFFFFFFu, 0);
	BIN(SATURATING_MUL, U32, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu);
}
END_TEST

START_TEST(compare_u32_i32)
{
	/* The same bits compare differently: unsigned on u32, signed on i32. */
	BIN(LT, U32, 0xFFFFFFFFu, 0, F);
	BIN(GT, U32, 0xFFFFFFFFu, 0, T);
	BIN(LE, U32, 0xFFFFFFFFu, 0, F);
	BIN(GE, U32, 0xFFFFFFFFu, 0, T);
	BIN(LT, I32, MINUS_ONE, 0, T);
	BIN(GT, I32, MINUS_ONE, 0, F);
	BIN(LE, I32, MINUS_ONE, 0, T);
	BIN(GE, I32, MINUS_ONE, 0, F);
	BIN(LT, I32, INT_MIN_BITS, INT_MAX_BITS, T);
	BIN(LT, U32, 0x80000000u, 0x7FFFFFFFu, F);
	BIN(LE, U32, 7, 7, T);
	BIN(GE, U32, 7, 7, T);
	BIN(LT, U32, 7, 7, F);
	BIN(GT, I32, 7, 7, F);
	BIN(LE, I32, sem_i32(-7), sem_i32(-7), T);
	BIN(EQ, U32, 5, 5, T);
	BIN(EQ, U32, 5, 6, F);
	BIN(NE, U32, 5, 6, T);
	BIN(NE, U32, 5, 5, F);
	BIN(EQ, I32, MINUS_ONE, MINUS_ONE, T);
	BIN(NE, I32, MINUS_ONE, 1, T);
}
END_TEST

START_TEST(logical)
{
	/* §9.6: And/Or on bool, and on u32 as "(a != 0) op (b != 0)". */
	BIN(EQ, BOOL, T, T, T);
	BIN(EQ, BOOL, F, F, T);
	BIN(EQ, BOOL, T, F, F);
	BIN(NE, BOOL, T, F, T);
	BIN(NE, BOOL, F, F, F);
	BIN(AND, BOOL, T, T, T);
	BIN(AND, BOOL, T, F, F);
	BIN(AND, BOOL, F, T, F);
	BIN(AND, BOOL, F, F, F);
	BIN(OR, BOOL, T, F, T);
	BIN(OR, BOOL, F, T, T);
	BIN(OR, BOOL, F, F, F);
	BIN(OR, BOOL, T, T, T);
	BIN(AND, U32, 2, 1, T);                            /* bitwise & would be 0 */
	BIN(AND, U32, 0, 5, F);
	BIN(AND, U32, 0x80000000u, 0xFFFFFFFFu, T);
	BIN(OR, U32, 0, 0, F);
	BIN(OR, U32, 0, 0x80000000u, T);
	UN(LOGICAL_NOT, BOOL, T, F);
	UN(LOGICAL_NOT, BOOL, F, T);
	UN(LOGICAL_NOT, U32, 0, T);
	UN(LOGICAL_NOT, U32, 7, F);
	UN(LOGICAL_NOT, U32, 0x80000000u, F);
}
END_TEST

START_TEST(negate_int)
{
	UN(NEGATE, U32, 1, 0xFFFFFFFFu);
	UN(NEGATE, U32, 0, 0);
	UN(NEGATE, U32, 0x80000000u, 0x80000000u);
	UN(NEGATE, U32, 0xFFFFFFFFu, 1);
	UN(NEGATE, I32, 5, 0xFFFFFFFBu);                   /* -5 */
	UN(NEGATE, I32, MINUS_ONE, 1);
	UN(NEGATE, I32, INT_MIN_BITS, INT_MIN_BITS);       /* wraps (§9.4, §11.5) */
	UN(NEGATE, I32, INT_MAX_BITS, 0x80000001u);
}
END_TEST

START_TEST(bit_counts)
{
	UN(POPCOUNT, U32, 0, 0);
	UN(POPCOUNT, U32, 0xFFFFFFFFu, 32);
	UN(POPCOUNT, U32, 0x80000001u, 2);
	UN(POPCOUNT, U32, 0x0000F0F0u, 8);
	UN(POPCOUNT, I32, MINUS_ONE, 32);
	UN(POPCOUNT, I32, INT_MIN_BITS, 1);
	UN(CLZ, U32, 0, 32);
	UN(CLZ, U32, 1, 31);
	UN(CLZ, U32, 0x00010000u, 15);
	UN(CLZ, U32, 0x80000000u, 0);
	UN(CLZ, U32, 0xFFFFFFFFu, 0);
	UN(CLZ, I32, 0, 32);
	UN(CLZ, I32, 1, 31);
	UN(CLZ, I32, MINUS_ONE, 0);                        /* negative: 0 */
	UN(CLZ, I32, INT_MIN_BITS, 0);
	UN(CTZ, U32, 0, 32);
	UN(CTZ, U32, 1, 0);
	UN(CTZ, U32, 6, 1);
	UN(CTZ, U32, 0x00010000u, 16);
	UN(CTZ, U32, 0x80000000u, 31);
	UN(CTZ, U32, 0xFFFFFFFFu, 0);
	UN(CTZ, I32, 0, 32);
	UN(CTZ, I32, INT_MIN_BITS, 31);
	UN(CTZ, I32, sem_i32(-8), 3);
}
END_TEST

START_TEST(reverse_bits)
{
	UN(REVERSE_BITS, U32, 0, 0);
	UN(REVERSE_BITS, U32, 0xFFFFFFFFu, 0xFFFFFFFFu);
	UN(REVERSE_BITS, U32, 1, 0x80000000u);
	UN(REVERSE_BITS, U32, 0x80000000u, 1);
	UN(REVERSE_BITS, U32, 6, 0x60000000u);
	UN(REVERSE_BITS, U32, 0x12345678u, 0x1E6A2C48u);
	UN(REVERSE_BITS, I32, 1, INT_MIN_BITS);
	UN(REVERSE_BITS, I32, MINUS_ONE, MINUS_ONE);
	UN(REVERSE_BITS, I32, 0x12345678u, 0x1E6A2C48u);
}
END_TEST

/* Cast pairs among u32, i32 and bool; the f32 pairs are in
 * test_semantics_float.c. §9.7. */
START_TEST(casts_int_bool)
{
	CAST(U32, U32, 0xFFFFFFFFu, 0xFFFFFFFFu);
	CAST(U32, I32, 0xFFFFFFFFu, MINUS_ONE);            /* same bits */
	CAST(U32, I32, 0x80000000u, INT_MIN_BITS);
	CAST(U32, BOOL, 0, F);
	CAST(U32, BOOL, 2, T);
	CAST(U32, BOOL, 0x80000000u, T);
	CAST(I32, U32, MINUS_ONE, 0xFFFFFFFFu);
	CAST(I32, U32, INT_MIN_BITS, 0x80000000u);
	CAST(I32, I32, sem_i32(-42), sem_i32(-42));
	CAST(I32, BOOL, MINUS_ONE, T);
	CAST(I32, BOOL, 0, F);
	CAST(BOOL, U32, T, 1);
	CAST(BOOL, U32, F, 0);
	CAST(BOOL, I32, T, 1);
	CAST(BOOL, I32, F, 0);
	CAST(BOOL, BOOL, T, T);
	CAST(BOOL, BOOL, F, F);
}
END_TEST

static struct vir0_expr *build_select(vir0_program *p, struct vir0_expr *const operand[3],
				      const void *context)
{
	(void)context;
	return vir0_select(p, operand[0], operand[1], operand[2]);
}

static void expect_select(int line, enum vir0_type_kind cond_type, uint32_t cond,
			  enum vir0_type_kind type, uint32_t if_true, uint32_t if_false,
			  uint32_t expected)
{
	struct sem_expr_case c = {
		.line = line, .what = "Select", .result = type, .noperands = 3,
		.type = { cond_type, type, type }, .bits = { cond, if_true, if_false },
		.expected = expected,
	};
	sem_expect_expr(&c, build_select, NULL);
}
#define SELECT(cond_type, cond, type, if_true, if_false, expected)                  \
	expect_select(__LINE__, VIR0_TYPE_##cond_type, (cond), VIR0_TYPE_##type, \
		      (if_true), (if_false), (expected))

START_TEST(select_values)
{
	/* §9.3/V24: bool or u32 condition (u32 != 0 is true), any value type.
	 * That both values are evaluated is tested in test_semantics_stmt.c. */
	SELECT(BOOL, T, U32, 1, 2, 1);
	SELECT(BOOL, F, U32, 1, 2, 2);
	SELECT(U32, 7, U32, 1, 2, 1);
	SELECT(U32, 0x80000000u, I32, MINUS_ONE, 5, MINUS_ONE);
	SELECT(U32, 0, I32, MINUS_ONE, 5, 5);
	SELECT(BOOL, T, BOOL, F, T, F);
	SELECT(BOOL, F, BOOL, F, T, T);
	SELECT(BOOL, T, F32, 0x80000000u, 0, 0x80000000u);  /* -0.0 passes through */
	SELECT(BOOL, F, F32, 0x3F800000u, 0x7FA00001u, 0x7FC00000u); /* loaded NaN is canonical */
}
END_TEST

static Suite *semantics_int_suite(void)
{
	Suite *s = suite_create("semantics_int");
	TCase *tc = sem_tcase("integer");
	tcase_add_test(tc, add_sub_mul_wrap);
	tcase_add_test(tc, wrapping_add_sub);
	tcase_add_test(tc, div_mod_u32);
	tcase_add_test(tc, div_mod_i32);
	tcase_add_test(tc, bitwise);
	tcase_add_test(tc, shifts_masked);
	tcase_add_test(tc, rotates);
	tcase_add_test(tc, mul_high_abs_diff);
	tcase_add_test(tc, min_max_int);
	tcase_add_test(tc, saturating);
	tcase_add_test(tc, compare_u32_i32);
	tcase_add_test(tc, negate_int);
	tcase_add_test(tc, bit_counts);
	tcase_add_test(tc, reverse_bits);
	suite_add_tcase(s, tc);
	TCase *tb = sem_tcase("bool_select_casts");
	tcase_add_test(tb, logical);
	tcase_add_test(tb, select_values);
	tcase_add_test(tb, casts_int_bool);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	return sem_run_suite(semantics_int_suite());
}
