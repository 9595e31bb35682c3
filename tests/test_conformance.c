/* test_conformance.c - differential conformance (issue 3). For each
 * generated program (tests/progen.h, seeds VIR0_FUZZ_SEED.. for VIR0_FUZZ_N
 * seeds) and each example program, the reference interpreter gives the
 * golden buffers; every engine of tests/conformance_engines.c, and every
 * rewrite variant of the registry that applies (run with the reference
 * and with every engine, over the original's grid), must give the same
 * buffers bit for bit. A mismatch prints what to replay: the seed, the
 * engine and rewrite, the buffer and element, and the program (and the
 * variant) in .vir0s text. */
#include "conformance_engines.h"
#include "fixtures.h"
#include "progen.h"
#include "rewrite.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seeds per make check. Measured on the project's 2-core machine: about
 * 25 s of CPU time in a -O2 build, about 100 s under address and
 * undefined-behaviour sanitizers, so sanitizer runs need no smaller count.
 * More on demand with VIR0_FUZZ_N. */
enum { DEFAULT_SEEDS = 16000 };

#define MAX_ENGINES 16
#define MAX_REWRITES 16

/* Engines whose setup said they run here (checked fixture: in the test
 * process, so engine state is never shared across a fork). */
static const struct conformance_engine *ready[MAX_ENGINES];
static size_t nready;

struct tally {
	uint32_t programs, runs;
	uint32_t applied[MAX_REWRITES];
};

/* One program to check: what it is (for reports), its grid and inputs. */
struct subject {
	char label[64];
	const vir0_program *program;
	const uint32_t *groups;
	const struct vir0_binding *inputs;
	int generated;   /* engines' program caps apply (not to examples) */
};

static void setup_engines(void)
{
	size_t n;
	const struct conformance_engine *engines = conformance_engines(&n);
	ck_assert_uint_le(n, MAX_ENGINES);
	nready = 0;
	for (size_t i = 0; i < n; i++) {
		struct vir0_error err = { 0 };
		int status = engines[i].setup ? engines[i].setup(&err) : VIR0_OK;
		if (status == CONFORMANCE_ENGINE_UNAVAILABLE) {
			printf("conformance: engine %s skipped: %s\n", engines[i].name, err.message);
			continue;
		}
		ck_assert_msg(status == VIR0_OK, "engine %s setup: %s: %s", engines[i].name,
			      vir0_status_name(status), err.message);
		ready[nready++] = &engines[i];
	}
}

static void teardown_engines(void)
{
	for (size_t i = 0; i < nready; i++)
		if (ready[i]->teardown)
			ready[i]->teardown();
	nready = 0;
}

static void print_program(const char *title, const vir0_program *program)
{
	char *text = NULL;
	struct vir0_error err;
	if (vir0_disassemble(program, &text, &err) == VIR0_OK)
		fprintf(stderr, "---- %s ----\n%s", title, text);
	else
		fprintf(stderr, "---- %s: cannot disassemble: %s\n", title, err.message);
	free(text);
}

/* Print everything needed to replay the failure, then fail the test. */
static void report_failure(const struct subject *s, const char *engine, const char *rewrite,
		 const vir0_program *variant, const char *what)
{
	fprintf(stderr, "conformance FAILURE: %s, grid %u %u %u, engine %s, rewrite %s: %s\n",
		s->label, s->groups[0], s->groups[1], s->groups[2], engine, rewrite, what);
	print_program("program", s->program);
	if (variant)
		print_program(rewrite, variant);
	ck_abort_msg("%s: engine %s, rewrite %s: %s", s->label, engine, rewrite, what);
}

typedef int (*run_fn)(const vir0_program *program, const uint32_t groups[3],
		      struct vir0_binding *bindings, uint32_t n, struct vir0_error *err);

/* Run `program` (the subject's, or a variant of it) with `run` on a copy
 * of the inputs and compare with `golden`. */
static void check_run(const struct subject *s, const struct vir0_binding *golden,
		      const char *engine, run_fn run, const char *rewrite,
		      const vir0_program *program, struct tally *tally)
{
	const vir0_program *variant = program == s->program ? NULL : program;
	uint32_t n = s->program->nbuffers;
	struct vir0_binding *got = fixture_bindings_copy(s->inputs, n);
	struct vir0_error err = { 0 };
	char what[VIR0_ERROR_MESSAGE_MAX + VIR0_ERROR_PATH_MAX + 64];
	int status = run(program, s->groups, got, n, &err);
	tally->runs++;
	if (status != VIR0_OK) {
		snprintf(what, sizeof(what), "the run failed: %s at %s: %s",
			 vir0_status_name(status), err.path, err.message);
		report_failure(s, engine, rewrite, variant, what);
	}
	char why[256];
	if (!fixture_bindings_equal(s->program, golden, got, why, sizeof(why))) {
		snprintf(what, sizeof(what), "%s (the reference on the original, then this run)",
			 why);
		report_failure(s, engine, rewrite, variant, what);
	}
	fixture_bindings_free(got, n);
}

/* Every ready engine whose program cap this subject (the tally's
 * programs-th) is within. */
