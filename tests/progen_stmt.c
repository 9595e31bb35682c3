/* progen_stmt.c - random statements for generated programs: Let, Assign,
 * Store, nested If/else, Loops with tiny trip counts, Block, Region,
 * Return, Barriers in uniform control flow, and atomics. It keeps the
 * bookkeeping that makes the result valid and race-free (progen.h):
 * locals in scope with their uniformity as the validator sees it (fmt
 * §8.6), the Workgroup-buffer phase, divergence, and the trip-count
 * product that bounds the run time. */
#include "progen_internal.h"

#include "arena.h"
#include "expr_type.h"

#include <stdio.h>
#include <string.h>

/* Product of the trip bounds of nested loops, so no statement runs more
 * than this many times per invocation. */
#define PG_MAX_TRIPS 36
#define PG_MAX_STMT_DEPTH 4

/* A NULL node (the builder ran out of memory) fails the append. */
static void append(struct pg_gen *g, struct vir0_node_list *list, struct vir0_node *n)
{
	int status = vir0_append(g->p, list, n);
	if (status && !g->status)
		g->status = status;
}

static void add_var(struct pg_gen *g, const char *name, uint8_t type, int uniform,
		    int assignable)
{
	if (g->nvars == PG_MAX_VARS)
		return;   /* still valid: the local is just never read */
	struct pg_var *v = &g->vars[g->nvars++];
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->type = type;
	v->uniform = (uint8_t)uniform;
	v->assignable = (uint8_t)assignable;
}

static const struct pg_buffer *pick_buffer(struct pg_gen *g,
					   int (*fits)(const struct pg_gen *, const struct pg_buffer *))
{
	uint32_t seen = 0;
	const struct pg_buffer *pick = NULL;
	for (uint32_t i = 0; i < g->nbuffers; i++)
		if (fits(g, &g->buffers[i]) && pg_below(&g->rng, ++seen) == 0)
			pick = &g->buffers[i];
	return pick;
}

static int storable(const struct pg_gen *g, const struct pg_buffer *b)
{
	(void)g;
	return b->role == PG_OWNED || b->role == PG_WG_SLOTS;
}

static int accumulates_now(const struct pg_gen *g, const struct pg_buffer *b)
{
	return b->role == PG_ACCUM || (b->role == PG_WG_ACCUM && g->phase == PG_WRITE);
}

static int atomic_capable(const struct pg_gen *g, const struct pg_buffer *b)
{
	(void)g;
	return b->role != PG_INPUT &&
		(b->element == VIR0_TYPE_U32 || b->element == VIR0_TYPE_I32);
}

static int slots(const struct pg_gen *g, const struct pg_buffer *b)
{
	(void)g;
	return b->role == PG_WG_SLOTS;
}

static int owned(const struct pg_gen *g, const struct pg_buffer *b)
{
	(void)g;
	return b->role == PG_OWNED;
}

/* ---- simple statements ---------------------------------------------------- */

static struct vir0_node *let_stmt(struct pg_gen *g)
{
	char name[PG_NAME_MAX];
	uint8_t type = (uint8_t[]){ VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32,
				    VIR0_TYPE_BOOL }[pg_below(&g->rng, 4)];
	int want_uniform = pg_chance(&g->rng, 25);
	struct vir0_expr *value = pg_expr(g, type, 3, want_uniform);
	pg_fresh_name(g, 'v', name);
	struct vir0_node *n = vir0_let(g->p, name, value);
	if (value) {
		int uniform = pg_is_uniform(g, value);
		/* Uniform locals stay constant, so no Assign can make a barrier
		 * condition that uses one divergent (the loop rule of fmt §8.6). */
		add_var(g, name, type, uniform, !uniform);
	}
	return n;
}

static struct vir0_node *assign_stmt(struct pg_gen *g)
{
	uint32_t seen = 0;
	const struct pg_var *pick = NULL;
	for (uint32_t i = 0; i < g->nvars; i++)
		if (g->vars[i].assignable && pg_below(&g->rng, ++seen) == 0)
			pick = &g->vars[i];
	if (!pick)
		return NULL;
	return vir0_assign(g->p, pick->name, pg_expr(g, pick->type, 3, 0));
}

