/* error.h - filling struct vir0_error: one place formats every message. */
#ifndef VIR0_ERROR_H
#define VIR0_ERROR_H

#include "vir0.h"

#include <stddef.h>

/* Set err (when not NULL) and return `code`. `offset` is the byte offset for
 * decode errors, else 0. The message should say what was wrong and how to
 * fix it. */
int vir0_error_at(struct vir0_error *err, int code, size_t offset,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* As vir0_error_at, with a node path ("body[2].then[0]") instead. */
int vir0_error_path(struct vir0_error *err, int code, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* As vir0_error_at, with a text position. */
int vir0_error_line(struct vir0_error *err, int code, uint32_t line,
		    uint32_t column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
