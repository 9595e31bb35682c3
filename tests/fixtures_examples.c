/* fixtures_examples.c - example programs for the suites that run them,
 * and the cases the differential suites run them in. */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vir0_program *fixture_example(const char *name)
{
	char rel[512];
	size_t size;
	struct vir0_error err;
	vir0_program *p = NULL;
	snprintf(rel, sizeof(rel), "examples/%s.vir0s", name);
	uint8_t *text = fixture_read(rel, &size);
	int rc = vir0_assemble((const char *)text, size, &p, &err);
	free(text);
	if (rc != VIR0_OK)
		fixture_die(rel, err.message);
	if (vir0_validate(p, &err) != VIR0_OK)
		fixture_die(rel, err.message);
	return p;
}

static const struct {
	const char *name;
	uint32_t runtime_count;   /* elements of every count-0 buffer */
	uint32_t groups[3];       /* {0}: the default grid */
} example_cases[] = {
	{ "vector_add", 1000, { 0 } },    { "vector_add", 1, { 0 } },
	{ "saxpy", 1000, { 0 } },         { "saxpy", 37, { 0 } },
	{ "reduction_atomic", 5000, { 0 } }, { "reduction_atomic", 63, { 0 } },
	{ "histogram", 10000, { 0 } },    { "histogram", 100, { 0 } },
	{ "dfa_scan", 1024, { 0 } },      { "dfa_scan", 23, { 0 } },
	{ "prefix_sum", 1000, { 0 } },    { "prefix_sum", 256, { 0 } },
	{ "matmul_tiled", 400, { 4, 1, 1 } }, { "matmul_tiled", 256, { 1, 1, 1 } },
};

int fixture_example_case_count(void)
{
	return (int)(sizeof(example_cases) / sizeof(example_cases[0]));
}

void fixture_example_case_open(int i, struct fixture_example_case *c)
{
	if (i < 0 || i >= fixture_example_case_count())
		fixture_die("fixture_example_case_open", "no such case");
	const char *name = example_cases[i].name;
	uint32_t count = example_cases[i].runtime_count;
	c->program = fixture_example(name);
	c->inputs = fixture_bindings_random(c->program, 1000 + (uint64_t)i, count);
	memcpy(c->groups, example_cases[i].groups, sizeof(c->groups));
	struct vir0_error err;
	if (!c->groups[0] &&
	    vir0_default_grid(c->program, c->inputs, c->groups, &err) != VIR0_OK)
		fixture_die(name, err.message);
	snprintf(c->label, sizeof(c->label), "example %s with %u elements", name, count);
}

void fixture_example_case_free(struct fixture_example_case *c)
{
	fixture_bindings_free(c->inputs, c->program->nbuffers);
	vir0_program_free(c->program);
}
