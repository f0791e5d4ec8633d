/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syslinux-private.h - what the two halves of the syslinux-family parser
 * share: the limits, the state of one top config being read, and the calls
 * syslinux.c (reading lines) makes into syslinux-entry.c (entries,
 * menus, the default and the timeout).
 *
 * Private to syslinux.c and syslinux-entry.c; callers use syslinux.h
 * (kb_syslinux_parse) or the kb_parser descriptor.
 */
#ifndef KBOOT_SYSLINUX_PRIVATE_H
#define KBOOT_SYSLINUX_PRIVATE_H

#include <stdbool.h>

#include "config/parser.h"
#include "config/parsers/syslinux.h"

#define SL_MAX_MENU_DEPTH 32   /* deeper MENU BEGINs are flattened */
#define SL_MAX_INCLUDES	  1024 /* include files read per top config */
#define SL_MAX_WARNINGS	  50   /* config warnings per top config */

/* ---- State ---- */

/* What a LABEL's KERNEL-family keyword says it is. */
enum sl_kind {
	SL_KERNEL,    /* KERNEL: decided by the file name */
	SL_LINUX,     /* LINUX: a Linux kernel whatever its name */
	SL_BOOT,      /* a boot sector */
	SL_BSS,	      /* a boot sector, keeping the superblock */
	SL_PXE,	      /* a PXE network boot program */
	SL_FDIMAGE,   /* a floppy image */
	SL_COMBOOT,   /* a COMBOOT module */
	SL_COM32,     /* a COM32 module */
	SL_CONFIG,    /* another syslinux config */
	SL_LOCALBOOT, /* the next firmware boot device */
};

/* One menu: the top one or a MENU BEGIN block. */
struct sl_menu {
	struct sl_menu *parent; /* NULL for the top menu */
	char *tag;		/* MENU BEGIN's argument (in a file's text) */
	char *label;		/* its MENU LABEL (given before any LABEL inside) */
	char *title;		/* its first MENU TITLE */
	const char *file;	/* where MENU BEGIN was, for the unclosed warning */
	int line;
	int depth;		   /* 0 for the top menu */
	bool passwd;		   /* MENU PASSWD on the submenu itself */
	unsigned char hotkeys[16]; /* ASCII hotkeys taken in this menu, a bit each */
	struct ptrv path;	   /* names outermost first, filled at the end */
	bool path_done;		   /* path is filled */
};

/* The LABEL being read (syslinux's struct labeldata). */
struct sl_label {
	bool active;		 /* a LABEL is open */
	const char *name;	 /* the LABEL word: cfg_id, and the default kernel */
	const char *file;	 /* config file with the LABEL line */
	int line;		 /* its line */
	const char *cmd;	 /* kernel file and options (KERNEL-family argument) */
	enum sl_kind kind;	 /* which keyword gave cmd */
	const char *append;	 /* the label's APPEND; NULL: the global one */
	const char *initrd;	 /* INITRD argument; NULL when none */
	char *menulabel;	 /* MENU LABEL, raw (with '^'), in a file's text */
	const char *fdt;	 /* FDT/DEVICETREE file; NULL when none */
	bool overlays;		 /* FDTOVERLAYS given */
	unsigned long sysappend; /* IPAPPEND/SYSAPPEND mask */
	bool hide;		 /* MENU HIDE */
	bool menudefault;	 /* MENU DEFAULT */
	bool disabled;		 /* MENU DISABLE */
	bool passwd;		 /* MENU PASSWD */
	bool nav;		 /* MENU GOTO/EXIT/QUIT: not a boot entry */
};

/* A recorded entry, kept for DEFAULT/ONTIMEOUT look-ups and submenu paths. */
struct sl_rec {
	const char *name;     /* LABEL name; NULL when it cannot be named (disabled) */
	struct kb_entry *e;   /* the entry */
	struct sl_menu *menu; /* the menu holding it */
	bool hidden;	      /* MENU HIDE */
	bool menudefault;     /* MENU DEFAULT */
};

/* A global command (DEFAULT, ONTIMEOUT) and where it was written. */
struct sl_cmd {
	const char *cmd; /* NULL when not given */
	const char *file;
	int line;
};

struct sl_state {
	struct kb_pctx *p;
	struct arena *a;
	const struct kb_syslinux_opts *opts;
	const char *basedir;	 /* relative paths resolve here */
	struct sl_label ld;	 /* the open LABEL */
	const char *append;	 /* global APPEND; NULL when none */
	unsigned long sysappend; /* global IPAPPEND, copied into each LABEL */
	struct sl_menu top;	 /* the top menu */
	struct sl_menu *menu;	 /* the menu being read */
	int skipped_depth;	 /* MENU BEGINs past SL_MAX_MENU_DEPTH still open */
	struct ptrv recs;	 /* struct sl_rec *, in menu order */
	struct sl_cmd def;	 /* DEFAULT */
	struct sl_cmd ontimeout; /* ONTIMEOUT */
	struct sl_cmd implicit;	 /* the last IMPLICIT; cmd NULL when none (IMPLICIT 1) */
	bool refused;		 /* IMPLICIT 0 refused DEFAULT/ONTIMEOUT: nothing autoboots */
	bool has_ui;		 /* UI given (a menu module shows the entries) */
	long timeout;		 /* TIMEOUT in tenths; -1 when not given */
	long totaltimeout;	 /* TOTALTIMEOUT in tenths; -1 when not given */
	const char *stack[KB_MAX_INCLUDE_DEPTH + 1]; /* files being read, top first */
	int nstack;
	int nincludes; /* include files read so far */
	int nwarn;     /* config warnings given so far */
	bool oom;      /* an allocation failed */
};

/* ---- Small helpers (these two inline, the rest in syslinux-entry.c) ---- */

/* syslinux's my_isspace(): every control character and the space. */
static inline bool sl_space(char c)
{
	return (unsigned char)c <= ' ';
}

static inline char *sl_skip_space(const char *s)
{
	while (*s && sl_space(*s))
		s++;
	return (char *)s;
}

/* The first word of s as an arena string ("" when none); *rest: after it and its blanks. */
char *sl_first_word(struct sl_state *st, const char *s, const char **rest);
/* Menu m's hotkey for a MENU LABEL (see syslinux-entry.c); '\0' when none. */
char sl_take_hotkey(struct sl_menu *m, const char *label);
/* A config problem at file:line, at most SL_MAX_WARNINGS per top config. */
void sl_warn_at(struct sl_state *st, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The file at path relative to the working directory; fs NULL on OOM. */
struct kb_file sl_file(struct sl_state *st, const char *path);

/* ---- Entries and menus (syslinux-entry.c) ---- */

/* Close the open LABEL, turning it into an entry (syslinux's record()). */
void sl_record(struct sl_state *st);
/* MENU BEGIN [tag] and MENU END. */
void sl_menu_begin(struct sl_state *st, char *tag, const char *file, int line);
void sl_menu_end(struct sl_state *st, const char *file, int line);
/* After the last line: close what is open, submenu paths, default, timeout. */
void sl_finish(struct sl_state *st);

#endif
