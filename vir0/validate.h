/* validate.h - the state the validator carries through one walk of a
 * program, shared by validate.c (program and buffers), validate_node.c
 * (statements) and validate_expr.c (expressions). */
#ifndef VIR0_VALIDATE_H
#define VIR0_VALIDATE_H

#include "vir0.h"
#include "validate_scope.h"

#include <stddef.h>
#include <stdint.h>

/* Deepest level (fmt §7.1 levels: entry statements are level 1, each
 * nested statement or expression one more) the validator walks. It bounds
 * the validator's recursion, and so that of every executor, whatever the
 * program was built with; deeper programs get VIR0_EDEPTH. */
#define VIR0_VALIDATE_MAX_DEPTH 256

/* Room for the path of the deepest element: each level adds at most
 * ".otherwise[4294967295]" (22 characters). */
#define VIR0_VALIDATE_PATH_ROOM (VIR0_VALIDATE_MAX_DEPTH * 24 + 32)

/* A buffer's name and declaration index, for lookup by name. */
struct vir0_buffer_ref {
	const char *name;
	uint32_t index;
};

struct vir0_validator {
	const vir0_program *program;
	struct vir0_error *err;
	struct vir0_buffer_ref *buffers_by_name;   /* sorted by name, then index */
	struct vir0_scope scope;
	char path[VIR0_VALIDATE_PATH_ROOM];
	size_t path_len;
};

/* What an expression gives: its value type and whether it is uniform
 * (fmt §8.6). */
struct vir0_expr_info {
	uint8_t type;
	uint8_t uniform;
};

/* Extend the current path by ".field" or ".field[index]" (no dot at the
 * start); both return the length to hand back to vir0_validate_path_pop. */
size_t vir0_validate_path_field(struct vir0_validator *v, const char *field);
size_t vir0_validate_path_item(struct vir0_validator *v, const char *field, uint32_t index);
void vir0_validate_path_pop(struct vir0_validator *v, size_t len);

/* Fill v->err with `code`, the current path and the message; returns code. */
int vir0_validate_fail(struct vir0_validator *v, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As vir0_validate_fail, with `field` appended to the path
 * ("body[0].value" for field "value" at "body[0]"). */
int vir0_validate_fail_at(struct vir0_validator *v, const char *field, int code,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "u32", "f32", "u8", ... for messages. */
const char *vir0_validate_type_name(uint8_t kind);

/* Point *out at the declared buffer named `name`, or report V7 (the
 * message names `use`, e.g. "load"). */
int vir0_validate_buffer(struct vir0_validator *v, const char *name, const char *use,
			 const struct vir0_buffer **out);

/* Fail with VIR0_EDEPTH when `level` is past VIR0_VALIDATE_MAX_DEPTH. */
int vir0_validate_depth(struct vir0_validator *v, uint32_t level);

/* 1 when `e` is "statically zero" (V23): a zero literal, or Casts of one.
 * Also used by the fold rewrite, which must not create such divisors. */
int vir0_expr_statically_zero(const struct vir0_expr *e);

/* Check the expression at `level` and report its type and uniformity. */
int vir0_validate_expr(struct vir0_validator *v, const struct vir0_expr *e,
		       uint32_t level, struct vir0_expr_info *out);

/* As vir0_validate_expr, for the expression in field `field` of the
 * current statement or expression (the path gets ".field"). */
int vir0_validate_expr_at(struct vir0_validator *v, const struct vir0_expr *e,
			  const char *field, uint32_t level, struct vir0_expr_info *out);

/* Check the condition of an If or Select in field `field`: bool or u32 (V15). */
int vir0_validate_condition(struct vir0_validator *v, const struct vir0_expr *cond,
			    const char *field, uint32_t level, struct vir0_expr_info *out);

/* Check the statements of `list` (path "field[i]") at `level`, in the
 * current scope; `divergent` says whether control flow there may differ
 * between the invocations of a workgroup (fmt §8.6). */
int vir0_validate_list(struct vir0_validator *v, const struct vir0_node_list *list,
		       const char *field, uint32_t level, int divergent);

#endif
