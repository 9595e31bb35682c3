/* test_text_robust.c - the text form on hostile input: random bytes,
 * mutated and truncated examples, nesting at and beyond the depth limit,
 * and in-memory programs the wire format cannot hold. Nothing may crash or
 * leak (the suite runs under AddressSanitizer), and whatever assembles must
 * round-trip. */
#include "vir0.h"

#include "fixtures.h"
#include "names.h"
#include "text_round_trip.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng_state;

/* xorshift32: reproducible, so a failure can be replayed */
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Assemble `size` bytes: an error must carry a position and leave *out
 * NULL; a success must round-trip. */
static void assemble_anything(const char *text, size_t size)
{
	vir0_program *p = (vir0_program *)1;
	struct vir0_error err;
	int rc = vir0_assemble(text, size, &p, &err);
	if (rc != VIR0_OK) {
		ck_assert_ptr_null(p);
		ck_assert_int_eq(err.code, rc);
		ck_assert_uint_ge(err.line, 1);
		ck_assert_uint_ge(err.column, 1);
		return;
	}
	text_round_trip(p);
	vir0_program_free(p);
}

START_TEST(random_bytes_never_crash)
{
	static const char *const pieces[] = {
		"let ", "x", " = ", "1u", "-", "3i", "1.5f", "(", ")", "[", "]", "{", "}",
		"\n", ";", "if ", "else ", "loop ", " .. ", "store ", "buf", "gid.x", "+",
		"*", "<<", "min(", ",", "cast<", ">", "\"q\"", "x\"0a\"", "atomic_add(",
		"barrier", "return", "buffer ", "u32[0] ", "read_write", "#c", "f32:0x",
		"vec<", "block ", "region ", "opaque ", "==", "!", "~", "true", "..",
	};
	char text[512];
	rng_state = 0x12345678u + (uint32_t)_i;
	for (int round = 0; round < 400; round++) {
		size_t n = 0, want = rng() % 400;
		while (n < want) {
			if (rng() % 3 == 0) {
				text[n++] = (char)rng();
			} else {
				const char *piece = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
				size_t len = strlen(piece);
				if (n + len > sizeof(text))
					break;
				memcpy(text + n, piece, len);
				n += len;
			}
		}
		/* a heap copy of exactly n bytes, so ASan sees any read past it */
		char *exact = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(exact);
		memcpy(exact, text, n);
		assemble_anything(exact, n);
		free(exact);
	}
}
END_TEST

static const char *const examples[] = {
	"vector_add", "saxpy", "reduction_atomic", "histogram", "dfa_scan",
	"prefix_sum", "matmul_tiled",
};

static char *example_text(const char *name, size_t *size)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "examples/%s.vir0s", name);
	return (char *)fixture_read(rel, size);
}

START_TEST(truncated_examples_never_crash)
{
	size_t size;
	char *text = example_text(examples[_i], &size);
	for (size_t n = 0; n <= size; n++) {
		char *prefix = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(prefix);
		memcpy(prefix, text, n);
		assemble_anything(prefix, n);
		free(prefix);
	}
	free(text);
}
END_TEST

START_TEST(mutated_examples_never_crash)
{
	size_t size;
	char *text = example_text(examples[_i], &size);
	char *copy = malloc(size + 8);
	ck_assert_ptr_nonnull(copy);
	rng_state = 0x9e3779b9u + (uint32_t)_i;
	for (int round = 0; round < 300; round++) {
		memcpy(copy, text, size);
		size_t n = size;
		for (int edit = 0, edits = 1 + (int)(rng() % 4); edit < edits && n; edit++) {
			size_t at = rng() % n;
			switch (rng() % 3) {
			case 0: /* replace */
				copy[at] = (char)rng();
				break;
			case 1: /* delete */
				memmove(copy + at, copy + at + 1, n - at - 1);
				n--;
				break;
			default: /* duplicate */
				memmove(copy + at + 1, copy + at, n - at);
				n++;
				break;
			}
			if (n >= size + 4)
				break;
		}
		assemble_anything(copy, n);
	}
	free(copy);
	free(text);
}
END_TEST

/* `head`, then `open` repeated `count` times, `middle`, and `close` as
 * many times. */
