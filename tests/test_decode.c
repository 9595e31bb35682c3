/* test_decode.c - vir0_decode: the hand-written vectors decode to the model
 * their comments describe, each decoder rule (fmt §7.2) gives its code at
 * the documented offset, and the limits of fmt §7.1 hold. */
#include "fixtures.h"
#include "vir0.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A program with no buffers or attachments, up to its body count: the body
 * count starts at offset 29 and the first node at offset 33. */
#define HEAD "56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 00000000 00000000 "
#define FIRST_NODE 33

static vir0_program *decode_vector(const char *name)
{
	size_t size;
	uint8_t *bytes = fixture_vector(name, &size);
	vir0_program *p = NULL;
	struct vir0_error err;
	int rc = vir0_decode(bytes, size, NULL, &p, &err);
	free(bytes);
	ck_assert_msg(rc == VIR0_OK, "%s: %s at %zu: %s", name, vir0_status_name(rc),
		      err.offset, err.message);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Decode hex text with `limits`; on failure *out stays NULL. */
static int decode_hex(const char *hex, const struct vir0_limits *limits,
		      struct vir0_error *err)
{
	size_t size;
	uint8_t *bytes = fixture_hex(hex, &size);
	vir0_program *p = (vir0_program *)1;
	int rc = vir0_decode(bytes, size, limits, &p, err);
	free(bytes);
	if (rc)
		ck_assert_ptr_null(p);
	vir0_program_free(p);
	return rc;
}

static void expect_error(const char *hex, const struct vir0_limits *limits, int code,
			 size_t offset)
{
	struct vir0_error err;
	memset(&err, 0, sizeof(err));
	int rc = decode_hex(hex, limits, &err);
	ck_assert_msg(rc == code, "expected %s, got %s: %s", vir0_status_name(code),
		      vir0_status_name(rc), err.message);
	if (code == VIR0_OK)
		return;
	ck_assert_int_eq(err.code, code);
	ck_assert_msg(err.offset == offset, "%s: offset %zu, expected %zu (%s)",
		      vir0_status_name(code), err.offset, offset, err.message);
	ck_assert_msg(strlen(err.message) > 20, "message too short: %s", err.message);
}

static const struct vir0_node *node_at(const struct vir0_node_list *list, uint32_t i)
{
	ck_assert_uint_gt(list->count, i);
	return list->items[i];
}

START_TEST(test_add_u32_vector)
{
	vir0_program *p = decode_vector("add_u32");
	ck_assert_ptr_null(p->entry_op_id);
	ck_assert_uint_eq(p->workgroup_size[0], 64);
	ck_assert_uint_eq(p->workgroup_size[1], 1);
	ck_assert_uint_eq(p->workgroup_size[2], 1);
	ck_assert_uint_eq(p->nbuffers, 3);
	ck_assert_uint_eq(p->nattachments, 0);
	const char *names[] = { "a", "b", "out" };
	for (uint32_t i = 0; i < 3; i++) {
		const struct vir0_buffer *b = &p->buffers[i];
		ck_assert_str_eq(b->name, names[i]);
		ck_assert_uint_eq(b->binding, i);
		ck_assert_uint_eq(b->access, i == 2 ? VIR0_ACCESS_READ_WRITE
					      : VIR0_ACCESS_READ_ONLY);
		ck_assert_uint_eq(b->element.kind, VIR0_TYPE_U32);
		ck_assert_uint_eq(b->count, 256);
		ck_assert_uint_eq(b->is_output, i == 2);
	}
	ck_assert_uint_eq(p->body.count, 2);
	const struct vir0_node *let = node_at(&p->body, 0);
	ck_assert_uint_eq(let->kind, VIR0_NODE_LET);
	ck_assert_str_eq(let->name, "i");
	ck_assert_uint_eq(let->value[0]->kind, VIR0_EXPR_INVOCATION_ID);
	ck_assert_uint_eq(let->value[0]->axis, 0);
	const struct vir0_node *store = node_at(&p->body, 1);
	ck_assert_uint_eq(store->kind, VIR0_NODE_STORE);
	ck_assert_str_eq(store->name, "out");
	ck_assert_uint_eq(store->value[0]->kind, VIR0_EXPR_VAR);
	ck_assert_str_eq(store->value[0]->name, "i");
	const struct vir0_expr *add = store->value[1];
	ck_assert_uint_eq(add->kind, VIR0_EXPR_BINOP);
	ck_assert_uint_eq(add->op, VIR0_BIN_ADD);
	ck_assert_uint_eq(add->arg[0]->kind, VIR0_EXPR_LOAD);
	ck_assert_str_eq(add->arg[0]->name, "a");
	ck_assert_str_eq(add->arg[0]->arg[0]->name, "i");
	ck_assert_str_eq(add->arg[1]->name, "b");
	vir0_program_free(p);
}
END_TEST

START_TEST(test_empty_vector)
{
	vir0_program *p = decode_vector("empty");
	ck_assert_ptr_null(p->entry_op_id);
	ck_assert_uint_eq(p->nbuffers, 0);
	ck_assert_uint_eq(p->nattachments, 0);
	ck_assert_uint_eq(p->body.count, 0);
	vir0_program *q = vir0_program_new();
	ck_assert(vir0_program_equal(p, q));
	vir0_program_free(q);
	vir0_program_free(p);
}
END_TEST

static void expect_buffer(const vir0_program *p, uint32_t i, const char *name,
			  uint8_t access, uint8_t kind, uint32_t count, uint8_t is_output)
{
	const struct vir0_buffer *b = &p->buffers[i];
	ck_assert_str_eq(b->name, name);
	ck_assert_uint_eq(b->binding, i);
	ck_assert_uint_eq(b->access, access);
	ck_assert_uint_eq(b->element.kind, kind);
	ck_assert_uint_eq(b->count, count);
	ck_assert_uint_eq(b->is_output, is_output);
}

START_TEST(test_metadata_vector)
{
	vir0_program *p = decode_vector("metadata");
	ck_assert_str_eq(p->entry_op_id, "op.add");
	ck_assert_uint_eq(p->workgroup_size[0], 256);
	ck_assert_uint_eq(p->workgroup_size[1], 2);
	ck_assert_uint_eq(p->workgroup_size[2], 1);
	ck_assert_uint_eq(p->nbuffers, 10);
	expect_buffer(p, 0, "v", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_VEC, 16, 0);
	ck_assert_uint_eq(p->buffers[0].element.element->kind, VIR0_TYPE_F32);
	ck_assert_uint_eq(p->buffers[0].element.vec_count, 4);
	expect_buffer(p, 1, "t", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_TENSOR_SHAPED, 6, 1);
	const struct vir0_type *t = &p->buffers[1].element;
	ck_assert_uint_eq(t->element->kind, VIR0_TYPE_F16);
	ck_assert_uint_eq(t->ndims, 2);
	ck_assert_uint_eq(t->dims[0], 2);
	ck_assert_uint_eq(t->dims[1], 3);
	expect_buffer(p, 2, "q", VIR0_ACCESS_UNIFORM, VIR0_TYPE_QUANTIZED, 0, 0);
	t = &p->buffers[2].element;
	ck_assert_uint_eq(t->element->kind, VIR0_TYPE_I8);
	ck_assert_uint_eq(t->scale_kind, 1);
	ck_assert_uint_eq(t->arg0, 1);
	ck_assert_uint_eq(t->zero_kind, 0);
	ck_assert_uint_eq(t->arg1, 0);
	expect_buffer(p, 3, "s", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_SPARSE_BSR, 0, 0);
	t = &p->buffers[3].element;
	ck_assert_uint_eq(t->element->kind, VIR0_TYPE_F32);
	ck_assert_uint_eq(t->arg0, 4);
	ck_assert_uint_eq(t->arg1, 8);
	expect_buffer(p, 4, "m", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_DEVICE_MESH, 1, 0);
	t = &p->buffers[4].element;
	ck_assert_uint_eq(t->ndims, 2);
	ck_assert_uint_eq(t->dims[0], 2);
	ck_assert_uint_eq(t->dims[1], 4);
	expect_buffer(p, 5, "w", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_ARRAY, 64, 0);
	ck_assert_uint_eq(p->buffers[5].element.arg0, 16);
	expect_buffer(p, 6, "x", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_OPAQUE, 0, 0);
	ck_assert_uint_eq(p->buffers[6].element.arg0, 0x80000007u);
	expect_buffer(p, 7, "h", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_HANDLE, 0, 0);
	ck_assert_uint_eq(p->buffers[7].element.arg0, 42);
	expect_buffer(p, 8, "c", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_SPARSE_CSR, 0, 0);
	ck_assert_uint_eq(p->buffers[8].element.element->kind, VIR0_TYPE_U32);
	expect_buffer(p, 9, "o", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_SPARSE_COO, 0, 0);
	t = p->buffers[9].element.element;
	ck_assert_uint_eq(t->kind, VIR0_TYPE_VEC);
	ck_assert_uint_eq(t->element->kind, VIR0_TYPE_U8);
	ck_assert_uint_eq(t->vec_count, 2);
	ck_assert_uint_eq(p->nattachments, 2);
	ck_assert_str_eq(p->attachments[0].key, "note");
	ck_assert_uint_eq(p->attachments[0].size, 3);
	ck_assert_mem_eq(p->attachments[0].data, "abc", 3);
	ck_assert_str_eq(p->attachments[1].key, "\xC3\xA9");
	ck_assert_uint_eq(p->attachments[1].size, 0);
	ck_assert_uint_eq(p->body.count, 1);
	ck_assert_uint_eq(node_at(&p->body, 0)->kind, VIR0_NODE_RETURN);
	vir0_program_free(p);
}
END_TEST

static void expect_lit_u32(const struct vir0_expr *e, uint32_t value)
{
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->kind, VIR0_EXPR_LIT_U32);
	ck_assert_uint_eq(e->bits, value);
}

