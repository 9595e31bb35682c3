/* text_round_trip.c - see text_round_trip.h. */
#include "text_round_trip.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

vir0_program *text_must_assemble(const char *text)
{
	vir0_program *p = NULL;
	struct vir0_error err;
	int rc = vir0_assemble(text, strlen(text), &p, &err);
	ck_assert_msg(rc == VIR0_OK, "%s at %u:%u: %s\n--- text ---\n%s",
		      vir0_status_name(rc), err.line, err.column, err.message, text);
	return p;
}

static char *must_disassemble(const vir0_program *p)
{
	char *text = NULL;
	struct vir0_error err;
	int rc = vir0_disassemble(p, &text, &err);
	ck_assert_msg(rc == VIR0_OK, "disassemble: %s at %s: %s", vir0_status_name(rc),
		      err.path, err.message);
	return text;
}

vir0_program *text_reassemble(const vir0_program *p)
{
	char *text = must_disassemble(p);
	vir0_program *q = text_must_assemble(text);
	free(text);
	return q;
}

void text_round_trip(const vir0_program *p)
{
	char *text = must_disassemble(p);
	vir0_program *q = text_must_assemble(text);
	char *again = must_disassemble(q);
	ck_assert_msg(vir0_program_equal(p, q), "asm(dis(p)) differs from p:\n%s", text);
	ck_assert_str_eq(again, text);

	uint8_t *bytes = NULL;
	size_t size = 0;
	vir0_program *decoded = NULL;
	struct vir0_error err;
	int rc = vir0_encode(p, &bytes, &size, &err);
	ck_assert_msg(rc == VIR0_OK, "encode: %s: %s\n%s", err.path, err.message, text);
	rc = vir0_decode(bytes, size, NULL, &decoded, &err);
	ck_assert_msg(rc == VIR0_OK, "decode at %zu: %s\n%s", err.offset, err.message, text);
	ck_assert_msg(vir0_program_equal(p, decoded), "decode(encode(p)) differs:\n%s", text);
	vir0_program_free(decoded);
	free(bytes);
	free(again);
	free(text);
	vir0_program_free(q);
}
