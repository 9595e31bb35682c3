/* bench_spec.c - vir0-spec's speculation on a mixed workload, against the
 * fixed strategies, side by side in one process (issue 6's benchmark).
 *
 * The workload: TASKS VIR0 tasks (default 1200) cycling over three
 * programs at two sizes each (six shapes): vector_add and saxpy (a few
 * operations an element) and "lcg" (4000 rounds of an LCG an element:
 * compute-heavy, where a JIT kernel may repay its compile). Every task has
 * its own output handles; every output is compared with the reference
 * interpreter. Each strategy runs the whole workload in a StarPU instance
 * of its own (one CPU worker and the OpenCL workers, PoCL here), timed
 * from the first submit to starpu_task_wait_for_all:
 *
 *   interpret    VIR0_SPEC=force-conservative: always the original
 *   speculative  VIR0_SPEC=force-speculative: every candidate adopted
 *                once verified (the JIT kernels race first on OpenCL,
 *                once built: tasks are planned when a worker takes them,
 *                so the tasks of a burst taken while a JIT kernel
 *                compiles run the interpreter, the later ones race it)
 *   race         VIR0_SPEC=race, an empty store (cold)
 *   race-warm    VIR0_SPEC=race again on the store the race run saved
 *   oracle       the best variant per (shape, arch) from the first task:
 *                measuring runs (the CPU worker alone, then the OpenCL
 *                workers alone) first race every variant against the
 *                original in pairs (VIR0_SPEC_MARGIN=0.999999: none adopted
 *                (at 0.99 the H200 adopted a JIT kernel 250x faster, and
 *                later races' baseline sides were no longer the original's),
 *                every one timed, compile included), the fastest mean is
 *                written into a store as the adopted variant, every other
 *                as rejected, and the oracle run starts from it (a fresh
 *                store each round: its JIT disk cache starts as empty as
 *                the cold race's, so both pay the same compiles)
 *
 * Compile cost: the JIT compile times the cold race run measured (empty
 * JIT disk cache; run with POCL_KERNEL_CACHE=0 for PoCL's own cache cold,
 * CUDA_CACHE_DISABLE=1 on NVIDIA) and the warm one (the JIT's disk cache
 * from the cold run).
 *
 * The strategies run ROUNDS times (default 3), one of each per round in
 * turn (the race's store emptied each round, race-warm after it): one
 * run's time swings by tens of percent with StarPU's placement between
 * the CPU worker and the device, so the table gives each strategy's
 * median and range, and the race is compared with the oracle and with
 * the best of the fixed strategies (interpret, speculative, oracle).
 * Each strategy's line also says how many tasks of each shape a run ran
 * on the CPU worker (mean over its runs; the rest ran on the device).
 *
 *   bench_spec [TASKS [ROUNDS]]          (make bench-spec)
 *
 * BENCH_SPEC_TIMELINE=DIR also writes each run's tasks to a file there
 * (when and where each ran), to see where a run's time went. */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <starpu.h>

#include "bench_util.h"
#include "spec_store.h"
#include "starpu_vir0.h"
#include "starpu_vir0_devices.h"
#include "starpu_vir0_variant.h"

const char bench_program[] = "bench_spec";

static const char lcg_text[] =
	"workgroup 64 1 1\n"
	"buffer a u32[0] read\n"
	"buffer c u32[0] read_write output\n"
	"let i = gid.x\n"
	"if i < len(c) {\n"
	"	let acc = a[i]\n"
	"	loop k = 0u .. 4000u {\n"
	"		acc = acc * 1664525u + 1013904223u\n"
	"	}\n"
	"	store c[i] = acc\n"
	"}\n";

enum { NSHAPES = 6, MAXBUF = 4 };

struct shape {
	starpu_vir0_program *program;
	unsigned n;
	unsigned nbuf;
	size_t bytes[MAXBUF];
	int written[MAXBUF];
	void *input[MAXBUF];     /* read buffers (and the pre-run contents of written ones) */
	void *want[MAXBUF];      /* the reference's result per written buffer */
	starpu_data_handle_t shared[MAXBUF];
};

static struct shape shapes[NSHAPES];

