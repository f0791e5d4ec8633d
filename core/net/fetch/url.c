// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * url.c - URLs for downloads (fetch.h): parsing the schemes kboot knows
 * (enum kb_url_scheme), resolving a reference against a base (RFC 3986
 * section 5), and hiding passwords in sentences.
 *
 * Deliberately strict: a URL with a space, a control character, a bad
 * percent escape, a bare IPv6 address or a part that means nothing for its
 * scheme (a query in a TFTP URL, a user in a file URL) is refused with a
 * sentence saying which part is wrong, instead of being guessed at.
 *
 * Not supported: percent-encoded or non-ASCII host names (IDNA), the
 * "file://host/path" form for hosts other than localhost, FTP and TFTP
 * type codes other than binary (";type=i", ";mode=octet").
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/fetch/private.h"

#define URL_MAX	   8192 /* longer input is refused before looking at it */
#define ZONE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._"

static const struct {
	const char *name;
	enum kb_url_scheme scheme;
	unsigned int port; /* the default */
} schemes[] = {
	{ "tftp", KB_URL_TFTP, 69 }, { "http", KB_URL_HTTP, 80 }, { "ftp", KB_URL_FTP, 21 },
	{ "nfs", KB_URL_NFS, 2049 }, { "file", KB_URL_FILE, 0 },  { "ssh", KB_URL_SSH, 22 },
};

const char *kb_url_scheme_name(enum kb_url_scheme s)
{
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].scheme == s)
			return schemes[i].name;
	return "?";
}

/* ---- Passwords out of sentences ---- */

/* The authority of url: the part after "scheme://" up to '/', '?' or '#'. */
static const char *authority(const char *url, size_t *len)
{
	const char *p = strstr(url, "://");

	if (!p)
		return NULL;
	p += 3;
	*len = strcspn(p, "/?#");
	return p;
}

/* Copy n bytes of s to buf (len bytes); a copy that does not fit keeps its
 * start and its end, "..." between. */
static void elide(char *buf, size_t len, const char *s, size_t n)
{
	size_t head, tail;

	if (!len)
		return;
	if (n < len) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		return;
	}
	if (len < 8) {
		snprintf(buf, len, "%.*s", (int)n, s);
		return;
	}
	head = (len - 4) / 2;
	tail = len - 4 - head;
	snprintf(buf, len, "%.*s...%.*s", (int)head, s, (int)tail, s + n - tail);
}

const char *kb_url_redact(const char *url, char *buf, size_t len)
{
	const char *a, *at = NULL, *colon, *p;
	char *tmp;
	size_t alen;

	a = authority(url, &alen);
	if (a)
		for (p = a; p < a + alen; p++)
			if (*p == '@')
				at = p;
	colon = at ? memchr(a, ':', (size_t)(at - a)) : NULL;
	if (!colon) {
		elide(buf, len, url, strlen(url));
		return buf;
	}
	if (asprintf(&tmp, "%.*s:***%s", (int)(colon - url), url, at) < 0) {
		snprintf(buf, len, "%.*s:***", (int)(colon - url), url);
		return buf;
	}
	elide(buf, len, tmp, strlen(tmp));
	free(tmp);
	return buf;
}

/* ---- Parsing ---- */

struct parse {
	const char *s; /* the URL, for sentences */
	char *err;
	size_t errlen;
};

static int bad(struct parse *p, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "'URL': <fmt>" on err, the URL's password hidden. */
static int bad(struct parse *p, int ret, const char *fmt, ...)
{
	char url[512], why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	kb_url_redact(p->s, url, sizeof(url));
	if (p->errlen)
		snprintf(p->err, p->errlen, "'%s': %s", url, why);
	return ret;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Whether s[0..n) has only well-formed percent escapes. */
static bool escapes_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '%' && (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0))
			return false;
	return true;
}

/*
 * Percent-decode s[0..n) into dst (len bytes).  Refuses what the use
 * cannot carry: NUL always, CR and LF when no_crlf.  0 or -errno with the
 * sentence (what names the part: "path", "user name").
 */
