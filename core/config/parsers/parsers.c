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
#include <string.h>

#include "config/parser.h"

extern const struct kb_parser kb_parser_grub2;
extern const struct kb_parser kb_parser_syslinux;
extern const struct kb_parser kb_parser_bls;
extern const struct kb_parser kb_parser_lilo;
extern const struct kb_parser kb_parser_kboot;
extern const struct kb_parser kb_parser_scan;

const struct kb_parser *const kb_parsers[] = {
	&kb_parser_grub2,
	&kb_parser_syslinux,
	&kb_parser_bls,
	&kb_parser_lilo,
	&kb_parser_kboot,
	&kb_parser_scan,
	NULL,
};

const struct kb_parser *kb_parser_by_name(const char *name)
{
	size_t i;

	for (i = 0; kb_parsers[i]; i++)
		if (!strcmp(kb_parsers[i]->name, name))
			return kb_parsers[i];
	return NULL;
}
