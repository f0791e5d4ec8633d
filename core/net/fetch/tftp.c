// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tftp.c - TFTP downloads (RFC 1350) with options (RFC 2347):
 * blksize (RFC 2348) and tsize (RFC 2349), for kb_fetch().
 *
 * The read request asks for blocks of kb_fetch_opts.tftp_blksize (1468
 * bytes fill an Ethernet frame) and the size.  A server that answers with
 * DATA instead of OACK ignored the options: blocks are 512 bytes then.  A
 * server that refuses them (ERROR 8) is asked again without.  Lock-step:
 * each DATA is acknowledged; a wait of 1 s with no step forward resends
 * the last packet, the wait doubling up to 4 s, at most 5 times per block,
 * and the stall timeout bounds the time without a step forward.  Both
 * timers run on the clock: packets that move nothing (from another port or
 * host, a wrong block) never hold them off.  Duplicates are acknowledged
 * again and otherwise ignored; block numbers roll over from 65535 to 0.
 * The server's port of its first answer is the transfer ID (RFC 1350
 * section 4): packets from other ports get ERROR 5 and change nothing.
 * Blocks are gathered in the download buffer and written 256 KiB at a time.
 *
 * Not supported: windowsize (RFC 7440), netascii mode, writing, multicast
 * (RFC 2090), timeout negotiation (RFC 2349's "timeout"), dallying after
 * the last ACK.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/fetch/private.h"

enum { OP_RRQ = 1, OP_DATA = 3, OP_ACK = 4, OP_ERROR = 5, OP_OACK = 6 };

#define RTO_FIRST_MS 1000 /* the first wait before resending */
#define RTO_MAX_MS   4000 /* the wait doubles up to this */
#define RETRIES	     5	  /* resends per block */
#define RRQ_MAX	     512  /* RFC 2347: a request fits in 512 bytes */

struct tftp {
	struct fetch *f;
	int fd;
	struct sockaddr_storage origin; /* where requests go */
	struct sockaddr_storage server; /* origin, its port the TID once tid is set */
	socklen_t slen;
	bool tid;			  /* the server's transfer ID is known */
	bool options;			  /* the request carries options */
	bool oack;			  /* the server acknowledged them */
	unsigned int blksize;		  /* agreed block size */
	uint16_t expect;		  /* the next DATA block wanted */
	bool acked;			  /* an ACK was sent (last holds one) */
	size_t held;			  /* bytes gathered in f->buf, not yet written */
	int64_t heard;			  /* ms of the last step forward */
	int64_t sent;			  /* ms the last packet was (re)sent by the timer */
	int rto;			  /* the wait before the next resend */
	int tries;			  /* resends of the last packet so far */
	unsigned char last[RRQ_MAX + 64]; /* the last packet sent, to resend */
	size_t lastlen;
	unsigned char pkt[65536]; /* the packet received */
};

/* ---- Packets ---- */

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
}

static uint16_t port_of(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET ? ((const struct sockaddr_in *)a)->sin_port
				       : ((const struct sockaddr_in6 *)a)->sin6_port;
}

/* Send len bytes of c->last to the server.  Lost packets are TFTP's normal life. */
static void resend(struct tftp *c)
{
	if (sendto(c->fd, c->last, c->lastlen, 0, (struct sockaddr *)&c->server, c->slen) < 0)
		(void)0; /* the retry timer covers it */
}

/* A new packet is in c->last: its resend timer starts afresh. */
static void arm(struct tftp *c)
{
	c->sent = fetch_now();
	c->rto = RTO_FIRST_MS;
	c->tries = 0;
}

static void send_ack(struct tftp *c, uint16_t block)
{
	c->last[0] = 0;
	c->last[1] = OP_ACK;
	c->last[2] = (unsigned char)(block >> 8);
	c->last[3] = (unsigned char)block;
	c->lastlen = 4;
	c->acked = true;
	arm(c);
	resend(c);
}

