/* test_progen.c - the program generator of the conformance suites
 * (tests/progen.h): over VIR0_FUZZ_N seeds (default 2000) from
 * VIR0_FUZZ_SEED (default 1) every
 * generated program validates and survives the wire and text round trips;
 * the same seed gives the same case; and together the programs reach every
 * core node, expression, operator (with each operand type of fmt §6),
 * cast pair, atomic op, element type and access mode, plus the edge cases
 * of fmt §9 the conformance run exists to compare. */
#include "fixtures.h"
#include "progen.h"
#include "progen_coverage.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_SEEDS = 2000 };

static void generate(uint64_t seed, struct progen_case *c)
{
	int rc = progen_generate(seed, c);
	ck_assert_msg(rc == VIR0_OK, "seed %" PRIu64 ": progen_generate gave %s", seed,
		      vir0_status_name(rc));
}

/* Print the seed and the program text so the failure can be replayed. */
static void fail_case(uint64_t seed, const vir0_program *p, const char *what,
		      const struct vir0_error *err)
{
	char *text = NULL;
	struct vir0_error ignored;
	vir0_disassemble(p, &text, &ignored);
	fprintf(stderr, "seed %" PRIu64 ": %s%s%s%s%s\n%s\n", seed, what,
		err ? " at " : "", err ? err->path : "", err ? ": " : "",
		err ? err->message : "", text ? text : "(no text)");
	free(text);
	ck_abort_msg("seed %" PRIu64 ": %s", seed, what);
}

static void check_round_trips(uint64_t seed, const vir0_program *p)
{
	struct vir0_error err;
	uint8_t *bytes = NULL, *again = NULL;
	size_t size = 0, size_again = 0;
	vir0_program *decoded = NULL, *assembled = NULL;
	char *text = NULL;
	if (vir0_encode(p, &bytes, &size, &err))
		fail_case(seed, p, "encode failed", &err);
	if (vir0_decode(bytes, size, NULL, &decoded, &err))
		fail_case(seed, p, "decode of the encoding failed", &err);
	if (!vir0_program_equal(p, decoded))
		fail_case(seed, p, "encode -> decode gives a different program", NULL);
	if (vir0_encode(decoded, &again, &size_again, &err) || size != size_again ||
	    memcmp(bytes, again, size))
		fail_case(seed, p, "re-encoding the decoded program changes the bytes", NULL);
	if (vir0_disassemble(p, &text, &err))
		fail_case(seed, p, "disassemble failed", &err);
	if (vir0_assemble(text, strlen(text), &assembled, &err))
		fail_case(seed, p, "assemble of the disassembly failed", &err);
	if (!vir0_program_equal(p, assembled))
		fail_case(seed, p, "disassemble -> assemble gives a different program", NULL);
	vir0_program_free(assembled);
	vir0_program_free(decoded);
	free(text);
	free(again);
	free(bytes);
}

START_TEST(test_generated_programs_validate_and_round_trip)
{
	struct progen_seeds seeds = progen_seeds_from_env(DEFAULT_SEEDS);
	for (uint64_t seed = seeds.first; seed - seeds.first < seeds.count; seed++) {
		struct progen_case c;
		struct vir0_error err;
		generate(seed, &c);
		if (vir0_validate(c.program, &err))
			fail_case(seed, c.program, "generated program does not validate", &err);
		ck_assert_uint_eq(c.nbindings, c.program->nbuffers);
		uint32_t total = 1;
		for (int a = 0; a < 3; a++)
			total *= c.groups[a] * c.program->workgroup_size[a];
		ck_assert_msg(total >= 1 && total <= 512, "seed %" PRIu64 ": %u invocations", seed,
			      total);
		check_round_trips(seed, c.program);
		progen_case_free(&c);
	}
}
END_TEST

/* ---- the reference interpreter as a race detector -------------------------- */

static vir0_program *mirrored_copy(uint64_t seed, const struct progen_case *c)
{
	uint8_t *bytes;
	size_t size;
	vir0_program *copy;
	struct vir0_error err;
	ck_assert_int_eq(vir0_encode(c->program, &bytes, &size, NULL), VIR0_OK);
	ck_assert_int_eq(vir0_decode(bytes, size, NULL, &copy, NULL), VIR0_OK);
	free(bytes);
	ck_assert_int_eq(progen_mirror_ids(copy, c->groups), VIR0_OK);
	if (vir0_validate(copy, &err))
		fail_case(seed, copy, "the mirrored program does not validate", &err);
	return copy;
}

