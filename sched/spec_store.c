/* spec_store.c - the autotune store in memory and on disk. Records are kept
 * in first-seen order with a hash index; each carries what this process
 * added since the last load or save (its delta), so a save can merge into
 * the file as other processes left it rather than overwrite their work. */
#define _GNU_SOURCE
#include "spec_store.h"

#include "error.h"
#include "spec_count.h"
#include "spec_store_line.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

struct slot {
	struct starpu_vir0_spec_record record; /* merged view */
	struct starpu_vir0_spec_record delta;  /* counts put since load/save */
	int put;                               /* verdict put since load/save */
};

struct starpu_vir0_spec_store {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	struct slot *slots;
	size_t count, capacity;
	size_t *index;         /* open addressing: slot + 1, 0 empty */
	size_t index_size;     /* a power of two > 2 * count */
};

int starpu_vir0_spec_store_dir(char *dir, size_t size, struct vir0_error *err)
{
	const char *home = getenv("VIR0_HOME"), *suffix = "";
	if (!home || !*home) {
		home = getenv("STARPU_HOME");
		if (!home || !*home)
			home = getenv("HOME");
		suffix = "/.starpu/vir0";
	}
	if (!home || !*home)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "no directory for the autotune store: set VIR0_HOME, "
				     "STARPU_HOME or HOME");
	int n = snprintf(dir, size, "%s%s", home, suffix);
	if (n < 0 || (size_t)n >= size)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "autotune store directory %s%s is too long", home, suffix);
	return 0;
}

struct starpu_vir0_spec_store *starpu_vir0_spec_store_create(const char *dir)
{
	struct starpu_vir0_spec_store *store = calloc(1, sizeof *store);
	if (!store)
		return NULL;
	int n = snprintf(store->path, sizeof store->path, "%s/%s", dir,
			 STARPU_VIR0_SPEC_STORE_FILE);
	if (n < 0 || (size_t)n >= sizeof store->path || strlen(dir) >= sizeof store->dir) {
		free(store);
		return NULL;
	}
	strcpy(store->dir, dir);
	return store;
}

void starpu_vir0_spec_store_destroy(struct starpu_vir0_spec_store *store)
{
	if (!store)
		return;
	free(store->slots);
	free(store->index);
	free(store);
}

const char *starpu_vir0_spec_store_path(const struct starpu_vir0_spec_store *store)
{
	return store->path;
}

/* XXH3 (libxxhash, as the program hash) over the three parts, each with
 * its NUL so ("ab", "c") and ("a", "bc") differ, chained through the seed. */
static uint64_t key_hash(const char *shape, const char *adapter, const char *variant)
{
	uint64_t h = XXH3_64bits(shape, strlen(shape) + 1);
	h = XXH3_64bits_withSeed(adapter, strlen(adapter) + 1, h);
	return XXH3_64bits_withSeed(variant, strlen(variant) + 1, h);
}

static int same_key(const struct starpu_vir0_spec_record *r, const char *shape,
		    const char *adapter, const char *variant)
{
	return !strcmp(r->shape, shape) && !strcmp(r->adapter, adapter) &&
	       !strcmp(r->variant, variant);
}

/* The index position holding (shape, adapter, variant), or the empty one
 * where it would go. */
static size_t *index_probe(const struct starpu_vir0_spec_store *store, const char *shape,
			   const char *adapter, const char *variant)
{
	size_t mask = store->index_size - 1;
	for (size_t i = key_hash(shape, adapter, variant) & mask;; i = (i + 1) & mask) {
		size_t *at = &store->index[i];
		if (!*at || same_key(&store->slots[*at - 1].record, shape, adapter, variant))
			return at;
	}
}

static int grow(struct starpu_vir0_spec_store *store)
{
	if (store->count < store->capacity && 2 * (store->count + 1) < store->index_size)
		return 0;
	size_t capacity = store->capacity ? 2 * store->capacity : 64;
	struct slot *slots = realloc(store->slots, capacity * sizeof *slots);
	if (!slots)
		return VIR0_ENOMEM;
	store->slots = slots;
	store->capacity = capacity;
	size_t *index = calloc(2 * capacity, sizeof *index);
	if (!index)
		return VIR0_ENOMEM;
	free(store->index);
	store->index = index;
	store->index_size = 2 * capacity;
	for (size_t i = 0; i < store->count; i++) {
		const struct starpu_vir0_spec_record *r = &store->slots[i].record;
		*index_probe(store, r->shape, r->adapter, r->variant) = i + 1;
	}
	return 0;
}

/* The slot of `r`'s key, entered empty (counts 0) when new; NULL when out
 * of memory or full (`*rc` says which). */
