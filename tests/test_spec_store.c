/* test_spec_store.c - the autotune store (sched/spec_store.c): round trip,
 * the merge rule, corrupt and foreign files (a later version's, and
 * version 1's with exact-size shape keys) reported once and ignored,
 * processes saving at once (fork), the directory from the environment,
 * and a ladder that starts from what an earlier run adopted. */
#define _GNU_SOURCE
#include "spec_ladder.h"
#include "spec_store.h"
#include "spec_store_line.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/vir0-spec-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char command[128];
	snprintf(command, sizeof command, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(command), 0);
}

static struct starpu_vir0_spec_record make(const char *shape, const char *variant,
					   enum starpu_vir0_spec_status status, int64_t updated,
					   uint64_t pairs)
{
	struct starpu_vir0_spec_record r = {
		.status = status, .rejections = status == STARPU_VIR0_SPEC_REJECTED,
		.updated = updated, .saved_us = -12.5, .compile_us = 55000.25, .pairs = pairs,
		.won = pairs / 2, .mismatches = 0, .baseline_us = 1000.0 * pairs,
		.candidate_us = 0.1 + 800.0 * pairs, .tasks = 10 * pairs, .runs = 1,
	};
	strcpy(r.shape, shape);
	strcpy(r.adapter, "NVIDIA H100 80GB HBM3 580.159.04 100%");
	strcpy(r.variant, variant);
	return r;
}

static struct starpu_vir0_spec_store *loaded(FILE *diag)
{
	struct starpu_vir0_spec_store *store = starpu_vir0_spec_store_create(dir);
	ck_assert_ptr_nonnull(store);
	ck_assert_int_eq(starpu_vir0_spec_store_load(store, diag, NULL), 0);
	return store;
}

static void write_file(const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, STARPU_VIR0_SPEC_STORE_FILE);
	FILE *file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	fputs(text, file);
	fclose(file);
}

static char *read_all(FILE *file)
{
	static char text[8192];
	rewind(file);
	size_t n = fread(text, 1, sizeof text - 1, file);
	text[n] = '\0';
	return text;
}

static unsigned count_lines(const char *text)
{
	unsigned n = 0;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}

START_TEST(round_trip)
{
	struct starpu_vir0_spec_store *store = loaded(NULL);
	ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 0);
	struct starpu_vir0_spec_record a = make("00ff", "jit", STARPU_VIR0_SPEC_BASELINE, 1700, 12);
	struct starpu_vir0_spec_record b = make("00ff", "opt%2", STARPU_VIR0_SPEC_REJECTED, 1600, 9);
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &a, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &b, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(store, NULL, NULL), 0);
	starpu_vir0_spec_store_destroy(store);

	store = loaded(stderr);
	ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 2);
	const struct starpu_vir0_spec_record *r =
		starpu_vir0_spec_store_find(store, "00ff", a.adapter, "opt%2");
	ck_assert_ptr_nonnull(r);
	ck_assert_mem_eq(r, &b, sizeof b);
	ck_assert_mem_eq(starpu_vir0_spec_store_at(store, 0), &a, sizeof a);
	ck_assert_ptr_null(starpu_vir0_spec_store_find(store, "00ff", a.adapter, "interp"));
	starpu_vir0_spec_store_destroy(store);
}
END_TEST

/* Counts add up; the later verdict wins; equal times go to the more
 * cautious; a second save adds nothing twice. */
