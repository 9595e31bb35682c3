/* fixture_starpu.c - starting and stopping StarPU for the StarPU suites. */
#include "fixture_starpu.h"
#include "starpu_vir0_devices.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fixture_starpu_start(int ncpus, int nopencl)
{
	fixture_starpu_start_with(ncpus, nopencl, NULL);
}

void fixture_starpu_start_with(int ncpus, int nopencl, struct starpu_sched_policy *policy)
{
	/* hwloc's PCI plugin, which StarPU's topology discovery loads and
	 * unloads, leaks (LSan reports it from an unloaded module when there
	 * is no OpenCL worker); these tests need no PCI topology. */
	setenv("HWLOC_PLUGINS_BLACKLIST", "hwloc_pci", 0);
	char text[16];
	snprintf(text, sizeof(text), "%d", ncpus);
	setenv("STARPU_NCPU", text, 1);
	snprintf(text, sizeof(text), "%d", nopencl);
	setenv("STARPU_NOPENCL", text, 1);
	struct starpu_conf conf;
	starpu_conf_init(&conf);
	conf.ncpus = ncpus;
	conf.nopencl = nopencl;
	conf.ncuda = 0;
	if (policy) {
		unsetenv("STARPU_SCHED");
		conf.sched_policy = policy;
	}
	ck_assert_int_eq(starpu_init(&conf), 0);
	ck_assert_int_eq((int)starpu_cpu_worker_get_count(), ncpus);
	ck_assert_int_eq((int)starpu_opencl_worker_get_count(), nopencl);
}

void fixture_starpu_stop(void)
{
	starpu_shutdown();
	starpu_vir0_devices_release();
}

int fixture_starpu_worker_of(enum starpu_worker_archtype type)
{
	int id = -1;
	ck_assert_int_eq(starpu_worker_get_ids_by_type(type, &id, 1), 1);
	return id;
}

void fixture_saxpy_init(struct fixture_saxpy *s, const vir0_program *saxpy)
{
	enum { N = FIXTURE_SAXPY_N, PARTS = FIXTURE_SAXPY_PARTS };
	s->alpha = 1.5f;
	for (int i = 0; i < N; i++) {
		s->x[i] = s->ref_x[i] = (float)i * 0.25f - 7.0f;
		s->y[i] = s->ref_y[i] = (float)(N - i) * 0.125f;
	}
	struct vir0_error err = { 0 };
	struct vir0_binding whole[3] = { { &s->alpha, 4 }, { s->ref_x, sizeof(s->ref_x) },
					 { s->ref_y, sizeof(s->ref_y) } };
	ck_assert_int_eq(vir0_run_reference(saxpy, NULL, whole, 3, &err), VIR0_OK);
	for (int part = 0; part < PARTS; part++) {
		size_t at = (size_t)part * N / PARTS, n = (size_t)(part + 1) * N / PARTS - at;
		struct vir0_binding block[3] = { { &s->alpha, 4 }, { s->ref_x + at, n * 4 },
						 { s->ref_y + at, n * 4 } };
		ck_assert_int_eq(vir0_run_reference(saxpy, NULL, block, 3, &err), VIR0_OK);
	}
}

void fixture_saxpy_check(const struct fixture_saxpy *s)
{
	ck_assert_int_eq(memcmp(s->x, s->ref_x, sizeof(s->x)), 0);
	for (int i = 0; i < FIXTURE_SAXPY_N; i++)
		ck_assert_msg(memcmp(&s->y[i], &s->ref_y[i], 4) == 0, "y[%d] = %a, reference %a",
			      i, (double)s->y[i], (double)s->ref_y[i]);
}
