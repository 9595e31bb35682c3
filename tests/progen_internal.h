/* progen_internal.h - the state one generation carries, shared by
 * progen.c (program shape, buffers, bindings), progen_data.c (edge values),
 * progen_expr.c (typed expressions) and progen_stmt.c (statements). The
 * roles and phases are those of the race-freedom rule in progen.h. */
#ifndef VIR0_TEST_PROGEN_INTERNAL_H
#define VIR0_TEST_PROGEN_INTERNAL_H

#include "progen.h"

#include <stdint.h>

enum pg_role {
	PG_INPUT,       /* never written: load anywhere */
	PG_OWNED,       /* each invocation owns k elements */
	PG_ACCUM,       /* one commutative atomic op, results discarded */
	PG_WG_SLOTS,    /* Workgroup: each local invocation owns k slots */
	PG_WG_ACCUM,    /* Workgroup: one commutative atomic op, per phase */
};

enum pg_phase { PG_WRITE, PG_READ };

#define PG_MAX_BUFFERS 8
#define PG_MAX_VARS 128
#define PG_NAME_MAX 12

struct pg_buffer {
	char name[PG_NAME_MAX];
	uint8_t role;       /* enum pg_role */
	uint8_t element;    /* enum vir0_type_kind */
	uint8_t op;         /* accum roles: the one atomic op */
	uint32_t k;         /* owned roles: elements per owner */
	uint32_t count;     /* declared count (0: sized by the binding) */
	uint32_t len;       /* run-time length in elements (fmt §1.5) */
};

struct pg_var {
	char name[PG_NAME_MAX];
	uint8_t type;       /* value type */
	uint8_t uniform;    /* as the validator sees it (fmt §8.6) */
	uint8_t assignable; /* a non-uniform Let: Assign may target it */
};

/* splitmix64 (Steele, Lea, Flood 2014): small, and enough for test data. */
struct pg_rng {
	uint64_t state;
};

static inline uint64_t pg_next(struct pg_rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (n >= 1); the tiny modulo bias is harmless here. */
static inline uint32_t pg_below(struct pg_rng *r, uint32_t n)
{
	return (uint32_t)(pg_next(r) % n);
}

/* True with probability percent / 100. */
static inline int pg_chance(struct pg_rng *r, uint32_t percent)
{
	return pg_below(r, 100) < percent;
}

struct pg_gen {
	struct pg_rng rng;
	vir0_program *p;
	struct pg_buffer buffers[PG_MAX_BUFFERS];
	uint32_t nbuffers;
	struct pg_var vars[PG_MAX_VARS];
	uint32_t nvars;
	uint32_t next_name;     /* locals are named uniquely: no shadowing */
	uint32_t invocations;   /* in the whole grid */
	uint32_t group_size;    /* invocations per workgroup */
	uint32_t extent[3];     /* invocations along each axis of the grid */
	const char *global_id;  /* name of the Let holding the linear id, or NULL */
	const char *local_id;   /* same for the linear local id */
	uint8_t phase;          /* enum pg_phase of Workgroup buffers now */
	uint8_t divergent;      /* statements being generated are divergent */
	uint32_t stmt_depth;    /* nesting of statement lists */
	uint32_t trips;         /* product of the trip bounds of enclosing loops */
	uint32_t stmt_budget;   /* statements left for this program */
	uint32_t index_nesting; /* loads and atomics inside indices being built */
	int status;             /* first failure (VIR0_ENOMEM), sticky */
};

/* ---- progen_data.c ---- */

/* Bits of an edge-case value of the value type (u32, i32, f32, bool):
 * zeros, extremes, shift counts around 32, INT_MIN and -1, and for f32 the
 * infinities, NaNs with payloads, subnormals and -0.0. */
uint32_t pg_edge_bits(struct pg_rng *r, uint8_t type);

/* fmt §2: the bits a LitF32 may hold for `bits`. */
uint32_t pg_canonical_literal(uint32_t bits);

/* Fill `elements` elements of a binding of `element` with seeded contents. */
void pg_fill(struct pg_rng *r, uint8_t element, void *data, uint32_t elements);

/* ---- progen_expr.c ---- */

/* A random expression of value type `type`, at most `depth` operators
 * deep; uniform (fmt §8.6) when `uniform` is set. */
struct vir0_expr *pg_expr(struct pg_gen *g, uint8_t type, int depth, int uniform);

/* 1 when the validator will treat `e` as uniform (fmt §8.6). */
int pg_is_uniform(const struct pg_gen *g, const struct vir0_expr *e);

/* u32 index expressions for buffer `b`: one of the caller's own elements
 * or slots (owned roles), one certainly out of bounds, or anything. */
struct vir0_expr *pg_own_index(struct pg_gen *g, const struct pg_buffer *b);
struct vir0_expr *pg_oob_index(struct pg_gen *g, const struct pg_buffer *b, int for_store);
struct vir0_expr *pg_any_index(struct pg_gen *g, const struct pg_buffer *b);
/* A slot of another invocation of the workgroup: ((l + d) mod size) * k + c. */
struct vir0_expr *pg_neighbour_index(struct pg_gen *g, const struct pg_buffer *b);

/* An atomic on `b` whose old value the program may use: own element of an
 * owned buffer or slot (any core op), or an out-of-bounds index. */
struct vir0_expr *pg_private_atomic(struct pg_gen *g, const struct pg_buffer *b);

/* The local `name` in scope (NULL when none), and a fresh unique name
 * ("v12") written into `out`. */
const struct pg_var *pg_find_var(const struct pg_gen *g, const char *name);
const char *pg_fresh_name(struct pg_gen *g, char prefix, char out[PG_NAME_MAX]);

/* A literal of `type` holding `bits` (canonicalised for f32). */
struct vir0_expr *pg_literal(struct pg_gen *g, uint8_t type, uint32_t bits);

/* ---- progen_stmt.c ---- */

/* The entry body: prologue Lets for the linear ids, then random
 * statements. Failures land in g->status. */
void pg_body(struct pg_gen *g);

#endif
