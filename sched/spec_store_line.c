/* spec_store_line.c - the autotune store's lines. Fields are separated by
 * one space; names are percent-encoded (every byte that is not a visible
 * ASCII character, and '%' itself, as %XX), so a device name with spaces
 * stays one field. Numbers: decimal integers, doubles as %.17g so they
 * read back exactly. */
#include "spec_store_line.h"

#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "vir0-autotune"
#define NFIELDS 15

const char *const starpu_vir0_spec_status_names[] = {
	[STARPU_VIR0_SPEC_UNTRIED] = "untried",   [STARPU_VIR0_SPEC_RACING] = "racing",
	[STARPU_VIR0_SPEC_BASELINE] = "baseline", [STARPU_VIR0_SPEC_RETIRED] = "retired",
	[STARPU_VIR0_SPEC_REJECTED] = "rejected", [STARPU_VIR0_SPEC_BANNED] = "banned",
};
#define NSTATUS (sizeof starpu_vir0_spec_status_names / sizeof *starpu_vir0_spec_status_names)

/* Rejections beyond this change nothing: the backoff has saturated. */
#define REJECTIONS_MAX 64u

void starpu_vir0_spec_line_reader_init(struct starpu_vir0_spec_line_reader *reader, FILE *file)
{
	reader->file = file;
	reader->line = 0;
}

char *starpu_vir0_spec_line_next(struct starpu_vir0_spec_line_reader *reader, const char **why)
{
	size_t length = 0;
	int c, nul = 0;
	while ((c = getc(reader->file)) != EOF && c != '\n') {
		nul |= c == '\0';
		if (length <= STARPU_VIR0_SPEC_STORE_LINE_MAX)
			reader->buffer[length++] = (char)c;
	}
	if (c == EOF && length == 0)
		return NULL;
	reader->line++;
	reader->buffer[length] = '\0';
	if (length > STARPU_VIR0_SPEC_STORE_LINE_MAX)
		*why = "line longer than 2048 bytes";
	else if (nul)
		*why = "NUL byte in the line";
	else
		return reader->buffer;
	return NULL;
}

int starpu_vir0_spec_header_parse(const char *line, unsigned *version)
{
	const char *p = line + strlen(HEADER);
	if (strncmp(line, HEADER " ", strlen(HEADER) + 1) || !isdigit((unsigned char)p[1]))
		return -1;
	char *end;
	errno = 0;
	unsigned long v = strtoul(p + 1, &end, 10);
	if (errno || *end || v > 1000000)
		return -1;
	*version = (unsigned)v;
	return 0;
}

void starpu_vir0_spec_header_write(FILE *file)
{
	fprintf(file, "%s %d\n# shape adapter variant status rejections updated_us saved_us "
		"compile_us pairs won mismatches baseline_us candidate_us tasks runs\n",
		HEADER, STARPU_VIR0_SPEC_STORE_VERSION);
}

static void write_name(FILE *file, const char *name)
{
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if (*c <= ' ' || *c >= 0x7f || *c == '%')
			fprintf(file, "%%%02X", *c);
		else
			putc(*c, file);
	}
}

void starpu_vir0_spec_record_write(FILE *file, const struct starpu_vir0_spec_record *r)
{
	write_name(file, r->shape);
	putc(' ', file);
	write_name(file, r->adapter);
	putc(' ', file);
	write_name(file, r->variant);
	fprintf(file, " %s %u %" PRId64 " %.17g %.17g %" PRIu64 " %" PRIu64 " %" PRIu64
		" %.17g %.17g %" PRIu64 " %" PRIu64 "\n",
		starpu_vir0_spec_status_names[r->status], r->rejections, r->updated, r->saved_us,
		r->compile_us, r->pairs, r->won, r->mismatches, r->baseline_us, r->candidate_us,
		r->tasks, r->runs);
}

static int hex(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

static const char *read_name(const char *field, char *out, size_t max)
{
	size_t n = 0;
	for (const char *p = field; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = hex((unsigned char)p[1]), lo = hi < 0 ? -1 : hex((unsigned char)p[2]);
			if (lo < 0)
				return "bad %XX escape in a name";
			c = hi * 16 + lo;
			p += 2;
			if (c == 0)
				return "NUL byte in a name";
		}
		if (n == max)
			return "name too long";
		out[n++] = (char)c;
	}
	if (n == 0)
		return "empty name";
	out[n] = '\0';
	return NULL;
}

