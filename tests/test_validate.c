/* test_validate.c - vir0_validate (vir0-format.md §8): for each rule a
 * program that passes and programs that break it, checking the status
 * code and the node path of the error; plus the depth limit and scale. */
#include "vir0.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every test starts from a program with these buffers (declaration index
 * in the comment), workgroup size 1 x 1 x 1 and an empty body. */
static const struct {
	const char *name;
	enum vir0_access access;
	enum vir0_type_kind element;
	uint32_t count;
	int is_output;
} standard_buffers[] = {
	{ "a", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, 0, 0 },        /* 0 */
	{ "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 0, 1 },     /* 1 */
	{ "fo", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_F32, 0, 1 },      /* 2 */
	{ "io", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_I32, 0, 1 },      /* 3 */
	{ "uni", VIR0_ACCESS_UNIFORM, VIR0_TYPE_U32, 4, 0 },        /* 4 */
	{ "wg", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 64, 0 },      /* 5 */
	{ "flags", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_BOOL, 0, 0 },  /* 6 */
	{ "small", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U8, 8, 0 },    /* 7 */
	{ "narrow", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_I16, 0, 0 },   /* 8 */
};

static vir0_program *p;

static void setup(void)
{
	p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	for (unsigned i = 0; i < sizeof(standard_buffers) / sizeof(standard_buffers[0]); i++)
		ck_assert_int_eq(vir0_add_buffer(p, standard_buffers[i].name,
						 standard_buffers[i].access,
						 standard_buffers[i].element,
						 standard_buffers[i].count,
						 standard_buffers[i].is_output), VIR0_OK);
}

static void teardown(void)
{
	vir0_program_free(p);
}

/* Shorthands for building expressions in `p`. */
#define U(x) vir0_lit_u32(p, (x))
#define I(x) vir0_lit_i32(p, (x))
#define F(x) vir0_lit_f32(p, (x))
#define B(x) vir0_lit_bool(p, (x))
#define V(n) vir0_var(p, (n))
#define LOAD(b, i) vir0_load(p, (b), (i))
#define BIN(op, l, r) vir0_binop(p, VIR0_BIN_##op, (l), (r))
#define UN(op, x) vir0_unop(p, VIR0_UN_##op, (x))
#define CAST(t, x) vir0_cast(p, VIR0_TYPE_##t, (x))
#define LID vir0_local_id(p, 0)
#define GID vir0_invocation_id(p, 0)
#define WID vir0_workgroup_id(p, 0)

static struct vir0_node *add(struct vir0_node_list *list, struct vir0_node *n)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(vir0_append(p, list, n), VIR0_OK);
	return n;
}

static struct vir0_node *top(struct vir0_node *n)
{
	return add(&p->body, n);
}

/* A core barrier: vyre's default ordering, SeqCst. */
static struct vir0_node *barrier(void)
{
	struct vir0_node *n = vir0_barrier(p);
	ck_assert_ptr_nonnull(n);
	n->ordering = 4;
	return n;
}

static void expect_ok(void)
{
	struct vir0_error err;
	int rc = vir0_validate(p, &err);
	ck_assert_msg(rc == VIR0_OK, "expected VIR0_OK, got %s at '%s': %s",
		      vir0_status_name(rc), err.path, err.message);
}

static void expect_error(int code, const char *path)
{
	struct vir0_error err;
	int rc = vir0_validate(p, &err);
	ck_assert_msg(rc == code, "expected %s, got %s at '%s': %s", vir0_status_name(code),
		      vir0_status_name(rc), rc ? err.path : "", rc ? err.message : "");
	ck_assert_int_eq(err.code, code);
	ck_assert_str_eq(err.path, path);
	ck_assert_msg(strlen(err.message) > 10, "message too short: '%s'", err.message);
	if (code == VIR0_EUNSUPPORTED)
		ck_assert_msg(strstr(err.message, "outside the core profile"),
			      "V40 message lacks the words: '%s'", err.message);
}

/* ---- §8.1 program and buffers ---------------------------------------- */

START_TEST(passes_empty_and_worked_example)
{
	expect_ok();
	/* fmt §10: out[i] = a[i] + a[i] */
	top(vir0_let(p, "i", GID));
	struct vir0_node *in_range = top(vir0_if(p, BIN(LT, V("i"), vir0_buf_len(p, "out"))));
	add(&in_range->body, vir0_store(p, "out", V("i"),
					BIN(ADD, LOAD("a", V("i")), LOAD("a", V("i")))));
	expect_ok();
}
END_TEST

START_TEST(rejects_null_program)
{
	struct vir0_error err;
	ck_assert_int_eq(vir0_validate(NULL, &err), VIR0_EARG);
	ck_assert_int_eq(vir0_validate(NULL, NULL), VIR0_EARG);
}
END_TEST

START_TEST(v1_buffer_names)
{
	ck_assert_int_eq(vir0_add_buffer(p, "a", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, 0, 0), 0);
	expect_error(VIR0_EINVALID, "buffers[9]");
	p->buffers[9].name = "";
	expect_error(VIR0_EINVALID, "buffers[9]");
	p->buffers[9].name = "a2";
	expect_ok();
}
END_TEST

