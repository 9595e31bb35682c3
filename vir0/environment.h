/* environment.h - reading the VIR0_* environment variables, one way everywhere
 * (the OpenCL engine, the scheduling policy): a bad value warns on stderr,
 * naming the variable and the range, and keeps the default. */
#ifndef VIR0_ENVIRONMENT_H
#define VIR0_ENVIRONMENT_H

#include <stdint.h>

/* $name as a whole number in [min, max]; `fallback` when unset, empty or
 * bad (with the warning). */
uint32_t vir0_env_u32(const char *name, uint32_t fallback, uint32_t min, uint32_t max);

#endif
