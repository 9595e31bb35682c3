/* progen_coverage.c - counts the constructs generated cases contain, by a
 * walk of each program that types its expressions as fmt §8.4 says, and
 * lists the required ones (fmt §0.2, §6) that never appeared. */
#include "progen_coverage.h"

#include "names.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { T_U32 = 1, T_I32 = 2, T_F32 = 4, T_BOOL = 8 };

/* fmt §6.1 and §6.2: each core operator with the operand types it takes. */
static const struct { uint8_t op, types; } core_binops[] = {
	{ VIR0_BIN_ADD, T_U32 | T_I32 | T_F32 }, { VIR0_BIN_SUB, T_U32 | T_I32 | T_F32 },
	{ VIR0_BIN_MUL, T_U32 | T_I32 | T_F32 }, { VIR0_BIN_DIV, T_U32 | T_I32 | T_F32 },
	{ VIR0_BIN_MOD, T_U32 | T_I32 }, { VIR0_BIN_BIT_AND, T_U32 | T_I32 },
	{ VIR0_BIN_BIT_OR, T_U32 | T_I32 }, { VIR0_BIN_BIT_XOR, T_U32 | T_I32 },
	{ VIR0_BIN_SHL, T_U32 }, { VIR0_BIN_SHR, T_U32 },
	{ VIR0_BIN_EQ, T_U32 | T_I32 | T_F32 | T_BOOL },
	{ VIR0_BIN_NE, T_U32 | T_I32 | T_F32 | T_BOOL },
	{ VIR0_BIN_LT, T_U32 | T_I32 | T_F32 }, { VIR0_BIN_GT, T_U32 | T_I32 | T_F32 },
	{ VIR0_BIN_LE, T_U32 | T_I32 | T_F32 }, { VIR0_BIN_GE, T_U32 | T_I32 | T_F32 },
	{ VIR0_BIN_AND, T_BOOL | T_U32 }, { VIR0_BIN_OR, T_BOOL | T_U32 },
	{ VIR0_BIN_ABS_DIFF, T_U32 }, { VIR0_BIN_MIN, T_U32 | T_I32 | T_F32 },
	{ VIR0_BIN_MAX, T_U32 | T_I32 | T_F32 }, { VIR0_BIN_SATURATING_ADD, T_U32 },
	{ VIR0_BIN_SATURATING_SUB, T_U32 }, { VIR0_BIN_SATURATING_MUL, T_U32 },
	{ VIR0_BIN_ROTATE_LEFT, T_U32 }, { VIR0_BIN_ROTATE_RIGHT, T_U32 },
	{ VIR0_BIN_WRAPPING_ADD, T_U32 | T_I32 }, { VIR0_BIN_WRAPPING_SUB, T_U32 | T_I32 },
	{ VIR0_BIN_MUL_HIGH, T_U32 },
};

static const struct { uint8_t op, types; } core_unops[] = {
	{ VIR0_UN_NEGATE, T_U32 | T_I32 | T_F32 }, { VIR0_UN_BIT_NOT, T_U32 | T_I32 },
	{ VIR0_UN_LOGICAL_NOT, T_BOOL | T_U32 }, { VIR0_UN_POPCOUNT, T_U32 | T_I32 },
	{ VIR0_UN_CLZ, T_U32 | T_I32 }, { VIR0_UN_CTZ, T_U32 | T_I32 },
	{ VIR0_UN_REVERSE_BITS, T_U32 | T_I32 }, { VIR0_UN_ABS, T_F32 },
	{ VIR0_UN_SQRT, T_F32 }, { VIR0_UN_FLOOR, T_F32 }, { VIR0_UN_CEIL, T_F32 },
	{ VIR0_UN_ROUND, T_F32 }, { VIR0_UN_TRUNC, T_F32 }, { VIR0_UN_SIGN, T_F32 },
	{ VIR0_UN_IS_NAN, T_F32 }, { VIR0_UN_IS_INF, T_F32 }, { VIR0_UN_IS_FINITE, T_F32 },
};

