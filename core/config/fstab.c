// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fstab.c - fstab views: a path as the installed system sees it.
 *
 * LILO, the original kboot and any config that names files by their path in
 * the running system (image=/boot/vmlinuz) mean "that path after the system
 * mounted its /etc/fstab".  A view is that mount table, read once per root
 * filesystem and cached in struct kb_scan.views; resolving a path picks the
 * longest matching mount point and rewrites the path onto that filesystem.
 *
 * What is read from /etc/fstab:
 *   - fields spec, mount point and type (options for "bind"); separated by
 *     blanks; a line whose first non-blank is '#' is a comment; octal
 *     escapes (\040 for a space, \011, \012, \134) are decoded in fields.
 *   - specs UUID=, LABEL=, PARTUUID=, PARTLABEL= (values may be quoted),
 *     /dev/disk/by-{uuid,label,partuuid,partlabel}/ (udev's \x escapes are
 *     decoded) and /dev/NAME (a scanned filesystem's name or device).
 *   - bind mounts (option bind or rbind): the source is resolved through the
 *     mounts listed before it, so "/srv/boot /boot none bind" works.
 *   - a later entry for the same mount point replaces an earlier one, as
 *     mounting it would.
 *
 * Decisions:
 *   - The "/" entry is always the root filesystem itself (the one holding
 *     this /etc/fstab), whatever its spec says; no fstab means no mounts.
 *   - noauto entries count: a /boot that is only mounted by hand is still
 *     where the files were when lilo (or the admin) wrote them.
 *   - Skipped silently: swap, "none" mount points, pseudo and memory
 *     filesystems (proc, sysfs, tmpfs, devpts...) and network filesystems
 *     (nfs, cifs, sshfs...), whose files kboot cannot read from a disk.
 *   - A local mount whose filesystem is not among the scanned ones is kept,
 *     so it still hides the root filesystem's directory below it; a path
 *     under it falls back to the root filesystem at the same path (the
 *     directory the system sees when that mount is missing).  The first
 *     path resolved through such a mount warns once:
 *     "NAME:/etc/fstab:LINE: /boot: UUID=... is not among the scanned
 *     filesystems; looking on NAME instead".
 *   - Symlinks are followed across mount points, as the booted system would
 *     (Debian's /vmlinuz -> boot/vmlinuz-... with a separate /boot): when a
 *     component is a symlink its target is resolved through the view again
 *     (at most 40 links; a loop leaves the path as written, and reading it
 *     then fails).  The result names the real file, so the same kernel
 *     reached as /vmlinuz and as /boot/vmlinuz-6.1 is one file, and the menu
 *     shows which version a link points to.
 *
 * Not supported: btrfs subvol=/subvolid= options (the filesystem is used
 * as kboot mounted it), overlay and union mounts, x-systemd.* semantics,
 * /etc/fstab.d, mounts made by systemd .mount units or autofs maps,
 * LVM/MD names that are not scanned filesystem names.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/scan.h"

#define FSTAB_PATH   "/etc/fstab"
#define MAX_SYMLINKS 40

struct kb_mount {
	const char *mnt;	/* normalised mount point, never "/" */
	size_t mntlen;		/* strlen(mnt) */
	const struct kb_fs *fs; /* the filesystem mounted there; NULL if not scanned */
	const char *subdir;	/* bind mounts: the source directory in fs; "" otherwise */
	const char *spec;	/* the fstab spec, for the warning */
	int line;		/* its line in /etc/fstab */
	bool warned;		/* the "not scanned" warning was given */
};

struct kb_view {
	const struct kb_fs *root; /* the filesystem whose /etc/fstab this is */
	struct ptrv mounts;	  /* struct kb_mount *, in fstab order */
};

/* ---- Parsing /etc/fstab ---- */

/* Types whose "spec" is not a local filesystem kboot could have scanned. */
/* clang-format off */
static const char *const skip_types[] = {
	"swap", "proc", "sysfs", "tmpfs", "ramfs", "devpts", "devtmpfs", "devfs",
	"usbfs", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs", "configfs",
	"pstore", "efivarfs", "mqueue", "hugetlbfs", "binfmt_misc", "fusectl",
	"rpc_pipefs", "nfsd", "autofs", "bpf", "none", "ignore",
	"nfs", "nfs4", "cifs", "smbfs", "smb3", "ncpfs", "sshfs", "fuse.sshfs",
	"davfs", "9p", "glusterfs", "ceph", "afs", "coda", NULL,
};
/* clang-format on */

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode fstab's octal escapes (\040) in place. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* Decode udev's \xNN escapes of /dev/disk/by-label names in place. */
static void unescape_udev(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 && hexval(s[3]) >= 0) {
			*out++ = (char)(hexval(s[2]) * 16 + hexval(s[3]));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* Strip one pair of matching quotes around a TAG= value in place. */
static void unquote_tag(char *spec)
{
	char *v = strchr(spec, '=');
	size_t n;

	if (!v)
		return;
	v++;
	n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
}

static const struct kb_fs *fs_from_spec(struct kb_pctx *p, char *spec)
{
	static const char by_label[] = "/dev/disk/by-label/";
	static const char by_partlabel[] = "/dev/disk/by-partlabel/";

	if (!strncmp(spec, by_label, sizeof(by_label) - 1) ||
	    !strncmp(spec, by_partlabel, sizeof(by_partlabel) - 1))
		unescape_udev(spec);
	else if (strchr(spec, '=') && spec[0] != '/')
		unquote_tag(spec);
	return kb_fs_by_spec(p, spec);
}

/* The mount whose mount point is the longest prefix of path; NULL for "/". */
static struct kb_mount *view_mount_of(const struct kb_view *v, const char *path)
{
	struct kb_mount *best = NULL;
	size_t i;

	for (i = 0; i < v->mounts.n; i++) {
		struct kb_mount *m = v->mounts.v[i];

		if (strncmp(path, m->mnt, m->mntlen) ||
		    (path[m->mntlen] != '/' && path[m->mntlen] != '\0'))
			continue;
		if (!best || m->mntlen > best->mntlen)
			best = m;
	}
	return best;
}

/* path (normalised, absolute) on the filesystem that holds it, no symlinks. */
static struct kb_file view_lookup(struct kb_pctx *p, const struct kb_view *v, const char *path,
				  struct kb_mount **mp)
{
	struct kb_mount *m = view_mount_of(v, path);
	struct kb_file f = { v->root, path };

	if (mp)
		*mp = m;
	if (!m || !m->fs)
		return f;
	f.fs = m->fs;
	if (!path[m->mntlen])
		f.path = *m->subdir ? m->subdir : "/";
	else if (!*m->subdir)
		f.path = path + m->mntlen;
	else
		f.path = kb_path_join(p->arena, m->subdir, path + m->mntlen + 1);
	return f;
}

static void view_add(struct kb_pctx *p, struct kb_view *v, struct kb_mount *m)
{
	size_t i;

	for (i = 0; i < v->mounts.n; i++) {
		struct kb_mount *old = v->mounts.v[i];

		if (!strcmp(old->mnt, m->mnt)) {
			v->mounts.v[i] = m; /* mounted over: the later one is seen */
			return;
		}
	}
	ptrv_push(p->arena, &v->mounts, m);
}

/* Split the next blank-separated field off *s; NULL at the end of the line. */
static char *next_field(char **s)
{
	char *start = *s, *end;

	while (*start == ' ' || *start == '\t')
		start++;
	if (!*start)
		return NULL;
	end = start;
	while (*end && *end != ' ' && *end != '\t')
		end++;
	if (*end)
		*end++ = '\0';
	*s = end;
	return start;
}

static bool has_option(const char *opts, const char *name)
{
	size_t n = strlen(name);
	const char *o = opts;

	while (o && *o) {
		if (!strncmp(o, name, n) && (o[n] == ',' || o[n] == '\0'))
			return true;
		o = strchr(o, ',');
		if (o)
			o++;
	}
	return false;
}

static void parse_line(struct kb_pctx *p, struct kb_view *v, char *line, int lineno)
{
	char *spec, *mnt, *type, *opts, *rest = line;
	struct kb_mount *m;
	const char *norm;
	bool bind;

	spec = next_field(&rest);
	if (!spec || spec[0] == '#')
		return;
	mnt = next_field(&rest);
	type = next_field(&rest);
	opts = next_field(&rest);
	if (!mnt) {
		kb_warn_at(p, v->root, FSTAB_PATH, lineno, "no mount point for %s", spec);
		return;
	}
	unescape_octal(spec);
	unescape_octal(mnt);
	if (type)
		unescape_octal(type);
	if (opts)
		unescape_octal(opts);
	bind = opts && (has_option(opts, "bind") || has_option(opts, "rbind"));
	if (mnt[0] != '/' || (!bind && type && in_list(skip_types, type)))
		return; /* "none", "swap" and pseudo or network filesystems */
	if (!strncmp(spec, "//", 2) || (spec[0] != '/' && strstr(spec, ":/")))
		return; /* network shares without a recognised type */

	norm = kb_path_join(p->arena, "/", mnt);
	if (!norm || !strcmp(norm, "/"))
		return; /* the root is the filesystem holding this fstab */

	m = arena_alloc(p->arena, sizeof(*m));
	if (!m)
		return;
	m->mnt = norm;
	m->mntlen = strlen(norm);
	m->line = lineno;
	m->subdir = "";
	m->spec = arena_strdup(p->arena, spec);
	if (bind) {
		struct kb_file src;
		const char *sp = kb_path_join(p->arena, "/", spec);

		if (!sp)
			return;
		src = view_lookup(p, v, sp, NULL);
		m->fs = src.fs;
		m->subdir = strcmp(src.path, "/") ? src.path : "";
	} else {
		m->fs = fs_from_spec(p, spec);
	}
	view_add(p, v, m);
}

static void parse_fstab(struct kb_pctx *p, struct kb_view *v, char *buf)
{
	char *line = buf, *nl;
	int lineno = 0;

	while (line && *line) {
		lineno++;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		parse_line(p, v, line, lineno);
		line = nl ? nl + 1 : NULL;
	}
}

/* The cached view of root, made on first use; NULL only on OOM. */
static struct kb_view *view_get(struct kb_pctx *p, const struct kb_fs *root)
{
	struct kb_scan *s = p->scan;
	struct kb_view *v;
	char *buf;
	size_t i, len;
	int ret;

	for (i = 0; i < s->views.n; i++) {
		v = s->views.v[i];
		if (v->root == root)
			return v;
	}
	v = arena_alloc(p->arena, sizeof(*v));
	if (!v)
		return NULL;
	v->root = root;
	ret = kb_read(p, root, FSTAB_PATH, 0, &buf, &len);
	if (ret == 0) {
		if (memchr(buf, '\0', len))
			kb_warn_at(p, root, FSTAB_PATH, 0, "binary data; ignored");
		else
			parse_fstab(p, v, buf);
	} else if (ret != -ENOENT && ret != -ENOTDIR) {
		kb_warn_at(p, root, FSTAB_PATH, 0, "cannot read: %s", strerror(-ret));
	}
	if (ptrv_push(p->arena, &s->views, v))
		return NULL;
	return v;
}

/* ---- Resolving ---- */

/*
 * Follow symlinks component by component through the view, as path lookup
 * in the booted system would.  Returns the final path (arena-owned), or
 * NULL when it cannot tell (too many links, I/O error, OOM): the caller then
 * uses the plain lookup.
 */
static char *follow_links(struct kb_pctx *p, const struct kb_view *v, const char *path)
{
	char cur[PATH_MAX], rest[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX];
	int links = 0;

	if (strlen(path) >= sizeof(rest))
		return NULL;
	strcpy(rest, path);
	cur[0] = '\0'; /* "" stands for "/" */
	for (;;) {
		char *comp = rest, *next;
		struct kb_mount *m;
		struct kb_file f;
		const char *rel;
		ssize_t n;
		size_t clen, curlen = strlen(cur);

		while (*comp == '/')
			comp++;
		if (!*comp)
			break;
		next = strchr(comp, '/');
		clen = next ? (size_t)(next - comp) : strlen(comp);
		if (curlen + 1 + clen >= sizeof(cur))
			return NULL;
		cur[curlen] = '/';
		memcpy(cur + curlen + 1, comp, clen);
		cur[curlen + 1 + clen] = '\0';
		memmove(rest, comp + clen, strlen(comp + clen) + 1);

		f = view_lookup(p, v, cur, &m);
		if (m && m->fs && !strcmp(cur, m->mnt))
			continue; /* a mount point shows the mounted root */
		if (!f.path || !f.fs || f.fs->rootfd < 0)
			return NULL;
		rel = f.path;
		while (*rel == '/')
			rel++;
		n = readlinkat(f.fs->rootfd, *rel ? rel : ".", target, sizeof(target) - 1);
		if (n < 0) {
			if (errno == EINVAL)
				continue; /* not a symlink */
			if (errno == ENOENT || errno == ENOTDIR) {
				/* Nothing below can be a link; keep the rest as is. */
				if (curlen + 1 + clen + strlen(rest) >= sizeof(cur))
					return NULL;
				strcat(cur, rest);
				break;
			}
			return NULL;
		}
		if (++links > MAX_SYMLINKS)
			return NULL;
		target[n] = '\0';
		/* Replace the link by its target and start over from the root. */
		cur[curlen] = '\0';
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s%s", target[0] == '/' ? "" : cur,
				     target, rest) >= sizeof(tmp))
			return NULL;
		{
			char *norm = kb_path_join(p->arena, "/", tmp);

			if (!norm || strlen(norm) >= sizeof(rest))
				return NULL;
			strcpy(rest, norm);
		}
		cur[0] = '\0';
	}
	return arena_strdup(p->arena, cur[0] ? cur : "/");
}

struct kb_file kb_view_resolve(struct kb_pctx *p, const struct kb_fs *root, const char *path)
{
	struct kb_file f = { root, path };
	struct kb_mount *m;
	struct kb_view *v;
	const char *norm;
	char *resolved;

	norm = kb_path_join(p->arena, "/", path ? path : "/");
	if (!norm)
		return f;
	f.path = norm;
	v = view_get(p, root);
	if (!v)
		return f;

	resolved = follow_links(p, v, norm);
	f = view_lookup(p, v, resolved ? resolved : norm, &m);
	if (!f.path)
		f = (struct kb_file){ root, norm };
	if (m && !m->fs && !m->warned) {
		m->warned = true;
		kb_warn_at(p, root, FSTAB_PATH, m->line,
			   "%s: %s is not among the scanned filesystems; looking on %s instead",
			   m->mnt, m->spec ? m->spec : "?", root->name);
	}
	return f;
}

const struct kb_fs *kb_view_mount(struct kb_pctx *p, const struct kb_fs *root, const char *mnt)
{
	struct kb_view *v;
	const char *norm;
	size_t i;

	norm = kb_path_join(p->arena, "/", mnt ? mnt : "/");
	if (!norm || !strcmp(norm, "/"))
		return root;
	v = view_get(p, root);
	if (!v)
		return NULL;
	for (i = 0; i < v->mounts.n; i++) {
		struct kb_mount *m = v->mounts.v[i];

		if (!strcmp(m->mnt, norm))
			return m->subdir[0] ? NULL : m->fs;
	}
	return NULL;
}
