// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * getopt.c - GRUB's option parser, as grub-core/lib/arg.c reads a
 * command's options: a value is "=VALUE" or the next word ("--set root",
 * "-s root"), short options group ("-fs"), "--" ends them.  The commands
 * that take options (search, probe, load_env, menuentry, submenu) share it.
 *
 * Not here: what any option means (cmds.c).
 */
#include <string.h>

#include "config/parsers/grub/grub.h"

#define GO_HELP (-2) /* -h, -u, --help, --usage of a command without them */

/* The index of the short option c in opts; GO_HELP; -1 when unknown. */
static int find_short(const struct gopt *opts, char c)
{
	int i;

	for (i = 0; opts[i].name; i++)
		if (opts[i].letter == c)
			return i;
	return c == 'h' || c == 'u' ? GO_HELP : -1;
}

static int find_long(const struct gopt *opts, const char *name, size_t len)
{
	int i;

	for (i = 0; opts[i].name; i++)
		if (strlen(opts[i].name) == len && !memcmp(opts[i].name, name, len))
			return i;
	if ((len == 4 && !memcmp(name, "help", 4)) || (len == 5 && !memcmp(name, "usage", 5)))
		return GO_HELP;
	return -1;
}

static void go_use(struct gargs *out, int opt, const char *val)
{
	out->used[out->nused].opt = opt;
	out->used[out->nused].val = val;
	out->nused++;
}

bool g_getopt(struct gstate *g, const struct gnode *n, const struct gopt *opts, unsigned flags,
	      int argc, char **argv, struct gargs *out, int *status)
{
	const char *cmd = argv[0];
	size_t nopts = 0;
	int i;

	/* A word is one argument, one long option or a group of short ones. */
	for (i = 1; i < argc; i++)
		nopts += argv[i][0] == '-' && argv[i][1] != '-' ? strlen(argv[i]) : 1;
	out->used = gp_alloc(g->scratch, nopts * sizeof(*out->used));
	out->args = gp_alloc(g->scratch, (size_t)argc * sizeof(*out->args));
	out->nused = out->nargs = 0;
	*status = 1;
	if (!out->used || !out->args)
		return false;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *c, *eq, *val = NULL;
		int k;

		if (a[0] != '-' || !a[1]) {
			out->args[out->nargs++] = argv[i];
			continue;
		}
		if (a[1] != '-') {
			/* -abc: a group of short options, the last one may take the next word */
			if (flags & GO_ACCEPT_DASH) {
				for (c = a + 1; *c && find_short(opts, *c) != -1; c++)
					;
				if (*c) {
					out->args[out->nargs++] = argv[i];
					continue;
				}
			}
			for (c = a + 1; *c; c++) {
				k = find_short(opts, *c);
				if (k == GO_HELP)
					goto help;
				if (k < 0) {
					g_warn(g, n->src, n->line,
					       "%s: unknown option -%c; GRUB refuses the command",
					       cmd, *c);
					return false;
				}
				val = NULL;
				if (!c[1] && opts[k].arg != GO_NONE && i + 1 < argc &&
				    (opts[k].arg == GO_VALUE || strlen(argv[i + 1]) < 2 ||
				     argv[i + 1][0] != '-'))
					val = argv[++i];
				if (opts[k].arg == GO_VALUE && !val)
					goto missing;
				go_use(out, k, val);
			}
			continue;
		}
		if (!a[2]) {
			/* "--": the rest are arguments */
			while (++i < argc)
				out->args[out->nargs++] = argv[i];
			break;
		}
		eq = strchr(a, '=');
		k = find_long(opts, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (k == GO_HELP)
			goto help;
		if (k < 0) {
			if (flags & GO_ACCEPT_DASH) {
				out->args[out->nargs++] = argv[i];
				continue;
			}
			g_warn(g, n->src, n->line,
			       "%s: unknown option %s; GRUB refuses the command", cmd, a);
			return false;
		}
		val = eq ? eq + 1 : NULL;
		if (!val && opts[k].arg != GO_NONE && i + 1 < argc && argv[i + 1][0] != '-')
			val = argv[++i];
		if (opts[k].arg == GO_NONE && val) {
			g_warn(g, n->src, n->line,
			       "%s: option --%s takes no value; GRUB refuses the command", cmd,
			       opts[k].name);
			return false;
		}
		if (opts[k].arg == GO_VALUE && !val)
			goto missing;
		go_use(out, k, val);
	}
	return true;
missing:
	g_warn(g, n->src, n->line, "%s: option %s needs a value; GRUB refuses the command", cmd,
	       argv[i]);
	return false;
help:
	g_warn(g, n->src, n->line, "%s: %s asks for GRUB's help text; the command does nothing",
	       cmd, argv[i]);
	*status = 0;
	return false;
}

bool g_opt_given(const struct gargs *a, int opt)
{
	int i;

	for (i = 0; i < a->nused; i++)
		if (a->used[i].opt == opt)
			return true;
	return false;
}

const char *g_opt_value(const struct gargs *a, int opt)
{
	int i;

	for (i = a->nused - 1; i >= 0; i--)
		if (a->used[i].opt == opt)
			return a->used[i].val;
	return NULL;
}