static const uint8_t core_nodes[] = {
	VIR0_NODE_LET, VIR0_NODE_ASSIGN, VIR0_NODE_STORE, VIR0_NODE_IF, VIR0_NODE_LOOP,
	VIR0_NODE_RETURN, VIR0_NODE_BLOCK, VIR0_NODE_BARRIER, VIR0_NODE_REGION,
};

static const uint8_t core_exprs[] = {
	VIR0_EXPR_LIT_U32, VIR0_EXPR_LIT_I32, VIR0_EXPR_LIT_BOOL, VIR0_EXPR_VAR,
	VIR0_EXPR_LOAD, VIR0_EXPR_BUF_LEN, VIR0_EXPR_INVOCATION_ID, VIR0_EXPR_WORKGROUP_ID,
	VIR0_EXPR_LOCAL_ID, VIR0_EXPR_BINOP, VIR0_EXPR_UNOP, VIR0_EXPR_SELECT,
	VIR0_EXPR_CAST, VIR0_EXPR_ATOMIC, VIR0_EXPR_LIT_F32, VIR0_EXPR_FMA,
};

static const uint8_t core_elements[] = {
	VIR0_TYPE_U8, VIR0_TYPE_U16, VIR0_TYPE_U32, VIR0_TYPE_I8, VIR0_TYPE_I16,
	VIR0_TYPE_I32, VIR0_TYPE_F32, VIR0_TYPE_BOOL, VIR0_TYPE_BYTES,
};

static const uint8_t value_types[4] = { VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32,
					VIR0_TYPE_BOOL };

static const char *const feature_names[COV_FEATURES] = {
	"buffer-sized-by-binding", "empty-binding", "output-buffer",
	"read-write-not-output", "workgroup-2d", "workgroup-3d", "grid-2d", "grid-3d",
	"loop-u32", "loop-i32", "loop-empty", "loop-nested", "if-else",
	"if-nested", "return-nested", "barrier-in-loop", "barrier-in-if",
	"region-with-source", "shift-32-or-more", "int-min-div-minus-one",
	"div-by-non-literal", "compare-exchange-own-value", "f32-literal-inf",
	"f32-literal-nan", "f32-negative-zero-expr", "data-nan-payload",
	"data-subnormal", "data-negative-zero", "data-inf", "data-int-min",
};

void coverage_init(struct coverage *cov)
{
	memset(cov, 0, sizeof(*cov));
}

/* ---- the walk ------------------------------------------------------------ */

enum { MAX_LOCALS = 1024 };

struct walk {
	struct coverage *cov;
	const vir0_program *p;
	const char *names[MAX_LOCALS];
	uint8_t types[MAX_LOCALS];
	uint32_t nlocals, loops, ifs, lists;
};

static int type_index(uint8_t type)
{
	for (int i = 0; i < 4; i++)
		if (value_types[i] == type)
			return i;
	return -1;
}

/* fmt §1.5 */
static uint8_t load_type(uint8_t element)
{
	switch (element) {
	case VIR0_TYPE_I8: case VIR0_TYPE_I16: case VIR0_TYPE_I32:
		return VIR0_TYPE_I32;
	case VIR0_TYPE_F32: case VIR0_TYPE_BOOL:
		return element;
	default:
		return VIR0_TYPE_U32;
	}
}

static const struct vir0_buffer *buffer_named(const struct walk *w, const char *name)
{
	for (uint32_t i = 0; i < w->p->nbuffers; i++)
		if (!strcmp(w->p->buffers[i].name, name))
			return &w->p->buffers[i];
	return NULL;
}

static uint8_t local_type(const struct walk *w, const char *name)
{
	for (uint32_t i = w->nlocals; i-- > 0;)
		if (!strcmp(w->names[i], name))
			return w->types[i];
	return 0;
}

