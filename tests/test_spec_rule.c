/* test_spec_rule.c - the verdict rule and the ladder (sched/spec_rule.c,
 * sched/spec_ladder.c): thresholds, amortisation of a compile still to
 * pay, noise and outliers over fixed seeds, saturating counts, refused
 * durations, ties, backoff, mismatches, re-checks, the modes, the
 * environment; and the case the seed's rule (vyre-runtime) gets wrong. */
#include "spec_env.h"
#include "spec_ladder.h"
#include "spec_rule.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct starpu_vir0_spec_config config;

static void setup(void)
{
	starpu_vir0_spec_config_default(&config);
}

static const struct starpu_vir0_spec_compile built = { .us = 0, .done = 1 };

/* A shape seen `count` times, one every `gap_us`, the last just now. */
static struct starpu_vir0_spec_arrivals busy(uint64_t count, uint64_t gap_us)
{
	return (struct starpu_vir0_spec_arrivals){
		.count = count, .first_us = 1000, .last_us = 1000 + (count - 1) * gap_us,
	};
}

static void record(struct starpu_vir0_spec_race *race, double base, double cand)
{
	ck_assert_int_eq(starpu_vir0_spec_race_record(race, &config, base, cand,
						      STARPU_VIR0_SPEC_EQUAL, NULL), 0);
}

static enum starpu_vir0_spec_verdict verdict_of(const struct starpu_vir0_spec_race *race,
						const struct starpu_vir0_spec_compile *compile,
						struct starpu_vir0_spec_arrivals arrivals,
						struct starpu_vir0_spec_decision *d)
{
	starpu_vir0_spec_decide(race, compile, &arrivals, arrivals.last_us, &config, d);
	return d->verdict;
}

START_TEST(sustained_win_adopts_at_min_samples)
{
	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d;
	for (int i = 0; i < 7; i++)
		record(&race, 1000, 500);
	ck_assert_int_eq(verdict_of(&race, &built, busy(7, 100), &d), STARPU_VIR0_SPEC_KEEP_RACING);
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_EVIDENCE);
	record(&race, 1000, 500);
	ck_assert_int_eq(verdict_of(&race, &built, busy(8, 100), &d), STARPU_VIR0_SPEC_ADOPT);
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_FASTER);
	ck_assert(fabs(d.saved_us - 500) < 1e-9);
}
END_TEST

START_TEST(sustained_loss_rejects_at_min_samples)
{
	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d;
	for (int i = 0; i < 8; i++)
		record(&race, 1000, 2000);
	ck_assert_int_eq(verdict_of(&race, &built, busy(8, 100), &d), STARPU_VIR0_SPEC_REJECT);
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_SLOWER);
}
END_TEST

START_TEST(min_samples_and_margin_are_thresholds)
{
	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d;
	config.min_samples = 12;
	for (int i = 0; i < 11; i++)
		record(&race, 1000, 500);
	ck_assert_int_eq(verdict_of(&race, &built, busy(11, 100), &d), STARPU_VIR0_SPEC_KEEP_RACING);
	record(&race, 1000, 500);
	ck_assert_int_eq(verdict_of(&race, &built, busy(12, 100), &d), STARPU_VIR0_SPEC_ADOPT);

	/* 20 % faster: adopted at a 15 % margin, rejected at 30 %. */
	starpu_vir0_spec_config_default(&config);
	memset(&race, 0, sizeof race);
	for (int i = 0; i < 8; i++)
		record(&race, 1000, 800);
	ck_assert_int_eq(verdict_of(&race, &built, busy(8, 100), &d), STARPU_VIR0_SPEC_ADOPT);
	config.margin = 0.30;
	memset(&race, 0, sizeof race);
	for (int i = 0; i < 8; i++)
		record(&race, 1000, 800);
	ck_assert_int_eq(verdict_of(&race, &built, busy(8, 100), &d), STARPU_VIR0_SPEC_REJECT);
}
END_TEST

START_TEST(ties_go_conservative)
{
	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d;
	/* Exactly the margin is not a win. */
	for (int i = 0; i < 8; i++)
		record(&race, 1000, 1000 * (1 - config.margin));
	ck_assert_int_eq(race.won, 0);
	ck_assert_int_eq(verdict_of(&race, &built, busy(8, 100), &d), STARPU_VIR0_SPEC_REJECT);

	/* Half won, half lost (a median saving of exactly the margin): never
	 * adopted, rejected by max_pairs at the latest. */
	memset(&race, 0, sizeof race);
	for (unsigned i = 0; i < config.max_pairs && d.verdict != STARPU_VIR0_SPEC_REJECT; i++) {
		record(&race, 1000, i % 2 ? 1000 : 500);
		ck_assert_int_ne(verdict_of(&race, &built, busy(i + 1, 100), &d), STARPU_VIR0_SPEC_ADOPT);
	}
	ck_assert_int_eq(d.verdict, STARPU_VIR0_SPEC_REJECT);
	config.max_pairs = 20;
	memset(&race, 0, sizeof race);
	for (unsigned i = 0; i < 20; i++) {
		record(&race, 1000, i % 2 ? 1000 : 500);
		verdict_of(&race, &built, busy(i + 1, 100), &d);
		ck_assert_int_eq(d.verdict, i < 19 ? STARPU_VIR0_SPEC_KEEP_RACING : STARPU_VIR0_SPEC_REJECT);
	}
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_UNDECIDED);
	config.max_pairs = 64;

	/* A saving that exactly repays the compile still to pay: kept. */
	memset(&race, 0, sizeof race);
	for (int i = 0; i < 8; i++)
		record(&race, 1000, 500);
	struct starpu_vir0_spec_arrivals arrivals = busy(8, 100);
	double left = starpu_vir0_spec_remaining(&arrivals, arrivals.last_us);
	struct starpu_vir0_spec_compile pending = { .us = 500 * left, .done = 0 };
	ck_assert_int_eq(verdict_of(&race, &pending, arrivals, &d), STARPU_VIR0_SPEC_KEEP_RACING);
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_UNPAID);
	pending.us -= 1;
	ck_assert_int_eq(verdict_of(&race, &pending, arrivals, &d), STARPU_VIR0_SPEC_ADOPT);
}
END_TEST

