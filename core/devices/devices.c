// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devices.c - the daemon's list of block devices and source directories.
 *
 * Real backend: /sys/class/block is enumerated once the loop runs, then
 * kernel uevents keep the list current.  A device is probed in a child
 * process (libblkid, then kb_mount_ro() under mount_root/NAME); the child
 * writes one small text record to a pipe and exits, and its exit - seen by
 * the loop through a pidfd - moves the device from PROBING to READY,
 * SKIPPED or FAILED.  The record is shorter than PIPE_BUF, so the child
 * never blocks writing it and the parent reads it whole once the child is
 * gone; the pipe needs no watch of its own.
 *
 * Which block devices are probed (decided from sysfs):
 *   - partitions, and whole disks that have no partitions;
 *   - not: ram*, zram* (memory), mmcblk*boot* and *rpmb (eMMC hardware
 *     areas), devices of size 0 (an unbound loop device, a CD drive with
 *     no disc, a device-mapper device without a table yet), DOS extended
 *     partitions (2 sectors: they only hold the logical ones);
 *   - device-mapper (dm-*) and md devices are probed like any disk.
 * A disk's index (GRUB's hdN) is the order in which disks were first seen:
 * sorted by name at enumeration, then in order of arrival.
 *
 * The device node is /dev/DEVNAME as devtmpfs makes it, which happens
 * before the kernel sends the uevent.  Without devtmpfs kboot creates the
 * node itself with mknod(2) from the device's major:minor (mode 0600), and
 * leaves it there.
 *
 * Mounts are made by the children in the daemon's mount namespace (fork
 * keeps it).  On removal a mount is detached lazily (MNT_DETACH: files the
 * menu still holds open stay readable) and its directory removed.
 *
 * Sources backend: a --source directory is READY at once; nothing is
 * mounted or probed.  Both backends take hotplug through kb_uevent_handle().
 *
 * Not done here: LVM, RAID, LUKS (skipped with a reason), re-probing a
 * partition on a "change" event (only disks: media change, resize to 0,
 * a new partition table), waiting for udev (none is needed).
 *
 * Files: this one holds the public interface, the sources backend,
 * uevents, start and stop; the layers below it are listed in private.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/scan.h"
#include "devices/private.h"
#include "devices/uevent.h"
#include "lib/loop.h"

#define DEFAULT_MOUNT_ROOT "/run/kboot/mnt"
#define KB_MODPROBE	   "/sbin/modprobe"

/* ---- Sources ---- */

/* Add a source directory; name (from a uevent's DEVNAME) unless the spec has one. */
static int add_source(struct kb_devices *d, const char *spec, const char *name)
{
	struct arena *a = arena_new();
	char *msg = NULL, *abs;
	const char *dir, *base;
	struct kb_fs id;
	struct stat st;
	struct dev *dev;
	size_t len = 0;
	FILE *err;
	int ret;

	if (!a)
		return -ENOMEM;
	err = open_memstream(&msg, &len);
	ret = kb_source_parse(a, spec, &id, &dir, err);
	if (err)
		fclose(err);
	if (ret) {
		/* The message as kboot scan prints it, without "kboot: " and "\n". */
		if (msg && len) {
			msg[strcspn(msg, "\n")] = '\0';
			dev_status(d, KB_STATUS_WARNING, "source %s: %s", spec,
				   strncmp(msg, "kboot: ", 7) ? msg : msg + 7);
		}
		goto fail;
	}
	if (stat(dir, &st))
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	if (ret) {
		dev_status(d, KB_STATUS_WARNING, "source %s: %s", spec, strerror(-ret));
		goto fail;
	}
	if (!id.name)
		id.name = name;
	if (!id.name) {
		abs = realpath(dir, NULL);
		base = abs ? strrchr(abs, '/') + 1 : "";
		id.name = arena_strdup(a, *base ? base : "root");
		free(abs);
	}
	if (!id.name) {
		ret = -ENOMEM;
		goto fail;
	}
	if (dev_find(d, id.name)) {
		dev_status(d, KB_STATUS_WARNING, "source %s: there is already a device called %s",
			   spec, id.name);
		ret = -EEXIST;
		goto fail;
	}
	dev = arena_alloc(a, sizeof(*dev));
	if (!dev) {
		ret = -ENOMEM;
		goto fail;
	}
	dev->pub.arena = a;
	dev->pub.name = arena_strdup(a, id.name);
	dev->pub.source = arena_strdup(a, spec);
	dev->pub.fstype = id.fstype;
	dev->pub.uuid = id.uuid;
	dev->pub.label = id.label;
	dev->pub.partuuid = id.partuuid;
	dev->pub.partlabel = id.partlabel;
	dev->pub.pttype = id.pttype;
	dev->pub.disk = id.disk;
	dev->pub.part = id.part;
	dev->pub.mnt = dir;
	dev->pub.state = KB_DEV_READY;
	if (!dev->pub.name || !dev->pub.source || dev_push(d, dev)) {
		ret = -ENOMEM;
		goto fail;
	}
	free(msg);
	dev_status(d, KB_STATUS_INFO, "%s: source directory %s", dev->pub.name, dir);
	dev_changed(d);
	return 0;
fail:
	free(msg);
	arena_free(a);
	return ret;
}