static int decode(struct parse *p, const char *what, const char *s, size_t n, char *dst, size_t len,
		  bool no_crlf)
{
	size_t i, o = 0;

	if (!escapes_ok(s, n))
		return bad(p, -EINVAL, "bad percent escape in the %s (write '%%' as %%25)", what);
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			i += 2;
			if (c == 0)
				return bad(p, -EINVAL, "the %s holds a NUL byte (%%00)", what);
			if (no_crlf && (c == '\r' || c == '\n'))
				return bad(p, -EINVAL, "the %s holds a line break (%%0D or %%0A)",
					   what);
		}
		if (o + 1 >= len)
			return bad(p, -ENAMETOOLONG, "the %s is longer than %zu bytes", what,
				   len - 1);
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return 0;
}

/* Whether c may appear in a host name (letters, digits, '-', '.', '_'). */
static bool host_char(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* The host part: a name, an IPv4 address or [IPv6] with an optional zone. */
static int parse_host(struct parse *p, const char *h, size_t n, struct kb_url *u)
{
	char addr[INET6_ADDRSTRLEN + 64], tmp[sizeof(struct in6_addr)];
	const char *zone;
	size_t i;
	int ret;

	if (n && h[0] == '[') {
		if (h[n - 1] != ']')
			return bad(p, -EINVAL, "'[' without ']' around the IPv6 address");
		h++;
		n -= 2;
		/* RFC 6874: a zone ("fe80::1%25eth0") is written with an escaped '%'. */
		zone = memchr(h, '%', n);
		if ((zone ? (size_t)(zone - h) : n) >= sizeof(addr))
			return bad(p, -EINVAL, "bad IPv6 address '%.*s'", (int)n, h);
		snprintf(addr, sizeof(addr), "%.*s", (int)(zone ? zone - h : (long)n), h);
		if (inet_pton(AF_INET6, addr, tmp) != 1)
			return bad(p, -EINVAL, "bad IPv6 address '%.*s'", (int)n, h);
		ret = decode(p, "host", h, n, u->host, sizeof(u->host), true);
		if (ret)
			return ret;
		zone = strchr(u->host, '%');
		if (zone && (!zone[1] || strspn(zone + 1, ZONE_CHARS) != strlen(zone + 1)))
			return bad(p, -EINVAL, "bad IPv6 zone in '%.*s'", (int)n, h);
		u->ipv6 = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (host_char((unsigned char)h[i]))
			continue;
		if (h[i] == ':')
			return bad(p, -EINVAL,
				   "an IPv6 address must be written in brackets ([%.*s])", (int)n,
				   h);
		return bad(p, -EINVAL, "bad host name '%.*s' (letters, digits, '-', '.' only)",
			   (int)n, h);
	}
	if (n >= sizeof(u->host))
		return bad(p, -ENAMETOOLONG, "the host name is longer than %zu bytes",
			   sizeof(u->host) - 1);
	memcpy(u->host, h, n);
	u->host[n] = '\0';
	return 0;
}

/* "//[user[:pass]@]host[:port]" already split off: a[0..n). */
static int parse_authority(struct parse *p, const char *a, size_t n, struct kb_url *u)
{
	const char *at = NULL, *colon, *h, *port = NULL;
	size_t hn, i;
	int ret;

	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at) {
		if (u->scheme != KB_URL_HTTP && u->scheme != KB_URL_FTP && u->scheme != KB_URL_SSH)
			return bad(p, -EINVAL, "%s URLs have no user name",
				   kb_url_scheme_name(u->scheme));
		colon = memchr(a, ':', (size_t)(at - a));
		ret = decode(p, "user name", a, (size_t)((colon ? colon : at) - a), u->user,
			     sizeof(u->user), true);
		if (!ret && colon)
			ret = decode(p, "password", colon + 1, (size_t)(at - colon - 1), u->pass,
				     sizeof(u->pass), true);
		if (ret)
			return ret;
		if (!u->user[0])
			return bad(p, -EINVAL, "empty user name before '@'");
		u->has_user = true;
		n -= (size_t)(at + 1 - a);
		a = at + 1;
	}
	h = a;
	hn = n;
	if (n && a[0] == '[') {
		const char *close = memchr(a, ']', n);

		if (!close)
			return bad(p, -EINVAL, "'[' without ']' around the IPv6 address");
		hn = (size_t)(close + 1 - a);
		if (hn < n) {
			if (a[hn] != ':')
				return bad(p, -EINVAL, "unexpected '%.*s' after ']'", (int)(n - hn),
					   a + hn);
			port = a + hn + 1;
		}
	} else {
		colon = memchr(a, ':', n);
		/* Several colons: a bare IPv6 address, parse_host() explains. */
		if (colon && !memchr(colon + 1, ':', n - (size_t)(colon + 1 - a))) {
			hn = (size_t)(colon - a);
			port = colon + 1;
		}
	}
	ret = parse_host(p, h, hn, u);
	if (ret)
		return ret;
	if (port && port < a + n) {
		size_t pn = (size_t)(a + n - port);
		unsigned long v = 0;

		for (i = 0; i < pn; i++) {
			if (!isdigit((unsigned char)port[i]) || v > 65535)
				break;
			v = v * 10 + (unsigned long)(port[i] - '0');
		}
		if (i < pn || v == 0 || v > 65535)
			return bad(p, -EINVAL, "bad port '%.*s' (1 to 65535)", (int)pn, port);
		if (u->scheme == KB_URL_FILE)
			return bad(p, -EINVAL, "file URLs have no port");
		u->port = (unsigned int)v;
	}
	if (u->scheme == KB_URL_FILE) {
		if (u->host[0] && strcasecmp(u->host, "localhost"))
			return bad(
				p, -EINVAL,
				"file URLs name files on this machine (file:///path), not on '%s'",
				u->host);
		u->host[0] = '\0';
	} else if (!u->host[0]) {
		return bad(p, -EINVAL, "no host");
	}
	return 0;
}

