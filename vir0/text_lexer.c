/* text_lexer.c - splits .vir0s text into tokens (see text_lexer.h). The
 * input is length-delimited and may hold any bytes: every read checks `end`. */
#include "text_lexer.h"

#include "arena.h"
#include "error.h"
#include "wire_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *text;
	enum vir0_punct punct;
} puncts[] = {
	/* two-character spellings first: the longest match wins */
	{ "..", VIR0_P_DOTDOT }, { "==", VIR0_P_EQ }, { "!=", VIR0_P_NE },
	{ "<=", VIR0_P_LE }, { ">=", VIR0_P_GE }, { "<<", VIR0_P_SHL },
	{ ">>", VIR0_P_SHR }, { "&&", VIR0_P_ANDAND }, { "||", VIR0_P_OROR },
	{ "(", VIR0_P_LPAREN }, { ")", VIR0_P_RPAREN }, { "[", VIR0_P_LBRACKET },
	{ "]", VIR0_P_RBRACKET }, { "{", VIR0_P_LBRACE }, { "}", VIR0_P_RBRACE },
	{ ",", VIR0_P_COMMA }, { ";", VIR0_P_SEMICOLON }, { ":", VIR0_P_COLON },
	{ ".", VIR0_P_DOT }, { "=", VIR0_P_ASSIGN }, { "<", VIR0_P_LT },
	{ ">", VIR0_P_GT }, { "+", VIR0_P_PLUS }, { "-", VIR0_P_MINUS },
	{ "*", VIR0_P_STAR }, { "/", VIR0_P_SLASH }, { "%", VIR0_P_PERCENT },
	{ "&", VIR0_P_AMP }, { "|", VIR0_P_PIPE }, { "^", VIR0_P_CARET },
	{ "~", VIR0_P_TILDE }, { "!", VIR0_P_BANG },
};

