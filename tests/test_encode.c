/* test_encode.c - vir0_encode, vir0_program_equal and the content hash:
 * round trips both ways (fmt §7.5), determinism, the refusals of fmt §7.4,
 * structural equality field by field, and XXH3-128 identity. */
#include "fixtures.h"
#include "vir0.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const char *const vectors[] = { "add_u32", "empty", "metadata", "nodes", "exprs" };
#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static vir0_program *decode_bytes(const uint8_t *bytes, size_t size)
{
	vir0_program *p = NULL;
	struct vir0_error err;
	int rc = vir0_decode(bytes, size, NULL, &p, &err);
	ck_assert_msg(rc == VIR0_OK, "%s at %zu: %s", vir0_status_name(rc), err.offset,
		      err.message);
	return p;
}

static vir0_program *decode_vector(const char *name)
{
	size_t size;
	uint8_t *bytes = fixture_vector(name, &size);
	vir0_program *p = decode_bytes(bytes, size);
	free(bytes);
	return p;
}

static uint8_t *encode_ok(const vir0_program *p, size_t *size)
{
	uint8_t *bytes = NULL;
	struct vir0_error err;
	int rc = vir0_encode(p, &bytes, size, &err);
	ck_assert_msg(rc == VIR0_OK, "%s at %s: %s", vir0_status_name(rc), err.path,
		      err.message);
	return bytes;
}

/* decode(encode(p)) must equal p. */
static void assert_round_trip(const vir0_program *p)
{
	size_t size;
	uint8_t *bytes = encode_ok(p, &size);
	vir0_program *q = decode_bytes(bytes, size);
	ck_assert(vir0_program_equal(p, q));
	ck_assert(vir0_program_equal(q, p));
	vir0_program_free(q);
	free(bytes);
}

START_TEST(test_vectors_reencode_identically)
{
	for (size_t i = 0; i < NVECTORS; i++) {
		size_t size, again_size;
		uint8_t *bytes = fixture_vector(vectors[i], &size);
		vir0_program *p = decode_bytes(bytes, size);
		uint8_t *again = encode_ok(p, &again_size);
		ck_assert_msg(again_size == size && memcmp(again, bytes, size) == 0,
			      "%s re-encodes differently (%zu vs %zu bytes)", vectors[i],
			      again_size, size);
		assert_round_trip(p);
		vir0_program_free(p);
		free(again);
		free(bytes);
	}
}
END_TEST

/* The program of fmt §10.1, built with the constructors of vir0.h. */
static vir0_program *build_add_u32(uint32_t count)
{
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	p->workgroup_size[0] = 64;
	ck_assert_int_eq(vir0_add_buffer(p, "a", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, count, 0), 0);
	ck_assert_int_eq(vir0_add_buffer(p, "b", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, count, 0), 0);
	ck_assert_int_eq(vir0_add_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, count, 1), 0);
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_let(p, "i", vir0_invocation_id(p, 0))), 0);
	struct vir0_expr *sum = vir0_binop(p, VIR0_BIN_ADD, vir0_load(p, "a", vir0_var(p, "i")),
					   vir0_load(p, "b", vir0_var(p, "i")));
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_store(p, "out", vir0_var(p, "i"), sum)), 0);
	return p;
}

START_TEST(test_built_program_matches_vector)
{
	vir0_program *built = build_add_u32(256);
	size_t size, vector_size;
	uint8_t *bytes = encode_ok(built, &size);
	uint8_t *vector = fixture_vector("add_u32", &vector_size);
	ck_assert_uint_eq(size, 131);
	ck_assert_uint_eq(size, vector_size);
	ck_assert_mem_eq(bytes, vector, size);
	vir0_program *decoded = decode_vector("add_u32");
	ck_assert(vir0_program_equal(built, decoded));
	assert_round_trip(built);
	vir0_program_free(decoded);
	vir0_program_free(built);
	free(vector);
	free(bytes);
}
END_TEST

START_TEST(test_encoding_is_deterministic)
{
	vir0_program *a = build_add_u32(256), *b = build_add_u32(256);
	size_t size_a, size_b, size_again;
	uint8_t *bytes_a = encode_ok(a, &size_a);
	uint8_t *bytes_b = encode_ok(b, &size_b);
	uint8_t *again = encode_ok(a, &size_again);
	ck_assert_uint_eq(size_a, size_b);
	ck_assert_mem_eq(bytes_a, bytes_b, size_a);
	ck_assert_uint_eq(size_a, size_again);
	ck_assert_mem_eq(bytes_a, again, size_a);
	free(bytes_a);
	free(bytes_b);
	free(again);
	vir0_program_free(a);
	vir0_program_free(b);
}
END_TEST

