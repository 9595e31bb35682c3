/* test_semantics_stmt.c - statements and the dispatch of vir0-format.md §1.6
 * and §9: invocation/workgroup/local ids on 2-D and 3-D grids, Let/Assign
 * scoping, If, Loop ranges, Return, Block, Region, Barrier with Workgroup
 * memory, evaluation order (§9.3), and a handful of the semantic
 * rejections of §8. Expected values are worked out by hand from the doc. */
#include "semantics_harness.h"

#include <stdio.h>
#include <stdlib.h>

/* Expression shorthands; every one needs the program `p` in scope. */
#define U(v) vir0_lit_u32(p, (v))
#define I(v) vir0_lit_i32(p, (v))
#define V(name) vir0_var(p, (name))
#define B(op, l, r) vir0_binop(p, VIR0_BIN_##op, (l), (r))
#define LOAD(buffer, index) vir0_load(p, (buffer), (index))
#define ADD_TO(list, node) sem_append(p, (list), (node))

static const uint32_t one_group[3] = { 1, 1, 1 };

/* A core barrier: the builder leaves the ordering at 0 (Relaxed), which
 * V31 rejects, so set SeqCst. */
static struct vir0_node *seq_cst_barrier(vir0_program *p)
{
	struct vir0_node *n = vir0_barrier(p);
	if (n)
		n->ordering = 4;
	return n;
}

/* ---- ids (§1.6) -------------------------------------------------------- */

enum { ID_FIELDS = 9 };

/* Every invocation writes its 9 ids at out[9 * g], where g is its linear
 * global index x + y * X + z * X * Y over the whole grid, and counts
 * itself in hits[g]. */
static void check_ids(int line, const uint32_t ws[3], const uint32_t groups[3])
{
	uint32_t dim[3], n = 1;
	for (int a = 0; a < 3; a++) {
		dim[a] = ws[a] * groups[a];
		n *= dim[a];
	}
	vir0_program *p = vir0_program_new();
	for (int a = 0; a < 3; a++)
		p->workgroup_size[a] = ws[a];
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, n * ID_FIELDS, 1);
	sem_buffer(p, "hits", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, n, 1);
	ADD_TO(&p->body, vir0_let(p, "g", B(ADD, vir0_invocation_id(p, 0),
		B(MUL, B(ADD, vir0_invocation_id(p, 1), B(MUL, vir0_invocation_id(p, 2), U(dim[1]))),
		  U(dim[0])))));
	ADD_TO(&p->body, vir0_let(p, "old", vir0_atomic(p, VIR0_ATOMIC_ADD, "hits", V("g"), NULL, U(1))));
	struct vir0_expr *(*const id[3])(vir0_program *, unsigned) = {
		vir0_invocation_id, vir0_workgroup_id, vir0_local_id,
	};
	for (unsigned k = 0; k < ID_FIELDS; k++)
		ADD_TO(&p->body, vir0_store(p, "out", B(ADD, B(MUL, V("g"), U(ID_FIELDS)), U(k)),
					    id[k / 3](p, k % 3)));
	uint32_t *out = calloc((size_t)n * ID_FIELDS, sizeof(uint32_t));
	uint32_t *hits = calloc(n, sizeof(uint32_t));
	ck_assert(out && hits);
	struct vir0_binding b[2] = { { out, (size_t)n * ID_FIELDS * 4 }, { hits, (size_t)n * 4 } };
	if (sem_run(line, p, groups, b)) {
		for (uint32_t z = 0; z < dim[2]; z++)
			for (uint32_t y = 0; y < dim[1]; y++)
				for (uint32_t x = 0; x < dim[0]; x++) {
					uint32_t g = x + dim[0] * (y + dim[1] * z);
					uint32_t at[3] = { x, y, z };
					const uint32_t *got = out + (size_t)g * ID_FIELDS;
					sem_expect_bits(line, hits[g], 1, "invocation (%u,%u,%u) runs once", x, y, z);
					for (int a = 0; a < 3; a++) {
						sem_expect_bits(line, got[a], at[a], "InvocationId(%d) at (%u,%u,%u)", a, x, y, z);
						sem_expect_bits(line, got[3 + a], at[a] / ws[a], "WorkgroupId(%d) at (%u,%u,%u)", a, x, y, z);
						sem_expect_bits(line, got[6 + a], at[a] % ws[a], "LocalId(%d) at (%u,%u,%u)", a, x, y, z);
					}
				}
	}
	free(out);
	free(hits);
	vir0_program_free(p);
}

