// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_parser.c - a libFuzzer target for one parser, chosen at build time
 * with -DFUZZ_PARSER="grub2" (the Makefile builds one binary per parser).
 *
 * The input is written as the parser's config file into a scratch
 * filesystem directory (with a kernel and initrd next to it, so paths
 * resolve), then the whole scan runs over it: parser, fstab views, merge
 * and JSON output are all exercised.  For parsers without config paths
 * (bls, scan) the input becomes an entry file or a kernel file name list.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/blockdev.h"
#include "config/json.h"
#include "config/parser.h"
#include "config/scan.h"

static char root[64];
static char cfg[256];

static void mkdirs(const char *path)
{
	char tmp[512], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

static void touch(const char *rel)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
}

/* The scratch tree goes when the run ends (libFuzzer exits through exit()). */
static void remove_root(void)
{
	kb_remove_tree(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *name = FUZZ_PARSER;
	char dir[512];

	snprintf(root, sizeof(root), "/tmp/kboot-fuzz-%s-%d", name, (int)getpid());
	if (!strcmp(name, "grub2"))
		snprintf(cfg, sizeof(cfg), "/boot/grub/grub.cfg");
	else if (!strcmp(name, "syslinux"))
		snprintf(cfg, sizeof(cfg), "/boot/extlinux/extlinux.conf");
	else if (!strcmp(name, "lilo"))
		snprintf(cfg, sizeof(cfg), "/etc/lilo.conf");
	else if (!strcmp(name, "kboot"))
		snprintf(cfg, sizeof(cfg), "/etc/kboot.conf");
	else if (!strcmp(name, "bls"))
		snprintf(cfg, sizeof(cfg), "/loader/entries/fuzz.conf");
	else
		snprintf(cfg, sizeof(cfg), "/etc/fstab"); /* scan: fstab drives /boot */
	snprintf(dir, sizeof(dir), "%s%s", root, cfg);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	snprintf(dir, sizeof(dir), "%s/boot", root);
	mkdirs(dir);
	touch("/boot/vmlinuz-6.1.0-13-amd64");
	touch("/boot/initrd.img-6.1.0-13-amd64");
	touch("/vmlinuz");
	touch("/initrd.img");
	atexit(remove_root);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_fs id = { .name = "fuzz",
			    .uuid = "1234-5678",
			    .disk = 0,
			    .part = 1,
			    .pttype = "gpt",
			    .rootfd = -1 };
	char path[512];
	struct kb_scan *s;
	FILE *out;
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, cfg);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	close(fd);

	s = kb_scan_new();
	if (!s)
		return 0;
	if (kb_scan_add_dir(s, root, &id) == 0 && kb_scan_run(s) == 0) {
		out = fopen("/dev/null", "w");
		if (out) {
			kb_menu_write_json(out, s->arena, &s->menu);
			fclose(out);
		}
	}
	kb_scan_free(s);
	return 0;
}