START_TEST(test_nodes_vector)
{
	vir0_program *p = decode_vector("nodes");
	const struct vir0_node_list *body = &p->body;
	ck_assert_uint_eq(body->count, 21);
	for (uint32_t i = 0; i < 19; i++)
		ck_assert_uint_eq(node_at(body, i)->kind, i);
	ck_assert_uint_eq(node_at(body, 19)->kind, VIR0_NODE_OPAQUE);
	ck_assert_uint_eq(node_at(body, 20)->kind, VIR0_NODE_REGION);

	const struct vir0_node *n = node_at(body, 0);
	ck_assert_str_eq(n->name, "a");
	expect_lit_u32(n->value[0], 5);
	n = node_at(body, 1);
	ck_assert_str_eq(n->name, "a");
	expect_lit_u32(n->value[0], 6);
	n = node_at(body, 2);
	ck_assert_str_eq(n->name, "b");
	expect_lit_u32(n->value[0], 0);
	expect_lit_u32(n->value[1], 7);
	n = node_at(body, 3);
	ck_assert_uint_eq(n->value[0]->kind, VIR0_EXPR_LIT_BOOL);
	ck_assert_uint_eq(n->value[0]->bits, 1);
	ck_assert_uint_eq(node_at(&n->body, 0)->kind, VIR0_NODE_RETURN);
	ck_assert_uint_eq(node_at(&n->otherwise, 0)->kind, VIR0_NODE_BARRIER);
	ck_assert_uint_eq(node_at(&n->otherwise, 0)->ordering, 4);
	n = node_at(body, 4);
	ck_assert_str_eq(n->name, "j");
	expect_lit_u32(n->value[0], 0);
	expect_lit_u32(n->value[1], 4);
	ck_assert_uint_eq(n->body.count, 1);
	ck_assert_uint_eq(node_at(&n->body, 0)->kind, VIR0_NODE_BLOCK);
	ck_assert_uint_eq(node_at(&n->body, 0)->body.count, 0);
	n = node_at(body, 6);
	ck_assert_uint_eq(node_at(&n->body, 0)->kind, VIR0_NODE_ASSIGN);
	ck_assert_str_eq(node_at(&n->body, 0)->value[0]->name, "a");
	ck_assert_uint_eq(node_at(body, 7)->ordering, 1);
	n = node_at(body, 8);
	ck_assert_str_eq(n->name, "d");
	ck_assert(n->offset == 0x0102030405060708ull);
	n = node_at(body, 9);
	ck_assert_str_eq(n->name, "src");
	ck_assert_str_eq(n->name2, "dst");
	expect_lit_u32(n->value[0], 0);
	expect_lit_u32(n->value[1], 16);
	ck_assert_str_eq(n->tag, "t0");
	ck_assert_str_eq(node_at(body, 10)->tag, "t0");
	n = node_at(body, 11);
	ck_assert_str_eq(n->name, "g");
	ck_assert_str_eq(n->name2, "s");
	ck_assert_str_eq(node_at(&n->body, 0)->name, "r");
	ck_assert_uint_eq(node_at(&n->body, 0)->value[0]->kind, VIR0_EXPR_LIT_I32);
	ck_assert_uint_eq(node_at(&n->body, 0)->value[0]->bits, 0xFFFFFFFFu);
	n = node_at(body, 12);
	ck_assert_str_eq(n->name, "dst");
	ck_assert_str_eq(n->name2, "src");
	expect_lit_u32(n->value[0], 4);
	expect_lit_u32(n->value[1], 8);
	ck_assert_str_eq(n->tag, "t1");
	n = node_at(body, 13);
	expect_lit_u32(n->value[0], 3);
	ck_assert_str_eq(n->tag, "oops");
	ck_assert_str_eq(node_at(body, 14)->tag, "t1");
	n = node_at(body, 15);
	ck_assert_str_eq(n->name, "b");
	ck_assert_uint_eq(n->op, 1);
	ck_assert_uint_eq(n->group, 2);
	n = node_at(body, 16);
	ck_assert_str_eq(n->name2, "c");
	ck_assert_uint_eq(n->group, 3);
	n = node_at(body, 17);
	ck_assert_uint_eq(n->op, 6);
	ck_assert_uint_eq(n->group, 4);
	n = node_at(body, 18);
	ck_assert_uint_eq(n->root, 1);
	ck_assert_uint_eq(n->group, 5);
	n = node_at(body, 19);
	ck_assert_str_eq(n->name, "ext.node");
	ck_assert_uint_eq(n->payload_len, 4);
	ck_assert_mem_eq(n->payload, "\xDE\xAD\xBE\xEF", 4);
	n = node_at(body, 20);
	ck_assert_str_eq(n->name, "h");
	ck_assert_ptr_null(n->name2);
	ck_assert_uint_eq(n->body.count, 0);
	vir0_program_free(p);
}
END_TEST