START_TEST(ids_2d)
{
	static const uint32_t ws[3] = { 2, 3, 1 }, groups[3] = { 3, 2, 1 };
	check_ids(__LINE__, ws, groups); /* a 6 x 6 grid of invocations */
}
END_TEST

START_TEST(ids_3d)
{
	static const uint32_t ws[3] = { 2, 2, 2 }, groups[3] = { 2, 1, 3 };
	check_ids(__LINE__, ws, groups); /* 4 x 2 x 6 */
}
END_TEST

/* ---- statements (§9.11) ------------------------------------------------ */

START_TEST(let_assign_scopes)
{
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 5, 1);
	struct vir0_node_list *body = &p->body;
	ADD_TO(body, vir0_let(p, "x", U(1)));
	struct vir0_node *block = vir0_block(p);       /* Assign reaches the outer x */
	ADD_TO(&block->body, vir0_assign(p, "x", B(ADD, V("x"), U(1))));
	ADD_TO(&block->body, vir0_let(p, "y", U(5)));
	ADD_TO(&block->body, vir0_assign(p, "x", B(ADD, V("x"), V("y"))));
	ADD_TO(body, block);                           /* x = 7 */
	struct vir0_node *branch = vir0_if(p, vir0_lit_bool(p, 1));
	ADD_TO(&branch->body, vir0_assign(p, "x", B(MUL, V("x"), U(2))));
	ADD_TO(&branch->otherwise, vir0_assign(p, "x", U(0)));
	ADD_TO(body, branch);                          /* x = 14 */
	struct vir0_node *region = vir0_block(p);      /* Region keeps its Let visible (V9) */
	region->kind = VIR0_NODE_REGION;
	region->name = "generator";
	ADD_TO(&region->body, vir0_let(p, "r", U(9)));
	ADD_TO(body, region);
	ADD_TO(body, vir0_store(p, "out", U(0), V("x")));
	ADD_TO(body, vir0_store(p, "out", U(1), V("r")));
	for (unsigned k = 0; k < 2; k++) {             /* sibling Blocks reuse "t" */
		struct vir0_node *sibling = vir0_block(p);
		ADD_TO(&sibling->body, vir0_let(p, "t", U(3 + k)));
		ADD_TO(&sibling->body, vir0_store(p, "out", U(2 + k), V("t")));
		ADD_TO(body, sibling);
	}
	struct vir0_node *loop = vir0_loop(p, "i", U(0), U(3)); /* fresh "t" each iteration */
	ADD_TO(&loop->body, vir0_let(p, "t", V("i")));
	ADD_TO(&loop->body, vir0_assign(p, "x", B(ADD, V("x"), V("t"))));
	ADD_TO(body, loop);                            /* x = 14 + 0 + 1 + 2 */
	ADD_TO(body, vir0_store(p, "out", U(4), V("x")));
	uint32_t out[5];
	struct vir0_binding b[1] = { { out, sizeof(out) } };
	static const uint32_t expected[5] = { 14, 9, 3, 4, 17 };
	if (SEM_RUN(p, one_group, b))
		for (int k = 0; k < 5; k++)
			SEM_EXPECT(out[k], expected[k], "out[%d]", k);
	vir0_program_free(p);
}
END_TEST

static void if_else_store(vir0_program *p, struct vir0_expr *cond, uint32_t slot, int with_else)
{
	struct vir0_node *n = vir0_if(p, cond);
	ADD_TO(&n->body, vir0_store(p, "out", U(slot), U(1)));
	if (with_else)
		ADD_TO(&n->otherwise, vir0_store(p, "out", U(slot), U(2)));
	ADD_TO(&p->body, n);
}

START_TEST(if_else)
{
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 6, 1);
	sem_buffer(p, "in", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, 1, 0);
	if_else_store(p, vir0_lit_bool(p, 1), 0, 1);
	if_else_store(p, vir0_lit_bool(p, 0), 1, 1);
	if_else_store(p, U(5), 2, 1);                  /* u32 != 0 is true (V15) */
	if_else_store(p, U(0), 3, 1);
	if_else_store(p, vir0_lit_bool(p, 0), 4, 0);   /* no else: nothing runs */
	ADD_TO(&p->body, vir0_let(p, "x", LOAD("in", U(0))));
	struct vir0_node *outer = vir0_if(p, B(LT, V("x"), U(3)));
	struct vir0_node *inner = vir0_if(p, B(EQ, V("x"), U(2)));
	ADD_TO(&inner->body, vir0_store(p, "out", U(5), U(7)));
	ADD_TO(&inner->otherwise, vir0_store(p, "out", U(5), U(8)));
	ADD_TO(&outer->body, inner);
	ADD_TO(&p->body, outer);
	uint32_t out[6], in = 2;
	struct vir0_binding b[2] = { { out, sizeof(out) }, { &in, sizeof(in) } };
	static const uint32_t expected[6] = { 1, 2, 1, 2, 0, 7 };
	if (SEM_RUN(p, one_group, b))
		for (int k = 0; k < 6; k++)
			SEM_EXPECT(out[k], expected[k], "out[%d]", k);
	vir0_program_free(p);
}
END_TEST

