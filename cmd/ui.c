// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui.c - `kboot ui` and `kboot menu`: the ncurses menu (ui/ui.h).
 *
 * `kboot ui` connects to the running daemon; one runs on every console and
 * in every SSH session.  `kboot menu SOURCE…` starts a daemon over the
 * given sources in this same process (one event loop, the UI connected to
 * it through a socketpair, no socket file), so anyone can try the menu on
 * a host; with --dry-run a boot prints its plan instead of kexec'ing.
 *
 * Exit status: 0 after a boot or a quit, 1 when the terminal or the daemon
 * failed, 2 for unusable arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../ui/ui.h"
#include "cmd.h"
#include "config/model.h"
#include "daemon/daemon.h"
#include "lib/loop.h"
#include "proto/client.h"
#include "proto/proto.h"

static void ui_usage(FILE *f)
{
	fprintf(f,
		"usage: kboot ui [--socket PATH] [--theme NAME|FILE] [--no-quit]\n"
		"\n"
		"The boot menu on this terminal, as a client of the running kboot daemon.\n"
		"Any number may run at once; they all show the same menu and countdown.\n"
		"\n"
		"  --socket PATH   the daemon's socket (default %s, or $KBOOT_SOCKET)\n"
		"  --theme NAME    colour theme: default, classic, high-contrast, mono, or a\n"
		"                  file (default: kboot.theme= from the kernel command line)\n"
		"  --no-quit       `q` does not leave (consoles: there is nothing behind it)\n",
		KB_SOCKET_PATH);
}

int cmd_ui(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "theme", required_argument, NULL, 't' },
		{ "no-quit", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_ui_config cfg = { .can_quit = true };
	const char *socket = NULL;
	struct kb_conn *conn;
	struct kb_loop *l;
	int c, ret, tries;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			socket = optarg;
			break;
		case 't':
			cfg.theme = optarg;
			break;
		case 'q':
			cfg.can_quit = false;
			break;
		case 'h':
			ui_usage(stdout);
			return 0;
		default:
			ui_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kboot ui: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	cfg.socket = kb_socket_path(socket);
	/* At boot the menu may start before the daemon listens: wait a little. */
	for (tries = 0;; tries++) {
		conn = kb_conn_open(cfg.socket, 10000);
		if (conn || (errno != ENOENT && errno != ECONNREFUSED) || tries == 100)
			break;
		usleep(100 * 1000);
	}
	if (!conn) {
		fprintf(stderr, "kboot ui: cannot connect to the daemon at %s: %s\n", cfg.socket,
			strerror(errno));
		return 1;
	}
	l = kb_loop_new();
	if (!l) {
		kb_conn_close(conn);
		fprintf(stderr, "kboot ui: cannot start the event loop: %s\n", strerror(errno));
		return 1;
	}
	ret = kb_ui_run(l, conn, &cfg);
	kb_loop_free(l);
	return ret;
}

static void menu_usage(FILE *f)
{
	fprintf(f,
		"usage: kboot menu [--dry-run] [--theme NAME|FILE] [--timeout N] [--default ID]\n"
		"                  SOURCE...\n"
		"\n"
		"Try kboot's menu on this host: the daemon runs in this process over the\n"
		"SOURCEs (directories as `kboot scan` takes them: DIR[:name=NAME][:uuid=UUID]...).\n"
		"\n"
		"  --dry-run       choosing an entry leaves the menu and prints the boot plan\n"
		"                  (kernel, initrds, command line) instead of kexec'ing\n"
		"  --theme NAME    colour theme: default, classic, high-contrast, mono, or a file\n"
		"  --timeout N     seconds before the default boots (0 at once, -1 wait)\n"
		"  --default ID    the entry (id or title) to count down to\n"
		"  --cmdline TEXT  read kboot.timeout=, kboot.default=, kboot.theme= from TEXT\n");
}

int cmd_menu(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "theme", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "default", required_argument, NULL, 'd' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_daemon_config dcfg = {
		.timeout = KB_TIMEOUT_UNSET,
		.no_listen = true,
		.quiet = true, /* the UI's log shows the status lines */
		.stay_after_boot = true,
	};
	struct kb_ui_config ucfg = { .can_quit = true };
	struct kb_daemon *d;
	struct kb_conn *conn;
	struct kb_loop *l;
	int c, ret, sv[2];

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dcfg.dry_run = ucfg.dry_run = true;
			break;
		case 't':
			ucfg.theme = optarg;
			break;
		case 'T':
			if (cmd_parse_timeout(optarg, &dcfg.timeout)) {
				fprintf(stderr,
					"kboot menu: --timeout %s: expected seconds "
					"(0 at once, -1 wait)\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
			dcfg.default_entry = optarg;
			break;
		case 'c':
			dcfg.cmdline = ucfg.cmdline = optarg;
			break;
		case 'h':
			menu_usage(stdout);
			return 0;
		default:
			menu_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "kboot menu: give at least one SOURCE\n");
		menu_usage(stderr);
		return 2;
	}
	dcfg.sources = (const char *const *)argv + optind;
	dcfg.nsources = (size_t)(argc - optind);
	if (!ucfg.cmdline)
		ucfg.cmdline = ""; /* the host's kboot.theme= is not ours */

	l = kb_loop_new();
	if (!l) {
		fprintf(stderr, "kboot menu: cannot start the event loop: %s\n", strerror(errno));
		return 1;
	}
	d = kb_daemon_new(l, &dcfg);
	if (!d) {
		kb_loop_free(l);
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		fprintf(stderr, "kboot menu: socketpair: %s\n", strerror(errno));
		kb_daemon_free(d);
		kb_loop_free(l);
		return 1;
	}
	conn = kb_conn_adopt(sv[1]);
	if (!conn || kb_daemon_adopt(d, sv[0])) {
		fprintf(stderr, "kboot menu: out of memory\n");
		if (conn)
			kb_conn_close(conn);
		else
			close(sv[1]);
		close(sv[0]);
		kb_daemon_free(d);
		kb_loop_free(l);
		return 1;
	}
	ret = kb_ui_run(l, conn, &ucfg);
	kb_daemon_free(d);
	kb_loop_free(l);
	return ret;
}
