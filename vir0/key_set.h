/* key_set.h - finds a repeated attachment key in linear time (fmt D14), so
 * that 16,384 attachments do not cost a quadratic scan. The table lives in
 * an arena and is freed with it. */
#ifndef VIR0_KEY_SET_H
#define VIR0_KEY_SET_H

#include <stdint.h>

struct vir0_arena;

struct vir0_key_set {
	const char **slots;
	uint32_t mask;
};

/* Room for `count` keys; VIR0_ENOMEM when the table cannot be allocated. */
int vir0_key_set_init(struct vir0_key_set *set, struct vir0_arena *arena, uint32_t count);

/* 1 when `key` was new and is now in the set, 0 when it was already there.
 * The set keeps the pointer, so the key must outlive it. */
int vir0_key_set_insert(struct vir0_key_set *set, const char *key);

#endif
