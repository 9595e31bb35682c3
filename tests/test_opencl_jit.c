/* test_opencl_jit.c - the JIT's host side on the first OpenCL device: a
 * second JIT on the same cache directory builds from disk (counted, not
 * timed); a corrupt or truncated cache entry is detected, reported and
 * rebuilt; builds run on the background thread; a build that fails is
 * reported once with its log and is not fatal; launches on the caller's
 * queue honour byte offsets, element counts, events and fmt §1.5/§1.6's
 * argument rules. Compile times go to stdout (information, not asserted). */
#include "vir0_opencl_jit.h"
#include "fixtures.h"

#include <check.h>
#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct vir0_cl_jit_standalone cl;
static char cache_dir[64];

/* What the report callback saw. */
struct reports {
	unsigned count;
	int off_main_thread;
	char last[1024];
};

static pthread_t main_thread;

static void record(void *user, const char *message)
{
	struct reports *r = user;
	r->count++;
	r->off_main_thread |= !pthread_equal(pthread_self(), main_thread);
	snprintf(r->last, sizeof(r->last), "%s", message);
}

static void setup(void)
{
	struct vir0_error err;
	main_thread = pthread_self();
	if (vir0_cl_jit_standalone_open(&cl, &err))
		fixture_die("no OpenCL device", err.message);
	snprintf(cache_dir, sizeof(cache_dir), "/tmp/vir0-jit-test-XXXXXX");
	if (!mkdtemp(cache_dir))
		fixture_die("mkdtemp", cache_dir);
}

static void remove_cache(void)
{
	DIR *d = opendir(cache_dir);
	struct dirent *e;
	char path[512];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", cache_dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

static void teardown(void)
{
	remove_cache();
	rmdir(cache_dir);
	vir0_cl_jit_standalone_close(&cl);
}

/* The one entry file of the cache directory. */
static void cache_entry(char *path, size_t size)
{
	DIR *d = opendir(cache_dir);
	struct dirent *e;
	unsigned found = 0;
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".bin") && !strstr(e->d_name, ".tmp")) {
			snprintf(path, size, "%s/%s", cache_dir, e->d_name);
			found++;
		}
	closedir(d);
	ck_assert_uint_eq(found, 1);
}

static struct vir0_cl_jit *new_jit(struct reports *reports)
{
	struct vir0_cl_jit *jit;
	struct vir0_error err;
	struct vir0_cl_jit_config config = {
		.cache_dir = cache_dir, .report = record, .report_user = reports,
	};
	ck_assert_msg(vir0_cl_jit_create(cl.context, cl.device, &config, &jit, &err) == 0, "%s",
		      err.message);
	return jit;
}

/* Run saxpy through `jit` and check one element against the reference. */
static void run_saxpy(struct vir0_cl_jit *jit, const vir0_program *p)
{
	struct vir0_binding *in = fixture_bindings_random(p, 7, 300);
	struct vir0_binding *want = fixture_bindings_copy(in, p->nbuffers);
	struct vir0_error err;
	char why[256];
	ck_assert_int_eq(vir0_run_reference(p, NULL, want, p->nbuffers, &err), 0);
	ck_assert_msg(vir0_cl_jit_run_host(jit, &cl, p, NULL, in, p->nbuffers, &err) == 0, "%s",
		      err.message);
	ck_assert_msg(fixture_bindings_equal(p, want, in, why, sizeof(why)), "%s", why);
	fixture_bindings_free(in, p->nbuffers);
	fixture_bindings_free(want, p->nbuffers);
}

static uint64_t build(struct vir0_cl_jit *jit, const vir0_program *p,
		      struct vir0_cl_jit_kernel **out)
{
	struct vir0_error err;
	ck_assert_int_eq(vir0_cl_jit_request(jit, p, out, &err), 0);
	ck_assert_msg(vir0_cl_jit_wait(*out, &err) == 0, "%s", err.message);
	ck_assert_int_eq(vir0_cl_jit_poll(*out), VIR0_CL_JIT_READY);
	return vir0_cl_jit_compile_ns(*out);
}

