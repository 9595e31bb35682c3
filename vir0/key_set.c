/* key_set.c - see key_set.h. Open addressing with linear probing; the table
 * is at least twice the key count, so probes stay short. */
#include "key_set.h"

#include "arena.h"
#include "vir0.h"

#include <string.h>
#include <xxhash.h>

int vir0_key_set_init(struct vir0_key_set *set, struct vir0_arena *arena, uint32_t count)
{
	uint64_t slots = 4;
	while (slots < (uint64_t)count * 2)
		slots *= 2;
	set->slots = vir0_arena_alloc(arena, slots * sizeof(*set->slots));
	set->mask = (uint32_t)(slots - 1);
	return set->slots ? VIR0_OK : VIR0_ENOMEM;
}

int vir0_key_set_insert(struct vir0_key_set *set, const char *key)
{
	uint32_t i = (uint32_t)XXH3_64bits(key, strlen(key)) & set->mask;
	while (set->slots[i]) {
		if (strcmp(set->slots[i], key) == 0)
			return 0;
		i = (i + 1) & set->mask;
	}
	set->slots[i] = key;
	return 1;
}
