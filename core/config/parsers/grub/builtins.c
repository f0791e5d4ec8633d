// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * builtins.c - the GRUB 2 script builtins: set, unset, export, true,
 * false, return, break / continue, shift, setparams, eval, and test / [.
 *
 * As GRUB has them: `break N`, `continue N`, `return N` and `shift N` take
 * a whole decimal N; `setparams` replaces the positional parameters of the
 * running function or entry; `eval` runs its joined arguments as a script
 * in the current context.  test / [ has GRUB's operators: strings (= ==
 * != < <= > >=, -z, -n), numbers (-eq -ne -lt -le -gt -ge, and -pgt -plt
 * ... after a common non-numeric prefix), files (-d -e -f -s, on the real
 * files through the scan), `!`, -a, -o and ( ).
 *
 * Not supported: `-nt`/`-ot` file-time tests (always false).
 *
 * Not here: the interpreter these run in (eval.c), GRUB's own
 * commands (cmds.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

/* ---- Builtins ---- */

int g_cmd_set(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	char *eq;

	if (argc < 2)
		return 0; /* GRUB lists the variables */
	eq = strchr(argv[1], '=');
	if (!eq || eq == argv[1])
		return 1;
	*eq = '\0';
	g_set_at(g, argv[1], eq + 1, n->src, n->line);
	return 0;
}

int g_cmd_unset(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	int i;

	(void)n;
	for (i = 1; i < argc; i++)
		g_unset(g, argv[i]);
	return 0;
}

int g_cmd_export(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	int i;

	(void)n;
	for (i = 1; i < argc; i++)
		g_export(g, argv[i]);
	return 0;
}

int g_cmd_true(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)g, (void)n, (void)argc, (void)argv;
	return 0;
}

int g_cmd_false(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)g, (void)n, (void)argc, (void)argv;
	return 1;
}

/* A whole decimal number, as GRUB's grub_strtoul(s, &end, 10) with *end == 0. */
static bool parse_count(const char *s, unsigned long *out)
{
	char *end;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return false;
	*out = strtoul(s, &end, 10);
	return !*end;
}

int g_cmd_return(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	unsigned long v;

	(void)n;
	if (!g->scope || argc > 2)
		return 1; /* "not in function body" */
	g->func_return = true;
	if (argc == 1)
		return g->status;
	if (!parse_count(argv[1], &v))
		return 1;
	return v ? 1 : 0;
}

int g_cmd_break(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	unsigned long count = 1;

	(void)n;
	if (argc > 2 || (argc == 2 && (!parse_count(argv[1], &count) || !count)))
		return 1;
	g->is_continue = strcmp(argv[0], "break") != 0;
	g->breaks = count > g->loops ? g->loops : count;
	return 0;
}

int g_cmd_shift(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	unsigned long k = 1;

	(void)n;
	if (!g->scope)
		return 0;
	if (argc > 2 || (argc == 2 && !parse_count(argv[1], &k)))
		return 1;
	if (k > (unsigned long)(g->scope->argc - g->scope->shift))
		return 1;
	g->scope->shift += (int)k;
	return 0;
}

int g_cmd_setparams(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct gscope *sc = g->scope;
	char **v;
	int i;

	(void)n;
	if (!sc)
		return 1;
	v = calloc((size_t)argc, sizeof(*v));
	if (!v)
		return 1;
	for (i = 1; i < argc; i++) {
		v[i - 1] = strdup(argv[i]);
		if (!v[i - 1]) {
			while (--i > 0)
				free(v[i - 1]);
			free(v);
			return 1;
		}
	}
	/* Earlier setparams arrays stay owned until the scope ends. */
	{
		char **o = realloc(sc->owned, (size_t)(sc->nowned + argc) * sizeof(char *));

		if (!o) {
			for (i = 0; i < argc - 1; i++)
				free(v[i]);
			free(v);
			return 1;
		}
		sc->owned = o;
		for (i = 0; i < argc - 1; i++)
			sc->owned[sc->nowned++] = v[i];
		sc->owned[sc->nowned++] = (char *)v;
	}
	sc->argv = v;
	sc->argc = argc - 1;
	sc->shift = 0;
	return 0;
}

int g_cmd_eval(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (i > 1)
			sb_addc(&sb, ' ');
		sb_adds(&sb, argv[i]);
	}
	if (sb.oom || g->depth >= G_MAX_DEPTH) {
		sb_release(&sb);
		return 1;
	}
	g->depth++;
	ret = g_run_string(g, sb_str(&sb), n->src, n->line);
	g->depth--;
	sb_release(&sb);
	return ret;
}

/* ---- test / [ ---- */

struct texpr {
	struct gstate *g;
	const struct gnode *n;
	char **v;
	int n_args, i;
};

