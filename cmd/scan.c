// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan.c - `kboot scan [--json] SOURCE…`: offline discovery on any host.
 *
 * Exit status: 0 when the scan ran (warnings included), 2 for unusable
 * arguments, 1 when the scan itself could not run (out of memory).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config/json.h"
#include "config/scan.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: kboot scan [--json] SOURCE...\n"
		   "\n"
		   "Print the menu kboot would show for SOURCEs, without booting anything.\n"
		   "SOURCE is a directory holding the root of one filesystem, with optional\n"
		   "identity, DIR[:name=NAME][:uuid=UUID][:label=LABEL][:partuuid=PARTUUID],\n"
		   "or a block device or disk image (probed, mounted read-only in a private\n"
		   "mount namespace; needs root).\n"
		   "\n"
		   "  --json   print the menu as JSON (see docs/scan-json.md)\n");
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_scan *s;
	bool json = false;
	int c, i, ret;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "kboot scan: no SOURCE given\n");
		usage(stderr);
		return 2;
	}
	s = kb_scan_new();
	if (!s) {
		fprintf(stderr, "kboot scan: out of memory\n");
		return 1;
	}
	for (i = optind; i < argc; i++) {
		if (kb_scan_add_source(s, argv[i], stderr)) {
			kb_scan_free(s);
			return 2;
		}
	}
	ret = kb_scan_run(s);
	if (ret) {
		fprintf(stderr, "kboot scan: %s\n", strerror(-ret));
		kb_scan_free(s);
		return 1;
	}
	if (json)
		kb_menu_write_json(stdout, s->arena, &s->menu);
	else
		kb_menu_write_text(stdout, s->arena, &s->menu);
	kb_scan_free(s);
	return 0;
}