static struct vir0_node *store_stmt(struct pg_gen *g)
{
	const struct pg_buffer *b = pick_buffer(g, storable);
	if (!b)
		return NULL;
	int own_ok = b->role == PG_OWNED || g->phase == PG_WRITE;
	struct vir0_expr *index = own_ok && pg_chance(&g->rng, 85)
		? pg_own_index(g, b) : pg_oob_index(g, b, 1);
	return vir0_store(g->p, b->name, index,
			  pg_expr(g, vir0_element_load_type(b->element), 3, 0));
}

/* An atomic on a shared accumulator: any index, the buffer's one op, the
 * old value dropped, either into a Let nobody reads or into a store out
 * of bounds (which still evaluates its value, fmt §9.9). */
static struct vir0_node *accumulate_stmt(struct pg_gen *g)
{
	const struct pg_buffer *b = pick_buffer(g, accumulates_now);
	if (!b)
		return NULL;
	uint8_t type = vir0_element_load_type(b->element);
	g->index_nesting++;
	struct vir0_expr *index = pg_any_index(g, b);
	g->index_nesting--;
	struct vir0_expr *e = vir0_atomic(g->p, b->op, b->name, index, NULL,
					  pg_expr(g, type, 2, 0));
	if (e)
		e->ordering = (uint8_t)pg_below(&g->rng, 5);
	const struct pg_buffer *sink = pick_buffer(g, storable);
	if (sink && pg_chance(&g->rng, 30)) {
		uint8_t want = vir0_element_load_type(sink->element);
		if (want != type)
			e = vir0_cast(g->p, (enum vir0_type_kind)want, e);
		return vir0_store(g->p, sink->name, pg_oob_index(g, sink, 1), e);
	}
	char name[PG_NAME_MAX];
	return vir0_let(g->p, pg_fresh_name(g, 'd', name), e);
}

/* An atomic whose old value is deterministic (own element, or out of
 * bounds), bound to a local the program goes on to use. */
static struct vir0_node *private_atomic_stmt(struct pg_gen *g)
{
	const struct pg_buffer *b = pick_buffer(g, atomic_capable);
	if (!b)
		return NULL;
	char name[PG_NAME_MAX];
	struct vir0_expr *e = pg_private_atomic(g, b);
	pg_fresh_name(g, 'v', name);
	add_var(g, name, vir0_element_load_type(b->element), 0, 1);
	return vir0_let(g->p, name, e);
}

static struct vir0_node *barrier_stmt(struct pg_gen *g)
{
	struct vir0_node *n = vir0_barrier(g->p);
	if (n)
		n->ordering = (uint8_t)(1 + pg_below(&g->rng, 4));
	g->phase = pg_chance(&g->rng, 50) ? PG_WRITE : PG_READ;
	return n;
}

/* ---- compound statements -------------------------------------------------- */

static void gen_list(struct pg_gen *g, struct vir0_node_list *list, int top);

static int ends_with_return(const struct vir0_node_list *list)
{
	return list->count && list->items[list->count - 1]->kind == VIR0_NODE_RETURN;
}

/* A nested list; `scoped` closes its locals at the end (not Region). In
 * uniform flow the list ends in the phase it started in, so a loop's next
 * iteration, or the code after an If, sees one phase whatever ran. */
static void nested(struct pg_gen *g, struct vir0_node_list *list, int divergent, int scoped)
{
	uint32_t mark = g->nvars;
	uint8_t phase = g->phase, was_divergent = g->divergent;
	g->divergent = (uint8_t)divergent;
	g->stmt_depth++;
	gen_list(g, list, 0);
	g->stmt_depth--;
	if (g->phase != phase && !ends_with_return(list)) {
		struct vir0_node *n = vir0_barrier(g->p);
		append(g, list, n);
	}
	g->phase = phase;
	g->divergent = was_divergent;
	if (scoped)
		g->nvars = mark;
}

