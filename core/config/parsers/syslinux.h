/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syslinux.h - the syslinux-family parser (core/config/parsers/syslinux.c)
 * for callers other than the disk scan: the network code parses a
 * pxelinux.cfg/ file fetched over TFTP/HTTP with it.
 *
 * Not provided here: fetching files, choosing which pxelinux.cfg/ name to
 * try, adding the IPAPPEND/SYSAPPEND strings (they need the lease) - the
 * caller does those with the masks this parser reports.
 */
#ifndef KBOOT_SYSLINUX_H
#define KBOOT_SYSLINUX_H

#include <stddef.h>

#include "config/parser.h"

/* IPAPPEND/SYSAPPEND bits (syslinux doc/syslinux.txt, SYSAPPEND). */
#define KB_SYSAPPEND_IP	     0x01 /* ip=client:server:gateway:netmask */
#define KB_SYSAPPEND_BOOTIF  0x02 /* BOOTIF=01-aa-bb-cc-dd-ee-ff */
#define KB_SYSAPPEND_SYSUUID 0x04 /* SYSUUID=<SMBIOS UUID> */

/* What an entry asked to have appended at boot time. */
struct kb_syslinux_sysappend {
	struct kb_entry *entry; /* the entry, as added to p->entries */
	unsigned long mask;	/* KB_SYSAPPEND_* bits (and higher ones, as written) */
};

struct kb_syslinux_opts {
	/*
	 * Directory (absolute, on p->fs) that relative paths - kernels,
	 * initrds, INCLUDE files - resolve against.  syslinux uses its working
	 * directory, which is the config's directory on a disk; pxelinux uses
	 * the directory pxelinux.0 came from, not pxelinux.cfg/.  NULL: the
	 * directory of p->path.
	 */
	const char *basedir;
	/*
	 * If non-NULL, receives a struct kb_syslinux_sysappend * (arena-owned)
	 * for every entry whose IPAPPEND/SYSAPPEND mask is not 0.
	 */
	struct ptrv *sysappend;
};

/*
 * Parse one syslinux/extlinux/isolinux/pxelinux config held in buf (len
 * bytes, NUL-terminated) whose own path is p->path on p->fs.  Entries go to
 * p->entries, the timeout to p->timeout, problems to kb_warn().  opts may be
 * NULL.  Returns 0, or -ENOMEM when nothing could be done.
 */
int kb_syslinux_parse(struct kb_pctx *p, const char *buf, size_t len,
		      const struct kb_syslinux_opts *opts);

#endif
