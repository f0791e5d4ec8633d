// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * version-compare.c - the UAPI Version Format Specification's comparison,
 * written from the specification's numbered steps (the comments below
 * quote their order).  Nothing is allocated and no locale is consulted:
 * "letter" and "digit" mean ASCII letter and digit.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config/parsers/version-compare.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_version_char(char c)
{
	return is_digit(c) || is_alpha(c) || c == '-' || c == '.' || c == '~' || c == '^';
}

/*
 * Steps 2, 4, 5 and 6: when exactly one string is at the marker c, that
 * string compares lower; when both are, both markers are consumed.
 * Returns the verdict, or 0 to go on.
 */
static int marker(const char **a, const char **b, char c)
{
	bool ma = **a == c, mb = **b == c;

	if (!ma && !mb)
		return 0;
	if (ma && !mb)
		return -1;
	if (!ma && mb)
		return 1;
	(*a)++;
	(*b)++;
	return 0;
}

int kb_version_compare(const char *a, const char *b)
{
	if (!a)
		a = "";
	if (!b)
		b = "";

	for (;;) {
		const char *ea, *eb;
		size_t la, lb;
		int r;

		/* 1. Characters outside the version set are skipped. */
		while (*a && !is_version_char(*a))
			a++;
		while (*b && !is_version_char(*b))
			b++;

		/* 2. "~" sorts lower than anything, even the end. */
		r = marker(&a, &b, '~');
		if (r)
			return r;

		/* 3. The end: the string with something left is higher. */
		if (!*a || !*b) {
			if (!*a && !*b)
				return 0;
			return *a ? 1 : -1;
		}

		/* 4.-6. "-", then "^", then "." each sort lower than the rest. */
		r = marker(&a, &b, '-');
		if (r)
			return r;
		r = marker(&a, &b, '^');
		if (r)
			return r;
		r = marker(&a, &b, '.');
		if (r)
			return r;

		if (is_digit(*a) || is_digit(*b)) {
			/* 7. Numeric prefixes, compared as numbers of any length. */
			for (ea = a; is_digit(*ea); ea++)
				;
			for (eb = b; is_digit(*eb); eb++)
				;
			/* A number beats no number (see version-compare.h). */
			if (ea == a || eb == b)
				return ea == a ? -1 : 1;
			while (*a == '0' && a + 1 < ea)
				a++;
			while (*b == '0' && b + 1 < eb)
				b++;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			for (; a < ea; a++, b++)
				if (*a != *b)
					return *a < *b ? -1 : 1;
		} else {
			/* 8. Letters, one by one; the longer run is higher. */
			for (ea = a; is_alpha(*ea); ea++)
				;
			for (eb = b; is_alpha(*eb); eb++)
				;
			for (; a < ea && b < eb; a++, b++)
				if (*a != *b)
					return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			if (a < ea)
				return 1;
			if (b < eb)
				return -1;
		}
		a = ea;
		b = eb;
	}
}
