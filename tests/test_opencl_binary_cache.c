/* test_opencl_binary_cache.c - the megakernel's binary in the disk cache
 * (codelets/cl_binary_cache.c), on the first OpenCL device: the first open
 * builds from source and writes one entry, the next loads it; a damaged
 * entry (bytes flipped) or a binary the driver refuses is reported once
 * and rebuilt; other build options make another entry. Each open runs
 * saxpy against the reference. $VIR0_HOME points at a fresh directory per
 * test, so the user's cache is neither read nor written. */
#include "cl_binary_cache.h"
#include "fixtures.h"
#include "vir0_opencl.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char home[64];
static char entries[96]; /* home/opencl-jit: the JIT's directory */

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void setup(void)
{
	snprintf(home, sizeof(home), "/tmp/vir0-megakernel-cache-XXXXXX");
	if (!mkdtemp(home))
		fixture_die("mkdtemp", home);
	snprintf(entries, sizeof(entries), "%s/opencl-jit", home);
	setenv("VIR0_HOME", home, 1);
	unsetenv("VIR0_CL_BUILD_OPTIONS");
	unsetenv("VIR0_CL_BUILD_LOG");
}

static void teardown(void)
{
	remove_dir(entries);
	rmdir(home);
	unsetenv("VIR0_HOME");
}

/* How many entry files the cache holds; the last one's path in `path`. */
static unsigned count_entries(char *path, size_t size)
{
	DIR *d = opendir(entries);
	struct dirent *e;
	unsigned found = 0;
	while (d && (e = readdir(d)))
		if (strstr(e->d_name, ".bin") && !strstr(e->d_name, ".tmp")) {
			if (path)
				snprintf(path, size, "%s/%s", entries, e->d_name);
			found++;
		}
	if (d)
		closedir(d);
	return found;
}

struct opened {
	vir0_cl_runtime *rt;
	int from_cache;
	char description[512];
	char stderr_text[4096]; /* what the open printed */
};

/* A fresh runtime (device state, megakernel) with stderr captured. */
static void open_device(struct opened *o)
{
	struct vir0_error err = { 0 };
	char captured[] = "/tmp/vir0-megakernel-stderr-XXXXXX";
	int fd = mkstemp(captured);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	int status = vir0_cl_runtime_open(-1, &o->rt, &err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ssize_t n = pread(fd, o->stderr_text, sizeof(o->stderr_text) - 1, 0);
	o->stderr_text[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(captured);
	fputs(o->stderr_text, stderr); /* still shown in the test's log */
	ck_assert_msg(status == VIR0_OK, "%s", err.message);
	vir0_cl_device_describe(vir0_cl_runtime_device(o->rt), o->description,
				sizeof(o->description));
	printf("%s\n", o->description);
	o->from_cache = strstr(o->description, "from the disk cache") != NULL;
	ck_assert_msg(o->from_cache || strstr(o->description, "from source"), "%s",
		      o->description);
}

/* saxpy on the megakernel against the reference. */
static void run_saxpy(vir0_cl_runtime *rt)
{
	vir0_program *p = fixture_example("saxpy");
	struct vir0_binding *cl = fixture_bindings_random(p, 11, 1000);
	struct vir0_binding *want = fixture_bindings_copy(cl, p->nbuffers);
	struct vir0_error err = { 0 };
	char why[256];
	ck_assert_int_eq(vir0_run_reference(p, NULL, want, p->nbuffers, &err), VIR0_OK);
	ck_assert_msg(vir0_cl_runtime_run(rt, p, NULL, cl, p->nbuffers, &err) == VIR0_OK, "%s",
		      err.message);
	ck_assert_msg(fixture_bindings_equal(p, want, cl, why, sizeof(why)), "%s", why);
	fixture_bindings_free(cl, p->nbuffers);
	fixture_bindings_free(want, p->nbuffers);
	vir0_program_free(p);
}

/* Open, run saxpy, close; whether it came from the cache. */
static int open_run_close(const char *expect_on_stderr)
{
	struct opened o;
	open_device(&o);
	if (expect_on_stderr) {
		const char *first = strstr(o.stderr_text, expect_on_stderr);
		ck_assert_msg(first, "no \"%s\" on stderr: %s", expect_on_stderr, o.stderr_text);
		ck_assert_msg(!strstr(first + 1, expect_on_stderr), "reported twice: %s",
			      o.stderr_text);
	}
	run_saxpy(o.rt);
	vir0_cl_runtime_close(o.rt);
	return o.from_cache;
}

static unsigned char *read_file(const char *path, long *size)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	rewind(f);
	unsigned char *data = malloc((size_t)*size);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)*size, f), (size_t)*size);
	fclose(f);
	return data;
}