START_TEST(v2_core_element_types)
{
	ck_assert_int_eq(vir0_add_buffer(p, "d", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_F64, 0, 0), 0);
	expect_error(VIR0_EUNSUPPORTED, "buffers[9]");
	p->buffers[9].element.kind = VIR0_TYPE_BYTES;
	expect_ok();
}
END_TEST

START_TEST(v3_outputs_are_read_write)
{
	p->buffers[0].is_output = 1;
	expect_error(VIR0_EINVALID, "buffers[0]");
	p->buffers[0].is_output = 0;
	p->buffers[5].is_output = 1;
	expect_error(VIR0_EINVALID, "buffers[5]");
}
END_TEST

START_TEST(v4_unique_bindings)
{
	p->buffers[3].binding = 1;
	expect_error(VIR0_EINVALID, "buffers[3]");
	/* Workgroup buffers' bindings are ignored. */
	p->buffers[3].binding = 3;
	p->buffers[5].binding = 1;
	expect_ok();
}
END_TEST

START_TEST(v5_workgroup_memory_limit)
{
	ck_assert_int_eq(vir0_add_buffer(p, "big", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32,
					 16 * 1024 * 1024 - 64, 0), 0);
	expect_ok();
	p->buffers[9].count++;
	expect_error(VIR0_EINVALID, "buffers[9]");
}
END_TEST

START_TEST(workgroup_buffers_need_a_count)
{
	p->buffers[5].count = 0;
	expect_error(VIR0_EINVALID, "buffers[5]");
}
END_TEST

START_TEST(v6_workgroup_size)
{
	p->workgroup_size[0] = 1024;
	p->workgroup_size[1] = 1024;
	p->workgroup_size[2] = 4095;
	expect_ok();
	p->workgroup_size[2] = 4096;
	expect_error(VIR0_EINVALID, "workgroup_size");
	p->workgroup_size[1] = 0;
	expect_error(VIR0_EINVALID, "workgroup_size[1]");
}
END_TEST

START_TEST(v7_declared_buffers)
{
	top(vir0_let(p, "x", vir0_buf_len(p, "a")));
	top(vir0_store(p, "out", U(0), LOAD("a", U(0))));
	top(vir0_let(p, "y", vir0_atomic(p, VIR0_ATOMIC_ADD, "out", U(0), NULL, U(1))));
	expect_ok();
	top(vir0_store(p, "out", U(0), LOAD("nope", U(0))));
	expect_error(VIR0_EINVALID, "body[3].value");
	p->body.count = 3;
	top(vir0_store(p, "nope", U(0), U(0)));
	expect_error(VIR0_EINVALID, "body[3]");
	p->body.count = 3;
	top(vir0_let(p, "z", vir0_buf_len(p, "nope")));
	expect_error(VIR0_EINVALID, "body[3].value");
	p->body.count = 3;
	top(vir0_let(p, "z", vir0_atomic(p, VIR0_ATOMIC_ADD, "nope", U(0), NULL, U(1))));
	expect_error(VIR0_EINVALID, "body[3].value");
}
END_TEST

/* ---- §8.2 names and scopes ------------------------------------------- */

START_TEST(v8_names_not_empty)
{
	top(vir0_let(p, "", U(1)));
	expect_error(VIR0_EINVALID, "body[0]");
	p->body.count = 0;
	top(vir0_loop(p, "", U(0), U(1)));
	expect_error(VIR0_EINVALID, "body[0]");
	p->body.count = 0;
	top(vir0_let(p, "x", V("")));
	expect_error(VIR0_EINVALID, "body[0].value");
}
END_TEST

START_TEST(v9_scopes_close_with_their_list)
{
	struct vir0_node *block = top(vir0_block(p));
	add(&block->body, vir0_let(p, "x", U(1)));
	top(vir0_let(p, "y", V("x")));
	expect_error(VIR0_EINVALID, "body[1].value");

	p->body.count = 0;
	struct vir0_node *branch = top(vir0_if(p, B(1)));
	add(&branch->body, vir0_let(p, "x", U(1)));
	add(&branch->otherwise, vir0_let(p, "y", V("x")));
	expect_error(VIR0_EINVALID, "body[0].otherwise[0].value");

	p->body.count = 0;
	struct vir0_node *loop = top(vir0_loop(p, "k", U(0), U(4)));
	add(&loop->body, vir0_let(p, "x", V("k")));
	top(vir0_let(p, "y", V("k")));
	expect_error(VIR0_EINVALID, "body[1].value");
}
END_TEST

START_TEST(v9_region_keeps_the_scope)
{
	struct vir0_node *region = vir0_block(p);
	region->kind = VIR0_NODE_REGION;
	region->name = "gen";
	top(region);
	add(&region->body, vir0_let(p, "x", U(1)));
	add(&region->body, barrier());
	top(vir0_store(p, "out", U(0), V("x")));
	expect_ok();
	top(vir0_let(p, "x", U(2)));
	expect_error(VIR0_EINVALID, "body[2]");
}
END_TEST

START_TEST(v10_let_value_before_binding)
{
	top(vir0_let(p, "x", V("x")));
	expect_error(VIR0_EINVALID, "body[0].value");
}
END_TEST

