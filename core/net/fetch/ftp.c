// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ftp.c - FTP downloads (RFC 959, RFC 2428 EPSV, RFC 3659 SIZE) for
 * kb_fetch().
 *
 * USER/PASS (anonymous unless the URL names a user), TYPE I, SIZE for the
 * progress total (a server without it is fine), EPSV and, when refused,
 * PASV, then RETR.  The data connection always goes to the address the
 * control connection reached: the address in a PASV reply is ignored, as
 * it is often a private one behind NAT, and trusting it would let a server
 * point kboot at any host (the "FTP bounce").  A reply of 4xx or 5xx stops
 * the download with a sentence quoting the server.
 *
 * The URL's path is relative to the login directory (RFC 1738): ftp://h/a/b
 * retrieves "a/b", ftp://h/%2Fa/b retrieves "/a/b".
 *
 * Not supported: active mode (PORT/EPRT), TLS (ftps), ACCT, resuming
 * (REST), directory listings.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/text.h"
#include "net/fetch/private.h"

#define REPLY_MAX  (64 * 1024) /* bytes of one (multi-line) reply */
#define REPLY_TEXT 240	       /* bytes of a reply quoted in a sentence */

struct ftp {
	struct fetch *f;
	int ctl;		      /* the control connection */
	struct sockaddr_storage peer; /* where ctl is connected */
	char in[8192];		      /* received control bytes: in[pos..len) unread */
	size_t pos, len;
	int code;	       /* the last reply: 220, 550… */
	char text[REPLY_TEXT]; /* "550 No such file.", cleaned */
};

/* ---- Replies ---- */

/* The next line of the control connection, CR LF (or LF) dropped, into line. */
static int ctl_line(struct ftp *c, char *line, size_t max, size_t *n)
{
	char *lf;
	ssize_t r;

	while (!(lf = memchr(c->in + c->pos, '\n', c->len - c->pos))) {
		if (c->pos) {
			memmove(c->in, c->in + c->pos, c->len - c->pos);
			c->len -= c->pos;
			c->pos = 0;
		}
		if (c->len == sizeof(c->in))
			return fetch_fail(
				c->f, -EPROTO,
				"bad reply from the server (a line longer than %zu bytes)",
				sizeof(c->in));
		r = fetch_recv(c->f, c->ctl, c->in + c->len, sizeof(c->in) - c->len);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return fetch_fail(c->f, -EPIPE, "the server closed the connection");
		c->len += (size_t)r;
	}
	*n = (size_t)(lf - (c->in + c->pos));
	if (*n && c->in[c->pos + *n - 1] == '\r')
		(*n)--;
	if (*n >= max)
		*n = max - 1;
	memcpy(line, c->in + c->pos, *n);
	line[*n] = '\0';
	c->pos = (size_t)(lf + 1 - c->in);
	return 0;
}

static bool reply_code(const char *l, size_t n)
{
	return n >= 3 && l[0] >= '1' && l[0] <= '5' && l[1] >= '0' && l[1] <= '9' && l[2] >= '0' &&
	       l[2] <= '9' && (n == 3 || l[3] == ' ' || l[3] == '-');
}

/*
 * Read one reply into c->code and c->text.  A multi-line reply ("550-…"
 * up to "550 …") is kept as its lines joined by spaces.
 */
