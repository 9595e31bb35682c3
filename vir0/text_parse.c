/* text_parse.c - token handling, names, integers, orderings and data types
 * for the .vir0s parser (see text_parse.h). */
#include "text_parse.h"

#include "arena.h"
#include "error.h"
#include "names.h"
#include "text_syntax.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void vir0_parse_advance(struct vir0_parser *ps)
{
	ps->tok = ps->next;
	vir0_lexer_next(&ps->lexer, &ps->next);
}

static void describe(const struct vir0_token *tok, char *out, size_t size)
{
	if (tok->kind == VIR0_TOK_EOF)
		snprintf(out, size, "end of input");
	else if (tok->kind == VIR0_TOK_NEWLINE)
		snprintf(out, size, "end of line");
	else if (tok->len > 24)
		snprintf(out, size, "'%.24s...'", tok->start);
	else
		snprintf(out, size, "'%.*s'", (int)tok->len, tok->start);
}

int vir0_parse_fail(struct vir0_parser *ps, const struct vir0_token *at,
		    const char *fmt, ...)
{
	if (at->kind == VIR0_TOK_ERROR) {
		if (ps->err)
			*ps->err = ps->lexer.error;
		return VIR0_ESYNTAX;
	}
	char message[VIR0_ERROR_MESSAGE_MAX], found[40];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	describe(at, found, sizeof(found));
	return vir0_error_line(ps->err, VIR0_ESYNTAX, at->line, at->column,
			       "%s, found %s", message, found);
}

int vir0_parse_is_punct(const struct vir0_token *tok, enum vir0_punct punct)
{
	return tok->kind == VIR0_TOK_PUNCT && tok->punct == punct;
}

int vir0_parse_is_word(const struct vir0_token *tok, const char *word)
{
	return tok->kind == VIR0_TOK_IDENT && tok->len == strlen(word) &&
	       memcmp(tok->start, word, tok->len) == 0;
}

int vir0_parse_expect(struct vir0_parser *ps, enum vir0_punct punct, const char *context)
{
	if (!vir0_parse_is_punct(&ps->tok, punct))
		return vir0_parse_fail(ps, &ps->tok, "expected '%s' %s",
				       vir0_punct_text(punct), context);
	vir0_parse_advance(ps);
	return VIR0_OK;
}

int vir0_parse_expect_word(struct vir0_parser *ps, const char *word, const char *context)
{
	if (!vir0_parse_is_word(&ps->tok, word))
		return vir0_parse_fail(ps, &ps->tok, "expected '%s' %s", word, context);
	vir0_parse_advance(ps);
	return VIR0_OK;
}

int vir0_parse_expect_close_angle(struct vir0_parser *ps, const char *context)
{
	if (vir0_parse_is_punct(&ps->tok, VIR0_P_SHR)) {
		/* vec<vec<u32, 2>> closes two lists: keep the second '>' */
		ps->tok.punct = VIR0_P_GT;
		ps->tok.start++;
		ps->tok.len = 1;
		ps->tok.column++;
		return VIR0_OK;
	}
	return vir0_parse_expect(ps, VIR0_P_GT, context);
}

int vir0_parse_enter(struct vir0_parser *ps)
{
	if (ps->recursion >= ps->max_recursion)
		return vir0_error_line(ps->err, VIR0_EDEPTH, ps->tok.line, ps->tok.column,
				       "nesting deeper than the limit of %u levels: move inner "
				       "parts into let bindings", ps->max_depth);
	ps->recursion++;
	return VIR0_OK;
}

void vir0_parse_leave(struct vir0_parser *ps)
{
	ps->recursion--;
}

int vir0_parse_check_depth(struct vir0_parser *ps, const struct vir0_token *at,
			   uint64_t depth)
{
	if (depth <= ps->max_depth)
		return VIR0_OK;
	return vir0_error_line(ps->err, VIR0_EDEPTH, at->line, at->column,
			       "this statement nests %llu levels deep, over the limit of %u: "
			       "move inner parts into let bindings or flatten blocks",
			       (unsigned long long)depth, ps->max_depth);
}

int vir0_parse_name(struct vir0_parser *ps, const char **out, const char *what)
{
	struct vir0_token tok = ps->tok;
	int rc;
	if (tok.kind == VIR0_TOK_STRING) {
		rc = vir0_token_string(&tok, ps->program->arena, out, ps->err);
	} else if (tok.kind == VIR0_TOK_IDENT) {
		if (vir0_text_is_reserved(tok.start, tok.len))
			return vir0_parse_fail(ps, &tok,
					       "'%.*s' is a reserved word: write the name "
					       "in quotes, as \"%.*s\"", (int)tok.len,
					       tok.start, (int)tok.len, tok.start);
		*out = vir0_arena_strndup(ps->program->arena, tok.start, tok.len);
		rc = *out ? VIR0_OK : vir0_parse_out_of_memory(ps);
	} else {
		return vir0_parse_fail(ps, &tok, "expected %s (an identifier or a "
				       "\"quoted name\")", what);
	}
	if (rc == VIR0_OK)
		vir0_parse_advance(ps);
	return rc;
}