START_TEST(v11_no_shadowing)
{
	/* Names are reusable once their scope has closed. */
	struct vir0_node *b1 = top(vir0_block(p));
	add(&b1->body, vir0_let(p, "t", U(1)));
	struct vir0_node *b2 = top(vir0_block(p));
	add(&b2->body, vir0_let(p, "t", F(1.0f)));
	struct vir0_node *l1 = top(vir0_loop(p, "k", U(0), U(2)));
	add(&l1->body, vir0_let(p, "t", U(1)));
	top(vir0_loop(p, "k", U(0), U(2)));
	top(vir0_let(p, "x", U(1)));
	expect_ok();

	top(vir0_let(p, "x", U(2)));
	expect_error(VIR0_EINVALID, "body[5]");

	p->body.count = 5;
	struct vir0_node *inner = top(vir0_block(p));
	add(&inner->body, vir0_let(p, "x", U(2)));
	expect_error(VIR0_EINVALID, "body[5].body[0]");

	p->body.count = 5;
	top(vir0_loop(p, "x", U(0), U(2)));
	expect_error(VIR0_EINVALID, "body[5]");

	p->body.count = 5;
	struct vir0_node *outer = top(vir0_loop(p, "j", U(0), U(2)));
	add(&outer->body, vir0_let(p, "j", U(0)));
	expect_error(VIR0_EINVALID, "body[5].body[0]");
}
END_TEST

START_TEST(v12_var_in_scope)
{
	top(vir0_let(p, "x", U(1)));
	struct vir0_node *branch = top(vir0_if(p, B(1)));
	add(&branch->body, vir0_store(p, "out", V("x"), V("x")));
	expect_ok();
	add(&branch->body, vir0_store(p, "out", U(0), V("y")));
	expect_error(VIR0_EINVALID, "body[1].then[1].value");
}
END_TEST

START_TEST(v13_assign)
{
	top(vir0_let(p, "x", U(1)));
	struct vir0_node *loop = top(vir0_loop(p, "k", U(0), U(3)));
	add(&loop->body, vir0_assign(p, "x", BIN(ADD, V("x"), V("k"))));
	expect_ok();

	add(&loop->body, vir0_assign(p, "k", U(0)));
	expect_error(VIR0_EINVALID, "body[1].body[1]");

	loop->body.count = 1;
	add(&loop->body, vir0_assign(p, "nope", U(0)));
	expect_error(VIR0_EINVALID, "body[1].body[1]");

	loop->body.count = 1;
	add(&loop->body, vir0_assign(p, "x", I(0)));
	expect_error(VIR0_EINVALID, "body[1].body[1].value");
}
END_TEST

START_TEST(v14_locals_and_buffers_apart)
{
	top(vir0_let(p, "out", LOAD("out", U(0))));
	top(vir0_store(p, "out", U(0), V("out")));
	expect_ok();
	top(vir0_assign(p, "a", U(0)));
	expect_error(VIR0_EINVALID, "body[2]");
}
END_TEST

/* ---- §8.3 statements ------------------------------------------------- */

START_TEST(v15_if_condition)
{
	top(vir0_if(p, U(1)));
	top(vir0_if(p, BIN(EQ, F(1.0f), F(2.0f))));
	expect_ok();
	top(vir0_if(p, I(1)));
	expect_error(VIR0_EINVALID, "body[2].cond");
	p->body.count = 2;
	top(vir0_if(p, F(1.0f)));
	expect_error(VIR0_EINVALID, "body[2].cond");
}
END_TEST

START_TEST(v16_loop_bounds)
{
	struct vir0_node *loop = top(vir0_loop(p, "k", I(-4), I(4)));
	add(&loop->body, vir0_store(p, "io", U(0), V("k")));
	expect_ok();
	/* An i32 loop variable is no u32. */
	add(&loop->body, vir0_store(p, "out", U(0), V("k")));
	expect_error(VIR0_EINVALID, "body[0].body[1].value");

	p->body.count = 0;
	top(vir0_loop(p, "k", U(0), I(4)));
	expect_error(VIR0_EINVALID, "body[0].to");
	p->body.count = 0;
	top(vir0_loop(p, "k", F(0.0f), F(4.0f)));
	expect_error(VIR0_EINVALID, "body[0].from");
	p->body.count = 0;
	top(vir0_loop(p, "k", B(0), B(1)));
	expect_error(VIR0_EINVALID, "body[0].from");
}
END_TEST

START_TEST(v17_store_access_and_types)
{
	top(vir0_store(p, "out", U(0), U(1)));
	top(vir0_store(p, "wg", U(0), U(1)));
	top(vir0_store(p, "fo", U(0), F(1.0f)));
	top(vir0_store(p, "io", U(0), I(-1)));
	top(vir0_store(p, "flags", U(0), B(1)));
	top(vir0_store(p, "small", U(7), U(300)));
	expect_ok();

	top(vir0_store(p, "a", U(0), U(1)));
	expect_error(VIR0_EINVALID, "body[6]");
	p->body.count = 6;
	top(vir0_store(p, "uni", U(0), U(1)));
	expect_error(VIR0_EINVALID, "body[6]");
	p->body.count = 6;
	top(vir0_store(p, "out", I(0), U(1)));
	expect_error(VIR0_EINVALID, "body[6].index");
	p->body.count = 6;
	top(vir0_store(p, "out", U(0), F(1.0f)));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_store(p, "flags", U(0), U(1)));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_store(p, "io", U(0), U(1)));
	expect_error(VIR0_EINVALID, "body[6].value");
}
END_TEST

