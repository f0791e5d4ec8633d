/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * private.h - what the files of the daemon's device list share: the
 * device and probe records, the list itself, and the calls between its
 * layers, bottom up: list.c (the list, status lines, records), probe.c
 * (the probe children), the backends' files real.c (sysfs, adding real
 * devices) and remote.c (network sources), and devices.c on top (the
 * public interface, sources, uevents, start and stop).  A file calls only
 * the files below it; probe.c reaches a backend's probe through
 * dev->ops.
 *
 * Private to the device list's files; everyone else uses devices.h.
 */
#ifndef KBOOT_DEVICES_PRIVATE_H
#define KBOOT_DEVICES_PRIVATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "devices/devices.h"

#define MAX_PROBES 16 /* children at once; more devices wait their turn */

struct dev;
struct kb_devices;

/*
 * How a backend's device is probed, when not by libblkid (probe.c's own
 * child, for block devices): the child's work, which writes one record to
 * wfd and exits (never returns), and what that record means for the
 * device.  A backend
 * sets dev->ops; probe.c calls it without knowing the backend.
 */
struct dev_probe_ops {
	void (*child)(const struct dev *dev, int wfd);
	void (*result)(struct kb_devices *d, struct dev *dev, const char *rec, int wstatus);
};

/* One device: the public part first, so a kb_device * is a struct dev *. */
struct dev {
	struct kb_device pub;		 /* what callers see; pub.arena owns this struct */
	const char *disk_name;		 /* real: kernel name of its disk (itself for a disk) */
	const char *dir;		 /* real: its mount point, mount_root/NAME */
	struct probe *probe;		 /* the child probing it, NULL when none */
	bool queued;			 /* PROBING, waiting for a free probe slot */
	bool mounted;			 /* dir holds our mount */
	struct kb_remote *remote;	 /* a network source (remote.h), or NULL */
	const struct dev_probe_ops *ops; /* how it is probed; NULL: libblkid (probe.c) */
};

/*
 * A probe child, from fork until the loop reaps it.  A probe outlives its
 * device when the device is removed (or times out) first: it is then
 * "abandoned" (dev == NULL) and, once reaped, undoes whatever mount it
 * may still have made.
 */
struct probe {
	pid_t pid;		/* the child */
	int fd;			/* read end of its result pipe */
	struct dev *dev;	/* the device it probes; NULL when abandoned */
	struct kb_devices *d;	/* its list; NULL once that was freed */
	struct kb_timer *timer; /* the timeout; NULL once fired or cancelled */
	char *dir;		/* heap copy of the mount point */
	struct probe *next;	/* in `dev_probes` */
};

/* Every probe child not reaped yet, of every list; found by pid (list.c). */
extern struct probe *dev_probes;

struct kb_devices {
	struct kb_loop *l;	      /* the loop everything runs in */
	struct kb_devices_config cfg; /* as given; strings below are copies */
	char *mount_root;	      /* real: where devices are mounted */
	char *uevent_path;	      /* the test socket's path, or NULL */
	int nlfd;		      /* netlink uevent socket, -1 none */
	int ufd;		      /* test uevent socket, -1 none */
	struct kb_watch *nlw;	      /* on nlfd */
	struct kb_watch *uw;	      /* on ufd */
	struct kb_timer *start;	      /* the first enumeration, until it ran */
	struct dev **v;		      /* devices in order of appearance */
	size_t n, cap;		      /* used and allocated slots of v */
	unsigned long seq;	      /* the next device's seq */
	char **disks;		      /* disk names in order first seen (hdN) */
	size_t ndisks;		      /* entries of disks */
	unsigned int nprobes;	      /* live (not abandoned) probe children */
	char *remote_root;	      /* sources mode: a private directory for
				       * network sources, made when needed */
};

/* ---- The list (list.c) ---- */

/* A status line through the list's callback. */
void dev_status(struct kb_devices *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Tell the list's owner that it changed. */
void dev_changed(struct kb_devices *d);
/* The device called name, or NULL. */
struct dev *dev_find(const struct kb_devices *d, const char *name);
/* Append dev, giving it the next seq.  0 or -ENOMEM. */
int dev_push(struct kb_devices *d, struct dev *dev);
/* Forget dev: stop its probe, detach its mount, free it.  No callbacks. */
void dev_drop(struct kb_devices *d, struct dev *dev);
/* Remove the device called name (and, for a disk, its partitions); true if any. */
bool dev_remove_named(struct kb_devices *d, const char *name);

/* Abandon dev's probe: kill the child; it is cleaned up when reaped. */
void probe_abandon(struct kb_devices *d, struct dev *dev);
/* Free a probe record (closing its pipe). */
void probe_free(struct probe *p);
/*
 * Undo a mount at dir, if there is one, and remove dir with what a network
 * source fetched into it (never crossing into another filesystem).
 */
void dev_detach(const char *dir);
/* The probe record: append "KEY=value\n" (value cut, on one line); look one up. */
#define RECORD_MAX 3072 /* a probe child's result; below PIPE_BUF (4096) */
void dev_rec_add(char *rec, size_t *len, const char *key, const char *value);
const char *dev_rec_get(struct arena *a, const char *rec, const char *key);

/* ---- Probe children (probe.c) ---- */

/* Fork dev's probe child.  0, or -errno with dev FAILED. */
int probe_start(struct kb_devices *d, struct dev *dev);
/* Start waiting probes, in order of appearance, while slots are free. */
void probe_start_queued(struct kb_devices *d);

/* ---- Real devices (real.c) ---- */

/* Add block device name if kboot probes it and it is not listed yet; true when the list changed. */
bool real_add(struct kb_devices *d, const char *name);
/* A disk's "change" event; true when the list changed. */
bool real_change(struct kb_devices *d, const char *name, bool media_change);
/* Bring the list in line with sysfs; true when the list changed. */
bool real_enumerate(struct kb_devices *d);

/* ---- Network sources (remote.c) ---- */

/* Fetch every network source again (a rescan). */
void remote_reprobe(struct kb_devices *d);

#endif
