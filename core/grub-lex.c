// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grub-lex.c - GRUB 2 script text to a syntax tree.
 *
 * The lexer follows GRUB's yylex.l: words are runs of ordinary characters,
 * 'single quotes' (literal), "double quotes" (where only \$ \\ \" and
 * backslash-newline are escapes and $variables expand), backslash escapes
 * and $name / ${name} / $1 / $# / $? / $* / $@ variables.  `{`, `}`, `;`,
 * newline, `&&` and `||` always end a word; `#` starts a comment only at the
 * start of a word.  Carriage returns are dropped everywhere, as GRUB's line
 * reader does, so CRLF files work.  Reserved words (if then elif else fi for
 * in do done while until function) are recognised only when the whole word
 * is plain text, so "if" or \if are ordinary words.
 *
 * Deliberately more lenient than GRUB (which reports a syntax error): a
 * lone `&`, `|`, `<`, `>` is an ordinary character; `$` not followed by a
 * name is a literal `$`; a block `{ }` may be empty; a function may be
 * defined anywhere; `&&` and `||` have their sh meaning; anything after a
 * `{ block }` starts a new command.
 *
 * Recovery: see parse-grub.c's header.  Statements are parsed strictly; a
 * broken one is reported once and its text, up to the next line that starts
 * in column 0 with `menuentry`, `submenu`, `function` or `###`, is parsed
 * again in lenient mode: end of that text closes every open construct, an
 * unterminated quote ends at the end of its line, and unexpected words
 * (`fi` with no `if`...) are skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub.h"

/* ---- Scratch memory (grub.h) ---- */

#define GP_CHUNK (64 * 1024)

struct gpchunk {
	char *mem;
	size_t size;
};

struct gpool {
	struct gpchunk *c; /* chunks, kept for reuse */
	size_t n, cap;
	size_t cur;        /* the chunk being filled */
	size_t used;       /* bytes used in it */
};

bool g_grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t nc;

	if (n < *cap)
		return true;
	nc = *cap ? *cap * 2 : 8;
	nv = realloc(*v, nc * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = nc;
	return true;
}

struct gpool *gp_new(void)
{
	return calloc(1, sizeof(struct gpool));
}

void gp_free(struct gpool *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		free(p->c[i].mem);
	free(p->c);
	free(p);
}

void *gp_alloc(struct gpool *p, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (!size)
		size = 16;
	if (p->n && p->used + size <= p->c[p->cur].size) {
		void *r = p->c[p->cur].mem + p->used;

		p->used += size;
		return r;
	}
	/* The next chunk, if it is big enough; else a new one put there. */
	if (!p->n || p->cur + 1 >= p->n || p->c[p->cur + 1].size < size) {
		size_t at = p->n ? p->cur + 1 : 0, sz = size > GP_CHUNK ? size : GP_CHUNK;
		char *mem;

		if (!g_grow((void **)&p->c, &p->cap, p->n, sizeof(*p->c)))
			return NULL;
		mem = malloc(sz);
		if (!mem)
			return NULL;
		memmove(p->c + at + 1, p->c + at, (p->n - at) * sizeof(*p->c));
		p->c[at].mem = mem;
		p->c[at].size = sz;
		p->n++;
		p->cur = at;
	} else {
		p->cur++;
	}
	p->used = size;
	return p->c[p->cur].mem;
}

void *gp_zalloc(struct gpool *p, size_t size)
{
	void *r = gp_alloc(p, size);

	if (r)
		memset(r, 0, size);
	return r;
}

void *gp_memdup(struct gpool *p, const void *s, size_t n)
{
	void *r = gp_alloc(p, n);

	if (r && n)
		memcpy(r, s, n);
	return r;
}

