/* bench_util.c - see bench_util.h. */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void bench_die(const char *what, const char *detail)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", bench_program, what, detail);
	exit(1);
}

void *bench_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		bench_die("malloc", "out of memory");
	return p;
}

uint32_t bench_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 33);
}

double bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_median(double *times, int count)
{
	qsort(times, (size_t)count, sizeof(*times), compare_doubles);
	return times[count / 2];
}

vir0_program *bench_load_example(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/examples/%s.vir0s", VIR0_TOP_SRCDIR, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		bench_die(path, "cannot open");
	enum { MAX_TEXT = 1 << 16 };
	char *text = bench_malloc(MAX_TEXT);
	size_t size = fread(text, 1, MAX_TEXT, f);
	fclose(f);
	if (size == MAX_TEXT)
		bench_die(path, "longer than 64 KiB");
	vir0_program *program = NULL;
	struct vir0_error err;
	if (vir0_assemble(text, size, &program, &err) != VIR0_OK ||
	    vir0_validate(program, &err) != VIR0_OK)
		bench_die(path, err.message);
	free(text);
	return program;
}

/* buffers[index]: `size` zeroed bytes. */
static void *zeroed(struct vir0_binding *buffers, uint32_t index, size_t size)
{
	buffers[index] = (struct vir0_binding){ calloc(1, size ? size : 1), size };
	if (!buffers[index].data)
		bench_die("calloc", "out of memory");
	return buffers[index].data;
}

/* saxpy.vir0s: alpha, x, y. */
void bench_input_saxpy(struct vir0_binding *buffers, size_t n)
{
	*(float *)zeroed(buffers, 0, 4) = 2.5f;
	float *x = zeroed(buffers, 1, n * 4), *y = zeroed(buffers, 2, n * 4);
	for (size_t i = 0; i < n; i++) {
		/* Normal numbers only: C keeps subnormals, VIR0 flushes them. */
		x[i] = (float)(i % 1000) * 0.25f;
		y[i] = 1.0f + (float)(i % 77);
	}
}

/* vector_add.vir0s: a, b, c. */
void bench_input_vector_add(struct vir0_binding *buffers, size_t n)
{
	uint64_t seed = 5;
	uint32_t *a = zeroed(buffers, 0, n * 4), *b = zeroed(buffers, 1, n * 4);
	zeroed(buffers, 2, n * 4);
	for (size_t i = 0; i < n; i++) {
		a[i] = bench_random(&seed);
		b[i] = bench_random(&seed);
	}
}

/* reduction_atomic.vir0s: input, total. */
void bench_input_sum(struct vir0_binding *buffers, size_t n)
{
	uint64_t seed = 1;
	uint32_t *input = zeroed(buffers, 0, n * 4);
	zeroed(buffers, 1, 4);
	for (size_t i = 0; i < n; i++)
		input[i] = bench_random(&seed);
}

/* histogram.vir0s: data, bins, local_bins (Workgroup). */
void bench_input_histogram(struct vir0_binding *buffers, size_t n)
{
	uint64_t seed = 2;
	uint8_t *data = zeroed(buffers, 0, n);
	zeroed(buffers, 1, 256 * 4);
	buffers[2] = (struct vir0_binding){ NULL, 0 };
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)bench_random(&seed);
}

/* dfa_scan.vir0s: table, accepting, input, matches, total. */
void bench_input_dfa(struct vir0_binding *buffers, size_t n)
{
	/* The DFA of examples/README.md: "ab" in text over a 4-letter alphabet. */
	uint32_t *table = zeroed(buffers, 0, 4 * 256 * 4), *accepting = zeroed(buffers, 1, 4 * 4);
	table[1 * 256 + 'a'] = 2;
	table[2 * 256 + 'b'] = 3;
	table[2 * 256 + 'a'] = 2;
	accepting[3] = 1;
	uint64_t seed = 3;
	uint8_t *text = zeroed(buffers, 2, n);
	for (size_t i = 0; i < n; i++)
		text[i] = (uint8_t)("abcd"[bench_random(&seed) % 4]);
	zeroed(buffers, 3, n * 4);
	zeroed(buffers, 4, 4);
}

/* matmul_tiled.vir0s: a, b, c, tile_a and tile_b (Workgroup). */
void bench_input_matmul(struct vir0_binding *buffers, size_t n)
{
	size_t cells = n * n;
	float *a = zeroed(buffers, 0, cells * 4), *m = zeroed(buffers, 1, cells * 4);
	zeroed(buffers, 2, cells * 4);
	buffers[3] = buffers[4] = (struct vir0_binding){ NULL, 0 };
	uint64_t seed = 4;
	for (size_t i = 0; i < cells; i++) {
		/* Small integers: every sum is exact, whatever the order. */
		a[i] = (float)(bench_random(&seed) % 9) - 4.0f;
		m[i] = (float)(bench_random(&seed) % 9) - 4.0f;
	}
}

void bench_matmul_groups(size_t n, uint32_t groups[3])
{
	uint32_t tiles = (uint32_t)((n + 15) / 16);
	groups[0] = tiles * tiles;
	groups[1] = groups[2] = 1;
}
