/* test_cpu_prepared.c - the CPU engine's prepared dispatch
 * (vir0_cpu_run_prepared): call after call on one shape it gives what
 * vir0_cpu_run_bytecode gives, bit for bit, on new memory each time; a
 * change of sizes or grid prepares again; every binding mistake is refused
 * with vir0_cpu_run_bytecode's message, whatever was prepared before, and
 * the next good call runs. */
#include "cpu_engine.h"
#include "fixtures.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct lowered {
	vir0_program *program;
	struct vir0_bytecode *bc;
};

static struct lowered lower_example(const char *name)
{
	struct lowered l = { fixture_example(name), NULL };
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_lower(l.program, &l.bc, &err) == VIR0_OK, "%s", err.message);
	ck_assert_msg(vir0_bytecode_verify(l.bc, &err) == VIR0_OK, "%s", err.message);
	return l;
}

static void lowered_free(struct lowered *l)
{
	vir0_bytecode_free(l->bc);
	vir0_program_free(l->program);
}

/* vector_add of n elements on fresh memory through *prepared, checked
 * against the sums. */
static void vector_add_prepared(const struct lowered *l, struct vir0_cpu_prepared **prepared,
				const uint32_t *grid, uint32_t n, uint32_t seed)
{
	uint32_t *a = malloc((n + 1) * 4), *b = malloc((n + 1) * 4), *c = malloc((n + 1) * 4);
	ck_assert(a && b && c);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = i * 2654435761u + seed;
		b[i] = ~i * (seed + 1);
		c[i] = 0xEEEEEEEEu;
	}
	struct vir0_binding bind[3] = { { a, n * 4 }, { b, n * 4 }, { c, n * 4 } };
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_cpu_run_prepared(prepared, l->program, l->bc, grid, bind, 3, &err) ==
		      VIR0_OK, "%s", err.message);
	ck_assert_ptr_nonnull(*prepared);
	for (uint32_t i = 0; i < n; i++)
		ck_assert_uint_eq(c[i], a[i] + b[i]);
	free(a);
	free(b);
	free(c);
}

START_TEST(same_shape_reuses)
{
	struct lowered l = lower_example("vector_add");
	struct vir0_cpu_prepared *prepared = NULL;
	vector_add_prepared(&l, &prepared, NULL, 200, 1);
	struct vir0_cpu_prepared *first = prepared;
	for (uint32_t round = 2; round < 6; round++) {
		vector_add_prepared(&l, &prepared, NULL, 200, round);
		ck_assert_ptr_eq(prepared, first); /* kept, not prepared again */
	}
	/* Other sizes, an explicit grid, then the first shape again. */
	const uint32_t grid[3] = { 2, 1, 1 };
	vector_add_prepared(&l, &prepared, NULL, 100, 7);
	vector_add_prepared(&l, &prepared, grid, 100, 8);
	vector_add_prepared(&l, &prepared, NULL, 200, 9);
	vir0_cpu_prepared_free(prepared);
	lowered_free(&l);
}
END_TEST

/* An output the run does not write whole (histogram's bins, atomics) is
 * zero-filled on every call, as by vir0_cpu_run_bytecode. */
START_TEST(outputs_zero_filled_each_call)
{
	struct lowered l = lower_example("histogram");
	struct vir0_cpu_prepared *prepared = NULL;
	uint8_t data[300];
	for (uint32_t round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < sizeof(data); i++)
			data[i] = (uint8_t)(i * 7 + round * 13);
		uint32_t bins[256], expected[256];
		memset(bins, 0xAB, sizeof(bins));
		memset(expected, 0xCD, sizeof(expected));
		struct vir0_binding bind[3] = { { data, sizeof(data) }, { bins, sizeof(bins) },
						{ NULL, 0 } };
		struct vir0_binding ref[3] = { { data, sizeof(data) },
					       { expected, sizeof(expected) }, { NULL, 0 } };
		struct vir0_error err = { 0 };
		ck_assert_msg(vir0_cpu_run_prepared(&prepared, l.program, l.bc, NULL, bind, 3,
						    &err) == VIR0_OK, "%s", err.message);
		ck_assert_msg(vir0_cpu_run_bytecode(l.program, l.bc, NULL, ref, 3, 1, &err) ==
			      VIR0_OK, "%s", err.message);
		ck_assert_mem_eq(bins, expected, sizeof(bins));
	}
	vir0_cpu_prepared_free(prepared);
	lowered_free(&l);
}
END_TEST

