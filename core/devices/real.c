// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * real.c - the real backend's side of the device list: reading
 * /sys/class/block, deciding which block devices kboot probes (the rules
 * are in devices.c's header), a disk's hdN index, making a missing /dev
 * node, adding a device, enumerating (at start, after lost uevents, on
 * rescan) and a disk's "change" event (media change, new partitions).
 *
 * Not here: probing and mounting (probe.c), uevent sockets, the
 * list and sources (devices.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devices/private.h"

#define SYS_BLOCK "/sys/class/block"

/* ---- sysfs ---- */

struct sysinfo {
	bool partition;		 /* has a "partition" file */
	int partno;		 /* its contents */
	unsigned long long size; /* 512-byte sectors */
	bool has_parts;		 /* a disk with partitions listed */
	int major, minor;	 /* from "dev" */
	char disk[NAME_MAX + 1]; /* the disk's kernel name (itself for a disk) */
	char devname[256];	 /* DEVNAME from "uevent": the node under /dev */
};

/* Read a small sysfs attribute of block device name; 0 or -errno. */
static int sys_read(const char *name, const char *attr, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS_BLOCK "/%s/%s", name, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static int sys_info(const char *name, struct sysinfo *si)
{
	char buf[1024], path[PATH_MAX], real[PATH_MAX];
	char *p, *save = NULL;
	DIR *dir;
	struct dirent *de;
	int ret;

	memset(si, 0, sizeof(*si));
	if (strchr(name, '/') || name[0] == '.')
		return -EINVAL;
	ret = sys_read(name, "size", buf, sizeof(buf));
	if (ret)
		return ret;
	si->size = strtoull(buf, NULL, 10);
	if (sys_read(name, "dev", buf, sizeof(buf)) ||
	    sscanf(buf, "%d:%d", &si->major, &si->minor) != 2)
		return -ENOENT;
	if (!sys_read(name, "partition", buf, sizeof(buf))) {
		si->partition = true;
		si->partno = atoi(buf);
	}
	snprintf(si->devname, sizeof(si->devname), "%s", name);
	if (!sys_read(name, "uevent", buf, sizeof(buf))) {
		for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
			if (!strncmp(p, "DEVNAME=", 8) && p[8] && !strstr(p, ".."))
				snprintf(si->devname, sizeof(si->devname), "%s", p + 8);
	}
	snprintf(si->disk, sizeof(si->disk), "%s", name);
	if (si->partition) {
		/* /sys/devices/.../block/sda/sda1: the disk is the parent directory. */
		snprintf(path, sizeof(path), SYS_BLOCK "/%s", name);
		if (!realpath(path, real))
			return -errno;
		p = strrchr(real, '/');
		if (!p)
			return -ENOENT;
		*p = '\0';
		p = strrchr(real, '/');
		snprintf(si->disk, sizeof(si->disk), "%s", p ? p + 1 : real);
		return 0;
	}
	snprintf(path, sizeof(path), SYS_BLOCK "/%s", name);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		struct stat st;

		if (strncmp(de->d_name, name, strlen(name)))
			continue;
		snprintf(path, sizeof(path), SYS_BLOCK "/%s/%s/partition", name, de->d_name);
		if (!stat(path, &st)) {
			si->has_parts = true;
			break;
		}
	}
	closedir(dir);
	return 0;
}

static bool name_starts(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

/* Is this block device one kboot probes itself?  (The rules in the header.) */
static bool probed_itself(const char *name, const struct sysinfo *si)
{
	if (name_starts(name, "ram") || name_starts(name, "zram"))
		return false;
	if (name_starts(name, "mmcblk") && (strstr(name, "boot") || strstr(name, "rpmb")))
		return false;
	if (si->size == 0)
		return false;
	if (si->partition)
		return si->size > 2;
	return !si->has_parts;
}

static bool allowed(const struct kb_devices *d, const char *name, const char *disk)
{
	const char *const *o;

	if (!d->cfg.only)
		return true;
	for (o = d->cfg.only; *o; o++)
		if (!strcmp(*o, name) || (disk && !strcmp(*o, disk)))
			return true;
	return false;
}

/* The hdN index of a disk, registering it when new. */
static int disk_index(struct kb_devices *d, const char *disk)
{
	char **v;
	size_t i;

	for (i = 0; i < d->ndisks; i++)
		if (!strcmp(d->disks[i], disk))
			return (int)i;
	v = realloc(d->disks, (d->ndisks + 1) * sizeof(*v));
	if (!v)
		return -1;
	d->disks = v;
	v[d->ndisks] = strdup(disk);
	if (!v[d->ndisks])
		return -1;
	return (int)d->ndisks++;
}

/* Make sure /dev/DEVNAME is the block device major:minor.  0 or -errno. */
static int ensure_node(const char *path, const struct sysinfo *si)
{
	struct stat st;
	char *slash;

	if (!stat(path, &st))
		return S_ISBLK(st.st_mode) ? 0 : -ENOTBLK;
	if (errno != ENOENT)
		return -errno;
	/* No devtmpfs: make the node ourselves (DEVNAME may have a directory). */
	slash = strrchr(path, '/');
	if (slash && slash > path + 4) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (mknod(path, S_IFBLK | 0600, makedev(si->major, si->minor)) && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- Adding real devices ---- */

/* A new device with its own arena; NULL on OOM. */
static struct dev *new_dev(const char *name)
{
	struct arena *a = arena_new();
	struct dev *dev;

	if (!a)
		return NULL;
	dev = arena_alloc(a, sizeof(*dev));
	if (!dev || !(dev->pub.name = arena_strdup(a, name))) {
		arena_free(a);
		return NULL;
	}
	dev->pub.arena = a;
	dev->pub.disk = -1;
	return dev;
}

/*
 * Add block device name if kboot probes it and it is not listed yet.
 * true when the list changed.
 */
bool real_add(struct kb_devices *d, const char *name)
{
	struct sysinfo si;
	struct dev *dev, *whole;
	char *node;
	int ret;

	if (dev_find(d, name) || sys_info(name, &si))
		return false;
	if (!allowed(d, name, si.disk) || !probed_itself(name, &si))
		return false;

	dev = new_dev(name);
	if (!dev)
		return false;
	dev->disk_name = arena_strdup(dev->pub.arena, si.disk);
	dev->dir = arena_printf(dev->pub.arena, "%s/%s", d->mount_root, name);
	node = arena_printf(dev->pub.arena, "/dev/%s", si.devname);
	if (!dev->disk_name || !dev->dir || !node || dev_push(d, dev)) {
		arena_free(dev->pub.arena);
		return false;
	}
	dev->pub.dev = node;
	dev->pub.disk = disk_index(d, si.disk);
	dev->pub.part = si.partition ? si.partno : 0;
	dev->pub.state = KB_DEV_PROBING;

	/* A partition appearing on a disk probed whole: the partitions win. */
	if (si.partition) {
		whole = dev_find(d, si.disk);
		if (whole) {
			dev_status(d, KB_STATUS_INFO,
				   "%s: has partitions now; probing those instead", si.disk);
			dev_drop(d, whole);
		}
	}

	dev_status(d, KB_STATUS_INFO, "%s: found", name);
	ret = ensure_node(node, &si);
	if (ret) {
		dev->pub.state = KB_DEV_FAILED;
		dev->pub.reason =
			arena_printf(dev->pub.arena, "no device node %s: %s", node, strerror(-ret));
		dev_status(d, KB_STATUS_WARNING, "%s: %s", name, dev->pub.reason);
		return true;
	}
	if (d->nprobes < MAX_PROBES)
		probe_start(d, dev);
	else
		dev->queued = true;
	return true;
}

static int verscmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Bring the list in line with sysfs: add what is missing, remove what is
 * gone or no longer probed.  true when the list changed.
 */
bool real_enumerate(struct kb_devices *d)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	bool any = false;
	DIR *dir;

	dir = opendir(SYS_BLOCK);
	if (!dir) {
		dev_status(d, KB_STATUS_ERROR, "cannot list block devices: %s: %s", SYS_BLOCK,
			   strerror(errno));
		return false;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **v = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (!v)
				break;
			names = v;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), verscmp);

	/* Disks first, in name order, so hdN follows the names. */
	for (i = 0; i < n; i++) {
		struct sysinfo si;

		if (!sys_info(names[i], &si) && !si.partition && si.size &&
		    allowed(d, names[i], NULL) && (probed_itself(names[i], &si) || si.has_parts))
			disk_index(d, names[i]);
	}
	for (i = 0; i < n; i++)
		any |= real_add(d, names[i]);

	/* What is listed but gone (after lost uevents). */
	for (i = d->n; i-- > 0;) {
		struct dev *dev = d->v[i];
		struct sysinfo si;

		if (dev->pub.source || i >= d->n)
			continue;
		if (sys_info(dev->pub.name, &si) || !probed_itself(dev->pub.name, &si))
			any |= dev_remove_named(d, dev->pub.name);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	probe_start_queued(d);
	return any;
}

/* A disk's "change": a medium came or went, or its partitions changed. */
bool real_change(struct kb_devices *d, const char *name, bool media_change)
{
	struct sysinfo si;
	struct dev *dev = dev_find(d, name);
	bool any = false;

	if (!allowed(d, name, name))
		return false;
	if (sys_info(name, &si) || si.size == 0)
		return dev_remove_named(d, name);
	if (si.has_parts) {
		if (dev) {
			dev_status(d, KB_STATUS_INFO,
				   "%s: has partitions now; probing those instead", name);
			dev_drop(d, dev);
			any = true;
		}
		/* Their "add" events follow; a resync catches any we missed. */
		return real_enumerate(d) || any;
	}
	if (!dev)
		return real_add(d, name);
	if (media_change) {
		dev_status(d, KB_STATUS_INFO, "%s: medium changed", name);
		dev_drop(d, dev);
		real_add(d, name);
		return true;
	}
	return false;
}
