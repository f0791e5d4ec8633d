// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parsers.c - the one list of config parsers.
 *
 * Order matters twice: it is the order in which one filesystem's configs
 * are read (and so their place in the menu), and the first config with a
 * bootable entry decides the default (scan.h).  GRUB comes first because a
 * machine that has it boots through it; "scan" is the fallback and runs only
 * where nothing else found an entry.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "config/parser.h"

extern const struct kb_parser kb_parser_grub2;
extern const struct kb_parser kb_parser_syslinux;
extern const struct kb_parser kb_parser_bls;
extern const struct kb_parser kb_parser_lilo;
extern const struct kb_parser kb_parser_kboot;
extern const struct kb_parser kb_parser_scan;

const struct kb_parser *const kb_parsers[] = {
	&kb_parser_grub2, &kb_parser_syslinux, &kb_parser_bls, &kb_parser_lilo,
	&kb_parser_kboot, &kb_parser_scan,     NULL,
};

const struct kb_parser *kb_parser_by_name(const char *name)
{
	size_t i;

	for (i = 0; kb_parsers[i]; i++)
		if (!strcmp(kb_parsers[i]->name, name))
			return kb_parsers[i];
	return NULL;
}

/* The first word of each line, lower case, checked against words. */
static bool has_line_start(const char *buf, const char *const *words)
{
	const char *l = buf;
	size_t i, n;

	while (l && *l) {
		while (*l == ' ' || *l == '\t')
			l++;
		n = strcspn(l, " \t=\r\n");
		for (i = 0; words[i]; i++)
			if (n == strlen(words[i]) && !strncasecmp(l, words[i], n))
				return true;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

const char *kb_parser_guess(const char *path, const char *buf)
{
	static const char *const grub[] = { "menuentry", "submenu", "insmod", "search", NULL };
	static const char *const bls[] = { "title", "options", "machine-id", "sort-key", NULL };
	static const char *const lilo[] = { "image", "boot", "install", NULL };
	static const char *const sl[] = { "label", "kernel", "append", "include",
					  "ui",	   "prompt", "menu",   NULL };
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (!strcmp(base, "grub.cfg"))
		return "grub2";
	if (strstr(path, "pxelinux.cfg/") || !strcasecmp(base, "syslinux.cfg") ||
	    !strcasecmp(base, "extlinux.conf") || !strcasecmp(base, "isolinux.cfg"))
		return "syslinux";
	if (strstr(path, "/loader/entries/"))
		return "bls";
	if (!strcmp(base, "lilo.conf"))
		return "lilo";
	if (!strcmp(base, "kboot.conf"))
		return "kboot";
	if (has_line_start(buf, grub))
		return "grub2";
	if (has_line_start(buf, bls))
		return "bls";
	if (has_line_start(buf, sl))
		return "syslinux";
	if (has_line_start(buf, lilo))
		return "lilo";
	return "kboot";
}
