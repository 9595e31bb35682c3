/* test_opencl_slots.c - the OpenCL engine's ring and host API beyond one
 * program: many slots in one launch on the caller's cl_mem buffers, the
 * protocol's built-in opcodes and control words, faults, the resident
 * kernel (where the device offers it), the program store (reuse, growth,
 * eviction) and the errors a caller can make. Prints the per-slot costs it
 * sees (informational; no timed assertion). */
#include "fixtures.h"
#include "vir0_opencl.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static vir0_cl_runtime *rt;
static vir0_cl_device *dev;
static cl_command_queue queue;
static cl_context context;

/* out[gid.x] = gid.x * k + k (k a literal, so each k is its own program). */
static vir0_program *scaled(uint32_t k)
{
	char text[256];
	snprintf(text, sizeof(text),
		 "workgroup 16 1 1\nbuffer out u32[0] read_write output\n"
		 "let i = gid.x\nif i < len(out) {\n\tstore out[i] = i * %uu + %uu\n}\n", k, k);
	vir0_program *p = NULL;
	ck_assert_int_eq(vir0_assemble(text, strlen(text), &p, NULL), VIR0_OK);
	return p;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static void setup(void)
{
	struct vir0_error err = { 0 };
	int status = vir0_cl_runtime_open(-1, &rt, &err);
	ck_assert_msg(status == VIR0_OK, "%s", err.message);
	dev = vir0_cl_runtime_device(rt);
	queue = vir0_cl_runtime_queue(rt);
	clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT, sizeof(context), &context, NULL);
}

static void teardown(void)
{
	vir0_cl_runtime_close(rt);
}

static uint32_t control_word(uint32_t index)
{
	uint32_t word = 0;
	ck_assert_int_eq(vir0_cl_control_read(dev, queue, index, 1, &word, NULL), VIR0_OK);
	return word;
}

enum { NSLOTS = 64, N = 100 };

/* One batch launch of `n` slots, waited for. */
static int launch_and_wait(const struct vir0_cl_slot *slots, uint32_t n)
{
	int status = vir0_cl_enqueue(dev, queue, slots, n, 0, NULL, NULL, NULL);
	return status ? status : clFinish(queue) == CL_SUCCESS ? VIR0_OK : VIR0_EIO;
}

/* NSLOTS slots on `on`: slot s runs scaled(s + 1) over its own N
 * elements of the buffer returned (made in q's context). */
static cl_mem scaled_slots(vir0_cl_device *on, cl_command_queue q, vir0_program **programs,
			   struct vir0_cl_slot *slots, struct vir0_cl_binding *bindings)
{
	struct vir0_error err = { 0 };
	cl_context ctx;
	clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(ctx), &ctx, NULL);
	cl_int code;
	cl_mem mem = clCreateBuffer(ctx, CL_MEM_READ_WRITE, NSLOTS * N * 4, NULL, &code);
	ck_assert_int_eq(code, CL_SUCCESS);
	memset(slots, 0, NSLOTS * sizeof(*slots));
	for (uint32_t s = 0; s < NSLOTS; s++) {
		programs[s] = scaled(s + 1);
		ck_assert_int_eq(vir0_cl_program_load(on, q, programs[s], &slots[s].program, &err),
				 VIR0_OK);
		bindings[s] = (struct vir0_cl_binding){ mem, (size_t)s * N * 4, N * 4 };
		slots[s].bindings = &bindings[s];
		slots[s].nbindings = 1;
		slots[s].groups[0] = (N + 15) / 16;
		slots[s].groups[1] = slots[s].groups[2] = 1;
	}
	return mem;
}

/* 64 programs, one launch, one cl_mem (each slot its own range of it). */
START_TEST(batch_of_many_slots)
{
	struct vir0_error err = { 0 };
	vir0_program *programs[NSLOTS];
	struct vir0_cl_slot slots[NSLOTS];
	struct vir0_cl_binding bindings[NSLOTS];
	cl_mem mem = scaled_slots(dev, queue, programs, slots, bindings);
	uint32_t done_before = control_word(VIR0_CL_CONTROL_DONE_COUNT);
	uint32_t runs_before = control_word(VIR0_CL_CONTROL_METRICS_BASE + VIR0_CL_METRIC_RUN_VIR0);
	cl_event done = NULL;
	ck_assert_msg(vir0_cl_enqueue(dev, queue, slots, NSLOTS, 0, NULL, &done, &err) == VIR0_OK,
		      "%s", err.message);
	ck_assert_int_eq(clWaitForEvents(1, &done), CL_SUCCESS);
	clReleaseEvent(done);
	uint32_t *out = malloc(NSLOTS * N * 4);
	ck_assert_int_eq(clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, NSLOTS * N * 4, out, 0, NULL,
					     NULL), CL_SUCCESS);
	for (uint32_t s = 0; s < NSLOTS; s++)
		for (uint32_t i = 0; i < N; i++)
			ck_assert_uint_eq(out[s * N + i], i * (s + 1) + s + 1);
	ck_assert_uint_eq(control_word(VIR0_CL_CONTROL_DONE_COUNT) - done_before, NSLOTS);
	ck_assert_uint_eq(control_word(VIR0_CL_CONTROL_METRICS_BASE + VIR0_CL_METRIC_RUN_VIR0) -
			  runs_before, NSLOTS);

	/* Informational: one launch of 64 slots against 64 launches of one. */
	double t0 = now();
	ck_assert_int_eq(launch_and_wait(slots, NSLOTS), VIR0_OK);
	double t1 = now();
	for (uint32_t s = 0; s < NSLOTS; s++)
		ck_assert_int_eq(launch_and_wait(&slots[s], 1), VIR0_OK);
	double t2 = now();
	printf("opencl slots: 64 slots in one launch %.1f us per slot; 64 launches %.1f us "
	       "per slot (ratio %.3f)\n", (t1 - t0) * 1e6 / NSLOTS, (t2 - t1) * 1e6 / NSLOTS,
	       (t1 - t0) / (t2 - t1));
	free(out);
	for (uint32_t s = 0; s < NSLOTS; s++)
		vir0_program_free(programs[s]);
	clReleaseMemObject(mem);
}
END_TEST