START_TEST(first_open_writes_the_next_loads)
{
	ck_assert_uint_eq(count_entries(NULL, 0), 0);
	ck_assert_msg(!open_run_close(NULL), "an empty cache gave a binary");
	ck_assert_uint_eq(count_entries(NULL, 0), 1);
	ck_assert_msg(open_run_close(NULL), "the second open built from source");
	ck_assert_uint_eq(count_entries(NULL, 0), 1);
}
END_TEST

/* A fresh cache's one entry, written by a first open: its path and its
 * bytes (malloc'd, *size of them). */
static unsigned char *first_entry(char *path, size_t path_size, long *size)
{
	open_run_close(NULL);
	ck_assert_uint_eq(count_entries(path, path_size), 1);
	return read_file(path, size);
}

START_TEST(corrupt_entry_is_reported_and_rebuilt)
{
	char path[512];
	long size;
	unsigned char *data = first_entry(path, sizeof(path), &size);
	for (long i = size / 2; i < size / 2 + 16 && i < size; i++)
		data[i] ^= 0xA5;
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, (size_t)size, f), (size_t)size);
	ck_assert_int_eq(fclose(f), 0);
	free(data);
	ck_assert_msg(!open_run_close("is corrupt (checksum mismatch)"),
		      "a corrupt entry was loaded");
	ck_assert_msg(open_run_close(NULL), "the rebuilt entry was not written back");
	ck_assert_uint_eq(count_entries(NULL, 0), 1);
}
END_TEST

/* A sound entry (right key and checksum) whose binary is not one. */
START_TEST(refused_binary_falls_back_to_source)
{
	char path[512];
	long size;
	unsigned char *data = first_entry(path, sizeof(path), &size);
	/* The header (cl_binary_cache.c): key length in bytes 12-15, the key
	 * from byte 32. */
	uint32_t key_len = data[12] | data[13] << 8 | data[14] << 16 | (uint32_t)data[15] << 24;
	ck_assert_uint_le(32 + key_len, (unsigned long)size);
	char *key = strndup((const char *)data + 32, key_len);
	unsigned char garbage[4096];
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)(i * 37 + 11);
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_cl_binary_cache_write(path, key, garbage, sizeof(garbage), &err) ==
		      VIR0_OK, "%s", err.message);
	free(key);
	free(data);
	ck_assert_msg(!open_run_close("does not load the megakernel's cache entry"),
		      "a refused binary counted as loaded");
	ck_assert_msg(open_run_close(NULL), "the rebuilt entry was not written back");
}
END_TEST

START_TEST(build_options_are_part_of_the_key)
{
	open_run_close(NULL);
	setenv("VIR0_CL_BUILD_OPTIONS", "-DVIR0_CACHE_TEST=1", 1);
	ck_assert_msg(!open_run_close(NULL), "other options loaded the first entry");
	ck_assert_uint_eq(count_entries(NULL, 0), 2);
	ck_assert_msg(open_run_close(NULL), "the second entry was not loaded");
	unsetenv("VIR0_CL_BUILD_OPTIONS");
	ck_assert_msg(open_run_close(NULL), "the first entry was lost");
	ck_assert_uint_eq(count_entries(NULL, 0), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opencl_binary_cache");
	TCase *tc = tcase_create("megakernel");
	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, first_open_writes_the_next_loads);
	tcase_add_test(tc, corrupt_entry_is_reported_and_rebuilt);
	tcase_add_test(tc, refused_binary_falls_back_to_source);
	tcase_add_test(tc, build_options_are_part_of_the_key);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
