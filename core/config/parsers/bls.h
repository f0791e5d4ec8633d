/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bls.h - the Boot Loader Specification parser (core/config/parsers/bls.c)
 * for callers other than the disk scan: a single entry file fetched by URL
 * has no entries directory to list.
 */
#ifndef KBOOT_BLS_H
#define KBOOT_BLS_H

#include <stddef.h>

#include "config/parser.h"

/*
 * Parse the one entry file held in buf (len bytes, NUL-terminated; it is
 * modified) whose path is p->path on p->fs; its entry goes to p->entries.
 * Paths in it are relative to the root of p->fs.  0 or -ENOMEM.
 */
int kb_bls_parse_one(struct kb_pctx *p, char *buf, size_t len);

#endif
