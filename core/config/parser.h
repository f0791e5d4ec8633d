/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser.h - what a config parser sees and what it may do.
 *
 * A parser is one file exporting one `struct kb_parser`.  It receives the
 * text of one config file and a context (struct kb_pctx) through which it
 * reads other files, finds filesystems, adds entries and reports problems.
 * Parsers never touch raw host paths: every file is (filesystem, path), and
 * paths cannot leave their filesystem.
 *
 * Contract for parse(): add every entry that can be recovered; report each
 * problem once with kb_warn() ("file:line: message") and carry on; return 0,
 * or a negative errno only when nothing at all could be done (the scan then
 * records that and goes on with other configs).
 */
#ifndef KBOOT_PARSER_H
#define KBOOT_PARSER_H

#include <stdbool.h>
#include <stddef.h>

#include "config/model.h"

struct kb_scan;

/* Limits shared by all parsers. */
#define KB_MAX_CONFIG_SIZE   (64u * 1024 * 1024) /* larger config files are refused */
#define KB_MAX_INCLUDE_DEPTH 16			 /* include/source/configfile nesting */

/* The context of one config being parsed. */
struct kb_pctx {
	struct kb_scan *scan; /* every filesystem, the result */
	struct arena *arena;  /* where results live (the scan's arena) */
	const struct kb_parser *parser;
	const struct kb_fs *fs; /* filesystem holding the config */
	const char *path;	/* the config's path on fs (absolute) */
	struct ptrv entries;	/* struct kb_entry *: what this config produced */
	int timeout;		/* seconds, KB_TIMEOUT_WAIT, or KB_TIMEOUT_UNSET */
};

struct kb_parser {
	const char *name; /* "grub2"; also the entries' source */
	/*
	 * Config paths to look for on every filesystem, absolute; a component
	 * "*" matches any directory entry (e.g. "/EFI/(*)/grub.cfg").  Every
	 * existing match is parsed, in this order.  NULL when find() is used.
	 */
	const char *const *paths;
	/* Parse one config (buf is NUL-terminated, len bytes). */
	int (*parse)(struct kb_pctx *p, const char *buf, size_t len);
	/*
	 * Optional: instead of paths, look at the filesystem p->fs on its own
	 * (BLS entry directories, the fallback kernel scan).  p->path is NULL.
	 */
	int (*find)(struct kb_pctx *p);
	/*
	 * Optional: parse a config fetched on its own from the network (p->fs
	 * is a network source: no directory to look around in; fs->basedir,
	 * fs->ipappend apply).  buf (len bytes, NUL-terminated) may be
	 * changed.  NULL: parse() reads it as any other config.
	 */
	int (*parse_fetched)(struct kb_pctx *p, char *buf, size_t len);
};

/* The parser table, in the order configs of one filesystem are read. */
extern const struct kb_parser *const kb_parsers[];
const struct kb_parser *kb_parser_by_name(const char *name);
/*
 * The name of the parser for a config fetched from the network, whose path
 * is path and text buf: by the file's name, else by its first words, else
 * "kboot".  Never NULL.
 */
const char *kb_parser_guess(const char *path, const char *buf);

/* ---- Results ---- */

/*
 * A new entry of this config, appended in menu order.  source, config and
 * line are filled in, available is true, type is KB_LINUX, cmdline "".
 * Arena-owned; NULL on OOM.
 */
struct kb_entry *kb_entry_new(struct kb_pctx *p, int line);
/* Append an initrd (a multiboot module without a command line). 0 or -ENOMEM. */
int kb_entry_add_initrd(struct kb_pctx *p, struct kb_entry *e, struct kb_file f);
/*
 * Append a multiboot module and its command line (the words after its file
 * name; NULL or "" for none; copied).  0 or -ENOMEM.
 */