/* Launch l of pooled_ring_buffers runs slots [first, first + count):
 * one slot at first, then ever more, so later rings need bigger buffers;
 * then every output is checked (zeroed before, so a launch that did not
 * run fails it). */
static void pooled_launches(vir0_cl_device *pooled, cl_command_queue q,
			    const struct vir0_cl_slot *slots, cl_mem mem)
{
	enum { LAUNCHES = 24 };
	struct vir0_error err = { 0 };
	static const cl_uint zero = 0;
	ck_assert_int_eq(clEnqueueFillBuffer(q, mem, &zero, sizeof(zero), 0, NSLOTS * N * 4, 0,
					     NULL, NULL), CL_SUCCESS);
	ck_assert_int_eq(clFinish(q), CL_SUCCESS);
	cl_event done[LAUNCHES];
	for (uint32_t l = 0; l < LAUNCHES; l++) {
		uint32_t first = l % NSLOTS, count = l < 12 ? 1 : 2 * (l - 11);
		count = first + count > NSLOTS ? NSLOTS - first : count;
		ck_assert_msg(vir0_cl_enqueue(pooled, q, &slots[first], count, 0, NULL, &done[l],
					      &err) == VIR0_OK, "%s", err.message);
	}
	ck_assert_int_eq(clWaitForEvents(LAUNCHES, done), CL_SUCCESS);
	for (uint32_t l = 0; l < LAUNCHES; l++)
		clReleaseEvent(done[l]);
	uint32_t *out = malloc(NSLOTS * N * 4);
	ck_assert_int_eq(clEnqueueReadBuffer(q, mem, CL_TRUE, 0, NSLOTS * N * 4, out, 0, NULL,
					     NULL), CL_SUCCESS);
	for (uint32_t s = 0; s < 12 + 2 * 12; s++)
		for (uint32_t i = 0; i < N; i++)
			ck_assert_uint_eq(out[s * N + i], i * (s + 1) + s + 1);
	free(out);
}

/* With pooled ring buffers forced (the GPU default): more launches in
 * flight than the pool holds (the rest make buffers of their own), rings
 * that outgrow their buffer, and a done event per launch; every output
 * is the one its own ring asked for. On the runtime's in-order queue
 * (uploads without events), then on an out-of-order one where the device
 * has it (each launch waits for its upload's event). */
START_TEST(pooled_ring_buffers)
{
	struct vir0_error err = { 0 };
	setenv("VIR0_CL_RING_POOL", "1", 1);
	vir0_cl_runtime *pooled_rt;
	int status = vir0_cl_runtime_open(-1, &pooled_rt, &err);
	unsetenv("VIR0_CL_RING_POOL");
	ck_assert_msg(status == VIR0_OK, "%s", err.message);
	vir0_cl_device *pooled = vir0_cl_runtime_device(pooled_rt);
	cl_command_queue q = vir0_cl_runtime_queue(pooled_rt);
	vir0_program *programs[NSLOTS];
	struct vir0_cl_slot slots[NSLOTS];
	struct vir0_cl_binding bindings[NSLOTS];
	cl_mem mem = scaled_slots(pooled, q, programs, slots, bindings);
	pooled_launches(pooled, q, slots, mem);
	cl_device_id device;
	ck_assert_int_eq(clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(device), &device, NULL),
			 CL_SUCCESS);
	cl_command_queue_properties props = 0;
	ck_assert_int_eq(clGetDeviceInfo(device, CL_DEVICE_QUEUE_PROPERTIES, sizeof(props),
					 &props, NULL), CL_SUCCESS);
	if (props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE) {
		cl_int code;
		const cl_queue_properties ooo_props[] = {
			CL_QUEUE_PROPERTIES, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, 0
		};
		cl_command_queue ooo = clCreateCommandQueueWithProperties(
			vir0_cl_runtime_context(pooled_rt), device, ooo_props, &code);
		ck_assert_int_eq(code, CL_SUCCESS);
		pooled_launches(pooled, ooo, slots, mem);
		clReleaseCommandQueue(ooo);
	} else {
		printf("pooled_ring_buffers: no out-of-order queues on this device\n");
	}
	for (uint32_t s = 0; s < NSLOTS; s++)
		vir0_program_free(programs[s]);
	clReleaseMemObject(mem);
	vir0_cl_runtime_close(pooled_rt);
}
END_TEST

/* Extra megakernel build options from the environment: a wrong one fails
 * the device with the compiler's verdict, one too long is refused before
 * any build, and a good one builds (its log shown on request). */
