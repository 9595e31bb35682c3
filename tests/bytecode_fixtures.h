/* bytecode_fixtures.h - helpers the bytecode suites share: lowering with
 * the verifier's verdict checked (the listing goes into the failure
 * message), copies of bytecode to corrupt, finding instructions. */
#ifndef VIR0_TEST_BYTECODE_FIXTURES_H
#define VIR0_TEST_BYTECODE_FIXTURES_H

#include "bytecode.h"
#include "vir0.h"

#include <stdint.h>

/* The programs of examples/, by name for fixture_example. */
extern const char *const fixture_example_names[];
extern const unsigned fixture_example_count;

/* A .vir0s text assembled (not validated); fails the test on error. */
vir0_program *fixture_assemble(const char *text);

/* `p` lowered; fails the test unless vir0_lower and then
 * vir0_bytecode_verify succeed. */
struct vir0_bytecode *fixture_lower(const vir0_program *p);

/* A .vir0s text assembled, validated and lowered as fixture_lower does;
 * the same with vir0_lower_as_written (constants left in loops). */
struct vir0_bytecode *fixture_lower_text(const char *text);
struct vir0_bytecode *fixture_lower_text_as_written(const char *text);

/* A deep copy to corrupt; free it with vir0_bytecode_free. */
struct vir0_bytecode *fixture_bytecode_copy(const struct vir0_bytecode *bc);

/* Index of the first instruction with opcode `op` at or after `from`, or
 * UINT32_MAX. */
uint32_t fixture_find_op(const struct vir0_bytecode *bc, unsigned op, uint32_t from);

#endif