START_TEST(merge_rule)
{
	struct starpu_vir0_spec_store *first = loaded(NULL), *second = loaded(NULL);
	struct starpu_vir0_spec_record r = make("s", "jit", STARPU_VIR0_SPEC_BASELINE, 2000, 5);
	ck_assert_int_eq(starpu_vir0_spec_store_put(first, &r, NULL), 0);
	r = make("s", "jit", STARPU_VIR0_SPEC_REJECTED, 1000, 3);
	ck_assert_int_eq(starpu_vir0_spec_store_put(second, &r, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(first, NULL, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(second, NULL, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(first, NULL, NULL), 0);
	/* second now holds the merged file. */
	const struct starpu_vir0_spec_record *m =
		starpu_vir0_spec_store_find(second, "s", r.adapter, "jit");
	ck_assert_uint_eq(m->pairs, 8);
	ck_assert_uint_eq(m->runs, 2);
	ck_assert(m->baseline_us == 8000);
	ck_assert_int_eq(m->status, STARPU_VIR0_SPEC_BASELINE);
	ck_assert_int_eq(m->updated, 2000);

	struct starpu_vir0_spec_store *third = loaded(NULL);
	r = make("s", "jit", STARPU_VIR0_SPEC_BANNED, 2000, 1);
	ck_assert_int_eq(starpu_vir0_spec_store_put(third, &r, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(third, NULL, NULL), 0);
	m = starpu_vir0_spec_store_find(third, "s", r.adapter, "jit");
	ck_assert_int_eq(m->status, STARPU_VIR0_SPEC_BANNED);
	ck_assert_uint_eq(m->pairs, 9);
	starpu_vir0_spec_store_destroy(first);
	starpu_vir0_spec_store_destroy(second);
	starpu_vir0_spec_store_destroy(third);
}
END_TEST

START_TEST(corrupt_lines_are_reported_once_and_ignored)
{
	char good[512];
	struct starpu_vir0_spec_record r = make("s", "jit", STARPU_VIR0_SPEC_BASELINE, 5, 4);
	FILE *line = fmemopen(good, sizeof good, "w");
	starpu_vir0_spec_header_write(line);
	starpu_vir0_spec_record_write(line, &r);
	fclose(line);
	char text[8192];
	char huge[3000];
	memset(huge, 'x', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	snprintf(text, sizeof text,
		 "%s"
		 "s cpu jit baseline 0 5 nan 0 1 1 0 1 1 1 1\n"   /* 4: NaN */
		 "s cpu jit\n"                                    /* 5: too few fields */
		 "s cpu jit sideways 0 5 0 0 1 1 0 1 1 1 1\n"     /* 6: unknown status */
		 "s cpu jit baseline 0 5 0 0 1 2 0 1 1 1 1\n"     /* 7: won > pairs */
		 "s cpu jit baseline 0 5 0 0 -1 0 0 1 1 1 1\n"    /* 8: negative count */
		 "s%%4 cpu jit baseline 0 5 0 0 1 1 0 1 1 1 1\n"   /* 9: bad escape */
		 "%s\n"                                           /* 10: too long */
		 "s cpu jit baseline 0 5 0 0 1 1 0 1e400 1 1 1\n", /* 11: overflow */
		 good, huge);
	write_file(text);
	FILE *diag = tmpfile();
	struct starpu_vir0_spec_store *store = loaded(diag);
	const char *said = read_all(diag);
	ck_assert_uint_eq(count_lines(said), 1);
	ck_assert_msg(strstr(said, "/autotune.txt:4: ") && strstr(said, "(8 bad lines in all)"),
		      "%s", said);
	ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 1);
	ck_assert_mem_eq(starpu_vir0_spec_store_at(store, 0), &r, sizeof r);
	/* The next save keeps the good line and drops the rest. */
	ck_assert_int_eq(starpu_vir0_spec_store_save(store, NULL, NULL), 0);
	starpu_vir0_spec_store_destroy(store);
	fclose(diag);
	diag = tmpfile();
	store = loaded(diag);
	ck_assert_str_eq(read_all(diag), "");
	ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 1);
	starpu_vir0_spec_store_destroy(store);
	fclose(diag);
}
END_TEST

START_TEST(foreign_and_corrupt_files)
{
	/* A later version's file, and a version 1 one: its shape keys held
	 * exact sizes, not buckets, so its records must not be read as
	 * this version's. Both reported, ignored and left as they are. */
	static const struct {
		const char *text, *said;
	} foreign[] = {
		{ "vir0-autotune 3\nwhatever the future holds\n", "version 3, this is version 2" },
		{ "vir0-autotune 1\n"
		  "000102030405060708090a0b0c0d0e0f0000003d000000010000000100000000000b71b0 "
		  "cpu:x jit baseline 0 5 1 1 8 8 0 8 6 80 1\n",
		  "version 1, this is version 2" },
	};
	ck_assert_int_eq(STARPU_VIR0_SPEC_STORE_VERSION, 2);
	struct starpu_vir0_spec_record r = make("s", "jit", STARPU_VIR0_SPEC_BASELINE, 5, 4);
	for (unsigned f = 0; f < sizeof foreign / sizeof foreign[0]; f++) {
		write_file(foreign[f].text);
		FILE *diag = tmpfile();
		struct starpu_vir0_spec_store *store = loaded(diag);
		ck_assert_msg(strstr(read_all(diag), foreign[f].said), "%s", read_all(diag));
		ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 0);
		ck_assert_int_eq(starpu_vir0_spec_store_put(store, &r, NULL), 0);
		struct vir0_error err = { 0 };
		ck_assert_int_eq(starpu_vir0_spec_store_save(store, NULL, &err), VIR0_EVERSION);
		ck_assert_msg(strstr(err.message, "another version"), "%s", err.message);
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, STARPU_VIR0_SPEC_STORE_FILE);
		FILE *file = fopen(path, "r");
		ck_assert_str_eq(read_all(file), foreign[f].text);
		fclose(file);
		starpu_vir0_spec_store_destroy(store);
		fclose(diag);
	}

	/* Not a store at all (binary junk): reported, then replaced. */
	write_file("\x7f" "ELF\x01\x02\n\n");
	FILE *diag = tmpfile();
	struct starpu_vir0_spec_store *store = loaded(diag);
	ck_assert_msg(strstr(read_all(diag), ":1: not an autotune store header"), "%s", read_all(diag));
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &r, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(store, NULL, NULL), 0);
	starpu_vir0_spec_store_destroy(store);
	store = loaded(NULL);
	ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 1);
	starpu_vir0_spec_store_destroy(store);
	fclose(diag);
}
END_TEST