int kb_devices_add_source(struct kb_devices *d, const char *spec)
{
	return add_source(d, spec, NULL);
}

/* ---- uevents ---- */

static void module_loaded(struct kb_loop *l, pid_t pid, int status, void *data)
{
}

/*
 * A new device wants a driver: where no udev runs (the kboot image), load
 * it, as udev would ("modprobe -qb ALIAS" in a child, not waited for; its
 * block devices arrive as uevents of their own).  A machine with udev
 * does this itself.
 */
static void load_module(struct kb_devices *d, const char *alias)
{
	pid_t pid;

	if (access(KB_MODPROBE, X_OK) || !access("/run/udev/control", F_OK))
		return;
	pid = fork();
	if (pid == 0) {
		execl(KB_MODPROBE, KB_MODPROBE, "-qb", alias, (char *)NULL);
		_exit(127);
	}
	if (pid > 0 && kb_loop_child(d->l, pid, module_loaded, d))
		waitpid(pid, NULL, 0);
}

void kb_uevent_handle(struct kb_devices *d, const char *msg, size_t len)
{
	struct kb_uevent *ev = malloc(sizeof(*ev));
	const char *name;
	bool any = false;

	if (!ev || kb_uevent_parse(ev, msg, len))
		goto out;

	if (!d->cfg.real) {
		/* Sources: the test hook's add/remove of a directory. */
		if (!strcmp(ev->action, "add") && ev->source)
			add_source(d, ev->source, ev->devname);
		else if (!strcmp(ev->action, "remove") && ev->devname &&
			 dev_remove_named(d, ev->devname))
			dev_changed(d);
		goto out;
	}

	if (!strcmp(ev->action, "add") && ev->modalias)
		load_module(d, ev->modalias);
	if (!ev->subsystem || strcmp(ev->subsystem, "block") || !ev->devtype ||
	    (strcmp(ev->devtype, "disk") && strcmp(ev->devtype, "partition")))
		goto out;
	name = strrchr(ev->devpath, '/') + 1;
	if (!*name)
		goto out;
	if (!strcmp(ev->action, "add"))
		any = real_add(d, name);
	else if (!strcmp(ev->action, "remove"))
		any = dev_remove_named(d, name);
	else if (!strcmp(ev->action, "change") && !strcmp(ev->devtype, "disk"))
		any = real_change(d, name, ev->media_change);
	/* A removal may have freed a probe slot. */
	probe_start_queued(d);
	if (any)
		dev_changed(d);
out:
	free(ev);
}

static void uevent_readable(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct kb_devices *d = data;
	bool netlink = fd == d->nlfd;
	char *buf = malloc(KB_UEVENT_MAX + 1);
	long n;

	if (!buf)
		return;
	/* A bounded batch, so a flood cannot starve the other fds. */
	for (int i = 0; i < 256; i++) {
		n = kb_uevent_recv(fd, netlink, buf);
		if (n == -EAGAIN)
			break;
		if (n == -ENOBUFS) {
			dev_status(d, KB_STATUS_WARNING,
				   "device events were lost; looking at every device again");
			if (real_enumerate(d))
				dev_changed(d);
			continue;
		}
		if (n < 0)
			break;
		if (n > 0)
			kb_uevent_handle(d, buf, (size_t)n);
	}
	free(buf);
}

/* ---- The list ---- */

static void first_enumeration(struct kb_loop *l, void *data)
{
	struct kb_devices *d = data;

	d->start = NULL;
	real_enumerate(d);
	dev_changed(d);
}

/* mkdir -p, 0700 for what it creates.  0 or -errno. */
static int mkdirs(const char *path)
{
	char *copy = strdup(path), *p;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) && errno != EEXIST)
			ret = -errno;
		*p = '/';
	}
	if (mkdir(copy, 0700) && errno != EEXIST)
		ret = -errno;
	else
		ret = 0;
	free(copy);
	return ret;
}