/* out[2k] = trip count, out[2k+1] = last value of the loop variable (as
 * u32 bits; 0xEEEEEEEE when the body never ran). */
static void counted_loop(vir0_program *p, unsigned k, struct vir0_expr *from, struct vir0_expr *to)
{
	char n[8], last[8], v[8];
	snprintf(n, sizeof(n), "n%u", k);
	snprintf(last, sizeof(last), "last%u", k);
	snprintf(v, sizeof(v), "v%u", k);
	ADD_TO(&p->body, vir0_let(p, n, U(0)));
	ADD_TO(&p->body, vir0_let(p, last, U(0xEEEEEEEEu)));
	struct vir0_node *loop = vir0_loop(p, v, from, to);
	ADD_TO(&loop->body, vir0_assign(p, n, B(ADD, V(n), U(1))));
	ADD_TO(&loop->body, vir0_assign(p, last, vir0_cast(p, VIR0_TYPE_U32, V(v))));
	ADD_TO(&p->body, loop);
	ADD_TO(&p->body, vir0_store(p, "out", U(2 * k), V(n)));
	ADD_TO(&p->body, vir0_store(p, "out", U(2 * k + 1), V(last)));
}

START_TEST(loop_ranges)
{
	enum { CASES = 10 };
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 2 * CASES, 1);
	sem_buffer(p, "c", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 1, 1);
	counted_loop(p, 0, U(0), U(4));
	counted_loop(p, 1, U(5), U(5));                          /* empty */
	counted_loop(p, 2, U(6), U(5));                          /* from > to: empty */
	counted_loop(p, 3, U(3), U(4));                          /* single */
	counted_loop(p, 4, U(0xFFFFFFFDu), U(0xFFFFFFFFu));      /* near the top, no wrap */
	counted_loop(p, 5, I(-3), I(2));                         /* -3..1 */
	counted_loop(p, 6, I(2), I(-3));                         /* signed compare: empty */
	counted_loop(p, 7, I(INT32_MAX - 1), I(INT32_MAX));
	counted_loop(p, 8, I(INT32_MIN), I(INT32_MIN + 2));
	/* from, then to, each evaluated once (§9.11): from = 0, to = 1 + 3. */
	counted_loop(p, 9, vir0_atomic(p, VIR0_ATOMIC_ADD, "c", U(0), NULL, U(1)),
		     B(ADD, vir0_atomic(p, VIR0_ATOMIC_ADD, "c", U(0), NULL, U(1)), U(3)));
	/* Assigning the variable used in `to` does not change the trip count. */
	ADD_TO(&p->body, vir0_let(p, "bound", U(3)));
	ADD_TO(&p->body, vir0_let(p, "trips", U(0)));
	struct vir0_node *loop = vir0_loop(p, "j", U(0), V("bound"));
	ADD_TO(&loop->body, vir0_assign(p, "bound", B(ADD, V("bound"), U(10))));
	ADD_TO(&loop->body, vir0_assign(p, "trips", B(ADD, V("trips"), U(1))));
	ADD_TO(&p->body, loop);
	ADD_TO(&p->body, vir0_store(p, "c", U(0), B(ADD, B(MUL, LOAD("c", U(0)), U(1000)),
						       B(ADD, B(MUL, V("trips"), U(100)), V("bound")))));
	uint32_t out[2 * CASES], c;
	struct vir0_binding b[2] = { { out, sizeof(out) }, { &c, sizeof(c) } };
	static const uint32_t expected[2 * CASES] = {
		4, 3,                       /* 0..4 */
		0, 0xEEEEEEEEu,
		0, 0xEEEEEEEEu,
		1, 3,
		2, 0xFFFFFFFEu,
		5, 1,                       /* i32 -3..2, last 1 */
		0, 0xEEEEEEEEu,
		1, 0x7FFFFFFEu,             /* INT_MAX - 1 */
		2, 0x80000001u,             /* INT_MIN, INT_MIN + 1 */
		4, 3,
	};
	if (SEM_RUN(p, one_group, b)) {
		for (int k = 0; k < 2 * CASES; k++)
			SEM_EXPECT(out[k], expected[k], "loop case %d %s", k / 2,
				   k % 2 ? "last value" : "trip count");
		/* c: 2 atomics (x1000), 3 trips (x100), bound 3 + 3 * 10. */
		SEM_EXPECT(c, 2333, "atomics in bounds, trips and bound of the `to` test");
	}
	vir0_program_free(p);
}
END_TEST

