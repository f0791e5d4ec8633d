// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * server.c - the daemon's end of the control socket (server.h).
 *
 * Does: the listening socket (directory 0700, socket 0600, a stale socket
 * from a dead daemon replaced, a live one left alone), non-blocking
 * accepts, the SO_PEERCRED check, splitting input into lines and parsing
 * each into a per-line arena, a write queue per client flushed on EPOLLOUT,
 * and closing one misbehaving client without touching the others.
 *
 * Closing is immediate (fd closed, no more broadcasts) but the struct is
 * freed later, from a 0 ms timer, so any pointer a callback holds stays
 * valid until the callback returns; `disconnected` is called from that
 * timer too, never from inside another callback.
 *
 * Does not: know what messages mean, log (the daemon reports), or call
 * `disconnected` from kb_server_free().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/loop.h"
#include "proto/proto.h"
#include "proto/server.h"

#define READ_CHUNK	(64 * 1024) /* read at most this per wake-up: fairness */
#define ACCEPT_PAUSE_MS 200	    /* out of fds: stop accepting for a while */

struct kb_client {
	struct kb_server *s;	/* the server it belongs to */
	int fd;			/* the connection; -1 once closed */
	struct kb_watch *w;	/* on fd */
	char *in;		/* received bytes not yet split into lines */
	size_t in_len;		/* bytes in in */
	size_t in_cap;		/* bytes allocated for in */
	size_t scanned;		/* bytes of in known to hold no '\n' */
	char *out;		/* queued output; out[out_off..out_len) is pending */
	size_t out_off;		/* bytes of out already written */
	size_t out_len;		/* bytes in out */
	size_t out_cap;		/* bytes allocated for out */
	bool ready;		/* has its full state: gets broadcasts */
	bool closed;		/* closed; waiting to be freed */
	bool eof;		/* it shut down its side: close once out is written */
	struct kb_client *next; /* in the live or dead list */
	struct kb_client *prev; /* in the live list */
};

struct kb_server {
	struct kb_loop *l;		 /* the loop everything runs on */
	int fd;				 /* the listening socket */
	struct kb_watch *w;		 /* on fd */
	char *path;			 /* the socket file */
	dev_t dev;			 /* the socket file's identity, so free */
	ino_t ino;			 /* removes only our own socket */
	const struct kb_server_ops *ops; /* the daemon's callbacks */
	void *data;			 /* for ops */
	struct kb_client *clients;	 /* connected */
	size_t nclients;		 /* how many */
	struct kb_client *dead;		 /* closed, to free */
	struct kb_timer *reap;		 /* frees dead; NULL when not pending */
	struct kb_timer *resume;	 /* re-enables accepting after EMFILE */
};

/* ---- closing and freeing clients ---- */

static void client_free(struct kb_client *c)
{
	free(c->in);
	free(c->out);
	free(c);
}

static void reap_cb(struct kb_loop *l, void *data)
{
	struct kb_server *s = data;
	struct kb_client *c;

	s->reap = NULL;
	while ((c = s->dead)) {
		s->dead = c->next;
		if (s->ops->disconnected)
			s->ops->disconnected(s, c, s->data);
		client_free(c);
	}
}

static void client_close(struct kb_client *c)
{
	struct kb_server *s = c->s;

	if (c->closed)
		return;
	c->closed = true;
	kb_loop_unwatch(s->l, c->w);
	c->w = NULL;
	close(c->fd);
	c->fd = -1;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nclients--;
	c->prev = NULL;
	c->next = s->dead;
	s->dead = c;
	/* Without the timer (OOM) it is freed by the next reap or by kb_server_free. */
	if (!s->reap)
		s->reap = kb_loop_timer(s->l, 0, reap_cb, s);
}

/* ---- output ---- */

/* Write what is queued; ask for EPOLLOUT while something is left. */
static int flush(struct kb_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	return kb_loop_rewatch(c->s->l, c->w,
			       (c->eof ? 0u : EPOLLIN) | (c->out_off < c->out_len ? EPOLLOUT : 0u));
}

