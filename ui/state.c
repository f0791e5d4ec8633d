// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - the daemon's messages into the UI's model (ui-private.h).
 *
 * Each "menu", "devices" and "network" message replaces its part of the
 * model whole (a fresh arena each time); status lines go into a ring; the
 * countdown and a boot are small values; "download" messages keep a small
 * table of the downloads that run (one that ends leaves it, a failure
 * becomes the message for the user).  Nothing here draws or knows a
 * screen: each message flags what it changed (u->changed, a reply waits in
 * u->reply), and ui.c hands that to the screens before it redraws.
 * Messages of unknown types are ignored (docs/protocol.md: later versions
 * may add some).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonparse.h"
#include "proto/client.h"
#include "proto/jsonwrite.h"
#include "proto/request.h"
#include "ui-private.h"

int ui_json_int(const struct kb_json *j, int dflt)
{
	long long v;

	return kb_json_int(j, INT_MIN, INT_MAX, &v) ? (int)v : dflt;
}

static const char *jstr(const struct kb_json *o, const char *key)
{
	return kb_json_get_str(o, key);
}

/* A JSON array of strings as an arena vector; non-strings are skipped. */
static const char **jstrv(struct arena *a, const struct kb_json *arr, size_t *n)
{
	const char **v;
	size_t i;

	*n = 0;
	if (!arr || arr->type != KB_JARR || !arr->n)
		return NULL;
	v = arena_alloc(a, arr->n * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < arr->n; i++)
		if (arr->item[i]->type == KB_JSTR)
			v[(*n)++] = arr->item[i]->str;
	return v;
}

static bool jbool(const struct kb_json *o, const char *key)
{
	const struct kb_json *v = kb_json_get(o, key);

	return v && v->type == KB_JBOOL && v->b;
}

/* "sda1" from "sda1:/boot/grub/grub.cfg" (arena-owned), or NULL. */
static const char *fs_of(struct arena *a, const char *ref)
{
	const char *colon = ref ? strchr(ref, ':') : NULL;

	return colon ? arena_strndup(a, ref, (size_t)(colon - ref)) : NULL;
}

static void take_menu(struct ui *u, struct arena *a, const struct kb_json *menu)
{
	const struct kb_json *entries = kb_json_get(menu, "entries");
	size_t i, n = entries && entries->type == KB_JARR ? entries->n : 0;

	arena_free(u->menu_arena);
	u->menu_arena = a;
	u->entries = n ? arena_alloc(a, n * sizeof(*u->entries)) : NULL;
	u->nentries = 0;
	for (i = 0; u->entries && i < n; i++) {
		const struct kb_json *j = entries->item[i];
		struct ui_entry *e = &u->entries[u->nentries];
		const char *hotkey = jstr(j, "hotkey");

		if (j->type != KB_JOBJ || !jstr(j, "id") || !jstr(j, "title"))
			continue;
		e->title = jstr(j, "title");
		e->id = jstr(j, "id");
		e->source = jstr(j, "source");
		e->config = jstr(j, "config");
		e->kernel = jstr(j, "kernel");
		e->dtb = jstr(j, "dtb");
		e->cmdline = jstr(j, "cmdline");
		e->fs = fs_of(a, e->config ? e->config : e->kernel);
		e->submenu = jstrv(a, kb_json_get(j, "submenu"), &e->nsubmenu);
		e->initrd = jstrv(a, kb_json_get(j, "initrd"), &e->ninitrd);
		e->multiboot = jstr(j, "type") && !strcmp(jstr(j, "type"), "multiboot");
		e->modargs = jstrv(a, kb_json_get(j, "module_args"), &e->nmodargs);
		e->warnings = jstrv(a, kb_json_get(j, "warnings"), &e->nwarnings);
		e->hotkey = hotkey && hotkey[0] && !hotkey[1] ? hotkey[0] : '\0';
		e->is_default = jbool(j, "default");
		e->available = jbool(j, "available");
		u->nentries++;
	}
	u->menu_warnings = jstrv(a, kb_json_get(menu, "warnings"), &u->nmenu_warnings);
	u->changed |= UI_CHANGED_MENU;
}

