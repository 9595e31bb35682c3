/* lower.c - vir0_lower: a validated program to register bytecode
 * (doc/bytecode.md). This file sets up the bytecode and keeps the
 * bookkeeping (instructions, registers, names); lower_node.c lowers
 * statements and lower_expr.c expressions.
 *
 * The lowering trusts vir0_validate for the rules that do not change the
 * encoding (access modes, barrier placement, ...) and checks only what it
 * needs to pick instructions; it then runs vir0_bytecode_verify on its
 * output, so nothing it returns breaks the executors' contract even when
 * it was handed a program that skipped validation. */
#include "lower.h"

#include "bytecode_hoist.h"
#include "error.h"
#include "expr_type.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vir0_lower_fail(struct vir0_lowering *l, int code, const char *fmt, ...)
{
	char message[VIR0_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return vir0_error_at(l->err, code, 0, "%s", message);
}

int vir0_lower_unvalidated(struct vir0_lowering *l, const char *what)
{
	return vir0_lower_fail(l, VIR0_EINVALID, "cannot lower %s: vir0_lower takes only "
			       "programs that pass vir0_validate; validate the program first",
			       what);
}

int vir0_lower_emit(struct vir0_lowering *l, struct vir0_insn insn, uint32_t *index)
{
	struct vir0_bytecode *bc = l->bc;
	if (bc->ninsns == VIR0_BC_MAX_INSNS)
		return vir0_lower_fail(l, VIR0_ELIMIT, "the program needs more than %u "
				       "instructions: split it into several programs",
				       VIR0_BC_MAX_INSNS);
	if (bc->ninsns == l->capacity) {
		uint32_t capacity = l->capacity < VIR0_BC_MAX_INSNS / 2 ? l->capacity * 2 + 64
									: VIR0_BC_MAX_INSNS;
		struct vir0_insn *insns = realloc(bc->insns, (size_t)capacity * sizeof(*insns));
		if (!insns)
			return vir0_lower_fail(l, VIR0_ENOMEM, "out of memory for %u instructions",
					       capacity);
		bc->insns = insns;
		l->capacity = capacity;
	}
	if (index)
		*index = bc->ninsns;
	bc->insns[bc->ninsns++] = insn;
	return VIR0_OK;
}

int vir0_lower_new_reg(struct vir0_lowering *l, unsigned *reg)
{
	if (l->next_reg >= VIR0_BC_NO_REG)
		return vir0_lower_fail(l, VIR0_ELIMIT, "the program needs more than %u registers "
				       "(variables in scope and temporaries at once): split long "
				       "expressions with Lets or close scopes sooner",
				       VIR0_BC_NO_REG);
	*reg = l->next_reg++;
	if (l->next_reg > l->bc->nregs)
		l->bc->nregs = l->next_reg;
	return VIR0_OK;
}

int vir0_lower_buffer(struct vir0_lowering *l, const char *name, unsigned *index)
{
	const struct vir0_local *found = name ? vir0_scope_find(&l->buffers, name) : NULL;
	if (!found)
		return vir0_lower_unvalidated(l, "a reference to an undeclared buffer");
	*index = (unsigned)(found - l->buffers.locals);
	return VIR0_OK;
}

int vir0_lower_variable(struct vir0_lowering *l, const char *name, unsigned *reg,
			uint8_t *type, int *is_mutable)
{
	const struct vir0_local *found = name ? vir0_scope_find(&l->locals, name) : NULL;
	if (!found)
		return vir0_lower_unvalidated(l, "a variable that is not in scope");
	*reg = l->local_regs[found - l->locals.locals];
	*type = found->type;
	*is_mutable = found->is_mutable;
	return VIR0_OK;
}

/* Buffers as executors see them, plus the name table Load, Store, Atomic
 * and BufLen resolve against. */
static int copy_buffers(struct vir0_lowering *l)
{
	const vir0_program *p = l->program;
	struct vir0_bytecode *bc = l->bc;
	if (p->nbuffers > VIR0_BC_MAX_BUFFERS)
		return vir0_lower_fail(l, VIR0_ELIMIT, "the program declares %u buffers; the "
				       "bytecode addresses at most %u: use fewer, larger buffers",
				       p->nbuffers, VIR0_BC_MAX_BUFFERS);
	bc->nbuffers = p->nbuffers;
	bc->buffers = calloc(p->nbuffers + 1, sizeof(*bc->buffers));
	if (!bc->buffers)
		return vir0_lower_fail(l, VIR0_ENOMEM, "out of memory for %u buffers",
				       p->nbuffers);
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		const struct vir0_buffer *b = &p->buffers[i];
		if (!b->name || !vir0_element_load_type(b->element.kind))
			return vir0_lower_unvalidated(l, "a buffer without a name or with an "
						      "element type outside the core profile");
		bc->buffers[i].element = b->element.kind;
		bc->buffers[i].access = b->access;
		bc->buffers[i].is_output = b->is_output;
		bc->buffers[i].count = b->count;
		if (b->access == VIR0_ACCESS_WORKGROUP)
			bc->flags |= VIR0_BC_HAS_WORKGROUP_MEMORY;
		if (vir0_scope_bind(&l->buffers, b->name, bc->buffers[i].element, 0, 0))
			return vir0_lower_fail(l, VIR0_ENOMEM, "out of memory for %u buffer names",
					       p->nbuffers);
	}
	return VIR0_OK;
}