START_TEST(build_options_from_the_environment)
{
	struct vir0_error err = { 0 };
	vir0_cl_runtime *other = NULL;
	setenv("VIR0_CL_BUILD_OPTIONS", "-DVIR0_WG=", 1);
	ck_assert_int_ne(vir0_cl_runtime_open(-1, &other, &err), VIR0_OK);
	ck_assert_msg(strstr(err.message, "megakernel does not build") &&
		      strstr(err.message, "-DVIR0_WG="), "%s", err.message);
	char longer[600];
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	setenv("VIR0_CL_BUILD_OPTIONS", longer, 1);
	ck_assert_int_eq(vir0_cl_runtime_open(-1, &other, &err), VIR0_EARG);
	ck_assert_msg(strstr(err.message, "VIR0_CL_BUILD_OPTIONS is 599 characters"), "%s",
		      err.message);
	setenv("VIR0_CL_BUILD_OPTIONS", "-DVIR0_UNUSED=1", 1);
	setenv("VIR0_CL_BUILD_LOG", "1", 1);
	int status = vir0_cl_runtime_open(-1, &other, &err);
	unsetenv("VIR0_CL_BUILD_OPTIONS");
	unsetenv("VIR0_CL_BUILD_LOG");
	ck_assert_msg(status == VIR0_OK, "%s", err.message);
	char text[512];
	vir0_cl_device_describe(vir0_cl_runtime_device(other), text, sizeof(text));
	ck_assert_msg(strstr(text, "built in"), "%s", text);
	vir0_cl_runtime_close(other);
}
END_TEST

static struct vir0_cl_slot raw(uint32_t opcode, uint32_t a0, uint32_t a1, uint32_t a2)
{
	struct vir0_cl_slot s = { .opcode = opcode };
	s.args[0] = a0;
	s.args[1] = a1;
	s.args[2] = a2;
	return s;
}

/* STORE_U32, ATOMIC_ADD, LOAD_U32, COMPARE_SWAP, MEMCPY, NOP, BATCH_FENCE
 * on the control words, in order thanks to the fences. */
START_TEST(builtin_opcodes)
{
	enum { W = 200, OBS = VIR0_CL_CONTROL_OBSERVABLE_BASE };
	struct vir0_cl_slot s[] = {
		raw(VIR0_CL_OP_STORE_U32, 40, W, 0),
		raw(VIR0_CL_OP_BATCH_FENCE, 0, 0, 0),
		raw(VIR0_CL_OP_ATOMIC_ADD, 2, W, 0),
		raw(VIR0_CL_OP_BATCH_FENCE, 0, 0, 0),
		raw(VIR0_CL_OP_COMPARE_SWAP, W, 42, 7),
		raw(VIR0_CL_OP_BATCH_FENCE, 0, 0, 0),
		raw(VIR0_CL_OP_LOAD_U32, W, 3, 0),
		raw(VIR0_CL_OP_MEMCPY, W, W + 1, 1),
		raw(VIR0_CL_OP_NOP, 0, 0, 0),
	};
	struct vir0_error err = { 0 };
	uint32_t nops = control_word(VIR0_CL_CONTROL_METRICS_BASE + VIR0_CL_OP_NOP);
	ck_assert_msg(vir0_cl_run_slots(dev, queue, s, sizeof(s) / sizeof(s[0]), &err) == VIR0_OK,
		      "%s", err.message);
	ck_assert_uint_eq(control_word(W), 7);
	ck_assert_uint_eq(control_word(OBS + 3), 7);
	ck_assert_uint_eq(control_word(W + 1), 7);
	ck_assert_uint_eq(control_word(VIR0_CL_CONTROL_METRICS_BASE + VIR0_CL_OP_NOP), nops + 1);
}
END_TEST

static uint32_t control_word_of(vir0_cl_device *on, cl_command_queue q, uint32_t index)
{
	uint32_t word = 0;
	ck_assert_int_eq(vir0_cl_control_read(on, q, index, 1, &word, NULL), VIR0_OK);
	return word;
}

/* Batches of BIG slots, whose all-zero state (1.9 MB) the launch fills
 * on the device instead of copying it: without a fence, then with two
 * (the state after the first one holds fence words, which the host
 * copies), three times each so that a ring's host pages come back, not
 * zero, as the next one's. Every ATOMIC_ADD slot runs once, and the
 * COMPARE_SWAP between the fences sees all the adds before them. With
 * `run_slots`, through vir0_cl_run_slots (the ring read back). */
static void large_batches(vir0_cl_device *on, cl_command_queue q, int run_slots)
{
	enum { BIG = 20000, H = 12000, W = 210 };
	const uint32_t adds = VIR0_CL_CONTROL_METRICS_BASE + VIR0_CL_OP_ATOMIC_ADD;
	struct vir0_error err = { 0 };
	struct vir0_cl_slot *s = malloc(BIG * sizeof(*s));
	ck_assert_ptr_nonnull(s);
	for (int fenced = 0; fenced < 2; fenced++)
		for (int round = 0; round < 3; round++) {
			uint32_t before = control_word_of(on, q, W);
			uint32_t adds_before = control_word_of(on, q, adds);
			for (uint32_t i = 0; i < BIG; i++)
				s[i] = raw(VIR0_CL_OP_ATOMIC_ADD, 1, W, 0);
			if (fenced) {
				s[H] = raw(VIR0_CL_OP_BATCH_FENCE, 0, 0, 0);
				s[H + 1] = raw(VIR0_CL_OP_COMPARE_SWAP, W, before + H, 0);
				s[H + 2] = raw(VIR0_CL_OP_BATCH_FENCE, 0, 0, 0);
			}
			int status = run_slots ? vir0_cl_run_slots(on, q, s, BIG, &err)
					       : vir0_cl_enqueue(on, q, s, BIG, 0, NULL, NULL, &err);
			ck_assert_msg(status == VIR0_OK, "%s", err.message);
			ck_assert_int_eq(clFinish(q), CL_SUCCESS);
			ck_assert_uint_eq(control_word_of(on, q, adds) - adds_before,
					  fenced ? BIG - 3 : BIG);
			ck_assert_uint_eq(control_word_of(on, q, W),
					  fenced ? BIG - H - 3 : before + BIG);
		}
	free(s);
}

