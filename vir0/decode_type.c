/* decode_type.c - DataType tags and their payloads (fmt §3). */
#include "decode.h"

#include "arena.h"
#include "error.h"
#include "wire_rules.h"

static int type_element(struct vir0_decoder *d, struct vir0_type *t, uint32_t level)
{
	struct vir0_type *element = vir0_arena_alloc(d->program->arena, sizeof(*element));
	if (!element)
		return vir0_error_at(d->reader.err, VIR0_ENOMEM, d->reader.pos,
				     "out of memory decoding a DataType");
	t->element = element;
	return vir0_decode_type(d, element, level + 1);
}

/* TensorShaped dims and DeviceMesh axes: a bounded u32 array. */
static int type_dims(struct vir0_decoder *d, struct vir0_type *t, const char *what)
{
	struct vir0_wire_reader *r = &d->reader;
	int rc = vir0_wire_count(r, what, VIR0_MAX_TYPE_DIMS, "the fixed rank bound",
				 4, &t->ndims);
	if (rc)
		return rc;
	uint32_t *dims = vir0_arena_alloc(d->program->arena, (size_t)t->ndims * sizeof(*dims));
	if (!dims)
		return vir0_error_at(r->err, VIR0_ENOMEM, r->pos,
				     "out of memory decoding %s", what);
	for (uint32_t i = 0; i < t->ndims; i++)
		if ((rc = vir0_wire_u32(r, "a dimension", &dims[i])))
			return rc;
	t->dims = dims;
	return VIR0_OK;
}

static int quantized_storage(struct vir0_decoder *d, struct vir0_type *t, uint32_t level)
{
	struct vir0_wire_reader *r = &d->reader;
	/* Reject a storage tag outside the list at its own byte, before a
	 * compound type would read a payload (depth still comes first). */
	if (level + 1 <= d->limits.max_depth && vir0_wire_remaining(r) >= 1 &&
	    !vir0_quant_storage_valid(r->data[r->pos]))
		return vir0_error_at(r->err, VIR0_EVALUE, r->pos,
				     "Quantized storage DataType 0x%02X at offset %zu is "
				     "not allowed; use one of I4, I8, I16, U8, U16, "
				     "F8E4M3, F8E5M2, FP4, NF4 (fmt §3)",
				     r->data[r->pos], r->pos);
	return type_element(d, t, level);
}

static int quantized_parameter(struct vir0_decoder *d, const char *what,
			       int (*valid)(uint8_t, uint32_t), uint8_t *kind,
			       uint32_t *parameter)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	int rc = vir0_wire_u8(r, what, kind);
	if (!rc)
		rc = vir0_wire_u32(r, what, parameter);
	if (rc || valid(*kind, *parameter))
		return rc;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "Quantized %s at offset %zu has kind %u with parameter %u, "
			     "which fmt §3 forbids (per-tensor and absent take 0, "
			     "per-group takes a group size >= 1)",
			     what, start, *kind, *parameter);
}

static int quantized(struct vir0_decoder *d, struct vir0_type *t, uint32_t level)
{
	int rc = quantized_storage(d, t, level);
	if (!rc)
		rc = quantized_parameter(d, "scale", vir0_quant_scale_valid,
					 &t->scale_kind, &t->arg0);
	if (!rc)
		rc = quantized_parameter(d, "zero point", vir0_quant_zero_valid,
					 &t->zero_kind, &t->arg1);
	return rc;
}

static int opaque_id(struct vir0_decoder *d, uint32_t *id)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	int rc = vir0_wire_u32(r, "opaque DataType id", id);
	if (rc || vir0_opaque_id_valid(*id))
		return rc;
	return vir0_error_at(r->err, VIR0_EVALUE, start,
			     "opaque DataType id 0x%08X at offset %zu has the high bit "
			     "clear; extension ids are 0x80000000 and above (fmt D15)",
			     *id, start);
}

int vir0_decode_type(struct vir0_decoder *d, struct vir0_type *t, uint32_t level)
{
	struct vir0_wire_reader *r = &d->reader;
	size_t start = r->pos;
	if (level > d->limits.max_depth)
		return vir0_error_at(r->err, VIR0_EDEPTH, start,
				     "DataType at offset %zu is nested %u levels deep, "
				     "above max_depth = %u; flatten the type (fmt D18)",
				     start, level, d->limits.max_depth);
	int rc = vir0_wire_u8(r, "a DataType tag", &t->kind);
	if (rc)
		return rc;
	if (!vir0_type_tag_known(t->kind))
		return vir0_error_at(r->err, VIR0_ETAG, start,
				     "unknown DataType tag 0x%02X at offset %zu; valid tags "
				     "are 0x01-0x1F and 0x80 (fmt §3, D6)", t->kind, start);
	switch (t->kind) {
	case VIR0_TYPE_ARRAY:
		return vir0_wire_u32(r, "Array element_size", &t->arg0);
	case VIR0_TYPE_HANDLE:
		return vir0_wire_u32(r, "Handle type id", &t->arg0);
	case VIR0_TYPE_OPAQUE:
		return opaque_id(d, &t->arg0);
	case VIR0_TYPE_VEC:
		rc = type_element(d, t, level);
		return rc ? rc : vir0_wire_u8(r, "Vec lane count", &t->vec_count);
	case VIR0_TYPE_TENSOR_SHAPED:
		rc = type_element(d, t, level);
		return rc ? rc : type_dims(d, t, "TensorShaped rank");
	case VIR0_TYPE_SPARSE_CSR:
	case VIR0_TYPE_SPARSE_COO:
		return type_element(d, t, level);
	case VIR0_TYPE_SPARSE_BSR:
		rc = type_element(d, t, level);
		if (!rc)
			rc = vir0_wire_u32(r, "SparseBsr block_rows", &t->arg0);
		return rc ? rc : vir0_wire_u32(r, "SparseBsr block_cols", &t->arg1);
	case VIR0_TYPE_DEVICE_MESH:
		return type_dims(d, t, "DeviceMesh axis count");
	case VIR0_TYPE_QUANTIZED:
		return quantized(d, t, level);
	default:
		return VIR0_OK;
	}
}
