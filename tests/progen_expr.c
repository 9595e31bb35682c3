/* progen_expr.c - random typed expressions for generated programs. The
 * operator choices come from the validator's own typing tables
 * (expr_type.h), so every core BinOp, UnOp and Cast pair can appear; the
 * coverage test checks them against fmt §6 independently. Loads and
 * atomics follow the buffer roles of progen.h, so no expression reads an
 * element another invocation may be writing. */
#include "progen_internal.h"

#include "expr_type.h"

#include <stdio.h>
#include <string.h>

static const uint8_t value_types[] = {
	VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32, VIR0_TYPE_BOOL,
};

static uint8_t random_value_type(struct pg_gen *g)
{
	return value_types[pg_below(&g->rng, 4)];
}

const struct pg_var *pg_find_var(const struct pg_gen *g, const char *name)
{
	for (uint32_t i = g->nvars; i-- > 0;)
		if (!strcmp(g->vars[i].name, name))
			return &g->vars[i];
	return NULL;
}

const char *pg_fresh_name(struct pg_gen *g, char prefix, char out[PG_NAME_MAX])
{
	snprintf(out, PG_NAME_MAX, "%c%u", prefix, g->next_name++);
	return out;
}

struct vir0_expr *pg_literal(struct pg_gen *g, uint8_t type, uint32_t bits)
{
	struct vir0_expr *e;
	switch (type) {
	case VIR0_TYPE_I32:
		return vir0_lit_i32(g->p, (int32_t)bits);
	case VIR0_TYPE_BOOL:
		return vir0_lit_bool(g->p, bits & 1);
	case VIR0_TYPE_F32:
		e = vir0_lit_f32(g->p, 0.0f);
		if (e)
			e->bits = pg_canonical_literal(bits);
		return e;
	default:
		return vir0_lit_u32(g->p, bits);
	}
}

static struct vir0_expr *u32_lit(struct pg_gen *g, uint32_t v)
{
	return vir0_lit_u32(g->p, v);
}

static struct vir0_expr *random_literal(struct pg_gen *g, uint8_t type)
{
	if (pg_chance(&g->rng, 50))
		return pg_literal(g, type, pg_edge_bits(&g->rng, type));
	uint32_t small = pg_below(&g->rng, 16);
	return pg_literal(g, type, type == VIR0_TYPE_I32 ? small - 8 : small);
}

int pg_is_uniform(const struct pg_gen *g, const struct vir0_expr *e)
{
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32: case VIR0_EXPR_LIT_I32: case VIR0_EXPR_LIT_BOOL:
	case VIR0_EXPR_LIT_F32: case VIR0_EXPR_BUF_LEN: case VIR0_EXPR_WORKGROUP_ID:
		return 1;
	case VIR0_EXPR_VAR: {
		const struct pg_var *v = pg_find_var(g, e->name);
		return v && v->uniform;
	}
	case VIR0_EXPR_BINOP: case VIR0_EXPR_UNOP: case VIR0_EXPR_CAST:
	case VIR0_EXPR_SELECT: case VIR0_EXPR_FMA:
		for (int i = 0; i < 3; i++)
			if (e->arg[i] && !pg_is_uniform(g, e->arg[i]))
				return 0;
		return 1;
	default:
		return 0;
	}
}

/* ---- indices ------------------------------------------------------------ */

/* The first of the `k` elements the running invocation owns in `b`. */
static struct vir0_expr *owner_base(struct pg_gen *g, const struct pg_buffer *b)
{
	const char *id = b->role == PG_OWNED ? g->global_id : g->local_id;
	struct vir0_expr *owner = vir0_var(g->p, id);
	if (b->k == 1 && pg_chance(&g->rng, 50))
		return owner;
	return vir0_binop(g->p, VIR0_BIN_MUL, owner, u32_lit(g, b->k));
}

static struct vir0_expr *own_index_at(struct pg_gen *g, const struct pg_buffer *b,
				      uint32_t slot)
{
	struct vir0_expr *base = owner_base(g, b);
	if (b->k == 1 && slot == 0 && pg_chance(&g->rng, 50))
		return base;
	return vir0_binop(g->p, VIR0_BIN_ADD, base, u32_lit(g, slot));
}

struct vir0_expr *pg_own_index(struct pg_gen *g, const struct pg_buffer *b)
{
	if (b->k == 1 || pg_chance(&g->rng, 60))
		return own_index_at(g, b, pg_below(&g->rng, b->k));
	/* A data-dependent slot, still one of the k owned ones. */
	struct vir0_expr *slot = vir0_binop(g->p, VIR0_BIN_MOD, pg_expr(g, VIR0_TYPE_U32, 1, 0),
					    u32_lit(g, b->k));
	return vir0_binop(g->p, VIR0_BIN_ADD, owner_base(g, b), slot);
}

