/* test_text_coverage.c - a program built in C that holds every node kind,
 * every expression kind, every operator, every ordering and every data type
 * with its payload; its text form must assemble back to an equal program
 * and survive the wire round trip too. */
#include "vir0.h"

#include "arena.h"
#include "names.h"
#include "text_round_trip.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vir0_program *p;

static void *alloc(size_t size)
{
	void *memory = vir0_arena_alloc(p->arena, size);
	ck_assert_ptr_nonnull(memory);
	return memory;
}

static struct vir0_expr *expr(uint8_t kind)
{
	struct vir0_expr *e = alloc(sizeof(*e));
	e->kind = kind;
	return e;
}

static struct vir0_expr *u32(uint32_t value)
{
	return vir0_lit_u32(p, value);
}

static struct vir0_node *node(uint8_t kind)
{
	struct vir0_node *n = alloc(sizeof(*n));
	n->kind = kind;
	return n;
}

static void add(struct vir0_node_list *list, struct vir0_node *n)
{
	ck_assert_int_eq(vir0_append(p, list, n), VIR0_OK);
}

static void let(struct vir0_expr *value)
{
	static unsigned counter;
	char name[16];
	snprintf(name, sizeof(name), "v%u", counter++);
	add(&p->body, vir0_let(p, name, value));
}

static struct vir0_type *type_of(uint8_t kind)
{
	struct vir0_type *t = alloc(sizeof(*t));
	t->kind = kind;
	return t;
}

/* Every DataType of fmt §3, payloads included, as buffer elements. */
static void add_every_type(void)
{
	static const uint32_t dims[] = { 2, 3, 4 };
	struct vir0_type types[40];
	unsigned n = 0;
	for (unsigned kind = 0; kind < 0x80; kind++)
		if (vir0_type_kind_name((uint8_t)kind))
			types[n++] = (struct vir0_type){ .kind = (uint8_t)kind };
	for (unsigned i = 0; i < n; i++) {
		struct vir0_type *t = &types[i];
		switch (t->kind) {
		case VIR0_TYPE_ARRAY: t->arg0 = 12; break;
		case VIR0_TYPE_HANDLE: t->arg0 = 0xdeadbeef; break;
		case VIR0_TYPE_VEC:
			t->element = type_of(VIR0_TYPE_F32);
			t->vec_count = 255;
			break;
		case VIR0_TYPE_TENSOR_SHAPED:
			t->element = type_of(VIR0_TYPE_VEC);
			((struct vir0_type *)t->element)->element = type_of(VIR0_TYPE_I8);
			((struct vir0_type *)t->element)->vec_count = 2;
			t->dims = dims;
			t->ndims = 3;
			break;
		case VIR0_TYPE_SPARSE_CSR: case VIR0_TYPE_SPARSE_COO:
			t->element = type_of(VIR0_TYPE_BF16);
			break;
		case VIR0_TYPE_SPARSE_BSR:
			t->element = type_of(VIR0_TYPE_F16);
			t->arg0 = 8;
			t->arg1 = 4;
			break;
		case VIR0_TYPE_DEVICE_MESH: t->dims = dims; t->ndims = 2; break;
		case VIR0_TYPE_QUANTIZED:
			t->element = type_of(VIR0_TYPE_I4);
			t->scale_kind = VIR0_SCALE_PER_GROUP;
			t->arg0 = 128;
			t->zero_kind = VIR0_ZERO_PER_CHANNEL;
			t->arg1 = 1;
			break;
		}
	}
	types[n++] = (struct vir0_type){ .kind = VIR0_TYPE_OPAQUE, .arg0 = 0x80000009 };
	types[n++] = (struct vir0_type){ .kind = VIR0_TYPE_TENSOR_SHAPED,
					 .element = type_of(VIR0_TYPE_U8) };
	types[n++] = (struct vir0_type){ .kind = VIR0_TYPE_QUANTIZED,
					 .element = type_of(VIR0_TYPE_U16),
					 .scale_kind = VIR0_SCALE_PER_TENSOR,
					 .zero_kind = VIR0_ZERO_PER_TENSOR };
	for (unsigned i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "b%u", i);
		ck_assert_int_eq(vir0_add_buffer(p, name, (enum vir0_access)(i % 4),
						 VIR0_TYPE_U32, i + 1, i % 4 == 1), VIR0_OK);
		p->buffers[i].element = types[i];
		/* bindings other than the declaration index print explicitly */
		p->buffers[i].binding = i % 3 ? i : 1000 + i;
		/* a Cast to every type too */
		struct vir0_expr *cast = expr(VIR0_EXPR_CAST);
		cast->type = types[i];
		cast->arg[0] = u32(i);
		let(cast);
	}
}