/* Refused through a prepared dispatch of a good call, with the message
 * vir0_cpu_run_bytecode gives; *prepared is then NULL, and the good call
 * runs again. */
static void expect_refused(const struct lowered *l, struct vir0_cpu_prepared **prepared,
			   const uint32_t *grid, struct vir0_binding *bind, uint32_t n,
			   const struct vir0_binding *good, uint32_t ngood)
{
	struct vir0_error err = { 0 }, direct = { 0 };
	ck_assert_int_eq(vir0_cpu_run_prepared(prepared, l->program, l->bc, NULL,
					       (struct vir0_binding *)good, ngood, &err), VIR0_OK);
	ck_assert_ptr_nonnull(*prepared);
	int status = vir0_cpu_run_prepared(prepared, l->program, l->bc, grid, bind, n, &err);
	ck_assert_int_eq(status, VIR0_EARG);
	ck_assert_ptr_null(*prepared);
	ck_assert_int_eq(vir0_cpu_run_bytecode(l->program, l->bc, grid, bind, n, 1, &direct),
			 VIR0_EARG);
	ck_assert_str_eq(err.message, direct.message);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(vir0_cpu_run_prepared(prepared, l->program, l->bc, NULL,
					       (struct vir0_binding *)good, ngood, &err), VIR0_OK);
}

START_TEST(bad_bindings_refused)
{
	struct lowered l = lower_example("vector_add");
	struct vir0_cpu_prepared *prepared = NULL;
	uint32_t a[64], b[64], c[64];
	const struct vir0_binding good[3] = { { a, sizeof(a) }, { b, sizeof(b) },
					      { c, sizeof(c) } };
	struct vir0_binding bind[3];
	const uint32_t zero_axis[3] = { 1, 0, 1 }, wrapping[3] = { 0x04000001u, 1, 1 };

	memcpy(bind, good, sizeof(bind));
	bind[2].size = 10; /* not a whole number of u32 */
	expect_refused(&l, &prepared, NULL, bind, 3, good, 3);
	memcpy(bind, good, sizeof(bind));
	bind[1].data = NULL; /* bytes but no memory */
	expect_refused(&l, &prepared, NULL, bind, 3, good, 3);
	memcpy(bind, good, sizeof(bind));
	expect_refused(&l, &prepared, NULL, bind, 2, good, 3);
	expect_refused(&l, &prepared, zero_axis, bind, 3, good, 3);
	expect_refused(&l, &prepared, wrapping, bind, 3, good, 3);

	/* A declared count, and a Workgroup buffer given memory. */
	struct lowered h = lower_example("histogram");
	uint8_t data[64] = { 0 };
	uint32_t bins[256], local[256];
	const struct vir0_binding hgood[3] = { { data, sizeof(data) }, { bins, sizeof(bins) },
					       { NULL, 0 } };
	struct vir0_binding hbind[3];
	memcpy(hbind, hgood, sizeof(hbind));
	hbind[1].size = 255 * 4;
	expect_refused(&h, &prepared, NULL, hbind, 3, hgood, 3);
	memcpy(hbind, hgood, sizeof(hbind));
	hbind[2].data = local;
	expect_refused(&h, &prepared, NULL, hbind, 3, hgood, 3);

	/* No prepared slot; bytecode of another program; NULL program. */
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_cpu_run_prepared(NULL, l.program, l.bc, NULL, bind, 3, &err),
			 VIR0_EARG);
	ck_assert_int_eq(vir0_cpu_run_prepared(&prepared, l.program, h.bc, NULL, bind, 3, &err),
			 VIR0_EARG);
	ck_assert_ptr_null(prepared);
	ck_assert_int_eq(vir0_cpu_run_prepared(&prepared, NULL, l.bc, NULL, bind, 3, &err),
			 VIR0_EARG);
	vir0_cpu_prepared_free(prepared);
	lowered_free(&h);
	lowered_free(&l);
}
END_TEST

static Suite *cpu_prepared_suite(void)
{
	Suite *s = suite_create("cpu_prepared");
	TCase *tc = tcase_create("prepared");
	tcase_add_test(tc, same_shape_reuses);
	tcase_add_test(tc, outputs_zero_filled_each_call);
	tcase_add_test(tc, bad_bindings_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(cpu_prepared_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
