/* test_starpu_policy_vir0.c - VIR0 tasks through vir0-spec: each meets
 * the choice point, its shape enters the context's table (program, grid
 * and bytes in buckets: sizes a little apart share a shape), the
 * conservative implementation runs on the CPU and the OpenCL worker with
 * exact results; a full table leaves later shapes unrecorded on the
 * interpreter; a bad VIR0_SCHED_SHAPES warns and keeps the default. The
 * shape key itself: its buckets, their edges, its format. */
#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <starpu.h>

#include "starpu_vir0.h"
#include "starpu_vir0_devices.h"
#include "shapes.h"
#include "starpu_vir0_task.h"
#include "vir0_spec.h"

/* SMALL and NEAR share a bucket (16 groups of 64, 12000 and 12036
 * bytes), LARGE is three times as big. */
enum { SMALL = 1000, NEAR = 1003, LARGE = 3000, TASKS_PER_SHAPE = 12 };

static atomic_uint checked, not_interpreter;

static void start(void)
{
	/* hwloc's PCI plugin leaks under LeakSanitizer; no PCI needed here. */
	setenv("HWLOC_PLUGINS_BLACKLIST", "hwloc_pci", 0);
	/* The choice point without speculation: every task on the
	 * interpreter (tests/test_starpu_spec.c races variants). */
	setenv("VIR0_SPEC", "off", 1);
	unsetenv("STARPU_SCHED");
	struct starpu_conf conf;
	starpu_conf_init(&conf);
	conf.sched_policy = starpu_vir0_policy();
	ck_assert_int_eq(starpu_init(&conf), 0);
	ck_assert_uint_ge(starpu_opencl_worker_get_count(), 1);
}

static void stop(void)
{
	starpu_shutdown();
	starpu_vir0_devices_release();
}

static starpu_vir0_program *load_vector_add(void)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/examples/vector_add.vir0s", VIR0_TOP_SRCDIR);
	starpu_vir0_program *program = NULL;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_program_load_file(path, &program, &err) == 0, "%s",
		      err.message);
	return program;
}

/* Runs after the task: the implementation the worker ran it with. */
static void check_implementation(void *arg)
{
	struct starpu_task *task = starpu_task_get_current();
	(void)arg;
	if (!task)
		return;
	atomic_fetch_add(&checked, 1);
	if (starpu_task_get_implementation(task) != STARPU_VIR0_IMPL_INTERPRETER)
		atomic_fetch_add(&not_interpreter, 1);
}

/* TASKS_PER_SHAPE additions of `n` elements each, c = a + b, checked. */
static void add_vectors(starpu_vir0_program *program, unsigned n)
{
	uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	uint32_t *c = calloc((size_t)n * TASKS_PER_SHAPE, sizeof *c);
	ck_assert(a && b && c);
	for (unsigned i = 0; i < n; i++) {
		a[i] = i * 2654435761u;
		b[i] = ~i;
	}
	starpu_data_handle_t ha, hb, hc[TASKS_PER_SHAPE];
	starpu_vector_data_register(&ha, STARPU_MAIN_RAM, (uintptr_t)a, n, sizeof *a);
	starpu_vector_data_register(&hb, STARPU_MAIN_RAM, (uintptr_t)b, n, sizeof *b);
	for (int t = 0; t < TASKS_PER_SHAPE; t++) {
		starpu_vector_data_register(&hc[t], STARPU_MAIN_RAM, (uintptr_t)(c + (size_t)t * n),
					    n, sizeof *c);
		int status = starpu_vir0_task_insert(program, NULL, STARPU_R, ha, STARPU_R, hb,
						     STARPU_W, hc[t], STARPU_CALLBACK,
						     check_implementation, 0);
		ck_assert_msg(status == 0, "%s", starpu_vir0_last_error()->message);
	}
	starpu_task_wait_for_all();
	starpu_data_unregister(ha);
	starpu_data_unregister(hb);
	for (int t = 0; t < TASKS_PER_SHAPE; t++)
		starpu_data_unregister(hc[t]);
	for (int t = 0; t < TASKS_PER_SHAPE; t++)
		for (unsigned i = 0; i < n; i++)
			ck_assert_uint_eq(c[(size_t)t * n + i], a[i] + b[i]);
	free(a);
	free(b);
	free(c);
}

START_TEST(vir0_tasks_meet_the_choice_point)
{
	start();
	starpu_vir0_program *program = load_vector_add();
	add_vectors(program, SMALL);
	add_vectors(program, LARGE);
	add_vectors(program, SMALL);
	add_vectors(program, NEAR);
	struct starpu_vir0_sched_counts counts;
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts), 0);
	starpu_vir0_program_release(program);
	stop();
	ck_assert_uint_eq(counts.tasks, 4 * TASKS_PER_SHAPE);
	ck_assert_uint_eq(counts.vir0_tasks, 4 * TASKS_PER_SHAPE);
	ck_assert_uint_eq(counts.shapes, 2);
	ck_assert_uint_eq(counts.unrecorded, 0);
	ck_assert_uint_eq(atomic_load(&checked), 4 * TASKS_PER_SHAPE);
	ck_assert_uint_eq(atomic_load(&not_interpreter), 0);
}
END_TEST

