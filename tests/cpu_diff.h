/* cpu_diff.h - helpers of the CPU engine suites: assemble a program from
 * its text, run it through the reference interpreter and through
 * vir0_run_cpu on copies of the same inputs, and compare every buffer bit
 * for bit. */
#ifndef VIR0_TEST_CPU_DIFF_H
#define VIR0_TEST_CPU_DIFF_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Buffer contents for one run: one per declared buffer, data NULL and
 * size 0 for Workgroup buffers. */
struct cpu_diff_buffers {
	struct vir0_binding *bindings;
	uint32_t count;
};

/* Assemble and validate `text`; fails the test on error. */
vir0_program *cpu_diff_assemble(const char *text);

/* `count` zeroed bindings to fill in (cpu_diff_buffer). */
struct cpu_diff_buffers cpu_diff_buffers_new(uint32_t count);
/* Binding `i` gets a malloc'd copy of `size` bytes of `data` (zeros when
 * data is NULL). */
void cpu_diff_buffer(struct cpu_diff_buffers *set, uint32_t i, const void *data, size_t size);
void cpu_diff_buffers_free(struct cpu_diff_buffers *set);

/* Run `p` over `groups` (NULL: the default grid) with the reference and
 * with the CPU engine on `threads` threads, each on its own copy of
 * `inputs`. Fails the test, naming `what`, unless both succeed and every
 * buffer is equal byte for byte. Returns the CPU engine's buffers (free
 * them with cpu_diff_buffers_free). */
struct cpu_diff_buffers cpu_diff_run(const char *what, const vir0_program *p,
				     const uint32_t groups[3],
				     const struct cpu_diff_buffers *inputs, unsigned threads);

/* A deterministic pseudo-random u32 stream (xorshift32); *state != 0. */
uint32_t cpu_diff_random(uint32_t *state);

/* Bits of a float. */
uint32_t cpu_diff_f32(float value);

#endif
