// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * client.c - connecting to the daemon and exchanging lines (client.h).
 *
 * The socket is non-blocking; every wait is a poll() against a deadline on
 * the monotonic clock.  Incoming bytes are kept until a whole line is
 * there; a line may be as long as the daemon's per-client queue (it never
 * sends more at once).
 *
 * Does not: interpret messages, retry, or install signal handlers (sends
 * use MSG_NOSIGNAL, so a daemon that went away is an error, not SIGPIPE).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/jsonstr.h"
#include "proto/client.h"
#include "proto/proto.h"
#include "proto/server.h"

#define MAX_MESSAGE KB_CLIENT_MAX_QUEUE

struct kb_conn {
	int fd;		/* the connected socket, non-blocking */
	char *in;	/* received bytes not yet handed out */
	size_t len;	/* bytes in in */
	size_t cap;	/* bytes allocated */
	size_t scanned; /* bytes of in known to hold no '\n' */
	int seq;	/* the last request's seq */
};

const char *kb_socket_path(const char *opt)
{
	const char *env = getenv("KBOOT_SOCKET");

	if (opt)
		return opt;
	return env && *env ? env : KB_SOCKET_PATH;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ms left until deadline for poll(): -1 for no deadline (deadline < 0). */
static int left(int64_t deadline)
{
	int64_t now;

	if (deadline < 0)
		return -1;
	now = mono_ms();
	return now >= deadline ? 0 : (int)(deadline - now);
}

static int64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
}

/* Wait for events on fd until deadline: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&p, 1, left(deadline));
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

struct kb_conn *kb_conn_open(const char *path, int timeout_ms)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000 };
	struct kb_conn *c;
	int err;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(addr.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	/* A Unix connect() blocks only while the backlog is full; bound that
	 * wait by the send timeout, which connect() honours. */
	if (timeout_ms >= 0)
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		if (errno == EAGAIN || errno == EINPROGRESS)
			errno = ETIMEDOUT;
		goto fail;
	}
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) < 0)
		goto fail;
	return c;
fail:
	err = errno;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	errno = err;
	return NULL;
}

struct kb_conn *kb_conn_adopt(int fd)
{
	struct kb_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	return c;
}

void kb_conn_close(struct kb_conn *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->in);
	free(c);
}

int kb_conn_fd(const struct kb_conn *c)
{
	return c->fd;
}

static int send_all(struct kb_conn *c, const char *buf, size_t len, int64_t deadline)
{
	int ret;

	while (len) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n >= 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		ret = wait_fd(c->fd, POLLOUT, deadline);
		if (ret)
			return ret;
	}
	return 0;
}

int kb_conn_send(struct kb_conn *c, const char *json, size_t len, int timeout_ms)
{
	int64_t deadline = deadline_of(timeout_ms);
	int ret = send_all(c, json, len, deadline);

	return ret ? ret : send_all(c, "\n", 1, deadline);
}

int kb_conn_request(struct kb_conn *c, const char *type, const char *members, int timeout_ms)
{
	struct strbuf sb = STRBUF_INIT;
	int seq = ++c->seq, ret;

	sb_adds(&sb, "{\"type\":");
	kb_sb_json_string(&sb, type);
	sb_printf(&sb, ",\"seq\":%d%s}", seq, members ? members : "");
	if (sb.oom) {
		sb_release(&sb);
		return -ENOMEM;
	}
	ret = kb_conn_send(c, sb.buf, sb.len, timeout_ms);
	sb_release(&sb);
	return ret ? ret : seq;
}

/* A complete line in c->in: parse it, drop it from the buffer. */
static int take_line(struct kb_conn *c, struct arena *a, const struct kb_json **msg, bool *got)
{
	char *nl = c->len ? memchr(c->in + c->scanned, '\n', c->len - c->scanned) : NULL;
	struct kb_json *j;
	size_t n;

	*got = false;
	if (!nl) {
		c->scanned = c->len;
		return c->len > MAX_MESSAGE ? -EPROTO : 0;
	}
	n = (size_t)(nl - c->in);
	j = kb_json_parse(a, c->in, n, NULL);
	memmove(c->in, nl + 1, c->len - n - 1);
	c->len -= n + 1;
	c->scanned = 0;
	if (!j || j->type != KB_JOBJ)
		return -EPROTO;
	*msg = j;
	*got = true;
	return 0;
}

int kb_conn_read(struct kb_conn *c, struct arena *a, const struct kb_json **msg, int timeout_ms)
{
	int64_t deadline = deadline_of(timeout_ms);
	bool got;
	int ret;

	for (;;) {
		ssize_t n;

		ret = take_line(c, a, msg, &got);
		if (ret || got)
			return ret;
		if (c->cap - c->len < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 65536;
			char *p = realloc(c->in, cap);

			if (!p)
				return -ENOMEM;
			c->in = p;
			c->cap = cap;
		}
		n = recv(c->fd, c->in + c->len, c->cap - c->len, MSG_DONTWAIT);
		if (n > 0) {
			c->len += (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (timeout_ms == 0)
			return -EAGAIN;
		ret = wait_fd(c->fd, POLLIN, deadline);
		if (ret)
			return ret;
	}
}
