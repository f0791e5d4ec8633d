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
 */
#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blockdev.h"
#include "devices.h"
#include "loop.h"
#include "scan.h"
#include "uevent.h"

#define SYS_BLOCK "/sys/class/block"
#define DEFAULT_MOUNT_ROOT "/run/kboot/mnt"
#define PROBE_TIMEOUT_MS 30000 /* a probe taking longer is killed */
#define MAX_PROBES 16          /* children at once; more devices wait their turn */
#define RECORD_MAX 3072        /* the child's result; below PIPE_BUF (4096) */
#define VALUE_MAX 255          /* longest value in a record */

/* One device: the public part first, so a kb_device * is a struct dev *. */
struct dev {
	struct kb_device pub;  /* what callers see; pub.arena owns this struct */
	const char *disk_name; /* real: kernel name of its disk (itself for a disk) */
	const char *dir;       /* real: its mount point, mount_root/NAME */
	struct probe *probe;   /* the child probing it, NULL when none */
	bool queued;           /* PROBING, waiting for a free probe slot */
	bool mounted;          /* dir holds our mount */
};

/*
 * A probe child, from fork until the loop reaps it.  A probe outlives its
 * device when the device is removed (or times out) first: it is then
 * "abandoned" (dev == NULL) and, once reaped, undoes whatever mount it
 * may still have made.
 */
struct probe {
	pid_t pid;               /* the child */
	int fd;                  /* read end of its result pipe */
	struct dev *dev;         /* the device it probes; NULL when abandoned */
	struct kb_devices *d;    /* its list; NULL once that was freed */
	struct kb_timer *timer;  /* the timeout; NULL once fired or cancelled */
	char *dir;               /* heap copy of the mount point */
	struct probe *next;      /* in `probes` */
};

/* Every probe child not reaped yet, of every list; found by pid. */
static struct probe *probes;

struct kb_devices {
	struct kb_loop *l;                /* the loop everything runs in */
	struct kb_devices_config cfg;     /* as given; strings below are copies */
	char *mount_root;                 /* real: where devices are mounted */
	char *uevent_path;                /* the test socket's path, or NULL */
	int nlfd;                         /* netlink uevent socket, -1 none */
	int ufd;                          /* test uevent socket, -1 none */
	struct kb_watch *nlw;             /* on nlfd */
	struct kb_watch *uw;              /* on ufd */
	struct kb_timer *start;           /* the first enumeration, until it ran */
	struct dev **v;                   /* devices in order of appearance */
	size_t n, cap;                    /* used and allocated slots of v */
	unsigned long seq;                /* the next device's seq */
	char **disks;                     /* disk names in order first seen (hdN) */
	size_t ndisks;                    /* entries of disks */
	unsigned int nprobes;             /* live (not abandoned) probe children */
};

/* ---- Small helpers ---- */

static void status(struct kb_devices *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void status(struct kb_devices *d, int level, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	if (!d->cfg.status)
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	d->cfg.status(d, level, text, d->cfg.data);
	free(text);
}

static void changed(struct kb_devices *d)
{
	if (d->cfg.changed)
		d->cfg.changed(d, d->cfg.data);
}

static struct dev *find(const struct kb_devices *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i]->pub.name, name))
			return d->v[i];
	return NULL;
}

static int push(struct kb_devices *d, struct dev *dev)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct dev **v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	dev->pub.seq = d->seq++;
	d->v[d->n++] = dev;
	return 0;
}

/* Take dev out of the list (keeping the order of the others). */
static void unlink_dev(struct kb_devices *d, struct dev *dev)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i] == dev) {
			memmove(&d->v[i], &d->v[i + 1], (d->n - i - 1) * sizeof(*d->v));
			d->n--;
			return;
		}
	}
}

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

/* ---- Probe children ---- */

static struct probe *probe_by_pid(pid_t pid)
{
	struct probe *p;

