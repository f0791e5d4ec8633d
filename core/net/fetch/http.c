// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http.c - HTTP/1.1 downloads (RFC 9110, RFC 9112) for kb_fetch().
 *
 * One GET per connection ("Connection: close"), the response header read
 * into the download buffer and parsed strictly (at most 64 KiB, no folded
 * lines, no bare CR), then the body as the header frames it: chunked,
 * Content-Length (a short body is an error), or up to the close.
 * Redirects (301, 302, 303, 307, 308) are followed KB_FETCH_MAX_REDIRECTS
 * times, relative ones too; the URL's user and password go out as Basic
 * authentication, and only to the host they were written for.
 *
 * Not supported: TLS, keep-alive, ranges (no resuming), compression (none
 * is asked for; a Content-Encoding is written as it comes), other transfer
 * codings than chunked, proxies, Digest authentication, redirects to other
 * schemes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net/fetch/private.h"

#define HEADER_MAX   (64 * 1024) /* bytes of one response header block */
#define HEADERS_MAX  256	 /* header fields in one block */
#define LINE_MAX_LEN 4096	 /* a chunk-size or trailer line */
#define INTERIM_MAX  8		 /* 1xx responses before the real one */
#define REQUEST_MAX  (KB_URL_PATH_MAX + 2048)

struct conn {
	struct fetch *f;
	int fd;
	size_t pos; /* unread bytes are f->buf[pos..len) */
	size_t len;
};

/* What the header block says. */
struct response {
	int status;
	char reason[128]; /* cleaned for sentences */
	bool has_length;  /* Content-Length was given */
	uint64_t length;
	bool chunked;		    /* Transfer-Encoding ends in chunked */
	char location[REQUEST_MAX]; /* "" when none */
};

/* ---- Reading ---- */

/*
 * Read more into the buffer, keeping the unread bytes (moved to its start
 * when it is full).  >0 bytes read, 0 at the end of the stream, or -errno.
 */
static ssize_t fill(struct conn *c)
{
	ssize_t n;

	if (c->pos == c->len) {
		c->pos = c->len = 0;
	} else if (c->len == FETCH_BUF_SIZE) {
		memmove(c->f->buf, c->f->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	n = fetch_recv(c->f, c->fd, c->f->buf + c->len, FETCH_BUF_SIZE - c->len);
	if (n > 0)
		c->len += (size_t)n;
	return n;
}

/*
 * The next line ending in LF (a CR before it dropped), at most max bytes:
 * *line points into the buffer and is valid until the next read.  0, or
 * -EPROTO at the end of the stream or for a longer line (what names it).
 */
static int read_line(struct conn *c, const char *what, char **line, size_t *n, size_t max)
{
	char *b = c->f->buf;
	char *lf;
	ssize_t r;

	while (!(lf = memchr(b + c->pos, '\n', c->len - c->pos))) {
		if (c->len - c->pos >= max)
			return fetch_fail(c->f, -EPROTO,
					  "bad response from the server (%s longer than %zu bytes)",
					  what, max);
		r = fill(c);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -EPIPE; /* the caller says what was cut */
	}
	*line = b + c->pos;
	*n = (size_t)(lf - *line);
	c->pos = (size_t)(lf + 1 - b);
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	return 0;
}

/* ---- The response header ---- */

static bool tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Whether the field named name[0..n) is want. */
static bool is_field(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && !strncasecmp(name, want, n);
}

static int bad_header(struct conn *c, const char *why)
{
	return fetch_fail(c->f, -EPROTO, "bad response from the server (%s)", why);
}

/* "3145728" -> length; refuses signs, spaces, lists and overflow. */
static bool parse_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (!n || n > 19)
		return false;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return true;
}

/* One "name: value" line of the block. */
static int header_field(struct conn *c, struct response *r, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n), *v, *end = l + n;
	size_t i, nn;
	uint64_t len;

	if (!colon || colon == l)
		return bad_header(c, "a header line without a name");
	nn = (size_t)(colon - l);
	for (i = 0; i < nn; i++)
		if (!tchar((unsigned char)l[i]))
			return bad_header(c, "a bad header name");
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (i = 0; v + i < end; i++)
		if ((unsigned char)v[i] < ' ' && v[i] != '\t')
			return bad_header(c, "a control character in a header");

	if (is_field(l, nn, "Content-Length")) {
		if (!parse_length(v, (size_t)(end - v), &len))
			return bad_header(c, "a bad Content-Length");
		if (r->has_length && r->length != len)
			return bad_header(c, "two different Content-Lengths");
		r->has_length = true;
		r->length = len;
	} else if (is_field(l, nn, "Transfer-Encoding")) {
		const char *last = v, *p;
		size_t ln;

		/* Codings apply in order; only a final "chunked" is understood. */
		for (p = v; p < end; p++)
			if (*p == ',')
				last = p + 1;
		while (last < end && (*last == ' ' || *last == '\t'))
			last++;
		ln = (size_t)(end - last);
		if (last != v || !is_field(last, ln, "chunked"))
			return fetch_fail(
				c->f, -EPROTO,
				"the server used the transfer coding '%.*s' (only chunked is supported)",
				(int)(end - v > 64 ? 64 : end - v), v);
		r->chunked = true;
	} else if (is_field(l, nn, "Location") && !r->location[0]) {
		if ((size_t)(end - v) >= sizeof(r->location))
			return bad_header(c, "a Location longer than the longest URL kboot takes");
		memcpy(r->location, v, (size_t)(end - v));
		r->location[end - v] = '\0';
	}
	return 0;
}