START_TEST(return_ends_one_invocation)
{
	/* §9.11: Return finishes its invocation only, from inside Block, Loop
	 * and If. Four invocations; local 1 returns at once, the others return
	 * from the loop at step 2 + l. */
	vir0_program *p = vir0_program_new();
	p->workgroup_size[0] = 4;
	sem_buffer(p, "early", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 4, 1);
	sem_buffer(p, "late", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 4, 1);
	sem_buffer(p, "steps", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U8, 40, 1);
	sem_buffer(p, "after", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 4, 1);
	ADD_TO(&p->body, vir0_let(p, "l", vir0_local_id(p, 0)));
	ADD_TO(&p->body, vir0_store(p, "early", V("l"), U(1)));
	struct vir0_node *first = vir0_if(p, B(EQ, V("l"), U(1)));
	ADD_TO(&first->body, vir0_return(p));
	ADD_TO(&p->body, first);
	ADD_TO(&p->body, vir0_store(p, "late", V("l"), U(1)));
	struct vir0_node *block = vir0_block(p);
	struct vir0_node *loop = vir0_loop(p, "i", U(0), U(10));
	ADD_TO(&loop->body, vir0_store(p, "steps", B(ADD, B(MUL, V("l"), U(10)), V("i")), U(1)));
	struct vir0_node *stop = vir0_if(p, B(EQ, V("i"), B(ADD, V("l"), U(2))));
	ADD_TO(&stop->body, vir0_return(p));
	ADD_TO(&loop->body, stop);
	ADD_TO(&block->body, loop);
	ADD_TO(&block->body, vir0_store(p, "after", V("l"), U(2)));
	ADD_TO(&p->body, block);
	ADD_TO(&p->body, vir0_store(p, "after", V("l"), U(1)));
	uint32_t early[4], late[4], after[4];
	uint8_t steps[40];
	struct vir0_binding b[4] = {
		{ early, sizeof(early) }, { late, sizeof(late) }, { steps, sizeof(steps) },
		{ after, sizeof(after) },
	};
	static const uint32_t late_expected[4] = { 1, 0, 1, 1 };
	static const uint32_t last_step[4] = { 2, 0, 4, 5 }; /* local 1 never loops */
	if (SEM_RUN(p, one_group, b)) {
		for (unsigned l = 0; l < 4; l++) {
			SEM_EXPECT(early[l], 1, "early[%u]", l);
			SEM_EXPECT(late[l], late_expected[l], "late[%u]", l);
			SEM_EXPECT(after[l], 0, "after[%u]: nothing runs after Return", l);
			for (unsigned i = 0; i < 10; i++)
				SEM_EXPECT(steps[l * 10 + i], l != 1 && i <= last_step[l],
					   "steps[%u][%u]", l, i);
		}
	}
	vir0_program_free(p);
}
END_TEST

START_TEST(nested_blocks_and_region)
{
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 3, 1);
	struct vir0_node *b1 = vir0_block(p), *b2 = vir0_block(p), *b3 = vir0_block(p);
	struct vir0_node *b4 = vir0_block(p);
	ADD_TO(&b3->body, vir0_let(p, "z", U(5)));
	ADD_TO(&b4->body, vir0_assign(p, "z", B(ADD, V("z"), U(1))));
	ADD_TO(&b4->body, vir0_store(p, "out", U(0), V("z")));
	ADD_TO(&b3->body, b4);
	ADD_TO(&b2->body, b3);
	ADD_TO(&b1->body, b2);
	ADD_TO(&p->body, b1);                          /* out[0] = 6 */
	struct vir0_node *outer = vir0_block(p);
	struct vir0_node *region = vir0_block(p);
	region->kind = VIR0_NODE_REGION;
	region->name = "g";
	region->name2 = "source";
	ADD_TO(&region->body, vir0_let(p, "q", U(2)));
	ADD_TO(&region->body, vir0_store(p, "out", U(2), U(3))); /* the body runs */
	ADD_TO(&outer->body, region);
	ADD_TO(&outer->body, vir0_store(p, "out", U(1), V("q")));
	ADD_TO(&p->body, outer);
	uint32_t out[3];
	struct vir0_binding b[1] = { { out, sizeof(out) } };
	if (SEM_RUN(p, one_group, b)) {
		SEM_EXPECT(out[0], 6, "innermost Assign through four Blocks");
		SEM_EXPECT(out[1], 2, "Let inside a Region is visible after it");
		SEM_EXPECT(out[2], 3, "Region body runs");
	}
	vir0_program_free(p);
}
END_TEST