static struct vir0_node *if_stmt(struct pg_gen *g)
{
	int want_uniform = !g->divergent && pg_chance(&g->rng, 40);
	struct vir0_expr *cond = pg_expr(g, pg_chance(&g->rng, 70) ? VIR0_TYPE_BOOL : VIR0_TYPE_U32,
					 3, want_uniform);
	struct vir0_node *n = vir0_if(g->p, cond);
	if (!n)
		return NULL;
	int divergent = g->divergent || !pg_is_uniform(g, cond);
	nested(g, &n->body, divergent, 1);
	if (pg_chance(&g->rng, 20) && g->stmt_budget && g->stmt_depth + 1 < PG_MAX_STMT_DEPTH) {
		/* else if: the otherwise list holds just another If */
		g->stmt_depth++;
		g->stmt_budget--;
		uint8_t was_divergent = g->divergent;
		g->divergent = (uint8_t)divergent;
		append(g, &n->otherwise, if_stmt(g));
		g->divergent = was_divergent;
		g->stmt_depth--;
	} else if (pg_chance(&g->rng, 50)) {
		nested(g, &n->otherwise, divergent, 1);
	}
	return n;
}

/* Loop bounds of `type` and an upper bound of the trip count. Bounds are
 * literals, `e % k` (i32 `%` keeps the sign of e, fmt §9.4), or min/max
 * clamps, so the count stays tiny whatever e is; from >= to is common. */
static void loop_bounds(struct pg_gen *g, uint8_t type, int uniform, struct vir0_expr **from,
			struct vir0_expr **to, uint32_t *trips)
{
	vir0_program *p = g->p;
	if (type == VIR0_TYPE_U32) {
		uint32_t a = pg_below(&g->rng, 4), b = pg_below(&g->rng, 6);
		if (pg_chance(&g->rng, 50)) {
			*from = vir0_lit_u32(p, a);
			*to = vir0_lit_u32(p, b);
			*trips = b > a ? b - a : 0;
			return;
		}
		*from = vir0_binop(p, VIR0_BIN_MOD, pg_expr(g, type, 1, uniform),
				   vir0_lit_u32(p, a + 1));
		*to = pg_chance(&g->rng, 50)
			? vir0_binop(p, VIR0_BIN_MOD, pg_expr(g, type, 2, uniform), vir0_lit_u32(p, b + 1))
			: vir0_binop(p, VIR0_BIN_MIN, pg_expr(g, type, 2, uniform), vir0_lit_u32(p, b));
		*trips = b;
		return;
	}
	int32_t a = (int32_t)pg_below(&g->rng, 6) - 3, b = (int32_t)pg_below(&g->rng, 8) - 3;
	if (pg_chance(&g->rng, 50)) {
		*from = vir0_lit_i32(p, a);
		*to = vir0_lit_i32(p, b);
		*trips = b > a ? (uint32_t)(b - a) : 0;
		return;
	}
	/* e % 3 lies in [-2, 2]; clamp(e, -2, 2) too. */
	*from = vir0_binop(p, VIR0_BIN_MOD, pg_expr(g, type, 1, uniform), vir0_lit_i32(p, 3));
	*to = pg_chance(&g->rng, 50)
		? vir0_binop(p, VIR0_BIN_MOD, pg_expr(g, type, 2, uniform), vir0_lit_i32(p, 3))
		: vir0_binop(p, VIR0_BIN_MAX, vir0_binop(p, VIR0_BIN_MIN, pg_expr(g, type, 2, uniform),
							 vir0_lit_i32(p, 2)),
			     vir0_lit_i32(p, -2));
	*trips = 4;
}

static struct vir0_node *loop_stmt(struct pg_gen *g)
{
	uint8_t type = pg_chance(&g->rng, 60) ? VIR0_TYPE_U32 : VIR0_TYPE_I32;
	int want_uniform = !g->divergent && pg_chance(&g->rng, 50);
	struct vir0_expr *from, *to;
	uint32_t trips;
	loop_bounds(g, type, want_uniform, &from, &to, &trips);
	if (trips > 1 && g->trips * trips > PG_MAX_TRIPS) {
		/* Too deep for more iterations: run the body once, or never. */
		trips = pg_below(&g->rng, 2);
		from = pg_literal(g, type, 0);
		to = pg_literal(g, type, trips);
	}
	char name[PG_NAME_MAX];
	struct vir0_node *n = vir0_loop(g->p, pg_fresh_name(g, 'i', name), from, to);
	if (!n)
		return NULL;
	int bounds_uniform = pg_is_uniform(g, from) && pg_is_uniform(g, to);
	uint32_t mark = g->nvars, outer_trips = g->trips;
	add_var(g, name, type, bounds_uniform && !g->divergent, 0);
	g->trips *= trips > 1 ? trips : 1;
	nested(g, &n->body, g->divergent || !bounds_uniform, 1);
	g->trips = outer_trips;
	g->nvars = mark;
	return n;
}

