// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lineedit.c - the one-line editor behind the edit screen's fields.
 *
 * Every change to the text goes through splice(), which replaces a byte
 * range and keeps the length limit, the cursor and the scroll position
 * right.  The text is kept valid UTF-8 without control characters, so
 * moving by one character only has to skip continuation bytes, and the
 * word rules can look at single bytes: every byte of a non-ASCII character
 * is >= 0x80 and counts as a letter, and every separator is ASCII.
 */
#include "lineedit.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What kb_le_init() puts in place of bytes it cannot keep. */
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* ---- UTF-8 ---- */

static bool is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/*
 * The length (1-4) of the well-formed UTF-8 sequence at s, of which n > 0
 * bytes are available, storing its code point in *cp; 0 when the bytes are
 * not well-formed: a stray continuation byte, a sequence cut short, an
 * overlong form, a surrogate or a value beyond U+10FFFF.
 */
static size_t utf8_len(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len, i;
	uint32_t c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] < 0xc2) /* a continuation byte, or C0/C1: overlong 2-byte */
		return 0;
	if (u[0] < 0xe0) {
		len = 2;
		c = u[0] & 0x1f;
	} else if (u[0] < 0xf0) {
		len = 3;
		c = u[0] & 0x0f;
	} else if (u[0] < 0xf5) {
		len = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (!is_cont(s[i]))
			return 0;
		c = c << 6 | (u[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
	    c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/* C0, DEL and C1: a terminal would act on them instead of showing them. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* The length of the character at s that the text may hold, else 0. */
static size_t text_char_len(const char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_len(s, n, &cp);

	return len && !is_control(cp) ? len : 0;
}

/* The length of the longest prefix of s[0..n) that the text may hold. */
static size_t valid_prefix(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && (k = text_char_len(s + i, n - i)))
		i += k;
	return i;
}

/*
 * src as the text may hold it (see kb_le_init()), written to dst when dst
 * is not NULL; returns the length either way, so a first pass can size dst.
 */
static size_t repair(char *dst, const char *src, size_t n)
{
	size_t i = 0, out = 0, k;
	uint32_t cp;

	while (i < n) {
		k = utf8_len(src + i, n - i, &cp);
		if (k && !is_control(cp)) {
			if (dst)
				memcpy(dst + out, src + i, k);
			out += k;
		} else if (k && cp >= '\t' && cp <= '\r') {
			if (dst)
				dst[out] = ' ';
			out++;
		} else {
			/* One U+FFFD per bad byte, or per control character. */
			if (dst)
				memcpy(dst + out, REPLACEMENT, 3);
			out += 3;
			if (!k)
				k = 1;
		}
		i += k;
	}
	return out;
}

/* Where the character after (before) the one at byte offset i starts. */
static size_t next_char(const struct kb_lineedit *le, size_t i)
{
	if (i >= le->len)
		return le->len;
	for (i++; i < le->len && is_cont(le->buf[i]); i++)
		;
	return i;
}

static size_t prev_char(const struct kb_lineedit *le, size_t i)
{
	if (i == 0)
		return 0;
	for (i--; i > 0 && is_cont(le->buf[i]); i--)
		;
	return i;
}

/* The number of characters in bytes [from, to). */
static size_t count_chars(const struct kb_lineedit *le, size_t from, size_t to)
{
	size_t n = 0;

	for (; from < to; from++)
		n += !is_cont(le->buf[from]);
	return n;
}

/* The byte offset k characters after byte offset from, at most len. */
static size_t skip_chars(const struct kb_lineedit *le, size_t from, size_t k)
{
	while (k-- > 0 && from < le->len)
		from = next_char(le, from);
	return from;
}

/* ---- the buffer ---- */

int kb_le_init(struct kb_lineedit *le, const char *text)
{
	size_t n = text ? strlen(text) : 0;
	size_t len = repair(NULL, text, n);

	memset(le, 0, sizeof(*le));
	le->buf = malloc(len + 1);
	if (!le->buf)
		return -ENOMEM;
	repair(le->buf, text, n);
	le->buf[len] = '\0';
	le->len = len;
	le->cap = len + 1;
	le->cursor = len;
	return 0;
}

void kb_le_free(struct kb_lineedit *le)
{
	if (!le)
		return;
	free(le->buf);
	memset(le, 0, sizeof(*le));
}

const char *kb_le_text(const struct kb_lineedit *le)
{
	return le && le->buf ? le->buf : "";
}

/* Room for len bytes of text and the NUL; 0 or -ENOMEM. */
static int reserve(struct kb_lineedit *le, size_t len)
{
	size_t cap = le->cap ? le->cap : 64;
	char *buf;

	if (len < le->cap)
		return 0;
	while (cap <= len)
		cap *= 2;
	buf = realloc(le->buf, cap);
	if (!buf)
		return -ENOMEM;
	if (!le->buf)
		buf[0] = '\0';
	le->buf = buf;
	le->cap = cap;
	return 0;
}

/*
 * Replace bytes [a, b) with the n valid bytes at s and put the cursor after
 * them.  The text may only grow up to KB_LE_MAX (a longer text from
 * kb_le_init() may still shrink).  0, -ENOSPC or -ENOMEM, text unchanged.
 */
static int splice(struct kb_lineedit *le, size_t a, size_t b, const char *s, size_t n)
{
	size_t len = le->len - (b - a) + n;
	int err;

	if (len > le->len && len > KB_LE_MAX)
		return -ENOSPC;
	err = reserve(le, len);
	if (err)
		return err;
	memmove(le->buf + a + n, le->buf + b, le->len - b + 1);
	if (n)
		memcpy(le->buf + a, s, n);
	le->len = len;
	le->cursor = a + n;
	/*
	 * le->scroll is left alone.  Edits happen at the cursor, which is at or
	 * after it, so it only goes stale when the first shown character was
	 * deleted; then it lies after the cursor and the next kb_le_view()
	 * scrolls back the way it does for Left, showing what lies before.
	 */
	return 0;
}

int kb_le_insert(struct kb_lineedit *le, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (!s || valid_prefix(s, n) != n)
		return -EINVAL;
	return splice(le, le->cursor, le->cursor, s, n);
}

/* ---- editing actions ---- */

/* A letter or digit for the word moves; see lineedit.h. */
static bool is_word_char(char c)
{
	unsigned char u = c;

	return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
	       (u >= 'A' && u <= 'Z');
}

/* Back over separators, then over the word before them. */
static size_t word_left(const struct kb_lineedit *le)
{
	size_t p = le->cursor;

	while (p > 0 && !is_word_char(le->buf[p - 1]))
		p--;
	while (p > 0 && is_word_char(le->buf[p - 1]))
		p--;
	return p;
}

/* Forward over separators, then to the end of the word after them. */
static size_t word_right(const struct kb_lineedit *le)
{
	size_t p = le->cursor;

	while (p < le->len && !is_word_char(le->buf[p]))
		p++;
	while (p < le->len && is_word_char(le->buf[p]))
		p++;
	return p;
}

/* bash's unix-word-rubout: back over spaces, then to the previous space. */
static size_t space_word_left(const struct kb_lineedit *le)
{
	size_t p = le->cursor;

	while (p > 0 && le->buf[p - 1] == ' ')
		p--;
	while (p > 0 && le->buf[p - 1] != ' ')
		p--;
	return p;
}

static int move_to(struct kb_lineedit *le, size_t p)
{
	if (p == le->cursor)
		return -EAGAIN;
	le->cursor = p;
	return 0;
}

/* Delete bytes [a, b); the cursor ends at a. */
static int cut(struct kb_lineedit *le, size_t a, size_t b)
{
	if (a == b)
		return -EAGAIN;
	return splice(le, a, b, NULL, 0);
}

int kb_le_do(struct kb_lineedit *le, enum kb_le_op op)
{
	switch (op) {
	case KB_LE_LEFT:
		return move_to(le, prev_char(le, le->cursor));
	case KB_LE_RIGHT:
		return move_to(le, next_char(le, le->cursor));
	case KB_LE_HOME:
		return move_to(le, 0);
	case KB_LE_END:
		return move_to(le, le->len);
	case KB_LE_WORD_LEFT:
		return move_to(le, word_left(le));
	case KB_LE_WORD_RIGHT:
		return move_to(le, word_right(le));
	case KB_LE_BACKSPACE:
		return cut(le, prev_char(le, le->cursor), le->cursor);
	case KB_LE_DELETE:
		return cut(le, le->cursor, next_char(le, le->cursor));
	case KB_LE_KILL_TO_END:
		return cut(le, le->cursor, le->len);
	case KB_LE_KILL_TO_START:
		return cut(le, 0, le->cursor);
	case KB_LE_KILL_WORD_BACK:
		return cut(le, space_word_left(le), le->cursor);
	case KB_LE_DELETE_WORD_FORWARD:
		return cut(le, le->cursor, word_right(le));
	}
	return -EINVAL;
}

/* ---- horizontal scrolling ---- */

static size_t clamp(size_t x, size_t lo, size_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/*
 * The layout of a view, all in characters: n in the text, the cursor
 * before character c, the first shown character s, width w, markers
 * allowed (lm).  Fills the marker flags and the number of characters shown.
 */
struct layout {
	size_t n, c, s, w, lm; /* inputs, see above */
	size_t left, right;    /* 1 when that marker is drawn */
	size_t shown;	       /* characters drawn between the markers */
};

static void lay_out(struct layout *l)
{
	l->left = l->lm && l->s > 0;
	l->right = l->lm && l->n - l->s > l->w - l->left;
	l->shown = l->n - l->s;
	if (l->shown > l->w - l->left - l->right)
		l->shown = l->w - l->left - l->right;
}

/* Is the cursor on a shown character, or on the column after the text's end? */
static bool cursor_shown(struct layout *l)
{
	lay_out(l);
	return l->c >= l->s && l->left + (l->c - l->s) <= l->w - 1 - l->right;
}

void kb_le_view(struct kb_lineedit *le, int width, struct kb_le_view *v)
{
	struct layout l;
	size_t fit, t;

	/* An edit may have left scroll past the end or inside a character. */
	if (le->scroll > le->len)
		le->scroll = le->len;
	while (le->scroll > 0 && is_cont(le->buf[le->scroll]))
		le->scroll--;

	if (width <= 0) {
		*v = (struct kb_le_view){ le->cursor, le->cursor, 0, false, false };
		return;
	}
	l.n = count_chars(le, 0, le->len);
	l.c = count_chars(le, 0, le->cursor);
	l.s = count_chars(le, 0, le->scroll);
	l.w = (size_t)width;
	l.lm = l.w >= 3; /* with less, markers would leave no room for text */

	if (l.n < l.w) {
		l.s = 0; /* the text and a cursor after it fit */
	} else {
		/* The largest useful s: the end of the text, the cursor after it. */
		fit = l.n + 1 + l.lm - l.w;
		if (l.s > fit)
			l.s = fit;
		if (l.c < l.s) {
			/* Gone out on the left: land about 1/3 across. */
			t = clamp(l.w / 3, l.lm, l.w - 1 - l.lm);
			l.s = l.c > t - l.lm ? l.c - (t - l.lm) : 0;
		} else if (!cursor_shown(&l)) {
			/* Gone out on the right: land about 2/3 across. */
			t = clamp(2 * l.w / 3, l.lm, l.w - 1 - l.lm);
			l.s = l.c - (t - l.lm);
			if (l.s > fit)
				l.s = fit;
		}
	}
	lay_out(&l);

	le->scroll = skip_chars(le, 0, l.s);
	v->start = le->scroll;
	v->end = skip_chars(le, v->start, l.shown);
	v->cursor_col = (int)(l.left + l.c - l.s);
	v->more_left = l.left;
	v->more_right = l.right;
}

/* ---- completion ---- */

int kb_le_word(const struct kb_lineedit *le, size_t *start)
{
	size_t p = le->cursor;

	while (p > 0 && le->buf[p - 1] != ' ' && le->buf[p - 1] != '=')
		p--;
	if (start)
		*start = p;
	return (int)(le->cursor - p);
}

int kb_le_complete(struct kb_lineedit *le, const char *const *matches, size_t n, bool *ambiguous)
{
	const char *m;
	size_t wstart, wlen, plen, mlen, i, k, len;
	bool distinct = false, whole, same, add_space, step_space;
	int err;

	if (ambiguous)
		*ambiguous = false;
	if (n == 0)
		return -ENOENT;
	if (!matches)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!matches[i])
			return -EINVAL;

	/* The longest common prefix of all matches, in plen bytes of m. */
	m = matches[0];
	mlen = plen = strlen(m);
	for (i = 1; i < n; i++) {
		for (k = 0; k < plen && matches[i][k] == m[k]; k++)
			;
		if (k < plen || matches[i][k])
			distinct = true;
		plen = k;
	}
	/* Cut where it splits a character or holds what the text may not. */
	plen = valid_prefix(m, plen);
	whole = !distinct && plen == mlen;
	if (ambiguous)
		*ambiguous = distinct;

	wlen = (size_t)kb_le_word(le, &wstart);
	if (plen < wlen)
		return -EAGAIN;
	same = plen == wlen && (plen == 0 || !memcmp(le->buf + wstart, m, plen));
	add_space = whole && plen > 0 && m[plen - 1] != '/';
	step_space = add_space && le->cursor < le->len && le->buf[le->cursor] == ' ';
	if (same && !add_space)
		return -EAGAIN;

	/* Make room for all of it first, so nothing below can fail halfway. */
	len = le->len - wlen + plen + (add_space && !step_space);
	if (len > le->len && len > KB_LE_MAX)
		return -ENOSPC;
	err = reserve(le, len);
	if (err)
		return err;
	if (!same)
		splice(le, wstart, le->cursor, m, plen);
	if (step_space)
		le->cursor++;
	else if (add_space)
		splice(le, le->cursor, le->cursor, " ", 1);
	return 0;
}