/* http: the request target, escapes checked, bytes >= 0x80 escaped. */
static int copy_target(struct parse *p, const char *s, size_t n, struct kb_url *u)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	if (!escapes_ok(s, n))
		return bad(p, -EINVAL, "bad percent escape in the path (write '%%' as %%25)");
	/* "http://h" and "http://h?q" ask for "/" and "/?q". */
	if (!n || s[0] != '/')
		u->path[o++] = '/';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 4 >= sizeof(u->path))
			return bad(p, -ENAMETOOLONG, "the path is longer than %zu bytes",
				   sizeof(u->path) - 1);
		if (c < 0x80) {
			u->path[o++] = (char)c;
		} else {
			u->path[o++] = '%';
			u->path[o++] = hex[c >> 4];
			u->path[o++] = hex[c & 15];
		}
	}
	u->path[o] = '\0';
	return 0;
}

/* Strip a ";name=value" type code the scheme allows; refuse other values. */
static int type_code(struct parse *p, const char *s, size_t *n, const char *name, const char *ok,
		     const char *ok2)
{
	size_t nl = strlen(name);
	const char *semi = memrchr(s, ';', *n), *v;
	size_t vn;

	if (!semi)
		return 0;
	v = semi + 1 + nl;
	if ((size_t)(s + *n - (semi + 1)) <= nl || strncasecmp(semi + 1, name, nl))
		return 0; /* a ';' that is part of the name */
	vn = (size_t)(s + *n - v);
	if ((vn == strlen(ok) && !strncasecmp(v, ok, vn)) ||
	    (ok2 && vn == strlen(ok2) && !strncasecmp(v, ok2, vn))) {
		*n = (size_t)(semi - s);
		return 0;
	}
	return bad(p, -EINVAL, "'%.*s' is not supported (only binary transfers: ;%s%s)",
		   (int)(s + *n - semi), semi, name, ok);
}

