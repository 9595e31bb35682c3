/* spec_store_line.h - the autotune store's file format, one record per
 * line (doc/speculation.md): reading bounded lines, parsing and writing
 * the header and the records. */
#ifndef STARPU_VIR0_SPEC_STORE_LINE_H
#define STARPU_VIR0_SPEC_STORE_LINE_H

#include <stdio.h>

#include "spec_store.h"

extern const char *const starpu_vir0_spec_status_names[];

/* Lines of at most STARPU_VIR0_SPEC_STORE_LINE_MAX bytes from a file. */
struct starpu_vir0_spec_line_reader {
	FILE *file;
	unsigned long line;  /* number of the line last returned */
	char buffer[STARPU_VIR0_SPEC_STORE_LINE_MAX + 2];
};

void starpu_vir0_spec_line_reader_init(struct starpu_vir0_spec_line_reader *reader, FILE *file);

/* The next line without its newline, or NULL: at the end with *why
 * untouched, or for a line too long or holding a NUL byte (skipped, *why
 * says so; call again for the next line). */
char *starpu_vir0_spec_line_next(struct starpu_vir0_spec_line_reader *reader, const char **why);

/* "vir0-autotune N": 0 with *version, or -1 for another line. */
int starpu_vir0_spec_header_parse(const char *line, unsigned *version);
void starpu_vir0_spec_header_write(FILE *file);

/* NULL with *record filled, or what is wrong with the line. */
const char *starpu_vir0_spec_record_parse(char *line, struct starpu_vir0_spec_record *record);
void starpu_vir0_spec_record_write(FILE *file, const struct starpu_vir0_spec_record *record);

/* 0 when `record` can be stored: names of 1 to their maximum bytes
 * without NUL, a known status, finite non-negative numbers; else
 * VIR0_EARG with the reason. */
int starpu_vir0_spec_record_check(const struct starpu_vir0_spec_record *record,
				  struct vir0_error *err);

#endif