START_TEST(adoption_needs_verified_pairs)
{
	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d;
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(starpu_vir0_spec_race_record(&race, &config, 1000, 500,
							      i < 3 ? STARPU_VIR0_SPEC_EQUAL
								    : STARPU_VIR0_SPEC_UNCHECKED,
							      NULL), 0);
	ck_assert_int_eq(verdict_of(&race, &built, busy(8, 100), &d), STARPU_VIR0_SPEC_KEEP_RACING);
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_UNVERIFIED);
	record(&race, 1000, 500);
	ck_assert_int_eq(verdict_of(&race, &built, busy(9, 100), &d), STARPU_VIR0_SPEC_ADOPT);
	/* One mismatch rejects whatever the timings. */
	ck_assert_int_eq(starpu_vir0_spec_race_record(&race, &config, 1000, 500,
						      STARPU_VIR0_SPEC_MISMATCH, NULL), 0);
	ck_assert_int_eq(verdict_of(&race, &built, busy(10, 100), &d), STARPU_VIR0_SPEC_REJECT);
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_MISMATCH);
}
END_TEST

/* vyre-runtime's rule, for comparison: at least min_samples a side; the
 * candidate's compile spread over its dispatches so far; adopt at the
 * margin, reject when slower, race otherwise. */
static enum starpu_vir0_spec_verdict seed_rule(double base_mean, double cand_mean,
					       uint64_t samples, double compile_us)
{
	if (samples < config.min_samples)
		return STARPU_VIR0_SPEC_KEEP_RACING;
	double cand = cand_mean + compile_us / (double)samples;
	if (cand <= (1 - config.margin) * base_mean)
		return STARPU_VIR0_SPEC_ADOPT;
	return cand > base_mean ? STARPU_VIR0_SPEC_REJECT : STARPU_VIR0_SPEC_KEEP_RACING;
}

/* 55 ms compile (a cold clBuildProgram on the H100), 0.2 ms saved of 1 ms
 * per task, a shape that keeps arriving: worth it after 275 tasks. */
START_TEST(jit_that_repays_its_compile_is_adopted)
{
	const double compile_us = 55000, base = 1000, cand = 800;
	ck_assert_int_eq(seed_rule(base, cand, 8, compile_us), STARPU_VIR0_SPEC_REJECT);

	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d;
	for (int i = 0; i < 8; i++)
		record(&race, base, cand);
	/* Built off the critical path: sunk, adopted at once. */
	struct starpu_vir0_spec_compile compile = { .us = compile_us, .done = 1 };
	ck_assert_int_eq(verdict_of(&race, &compile, busy(16, 1000), &d), STARPU_VIR0_SPEC_ADOPT);
	/* Still to pay (say, on another device of the shape): weighed against
	 * what is left. Thousands expected: adopted. */
	compile.done = 0;
	ck_assert_int_eq(verdict_of(&race, &compile, busy(3000, 1000), &d), STARPU_VIR0_SPEC_ADOPT);
	ck_assert(d.remaining >= 3000);
	ck_assert(d.compile_due_us == compile_us);
	/* 16 so far: not yet, but not rejected either. */
	ck_assert_int_eq(verdict_of(&race, &compile, busy(16, 1000), &d), STARPU_VIR0_SPEC_KEEP_RACING);
	ck_assert_int_eq(d.reason, STARPU_VIR0_SPEC_WHY_UNPAID);
	/* Earlier runs saw 3000 tasks of it: adopted early. */
	struct starpu_vir0_spec_arrivals known = busy(16, 1000);
	known.prior_per_run = 3000;
	ck_assert_int_eq(verdict_of(&race, &compile, known, &d), STARPU_VIR0_SPEC_ADOPT);
}
END_TEST

/* The same case through the ladder: the compile finishes in the
 * background, the race runs on, the JIT variant becomes the baseline. */
START_TEST(ladder_adopts_the_jit_after_its_compile)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "jit" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 7, NULL), 0);
	starpu_vir0_spec_compiled(&shape, 1, 0, 0);
	uint64_t now = 0;
	unsigned pairs = 0, alternating = 0, waited = 0;
	for (int task = 0; task < 200 && shape.baseline == 0; task++) {
		struct starpu_vir0_spec_plan plan;
		starpu_vir0_spec_plan(&shape, &config, now += 1000, &plan);
		if (plan.compile == 1 && task == 5)
			starpu_vir0_spec_compiled(&shape, 1, 55000, 1);
		waited += plan.compile == 1;
		double real = plan.variant == 1 ? 800 : 1000;
		double scratch = plan.scratch == 1 ? 800 : 1000;
		pairs += plan.run == STARPU_VIR0_SPEC_RUN_PAIR;
		alternating += plan.run == STARPU_VIR0_SPEC_RUN_ONE && plan.variant == 1;
		ck_assert_int_eq(starpu_vir0_spec_record(&shape, &config, &plan, real, scratch,
							 STARPU_VIR0_SPEC_EQUAL, now, NULL, NULL), 0);
	}
	ck_assert_uint_eq(shape.baseline, 1);
	ck_assert_int_eq(shape.variants[0].status, STARPU_VIR0_SPEC_RETIRED);
	/* Tasks 1-5 (task 0 timed the baseline before any race). */
	ck_assert_uint_eq(waited, 5);
	ck_assert_uint_eq(pairs, config.verify_pairs);
	ck_assert_uint_gt(alternating, 0);
	ck_assert(shape.variants[1].compile.us == 55000);
	/* Within 16 paired tasks of the race. */
	ck_assert_uint_le(shape.variants[1].pairs, 16);
}
END_TEST