START_TEST(v18_literal_store_index)
{
	top(vir0_store(p, "small", U(8), U(0)));
	expect_error(VIR0_EINVALID, "body[0].index");
	/* count 0: sized at run time, no static bound */
	p->body.count = 0;
	top(vir0_store(p, "out", U(1000000), U(0)));
	expect_ok();
}
END_TEST

START_TEST(v19_return_is_last)
{
	struct vir0_node *branch = top(vir0_if(p, BIN(EQ, LID, U(0))));
	add(&branch->body, vir0_return(p));
	top(vir0_store(p, "out", U(0), U(1)));
	top(vir0_return(p));
	expect_ok();
	add(&branch->body, vir0_store(p, "out", U(0), U(1)));
	expect_error(VIR0_EINVALID, "body[0].then[1]");
	branch->body.count = 1;
	top(vir0_return(p));
	expect_error(VIR0_EINVALID, "body[3]");
}
END_TEST

/* ---- §8.4 expression types ------------------------------------------- */

START_TEST(v21_binop_types)
{
	top(vir0_let(p, "s", BIN(SHL, U(1), U(3))));
	top(vir0_let(p, "b", BIN(AND, BIN(LT, I(1), I(2)), BIN(GE, F(1.0f), F(0.5f)))));
	top(vir0_let(p, "c", BIN(OR, U(1), U(0))));
	top(vir0_let(p, "m", BIN(MIN, I(1), I(-1))));
	top(vir0_let(p, "e", BIN(EQ, B(1), V("b"))));
	top(vir0_store(p, "flags", U(0), BIN(AND, V("b"), V("c"))));
	expect_ok();

	top(vir0_let(p, "x", BIN(ADD, U(1), I(1))));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_let(p, "x", BIN(SHL, I(1), I(1))));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_let(p, "x", BIN(MOD, F(1.0f), F(2.0f))));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_let(p, "x", BIN(LT, B(0), B(1))));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_let(p, "x", BIN(ADD, U(1), BIN(MUL, U(2), F(2.0f)))));
	expect_error(VIR0_EINVALID, "body[6].value.right");
}
END_TEST

START_TEST(v22_unop_types)
{
	top(vir0_let(p, "n", UN(NEGATE, I(1))));
	top(vir0_let(p, "r", UN(SQRT, F(2.0f))));
	top(vir0_let(p, "q", UN(IS_NAN, V("r"))));
	top(vir0_let(p, "z", UN(LOGICAL_NOT, U(0))));
	top(vir0_store(p, "flags", U(0), BIN(OR, V("q"), V("z"))));
	top(vir0_let(p, "c", UN(CLZ, U(1))));
	expect_ok();
	top(vir0_let(p, "x", UN(SQRT, U(4))));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_let(p, "x", UN(BIT_NOT, F(1.0f))));
	expect_error(VIR0_EINVALID, "body[6].value");
	p->body.count = 6;
	top(vir0_let(p, "x", UN(LOGICAL_NOT, I(0))));
	expect_error(VIR0_EINVALID, "body[6].value");
}
END_TEST

START_TEST(v23_static_zero_divisor)
{
	top(vir0_let(p, "x", BIN(DIV, U(1), U(2))));
	top(vir0_let(p, "y", BIN(DIV, F(1.0f), F(0.5f))));
	expect_ok();
	top(vir0_let(p, "z", BIN(DIV, U(1), U(0))));
	expect_error(VIR0_EINVALID, "body[2].value");
	p->body.count = 2;
	top(vir0_let(p, "z", BIN(MOD, I(1), CAST(I32, CAST(U32, F(0.0f))))));
	expect_error(VIR0_EINVALID, "body[2].value");
	p->body.count = 2;
	top(vir0_let(p, "z", BIN(ADD, F(1.0f), BIN(DIV, F(1.0f), F(0.0f)))));
	expect_error(VIR0_EINVALID, "body[2].value.right");
}
END_TEST

START_TEST(v24_select)
{
	top(vir0_store(p, "fo", U(0), vir0_select(p, U(1), F(1.0f), F(2.0f))));
	top(vir0_store(p, "io", U(0), vir0_select(p, B(0), I(1), I(2))));
	expect_ok();
	top(vir0_let(p, "x", vir0_select(p, B(1), U(1), I(2))));
	expect_error(VIR0_EINVALID, "body[2].value");
	p->body.count = 2;
	top(vir0_let(p, "x", vir0_select(p, F(1.0f), U(1), U(2))));
	expect_error(VIR0_EINVALID, "body[2].value.cond");
}
END_TEST