/* ---- barriers and workgroup memory (§9.12) ----------------------------- */

START_TEST(barrier_passes_workgroup_values)
{
	/* Invocation l writes sh[l]; after the barrier invocation l reads
	 * sh[(l + 3) % 4], the value of invocation l - 1 (mod 4). Two groups of
	 * four: out[g*4+l] = (g*4 + (l+3)%4) * 10 + 1. */
	vir0_program *p = vir0_program_new();
	p->workgroup_size[0] = 4;
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 8, 1);
	sem_buffer(p, "sh", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 4, 0);
	ADD_TO(&p->body, vir0_let(p, "l", vir0_local_id(p, 0)));
	ADD_TO(&p->body, vir0_store(p, "sh", V("l"),
				    B(ADD, B(MUL, vir0_invocation_id(p, 0), U(10)), U(1))));
	ADD_TO(&p->body, seq_cst_barrier(p));
	ADD_TO(&p->body, vir0_store(p, "out", vir0_invocation_id(p, 0),
				    LOAD("sh", B(MOD, B(ADD, V("l"), U(3)), U(4)))));
	uint32_t out[8];
	struct vir0_binding b[2] = { { out, sizeof(out) }, { NULL, 0 } };
	static const uint32_t groups[3] = { 2, 1, 1 };
	static const uint32_t expected[8] = { 31, 1, 11, 21, 71, 41, 51, 61 };
	if (SEM_RUN(p, groups, b))
		for (int k = 0; k < 8; k++)
			SEM_EXPECT(out[k], expected[k], "out[%d]", k);
	vir0_program_free(p);
}
END_TEST

START_TEST(workgroup_memory_per_group)
{
	/* Each of 3 workgroups of 2 starts with a zeroed copy of sh: both
	 * invocations add 1 to sh[0] (so 2, not 2/4/6), and sh[1], set to 99 by
	 * every group's local 0 at its end, reads 0 at the start of the next. */
	vir0_program *p = vir0_program_new();
	p->workgroup_size[0] = 2;
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 3, 1);
	sem_buffer(p, "before", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 6, 1);
	sem_buffer(p, "sh", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 2, 0);
	ADD_TO(&p->body, vir0_store(p, "before", vir0_invocation_id(p, 0),
				    B(ADD, LOAD("sh", U(1)), U(1000))));
	ADD_TO(&p->body, vir0_let(p, "old", vir0_atomic(p, VIR0_ATOMIC_ADD, "sh", U(0), NULL, U(1))));
	ADD_TO(&p->body, seq_cst_barrier(p));
	struct vir0_node *leader = vir0_if(p, B(EQ, vir0_local_id(p, 0), U(0)));
	ADD_TO(&leader->body, vir0_store(p, "out", vir0_workgroup_id(p, 0), LOAD("sh", U(0))));
	ADD_TO(&leader->body, vir0_store(p, "sh", U(1), U(99)));
	ADD_TO(&p->body, leader);
	uint32_t out[3], before[6];
	struct vir0_binding b[3] = { { out, sizeof(out) }, { before, sizeof(before) }, { NULL, 0 } };
	static const uint32_t groups[3] = { 3, 1, 1 };
	if (SEM_RUN(p, groups, b)) {
		for (int k = 0; k < 3; k++)
			SEM_EXPECT(out[k], 2, "sh[0] of workgroup %d", k);
		for (int k = 0; k < 6; k++)
			SEM_EXPECT(before[k], 1000, "sh[1] seen by invocation %d at start", k);
	}
	vir0_program_free(p);
}
END_TEST