	for (p = probes; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void probe_unlink(struct probe *p)
{
	struct probe **pp;

	for (pp = &probes; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return;
		}
	}
}

static void probe_free(struct probe *p)
{
	if (p->fd >= 0)
		close(p->fd);
	free(p->dir);
	free(p);
}

/* Undo a mount at dir, if there is one, and remove dir (if empty). */
static void detach(const char *dir)
{
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* Append "KEY=value\n" to a record, value cut and kept on one line. */
static void rec_add(char *rec, size_t *len, const char *key, const char *value)
{
	size_t i;
	int n;

	if (!value)
		return;
	n = snprintf(rec + *len, RECORD_MAX - *len, "%s=", key);
	if (n < 0 || (size_t)n >= RECORD_MAX - *len)
		return;
	*len += (size_t)n;
	for (i = 0; value[i] && i < VALUE_MAX && *len < RECORD_MAX - 1; i++)
		rec[(*len)++] = (unsigned char)value[i] < 0x20 ? '?' : value[i];
	if (*len < RECORD_MAX - 1)
		rec[(*len)++] = '\n';
}

static const char *blkid_value(blkid_probe pr, const char *name)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) || !v || !*v)
		return NULL;
	return v;
}

/*
 * The child: probe dev, mount it on dir if it is a filesystem kboot reads,
 * write the record to wfd, and _exit.  Runs nothing but syscalls and
 * libblkid; never returns.
 */
static void __attribute__((noreturn)) probe_child(const char *devpath, const char *dir, int wfd)
{
	char rec[RECORD_MAX], why[512], type[64] = "", pttype[32] = "";
	const char *skip, *v;
	blkid_probe pr = NULL;
	size_t len = 0;
	int fd, rc, ret;

	/* Keep no client socket or other descriptor of the daemon alive. */
	if (wfd != 3) {
		if (dup2(wfd, 3) < 0)
			_exit(1);
		wfd = 3;
	}
	close_range(4, ~0U, 0);

	fd = open(devpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOMEDIUM) {
			rec_add(rec, &len, "STATE", "skipped");
			rec_add(rec, &len, "REASON", "no medium");
		} else {
			snprintf(why, sizeof(why), "cannot open %s: %s", devpath, strerror(errno));
			rec_add(rec, &len, "STATE", "failed");
			rec_add(rec, &len, "REASON", why);
		}
		goto out;
	}
	pr = blkid_new_probe();
	if (!pr || blkid_probe_set_device(pr, fd, 0, 0)) {
		rec_add(rec, &len, "STATE", "failed");
		rec_add(rec, &len, "REASON", "cannot probe it");
		goto out;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	rc = blkid_do_safeprobe(pr);
	v = rc == 0 ? blkid_value(pr, "TYPE") : NULL;
	if (v)
		snprintf(type, sizeof(type), "%s", v);
	rec_add(rec, &len, "TYPE", v);
	if (v) {
		rec_add(rec, &len, "UUID", blkid_value(pr, "UUID"));
		rec_add(rec, &len, "LABEL", blkid_value(pr, "LABEL"));
	}
	if (rc == 0) {
		rec_add(rec, &len, "PARTUUID", blkid_value(pr, "PART_ENTRY_UUID"));
		rec_add(rec, &len, "PARTLABEL", blkid_value(pr, "PART_ENTRY_NAME"));
		/* A partition's table is its disk's; a whole disk may have one too. */
		v = blkid_value(pr, "PART_ENTRY_SCHEME");
		if (!v)
			v = blkid_value(pr, "PTTYPE");
		if (v)
			snprintf(pttype, sizeof(pttype), "%s", v);
		rec_add(rec, &len, "PTTYPE", v);
	}
	blkid_free_probe(pr);
	pr = NULL;
	close(fd);

	if (rc == -2) {
		rec_add(rec, &len, "STATE", "skipped");
		rec_add(rec, &len, "REASON", "several filesystem signatures found; not opened");
		goto out;
	}
	if (!*type) {
		rec_add(rec, &len, "STATE", "skipped");
		if (*pttype)
			snprintf(why, sizeof(why), "no filesystem found: a %s partition table, "
				 "but the kernel lists no partitions", pttype);
		rec_add(rec, &len, "REASON", *pttype ? why : rc < 0 ? "cannot read it"
							       : "no filesystem found");
		goto out;
	}
	skip = kb_fstype_skip_reason(type);
	if (skip) {
		rec_add(rec, &len, "STATE", "skipped");
		rec_add(rec, &len, "REASON", skip);
		goto out;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(why, sizeof(why), "cannot create the mount point %s: %s", dir,
			 strerror(errno));
		rec_add(rec, &len, "STATE", "failed");
		rec_add(rec, &len, "REASON", why);
		goto out;
	}
	ret = kb_mount_ro(devpath, dir, type);
	if (ret) {
		rmdir(dir);
		snprintf(why, sizeof(why), "cannot mount %s read-only: %s", type,
			 kb_mount_strerror(ret));
		rec_add(rec, &len, "STATE", "failed");
		rec_add(rec, &len, "REASON", why);
		goto out;
	}
	rec_add(rec, &len, "STATE", "ready");
out:
	if (pr)
		blkid_free_probe(pr);
	/* One write below PIPE_BUF: atomic, and the empty pipe takes it whole. */
	if (write(wfd, rec, len) < 0)
		_exit(1);
	_exit(0);
}

