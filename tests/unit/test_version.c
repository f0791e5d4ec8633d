// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_version.c - kb_version_compare() against the examples of the UAPI
 * Version Format Specification, the ordered list systemd's test suite uses
 * for the same algorithm, rpm-style cases, and kernel version strings as
 * they appear in /boot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/version-compare.h"

static int sign(int r)
{
	return (r > 0) - (r < 0);
}

/* a compares as want (-1, 0, 1) with b, and the other way round too. */
static void check(const char *a, const char *b, int want)
{
	int r = sign(kb_version_compare(a, b));
	int back = sign(kb_version_compare(b, a));

	if (r != want || back != -want)
		fail_msg("'%s' vs '%s': got %d (reverse %d), want %d", a ? a : "(null)",
			 b ? b : "(null)", r, back, want);
}

/* The examples listed in the specification, one by one. */
static void test_spec_examples(void **state)
{
	check("11", "11", 0);
	check("systemd-123", "systemd-123", 0);
	check("bar-123", "foo-123", -1);
	check("123a", "123", 1);
	check("123.a", "123", 1);
	check("123.a", "123.b", -1);
	check("123a", "123.a", 1);
	check("11\xce\xb1", "11\xce\xb2", 0); /* 11α == 11β: non-ASCII is skipped */
	check("B", "a", -1);
	check("A", "a", -1);
	check("", "0", -1);
	check("0.", "0", 1);
	check("0.0", "0", 1);
	check("0", "~", 1);
	check("", "~", 1);
	check("1_", "1", 0);
	check("_1", "1", 0);
	check("1_", "1.2", -1);
	check("1_2_3", "1.3.3", 1);
	check("1+", "1", 0);
	check("+1", "1", 0);
	check("1+", "1.2", -1);
	check("1+2+3", "1.3.3", 1);
}

/* "each entry compares smaller than every entry to its right" */
static void check_chain(const char *const *v)
{
	size_t i, j;

	for (i = 0; v[i]; i++) {
		check(v[i], v[i], 0);
		for (j = i + 1; v[j]; j++)
			check(v[i], v[j], -1);
	}
}

static void test_spec_chain(void **state)
{
	static const char *const chain[] = {
		"122.1",     "123~rc1-1", "123",     "123-a",  "123-a.1", "123-1", "123-1.1",
		"123^post1", "123.a-1",	  "123.1-1", "123a-1", "124-1",	  NULL,
	};

	check_chain(chain);
}

/* The ordered list systemd uses to test the same algorithm. */
static void test_systemd_chain(void **state)
{
	static const char *const chain[] = {
		"~1",	   "",	       "ab",	"abb",	   "abc",	 "0001",  "002",
		"12",	   "122",      "122.9", "123~rc1", "123",	 "123-a", "123-a.1",
		"123-a1",  "123-a1.1", "123-3", "123-3.1", "123^patch1", "123^1", "123.a-1",
		"123.1-1", "123a-1",   "124",	NULL,
	};

	check_chain(chain);
}

static void test_separators_and_markers(void **state)
{
	check("123.45-67.88", "123.45-67.89", -1);
	check("123.45-67.89", "123.45-67.89a", -1);
	check("123.45-67.ab", "123.45-67.89", -1);
	check("123.45-67.9", "123.45-67.89", -1);
	check("123.45-67", "123.45-67.89", -1);
	check("123-99.99", "123.45-67.89", -1);
	check("123~rc1-99.99", "123.45-67.89", -1);
	check("123~rc1-99.99", "123~rc2-67.89", -1);
	check("123^45-67.89", "123.45-67.89", -1);
	check("123.aa2-67.89", "123aa2-67.89", -1);
	check("123_aa2-67.89", "123aa+2-67.89", 0);
	check("123.", "123", 1);
	check("12_3", "123", -1);
	check("12_3", "12", 1);
	check("12_3", "12.3", 1);
	check("123.0", "123", 1);
	check("123..0", "123.0", -1);
	check("1.0~rc1~git123", "1.0~rc1", -1);
	check("1.0^", "1.0", 1);
	check("1.0^git1", "1.01", -1);
	check("1.0^20160102", "1.0^20160101^git1", 1);
	check("1.0~rc1^git1", "1.0~rc1", 1);
	check("1.0^git1~pre", "1.0^git1", -1);
}

static void test_numbers(void **state)
{
	check("10.0001", "10.1", 0);
	check("10.0001", "10.0039", -1);
	check("4.999.9", "5.0", -1);
	check("20101121", "20101122", -1);
	check("2.0", "2_0", -1);
	check("xyz.4", "8", -1);
	check("10xyz", "10.1xyz", 1);
	/* Longer than any integer type: compared by length, then digits. */
	check("1.123456789012345678901234567890", "1.123456789012345678901234567891", -1);
	check("1.99999999999999999999999", "1.100000000000000000000000", -1);
	check("000", "0", 0);
	/* A number beats a non-number at the same place (systemd's choice). */
	check("a", "0", -1);
	check("1.a", "1.0", -1);
}

static void test_empty_and_null(void **state)
{
	check(NULL, NULL, 0);
	check(NULL, "", 0);
	check("", "_", 0);
	check("_", "_", 0);
	check("0_", "0", 0);
	check("_0_", "0", 0);
	check("~", "~", 0);
	check(NULL, "1", -1);
}

/* Kernel versions as they appear in /boot and BLS entries. */
static void test_kernel_versions(void **state)
{
	check("6.1.0-13-amd64", "6.1.0-9-amd64", 1);
	check("6.5.6-300.fc39.x86_64", "6.5.12-300.fc39.x86_64", -1);
	check("6.5.6-300.fc39.x86_64", "6.5.6-200.fc38.x86_64", 1);
	check("5.14.0-362.8.1.el9_3.x86_64", "5.14.0-284.30.1.el9_2.x86_64", 1);
	check("6.8.0-rc3", "6.8.0", 1); /* no "~": "-rc3" is a release, higher */
	check("6.8.0~rc3", "6.8.0", -1);
	check("0-rescue-4098b3f648d74c13b1f04ccfba7798e8", "6.1.0", -1);
	check("linux", "linux-lts", -1);
}

/* Random strings: the order is antisymmetric and never crashes. */
static void test_random_strings(void **state)
{
	static const char alphabet[] = "0123456789abcAB.-~^_+\xc3\xa9 ";
	char a[24], b[24];
	int i, j;

	srand(1);
	for (i = 0; i < 20000; i++) {
		int la = rand() % 23, lb = rand() % 23;

		for (j = 0; j < la; j++)
			a[j] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		a[la] = '\0';
		for (j = 0; j < lb; j++)
			b[j] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		b[lb] = '\0';
		assert_int_equal(sign(kb_version_compare(a, b)), -sign(kb_version_compare(b, a)));
		assert_int_equal(kb_version_compare(a, a), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_spec_chain),
		cmocka_unit_test(test_systemd_chain),
		cmocka_unit_test(test_separators_and_markers),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_kernel_versions),
		cmocka_unit_test(test_random_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
