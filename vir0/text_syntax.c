/* text_syntax.c - operator and keyword tables of the text form, shared by
 * the assembler and the disassembler so that both read the grammar from
 * one place (doc/vir0s-text.md §4). */
#include "text_syntax.h"

#include "names.h"

#include <string.h>

static const struct {
	enum vir0_punct punct;
	uint8_t op;
	int precedence;
} infix[] = {
	{ VIR0_P_OROR, VIR0_BIN_OR, 1 }, { VIR0_P_ANDAND, VIR0_BIN_AND, 2 },
	{ VIR0_P_PIPE, VIR0_BIN_BIT_OR, 3 }, { VIR0_P_CARET, VIR0_BIN_BIT_XOR, 4 },
	{ VIR0_P_AMP, VIR0_BIN_BIT_AND, 5 },
	{ VIR0_P_EQ, VIR0_BIN_EQ, 6 }, { VIR0_P_NE, VIR0_BIN_NE, 6 },
	{ VIR0_P_LT, VIR0_BIN_LT, 7 }, { VIR0_P_GT, VIR0_BIN_GT, 7 },
	{ VIR0_P_LE, VIR0_BIN_LE, 7 }, { VIR0_P_GE, VIR0_BIN_GE, 7 },
	{ VIR0_P_SHL, VIR0_BIN_SHL, 8 }, { VIR0_P_SHR, VIR0_BIN_SHR, 8 },
	{ VIR0_P_PLUS, VIR0_BIN_ADD, 9 }, { VIR0_P_MINUS, VIR0_BIN_SUB, 9 },
	{ VIR0_P_STAR, VIR0_BIN_MUL, 10 }, { VIR0_P_SLASH, VIR0_BIN_DIV, 10 },
	{ VIR0_P_PERCENT, VIR0_BIN_MOD, 10 },
};

static const struct {
	enum vir0_punct punct;
	uint8_t op;
} prefix[] = {
	{ VIR0_P_MINUS, VIR0_UN_NEGATE }, { VIR0_P_TILDE, VIR0_UN_BIT_NOT },
	{ VIR0_P_BANG, VIR0_UN_LOGICAL_NOT },
};

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

int vir0_text_binop_precedence(uint8_t op)
{
	for (size_t i = 0; i < COUNT(infix); i++)
		if (infix[i].op == op)
			return infix[i].precedence;
	return 0;
}

int vir0_text_infix_binop(enum vir0_punct punct)
{
	for (size_t i = 0; i < COUNT(infix); i++)
		if (infix[i].punct == punct)
			return infix[i].op;
	return -1;
}

const char *vir0_text_infix_symbol(uint8_t op)
{
	for (size_t i = 0; i < COUNT(infix); i++)
		if (infix[i].op == op)
			return vir0_punct_text(infix[i].punct);
	return NULL;
}

int vir0_text_prefix_unop(enum vir0_punct punct)
{
	for (size_t i = 0; i < COUNT(prefix); i++)
		if (prefix[i].punct == punct)
			return prefix[i].op;
	return -1;
}

const char *vir0_text_prefix_symbol(uint8_t op)
{
	for (size_t i = 0; i < COUNT(prefix); i++)
		if (prefix[i].op == op)
			return vir0_punct_text(prefix[i].punct);
	return NULL;
}

int vir0_text_layout_has_parameter(const char *name, size_t len)
{
	return (len == 11 && memcmp(name, "per_channel", 11) == 0) ||
	       (len == 9 && memcmp(name, "per_group", 9) == 0);
}

/* Words that open a statement, a declaration or an expression form. */
static const char *const keywords[] = {
	"entry", "workgroup", "buffer", "attach",
	"let", "if", "else", "loop", "return", "block", "barrier", "store",
	"indirect_dispatch", "async_load", "async_store", "async_wait", "trap",
	"resume", "all_reduce", "all_gather", "reduce_scatter", "broadcast",
	"region", "opaque",
	"true", "false", "gid", "wgid", "lid", "len", "call", "select", "fma",
	"cast", "subgroup_add", "subgroup_shuffle", "subgroup_ballot",
	"subgroup_local_id", "subgroup_size", "opaque_binop", "opaque_unop",
	"opaque_atomic",
};

int vir0_text_is_reserved(const char *s, size_t len)
{
	for (size_t i = 0; i < COUNT(keywords); i++)
		if (strlen(keywords[i]) == len && memcmp(keywords[i], s, len) == 0)
			return 1;
	int binop = vir0_binop_from_name(s, len);
	if (binop >= 0 && !vir0_text_binop_precedence((uint8_t)binop))
		return 1;
	int unop = vir0_unop_from_name(s, len);
	if (unop >= 0 && !vir0_text_prefix_symbol((uint8_t)unop))
		return 1;
	return len > 7 && memcmp(s, "atomic_", 7) == 0 &&
	       vir0_atomic_op_from_name(s + 7, len - 7) >= 0;
}

int vir0_text_is_plain_name(const char *s)
{
	size_t len = strlen(s);
	return vir0_text_is_identifier(s, len) && !vir0_text_is_reserved(s, len);
}
