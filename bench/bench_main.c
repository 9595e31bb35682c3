/* bench_cpu.c - the CPU interpreter against the same algorithms in plain
 * C (-O2), side by side in one run, on the example programs; then the
 * bytecode lowering time per example (it is on the first-task path).
 *
 *   bench/bench_cpu [SCALE [KERNEL...]]
 *
 * SCALE divides the problem sizes (default 1); KERNELs (saxpy, vadd, sum,
 * histogram, dfa, matmul, lowering) pick what runs (default: all). Every
 * time is the median of REPEATS runs: the machines it runs on are shared,
 * and the median shrugs off a run that another process slowed down.
 *
 * Every interpreter result is checked against the native one: a wrong
 * answer fails the run instead of printing a ratio. */
#include "bench.h"

#include "bytecode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPEATS 5

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void bench_die(const char *what, const char *detail)
{
	fprintf(stderr, "bench_cpu: %s: %s\n", what, detail);
	exit(1);
}

void *bench_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		bench_die("malloc", "out of memory");
	return p;
}

static vir0_program *load_example(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/examples/%s.vir0s", VIR0_TOP_SRCDIR, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		bench_die(path, "cannot open");
	char *text = bench_malloc(1 << 16);
	size_t size = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	vir0_program *program = NULL;
	struct vir0_error err;
	if (vir0_assemble(text, size, &program, &err) != VIR0_OK)
		bench_die(path, err.message);
	free(text);
	return program;
}

static void reset_work(struct bench *b)
{
	for (uint32_t i = 0; i < b->program->nbuffers; i++)
		if (b->initial[i].size)
			memcpy(b->work[i].data, b->initial[i].data, b->initial[i].size);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *times)
{
	qsort(times, REPEATS, sizeof(*times), compare_doubles);
	return times[REPEATS / 2];
}

static double time_interpreter(struct bench *b, unsigned threads)
{
	double times[REPEATS];
	for (int r = 0; r < REPEATS; r++) {
		reset_work(b);
		struct vir0_error err;
		double start = now_seconds();
		if (vir0_run_cpu(b->program, b->groups, b->work, b->program->nbuffers, threads,
				 &err) != VIR0_OK)
			bench_die(b->name, err.message);
		times[r] = now_seconds() - start;
	}
	return median(times);
}

/* Bind buffers of the sizes given (bytes per declared buffer, 0 for
 * Workgroup ones), filled by the caller through b->initial. */
void bench_setup(struct bench *b, const size_t *sizes)
{
	b->program = load_example(b->example);
	uint32_t n = b->program->nbuffers;
	b->initial = calloc(n, sizeof(*b->initial));
	b->work = calloc(n, sizeof(*b->work));
	if (!b->initial || !b->work)
		bench_die("calloc", "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		if (!sizes[i])
			continue;
		b->initial[i] = (struct vir0_binding){ bench_malloc(sizes[i]), sizes[i] };
		b->work[i] = (struct vir0_binding){ bench_malloc(sizes[i]), sizes[i] };
		memset(b->initial[i].data, 0, sizes[i]);
	}
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

uint32_t bench_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 33);
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
	double times[REPEATS];
	for (int r = 0; r < REPEATS; r++) {
		double start = now_seconds();
		run(b, result);
		times[r] = now_seconds() - start;
	}
	return median(times);
}

static void bench_lowering(void)
{
	static const char *const names[] = {
		"vector_add", "saxpy", "reduction_atomic", "histogram",
		"dfa_scan", "prefix_sum", "matmul_tiled",
	};
	printf("\nlowering (vir0_lower + vir0_bytecode_verify), mean of 2000 runs:\n");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		vir0_program *program = load_example(names[i]);
		struct vir0_error err;
		struct vir0_bytecode *bc = NULL;
		uint32_t ninsns = 0;
		double start = now_seconds();
		for (int r = 0; r < 2000; r++) {
			if (vir0_lower(program, &bc, &err) != VIR0_OK ||
			    vir0_bytecode_verify(bc, &err) != VIR0_OK)
				bench_die(names[i], err.message);
			ninsns = bc->ninsns;
			vir0_bytecode_free(bc);
		}
		double mean = (now_seconds() - start) / 2000;
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
	       "core\n", REPEATS);
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