static void bind(struct walk *w, const char *name, uint8_t type)
{
	if (w->nlocals < MAX_LOCALS) {
		w->names[w->nlocals] = name;
		w->types[w->nlocals++] = type;
	}
}

static int is_lit(const struct vir0_expr *e, uint8_t kind, uint32_t bits)
{
	return e->kind == kind && e->bits == bits;
}

static int is_literal(const struct vir0_expr *e)
{
	return e->kind == VIR0_EXPR_LIT_U32 || e->kind == VIR0_EXPR_LIT_I32 ||
		e->kind == VIR0_EXPR_LIT_F32 || e->kind == VIR0_EXPR_LIT_BOOL;
}

static uint8_t walk_expr(struct walk *w, const struct vir0_expr *e);

static uint8_t walk_binop(struct walk *w, const struct vir0_expr *e)
{
	uint8_t type = walk_expr(w, e->arg[0]);
	walk_expr(w, e->arg[1]);
	int t = type_index(type);
	if (t >= 0 && e->op < 64)
		w->cov->binop[e->op][t]++;
	const struct vir0_expr *right = e->arg[1];
	int shifts = e->op == VIR0_BIN_SHL || e->op == VIR0_BIN_SHR ||
		e->op == VIR0_BIN_ROTATE_LEFT || e->op == VIR0_BIN_ROTATE_RIGHT;
	if (shifts && right->kind == VIR0_EXPR_LIT_U32 && right->bits >= 32)
		w->cov->feature[COV_SHIFT_32_OR_MORE]++;
	if (e->op == VIR0_BIN_DIV || e->op == VIR0_BIN_MOD) {
		if (!is_literal(right))
			w->cov->feature[COV_DIV_BY_NON_LITERAL]++;
		if (is_lit(e->arg[0], VIR0_EXPR_LIT_I32, 0x80000000u) &&
		    is_lit(right, VIR0_EXPR_LIT_I32, 0xFFFFFFFFu))
			w->cov->feature[COV_INT_MIN_DIV_MINUS_ONE]++;
	}
	if ((e->op >= VIR0_BIN_EQ && e->op <= VIR0_BIN_GE) || e->op == VIR0_BIN_AND ||
	    e->op == VIR0_BIN_OR)
		return VIR0_TYPE_BOOL;
	return type;
}

static uint8_t walk_unop(struct walk *w, const struct vir0_expr *e)
{
	uint8_t type = walk_expr(w, e->arg[0]);
	int t = type_index(type);
	if (t >= 0 && e->op < 64)
		w->cov->unop[e->op][t]++;
	if (e->op == VIR0_UN_NEGATE && is_lit(e->arg[0], VIR0_EXPR_LIT_F32, 0))
		w->cov->feature[COV_F32_NEGATIVE_ZERO_EXPR]++;
	if (e->op == VIR0_UN_LOGICAL_NOT || e->op == VIR0_UN_IS_NAN ||
	    e->op == VIR0_UN_IS_INF || e->op == VIR0_UN_IS_FINITE)
		return VIR0_TYPE_BOOL;
	return type;
}

static uint8_t walk_atomic(struct walk *w, const struct vir0_expr *e)
{
	const struct vir0_buffer *b = buffer_named(w, e->name);
	uint8_t element = b ? b->element.kind : 0;
	if (e->op < 16 && (element == VIR0_TYPE_U32 || element == VIR0_TYPE_I32))
		w->cov->atomic[e->op][element == VIR0_TYPE_I32]++;
	if (e->ordering < 6)
		w->cov->ordering[e->ordering]++;
	walk_expr(w, e->arg[0]);
	if (e->arg[1]) {
		walk_expr(w, e->arg[1]);
		if (e->arg[1]->kind == VIR0_EXPR_LOAD && !strcmp(e->arg[1]->name, e->name))
			w->cov->feature[COV_COMPARE_EXCHANGE_OWN_VALUE]++;
	}
	walk_expr(w, e->arg[2]);
	return load_type(element);
}

