/* emit_opencl_insn.c - one bytecode instruction as OpenCL C statements
 * (doc/bytecode.md §6). Structured control flow maps one to one: IF/ELSE/
 * END_IF to if/else, LOOP/END_LOOP to a while loop. Loads, stores and
 * atomics keep fmt §9.9/§9.10's bounds checks; an out-of-bounds access
 * touches no memory. */
#include "emit_opencl.h"

#include <string.h>

static void indent(struct vir0_emit_state *s)
{
	for (unsigned i = 0; i < s->depth; i++)
		vir0_print_text(s->p, "\t", 1);
}

static const struct vir0_bc_buffer *buffer(const struct vir0_emit_state *s, unsigned index)
{
	return &s->bc->buffers[index];
}

/* Buffer i's length in elements: the declared count of a Workgroup buffer,
 * else the launch's. */
static void print_len(struct vir0_emit_state *s, unsigned index)
{
	if (buffer(s, index)->access == VIR0_ACCESS_WORKGROUP)
		vir0_print_fmt(s->p, "%uu", buffer(s, index)->count);
	else
		vir0_print_fmt(s->p, "b%u_len", index);
}

/* fmt §1.5: the value a Load of element b<i>[r<a>] gives. A Workgroup
 * buffer of f32 holds only canonical bits (zeroed, then written by stores,
 * which canonicalise; atomics need integer elements), so its loads need no
 * canonicalising. */
static void print_load(struct vir0_emit_state *s, unsigned index, unsigned a)
{
	const struct vir0_bc_buffer *b = buffer(s, index);
	switch (b->element) {
	case VIR0_TYPE_F32:
		vir0_print_fmt(s->p, b->access == VIR0_ACCESS_WORKGROUP ? "b%u[r%u]" :
				     "vir0_f32_canon(b%u[r%u])", index, a);
		break;
	case VIR0_TYPE_BOOL: vir0_print_fmt(s->p, "(uint)(b%u[r%u] != 0u)", index, a); break;
	case VIR0_TYPE_I8: case VIR0_TYPE_I16: case VIR0_TYPE_I32:
		vir0_print_fmt(s->p, "(uint)(int)b%u[r%u]", index, a);
		break;
	default: vir0_print_fmt(s->p, "(uint)b%u[r%u]", index, a); break;
	}
}

/* fmt §1.5: what a Store of r<v> writes (narrow types keep the low bits). */
static void print_stored(struct vir0_emit_state *s, unsigned index, unsigned v)
{
	uint8_t element = buffer(s, index)->element;
	switch (element) {
	case VIR0_TYPE_F32:
		vir0_print_fmt(s->p, s->canon.now[v] == VIR0_EMIT_F32_CANONICAL ? "r%u" :
				     "vir0_f32_canon(r%u)", v);
		break;
	case VIR0_TYPE_BOOL: vir0_print_fmt(s->p, "(uint)(r%u != 0u)", v); break;
	default: vir0_print_fmt(s->p, "(%s)r%u", vir0_emit_storage_type(element), v); break;
	}
}

static const char *const atomic_function[] = {
	[VIR0_ATOMIC_ADD] = "atomic_add", [VIR0_ATOMIC_OR] = "atomic_or",
	[VIR0_ATOMIC_AND] = "atomic_and", [VIR0_ATOMIC_XOR] = "atomic_xor",
	[VIR0_ATOMIC_MIN] = "atomic_min", [VIR0_ATOMIC_MAX] = "atomic_max",
	[VIR0_ATOMIC_EXCHANGE] = "atomic_xchg", [VIR0_ATOMIC_COMPARE_EXCHANGE] = "atomic_cmpxchg",
};

/* OpenCL 1.x atomics: min and max are signed on int pointers, which is
 * fmt §6.3's rule for I32 buffers; the other operators act on the bits. */
