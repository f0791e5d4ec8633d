/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * model.h - what kboot knows: filesystems, file references, boot entries and
 * the menu they make.
 *
 * All objects here are owned by the arena of the scan that made them (see
 * scan.h); nothing is freed on its own.
 */
#ifndef KBOOT_MODEL_H
#define KBOOT_MODEL_H

#include <stdbool.h>

#include "lib/arena.h"

/* One filesystem kboot can read: a mounted partition or a directory. */
struct kb_fs {
	const char *name;      /* "sda2", "demo.imgp2", or a SOURCE's name= */
	const char *dev;       /* device node or image path; NULL for a directory */
	const char *fstype;    /* "ext4", "vfat"...; NULL when unknown */
	const char *uuid;      /* filesystem UUID as blkid prints it; NULL if none */
	const char *label;     /* filesystem label; NULL if none */
	const char *partuuid;  /* GPT/MBR partition UUID; NULL if none */
	const char *partlabel; /* GPT partition name; NULL if none */
	const char *pttype;    /* partition table of its disk: "gpt", "dos"; NULL */
	int disk;	       /* GRUB's hdN: index of its disk among disks, -1 unknown */
	int part;	       /* partition number (1-based); 0 whole disk or unknown */
	const char *root;      /* host directory holding its files */
	int rootfd;	       /* O_PATH directory fd of root; owned by the scan */
	/*
	 * A network source (core/net/remote.h): the files are at url + path
	 * ("tftp://10.0.2.2/boot" + "/vmlinuz"); root holds the ones fetched so
	 * far (the config and what it includes).  Kernels and initrds are
	 * fetched when an entry boots.  NULL for a local filesystem.
	 */
	const char *url;
	const char *config;	 /* remote: the one config to read (absolute path) */
	const char *parser;	 /* remote: its parser's name; NULL: chosen by name and content */
	const char *basedir;	 /* remote syslinux: relative paths' directory (pxelinux) */
	const char *ipappend[2]; /* remote pxelinux: IPAPPEND 1 and 2 strings, or NULL */
};

/* A file on a filesystem.  fs == NULL means "no file". */
struct kb_file {
	const struct kb_fs *fs; /* the filesystem that holds it */
	const char *path;	/* absolute, normalised path inside fs */
};

enum kb_type {
	KB_LINUX,     /* a Linux kernel, loaded by kexec */
	KB_MULTIBOOT, /* a multiboot(2) kernel; modules in initrds, command lines in modargs */
};

/* One thing the menu offers. */
struct kb_entry {
	const char *title;   /* as the config names it, markers removed */
	struct ptrv submenu; /* titles of the enclosing submenus, outermost first */
	const char *id;	     /* unique, stable id, set by the scan */
	const char *cfg_id;  /* the config's own id (GRUB --id, syslinux LABEL); may be NULL */
	const char *source;  /* parser name: "grub2", "syslinux", "lilo", "bls", "kboot", "scan" */
	struct kb_file config; /* the config file that defined it */
	struct kb_file bls; /* BLS entry file it was read from (BLS, GRUB blscfg); fs NULL: none */
	int line;	    /* line of the definition in config, 0 unknown */
	enum kb_type type;  /* how to boot it */
	struct kb_file kernel; /* the kernel (multiboot: the multiboot image) */
	struct ptrv initrds;   /* struct kb_file *, in load order (multiboot: modules) */
	/*
	 * Multiboot: const char *, each module's command line (the words after
	 * its file name, "" for none), in initrds' order; empty while no module
	 * has one (always for Linux).  Read through kb_entry_modargs().
	 */
	struct ptrv modargs;
	struct kb_file dtb; /* device tree; fs == NULL when none */
	/*
	 * The complete kernel command line, "" when none.  Multiboot: the words
	 * after the kernel's file name (kexec-tools puts a file name first).
	 */
	const char *cmdline;
	char hotkey;	      /* menu hotkey from the config, '\0' when none */
	bool is_default;      /* the entry the menu starts on and autoboots */
	bool available;	      /* false: kboot cannot boot it; see reason */
	const char *reason;   /* why it is not available; NULL when available */
	struct ptrv warnings; /* const char *: problems found with this entry */
	const void *origin;   /* the parse that made it: copies merge only across parses */
};

#define KB_TIMEOUT_UNSET (-2) /* the config said nothing */
#define KB_TIMEOUT_WAIT	 (-1) /* wait for the user */

/* The menu one scan produced. */
struct kb_menu {
	struct ptrv entries;  /* struct kb_entry *, in menu order */
	struct ptrv warnings; /* const char *: "file:line: message" and scan problems */
	int timeout;	      /* seconds; KB_TIMEOUT_WAIT; never UNSET after a scan */
};

/* The command line of e's i-th module (multiboot), "" when it has none. */
const char *kb_entry_modargs(const struct kb_entry *e, size_t i);

/* "NAME:/path", or NULL for no file; arena-owned. */
const char *kb_file_str(struct arena *a, const struct kb_file *f);

#endif