static struct slot *slot_of(struct starpu_vir0_spec_store *store,
			    const struct starpu_vir0_spec_record *r, int *rc)
{
	if (store->index_size) {
		size_t *at = index_probe(store, r->shape, r->adapter, r->variant);
		if (*at)
			return &store->slots[*at - 1];
	}
	if (store->count >= STARPU_VIR0_SPEC_STORE_RECORDS_MAX) {
		*rc = VIR0_ELIMIT;
		return NULL;
	}
	if ((*rc = grow(store)))
		return NULL;
	struct slot *slot = &store->slots[store->count];
	memset(slot, 0, sizeof *slot);
	strcpy(slot->record.shape, r->shape);
	strcpy(slot->record.adapter, r->adapter);
	strcpy(slot->record.variant, r->variant);
	slot->record.status = STARPU_VIR0_SPEC_UNTRIED;
	slot->record.updated = INT64_MIN; /* any verdict is newer */
	*index_probe(store, r->shape, r->adapter, r->variant) = ++store->count;
	return slot;
}

static void add_counts(struct starpu_vir0_spec_record *to, const struct starpu_vir0_spec_record *from)
{
	to->pairs = starpu_vir0_spec_count_add(to->pairs, from->pairs);
	to->won = starpu_vir0_spec_count_add(to->won, from->won);
	to->mismatches = starpu_vir0_spec_count_add(to->mismatches, from->mismatches);
	to->tasks = starpu_vir0_spec_count_add(to->tasks, from->tasks);
	to->runs = starpu_vir0_spec_count_add(to->runs, from->runs);
	to->baseline_us += from->baseline_us;
	to->candidate_us += from->candidate_us;
}

/* How far a status keeps the shape on the safe side: equal times go to
 * the more conservative verdict. */
static int caution(enum starpu_vir0_spec_status status)
{
	static const int rank[] = {
		[STARPU_VIR0_SPEC_BASELINE] = 0, [STARPU_VIR0_SPEC_RACING] = 1,
		[STARPU_VIR0_SPEC_UNTRIED] = 2, [STARPU_VIR0_SPEC_RETIRED] = 3,
		[STARPU_VIR0_SPEC_REJECTED] = 4, [STARPU_VIR0_SPEC_BANNED] = 5,
	};
	return rank[status];
}

/* The merge rule for verdicts: the later one wins; at equal times the
 * more cautious, then the one with more rejections. */
static void merge_verdict(struct starpu_vir0_spec_record *to, const struct starpu_vir0_spec_record *from)
{
	int newer = from->updated > to->updated ||
		    (from->updated == to->updated &&
		     (caution(from->status) > caution(to->status) ||
		      (caution(from->status) == caution(to->status) &&
		       from->rejections > to->rejections)));
	if (!newer)
		return;
	to->status = from->status;
	to->rejections = from->rejections;
	to->updated = from->updated;
	to->saved_us = from->saved_us;
	to->compile_us = from->compile_us;
}

/* Merge a record read from a file: counts and verdict. */
static int merge_read(struct starpu_vir0_spec_store *store, const struct starpu_vir0_spec_record *r)
{
	int rc = 0;
	struct slot *slot = slot_of(store, r, &rc);
	if (!slot)
		return rc;
	add_counts(&slot->record, r);
	merge_verdict(&slot->record, r);
	return 0;
}

const struct starpu_vir0_spec_record *
starpu_vir0_spec_store_find(const struct starpu_vir0_spec_store *store, const char *shape,
			    const char *adapter, const char *variant)
{
	if (!store->index_size)
		return NULL;
	size_t *at = index_probe(store, shape, adapter, variant);
	return *at ? &store->slots[*at - 1].record : NULL;
}

size_t starpu_vir0_spec_store_count(const struct starpu_vir0_spec_store *store)
{
	return store->count;
}

const struct starpu_vir0_spec_record *
starpu_vir0_spec_store_at(const struct starpu_vir0_spec_store *store, size_t i)
{
	return i < store->count ? &store->slots[i].record : NULL;
}

int starpu_vir0_spec_store_put(struct starpu_vir0_spec_store *store,
			       const struct starpu_vir0_spec_record *run, struct vir0_error *err)
{
	int rc = starpu_vir0_spec_record_check(run, err);
	if (rc)
		return rc;
	struct slot *slot = slot_of(store, run, &rc);
	if (!slot)
		return vir0_error_at(err, rc, 0, "autotune store: %s",
				     rc == VIR0_ELIMIT ? "full (1048576 records); run `vir0 store clear`"
						       : "out of memory");
	add_counts(&slot->record, run);
	add_counts(&slot->delta, run);
	/* This process's verdict is the latest it knows of. */
	for (struct starpu_vir0_spec_record *to[] = { &slot->record, &slot->delta }, **r = to;
	     r < to + 2; r++) {
		(*r)->status = run->status;
		(*r)->rejections = run->rejections;
		(*r)->updated = run->updated;
		(*r)->saved_us = run->saved_us;
		(*r)->compile_us = run->compile_us;
	}
	slot->put = 1;
	return 0;
}

