/* bytecode_print.c - vir0_bytecode_print: a listing of bytecode, one
 * instruction per line, indented by nesting, in the spelling of
 * doc/bytecode.md. Tests compare against it and failure messages quote
 * it, so it prints anything, verified or not: unknown opcodes show their
 * raw words, missing registers show as "r-". */
#include "bytecode.h"

#include "bytecode_ops.h"
#include "names.h"
#include "scalar_ops.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest indentation printed: corrupt nesting stays readable. */
#define MAX_INDENT 16

struct text {
	char *data;
	size_t len, capacity;
	int failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->data + t->len, t->capacity - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || t->failed) {
		t->failed = 1;
		return;
	}
	if ((size_t)n >= t->capacity - t->len) {
		size_t capacity = (t->len + (size_t)n + 1) * 2;
		char *data = realloc(t->data, capacity);
		if (!data) {
			t->failed = 1;
			return;
		}
		t->data = data;
		t->capacity = capacity;
		va_start(ap, fmt);
		vsnprintf(t->data + t->len, t->capacity - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

static const char *name_or(const char *name, const char *fallback)
{
	return name ? name : fallback;
}

/* "r7", or "r-" for VIR0_BC_NO_REG. */
struct reg_text {
	char text[8];
};

static struct reg_text reg(unsigned r)
{
	struct reg_text out = { "r-" };
	if (r != VIR0_BC_NO_REG)
		snprintf(out.text, sizeof(out.text), "r%u", r);
	return out;
}

static void put_constant(struct text *t, unsigned type, uint32_t bits)
{
	switch (type) {
	case VIR0_TYPE_I32:
		put(t, "%d", (int)(int32_t)bits);
		break;
	case VIR0_TYPE_F32:
		put(t, "%.9g (0x%08x)", (double)vir0_f32_from_bits(bits), bits);
		break;
	case VIR0_TYPE_BOOL:
		/* a corrupt bool shows as its number */
		put(t, "%s", bits == 1 ? "true" : bits == 0 ? "false" : "(not a bool)");
		if (bits > 1)
			put(t, " %u", bits);
		break;
	default:
		put(t, "%u", bits);
	}
}

static const char *operator_name(unsigned op, const char *(*name)(uint8_t))
{
	return op <= 0xFF ? name_or(name((uint8_t)op), "?") : "?";
}

static void put_id(struct text *t, const struct vir0_insn *i)
{
	static const char *const kinds[] = { "invocation_id", "workgroup_id", "local_id" };
	static const char axes[] = "xyz";
	unsigned kind = vir0_insn_aux(i);
	uint32_t axis = vir0_insn_imm(i);
	put(t, " = %s", kind < 3 ? kinds[kind] : "?");
	if (axis < 3)
		put(t, ".%c", axes[axis]);
	else
		put(t, ".%u", axis);
}

/* The operands after the destination, as doc/bytecode.md writes them. */
static void put_operands(struct text *t, const struct vir0_insn *i)
{
	struct reg_text a = reg(vir0_insn_a(i)), b = reg(vir0_insn_b(i)), c = reg(vir0_insn_c(i));
	unsigned aux = vir0_insn_aux(i);
	uint32_t imm = vir0_insn_imm(i);
	switch (vir0_insn_op(i)) {
	case VIR0_BC_CONST:
		put(t, " = ");
		put_constant(t, vir0_insn_type(i), imm);
		return;
	case VIR0_BC_MOV:
		put(t, " = %s", a.text);
		return;
	case VIR0_BC_BINOP:
		put(t, " = %s %s, %s", operator_name(aux, vir0_binop_name), a.text, b.text);
		return;
	case VIR0_BC_UNOP:
		put(t, " = %s %s", operator_name(aux, vir0_unop_name), a.text);
		return;
	case VIR0_BC_CAST:
		put(t, " = cast<%s> %s", operator_name(aux, vir0_type_kind_name), a.text);
		return;
	case VIR0_BC_SELECT:
		put(t, " = %s ? %s : %s", a.text, b.text, c.text);
		return;
	case VIR0_BC_FMA:
		put(t, " = fma %s, %s, %s", a.text, b.text, c.text);
		return;
	case VIR0_BC_ID:
		put_id(t, i);
		return;
	case VIR0_BC_BUF_LEN:
		put(t, " = len buf%u", aux);
		return;
	case VIR0_BC_LOAD:
		put(t, " = buf%u[%s]", aux, a.text);
		return;
	case VIR0_BC_STORE:
		put(t, " buf%u[%s] = %s", aux, a.text, b.text);
		return;
	case VIR0_BC_ATOMIC:
		put(t, " = atomic_%s buf%u[%s], ", operator_name(imm, vir0_atomic_op_name), aux,
		    a.text);
		if (vir0_insn_c(i) != VIR0_BC_NO_REG) /* expected, then value */
			put(t, "%s, ", c.text);
		put(t, "%s", b.text);
		return;
	case VIR0_BC_IF:
		put(t, " %s -> %u", a.text, imm);
		return;
	case VIR0_BC_ELSE:
		put(t, " -> %u", imm);
		return;
	case VIR0_BC_LOOP:
		put(t, " = %s .. %s -> %u", a.text, b.text, imm);
		return;
	case VIR0_BC_END_LOOP:
		put(t, " .. %s <- %u", b.text, imm);
		return;
	case VIR0_BC_END_IF:
		put(t, " <- %u", imm);
		return;
	default:
		return;
	}
}

static void put_insn(struct text *t, uint32_t at, const struct vir0_insn *i, unsigned indent)
{
	const struct vir0_bc_op_shape *s = vir0_bc_op_shape(vir0_insn_op(i));
	put(t, "%6u  %*s", at, (int)(2 * (indent < MAX_INDENT ? indent : MAX_INDENT)), "");
	if (!s) {
		put(t, "op%u [0x%08x 0x%08x 0x%08x 0x%08x]\n", vir0_insn_op(i), i->word[0],
		    i->word[1], i->word[2], i->word[3]);
		return;
	}
	put(t, "%s", s->name);
	if (s->uses_type)
		put(t, ".%s", operator_name(vir0_insn_type(i), vir0_type_kind_name));
	if (s->dst != VIR0_BC_UNUSED)
		put(t, " %s", reg(vir0_insn_dst(i)).text);
	put_operands(t, i);
	put(t, "\n");
}

static void put_header(struct text *t, const struct vir0_bytecode *bc)
{
	static const char *const flag_names[] = { "barrier", "workgroup_memory", "atomics",
						  "return" };
	put(t, "; %u instructions, %u registers, nesting %u, flags", bc->ninsns, bc->nregs,
	    bc->max_nesting);
	for (unsigned f = 0; f < 4; f++)
		if (bc->flags & (1u << f))
			put(t, " %s", flag_names[f]);
	if (bc->flags >> 4)
		put(t, " 0x%x", bc->flags >> 4 << 4);
	put(t, "\n; workgroup %u %u %u\n", bc->workgroup_size[0], bc->workgroup_size[1],
	    bc->workgroup_size[2]);
	for (uint32_t k = 0; bc->buffers && k < bc->nbuffers; k++) {
		const struct vir0_bc_buffer *b = &bc->buffers[k];
		put(t, "; buf%u: %s[%u] %s%s\n", k, name_or(vir0_type_kind_name(b->element), "?"),
		    b->count, name_or(vir0_access_name(b->access), "?"),
		    b->is_output ? " output" : "");
	}
}

int vir0_bytecode_print(const struct vir0_bytecode *bc, char **out)
{
	if (!out)
		return VIR0_EARG;
	*out = NULL;
	if (!bc)
		return VIR0_EARG;
	struct text t = { .data = malloc(256), .capacity = 256 };
	if (!t.data)
		return VIR0_ENOMEM;
	t.data[0] = '\0';
	put_header(&t, bc);
	unsigned depth = 0;
	for (uint32_t at = 0; bc->insns && at < bc->ninsns; at++) {
		const struct vir0_insn *i = &bc->insns[at];
		unsigned op = vir0_insn_op(i);
		int closes = op == VIR0_BC_ELSE || op == VIR0_BC_END_IF || op == VIR0_BC_END_LOOP;
		if (closes && depth)
			depth--;
		put_insn(&t, at, i, depth);
		if (op == VIR0_BC_IF || op == VIR0_BC_ELSE || op == VIR0_BC_LOOP)
			depth++;
	}
	if (t.failed) {
		free(t.data);
		return VIR0_ENOMEM;
	}
	*out = t.data;
	return VIR0_OK;
}
