// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsonparse.c - the strict JSON reader of jsonparse.h (RFC 8259).
 *
 * Recursive descent over a buffer with an explicit length (it need not be
 * NUL-terminated and may contain NULs, which are errors).  Strings are
 * decoded (every escape, surrogate pairs to UTF-8) into arena copies; raw
 * bytes must be valid UTF-8 (no overlong forms, no surrogates, nothing past
 * U+10FFFF) and control characters must be escaped.
 *
 * Rejected on purpose: a byte order mark, comments, trailing commas,
 * leading zeros, "+1", ".5", "1.", NaN/Infinity, single quotes, \u0000
 * (strings are handed out NUL-terminated), lone surrogates, nesting deeper
 * than 64, anything but whitespace after the value.  Accepted: duplicate
 * member names (kb_json_get() finds the first), numbers too large for a
 * double (they become +-HUGE_VAL).
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonparse.h"
#include "lib/jsonstr.h"

#define MAX_DEPTH 64

struct parser {
	struct arena *a; /* where the tree goes */
	const char *p;	 /* next byte */
	const char *end; /* one past the last byte */
	const char *err; /* first error, a static string */
	int depth;	 /* open arrays and objects */
};

static struct kb_json *value(struct parser *ps);

static void *fail(struct parser *ps, const char *why)
{
	if (!ps->err)
		ps->err = why;
	return NULL;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct kb_json *node(struct parser *ps, enum kb_jtype type)
{
	struct kb_json *j = arena_alloc(ps->a, sizeof(*j));

	if (!j)
		return fail(ps, "out of memory");
	j->type = type;
	return j;
}

/* ---- strings ---- */

static int hex4(const char *s, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	if (end - s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/*
 * The string starting at the opening quote, decoded into the arena.
 * Decoding never grows the text, so the raw length bounds the copy.
 */
static const char *string(struct parser *ps)
{
	const char *s = ps->p + 1, *q;
	char *out, *o;

	/* Find the closing quote to size the copy. */
	for (q = s; q < ps->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < ps->end)
			q++;
	if (q >= ps->end)
		return fail(ps, "unterminated string");
	out = o = arena_alloc_uninit(ps->a, (size_t)(q - s) + 1);
	if (!out)
		return fail(ps, "out of memory");

	while (s < q) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20)
			return fail(ps, "control character in string");
		if (c >= 0x80) {
			size_t n = kb_utf8_len((const unsigned char *)s, (const unsigned char *)q);

			if (!n)
				return fail(ps, "invalid UTF-8");
			memcpy(o, s, n);
			o += n;
			s += n;
			continue;
		}
		if (c != '\\') {
			*o++ = *s++;
			continue;
		}
		s++; /* the backslash; q bounds s + 1 since a quote follows */
		switch (*s++) {
		case '"':
			*o++ = '"';
			break;
		case '\\':
			*o++ = '\\';
			break;
		case '/':
			*o++ = '/';
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u': {
			uint32_t cp, lo;

			if (hex4(s, q, &cp))
				return fail(ps, "bad \\u escape");
			s += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(ps, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (q - s < 6 || s[0] != '\\' || s[1] != 'u' ||
				    hex4(s + 2, q, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return fail(ps, "lone high surrogate");
				s += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0)
				return fail(ps, "\\u0000 in string");
			o = put_utf8(o, cp);
			break;
		}
		default:
			return fail(ps, "bad escape");
		}
	}
	*o = '\0';
	ps->p = q + 1;
	return out;
}

/* ---- numbers ---- */

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct kb_json *number(struct parser *ps)
{
	static locale_t c_locale;
	const char *s = ps->p, *p = s;
	struct kb_json *j;
	char buf[64], *copy = buf;
	size_t len;

	if (p < ps->end && *p == '-')
		p++;
	if (p < ps->end && *p == '0') {
		p++;
	} else if (p < ps->end && *p >= '1' && *p <= '9') {
		while (p < ps->end && digit(*p))
			p++;
	} else {
		return fail(ps, "bad number");
	}
	if (p < ps->end && *p == '.') {
		p++;
		if (p >= ps->end || !digit(*p))
			return fail(ps, "bad number");
		while (p < ps->end && digit(*p))
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || !digit(*p))
			return fail(ps, "bad number");
		while (p < ps->end && digit(*p))
			p++;
	}
	len = (size_t)(p - s);
	if (len >= sizeof(buf)) {
		copy = arena_alloc_uninit(ps->a, len + 1);
		if (!copy)
			return fail(ps, "out of memory");
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	j = node(ps, KB_JNUM);
	if (!j)
		return NULL;
	/* The C locale's decimal point, whatever setlocale() a UI made. */
	if (!c_locale)
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	j->num = c_locale ? strtod_l(copy, NULL, c_locale) : strtod(copy, NULL);
	ps->p = p;
	return j;
}

/* ---- containers ---- */

/* Grow a pointer array in the arena (the old copy is left behind). */
static void **grow(struct parser *ps, void **v, size_t n, size_t *cap)
{
	void **nv;

	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 4;
	nv = arena_alloc_uninit(ps->a, *cap * sizeof(*nv));
	if (!nv)
		return fail(ps, "out of memory");
	if (n)
		memcpy(nv, v, n * sizeof(*nv));
	return nv;
}

static struct kb_json *array(struct parser *ps)
{
	struct kb_json *j = node(ps, KB_JARR), *item;
	void **v = NULL;
	size_t cap = 0;

	if (!j)
		return NULL;
	ps->p++; /* [ */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return j;
	}
	for (;;) {
		item = value(ps);
		if (!item)
			return NULL;
		v = grow(ps, v, j->n, &cap);
		if (!v)
			return NULL;
		v[j->n++] = item;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, "unterminated array");
		if (*ps->p == ']')
			break;
		if (*ps->p != ',')
			return fail(ps, "expected ',' or ']'");
		ps->p++;
	}
	ps->p++;
	j->item = (struct kb_json **)v;
	return j;
}