struct kb_devices *kb_devices_new(struct kb_loop *l, const struct kb_devices_config *cfg)
{
	struct kb_devices *d = calloc(1, sizeof(*d));
	int ret = -ENOMEM;

	if (!d)
		return NULL;
	d->l = l;
	d->cfg = *cfg;
	d->nlfd = d->ufd = -1;
	d->mount_root = strdup(cfg->mount_root ? cfg->mount_root : DEFAULT_MOUNT_ROOT);
	if (!d->mount_root)
		goto fail;
	if (cfg->uevent_socket) {
		d->uevent_path = strdup(cfg->uevent_socket);
		if (!d->uevent_path)
			goto fail;
		d->ufd = kb_uevent_unix_open(d->uevent_path);
		if (d->ufd < 0) {
			ret = d->ufd;
			free(d->uevent_path);
			d->uevent_path = NULL; /* not ours to unlink */
			goto fail;
		}
		d->uw = kb_loop_watch(l, d->ufd, EPOLLIN, uevent_readable, d);
		if (!d->uw) {
			ret = -errno;
			goto fail;
		}
	}
	if (cfg->real) {
		ret = mkdirs(d->mount_root);
		if (ret)
			goto fail;
		/* Listen before enumerating, so nothing falls between the two. */
		d->nlfd = kb_uevent_netlink_open();
		if (d->nlfd < 0) {
			ret = d->nlfd;
			goto fail;
		}
		d->nlw = kb_loop_watch(l, d->nlfd, EPOLLIN, uevent_readable, d);
		if (!d->nlw) {
			ret = -errno;
			goto fail;
		}
		/* Enumerate from the loop, so every change reaches the callbacks. */
		d->start = kb_loop_timer(l, 0, first_enumeration, d);
		if (!d->start) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	return d;
fail:
	kb_devices_free(d);
	errno = -ret;
	return NULL;
}

/* Stop every probe of d and drop every device (network sources too, if asked).  No callbacks. */
static void drop_all(struct kb_devices *d, bool remote)
{
	size_t i;

	for (i = d->n; i-- > 0;)
		if (remote || !d->v[i]->remote)
			dev_drop(d, d->v[i]);
	for (i = 0; i < d->ndisks; i++)
		free(d->disks[i]);
	free(d->disks);
	d->disks = NULL;
	d->ndisks = 0;
}

void kb_devices_free(struct kb_devices *d)
{
	struct probe *p, *next, **pp;

	if (!d)
		return;
	if (d->start)
		kb_loop_cancel(d->l, d->start);
	drop_all(d, true);
	/*
	 * Abandoned probes of this list: killed already; the loop may never
	 * reap them now, so clean up here and forget them (a reap later finds
	 * no probe and does nothing).
	 */
	pp = &dev_probes;
	while ((p = *pp)) {
		next = p->next;
		if (p->d != d) {
			pp = &p->next;
			continue;
		}
		*pp = next;
		kill(p->pid, SIGKILL);
		if (p->timer)
			kb_loop_cancel(d->l, p->timer);
		dev_detach(p->dir);
		probe_free(p);
	}
	if (d->uw)
		kb_loop_unwatch(d->l, d->uw);
	if (d->nlw)
		kb_loop_unwatch(d->l, d->nlw);
	if (d->ufd >= 0)
		close(d->ufd);
	if (d->nlfd >= 0)
		close(d->nlfd);
	if (d->uevent_path)
		unlink(d->uevent_path);
	free(d->uevent_path);
	if (d->remote_root)
		dev_detach(d->remote_root);
	free(d->remote_root);
	free(d->mount_root);
	free(d->v);
	free(d);
}

void kb_devices_rescan(struct kb_devices *d)
{
	if (!d->cfg.real) {
		/* Sources are directories: nothing to forget, re-read them. */
		dev_status(d, KB_STATUS_INFO, "rescan: %zu source%s", d->n, d->n == 1 ? "" : "s");
		remote_reprobe(d);
		dev_changed(d);
		return;
	}
	dev_status(d, KB_STATUS_INFO, "rescan: forgetting every device and looking again");
	drop_all(d, false);
	remote_reprobe(d);
	/* A device a client saw must not come back under its old seq. */
	real_enumerate(d);
	dev_changed(d);
}

size_t kb_devices_count(const struct kb_devices *d)
{
	return d->n;
}

const struct kb_device *kb_devices_at(const struct kb_devices *d, size_t i)
{
	return i < d->n ? &d->v[i]->pub : NULL;
}
