// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - `kboot daemon`: the discovery daemon in the foreground.
 *
 * Parses the options into a struct kb_daemon_config and runs it
 * (core/daemon/daemon.c).  Logs go to stderr; a boot plan (sources mode) to
 * stdout.  It does not fork into the background, write a pid file or
 * redirect its output: /init or a test harness does what it wants with it.
 *
 * Exit status: 0 after a boot in sources mode (or SIGTERM/SIGINT), 2 for
 * unusable arguments, 1 when the daemon could not start.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config/model.h"
#include "daemon/daemon.h"
#include "proto/proto.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kboot daemon [--socket PATH] [--source SPEC]... [--uevent-socket PATH]\n"
		"                    [--timeout N] [--default ID] [--cmdline TEXT]\n"
		"                    [--mount-root DIR] [--dry-run]\n"
		"\n"
		"Find every bootable system, keep the menu current as devices come and go,\n"
		"count down to the default and serve the menu to clients (kboot list, ui...).\n"
		"Without --source it watches the real block devices (needs root).\n"
		"\n"
		"  --socket PATH         control socket (default %s, or $KBOOT_SOCKET)\n"
		"  --source SPEC         a directory as a filesystem, as kboot scan takes it:\n"
		"                        DIR[:name=NAME][:uuid=UUID][:label=LABEL]...;\n"
		"                        (implies --dry-run)\n"
		"  --uevent-socket PATH  also read uevent messages from this datagram socket\n"
		"                        (tests: KBOOT_SOURCE=SPEC adds a source)\n"
		"  --timeout N           seconds before the default boots (0 at once, -1 wait);\n"
		"                        overrides the config and kboot.timeout=\n"
		"  --default ID          entry id or title to boot; overrides kboot.default=\n"
		"  --cmdline TEXT        read kboot.timeout=/kboot.default= from TEXT instead of\n"
		"                        /proc/cmdline\n"
		"  --mount-root DIR      where devices are mounted (default /run/kboot/mnt)\n"
		"  --dry-run             booting prints the plan and exits instead of kexec\n",
		KB_SOCKET_PATH);
}

int cmd_parse_timeout(const char *v, int *out)
{
	char *end;
	long n;

	n = strtol(v, &end, 10);
	if (end == v || *end || n < -1 || n > 86400)
		return -1;
	*out = (int)n;
	return 0;
}

int cmd_daemon(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "source", required_argument, NULL, 'S' },
		{ "uevent-socket", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "default", required_argument, NULL, 'd' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "mount-root", required_argument, NULL, 'm' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_daemon_config cfg = {
		.socket_path = getenv("KBOOT_SOCKET"),
		.timeout = KB_TIMEOUT_UNSET,
		.plan = stdout,
	};
	const char **sources;
	int c, ret;

	sources = calloc((size_t)argc + 1, sizeof(*sources));
	if (!sources) {
		fprintf(stderr, "kboot daemon: out of memory\n");
		return 1;
	}
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cfg.socket_path = optarg;
			break;
		case 'S':
			sources[cfg.nsources++] = optarg;
			break;
		case 'u':
			cfg.uevent_socket = optarg;
			break;
		case 't':
			if (cmd_parse_timeout(optarg, &cfg.timeout)) {
				fprintf(stderr,
					"kboot daemon: --timeout %s: expected seconds "
					"(0 at once, -1 wait)\n",
					optarg);
				free(sources);
				return 2;
			}
			break;
		case 'd':
			cfg.default_entry = optarg;
			break;
		case 'c':
			cfg.cmdline = optarg;
			break;
		case 'm':
			cfg.mount_root = optarg;
			break;
		case 'n':
			cfg.dry_run = true;
			break;
		case 'h':
			usage(stdout);
			free(sources);
			return 0;
		default:
			usage(stderr);
			free(sources);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kboot daemon: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		free(sources);
		return 2;
	}
	if (cfg.socket_path && !*cfg.socket_path)
		cfg.socket_path = NULL;
	if (!cfg.nsources && geteuid() != 0) {
		fprintf(stderr,
			"kboot daemon: watching and mounting the block devices needs root;\n"
			"  to try kboot on this host, give directories with --source DIR\n");
		free(sources);
		return 2;
	}
	cfg.sources = sources;
	cfg.dry_run = cfg.dry_run || cfg.nsources > 0;
	ret = kb_daemon_run(&cfg);
	free(sources);
	return ret;
}