static const struct vir0_expr *let_value(const vir0_program *p, uint32_t i, uint8_t kind)
{
	const struct vir0_node *n = node_at(&p->body, i);
	char name[2] = { (char)('a' + i), 0 };
	ck_assert_uint_eq(n->kind, VIR0_NODE_LET);
	ck_assert_str_eq(n->name, name);
	ck_assert_uint_eq(n->value[0]->kind, kind);
	return n->value[0];
}

START_TEST(test_exprs_vector)
{
	vir0_program *p = decode_vector("exprs");
	ck_assert_uint_eq(p->body.count, 24);
	ck_assert_uint_eq(p->workgroup_size[0], 32);
	ck_assert_uint_eq(let_value(p, 0, VIR0_EXPR_LIT_U32)->bits, 0xDEADBEEFu);
	ck_assert_uint_eq(let_value(p, 1, VIR0_EXPR_LIT_I32)->bits, 0xFFFFFFFEu);
	ck_assert_uint_eq(let_value(p, 2, VIR0_EXPR_LIT_BOOL)->bits, 0);
	ck_assert_str_eq(let_value(p, 3, VIR0_EXPR_VAR)->name, "a");
	const struct vir0_expr *e = let_value(p, 4, VIR0_EXPR_LOAD);
	ck_assert_str_eq(e->name, "buf");
	ck_assert_uint_eq(e->arg[0]->kind, VIR0_EXPR_LOCAL_ID);
	ck_assert_uint_eq(e->arg[0]->axis, 1);
	ck_assert_str_eq(let_value(p, 5, VIR0_EXPR_BUF_LEN)->name, "buf");
	ck_assert_uint_eq(let_value(p, 6, VIR0_EXPR_INVOCATION_ID)->axis, 2);
	ck_assert_uint_eq(let_value(p, 7, VIR0_EXPR_WORKGROUP_ID)->axis, 0);
	e = let_value(p, 8, VIR0_EXPR_BINOP);
	ck_assert_uint_eq(e->op, VIR0_BIN_MUL_HIGH);
	ck_assert_str_eq(e->arg[0]->name, "a");
	expect_lit_u32(e->arg[1], 3);
	e = let_value(p, 9, VIR0_EXPR_UNOP);
	ck_assert_uint_eq(e->op, VIR0_UN_RECIPROCAL);
	ck_assert_uint_eq(e->arg[0]->kind, VIR0_EXPR_LIT_F32);
	ck_assert_uint_eq(e->arg[0]->bits, 0x40000000u);
	e = let_value(p, 10, VIR0_EXPR_CALL);
	ck_assert_str_eq(e->name, "ext.f");
	ck_assert_uint_eq(e->nargs, 2);
	expect_lit_u32(e->args[0], 1);
	ck_assert_uint_eq(e->args[1]->kind, VIR0_EXPR_LIT_BOOL);
	ck_assert_uint_eq(e->args[1]->bits, 1);
	e = let_value(p, 11, VIR0_EXPR_SELECT);
	ck_assert_uint_eq(e->arg[0]->bits, 1);
	expect_lit_u32(e->arg[1], 1);
	expect_lit_u32(e->arg[2], 2);
	e = let_value(p, 12, VIR0_EXPR_CAST);
	ck_assert_uint_eq(e->type.kind, VIR0_TYPE_VEC);
	ck_assert_uint_eq(e->type.element->kind, VIR0_TYPE_I32);
	ck_assert_uint_eq(e->type.vec_count, 2);
	ck_assert_str_eq(e->arg[0]->name, "a");
	e = let_value(p, 13, VIR0_EXPR_ATOMIC);
	ck_assert_uint_eq(e->op, VIR0_ATOMIC_COMPARE_EXCHANGE);
	ck_assert_uint_eq(e->ordering, 3);
	ck_assert_str_eq(e->name, "buf");
	expect_lit_u32(e->arg[0], 0);
	expect_lit_u32(e->arg[1], 1);
	expect_lit_u32(e->arg[2], 2);
	e = let_value(p, 14, VIR0_EXPR_ATOMIC);
	ck_assert_uint_eq(e->op, VIR0_OP_OPAQUE);
	ck_assert_uint_eq(e->opaque_op, 0x80000002u);
	ck_assert_uint_eq(e->ordering, 0);
	expect_lit_u32(e->arg[0], 4);
	ck_assert_ptr_null(e->arg[1]);
	expect_lit_u32(e->arg[2], 9);
	ck_assert_uint_eq(let_value(p, 15, VIR0_EXPR_LIT_F32)->bits, 0x7FC00000u);
	e = let_value(p, 16, VIR0_EXPR_FMA);
	ck_assert_uint_eq(e->arg[0]->bits, 0x3F800000u);
	ck_assert_uint_eq(e->arg[1]->bits, 0xC0200000u);
	ck_assert_uint_eq(e->arg[2]->bits, 0);
	ck_assert_str_eq(let_value(p, 17, VIR0_EXPR_SUBGROUP_ADD)->arg[0]->name, "a");
	e = let_value(p, 18, VIR0_EXPR_SUBGROUP_SHUFFLE);
	ck_assert_str_eq(e->arg[0]->name, "a");
	ck_assert_uint_eq(e->arg[1]->kind, VIR0_EXPR_SUBGROUP_LOCAL_ID);
	ck_assert_uint_eq(let_value(p, 19, VIR0_EXPR_SUBGROUP_BALLOT)->arg[0]->bits, 1);
	let_value(p, 20, VIR0_EXPR_SUBGROUP_SIZE);
	e = let_value(p, 21, VIR0_EXPR_OPAQUE);
	ck_assert_str_eq(e->name, "ext.e");
	ck_assert_uint_eq(e->payload_len, 2);
	ck_assert_mem_eq(e->payload, "\x01\x02", 2);
	e = let_value(p, 22, VIR0_EXPR_BINOP);
	ck_assert_uint_eq(e->op, VIR0_OP_OPAQUE);
	ck_assert_uint_eq(e->opaque_op, 0x80000001u);
	e = let_value(p, 23, VIR0_EXPR_UNOP);
	ck_assert_uint_eq(e->op, VIR0_OP_OPAQUE);
	ck_assert_uint_eq(e->opaque_op, 0xFFFFFFFFu);
	ck_assert_uint_eq(e->arg[0]->kind, VIR0_EXPR_LIT_I32);
	vir0_program_free(p);
}
END_TEST

