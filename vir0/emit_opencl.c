/* emit_opencl.c - the kernel around the instructions: signature (three
 * arguments per caller buffer), the program's workgroup size as the
 * required local size, Workgroup buffers as zero-filled __local arrays,
 * registers as private uints, then the body (emit_opencl_insn.c). */
#include "emit_opencl.h"

#include <stdlib.h>

#include "error.h"

const char *vir0_emit_storage_type(uint8_t element)
{
	switch (element) {
	case VIR0_TYPE_I32: return "int";
	case VIR0_TYPE_U8: case VIR0_TYPE_BYTES: return "uchar";
	case VIR0_TYPE_U16: return "ushort";
	case VIR0_TYPE_I8: return "char";
	case VIR0_TYPE_I16: return "short";
	default: return "uint"; /* u32, and f32 and bool as their bits */
	}
}

static void emit_signature(struct vir0_printer *p, const struct vir0_bytecode *bc)
{
	const char *sep = "";
	vir0_print_fmt(p, "/* emitted by starpu-vir0's OpenCL emitter, version %u */\n"
		       "__kernel __attribute__((reqd_work_group_size(%u, %u, %u)))\n"
		       "void " VIR0_EMIT_OPENCL_KERNEL "(",
		       VIR0_EMIT_OPENCL_VERSION, bc->workgroup_size[0], bc->workgroup_size[1],
		       bc->workgroup_size[2]);
	for (uint32_t i = 0; i < bc->nbuffers; i++) {
		const struct vir0_bc_buffer *b = &bc->buffers[i];
		if (b->access == VIR0_ACCESS_WORKGROUP)
			continue;
		int writable = b->access == VIR0_ACCESS_READ_WRITE;
		vir0_print_fmt(p, "%s\n\t__global %s%s *b%u, ulong b%u_off, uint b%u_len", sep,
			       writable ? "" : "const ", vir0_emit_storage_type(b->element), i,
			       i, i);
		sep = ",";
	}
	vir0_print_text(p, ")\n{\n", 4);
}

/* fmt §9.12: each workgroup starts with zeroed Workgroup buffers; the
 * work-items clear them together, then meet at a barrier. */
static void emit_workgroup_buffers(struct vir0_printer *p, const struct vir0_bytecode *bc)
{
	int any = 0;
	for (uint32_t i = 0; i < bc->nbuffers; i++) {
		const struct vir0_bc_buffer *b = &bc->buffers[i];
		if (b->access != VIR0_ACCESS_WORKGROUP)
			continue;
		vir0_print_fmt(p, "\t__local %s b%u[%u];\n", vir0_emit_storage_type(b->element), i,
			       b->count);
		any = 1;
	}
	if (!any)
		return;
	vir0_print_fmt(p, "\tuint linear_local = (uint)get_local_id(0) + %uu * ((uint)get_local_id(1)"
		       " + %uu * (uint)get_local_id(2));\n",
		       bc->workgroup_size[0], bc->workgroup_size[1]);
	uint32_t size = bc->workgroup_size[0] * bc->workgroup_size[1] * bc->workgroup_size[2];
	for (uint32_t i = 0; i < bc->nbuffers; i++)
		if (bc->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			vir0_print_fmt(p, "\tfor (uint i = linear_local; i < %uu; i += %uu)\n"
				       "\t\tb%u[i] = 0;\n", bc->buffers[i].count, size, i);
	vir0_print_text(p, "\tbarrier(CLK_LOCAL_MEM_FENCE);\n", 30);
}

static void emit_prologue(struct vir0_printer *p, const struct vir0_bytecode *bc, int done_flag)
{
	for (uint32_t i = 0; i < bc->nbuffers; i++)
		if (bc->buffers[i].access != VIR0_ACCESS_WORKGROUP)
			vir0_print_fmt(p, "\tb%u += b%u_off;\n", i, i);
	emit_workgroup_buffers(p, bc);
	/* Zeroed so that any verified bytecode runs deterministically. */
	for (uint32_t r = 0; r < bc->nregs; r++)
		vir0_print_fmt(p, "\tuint r%u = 0u;\n", r);
	if (done_flag)
		vir0_print_text(p, "\tuint done = 0u;\n", 17);
}

int vir0_emit_opencl_bytecode(const struct vir0_bytecode *bc, char **out,
			      struct vir0_error *err)
{
	struct vir0_printer p = { .err = err };
	int rc;
	if (!bc || !out)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_emit_opencl_bytecode needs bytecode "
				     "and an output pointer");
	*out = NULL;
	rc = vir0_bytecode_verify(bc, err);
	if (rc)
		return rc;
	struct vir0_emit_state s = {
		.p = &p, .bc = bc, .depth = 1,
		.done_flag = (bc->flags & VIR0_BC_HAS_BARRIER) && (bc->flags & VIR0_BC_HAS_RETURN),
	};
	if (vir0_emit_canon_init(&s.canon, bc))
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory emitting OpenCL C");
	emit_signature(&p, bc);
	emit_prologue(&p, bc, s.done_flag);
	for (uint32_t i = 0; i < bc->ninsns && !p.status; i++) {
		vir0_emit_insn(&s, i);
		vir0_emit_canon_after(&s.canon, bc, &bc->insns[i]);
	}
	vir0_emit_canon_free(&s.canon);
	vir0_print_text(&p, "}\n", 2);
	if (p.status) {
		free(p.data);
		return p.status;
	}
	*out = p.data;
	return VIR0_OK;
}

int vir0_emit_opencl(const vir0_program *program, char **out, struct vir0_error *err)
{
	struct vir0_bytecode *bc;
	if (!out)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_emit_opencl needs an output pointer");
	*out = NULL;
	int rc = vir0_lower(program, &bc, err);
	if (rc)
		return rc;
	rc = vir0_emit_opencl_bytecode(bc, out, err);
	vir0_bytecode_free(bc);
	return rc;
}
