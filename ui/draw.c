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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui-private.h"

/*
 * The Linux console (TERM=linux) draws with its built-in font: the 256
 * glyphs of code page 437, and a box for anything else.  The glyphs kboot
 * draws that it has in another shape are swapped; the rest ("…", "—")
 * become their ASCII form.
 */
static const char *const cp437_glyphs[][2] = {
	{ "\xe2\x96\xb8", "\xe2\x96\xba" }, /* ▸ ► */
	{ "\xe2\x96\xb4", "\xe2\x96\xb2" }, /* ▴ ▲ */
	{ "\xe2\x96\xbe", "\xe2\x96\xbc" }, /* ▾ ▼ */
};

const char *ui_draw_glyph(const struct ui *u, const char *utf8, const char *ascii)
{
	size_t i;

	if (!u->utf8)
		return ascii;
	if (!u->cp437)
		return utf8;
	for (i = 0; i < sizeof(cp437_glyphs) / sizeof(cp437_glyphs[0]); i++)
		if (!strcmp(utf8, cp437_glyphs[i][0]))
			return cp437_glyphs[i][1];
	return ascii;
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

static int text_width(const struct ui *u, const char *s)
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

int ui_draw_str(struct ui *u, int y, int x, int width, enum kb_role r, const char *s)
{
	const char *ell = ui_draw_glyph(u, "\xe2\x80\xa6", "...");
	int ell_w = (int)strlen(ell) == 3 && ell[0] == '.' ? 3 : 1, used = 0, w;
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

void ui_draw_fill(struct ui *u, int y, enum kb_role r)
{
	attrset(kb_theme_attr(r));
	move(y, 0);
	hline(' ', u->cols);
}

/* A separator: U+2500 with UTF-8 (terminals without VT100 line drawing
 * exist, e.g. many SSH clients), '-' without. */
void ui_draw_hline(struct ui *u, int y)
{
	int x;

	attrset(kb_theme_attr(KB_ROLE_FRAME));
	move(y, 0);
	for (x = 0; x < u->cols; x++)
		addstr(u->utf8 ? "\xe2\x94\x80" : "-");
}

void ui_draw_title(struct ui *u, const char *what)
{
	char buf[256];

	ui_draw_fill(u, 0, KB_ROLE_TITLE);
	snprintf(buf, sizeof(buf), " kboot %s%s%s%s", KBOOT_VERSION, what ? " " : "",
		 what ? ui_draw_glyph(u, "\xe2\x80\x94 ", "- ") : "", what ? what : "");
	if (u->cfg->dry_run && u->cols > 40) {
		ui_draw_str(u, 0, 0, u->cols - 11, KB_ROLE_TITLE, buf);
		ui_draw_str(u, 0, u->cols - 10, 9, KB_ROLE_TITLE, "[dry run]");
	} else {
		ui_draw_str(u, 0, 0, u->cols, KB_ROLE_TITLE, buf);
	}
}

/* The last line: key hints, or the message for the user when there is one. */
void ui_draw_footer(struct ui *u, const char *hints)
{
	ui_draw_fill(u, u->rows - 1, KB_ROLE_HELP);
	ui_draw_str(u, u->rows - 1, 1, u->cols - 2, KB_ROLE_HELP, hints);
}

/* The status line: the message for the user, else the daemon's latest line. */
void ui_draw_status(struct ui *u, int y)
{
	static const enum kb_role roles[] = { KB_ROLE_STATUS, KB_ROLE_WARNING, KB_ROLE_ERROR };
	const struct ui_status *s;

	ui_draw_fill(u, y, KB_ROLE_STATUS);
	if (u->message) {
		ui_draw_str(u, y, 1, u->cols - 2, roles[u->message_level % 3], u->message);
	} else if (u->log_n) {
		s = &u->log[(u->log_first + u->log_n - 1) % UI_LOG_KEEP];
		ui_draw_str(u, y, 1, u->cols - 2, roles[s->level % 3], s->text);
	}
}

/*
 * s over at most maxlines lines of width columns from (y, x), broken at
 * spaces (a word longer than a line is cut); the last line ends in an
 * ellipsis when text is left.  Returns the lines used; with y < 0 only
 * counts them.
 */
int ui_draw_wrapped(struct ui *u, int y, int x, int width, int maxlines, enum kb_role r,
		    const char *s)
{
	int lines = 0;

	while (s && *s && lines < maxlines && width > 0) {
		size_t len = strlen(s), cut = len, k;
		char *line;

		if (lines < maxlines - 1 && text_width(u, s) > width) {
			/* The last space that leaves a line no wider than width. */
			for (k = 1, cut = 0; k < len; k++) {
				char *head;

				if (s[k] != ' ')
					continue;
				head = strndup(s, k);
				if (!head || text_width(u, head) > width) {
					free(head);
					break;
				}
				free(head);
				cut = k;
			}
			if (!cut)
				cut = len;
		}
		line = strndup(s, cut);
		if (!line)
			break;
		if (y >= 0)
			ui_draw_str(u, y + lines, x, width, r, line);
		lines++;
		free(line);
		s += cut;
		s += strspn(s, " ");
	}
	return lines;
}

/* "1.5 MiB" */
static void fmt_size(char *buf, size_t size, double v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i)
		snprintf(buf, size, "%.1f %s", v, units[i]);
	else
		snprintf(buf, size, "%.0f B", v);
}

/*
 * The progress of the boot's downloads on line y, when one runs (false
 * otherwise): the first one's name, bytes of the total and percent when
 * the size is known, and rate.
 */
bool ui_draw_download(struct ui *u, int y)
{
	const struct ui_download *d = u->ndl ? &u->dl[0] : NULL;
	char buf[256], got[32], total[32], rate[32], more[32] = "";

	if (!d)
		return false;
	fmt_size(got, sizeof(got), (double)d->bytes);
	fmt_size(rate, sizeof(rate), (double)d->rate);
	if (u->ndl > 1)
		snprintf(more, sizeof(more), " (+%zu more)", u->ndl - 1);
	if (d->total >= 0) {
		fmt_size(total, sizeof(total), (double)d->total);
		snprintf(buf, sizeof(buf), "Downloading %s: %s of %s (%d%%), %s/s%s", d->name, got,
			 total, d->total ? (int)(d->bytes * 100 / (uint64_t)d->total) : 100, rate,
			 more);
	} else {
		snprintf(buf, sizeof(buf), "Downloading %s: %s, %s/s%s", d->name, got, rate, more);
	}
	ui_draw_str(u, y, 1, u->cols - 2, KB_ROLE_COUNTDOWN, buf);
	return true;
}
