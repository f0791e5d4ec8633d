/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * theme.h - colour themes: the UI names what it draws by role ("title",
 * "selected", "warning"...), never by colour, and a theme maps each role
 * to a foreground, a background and attributes, plus the attributes to use
 * on a terminal without colours.  Themes are data: themes/NAME.theme files in
 * the format of docs/themes.md.  A default theme is compiled in, so the
 * loader always has one, and themes/default.theme describes the same theme.
 *
 * Two halves: the data half (kb_theme_default(), kb_theme_parse(),
 * kb_theme_load()) knows nothing of curses and is what the tests feed; the
 * curses half (kb_theme_apply(), kb_theme_attr()) turns a theme into
 * colour pairs and attribute bits for the terminal at hand.  Only theme.c
 * includes <curses.h>; this header does not need it.
 *
 * What it does not do: 88-colour palettes (colours 16..87 are passed to
 * such a terminal as they are), changing the terminal's palette
 * (init_color()), italic or blinking text, per-screen themes.
 */
#ifndef KBOOT_THEME_H
#define KBOOT_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* What a piece of the screen is; the theme decides how it looks. */
enum kb_role {
	KB_ROLE_NORMAL,	      /* body text and the background of the screen */
	KB_ROLE_TITLE,	      /* the title bar at the top */
	KB_ROLE_HEADING,      /* a device's heading above its group of entries */
	KB_ROLE_ENTRY,	      /* a menu entry */
	KB_ROLE_SELECTED,     /* the highlighted menu entry */
	KB_ROLE_DEFAULT,      /* the default entry's marker and text */
	KB_ROLE_DISABLED,     /* entries that cannot boot */
	KB_ROLE_WARNING,      /* warnings */
	KB_ROLE_ERROR,	      /* errors */
	KB_ROLE_STATUS,	      /* the status line at the bottom */
	KB_ROLE_COUNTDOWN,    /* the autoboot countdown */
	KB_ROLE_HELP,	      /* key hints */
	KB_ROLE_FRAME,	      /* borders and separators */
	KB_ROLE_FIELD,	      /* an editable input field */
	KB_ROLE_FIELD_ACTIVE, /* the field being edited */
	KB_ROLE_DIALOG,	      /* the body of a popup or dialog */
	KB_ROLE__COUNT
};

/*
 * Attribute bits of a style: kboot's own, not curses' A_* values, which
 * kb_theme_apply() translates.
 */
enum kb_attr {
	KB_ATTR_BOLD = 1u << 0,
	KB_ATTR_REVERSE = 1u << 1,
	KB_ATTR_UNDERLINE = 1u << 2,
	KB_ATTR_DIM = 1u << 3,
	KB_ATTR_STANDOUT = 1u << 4,
};

/* The colour number of the terminal's own default colour. */
#define KB_COLOUR_DEFAULT (-1)

/* How one role looks. */
struct kb_style {
	short fg;	    /* foreground: 0..255, or KB_COLOUR_DEFAULT */
	short bg;	    /* background: 0..255, or KB_COLOUR_DEFAULT */
	unsigned int attrs; /* KB_ATTR_* bits used with the colours */
	unsigned int mono;  /* KB_ATTR_* bits used instead on a terminal without colours */
};

struct kb_theme {
	char name[64]; /* the file's `name`; "default" for the built-in one */
	struct kb_style style[KB_ROLE__COUNT]; /* indexed by enum kb_role */
};

/*
 * The role's name in theme files ("title", "field-active"); NULL for a
 * value that is not a role.  Static storage.
 */
const char *kb_role_name(enum kb_role r);

/* Fill t with the compiled-in default theme (the same as themes/default.theme). */
void kb_theme_default(struct kb_theme *t);

/*
 * Parse the theme file text (len bytes, need not be NUL-terminated) into t:
 * t starts as the default theme with an empty name, and every line of text
 * changes it.  Returns 0, or -EINVAL for the first line that is wrong; then
 * err holds "LINE: message" (e.g. "3: unknown colour 'purpel'") and t the
 * default theme.  err may be NULL when errlen is 0; it is "" on success.
 */
int kb_theme_parse(struct kb_theme *t, const char *text, size_t len, char *err, size_t errlen);

/*
 * Load the theme name into t.  A name with a '/' is a file's path; any
 * other name is looked up as NAME.theme in $KBOOT_THEME_DIR (when set),
 * /usr/share/kboot/themes, and the themes/ folder beside the directory of
 * the running binary (so build/kboot finds the source tree's themes/); the
 * first file that exists is the one.  "default" (or NULL, or "") with no
 * file found is the compiled-in default theme.  A file without a `name`
 * line is named after the file.  Files are at most 64 KiB.
 *
 * Returns 0, or a negative errno: -ENOENT (no such theme), -EINVAL (an
 * error in the file, or not a regular file), -EFBIG, -EISDIR, or what
 * open/read said.  On failure t holds
 * the default theme and err says why, for the user: "theme 'foo': not
 * found in /usr/share/kboot/themes, ..." or
 * "/usr/share/kboot/themes/classic.theme:3: unknown colour 'purpel'".
 */
int kb_theme_load(struct kb_theme *t, const char *name, char *err, size_t errlen);

/*
 * ---- The curses half: call after initscr() or newterm() ----
 *
 * kb_theme_apply() makes t the theme of the current screen: with colours
 * (has_colors(), at least 8 of them and enough colour pairs) it starts
 * colour, keeps the terminal's own default colour where the theme says
 * "default" (use_default_colors(); without it default is white on black),
 * defines one colour pair per distinct fg/bg, maps colours the terminal
 * does not have with kb_theme_reduce_colour(), and uses each role's
 * attrs; without colours it uses each role's mono attributes.  It also
 * sets stdscr's background to the normal role.  t NULL means the default
 * theme.  May be called again to switch themes.
 */
void kb_theme_apply(const struct kb_theme *t);

/*
 * The curses attribute bits of role r (COLOR_PAIR(n) | A_BOLD...) for
 * attron(), wattrset() and bkgd(); A_NORMAL (0) before kb_theme_apply() or
 * for a value that is not a role.
 */
int kb_theme_attr(enum kb_role r);

/*
 * The colour a terminal with ncolours colours (8, 16, 256) shows for
 * colour c.  -1 and colours below ncolours stay as they are.  Colours
 * 16..255 become the nearest of the 16 basic colours in xterm's palette;
 * then, when only 8 are left, bright colours 8..15 become 0..7 and
 * *brighten (when not NULL) is set, telling a foreground to use bold;
 * otherwise *brighten is cleared.  Pure: exposed for the tests and
 * described in docs/themes.md.
 */
short kb_theme_reduce_colour(short c, int ncolours, bool *brighten);

#endif /* KBOOT_THEME_H */
