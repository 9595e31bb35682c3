/* progen.c - one generated case from a seed: the workgroup size and grid
 * (1-D to 3-D, at most 512 invocations), the buffers with their roles
 * (progen.h), their initial contents, and the program body
 * (progen_stmt.c). */
#include "progen_internal.h"

#include "expr_type.h"
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_INVOCATIONS 512
#define PG_MAX_GROUP 64

static void choose_grid(struct pg_gen *g, uint32_t groups[3])
{
	static const uint32_t widths[] = { 1, 2, 3, 4, 5, 8, 16, 32, 64 };
	struct pg_rng *r = &g->rng;
	uint32_t *wg = g->p->workgroup_size;
	wg[0] = widths[pg_below(r, sizeof(widths) / sizeof(widths[0]))];
	wg[1] = pg_chance(r, 30) ? 1 + pg_below(r, 4) : 1;
	wg[2] = pg_chance(r, 15) ? 1 + pg_below(r, 3) : 1;
	while (wg[0] * wg[1] * wg[2] > PG_MAX_GROUP)
		wg[0] /= 2;
	groups[0] = 1 + pg_below(r, pg_chance(r, 20) ? 7 : 3);
	groups[1] = pg_chance(r, 25) ? 1 + pg_below(r, 3) : 1;
	groups[2] = pg_chance(r, 15) ? 2 : 1;
	g->group_size = wg[0] * wg[1] * wg[2];
	while (g->group_size * groups[0] * groups[1] * groups[2] > PG_MAX_INVOCATIONS)
		groups[groups[0] > 1 ? 0 : groups[1] > 1 ? 1 : 2]--;
	g->invocations = g->group_size * groups[0] * groups[1] * groups[2];
	for (int a = 0; a < 3; a++)
		g->extent[a] = wg[a] * groups[a];
}

static const uint8_t core_elements[] = {
	VIR0_TYPE_U8, VIR0_TYPE_U16, VIR0_TYPE_U32, VIR0_TYPE_I8, VIR0_TYPE_I16,
	VIR0_TYPE_I32, VIR0_TYPE_F32, VIR0_TYPE_BOOL, VIR0_TYPE_BYTES,
};

static const uint8_t commutative_ops[] = {
	VIR0_ATOMIC_ADD, VIR0_ATOMIC_OR, VIR0_ATOMIC_AND, VIR0_ATOMIC_XOR,
	VIR0_ATOMIC_MIN, VIR0_ATOMIC_MAX,
};

struct pg_decl {
	uint8_t access, is_output;
};

/* Length of an owned buffer: exactly the owned range, or a binding that
 * cuts it short (owned elements out of bounds) or leaves a tail. */
static uint32_t owned_length(struct pg_rng *r, uint32_t span)
{
	uint32_t roll = pg_below(r, 100);
	if (roll < 60)
		return span;
	if (roll < 80)
		return span - pg_below(r, span / 2 + 1);
	return span + pg_below(r, 4);
}

static void choose_buffer(struct pg_gen *g, struct pg_buffer *b, struct pg_decl *d,
			  uint8_t role)
{
	struct pg_rng *r = &g->rng;
	int sized_by_binding = pg_chance(r, 35);
	b->role = role;
	b->element = core_elements[pg_below(r, sizeof(core_elements))];
	d->access = VIR0_ACCESS_READ_WRITE;
	d->is_output = 0;
	switch (role) {
	case PG_INPUT:
		d->access = (uint8_t[]){ VIR0_ACCESS_READ_ONLY, VIR0_ACCESS_UNIFORM,
					 VIR0_ACCESS_READ_WRITE }[pg_below(r, 3)];
		b->len = pg_below(r, 24);
		break;
	case PG_OWNED:
		d->is_output = pg_chance(r, 75);
		b->k = pg_chance(r, 60) ? 1 : 2 + pg_below(r, 2);
		b->len = owned_length(r, g->invocations * b->k);
		break;
	case PG_ACCUM:
		b->element = pg_chance(r, 50) ? VIR0_TYPE_U32 : VIR0_TYPE_I32;
		b->op = commutative_ops[pg_below(r, sizeof(commutative_ops))];
		d->is_output = pg_chance(r, 60);
		b->len = pg_below(r, 8) + !sized_by_binding;
		break;
	case PG_WG_SLOTS:
		d->access = VIR0_ACCESS_WORKGROUP;
		b->k = 1 + pg_chance(r, 30);
		b->len = owned_length(r, g->group_size * b->k);
		sized_by_binding = 0;
		break;
	default:   /* PG_WG_ACCUM */
		d->access = VIR0_ACCESS_WORKGROUP;
		b->element = pg_chance(r, 50) ? VIR0_TYPE_U32 : VIR0_TYPE_I32;
		b->op = commutative_ops[pg_below(r, sizeof(commutative_ops))];
		b->len = 1 + pg_below(r, 8);
		sized_by_binding = 0;
		break;
	}
	/* A declared count is at least 1 (count 0 means "sized by binding"). */
	b->count = sized_by_binding || !b->len ? 0 : b->len;
	if (d->access == VIR0_ACCESS_WORKGROUP && !b->count)
		b->count = b->len = 1;
}

