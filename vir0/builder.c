/* builder.c - constructors for expressions and statements, so C code can
 * build programs without writing bytes. NULL in, NULL out: a failed
 * allocation deep in a nested call surfaces at vir0_append. */
#include "vir0.h"

#include "arena.h"
#include "names.h"

#include <string.h>

static struct vir0_expr *expr_new(vir0_program *p, enum vir0_expr_kind kind)
{
	if (!p)
		return NULL;
	struct vir0_expr *e = vir0_arena_alloc(p->arena, sizeof(*e));
	if (e)
		e->kind = (uint8_t)kind;
	return e;
}

static const char *name_copy(vir0_program *p, const char *name)
{
	return name ? vir0_arena_strndup(p->arena, name, strlen(name)) : NULL;
}

static struct vir0_expr *lit(vir0_program *p, enum vir0_expr_kind kind, uint32_t bits)
{
	struct vir0_expr *e = expr_new(p, kind);
	if (e)
		e->bits = bits;
	return e;
}

struct vir0_expr *vir0_lit_u32(vir0_program *p, uint32_t value)
{
	return lit(p, VIR0_EXPR_LIT_U32, value);
}

struct vir0_expr *vir0_lit_i32(vir0_program *p, int32_t value)
{
	return lit(p, VIR0_EXPR_LIT_I32, (uint32_t)value);
}

struct vir0_expr *vir0_lit_f32(vir0_program *p, float value)
{
	uint32_t bits;
	memcpy(&bits, &value, sizeof(bits));
	return lit(p, VIR0_EXPR_LIT_F32, bits);
}

struct vir0_expr *vir0_lit_bool(vir0_program *p, int value)
{
	return lit(p, VIR0_EXPR_LIT_BOOL, value ? 1 : 0);
}

static struct vir0_expr *named(vir0_program *p, enum vir0_expr_kind kind,
			       const char *name, struct vir0_expr *arg0)
{
	struct vir0_expr *e = expr_new(p, kind);
	if (!e || !(e->name = name_copy(p, name)))
		return NULL;
	e->arg[0] = arg0;
	return e;
}

struct vir0_expr *vir0_var(vir0_program *p, const char *name)
{
	return named(p, VIR0_EXPR_VAR, name, NULL);
}

struct vir0_expr *vir0_load(vir0_program *p, const char *buffer, struct vir0_expr *index)
{
	return index ? named(p, VIR0_EXPR_LOAD, buffer, index) : NULL;
}

struct vir0_expr *vir0_buf_len(vir0_program *p, const char *buffer)
{
	return named(p, VIR0_EXPR_BUF_LEN, buffer, NULL);
}

static struct vir0_expr *id_expr(vir0_program *p, enum vir0_expr_kind kind, unsigned axis)
{
	struct vir0_expr *e = expr_new(p, kind);
	if (e)
		e->axis = (uint8_t)(axis > 255 ? 255 : axis);
	return e;
}

struct vir0_expr *vir0_invocation_id(vir0_program *p, unsigned axis)
{
	return id_expr(p, VIR0_EXPR_INVOCATION_ID, axis);
}

struct vir0_expr *vir0_workgroup_id(vir0_program *p, unsigned axis)
{
	return id_expr(p, VIR0_EXPR_WORKGROUP_ID, axis);
}

struct vir0_expr *vir0_local_id(vir0_program *p, unsigned axis)
{
	return id_expr(p, VIR0_EXPR_LOCAL_ID, axis);
}

static struct vir0_expr *with_args(vir0_program *p, enum vir0_expr_kind kind, uint8_t op,
				   struct vir0_expr *a, struct vir0_expr *b,
				   struct vir0_expr *c, unsigned nargs)
{
	struct vir0_expr *args[3] = { a, b, c };
	for (unsigned i = 0; i < nargs; i++)
		if (!args[i])
			return NULL;
	struct vir0_expr *e = expr_new(p, kind);
	if (!e)
		return NULL;
	e->op = op;
	memcpy(e->arg, args, sizeof(args));
	return e;
}

struct vir0_expr *vir0_binop(vir0_program *p, enum vir0_binop op,
			     struct vir0_expr *left, struct vir0_expr *right)
{
	return with_args(p, VIR0_EXPR_BINOP, (uint8_t)op, left, right, NULL, 2);
}

