/* spec_env.c - reading VIR0_SPEC* and VIR0_STATS*. Read when the policy
 * starts, so a test or an application may set them before starpu_init. */
#include "spec_env.h"

#include "environment.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number in [min, max) (or [min, max] when `closed`); "15%" reads as
 * 0.15. */
static double env_fraction(const char *name, double fallback, double min, double max, int closed)
{
	const char *text = getenv(name);
	if (!text || !*text)
		return fallback;
	char *end;
	errno = 0;
	double value = strtod(text, &end);
	if (end != text && *end == '%' && end[1] == '\0') {
		value /= 100;
		end++;
	}
	if (end == text || *end || errno || !isfinite(value) || value < min || value > max ||
	    (!closed && value == max)) {
		fprintf(stderr, "starpu-vir0: %s=%s is not a number from %g to %g%s; using %g\n",
			name, text, min, max, closed ? "" : " (excluded)", fallback);
		return fallback;
	}
	return value;
}

static enum starpu_vir0_spec_mode env_mode(void)
{
	const char *text = getenv("VIR0_SPEC");
	if (!text || !*text)
		return STARPU_VIR0_SPEC_RACE;
	for (int mode = STARPU_VIR0_SPEC_RACE; mode <= STARPU_VIR0_SPEC_FORCE_SPECULATIVE; mode++)
		if (!strcmp(text, starpu_vir0_spec_mode_name(mode)))
			return mode;
	fprintf(stderr, "starpu-vir0: VIR0_SPEC=%s is not race, off, force-conservative or "
		"force-speculative; using race\n", text);
	return STARPU_VIR0_SPEC_RACE;
}

void starpu_vir0_spec_config_read(struct starpu_vir0_spec_config *config)
{
	struct starpu_vir0_spec_config d;
	starpu_vir0_spec_config_default(&d);
	config->mode = env_mode();
	config->min_samples = vir0_env_u32("VIR0_SPEC_MIN_SAMPLES", d.min_samples, 1,
					   STARPU_VIR0_SPEC_PAIRS_MAX);
	config->margin = env_fraction("VIR0_SPEC_MARGIN", d.margin, 0, 1, 0);
	config->verify_pairs = vir0_env_u32("VIR0_SPEC_VERIFY_PAIRS", d.verify_pairs, 0,
					    STARPU_VIR0_SPEC_PAIRS_MAX);
	config->max_pairs = vir0_env_u32("VIR0_SPEC_MAX_PAIRS", d.max_pairs, 1,
					 STARPU_VIR0_SPEC_PAIRS_MAX);
	config->alpha = env_fraction("VIR0_SPEC_ALPHA", d.alpha, 1e-9, 0.5, 0);
	config->backoff = vir0_env_u32("VIR0_SPEC_BACKOFF", d.backoff, 1, 1u << 30);
	config->recheck = env_fraction("VIR0_SPEC_RECHECK", d.recheck, 0, 1, 1);
	config->budget = env_fraction("VIR0_SPEC_BUDGET", d.budget, 0, 1, 1);
	if (config->max_pairs < config->min_samples) {
		fprintf(stderr, "starpu-vir0: VIR0_SPEC_MAX_PAIRS=%u is below VIR0_SPEC_MIN_SAMPLES=%u; "
			"using %u\n", config->max_pairs, config->min_samples, config->min_samples);
		config->max_pairs = config->min_samples;
	}
}

void starpu_vir0_spec_stats_config_read(struct starpu_vir0_spec_stats_config *stats)
{
	stats->print = vir0_env_u32("VIR0_STATS", 0, 0, 1);
	const char *file = getenv("VIR0_STATS_FILE");
	stats->file = file && *file ? file : NULL;
}