/* A one-statement program "let x = <value>", for literal tests. */
static vir0_program *let_program(vir0_program *p, struct vir0_expr *value)
{
	ck_assert_int_eq(vir0_append(p, &p->body, vir0_let(p, "x", value)), 0);
	return p;
}

static uint32_t encoded_f32_bits(float value)
{
	vir0_program *p = vir0_program_new();
	let_program(p, vir0_lit_f32(p, value));
	size_t size;
	uint8_t *bytes = encode_ok(p, &size);
	/* The literal's 4 bytes end the encoding. */
	uint32_t bits = (uint32_t)bytes[size - 4] | (uint32_t)bytes[size - 3] << 8 |
			(uint32_t)bytes[size - 2] << 16 | (uint32_t)bytes[size - 1] << 24;
	ck_assert_uint_eq(bytes[size - 5], VIR0_EXPR_LIT_F32);
	assert_round_trip(p);
	free(bytes);
	vir0_program_free(p);
	return bits;
}

START_TEST(test_f32_literals_encode_canonically)
{
	ck_assert_uint_eq(encoded_f32_bits(1.0f), 0x3F800000u);
	ck_assert_uint_eq(encoded_f32_bits(-0.0f), 0);
	ck_assert_uint_eq(encoded_f32_bits(-NAN), 0x7FC00000u);
	ck_assert_uint_eq(encoded_f32_bits(1e-40f), 0);
	ck_assert_uint_eq(encoded_f32_bits(-1e-40f), 0);
	ck_assert_uint_eq(encoded_f32_bits(-INFINITY), 0xFF800000u);
	/* A NaN with a payload encodes as the canonical NaN and compares
	 * equal to it, but not to a number. */
	vir0_program *a = vir0_program_new(), *b = vir0_program_new();
	struct vir0_expr *payload_nan = vir0_lit_f32(a, 0.0f);
	payload_nan->bits = 0x7FA00001u;
	let_program(a, payload_nan);
	let_program(b, vir0_lit_f32(b, NAN));
	ck_assert(vir0_program_equal(a, b));
	b->body.items[0]->value[0]->bits = 0x3F800000u;
	ck_assert(!vir0_program_equal(a, b));
	vir0_program_free(a);
	vir0_program_free(b);
}
END_TEST

static void expect_refusal(const vir0_program *p, const char *path)
{
	uint8_t *bytes = (uint8_t *)1;
	size_t size = 7;
	struct vir0_error err;
	int rc = vir0_encode(p, &bytes, &size, &err);
	ck_assert_msg(rc == VIR0_EARG, "expected VIR0_EARG, got %s", vir0_status_name(rc));
	ck_assert_int_eq(err.code, VIR0_EARG);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(size, 0);
	ck_assert_str_eq(err.path, path);
	ck_assert_msg(strlen(err.message) > 20, "message too short: %s", err.message);
}

START_TEST(test_refuses_bad_metadata)
{
	vir0_program *p = build_add_u32(256);
	p->workgroup_size[2] = 0;
	expect_refusal(p, "program");
	p->workgroup_size[2] = 1;
	p->buffers[1].access = 4;
	expect_refusal(p, "buffers[1]");
	p->buffers[1].access = VIR0_ACCESS_WORKGROUP;
	p->buffers[1].count = 0;
	expect_refusal(p, "buffers[1]");
	p->buffers[1].count = 8;
	p->buffers[1].is_output = 2;
	expect_refusal(p, "buffers[1]");
	p->buffers[1].is_output = 0;
	p->buffers[1].element.kind = 0x20;
	expect_refusal(p, "buffers[1]");
	p->buffers[1].element.kind = VIR0_TYPE_VEC;
	expect_refusal(p, "buffers[1]");
	p->buffers[1].element.kind = VIR0_TYPE_OPAQUE;
	p->buffers[1].element.arg0 = 0x7FFFFFFF;
	expect_refusal(p, "buffers[1]");
	p->buffers[1].element.arg0 = 0x80000000u;
	p->buffers[0].name = "a\xC0\x80";
	expect_refusal(p, "buffers[0]");
	p->buffers[0].name = NULL;
	expect_refusal(p, "buffers[0]");
	p->buffers[0].name = "a";
	p->entry_op_id = "\xED\xA0\x80";
	expect_refusal(p, "program");
	p->entry_op_id = "op";
	struct vir0_attachment attachments[2] = {
		{ "k", (const uint8_t *)"xy", 2 }, { "k", NULL, 0 },
	};
	p->attachments = attachments;
	p->nattachments = 2;
	expect_refusal(p, "attachments[1]");
	attachments[1].key = "k2";
	attachments[1].size = 3;
	expect_refusal(p, "attachments[1]");
	attachments[1].size = 0;
	assert_round_trip(p);
	p->attachments = NULL;
	p->nattachments = 0;
	vir0_program_free(p);
}
END_TEST