/* Out of bounds whatever the other expressions evaluate to: lengths are
 * far below 0xFFFFFFF0, so neither form can wrap into range. A literal
 * index past a declared count is rejected for stores (V18), so stores use
 * literals only on buffers sized by their binding. */
struct vir0_expr *pg_oob_index(struct pg_gen *g, const struct pg_buffer *b, int for_store)
{
	switch (pg_below(&g->rng, 4)) {
	case 0:
		return vir0_binop(g->p, VIR0_BIN_ADD, vir0_buf_len(g->p, b->name),
				  u32_lit(g, pg_below(&g->rng, 3)));
	case 1:
		return vir0_binop(g->p, VIR0_BIN_ADD, vir0_buf_len(g->p, b->name),
				  vir0_binop(g->p, VIR0_BIN_MOD, pg_expr(g, VIR0_TYPE_U32, 1, 0),
					     u32_lit(g, 4)));
	case 2:
		return vir0_binop(g->p, VIR0_BIN_SUB, u32_lit(g, 0xFFFFFFFF),
				  vir0_binop(g->p, VIR0_BIN_MOD, pg_expr(g, VIR0_TYPE_U32, 1, 0),
					     u32_lit(g, 8)));
	default:
		if (for_store && b->count)
			return vir0_binop(g->p, VIR0_BIN_ADD, vir0_buf_len(g->p, b->name),
					  u32_lit(g, 1));
		return u32_lit(g, pg_chance(&g->rng, 50) ? b->len : 0xFFFFFFFF);
	}
}

struct vir0_expr *pg_neighbour_index(struct pg_gen *g, const struct pg_buffer *b)
{
	struct vir0_expr *other = vir0_binop(g->p, VIR0_BIN_MOD,
		vir0_binop(g->p, VIR0_BIN_ADD, vir0_var(g->p, g->local_id),
			   u32_lit(g, 1 + pg_below(&g->rng, g->group_size))),
		u32_lit(g, g->group_size));
	return vir0_binop(g->p, VIR0_BIN_ADD,
			  vir0_binop(g->p, VIR0_BIN_MUL, other, u32_lit(g, b->k)),
			  u32_lit(g, pg_below(&g->rng, b->k)));
}

struct vir0_expr *pg_any_index(struct pg_gen *g, const struct pg_buffer *b)
{
	uint32_t roll = pg_below(&g->rng, 100);
	if (roll < 25)
		return u32_lit(g, pg_below(&g->rng, b->len + 2));
	if (roll < 50)
		return vir0_binop(g->p, VIR0_BIN_MOD, pg_expr(g, VIR0_TYPE_U32, 2, 0),
				  u32_lit(g, b->len + 1));
	if (roll < 70 && b->role == PG_WG_SLOTS)
		return pg_neighbour_index(g, b);
	if (roll < 70)
		return vir0_binop(g->p, VIR0_BIN_ADD, vir0_var(g->p, g->global_id),
				  u32_lit(g, pg_below(&g->rng, 3)));
	if (roll < 85)
		return pg_oob_index(g, b, 0);
	return pg_expr(g, VIR0_TYPE_U32, 2, 0);
}

/* ---- loads and atomics ---------------------------------------------------- */

static uint8_t load_type(const struct pg_buffer *b)
{
	return vir0_element_load_type(b->element);
}

static int own_elements_writable(const struct pg_gen *g, const struct pg_buffer *b)
{
	return b->role == PG_OWNED || (b->role == PG_WG_SLOTS && g->phase == PG_WRITE);
}

/* A load from `b` that races with nothing now, or NULL when `b` takes none. */
static struct vir0_expr *load_from(struct pg_gen *g, const struct pg_buffer *b)
{
	struct vir0_expr *index;
	g->index_nesting++;
	switch (b->role) {
	case PG_INPUT:
		index = pg_any_index(g, b);
		break;
	case PG_OWNED:
		index = pg_chance(&g->rng, 80) ? pg_own_index(g, b) : pg_oob_index(g, b, 0);
		break;
	case PG_WG_SLOTS:
		if (g->phase == PG_READ)
			index = pg_any_index(g, b);
		else
			index = pg_chance(&g->rng, 80) ? pg_own_index(g, b) : pg_oob_index(g, b, 0);
		break;
	case PG_WG_ACCUM:
		index = g->phase == PG_READ ? pg_any_index(g, b) : pg_oob_index(g, b, 0);
		break;
	default:
		index = NULL;   /* accum: only its commutative atomics touch it */
		break;
	}
	g->index_nesting--;
	return index ? vir0_load(g->p, b->name, index) : NULL;
}