static int parse_path(struct parse *p, const char *s, size_t n, struct kb_url *u)
{
	const char *q = memchr(s, '?', n);
	const char *name = kb_url_scheme_name(u->scheme);
	int ret;

	if (u->scheme == KB_URL_HTTP)
		return copy_target(p, s, n, u);
	if (q)
		return bad(p, -EINVAL,
			   "a query ('%.*s') means nothing in a %s URL (write '?' as %%3F)",
			   (int)(s + n - q), q, name);
	if (u->scheme == KB_URL_TFTP)
		ret = type_code(p, s, &n, "mode=", "octet", NULL);
	else if (u->scheme == KB_URL_FTP)
		ret = type_code(p, s, &n, "type=", "i", NULL);
	else
		ret = 0;
	if (ret)
		return ret;
	ret = decode(p, "path", s, n, u->path, sizeof(u->path), u->scheme == KB_URL_FTP);
	if (ret)
		return ret;
	if (u->path[0] != '/' || (!u->path[1] && u->scheme != KB_URL_NFS))
		return bad(p, -EINVAL, "no file name after the host");
	return 0;
}

int kb_url_parse(const char *s, struct kb_url *u, char *err, size_t errlen)
{
	struct parse p = { .s = s, .err = err, .errlen = errlen };
	const char *colon, *rest, *end;
	size_t i, sn, an;

	memset(u, 0, sizeof(*u));
	if (errlen)
		err[0] = '\0';
	sn = strnlen(s, URL_MAX + 1);
	if (sn > URL_MAX)
		return bad(&p, -ENAMETOOLONG, "longer than %d bytes", URL_MAX);
	for (i = 0; i < sn; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return bad(
				&p, -EINVAL,
				"a space or control character at byte %zu (write a space as %%20)",
				i + 1);
	colon = strchr(s, ':');
	if (!colon || colon == s || !isalpha((unsigned char)s[0]) ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") !=
		    (size_t)(colon - s))
		return bad(&p, -EINVAL, "not a URL (expected scheme://host/path)");
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if ((size_t)(colon - s) == strlen(schemes[i].name) &&
		    !strncasecmp(s, schemes[i].name, (size_t)(colon - s)))
			break;
	if (i == sizeof(schemes) / sizeof(schemes[0])) {
		if ((colon - s == 5 && !strncasecmp(s, "https", 5)) ||
		    (colon - s == 4 && !strncasecmp(s, "ftps", 4)))
			return bad(&p, -EPROTONOSUPPORT,
				   "%.*s is not supported (kboot has no TLS); use %.*s://",
				   (int)(colon - s), s, (int)(colon - s - 1), s);
		return bad(&p, -EINVAL, "unknown scheme '%.*s' (tftp, http, ftp, nfs, file, ssh)",
			   (int)(colon - s), s);
	}
	u->scheme = schemes[i].scheme;
	u->port = schemes[i].port;
	end = s + strcspn(s, "#");
	rest = colon + 1;
	if (strncmp(rest, "//", 2)) {
		/* RFC 8089 allows file:/path, without an authority. */
		if (u->scheme != KB_URL_FILE || rest[0] != '/')
			return bad(&p, -EINVAL, "expected '//' after '%.*s:'", (int)(colon - s), s);
	} else {
		int ret;

		rest += 2;
		an = strcspn(rest, "/?#");
		ret = parse_authority(&p, rest, an, u);
		if (ret)
			return ret;
		rest += an;
	}
	if (rest > end)
		rest = end;
	return parse_path(&p, rest, (size_t)(end - rest), u);
}

/* ---- References (RFC 3986 section 5.2) ---- */

struct span {
	const char *p;
	size_t n;
	bool set; /* present, possibly empty ("?" gives an empty query) */
};

struct parts {
	struct span scheme, auth, path, query, frag;
};

static void split(const char *s, struct parts *r)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

	memset(r, 0, sizeof(*r));
	if (n && s[n] == ':' && isalpha((unsigned char)s[0])) {
		r->scheme = (struct span){ s, n, true };
		s += n + 1;
	}
	if (!strncmp(s, "//", 2)) {
		n = strcspn(s + 2, "/?#");
		r->auth = (struct span){ s + 2, n, true };
		s += 2 + n;
	}
	n = strcspn(s, "?#");
	r->path = (struct span){ s, n, true };
	s += n;
	if (*s == '?') {
		n = strcspn(s + 1, "#");
		r->query = (struct span){ s + 1, n, true };
		s += 1 + n;
	}
	if (*s == '#')
		r->frag = (struct span){ s + 1, strlen(s + 1), true };
}