START_TEST(barrier_after_return)
{
	/* §9.12: finished invocations do not take part in later barriers.
	 * Local 0 returns; 1..3 write sh[l] = l + 100, meet at the barrier,
	 * and read sh[l % 3 + 1]. */
	vir0_program *p = vir0_program_new();
	p->workgroup_size[0] = 4;
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 4, 1);
	sem_buffer(p, "sh", VIR0_ACCESS_WORKGROUP, VIR0_TYPE_U32, 4, 0);
	ADD_TO(&p->body, vir0_let(p, "l", vir0_local_id(p, 0)));
	struct vir0_node *quit = vir0_if(p, B(EQ, V("l"), U(0)));
	ADD_TO(&quit->body, vir0_return(p));
	ADD_TO(&p->body, quit);
	ADD_TO(&p->body, vir0_store(p, "sh", V("l"), B(ADD, V("l"), U(100))));
	ADD_TO(&p->body, seq_cst_barrier(p));
	ADD_TO(&p->body, vir0_store(p, "out", V("l"),
				    LOAD("sh", B(ADD, B(MOD, V("l"), U(3)), U(1)))));
	uint32_t out[4];
	struct vir0_binding b[2] = { { out, sizeof(out) }, { NULL, 0 } };
	static const uint32_t expected[4] = { 0, 102, 103, 101 };
	if (SEM_RUN(p, one_group, b))
		for (int k = 0; k < 4; k++)
			SEM_EXPECT(out[k], expected[k], "out[%d]", k);
	vir0_program_free(p);
}
END_TEST

/* ---- evaluation order (§9.3) ------------------------------------------- */

#define XCHG(index, value) vir0_atomic(p, VIR0_ATOMIC_EXCHANGE, "c", U(index), NULL, U(value))
#define BUMP(index) vir0_atomic(p, VIR0_ATOMIC_ADD, "c", U(index), NULL, U(1))

START_TEST(evaluation_order)
{
	vir0_program *p = vir0_program_new();
	sem_buffer(p, "c", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 6, 0);
	sem_buffer(p, "out", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 10, 1);
	/* BinOp: left then right. c[0] = 1: 1 - 5, not 7 - 1. */
	ADD_TO(&p->body, vir0_store(p, "out", U(0), B(SUB, XCHG(0, 5), XCHG(0, 7))));
	/* Select evaluates both values; And/Or do not short-circuit. */
	ADD_TO(&p->body, vir0_store(p, "out", U(1),
				    vir0_select(p, vir0_lit_bool(p, 1), BUMP(1), BUMP(2))));
	ADD_TO(&p->body, vir0_let(p, "a", B(AND, vir0_lit_bool(p, 0), B(EQ, BUMP(3), U(0)))));
	ADD_TO(&p->body, vir0_let(p, "o", B(OR, vir0_lit_bool(p, 1), B(EQ, BUMP(4), U(0)))));
	/* Store: index, then value. c[5] = 2: out[2] = 3 (reversed: out[9] = 2). */
	ADD_TO(&p->body, vir0_store(p, "out", XCHG(5, 3), XCHG(5, 9)));
	uint32_t c[6] = { 1, 0, 0, 0, 0, 2 }, out[10];
	struct vir0_binding b[2] = { { c, sizeof(c) }, { out, sizeof(out) } };
	if (SEM_RUN(p, one_group, b)) {
		SEM_EXPECT(out[0], 0xFFFFFFFCu, "Sub(Exchange 5, Exchange 7) on c[0] = 1");
		SEM_EXPECT(c[0], 7, "c[0] after both exchanges");
		SEM_EXPECT(out[1], 0, "Select result (old c[1])");
		SEM_EXPECT(c[1], 1, "Select true value evaluated");
		SEM_EXPECT(c[2], 1, "Select false value evaluated");
		SEM_EXPECT(c[3], 1, "And(false, ...) evaluates its right operand");
		SEM_EXPECT(c[4], 1, "Or(true, ...) evaluates its right operand");
		SEM_EXPECT(out[2], 3, "Store index evaluated before value");
		SEM_EXPECT(out[9], 0, "Store index evaluated before value (no write at 9)");
		SEM_EXPECT(c[5], 9, "c[5] after both exchanges");
	}
	vir0_program_free(p);
}
END_TEST

/* ---- semantic rejections of §8 ----------------------------------------- */

/* A program with buffers u (U32), i (I32), f (F32) ReadWrite of 4 and
 * ro (U32) ReadOnly of 4 and an empty body. VALIDATE_STMT declares it as
 * `p`, so the statement argument is built inside that program. */
