/* spec_store.h - the autotune store: speculation verdicts and their
 * statistics per (shape, adapter, variant), kept across runs in a
 * versioned text file, <dir>/autotune.txt (doc/speculation.md gives the
 * format and the merge rule). Loaded at start, merged into the file and
 * saved at shutdown under flock, through a temporary file, fsync and
 * rename, so processes sharing the directory never corrupt it. Plain libc:
 * the vir0 command links it without StarPU. Not thread-safe: one thread
 * loads, puts and saves. */
#ifndef STARPU_VIR0_SPEC_STORE_H
#define STARPU_VIR0_SPEC_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vir0.h"

/* 2: shape keys hold size buckets (sched/shapes.h); 1 held exact sizes,
 * keys that no longer mean the same shape. */
#define STARPU_VIR0_SPEC_STORE_VERSION 2
#define STARPU_VIR0_SPEC_STORE_FILE "autotune.txt"
#define STARPU_VIR0_SPEC_STORE_LOCK "autotune.lock"

/* Longest fields, in bytes. */
#define STARPU_VIR0_SPEC_KEY_MAX 80       /* a shape key */
#define STARPU_VIR0_SPEC_ADAPTER_MAX 128  /* "device name driver", "cpu:model" */
#define STARPU_VIR0_SPEC_NAME_MAX 32      /* a variant name */
/* A longer line is not ours. */
#define STARPU_VIR0_SPEC_STORE_LINE_MAX 2048
/* Records a store holds; a file with more is read up to here. */
#define STARPU_VIR0_SPEC_STORE_RECORDS_MAX (1u << 20)

/* Where a variant stands on its shape's ladder. */
enum starpu_vir0_spec_status {
	STARPU_VIR0_SPEC_UNTRIED,   /* not raced yet */
	STARPU_VIR0_SPEC_RACING,    /* racing the baseline */
	STARPU_VIR0_SPEC_BASELINE,  /* what the shape's tasks run with */
	STARPU_VIR0_SPEC_RETIRED,   /* was the baseline, beaten since */
	STARPU_VIR0_SPEC_REJECTED,  /* lost; may race again after its backoff */
	STARPU_VIR0_SPEC_BANNED,    /* gave a different result: never again */
};

/* One (shape, adapter, variant). Verdict fields: status, rejections,
 * updated, saved_us, compile_us. Counts: everything else. */
struct starpu_vir0_spec_record {
	char shape[STARPU_VIR0_SPEC_KEY_MAX + 1];
	char adapter[STARPU_VIR0_SPEC_ADAPTER_MAX + 1];
	char variant[STARPU_VIR0_SPEC_NAME_MAX + 1];
	enum starpu_vir0_spec_status status;
	unsigned rejections;
	int64_t updated;          /* when the verdict was set, unix microseconds */
	double saved_us;          /* median saving per task at that verdict */
	double compile_us;        /* its latest measured compile */
	uint64_t pairs, won, mismatches;
	double baseline_us, candidate_us; /* sums over the pairs */
	uint64_t tasks;           /* tasks of the shape in the runs counted */
	uint64_t runs;            /* runs that put this record */
};

struct starpu_vir0_spec_store;

/* The store's directory: $VIR0_HOME, else $STARPU_HOME/.starpu/vir0,
 * else $HOME/.starpu/vir0. VIR0_EARG when none is set or it does not
 * fit in `size`. */
int starpu_vir0_spec_store_dir(char *dir, size_t size, struct vir0_error *err);

/* An empty store for `dir` (NULL when out of memory or dir too long). */
struct starpu_vir0_spec_store *starpu_vir0_spec_store_create(const char *dir);
void starpu_vir0_spec_store_destroy(struct starpu_vir0_spec_store *store);

/* The path of its file. */
const char *starpu_vir0_spec_store_path(const struct starpu_vir0_spec_store *store);

/* Read the file into the store (merged with what it holds). A missing
 * file is an empty store. Bad lines, a foreign version, an unreadable
 * file: one report on `diag` (if not NULL) naming the path and the first
 * bad line, then ignored: returns 0 unless out of memory (VIR0_ENOMEM). */
int starpu_vir0_spec_store_load(struct starpu_vir0_spec_store *store, FILE *diag,
				struct vir0_error *err);

/* This run's record of a (shape, adapter, variant): its counts are added
 * to the store's, its verdict fields replace the store's. VIR0_EARG for an
 * empty or too long name or a negative or non-finite number; VIR0_ELIMIT
 * when the store is full; VIR0_ENOMEM. */
int starpu_vir0_spec_store_put(struct starpu_vir0_spec_store *store,
			       const struct starpu_vir0_spec_record *run, struct vir0_error *err);

/* The record of (shape, adapter, variant), or NULL. */
const struct starpu_vir0_spec_record *
starpu_vir0_spec_store_find(const struct starpu_vir0_spec_store *store, const char *shape,
			    const char *adapter, const char *variant);

/* Records, in the order first seen. */
size_t starpu_vir0_spec_store_count(const struct starpu_vir0_spec_store *store);
const struct starpu_vir0_spec_record *
starpu_vir0_spec_store_at(const struct starpu_vir0_spec_store *store, size_t i);

/* Merge what was put since the last load or save into the file as it is
 * now on disk (other processes may have saved meanwhile) and write it
 * back; the store then holds the merged records. Creates the directory.
 * VIR0_EIO (with the path and errno's text) when it cannot; VIR0_EVERSION
 * when the file is another version's, which is left untouched. */
int starpu_vir0_spec_store_save(struct starpu_vir0_spec_store *store, FILE *diag,
				struct vir0_error *err);

/* Remove the store file of `dir` under the lock; *removed says whether
 * there was one. */
int starpu_vir0_spec_store_clear(const char *dir, int *removed, struct vir0_error *err);

/* Adapter ids: "<device name> <driver version>" for an OpenCL device,
 * "cpu:<model>" for CPU workers (model from /proc/cpuinfo, else the
 * machine's name from uname). Truncated to ADAPTER_MAX. */
void starpu_vir0_spec_adapter_device(char *id, size_t size, const char *device,
				     const char *driver);
void starpu_vir0_spec_adapter_cpu(char *id, size_t size);

const char *starpu_vir0_spec_status_name(enum starpu_vir0_spec_status status);

#endif
