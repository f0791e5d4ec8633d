// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * draw.c - drawing helpers shared by the screens.
 *
 * Text from configs is drawn as it is when the terminal speaks UTF-8
 * (u->utf8); otherwise every byte outside printable ASCII becomes '?', so
 * a vt100 on a serial line never receives bytes it would misread.  Control
 * characters always become spaces.  Text that does not fit is cut with an
 * ellipsis ("…", or "..." without UTF-8), never wrapped.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui.h"

const char *draw_glyph(const struct ui *u, const char *utf8, const char *ascii)
{
	return u->utf8 ? utf8 : ascii;
}

/*
 * The next character of s: its length in bytes (at least 1) and its width
 * in columns (*w, 0..2).  Invalid UTF-8 is one byte of width 1.
 */
static size_t next_char(const struct ui *u, const char *s, int *w)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int cw;

	if ((unsigned char)*s < 0x80 || !u->utf8) {
		*w = 1;
		return 1;
	}
	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*w = 1;
		return 1;
	}
	cw = wcwidth(wc);
	*w = cw < 0 ? 1 : cw;
	return n;
}

int text_width(const struct ui *u, const char *s)
{
	int total = 0, w;

	while (s && *s) {
		s += next_char(u, s, &w);
		total += w;
	}
	return total;
}

/* Append the character at s (n bytes) to out as it may be drawn. */
static size_t put_char(const struct ui *u, char *out, const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;

	if (c < 0x20 || c == 0x7f) {
		*out = ' ';
		return 1;
	}
	if (c >= 0x80 && (!u->utf8 || n == 1)) {
		*out = '?';
		return 1;
	}
	memcpy(out, s, n);
	return n;
}

int draw_str(struct ui *u, int y, int x, int width, enum kb_role r, const char *s)
{
	const char *ell = draw_glyph(u, "\xe2\x80\xa6", "...");
	int ell_w = u->utf8 ? 1 : 3, used = 0, w;
	size_t len = s ? strlen(s) : 0, o = 0, n;
	bool fits = text_width(u, s) <= width;
	char *out;

	if (width <= 0 || !s)
		return 0;
	out = malloc(len + 8);
	if (!out)
		return 0;
	if (!fits && width <= ell_w)
		ell_w = 0, ell = "";
	while (*s) {
		n = next_char(u, s, &w);
		if (used + w > width - (fits ? 0 : ell_w))
			break;
		o += put_char(u, out + o, s, n);
		used += w;
		s += n;
	}
	if (!fits) {
		memcpy(out + o, ell, strlen(ell));
		o += strlen(ell);
		used += ell_w;
	}
	out[o] = '\0';
	attrset(kb_theme_attr(r));
	mvaddstr(y, x, out);
	free(out);
	return used;
}

void draw_fill(struct ui *u, int y, enum kb_role r)
{
	attrset(kb_theme_attr(r));
	move(y, 0);
	hline(' ', u->cols);
}

/* A separator: U+2500 with UTF-8 (terminals without VT100 line drawing
 * exist, e.g. many SSH clients), '-' without. */
void draw_hline(struct ui *u, int y)
{
	int x;

	attrset(kb_theme_attr(KB_ROLE_FRAME));
	move(y, 0);
	for (x = 0; x < u->cols; x++)
		addstr(u->utf8 ? "\xe2\x94\x80" : "-");
}

void draw_title(struct ui *u, const char *what)
{
	char buf[256];

	draw_fill(u, 0, KB_ROLE_TITLE);
	snprintf(buf, sizeof(buf), " kboot %s%s%s%s", KBOOT_VERSION, what ? " " : "",
		 what ? draw_glyph(u, "\xe2\x80\x94 ", "- ") : "", what ? what : "");
	if (u->cfg->dry_run && u->cols > 40) {
		draw_str(u, 0, 0, u->cols - 11, KB_ROLE_TITLE, buf);
		draw_str(u, 0, u->cols - 10, 9, KB_ROLE_TITLE, "[dry run]");
	} else {
		draw_str(u, 0, 0, u->cols, KB_ROLE_TITLE, buf);
	}
}

/* The last line: key hints, or the message for the user when there is one. */
void draw_footer(struct ui *u, const char *hints)
{
	draw_fill(u, u->rows - 1, KB_ROLE_HELP);
	draw_str(u, u->rows - 1, 1, u->cols - 2, KB_ROLE_HELP, hints);
}
