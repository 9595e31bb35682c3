/* decode.c - vir0_decode: the envelope, the metadata and the entry body
 * (fmt §1, §7), plus the checks shared by the Node and Expr readers. */
#include "decode.h"

#include "arena.h"
#include "error.h"
#include "key_set.h"
#include "names.h"
#include "wire_rules.h"

#include <string.h>

int vir0_decode_enter(struct vir0_decoder *d, uint32_t level, const char *what)
{
	struct vir0_wire_reader *r = &d->reader;
	if (level > d->limits.max_depth)
		return vir0_error_at(r->err, VIR0_EDEPTH, r->pos,
				     "%s at offset %zu is nested %u levels deep, above "
				     "max_depth = %u; flatten the program (fmt D18)",
				     what, r->pos, level, d->limits.max_depth);
	if (d->records >= d->limits.max_nodes)
		return vir0_error_at(r->err, VIR0_ELIMIT, r->pos,
				     "%s at offset %zu is one more than max_nodes = %u Nodes "
				     "and Exprs; split the program or raise the limit "
				     "(fmt D17)", what, r->pos, d->limits.max_nodes);
	d->records++;
	return VIR0_OK;
}

int vir0_decode_ordering(struct vir0_decoder *d, uint8_t *out)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	int rc = vir0_wire_u8(r, "a MemoryOrdering", out);
	if (rc || *out <= VIR0_ORDER_LAST)
		return rc;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "MemoryOrdering %u at offset %zu is out of range; use 0-5 "
			     "(relaxed ... grid_sync; fmt §6.4, D10)", *out, start);
}

int vir0_decode_string(struct vir0_decoder *d, const char *what, const char **out)
{
	return vir0_wire_string(&d->reader, d->program->arena, what,
				d->limits.max_string_bytes, out);
}

static int decode_header(struct vir0_wire_reader *r)
{
	static const uint8_t magic[4] = { 'V', 'I', 'R', '0' };
	if (r->size < 4 || memcmp(r->data, magic, 4) != 0)
		return vir0_error_at(r->err, VIR0_EMAGIC, 0,
				     "the input does not start with the magic \"VIR0\" "
				     "(56 49 52 30) at offset 0; it is not a VIR0 program, "
				     "pass the bytes of a .vir0 file (fmt D2)");
	r->pos = 4;
	uint16_t version, flags;
	int rc = vir0_wire_u16(r, "the version", &version);
	if (rc)
		return rc;
	if (version != VIR0_WIRE_VERSION)
		return vir0_error_at(r->err, VIR0_EVERSION, 4,
				     "version %u at offset 4 is not supported; this "
				     "decoder reads version 1 (fmt D3)", version);
	if ((rc = vir0_wire_u16(r, "the flags", &flags)))
		return rc;
	if (flags != 0)
		return vir0_error_at(r->err, VIR0_EFLAGS, 6,
				     "flags 0x%04X at offset 6 are reserved and must be 0 "
				     "(fmt D4)", flags);
	return VIR0_OK;
}

static int decode_workgroup_size(struct vir0_decoder *d)
{
	struct vir0_wire_reader *r = &d->reader;
	for (int axis = 0; axis < 3; axis++) {
		size_t start = r->pos;
		int rc = vir0_wire_u32(r, "a workgroup_size component",
				       &d->program->workgroup_size[axis]);
		if (rc)
			return rc;
		if (d->program->workgroup_size[axis] == 0)
			return vir0_error_at(r->err, VIR0_EVALUE, start,
					     "workgroup_size[%d] at offset %zu is 0; every "
					     "component must be at least 1 (fmt D12)",
					     axis, start);
	}
	return VIR0_OK;
}

static int decode_access(struct vir0_wire_reader *r, uint8_t *access)
{
	size_t start = r->pos;
	int rc = vir0_wire_u8(r, "a buffer access", access);
	if (rc || *access <= VIR0_ACCESS_WORKGROUP)
		return rc;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "buffer access %u at offset %zu is out of range; use 0 "
			     "read-only, 1 read-write, 2 uniform or 3 workgroup "
			     "(fmt §6.5, D10)", *access, start);
}

static int decode_buffer(struct vir0_decoder *d, struct vir0_buffer *b)
{
	struct vir0_wire_reader *r = &d->reader;
	int rc = vir0_decode_string(d, "buffer name", &b->name);
	if (!rc)
		rc = vir0_wire_u32(r, "buffer binding", &b->binding);
	if (!rc)
		rc = decode_access(r, &b->access);
	if (!rc)
		rc = vir0_decode_type(d, &b->element, 1);
	size_t count_at = r->pos;
	if (!rc)
		rc = vir0_wire_u32(r, "buffer count", &b->count);
	if (!rc && b->access == VIR0_ACCESS_WORKGROUP && b->count == 0)
		return vir0_error_at(r->err, VIR0_EVALUE, count_at,
				     "workgroup buffer \"%s\" has count 0 at offset %zu; "
				     "workgroup memory needs a fixed element count "
				     "(fmt D13)", b->name, count_at);
	return rc ? rc : vir0_wire_bool(r, "buffer is_output", &b->is_output);
}