/* "HTTP/1.1 404 Not Found" */
static int status_line(struct conn *c, struct response *r, const char *l, size_t n)
{
	if (n < 12 || strncmp(l, "HTTP/1.", 7) || l[7] < '0' || l[7] > '9' || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
	    (n > 12 && l[12] != ' '))
		return bad_header(c, "not an HTTP/1.x status line");
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	fetch_clean_text(r->reason, sizeof(r->reason), n > 13 ? l + 13 : "", n > 13 ? n - 13 : 0);
	return 0;
}

/*
 * Read and parse one header block; afterwards the body's first bytes are
 * the buffer's unread ones.
 */
static int read_head(struct conn *c, struct response *r)
{
	size_t scanned = 0, end = 0, i, start, fields = 0;
	char *b = c->f->buf;
	ssize_t n;
	int ret;

	memset(r, 0, sizeof(*r));
	/* Find the empty line that ends the block: "\n\n" or "\n\r\n". */
	for (;;) {
		for (i = c->pos + scanned; i < c->len; i++) {
			if (b[i] != '\n')
				continue;
			if (i + 1 < c->len && b[i + 1] == '\n') {
				end = i + 2;
				break;
			}
			if (i + 2 < c->len && b[i + 1] == '\r' && b[i + 2] == '\n') {
				end = i + 3;
				break;
			}
			if (i + 2 >= c->len)
				break; /* look again with more bytes */
		}
		if (end)
			break;
		scanned = i - c->pos;
		if (c->len - c->pos > HEADER_MAX)
			return fetch_fail(c->f, -EPROTO,
					  "the response header is larger than %d KiB",
					  HEADER_MAX / 1024);
		n = fill(c);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return fetch_fail(
				c->f, -EPROTO,
				c->len == c->pos
					? "the server closed the connection without answering"
					: "the connection closed in the middle of the response header");
	}
	if (end - c->pos > HEADER_MAX)
		return fetch_fail(c->f, -EPROTO, "the response header is larger than %d KiB",
				  HEADER_MAX / 1024);
	/* Lines: the status line, then fields, up to the empty line. */
	for (start = c->pos, i = 0; start < end; i++) {
		char *lf = memchr(b + start, '\n', end - start);
		size_t ln = (size_t)(lf - (b + start));

		if (ln && b[start + ln - 1] == '\r')
			ln--;
		if (memchr(b + start, '\r', ln))
			return bad_header(c, "a CR inside a header line");
		if (i == 0)
			ret = status_line(c, r, b + start, ln);
		else if (!ln)
			ret = 0;
		else if (b[start] == ' ' || b[start] == '\t')
			ret = bad_header(c, "a folded header line");
		else if (++fields > HEADERS_MAX)
			ret = bad_header(c, "too many header fields");
		else
			ret = header_field(c, r, b + start, ln);
		if (ret)
			return ret;
		start = (size_t)(lf + 1 - b);
	}
	c->pos = end;
	return 0;
}

/* ---- The body ---- */

/* Copy n bytes of the stream (buffered ones first) to the output; -EPIPE at its end. */
static int copy_body(struct conn *c, uint64_t n)
{
	ssize_t r;
	int ret;

	while (n) {
		size_t k = c->len - c->pos;

		if (!k) {
			r = fill(c);
			if (r < 0)
				return (int)r;
			if (r == 0)
				return -EPIPE;
			continue;
		}
		if (k > n)
			k = (size_t)n;
		ret = fetch_write(c->f, c->f->buf + c->pos, k);
		if (ret)
			return ret;
		c->pos += k;
		n -= k;
	}
	return 0;
}