/* Deterministic noise: splitmix64 and Box-Muller. */
static uint64_t rng_state;
static double uniform(void)
{
	uint64_t x = (rng_state += 0x9e3779b97f4a7c15ull);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return ((x ^ (x >> 31)) >> 11) * 0x1p-53 + 0x1p-54;
}

/* A duration around `mean_us`: log-normal with `sigma`, and with
 * probability `spike` a 70-100 ms stall on top (StarPU issue #50). */
static double noisy(double mean_us, double sigma, double spike)
{
	double z = sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
	double us = mean_us * exp(sigma * z);
	if (uniform() < spike)
		us += 70000 + 30000 * uniform();
	return us;
}

/* One race to its end (or max_pairs): returns the verdict, the pairs it
 * took in *pairs. */
static enum starpu_vir0_spec_verdict race_to_end(double base, double cand, double sigma,
						 double spike, unsigned *pairs)
{
	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d = { 0 };
	for (unsigned i = 1; i <= config.max_pairs; i++) {
		record(&race, noisy(base, sigma, spike), noisy(cand, sigma, spike));
		if (verdict_of(&race, &built, busy(1000 + i, 100), &d) != STARPU_VIR0_SPEC_KEEP_RACING)
			break;
	}
	*pairs = (unsigned)race.pairs;
	return d.verdict;
}

#define TRIALS 4000

/* Noisy but equal: adopting would be wrong. Over 4000 fixed seeds at 10 %,
 * 20 % and 30 % log-normal noise per sample (with 1 % of 70-100 ms
 * spikes), the measured false-adoption rate stays under 0.5 % (Wald's
 * bound is alpha = 0.2 % where a pair is won by the margin with p <= 1/3;
 * 30 % noise gives p = 0.35, so it is measured, not assumed). Fixed
 * seeds: the same numbers every run. */
START_TEST(noise_does_not_adopt_an_equal_candidate)
{
	const double sigmas[] = { 0.1, 0.2, 0.3 };
	for (unsigned s = 0; s < 3; s++) {
		unsigned adopted = 0, pairs;
		rng_state = 12345 + s;
		for (int t = 0; t < TRIALS; t++)
			adopted += race_to_end(1000, 1000, sigmas[s], 0.01, &pairs) ==
				   STARPU_VIR0_SPEC_ADOPT;
		ck_assert_msg(adopted <= TRIALS / 200, "sigma %.1f: %u of %d equal races adopted",
			      sigmas[s], adopted, TRIALS);
	}
}
END_TEST

/* A clear 2x win under 20 % noise and spikes: never rejected over 4000
 * seeds, decided within 16 pairs in at least 99 % of races. */
START_TEST(noise_does_not_reject_a_clear_win)
{
	unsigned rejected = 0, slow = 0, pairs;
	rng_state = 777;
	for (int t = 0; t < TRIALS; t++) {
		rejected += race_to_end(1000, 500, 0.2, 0.01, &pairs) == STARPU_VIR0_SPEC_REJECT;
		slow += pairs > 16;
	}
	ck_assert_msg(rejected == 0, "%u of %d clear wins rejected", rejected, TRIALS);
	ck_assert_msg(slow <= TRIALS / 100, "%u of %d clear wins took over 16 pairs", slow, TRIALS);
	rng_state = 778;
	unsigned adopted = 0;
	for (int t = 0; t < TRIALS; t++)
		adopted += race_to_end(1000, 2000, 0.2, 0.01, &pairs) == STARPU_VIR0_SPEC_ADOPT;
	ck_assert_msg(adopted == 0, "%u of %d clear losses adopted", adopted, TRIALS);
}
END_TEST

/* A spike on the candidate's side costs two pairs, not the verdict, where
 * the means would say the candidate is far slower. */
START_TEST(outliers_move_the_test_by_one_step)
{
	struct starpu_vir0_spec_race race = { 0 };
	struct starpu_vir0_spec_decision d;
	record(&race, 500, 100000);
	for (int i = 0; i < 7; i++)
		record(&race, 500, 250);
	ck_assert(race.candidate_us > race.baseline_us);
	ck_assert_int_eq(verdict_of(&race, &built, busy(8, 100), &d), STARPU_VIR0_SPEC_KEEP_RACING);
	record(&race, 500, 250);
	ck_assert_int_eq(verdict_of(&race, &built, busy(9, 100), &d), STARPU_VIR0_SPEC_KEEP_RACING);
	record(&race, 500, 250);
	ck_assert_int_eq(verdict_of(&race, &built, busy(10, 100), &d), STARPU_VIR0_SPEC_ADOPT);
	ck_assert(fabs(d.saved_us - 250) < 1e-9); /* the median ignores the spike */
}
END_TEST

