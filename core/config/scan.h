/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scan.h - a set of filesystems and the menu read from them.
 *
 * kb_scan_add_*() collect filesystems; kb_scan_run() reads every config on
 * every filesystem with the parser table, falls back to a kernel scan where
 * a filesystem has none, then merges the results into one menu: duplicates
 * removed, ids assigned, one default chosen, missing files marked.
 *
 * Default and timeout rule: the first config in menu order that produced an
 * available entry decides both (its own default, else its first available
 * entry; its timeout, else 5 seconds).
 */
#ifndef KBOOT_SCAN_H
#define KBOOT_SCAN_H

#include <stdio.h>

#include "config/model.h"

struct kb_scan {
	struct arena *arena; /* owns everything below */
	struct ptrv fs;	     /* struct kb_fs *, in the order added */
	struct kb_menu menu; /* the result of kb_scan_run() */
	struct ptrv views;   /* cached fstab views (core/config/fstab.c) */
	int ndisks;	     /* disks added so far (GRUB hdN numbering) */
	const char *tmpdir;  /* private mount directory, NULL if none was needed */
	struct ptrv mounts;  /* const char *: host paths mounted by this scan */
	/*
	 * Optional: kb_read() calls it for a file of a network filesystem
	 * (fs->url) that is not there yet, then looks again; a probe child
	 * sets it to fetch what a config includes.  0 or -errno.
	 */
	int (*fetch_missing)(const struct kb_fs *fs, const char *path);
};

#define KB_DEFAULT_TIMEOUT 5

/* A new empty scan; NULL on OOM.  Free it with kb_scan_free(). */
struct kb_scan *kb_scan_new(void);
/* Unmounts what the scan mounted, closes fds, frees the arena. */
void kb_scan_free(struct kb_scan *s);

/*
 * Add one SOURCE as `kboot scan` takes it (source.c): a directory with optional
 * identity "DIR[:name=NAME][:uuid=UUID][:label=LABEL][:partuuid=PARTUUID]",
 * or a block device / disk image (see blockdev.h).  On error a message is
 * written to err (if non-NULL) and -errno returned.
 */
int kb_scan_add_source(struct kb_scan *s, const char *spec, FILE *err);
/*
 * Split a SOURCE spec "PATH[:name=…][:uuid=…]…" into PATH (*dir) and the
 * identity it gives (disk -1, rootfd -1 unless given); the strings are
 * copies in a.  Does not look at PATH.  0, or -EINVAL with a message on err
 * (if non-NULL), or -ENOMEM.
 */
int kb_source_parse(struct arena *a, const char *spec, struct kb_fs *identity, const char **dir,
		    FILE *err);
/* Add a directory as a filesystem with the given identity (fs fields are copied). */
int kb_scan_add_dir(struct kb_scan *s, const char *dir, const struct kb_fs *identity);

/* Read every config; the result is in s->menu.  0 or -ENOMEM. */
int kb_scan_run(struct kb_scan *s);

/* Record a scan-level problem in the menu's warnings. */
void kb_scan_warn(struct kb_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
