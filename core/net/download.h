/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * download.h - the daemon's downloads: kb_fetch() (fetch.h) in child
 * processes of the loop, into files of one directory on tmpfs.
 *
 * Each download runs in its own child: the loop never waits on the
 * network, several can run at once, and a cancel is a SIGTERM the child
 * turns into fetch.h's cancel flag (it stops within 100 ms).  Progress
 * comes back over a pipe ("bytes total" lines, at most ten a second); a
 * failure comes back as fetch.h's one sentence.  A download may not grow
 * past the memory that is free when it starts (less a reserve), so a huge
 * file fails cleanly instead of filling the tmpfs kboot runs from.  A
 * file being written is NAME.part; it becomes NAME only when complete.
 *
 * Not here: what the files are for (the daemon boots them), NFS.
 */
#ifndef KBOOT_DOWNLOAD_H
#define KBOOT_DOWNLOAD_H

#include <stdint.h>

enum kb_download_state { KB_DL_RUNNING, KB_DL_DONE, KB_DL_FAILED, KB_DL_CANCELLED };

struct kb_download {
	int id;		  /* > 0, unique for the life of the list */
	const char *url;  /* as asked (password and all: not for display) */
	const char *path; /* the file, complete once DONE */
	enum kb_download_state state;
	uint64_t bytes, total; /* so far; total 0 when unknown */
	uint64_t rate;	       /* bytes per second, over the whole download */
	const char *error;     /* FAILED: fetch.h's sentence */
};

struct kb_loop;
struct kb_downloads;

/* Called on progress (at most ten times a second) and when d ends. */
typedef void (*kb_download_fn)(struct kb_downloads *dl, const struct kb_download *d, void *data);

/*
 * Downloads into dir (created 0700 if missing).  NULL with errno set.
 * Free with kb_downloads_free(): running children are killed, their
 * partial files removed; finished files stay.
 */
struct kb_downloads *kb_downloads_new(struct kb_loop *l, const char *dir, kb_download_fn fn,
				      void *data);
void kb_downloads_free(struct kb_downloads *dl);

/*
 * Start fetching url into dir/name (name: one path component, no '/').
 * connect and stall are timeouts in ms (0: fetch.h's defaults).  Its id
 * (> 0), or -errno with a sentence in err.
 */
int kb_download_start(struct kb_downloads *dl, const char *url, const char *name, int connect_ms,
		      int stall_ms, char *err, size_t errlen);

/* Stop download id; -ENOENT when there is none running. */
int kb_download_cancel(struct kb_downloads *dl, int id);

const struct kb_download *kb_download_get(const struct kb_downloads *dl, int id);

#endif
