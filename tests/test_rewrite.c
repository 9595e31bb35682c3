/* test_rewrite.c - the rewrite registry: each rewrite on every example,
 * compared bit for bit with the original through the reference
 * interpreter over the original's grid, and targeted checks of what each
 * rewrite does and refuses. (The differential suite runs them on
 * generated programs too.) */
#include "fixtures.h"
#include "rewrite.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const examples[] = {
	"vector_add", "saxpy", "reduction_atomic", "histogram",
	"dfa_scan", "prefix_sum", "matmul_tiled",
};

/* Run `original` and `variant` on copies of the same seeded inputs over
 * the original's default grid; fail on any difference. */
static void expect_same_results(const vir0_program *original, const vir0_program *variant,
				const char *what)
{
	struct vir0_binding *input = fixture_bindings_random(original, 42, 400);
	struct vir0_binding *a = fixture_bindings_copy(input, original->nbuffers);
	struct vir0_binding *b = fixture_bindings_copy(input, original->nbuffers);
	struct vir0_error err;
	uint32_t groups[3];
	ck_assert_int_eq(vir0_default_grid(original, input, groups, &err), VIR0_OK);
	ck_assert_msg(vir0_run_reference(original, groups, a, original->nbuffers, &err) == VIR0_OK,
		      "%s original: %s", what, err.message);
	ck_assert_msg(vir0_run_reference(variant, groups, b, variant->nbuffers, &err) == VIR0_OK,
		      "%s variant: %s", what, err.message);
	char why[256];
	ck_assert_msg(fixture_bindings_equal(original, a, b, why, sizeof(why)), "%s: %s", what, why);
	fixture_bindings_free(input, original->nbuffers);
	fixture_bindings_free(a, original->nbuffers);
	fixture_bindings_free(b, original->nbuffers);
}

START_TEST(every_rewrite_on_every_example)
{
	size_t n;
	const struct vir0_rewrite *rewrites = vir0_rewrites(&n);
	vir0_program *program = fixture_example(examples[_i]);
	for (size_t r = 0; r < n; r++) {
		vir0_program *variant = NULL;
		struct vir0_error err;
		int status = vir0_rewrite_apply(&rewrites[r], program, &variant, &err);
		char what[128];
		snprintf(what, sizeof(what), "%s on %s", rewrites[r].name, examples[_i]);
		if (status == VIR0_REWRITE_NOT_APPLICABLE) {
			ck_assert_ptr_null(variant);
			ck_assert_msg(strstr(err.message, "does not apply: "), "%s: %s", what, err.message);
			continue;
		}
		ck_assert_msg(status == VIR0_OK, "%s: %s", what, err.message);
		ck_assert_msg(!vir0_program_equal(program, variant), "%s changed nothing", what);
		expect_same_results(program, variant, what);
		vir0_program_free(variant);
	}
	vir0_program_free(program);
}
END_TEST

START_TEST(registry_ids_and_names_are_unique)
{
	size_t n;
	const struct vir0_rewrite *rewrites = vir0_rewrites(&n);
	ck_assert_uint_ge(n, 5);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_eq(vir0_rewrite_by_id(rewrites[i].id), &rewrites[i]);
		ck_assert_ptr_eq(vir0_rewrite_by_name(rewrites[i].name), &rewrites[i]);
	}
	ck_assert_ptr_null(vir0_rewrite_by_id(0));
	ck_assert_ptr_null(vir0_rewrite_by_name("no-such-rewrite"));
}
END_TEST

/* Apply the named rewrite to the text program; returns the variant's
 * text form (caller frees), or NULL when it does not apply. */
static char *rewrite_text(const char *name, const char *text)
{
	vir0_program *program = NULL, *variant = NULL;
	struct vir0_error err;
	ck_assert_msg(vir0_assemble(text, strlen(text), &program, &err) == VIR0_OK, "%s", err.message);
	int status = vir0_rewrite_apply(vir0_rewrite_by_name(name), program, &variant, &err);
	char *out = NULL;
	if (status == VIR0_OK) {
		expect_same_results(program, variant, name);
		ck_assert_int_eq(vir0_disassemble(variant, &out, &err), VIR0_OK);
	} else {
		ck_assert_msg(status == VIR0_REWRITE_NOT_APPLICABLE, "%s: %s", name, err.message);
	}
	vir0_program_free(variant);
	vir0_program_free(program);
	return out;
}

