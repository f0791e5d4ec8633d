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

#include "parser.h"

/* TEMPORARY while the parsers are being written: weak, so a missing one is skipped. */
#define W __attribute__((weak))
extern const struct kb_parser kb_parser_grub2 W;
extern const struct kb_parser kb_parser_syslinux W;
extern const struct kb_parser kb_parser_bls W;
extern const struct kb_parser kb_parser_lilo W;
extern const struct kb_parser kb_parser_kboot W;
extern const struct kb_parser kb_parser_scan W;

static const struct kb_parser *all[] = {
	&kb_parser_grub2,
	&kb_parser_syslinux,
	&kb_parser_bls,
	&kb_parser_lilo,
	&kb_parser_kboot,
	&kb_parser_scan,
};
const struct kb_parser *kb_parsers_tmp[8];
const struct kb_parser *const *const kb_parsers_ptr = kb_parsers_tmp;

__attribute__((constructor)) static void fill(void)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i])
			kb_parsers_tmp[n++] = all[i];
}

const struct kb_parser *kb_parser_by_name(const char *name)
{
	size_t i;

	for (i = 0; kb_parsers_tmp[i]; i++)
		if (!strcmp(kb_parsers[i]->name, name))
			return kb_parsers_tmp[i];
	return NULL;
}
