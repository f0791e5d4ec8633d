// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_ftp.c - a libFuzzer target for what an FTP server answers
 * kb_fetch() (core/net/fetch/ftp.c): the greeting, the replies to USER,
 * TYPE, SIZE, EPSV and PASV (whose addresses may lead anywhere), RETR.
 *
 * A server thread in this process (answer.h) speaks first: it sends
 * the input as its replies, then reads what the client says until it
 * hangs up; kb_fetch() downloads ftp://127.0.0.1:PORT/x.  It runs in
 * a network namespace of its own (netns.h), so an address a PASV reply
 * names reaches nothing.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "answer.h"
#include "net/fetch/fetch.h"
#include "netns.h"

static int out_fd;
static char url[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_netns("fuzz_ftp");
	snprintf(url, sizeof(url), "ftp://127.0.0.1:%u/x", answer_start(false));
	out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out_fd < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_fetch_opts o = {
		.connect_timeout_ms = 1000,
		.stall_timeout_ms = 200,
		.max_size = 1 << 20,
	};
	char err[1024];

	answer_set(data, size);
	/* Whatever the answer, a result and, on failure, one sentence. */
	if (kb_fetch(url, out_fd, &o, NULL, NULL, err, sizeof(err)) && !err[0])
		abort();
	answer_set(NULL, 0);
	return 0;
}