START_TEST(test_refuses_bad_types)
{
	vir0_program *p = build_add_u32(256);
	struct vir0_type *t = &p->buffers[0].element;
	struct vir0_type storage = { .kind = VIR0_TYPE_U32 };
	t->kind = VIR0_TYPE_QUANTIZED;
	t->element = &storage;
	expect_refusal(p, "buffers[0]");
	storage.kind = VIR0_TYPE_I4;
	t->scale_kind = 0;
	t->arg0 = 1;
	expect_refusal(p, "buffers[0]");
	t->scale_kind = 2;
	t->arg0 = 0;
	expect_refusal(p, "buffers[0]");
	t->arg0 = 16;
	t->zero_kind = 4;
	expect_refusal(p, "buffers[0]");
	t->zero_kind = 3;
	t->arg1 = 16;
	assert_round_trip(p);
	t->kind = VIR0_TYPE_DEVICE_MESH;
	t->ndims = 4097;
	expect_refusal(p, "buffers[0]");
	t->ndims = 2;
	expect_refusal(p, "buffers[0]");
	uint32_t dims[2] = { 4, 4 };
	t->dims = dims;
	assert_round_trip(p);
	/* Types nested deeper than max_depth (64) */
	struct vir0_type chain[70];
	for (int i = 0; i < 70; i++)
		chain[i] = (struct vir0_type){ .kind = VIR0_TYPE_SPARSE_CSR,
					       .element = i + 1 < 70 ? &chain[i + 1] : NULL };
	chain[69].kind = VIR0_TYPE_U32;
	*t = chain[0];
	expect_refusal(p, "buffers[0]");
	*t = chain[70 - 64];
	assert_round_trip(p);
	t->kind = VIR0_TYPE_U32;
	vir0_program_free(p);
}
END_TEST

START_TEST(test_refuses_bad_expressions)
{
	vir0_program *p = build_add_u32(256);
	struct vir0_node *store = p->body.items[1];
	struct vir0_expr *sum = store->value[1];
	sum->op = 0x22;
	expect_refusal(p, "body[1].value");
	sum->op = VIR0_OP_OPAQUE;
	sum->opaque_op = 0x1234;
	expect_refusal(p, "body[1].value");
	sum->opaque_op = 0x80001234u;
	assert_round_trip(p);
	sum->op = VIR0_BIN_ADD;
	struct vir0_expr *load_a = sum->arg[0];
	sum->arg[0] = NULL;
	expect_refusal(p, "body[1].value.left");
	sum->arg[0] = load_a;
	load_a->arg[0]->kind = 0x16;
	expect_refusal(p, "body[1].value.left.index");
	load_a->arg[0]->kind = VIR0_EXPR_VAR;
	load_a->arg[0]->name = "\xFF";
	expect_refusal(p, "body[1].value.left.index");
	load_a->arg[0]->name = "i";
	struct vir0_expr *id = p->body.items[0]->value[0];
	id->axis = 3;
	expect_refusal(p, "body[0].value");
	id->kind = VIR0_EXPR_LIT_BOOL;
	id->bits = 2;
	expect_refusal(p, "body[0].value");
	id->bits = 1;
	store->value[0] = vir0_atomic(p, VIR0_ATOMIC_ADD, "out", vir0_lit_u32(p, 0), NULL,
				      vir0_lit_u32(p, 1));
	store->value[0]->ordering = 6;
	expect_refusal(p, "body[1].index");
	store->value[0]->ordering = 4;
	store->value[0]->op = 0x0C;
	expect_refusal(p, "body[1].index");
	store->value[0]->op = VIR0_ATOMIC_COMPARE_EXCHANGE;
	store->value[0]->arg[1] = vir0_lit_u32(p, 5);
	assert_round_trip(p);
	struct vir0_expr *call = vir0_lit_u32(p, 0);
	call->kind = VIR0_EXPR_CALL;
	call->name = "f";
	call->nargs = 4097;
	store->value[0] = call;
	expect_refusal(p, "body[1].index");
	call->nargs = 1;
	expect_refusal(p, "body[1].index");
	struct vir0_expr *arg = vir0_lit_u32(p, 1);
	call->args = &arg;
	assert_round_trip(p);
	call->kind = VIR0_EXPR_OPAQUE;
	call->payload = (const uint8_t *)"";
	call->payload_len = (4u << 20) + 1;
	expect_refusal(p, "body[1].index");
	call->payload_len = 0;
	assert_round_trip(p);
	vir0_program_free(p);
}
END_TEST

