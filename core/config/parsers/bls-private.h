/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bls-private.h - what the two halves of the Boot Loader Specification
 * parser share: an entries directory, a parsed entry file, the line reader,
 * and the calls bls.c (directories, order, loader.conf) makes into
 * bls-entry.c (one entry file, and the menu entry made from it).
 *
 * Private to bls.c and bls-entry.c.
 */
#ifndef KBOOT_BLS_PRIVATE_H
#define KBOOT_BLS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/parser.h"

#define BLS_MAX_SMALL (64 * 1024) /* loader.conf, grubenv, os-release, machine-id */

/* One entries directory and what goes with it. */
struct bls_dir {
	const char *dir;	     /* "/loader/entries" or "/boot/loader/entries" */
	const char *prefix;	     /* "" or "/boot": where loader/ and grub2/ live */
	const char *conf;	     /* path of loader.conf when it exists, else NULL */
	const struct kb_fs *conf_fs; /* its filesystem (the ESP's for an XBOOTLDR) */
	const char *deflt;	     /* loader.conf default pattern, NULL when none */
	int deflt_line;		     /* its line in loader.conf */
	bool env_loaded;	     /* grubenv was looked for */
	const char *env_path;	     /* the grubenv read, NULL when none */
	struct ptrv env;	     /* const char *: name, value, name, value... */
	bool os_loaded;		     /* os-release of this root fs was looked for */
	const char *pretty;	     /* its PRETTY_NAME, NULL when none */
};

/* One parsed entry file. */
struct bls_entry {
	const char *file;      /* "abc+3-0.conf" */
	const char *path;      /* "/loader/entries/abc+3-0.conf" */
	const char *id;	       /* "abc": without ".conf" and boot counter */
	const char *sort_name; /* "abc+3-0": without ".conf", lower case */
	int tries_left;	       /* boot counter, -1 when not counted */
	int tries_done;	       /* failed attempts so far, -1 when not counted */
	const char *title;
	const char *version;
	const char *machine_id;
	const char *sort_key;
	const char *loader_key; /* "linux", "efi", "uki" or "uki-url"; NULL none */
	const char *loader;	/* its value */
	int loader_line;	/* its line */
	const char *profile;	/* UKI profile, NULL when none */
	const char *devicetree;
	struct strbuf overlays; /* devicetree-overlay values, space separated */
	struct ptrv initrds;	/* const char *, in order */
	struct strbuf options;	/* all options values joined by " " */
	const char *skip;	/* why the entry is not offered, NULL when it is */
	int skip_line;		/* line that made it skipped, 0 for the file */
	int nwarn;		/* warnings given for this file so far */
};

/* ---- Small helpers ---- */

static inline bool bls_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool bls_str_empty(const char *s)
{
	return !s || !*s;
}

/* ---- One entry file, and the line reader (bls-entry.c) ---- */

/*
 * The next "key value" line of buf, read as systemd-boot reads loader files
 * (the full contract is at the function).  false at the end.
 */
bool bls_next_line(char *buf, size_t len, size_t *pos, int *lineno, int *line_no, char **key,
		   char **value);

/* Read the keys of entry file buf (len bytes, modified) into be. */
void bls_parse_entry(struct kb_pctx *p, struct bls_entry *be, char *buf, size_t len);
/* Add the menu entry for be, read from directory d. */
void bls_add_entry(struct kb_pctx *p, struct bls_dir *d, struct bls_entry *be);

#endif
