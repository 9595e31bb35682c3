/* lower.h - the state vir0_lower carries through one program, shared by
 * lower.c (the program and its statements) and lower_expr.c
 * (expressions).
 *
 * Registers are handed out like a stack: the registers below next_reg are
 * live (variables in scope, a loop's counter and bound, the temporaries of
 * the statement being lowered); a statement gives its temporaries back
 * when it ends and a scope gives its variables back when it closes, so
 * sibling scopes and consecutive statements reuse the same registers. */
#ifndef VIR0_LOWER_H
#define VIR0_LOWER_H

#include "bytecode.h"
#include "validate_scope.h"
#include "vir0.h"

#include <stdint.h>

/* Nesting levels (statement lists and expressions) the lowering follows.
 * Deeper than anything vir0_validate accepts, so it never refuses a
 * validated program; it only keeps the recursion off the end of the stack
 * when a caller skipped validation. */
#define VIR0_LOWER_MAX_DEPTH 512

struct vir0_lowering {
	const vir0_program *program;
	struct vir0_error *err;
	struct vir0_bytecode *bc;     /* being filled: insns, nregs, flags, ... */
	uint32_t capacity;            /* room in bc->insns */
	uint32_t next_reg;            /* registers below are live */
	uint32_t depth;               /* IF/LOOP nesting at this point */
	struct vir0_scope locals;     /* names in scope; locals[k] lives in local_regs[k] */
	uint16_t *local_regs;
	uint32_t local_regs_capacity;
	struct vir0_scope buffers;    /* buffer names; buffers.locals[k] is declaration k */
};

/* Append one instruction; *index (when not NULL) gets its position. */
int vir0_lower_emit(struct vir0_lowering *l, struct vir0_insn insn, uint32_t *index);

/* Take the next free register. */
int vir0_lower_new_reg(struct vir0_lowering *l, unsigned *reg);

/* Fail with `code` and a message; returns code. */
int vir0_lower_fail(struct vir0_lowering *l, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The program breaks a rule vir0_validate enforces: say so, naming `what`. */
int vir0_lower_unvalidated(struct vir0_lowering *l, const char *what);

/* Declaration index of the buffer named `name`. */
int vir0_lower_buffer(struct vir0_lowering *l, const char *name, unsigned *index);

/* Register and type of the variable named `name`; *is_mutable tells a Let
 * binding (1) from a loop variable (0). */
int vir0_lower_variable(struct vir0_lowering *l, const char *name, unsigned *reg,
			uint8_t *type, int *is_mutable);

/* Lower expression `e` at nesting `level` (fmt §7.1 levels). The value
 * ends up in *reg, of value type *type. When `into` is a register, the
 * value is computed into it (*reg == into); with VIR0_BC_NO_REG the
 * lowering picks the register: a variable's own one for a Var, otherwise
 * a new temporary. Temporaries above the result are free afterwards. */
int vir0_lower_expr(struct vir0_lowering *l, const struct vir0_expr *e, uint32_t level,
		    unsigned into, unsigned *reg, uint8_t *type);

/* As vir0_lower_expr for the condition of an If or Select: bool or u32
 * (V15), tested against zero by IF and SELECT. */
int vir0_lower_condition(struct vir0_lowering *l, const struct vir0_expr *e,
			 uint32_t level, unsigned *reg, uint8_t *type);

/* Lower the statements of `list` at `level` in the current scope. */
int vir0_lower_list(struct vir0_lowering *l, const struct vir0_node_list *list,
		    uint32_t level);

#endif
