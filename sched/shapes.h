/* shapes.h - a scheduling context's table of VIR0 task shapes and, per
 * shape, the implementation each arch runs: the speculation state the
 * choice point reads. A new shape starts conservative (the interpreter). */
#ifndef STARPU_VIR0_SHAPES_H
#define STARPU_VIR0_SHAPES_H

#include <stddef.h>
#include <stdint.h>

#include <starpu.h>

#include "starpu_vir0_task.h"

/* The archs a VIR0 codelet has implementations for. */
enum starpu_vir0_shape_arch {
	STARPU_VIR0_SHAPE_CPU,
	STARPU_VIR0_SHAPE_OPENCL,
	STARPU_VIR0_SHAPE_NARCHS,
};

/* StarPU's worker type of each arch. */
extern const enum starpu_worker_archtype starpu_vir0_shape_archtypes[STARPU_VIR0_SHAPE_NARCHS];

/* The arch of workers of `type`, or STARPU_VIR0_SHAPE_NARCHS for a type
 * VIR0 codelets have no implementation for. */
enum starpu_vir0_shape_arch starpu_vir0_shape_arch_of(enum starpu_worker_archtype type);

/* What a shape runs with, per arch (enum starpu_vir0_impl). */
struct starpu_vir0_shape_choice {
	unsigned impl[STARPU_VIR0_SHAPE_NARCHS];
};

struct starpu_vir0_shapes;

/* The bucket of a size: the size itself below 8, else its octave and the
 * two bits after its leading one (4 buckets per power of two, each
 * starting 1/7 to 1/4 above the one below). 0 .. 251, rising with `x`;
 * bucket b >= 4 starts at (4 + b % 4) << (b / 4 - 1). */
unsigned starpu_vir0_shape_bucket(uint64_t x);

/* A shape written out in hex: 16 hash bytes, then one byte per grid axis
 * (its group count's bucket) and one for the byte total's bucket. The
 * table's key, and the shape's key in the autotune store, so sizes in one
 * bucket share a race and its verdicts. */
#define STARPU_VIR0_SHAPE_KEY_LEN (2 * 16 + 4 * 2)
void starpu_vir0_shape_key(const struct starpu_vir0_shape *shape,
			   char key[STARPU_VIR0_SHAPE_KEY_LEN + 1]);

/* An empty table for up to `capacity` shapes, or NULL when out of memory. */
struct starpu_vir0_shapes *starpu_vir0_shapes_create(size_t capacity);
void starpu_vir0_shapes_destroy(struct starpu_vir0_shapes *shapes);

/* The choice for `shape`, entering it with the conservative choice when it
 * is new: 0, or VIR0_ELIMIT when the table is full (`choice` is then the
 * conservative one and the shape is not recorded). Takes the table's lock
 * with StarPU's relax discipline: call it from push_task. */
int starpu_vir0_shapes_choice(struct starpu_vir0_shapes *shapes,
			      const struct starpu_vir0_shape *shape,
			      struct starpu_vir0_shape_choice *choice);

/* How many shapes the table holds. */
size_t starpu_vir0_shapes_count(struct starpu_vir0_shapes *shapes);

#endif
