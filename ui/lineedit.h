/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lineedit.h - the text part of a one-line editing field: the buffer, the
 * cursor, the editing keys of readline/bash, horizontal scrolling and the
 * text side of path completion.
 *
 * The edit screen (GRUB's `e`: kernel path, initrd paths, command line) and
 * the network wizard's fields are built on it.  It knows nothing of curses:
 * the UI turns a key into kb_le_insert() or a kb_le_op, then draws what
 * kb_le_view() describes.  That keeps every editing rule unit-testable.
 *
 * The text is always valid UTF-8 without control characters: kb_le_insert()
 * refuses anything else and kb_le_init() repairs it (see there), so the UI
 * may hand the bytes straight to a UTF-8 terminal.  The cursor is a byte
 * offset that never splits a character.
 *
 * Screen columns are counted as one per code point, without wcwidth():
 * command lines and paths are ASCII in practice, and a combining accent or
 * a double-width CJK character only shifts the cursor on its own line.
 *
 * Words (the Alt-B/Alt-F/Alt-D moves) are those of readline: a word is a
 * run of ASCII letters and digits; every non-ASCII character also counts as
 * a letter, so "café" is one word.  Everything else ASCII separates words,
 * so on "console=ttyS0,115200" the words are "console", "ttyS0" and
 * "115200".  Ctrl-W is bash's unix-word-rubout instead: it deletes back to
 * the previous space, so it removes a whole "key=value" parameter.
 *
 * Not provided: a kill ring (Ctrl-Y), undo, history, quoting of completed
 * names that contain spaces.  No global state; an editor is used by one
 * thread at a time.
 */
#ifndef KBOOT_LINEEDIT_H
#define KBOOT_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Inserting never makes the text longer than this many bytes (without the
 * NUL).  The x86 kernel takes 2048 by default, other configurations more.
 */
#define KB_LE_MAX 4096

/*
 * A line being edited.  A zeroed struct is a valid empty editor; the fields
 * are for reading, change them only through the functions below.
 */
struct kb_lineedit {
	char *buf;     /* the text, UTF-8, NUL-terminated, malloc()ed; NULL when zeroed */
	size_t len;    /* bytes of text, without the NUL */
	size_t cap;    /* bytes allocated for buf */
	size_t cursor; /* byte offset 0..len, always at the start of a character */
	size_t scroll; /* first byte shown by the last kb_le_view(); stale after edits */
};

/*
 * Start editing a copy of text (NULL means ""), with the cursor at the end
 * as GRUB does.  The previous contents of le are not freed.
 *
 * Bytes that are not valid UTF-8 and control characters other than white
 * space become U+FFFD, so the user sees that something was there; tab,
 * newline, vertical tab, form feed and carriage return become a space, which
 * the kernel reads as the same separator.  Text longer than KB_LE_MAX is
 * kept whole: only inserting is refused then.
 *
 * 0, or -ENOMEM with le left as an empty editor.  The caller frees with
 * kb_le_free().
 */
int kb_le_init(struct kb_lineedit *le, const char *text);

/* Free the text and leave le an empty editor.  le may be NULL. */
void kb_le_free(struct kb_lineedit *le);

/* The text, never NULL ("" when empty or le is NULL).  Valid until the next change. */
const char *kb_le_text(const struct kb_lineedit *le);

/*
 * Insert the n bytes at s at the cursor and move the cursor after them.
 * 0 (also when n is 0); -EINVAL when s holds invalid UTF-8 (overlong forms,
 * surrogates, a cut-off sequence...) or a control character (C0, DEL, C1;
 * tab and newline included, the UI handles those keys); -ENOSPC when the
 * text would exceed KB_LE_MAX; -ENOMEM.  On error the text is unchanged.
 */
int kb_le_insert(struct kb_lineedit *le, const char *s, size_t n);

