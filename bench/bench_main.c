/* bench_main.c - bench_cpu: the CPU interpreter against the same
 * algorithms in plain C (-O2), side by side in one run, on the example
 * programs; then the bytecode lowering time per example (it is on the
 * first-task path).
 *
 *   bench/bench_cpu [SCALE [KERNEL...]]
 *
 * SCALE divides the problem sizes (default 1); KERNELs (saxpy, vadd, sum,
 * histogram, dfa, matmul, lowering) pick what runs (default: all). Every
 * time is the median of BENCH_REPEATS runs (bench_util.h says why).
 *
 * Every interpreter result is checked against the native one: a wrong
 * answer fails the run instead of printing a ratio. */
#include "bench.h"

#include "bytecode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char bench_program[] = "bench_cpu";

static void reset_work(struct bench *b)
{
	for (uint32_t i = 0; i < b->program->nbuffers; i++)
		if (b->initial[i].size)
			memcpy(b->work[i].data, b->initial[i].data, b->initial[i].size);
}

static double time_interpreter(struct bench *b, unsigned threads)
{
	double times[BENCH_REPEATS];
	for (int r = 0; r < BENCH_REPEATS; r++) {
		reset_work(b);
		struct vir0_error err;
		double start = bench_now();
		if (vir0_run_cpu(b->program, b->groups, b->work, b->program->nbuffers, threads,
				 &err) != VIR0_OK)
			bench_die(b->name, err.message);
		times[r] = bench_now() - start;
	}
	return bench_median(times, BENCH_REPEATS);
}

void bench_setup(struct bench *b, void (*input)(struct vir0_binding *buffers, size_t n))
{
	b->program = bench_load_example(b->example);
	uint32_t n = b->program->nbuffers;
	if (n > BENCH_MAX_BUFFERS)
		bench_die(b->example, "more buffers than the benchmark binds");
	b->initial = calloc(BENCH_MAX_BUFFERS, sizeof(*b->initial));
	b->work = calloc(BENCH_MAX_BUFFERS, sizeof(*b->work));
	if (!b->initial || !b->work)
		bench_die("calloc", "out of memory");
	input(b->initial, b->elements);
	for (uint32_t i = 0; i < n; i++)
		if (b->initial[i].data)
			b->work[i] = (struct vir0_binding){ bench_malloc(b->initial[i].size),
							    b->initial[i].size };
}

void bench_free(struct bench *b)
{
	for (uint32_t i = 0; i < b->program->nbuffers; i++) {
		free(b->initial[i].data);
		free(b->work[i].data);
	}
	free(b->initial);
	free(b->work);
	vir0_program_free(b->program);
}

double bench_report(struct bench *b, double native, bench_check check,
		    const void *native_result)
{
	struct vir0_error err;
	if (b->groups[0] == 0 &&
	    vir0_default_grid(b->program, b->initial, b->groups, &err) != VIR0_OK)
		bench_die(b->name, err.message);
	double one = time_interpreter(b, 1);
	double all = time_interpreter(b, 0);
	if (!check(b, native_result))
		bench_die(b->name, "the interpreter's result differs from the native one");
	printf("%-18s %10zu %10.2f %10.2f %7.2fx %10.2f %7.2fx\n", b->name, b->elements,
	       native * 1e3, one * 1e3, native / one, all * 1e3, native / all);
	return one;
}

void bench_note(const char *what, double native, double interpreter)
{
	printf("  vs %-29s %10.2f %18.2fx\n", what, native * 1e3, native / interpreter);
}

double bench_time_native(void (*run)(struct bench *b, void *result), struct bench *b,
			  void *result)
{
	double times[BENCH_REPEATS];
	for (int r = 0; r < BENCH_REPEATS; r++) {
		double start = bench_now();
		run(b, result);
		times[r] = bench_now() - start;
	}
	return bench_median(times, BENCH_REPEATS);
}

static void bench_lowering(void)
{
	static const char *const names[] = {
		"vector_add", "saxpy", "reduction_atomic", "histogram",
		"dfa_scan", "prefix_sum", "matmul_tiled",
	};
	printf("\nlowering (vir0_lower + vir0_bytecode_verify), mean of 2000 runs:\n");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		vir0_program *program = bench_load_example(names[i]);
		struct vir0_error err;
		struct vir0_bytecode *bc = NULL;
		uint32_t ninsns = 0;
		double start = bench_now();
		for (int r = 0; r < 2000; r++) {
			if (vir0_lower(program, &bc, &err) != VIR0_OK ||
			    vir0_bytecode_verify(bc, &err) != VIR0_OK)
				bench_die(names[i], err.message);
			ninsns = bc->ninsns;
			vir0_bytecode_free(bc);
		}
		double mean = (bench_now() - start) / 2000;
		printf("  %-18s %5u instructions %8.2f us\n", names[i], ninsns, mean * 1e6);
		vir0_program_free(program);
	}
}

static const struct {
	const char *name;
	void (*run)(size_t scale);
} kernels[] = {
	{ "saxpy", bench_saxpy }, { "vadd", bench_vector_add }, { "sum", bench_sum },
	{ "histogram", bench_histogram }, { "dfa", bench_dfa }, { "matmul", bench_matmul },
};

static int wanted(int argc, char **argv, const char *name)
{
	if (argc <= 2)
		return 1;
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t scale = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
	if (scale == 0)
		scale = 1;
	printf("median of %d runs; cpu-1t: the interpreter on one thread, cpu-all: on every "
	       "core\n", BENCH_REPEATS);
	printf("%-18s %10s %10s %10s %8s %10s %8s\n", "kernel", "elements", "native ms",
	       "cpu-1t ms", "ratio", "cpu-all ms", "ratio");
	for (size_t k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++)
		if (wanted(argc, argv, kernels[k].name))
			kernels[k].run(scale);
	printf("ratio = native time / interpreter time (1.00x = native speed)\n");
	if (wanted(argc, argv, "lowering"))
		bench_lowering();
	return 0;
}