static struct vir0_node *block_stmt(struct pg_gen *g, int region)
{
	struct vir0_node *n = vir0_block(g->p);
	if (!n)
		return NULL;
	if (region) {
		n->kind = VIR0_NODE_REGION;
		char label[PG_NAME_MAX];
		pg_fresh_name(g, 'r', label);
		n->name = vir0_arena_strndup(g->p->arena, label, strlen(label));
		if (!n->name)
			return NULL;
		if (pg_chance(&g->rng, 30) &&
		    !(n->name2 = vir0_arena_strndup(g->p->arena, "source", 6)))
			return NULL;
	}
	/* Region opens no scope (V9): its locals stay visible after it. */
	nested(g, &n->body, g->divergent, !region);
	return n;
}

/* The pattern barriers exist for: write own slot, barrier, read a
 * neighbour's slot, keep the result in an owned element. */
static void exchange(struct pg_gen *g, struct vir0_node_list *list)
{
	const struct pg_buffer *b = pick_buffer(g, slots);
	uint8_t type = vir0_element_load_type(b->element);
	if (g->phase != PG_WRITE)
		append(g, list, barrier_stmt(g));
	g->phase = PG_WRITE;
	append(g, list, vir0_store(g->p, b->name, pg_own_index(g, b), pg_expr(g, type, 3, 0)));
	struct vir0_node *barrier = barrier_stmt(g);
	g->phase = PG_READ;
	append(g, list, barrier);
	char name[PG_NAME_MAX];
	struct vir0_expr *index = pg_chance(&g->rng, 70) ? pg_neighbour_index(g, b)
		: pg_any_index(g, b);
	pg_fresh_name(g, 'v', name);
	append(g, list, vir0_let(g->p, name, vir0_load(g->p, b->name, index)));
	add_var(g, name, type, 0, 1);
	const struct pg_buffer *out = pick_buffer(g, owned);
	uint8_t want = vir0_element_load_type(out->element);
	struct vir0_expr *value = vir0_var(g->p, name);
	if (want != type)
		value = vir0_cast(g->p, (enum vir0_type_kind)want, value);
	append(g, list, vir0_store(g->p, out->name, pg_own_index(g, out), value));
}

enum pg_stmt_kind {
	PG_LET, PG_ASSIGN, PG_STORE, PG_IF, PG_LOOP, PG_BLOCK, PG_REGION, PG_BARRIER,
	PG_ACCUMULATE, PG_PRIVATE_ATOMIC, PG_EXCHANGE, PG_STMT_KINDS
};

static int has_assignable(const struct pg_gen *g)
{
	for (uint32_t i = 0; i < g->nvars; i++)
		if (g->vars[i].assignable)
			return 1;
	return 0;
}

/* Weight of each kind where it applies here, 0 where it does not. */
static void stmt_weights(struct pg_gen *g, uint32_t w[PG_STMT_KINDS])
{
	int nest = g->stmt_depth < PG_MAX_STMT_DEPTH;
	int uniform_flow = !g->divergent;
	w[PG_LET] = 20;
	w[PG_ASSIGN] = has_assignable(g) ? 10 : 0;
	w[PG_STORE] = 22;
	w[PG_IF] = nest ? 12 : 0;
	w[PG_LOOP] = nest ? 10 : 0;
	w[PG_BLOCK] = nest ? 3 : 0;
	w[PG_REGION] = nest ? 3 : 0;
	w[PG_BARRIER] = uniform_flow ? (pick_buffer(g, slots) ? 8 : 2) : 0;
	w[PG_ACCUMULATE] = pick_buffer(g, accumulates_now) ? 7 : 0;
	w[PG_PRIVATE_ATOMIC] = pick_buffer(g, atomic_capable) ? 6 : 0;
	w[PG_EXCHANGE] = uniform_flow && pick_buffer(g, slots) ? 6 : 0;
}