static void check_engines(const struct subject *s, const struct vir0_binding *golden,
			  const char *rewrite, const vir0_program *program, struct tally *tally)
{
	for (size_t e = 0; e < nready; e++) {
		if (s->generated && tally->programs > conformance_engine_max_programs(ready[e]))
			continue;
		check_run(s, golden, ready[e]->name, ready[e]->run, rewrite, program, tally);
	}
}

static void check_subject(const struct subject *s, struct tally *tally)
{
	uint32_t n = s->program->nbuffers;
	struct vir0_binding *golden = fixture_bindings_copy(s->inputs, n);
	struct vir0_error err = { 0 };
	int status = vir0_run_reference(s->program, s->groups, golden, n, &err);
	if (status != VIR0_OK) {
		char what[VIR0_ERROR_MESSAGE_MAX + 64];
		snprintf(what, sizeof(what), "the reference refused it: %s: %s",
			 vir0_status_name(status), err.message);
		report_failure(s, "ref", "none", NULL, what);
	}
	tally->programs++;
	tally->runs++;
	check_engines(s, golden, "none", s->program, tally);

	size_t nrewrites;
	const struct vir0_rewrite *rewrites = vir0_rewrites(&nrewrites);
	ck_assert_uint_le(nrewrites, MAX_REWRITES);
	for (size_t r = 0; r < nrewrites; r++) {
		vir0_program *variant = NULL;
		status = vir0_rewrite_apply(&rewrites[r], s->program, &variant, &err);
		if (status == VIR0_REWRITE_NOT_APPLICABLE)
			continue;
		if (status != VIR0_OK) {
			/* The registry validates every result: a rewrite that cannot
			 * keep the program valid must say it does not apply. */
			char what[VIR0_ERROR_MESSAGE_MAX + VIR0_ERROR_PATH_MAX + 64];
			snprintf(what, sizeof(what), "the rewrite failed: %s at %s: %s",
				 vir0_status_name(status), err.path, err.message);
			report_failure(s, "none", rewrites[r].name, NULL, what);
		}
		tally->applied[r]++;
		check_run(s, golden, "ref", vir0_run_reference, rewrites[r].name, variant, tally);
		check_engines(s, golden, rewrites[r].name, variant, tally);
		vir0_program_free(variant);
	}
	fixture_bindings_free(golden, n);
}

static void print_tally(const char *what, const struct tally *tally)
{
	size_t nrewrites;
	const struct vir0_rewrite *rewrites = vir0_rewrites(&nrewrites);
	printf("conformance: %s: %u programs, %u runs; variants applied:", what, tally->programs,
	       tally->runs);
	for (size_t r = 0; r < nrewrites; r++)
		printf(" %s %u", rewrites[r].name, tally->applied[r]);
	printf("\n");
	fflush(stdout);
}

START_TEST(generated_programs_agree)
{
	struct progen_seeds seeds = progen_seeds_from_env(DEFAULT_SEEDS);
	struct tally tally = { 0 };
	for (uint64_t seed = seeds.first; seed - seeds.first < seeds.count; seed++) {
		struct progen_case c;
		int status = progen_generate(seed, &c);
		ck_assert_msg(status == VIR0_OK, "seed %" PRIu64 ": progen_generate: %s", seed,
			      vir0_status_name(status));
		struct subject s = { .program = c.program, .groups = c.groups,
				     .inputs = c.bindings, .generated = 1 };
		snprintf(s.label, sizeof(s.label), "seed %" PRIu64 " (replay: VIR0_FUZZ_SEED=%"
			 PRIu64 " VIR0_FUZZ_N=1)", seed, seed);
		check_subject(&s, &tally);
		progen_case_free(&c);
	}
	char what[96];
	snprintf(what, sizeof(what), "seeds %" PRIu64 "..%" PRIu64, seeds.first,
		 seeds.first + seeds.count - 1);
	print_tally(what, &tally);
	for (size_t e = 0; e < nready; e++) {
		unsigned cap = conformance_engine_max_programs(ready[e]);
		if (cap < tally.programs)
			printf("conformance: engine %s ran the first %u of them (%s sets it)\n",
			       ready[e]->name, cap,
			       ready[e]->max_programs_env ? ready[e]->max_programs_env : "its entry");
	}
	fflush(stdout);
}
END_TEST

START_TEST(example_programs_agree)
{
	struct fixture_example_case e;
	fixture_example_case_open(_i, &e);
	struct subject s = { .program = e.program, .groups = e.groups, .inputs = e.inputs };
	snprintf(s.label, sizeof(s.label), "%s", e.label);
	struct tally tally = { 0 };
	check_subject(&s, &tally);
	print_tally(s.label, &tally);
	fixture_example_case_free(&e);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("conformance");
	TCase *tc = tcase_create("conformance");
	/* The seed count is set by VIR0_FUZZ_N, so the time is too: no limit
	 * that a longer run on demand would hit. */
	tcase_set_timeout(tc, 0);
	tcase_add_checked_fixture(tc, setup_engines, teardown_engines);
	tcase_add_loop_test(tc, example_programs_agree, 0, fixture_example_case_count());
	tcase_add_test(tc, generated_programs_agree);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
