/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * text.h - text for people: what kboot shows or logs never holds a
 * password, and never drives the terminal it is shown on.
 *
 * Titles, command lines, warnings and URLs come from configs, servers and
 * clients; any of them may hold "http://user:password@host" or escape
 * sequences (ESC [ 2 J clears a screen, ESC ] 0 ; renames a window) or
 * bidirectional overrides (U+202E shows text backwards).  Every line for
 * people goes through these on its way out.
 *
 * Not here: JSON escaping (jsonstr.h), which keeps the text as it is.
 */
#ifndef KBOOT_TEXT_H
#define KBOOT_TEXT_H

#include <stdio.h>

/*
 * A malloc'd copy of text with the password of every URL in it replaced
 * by "***" ("http://alice:***@host/..."); NULL when out of memory (the
 * caller then shows nothing rather than the secret).
 */
char *kb_redact_urls(const char *text);

/*
 * Write s (NULL: nothing) for a terminal: control characters (C0, DEL,
 * C1) and bidirectional controls each become '?', each byte of invalid
 * UTF-8 U+FFFD (as kb_json_string() writes it); a line break or a tab
 * becomes a space.  Everything else is written as it is.
 */
void kb_text_write(FILE *f, const char *s);
/* The same for text of several lines: its "\n"s are kept, and every URL's
 * password hidden (kb_redact_urls()). */
void kb_text_write_lines(FILE *f, const char *s);

/*
 * Append printf-formatted text at offset o of buf (size bytes); the new
 * offset, never past size - 1: what does not fit is cut, and the string
 * stays terminated.  For chains of appends into one fixed buffer (a bare
 * "o += snprintf(buf + o, size - o, ...)" runs past the end once a piece
 * is cut).
 */
size_t kb_append(char *buf, size_t size, size_t o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Text for people built in memory first, then written out whole through
 * kb_text_write_lines(): kb_text_open() gives the stream to write to (NULL
 * when out of memory), kb_text_close() writes what it holds to out (or
 * says it ran out of memory) and frees it.
 */
struct kb_text {
	FILE *f;
	char *buf;
	size_t len;
};
FILE *kb_text_open(struct kb_text *t);
void kb_text_close(struct kb_text *t, FILE *out);

#endif