/* RFC 3986 5.2.4 on in[0..n), in place: the result is never longer. */
static size_t remove_dots(char *in, size_t n)
{
	size_t r = 0, o = 0;

	while (r < n) {
		const char *s = in + r;
		size_t left = n - r;

		if (left >= 3 && !strncmp(s, "../", 3)) {
			r += 3;
		} else if (left >= 2 && !strncmp(s, "./", 2)) {
			r += 2;
		} else if (left >= 3 && !strncmp(s, "/./", 3)) {
			r += 2;
		} else if (left == 2 && !strncmp(s, "/.", 2)) {
			r += 1;
			in[r] = '/';
		} else if ((left >= 4 && !strncmp(s, "/../", 4)) ||
			   (left == 3 && !strncmp(s, "/..", 3))) {
			/* Drop the last output segment and its '/'. */
			while (o > 0 && in[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (left >= 4) {
				r += 3;
			} else {
				r += 2;
				in[r] = '/';
			}
		} else if ((left == 1 && s[0] == '.') || (left == 2 && !strncmp(s, "..", 2))) {
			r = n;
		} else {
			/* Move the first segment, its leading '/' included. */
			size_t k = (s[0] == '/') ? 1 : 0;

			while (k < left && s[k] != '/')
				k++;
			memmove(in + o, s, k);
			o += k;
			r += k;
		}
	}
	return o;
}

struct out {
	char *buf;
	size_t len, n;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n >= o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
	o->buf[o->n] = '\0';
}

/* Append a path, then remove its dot segments. */
static void put_path(struct out *o, size_t start)
{
	if (!o->full)
		o->n = start + remove_dots(o->buf + start, o->n - start);
	if (o->n < o->len)
		o->buf[o->n] = '\0';
}

int kb_url_resolve(const char *base, const char *ref, char *out, size_t outlen)
{
	struct out o = { out, outlen, 0, false };
	const struct span *query;
	struct parts b, r;
	size_t start;

	if (!outlen)
		return -ENAMETOOLONG;
	out[0] = '\0';
	split(base, &b);
	split(ref, &r);
	if (!b.scheme.set)
		return -EINVAL;
	if (r.scheme.set) {
		put(&o, r.scheme.p, r.scheme.n);
		put(&o, ":", 1);
		if (r.auth.set) {
			put(&o, "//", 2);
			put(&o, r.auth.p, r.auth.n);
		}
		start = o.n;
		put(&o, r.path.p, r.path.n);
		put_path(&o, start);
		query = &r.query;
	} else {
		put(&o, b.scheme.p, b.scheme.n);
		put(&o, ":", 1);
		if (r.auth.set || b.auth.set) {
			const struct span *a = r.auth.set ? &r.auth : &b.auth;

			put(&o, "//", 2);
			put(&o, a->p, a->n);
		}
		start = o.n;
		query = &r.query;
		if (r.auth.set) {
			put(&o, r.path.p, r.path.n);
			put_path(&o, start);
		} else if (!r.path.n) {
			put(&o, b.path.p, b.path.n);
			if (!r.query.set)
				query = &b.query;
		} else if (r.path.p[0] == '/') {
			put(&o, r.path.p, r.path.n);
			put_path(&o, start);
		} else {
			const char *slash = memrchr(b.path.p, '/', b.path.n);

			/* Merge (5.2.3): the base's directory, then the reference. */
			if (b.auth.set && !b.path.n)
				put(&o, "/", 1);
			else if (slash)
				put(&o, b.path.p, (size_t)(slash + 1 - b.path.p));
			put(&o, r.path.p, r.path.n);
			put_path(&o, start);
		}
	}
	if (query->set) {
		put(&o, "?", 1);
		put(&o, query->p, query->n);
	}
	if (r.frag.set) {
		put(&o, "#", 1);
		put(&o, r.frag.p, r.frag.n);
	}
	return o.full ? -ENAMETOOLONG : 0;
}
