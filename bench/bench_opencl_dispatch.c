/* bench_opencl_dispatch.c - what handing work to the device costs: many
 * tiny slots in one launch against one launch each, the resident ring's
 * publish-to-done latency and throughput, against launches of an empty
 * kernel. Wall times (host clock around the calls and the wait), since
 * launch overheads are the host's and the driver's as much as the
 * device's; the 100k-slot lines split them into the host's part (until
 * vir0_cl_enqueue returns) and the kernel's (profiling events). The resident mode runs last, under a watchdog: a ring that
 * never drains ends the run with a line saying so. */
#include "bench_opencl.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TINY_ELEMENTS 16u          /* one VIR0 workgroup per tiny slot */
#define TINY_BYTES (TINY_ELEMENTS * 4u)
#define BATCH 64u
#define MANY 100000u
#define BATCH_REPEATS 21
#define MANY_REPEATS 3
#define ROUND_TRIPS 1000
#define WATCHDOG_SECONDS 120u

/* out[i] = i + 1. Not an output, so no slot waits for a zero-fill and the
 * cost measured is the dispatch's; or (`output`) declared an output, as a
 * StarPU task's written handle is, so the launch zeroes it first. */
static vir0_program *tiny_program(int output)
{
	char text[160];
	snprintf(text, sizeof(text), "workgroup 16 1 1\nbuffer out u32[0] read_write%s\n"
		 "let i = gid.x\nif i < len(out) {\n\tstore out[i] = i + 1u\n}\n",
		 output ? " output" : "");
	vir0_program *program = NULL;
	struct vir0_error err;
	if (vir0_assemble(text, strlen(text), &program, &err) != VIR0_OK)
		bench_die("the tiny program", err.message);
	return program;
}

/* `count` tiny slots, slot s writing TINY_BYTES at base + s * TINY_BYTES. */
static struct vir0_cl_slot *tiny_slots(const vir0_cl_program *loaded, cl_mem mem, size_t base,
				       uint32_t count, struct vir0_cl_binding **bindings)
{
	struct vir0_cl_slot *slots = bench_malloc(count * sizeof(*slots));
	*bindings = bench_malloc(count * sizeof(**bindings));
	for (uint32_t s = 0; s < count; s++) {
		(*bindings)[s] = (struct vir0_cl_binding){ mem, base + (size_t)s * TINY_BYTES,
							   TINY_BYTES };
		slots[s] = (struct vir0_cl_slot){ .program = loaded, .bindings = &(*bindings)[s],
						  .nbindings = 1, .groups = { 1, 1, 1 } };
	}
	return slots;
}

/* The slots ran: every word is its index in the slot plus one. */
static void check_tiny(struct bcl *b, cl_mem mem, size_t base, uint32_t count, const char *what)
{
	size_t words = (size_t)count * TINY_ELEMENTS;
	uint32_t *out = bench_malloc(words * 4);
	bcl_check(clEnqueueReadBuffer(b->queue, mem, CL_TRUE, base, words * 4, out, 0, NULL, NULL),
		  "clEnqueueReadBuffer");
	for (size_t i = 0; i < words; i++)
		if (out[i] != i % TINY_ELEMENTS + 1)
			bench_die(what, "a tiny slot's output is wrong");
	free(out);
}

static void clear(struct bcl *b, cl_mem mem, size_t base, size_t size)
{
	static const cl_uchar zero = 0;
	bcl_check(clEnqueueFillBuffer(b->queue, mem, &zero, 1, base, size, 0, NULL, NULL),
		  "clEnqueueFillBuffer");
	bcl_check(clFinish(b->queue), "clFinish");
}

static const char *goal(int met)
{
	return met ? "met" : "NOT met";
}

/* Wall seconds of vir0_cl_enqueue of `count` slots + clFinish. */
static double batch_launch(struct bcl *b, const struct vir0_cl_slot *slots, uint32_t count)
{
	struct vir0_error err;
	double start = bench_now();
	if (vir0_cl_enqueue(b->mega, b->queue, slots, count, 0, NULL, NULL, &err) != VIR0_OK)
		bench_die("vir0_cl_enqueue", err.message);
	bcl_check(clFinish(b->queue), "clFinish");
	return bench_now() - start;
}

/* One batch launch of many slots, split: wall (the call + clFinish),
 * host (inside vir0_cl_enqueue until it returns: encoding, fills, the
 * ring's copy, the enqueue) and device (the megakernel's profiling
 * START to END). */