START_TEST(bad_durations_are_refused_with_a_reason)
{
	const double bad[] = { NAN, INFINITY, -INFINITY, -1, 0, 1e300, 3.7e9 };
	struct starpu_vir0_spec_race race = { 0 };
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct vir0_error err = { 0 };
		ck_assert_int_eq(starpu_vir0_spec_race_record(&race, &config, 100, bad[i],
							      STARPU_VIR0_SPEC_EQUAL, &err),
				 VIR0_EVALUE);
		ck_assert_msg(strstr(err.message, "duration") != NULL, "%s", err.message);
		ck_assert_int_eq(starpu_vir0_spec_race_record(&race, &config, bad[i], 100,
							      STARPU_VIR0_SPEC_EQUAL, NULL),
				 VIR0_EVALUE);
	}
	ck_assert_uint_eq(race.refused, 14);
	ck_assert_uint_eq(race.pairs, 0);
	ck_assert(race.baseline_us == 0 && race.candidate_us == 0);
	ck_assert_int_eq(starpu_vir0_spec_duration_check(3.6e9, NULL), 0);
}
END_TEST

START_TEST(counts_saturate)
{
	struct starpu_vir0_spec_race race = { .pairs = UINT64_MAX - 1, .won = UINT64_MAX - 1,
					      .verified = UINT64_MAX - 1 };
	record(&race, 1000, 500);
	record(&race, 1000, 500);
	ck_assert_uint_eq(race.pairs, UINT64_MAX);
	ck_assert_uint_eq(race.won, UINT64_MAX);
	struct starpu_vir0_spec_decision d;
	struct starpu_vir0_spec_arrivals many = { .count = UINT64_MAX, .first_us = 0,
						  .last_us = UINT64_MAX };
	starpu_vir0_spec_arrive(&many, UINT64_MAX);
	ck_assert_uint_eq(many.count, UINT64_MAX);
	ck_assert_int_eq(verdict_of(&race, &built, many, &d), STARPU_VIR0_SPEC_ADOPT);
	ck_assert(isfinite(d.llr) && isfinite(d.remaining));

	ck_assert_uint_eq(starpu_vir0_spec_retry_at(100, 1, &config), 164);
	ck_assert_uint_eq(starpu_vir0_spec_retry_at(100, 3, &config), 100 + 4 * 64);
	ck_assert_uint_eq(starpu_vir0_spec_retry_at(0, 58, &config), 64ull << 57);
	ck_assert_uint_eq(starpu_vir0_spec_retry_at(0, 59, &config), UINT64_MAX);
	ck_assert_uint_eq(starpu_vir0_spec_retry_at(0, 1000, &config), UINT64_MAX);
	ck_assert_uint_eq(starpu_vir0_spec_retry_at(UINT64_MAX - 10, 1, &config), UINT64_MAX);
}
END_TEST

START_TEST(remaining_follows_arrivals)
{
	struct starpu_vir0_spec_arrivals a = busy(1000, 100);
	ck_assert(starpu_vir0_spec_remaining(&a, a.last_us) == 1000);
	/* Idle for 100 gaps of 1 ms (the floor): 1000 * 4 / 100. */
	ck_assert(fabs(starpu_vir0_spec_remaining(&a, a.last_us + 100000) - 40) < 1e-9);
	a.prior_per_run = 5000;
	ck_assert(starpu_vir0_spec_remaining(&a, a.last_us + 100000) == 4000);
	struct starpu_vir0_spec_arrivals none = { 0 };
	ck_assert(starpu_vir0_spec_remaining(&none, 5) == 0);
}
END_TEST

/* Run the ladder for `tasks` tasks with fixed times per variant. */
static void drive(struct starpu_vir0_spec_shape *shape, const double *us, int tasks,
		  uint64_t *now, enum starpu_vir0_spec_check check, unsigned *ran_variant1)
{
	for (int t = 0; t < tasks; t++) {
		struct starpu_vir0_spec_plan plan;
		starpu_vir0_spec_plan(shape, &config, *now += 1000, &plan);
		if (ran_variant1)
			*ran_variant1 += plan.variant == 1 || plan.scratch == 1;
		double scratch = plan.scratch < shape->nvariants ? us[plan.scratch] : 0;
		ck_assert_int_eq(starpu_vir0_spec_record(shape, &config, &plan, us[plan.variant],
							 scratch, check, *now, NULL, NULL), 0);
	}
}

/* Tasks until variant 1 reaches `status`; what ran variant 1 in *ran. */
static int drive_until(struct starpu_vir0_spec_shape *shape, const double *us, uint64_t *now,
		       enum starpu_vir0_spec_status status, unsigned *ran)
{
	int tasks = 0;
	while (shape->variants[1].status != status && tasks < 100000) {
		drive(shape, us, 1, now, STARPU_VIR0_SPEC_EQUAL, ran);
		tasks++;
	}
	return tasks;
}

START_TEST(reject_backs_off_exponentially)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "slow" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 1, NULL), 0);
	const double us[] = { 1000, 2000 };
	config.budget = 1; /* the backoff alone (a 2x loser fits this budget) */
	uint64_t now = 0;
	unsigned ran = 0;
	drive_until(&shape, us, &now, STARPU_VIR0_SPEC_REJECTED, &ran);
	uint64_t at = shape.arrivals.count;
	ck_assert_uint_eq(shape.variants[1].retry_at, at + 64);
	ck_assert_uint_eq(shape.variants[1].pairs, 8);
	/* It never runs again until the backoff is over... */
	ran = 0;
	ck_assert_int_eq(drive_until(&shape, us, &now, STARPU_VIR0_SPEC_RACING, &ran), 64);
	ck_assert_uint_eq(ran, 1); /* the task that opened the race */
	/* ...then loses again, and waits twice as long. */
	drive_until(&shape, us, &now, STARPU_VIR0_SPEC_REJECTED, &ran);
	ck_assert_uint_eq(shape.variants[1].rejections, 2);
	ck_assert_uint_eq(shape.variants[1].retry_at, shape.arrivals.count + 128);
	ck_assert_uint_eq(shape.baseline, 0);
}
END_TEST

