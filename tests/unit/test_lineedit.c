// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lineedit.c - the edit field's text logic: the cursor, each editing
 * action at the edges and in the middle, UTF-8 that is never split, the
 * length limit, horizontal scrolling and path completion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineedit.h"

/* Characters of each UTF-8 length, named so the strings stay readable. */
#define E_ACUTE "\xc3\xa9"	   /* é, 2 bytes */
#define E_GRAVE "\xc3\xa8"	   /* è, 2 bytes, same first byte as é */
#define EURO	"\xe2\x82\xac"	   /* €, 3 bytes */
#define GRIN	"\xf0\x9f\x98\x80" /* 😀, 4 bytes */
#define FFFD	"\xef\xbf\xbd"	   /* U+FFFD, what kb_le_init() puts for bad bytes */

#define CMDLINE "root=/dev/sda1 console=ttyS0,115200"
#define LONG36	"0123456789abcdefghijklmnopqrstuvwxyz"

/* An editor on text with the cursor at byte offset cursor, reached by moving. */
static void start(struct kb_lineedit *le, const char *text, size_t cursor)
{
	assert_int_equal(kb_le_init(le, text), 0);
	if (le->cursor != 0)
		assert_int_equal(kb_le_do(le, KB_LE_HOME), 0);
	while (le->cursor < cursor)
		assert_int_equal(kb_le_do(le, KB_LE_RIGHT), 0);
	assert_int_equal(le->cursor, cursor);
}

/* op gives want, and then the text and cursor are as given. */
static void check_op(struct kb_lineedit *le, enum kb_le_op op, int want, const char *text,
		     size_t cursor)
{
	int r = kb_le_do(le, op);

	if (r != want || strcmp(kb_le_text(le), text) || le->cursor != cursor)
		fail_msg("op %d: got %d '%s' cursor %zu, want %d '%s' cursor %zu", op, r,
			 kb_le_text(le), le->cursor, want, text, cursor);
}

static void check_view(struct kb_lineedit *le, int width, size_t start_, size_t end, int col,
		       bool left, bool right)
{
	struct kb_le_view v;

	kb_le_view(le, width, &v);
	if (v.start != start_ || v.end != end || v.cursor_col != col || v.more_left != left ||
	    v.more_right != right)
		fail_msg("width %d cursor %zu: got [%zu,%zu) col %d <%d >%d, want [%zu,%zu) col %d "
			 "<%d >%d",
			 width, le->cursor, v.start, v.end, v.cursor_col, v.more_left, v.more_right,
			 start_, end, col, left, right);
}

/* ---- init, text, insert ---- */

static void test_init_puts_cursor_at_end(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "quiet splash"), 0);
	assert_string_equal(kb_le_text(&le), "quiet splash");
	assert_int_equal(le.len, 12);
	assert_int_equal(le.cursor, 12);
	kb_le_free(&le);
	assert_null(le.buf);
	assert_string_equal(kb_le_text(&le), "");
}

static void test_init_null_is_empty(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, NULL), 0);
	assert_string_equal(kb_le_text(&le), "");
	assert_int_equal(le.cursor, 0);
	kb_le_free(&le);
	kb_le_free(NULL);
	assert_string_equal(kb_le_text(NULL), "");
}

/* Invalid bytes and controls become U+FFFD, white-space controls a space. */
static void test_init_repairs_text(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "a\tb\nc\x01"
					 "d\xe9"
					 "e\xc2\x85"
					 "f\xe2\x82"),
			 0);
	assert_string_equal(kb_le_text(&le), "a b c" FFFD "d" FFFD "e" FFFD "f" FFFD FFFD);
	assert_int_equal(le.cursor, le.len);
	kb_le_free(&le);
}

/* A zeroed struct is an empty editor that can be typed into. */
static void test_zeroed_editor_is_usable(void **state)
{
	struct kb_lineedit le = { 0 };
	enum kb_le_op op;
	struct kb_le_view v;
	size_t start_ = 99;

	for (op = KB_LE_LEFT; op <= KB_LE_DELETE_WORD_FORWARD; op++)
		assert_int_equal(kb_le_do(&le, op), -EAGAIN);
	assert_string_equal(kb_le_text(&le), "");
	assert_int_equal(kb_le_word(&le, &start_), 0);
	assert_int_equal(start_, 0);
	kb_le_view(&le, 10, &v);
	assert_int_equal(v.start, 0);
	assert_int_equal(v.end, 0);
	assert_int_equal(v.cursor_col, 0);
	assert_int_equal(kb_le_insert(&le, "ro", 2), 0);
	assert_string_equal(kb_le_text(&le), "ro");
	assert_int_equal(le.cursor, 2);
	kb_le_free(&le);
}

