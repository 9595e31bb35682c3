/* tree.h - what the rewrites share to read and change a program tree:
 * copying, walking expression slots, and questions about names and side
 * effects. Every new node or expression lives in the program's arena. */
#ifndef VIR0_REWRITE_TREE_H
#define VIR0_REWRITE_TREE_H

#include "vir0.h"

#include <stdint.h>

/* A deep copy of `program` in a new arena (through the canonical
 * encoding, which round-trips exactly). */
int vir0_program_clone(const vir0_program *program, vir0_program **out,
		       struct vir0_error *err);

/* Deep copies inside `p`'s arena (names are shared, they live as long).
 * NULL / VIR0_ENOMEM when memory runs out. */
struct vir0_expr *vir0_expr_copy(vir0_program *p, const struct vir0_expr *expr);
int vir0_node_list_copy(vir0_program *p, struct vir0_node_list *dst,
			const struct vir0_node_list *src);

/* Called on every expression slot, children before parents; may replace
 * *slot. Returns 0 to go on or a negative status to stop. */
typedef int (*vir0_expr_visit)(vir0_program *p, struct vir0_expr **slot, void *context);
int vir0_walk_exprs(vir0_program *p, struct vir0_node_list *list, vir0_expr_visit visit,
		    void *context);
int vir0_walk_expr(vir0_program *p, struct vir0_expr **slot, vir0_expr_visit visit,
		   void *context);

/* 1 when evaluating `expr` has no side effect (it holds no Atomic). */
int vir0_expr_is_pure(const struct vir0_expr *expr);

/* The value type of a literal expression, or 0 when it is not one. */
uint8_t vir0_literal_type(const struct vir0_expr *expr);
/* A literal of value type `type` with `bits`, or NULL when no literal can
 * hold it (f32 -0.0 or subnormal: fmt §2) or memory runs out. */
struct vir0_expr *vir0_literal_new(vir0_program *p, uint8_t type, uint32_t bits);

/* Counts over `list[from..]` and everything nested in it: reads of Var
 * `name`, and Assigns to `name`. */
uint32_t vir0_count_reads(const struct vir0_node_list *list, uint32_t from, const char *name);
uint32_t vir0_count_assigns(const struct vir0_node_list *list, uint32_t from, const char *name);

/* 1 when some node of the tree (at any depth) has kind `kind`. */
int vir0_tree_has_node(const struct vir0_node_list *list, uint8_t kind);
/* 1 when some expression of the tree has kind `kind`. */
int vir0_tree_has_expr(const struct vir0_node_list *list, uint8_t kind);

/* A variable name not used anywhere in `p` starting with `stem`, in the
 * arena; NULL when memory runs out. */
const char *vir0_fresh_name(vir0_program *p, const char *stem);

#endif