static void take_devices(struct ui *u, struct arena *a, const struct kb_json *devs)
{
	size_t i, n = devs && devs->type == KB_JARR ? devs->n : 0;

	arena_free(u->dev_arena);
	u->dev_arena = a;
	u->devs = n ? arena_alloc(a, n * sizeof(*u->devs)) : NULL;
	u->ndevs = 0;
	for (i = 0; u->devs && i < n; i++) {
		const struct kb_json *j = devs->item[i];
		struct ui_device *d = &u->devs[u->ndevs];

		if (j->type != KB_JOBJ || !jstr(j, "name"))
			continue;
		d->name = jstr(j, "name");
		d->dev = jstr(j, "dev");
		d->source = jstr(j, "source");
		d->fstype = jstr(j, "fstype");
		d->label = jstr(j, "label");
		d->uuid = jstr(j, "uuid");
		d->partuuid = jstr(j, "partuuid");
		d->state = jstr(j, "state");
		d->reason = jstr(j, "reason");
		d->mountpoint = jstr(j, "mountpoint");
		d->url = jstr(j, "url");
		d->dirty = kb_json_get(j, "dirty") && kb_json_get(j, "dirty")->type == KB_JBOOL &&
			   kb_json_get(j, "dirty")->b;
		u->ndevs++;
	}
}

static void log_add(struct ui *u, uint64_t time, int level, const char *text)
{
	struct ui_status *s;
	char *copy = strdup(text);

	if (!copy)
		return;
	if (u->log_n == UI_LOG_KEEP) {
		free(u->log[u->log_first].text);
		u->log_first = (u->log_first + 1) % UI_LOG_KEEP;
		u->log_n--;
	}
	s = &u->log[(u->log_first + u->log_n++) % UI_LOG_KEEP];
	s->time = time;
	s->level = level;
	s->text = copy;
}

