// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_url.c - a libFuzzer target for URLs (core/net/fetch/url.c): what a
 * DHCP server, a config file or a person types reaches kb_url_parse(),
 * and what an HTTP server says in Location reaches kb_url_resolve().
 *
 * The input is "URL" or "BASE\nREFERENCE".  Besides "no crash, no UB" it
 * checks that an accepted URL keeps its promises (a path starting with
 * '/', no CR or LF for FTP, a port for every scheme but file, a sentence
 * for every refusal) and that a resolved reference never overflows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/fetch/fetch.h"

static void check(const char *s)
{
	struct kb_url u;
	char err[256];
	int ret = kb_url_parse(s, &u, err, sizeof(err));

	if (ret) {
		if (!err[0] || ret >= 0)
			abort();
		return;
	}
	if (u.path[0] != '/')
		abort();
	if (u.scheme == KB_URL_FTP && strpbrk(u.path, "\r\n"))
		abort();
	if ((u.scheme == KB_URL_FILE) != (u.port == 0))
		abort();
	if (u.scheme != KB_URL_FILE && !u.host[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *ref, out[512], tiny[8];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ref = strchr(s, '\n');
	if (ref)
		*ref++ = '\0';
	check(s);
	if (ref) {
		if (!kb_url_resolve(s, ref, out, sizeof(out))) {
			if (strlen(out) >= sizeof(out))
				abort();
			check(out);
		}
		kb_url_resolve(s, ref, tiny, sizeof(tiny));
	}
	free(s);
	return 0;
}
