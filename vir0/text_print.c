/* text_print.c - output buffer, names, hex payloads, orderings and data
 * types for the disassembler (see text_print.h). */
#include "text_print.h"

#include "error.h"
#include "names.h"
#include "text_syntax.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vir0_print_text(struct vir0_printer *p, const char *text, size_t len)
{
	if (p->status)
		return;
	if (p->capacity - p->len <= len) {
		size_t capacity = p->capacity ? p->capacity : 1024;
		while (capacity - p->len <= len) {
			if (capacity > SIZE_MAX / 2) {
				vir0_print_fail(p, VIR0_ENOMEM, "the text form is too large");
				return;
			}
			capacity *= 2;
		}
		char *grown = realloc(p->data, capacity);
		if (!grown) {
			vir0_print_fail(p, VIR0_ENOMEM, "out of memory writing the text form");
			return;
		}
		p->data = grown;
		p->capacity = capacity;
	}
	memcpy(p->data + p->len, text, len);
	p->len += len;
	p->data[p->len] = '\0';
}

void vir0_print_fmt(struct vir0_printer *p, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* every caller formats numbers and short words, well under 256 bytes */
	if (n >= 0)
		vir0_print_text(p, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

int vir0_print_fail(struct vir0_printer *p, int code, const char *fmt, ...)
{
	if (p->status)
		return code;
	char message[VIR0_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	p->status = code;
	return vir0_error_path(p->err, code, p->path, "%s", message);
}

void vir0_print_name(struct vir0_printer *p, const char *name, const char *what)
{
	if (!name) {
		vir0_print_fail(p, VIR0_EVALUE, "%s is missing (NULL): give it a name", what);
		return;
	}
	if (vir0_text_is_plain_name(name)) {
		vir0_print_text(p, name, strlen(name));
		return;
	}
	vir0_print_text(p, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if (*c == '"' || *c == '\\')
			vir0_print_fmt(p, "\\%c", *c);
		else if (*c == '\n')
			vir0_print_text(p, "\\n", 2);
		else if (*c == '\t')
			vir0_print_text(p, "\\t", 2);
		else if (*c == '\r')
			vir0_print_text(p, "\\r", 2);
		else if (*c < 0x20 || *c == 0x7f)
			vir0_print_fmt(p, "\\x%02x", *c);
		else
			vir0_print_text(p, (const char *)c, 1); /* UTF-8 passes as is */
	}
	vir0_print_text(p, "\"", 1);
}

void vir0_print_hex(struct vir0_printer *p, const uint8_t *bytes, uint32_t size)
{
	static const char digits[] = "0123456789abcdef";
	if (!bytes && size) {
		vir0_print_fail(p, VIR0_EVALUE, "a payload of %u bytes has no data (NULL)", size);
		return;
	}
	vir0_print_text(p, "x\"", 2);
	for (uint32_t i = 0; i < size; i++) {
		char pair[2] = { digits[bytes[i] >> 4], digits[bytes[i] & 15] };
		vir0_print_text(p, pair, 2);
	}
	vir0_print_text(p, "\"", 1);
}

void vir0_print_ordering(struct vir0_printer *p, uint8_t ordering)
{
	const char *name = vir0_ordering_name(ordering);
	if (!name) {
		vir0_print_fail(p, VIR0_EVALUE, "memory ordering %u is not one of 0-5 (fmt §6.4)",
				ordering);
		return;
	}
	vir0_print_text(p, name, strlen(name));
}

/* A quantization layout and, for per_channel and per_group, its parameter. */
static void print_layout(struct vir0_printer *p, const char *name, uint32_t parameter,
			 uint8_t kind, const char *what)
{
	if (!name) {
		vir0_print_fail(p, VIR0_EVALUE, "quantized %s layout %u is unknown (fmt §3)",
				what, kind);
		return;
	}
	vir0_print_text(p, name, strlen(name));
	if (vir0_text_layout_has_parameter(name, strlen(name)))
		vir0_print_fmt(p, " %u", parameter);
	else if (parameter)
		vir0_print_fail(p, VIR0_EVALUE, "quantized %s layout %s takes parameter 0, "
				"not %u (fmt §3)", what, name, parameter);
}

static void print_element(struct vir0_printer *p, const struct vir0_type *t, uint32_t level)
{
	if (!t->element) {
		vir0_print_fail(p, VIR0_EVALUE, "a %s type has no element type (NULL)",
				vir0_type_kind_name(t->kind));
		return;
	}
	vir0_print_type(p, t->element, level + 1);
}

static void print_dims(struct vir0_printer *p, const struct vir0_type *t, int leading_comma)
{
	if (!t->dims && t->ndims) {
		vir0_print_fail(p, VIR0_EVALUE, "a %s type lists %u sizes but has none (NULL)",
				vir0_type_kind_name(t->kind), t->ndims);
		return;
	}
	for (uint32_t i = 0; i < t->ndims && !p->status; i++)
		vir0_print_fmt(p, "%s%u", i || leading_comma ? ", " : "", t->dims[i]);
}

void vir0_print_type(struct vir0_printer *p, const struct vir0_type *t, uint32_t level)
{
	const char *name = vir0_type_kind_name(t->kind);
	if (!name) {
		vir0_print_fail(p, VIR0_ETAG, "data type tag 0x%02x is unknown (fmt §3)", t->kind);
		return;
	}
	if (level > p->max_depth) {
		vir0_print_fail(p, VIR0_EDEPTH, "data types nest deeper than %u levels",
				p->max_depth);
		return;
	}
	vir0_print_text(p, name, strlen(name));
	switch (t->kind) {
	case VIR0_TYPE_ARRAY:
		vir0_print_fmt(p, "<%u>", t->arg0);
		return;
	case VIR0_TYPE_HANDLE:
	case VIR0_TYPE_OPAQUE:
		vir0_print_fmt(p, "<0x%08x>", t->arg0);
		return;
	case VIR0_TYPE_VEC:
		vir0_print_text(p, "<", 1);
		print_element(p, t, level);
		vir0_print_fmt(p, ", %u>", t->vec_count);
		return;
	case VIR0_TYPE_TENSOR_SHAPED:
		vir0_print_text(p, "<", 1);
		print_element(p, t, level);
		print_dims(p, t, 1);
		vir0_print_text(p, ">", 1);
		return;
	case VIR0_TYPE_SPARSE_CSR:
	case VIR0_TYPE_SPARSE_COO:
		vir0_print_text(p, "<", 1);
		print_element(p, t, level);
		vir0_print_text(p, ">", 1);
		return;
	case VIR0_TYPE_SPARSE_BSR:
		vir0_print_text(p, "<", 1);
		print_element(p, t, level);
		vir0_print_fmt(p, ", %u, %u>", t->arg0, t->arg1);
		return;
	case VIR0_TYPE_DEVICE_MESH:
		vir0_print_text(p, "<", 1);
		print_dims(p, t, 0);
		vir0_print_text(p, ">", 1);
		return;
	case VIR0_TYPE_QUANTIZED:
		vir0_print_text(p, "<", 1);
		print_element(p, t, level);
		vir0_print_text(p, ", ", 2);
		print_layout(p, vir0_quant_scale_name(t->scale_kind), t->arg0, t->scale_kind,
			     "scale");
		vir0_print_text(p, ", ", 2);
		print_layout(p, vir0_quant_zero_name(t->zero_kind), t->arg1, t->zero_kind,
			     "zero-point");
		vir0_print_text(p, ">", 1);
		return;
	}
}
