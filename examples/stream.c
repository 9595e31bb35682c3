/* stream.c - the main job: a StarPU application that runs a stream of VIR0
 * tasks over partitioned data.
 *
 * It loads four example programs (saxpy, vector add, atomic sum,
 * histogram), cuts every vector into blocks, and submits ROUNDS rounds of
 * one task per program and block: StarPU spreads them over its CPU
 * workers and OpenCL workers (PoCL on a machine without a GPU) as the
 * policy decides (STARPU_SCHED=vir0-spec for ours). Then it checks every
 * result bit for bit against the reference interpreter run on host copies
 * and prints a short report: tasks per worker kind, time, checks.
 *
 *   vir0-stream [--elements N] [--blocks B] [--rounds R] [--programs DIR]
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starpu.h>

#include "starpu_vir0.h"

#define MAX_BLOCKS 64

struct options {
	uint32_t elements, blocks, rounds;
	const char *programs;
};

/* Host data, and a copy the reference interpreter runs on. */
struct data {
	float alpha, *x, *y;
	uint32_t *a, *b, *c;
	uint8_t *bytes;
	uint32_t totals[MAX_BLOCKS], bins[MAX_BLOCKS][256];
};

struct handles {
	starpu_data_handle_t alpha, x, y, a, b, c, bytes;
	starpu_data_handle_t totals[MAX_BLOCKS], bins[MAX_BLOCKS];
};

struct programs {
	starpu_vir0_program *saxpy, *vector_add, *sum, *histogram;
};

static atomic_uint tasks_on[STARPU_NARCH];

static void die(const char *what, const char *message)
{
	fprintf(stderr, "vir0-stream: %s: %s\n", what, message);
	exit(1);
}

static uint32_t parse_count(const char *name, const char *text, uint32_t max)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v == 0 || v > max) {
		char message[128];
		snprintf(message, sizeof(message), "'%s' is not a count from 1 to %" PRIu32, text,
			 max);
		die(name, message);
	}
	return (uint32_t)v;
}

static struct options parse_options(int argc, char **argv)
{
	struct options o = { 1u << 20, 8, 4, VIR0_TOP_SRCDIR "/examples" };
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!value)
			die(argv[i], "needs a value (see the usage at the top of examples/stream.c)");
		if (!strcmp(argv[i], "--elements"))
			o.elements = parse_count("--elements", value, 1u << 28);
		else if (!strcmp(argv[i], "--blocks"))
			o.blocks = parse_count("--blocks", value, MAX_BLOCKS);
		else if (!strcmp(argv[i], "--rounds"))
			o.rounds = parse_count("--rounds", value, 1000);
		else if (!strcmp(argv[i], "--programs"))
			o.programs = value;
		else
			die(argv[i], "unknown option; use --elements, --blocks, --rounds, --programs");
		i++;
	}
	if (o.elements < o.blocks)
		die("--elements", "must be at least --blocks");
	return o;
}

static starpu_vir0_program *load(const struct options *o, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.vir0s", o->programs, name);
	starpu_vir0_program *p;
	struct vir0_error err;
	if (starpu_vir0_program_load_file(path, &p, &err) != 0)
		die(path, err.message);
	return p;
}

static void *alloc(size_t size)
{
	void *p = calloc(1, size);
	if (!p)
		die("memory", "out of memory for the data");
	return p;
}

static void fill(struct data *d, uint32_t n)
{
	d->alpha = 2.5f;
	d->x = alloc(n * sizeof(float));
	d->y = alloc(n * sizeof(float));
	d->a = alloc(n * sizeof(uint32_t));
	d->b = alloc(n * sizeof(uint32_t));
	d->c = alloc(n * sizeof(uint32_t));
	d->bytes = alloc(n);
	uint32_t s = 12345;
	for (uint32_t i = 0; i < n; i++) {
		s = s * 1664525u + 1013904223u;
		d->x[i] = (float)(s >> 8) / (float)(1u << 24);
		d->y[i] = (float)i * 0.25f;
		d->a[i] = s;
		d->b[i] = s ^ 0x9E3779B9u;
		d->bytes[i] = (uint8_t)(s >> 24);
	}
}

static struct data copy_data(const struct data *d, uint32_t n)
{
	struct data r = *d;
	r.x = alloc(n * sizeof(float));
	r.y = alloc(n * sizeof(float));
	r.a = alloc(n * sizeof(uint32_t));
	r.b = alloc(n * sizeof(uint32_t));
	r.c = alloc(n * sizeof(uint32_t));
	r.bytes = alloc(n);
	memcpy(r.x, d->x, n * sizeof(float));
	memcpy(r.y, d->y, n * sizeof(float));
	memcpy(r.a, d->a, n * sizeof(uint32_t));
	memcpy(r.b, d->b, n * sizeof(uint32_t));
	memcpy(r.bytes, d->bytes, n);
	return r;
}

