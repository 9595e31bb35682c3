/* test_starpu_spec_common.c - StarPU under vir0-spec, the raced programs
 * and checked rounds of tasks for the speculation suites. */
#include "test_starpu_spec_common.h"
#include "fixture_starpu.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "starpu_vir0_variant.h"

#define ADD_HEAD                                 \
	"workgroup 64 1 1\n"                     \
	"buffer a u32[0] read\n"                 \
	"buffer b u32[0] read\n"                 \
	"buffer c u32[0] read_write output\n"    \
	"let i = gid.x\n"                        \
	"if i < len(c) {\n"

const char spec_plain_add[] = ADD_HEAD "	store c[i] = a[i] + b[i]\n}\n";

/* The same sums after 4000 rounds of an LCG per element: about 100x the
 * work, and its result enters the sum (as zero), so no executor may skip
 * it. */
const char spec_slow_add[] = ADD_HEAD
	"	let acc = a[i]\n"
	"	loop k = 0u .. 4000u {\n"
	"		acc = acc * 1664525u + 1013904223u\n"
	"	}\n"
	"	store c[i] = a[i] + b[i] + (acc & (b[i] >> 31u) & 0u)\n"
	"}\n";

/* One element in 7 off by one. */
const char spec_wrong_add[] = ADD_HEAD
	"	if i % 7u == 3u {\n"
	"		store c[i] = a[i] + b[i] + 1u\n"
	"	} else {\n"
	"		store c[i] = a[i] + b[i]\n"
	"	}\n"
	"}\n";

void spec_start(int ncpus, int nopencl)
{
	fixture_starpu_start_with(ncpus, nopencl, starpu_vir0_policy());
}

void spec_stop(void)
{
	fixture_starpu_stop();
}

starpu_vir0_program *spec_load(const char *text)
{
	starpu_vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_program_load(text, strlen(text), &p, &err) == VIR0_OK, "%s",
		      err.message);
	return p;
}

uint32_t spec_add_variant(starpu_vir0_program *program, const char *variant)
{
	starpu_vir0_program *v = spec_load(variant);
	uint32_t id = 0;
	struct vir0_error err = { 0 };
	ck_assert_msg(starpu_vir0_variant_add_for_tests(program, v, &id, &err) == VIR0_OK, "%s",
		      err.message);
	starpu_vir0_program_release(v); /* `program` keeps it */
	return id;
}

static pthread_mutex_t shape_lock = PTHREAD_MUTEX_INITIALIZER;
static struct starpu_vir0_shape last_shape;

/* After the run: the task keeps its shape in its arguments. */
static void note_shape(void *arg)
{
	(void)arg;
	struct starpu_vir0_shape shape;
	struct starpu_task *task = starpu_task_get_current();
	if (task && starpu_vir0_task_shape(task, &shape) == 0) {
		pthread_mutex_lock(&shape_lock);
		last_shape = shape;
		pthread_mutex_unlock(&shape_lock);
	}
}

unsigned spec_round(starpu_vir0_program *program, const starpu_vir0_program *reference,
		    unsigned n, unsigned ntasks, struct starpu_vir0_shape *shape)
{
	uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	uint32_t *want = calloc(n, sizeof *want), *c = calloc((size_t)n * ntasks, sizeof *c);
	starpu_data_handle_t *hc = calloc(ntasks, sizeof *hc);
	ck_assert(a && b && want && c && hc);
	for (unsigned i = 0; i < n; i++) {
		a[i] = i * 2654435761u;
		b[i] = ~i ^ (i << 7);
	}
	struct vir0_binding bind[3] = { { a, n * 4 }, { b, n * 4 }, { want, n * 4 } };
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_run_reference(starpu_vir0_program_get(reference), NULL, bind, 3, &err) ==
			      VIR0_OK, "%s", err.message);
	starpu_data_handle_t ha, hb;
	starpu_vector_data_register(&ha, STARPU_MAIN_RAM, (uintptr_t)a, n, 4);
	starpu_vector_data_register(&hb, STARPU_MAIN_RAM, (uintptr_t)b, n, 4);
	for (unsigned t = 0; t < ntasks; t++) {
		starpu_vector_data_register(&hc[t], STARPU_MAIN_RAM, (uintptr_t)(c + (size_t)t * n),
					    n, 4);
		int rc = starpu_vir0_task_insert(program, NULL, STARPU_R, ha, STARPU_R, hb, STARPU_W,
						 hc[t], STARPU_CALLBACK, note_shape, 0);
		ck_assert_msg(rc == 0, "%s", starpu_vir0_last_error()->message);
	}
	starpu_task_wait_for_all();
	starpu_data_unregister(ha);
	starpu_data_unregister(hb);
	unsigned wrong = 0;
	for (unsigned t = 0; t < ntasks; t++) {
		starpu_data_unregister(hc[t]);
		wrong += memcmp(c + (size_t)t * n, want, n * 4) != 0;
	}
	pthread_mutex_lock(&shape_lock);
	*shape = last_shape;
	pthread_mutex_unlock(&shape_lock);
	free(a);
	free(b);
	free(want);
	free(c);
	free(hc);
	return wrong;
}
