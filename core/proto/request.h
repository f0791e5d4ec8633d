/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * request.h - every request a client sends the daemon, built in one place
 * (docs/protocol.md, "Client to server").
 *
 * A request is a type (enum kb_req_type, named on the wire by
 * kb_req_name()) and its members, written as JSON here and nowhere else:
 * one builder per kind of request, kb_req_boot_id(), kb_req_net_static()...
 * Strings are escaped by lib/jsonstr.h (quotes, backslashes, control
 * characters; invalid UTF-8 becomes U+FFFD), so any text a user typed makes
 * a well-formed line.  kb_conn_send_req() sends one over a connection of
 * client.h and returns its seq.
 *
 * Every builder fills r (which needs no initialisation) and returns 0, or
 * -EINVAL when a member the protocol requires is NULL, or -ENOMEM; r then
 * holds nothing, and kb_conn_send_req() refuses it.  kb_req_release() frees
 * r, and is safe after a failed builder too.
 *
 * Not here: checking values the daemon checks (an id that exists, an IPv4
 * address, a prefix length), reading replies, the daemon's end.
 */
#ifndef KBOOT_REQUEST_H
#define KBOOT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"

struct kb_conn;

/* The requests of docs/protocol.md; kb_req_name() gives each one's "type". */
enum kb_req_type {
	KB_REQ_BOOT,	 /* "boot": an entry by id or title, or files */
	KB_REQ_CANCEL,	 /* "cancel": stop the countdown */
	KB_REQ_RESCAN,	 /* "rescan": forget every device, enumerate again */
	KB_REQ_ABORT,	 /* "abort": stop the downloads of a waiting boot */
	KB_REQ_SSH,	 /* "ssh": the SSH server on or off */
	KB_REQ_SOURCE,	 /* "source": a network source by URL or PXE */
	KB_REQ_NET,	 /* "net": configure one interface */
	KB_REQ_COMPLETE, /* "complete": file names for the edit screen's Tab */
	KB_REQ_NTYPES	 /* the number of types, not a type */
};

/* A request ready to send. */
struct kb_req {
	enum kb_req_type type; /* what it asks */
	struct strbuf members; /* its members as JSON after "type" and "seq":
				* "" or ",\"id\":\"sda1-3f9a1c\"..." */
};

/* A request not built yet: safe to release, refused by kb_conn_send_req(). */
/* clang-format off */
#define KB_REQ_INIT { KB_REQ_NTYPES, STRBUF_INIT }
/* clang-format on */

/* The files of a "boot" that names them (an edited entry, the wizard). */
struct kb_req_files {
	const char *title;	   /* shown while it boots; NULL: not sent */
	const char *kernel;	   /* NAME:/path or a URL; required */
	const char *const *initrd; /* ninitrd initrds in order (multiboot: modules) */
	size_t ninitrd;
	const char *dtb;		/* a device tree, or NULL (sent as null) */
	const char *cmdline;		/* the kernel's command line; NULL: "" */
	bool multiboot;			/* kernel is multiboot, the initrds its modules */
	const char *const *module_args; /* nmodule_args module command lines (multiboot) */
	size_t nmodule_args;
};

/* The static address of a "net" request. */
struct kb_req_static {
	const char *address;	/* IPv4 address; required */
	int prefix;		/* its prefix length */
	const char *gateway;	/* or NULL: not sent */
	const char *const *dns; /* ndns DNS servers */
	size_t ndns;
};

/* The wire name of t ("boot"...), or NULL when t is no type. */
const char *kb_req_name(enum kb_req_type t);
/* The type whose wire name is name, or -ENOENT (NULL or unknown). */
int kb_req_type_of(const char *name);

/* ---- Builders ---- */

/* {"type":"boot","id":id}: boot the entry with that id. */
int kb_req_boot_id(struct kb_req *r, const char *id);
/* {"type":"boot","title":title}: boot the first entry with that title. */
int kb_req_boot_title(struct kb_req *r, const char *title);
/*
 * {"type":"boot"[,"title"],"kernel","initrd":[…][,"multiboot":true,
 * "module_args":[…]],"dtb","cmdline"}: boot these files.  module_args
 * without multiboot, or more of them than initrds, is -EINVAL.
 */
int kb_req_boot_files(struct kb_req *r, const struct kb_req_files *f);
/* {"type":"cancel"}, {"type":"rescan"}, {"type":"abort"}: no members. */
int kb_req_cancel(struct kb_req *r);
int kb_req_rescan(struct kb_req *r);
int kb_req_abort(struct kb_req *r);
/* {"type":"ssh","on":on}: the SSH server on or off. */
int kb_req_ssh(struct kb_req *r, bool on);
/* {"type":"source","url":url}: add a network source. */
int kb_req_source_url(struct kb_req *r, const char *url);
/* {"type":"source","pxe":iface}: look for the interface's PXE config. */
int kb_req_source_pxe(struct kb_req *r, const char *iface);
/* {"type":"net","iface":iface,"mode":"dhcp"} and "mode":"none". */
int kb_req_net_dhcp(struct kb_req *r, const char *iface);
int kb_req_net_none(struct kb_req *r, const char *iface);
/* {"type":"net","iface","mode":"static","address","prefix"[,"gateway"],"dns":[…]}. */
int kb_req_net_static(struct kb_req *r, const char *iface, const struct kb_req_static *s);
/* {"type":"complete","word":word,"fs":fs}: fs may be NULL (sent as null). */
int kb_req_complete(struct kb_req *r, const char *word, const char *fs);

/* Free what a builder made; r can be built again afterwards. */
void kb_req_release(struct kb_req *r);

/*
 * Send r with the connection's next seq: {"type":…,"seq":N<members>}.
 * Returns the seq (> 0) or -errno, as kb_conn_request().
 */
int kb_conn_send_req(struct kb_conn *c, const struct kb_req *r, int timeout_ms);

#endif
