/* arena.h - one bump allocator per program: every node, expression, string
 * and table of a program lives here and is freed at once. */
#ifndef VIR0_ARENA_H
#define VIR0_ARENA_H

#include <stddef.h>

struct vir0_arena;

struct vir0_arena *vir0_arena_new(void);
void vir0_arena_free(struct vir0_arena *arena);
/* Zeroed, max_align_t-aligned memory, or NULL. */
void *vir0_arena_alloc(struct vir0_arena *arena, size_t size);
/* A NUL-terminated copy of `size` bytes of `text`, or NULL. */
char *vir0_arena_strndup(struct vir0_arena *arena, const char *text, size_t size);
/* A copy of `size` bytes, or NULL (a non-NULL pointer even for size 0). */
void *vir0_arena_memdup(struct vir0_arena *arena, const void *data, size_t size);

#endif
