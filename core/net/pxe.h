/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pxe.h - what pxelinux derives from a DHCP lease: the config file names
 * it tries, and the IPAPPEND parameters it adds to a command line.
 *
 * Pure functions of the lease (net.h): the daemon fetches the names in
 * order and hands the first config found to the syslinux parser.
 */
#ifndef KBOOT_PXE_H
#define KBOOT_PXE_H

#include <stddef.h>

#include "net/net.h"

#define KB_PXE_NAME 64 /* bytes of one candidate name, NUL included */
#define KB_PXE_MAX  12 /* candidates at most: UUID, MAC, 8 IP prefixes, default */

/*
 * pxelinux's order (syslinux's PXELINUX documentation): pxelinux.cfg/UUID
 * (when uuid is not NULL), pxelinux.cfg/01-MAC (lower case, dashes; 01 is
 * the ARP type of Ethernet), pxelinux.cfg/IP as eight upper-case hex digits
 * and then shortened by one digit at a time, pxelinux.cfg/default.  Names
 * are relative (the caller puts the path prefix, option 210, in front).
 * Returns how many were written into out (at most KB_PXE_MAX).
 */
size_t kb_pxe_candidates(const char *uuid, const char *mac, const char *ipv4,
			 char out[][KB_PXE_NAME]);

/*
 * The parameters IPAPPEND flags add (bit 1: "ip=CLIENT:SERVER:GATEWAY:
 * NETMASK", bit 2: "BOOTIF=01-MAC"), space-separated, into out.  A
 * flag whose values are missing from x adds nothing.  The length written.
 */
size_t kb_pxe_ipappend(int flags, const struct kb_iface *x, char *out, size_t len);

#endif
