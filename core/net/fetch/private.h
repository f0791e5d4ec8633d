/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * private.h - what the files of kb_fetch() share: fetch.c (the entry),
 * one file per protocol (http.c, ftp.c, tftp.c, ssh.c) and io.c (the
 * helpers below them all): the state of one download,
 * the error sentence, the clock, name lookup and TCP connections that
 * honour the timeouts and the cancel flag, and writing to the output.
 *
 * Every helper that fails writes the sentence (the first one written
 * wins) and returns -errno, so a protocol only adds sentences of its own.
 * Sockets are blocking with a 100 ms SO_RCVTIMEO/SO_SNDTIMEO: one system
 * call per read in the fast case, and a look at the cancel flag and the
 * deadlines at least every 100 ms in the slow one.
 */
#ifndef KBOOT_FETCH_PRIVATE_H
#define KBOOT_FETCH_PRIVATE_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "net/fetch/fetch.h"

struct addrinfo;

#define FETCH_BUF_SIZE	  (256 * 1024)	    /* the one I/O buffer of a download */
#define FETCH_RCVBUF	  (4 * 1024 * 1024) /* TCP receive buffer (root only) */
#define FETCH_SLICE_MS	  100		    /* the longest wait between looks at the cancel flag */
#define FETCH_PROGRESS_MS 100		    /* the shortest time between progress calls */

struct fetch {
	const char *url;	       /* for sentences: as given, password hidden */
	const char *via;	       /* for sentences: where a redirect led, or NULL */
	int out_fd;		       /* where the data goes */
	int connect_ms;		       /* ms per lookup and per connect (defaults filled in) */
	int stall_ms;		       /* ms without data before giving up */
	uint64_t max_size;	       /* 0: no limit */
	int64_t min_rate;	       /* bytes/s over rate_window_ms; <= 0: none */
	int rate_window_ms;	       /* the window of min_rate */
	int64_t window_start;	       /* ms the current window began */
	uint64_t window_from;	       /* bytes received before it */
	volatile sig_atomic_t *cancel; /* NULL: never cancelled */
	unsigned int tftp_blksize;     /* asked of TFTP servers */
	kb_fetch_progress_fn progress; /* may be NULL */
	void *progress_data;	       /* its argument */
	uint64_t done;		       /* bytes written to out_fd */
	uint64_t total;		       /* announced size, 0 when unknown */
	int64_t last_progress;	       /* ms of the last progress call */
	char *buf;		       /* FETCH_BUF_SIZE bytes, for the protocol to use */
	char *err;		       /* the sentence; err[0] != 0 once written */
	size_t errlen;		       /* its size */
};

/* Monotonic milliseconds. */
int64_t fetch_now(void);

/*
 * Write "URL: <fmt>" on f->err unless a sentence is there already; returns
 * ret (a negative errno) so callers can `return fetch_fail(f, -EIO, …)`.
 */
int fetch_fail(struct fetch *f, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * received bytes in all so far (written or held): 0, or -ETIMEDOUT with
 * its sentence when a window of f->rate_window_ms ended with fewer than
 * f->min_rate bytes a second.
 */
int fetch_rate(struct fetch *f, uint64_t received);

/* -ECANCELED with its sentence when the cancel flag is set, else 0. */
int fetch_check_cancel(struct fetch *f);

/* -EFBIG with "larger than the N MiB of free memory". */
int fetch_too_big(struct fetch *f);

/* The total the server announced (0: unknown); -EFBIG when over max_size. */
int fetch_set_total(struct fetch *f, uint64_t total);

/*
 * Append n bytes to out_fd: counts them, enforces max_size, turns ENOSPC
 * into "not enough memory (tmpfs full)", calls progress when it is due.
 * 0 or -errno.
 */
int fetch_write(struct fetch *f, const void *p, size_t n);

/* Text for a duration in a sentence: "15 s", "1.5 s". */
const char *fetch_secs_text(int ms, char *buf, size_t len);

/* Text for a size in a sentence: "3 MiB", "1.5 MiB", "700 KiB", "12 bytes". */
const char *fetch_size_text(uint64_t n, char *buf, size_t len);

/*
 * Look up host (a name or a numeric address) for socktype (SOCK_STREAM,
 * SOCK_DGRAM) and port, within f->connect_ms and cancellable.  0 with *res
 * set (free it with freeaddrinfo()), or -EHOSTUNREACH ("cannot resolve
 * 'nosuch'"), -ETIMEDOUT, -ECANCELED, -ENOMEM.
 */
int fetch_resolve(struct fetch *f, const char *host, unsigned int port, int socktype,
		  struct addrinfo **res);

/*
 * A TCP connection to host:port, trying each address for f->connect_ms.
 * The socket is blocking with FETCH_SLICE_MS send and receive timeouts and
 * close-on-exec.  Returns the fd (the caller closes it) or -errno:
 * -ECONNREFUSED "connection refused", -ETIMEDOUT "no answer from … within
 * N s", the lookup's errors.  If peer is not NULL it receives the address
 * that answered (for FTP data connections).
 */
int fetch_connect(struct fetch *f, const char *host, unsigned int port,
		  struct sockaddr_storage *peer);

/* The same to one address (FTP's data connection). */
int fetch_connect_addr(struct fetch *f, const struct sockaddr *sa, socklen_t salen);

/*
 * Read up to n bytes from a socket made by fetch_connect(), waiting at most
 * f->stall_ms for the first one.  >0 bytes, 0 at end of stream, or -errno
 * (-ETIMEDOUT "no data for N s; stopped", -ECANCELED, -ECONNRESET…).
 */
ssize_t fetch_recv(struct fetch *f, int fd, void *p, size_t n);

/* Send all n bytes, each wait limited by f->stall_ms.  0 or -errno. */
int fetch_send(struct fetch *f, int fd, const void *p, size_t n);

/* Set an fd's receive timeout to ms (the TFTP client's per-packet waits). */
int fetch_set_rcvtimeo(int fd, int ms);

/* Text for an errno in a sentence: strerror() starting in lower case. */
const char *fetch_strerror(int err, char *buf, size_t len);

/* Copy a server's text for a sentence: printable ASCII only, spaces
 * squeezed, at most len - 1 bytes ("..." marks a cut). */
void fetch_clean_text(char *dst, size_t len, const char *src, size_t n);

/* ---- The protocols: each downloads u into f, 0 or -errno with its sentence ---- */

int fetch_http(struct fetch *f, const char *url, const struct kb_url *u);
int fetch_ftp(struct fetch *f, const struct kb_url *u);
int fetch_tftp(struct fetch *f, const struct kb_url *u);
int fetch_ssh(struct fetch *f, const struct kb_url *u); /* dbclient runs `cat` there */

#endif