/* A whole-number token without fraction or exponent, below or at `max`.
 * `suffixes` lists the suffix letters allowed besides none. */
static int parse_integer(struct vir0_parser *ps, uint64_t max, const char *suffixes,
			 uint64_t *out, const char *what)
{
	struct vir0_token tok = ps->tok;
	if (tok.kind != VIR0_TOK_NUMBER)
		return vir0_parse_fail(ps, &tok, "expected %s (a whole number)", what);
	struct vir0_number n;
	vir0_token_number(&tok, &n);
	if (n.is_float || (n.suffix && !strchr(suffixes, n.suffix)))
		return vir0_parse_fail(ps, &tok, "expected %s, a whole number like 64", what);
	if (n.overflow || n.integer > max)
		return vir0_parse_fail(ps, &tok, "%s must be at most %llu", what,
				       (unsigned long long)max);
	*out = n.integer;
	vir0_parse_advance(ps);
	return VIR0_OK;
}

int vir0_parse_u32(struct vir0_parser *ps, uint32_t *out, const char *what)
{
	uint64_t value;
	int rc = parse_integer(ps, UINT32_MAX, "u", &value, what);
	if (rc == VIR0_OK)
		*out = (uint32_t)value;
	return rc;
}

int vir0_parse_u64(struct vir0_parser *ps, uint64_t *out, const char *what)
{
	return parse_integer(ps, UINT64_MAX, "", out, what);
}

/* A name from a table (`from_name`). */
static int parse_code(struct vir0_parser *ps, int (*from_name)(const char *, size_t),
		      uint8_t *out, const char *what, const char *choices)
{
	struct vir0_token tok = ps->tok;
	int code = tok.kind == VIR0_TOK_IDENT ? from_name(tok.start, tok.len) : -1;
	if (code < 0)
		return vir0_parse_fail(ps, &tok, "expected %s: %s", what, choices);
	*out = (uint8_t)code;
	vir0_parse_advance(ps);
	return VIR0_OK;
}

int vir0_parse_ordering(struct vir0_parser *ps, uint8_t *out)
{
	return parse_code(ps, vir0_ordering_from_name, out, "a memory ordering",
			  "relaxed, acquire, release, acq_rel, seq_cst or grid_sync");
}

int vir0_parse_collective_op(struct vir0_parser *ps, uint8_t *out)
{
	return parse_code(ps, vir0_collective_op_from_name, out, "a collective operator",
			  "sum, min, max, bit_and, bit_or or bit_xor");
}

/* ", n" repeated until '>' into an arena array; `first` says whether a
 * number may come without a leading comma. */
static int parse_dims(struct vir0_parser *ps, int first, const uint32_t **dims,
		      uint32_t *ndims, const char *what)
{
	uint32_t count = 0, capacity = 0;
	uint32_t *items = NULL;
	while (!vir0_parse_is_punct(&ps->tok, VIR0_P_GT) &&
	       !vir0_parse_is_punct(&ps->tok, VIR0_P_SHR)) {
		int rc;
		if (!(first && count == 0) &&
		    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "between sizes")))
			return rc;
		if (count == capacity) {
			capacity = capacity ? capacity * 2 : 4;
			uint32_t *grown = vir0_arena_alloc(ps->program->arena,
							   (size_t)capacity * sizeof(*grown));
			if (!grown)
				return vir0_parse_out_of_memory(ps);
			if (count)
				memcpy(grown, items, (size_t)count * sizeof(*items));
			items = grown;
		}
		if ((rc = vir0_parse_u32(ps, &items[count], what)))
			return rc;
		count++;
	}
	*dims = items;
	*ndims = count;
	return VIR0_OK;
}

static int parse_type_at(struct vir0_parser *ps, struct vir0_type *out, uint32_t level);

static int parse_element(struct vir0_parser *ps, struct vir0_type *out, uint32_t level)
{
	struct vir0_type *element = vir0_arena_alloc(ps->program->arena, sizeof(*element));
	if (!element)
		return vir0_parse_out_of_memory(ps);
	out->element = element;
	return parse_type_at(ps, element, level + 1);
}

/* A quantization layout: its name, then a parameter for the layouts that
 * have one (per_channel axis, per_group size); the others store 0. */
static int parse_layout(struct vir0_parser *ps, int (*from_name)(const char *, size_t),
			uint8_t *kind, uint32_t *parameter, const char *what,
			const char *choices)
{
	struct vir0_token name = ps->tok;
	int rc = parse_code(ps, from_name, kind, what, choices);
	*parameter = 0;
	if (rc == VIR0_OK && vir0_text_layout_has_parameter(name.start, name.len))
		rc = vir0_parse_u32(ps, parameter, "the layout's axis or group size");
	return rc;
}

