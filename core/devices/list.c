// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list.c - the bottom of the daemon's device list (private.h): status
 * lines and change signals to the list's owner, finding and appending
 * devices, taking them off (their probe abandoned, their mount detached),
 * and the KEY=value records probe children send.
 *
 * Everything else of core/devices/ builds on this file; it calls none of
 * them.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "config/blockdev.h"
#include "devices/private.h"
#include "lib/loop.h"

#define VALUE_MAX 255 /* longest value in a record */

/* Every probe child not reaped yet, of every list; found by pid. */
struct probe *dev_probes;

/* ---- The list ---- */

void dev_status(struct kb_devices *d, int level, const char *fmt, ...)
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

void dev_changed(struct kb_devices *d)
{
	if (d->cfg.changed)
		d->cfg.changed(d, d->cfg.data);
}

struct dev *dev_find(const struct kb_devices *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i]->pub.name, name))
			return d->v[i];
	return NULL;
}

int dev_push(struct kb_devices *d, struct dev *dev)
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

/* ---- Removing ---- */

/* Forget dev: stop its probe, detach its mount, free it.  No callbacks. */
void dev_drop(struct kb_devices *d, struct dev *dev)
{
	probe_abandon(d, dev);
	if (dev->mounted)
		dev_detach(dev->dir);
	unlink_dev(d, dev);
	arena_free(dev->pub.arena);
}

/* Remove the device called name (and, for a disk, its partitions). */
bool dev_remove_named(struct kb_devices *d, const char *name)
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
		dev_status(d, KB_STATUS_INFO, "%s: removed", dev->pub.name);
		dev_drop(d, dev);
		any = true;
	}
	return any;
}

/* ---- Probes and records ---- */

/* Abandon dev's probe: kill the child; it is cleaned up when reaped. */
void probe_abandon(struct kb_devices *d, struct dev *dev)
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

void probe_free(struct probe *p)
{
	if (p->fd >= 0)
		close(p->fd);
	free(p->dir);
	free(p);
}

void dev_detach(const char *dir)
{
	umount2(dir, MNT_DETACH);
	kb_remove_tree(dir); /* what a network source fetched */
}

/* Append "KEY=value\n" to a record, value cut and kept on one line. */
void dev_rec_add(char *rec, size_t *len, const char *key, const char *value)
{
	size_t i;
	int n;

	if (!value)
		return;
	n = snprintf(rec + *len, RECORD_MAX - *len, "%s=", key);
	if (n < 0 || (size_t)n >= RECORD_MAX - *len)
		return;
	*len += (size_t)n;
	for (i = 0; i < VALUE_MAX && value[i] && *len < RECORD_MAX - 1; i++)
		rec[(*len)++] = (unsigned char)value[i] < 0x20 ? '?' : value[i];
	if (*len < RECORD_MAX - 1)
		rec[(*len)++] = '\n';
}

/* The record's value for key, copied into a; NULL when absent. */
const char *dev_rec_get(struct arena *a, const char *rec, const char *key)
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
