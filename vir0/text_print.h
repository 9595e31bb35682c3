/* text_print.h - the disassembler's output buffer and the printers shared by
 * its statement part (text_disassemble.c) and expression part
 * (text_print_expr.c). The first error sticks: later output is dropped and
 * vir0_disassemble reports that error with the path of its node. */
#ifndef VIR0_TEXT_PRINT_H
#define VIR0_TEXT_PRINT_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

struct vir0_printer {
	char *data;              /* malloc'd, NUL-terminated while status is 0 */
	size_t len, capacity;
	int status;              /* the first error, or VIR0_OK */
	struct vir0_error *err;
	uint32_t max_depth;      /* the decoder's nesting limit, fmt §7.1 */
	char path[VIR0_ERROR_PATH_MAX]; /* node being printed, "body[2].then[0]" */
};

void vir0_print_text(struct vir0_printer *p, const char *text, size_t len);
void vir0_print_fmt(struct vir0_printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record the first error (with the current path); returns `code`. */
int vir0_print_fail(struct vir0_printer *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A name bare when it is a plain identifier, else quoted with escapes. */
void vir0_print_name(struct vir0_printer *p, const char *name, const char *what);
/* x"0aff" */
void vir0_print_hex(struct vir0_printer *p, const uint8_t *bytes, uint32_t size);
/* A data type at type level `level` (1 for the outermost). */
void vir0_print_type(struct vir0_printer *p, const struct vir0_type *type, uint32_t level);
/* An ordering name; VIR0_EVALUE for a tag above 5. */
void vir0_print_ordering(struct vir0_printer *p, uint8_t ordering);

/* An expression at nesting level `level` (fmt §7.1). */
void vir0_print_expr(struct vir0_printer *p, const struct vir0_expr *e, uint32_t level);

#endif