/* Where each shape's tasks ran in this process's run: [shape][0 CPU, 1 other]. */
static atomic_uint placed[NSHAPES][2];
/* When the run started, and when the last task ended on each side, in ns
 * of bench_now: which side the makespan waited for. */
static double run_start;
static _Atomic uint64_t last_end_ns[2];

/* One task of the run, for its callback and the timeline. */
struct task_record {
	struct starpu_task *task;
	unsigned shape;
	int cpu;
	double start_us, end_us, predicted_us; /* start and end since the first submit */
	struct starpu_vir0_plan plan;          /* what it ran */
};

/* BENCH_SPEC_TIMELINE=DIR writes each run's tasks to DIR/<strategy>.<pid>,
 * a line each: shape (0-5 as in the table), arch, start and end in us
 * since the first submit, the time the policy expected at pop
 * (task->predicted), and the plan run (mode, baseline and candidate
 * variant ids): where a run's time went. */
static const char *timeline_dir, *run_name;
static double run_start_us; /* starpu_timing_now at the first submit */

/* Task callback, on the worker that ran the task. */
static void count_placement(void *arg)
{
	struct task_record *r = arg;
	int cpu = starpu_worker_get_type(starpu_worker_get_id()) == STARPU_CPU_WORKER;
	atomic_fetch_add(&placed[r->shape][!cpu], 1);
	uint64_t now = (uint64_t)((bench_now() - run_start) * 1e9);
	uint64_t seen = atomic_load(&last_end_ns[!cpu]);
	while (now > seen && !atomic_compare_exchange_weak(&last_end_ns[!cpu], &seen, now))
		;
	if (!timeline_dir)
		return;
	struct starpu_profiling_task_info *info = r->task->profiling_info;
	r->cpu = cpu;
	r->predicted_us = r->task->predicted;
	starpu_vir0_task_get_plan(r->task, cpu ? STARPU_CPU_WORKER : STARPU_OPENCL_WORKER, &r->plan);
	if (info) {
		r->start_us = starpu_timing_timespec_to_us(&info->start_time) - run_start_us;
		r->end_us = starpu_timing_timespec_to_us(&info->end_time) - run_start_us;
	}
}

static void write_timeline(const struct task_record *records, unsigned tasks)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.%d", timeline_dir, run_name, (int)getpid());
	FILE *f = fopen(path, "w");
	if (!f)
		bench_die(path, strerror(errno));
	for (unsigned t = 0; t < tasks; t++)
		fprintf(f, "%u %s %.1f %.1f %.1f %d %u %u\n", records[t].shape,
			records[t].cpu ? "cpu" : "opencl", records[t].start_us, records[t].end_us,
			records[t].predicted_us, (int)records[t].plan.mode, records[t].plan.baseline,
			records[t].plan.candidate);
	fclose(f);
}

static starpu_vir0_program *load(const char *name)
{
	starpu_vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	char path[4096];
	int rc;
	if (name) {
		snprintf(path, sizeof path, "%s/examples/%s.vir0s", VIR0_TOP_SRCDIR, name);
		rc = starpu_vir0_program_load_file(path, &p, &err);
	} else {
		rc = starpu_vir0_program_load(lcg_text, strlen(lcg_text), &p, &err);
	}
	if (rc)
		bench_die(name ? name : "lcg", err.message);
	return p;
}

static void shape_init(struct shape *s, starpu_vir0_program *program, unsigned n)
{
	const vir0_program *p = starpu_vir0_program_get(program);
	s->program = program;
	s->n = n;
	s->nbuf = p->nbuffers;
	struct vir0_binding bind[MAXBUF];
	uint64_t seed = n;
	for (unsigned b = 0; b < p->nbuffers; b++) {
		const struct vir0_buffer *d = &p->buffers[b];
		s->bytes[b] = (size_t)(d->count ? d->count : n) * 4;
		s->written[b] = d->access == VIR0_ACCESS_READ_WRITE;
		s->input[b] = bench_malloc(s->bytes[b]);
		float *f = s->input[b];
		/* Small floats: valid as f32 and as u32 patterns. */
		for (size_t i = 0; i < s->bytes[b] / 4; i++)
			f[i] = d->is_output ? 0.0f : (float)(bench_random(&seed) % 1024) * 0.25f;
		s->want[b] = bench_malloc(s->bytes[b]);
		memcpy(s->want[b], s->input[b], s->bytes[b]);
		bind[b] = (struct vir0_binding){ s->want[b], s->bytes[b] };
	}
	struct vir0_error err = { 0 };
	if (vir0_run_cpu(p, NULL, bind, p->nbuffers, 0, &err))
		bench_die("reference run", err.message);
}