/* The record's value for key, copied into a; NULL when absent. */
static const char *rec_get(struct arena *a, const char *rec, const char *key)
{
	size_t kl = strlen(key);
	const char *p = rec;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);

		if (ll > kl && !strncmp(p, key, kl) && p[kl] == '=')
			return arena_strndup(a, p + kl + 1, ll - kl - 1);
		p += ll + (nl ? 1 : 0);
	}
	return NULL;
}

static void start_queued(struct kb_devices *d);

/* Apply a reaped probe's record to its device. */
static void probe_result(struct kb_devices *d, struct dev *dev, const char *rec, int wstatus)
{
	struct arena *a = dev->pub.arena;
	struct kb_device *pub = &dev->pub;
	const char *state = rec_get(a, rec, "STATE");

	pub->fstype = rec_get(a, rec, "TYPE");
	pub->uuid = rec_get(a, rec, "UUID");
	pub->label = rec_get(a, rec, "LABEL");
	pub->partuuid = rec_get(a, rec, "PARTUUID");
	pub->partlabel = rec_get(a, rec, "PARTLABEL");
	pub->pttype = rec_get(a, rec, "PTTYPE");
	pub->reason = rec_get(a, rec, "REASON");
	if (state && !strcmp(state, "ready")) {
		pub->state = KB_DEV_READY;
		pub->mnt = dev->dir;
		dev->mounted = true;
		status(d, KB_STATUS_INFO, "%s: %s%s%s%s mounted read-only at %s", pub->name,
		       pub->fstype, pub->label ? " \"" : "", pub->label ? pub->label : "",
		       pub->label ? "\"" : "", pub->mnt);
	} else if (state && !strcmp(state, "skipped")) {
		pub->state = KB_DEV_SKIPPED;
		status(d, KB_STATUS_INFO, "%s: %s%s", pub->name,
		       pub->fstype && kb_fstype_skip_reason(pub->fstype) ? "not opened: " : "",
		       pub->reason ? pub->reason : "skipped");
	} else {
		pub->state = KB_DEV_FAILED;
		if (!state || !pub->reason) {
			if (WIFSIGNALED(wstatus))
				pub->reason = arena_printf(a, "the probe was killed by signal %d",
							   WTERMSIG(wstatus));
			else
				pub->reason = "the probe failed";
		}
		status(d, KB_STATUS_WARNING, "%s: %s", pub->name, pub->reason);
	}
}