START_TEST(large_batches_fill_their_state)
{
	struct vir0_error err = { 0 };
	large_batches(dev, queue, 0);
	/* Pooled buffers, and batch mode for run_slots's read back. */
	setenv("VIR0_CL_RING_POOL", "1", 1);
	setenv("VIR0_CL_MODE", "batch", 1);
	vir0_cl_runtime *pooled_rt;
	int status = vir0_cl_runtime_open(-1, &pooled_rt, &err);
	unsetenv("VIR0_CL_RING_POOL");
	unsetenv("VIR0_CL_MODE");
	ck_assert_msg(status == VIR0_OK, "%s", err.message);
	vir0_cl_device *pooled = vir0_cl_runtime_device(pooled_rt);
	cl_command_queue q = vir0_cl_runtime_queue(pooled_rt);
	large_batches(pooled, q, 0);
	large_batches(pooled, q, 1);
	vir0_cl_runtime_close(pooled_rt);
}
END_TEST

static vir0_program *assembled(const char *text)
{
	vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	ck_assert_msg(vir0_assemble(text, strlen(text), &p, &err) == VIR0_OK, "%s", err.message);
	return p;
}

/* out[i] = in0[i] + ... + in{k-1}[i] + i, u32: k + 1 buffers. */
static vir0_program *sum_of(uint32_t k)
{
	char text[1024];
	int at = snprintf(text, sizeof(text), "workgroup 16 1 1\n");
	for (uint32_t b = 0; b < k; b++)
		at += snprintf(text + at, sizeof(text) - at, "buffer in%u u32[0] read\n", b);
	at += snprintf(text + at, sizeof(text) - at,
		       "buffer out u32[0] read_write output\nlet i = gid.x\nlet t = i\n");
	for (uint32_t b = 0; b < k; b++)
		at += snprintf(text + at, sizeof(text) - at, "t = t + in%u[i]\n", b);
	snprintf(text + at, sizeof(text) - at, "if i < len(out) {\n\tstore out[i] = t\n}\n");
	return assembled(text);
}

/* Enqueue `p` alone over `groups` workgroups, its buffers bound to `mem`
 * (buffer b at b * n words, n words each; Workgroup ones to none),
 * without a read back, and wait for it. */
static void enqueue_alone(vir0_program *p, uint32_t groups, cl_mem mem, uint32_t n)
{
	struct vir0_error err = { 0 };
	struct vir0_cl_binding b[16] = { 0 };
	struct vir0_cl_slot slot = { .nbindings = p->nbuffers, .bindings = b,
				     .groups = { groups, 1, 1 } };
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, p, &slot.program, &err), VIR0_OK);
	for (uint32_t i = 0; i < p->nbuffers; i++)
		if (p->buffers[i].access != VIR0_ACCESS_WORKGROUP)
			b[i] = (struct vir0_cl_binding){ mem, (size_t)i * n * 4, (size_t)n * 4 };
	ck_assert_msg(vir0_cl_enqueue(dev, queue, &slot, 1, 0, NULL, NULL, &err) == VIR0_OK, "%s",
		      err.message);
	ck_assert_int_eq(clFinish(queue), CL_SUCCESS);
}

/* One RUN_VIR0 slot of one chunk enqueued without a read back goes to the
 * kernel by value (its `lone` arguments, no ring buffer): its outputs are
 * zeroed before it runs, Workgroup memory and barriers work, a program of
 * 8 buffers fits, one of 9 takes a ring instead; each launch counts once
 * in DONE_COUNT and the RUN_VIR0 metric. */