static char *nested(const char *head, const char *open, const char *middle,
		    const char *close, unsigned count)
{
	/* 32 spare bytes for a suffix the caller appends */
	size_t size = strlen(head) + count * (strlen(open) + strlen(close)) + strlen(middle) + 32;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	char *end = stpcpy(text, head);
	for (unsigned i = 0; i < count; i++)
		end = stpcpy(end, open);
	end = stpcpy(end, middle);
	for (unsigned i = 0; i < count; i++)
		end = stpcpy(end, close);
	return text;
}

static int assemble_status(const char *text)
{
	vir0_program *p = NULL;
	struct vir0_error err;
	int rc = vir0_assemble(text, strlen(text), &p, &err);
	if (rc == VIR0_OK)
		text_round_trip(p);
	vir0_program_free(p);
	return rc;
}

START_TEST(depth_limit_matches_the_decoder)
{
	struct vir0_limits limits;
	vir0_limits_default(&limits);
	unsigned max = limits.max_depth;
	/* blocks: the innermost statement sits at level `count + 1` */
	char *text = nested("", "block {\n", "return\n", "}\n", max - 1);
	ck_assert_int_eq(assemble_status(text), VIR0_OK);
	free(text);
	text = nested("", "block {\n", "return\n", "}\n", max);
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
	/* let at level 1, then a chain of negations down to a variable */
	text = nested("let x = ", "-", "y", "", max - 2);
	ck_assert_int_eq(assemble_status(text), VIR0_OK);
	free(text);
	text = nested("let x = ", "-", "y", "", max - 1);
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
	/* parenthesised right operands cost the parser the most frames */
	text = nested("let x = ", "1u - (", "1u", ")", max - 2);
	ck_assert_int_eq(assemble_status(text), VIR0_OK);
	free(text);
	text = nested("let x = ", "1u - (", "1u", ")", max - 1);
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
	/* data types have their own levels */
	text = nested("buffer b ", "vec<", "u32", ", 2>", max - 1);
	strcat(text, "[1] read");
	ck_assert_int_eq(assemble_status(text), VIR0_OK);
	free(text);
	text = nested("buffer b ", "vec<", "u32", ", 2>", max);
	strcat(text, "[1] read");
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
}
END_TEST

START_TEST(deep_text_fails_cleanly)
{
	/* parentheses add no node, but the parser still bounds its stack */
	char *text = nested("let x = ", "(", "1u", ")", 100000);
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
	text = nested("", "if 1u {", "", "}", 100000);
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
	text = nested("buffer b ", "vec<", "u32", ", 2>", 100000);
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
	/* a long left-associative chain is deep without deep recursion */
	text = nested("let x = 1u", " + 1u", "", "", 100000);
	ck_assert_int_eq(assemble_status(text), VIR0_EDEPTH);
	free(text);
	text = nested("let x = 1u", " + 1u", "", "", 20);
	ck_assert_int_eq(assemble_status(text), VIR0_OK);
	free(text);
}
END_TEST

static struct vir0_expr *leaf(vir0_program *p)
{
	return vir0_lit_u32(p, 1);
}

/* vir0_disassemble's status; on failure the error names `path` (any path
 * when NULL) and no text is returned. */
static int disassemble_status(vir0_program *p, const char *path)
{
	char *text = (char *)1;
	struct vir0_error err;
	int rc = vir0_disassemble(p, &text, &err);
	if (rc == VIR0_OK) {
		free(text);
		return rc;
	}
	ck_assert_ptr_null(text);
	ck_assert_msg(!path || strcmp(err.path, path) == 0, "error path '%s', expected '%s' (%s)",
		      err.path, path, err.message);
	return rc;
}

