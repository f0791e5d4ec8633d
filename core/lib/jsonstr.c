// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsonstr.c - JSON string literals out (jsonstr.h): UTF-8 checked, escaped
 * as RFC 8259 asks, into a FILE or a strbuf.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonstr.h"

size_t kb_utf8_len(const unsigned char *s, const unsigned char *end)
{
	uint32_t cp;
	size_t n, i;

	if (s >= end)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void kb_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *end;

	if (!s) {
		fputs("null", f);
		return;
	}
	end = s + strlen(str);
	putc('"', f);
	while (*s) {
		size_t n = kb_utf8_len(s, end);

		if (n == 0) {
			fputs("\xef\xbf\xbd", f);
			s++;
		} else if (*s == '"' || *s == '\\') {
			putc('\\', f);
			putc(*s++, f);
		} else if (*s == '\n') {
			fputs("\\n", f), s++;
		} else if (*s == '\t') {
			fputs("\\t", f), s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	putc('"', f);
}

void kb_sb_json_string(struct strbuf *sb, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		sb->oom = true;
		return;
	}
	kb_json_string(f, s);
	if (fclose(f) == 0)
		sb_add(sb, buf, len);
	else
		sb->oom = true;
	free(buf);
}

void kb_json_number(FILE *f, double v)
{
	if (isnan(v))
		fputs("null", f);
	else if (isinf(v))
		fputs(v > 0 ? "1e999" : "-1e999", f);
	else if (fabs(v) < 1e15 && v == (double)(long long)v)
		fprintf(f, "%lld", (long long)v);
	else
		fprintf(f, "%.17g", v);
}