START_TEST(mismatch_bans_for_good)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "wrong" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 1, NULL), 0);
	const double us[] = { 1000, 100 };
	uint64_t now = 0;
	unsigned ran = 0;
	/* The first task times the baseline, the second is a pair. */
	drive(&shape, us, 2, &now, STARPU_VIR0_SPEC_MISMATCH, &ran);
	ck_assert_int_eq(shape.variants[1].status, STARPU_VIR0_SPEC_BANNED);
	ck_assert_uint_eq(shape.variants[1].mismatches, 1);
	ck_assert_int_eq(shape.last.reason, STARPU_VIR0_SPEC_WHY_MISMATCH);
	ran = 0;
	drive(&shape, us, 100000, &now, STARPU_VIR0_SPEC_EQUAL, &ran);
	ck_assert_uint_eq(ran, 0);
	ck_assert_uint_eq(shape.baseline, 0);
}
END_TEST

/* Adopted, then the device slows the adopted variant down: re-checks
 * notice and the race reopens with the former baseline back in place. */
START_TEST(recheck_reopens_on_drift)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "jit" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 99, NULL), 0);
	config.recheck = 1.0 / 16;
	double us[] = { 1000, 500 };
	uint64_t now = 0;
	drive(&shape, us, 40, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert_uint_eq(shape.baseline, 1);
	uint64_t pairs_before = shape.pairs_run;
	drive(&shape, us, 2000, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert_uint_eq(shape.baseline, 1); /* confirmed, still adopted */
	ck_assert_uint_gt(shape.pairs_run - pairs_before, 2000 / 16 / 2);
	ck_assert_uint_lt(shape.pairs_run - pairs_before, 2000 / 16 * 2);
	us[1] = 3000;
	drive(&shape, us, 2000, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert_uint_eq(shape.baseline, 0);
	ck_assert(shape.variants[1].status == STARPU_VIR0_SPEC_REJECTED ||
		  shape.variants[1].status == STARPU_VIR0_SPEC_RACING);
}
END_TEST

START_TEST(modes)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "opt", "jit" };
	const double slower[] = { 1000, 3000, 5000 };
	uint64_t now = 0;
	unsigned ran = 0;
	config.mode = STARPU_VIR0_SPEC_FORCE_CONSERVATIVE;
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 3, names, 1, NULL), 0);
	drive(&shape, slower, 500, &now, STARPU_VIR0_SPEC_EQUAL, &ran);
	ck_assert_uint_eq(ran, 0);
	ck_assert_uint_eq(shape.variants[0].tasks, 500);
	/* force-speculative climbs to the top once each step is verified,
	 * whatever the timings. */
	config.mode = STARPU_VIR0_SPEC_FORCE_SPECULATIVE;
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 3, names, 1, NULL), 0);
	drive(&shape, slower, 2 * config.verify_pairs, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert_uint_eq(shape.baseline, 2);
	ck_assert_int_eq(shape.last.reason, STARPU_VIR0_SPEC_WHY_FORCED);
}
END_TEST

START_TEST(recheck_fraction)
{
	unsigned due = 0;
	for (uint64_t a = 0; a < 128000; a++)
		due += starpu_vir0_spec_recheck_due(42, a, 1.0 / 128);
	ck_assert_uint_gt(due, 800);
	ck_assert_uint_lt(due, 1200);
	ck_assert_int_eq(starpu_vir0_spec_recheck_due(42, 1, 0), 0);
	ck_assert_int_eq(starpu_vir0_spec_recheck_due(42, 1, 1), 1);
	/* The former baseline 2x slower: VIR0_SPEC_RECHECK as set; 276x
	 * slower: the budget's share of the shape's time, 0.1 / 276. */
	ck_assert(starpu_vir0_spec_recheck_fraction(500, 1000, &config) == 1.0 / 128);
	ck_assert_double_eq_tol(starpu_vir0_spec_recheck_fraction(21, 5800, &config),
				0.1 * 21 / 5800, 1e-12);
	ck_assert(starpu_vir0_spec_recheck_fraction(NAN, 5800, &config) == 1.0 / 128);
	ck_assert(starpu_vir0_spec_recheck_fraction(21, NAN, &config) == 1.0 / 128);
}
END_TEST

START_TEST(race_budget)
{
	/* Unknown: races. */
	ck_assert(starpu_vir0_spec_race_affordable(1000, NAN, 0, &config));
	ck_assert(starpu_vir0_spec_race_affordable(NAN, 5000, 0, &config));
	/* Not expected slower: while its pairs cost less than all that is
	 * left (bench_spec's lcg of 8Ki on the H200's CPU worker: ~20 ms
	 * either way, 2 tasks of 200 run there). */
	ck_assert(!starpu_vir0_spec_race_affordable(20000, 19000, 2, &config));
	ck_assert(!starpu_vir0_spec_race_affordable(1000, 1000, 7, &config));
	ck_assert(starpu_vir0_spec_race_affordable(1000, 1000, 8, &config));
	ck_assert(starpu_vir0_spec_race_affordable(1000, 500, 5, &config));
	/* Slower: its pairs against 10 % of what is left. */
	ck_assert(!starpu_vir0_spec_race_affordable(21, 5800, 150, &config));
	ck_assert(!starpu_vir0_spec_race_affordable(1000, 1200, 95, &config));
	ck_assert(starpu_vir0_spec_race_affordable(1000, 1200, 96, &config));
	config.min_samples = 4; /* half the pairs: half the remaining time */
	ck_assert(starpu_vir0_spec_race_affordable(1000, 1200, 48, &config));
	ck_assert(!starpu_vir0_spec_race_affordable(1000, 1200, 47, &config));
	config.min_samples = 8;
	config.budget = 0;
	ck_assert(!starpu_vir0_spec_race_affordable(1000, 1001, 1e9, &config));
	ck_assert(starpu_vir0_spec_race_affordable(1000, 999, 8, &config));
}
END_TEST

