// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * model.c - building entries and recording problems.
 */
#include <errno.h>
#include <stdio.h>

#include "config/parser.h"
#include "config/scan.h"

const char *kb_file_str(struct arena *a, const struct kb_file *f)
{
	if (!f || !f->fs)
		return NULL;
	return arena_printf(a, "%s:%s", f->fs->name, f->path);
}

struct kb_entry *kb_entry_new(struct kb_pctx *p, int line)
{
	struct kb_entry *e = arena_alloc(p->arena, sizeof(*e));

	if (!e)
		return NULL;
	e->source = p->parser->name;
	e->config.fs = p->fs;
	e->config.path = p->path;
	e->line = line;
	e->type = KB_LINUX;
	e->cmdline = "";
	e->available = true;
	e->origin = p;
	if (ptrv_push(p->arena, &p->entries, e))
		return NULL;
	return e;
}

int kb_entry_add_initrd(struct kb_pctx *p, struct kb_entry *e, struct kb_file f)
{
	return kb_entry_add_module(p, e, f, NULL);
}

int kb_entry_add_module(struct kb_pctx *p, struct kb_entry *e, struct kb_file f, const char *args)
{
	struct kb_file *copy = arena_memdup(p->arena, &f, sizeof(f));
	char *a = args && *args ? arena_strdup(p->arena, args) : (char *)"";

	if (!copy || !a)
		return -ENOMEM;
	/* modargs stays empty while no module has a command line. */
	if (*a || e->modargs.n) {
		/* Earlier modules without one get "" first. */
		while (e->modargs.n < e->initrds.n)
			if (ptrv_push(p->arena, &e->modargs, (void *)""))
				return -ENOMEM;
		if (ptrv_push(p->arena, &e->modargs, a))
			return -ENOMEM;
	}
	return ptrv_push(p->arena, &e->initrds, copy);
}

const char *kb_entry_modargs(const struct kb_entry *e, size_t i)
{
	return i < e->modargs.n ? e->modargs.v[i] : "";
}

void kb_entry_unavailable(struct kb_pctx *p, struct kb_entry *e, const char *fmt, ...)
{
	va_list ap;

	e->available = false;
	va_start(ap, fmt);
	e->reason = arena_vprintf(p->arena, fmt, ap);
	va_end(ap);
}

/*
 * A warning is one line of text: control characters (a newline quoted
 * from a config, binary garbage) become spaces, so "file:line: message"
 * stays one line wherever it is shown.  (Invalid UTF-8 is the JSON
 * writer's business: it becomes U+FFFD there.)
 */
static char *one_line(char *s)
{
	char *c;

	for (c = s; c && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	return s;
}

void kb_entry_warn(struct kb_pctx *p, struct kb_entry *e, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = arena_vprintf(p->arena, fmt, ap);
	va_end(ap);
	if (msg)
		ptrv_push(p->arena, &e->warnings, one_line(msg));
}

static void warn_va(struct kb_pctx *p, const struct kb_fs *fs, const char *path, int line,
		    const char *fmt, va_list ap)
{
	struct kb_menu *m = &p->scan->menu;
	char *msg = arena_vprintf(p->arena, fmt, ap);
	char *full;

	if (!msg)
		return;
	if (!fs || !path)
		full = msg;
	else if (line > 0)
		full = arena_printf(p->arena, "%s:%s:%d: %s", fs->name, path, line, msg);
	else
		full = arena_printf(p->arena, "%s:%s: %s", fs->name, path, msg);
	if (full)
		ptrv_push(p->arena, &m->warnings, one_line(full));
}

void kb_warn(struct kb_pctx *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	warn_va(p, p->fs, p->path, line, fmt, ap);
	va_end(ap);
}

void kb_warn_at(struct kb_pctx *p, const struct kb_fs *fs, const char *path, int line,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	warn_va(p, fs, path, line, fmt, ap);
	va_end(ap);
}