START_TEST(test_envelope_errors)
{
	expect_error("", NULL, VIR0_EMAGIC, 0);
	expect_error("56 49 52", NULL, VIR0_EMAGIC, 0);
	expect_error("56 59 52 45 04 00", NULL, VIR0_EMAGIC, 0);
	expect_error("56 49 52 30", NULL, VIR0_ETRUNCATED, 4);
	expect_error("56 49 52 30 01", NULL, VIR0_ETRUNCATED, 4);
	expect_error("56 49 52 30 02 00 00 00", NULL, VIR0_EVERSION, 4);
	expect_error("56 49 52 30 01 00 00", NULL, VIR0_ETRUNCATED, 6);
	expect_error("56 49 52 30 01 00 01 00", NULL, VIR0_EFLAGS, 6);
	expect_error("56 49 52 30 01 00 00 80", NULL, VIR0_EFLAGS, 6);
	expect_error("56 49 52 30 01 00 00 00", NULL, VIR0_ETRUNCATED, 8);
	expect_error("56 49 52 30 01 00 00 00 02", NULL, VIR0_EVALUE, 8);
	/* entry_present 1 with a string whose length runs past the end */
	expect_error("56 49 52 30 01 00 00 00 01 05000000 61", NULL, VIR0_ETRUNCATED, 9);
	/* workgroup_size[1] = 0 */
	expect_error("56 49 52 30 01 00 00 00 00 01000000 00000000 01000000", NULL,
		     VIR0_EVALUE, 13);
	/* a byte after the body */
	expect_error(HEAD "00000000 00", NULL, VIR0_ETRAILING, 33);
	expect_error(HEAD "00000000", NULL, VIR0_OK, 0);
}
END_TEST