START_TEST(second_jit_builds_from_disk)
{
	struct reports reports = { 0 };
	struct vir0_cl_jit_stats stats;
	struct vir0_cl_jit_kernel *k, *again;
	vir0_program *p = fixture_example("saxpy");
	remove_cache();

	struct vir0_cl_jit *first = new_jit(&reports);
	uint64_t cold = build(first, p, &k);
	ck_assert_int_eq(vir0_cl_jit_from_cache(k), 0);
	ck_assert_uint_gt(cold, 0);
	ck_assert_ptr_nonnull(strstr(vir0_cl_jit_source(k), "vir0_f32_canon"));
	/* Same program again: the same kernel, from memory. */
	ck_assert_int_eq(vir0_cl_jit_request(first, p, &again, NULL), 0);
	ck_assert_ptr_eq(again, k);
	run_saxpy(first, p);
	vir0_cl_jit_get_stats(first, &stats);
	ck_assert_uint_eq(stats.source_builds, 1);
	ck_assert_uint_eq(stats.disk_writes, 1);
	ck_assert_uint_eq(stats.disk_hits, 0);
	ck_assert_uint_ge(stats.memory_hits, 1);
	vir0_cl_jit_destroy(first);

	struct vir0_cl_jit *second = new_jit(&reports);
	uint64_t warm = build(second, p, &k);
	ck_assert_int_eq(vir0_cl_jit_from_cache(k), 1);
	run_saxpy(second, p);
	vir0_cl_jit_get_stats(second, &stats);
	ck_assert_uint_eq(stats.disk_hits, 1);
	ck_assert_uint_eq(stats.source_builds, 0);
	ck_assert_uint_eq(stats.disk_corrupt, 0);
	vir0_cl_jit_destroy(second);
	ck_assert_uint_eq(reports.count, 0);
	printf("opencl_jit: saxpy on %s: build from source %.1f ms, from the disk cache %.1f ms\n",
	       cl.device_name, cold / 1e6, warm / 1e6);
	vir0_program_free(p);
}
END_TEST

/* Damage the entry (10 bytes cut off when `cut`, else one byte flipped in the
 * middle), then a new JIT must report it, rebuild and rewrite it. */
static void check_damaged_entry_is_rebuilt(int cut)
{
	struct reports reports = { 0 };
	struct vir0_cl_jit_stats stats;
	struct vir0_cl_jit_kernel *k;
	char path[512];
	vir0_program *p = fixture_example("vector_add");
	remove_cache();
	struct vir0_cl_jit *jit = new_jit(&reports);
	build(jit, p, &k);
	vir0_cl_jit_destroy(jit);

	cache_entry(path, sizeof(path));
	FILE *f = fopen(path, "r+b");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long length = ftell(f);
	ck_assert_int_gt(length, 64);
	if (cut) {
		fclose(f);
		ck_assert_int_eq(truncate(path, length - 10), 0);
	} else {
		ck_assert_int_eq(fseek(f, length / 2, SEEK_SET), 0);
		int c = fgetc(f);
		ck_assert_int_eq(fseek(f, length / 2, SEEK_SET), 0);
		fputc(c ^ 0x40, f);
		fclose(f);
	}

	jit = new_jit(&reports);
	build(jit, p, &k);
	ck_assert_int_eq(vir0_cl_jit_from_cache(k), 0);
	vir0_cl_jit_get_stats(jit, &stats);
	ck_assert_uint_eq(stats.disk_corrupt, 1);
	ck_assert_uint_eq(stats.disk_hits, 0);
	ck_assert_uint_eq(stats.source_builds, 1);
	ck_assert_uint_eq(stats.disk_writes, 1);
	ck_assert_uint_eq(reports.count, 1);
	ck_assert_msg(strstr(reports.last, "corrupt") != NULL, "%s", reports.last);
	vir0_cl_jit_destroy(jit);

	/* The rewritten entry is sound again. */
	jit = new_jit(&reports);
	build(jit, p, &k);
	ck_assert_int_eq(vir0_cl_jit_from_cache(k), 1);
	vir0_cl_jit_destroy(jit);
	ck_assert_uint_eq(reports.count, 1);
	vir0_program_free(p);
}

START_TEST(flipped_byte_in_cache_is_detected_and_rebuilt)
{
	check_damaged_entry_is_rebuilt(0);
}
END_TEST

START_TEST(truncated_cache_entry_is_detected_and_rebuilt)
{
	check_damaged_entry_is_rebuilt(1);
}
END_TEST

/* A Workgroup buffer larger than any device's local memory (64 MiB, the
 * validator's limit) cannot run: the failure comes back as a value, is
 * reported once from the build thread, and the program still runs with
 * the reference interpreter. */