/* Roles in a random declaration order: at least one owned output. */
static void choose_buffers(struct pg_gen *g, struct pg_decl *decl)
{
	struct pg_rng *r = &g->rng;
	uint8_t roles[PG_MAX_BUFFERS];
	uint32_t n = 0;
	for (uint32_t i = pg_chance(r, 10) ? 0 : 1 + pg_below(r, 2); i > 0; i--)
		roles[n++] = PG_INPUT;
	for (uint32_t i = 1 + pg_chance(r, 35); i > 0; i--)
		roles[n++] = PG_OWNED;
	if (pg_chance(r, 35))
		roles[n++] = PG_ACCUM;
	if (pg_chance(r, 45)) {
		roles[n++] = PG_WG_SLOTS;
		if (pg_chance(r, 25))
			roles[n++] = PG_WG_SLOTS;
		if (pg_chance(r, 35))
			roles[n++] = PG_WG_ACCUM;
	}
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = pg_below(r, i);
		uint8_t t = roles[i - 1];
		roles[i - 1] = roles[j];
		roles[j] = t;
	}
	static const char *const prefix[] = { "in", "out", "acc", "wg", "wgacc" };
	for (uint32_t i = 0; i < n; i++) {
		struct pg_buffer *b = &g->buffers[i];
		snprintf(b->name, sizeof(b->name), "%s%u", prefix[roles[i]], i);
		choose_buffer(g, b, &decl[i], roles[i]);
	}
	g->nbuffers = n;
}

static int declare_and_bind(struct pg_gen *g, const struct pg_decl *decl,
			    struct progen_case *out)
{
	out->bindings = calloc(g->nbuffers, sizeof(*out->bindings));
	if (!out->bindings)
		return VIR0_ENOMEM;
	out->nbindings = g->nbuffers;
	for (uint32_t i = 0; i < g->nbuffers; i++) {
		const struct pg_buffer *b = &g->buffers[i];
		int rc = vir0_add_buffer(g->p, b->name, decl[i].access, b->element, b->count,
					 decl[i].is_output);
		if (rc)
			return rc;
		if (decl[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		size_t size = (size_t)b->len * vir0_element_size(b->element);
		/* Outputs get junk too: executors must zero-fill them (fmt §1.5). */
		void *data = malloc(size ? size : 1);
		if (!data)
			return VIR0_ENOMEM;
		pg_fill(&g->rng, b->element, data, b->len);
		out->bindings[i].data = data;
		out->bindings[i].size = size;
	}
	return VIR0_OK;
}

/* Statements per program, fewer when many invocations run them, so
 * thousands of cases run in seconds under the reference interpreter. */
static uint32_t statement_budget(uint32_t invocations)
{
	return invocations <= 64 ? 40 : invocations <= 256 ? 28 : 18;
}

int progen_generate(uint64_t seed, struct progen_case *out)
{
	memset(out, 0, sizeof(*out));
	struct pg_gen *g = calloc(1, sizeof(*g));
	if (!g)
		return VIR0_ENOMEM;
	g->rng.state = seed;
	g->p = vir0_program_new();
	g->trips = 1;
	int rc = g->p ? VIR0_OK : VIR0_ENOMEM;
	if (!rc) {
		out->program = g->p;
		struct pg_decl decl[PG_MAX_BUFFERS];
		choose_grid(g, out->groups);
		choose_buffers(g, decl);
		rc = declare_and_bind(g, decl, out);
	}
	if (!rc) {
		g->stmt_budget = statement_budget(g->invocations);
		pg_body(g);
		rc = g->status;
	}
	free(g);
	if (rc)
		progen_case_free(out);
	return rc;
}

void progen_case_free(struct progen_case *c)
{
	vir0_program_free(c->program);
	fixture_bindings_free(c->bindings, c->nbindings);
	memset(c, 0, sizeof(*c));
}

/* A positive number from the environment variable `name`, or `fallback`
 * (with a warning when the variable is set but is no such number). */
static uint64_t env_number(const char *name, uint64_t fallback, uint64_t max)
{
	const char *text = getenv(name);
	if (!text || !*text)
		return fallback;
	char *end;
	unsigned long long n = strtoull(text, &end, 10);
	if (*end || n == 0 || n > max) {
		fprintf(stderr, "%s=%s is not a number from 1 to %llu: using %llu\n", name, text,
			(unsigned long long)max, (unsigned long long)fallback);
		return fallback;
	}
	return n;
}

struct progen_seeds progen_seeds_from_env(uint32_t default_count)
{
	struct progen_seeds seeds;
	seeds.count = (uint32_t)env_number("VIR0_FUZZ_N", default_count, UINT32_MAX);
	seeds.first = env_number("VIR0_FUZZ_SEED", 1, UINT64_MAX - UINT32_MAX);
	return seeds;
}
