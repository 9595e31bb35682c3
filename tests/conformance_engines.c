/* conformance_engines.c - the table of executors under conformance test
 * (conformance_engines.h). The CPU engine runs twice: on the calling
 * thread, as inside a StarPU worker, and on 4 threads, so workgroups run
 * concurrently and in varying order. */
#include "conformance_engines.h"

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
};

const struct conformance_engine *conformance_engines(size_t *count)
{
	*count = sizeof(engines) / sizeof(engines[0]);
	return engines;
}