struct split {
	double wall, host, device;
};

static struct split batch_split(struct bcl *b, const struct vir0_cl_slot *slots, uint32_t count)
{
	struct vir0_error err;
	struct split t;
	cl_event ran;
	double start = bench_now();
	if (vir0_cl_enqueue(b->mega, b->queue, slots, count, 0, NULL, &ran, &err) != VIR0_OK)
		bench_die("vir0_cl_enqueue", err.message);
	t.host = bench_now() - start;
	bcl_check(clFinish(b->queue), "clFinish");
	t.wall = bench_now() - start;
	t.device = bcl_event_seconds(ran);
	return t;
}

/* Medians of each part over `count` runs. */
static struct split split_median(const struct split *runs, int count)
{
	double wall[MANY_REPEATS], host[MANY_REPEATS], device[MANY_REPEATS];
	for (int r = 0; r < count; r++) {
		wall[r] = runs[r].wall;
		host[r] = runs[r].host;
		device[r] = runs[r].device;
	}
	return (struct split){ bench_median(wall, count), bench_median(host, count),
			       bench_median(device, count) };
}

/* "<what> X ms, Y us per slot; Nx cheaper than a launch (goal ...);
 * host X ms, device Y ms". */
static void print_many(const char *what, struct split t, double launches)
{
	printf("  %-50s %10.2f ms %9.3f us per slot; %.1fx cheaper than a launch (goal for "
	       "trivial slots >= 100x: %s); host %.2f ms (%.3f us per slot), device %.2f ms\n", what, t.wall * 1e3,
	       t.wall * 1e6 / MANY, launches / t.wall, goal(launches / t.wall >= 100),
	       t.host * 1e3, t.host * 1e6 / MANY, t.device * 1e3);
}

/* Wall seconds of `count` launches of one slot: each waited for, or all
 * queued and then one clFinish. */
static double one_slot_launches(struct bcl *b, const struct vir0_cl_slot *slots, uint32_t count,
				int wait_each)
{
	struct vir0_error err;
	double start = bench_now();
	for (uint32_t s = 0; s < count; s++) {
		if (vir0_cl_enqueue(b->mega, b->queue, &slots[s], 1, 0, NULL, NULL, &err) != VIR0_OK)
			bench_die("vir0_cl_enqueue", err.message);
		if (wait_each)
			bcl_check(clFinish(b->queue), "clFinish");
	}
	bcl_check(clFinish(b->queue), "clFinish");
	return bench_now() - start;
}

/* Wall seconds of `count` launches of the empty kernel, each waited for
 * or all queued and then one clFinish. */
static double empty_launches(struct bcl *b, cl_kernel empty, uint32_t count, int wait_each)
{
	size_t one = 1;
	double start = bench_now();
	for (uint32_t i = 0; i < count; i++) {
		bcl_check(clEnqueueNDRangeKernel(b->queue, empty, 1, NULL, &one, &one, 0, NULL, NULL),
			  "clEnqueueNDRangeKernel");
		if (wait_each)
			bcl_check(clFinish(b->queue), "clFinish");
	}
	bcl_check(clFinish(b->queue), "clFinish");
	return bench_now() - start;
}

/* The results the resident section compares with. */
struct baseline {
	double empty_us;        /* one empty launch + clFinish */
	double many_launches;   /* MANY empty launches, one clFinish, seconds */
};

/* The tiny program with its buffer an output, loaded. */
static const vir0_cl_program *load_output_program(struct bcl *b, vir0_program **program)
{
	struct vir0_error err;
	const vir0_cl_program *loaded;
	*program = tiny_program(1);
	if (vir0_cl_program_load(b->mega, b->queue, *program, &loaded, &err) != VIR0_OK)
		bench_die("the tiny output program", err.message);
	return loaded;
}

static struct baseline batch_mode(struct bcl *b, const vir0_cl_program *loaded)
{
	struct baseline base;
	cl_mem mem = bcl_buffer(b, (size_t)MANY * TINY_BYTES);
	struct vir0_cl_binding *bindings;
	struct vir0_cl_slot *slots = tiny_slots(loaded, mem, 0, MANY, &bindings);
	cl_kernel empty = bcl_hand_kernel(b, "empty");

