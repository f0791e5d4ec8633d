// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eval.c - the GRUB 2 script interpreter: word expansion, control
 * flow, functions, running parsed text and files, and the interpreter
 * state (budgets, files read, contexts).
 *
 * It follows GRUB's grub-core/script/execute.c: a command name is looked up
 * first among GRUB's commands, then among functions, and as a last resort a
 * word "name=value" is an assignment; an unknown command does nothing and
 * (a GRUB quirk) leaves $? at 0.  Unquoted $x is split into words at
 * blanks, "$x" is not; an unset or empty unquoted variable produces no word.
 * An unquoted \x is settled when its word is finished: "x" for upstream
 * GRUB, "\x" for Red Hat's when two hex digits follow (parser.c says
 * which GRUB reads the file).
 * `if` tests $? of its condition.  `break N`, `continue N`, `return N`,
 * `shift N` and `setparams` behave as in GRUB.
 *
 * Not supported: wildcard expansion of unquoted words (GRUB does it only
 * with `insmod regexp`).
 *
 * Every execution is bounded (grub.h): commands executed, loop iterations,
 * call depth, the size of a word and the memory held by variables.
 *
 * Not here: warnings and the menu being built (common.c), variables and
 * contexts (env.c), the script builtins set,
 * test / [, eval... (builtins.c), GRUB's own commands (cmds.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

static int parse_into(struct gstate *g, const struct gsrc *src, const char *text, size_t len,
		      int line0, struct glist *out, struct gpool *a);

/* ---- Word expansion ---- */

/*
 * The words of one command being built.  Strings and the array live in
 * g->scratch and are released after the command (exec_cmd's mark).
 */
struct gargv {
	struct gpool *pool;
	char **v;
	size_t n, cap;
	struct strbuf cur;
	bool have; /* the current argument exists (possibly empty) */
	bool toolong;
	bool oom;
	size_t *escx; /* heap: where an unquoted "\x" was put in cur (Red Hat's GRUB) */
	size_t nescx, capescx;
};

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Red Hat's GRUB unescapes a finished argument but keeps "\xHH" (its patch
 * "Pass \x[[:hex:]][[:hex:]] straight through unmolested"): the backslash of
 * an unquoted \x stays when two hex digits follow it, wherever they came
 * from; else it goes, as upstream always drops it.
 */
static void av_unescape_x(struct gargv *av)
{
	char *c = av->cur.buf;
	size_t k;

	for (k = av->nescx; k-- > 0;) {
		size_t at = av->escx[k];

		if (at >= av->cur.len)
			continue; /* cut off (word too long) */
		if (at + 3 < av->cur.len && is_hex(c[at + 2]) && is_hex(c[at + 3]))
			continue;
		memmove(c + at, c + at + 1, av->cur.len - at); /* with the NUL */
		av->cur.len--;
	}
	av->nescx = 0;
}

static void av_next(struct gargv *av)
{
	char *s;

	if (!av->have)
		return;
	if (av->nescx)
		av_unescape_x(av);
	s = gp_strndup(av->pool, sb_str(&av->cur), av->cur.len);
	if (av->n + 1 >= av->cap) {
		size_t nc = av->cap ? av->cap * 2 : 16;
		char **nv = gp_alloc(av->pool, nc * sizeof(*nv));

		if (nv && av->n)
			memcpy(nv, av->v, av->n * sizeof(*nv));
		if (nv) {
			av->v = nv;
			av->cap = nc;
		}
	}
	if (!s || av->n + 1 >= av->cap) {
		av->oom = true;
	} else {
		av->v[av->n++] = s;
		av->v[av->n] = NULL;
	}
	sb_reset(&av->cur);
	av->have = false;
}

static void av_add(struct gargv *av, const char *s, size_t n)
{
	if (av->cur.len + n > G_MAX_WORD) {
		av->toolong = true;
		n = G_MAX_WORD > av->cur.len ? G_MAX_WORD - av->cur.len : 0;
	}
	sb_add(&av->cur, s, n);
	av->have = true;
}

