// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_jsonparse.c - the strict JSON reader: what it accepts, what it
 * decodes to, and every kind of input it must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "lib/jsonparse.h"

/* Parse a NUL-terminated text (or len bytes of it when len != 0). */
static struct kb_json *parse(struct arena *a, const char *text, size_t len)
{
	return kb_json_parse(a, text, len ? len : strlen(text), NULL);
}

static void test_scalars(void **state)
{
	struct arena *a = arena_new();
	struct kb_json *j;

	j = parse(a, "null", 0);
	assert_non_null(j);
	assert_int_equal(j->type, KB_JNULL);
	j = parse(a, " true ", 0);
	assert_int_equal(j->type, KB_JBOOL);
	assert_true(j->b);
	j = parse(a, "false", 0);
	assert_int_equal(j->type, KB_JBOOL);
	assert_false(j->b);
	j = parse(a, "\"hi\"", 0);
	assert_int_equal(j->type, KB_JSTR);
	assert_string_equal(j->str, "hi");
	j = parse(a, "\"\"", 0);
	assert_string_equal(j->str, "");
	arena_free(a);
}

static void test_numbers(void **state)
{
	static const struct {
		const char *text;
		double value;
	} ok[] = {
		{ "0", 0 },
		{ "-0", 0 },
		{ "7", 7 },
		{ "-12", -12 },
		{ "1.5", 1.5 },
		{ "-0.25", -0.25 },
		{ "1e3", 1000 },
		{ "1E+2", 100 },
		{ "2e-1", 0.2 },
		{ "10.5e1", 105 },
		{ "123456789", 123456789 },
	};
	struct arena *a = arena_new();
	struct kb_json *j;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		j = parse(a, ok[i].text, 0);
		assert_non_null(j);
		assert_int_equal(j->type, KB_JNUM);
		assert_true(fabs(j->num - ok[i].value) < 1e-9);
	}
	j = parse(a, "1e999", 0);
	assert_non_null(j);
	assert_true(isinf(j->num));
	arena_free(a);
}

static void test_bad_numbers(void **state)
{
	static const char *const bad[] = {
		"01",	"-",	"+1",  ".5",  "1.",	  "1e",	       "1e+", "-a",
		"0x10", "1.e3", "--1", "NaN", "Infinity", "-Infinity", "1 2", "00",
	};
	struct arena *a = arena_new();
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(parse(a, bad[i], 0));
	arena_free(a);
}

static void test_string_escapes(void **state)
{
	struct arena *a = arena_new();
	struct kb_json *j;

	j = parse(a, "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", 0);
	assert_non_null(j);
	assert_string_equal(j->str, "a\"b\\c/d\b\f\n\r\t");
	j = parse(a, "\"\\u0041\\u00e9\\u20AC\"", 0);
	assert_string_equal(j->str, "A\xc3\xa9\xe2\x82\xac");
	/* U+1F600 as a surrogate pair */
	j = parse(a, "\"\\ud83d\\ude00\"", 0);
	assert_string_equal(j->str, "\xf0\x9f\x98\x80");
	/* raw UTF-8 passes through */
	j = parse(a, "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", 0);
	assert_string_equal(j->str, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	/* DEL and U+FFFF are fine */
	j = parse(a, "\"\x7f\\uffff\"", 0);
	assert_string_equal(j->str, "\x7f\xef\xbf\xbf");
	arena_free(a);
}

static void test_bad_strings(void **state)
{
	static const char *const bad[] = {
		"\"abc",	      /* unterminated */
		"\"abc\\\"",	      /* the quote is escaped */
		"\"a\\x\"",	      /* unknown escape */
		"\"a\\u12\"",	      /* short \u */
		"\"a\\u12g4\"",	      /* not hex */
		"\"\\u0000\"",	      /* NUL */
		"\"\\ud83d\"",	      /* lone high surrogate */
		"\"\\ud83dx\"",	      /* high surrogate then text */
		"\"\\ud83d\\u0041\"", /* high surrogate then not a low one */
		"\"\\ude00\"",	      /* lone low surrogate */
		"\"a\tb\"",	      /* raw control character */
		"\"a\nb\"",
		"'single'",
		"\"\\",
	};
	struct arena *a = arena_new();
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(parse(a, bad[i], 0));
	arena_free(a);
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\"\x80\"",		    /* continuation byte alone */
		"\"\xc3\"",		    /* truncated */
		"\"\xc0\xaf\"",		    /* overlong '/' */
		"\"\xe0\x80\xaf\"",	    /* overlong, 3 bytes */
		"\"\xed\xa0\x80\"",	    /* UTF-16 surrogate encoded */
		"\"\xf4\x90\x80\x80\"",	    /* past U+10FFFF */
		"\"\xf8\x88\x80\x80\x80\"", /* 5-byte form */
		"\"\xff\"",
		"\"\xe2\x82\"", /* truncated before the quote */
	};
	struct arena *a = arena_new();
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(parse(a, bad[i], 0));
	/* outside strings, too */
	assert_null(parse(a, "[1,\xc3\xa9]", 0));
	arena_free(a);
}

static void test_nul_in_input(void **state)
{
	struct arena *a = arena_new();

	assert_null(parse(a, "\"a\0b\"", 5));
	assert_null(parse(a, "1\0", 2));
	assert_non_null(parse(a, "1", 1));
	arena_free(a);
}

