/* wire_reader.c - see wire_reader.h. */
#include "wire_reader.h"

#include "arena.h"
#include "error.h"
#include "wire_rules.h"

size_t vir0_wire_remaining(const struct vir0_wire_reader *r)
{
	return r->size - r->pos;
}

static int need(struct vir0_wire_reader *r, const char *what, size_t field_start,
		size_t bytes)
{
	if (vir0_wire_remaining(r) >= bytes)
		return VIR0_OK;
	return vir0_error_at(r->err, VIR0_ETRUNCATED, field_start,
			     "input ends inside %s at offset %zu: it needs %zu bytes, "
			     "only %zu remain; supply the complete program bytes",
			     what, field_start, bytes, vir0_wire_remaining(r));
}

static int read_le(struct vir0_wire_reader *r, const char *what, size_t bytes,
		   uint64_t *out)
{
	int rc = need(r, what, r->pos, bytes);
	if (rc)
		return rc;
	uint64_t value = 0;
	for (size_t i = 0; i < bytes; i++)
		value |= (uint64_t)r->data[r->pos + i] << (8 * i);
	r->pos += bytes;
	*out = value;
	return VIR0_OK;
}

int vir0_wire_u8(struct vir0_wire_reader *r, const char *what, uint8_t *out)
{
	uint64_t v;
	int rc = read_le(r, what, 1, &v);
	if (!rc)
		*out = (uint8_t)v;
	return rc;
}

int vir0_wire_u16(struct vir0_wire_reader *r, const char *what, uint16_t *out)
{
	uint64_t v;
	int rc = read_le(r, what, 2, &v);
	if (!rc)
		*out = (uint16_t)v;
	return rc;
}

int vir0_wire_u32(struct vir0_wire_reader *r, const char *what, uint32_t *out)
{
	uint64_t v;
	int rc = read_le(r, what, 4, &v);
	if (!rc)
		*out = (uint32_t)v;
	return rc;
}

int vir0_wire_u64(struct vir0_wire_reader *r, const char *what, uint64_t *out)
{
	return read_le(r, what, 8, out);
}

int vir0_wire_bool(struct vir0_wire_reader *r, const char *what, uint8_t *out)
{
	size_t start = r->pos;
	int rc = vir0_wire_u8(r, what, out);
	if (rc || *out <= 1)
		return rc;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "%s at offset %zu is 0x%02X; a Bool8 byte must be "
			     "00 or 01 (fmt D10)", what, start, *out);
}

int vir0_wire_count(struct vir0_wire_reader *r, const char *what, uint32_t limit,
		    const char *limit_name, size_t min_item_bytes, uint32_t *out)
{
	size_t start = r->pos;
	int rc = vir0_wire_u32(r, what, out);
	if (rc)
		return rc;
	if (*out > limit)
		return vir0_error_at(r->err, VIR0_ELIMIT, start,
				     "%s at offset %zu is %u, above the limit %s = %u; "
				     "split the program or raise the limit (fmt D16)",
				     what, start, *out, limit_name, limit);
	if ((uint64_t)*out * min_item_bytes > vir0_wire_remaining(r))
		return vir0_error_at(r->err, VIR0_ETRUNCATED, start,
				     "%s at offset %zu announces %u items of at least "
				     "%zu bytes, but only %zu bytes remain; supply the "
				     "complete program bytes", what, start, *out,
				     min_item_bytes, vir0_wire_remaining(r));
	return VIR0_OK;
}

int vir0_wire_blob(struct vir0_wire_reader *r, struct vir0_arena *arena,
		   const char *what, uint32_t max_bytes, const char *limit_name,
		   const uint8_t **out, uint32_t *size)
{
	int rc = vir0_wire_count(r, what, max_bytes, limit_name, 1, size);
	if (rc)
		return rc;
	*out = vir0_arena_memdup(arena, r->data + r->pos, *size);
	if (!*out)
		return vir0_error_at(r->err, VIR0_ENOMEM, r->pos,
				     "out of memory copying %u bytes of %s",
				     *size, what);
	r->pos += *size;
	return VIR0_OK;
}

int vir0_wire_string(struct vir0_wire_reader *r, struct vir0_arena *arena,
		     const char *what, uint32_t max_bytes, const char **out)
{
	size_t start = r->pos;
	uint32_t len;
	int rc = vir0_wire_count(r, what, max_bytes, "max_string_bytes", 1, &len);
	if (rc)
		return rc;
	const uint8_t *text = r->data + r->pos;
	size_t bad;
	const char *why;
	if (vir0_utf8_check(text, len, &bad, &why))
		return vir0_error_at(r->err, VIR0_EUTF8, start,
				     "%s (String at offset %zu): byte 0x%02X at offset "
				     "%zu is not allowed (%s); names must be UTF-8 "
				     "without NUL (fmt D8, D9)",
				     what, start, text[bad], r->pos + bad, why);
	*out = vir0_arena_strndup(arena, (const char *)text, len);
	if (!*out)
		return vir0_error_at(r->err, VIR0_ENOMEM, r->pos,
				     "out of memory copying %s", what);
	r->pos += len;
	return VIR0_OK;
}
