/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net.h - the daemon's network interfaces and their configuration.
 *
 * Interfaces come from /sys/class/net at start and from rtnetlink
 * (RTMGRP_LINK) afterwards: new ones, removed ones, carrier changes.  Each
 * one (loopback excepted) is configured as kboot.net= says (docs/network.md):
 *   - DHCP: busybox udhcpc runs in a child (bounded: a few discovers, then
 *     it gives up); its script configures the address and route with `ip`
 *     and writes the lease to RUN_DIR/IFACE.lease, which is read when the
 *     child exits: address, router, DNS, domain, the boot server (siaddr),
 *     the boot file and options 66/67/209/210;
 *   - static: address/prefix, gateway and DNS servers set with `ip`;
 *   - none.
 * /etc/resolv.conf is written from every configured interface's DNS
 * servers and domain; /etc/hosts, at start, from kboot's own lines
 * (localhost) and the lines the image builder gave (/etc/kboot/hosts).
 *
 * Not here: downloads (fetch.h), PXE configs, which interface a boot uses.
 */
#ifndef KBOOT_NET_H
#define KBOOT_NET_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KB_NET_ADDR 46	/* an IPv4 or IPv6 address as text, with its NUL */
#define KB_NET_DNS  3	/* DNS servers kept per interface */
#define KB_NET_TEXT 256 /* lease strings (boot file, PXE config...) */

enum kb_net_mode { KB_NET_NONE, KB_NET_DHCP, KB_NET_STATIC };

enum kb_net_state {
	KB_NET_DOWN,	    /* not configured (mode none, or no carrier yet) */
	KB_NET_CONFIGURING, /* udhcpc is running, or addresses are being set */
	KB_NET_UP,	    /* configured: addr and friends are valid */
	KB_NET_FAILED,	    /* gave up; reason says why */
};

/* A static configuration (also what the wizard sends). */
struct kb_net_static {
	char addr[KB_NET_ADDR];		   /* "10.0.2.15" */
	int prefix;			   /* 24 */
	char gateway[KB_NET_ADDR];	   /* "" when none */
	char dns[KB_NET_DNS][KB_NET_ADDR]; /* "" ends the list */
};

struct kb_iface {
	char name[IF_NAMESIZE]; /* "eth0" */
	char mac[18];		/* "52:54:00:12:34:56" */
	bool carrier;		/* the link is up (a cable, a peer) */
	enum kb_net_mode mode;	/* what it is configured for */
	enum kb_net_state state;
	char addr[KB_NET_ADDR]; /* while UP */
	int prefix;
	char gateway[KB_NET_ADDR];	   /* "" when none */
	char dns[KB_NET_DNS][KB_NET_ADDR]; /* "" ends the list */
	char domain[KB_NET_TEXT];	   /* DHCP option 15 */
	char server[KB_NET_ADDR];	   /* DHCP siaddr: the boot server */
	char tftp[KB_NET_TEXT];		   /* option 66: TFTP server name */
	char bootfile[KB_NET_TEXT];	   /* option 67, else the BOOTP file field */
	char pxe_config[KB_NET_TEXT];	   /* option 209: pxelinux config file */
	char pxe_prefix[KB_NET_TEXT];	   /* option 210: pxelinux path prefix */
	char reason[KB_NET_TEXT];	   /* while FAILED: one sentence */
};

struct kb_net;
struct kb_loop;

struct kb_net_config {
	const char *spec;	 /* kboot.net= (docs/network.md); NULL: "dhcp" */
	const char *udhcpc;	 /* NULL: "/sbin/udhcpc" */
	const char *script;	 /* NULL: "/etc/kboot/udhcpc" */
	const char *ip;		 /* NULL: "/sbin/ip" */
	const char *run_dir;	 /* NULL: "/run/kboot/net" (lease files) */
	const char *resolv_conf; /* NULL: "/etc/resolv.conf" */
	const char *hosts;	 /* written at start ("/etc/hosts"); NULL: not written */
	const char *hosts_extra; /* the image builder's lines; NULL: "/etc/kboot/hosts" */
	int dhcp_tries;		 /* discovers before giving up; 0: 4 */
	int dhcp_wait;		 /* seconds between them; 0: 2 */
	/* Something changed: interfaces, carrier, a lease.  Optional. */
	void (*changed)(struct kb_net *n, void *data);
	/* A line for the status log (enum kb_status_level).  Optional. */
	void (*status)(struct kb_net *n, int level, const char *text, void *data);
	void *data;
};

/*
 * Parse a kboot.net= value into what it asks for: mode and, for static,
 * st; iface is "" (every interface) or the one named.  0, or -EINVAL with
 * a sentence in err.
 */
int kb_net_parse_spec(const char *spec, char iface[IF_NAMESIZE], enum kb_net_mode *mode,
		      struct kb_net_static *st, char *err, size_t errlen);

/*
 * Watch the interfaces on loop l and configure them as cfg->spec says.
 * NULL with errno set.  cfg must outlive it.  Free with kb_net_free()
 * (udhcpc children are killed; addresses stay).
 */
/*
 * Read a DHCP lease as udhcpc's script writes it ("KEY=VALUE" lines: ip,
 * mask, router, dns, siaddr, domain, tftp, bootfile, pxeconffile,
 * pxepathprefix) into x's lease fields; a value that is no address or
 * prefix is left out.  0, or -EINVAL when it gives no address.
 */
int kb_net_parse_lease(FILE *f, struct kb_iface *x);

struct kb_net *kb_net_new(struct kb_loop *l, const struct kb_net_config *cfg);
void kb_net_free(struct kb_net *n);

size_t kb_net_count(const struct kb_net *n);
const struct kb_iface *kb_net_at(const struct kb_net *n, size_t i);
const struct kb_iface *kb_net_find(const struct kb_net *n, const char *name);

/*
 * Configure one interface now (the wizard, or a test): mode DHCP or
 * STATIC (st) or NONE.  A running udhcpc for it is stopped first.
 * 0 (done, or under way for DHCP), or -errno with a sentence in err.
 */
int kb_net_configure(struct kb_net *n, const char *name, enum kb_net_mode mode,
		     const struct kb_net_static *st, char *err, size_t errlen);

#endif