static void test_insert_in_middle(void **state)
{
	struct kb_lineedit le;

	start(&le, "root=/dev/sda", 5);
	assert_int_equal(kb_le_insert(&le, "UUID=", 5), 0);
	assert_string_equal(kb_le_text(&le), "root=UUID=/dev/sda");
	assert_int_equal(le.cursor, 10);
	assert_int_equal(kb_le_insert(&le, "x", 0), 0); /* nothing: fine */
	assert_string_equal(kb_le_text(&le), "root=UUID=/dev/sda");
	kb_le_free(&le);
}

static void test_insert_utf8(void **state)
{
	struct kb_lineedit le;

	start(&le, "ab", 1);
	assert_int_equal(kb_le_insert(&le, E_ACUTE EURO GRIN, 9), 0);
	assert_string_equal(kb_le_text(&le), "a" E_ACUTE EURO GRIN "b");
	assert_int_equal(le.cursor, 10);
	kb_le_free(&le);
}

static void test_insert_rejects_control_chars(void **state)
{
	static const char *const bad[] = {
		"\t", "\n", "\r", "\x1b", "\x7f", "\xc2\x80", "\xc2\x9b"
	};
	struct kb_lineedit le;
	size_t i;

	start(&le, "ab", 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kb_le_insert(&le, bad[i], strlen(bad[i])), -EINVAL);
	assert_int_equal(kb_le_insert(&le, "x\0y", 3), -EINVAL); /* embedded NUL */
	assert_int_equal(kb_le_insert(&le, NULL, 1), -EINVAL);
	assert_string_equal(kb_le_text(&le), "ab");
	assert_int_equal(le.cursor, 1);
	kb_le_free(&le);
}

static void test_insert_rejects_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\x80",			/* stray continuation byte */
		"\xc3",			/* cut short */
		"\xe2\x82",		/* cut short */
		"a\xc3(",		/* lead without continuation */
		"\xc0\xaf",		/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong '/' */
		"\xf0\x80\x80\xaf",	/* overlong '/' */
		"\xed\xa0\x80",		/* surrogate U+D800 */
		"\xf4\x90\x80\x80",	/* U+110000 */
		"\xf8\x88\x80\x80\x80", /* 5-byte form */
		"\xff",			/* never in UTF-8 */
	};
	struct kb_lineedit le;
	size_t i;

	start(&le, "ab", 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (kb_le_insert(&le, bad[i], strlen(bad[i])) != -EINVAL)
			fail_msg("accepted bad[%zu]", i);
	assert_string_equal(kb_le_text(&le), "ab");
	/* The largest code point is fine. */
	assert_int_equal(kb_le_insert(&le, "\xf4\x8f\xbf\xbf", 4), 0);
	kb_le_free(&le);
}

static void test_insert_max_length(void **state)
{
	static char big[KB_LE_MAX + 1];
	struct kb_lineedit le;

	memset(big, 'a', KB_LE_MAX - 1);
	start(&le, "", 0);
	assert_int_equal(kb_le_insert(&le, big, KB_LE_MAX - 1), 0);
	assert_int_equal(kb_le_insert(&le, E_ACUTE, 2), -ENOSPC); /* one byte too many */
	assert_int_equal(le.len, KB_LE_MAX - 1);
	assert_int_equal(kb_le_insert(&le, "b", 1), 0); /* exactly full */
	assert_int_equal(le.len, KB_LE_MAX);
	assert_int_equal(kb_le_insert(&le, "c", 1), -ENOSPC);
	assert_int_equal(le.len, KB_LE_MAX);
	assert_int_equal(le.cursor, KB_LE_MAX);
	assert_int_equal(kb_le_text(&le)[KB_LE_MAX - 1], 'b');
	assert_int_equal(kb_le_text(&le)[KB_LE_MAX], '\0');
	kb_le_free(&le);
}

/* A longer text from the config is kept; it can shrink but not grow. */
static void test_init_keeps_text_over_max(void **state)
{
	static char big[KB_LE_MAX + 11];
	struct kb_lineedit le;

	memset(big, 'a', KB_LE_MAX + 10);
	assert_int_equal(kb_le_init(&le, big), 0);
	assert_int_equal(le.len, KB_LE_MAX + 10);
	assert_int_equal(kb_le_insert(&le, "b", 1), -ENOSPC);
	assert_int_equal(kb_le_do(&le, KB_LE_BACKSPACE), 0);
	assert_int_equal(le.len, KB_LE_MAX + 9);
	kb_le_free(&le);
}

/* ---- moving ---- */