/* The H200's case (bench_spec's lcg): once a JIT kernel 276x faster than
 * the interpreter is adopted, interpreted rewrites (expected at their
 * engine's time) never race it, the JIT's own rewrites still do. */
START_TEST(hopeless_rewrites_do_not_race)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "jit", "jit+unroll", "interp+unroll" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 4, names, 3, NULL), 0);
	const double us[] = { 5800, 21, 15, 5000 };
	uint64_t now = 0;
	drive(&shape, us, 2000, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert_uint_eq(shape.baseline, 2);
	ck_assert_int_eq(shape.variants[3].status, STARPU_VIR0_SPEC_UNTRIED);
	ck_assert_uint_eq(shape.variants[3].tasks + shape.variants[3].pairs, 0);
	/* Two races of 8 pairs, then re-checks against the former baseline
	 * (the JIT, 21 us: not slower by much, so 1/128 of the tasks). */
	ck_assert_uint_lt(shape.pairs_run, 8 + 8 + 2000 / 128);
}
END_TEST

/* A 276x loser waits until its race costs at most the budget's share of
 * what the shape has left (about 22,000 arrivals here), not its backoff. */
START_TEST(hopeless_loser_is_not_retried_soon)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "jit", "interp" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 5, NULL), 0);
	const double us[] = { 21, 5800 };
	uint64_t now = 0;
	unsigned ran = 0;
	drive_until(&shape, us, &now, STARPU_VIR0_SPEC_REJECTED, &ran);
	ck_assert_uint_eq(shape.variants[1].pairs, 8);
	ran = 0;
	drive(&shape, us, 20000, &now, STARPU_VIR0_SPEC_EQUAL, &ran);
	ck_assert_uint_eq(ran, 0);
	ck_assert_int_lt(drive_until(&shape, us, &now, STARPU_VIR0_SPEC_RACING, &ran), 4000);
}
END_TEST

/* What placement treats as still to try on an arch: a shape it never ran,
 * then a candidate of no expected time (a JIT kernel) until its first
 * pair times it; never a rewrite, expected at its engine's time; nothing
 * with speculation off. */
START_TEST(exploring_until_the_candidate_is_timed)
{
	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "jit", "interp+unroll" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 3, names, 9, NULL), 0);
	const double us[] = { 1000, 10, 1000 };
	uint64_t now = 0;
	ck_assert(starpu_vir0_spec_exploring(&shape, &config, now));
	config.mode = STARPU_VIR0_SPEC_OFF;
	ck_assert(!starpu_vir0_spec_exploring(&shape, &config, now));
	config.mode = STARPU_VIR0_SPEC_RACE;
	/* The first task times the baseline; the JIT kernel would race next. */
	drive(&shape, us, 1, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert_uint_eq(shape.candidate, STARPU_VIR0_SPEC_NONE);
	ck_assert(starpu_vir0_spec_exploring(&shape, &config, now));
	/* Its race open, being built: nothing to try yet. */
	struct starpu_vir0_spec_plan plan;
	starpu_vir0_spec_compiled(&shape, 1, 0, 0);
	starpu_vir0_spec_plan(&shape, &config, now += 1000, &plan);
	ck_assert_uint_eq(shape.candidate, 1);
	ck_assert(!starpu_vir0_spec_exploring(&shape, &config, now));
	starpu_vir0_spec_compiled(&shape, 1, 50000, 1);
	ck_assert(starpu_vir0_spec_exploring(&shape, &config, now));
	/* Its first pair times it. */
	drive(&shape, us, 1, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert_uint_eq(shape.race.pairs, 1);
	ck_assert(!starpu_vir0_spec_exploring(&shape, &config, now));
	/* A rewrite alone: expected at its engine's time once that is known. */
	const char *rewrites[] = { "interp", "interp+unroll" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, rewrites, 9, NULL), 0);
	drive(&shape, us, 1, &now, STARPU_VIR0_SPEC_EQUAL, NULL);
	ck_assert(!starpu_vir0_spec_exploring(&shape, &config, now));
}
END_TEST

