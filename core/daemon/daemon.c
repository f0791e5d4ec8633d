// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - `kboot daemon`: the devices in, the menu, status lines and the
 * countdown out, to every client of the control socket (docs/protocol.md).
 *
 * The daemon's files (core/daemon/) share one struct kb_daemon
 * (private.h).
 * This one:
 *   - runs one event loop with the devices (real or --source) and the server;
 *   - rebuilds the menu with a fresh engine scan whenever the devices change
 *     (changes arriving together are coalesced into one rebuild), keeps it
 *     until the next rebuild, and pushes "devices" and "menu" when they
 *     changed;
 *   - keeps the last KB_STATUS_KEEP status lines and pushes each new one;
 *   - sends a new client the full state;
 *   - starts and stops it all (and, for `kboot daemon`, the signals).
 *
 * autoboot.c reads kboot.timeout= / kboot.default= from the kernel
 * command line and the daemon's options, and runs the autoboot countdown
 * (rule in daemon.h and docs/daemon.md).  requests.c answers boot,
 * cancel, complete and rescan requests, and boots.
 *
 * What it does not do (yet): kexec.  A boot in a dry run (cfg->dry_run,
 * which `kboot daemon` sets in sources mode) prints the plan and exits 0,
 * as documented, or keeps running when cfg->stay_after_boot (`kboot menu`:
 * its UI ends the loop); otherwise it prints the plan, says "kexec is not
 * available in this build yet" in a status line and carries on (the kexec
 * file arrives with the boot image).  It never mounts or probes anything
 * itself (devices.c does) and never parses configs (the engine does).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "config/json.h"
#include "config/scan.h"
#include "daemon/private.h"
#include "daemon/daemon.h"
#include "devices/devices.h"
#include "lib/loop.h"
#include "proto/proto.h"
#include "proto/server.h"

#define KB_MOUNT_ROOT "/run/kboot/mnt"

/* ---- Messages ---- */

FILE *dmn_msg_open(struct msg *m, const char *type)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (m->f)
		fprintf(m->f, "{\"type\":\"%s\"", type);
	return m->f;
}

/* Finish the message; 0 with m->buf/len set (caller frees buf), or -ENOMEM. */
int dmn_msg_close(struct msg *m)
{
	bool err;

	putc('}', m->f);
	err = ferror(m->f);
	if (fclose(m->f) || err) {
		free(m->buf);
		m->buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

void dmn_json_key_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	kb_json_string(f, val);
}

void dmn_broadcast(struct kb_daemon *d, struct msg *m)
{
	if (dmn_msg_close(m)) {
		fprintf(stderr, "kboot daemon: out of memory building a message\n");
		return;
	}
	if (d->srv)
		kb_server_broadcast(d->srv, m->buf, m->len);
	free(m->buf);
}

/* ---- Status lines ---- */

static const char *level_name(int level)
{
	switch (level) {
	case KB_STATUS_ERROR:
		return "error";
	case KB_STATUS_WARNING:
		return "warning";
	default:
		return "info";
	}
}

static void status_json(FILE *f, const struct status_line *s)
{
	fprintf(f, ",\"time\":%" PRIu64 ",\"level\":\"%s\"", s->time, level_name(s->level));
	dmn_json_key_str(f, "text", s->text);
}

static void status_add(struct kb_daemon *d, int level, const char *text)
{
	struct status_line *s;
	struct msg m;
	char *copy = strdup(text);

	if (!d->cfg->quiet)
		fprintf(stderr, "kboot: %s: %s\n", level_name(level), text);
	if (!copy)
		return;
	if (d->status_n == KB_STATUS_KEEP) {
		s = &d->status[d->status_first];
		free(s->text);
		d->status_first = (d->status_first + 1) % KB_STATUS_KEEP;
		d->status_n--;
	}
	s = &d->status[(d->status_first + d->status_n) % KB_STATUS_KEEP];
	d->status_n++;
	s->time = kb_loop_now(d->loop) - d->start;
	s->level = level;
	s->text = copy;
	if (d->srv && dmn_msg_open(&m, "status")) {
		status_json(m.f, s);
		dmn_broadcast(d, &m);
	}
}

void dmn_status(struct kb_daemon *d, int level, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	status_add(d, level, text);
	free(text);
}

static void devices_status(struct kb_devices *devs, int level, const char *text, void *data)
{
	status_add(data, level, text);
}

/* ---- The menu ---- */

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
	kb_menu_write_json_line(m->f, d->scan->arena, &d->scan->menu);
	return dmn_msg_close(m);
}

