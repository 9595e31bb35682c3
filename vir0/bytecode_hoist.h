/* bytecode_hoist.h - a pass over lowered bytecode that moves constants
 * out of loops (bytecode_hoist.c). */
#ifndef VIR0_BYTECODE_HOIST_H
#define VIR0_BYTECODE_HOIST_H

#include "bytecode.h"

/* Replace the CONSTs inside loops whose values are read only within
 * their straight-line block by registers set once at the start of the
 * program, while the program stays within 64 registers. VIR0_OK, or
 * VIR0_ENOMEM with `bc` unchanged. */
int vir0_bytecode_hoist_constants(struct vir0_bytecode *bc);

#endif