/* The key of a shape of program hash 00 01 .. 0f. */
static void key_of(uint32_t g0, uint32_t g1, uint32_t g2, uint64_t bytes,
		   char key[STARPU_VIR0_SHAPE_KEY_LEN + 1])
{
	struct starpu_vir0_shape shape = { .groups = { g0, g1, g2 }, .bytes = bytes };
	for (unsigned i = 0; i < sizeof shape.program_hash; i++)
		shape.program_hash[i] = (uint8_t)i;
	starpu_vir0_shape_key(&shape, key);
	ck_assert_uint_eq(strlen(key), STARPU_VIR0_SHAPE_KEY_LEN);
}

START_TEST(shape_buckets_and_their_edges)
{
	for (uint64_t x = 0; x < 8; x++)
		ck_assert_uint_eq(starpu_vir0_shape_bucket(x), x);
	/* Every bucket from 4 up starts where shapes.h says, one past the
	 * end of the bucket below, up to 2^64 - 1. */
	for (unsigned b = 4; b <= 251; b++) {
		uint64_t start = (uint64_t)(4 + b % 4) << (b / 4 - 1);
		ck_assert_uint_eq(starpu_vir0_shape_bucket(start), b);
		ck_assert_uint_eq(starpu_vir0_shape_bucket(start - 1), b - 1);
	}
	ck_assert_uint_eq(starpu_vir0_shape_bucket(UINT64_MAX), 251);
	ck_assert_uint_eq(starpu_vir0_shape_bucket(UINT32_MAX), 123);
}
END_TEST

START_TEST(shape_key_groups_sizes_in_buckets)
{
	char a[STARPU_VIR0_SHAPE_KEY_LEN + 1], b[STARPU_VIR0_SHAPE_KEY_LEN + 1];
	/* The format the autotune store keeps (a change needs a new store
	 * version): hash, then the buckets of 3 group counts and the bytes. */
	key_of(16, 1, 1, 12000, a);
	ck_assert_str_eq(a, "000102030405060708090a0b0c0d0e0f" "0c010131");
	/* n = 1000000 and 1000003 single-precision elements, 3 buffers,
	 * groups of 64: one shape. */
	key_of(15625, 1, 1, 12000000, a);
	key_of(15626, 1, 1, 12000036, b);
	ck_assert_str_eq(a, b);
	/* 25 % more: another shape, by its groups and by its bytes. */
	key_of(19532, 1, 1, 12000000, b);
	ck_assert_str_ne(a, b);
	key_of(15625, 1, 1, 15000000, b);
	ck_assert_str_ne(a, b);
	/* Either side of a bucket's edge (2^20 = 4 << 18: bucket 76). */
	key_of(1, 1, 1, (1u << 20) - 1, a);
	key_of(1, 1, 1, 1u << 20, b);
	ck_assert_str_ne(a, b);
	key_of(1, 1, 1, (1u << 20) + (1u << 18) - 1, a);
	ck_assert_str_eq(a, b);
	/* Small counts are exact; 0 bytes is a size of its own. */
	key_of(1, 1, 1, 0, a);
	ck_assert_str_eq(a + 32, "01010100");
	key_of(1, 1, 1, 1, b);
	ck_assert_str_ne(a, b);
	key_of(2, 1, 1, 0, b);
	ck_assert_str_ne(a, b);
	/* The largest sizes still write two digits each. */
	key_of(UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT64_MAX, a);
	ck_assert_str_eq(a + 32, "7b7b7bfb");
	/* The same total on other axes is another shape. */
	key_of(1000, 1000, 1, 4000000, a);
	key_of(1000000, 1, 1, 4000000, b);
	ck_assert_str_ne(a, b);
	key_of(1, 1000, 1000, 4000000, b);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(full_table_keeps_the_interpreter)
{
	setenv("VIR0_SCHED_SHAPES", "1", 1);
	start();
	starpu_vir0_program *program = load_vector_add();
	add_vectors(program, SMALL);
	add_vectors(program, LARGE);
	struct starpu_vir0_sched_counts counts;
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts), 0);
	starpu_vir0_program_release(program);
	stop();
	ck_assert_uint_eq(counts.shapes, 1);
	ck_assert_uint_eq(counts.unrecorded, TASKS_PER_SHAPE);
	ck_assert_uint_eq(atomic_load(&not_interpreter), 0);
}
END_TEST

START_TEST(bad_shapes_value_warns_and_keeps_the_default)
{
	setenv("VIR0_SCHED_SHAPES", "many", 1);
	char path[] = "/tmp/test_starpu_policy_vir0.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	start();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	starpu_vir0_program *program = load_vector_add();
	add_vectors(program, SMALL);
	add_vectors(program, LARGE);
	struct starpu_vir0_sched_counts counts;
	ck_assert_int_eq(starpu_vir0_sched_counts(0, &counts), 0);
	starpu_vir0_program_release(program);
	stop();
	char text[4096] = "";
	ssize_t got = pread(fd, text, sizeof text - 1, 0);
	close(fd);
	unlink(path);
	ck_assert_int_gt(got, 0);
	ck_assert_ptr_nonnull(strstr(text, "vir0: VIR0_SCHED_SHAPES=many is not a whole "
				     "number from 1 to 1048576; using 1024"));
	ck_assert_uint_eq(counts.shapes, 2);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("starpu_policy_vir0");
	TCase *tc = tcase_create("vir0");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, shape_buckets_and_their_edges);
	tcase_add_test(tc, shape_key_groups_sizes_in_buckets);
	tcase_add_test(tc, vir0_tasks_meet_the_choice_point);
	tcase_add_test(tc, full_table_keeps_the_interpreter);
	tcase_add_test(tc, bad_shapes_value_warns_and_keeps_the_default);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