static bool file_test(struct texpr *t, char op, const char *name)
{
	struct kb_file f;

	/* A file on a device kboot does not know is not there (no fallback). */
	if (g_resolve(t->g, name, &f, NULL))
		return false;
	switch (op) {
	case 'd':
		return kb_is_dir(f.fs, f.path);
	case 'e':
		return kb_exists(f.fs, f.path);
	case 'f':
		return kb_is_file(f.fs, f.path);
	case 's': {
		char *buf;
		size_t len;
		int err;

		/* Non-empty: reading one byte either gets it or says "too big". */
		err = kb_read(t->g->p, f.fs, f.path, 1, &buf, &len);
		return err == -EFBIG || (!err && len > 0);
	}
	}
	return false;
}

static long long tnum(const char *s)
{
	return strtoll(s, NULL, 0);
}

/* -pgt/-plt: compare the numbers after a common non-numeric prefix. */
static long long tpnum(const char *s)
{
	while (*s && !(*s >= '0' && *s <= '9'))
		s++;
	return strtoll(s, NULL, 10);
}

static bool t_or(struct texpr *t);

static bool t_primary(struct texpr *t)
{
	const char *a, *op, *b;

	if (t->i >= t->n_args)
		return false;
	a = t->v[t->i];
	if (!strcmp(a, "!")) {
		t->i++;
		return !t_primary(t);
	}
	if (!strcmp(a, "(")) {
		bool r;

		t->i++;
		r = t_or(t);
		if (t->i < t->n_args && !strcmp(t->v[t->i], ")"))
			t->i++;
		return r;
	}
	/* A binary operator wins when three words are left (as GRUB's test.c). */
	if (t->i + 2 < t->n_args) {
		op = t->v[t->i + 1];
		b = t->v[t->i + 2];
		{
			int c;
			bool r = false, known = true;

			if (!strcmp(op, "=") || !strcmp(op, "=="))
				r = !strcmp(a, b);
			else if (!strcmp(op, "!="))
				r = strcmp(a, b) != 0;
			else if (!strcmp(op, "<") || !strcmp(op, "<=") || !strcmp(op, ">") ||
				 !strcmp(op, ">=")) {
				c = strcmp(a, b);
				r = op[0] == '<' ? (op[1] ? c <= 0 : c < 0)
						 : (op[1] ? c >= 0 : c > 0);
			} else if (!strcmp(op, "-eq"))
				r = tnum(a) == tnum(b);
			else if (!strcmp(op, "-ne"))
				r = tnum(a) != tnum(b);
			else if (!strcmp(op, "-lt"))
				r = tnum(a) < tnum(b);
			else if (!strcmp(op, "-le"))
				r = tnum(a) <= tnum(b);
			else if (!strcmp(op, "-gt"))
				r = tnum(a) > tnum(b);
			else if (!strcmp(op, "-ge"))
				r = tnum(a) >= tnum(b);
			else if (!strcmp(op, "-pgt"))
				r = tpnum(a) > tpnum(b);
			else if (!strcmp(op, "-plt"))
				r = tpnum(a) < tpnum(b);
			else if (!strcmp(op, "-nt") || !strcmp(op, "-ot"))
				r = false; /* file times: not supported */
			else
				known = false;
			if (known) {
				t->i += 3;
				return r;
			}
		}
	}
	if (a[0] == '-' && a[1] && !a[2] && strchr("defszn", a[1]) && t->i + 1 < t->n_args) {
		const char *arg = t->v[t->i + 1];

		t->i += 2;
		if (a[1] == 'z')
			return !arg[0];
		if (a[1] == 'n')
			return arg[0] != 0;
		return file_test(t, a[1], arg);
	}
	t->i++;
	return a[0] != 0;
}

static bool t_and(struct texpr *t)
{
	bool r = t_primary(t);

	while (t->i < t->n_args && !strcmp(t->v[t->i], "-a")) {
		bool r2;

		t->i++;
		r2 = t_primary(t);
		r = r && r2;
	}
	return r;
}

static bool t_or(struct texpr *t)
{
	bool r = t_and(t);

	while (t->i < t->n_args && !strcmp(t->v[t->i], "-o")) {
		bool r2;

		t->i++;
		r2 = t_and(t);
		r = r || r2;
	}
	return r;
}

int g_cmd_test(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct texpr t = { g, n, argv + 1, argc - 1, 0 };

	if (!strcmp(argv[0], "[")) {
		if (argc < 2 || strcmp(argv[argc - 1], "]"))
			return 1; /* GRUB: "] expected" */
		t.n_args--;
	}
	if (t.n_args <= 0)
		return 1;
	return t_or(&t) ? 0 : 1;
}
