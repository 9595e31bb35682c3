/* text_assemble.c - vir0_assemble: the statements of the .vir0s text form
 * (doc/vir0s-text.md §5), one per line (or separated by ';'), blocks in
 * { }. Declarations are in text_parse_decl.c, expressions in
 * text_parse_expr.c and text_parse_forms.c, types in text_parse.c. */
#include "vir0.h"

#include "arena.h"
#include "error.h"
#include "names.h"
#include "text_parse.h"
#include "text_syntax.h"

#include <string.h>

static int parse_statements(struct vir0_parser *ps, struct vir0_node_list *list,
			    uint32_t depth, const struct vir0_token *open);

/* An expression of a statement `depth` levels deep. */
static int parse_value(struct vir0_parser *ps, uint32_t depth, struct vir0_expr **out)
{
	struct vir0_token at = ps->tok;
	uint32_t height;
	int rc = vir0_parse_expr(ps, out, &height);
	return rc ? rc : vir0_parse_check_depth(ps, &at, (uint64_t)depth + height);
}

/* { statements } at `depth`. */
static int parse_block(struct vir0_parser *ps, struct vir0_node_list *list, uint32_t depth)
{
	struct vir0_token open = ps->tok;
	int rc = vir0_parse_expect(ps, VIR0_P_LBRACE, "to open a block");
	if (rc || (rc = vir0_parse_enter(ps)))
		return rc;
	rc = parse_statements(ps, list, depth, &open);
	vir0_parse_leave(ps);
	if (rc == VIR0_OK)
		vir0_parse_advance(ps); /* the '}' */
	return rc;
}

/* ---- statements ---- */

static struct vir0_node *new_node(struct vir0_parser *ps, uint8_t kind)
{
	struct vir0_node *n = vir0_arena_alloc(ps->program->arena, sizeof(*n));
	if (n)
		n->kind = kind;
	return n;
}

static int parse_if(struct vir0_parser *ps, struct vir0_node *n, uint32_t depth)
{
	int rc;
	vir0_parse_advance(ps);
	if ((rc = parse_value(ps, depth, &n->value[0])) ||
	    (rc = parse_block(ps, &n->body, depth + 1)))
		return rc;
	if (!vir0_parse_is_word(&ps->tok, "else"))
		return VIR0_OK;
	vir0_parse_advance(ps);
	if (!vir0_parse_is_word(&ps->tok, "if"))
		return parse_block(ps, &n->otherwise, depth + 1);
	/* else if: an otherwise list holding just that if */
	struct vir0_token at = ps->tok;
	struct vir0_node *inner = new_node(ps, VIR0_NODE_IF);
	if (!inner)
		return vir0_parse_out_of_memory(ps);
	if ((rc = vir0_parse_check_depth(ps, &at, depth + 1)) ||
	    (rc = vir0_parse_enter(ps)))
		return rc;
	rc = parse_if(ps, inner, depth + 1);
	vir0_parse_leave(ps);
	if (rc == VIR0_OK && vir0_append(ps->program, &n->otherwise, inner))
		return vir0_parse_out_of_memory(ps);
	return rc;
}

/* async_load / async_store: src to dst offset E size E tag T */
static int parse_async_copy(struct vir0_parser *ps, struct vir0_node *n, uint32_t depth)
{
	int rc;
	if ((rc = vir0_parse_name(ps, &n->name, "the source")) ||
	    (rc = vir0_parse_expect_word(ps, "to", "between source and destination")) ||
	    (rc = vir0_parse_name(ps, &n->name2, "the destination")) ||
	    (rc = vir0_parse_expect_word(ps, "offset", "after the destination")) ||
	    (rc = parse_value(ps, depth, &n->value[0])) ||
	    (rc = vir0_parse_expect_word(ps, "size", "after the offset")) ||
	    (rc = parse_value(ps, depth, &n->value[1])) ||
	    (rc = vir0_parse_expect_word(ps, "tag", "after the size")))
		return rc;
	return vir0_parse_name(ps, &n->tag, "the tag");
}