static void av_free(struct gargv *av)
{
	sb_release(&av->cur);
	free(av->escx);
}

/* An unquoted \x (GP_ESCX): "x" for upstream GRUB, "\x" to look at later for Red Hat's. */
static void av_escx(struct gstate *g, struct gargv *av)
{
	if (!g->redhat) {
		av_add(av, "x", 1);
		return;
	}
	if (!g_grow((void **)&av->escx, &av->capescx, av->nescx, sizeof(*av->escx))) {
		av->oom = true;
		return;
	}
	av->escx[av->nescx++] = av->cur.len;
	av_add(av, "\\x", 2);
}

/* Append value split at blanks: GRUB's grub_script_argv_split_append(). */
static void av_split(struct gargv *av, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	while (*s) {
		const char *w = s;

		while (*s && *s != ' ' && *s != '\t' && *s != '\n')
			s++;
		av_add(av, w, (size_t)(s - w));
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s)
			av_next(av);
	}
}

static void expand_var(struct gstate *g, struct gargv *av, const struct gpart *pt)
{
	bool split = pt->type == GP_VAR;
	const char *name = pt->s;
	char num[32];
	int i;

	if ((name[0] >= '0' && name[0] <= '9') || !strcmp(name, "#") || !strcmp(name, "*") ||
	    !strcmp(name, "@")) {
		struct gscope *sc = g->scope;
		int argc = sc ? sc->argc - sc->shift : 0;
		char **argv = sc ? sc->argv + sc->shift : NULL;

		if (name[0] == '#') {
			snprintf(num, sizeof(num), "%d", argc);
			av_add(av, num, strlen(num));
		} else if (name[0] == '*' || name[0] == '@') {
			for (i = 0; i < argc; i++) {
				if (split) {
					if (i)
						av_next(av);
					av_split(av, argv[i]);
				} else {
					if (i && name[0] == '*')
						av_add(av, " ", 1);
					else if (i)
						av_next(av);
					av_add(av, argv[i], strlen(argv[i]));
				}
			}
		} else {
			unsigned long k = strtoul(name, NULL, 10);

			if (k >= 1 && k <= (unsigned long)argc) {
				if (split)
					av_split(av, argv[k - 1]);
				else
					av_add(av, argv[k - 1], strlen(argv[k - 1]));
			}
		}
		return;
	}
	if (!strcmp(name, "?")) {
		snprintf(num, sizeof(num), "%d", g->status);
		av_add(av, num, strlen(num));
		return;
	}
	{
		const char *v = g_get(g, name);

		if (!v || !v[0])
			return;
		if (split)
			av_split(av, v);
		else
			av_add(av, v, strlen(v));
	}
}

/* Expand words into av (NULL-terminated av->v).  0 or -ENOMEM. */
static int expand(struct gstate *g, const struct gword *w, size_t nw, struct gargv *av,
		  const struct gnode *n)
{
	size_t i;
	unsigned j;

	for (i = 0; i < nw; i++) {
		av_next(av);
		for (j = 0; j < w[i].nparts; j++) {
			const struct gpart *pt = &w[i].parts[j];

			switch (pt->type) {
			case GP_LIT:
				if (pt->len)
					av_add(av, pt->s, pt->len);
				break;
			case GP_QLIT:
				av_add(av, pt->s, pt->len);
				break;
			case GP_ESCX:
				av_escx(g, av);
				break;
			default:
				expand_var(g, av, pt);
				break;
			}
		}
	}
	av_next(av);
	if (av->toolong)
		g_warn(g, n->src, n->line, "a word longer than %u KiB was cut", G_MAX_WORD >> 10);
	/* Commands are counted, but one can build a megabyte: count bytes too. */
	for (i = 0; i < av->n; i++)
		g->expanded += strlen(av->v[i]) + 1;
	if (g->expanded > G_MAX_EXPANDED && !g->stopped) {
		g->stopped = true;
		g_warn(g, n->src, n->line, "more than %lu MiB of words expanded: stopped",
		       G_MAX_EXPANDED >> 20);
	}
	if (av->cur.oom || av->oom)
		return -ENOMEM;
	if (!av->v) {
		av->v = gp_zalloc(av->pool, sizeof(char *));
		if (!av->v)
			return -ENOMEM;
	}
	return 0;
}

