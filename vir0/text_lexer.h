/* text_lexer.h - tokens of the .vir0s text form (doc/vir0s-text.md §2).
 *
 * Newlines end statements, so the lexer reports them, except inside ( ) and
 * [ ] where an expression may wrap over several lines. A lexical error is
 * returned as a VIR0_TOK_ERROR token and kept in the lexer, so the parser
 * raises it only when it reaches that token. */
#ifndef VIR0_TEXT_LEXER_H
#define VIR0_TEXT_LEXER_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

struct vir0_arena;

enum vir0_token_kind {
	VIR0_TOK_EOF,
	VIR0_TOK_NEWLINE,
	VIR0_TOK_IDENT,     /* [A-Za-z_][A-Za-z0-9_]* */
	VIR0_TOK_NUMBER,    /* 12, 12u, 3i, 1.5f, 1e-3f, 0xffu (never signed) */
	VIR0_TOK_STRING,    /* "quoted name", escapes checked by the lexer */
	VIR0_TOK_HEX,       /* x"0aff": raw bytes */
	VIR0_TOK_PUNCT,
	VIR0_TOK_ERROR,
};

enum vir0_punct {
	VIR0_P_NONE,
	VIR0_P_LPAREN, VIR0_P_RPAREN, VIR0_P_LBRACKET, VIR0_P_RBRACKET,
	VIR0_P_LBRACE, VIR0_P_RBRACE, VIR0_P_COMMA, VIR0_P_SEMICOLON,
	VIR0_P_COLON, VIR0_P_DOT, VIR0_P_DOTDOT, VIR0_P_ASSIGN,
	VIR0_P_EQ, VIR0_P_NE, VIR0_P_LT, VIR0_P_GT, VIR0_P_LE, VIR0_P_GE,
	VIR0_P_SHL, VIR0_P_SHR, VIR0_P_PLUS, VIR0_P_MINUS, VIR0_P_STAR,
	VIR0_P_SLASH, VIR0_P_PERCENT, VIR0_P_AMP, VIR0_P_PIPE, VIR0_P_CARET,
	VIR0_P_TILDE, VIR0_P_BANG, VIR0_P_ANDAND, VIR0_P_OROR,
};

struct vir0_token {
	enum vir0_token_kind kind;
	enum vir0_punct punct;   /* VIR0_TOK_PUNCT only */
	const char *start;       /* the token's text in the input */
	size_t len;
	uint32_t line, column;   /* 1-based; column counts bytes */
};

struct vir0_lexer {
	const char *text, *end, *at;
	const char *line_start;
	uint32_t line;
	uint32_t nesting;        /* open ( and [: newlines inside are spaces */
	int failed;
	struct vir0_error error; /* the lexical error, once failed */
};

/* What a NUMBER token says; the suffix letter is not part of `digits`. */
struct vir0_number {
	char suffix;       /* 0, 'u', 'i' or 'f' */
	int is_float;      /* has a fraction or an exponent */
	uint64_t integer;  /* value of a whole number (decimal or 0x hex) */
	int overflow;      /* the whole number does not fit 64 bits */
	size_t digits;     /* bytes of the token before the suffix */
};

void vir0_lexer_init(struct vir0_lexer *lexer, const char *text, size_t size);
void vir0_lexer_next(struct vir0_lexer *lexer, struct vir0_token *token);

void vir0_token_number(const struct vir0_token *token, struct vir0_number *out);

/* Whether `len` bytes at `s` form one identifier token. */
int vir0_text_is_identifier(const char *s, size_t len);

/* Spelling of a punctuator, for messages ("'..'"). */
const char *vir0_punct_text(enum vir0_punct punct);

/* Decode a STRING token into a NUL-terminated copy in `arena`. Rejects an
 * embedded NUL and invalid UTF-8 (VIR0_EUTF8), with the token's position. */
int vir0_token_string(const struct vir0_token *token, struct vir0_arena *arena,
		      const char **out, struct vir0_error *err);

/* Decode a HEX token into bytes in `arena` (*out is non-NULL even when empty). */
int vir0_token_hex(const struct vir0_token *token, struct vir0_arena *arena,
		   const uint8_t **out, uint32_t *size, struct vir0_error *err);

#endif
