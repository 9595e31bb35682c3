/* text_disassemble.c - vir0_disassemble: a program in the .vir0s text form,
 * declarations first, then one statement per line indented by tabs. The
 * output parses back to an equal program (doc/vir0s-text.md §1). */
#include "vir0.h"

#include "error.h"
#include "names.h"
#include "text_print.h"
#include "text_syntax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_list(struct vir0_printer *p, const struct vir0_node_list *list,
		       const char *field, uint32_t level, unsigned indent);

static void print_indent(struct vir0_printer *p, unsigned indent)
{
	for (unsigned i = 0; i < indent; i++)
		vir0_print_text(p, "\t", 1);
}

/* " {", the list one level in, and "}" on its own line. */
static void print_body(struct vir0_printer *p, const struct vir0_node_list *list,
		       const char *field, uint32_t level, unsigned indent)
{
	vir0_print_text(p, " {\n", 3);
	print_list(p, list, field, level + 1, indent + 1);
	print_indent(p, indent);
	vir0_print_text(p, "}", 1);
}

static void print_if(struct vir0_printer *p, const struct vir0_node *n, uint32_t level,
		     unsigned indent)
{
	vir0_print_text(p, "if ", 3);
	vir0_print_expr(p, n->value[0], level + 1);
	print_body(p, &n->body, "then", level, indent);
	if (!n->otherwise.count)
		return;
	const struct vir0_node *only = n->otherwise.count == 1 && n->otherwise.items ?
				       n->otherwise.items[0] : NULL;
	if (only && only->kind == VIR0_NODE_IF) {
		/* an else list holding one if reads as "else if" */
		size_t mark = strlen(p->path);
		snprintf(p->path + mark, sizeof(p->path) - mark, ".else[0]");
		vir0_print_text(p, " else ", 6);
		if (level + 1 > p->max_depth)
			vir0_print_fail(p, VIR0_EDEPTH, "statements nest deeper than %u levels",
					p->max_depth);
		else
			print_if(p, only, level + 1, indent);
		p->path[mark] = '\0';
		return;
	}
	vir0_print_text(p, " else", 5);
	print_body(p, &n->otherwise, "else", level, indent);
}

static void print_collective(struct vir0_printer *p, const struct vir0_node *n)
{
	vir0_print_name(p, n->name, "the collective's buffer");
	if (n->kind == VIR0_NODE_ALL_GATHER || n->kind == VIR0_NODE_REDUCE_SCATTER) {
		vir0_print_text(p, " to ", 4);
		vir0_print_name(p, n->name2, "the collective's output");
	}
	if (n->kind == VIR0_NODE_ALL_REDUCE || n->kind == VIR0_NODE_REDUCE_SCATTER) {
		const char *op = vir0_collective_op_name(n->op);
		if (!op)
			vir0_print_fail(p, VIR0_EOPCODE, "collective operator 0x%02x is "
					"unknown (fmt §6.6)", n->op);
		vir0_print_fmt(p, " %s", op ? op : "?");
	}
	if (n->kind == VIR0_NODE_BROADCAST)
		vir0_print_fmt(p, " root %u", n->root);
	vir0_print_fmt(p, " group %u", n->group);
}

/* The statement after its keyword (which the caller printed). */
static void print_node(struct vir0_printer *p, const struct vir0_node *n, uint32_t level,
		       unsigned indent)
{
	switch (n->kind) {
	case VIR0_NODE_LET:
	case VIR0_NODE_ASSIGN:
		vir0_print_name(p, n->name, "the variable");
		vir0_print_text(p, " = ", 3);
		vir0_print_expr(p, n->value[0], level + 1);
		return;
	case VIR0_NODE_STORE:
		vir0_print_name(p, n->name, "the stored buffer");
		vir0_print_text(p, "[", 1);
		vir0_print_expr(p, n->value[0], level + 1);
		vir0_print_text(p, "] = ", 4);
		vir0_print_expr(p, n->value[1], level + 1);
		return;
	case VIR0_NODE_IF:
		print_if(p, n, level, indent);
		return;
	case VIR0_NODE_LOOP:
		vir0_print_name(p, n->name, "the loop variable");
		vir0_print_text(p, " = ", 3);
		vir0_print_expr(p, n->value[0], level + 1);
		vir0_print_text(p, " .. ", 4);
		vir0_print_expr(p, n->value[1], level + 1);
		print_body(p, &n->body, "body", level, indent);
		return;
	case VIR0_NODE_RETURN:
		return;
	case VIR0_NODE_BLOCK:
		print_body(p, &n->body, "body", level, indent);
		return;
	case VIR0_NODE_BARRIER:
		if (n->ordering != VIR0_TEXT_BARRIER_ORDERING) {
			vir0_print_text(p, " ", 1);
			vir0_print_ordering(p, n->ordering);
		}
		return;
	case VIR0_NODE_INDIRECT_DISPATCH:
		vir0_print_name(p, n->name, "the count buffer");
		vir0_print_fmt(p, " %llu", (unsigned long long)n->offset);
		return;
	case VIR0_NODE_ASYNC_LOAD:
	case VIR0_NODE_ASYNC_STORE:
		vir0_print_name(p, n->name, "the copy's source");
		vir0_print_text(p, " to ", 4);
		vir0_print_name(p, n->name2, "the copy's destination");
		vir0_print_text(p, " offset ", 8);
		vir0_print_expr(p, n->value[0], level + 1);
		vir0_print_text(p, " size ", 6);
		vir0_print_expr(p, n->value[1], level + 1);
		vir0_print_text(p, " tag ", 5);
		vir0_print_name(p, n->tag, "the tag");
		return;
	case VIR0_NODE_ASYNC_WAIT:
	case VIR0_NODE_RESUME:
		vir0_print_name(p, n->tag, "the tag");
		return;
	case VIR0_NODE_TRAP:
		vir0_print_expr(p, n->value[0], level + 1);
		vir0_print_text(p, " tag ", 5);
		vir0_print_name(p, n->tag, "the tag");
		return;
	case VIR0_NODE_REGION:
		vir0_print_name(p, n->name, "the region generator");
		if (n->name2) {
			vir0_print_text(p, " from ", 6);
			vir0_print_name(p, n->name2, "the source region");
		}
		print_body(p, &n->body, "body", level, indent);
		return;
	case VIR0_NODE_OPAQUE:
		vir0_print_name(p, n->name, "the extension kind");
		vir0_print_text(p, " ", 1);
		vir0_print_hex(p, n->payload, n->payload_len);
		return;
	default:
		print_collective(p, n);
	}
}