static uint8_t walk_expr(struct walk *w, const struct vir0_expr *e)
{
	w->cov->expr[e->kind]++;
	switch (e->kind) {
	case VIR0_EXPR_LIT_U32: case VIR0_EXPR_BUF_LEN: case VIR0_EXPR_INVOCATION_ID:
	case VIR0_EXPR_WORKGROUP_ID: case VIR0_EXPR_LOCAL_ID:
		return VIR0_TYPE_U32;
	case VIR0_EXPR_LIT_I32:
		return VIR0_TYPE_I32;
	case VIR0_EXPR_LIT_BOOL:
		return VIR0_TYPE_BOOL;
	case VIR0_EXPR_LIT_F32:
		if ((e->bits & 0x7FFFFFFF) == 0x7F800000)
			w->cov->feature[COV_F32_LITERAL_INF]++;
		if (e->bits == 0x7FC00000)
			w->cov->feature[COV_F32_LITERAL_NAN]++;
		return VIR0_TYPE_F32;
	case VIR0_EXPR_VAR:
		return local_type(w, e->name);
	case VIR0_EXPR_LOAD: {
		const struct vir0_buffer *b = buffer_named(w, e->name);
		walk_expr(w, e->arg[0]);
		return b ? load_type(b->element.kind) : 0;
	}
	case VIR0_EXPR_BINOP:
		return walk_binop(w, e);
	case VIR0_EXPR_UNOP:
		return walk_unop(w, e);
	case VIR0_EXPR_CAST: {
		int from = type_index(walk_expr(w, e->arg[0])), to = type_index(e->type.kind);
		if (from >= 0 && to >= 0)
			w->cov->cast[from][to]++;
		return e->type.kind;
	}
	case VIR0_EXPR_SELECT: {
		walk_expr(w, e->arg[0]);
		uint8_t type = walk_expr(w, e->arg[1]);
		walk_expr(w, e->arg[2]);
		return type;
	}
	case VIR0_EXPR_FMA:
		for (int i = 0; i < 3; i++)
			walk_expr(w, e->arg[i]);
		return VIR0_TYPE_F32;
	case VIR0_EXPR_ATOMIC:
		return walk_atomic(w, e);
	default:
		return 0;
	}
}

static void walk_list(struct walk *w, const struct vir0_node_list *list, int scoped);

static int literal_loop_is_empty(const struct vir0_node *n)
{
	const struct vir0_expr *from = n->value[0], *to = n->value[1];
	if (from->kind == VIR0_EXPR_LIT_U32 && to->kind == VIR0_EXPR_LIT_U32)
		return from->bits >= to->bits;
	if (from->kind == VIR0_EXPR_LIT_I32 && to->kind == VIR0_EXPR_LIT_I32)
		return (int32_t)from->bits >= (int32_t)to->bits;
	return 0;
}

static void walk_loop(struct walk *w, const struct vir0_node *n)
{
	uint8_t type = walk_expr(w, n->value[0]);
	walk_expr(w, n->value[1]);
	w->cov->feature[type == VIR0_TYPE_I32 ? COV_LOOP_I32 : COV_LOOP_U32]++;
	if (literal_loop_is_empty(n))
		w->cov->feature[COV_LOOP_EMPTY]++;
	if (w->loops)
		w->cov->feature[COV_LOOP_NESTED]++;
	uint32_t mark = w->nlocals;
	bind(w, n->name, type);
	w->loops++;
	walk_list(w, &n->body, 1);
	w->loops--;
	w->nlocals = mark;
}