START_TEST(disassembler_refuses_what_the_wire_cannot_hold)
{
	vir0_program *p = vir0_program_new();
	struct vir0_expr *e = leaf(p);
	struct vir0_node *block = vir0_block(p);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_let(p, "a", leaf(p))), VIR0_OK);
	ck_assert_int_eq(vir0_append(p, &p->body, block), VIR0_OK);
	ck_assert_int_eq(vir0_append(p, &block->body, vir0_let(p, "x", e)), VIR0_OK);
	ck_assert_int_eq(disassemble_status(p, ""), VIR0_OK);

	e->kind = 0x33;
	ck_assert_int_eq(disassemble_status(p, "body[1].body[0]"), VIR0_ETAG);
	e->kind = VIR0_EXPR_LIT_BOOL;
	e->bits = 2;
	ck_assert_int_eq(disassemble_status(p, "body[1].body[0]"), VIR0_EVALUE);
	e->kind = VIR0_EXPR_LOCAL_ID;
	e->axis = 3;
	ck_assert_int_eq(disassemble_status(p, "body[1].body[0]"), VIR0_EVALUE);
	e->kind = VIR0_EXPR_BINOP;
	e->op = VIR0_BIN_LAST + 1;
	e->arg[0] = leaf(p);
	e->arg[1] = leaf(p);
	ck_assert_int_eq(disassemble_status(p, "body[1].body[0]"), VIR0_EOPCODE);
	e->op = VIR0_BIN_ADD;
	e->arg[1] = NULL;
	ck_assert_int_eq(disassemble_status(p, "body[1].body[0]"), VIR0_EVALUE);
	e->kind = VIR0_EXPR_VAR;
	e->name = NULL;
	ck_assert_int_eq(disassemble_status(p, "body[1].body[0]"), VIR0_EVALUE);
	e->name = "x";
	block->kind = 0x40;
	ck_assert_int_eq(disassemble_status(p, "body[1]"), VIR0_ETAG);
	block->kind = VIR0_NODE_BARRIER;
	block->ordering = 9;
	ck_assert_int_eq(disassemble_status(p, "body[1]"), VIR0_EVALUE);
	block->ordering = VIR0_ORDER_SEQ_CST;
	ck_assert_int_eq(disassemble_status(p, ""), VIR0_OK);
	ck_assert_int_eq(vir0_add_buffer(p, "b", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, 0, 0),
			 VIR0_OK);
	p->buffers[0].access = 7;
	ck_assert_int_eq(disassemble_status(p, "buffers[0]"), VIR0_EVALUE);
	p->buffers[0].access = VIR0_ACCESS_READ_ONLY;
	p->buffers[0].element.kind = VIR0_TYPE_VEC; /* without its element */
	ck_assert_int_eq(disassemble_status(p, "buffers[0]"), VIR0_EVALUE);
	vir0_program_free(p);
}
END_TEST

START_TEST(disassembler_bounds_depth_even_for_cycles)
{
	vir0_program *p = vir0_program_new();
	struct vir0_expr *e = vir0_unop(p, VIR0_UN_NEGATE, leaf(p));
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_let(p, "x", e)), VIR0_OK);
	e->arg[0] = e; /* a cycle: must stop at the depth limit */
	ck_assert_int_eq(disassemble_status(p, "body[0]"), VIR0_EDEPTH);
	struct vir0_node *block = vir0_block(p);
	ck_assert_int_eq(vir0_append(p, &p->body, block), VIR0_OK);
	e->arg[0] = leaf(p);
	ck_assert_int_eq(vir0_append(p, &block->body, block), VIR0_OK);
	ck_assert_int_eq(disassemble_status(p, NULL), VIR0_EDEPTH);
	vir0_program_free(p);
}
END_TEST

Suite *text_robust_suite(void);

Suite *text_robust_suite(void)
{
	Suite *s = suite_create("text_robust");
	TCase *tc = tcase_create("text_robust");
	tcase_set_timeout(tc, 120);
	size_t nexamples = sizeof(examples) / sizeof(examples[0]);
	tcase_add_loop_test(tc, random_bytes_never_crash, 0, 8);
	tcase_add_loop_test(tc, truncated_examples_never_crash, 0, nexamples);
	tcase_add_loop_test(tc, mutated_examples_never_crash, 0, nexamples);
	tcase_add_test(tc, depth_limit_matches_the_decoder);
	tcase_add_test(tc, deep_text_fails_cleanly);
	tcase_add_test(tc, disassembler_refuses_what_the_wire_cannot_hold);
	tcase_add_test(tc, disassembler_bounds_depth_even_for_cycles);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(text_robust_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
