/* fallback_queue.h - the fallback queue's bookkeeping (fallback.c): its
 * tasks in lanes, one per kind of task (a key the caller gives) and
 * priority, each first in, first out; the lanes in order of priority,
 * then arrival of their first task. A pull weighs the lanes in that order
 * and asks the caller which task of each it would run: for tasks alike
 * the first stands for the lane, so a pull's work grows with the lanes,
 * not with the tasks queued. Plain C (no StarPU): tasks are opaque
 * pointers. */
#ifndef STARPU_VIR0_FALLBACK_QUEUE_H
#define STARPU_VIR0_FALLBACK_QUEUE_H

#include <stddef.h>

#include "spec_place.h"

struct starpu_vir0_queue;

/* An empty queue whose keys are `key_size` bytes (compared bytewise:
 * zero their padding), or NULL when out of memory. */
struct starpu_vir0_queue *starpu_vir0_queue_create(size_t key_size);
void starpu_vir0_queue_destroy(struct starpu_vir0_queue *queue);

/* `task` at the end of the lane of (`key`, `priority`), the lane created
 * when there is none: 0, or VIR0_ENOMEM (the queue is then unchanged). */
int starpu_vir0_queue_push(struct starpu_vir0_queue *queue, const void *key, int priority,
			   void *task);

/* The lanes holding tasks, and what a pull sees of lane `lane` (0 the
 * first): its key, priority, tasks and its `index`-th task. */
unsigned starpu_vir0_queue_lanes(const struct starpu_vir0_queue *queue);
const void *starpu_vir0_queue_key(const struct starpu_vir0_queue *queue, unsigned lane);
int starpu_vir0_queue_priority(const struct starpu_vir0_queue *queue, unsigned lane);
size_t starpu_vir0_queue_count(const struct starpu_vir0_queue *queue, unsigned lane);
void *starpu_vir0_queue_task(const struct starpu_vir0_queue *queue, unsigned lane, size_t index);

/* Removes and returns the `index`-th task of lane `lane`; the lanes keep
 * their order (a lane left empty goes). O(index). */
void *starpu_vir0_queue_remove(struct starpu_vir0_queue *queue, unsigned lane, size_t index);

/* What a pull makes of lane `lane`: STARPU_VIR0_QUEUE_NONE when the worker
 * runs none of its tasks, else a verdict (spec_place.h) on the lane's
 * task *index, *slowdown set for HELP. Must not change the queue. */
#define STARPU_VIR0_QUEUE_NONE (-1)
typedef int (*starpu_vir0_queue_weigh_fn)(void *arg, const struct starpu_vir0_queue *queue,
					  unsigned lane, size_t *index, double *slowdown);

/* A pull: the lanes weighed in order; the first TAKE is removed and
 * returned, else the HELP of least slowdown once a lane of lower priority
 * than it comes (priority first), or the lanes end, or `max_weighed`
 * lanes were weighed and not taken; NULL when none. *weighed: the lanes
 * weighed and not taken (left to other archs, or helped with). */
void *starpu_vir0_queue_pull(struct starpu_vir0_queue *queue, starpu_vir0_queue_weigh_fn weigh,
			     void *arg, unsigned max_weighed, unsigned *weighed);

#endif