START_TEST(test_metadata_errors)
{
	/* Buffer record starts at 25: name "a" (25), binding (30), access
	 * (34), element (35), count (36), is_output (40). */
	const char *pre = "56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 01000000 "
			  "01000000 61 00000000 ";
	char hex[512];
	snprintf(hex, sizeof(hex), "%s 04 01 01000000 00 00000000 00000000", pre);
	expect_error(hex, NULL, VIR0_EVALUE, 34);
	snprintf(hex, sizeof(hex), "%s 00 00 01000000 00 00000000 00000000", pre);
	expect_error(hex, NULL, VIR0_ETAG, 35);
	snprintf(hex, sizeof(hex), "%s 00 01 01000000 02 00000000 00000000", pre);
	expect_error(hex, NULL, VIR0_EVALUE, 40);
	snprintf(hex, sizeof(hex), "%s 03 01 00000000 00 00000000 00000000", pre);
	expect_error(hex, NULL, VIR0_EVALUE, 36);
	snprintf(hex, sizeof(hex), "%s 03 01 01000000 00 00000000 00000000", pre);
	expect_error(hex, NULL, VIR0_OK, 0);
	/* Duplicate attachment keys: first at 29, second at 38. */
	expect_error("56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 00000000 "
		     "02000000 01000000 6B 00000000 01000000 6B 00000000 00000000",
		     NULL, VIR0_EVALUE, 38);
	/* Attachment size past the end */
	expect_error("56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 00000000 "
		     "01000000 01000000 6B 09000000 00", NULL, VIR0_ETRUNCATED, 34);
}
END_TEST

