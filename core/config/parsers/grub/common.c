// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common.c - what every part of the GRUB interpreter uses: warnings (each
 * said once, at most G_MAX_WARNINGS), strings in the parse's arena, the
 * variables' hash, and the menu being built (items counted against
 * G_MAX_ITEMS).
 *
 * At the bottom of the interpreter's files: it calls none of them but the
 * pool (pool.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

/* ---- Warnings and strings ---- */

unsigned g_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

char *g_strdup(struct gstate *g, const char *s)
{
	return arena_strdup(g->a, s ? s : "");
}

void g_warn(struct gstate *g, const struct gsrc *src, int line, const char *fmt, ...)
{
	char msg[512], key[600];
	va_list ap;
	size_t i;

	if (!g->p)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Say each thing once: a problem in a function shows up per call. */
	snprintf(key, sizeof(key), "%p:%d:%s", (const void *)src, line, msg);
	for (i = 0; i < g->nwarned; i++)
		if (!strcmp(g->warned[i], key))
			return;
	if (g->nwarnings >= G_MAX_WARNINGS) {
		if (g->nwarnings++ == G_MAX_WARNINGS)
			kb_warn(g->p, 0, "more than %d problems; the rest are not listed",
				G_MAX_WARNINGS);
		return;
	}
	g->nwarnings++;
	/* Only a new warning is kept: a repeated one costs no memory. */
	if (g_grow((void **)&g->warned, &g->capwarned, g->nwarned, sizeof(char *)) &&
	    (g->warned[g->nwarned] = arena_strdup(g->a, key)))
		g->nwarned++;
	if (src && src->fs)
		kb_warn_at(g->p, src->fs, src->path, line, "%s", msg);
	else
		kb_warn(g->p, line, "%s", msg);
}

/* ---- The menu being built ---- */

struct gmenu *g_menu_new(struct gstate *g, struct genv *env)
{
	struct gmenu *m = arena_alloc(g->a, sizeof(*m));

	if (m)
		m->env = env;
	return m;
}

struct gitem *g_menu_add(struct gstate *g, enum gitem_kind kind)
{
	struct gmenu *m = g->menu;
	struct gitem *it;

	if (!m)
		return NULL;
	if (g->nitems >= G_MAX_ITEMS)
		return NULL;
	if (m->nitems == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 16;
		struct gitem **v = arena_alloc(g->a, nc * sizeof(*v));

		if (!v)
			return NULL;
		if (m->nitems)
			memcpy(v, m->items, m->nitems * sizeof(*v));
		m->items = v;
		m->cap = nc;
	}
	it = arena_alloc(g->a, sizeof(*it));
	if (!it)
		return NULL;
	it->kind = kind;
	m->items[m->nitems++] = it;
	if (kind != GI_INCLUDE)
		m->nown++;
	g->nitems++;
	return it;
}