struct vir0_expr *vir0_unop(vir0_program *p, enum vir0_unop op, struct vir0_expr *operand)
{
	return with_args(p, VIR0_EXPR_UNOP, (uint8_t)op, operand, NULL, NULL, 1);
}

struct vir0_expr *vir0_select(vir0_program *p, struct vir0_expr *cond,
			      struct vir0_expr *if_true, struct vir0_expr *if_false)
{
	return with_args(p, VIR0_EXPR_SELECT, 0, cond, if_true, if_false, 3);
}

struct vir0_expr *vir0_cast(vir0_program *p, enum vir0_type_kind target, struct vir0_expr *value)
{
	struct vir0_expr *e = with_args(p, VIR0_EXPR_CAST, 0, value, NULL, NULL, 1);
	if (e)
		e->type.kind = (uint8_t)target;
	return e;
}

struct vir0_expr *vir0_fma(vir0_program *p, struct vir0_expr *a, struct vir0_expr *b,
			   struct vir0_expr *c)
{
	return with_args(p, VIR0_EXPR_FMA, 0, a, b, c, 3);
}

struct vir0_expr *vir0_atomic(vir0_program *p, enum vir0_atomic_op op, const char *buffer,
			      struct vir0_expr *index, struct vir0_expr *expected,
			      struct vir0_expr *value)
{
	if (!index || !value)
		return NULL;
	struct vir0_expr *e = named(p, VIR0_EXPR_ATOMIC, buffer, index);
	if (!e)
		return NULL;
	e->op = (uint8_t)op;
	e->ordering = VIR0_ORDER_SEQ_CST;
	e->arg[1] = expected;
	e->arg[2] = value;
	return e;
}

static struct vir0_node *node_new(vir0_program *p, enum vir0_node_kind kind, const char *name)
{
	if (!p)
		return NULL;
	struct vir0_node *n = vir0_arena_alloc(p->arena, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = (uint8_t)kind;
	if (name && !(n->name = name_copy(p, name)))
		return NULL;
	return n;
}

static struct vir0_node *node_with(vir0_program *p, enum vir0_node_kind kind, const char *name,
				   struct vir0_expr *v0, struct vir0_expr *v1, unsigned nvalues)
{
	if (!v0 || (nvalues > 1 && !v1))
		return NULL;
	struct vir0_node *n = node_new(p, kind, name);
	if (n) {
		n->value[0] = v0;
		n->value[1] = v1;
	}
	return n;
}

struct vir0_node *vir0_let(vir0_program *p, const char *name, struct vir0_expr *value)
{
	return name ? node_with(p, VIR0_NODE_LET, name, value, NULL, 1) : NULL;
}

struct vir0_node *vir0_assign(vir0_program *p, const char *name, struct vir0_expr *value)
{
	return name ? node_with(p, VIR0_NODE_ASSIGN, name, value, NULL, 1) : NULL;
}

struct vir0_node *vir0_store(vir0_program *p, const char *buffer, struct vir0_expr *index,
			     struct vir0_expr *value)
{
	return buffer ? node_with(p, VIR0_NODE_STORE, buffer, index, value, 2) : NULL;
}

struct vir0_node *vir0_if(vir0_program *p, struct vir0_expr *cond)
{
	return node_with(p, VIR0_NODE_IF, NULL, cond, NULL, 1);
}

struct vir0_node *vir0_loop(vir0_program *p, const char *name, struct vir0_expr *from,
			    struct vir0_expr *to)
{
	return name ? node_with(p, VIR0_NODE_LOOP, name, from, to, 2) : NULL;
}

struct vir0_node *vir0_block(vir0_program *p)
{
	return node_new(p, VIR0_NODE_BLOCK, NULL);
}

/* Barriers and atomics get SeqCst, vyre's default ordering (fmt §6.4);
 * Relaxed is not a valid barrier. */
struct vir0_node *vir0_barrier(vir0_program *p)
{
	struct vir0_node *n = node_new(p, VIR0_NODE_BARRIER, NULL);
	if (n)
		n->ordering = VIR0_ORDER_SEQ_CST;
	return n;
}

struct vir0_node *vir0_return(vir0_program *p)
{
	return node_new(p, VIR0_NODE_RETURN, NULL);
}