START_TEST(test_type_errors)
{
	/* A Cast at offset 39 (inside Let "x" at 33) whose target starts at 40. */
	char hex[512];
	const char *bad_types[] = {
		"00", "20", "7F", "81", "FF",
	};
	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		snprintf(hex, sizeof(hex), HEAD "01000000 00 01000000 78 0D %s 00 00000000",
			 bad_types[i]);
		expect_error(hex, NULL, VIR0_ETAG, 40);
	}
	/* opaque type id without the high bit */
	expect_error(HEAD "01000000 00 01000000 78 0D 80 01000000 00 00000000", NULL,
		     VIR0_EVALUE, 41);
	/* Quantized with a U32 storage (not allowed), a bad scale, a bad zero point */
	expect_error(HEAD "01000000 00 01000000 78 0D 1F 01 00 00000000 00 00000000 "
		     "00 00000000", NULL, VIR0_EVALUE, 41);
	expect_error(HEAD "01000000 00 01000000 78 0D 1F 10 00 01000000 00 00000000 "
		     "00 00000000", NULL, VIR0_EVALUE, 42);
	expect_error(HEAD "01000000 00 01000000 78 0D 1F 10 02 00000000 00 00000000 "
		     "00 00000000", NULL, VIR0_EVALUE, 42);
	expect_error(HEAD "01000000 00 01000000 78 0D 1F 10 03 00000000 00 00000000 "
		     "00 00000000", NULL, VIR0_EVALUE, 42);
	expect_error(HEAD "01000000 00 01000000 78 0D 1F 10 00 00000000 04 00000000 "
		     "00 00000000", NULL, VIR0_EVALUE, 47);
	expect_error(HEAD "01000000 00 01000000 78 0D 1F 10 00 00000000 03 00000000 "
		     "00 00000000", NULL, VIR0_EVALUE, 47);
	expect_error(HEAD "01000000 00 01000000 78 0D 1F 10 02 01000000 03 07000000 "
		     "00 00000000", NULL, VIR0_OK, 0);
	/* TensorShaped rank above 4096, DeviceMesh axes that run past the end */
	expect_error(HEAD "01000000 00 01000000 78 0D 15 01 01100000", NULL,
		     VIR0_ELIMIT, 42);
	expect_error(HEAD "01000000 00 01000000 78 0D 1E 00100000 01000000", NULL,
		     VIR0_ETRUNCATED, 41);
}
END_TEST

START_TEST(test_expr_errors)
{
	char hex[512];
	/* Let "x" at 33, its value expression at 39. */
	const char *bad_tags[] = { "16", "7F", "81", "FF" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(hex, sizeof(hex), HEAD "01000000 00 01000000 78 %s", bad_tags[i]);
		expect_error(hex, NULL, VIR0_ETAG, 39);
	}
	expect_error(HEAD "01000000 00 01000000 78 09 00 00 01000000 00 01000000", NULL,
		     VIR0_EOPCODE, 40);
	expect_error(HEAD "01000000 00 01000000 78 09 22 00 01000000 00 01000000", NULL,
		     VIR0_EOPCODE, 40);
	expect_error(HEAD "01000000 00 01000000 78 09 81 00 01000000 00 01000000", NULL,
		     VIR0_EOPCODE, 40);
	expect_error(HEAD "01000000 00 01000000 78 0A 25 00 01000000", NULL,
		     VIR0_EOPCODE, 40);
	expect_error(HEAD "01000000 00 01000000 78 0A 00 00 01000000", NULL,
		     VIR0_EOPCODE, 40);
	expect_error(HEAD "01000000 00 01000000 78 0E 0C 04 01000000 63 00 00000000 00 "
		     "00 01000000", NULL, VIR0_EOPCODE, 40);
	/* opaque operator ids need the high bit (fmt D15) */
	expect_error(HEAD "01000000 00 01000000 78 0A 80 FFFFFF7F 00 01000000", NULL,
		     VIR0_EVALUE, 41);
	/* memory ordering 6 */
	expect_error(HEAD "01000000 00 01000000 78 0E 01 06 01000000 63 00 00000000 00 "
		     "00 01000000", NULL, VIR0_EVALUE, 41);
	/* expected_present 2 at 52 */
	expect_error(HEAD "01000000 00 01000000 78 0E 01 04 01000000 63 00 00000000 02 "
		     "00 01000000", NULL, VIR0_EVALUE, 52);
	/* LitBool 2, axis 3 */
	expect_error(HEAD "01000000 00 01000000 78 02 02", NULL, VIR0_EVALUE, 40);
	expect_error(HEAD "01000000 00 01000000 78 08 03", NULL, VIR0_EVALUE, 40);
	expect_error(HEAD "01000000 00 01000000 78 06 FF", NULL, VIR0_EVALUE, 40);
	/* Non-canonical f32 literals (fmt D11) and a canonical one */
	const char *bad_f32[] = {
		"00 00 00 80", "01 00 C0 7F", "00 00 C0 FF", "01 00 80 7F",
		"01 00 00 00", "FF FF 7F 00", "01 00 00 80",
	};
	for (size_t i = 0; i < sizeof(bad_f32) / sizeof(bad_f32[0]); i++) {
		snprintf(hex, sizeof(hex), HEAD "01000000 00 01000000 78 0F %s", bad_f32[i]);
		expect_error(hex, NULL, VIR0_EVALUE, 40);
	}
	const char *good_f32[] = {
		"00 00 C0 7F", "00 00 80 7F", "00 00 80 FF", "00 00 80 00", "FF FF 7F 7F",
	};
	for (size_t i = 0; i < sizeof(good_f32) / sizeof(good_f32[0]); i++) {
		snprintf(hex, sizeof(hex), HEAD "01000000 00 01000000 78 0F %s", good_f32[i]);
		expect_error(hex, NULL, VIR0_OK, 0);
	}
	/* Call argc above 4096 */
	expect_error(HEAD "01000000 00 01000000 78 0B 01000000 66 01100000", NULL,
		     VIR0_ELIMIT, 45);
	/* opaque payload above 4 MiB, and one that runs past the end */
	expect_error(HEAD "01000000 00 01000000 78 80 01000000 6B 01004000", NULL,
		     VIR0_ELIMIT, 45);
	expect_error(HEAD "01000000 00 01000000 78 80 01000000 6B 00004000", NULL,
		     VIR0_ETRUNCATED, 45);
}
END_TEST