START_TEST(v25_cast)
{
	static const enum vir0_type_kind targets[] = {
		VIR0_TYPE_U32, VIR0_TYPE_I32, VIR0_TYPE_F32, VIR0_TYPE_BOOL,
	};
	unsigned n = 0;
	for (unsigned t = 0; t < 4; t++) {
		char name[8];
		snprintf(name, sizeof(name), "c%u", n++);
		top(vir0_let(p, name, vir0_cast(p, targets[t], U(1))));
		snprintf(name, sizeof(name), "c%u", n++);
		top(vir0_let(p, name, vir0_cast(p, targets[t], I(1))));
		snprintf(name, sizeof(name), "c%u", n++);
		top(vir0_let(p, name, vir0_cast(p, targets[t], F(1.0f))));
		snprintf(name, sizeof(name), "c%u", n++);
		top(vir0_let(p, name, vir0_cast(p, targets[t], B(1))));
	}
	top(vir0_store(p, "fo", U(0), CAST(F32, U(1))));
	expect_ok();
	top(vir0_let(p, "x", CAST(F64, U(1))));
	expect_error(VIR0_EUNSUPPORTED, "body[17].value");
	p->body.count = 17;
	top(vir0_let(p, "x", CAST(U8, U(1))));
	expect_error(VIR0_EUNSUPPORTED, "body[17].value");
}
END_TEST

START_TEST(v26_fma)
{
	top(vir0_store(p, "fo", U(0), vir0_fma(p, F(1.0f), F(2.0f), F(3.0f))));
	expect_ok();
	top(vir0_let(p, "x", vir0_fma(p, F(1.0f), F(2.0f), U(3))));
	expect_error(VIR0_EINVALID, "body[1].value.c");
}
END_TEST

START_TEST(v27_atomics)
{
	top(vir0_let(p, "o1", vir0_atomic(p, VIR0_ATOMIC_ADD, "out", U(0), NULL, U(1))));
	top(vir0_let(p, "o2", vir0_atomic(p, VIR0_ATOMIC_MAX, "io", U(0), NULL, I(-1))));
	top(vir0_let(p, "o3", vir0_atomic(p, VIR0_ATOMIC_EXCHANGE, "wg", U(0), NULL, U(1))));
	top(vir0_store(p, "io", U(1), V("o2")));
	expect_ok();

	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_ADD, "a", U(0), NULL, U(1))));
	expect_error(VIR0_EINVALID, "body[4].value");
	p->body.count = 4;
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_ADD, "uni", U(0), NULL, U(1))));
	expect_error(VIR0_EINVALID, "body[4].value");
	p->body.count = 4;
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_ADD, "fo", U(0), NULL, F(1.0f))));
	expect_error(VIR0_EINVALID, "body[4].value");
	p->body.count = 4;
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_ADD, "small", U(0), NULL, U(1))));
	expect_error(VIR0_EINVALID, "body[4].value");
	p->body.count = 4;
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_ADD, "out", U(0), NULL, I(1))));
	expect_error(VIR0_EINVALID, "body[4].value.value");
	p->body.count = 4;
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_ADD, "out", I(0), NULL, U(1))));
	expect_error(VIR0_EINVALID, "body[4].value.index");

	p->body.count = 4;
	struct vir0_node *let = top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_ADD, "out", U(0),
								   NULL, U(1))));
	let->value[0]->ordering = 5; /* GridSync */
	expect_error(VIR0_EINVALID, "body[4].value");
	let->value[0]->ordering = 0; /* Relaxed is fine for atomics */
	expect_ok();

	let->value[0]->op = VIR0_ATOMIC_LRU_UPDATE;
	expect_error(VIR0_EUNSUPPORTED, "body[4].value");
	let->value[0]->op = VIR0_OP_OPAQUE;
	let->value[0]->opaque_op = 0x80000001u;
	expect_error(VIR0_EUNSUPPORTED, "body[4].value");
}
END_TEST

START_TEST(v28_compare_exchange_expected)
{
	top(vir0_let(p, "old", vir0_atomic(p, VIR0_ATOMIC_COMPARE_EXCHANGE, "out", U(0), U(0),
					   U(1))));
	expect_ok();
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_COMPARE_EXCHANGE, "out", U(0), NULL,
					 U(1))));
	expect_error(VIR0_EINVALID, "body[1].value");
	p->body.count = 1;
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_OR, "out", U(0), U(0), U(1))));
	expect_error(VIR0_EINVALID, "body[1].value");
	p->body.count = 1;
	top(vir0_let(p, "x", vir0_atomic(p, VIR0_ATOMIC_COMPARE_EXCHANGE, "io", U(0), U(0),
					 I(1))));
	expect_error(VIR0_EINVALID, "body[1].value.expected");
}
END_TEST

START_TEST(v29_load_types)
{
	top(vir0_store(p, "out", U(0), LOAD("small", U(0))));
	top(vir0_store(p, "io", U(0), LOAD("narrow", U(0))));
	top(vir0_store(p, "flags", U(0), LOAD("flags", U(1))));
	top(vir0_store(p, "out", U(1), BIN(ADD, LOAD("uni", U(0)), LOAD("wg", U(0)))));
	expect_ok();
	top(vir0_store(p, "out", U(0), LOAD("narrow", U(0))));
	expect_error(VIR0_EINVALID, "body[4].value");
	p->body.count = 4;
	top(vir0_store(p, "out", U(0), LOAD("a", I(0))));
	expect_error(VIR0_EINVALID, "body[4].value.index");
}
END_TEST

