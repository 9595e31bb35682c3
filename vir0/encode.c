/* encode.c - vir0_encode: the envelope and metadata (fmt §1) and the
 * helpers shared by the type, expression and node writers. */
#include "encode.h"

#include "arena.h"
#include "error.h"
#include "key_set.h"
#include "names.h"
#include "wire_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t vir0_encode_path_push(struct vir0_encoder *e, const char *fmt, ...)
{
	size_t old = e->path_len;
	size_t room = sizeof(e->path) - old;
	int n = 0;
	if (old && room > 1)
		n = snprintf(e->path + old, room, ".");
	va_list ap;
	va_start(ap, fmt);
	if ((size_t)n < room)
		n += vsnprintf(e->path + old + n, room - n, fmt, ap);
	va_end(ap);
	/* A path too long for the buffer stays truncated, never overrun. */
	e->path_len = old + ((size_t)n < room ? (size_t)n : room - 1);
	return old;
}

void vir0_encode_path_pop(struct vir0_encoder *e, size_t length)
{
	e->path_len = length;
	e->path[length] = '\0';
}

int vir0_encode_refuse(struct vir0_encoder *e, const char *fmt, ...)
{
	char message[VIR0_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return vir0_error_path(e->err, VIR0_EARG, e->path_len ? e->path : "program",
			       "%s", message);
}

int vir0_encode_enter(struct vir0_encoder *e, uint32_t level, const char *what)
{
	if (level > e->limits.max_depth)
		return vir0_encode_refuse(e, "%s nested %u levels deep, above max_depth "
					  "= %u; flatten the program (fmt D18)",
					  what, level, e->limits.max_depth);
	if (e->records >= e->limits.max_nodes)
		return vir0_encode_refuse(e, "more than max_nodes = %u Nodes and Exprs; "
					  "split the program (fmt D17)", e->limits.max_nodes);
	e->records++;
	return VIR0_OK;
}

int vir0_encode_string(struct vir0_encoder *e, const char *what, const char *text)
{
	if (!text)
		return vir0_encode_refuse(e, "%s is missing (NULL); give it a string",
					  what);
	size_t len = strlen(text), bad;
	const char *why;
	if (len > e->limits.max_string_bytes)
		return vir0_encode_refuse(e, "%s is %zu bytes, above max_string_bytes "
					  "= %u; shorten it (fmt D16)",
					  what, len, e->limits.max_string_bytes);
	if (vir0_utf8_check((const uint8_t *)text, len, &bad, &why))
		return vir0_encode_refuse(e, "%s is not valid UTF-8 at byte %zu (%s); "
					  "fix the name (fmt D8)", what, bad, why);
	vir0_wire_put_u32(&e->writer, (uint32_t)len);
	vir0_wire_put_bytes(&e->writer, text, len);
	return VIR0_OK;
}

int vir0_encode_blob(struct vir0_encoder *e, const char *what, const uint8_t *data,
		     uint32_t size, uint32_t max_bytes)
{
	if (size > max_bytes)
		return vir0_encode_refuse(e, "%s is %u bytes, above the bound %u; "
					  "shorten it (fmt D16)", what, size, max_bytes);
	if (size && !data)
		return vir0_encode_refuse(e, "%s has size %u but no data; pass the "
					  "bytes or size 0", what, size);
	vir0_wire_put_u32(&e->writer, size);
	vir0_wire_put_bytes(&e->writer, data, size);
	return VIR0_OK;
}

int vir0_encode_ordering(struct vir0_encoder *e, uint8_t ordering)
{
	if (ordering > VIR0_ORDER_LAST)
		return vir0_encode_refuse(e, "memory ordering %u is out of range; use "
					  "0-5 (fmt §6.4)", ordering);
	vir0_wire_put_u8(&e->writer, ordering);
	return VIR0_OK;
}

static int encode_bool(struct vir0_encoder *e, const char *what, uint8_t value)
{
	if (value > 1)
		return vir0_encode_refuse(e, "%s is %u; it must be 0 or 1 (fmt D10)",
					  what, value);
	vir0_wire_put_u8(&e->writer, value);
	return VIR0_OK;
}

static int encode_buffer(struct vir0_encoder *e, const struct vir0_buffer *b)
{
	int rc = vir0_encode_string(e, "the buffer name", b->name);
	if (rc)
		return rc;
	vir0_wire_put_u32(&e->writer, b->binding);
	if (b->access > VIR0_ACCESS_WORKGROUP)
		return vir0_encode_refuse(e, "access %u is out of range; use 0-3 "
					  "(fmt §6.5)", b->access);
	vir0_wire_put_u8(&e->writer, b->access);
	if ((rc = vir0_encode_type(e, &b->element, 1)))
		return rc;
	if (b->access == VIR0_ACCESS_WORKGROUP && b->count == 0)
		return vir0_encode_refuse(e, "a workgroup buffer needs a count of at "
					  "least 1 (fmt D13)");
	vir0_wire_put_u32(&e->writer, b->count);
	return encode_bool(e, "is_output", b->is_output);
}

static int encode_buffers(struct vir0_encoder *e, const vir0_program *p)
{
	if (p->nbuffers > e->limits.max_buffers)
		return vir0_encode_refuse(e, "%u buffers, above max_buffers = %u "
					  "(fmt D16)", p->nbuffers, e->limits.max_buffers);
	if (p->nbuffers && !p->buffers)
		return vir0_encode_refuse(e, "nbuffers is %u but buffers is NULL",
					  p->nbuffers);
	vir0_wire_put_u32(&e->writer, p->nbuffers);
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		size_t path = vir0_encode_path_push(e, "buffers[%u]", i);
		int rc = encode_buffer(e, &p->buffers[i]);
		if (rc)
			return rc;
		vir0_encode_path_pop(e, path);
	}
	return VIR0_OK;
}

