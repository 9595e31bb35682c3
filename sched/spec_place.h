/* spec_place.h - whether the worker pulling a VIR0 task from the fallback
 * queue takes it, or leaves it for an arch where it ends sooner: list
 * scheduling over the queue as the worker scans it, from each arch's
 * backlog and the task's expected time there; a lane of alike tasks
 * (fallback_queue.h) is weighed at once. Plain C (no StarPU). */
#ifndef STARPU_VIR0_SPEC_PLACE_H
#define STARPU_VIR0_SPEC_PLACE_H

#include <stddef.h>

#define STARPU_VIR0_PLACE_ARCHS 2u

struct starpu_vir0_place {
	unsigned here;                             /* the pulling worker's arch */
	unsigned workers[STARPU_VIR0_PLACE_ARCHS]; /* workers of each arch; 0: none */
	/* Microseconds until the arch can start the task: the pulling
	 * worker's own remaining work for `here`, else the soonest free
	 * worker's, plus the tasks left to the arch so far in this scan. */
	double backlog[STARPU_VIR0_PLACE_ARCHS];
};

/* What the pulling worker does with a task. */
enum starpu_vir0_place_verdict {
	/* Ends sooner on another arch, even after that arch's backlog: left
	 * there, and that arch's backlog grows by the task's share of its
	 * workers. */
	STARPU_VIR0_PLACE_LEAVE,
	/* Ends soonest here, and runs here as fast as anywhere: taken. */
	STARPU_VIR0_PLACE_TAKE,
	/* Ends soonest here only because a faster arch is busy: worth
	 * taking when the scan finds nothing better for this worker (the
	 * smallest *slowdown first), else left to the faster arch, whose
	 * backlog grows as for LEAVE. A slow arch that takes the first such
	 * task it meets spends its time on work the fast one does 100x
	 * quicker, while work it is good at waits. */
	STARPU_VIR0_PLACE_HELP,
};

/* The verdict on `count` (1 or more) alike tasks queued in a row, each
 * expected to take us[a] microseconds on arch a, as if the scan met them
 * one by one: LEAVE when every one ends sooner on another arch (each
 * arch's backlog grows by the tasks left there), else the verdict on the
 * first one this worker would not leave, the ones before it left: TAKE,
 * or HELP, which counts it and the ones after it as left to the fastest
 * arch (they would be, unless this worker takes it). *slowdown (HELP
 * only) is us[here] over the fastest other arch's. An unknown time (NaN,
 * or not above 0) on the worker's own arch takes it (running it is how it
 * gets known), and on another arch leaves that arch out. Ties take it.
 * The cost does not grow with `count`. */
enum starpu_vir0_place_verdict starpu_vir0_place_take(struct starpu_vir0_place *place,
						      const double us[STARPU_VIR0_PLACE_ARCHS],
						      size_t count, double *slowdown);

#endif