/* What reading a file found. */
enum file_kind { FILE_NONE, FILE_OURS, FILE_FOREIGN, FILE_CORRUPT, FILE_UNREADABLE };

/* Read `path` into `store`; one report on `diag`. */
static int load_file(struct starpu_vir0_spec_store *store, const char *path, FILE *diag,
		     enum file_kind *kind, struct vir0_error *err)
{
	FILE *file = fopen(path, "re");
	if (!file) {
		*kind = errno == ENOENT ? FILE_NONE : FILE_UNREADABLE;
		if (*kind == FILE_UNREADABLE && diag)
			fprintf(diag, "starpu-vir0: %s: cannot read the autotune store: %s; "
				"starting without it\n", path, strerror(errno));
		return 0;
	}
	struct starpu_vir0_spec_line_reader reader;
	starpu_vir0_spec_line_reader_init(&reader, file);
	char *line;
	const char *bad = NULL;
	unsigned long bad_line = 0, nbad = 0;
	unsigned version = 0;
	int rc = 0;
	*kind = FILE_OURS;
	if (!(line = starpu_vir0_spec_line_next(&reader, &bad))) {
		bad = bad ? bad : "empty file, no header";
		*kind = FILE_CORRUPT;
	} else if (starpu_vir0_spec_header_parse(line, &version) < 0) {
		bad = "not an autotune store header (\"vir0-autotune N\")";
		*kind = FILE_CORRUPT;
	} else if (version != STARPU_VIR0_SPEC_STORE_VERSION) {
		*kind = FILE_FOREIGN;
	}
	if (*kind != FILE_OURS) {
		bad_line = 1;
		nbad = 1;
	}
	while (*kind == FILE_OURS && !rc) {
		const char *why = NULL;
		struct starpu_vir0_spec_record record;
		if (!(line = starpu_vir0_spec_line_next(&reader, &why)) && !why)
			break;
		if (line && (line[0] == '#' || line[0] == '\0'))
			continue;
		if (line && !(why = starpu_vir0_spec_record_parse(line, &record)))
			rc = merge_read(store, &record);
		if (why || rc == VIR0_ELIMIT) {
			if (!nbad++) {
				bad = why ? why : "more records than a store holds";
				bad_line = reader.line;
			}
			if (rc == VIR0_ELIMIT)
				rc = 0;
		}
	}
	if (ferror(file) && diag)
		fprintf(diag, "starpu-vir0: %s: read error: %s\n", path, strerror(errno));
	fclose(file);
	if (diag && *kind == FILE_FOREIGN)
		fprintf(diag, "starpu-vir0: %s: autotune store version %u, this is version %d: "
			"ignored and left as it is (`vir0 store clear`, or another VIR0_HOME)\n",
			path, version, STARPU_VIR0_SPEC_STORE_VERSION);
	else if (diag && nbad)
		fprintf(diag, "starpu-vir0: %s:%lu: %s; ignored (%lu bad line%s in all)%s\n", path,
			bad_line, bad, nbad, nbad == 1 ? "" : "s",
			*kind == FILE_CORRUPT ? "; the next save replaces the file" : "");
	return rc ? vir0_error_at(err, rc, 0, "autotune store %s: out of memory", path) : 0;
}

int starpu_vir0_spec_store_load(struct starpu_vir0_spec_store *store, FILE *diag,
				struct vir0_error *err)
{
	enum file_kind kind;
	return load_file(store, store->path, diag, &kind, err);
}

/* mkdir -p */
static int make_dirs(const char *dir, struct vir0_error *err)
{
	char path[PATH_MAX];
	strcpy(path, dir);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			return vir0_error_at(err, VIR0_EIO, 0, "cannot create %s: %s", path,
					     strerror(errno));
		if (!(*p = c))
			return 0;
	}
}

/* Write `store`'s records to `path` through a temporary file, fsync'd,
 * renamed over it, and the directory fsync'd: a crash leaves the old file
 * or the new one, never a mix. */
static int write_file(const struct starpu_vir0_spec_store *store, const char *path,
		      struct vir0_error *err)
{
	char tmp[PATH_MAX + 32];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	FILE *file = fd < 0 ? NULL : fdopen(fd, "w");
	if (!file) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vir0_error_at(err, VIR0_EIO, 0, "cannot write %s: %s", tmp, strerror(e));
	}
	starpu_vir0_spec_header_write(file);
	for (size_t i = 0; i < store->count; i++)
		starpu_vir0_spec_record_write(file, &store->slots[i].record);
	int failed = fflush(file) || ferror(file) || fsync(fd);
	int e = errno;
	failed |= fclose(file) != 0;
	if (failed || rename(tmp, path) < 0) {
		e = failed ? e : errno;
		unlink(tmp);
		return vir0_error_at(err, VIR0_EIO, 0, "cannot write %s: %s", path, strerror(e));
	}
	int dirfd = open(store->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0) {
		fsync(dirfd); /* the rename's durability; the data is safe either way */
		close(dirfd);
	}
	return 0;
}

