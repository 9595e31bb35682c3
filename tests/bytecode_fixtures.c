/* bytecode_fixtures.c - see bytecode_fixtures.h. */
#include "bytecode_fixtures.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

const char *const fixture_example_names[] = {
	"vector_add", "saxpy", "reduction_atomic", "histogram", "dfa_scan",
	"prefix_sum", "matmul_tiled",
};
const unsigned fixture_example_count =
	sizeof(fixture_example_names) / sizeof(fixture_example_names[0]);

vir0_program *fixture_assemble(const char *text)
{
	vir0_program *p = NULL;
	struct vir0_error err;
	int rc = vir0_assemble(text, strlen(text), &p, &err);
	ck_assert_msg(rc == VIR0_OK, "%u:%u: %s", err.line, err.column, err.message);
	return p;
}

/* `p` lowered by `lower` (vir0_lower or vir0_lower_as_written), then
 * verified. */
static struct vir0_bytecode *lower_with(const vir0_program *p,
					int (*lower)(const vir0_program *, struct vir0_bytecode **,
						     struct vir0_error *))
{
	struct vir0_bytecode *bc = NULL;
	struct vir0_error err;
	int rc = lower(p, &bc, &err);
	ck_assert_msg(rc == VIR0_OK, "vir0_lower: %s: %s", vir0_status_name(rc), err.message);
	rc = vir0_bytecode_verify(bc, &err);
	if (rc != VIR0_OK) {
		char *listing = NULL;
		vir0_bytecode_print(bc, &listing);
		ck_abort_msg("verify: %s\n%s", err.message, listing ? listing : "");
	}
	return bc;
}

struct vir0_bytecode *fixture_lower(const vir0_program *p)
{
	return lower_with(p, vir0_lower);
}

static struct vir0_bytecode *lower_text_with(const char *text,
					     int (*lower)(const vir0_program *,
							  struct vir0_bytecode **,
							  struct vir0_error *))
{
	struct vir0_error err;
	vir0_program *p = fixture_assemble(text);
	int rc = vir0_validate(p, &err);
	ck_assert_msg(rc == VIR0_OK, "validate: %s: %s", err.path, err.message);
	struct vir0_bytecode *bc = lower_with(p, lower);
	vir0_program_free(p);
	return bc;
}

struct vir0_bytecode *fixture_lower_text(const char *text)
{
	return lower_text_with(text, vir0_lower);
}

struct vir0_bytecode *fixture_lower_text_as_written(const char *text)
{
	return lower_text_with(text, vir0_lower_as_written);
}

struct vir0_bytecode *fixture_bytecode_copy(const struct vir0_bytecode *bc)
{
	struct vir0_bytecode *c = malloc(sizeof(*c));
	ck_assert_ptr_nonnull(c);
	*c = *bc;
	c->insns = malloc((size_t)bc->ninsns * sizeof(*c->insns));
	c->buffers = malloc(((size_t)bc->nbuffers + 1) * sizeof(*c->buffers));
	ck_assert(c->insns && c->buffers);
	memcpy(c->insns, bc->insns, (size_t)bc->ninsns * sizeof(*c->insns));
	memcpy(c->buffers, bc->buffers, (size_t)bc->nbuffers * sizeof(*c->buffers));
	return c;
}

uint32_t fixture_find_op(const struct vir0_bytecode *bc, unsigned op, uint32_t from)
{
	for (uint32_t at = from; at < bc->ninsns; at++)
		if (vir0_insn_op(&bc->insns[at]) == op)
			return at;
	return UINT32_MAX;
}
