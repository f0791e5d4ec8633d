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
#include <stdint.h>

#include "answer.h"

ANSWER_TARGET("fuzz_ftp", "ftp", false)
