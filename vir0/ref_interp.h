/* ref_interp.h - the state of the reference interpreter (fmt §9): one
 * workgroup at a time, each invocation with its own bindings and an
 * explicit stack of statement lists, so an invocation can stop at a
 * Barrier and carry on later (fmt §9.12) without threads. */
#ifndef VIR0_REF_INTERP_H
#define VIR0_REF_INTERP_H

#include "dispatch.h"
#include "vir0.h"

#include <stdint.h>

/* A run-time value: its bits and its value type (fmt §9.2). */
struct vir0_ref_value {
	uint32_t bits;
	uint8_t type;
};

struct vir0_ref_binding {
	const char *name;
	struct vir0_ref_value value;
};

enum vir0_ref_frame_kind {
	VIR0_REF_FRAME_SCOPE,   /* entry body, Block, If branch: closes its scope */
	VIR0_REF_FRAME_REGION,  /* Region: runs in the enclosing scope (fmt V9) */
	VIR0_REF_FRAME_LOOP,    /* one Loop: a fresh scope per iteration */
};

/* A statement list being run. */
struct vir0_ref_frame {
	const struct vir0_node_list *list;
	uint32_t next;          /* index of the next statement */
	uint32_t scope_mark;    /* bindings to keep when the scope closes */
	uint8_t kind;           /* enum vir0_ref_frame_kind */
	const struct vir0_node *loop;
	uint32_t counter, to;   /* Loop: current value and end (fmt §9.11) */
	uint8_t counter_type;   /* Loop: u32 or i32 */
};

enum vir0_ref_state {
	VIR0_REF_RUNNING,
	VIR0_REF_WAITING,   /* stopped at the Barrier `waiting_at` */
	VIR0_REF_FINISHED,
};

struct vir0_ref_invocation {
	uint32_t local_id[3];
	uint8_t state;
	const struct vir0_node *waiting_at;
	struct vir0_ref_binding *bindings;
	uint32_t nbindings, bindings_capacity;
	struct vir0_ref_frame *frames;
	uint32_t nframes, frames_capacity;
};

/* What all invocations of the running workgroup share. */
struct vir0_ref_workgroup {
	const vir0_program *program;
	struct vir0_buffer_view *views;   /* Workgroup views point at this group's copy */
	uint32_t group_id[3];
};

/* Evaluate a validated expression in one invocation (ref_eval.c). */
struct vir0_ref_value vir0_ref_eval(const struct vir0_ref_workgroup *group,
				    const struct vir0_ref_invocation *inv,
				    const struct vir0_expr *expr);

/* The binding of `name` visible to `inv`; validation guarantees one. */
struct vir0_ref_binding *vir0_ref_lookup(const struct vir0_ref_invocation *inv,
					 const char *name);

/* Start `inv` at the top of the entry body (ref_step.c). */
int vir0_ref_start(struct vir0_ref_invocation *inv, const vir0_program *program);

/* Run `inv` until it finishes or stops at a Barrier. VIR0_ENOMEM when its
 * bindings or frames cannot grow. */
int vir0_ref_run_until_blocked(const struct vir0_ref_workgroup *group,
			       struct vir0_ref_invocation *inv);

#endif