	double one[BATCH_REPEATS], each[BATCH_REPEATS], queued[BATCH_REPEATS];
	batch_launch(b, slots, BATCH);   /* warm-up */
	for (int r = 0; r < BATCH_REPEATS; r++) {
		one[r] = batch_launch(b, slots, BATCH);
		each[r] = one_slot_launches(b, slots, BATCH, 1);
		queued[r] = one_slot_launches(b, slots, BATCH, 0);
	}
	check_tiny(b, mem, 0, BATCH, "64 slots");
	double t1 = bench_median(one, BATCH_REPEATS), tw = bench_median(each, BATCH_REPEATS);
	double tq = bench_median(queued, BATCH_REPEATS);
	printf("  %-50s %10.1f us %9.3f us per slot\n", "64 tiny slots, one launch + clFinish",
	       t1 * 1e6, t1 * 1e6 / BATCH);
	printf("  %-50s %10.1f us %9.3f us per slot; one launch's per-slot cost / this: %.4f "
	       "(goal <= 0.05: %s)\n", "64 launches of one slot, each + clFinish", tw * 1e6,
	       tw * 1e6 / BATCH, t1 / tw, goal(t1 / tw <= 0.05));
	printf("  %-50s %10.1f us %9.3f us per slot; one launch's per-slot cost / this: %.4f\n",
	       "64 launches of one slot, one clFinish", tq * 1e6, tq * 1e6 / BATCH, t1 / tq);

	double trips[ROUND_TRIPS];
	empty_launches(b, empty, 10, 1);
	for (int r = 0; r < ROUND_TRIPS; r++)
		trips[r] = empty_launches(b, empty, 1, 1);
	base.empty_us = bench_median(trips, ROUND_TRIPS) * 1e6;
	printf("  %-50s %10.2f us (median of %d)\n", "empty kernel, one launch + clFinish",
	       base.empty_us, ROUND_TRIPS);

	/* NOP slots: the cost of the ring itself, with no program to run. */
	struct vir0_cl_slot *nops = bench_malloc(MANY * sizeof(*nops));
	for (uint32_t s = 0; s < MANY; s++)
		nops[s] = (struct vir0_cl_slot){ .opcode = VIR0_CL_OP_NOP };
	/* Output slots, as StarPU tasks' written handles are: the launch
	 * zeroes their bindings first. */
	vir0_program *output_program;
	const vir0_cl_program *output_loaded = load_output_program(b, &output_program);
	struct vir0_cl_binding *output_bindings;
	struct vir0_cl_slot *outputs = tiny_slots(output_loaded, mem, 0, MANY, &output_bindings);
	struct split ring[MANY_REPEATS], nop[MANY_REPEATS], output[MANY_REPEATS];
	double launches[MANY_REPEATS];
	for (int r = 0; r < MANY_REPEATS; r++) {
		clear(b, mem, 0, (size_t)MANY * TINY_BYTES);
		ring[r] = batch_split(b, slots, MANY);
		nop[r] = batch_split(b, nops, MANY);
		launches[r] = empty_launches(b, empty, MANY, 0);
	}
	check_tiny(b, mem, 0, MANY, "100k slots in one launch");
	for (int r = 0; r < MANY_REPEATS; r++)
		output[r] = batch_split(b, outputs, MANY);
	check_tiny(b, mem, 0, MANY, "100k output slots in one launch");
	base.many_launches = bench_median(launches, MANY_REPEATS);
	printf("  %-50s %10.2f ms %9.3f us per launch\n", "100k empty-kernel launches, one clFinish",
	       base.many_launches * 1e3, base.many_launches * 1e6 / MANY);
	print_many("100k tiny slots, one batch launch + clFinish", split_median(ring, MANY_REPEATS),
		   base.many_launches);
	print_many("100k NOP slots, one batch launch + clFinish", split_median(nop, MANY_REPEATS),
		   base.many_launches);
	print_many("100k tiny output slots, one batch launch + clFinish",
		   split_median(output, MANY_REPEATS), base.many_launches);
	free(outputs);
	free(output_bindings);
	vir0_program_free(output_program);
	clReleaseKernel(empty);
	free(nops);
	free(slots);
	free(bindings);
	clReleaseMemObject(mem);
	return base;
}