static int body_length(struct conn *c, uint64_t length)
{
	char got[32], want[32];
	uint64_t before = c->f->done;
	int ret = copy_body(c, length);

	if (ret == -EPIPE)
		return fetch_fail(c->f, -EPIPE, "connection closed after %s of %s",
				  fetch_size_text(c->f->done - before, got, sizeof(got)),
				  fetch_size_text(length, want, sizeof(want)));
	return ret;
}

static int body_to_close(struct conn *c)
{
	int ret = copy_body(c, UINT64_MAX);

	return ret == -EPIPE ? 0 : ret;
}

static int chunk_cut(struct conn *c)
{
	char got[32];

	return fetch_fail(c->f, -EPIPE,
			  "connection closed in the middle of the chunked body, after %s",
			  fetch_size_text(c->f->done, got, sizeof(got)));
}

static int body_chunked(struct conn *c)
{
	size_t n, i, trailer = 0;
	uint64_t size;
	char *l;
	int ret;

	for (;;) {
		ret = read_line(c, "a chunk-size line", &l, &n, LINE_MAX_LEN);
		if (ret)
			return ret == -EPIPE ? chunk_cut(c) : ret;
		size = 0;
		for (i = 0; i < n && i < 16; i++) {
			int d = l[i] >= '0' && l[i] <= '9'   ? l[i] - '0'
				: l[i] >= 'a' && l[i] <= 'f' ? l[i] - 'a' + 10
				: l[i] >= 'A' && l[i] <= 'F' ? l[i] - 'A' + 10
							     : -1;

			if (d < 0)
				break;
			size = size * 16 + (uint64_t)d;
		}
		/* After the digits: nothing, or (spaces and) a ";extension". */
		while (i > 0 && i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (i == 0 || i > 15 || (i < n && l[i] != ';'))
			return fetch_fail(c->f, -EPROTO,
					  "bad response from the server (a bad chunk size)");
		if (size == 0)
			break;
		ret = copy_body(c, size);
		if (!ret)
			ret = read_line(c, "the line after a chunk", &l, &n, LINE_MAX_LEN);
		if (ret)
			return ret == -EPIPE ? chunk_cut(c) : ret;
		if (n)
			return fetch_fail(
				c->f, -EPROTO,
				"bad response from the server (a chunk longer than its size)");
	}
	/* The trailer: fields up to an empty line, ignored. */
	do {
		ret = read_line(c, "a trailer line", &l, &n, LINE_MAX_LEN);
		if (ret)
			return ret == -EPIPE ? chunk_cut(c) : ret;
		trailer += n + 2;
		if (trailer > HEADER_MAX)
			return fetch_fail(c->f, -EPROTO, "the trailer is larger than %d KiB",
					  HEADER_MAX / 1024);
	} while (n);
	return 0;
}

/* ---- One request ---- */

static void base64(const char *in, size_t n, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)in;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*out++ = abc[s[i] >> 2];
		*out++ = abc[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		*out++ = abc[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
		*out++ = abc[s[i + 2] & 63];
	}
	if (n - i == 1) {
		*out++ = abc[s[i] >> 2];
		*out++ = abc[(s[i] & 3) << 4];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		*out++ = abc[s[i] >> 2];
		*out++ = abc[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		*out++ = abc[(s[i + 1] & 15) << 2];
		*out++ = '=';
	}
	*out = '\0';
}

static int send_request(struct fetch *f, int fd, const struct kb_url *u)
{
	char req[REQUEST_MAX], host[KB_URL_HOST_MAX + 16], port[8] = "";
	char cred[2 * KB_URL_USER_MAX], auth[sizeof(cred) * 4 / 3 + 64] = "";
	size_t zone;
	int n;

	if (u->port != 80)
		snprintf(port, sizeof(port), ":%u", u->port);
	/* The Host field never carries an IPv6 zone (RFC 6874 section 4). */
	zone = strcspn(u->host, "%");
	snprintf(host, sizeof(host), u->ipv6 ? "[%.*s]%s" : "%.*s%s", (int)zone, u->host, port);
	if (u->has_user) {
		n = snprintf(cred, sizeof(cred), "%s:%s", u->user, u->pass);
		memcpy(auth, "Authorization: Basic ", 21);
		base64(cred, (size_t)n, auth + 21);
		strcat(auth, "\r\n");
	}
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.1\r\n"
		     "Host: %s\r\n"
		     "User-Agent: kboot/" KBOOT_VERSION "\r\n"
		     "Accept: */*\r\n"
		     "%s"
		     "Connection: close\r\n"
		     "\r\n",
		     u->path, host, auth);
	if (n < 0 || (size_t)n >= sizeof(req))
		return fetch_fail(f, -ENAMETOOLONG, "the request is too long");
	return fetch_send(f, fd, req, (size_t)n);
}

/* The errno for a final status that is not a success. */
static int status_errno(int status)
{
	switch (status) {
	case 404:
	case 410:
		return -ENOENT;
	case 401:
	case 403:
	case 407:
		return -EACCES;
	default:
		return status >= 500 ? -EIO : -EPROTO;
	}
}

static bool is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/*
 * GET u once.  0 with the body written, 1 with r->location to follow, or
 * -errno with the sentence.
 */
static int get(struct fetch *f, const struct kb_url *u, struct response *r)
{
	struct conn c = { .f = f };
	int ret, interim = 0;

	c.fd = fetch_connect(f, u->host, u->port, NULL);
	if (c.fd < 0)
		return c.fd;
	ret = send_request(f, c.fd, u);
	while (!ret) {
		ret = read_head(&c, r);
		if (ret || r->status >= 200)
			break;
		/* 100 Continue and friends come before the answer. */
		if (++interim > INTERIM_MAX)
			ret = bad_header(&c, "too many 1xx responses");
	}
	if (ret)
		goto out;
	if (is_redirect(r->status)) {
		ret = r->location[0] ? 1
				     : fetch_fail(f, -EPROTO, "%d %s without a Location", r->status,
						  r->reason);
	} else if (r->status < 200 || r->status > 299) {
		ret = fetch_fail(f, status_errno(r->status), "%d%s%s", r->status,
				 r->reason[0] ? " " : "", r->reason[0] ? r->reason : "");
	} else if (r->status == 204 || r->status == 205) {
		ret = 0;
	} else if (r->chunked) {
		ret = body_chunked(&c);
	} else if (r->has_length) {
		ret = fetch_set_total(f, r->length);
		if (!ret)
			ret = body_length(&c, r->length);
	} else {
		ret = body_to_close(&c);
	}
out:
	close(c.fd);
	return ret;
}

/* ---- Redirects ---- */

int fetch_http(struct fetch *f, const char *url, const struct kb_url *u)
{
	char cur[REQUEST_MAX], next[REQUEST_MAX], why[512], shown[512];
	struct response *r;
	struct kb_url *cu, *nu;
	int hops, ret;

	r = malloc(sizeof(*r));
	cu = malloc(sizeof(*cu));
	nu = malloc(sizeof(*nu));
	if (!r || !cu || !nu) {
		ret = fetch_fail(f, -ENOMEM, "out of memory");
		goto out;
	}
	*cu = *u;
	snprintf(cur, sizeof(cur), "%s", url);
	for (hops = 0;; hops++) {
		ret = get(f, cu, r);
		if (ret <= 0)
			break;
		if (kb_url_resolve(cur, r->location, next, sizeof(next))) {
			ret = fetch_fail(f, -EPROTO, "%d %s to a bad Location", r->status,
					 r->reason);
			break;
		}
		f->via = kb_url_redact(next, shown, sizeof(shown));
		if (hops == KB_FETCH_MAX_REDIRECTS) {
			f->via = NULL;
			ret = fetch_fail(f, -ELOOP, "more than %d redirects (the last to %s)",
					 KB_FETCH_MAX_REDIRECTS, shown);
			break;
		}
		ret = kb_url_parse(next, nu, why, sizeof(why));
		if (ret == -EPROTONOSUPPORT || (!ret && nu->scheme != KB_URL_HTTP)) {
			f->via = NULL;
			ret = fetch_fail(
				f, -EPROTONOSUPPORT,
				"redirected to %s, which kboot does not follow (only http:// redirects are)",
				shown);
			break;
		}
		if (ret) {
			f->via = NULL;
			ret = fetch_fail(f, -EPROTO, "redirected to a bad URL: %s", why);
			break;
		}
		/* Credentials stay with the host they were written for. */
		if (!nu->has_user && !strcmp(nu->host, cu->host) && nu->port == cu->port &&
		    cu->has_user) {
			nu->has_user = true;
			memcpy(nu->user, cu->user, sizeof(nu->user));
			memcpy(nu->pass, cu->pass, sizeof(nu->pass));
		}
		*cu = *nu;
		memcpy(cur, next, sizeof(cur));
	}
out:
	free(r);
	free(cu);
	free(nu);
	return ret;
}