/* Which workers a run starts. */
enum workers { BOTH, CPU_ONLY, OPENCL_ONLY };

/* One strategy over the whole workload; returns the wall time in s and
 * counts the outputs that differ from the reference. */
static double run_workload(unsigned tasks, enum workers workers, unsigned *wrong)
{
	struct starpu_conf conf;
	starpu_conf_init(&conf);
	conf.sched_policy = starpu_vir0_policy();
	conf.ncpus = workers == OPENCL_ONLY ? 0 : 1;
	if (workers == CPU_ONLY)
		conf.nopencl = 0;
	if (starpu_init(&conf))
		bench_die("starpu_init", "failed");
	for (int s = 0; s < NSHAPES; s++)
		for (unsigned b = 0; b < shapes[s].nbuf; b++)
			if (!shapes[s].written[b])
				starpu_vector_data_register(&shapes[s].shared[b], STARPU_MAIN_RAM,
							    (uintptr_t)shapes[s].input[b],
							    shapes[s].bytes[b] / 4, 4);
	void **out = calloc((size_t)tasks * MAXBUF, sizeof *out);
	starpu_data_handle_t *h = calloc((size_t)tasks * MAXBUF, sizeof *h);
	for (unsigned t = 0; t < tasks; t++) {
		struct shape *s = &shapes[t % NSHAPES];
		for (unsigned b = 0; b < s->nbuf; b++) {
			if (!s->written[b])
				continue;
			out[t * MAXBUF + b] = bench_malloc(s->bytes[b]);
			memcpy(out[t * MAXBUF + b], s->input[b], s->bytes[b]);
			starpu_vector_data_register(&h[t * MAXBUF + b], STARPU_MAIN_RAM,
						    (uintptr_t)out[t * MAXBUF + b], s->bytes[b] / 4, 4);
		}
	}
	struct task_record *records = bench_malloc((size_t)tasks * sizeof *records);
	if (timeline_dir)
		starpu_profiling_status_set(STARPU_PROFILING_ENABLE);
	run_start_us = starpu_timing_now();
	double start = run_start = bench_now();
	for (unsigned t = 0; t < tasks; t++) {
		struct shape *s = &shapes[t % NSHAPES];
		starpu_data_handle_t handles[MAXBUF];
		enum starpu_data_access_mode modes[MAXBUF];
		for (unsigned b = 0; b < s->nbuf; b++) {
			handles[b] = s->written[b] ? h[t * MAXBUF + b] : s->shared[b];
			modes[b] = s->written[b] ? STARPU_RW : STARPU_R;
		}
		struct starpu_task *task = starpu_task_create();
		struct vir0_error err = { 0 };
		if (starpu_vir0_task_fill(task, s->program, NULL, handles, modes, s->nbuf, &err))
			bench_die("task fill", err.message);
		records[t] = (struct task_record){ .task = task, .shape = t % NSHAPES };
		task->callback_func = count_placement;
		task->callback_arg = &records[t];
		if (starpu_task_submit(task))
			bench_die("submit", "refused");
	}
	starpu_task_wait_for_all();
	double seconds = bench_now() - start;
	if (timeline_dir)
		write_timeline(records, tasks);
	free(records);
	*wrong = 0;
	for (unsigned t = 0; t < tasks; t++) {
		struct shape *s = &shapes[t % NSHAPES];
		for (unsigned b = 0; b < s->nbuf; b++) {
			if (!s->written[b])
				continue;
			starpu_data_unregister(h[t * MAXBUF + b]);
			*wrong += memcmp(out[t * MAXBUF + b], s->want[b], s->bytes[b]) != 0;
			free(out[t * MAXBUF + b]);
		}
	}
	for (int s = 0; s < NSHAPES; s++)
		for (unsigned b = 0; b < shapes[s].nbuf; b++)
			if (!shapes[s].written[b])
				starpu_data_unregister(shapes[s].shared[b]);
	free(out);
	free(h);
	starpu_shutdown(); /* vir0-spec saves the store here */
	return seconds;
}

