/* test_opencl_engine.c - the OpenCL megakernel against the reference
 * interpreter, bit for bit: every example program and a few hundred
 * generated programs (tests/progen.h), on the first OpenCL device
 * ($VIR0_OPENCL_DEVICE picks another). A mismatch prints the seed and the
 * program's text. */
#include "fixtures.h"
#include "progen.h"
#include "vir0_opencl.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum { PROGEN_SEEDS = 300 };

/* Run `p` with the reference and with the megakernel on copies of
 * `inputs`; 1 when both succeed with equal buffers (or fail alike). */
static int same_results(const vir0_program *p, const uint32_t *groups,
			const struct vir0_binding *inputs, char *why, size_t why_size)
{
	struct vir0_binding *ref = fixture_bindings_copy(inputs, p->nbuffers);
	struct vir0_binding *cl = fixture_bindings_copy(inputs, p->nbuffers);
	struct vir0_error ref_err = { 0 }, cl_err = { 0 };
	int ref_status = vir0_run_reference(p, groups, ref, p->nbuffers, &ref_err);
	int cl_status = vir0_cl_run(p, groups, cl, p->nbuffers, &cl_err);
	int same = ref_status == cl_status;
	if (!same)
		snprintf(why, why_size, "reference %s (%s), opencl %s (%s)",
			 vir0_status_name(ref_status), ref_err.message, vir0_status_name(cl_status),
			 cl_err.message);
	else if (ref_status == VIR0_OK)
		same = fixture_bindings_equal(p, ref, cl, why, why_size);
	fixture_bindings_free(ref, p->nbuffers);
	fixture_bindings_free(cl, p->nbuffers);
	return same;
}

static const char *const examples[] = {
	"vector_add", "saxpy", "reduction_atomic", "histogram", "dfa_scan", "prefix_sum",
	"matmul_tiled",
};

START_TEST(example_matches_reference)
{
	vir0_program *p = fixture_example(examples[_i]);
	/* 1000 elements: not a multiple of any workgroup size, several chunks. */
	struct vir0_binding *inputs = fixture_bindings_random(p, 7 + (uint64_t)_i, 1000);
	char why[1024] = "";
	ck_assert_msg(same_results(p, NULL, inputs, why, sizeof(why)), "example %s: %s",
		      examples[_i], why);
	fixture_bindings_free(inputs, p->nbuffers);
	vir0_program_free(p);
}
END_TEST

static int by_old(const void *a, const void *b)
{
	uint32_t x = ((const uint32_t *)a)[0], y = ((const uint32_t *)b)[0];
	return (x > y) - (x < y);
}

/* Atomic adds on one word, with the old values kept: whatever order the
 * engine ran them in (lanes folded per work-item, or per work-group on a
 * GPU), they must be some serial order. Sorted by old value, each add
 * starts where the one before ended, from 0 to the final total. */
START_TEST(atomic_old_values_are_a_serial_order)
{
	static const char text[] =
		"workgroup 64 1 1\n"
		"buffer total u32[1] read_write output\n"
		"buffer olds u32[0] read_write output\n"
		"let i = gid.x\n"
		"if i < len(olds) {\n"
		"\tlet before = atomic_add(total[0u], i + 1u)\n"
		"\tstore olds[i] = before\n"
		"}\n";
	vir0_program *p = NULL;
	ck_assert_int_eq(vir0_assemble(text, sizeof(text) - 1, &p, NULL), VIR0_OK);
	enum { N = 90000 }; /* the total, N (N + 1) / 2, stays below 2^32 */
	uint32_t total = 0, *olds = calloc(N, 4), (*pairs)[2] = calloc(N, sizeof(*pairs));
	struct vir0_binding bindings[2] = { { &total, 4 }, { olds, (size_t)N * 4 } };
	uint32_t groups[3] = { (N + 63) / 64, 1, 1 };
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_cl_run(p, groups, bindings, 2, &err) == VIR0_OK, "%s", err.message);
	for (uint32_t i = 0; i < N; i++) {
		pairs[i][0] = olds[i];
		pairs[i][1] = i + 1;
	}
	qsort(pairs, N, sizeof(*pairs), by_old);
	uint32_t at = 0;
	for (uint32_t k = 0; k < N; k++) {
		ck_assert_msg(pairs[k][0] == at, "add %u of %u (value %u) saw %u, not %u", k, N,
			      pairs[k][1], pairs[k][0], at);
		at += pairs[k][1];
	}
	ck_assert_uint_eq(total, at);
	free(pairs);
	free(olds);
	vir0_program_free(p);
}
END_TEST

START_TEST(generated_programs_match_reference)
{
	uint32_t failures = 0;
	for (uint64_t seed = 1; seed <= PROGEN_SEEDS; seed++) {
		struct progen_case c;
		ck_assert_int_eq(progen_generate(seed, &c), VIR0_OK);
		char why[1024] = "";
		if (!same_results(c.program, c.groups, c.bindings, why, sizeof(why))) {
			char *text = NULL;
			vir0_disassemble(c.program, &text, NULL);
			printf("seed %" PRIu64 ": %s\ngrid %u,%u,%u\n%s\n", seed, why, c.groups[0],
			       c.groups[1], c.groups[2], text ? text : "(no text)");
			free(text);
			failures++;
		}
		progen_case_free(&c);
	}
	ck_assert_msg(failures == 0, "%u of %u generated programs differ (seeds above)", failures,
		      PROGEN_SEEDS);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("opencl_engine");
	TCase *tc = tcase_create("reference");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, example_matches_reference, 0,
			    (int)(sizeof(examples) / sizeof(examples[0])));
	tcase_add_test(tc, generated_programs_match_reference);
	tcase_add_test(tc, atomic_old_values_are_a_serial_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(suite());
	/* One process: the device and its megakernel are built once. */
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