int kb_entry_add_module(struct kb_pctx *p, struct kb_entry *e, struct kb_file f, const char *args);
/* Mark e as not bootable by kexec, with a sentence saying why. */
void kb_entry_unavailable(struct kb_pctx *p, struct kb_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A problem with one entry (shown with it). */
void kb_entry_warn(struct kb_pctx *p, struct kb_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A problem in the config: recorded as "NAME:/path:LINE: message". */
void kb_warn(struct kb_pctx *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same for a file other than the one being parsed (included files). */
void kb_warn_at(struct kb_pctx *p, const struct kb_fs *fs, const char *path, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- Files ---- */

/*
 * Lexically normalise path against dir: "a/../b" -> "/b"; ".." at the root
 * stays at the root, so the result never leaves the filesystem.  A path
 * starting with '/' ignores dir.  Arena-owned; NULL on OOM.
 */
char *kb_path_join(struct arena *a, const char *dir, const char *path);
/* The directory part of an absolute path: "/boot/grub/grub.cfg" -> "/boot/grub". */
char *kb_path_dir(struct arena *a, const char *path);

/*
 * Read a whole file (at most max bytes; 0 means KB_MAX_CONFIG_SIZE).  The
 * buffer is arena-owned and NUL-terminated.  Symlinks resolve inside fs.
 * Returns 0, -ENOENT, -EFBIG (larger than max), -EISDIR or another -errno.
 */
int kb_read(struct kb_pctx *p, const struct kb_fs *fs, const char *path, size_t max, char **buf,
	    size_t *len);
/* An fd for reading path (close-on-exec), confined to fs like kb_read(); or -errno. */
int kb_open(const struct kb_fs *fs, const char *path);
bool kb_exists(const struct kb_fs *fs, const char *path);  /* anything */
bool kb_is_file(const struct kb_fs *fs, const char *path); /* a regular file */
bool kb_is_dir(const struct kb_fs *fs, const char *path);  /* a directory */
/*
 * The names in a directory (no "." or ".."), sorted by strcmp, as const
 * char * in names (arena-owned).  0, or -errno.
 */
int kb_list_dir(struct kb_pctx *p, const struct kb_fs *fs, const char *path, struct ptrv *names);

/* ---- Filesystems ---- */

/* Number of filesystems in the scan and the i-th one (scan order). */
size_t kb_fs_count(const struct kb_pctx *p);
const struct kb_fs *kb_fs_at(const struct kb_pctx *p, size_t i);
/* Look one up by identity (case-insensitive for UUIDs); NULL when none. */
const struct kb_fs *kb_fs_by_uuid(const struct kb_pctx *p, const char *uuid);
const struct kb_fs *kb_fs_by_label(const struct kb_pctx *p, const char *label);
const struct kb_fs *kb_fs_by_partuuid(const struct kb_pctx *p, const char *partuuid);
const struct kb_fs *kb_fs_by_partlabel(const struct kb_pctx *p, const char *partlabel);
/* "/dev/sda2", "sda2" or a SOURCE name. */
const struct kb_fs *kb_fs_by_dev(const struct kb_pctx *p, const char *dev);
/* GRUB's (hdDISK,PART); NULL when unknown. */
const struct kb_fs *kb_fs_by_disk_part(const struct kb_pctx *p, int disk, int part);
/* An fstab/kernel-style spec: "UUID=…", "LABEL=…", "PARTUUID=…", "PARTLABEL=…", "/dev/…". */
const struct kb_fs *kb_fs_by_spec(const struct kb_pctx *p, const char *spec);

/*
 * fstab views (core/config/fstab.c).  Resolve an absolute path as the system whose
 * root filesystem is `root` sees it when booted: through the mounts of its
 * /etc/fstab (the longest matching mount point wins).  Falls back to root
 * itself.  Returns the file (fs never NULL) with an arena-owned path.
 */
struct kb_file kb_view_resolve(struct kb_pctx *p, const struct kb_fs *root, const char *path);
/* The fstab entry for mount point mnt ("/", "/boot") of that system, or NULL. */
const struct kb_fs *kb_view_mount(struct kb_pctx *p, const struct kb_fs *root, const char *mnt);

#endif