static vir0_program *rejection_base(void)
{
	vir0_program *p = vir0_program_new();
	ck_assert_ptr_nonnull(p);
	sem_buffer(p, "u", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_U32, 4, 1);
	sem_buffer(p, "i", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_I32, 4, 0);
	sem_buffer(p, "f", VIR0_ACCESS_READ_WRITE, VIR0_TYPE_F32, 4, 0);
	sem_buffer(p, "ro", VIR0_ACCESS_READ_ONLY, VIR0_TYPE_U32, 4, 0);
	return p;
}
#define VALIDATE_STMT(stmt, status)                                  \
	do {                                                         \
		vir0_program *p = rejection_base();                  \
		ADD_TO(&p->body, (stmt));                            \
		if ((status) == VIR0_OK)                             \
			SEM_EXPECT((uint32_t)vir0_validate(p, NULL), \
				   VIR0_OK, "control program valid"); \
		else                                                 \
			SEM_EXPECT_INVALID(p, (status));             \
		vir0_program_free(p);                                \
	} while (0)
#define LET(expr) vir0_let(p, "x", (expr))

START_TEST(rejections)
{
	/* Controls: the same shapes, valid. */
	VALIDATE_STMT(LET(B(DIV, U(1), U(2))), VIR0_OK);
	VALIDATE_STMT(vir0_store(p, "u", U(3), U(1)), VIR0_OK);
	VALIDATE_STMT(LET(vir0_unop(p, VIR0_UN_ABS, vir0_lit_f32(p, -1.0f))), VIR0_OK);
	/* V23: statically zero divisors. */
	VALIDATE_STMT(LET(B(DIV, U(1), U(0))), VIR0_EINVALID);
	VALIDATE_STMT(LET(B(MOD, I(1), I(0))), VIR0_EINVALID);
	VALIDATE_STMT(LET(B(DIV, vir0_lit_f32(p, 1.0f), vir0_lit_f32(p, 0.0f))), VIR0_EINVALID);
	VALIDATE_STMT(LET(B(DIV, U(1), vir0_cast(p, VIR0_TYPE_U32, I(0)))), VIR0_EINVALID);
	/* V21/V22: operand types. */
	VALIDATE_STMT(LET(B(ADD, U(1), I(1))), VIR0_EINVALID);
	VALIDATE_STMT(LET(B(SHL, I(1), I(1))), VIR0_EINVALID);
	VALIDATE_STMT(LET(B(MOD, vir0_lit_f32(p, 1.0f), vir0_lit_f32(p, 2.0f))), VIR0_EINVALID);
	VALIDATE_STMT(LET(B(LT, vir0_lit_bool(p, 0), vir0_lit_bool(p, 1))), VIR0_EINVALID);
	VALIDATE_STMT(LET(vir0_unop(p, VIR0_UN_ABS, I(-1))), VIR0_EINVALID);
	VALIDATE_STMT(LET(vir0_unop(p, VIR0_UN_SQRT, U(4))), VIR0_EINVALID);
	/* V17/V18: stores. */
	VALIDATE_STMT(vir0_store(p, "u", U(0), I(1)), VIR0_EINVALID);
	VALIDATE_STMT(vir0_store(p, "ro", U(0), U(1)), VIR0_EINVALID);
	VALIDATE_STMT(vir0_store(p, "u", U(4), U(1)), VIR0_EINVALID);
	/* V27/V28: atomics. */
	VALIDATE_STMT(LET(vir0_atomic(p, VIR0_ATOMIC_ADD, "f", U(0), NULL, vir0_lit_f32(p, 1.0f))),
		      VIR0_EINVALID);
	VALIDATE_STMT(LET(vir0_atomic(p, VIR0_ATOMIC_COMPARE_EXCHANGE, "u", U(0), NULL, U(1))),
		      VIR0_EINVALID);
	VALIDATE_STMT(LET(vir0_atomic(p, VIR0_ATOMIC_ADD, "u", U(0), U(0), U(1))), VIR0_EINVALID);
	VALIDATE_STMT(LET(vir0_atomic(p, VIR0_ATOMIC_ADD, "ro", U(0), NULL, U(1))), VIR0_EINVALID);
	/* V16: mixed loop bounds. */
	VALIDATE_STMT(vir0_loop(p, "k", U(0), I(3)), VIR0_EINVALID);
	/* V40: outside the core profile. */
	VALIDATE_STMT(LET(vir0_unop(p, VIR0_UN_SIN, vir0_lit_f32(p, 1.0f))), VIR0_EUNSUPPORTED);
	VALIDATE_STMT(LET(vir0_cast(p, VIR0_TYPE_U8, U(1))), VIR0_EUNSUPPORTED);
	VALIDATE_STMT(LET(vir0_atomic(p, VIR0_ATOMIC_FETCH_NAND, "u", U(0), NULL, U(1))),
		      VIR0_EUNSUPPORTED);
}
END_TEST