/* all_reduce, all_gather, reduce_scatter, broadcast */
static int parse_collective(struct vir0_parser *ps, struct vir0_node *n)
{
	int rc = vir0_parse_name(ps, &n->name, "the buffer");
	if (rc)
		return rc;
	if (n->kind == VIR0_NODE_ALL_GATHER || n->kind == VIR0_NODE_REDUCE_SCATTER) {
		if ((rc = vir0_parse_expect_word(ps, "to", "between input and output")) ||
		    (rc = vir0_parse_name(ps, &n->name2, "the output buffer")))
			return rc;
	}
	if (n->kind == VIR0_NODE_ALL_REDUCE || n->kind == VIR0_NODE_REDUCE_SCATTER) {
		if ((rc = vir0_parse_collective_op(ps, &n->op)))
			return rc;
	}
	if (n->kind == VIR0_NODE_BROADCAST) {
		if ((rc = vir0_parse_expect_word(ps, "root", "after the buffer")) ||
		    (rc = vir0_parse_u32(ps, &n->root, "the root")))
			return rc;
	}
	if ((rc = vir0_parse_expect_word(ps, "group", "before the communicator group")))
		return rc;
	return vir0_parse_u32(ps, &n->group, "the communicator group");
}

/* The statement body after its keyword has been consumed. */
static int parse_node(struct vir0_parser *ps, struct vir0_node *n, uint32_t depth)
{
	int rc;
	switch (n->kind) {
	case VIR0_NODE_LET:
		if ((rc = vir0_parse_name(ps, &n->name, "the variable name")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_ASSIGN, "after the variable name")))
			return rc;
		return parse_value(ps, depth, &n->value[0]);
	case VIR0_NODE_STORE:
		if ((rc = vir0_parse_name(ps, &n->name, "the buffer name")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_LBRACKET, "after the buffer: write "
					    "store buf[index] = value")) ||
		    (rc = parse_value(ps, depth, &n->value[0])) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_RBRACKET, "to close the index")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_ASSIGN, "before the stored value")))
			return rc;
		return parse_value(ps, depth, &n->value[1]);
	case VIR0_NODE_LOOP:
		if ((rc = vir0_parse_name(ps, &n->name, "the loop variable")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_ASSIGN, "after the loop variable: "
					    "write loop i = 0u .. n { }")) ||
		    (rc = parse_value(ps, depth, &n->value[0])) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_DOTDOT, "between the loop bounds")) ||
		    (rc = parse_value(ps, depth, &n->value[1])))
			return rc;
		return parse_block(ps, &n->body, depth + 1);
	case VIR0_NODE_BLOCK:
		return parse_block(ps, &n->body, depth + 1);
	case VIR0_NODE_REGION:
		if ((rc = vir0_parse_name(ps, &n->name, "the region generator")))
			return rc;
		if (vir0_parse_is_word(&ps->tok, "from")) {
			vir0_parse_advance(ps);
			if ((rc = vir0_parse_name(ps, &n->name2, "the source region")))
				return rc;
		}
		return parse_block(ps, &n->body, depth + 1);
	case VIR0_NODE_RETURN:
		return VIR0_OK;
	case VIR0_NODE_BARRIER:
		n->ordering = VIR0_TEXT_BARRIER_ORDERING;
		if (ps->tok.kind == VIR0_TOK_IDENT || ps->tok.kind == VIR0_TOK_NUMBER)
			return vir0_parse_ordering(ps, &n->ordering);
		return VIR0_OK;
	case VIR0_NODE_INDIRECT_DISPATCH:
		if ((rc = vir0_parse_name(ps, &n->name, "the count buffer")))
			return rc;
		return vir0_parse_u64(ps, &n->offset, "the count offset");
	case VIR0_NODE_ASYNC_LOAD:
	case VIR0_NODE_ASYNC_STORE:
		return parse_async_copy(ps, n, depth);
	case VIR0_NODE_ASYNC_WAIT:
	case VIR0_NODE_RESUME:
		return vir0_parse_name(ps, &n->tag, "the tag");
	case VIR0_NODE_TRAP:
		if ((rc = parse_value(ps, depth, &n->value[0])) ||
		    (rc = vir0_parse_expect_word(ps, "tag", "after the trap address")))
			return rc;
		return vir0_parse_name(ps, &n->tag, "the tag");
	case VIR0_NODE_OPAQUE:
		if ((rc = vir0_parse_name(ps, &n->name, "the extension kind")))
			return rc;
		if (ps->tok.kind != VIR0_TOK_HEX)
			return vir0_parse_fail(ps, &ps->tok, "expected the payload as x\"0aff\"");
		if ((rc = vir0_token_hex(&ps->tok, ps->program->arena, &n->payload,
					 &n->payload_len, ps->err)))
			return rc;
		vir0_parse_advance(ps);
		return VIR0_OK;
	default: /* the collectives */
		return parse_collective(ps, n);
	}
}