START_TEST(test_node_errors)
{
	const char *bad_tags[] = { "13", "7F", "81", "FF" };
	char hex[256];
	for (size_t i = 0; i < 4; i++) {
		snprintf(hex, sizeof(hex), HEAD "01000000 %s", bad_tags[i]);
		expect_error(hex, NULL, VIR0_ETAG, FIRST_NODE);
	}
	/* Barrier ordering 6, Region source_present 2 */
	expect_error(HEAD "01000000 07 06", NULL, VIR0_EVALUE, 34);
	expect_error(HEAD "01000000 0B 01000000 67 02 00000000", NULL, VIR0_EVALUE, 39);
	/* Collective ops outside 1..6 */
	expect_error(HEAD "01000000 0F 01000000 62 00 00000000", NULL, VIR0_EOPCODE, 39);
	expect_error(HEAD "01000000 11 01000000 62 01000000 63 07 00000000", NULL,
		     VIR0_EOPCODE, 44);
	/* A node cut inside its u64 offset */
	expect_error(HEAD "01000000 08 01000000 64 0102", NULL, VIR0_ETRUNCATED, 39);
	/* The body announces 2 nodes but holds 1: the count cannot fit */
	expect_error(HEAD "02000000 05", NULL, VIR0_ETRUNCATED, 29);
	expect_error(HEAD "03000000 05 05", NULL, VIR0_ETRUNCATED, 29);
	/* A node list count of 2^32-1 allocates nothing huge */
	expect_error(HEAD "FFFFFFFF 05", NULL, VIR0_ELIMIT, 29);
}
END_TEST

START_TEST(test_string_errors)
{
	/* Let with name at 34; UTF-8 faults (fmt D8) and NUL (fmt D9) */
	const char *bad[] = {
		"01000000 00",          /* NUL */
		"02000000 61 00",       /* NUL after a letter */
		"01000000 80",          /* stray continuation */
		"02000000 C0 80",       /* overlong NUL */
		"02000000 C1 BF",       /* overlong */
		"03000000 E0 80 80",    /* overlong 3-byte */
		"03000000 ED A0 80",    /* surrogate U+D800 */
		"04000000 F4 90 80 80", /* above U+10FFFF */
		"01000000 F5",          /* lead byte beyond range */
		"01000000 C3",          /* cut short */
		"02000000 E2 82",       /* cut short */
		"02000000 C3 41",       /* missing continuation */
		"01000000 FF",
	};
	char hex[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(hex, sizeof(hex), HEAD "01000000 00 %s 00 00000000", bad[i]);
		expect_error(hex, NULL, VIR0_EUTF8, 34);
	}
	const char *good[] = {
		"00000000", "02000000 C3 A9", "03000000 E2 82 AC", "04000000 F0 9F 98 80",
		"04000000 F4 8F BF BF", "03000000 EF BF BF",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(hex, sizeof(hex), HEAD "01000000 00 %s 00 00000000", good[i]);
		expect_error(hex, NULL, VIR0_OK, 0);
	}
	/* A string length of 2^32-1 */
	expect_error(HEAD "01000000 00 FFFFFFFF 61", NULL, VIR0_ELIMIT, 34);
}
END_TEST

/* Blocks nested `depth` deep: each "06 01000000" opens one more level. */
static char *nested_blocks(unsigned depth)
{
	char *hex = malloc(64 + depth * 16);
	char *end = hex + sprintf(hex, HEAD "01000000");
	for (unsigned i = 0; i < depth; i++)
		end += sprintf(end, " 06 %s", i + 1 < depth ? "01000000" : "00000000");
	return hex;
}

