/* conformance_engines.c - the table of executors under conformance test
 * (conformance_engines.h). The CPU engine runs twice: on the calling
 * thread, as inside a StarPU worker, and on 4 threads, so workgroups run
 * concurrently and in varying order. */
#include "config.h"

#include "conformance_engines.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_OPENCL
#include "vir0_opencl.h"
#include "vir0_opencl_jit.h"

/* The JIT on its own standalone device, made in setup, with no disk
 * cache: every program is really compiled. */
static struct vir0_cl_jit_standalone jit_device;
static struct vir0_cl_jit *jit;

static int setup_opencl_jit(struct vir0_error *err)
{
	struct vir0_cl_jit_config config = { .cache_dir = "" };
	if (vir0_cl_jit_standalone_open(&jit_device, err))
		return CONFORMANCE_ENGINE_UNAVAILABLE;
	int status = vir0_cl_jit_create(jit_device.context, jit_device.device, &config, &jit, err);
	if (status != VIR0_OK) {
		vir0_cl_jit_standalone_close(&jit_device);
		return status == VIR0_EUNSUPPORTED ? CONFORMANCE_ENGINE_UNAVAILABLE : status;
	}
	return VIR0_OK;
}

static void teardown_opencl_jit(void)
{
	vir0_cl_jit_destroy(jit);
	vir0_cl_jit_standalone_close(&jit_device);
}

static int run_opencl_jit(const vir0_program *program, const uint32_t groups[3],
			  struct vir0_binding *bindings, uint32_t n, struct vir0_error *err)
{
	return vir0_cl_jit_run_host(jit, &jit_device, program, groups, bindings, n, err);
}
#endif

static int run_cpu1(const vir0_program *program, const uint32_t groups[3],
		    struct vir0_binding *bindings, uint32_t n, struct vir0_error *err)
{
	return vir0_run_cpu(program, groups, bindings, n, 1, err);
}

static int run_cpu4(const vir0_program *program, const uint32_t groups[3],
		    struct vir0_binding *bindings, uint32_t n, struct vir0_error *err)
{
	return vir0_run_cpu(program, groups, bindings, n, 4, err);
}

static const struct conformance_engine engines[] = {
	{ .name = "cpu1", .run = run_cpu1 },
	{ .name = "cpu4", .run = run_cpu4 },
#ifdef HAVE_OPENCL
	/* The megakernel on $VIR0_OPENCL_DEVICE (default 0): PoCL in CI. A
	 * launch per run costs ~0.1 ms on PoCL, so a few thousand programs. */
	{ .name = "opencl", .run = vir0_cl_run, .max_programs = 3000,
	  .max_programs_env = "VIR0_FUZZ_OPENCL_N" },
	/* Every program and variant is one clBuildProgram (0.05-3 s on PoCL,
	 * 50-70 ms on an H100), so a few dozen programs by default. */
	{ .name = "opencl-jit", .setup = setup_opencl_jit, .teardown = teardown_opencl_jit,
	  .run = run_opencl_jit, .max_programs = 25, .max_programs_env = "VIR0_FUZZ_JIT_N" },
#endif
};

const struct conformance_engine *conformance_engines(size_t *count)
{
	*count = sizeof(engines) / sizeof(engines[0]);
	return engines;
}

unsigned conformance_engine_max_programs(const struct conformance_engine *engine)
{
	unsigned table = engine->max_programs ? engine->max_programs : UINT_MAX;
	const char *text = engine->max_programs_env ? getenv(engine->max_programs_env) : NULL;
	if (!text || !*text)
		return table;
	char *end;
	unsigned long value = strtoul(text, &end, 10);
	if (*end || value > UINT_MAX) {
		fprintf(stderr, "conformance: %s=%s is not a program count; keeping %u\n",
			engine->max_programs_env, text, table);
		return table;
	}
	return (unsigned)value;
}
