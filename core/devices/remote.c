// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * remote.c - network sources as devices of the daemon's list.
 *
 * A network source (remote.h) is a device like a disk: it appears PROBING
 * while a probe child (the same slots, timeout and reaping as a disk's,
 * probe.c) fetches its config - or mounts its NFS export - into
 * its directory, then READY or FAILED with the reason.  Its directory is
 * mount_root/NAME with real devices, and a private directory under /tmp
 * with --source directories (tests), where nothing is mounted.
 *
 * The child of a config source tries the config paths in order; the first
 * that is there wins (pxelinux's order); "not found" moves on, any other
 * failure (a dead server) ends the search at once with its sentence.  It
 * then reads the config with the parsers, with kb_read() fetching what is
 * missing, so that included files are in the directory when the daemon
 * reads the menu from it - the daemon itself never waits on the network.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/scan.h"
#include "devices/private.h"
#include "net/fetch/fetch.h"
#include "net/remote.h"

#define MAX_INCLUDES 64 /* files a config may pull in beyond itself */

/* ---- The probe child ---- */

static int fetched;

static int fetch_hook(const struct kb_fs *fs, const char *path)
{
	char err[512];

	if (++fetched > MAX_INCLUDES)
		return -EMLINK;
	return kb_remote_fetch(fs->url, fs->root, path, err, sizeof(err));
}

/* Read the config once, so what it includes is fetched too. */
static void fetch_includes(const struct kb_remote *r, const char *name, const char *dir,
			   const char *config)
{
	struct kb_scan *s = kb_scan_new();
	struct kb_fs id = {
		.name = name,
		.disk = -1,
		.rootfd = -1,
		.url = r->base,
		.config = config,
		.parser = r->parser,
		.basedir = r->basedir,
	};

	if (!s)
		return;
	s->fetch_missing = fetch_hook;
	if (!kb_scan_add_dir(s, dir, &id))
		kb_scan_run(s);
	kb_scan_free(s);
}

/* The probe child of a network source: fetch or mount into dir, report on wfd. */
static void __attribute__((noreturn))
remote_child(const struct kb_remote *r, const char *name, const char *dir, int wfd)
{
	char rec[RECORD_MAX], err[1024] = "", why[1200];
	static struct kb_url u;
	const char *found = NULL;
	size_t len = 0, i;
	int ret = 0;

	if (wfd != 3) {
		if (dup2(wfd, 3) < 0)
			_exit(1);
		wfd = 3;
	}
	close_range(4, ~0U, 0);
	if (!kb_url_parse(r->kind == KB_REMOTE_NFS ? r->url : r->base, &u, err, sizeof(err)))
		dev_rec_add(rec, &len, "TYPE", kb_url_scheme_name(u.scheme));
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(why, sizeof(why), "cannot create %s: %s", dir, strerror(errno));
		dev_rec_add(rec, &len, "STATE", "failed");
		dev_rec_add(rec, &len, "REASON", why);
		goto out;
	}
	if (r->kind == KB_REMOTE_NFS) {
		ret = kb_remote_mount_nfs(r->url, dir, err, sizeof(err));
		dev_rec_add(rec, &len, "STATE", ret ? "failed" : "ready");
		if (ret)
			dev_rec_add(rec, &len, "REASON", err);
		goto out;
	}
	for (i = 0; i < r->nconfigs && !found; i++) {
		ret = kb_remote_fetch(r->base, dir, r->configs[i], err, sizeof(err));
		if (!ret)
			found = r->configs[i];
		else if (ret != -ENOENT)
			break;
	}
	if (!found) {
		if (ret == -ENOENT && r->nconfigs > 1)
			snprintf(err, sizeof(err), "no config on %s: tried %s … %s (%zu names)",
				 r->base, r->configs[0], r->configs[r->nconfigs - 1], r->nconfigs);
		dev_rec_add(rec, &len, "STATE", "failed");
		dev_rec_add(rec, &len, "REASON", err);
		goto out;
	}
	fetch_includes(r, name, dir, found);
	dev_rec_add(rec, &len, "CONFIG", found);
	dev_rec_add(rec, &len, "STATE", "ready");
out:
	if (write(wfd, rec, len) < 0)
		_exit(1);
	_exit(0);
}

/* ---- The list ---- */

static void __attribute__((noreturn)) child(const struct dev *dev, int wfd)
{
	remote_child(dev->remote, dev->pub.name, dev->dir, wfd);
}