START_TEST(one_slot_launches_by_value)
{
	/* One chunk on PoCL (16 lanes) and GPUs alike. */
	enum { W = 16 };
	cl_int code;
	cl_mem mem = clCreateBuffer(context, CL_MEM_READ_WRITE, 9 * W * 4, NULL, &code);
	ck_assert_int_eq(code, CL_SUCCESS);
	uint32_t host[9 * W], out[W];
	for (uint32_t i = 0; i < 9 * W; i++)
		host[i] = 0xA5A5A5A5u ^ i * 2654435761u;
	uint32_t done = control_word(VIR0_CL_CONTROL_DONE_COUNT);
	uint32_t runs = control_word(VIR0_CL_CONTROL_METRICS_BASE + VIR0_CL_METRIC_RUN_VIR0);
	/* Odd elements are never stored: they read back zero. */
	vir0_program *evens = assembled("workgroup 16 1 1\nbuffer out u32[0] read_write output\n"
					"let i = gid.x\nif (i & 1u) == 0u {\n"
					"\tstore out[i] = i + 7u\n}\n");
	ck_assert_int_eq(clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, W * 4, host, 0, NULL, NULL),
			 CL_SUCCESS);
	enqueue_alone(evens, W / 16, mem, W);
	ck_assert_int_eq(clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, W * 4, out, 0, NULL, NULL),
			 CL_SUCCESS);
	for (uint32_t i = 0; i < W; i++)
		ck_assert_uint_eq(out[i], i % 2 ? 0u : i + 7u);
	/* One workgroup reverses its block through Workgroup memory. */
	vir0_program *reverse = assembled("workgroup 16 1 1\nbuffer in u32[0] read\n"
					  "buffer out u32[0] read_write output\n"
					  "buffer tile u32[16] workgroup\n"
					  "store tile[lid.x] = in[gid.x]\nbarrier\n"
					  "store out[gid.x] = tile[15u - lid.x]\n");
	ck_assert_int_eq(clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, 9 * W * 4, host, 0, NULL,
					      NULL), CL_SUCCESS);
	enqueue_alone(reverse, 1, mem, W);
	ck_assert_int_eq(clEnqueueReadBuffer(queue, mem, CL_TRUE, W * 4, W * 4, out, 0, NULL,
					     NULL), CL_SUCCESS);
	for (uint32_t i = 0; i < W; i++)
		ck_assert_uint_eq(out[i], host[W - 1 - i]);
	/* 7 inputs and an output fill the arguments; 8 and one do not. */
	for (uint32_t k = 7; k <= 8; k++) {
		vir0_program *sum = sum_of(k);
		ck_assert_int_eq(clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, 9 * W * 4, host, 0,
						      NULL, NULL), CL_SUCCESS);
		enqueue_alone(sum, W / 16, mem, W);
		ck_assert_int_eq(clEnqueueReadBuffer(queue, mem, CL_TRUE, (size_t)k * W * 4, W * 4,
						     out, 0, NULL, NULL), CL_SUCCESS);
		for (uint32_t i = 0; i < W; i++) {
			uint32_t want = i;
			for (uint32_t b = 0; b < k; b++)
				want += host[b * W + i];
			ck_assert_uint_eq(out[i], want);
		}
		vir0_program_free(sum);
	}
	ck_assert_uint_eq(control_word(VIR0_CL_CONTROL_DONE_COUNT) - done, 4);
	ck_assert_uint_eq(control_word(VIR0_CL_CONTROL_METRICS_BASE + VIR0_CL_METRIC_RUN_VIR0) -
			  runs, 4);
	vir0_program_free(evens);
	vir0_program_free(reverse);
	clReleaseMemObject(mem);
}
END_TEST

/* An unknown opcode, an index past the control words and a disabled
 * tenant end in FAULT, which run_slots reports. */
START_TEST(faults_are_reported)
{
	struct vir0_error err = { 0 };
	struct vir0_cl_slot bad = raw(0x12345, 0, 0, 0);
	ck_assert_int_eq(vir0_cl_run_slots(dev, queue, &bad, 1, &err), VIR0_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "unknown opcode"));
	bad = raw(VIR0_CL_OP_STORE_U32, 1, 100000, 0);
	ck_assert_int_eq(vir0_cl_run_slots(dev, queue, &bad, 1, &err), VIR0_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "out of bounds"));
	bad = raw(VIR0_CL_OP_NOP, 0, 0, 0);
	bad.tenant = 5;
	ck_assert_int_eq(vir0_cl_run_slots(dev, queue, &bad, 1, &err), VIR0_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "tenant"));
}
END_TEST

/* Arena bindings through run_slots: the resident kernel where the device
 * offers one (forced with VIR0_CL_MODE=persistent; else batch), rounds of
 * slots larger than the ring. */
START_TEST(resident_rounds)
{
	enum { M = 150 };
	struct vir0_error err = { 0 };
	cl_device_id device;
	clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, sizeof(device), &device, NULL);
	vir0_cl_device *batch_dev = dev;
	setenv("VIR0_CL_MODE", "persistent", 1);
	ck_assert_int_eq(vir0_cl_device_open(context, device, &dev, &err), VIR0_OK);
	unsetenv("VIR0_CL_MODE");
	vir0_program *p = scaled(3);
	struct vir0_cl_slot slots[M];
	struct vir0_cl_binding b[M];
	memset(slots, 0, sizeof(slots));
	const vir0_cl_program *loaded;
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, p, &loaded, &err), VIR0_OK);
	for (uint32_t s = 0; s < M; s++) {
		ck_assert_int_eq(vir0_cl_arena_alloc(dev, (s % 7 + 1) * 16 * 4, &b[s], &err), VIR0_OK);
		slots[s] = (struct vir0_cl_slot){ .program = loaded, .bindings = &b[s],
						  .nbindings = 1, .groups = { s % 7 + 1, 1, 1 } };
	}
	double t0 = now();
	ck_assert_msg(vir0_cl_run_slots(dev, queue, slots, M, &err) == VIR0_OK, "%s", err.message);
	double t1 = now();
	/* Resident: rounds of the 64-slot ring, every slot published once,
	 * at least one launch (more when the kernel left idle between rounds,
	 * which depends on timing). */
	struct vir0_cl_resident_info info;
	vir0_cl_resident_info(dev, &info);
	if (vir0_cl_device_mode(dev) != VIR0_CL_MODE_BATCH) {
		ck_assert_uint_eq(info.slots, M);
		ck_assert_uint_eq(info.rounds, (M + 63) / 64);
		ck_assert_uint_ge(info.launches, 1);
		ck_assert_uint_le(info.idle_exits, info.launches);
	} else {
		ck_assert_uint_eq(info.launches, 0);
	}
	for (uint32_t s = 0; s < M; s++) {
		uint32_t out[7 * 16];
		ck_assert_int_eq(clEnqueueReadBuffer(queue, b[s].mem, CL_TRUE, b[s].offset, b[s].size,
						     out, 0, NULL, NULL), CL_SUCCESS);
		for (uint32_t i = 0; i < b[s].size / 4; i++)
			ck_assert_uint_eq(out[i], i * 3 + 3);
		vir0_cl_arena_free(dev, &b[s]);
	}
	/* One slot at a time: publish-to-done (resident) or launch-to-done. */
	ck_assert_int_eq(vir0_cl_arena_alloc(dev, 16 * 4, &b[0], &err), VIR0_OK);
	slots[0].groups[0] = 1;
	double t2 = now();
	for (int k = 0; k < 200; k++)
		ck_assert_int_eq(vir0_cl_run_slots(dev, queue, slots, 1, &err), VIR0_OK);
	double t3 = now();
	struct vir0_cl_resident_info after;
	vir0_cl_resident_info(dev, &after);
	ck_assert_uint_eq(after.slots - info.slots,
			  vir0_cl_device_mode(dev) != VIR0_CL_MODE_BATCH ? 200 : 0);
	printf("opencl slots (%s): %d slots %.1f us per slot; one slot at a time %.1f us; "
	       "%llu launches (%llu idle exits) for %llu slots\n",
	       vir0_cl_mode_name(vir0_cl_device_mode(dev)), M, (t1 - t0) * 1e6 / M,
	       (t3 - t2) * 1e6 / 200, (unsigned long long)after.launches,
	       (unsigned long long)after.idle_exits, (unsigned long long)after.slots);
	vir0_cl_arena_free(dev, &b[0]);
	vir0_program_free(p);
	vir0_cl_device_close(dev);
	dev = batch_dev;
}
END_TEST