static const char *read_u64(const char *field, uint64_t *value)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(field, &end, 10);
	if (!isdigit((unsigned char)field[0]) || errno || *end)
		return "a count is not a whole number below 2^64";
	*value = v;
	return NULL;
}

static const char *read_double(const char *field, double *value, int signed_ok)
{
	char *end;
	errno = 0;
	double v = strtod(field, &end);
	if (!*field || *end || !isfinite(v) || (v < 0 && !signed_ok))
		return "a time is not a finite number >= 0";
	*value = v;
	return NULL;
}

const char *starpu_vir0_spec_record_parse(char *line, struct starpu_vir0_spec_record *r)
{
	char *field[NFIELDS + 1];
	unsigned n = 0;
	for (char *p = line; n <= NFIELDS;) {
		field[n++] = p;
		if (!(p = strchr(p, ' ')))
			break;
		*p++ = '\0';
	}
	if (n != NFIELDS)
		return "not 15 fields separated by single spaces";
	memset(r, 0, sizeof *r);
	const char *why;
	if ((why = read_name(field[0], r->shape, STARPU_VIR0_SPEC_KEY_MAX)) ||
	    (why = read_name(field[1], r->adapter, STARPU_VIR0_SPEC_ADAPTER_MAX)) ||
	    (why = read_name(field[2], r->variant, STARPU_VIR0_SPEC_NAME_MAX)))
		return why;
	unsigned s;
	for (s = 0; s < NSTATUS && strcmp(field[3], starpu_vir0_spec_status_names[s]); s++)
		;
	if (s == NSTATUS)
		return "unknown status";
	r->status = s;
	uint64_t rejections;
	if ((why = read_u64(field[4], &rejections)))
		return why;
	if (rejections > REJECTIONS_MAX)
		return "more than 64 rejections";
	r->rejections = (unsigned)rejections;
	char *end;
	errno = 0;
	long long updated = strtoll(field[5], &end, 10);
	if (!(isdigit((unsigned char)field[5][0]) || field[5][0] == '-') || errno || *end)
		return "the time of the verdict is not a whole number";
	r->updated = updated;
	if ((why = read_double(field[6], &r->saved_us, 1)) ||
	    (why = read_double(field[7], &r->compile_us, 0)) ||
	    (why = read_u64(field[8], &r->pairs)) || (why = read_u64(field[9], &r->won)) ||
	    (why = read_u64(field[10], &r->mismatches)) ||
	    (why = read_double(field[11], &r->baseline_us, 0)) ||
	    (why = read_double(field[12], &r->candidate_us, 0)) ||
	    (why = read_u64(field[13], &r->tasks)) || (why = read_u64(field[14], &r->runs)))
		return why;
	if (r->won > r->pairs)
		return "more pairs won than pairs";
	return NULL;
}

static int name_ok(const char *name, size_t size)
{
	return name[0] != '\0' && memchr(name, '\0', size) != NULL;
}

int starpu_vir0_spec_record_check(const struct starpu_vir0_spec_record *r, struct vir0_error *err)
{
	if (!name_ok(r->shape, sizeof r->shape) || !name_ok(r->adapter, sizeof r->adapter) ||
	    !name_ok(r->variant, sizeof r->variant))
		return vir0_error_at(err, VIR0_EARG, 0,
				     "autotune record: shape, adapter and variant need 1 to 80, 128 "
				     "and 32 bytes");
	if ((unsigned)r->status >= NSTATUS || r->rejections > REJECTIONS_MAX || r->won > r->pairs)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "autotune record %s/%s: bad status, rejections or won count",
				     r->shape, r->variant);
	/* A saving may be negative: a rejected candidate's. */
	const double times[] = { r->compile_us, r->baseline_us, r->candidate_us, fabs(r->saved_us) };
	for (unsigned i = 0; i < 4; i++)
		if (!isfinite(times[i]) || times[i] < 0)
			return vir0_error_at(err, VIR0_EARG, 0,
					     "autotune record %s/%s: a time is negative or not finite",
					     r->shape, r->variant);
	return 0;
}