/* ---- Functions ---- */

struct gfunc {
	const char *name; /* NULL: empty slot */
	unsigned hash;
	struct gblock *body; /* in g->a; parsed on the first call */
};

static struct gfunc *func_slot(struct gstate *g, const char *name, bool create)
{
	unsigned h = g_hash(name);
	size_t i;

	if (create && (g->funcs_used + 1) * 4 >= g->funcs_cap * 3) {
		size_t nc = g->funcs_cap ? g->funcs_cap * 2 : 16, j;
		struct gfunc *nt = arena_alloc(g->a, nc * sizeof(*nt));

		if (!nt)
			return NULL;
		for (j = 0; j < g->funcs_cap; j++) {
			size_t k;

			if (!g->funcs[j].name)
				continue;
			for (k = g->funcs[j].hash & (nc - 1); nt[k].name; k = (k + 1) & (nc - 1))
				;
			nt[k] = g->funcs[j];
		}
		g->funcs = nt;
		g->funcs_cap = nc;
	}
	if (!g->funcs_cap)
		return NULL;
	for (i = h & (g->funcs_cap - 1); g->funcs[i].name; i = (i + 1) & (g->funcs_cap - 1))
		if (g->funcs[i].hash == h && !strcmp(g->funcs[i].name, name))
			return &g->funcs[i];
	if (!create)
		return NULL;
	g->funcs[i].name = g_strdup(g, name);
	if (!g->funcs[i].name)
		return NULL;
	g->funcs[i].hash = h;
	g->funcs_used++;
	return &g->funcs[i];
}

void g_scope_release(struct gscope *sc)
{
	int i;

	for (i = 0; i < sc->nowned; i++)
		free(sc->owned[i]);
	free(sc->owned);
	sc->owned = NULL;
	sc->nowned = 0;
}

static int call_func(struct gstate *g, const struct gnode *n, const struct gfunc *f, int argc,
		     char **argv)
{
	/* $1 is the first argument: the name is not a parameter. */
	struct gscope scope = { argc - 1, argv + 1, 0, NULL, 0 };
	struct gscope *old = g->scope;
	unsigned long loops = g->loops;
	int ret;

	if (g->depth >= G_MAX_DEPTH) {
		g_warn(g, n->src, n->line, "calls nested deeper than %d: '%s' not run", G_MAX_DEPTH,
		       argv[0]);
		return 1;
	}
	if (!f->body->parsed) {
		struct gblock *b = f->body;

		b->parsed = arena_alloc(g->a, sizeof(*b->parsed));
		if (!b->parsed ||
		    parse_into(g, b->src, b->text, b->len, b->line, b->parsed, g->perm))
			return 1;
	}
	g->depth++;
	g->scope = &scope;
	g->loops = 0;
	ret = g_exec_list(g, f->body->parsed);
	g->func_return = false;
	g->loops = loops;
	g->scope = old;
	g->depth--;
	g_scope_release(&scope);
	return ret;
}

/* ---- Execution ---- */

static int exec_node(struct gstate *g, const struct gnode *n);