START_TEST(v30_id_axis)
{
	top(vir0_let(p, "x", vir0_workgroup_id(p, 2)));
	expect_ok();
	top(vir0_let(p, "y", vir0_local_id(p, 3)));
	expect_error(VIR0_EINVALID, "body[1].value");
}
END_TEST

/* ---- §8.6 barriers and uniform control flow --------------------------- */

START_TEST(v31_barrier_orderings)
{
	top(barrier());
	expect_ok();
	p->body.items[0]->ordering = 0;
	expect_error(VIR0_EINVALID, "body[0]");
	p->body.items[0]->ordering = 5;
	expect_error(VIR0_EUNSUPPORTED, "body[0]");
	p->body.items[0]->ordering = 6;
	expect_error(VIR0_EINVALID, "body[0]");
}
END_TEST

START_TEST(v31_barrier_in_uniform_flow)
{
	p->workgroup_size[0] = 64;
	top(barrier());
	struct vir0_node *block = top(vir0_block(p));
	add(&block->body, barrier());
	/* uniform: literals, buf_len, workgroup_id, uniform variables */
	top(vir0_let(p, "n", BIN(MIN, vir0_buf_len(p, "a"), U(8))));
	struct vir0_node *by_group = top(vir0_if(p, BIN(EQ, BIN(MOD, WID, U(2)), U(0))));
	add(&by_group->body, barrier());
	add(&by_group->otherwise, barrier());
	struct vir0_node *loop = top(vir0_loop(p, "k", U(0), V("n")));
	struct vir0_node *nested = add(&loop->body, vir0_if(p, BIN(LT, V("k"), U(3))));
	add(&nested->body, barrier());
	top(vir0_store(p, "wg", LID, U(1)));
	expect_ok();
}
END_TEST

START_TEST(v31_barrier_in_divergent_if)
{
	p->workgroup_size[0] = 64;
	struct vir0_node *branch = top(vir0_if(p, BIN(EQ, LID, U(0))));
	add(&branch->body, vir0_store(p, "wg", U(0), U(1)));
	add(&branch->otherwise, barrier());
	expect_error(VIR0_EINVALID, "body[0].otherwise[0]");

	/* divergence reaches through nested Blocks and uniform Ifs */
	branch->otherwise.count = 0;
	struct vir0_node *block = add(&branch->otherwise, vir0_block(p));
	struct vir0_node *inner = add(&block->body, vir0_if(p, B(1)));
	add(&inner->body, barrier());
	expect_error(VIR0_EINVALID, "body[0].otherwise[0].body[0].then[0]");
}
END_TEST

START_TEST(v31_barrier_in_divergent_loop)
{
	struct vir0_node *loop = top(vir0_loop(p, "k", U(0), LOAD("uni", U(0))));
	add(&loop->body, barrier());
	expect_error(VIR0_EINVALID, "body[0].body[0]");

	p->body.count = 0;
	top(vir0_let(p, "g", GID));
	loop = top(vir0_loop(p, "k", U(0), BIN(ADD, V("g"), U(1))));
	add(&loop->body, barrier());
	expect_error(VIR0_EINVALID, "body[1].body[0]");

	/* a loop with uniform bounds inside a divergent If is divergent too */
	p->body.count = 0;
	struct vir0_node *branch = top(vir0_if(p, BIN(LT, GID, U(3))));
	loop = add(&branch->body, vir0_loop(p, "k", U(0), U(4)));
	add(&loop->body, barrier());
	expect_error(VIR0_EINVALID, "body[0].then[0].body[0]");
}
END_TEST

START_TEST(v31_assign_keeps_uniformity_only_outside_divergence)
{
	top(vir0_let(p, "n", U(1)));
	top(vir0_assign(p, "n", vir0_buf_len(p, "a")));
	struct vir0_node *branch = top(vir0_if(p, BIN(EQ, V("n"), U(1))));
	add(&branch->body, barrier());
	expect_ok();

	/* a non-uniform value */
	p->body.count = 1;
	top(vir0_assign(p, "n", LID));
	branch = top(vir0_if(p, BIN(EQ, V("n"), U(1))));
	add(&branch->body, barrier());
	expect_error(VIR0_EINVALID, "body[2].then[0]");

	/* a uniform value assigned in divergent flow (the fmt §8.6 tightening) */
	p->body.count = 1;
	struct vir0_node *some = top(vir0_if(p, BIN(EQ, LID, U(0))));
	add(&some->body, vir0_assign(p, "n", U(2)));
	struct vir0_node *loop = top(vir0_loop(p, "k", U(0), V("n")));
	add(&loop->body, barrier());
	expect_error(VIR0_EINVALID, "body[2].body[0]");
}
END_TEST

