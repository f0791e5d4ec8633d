/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keymap.h - every key of the UI, as one table of named actions.
 *
 * A screen never looks at raw keys for commands: ui_key_action() turns a
 * key into an action for that screen, and the screen's key() function
 * acts on it.  The help screen is generated from the same table, so it
 * lists every action and never goes stale.  Keys that insert text (the
 * edit screen) are the exception: a printable key without an action is
 * text.
 */
#ifndef KBOOT_KEYMAP_H
#define KBOOT_KEYMAP_H

#include <stddef.h>

/* The actions grouped by screen, several to a line. */
/* clang-format off */
enum ui_action {
	ACT_NONE,
	/* the menu */
	ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END,
	ACT_BOOT, ACT_OPEN, ACT_BACK, ACT_EDIT, ACT_HELP, ACT_LOG, ACT_INFO, ACT_SHELL, ACT_RESCAN,
	ACT_REDRAW, ACT_NETWORK, ACT_QUIT, ACT_ABORT, ACT_SSH,
	/* the edit screen */
	ACT_EDIT_BOOT, ACT_EDIT_CANCEL, ACT_FIELD_NEXT, ACT_FIELD_PREV, ACT_COMPLETE,
	ACT_LEFT, ACT_RIGHT, ACT_LINE_START, ACT_LINE_END, ACT_WORD_LEFT, ACT_WORD_RIGHT,
	ACT_BACKSPACE, ACT_DELETE, ACT_KILL_END, ACT_KILL_START, ACT_KILL_WORD, ACT_DELETE_WORD,
	/* help, log, system info */
	ACT_TEXT_CLOSE,
	/* the network boot wizard (its fields use the line editor's actions) */
	ACT_NET_OK, ACT_NET_NEXT, ACT_NET_PREV, ACT_NET_CANCEL,
};
/* clang-format on */

/* Which screens a binding belongs to (a bit set). */
#define KM_MENU 1u
#define KM_EDIT 2u
#define KM_TEXT 4u /* help, log, info */
#define KM_NET	8u /* the network boot wizard */

/* Alt-x arrives as Esc then x; ui.c reports it as KEY_META(x). */
#define KEY_META(c) (0x10000 | (c))
#define KEY_CTRL(c) ((c)&0x1f)
/* Keys terminfo names only at run time (ui_keymap_init() finds them). */
#define KEY_CTRL_LEFT  0x20001
#define KEY_CTRL_RIGHT 0x20002
/* A typed character outside ASCII: its code point with this bit. */
#define KEY_UNICODE 0x1000000

struct ui_binding {
	enum ui_action action;
	unsigned int screens;  /* KM_* */
	int keys[4];	       /* curses key codes or characters; 0 ends the list */
	const char *keys_help; /* the keys as the help screen names them */
	const char *help;      /* what it does, one line */
};

extern const struct ui_binding ui_keymap[];
extern const size_t ui_keymap_len;

/* Set up keys that terminfo defines at run time (Ctrl-arrows); after initscr. */
void ui_keymap_init(void);

/* The action key has on screens (a KM_* bit), or ACT_NONE. */
enum ui_action ui_key_action(int key, unsigned int screen);

#endif
