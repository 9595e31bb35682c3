/* cpu_engine.h - the vectorised CPU interpreter's entries for callers that
 * lower once and run many times (the StarPU codelet): vir0_run_cpu in
 * vir0.h validates, lowers and verifies on every call; these do not. */
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

/* What one dispatch shape of one program has been checked and decoded
 * into: the bytecode's agreement with the program, the grid, the
 * bindings' sizes, the decode and the plan (cpu_prepared.c). */
struct vir0_cpu_prepared;

/* vir0_cpu_run_bytecode on the calling thread alone, for a caller that
 * runs one program on one shape call after call (a StarPU worker).
 * *prepared (NULL at first) keeps what a call checked and derived; a
 * later call with the same program and bytecode (by address), grid (or
 * NULL again) and binding sizes only checks each binding's size and
 * pointer against it. Any other call checks everything, as
 * vir0_cpu_run_bytecode does, and replaces *prepared (NULL when that
 * failed). A *prepared belongs to one thread at a time; free it with
 * vir0_cpu_prepared_free before its program or bytecode goes. */
int vir0_cpu_run_prepared(struct vir0_cpu_prepared **prepared, const vir0_program *program,
			  const struct vir0_bytecode *bc, const uint32_t groups[3],
			  struct vir0_binding *bindings, uint32_t nbindings,
			  struct vir0_error *err);
void vir0_cpu_prepared_free(struct vir0_cpu_prepared *prepared);

#endif