static bool out_room(struct kb_client *c, size_t need)
{
	size_t cap;
	char *p;

	if (c->out_off && c->out_len + need > c->out_cap) {
		/* Drop what was written before growing. */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + need <= c->out_cap)
		return true;
	cap = c->out_cap ? c->out_cap : 4096;
	while (cap < c->out_len + need)
		cap *= 2;
	p = realloc(c->out, cap);
	if (!p)
		return false;
	c->out = p;
	c->out_cap = cap;
	return true;
}

int kb_client_send(struct kb_client *c, const char *json, size_t len)
{
	int ret;

	if (c->closed)
		return -EPIPE;
	if (c->out_len - c->out_off + len + 1 > KB_CLIENT_MAX_QUEUE) {
		/* Try to make room first: the socket may have drained. */
		ret = flush(c);
		if (ret < 0 || c->out_len - c->out_off + len + 1 > KB_CLIENT_MAX_QUEUE) {
			client_close(c);
			return ret < 0 ? ret : -ENOBUFS;
		}
	}
	if (!out_room(c, len + 1)) {
		client_close(c);
		return -ENOMEM;
	}
	memcpy(c->out + c->out_len, json, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	ret = flush(c);
	if (ret < 0) {
		client_close(c);
		return ret;
	}
	return 0;
}

void kb_server_broadcast(struct kb_server *s, const char *json, size_t len)
{
	struct kb_client *c, *next;

	for (c = s->clients; c; c = next) {
		next = c->next; /* c may be closed (moved to the dead list) */
		if (c->ready)
			kb_client_send(c, json, len);
	}
}

void kb_client_ready(struct kb_client *c)
{
	c->ready = true;
}

size_t kb_server_clients(const struct kb_server *s)
{
	return s->nclients;
}

/* ---- input ---- */

/* Hand one line to the daemon; false when the client was closed. */
static bool handle_line(struct kb_client *c, const char *line, size_t len)
{
	struct kb_server *s = c->s;
	struct arena *a = arena_new();
	struct kb_json *req;

	if (!a) {
		client_close(c);
		return false;
	}
	req = kb_json_parse(a, line, len, NULL);
	if (!req || req->type != KB_JOBJ) {
		arena_free(a);
		client_close(c);
		return false;
	}
	s->ops->request(s, c, req, a, s->data);
	arena_free(a);
	return !c->closed;
}

/* Split c->in into lines and handle each; false when the client was closed. */
static bool handle_input(struct kb_client *c)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(c->in + c->scanned, '\n', c->in_len - c->scanned))) {
		size_t len = (size_t)(nl - (c->in + start));

		if (len > KB_PROTO_MAX_LINE || !handle_line(c, c->in + start, len)) {
			client_close(c);
			return false;
		}
		start += len + 1;
		c->scanned = start;
	}
	c->scanned = c->in_len;
	if (start) {
		memmove(c->in, c->in + start, c->in_len - start);
		c->in_len -= start;
		c->scanned -= start;
	}
	if (c->in_len > KB_PROTO_MAX_LINE) {
		/* The line is already too long and still has no end. */
		client_close(c);
		return false;
	}
	return true;
}

static void client_event(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct kb_client *c = data;
	ssize_t n;

	if (events & EPOLLOUT) {
		if (flush(c) < 0 || (c->eof && c->out_off == c->out_len)) {
			client_close(c);
			return;
		}
	}
	if (c->eof) {
		/* Only waiting to write: a hang-up ends that too. */
		if (events & (EPOLLHUP | EPOLLERR))
			client_close(c);
		return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;

	if (c->in_cap - c->in_len < READ_CHUNK) {
		/* The buffer never holds more than one line plus one chunk. */
		size_t cap = c->in_len + READ_CHUNK;
		char *p = realloc(c->in, cap);

		if (!p) {
			client_close(c);
			return;
		}
		c->in = p;
		c->in_cap = cap;
	}
	n = recv(fd, c->in + c->in_len, READ_CHUNK, MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			client_close(c);
		return;
	}
	if (n == 0) {
		/*
		 * The client is done sending (an unfinished line is dropped).
		 * Replies still queued are written first, as `echo request |
		 * socat` expects; no broadcasts are added meanwhile.
		 */
		c->eof = true;
		c->ready = false;
		if (c->out_off == c->out_len || flush(c) < 0 || c->out_off == c->out_len)
			client_close(c);
		return;
	}
	c->in_len += (size_t)n;
	handle_input(c);
}

/* ---- accepting ---- */

static void resume_cb(struct kb_loop *l, void *data)
{
	struct kb_server *s = data;

	s->resume = NULL;
	kb_loop_rewatch(l, s->w, EPOLLIN);
}

/* Root or our own user may connect. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void accept_event(struct kb_loop *l, int lfd, uint32_t events, void *data)
{
	struct kb_server *s = data;
	int fd, i;

	for (i = 0; i < 16; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK && !s->resume) {
				/* EMFILE and friends: the listening socket stays
				 * readable, so pause instead of spinning. */
				s->resume = kb_loop_timer(l, ACCEPT_PAUSE_MS, resume_cb, s);
				if (s->resume)
					kb_loop_rewatch(l, s->w, 0);
			}
			return;
		}
		if (!peer_allowed(fd)) {
			close(fd);
			continue;
		}
		if (kb_server_adopt(s, fd))
			close(fd);
	}
}

