/* speculation.c - the speculation's process-wide state: started by the
 * first vir0-spec context (configuration, the store, adapter ids, the
 * sample hook), the table of (shape, arch) entries, and the end of the
 * run (the store saved, the report printed) with the last context. */
#define _GNU_SOURCE /* hsearch_r */
#include "speculation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <starpu_opencl.h>
#include <starpu_sched_component.h> /* STARPU_COMPONENT_MUTEX_LOCK */

#include "env.h"
#include "spec_report.h"
#include "spec_state.h"

/* Set by the first start, cleared by the last stop, both from StarPU's
 * init and shutdown paths (one thread); the hook is unset before the
 * state goes, and workers have stopped running our tasks by then. */
static struct starpu_vir0_spec_state *state;
static unsigned users;

uint64_t starpu_vir0_spec_now_us(void)
{
	double now = starpu_timing_now();
	return now > 0 ? (uint64_t)now : 0;
}

/* "<device name> <driver version>" of the first OpenCL worker's device:
 * a verdict holds for that device and driver. */
static void opencl_adapter(char *id, size_t size)
{
	int workers[1];
	*id = 0;
	if (starpu_worker_get_ids_by_type(STARPU_OPENCL_WORKER, workers, 1) < 1)
		return;
	cl_device_id device;
	starpu_opencl_get_device(starpu_worker_get_devid(workers[0]), &device);
	char name[96] = "", driver[64] = "";
	if (clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof name - 1, name, NULL) != CL_SUCCESS ||
	    clGetDeviceInfo(device, CL_DRIVER_VERSION, sizeof driver - 1, driver, NULL) != CL_SUCCESS)
		snprintf(name, sizeof name, "opencl-device-%d", starpu_worker_get_devid(workers[0]));
	starpu_vir0_spec_adapter_device(id, size, name, driver);
}

/* The store of this run: loaded now, saved at the end. Without a
 * directory (no VIR0_HOME, STARPU_HOME or HOME) nothing is remembered. */
static struct starpu_vir0_spec_store *open_store(void)
{
	char dir[4096];
	struct vir0_error err = { 0 };
	if (starpu_vir0_spec_store_dir(dir, sizeof dir, &err)) {
		fprintf(stderr, "starpu-vir0: no autotune store: %s\n", err.message);
		return NULL;
	}
	struct starpu_vir0_spec_store *store = starpu_vir0_spec_store_create(dir);
	if (store && starpu_vir0_spec_store_load(store, stderr, &err)) {
		fprintf(stderr, "starpu-vir0: autotune store %s: %s\n", dir, err.message);
		starpu_vir0_spec_store_destroy(store);
		store = NULL;
	}
	return store;
}

void starpu_vir0_speculation_start(void)
{
	if (users++)
		return;
	struct starpu_vir0_spec_config config;
	starpu_vir0_spec_config_read(&config);
	if (config.mode == STARPU_VIR0_SPEC_OFF)
		return;
	struct starpu_vir0_sched_config sched;
	starpu_vir0_sched_config_read(&sched);
	struct starpu_vir0_spec_state *s = calloc(1, sizeof *s);
	size_t capacity = (size_t)sched.shapes * STARPU_VIR0_SHAPE_NARCHS;
	if (!s || !(s->entries = calloc(capacity, sizeof *s->entries)) ||
	    !hcreate_r(capacity, &s->table))
		STARPU_ABORT_MSG("starpu-vir0: out of memory starting speculation "
				 "(VIR0_SCHED_SHAPES=%u)", sched.shapes);
	s->capacity = capacity;
	s->config = config;
	starpu_vir0_spec_stats_config_read(&s->stats);
	STARPU_PTHREAD_MUTEX_INIT(&s->lock, NULL);
	s->store = open_store();
	starpu_vir0_spec_adapter_cpu(s->adapter[STARPU_VIR0_SHAPE_CPU], sizeof s->adapter[0]);
	opencl_adapter(s->adapter[STARPU_VIR0_SHAPE_OPENCL], sizeof s->adapter[0]);
	state = s;
	starpu_vir0_set_sample_hook(starpu_vir0_spec_sample, s);
}

