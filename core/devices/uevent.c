// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uevent.c - parse kernel uevent messages; open and read the sockets that
 * carry them (netlink from the kernel, a Unix datagram socket for tests).
 *
 * Does not: decide what an event means for kboot (core/devices/devices.c does),
 * talk to udevd, or follow sysfs.  No allocation: a parsed message lives in
 * the caller's struct kb_uevent.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "devices/uevent.h"

/* ---- Parsing ---- */

static int parse_num(const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 0xfffff)
		return -1;
	return (int)n;
}

int kb_uevent_parse(struct kb_uevent *ev, const char *msg, size_t len)
{
	char *p, *end, *at;

	ev->action = ev->devpath = ev->subsystem = ev->devname = ev->devtype = NULL;
	ev->modalias = NULL;
	ev->source = NULL;
	ev->major = ev->minor = -1;
	ev->media_change = false;
	if (len == 0 || len > KB_UEVENT_MAX)
		return -EMSGSIZE;
	if (len >= 8 && !memcmp(msg, "libudev", 8))
		return -ENOMSG;
	memcpy(ev->buf, msg, len);
	ev->buf[len] = '\0';
	end = ev->buf + len;

	/* The header: "ACTION@DEVPATH". */
	p = ev->buf;
	at = strchr(p, '@');
	if (!at || at == p || at[1] != '/')
		return -EINVAL;
	*at = '\0';
	ev->action = p;
	ev->devpath = at + 1;
	p += strlen(ev->devpath) + (size_t)(at - p) + 2;

	/* Then KEY=VALUE items; empty items (a doubled NUL) are skipped. */
	while (p < end) {
		char *item = p, *v;

		p += strlen(p) + 1;
		if (!*item)
			continue;
		v = strchr(item, '=');
		if (!v || v == item)
			return -EINVAL;
		*v++ = '\0';
		if (!strcmp(item, "ACTION")) {
			if (strcmp(v, ev->action))
				return -EINVAL;
		} else if (!strcmp(item, "DEVPATH")) {
			if (strcmp(v, ev->devpath))
				return -EINVAL;
		} else if (!strcmp(item, "SUBSYSTEM")) {
			ev->subsystem = v;
		} else if (!strcmp(item, "DEVNAME")) {
			ev->devname = v;
		} else if (!strcmp(item, "DEVTYPE")) {
			ev->devtype = v;
		} else if (!strcmp(item, "MODALIAS")) {
			ev->modalias = v;
		} else if (!strcmp(item, "KBOOT_SOURCE")) {
			ev->source = v;
		} else if (!strcmp(item, "MAJOR")) {
			ev->major = parse_num(v);
		} else if (!strcmp(item, "MINOR")) {
			ev->minor = parse_num(v);
		} else if (!strcmp(item, "DISK_MEDIA_CHANGE")) {
			ev->media_change = !strcmp(v, "1");
		}
		/* Other keys (SEQNUM, DISKSEQ, PARTN...) are not needed. */
	}
	return 0;
}

/* ---- Sockets ---- */

int kb_uevent_netlink_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, size = 8 * 1024 * 1024, ret;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* FORCE passes rmem_max (needs CAP_NET_ADMIN); else take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int kb_uevent_unix_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600)) {
		ret = -errno;
		close(fd);
		unlink(path);
		return ret;
	}
	return fd;
}

long kb_uevent_recv(int fd, bool netlink, char *buf)
{
	struct sockaddr_nl from = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = KB_UEVENT_MAX + 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (netlink) {
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
	}
	do
		n = recvmsg(fd, &mh, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((mh.msg_flags & MSG_TRUNC) || n > KB_UEVENT_MAX)
		return 0;
	/* Only the kernel (port 0) speaks on group 1; anyone else is ignored. */
	if (netlink && (mh.msg_namelen < sizeof(from) || from.nl_pid != 0))
		return 0;
	return (long)n;
}