/* An ERROR packet to to (the server, or a stranger using a wrong TID). */
static void send_error(struct tftp *c, const struct sockaddr_storage *to, int code, const char *msg)
{
	unsigned char p[128];
	size_t n = strlen(msg) + 1;

	p[0] = 0;
	p[1] = OP_ERROR;
	p[2] = 0;
	p[3] = (unsigned char)code;
	memcpy(p + 4, msg, n);
	if (sendto(c->fd, p, 4 + n, 0, (const struct sockaddr *)to, c->slen) < 0)
		(void)0; /* a courtesy only */
}

static int rrq(struct tftp *c, const char *file)
{
	char opts[64];
	size_t n = strlen(file), o = 0;

	if (c->options)
		o = (size_t)snprintf(opts, sizeof(opts), "blksize%c%u%ctsize%c0%c", 0,
				     c->f->tftp_blksize, 0, 0, 0);
	if (2 + n + 1 + 6 + o > RRQ_MAX)
		return fetch_fail(c->f, -ENAMETOOLONG, "the file name is too long for TFTP");
	c->last[0] = 0;
	c->last[1] = OP_RRQ;
	memcpy(c->last + 2, file, n + 1);
	memcpy(c->last + 2 + n + 1, "octet", 6);
	memcpy(c->last + 2 + n + 1 + 6, opts, o);
	c->lastlen = 2 + n + 1 + 6 + o;
	c->acked = false;
	c->server = c->origin;
	c->tid = false;
	c->oack = false;
	c->expect = 1;
	c->blksize = 512;
	c->heard = fetch_now();
	arm(c);
	resend(c);
	return 0;
}

/* ---- Waiting ---- */

/* After ms of silence (the stall timeout, or all the resends). */
static int no_answer(struct tftp *c, int64_t ms)
{
	char t[16];

	return fetch_fail(c->f, -ETIMEDOUT, "no answer for %s",
			  fetch_secs_text((int)ms, t, sizeof(t)));
}

/*
 * Run the clock: the stall timeout since the last step forward, and the
 * resend timer of the last packet.  Checked before every wait for a
 * packet, so packets that change nothing (from strangers, wrong blocks)
 * cannot hold them off.  0, or -ETIMEDOUT with the sentence.
 */
static int run_timers(struct tftp *c)
{
	int64_t now = fetch_now();

	if (now - c->heard >= c->f->stall_ms)
		return no_answer(c, c->f->stall_ms);
	if (now - c->sent >= c->rto) {
		if (c->tries == RETRIES)
			return no_answer(c, (now - c->heard + 500) / 1000 * 1000);
		c->tries++;
		c->rto = c->rto * 2 > RTO_MAX_MS ? RTO_MAX_MS : c->rto * 2;
		c->sent = now;
		resend(c);
	}
	return 0;
}

/*
 * The next packet from the server (its length, >= 4), resending the last
 * packet when none comes.  -ECONNREFUSED (no sentence) when nothing
 * listens at the server's port, or -errno with the sentence.
 */
