// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * download.c - downloads in child processes (download.h).
 *
 * The child: open NAME.part, kb_fetch() into it with the cancel flag set
 * by SIGTERM, report progress as "P bytes total" lines and a failure as
 * "E sentence" on a pipe, rename to NAME on success, exit 0 or 1.  The
 * parent: read the pipe from the loop, and settle the download when the
 * child exits (reaped by the loop).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/loop.h"
#include "net/download.h"
#include "net/fetch/fetch.h"

/* The longest line a download child writes, newline included. */
#define DL_LINE_MAX 1100

struct dl {
	struct kb_download pub; /* what callers see */
	struct kb_downloads *list;
	pid_t pid; /* the child, 0 once reaped */
	int fd;	   /* our end of its pipe, -1 once closed */
	struct kb_watch *w;
	char line[DL_LINE_MAX + 1]; /* a partial line from the pipe */
	size_t len;
	uint64_t start; /* kb_loop_now() at start */
	bool cancelled;
	char *url, *path, *error; /* malloc'd */
	struct dl *next;
};

struct kb_downloads {
	struct kb_loop *l;
	char *dir;
	kb_download_fn fn;
	void *data;
	struct dl *v; /* every download, newest first */
	int last_id;
};

/* ---- The child ---- */

static volatile sig_atomic_t child_cancel;

static void on_term(int sig)
{
	child_cancel = 1;
}

static int report_fd = -1;

static void child_progress(uint64_t bytes, uint64_t total, void *data)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "P %llu %llu\n", (unsigned long long)bytes,
			 (unsigned long long)total);

	if (write(report_fd, buf, (size_t)n) < 0) {
		/* the daemon went away: the download is pointless */
		child_cancel = 1;
	}
}

/* Free memory now, less the reserve: the most a download may take. */
/*
 * Tell the parent why the download failed: one line "E <why>\n", cut to
 * DL_LINE_MAX bytes with its newline, so the parent takes it whole.
 */
static void child_error(int out, const char *why)
{
	char line[DL_LINE_MAX];
	int n = snprintf(line, sizeof(line) - 1, "E %s", why);

	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(out, line, (size_t)n) < 0)
		_exit(1);
}

static void child(const char *url, const char *path, int connect_ms, int stall_ms, int out)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct kb_fetch_opts o = {
		.connect_timeout_ms = connect_ms,
		.stall_timeout_ms = stall_ms,
		.cancel = &child_cancel,
		/* max_size 0: what the memory allows (fetch.h). */
	};
	char part[4096], err[1024];
	int fd;

	sigaction(SIGTERM, &sa, NULL);
	report_fd = out;
	snprintf(part, sizeof(part), "%s.part", path);
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		char shown[512];

		snprintf(err, sizeof(err), "%s: cannot write %s: %s",
			 kb_url_redact(url, shown, sizeof(shown)), part, strerror(errno));
		child_error(out, err);
		_exit(1);
	}
	if (kb_fetch(url, fd, &o, child_progress, NULL, err, sizeof(err)) || close(fd)) {
		unlink(part);
		child_error(out, err);
		_exit(child_cancel ? 2 : 1);
	}
	if (rename(part, path)) {
		unlink(part);
		_exit(1);
	}
	_exit(0);
}

/* ---- The parent ---- */

static void tell(struct dl *d)
{
	uint64_t ms = kb_loop_now(d->list->l) - d->start;

	d->pub.rate = ms ? d->pub.bytes * 1000 / ms : 0;
	if (d->list->fn)
		d->list->fn(d->list, &d->pub, d->list->data);
}

static void take_line(struct dl *d, char *line)
{
	unsigned long long bytes, total;

	if (line[0] == 'P' && sscanf(line + 1, "%llu %llu", &bytes, &total) == 2) {
		d->pub.bytes = bytes;
		d->pub.total = total;
		if (d->pub.state == KB_DL_RUNNING)
			tell(d);
	} else if (line[0] == 'E' && line[1] == ' ' && !d->error) {
		d->error = strdup(line + 2);
		d->pub.error = d->error;
	}
}

