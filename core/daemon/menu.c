// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * menu.c - `kboot daemon`'s menu: read again whenever the devices change.
 *
 * What it does:
 *   - rebuilds the menu with a fresh engine scan (config/scan.h) of every
 *     ready device; changes arriving together are coalesced into one
 *     rebuild; the menu is kept until the next one;
 *   - pushes "devices" and "menu" when they changed, and a status line for
 *     each filesystem that is new;
 *   - finds the entries of the current menu by id or title.
 *
 * What it does not do: mount or probe anything (the device list does),
 * parse configs (the engine does), or decide what to autoboot (autoboot.c
 * does, after each rebuild).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/json.h"
#include "config/scan.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/loop.h"
#include "proto/server.h"

/* ---- The menu and the devices, as messages ---- */

static const char *const state_names[] = { "probing", "ready", "skipped", "failed" };

static int devices_build(struct kb_daemon *d, struct msg *m)
{
	size_t i, n = kb_devices_count(d->devs);

	if (!dmn_msg_open(m, "devices"))
		return -ENOMEM;
	fputs(",\"devices\":[", m->f);
	for (i = 0; i < n; i++) {
		const struct kb_device *dev = kb_devices_at(d->devs, i);

		fputs(i ? ",{" : "{", m->f);
		fputs("\"name\":", m->f);
		kb_json_string(m->f, dev->name);
		dmn_json_key_str(m->f, "dev", dev->dev);
		dmn_json_key_str(m->f, "source", dev->source);
		dmn_json_key_str(m->f, "url", dev->url);
		dmn_json_key_str(m->f, "fstype", dev->fstype);
		dmn_json_key_str(m->f, "uuid", dev->uuid);
		dmn_json_key_str(m->f, "label", dev->label);
		dmn_json_key_str(m->f, "partuuid", dev->partuuid);
		dmn_json_key_str(m->f, "partlabel", dev->partlabel);
		dmn_json_key_str(m->f, "state",
				 (unsigned)dev->state < 4 ? state_names[dev->state] : "failed");
		dmn_json_key_str(m->f, "reason", dev->reason);
		dmn_json_key_str(m->f, "mountpoint", dev->state == KB_DEV_READY ? dev->mnt : NULL);
		if (dev->dirty)
			fputs(",\"dirty\":true", m->f);
		putc('}', m->f);
	}
	putc(']', m->f);
	return dmn_msg_close(m);
}

static int menu_build(struct kb_daemon *d, struct msg *m)
{
	if (!dmn_msg_open(m, "menu"))
		return -ENOMEM;
	fputs(",\"menu\":", m->f);
	kb_menu_write_json_line(m->f, d->menu.scan->arena, &d->menu.scan->menu);
	return dmn_msg_close(m);
}

static bool scan_has_fs(const struct kb_scan *s, const char *name)
{
	size_t i;

	for (i = 0; s && i < s->fs.n; i++)
		if (!strcmp(((const struct kb_fs *)s->fs.v[i])->name, name))
			return true;
	return false;
}

/* Status lines for filesystems that are new in this menu. */
static void report_new_fs(struct kb_daemon *d, const struct kb_scan *old)
{
	size_t i, j;

	for (i = 0; i < d->menu.scan->fs.n; i++) {
		const struct kb_fs *fs = d->menu.scan->fs.v[i];
		size_t n = 0;

		if (scan_has_fs(old, fs->name))
			continue;
		for (j = 0; j < d->menu.scan->menu.entries.n; j++) {
			const struct kb_entry *e = d->menu.scan->menu.entries.v[j];

			if (e->config.fs == fs || (!e->config.fs && e->kernel.fs == fs))
				n++;
		}
		dmn_status(d, KB_STATUS_INFO, "%s: %zu %s", fs->name, n,
			   n == 1 ? "entry" : "entries");
	}
}

/* ---- Rebuilds ---- */