START_TEST(failed_build_is_reported_once_and_not_fatal)
{
	struct reports reports = { 0 };
	struct vir0_cl_jit_kernel *k, *again;
	struct vir0_error err = { 0 };
	vir0_program *p = vir0_program_new();
	ck_assert_int_eq(vir0_add_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 0, 1), 0);
	ck_assert_int_eq(vir0_add_buffer(p, "huge", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32,
					 16u << 20, 0), 0);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, "out", vir0_invocation_id(p, 0),
			  vir0_load(p, "huge", vir0_invocation_id(p, 0)))), 0);
	ck_assert_int_eq(vir0_validate(p, &err), 0);

	struct vir0_cl_jit *jit = new_jit(&reports);
	ck_assert_int_eq(vir0_cl_jit_request(jit, p, &k, &err), 0);
	int rc = vir0_cl_jit_wait(k, &err);
	ck_assert_int_ne(rc, 0);
	ck_assert_int_eq(vir0_cl_jit_poll(k), VIR0_CL_JIT_FAILED);
	ck_assert_uint_eq(vir0_cl_jit_compile_ns(k), 0);
	ck_assert_int_eq(rc, VIR0_EUNSUPPORTED);
	ck_assert_msg(strstr(err.message, "local memory") != NULL, "%s", err.message);
	/* Asking again neither rebuilds nor reports again. */
	ck_assert_int_eq(vir0_cl_jit_request(jit, p, &again, NULL), 0);
	ck_assert_ptr_eq(again, k);
	ck_assert_int_ne(vir0_cl_jit_wait(again, NULL), 0);
	struct vir0_cl_jit_arg arg = { NULL, 0, 0 };
	uint32_t groups[3] = { 1, 1, 1 };
	ck_assert_int_eq(vir0_cl_jit_enqueue(k, cl.queue, groups, &arg, 2, 0, NULL, NULL, &err),
			 VIR0_EARG);
	struct vir0_cl_jit_stats stats;
	vir0_cl_jit_get_stats(jit, &stats);
	ck_assert_uint_eq(stats.failures, 1);
	ck_assert_uint_eq(reports.count, 1);
	ck_assert(reports.off_main_thread);
	ck_assert_msg(strstr(reports.last, "interpreter") != NULL, "%s", reports.last);
	vir0_cl_jit_destroy(jit);

	uint32_t data[4] = { 9, 9, 9, 9 };
	struct vir0_binding bindings[2] = { { data, sizeof(data) }, { NULL, 0 } };
	ck_assert_int_eq(vir0_run_reference(p, NULL, bindings, 2, &err), 0);
	vir0_program_free(p);
}
END_TEST

/* Requests return before the build: several programs queued at once all
 * come out ready, built on the JIT thread (the caller never built). */
START_TEST(requests_build_in_the_background)
{
	static const char *const names[] = { "vector_add", "histogram", "prefix_sum", "dfa_scan" };
	struct vir0_cl_jit_kernel *k[4];
	struct reports reports = { 0 };
	struct vir0_cl_jit_config config = { .cache_dir = "", .report = record,
					     .report_user = &reports };
	struct vir0_cl_jit *jit;
	vir0_program *p[4];
	ck_assert_int_eq(vir0_cl_jit_create(cl.context, cl.device, &config, &jit, NULL), 0);
	for (int i = 0; i < 4; i++) {
		p[i] = fixture_example(names[i]);
		ck_assert_int_eq(vir0_cl_jit_request(jit, p[i], &k[i], NULL), 0);
		int state = vir0_cl_jit_poll(k[i]);
		ck_assert(state == VIR0_CL_JIT_PENDING || state == VIR0_CL_JIT_READY);
	}
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(vir0_cl_jit_wait(k[i], NULL), 0);
		printf("opencl_jit: %s built in %.1f ms on %s\n", names[i],
		       vir0_cl_jit_compile_ns(k[i]) / 1e6, cl.device_name);
	}
	struct vir0_cl_jit_stats stats;
	vir0_cl_jit_get_stats(jit, &stats);
	ck_assert_uint_eq(stats.source_builds, 4);
	ck_assert_uint_eq(stats.requests, 4);
	vir0_cl_jit_destroy(jit);
	for (int i = 0; i < 4; i++)
		vir0_program_free(p[i]);
}
END_TEST

