// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * io.c - what the downloads of every scheme share (private.h): the
 * sentence that says why one failed, the clock, writing the output within
 * its size limit, name lookup and TCP connections with timeouts, sending
 * and receiving with the stall timeout.
 *
 * Names are looked up with getaddrinfo() (glibc: /etc/hosts, then the
 * servers of /etc/resolv.conf) in a thread, so that a silent name server
 * neither outlasts the connect timeout nor ignores the cancel flag; a
 * lookup given up on finishes on its own and frees itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "net/fetch/private.h"

/* ---- Sentences, the clock, the output ---- */

int64_t fetch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int fetch_fail(struct fetch *f, int ret, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	if (!f->errlen || f->err[0])
		return ret;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (f->via)
		snprintf(f->err, f->errlen, "%s: %s (redirected to %s)", f->url, why, f->via);
	else
		snprintf(f->err, f->errlen, "%s: %s", f->url, why);
	return ret;
}

const char *fetch_strerror(int err, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(err));
	/* "Connection refused" inside a sentence reads "connection refused". */
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

void fetch_clean_text(char *dst, size_t len, const char *src, size_t n)
{
	size_t i, o = 0;
	bool space = false;

	if (!len)
		return;
	for (i = 0; i < n && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c <= ' ' || c >= 0x7f) {
			space = o > 0;
			continue;
		}
		if (o + (space ? 2 : 1) + 1 > len) {
			/* Cut: end with "..." where it fits. */
			if (len > 4) {
				o = o > len - 4 ? len - 4 : o;
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (space)
			dst[o++] = ' ';
		space = false;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
}

const char *fetch_size_text(uint64_t n, char *buf, size_t len)
{
	const uint64_t mib = 1024 * 1024;

	if (n >= mib && n % mib == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(n / mib));
	else if (n >= mib)
		snprintf(buf, len, "%.1f MiB", (double)n / (double)mib);
	else if (n >= 1024)
		snprintf(buf, len, "%llu KiB", (unsigned long long)(n / 1024));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
	return buf;
}

const char *fetch_secs_text(int ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%d s", ms / 1000);
	else
		snprintf(buf, len, "%.1f s", ms / 1000.0);
	return buf;
}

int fetch_check_cancel(struct fetch *f)
{
	if (f->cancel && *f->cancel)
		return fetch_fail(f, -ECANCELED, "cancelled");
	return 0;
}

int fetch_too_big(struct fetch *f)
{
	char size[32];

	return fetch_fail(f, -EFBIG, "larger than the %s of free memory",
			  fetch_size_text(f->max_size, size, sizeof(size)));
}

int fetch_set_total(struct fetch *f, uint64_t total)
{
	f->total = total;
	if (f->max_size && total > f->max_size)
		return fetch_too_big(f);
	return 0;
}

int fetch_rate(struct fetch *f, uint64_t received)
{
	int64_t now = fetch_now(), span = now - f->window_start;
	uint64_t got = received - f->window_from;
	char n[32], secs[32], rate[32];

	if (f->min_rate <= 0 || span < f->rate_window_ms)
		return 0;
	if (got * 1000 < (uint64_t)f->min_rate * (uint64_t)span)
		return fetch_fail(f, -ETIMEDOUT, "only %s in %s, below %s a second; stopped",
				  fetch_size_text(got, n, sizeof(n)),
				  fetch_secs_text((int)span, secs, sizeof(secs)),
				  fetch_size_text((uint64_t)f->min_rate, rate, sizeof(rate)));
	f->window_start = now;
	f->window_from = received;
	return 0;
}

int fetch_write(struct fetch *f, const void *p, size_t n)
{
	const char *c = p;
	char why[128];
	int64_t now;
	int ret;

	ret = fetch_check_cancel(f);
	if (!ret)
		ret = fetch_rate(f, f->done + n);
	if (ret)
		return ret;
	if (f->max_size && f->done + n > f->max_size)
		return fetch_too_big(f);
	while (n) {
		ssize_t w = write(f->out_fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == ENOSPC || errno == EDQUOT))
			return fetch_fail(f, -ENOSPC, "not enough memory (tmpfs full)");
		if (w < 0)
			return fetch_fail(f, -errno, "cannot write the download: %s",
					  fetch_strerror(errno, why, sizeof(why)));
		c += w;
		n -= (size_t)w;
		f->done += (uint64_t)w;
	}
	if (f->progress) {
		now = fetch_now();
		if (now - f->last_progress >= FETCH_PROGRESS_MS) {
			f->last_progress = now;
			f->progress(f->done, f->total, f->progress_data);
		}
	}
	return 0;
}

/* ---- Names and connections ---- */

/*
 * A lookup runs getaddrinfo() in a thread of its own, so the caller can stop
 * waiting.  Whoever finishes last frees it: the caller when the answer came
 * in time, the thread when the caller gave up.  (Not getaddrinfo_a(): its
 * thread pool does not survive a fork(), and downloads run in children.)
 */
struct lookup {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* signalled when done */
	bool done;	     /* the thread has finished */
	bool abandoned;	     /* the caller stopped waiting */
	int gai;	     /* getaddrinfo()'s result */
	int sys_errno;	     /* errno for EAI_SYSTEM */
	struct addrinfo *res;
	struct addrinfo hints;
	char port[8];
	char host[KB_URL_HOST_MAX];
};

static void lookup_free(struct lookup *l)
{
	if (l->res)
		freeaddrinfo(l->res);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

static void *lookup_thread(void *arg)
{
	struct lookup *l = arg;
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(l->host, l->port, &l->hints, &res);
	bool abandoned;

	pthread_mutex_lock(&l->lock);
	l->gai = gai;
	l->sys_errno = errno;
	l->res = res;
	l->done = true;
	abandoned = l->abandoned;
	pthread_cond_signal(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (abandoned)
		lookup_free(l);
	return NULL;
}

static int lookup_failed(struct fetch *f, const char *host, int gai, int sys_errno)
{
	char why[128];

	switch (gai) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		return fetch_fail(f, -EHOSTUNREACH, "cannot resolve '%s'", host);
	case EAI_AGAIN:
		return fetch_fail(f, -EHOSTUNREACH, "cannot resolve '%s' (no name server answered)",
				  host);
	case EAI_MEMORY:
		return fetch_fail(f, -ENOMEM, "out of memory");
	case EAI_SYSTEM:
		return fetch_fail(f, -EHOSTUNREACH, "cannot resolve '%s' (%s)", host,
				  fetch_strerror(sys_errno, why, sizeof(why)));
	default:
		return fetch_fail(f, -EHOSTUNREACH, "cannot resolve '%s' (%s)", host,
				  gai_strerror(gai));
	}
}

/* Start l's thread with every signal blocked: handlers run in the caller's. */
static int lookup_start(struct lookup *l)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t t;
	int ret;

	if (pthread_attr_init(&attr))
		return -ENOMEM;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&t, &attr, lookup_thread, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return -ret;
}

int fetch_resolve(struct fetch *f, const char *host, unsigned int port, int socktype,
		  struct addrinfo **res)
{
	struct addrinfo hints = { .ai_socktype = socktype,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	pthread_condattr_t ca;
	struct lookup *l;
	char portstr[8], t[16];
	int64_t deadline;
	int gai, ret = 0;

	snprintf(portstr, sizeof(portstr), "%u", port);
	/* An address needs no lookup, and cannot fail later for want of a name server. */
	gai = getaddrinfo(host, portstr, &hints, res);
	if (gai != EAI_NONAME)
		return gai ? lookup_failed(f, host, gai, errno) : 0;

	l = calloc(1, sizeof(*l));
	if (!l)
		return fetch_fail(f, -ENOMEM, "out of memory");
	snprintf(l->host, sizeof(l->host), "%s", host);
	memcpy(l->port, portstr, sizeof(l->port));
	l->hints.ai_socktype = socktype;
	l->hints.ai_flags = AI_NUMERICSERV;
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (lookup_start(l)) {
		lookup_free(l);
		return fetch_fail(f, -EAGAIN, "cannot start a name lookup");
	}

	deadline = fetch_now() + f->connect_ms;
	pthread_mutex_lock(&l->lock);
	while (!l->done) {
		struct timespec ts;

		ret = fetch_check_cancel(f);
		if (!ret && fetch_now() >= deadline)
			ret = fetch_fail(f, -ETIMEDOUT, "cannot resolve '%s' within %s", host,
					 fetch_secs_text(f->connect_ms, t, sizeof(t)));
		if (ret) {
			l->abandoned = true; /* the thread frees l */
			pthread_mutex_unlock(&l->lock);
			return ret;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += FETCH_SLICE_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&l->cond, &l->lock, &ts);
	}
	pthread_mutex_unlock(&l->lock);
	gai = l->gai;
	if (!gai) {
		*res = l->res;
		l->res = NULL;
	} else {
		ret = lookup_failed(f, host, gai, l->sys_errno);
	}
	lookup_free(l);
	return ret;
}

int fetch_set_rcvtimeo(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ? -errno : 0;
}

/*
 * Connect fd (non-blocking) to sa within f->connect_ms.  0, -ECANCELED,
 * -ETIMEDOUT, or the connect error; no sentence (the caller may try the
 * next address).
 */
static int connect_wait(struct fetch *f, int fd, const struct sockaddr *sa, socklen_t salen)
{
	int64_t deadline = fetch_now() + f->connect_ms;
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (!connect(fd, sa, salen))
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int64_t left = deadline - fetch_now();
		int n;

		if (f->cancel && *f->cancel)
			return -ECANCELED;
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left < FETCH_SLICE_MS ? (int)left : FETCH_SLICE_MS);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		return -errno;
	return -soerr;
}

/* Blocking from now on, with FETCH_SLICE_MS waits. */
static int make_blocking(int fd)
{
	struct timeval tv = { 0, FETCH_SLICE_MS * 1000 };
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

/* The sentence for the last connect error to host. */
static int connect_failed(struct fetch *f, const char *host, int ret)
{
	char why[128];

	switch (ret) {
	case -ECANCELED:
		return fetch_fail(f, ret, "cancelled");
	case -ECONNREFUSED:
		return fetch_fail(f, ret, "connection refused");
	case -ETIMEDOUT:
		return fetch_fail(f, ret, "cannot connect to %s: no answer within %s", host,
				  fetch_secs_text(f->connect_ms, why, sizeof(why)));
	default:
		return fetch_fail(f, ret, "cannot connect to %s: %s", host,
				  fetch_strerror(-ret, why, sizeof(why)));
	}
}

static int connect_one(struct fetch *f, const struct sockaddr *sa, socklen_t salen)
{
	int fd, ret, rcvbuf = FETCH_RCVBUF;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/*
	 * Receive autotuning grows the window too slowly for a file that
	 * arrives in a fraction of a second: a fixed large buffer doubles
	 * loopback and LAN throughput.  Only root may pass rmem_max; others
	 * keep autotuning (a smaller fixed buffer would be worse).
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		(void)0;
	ret = connect_wait(f, fd, sa, salen);
	if (!ret)
		ret = make_blocking(fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int fetch_connect_addr(struct fetch *f, const struct sockaddr *sa, socklen_t salen)
{
	char host[INET6_ADDRSTRLEN + 8];
	int fd = connect_one(f, sa, salen);

	if (fd >= 0)
		return fd;
	if (getnameinfo(sa, salen, host, sizeof(host), NULL, 0, NI_NUMERICHOST))
		snprintf(host, sizeof(host), "?");
	return connect_failed(f, host, fd);
}

int fetch_connect(struct fetch *f, const char *host, unsigned int port,
		  struct sockaddr_storage *peer)
{
	struct addrinfo *res, *ai;
	int fd = -EHOSTUNREACH, ret;

	ret = fetch_resolve(f, host, port, SOCK_STREAM, &res);
	if (ret)
		return ret;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = connect_one(f, ai->ai_addr, ai->ai_addrlen);
		if (fd >= 0) {
			if (peer) {
				memset(peer, 0, sizeof(*peer));
				memcpy(peer, ai->ai_addr, ai->ai_addrlen);
			}
			break;
		}
		if (fd == -ECANCELED)
			break;
	}
	freeaddrinfo(res);
	return fd >= 0 ? fd : connect_failed(f, host, fd);
}

ssize_t fetch_recv(struct fetch *f, int fd, void *p, size_t n)
{
	int64_t start = fetch_now();
	char why[128];
	ssize_t r;
	int ret;

	for (;;) {
		ret = fetch_check_cancel(f);
		if (ret)
			return ret;
		r = recv(fd, p, n, 0);
		if (r >= 0)
			return r;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			break;
		if (fetch_now() - start >= f->stall_ms)
			return fetch_fail(f, -ETIMEDOUT, "no data for %s; stopped",
					  fetch_secs_text(f->stall_ms, why, sizeof(why)));
	}
	if (errno == ECONNRESET)
		return fetch_fail(f, -ECONNRESET, "the server reset the connection");
	return fetch_fail(f, -errno, "receiving: %s", fetch_strerror(errno, why, sizeof(why)));
}

int fetch_send(struct fetch *f, int fd, const void *p, size_t n)
{
	int64_t last = fetch_now();
	const char *c = p;
	char why[128];
	int ret;

	while (n) {
		ssize_t w;

		ret = fetch_check_cancel(f);
		if (ret)
			return ret;
		w = send(fd, c, n, MSG_NOSIGNAL);
		if (w > 0) {
			c += w;
			n -= (size_t)w;
			last = fetch_now();
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			if (errno == EPIPE || errno == ECONNRESET)
				return fetch_fail(f, -errno, "the server closed the connection");
			return fetch_fail(f, -errno, "sending: %s",
					  fetch_strerror(errno, why, sizeof(why)));
		}
		if (fetch_now() - last >= f->stall_ms)
			return fetch_fail(f, -ETIMEDOUT, "the server took no data for %s; stopped",
					  fetch_secs_text(f->stall_ms, why, sizeof(why)));
	}
	return 0;
}