void dmn_menu_rebuild(struct kb_daemon *d)
{
	struct kb_scan *s, *old;
	size_t i, n = kb_devices_count(d->devs);
	struct msg m;
	int ret;

	/* A coalesced rebuild still pending would only repeat this one. */
	if (d->menu.rebuild) {
		kb_loop_cancel(d->loop, d->menu.rebuild);
		d->menu.rebuild = NULL;
	}
	s = kb_scan_new();
	if (!s) {
		dmn_status(d, KB_STATUS_ERROR, "cannot read the menu: out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct kb_device *dev = kb_devices_at(d->devs, i);
		struct kb_fs id = {
			.name = dev->name,
			.dev = dev->dev,
			.fstype = dev->fstype,
			.uuid = dev->uuid,
			.label = dev->label,
			.partuuid = dev->partuuid,
			.partlabel = dev->partlabel,
			.pttype = dev->pttype,
			.disk = dev->disk,
			.part = dev->part,
			.rootfd = -1,
			.url = dev->base,
			.config = dev->config,
			.parser = dev->parser,
			.basedir = dev->basedir,
			.ipappend = { dev->ipappend[0], dev->ipappend[1] },
		};

		if (dev->state != KB_DEV_READY || !dev->mnt)
			continue;
		ret = kb_scan_add_dir(s, dev->mnt, &id);
		if (ret)
			dmn_status(d, KB_STATUS_WARNING, "%s: cannot read %s: %s", dev->name,
				   dev->mnt, strerror(-ret));
	}
	ret = kb_scan_run(s);
	if (ret) {
		dmn_status(d, KB_STATUS_ERROR, "cannot read the menu: %s", strerror(-ret));
		kb_scan_free(s);
		return;
	}
	old = d->menu.scan;
	d->menu.scan = s;
	report_new_fs(d, old);
	kb_scan_free(old);

	if (!devices_build(d, &m))
		dmn_update_msg(d, &d->menu.devices_msg, &d->menu.devices_len, &m);
	if (!menu_build(d, &m))
		dmn_update_msg(d, &d->menu.msg, &d->menu.len, &m);
	if (d->menu.rebuilt)
		d->menu.rebuilt(d);
}

static void rebuild_timer(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->menu.rebuild = NULL;
	dmn_menu_rebuild(d);
}

void dmn_menu_devices_changed(struct kb_devices *devs, void *data)
{
	struct kb_daemon *d = data;

	if (d->menu.rebuild || d->booting)
		return;
	d->menu.rebuild = kb_loop_timer(d->loop, 0, rebuild_timer, d);
	if (!d->menu.rebuild)
		dmn_status(d, KB_STATUS_ERROR, "cannot read the menu: out of memory");
}

/* ---- For a new client ---- */

int dmn_menu_send(struct kb_daemon *d, struct kb_client *c)
{
	if (!d->menu.devices_msg || !d->menu.msg)
		return -ENOMEM;
	if (kb_client_send(c, d->menu.devices_msg, d->menu.devices_len) ||
	    kb_client_send(c, d->menu.msg, d->menu.len))
		return -EPIPE;
	return 0;
}

/* ---- Entries of the menu ---- */

const struct kb_entry *dmn_entry_by_id(const struct kb_daemon *d, const char *id)
{
	size_t i;

	if (!d->menu.scan || !id)
		return NULL;
	for (i = 0; i < d->menu.scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->menu.scan->menu.entries.v[i];

		if (!strcmp(e->id, id))
			return e;
	}
	return NULL;
}

const struct kb_entry *dmn_entry_by_title(const struct kb_daemon *d, const char *title)
{
	size_t i;

	if (!d->menu.scan || !title)
		return NULL;
	for (i = 0; i < d->menu.scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->menu.scan->menu.entries.v[i];

		if (e->title && !strcmp(e->title, title))
			return e;
	}
	return NULL;
}

const char *dmn_entry_name(const struct kb_entry *e)
{
	return e->title ? e->title : e->id;
}

void dmn_menu_free(struct kb_daemon *d)
{
	if (d->menu.rebuild)
		kb_loop_cancel(d->loop, d->menu.rebuild);
	d->menu.rebuild = NULL;
	kb_scan_free(d->menu.scan);
	d->menu.scan = NULL;
	free(d->menu.devices_msg);
	free(d->menu.msg);
	d->menu.devices_msg = d->menu.msg = NULL;
}
