/* text_parse.h - parser state and helpers shared by the statement parser
 * (text_assemble.c), the expression parser (text_parse_expr.c) and the
 * token/type helpers (text_parse.c). Everything parsed is allocated in the
 * program's arena, so a failed parse frees it all with the program. */
#ifndef VIR0_TEXT_PARSE_H
#define VIR0_TEXT_PARSE_H

#include "text_lexer.h"
#include "vir0.h"

#include <stdint.h>

struct vir0_parser {
	struct vir0_lexer lexer;
	struct vir0_token tok;   /* the current token */
	struct vir0_token next;  /* one token of lookahead */
	vir0_program *program;
	struct vir0_error *err;
	uint32_t max_depth;      /* nesting of statements and expressions */
	uint32_t recursion;      /* parser frames in use, bounds the C stack */
	uint32_t max_recursion;
};

/* ---- tokens (text_parse.c) ---- */

void vir0_parse_advance(struct vir0_parser *ps);
/* VIR0_ESYNTAX at `at` (the lexer's own error when `at` is an ERROR token);
 * the message gets ", found <token>" appended. */
int vir0_parse_fail(struct vir0_parser *ps, const struct vir0_token *at,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vir0_parse_is_punct(const struct vir0_token *tok, enum vir0_punct punct);
int vir0_parse_is_word(const struct vir0_token *tok, const char *word);
/* Consume `punct` or fail with "expected '<punct>' <context>". */
int vir0_parse_expect(struct vir0_parser *ps, enum vir0_punct punct, const char *context);
/* Consume the context keyword `word` (not reserved: "to", "tag", ...). */
int vir0_parse_expect_word(struct vir0_parser *ps, const char *word, const char *context);
/* The closing '>' of a type or operator argument list; splits a '>>'. */
int vir0_parse_expect_close_angle(struct vir0_parser *ps, const char *context);

/* Frame guard: fails with VIR0_EDEPTH when the text nests too deeply. */
int vir0_parse_enter(struct vir0_parser *ps);
void vir0_parse_leave(struct vir0_parser *ps);
/* VIR0_EDEPTH when something `depth` levels deep exceeds the limit. */
int vir0_parse_check_depth(struct vir0_parser *ps, const struct vir0_token *at,
			   uint64_t depth);

/* ---- declarations (text_parse_decl.c) ---- */

/* What the top level has declared so far. */
struct vir0_declarations {
	int entry_seen, workgroup_seen;
	uint32_t buffer_capacity, attachment_capacity;
};

/* A declaration at the top level; 1 when `ps->tok` starts none. Inside a
 * block (`seen` NULL) a declaration is an error. */
int vir0_parse_declaration(struct vir0_parser *ps, struct vir0_declarations *seen);
/* VIR0_ENOMEM at the current token. */
int vir0_parse_out_of_memory(struct vir0_parser *ps);

/* ---- names, numbers, types (text_parse.c) ---- */

/* A name: an unreserved identifier or a quoted string. `what` names it in
 * the error ("a buffer name"). */
int vir0_parse_name(struct vir0_parser *ps, const char **out, const char *what);
int vir0_parse_u32(struct vir0_parser *ps, uint32_t *out, const char *what);
int vir0_parse_u64(struct vir0_parser *ps, uint64_t *out, const char *what);
/* A memory ordering by name (seq_cst) or number. */
int vir0_parse_ordering(struct vir0_parser *ps, uint8_t *out);
/* A collective reduction operator by name (sum) or number. */
int vir0_parse_collective_op(struct vir0_parser *ps, uint8_t *out);
int vir0_parse_type(struct vir0_parser *ps, struct vir0_type *out);

/* ---- expressions (text_parse_expr.c) ---- */

/* `height` is the nesting depth of the parsed tree (1 for a leaf). */
int vir0_parse_expr(struct vir0_parser *ps, struct vir0_expr **out, uint32_t *height);
/* A zeroed expression in the program's arena (VIR0_ENOMEM filled in err). */
struct vir0_expr *vir0_parse_new_expr(struct vir0_parser *ps, uint8_t kind);
uint32_t vir0_parse_taller(uint32_t a, uint32_t b);

/* ---- reserved-word forms (text_parse_forms.c) ---- */

/* The form that reserved word `word` (already consumed) starts; `height`
 * is that of its operands, 0 when it has none. */
int vir0_parse_keyword_form(struct vir0_parser *ps, const struct vir0_token *word,
			    struct vir0_expr **out, uint32_t *height);

#endif
