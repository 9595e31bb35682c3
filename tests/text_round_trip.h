/* text_round_trip.h - assertions shared by the text-form suites: assemble
 * or fail the test with the message and position, and check that a program
 * survives text and wire round trips unchanged. */
#ifndef VIR0_TEST_TEXT_ROUND_TRIP_H
#define VIR0_TEST_TEXT_ROUND_TRIP_H

#include "vir0.h"

/* `text` assembled, or the test fails with the error and its position. */
vir0_program *text_must_assemble(const char *text);

/* vir0_assemble(vir0_disassemble(p)), asserting both succeed. */
vir0_program *text_reassemble(const vir0_program *p);

/* Asserts that asm(dis(p)) equals p, that dis(asm(dis(p))) == dis(p), and
 * that p survives encode and decode (equal after LitF32 canonicalisation). */
void text_round_trip(const vir0_program *p);

#endif