START_TEST(test_depth_limit)
{
	/* Level 64 is the deepest accepted (fmt §7.1): 64 Blocks decode, the
	 * 65th is refused at its tag, 5 bytes per Block after offset 33. */
	char *hex = nested_blocks(64);
	expect_error(hex, NULL, VIR0_OK, 0);
	free(hex);
	hex = nested_blocks(65);
	expect_error(hex, NULL, VIR0_EDEPTH, FIRST_NODE + 64 * 5);
	free(hex);
	struct vir0_limits limits;
	vir0_limits_default(&limits);
	ck_assert_uint_eq(limits.max_depth, 64);
	limits.max_depth = 2;
	/* Let (level 1) = BinOp (2) with LitU32 operands at level 3 */
	expect_error(HEAD "01000000 00 01000000 78 09 01 00 01000000 00 02000000", &limits,
		     VIR0_EDEPTH, 41);
	expect_error(HEAD "01000000 00 01000000 78 00 01000000", &limits, VIR0_OK, 0);
	/* DataType levels count apart: with max_depth 3, Let (1) = Cast (2)
	 * of LitU32 (3) fits, and so does the target Vec<Vec<U32>> (type
	 * levels 1-3), but Vec<Vec<Vec<U32>>> puts U32 at type level 4. */
	limits.max_depth = 3;
	expect_error(HEAD "01000000 00 01000000 78 0D 14 14 14 01 02 02 02 00 00000000",
		     &limits, VIR0_EDEPTH, 43);
	expect_error(HEAD "01000000 00 01000000 78 0D 14 14 01 02 02 00 00000000", &limits,
		     VIR0_OK, 0);
}
END_TEST

START_TEST(test_other_limits)
{
	struct vir0_limits limits;
	vir0_limits_default(&limits);
	ck_assert_uint_eq(limits.max_input_bytes, 64u << 20);
	ck_assert_uint_eq(limits.max_string_bytes, 1u << 20);
	ck_assert_uint_eq(limits.max_buffers, 16384);
	ck_assert_uint_eq(limits.max_attachments, 16384);
	ck_assert_uint_eq(limits.max_nodes, 1000000);

	limits.max_input_bytes = 32;
	expect_error(HEAD "00000000", &limits, VIR0_ELIMIT, 0);
	limits.max_input_bytes = 33;
	expect_error(HEAD "00000000", &limits, VIR0_OK, 0);

	vir0_limits_default(&limits);
	limits.max_string_bytes = 2;
	expect_error(HEAD "01000000 00 03000000 616263 00 00000000", &limits,
		     VIR0_ELIMIT, 34);
	expect_error(HEAD "01000000 00 02000000 6162 00 00000000", &limits, VIR0_OK, 0);

	vir0_limits_default(&limits);
	limits.max_buffers = 0;
	expect_error("56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 01000000",
		     &limits, VIR0_ELIMIT, 21);
	limits.max_attachments = 1;
	expect_error("56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 00000000 "
		     "02000000", &limits, VIR0_ELIMIT, 25);

	/* max_nodes bounds one list and the total of Nodes and Exprs */
	vir0_limits_default(&limits);
	limits.max_nodes = 2;
	expect_error(HEAD "03000000 05 05 05", &limits, VIR0_ELIMIT, 29);
	expect_error(HEAD "02000000 05 05", &limits, VIR0_OK, 0);
	/* Let + LitU32 = 2 records; a second Let is the third record */
	expect_error(HEAD "02000000 00 01000000 78 00 01000000 05", &limits,
		     VIR0_ELIMIT, 44);
	expect_error(HEAD "01000000 00 01000000 78 00 01000000", &limits, VIR0_OK, 0);

	/* Counts of 2^32-1 with limits raised: refused as truncated,
	 * before anything is allocated for them. */
	limits.max_buffers = UINT32_MAX;
	limits.max_attachments = UINT32_MAX;
	limits.max_nodes = UINT32_MAX;
	expect_error("56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 FFFFFFFF",
		     &limits, VIR0_ETRUNCATED, 21);
	expect_error("56 49 52 30 01 00 00 00 00 01000000 01000000 01000000 00000000 "
		     "FFFFFFFF", &limits, VIR0_ETRUNCATED, 25);
	expect_error(HEAD "FFFFFFFF 05", &limits, VIR0_ETRUNCATED, 29);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct vir0_error err;
	uint8_t byte = 0;
	vir0_program *p;
	ck_assert_int_eq(vir0_decode(&byte, 1, NULL, NULL, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_decode(NULL, 5, NULL, &p, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_decode(NULL, 0, NULL, &p, NULL), VIR0_EMAGIC);
	ck_assert_ptr_null(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("decode");
	TCase *vectors = tcase_create("vectors");
	tcase_add_test(vectors, test_add_u32_vector);
	tcase_add_test(vectors, test_empty_vector);
	tcase_add_test(vectors, test_metadata_vector);
	tcase_add_test(vectors, test_nodes_vector);
	tcase_add_test(vectors, test_exprs_vector);
	suite_add_tcase(s, vectors);
	TCase *errors = tcase_create("errors");
	tcase_add_test(errors, test_envelope_errors);
	tcase_add_test(errors, test_metadata_errors);
	tcase_add_test(errors, test_type_errors);
	tcase_add_test(errors, test_expr_errors);
	tcase_add_test(errors, test_node_errors);
	tcase_add_test(errors, test_string_errors);
	tcase_add_test(errors, test_bad_arguments);
	suite_add_tcase(s, errors);
	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, test_depth_limit);
	tcase_add_test(limits, test_other_limits);
	suite_add_tcase(s, limits);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