/* Minimum encoded sizes of fmt §7.3, used to refuse counts early. */
enum { BUFFER_RECORD_MIN = 15, ATTACHMENT_RECORD_MIN = 8 };

static int decode_buffers(struct vir0_decoder *d)
{
	vir0_program *p = d->program;
	uint32_t count;
	int rc = vir0_wire_count(&d->reader, "buffer_count", d->limits.max_buffers,
				 "max_buffers", BUFFER_RECORD_MIN, &count);
	if (rc)
		return rc;
	p->buffers = vir0_arena_alloc(p->arena, (size_t)count * sizeof(*p->buffers));
	if (!p->buffers)
		return vir0_error_at(d->reader.err, VIR0_ENOMEM, d->reader.pos,
				     "out of memory for %u buffers", count);
	for (; p->nbuffers < count; p->nbuffers++)
		if ((rc = decode_buffer(d, &p->buffers[p->nbuffers])))
			return rc;
	return VIR0_OK;
}

static int decode_attachments(struct vir0_decoder *d)
{
	struct vir0_wire_reader *r = &d->reader;
	vir0_program *p = d->program;
	struct vir0_key_set keys;
	uint32_t count;
	int rc = vir0_wire_count(r, "attachment_count", d->limits.max_attachments,
				 "max_attachments", ATTACHMENT_RECORD_MIN, &count);
	if (rc)
		return rc;
	p->attachments = vir0_arena_alloc(p->arena, (size_t)count * sizeof(*p->attachments));
	if (!p->attachments || vir0_key_set_init(&keys, p->arena, count))
		return vir0_error_at(r->err, VIR0_ENOMEM, r->pos,
				     "out of memory for %u attachments", count);
	for (; p->nattachments < count; p->nattachments++) {
		struct vir0_attachment *a = &p->attachments[p->nattachments];
		size_t key_at = r->pos;
		if ((rc = vir0_decode_string(d, "attachment key", &a->key)))
			return rc;
		if (!vir0_key_set_insert(&keys, a->key))
			return vir0_error_at(r->err, VIR0_EVALUE, key_at,
					     "attachment key \"%s\" at offset %zu repeats "
					     "an earlier key; keys must be unique (fmt D14)",
					     a->key, key_at);
		if ((rc = vir0_wire_blob(r, p->arena, "attachment size", UINT32_MAX,
					 "UINT32_MAX", &a->data, &a->size)))
			return rc;
	}
	return VIR0_OK;
}

static int decode_program(struct vir0_decoder *d)
{
	struct vir0_wire_reader *r = &d->reader;
	uint8_t entry_present;
	int rc = decode_header(r);
	if (!rc)
		rc = vir0_wire_bool(r, "entry_present", &entry_present);
	if (!rc && entry_present)
		rc = vir0_decode_string(d, "entry_op_id", &d->program->entry_op_id);
	if (!rc)
		rc = decode_workgroup_size(d);
	if (!rc)
		rc = decode_buffers(d);
	if (!rc)
		rc = decode_attachments(d);
	if (!rc)
		rc = vir0_decode_node_list(d, &d->program->body, 1, "entry body count");
	if (!rc && r->pos != r->size)
		rc = vir0_error_at(r->err, VIR0_ETRAILING, r->pos,
				   "%zu bytes follow the entry body at offset %zu; a "
				   "program ends with its body, remove them (fmt D20)",
				   r->size - r->pos, r->pos);
	return rc;
}

int vir0_decode(const uint8_t *bytes, size_t size, const struct vir0_limits *limits,
		vir0_program **out, struct vir0_error *err)
{
	if (!out || (!bytes && size))
		return vir0_error_at(err, VIR0_EARG, 0,
				     "vir0_decode needs an output pointer and, for a "
				     "non-empty input, its bytes");
	*out = NULL;
	struct vir0_decoder d = { .reader = { bytes, size, 0, err } };
	if (limits)
		d.limits = *limits;
	else
		vir0_limits_default(&d.limits);
	if (size > d.limits.max_input_bytes)
		return vir0_error_at(err, VIR0_ELIMIT, 0,
				     "the input is %zu bytes, above max_input_bytes = %zu; "
				     "raise the limit for trusted input (fmt D1)",
				     size, d.limits.max_input_bytes);
	if (!(d.program = vir0_program_new()))
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for a program");
	int rc = decode_program(&d);
	if (rc) {
		vir0_program_free(d.program);
		return rc;
	}
	*out = d.program;
	return VIR0_OK;
}
