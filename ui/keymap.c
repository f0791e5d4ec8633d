// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keymap.c - the table of every key and action (keymap.h).
 *
 * Habits follow GRUB's menu (arrows, Enter, `e`, `c`, Esc; Ctrl-X or F10
 * boots an edit) and readline/bash in the line editor (Ctrl-A/E/K/U/W,
 * Alt-B/F/D).  `n` opens the network boot wizard, whose fields use the
 * same line editor (its bindings carry KM_EDIT | KM_NET).  The menu's Esc
 * stops the downloads of a boot in progress, and leaves a submenu when
 * nothing is downloading.
 */
#include <curses.h>
#include <string.h>

#include "keymap.h"

#define KEY_ESC 27
#define KEY_DEL 127

/* One binding to a line where it fits. */
/* clang-format off */
const struct ui_binding ui_keymap[] = {
	/* menu */
	{ ACT_UP, KM_MENU | KM_TEXT, { KEY_UP, 'k', KEY_CTRL('p') }, "Up, k, Ctrl-P", "move up" },
	{ ACT_DOWN, KM_MENU | KM_TEXT, { KEY_DOWN, 'j', KEY_CTRL('n') }, "Down, j, Ctrl-N",
	  "move down" },
	{ ACT_PGUP, KM_MENU | KM_TEXT, { KEY_PPAGE }, "PgUp", "one page up" },
	{ ACT_PGDN, KM_MENU | KM_TEXT, { KEY_NPAGE, ' ' }, "PgDn, Space", "one page down" },
	{ ACT_HOME, KM_MENU | KM_TEXT, { KEY_HOME, 'g', KEY_FIND }, "Home, g", "first entry (top)" },
	{ ACT_END, KM_MENU | KM_TEXT, { KEY_END, 'G', KEY_SELECT }, "End, G", "last entry (bottom)" },
	{ ACT_BOOT, KM_MENU, { '\n', '\r', KEY_ENTER }, "Enter",
	  "boot the selected entry, or open its submenu" },
	{ ACT_OPEN, KM_MENU, { KEY_RIGHT }, "Right", "open the selected submenu" },
	{ ACT_ABORT, KM_MENU, { KEY_ESC }, "Esc",
	  "stop the downloads of a boot in progress, else leave the submenu" },
	{ ACT_BACK, KM_MENU, { KEY_LEFT, KEY_BACKSPACE }, "Left", "leave the submenu" },
	{ ACT_EDIT, KM_MENU, { 'e' }, "e", "edit the entry's kernel, initrds and command line" },
	{ ACT_HELP, KM_MENU | KM_TEXT, { 'h', KEY_F(1), '?' }, "h, F1, ?", "this help" },
	{ ACT_LOG, KM_MENU | KM_TEXT, { 'l' }, "l", "the log: every status line with its time" },
	{ ACT_INFO, KM_MENU | KM_TEXT, { 'i' }, "i",
	  "system information: version, kernel, memory, disks, network" },
	{ ACT_SHELL, KM_MENU, { 'c' }, "c", "a shell on this terminal (exit returns here)" },
	{ ACT_RESCAN, KM_MENU, { 'r' }, "r", "look for devices and configs again" },
	{ ACT_SSH, KM_MENU, { 'S' }, "S",
	  "turn the SSH server on or off (keys only; the image must have them)" },
	{ ACT_REDRAW, KM_MENU | KM_EDIT | KM_TEXT | KM_NET, { KEY_CTRL('l') }, "Ctrl-L",
	  "redraw the screen" },
	{ ACT_NETWORK, KM_MENU, { 'n' }, "n",
	  "network boot: set up an interface, then PXE, a config URL or kernel URLs" },
	{ ACT_QUIT, KM_MENU, { 'q' }, "q", "leave kboot menu (not on a console)" },

	/* edit */
	{ ACT_EDIT_BOOT, KM_EDIT, { KEY_CTRL('x'), KEY_F(10) }, "Ctrl-X, F10",
	  "boot the edited entry" },
	{ ACT_HELP, KM_EDIT, { KEY_F(1) }, "F1", "this help" },
	{ ACT_EDIT_CANCEL, KM_EDIT, { KEY_ESC }, "Esc", "discard the edits (they are never saved)" },
	{ ACT_FIELD_NEXT, KM_EDIT, { KEY_DOWN, '\n', '\r', KEY_ENTER }, "Down, Enter",
	  "next field" },
	{ ACT_FIELD_PREV, KM_EDIT, { KEY_UP }, "Up", "previous field" },
	{ ACT_COMPLETE, KM_EDIT, { '\t' }, "Tab", "complete a file name on the entry's filesystem" },
	{ ACT_LEFT, KM_EDIT | KM_NET, { KEY_LEFT, KEY_CTRL('b') }, "Left, Ctrl-B", "cursor left" },
	{ ACT_RIGHT, KM_EDIT | KM_NET, { KEY_RIGHT, KEY_CTRL('f') }, "Right, Ctrl-F",
	  "cursor right" },
	{ ACT_LINE_START, KM_EDIT | KM_NET, { KEY_HOME, KEY_CTRL('a'), KEY_FIND }, "Home, Ctrl-A",
	  "start of the line" },
	{ ACT_LINE_END, KM_EDIT | KM_NET, { KEY_END, KEY_CTRL('e'), KEY_SELECT }, "End, Ctrl-E",
	  "end of the line" },
	{ ACT_WORD_LEFT, KM_EDIT | KM_NET, { KEY_CTRL_LEFT, KEY_META('b') }, "Ctrl-Left, Alt-B",
	  "one word left" },
	{ ACT_WORD_RIGHT, KM_EDIT | KM_NET, { KEY_CTRL_RIGHT, KEY_META('f') }, "Ctrl-Right, Alt-F",
	  "one word right" },
	{ ACT_BACKSPACE, KM_EDIT | KM_NET, { KEY_BACKSPACE, KEY_DEL, KEY_CTRL('h') }, "Backspace",
	  "delete the character before the cursor" },
	{ ACT_DELETE, KM_EDIT | KM_NET, { KEY_DC, KEY_CTRL('d') }, "Delete, Ctrl-D",
	  "delete the character under the cursor" },
	{ ACT_KILL_END, KM_EDIT | KM_NET, { KEY_CTRL('k') }, "Ctrl-K",
	  "delete to the end of the line" },
	{ ACT_KILL_START, KM_EDIT | KM_NET, { KEY_CTRL('u') }, "Ctrl-U",
	  "delete to the start of the line" },
	{ ACT_KILL_WORD, KM_EDIT | KM_NET, { KEY_CTRL('w') }, "Ctrl-W",
	  "delete the word before the cursor" },
	{ ACT_DELETE_WORD, KM_EDIT | KM_NET, { KEY_META('d') }, "Alt-D",
	  "delete the word after the cursor" },

	/* help, log, info */
	{ ACT_TEXT_CLOSE, KM_TEXT, { KEY_ESC, 'q', KEY_LEFT, '\n' }, "Esc, q, Left, Enter",
	  "back to the menu" },

	/* the network boot wizard */
	{ ACT_NET_OK, KM_NET, { '\n', '\r', KEY_ENTER }, "Enter",
	  "choose; on the last field or OK: send the form" },
	{ ACT_NET_NEXT, KM_NET, { '\t', KEY_DOWN }, "Tab, Down", "next field or item" },
	{ ACT_NET_PREV, KM_NET, { KEY_BTAB, KEY_UP }, "Shift-Tab, Up", "previous field or item" },
	{ ACT_HELP, KM_NET, { KEY_F(1) }, "F1", "this help" },
	{ ACT_NET_CANCEL, KM_NET, { KEY_ESC }, "Esc",
	  "back to the menu (a DHCP request already sent goes on)" },
};
/* clang-format on */