char *gp_strndup(struct gpool *p, const char *s, size_t n)
{
	char *r = gp_alloc(p, n + 1);

	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

struct gpmark gp_mark(struct gpool *p)
{
	struct gpmark m = { p->cur, p->used };

	return m;
}

void gp_release(struct gpool *p, struct gpmark m)
{
	p->cur = m.chunk;
	p->used = m.used;
}

enum gtok { T_EOF, T_NL, T_SEMI, T_LBR, T_RBR, T_AND, T_OR, T_WORD };

struct gtoken {
	enum gtok t;
	int kw;        /* the reserved word it is (K_*), 0 if none */
	int line;
	size_t start;  /* offset of its first character */
	struct gword w; /* T_WORD */
};

/* Reserved words, as bits so a parser can say which ones end its list. */
enum {
	K_IF = 1 << 0,
	K_THEN = 1 << 1,
	K_ELIF = 1 << 2,
	K_ELSE = 1 << 3,
	K_FI = 1 << 4,
	K_FOR = 1 << 5,
	K_IN = 1 << 6,
	K_DO = 1 << 7,
	K_DONE = 1 << 8,
	K_WHILE = 1 << 9,
	K_UNTIL = 1 << 10,
	K_FUNCTION = 1 << 11,
	K_CASE = 1 << 12,
	K_ESAC = 1 << 13,
	K_SELECT = 1 << 14,
	K_RBR = 1 << 15, /* not a word: the `}` token */
};

/* Words that can only end something: a command cannot start with them. */
#define K_CLOSERS (K_THEN | K_ELIF | K_ELSE | K_FI | K_DO | K_DONE | K_ESAC | K_IN)

struct gparser {
	struct gpool *a;
	const struct gsrc *src;
	const char *buf;
	size_t len;   /* end of the text being parsed (a recovery region ends early) */
	size_t pos;
	int line;
	bool lenient;
	bool err;     /* strict mode found an error: unwind */
	bool abort;   /* nesting too deep even in lenient mode: skip the region */
	int err_line;
	char err_msg[160];
	int nest;
	bool have;    /* tok is a lookahead not yet consumed */
	char tokbuf[64];
	bool skim;    /* only finding the end of a block: build nothing */
	struct gtoken tok;
	/* scratch for building a word */
	struct strbuf lit;
	struct gpart *parts;
	size_t nparts, capparts;
	bool oom;
};

/* ---- Errors ---- */

static void fail(struct gparser *P, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct gparser *P, int line, const char *fmt, ...)
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

static bool broken(const struct gparser *P)
{
	return P->err || P->abort || P->oom;
}

/* ---- Lexer ---- */

static int keyword(const char *w, size_t len)
{
	static const struct {
		const char *s;
		size_t len;
		int k;
	} kw[] = {
		{ "if", 2, K_IF },	   { "then", 4, K_THEN },   { "elif", 4, K_ELIF },
		{ "else", 4, K_ELSE },	   { "fi", 2, K_FI },	    { "for", 3, K_FOR },
		{ "in", 2, K_IN },	   { "do", 2, K_DO },	    { "done", 4, K_DONE },
		{ "while", 5, K_WHILE },   { "until", 5, K_UNTIL }, { "function", 8, K_FUNCTION },
		{ "case", 4, K_CASE },	   { "esac", 4, K_ESAC },   { "select", 6, K_SELECT },
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
	['\0'] = C_BREAK, [' '] = C_BREAK, ['\t'] = C_BREAK, ['\n'] = C_BREAK,
	[';'] = C_BREAK,  ['{'] = C_BREAK, ['}'] = C_BREAK,
	['\\'] = C_SPECIAL, ['\''] = C_SPECIAL, ['"'] = C_SPECIAL, ['$'] = C_SPECIAL,
	['&'] = C_AMP,     ['|'] = C_AMP,   ['#'] = C_HASH,
};

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
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
	if (is_name_start(b[e])) {
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
		fail(P, P->line, "unterminated ' quote from line %d", P->line);
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
		fail(P, start_line, "unterminated \" quote from line %d", start_line);
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
	while (P->pos < P->len && !broken(P)) {
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

static void lex(struct gparser *P, struct gtoken *t)
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

static struct gtoken *peek(struct gparser *P)
{
	if (!P->have) {
		lex(P, &P->tok);
		P->have = true;
	}
	return &P->tok;
}

static void next(struct gparser *P)
{
	peek(P);
	P->have = false;
}

static int peek_kw(struct gparser *P)
{
	return peek(P)->kw;
}

static const char *tok_text(struct gparser *P, struct gtoken *t)
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

/* ---- Parser ---- */

struct nodev {
	struct gnode **v;
	size_t n, cap;
};

static void nodev_push(struct gparser *P, struct nodev *nv, struct gnode *n)
{
	if (!g_grow((void **)&nv->v, &nv->cap, nv->n, sizeof(*nv->v))) {
		P->oom = true;
		return;
	}
	nv->v[nv->n++] = n;
}

static void nodev_finish(struct gparser *P, struct nodev *nv, struct glist *out)
{
	out->n = 0;
	out->v = NULL;
	if (nv->n) {
		out->v = gp_memdup(P->a, nv->v, nv->n * sizeof(*nv->v));
		if (out->v)
			out->n = nv->n;
		else
			P->oom = true;
	}
	free(nv->v);
	nv->v = NULL;
	nv->n = nv->cap = 0;
}

static struct gnode *new_node(struct gparser *P, enum gnode_type type, int line)
{
	struct gnode *n = gp_zalloc(P->a, sizeof(*n));

	if (!n) {
		P->oom = true;
		return NULL;
	}
	n->type = type;
	n->line = line;
	n->src = P->src;
	return n;
}

static struct gnode *parse_andor(struct gparser *P);

/*
 * Commands until a reserved word in `ends` (not consumed), `}` when K_RBR is
 * in ends, or the end of the text.  Returns false when the text ended while
 * something in `ends` was still expected (strict mode), or on an error.
 */
static bool parse_list(struct gparser *P, int ends, struct glist *out)
{
	struct nodev nv = { NULL, 0, 0 };
	bool ok = true;

	if (++P->nest > G_MAX_NEST) {
		fail(P, P->line, "nesting deeper than %d levels", G_MAX_NEST);
		P->abort = true;
	}
	while (!broken(P)) {
		struct gtoken *t = peek(P);
		int k;

		if (t->t == T_NL || t->t == T_SEMI) {
			next(P);
			continue;
		}
		if (t->t == T_EOF) {
			ok = !ends || P->lenient;
			break;
		}
		k = peek_kw(P);
		if (k & ends)
			break;
		if ((k & (K_CLOSERS | K_RBR)) || t->t == T_AND || t->t == T_OR ||
		    t->t == T_LBR) {
			if (!P->lenient) {
				fail(P, t->line, "unexpected '%s'", tok_text(P, t));
				ok = false;
				break;
			}
			next(P);
			continue;
		}
		{
			struct gnode *n = parse_andor(P);

			if (n)
				nodev_push(P, &nv, n);
		}
	}
	P->nest--;
	nodev_finish(P, &nv, out);
	return ok && !broken(P);
}

/* Consume the reserved word k, or fail saying what construct lacks it. */
static bool expect(struct gparser *P, int k, const char *want, const char *what, int line)
{
	if (peek_kw(P) == k) {
		next(P);
		return true;
	}
	if (!P->lenient)
		fail(P, line, "'%s' on line %d has no '%s'", what, line, want);
	return false;
}

static struct glist *new_list(struct gparser *P)
{
	struct glist *l = gp_zalloc(P->a, sizeof(*l));

	if (!l)
		P->oom = true;
	return l;
}

static struct gnode *parse_if(struct gparser *P)
{
	int line = peek(P)->line;
	struct gnode *n = new_node(P, GN_IF, line);
	struct glist *conds = NULL, *bodies = NULL;
	size_t cnt = 0, cap = 0;

	next(P);
	if (!n)
		return NULL;
	for (;;) {
		struct glist c = { NULL, 0 }, b = { NULL, 0 };
		int k;

		parse_list(P, K_THEN, &c);
		if (broken(P))
			break;
		if (!expect(P, K_THEN, "then", "if", line) && !P->lenient)
			break;
		parse_list(P, K_ELIF | K_ELSE | K_FI, &b);
		if (broken(P))
			break;
		if (cnt == cap) {
			/* Arena growth: old arrays stay until the parse ends (rare: elif chains). */
			size_t nc = cap ? cap * 2 : 4;
			struct glist *c2 = gp_zalloc(P->a, nc * sizeof(*c2));
			struct glist *b2 = gp_zalloc(P->a, nc * sizeof(*b2));

			if (!c2 || !b2) {
				P->oom = true;
				break;
			}
			if (cnt) {
				memcpy(c2, conds, cnt * sizeof(*c2));
				memcpy(b2, bodies, cnt * sizeof(*b2));
			}
			conds = c2;
			bodies = b2;
			cap = nc;
		}
		conds[cnt] = c;
		bodies[cnt] = b;
		cnt++;
		k = peek_kw(P);
		if (k == K_ELIF) {
			next(P);
			continue;
		}
		if (k == K_ELSE) {
			struct glist *e = new_list(P);

			next(P);
			if (!e)
				break;
			parse_list(P, K_FI, e);
			n->u.cif.els = e;
			if (broken(P))
				break;
		}
		expect(P, K_FI, "fi", "if", line);
		break;
	}
	n->u.cif.n = cnt;
	n->u.cif.conds = conds;
	n->u.cif.bodies = bodies;
	return n;
}

/* Words up to the end of the command (used by simple commands and `for`). */
static void parse_words(struct gparser *P, struct gword **w, size_t *nw)
{
	struct gword *v = NULL;
	size_t n = 0, cap = 0;

	while (!broken(P) && peek(P)->t == T_WORD) {
		if (!g_grow((void **)&v, &cap, n, sizeof(*v))) {
			P->oom = true;
			break;
		}
		v[n++] = peek(P)->w;
		next(P);
	}
	*nw = n;
	*w = n ? gp_memdup(P->a, v, n * sizeof(*v)) : NULL;
	if (n && !*w)
		P->oom = true;
	free(v);
}

static struct gnode *parse_for(struct gparser *P)
{
	int line = peek(P)->line;
	struct gnode *n = new_node(P, GN_FOR, line);
	struct gtoken *t;

	next(P);
	if (!n)
		return NULL;
	t = peek(P);
	if (t->t != T_WORD || !t->w.plain || !is_name_start(t->w.plain[0])) {
		if (!P->lenient)
			fail(P, line, "'for' on line %d needs a variable name", line);
		return n;
	}
	n->u.cfor.var = gp_strndup(P->a, t->w.plain, t->w.plainlen);
	next(P);
	if (!expect(P, K_IN, "in", "for", line) && !P->lenient)
		return n;
	parse_words(P, &n->u.cfor.w, &n->u.cfor.nw);
	while (peek(P)->t == T_NL || peek(P)->t == T_SEMI)
		next(P);
	if (!expect(P, K_DO, "do", "for", line) && !P->lenient)
		return n;
	parse_list(P, K_DONE, &n->u.cfor.body);
	if (!broken(P))
		expect(P, K_DONE, "done", "for", line);
	return n;
}

static struct gnode *parse_loop(struct gparser *P, bool until)
{
	int line = peek(P)->line;
	struct gnode *n = new_node(P, until ? GN_UNTIL : GN_WHILE, line);
	const char *what = until ? "until" : "while";

	next(P);
	if (!n)
		return NULL;
	parse_list(P, K_DO, &n->u.loop.cond);
	if (broken(P))
		return n;
	if (!expect(P, K_DO, "do", what, line) && !P->lenient)
		return n;
	parse_list(P, K_DONE, &n->u.loop.body);
	if (!broken(P))
		expect(P, K_DONE, "done", what, line);
	return n;
}

/*
 * `{ ... }` after a command or function name; the `{` is next.  The body is
 * not parsed now, only skimmed to its matching `}` the way the lexer would
 * read it (quotes, escapes, comments, ${var}); it is parsed when it runs.
 */
static const struct gblock *parse_block(struct gparser *P, int line)
{
	const char *b = P->buf;
	struct gblock *blk = gp_zalloc(P->a, sizeof(*blk));
	size_t pos, start;
	int depth = 1, text_line;
	bool tokstart = true;

	next(P); /* the `{` */
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
			for (pos++; pos < P->len && !(cclass[(unsigned char)b[pos]] & ~C_AMP); pos++)
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
		case '$':
			{
				/* ${name} is a variable; any other "${" is '$' and a `{` token. */
				size_t ns, ne, e = var_end(b, pos, P->len, &ns, &ne);

				if (e) {
					pos = e;
					tokstart = false;
					continue;
				}
			}
			break;
		default:
			break;
		}
		tokstart = false;
		pos++;
	}
	if (!P->lenient) {
		/* Where it stopped reading: what this failed attempt cost. */
		P->pos = pos;
		fail(P, line, "'{' on line %d has no '}'", line);
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

static struct gnode *parse_function(struct gparser *P)
{
	int line = peek(P)->line;
	struct gnode *n = new_node(P, GN_FUNC, line);
	struct gtoken *t;

	next(P);
	if (!n)
		return NULL;
	t = peek(P);
	if (t->t != T_WORD || !t->w.plain) {
		if (!P->lenient)
			fail(P, line, "'function' on line %d needs a name", line);
		return n;
	}
	n->u.func.name = gp_strndup(P->a, t->w.plain, t->w.plainlen);
	next(P);
	while (peek(P)->t == T_NL || peek(P)->t == T_SEMI)
		next(P);
	if (peek(P)->t != T_LBR) {
		if (!P->lenient)
			fail(P, line, "'function' on line %d has no '{'", line);
		return n;
	}
	n->u.func.body = parse_block(P, line);
	return n;
}

static struct gnode *parse_command(struct gparser *P)
{
	struct gtoken *t = peek(P);
	int line = t->line;
	struct gnode *n;

	switch (peek_kw(P)) {
	case K_IF:
		return parse_if(P);
	case K_FOR:
		return parse_for(P);
	case K_WHILE:
		return parse_loop(P, false);
	case K_UNTIL:
		return parse_loop(P, true);
	case K_FUNCTION:
		return parse_function(P);
	case K_CASE:
	case K_SELECT:
		if (!P->lenient) {
			fail(P, line, "'%.*s' is not supported by GRUB", (int)t->w.plainlen,
			     t->w.plain);
			return NULL;
		}
		break;
	default:
		break;
	}
	n = new_node(P, GN_CMD, line);
	if (!n)
		return NULL;
	parse_words(P, &n->u.cmd.w, &n->u.cmd.nw);
	if (!broken(P) && peek(P)->t == T_LBR)
		n->u.cmd.block = parse_block(P, peek(P)->line);
	return n;
}

static struct gnode *parse_andor(struct gparser *P)
{
	struct gnode *l = parse_command(P);

	while (!broken(P) && (peek(P)->t == T_AND || peek(P)->t == T_OR)) {
		struct gnode *n = new_node(P, peek(P)->t == T_AND ? GN_AND : GN_OR, peek(P)->line);

		next(P);
		while (peek(P)->t == T_NL)
			next(P);
		if (!n)
			return l;
		n->u.ao.l = l;
		if (peek(P)->t != T_WORD) {
			if (!P->lenient)
				fail(P, n->line, "'%s' without a command after it",
				     n->type == GN_AND ? "&&" : "||");
			return l;
		}
		n->u.ao.r = parse_command(P);
		l = n;
	}
	return l;
}

/* ---- Statements and recovery ---- */

static bool starts_with_word(const char *s, const char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - s) > n && !memcmp(s, w, n) &&
	       (s[n] == ' ' || s[n] == '\t' || s[n] == '\'' || s[n] == '"');
}

/*
 * The recovery point after a broken statement starting at `from`: the start
 * of the next line (after from's own) that begins in column 0 with
 * `menuentry`, `submenu`, `function` or `###`; else the end of the text.
 * *lines gets the number of newlines skipped.
 */
static size_t cut_after(const char *b, size_t len, size_t from, int *lines)
{
	const char *end = b + len, *s = b + from;

	*lines = 0;
	while ((s = memchr(s, '\n', (size_t)(end - s)))) {
		s++;
		++*lines;
		if (starts_with_word(s, end, "menuentry") || starts_with_word(s, end, "submenu") ||
		    starts_with_word(s, end, "function") ||
		    ((size_t)(end - s) >= 3 && !memcmp(s, "###", 3)))
			return (size_t)(s - b);
	}
	return len;
}

static void reset(struct gparser *P, size_t pos, int line, size_t len, bool lenient)
{
	P->pos = pos;
	P->line = line;
	P->len = len;
	P->lenient = lenient;
	P->have = false;
	P->err = false;
	P->abort = false;
	P->nest = 0;
}

/* ---- Statement by statement ---- */

struct gparse {
	struct gparser P;
	gwarn_fn warn;
	void *data;
	/* Strict attempts that fail can read to the end of the text; past this
	 * budget every statement is parsed leniently up to its recovery point. */
	size_t budget, spent;
	bool lenient_only;
};

struct gparse *g_parse_begin(struct gpool *a, const struct gsrc *src, const char *buf,
			     size_t len, int line0, gwarn_fn warn, void *data)
{
	struct gparse *it = calloc(1, sizeof(*it));

	if (!it)
		return NULL;
	it->P.a = a;
	it->P.src = src;
	it->P.buf = buf;
	it->warn = warn;
	it->data = data;
	it->budget = 4 * len + 65536;
	reset(&it->P, 0, line0, len, false);
	return it;
}

void g_parse_end(struct gparse *it)
{
	if (!it)
		return;
	sb_release(&it->P.lit);
	free(it->P.parts);
	free(it);
}

int g_parse_next(struct gparse *it, struct glist *out)
{
	struct gparser *P = &it->P;
	const char *buf = P->buf;
	size_t len = P->len;

	out->n = 0;
	out->v = NULL;
	/*
	 * A word looked ahead after the previous statement lives in memory the
	 * caller has released since: read it again.
	 */
	if (P->have && P->tok.t == T_WORD) {
		P->pos = P->tok.start;
		P->line = P->tok.line;
		P->have = false;
	}
	for (;;) {
		struct gtoken *t = peek(P);
		size_t start, cut;
		int line, skipped;

		if (P->oom)
			return -ENOMEM;
		if (t->t == T_NL || t->t == T_SEMI) {
			next(P);
			continue;
		}
		if (t->t == T_EOF)
			return 0;
		start = t->start;
		line = t->line;
		if (!it->lenient_only) {
			int k = peek_kw(P);
			struct gnode *n = NULL;

			if ((k & (K_CLOSERS | K_RBR)) || t->t == T_AND || t->t == T_OR ||
			    t->t == T_LBR)
				fail(P, line, "unexpected '%s'", tok_text(P, t));
			else
				n = parse_andor(P);
			if (!broken(P) && n) {
				out->v = gp_alloc(P->a, sizeof(*out->v));
				if (!out->v)
					return -ENOMEM;
				out->v[0] = n;
				out->n = 1;
				return 1;
			}
			if (P->oom)
				return -ENOMEM;
			it->spent += (P->pos > start ? P->pos - start : 0);
		}
		cut = cut_after(buf, len, start, &skipped);
		if (!it->lenient_only && it->warn) {
			int last = line + skipped - (cut < len || (len && buf[len - 1] == '\n'));
			char msg[320];

			snprintf(msg, sizeof(msg), "syntax error: %s; lines %d-%d read leniently",
				 P->err_msg, line, last < line ? line : last);
			it->warn(it->data, line, msg);
		}
		/* Parse the region again, leniently, and give what it has. */
		reset(P, start, line, cut, true);
		parse_list(P, 0, out);
		reset(P, cut, line + skipped, len, false);
		if (!it->lenient_only && it->spent > it->budget) {
			it->lenient_only = true;
			if (it->warn)
				it->warn(it->data, line + skipped,
					 "too many syntax errors: the rest is read leniently");
		}
		return P->oom ? -ENOMEM : 1;
	}
}

int g_parse(struct gpool *a, const struct gsrc *src, const char *buf, size_t len, int line0,
	    struct glist *out, gwarn_fn warn, void *data)
{
	struct gparse *it = g_parse_begin(a, src, buf, len, line0, warn, data);
	struct nodev nv = { NULL, 0, 0 };
	struct gparser *P;
	int r;

	if (!it)
		return -ENOMEM;
	P = &it->P;
	for (;;) {
		struct glist l;
		size_t i;

		r = g_parse_next(it, &l);
		if (r <= 0)
			break;
		/* Keep the lookahead valid: nothing is released in between here. */
		for (i = 0; i < l.n; i++)
			if (l.v[i])
				nodev_push(P, &nv, l.v[i]);
	}
	nodev_finish(P, &nv, out);
	if (P->oom)
		r = -ENOMEM;
	g_parse_end(it);
	return r < 0 ? r : 0;
}

/* A copy of buf without carriage returns, in a (GRUB's reader drops them). */
char *g_strip_cr(struct arena *a, const char *buf, size_t *len)
{
	char *copy;
	size_t i, n = 0;

	if (!memchr(buf, '\r', *len))
		return (char *)buf;
	copy = arena_alloc(a, *len + 1);
	if (!copy)
		return NULL;
	for (i = 0; i < *len; i++)
		if (buf[i] != '\r')
			copy[n++] = buf[i];
	copy[n] = '\0';
	*len = n;
	return copy;
}