static int parse_statement(struct vir0_parser *ps, struct vir0_node_list *list,
			   uint32_t depth)
{
	struct vir0_token at = ps->tok;
	struct vir0_node *n;
	int rc;
	if ((rc = vir0_parse_check_depth(ps, &at, depth)))
		return rc;
	int kind = at.kind == VIR0_TOK_IDENT ? vir0_node_kind_from_name(at.start, at.len) : -1;
	if (kind == VIR0_NODE_ASSIGN)
		kind = -1; /* "assign" is no keyword: name = value assigns */
	if (vir0_parse_is_word(&at, "else"))
		return vir0_parse_fail(ps, &at, "else without if: write it on the line of "
				       "the if's closing brace, as in } else {");
	if (kind < 0 && ((at.kind == VIR0_TOK_IDENT && vir0_text_is_reserved(at.start, at.len)) ||
			 !vir0_parse_is_punct(&ps->next, VIR0_P_ASSIGN)))
		return vir0_parse_fail(ps, &at, "expected a statement (let, store, if, "
				       "loop, barrier, name = value, ...)");
	if (!(n = new_node(ps, kind < 0 ? VIR0_NODE_ASSIGN : (uint8_t)kind)))
		return vir0_parse_out_of_memory(ps);
	if (kind < 0) {
		if ((rc = vir0_parse_name(ps, &n->name, "the assigned variable")))
			return rc;
		vir0_parse_advance(ps); /* the '=' */
		rc = parse_value(ps, depth, &n->value[0]);
	} else if (kind == VIR0_NODE_IF) {
		rc = parse_if(ps, n, depth);
	} else {
		vir0_parse_advance(ps);
		rc = parse_node(ps, n, depth);
	}
	if (rc == VIR0_OK && vir0_append(ps->program, list, n))
		return vir0_parse_out_of_memory(ps);
	return rc;
}

/* Statements until '}' (left as the current token) or, at the top level
 * (`open` NULL), the end of input, which may also hold declarations. */
static int parse_statements(struct vir0_parser *ps, struct vir0_node_list *list,
			    uint32_t depth, const struct vir0_token *open)
{
	struct vir0_declarations seen;
	memset(&seen, 0, sizeof(seen));
	for (;;) {
		while (ps->tok.kind == VIR0_TOK_NEWLINE ||
		       vir0_parse_is_punct(&ps->tok, VIR0_P_SEMICOLON))
			vir0_parse_advance(ps);
		if (open && vir0_parse_is_punct(&ps->tok, VIR0_P_RBRACE))
			return VIR0_OK;
		if (ps->tok.kind == VIR0_TOK_EOF) {
			if (!open)
				return VIR0_OK;
			return vir0_parse_fail(ps, &ps->tok, "missing '}' for the block "
					       "opened at line %u, column %u",
					       open->line, open->column);
		}
		if (!open && vir0_parse_is_punct(&ps->tok, VIR0_P_RBRACE))
			return vir0_parse_fail(ps, &ps->tok, "this '}' closes no block");
		int rc = vir0_parse_declaration(ps, open ? NULL : &seen);
		if (rc == 1)
			rc = parse_statement(ps, list, depth);
		if (rc)
			return rc;
		if (ps->tok.kind != VIR0_TOK_NEWLINE && ps->tok.kind != VIR0_TOK_EOF &&
		    !vir0_parse_is_punct(&ps->tok, VIR0_P_SEMICOLON) &&
		    !(open && vir0_parse_is_punct(&ps->tok, VIR0_P_RBRACE)))
			return vir0_parse_fail(ps, &ps->tok, "expected the end of the "
					       "statement (a new line or ';')");
	}
}

int vir0_assemble(const char *text, size_t size, vir0_program **out,
		  struct vir0_error *err)
{
	if (!out || (!text && size))
		return vir0_error_at(err, VIR0_EARG, 0, "vir0_assemble needs the text "
				     "(or size 0) and somewhere to put the program");
	*out = NULL;
	struct vir0_limits limits;
	vir0_limits_default(&limits);
	struct vir0_parser ps;
	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.max_depth = limits.max_depth;
	/* a tree level costs at most a few parser frames (operand, parenthesis) */
	ps.max_recursion = limits.max_depth * 4 + 16;
	if (!(ps.program = vir0_program_new()))
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory");
	vir0_lexer_init(&ps.lexer, text ? text : "", size);
	vir0_lexer_next(&ps.lexer, &ps.next);
	vir0_parse_advance(&ps);
	int rc = parse_statements(&ps, &ps.program->body, 1, NULL);
	if (rc) {
		vir0_program_free(ps.program);
		return rc;
	}
	*out = ps.program;
	return VIR0_OK;
}
