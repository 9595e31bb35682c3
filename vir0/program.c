/* program.c - program lifetime, buffer declarations and statement lists. */
#include "vir0.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

vir0_program *vir0_program_new(void)
{
	struct vir0_arena *arena = vir0_arena_new();
	if (!arena)
		return NULL;
	vir0_program *p = vir0_arena_alloc(arena, sizeof(*p));
	if (!p) {
		vir0_arena_free(arena);
		return NULL;
	}
	p->arena = arena;
	p->workgroup_size[0] = p->workgroup_size[1] = p->workgroup_size[2] = 1;
	return p;
}

void vir0_program_free(vir0_program *program)
{
	if (program)
		vir0_arena_free(program->arena);
}

int vir0_append(vir0_program *p, struct vir0_node_list *list, struct vir0_node *node)
{
	if (!p || !list || !node)
		return VIR0_ENOMEM;
	if (list->count == list->capacity) {
		if (list->capacity > UINT32_MAX / 2)
			return VIR0_ENOMEM;
		uint32_t capacity = list->capacity ? list->capacity * 2 : 4;
		struct vir0_node **items =
			vir0_arena_alloc(p->arena, (size_t)capacity * sizeof(*items));
		if (!items)
			return VIR0_ENOMEM;
		if (list->count)
			memcpy(items, list->items, (size_t)list->count * sizeof(*items));
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = node;
	return VIR0_OK;
}

int vir0_add_buffer(vir0_program *p, const char *name, enum vir0_access access,
		    enum vir0_type_kind element, uint32_t count, int is_output)
{
	if (!p || !name)
		return VIR0_EARG;
	struct vir0_buffer *buffers =
		vir0_arena_alloc(p->arena, ((size_t)p->nbuffers + 1) * sizeof(*buffers));
	const char *copy = vir0_arena_strndup(p->arena, name, strlen(name));
	if (!buffers || !copy)
		return VIR0_ENOMEM;
	if (p->nbuffers)
		memcpy(buffers, p->buffers, (size_t)p->nbuffers * sizeof(*buffers));
	struct vir0_buffer *b = &buffers[p->nbuffers];
	b->name = copy;
	b->binding = p->nbuffers;
	b->access = (uint8_t)access;
	b->element.kind = (uint8_t)element;
	b->count = count;
	b->is_output = is_output ? 1 : 0;
	p->buffers = buffers;
	p->nbuffers++;
	return VIR0_OK;
}