/* Content addressing: an equal program is found, not uploaded again. */
START_TEST(store_reuses_equal_programs)
{
	vir0_program *a = scaled(9), *b = scaled(9), *c = scaled(10);
	const vir0_cl_program *pa, *pb, *pc;
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, a, &pa, NULL), VIR0_OK);
	struct vir0_cl_store_info before, after;
	vir0_cl_store_info(dev, &before);
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, b, &pb, NULL), VIR0_OK);
	vir0_cl_store_info(dev, &after);
	ck_assert_ptr_eq(pa, pb);
	ck_assert_uint_eq(after.used_bytes, before.used_bytes);
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, c, &pc, NULL), VIR0_OK);
	ck_assert_uint_ne(vir0_cl_program_offset(pc), vir0_cl_program_offset(pa));
	vir0_program_free(a);
	vir0_program_free(b);
	vir0_program_free(c);
}
END_TEST

/* A program of `stores` statements: big enough to fill a small store. */
static vir0_program *long_program(uint32_t seed, uint32_t stores)
{
	size_t size = 64 + (size_t)stores * 48;
	char *text = malloc(size);
	size_t used = (size_t)snprintf(text, size, "buffer out u32[0] read_write output\n");
	for (uint32_t i = 0; i < stores; i++)
		used += (size_t)snprintf(text + used, size - used, "store out[%uu] = %uu\n", i,
					 seed + i);
	vir0_program *p = NULL;
	ck_assert_int_eq(vir0_assemble(text, used, &p, NULL), VIR0_OK);
	free(text);
	return p;
}

/* Run `program` (one output of 1000 words, one workgroup) on `d` through
 * run_slots and check out[i] = seed + i. */
static int run_long(vir0_cl_device *d, const vir0_cl_program *program, uint32_t seed,
		    struct vir0_error *err)
{
	struct vir0_cl_binding out;
	ck_assert_int_eq(vir0_cl_arena_alloc(d, 1000 * 4, &out, err), VIR0_OK);
	struct vir0_cl_slot slot = { .program = program, .bindings = &out, .nbindings = 1,
				     .groups = { 1, 1, 1 } };
	int status = vir0_cl_run_slots(d, queue, &slot, 1, err);
	if (status == VIR0_OK) {
		uint32_t words[1000];
		ck_assert_int_eq(clEnqueueReadBuffer(queue, out.mem, CL_TRUE, out.offset,
						     sizeof(words), words, 0, NULL, NULL), CL_SUCCESS);
		for (uint32_t i = 0; i < 1000; i++)
			ck_assert_uint_eq(words[i], seed + i);
	}
	vir0_cl_arena_free(d, &out);
	return status;
}

/* The store grows past its first buffer, then, full at
 * VIR0_CL_STORE_MAX_MB, evicts and starts over: every newly loaded
 * program still runs right, an evicted handle is refused until loaded
 * again, and only a program larger than the whole store is "full". */
