/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonstr.h - JSON string literals and numbers out: what the menu's JSON,
 * the protocol's requests and replies and the JSON writer of parsed trees
 * share.
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
/*
 * Write a number as JSON: a whole one below 1e15 as an integer, else with
 * 17 digits; an infinity (what a client's 1e999 reads as) as 1e999 or
 * -1e999, a NaN as null - never "inf", which is no JSON.
 */
void kb_json_number(FILE *f, double v);

#endif