static void random_stmt(struct pg_gen *g, struct vir0_node_list *list)
{
	uint32_t w[PG_STMT_KINDS], total = 0;
	stmt_weights(g, w);
	for (int k = 0; k < PG_STMT_KINDS; k++)
		total += w[k];
	uint32_t roll = pg_below(&g->rng, total);
	int kind = 0;
	while (roll >= w[kind])
		roll -= w[kind++];
	switch (kind) {
	case PG_LET: append(g, list, let_stmt(g)); break;
	case PG_ASSIGN: append(g, list, assign_stmt(g)); break;
	case PG_STORE: append(g, list, store_stmt(g)); break;
	case PG_IF: append(g, list, if_stmt(g)); break;
	case PG_LOOP: append(g, list, loop_stmt(g)); break;
	case PG_BLOCK: append(g, list, block_stmt(g, 0)); break;
	case PG_REGION: append(g, list, block_stmt(g, 1)); break;
	case PG_BARRIER: append(g, list, barrier_stmt(g)); break;
	case PG_ACCUMULATE: append(g, list, accumulate_stmt(g)); break;
	case PG_PRIVATE_ATOMIC: append(g, list, private_atomic_stmt(g)); break;
	default: exchange(g, list); break;
	}
}

static void gen_list(struct pg_gen *g, struct vir0_node_list *list, int top)
{
	uint32_t most = top ? 12 : g->stmt_depth >= 3 ? 2 : 4;
	uint32_t n = 1 + pg_below(&g->rng, most);
	for (uint32_t i = 0; i < n && g->stmt_budget && !g->status; i++) {
		g->stmt_budget--;
		random_stmt(g, list);
	}
	/* Return mostly where only some invocations take it. */
	if (pg_chance(&g->rng, g->divergent ? 15 : 2))
		append(g, list, vir0_return(g->p));
}

/* x + X * (y + Y * z) over `extent`, from `id` (InvocationId or LocalId). */
static struct vir0_expr *linear_id(struct pg_gen *g, const uint32_t extent[3],
				   struct vir0_expr *(*id)(vir0_program *, unsigned))
{
	struct vir0_expr *e = id(g->p, 0);
	if (id == vir0_invocation_id && pg_chance(&g->rng, 30))
		e = vir0_binop(g->p, VIR0_BIN_ADD,
			       vir0_binop(g->p, VIR0_BIN_MUL, vir0_workgroup_id(g->p, 0),
					  vir0_lit_u32(g->p, g->p->workgroup_size[0])),
			       vir0_local_id(g->p, 0));
	uint32_t stride = extent[0];
	for (unsigned axis = 1; axis < 3; axis++) {
		if (extent[axis] > 1)
			e = vir0_binop(g->p, VIR0_BIN_ADD, e,
				       vir0_binop(g->p, VIR0_BIN_MUL, id(g->p, axis),
						  vir0_lit_u32(g->p, stride)));
		stride *= extent[axis];
	}
	return e;
}

void pg_body(struct pg_gen *g)
{
	static const char global_name[] = "inv", local_name[] = "loc";
	append(g, &g->p->body, vir0_let(g->p, global_name,
					linear_id(g, g->extent, vir0_invocation_id)));
	add_var(g, global_name, VIR0_TYPE_U32, 0, 0);
	g->global_id = global_name;
	if (pick_buffer(g, slots)) {
		append(g, &g->p->body, vir0_let(g->p, local_name,
						linear_id(g, g->p->workgroup_size, vir0_local_id)));
		add_var(g, local_name, VIR0_TYPE_U32, 0, 0);
		g->local_id = local_name;
	}
	g->phase = pg_chance(&g->rng, 80) ? PG_WRITE : PG_READ;
	gen_list(g, &g->p->body, 1);
}
