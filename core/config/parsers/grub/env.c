// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * env.c - GRUB 2 script variables and their contexts (grub.h):
 * one open-addressing hash table per context, read through overlays (a
 * menu entry's throw-away view of the file's variables), and the GRUB
 * context copy that `configfile` and submenus open with only the exported
 * variables.  Values are on the heap, counted against G_MAX_VARMEM.
 * GRUB's write hook on `root` is kept: "(hd0,1)" is stored as "hd0,1".
 *
 * Not here: expanding $x in words (eval.c), the set / unset / export
 * commands (builtins.c), what GRUB's own variables start as
 * (parser.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

/* ---- Variables ---- */

static struct gvar *env_slot(struct genv *e, const char *name, unsigned h, bool create)
{
	size_t i;

	if (create && (e->used + 1) * 4 >= e->cap * 3) {
		size_t nc = e->cap ? e->cap * 2 : 32, j;
		struct gvar *nt = calloc(nc, sizeof(*nt));

		if (!nt)
			return NULL;
		for (j = 0; j < e->cap; j++) {
			struct gvar *v = &e->tab[j];
			size_t k;

			if (!v->name)
				continue;
			for (k = v->hash & (nc - 1); nt[k].name; k = (k + 1) & (nc - 1))
				;
			nt[k] = *v;
		}
		free(e->tab);
		e->tab = nt;
		e->cap = nc;
	}
	if (!e->cap)
		return NULL;
	for (i = h & (e->cap - 1); e->tab[i].name; i = (i + 1) & (e->cap - 1))
		if (e->tab[i].hash == h && !strcmp(e->tab[i].name, name))
			return &e->tab[i];
	if (!create)
		return NULL;
	e->tab[i].name = strdup(name);
	if (!e->tab[i].name)
		return NULL;
	e->tab[i].hash = h;
	e->used++;
	return &e->tab[i];
}

/* The variable as seen from e (through overlays); NULL when never set. */
static struct gvar *env_find(struct genv *e, const char *name, unsigned h)
{
	for (; e; e = e->parent) {
		struct gvar *v = env_slot(e, name, h, false);

		if (v)
			return v;
	}
	return NULL;
}

const char *g_env_get(struct genv *e, const char *name)
{
	struct gvar *v = env_find(e, name, g_hash(name));

	return v ? v->val : NULL;
}

const struct gvar *g_var_info(struct gstate *g, struct genv *e, const char *name)
{
	(void)g;
	return env_find(e, name, g_hash(name));
}

const char *g_get(struct gstate *g, const char *name)
{
	return g_env_get(g->env, name);
}

static int env_set(struct gstate *g, struct genv *e, const char *name, const char *val,
		   bool exported, const struct gsrc *src, int line)
{
	unsigned h = g_hash(name);
	struct gvar *v = env_slot(e, name, h, true);
	size_t oldlen, newlen = val ? strlen(val) : 0;
	char *copy = NULL;

	if (!v)
		return -ENOMEM;
	oldlen = v->val ? strlen(v->val) : 0;
	if (val) {
		if (g->varmem - oldlen + newlen > G_MAX_VARMEM) {
			g_warn(g, src, line, "variables use more than %u MiB; '%s' not set",
			       G_MAX_VARMEM >> 20, name);
			return -E2BIG;
		}
		/* GRUB's write hook on root: "(hd0,1)" is stored as "hd0,1". */
		if (newlen >= 2 && val[0] == '(' && val[newlen - 1] == ')' &&
		    !strcmp(name, "root")) {
			val++;
			newlen -= 2;
		}
		copy = strndup(val, newlen);
		if (!copy)
			return -ENOMEM;
	}
	g->varmem = g->varmem - oldlen + newlen;
	free(v->val);
	v->val = copy;
	v->exported = exported;
	v->src = src;
	v->line = line;
	return 0;
}

void g_set_at(struct gstate *g, const char *name, const char *val, const struct gsrc *src, int line)
{
	struct gvar *v = env_find(g->env, name, g_hash(name));

	env_set(g, g->env, name, val, v && v->exported, src, line);
}

int g_set(struct gstate *g, const char *name, const char *val)
{
	struct gvar *v = env_find(g->env, name, g_hash(name));

	return env_set(g, g->env, name, val, v && v->exported, NULL, 0);
}

void g_unset(struct gstate *g, const char *name)
{
	struct gvar *v = env_find(g->env, name, g_hash(name));

	/* In an overlay, an unset slot hides the parent's value. */
	if (v || g->env->parent)
		env_set(g, g->env, name, NULL, false, NULL, 0);
}

void g_export(struct gstate *g, const char *name)
{
	struct gvar *v = env_find(g->env, name, g_hash(name));
	const char *val = v && v->val ? v->val : "";

	env_set(g, g->env, name, val, true, v ? v->src : NULL, v ? v->line : 0);
}

struct genv *g_env_new(struct gstate *g, struct genv *parent)
{
	struct genv *e;

	if (!g_grow((void **)&g->envs, &g->capenvs, g->nenvs, sizeof(*g->envs)))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->parent = parent;
	g->envs[g->nenvs++] = e;
	return e;
}

void g_env_drop(struct gstate *g, struct genv *e)
{
	size_t j;

	if (!g->nenvs || g->envs[g->nenvs - 1] != e)
		return;
	for (j = 0; j < e->cap; j++) {
		if (e->tab[j].val)
			g->varmem -= strlen(e->tab[j].val);
		free(e->tab[j].name);
		free(e->tab[j].val);
	}
	free(e->tab);
	free(e);
	g->nenvs--;
}

static void copy_exported(struct gstate *g, struct genv *to, struct genv *from)
{
	size_t i;

	if (from->parent)
		copy_exported(g, to, from->parent);
	for (i = 0; i < from->cap; i++) {
		struct gvar *v = &from->tab[i];

		if (!v->name)
			continue;
		if (v->val && v->exported)
			env_set(g, to, v->name, v->val, true, v->src, v->line);
		else if (env_slot(to, v->name, v->hash, false))
			env_set(g, to, v->name, NULL, false, NULL,
				0); /* unset or no longer exported */
	}
}

struct genv *g_env_context(struct gstate *g, struct genv *from)
{
	struct genv *e = g_env_new(g, NULL);

	if (e && from)
		copy_exported(g, e, from);
	return e;
}
