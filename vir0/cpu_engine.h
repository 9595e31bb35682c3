/* cpu_engine.h - the vectorised CPU interpreter's entry for callers that
 * lower once and run many times (the StarPU codelet): vir0_run_cpu in
 * vir0.h validates, lowers and verifies on every call; this does not. */
#ifndef VIR0_CPU_ENGINE_H
#define VIR0_CPU_ENGINE_H

#include "bytecode.h"
#include "vir0.h"

/* Run `bc`, which vir0_lower made from the validated `program` and which
 * passed vir0_bytecode_verify, over `groups` workgroups (NULL: the default
 * grid, fmt §1.6). The program gives the buffer declarations the bindings
 * are checked against (vir0_dispatch_prepare). threads = 0: one per
 * online CPU; 1: the calling thread only. */
int vir0_cpu_run_bytecode(const vir0_program *program, const struct vir0_bytecode *bc,
			  const uint32_t groups[3], struct vir0_binding *bindings,
			  uint32_t nbindings, unsigned threads, struct vir0_error *err);

#endif