START_TEST(bad_records_are_refused)
{
	struct starpu_vir0_spec_store *store = loaded(NULL);
	struct vir0_error err = { 0 };
	struct starpu_vir0_spec_record r = make("s", "jit", STARPU_VIR0_SPEC_BASELINE, 5, 4);
	r.variant[0] = '\0';
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &r, &err), VIR0_EARG);
	r = make("s", "jit", STARPU_VIR0_SPEC_BASELINE, 5, 4);
	r.compile_us = -1;
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &r, &err), VIR0_EARG);
	r.compile_us = 0;
	r.baseline_us = 1.0 / 0.0;
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &r, &err), VIR0_EARG);
	r.baseline_us = 0;
	r.won = r.pairs + 1;
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &r, &err), VIR0_EARG);
	ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 0);
	starpu_vir0_spec_store_destroy(store);
}
END_TEST

#define SAVES 40

/* Two processes each load, put and save SAVES times at once: every save
 * is in the file, none lost, the file valid throughout. */
START_TEST(two_processes_save_at_once)
{
	pid_t children[2];
	for (int c = 0; c < 2; c++) {
		if ((children[c] = fork()) == 0) {
			for (int i = 0; i < SAVES; i++) {
				struct starpu_vir0_spec_store *store = starpu_vir0_spec_store_create(dir);
				struct starpu_vir0_spec_record mine =
					make(c ? "child-b" : "child-a", "jit", STARPU_VIR0_SPEC_BASELINE, i, 1);
				struct starpu_vir0_spec_record shared =
					make("shared", "jit", STARPU_VIR0_SPEC_BASELINE, i, 1);
				if (!store || starpu_vir0_spec_store_load(store, stderr, NULL) ||
				    starpu_vir0_spec_store_put(store, &mine, NULL) ||
				    starpu_vir0_spec_store_put(store, &shared, NULL) ||
				    starpu_vir0_spec_store_save(store, stderr, NULL))
					_exit(1);
				starpu_vir0_spec_store_destroy(store);
			}
			_exit(0);
		}
		ck_assert_int_gt(children[c], 0);
	}
	for (int c = 0; c < 2; c++) {
		int status;
		ck_assert_int_eq(waitpid(children[c], &status, 0), children[c]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	FILE *diag = tmpfile();
	struct starpu_vir0_spec_store *store = loaded(diag);
	ck_assert_str_eq(read_all(diag), "");
	ck_assert_uint_eq(starpu_vir0_spec_store_count(store), 3);
	const char *adapter = make("", "", 0, 0, 0).adapter;
	ck_assert_uint_eq(starpu_vir0_spec_store_find(store, "child-a", adapter, "jit")->runs, SAVES);
	ck_assert_uint_eq(starpu_vir0_spec_store_find(store, "child-b", adapter, "jit")->runs, SAVES);
	ck_assert_uint_eq(starpu_vir0_spec_store_find(store, "shared", adapter, "jit")->runs, 2 * SAVES);
	starpu_vir0_spec_store_destroy(store);
	fclose(diag);
	/* No temporary file left behind. */
	char command[160];
	snprintf(command, sizeof command, "test -z \"$(ls '%s' | grep tmp)\"", dir);
	ck_assert_int_eq(system(command), 0);
}
END_TEST

START_TEST(directory_from_the_environment)
{
	char got[256];
	struct vir0_error err = { 0 };
	setenv("VIR0_HOME", "/v/home", 1);
	setenv("STARPU_HOME", "/s/home", 1);
	setenv("HOME", "/h/home", 1);
	ck_assert_int_eq(starpu_vir0_spec_store_dir(got, sizeof got, NULL), 0);
	ck_assert_str_eq(got, "/v/home");
	setenv("VIR0_HOME", "", 1);
	ck_assert_int_eq(starpu_vir0_spec_store_dir(got, sizeof got, NULL), 0);
	ck_assert_str_eq(got, "/s/home/.starpu/vir0");
	unsetenv("STARPU_HOME");
	ck_assert_int_eq(starpu_vir0_spec_store_dir(got, sizeof got, NULL), 0);
	ck_assert_str_eq(got, "/h/home/.starpu/vir0");
	ck_assert_int_eq(starpu_vir0_spec_store_dir(got, 8, &err), VIR0_EARG);
	unsetenv("HOME");
	ck_assert_int_eq(starpu_vir0_spec_store_dir(got, sizeof got, &err), VIR0_EARG);
	ck_assert_msg(strstr(err.message, "VIR0_HOME"), "%s", err.message);
}
END_TEST

START_TEST(clear_and_a_missing_directory)
{
	char sub[128];
	snprintf(sub, sizeof sub, "%s/a/b", dir);
	struct starpu_vir0_spec_store *store = starpu_vir0_spec_store_create(sub);
	ck_assert_int_eq(starpu_vir0_spec_store_load(store, stderr, NULL), 0);
	struct starpu_vir0_spec_record r = make("s", "jit", STARPU_VIR0_SPEC_BASELINE, 5, 4);
	ck_assert_int_eq(starpu_vir0_spec_store_put(store, &r, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(store, NULL, NULL), 0); /* creates a/b */
	starpu_vir0_spec_store_destroy(store);
	int removed;
	ck_assert_int_eq(starpu_vir0_spec_store_clear(sub, &removed, NULL), 0);
	ck_assert_int_eq(removed, 1);
	ck_assert_int_eq(starpu_vir0_spec_store_clear(sub, &removed, NULL), 0);
	ck_assert_int_eq(removed, 0);
	snprintf(sub, sizeof sub, "%s/none", dir);
	ck_assert_int_eq(starpu_vir0_spec_store_clear(sub, &removed, NULL), 0);
	ck_assert_int_eq(removed, 0);
}
END_TEST

/* `tasks` planned and recorded on a shape whose variants take us[v]
 * each, outputs equal; the time reached. */
static uint64_t race(struct starpu_vir0_spec_shape *shape,
		     const struct starpu_vir0_spec_config *config, const double *us, int tasks)
{
	uint64_t now = 0;
	for (int t = 0; t < tasks; t++) {
		struct starpu_vir0_spec_plan plan;
		starpu_vir0_spec_plan(shape, config, now += 10, &plan);
		ck_assert_int_eq(starpu_vir0_spec_record(shape, config, &plan, us[plan.variant],
							 plan.scratch < shape->nvariants ? us[plan.scratch] : 0,
							 STARPU_VIR0_SPEC_EQUAL,
							 now, NULL, NULL), 0);
	}
	return now;
}

/* The shape saved to a store, then a fresh shape recalled from it, as a
 * second process would. */
static void remember_and_recall(struct starpu_vir0_spec_shape *shape,
				const struct starpu_vir0_spec_config *config, const char **names)
{
	unsigned nvariants = shape->nvariants;
	struct starpu_vir0_spec_store *store = loaded(NULL);
	ck_assert_int_eq(starpu_vir0_spec_remember(shape, store, "shape", "cpu:test", 1000, NULL), 0);
	ck_assert_int_eq(starpu_vir0_spec_store_save(store, NULL, NULL), 0);
	starpu_vir0_spec_store_destroy(store);
	store = loaded(NULL);
	ck_assert_int_eq(starpu_vir0_spec_shape_init(shape, nvariants, names, 3, NULL), 0);
	starpu_vir0_spec_recall(shape, config, store, "shape", "cpu:test");
	starpu_vir0_spec_store_destroy(store);
}

/* A second run starts from the adopted variant without racing again. */
START_TEST(second_run_starts_adopted)
{
	struct starpu_vir0_spec_config config;
	starpu_vir0_spec_config_default(&config);
	config.recheck = 0;
	const char *names[] = { "interp", "jit" };
	const double us[] = { 1000, 500 };
	struct starpu_vir0_spec_shape shape;
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 3, NULL), 0);
	uint64_t now = race(&shape, &config, us, 100);
	ck_assert_uint_eq(shape.baseline, 1);
	remember_and_recall(&shape, &config, names);
	ck_assert_uint_eq(shape.baseline, 1);
	ck_assert_uint_eq(shape.arrivals.prior_per_run, 100);
	/* Placement knows the adopted variant's time before this run times
	 * it: its mean as the candidate; and the original's, its race's
	 * baseline side. */
	ck_assert_double_eq(starpu_vir0_spec_variant_mean(&shape, 1), 500);
	ck_assert_double_eq(starpu_vir0_spec_variant_mean(&shape, 0), 1000);
	for (int t = 0; t < 100; t++) {
		struct starpu_vir0_spec_plan plan;
		starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
		ck_assert_int_eq(plan.run, STARPU_VIR0_SPEC_RUN_ONE);
		ck_assert_uint_eq(plan.variant, 1);
		if (t == 0) /* this run's times replace the recalled mean */
			ck_assert_int_eq(starpu_vir0_spec_record(&shape, &config, &plan, 400, 0,
								 STARPU_VIR0_SPEC_UNCHECKED, now,
								 NULL, NULL), 0);
	}
	ck_assert_double_eq(starpu_vir0_spec_variant_mean(&shape, 1), 400);
}
END_TEST

/* A run that adopted nothing leaves the original's time in its races'
 * baseline sides: the next run knows it before timing it. */
START_TEST(second_run_knows_the_original_when_nothing_was_adopted)
{
	struct starpu_vir0_spec_config config;
	starpu_vir0_spec_config_default(&config);
	config.recheck = 0;
	const char *names[] = { "interp", "rewrite" };
	const double us[] = { 1000, 2000 };
	struct starpu_vir0_spec_shape shape;
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 3, NULL), 0);
	shape.pairs_only = 1;
	race(&shape, &config, us, 40);
	ck_assert_int_eq(shape.variants[1].status, STARPU_VIR0_SPEC_REJECTED);
	remember_and_recall(&shape, &config, names);
	ck_assert_uint_eq(shape.baseline, 0);
	ck_assert_double_eq(starpu_vir0_spec_variant_mean(&shape, 0), 1000);
	ck_assert_double_eq(starpu_vir0_spec_variant_mean(&shape, 1), 2000);
}
END_TEST

