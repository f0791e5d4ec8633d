/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devices.h - the block devices the daemon knows, and how they come and go.
 *
 * The backends feed the same device list through the same code path:
 *   - real: /sys/class/block enumerated at start, then kernel uevents from
 *     NETLINK_KOBJECT_UEVENT; each device is probed with libblkid and
 *     mounted read-only in a child process (kb_mount_ro), so a slow disk
 *     never blocks the event loop;
 *   - sources: `--source DIR[:uuid=…]` directories, no probing, no mounts;
 *   - network: a config by URL, a PXE config or an NFS export, fetched or
 *     mounted by a probe child (remote.c, net/remote.h).
 * Hotplug in both goes through kb_uevent_handle(): the netlink socket in the
 * real backend, and a test socket (--uevent-socket) carrying the same
 * message format, whose "add" events name a source with KBOOT_SOURCE=.
 *
 * A filesystem mounted once is shared by every system's fstab view.
 */
#ifndef KBOOT_DEVICES_H
#define KBOOT_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"

struct kb_loop;

enum kb_dev_state {
	KB_DEV_PROBING, /* a child is probing/mounting it */
	KB_DEV_READY,	/* its files can be read at mnt */
	KB_DEV_SKIPPED, /* deliberately not opened (swap, LVM, RAID, LUKS...) */
	KB_DEV_FAILED,	/* could not be read; reason says why */
};

/* One block device, partition or source directory. */
struct kb_device {
	struct arena *arena;   /* owns this struct's strings; freed on removal */
	const char *name;      /* "sda2", or the source's name */
	const char *source;    /* the --source spec; NULL for a real device */
	const char *dev;       /* "/dev/sda2"; NULL for a source */
	const char *fstype;    /* from libblkid (or the source spec); may be NULL */
	const char *uuid;      /* filesystem UUID; may be NULL */
	const char *label;     /* filesystem label; may be NULL */
	const char *partuuid;  /* partition UUID; may be NULL */
	const char *partlabel; /* partition name; may be NULL */
	const char *pttype;    /* partition table of its disk; may be NULL */
	int disk;	       /* index of its disk (GRUB hdN), -1 unknown */
	int part;	       /* partition number, 0 none */
	const char *mnt;       /* where its files are (mount point or source dir) */
	/*
	 * A network source (remote.h): url is what people see (the config or
	 * nfs:// URL); base, config, parser, basedir and ipappend are what the
	 * scan's kb_fs needs (model.h), base NULL for NFS, which is read like
	 * a disk.  All NULL for a block device or a source directory.
	 */
	const char *url;
	const char *base;
	const char *config; /* the config the probe found, once READY */
	const char *parser;
	const char *basedir;
	const char *ipappend[2];
	enum kb_dev_state state;
	const char *reason; /* SKIPPED/FAILED: a sentence for people */
	bool dirty;	    /* READY, but not cleanly unmounted: may be out of date */
	unsigned long seq;  /* order of appearance, for a stable menu order */
};

struct kb_devices;

/* Status line levels: the protocol's "info", "warning", "error". */
enum kb_status_level {
	KB_STATUS_INFO,
	KB_STATUS_WARNING,
	KB_STATUS_ERROR,
};

/* Called whenever the list changes (a device added, ready, failed, removed). */
typedef void (*kb_devices_changed_fn)(struct kb_devices *d, void *data);
/* Called with a status line for people ("sdb1: not opened: swap space"). */
typedef void (*kb_devices_status_fn)(struct kb_devices *d, int level, const char *text, void *data);

struct kb_devices_config {
	const char *mount_root;	   /* where real devices are mounted: /run/kboot/mnt */
	const char *uevent_socket; /* test hook: a datagram socket path, or NULL */
	bool real;		   /* enumerate /sys and listen to the kernel */
	const char *const *only;   /* real: NULL-terminated kernel names ("loop3",
				    * "sdb"); only these disks/partitions (and a
				    * listed disk's partitions) are seen.  NULL:
				    * all.  For tests, which must never touch the
				    * host's own disks. */
	kb_devices_changed_fn changed;
	kb_devices_status_fn status;
	void *data; /* passed to changed/status */
};

/*
 * Start watching; NULL with errno set on failure.  Free with kb_devices_free().
 * Real devices are enumerated once the loop runs (a 0 ms timer), so every
 * device and status line arrives through the callbacks; add_source and
 * uevents call them too.  The callbacks must not free the list.  cfg's
 * strings are copied; cfg->only must stay valid as long as the list.
 */
struct kb_devices *kb_devices_new(struct kb_loop *l, const struct kb_devices_config *cfg);
/* Unmount (lazily) what was mounted, stop children, free everything. */
void kb_devices_free(struct kb_devices *d);

/* Add a --source spec as a device (the same syntax as kboot scan). 0 or -errno. */
int kb_devices_add_source(struct kb_devices *d, const char *spec);

struct kb_remote;
/*
 * Add a network source (remote.h) as a device called name, probed like a
 * disk: a child fetches its config (or mounts the NFS export).  A device
 * of that name added this way before is replaced.  0 or -errno.
 */
int kb_devices_add_remote(struct kb_devices *d, const char *name, const struct kb_remote *r);
/* Remove a device added by kb_devices_add_remote(); true when there was one. */
bool kb_devices_remove_remote(struct kb_devices *d, const char *name);

/* Handle one uevent message (the kernel's format: "ACTION@DEVPATH\0KEY=VALUE\0…"). */
void kb_uevent_handle(struct kb_devices *d, const char *msg, size_t len);

/* Forget every device and enumerate again (rescan). */
void kb_devices_rescan(struct kb_devices *d);

/* The current devices, in order of appearance; valid until the next change. */
size_t kb_devices_count(const struct kb_devices *d);
const struct kb_device *kb_devices_at(const struct kb_devices *d, size_t i);

#endif
