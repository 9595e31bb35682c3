/* bench_opencl_kernels.c - the CPU benchmark's kernels (examples/NAME.vir0s)
 * run three ways on one device: the resident megakernel interpreter, the
 * JIT kernel and the hand-written kernel (bench/opencl_kernels.cl). Each
 * kernel runs first at a small check size, where the three results must
 * equal the C reference (native_kernels.c) bit for bit, then at the
 * benchmark size, where they must equal each other, before any time is
 * printed. Times are device times from profiling events. */
#include "bench_opencl.h"
#include "native_kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MI ((size_t)1 << 20)

enum engine { MEGA, JIT, HAND, ENGINES };
static const char *const engine_names[ENGINES] = {
	"the megakernel", "the JIT kernel", "the hand-written kernel",
};

/* One kernel at one size: the program, its inputs on the host, and what
 * one run moves or computes. */
struct kcase {
	size_t n;                                     /* elements; matmul: the dimension */
	vir0_program *program;
	struct vir0_binding host[BENCH_MAX_BUFFERS];  /* {NULL, 0}: a Workgroup buffer */
	uint32_t groups[3];                           /* 0: the default grid */
	double bytes;                                 /* the least traffic of one run */
	double flops;                                 /* > 0: a rate in GFLOP/s */
};

struct kind {
	const char *arg, *name, *example, *hand;
	size_t base;       /* n at scale 1 */
	/* n is a matrix dimension (matmul): it grows as sqrt(SCALE), the grid
	 * is the example's tiles and a run is 2 n^3 flops. */
	int square;
	size_t check;      /* n of the check run */
	void (*input)(struct vir0_binding *buffers, size_t n);   /* bench_util.h */
	double traffic;    /* bytes read + written per element (matmul: per cell) */
	/* The C reference into `expected` (the writable buffers, outputs zero). */
	void (*reference)(const struct kcase *c, struct vir0_binding *expected);
};

/* ---- the kernels' C references (the inputs are bench_util.c's) -------- */

static void saxpy_reference(const struct kcase *c, struct vir0_binding *expected)
{
	native_saxpy(*(const float *)c->host[0].data, c->host[1].data, c->host[2].data,
		     expected[2].data, c->n);
}

static void vadd_reference(const struct kcase *c, struct vir0_binding *expected)
{
	native_vector_add(c->host[0].data, c->host[1].data, expected[2].data, c->n);
}

static void sum_reference(const struct kcase *c, struct vir0_binding *expected)
{
	*(uint32_t *)expected[1].data = native_sum(c->host[0].data, c->n);
}

static void histogram_reference(const struct kcase *c, struct vir0_binding *expected)
{
	native_histogram_local(c->host[0].data, c->n, expected[1].data);
}

static void dfa_reference(const struct kcase *c, struct vir0_binding *expected)
{
	*(uint32_t *)expected[4].data =
		native_dfa_scan(c->host[0].data, c->host[0].size / 4, c->host[1].data,
				c->host[1].size / 4, c->host[2].data, c->n, expected[3].data);
}

static void matmul_reference(const struct kcase *c, struct vir0_binding *expected)
{
	native_matmul_tiled(c->host[0].data, c->host[1].data, expected[2].data, (uint32_t)c->n);
}