static void walk_node(struct walk *w, const struct vir0_node *n)
{
	struct coverage *cov = w->cov;
	cov->node[n->kind]++;
	switch (n->kind) {
	case VIR0_NODE_LET:
		bind(w, n->name, walk_expr(w, n->value[0]));
		break;
	case VIR0_NODE_ASSIGN:
		walk_expr(w, n->value[0]);
		break;
	case VIR0_NODE_STORE:
		walk_expr(w, n->value[0]);
		walk_expr(w, n->value[1]);
		break;
	case VIR0_NODE_IF:
		walk_expr(w, n->value[0]);
		if (n->otherwise.count)
			cov->feature[COV_IF_ELSE]++;
		if (w->ifs)
			cov->feature[COV_IF_NESTED]++;
		w->ifs++;
		walk_list(w, &n->body, 1);
		walk_list(w, &n->otherwise, 1);
		w->ifs--;
		break;
	case VIR0_NODE_LOOP:
		walk_loop(w, n);
		break;
	case VIR0_NODE_RETURN:
		if (w->lists > 1)
			cov->feature[COV_RETURN_NESTED]++;
		break;
	case VIR0_NODE_BLOCK:
		walk_list(w, &n->body, 1);
		break;
	case VIR0_NODE_REGION:
		if (n->name2)
			cov->feature[COV_REGION_WITH_SOURCE]++;
		walk_list(w, &n->body, 0);   /* Region opens no scope (V9) */
		break;
	case VIR0_NODE_BARRIER:
		if (n->ordering < 6)
			cov->ordering[n->ordering]++;
		if (w->loops)
			cov->feature[COV_BARRIER_IN_LOOP]++;
		if (w->ifs)
			cov->feature[COV_BARRIER_IN_IF]++;
		break;
	default:
		break;
	}
}

static void walk_list(struct walk *w, const struct vir0_node_list *list, int scoped)
{
	uint32_t mark = w->nlocals;
	w->lists++;
	for (uint32_t i = 0; i < list->count; i++)
		walk_node(w, list->items[i]);
	w->lists--;
	if (scoped)
		w->nlocals = mark;
}

/* ---- buffers, grid and initial contents --------------------------------- */

static uint32_t word_at(const uint8_t *bytes, size_t i)
{
	return (uint32_t)bytes[4 * i] | (uint32_t)bytes[4 * i + 1] << 8 |
		(uint32_t)bytes[4 * i + 2] << 16 | (uint32_t)bytes[4 * i + 3] << 24;
}

/* Edge values in the caller's contents that the dispatch keeps (fmt
 * §1.5: outputs are zero-filled, so only non-outputs count). */
static void count_contents(struct coverage *cov, const struct vir0_buffer *b,
			   const struct vir0_binding *binding)
{
	if (b->is_output || !binding->data)
		return;
	for (size_t i = 0; i < binding->size / 4; i++) {
		uint32_t bits = word_at(binding->data, i);
		uint32_t exponent = bits & 0x7F800000, mantissa = bits & 0x007FFFFF;
		if (b->element.kind == VIR0_TYPE_I32 && bits == 0x80000000u)
			cov->feature[COV_DATA_INT_MIN]++;
		if (b->element.kind != VIR0_TYPE_F32)
			continue;
		if (exponent == 0x7F800000 && mantissa && bits != 0x7FC00000)
			cov->feature[COV_DATA_NAN_PAYLOAD]++;
		if (exponent == 0x7F800000 && !mantissa)
			cov->feature[COV_DATA_INF]++;
		if (!exponent && mantissa)
			cov->feature[COV_DATA_SUBNORMAL]++;
		if (bits == 0x80000000u)
			cov->feature[COV_DATA_NEGATIVE_ZERO]++;
	}
}

