/* cl_arena.c - the device arena: one cl_mem the resident kernel is
 * launched with, handed out first-fit in aligned blocks, so data for a
 * running kernel is addressed by offset (it cannot take new cl_mem
 * arguments). */
#include "cl_engine.h"

#include "cl_env.h"
#include "cl_error.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

/* Aligned for every element type and for cache lines. */
#define ARENA_ALIGN 256u

static int arena_create(vir0_cl_device *dev, struct vir0_error *err)
{
	size_t size = (size_t)vir0_env_u32("VIR0_CL_ARENA_MB", 256, 1, 1u << 20) << 20;
	cl_int code;
	dev->arena = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, size, NULL, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateBuffer", code,
				    "the %zu MiB device arena; set VIR0_CL_ARENA_MB lower",
				    size >> 20);
	dev->arena_size = size;
	return VIR0_OK;
}

int vir0_cl_arena_alloc(vir0_cl_device *dev, size_t size, struct vir0_cl_binding *out,
			struct vir0_error *err)
{
	if (!dev || !out)
		return vir0_error_at(err, VIR0_EARG, 0, "device and out must not be NULL");
	memset(out, 0, sizeof(*out));
	if (!size)
		return VIR0_OK;
	size_t need = (size + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
	pthread_mutex_lock(&dev->lock);
	int status = dev->arena ? VIR0_OK : arena_create(dev, err);
	size_t at = 0, slot = 0;
	/* Blocks are kept sorted by offset: the first gap that fits. */
	for (; status == VIR0_OK && slot < dev->nblocks; slot++) {
		if (dev->blocks[slot].offset - at >= need)
			break;
		at = dev->blocks[slot].offset + dev->blocks[slot].size;
	}
	if (status == VIR0_OK && (need > dev->arena_size || at > dev->arena_size - need))
		status = vir0_error_at(err, VIR0_ENOMEM, 0,
				       "the device arena (%zu MiB) has no free %zu bytes; free "
				       "bindings or raise VIR0_CL_ARENA_MB", dev->arena_size >> 20,
				       size);
	if (status == VIR0_OK && dev->nblocks == dev->blocks_capacity) {
		size_t capacity = dev->blocks_capacity ? 2 * dev->blocks_capacity : 32;
		struct cl_arena_block *grown = realloc(dev->blocks, capacity * sizeof(*grown));
		if (!grown)
			status = vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for arena blocks");
		else {
			dev->blocks = grown;
			dev->blocks_capacity = capacity;
		}
	}
	if (status == VIR0_OK) {
		memmove(&dev->blocks[slot + 1], &dev->blocks[slot],
			(dev->nblocks - slot) * sizeof(*dev->blocks));
		dev->blocks[slot].offset = at;
		dev->blocks[slot].size = need;
		dev->nblocks++;
		out->mem = dev->arena;
		out->offset = at;
		out->size = size;
	}
	pthread_mutex_unlock(&dev->lock);
	return status;
}

void vir0_cl_arena_free(vir0_cl_device *dev, const struct vir0_cl_binding *binding)
{
	if (!dev || !binding || !binding->size || binding->mem != dev->arena)
		return;
	pthread_mutex_lock(&dev->lock);
	for (size_t i = 0; i < dev->nblocks; i++)
		if (dev->blocks[i].offset == binding->offset) {
			memmove(&dev->blocks[i], &dev->blocks[i + 1],
				(dev->nblocks - i - 1) * sizeof(*dev->blocks));
			dev->nblocks--;
			break;
		}
	pthread_mutex_unlock(&dev->lock);
}