static const struct kind kinds[] = {
	{ "saxpy", "saxpy f32", "saxpy", "saxpy", 64 * MI, 0, 10007, bench_input_saxpy, 12,
	  saxpy_reference },
	{ "vadd", "vector add u32", "vector_add", "vector_add", 64 * MI, 0, 10007,
	  bench_input_vector_add, 12, vadd_reference },
	{ "sum", "sum (atomic) u32", "reduction_atomic", "sum_atomic", 64 * MI, 0, 10007,
	  bench_input_sum, 4, sum_reference },
	{ "histogram", "histogram bytes", "histogram", "histogram", 256 * MI, 0, 10007,
	  bench_input_histogram, 1, histogram_reference },
	/* dfa: the text read, the flags written. */
	{ "dfa", "dfa scan bytes", "dfa_scan", "dfa_scan", 64 * MI, 0, 10007, bench_input_dfa, 5,
	  dfa_reference },
	/* 40: not a multiple of the 16 x 16 tile, so the edges are checked. */
	{ "matmul", "matmul f32 n x n", "matmul_tiled", "matmul_tiled", 2048, 1, 40,
	  bench_input_matmul, 12, matmul_reference },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* ---- one case on the device ------------------------------------------- */

struct on_device {
	cl_mem mem[BENCH_MAX_BUFFERS];
	const vir0_cl_program *loaded;
	struct vir0_cl_jit_kernel *jit;     /* NULL: the JIT column is n/a */
	char jit_unavailable[512];
	double compile_ms;
	cl_kernel hand;
};

static int is_workgroup(const struct kcase *c, uint32_t i)
{
	return c->program->buffers[i].access == VIR0_ACCESS_WORKGROUP;
}

/* Buffers a run may change: the ones compared. */
static int is_writable(const struct kcase *c, uint32_t i)
{
	return c->program->buffers[i].access == VIR0_ACCESS_READ_WRITE;
}

static void upload(struct bcl *b, const struct kcase *c, struct on_device *d, int writable_only)
{
	for (uint32_t i = 0; i < c->program->nbuffers; i++)
		if (!is_workgroup(c, i) && (!writable_only || is_writable(c, i)))
			bcl_check(clEnqueueWriteBuffer(b->queue, d->mem[i], CL_TRUE, 0, c->host[i].size,
						       c->host[i].data, 0, NULL, NULL),
				  "clEnqueueWriteBuffer");
}

static void prepare(struct bcl *b, const struct kind *k, struct kcase *c, struct on_device *d)
{
	struct vir0_error err;
	for (uint32_t i = 0; i < c->program->nbuffers; i++)
		d->mem[i] = is_workgroup(c, i) ? NULL : bcl_buffer(b, c->host[i].size);
	upload(b, c, d, 0);
	if (vir0_cl_program_load(b->mega, b->queue, c->program, &d->loaded, &err) != VIR0_OK)
		bench_die(k->name, err.message);
	d->jit = NULL;
	snprintf(d->jit_unavailable, sizeof(d->jit_unavailable), "%s", b->jit_unavailable);
	if (b->jit) {
		struct vir0_cl_jit_kernel *kernel;
		if (vir0_cl_jit_request(b->jit, c->program, &kernel, &err) != VIR0_OK ||
		    vir0_cl_jit_wait(kernel, &err) != VIR0_OK)
			snprintf(d->jit_unavailable, sizeof(d->jit_unavailable), "%s", err.message);
		else
			d->jit = kernel;
	}
	d->compile_ms = d->jit ? (double)vir0_cl_jit_compile_ns(d->jit) * 1e-6 : 0;
	d->hand = bcl_hand_kernel(b, k->hand);
	cl_uint arg = 0;
	for (uint32_t i = 0; i < c->program->nbuffers; i++)
		if (!is_workgroup(c, i))
			bcl_check(clSetKernelArg(d->hand, arg++, sizeof(cl_mem), &d->mem[i]),
				  "clSetKernelArg");
	cl_uint n = (cl_uint)c->n;
	bcl_check(clSetKernelArg(d->hand, arg, sizeof(n), &n), "clSetKernelArg");
}

static void release(struct kcase *c, struct on_device *d)
{
	for (uint32_t i = 0; i < c->program->nbuffers; i++) {
		if (d->mem[i])
			clReleaseMemObject(d->mem[i]);
		free(c->host[i].data);
	}
	clReleaseKernel(d->hand);
	vir0_program_free(c->program);
}

/* Enqueue one run; *event is the kernel's own (not the zero-fills'). */
static void enqueue(struct bcl *b, const struct kind *k, const struct kcase *c,
		    struct on_device *d, enum engine e, cl_event *event)
{
	struct vir0_error err;
	uint32_t nbuffers = c->program->nbuffers;
	if (e == MEGA) {
		struct vir0_cl_binding bindings[BENCH_MAX_BUFFERS];
		for (uint32_t i = 0; i < nbuffers; i++)
			bindings[i] = (struct vir0_cl_binding){ d->mem[i], 0, c->host[i].size };
		struct vir0_cl_slot slot = { .program = d->loaded, .bindings = bindings,
					     .nbindings = nbuffers };
		memcpy(slot.groups, c->groups, sizeof(slot.groups));
		if (vir0_cl_enqueue(b->mega, b->queue, &slot, 1, 0, NULL, event, &err) != VIR0_OK)
			bench_die(k->name, err.message);
	} else if (e == JIT) {
		struct vir0_cl_jit_arg args[BENCH_MAX_BUFFERS];
		for (uint32_t i = 0; i < nbuffers; i++) {
			size_t element = vir0_type_size(&c->program->buffers[i].element);
			args[i] = (struct vir0_cl_jit_arg){ d->mem[i], 0,
							    d->mem[i] ? c->host[i].size / element : 0 };
		}
		if (vir0_cl_jit_enqueue(d->jit, b->queue, c->groups, args, nbuffers, 0, NULL, event,
					&err) != VIR0_OK)
			bench_die(k->name, err.message);
	} else {
		/* The engines zero the outputs (fmt §9.1); so does the caller here. */
		static const cl_uchar zero = 0;
		for (uint32_t i = 0; i < nbuffers; i++)
			if (c->program->buffers[i].is_output)
				bcl_check(clEnqueueFillBuffer(b->queue, d->mem[i], &zero, 1, 0,
							      c->host[i].size, 0, NULL, NULL),
					  "clEnqueueFillBuffer");
		size_t local = c->program->workgroup_size[0];
		size_t global = (size_t)c->groups[0] * local;
		bcl_check(clEnqueueNDRangeKernel(b->queue, d->hand, 1, NULL, &global, &local, 0, NULL,
						 event), "clEnqueueNDRangeKernel");
	}
}

/* One run from the initial inputs; the writable buffers read back. The
 * outputs start as garbage, so a run that does not zero them is caught. */
static void run_and_read(struct bcl *b, const struct kind *k, const struct kcase *c,
			 struct on_device *d, enum engine e, struct vir0_binding *result)
{
	static const cl_uchar garbage = 0xA5;
	upload(b, c, d, 1);
	for (uint32_t i = 0; i < c->program->nbuffers; i++)
		if (c->program->buffers[i].is_output)
			bcl_check(clEnqueueFillBuffer(b->queue, d->mem[i], &garbage, 1, 0,
						      c->host[i].size, 0, NULL, NULL),
				  "clEnqueueFillBuffer");
	cl_event event;
	enqueue(b, k, c, d, e, &event);
	bcl_check(clWaitForEvents(1, &event), "clWaitForEvents");
	clReleaseEvent(event);
	for (uint32_t i = 0; i < c->program->nbuffers; i++) {
		result[i] = (struct vir0_binding){ NULL, 0 };
		if (!is_writable(c, i))
			continue;
		result[i] = (struct vir0_binding){ bench_malloc(c->host[i].size), c->host[i].size };
		bcl_check(clEnqueueReadBuffer(b->queue, d->mem[i], CL_TRUE, 0, c->host[i].size,
					      result[i].data, 0, NULL, NULL), "clEnqueueReadBuffer");
	}
}

static void free_result(const struct kcase *c, struct vir0_binding *result)
{
	for (uint32_t i = 0; i < c->program->nbuffers; i++)
		free(result[i].data);
}

/* Stops the run at the first byte where `got` differs from `want`. */
static void compare(const struct kind *k, const struct kcase *c, const struct vir0_binding *got,
		    const char *got_name, const struct vir0_binding *want, const char *want_name)
{
	for (uint32_t i = 0; i < c->program->nbuffers; i++) {
		if (!got[i].data || memcmp(got[i].data, want[i].data, got[i].size) == 0)
			continue;
		size_t at = 0;
		while (((const uint8_t *)got[i].data)[at] == ((const uint8_t *)want[i].data)[at])
			at++;
		char message[512];
		snprintf(message, sizeof(message),
			 "n = %zu: buffer '%s' from %s differs from %s's at byte %zu "
			 "(element %zu); the run stops on a wrong result", c->n,
			 c->program->buffers[i].name, got_name, want_name, at,
			 at / vir0_type_size(&c->program->buffers[i].element));
		bench_die(k->name, message);
	}
}

/* The writable buffers as the C reference leaves them. */
static void reference(const struct kind *k, const struct kcase *c, struct vir0_binding *expected)
{
	for (uint32_t i = 0; i < c->program->nbuffers; i++) {
		expected[i] = (struct vir0_binding){ NULL, 0 };
		if (!is_writable(c, i))
			continue;
		expected[i] = (struct vir0_binding){ bench_malloc(c->host[i].size), c->host[i].size };
		if (c->program->buffers[i].is_output)
			memset(expected[i].data, 0, c->host[i].size);
		else
			memcpy(expected[i].data, c->host[i].data, c->host[i].size);
	}
	k->reference(c, expected);
}

static double median_device_time(struct bcl *b, const struct kind *k, const struct kcase *c,
				 struct on_device *d, enum engine e)
{
	double times[BENCH_REPEATS];
	for (int r = 0; r < BENCH_REPEATS; r++) {
		cl_event event;
		enqueue(b, k, c, d, e, &event);
		times[r] = bcl_event_seconds(event);
	}
	return bench_median(times, BENCH_REPEATS);
}

/* clEnqueueCopyBuffer moving as many bytes (read + written) as the kernel. */
static double copy_rate(struct bcl *b, double bytes)
{
	size_t size = ((size_t)(bytes / 2) + 3) & ~(size_t)3;
	cl_mem from = bcl_buffer(b, size), to = bcl_buffer(b, size);
	static const cl_uchar one = 1;
	bcl_check(clEnqueueFillBuffer(b->queue, from, &one, 1, 0, size, 0, NULL, NULL),
		  "clEnqueueFillBuffer");
	double times[BENCH_REPEATS];
	for (int r = 0; r < BENCH_REPEATS; r++) {
		cl_event event;
		bcl_check(clEnqueueCopyBuffer(b->queue, from, to, 0, 0, size, 0, NULL, &event),
			  "clEnqueueCopyBuffer");
		times[r] = bcl_event_seconds(event);
	}
	clReleaseMemObject(from);
	clReleaseMemObject(to);
	return 2.0 * (double)size / bench_median(times, BENCH_REPEATS) * 1e-9;
}

static void print_columns(void)
{
	printf("%-17s %10s %9s | %9s %8s | %9s %8s %9s | %9s %8s | %8s %8s\n", "kernel", "n",
	       "copy GB/s", "mega ms", "rate", "JIT ms", "rate", "compile", "hand ms", "rate",
	       "mega/JIT", "JIT/hand");
}

/* Run the kind at n; with `timed`, print its line, else check against C. */
static void run_kind(struct bcl *b, const struct kind *k, size_t n, int timed)
{
	struct kcase c = { .n = n, .program = bench_load_example(k->example) };
	if (c.program->nbuffers > BENCH_MAX_BUFFERS)
		bench_die(k->example, "more buffers than the benchmark binds");
	k->input(c.host, n);
	double cells = k->square ? (double)n * (double)n : (double)n;
	c.bytes = k->traffic * cells;
	if (k->square) {
		bench_matmul_groups(n, c.groups);
		c.flops = 2.0 * cells * (double)n;
	}
	struct vir0_error err;
	if (c.groups[0] == 0 && vir0_default_grid(c.program, c.host, c.groups, &err) != VIR0_OK)
		bench_die(k->name, err.message);
	struct on_device d;
	prepare(b, k, &c, &d);
	struct vir0_binding results[ENGINES][BENCH_MAX_BUFFERS];
	for (int e = 0; e < ENGINES; e++)
		if (e != JIT || d.jit)
			run_and_read(b, k, &c, &d, (enum engine)e, results[e]);
	if (!timed) {
		struct vir0_binding expected[BENCH_MAX_BUFFERS];
		reference(k, &c, expected);
		for (int e = 0; e < ENGINES; e++)
			if (e != JIT || d.jit)
				compare(k, &c, results[e], engine_names[e], expected, "the C reference");
		free_result(&c, expected);
	} else {
		if (d.jit)
			compare(k, &c, results[JIT], engine_names[JIT], results[MEGA],
				engine_names[MEGA]);
		compare(k, &c, results[HAND], engine_names[HAND], results[MEGA], engine_names[MEGA]);
	}
	for (int e = 0; e < ENGINES; e++)
		if (e != JIT || d.jit)
			free_result(&c, results[e]);
	if (timed) {
		double t[ENGINES];
		for (int e = 0; e < ENGINES; e++)
			t[e] = e != JIT || d.jit ? median_device_time(b, k, &c, &d, (enum engine)e)
						 : NAN;
		double work = c.flops > 0 ? c.flops : c.bytes;
		double copy = copy_rate(b, c.bytes);
		printf("%-17s %10zu %9.1f | %9.3f %8.2f | ", k->name, c.n, copy, t[MEGA] * 1e3,
		       work / t[MEGA] * 1e-9);
		if (d.jit)
			printf("%9.3f %8.2f %9.1f | ", t[JIT] * 1e3, work / t[JIT] * 1e-9, d.compile_ms);
		else
			printf("%9s %8s %9s | ", "n/a", "", "");
		printf("%9.3f %8.2f | ", t[HAND] * 1e3, work / t[HAND] * 1e-9);
		if (d.jit)
			printf("%7.2fx %7.2fx%s\n", t[JIT] / t[MEGA], t[HAND] / t[JIT],
			       c.flops > 0 ? "  (rates in GFLOP/s)" : "");
		else
			printf("%8s %8s  (JIT n/a: %s)\n", "", "", d.jit_unavailable);
	}
	release(&c, &d);
}

static const struct kind *find_kind(const char *arg)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].arg, arg) == 0)
			return &kinds[i];
	return NULL;
}