/* The editing actions, with the keys readline gives them. */
enum kb_le_op {
	KB_LE_LEFT,		   /* Left, Ctrl-B: one character back */
	KB_LE_RIGHT,		   /* Right, Ctrl-F: one character forward */
	KB_LE_HOME,		   /* Home, Ctrl-A: start of the line */
	KB_LE_END,		   /* End, Ctrl-E: end of the line */
	KB_LE_WORD_LEFT,	   /* Alt-B, Ctrl-Left: to the start of this or the previous word */
	KB_LE_WORD_RIGHT,	   /* Alt-F, Ctrl-Right: to the end of this or the next word */
	KB_LE_BACKSPACE,	   /* Backspace, Ctrl-H: delete the character before the cursor */
	KB_LE_DELETE,		   /* Delete, Ctrl-D: delete the character under the cursor */
	KB_LE_KILL_TO_END,	   /* Ctrl-K: delete from the cursor to the end */
	KB_LE_KILL_TO_START,	   /* Ctrl-U: delete from the start to the cursor */
	KB_LE_KILL_WORD_BACK,	   /* Ctrl-W: delete back over spaces, then to the previous space */
	KB_LE_DELETE_WORD_FORWARD, /* Alt-D: delete to where KB_LE_WORD_RIGHT would move */
};

/*
 * Apply op.  0 when the text or the cursor changed; -EAGAIN when op did
 * nothing (Left at the start, Delete at the end, anything on an empty
 * line...), so the UI can beep and skip the redraw; -EINVAL for an unknown op.
 */
int kb_le_do(struct kb_lineedit *le, enum kb_le_op op);

/*
 * What to draw of the line in a field `width` columns wide.
 *
 * Columns: when more_left, column 0 shows '<' and the text starts in column
 * 1, else in column 0.  When more_right, column width-1 shows '>'.  The
 * bytes [start, end) fill the columns in between, one column per code
 * point; columns after them are blank.  The cursor is drawn at cursor_col,
 * which is always on a shown character or on the blank column just after
 * the text's last character, never on a marker.
 */
struct kb_le_view {
	size_t start;	 /* byte offset of the first character to draw */
	size_t end;	 /* byte offset just after the last character to draw */
	int cursor_col;	 /* column of the cursor, 0..width-1, markers included */
	bool more_left;	 /* text before start is hidden: draw '<' in column 0 */
	bool more_right; /* text from end on is hidden: draw '>' in column width-1 */
};

/*
 * Fill v for a field width columns wide and update le->scroll so the cursor
 * stays visible.  While the whole text and the cursor after it fit, nothing
 * scrolls.  Otherwise the view moves only when the cursor would leave it:
 * past the right edge the cursor lands about 2/3 across (so typing goes on
 * with room ahead), past the left edge about 1/3 across (so some of what
 * lies before is shown); the view never scrolls further right than needed
 * to show the end of the text with the cursor after it (so Home shows the
 * start, End puts the cursor in the last column).
 *
 * Meant for width >= 4.  Narrower fields still get a correct view: width 3
 * shows one character between the markers, widths 1 and 2 show no markers,
 * and width <= 0 gives an empty range with the cursor in column 0.
 */
void kb_le_view(struct kb_lineedit *le, int width, struct kb_le_view *v);

/*
 * The path-like word before the cursor, for completion: it starts after
 * the last space before the cursor and, within that, after the last '=',
 * so "initrd=/boot/ini" gives "/boot/ini" and "root=UUID=12" gives "12".
 * Sets *start (when start is not NULL) to its byte offset and returns its
 * length in bytes (0 at the start of a word).
 */
int kb_le_word(const struct kb_lineedit *le, size_t *start);

/*
 * Complete the word before the cursor (as kb_le_word() finds it).  Each of
 * the n matches is a whole replacement for that word, such as
 * "/boot/vmlinuz-6.1" or a directory "/boot/grub/".  The word is replaced
 * by the longest common prefix of the matches, cut before a character
 * kb_le_insert() would refuse (file names may hold anything), unless that
 * prefix is shorter than the word: typed text is never taken away.  When
 * the matches are all the same name, it was inserted whole and it does not
 * end in '/', a space follows it (or the cursor steps over a space already
 * there) so the next parameter can be typed.  Names with spaces are
 * inserted as they are; quoting them is the caller's business.
 *
 * *ambiguous (when not NULL) is set when the matches name more than one
 * distinct thing, so the UI can list them.
 *
 * 0 when the text or cursor changed; -EAGAIN when nothing was added;
 * -ENOENT when n is 0; -EINVAL when matches or one of them is NULL;
 * -ENOSPC, -ENOMEM as for kb_le_insert().  On error the text is unchanged.
 */
int kb_le_complete(struct kb_lineedit *le, const char *const *matches, size_t n, bool *ambiguous);

#endif
