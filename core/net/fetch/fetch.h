/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fetch.h - downloads for network boot: URLs and kb_fetch() (docs/fetch.md).
 *
 * kb_fetch() copies what a tftp://, http://, ftp:// or file:// URL names
 * into a file descriptor, synchronously, with a timeout on every wait and a
 * cancel flag it looks at at least every 100 ms.  It is meant to run in a
 * child process of the daemon: it keeps no state between calls, allocates
 * one buffer it frees before returning, installs no signal handlers, and
 * reports only through its progress callback and its return value, so the
 * child can pass progress up a pipe and exit with the result.
 *
 * Not here: TLS (https://, ftps://), TFTP windowsize (RFC 7440), HTTP
 * keep-alive, ranges or compression, FTP active mode, NFS (nfs:// URLs are
 * parsed so the daemon can mount them; they are never fetched), retrying a
 * failed download.
 */
#ifndef KBOOT_FETCH_H
#define KBOOT_FETCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- URLs ---- */

enum kb_url_scheme {
	KB_URL_TFTP,
	KB_URL_HTTP,
	KB_URL_FTP,
	KB_URL_NFS,
	KB_URL_FILE,
	KB_URL_SSH, /* ssh://[user@]host[:port]/path: dbclient runs `cat` there */
};

#define KB_URL_HOST_MAX 256  /* bytes of kb_url.host, with the NUL */
#define KB_URL_USER_MAX 256  /* bytes of kb_url.user and kb_url.pass */
#define KB_URL_PATH_MAX 4096 /* bytes of kb_url.path */

struct kb_url {
	enum kb_url_scheme scheme;
	char host[KB_URL_HOST_MAX]; /* a name, IPv4 or IPv6 address (no brackets); "" for file: */
	bool ipv6;		    /* host was written as [an IPv6 address] */
	unsigned int port;	    /* as written, else 69, 80, 21, 2049; 0 for file: */
	bool has_user;		    /* the URL had "user@" (http, ftp only) */
	char user[KB_URL_USER_MAX]; /* percent-decoded; "" when none */
	char pass[KB_URL_USER_MAX]; /* percent-decoded; "" when none */
	/*
	 * http: the request target as written (still percent-encoded), "/"
	 * when empty, with its "?query"; the others: percent-decoded, never
	 * holding a NUL (nor CR or LF for ftp).  Starts with '/'.  The
	 * "#fragment" is dropped for every scheme.
	 */
	char path[KB_URL_PATH_MAX];
};

/*
 * url for people: any password replaced by "***", into buf; one longer
 * than buf keeps its start and its end with "..." between, so a sentence
 * naming it still says what went wrong.  Everything kboot shows or logs
 * names a URL through this.
 */
const char *kb_url_redact(const char *url, char *buf, size_t len);
/*
 * Parse s (tftp://host[:port]/path, http://[user[:pass]@]host[:port]/path
 * [?query], ftp://[user[:pass]@]host[:port]/path, file:///path,
 * nfs://host[:port]/path; the scheme in any case) into *u.  Returns 0, or
 * -EINVAL with a sentence on err naming s (any password replaced by "***"):
 * "'htp://x': unknown scheme 'htp' (tftp, http, ftp, nfs, file)",
 * -EPROTONOSUPPORT for https:// and ftps://, -ENAMETOOLONG when a part does
 * not fit in struct kb_url.
 */
int kb_url_parse(const char *s, struct kb_url *u, char *err, size_t errlen);

/*
 * Resolve the reference ref (an absolute URL, "//host/p", "/p", "p",
 * "../p", "?q"…) against the absolute URL base as RFC 3986 section 5.2
 * says, into out (outlen bytes).  Neither is checked beyond its syntax;
 * parse the result with kb_url_parse().  0, or -ENAMETOOLONG when out is too
 * small, -EINVAL when base has no scheme.  For HTTP redirects and for files
 * a downloaded config names relative to itself.
 */
int kb_url_resolve(const char *base, const char *ref, char *out, size_t outlen);

/* The scheme's name as in a URL ("tftp"). */
const char *kb_url_scheme_name(enum kb_url_scheme s);

/* ---- Downloads ---- */

#define KB_FETCH_CONNECT_TIMEOUT_MS 10000	  /* default kb_fetch_opts.connect_timeout_ms */
#define KB_FETCH_STALL_TIMEOUT_MS   15000	  /* default kb_fetch_opts.stall_timeout_ms */
#define KB_FETCH_RESERVE	    (64ull << 20) /* memory a download leaves free (max_size 0) */
#define KB_FETCH_MIN_RATE	    1024	  /* default kb_fetch_opts.min_rate: bytes/s... */
#define KB_FETCH_RATE_WINDOW_MS	    60000	  /* ...averaged over this (rate_window_ms) */
#define KB_FETCH_TFTP_BLKSIZE	    1468	  /* default blksize asked of TFTP servers */
#define KB_FETCH_MAX_REDIRECTS	    5		  /* HTTP redirects followed */

struct kb_fetch_opts {
	/* Name lookup, then TCP connect per address: ms each (0: the default). */
	int connect_timeout_ms;
	/* No data (or no TFTP answer) for this long stops the download (0: the default). */
	int stall_timeout_ms;
	/*
	 * More bytes than this fails with -EFBIG.  0: the memory free when the
	 * download starts less KB_FETCH_RESERVE (in the kboot image every
	 * download lands in RAM; no limit when /proc/meminfo says nothing);
	 * UINT64_MAX: no limit.
	 */
	uint64_t max_size;
	/* Set non-zero (a signal handler may) to stop with -ECANCELED; NULL: never. */
	volatile sig_atomic_t *cancel;
	/* TFTP blksize to ask for, 8..65464 (0: KB_FETCH_TFTP_BLKSIZE). */
	unsigned int tftp_blksize;
	/*
	 * Fewer bytes per second than this, over each rate_window_ms, stops the
	 * download: a server dripping a byte now and then outlasts any stall
	 * timeout.  0: KB_FETCH_MIN_RATE; -1: no minimum.  rate_window_ms 0:
	 * KB_FETCH_RATE_WINDOW_MS.
	 */
	int64_t min_rate;
	int rate_window_ms;
};

/*
 * Told bytes written so far and the total the server announced (0 when
 * unknown): at most every ~100 ms while data flows, and once at the end of
 * a successful download.
 */
typedef void (*kb_fetch_progress_fn)(uint64_t bytes, uint64_t total, void *data);

/*
 * Download url into out_fd (a regular file, written from its current
 * offset; short writes are handled).  o may be NULL (all defaults),
 * progress may be NULL.  Returns 0, or -errno with one sentence on err
 * naming the URL (password hidden) and the reason, e.g.
 *   -ENOENT        "http://10.0.2.2/vmlinuz: 404 Not Found",
 *                  "tftp://10.0.2.2/x: file not found (TFTP error 1)"
 *   -ETIMEDOUT     "http://h/k: no data for 15 s; stopped"
 *   -ECONNREFUSED  "ftp://h/k: connection refused"
 *   -EHOSTUNREACH  "http://nosuch/k: cannot resolve 'nosuch'"
 *   -EFBIG         "http://h/k: larger than the 512 MiB of free memory"
 *   -ENOSPC        "http://h/k: not enough memory (tmpfs full)"
 *   -ECANCELED     "http://h/k: cancelled"
 *   -EPROTO        a server that breaks its protocol ("… bad chunk size")
 *   -EINVAL, -EPROTONOSUPPORT  from kb_url_parse(); nfs:// is -EPROTONOSUPPORT
 * On failure out_fd holds whatever arrived; the caller throws it away.
 */
int kb_fetch(const char *url, int out_fd, const struct kb_fetch_opts *o,
	     kb_fetch_progress_fn progress, void *data, char *err, size_t errlen);

#endif