static int exec_cmd(struct gstate *g, const struct gnode *n)
{
	struct gargv av = { .pool = g->scratch, .cur = STRBUF_INIT };
	struct gpmark m = gp_mark(g->scratch);
	const struct gcmd *cmd;
	struct gfunc *f;
	char **argv;
	int argc, ret = 0;
	bool invert = false;

	if (++g->commands > g->limit || g->commands > g->max_commands) {
		g->stopped = true;
		if (g->commands > g->max_commands)
			g_warn(g, n->src, n->line, "more than %lu commands executed: stopped",
			       g->max_commands);
		return 1;
	}
	if (expand(g, n->u.cmd.w, n->u.cmd.nw, &av, n) || !av.n)
		goto out;
	argv = av.v;
	argc = (int)av.n;
	if (!strcmp(argv[0], "!")) {
		invert = true;
		argv++;
		argc--;
		if (!argc) {
			ret = 1;
			goto out;
		}
	}
	cmd = g_find_cmd(argv[0]);
	if (cmd) {
		ret = cmd->fn(g, n, argc, argv);
	} else if ((f = func_slot(g, argv[0], false))) {
		ret = call_func(g, n, f, argc, argv);
	} else {
		char *eq = strchr(argv[0], '=');

		/* GRUB's last resort: "name=value" sets a variable. */
		if (eq && eq != argv[0]) {
			*eq = '\0';
			g_set_at(g, argv[0], eq + 1, n->src, n->line);
		}
		ret = 0;
	}
	if (invert)
		ret = !ret;
out:
	av_free(&av);
	gp_release(g->scratch, m);
	return ret;
}

static int exec_loop(struct gstate *g, const struct gnode *n, bool until)
{
	unsigned long iter = 0;
	int ret = 0;

	g->loops++;
	for (;;) {
		if (g->stopped)
			break;
		if (++iter > G_MAX_LOOP) {
			g_warn(g, n->src, n->line, "loop stopped after %d iterations", G_MAX_LOOP);
			break;
		}
		ret = g_exec_list(g, &n->u.loop.cond);
		if (g->func_return)
			break;
		if (until ? !ret : ret)
			break;
		ret = g_exec_list(g, &n->u.loop.body);
		if (g->func_return)
			break;
		if (g->breaks == 1 && g->is_continue)
			g->breaks = 0;
		if (g->breaks)
			break;
	}
	if (g->breaks)
		g->breaks--;
	g->loops--;
	return ret;
}

static int exec_for(struct gstate *g, const struct gnode *n)
{
	struct gargv av = { .pool = g->scratch, .cur = STRBUF_INIT };
	struct gpmark m = gp_mark(g->scratch);
	int ret = 0;
	size_t i;

	if (expand(g, n->u.cfor.w, n->u.cfor.nw, &av, n)) {
		av_free(&av);
		gp_release(g->scratch, m);
		return 1;
	}
	g->loops++;
	for (i = 0; i < av.n && !g->stopped; i++) {
		if (g->is_continue && g->breaks == 1)
			g->breaks = 0;
		if (g->breaks)
			continue;
		if (i >= G_MAX_LOOP) {
			g_warn(g, n->src, n->line, "loop stopped after %d iterations", G_MAX_LOOP);
			break;
		}
		g_set_at(g, n->u.cfor.var, av.v[i], n->src, n->line);
		ret = g_exec_list(g, &n->u.cfor.body);
		if (g->func_return)
			break;
	}
	if (g->breaks)
		g->breaks--;
	g->loops--;
	av_free(&av);
	gp_release(g->scratch, m);
	return ret;
}

static int exec_node(struct gstate *g, const struct gnode *n)
{
	size_t i;
	int ret;

	switch (n->type) {
	case GN_CMD:
		return exec_cmd(g, n);
	case GN_IF:
		for (i = 0; i < n->u.cif.n; i++) {
			ret = g_exec_list(g, &n->u.cif.conds[i]);
			if (g->func_return || g->stopped)
				return ret;
			if (g->status == 0)
				return g_exec_list(g, &n->u.cif.bodies[i]);
		}
		return n->u.cif.els ? g_exec_list(g, n->u.cif.els) : 0;
	case GN_FOR:
		return exec_for(g, n);
	case GN_WHILE:
	case GN_UNTIL:
		return exec_loop(g, n, n->type == GN_UNTIL);
	case GN_FUNC: {
		struct gfunc *f;

		if (!n->u.func.name || !n->u.func.body)
			return 1;
		f = func_slot(g, n->u.func.name, true);
		if (!f)
			return 1;
		f->body = g_block_keep(g, n->u.func.body);
		return f->body ? 0 : 1;
	}
	case GN_AND:
	case GN_OR:
		ret = exec_node(g, n->u.ao.l);
		g->status = ret;
		if (g->func_return || g->breaks || g->stopped)
			return ret;
		if ((n->type == GN_AND) == (ret == 0) && n->u.ao.r)
			ret = exec_node(g, n->u.ao.r);
		return ret;
	}
	return 0;
}