START_TEST(rejections_in_context)
{
	vir0_program *p;
	struct vir0_node *n, *m;

	/* V31: a barrier under a non-uniform If. */
	p = rejection_base();
	n = vir0_if(p, B(EQ, vir0_local_id(p, 0), U(0)));
	ADD_TO(&n->body, seq_cst_barrier(p));
	ADD_TO(&p->body, n);
	SEM_EXPECT_INVALID(p, VIR0_EINVALID);
	vir0_program_free(p);

	/* V31: a Relaxed barrier; the same at top level with SeqCst is valid. */
	p = rejection_base();
	ADD_TO(&p->body, vir0_barrier(p));
	p->body.items[0]->ordering = 0;
	SEM_EXPECT_INVALID(p, VIR0_EINVALID);
	p->body.items[0]->ordering = 4;
	SEM_EXPECT((uint32_t)vir0_validate(p, NULL), VIR0_OK, "SeqCst barrier at top level");
	vir0_program_free(p);

	/* V11: shadowing an outer Let inside a Block. */
	p = rejection_base();
	ADD_TO(&p->body, vir0_let(p, "x", U(1)));
	n = vir0_block(p);
	ADD_TO(&n->body, vir0_let(p, "x", U(2)));
	ADD_TO(&p->body, n);
	SEM_EXPECT_INVALID(p, VIR0_EINVALID);
	vir0_program_free(p);

	/* V12: a Var after the Block that bound it closed. */
	p = rejection_base();
	n = vir0_block(p);
	ADD_TO(&n->body, vir0_let(p, "x", U(2)));
	ADD_TO(&p->body, n);
	ADD_TO(&p->body, vir0_store(p, "u", U(0), V("x")));
	SEM_EXPECT_INVALID(p, VIR0_EINVALID);
	vir0_program_free(p);

	/* V10: Let x = Var x with no outer x. */
	p = rejection_base();
	ADD_TO(&p->body, vir0_let(p, "x", V("x")));
	SEM_EXPECT_INVALID(p, VIR0_EINVALID);
	vir0_program_free(p);

	/* V13: assigning a loop variable. */
	p = rejection_base();
	n = vir0_loop(p, "k", U(0), U(3));
	ADD_TO(&n->body, vir0_assign(p, "k", U(1)));
	ADD_TO(&p->body, n);
	SEM_EXPECT_INVALID(p, VIR0_EINVALID);
	vir0_program_free(p);

	/* V19: a statement after Return in the same list. */
	p = rejection_base();
	m = vir0_block(p);
	ADD_TO(&m->body, vir0_return(p));
	ADD_TO(&m->body, vir0_store(p, "u", U(0), U(1)));
	ADD_TO(&p->body, m);
	SEM_EXPECT_INVALID(p, VIR0_EINVALID);
	vir0_program_free(p);
}
END_TEST

static Suite *semantics_stmt_suite(void)
{
	Suite *s = suite_create("semantics_stmt");
	TCase *tids = sem_tcase("ids");
	tcase_add_test(tids, ids_2d);
	tcase_add_test(tids, ids_3d);
	suite_add_tcase(s, tids);
	TCase *tc = sem_tcase("statements");
	tcase_add_test(tc, let_assign_scopes);
	tcase_add_test(tc, if_else);
	tcase_add_test(tc, loop_ranges);
	tcase_add_test(tc, return_ends_one_invocation);
	tcase_add_test(tc, nested_blocks_and_region);
	tcase_add_test(tc, evaluation_order);
	suite_add_tcase(s, tc);
	TCase *tb = sem_tcase("barriers");
	tcase_add_test(tb, barrier_passes_workgroup_values);
	tcase_add_test(tb, workgroup_memory_per_group);
	tcase_add_test(tb, barrier_after_return);
	suite_add_tcase(s, tb);
	TCase *tv = sem_tcase("validation");
	tcase_add_test(tv, rejections);
	tcase_add_test(tv, rejections_in_context);
	suite_add_tcase(s, tv);
	return s;
}

int main(void)
{
	return sem_run_suite(semantics_stmt_suite());
}
