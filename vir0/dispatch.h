/* dispatch.h - what every executor does before and around a dispatch
 * (fmt §1.5, §1.6, §9.1, §9.9): check the caller's memory and grid, zero
 * the output buffers, and read and write buffer elements with the
 * conversions and bounds rules of the format. Buffer memory is
 * little-endian (fmt §1.5); like the rest of libvir0 this assumes a
 * little-endian host. */
#ifndef VIR0_DISPATCH_H
#define VIR0_DISPATCH_H

#include "scalar_ops.h"
#include "vir0.h"

#include <stdint.h>
#include <string.h>

/* One buffer as an executor sees it: where its elements are, how many
 * (the length of fmt §1.5) and how they are stored. */
struct vir0_buffer_view {
	uint8_t *data;     /* NULL for Workgroup buffers until the executor binds a copy */
	uint32_t length;   /* elements */
	uint8_t element;   /* core element kind */
	uint8_t access;    /* enum vir0_access */
};

/* Check the bindings against the declarations (fmt §1.5) and the grid
 * against u32 ids (fmt §1.6), then zero-fill the is_output buffers and
 * fill `views` (program->nbuffers entries). Workgroup views get their
 * length and a NULL data pointer. */
int vir0_dispatch_prepare(const vir0_program *program, const uint32_t groups[3],
			  struct vir0_binding *bindings, uint32_t nbindings,
			  struct vir0_buffer_view *views, struct vir0_error *err);

/* vir0_dispatch_prepare without the zero-fill, for an executor that
 * zero-fills the outputs itself (the CPU engine leaves out those it
 * proves the run writes whole). */
int vir0_dispatch_check(const vir0_program *program, const uint32_t groups[3],
			struct vir0_binding *bindings, uint32_t nbindings,
			struct vir0_buffer_view *views, struct vir0_error *err);

/* Total bytes of one workgroup's copy of every Workgroup buffer, and the
 * offset of each inside it (offsets: program->nbuffers entries; 0 for
 * non-Workgroup buffers). */
size_t vir0_workgroup_layout(const vir0_program *program, size_t *offsets);

/* Index of the buffer declared as `name`, or -1. */
int vir0_buffer_index(const vir0_program *program, const char *name);

/* Load element `index` as its load type (fmt §1.5, §9.9): zero of the
 * load type when out of bounds. */
static inline uint32_t vir0_view_load(const struct vir0_buffer_view *view, uint32_t index)
{
	if (index >= view->length)
		return 0;
	const uint8_t *at = view->data;
	switch (view->element) {
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: return at[index];
	case VIR0_TYPE_I8: return (uint32_t)(int32_t)(int8_t)at[index];
	case VIR0_TYPE_U16: case VIR0_TYPE_I16: {
		uint16_t half;
		memcpy(&half, at + (size_t)index * 2, sizeof(half));
		return view->element == VIR0_TYPE_I16 ? (uint32_t)(int32_t)(int16_t)half : half;
	}
	default: {
		uint32_t word;
		memcpy(&word, at + (size_t)index * 4, sizeof(word));
		if (view->element == VIR0_TYPE_BOOL)
			return word != 0;
		if (view->element == VIR0_TYPE_F32)
			return vir0_f32_canon(word);
		return word;
	}
	}
}

/* Store `value` (bits of the load type) at `index`; nothing when out of
 * bounds. Narrow types keep the low bits; bool and f32 values are already
 * 0/1 and canonical. */
static inline void vir0_view_store(const struct vir0_buffer_view *view, uint32_t index,
				   uint32_t value)
{
	if (index >= view->length)
		return;
	uint8_t *at = view->data;
	switch (view->element) {
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: case VIR0_TYPE_I8:
		at[index] = (uint8_t)value;
		return;
	case VIR0_TYPE_U16: case VIR0_TYPE_I16: {
		uint16_t half = (uint16_t)value;
		memcpy(at + (size_t)index * 2, &half, sizeof(half));
		return;
	}
	default:
		memcpy(at + (size_t)index * 4, &value, sizeof(value));
		return;
	}
}

#endif