START_TEST(test_refuses_bad_nodes)
{
	vir0_program *p = vir0_program_new();
	struct vir0_node *block = vir0_block(p);
	ck_assert_int_eq(vir0_append(p, &p->body, block), 0);
	struct vir0_node *barrier = vir0_barrier(p);
	ck_assert_int_eq(vir0_append(p, &block->body, barrier), 0);
	barrier->ordering = 6;
	expect_refusal(p, "body[0].body[0]");
	barrier->ordering = 4;
	barrier->kind = 0x13;
	expect_refusal(p, "body[0].body[0]");
	barrier->kind = VIR0_NODE_ALL_REDUCE;
	barrier->name = "b";
	barrier->op = 7;
	expect_refusal(p, "body[0].body[0]");
	barrier->op = 6;
	assert_round_trip(p);
	barrier->kind = VIR0_NODE_LET;
	expect_refusal(p, "body[0].body[0].value");
	barrier->kind = VIR0_NODE_REGION;
	barrier->name2 = "";
	assert_round_trip(p);
	block->body.items[0] = NULL;
	expect_refusal(p, "body[0].body[0]");
	block->body.items[0] = barrier;
	/* 65 nested Blocks: the innermost is at level 65 */
	struct vir0_node *inner = block;
	for (int level = 2; level <= 64; level++) {
		struct vir0_node *next = vir0_block(p);
		ck_assert_int_eq(vir0_append(p, &inner->body, next), 0);
		inner = next;
	}
	assert_round_trip(p);
	ck_assert_int_eq(vir0_append(p, &inner->body, vir0_return(p)), 0);
	uint8_t *bytes;
	size_t size;
	struct vir0_error err;
	ck_assert_int_eq(vir0_encode(p, &bytes, &size, &err), VIR0_EARG);
	ck_assert_ptr_nonnull(strstr(err.message, "max_depth"));
	vir0_program_free(p);
}
END_TEST

START_TEST(test_equality_sees_every_field)
{
	vir0_program *a = decode_vector("metadata"), *b = decode_vector("metadata");
	ck_assert(vir0_program_equal(a, b));
	b->entry_op_id = NULL;
	ck_assert(!vir0_program_equal(a, b));
	b->entry_op_id = "op.add";
	ck_assert(vir0_program_equal(a, b));
	b->buffers[1].binding = 9;
	ck_assert(!vir0_program_equal(a, b));
	b->buffers[1].binding = 1;
	((uint32_t *)b->buffers[1].element.dims)[1] = 4;
	ck_assert(!vir0_program_equal(a, b));
	((uint32_t *)b->buffers[1].element.dims)[1] = 3;
	b->buffers[2].element.arg0 = 2;
	ck_assert(!vir0_program_equal(a, b));
	b->buffers[2].element.arg0 = 1;
	((struct vir0_type *)b->buffers[9].element.element)->vec_count = 3;
	ck_assert(!vir0_program_equal(a, b));
	((struct vir0_type *)b->buffers[9].element.element)->vec_count = 2;
	((uint8_t *)b->attachments[0].data)[2] = 'd';
	ck_assert(!vir0_program_equal(a, b));
	((uint8_t *)b->attachments[0].data)[2] = 'c';
	b->attachments[1].key = "e";
	ck_assert(!vir0_program_equal(a, b));
	b->attachments[1].key = "\xC3\xA9";
	b->workgroup_size[1] = 3;
	ck_assert(!vir0_program_equal(a, b));
	b->workgroup_size[1] = 2;
	ck_assert(vir0_program_equal(a, b));
	vir0_program_free(a);
	vir0_program_free(b);

	a = decode_vector("nodes");
	b = decode_vector("nodes");
	b->body.items[8]->offset++;
	ck_assert(!vir0_program_equal(a, b));
	b->body.items[8]->offset--;
	b->body.items[11]->name2 = NULL;
	ck_assert(!vir0_program_equal(a, b));
	b->body.items[11]->name2 = "s";
	b->body.items[3]->otherwise.count = 0;
	ck_assert(!vir0_program_equal(a, b));
	b->body.items[3]->otherwise.count = 1;
	b->body.items[18]->root = 2;
	ck_assert(!vir0_program_equal(a, b));
	b->body.items[18]->root = 1;
	/* A field the kind does not carry is not part of the program. */
	b->body.items[5]->group = 99;
	ck_assert(vir0_program_equal(a, b));
	vir0_program_free(a);
	vir0_program_free(b);

	a = decode_vector("exprs");
	b = decode_vector("exprs");
	b->body.items[14]->value[0]->opaque_op = 0x80000003u;
	ck_assert(!vir0_program_equal(a, b));
	b->body.items[14]->value[0]->opaque_op = 0x80000002u;
	b->body.items[13]->value[0]->arg[1] = NULL;
	ck_assert(!vir0_program_equal(a, b));
	vir0_program_free(a);
	vir0_program_free(b);
	ck_assert(vir0_program_equal(NULL, NULL));
}
END_TEST