static void test_left_right_at_edges(void **state)
{
	struct kb_lineedit le;

	start(&le, "ab", 0);
	check_op(&le, KB_LE_LEFT, -EAGAIN, "ab", 0);
	check_op(&le, KB_LE_END, 0, "ab", 2);
	check_op(&le, KB_LE_RIGHT, -EAGAIN, "ab", 2);
	kb_le_free(&le);
}

static void test_left_right_in_middle(void **state)
{
	struct kb_lineedit le;

	start(&le, "abc", 1);
	check_op(&le, KB_LE_RIGHT, 0, "abc", 2);
	check_op(&le, KB_LE_LEFT, 0, "abc", 1);
	check_op(&le, KB_LE_LEFT, 0, "abc", 0);
	kb_le_free(&le);
}

static void test_home_end(void **state)
{
	struct kb_lineedit le;

	start(&le, "abc", 1);
	check_op(&le, KB_LE_HOME, 0, "abc", 0);
	check_op(&le, KB_LE_HOME, -EAGAIN, "abc", 0);
	check_op(&le, KB_LE_END, 0, "abc", 3);
	check_op(&le, KB_LE_END, -EAGAIN, "abc", 3);
	kb_le_free(&le);
}

/* "aé€😀b": 1, 2, 3 and 4 bytes; every stop is a character start. */
static void test_utf8_moves_never_split(void **state)
{
	static const size_t stops[] = { 0, 1, 3, 6, 10, 11 };
	struct kb_lineedit le;
	size_t i;

	start(&le, "a" E_ACUTE EURO GRIN "b", 0);
	for (i = 1; i < 6; i++) {
		assert_int_equal(kb_le_do(&le, KB_LE_RIGHT), 0);
		assert_int_equal(le.cursor, stops[i]);
	}
	assert_int_equal(kb_le_do(&le, KB_LE_RIGHT), -EAGAIN);
	for (i = 5; i-- > 0;) {
		assert_int_equal(kb_le_do(&le, KB_LE_LEFT), 0);
		assert_int_equal(le.cursor, stops[i]);
	}
	kb_le_free(&le);
}

/* Alt-F stops at word ends, readline style: '=', '/', ',', ' ' separate. */
static void test_word_right_over_cmdline(void **state)
{
	static const size_t stops[] = { 4, 9, 14, 22, 28, 35 };
	struct kb_lineedit le;
	size_t i;

	start(&le, CMDLINE, 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(kb_le_do(&le, KB_LE_WORD_RIGHT), 0);
		assert_int_equal(le.cursor, stops[i]);
	}
	assert_int_equal(kb_le_do(&le, KB_LE_WORD_RIGHT), -EAGAIN);
	kb_le_free(&le);
}

/* Alt-B stops at word starts: "115200", "ttyS0", "console", "sda1", "dev", "root". */
static void test_word_left_over_cmdline(void **state)
{
	static const size_t stops[] = { 29, 23, 15, 10, 6, 0 };
	struct kb_lineedit le;
	size_t i;

	assert_int_equal(kb_le_init(&le, CMDLINE), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(kb_le_do(&le, KB_LE_WORD_LEFT), 0);
		assert_int_equal(le.cursor, stops[i]);
	}
	assert_int_equal(kb_le_do(&le, KB_LE_WORD_LEFT), -EAGAIN);
	kb_le_free(&le);
}

/* From inside a word, Alt-B goes to its start and Alt-F to its end. */
static void test_word_moves_from_inside_word(void **state)
{
	struct kb_lineedit le;

	start(&le, CMDLINE, 17); /* co|nsole */
	check_op(&le, KB_LE_WORD_RIGHT, 0, CMDLINE, 22);
	kb_le_free(&le);
	start(&le, CMDLINE, 17);
	check_op(&le, KB_LE_WORD_LEFT, 0, CMDLINE, 15);
	kb_le_free(&le);
}

/* Non-ASCII characters are letters: "café" is one word. */
static void test_word_moves_over_utf8(void **state)
{
	struct kb_lineedit le;

	start(&le, "x=caf" E_ACUTE " y", 0);
	check_op(&le, KB_LE_WORD_RIGHT, 0, "x=caf" E_ACUTE " y", 1);
	check_op(&le, KB_LE_WORD_RIGHT, 0, "x=caf" E_ACUTE " y", 7);
	check_op(&le, KB_LE_WORD_LEFT, 0, "x=caf" E_ACUTE " y", 2);
	kb_le_free(&le);
}

/* ---- deleting ---- */

