// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * autoboot.c - `kboot daemon`'s settings and autoboot countdown.
 *
 * What it does:
 *   - reads the timeout and the default entry from the daemon's options and
 *     from kboot.timeout= / kboot.default= on the kernel command line (the
 *     options win), and pushes "settings" whenever it changes;
 *   - after each rebuild, decides once whether and what to autoboot, and
 *     runs the countdown bound to that entry's id (rule in daemon.h and
 *     docs/daemon.md): a tick a second, a "countdown" message for each, the
 *     boot when it runs out.
 *
 * What it does not do: rebuild the menu (daemon.c does, then calls
 * dmn_countdown_update()), answer a client's cancel (requests.c
 * calls dmn_countdown_stop()), or boot: a countdown that runs out hands
 * its entry to the fire hook (boot.c's dmn_boot_autoboot()).
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
			else if (d->timeout_src != SRC_OPTION)
				d->timeout = t, d->timeout_src = SRC_KERNEL;
		} else if (!strncmp(word, "kboot.net=", 10)) {
			free(d->net_spec);
			d->net_spec = strdup(word + 10);
		} else if (!strncmp(word, "kboot.url=", 10) && word[10]) {
			free(d->url_spec);
			d->url_spec = strdup(word + 10);
		} else if (!strcmp(word, "kboot.ssh=on") || !strcmp(word, "kboot.ssh=off")) {
			d->ssh_wanted = !strcmp(word + 10, "on");
		} else if (!strncmp(word, "kboot.ssh=", 10)) {
			dmn_status(d, KB_STATUS_WARNING, "%s: kboot.ssh= is on or off; ignored", word);
		} else if (!strcmp(word, "kboot.kexec=tools")) {
			d->kexec_tools = true;
		} else if (!strncmp(word, "kboot.kexec=", 12)) {
			dmn_status(d, KB_STATUS_WARNING, "%s: only kboot.kexec=tools is known; ignored",
				   word);
		} else if (!strncmp(word, "kboot.default=", 14) && word[14]) {
			if (d->default_src != SRC_OPTION) {
				free(d->default_entry);
				d->default_entry = strdup(word + 14);
				d->default_src = SRC_KERNEL;
			}
		}
	}
	free(word);
}