START_TEST(test_hash_is_xxh3_of_the_encoding)
{
	for (size_t i = 0; i < NVECTORS; i++) {
		size_t size;
		uint8_t *bytes = fixture_vector(vectors[i], &size);
		vir0_program *p = decode_bytes(bytes, size);
		struct vir0_hash hash;
		ck_assert_int_eq(vir0_hash_program(p, &hash, NULL), 0);
		XXH128_canonical_t expected;
		XXH128_canonicalFromHash(&expected, XXH3_128bits(bytes, size));
		ck_assert_mem_eq(hash.bytes, expected.digest, 16);
		vir0_program_free(p);
		free(bytes);
	}
}
END_TEST

START_TEST(test_hash_follows_content)
{
	vir0_program *a = build_add_u32(256), *b = build_add_u32(256);
	struct vir0_hash ha, hb;
	ck_assert_int_eq(vir0_hash_program(a, &ha, NULL), 0);
	ck_assert_int_eq(vir0_hash_program(b, &hb, NULL), 0);
	ck_assert_mem_eq(ha.bytes, hb.bytes, 16);
	vir0_program_free(b);
	/* One byte of one literal differs. */
	a = let_program(a, vir0_lit_u32(a, 0x100));
	b = build_add_u32(256);
	b = let_program(b, vir0_lit_u32(b, 0x101));
	ck_assert_int_eq(vir0_hash_program(a, &ha, NULL), 0);
	ck_assert_int_eq(vir0_hash_program(b, &hb, NULL), 0);
	ck_assert(memcmp(ha.bytes, hb.bytes, 16) != 0);
	b->body.items[2]->value[0]->bits = 0x100;
	ck_assert_int_eq(vir0_hash_program(b, &hb, NULL), 0);
	ck_assert_mem_eq(ha.bytes, hb.bytes, 16);
	/* A program the encoder refuses has no hash. */
	struct vir0_error err;
	b->workgroup_size[0] = 0;
	ck_assert_int_eq(vir0_hash_program(b, &hb, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_hash_program(b, NULL, &err), VIR0_EARG);
	vir0_program_free(a);
	vir0_program_free(b);
}
END_TEST

START_TEST(test_hash_format)
{
	struct vir0_hash hash;
	for (int i = 0; i < 16; i++)
		hash.bytes[i] = (uint8_t)(i * 0x11 ^ 0x0F);
	char text[33];
	memset(text, 'X', sizeof(text));
	vir0_hash_format(&hash, text);
	ck_assert_str_eq(text, "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
	ck_assert_uint_eq(strlen(text), 32);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("encode");
	TCase *round = tcase_create("round_trip");
	tcase_add_test(round, test_vectors_reencode_identically);
	tcase_add_test(round, test_built_program_matches_vector);
	tcase_add_test(round, test_encoding_is_deterministic);
	tcase_add_test(round, test_f32_literals_encode_canonically);
	suite_add_tcase(s, round);
	TCase *refusals = tcase_create("refusals");
	tcase_add_test(refusals, test_refuses_bad_metadata);
	tcase_add_test(refusals, test_refuses_bad_types);
	tcase_add_test(refusals, test_refuses_bad_expressions);
	tcase_add_test(refusals, test_refuses_bad_nodes);
	suite_add_tcase(s, refusals);
	TCase *identity = tcase_create("identity");
	tcase_add_test(identity, test_equality_sees_every_field);
	tcase_add_test(identity, test_hash_is_xxh3_of_the_encoding);
	tcase_add_test(identity, test_hash_follows_content);
	tcase_add_test(identity, test_hash_format);
	suite_add_tcase(s, identity);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