static void test_backspace(void **state)
{
	struct kb_lineedit le;

	start(&le, "a" EURO "b", 0);
	check_op(&le, KB_LE_BACKSPACE, -EAGAIN, "a" EURO "b", 0);
	kb_le_free(&le);
	start(&le, "a" EURO "b", 4);
	check_op(&le, KB_LE_BACKSPACE, 0, "ab", 1); /* the whole € */
	check_op(&le, KB_LE_END, 0, "ab", 2);
	check_op(&le, KB_LE_BACKSPACE, 0, "a", 1);
	check_op(&le, KB_LE_BACKSPACE, 0, "", 0);
	check_op(&le, KB_LE_BACKSPACE, -EAGAIN, "", 0);
	kb_le_free(&le);
}

static void test_delete(void **state)
{
	struct kb_lineedit le;

	start(&le, "a" GRIN "b", 1);
	check_op(&le, KB_LE_DELETE, 0, "ab", 1); /* the whole 4-byte character */
	check_op(&le, KB_LE_DELETE, 0, "a", 1);
	check_op(&le, KB_LE_DELETE, -EAGAIN, "a", 1);
	check_op(&le, KB_LE_HOME, 0, "a", 0);
	check_op(&le, KB_LE_DELETE, 0, "", 0);
	kb_le_free(&le);
}

static void test_kill_to_end(void **state)
{
	struct kb_lineedit le;

	start(&le, "quiet splash", 5);
	check_op(&le, KB_LE_KILL_TO_END, 0, "quiet", 5);
	check_op(&le, KB_LE_KILL_TO_END, -EAGAIN, "quiet", 5);
	check_op(&le, KB_LE_HOME, 0, "quiet", 0);
	check_op(&le, KB_LE_KILL_TO_END, 0, "", 0);
	kb_le_free(&le);
}

static void test_kill_to_start(void **state)
{
	struct kb_lineedit le;

	start(&le, "quiet splash", 6);
	check_op(&le, KB_LE_KILL_TO_START, 0, "splash", 0);
	check_op(&le, KB_LE_KILL_TO_START, -EAGAIN, "splash", 0);
	check_op(&le, KB_LE_END, 0, "splash", 6);
	check_op(&le, KB_LE_KILL_TO_START, 0, "", 0);
	kb_le_free(&le);
}

/* Ctrl-W removes a whole "key=value" and the spaces after it. */
static void test_kill_word_back(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, CMDLINE), 0);
	check_op(&le, KB_LE_KILL_WORD_BACK, 0, "root=/dev/sda1 ", 15);
	check_op(&le, KB_LE_KILL_WORD_BACK, 0, "", 0);
	check_op(&le, KB_LE_KILL_WORD_BACK, -EAGAIN, "", 0);
	kb_le_free(&le);

	assert_int_equal(kb_le_init(&le, "a   b=1  "), 0);
	check_op(&le, KB_LE_KILL_WORD_BACK, 0, "a   ", 4);
	kb_le_free(&le);
	start(&le, "ro quiet", 5); /* inside a word: back to its start only */
	check_op(&le, KB_LE_KILL_WORD_BACK, 0, "ro iet", 3);
	kb_le_free(&le);
}

static void test_delete_word_forward(void **state)
{
	struct kb_lineedit le;

	start(&le, CMDLINE, 15);
	check_op(&le, KB_LE_DELETE_WORD_FORWARD, 0, "root=/dev/sda1 =ttyS0,115200", 15);
	check_op(&le, KB_LE_DELETE_WORD_FORWARD, 0, "root=/dev/sda1 ,115200", 15);
	check_op(&le, KB_LE_DELETE_WORD_FORWARD, 0, "root=/dev/sda1 ", 15);
	check_op(&le, KB_LE_DELETE_WORD_FORWARD, -EAGAIN, "root=/dev/sda1 ", 15);
	kb_le_free(&le);
}

static void test_unknown_op(void **state)
{
	struct kb_lineedit le;

	start(&le, "ab", 1);
	assert_int_equal(kb_le_do(&le, (enum kb_le_op)99), -EINVAL);
	assert_string_equal(kb_le_text(&le), "ab");
	kb_le_free(&le);
}

/* ---- view ---- */

/* Fits: no scrolling, no markers, whatever the cursor does. */
static void test_view_short_text(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "quiet"), 0);
	check_view(&le, 6, 0, 5, 5, false, false);
	kb_le_do(&le, KB_LE_HOME);
	check_view(&le, 6, 0, 5, 0, false, false);
	kb_le_free(&le);
}

/* At the end: the end of the text, the cursor in the last column, '<'. */
static void test_view_long_text_cursor_at_end(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, LONG36), 0);
	check_view(&le, 12, 26, 36, 11, true, false);
	kb_le_free(&le);
}

