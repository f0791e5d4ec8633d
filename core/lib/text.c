// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * text.c - text for people (text.h): passwords of URLs hidden, and
 * nothing a terminal would obey.
 *
 * A URL is found by its "://"; its authority runs to the first '/', '?',
 * '#', blank, quote, backslash or control character.  When it holds
 * "user:password@", the password becomes "***" - also in JSON text, where
 * such a URL stands as it is (only '"', '\\' and controls are escaped, and
 * they end the authority here).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonstr.h"
#include "lib/text.h"

/* Whether c ends a URL's authority. */
static bool authority_end(unsigned char c)
{
	return !c || c <= ' ' || c == 0x7f || strchr("/?#\"'\\<>", c);
}

char *kb_redact_urls(const char *text)
{
	size_t len = strlen(text), cap = len + 1, o = 0;
	char *out = malloc(cap);
	const char *p = text, *s;

	if (!out)
		return NULL;
	while ((s = strstr(p, "://"))) {
		const char *a = s + 3, *end = a, *at = NULL, *colon;
		size_t keep;

		while (!authority_end((unsigned char)*end)) {
			if (*end == '@')
				at = end;
			end++;
		}
		colon = at ? memchr(a, ':', (size_t)(at - a)) : NULL;
		if (!colon) {
			keep = (size_t)(end - p);
			memcpy(out + o, p, keep);
			o += keep;
			p = end;
			continue;
		}
		/* "***" may be longer than the password it hides. */
		keep = (size_t)(colon + 1 - p);
		cap += 3;
		{
			char *grown = realloc(out, cap);

			if (!grown) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + o, p, keep);
		o += keep;
		memcpy(out + o, "***", 3);
		o += 3;
		p = at;
	}
	memcpy(out + o, p, strlen(p) + 1);
	return out;
}

/* Whether the code point of the UTF-8 sequence at s (n bytes) is a bidi control. */
static bool bidi_control(const unsigned char *s, size_t n)
{
	unsigned int cp;

	if (n != 3)
		return n == 2 && s[0] == 0xd8 && s[1] == 0x9c; /* U+061C ARABIC LETTER MARK */
	cp = (unsigned int)(s[0] & 0x0f) << 12 | (unsigned int)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	return cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* kb_text_write(), its line breaks as nl. */
static void text_write(FILE *f, const char *s, char nl)
{
	const unsigned char *p = (const unsigned char *)s, *end;

	if (!s)
		return;
	end = p + strlen(s);
	while (p < end) {
		size_t n = kb_utf8_len(p, end);

		if (*p == '\n' || (*p == '\r' && nl == ' ')) {
			putc(nl, f);
			p++;
		} else if (*p == '\t') {
			putc(' ', f);
			p++;
		} else if (!n) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD per bad byte, as in the JSON */
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			putc('?', f);
			p++;
		} else if ((n == 2 && p[0] == 0xc2 && p[1] < 0xa0) || bidi_control(p, n)) {
			putc('?', f); /* C1 controls (U+0080-U+009F), bidi controls */
			p += n;
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
}

void kb_text_write(FILE *f, const char *s)
{
	text_write(f, s, ' ');
}

void kb_text_write_lines(FILE *f, const char *s)
{
	char *shown = s ? kb_redact_urls(s) : NULL;

	if (s && !shown) {
		fputs("(out of memory)\n", f);
		return;
	}
	text_write(f, shown, '\n');
	free(shown);
}

size_t kb_append(char *buf, size_t size, size_t o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	if (o >= size)
		return size - 1;
	va_start(ap, fmt);
	n = vsnprintf(buf + o, size - o, fmt, ap);
	va_end(ap);
	if (n < 0)
		return o;
	return (size_t)n < size - o ? o + (size_t)n : size - 1;
}

FILE *kb_text_open(struct kb_text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f;
}

void kb_text_close(struct kb_text *t, FILE *out)
{
	if (!t->f || fclose(t->f))
		fputs("(out of memory)\n", out);
	else
		kb_text_write_lines(out, t->buf);
	free(t->buf);
	t->f = NULL;
	t->buf = NULL;
}