static int lower_program(struct vir0_lowering *l, int hoist)
{
	int rc = copy_buffers(l);
	if (!rc)
		rc = vir0_lower_list(l, &l->program->body, 0);
	if (!rc)
		rc = vir0_lower_emit(l, vir0_insn_make(VIR0_BC_HALT, 0, VIR0_BC_NO_REG,
						       VIR0_BC_NO_REG, VIR0_BC_NO_REG,
						       VIR0_BC_NO_REG, 0, 0), NULL);
	if (!rc && hoist && vir0_bytecode_hoist_constants(l->bc))
		rc = vir0_lower_fail(l, VIR0_ENOMEM, "out of memory moving constants out of loops");
	if (rc)
		return rc;
	/* The verifier backs the lowering: what slipped past a skipped
	 * validation is refused here rather than reaching an executor. */
	struct vir0_error verify_err;
	rc = vir0_bytecode_verify(l->bc, &verify_err);
	if (rc)
		return vir0_lower_fail(l, rc, "the lowered bytecode fails verification (was the "
				       "program validated with vir0_validate?): %s",
				       verify_err.message);
	return VIR0_OK;
}

static int lower(const vir0_program *program, struct vir0_bytecode **out,
		 struct vir0_error *err, int hoist)
{
	if (!out)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_lower needs somewhere to put the "
				     "bytecode: pass a non-NULL out");
	*out = NULL;
	if (!program)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_lower needs a program: pass a "
				     "validated, non-NULL program");
	struct vir0_lowering l = { .program = program, .err = err };
	l.bc = calloc(1, sizeof(*l.bc));
	if (!l.bc)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the bytecode");
	memcpy(l.bc->workgroup_size, program->workgroup_size, sizeof(l.bc->workgroup_size));
	vir0_scope_init(&l.locals);
	vir0_scope_init(&l.buffers);
	int rc = lower_program(&l, hoist);
	vir0_scope_release(&l.locals);
	vir0_scope_release(&l.buffers);
	free(l.local_regs);
	if (rc) {
		vir0_bytecode_free(l.bc);
		return rc;
	}
	*out = l.bc;
	return VIR0_OK;
}

int vir0_lower(const vir0_program *program, struct vir0_bytecode **out,
	       struct vir0_error *err)
{
	return lower(program, out, err, 1);
}

int vir0_lower_as_written(const vir0_program *program, struct vir0_bytecode **out,
			  struct vir0_error *err)
{
	return lower(program, out, err, 0);
}

void vir0_bytecode_free(struct vir0_bytecode *bc)
{
	if (!bc)
		return;
	free(bc->insns);
	free(bc->buffers);
	free(bc);
}
