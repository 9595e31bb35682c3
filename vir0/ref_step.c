/* ref_step.c - statements of the reference interpreter (fmt §9.11) for
 * one invocation, on an explicit frame stack so that a Barrier can stop
 * the invocation and the workgroup runner can resume it later. */
#include "ref_interp.h"

#include <stdlib.h>

static int push_frame(struct vir0_ref_invocation *inv, const struct vir0_node_list *list,
		      uint8_t kind)
{
	if (inv->nframes == inv->frames_capacity) {
		uint32_t capacity = inv->frames_capacity ? 2 * inv->frames_capacity : 8;
		struct vir0_ref_frame *frames = realloc(inv->frames, capacity * sizeof(*frames));
		if (!frames)
			return VIR0_ENOMEM;
		inv->frames = frames;
		inv->frames_capacity = capacity;
	}
	struct vir0_ref_frame *frame = &inv->frames[inv->nframes++];
	*frame = (struct vir0_ref_frame){ .list = list, .scope_mark = inv->nbindings, .kind = kind };
	return VIR0_OK;
}

static int bind(struct vir0_ref_invocation *inv, const char *name, struct vir0_ref_value value)
{
	if (inv->nbindings == inv->bindings_capacity) {
		uint32_t capacity = inv->bindings_capacity ? 2 * inv->bindings_capacity : 8;
		struct vir0_ref_binding *bindings =
			realloc(inv->bindings, capacity * sizeof(*bindings));
		if (!bindings)
			return VIR0_ENOMEM;
		inv->bindings = bindings;
		inv->bindings_capacity = capacity;
	}
	inv->bindings[inv->nbindings++] = (struct vir0_ref_binding){ .name = name, .value = value };
	return VIR0_OK;
}

int vir0_ref_start(struct vir0_ref_invocation *inv, const vir0_program *program)
{
	inv->state = VIR0_REF_RUNNING;
	inv->waiting_at = NULL;
	inv->nbindings = 0;
	inv->nframes = 0;
	return push_frame(inv, &program->body, VIR0_REF_FRAME_SCOPE);
}

/* v < to, signed for i32 bounds (fmt §9.11). */
static int counter_below_end(uint8_t type, uint32_t counter, uint32_t to)
{
	return type == VIR0_TYPE_I32 ? (int32_t)counter < (int32_t)to : counter < to;
}

/* Bind the loop variable for the current counter in a fresh scope. */
static int begin_iteration(struct vir0_ref_invocation *inv, struct vir0_ref_frame *frame)
{
	frame->next = 0;
	frame->scope_mark = inv->nbindings;
	struct vir0_ref_value v = { .bits = frame->counter, .type = frame->counter_type };
	return bind(inv, frame->loop->name, v);
}

static int start_loop(const struct vir0_ref_workgroup *group, struct vir0_ref_invocation *inv,
		      const struct vir0_node *node)
{
	/* from, then to, once, before the first iteration (fmt §9.11). */
	struct vir0_ref_value from = vir0_ref_eval(group, inv, node->value[0]);
	struct vir0_ref_value to = vir0_ref_eval(group, inv, node->value[1]);
	if (!counter_below_end(from.type, from.bits, to.bits))
		return VIR0_OK;
	int status = push_frame(inv, &node->body, VIR0_REF_FRAME_LOOP);
	if (status)
		return status;
	struct vir0_ref_frame *frame = &inv->frames[inv->nframes - 1];
	frame->loop = node;
	frame->counter = from.bits;
	frame->to = to.bits;
	frame->counter_type = from.type;
	return begin_iteration(inv, frame);
}

/* The end of a frame's list: next iteration, or leave the frame. */
static int end_of_list(struct vir0_ref_invocation *inv)
{
	struct vir0_ref_frame *frame = &inv->frames[inv->nframes - 1];
	if (frame->kind != VIR0_REF_FRAME_REGION)
		inv->nbindings = frame->scope_mark;
	if (frame->kind == VIR0_REF_FRAME_LOOP) {
		frame->counter++; /* cannot wrap: counter < to */
		if (counter_below_end(frame->counter_type, frame->counter, frame->to))
			return begin_iteration(inv, frame);
	}
	inv->nframes--;
	if (inv->nframes == 0)
		inv->state = VIR0_REF_FINISHED;
	return VIR0_OK;
}

static int run_node(const struct vir0_ref_workgroup *group, struct vir0_ref_invocation *inv,
		    const struct vir0_node *node)
{
	switch (node->kind) {
	case VIR0_NODE_LET:
		return bind(inv, node->name, vir0_ref_eval(group, inv, node->value[0]));
	case VIR0_NODE_ASSIGN: {
		struct vir0_ref_value v = vir0_ref_eval(group, inv, node->value[0]);
		vir0_ref_lookup(inv, node->name)->value = v;
		return VIR0_OK;
	}
	case VIR0_NODE_STORE: {
		const struct vir0_buffer_view *view =
			&group->views[vir0_buffer_index(group->program, node->name)];
		uint32_t index = vir0_ref_eval(group, inv, node->value[0]).bits;
		uint32_t v = vir0_ref_eval(group, inv, node->value[1]).bits;
		vir0_view_store(view, index, v);
		return VIR0_OK;
	}
	case VIR0_NODE_IF: {
		uint32_t cond = vir0_ref_eval(group, inv, node->value[0]).bits;
		return push_frame(inv, cond ? &node->body : &node->otherwise, VIR0_REF_FRAME_SCOPE);
	}
	case VIR0_NODE_LOOP:
		return start_loop(group, inv, node);
	case VIR0_NODE_RETURN:
		inv->nframes = 0;
		inv->state = VIR0_REF_FINISHED;
		return VIR0_OK;
	case VIR0_NODE_BLOCK:
		return push_frame(inv, &node->body, VIR0_REF_FRAME_SCOPE);
	case VIR0_NODE_REGION:
		return push_frame(inv, &node->body, VIR0_REF_FRAME_REGION);
	case VIR0_NODE_BARRIER:
		inv->state = VIR0_REF_WAITING;
		inv->waiting_at = node;
		return VIR0_OK;
	default: /* outside the core profile: the validator refused it */
		return VIR0_OK;
	}
}

int vir0_ref_run_until_blocked(const struct vir0_ref_workgroup *group,
			       struct vir0_ref_invocation *inv)
{
	while (inv->state == VIR0_REF_RUNNING) {
		struct vir0_ref_frame *frame = &inv->frames[inv->nframes - 1];
		int status;
		if (frame->next == frame->list->count)
			status = end_of_list(inv);
		else
			status = run_node(group, inv, frame->list->items[frame->next++]);
		if (status)
			return status;
	}
	return VIR0_OK;
}