static struct kb_json *object(struct parser *ps)
{
	struct kb_json *j = node(ps, KB_JOBJ), *item;
	void **v = NULL, **k = NULL;
	size_t cap = 0, kcap = 0;
	const char *name;

	if (!j)
		return NULL;
	ps->p++; /* { */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return j;
	}
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"')
			return fail(ps, "expected a member name");
		name = string(ps);
		if (!name)
			return NULL;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':')
			return fail(ps, "expected ':'");
		ps->p++;
		item = value(ps);
		if (!item)
			return NULL;
		v = grow(ps, v, j->n, &cap);
		k = grow(ps, k, j->n, &kcap);
		if (!v || !k)
			return NULL;
		k[j->n] = (void *)name;
		v[j->n++] = item;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, "unterminated object");
		if (*ps->p == '}')
			break;
		if (*ps->p != ',')
			return fail(ps, "expected ',' or '}'");
		ps->p++;
	}
	ps->p++;
	j->item = (struct kb_json **)v;
	j->key = (const char **)k;
	return j;
}

/* ---- values ---- */

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return false;
	ps->p += n;
	return true;
}

static struct kb_json *value(struct parser *ps)
{
	struct kb_json *j;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "expected a value");
	switch (*ps->p) {
	case '{':
	case '[':
		if (++ps->depth > MAX_DEPTH)
			return fail(ps, "nested too deeply");
		j = *ps->p == '{' ? object(ps) : array(ps);
		ps->depth--;
		return j;
	case '"': {
		const char *s = string(ps);

		if (!s)
			return NULL;
		j = node(ps, KB_JSTR);
		if (j)
			j->str = s;
		return j;
	}
	case 't':
	case 'f': {
		bool t = *ps->p == 't';

		if (!literal(ps, t ? "true" : "false"))
			return fail(ps, "unexpected character");
		j = node(ps, KB_JBOOL);
		if (j)
			j->b = t;
		return j;
	}
	case 'n':
		if (!literal(ps, "null"))
			return fail(ps, "unexpected character");
		return node(ps, KB_JNULL);
	default:
		if (*ps->p == '-' || digit(*ps->p))
			return number(ps);
		return fail(ps, "unexpected character");
	}
}

struct kb_json *kb_json_parse(struct arena *a, const char *text, size_t len, const char **err)
{
	struct parser ps = { .a = a, .p = text, .end = text + len };
	struct kb_json *j = value(&ps);

	if (j) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			j = fail(&ps, "text after the value");
	}
	if (!j && err)
		*err = ps.err ? ps.err : "invalid JSON";
	return j;
}

const struct kb_json *kb_json_get(const struct kb_json *o, const char *key)
{
	size_t i;

	if (!o || o->type != KB_JOBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (!strcmp(o->key[i], key))
			return o->item[i];
	return NULL;
}

const char *kb_json_get_str(const struct kb_json *o, const char *key)
{
	const struct kb_json *j = kb_json_get(o, key);

	return j && j->type == KB_JSTR ? j->str : NULL;
}

bool kb_json_int(const struct kb_json *j, long long min, long long max, long long *out)
{
	/* Compared as doubles first: only a value in range may become an integer. */
	if (!j || j->type != KB_JNUM || !(j->num >= (double)min && j->num <= (double)max) ||
	    j->num != (double)(long long)j->num)
		return false;
	*out = (long long)j->num;
	return true;
}
