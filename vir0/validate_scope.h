/* validate_scope.h - the local names in scope while the validator walks a
 * program (fmt §8.2): Let bindings and Loop variables with their type,
 * mutability and uniformity. Scopes nest; closing one drops every name
 * bound since it opened. Because VIR0 forbids shadowing (V11), a name is
 * bound at most once at any moment, so lookup is a hash probe. */
#ifndef VIR0_VALIDATE_SCOPE_H
#define VIR0_VALIDATE_SCOPE_H

#include <stdint.h>

/* One local name in scope. */
struct vir0_local {
	const char *name;     /* borrowed from the program */
	uint32_t hash;
	uint32_t next;        /* older local in the same hash bucket */
	uint8_t type;         /* value type (expr_type.h) */
	uint8_t is_mutable;   /* Let: 1, Loop variable: 0 */
	uint8_t uniform;      /* same value in every invocation (fmt §8.6) */
};

struct vir0_scope {
	struct vir0_local *locals;   /* in binding order, innermost last */
	uint32_t count, capacity;
	uint32_t *buckets;           /* index of the newest local per bucket */
	uint32_t nbuckets;           /* a power of two, or 0 */
};

void vir0_scope_init(struct vir0_scope *scope);
void vir0_scope_release(struct vir0_scope *scope);

/* The local named `name`, or NULL. The pointer is valid until the next
 * vir0_scope_bind. */
struct vir0_local *vir0_scope_find(const struct vir0_scope *scope, const char *name);

/* Bind `name` (not already bound) in the innermost scope: 0 or VIR0_ENOMEM. */
int vir0_scope_bind(struct vir0_scope *scope, const char *name, uint8_t type,
		    int is_mutable, int uniform);

/* Open a scope: returns the mark that vir0_scope_close takes to end it. */
uint32_t vir0_scope_open(const struct vir0_scope *scope);
void vir0_scope_close(struct vir0_scope *scope, uint32_t mark);

#endif