void dmn_settings_init(struct kb_daemon *d)
{
	const struct kb_daemon_config *cfg = d->cfg;
	char buf[4096];

	d->timeout = KB_TIMEOUT_UNSET;
	d->timeout_src = SRC_CONFIG;
	d->default_src = SRC_CONFIG;
	/* Options first, so the kernel command line only fills in the rest. */
	if (cfg->timeout != KB_TIMEOUT_UNSET) {
		d->timeout = cfg->timeout;
		d->timeout_src = SRC_OPTION;
	}
	if (cfg->default_entry) {
		d->default_entry = strdup(cfg->default_entry);
		d->default_src = SRC_OPTION;
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
	if (d->timeout != KB_TIMEOUT_UNSET)
		return d->timeout;
	if (d->scan && d->scan->menu.timeout >= 0)
		return d->scan->menu.timeout;
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
	dmn_json_key_str(m->f, "default", d->default_entry);
	dmn_json_key_str(m->f, "timeout_source", source_names[d->timeout_src]);
	dmn_json_key_str(m->f, "default_source", source_names[d->default_src]);
	return dmn_msg_close(m);
}

/* Push "settings" when it differs from what clients have. */
void dmn_settings_update(struct kb_daemon *d)
{
	struct msg m;

	if (!settings_build(d, &m))
		dmn_update_msg(d, &d->settings_msg, &d->settings_len, &m);
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

	if (!d->scan)
		return NULL;
	for (i = 0; i < d->scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->scan->menu.entries.v[i];

		if (e->is_default && e->available)
			return e;
	}
	return NULL;
}

/* What autoboot would pick from the current menu, or NULL. */
static const struct kb_entry *autoboot_target(const struct kb_daemon *d)
{
	if (d->default_entry)
		return entry_by_id_or_title(d, d->default_entry);
	return menu_default(d);
}

/* ---- Countdown ---- */

static const char *const cd_names[] = { "off", "running", "stopped", "fired" };

int dmn_countdown_build(struct kb_daemon *d, struct msg *m)
{
	if (!dmn_msg_open(m, "countdown"))
		return -ENOMEM;
	dmn_json_key_str(m->f, "state", cd_names[d->cd]);
	dmn_json_key_str(m->f, "entry", d->cd_id);
	dmn_json_key_str(m->f, "title", d->cd_title);
	if (d->cd == CD_RUNNING)
		fprintf(m->f, ",\"remaining\":%d", d->remaining);
	else if (d->cd == CD_FIRED)
		fputs(",\"remaining\":0", m->f);
	else
		fputs(",\"remaining\":null", m->f);
	return dmn_msg_close(m);
}

void dmn_countdown_push(struct kb_daemon *d)
{
	struct msg m;

	if (dmn_countdown_build(d, &m))
		return;
	if (d->srv)
		kb_server_broadcast(d->srv, m.buf, m.len);
	free(m.buf);
}

void dmn_countdown_stop(struct kb_daemon *d)
{
	if (d->tick) {
		kb_loop_cancel(d->loop, d->tick);
		d->tick = NULL;
	}
	d->cd = CD_STOPPED;
	d->decided = true;
	dmn_countdown_push(d);
}

/* The boot itself is the fire hook's (boot.c's, as daemon.c wires it). */
static void countdown_fire(struct kb_daemon *d)
{
	d->cd = CD_FIRED;
	dmn_countdown_push(d);
	if (d->cd_fire)
		d->cd_fire(d, d->cd_id, d->cd_title);
	if (!d->booting) {
		/* Back to the menu: the countdown does not start again. */
		d->cd = CD_STOPPED;
		dmn_countdown_push(d);
	}
}

static void countdown_tick(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->tick = NULL;
	if (d->cd != CD_RUNNING)
		return;
	if (--d->remaining > 0) { /* timeout 0 starts at 0: fires on the first tick */
		d->tick = kb_loop_timer(d->loop, 1000, countdown_tick, d);
		if (!d->tick) {
			dmn_status(d, KB_STATUS_ERROR, "countdown stopped: out of memory");
			dmn_countdown_stop(d);
			return;
		}
		dmn_countdown_push(d);
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

	d->settle = NULL;
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
	if (!d->settle)
		d->settle = kb_loop_timer(d->loop, (unsigned int)(KB_SETTLE_MS - waited),
					  settle_timer, d);
	return false;
}

void dmn_countdown_update(struct kb_daemon *d)
{
	const struct kb_entry *e, *now;
	int t;

	if (d->booting)
		return;
	if (d->cd == CD_RUNNING) {
		e = dmn_entry_by_id(d, d->cd_id);
		if (!e || !e->available) {
			dmn_status(d, KB_STATUS_WARNING,
				   "countdown stopped: '%s' (%s) is no longer there", d->cd_title,
				   d->cd_id);
			dmn_countdown_stop(d);
			return;
		}
		now = autoboot_target(d);
		if (now && strcmp(now->id, d->cd_id) &&
		    (!d->told_default || strcmp(d->told_default, now->id))) {
			dmn_status(d, KB_STATUS_INFO,
				   "'%s' (%s) appeared; the countdown still boots '%s' (%s)",
				   dmn_entry_name(now), now->id, d->cd_title, d->cd_id);
			free(d->told_default);
			d->told_default = strdup(now->id);
		}
		return;
	}
	if (d->decided)
		return;
	if (!settled(d))
		return;

	e = autoboot_target(d);
	if (!e) {
		if (d->default_entry && !d->told_missing && d->scan && d->scan->menu.entries.n) {
			dmn_status(d, KB_STATUS_INFO,
				   "default '%s': no such entry yet; waiting for it",
				   d->default_entry);
			d->told_missing = true;
		}
		return;
	}
	d->decided = true;
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
	free(d->cd_id);
	free(d->cd_title);
	d->cd_id = strdup(e->id);
	d->cd_title = strdup(dmn_entry_name(e));
	if (!d->cd_id || !d->cd_title) {
		dmn_status(d, KB_STATUS_ERROR, "no autoboot: out of memory");
		return;
	}
	d->remaining = t;
	d->cd = CD_RUNNING;
	/* Even "at once" goes through the loop, after this rebuild is pushed. */
	d->tick = kb_loop_timer(d->loop, t ? 1000 : 0, countdown_tick, d);
	if (!d->tick) {
		dmn_status(d, KB_STATUS_ERROR, "no autoboot: out of memory");
		d->cd = CD_OFF;
		return;
	}
	dmn_status(d, KB_STATUS_INFO, "autoboot: '%s' (%s) in %d s", d->cd_title, d->cd_id, t);
	if (t)
		dmn_countdown_push(d);
}