/* A warm run knows the original's time from the adopted JIT's race, so
 * the original's rewrites, expected at its time and 276x slower than the
 * JIT, stay out of the race there too (the race budget). */
START_TEST(second_run_does_not_race_hopeless_rewrites)
{
	struct starpu_vir0_spec_config config;
	starpu_vir0_spec_config_default(&config);
	config.recheck = 0;
	const char *names[] = { "interp", "jit", "interp+unroll" };
	const double us[] = { 5800, 21, 5000 };
	struct starpu_vir0_spec_shape shape;
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 3, names, 3, NULL), 0);
	shape.pairs_only = 1;
	race(&shape, &config, us, 200);
	ck_assert_uint_eq(shape.baseline, 1);
	ck_assert_int_eq(shape.variants[2].status, STARPU_VIR0_SPEC_UNTRIED);
	remember_and_recall(&shape, &config, names);
	ck_assert_uint_eq(shape.baseline, 1);
	race(&shape, &config, us, 200);
	ck_assert_int_eq(shape.variants[2].status, STARPU_VIR0_SPEC_UNTRIED);
	ck_assert_uint_eq(shape.pairs_run, 0);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("spec_store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, merge_rule);
	tcase_add_test(tc, corrupt_lines_are_reported_once_and_ignored);
	tcase_add_test(tc, foreign_and_corrupt_files);
	tcase_add_test(tc, bad_records_are_refused);
	tcase_add_test(tc, two_processes_save_at_once);
	tcase_add_test(tc, directory_from_the_environment);
	tcase_add_test(tc, clear_and_a_missing_directory);
	tcase_add_test(tc, second_run_knows_the_original_when_nothing_was_adopted);
	tcase_add_test(tc, second_run_starts_adopted);
	tcase_add_test(tc, second_run_does_not_race_hopeless_rewrites);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(store_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
