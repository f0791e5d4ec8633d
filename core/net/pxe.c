// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pxe.c - pxelinux's config file names and IPAPPEND parameters (pxe.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/text.h"
#include "net/pxe.h"

/* "88:99:AA:BB:CC:DD" as "88-99-aa-bb-cc-dd", or 0 when it is no MAC. */
static int mac_dashes(const char *mac, char *out, size_t len)
{
	size_t i;

	if (!mac || strlen(mac) != 17 || len < 18)
		return 0;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? mac[i] != ':' && mac[i] != '-' : !isxdigit((unsigned char)mac[i]))
			return 0;
		out[i] = i % 3 == 2 ? '-' : (char)tolower((unsigned char)mac[i]);
	}
	out[17] = '\0';
	return 1;
}

size_t kb_pxe_candidates(const char *uuid, const char *mac, const char *ipv4,
			 char out[][KB_PXE_NAME])
{
	struct in_addr a;
	char dashes[18], hex[9];
	size_t n = 0;
	int k;

	if (uuid && *uuid && strlen(uuid) < KB_PXE_NAME - 13)
		snprintf(out[n++], KB_PXE_NAME, "pxelinux.cfg/%s", uuid);
	if (mac_dashes(mac, dashes, sizeof(dashes)))
		snprintf(out[n++], KB_PXE_NAME, "pxelinux.cfg/01-%s", dashes);
	if (ipv4 && inet_pton(AF_INET, ipv4, &a) == 1) {
		snprintf(hex, sizeof(hex), "%08X", ntohl(a.s_addr));
		for (k = 8; k >= 1; k--)
			snprintf(out[n++], KB_PXE_NAME, "pxelinux.cfg/%.*s", k, hex);
	}
	snprintf(out[n++], KB_PXE_NAME, "pxelinux.cfg/default");
	return n;
}

/* The dotted netmask of a prefix length ("255.255.255.0" for 24). */
static void netmask(int prefix, char *out, size_t len)
{
	struct in_addr m = { .s_addr = htonl(prefix <= 0 ? 0 : 0xffffffffu << (32 - prefix)) };

	if (!inet_ntop(AF_INET, &m, out, (socklen_t)len))
		out[0] = '\0';
}

size_t kb_pxe_ipappend(int flags, const struct kb_iface *x, char *out, size_t len)
{
	char mask[INET_ADDRSTRLEN], dashes[18];
	size_t o = 0;

	if (!len)
		return 0;
	out[0] = '\0';
	if ((flags & 1) && x->addr[0] && x->prefix > 0 && x->prefix <= 32) {
		netmask(x->prefix, mask, sizeof(mask));
		o = kb_append(out, len, o, "ip=%s:%s:%s:%s", x->addr, x->server, x->gateway, mask);
	}
	if ((flags & 2) && mac_dashes(x->mac, dashes, sizeof(dashes)))
		o = kb_append(out, len, o, "%sBOOTIF=01-%s", o ? " " : "", dashes);
	return o;
}