struct vir0_expr *pg_private_atomic(struct pg_gen *g, const struct pg_buffer *b)
{
	uint8_t type = load_type(b);
	uint8_t op = (uint8_t)(VIR0_ATOMIC_ADD + pg_below(&g->rng, VIR0_ATOMIC_COMPARE_EXCHANGE));
	int own = own_elements_writable(g, b) && pg_chance(&g->rng, 85);
	uint32_t slot = pg_below(&g->rng, b->k ? b->k : 1);
	g->index_nesting++;
	struct vir0_expr *index = own ? own_index_at(g, b, slot) : pg_oob_index(g, b, 0);
	g->index_nesting--;
	struct vir0_expr *expected = NULL;
	if (op == VIR0_ATOMIC_COMPARE_EXCHANGE) {
		/* Expecting the current value makes the exchange succeed. */
		expected = own && pg_chance(&g->rng, 50)
			? vir0_load(g->p, b->name, own_index_at(g, b, slot))
			: pg_expr(g, type, 1, 0);
	}
	struct vir0_expr *e = vir0_atomic(g->p, op, b->name, index, expected,
					  pg_expr(g, type, 1, 0));
	if (e)
		e->ordering = (uint8_t)pg_below(&g->rng, 5);
	return e;
}

/* ---- leaves --------------------------------------------------------------- */

static struct vir0_expr *random_var(struct pg_gen *g, uint8_t type, int uniform)
{
	uint32_t seen = 0;
	const struct pg_var *pick = NULL;
	for (uint32_t i = 0; i < g->nvars; i++) {
		const struct pg_var *v = &g->vars[i];
		if (v->type == type && (!uniform || v->uniform) && pg_below(&g->rng, ++seen) == 0)
			pick = v;
	}
	return pick ? vir0_var(g->p, pick->name) : NULL;
}

static struct vir0_expr *random_load(struct pg_gen *g, uint8_t type)
{
	uint32_t seen = 0;
	const struct pg_buffer *pick = NULL;
	for (uint32_t i = 0; i < g->nbuffers; i++) {
		const struct pg_buffer *b = &g->buffers[i];
		if (load_type(b) == type && b->role != PG_ACCUM && pg_below(&g->rng, ++seen) == 0)
			pick = b;
	}
	return pick ? load_from(g, pick) : NULL;
}

static struct vir0_expr *random_atomic(struct pg_gen *g, uint8_t type)
{
	uint32_t seen = 0;
	const struct pg_buffer *pick = NULL;
	for (uint32_t i = 0; i < g->nbuffers; i++) {
		const struct pg_buffer *b = &g->buffers[i];
		if (b->role != PG_INPUT && load_type(b) == type &&
		    (b->element == VIR0_TYPE_U32 || b->element == VIR0_TYPE_I32) &&
		    pg_below(&g->rng, ++seen) == 0)
			pick = b;
	}
	return pick ? pg_private_atomic(g, pick) : NULL;
}

static struct vir0_expr *id_leaf(struct pg_gen *g, int uniform)
{
	unsigned axis = pg_below(&g->rng, 3);
	switch (uniform ? 1 + 2 * pg_below(&g->rng, 2) : pg_below(&g->rng, 4)) {
	case 0:
		return vir0_invocation_id(g->p, axis);
	case 1:
		return vir0_workgroup_id(g->p, axis);
	case 2:
		return vir0_local_id(g->p, axis);
	default:
		return vir0_buf_len(g->p, g->buffers[pg_below(&g->rng, g->nbuffers)].name);
	}
}

static struct vir0_expr *leaf(struct pg_gen *g, uint8_t type, int uniform)
{
	struct vir0_expr *e = NULL;
	uint32_t roll = pg_below(&g->rng, 100);
	/* Indices may hold loads, whose indices may hold loads: two levels. */
	int memory = !uniform && g->index_nesting < 2;
	if (roll < 30)
		e = random_var(g, type, uniform);
	else if (roll < 55 && memory)
		e = random_load(g, type);
	else if (roll < 70 && type == VIR0_TYPE_U32)
		e = id_leaf(g, uniform);
	else if (roll < 75 && memory)
		e = random_atomic(g, type);
	return e ? e : random_literal(g, type);
}

