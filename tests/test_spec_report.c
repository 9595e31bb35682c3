/* test_spec_report.c - the run report's formats (sched/spec_report.c):
 * the text block per shape, one JSON object per line, the totals, JSON
 * escaping, and the time saved against always the baseline. */
#define _GNU_SOURCE
#include "spec_report.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A shape that adopted "jit" (500 us against 1000 us), after a compile of
 * 55 ms. */
static void adopted_shape(struct starpu_vir0_spec_shape *shape)
{
	struct starpu_vir0_spec_config config;
	starpu_vir0_spec_config_default(&config);
	config.recheck = 0;
	const char *names[] = { "interp", "jit" };
	const double us[] = { 1000, 500 };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(shape, 2, names, 1, NULL), 0);
	starpu_vir0_spec_compiled(shape, 1, 55000, 1);
	uint64_t now = 0;
	for (int t = 0; t < 100; t++) {
		struct starpu_vir0_spec_plan plan;
		starpu_vir0_spec_plan(shape, &config, now += 10, &plan);
		ck_assert_int_eq(starpu_vir0_spec_record(shape, &config, &plan, us[plan.variant],
							 us[plan.scratch % 2], STARPU_VIR0_SPEC_EQUAL,
							 now, NULL, NULL), 0);
	}
	ck_assert_uint_eq(shape->baseline, 1);
}

static char *report(const struct starpu_vir0_spec_shape *shape, int json, const char *key)
{
	char *text = NULL;
	size_t size;
	FILE *out = open_memstream(&text, &size);
	struct starpu_vir0_spec_totals totals = { 0 };
	starpu_vir0_spec_report_shape(json ? NULL : out, json ? out : NULL, key, "cpu:Test \"CPU\"",
				      shape, &totals);
	starpu_vir0_spec_report_totals(json ? NULL : out, json ? out : NULL, &totals);
	fclose(out);
	return text;
}

START_TEST(saved_time_against_the_baseline)
{
	struct starpu_vir0_spec_shape shape;
	adopted_shape(&shape);
	/* Every jit task saved 500 us; each pair's scratch side cost 500. */
	double expected = (double)shape.variants[1].tasks * 500 - shape.scratch_us;
	ck_assert(fabs(starpu_vir0_spec_shape_saved_us(&shape) - expected) < 1e-6);
	ck_assert(shape.scratch_us == 500.0 * (double)shape.pairs_run);
	ck_assert(expected > 0);
}
END_TEST

START_TEST(text_report)
{
	struct starpu_vir0_spec_shape shape;
	adopted_shape(&shape);
	char *text = report(&shape, 0, "abc");
	char *line = strtok(text, "\n");
	char expect[256];
	snprintf(expect, sizeof expect, "vir0 shape abc on cpu:Test \"CPU\": 100 tasks, %llu pairs, "
		 "runs jit, last verdict adopt (faster)", (unsigned long long)shape.pairs_run);
	ck_assert_str_eq(line, expect);
	line = strtok(NULL, "\n");
	ck_assert_msg(strstr(line, "variant") && strstr(line, "mean_us") &&
		      strstr(line, "compile_ms") && strstr(line, "mismatches"), "%s", line);
	line = strtok(NULL, "\n");
	ck_assert_msg(!strncmp(line, "  interp           retired", 26), "%s", line);
	ck_assert_msg(strstr(line, " 1000.0 "), "%s", line);
	line = strtok(NULL, "\n");
	ck_assert_msg(!strncmp(line, "  jit              baseline", 27), "%s", line);
	ck_assert_msg(strstr(line, " 500.0 ") && strstr(line, " 55.0 "), "%s", line);
	line = strtok(NULL, "\n");
	ck_assert_msg(!strncmp(line, "  saved ", 8) && strstr(line, "against always interp"), "%s", line);
	line = strtok(NULL, "\n");
	ck_assert_msg(!strncmp(line, "vir0 speculation: 1 shapes, 100 tasks, ", 39), "%s", line);
	ck_assert_msg(strstr(line, "0 mismatches") && strstr(line, "compiled 55.000 ms"), "%s", line);
	ck_assert_ptr_null(strtok(NULL, "\n"));
	free(text);
}
END_TEST

START_TEST(json_lines)
{
	struct starpu_vir0_spec_shape shape;
	adopted_shape(&shape);
	char *text = report(&shape, 1, "k\"\\\n\x01");
	char *shape_line = strtok(text, "\n"), *totals = strtok(NULL, "\n");
	ck_assert_ptr_null(strtok(NULL, "\n"));
	char expect[1024];
	const struct starpu_vir0_spec_variant *v = shape.variants;
	struct starpu_vir0_spec_sum sum;
	starpu_vir0_spec_variant_sum(&shape, 1, &sum);
	snprintf(expect, sizeof expect,
		 "{\"type\":\"shape\",\"shape\":\"k\\\"\\\\\\u000a\\u0001\",\"adapter\":\"cpu:Test \\\"CPU\\\"\","
		 "\"tasks\":100,\"pairs\":%llu,\"baseline\":\"jit\",\"candidate\":null,"
		 "\"verdict\":\"adopt\",\"reason\":\"faster\",\"saved_us\":%.3f,\"overhead_us\":%.3f,"
		 "\"variants\":[{\"name\":\"interp\",\"status\":\"retired\",\"rejections\":0,"
		 "\"tasks\":%llu,\"mean_us\":1000.000,\"pairs\":0,\"won\":0,\"baseline_mean_us\":null,"
		 "\"candidate_mean_us\":null,\"saved_us\":0.000,\"compile_us\":0.000,\"mismatches\":0},"
		 "{\"name\":\"jit\",\"status\":\"baseline\",\"rejections\":0,\"tasks\":%llu,"
		 "\"mean_us\":500.000,\"pairs\":%llu,\"won\":%llu,\"baseline_mean_us\":1000.000,"
		 "\"candidate_mean_us\":500.000,\"saved_us\":500.000,\"compile_us\":55000.000,"
		 "\"mismatches\":0}]}",
		 (unsigned long long)shape.pairs_run, starpu_vir0_spec_shape_saved_us(&shape),
		 shape.scratch_us, (unsigned long long)v[0].tasks, (unsigned long long)v[1].tasks,
		 (unsigned long long)sum.pairs, (unsigned long long)sum.won);
	ck_assert_str_eq(shape_line, expect);
	snprintf(expect, sizeof expect,
		 "{\"type\":\"totals\",\"shapes\":1,\"tasks\":100,\"pairs\":%llu,\"mismatches\":0,"
		 "\"saved_us\":%.3f,\"compile_us\":55000.000}",
		 (unsigned long long)shape.pairs_run, starpu_vir0_spec_shape_saved_us(&shape));
	ck_assert_str_eq(totals, expect);
	free(text);
}
END_TEST

START_TEST(json_numbers)
{
	char *text = NULL;
	size_t size;
	FILE *out = open_memstream(&text, &size);
	starpu_vir0_spec_json_number(out, NAN);
	putc(' ', out);
	starpu_vir0_spec_json_number(out, INFINITY);
	putc(' ', out);
	starpu_vir0_spec_json_number(out, -1.5);
	fclose(out);
	ck_assert_str_eq(text, "null null -1.500");
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spec_report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, saved_time_against_the_baseline);
	tcase_add_test(tc, text_report);
	tcase_add_test(tc, json_lines);
	tcase_add_test(tc, json_numbers);
	suite_add_tcase(s, tc);
	SRunner *runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