START_TEST(v31_loop_back_edge)
{
	/* let n = 1; loop k { if n == 1 { barrier } if lid == 0 { n = 2 } } */
	top(vir0_let(p, "n", U(1)));
	struct vir0_node *loop = top(vir0_loop(p, "k", U(0), U(4)));
	struct vir0_node *check = add(&loop->body, vir0_if(p, BIN(EQ, V("n"), U(1))));
	add(&check->body, barrier());
	struct vir0_node *some = add(&loop->body, vir0_if(p, BIN(EQ, LID, U(0))));
	add(&some->body, vir0_assign(p, "n", U(2)));
	expect_error(VIR0_EINVALID, "body[1].body[0].then[0]");

	/* a loop whose assignments do not feed the barrier's condition is fine */
	p->body.count = 1;
	top(vir0_let(p, "m", U(0)));
	loop = top(vir0_loop(p, "k", U(0), U(4)));
	check = add(&loop->body, vir0_if(p, BIN(EQ, V("n"), U(1))));
	add(&check->body, barrier());
	some = add(&loop->body, vir0_if(p, BIN(EQ, LID, U(0))));
	add(&some->body, vir0_assign(p, "m", U(2)));
	expect_ok();
}
END_TEST

START_TEST(v31_divergent_return_then_barrier)
{
	struct vir0_node *branch = top(vir0_if(p, BIN(EQ, LID, U(0))));
	add(&branch->body, vir0_return(p));
	top(barrier());
	expect_ok();
}
END_TEST

/* ---- §8.7 core profile ------------------------------------------------ */

START_TEST(v40_nodes_outside_core)
{
	static const uint8_t kinds[] = {
		VIR0_NODE_INDIRECT_DISPATCH, VIR0_NODE_ASYNC_LOAD, VIR0_NODE_ASYNC_WAIT,
		VIR0_NODE_ASYNC_STORE, VIR0_NODE_TRAP, VIR0_NODE_RESUME, VIR0_NODE_ALL_REDUCE,
		VIR0_NODE_ALL_GATHER, VIR0_NODE_REDUCE_SCATTER, VIR0_NODE_BROADCAST,
		VIR0_NODE_OPAQUE,
	};
	top(vir0_store(p, "out", U(0), U(0)));
	struct vir0_node *node = top(vir0_block(p));
	for (unsigned i = 0; i < sizeof(kinds); i++) {
		node->kind = kinds[i];
		node->name = "x";
		expect_error(VIR0_EUNSUPPORTED, "body[1]");
	}
	node->kind = 0x40;
	expect_error(VIR0_EINVALID, "body[1]");
}
END_TEST

START_TEST(v40_exprs_outside_core)
{
	static const uint8_t kinds[] = {
		VIR0_EXPR_CALL, VIR0_EXPR_SUBGROUP_ADD, VIR0_EXPR_SUBGROUP_SHUFFLE,
		VIR0_EXPR_SUBGROUP_BALLOT, VIR0_EXPR_SUBGROUP_LOCAL_ID,
		VIR0_EXPR_SUBGROUP_SIZE, VIR0_EXPR_OPAQUE,
	};
	struct vir0_expr *e = U(0);
	top(vir0_store(p, "out", U(0), BIN(ADD, U(1), e)));
	for (unsigned i = 0; i < sizeof(kinds); i++) {
		e->kind = kinds[i];
		e->name = "x";
		expect_error(VIR0_EUNSUPPORTED, "body[0].value.right");
	}
	e->kind = 0x30;
	expect_error(VIR0_EINVALID, "body[0].value.right");
}
END_TEST

START_TEST(v40_operators_outside_core)
{
	struct vir0_expr *bin = BIN(ADD, U(1), U(2));
	struct vir0_expr *un = UN(NEGATE, F(1.0f));
	top(vir0_store(p, "out", U(0), bin));
	top(vir0_store(p, "fo", U(0), un));
	expect_ok();
	static const uint8_t binops[] = {
		VIR0_BIN_SHUFFLE, VIR0_BIN_BALLOT, VIR0_BIN_WAVE_REDUCE,
		VIR0_BIN_WAVE_BROADCAST, VIR0_OP_OPAQUE,
	};
	for (unsigned i = 0; i < sizeof(binops); i++) {
		bin->op = binops[i];
		expect_error(VIR0_EUNSUPPORTED, "body[0].value");
	}
	bin->op = 0;
	expect_error(VIR0_EINVALID, "body[0].value");
	bin->op = VIR0_BIN_MUL_HIGH;
	expect_ok();

	static const uint8_t unops[] = {
		VIR0_UN_COS, VIR0_UN_SIN, VIR0_UN_EXP, VIR0_UN_TANH, VIR0_UN_INVERSE_SQRT,
		VIR0_UN_UNPACK8_HIGH, VIR0_UN_RECIPROCAL, VIR0_OP_OPAQUE,
	};
	for (unsigned i = 0; i < sizeof(unops); i++) {
		un->op = unops[i];
		expect_error(VIR0_EUNSUPPORTED, "body[1].value");
	}
	un->op = VIR0_UN_LAST + 1;
	expect_error(VIR0_EINVALID, "body[1].value");
}
END_TEST

/* ---- walk order, depth and scale -------------------------------------- */

START_TEST(reports_the_first_problem)
{
	top(vir0_let(p, "x", BIN(ADD, V("nope"), U(0))));
	top(vir0_store(p, "a", U(0), U(0)));
	expect_error(VIR0_EINVALID, "body[0].value.left");
	/* buffers come before the body */
	p->buffers[1].is_output = 1;
	p->buffers[0].is_output = 1;
	expect_error(VIR0_EINVALID, "buffers[0]");
}
END_TEST