int g_exec_list(struct gstate *g, const struct glist *l)
{
	int ret = 0;
	size_t i;

	if (!l)
		return 0;
	for (i = 0; i < l->n; i++) {
		if (g->breaks || g->stopped)
			break;
		ret = exec_node(g, l->v[i]);
		g->status = ret;
		if (g->func_return)
			break;
	}
	return ret;
}

/* ---- Parsing text in this state ---- */

struct warnctx {
	struct gstate *g;
	const struct gsrc *src;
	int line; /* > 0: report every problem at this line */
};

static void parse_warn(void *data, int line, const char *msg)
{
	struct warnctx *w = data;

	g_warn(w->g, w->src, w->line > 0 ? w->line : line, "%s", msg);
}

static int parse_into(struct gstate *g, const struct gsrc *src, const char *text, size_t len,
		      int line0, struct glist *out, struct gpool *a)
{
	struct warnctx w = { g, src, 0 };

	if (g->parsed + len > G_MAX_PARSED) {
		g_warn(g, src, line0, "more than %u MiB of script parsed: the rest is skipped",
		       G_MAX_PARSED >> 20);
		return -E2BIG;
	}
	g->parsed += len;
	return g_parse(a, src, text, len, line0, out, parse_warn, &w);
}

struct gblock *g_block_keep(struct gstate *g, const struct gblock *b)
{
	struct gblock *k = arena_memdup(g->a, b, sizeof(*b));

	if (k)
		k->parsed = NULL;
	return k;
}

unsigned long g_budget_begin(struct gstate *g)
{
	unsigned long saved = g->limit;

	g->limit = g->commands + g->max_statement;
	if (g->limit > g->max_commands || g->limit < g->commands)
		g->limit = g->max_commands;
	if (g->limit > saved)
		g->limit = saved; /* inside another budget: never more than it has */
	return saved;
}

bool g_budget_end(struct gstate *g, unsigned long saved)
{
	bool ran_out = g->stopped && g->commands > g->limit && g->commands <= g->max_commands &&
		       g->limit < saved;

	g->limit = saved;
	if (ran_out)
		g->stopped = false;
	return ran_out;
}

/* Parse and run text statement by statement, releasing each one's memory. */
static int exec_text(struct gstate *g, const struct gsrc *src, const char *text, size_t len,
		     int line0)
{
	struct warnctx w = { g, src, 0 };
	struct gparse *it;
	int ret = 0;

	if (g->parsed + len > G_MAX_PARSED) {
		g_warn(g, src, line0, "more than %u MiB of script parsed: the rest is skipped",
		       G_MAX_PARSED >> 20);
		return 1;
	}
	g->parsed += len;
	it = g_parse_begin(g->scratch, src, text, len, line0, parse_warn, &w);
	if (!it)
		return 1;
	g->text_depth++;
	while (!g->stopped) {
		struct gpmark m = gp_mark(g->scratch);
		/* The file's own statements each get a budget (grub.h). */
		unsigned long saved = g->text_depth == 1 ? g_budget_begin(g) : 0;
		struct glist l;

		if (g_parse_next(it, &l) <= 0) {
			if (g->text_depth == 1)
				g_budget_end(g, saved);
			gp_release(g->scratch, m);
			break;
		}
		ret = g_exec_list(g, &l);
		if (g->text_depth == 1 && g_budget_end(g, saved) && l.n)
			g_warn(g, src, l.v[0]->line,
			       "this statement ran more than %lu commands: stopped; the rest of "
			       "the file is read",
			       g->max_statement);
		gp_release(g->scratch, m);
		if (g->func_return)
			break;
	}
	g->text_depth--;
	g_parse_end(it);
	return ret;
}