START_TEST(environment)
{
	setenv("VIR0_SPEC", "force-speculative", 1);
	setenv("VIR0_SPEC_MIN_SAMPLES", "12", 1);
	setenv("VIR0_SPEC_MARGIN", "25%", 1);
	setenv("VIR0_SPEC_VERIFY_PAIRS", "2", 1);
	setenv("VIR0_SPEC_MAX_PAIRS", "100", 1);
	setenv("VIR0_SPEC_ALPHA", "0.01", 1);
	setenv("VIR0_SPEC_BACKOFF", "10", 1);
	setenv("VIR0_SPEC_RECHECK", "0.5", 1);
	setenv("VIR0_SPEC_BUDGET", "5%", 1);
	starpu_vir0_spec_config_read(&config);
	ck_assert_int_eq(config.mode, STARPU_VIR0_SPEC_FORCE_SPECULATIVE);
	ck_assert_uint_eq(config.min_samples, 12);
	ck_assert(config.margin == 0.25 && config.alpha == 0.01 && config.recheck == 0.5);
	ck_assert_uint_eq(config.verify_pairs, 2);
	ck_assert_uint_eq(config.max_pairs, 100);
	ck_assert_uint_eq(config.backoff, 10);
	ck_assert(config.budget == 0.05);
	/* Bad values warn and keep the defaults. */
	const char *bad[][2] = {
		{ "VIR0_SPEC", "fast" }, { "VIR0_SPEC_MIN_SAMPLES", "0" },
		{ "VIR0_SPEC_MARGIN", "1" }, { "VIR0_SPEC_VERIFY_PAIRS", "-1" },
		{ "VIR0_SPEC_MAX_PAIRS", "257" }, { "VIR0_SPEC_ALPHA", "0.5" },
		{ "VIR0_SPEC_BACKOFF", "x" }, { "VIR0_SPEC_RECHECK", "nan" },
		{ "VIR0_SPEC_BUDGET", "1.5" },
	};
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++)
		setenv(bad[i][0], bad[i][1], 1);
	struct starpu_vir0_spec_config d;
	starpu_vir0_spec_config_default(&d);
	starpu_vir0_spec_config_read(&config);
	/* Field by field: the struct's padding bytes are unspecified. */
	ck_assert(config.mode == d.mode && config.min_samples == d.min_samples &&
		  config.margin == d.margin && config.verify_pairs == d.verify_pairs &&
		  config.max_pairs == d.max_pairs && config.alpha == d.alpha &&
		  config.backoff == d.backoff && config.recheck == d.recheck &&
		  config.budget == d.budget);
	setenv("VIR0_SPEC", "off", 1);
	setenv("VIR0_SPEC_MIN_SAMPLES", "100", 1);
	setenv("VIR0_SPEC_MAX_PAIRS", "50", 1);
	starpu_vir0_spec_config_read(&config);
	ck_assert_int_eq(config.mode, STARPU_VIR0_SPEC_OFF);
	ck_assert_uint_eq(config.max_pairs, 100);

	struct starpu_vir0_spec_stats_config stats;
	setenv("VIR0_STATS", "1", 1);
	setenv("VIR0_STATS_FILE", "/tmp/stats.jsonl", 1);
	starpu_vir0_spec_stats_config_read(&stats);
	ck_assert_int_eq(stats.print, 1);
	ck_assert_str_eq(stats.file, "/tmp/stats.jsonl");
	setenv("VIR0_STATS", "yes", 1);
	unsetenv("VIR0_STATS_FILE");
	starpu_vir0_spec_stats_config_read(&stats);
	ck_assert_int_eq(stats.print, 0);
	ck_assert_ptr_null(stats.file);
}
END_TEST

START_TEST(bad_ladders_are_refused)
{
	struct starpu_vir0_spec_shape shape;
	struct vir0_error err = { 0 };
	const char *names[] = { "interp", "", "x" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 0, names, 1, &err), VIR0_EARG);
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 9, names, 1, &err), VIR0_EARG);
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, names, 1, &err), VIR0_EARG);
	ck_assert_msg(strstr(err.message, "variant 1") != NULL, "%s", err.message);
	const char *long_name[] = { "interp", "a-name-that-is-longer-than-32-bytes" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, long_name, 1, &err), VIR0_EARG);
	/* A duration that is not one is refused, nothing counted. */
	const char *ok[] = { "interp", "jit" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 2, ok, 1, &err), 0);
	struct starpu_vir0_spec_plan plan;
	starpu_vir0_spec_plan(&shape, &config, 1, &plan);
	ck_assert_int_eq(starpu_vir0_spec_record(&shape, &config, &plan, NAN, 1, STARPU_VIR0_SPEC_EQUAL,
						 1, NULL, &err), VIR0_EVALUE);
	ck_assert_uint_eq(shape.variants[0].tasks, 0);
}
END_TEST

/* A burst of pushes is planned before any sample returns: the open race
 * plans only the pairs that can still decide it (min_samples at first),
 * plus one in 16 of the arrivals since it opened; every other task runs
 * the baseline. Once the planned pairs come back the race decides, and
 * the next pushes plan the next candidate's pairs. */
START_TEST(a_burst_plans_only_the_pairs_a_race_can_use)
{
	struct starpu_vir0_spec_race race = { 0 };
	ck_assert(starpu_vir0_spec_pairs_to_decide(&race, &config) == config.min_samples);
	for (int i = 0; i < 3; i++)
		record(&race, 1000, 2000);
	/* 3 lost: 4 more losses reject, but min_samples asks for 5 more. */
	ck_assert(starpu_vir0_spec_pairs_to_decide(&race, &config) == 5);
	for (int i = 0; i < 5; i++)
		record(&race, 1000, 2000);
	ck_assert(starpu_vir0_spec_pairs_to_decide(&race, &config) == 0);

	struct starpu_vir0_spec_shape shape;
	const char *names[] = { "interp", "slow", "fast" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(&shape, 3, names, 1, NULL), 0);
	shape.pairs_only = 1;
	struct starpu_vir0_spec_plan plans[160];
	unsigned pairs = 0;
	uint64_t now = 0;
	for (int t = 0; t < 160; t++) {
		starpu_vir0_spec_plan(&shape, &config, now += 10, &plans[t]);
		pairs += plans[t].run == STARPU_VIR0_SPEC_RUN_PAIR;
	}
	ck_assert_uint_ge(pairs, config.min_samples);
	ck_assert_uint_le(pairs, config.min_samples + 160 / 16);
	const double us[] = { 1000, 2000, 400 };
	for (int t = 0; t < 160; t++)
		ck_assert_int_eq(starpu_vir0_spec_record(&shape, &config, &plans[t],
							 us[plans[t].variant],
							 us[plans[t].scratch % 3],
							 STARPU_VIR0_SPEC_EQUAL, now, NULL, NULL), 0);
	ck_assert_int_eq(shape.variants[1].status, STARPU_VIR0_SPEC_REJECTED);
	ck_assert_uint_eq(shape.variants[1].pairs, config.min_samples);
	/* The next burst races the next candidate, and adopts it. */
	for (int t = 0; t < 160; t++) {
		starpu_vir0_spec_plan(&shape, &config, now += 10, &plans[t]);
		ck_assert_int_eq(starpu_vir0_spec_record(&shape, &config, &plans[t],
							 us[plans[t].variant],
							 us[plans[t].scratch % 3],
							 STARPU_VIR0_SPEC_EQUAL, now, NULL, NULL), 0);
	}
	ck_assert_uint_eq(shape.baseline, 2);
	ck_assert_uint_le(shape.variants[2].pairs, 16);
}
END_TEST