static void print_list(struct vir0_printer *p, const struct vir0_node_list *list,
		       const char *field, uint32_t level, unsigned indent)
{
	size_t mark = strlen(p->path);
	if (!list->items && list->count)
		vir0_print_fail(p, VIR0_EVALUE, "a statement list of %u has no items (NULL)",
				list->count);
	for (uint32_t i = 0; i < list->count && !p->status; i++) {
		const struct vir0_node *n = list->items[i];
		snprintf(p->path + mark, sizeof(p->path) - mark, "%s%s[%u]",
			 mark ? "." : "", field, i);
		const char *keyword = n ? vir0_node_kind_name(n->kind) : NULL;
		if (!n)
			vir0_print_fail(p, VIR0_EVALUE, "the statement is missing (NULL)");
		else if (!keyword)
			vir0_print_fail(p, VIR0_ETAG, "statement tag 0x%02x is unknown (fmt §5)",
					n->kind);
		else if (level > p->max_depth)
			vir0_print_fail(p, VIR0_EDEPTH, "statements nest deeper than %u levels",
					p->max_depth);
		if (p->status)
			break;
		print_indent(p, indent);
		/* an assignment has no keyword; print_if writes its own */
		if (n->kind != VIR0_NODE_ASSIGN && n->kind != VIR0_NODE_IF)
			vir0_print_fmt(p, "%s%s", keyword, n->kind == VIR0_NODE_RETURN ||
				       n->kind == VIR0_NODE_BARRIER ||
				       n->kind == VIR0_NODE_BLOCK ? "" : " ");
		print_node(p, n, level, indent);
		vir0_print_text(p, "\n", 1);
	}
	p->path[mark] = '\0';
}

static void print_declarations(struct vir0_printer *p, const vir0_program *program)
{
	if (program->entry_op_id) {
		vir0_print_text(p, "entry ", 6);
		vir0_print_name(p, program->entry_op_id, "the entry op id");
		vir0_print_text(p, "\n", 1);
	}
	vir0_print_fmt(p, "workgroup %u %u %u\n", program->workgroup_size[0],
		       program->workgroup_size[1], program->workgroup_size[2]);
	if (!program->buffers && program->nbuffers)
		vir0_print_fail(p, VIR0_EVALUE, "%u buffers declared but none given (NULL)",
				program->nbuffers);
	for (uint32_t i = 0; i < program->nbuffers && !p->status; i++) {
		const struct vir0_buffer *b = &program->buffers[i];
		snprintf(p->path, sizeof(p->path), "buffers[%u]", i);
		const char *access = vir0_access_name(b->access);
		if (!access)
			vir0_print_fail(p, VIR0_EVALUE, "access tag %u is not 0-3 (fmt §6.5)",
					b->access);
		vir0_print_text(p, "buffer ", 7);
		vir0_print_name(p, b->name, "the buffer name");
		vir0_print_text(p, " ", 1);
		vir0_print_type(p, &b->element, 1);
		vir0_print_fmt(p, "[%u] %s", b->count, access ? access : "?");
		if (b->is_output)
			vir0_print_text(p, " output", 7);
		if (b->binding != i)
			vir0_print_fmt(p, " binding %u", b->binding);
		vir0_print_text(p, "\n", 1);
	}
	if (!program->attachments && program->nattachments)
		vir0_print_fail(p, VIR0_EVALUE, "%u attachments declared but none given (NULL)",
				program->nattachments);
	for (uint32_t i = 0; i < program->nattachments && !p->status; i++) {
		snprintf(p->path, sizeof(p->path), "attachments[%u]", i);
		vir0_print_text(p, "attach ", 7);
		vir0_print_name(p, program->attachments[i].key, "the attachment key");
		vir0_print_text(p, " ", 1);
		vir0_print_hex(p, program->attachments[i].data, program->attachments[i].size);
		vir0_print_text(p, "\n", 1);
	}
	p->path[0] = '\0';
}

int vir0_disassemble(const vir0_program *program, char **out, struct vir0_error *err)
{
	if (!program || !out)
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_disassemble needs a program "
				     "and somewhere to put the text");
	*out = NULL;
	struct vir0_limits limits;
	vir0_limits_default(&limits);
	struct vir0_printer p;
	memset(&p, 0, sizeof(p));
	p.err = err;
	p.max_depth = limits.max_depth;
	print_declarations(&p, program);
	if (program->body.count)
		vir0_print_text(&p, "\n", 1);
	print_list(&p, &program->body, "body", 1, 0);
	if (p.status) {
		free(p.data);
		return p.status;
	}
	*out = p.data;
	return VIR0_OK;
}