int g_exec_block(struct gstate *g, const struct gblock *b)
{
	return b ? exec_text(g, b->src, b->text, b->len, b->line) : 0;
}

int g_exec_src(struct gstate *g, const struct gsrc *src)
{
	return exec_text(g, src, src->text, src->len, 1);
}

int g_run_string(struct gstate *g, const char *text, const struct gsrc *from, int line)
{
	struct gsrc *src = arena_alloc(g->a, sizeof(*src));
	size_t len = strlen(text);
	/* Blocks defined by the text point into it: keep it. */
	char *copy = arena_strndup(g->a, text, len);

	if (!src || !copy || !(copy = g_strip_cr(g->a, copy, &len)))
		return 1;
	if (from) {
		src->fs = from->fs;
		src->path = from->path;
	}
	src->text = copy;
	src->len = len;
	return exec_text(g, src, copy, len, from ? line : 1);
}

struct gsrc *g_src_new(struct gstate *g, const struct kb_fs *fs, const char *path, const char *buf,
		       size_t len)
{
	struct gsrc *src = arena_alloc(g->a, sizeof(*src));

	if (!src || !g_grow((void **)&g->files, &g->capfiles, g->nfiles, sizeof(*g->files)))
		return NULL;
	src->fs = fs;
	/* Entries point at their config's path: it lives in the scan's arena. */
	src->path = g->p ? arena_strdup(g->p->arena, path) : g_strdup(g, path);
	src->text = g_strip_cr(g->a, buf, &len);
	src->len = len;
	if (!src->path || !src->text)
		return NULL;
	g->files[g->nfiles++] = src;
	return src;
}

struct gsrc *g_load_file(struct gstate *g, const struct kb_fs *fs, const char *path,
			 const struct gsrc *from, int line)
{
	char *buf;
	size_t i, len;
	int err;

	for (i = 0; i < g->nfiles; i++)
		if (g->files[i]->fs == fs && !strcmp(g->files[i]->path, path))
			return g->files[i];
	if (!g->p)
		return NULL;
	err = kb_read(g->p, fs, path, 0, &buf, &len);
	if (err) {
		g_warn(g, from, line, "cannot read %s:%s: %s", fs->name, path, strerror(-err));
		return NULL;
	}
	return g_src_new(g, fs, path, buf, len);
}

/* ---- State ---- */

struct gstate *g_state_new(struct kb_pctx *p)
{
	struct gstate *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->a = arena_new();
	if (!g->a) {
		free(g);
		return NULL;
	}
	g->p = p;
	g->max_commands = G_MAX_COMMANDS;
	g->max_statement = G_MAX_STATEMENT;
	g->limit = G_MAX_COMMANDS;
	g->perm = gp_new();
	g->scratch = gp_new();
	g->env = g_env_new(g, NULL);
	if (!g->env || !g->perm || !g->scratch) {
		g_state_free(g);
		return NULL;
	}
	return g;
}

void g_state_free(struct gstate *g)
{
	size_t i, j;

	if (!g)
		return;
	for (i = 0; i < g->nenvs; i++) {
		struct genv *e = g->envs[i];

		for (j = 0; j < e->cap; j++) {
			free(e->tab[j].name);
			free(e->tab[j].val);
		}
		free(e->tab);
		free(e);
	}
	free(g->envs);
	free(g->files);
	free(g->warned);
	gp_free(g->perm);
	gp_free(g->scratch);
	arena_free(g->a);
	free(g);
}
