/* progen.h - seeded generator of random valid VIR0 programs for the
 * differential conformance suites (issue 3): each seed gives one program,
 * its grid and the initial contents of its buffers. Every executor run on a
 * case must produce bit-identical buffers, so a generated program is valid
 * (vir0_validate), runs at most a few thousand statements per invocation,
 * and has results that do not depend on the order in which invocations or
 * workgroups run.
 *
 * Race-freedom rule (what makes results order-independent, fmt §9.13).
 * Every buffer has one role for the whole program:
 *
 *   input      ReadOnly, Uniform, or ReadWrite never written: loaded at
 *              any index (in or out of bounds) by anyone.
 *   owned      ReadWrite, written by plain stores. Invocation g (its
 *              linear id over the whole grid, x + X * (y + Y * z)) owns
 *              elements g * K .. g * K + K - 1 and only ever loads, stores
 *              or applies atomics (of any op, the result used) to those,
 *              or to indices that are out of bounds (len(buf) + small),
 *              which touch no memory. A binding shorter than the owned
 *              range makes some owned elements out of bounds; a longer one
 *              leaves a tail nobody touches.
 *   accum      ReadWrite U32/I32 touched only by atomics of ONE commutative
 *              op (Add, Or, And, Xor, Min or Max, fixed per buffer), at any
 *              index, whose returned old value is discarded (bound to a Let
 *              that is never read, or stored out of bounds). Never loaded.
 *              One op per buffer because different commutative ops do not
 *              commute with each other (max(x + 1, 5) != max(x, 5) + 1).
 *   wg slots   Workgroup buffer; local invocation l (linear local id) owns
 *              slots l * K .. l * K + K - 1.
 *   wg accum   Workgroup U32/I32 buffer with one commutative op, like accum.
 *   (any)      An atomic at an out-of-bounds index touches no memory and
 *              returns 0, so its result may be used on any U32/I32 buffer.
 *
 * Workgroup buffers follow phases separated by barriers in uniform control
 * flow. In a write phase each invocation touches only its own slots (and
 * out-of-bounds indices) and applies its buffer's op to wg accum elements
 * with the result discarded; in a read phase nobody writes a Workgroup
 * buffer and everybody loads any index. Each barrier picks the next phase.
 * A compound statement whose body holds barriers ends in the phase it
 * started in (a restoring barrier is appended if needed), so the tail of
 * one loop iteration and the head of the next agree. Return may sit in
 * divergent control flow: finished invocations skip later barriers, and
 * their slots keep what they wrote before finishing (fmt §9.12).
 *
 * progen_mirror_ids below turns the rule into a check: test_progen runs
 * every case and its mirror through the reference interpreter and
 * compares the bytes; breaking any clause above makes that comparison fail
 * within a few thousand seeds.
 *
 * Termination: every Loop has bounds of at most a few iterations (literals,
 * `e % k`, or clamps), nesting is bounded, and a whole program has at most
 * 512 invocations. */
#ifndef VIR0_TEST_PROGEN_H
#define VIR0_TEST_PROGEN_H

#include "vir0.h"

#include <stdint.h>

struct progen_case {
	vir0_program *program;
	uint32_t groups[3];              /* the grid to run it on */
	struct vir0_binding *bindings;   /* one per declared buffer, in declaration
	                                    order; Workgroup buffers get {NULL, 0} */
	uint32_t nbindings;              /* = program->nbuffers */
};

/* Build case number `seed` into *out (same seed, same case, on every
 * platform). VIR0_OK, or VIR0_ENOMEM with *out left empty. */
int progen_generate(uint64_t seed, struct progen_case *out);

/* Free the program and the initial contents; *c is emptied. The case's
 * bindings are allocated as fixture_bindings_copy's are, so that
 * fixture_bindings_free releases them (tests/libfixtures.la). */
void progen_case_free(struct progen_case *c);

/* Copy the initial bindings for one executor run with
 * fixture_bindings_copy(c->bindings, c->nbindings) (tests/fixtures.h). */

/* The seeds a suite runs, from the environment (parsed here only):
 * VIR0_FUZZ_SEED, the first (default 1), and VIR0_FUZZ_N, how many
 * (default `default_count`). A bad value warns and keeps the default.
 * VIR0_FUZZ_SEED=S VIR0_FUZZ_N=1 replays seed S. */
struct progen_seeds {
	uint64_t first;
	uint32_t count;
};
struct progen_seeds progen_seeds_from_env(uint32_t default_count);

/* Rewrite `p` in place so that on grid `groups` every id is reflected
 * (InvocationId(a) becomes extent - 1 - InvocationId(a), likewise
 * WorkgroupId and LocalId): each invocation computes what it did, but an
 * executor with a fixed order now meets them in the opposite order. A
 * race-free program gives the same bytes, so comparing the two runs
 * detects races (progen_mirror.c). VIR0_OK or VIR0_ENOMEM. */
int progen_mirror_ids(vir0_program *p, const uint32_t groups[3]);

#endif