static void test_view_home_resets_scroll(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, LONG36), 0);
	check_view(&le, 12, 26, 36, 11, true, false);
	kb_le_do(&le, KB_LE_HOME);
	check_view(&le, 12, 0, 11, 0, false, true);
	assert_int_equal(le.scroll, 0);
	kb_le_free(&le);
}

/* The cursor hits the right edge: the view jumps so it lands 2/3 across. */
static void test_view_right_edge_scrolls_two_thirds(void **state)
{
	struct kb_lineedit le;

	start(&le, LONG36, 0);
	check_view(&le, 12, 0, 11, 0, false, true);
	while (le.cursor < 10)
		kb_le_do(&le, KB_LE_RIGHT);
	check_view(&le, 12, 0, 11, 10, false, true); /* last text column: no scroll yet */
	kb_le_do(&le, KB_LE_RIGHT);
	check_view(&le, 12, 4, 14, 8, true, true);
	kb_le_do(&le, KB_LE_RIGHT); /* moving inside the view keeps it */
	check_view(&le, 12, 4, 14, 9, true, true);
	kb_le_free(&le);
}

/* The cursor goes past the left edge: the view jumps so it lands 1/3 across. */
static void test_view_left_edge_scrolls_back(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, LONG36), 0);
	check_view(&le, 12, 26, 36, 11, true, false);
	while (le.cursor > 26)
		kb_le_do(&le, KB_LE_LEFT);
	check_view(&le, 12, 26, 36, 1, true, false); /* just after '<' */
	kb_le_do(&le, KB_LE_LEFT);
	check_view(&le, 12, 22, 32, 4, true, true);
	kb_le_free(&le);
}

/* Each marker takes its column only when there is hidden text on its side. */
static void test_view_markers(void **state)
{
	struct kb_lineedit le;

	start(&le, "0123456789", 5);
	check_view(&le, 11, 0, 10, 5, false, false); /* 10 chars + end column */
	check_view(&le, 10, 0, 10, 5, false, false); /* exactly fits the width */
	check_view(&le, 9, 0, 8, 5, false, true);
	kb_le_do(&le, KB_LE_END);
	check_view(&le, 9, 3, 10, 8, true, false); /* 7 chars + end column after '<' */
	kb_le_free(&le);
}

/* The narrowest useful field: one or two characters between the markers. */
static void test_view_width_4(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "0123456789"), 0);
	check_view(&le, 4, 8, 10, 3, true, false);
	kb_le_do(&le, KB_LE_HOME);
	check_view(&le, 4, 0, 3, 0, false, true);
	kb_le_do(&le, KB_LE_RIGHT);
	kb_le_do(&le, KB_LE_RIGHT);
	check_view(&le, 4, 0, 3, 2, false, true);
	kb_le_do(&le, KB_LE_RIGHT);
	check_view(&le, 4, 2, 4, 2, true, true);
	kb_le_free(&le);
}

/* Columns are code points: ten 2-byte "é" take ten columns. */
static void test_view_counts_code_points(void **state)
{
	struct kb_lineedit le;
	char text[21];
	int i;

	for (i = 0; i < 10; i++)
		memcpy(text + 2 * i, E_ACUTE, 2);
	text[20] = '\0';
	assert_int_equal(kb_le_init(&le, text), 0);
	check_view(&le, 11, 0, 20, 10, false, false);
	check_view(&le, 6, 12, 20, 5, true, false);
	kb_le_free(&le);
}

/* Deleting at the end of a scrolled line pulls the text back into view. */
static void test_view_follows_deletion(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, LONG36), 0);
	check_view(&le, 12, 26, 36, 11, true, false);
	kb_le_do(&le, KB_LE_BACKSPACE);
	kb_le_do(&le, KB_LE_BACKSPACE);
	check_view(&le, 12, 24, 34, 11, true, false);
	kb_le_do(&le, KB_LE_KILL_TO_START);
	check_view(&le, 12, 0, 0, 0, false, false);
	kb_le_free(&le);
}

/* Ctrl-W deleting the first shown character scrolls back to show context. */
static void test_view_after_kill_word_shows_context(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, LONG36 " " LONG36), 0);
	check_view(&le, 12, 63, 73, 11, true, false);
	while (le.cursor > 60)
		kb_le_do(&le, KB_LE_LEFT);
	check_view(&le, 12, 57, 67, 4, true, true);
	check_op(&le, KB_LE_KILL_WORD_BACK, 0, LONG36 " nopqrstuvwxyz", 37);
	check_view(&le, 12, 34, 44, 4, true, true);
	kb_le_free(&le);
}

