/* spec_place.c - take or leave a VIR0 task at a pull (spec_place.h). */
#include "spec_place.h"

int starpu_vir0_place_take(struct starpu_vir0_place *place,
			   const double us[STARPU_VIR0_PLACE_ARCHS])
{
	unsigned here = place->here;
	if (here >= STARPU_VIR0_PLACE_ARCHS || !(us[here] > 0))
		return 1;
	double best_end = place->backlog[here] + us[here];
	unsigned best = here;
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++) {
		/* `us[a] > 0` is false for NaN: an unknown arch does not compete. */
		if (a == here || !place->workers[a] || !(us[a] > 0))
			continue;
		double end = place->backlog[a] + us[a];
		if (end < best_end) {
			best_end = end;
			best = a;
		}
	}
	if (best == here)
		return 1;
	place->backlog[best] += us[best] / place->workers[best];
	return 0;
}