void coverage_add_case(struct coverage *cov, const struct progen_case *c)
{
	const vir0_program *p = c->program;
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		const struct vir0_buffer *b = &p->buffers[i];
		if (b->element.kind < 32)
			cov->element[b->element.kind]++;
		if (b->access < 4)
			cov->access[b->access]++;
		if (!b->count)
			cov->feature[COV_BUFFER_SIZED_BY_BINDING]++;
		if (!b->count && b->access != VIR0_ACCESS_WORKGROUP && !c->bindings[i].size)
			cov->feature[COV_EMPTY_BINDING]++;
		if (b->is_output)
			cov->feature[COV_OUTPUT_BUFFER]++;
		if (b->access == VIR0_ACCESS_READ_WRITE && !b->is_output)
			cov->feature[COV_INPUT_READ_WRITE]++;
		count_contents(cov, b, &c->bindings[i]);
	}
	const uint32_t *wg = p->workgroup_size;
	if (wg[1] > 1)
		cov->feature[COV_WORKGROUP_2D]++;
	if (wg[2] > 1)
		cov->feature[COV_WORKGROUP_3D]++;
	if (c->groups[1] > 1)
		cov->feature[COV_GRID_2D]++;
	if (c->groups[2] > 1)
		cov->feature[COV_GRID_3D]++;
	struct walk w = { .cov = cov, .p = p };
	walk_list(&w, &p->body, 1);
}

/* ---- what is missing ----------------------------------------------------- */

struct missing {
	char *text;
	size_t size, used, count;
};

static void miss(struct missing *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void miss(struct missing *m, const char *fmt, ...)
{
	m->count++;
	if (m->used + 1 >= m->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(m->text + m->used, m->size - m->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->used += (size_t)n < m->size - m->used ? (size_t)n : m->size - m->used - 1;
}

static void missing_operators(const struct coverage *cov, struct missing *m)
{
	for (size_t i = 0; i < sizeof(core_binops) / sizeof(core_binops[0]); i++)
		for (int t = 0; t < 4; t++)
			if ((core_binops[i].types >> t & 1) && !cov->binop[core_binops[i].op][t])
				miss(m, "binop:%s/%s ", vir0_binop_name(core_binops[i].op),
				     vir0_type_kind_name(value_types[t]));
	for (size_t i = 0; i < sizeof(core_unops) / sizeof(core_unops[0]); i++)
		for (int t = 0; t < 4; t++)
			if ((core_unops[i].types >> t & 1) && !cov->unop[core_unops[i].op][t])
				miss(m, "unop:%s/%s ", vir0_unop_name(core_unops[i].op),
				     vir0_type_kind_name(value_types[t]));
	for (int from = 0; from < 4; from++)
		for (int to = 0; to < 4; to++)
			if (!cov->cast[from][to])
				miss(m, "cast:%s->%s ", vir0_type_kind_name(value_types[from]),
				     vir0_type_kind_name(value_types[to]));
	for (uint8_t op = VIR0_ATOMIC_ADD; op <= VIR0_ATOMIC_COMPARE_EXCHANGE; op++)
		for (int i32 = 0; i32 < 2; i32++)
			if (!cov->atomic[op][i32])
				miss(m, "atomic:%s/%s ", vir0_atomic_op_name(op), i32 ? "i32" : "u32");
}

size_t coverage_missing(const struct coverage *cov, char *text, size_t size)
{
	struct missing m = { .text = text, .size = size };
	if (size)
		text[0] = '\0';
	for (size_t i = 0; i < sizeof(core_nodes); i++)
		if (!cov->node[core_nodes[i]])
			miss(&m, "node:%s ", vir0_node_kind_name(core_nodes[i]));
	for (size_t i = 0; i < sizeof(core_exprs); i++)
		if (!cov->expr[core_exprs[i]])
			miss(&m, "expr:%s ", vir0_expr_kind_name(core_exprs[i]));
	missing_operators(cov, &m);
	for (size_t i = 0; i < sizeof(core_elements); i++)
		if (!cov->element[core_elements[i]])
			miss(&m, "element:%s ", vir0_type_kind_name(core_elements[i]));
	for (uint8_t a = 0; a < 4; a++)
		if (!cov->access[a])
			miss(&m, "access:%s ", vir0_access_name(a));
	for (uint8_t o = 0; o <= VIR0_ORDER_SEQ_CST; o++)
		if (!cov->ordering[o])
			miss(&m, "ordering:%s ", vir0_ordering_name(o));
	for (int f = 0; f < COV_FEATURES; f++)
		if (!cov->feature[f])
			miss(&m, "%s ", feature_names[f]);
	return m.count;
}