static void run_reference(uint64_t seed, const vir0_program *p, const uint32_t groups[3],
			  struct vir0_binding *bindings)
{
	struct vir0_error err;
	if (vir0_run_reference(p, groups, bindings, p->nbuffers, &err))
		fail_case(seed, p, "the reference interpreter refused the program", &err);
}

/* Element size of a core buffer type, for messages. */
static size_t element_bytes(const struct vir0_buffer *b)
{
	size_t size = vir0_type_size(&b->element);
	return size ? size : 1;
}

START_TEST(test_reference_results_do_not_depend_on_order)
{
	struct progen_seeds seeds = progen_seeds_from_env(DEFAULT_SEEDS);
	for (uint64_t seed = seeds.first; seed - seeds.first < seeds.count; seed++) {
		struct progen_case c;
		struct vir0_binding *forward, *backward;
		generate(seed, &c);
		vir0_program *mirror = mirrored_copy(seed, &c);
		forward = fixture_bindings_copy(c.bindings, c.nbindings);
		backward = fixture_bindings_copy(c.bindings, c.nbindings);
		/* Outputs are zero-filled by the dispatch (fmt §1.5): other junk
		 * there must change nothing. */
		for (uint32_t i = 0; i < c.nbindings; i++)
			if (c.program->buffers[i].is_output)
				memset(backward[i].data, 0xA5, backward[i].size);
		run_reference(seed, c.program, c.groups, forward);
		run_reference(seed, mirror, c.groups, backward);
		for (uint32_t i = 0; i < c.nbindings; i++) {
			const struct vir0_buffer *b = &c.program->buffers[i];
			const uint8_t *x = forward[i].data, *y = backward[i].data;
			for (size_t at = 0; at < forward[i].size; at++) {
				if (x[at] == y[at])
					continue;
				char what[160];
				snprintf(what, sizeof(what), "buffer %s element %zu differs when the "
					 "invocations run in the opposite order (a race)", b->name,
					 at / element_bytes(b));
				fail_case(seed, c.program, what, NULL);
			}
		}
		fixture_bindings_free(forward, c.nbindings);
		fixture_bindings_free(backward, c.nbindings);
		vir0_program_free(mirror);
		progen_case_free(&c);
	}
}
END_TEST

/* The detector itself: two planted races (last writer wins across
 * workgroups; a neighbour's slot read with no barrier) must show. */
START_TEST(test_mirror_exposes_planted_races)
{
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	p->workgroup_size[0] = 4;
	ck_assert_int_eq(vir0_add_buffer(p, "last", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 1, 1), 0);
	ck_assert_int_eq(vir0_add_buffer(p, "seen", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 8, 1), 0);
	ck_assert_int_eq(vir0_add_buffer(p, "slot", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 4, 0), 0);
	struct vir0_expr *next = vir0_binop(p, VIR0_BIN_MOD, vir0_binop(p, VIR0_BIN_ADD,
		vir0_local_id(p, 0), vir0_lit_u32(p, 1)), vir0_lit_u32(p, 4));
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, "last", vir0_lit_u32(p, 0),
		vir0_invocation_id(p, 0))), 0);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, "slot", vir0_local_id(p, 0),
		vir0_binop(p, VIR0_BIN_ADD, vir0_local_id(p, 0), vir0_lit_u32(p, 1)))), 0);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, "seen", vir0_invocation_id(p, 0),
		vir0_load(p, "slot", next))), 0);
	ck_assert_int_eq(vir0_validate(p, NULL), VIR0_OK);
	struct progen_case c = { .program = p, .groups = { 2, 1, 1 }, .nbindings = 3 };
	uint32_t last[2][1], seen[2][8];
	for (int run = 0; run < 2; run++) {
		struct vir0_binding b[3] = { { last[run], sizeof(last[run]) },
					     { seen[run], sizeof(seen[run]) }, { NULL, 0 } };
		vir0_program *q = run ? mirrored_copy(0, &c) : p;
		ck_assert_int_eq(vir0_run_reference(q, c.groups, b, 3, NULL), VIR0_OK);
		if (run)
			vir0_program_free(q);
	}
	ck_assert_uint_ne(last[0][0], last[1][0]);
	ck_assert(memcmp(seen[0], seen[1], sizeof(seen[0])) != 0);
	vir0_program_free(p);
}
END_TEST

