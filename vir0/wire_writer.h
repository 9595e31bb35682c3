/* wire_writer.h - a growable little-endian byte buffer. A failed growth is
 * remembered, so writers can emit a whole program and check once. */
#ifndef VIR0_WIRE_WRITER_H
#define VIR0_WIRE_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct vir0_wire_writer {
	uint8_t *data;              /* malloc'd; handed to the caller at the end */
	size_t size;
	size_t capacity;
	int out_of_memory;
};

void vir0_wire_put_bytes(struct vir0_wire_writer *w, const void *bytes, size_t size);
void vir0_wire_put_u8(struct vir0_wire_writer *w, uint8_t value);
void vir0_wire_put_u16(struct vir0_wire_writer *w, uint16_t value);
void vir0_wire_put_u32(struct vir0_wire_writer *w, uint32_t value);
void vir0_wire_put_u64(struct vir0_wire_writer *w, uint64_t value);

#endif