static int ctl_reply(struct ftp *c)
{
	char line[1024], all[REPLY_TEXT * 2] = "";
	size_t n, total = 0, used = 0;
	bool more;
	int ret;

	ret = ctl_line(c, line, sizeof(line), &n);
	if (ret)
		return ret;
	if (!reply_code(line, n))
		return fetch_fail(c->f, -EPROTO, "bad reply from the server ('%.40s')", line);
	c->code = atoi(line);
	more = n > 3 && line[3] == '-';
	used = (size_t)snprintf(all, sizeof(all), "%.3s%s%s", line, n > 4 ? " " : "",
				n > 4 ? line + 4 : "");
	while (more) {
		ret = ctl_line(c, line, sizeof(line), &n);
		if (ret)
			return ret;
		total += n + 2;
		if (total > REPLY_MAX)
			return fetch_fail(c->f, -EPROTO,
					  "bad reply from the server (longer than %d KiB)",
					  REPLY_MAX / 1024);
		if (reply_code(line, n) && atoi(line) == c->code && (n == 3 || line[3] == ' ')) {
			more = false;
			if (n > 4)
				used = kb_append(all, sizeof(all), used, " %s", line + 4);
		} else {
			used = kb_append(all, sizeof(all), used, " %s", line);
		}
	}
	fetch_clean_text(c->text, sizeof(c->text), all, sizeof(all));
	return 0;
}

static int ctl_send(struct ftp *c, const char *cmd, const char *arg)
{
	char buf[KB_URL_PATH_MAX + 16];
	int n = snprintf(buf, sizeof(buf), "%s%s%s\r\n", cmd, arg ? " " : "", arg ? arg : "");

	if (n < 0 || (size_t)n >= sizeof(buf))
		return fetch_fail(c->f, -ENAMETOOLONG, "the path is too long for FTP");
	return fetch_send(c->f, c->ctl, buf, (size_t)n);
}

/* Send cmd and read its reply (a 1xx reply only where wanted). */
static int command(struct ftp *c, const char *cmd, const char *arg)
{
	int ret = ctl_send(c, cmd, arg);

	return ret ? ret : ctl_reply(c);
}

