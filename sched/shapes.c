/* shapes.c - the per-context shape table behind the choice point: glibc's
 * hsearch_r keyed by the shape written out in hex, its sizes in buckets.
 * Entries live until the context ends, so a shape's state outlives every
 * task of that shape. */
#define _GNU_SOURCE /* hsearch_r */
#include "shapes.h"

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starpu_sched_component.h> /* STARPU_COMPONENT_MUTEX_LOCK */

#include "vir0.h"

#define SHAPE_KEY_LEN STARPU_VIR0_SHAPE_KEY_LEN

struct starpu_vir0_shape_entry {
	char key[SHAPE_KEY_LEN + 1];
	struct starpu_vir0_shape_choice choice;
};

struct starpu_vir0_shapes {
	starpu_pthread_mutex_t lock;
	struct hsearch_data table;      /* key: the shape in hex, data: its entry */
	struct starpu_vir0_shape_entry **entries;
	size_t count, capacity;
};

const enum starpu_worker_archtype starpu_vir0_shape_archtypes[STARPU_VIR0_SHAPE_NARCHS] = {
	[STARPU_VIR0_SHAPE_CPU] = STARPU_CPU_WORKER,
	[STARPU_VIR0_SHAPE_OPENCL] = STARPU_OPENCL_WORKER,
};

enum starpu_vir0_shape_arch starpu_vir0_shape_arch_of(enum starpu_worker_archtype type)
{
	int a = 0;
	while (a < STARPU_VIR0_SHAPE_NARCHS && starpu_vir0_shape_archtypes[a] != type)
		a++;
	return (enum starpu_vir0_shape_arch)a;
}

static const struct starpu_vir0_shape_choice conservative = {
	.impl = { STARPU_VIR0_IMPL_INTERPRETER, STARPU_VIR0_IMPL_INTERPRETER },
};

struct starpu_vir0_shapes *starpu_vir0_shapes_create(size_t capacity)
{
	struct starpu_vir0_shapes *shapes = calloc(1, sizeof *shapes);
	if (!shapes)
		return NULL;
	shapes->entries = calloc(capacity, sizeof *shapes->entries);
	if (!shapes->entries || !hcreate_r(capacity, &shapes->table)) {
		free(shapes->entries);
		free(shapes);
		return NULL;
	}
	shapes->capacity = capacity;
	STARPU_PTHREAD_MUTEX_INIT(&shapes->lock, NULL);
	return shapes;
}

void starpu_vir0_shapes_destroy(struct starpu_vir0_shapes *shapes)
{
	hdestroy_r(&shapes->table);
	for (size_t i = 0; i < shapes->count; i++)
		free(shapes->entries[i]);
	free(shapes->entries);
	STARPU_PTHREAD_MUTEX_DESTROY(&shapes->lock);
	free(shapes);
}

/* Sizes that vary a little (n = 1000000, 1000003, ...) must meet one race,
 * or no race ever gathers its evidence. A verdict rests on how a
 * candidate's paired runs compare with the baseline's, a ratio that
 * barely moves within 14-25 % of size, while a factor of 2 (caches,
 * occupancy) may turn it: so 4 buckets per octave, even on a log scale.
 * Below 8 every count is its own bucket: 1, 2 or 3 groups occupy that
 * many compute units. Integer arithmetic, so every machine sharing a
 * store cuts at the same sizes. */
unsigned starpu_vir0_shape_bucket(uint64_t x)
{
	if (x < 4)
		return (unsigned)x;
	unsigned octave = 63 - (unsigned)__builtin_clzll(x);
	return 4 * (octave - 1) + (unsigned)(x >> (octave - 2) & 3);
}

/* Each grid axis has its bucket, not only their product: a 1000 x 1000
 * grid walks memory unlike a 1000000 x 1 one of the same total. The
 * program (its hash) fixes the workgroup size, so an axis' group bucket
 * is its invocation bucket. */
void starpu_vir0_shape_key(const struct starpu_vir0_shape *shape, char key[SHAPE_KEY_LEN + 1])
{
	struct vir0_hash hash;
	memcpy(hash.bytes, shape->program_hash, sizeof(hash.bytes));
	vir0_hash_format(&hash, key);
	sprintf(key + 32, "%02x%02x%02x%02x", starpu_vir0_shape_bucket(shape->groups[0]),
		starpu_vir0_shape_bucket(shape->groups[1]),
		starpu_vir0_shape_bucket(shape->groups[2]), starpu_vir0_shape_bucket(shape->bytes));
}

/* The entry of `key`, entered when new; NULL when the table is full.
 * Called with the lock held. */
static struct starpu_vir0_shape_entry *find_or_enter(struct starpu_vir0_shapes *shapes,
						     const char *key)
{
	ENTRY item = { .key = (char *)key }, *found;
	if (hsearch_r(item, FIND, &found, &shapes->table))
		return found->data;
	if (shapes->count == shapes->capacity)
		return NULL;
	struct starpu_vir0_shape_entry *entry = malloc(sizeof *entry);
	if (!entry)
		return NULL;
	memcpy(entry->key, key, sizeof entry->key);
	entry->choice = conservative;
	item.key = entry->key;
	item.data = entry;
	/* hcreate_r sized the table for `capacity`, so this cannot fill up. */
	if (!hsearch_r(item, ENTER, &found, &shapes->table)) {
		free(entry);
		return NULL;
	}
	shapes->entries[shapes->count++] = entry;
	return entry;
}

int starpu_vir0_shapes_choice(struct starpu_vir0_shapes *shapes,
			      const struct starpu_vir0_shape *shape,
			      struct starpu_vir0_shape_choice *choice)
{
	char key[SHAPE_KEY_LEN + 1];
	starpu_vir0_shape_key(shape, key);
	STARPU_COMPONENT_MUTEX_LOCK(&shapes->lock);
	struct starpu_vir0_shape_entry *entry = find_or_enter(shapes, key);
	*choice = entry ? entry->choice : conservative;
	STARPU_COMPONENT_MUTEX_UNLOCK(&shapes->lock);
	return entry ? 0 : VIR0_ELIMIT;
}

size_t starpu_vir0_shapes_count(struct starpu_vir0_shapes *shapes)
{
	STARPU_COMPONENT_MUTEX_LOCK(&shapes->lock);
	size_t count = shapes->count;
	STARPU_COMPONENT_MUTEX_UNLOCK(&shapes->lock);
	return count;
}