START_TEST(store_grows_then_evicts)
{
	struct vir0_error err = { 0 };
	setenv("VIR0_CL_STORE_MAX_MB", "1", 1);
	vir0_cl_device *small;
	cl_device_id device;
	clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, sizeof(device), &device, NULL);
	ck_assert_int_eq(vir0_cl_device_open(context, device, &small, &err), VIR0_OK);
	unsetenv("VIR0_CL_STORE_MAX_MB");
	vir0_program *first = long_program(1, 1000);
	const vir0_cl_program *loaded;
	ck_assert_int_eq(vir0_cl_program_load(small, queue, first, &loaded, &err), VIR0_OK);
	struct vir0_cl_store_info info;
	vir0_cl_store_info(small, &info);
	size_t first_capacity = info.capacity_bytes;
	uint32_t n = 1;
	for (; info.evictions < 2 && n < 200; n++) {
		vir0_program *p = long_program(1000 * n, 1000);
		const vir0_cl_program *more;
		ck_assert_msg(vir0_cl_program_load(small, queue, p, &more, &err) == VIR0_OK, "%s",
			      err.message);
		if (n % 7 == 0)
			ck_assert_msg(run_long(small, more, 1000 * n, &err) == VIR0_OK, "%s",
				      err.message);
		vir0_program_free(p);
		vir0_cl_store_info(small, &info);
		ck_assert_uint_le(info.used_bytes, info.limit_bytes);
	}
	ck_assert_uint_eq(info.evictions, 2);
	ck_assert_uint_gt(info.capacity_bytes, first_capacity);
	ck_assert_uint_eq(info.limit_bytes, 1u << 20);
	ck_assert_uint_lt(info.programs, n);
	/* The first program was evicted: refused, then loaded again, it runs. */
	ck_assert_int_eq(run_long(small, loaded, 1, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "evicted"));
	const vir0_cl_program *again;
	ck_assert_int_eq(vir0_cl_program_load(small, queue, first, &again, &err), VIR0_OK);
	ck_assert_ptr_eq(again, loaded);
	ck_assert_msg(run_long(small, again, 1, &err) == VIR0_OK, "%s", err.message);
	/* Larger than the whole store: full. */
	vir0_program *huge = long_program(7, 30000);
	ck_assert_int_eq(vir0_cl_program_load(small, queue, huge, &again, &err), VIR0_ELIMIT);
	ck_assert_ptr_nonnull(strstr(err.message, "program store is full"));
	vir0_program_free(huge);
	vir0_program_free(first);
	vir0_cl_device_close(small);
}
END_TEST

/* The runtime hands out its context and device (the JIT and hand-written
 * kernels share them): the ones its queue was made on. */
/* A one-slot launch zeroes small outputs inside the kernel, before any
 * invocation runs (fmt §9.1): outputs full of garbage beforehand, written
 * only in part, a u8 output at an odd byte offset, an atomic counter every
 * invocation of many chunks adds to; through vir0_cl_enqueue and
 * vir0_cl_run_slots. Bytes around the bindings stay as they were. */
START_TEST(outputs_zeroed_before_the_run)
{
	static const char text[] =
		"workgroup 64 1 1\nbuffer small u8[0] read_write output\n"
		"buffer total u32[0] read_write output\nbuffer in u32[0] read\n"
		"let i = gid.x\nif i < 5u {\n\tstore small[i] = 9u\n}\n"
		"if i < len(in) {\n\tlet before = atomic_add(total[0u], 1u)\n}\n";
	vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_assemble(text, sizeof(text) - 1, &p, &err), VIR0_OK);
	const vir0_cl_program *loaded;
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, p, &loaded, &err), VIR0_OK);
	enum { SMALL = 37, OFFSET = 3 };
	for (uint32_t n = 1; n <= 70000; n = n * 7 + 3) {
		unsigned char *garbage = malloc((size_t)n * 4 + 64);
		ck_assert_ptr_nonnull(garbage);
		memset(garbage, 0xA5, (size_t)n * 4 + 64);
		cl_int code;
		cl_mem small = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 64,
					      garbage, &code);
		cl_mem total = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 8,
					      garbage, &code);
		cl_mem in = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
					   (size_t)n * 4, garbage, &code);
		struct vir0_cl_binding b[3] = { { small, OFFSET, SMALL }, { total, 4, 4 },
						{ in, 0, (size_t)n * 4 } };
		struct vir0_cl_slot slot = { .program = loaded, .groups = { (n + 63) / 64, 1, 1 },
					     .bindings = b, .nbindings = 3 };
		for (int synchronous = 0; synchronous < 2; synchronous++) {
			int status = synchronous
				? vir0_cl_run_slots(dev, queue, &slot, 1, &err)
				: vir0_cl_enqueue(dev, queue, &slot, 1, 0, NULL, NULL, &err);
			ck_assert_msg(status == VIR0_OK, "%s", err.message);
			unsigned char bytes[64];
			uint32_t words[2];
			clEnqueueReadBuffer(queue, small, CL_TRUE, 0, 64, bytes, 0, NULL, NULL);
			clEnqueueReadBuffer(queue, total, CL_TRUE, 0, 8, words, 0, NULL, NULL);
			for (unsigned i = 0; i < 64; i++) {
				unsigned want = i < OFFSET || i >= OFFSET + SMALL ? 0xA5
						: i - OFFSET < 5 ? 9 : 0;
				ck_assert_msg(bytes[i] == want, "n %u, byte %u: %u, want %u", n, i,
					      bytes[i], want);
			}
			ck_assert_uint_eq(words[0], 0xA5A5A5A5u);
			ck_assert_uint_eq(words[1], n);
		}
		clReleaseMemObject(small);
		clReleaseMemObject(total);
		clReleaseMemObject(in);
		free(garbage);
	}
	vir0_program_free(p);
}
END_TEST

/* A batch's outputs are zeroed before it runs, one fill per run of
 * outputs that continue one another in a buffer: slots over adjacent
 * parts of one buffer, a gap, another buffer in between, then the first
 * buffer again; each slot writes 2 of its bytes. The bytes of no output
 * stay as they were. */
