/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote.h - network sources: a config by URL, a PXE config, an NFS export.
 *
 * A network source becomes a device of the daemon's list (devices.h) whose
 * probe child fetches instead of mounting:
 *   - a config source names a base URL ("tftp://10.0.2.2/boot") and the
 *     config paths to try under it, in order ("/pxelinux.cfg/01-52-54-…",
 *     …, "/pxelinux.cfg/default"; a URL given by hand has one).  The child
 *     fetches the first that exists into the device's directory, then
 *     reads it once with the parsers so that what it includes (GRUB
 *     source/configfile, syslinux INCLUDE) is fetched too.  The scan then
 *     reads that directory as a filesystem whose kb_fs.url is the base: its
 *     kernels and initrds are fetched only when an entry boots.
 *   - an NFS source is mounted read-only and scanned like a disk.
 * Everything here is a pure function of its arguments, but for
 * kb_remote_fetch() and kb_remote_mount_nfs(), which block and so run in
 * children only.
 */
#ifndef KBOOT_REMOTE_H
#define KBOOT_REMOTE_H

#include <stddef.h>

#include "lib/arena.h"
#include "net/net.h"
#include "net/pxe.h"

enum kb_remote_kind {
	KB_REMOTE_CONFIG, /* configs fetched from base */
	KB_REMOTE_NFS,	  /* url mounted read-only */
};

struct kb_remote {
	enum kb_remote_kind kind;
	const char *url;  /* as given, for people: the config URL, the nfs:// URL */
	const char *base; /* CONFIG: scheme://host[:port][/prefix], no '/' at the end */
	const char *configs[KB_PXE_MAX]; /* CONFIG: absolute paths under base, tried in order */
	size_t nconfigs;
	const char *parser;	 /* CONFIG: a parser's name, or NULL to choose by name/content */
	const char *basedir;	 /* CONFIG, syslinux: relative paths' directory, or NULL */
	const char *ipappend[2]; /* CONFIG, pxelinux: IPAPPEND 1 and 2 strings, or NULL */
	const char *iface;	 /* the interface it came from (PXE), or NULL */
};

/*
 * A source for the config or NFS export at url (any scheme of fetch.h).
 * Strings are allocated in a.  0, or -errno with a sentence in err.
 */
int kb_remote_from_url(struct arena *a, const char *url, struct kb_remote *r, char *err,
		       size_t errlen);
/*
 * pxelinux's source for interface x's lease: the server is option 66 or
 * else siaddr; the prefix option 210 or else the boot file's directory;
 * the configs option 209 (or a boot file that is a config), else
 * kb_pxe_candidates() (uuid may be NULL).  -ENOENT with a sentence when
 * the lease names no server.
 */
int kb_remote_pxe(struct arena *a, const struct kb_iface *x, const char *uuid, struct kb_remote *r,
		  char *err, size_t errlen);
/* Whether a lease asks for PXE by itself: it has option 209 or a boot file. */
int kb_remote_lease_wants_pxe(const struct kb_iface *x);

/*
 * base + path as one URL, the path's bytes that a URL cannot hold
 * percent-encoded ("%" kept when it starts an escape).  0 or -ENAMETOOLONG.
 */
int kb_remote_url(const char *base, const char *path, char *out, size_t outlen);

/*
 * Fetch base + path into root + path (directories made as needed; a
 * partial file is removed).  Blocks; for children.  0, or -errno with
 * fetch.h's sentence in err.
 */
int kb_remote_fetch(const char *base, const char *root, const char *path, char *err, size_t errlen);
/*
 * Mount the export of an nfs://host[:port]/path URL read-only at dir with
 * the kernel's own option parsing (no mount.nfs helper).  Blocks; for
 * children.  0, or -errno with a sentence in err.
 */
int kb_remote_mount_nfs(const char *url, const char *dir, char *err, size_t errlen);

#endif
