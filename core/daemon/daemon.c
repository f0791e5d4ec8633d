// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - the top of `kboot daemon`: start, stop, and the wiring.
 *
 * The daemon's files (core/daemon/) share one struct kb_daemon
 * (private.h).  This one:
 *   - starts every part in order - settings, devices (real or --source),
 *     network, SSH, the first menu, then the control socket - and stops
 *     them all;
 *   - sends a new client the full state (docs/protocol.md) and hands its
 *     requests to requests.c;
 *   - for `kboot daemon`, runs the loop and ends it on SIGTERM/SIGINT.
 *
 * What it does not do: anything of the parts themselves.  messages.c
 * builds messages and keeps status lines; menu.c rebuilds the menu;
 * autoboot.c has the settings and the countdown; net.c, ssh.c and fetch.c
 * the network, the SSH server and a boot's downloads; boot.c boots;
 * requests.c answers clients.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "config/scan.h"
#include "daemon/daemon.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/loop.h"
#include "proto/proto.h"
#include "proto/server.h"

#define KB_MOUNT_ROOT "/run/kboot/mnt"

/* ---- Clients ---- */

/*
 * What a new client gets after "hello", in the order docs/protocol.md
 * gives: each part sends its own state.  The first menu is built before
 * the socket exists, so there always is one.
 */
static int (*const welcome[])(struct kb_daemon *d, struct kb_client *c) = {
	dmn_menu_send,	     /* "devices", "menu" */
	dmn_status_send_all, /* every "status" kept */
	dmn_countdown_send,  /* "countdown" */
	dmn_settings_send,   /* "settings" */
	dmn_net_send,	     /* "network" */
	dmn_ssh_send,	     /* "ssh" */
	dmn_fetch_send_all,  /* each recent "download" */
};

/* The full state, then "ready": from then on the client gets every broadcast. */
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
	for (i = 0; i < sizeof(welcome) / sizeof(welcome[0]); i++)
		if (welcome[i](d, c))
			return;
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

/* A new menu: the settings and the countdown follow it. */
static void menu_rebuilt(struct kb_daemon *d)
{
	dmn_settings_update(d);
	dmn_countdown_update(d);
}

static void devices_status(struct kb_devices *devs, int level, const char *text, void *data)
{
	dmn_status(data, level, "%s", text);
}

/* From the top down: the clients and the devices first, then each part. */
void kb_daemon_free(struct kb_daemon *d)
{
	if (!d)
		return;
	if (d->srv)
		kb_server_free(d->srv);
	d->srv = NULL;
	if (d->devs)
		kb_devices_free(d->devs);
	d->devs = NULL;
	dmn_boot_free(d);
	dmn_fetch_free(d);
	dmn_ssh_free(d);
	dmn_net_free(d);
	dmn_autoboot_free(d);
	dmn_menu_free(d);
	dmn_status_free(d);
	free(d);
}

struct kb_daemon *kb_daemon_new(struct kb_loop *l, const struct kb_daemon_config *cfg)
{
	struct kb_devices_config dc = {
		.mount_root = cfg->mount_root ? cfg->mount_root : KB_MOUNT_ROOT,
		.uevent_socket = cfg->uevent_socket,
		.real = cfg->nsources == 0,
		.changed = dmn_menu_devices_changed,
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
	/* The hooks: a part below tells the ones above through these, never by a call. */
	d->menu.rebuilt = menu_rebuilt;
	d->cd.fire = dmn_boot_autoboot;
	d->net.changed = dmn_ssh_update;
	d->dl.done = dmn_boot;
	dmn_settings_init(d);
	dmn_ssh_init(d);

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
	dmn_menu_rebuild(d);
	if (!d->menu.msg || !d->menu.devices_msg || !d->set.msg) {
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