static void expect_same_bindings(uint64_t seed, const struct vir0_binding *a,
				 const struct vir0_binding *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		ck_assert_msg(a[i].size == b[i].size && (!a[i].data) == (!b[i].data) &&
			      (!a[i].size || !memcmp(a[i].data, b[i].data, a[i].size)),
			      "seed %" PRIu64 ": binding %u differs", seed, i);
	}
}

START_TEST(test_same_seed_same_case)
{
	uint32_t n = progen_seeds_from_env(DEFAULT_SEEDS).count;
	n = n < 300 ? n : 300;
	for (uint64_t seed = 1; seed <= n; seed++) {
		struct progen_case a, b;
		uint8_t *bytes_a, *bytes_b;
		size_t size_a, size_b;
		generate(seed, &a);
		generate(seed, &b);
		ck_assert_int_eq(vir0_encode(a.program, &bytes_a, &size_a, NULL), VIR0_OK);
		ck_assert_int_eq(vir0_encode(b.program, &bytes_b, &size_b, NULL), VIR0_OK);
		ck_assert_msg(size_a == size_b && !memcmp(bytes_a, bytes_b, size_a),
			      "seed %" PRIu64 ": two programs from one seed differ", seed);
		ck_assert(!memcmp(a.groups, b.groups, sizeof(a.groups)));
		ck_assert_uint_eq(a.nbindings, b.nbindings);
		expect_same_bindings(seed, a.bindings, b.bindings, a.nbindings);
		free(bytes_a);
		free(bytes_b);
		progen_case_free(&a);
		progen_case_free(&b);
	}
}
END_TEST

START_TEST(test_seeds_differ)
{
	struct progen_case a, b;
	uint8_t *bytes_a, *bytes_b;
	size_t size_a, size_b;
	generate(1, &a);
	generate(2, &b);
	ck_assert_int_eq(vir0_encode(a.program, &bytes_a, &size_a, NULL), VIR0_OK);
	ck_assert_int_eq(vir0_encode(b.program, &bytes_b, &size_b, NULL), VIR0_OK);
	ck_assert(size_a != size_b || memcmp(bytes_a, bytes_b, size_a));
	free(bytes_a);
	free(bytes_b);
	progen_case_free(&a);
	progen_case_free(&b);
}
END_TEST

START_TEST(test_bindings_copy_is_fresh_and_equal)
{
	for (uint64_t seed = 1; seed <= 50; seed++) {
		struct progen_case c;
		struct vir0_binding *copy;
		generate(seed, &c);
		copy = fixture_bindings_copy(c.bindings, c.nbindings);
		expect_same_bindings(seed, c.bindings, copy, c.nbindings);
		for (uint32_t i = 0; i < c.nbindings; i++) {
			int workgroup = c.program->buffers[i].access == VIR0_ACCESS_WORKGROUP;
			ck_assert(workgroup ? !copy[i].data && !copy[i].size : copy[i].data != NULL);
			ck_assert(!copy[i].data || copy[i].data != c.bindings[i].data);
		}
		fixture_bindings_free(copy, c.nbindings);
		progen_case_free(&c);
	}
}
END_TEST

START_TEST(test_generated_programs_cover_the_core_profile)
{
	struct coverage cov;
	coverage_init(&cov);
	/* Generating is cheap: cover at least 500 seeds even when VIR0_FUZZ_N
	 * asks for a quick run. */
	uint32_t n = progen_seeds_from_env(DEFAULT_SEEDS).count;
	n = n > 500 ? n : 500;
	for (uint64_t seed = 1; seed <= n; seed++) {
		struct progen_case c;
		generate(seed, &c);
		coverage_add_case(&cov, &c);
		progen_case_free(&c);
	}
	char missing[4096];
	size_t count = coverage_missing(&cov, missing, sizeof(missing));
	ck_assert_msg(count == 0, "over seeds 1..%u, %zu core constructs never appeared: %s", n,
		      count, missing);
}
END_TEST

static Suite *progen_suite(void)
{
	Suite *s = suite_create("progen");
	TCase *tc = tcase_create("generator");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_generated_programs_validate_and_round_trip);
	tcase_add_test(tc, test_same_seed_same_case);
	tcase_add_test(tc, test_seeds_differ);
	tcase_add_test(tc, test_bindings_copy_is_fresh_and_equal);
	tcase_add_test(tc, test_generated_programs_cover_the_core_profile);
	tcase_add_test(tc, test_mirror_exposes_planted_races);
	tcase_add_test(tc, test_reference_results_do_not_depend_on_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(progen_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