/* Nested Blocks `depth` deep, the innermost holding one barrier. */
static void nest_blocks(unsigned depth)
{
	struct vir0_node_list *list = &p->body;
	for (unsigned i = 0; i < depth; i++)
		list = &add(list, vir0_block(p))->body;
	add(list, barrier());
}

START_TEST(depth_limit_on_statements)
{
	nest_blocks(255); /* the barrier is at level 256 */
	expect_ok();
	p->body.count = 0;
	nest_blocks(256);
	struct vir0_error err;
	ck_assert_int_eq(vir0_validate(p, &err), VIR0_EDEPTH);
	/* the path keeps its precise end */
	ck_assert_int_lt(strlen(err.path), VIR0_ERROR_PATH_MAX);
	ck_assert_msg(strncmp(err.path, "...", 3) == 0, "path '%s'", err.path);
	const char *tail = ".body[0].body[0]";
	ck_assert_str_eq(err.path + strlen(err.path) - strlen(tail), tail);
}
END_TEST

START_TEST(depth_limit_on_expressions)
{
	/* A chain far deeper than any C stack would survive unbounded. */
	struct vir0_expr *e = U(1);
	for (unsigned i = 0; i < 200000; i++)
		e = UN(NEGATE, e);
	top(vir0_let(p, "x", e));
	struct vir0_error err;
	ck_assert_int_eq(vir0_validate(p, &err), VIR0_EDEPTH);
	ck_assert_int_eq(err.code, VIR0_EDEPTH);
}
END_TEST

START_TEST(many_names_and_buffers)
{
	char name[32];
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "buf%u", i);
		ck_assert_int_eq(vir0_add_buffer(p, name, VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32,
						 0, 0), 0);
	}
	for (unsigned i = 0; i < 50000; i++) {
		snprintf(name, sizeof(name), "v%u", i);
		top(vir0_let(p, name, i ? V("v0") : U(0)));
	}
	top(vir0_store(p, "buf4999", V("v49999"), V("v123")));
	expect_ok();
	top(vir0_let(p, "v777", U(0)));
	expect_error(VIR0_EINVALID, "body[50001]");
}
END_TEST

START_TEST(error_may_be_null)
{
	top(vir0_store(p, "a", U(0), U(0)));
	ck_assert_int_eq(vir0_validate(p, NULL), VIR0_EINVALID);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, passes_empty_and_worked_example);
	tcase_add_test(tc, rejects_null_program);
	tcase_add_test(tc, v1_buffer_names);
	tcase_add_test(tc, v2_core_element_types);
	tcase_add_test(tc, v3_outputs_are_read_write);
	tcase_add_test(tc, v4_unique_bindings);
	tcase_add_test(tc, v5_workgroup_memory_limit);
	tcase_add_test(tc, workgroup_buffers_need_a_count);
	tcase_add_test(tc, v6_workgroup_size);
	tcase_add_test(tc, v7_declared_buffers);
	tcase_add_test(tc, v8_names_not_empty);
	tcase_add_test(tc, v9_scopes_close_with_their_list);
	tcase_add_test(tc, v9_region_keeps_the_scope);
	tcase_add_test(tc, v10_let_value_before_binding);
	tcase_add_test(tc, v11_no_shadowing);
	tcase_add_test(tc, v12_var_in_scope);
	tcase_add_test(tc, v13_assign);
	tcase_add_test(tc, v14_locals_and_buffers_apart);
	tcase_add_test(tc, v15_if_condition);
	tcase_add_test(tc, v16_loop_bounds);
	tcase_add_test(tc, v17_store_access_and_types);
	tcase_add_test(tc, v18_literal_store_index);
	tcase_add_test(tc, v19_return_is_last);
	tcase_add_test(tc, v21_binop_types);
	tcase_add_test(tc, v22_unop_types);
	tcase_add_test(tc, v23_static_zero_divisor);
	tcase_add_test(tc, v24_select);
	tcase_add_test(tc, v25_cast);
	tcase_add_test(tc, v26_fma);
	tcase_add_test(tc, v27_atomics);
	tcase_add_test(tc, v28_compare_exchange_expected);
	tcase_add_test(tc, v29_load_types);
	tcase_add_test(tc, v30_id_axis);
	tcase_add_test(tc, v31_barrier_orderings);
	tcase_add_test(tc, v31_barrier_in_uniform_flow);
	tcase_add_test(tc, v31_barrier_in_divergent_if);
	tcase_add_test(tc, v31_barrier_in_divergent_loop);
	tcase_add_test(tc, v31_assign_keeps_uniformity_only_outside_divergence);
	tcase_add_test(tc, v31_loop_back_edge);
	tcase_add_test(tc, v31_divergent_return_then_barrier);
	tcase_add_test(tc, v40_nodes_outside_core);
	tcase_add_test(tc, v40_exprs_outside_core);
	tcase_add_test(tc, v40_operators_outside_core);
	tcase_add_test(tc, reports_the_first_problem);
	tcase_add_test(tc, depth_limit_on_statements);
	tcase_add_test(tc, depth_limit_on_expressions);
	tcase_add_test(tc, many_names_and_buffers);
	tcase_add_test(tc, error_may_be_null);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(validate_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
