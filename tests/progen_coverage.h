/* progen_coverage.h - what a set of generated cases exercises, counted by
 * walking the programs themselves (with their own static typing), so a
 * generator change that silently drops a construct fails a test. The list
 * of what must appear is written from fmt §0.2 and §6, independently of
 * libvir0's typing tables. */
#ifndef VIR0_TEST_PROGEN_COVERAGE_H
#define VIR0_TEST_PROGEN_COVERAGE_H

#include "progen.h"

#include <stddef.h>
#include <stdint.h>

/* Shapes and edge cases beyond the operator tables. */
enum coverage_feature {
	COV_BUFFER_SIZED_BY_BINDING, COV_EMPTY_BINDING, COV_OUTPUT_BUFFER,
	COV_INPUT_READ_WRITE, COV_WORKGROUP_2D, COV_WORKGROUP_3D, COV_GRID_2D, COV_GRID_3D,
	COV_LOOP_U32, COV_LOOP_I32, COV_LOOP_EMPTY, COV_LOOP_NESTED, COV_IF_ELSE,
	COV_IF_NESTED, COV_RETURN_NESTED, COV_BARRIER_IN_LOOP, COV_BARRIER_IN_IF,
	COV_REGION_WITH_SOURCE, COV_SHIFT_32_OR_MORE, COV_INT_MIN_DIV_MINUS_ONE,
	COV_DIV_BY_NON_LITERAL, COV_COMPARE_EXCHANGE_OWN_VALUE, COV_F32_LITERAL_INF,
	COV_F32_LITERAL_NAN, COV_F32_NEGATIVE_ZERO_EXPR, COV_DATA_NAN_PAYLOAD,
	COV_DATA_SUBNORMAL, COV_DATA_NEGATIVE_ZERO, COV_DATA_INF, COV_DATA_INT_MIN,
	COV_FEATURES
};

struct coverage {
	uint32_t node[256], expr[256];
	uint32_t binop[64][4], unop[64][4];   /* [op][operand: u32 i32 f32 bool] */
	uint32_t cast[4][4];                  /* [from][to] */
	uint32_t atomic[16][2];               /* [op][element: U32 I32] */
	uint32_t element[32], access[4];
	uint32_t ordering[6];
	uint32_t feature[COV_FEATURES];
};

void coverage_init(struct coverage *cov);
void coverage_add_case(struct coverage *cov, const struct progen_case *c);

/* How many required constructs never appeared; their names, separated by
 * spaces, go into `text` (truncated to `size`). */
size_t coverage_missing(const struct coverage *cov, char *text, size_t size);

#endif