/* The errno for a refusing reply. */
static int reply_errno(int code)
{
	switch (code) {
	case 550:
		return -ENOENT;
	case 530:
	case 532:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* The sentence for a refusal: "<what> (550 No such file.)". */
static int refused(struct ftp *c, int err, const char *what)
{
	return fetch_fail(c->f, err, "%s (%s)", what, c->text);
}

/* ---- Steps ---- */

static int login(struct ftp *c, const struct kb_url *u)
{
	int ret;

	do {
		/* 120: "ready in a minute", the 220 follows. */
		ret = ctl_reply(c);
	} while (!ret && c->code == 120);
	if (ret)
		return ret;
	if (c->code != 220)
		return refused(c, -ECONNREFUSED, "the server refused the connection");
	ret = command(c, "USER", u->has_user ? u->user : "anonymous");
	if (!ret && c->code == 331)
		ret = command(c, "PASS", u->has_user ? u->pass : "kboot@");
	if (ret)
		return ret;
	if (c->code == 332)
		return refused(c, -EACCES,
			       "the server wants an account (ACCT), which kboot does not send");
	if (c->code != 230 && c->code != 202)
		return refused(c, -EACCES, "login refused");
	ret = command(c, "TYPE", "I");
	if (!ret && c->code != 200)
		ret = refused(c, -EPROTO, "binary mode (TYPE I) refused");
	return ret;
}

/* SIZE: the total for progress, or nothing when the server does not say. */
static int size(struct ftp *c, const char *path)
{
	uint64_t n = 0;
	const char *p;
	int ret = command(c, "SIZE", path);

	if (ret || c->code != 213 || strlen(c->text) < 5)
		return ret;
	for (p = c->text + 4; *p >= '0' && *p <= '9' && n < UINT64_MAX / 10; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	return *p ? 0 : fetch_set_total(c->f, n);
}

/* "229 Entering Extended Passive Mode (|||6446|)" -> 6446, 0 when unreadable. */
static unsigned int epsv_port(const char *t)
{
	const char *p = strchr(t, '(');
	unsigned int port = 0;
	char d;

	if (!p || !p[1] || p[1] < 33 || p[1] > 126)
		return 0;
	d = p[1];
	if (p[2] != d || p[3] != d)
		return 0;
	for (p += 4; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (unsigned int)(*p - '0');
	return *p == d && p[1] == ')' && port <= 65535 ? port : 0;
}

/* "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)" -> the port, 0 when unreadable. */
static unsigned int pasv_port(const char *t)
{
	unsigned int v[6];
	const char *p;
	int i;

	for (p = t + 3; *p; p++) {
		if (*p < '0' || *p > '9')
			continue;
		if (sscanf(p, "%u,%u,%u,%u,%u,%u", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 6)
			break;
		while (p[1] >= '0' && p[1] <= '9')
			p++;
	}
	if (!*p)
		return 0;
	for (i = 0; i < 6; i++)
		if (v[i] > 255)
			return 0;
	return v[4] * 256 + v[5];
}

/* A passive data connection: EPSV, or PASV when the server refuses that. */
static int data_connection(struct ftp *c)
{
	struct sockaddr_storage sa = c->peer;
	unsigned int port = 0;
	int ret;

	ret = command(c, "EPSV", NULL);
	if (ret)
		return ret;
	if (c->code == 229) {
		port = epsv_port(c->text);
		if (!port)
			return refused(c, -EPROTO, "cannot read the port of the EPSV reply");
	} else if (c->peer.ss_family != AF_INET) {
		return refused(c, -EPROTO, "passive mode (EPSV) refused");
	} else {
		ret = command(c, "PASV", NULL);
		if (ret)
			return ret;
		if (c->code != 227)
			return refused(c, -EPROTO, "passive mode (EPSV and PASV) refused");
		port = pasv_port(c->text);
		if (!port)
			return refused(c, -EPROTO, "cannot read the port of the PASV reply");
	}
	if (sa.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
	return fetch_connect_addr(c->f, (struct sockaddr *)&sa,
				  sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							   : sizeof(struct sockaddr_in));
}

static int retrieve(struct ftp *c, const char *path)
{
	char got[32], want[32];
	int data, ret;
	ssize_t n;

	data = data_connection(c);
	if (data < 0)
		return data;
	ret = command(c, "RETR", path);
	if (ret)
		goto out;
	if (c->code >= 400) {
		ret = refused(c, reply_errno(c->code), "cannot get the file");
		goto out;
	}
	while ((n = fetch_recv(c->f, data, c->f->buf, FETCH_BUF_SIZE)) > 0) {
		ret = fetch_write(c->f, c->f->buf, (size_t)n);
		if (ret)
			goto out;
	}
	if (n < 0) {
		ret = (int)n;
		goto out;
	}
	close(data);
	data = -1;
	/* The 1xx was the start; now the end (unless the server skipped the 1xx). */
	if (c->code < 200) {
		ret = ctl_reply(c);
		if (ret)
			goto out;
	}
	if (c->code >= 400)
		ret = refused(c, -EIO, "the transfer failed");
	else if (c->f->total && c->f->done < c->f->total)
		ret = fetch_fail(c->f, -EPIPE, "connection closed after %s of %s",
				 fetch_size_text(c->f->done, got, sizeof(got)),
				 fetch_size_text(c->f->total, want, sizeof(want)));
out:
	if (data >= 0)
		close(data);
	return ret;
}

int fetch_ftp(struct fetch *f, const struct kb_url *u)
{
	struct ftp *c = calloc(1, sizeof(*c));
	/* RFC 1738: relative to the login directory; "%2F" makes it absolute. */
	const char *path = u->path + 1;
	int ret;

	if (!c)
		return fetch_fail(f, -ENOMEM, "out of memory");
	c->f = f;
	c->ctl = fetch_connect(f, u->host, u->port, &c->peer);
	if (c->ctl < 0) {
		ret = c->ctl;
		free(c);
		return ret;
	}
	ret = login(c, u);
	if (!ret)
		ret = size(c, path);
	if (!ret)
		ret = retrieve(c, path);
	/* Polite, and never waited for: the reply is not read either. */
	if (send(c->ctl, "QUIT\r\n", 6, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;
	close(c->ctl);
	free(c);
	return ret;
}