static void close_pipe(struct dl *d)
{
	if (d->w)
		kb_loop_unwatch(d->list->l, d->w);
	d->w = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/*
 * Take what the child wrote so far, line by line; a partial line waits in
 * d->line for the rest.  false once the pipe has nothing more (closed).
 */
static bool drain(struct dl *d)
{
	ssize_t n;
	char *nl;

	n = read(d->fd, d->line + d->len, sizeof(d->line) - 1 - d->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return errno == EINTR;
	if (n <= 0) {
		if (d->len) /* a last line without its newline */
			take_line(d, d->line);
		d->len = 0;
		close_pipe(d);
		return false;
	}
	d->len += (size_t)n;
	d->line[d->len] = '\0';
	while ((nl = strchr(d->line, '\n'))) {
		*nl = '\0';
		take_line(d, d->line);
		d->len -= (size_t)(nl + 1 - d->line);
		memmove(d->line, nl + 1, d->len + 1);
	}
	if (d->len == sizeof(d->line) - 1)
		d->len = 0; /* longer than the child ever writes: drop it */
	return true;
}

static void pipe_event(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	drain(data);
}

static void child_done(struct kb_loop *l, pid_t pid, int status, void *data)
{
	struct dl *d = data;

	/* Whatever is still in the pipe came before the exit. */
	while (d->fd >= 0 && drain(d))
		;
	close_pipe(d);
	d->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		d->pub.state = KB_DL_DONE;
	else if (d->cancelled)
		d->pub.state = KB_DL_CANCELLED;
	else
		d->pub.state = KB_DL_FAILED;
	if (d->pub.state == KB_DL_FAILED && !d->error) {
		d->error = strdup("the download stopped");
		d->pub.error = d->error;
	}
	tell(d);
}

struct kb_downloads *kb_downloads_new(struct kb_loop *l, const char *dir, kb_download_fn fn,
				      void *data)
{
	struct kb_downloads *dl = calloc(1, sizeof(*dl));

	if (!dl)
		return NULL;
	dl->l = l;
	dl->fn = fn;
	dl->data = data;
	dl->dir = strdup(dir);
	if (!dl->dir || (mkdir(dir, 0700) && errno != EEXIST)) {
		int e = dl->dir ? errno : ENOMEM;

		free(dl->dir);
		free(dl);
		errno = e;
		return NULL;
	}
	return dl;
}

void kb_downloads_free(struct kb_downloads *dl)
{
	struct dl *d, *next;
	char part[4096];

	if (!dl)
		return;
	for (d = dl->v; d; d = next) {
		next = d->next;
		if (d->pid > 0) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, NULL, 0);
			snprintf(part, sizeof(part), "%s.part", d->path);
			unlink(part);
		}
		close_pipe(d);
		free(d->url);
		free(d->path);
		free(d->error);
		free(d);
	}
	free(dl->dir);
	free(dl);
}

int kb_download_start(struct kb_downloads *dl, const char *url, const char *name, int connect_ms,
		      int stall_ms, char *err, size_t errlen)
{
	struct kb_url u;
	struct dl *d;
	int p[2];
	pid_t pid;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		snprintf(err, errlen, "'%s' is no file name", name);
		return -EINVAL;
	}
	if (kb_url_parse(url, &u, err, errlen))
		return -EINVAL;
	if (u.scheme == KB_URL_NFS) {
		snprintf(err, errlen, "%s: NFS is mounted, not downloaded", url);
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (!d || asprintf(&d->path, "%s/%s", dl->dir, name) < 0 || !(d->url = strdup(url))) {
		if (d)
			free(d->path);
		free(d);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot start a download: %s", strerror(errno));
		free(d->path);
		free(d->url);
		free(d);
		return -EMFILE;
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(url, d->path, connect_ms, stall_ms, p[1]);
	}
	close(p[1]);
	d->list = dl;
	d->fd = p[0];
	d->pid = pid;
	d->pub.id = ++dl->last_id;
	d->pub.url = d->url;
	d->pub.path = d->path;
	d->pub.state = KB_DL_RUNNING;
	d->start = kb_loop_now(dl->l);
	d->next = dl->v;
	dl->v = d;
	fcntl(d->fd, F_SETFL, O_NONBLOCK);
	d->w = kb_loop_watch(dl->l, d->fd, EPOLLIN, pipe_event, d);
	if (pid < 0 || !d->w || kb_loop_child(dl->l, pid, child_done, d)) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		d->pid = 0;
		close_pipe(d);
		d->pub.state = KB_DL_FAILED;
		d->error = strdup("cannot start a download");
		d->pub.error = d->error;
		snprintf(err, errlen, "cannot start a download");
		return -ECHILD;
	}
	return d->pub.id;
}

int kb_download_cancel(struct kb_downloads *dl, int id)
{
	struct dl *d;

	for (d = dl->v; d; d = d->next)
		if (d->pub.id == id && d->pid > 0) {
			d->cancelled = true;
			kill(d->pid, SIGTERM);
			return 0;
		}
	return -ENOENT;
}

const struct kb_download *kb_download_get(const struct kb_downloads *dl, int id)
{
	const struct dl *d;

	for (d = dl->v; d; d = d->next)
		if (d->pub.id == id)
			return &d->pub;
	return NULL;
}