/* vector_add on slices of larger cl_mem buffers, asynchronously after a
 * user event, then the result read back. */
START_TEST(launch_honours_offsets_counts_and_events)
{
	struct vir0_cl_jit_config config = { .cache_dir = "" };
	struct vir0_cl_jit *jit;
	struct vir0_cl_jit_kernel *k;
	struct vir0_error err;
	cl_int status;
	enum { N = 100, PAD = 16 };
	uint32_t a[N + PAD], b[N + PAD], c[N + 2 * PAD];
	vir0_program *p = fixture_example("vector_add");
	for (uint32_t i = 0; i < N + PAD; i++) {
		a[i] = i;
		b[i] = 1000 * i;
	}
	for (uint32_t i = 0; i < N + 2 * PAD; i++)
		c[i] = 0xCCCCCCCCu;
	ck_assert_int_eq(vir0_cl_jit_create(cl.context, cl.device, &config, &jit, NULL), 0);
	build(jit, p, &k);
	cl_mem ma = clCreateBuffer(cl.context, CL_MEM_COPY_HOST_PTR, sizeof(a), a, &status);
	cl_mem mb = clCreateBuffer(cl.context, CL_MEM_COPY_HOST_PTR, sizeof(b), b, &status);
	cl_mem mc = clCreateBuffer(cl.context, CL_MEM_COPY_HOST_PTR, sizeof(c), c, &status);
	ck_assert_ptr_nonnull(mc);
	/* a from element 3, b from element 0, c from element PAD. */
	struct vir0_cl_jit_arg args[3] = {
		{ ma, 3 * 4, N }, { mb, 0, N }, { mc, PAD * 4, N },
	};
	uint32_t groups[3] = { 2, 1, 1 };
	cl_event gate = clCreateUserEvent(cl.context, &status), done;
	ck_assert_msg(vir0_cl_jit_enqueue(k, cl.queue, groups, args, 3, 1, &gate, &done, &err) == 0,
		      "%s", err.message);
	clSetUserEventStatus(gate, CL_COMPLETE);
	ck_assert_int_eq(clWaitForEvents(1, &done), CL_SUCCESS);
	clReleaseEvent(done);
	clReleaseEvent(gate);
	ck_assert_int_eq(clEnqueueReadBuffer(cl.queue, mc, CL_TRUE, 0, sizeof(c), c, 0, NULL, NULL),
			 CL_SUCCESS);
	for (uint32_t i = 0; i < N + 2 * PAD; i++) {
		uint32_t want = i >= PAD && i < PAD + N ? (i - PAD + 3) + 1000 * (i - PAD) : 0xCCCCCCCCu;
		ck_assert_msg(c[i] == want, "c[%u] = %u, want %u", i, c[i], want);
	}

	/* fmt §1.5/§1.6 refusals. */
	struct vir0_cl_jit_arg bad[3] = { args[0], args[1], args[2] };
	bad[0].offset = 2;
	ck_assert_int_eq(vir0_cl_jit_run(k, cl.queue, groups, bad, 3, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_cl_jit_run(k, cl.queue, groups, args, 2, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_cl_jit_run(k, cl.queue, NULL, args, 3, &err), VIR0_EARG);
	uint32_t too_many[3] = { 0x4000001u, 1, 1 }; /* (2^26 + 1) x 64 invocations > 2^32 */
	ck_assert_int_eq(vir0_cl_jit_run(k, cl.queue, too_many, args, 3, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "2^32"));
	/* The synchronous helper gives the same result. */
	ck_assert_int_eq(vir0_cl_jit_run(k, cl.queue, groups, args, 3, &err), 0);

	clReleaseMemObject(ma);
	clReleaseMemObject(mb);
	clReleaseMemObject(mc);
	vir0_cl_jit_destroy(jit);
	vir0_program_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opencl_jit");
	TCase *tc = tcase_create("opencl_jit");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, second_jit_builds_from_disk);
	tcase_add_test(tc, flipped_byte_in_cache_is_detected_and_rebuilt);
	tcase_add_test(tc, truncated_cache_entry_is_detected_and_rebuilt);
	tcase_add_test(tc, failed_build_is_reported_once_and_not_fatal);
	tcase_add_test(tc, requests_build_in_the_background);
	tcase_add_test(tc, launch_honours_offsets_counts_and_events);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
