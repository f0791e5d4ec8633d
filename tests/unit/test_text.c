// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_text.c - core/lib/text.c: URL passwords hidden in any text,
 * nothing a terminal obeys written, and appends into a fixed buffer that
 * never run past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"

static void redacted(const char *in, const char *want)
{
	char *got = kb_redact_urls(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_redact_urls(void **state)
{
	redacted("", "");
	redacted("no URL here", "no URL here");
	redacted("http://host/x", "http://host/x");
	redacted("http://alice@host/x", "http://alice@host/x");
	redacted("http://host:8080/x", "http://host:8080/x");
	redacted("url1: fetching http://alice:SeCrEt1@10.0.2.2/boot/grub.cfg",
		 "url1: fetching http://alice:***@10.0.2.2/boot/grub.cfg");
	/* A password shorter than the stars, and two URLs in one line. */
	redacted("ftp://a:b@h ftp://c:@h2/x tftp://h3/y",
		 "ftp://a:***@h ftp://c:***@h2/x tftp://h3/y");
	/* The last '@' of the authority ends the user information. */
	redacted("http://a:p@q@h/", "http://a:***@h/");
	/* In JSON text, where the quote ends the URL. */
	redacted("{\"url\":\"http://u:pw@h:21/x\",\"n\":1}",
		 "{\"url\":\"http://u:***@h:21/x\",\"n\":1}");
	/* Only the authority: an '@' in the path is not user information. */
	redacted("http://h/a:b@c", "http://h/a:b@c");
}

static char *written(const char *s, bool lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (lines)
		kb_text_write_lines(f, s);
	else
		kb_text_write(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_text_write(void **state)
{
	char *got;

	got = written("A\033[2Jb\033]0;pwned\007c\xe2\x80\xae"
		      "d\x7f"
		      "e\xc2\x9b"
		      "f\tg\nh",
		      false);
	assert_string_equal(got, "A?[2Jb?]0;pwned?c?d?e?f g h");
	free(got);
	/* UTF-8 stays; each byte of invalid UTF-8 is U+FFFD, as in the JSON. */
	got = written("caf\xc3\xa9 \xff\xfe", false);
	assert_string_equal(got, "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd");
	free(got);
	got = written("one\ntwo http://a:b@h/\r\n", true);
	assert_string_equal(got, "one\ntwo http://a:***@h/?\n");
	free(got);
}

static void test_append(void **state)
{
	char buf[8];
	size_t o;

	o = kb_append(buf, sizeof(buf), 0, "%s", "abc");
	assert_int_equal(o, 3);
	o = kb_append(buf, sizeof(buf), o, "%s", "defghij");
	assert_int_equal(o, 7);
	assert_string_equal(buf, "abcdefg");
	/* Full: more changes nothing, and never writes past the end. */
	o = kb_append(buf, sizeof(buf), o, "%s", "xyz");
	assert_int_equal(o, 7);
	assert_string_equal(buf, "abcdefg");
	o = kb_append(buf, sizeof(buf), 100, "%s", "xyz");
	assert_int_equal(o, 7);
	assert_int_equal(kb_append(buf, 0, 0, "%s", "x"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_urls),
		cmocka_unit_test(test_text_write),
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