/* The benchmark size: scaled, at least the check size, a whole number of
 * tiles for matmul, and lengths that fit the 32-bit lengths of VIR0. */
static size_t scaled_size(const struct kind *k, double scale)
{
	double n = (double)k->base * (k->square ? sqrt(scale) : scale);
	if (n > (double)UINT32_MAX / 4)
		bench_die(k->name, "SCALE too large: lengths must fit 32 bits");
	size_t size = (size_t)n;
	if (k->square)
		size = (size + 15) / 16 * 16;
	return size < k->check ? k->check : size;
}

void bcl_kernels(struct bcl *b, double scale, char **names, int count)
{
	for (int j = 0; j < count; j++)
		if (!find_kind(names[j]))
			bench_die(names[j], "no such kernel (saxpy vadd sum histogram dfa matmul dispatch)");
	printf("kernels: device time per run from profiling events (kernel START to END; the\n"
	       "output zero-fills not included), median of %d; every result checked bit for bit\n"
	       "against the C reference at a small size and between the three at this size\n",
	       BENCH_REPEATS);
	print_columns();
	for (size_t i = 0; i < NKINDS; i++) {
		const struct kind *k = &kinds[i];
		int wanted = count == 0;
		for (int j = 0; j < count; j++)
			wanted |= find_kind(names[j]) == k;
		if (!wanted)
			continue;
		run_kind(b, k, k->check, 0);
		run_kind(b, k, scaled_size(k, scale), 1);
		fflush(stdout);
	}
	printf("rate: GB/s of the least traffic of one run (bytes read + written), GFLOP/s for\n"
	       "matmul; copy GB/s: clEnqueueCopyBuffer moving as many bytes (read + written);\n"
	       "mega/JIT and JIT/hand: speed ratios (time of the second / time of the first);\n"
	       "compile: the JIT kernel's build in ms (not in the timed runs)\n\n");
}