/* The loop reaped a child: finish its probe. */
static void probe_done(struct kb_loop *l, pid_t pid, int wstatus, void *unused)
{
	struct probe *p = probe_by_pid(pid);
	struct kb_devices *d;
	char rec[RECORD_MAX + 1];
	ssize_t n = 0;

	if (!p)
		return; /* its list was freed and forgot it */
	probe_unlink(p);
	d = p->d;
	if (p->timer && d)
		kb_loop_cancel(d->l, p->timer);
	if (p->fd >= 0) {
		do
			n = read(p->fd, rec, RECORD_MAX);
		while (n < 0 && errno == EINTR);
	}
	rec[n > 0 ? n : 0] = '\0';

	if (!p->dev) {
		/*
		 * Abandoned: undo a mount it may have made - unless the same
		 * directory belongs to a newer device of that name by now.
		 */
		bool in_use = false;
		size_t i;

		for (i = 0; d && i < d->n; i++) {
			struct dev *o = d->v[i];

			if (o->dir && !strcmp(o->dir, p->dir) && (o->probe || o->mounted || o->queued))
				in_use = true;
		}
		if (!in_use)
			detach(p->dir);
		probe_free(p);
		return;
	}
	d->nprobes--;
	p->dev->probe = NULL;
	probe_result(d, p->dev, rec, wstatus);
	probe_free(p);
	start_queued(d);
	changed(d);
}

/* Abandon dev's probe: kill the child; it is cleaned up when reaped. */
static void probe_abandon(struct kb_devices *d, struct dev *dev)
{
	struct probe *p = dev->probe;

	if (!p)
		return;
	kill(p->pid, SIGKILL);
	if (p->timer)
		kb_loop_cancel(d->l, p->timer);
	p->timer = NULL;
	p->dev = NULL;
	dev->probe = NULL;
	d->nprobes--;
}

static void probe_timeout(struct kb_loop *l, void *data)
{
	struct probe *p = data;
	struct dev *dev = p->dev;
	struct kb_devices *d = p->d;

	p->timer = NULL; /* the loop frees a timer that fired */
	if (!dev || !d)
		return;
	probe_abandon(d, dev);
	dev->pub.state = KB_DEV_FAILED;
	dev->pub.reason = "probe timed out";
	status(d, KB_STATUS_WARNING, "%s: probe timed out after %d s; the device is ignored",
	       dev->pub.name, PROBE_TIMEOUT_MS / 1000);
	start_queued(d);
	changed(d);
}

/* Fork dev's probe child.  0, or -errno with dev FAILED. */
static int probe_start(struct kb_devices *d, struct dev *dev)
{
	struct probe *p = calloc(1, sizeof(*p));
	int fds[2] = { -1, -1 }, ret;
	pid_t pid;

	dev->queued = false;
	if (!p || !(p->dir = strdup(dev->dir))) {
		ret = -ENOMEM;
		goto fail;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		ret = -errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto fail;
	}
	if (pid == 0)
		probe_child(dev->pub.dev, dev->dir, fds[1]);
	close(fds[1]);
	fds[1] = -1;
	p->pid = pid;
	p->fd = fds[0];
	p->dev = dev;
	p->d = d;
	ret = kb_loop_child(d->l, pid, probe_done, NULL);
	if (ret) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto fail;
	}
	p->timer = kb_loop_timer(d->l, PROBE_TIMEOUT_MS, probe_timeout, p);
	p->next = probes;
	probes = p;
	dev->probe = p;
	d->nprobes++;
	return 0;
fail:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (p)
		free(p->dir);
	free(p);
	dev->pub.state = KB_DEV_FAILED;
	dev->pub.reason = arena_printf(dev->pub.arena, "cannot start a probe: %s",
				       strerror(-ret));
	status(d, KB_STATUS_ERROR, "%s: %s", dev->pub.name, dev->pub.reason);
	return ret;
}

