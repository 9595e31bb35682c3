/* spec_state.h - the speculation's process-wide state, shared by
 * speculation.c (start, stop, the table), spec_push.c (plans) and
 * spec_samples.c (the sample hook). Not for other files. */
#ifndef STARPU_VIR0_SPEC_STATE_H
#define STARPU_VIR0_SPEC_STATE_H

#include <search.h> /* struct hsearch_data: define _GNU_SOURCE first */
#include <stdint.h>

#include <starpu.h>

#include "shapes.h"
#include "spec_env.h"
#include "spec_ladder.h"
#include "spec_store.h"
#include "starpu_vir0_variant.h"

/* The store keeps the shape key of each record. */
_Static_assert(STARPU_VIR0_SHAPE_KEY_LEN <= STARPU_VIR0_SPEC_KEY_MAX,
	       "a shape key must fit the autotune store's");

/* One shape on one arch. `lock` guards `ladder`; ids and names are fixed
 * once entered. */
struct starpu_vir0_spec_entry {
	char key[STARPU_VIR0_SHAPE_KEY_LEN + 1];      /* the store's shape key */
	char table_key[STARPU_VIR0_SHAPE_KEY_LEN + 3]; /* key + "/c" or "/o" */
	enum starpu_vir0_shape_arch arch;
	starpu_pthread_mutex_t lock;
	unsigned nids;
	uint32_t ids[STARPU_VIR0_SPEC_VARIANTS_MAX]; /* ladder index -> variant id */
	struct starpu_vir0_spec_shape ladder;
};

struct starpu_vir0_spec_state {
	struct starpu_vir0_spec_config config;
	struct starpu_vir0_spec_stats_config stats;
	struct starpu_vir0_spec_store *store;         /* NULL: no store directory */
	char adapter[STARPU_VIR0_SHAPE_NARCHS][STARPU_VIR0_SPEC_ADAPTER_MAX + 1];
	starpu_pthread_mutex_t lock;                  /* guards the table */
	struct hsearch_data table;                    /* table_key -> entry */
	struct starpu_vir0_spec_entry **entries;
	size_t count, capacity;
};

/* The entry of (`shape`, `arch`), or NULL. With `task` (at push) a new
 * entry is made from the task's ladder and the store's verdicts; NULL
 * then means the table is full or the ladder unavailable. */
struct starpu_vir0_spec_entry *starpu_vir0_spec_entry_get(struct starpu_vir0_spec_state *state,
							  const struct starpu_vir0_shape *shape,
							  enum starpu_vir0_shape_arch arch,
							  const struct starpu_task *task);

/* The ladder index of variant id `id`, or STARPU_VIR0_SPEC_NONE. */
unsigned starpu_vir0_spec_entry_index(const struct starpu_vir0_spec_entry *entry, uint32_t id);

/* The state while speculation runs, else NULL (VIR0_SPEC=off, or no
 * vir0-spec context). */
struct starpu_vir0_spec_state *starpu_vir0_spec_state_get(void);

/* The hook given to starpu_vir0_set_sample_hook (spec_samples.c). */
void starpu_vir0_spec_sample(const struct starpu_vir0_sample *sample, void *user);

/* StarPU's clock in microseconds, for arrivals and records. */
uint64_t starpu_vir0_spec_now_us(void);

#endif
