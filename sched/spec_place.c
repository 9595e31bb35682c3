/* spec_place.c - take or leave a VIR0 task at a pull (spec_place.h). */
#include "spec_place.h"

#include <math.h>

/* Microseconds one more task adds to arch `a`'s backlog: its share of the
 * arch's workers. */
static double share(const struct starpu_vir0_place *place, const double us[], unsigned a)
{
	return us[a] / place->workers[a];
}

/* `us[a] > 0` is false for NaN: an unknown arch does not compete. */
static int competes(const struct starpu_vir0_place *place, const double us[], unsigned a)
{
	return a != place->here && place->workers[a] && us[a] > 0;
}

/* The arch that ends the next task first (ties: `here`, then the lower
 * index), and *next the end of the runner-up. */
static unsigned first_to_end(const struct starpu_vir0_place *place, const double us[],
			     double *next)
{
	unsigned best = place->here;
	double best_end = place->backlog[best] + us[best];
	*next = INFINITY;
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++) {
		if (!competes(place, us, a))
			continue;
		double end = place->backlog[a] + us[a];
		if (end < best_end) {
			*next = best_end;
			best_end = end;
			best = a;
		} else if (end < *next) {
			*next = end;
		}
	}
	return best;
}

static unsigned fastest_arch(const struct starpu_vir0_place *place, const double us[])
{
	unsigned fastest = place->here;
	for (unsigned a = 0; a < STARPU_VIR0_PLACE_ARCHS; a++)
		if (competes(place, us, a) && us[a] < us[fastest])
			fastest = a;
	return fastest;
}

/* How many of `count` alike tasks in a row an arch ends first, the first
 * ending at `end`, each adding `share`, while they end before `next`: at
 * least one (the first ends first), the rest in closed form, so a lane of
 * many tasks costs what one does. */
static size_t run_length(double end, double share, double next, size_t count)
{
	double n = ceil((next - end) / share);
	if (!(n > 1))
		return 1;
	return n < (double)count ? (size_t)n : count;
}

enum starpu_vir0_place_verdict starpu_vir0_place_take(struct starpu_vir0_place *place,
						      const double us[STARPU_VIR0_PLACE_ARCHS],
						      size_t count, double *slowdown)
{
	unsigned here = place->here;
	if (here >= STARPU_VIR0_PLACE_ARCHS || !(us[here] > 0))
		return STARPU_VIR0_PLACE_TAKE;
	for (;;) {
		double next;
		unsigned best = first_to_end(place, us, &next);
		if (best == here)
			break;
		double each = share(place, us, best);
		size_t run = run_length(place->backlog[best] + us[best], each, next, count);
		place->backlog[best] += (double)run * each;
		count -= run;
		if (!count)
			return STARPU_VIR0_PLACE_LEAVE;
	}
	unsigned fastest = fastest_arch(place, us);
	if (fastest == here)
		return STARPU_VIR0_PLACE_TAKE;
	place->backlog[fastest] += (double)count * share(place, us, fastest);
	*slowdown = us[here] / us[fastest];
	return STARPU_VIR0_PLACE_HELP;
}
