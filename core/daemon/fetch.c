// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fetch.c - booting from the network: a plan's files downloaded
 * to tmpfs first, then the boot as from a disk.
 *
 * A boot plan whose kernel, initrds or device tree lie on a network source
 * (kb_fs.url) or were given as URLs is "pending": each such file is
 * downloaded (download.h: a child each, progress, cancel, a memory limit)
 * into the downloads directory, and every change of a download is pushed
 * to the clients as a "download" message.  When the last one is done the
 * plan, now of local files, goes to the done hook (boot.c's dmn_boot());
 * when one fails the others are stopped and the failure is a status line;
 * the menu goes on.  The "abort" request stops them all.  One pending boot
 * at a time.  A new client gets the last state of the recent downloads.
 *
 * The downloads directory is /run/kboot/downloads with real devices, a
 * private directory under /tmp with --source directories (removed at the
 * end).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/blockdev.h"
#include "config/json.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "net/download.h"
#include "net/fetch/fetch.h"
#include "net/remote.h"

#define KB_DOWNLOAD_DIR "/run/kboot/downloads"

struct item {
	struct kb_file *file; /* in the pending plan; made local once done */
	const char *url;
	const char *name; /* the file in the downloads directory */
	int id;		  /* the download, 0 once finished */
};

struct pending {
	struct arena *a;       /* owns everything here */
	struct boot_plan plan; /* network files replaced as they arrive */
	struct kb_fs local;    /* the downloads directory as a filesystem */
	struct item items[66]; /* kernel, initrds (at most 64), dtb */
	size_t n, left;	       /* items, items not done yet */
	struct ptrv fds;       /* local filesystems' rootfds we dup'd (as intptr_t) */
};

bool dmn_plan_is_remote(const struct boot_plan *p)
{
	size_t i;

	if (p->kernel.fs && p->kernel.fs->url)
		return true;
	for (i = 0; i < p->initrds.n; i++) {
		const struct kb_file *f = p->initrds.v[i];

		if (f->fs && f->fs->url)
			return true;
	}
	return p->dtb.fs && p->dtb.fs->url;
}

/* ,"key":url for people: its password as "***" (kb_url_redact()). */
static void url_shown(FILE *f, const char *key, const char *url)
{
	char buf[4200];

	fprintf(f, ",\"%s\":", key);
	kb_json_string(f, kb_url_redact(url, buf, sizeof(buf)));
}

static const char *const dl_states[] = { "running", "done", "failed", "cancelled" };

/* Keep a download's last state for clients that connect later. */
static void keep_msg(struct kb_daemon *d, int id, const struct msg *m)
{
	size_t i, slot = 0;

	for (i = 0; i < DMN_DOWNLOADS_KEPT; i++) {
		if (d->dl.kept[i].id == id) {
			slot = i;
			break;
		}
		if (d->dl.kept[i].id < d->dl.kept[slot].id)
			slot = i; /* the oldest, or an empty slot */
	}
	free(d->dl.kept[slot].msg);
	d->dl.kept[slot].id = id;
	d->dl.kept[slot].msg = malloc(m->len);
	d->dl.kept[slot].len = d->dl.kept[slot].msg ? m->len : 0;
	if (d->dl.kept[slot].msg)
		memcpy(d->dl.kept[slot].msg, m->buf, m->len);
}

int dmn_fetch_send_all(struct kb_daemon *d, struct kb_client *c)
{
	size_t i;
	int ret;

	for (i = 0; i < DMN_DOWNLOADS_KEPT; i++)
		if (d->dl.kept[i].msg &&
		    (ret = kb_client_send(c, d->dl.kept[i].msg, d->dl.kept[i].len)))
			return ret;
	return 0;
}

bool dmn_fetch_waiting(const struct kb_daemon *d)
{
	return d->dl.pending != NULL;
}

static void download_push(struct kb_daemon *d, const struct kb_download *dl)
{
	const char *name = strrchr(dl->path, '/');
	struct msg m;

	if (!dmn_msg_open(&m, "download"))
		return;
	fprintf(m.f, ",\"id\":%d", dl->id);
	dmn_json_key_str(m.f, "name", name ? name + 1 : dl->path);
	url_shown(m.f, "url", dl->url);
	dmn_json_key_str(m.f, "state", dl_states[dl->state]);
	fprintf(m.f, ",\"bytes\":%llu", (unsigned long long)dl->bytes);
	if (dl->total)
		fprintf(m.f, ",\"total\":%llu", (unsigned long long)dl->total);
	else
		fputs(",\"total\":null", m.f);
	fprintf(m.f, ",\"rate\":%llu", (unsigned long long)dl->rate);
	dmn_json_key_str(m.f, "error", dl->error);
	if (dmn_msg_close(&m))
		return;
	keep_msg(d, dl->id, &m);
	if (d->srv)
		kb_server_broadcast(d->srv, m.buf, m.len);
	free(m.buf);
}

static void pending_free(struct kb_daemon *d)
{
	struct pending *p = d->dl.pending;

	if (!p)
		return;
	d->dl.pending = NULL;
	if (p->local.rootfd >= 0)
		close(p->local.rootfd);
	for (size_t i = 0; i < p->fds.n; i++)
		close((int)(intptr_t)p->fds.v[i]);
	arena_free(p->a);
	free(p);
}

/* Stop every download of the pending boot that still runs, and forget it. */
static void pending_stop(struct kb_daemon *d)
{
	size_t i;

	for (i = 0; d->dl.pending && i < d->dl.pending->n; i++)
		if (d->dl.pending->items[i].id)
			kb_download_cancel(d->dl.dls, d->dl.pending->items[i].id);
	pending_free(d);
}

/* Every file arrived: boot the plan of local files. */
static void pending_boot(struct kb_daemon *d)
{
	struct pending *p = d->dl.pending;
	struct arena *a = arena_new();
	const char *err = NULL;

	/* A failure to load is a status line of the boot's (the done hook: dmn_boot). */
	if (!a)
		dmn_status(d, KB_STATUS_ERROR, "cannot boot '%s': out of memory", p->plan.title);
	else if (d->dl.done)
		d->dl.done(d, a, &p->plan, &err);
	arena_free(a);
	pending_free(d);
}

static void on_download(struct kb_downloads *dls, const struct kb_download *dl, void *data)
{
	struct kb_daemon *d = data;
	struct pending *p = d->dl.pending;
	struct item *it = NULL;
	size_t i;

	download_push(d, dl);
	for (i = 0; p && i < p->n; i++)
		if (p->items[i].id == dl->id)
			it = &p->items[i];
	if (!it || dl->state == KB_DL_RUNNING)
		return;
	it->id = 0;
	if (dl->state == KB_DL_FAILED) {
		dmn_status(d, KB_STATUS_ERROR, "cannot boot '%s': %s", p->plan.title,
			   dl->error ? dl->error : "a download failed");
		pending_stop(d);
		return;
	}
	if (dl->state == KB_DL_CANCELLED) {
		pending_stop(d);
		return;
	}
	it->file->fs = &p->local;
	it->file->path = arena_printf(p->a, "/%s", it->name);
	if (!it->file->path) {
		dmn_status(d, KB_STATUS_ERROR, "cannot boot '%s': out of memory", p->plan.title);
		pending_stop(d);
		return;
	}
	if (--p->left == 0)
		pending_boot(d);
}

/* The downloads and their directory, made at the first boot that needs them. */
static int downloads_init(struct kb_daemon *d)
{
	char tmpl[] = "/tmp/kboot-dl-XXXXXX";

	if (d->dl.dls)
		return 0;
	if (d->sources) {
		if (!mkdtemp(tmpl))
			return -errno;
		d->dl.dir = strdup(tmpl);
	} else {
		d->dl.dir = strdup(KB_DOWNLOAD_DIR);
	}
	if (!d->dl.dir)
		return -ENOMEM;
	d->dl.dls = kb_downloads_new(d->loop, d->dl.dir, on_download, d);
	return d->dl.dls ? 0 : -errno;
}

/*
 * A local file of the plan keeps working while the menu is read again
 * (which frees the filesystems it was read from): its filesystem is
 * copied, with a descriptor of our own.
 */
static int keep_local(struct pending *p, struct kb_file *f, const char **err)
{
	struct kb_fs *fs = arena_alloc(p->a, sizeof(*fs));

	if (!fs || ptrv_push(p->a, &p->fds, (void *)(intptr_t)-1)) {
		*err = "out of memory";
		return -ENOMEM;
	}
	*fs = *f->fs;
	fs->name = arena_strdup(p->a, f->fs->name);
	fs->root = arena_strdup(p->a, f->fs->root);
	fs->rootfd = fcntl(f->fs->rootfd, F_DUPFD_CLOEXEC, 0);
	f->path = arena_strdup(p->a, f->path);
	if (fs->rootfd < 0 || !fs->name || !fs->root || !f->path) {
		p->fds.n--;
		if (fs->rootfd >= 0)
			close(fs->rootfd);
		*err = "cannot keep a file of the plan open";
		return -ENOMEM;
	}
	p->fds.v[p->fds.n - 1] = (void *)(intptr_t)fs->rootfd;
	f->fs = fs;
	return 0;
}

/* Queue f for download if it is a network file.  0, or -errno with *err. */
static int add_item(struct kb_daemon *d, struct pending *p, struct arena *a, struct kb_file *f,
		    size_t index, const char *name, const char **err)
{
	struct item *it = &p->items[p->n];
	char url[4096], msg[512];
	int id;

	if (!f->fs)
		return 0;
	if (!f->fs->url)
		return keep_local(p, f, err);
	if (kb_remote_url(f->fs->url, f->path, url, sizeof(url))) {
		*err = "a URL is too long";
		return -ENAMETOOLONG;
	}
	it->file = f;
	it->name = name;
	it->url = arena_strdup(p->a, url);
	p->plan.urls[index] = it->url;
	if (!it->url) {
		*err = "out of memory";
		return -ENOMEM;
	}
	id = kb_download_start(d->dl.dls, url, name, 0, 0, msg, sizeof(msg));
	if (id < 0) {
		*err = arena_strdup(a, msg);
		return id;
	}
	it->id = id;
	p->n++;
	p->left++;
	return 0;
}

/* A copy of f in p's arena (the plan outlives the request). */
static struct kb_file *copy_file(struct pending *p, const struct kb_file *f)
{
	struct kb_file *c = arena_alloc(p->a, sizeof(*c));

	if (c)
		*c = *f;
	return c;
}

int dmn_fetch_plan(struct kb_daemon *d, struct arena *a, const struct boot_plan *plan,
		   const char **err)
{
	struct pending *p;
	struct kb_file *f;
	size_t i;
	int ret;

	if (d->dl.pending) {
		*err = "a boot is already waiting for its downloads";
		return -EBUSY;
	}
	if (plan->initrds.n > 64) {
		*err = "more than 64 initrds";
		return -E2BIG;
	}
	ret = downloads_init(d);
	if (ret) {
		*err = "cannot make the downloads directory";
		return ret;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->a = arena_new())) {
		free(p);
		*err = "out of memory";
		return -ENOMEM;
	}
	d->dl.pending = p;
	p->plan = *plan;
	p->plan.entry = arena_strdup(p->a, plan->entry);
	p->plan.title = arena_strdup(p->a, plan->title);
	p->plan.cmdline = arena_strdup(p->a, plan->cmdline);
	p->plan.initrds = (struct ptrv){ 0 };
	p->plan.modargs = (struct ptrv){ 0 };
	for (i = 0; i < plan->modargs.n; i++) {
		char *s = arena_strdup(p->a, plan->modargs.v[i]);

		if (!s || ptrv_push(p->a, &p->plan.modargs, s)) {
			*err = "out of memory";
			ret = -ENOMEM;
			goto fail;
		}
	}
	p->local = (struct kb_fs){ .name = "download", .root = d->dl.dir, .disk = -1 };
	p->local.rootfd = open(d->dl.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (p->local.rootfd < 0 || !p->plan.title || !p->plan.cmdline) {
		*err = "cannot prepare the downloads";
		ret = -ENOMEM;
		goto fail;
	}
	p->plan.urls = arena_alloc(p->a, (plan->initrds.n + 2) * sizeof(*p->plan.urls));
	ret = p->plan.urls ? add_item(d, p, a, &p->plan.kernel, 0, "kernel", err) : -ENOMEM;
	for (i = 0; !ret && i < plan->initrds.n; i++) {
		f = copy_file(p, plan->initrds.v[i]);
		if (!f || ptrv_push(p->a, &p->plan.initrds, f)) {
			*err = "out of memory";
			ret = -ENOMEM;
		} else {
			ret = add_item(d, p, a, f, i + 1, arena_printf(p->a, "initrd%zu", i + 1),
				       err);
		}
	}
	if (!ret)
		ret = add_item(d, p, a, &p->plan.dtb, plan->initrds.n + 1, "dtb", err);
	if (ret)
		goto fail;
	dmn_status(d, KB_STATUS_INFO, "'%s': downloading %zu file%s", p->plan.title, p->n,
		   p->n == 1 ? "" : "s");
	return 0;
fail:
	pending_stop(d);
	return ret;
}

int dmn_req_abort(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	if (!d->dl.pending) {
		*err = "no boot is downloading";
		return -ENOENT;
	}
	dmn_status(d, KB_STATUS_INFO, "'%s': downloads stopped", d->dl.pending->plan.title);
	pending_stop(d);
	return 0;
}

void dmn_fetch_free(struct kb_daemon *d)
{
	size_t i;

	pending_free(d);
	kb_downloads_free(d->dl.dls);
	d->dl.dls = NULL;
	if (d->sources && d->dl.dir)
		kb_remove_tree(d->dl.dir);
	free(d->dl.dir);
	d->dl.dir = NULL;
	for (i = 0; i < DMN_DOWNLOADS_KEPT; i++) {
		free(d->dl.kept[i].msg);
		d->dl.kept[i].msg = NULL;
		d->dl.kept[i].id = 0;
	}
}