static void free_data(struct data *d)
{
	free(d->x);
	free(d->y);
	free(d->a);
	free(d->b);
	free(d->c);
	free(d->bytes);
}

static void register_vector(starpu_data_handle_t *h, void *p, uint32_t n, size_t elemsize)
{
	starpu_vector_data_register(h, STARPU_MAIN_RAM, (uintptr_t)p, n, elemsize);
}

static void register_all(struct handles *h, struct data *d, const struct options *o)
{
	uint32_t n = o->elements;
	register_vector(&h->alpha, &d->alpha, 1, sizeof(float));
	register_vector(&h->x, d->x, n, sizeof(float));
	register_vector(&h->y, d->y, n, sizeof(float));
	register_vector(&h->a, d->a, n, sizeof(uint32_t));
	register_vector(&h->b, d->b, n, sizeof(uint32_t));
	register_vector(&h->c, d->c, n, sizeof(uint32_t));
	register_vector(&h->bytes, d->bytes, n, 1);
	for (uint32_t k = 0; k < o->blocks; k++) {
		register_vector(&h->totals[k], &d->totals[k], 1, sizeof(uint32_t));
		register_vector(&h->bins[k], d->bins[k], 256, sizeof(uint32_t));
	}
	struct starpu_data_filter blocks = { .filter_func = starpu_vector_filter_block,
					     .nchildren = o->blocks };
	starpu_data_handle_t split[] = { h->x, h->y, h->a, h->b, h->c, h->bytes };
	for (size_t i = 0; i < sizeof(split) / sizeof(split[0]); i++)
		starpu_data_partition(split[i], &blocks);
}

static void unregister_all(struct handles *h, const struct options *o)
{
	starpu_data_handle_t split[] = { h->x, h->y, h->a, h->b, h->c, h->bytes };
	for (size_t i = 0; i < sizeof(split) / sizeof(split[0]); i++) {
		starpu_data_unpartition(split[i], STARPU_MAIN_RAM);
		starpu_data_unregister(split[i]);
	}
	starpu_data_unregister(h->alpha);
	for (uint32_t k = 0; k < o->blocks; k++) {
		starpu_data_unregister(h->totals[k]);
		starpu_data_unregister(h->bins[k]);
	}
}

/* Callbacks run on the worker that ran the task. */
static void count_worker(void *unused)
{
	(void)unused;
	int worker = starpu_worker_get_id();
	if (worker >= 0)
		atomic_fetch_add(&tasks_on[starpu_worker_get_type(worker)], 1u);
}

static void insert_or_die(int status, const char *what)
{
	if (status != 0)
		die(what, starpu_vir0_last_error()->message);
}

static void submit_round(const struct programs *p, const struct handles *h, uint32_t blocks)
{
	for (uint32_t k = 0; k < blocks; k++) {
		starpu_data_handle_t x = starpu_data_get_sub_data(h->x, 1, k);
		starpu_data_handle_t y = starpu_data_get_sub_data(h->y, 1, k);
		starpu_data_handle_t a = starpu_data_get_sub_data(h->a, 1, k);
		starpu_data_handle_t b = starpu_data_get_sub_data(h->b, 1, k);
		starpu_data_handle_t c = starpu_data_get_sub_data(h->c, 1, k);
		starpu_data_handle_t bytes = starpu_data_get_sub_data(h->bytes, 1, k);
		insert_or_die(starpu_vir0_task_insert(p->saxpy, NULL, STARPU_R, h->alpha,
						      STARPU_R, x, STARPU_RW, y,
						      STARPU_CALLBACK, count_worker, 0),
			      "saxpy");
		insert_or_die(starpu_vir0_task_insert(p->vector_add, NULL, STARPU_R, a, STARPU_R, b,
						      STARPU_W, c, STARPU_CALLBACK, count_worker, 0),
			      "vector_add");
		insert_or_die(starpu_vir0_task_insert(p->sum, NULL, STARPU_R, c, STARPU_W,
						      h->totals[k], STARPU_CALLBACK, count_worker,
						      0),
			      "reduction_atomic");
		insert_or_die(starpu_vir0_task_insert(p->histogram, NULL, STARPU_R, bytes, STARPU_W,
						      h->bins[k], STARPU_CALLBACK, count_worker, 0),
			      "histogram");
	}
}

