// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * autoboot.c - `kboot daemon`'s settings and autoboot countdown.
 *
 * What it does:
 *   - reads the timeout and the default entry from the daemon's options and
 *     from kboot.timeout= / kboot.default= on the kernel command line (the
 *     options win), and pushes "settings" whenever it changes; keeps the
 *     command line's other kboot.* settings for the parts they are for
 *     (kboot.net=, kboot.url=, kboot.ssh=, kboot.kexec=);
 *   - after each rebuild, decides once whether and what to autoboot, and
 *     runs the countdown bound to that entry's id (rule in daemon.h and
 *     docs/daemon.md): a tick a second, a "countdown" message for each, the
 *     boot when it runs out.
 *
 * What it does not do: rebuild the menu (menu.c does; after each rebuild
 * daemon.c's hook calls dmn_countdown_update()), or boot: a countdown that
 * runs out hands its entry to the fire hook (boot.c's dmn_boot_autoboot()).
 * A client's cancel comes through requests.c's table (dmn_req_cancel).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/scan.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/loop.h"
#include "proto/server.h"

/* ---- Settings ---- */

static const char *const source_names[] = { "config", "kernel", "option" };

static int parse_timeout(const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < -1 || n > 86400)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

/*
 * The kernel's own word splitting: spaces separate parameters, double
 * quotes protect spaces (`kboot.default="Debian GNU/Linux"`) and are
 * removed.
 */
static void read_cmdline(struct kb_daemon *d, const char *text)
{
	const char *p = text;
	char *word = malloc(strlen(text) + 1);

	if (!word)
		return;
	while (*p) {
		bool quoted = false;
		size_t n = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				word[n++] = *p;
		}
		word[n] = '\0';
		if (!strncmp(word, "kboot.timeout=", 14)) {
			int t;

			if (parse_timeout(word + 14, &t))
				dmn_status(d, KB_STATUS_WARNING,
					   "%s: not a number of seconds; ignored", word);
			else if (d->set.timeout_src != SRC_OPTION)
				d->set.timeout = t, d->set.timeout_src = SRC_KERNEL;
		} else if (!strncmp(word, "kboot.net=", 10)) {
			free(d->set.net);
			d->set.net = strdup(word + 10);
		} else if (!strncmp(word, "kboot.url=", 10) && word[10]) {
			free(d->set.url);
			d->set.url = strdup(word + 10);
		} else if (!strcmp(word, "kboot.ssh=on") || !strcmp(word, "kboot.ssh=off")) {
			d->set.ssh = !strcmp(word + 10, "on");
		} else if (!strncmp(word, "kboot.ssh=", 10)) {
			dmn_status(d, KB_STATUS_WARNING, "%s: kboot.ssh= is on or off; ignored",
				   word);
		} else if (!strcmp(word, "kboot.kexec=tools")) {
			d->set.kexec_tools = true;
		} else if (!strncmp(word, "kboot.kexec=", 12)) {
			dmn_status(d, KB_STATUS_WARNING,
				   "%s: only kboot.kexec=tools is known; ignored", word);
		} else if (!strncmp(word, "kboot.default=", 14) && word[14]) {
			if (d->set.default_src != SRC_OPTION) {
				free(d->set.default_entry);
				d->set.default_entry = strdup(word + 14);
				d->set.default_src = SRC_KERNEL;
			}
		}
	}
	free(word);
}

void dmn_settings_init(struct kb_daemon *d)
{
	const struct kb_daemon_config *cfg = d->cfg;
	char buf[4096];

	d->set.timeout = KB_TIMEOUT_UNSET;
	d->set.timeout_src = SRC_CONFIG;
	d->set.default_src = SRC_CONFIG;
	/* Options first, so the kernel command line only fills in the rest. */
	if (cfg->timeout != KB_TIMEOUT_UNSET) {
		d->set.timeout = cfg->timeout;
		d->set.timeout_src = SRC_OPTION;
	}
	if (cfg->default_entry) {
		d->set.default_entry = strdup(cfg->default_entry);
		d->set.default_src = SRC_OPTION;
	}
	if (cfg->cmdline) {
		read_cmdline(d, cfg->cmdline);
	} else if (!d->sources) {
		int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		if (n >= 0) {
			buf[n] = '\0';
			read_cmdline(d, buf);
		} else {
			dmn_status(d, KB_STATUS_WARNING, "cannot read /proc/cmdline: %s",
				   strerror(errno));
		}
	}
}

/* The timeout in effect: the override, else the menu's. */
static int effective_timeout(const struct kb_daemon *d)
{
	if (d->set.timeout != KB_TIMEOUT_UNSET)
		return d->set.timeout;
	if (d->menu.scan && d->menu.scan->menu.timeout >= 0)
		return d->menu.scan->menu.timeout;
	return KB_TIMEOUT_WAIT;
}

static int settings_build(struct kb_daemon *d, struct msg *m)
{
	int t = effective_timeout(d);

	if (!dmn_msg_open(m, "settings"))
		return -ENOMEM;
	if (t >= 0)
		fprintf(m->f, ",\"timeout\":%d", t);
	else
		fputs(",\"timeout\":null", m->f);
	dmn_json_key_str(m->f, "default", d->set.default_entry);
	dmn_json_key_str(m->f, "timeout_source", source_names[d->set.timeout_src]);
	dmn_json_key_str(m->f, "default_source", source_names[d->set.default_src]);
	return dmn_msg_close(m);
}

void dmn_settings_update(struct kb_daemon *d)
{
	struct msg m;

	if (!settings_build(d, &m))
		dmn_update_msg(d, &d->set.msg, &d->set.len, &m);
}

int dmn_settings_send(struct kb_daemon *d, struct kb_client *c)
{
	if (!d->set.msg)
		return -ENOMEM;
	return kb_client_send(c, d->set.msg, d->set.len);
}

/* ---- What autoboot boots ---- */

/* kboot.default= names an id or a title; the id wins. */
static const struct kb_entry *entry_by_id_or_title(const struct kb_daemon *d, const char *s)
{
	const struct kb_entry *e = dmn_entry_by_id(d, s);

	return e ? e : dmn_entry_by_title(d, s);
}

/* The entry the menu itself would boot (its default), or NULL. */
static const struct kb_entry *menu_default(const struct kb_daemon *d)
{
	size_t i;

	if (!d->menu.scan)
		return NULL;
	for (i = 0; i < d->menu.scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->menu.scan->menu.entries.v[i];

		if (e->is_default && e->available)
			return e;
	}
	return NULL;
}

/* What autoboot would pick from the current menu, or NULL. */
static const struct kb_entry *autoboot_target(const struct kb_daemon *d)
{
	if (d->set.default_entry)
		return entry_by_id_or_title(d, d->set.default_entry);
	return menu_default(d);
}

/* ---- Countdown ---- */

static const char *const cd_names[] = { "off", "running", "stopped", "fired" };

static int countdown_build(struct kb_daemon *d, struct msg *m)
{
	if (!dmn_msg_open(m, "countdown"))
		return -ENOMEM;
	dmn_json_key_str(m->f, "state", cd_names[d->cd.state]);
	dmn_json_key_str(m->f, "entry", d->cd.id);
	dmn_json_key_str(m->f, "title", d->cd.title);
	if (d->cd.state == CD_RUNNING)
		fprintf(m->f, ",\"remaining\":%d", d->cd.remaining);
	else if (d->cd.state == CD_FIRED)
		fputs(",\"remaining\":0", m->f);
	else
		fputs(",\"remaining\":null", m->f);
	return dmn_msg_close(m);
}

static void countdown_push(struct kb_daemon *d)
{
	struct msg m;

	if (countdown_build(d, &m))
		return;
	if (d->srv)
		kb_server_broadcast(d->srv, m.buf, m.len);
	free(m.buf);
}

/* Stop the countdown for good. */
static void countdown_stop(struct kb_daemon *d)
{
	if (d->cd.tick) {
		kb_loop_cancel(d->loop, d->cd.tick);
		d->cd.tick = NULL;
	}
	d->cd.state = CD_STOPPED;
	d->cd.decided = true;
	countdown_push(d);
}

int dmn_countdown_send(struct kb_daemon *d, struct kb_client *c)
{
	struct msg m;
	int ret = countdown_build(d, &m);

	if (ret)
		return ret;
	ret = kb_client_send(c, m.buf, m.len);
	free(m.buf);
	return ret;
}

int dmn_req_cancel(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	if (d->cd.state != CD_RUNNING && d->cd.decided)
		return 0; /* nothing to cancel: it ran out, stopped, or never started */
	dmn_status(d, KB_STATUS_INFO, "countdown cancelled");
	countdown_stop(d);
	return 0;
}

void dmn_countdown_end(struct kb_daemon *d)
{
	if (d->cd.tick) {
		kb_loop_cancel(d->loop, d->cd.tick);
		d->cd.tick = NULL;
	}
	if (d->cd.state == CD_RUNNING) {
		d->cd.state = CD_STOPPED;
		d->cd.decided = true;
		countdown_push(d);
	}
}

/* The boot itself is the fire hook's (boot.c's, as daemon.c wires it). */
static void countdown_fire(struct kb_daemon *d)
{
	d->cd.state = CD_FIRED;
	countdown_push(d);
	if (d->cd.fire)
		d->cd.fire(d, d->cd.id, d->cd.title);
	if (!d->booting) {
		/* Back to the menu: the countdown does not start again. */
		d->cd.state = CD_STOPPED;
		countdown_push(d);
	}
}

static void countdown_tick(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->cd.tick = NULL;
	if (d->cd.state != CD_RUNNING)
		return;
	if (--d->cd.remaining > 0) { /* timeout 0 starts at 0: fires on the first tick */
		d->cd.tick = kb_loop_timer(d->loop, 1000, countdown_tick, d);
		if (!d->cd.tick) {
			dmn_status(d, KB_STATUS_ERROR, "countdown stopped: out of memory");
			countdown_stop(d);
			return;
		}
		countdown_push(d);
		return;
	}
	countdown_fire(d);
}

/*
 * After each rebuild.  Before the decision: start the countdown when the
 * menu has a target.  While running: keep the target, say so when a newer
 * default appears, stop when the target is gone.
 */
static void settle_timer(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->cd.settle = NULL;
	dmn_countdown_update(d);
}

/*
 * At start the devices already there are probed in parallel and answer in
 * any order: the autoboot decision waits until none is probing any more,
 * or KB_SETTLE_MS after start, so the first disk to answer does not choose
 * the default.  Devices that come later never change the decision.
 */
static bool settled(struct kb_daemon *d)
{
	uint64_t waited = kb_loop_now(d->loop) - d->start;
	size_t i, n = d->devs ? kb_devices_count(d->devs) : 0;
	bool probing = false;

	for (i = 0; i < n && !probing; i++)
		probing = kb_devices_at(d->devs, i)->state == KB_DEV_PROBING;
	if (!probing || waited >= KB_SETTLE_MS)
		return true;
	if (!d->cd.settle)
		d->cd.settle = kb_loop_timer(d->loop, (unsigned int)(KB_SETTLE_MS - waited),
					     settle_timer, d);
	return false;
}

void dmn_countdown_update(struct kb_daemon *d)
{
	const struct kb_entry *e, *now;
	int t;

	if (d->booting)
		return;
	if (d->cd.state == CD_RUNNING) {
		e = dmn_entry_by_id(d, d->cd.id);
		if (!e || !e->available) {
			dmn_status(d, KB_STATUS_WARNING,
				   "countdown stopped: '%s' (%s) is no longer there", d->cd.title,
				   d->cd.id);
			countdown_stop(d);
			return;
		}
		now = autoboot_target(d);
		if (now && strcmp(now->id, d->cd.id) &&
		    (!d->cd.told_default || strcmp(d->cd.told_default, now->id))) {
			dmn_status(d, KB_STATUS_INFO,
				   "'%s' (%s) appeared; the countdown still boots '%s' (%s)",
				   dmn_entry_name(now), now->id, d->cd.title, d->cd.id);
			free(d->cd.told_default);
			d->cd.told_default = strdup(now->id);
		}
		return;
	}
	if (d->cd.decided)
		return;
	if (!settled(d))
		return;

	e = autoboot_target(d);
	if (!e) {
		if (d->set.default_entry && !d->cd.told_missing && d->menu.scan &&
		    d->menu.scan->menu.entries.n) {
			dmn_status(d, KB_STATUS_INFO,
				   "default '%s': no such entry yet; waiting for it",
				   d->set.default_entry);
			d->cd.told_missing = true;
		}
		return;
	}
	d->cd.decided = true;
	if (!e->available) {
		dmn_status(d, KB_STATUS_WARNING,
			   "no autoboot: the default '%s' cannot be booted: %s", dmn_entry_name(e),
			   e->reason ? e->reason : "not available");
		return;
	}
	t = effective_timeout(d);
	if (t < 0) {
		dmn_status(d, KB_STATUS_INFO, "no autoboot: the timeout waits for a choice");
		return;
	}
	free(d->cd.id);
	free(d->cd.title);
	d->cd.id = strdup(e->id);
	d->cd.title = strdup(dmn_entry_name(e));
	if (!d->cd.id || !d->cd.title) {
		dmn_status(d, KB_STATUS_ERROR, "no autoboot: out of memory");
		return;
	}
	d->cd.remaining = t;
	d->cd.state = CD_RUNNING;
	/* Even "at once" goes through the loop, after this rebuild is pushed. */
	d->cd.tick = kb_loop_timer(d->loop, t ? 1000 : 0, countdown_tick, d);
	if (!d->cd.tick) {
		dmn_status(d, KB_STATUS_ERROR, "no autoboot: out of memory");
		d->cd.state = CD_OFF;
		return;
	}
	dmn_status(d, KB_STATUS_INFO, "autoboot: '%s' (%s) in %d s", d->cd.title, d->cd.id, t);
	if (t)
		countdown_push(d);
}

void dmn_autoboot_free(struct kb_daemon *d)
{
	if (d->cd.tick)
		kb_loop_cancel(d->loop, d->cd.tick);
	if (d->cd.settle)
		kb_loop_cancel(d->loop, d->cd.settle);
	d->cd.tick = d->cd.settle = NULL;
	free(d->cd.id);
	free(d->cd.title);
	free(d->cd.told_default);
	free(d->set.msg);
	free(d->set.default_entry);
	free(d->set.net);
	free(d->set.url);
}