/* After S: the server's new state in the message line, once it is settled. */
static void ssh_said(struct ui *u)
{
	const char *state = jstr(u->ssh, "state"), *fp = jstr(u->ssh, "fingerprint");
	const char *reason = jstr(u->ssh, "reason");
	const struct kb_json *port = kb_json_get(u->ssh, "port");

	if (!state)
		return;
	if (!strcmp(state, "failed")) {
		ui_say(u, 2, "SSH server failed: %s", reason ? reason : "?");
	} else if (u->ssh_asked < 0) {
		if (strcmp(state, "off"))
			return; /* still stopping */
		ui_say(u, 0, "SSH server off");
	} else if (!strcmp(state, "running")) {
		/* As the daemon's status line says it: 80 columns hold it. */
		ui_say(u, 0, "ssh: port %d, host key %s", ui_json_int(port, 22), fp ? fp : "?");
	} else {
		ui_say(u, 0, "SSH server starting (once the network is up)%s",
		       ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
		return;
	}
	u->ssh_asked = 0;
}

static void take_countdown(struct ui *u, const struct kb_json *m)
{
	const char *state = jstr(m, "state"), *id = jstr(m, "entry"), *title = jstr(m, "title");
	const struct kb_json *rem = kb_json_get(m, "remaining");
	enum ui_cd old = u->cd;

	if (!state)
		return;
	u->cd = !strcmp(state, "running")   ? UI_CD_RUNNING
		: !strcmp(state, "stopped") ? UI_CD_STOPPED
		: !strcmp(state, "fired")   ? UI_CD_FIRED
					    : UI_CD_OFF;
	if (u->cd == UI_CD_RUNNING && old != UI_CD_RUNNING)
		u->cancel_sent = false;
	free(u->cd_id);
	free(u->cd_title);
	u->cd_id = id ? strdup(id) : NULL;
	u->cd_title = title ? strdup(title) : NULL;
	u->cd_remaining = ui_json_int(rem, 0);
	u->changed |= UI_CHANGED_COUNTDOWN;
}

/* "booting": remember the plan, to print it once curses is left. */
static void take_booting(struct ui *u, const struct kb_json *m)
{
	const char *title = jstr(m, "title");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	fprintf(f, "Booting '%s'\n", title ? title : "?");
	kb_jbooting_write_text(f, m);
	if (fclose(f)) {
		free(buf);
		return;
	}
	free(u->booting);
	u->booting = buf;
}

/* ---- Downloads ---- */

static void dl_remove(struct ui *u, size_t i)
{
	free(u->dl[i].url);
	memmove(&u->dl[i], &u->dl[i + 1], (u->ndl - i - 1) * sizeof(u->dl[0]));
	u->ndl--;
}

void ui_downloads_clear(struct ui *u)
{
	while (u->ndl)
		dl_remove(u, u->ndl - 1);
}

static uint64_t jsize(const struct kb_json *o, const char *key)
{
	const struct kb_json *v = kb_json_get(o, key);

	return v && v->type == KB_JNUM && v->num > 0 ? (uint64_t)v->num : 0;
}

static void take_download(struct ui *u, const struct kb_json *m)
{
	const struct kb_json *id = kb_json_get(m, "id"), *total = kb_json_get(m, "total");
	const char *state = jstr(m, "state"), *name = jstr(m, "name"), *url = jstr(m, "url");
	const char *err = jstr(m, "error");
	struct ui_download *d = NULL;
	size_t i;

	if (!id || id->type != KB_JNUM || !state)
		return;
	for (i = 0; i < u->ndl && !d; i++)
		if (u->dl[i].id == ui_json_int(id, -1))
			d = &u->dl[i];
	if (strcmp(state, "running")) {
		/* It ended: done says nothing (the boot goes on), the rest say why. */
		if (d)
			dl_remove(u, (size_t)(d - u->dl));
		if (!strcmp(state, "failed"))
			ui_say(u, 2, "%s", err ? err : "A download failed.");
		else if (!strcmp(state, "cancelled"))
			ui_say(u, 1, "Download of the %s stopped.", name ? name : "file");
		return;
	}
	if (!d) {
		if (u->ndl == UI_DL_MAX)
			return;
		d = &u->dl[u->ndl++];
		memset(d, 0, sizeof(*d));
		d->id = ui_json_int(id, -1);
		u->changed |= UI_CHANGED_DOWNLOAD;
	}
	snprintf(d->name, sizeof(d->name), "%s", name ? name : "file");
	if (url && (!d->url || strcmp(d->url, url))) {
		free(d->url);
		d->url = strdup(url);
	}
	d->bytes = jsize(m, "bytes");
	d->total = total && total->type == KB_JNUM && total->num >= 0 ? (int64_t)total->num : -1;
	d->rate = jsize(m, "rate");
}

/* A reply waits for the screen that asked (ui_reply_take()), until ui_state_reply_done(). */
static void take_reply(struct ui *u, const struct kb_json *m)
{
	const struct kb_json *seq = kb_json_get(m, "seq");

	u->reply = m;
	u->reply_seq = ui_json_int(seq, 0);
	u->changed |= UI_CHANGED_REPLY;
}

const struct kb_json *ui_reply_take(struct ui *u, int seq)
{
	const struct kb_json *m = u->reply;

	if (!m || !seq || seq != u->reply_seq)
		return NULL;
	u->reply = NULL;
	return m;
}

void ui_state_reply_done(struct ui *u)
{
	const struct kb_json *m = u->reply, *ok = kb_json_get(m, "ok");
	const char *err = jstr(m, "error");

	u->reply = NULL;
	if (!m || (ok && ok->type == KB_JBOOL && ok->b))
		return;
	/* A failed boot or rescan: the daemon's sentence, on screen. */
	ui_say(u, 2, "%s", err ? err : "the daemon refused the request");
}

bool ui_state_message(struct ui *u, const struct kb_json *msg, struct arena *a)
{
	const char *type = jstr(msg, "type");

	if (!type)
		return false;
	if (!strcmp(type, "menu")) {
		take_menu(u, a, kb_json_get(msg, "menu"));
		return true;
	} else if (!strcmp(type, "devices")) {
		take_devices(u, a, kb_json_get(msg, "devices"));
		return true;
	} else if (!strcmp(type, "network")) {
		arena_free(u->net_arena);
		u->net_arena = a;
		u->network = kb_json_get(msg, "interfaces");
		u->changed |= UI_CHANGED_NETWORK;
		return true;
	} else if (!strcmp(type, "ssh")) {
		arena_free(u->ssh_arena);
		u->ssh_arena = a;
		u->ssh = msg;
		if (u->ssh_asked)
			ssh_said(u);
		return true;
	} else if (!strcmp(type, "status")) {
		const struct kb_json *t = kb_json_get(msg, "time");
		const char *level = jstr(msg, "level");

		int lvl = !level || !strcmp(level, "info") ? 0 : !strcmp(level, "warning") ? 1 : 2;

		log_add(u, t && t->type == KB_JNUM && t->num > 0 ? (uint64_t)t->num : 0, lvl,
			jstr(msg, "text") ? jstr(msg, "text") : "");
		if (lvl || !u->message_level) {
			/*
			 * A problem the daemon reports outranks our own message;
			 * news of any kind replaces one that is no warning: it
			 * mostly said what was under way ("Looking for a PXE
			 * config…"), and the news is how that went.
			 */
			free(u->message);
			u->message = NULL;
		}
	} else if (!strcmp(type, "countdown")) {
		take_countdown(u, msg);
	} else if (!strcmp(type, "settings")) {
		const char *def = jstr(msg, "default");

		free(u->default_entry);
		u->default_entry = def ? strdup(def) : NULL;
		u->changed |= UI_CHANGED_MENU;
	} else if (!strcmp(type, "ready")) {
		u->ready = true;
	} else if (!strcmp(type, "booting")) {
		take_booting(u, msg);
	} else if (!strcmp(type, "reply")) {
		take_reply(u, msg);
	} else if (!strcmp(type, "download")) {
		take_download(u, msg);
	}
	return false;
}

void ui_state_free(struct ui *u)
{
	size_t i;

	arena_free(u->menu_arena);
	arena_free(u->dev_arena);
	arena_free(u->net_arena);
	arena_free(u->ssh_arena);
	u->menu_arena = u->dev_arena = u->net_arena = u->ssh_arena = NULL;
	u->ssh = NULL;
	for (i = 0; i < u->log_n; i++)
		free(u->log[(u->log_first + i) % UI_LOG_KEEP].text);
	u->log_n = 0;
	free(u->cd_id);
	free(u->cd_title);
	free(u->default_entry);
	free(u->booting);
	ui_downloads_clear(u);
	free(u->message);
}

const struct ui_device *ui_device(const struct ui *u, const char *name)
{
	size_t i;

	for (i = 0; name && i < u->ndevs; i++)
		if (!strcmp(u->devs[i].name, name))
			return &u->devs[i];
	return NULL;
}

/* ---- The daemon's network interfaces, for the screens ---- */

size_t ui_iface_count(const struct ui *u)
{
	return u->network && u->network->type == KB_JARR ? u->network->n : 0;
}

const struct kb_json *ui_iface_at(const struct ui *u, size_t i)
{
	return i < ui_iface_count(u) ? u->network->item[i] : NULL;
}

const struct kb_json *ui_iface_named(const struct ui *u, const char *name)
{
	size_t i;

	for (i = 0; name && i < ui_iface_count(u); i++) {
		const char *n = kb_json_get_str(ui_iface_at(u, i), "name");

		if (n && !strcmp(n, name))
			return ui_iface_at(u, i);
	}
	return NULL;
}

const char *ui_iface_str(const struct kb_json *x, const char *key)
{
	const char *s = x ? kb_json_get_str(x, key) : NULL;

	return s ? s : "";
}

const char *ui_iface_cidr(const struct kb_json *x, char *buf, size_t size)
{
	const struct kb_json *prefix = x ? kb_json_get(x, "prefix") : NULL;

	if (!*ui_iface_str(x, "address"))
		return "";
	snprintf(buf, size, "%s/%d", ui_iface_str(x, "address"), ui_json_int(prefix, 32));
	return buf;
}

int ui_request(struct ui *u, const struct kb_req *r)
{
	int ret;

	if (!u->conn) {
		ui_say(u, 2, "not connected to the daemon");
		return -ENOTCONN;
	}
	ret = kb_conn_send_req(u->conn, r, 1000);
	if (ret < 0)
		ui_say(u, 2, "cannot reach the daemon: %s", strerror(-ret));
	else
		u->seq = ret;
	return ret;
}

void ui_say(struct ui *u, int level, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(u->message);
	u->message = s;
	u->message_level = level;
}
