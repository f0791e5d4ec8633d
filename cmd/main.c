// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the multi-call entry: `kboot COMMAND …` or a link named after
 * the command.  Each command is one function in its own file under cmd/.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "scan", cmd_scan, "list what kboot would offer from SOURCEs (no boot)" },
	{ "list", cmd_list, "print the running daemon's menu" },
	{ "boot", cmd_boot, "ask the running daemon to boot an entry or files" },
	{ "status", cmd_status, "print the daemon's devices, countdown and status lines" },
	{ "cancel", cmd_cancel, "stop the daemon's countdown" },
	{ "rescan", cmd_rescan, "make the daemon enumerate the devices again" },
	{ "ui", cmd_ui, "the menu on this terminal, as a client of the running daemon" },
	{ "menu", cmd_menu, "try the menu over SOURCEs on this host (--dry-run: no boot)" },
	{ "daemon", cmd_daemon, "find systems, count down, serve clients (foreground)" },
	{ "fetch", cmd_fetch, "download a URL (tftp, http, ftp, file) into a FILE" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kboot COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`kboot COMMAND --help` describes one command.\n");
}

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	size_t i;

	/* Called as "kboot-scan" or through a link named "scan"? */
	if (!strncmp(self, "kboot-", 6))
		self += 6;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(self, commands[i].name))
			return commands[i].run(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kboot %s\n", KBOOT_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kboot: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