static void test_containers(void **state)
{
	struct arena *a = arena_new();
	const struct kb_json *j, *m;

	j = parse(a,
		  "{\"type\": \"boot\", \"seq\": 7, \"initrd\": [\"a\", \"b\"], "
		  "\"x\": {\"y\": [[], {}]}, \"n\": null}",
		  0);
	assert_non_null(j);
	assert_int_equal(j->type, KB_JOBJ);
	assert_int_equal(j->n, 5);
	assert_string_equal(j->key[0], "type");
	assert_string_equal(kb_json_get_str(j, "type"), "boot");
	m = kb_json_get(j, "seq");
	assert_int_equal(m->type, KB_JNUM);
	assert_true(m->num == 7);
	m = kb_json_get(j, "initrd");
	assert_int_equal(m->type, KB_JARR);
	assert_int_equal(m->n, 2);
	assert_string_equal(m->item[1]->str, "b");
	m = kb_json_get(kb_json_get(j, "x"), "y");
	assert_int_equal(m->n, 2);
	assert_int_equal(m->item[0]->type, KB_JARR);
	assert_int_equal(m->item[0]->n, 0);
	assert_int_equal(m->item[1]->type, KB_JOBJ);
	assert_int_equal(m->item[1]->n, 0);
	assert_null(kb_json_get_str(j, "seq"));	 /* not a string */
	assert_null(kb_json_get_str(j, "none")); /* absent */
	assert_null(kb_json_get(m, "y"));	 /* not an object */
	assert_null(kb_json_get(NULL, "y"));
	assert_int_equal(kb_json_get(j, "n")->type, KB_JNULL);

	/* many items: the arrays grow */
	j = parse(a, "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]", 0);
	assert_int_equal(j->n, 21);
	assert_true(j->item[20]->num == 20);
	arena_free(a);
}

static void test_duplicate_keys_first_wins(void **state)
{
	struct arena *a = arena_new();
	const struct kb_json *j = parse(a, "{\"a\": \"1\", \"a\": \"2\"}", 0);

	assert_non_null(j);
	assert_int_equal(j->n, 2);
	assert_string_equal(kb_json_get_str(j, "a"), "1");
	arena_free(a);
}

static void test_whitespace(void **state)
{
	struct arena *a = arena_new();

	assert_non_null(parse(a, " \t\r\n{ \"a\" :\n[ 1 , 2 ] } \r\n", 0));
	assert_null(parse(a, "", 0));
	assert_null(parse(a, "   ", 0));
	assert_null(parse(a, "\f1", 0)); /* form feed is not JSON whitespace */
	assert_null(parse(a,
			  "\xc2\xa0"
			  "1",
			  0));			    /* nor is NBSP */
	assert_null(parse(a, "\xef\xbb\xbf{}", 0)); /* nor a BOM */
	arena_free(a);
}

static void test_bad_structure(void **state)
{
	static const char *const bad[] = {
		"[1,]",
		"[,1]",
		"[1 2]",
		"[",
		"]",
		"{",
		"}",
		"{\"a\"}",
		"{\"a\":}",
		"{\"a\" 1}",
		"{\"a\":1,}",
		"{a:1}",
		"{1:1}",
		"[1]]",
		"{}{}",
		"tru",
		"nul",
		"falsey",
		"True",
		"[1] x",
		"/* c */ 1",
		"1 // c",
		"{\"a\":1 \"b\":2}",
		"[\"a\":1]",
	};
	struct arena *a = arena_new();
	const char *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_null(kb_json_parse(a, bad[i], strlen(bad[i]), &err));
		assert_non_null(err);
	}
	arena_free(a);
}

static void test_depth_limit(void **state)
{
	struct arena *a = arena_new();
	char ok[64 * 2 + 1], deep[65 * 2 + 1], mixed[64 * 6 + 2];
	const char *err = NULL;
	int i;

	for (i = 0; i < 64; i++) {
		ok[i] = '[';
		ok[64 + i] = ']';
	}
	ok[128] = '\0';
	assert_non_null(parse(a, ok, 0));
	for (i = 0; i < 65; i++) {
		deep[i] = '[';
		deep[65 + i] = ']';
	}
	deep[130] = '\0';
	assert_null(kb_json_parse(a, deep, strlen(deep), &err));
	assert_string_equal(err, "nested too deeply");

	/* objects count too: 64 levels of {"a":...} */
	for (i = 0; i < 64; i++)
		memcpy(mixed + i * 5, "{\"a\":", 5);
	memcpy(mixed + 320, "1", 1);
	memset(mixed + 321, '}', 64);
	mixed[385] = '\0';
	assert_non_null(parse(a, mixed, 0));
	arena_free(a);
}

static void test_error_reason(void **state)
{
	struct arena *a = arena_new();
	const char *err = NULL;

	assert_null(kb_json_parse(a, "{} x", 4, &err));
	assert_string_equal(err, "text after the value");
	assert_null(kb_json_parse(a, "\"\\u0000\"", 8, &err));
	assert_string_equal(err, "\\u0000 in string");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_in_input),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_duplicate_keys_first_wins),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_bad_structure),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_error_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