static void remember(struct starpu_vir0_spec_state *s)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	int64_t now = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	struct vir0_error err = { 0 };
	for (size_t i = 0; i < s->count; i++) {
		struct starpu_vir0_spec_entry *e = s->entries[i];
		if (starpu_vir0_spec_remember(&e->ladder, s->store, e->key, s->adapter[e->arch], now,
					      &err)) {
			fprintf(stderr, "starpu-vir0: autotune store: %s\n", err.message);
			return;
		}
	}
	if (starpu_vir0_spec_store_save(s->store, stderr, &err))
		fprintf(stderr, "starpu-vir0: autotune store not saved: %s\n", err.message);
}

static void report(struct starpu_vir0_spec_state *s)
{
	FILE *jsonl = NULL;
	if (s->stats.file && !(jsonl = fopen(s->stats.file, "w")))
		fprintf(stderr, "starpu-vir0: VIR0_STATS_FILE=%s: cannot write it (%m)\n",
			s->stats.file);
	FILE *text = s->stats.print ? stderr : NULL;
	if (!text && !jsonl)
		return;
	struct starpu_vir0_spec_totals totals = { 0 };
	for (size_t i = 0; i < s->count; i++) {
		struct starpu_vir0_spec_entry *e = s->entries[i];
		starpu_vir0_spec_report_shape(text, jsonl, e->key, s->adapter[e->arch], &e->ladder,
					      &totals);
	}
	starpu_vir0_spec_report_totals(text, jsonl, &totals);
	if (jsonl && fclose(jsonl))
		fprintf(stderr, "starpu-vir0: VIR0_STATS_FILE=%s: %m\n", s->stats.file);
}

void starpu_vir0_speculation_stop(void)
{
	if (!users || --users)
		return;
	struct starpu_vir0_spec_state *s = state;
	if (!s)
		return;
	starpu_vir0_set_sample_hook(NULL, NULL);
	state = NULL;
	if (s->store && s->config.mode == STARPU_VIR0_SPEC_RACE)
		remember(s);
	report(s);
	if (s->store)
		starpu_vir0_spec_store_destroy(s->store);
	hdestroy_r(&s->table);
	for (size_t i = 0; i < s->count; i++) {
		STARPU_PTHREAD_MUTEX_DESTROY(&s->entries[i]->lock);
		free(s->entries[i]);
	}
	free(s->entries);
	STARPU_PTHREAD_MUTEX_DESTROY(&s->lock);
	free(s);
}

/* Expected payoff of variant `id`, highest raced first: tests' variants
 * (they exist to be raced), then JIT kernels (a compiled kernel against
 * the interpreter: the only kind measured to pay here), then interpreted
 * rewrites (a few bytecodes less or more per element, rarely past the
 * margin). Ties keep the codelet's order. */
static int payoff_rank(uint32_t id)
{
	if (id >= STARPU_VIR0_VARIANT_TEST)
		return 0;
	return id & STARPU_VIR0_VARIANT_JIT ? 1 : 2;
}

/* The variants to race on `arch`, at most VARIANTS_MAX: the original
 * first (the root), then by expected payoff until the ladder is full; the
 * ladder races them in that order. */
static unsigned pick_variants(const struct starpu_task *task, enum starpu_worker_archtype arch,
			      uint32_t *ids)
{
	uint32_t all[64];
	int n = starpu_vir0_task_ladder(task, arch, all, 64);
	if (n < 1)
		return 0;
	if (n > 64)
		n = 64;
	unsigned count = 0;
	ids[count++] = all[0];
	for (int rank = 0; rank < 3; rank++)
		for (int i = 1; i < n && count < STARPU_VIR0_SPEC_VARIANTS_MAX; i++)
			if (payoff_rank(all[i]) == rank)
				ids[count++] = all[i];
	return count;
}

static struct starpu_vir0_spec_entry *new_entry(struct starpu_vir0_spec_state *s,
						const struct starpu_vir0_shape *shape,
						enum starpu_vir0_shape_arch arch,
						const struct starpu_task *task)
{
	struct starpu_vir0_spec_entry *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->arch = arch;
	e->nids = pick_variants(task, starpu_vir0_shape_archtypes[arch], e->ids);
	char names[STARPU_VIR0_SPEC_VARIANTS_MAX][32];
	const char *name[STARPU_VIR0_SPEC_VARIANTS_MAX];
	for (unsigned v = 0; v < e->nids; v++)
		name[v] = starpu_vir0_variant_name(e->ids[v], names[v]);
	uint64_t seed;
	memcpy(&seed, shape->program_hash, sizeof seed);
	struct vir0_error err = { 0 };
	if (!e->nids || starpu_vir0_spec_shape_init(&e->ladder, e->nids, name, seed ^ arch, &err)) {
		free(e);
		return NULL;
	}
	/* OpenCL times pairs only (single runs are asynchronous). */
	e->ladder.pairs_only = arch == STARPU_VIR0_SHAPE_OPENCL;
	starpu_vir0_shape_key(shape, e->key);
	if (s->store)
		starpu_vir0_spec_recall(&e->ladder, &s->config, s->store, e->key, s->adapter[arch]);
	STARPU_PTHREAD_MUTEX_INIT(&e->lock, NULL);
	return e;
}

