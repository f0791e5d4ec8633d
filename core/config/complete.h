/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * complete.h - Tab completion of file names, for the UI's edit screen.
 *
 * The UI never opens a disk: it sends the word before its cursor in a
 * "complete" request (docs/protocol.md) and the daemon answers with the
 * candidates found on its filesystems.  Paths cannot leave their
 * filesystem (the same rule as every other read, see parser.h).
 */
#ifndef KBOOT_COMPLETE_H
#define KBOOT_COMPLETE_H

#include "lib/arena.h"

#define KB_COMPLETE_MAX 256 /* candidates returned at most (sorted; the rest dropped) */

/*
 * The words that can replace word, each complete, into out (const char *,
 * arena-owned, sorted):
 *   "NAME:/dir/pre"  names in /dir of filesystem NAME starting with "pre",
 *                    as "NAME:/dir/name" ("/" appended to directories);
 *   "/dir/pre"       the same on the filesystem named fs_name (none when
 *                    fs_name is NULL or unknown), as "/dir/name";
 *   "NAM"            filesystem names starting with it, as "NAME:/".
 * Names starting with "." only when "pre" does.  fs holds the
 * filesystems (struct kb_fs *).  0 (possibly no candidates) or -ENOMEM.
 */
int kb_complete(struct arena *a, const struct ptrv *fs, const char *word, const char *fs_name,
		struct ptrv *out);

#endif
