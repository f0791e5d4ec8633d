/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonstr.h - JSON string literals out: what the menu's JSON, the protocol's
 * requests and the JSON writer of parsed trees share.
 *
 * Not here: reading JSON (jsonparse.h), the menu's shape (config/json.h).
 */
#ifndef KBOOT_JSONSTR_H
#define KBOOT_JSONSTR_H

#include <stddef.h>
#include <stdio.h>

#include "lib/arena.h"

/* Bytes of the valid UTF-8 sequence at s (before end), or 0 when invalid. */
size_t kb_utf8_len(const unsigned char *s, const unsigned char *end);
/* Write a JSON string literal (null when s is NULL); invalid UTF-8 becomes U+FFFD. */
void kb_json_string(FILE *f, const char *s);
/* Append s to sb as a JSON string literal (null when s is NULL). */
void kb_sb_json_string(struct strbuf *sb, const char *s);

#endif