static struct starpu_vir0_spec_store *load_store(const char *dir)
{
	struct starpu_vir0_spec_store *store = starpu_vir0_spec_store_create(dir);
	struct vir0_error err = { 0 };
	if (!store || starpu_vir0_spec_store_load(store, stderr, &err))
		bench_die("store", err.message);
	return store;
}

/* JIT compiles recorded in the store of `dir`: count and mean in ms. */
static void jit_compiles(const char *dir, unsigned *count, double *mean_ms)
{
	struct starpu_vir0_spec_store *store = load_store(dir);
	double sum = 0;
	*count = 0;
	for (size_t i = 0; i < starpu_vir0_spec_store_count(store); i++) {
		const struct starpu_vir0_spec_record *r = starpu_vir0_spec_store_at(store, i);
		if (!strncmp(r->variant, "jit", 3) && r->compile_us > 0) {
			sum += r->compile_us / 1e3;
			++*count;
		}
	}
	*mean_ms = *count ? sum / *count : 0;
	starpu_vir0_spec_store_destroy(store);
}

static double record_mean(const struct starpu_vir0_spec_record *r, int candidate)
{
	return r->pairs ? (candidate ? r->candidate_us : r->baseline_us) / r->pairs : INFINITY;
}

/* The oracle's store: per (shape, adapter) the variant with the fastest
 * measured mean adopted, every other rejected for longer than the run,
 * with the measured pairs. */
static unsigned write_oracle(const char *measured, const char *oracle)
{
	struct starpu_vir0_spec_store *in = load_store(measured);
	struct starpu_vir0_spec_store *out = starpu_vir0_spec_store_create(oracle);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	int64_t now = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	size_t n = starpu_vir0_spec_store_count(in);
	unsigned adopted = 0;
	for (size_t i = 0; i < n; i++) {
		const struct starpu_vir0_spec_record *r = starpu_vir0_spec_store_at(in, i);
		/* The original's mean: the baseline side of any race of the shape. */
		const struct starpu_vir0_spec_record *best = NULL;
		double best_us = INFINITY, original = INFINITY;
		for (size_t j = 0; j < n; j++) {
			const struct starpu_vir0_spec_record *o = starpu_vir0_spec_store_at(in, j);
			if (strcmp(o->shape, r->shape) || strcmp(o->adapter, r->adapter))
				continue;
			if (record_mean(o, 0) < original)
				original = record_mean(o, 0);
			if (o->pairs >= 3 && o->mismatches == 0 && record_mean(o, 1) < best_us) {
				best_us = record_mean(o, 1);
				best = o;
			}
		}
		int is_best = best && best_us < original ? best == r : !strcmp(r->variant, "interp");
		struct starpu_vir0_spec_record w = *r;
		w.status = is_best ? STARPU_VIR0_SPEC_BASELINE : STARPU_VIR0_SPEC_REJECTED;
		w.rejections = is_best ? 0 : 40;
		w.updated = now;
		/* The measured pairs stay: the oracle run places its tasks
		 * from the recalled means from the first task, as race-warm. */
		w.runs = 0;
		w.tasks = 0;
		adopted += is_best && strcmp(r->variant, "interp");
		struct vir0_error err = { 0 };
		if (starpu_vir0_spec_store_put(out, &w, &err))
			bench_die("oracle store", err.message);
	}
	struct vir0_error err = { 0 };
	if (starpu_vir0_spec_store_save(out, stderr, &err))
		bench_die("oracle store", err.message);
	starpu_vir0_spec_store_destroy(in);
	starpu_vir0_spec_store_destroy(out);
	return adopted;
}

/* The JIT compile of `program` on the first OpenCL worker, in ms, as the
 * policy sees it (starpu_vir0_task_variant_state, polled until READY):
 * -1 when there is no OpenCL worker or the build failed. */
