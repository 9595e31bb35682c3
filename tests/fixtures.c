/* fixtures.c - see fixtures.h. Failures here are test-setup bugs, so they
 * print what was wrong and abort the test process. */
#include "fixtures.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fixture_die(const char *what, const char *detail)
{
	fprintf(stderr, "fixture error: %s: %s\n", what, detail);
	abort();
}

uint8_t *fixture_read(const char *relpath, size_t *size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", VIR0_TOP_SRCDIR, relpath);
	FILE *f = fopen(path, "rb");
	if (!f)
		fixture_die("cannot open", path);
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	fclose(f);
	if (!buf)
		fixture_die("out of memory reading", path);
	buf[n] = 0;
	*size = n;
	return buf;
}

uint8_t *fixture_hex(const char *text, size_t *size)
{
	size_t len = strlen(text), n = 0;
	uint8_t *out = malloc(len / 2 + 1);
	int high = -1;
	if (!out)
		fixture_die("out of memory", "hex");
	for (const char *c = text; *c; c++) {
		if (*c == '#') {
			while (*c && *c != '\n')
				c++;
			if (!*c)
				break;
			continue;
		}
		if (isspace((unsigned char)*c))
			continue;
		if (!isxdigit((unsigned char)*c))
			fixture_die("not a hex digit in vector", c);
		int v = isdigit((unsigned char)*c) ? *c - '0' : (tolower((unsigned char)*c) - 'a' + 10);
		if (high < 0) {
			high = v;
		} else {
			out[n++] = (uint8_t)(high << 4 | v);
			high = -1;
		}
	}
	if (high >= 0)
		fixture_die("odd number of hex digits", text);
	*size = n;
	return out;
}

uint8_t *fixture_vector(const char *name, size_t *size)
{
	char rel[512];
	size_t text_size;
	snprintf(rel, sizeof(rel), "tests/vectors/%s.hex", name);
	uint8_t *text = fixture_read(rel, &text_size);
	uint8_t *bytes = fixture_hex((const char *)text, size);
	free(text);
	return bytes;
}
