/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uevent.h - the kernel's device event messages, and the sockets they come on.
 *
 * A uevent is one datagram "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...".  The
 * kernel multicasts them on NETLINK_KOBJECT_UEVENT group 1; udevd re-sends
 * its own version (starting with "libudev\0" and a binary header) on group
 * 2, which kboot never joins and ignores if it sees one.  The test socket
 * (devices.h, uevent_socket) carries the kernel's format.
 *
 * Internal to core/devices/devices.c; the parser is public for its unit tests.
 */
#ifndef KBOOT_UEVENT_H
#define KBOOT_UEVENT_H

#include <stdbool.h>
#include <stddef.h>

/* The largest message accepted (the kernel's own limit is 2048 bytes). */
#define KB_UEVENT_MAX 8192

/* One parsed message.  The strings point into buf; absent keys are NULL. */
struct kb_uevent {
	char buf[KB_UEVENT_MAX + 1]; /* a NUL-terminated copy of the message */
	const char *action;	     /* "add", "change", "remove", ... (from the header) */
	const char *devpath;	     /* "/devices/.../block/sda/sda1" (from the header) */
	const char *subsystem;	     /* SUBSYSTEM=: "block" */
	const char *devname;	     /* DEVNAME=: "sda1", relative to /dev */
	const char *devtype;	     /* DEVTYPE=: "disk", "partition" */
	const char *modalias;	     /* MODALIAS=: the driver module a new device wants */
	const char *source;	     /* KBOOT_SOURCE=: a --source spec (test hook) */
	int major;		     /* MAJOR=, -1 when absent or bad */
	int minor;		     /* MINOR=, -1 when absent or bad */
	bool media_change;	     /* DISK_MEDIA_CHANGE=1 */
};

/*
 * Parse msg (len bytes; the last item need not be NUL-terminated).
 * 0; -ENOMSG for a libudev message (not an error: ignore it); -EMSGSIZE
 * when len is 0 or above KB_UEVENT_MAX; -EINVAL for anything malformed
 * (no "ACTION@/DEVPATH" header, an item without '=', an ACTION= or
 * DEVPATH= that contradicts the header).
 */
int kb_uevent_parse(struct kb_uevent *ev, const char *msg, size_t len);

/*
 * The kernel's uevent socket: netlink, non-blocking, close-on-exec, group 1,
 * with a large receive buffer so a burst (a disk with 100 partitions) is
 * not lost.  The fd, or -errno.
 */
int kb_uevent_netlink_open(void);

/*
 * A datagram Unix socket bound at path (a stale file there is replaced),
 * mode 0600, non-blocking, close-on-exec.  The fd, or -errno.
 */
int kb_uevent_unix_open(const char *path);

/*
 * Receive one message from fd into buf (KB_UEVENT_MAX + 1 bytes).  Its
 * length; 0 for a message to drop (too long, or on netlink not from the
 * kernel); -EAGAIN when there is nothing more; -ENOBUFS when the kernel
 * dropped messages (the caller must resynchronise); other -errno.
 */
long kb_uevent_recv(int fd, bool netlink, char *buf);

#endif
