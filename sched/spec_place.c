/* spec_place.c - take or leave a VIR0 task at a pull (spec_place.h). */
#include "spec_place.h"

enum starpu_vir0_place_verdict starpu_vir0_place_take(struct starpu_vir0_place *place,
						      const double us[STARPU_VIR0_PLACE_ARCHS],
						      double *slowdown)
{
	unsigned here = place->here;
	if (here >= STARPU_VIR0_PLACE_ARCHS || !(us[here] > 0))
		return STARPU_VIR0_PLACE_TAKE;
	double best_end = place->backlog[here] + us[here], fastest_us = us[here];
	unsigned best = here, fastest = here;
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++) {
		/* `us[a] > 0` is false for NaN: an unknown arch does not compete. */
		if (a == here || !place->workers[a] || !(us[a] > 0))
			continue;
		double end = place->backlog[a] + us[a];
		if (end < best_end) {
			best_end = end;
			best = a;
		}
		if (us[a] < fastest_us) {
			fastest_us = us[a];
			fastest = a;
		}
	}
	if (best == here && fastest == here)
		return STARPU_VIR0_PLACE_TAKE;
	unsigned to = best == here ? fastest : best;
	place->backlog[to] += us[to] / place->workers[to];
	if (best != here)
		return STARPU_VIR0_PLACE_LEAVE;
	*slowdown = us[here] / fastest_us;
	return STARPU_VIR0_PLACE_HELP;
}
