/* bench.h - the harness shared by the CPU benchmark's kernels
 * (bench_kernels.c) and its driver (bench_main.c). */
#ifndef VIR0_BENCH_H
#define VIR0_BENCH_H

#include "bench_util.h"
#include "native_kernels.h"
#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* One benchmark: inputs live in `initial`; each timed interpreter run
 * gets a fresh copy in `work`, so outputs start from the same state. */
struct bench {
	const char *name;
	const char *example;   /* examples/EXAMPLE.vir0s */
	size_t elements;
	vir0_program *program;
	struct vir0_binding *initial, *work;
	uint32_t groups[3];
};

/* Load b->example, bind its inputs for b->elements from `input` (one of
 * bench_util.h's) in b->initial, and buffers of the same sizes in b->work. */
void bench_setup(struct bench *b, void (*input)(struct vir0_binding *buffers, size_t n));
void bench_free(struct bench *b);

/* The median of a few runs of the native kernel, in seconds. */
double bench_time_native(void (*run)(struct bench *b, void *result), struct bench *b,
			 void *result);

/* 1 when the interpreter's result (b->work) matches the native one. */
typedef int (*bench_check)(const struct bench *b, const void *native_result);

/* Time the interpreter on one thread and on all over b->groups (the
 * default grid when b->groups[0] is 0), check its result, and print one
 * line of the table. Returns the one-thread time. */
double bench_report(struct bench *b, double native, bench_check check,
		    const void *native_result);

/* A line under a kernel's: another C version `what` for comparison. */
void bench_note(const char *what, double native, double interpreter);

void bench_saxpy(size_t scale);
void bench_vector_add(size_t scale);
void bench_sum(size_t scale);
void bench_histogram(size_t scale);
void bench_dfa(size_t scale);
void bench_matmul(size_t scale);

#endif
