/* test_malformed.c - the decoder on hostile bytes: every truncation and
 * every single-byte change of every vector, and thousands of seeded random
 * mutations. Each input must either fail cleanly (an error code, no
 * program) or decode to a program that re-encodes to exactly those bytes
 * (fmt §7.5). Run under AddressSanitizer and UBSan, this also checks that
 * nothing reads past the input, crashes or leaks. */
#include "fixtures.h"
#include "vir0.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *const vectors[] = { "add_u32", "empty", "metadata", "nodes", "exprs" };
#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

/* Counts of outcomes, so a test can tell the mutations reached both. */
struct outcomes {
	unsigned long accepted, rejected;
};

/* Decode `bytes`; accepted inputs must re-encode identically and pass
 * through the validator without harm. */
static void check_input(const uint8_t *bytes, size_t size, const struct vir0_limits *limits,
			struct outcomes *seen)
{
	vir0_program *p = (vir0_program *)1;
	struct vir0_error err;
	int rc = vir0_decode(bytes, size, limits, &p, &err);
	if (rc) {
		ck_assert_msg(rc < 0 && rc >= VIR0_EARG, "bad status %d", rc);
		ck_assert_int_eq(err.code, rc);
		ck_assert_ptr_null(p);
		ck_assert_msg(err.offset <= size, "error offset %zu beyond input %zu",
			      err.offset, size);
		ck_assert_msg(err.message[0] != '\0', "empty message for %s",
			      vir0_status_name(rc));
		seen->rejected++;
		return;
	}
	uint8_t *again;
	size_t again_size;
	rc = vir0_encode(p, &again, &again_size, &err);
	ck_assert_msg(rc == VIR0_OK, "accepted input does not encode: %s", err.message);
	ck_assert_msg(again_size == size && memcmp(again, bytes, size) == 0,
		      "accepted input of %zu bytes re-encodes to %zu different bytes",
		      size, again_size);
	struct vir0_error verr;
	int vrc = vir0_validate(p, &verr);
	ck_assert_msg(vrc == VIR0_OK || vrc == VIR0_EINVALID || vrc == VIR0_EUNSUPPORTED,
		      "vir0_validate returned %s", vir0_status_name(vrc));
	free(again);
	vir0_program_free(p);
	seen->accepted++;
}

START_TEST(test_every_truncation_fails)
{
	struct outcomes seen = { 0, 0 };
	for (size_t v = 0; v < NVECTORS; v++) {
		size_t size;
		uint8_t *bytes = fixture_vector(vectors[v], &size);
		for (size_t cut = 0; cut < size; cut++) {
			/* A fresh copy of exactly `cut` bytes, so ASan sees
			 * any read past the shortened end. */
			uint8_t *prefix = malloc(cut ? cut : 1);
			memcpy(prefix, bytes, cut);
			vir0_program *p = (vir0_program *)1;
			struct vir0_error err;
			int rc = vir0_decode(prefix, cut, NULL, &p, &err);
			ck_assert_msg(rc < 0, "%s cut to %zu bytes decoded", vectors[v], cut);
			ck_assert_msg(rc == VIR0_ETRUNCATED || rc == VIR0_EMAGIC,
				      "%s cut to %zu: %s", vectors[v], cut,
				      vir0_status_name(rc));
			ck_assert_ptr_null(p);
			seen.rejected++;
			free(prefix);
		}
		free(bytes);
	}
	ck_assert_uint_gt(seen.rejected, 1000);
}
END_TEST

START_TEST(test_every_byte_change)
{
	struct outcomes seen = { 0, 0 };
	for (size_t v = 0; v < NVECTORS; v++) {
		size_t size;
		uint8_t *bytes = fixture_vector(vectors[v], &size);
		uint8_t *copy = malloc(size);
		for (size_t at = 0; at < size; at++) {
			for (unsigned value = 0; value < 256; value++) {
				if (value == bytes[at])
					continue;
				memcpy(copy, bytes, size);
				copy[at] = (uint8_t)value;
				check_input(copy, size, NULL, &seen);
			}
		}
		free(copy);
		free(bytes);
	}
	ck_assert_uint_gt(seen.accepted, 1000);
	ck_assert_uint_gt(seen.rejected, 1000);
}
END_TEST

