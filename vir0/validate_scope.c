/* validate_scope.c - locals in scope for the validator (see
 * validate_scope.h). Locals form a stack; each hash bucket chains its
 * locals newest first, so the local that a closing scope drops is always
 * at the head of its bucket. */
#include "validate_scope.h"

#include "vir0.h"

#include <stdlib.h>
#include <string.h>

#define NO_LOCAL UINT32_MAX

/* FNV-1a over the bytes of the name. */
static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		h = (h ^ *s) * 16777619u;
	return h;
}

void vir0_scope_init(struct vir0_scope *scope)
{
	memset(scope, 0, sizeof(*scope));
}

void vir0_scope_release(struct vir0_scope *scope)
{
	free(scope->locals);
	free(scope->buckets);
	vir0_scope_init(scope);
}

struct vir0_local *vir0_scope_find(const struct vir0_scope *scope, const char *name)
{
	if (!scope->nbuckets)
		return NULL;
	uint32_t h = name_hash(name);
	for (uint32_t i = scope->buckets[h & (scope->nbuckets - 1)]; i != NO_LOCAL;
	     i = scope->locals[i].next)
		if (scope->locals[i].hash == h && strcmp(scope->locals[i].name, name) == 0)
			return &scope->locals[i];
	return NULL;
}

static void link_local(struct vir0_scope *scope, uint32_t index)
{
	uint32_t *head = &scope->buckets[scope->locals[index].hash & (scope->nbuckets - 1)];
	scope->locals[index].next = *head;
	*head = index;
}

/* Keep at most one local per bucket on average; relinking in binding
 * order keeps every chain newest first. */
static int grow(struct vir0_scope *scope)
{
	if (scope->count == scope->capacity) {
		if (scope->capacity > UINT32_MAX / 4)
			return VIR0_ENOMEM;
		uint32_t capacity = scope->capacity ? scope->capacity * 2 : 16;
		struct vir0_local *locals =
			realloc(scope->locals, (size_t)capacity * sizeof(*locals));
		if (!locals)
			return VIR0_ENOMEM;
		scope->locals = locals;
		scope->capacity = capacity;
	}
	if (scope->count < scope->nbuckets)
		return VIR0_OK;
	uint32_t nbuckets = scope->nbuckets ? scope->nbuckets * 2 : 16;
	uint32_t *buckets = malloc((size_t)nbuckets * sizeof(*buckets));
	if (!buckets)
		return VIR0_ENOMEM;
	free(scope->buckets);
	scope->buckets = buckets;
	scope->nbuckets = nbuckets;
	for (uint32_t b = 0; b < nbuckets; b++)
		buckets[b] = NO_LOCAL;
	for (uint32_t i = 0; i < scope->count; i++)
		link_local(scope, i);
	return VIR0_OK;
}

int vir0_scope_bind(struct vir0_scope *scope, const char *name, uint8_t type,
		    int is_mutable, int uniform)
{
	int rc = grow(scope);
	if (rc)
		return rc;
	struct vir0_local *local = &scope->locals[scope->count];
	local->name = name;
	local->hash = name_hash(name);
	local->type = type;
	local->is_mutable = is_mutable ? 1 : 0;
	local->uniform = uniform ? 1 : 0;
	link_local(scope, scope->count);
	scope->count++;
	return VIR0_OK;
}

uint32_t vir0_scope_open(const struct vir0_scope *scope)
{
	return scope->count;
}

void vir0_scope_close(struct vir0_scope *scope, uint32_t mark)
{
	while (scope->count > mark) {
		struct vir0_local *local = &scope->locals[--scope->count];
		scope->buckets[local->hash & (scope->nbuckets - 1)] = local->next;
	}
}
