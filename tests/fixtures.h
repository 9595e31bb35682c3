/* fixtures.h - helpers shared by the Check suites: files under the source
 * tree, hex test vectors, example programs. */
#ifndef VIR0_TEST_FIXTURES_H
#define VIR0_TEST_FIXTURES_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Print what went wrong and abort the test process. */
void fixture_die(const char *what, const char *detail) __attribute__((noreturn));

/* Whole file at `relpath` below the source tree, malloc'd and NUL-terminated
 * (the NUL is not counted in *size). Aborts the test when unreadable. */
uint8_t *fixture_read(const char *relpath, size_t *size);

/* Bytes of a hex vector: hex digit pairs; whitespace is ignored and '#'
 * starts a comment to the end of the line. malloc'd; aborts on bad input. */
uint8_t *fixture_hex(const char *text, size_t *size);

/* The bytes of tests/vectors/NAME.hex. */
uint8_t *fixture_vector(const char *name, size_t *size);

/* examples/NAME.vir0s assembled and validated; aborts the test on error.
 * In tests/libfixtures_examples.la (it needs the assembler and validator). */
vir0_program *fixture_example(const char *name);

/* The example programs as the differential suites run them, each with
 * inputs from fixture_bindings_random, sized so that the grid has a
 * partial last workgroup, several workgroups, or one (matmul_tiled needs
 * N x N matrices and ceil(N / 16)^2 workgroups). Case i has seed 1000 + i.
 * In tests/libfixtures_examples.la, like fixture_example. */
struct fixture_example_case {
	vir0_program *program;
	struct vir0_binding *inputs;
	uint32_t groups[3];
	char label[64];   /* "example NAME with N elements" */
};
/* How many cases there are: loop tests run 0 .. this - 1. */
int fixture_example_case_count(void);
/* Case i assembled, validated, with its inputs and grid; aborts the test
 * on error. Free with fixture_example_case_free. */
void fixture_example_case_open(int i, struct fixture_example_case *c);
void fixture_example_case_free(struct fixture_example_case *c);

/* One binding per declared buffer of `program` filled from `seed`
 * (Workgroup buffers unbound); count-0 buffers get `runtime_count`
 * elements. Free with fixture_bindings_free. In tests/libfixtures.la. */
struct vir0_binding *fixture_bindings_random(const vir0_program *program, uint64_t seed,
					     uint32_t runtime_count);
/* A fresh malloc'd copy for one run (executors overwrite their bindings):
 * every binding with data gets its own non-NULL data, even of size 0;
 * Workgroup buffers stay {NULL, 0}. */
struct vir0_binding *fixture_bindings_copy(const struct vir0_binding *bindings, uint32_t n);
void fixture_bindings_free(struct vir0_binding *bindings, uint32_t n);
/* 1 when every buffer holds the same bytes; else 0 and `why` names the
 * buffer, its first differing element and that element's value in `a`,
 * then in `b`. */
int fixture_bindings_equal(const vir0_program *program, const struct vir0_binding *a,
			   const struct vir0_binding *b, char *why, size_t why_size);

#endif
