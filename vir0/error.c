/* error.c - status names and error formatting. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
	"VIR0_OK", "VIR0_ENOMEM", "VIR0_ETRUNCATED", "VIR0_EMAGIC",
	"VIR0_EVERSION", "VIR0_EFLAGS", "VIR0_ETAG", "VIR0_EOPCODE",
	"VIR0_EUTF8", "VIR0_EDEPTH", "VIR0_ELIMIT", "VIR0_ETRAILING",
	"VIR0_EVALUE", "VIR0_EINVALID", "VIR0_EUNSUPPORTED", "VIR0_ESYNTAX",
	"VIR0_EIO", "VIR0_EARG",
};

const char *vir0_status_name(int status)
{
	size_t n = sizeof(status_names) / sizeof(status_names[0]);
	if (status > 0 || (size_t)-status >= n)
		return "VIR0_E(unknown)";
	return status_names[-status];
}

static int error_fill(struct vir0_error *err, int code, size_t offset,
		      const char *path, uint32_t line, uint32_t column,
		      const char *fmt, va_list ap)
{
	if (!err)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	err->offset = offset;
	err->line = line;
	err->column = column;
	if (path)
		snprintf(err->path, sizeof(err->path), "%s", path);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return code;
}

int vir0_error_at(struct vir0_error *err, int code, size_t offset,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_fill(err, code, offset, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int vir0_error_path(struct vir0_error *err, int code, const char *path,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_fill(err, code, 0, path, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int vir0_error_line(struct vir0_error *err, int code, uint32_t line,
		    uint32_t column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_fill(err, code, 0, NULL, line, column, fmt, ap);
	va_end(ap);
	return code;
}