const char *vir0_punct_text(enum vir0_punct punct)
{
	for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++)
		if (puncts[i].punct == punct)
			return puncts[i].text;
	return "?";
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_hex_digit(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_value(int c)
{
	return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(int c)
{
	return is_ident_start(c) || is_digit(c);
}

int vir0_text_is_identifier(const char *s, size_t len)
{
	if (len == 0 || !is_ident_start((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_ident_char((unsigned char)s[i]))
			return 0;
	return 1;
}

void vir0_lexer_init(struct vir0_lexer *lexer, const char *text, size_t size)
{
	memset(lexer, 0, sizeof(*lexer));
	lexer->text = lexer->at = lexer->line_start = text;
	lexer->end = text + size;
	lexer->line = 1;
}

static uint32_t column_of(const struct vir0_lexer *lexer, const char *at)
{
	size_t column = (size_t)(at - lexer->line_start) + 1;
	return column > UINT32_MAX ? UINT32_MAX : (uint32_t)column;
}

/* Record the lexical error and turn `token` into an ERROR token. */
static void lex_fail(struct vir0_lexer *lexer, struct vir0_token *token,
		     const char *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void lex_fail(struct vir0_lexer *lexer, struct vir0_token *token,
		     const char *at, const char *fmt, ...)
{
	char message[VIR0_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	lexer->failed = 1;
	token->kind = VIR0_TOK_ERROR;
	vir0_error_line(&lexer->error, VIR0_ESYNTAX, lexer->line, column_of(lexer, at),
			"%s", message);
}

static int peek(const struct vir0_lexer *lexer, size_t ahead)
{
	return lexer->at + ahead < lexer->end ? (unsigned char)lexer->at[ahead] : -1;
}

static void skip_blanks(struct vir0_lexer *lexer)
{
	for (;;) {
		int c = peek(lexer, 0);
		if (c == ' ' || c == '\t' || c == '\r') {
			lexer->at++;
		} else if (c == '\n' && lexer->nesting) {
			lexer->at++;
			lexer->line++;
			lexer->line_start = lexer->at;
		} else if (c == '#') {
			while (peek(lexer, 0) >= 0 && peek(lexer, 0) != '\n')
				lexer->at++;
		} else {
			return;
		}
	}
}

static void lex_number(struct vir0_lexer *lexer, struct vir0_token *token)
{
	int hex = peek(lexer, 0) == '0' && (peek(lexer, 1) | 0x20) == 'x';
	if (hex) {
		lexer->at += 2;
		if (!is_hex_digit(peek(lexer, 0))) {
			lex_fail(lexer, token, lexer->at,
				 "a hex number needs digits after 0x, as in 0x1f");
			return;
		}
		while (is_hex_digit(peek(lexer, 0)))
			lexer->at++;
	} else {
		while (is_digit(peek(lexer, 0)))
			lexer->at++;
		/* "0..16" is a range, so a '.' is a fraction only before a digit */
		if (peek(lexer, 0) == '.' && is_digit(peek(lexer, 1))) {
			lexer->at++;
			while (is_digit(peek(lexer, 0)))
				lexer->at++;
		}
		int e = peek(lexer, 0) | 0x20, sign = peek(lexer, 1);
		if (e == 'e' && (is_digit(sign) ||
				 ((sign == '+' || sign == '-') && is_digit(peek(lexer, 2))))) {
			lexer->at += is_digit(sign) ? 1 : 2;
			while (is_digit(peek(lexer, 0)))
				lexer->at++;
		}
	}
	int suffix = peek(lexer, 0);
	if (suffix == 'u' || suffix == 'i' || (!hex && suffix == 'f'))
		lexer->at++;
	if (is_ident_char(peek(lexer, 0)))
		lex_fail(lexer, token, lexer->at,
			 "unexpected '%c' in a number: literals end in u (u32), i (i32) or "
			 "f (f32), as in 7u, -3i, 1.5f", (char)peek(lexer, 0));
}

/* Body of "..." with its escapes; `lexer->at` is on the opening quote. */
static void lex_string(struct vir0_lexer *lexer, struct vir0_token *token)
{
	lexer->at++;
	for (;;) {
		int c = peek(lexer, 0);
		if (c < 0 || c == '\n') {
			lex_fail(lexer, token, token->start,
				 "unterminated string: close it with \" on the same line");
			return;
		}
		if (c == '"') {
			lexer->at++;
			return;
		}
		if (c < 0x20 || c == 0x7f) {
			lex_fail(lexer, token, lexer->at,
				 "control byte 0x%02x inside a string: write it as \\x%02x",
				 (unsigned)c, (unsigned)c);
			return;
		}
		if (c != '\\') {
			lexer->at++;
			continue;
		}
		int e = peek(lexer, 1);
		if (e == '\\' || e == '"' || e == 'n' || e == 't' || e == 'r') {
			lexer->at += 2;
		} else if (e == 'x' && is_hex_digit(peek(lexer, 2)) && is_hex_digit(peek(lexer, 3))) {
			lexer->at += 4;
		} else {
			lex_fail(lexer, token, lexer->at,
				 "unknown escape in a string: use \\\\, \\\", \\n, \\t, \\r or "
				 "\\xHH");
			return;
		}
	}
}

/* x"0aff": `lexer->at` is on the x. */
static void lex_hex(struct vir0_lexer *lexer, struct vir0_token *token)
{
	lexer->at += 2;
	const char *digits = lexer->at;
	while (is_hex_digit(peek(lexer, 0)))
		lexer->at++;
	if (peek(lexer, 0) != '"') {
		lex_fail(lexer, token, lexer->at,
			 "x\"...\" holds hex digits only and ends with \" on the same line");
		return;
	}
	if ((lexer->at - digits) % 2) {
		lex_fail(lexer, token, digits,
			 "odd number of hex digits: each byte takes two, as in x\"0aff\"");
		return;
	}
	lexer->at++;
}

static void lex_punct(struct vir0_lexer *lexer, struct vir0_token *token)
{
	for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		size_t n = strlen(puncts[i].text);
		if ((size_t)(lexer->end - lexer->at) >= n &&
		    memcmp(lexer->at, puncts[i].text, n) == 0) {
			lexer->at += n;
			token->punct = puncts[i].punct;
			if (token->punct == VIR0_P_LPAREN || token->punct == VIR0_P_LBRACKET)
				lexer->nesting++;
			else if ((token->punct == VIR0_P_RPAREN ||
				  token->punct == VIR0_P_RBRACKET) && lexer->nesting)
				lexer->nesting--;
			return;
		}
	}
	int c = peek(lexer, 0);
	if (c >= 0x21 && c < 0x7f)
		lex_fail(lexer, token, lexer->at, "unexpected character '%c'", (char)c);
	else
		lex_fail(lexer, token, lexer->at,
			 "unexpected byte 0x%02x: names with such bytes go in quotes",
			 (unsigned)c);
}

void vir0_lexer_next(struct vir0_lexer *lexer, struct vir0_token *token)
{
	memset(token, 0, sizeof(*token));
	if (lexer->failed) {
		token->kind = VIR0_TOK_ERROR;
		return;
	}
	skip_blanks(lexer);
	token->start = lexer->at;
	token->line = lexer->line;
	token->column = column_of(lexer, lexer->at);
	int c = peek(lexer, 0);
	if (c < 0) {
		token->kind = VIR0_TOK_EOF;
	} else if (c == '\n') {
		token->kind = VIR0_TOK_NEWLINE;
		lexer->at++;
		lexer->line++;
		lexer->line_start = lexer->at;
	} else if (c == 'x' && peek(lexer, 1) == '"') {
		token->kind = VIR0_TOK_HEX;
		lex_hex(lexer, token);
	} else if (is_ident_start(c)) {
		token->kind = VIR0_TOK_IDENT;
		while (is_ident_char(peek(lexer, 0)))
			lexer->at++;
	} else if (is_digit(c)) {
		token->kind = VIR0_TOK_NUMBER;
		lex_number(lexer, token);
	} else if (c == '"') {
		token->kind = VIR0_TOK_STRING;
		lex_string(lexer, token);
	} else {
		token->kind = VIR0_TOK_PUNCT;
		lex_punct(lexer, token);
	}
	token->len = (size_t)(lexer->at - token->start);
}

void vir0_token_number(const struct vir0_token *token, struct vir0_number *out)
{
	const char *s = token->start;
	size_t len = token->len;
	int hex = len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x';
	memset(out, 0, sizeof(*out));
	char last = s[len - 1];
	if (last == 'u' || last == 'i' || (!hex && last == 'f')) {
		out->suffix = last;
		len--;
	}
	out->digits = len;
	for (size_t i = hex ? 2 : 0; i < len; i++) {
		if (!is_hex_digit(s[i]) || (!hex && !is_digit(s[i]))) {
			out->is_float = 1; /* '.', 'e' or 'E' of a decimal */
			continue;
		}
		uint64_t digit = (uint64_t)hex_value(s[i]), base = hex ? 16 : 10;
		if (out->integer > (UINT64_MAX - digit) / base)
			out->overflow = 1;
		out->integer = out->integer * base + digit;
	}
}

int vir0_token_string(const struct vir0_token *token, struct vir0_arena *arena,
		      const char **out, struct vir0_error *err)
{
	/* the lexer checked every escape, so decoding cannot run past the end */
	char *text = vir0_arena_alloc(arena, token->len);
	if (!text)
		return vir0_error_line(err, VIR0_ENOMEM, token->line, token->column,
				       "out of memory copying a string");
	size_t n = 0;
	for (size_t i = 1; i + 1 < token->len; i++) {
		char c = token->start[i];
		if (c == '\\') {
			char e = token->start[++i];
			if (e == 'x') {
				c = (char)(hex_value(token->start[i + 1]) << 4 |
					   hex_value(token->start[i + 2]));
				i += 2;
			} else {
				c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
			}
		}
		text[n++] = c;
	}
	text[n] = '\0';
	size_t bad;
	const char *why;
	if (vir0_utf8_check((const uint8_t *)text, n, &bad, &why))
		return vir0_error_line(err, VIR0_EUTF8, token->line, token->column,
				       "byte %zu of this string: %s; names are UTF-8 text "
				       "without NUL", bad, why);
	*out = text;
	return VIR0_OK;
}

int vir0_token_hex(const struct vir0_token *token, struct vir0_arena *arena,
		   const uint8_t **out, uint32_t *size, struct vir0_error *err)
{
	size_t digits = token->len - 3;
	if (digits / 2 > UINT32_MAX)
		return vir0_error_line(err, VIR0_ESYNTAX, token->line, token->column,
				       "hex payload over 4 GiB: split it");
	uint8_t *bytes = vir0_arena_alloc(arena, digits / 2);
	if (!bytes)
		return vir0_error_line(err, VIR0_ENOMEM, token->line, token->column,
				       "out of memory copying a hex payload");
	for (size_t i = 0; i < digits / 2; i++)
		bytes[i] = (uint8_t)(hex_value(token->start[2 + 2 * i]) << 4 |
				     hex_value(token->start[3 + 2 * i]));
	*out = bytes;
	*size = (uint32_t)(digits / 2);
	return VIR0_OK;
}