#define HEADER "workgroup 4 1 1\nbuffer out u32[8] read_write output\n" \
	"buffer fo f32[8] read_write output\nbuffer in f32[8] read\n"

START_TEST(fold_folds_constants_and_keeps_side_effects)
{
	char *text = rewrite_text("fold", HEADER
		"let n = 3u\n"
		"store out[gid.x] = (n + 4u) * 1u\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "7u") && !strstr(text, "* 1u"), "%s", text);
	free(text);
	/* The atomic's side effect stays even though its value is multiplied by 0. */
	text = rewrite_text("fold", HEADER
		"store out[0u] = atomic_add(out[1u], 1u) * 0u\n");
	ck_assert_ptr_null(text);
	/* No f32 identity: x + 0.0 is not x for x = -0.0. */
	text = rewrite_text("fold", HEADER
		"store fo[gid.x] = in[gid.x] + 0.0\n");
	ck_assert_ptr_null(text);
}
END_TEST

/* Regressions found by the conformance suite: folding must not make a
 * program the validator rejects, so a divisor that would fold to a literal
 * zero (V23) and a Store index that would fold to a literal past the
 * buffer's count (V18) stay as they are, while the rest still folds. */
START_TEST(fold_keeps_zero_divisors_and_out_of_bounds_store_indices)
{
	char *text = rewrite_text("fold", HEADER
		"store out[gid.x] = gid.x / (3u - 3u) + (2u + 2u)\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "3u - 3u") && strstr(text, "4u"), "%s", text);
	free(text);
	/* Through propagation of a Let, and through Casts of the divisor. */
	text = rewrite_text("fold", HEADER
		"let z = 0u\n"
		"store out[gid.x] = gid.x % z + (1u + 1u)\n"
		"store fo[gid.x] = in[gid.x] / cast<f32>(cast<i32>(1u - 1u))\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "% z") && strstr(text, "1u - 1u") && strstr(text, "2u"),
		      "%s", text);
	free(text);
	/* out has 8 elements: 15u would be rejected, 3u is fine. */
	text = rewrite_text("fold", HEADER
		"store out[5u + 10u] = 1u + 1u\n"
		"store out[1u + 2u] = 1u\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "out[5u + 10u] = 2u") && strstr(text, "out[3u]"), "%s", text);
	free(text);
}
END_TEST

START_TEST(dce_removes_dead_code)
{
	char *text = rewrite_text("dce", HEADER
		"let unused = in[0u] * 2.0\n"
		"unused = 1.0\n"
		"if false {\n  store out[0u] = 9u\n}\n"
		"loop i = 5u .. 5u {\n  store out[i] = 1u\n}\n"
		"store out[gid.x] = 1u\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strstr(text, "unused") && !strstr(text, "9u") && !strstr(text, "loop"),
		      "%s", text);
	free(text);
	/* A dead Let whose value has an atomic stays. */
	text = rewrite_text("dce", HEADER
		"let old = atomic_add(out[1u], 1u)\n");
	ck_assert_ptr_null(text);
}
END_TEST

/* Regression found by the conformance suite: a Region opens no scope, so
 * a Let in it that is read after the Region (or in an enclosing Region)
 * is live; one that is only assigned there is dead with its Assigns. */
START_TEST(dce_keeps_region_lets_read_after_the_region)
{
	char *text = rewrite_text("dce", HEADER
		"region outer {\n"
		"  region inner {\n"
		"    let kept = in[gid.x]\n"
		"    let also_kept = 1u\n"
		"    let dead = 2u\n"
		"  }\n"
		"  store out[gid.x] = also_kept\n"
		"}\n"
		"store fo[gid.x] = kept\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "let kept") && strstr(text, "let also_kept") &&
		      !strstr(text, "dead"), "%s", text);
	free(text);
	text = rewrite_text("dce", HEADER
		"region r {\n  let gone = 1u\n}\n"
		"gone = 2u\n"
		"store out[gid.x] = 3u\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strstr(text, "gone"), "%s", text);
	free(text);
}
END_TEST

START_TEST(unroll_short_literal_loops_only)
{
	char *text = rewrite_text("unroll", HEADER
		"loop i = 0u .. 3u {\n  store out[gid.x * 2u + i] = i\n}\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strstr(text, "loop") && strstr(text, "let i = 2u"), "%s", text);
	free(text);
	text = rewrite_text("unroll", HEADER
		"loop i = 0u .. 1000u {\n  store out[i] = i\n}\n");
	ck_assert_ptr_null(text);
	text = rewrite_text("unroll", HEADER
		"loop i = 0u .. len(out) {\n  store out[i] = i\n}\n");
	ck_assert_ptr_null(text);
}
END_TEST

START_TEST(coarsen_only_where_equivalent)
{
	char *text = rewrite_text("coarsen2", HEADER
		"store out[gid.x] = lid.x + wgid.x\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "workgroup 2 1 1"), "%s", text);
	free(text);
	text = rewrite_text("coarsen4", HEADER "barrier\n");
	ck_assert_ptr_null(text);
	text = rewrite_text("coarsen2", HEADER "if lid.x == 0u {\n  return\n}\n");
	ck_assert_ptr_null(text);
	text = rewrite_text("coarsen4", "workgroup 6 1 1\nbuffer out u32[8] read_write output\n"
			    "store out[gid.x] = 1u\n");
	ck_assert_ptr_null(text);
}
END_TEST

/* A valid program nested deeper than the wire format allows (64 levels,
 * fmt §7.1; the validator allows 256) has no canonical copy: every
 * rewrite says it does not apply, none fails. */
START_TEST(rewrites_of_too_deep_programs_do_not_apply)
{
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(vir0_add_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 4, 1),
			 VIR0_OK);
	struct vir0_node_list *list = &p->body;
	for (int level = 0; level < 100; level++) {
		struct vir0_node *block = vir0_block(p);
		ck_assert_int_eq(vir0_append(p, list, block), VIR0_OK);
		list = &block->body;
	}
	struct vir0_node *loop = vir0_loop(p, "i", vir0_lit_u32(p, 0), vir0_lit_u32(p, 2));
	ck_assert_int_eq(vir0_append(p, list, loop), VIR0_OK);
	ck_assert_int_eq(vir0_append(p, &loop->body,
				     vir0_store(p, "out", vir0_var(p, "i"), vir0_var(p, "i"))),
			 VIR0_OK);
	ck_assert_int_eq(vir0_validate(p, NULL), VIR0_OK);
	size_t n;
	const struct vir0_rewrite *rewrites = vir0_rewrites(&n);
	for (size_t r = 0; r < n; r++) {
		vir0_program *variant = NULL;
		struct vir0_error err;
		int status = vir0_rewrite_apply(&rewrites[r], p, &variant, &err);
		ck_assert_msg(status == VIR0_REWRITE_NOT_APPLICABLE && !variant &&
			      strstr(err.message, "levels deep"), "%s: %s", rewrites[r].name,
			      err.message);
	}
	vir0_program_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rewrite");
	TCase *tc = tcase_create("rewrite");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, registry_ids_and_names_are_unique);
	tcase_add_loop_test(tc, every_rewrite_on_every_example, 0,
			    (int)(sizeof(examples) / sizeof(examples[0])));
	tcase_add_test(tc, fold_folds_constants_and_keeps_side_effects);
	tcase_add_test(tc, fold_keeps_zero_divisors_and_out_of_bounds_store_indices);
	tcase_add_test(tc, dce_removes_dead_code);
	tcase_add_test(tc, dce_keeps_region_lets_read_after_the_region);
	tcase_add_test(tc, unroll_short_literal_loops_only);
	tcase_add_test(tc, coarsen_only_where_equivalent);
	tcase_add_test(tc, rewrites_of_too_deep_programs_do_not_apply);
	suite_add_tcase(s, tc);
	SRunner *runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