static int emit_atomic(struct vir0_emit_state *s, const struct vir0_insn *insn)
{
	unsigned index = vir0_insn_aux(insn), a = vir0_insn_a(insn);
	uint32_t op = vir0_insn_imm(insn);
	const struct vir0_bc_buffer *b = buffer(s, index);
	const char *space = b->access == VIR0_ACCESS_WORKGROUP ? "__local" : "__global";
	const char *type = b->element == VIR0_TYPE_I32 ? "int" : "uint";
	if (op >= sizeof(atomic_function) / sizeof(atomic_function[0]) || !atomic_function[op])
		return vir0_print_fail(s->p, VIR0_EINVALID, "atomic operator 0x%02x is not core", op);
	vir0_print_fmt(s->p, "r%u = %sr%u < ", vir0_insn_dst(insn), s->done_flag ? "!done && " : "",
		       a);
	print_len(s, index);
	vir0_print_fmt(s->p, " ? (uint)%s((volatile %s %s *)&b%u[r%u], ", atomic_function[op],
		       space, type, index, a);
	if (op == VIR0_ATOMIC_COMPARE_EXCHANGE)
		vir0_print_fmt(s->p, "(%s)r%u, ", type, vir0_insn_c(insn));
	vir0_print_fmt(s->p, "(%s)r%u) : 0u;\n", type, vir0_insn_b(insn));
	return s->p->status;
}

/* The instruction's operand registers, with which of them f32
 * arithmetic reads as they are (VIR0_BC_NO_REG in an unused field is
 * never read). */
static struct vir0_emit_operands operands(const struct vir0_emit_state *s,
					  const struct vir0_insn *insn)
{
	struct vir0_emit_operands o = {
		{ vir0_insn_a(insn), vir0_insn_b(insn), vir0_insn_c(insn) }, 0u,
		vir0_emit_canon_flushes(&s->canon),
	};
	for (unsigned k = 0; k < 3; k++)
		if (o.reg[k] < s->canon.nregs && s->canon.now[o.reg[k]] >= VIR0_EMIT_F32_FLUSHED)
			o.as_float |= 1u << k;
	return o;
}

static int emit_value(struct vir0_emit_state *s, const struct vir0_insn *insn)
{
	struct vir0_printer *p = s->p;
	unsigned dst = vir0_insn_dst(insn), a = vir0_insn_a(insn), aux = vir0_insn_aux(insn);
	unsigned type = vir0_insn_type(insn);
	struct vir0_emit_operands o = operands(s, insn);
	static const char *const id_function[] = { "get_global_id", "get_group_id", "get_local_id" };
	int rc = VIR0_OK;

	vir0_print_fmt(p, "r%u = ", dst);
	switch (vir0_insn_op(insn)) {
	case VIR0_BC_CONST: vir0_print_fmt(p, "0x%08xu", vir0_insn_imm(insn)); break;
	case VIR0_BC_MOV: vir0_print_fmt(p, "r%u", a); break;
	case VIR0_BC_BINOP: rc = vir0_emit_binop(p, aux, type, &o); break;
	case VIR0_BC_UNOP: rc = vir0_emit_unop(p, aux, type, &o); break;
	case VIR0_BC_CAST: rc = vir0_emit_cast(p, type, aux, &o); break;
	case VIR0_BC_SELECT:
		vir0_print_fmt(p, "r%u != 0u ? r%u : r%u", a, vir0_insn_b(insn), vir0_insn_c(insn));
		break;
	case VIR0_BC_FMA: rc = vir0_emit_fma(p, &o); break;
	case VIR0_BC_ID:
		vir0_print_fmt(p, "(uint)%s(%u)", id_function[aux], vir0_insn_imm(insn));
		break;
	case VIR0_BC_BUF_LEN: print_len(s, aux); break;
	case VIR0_BC_LOAD:
		vir0_print_fmt(p, "r%u < ", a);
		print_len(s, aux);
		vir0_print_text(p, " ? ", 3);
		print_load(s, aux, a);
		vir0_print_text(p, " : 0u", 5);
		break;
	default: break;
	}
	vir0_print_text(p, ";\n", 2);
	return rc ? rc : p->status;
}

static int emit_store(struct vir0_emit_state *s, const struct vir0_insn *insn)
{
	unsigned index = vir0_insn_aux(insn), a = vir0_insn_a(insn);
	vir0_print_fmt(s->p, "if (%sr%u < ", s->done_flag ? "!done && " : "", a);
	print_len(s, index);
	vir0_print_fmt(s->p, ") b%u[r%u] = ", index, a);
	print_stored(s, index, vir0_insn_b(insn));
	vir0_print_text(s->p, ";\n", 2);
	return s->p->status;
}

