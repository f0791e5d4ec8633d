// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_lease.c - a libFuzzer target for what a DHCP server hands kboot,
 * as udhcpc's script writes it: the lease (core/net/net.c), and what the
 * PXE code makes of it (core/net/pxe.c, core/net/remote.c): the pxelinux
 * config names, the IPAPPEND text, the network source and its URLs.
 *
 * Checks besides "no crash, no leak, no UB": every text kboot keeps from
 * the lease is terminated within its field.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "net/net.h"
#include "net/pxe.h"
#include "net/remote.h"

static void terminated(const char *field, size_t size)
{
	if (!memchr(field, '\0', size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_iface x = { .name = "eth0", .mac = "52:54:00:12:34:56" };
	char names[KB_PXE_MAX][KB_PXE_NAME], out[512], err[256];
	struct kb_remote r;
	struct arena *a;
	FILE *f;

	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	kb_net_parse_lease(f, &x);
	fclose(f);
	terminated(x.addr, sizeof(x.addr));
	terminated(x.gateway, sizeof(x.gateway));
	terminated(x.server, sizeof(x.server));
	terminated(x.tftp, sizeof(x.tftp));
	terminated(x.bootfile, sizeof(x.bootfile));
	terminated(x.pxe_config, sizeof(x.pxe_config));
	terminated(x.pxe_prefix, sizeof(x.pxe_prefix));
	if (x.prefix < 0 || x.prefix > 32)
		abort();
	kb_pxe_ipappend(3, &x, out, sizeof(out));
	kb_pxe_candidates("00112233-4455-6677-8899-aabbccddeeff", x.mac, x.addr, names);
	kb_remote_lease_wants_pxe(&x);
	a = arena_new();
	if (a && !kb_remote_pxe(a, &x, NULL, &r, err, sizeof(err)))
		terminated(err, sizeof(err));
	arena_free(a);
	return 0;
}
