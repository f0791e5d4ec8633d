// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * complete.c - Tab completion of file names (complete.h).
 *
 * Lists one directory of one filesystem through the engine's file access
 * (kb_list_dir(), kb_is_dir()), so it sees exactly what a boot would read.
 * It does not complete kernel parameters or commands, only paths and
 * filesystem names.
 */
#include <errno.h>
#include <string.h>

#include "config/complete.h"
#include "config/model.h"
#include "config/parser.h"

static const struct kb_fs *find_fs(const struct ptrv *fs, const char *name, size_t n)
{
	size_t i;

	for (i = 0; name && i < fs->n; i++) {
		const struct kb_fs *f = fs->v[i];

		if (strlen(f->name) == n && !strncmp(f->name, name, n))
			return f;
	}
	return NULL;
}

/* Names in dir of f that start with pre, as prefix + dir + name. */
static int complete_path(struct arena *a, const struct kb_fs *f, const char *prefix,
			 const char *path, struct ptrv *out)
{
	const char *slash = strrchr(path, '/');
	struct kb_pctx p = { .arena = a };
	struct ptrv names = { 0 };
	const char *dir, *pre = slash + 1;
	size_t i, dlen = (size_t)(slash - path) + 1, plen = strlen(pre);

	/* As a boot request would read it: "/boot/../x/" is "/x/". */
	dir = arena_strndup(a, path, dlen);
	dir = dir ? kb_path_join(a, "/", dir) : NULL;
	if (dir && strcmp(dir, "/"))
		dir = arena_printf(a, "%s/", dir);
	if (!dir)
		return -ENOMEM;
	if (kb_list_dir(&p, f, dir, &names) == -ENOMEM)
		return -ENOMEM;
	for (i = 0; i < names.n && out->n < KB_COMPLETE_MAX; i++) {
		const char *name = names.v[i];
		const char *full, *word;

		if (strncmp(name, pre, plen) || (name[0] == '.' && pre[0] != '.'))
			continue;
		full = arena_printf(a, "%s%s", dir, name);
		if (!full)
			return -ENOMEM;
		word = arena_printf(a, "%s%s%s", prefix, full, kb_is_dir(f, full) ? "/" : "");
		if (!word || ptrv_push(a, out, (void *)word))
			return -ENOMEM;
	}
	return 0;
}

int kb_complete(struct arena *a, const struct ptrv *fs, const char *word, const char *fs_name,
		struct ptrv *out)
{
	const char *colon = strchr(word, ':'), *slash = strchr(word, '/');
	const struct kb_fs *f;
	size_t i, n;

	if (colon && (!slash || colon < slash)) {
		char *prefix;

		n = (size_t)(colon - word);
		f = find_fs(fs, word, n);
		if (!f)
			return 0;
		prefix = arena_strndup(a, word, n + 1);
		if (!prefix)
			return -ENOMEM;
		if (!colon[1]) {
			const char *root = arena_printf(a, "%s/", prefix);

			return root && !ptrv_push(a, out, (void *)root) ? 0 : -ENOMEM;
		}
		if (colon[1] != '/')
			return 0;
		return complete_path(a, f, prefix, colon + 1, out);
	}
	if (word[0] == '/') {
		f = fs_name ? find_fs(fs, fs_name, strlen(fs_name)) : NULL;
		return f ? complete_path(a, f, "", word, out) : 0;
	}
	if (slash)
		return 0;
	n = strlen(word);
	for (i = 0; i < fs->n && out->n < KB_COMPLETE_MAX; i++) {
		const struct kb_fs *g = fs->v[i];
		const char *w;

		if (strncmp(g->name, word, n))
			continue;
		w = arena_printf(a, "%s:/", g->name);
		if (!w || ptrv_push(a, out, (void *)w))
			return -ENOMEM;
	}
	return 0;
}