void dmn_update_msg(struct kb_daemon *d, char **cache, size_t *cache_len, struct msg *m)
{
	if (*cache && *cache_len == m->len && !memcmp(*cache, m->buf, m->len)) {
		free(m->buf);
		return;
	}
	free(*cache);
	*cache = m->buf;
	*cache_len = m->len;
	if (d->srv)
		kb_server_broadcast(d->srv, m->buf, m->len);
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

	for (i = 0; i < d->scan->fs.n; i++) {
		const struct kb_fs *fs = d->scan->fs.v[i];
		size_t n = 0;

		if (scan_has_fs(old, fs->name))
			continue;
		for (j = 0; j < d->scan->menu.entries.n; j++) {
			const struct kb_entry *e = d->scan->menu.entries.v[j];

			if (e->config.fs == fs || (!e->config.fs && e->kernel.fs == fs))
				n++;
		}
		dmn_status(d, KB_STATUS_INFO, "%s: %zu %s", fs->name, n,
			   n == 1 ? "entry" : "entries");
	}
}

/* Read the menu again from every ready device, push what changed. */
static void rebuild(struct kb_daemon *d)
{
	struct kb_scan *s = kb_scan_new(), *old;
	size_t i, n = kb_devices_count(d->devs);
	struct msg m;
	int ret;

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
	old = d->scan;
	d->scan = s;
	report_new_fs(d, old);
	kb_scan_free(old);

	if (!devices_build(d, &m))
		dmn_update_msg(d, &d->devices_msg, &d->devices_len, &m);
	if (!menu_build(d, &m))
		dmn_update_msg(d, &d->menu_msg, &d->menu_len, &m);
	dmn_settings_update(d);
	dmn_countdown_update(d);
}

static void rebuild_timer(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->rebuild = NULL;
	rebuild(d);
}

/* Devices changed: rebuild once the burst of changes is handled. */
static void devices_changed(struct kb_devices *devs, void *data)
{
	struct kb_daemon *d = data;

	if (d->rebuild || d->booting)
		return;
	d->rebuild = kb_loop_timer(d->loop, 0, rebuild_timer, d);
	if (!d->rebuild)
		dmn_status(d, KB_STATUS_ERROR, "cannot read the menu: out of memory");
}

/* ---- Entries of the menu ---- */

const struct kb_entry *dmn_entry_by_id(const struct kb_daemon *d, const char *id)
{
	size_t i;

	if (!d->scan || !id)
		return NULL;
	for (i = 0; i < d->scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->scan->menu.entries.v[i];

		if (!strcmp(e->id, id))
			return e;
	}
	return NULL;
}

const struct kb_entry *dmn_entry_by_title(const struct kb_daemon *d, const char *title)
{
	size_t i;

	if (!d->scan || !title)
		return NULL;
	for (i = 0; i < d->scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->scan->menu.entries.v[i];

		if (e->title && !strcmp(e->title, title))
			return e;
	}
	return NULL;
}

/* What people call an entry: its title, or its id when it has none. */
const char *dmn_entry_name(const struct kb_entry *e)
{
	return e->title ? e->title : e->id;
}

/* ---- Clients ---- */

/* Close m and queue it for c; 0, or -errno when c cannot take more. */
int dmn_send_msg(struct kb_client *c, struct msg *m)
{
	int ret = dmn_msg_close(m);

	if (ret)
		return ret;
	ret = kb_client_send(c, m->buf, m->len);
	free(m->buf);
	return ret;
}