static double jit_compile_ms(starpu_vir0_program *program)
{
	struct starpu_conf conf;
	starpu_conf_init(&conf);
	conf.sched_policy = starpu_vir0_policy();
	conf.ncpus = 1;
	if (starpu_init(&conf))
		bench_die("starpu_init", "failed");
	int worker;
	double ms = -1;
	if (starpu_worker_get_ids_by_type(STARPU_OPENCL_WORKER, &worker, 1) == 1) {
		uint32_t *a = bench_malloc(4096), *c = bench_malloc(4096);
		memset(a, 0, 4096);
		starpu_data_handle_t h[2];
		starpu_vector_data_register(&h[0], STARPU_MAIN_RAM, (uintptr_t)a, 1024, 4);
		starpu_vector_data_register(&h[1], STARPU_MAIN_RAM, (uintptr_t)c, 1024, 4);
		enum starpu_data_access_mode modes[2] = { STARPU_R, STARPU_W };
		struct starpu_task *task = starpu_task_create();
		struct vir0_error err = { 0 };
		if (starpu_vir0_task_fill(task, program, NULL, h, modes, 2, &err))
			bench_die("task fill", err.message);
		uint64_t ns = 0;
		int st;
		while ((st = starpu_vir0_task_variant_state(task, worker, STARPU_VIR0_VARIANT_JIT,
							     &ns)) == STARPU_VIR0_VARIANT_PENDING)
			usleep(1000);
		if (st == STARPU_VIR0_VARIANT_READY)
			ms = ns / 1e6;
		if (starpu_task_submit(task)) /* a filled task must be submitted */
			bench_die("submit", "refused");
		starpu_task_wait_for_all();
		starpu_data_unregister(h[0]);
		starpu_data_unregister(h[1]);
		free(a);
		free(c);
	}
	starpu_shutdown();
	return ms;
}

#define MAX_ROUNDS 15

struct strategy {
	const char *name, *spec, *home, *margin;
	enum workers workers;
	starpu_vir0_program *compile; /* only measure this program's JIT compile */
	double seconds;               /* the last run's (in ms then) */
	unsigned wrong;               /* over every run */
	double runs[MAX_ROUNDS];      /* seconds of each round's run */
	int nruns;
	unsigned on_cpu[NSHAPES];     /* tasks of each shape run on the CPU, over every run */
};

/* What a strategy's process sends back. */
struct outcome {
	double seconds;
	unsigned wrong;
	unsigned on_cpu[NSHAPES];
	double last_ms[2]; /* the last task's end on the CPU, on OpenCL */
};

