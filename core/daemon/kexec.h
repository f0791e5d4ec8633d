/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec.h - the jump: load a kernel, its initrds and command line, then
 * reboot into it.  The only place that talks to the kernel's kexec
 * interface (kexec_file_load(2), reboot(2)) or runs kexec-tools.
 */
#ifndef KBOOT_KEXEC_H
#define KBOOT_KEXEC_H

#include <stdbool.h>
#include <stddef.h>

#define KB_KEXEC_TOOL	     "/sbin/kexec"  /* kexec-tools, for what the syscall cannot load */
#define KB_UNPACK_TOOL	     "/bin/busybox" /* its zcat, xzcat, lzop: multiboot files */
#define KB_KEXEC_MAX_MODULES 64 /* multiboot modules (initrds: as many as memory allows) */

struct kb_kexec {
	int kernel;	    /* fd of the kernel image, open for reading */
	const int *initrds; /* fds of the initrds, in order (concatenated), or NULL */
	size_t ninitrds;
	int dtb;		    /* fd of a device tree, or -1 */
	const char *cmdline;	    /* the command line, never NULL */
	bool multiboot;		    /* the initrds are multiboot modules (kexec-tools) */
	const char *const *modargs; /* multiboot: each module's command line, or NULL for none */
	bool tools;		    /* load with kexec-tools only (kboot.kexec=tools) */
};

/*
 * Load k for a later kb_kexec_jump().  kexec_file_load(2) first; when the
 * kernel cannot take the image that way (an ELF vmlinux, multiboot, a
 * device tree, no kexec_file_load), kexec-tools' kexec_load(2) path.
 * Several initrds are concatenated into one tmpfs file first.  Multiboot:
 * kexec-tools with "--module=FILE ARGS" per module; a gzip, xz or lzop
 * kernel or module is unpacked into a memfd first, as GRUB and mboot.c32
 * unpack them (Debian's kexec-tools cannot).  0, or -errno with one
 * sentence for the user in err ("the kernel refused it: not a kernel
 * image", "not enough memory for the initrds", ...).
 */
int kb_kexec_load(const struct kb_kexec *k, char *err, size_t errlen);

/* Forget a loaded kernel (the jump was abandoned).  0 or -errno. */
int kb_kexec_unload(void);

/* sync, then reboot into the loaded kernel.  Returns only on failure: -errno. */
int kb_kexec_jump(void);

#endif