/* The full state, in the order docs/protocol.md gives, then "ready". */
static void client_connected(struct kb_server *s, struct kb_client *c, void *data)
{
	struct kb_daemon *d = data;
	struct msg m;
	size_t i;

	if (!dmn_msg_open(&m, "hello"))
		return;
	fprintf(m.f, ",\"protocol\":%d,\"kboot\":\"%s\",\"mode\":\"%s\"", KB_PROTO_VERSION,
		KBOOT_VERSION, d->sources ? "sources" : "devices");
	if (dmn_send_msg(c, &m))
		return;
	/* The first menu is built before the socket exists, so these are set. */
	if (!d->devices_msg || !d->menu_msg || !d->settings_msg)
		return;
	if (kb_client_send(c, d->devices_msg, d->devices_len) ||
	    kb_client_send(c, d->menu_msg, d->menu_len))
		return;
	for (i = 0; i < d->status_n; i++) {
		if (!dmn_msg_open(&m, "status"))
			return;
		status_json(m.f, &d->status[(d->status_first + i) % KB_STATUS_KEEP]);
		if (dmn_send_msg(c, &m))
			return;
	}
	if (dmn_countdown_build(d, &m))
		return;
	if (kb_client_send(c, m.buf, m.len)) {
		free(m.buf);
		return;
	}
	free(m.buf);
	if (kb_client_send(c, d->settings_msg, d->settings_len) ||
	    (d->network_msg && kb_client_send(c, d->network_msg, d->network_len)))
		return;
	if (d->ssh_msg && kb_client_send(c, d->ssh_msg, d->ssh_len))
		return;
	dmn_fetch_send_all(d, c);
	if (kb_client_send(c, "{\"type\":\"ready\"}", 16))
		return;
	kb_client_ready(c);
}

/* Requests are answered by requests.c. */
static const struct kb_server_ops server_ops = {
	.connected = client_connected,
	.request = dmn_client_request,
};

/* ---- Signals: SIGTERM/SIGINT end `kboot daemon`'s loop cleanly ---- */

static int sig_pipe[2] = { -1, -1 }; /* self-pipe: the handler writes, the loop reads */
static pid_t sig_pid;
static struct kb_watch *sig_watch;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	/* A forked child (a probe) dies as it would without us, unnoticed. */
	if (getpid() != sig_pid) {
		signal(sig, SIG_DFL);
		raise(sig);
	} else if (write(sig_pipe[1], &c, 1) < 0) {
		/* The pipe is full: a signal is already pending. */
	}
	errno = saved;
}

static void signal_ready(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	char c = 0;

	if (read(fd, &c, 1) == 1) {
		fprintf(stderr, "kboot daemon: stopping: %s\n", strsignal(c));
		kb_loop_quit(l, 0);
	}
}

static int signals_init(struct kb_loop *l)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	signal(SIGPIPE, SIG_IGN);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	sig_pid = getpid();
	sig_watch = kb_loop_watch(l, sig_pipe[0], EPOLLIN, signal_ready, NULL);
	if (!sig_watch)
		return -ENOMEM;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return 0;
}

static void signals_free(struct kb_loop *l)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (sig_watch)
		kb_loop_unwatch(l, sig_watch);
	sig_watch = NULL;
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
	}
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* ---- Start and stop ---- */

void kb_daemon_free(struct kb_daemon *d)
{
	size_t i;

	if (!d)
		return;
	if (d->srv)
		kb_server_free(d->srv);
	d->srv = NULL;
	if (d->devs)
		kb_devices_free(d->devs);
	d->devs = NULL;
	if (d->rebuild)
		kb_loop_cancel(d->loop, d->rebuild);
	if (d->tick)
		kb_loop_cancel(d->loop, d->tick);
	if (d->quit)
		kb_loop_cancel(d->loop, d->quit);
	if (d->settle)
		kb_loop_cancel(d->loop, d->settle);
	dmn_fetch_free(d);
	dmn_ssh_free(d);
	dmn_net_free(d);
	kb_scan_free(d->scan);
	for (i = 0; i < d->status_n; i++)
		free(d->status[(d->status_first + i) % KB_STATUS_KEEP].text);
	free(d->devices_msg);
	free(d->menu_msg);
	free(d->settings_msg);
	free(d->default_entry);
	free(d->cd_id);
	free(d->cd_title);
	free(d->told_default);
	free(d);
}