static int encode_attachment_list(struct vir0_encoder *e, const vir0_program *p,
				  struct vir0_key_set *keys)
{
	vir0_wire_put_u32(&e->writer, p->nattachments);
	for (uint32_t i = 0; i < p->nattachments; i++) {
		const struct vir0_attachment *a = &p->attachments[i];
		size_t path = vir0_encode_path_push(e, "attachments[%u]", i);
		int rc = vir0_encode_string(e, "the attachment key", a->key);
		if (rc)
			return rc;
		if (!vir0_key_set_insert(keys, a->key))
			return vir0_encode_refuse(e, "attachment key \"%s\" repeats an "
						  "earlier key; keys must be unique "
						  "(fmt D14)", a->key);
		if ((rc = vir0_encode_blob(e, "the attachment data", a->data, a->size,
					   UINT32_MAX)))
			return rc;
		vir0_encode_path_pop(e, path);
	}
	return VIR0_OK;
}

static int encode_attachments(struct vir0_encoder *e, const vir0_program *p)
{
	if (p->nattachments > e->limits.max_attachments)
		return vir0_encode_refuse(e, "%u attachments, above max_attachments = "
					  "%u (fmt D16)", p->nattachments,
					  e->limits.max_attachments);
	if (p->nattachments && !p->attachments)
		return vir0_encode_refuse(e, "nattachments is %u but attachments is NULL",
					  p->nattachments);
	/* The duplicate-key table is scratch memory, gone once written. */
	struct vir0_arena *scratch = vir0_arena_new();
	struct vir0_key_set keys;
	int rc;
	if (!scratch || vir0_key_set_init(&keys, scratch, p->nattachments))
		rc = vir0_error_at(e->err, VIR0_ENOMEM, 0,
				   "out of memory checking attachment keys");
	else
		rc = encode_attachment_list(e, p, &keys);
	vir0_arena_free(scratch);
	return rc;
}

static int encode_program(struct vir0_encoder *e, const vir0_program *p)
{
	struct vir0_wire_writer *w = &e->writer;
	int rc;
	vir0_wire_put_bytes(w, "VIR0", 4);
	vir0_wire_put_u16(w, VIR0_WIRE_VERSION);
	vir0_wire_put_u16(w, 0);
	vir0_wire_put_u8(w, p->entry_op_id != NULL);
	if (p->entry_op_id && (rc = vir0_encode_string(e, "entry_op_id", p->entry_op_id)))
		return rc;
	for (int axis = 0; axis < 3; axis++) {
		if (p->workgroup_size[axis] == 0)
			return vir0_encode_refuse(e, "workgroup_size[%d] is 0; every "
						  "component must be at least 1 "
						  "(fmt D12)", axis);
		vir0_wire_put_u32(w, p->workgroup_size[axis]);
	}
	if ((rc = encode_buffers(e, p)) || (rc = encode_attachments(e, p)))
		return rc;
	return vir0_encode_node_list(e, &p->body, 1, "body");
}

int vir0_encode(const vir0_program *program, uint8_t **out, size_t *size,
		struct vir0_error *err)
{
	if (!program || !out || !size)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "vir0_encode needs a program and two output pointers");
	*out = NULL;
	*size = 0;
	struct vir0_encoder e = { .err = err };
	vir0_limits_default(&e.limits);
	int rc = encode_program(&e, program);
	if (!rc && e.writer.out_of_memory)
		rc = vir0_error_at(err, VIR0_ENOMEM, 0,
				   "out of memory after %zu encoded bytes", e.writer.size);
	if (!rc && e.writer.size > e.limits.max_input_bytes)
		rc = vir0_encode_refuse(&e, "the encoding is %zu bytes, above "
					"max_input_bytes = %zu; split the program "
					"(fmt D1)", e.writer.size, e.limits.max_input_bytes);
	if (rc) {
		free(e.writer.data);
		return rc;
	}
	*out = e.writer.data;
	*size = e.writer.size;
	return VIR0_OK;
}
