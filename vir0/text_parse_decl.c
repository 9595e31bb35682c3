/* text_parse_decl.c - the top-level declarations of the .vir0s text form:
 * entry, workgroup, buffer and attach (doc/vir0s-text.md §6). Buffers and
 * attachments grow by doubling in the program's arena. */
#include "text_parse.h"

#include "arena.h"
#include "error.h"
#include "names.h"

#include <string.h>

int vir0_parse_out_of_memory(struct vir0_parser *ps)
{
	return vir0_error_line(ps->err, VIR0_ENOMEM, ps->tok.line, ps->tok.column,
			       "out of memory");
}

static int parse_workgroup(struct vir0_parser *ps, int *seen)
{
	struct vir0_token at = ps->tok;
	if ((*seen)++)
		return vir0_parse_fail(ps, &at, "the workgroup size is declared twice: keep one");
	vir0_parse_advance(ps);
	for (int axis = 0; axis < 3; axis++) {
		struct vir0_token size_at = ps->tok;
		int rc = vir0_parse_u32(ps, &ps->program->workgroup_size[axis],
					"the workgroup size (three numbers, x y z)");
		if (rc)
			return rc;
		if (ps->program->workgroup_size[axis] == 0)
			return vir0_parse_fail(ps, &size_at, "each workgroup size is at least 1");
	}
	return VIR0_OK;
}

static int parse_buffer(struct vir0_parser *ps, uint32_t *capacity)
{
	vir0_program *p = ps->program;
	if (p->nbuffers == *capacity) {
		if (*capacity > UINT32_MAX / 2)
			return vir0_parse_out_of_memory(ps);
		*capacity = *capacity ? *capacity * 2 : 8;
		struct vir0_buffer *grown = vir0_arena_alloc(p->arena,
							     (size_t)*capacity * sizeof(*grown));
		if (!grown)
			return vir0_parse_out_of_memory(ps);
		if (p->nbuffers)
			memcpy(grown, p->buffers, (size_t)p->nbuffers * sizeof(*grown));
		p->buffers = grown;
	}
	struct vir0_buffer *b = &p->buffers[p->nbuffers];
	memset(b, 0, sizeof(*b));
	b->binding = p->nbuffers;
	vir0_parse_advance(ps);
	int rc;
	if ((rc = vir0_parse_name(ps, &b->name, "the buffer name")) ||
	    (rc = vir0_parse_type(ps, &b->element)) ||
	    (rc = vir0_parse_expect(ps, VIR0_P_LBRACKET, "after the element type: write "
				    "the element count as f32[1024], or [0] when the "
				    "caller sizes it")) ||
	    (rc = vir0_parse_u32(ps, &b->count, "the element count")) ||
	    (rc = vir0_parse_expect(ps, VIR0_P_RBRACKET, "after the element count")))
		return rc;
	int access = ps->tok.kind == VIR0_TOK_IDENT ?
		     vir0_access_from_name(ps->tok.start, ps->tok.len) : -1;
	if (access < 0)
		return vir0_parse_fail(ps, &ps->tok, "expected the access mode: read, "
				       "read_write, uniform or workgroup");
	b->access = (uint8_t)access;
	vir0_parse_advance(ps);
	if (vir0_parse_is_word(&ps->tok, "output")) {
		b->is_output = 1;
		vir0_parse_advance(ps);
	}
	if (vir0_parse_is_word(&ps->tok, "binding")) {
		vir0_parse_advance(ps);
		if ((rc = vir0_parse_u32(ps, &b->binding, "the binding number")))
			return rc;
	}
	p->nbuffers++;
	return VIR0_OK;
}

static int parse_attach(struct vir0_parser *ps, uint32_t *capacity)
{
	vir0_program *p = ps->program;
	if (p->nattachments == *capacity) {
		if (*capacity > UINT32_MAX / 2)
			return vir0_parse_out_of_memory(ps);
		*capacity = *capacity ? *capacity * 2 : 4;
		struct vir0_attachment *grown = vir0_arena_alloc(
			p->arena, (size_t)*capacity * sizeof(*grown));
		if (!grown)
			return vir0_parse_out_of_memory(ps);
		if (p->nattachments)
			memcpy(grown, p->attachments, (size_t)p->nattachments * sizeof(*grown));
		p->attachments = grown;
	}
	struct vir0_attachment *a = &p->attachments[p->nattachments];
	vir0_parse_advance(ps);
	int rc = vir0_parse_name(ps, &a->key, "the attachment key");
	if (rc)
		return rc;
	if (ps->tok.kind != VIR0_TOK_HEX)
		return vir0_parse_fail(ps, &ps->tok, "expected the attachment bytes as x\"0aff\"");
	if ((rc = vir0_token_hex(&ps->tok, p->arena, &a->data, &a->size, ps->err)))
		return rc;
	vir0_parse_advance(ps);
	p->nattachments++;
	return VIR0_OK;
}

int vir0_parse_declaration(struct vir0_parser *ps, struct vir0_declarations *seen)
{
	int entry = vir0_parse_is_word(&ps->tok, "entry");
	int workgroup = vir0_parse_is_word(&ps->tok, "workgroup");
	int buffer = vir0_parse_is_word(&ps->tok, "buffer");
	int attach = vir0_parse_is_word(&ps->tok, "attach");
	if (!entry && !workgroup && !buffer && !attach)
		return 1;
	if (!seen)
		return vir0_parse_fail(ps, &ps->tok, "declarations belong at the top "
				       "level, outside every block");
	if (workgroup)
		return parse_workgroup(ps, &seen->workgroup_seen);
	if (buffer)
		return parse_buffer(ps, &seen->buffer_capacity);
	if (attach)
		return parse_attach(ps, &seen->attachment_capacity);
	if (seen->entry_seen++)
		return vir0_parse_fail(ps, &ps->tok, "the entry op id is declared twice: "
				       "keep one");
	vir0_parse_advance(ps);
	return vir0_parse_name(ps, &ps->program->entry_op_id, "the entry op id");
}