START_TEST(batch_outputs_zeroed)
{
	static const char text[] = "workgroup 16 1 1\nbuffer out u8[0] read_write output\n"
				   "let i = gid.x\nif i < 2u {\n\tstore out[i] = 9u\n}\n";
	enum { NS = 7, BYTES = 64 };
	static const size_t at[NS] = { 0, 8, 16, 24, 0, 32, 40 };
	static const size_t size[NS] = { 8, 8, 4, 8, 8, 8, 8 };
	vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	ck_assert_int_eq(vir0_assemble(text, sizeof(text) - 1, &p, &err), VIR0_OK);
	const vir0_cl_program *loaded;
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, p, &loaded, &err), VIR0_OK);
	unsigned char garbage[BYTES];
	memset(garbage, 0xA5, sizeof(garbage));
	cl_int code;
	cl_mem mem[2];
	struct vir0_cl_binding b[NS];
	struct vir0_cl_slot slots[NS];
	for (int synchronous = 0; synchronous < 2; synchronous++) {
		for (int m = 0; m < 2; m++) {
			mem[m] = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
						BYTES, garbage, &code);
			ck_assert_int_eq(code, CL_SUCCESS);
		}
		for (int s = 0; s < NS; s++) {
			b[s] = (struct vir0_cl_binding){ mem[s == 4], at[s], size[s] };
			slots[s] = (struct vir0_cl_slot){ .program = loaded, .groups = { 1, 1, 1 },
							  .bindings = &b[s], .nbindings = 1 };
		}
		int status = synchronous ? vir0_cl_run_slots(dev, queue, slots, NS, &err)
					 : vir0_cl_enqueue(dev, queue, slots, NS, 0, NULL, NULL, &err);
		ck_assert_msg(status == VIR0_OK, "%s", err.message);
		for (int m = 0; m < 2; m++) {
			unsigned char bytes[BYTES], want[BYTES];
			memset(want, 0xA5, sizeof(want));
			for (int s = 0; s < NS; s++)
				if ((s == 4) == m)
					for (size_t i = 0; i < size[s]; i++)
						want[at[s] + i] = i < 2 ? 9 : 0;
			ck_assert_int_eq(clEnqueueReadBuffer(queue, mem[m], CL_TRUE, 0, BYTES, bytes, 0,
							     NULL, NULL), CL_SUCCESS);
			for (int i = 0; i < BYTES; i++)
				ck_assert_msg(bytes[i] == want[i], "buffer %d byte %d: %u, want %u", m, i,
					      bytes[i], want[i]);
			clReleaseMemObject(mem[m]);
		}
	}
	vir0_program_free(p);
}
END_TEST

START_TEST(runtime_exposes_context)
{
	cl_context context_of_queue;
	cl_device_id device_of_queue;
	cl_command_queue q = vir0_cl_runtime_queue(rt);
	clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(context_of_queue), &context_of_queue, NULL);
	clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(device_of_queue), &device_of_queue, NULL);
	ck_assert_ptr_eq(vir0_cl_runtime_context(rt), context_of_queue);
	ck_assert_ptr_eq(vir0_cl_runtime_device_id(rt), device_of_queue);
}
END_TEST

/* Mistakes a caller can make come back as VIR0_EARG with a message. */
START_TEST(caller_errors)
{
	struct vir0_error err = { 0 };
	vir0_cl_runtime *none = NULL;
	ck_assert_int_eq(vir0_cl_runtime_open(4000, &none, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "OpenCL device 4000 does not exist"));
	ck_assert_ptr_null(none);

	vir0_program *p = fixture_example("vector_add");
	const vir0_cl_program *loaded;
	ck_assert_int_eq(vir0_cl_program_load(dev, queue, p, &loaded, &err), VIR0_OK);
	struct vir0_cl_binding b[3];
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(vir0_cl_arena_alloc(dev, 64, &b[i], &err), VIR0_OK);
	struct vir0_cl_slot slot = { .program = loaded, .bindings = b, .nbindings = 2,
				     .groups = { 1, 1, 1 } };
	ck_assert_int_eq(vir0_cl_run_slots(dev, queue, &slot, 1, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "2 bindings for 3 declared buffers"));
	slot.nbindings = 3;
	b[1].size = 6;
	ck_assert_int_eq(vir0_cl_run_slots(dev, queue, &slot, 1, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "not a whole number"));
	b[1].size = 64;
	b[2].offset += 2;
	ck_assert_int_eq(vir0_cl_enqueue(dev, queue, &slot, 1, 0, NULL, NULL, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "not a multiple of its 4-byte element"));
	b[2].offset -= 2;
	/* The vir0_cl_run path reports the reference's binding errors. */
	struct vir0_binding host[3] = { { NULL, 0 }, { NULL, 0 }, { NULL, 4 } };
	ck_assert_int_eq(vir0_cl_run(p, NULL, host, 3, &err), VIR0_EARG);
	for (int i = 0; i < 3; i++)
		vir0_cl_arena_free(dev, &b[i]);
	vir0_program_free(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("opencl_slots");
	TCase *tc = tcase_create("slots");
	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, batch_of_many_slots);
	tcase_add_test(tc, pooled_ring_buffers);
	tcase_add_test(tc, builtin_opcodes);
	tcase_add_test(tc, large_batches_fill_their_state);
	tcase_add_test(tc, faults_are_reported);
	tcase_add_test(tc, one_slot_launches_by_value);
	tcase_add_test(tc, resident_rounds);
	tcase_add_test(tc, runtime_exposes_context);
	tcase_add_test(tc, store_reuses_equal_programs);
	tcase_add_test(tc, store_grows_then_evicts);
	tcase_add_test(tc, caller_errors);
	tcase_add_test(tc, outputs_zeroed_before_the_run);
	tcase_add_test(tc, batch_outputs_zeroed);
	suite_add_tcase(s, tc);
	/* A megakernel built from source with other options: one full
	 * compile, uncached, which took over 300 s on PoCL on two busy
	 * cores. */
	TCase *build = tcase_create("build options");
	tcase_set_timeout(build, 900);
	tcase_add_checked_fixture(build, setup, teardown);
	tcase_add_test(build, build_options_from_the_environment);
	suite_add_tcase(s, build);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