static void add_every_operator(void)
{
	for (unsigned op = 1; op <= VIR0_BIN_LAST; op++)
		let(vir0_binop(p, (enum vir0_binop)op, u32(op), vir0_var(p, "v0")));
	for (unsigned op = 1; op <= VIR0_UN_LAST; op++)
		let(vir0_unop(p, (enum vir0_unop)op, u32(op)));
	/* nested infix operators of every precedence pair, both sides */
	for (unsigned outer = 1; outer <= VIR0_BIN_AND + 1; outer++) {
		unsigned inner = VIR0_BIN_ADD + (outer * 7) % (VIR0_BIN_OR);
		struct vir0_expr *left = vir0_binop(p, (enum vir0_binop)inner, u32(1), u32(2));
		struct vir0_expr *right = vir0_binop(p, (enum vir0_binop)outer, u32(3), u32(4));
		let(vir0_binop(p, (enum vir0_binop)outer, left, right));
		let(vir0_binop(p, (enum vir0_binop)inner, right, left));
		let(vir0_unop(p, VIR0_UN_BIT_NOT, left));
	}
	for (unsigned op = 1; op <= VIR0_ATOMIC_LAST; op++) {
		for (unsigned ordering = 0; ordering <= VIR0_ORDER_LAST; ordering++) {
			struct vir0_expr *e = vir0_atomic(p, (enum vir0_atomic_op)op, "b1", u32(0),
							  ordering % 2 ? u32(7) : NULL, u32(op));
			e->ordering = (uint8_t)ordering;
			let(e);
		}
	}
	struct vir0_expr *opaque_binop = vir0_binop(p, VIR0_BIN_ADD, u32(1), u32(2));
	opaque_binop->op = VIR0_OP_OPAQUE;
	opaque_binop->opaque_op = 0x80000001;
	struct vir0_expr *opaque_unop = vir0_unop(p, VIR0_UN_NEGATE, u32(3));
	opaque_unop->op = VIR0_OP_OPAQUE;
	opaque_unop->opaque_op = 0xfffffffe;
	struct vir0_expr *opaque_atomic = vir0_atomic(p, VIR0_ATOMIC_ADD, "b1", u32(0), u32(1),
						      u32(2));
	opaque_atomic->op = VIR0_OP_OPAQUE;
	opaque_atomic->opaque_op = 0x80000002;
	opaque_atomic->ordering = VIR0_ORDER_ACQUIRE;
	let(opaque_binop);
	let(opaque_unop);
	let(opaque_atomic);
}

static void add_every_expression(void)
{
	let(vir0_lit_i32(p, INT32_MIN));
	let(vir0_lit_i32(p, -1));
	let(vir0_lit_f32(p, 3.25f));
	let(vir0_lit_f32(p, -1e-30f));
	let(vir0_lit_bool(p, 1));
	let(vir0_load(p, "weird \"buffer\"\n", u32(1)));
	let(vir0_buf_len(p, "b0"));
	for (unsigned axis = 0; axis < 3; axis++) {
		let(vir0_invocation_id(p, axis));
		let(vir0_workgroup_id(p, axis));
		let(vir0_local_id(p, axis));
	}
	let(vir0_select(p, vir0_lit_bool(p, 0), u32(1), u32(2)));
	let(vir0_fma(p, vir0_lit_f32(p, 1), vir0_lit_f32(p, 2), vir0_lit_f32(p, 3)));
	struct vir0_expr *call = expr(VIR0_EXPR_CALL);
	call->name = "vyre.op.call";
	call->nargs = 3;
	call->args = alloc(3 * sizeof(*call->args));
	for (unsigned i = 0; i < 3; i++)
		call->args[i] = u32(i);
	let(call);
	struct vir0_expr *empty_call = expr(VIR0_EXPR_CALL);
	empty_call->name = "noargs";
	let(empty_call);
	struct vir0_expr *sub = expr(VIR0_EXPR_SUBGROUP_ADD);
	sub->arg[0] = u32(1);
	let(sub);
	sub = expr(VIR0_EXPR_SUBGROUP_SHUFFLE);
	sub->arg[0] = u32(1);
	sub->arg[1] = u32(2);
	let(sub);
	sub = expr(VIR0_EXPR_SUBGROUP_BALLOT);
	sub->arg[0] = vir0_lit_bool(p, 1);
	let(sub);
	let(expr(VIR0_EXPR_SUBGROUP_LOCAL_ID));
	let(expr(VIR0_EXPR_SUBGROUP_SIZE));
	static const uint8_t payload[] = { 0x00, 0xff, 0x10 };
	struct vir0_expr *opaque = expr(VIR0_EXPR_OPAQUE);
	opaque->name = "ext.expr";
	opaque->payload = payload;
	opaque->payload_len = sizeof(payload);
	let(opaque);
}

