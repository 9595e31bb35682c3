/* wire_writer.c - see wire_writer.h. */
#include "wire_writer.h"

#include <stdlib.h>
#include <string.h>

static int reserve(struct vir0_wire_writer *w, size_t more)
{
	if (w->out_of_memory)
		return 0;
	if (more <= w->capacity - w->size)
		return 1;
	size_t capacity = w->capacity ? w->capacity : 256;
	while (capacity - w->size < more) {
		if (capacity > SIZE_MAX / 2) {
			w->out_of_memory = 1;
			return 0;
		}
		capacity *= 2;
	}
	uint8_t *data = realloc(w->data, capacity);
	if (!data) {
		w->out_of_memory = 1;
		return 0;
	}
	w->data = data;
	w->capacity = capacity;
	return 1;
}

void vir0_wire_put_bytes(struct vir0_wire_writer *w, const void *bytes, size_t size)
{
	if (size && reserve(w, size)) {
		memcpy(w->data + w->size, bytes, size);
		w->size += size;
	}
}

static void put_le(struct vir0_wire_writer *w, uint64_t value, size_t bytes)
{
	uint8_t le[8];
	for (size_t i = 0; i < bytes; i++)
		le[i] = (uint8_t)(value >> (8 * i));
	vir0_wire_put_bytes(w, le, bytes);
}

void vir0_wire_put_u8(struct vir0_wire_writer *w, uint8_t value)
{
	put_le(w, value, 1);
}

void vir0_wire_put_u16(struct vir0_wire_writer *w, uint16_t value)
{
	put_le(w, value, 2);
}

void vir0_wire_put_u32(struct vir0_wire_writer *w, uint32_t value)
{
	put_le(w, value, 4);
}

void vir0_wire_put_u64(struct vir0_wire_writer *w, uint64_t value)
{
	put_le(w, value, 8);
}