static void reference(const starpu_vir0_program *p, struct vir0_binding *b, uint32_t n)
{
	struct vir0_error err;
	if (vir0_run_reference(starpu_vir0_program_get(p), NULL, b, n, &err) != 0)
		die("reference interpreter", err.message);
}

/* The same work on the host copy, block by block, with the reference
 * interpreter. */
static void run_reference(const struct programs *p, struct data *r, const struct options *o)
{
	uint32_t per = o->elements / o->blocks, extra = o->elements % o->blocks;
	for (uint32_t round = 0; round < o->rounds; round++) {
		uint32_t first = 0;
		for (uint32_t k = 0; k < o->blocks; k++) {
			/* starpu_vector_filter_block gives the first blocks one more. */
			uint32_t len = per + (k < extra);
			struct vir0_binding saxpy[] = { { &r->alpha, sizeof(float) },
							{ r->x + first, len * sizeof(float) },
							{ r->y + first, len * sizeof(float) } };
			struct vir0_binding add[] = { { r->a + first, len * 4u },
						      { r->b + first, len * 4u },
						      { r->c + first, len * 4u } };
			struct vir0_binding sum[] = { { r->c + first, len * 4u },
						      { &r->totals[k], 4u } };
			struct vir0_binding histogram[] = { { r->bytes + first, len },
							    { r->bins[k], sizeof(r->bins[k]) },
							    { NULL, 0 } };
			reference(p->saxpy, saxpy, 3);
			reference(p->vector_add, add, 3);
			reference(p->sum, sum, 2);
			reference(p->histogram, histogram, 3);
			first += len;
		}
	}
}

static int check(const char *what, const void *got, const void *want, size_t size)
{
	int same = memcmp(got, want, size) == 0;
	printf("  check %-10s %s\n", what, same ? "bit for bit: ok" : "DIFFERS from the reference");
	return same;
}

int main(int argc, char **argv)
{
	struct options o = parse_options(argc, argv);
	if (starpu_init(NULL) != 0)
		die("starpu_init", "StarPU did not start (see its messages above)");
	struct programs p = { load(&o, "saxpy"), load(&o, "vector_add"),
			      load(&o, "reduction_atomic"), load(&o, "histogram") };
	struct data d = { 0 };
	fill(&d, o.elements);
	struct data r = copy_data(&d, o.elements);
	struct handles h;
	register_all(&h, &d, &o);
	/* The OpenCL workers take VIR0 tasks once their megakernel is built:
	 * wait for it, so both kinds of worker share the stream from its
	 * first task. */
	if (starpu_opencl_worker_get_count() > 0)
		printf("vir0-stream: OpenCL interpreter ready on %u of %u OpenCL devices\n",
		       starpu_vir0_opencl_wait(), starpu_opencl_worker_get_count());

	double start = starpu_timing_now();
	for (uint32_t round = 0; round < o.rounds; round++)
		submit_round(&p, &h, o.blocks);
	starpu_task_wait_for_all();
	double elapsed_ms = (starpu_timing_now() - start) / 1000.0;
	unregister_all(&h, &o);

	run_reference(&p, &r, &o);
	unsigned ntasks = 4u * o.blocks * o.rounds;
	printf("vir0-stream: %u tasks (4 programs x %u blocks x %u rounds) over %u elements "
	       "in %.1f ms\n",
	       ntasks, o.blocks, o.rounds, o.elements, elapsed_ms);
	printf("  ran on CPU workers: %u, OpenCL workers: %u\n", tasks_on[STARPU_CPU_WORKER],
	       tasks_on[STARPU_OPENCL_WORKER]);
	int ok = check("saxpy", d.y, r.y, o.elements * sizeof(float));
	ok &= check("vector_add", d.c, r.c, o.elements * sizeof(uint32_t));
	ok &= check("sum", d.totals, r.totals, o.blocks * sizeof(uint32_t));
	ok &= check("histogram", d.bins, r.bins, o.blocks * sizeof(d.bins[0]));
	starpu_vir0_program_release(p.saxpy);
	starpu_vir0_program_release(p.vector_add);
	starpu_vir0_program_release(p.sum);
	starpu_vir0_program_release(p.histogram);
	starpu_shutdown();
	free_data(&d);
	free_data(&r);
	printf("vir0-stream: %s\n", ok ? "all results match the reference interpreter"
				       : "FAILED: results differ");
	return ok ? 0 : 1;
}
