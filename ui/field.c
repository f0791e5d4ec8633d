// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * field.c - a one-line text field of a form: the edit screen's fields and
 * the network wizard's (ui-private.h).
 *
 * The text and the cursor are a struct kb_lineedit (lineedit.h); this file
 * draws one scrolled to its cursor, turns the keymap's line-editing
 * actions and typed characters into edits, and hands out its text.  What
 * a field means, and its label, are the screen's.
 */
#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui-private.h"

/* ---- Drawing ---- */

/* One field: its text scrolled so the cursor shows, '<' and '>' where text is hidden. */
void ui_field_draw(struct ui *u, struct kb_lineedit *le, int y, int x, int width, bool active)
{
	enum kb_role r = active ? KB_ROLE_FIELD_ACTIVE : KB_ROLE_FIELD;
	struct kb_lineedit start;
	struct kb_le_view v;
	char *text;

	if (width < 1)
		return;
	/* Fields not being edited show their start. */
	if (!active) {
		start = *le;
		start.cursor = start.scroll = 0;
		le = &start;
	}
	attrset(kb_theme_attr(r));
	move(y, x);
	hline(' ', width);
	kb_le_view(le, width, &v);
	if (v.more_left)
		ui_draw_str(u, y, x, 1, r, "<");
	if (v.more_right)
		ui_draw_str(u, y, x + width - 1, 1, r, ">");
	text = strndup(kb_le_text(le) + v.start, v.end - v.start);
	if (text)
		ui_draw_str(u, y, x + (v.more_left ? 1 : 0), width, r, text);
	free(text);
}

/* The cursor's column in a field width columns wide. */
int ui_field_cursor(struct kb_lineedit *le, int width)
{
	struct kb_le_view v;

	kb_le_view(le, width, &v);
	return v.cursor_col;
}

/* ---- The text ---- */

char *ui_field_trimmed(const struct kb_lineedit *le)
{
	const char *s = kb_le_text(le), *e;

	s += strspn(s, " ");
	for (e = s + strlen(s); e > s && e[-1] == ' '; e--)
		;
	return strndup(s, (size_t)(e - s));
}

/* ---- Keys ---- */

/* cp as UTF-8 into buf (4 bytes at most); its length, 0 when not a character. */
static size_t utf8_encode(char *buf, unsigned int cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		if (cp >= 0xd800 && cp < 0xe000)
			return 0;
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp < 0x110000) {
		buf[0] = (char)(0xf0 | cp >> 18);
		buf[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		buf[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

static const enum kb_le_op le_ops[] = {
	[ACT_LEFT] = KB_LE_LEFT,
	[ACT_RIGHT] = KB_LE_RIGHT,
	[ACT_LINE_START] = KB_LE_HOME,
	[ACT_LINE_END] = KB_LE_END,
	[ACT_WORD_LEFT] = KB_LE_WORD_LEFT,
	[ACT_WORD_RIGHT] = KB_LE_WORD_RIGHT,
	[ACT_BACKSPACE] = KB_LE_BACKSPACE,
	[ACT_DELETE] = KB_LE_DELETE,
	[ACT_KILL_END] = KB_LE_KILL_TO_END,
	[ACT_KILL_START] = KB_LE_KILL_TO_START,
	[ACT_KILL_WORD] = KB_LE_KILL_WORD_BACK,
	[ACT_DELETE_WORD] = KB_LE_DELETE_WORD_FORWARD,
};

bool ui_field_key(struct kb_lineedit *le, enum ui_action a, int key)
{
	char buf[8];
	size_t n;

	if (a >= ACT_LEFT && a <= ACT_DELETE_WORD) {
		if (kb_le_do(le, le_ops[a]) == -EAGAIN)
			beep();
		return true;
	}
	if (a != ACT_NONE)
		return false;
	/* Text: printable ASCII, or a character ui.c decoded. */
	if (key >= 0x20 && key < 0x7f) {
		buf[0] = (char)key;
		n = 1;
	} else if (key & KEY_UNICODE) {
		n = utf8_encode(buf, (unsigned int)(key & ~KEY_UNICODE));
	} else {
		return false;
	}
	if (!n || kb_le_insert(le, buf, n))
		beep();
	return true;
}