struct kb_daemon *kb_daemon_new(struct kb_loop *l, const struct kb_daemon_config *cfg)
{
	struct kb_devices_config dc = {
		.mount_root = cfg->mount_root ? cfg->mount_root : KB_MOUNT_ROOT,
		.uevent_socket = cfg->uevent_socket,
		.real = cfg->nsources == 0,
		.changed = devices_changed,
		.status = devices_status,
	};
	const char *path = cfg->socket_path ? cfg->socket_path : KB_SOCKET_PATH;
	struct kb_daemon *d = calloc(1, sizeof(*d));
	size_t i;
	int ret;

	if (!d) {
		fprintf(stderr, "kboot daemon: out of memory\n");
		return NULL;
	}
	d->cfg = cfg;
	d->loop = l;
	d->sources = cfg->nsources > 0;
	d->start = kb_loop_now(d->loop);
	dmn_settings_init(d);

	dc.data = d;
	d->devs = kb_devices_new(d->loop, &dc);
	if (!d->devs) {
		fprintf(stderr, "kboot daemon: cannot watch devices: %s\n", strerror(errno));
		goto fail;
	}
	for (i = 0; i < cfg->nsources; i++) {
		ret = kb_devices_add_source(d->devs, cfg->sources[i]);
		if (ret) {
			fprintf(stderr, "kboot daemon: %s: %s\n", cfg->sources[i], strerror(-ret));
			goto fail;
		}
	}

	if (dmn_net_start(d)) {
		fprintf(stderr, "kboot daemon: out of memory\n");
		goto fail;
	}
	dmn_url_update(d);
	dmn_ssh_update(d);

	/* The first menu before the socket exists: a client never sees less. */
	if (d->rebuild) {
		kb_loop_cancel(d->loop, d->rebuild);
		d->rebuild = NULL;
	}
	rebuild(d);
	if (!d->menu_msg || !d->devices_msg || !d->settings_msg) {
		fprintf(stderr, "kboot daemon: cannot build the first menu\n");
		goto fail;
	}
	d->srv = kb_server_new(d->loop, cfg->no_listen ? NULL : path, &server_ops, d);
	if (!d->srv) {
		fprintf(stderr, "kboot daemon: cannot listen on %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (!cfg->no_listen)
		dmn_status(d, KB_STATUS_INFO, "listening on %s (%s)", path,
			   d->sources ? "sources" : "block devices");
	return d;
fail:
	kb_daemon_free(d);
	return NULL;
}

int kb_daemon_adopt(struct kb_daemon *d, int fd)
{
	return kb_server_adopt(d->srv, fd);
}

int kb_daemon_run(const struct kb_daemon_config *cfg)
{
	struct kb_loop *l = kb_loop_new();
	struct kb_daemon *d;
	int ret;

	if (!l) {
		fprintf(stderr, "kboot daemon: cannot start the event loop: %s\n", strerror(errno));
		return 1;
	}
	ret = signals_init(l);
	if (ret) {
		fprintf(stderr, "kboot daemon: cannot watch signals: %s\n", strerror(-ret));
		signals_free(l);
		kb_loop_free(l);
		return 1;
	}
	d = kb_daemon_new(l, cfg);
	if (!d) {
		signals_free(l);
		kb_loop_free(l);
		return cfg->nsources ? 2 : 1;
	}
	ret = kb_loop_run(l);
	kb_daemon_free(d);
	signals_free(l);
	kb_loop_free(l);
	return ret;
}