/* xorshift64*: a fixed seed makes every run mutate the same way. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1Dull;
}

static size_t pick(uint64_t *state, size_t bound)
{
	return bound ? (size_t)(next_random(state) % bound) : 0;
}

/* Boundary values that stress counts, lengths and ids. */
static const uint32_t boundary[] = {
	0, 1, 2, 0x7F, 0x80, 0xFF, 0x1000, 0x1001, 0xFFFF, 0x10000, 0x100000,
	0x100001, 0x400000, 0x400001, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu,
};

/* One random edit of buf[0..*size), which has room for 8 more bytes. */
static void mutate(uint64_t *state, uint8_t *buf, size_t *size)
{
	size_t at = pick(state, *size + 1);
	switch (pick(state, 6)) {
	case 0: /* flip one bit */
		if (*size)
			buf[pick(state, *size)] ^= (uint8_t)(1u << pick(state, 8));
		break;
	case 1: /* insert one byte */
		memmove(buf + at + 1, buf + at, *size - at);
		buf[at] = (uint8_t)next_random(state);
		(*size)++;
		break;
	case 2: /* delete one byte */
		if (at < *size) {
			memmove(buf + at, buf + at + 1, *size - at - 1);
			(*size)--;
		}
		break;
	case 3: { /* overwrite a u32 with a boundary value */
		uint32_t v = boundary[pick(state, sizeof(boundary) / sizeof(boundary[0]))];
		for (size_t i = 0; i < 4 && at + i < *size; i++)
			buf[at + i] = (uint8_t)(v >> (8 * i));
		break;
	}
	case 4: { /* insert a boundary u32 */
		uint32_t v = boundary[pick(state, sizeof(boundary) / sizeof(boundary[0]))];
		memmove(buf + at + 4, buf + at, *size - at);
		for (size_t i = 0; i < 4; i++)
			buf[at + i] = (uint8_t)(v >> (8 * i));
		*size += 4;
		break;
	}
	default: /* set one byte to a small tag-like value */
		if (*size)
			buf[pick(state, *size)] = (uint8_t)pick(state, 0x24);
		break;
	}
}

START_TEST(test_seeded_random_mutations)
{
	enum { ROUNDS = 20000, MAX_EDITS = 4 };
	uint64_t state = 0x5649523030303031ull;
	struct outcomes seen = { 0, 0 };
	uint8_t *originals[NVECTORS];
	size_t sizes[NVECTORS];
	for (size_t v = 0; v < NVECTORS; v++)
		originals[v] = fixture_vector(vectors[v], &sizes[v]);
	for (unsigned round = 0; round < ROUNDS; round++) {
		size_t v = pick(&state, NVECTORS);
		size_t size = sizes[v];
		uint8_t *buf = malloc(size + 8 * MAX_EDITS);
		memcpy(buf, originals[v], size);
		size_t edits = 1 + pick(&state, MAX_EDITS);
		for (size_t i = 0; i < edits; i++)
			mutate(&state, buf, &size);
		/* Shrink to the exact size so ASan guards the end. */
		uint8_t *exact = malloc(size ? size : 1);
		memcpy(exact, buf, size);
		check_input(exact, size, NULL, &seen);
		free(exact);
		free(buf);
	}
	for (size_t v = 0; v < NVECTORS; v++)
		free(originals[v]);
	ck_assert_uint_gt(seen.accepted, 100);
	ck_assert_uint_gt(seen.rejected, 1000);
}
END_TEST

START_TEST(test_small_limits_on_every_vector)
{
	struct outcomes seen = { 0, 0 };
	for (size_t v = 0; v < NVECTORS; v++) {
		size_t size;
		uint8_t *bytes = fixture_vector(vectors[v], &size);
		for (uint32_t n = 0; n < 64; n++) {
			struct vir0_limits limits;
			vir0_limits_default(&limits);
			limits.max_depth = n % 8;
			limits.max_nodes = n;
			limits.max_string_bytes = n % 9;
			limits.max_buffers = n % 11;
			limits.max_attachments = n % 3;
			check_input(bytes, size, &limits, &seen);
		}
		free(bytes);
	}
	ck_assert_uint_gt(seen.accepted, 0);
	ck_assert_uint_gt(seen.rejected, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("malformed");
	TCase *tc = tcase_create("mutations");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_every_truncation_fails);
	tcase_add_test(tc, test_every_byte_change);
	tcase_add_test(tc, test_seeded_random_mutations);
	tcase_add_test(tc, test_small_limits_on_every_vector);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
