// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_http.c - a libFuzzer target for what an HTTP server answers
 * kb_fetch() (core/net/fetch/http.c): the status line, the header fields,
 * chunked bodies, interim answers, redirects.
 *
 * A server thread in this process (answer.h) answers every request with
 * the input, then closes; kb_fetch() downloads http://127.0.0.1:PORT/x
 * from it (and follows whatever redirects the input asks for).  It runs in
 * a network namespace of its own (netns.h), so a redirect to another host
 * reaches nothing.
 */
#include <stdint.h>

#include "answer.h"

ANSWER_TARGET("fuzz_http", "http", true)