/* One-slot launches of the tiny program with its buffer an output. */
static void output_launches(struct bcl *b)
{
	vir0_program *program;
	const vir0_cl_program *loaded = load_output_program(b, &program);
	cl_mem mem = bcl_buffer(b, (size_t)BATCH * TINY_BYTES);
	struct vir0_cl_binding *bindings;
	struct vir0_cl_slot *slots = tiny_slots(loaded, mem, 0, BATCH, &bindings);
	double each[BATCH_REPEATS], queued[BATCH_REPEATS];
	one_slot_launches(b, slots, BATCH, 1);   /* warm-up */
	for (int r = 0; r < BATCH_REPEATS; r++) {
		each[r] = one_slot_launches(b, slots, BATCH, 1);
		queued[r] = one_slot_launches(b, slots, BATCH, 0);
	}
	check_tiny(b, mem, 0, BATCH, "64 slots with an output");
	double tw = bench_median(each, BATCH_REPEATS), tq = bench_median(queued, BATCH_REPEATS);
	printf("  %-50s %10.1f us %9.3f us per slot\n",
	       "64 launches of one slot, output, each + clFinish", tw * 1e6, tw * 1e6 / BATCH);
	printf("  %-50s %10.1f us %9.3f us per slot\n",
	       "64 launches of one slot, output, one clFinish", tq * 1e6, tq * 1e6 / BATCH);
	free(slots);
	free(bindings);
	clReleaseMemObject(mem);
	vir0_program_free(program);
}

static void watchdog(int signal_number)
{
	static const char message[] = "  resident mode: n/a (the ring did not drain within "
				      "120 s; the run stops here)\n";
	(void)signal_number;
	ssize_t written = write(STDOUT_FILENO, message, sizeof(message) - 1);
	(void)written;
	_exit(2);
}

/* ", N launches (M idle exits) for K slots": what the resident kernel
 * did since `before`. */
static void resident_counts(vir0_cl_device *dev, const struct vir0_cl_resident_info *before,
			    char *text, size_t size)
{
	struct vir0_cl_resident_info now;
	vir0_cl_resident_info(dev, &now);
	snprintf(text, size, "; %llu launches (%llu idle exits) for %llu slots",
		 (unsigned long long)(now.launches - before->launches),
		 (unsigned long long)(now.idle_exits - before->idle_exits),
		 (unsigned long long)(now.slots - before->slots));
}

/* Median wall seconds of vir0_cl_run_slots of one slot, one at a time. */
static double round_trip(struct bcl *b, vir0_cl_device *dev, const struct vir0_cl_slot *slot)
{
	struct vir0_error err;
	double trips[ROUND_TRIPS];
	for (int r = -10; r < ROUND_TRIPS; r++) {
		double start = bench_now();
		if (vir0_cl_run_slots(dev, b->queue, slot, 1, &err) != VIR0_OK)
			bench_die("vir0_cl_run_slots (resident)", err.message);
		if (r >= 0)
			trips[r] = bench_now() - start;
	}
	return bench_median(trips, ROUND_TRIPS);
}

/* Median microseconds of a clFinish with nothing queued. */
static double idle_finish_us(struct bcl *b)
{
	double trips[ROUND_TRIPS];
	bcl_check(clFinish(b->queue), "clFinish");
	for (int r = 0; r < ROUND_TRIPS; r++) {
		double start = bench_now();
		bcl_check(clFinish(b->queue), "clFinish");
		trips[r] = bench_now() - start;
	}
	return bench_median(trips, ROUND_TRIPS) * 1e6;
}