static double run_strategy(struct strategy *s, unsigned tasks)
{
	run_name = s->name;
	setenv("VIR0_SPEC", s->spec, 1);
	setenv("VIR0_HOME", s->home, 1);
	if (s->margin)
		setenv("VIR0_SPEC_MARGIN", s->margin, 1);
	else
		unsetenv("VIR0_SPEC_MARGIN");
	/* Each strategy in a process of its own: StarPU 1.3 asserted on a
	 * negative measured time after several starpu_init/starpu_shutdown
	 * rounds in one process here. */
	int fds[2];
	if (pipe(fds))
		bench_die("pipe", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork", strerror(errno));
	if (pid == 0) {
		struct outcome r = { 0 };
		if (s->compile)
			r.seconds = jit_compile_ms(s->compile);
		else
			r.seconds = run_workload(tasks, s->workers, &r.wrong);
		for (int k = 0; k < NSHAPES; k++)
			r.on_cpu[k] = atomic_load(&placed[k][0]);
		for (int side = 0; side < 2; side++)
			r.last_ms[side] = atomic_load(&last_end_ns[side]) / 1e6;
		starpu_vir0_devices_release();
		_exit(write(fds[1], &r, sizeof r) == sizeof r ? 0 : 1);
	}
	close(fds[1]);
	struct outcome r;
	int status;
	if (read(fds[0], &r, sizeof r) != sizeof r || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		bench_die(s->name, "the run failed");
	close(fds[0]);
	s->seconds = r.seconds;
	s->wrong += r.wrong;
	if (s->nruns < MAX_ROUNDS)
		s->runs[s->nruns++] = r.seconds;
	for (int k = 0; k < NSHAPES; k++)
		s->on_cpu[k] += r.on_cpu[k];
	fprintf(stderr, "bench_spec: %-12s %8.3f %s, %u wrong outputs, on the CPU per shape:",
		s->name, s->seconds, s->compile ? "ms" : "s", s->wrong);
	for (int k = 0; k < NSHAPES; k++)
		fprintf(stderr, " %u", r.on_cpu[k]);
	if (!s->compile)
		fprintf(stderr, "; last task ended on the CPU at %.1f ms, on OpenCL at %.1f ms",
			r.last_ms[0], r.last_ms[1]);
	fprintf(stderr, "\n");
	return s->seconds;
}

int main(int argc, char **argv)
{
	/* Line by line, so a run cut short by a time limit still shows how far it got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsigned tasks = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1200;
	if (tasks < NSHAPES)
		bench_die("TASKS", "at least 6");
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	if (rounds < 1 || rounds > MAX_ROUNDS)
		bench_die("ROUNDS", "from 1 to 15");
	timeline_dir = getenv("BENCH_SPEC_TIMELINE");
	setenv("STARPU_OPENCL_ON_CPUS", "1", 0);
	setenv("STARPU_SILENT", "1", 0);
	setenv("VIR0_SPEC_RECHECK", "0", 0); /* the oracle must not re-race */
	char root[] = "/tmp/bench_spec.XXXXXX";
	if (!mkdtemp(root))
		bench_die("mkdtemp", root);
	starpu_vir0_program *add = load("vector_add"), *saxpy = load("saxpy"), *lcg = load(NULL);
	shape_init(&shapes[0], add, 4096);
	shape_init(&shapes[1], add, 65536);
	shape_init(&shapes[2], saxpy, 4096);
	shape_init(&shapes[3], saxpy, 65536);
	shape_init(&shapes[4], lcg, 1024);
	shape_init(&shapes[5], lcg, 8192);
	char dirs[5][64];
	const char *names[5] = { "interpret", "speculative", "race", "measure", "oracle" };
	for (int i = 0; i < 5; i++)
		snprintf(dirs[i], sizeof dirs[i], "%s/%s", root, names[i]);
	struct strategy interpret = { .name = "interpret", .spec = "force-conservative", .home = dirs[0] };
	struct strategy speculative = { .name = "speculative", .spec = "force-speculative",
					.home = dirs[1] };
	struct strategy race = { .name = "race", .spec = "race", .home = dirs[2] };
	struct strategy warm = { .name = "race-warm", .spec = "race", .home = dirs[2] };
	/* Each arch alone, so that every shape's tasks all reach it and each
	 * variant gets its pairs (together, the small shapes left the device
	 * too few tasks to race its ladder). */
	struct strategy measure_cpu = { .name = "measure-cpu", .spec = "race", .home = dirs[3],
					.margin = "0.999999", .workers = CPU_ONLY };
	struct strategy measure_cl = { .name = "measure-cl", .spec = "race", .home = dirs[3],
				       .margin = "0.999999", .workers = OPENCL_ONLY };
	struct strategy oracle = { .name = "oracle", .spec = "race", .home = dirs[4] };
	/* StarPU's perf models (STARPU_HOME) calibrated first, so that no
	 * strategy pays for it alone. */
	struct strategy calibrate = { .name = "calibrate", .spec = "force-conservative",
				      .home = dirs[0] };
	run_strategy(&calibrate, tasks);
	run_strategy(&measure_cpu, tasks);
	run_strategy(&measure_cl, tasks);
	unsigned adopted = 0, cold_n = 0, warm_n = 0;
	double cold_ms = 0, warm_ms = 0;
	char race_home[96], oracle_home[96];
	race.home = warm.home = race_home;
	oracle.home = oracle_home;
	for (int r = 0; r < rounds; r++) {
		/* An empty store (and JIT disk cache) for each round's cold race;
		 * the oracle's store written afresh, its JIT disk cache as empty
		 * as the cold race's. */
		snprintf(race_home, sizeof race_home, "%s/round%d", dirs[2], r);
		snprintf(oracle_home, sizeof oracle_home, "%s/round%d", dirs[4], r);
		adopted = write_oracle(dirs[3], oracle_home);
		run_strategy(&interpret, tasks);
		run_strategy(&speculative, tasks);
		run_strategy(&race, tasks);
		if (r == 0)
			jit_compiles(race_home, &cold_n, &cold_ms);
		run_strategy(&warm, tasks);
		if (r == 0)
			jit_compiles(race_home, &warm_n, &warm_ms);
		run_strategy(&oracle, tasks);
	}
	/* A program no cache knows (a constant from the clock), compiled in a
	 * fresh VIR0_HOME, then again from the JIT's disk cache there. */
	char text[sizeof lcg_text + 32];
	snprintf(text, sizeof text, "%.*s\tstore c[i] = acc ^ %uu\n}\n",
		 (int)(strstr(lcg_text, "\tstore") - lcg_text), lcg_text, (unsigned)time(NULL));
	starpu_vir0_program *fresh = NULL;
	struct vir0_error err = { 0 };
	if (starpu_vir0_program_load(text, strlen(text), &fresh, &err))
		bench_die("fresh program", err.message);
	snprintf(dirs[0], sizeof dirs[0], "%s/compile", root);
	struct strategy cold = { .name = "compile-cold", .spec = "race", .home = dirs[0],
				 .compile = fresh };
	struct strategy warmc = { .name = "compile-warm", .spec = "race", .home = dirs[0],
				  .compile = fresh };
	run_strategy(&cold, tasks);
	run_strategy(&warmc, tasks);

	printf("# bench_spec: %u VIR0 tasks over 6 shapes (vector_add, saxpy, lcg at two sizes), "
	       "1 CPU worker + %s OpenCL\n", tasks, getenv("STARPU_NOPENCL") ? getenv("STARPU_NOPENCL") : "the");
	printf("%-12s %10s %17s %10s %8s   %s (%d rounds)\n", "strategy", "median s",
	       "min - max", "vs oracle", "wrong",
	       "tasks a run on the CPU: add 4Ki 64Ki, saxpy 4Ki 64Ki, lcg 1Ki 8Ki", rounds);
	struct strategy *all[] = { &interpret, &speculative, &race, &warm, &oracle };
	double median[5];
	for (int i = 0; i < 5; i++)
		median[i] = bench_median(all[i]->runs, all[i]->nruns);
	double best_fixed = fmin(median[0], fmin(median[1], median[4]));
	for (int i = 0; i < 5; i++) {
		double lo = all[i]->runs[0], hi = lo;
		for (int r = 1; r < all[i]->nruns; r++) {
			lo = fmin(lo, all[i]->runs[r]);
			hi = fmax(hi, all[i]->runs[r]);
		}
		printf("%-12s %10.3f %8.3f - %6.3f %10.2f %8u  ", all[i]->name, median[i], lo, hi,
		       median[i] / median[4], all[i]->wrong);
		for (int k = 0; k < NSHAPES; k++)
			printf(" %5.1f", (double)all[i]->on_cpu[k] / all[i]->nruns);
		printf("\n");
	}
	printf("race / oracle %.2f, race-warm / oracle %.2f (goal: within 10%%); race / best "
	       "fixed strategy %.2f, race-warm / best fixed %.2f (medians)\n",
	       median[2] / median[4], median[3] / median[4], median[2] / best_fixed,
	       median[3] / best_fixed);
	printf("oracle: %u (shape, arch) pairs adopt a variant other than the original\n", adopted);
	int pocl_cold = getenv("POCL_KERNEL_CACHE") && !strcmp(getenv("POCL_KERNEL_CACHE"), "0");
	printf("JIT compile of a fresh lcg program: cold (empty JIT cache%s) %.1f ms, warm (JIT "
	       "disk cache) %.1f ms\n", pocl_cold ? ", POCL_KERNEL_CACHE=0" : "", cold.seconds,
	       warmc.seconds);
	printf("JIT kernels the race runs compiled: cold run %u (mean %.1f ms), warm run %u "
	       "(mean %.1f ms)\n", cold_n, cold_ms, warm_n, warm_ms);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "bench_spec: could not remove %s\n", root);
	return interpret.wrong + speculative.wrong + race.wrong + warm.wrong + oracle.wrong ? 1 : 0;
}
