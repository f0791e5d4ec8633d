// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan.c - run the parsers over a set of filesystems and make one menu.
 *
 * Order of work in kb_scan_run():
 *   1. every parser of the table (but the fallback) on every filesystem, in
 *      filesystem order, then table order, then path order;
 *   2. the fallback kernel scan on each filesystem that gave no entries; its
 *      entries for kernels a config already offers are dropped;
 *   3. files checked: a missing kernel, initrd or device tree makes the entry
 *      unavailable, with the reason;
 *   4. default and timeout chosen (rule in scan.h), duplicates merged, ids
 *      assigned.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/scan.h"

struct kb_scan *kb_scan_new(void)
{
	struct kb_scan *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->arena = arena_new();
	if (!s->arena) {
		free(s);
		return NULL;
	}
	s->menu.timeout = KB_TIMEOUT_UNSET;
	return s;
}

void kb_scan_free(struct kb_scan *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->fs.n; i++) {
		struct kb_fs *fs = s->fs.v[i];

		if (fs->rootfd >= 0)
			close(fs->rootfd);
	}
	for (i = s->mounts.n; i-- > 0;) {
		umount2(s->mounts.v[i], MNT_DETACH);
		rmdir(s->mounts.v[i]);
	}
	if (s->tmpdir)
		rmdir(s->tmpdir);
	arena_free(s->arena);
	free(s);
}

void kb_scan_warn(struct kb_scan *s, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = arena_vprintf(s->arena, fmt, ap);
	va_end(ap);
	if (msg)
		ptrv_push(s->arena, &s->menu.warnings, msg);
}

/* ---- Adding filesystems ---- */

int kb_scan_add_dir(struct kb_scan *s, const char *dir, const struct kb_fs *identity)
{
	struct kb_fs *fs = arena_alloc(s->arena, sizeof(*fs));
	struct arena *a = s->arena;
	int fd;

	if (!fs)
		return -ENOMEM;
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*fs = *identity;
	fs->root = arena_strdup(a, dir);
	fs->rootfd = fd;
	fs->name = arena_strdup(a, identity->name);
	fs->dev = arena_strdup(a, identity->dev);
	fs->fstype = arena_strdup(a, identity->fstype);
	fs->uuid = arena_strdup(a, identity->uuid);
	fs->label = arena_strdup(a, identity->label);
	fs->partuuid = arena_strdup(a, identity->partuuid);
	fs->partlabel = arena_strdup(a, identity->partlabel);
	fs->pttype = arena_strdup(a, identity->pttype);
	fs->url = arena_strdup(a, identity->url);
	fs->config = arena_strdup(a, identity->config);
	fs->parser = arena_strdup(a, identity->parser);
	fs->basedir = arena_strdup(a, identity->basedir);
	fs->ipappend[0] = arena_strdup(a, identity->ipappend[0]);
	fs->ipappend[1] = arena_strdup(a, identity->ipappend[1]);
	if (!fs->name) {
		/* The directory's base name; "." and "dir/" included. */
		char *abs = realpath(dir, NULL);
		const char *base;

		if (abs) {
			base = strrchr(abs, '/');
			fs->name = arena_strdup(a, base[1] ? base + 1 : "root");
			free(abs);
		} else {
			fs->name = "root";
		}
	}
	if (ptrv_push(a, &s->fs, fs)) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

/* ---- Looking filesystems up ---- */

size_t kb_fs_count(const struct kb_pctx *p)
{
	return p->scan->fs.n;
}

const struct kb_fs *kb_fs_at(const struct kb_pctx *p, size_t i)
{
	return i < p->scan->fs.n ? p->scan->fs.v[i] : NULL;
}

#define FIND_FS(p, cond)                                                                           \
	do {                                                                                       \
		size_t i_;                                                                         \
		for (i_ = 0; i_ < (p)->scan->fs.n; i_++) {                                         \
			const struct kb_fs *fs = (p)->scan->fs.v[i_];                              \
			if (cond)                                                                  \
				return fs;                                                         \
		}                                                                                  \
		return NULL;                                                                       \
	} while (0)

const struct kb_fs *kb_fs_by_uuid(const struct kb_pctx *p, const char *uuid)
{
	FIND_FS(p, fs->uuid && uuid && !strcasecmp(fs->uuid, uuid));
}

const struct kb_fs *kb_fs_by_label(const struct kb_pctx *p, const char *label)
{
	FIND_FS(p, fs->label && label && !strcmp(fs->label, label));
}

const struct kb_fs *kb_fs_by_partuuid(const struct kb_pctx *p, const char *partuuid)
{
	FIND_FS(p, fs->partuuid && partuuid && !strcasecmp(fs->partuuid, partuuid));
}

const struct kb_fs *kb_fs_by_partlabel(const struct kb_pctx *p, const char *partlabel)
{
	FIND_FS(p, fs->partlabel && partlabel && !strcmp(fs->partlabel, partlabel));
}

const struct kb_fs *kb_fs_by_disk_part(const struct kb_pctx *p, int disk, int part)
{
	FIND_FS(p, fs->disk >= 0 && fs->disk == disk && fs->part == part);
}

const struct kb_fs *kb_fs_by_dev(const struct kb_pctx *p, const char *dev)
{
	const char *base = dev;

	if (!strncmp(base, "/dev/", 5))
		base += 5;
	FIND_FS(p, !strcmp(fs->name, base) || (fs->dev && !strcmp(fs->dev, dev)));
}

const struct kb_fs *kb_fs_by_spec(const struct kb_pctx *p, const char *spec)
{
	static const struct {
		const char *prefix;
		const struct kb_fs *(*find)(const struct kb_pctx *, const char *);
	} kinds[] = {
		{ "UUID=", kb_fs_by_uuid },
		{ "LABEL=", kb_fs_by_label },
		{ "PARTUUID=", kb_fs_by_partuuid },
		{ "PARTLABEL=", kb_fs_by_partlabel },
		{ "/dev/disk/by-uuid/", kb_fs_by_uuid },
		{ "/dev/disk/by-label/", kb_fs_by_label },
		{ "/dev/disk/by-partuuid/", kb_fs_by_partuuid },
		{ "/dev/disk/by-partlabel/", kb_fs_by_partlabel },
	};
	size_t i;

	if (!spec)
		return NULL;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].prefix);

		if (!strncasecmp(spec, kinds[i].prefix, n))
			return kinds[i].find(p, spec + n);
	}
	if (!strncmp(spec, "/dev/", 5))
		return kb_fs_by_dev(p, spec);
	return NULL;
}