/* ---- operators ------------------------------------------------------------ */

/* V23 rejects a literal zero divisor (or a cast of one); a divisor that is
 * zero only at run time is what the generator wants to test, so hide it. */
static int statically_zero(const struct vir0_expr *e)
{
	while (e->kind == VIR0_EXPR_CAST)
		e = e->arg[0];
	return (e->kind == VIR0_EXPR_LIT_U32 || e->kind == VIR0_EXPR_LIT_I32 ||
		e->kind == VIR0_EXPR_LIT_F32) && e->bits == 0;
}

static const uint32_t shift_counts[] = { 0, 1, 7, 31, 32, 33, 63, 64, 0xFFFFFFFF };

static struct vir0_expr *binop_expr(struct pg_gen *g, uint8_t type, int depth, int uniform)
{
	uint32_t seen = 0;
	uint8_t op = 0, operand = 0;
	for (uint8_t o = 1; o <= VIR0_BIN_LAST; o++)
		for (int t = 0; t < 4; t++)
			if (vir0_binop_result_type(o, value_types[t]) == type &&
			    pg_below(&g->rng, ++seen) == 0) {
				op = o;
				operand = value_types[t];
			}
	if (!op)
		return NULL;
	struct vir0_expr *left, *right;
	int divides = op == VIR0_BIN_DIV || op == VIR0_BIN_MOD;
	if (divides && operand == VIR0_TYPE_I32 && !uniform && pg_chance(&g->rng, 15)) {
		left = pg_chance(&g->rng, 50) ? vir0_lit_i32(g->p, INT32_MIN)
			: pg_expr(g, operand, depth - 1, uniform);
		right = vir0_lit_i32(g->p, -1);
	} else {
		left = pg_expr(g, operand, depth - 1, uniform);
		int shifts = op == VIR0_BIN_SHL || op == VIR0_BIN_SHR ||
			op == VIR0_BIN_ROTATE_LEFT || op == VIR0_BIN_ROTATE_RIGHT;
		if (shifts && pg_chance(&g->rng, 50))
			right = u32_lit(g, shift_counts[pg_below(&g->rng,
				sizeof(shift_counts) / sizeof(shift_counts[0]))]);
		else
			right = pg_expr(g, operand, depth - 1, uniform);
	}
	if (divides && right && statically_zero(right))
		right = vir0_binop(g->p, VIR0_BIN_ADD, right, pg_literal(g, operand, 0));
	return vir0_binop(g->p, op, left, right);
}

static struct vir0_expr *unop_expr(struct pg_gen *g, uint8_t type, int depth, int uniform)
{
	uint32_t seen = 0;
	uint8_t op = 0, operand = 0;
	for (uint8_t o = 1; o <= VIR0_UN_LAST; o++)
		for (int t = 0; t < 4; t++)
			if (vir0_unop_result_type(o, value_types[t]) == type &&
			    pg_below(&g->rng, ++seen) == 0) {
				op = o;
				operand = value_types[t];
			}
	if (!op)
		return NULL;
	return vir0_unop(g->p, op, pg_expr(g, operand, depth - 1, uniform));
}

static struct vir0_expr *condition(struct pg_gen *g, int depth, int uniform)
{
	return pg_expr(g, pg_chance(&g->rng, 70) ? VIR0_TYPE_BOOL : VIR0_TYPE_U32, depth, uniform);
}

struct vir0_expr *pg_expr(struct pg_gen *g, uint8_t type, int depth, int uniform)
{
	struct vir0_expr *e = NULL;
	if (depth > 0 && !pg_chance(&g->rng, 25)) {
		uint32_t roll = pg_below(&g->rng, 100);
		if (roll < 45)
			e = binop_expr(g, type, depth, uniform);
		else if (roll < 63)
			e = unop_expr(g, type, depth, uniform);
		else if (roll < 78)
			e = vir0_cast(g->p, (enum vir0_type_kind)type,
				      pg_expr(g, random_value_type(g), depth - 1, uniform));
		else if (roll < 90)
			e = vir0_select(g->p, condition(g, depth - 1, uniform),
					pg_expr(g, type, depth - 1, uniform),
					pg_expr(g, type, depth - 1, uniform));
		else if (type == VIR0_TYPE_F32)
			e = vir0_fma(g->p, pg_expr(g, type, depth - 1, uniform),
				     pg_expr(g, type, depth - 1, uniform),
				     pg_expr(g, type, depth - 1, uniform));
	}
	return e ? e : leaf(g, type, uniform);
}