/* Loops compare unsigned for u32 bounds and signed for i32 (fmt §9.11). */
static void print_loop_test(struct vir0_emit_state *s, const struct vir0_insn *insn)
{
	unsigned dst = vir0_insn_dst(insn), to = vir0_insn_b(insn);
	if (vir0_insn_type(insn) == VIR0_TYPE_I32)
		vir0_print_fmt(s->p, "(int)r%u < (int)r%u", dst, to);
	else
		vir0_print_fmt(s->p, "r%u < r%u", dst, to);
}

/* A MOV or bit-preserving Cast onto its own operand does nothing (and
 * would draw -Wself-assign from OpenCL compilers). */
static int is_self_copy(const struct vir0_insn *insn)
{
	unsigned op = vir0_insn_op(insn);
	const char *cast = op == VIR0_BC_CAST ?
		vir0_emit_cast_template(vir0_insn_type(insn), vir0_insn_aux(insn)) : NULL;
	int copy = op == VIR0_BC_MOV || (cast && !strcmp(cast, "@a"));
	return copy && vir0_insn_dst(insn) == vir0_insn_a(insn);
}

/* Flushed registers whose NaN bits could show from here on, made
 * canonical in place (emit_opencl_canon.c says which and why). */
static void print_canonicalised(struct vir0_emit_state *s, const struct vir0_insn *insn)
{
	vir0_emit_canon_before(&s->canon, s->bc, insn);
	for (uint32_t i = 0; i < s->canon.nfixed; i++) {
		indent(s);
		vir0_print_fmt(s->p, "r%u = vir0_f32_canon(r%u);\n", s->canon.fixed[i],
			       s->canon.fixed[i]);
	}
}

int vir0_emit_insn(struct vir0_emit_state *s, uint32_t index)
{
	const struct vir0_insn *insn = &s->bc->insns[index];
	struct vir0_printer *p = s->p;
	unsigned op = vir0_insn_op(insn);

	print_canonicalised(s, insn);

	if (op == VIR0_BC_ELSE || op == VIR0_BC_END_IF || op == VIR0_BC_END_LOOP) {
		if (op == VIR0_BC_END_LOOP) {
			indent(s);
			vir0_print_fmt(p, "r%u += 1u;\n", vir0_insn_dst(insn));
		}
		s->depth--;
		indent(s);
		vir0_print_text(p, op == VIR0_BC_ELSE ? "} else {\n" : "}\n",
				op == VIR0_BC_ELSE ? 9 : 2);
		if (op == VIR0_BC_ELSE)
			s->depth++;
		return p->status;
	}
	if (op == VIR0_BC_HALT || is_self_copy(insn))
		return p->status;
	indent(s);
	switch (op) {
	case VIR0_BC_STORE: return emit_store(s, insn);
	case VIR0_BC_ATOMIC: return emit_atomic(s, insn);
	case VIR0_BC_IF:
		vir0_print_fmt(p, "if (r%u != 0u) {\n", vir0_insn_a(insn));
		s->depth++;
		return p->status;
	case VIR0_BC_LOOP:
		if (vir0_insn_dst(insn) != vir0_insn_a(insn)) {
			vir0_print_fmt(p, "r%u = r%u;\n", vir0_insn_dst(insn), vir0_insn_a(insn));
			indent(s);
		}
		vir0_print_text(p, "while (", 7);
		print_loop_test(s, insn);
		vir0_print_text(p, ") {\n", 4);
		s->depth++;
		return p->status;
	case VIR0_BC_RETURN:
		/* With barriers, a finished invocation must still reach them
		 * (OpenCL needs every work-item at a barrier, fmt §9.12 lets
		 * finished ones off): it carries on without side effects. */
		vir0_print_text(p, s->done_flag ? "done = 1u;\n" : "return;\n",
				s->done_flag ? 11 : 8);
		return p->status;
	case VIR0_BC_BARRIER:
		vir0_print_text(p, "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);\n", 53);
		return p->status;
	default:
		return emit_value(s, insn);
	}
}
