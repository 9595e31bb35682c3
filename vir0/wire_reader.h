/* wire_reader.h - a bounded little-endian cursor over untrusted bytes. Every
 * read is checked against the end; a failed read fills the error with the
 * offset of the field it could not complete and the field's name (fmt D5). */
#ifndef VIR0_WIRE_READER_H
#define VIR0_WIRE_READER_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

struct vir0_arena;

struct vir0_wire_reader {
	const uint8_t *data;
	size_t size;
	size_t pos;                 /* offset of the next unread byte */
	struct vir0_error *err;
};

/* Bytes left after pos. */
size_t vir0_wire_remaining(const struct vir0_wire_reader *r);

/* Each reads one field called `what` (for messages) or fails with
 * VIR0_ETRUNCATED, leaving pos at the start of the field. */
int vir0_wire_u8(struct vir0_wire_reader *r, const char *what, uint8_t *out);
int vir0_wire_u16(struct vir0_wire_reader *r, const char *what, uint16_t *out);
int vir0_wire_u32(struct vir0_wire_reader *r, const char *what, uint32_t *out);
int vir0_wire_u64(struct vir0_wire_reader *r, const char *what, uint64_t *out);

/* A Bool8 or Presence byte: 0 or 1, else VIR0_EVALUE (fmt D10). */
int vir0_wire_bool(struct vir0_wire_reader *r, const char *what, uint8_t *out);

/* A u32 count followed by that many items of at least `min_item_bytes`
 * each: VIR0_ELIMIT above `limit` (fmt D16), VIR0_ETRUNCATED when the
 * items cannot fit in what remains, so no caller allocates in proportion
 * to a count the input cannot back. */
int vir0_wire_count(struct vir0_wire_reader *r, const char *what, uint32_t limit,
		    const char *limit_name, size_t min_item_bytes, uint32_t *out);

/* A String (fmt §2): u32 length <= max_bytes, UTF-8 without NUL, copied
 * NUL-terminated into the arena. */
int vir0_wire_string(struct vir0_wire_reader *r, struct vir0_arena *arena,
		     const char *what, uint32_t max_bytes, const char **out);

/* A u32 length <= max_bytes and that many raw bytes, copied into the arena. */
int vir0_wire_blob(struct vir0_wire_reader *r, struct vir0_arena *arena,
		   const char *what, uint32_t max_bytes, const char *limit_name,
		   const uint8_t **out, uint32_t *size);

#endif