/* Tiny and silly widths still give a view that stays inside the field. */
static void test_view_tiny_widths(void **state)
{
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "0123456789"), 0);
	check_view(&le, 0, 10, 10, 0, false, false);
	check_view(&le, -5, 10, 10, 0, false, false);
	check_view(&le, 1, 10, 10, 0, false, false);
	check_view(&le, 2, 9, 10, 1, false, false);
	check_view(&le, 3, 9, 10, 2, true, false);
	kb_le_do(&le, KB_LE_HOME);
	check_view(&le, 1, 0, 1, 0, false, false);
	check_view(&le, 3, 0, 2, 0, false, true);
	kb_le_free(&le);
}

/* The number of characters in text[from, to). */
static size_t chars_in(const char *text, size_t from, size_t to)
{
	size_t n = 0;

	for (; from < to; from++)
		n += (text[from] & 0xc0) != 0x80;
	return n;
}

/*
 * Walk the cursor over a long mixed-width text in both directions at many
 * widths: the cursor is always shown and off the markers, the columns used
 * never exceed the width, and a '>' is only drawn when no column is wasted.
 */
static void test_view_invariants(void **state)
{
	static const char text[] = "root=/dev/" E_ACUTE EURO GRIN " console=ttyS0,"
				   "115200 quiet splash";
	struct kb_lineedit le;
	struct kb_le_view v;
	int width, dir;
	size_t used;

	for (width = 1; width <= 40; width++) {
		assert_int_equal(kb_le_init(&le, text), 0);
		for (dir = 0; dir < 4; dir++) {
			enum kb_le_op op = dir % 2 ? KB_LE_RIGHT : KB_LE_LEFT;

			do {
				kb_le_view(&le, width, &v);
				assert_true(v.start <= le.cursor && le.cursor <= v.end);
				assert_in_range(v.cursor_col, 0, width - 1);
				assert_int_equal(v.cursor_col,
						 v.more_left + chars_in(text, v.start, le.cursor));
				used = v.more_left + chars_in(text, v.start, v.end) + v.more_right;
				assert_true(used <= (size_t)width);
				if (v.more_right)
					assert_true(le.cursor < v.end && used == (size_t)width);
				if (width >= 3) {
					assert_int_equal(v.more_left, v.start > 0);
					assert_int_equal(v.more_right, v.end < le.len);
				}
			} while (kb_le_do(&le, op) == 0);
		}
		kb_le_free(&le);
	}
}

/* ---- completion ---- */

static void test_word_after_space(void **state)
{
	struct kb_lineedit le;
	size_t at;

	assert_int_equal(kb_le_init(&le, "ro /boot/vml"), 0);
	assert_int_equal(kb_le_word(&le, &at), 9);
	assert_int_equal(at, 3);
	kb_le_do(&le, KB_LE_LEFT);
	assert_int_equal(kb_le_word(&le, NULL), 8); /* only up to the cursor */
	kb_le_free(&le);
}

static void test_word_after_equals(void **state)
{
	struct kb_lineedit le;
	size_t at;

	assert_int_equal(kb_le_init(&le, "quiet initrd=/boot/ini"), 0);
	assert_int_equal(kb_le_word(&le, &at), 9);
	assert_int_equal(at, 13);
	kb_le_free(&le);
	assert_int_equal(kb_le_init(&le, "quiet root=UUID=12"), 0);
	assert_int_equal(kb_le_word(&le, &at), 2);
	assert_int_equal(at, 16);
	assert_int_equal(kb_le_insert(&le, " ", 1), 0);
	assert_int_equal(kb_le_word(&le, &at), 0);
	assert_int_equal(at, 19);
	kb_le_free(&le);
}

static void test_complete_single_match_adds_space(void **state)
{
	static const char *const m[] = { "/boot/vmlinuz-6.1" };
	struct kb_lineedit le;
	bool amb = true;

	assert_int_equal(kb_le_init(&le, "/boot/vml"), 0);
	assert_int_equal(kb_le_complete(&le, m, 1, &amb), 0);
	assert_string_equal(kb_le_text(&le), "/boot/vmlinuz-6.1 ");
	assert_int_equal(le.cursor, 18);
	assert_false(amb);
	kb_le_free(&le);
}

static void test_complete_directory_adds_no_space(void **state)
{
	static const char *const m[] = { "/boot/grub/" };
	struct kb_lineedit le;
	bool amb = true;

	assert_int_equal(kb_le_init(&le, "/boot/gr"), 0);
	assert_int_equal(kb_le_complete(&le, m, 1, &amb), 0);
	assert_string_equal(kb_le_text(&le), "/boot/grub/");
	assert_false(amb);
	assert_int_equal(kb_le_complete(&le, m, 1, &amb), -EAGAIN); /* nothing more */
	kb_le_free(&le);
}

