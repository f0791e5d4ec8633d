// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lex.c - GRUB 2 script text to tokens.
 *
 * The lexer follows GRUB's yylex.l: words are runs of ordinary characters,
 * 'single quotes' (literal), "double quotes" (where only \$ \\ \" and
 * backslash-newline are escapes and $variables expand), backslash escapes
 * and $name / ${name} / $1 / $# / $? / $* / $@ variables.  An unquoted
 * backslash stands for the character after it, as GRUB's execute.c
 * unescapes it, except \x, which stays a part of its own (GP_ESCX): Red
 * Hat's GRUB keeps "\x" when two hex digits follow in the finished word.  `{`, `}`, `;`,
 * newline, `&&` and `||` always end a word; `#` starts a comment only at the
 * start of a word.  Carriage returns are dropped everywhere, as GRUB's line
 * reader does, so CRLF files work.  Reserved words (if then elif else fi for
 * in do done while until function) are recognised only when the whole word
 * is plain text, so "if" or \if are ordinary words.
 *
 * Deliberately more lenient than GRUB (which reports a syntax error): a
 * lone `&`, `|`, `<`, `>` is an ordinary character; `$` not followed by a
 * name is a literal `$`.  In lenient mode (syntax-error recovery, see
 * syntax.c) an unterminated quote ends at the end of its line.
 *
 * Also here: skimming a `{ block }` to its matching `}` the way the lexer
 * reads text, since a block is kept as text and parsed only when it runs.
 *
 * Not here: statements, nesting and recovery (syntax.c), running
 * anything (eval.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/lex.h"

/* ---- Errors ---- */

void gl_fail(struct gparser *P, int line, const char *fmt, ...)
{
	va_list ap;

	if (P->err)
		return;
	P->err = true;
	P->err_line = line;
	va_start(ap, fmt);
	vsnprintf(P->err_msg, sizeof(P->err_msg), fmt, ap);
	va_end(ap);
}

/* ---- Lexer ---- */

static int keyword(const char *w, size_t len)
{
	static const struct {
		const char *s;
		size_t len;
		int k;
	} kw[] = {
		{ "if", 2, K_IF },	 { "then", 4, K_THEN },	  { "elif", 4, K_ELIF },
		{ "else", 4, K_ELSE },	 { "fi", 2, K_FI },	  { "for", 3, K_FOR },
		{ "in", 2, K_IN },	 { "do", 2, K_DO },	  { "done", 4, K_DONE },
		{ "while", 5, K_WHILE }, { "until", 5, K_UNTIL }, { "function", 8, K_FUNCTION },
		{ "case", 4, K_CASE },	 { "esac", 4, K_ESAC },	  { "select", 6, K_SELECT },
	};
	size_t i;

	/* Every command name comes through here: reject most words at once. */
	if (!w || len < 2 || len > 8 || !strchr("tefidwucs", w[0]))
		return 0;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (kw[i].len == len && !memcmp(w, kw[i].s, len))
			return kw[i].k;
	return 0;
}

/*
 * Character classes: C_BREAK ends a word (blank, newline, ; { } NUL),
 * C_SPECIAL starts something inside a word (\ ' " $), C_AMP may start && or
 * ||.  Everything else is ordinary word text.
 */
enum { C_BREAK = 1, C_SPECIAL = 2, C_AMP = 4, C_HASH = 8 };

static const unsigned char cclass[256] = {
	['\0'] = C_BREAK,   [' '] = C_BREAK,   ['\t'] = C_BREAK,  ['\n'] = C_BREAK,
	[';'] = C_BREAK,    ['{'] = C_BREAK,   ['}'] = C_BREAK,	  ['\\'] = C_SPECIAL,
	['\''] = C_SPECIAL, ['"'] = C_SPECIAL, ['$'] = C_SPECIAL, ['&'] = C_AMP,
	['|'] = C_AMP,	    ['#'] = C_HASH,
};

bool gl_is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return gl_is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Characters that end a word (besides && and ||). */
static bool is_break(char c)
{
	return cclass[(unsigned char)c] & C_BREAK;
}

static void add_part(struct gparser *P, enum gpart_type type, const char *s, size_t n)
{
	struct gpart *pt;
	char *copy;

	if (P->skim)
		return;
	if (!g_grow((void **)&P->parts, &P->capparts, P->nparts, sizeof(*P->parts))) {
		P->oom = true;
		return;
	}
	copy = gp_strndup(P->a, s ? s : "", n);
	if (!copy) {
		P->oom = true;
		return;
	}
	pt = &P->parts[P->nparts++];
	pt->type = (unsigned char)type;
	pt->len = (unsigned)n;
	pt->s = copy;
}

/* Turn the literal text collected so far into a part. */
static void flush(struct gparser *P, enum gpart_type type, bool even_empty)
{
	if (P->lit.len || even_empty)
		add_part(P, type, sb_str(&P->lit), P->lit.len);
	sb_reset(&P->lit);
}

/*
 * At b[i] == '$': the end of a variable reference ($name, ${name}, $12,
 * ${12}, $?, ${#}...), its name in [*ns, *ne); 0 when it is not one.
 */
static size_t var_end(const char *b, size_t i, size_t len, size_t *ns, size_t *ne)
{
	size_t s, e;
	bool brace;

	if (++i >= len)
		return 0;
	brace = b[i] == '{';
	s = e = brace ? i + 1 : i;
	if (e >= len)
		return 0;
	if (gl_is_name_start(b[e])) {
		while (e < len && is_name_char(b[e]))
			e++;
	} else if (is_digit(b[e])) {
		while (e < len && is_digit(b[e]))
			e++;
	} else if (b[e] && strchr("?#*@", b[e])) {
		e++;
	} else {
		return 0;
	}
	*ns = s;
	*ne = e;
	if (!brace)
		return e;
	return e < len && b[e] == '}' ? e + 1 : 0;
}

/*
 * At '$': a variable reference?  Adds a part and returns true, or returns
 * false (the caller then takes '$' literally).
 */
static bool lex_var(struct gparser *P, enum gpart_type type, enum gpart_type littype)
{
	size_t s, e, end = var_end(P->buf, P->pos, P->len, &s, &e);

	if (!end)
		return false;
	P->pos = end;
	flush(P, littype, false);
	add_part(P, type, P->buf + s, e - s);
	return true;
}

/* Where an unterminated quote ends in lenient mode: its closing quote if the
 * region has one, else the end of its line. */
static size_t quote_end(struct gparser *P, size_t from, char q)
{
	const char *c = memchr(P->buf + from, q, P->len - from);
	const char *nl;

	if (c)
		return (size_t)(c - P->buf);
	nl = memchr(P->buf + from, '\n', P->len - from);
	return nl ? (size_t)(nl - P->buf) : P->len;
}

static void count_lines(struct gparser *P, size_t from, size_t to)
{
	const char *s = P->buf + from, *e = P->buf + to;

	while ((s = memchr(s, '\n', (size_t)(e - s)))) {
		P->line++;
		s++;
	}
}

static void lex_squote(struct gparser *P)
{
	size_t s = P->pos + 1;
	const char *q = memchr(P->buf + s, '\'', P->len - s);
	size_t e;

	flush(P, GP_LIT, false);
	if (q) {
		e = (size_t)(q - P->buf);
	} else if (P->lenient) {
		e = quote_end(P, s, '\'');
	} else {
		gl_fail(P, P->line, "unterminated ' quote from line %d", P->line);
		P->pos = P->len;
		return;
	}
	add_part(P, GP_QLIT, P->buf + s, e - s);
	count_lines(P, P->pos, e);
	P->pos = e < P->len ? e + 1 : e;
	if (e < P->len && P->buf[e] == '\n')
		P->pos = e; /* lenient end of line: the newline still ends the command */
}

static void lex_dquote(struct gparser *P)
{
	const char *b = P->buf;
	size_t end = P->len;
	int start_line = P->line;

	flush(P, GP_LIT, false);
	P->pos++;
	if (P->lenient) {
		/* Find the closing quote the way the loop below would. */
		size_t i;

		for (i = P->pos; i < P->len && b[i] != '"'; i++)
			if (b[i] == '\\' && i + 1 < P->len)
				i++;
		if (i >= P->len)
			end = quote_end(P, P->pos, '\n');
	}
	/* An empty QLIT marks the argument as existing even if "" stays empty. */
	add_part(P, GP_QLIT, "", 0);
	while (P->pos < end) {
		char c = b[P->pos];
		size_t run;

		if (c == '"') {
			flush(P, GP_QLIT, false);
			P->pos++;
			return;
		}
		if (c == '\\' && P->pos + 1 < end) {
			char d = b[P->pos + 1];

			if (d == '$' || d == '\\' || d == '"') {
				sb_addc(&P->lit, d);
				P->pos += 2;
				continue;
			}
			if (d == '\n') {
				P->line++;
				P->pos += 2;
				continue;
			}
			sb_addc(&P->lit, '\\');
			P->pos++;
			continue;
		}
		if (c == '$') {
			if (P->pos + 1 < end && lex_var(P, GP_QVAR, GP_QLIT))
				continue;
			sb_addc(&P->lit, '$');
			P->pos++;
			continue;
		}
		if (c == '\n')
			P->line++;
		for (run = 1; P->pos + run < end; run++) {
			char r = b[P->pos + run];

			if (r == '"' || r == '\\' || r == '$' || r == '\n')
				break;
		}
		sb_add(&P->lit, b + P->pos, run);
		P->pos += run;
	}
	if (!P->lenient) {
		gl_fail(P, start_line, "unterminated \" quote from line %d", start_line);
		P->pos = P->len;
		return;
	}
	flush(P, GP_QLIT, false);
}

/* Ordinary word characters: not a break, quote, escape or variable. */
static inline bool is_plain(const char *b, size_t pos, size_t len)
{
	unsigned char k = cclass[(unsigned char)b[pos]];

	if (!(k & (C_BREAK | C_SPECIAL | C_AMP)))
		return true;
	if (k & (C_BREAK | C_SPECIAL))
		return false;
	return !(pos + 1 < len && b[pos + 1] == b[pos]);
}

/* A word starts at P->pos (not a break character). */
static void lex_word(struct gparser *P, struct gword *w)
{
	const char *b = P->buf;
	size_t start = P->pos, end = start;

	w->plain = NULL;
	w->plainlen = 0;
	while (end < P->len && is_plain(b, end, P->len))
		end++;
	if (end == P->len || is_break(b[end]) || b[end] == '&' || b[end] == '|') {
		/* The common case: plain text, used in place (no copy). */
		w->parts = gp_zalloc(P->a, sizeof(*w->parts));
		if (!w->parts) {
			P->oom = true;
			w->nparts = 0;
			return;
		}
		w->parts->type = GP_LIT;
		w->parts->len = (unsigned)(end - start);
		w->parts->s = b + start;
		w->nparts = 1;
		w->plain = b + start;
		w->plainlen = (unsigned)(end - start);
		P->pos = end;
		return;
	}
	P->nparts = 0;
	sb_reset(&P->lit);
	while (P->pos < P->len && !gl_broken(P)) {
		char c = b[P->pos];
		size_t run;

		if (is_break(c))
			break;
		if ((c == '&' || c == '|') && P->pos + 1 < P->len && b[P->pos + 1] == c)
			break;
		switch (c) {
		case '\\':
			if (P->pos + 1 >= P->len) {
				sb_addc(&P->lit, '\\');
				P->pos++;
			} else if (b[P->pos + 1] == '\n') {
				P->line++;
				P->pos += 2;
			} else if (b[P->pos + 1] == 'x') {
				/* Which GRUB reads the file decides (eval.c). */
				flush(P, GP_LIT, false);
				add_part(P, GP_ESCX, "x", 1);
				P->pos += 2;
			} else {
				sb_addc(&P->lit, b[P->pos + 1]);
				P->pos += 2;
			}
			continue;
		case '\'':
			lex_squote(P);
			continue;
		case '"':
			lex_dquote(P);
			continue;
		case '$':
			if (P->pos + 1 < P->len && b[P->pos + 1] == '"') {
				P->pos++; /* $"..." (gettext): a double-quoted string here */
				lex_dquote(P);
				continue;
			}
			if (lex_var(P, GP_VAR, GP_LIT))
				continue;
			sb_addc(&P->lit, '$');
			P->pos++;
			continue;
		default:
			break;
		}
		for (run = 1; P->pos + run < P->len && is_plain(b, P->pos + run, P->len); run++)
			;
		sb_add(&P->lit, b + P->pos, run);
		P->pos += run;
	}
	flush(P, GP_LIT, false);
	if (P->lit.oom)
		P->oom = true;
	w->nparts = (unsigned)P->nparts;
	w->parts = P->nparts ? gp_memdup(P->a, P->parts, P->nparts * sizeof(*P->parts)) : NULL;
	if (P->nparts && !w->parts)
		P->oom = true;
}

void gl_lex(struct gparser *P, struct gtoken *t)
{
	const char *b = P->buf;

	for (;;) {
		while (P->pos < P->len && (b[P->pos] == ' ' || b[P->pos] == '\t' || !b[P->pos]))
			P->pos++;
		if (P->pos + 1 < P->len && b[P->pos] == '\\' && b[P->pos + 1] == '\n') {
			P->pos += 2;
			P->line++;
			continue;
		}
		if (P->pos < P->len && b[P->pos] == '#') {
			const char *nl = memchr(b + P->pos, '\n', P->len - P->pos);

			P->pos = nl ? (size_t)(nl - b) : P->len;
			continue;
		}
		break;
	}
	t->line = P->line;
	t->start = P->pos;
	t->w.nparts = 0;
	t->w.parts = NULL;
	t->w.plain = NULL;
	t->w.plainlen = 0;
	t->kw = 0;
	if (P->pos >= P->len) {
		t->t = T_EOF;
		return;
	}
	switch (b[P->pos]) {
	case '\n':
		t->t = T_NL;
		P->pos++;
		P->line++;
		return;
	case ';':
		t->t = T_SEMI;
		P->pos++;
		return;
	case '{':
		t->t = T_LBR;
		P->pos++;
		return;
	case '}':
		t->t = T_RBR;
		t->kw = K_RBR;
		P->pos++;
		return;
	case '&':
	case '|':
		if (P->pos + 1 < P->len && b[P->pos + 1] == b[P->pos]) {
			t->t = b[P->pos] == '&' ? T_AND : T_OR;
			P->pos += 2;
			return;
		}
		break;
	default:
		break;
	}
	t->t = T_WORD;
	lex_word(P, &t->w);
	t->kw = keyword(t->w.plain, t->w.plainlen);
}

const char *gl_tok_text(struct gparser *P, struct gtoken *t)
{
	switch (t->t) {
	case T_EOF:
		return "end of file";
	case T_NL:
		return "newline";
	case T_SEMI:
		return ";";
	case T_LBR:
		return "{";
	case T_RBR:
		return "}";
	case T_AND:
		return "&&";
	case T_OR:
		return "||";
	default:
		if (!t->w.plain)
			return "word";
		snprintf(P->tokbuf, sizeof(P->tokbuf), "%.*s", (int)t->w.plainlen, t->w.plain);
		return P->tokbuf;
	}
}

/* ---- Skimming { blocks } ---- */

/*
 * `{ ... }` after a command or function name; the `{` is next.  The body is
 * not parsed now, only skimmed to its matching `}` the way the lexer would
 * read it (quotes, escapes, comments, ${var}); it is parsed when it runs.
 */
const struct gblock *gl_parse_block(struct gparser *P, int line)
{
	const char *b = P->buf;
	struct gblock *blk = gp_zalloc(P->a, sizeof(*blk));
	size_t pos, start;
	int depth = 1, text_line;
	bool tokstart = true;

	gl_next(P); /* the `{` */
	if (!blk) {
		P->oom = true;
		return NULL;
	}
	pos = start = P->pos;
	text_line = P->line;
	while (pos < P->len) {
		char c = b[pos];

		if (!cclass[(unsigned char)c] || c == '&' || c == '|') {
			/* Ordinary text: skip the whole run. */
			tokstart = false;
			for (pos++; pos < P->len && !(cclass[(unsigned char)b[pos]] & ~C_AMP);
			     pos++)
				;
			continue;
		}
		switch (c) {
		case '\n':
			P->line++;
			/* fallthrough */
		case ' ':
		case '\t':
		case ';':
		case '\0':
			tokstart = true;
			pos++;
			continue;
		case '{':
			depth++;
			tokstart = true;
			pos++;
			continue;
		case '}':
			tokstart = true;
			if (--depth == 0)
				goto done;
			pos++;
			continue;
		case '#':
			if (tokstart) {
				const char *nl = memchr(b + pos, '\n', P->len - pos);

				pos = nl ? (size_t)(nl - b) : P->len;
				continue;
			}
			break;
		case '\\':
			if (pos + 1 < P->len && b[pos + 1] == '\n')
				P->line++;
			pos += pos + 1 < P->len ? 2 : 1;
			tokstart = false;
			continue;
		case '\'':
		case '"':
			/* Reuse the real quote lexers (they count lines and fail the same way). */
			P->pos = pos;
			P->skim = true;
			if (c == '\'')
				lex_squote(P);
			else
				lex_dquote(P);
			P->skim = false;
			sb_reset(&P->lit);
			if (P->err)
				return NULL;
			pos = P->pos;
			tokstart = false;
			continue;
		case '$': {
			/* ${name} is a variable; any other "${" is '$' and a `{` token. */
			size_t ns, ne, e = var_end(b, pos, P->len, &ns, &ne);

			if (e) {
				pos = e;
				tokstart = false;
				continue;
			}
		} break;
		default:
			break;
		}
		tokstart = false;
		pos++;
	}
	if (!P->lenient) {
		/* Where it stopped reading: what this failed attempt cost. */
		P->pos = pos;
		gl_fail(P, line, "'{' on line %d has no '}'", line);
		return NULL;
	}
done:
	blk->text = b + start;
	blk->len = pos - start;
	blk->line = text_line;
	blk->src = P->src;
	P->pos = pos < P->len ? pos + 1 : pos;
	P->have = false;
	return blk;
}