struct starpu_vir0_spec_entry *starpu_vir0_spec_entry_get(struct starpu_vir0_spec_state *s,
							  const struct starpu_vir0_shape *shape,
							  enum starpu_vir0_shape_arch arch,
							  const struct starpu_task *task)
{
	char key[STARPU_VIR0_SHAPE_KEY_LEN + 3];
	starpu_vir0_shape_key(shape, key);
	strcat(key, arch == STARPU_VIR0_SHAPE_CPU ? "/c" : "/o");
	ENTRY item = { .key = key }, *found;
	STARPU_COMPONENT_MUTEX_LOCK(&s->lock);
	int known = hsearch_r(item, FIND, &found, &s->table);
	STARPU_COMPONENT_MUTEX_UNLOCK(&s->lock);
	if (known)
		return found->data;
	if (!task)
		return NULL;
	/* The ladder applies the program's rewrites the first time: not
	 * under the table's lock. */
	struct starpu_vir0_spec_entry *e = new_entry(s, shape, arch, task);
	if (!e)
		return NULL;
	memcpy(e->table_key, key, sizeof e->table_key);
	item.key = e->table_key;
	item.data = e;
	struct starpu_vir0_spec_entry *result = e;
	STARPU_COMPONENT_MUTEX_LOCK(&s->lock);
	if (hsearch_r(item, FIND, &found, &s->table))
		result = found->data; /* another push entered it meanwhile */
	else if (s->count == s->capacity || !hsearch_r(item, ENTER, &found, &s->table))
		result = NULL;
	else
		s->entries[s->count++] = e;
	STARPU_COMPONENT_MUTEX_UNLOCK(&s->lock);
	if (result != e) {
		STARPU_PTHREAD_MUTEX_DESTROY(&e->lock);
		free(e);
	}
	return result;
}

unsigned starpu_vir0_spec_entry_index(const struct starpu_vir0_spec_entry *entry, uint32_t id)
{
	for (unsigned v = 0; v < entry->nids; v++)
		if (entry->ids[v] == id)
			return v;
	return STARPU_VIR0_SPEC_NONE;
}

/* The state while speculation runs, or NULL (spec_push.c). */
struct starpu_vir0_spec_state *starpu_vir0_spec_state_get(void)
{
	return state;
}

int starpu_vir0_speculation_variant(const struct starpu_vir0_shape *shape,
				    enum starpu_worker_archtype arch, uint32_t id,
				    struct starpu_vir0_speculation_view *view)
{
	struct starpu_vir0_spec_state *s = state;
	enum starpu_vir0_shape_arch a = starpu_vir0_shape_arch_of(arch);
	if (!s || a == STARPU_VIR0_SHAPE_NARCHS)
		return VIR0_EARG;
	struct starpu_vir0_spec_entry *e = starpu_vir0_spec_entry_get(s, shape, a, NULL);
	unsigned v = e ? starpu_vir0_spec_entry_index(e, id) : STARPU_VIR0_SPEC_NONE;
	if (v == STARPU_VIR0_SPEC_NONE)
		return VIR0_EARG;
	STARPU_PTHREAD_MUTEX_LOCK(&e->lock);
	struct starpu_vir0_spec_sum sum;
	starpu_vir0_spec_variant_sum(&e->ladder, v, &sum);
	*view = (struct starpu_vir0_speculation_view){
		.status = e->ladder.variants[v].status,
		.baseline = e->ids[e->ladder.baseline],
		.pairs = sum.pairs,
		.mismatches = sum.mismatches,
		.tasks = e->ladder.variants[v].tasks,
		.shape_pairs = e->ladder.pairs_run,
		.arrivals = e->ladder.arrivals.count,
	};
	STARPU_PTHREAD_MUTEX_UNLOCK(&e->lock);
	return 0;
}