static void test_complete_common_prefix_of_several(void **state)
{
	static const char *const m[] = { "/boot/vmlinuz-6.1.0-13-amd64",
					 "/boot/vmlinuz-6.1.0-9-amd64",
					 "/boot/vmlinuz-6.1.0-13-rt" };
	struct kb_lineedit le;
	bool amb = false;

	assert_int_equal(kb_le_init(&le, "/boot/v"), 0);
	assert_int_equal(kb_le_complete(&le, m, 3, &amb), 0);
	assert_string_equal(kb_le_text(&le), "/boot/vmlinuz-6.1.0-");
	assert_true(amb);
	assert_int_equal(kb_le_complete(&le, m, 3, &amb), -EAGAIN); /* time to list them */
	assert_true(amb);
	assert_string_equal(kb_le_text(&le), "/boot/vmlinuz-6.1.0-");
	kb_le_free(&le);
}

static void test_complete_no_match(void **state)
{
	struct kb_lineedit le;
	bool amb = true;

	assert_int_equal(kb_le_init(&le, "/boot/zz"), 0);
	assert_int_equal(kb_le_complete(&le, NULL, 0, &amb), -ENOENT);
	assert_false(amb);
	assert_string_equal(kb_le_text(&le), "/boot/zz");
	kb_le_free(&le);
}

static void test_complete_word_after_initrd(void **state)
{
	static const char *const m[] = { "/boot/initrd.img-6.1" };
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "ro initrd=/boot/ini"), 0);
	assert_int_equal(kb_le_complete(&le, m, 1, NULL), 0);
	assert_string_equal(kb_le_text(&le), "ro initrd=/boot/initrd.img-6.1 ");
	kb_le_free(&le);
}

/* Completing in the middle: the text after the cursor stays, one space. */
static void test_complete_steps_over_existing_space(void **state)
{
	static const char *const m[] = { "/boot/initrd.img" };
	struct kb_lineedit le;

	start(&le, "initrd=/boot/in quiet", 15);
	assert_int_equal(kb_le_complete(&le, m, 1, NULL), 0);
	assert_string_equal(kb_le_text(&le), "initrd=/boot/initrd.img quiet");
	assert_int_equal(le.cursor, 24);
	kb_le_free(&le);
}

/* A complete word with one match just gets its space. */
static void test_complete_exact_word_adds_space(void **state)
{
	static const char *const m[] = { "/vmlinuz" };
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "/vmlinuz"), 0);
	assert_int_equal(kb_le_complete(&le, m, 1, NULL), 0);
	assert_string_equal(kb_le_text(&le), "/vmlinuz ");
	kb_le_free(&le);
}

/* Matches that are shorter than the word never delete typed text. */
static void test_complete_never_shortens_word(void **state)
{
	static const char *const m[] = { "/boot/a1", "/boot/b1" };
	struct kb_lineedit le;
	bool amb = false;

	assert_int_equal(kb_le_init(&le, "/boot/x"), 0);
	assert_int_equal(kb_le_complete(&le, m, 2, &amb), -EAGAIN);
	assert_true(amb);
	assert_string_equal(kb_le_text(&le), "/boot/x");
	kb_le_free(&le);
}

/* "é" and "è" share their first byte; the prefix must not take it alone. */
static void test_complete_prefix_never_splits_utf8(void **state)
{
	static const char *const m[] = { "/caf" E_ACUTE, "/caf" E_GRAVE };
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "/c"), 0);
	assert_int_equal(kb_le_complete(&le, m, 2, NULL), 0);
	assert_string_equal(kb_le_text(&le), "/caf");
	kb_le_free(&le);
}

/* A file name with a newline or a bad byte: completed up to it, no space. */
static void test_complete_stops_at_bad_bytes(void **state)
{
	static const char *const m[] = { "/boot/bad\nname" };
	static const char *const m2[] = { "/boot/x\xffy" };
	struct kb_lineedit le;
	bool amb = true;

	assert_int_equal(kb_le_init(&le, "/boot/b"), 0);
	assert_int_equal(kb_le_complete(&le, m, 1, &amb), 0);
	assert_string_equal(kb_le_text(&le), "/boot/bad");
	assert_false(amb);
	kb_le_free(&le);
	assert_int_equal(kb_le_init(&le, "/boot/"), 0);
	assert_int_equal(kb_le_complete(&le, m2, 1, NULL), 0);
	assert_string_equal(kb_le_text(&le), "/boot/x");
	kb_le_free(&le);
}