/* Apply the record of a network source's probe to dev (state, fstype, config). */
static void result(struct kb_devices *d, struct dev *dev, const char *rec, int wstatus)
{
	struct arena *a = dev->pub.arena;
	struct kb_device *pub = &dev->pub;
	const char *state = dev_rec_get(a, rec, "STATE");
	const char *what = dev->remote->iface ? "PXE config" : "config";

	pub->fstype = dev_rec_get(a, rec, "TYPE");
	pub->reason = dev_rec_get(a, rec, "REASON");
	pub->config = dev_rec_get(a, rec, "CONFIG");
	if (state && !strcmp(state, "ready")) {
		pub->state = KB_DEV_READY;
		pub->mnt = dev->dir;
		dev->mounted = true;
		if (dev->remote->kind == KB_REMOTE_NFS)
			dev_status(d, KB_STATUS_INFO, "%s: %s mounted read-only at %s", pub->name,
				   pub->url, pub->mnt);
		else
			dev_status(d, KB_STATUS_INFO, "%s: %s %s%s fetched", pub->name, what,
				   pub->base, pub->config ? pub->config : "");
		return;
	}
	pub->state = KB_DEV_FAILED;
	if (!pub->reason)
		pub->reason = WIFSIGNALED(wstatus) ? arena_printf(a,
								  "the fetch was killed by "
								  "signal %d",
								  WTERMSIG(wstatus))
						   : "the fetch failed";
	dev_status(d, KB_STATUS_WARNING, "%s: %s", pub->name, pub->reason);
}

/* How probe.c probes a network source. */
static const struct dev_probe_ops remote_ops = { .child = child, .result = result };

/* The directory network sources go in: mount_root, or a private one. */
static const char *remote_root(struct kb_devices *d)
{
	char tmpl[] = "/tmp/kboot-net-XXXXXX";

	if (d->cfg.real)
		return d->mount_root;
	if (!d->remote_root && mkdtemp(tmpl))
		d->remote_root = strdup(tmpl);
	return d->remote_root;
}

static const char *copy_or_null(struct arena *a, const char *s, bool *oom)
{
	char *c;

	if (!s)
		return NULL;
	c = arena_strdup(a, s);
	if (!c)
		*oom = true;
	return c;
}

int kb_devices_add_remote(struct kb_devices *d, const char *name, const struct kb_remote *r)
{
	struct arena *a;
	struct dev *dev;
	struct kb_remote *c;
	const char *root = remote_root(d);
	bool oom = false;
	size_t i;

	if (!root)
		return -errno ? -errno : -ENOMEM;
	if (dev_find(d, name)) {
		dev = dev_find(d, name);
		if (!dev->remote)
			return -EEXIST;
		dev_drop(d, dev);
	}
	a = arena_new();
	if (!a)
		return -ENOMEM;
	dev = arena_alloc(a, sizeof(*dev));
	c = arena_alloc(a, sizeof(*c));
	if (!dev || !c)
		goto oom;
	*c = *r;
	c->url = copy_or_null(a, r->url, &oom);
	c->base = copy_or_null(a, r->base, &oom);
	for (i = 0; i < r->nconfigs; i++)
		c->configs[i] = copy_or_null(a, r->configs[i], &oom);
	c->parser = copy_or_null(a, r->parser, &oom);
	c->basedir = copy_or_null(a, r->basedir, &oom);
	c->ipappend[0] = copy_or_null(a, r->ipappend[0], &oom);
	c->ipappend[1] = copy_or_null(a, r->ipappend[1], &oom);
	c->iface = copy_or_null(a, r->iface, &oom);
	dev->remote = c;
	dev->ops = &remote_ops;
	dev->pub.arena = a;
	dev->pub.name = copy_or_null(a, name, &oom);
	dev->pub.dev = c->url;
	dev->pub.url = c->url;
	dev->pub.base = c->kind == KB_REMOTE_CONFIG ? c->base : NULL;
	dev->pub.parser = c->parser;
	dev->pub.basedir = c->basedir;
	dev->pub.ipappend[0] = c->ipappend[0];
	dev->pub.ipappend[1] = c->ipappend[1];
	dev->pub.disk = -1;
	dev->pub.state = KB_DEV_PROBING;
	dev->dir = arena_printf(a, "%s/%s", root, name);
	if (oom || !dev->dir || dev_push(d, dev))
		goto oom;
	dev_status(d, KB_STATUS_INFO, "%s: fetching %s", name, c->url);
	if (d->nprobes < MAX_PROBES)
		probe_start(d, dev);
	else
		dev->queued = true;
	dev_changed(d);
	return 0;
oom:
	arena_free(a);
	return -ENOMEM;
}

void remote_reprobe(struct kb_devices *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct dev *dev = d->v[i];

		if (!dev->remote || dev->probe || dev->queued)
			continue;
		if (dev->mounted)
			dev_detach(dev->dir);
		dev->mounted = false;
		dev->pub.mnt = NULL;
		dev->pub.reason = NULL;
		dev->pub.state = KB_DEV_PROBING;
		if (d->nprobes < MAX_PROBES)
			probe_start(d, dev);
		else
			dev->queued = true;
	}
}

bool kb_devices_remove_remote(struct kb_devices *d, const char *name)
{
	struct dev *dev = dev_find(d, name);

	if (!dev || !dev->remote)
		return false;
	dev_status(d, KB_STATUS_INFO, "%s: removed", name);
	dev_drop(d, dev);
	dev_changed(d);
	return true;
}