/* A shape racing "jit" against "interp" in pairs (the OpenCL way). */
static void pairs_race(struct starpu_vir0_spec_shape *shape)
{
	const char *names[] = { "interp", "jit" };
	ck_assert_int_eq(starpu_vir0_spec_shape_init(shape, 2, names, 1, NULL), 0);
	shape->pairs_only = 1;
}

START_TEST(a_pair_that_does_not_run_is_planned_again)
{
	struct starpu_vir0_spec_shape shape;
	pairs_race(&shape);
	struct starpu_vir0_spec_plan plan;
	uint64_t now = 0;
	for (unsigned t = 0; t < config.min_samples; t++) {
		starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
		ck_assert_int_eq(plan.run, STARPU_VIR0_SPEC_RUN_PAIR);
	}
	/* Every pair the race needs is planned: the next task runs the baseline. */
	starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
	ck_assert_int_eq(plan.run, STARPU_VIR0_SPEC_RUN_ONE);
	/* One did not run: another is planned. A plan of an older race does
	 * not count. */
	starpu_vir0_spec_pair_not_run(&shape, plan.epoch - 1);
	starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
	ck_assert_int_eq(plan.run, STARPU_VIR0_SPEC_RUN_ONE);
	starpu_vir0_spec_pair_not_run(&shape, plan.epoch);
	starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
	ck_assert_int_eq(plan.run, STARPU_VIR0_SPEC_RUN_PAIR);
	starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
	ck_assert_int_eq(plan.run, STARPU_VIR0_SPEC_RUN_ONE);
}
END_TEST

START_TEST(a_cheap_candidate_pairs_while_the_last_pairs_run)
{
	struct starpu_vir0_spec_shape shape;
	pairs_race(&shape);
	struct starpu_vir0_spec_plan plan;
	uint64_t now = 0;
	starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
	ck_assert_int_eq(starpu_vir0_spec_record(&shape, &config, &plan, 5800, 20,
						 STARPU_VIR0_SPEC_EQUAL, now, NULL, NULL), 0);
	/* A pair costs what the baseline alone does: a burst of tasks planned
	 * while the race's last pairs run are all pairs. */
	for (unsigned t = 0; t < 4 * config.min_samples; t++) {
		starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
		ck_assert_int_eq(plan.run, STARPU_VIR0_SPEC_RUN_PAIR);
	}
	/* A candidate that costs a third of the baseline does not. */
	pairs_race(&shape);
	starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
	ck_assert_int_eq(starpu_vir0_spec_record(&shape, &config, &plan, 6000, 2000,
						 STARPU_VIR0_SPEC_EQUAL, now, NULL, NULL), 0);
	unsigned pairs = 0;
	for (unsigned t = 0; t < 4 * config.min_samples; t++) {
		starpu_vir0_spec_plan(&shape, &config, now += 10, &plan);
		pairs += plan.run == STARPU_VIR0_SPEC_RUN_PAIR;
	}
	ck_assert_uint_lt(pairs, 2 * config.min_samples);
}
END_TEST

static Suite *rule_suite(void)
{
	Suite *s = suite_create("spec_rule");
	TCase *tc = tcase_create("rule");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sustained_win_adopts_at_min_samples);
	tcase_add_test(tc, sustained_loss_rejects_at_min_samples);
	tcase_add_test(tc, min_samples_and_margin_are_thresholds);
	tcase_add_test(tc, ties_go_conservative);
	tcase_add_test(tc, adoption_needs_verified_pairs);
	tcase_add_test(tc, jit_that_repays_its_compile_is_adopted);
	tcase_add_test(tc, ladder_adopts_the_jit_after_its_compile);
	tcase_add_test(tc, noise_does_not_adopt_an_equal_candidate);
	tcase_add_test(tc, noise_does_not_reject_a_clear_win);
	tcase_add_test(tc, outliers_move_the_test_by_one_step);
	tcase_add_test(tc, bad_durations_are_refused_with_a_reason);
	tcase_add_test(tc, counts_saturate);
	tcase_add_test(tc, remaining_follows_arrivals);
	tcase_add_test(tc, reject_backs_off_exponentially);
	tcase_add_test(tc, mismatch_bans_for_good);
	tcase_add_test(tc, recheck_reopens_on_drift);
	tcase_add_test(tc, modes);
	tcase_add_test(tc, recheck_fraction);
	tcase_add_test(tc, race_budget);
	tcase_add_test(tc, hopeless_rewrites_do_not_race);
	tcase_add_test(tc, hopeless_loser_is_not_retried_soon);
	tcase_add_test(tc, exploring_until_the_candidate_is_timed);
	tcase_add_test(tc, a_pair_that_does_not_run_is_planned_again);
	tcase_add_test(tc, a_cheap_candidate_pairs_while_the_last_pairs_run);
	tcase_add_test(tc, environment);
	tcase_add_test(tc, bad_ladders_are_refused);
	tcase_add_test(tc, a_burst_plans_only_the_pairs_a_race_can_use);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(rule_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