static int parse_type_payload(struct vir0_parser *ps, struct vir0_type *t, uint32_t level)
{
	int rc = VIR0_OK;
	switch (t->kind) {
	case VIR0_TYPE_ARRAY:
		return vir0_parse_u32(ps, &t->arg0, "the array element size in bytes");
	case VIR0_TYPE_HANDLE:
	case VIR0_TYPE_OPAQUE:
		return vir0_parse_u32(ps, &t->arg0, "the type id");
	case VIR0_TYPE_VEC: {
		uint32_t lanes;
		struct vir0_token at;
		if ((rc = parse_element(ps, t, level)) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "before the lane count")))
			return rc;
		at = ps->tok;
		if ((rc = vir0_parse_u32(ps, &lanes, "the lane count")))
			return rc;
		if (lanes > UINT8_MAX)
			return vir0_parse_fail(ps, &at, "a vec has at most 255 lanes");
		t->vec_count = (uint8_t)lanes;
		return VIR0_OK;
	}
	case VIR0_TYPE_TENSOR_SHAPED:
		if ((rc = parse_element(ps, t, level)))
			return rc;
		return parse_dims(ps, 0, &t->dims, &t->ndims, "a tensor dimension");
	case VIR0_TYPE_SPARSE_CSR:
	case VIR0_TYPE_SPARSE_COO:
		return parse_element(ps, t, level);
	case VIR0_TYPE_SPARSE_BSR:
		if ((rc = parse_element(ps, t, level)) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "before the block rows")) ||
		    (rc = vir0_parse_u32(ps, &t->arg0, "the block rows")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "before the block columns")))
			return rc;
		return vir0_parse_u32(ps, &t->arg1, "the block columns");
	case VIR0_TYPE_DEVICE_MESH:
		return parse_dims(ps, 1, &t->dims, &t->ndims, "a mesh axis size");
	case VIR0_TYPE_QUANTIZED:
		if ((rc = parse_element(ps, t, level)) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "before the scale layout")) ||
		    (rc = parse_layout(ps, vir0_quant_scale_from_name, &t->scale_kind,
				       &t->arg0, "a scale layout",
				       "per_tensor, per_channel AXIS or per_group SIZE")) ||
		    (rc = vir0_parse_expect(ps, VIR0_P_COMMA, "before the zero-point layout")))
			return rc;
		return parse_layout(ps, vir0_quant_zero_from_name, &t->zero_kind, &t->arg1,
				    "a zero-point layout",
				    "absent, per_tensor, per_channel AXIS or per_group SIZE");
	}
	return rc;
}

/* Kinds written with a <...> payload. */
static int has_payload(uint8_t kind)
{
	switch (kind) {
	case VIR0_TYPE_ARRAY: case VIR0_TYPE_HANDLE: case VIR0_TYPE_OPAQUE:
	case VIR0_TYPE_VEC: case VIR0_TYPE_TENSOR_SHAPED: case VIR0_TYPE_SPARSE_CSR:
	case VIR0_TYPE_SPARSE_COO: case VIR0_TYPE_SPARSE_BSR:
	case VIR0_TYPE_DEVICE_MESH: case VIR0_TYPE_QUANTIZED:
		return 1;
	}
	return 0;
}

/* A data type at type level `level` (fmt §7.1: the outermost is 1). */
static int parse_type_at(struct vir0_parser *ps, struct vir0_type *out, uint32_t level)
{
	struct vir0_token tok = ps->tok;
	int kind = tok.kind == VIR0_TOK_IDENT ? vir0_type_kind_from_name(tok.start, tok.len) : -1;
	if (kind < 0)
		return vir0_parse_fail(ps, &tok, "expected a data type such as u32, i32, "
				       "f32, u8, bool or vec<f32, 4> (doc/vir0s-text.md §3)");
	if (level > ps->max_depth)
		return vir0_error_line(ps->err, VIR0_EDEPTH, tok.line, tok.column,
				       "data types nest deeper than the limit of %u levels",
				       ps->max_depth);
	memset(out, 0, sizeof(*out));
	out->kind = (uint8_t)kind;
	vir0_parse_advance(ps);
	if (!has_payload(out->kind))
		return VIR0_OK;
	int rc;
	if ((rc = vir0_parse_expect(ps, VIR0_P_LT, "after this type name: its "
				    "parameters go in <...>")) ||
	    (rc = parse_type_payload(ps, out, level)))
		return rc;
	return vir0_parse_expect_close_angle(ps, "to close the type parameters");
}

int vir0_parse_type(struct vir0_parser *ps, struct vir0_type *out)
{
	return parse_type_at(ps, out, 1);
}
