/* fixture_starpu.c - starting and stopping StarPU for the StarPU suites. */
#include "fixture_starpu.h"
#include "starpu_vir0_devices.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

void fixture_starpu_start(int ncpus, int nopencl)
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
