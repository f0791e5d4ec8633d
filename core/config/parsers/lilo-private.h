/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lilo-private.h - what the two halves of the lilo.conf parser share: the
 * scopes and keys of lilo's options, the settings of one section, and the
 * calls lilo.c (items, sections) makes into lilo-entry.c (entries,
 * the timeout).
 *
 * Private to lilo.c and lilo-entry.c.
 */
#ifndef KBOOT_LILO_PRIVATE_H
#define KBOOT_LILO_PRIVATE_H

#include <stdbool.h>

#include "config/parser.h"

/* Where lilo accepts an option (bits). */
enum {
	SC_GLOBAL = 1, /* before the first image= or other= */
	SC_IMAGE = 2,  /* in an image= section */
	SC_OTHER = 4,  /* in an other= section */
	SC_ANY = 7,
};

/* The options kboot tells apart (K_IGNORED: every other); index of section.set. */
enum key_id {
	K_IGNORED,
	K_IMAGE,
	K_OTHER,
	K_LABEL,
	K_ALIAS,
	K_APPEND,
	K_ADDAPPEND,
	K_LITERAL,
	K_ROOT,
	K_INITRD,
	K_RAMDISK,
	K_READ_ONLY,
	K_READ_WRITE,
	K_VGA,
	K_OPTIONAL,
	K_PASSWORD,
	K_SINGLE_KEY,
	K_RANGE,
	K_DEFAULT,
	K_TIMEOUT,
	K_DELAY,
	K_PROMPT,
	K_UNATTENDED,
	K_SERIAL,
	K_COUNT
};

/* ---- Sections ---- */

struct setting {
	const char *value; /* NULL for a flag */
	int line;	   /* 0: not set */
};

struct section {
	int scope;		     /* SC_GLOBAL, SC_IMAGE or SC_OTHER */
	const char *path;	     /* image= or other= value */
	int line;		     /* line of image= / other= */
	struct setting set[K_COUNT]; /* what this section says */
};

struct lilo {
	struct kb_pctx *p;
	struct section global;
	struct ptrv labels;	/* const char *: labels so far (duplicates) */
	struct kb_entry *first; /* the first entry made */
	struct kb_entry *dflt;	/* the entry default= names */
};

/* Whether section s itself says option id. */
static inline bool lilo_is_set(const struct section *s, enum key_id id)
{
	return s->set[id].line > 0;
}

/* ---- Entries and the timeout (lilo-entry.c) ---- */

/* The entry of a finished image= or other= section (nothing for the global one). */
void lilo_finish_section(struct lilo *l, struct section *s);
/* p->timeout from prompt, timeout=, delay= and serial= (see lilo.c). */
void lilo_set_timeout(struct lilo *l);

#endif
