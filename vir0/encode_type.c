/* encode_type.c - DataType tags and payloads (fmt §3). */
#include "encode.h"

#include "wire_rules.h"

static int encode_element(struct vir0_encoder *e, const struct vir0_type *t, uint32_t level)
{
	if (!t->element)
		return vir0_encode_refuse(e, "DataType 0x%02X needs an element type; set "
					  "type.element (fmt §3)", t->kind);
	return vir0_encode_type(e, t->element, level + 1);
}

static int encode_dims(struct vir0_encoder *e, const struct vir0_type *t)
{
	if (t->ndims > VIR0_MAX_TYPE_DIMS)
		return vir0_encode_refuse(e, "DataType with %u dimensions, above the "
					  "bound %u (fmt D16)", t->ndims, VIR0_MAX_TYPE_DIMS);
	if (t->ndims && !t->dims)
		return vir0_encode_refuse(e, "DataType has ndims = %u but dims is NULL",
					  t->ndims);
	vir0_wire_put_u32(&e->writer, t->ndims);
	for (uint32_t i = 0; i < t->ndims; i++)
		vir0_wire_put_u32(&e->writer, t->dims[i]);
	return VIR0_OK;
}

static int encode_quantized(struct vir0_encoder *e, const struct vir0_type *t,
			    uint32_t level)
{
	if (t->element && !vir0_quant_storage_valid(t->element->kind))
		return vir0_encode_refuse(e, "Quantized storage 0x%02X is not allowed; use "
					  "I4, I8, I16, U8, U16, F8E4M3, F8E5M2, FP4 "
					  "or NF4 (fmt §3)", t->element->kind);
	if (!vir0_quant_scale_valid(t->scale_kind, t->arg0) ||
	    !vir0_quant_zero_valid(t->zero_kind, t->arg1))
		return vir0_encode_refuse(e, "Quantized scale %u/%u or zero point %u/%u "
					  "breaks fmt §3 (per-tensor and absent take 0, "
					  "per-group takes a group size >= 1)",
					  t->scale_kind, t->arg0, t->zero_kind, t->arg1);
	int rc = encode_element(e, t, level);
	if (rc)
		return rc;
	vir0_wire_put_u8(&e->writer, t->scale_kind);
	vir0_wire_put_u32(&e->writer, t->arg0);
	vir0_wire_put_u8(&e->writer, t->zero_kind);
	vir0_wire_put_u32(&e->writer, t->arg1);
	return VIR0_OK;
}

int vir0_encode_type(struct vir0_encoder *e, const struct vir0_type *t, uint32_t level)
{
	struct vir0_wire_writer *w = &e->writer;
	int rc;
	if (level > e->limits.max_depth)
		return vir0_encode_refuse(e, "DataType nested %u levels deep, above "
					  "max_depth = %u (fmt D18)", level,
					  e->limits.max_depth);
	if (!vir0_type_tag_known(t->kind))
		return vir0_encode_refuse(e, "unknown DataType kind 0x%02X; use a tag of "
					  "fmt §3", t->kind);
	vir0_wire_put_u8(w, t->kind);
	switch (t->kind) {
	case VIR0_TYPE_ARRAY:
	case VIR0_TYPE_HANDLE:
		vir0_wire_put_u32(w, t->arg0);
		return VIR0_OK;
	case VIR0_TYPE_OPAQUE:
		if (!vir0_opaque_id_valid(t->arg0))
			return vir0_encode_refuse(e, "opaque DataType id 0x%08X needs the "
						  "high bit set (fmt D15)", t->arg0);
		vir0_wire_put_u32(w, t->arg0);
		return VIR0_OK;
	case VIR0_TYPE_VEC:
		if (!(rc = encode_element(e, t, level)))
			vir0_wire_put_u8(w, t->vec_count);
		return rc;
	case VIR0_TYPE_TENSOR_SHAPED:
		rc = encode_element(e, t, level);
		return rc ? rc : encode_dims(e, t);
	case VIR0_TYPE_SPARSE_CSR:
	case VIR0_TYPE_SPARSE_COO:
		return encode_element(e, t, level);
	case VIR0_TYPE_SPARSE_BSR:
		if ((rc = encode_element(e, t, level)))
			return rc;
		vir0_wire_put_u32(w, t->arg0);
		vir0_wire_put_u32(w, t->arg1);
		return VIR0_OK;
	case VIR0_TYPE_DEVICE_MESH:
		return encode_dims(e, t);
	case VIR0_TYPE_QUANTIZED:
		return encode_quantized(e, t, level);
	default:
		return VIR0_OK;
	}
}
