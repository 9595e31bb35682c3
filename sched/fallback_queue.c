/* fallback_queue.c - lanes of tasks for the fallback queue
 * (fallback_queue.h). Each lane is a ring of (task, arrival); the queue
 * keeps an array of lanes, the ones holding tasks first and in order, then
 * the emptied ones, kept with their rings for the next lanes (so a queue
 * that fills and drains allocates nothing once grown). Lanes are few
 * (kinds of task times priorities), so finding one is a linear search. */
#include "fallback_queue.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vir0.h"

struct entry {
	void *task;
	uint64_t arrival;
};

struct lane {
	int priority;
	size_t count, front, capacity; /* tasks, the first's slot, slots */
	struct entry *entries;
	unsigned char key[];
};

struct starpu_vir0_queue {
	size_t key_size;
	uint64_t arrivals;
	unsigned used, allocated, capacity; /* lanes holding tasks, lanes, slots */
	struct lane **lanes;
};

struct starpu_vir0_queue *starpu_vir0_queue_create(size_t key_size)
{
	struct starpu_vir0_queue *queue = calloc(1, sizeof *queue);
	if (queue)
		queue->key_size = key_size;
	return queue;
}

void starpu_vir0_queue_destroy(struct starpu_vir0_queue *queue)
{
	if (!queue)
		return;
	for (unsigned i = 0; i < queue->allocated; i++) {
		free(queue->lanes[i]->entries);
		free(queue->lanes[i]);
	}
	free(queue->lanes);
	free(queue);
}

static struct entry *slot(const struct lane *lane, size_t index)
{
	return &lane->entries[(lane->front + index) % lane->capacity];
}

/* 1 when lane `a` comes before lane `b`: higher priority, then the
 * earlier first task. */
static int before(const struct lane *a, const struct lane *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	return slot(a, 0)->arrival < slot(b, 0)->arrival;
}

static struct lane *find(const struct starpu_vir0_queue *queue, const void *key, int priority)
{
	for (unsigned i = 0; i < queue->used; i++) {
		struct lane *lane = queue->lanes[i];
		if (lane->priority == priority && !memcmp(lane->key, key, queue->key_size))
			return lane;
	}
	return NULL;
}

/* An emptied lane to reuse, else a new one; NULL when out of memory. */
static struct lane *spare_lane(struct starpu_vir0_queue *queue)
{
	if (queue->used < queue->allocated)
		return queue->lanes[queue->used];
	if (queue->allocated == queue->capacity) {
		unsigned capacity = queue->capacity ? 2 * queue->capacity : 8;
		struct lane **lanes = realloc(queue->lanes, capacity * sizeof *lanes);
		if (!lanes)
			return NULL;
		queue->lanes = lanes;
		queue->capacity = capacity;
	}
	struct lane *lane = calloc(1, sizeof *lane + queue->key_size);
	if (lane)
		queue->lanes[queue->allocated++] = lane;
	return lane;
}

/* Room for one more task in `lane`: 0, or VIR0_ENOMEM. */
static int reserve(struct lane *lane)
{
	if (lane->count < lane->capacity)
		return 0;
	size_t capacity = lane->capacity ? 2 * lane->capacity : 16;
	struct entry *entries = malloc(capacity * sizeof *entries);
	if (!entries)
		return VIR0_ENOMEM;
	for (size_t i = 0; i < lane->count; i++)
		entries[i] = *slot(lane, i);
	free(lane->entries);
	lane->entries = entries;
	lane->capacity = capacity;
	lane->front = 0;
	return 0;
}

/* The spare lane, now holding a task, into its place: after every lane
 * of its priority or higher (its task is the latest). */
static void enter_lane(struct starpu_vir0_queue *queue)
{
	struct lane *lane = queue->lanes[queue->used];
	unsigned at = queue->used;
	while (at > 0 && queue->lanes[at - 1]->priority < lane->priority)
		at--;
	memmove(&queue->lanes[at + 1], &queue->lanes[at], (queue->used - at) * sizeof *queue->lanes);
	queue->lanes[at] = lane;
	queue->used++;
}

