/* conformance_engines.h - the executors the differential conformance suite
 * (tests/test_conformance.c) compares with the reference interpreter. One
 * table entry per engine; adding an engine (OpenCL megakernel, OpenCL JIT)
 * means adding one entry in conformance_engines.c, behind its #ifdef when
 * it needs an optional library. */
#ifndef VIR0_TEST_CONFORMANCE_ENGINES_H
#define VIR0_TEST_CONFORMANCE_ENGINES_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Returned by an engine's setup when it cannot run on this machine (no
 * OpenCL platform, no device): the suite skips it and says why. */
#define CONFORMANCE_ENGINE_UNAVAILABLE 1

struct conformance_engine {
	const char *name;           /* in failure reports: "cpu1", "opencl-jit" */
	/* Optional (NULL: always ready). Called once in the test process
	 * before the engine's first run: VIR0_OK; CONFORMANCE_ENGINE_UNAVAILABLE
	 * with err->message saying why; or a negative status, which fails the
	 * suite. State it creates (a context, a queue) lives in the engine's
	 * own file. */
	int (*setup)(struct vir0_error *err);
	/* Optional: release what setup made; called only after a setup that
	 * returned VIR0_OK. */
	void (*teardown)(void);
	/* Run `program` over `groups` on `bindings` (n of them, one per declared
	 * buffer), with the contract of vir0_run_reference. */
	int (*run)(const vir0_program *program, const uint32_t groups[3],
		   struct vir0_binding *bindings, uint32_t n, struct vir0_error *err);
	/* How many generated programs (with their variants) this engine runs:
	 * 0 = all of them. A slow engine (the JIT compiles every variant) sees
	 * the first `max_programs`; the environment variable named by
	 * `max_programs_env`, when set, overrides it. Examples always run. */
	unsigned max_programs;
	const char *max_programs_env;
};

/* The program cap of `engine` after its environment override (where 0
 * means none): UINT_MAX for every program. */
unsigned conformance_engine_max_programs(const struct conformance_engine *engine);

/* Every engine of this build, in report order. */
const struct conformance_engine *conformance_engines(size_t *count);

#endif