static void add_every_node(void)
{
	add(&p->body, vir0_assign(p, "v0", u32(9)));
	add(&p->body, vir0_store(p, "b1", u32(0), u32(1)));
	struct vir0_node *branch = vir0_if(p, vir0_lit_bool(p, 1));
	struct vir0_node *inner = vir0_if(p, u32(0));
	add(&branch->body, vir0_return(p));
	add(&branch->otherwise, inner);
	add(&inner->otherwise, vir0_barrier(p));
	add(&p->body, branch);
	struct vir0_node *loop = vir0_loop(p, "i", u32(0), u32(4));
	add(&loop->body, vir0_block(p));
	add(&p->body, loop);
	for (unsigned ordering = 0; ordering <= VIR0_ORDER_LAST; ordering++) {
		struct vir0_node *barrier = vir0_barrier(p);
		barrier->ordering = (uint8_t)ordering;
		add(&p->body, barrier);
	}
	struct vir0_node *n = node(VIR0_NODE_INDIRECT_DISPATCH);
	n->name = "counts";
	n->offset = UINT64_MAX;
	add(&p->body, n);
	for (unsigned kind = VIR0_NODE_ASYNC_LOAD; kind <= VIR0_NODE_ASYNC_STORE;
	     kind += VIR0_NODE_ASYNC_STORE - VIR0_NODE_ASYNC_LOAD) {
		n = node((uint8_t)kind);
		n->name = "src";
		n->name2 = "dst";
		n->value[0] = u32(0);
		n->value[1] = u32(16);
		n->tag = "t";
		add(&p->body, n);
	}
	n = node(VIR0_NODE_ASYNC_WAIT);
	n->tag = "t";
	add(&p->body, n);
	n = node(VIR0_NODE_TRAP);
	n->value[0] = u32(4);
	n->tag = "trap tag";
	add(&p->body, n);
	n = node(VIR0_NODE_RESUME);
	n->tag = "trap tag";
	add(&p->body, n);
	for (unsigned kind = VIR0_NODE_ALL_REDUCE; kind <= VIR0_NODE_BROADCAST; kind++) {
		n = node((uint8_t)kind);
		n->name = "b1";
		n->name2 = kind == VIR0_NODE_ALL_GATHER || kind == VIR0_NODE_REDUCE_SCATTER ?
			   "b2" : NULL;
		n->op = VIR0_COLLECTIVE_BIT_OR;
		n->group = kind;
		n->root = kind == VIR0_NODE_BROADCAST ? 3 : 0;
		if (kind != VIR0_NODE_ALL_REDUCE && kind != VIR0_NODE_REDUCE_SCATTER)
			n->op = 0;
		add(&p->body, n);
	}
	n = node(VIR0_NODE_REGION);
	n->name = "generator";
	add(&n->body, vir0_let(p, "in_region", u32(1)));
	add(&p->body, n);
	n = node(VIR0_NODE_REGION);
	n->name = "generator";
	n->name2 = "source";
	add(&p->body, n);
	static const uint8_t payload[] = { 1, 2, 3, 4 };
	n = node(VIR0_NODE_OPAQUE);
	n->name = "ext.node";
	n->payload = payload;
	n->payload_len = sizeof(payload);
	add(&p->body, n);
	n = node(VIR0_NODE_OPAQUE);
	n->name = "";
	n->payload = payload;
	add(&p->body, n);
	add(&p->body, vir0_return(p));
}

START_TEST(every_kind_round_trips)
{
	p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	p->entry_op_id = "vyre.coverage";
	p->workgroup_size[0] = 32;
	p->workgroup_size[2] = 2;
	static const uint8_t data[] = { 0xde, 0xad };
	struct vir0_attachment *attachments = alloc(2 * sizeof(*attachments));
	attachments[0] = (struct vir0_attachment){ "key one", data, sizeof(data) };
	attachments[1] = (struct vir0_attachment){ "k2", data, 0 };
	p->attachments = attachments;
	p->nattachments = 2;
	add_every_type();
	add_every_expression();
	add_every_operator();
	add_every_node();
	text_round_trip(p);
	vir0_program_free(p);
}
END_TEST

Suite *text_coverage_suite(void);

Suite *text_coverage_suite(void)
{
	Suite *s = suite_create("text_coverage");
	TCase *tc = tcase_create("text_coverage");
	tcase_add_test(tc, every_kind_round_trips);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(text_coverage_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