int starpu_vir0_queue_push(struct starpu_vir0_queue *queue, const void *key, int priority,
			   void *task)
{
	struct lane *lane = find(queue, key, priority);
	int new_lane = !lane;
	if (new_lane) {
		lane = spare_lane(queue);
		if (!lane)
			return VIR0_ENOMEM;
	}
	if (reserve(lane))
		return VIR0_ENOMEM;
	if (new_lane) {
		lane->priority = priority;
		memcpy(lane->key, key, queue->key_size);
	}
	*slot(lane, lane->count++) = (struct entry){ task, queue->arrivals++ };
	if (new_lane)
		enter_lane(queue);
	return 0;
}

unsigned starpu_vir0_queue_lanes(const struct starpu_vir0_queue *queue)
{
	return queue->used;
}

const void *starpu_vir0_queue_key(const struct starpu_vir0_queue *queue, unsigned lane)
{
	return queue->lanes[lane]->key;
}

int starpu_vir0_queue_priority(const struct starpu_vir0_queue *queue, unsigned lane)
{
	return queue->lanes[lane]->priority;
}

size_t starpu_vir0_queue_count(const struct starpu_vir0_queue *queue, unsigned lane)
{
	return queue->lanes[lane]->count;
}

void *starpu_vir0_queue_task(const struct starpu_vir0_queue *queue, unsigned lane, size_t index)
{
	return slot(queue->lanes[lane], index)->task;
}

/* Lane `at` lost its first task: it moves back past the lanes of its
 * priority whose first task is now earlier, or, empty, to the spares. */
static void reorder(struct starpu_vir0_queue *queue, unsigned at)
{
	struct lane *lane = queue->lanes[at];
	unsigned to = at;
	if (!lane->count)
		to = queue->used - 1;
	else
		while (to + 1 < queue->used && before(queue->lanes[to + 1], lane))
			to++;
	memmove(&queue->lanes[at], &queue->lanes[at + 1], (to - at) * sizeof *queue->lanes);
	queue->lanes[to] = lane;
	if (!lane->count)
		queue->used--;
}

void *starpu_vir0_queue_remove(struct starpu_vir0_queue *queue, unsigned lane, size_t index)
{
	struct lane *l = queue->lanes[lane];
	void *task = slot(l, index)->task;
	/* The tasks before it move up one slot: the lane stays in order. */
	for (size_t i = index; i > 0; i--)
		*slot(l, i) = *slot(l, i - 1);
	l->front = (l->front + 1) % l->capacity;
	l->count--;
	if (index == 0)
		reorder(queue, lane);
	return task;
}

void *starpu_vir0_queue_pull(struct starpu_vir0_queue *queue, starpu_vir0_queue_weigh_fn weigh,
			     void *arg, unsigned max_weighed, unsigned *weighed)
{
	unsigned lane, help_lane = 0;
	size_t index = 0, help_index = 0;
	double help_slowdown = INFINITY;
	int found = 0, helps = 0;
	*weighed = 0;
	for (lane = 0; lane < queue->used && *weighed < max_weighed; lane++) {
		/* Priority first: a task to help with outranks the lower ones. */
		if (helps && queue->lanes[lane]->priority < queue->lanes[help_lane]->priority)
			break;
		double slowdown = INFINITY;
		int verdict = weigh(arg, queue, lane, &index, &slowdown);
		if (verdict == STARPU_VIR0_PLACE_TAKE) {
			found = 1;
			break;
		}
		if (verdict == STARPU_VIR0_QUEUE_NONE)
			continue;
		if (verdict == STARPU_VIR0_PLACE_HELP && slowdown < help_slowdown) {
			helps = 1;
			help_lane = lane;
			help_index = index;
			help_slowdown = slowdown;
		}
		/* A worker that only finds tasks better run elsewhere stops
		 * looking: it pulls again. */
		++*weighed;
	}
	if (found)
		return starpu_vir0_queue_remove(queue, lane, index);
	return helps ? starpu_vir0_queue_remove(queue, help_lane, help_index) : NULL;
}