const size_t ui_keymap_len = sizeof(ui_keymap) / sizeof(ui_keymap[0]);

static int ctrl_left, ctrl_right; /* terminfo's codes for them, 0 when unknown */

/*
 * What terminals send for these keys whatever terminfo says: a serial
 * console's TERM rarely names the terminal at the other end (TERM=vt100
 * has no Home or End at all), so both the VT220 and the xterm forms work.
 * Where terminfo calls them Find and Select (vt220), the table above takes
 * those as Home and End.
 */
static const struct {
	const char *seq;
	int key;
} common_keys[] = {
	{ "\033[A", KEY_UP },	  { "\033OA", KEY_UP },	     { "\033[B", KEY_DOWN },
	{ "\033OB", KEY_DOWN },	  { "\033[C", KEY_RIGHT },   { "\033OC", KEY_RIGHT },
	{ "\033[D", KEY_LEFT },	  { "\033OD", KEY_LEFT },    { "\033[H", KEY_HOME },
	{ "\033OH", KEY_HOME },	  { "\033[1~", KEY_HOME },   { "\033[7~", KEY_HOME },
	{ "\033[F", KEY_END },	  { "\033OF", KEY_END },     { "\033[4~", KEY_END },
	{ "\033[8~", KEY_END },	  { "\033[3~", KEY_DC },     { "\033[5~", KEY_PPAGE },
	{ "\033[6~", KEY_NPAGE }, { "\033OP", KEY_F(1) },    { "\033[11~", KEY_F(1) },
	{ "\033[[A", KEY_F(1) },  { "\033[21~", KEY_F(10) },
};

void ui_keymap_init(void)
{
	size_t i;
	int k;

	for (i = 0; i < sizeof(common_keys) / sizeof(common_keys[0]); i++)
		if (key_defined(common_keys[i].seq) <= 0)
			define_key(common_keys[i].seq, common_keys[i].key);

	k = key_defined("\033[1;5D");
	ctrl_left = k > 0 ? k : 0;
	k = key_defined("\033[1;5C");
	ctrl_right = k > 0 ? k : 0;
	/* Terminals that do not know them still send these sequences. */
	if (!ctrl_left) {
		define_key("\033[1;5D", KEY_MAX + 1);
		ctrl_left = KEY_MAX + 1;
	}
	if (!ctrl_right) {
		define_key("\033[1;5C", KEY_MAX + 2);
		ctrl_right = KEY_MAX + 2;
	}
}

enum ui_action ui_key_action(int key, unsigned int screen)
{
	size_t i, k;

	if (key && key == ctrl_left)
		key = KEY_CTRL_LEFT;
	else if (key && key == ctrl_right)
		key = KEY_CTRL_RIGHT;
	for (i = 0; i < ui_keymap_len; i++) {
		if (!(ui_keymap[i].screens & screen))
			continue;
		for (k = 0; k < 4 && ui_keymap[i].keys[k]; k++)
			if (ui_keymap[i].keys[k] == key)
				return ui_keymap[i].action;
	}
	return ACT_NONE;
}
