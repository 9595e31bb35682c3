/* spec_count.h - saturating arithmetic on the speculation counters: a
 * count that reaches 2^64 - 1 stays there rather than wrapping to 0, so a
 * very long run never turns its evidence upside down. */
#ifndef STARPU_VIR0_SPEC_COUNT_H
#define STARPU_VIR0_SPEC_COUNT_H

#include <stdint.h>

static inline uint64_t starpu_vir0_spec_count_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static inline void starpu_vir0_spec_count_inc(uint64_t *count)
{
	if (*count != UINT64_MAX)
		(*count)++;
}

#endif
