/* test_starpu_spec_run.c - one process of tests/test_starpu_spec_store.sh:
 * the slow vector addition with a ~100x faster test variant, under
 * vir0-spec on one CPU worker and PoCL's OpenCL worker, store in
 * $VIR0_HOME.
 *   learn:  rounds of tasks until the CPU adopts the fast variant (exit 0),
 *           then the store is saved at shutdown;
 *   recall: rounds until one of its tasks ran on the CPU (usually the
 *           first); exit 0 when the fast variant was the CPU baseline
 *           from the start, as the store said: it raced no pair, and the
 *           original wrote no task's outputs (the variants the first
 *           process left untried may race it meanwhile).
 * Every output is compared with the reference interpreter. A Check
 * suite of one test, so that the shared helpers' assertions work. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speculation.h"
#include "spec_store.h"
#include "test_starpu_spec_common.h"

enum { N = 1024, TASKS = 16, ROUNDS = 60 };

static int learn;

START_TEST(run)
{
	spec_start(1, 1);
	starpu_vir0_program *slow = spec_load(spec_slow_add);
	uint32_t fast = spec_add_variant(slow, spec_plain_add);
	struct starpu_vir0_shape shape;
	struct starpu_vir0_speculation_view view = { .status = -1 }, original = { 0 };
	int ok = 0;
	/* recall: rounds until one of its tasks ran on the CPU (the tree may
	 * send a whole round to OpenCL), each of them adopted from the start. */
	for (int round = 0; round < ROUNDS && !ok && (learn || !view.tasks); round++) {
		ck_assert_uint_eq(spec_round(slow, slow, N, TASKS, &shape), 0);
		if (starpu_vir0_speculation_variant(&shape, STARPU_CPU_WORKER, fast, &view))
			continue; /* no task of the round ran on the CPU */
		ck_assert_int_eq(starpu_vir0_speculation_variant(&shape, STARPU_CPU_WORKER, 0,
								 &original), 0);
		ok = view.status == STARPU_VIR0_SPEC_BASELINE &&
		     (learn || (view.pairs == 0 && original.tasks == 0 && view.tasks > 0));
	}
	ck_assert_msg(ok, "%s: fast variant not adopted on the CPU (status %d), %llu pairs, "
		      "%llu tasks, %llu of the original", learn ? "learn" : "recall", view.status,
		      (unsigned long long)view.pairs, (unsigned long long)view.tasks,
		      (unsigned long long)original.tasks);
	starpu_vir0_program_release(slow);
	spec_stop();
}
END_TEST

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "learn") && strcmp(argv[1], "recall"))) {
		fprintf(stderr, "usage: %s learn|recall\n", argv[0]);
		return 2;
	}
	learn = !strcmp(argv[1], "learn");
	Suite *suite = suite_create("starpu_spec_run");
	TCase *tc = tcase_create(argv[1]);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, run);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