/* Take the store's lock file: flock on a file of its own, since the rename
 * replaces the store file's inode. Returns the fd or a status. */
static int lock_dir(const char *dir, struct vir0_error *err)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", dir, STARPU_VIR0_SPEC_STORE_LOCK);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return vir0_error_at(err, VIR0_EIO, 0, "cannot open the lock %s: %s", path,
				     strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return vir0_error_at(err, VIR0_EIO, 0, "cannot lock %s: %s", path, strerror(e));
		}
	}
	return fd;
}

int starpu_vir0_spec_store_save(struct starpu_vir0_spec_store *store, FILE *diag,
				struct vir0_error *err)
{
	int rc = make_dirs(store->dir, err);
	if (rc)
		return rc;
	int lock = lock_dir(store->dir, err);
	if (lock < 0)
		return lock;
	struct starpu_vir0_spec_store *disk = starpu_vir0_spec_store_create(store->dir);
	enum file_kind kind = FILE_NONE;
	if (!disk)
		rc = vir0_error_at(err, VIR0_ENOMEM, 0, "autotune store: out of memory");
	else
		rc = load_file(disk, disk->path, diag, &kind, err);
	if (!rc && (kind == FILE_FOREIGN || kind == FILE_UNREADABLE))
		rc = vir0_error_at(err, kind == FILE_FOREIGN ? VIR0_EVERSION : VIR0_EIO, 0,
				   "%s is %s: not saved", disk->path,
				   kind == FILE_FOREIGN ? "another version's autotune store"
							: "unreadable");
	for (size_t i = 0; !rc && i < store->count; i++) {
		const struct slot *mine = &store->slots[i];
		if (!mine->put)
			continue;
		struct slot *theirs = slot_of(disk, &mine->record, &rc);
		if (!theirs)
			break;
		add_counts(&theirs->record, &mine->delta);
		merge_verdict(&theirs->record, &mine->delta);
	}
	if (rc == VIR0_ELIMIT || rc == VIR0_ENOMEM)
		rc = vir0_error_at(err, rc, 0, "autotune store %s: %s", disk->path,
				   rc == VIR0_ELIMIT ? "full" : "out of memory");
	if (!rc)
		rc = write_file(disk, disk->path, err);
	flock(lock, LOCK_UN);
	close(lock);
	if (!rc) {
		/* Now the store is the file: nothing left to add. */
		struct starpu_vir0_spec_store mine = *store;
		store->slots = disk->slots;
		store->count = disk->count;
		store->capacity = disk->capacity;
		store->index = disk->index;
		store->index_size = disk->index_size;
		disk->slots = mine.slots;
		disk->index = mine.index;
	}
	starpu_vir0_spec_store_destroy(disk);
	return rc;
}

int starpu_vir0_spec_store_clear(const char *dir, int *removed, struct vir0_error *err)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", dir, STARPU_VIR0_SPEC_STORE_FILE);
	*removed = 0;
	struct stat st;
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 0;
	int lock = lock_dir(dir, err);
	if (lock < 0)
		return lock;
	int rc = 0;
	if (unlink(path) == 0)
		*removed = 1;
	else if (errno != ENOENT)
		rc = vir0_error_at(err, VIR0_EIO, 0, "cannot remove %s: %s", path, strerror(errno));
	flock(lock, LOCK_UN);
	close(lock);
	return rc;
}

void starpu_vir0_spec_adapter_device(char *id, size_t size, const char *device, const char *driver)
{
	if (size > STARPU_VIR0_SPEC_ADAPTER_MAX + 1)
		size = STARPU_VIR0_SPEC_ADAPTER_MAX + 1;
	snprintf(id, size, "%s %s", device, driver);
}

void starpu_vir0_spec_adapter_cpu(char *id, size_t size)
{
	if (size > STARPU_VIR0_SPEC_ADAPTER_MAX + 1)
		size = STARPU_VIR0_SPEC_ADAPTER_MAX + 1;
	char line[512];
	FILE *cpuinfo = fopen("/proc/cpuinfo", "re");
	while (cpuinfo && fgets(line, sizeof line, cpuinfo)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(id, size, "cpu:%s", colon);
		fclose(cpuinfo);
		return;
	}
	if (cpuinfo)
		fclose(cpuinfo);
	struct utsname name;
	snprintf(id, size, "cpu:%s", uname(&name) == 0 ? name.machine : "unknown");
}

const char *starpu_vir0_spec_status_name(enum starpu_vir0_spec_status status)
{
	return starpu_vir0_spec_status_names[status];
}