/* Duplicates are one match, not an ambiguity. */
static void test_complete_duplicates_are_one_match(void **state)
{
	static const char *const m[] = { "/vmlinuz", "/vmlinuz" };
	struct kb_lineedit le;
	bool amb = true;

	assert_int_equal(kb_le_init(&le, "/v"), 0);
	assert_int_equal(kb_le_complete(&le, m, 2, &amb), 0);
	assert_string_equal(kb_le_text(&le), "/vmlinuz ");
	assert_false(amb);
	kb_le_free(&le);
}

static void test_complete_respects_max_length(void **state)
{
	static char big[KB_LE_MAX + 1];
	static const char *const m[] = { "/vmlinuz" };
	struct kb_lineedit le;

	memset(big, 'a', KB_LE_MAX - 9);
	assert_int_equal(kb_le_init(&le, big), 0);
	assert_int_equal(kb_le_insert(&le, " /v", 3), 0);
	/* "/vmlinuz" fits exactly, the space after it does not. */
	assert_int_equal(kb_le_complete(&le, m, 1, NULL), -ENOSPC);
	assert_int_equal(le.len, KB_LE_MAX - 6);
	assert_int_equal(le.cursor, KB_LE_MAX - 6);
	kb_le_free(&le);
}

static void test_complete_null_match_rejected(void **state)
{
	static const char *const m[] = { "/a", NULL };
	struct kb_lineedit le;

	assert_int_equal(kb_le_init(&le, "/"), 0);
	assert_int_equal(kb_le_complete(&le, m, 2, NULL), -EINVAL);
	assert_string_equal(kb_le_text(&le), "/");
	kb_le_free(&le);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_puts_cursor_at_end),
		cmocka_unit_test(test_init_null_is_empty),
		cmocka_unit_test(test_init_repairs_text),
		cmocka_unit_test(test_zeroed_editor_is_usable),
		cmocka_unit_test(test_insert_in_middle),
		cmocka_unit_test(test_insert_utf8),
		cmocka_unit_test(test_insert_rejects_control_chars),
		cmocka_unit_test(test_insert_rejects_invalid_utf8),
		cmocka_unit_test(test_insert_max_length),
		cmocka_unit_test(test_init_keeps_text_over_max),
		cmocka_unit_test(test_left_right_at_edges),
		cmocka_unit_test(test_left_right_in_middle),
		cmocka_unit_test(test_home_end),
		cmocka_unit_test(test_utf8_moves_never_split),
		cmocka_unit_test(test_word_right_over_cmdline),
		cmocka_unit_test(test_word_left_over_cmdline),
		cmocka_unit_test(test_word_moves_from_inside_word),
		cmocka_unit_test(test_word_moves_over_utf8),
		cmocka_unit_test(test_backspace),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_kill_to_end),
		cmocka_unit_test(test_kill_to_start),
		cmocka_unit_test(test_kill_word_back),
		cmocka_unit_test(test_delete_word_forward),
		cmocka_unit_test(test_unknown_op),
		cmocka_unit_test(test_view_short_text),
		cmocka_unit_test(test_view_long_text_cursor_at_end),
		cmocka_unit_test(test_view_home_resets_scroll),
		cmocka_unit_test(test_view_right_edge_scrolls_two_thirds),
		cmocka_unit_test(test_view_left_edge_scrolls_back),
		cmocka_unit_test(test_view_markers),
		cmocka_unit_test(test_view_width_4),
		cmocka_unit_test(test_view_counts_code_points),
		cmocka_unit_test(test_view_follows_deletion),
		cmocka_unit_test(test_view_after_kill_word_shows_context),
		cmocka_unit_test(test_view_tiny_widths),
		cmocka_unit_test(test_view_invariants),
		cmocka_unit_test(test_word_after_space),
		cmocka_unit_test(test_word_after_equals),
		cmocka_unit_test(test_complete_single_match_adds_space),
		cmocka_unit_test(test_complete_directory_adds_no_space),
		cmocka_unit_test(test_complete_common_prefix_of_several),
		cmocka_unit_test(test_complete_no_match),
		cmocka_unit_test(test_complete_word_after_initrd),
		cmocka_unit_test(test_complete_steps_over_existing_space),
		cmocka_unit_test(test_complete_exact_word_adds_space),
		cmocka_unit_test(test_complete_never_shortens_word),
		cmocka_unit_test(test_complete_prefix_never_splits_utf8),
		cmocka_unit_test(test_complete_stops_at_bad_bytes),
		cmocka_unit_test(test_complete_duplicates_are_one_match),
		cmocka_unit_test(test_complete_respects_max_length),
		cmocka_unit_test(test_complete_null_match_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
