/* spec_place.h - whether the worker pulling a VIR0 task from the fallback
 * queue takes it, or leaves it for an arch where it ends sooner: list
 * scheduling over the queue as the worker scans it, from each arch's
 * backlog and the task's expected time there. Plain C (no StarPU). */
#ifndef STARPU_VIR0_SPEC_PLACE_H
#define STARPU_VIR0_SPEC_PLACE_H

#define STARPU_VIR0_PLACE_ARCHS 2u

struct starpu_vir0_place {
	unsigned here;                             /* the pulling worker's arch */
	unsigned workers[STARPU_VIR0_PLACE_ARCHS]; /* workers of each arch; 0: none */
	/* Microseconds until the arch can start the task: the pulling
	 * worker's own remaining work for `here`, else the soonest free
	 * worker's, plus the tasks left to the arch so far in this scan. */
	double backlog[STARPU_VIR0_PLACE_ARCHS];
};

/* 1: the pulling worker takes a task expected to take us[a] microseconds
 * on arch a; an unknown time (NaN, or not above 0) on its own arch takes
 * it (running it is how it gets known), and on another arch leaves that
 * arch out. Ties take it. 0: the task ends sooner on another arch, even
 * after that arch's backlog; it is left there, and that arch's backlog
 * grows by the task's share of its workers. */
int starpu_vir0_place_take(struct starpu_vir0_place *place,
			   const double us[STARPU_VIR0_PLACE_ARCHS]);

#endif
