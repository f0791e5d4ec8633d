// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe.c - the probe children of the daemon's device list.
 *
 * A device is probed in a child process, at most MAX_PROBES at once (the
 * others wait, queued, in order of appearance): the child probes it with
 * libblkid, mounts a filesystem kboot reads with kb_mount_ro() under
 * mount_root/NAME, writes one KEY=value record (shorter than PIPE_BUF) to
 * a pipe and exits.  The loop reaps it through a pidfd, and the record
 * moves the device from PROBING to READY, SKIPPED or FAILED.  A probe
 * taking longer than PROBE_TIMEOUT_MS is killed.  A probe that outlives
 * its device (removed, or timed out) is abandoned: once reaped, it undoes
 * the mount it may have made.
 *
 * A backend that probes its devices otherwise (network sources, remote.c)
 * sets dev->ops: its child and its record's meaning replace libblkid's.
 *
 * Not here: which devices are probed (real.c), the list and the records
 * (list.c), sources and uevents (devices.c).
 */
#include <blkid/blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/blockdev.h"
#include "devices/private.h"
#include "lib/loop.h"

#define PROBE_TIMEOUT_MS 30000 /* a probe taking longer is killed */

/* ---- Probe children ---- */

static struct probe *probe_by_pid(pid_t pid)
{
	struct probe *p;

	for (p = dev_probes; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void probe_unlink(struct probe *p)
{
	struct probe **pp;

	for (pp = &dev_probes; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return;
		}
	}
}

static const char *blkid_value(blkid_probe pr, const char *name)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) || !v || !*v)
		return NULL;
	return v;
}

#define NOT_PROBED (-1000) /* identify(): libblkid could not look at the device */

/* Add STATE and REASON to a record. */
static void rec_state(char *rec, size_t *len, const char *state, const char *reason)
{
	dev_rec_add(rec, len, "STATE", state);
	dev_rec_add(rec, len, "REASON", reason);
}

/*
 * Identify the open device fd with libblkid: TYPE, UUID, LABEL, PARTUUID,
 * PARTLABEL and PTTYPE go to the record, the filesystem and partition
 * table types (or "") to type and pttype.  blkid_do_safeprobe()'s answer
 * (-2: several signatures), or NOT_PROBED when fd could not be probed at
 * all (the record then says so).
 */
