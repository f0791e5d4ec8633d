// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syntax.c - GRUB 2 script tokens (lex.c) to a syntax tree.
 *
 * Statements as GRUB's parser.y has them: simple commands with an optional
 * `{ block }` (menuentry, submenu), if/elif/else/fi, for/in/do/done,
 * while/until, function NAME { ... }.  A block is kept as text and parsed
 * when it runs (grub.h, struct gblock).
 *
 * Deliberately more lenient than GRUB (which reports a syntax error): a
 * block `{ }` may be empty; a function may be defined anywhere; `&&` and
 * `||` have their sh meaning; anything after a `{ block }` starts a new
 * command.
 *
 * Recovery: see parser.c's header.  Statements are parsed strictly; a
 * broken one is reported once and its text, up to the next line that starts
 * in column 0 with `menuentry`, `submenu`, `function` or `###`, is parsed
 * again in lenient mode: end of that text closes every open construct, an
 * unterminated quote ends at the end of its line, and unexpected words
 * (`fi` with no `if`...) are skipped.
 *
 * Not here: characters, quotes and words (lex.c), running anything
 * (eval.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/lex.h"

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
		gl_fail(P, P->line, "nesting deeper than %d levels", G_MAX_NEST);
		P->abort = true;
	}
	while (!gl_broken(P)) {
		struct gtoken *t = gl_peek(P);
		int k;

		if (t->t == T_NL || t->t == T_SEMI) {
			gl_next(P);
			continue;
		}
		if (t->t == T_EOF) {
			ok = !ends || P->lenient;
			break;
		}
		k = gl_peek_kw(P);
		if (k & ends)
			break;
		if ((k & (K_CLOSERS | K_RBR)) || t->t == T_AND || t->t == T_OR || t->t == T_LBR) {
			if (!P->lenient) {
				gl_fail(P, t->line, "unexpected '%s'", gl_tok_text(P, t));
				ok = false;
				break;
			}
			gl_next(P);
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
	return ok && !gl_broken(P);
}

/* Consume the reserved word k, or fail saying what construct lacks it. */
static bool expect(struct gparser *P, int k, const char *want, const char *what, int line)
{
	if (gl_peek_kw(P) == k) {
		gl_next(P);
		return true;
	}
	if (!P->lenient)
		gl_fail(P, line, "'%s' on line %d has no '%s'", what, line, want);
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
	int line = gl_peek(P)->line;
	struct gnode *n = new_node(P, GN_IF, line);
	struct glist *conds = NULL, *bodies = NULL;
	size_t cnt = 0, cap = 0;

	gl_next(P);
	if (!n)
		return NULL;
	for (;;) {
		struct glist c = { NULL, 0 }, b = { NULL, 0 };
		int k;

		parse_list(P, K_THEN, &c);
		if (gl_broken(P))
			break;
		if (!expect(P, K_THEN, "then", "if", line) && !P->lenient)
			break;
		parse_list(P, K_ELIF | K_ELSE | K_FI, &b);
		if (gl_broken(P))
			break;
		if (cnt == cap) {
			/* Arena growth: old arrays stay until the parse ends (rare: elif chains).
			 */
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
		k = gl_peek_kw(P);
		if (k == K_ELIF) {
			gl_next(P);
			continue;
		}
		if (k == K_ELSE) {
			struct glist *e = new_list(P);

			gl_next(P);
			if (!e)
				break;
			parse_list(P, K_FI, e);
			n->u.cif.els = e;
			if (gl_broken(P))
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

	while (!gl_broken(P) && gl_peek(P)->t == T_WORD) {
		if (!g_grow((void **)&v, &cap, n, sizeof(*v))) {
			P->oom = true;
			break;
		}
		v[n++] = gl_peek(P)->w;
		gl_next(P);
	}
	*nw = n;
	*w = n ? gp_memdup(P->a, v, n * sizeof(*v)) : NULL;
	if (n && !*w)
		P->oom = true;
	free(v);
}

static struct gnode *parse_for(struct gparser *P)
{
	int line = gl_peek(P)->line;
	struct gnode *n = new_node(P, GN_FOR, line);
	struct gtoken *t;

	gl_next(P);
	if (!n)
		return NULL;
	t = gl_peek(P);
	if (t->t != T_WORD || !t->w.plain || !gl_is_name_start(t->w.plain[0])) {
		if (!P->lenient)
			gl_fail(P, line, "'for' on line %d needs a variable name", line);
		return n;
	}
	n->u.cfor.var = gp_strndup(P->a, t->w.plain, t->w.plainlen);
	gl_next(P);
	if (!expect(P, K_IN, "in", "for", line) && !P->lenient)
		return n;
	parse_words(P, &n->u.cfor.w, &n->u.cfor.nw);
	while (gl_peek(P)->t == T_NL || gl_peek(P)->t == T_SEMI)
		gl_next(P);
	if (!expect(P, K_DO, "do", "for", line) && !P->lenient)
		return n;
	parse_list(P, K_DONE, &n->u.cfor.body);
	if (!gl_broken(P))
		expect(P, K_DONE, "done", "for", line);
	return n;
}

static struct gnode *parse_loop(struct gparser *P, bool until)
{
	int line = gl_peek(P)->line;
	struct gnode *n = new_node(P, until ? GN_UNTIL : GN_WHILE, line);
	const char *what = until ? "until" : "while";

	gl_next(P);
	if (!n)
		return NULL;
	parse_list(P, K_DO, &n->u.loop.cond);
	if (gl_broken(P))
		return n;
	if (!expect(P, K_DO, "do", what, line) && !P->lenient)
		return n;
	parse_list(P, K_DONE, &n->u.loop.body);
	if (!gl_broken(P))
		expect(P, K_DONE, "done", what, line);
	return n;
}

static struct gnode *parse_function(struct gparser *P)
{
	int line = gl_peek(P)->line;
	struct gnode *n = new_node(P, GN_FUNC, line);
	struct gtoken *t;

	gl_next(P);
	if (!n)
		return NULL;
	t = gl_peek(P);
	if (t->t != T_WORD || !t->w.plain) {
		if (!P->lenient)
			gl_fail(P, line, "'function' on line %d needs a name", line);
		return n;
	}
	n->u.func.name = gp_strndup(P->a, t->w.plain, t->w.plainlen);
	gl_next(P);
	while (gl_peek(P)->t == T_NL || gl_peek(P)->t == T_SEMI)
		gl_next(P);
	if (gl_peek(P)->t != T_LBR) {
		if (!P->lenient)
			gl_fail(P, line, "'function' on line %d has no '{'", line);
		return n;
	}
	n->u.func.body = gl_parse_block(P, line);
	return n;
}

static struct gnode *parse_command(struct gparser *P)
{
	struct gtoken *t = gl_peek(P);
	int line = t->line;
	struct gnode *n;

	switch (gl_peek_kw(P)) {
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
			gl_fail(P, line, "'%.*s' is not supported by GRUB", (int)t->w.plainlen,
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
	if (!gl_broken(P) && gl_peek(P)->t == T_LBR)
		n->u.cmd.block = gl_parse_block(P, gl_peek(P)->line);
	return n;
}

static struct gnode *parse_andor(struct gparser *P)
{
	struct gnode *l = parse_command(P);

	while (!gl_broken(P) && (gl_peek(P)->t == T_AND || gl_peek(P)->t == T_OR)) {
		struct gnode *n =
			new_node(P, gl_peek(P)->t == T_AND ? GN_AND : GN_OR, gl_peek(P)->line);

		gl_next(P);
		while (gl_peek(P)->t == T_NL)
			gl_next(P);
		if (!n)
			return l;
		n->u.ao.l = l;
		if (gl_peek(P)->t != T_WORD) {
			if (!P->lenient)
				gl_fail(P, n->line, "'%s' without a command after it",
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

struct gparse *g_parse_begin(struct gpool *a, const struct gsrc *src, const char *buf, size_t len,
			     int line0, gwarn_fn warn, void *data)
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
		struct gtoken *t = gl_peek(P);
		size_t start, cut;
		int line, skipped;

		if (P->oom)
			return -ENOMEM;
		if (t->t == T_NL || t->t == T_SEMI) {
			gl_next(P);
			continue;
		}
		if (t->t == T_EOF)
			return 0;
		start = t->start;
		line = t->line;
		if (!it->lenient_only) {
			int k = gl_peek_kw(P);
			struct gnode *n = NULL;

			if ((k & (K_CLOSERS | K_RBR)) || t->t == T_AND || t->t == T_OR ||
			    t->t == T_LBR)
				gl_fail(P, line, "unexpected '%s'", gl_tok_text(P, t));
			else
				n = parse_andor(P);
			if (!gl_broken(P) && n) {
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