/* Start waiting probes, in order of appearance, while slots are free. */
static void start_queued(struct kb_devices *d)
{
	size_t i;

	for (i = 0; i < d->n && d->nprobes < MAX_PROBES; i++)
		if (d->v[i]->queued)
			probe_start(d, d->v[i]);
}

/* ---- Removing ---- */

/* Forget dev: stop its probe, detach its mount, free it.  No callbacks. */
static void drop(struct kb_devices *d, struct dev *dev)
{
	probe_abandon(d, dev);
	if (dev->mounted)
		detach(dev->dir);
	unlink_dev(d, dev);
	arena_free(dev->pub.arena);
}

/* Remove the device called name (and, for a disk, its partitions). */
static bool remove_named(struct kb_devices *d, const char *name)
{
	bool any = false;
	size_t i;

	for (i = d->n; i-- > 0;) {
		struct dev *dev = d->v[i];

		if (i >= d->n)
			continue;
		if (strcmp(dev->pub.name, name) &&
		    (!dev->disk_name || strcmp(dev->disk_name, name)))
			continue;
		status(d, KB_STATUS_INFO, "%s: removed", dev->pub.name);
		drop(d, dev);
		any = true;
	}
	return any;
}

/* ---- sysfs ---- */

struct sysinfo {
	bool partition;          /* has a "partition" file */
	int partno;              /* its contents */
	unsigned long long size; /* 512-byte sectors */
	bool has_parts;          /* a disk with partitions listed */
	int major, minor;        /* from "dev" */
	char disk[NAME_MAX + 1]; /* the disk's kernel name (itself for a disk) */
	char devname[256];       /* DEVNAME from "uevent": the node under /dev */
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

/*
 * Add block device name if kboot probes it and it is not listed yet.
 * true when the list changed.
 */
static bool real_add(struct kb_devices *d, const char *name)
{
	struct sysinfo si;
	struct dev *dev, *whole;
	char *node;
	int ret;

	if (find(d, name) || sys_info(name, &si))
		return false;
	if (!allowed(d, name, si.disk) || !probed_itself(name, &si))
		return false;

	dev = new_dev(name);
	if (!dev)
		return false;
	dev->disk_name = arena_strdup(dev->pub.arena, si.disk);
	dev->dir = arena_printf(dev->pub.arena, "%s/%s", d->mount_root, name);
	node = arena_printf(dev->pub.arena, "/dev/%s", si.devname);
	if (!dev->disk_name || !dev->dir || !node || push(d, dev)) {
		arena_free(dev->pub.arena);
		return false;
	}
	dev->pub.dev = node;
	dev->pub.disk = disk_index(d, si.disk);
	dev->pub.part = si.partition ? si.partno : 0;
	dev->pub.state = KB_DEV_PROBING;

	/* A partition appearing on a disk probed whole: the partitions win. */
	if (si.partition) {
		whole = find(d, si.disk);
		if (whole) {
			status(d, KB_STATUS_INFO, "%s: has partitions now; probing those instead",
			       si.disk);
			drop(d, whole);
		}
	}

	status(d, KB_STATUS_INFO, "%s: found", name);
	ret = ensure_node(node, &si);
	if (ret) {
		dev->pub.state = KB_DEV_FAILED;
		dev->pub.reason = arena_printf(dev->pub.arena, "no device node %s: %s", node,
					       strerror(-ret));
		status(d, KB_STATUS_WARNING, "%s: %s", name, dev->pub.reason);
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
static bool enumerate(struct kb_devices *d)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	bool any = false;
	DIR *dir;

	dir = opendir(SYS_BLOCK);
	if (!dir) {
		status(d, KB_STATUS_ERROR, "cannot list block devices: %s: %s", SYS_BLOCK,
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
			any |= remove_named(d, dev->pub.name);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	start_queued(d);
	return any;
}

/* A disk's "change": a medium came or went, or its partitions changed. */
static bool real_change(struct kb_devices *d, const char *name, bool media_change)
{
	struct sysinfo si;
	struct dev *dev = find(d, name);
	bool any = false;

	if (!allowed(d, name, name))
		return false;
	if (sys_info(name, &si) || si.size == 0)
		return remove_named(d, name);
	if (si.has_parts) {
		if (dev) {
			status(d, KB_STATUS_INFO, "%s: has partitions now; probing those instead",
			       name);
			drop(d, dev);
			any = true;
		}
		/* Their "add" events follow; a resync catches any we missed. */
		return enumerate(d) || any;
	}
	if (!dev)
		return real_add(d, name);
	if (media_change) {
		status(d, KB_STATUS_INFO, "%s: medium changed", name);
		drop(d, dev);
		real_add(d, name);
		return true;
	}
	return false;
}

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
			status(d, KB_STATUS_WARNING, "source %s: %s", spec,
			       strncmp(msg, "kboot: ", 7) ? msg : msg + 7);
		}
		goto fail;
	}
	if (stat(dir, &st))
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	if (ret) {
		status(d, KB_STATUS_WARNING, "source %s: %s", spec, strerror(-ret));
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
	if (find(d, id.name)) {
		status(d, KB_STATUS_WARNING, "source %s: there is already a device called %s",
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
	if (!dev->pub.name || !dev->pub.source || push(d, dev)) {
		ret = -ENOMEM;
		goto fail;
	}
	free(msg);
	status(d, KB_STATUS_INFO, "%s: source directory %s", dev->pub.name, dir);
	changed(d);
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
			 remove_named(d, ev->devname))
			changed(d);
		goto out;
	}

	if (!ev->subsystem || strcmp(ev->subsystem, "block") || !ev->devtype ||
	    (strcmp(ev->devtype, "disk") && strcmp(ev->devtype, "partition")))
		goto out;
	name = strrchr(ev->devpath, '/') + 1;
	if (!*name)
		goto out;
	if (!strcmp(ev->action, "add"))
		any = real_add(d, name);
	else if (!strcmp(ev->action, "remove"))
		any = remove_named(d, name);
	else if (!strcmp(ev->action, "change") && !strcmp(ev->devtype, "disk"))
		any = real_change(d, name, ev->media_change);
	/* A removal may have freed a probe slot. */
	start_queued(d);
	if (any)
		changed(d);
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
			status(d, KB_STATUS_WARNING,
			       "device events were lost; looking at every device again");
			if (enumerate(d))
				changed(d);
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
	enumerate(d);
	changed(d);
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

/* Stop every probe of d and drop every device.  No callbacks. */
static void drop_all(struct kb_devices *d)
{
	while (d->n)
		drop(d, d->v[d->n - 1]);
	for (size_t i = 0; i < d->ndisks; i++)
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
	drop_all(d);
	/*
	 * Abandoned probes of this list: killed already; the loop may never
	 * reap them now, so clean up here and forget them (a reap later finds
	 * no probe and does nothing).
	 */
	pp = &probes;
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
		detach(p->dir);
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
	free(d->mount_root);
	free(d->v);
	free(d);
}

void kb_devices_rescan(struct kb_devices *d)
{
	if (!d->cfg.real) {
		/* Sources are directories: nothing to forget, re-read them. */
		status(d, KB_STATUS_INFO, "rescan: %zu source director%s", d->n,
		       d->n == 1 ? "y" : "ies");
		changed(d);
		return;
	}
	status(d, KB_STATUS_INFO, "rescan: forgetting every device and looking again");
	drop_all(d);
	/* A device a client saw must not come back under its old seq. */
	enumerate(d);
	changed(d);
}

size_t kb_devices_count(const struct kb_devices *d)
{
	return d->n;
}

const struct kb_device *kb_devices_at(const struct kb_devices *d, size_t i)
{
	return i < d->n ? &d->v[i]->pub : NULL;
}
