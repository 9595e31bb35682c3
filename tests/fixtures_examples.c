/* fixtures_examples.c - example programs for the suites that run them. */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>

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