int kb_server_adopt(struct kb_server *s, int fd)
{
	struct kb_client *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		free(c);
		return -errno;
	}
	c->s = s;
	c->fd = fd;
	c->w = kb_loop_watch(s->l, fd, EPOLLIN, client_event, c);
	if (!c->w) {
		free(c);
		return -ENOMEM;
	}
	c->next = s->clients;
	if (c->next)
		c->next->prev = c;
	s->clients = c;
	s->nclients++;
	if (s->ops->connected)
		s->ops->connected(s, c, s->data);
	return 0;
}

/* ---- the listening socket ---- */

/* mkdir -p of path's directory; new directories are 0700. */
static int make_parent(const char *path)
{
	char *dir = strdup(path), *p;
	int ret = 0;

	if (!dir)
		return -ENOMEM;
	p = strrchr(dir, '/');
	if (!p || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				ret = -errno;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(dir);
	return ret;
}

/*
 * Remove a socket file nobody listens on any more.  A socket a daemon
 * still answers on is EADDRINUSE; something that is not a socket is left
 * alone (EEXIST).
 */
static int remove_stale(const struct sockaddr_un *addr)
{
	struct stat st;
	int fd, ret;

	if (lstat(addr->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	close(fd);
	if (ret == 0)
		return -EADDRINUSE;
	if (errno != ECONNREFUSED)
		return -errno;
	if (unlink(addr->sun_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int server_listen(struct kb_server *s, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int ret;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	ret = make_parent(path);
	if (ret)
		return ret;
	ret = remove_stale(&addr);
	if (ret)
		return ret;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	/* The file is created 0600 from the start: no window where others could connect. */
	old = umask(0177);
	ret = bind(s->fd, (const struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (ret < 0)
		return -errno;
	if (chmod(path, 0600) < 0 || stat(path, &st) < 0)
		return -errno;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	if (listen(s->fd, 64) < 0)
		return -errno;
	return 0;
}

struct kb_server *kb_server_new(struct kb_loop *l, const char *path,
				const struct kb_server_ops *ops, void *data)
{
	struct kb_server *s = calloc(1, sizeof(*s));
	int ret;

	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->l = l;
	s->fd = -1;
	s->ops = ops;
	s->data = data;
	if (!path)
		return s; /* adopted clients only */
	s->path = strdup(path);
	if (!s->path) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = server_listen(s, path);
	if (ret)
		goto fail;
	s->w = kb_loop_watch(l, s->fd, EPOLLIN, accept_event, s);
	if (!s->w) {
		ret = -errno;
		goto fail;
	}
	return s;
fail:
	kb_server_free(s);
	errno = -ret;
	return NULL;
}

void kb_server_free(struct kb_server *s)
{
	struct kb_client *c;
	struct stat st;

	if (!s)
		return;
	while (s->clients)
		client_close(s->clients);
	while ((c = s->dead)) {
		s->dead = c->next;
		client_free(c);
	}
	kb_loop_cancel(s->l, s->reap);
	kb_loop_cancel(s->l, s->resume);
	if (s->w)
		kb_loop_unwatch(s->l, s->w);
	if (s->fd >= 0) {
		close(s->fd);
		/* Only our own socket: a newer daemon may have replaced it. */
		if (s->ino && stat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
			unlink(s->path);
	}
	free(s->path);
	free(s);
}