static int wait_packet(struct tftp *c)
{
	char why[128];
	int ret;

	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		ret = fetch_check_cancel(c->f);
		if (!ret)
			ret = run_timers(c);
		if (ret)
			return ret;
		n = recvfrom(c->fd, c->pkt, sizeof(c->pkt), 0, (struct sockaddr *)&from, &flen);
		if (n >= 0) {
			if (!same_host(&from, &c->server) || n < 4)
				continue;
			if (c->tid && port_of(&from) != port_of(&c->server)) {
				send_error(c, &from, 5, "Unknown transfer ID");
				continue;
			}
			if (!c->tid) {
				c->server = from;
				c->tid = true;
			}
			return (int)n;
		}
		if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH) {
			int err = errno;
			char q[256];
			struct msghdr m = { .msg_control = q, .msg_controllen = sizeof(q) };

			/* IP_RECVERR: the ICMP error, queued; take it out. */
			while (recvmsg(c->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
				m.msg_controllen = sizeof(q);
			/* Later ones may answer the ERROR 5 sent to a stranger. */
			if (c->tid)
				continue;
			if (err == ECONNREFUSED)
				return -err; /* the caller tries the next address */
			return fetch_fail(c->f, -err, "cannot reach the server: %s",
					  fetch_strerror(err, why, sizeof(why)));
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return fetch_fail(c->f, -errno, "receiving: %s",
					  fetch_strerror(errno, why, sizeof(why)));
	}
}

/* ---- Answers ---- */

static int error_packet(struct tftp *c, size_t n)
{
	static const struct {
		int err;
		const char *text;
	} codes[] = {
		{ -EIO, NULL },
		{ -ENOENT, "file not found" },
		{ -EACCES, "access violation" },
		{ -EIO, "disk full or allocation exceeded" },
		{ -EPROTO, "illegal TFTP operation" },
		{ -EPROTO, "unknown transfer ID" },
		{ -EIO, "file already exists" },
		{ -EACCES, "no such user" },
		{ -EPROTO, "option negotiation refused" },
	};
	int code = c->pkt[2] << 8 | c->pkt[3];
	char msg[200];

	fetch_clean_text(msg, sizeof(msg), (const char *)c->pkt + 4, n - 4);
	if (code <= 0 || code >= (int)(sizeof(codes) / sizeof(codes[0])))
		return fetch_fail(c->f, -EIO, "%s (TFTP error %d)",
				  msg[0] ? msg : "the server reported an error", code);
	if (msg[0] && strcasecmp(msg, codes[code].text))
		return fetch_fail(c->f, codes[code].err, "%s: %s (TFTP error %d)", codes[code].text,
				  msg, code);
	return fetch_fail(c->f, codes[code].err, "%s (TFTP error %d)", codes[code].text, code);
}

/* The OACK's options: what was asked, within what was asked. */
static int oack(struct tftp *c, size_t n)
{
	const char *p = (const char *)c->pkt + 2, *end = (const char *)c->pkt + n;
	int ret;

	while (p < end) {
		const char *name = p, *val = memchr(p, 0, (size_t)(end - p)), *stop;
		unsigned long long v = 0;

		if (!val || !(stop = memchr(val + 1, 0, (size_t)(end - val - 1))))
			break;
		val++;
		p = stop + 1;
		for (; *val >= '0' && *val <= '9' && v < (1ULL << 60); val++)
			v = v * 10 + (unsigned long long)(*val - '0');
		if (!strcasecmp(name, "blksize") && val == stop && v >= 8 &&
		    v <= c->f->tftp_blksize) {
			c->blksize = (unsigned int)v;
		} else if (!strcasecmp(name, "tsize") && val == stop) {
			ret = fetch_set_total(c->f, v);
			if (ret) {
				send_error(c, &c->server, 3, "File too large");
				return ret;
			}
		} else {
			char opt[64];

			send_error(c, &c->server, 8, "Bad option");
			fetch_clean_text(opt, sizeof(opt), name, (size_t)(stop - name));
			return fetch_fail(
				c->f, -EPROTO,
				"the server answered with an option kboot cannot use ('%s')", opt);
		}
	}
	if (p != end)
		return fetch_fail(c->f, -EPROTO, "bad OACK from the server");
	c->oack = true;
	c->heard = fetch_now();
	send_ack(c, 0);
	return 0;
}

static int flush(struct tftp *c)
{
	int ret = fetch_write(c->f, c->f->buf, c->held);

	c->held = 0;
	return ret;
}

/*
 * A DATA packet: the wanted one is kept and acknowledged; the one before
 * is acknowledged again (our ACK was lost); others are ignored.  1 after
 * the last block, else 0 or -errno.
 */
static int data(struct tftp *c, size_t n)
{
	uint16_t block = (uint16_t)(c->pkt[2] << 8 | c->pkt[3]);
	size_t len = n - 4;
	int ret;

	if (block != c->expect) {
		if (c->acked && block == (uint16_t)(c->expect - 1))
			resend(c);
		return 0;
	}
	if (len > c->blksize) {
		send_error(c, &c->server, 4, "Block too large");
		return fetch_fail(c->f, -EPROTO,
				  "the server sent a block of %zu bytes (agreed: %u)", len,
				  c->blksize);
	}
	if (c->f->max_size && c->f->done + c->held + len > c->f->max_size) {
		send_error(c, &c->server, 3, "File too large");
		return fetch_too_big(c->f);
	}
	memcpy(c->f->buf + c->held, c->pkt + 4, len);
	c->held += len;
	ret = fetch_rate(c->f, c->f->done + c->held);
	if (ret)
		return ret;
	send_ack(c, block);
	c->expect++;
	c->heard = fetch_now();
	if (len < c->blksize) {
		ret = flush(c);
		return ret ? ret : 1;
	}
	/* Written when the buffer is full, or when progress is due. */
	if (c->held + c->blksize > FETCH_BUF_SIZE ||
	    (c->f->progress && c->heard - c->f->last_progress >= FETCH_PROGRESS_MS))
		return flush(c);
	return 0;
}

/* The transfer after the request: 0 at the end, -errno otherwise. */
static int transfer(struct tftp *c)
{
	int n, ret;

	for (;;) {
		n = wait_packet(c);
		if (n < 0)
			return n;
		switch (c->pkt[0] << 8 | c->pkt[1]) {
		case OP_OACK:
			if (!c->options || c->expect != 1)
				break;
			if (c->oack)
				resend(c); /* our ACK 0 was lost */
			else if ((ret = oack(c, (size_t)n)))
				return ret;
			break;
		case OP_DATA:
			/* DATA for the request itself: the server ignored the options. */
			ret = data(c, (size_t)n);
			if (ret)
				return ret < 0 ? ret : 0;
			break;
		case OP_ERROR:
			if (c->options && !c->oack && c->expect == 1 && c->pkt[3] == 8 &&
			    !c->pkt[2])
				return -EAGAIN; /* ask again without options */
			return error_packet(c, (size_t)n);
		default:
			break;
		}
	}
}

/* ---- The download ---- */

static int open_socket(struct tftp *c, const struct addrinfo *ai)
{
	int on = 1;

	c->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	/* ICMP "port unreachable" then says at once that no server listens. */
	if (ai->ai_family == AF_INET)
		setsockopt(c->fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	else
		setsockopt(c->fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	if (fetch_set_rcvtimeo(c->fd, FETCH_SLICE_MS)) {
		close(c->fd);
		return -errno;
	}
	memset(&c->origin, 0, sizeof(c->origin));
	memcpy(&c->origin, ai->ai_addr, ai->ai_addrlen);
	c->server = c->origin;
	c->slen = ai->ai_addrlen;
	return 0;
}

int fetch_tftp(struct fetch *f, const struct kb_url *u)
{
	struct addrinfo *res, *ai;
	struct tftp *c;
	int ret;

	ret = fetch_resolve(f, u->host, u->port, SOCK_DGRAM, &res);
	if (ret)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c) {
		freeaddrinfo(res);
		return fetch_fail(f, -ENOMEM, "out of memory");
	}
	c->f = f;
	ret = -ECONNREFUSED;
	/* The next address only when nothing listened at this one. */
	for (ai = res; ai && ret == -ECONNREFUSED; ai = ai->ai_next) {
		ret = open_socket(c, ai);
		if (ret) {
			char why[128];

			ret = fetch_fail(f, ret, "cannot open a UDP socket: %s",
					 fetch_strerror(-ret, why, sizeof(why)));
			break;
		}
		c->options = true;
		do {
			/* RFC 3617: the path without its first '/' is the file name. */
			ret = rrq(c, u->path + 1);
			if (!ret)
				ret = transfer(c);
			c->options = false;
		} while (ret == -EAGAIN);
		if (ret && ret != -ECONNREFUSED && c->tid)
			send_error(c, &c->server, 0, ret == -ECANCELED ? "Cancelled" : "Stopped");
		close(c->fd);
	}
	if (ret == -ECONNREFUSED)
		ret = fetch_fail(f, ret, "connection refused (no TFTP server at port %u)", u->port);
	freeaddrinfo(res);
	free(c);
	return ret;
}