static int identify(int fd, char *rec, size_t *len, char type[64], char pttype[32])
{
	blkid_probe pr = blkid_new_probe();
	const char *v;
	int rc;

	if (!pr || blkid_probe_set_device(pr, fd, 0, 0)) {
		if (pr)
			blkid_free_probe(pr);
		rec_state(rec, len, "failed", "cannot probe it");
		return NOT_PROBED;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	rc = blkid_do_safeprobe(pr);
	v = rc == 0 ? blkid_value(pr, "TYPE") : NULL;
	if (v)
		snprintf(type, 64, "%s", v);
	dev_rec_add(rec, len, "TYPE", v);
	if (v) {
		dev_rec_add(rec, len, "UUID", blkid_value(pr, "UUID"));
		dev_rec_add(rec, len, "LABEL", blkid_value(pr, "LABEL"));
	}
	if (rc == 0) {
		dev_rec_add(rec, len, "PARTUUID", blkid_value(pr, "PART_ENTRY_UUID"));
		dev_rec_add(rec, len, "PARTLABEL", blkid_value(pr, "PART_ENTRY_NAME"));
		/* A partition's table is its disk's; a whole disk may have one too. */
		v = blkid_value(pr, "PART_ENTRY_SCHEME");
		if (!v)
			v = blkid_value(pr, "PTTYPE");
		if (v)
			snprintf(pttype, 32, "%s", v);
		dev_rec_add(rec, len, "PTTYPE", v);
	}
	blkid_free_probe(pr);
	if (*type && kb_needs_recovery(fd, 0, type))
		dev_rec_add(rec, len, "DIRTY", "1");
	return rc;
}

/* Mount the filesystem of type on devpath read-only at dir; the record says how it went. */
static void mount_it(const char *devpath, const char *dir, const char *type, char *rec, size_t *len)
{
	const char *skip = kb_fstype_skip_reason(type);
	char why[512];
	int ret;

	if (skip) {
		rec_state(rec, len, "skipped", skip);
		return;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(why, sizeof(why), "cannot create the mount point %s: %s", dir,
			 strerror(errno));
		rec_state(rec, len, "failed", why);
		return;
	}
	/* No write reaches the device, whatever the driver does with its log. */
	ret = kb_block_set_ro(devpath);
	if (ret) {
		snprintf(why, sizeof(why), "cannot make %s read-only: %s", devpath, strerror(-ret));
		rec_state(rec, len, "failed", why);
		return;
	}
	ret = kb_mount_ro(devpath, dir, type);
	if (ret) {
		rmdir(dir);
		snprintf(why, sizeof(why), "cannot mount %s read-only: %s", type,
			 kb_mount_strerror(ret));
		rec_state(rec, len, "failed", why);
		return;
	}
	dev_rec_add(rec, len, "STATE", "ready");
}

/*
 * The child: probe dev, mount it on dir if it is a filesystem kboot reads,
 * write the record to wfd, and _exit.  Runs nothing but syscalls and
 * libblkid; never returns.
 */
static void __attribute__((noreturn)) probe_child(const char *devpath, const char *dir, int wfd)
{
	char rec[RECORD_MAX], why[512], type[64] = "", pttype[32] = "";
	size_t len = 0;
	int fd, rc;

	/* Keep no client socket or other descriptor of the daemon alive. */
	if (wfd != 3) {
		if (dup2(wfd, 3) < 0)
			_exit(1);
		wfd = 3;
	}
	close_range(4, ~0U, 0);

	fd = open(devpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		snprintf(why, sizeof(why), "cannot open %s: %s", devpath, strerror(e));
		if (e == ENOMEDIUM)
			rec_state(rec, &len, "skipped", "no medium");
		else
			rec_state(rec, &len, "failed", why);
		goto out;
	}
	rc = identify(fd, rec, &len, type, pttype);
	close(fd);
	if (rc == NOT_PROBED)
		goto out;
	if (rc == -2) {
		rec_state(rec, &len, "skipped", "several filesystem signatures found; not opened");
	} else if (!*type) {
		snprintf(why, sizeof(why), "%s", rc < 0 ? "cannot read it" : "no filesystem found");
		if (*pttype)
			snprintf(why, sizeof(why),
				 "no filesystem found: a %s partition table, "
				 "but the kernel lists no partitions",
				 pttype);
		rec_state(rec, &len, "skipped", why);
	} else {
		mount_it(devpath, dir, type, rec, &len);
	}
out:
	/* One write below PIPE_BUF: atomic, and the empty pipe takes it whole. */
	if (write(wfd, rec, len) < 0)
		_exit(1);
	_exit(0);
}

/* Apply a reaped probe's record to its device. */
static void probe_result(struct kb_devices *d, struct dev *dev, const char *rec, int wstatus)
{
	struct arena *a = dev->pub.arena;
	struct kb_device *pub = &dev->pub;
	const char *state = dev_rec_get(a, rec, "STATE");

	pub->fstype = dev_rec_get(a, rec, "TYPE");
	pub->uuid = dev_rec_get(a, rec, "UUID");
	pub->label = dev_rec_get(a, rec, "LABEL");
	pub->partuuid = dev_rec_get(a, rec, "PARTUUID");
	pub->partlabel = dev_rec_get(a, rec, "PARTLABEL");
	pub->pttype = dev_rec_get(a, rec, "PTTYPE");
	pub->reason = dev_rec_get(a, rec, "REASON");
	if (state && !strcmp(state, "ready")) {
		pub->state = KB_DEV_READY;
		pub->mnt = dev->dir;
		dev->mounted = true;
		dev_status(d, KB_STATUS_INFO, "%s: %s%s%s%s mounted read-only at %s", pub->name,
			   pub->fstype, pub->label ? " \"" : "", pub->label ? pub->label : "",
			   pub->label ? "\"" : "", pub->mnt);
		pub->dirty = dev_rec_get(a, rec, "DIRTY") != NULL;
		if (pub->dirty)
			dev_status(
				d, KB_STATUS_WARNING,
				"%s: this filesystem was not cleanly unmounted; what kboot shows "
				"may be out of date",
				pub->name);
	} else if (state && !strcmp(state, "skipped")) {
		pub->state = KB_DEV_SKIPPED;
		dev_status(d, KB_STATUS_INFO, "%s: %s%s", pub->name,
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
		dev_status(d, KB_STATUS_WARNING, "%s: %s", pub->name, pub->reason);
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

			if (o->dir && !strcmp(o->dir, p->dir) &&
			    (o->probe || o->mounted || o->queued))
				in_use = true;
		}
		if (!in_use)
			dev_detach(p->dir);
		probe_free(p);
		return;
	}
	d->nprobes--;
	p->dev->probe = NULL;
	if (p->dev->ops)
		p->dev->ops->result(d, p->dev, rec, wstatus);
	else
		probe_result(d, p->dev, rec, wstatus);
	probe_free(p);
	probe_start_queued(d);
	dev_changed(d);
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
	dev_status(d, KB_STATUS_WARNING, "%s: probe timed out after %d s; the device is ignored",
		   dev->pub.name, PROBE_TIMEOUT_MS / 1000);
	probe_start_queued(d);
	dev_changed(d);
}

/* Fork dev's probe child.  0, or -errno with dev FAILED. */
int probe_start(struct kb_devices *d, struct dev *dev)
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
	if (pid == 0 && dev->ops)
		dev->ops->child(dev, fds[1]);
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
	p->next = dev_probes;
	dev_probes = p;
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
	dev->pub.reason = arena_printf(dev->pub.arena, "cannot start a probe: %s", strerror(-ret));
	dev_status(d, KB_STATUS_ERROR, "%s: %s", dev->pub.name, dev->pub.reason);
	return ret;
}

/* Start waiting probes, in order of appearance, while slots are free. */
void probe_start_queued(struct kb_devices *d)
{
	size_t i;

	for (i = 0; i < d->n && d->nprobes < MAX_PROBES; i++)
		if (d->v[i]->queued)
			probe_start(d, d->v[i]);
}
