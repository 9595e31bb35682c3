/* arena.c - bump allocation in growing chunks, freed all together. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_MIN 4096

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

struct vir0_arena {
	struct arena_chunk *head;
};

struct vir0_arena *vir0_arena_new(void)
{
	return calloc(1, sizeof(struct vir0_arena));
}

void vir0_arena_free(struct vir0_arena *arena)
{
	if (!arena)
		return;
	struct arena_chunk *chunk = arena->head;
	while (chunk) {
		struct arena_chunk *next = chunk->next;
		free(chunk);
		chunk = next;
	}
	free(arena);
}

void *vir0_arena_alloc(struct vir0_arena *arena, size_t size)
{
	const size_t align = alignof(max_align_t);
	if (!arena || size > SIZE_MAX / 2)
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	struct arena_chunk *chunk = arena->head;
	if (!chunk || chunk->size - chunk->used < size) {
		size_t want = size > ARENA_CHUNK_MIN ? size : ARENA_CHUNK_MIN;
		if (chunk && chunk->size * 2 > want && chunk->size < (1u << 20))
			want = chunk->size * 2;
		chunk = malloc(sizeof(*chunk) + want);
		if (!chunk)
			return NULL;
		chunk->used = 0;
		chunk->size = want;
		chunk->next = arena->head;
		arena->head = chunk;
	}
	void *p = chunk->data + chunk->used;
	chunk->used += size;
	memset(p, 0, size);
	return p;
}

char *vir0_arena_strndup(struct vir0_arena *arena, const char *text, size_t size)
{
	if (!text || size == SIZE_MAX)
		return NULL;
	char *copy = vir0_arena_alloc(arena, size + 1);
	if (copy)
		memcpy(copy, text, size);
	return copy;
}

void *vir0_arena_memdup(struct vir0_arena *arena, const void *data, size_t size)
{
	void *copy = vir0_arena_alloc(arena, size);
	if (copy && size)
		memcpy(copy, data, size);
	return copy;
}