static void resident_mode(struct bcl *b, const vir0_program *tiny, struct baseline base)
{
	struct vir0_error err;
	vir0_cl_device *dev;
	/* Forced: auto keeps CPUs, and NVIDIA for now, in batch mode. */
	setenv("VIR0_CL_MODE", "persistent", 1);
	int status = vir0_cl_device_open(b->context, b->device, &dev, &err);
	unsetenv("VIR0_CL_MODE");
	if (status != VIR0_OK) {
		printf("  resident mode: n/a (vir0_cl_device_open with VIR0_CL_MODE=persistent: %s)\n",
		       err.message);
		return;
	}
	enum vir0_cl_mode mode = vir0_cl_device_mode(dev);
	if (mode == VIR0_CL_MODE_BATCH) {
		printf("  resident mode: n/a (the device offers neither fine-grained SVM with "
		       "atomics nor cl_nv_create_buffer)\n");
		vir0_cl_device_close(dev);
		return;
	}
	const vir0_cl_program *loaded;
	struct vir0_cl_binding area;
	if (vir0_cl_program_load(dev, b->queue, tiny, &loaded, &err) != VIR0_OK ||
	    vir0_cl_arena_alloc(dev, (size_t)MANY * TINY_BYTES, &area, &err) != VIR0_OK)
		bench_die("the resident device", err.message);
	struct vir0_cl_binding *bindings;
	struct vir0_cl_slot *slots = tiny_slots(loaded, area.mem, area.offset, MANY, &bindings);
	fflush(stdout);
	signal(SIGALRM, watchdog);
	alarm(WATCHDOG_SECONDS);

	struct vir0_cl_slot nop = { .opcode = VIR0_CL_OP_NOP };
	struct vir0_cl_resident_info before;
	char nop_counts[96], tiny_counts[96], many_counts[96];
	vir0_cl_resident_info(dev, &before);
	double nop_us = round_trip(b, dev, &nop) * 1e6;
	resident_counts(dev, &before, nop_counts, sizeof(nop_counts));
	vir0_cl_resident_info(dev, &before);
	double tiny_us = round_trip(b, dev, &slots[0]) * 1e6;
	resident_counts(dev, &before, tiny_counts, sizeof(tiny_counts));
	check_tiny(b, area.mem, area.offset, 1, "one resident slot");
	printf("  resident mode: %s (forced with VIR0_CL_MODE=persistent); vir0_cl_run_slots\n",
	       vir0_cl_mode_name(mode));
	printf("  %-50s %10.2f us (median of %d); empty launch / this: %.2f (goal <= 3 us "
	       "and >= 4: %s)%s\n", "resident: one NOP slot, publish to done", nop_us, ROUND_TRIPS,
	       base.empty_us / nop_us, goal(nop_us <= 3 && base.empty_us / nop_us >= 4),
	       nop_counts);
	printf("  %-50s %10.2f us (median of %d); empty launch / this: %.2f%s\n",
	       "resident: one tiny slot, publish to done", tiny_us, ROUND_TRIPS,
	       base.empty_us / tiny_us, tiny_counts);
	printf("  %-50s %10.2f us (median of %d; a program's slot waits for the caller's queue)\n",
	       "clFinish of an idle queue", idle_finish_us(b), ROUND_TRIPS);
	fflush(stdout);

	double ring[MANY_REPEATS];
	vir0_cl_resident_info(dev, &before);
	for (int r = 0; r < MANY_REPEATS; r++) {
		clear(b, area.mem, area.offset, area.size);
		double start = bench_now();
		if (vir0_cl_run_slots(dev, b->queue, slots, MANY, &err) != VIR0_OK)
			bench_die("vir0_cl_run_slots (resident)", err.message);
		ring[r] = bench_now() - start;
	}
	resident_counts(dev, &before, many_counts, sizeof(many_counts));
	check_tiny(b, area.mem, area.offset, MANY, "100k resident slots");
	double tr = bench_median(ring, MANY_REPEATS);
	printf("  %-50s %10.2f ms %9.3f us per slot; %.1fx cheaper than a launch (goal >= 100x: "
	       "%s)%s\n", "resident: 100k tiny slots in one call", tr * 1e3, tr * 1e6 / MANY,
	       base.many_launches / tr, goal(base.many_launches / tr >= 100), many_counts);
	free(slots);
	free(bindings);
	vir0_cl_arena_free(dev, &area);
	/* Closing drains the resident kernel: still under the watchdog. */
	vir0_cl_device_close(dev);
	alarm(0);
}

void bcl_dispatch(struct bcl *b)
{
	struct vir0_error err;
	vir0_program *tiny = tiny_program(0);
	const vir0_cl_program *loaded;
	if (vir0_cl_program_load(b->mega, b->queue, tiny, &loaded, &err) != VIR0_OK)
		bench_die("the tiny program", err.message);
	printf("dispatch: wall time (host clock around the calls and their wait), median; a tiny\n"
	       "slot runs 16 invocations of out[i] = i + 1 (no output zero-fill but where it says\n"
	       "output); the launches are "
	       "vir0_cl_enqueue batch launches (device mode %s)\n",
	       vir0_cl_mode_name(vir0_cl_device_mode(b->mega)));
	struct baseline base = batch_mode(b, loaded);
	output_launches(b);
	fflush(stdout);
	resident_mode(b, tiny, base);
	vir0_program_free(tiny);
}
