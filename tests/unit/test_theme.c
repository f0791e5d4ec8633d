// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_theme.c - colour themes: the compiled-in default, the theme files
 * shipped in themes/, the file format (colours, attributes, monochrome
 * attributes, errors with their line), loading by name and by path, the
 * colour reduction for small terminals, and kb_theme_apply() on real
 * terminfo entries (xterm-256color, linux, vt100) through newterm().
 *
 * Runs from the top of the tree (tools/run-tests does) to find themes/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/scan.h"
#include "testutil.h"
#include "theme.h"

/* ---- Helpers ---- */

/* Parse text (a C string); assert the result is ret. */
static void parse(struct kb_theme *t, const char *text, int ret, char *err, size_t errlen)
{
	int r = kb_theme_parse(t, text, strlen(text), err, errlen);

	if (r != ret)
		fail_msg("parsing \"%s\": got %d (%s), want %d", text, r, err, ret);
}

/* The style one line gives role r. */
static struct kb_style style_of(const char *text, enum kb_role r)
{
	struct kb_theme t;
	char err[256];

	parse(&t, text, 0, err, sizeof(err));
	assert_string_equal(err, "");
	return t.style[r];
}

static void assert_theme_equal(const struct kb_theme *a, const struct kb_theme *b)
{
	int r;

	assert_string_equal(a->name, b->name);
	for (r = 0; r < KB_ROLE__COUNT; r++) {
		const struct kb_style *x = &a->style[r], *y = &b->style[r];

		if (x->fg != y->fg || x->bg != y->bg || x->attrs != y->attrs || x->mono != y->mono)
			fail_msg(
				"role '%s': %d on %d attrs %#x mono %#x, want %d on %d attrs %#x mono "
				"%#x",
				kb_role_name(r), x->fg, x->bg, x->attrs, x->mono, y->fg, y->bg,
				y->attrs, y->mono);
	}
}

/* Assert t is the compiled-in default theme. */
static void assert_default(const struct kb_theme *t)
{
	struct kb_theme def;

	kb_theme_default(&def);
	assert_theme_equal(t, &def);
}

/* A bad text gives -EINVAL, exactly the message want, and the default theme. */
static void check_error(const char *text, const char *want)
{
	struct kb_theme t;
	char err[256];

	parse(&t, text, -EINVAL, err, sizeof(err));
	if (strcmp(err, want))
		fail_msg("parsing \"%s\": error \"%s\", want \"%s\"", text, err, want);
	assert_default(&t);
}

/* ---- The default theme ---- */

static void test_every_role_has_a_name(void **state)
{
	int r, s;

	for (r = 0; r < KB_ROLE__COUNT; r++) {
		assert_non_null(kb_role_name(r));
		for (s = 0; s < r; s++)
			assert_string_not_equal(kb_role_name(r), kb_role_name(s));
	}
	assert_string_equal(kb_role_name(KB_ROLE_FIELD_ACTIVE), "field-active");
	assert_string_equal(kb_role_name(KB_ROLE_SELECTED), "selected");
	assert_null(kb_role_name(KB_ROLE__COUNT));
	assert_null(kb_role_name((enum kb_role) - 1));
}

static void test_default_theme_styles_every_role(void **state)
{
	const unsigned int all =
		KB_ATTR_BOLD | KB_ATTR_REVERSE | KB_ATTR_UNDERLINE | KB_ATTR_DIM | KB_ATTR_STANDOUT;
	const struct kb_style *sel, *entry;
	struct kb_theme t;
	int r;

	kb_theme_default(&t);
	assert_string_equal(t.name, "default");
	for (r = 0; r < KB_ROLE__COUNT; r++) {
		const struct kb_style *s = &t.style[r];

		assert_true(s->fg >= -1 && s->fg <= 15);
		/* Readable with 8 colours: the background is one of them. */
		assert_true(s->bg >= -1 && s->bg <= 7);
		assert_int_equal(s->attrs & ~all, 0);
		assert_int_equal(s->mono & ~all, 0);
	}
	/* The highlight shows, with colours and without. */
	sel = &t.style[KB_ROLE_SELECTED];
	entry = &t.style[KB_ROLE_ENTRY];
	assert_true(sel->fg != entry->fg || sel->bg != entry->bg);
	assert_int_not_equal(sel->mono, entry->mono);
}

static void test_default_theme_file_equals_compiled_default(void **state)
{
	struct kb_theme t;
	char err[256];
	size_t len;
	char *text = tu_slurp("themes/default.theme", &len);

	assert_int_equal(kb_theme_parse(&t, text, len, err, sizeof(err)), 0);
	free(text);
	assert_default(&t);
}

/* ---- The shipped themes ---- */

/* How many lines of text set role: "ROLE =" at the start of the line. */
static int lines_setting(const char *text, const char *role)
{
	size_t n = strlen(role);
	const char *p;
	int count = 0;

	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p + strspn(p, " \t");

		if (!strncmp(q, role, n) && (q[n] == ' ' || q[n] == '\t' || q[n] == '='))
			count++;
	}
	return count;
}

static void test_shipped_themes_parse(void **state)
{
	const char *want[] = { "default", "classic", "high-contrast", "mono" };
	struct kb_theme t;
	char err[256], base[64];
	size_t i, len, w;
	glob_t g;
	int r;

	assert_int_equal(glob("themes/*.theme", 0, NULL, &g), 0);
	for (w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		snprintf(base, sizeof(base), "themes/%s.theme", want[w]);
		for (i = 0; i < g.gl_pathc && strcmp(g.gl_pathv[i], base); i++)
			;
		if (i == g.gl_pathc)
			fail_msg("%s is missing", base);
	}
	for (i = 0; i < g.gl_pathc; i++) {
		char *text = tu_slurp(g.gl_pathv[i], &len);

		if (kb_theme_parse(&t, text, len, err, sizeof(err)))
			fail_msg("%s:%s", g.gl_pathv[i], err);
		/* Its name is its file name. */
		snprintf(base, sizeof(base), "themes/%s.theme", t.name);
		assert_string_equal(base, g.gl_pathv[i]);
		/* Every role explicitly, each once, with its monochrome attributes. */
		for (r = 0; r < KB_ROLE__COUNT; r++) {
			if (lines_setting(text, kb_role_name(r)) != 1)
				fail_msg("%s: role '%s' not set exactly once", g.gl_pathv[i],
					 kb_role_name(r));
		}
		free(text);
	}
	globfree(&g);
}

/* Every role line of a shipped theme gives its mono attributes ("; mono"). */
static void test_shipped_themes_give_mono_attributes(void **state)
{
	glob_t g;
	size_t i, len;

	assert_int_equal(glob("themes/*.theme", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		char *text = tu_slurp(g.gl_pathv[i], &len), *line, *save = NULL;

		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (line[0] == '#' || !strchr(line, '='))
				continue;
			if (!strstr(line, "; mono "))
				fail_msg("%s: '%s' gives no mono attributes", g.gl_pathv[i], line);
		}
		free(text);
	}
	globfree(&g);
}

static void test_high_contrast_has_no_dim_and_a_bold_selection(void **state)
{
	struct kb_theme t;
	char err[256];
	int r;

	assert_int_equal(kb_theme_load(&t, "themes/high-contrast.theme", err, sizeof(err)), 0);
	for (r = 0; r < KB_ROLE__COUNT; r++) {
		assert_false(t.style[r].attrs & KB_ATTR_DIM);
		assert_false(t.style[r].mono & KB_ATTR_DIM);
		assert_in_range(t.style[r].bg, 0, 15); /* black, or a bright bar */
	}
	assert_true(t.style[KB_ROLE_SELECTED].attrs & KB_ATTR_BOLD);
}

static void test_mono_theme_has_no_colours(void **state)
{
	struct kb_theme t;
	char err[256];
	int r;

	assert_int_equal(kb_theme_load(&t, "themes/mono.theme", err, sizeof(err)), 0);
	for (r = 0; r < KB_ROLE__COUNT; r++) {
		assert_int_equal(t.style[r].fg, KB_COLOUR_DEFAULT);
		assert_int_equal(t.style[r].bg, KB_COLOUR_DEFAULT);
		/* The same look with colour support and without. */
		assert_int_equal(t.style[r].attrs, t.style[r].mono);
	}
	assert_int_equal(t.style[KB_ROLE_SELECTED].mono, KB_ATTR_REVERSE);
	assert_int_equal(t.style[KB_ROLE_DISABLED].mono, KB_ATTR_DIM);
}

static void test_classic_inverts_the_selection(void **state)
{
	struct kb_theme t;
	char err[256];

	assert_int_equal(kb_theme_load(&t, "themes/classic.theme", err, sizeof(err)), 0);
	assert_int_equal(t.style[KB_ROLE_NORMAL].fg, 7);
	assert_int_equal(t.style[KB_ROLE_NORMAL].bg, 0);
	assert_int_equal(t.style[KB_ROLE_SELECTED].fg, 0);
	assert_int_equal(t.style[KB_ROLE_SELECTED].bg, 7);
	assert_int_equal(t.style[KB_ROLE_SELECTED].mono, KB_ATTR_REVERSE);
}

/* ---- The format ---- */

static void test_colour_names(void **state)
{
	struct kb_style s;

	s = style_of("entry = red on blue", KB_ROLE_ENTRY);
	assert_int_equal(s.fg, 1);
	assert_int_equal(s.bg, 4);
	s = style_of("entry = black on white", KB_ROLE_ENTRY);
	assert_int_equal(s.fg, 0);
	assert_int_equal(s.bg, 7);
	s = style_of("entry = green on yellow", KB_ROLE_ENTRY);
	assert_int_equal(s.fg, 2);
	assert_int_equal(s.bg, 3);
	s = style_of("entry = magenta on cyan", KB_ROLE_ENTRY);
	assert_int_equal(s.fg, 5);
	assert_int_equal(s.bg, 6);
	s = style_of("entry = default on default", KB_ROLE_ENTRY);
	assert_int_equal(s.fg, KB_COLOUR_DEFAULT);
	assert_int_equal(s.bg, KB_COLOUR_DEFAULT);
	/* Words are not case-sensitive. */
	s = style_of("Entry = RED On Blue, BOLD", KB_ROLE_ENTRY);
	assert_int_equal(s.fg, 1);
	assert_int_equal(s.bg, 4);
	assert_int_equal(s.attrs, KB_ATTR_BOLD);
}

static void test_bright_colours_are_8_to_15(void **state)
{
	struct kb_style s;

	s = style_of("warning = bright-black on bright-white", KB_ROLE_WARNING);
	assert_int_equal(s.fg, 8);
	assert_int_equal(s.bg, 15);
	s = style_of("warning = bright-yellow on bright-blue", KB_ROLE_WARNING);
	assert_int_equal(s.fg, 11);
	assert_int_equal(s.bg, 12);
	check_error("warning = bright-default on black", "1: unknown colour 'bright-default'");
	check_error("warning = bright-7 on black", "1: unknown colour 'bright-7'");
}

static void test_colour_numbers(void **state)
{
	struct kb_style s;

	s = style_of("title = color196 on colour21", KB_ROLE_TITLE);
	assert_int_equal(s.fg, 196);
	assert_int_equal(s.bg, 21);
	s = style_of("title = 0 on 255", KB_ROLE_TITLE);
	assert_int_equal(s.fg, 0);
	assert_int_equal(s.bg, 255);
	s = style_of("title = 9 on color008", KB_ROLE_TITLE);
	assert_int_equal(s.fg, 9);
	assert_int_equal(s.bg, 8);
	check_error("title = 256 on black", "1: unknown colour '256'");
	check_error("title = color1000 on black", "1: unknown colour 'color1000'");
	check_error("title = black on color", "1: unknown colour 'color'");
	check_error("title = -1 on black", "1: unknown colour '-1'");
}

static void test_attributes(void **state)
{
	struct kb_style s;

	s = style_of("selected = black on white, bold", KB_ROLE_SELECTED);
	assert_int_equal(s.attrs, KB_ATTR_BOLD);
	s = style_of("selected = black on white, bold, reverse, underline, dim, standout",
		     KB_ROLE_SELECTED);
	assert_int_equal(s.attrs, KB_ATTR_BOLD | KB_ATTR_REVERSE | KB_ATTR_UNDERLINE | KB_ATTR_DIM |
					  KB_ATTR_STANDOUT);
	/* Blanks separate as well as commas. */
	s = style_of("selected = black on white bold underline", KB_ROLE_SELECTED);
	assert_int_equal(s.attrs, KB_ATTR_BOLD | KB_ATTR_UNDERLINE);
	/* No attributes: none, and a line without any replaces the default's. */
	s = style_of("heading = white on blue, none", KB_ROLE_HEADING);
	assert_int_equal(s.attrs, 0);
	s = style_of("heading = white on blue", KB_ROLE_HEADING);
	assert_int_equal(s.attrs, 0);
	check_error("selected = black on white, blod", "1: unknown attribute 'blod'");
}

static void test_mono_attributes(void **state)
{
	struct kb_theme def;
	struct kb_style s;

	s = style_of("disabled = bright-black on blue ; mono dim, underline", KB_ROLE_DISABLED);
	assert_int_equal(s.fg, 8);
	assert_int_equal(s.attrs, 0);
	assert_int_equal(s.mono, KB_ATTR_DIM | KB_ATTR_UNDERLINE);
	s = style_of("disabled = red on blue, bold; mono none", KB_ROLE_DISABLED);
	assert_int_equal(s.attrs, KB_ATTR_BOLD);
	assert_int_equal(s.mono, 0);
	/* Without "; mono" the role keeps the default theme's mono attributes. */
	kb_theme_default(&def);
	s = style_of("selected = red on blue, bold", KB_ROLE_SELECTED);
	assert_int_equal(s.mono, def.style[KB_ROLE_SELECTED].mono);
	assert_int_equal(s.mono, KB_ATTR_REVERSE);
}

static void test_unset_roles_keep_the_default(void **state)
{
	struct kb_theme t, def;
	char err[256];

	kb_theme_default(&def);
	parse(&t, "name partial\nselected = red on black\n", 0, err, sizeof(err));
	assert_string_equal(t.name, "partial");
	assert_int_equal(t.style[KB_ROLE_SELECTED].fg, 1);
	t.style[KB_ROLE_SELECTED] = def.style[KB_ROLE_SELECTED];
	strcpy(t.name, "default");
	assert_theme_equal(&t, &def);
}

static void test_name_line(void **state)
{
	struct kb_theme t;
	char err[256];

	parse(&t, "name classic\n", 0, err, sizeof(err));
	assert_string_equal(t.name, "classic");
	parse(&t, "name = my.theme-2_b  # comment\n", 0, err, sizeof(err));
	assert_string_equal(t.name, "my.theme-2_b");
	/* No name line: no name (kb_theme_load() names it after the file). */
	parse(&t, "entry = red on blue\n", 0, err, sizeof(err));
	assert_string_equal(t.name, "");
	parse(&t, "", 0, err, sizeof(err));
	assert_string_equal(t.name, "");
	check_error("name\n", "1: expected a theme name after 'name'");
	check_error("name two words\n", "1: unexpected 'words'");
	check_error("name a\nname b\n", "2: name already set on line 1");
	check_error("name "
		    "a123456789b123456789c123456789d123456789e123456789f123456789g1234\n",
		    "1: theme name longer than 63 characters");
}

static void test_comments_blanks_and_line_ends(void **state)
{
	const char text[] = "# a comment\n"
			    "\n"
			    "   \t \n"
			    "title = red on black # trailing comment, bold\r\n"
			    "\tentry=green on black,bold;mono underline\r\n"
			    "status = yellow on black"; /* no final newline */
	struct kb_theme t;
	char err[256];

	parse(&t, text, 0, err, sizeof(err));
	assert_int_equal(t.style[KB_ROLE_TITLE].fg, 1);
	assert_int_equal(t.style[KB_ROLE_TITLE].attrs, 0);
	assert_int_equal(t.style[KB_ROLE_ENTRY].fg, 2);
	assert_int_equal(t.style[KB_ROLE_ENTRY].attrs, KB_ATTR_BOLD);
	assert_int_equal(t.style[KB_ROLE_ENTRY].mono, KB_ATTR_UNDERLINE);
	assert_int_equal(t.style[KB_ROLE_STATUS].fg, 3);
}

/* The text is len bytes: what follows is not read, and need not be a NUL. */
static void test_parse_reads_only_len_bytes(void **state)
{
	const char text[] = "entry = red on blue, bold, underline";
	struct kb_theme t;
	char err[256];

	assert_int_equal(kb_theme_parse(&t, text, strlen("entry = red on blue"), err, sizeof(err)),
			 0);
	assert_int_equal(t.style[KB_ROLE_ENTRY].attrs, 0);
	assert_int_equal(kb_theme_parse(&t, NULL, 0, err, sizeof(err)), 0);
}

/* ---- Errors: -EINVAL, "LINE: message", the default theme ---- */

static void test_unknown_role_is_an_error(void **state)
{
	check_error("name x\n\ntitel = white on blue\n", "3: unknown role 'titel'");
	check_error("field_active = white on blue\n", "1: unknown role 'field_active'");
}

static void test_unknown_colour_is_an_error(void **state)
{
	check_error("# x\ntitle = purpel on blue\n", "2: unknown colour 'purpel'");
	check_error("title = white on bleu\n", "1: unknown colour 'bleu'");
	check_error("title = "
		    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij on blue\n",
		    "1: unknown colour 'abcdefghijabcdefghijabcdefghijabcdefghij...'");
}

static void test_bad_syntax_is_an_error(void **state)
{
	check_error("title white on blue", "1: expected '=' after 'title'");
	check_error("title =", "1: expected a colour after '='");
	check_error("title = white", "1: expected 'on BACKGROUND' after 'white'");
	check_error("title = white blue", "1: expected 'on BACKGROUND' after 'white'");
	check_error("title = white on", "1: expected a colour after 'on'");
	check_error("title = white on blue,", "1: expected an attribute after ','");
	check_error("title = white on blue, bold,", "1: expected an attribute after ','");
	check_error("title = white on blue ; bold", "1: expected 'mono' after ';'");
	check_error("title = white on blue ; mono", "1: expected an attribute after 'mono'");
	check_error("title = white on blue ; mono bold ; mono dim", "1: unexpected ';'");
	check_error("title = white on blue = red", "1: unexpected '='");
	check_error("= white on blue", "1: unexpected '='");
	check_error("title = white on blue !", "1: unexpected character '!'");
	check_error("title = white on blue \x01", "1: unexpected byte 0x01");
	check_error("title = \"white\" on blue", "1: expected a colour after '='");
}

static void test_role_set_twice_is_an_error(void **state)
{
	check_error("title = white on blue\nentry = red on blue\ntitle = red on blue\n",
		    "3: role 'title' already set on line 1");
}

static void test_first_error_is_reported(void **state)
{
	check_error("entry = red on blue\nfoo = red on blue\nbar = red on blue\n",
		    "2: unknown role 'foo'");
}

static void test_error_buffer_is_optional_and_cut(void **state)
{
	struct kb_theme t;
	char err[8];

	assert_int_equal(kb_theme_parse(&t, "foo", 3, NULL, 0), -EINVAL);
	assert_default(&t);
	assert_int_equal(kb_theme_parse(&t, "foo = x", 7, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "1: unkn");
}

/* ---- Loading ---- */

static void test_load_finds_name_in_theme_dir(void **state)
{
	struct kb_theme t;
	char err[256];

	tu_put("mine.theme", "selected = red on green ; mono underline\n");
	setenv("KBOOT_THEME_DIR", tu_tmp, 1);
	assert_int_equal(kb_theme_load(&t, "mine", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(t.name, "mine"); /* the file has no name line */
	assert_int_equal(t.style[KB_ROLE_SELECTED].fg, 1);
	assert_int_equal(t.style[KB_ROLE_SELECTED].bg, 2);
	assert_int_equal(t.style[KB_ROLE_SELECTED].mono, KB_ATTR_UNDERLINE);
	unsetenv("KBOOT_THEME_DIR");
}

/* $KBOOT_THEME_DIR comes before the installed themes: it can replace one. */
static void test_theme_dir_comes_first(void **state)
{
	struct kb_theme t;
	char err[256];

	tu_put("classic.theme", "name mine\n");
	setenv("KBOOT_THEME_DIR", tu_tmp, 1);
	assert_int_equal(kb_theme_load(&t, "classic", err, sizeof(err)), 0);
	assert_string_equal(t.name, "mine");
	unsetenv("KBOOT_THEME_DIR");
}

static void test_load_by_path(void **state)
{
	struct kb_theme t;
	char err[256], path[512];

	tu_put("a/b.theme", "name bee\nentry = cyan on black\n");
	snprintf(path, sizeof(path), "%s/a/b.theme", tu_tmp);
	assert_int_equal(kb_theme_load(&t, path, err, sizeof(err)), 0);
	assert_string_equal(t.name, "bee");
	assert_int_equal(t.style[KB_ROLE_ENTRY].fg, 6);
	assert_int_equal(kb_theme_load(&t, "themes/classic.theme", err, sizeof(err)), 0);
	assert_string_equal(t.name, "classic");
}

static void test_load_missing_name(void **state)
{
	struct kb_theme t;
	char err[1024], want[512];

	setenv("KBOOT_THEME_DIR", tu_tmp, 1);
	t.style[0].fg = 99;
	assert_int_equal(kb_theme_load(&t, "nosuch", err, sizeof(err)), -ENOENT);
	assert_default(&t);
	snprintf(want, sizeof(want), "theme 'nosuch': not found in %s, /usr/share/kboot/themes",
		 tu_tmp);
	if (strncmp(err, want, strlen(want)))
		fail_msg("error \"%s\", want it to start with \"%s\"", err, want);
	unsetenv("KBOOT_THEME_DIR");
}

static void test_load_missing_path(void **state)
{
	struct kb_theme t;
	char err[256];

	assert_int_equal(kb_theme_load(&t, "/nonexistent/x.theme", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/x.theme: No such file or directory");
	assert_default(&t);
}

static void test_load_default_without_a_file(void **state)
{
	struct kb_theme t;
	char err[256];

	setenv("KBOOT_THEME_DIR", tu_tmp, 1);
	assert_int_equal(kb_theme_load(&t, "default", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_default(&t);
	assert_int_equal(kb_theme_load(&t, NULL, err, sizeof(err)), 0);
	assert_default(&t);
	unsetenv("KBOOT_THEME_DIR");
}

static void test_load_error_names_file_and_line(void **state)
{
	struct kb_theme t;
	char err[512], want[512];

	tu_put("bad.theme", "name bad\n# colours\ntitle = purpel on black\n");
	setenv("KBOOT_THEME_DIR", tu_tmp, 1);
	assert_int_equal(kb_theme_load(&t, "bad", err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s/bad.theme:3: unknown colour 'purpel'", tu_tmp);
	assert_string_equal(err, want);
	assert_default(&t);
	unsetenv("KBOOT_THEME_DIR");
}

static void test_load_limits_size_to_64k(void **state)
{
	static char text[64 * 1024 + 2];
	struct kb_theme t;
	char err[512], path[512], want[512];

	memset(text, '#', sizeof(text) - 1);
	text[64 * 1024 - 1] = '\n';
	text[64 * 1024] = '\0';
	tu_put("big.theme", text); /* exactly 64 KiB */
	snprintf(path, sizeof(path), "%s/big.theme", tu_tmp);
	assert_int_equal(kb_theme_load(&t, path, err, sizeof(err)), 0);

	text[64 * 1024] = '\n';
	tu_put("big.theme", text); /* one byte more */
	assert_int_equal(kb_theme_load(&t, path, err, sizeof(err)), -EFBIG);
	snprintf(want, sizeof(want), "%s: larger than 64 KiB", path);
	assert_string_equal(err, want);
	assert_default(&t);
}

static void test_load_directory_is_an_error(void **state)
{
	struct kb_theme t;
	char err[512];

	tu_put("dir.theme/x", "");
	setenv("KBOOT_THEME_DIR", tu_tmp, 1);
	assert_int_equal(kb_theme_load(&t, "dir", err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "dir.theme: Is a directory"));
	assert_default(&t);
	unsetenv("KBOOT_THEME_DIR");
}

/* ---- Colours a terminal does not have ---- */

static void test_reduce_colour(void **state)
{
	static const struct {
		short c;
		int ncolours;
		short want;
		bool bright;
	} cases[] = {
		{ -1, 8, -1, false },	{ 3, 8, 3, false },   { 7, 8, 7, false },
		{ 9, 256, 9, false },	{ 9, 16, 9, false },  { 9, 8, 1, true },
		{ 15, 8, 7, true },	{ 8, 8, 0, true },    { 196, 256, 196, false },
		{ 196, 16, 9, false },	{ 196, 8, 1, true },  { 21, 8, 4, false },
		{ 46, 16, 10, false },	{ 226, 8, 3, true },  { 16, 8, 0, false },
		{ 231, 16, 15, false }, { 250, 8, 7, false }, { 240, 16, 8, false },
		{ 240, 8, 0, true },	{ 124, 8, 1, false }, { 30, 8, 6, false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool bright = !cases[i].bright;
		short got = kb_theme_reduce_colour(cases[i].c, cases[i].ncolours, &bright);

		if (got != cases[i].want || bright != cases[i].bright)
			fail_msg("colour %d on %d colours: %d%s, want %d%s", cases[i].c,
				 cases[i].ncolours, got, bright ? " bright" : "", cases[i].want,
				 cases[i].bright ? " bright" : "");
	}
	assert_int_equal(kb_theme_reduce_colour(9, 8, NULL), 1);
}

/* ---- The curses half, on real terminfo entries, output to /dev/null ---- */

static SCREEN *open_term(const char *term, FILE **out, FILE **in)
{
	SCREEN *scr;

	*out = fopen("/dev/null", "w");
	*in = fopen("/dev/null", "r");
	assert_non_null(*out);
	assert_non_null(*in);
	scr = newterm(term, *out, *in);
	if (!scr)
		fail_msg("newterm(%s) failed: terminfo entry missing?", term);
	return scr;
}

static void close_term(SCREEN *scr, FILE *out, FILE *in)
{
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

static void assert_pair(int attr, short want_fg, short want_bg)
{
	short fg, bg;

	assert_int_not_equal(PAIR_NUMBER(attr), 0);
	assert_int_equal(pair_content(PAIR_NUMBER(attr), &fg, &bg), OK);
	assert_int_equal(fg, want_fg);
	assert_int_equal(bg, want_bg);
}

static void test_attr_before_apply_is_normal(void **state)
{
	assert_int_equal(kb_theme_attr(KB_ROLE_SELECTED), A_NORMAL);
	assert_int_equal(kb_theme_attr(KB_ROLE__COUNT), A_NORMAL);
}

static void test_apply_on_xterm_256color(void **state)
{
	struct kb_theme t;
	FILE *out, *in;
	SCREEN *scr = open_term("xterm-256color", &out, &in);
	char err[256];

	kb_theme_apply(NULL);
	assert_int_equal(COLORS, 256);
	/* bright-cyan on blue, bold: the colour itself, bold because the theme says so. */
	assert_pair(kb_theme_attr(KB_ROLE_HEADING), 14, 4);
	assert_true(kb_theme_attr(KB_ROLE_HEADING) & A_BOLD);
	assert_pair(kb_theme_attr(KB_ROLE_SELECTED), 0, 7);
	assert_false(kb_theme_attr(KB_ROLE_SELECTED) & A_REVERSE); /* mono only */
	/* Equal colours share a pair. */
	assert_int_equal(PAIR_NUMBER(kb_theme_attr(KB_ROLE_NORMAL)),
			 PAIR_NUMBER(kb_theme_attr(KB_ROLE_ENTRY)));
	assert_int_equal(getbkgd(stdscr) & A_COLOR, kb_theme_attr(KB_ROLE_NORMAL) & A_COLOR);

	/* "default" stays the terminal's default colour. */
	parse(&t, "entry = default on default\nstatus = color196 on color21\n", 0, err,
	      sizeof(err));
	kb_theme_apply(&t);
	assert_pair(kb_theme_attr(KB_ROLE_ENTRY), -1, -1);
	assert_pair(kb_theme_attr(KB_ROLE_STATUS), 196, 21);
	close_term(scr, out, in);
}

static void test_apply_on_linux_console_maps_to_8_colours(void **state)
{
	struct kb_theme t;
	FILE *out, *in;
	SCREEN *scr = open_term("linux", &out, &in);
	char err[256];

	kb_theme_apply(NULL);
	assert_int_equal(COLORS, 8);
	/* bright-cyan becomes cyan in bold. */
	assert_pair(kb_theme_attr(KB_ROLE_HEADING), 6, 4);
	assert_true(kb_theme_attr(KB_ROLE_HEADING) & A_BOLD);
	/* bright-black: black in bold. */
	assert_pair(kb_theme_attr(KB_ROLE_DISABLED), 0, 4);
	assert_true(kb_theme_attr(KB_ROLE_DISABLED) & A_BOLD);
	assert_false(kb_theme_attr(KB_ROLE_ENTRY) & A_BOLD);

	/* 256-colour numbers: the nearest basic colour; a bright background just drops. */
	parse(&t, "status = color196 on bright-blue\nentry = color21 on color46\n", 0, err,
	      sizeof(err));
	kb_theme_apply(&t);
	assert_pair(kb_theme_attr(KB_ROLE_STATUS), 1, 4);
	assert_true(kb_theme_attr(KB_ROLE_STATUS) & A_BOLD);
	assert_pair(kb_theme_attr(KB_ROLE_ENTRY), 4, 2);
	assert_false(kb_theme_attr(KB_ROLE_ENTRY) & A_BOLD);
	close_term(scr, out, in);
}

static void test_apply_on_vt100_uses_mono_attributes(void **state)
{
	FILE *out, *in;
	SCREEN *scr = open_term("vt100", &out, &in);
	struct kb_theme t;
	int r;

	kb_theme_apply(NULL);
	assert_false(has_colors());
	kb_theme_default(&t);
	for (r = 0; r < KB_ROLE__COUNT; r++)
		assert_int_equal(PAIR_NUMBER(kb_theme_attr(r)), 0);
	assert_int_equal(kb_theme_attr(KB_ROLE_SELECTED), A_REVERSE);
	assert_int_equal(kb_theme_attr(KB_ROLE_DISABLED), A_DIM);
	assert_int_equal(kb_theme_attr(KB_ROLE_TITLE), A_BOLD | A_REVERSE);
	assert_int_equal(kb_theme_attr(KB_ROLE_NORMAL), A_NORMAL);
	close_term(scr, out, in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_role_has_a_name),
		cmocka_unit_test(test_default_theme_styles_every_role),
		cmocka_unit_test(test_default_theme_file_equals_compiled_default),
		cmocka_unit_test(test_shipped_themes_parse),
		cmocka_unit_test(test_shipped_themes_give_mono_attributes),
		cmocka_unit_test(test_high_contrast_has_no_dim_and_a_bold_selection),
		cmocka_unit_test(test_mono_theme_has_no_colours),
		cmocka_unit_test(test_classic_inverts_the_selection),
		cmocka_unit_test(test_colour_names),
		cmocka_unit_test(test_bright_colours_are_8_to_15),
		cmocka_unit_test(test_colour_numbers),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_mono_attributes),
		cmocka_unit_test(test_unset_roles_keep_the_default),
		cmocka_unit_test(test_name_line),
		cmocka_unit_test(test_comments_blanks_and_line_ends),
		cmocka_unit_test(test_parse_reads_only_len_bytes),
		cmocka_unit_test(test_unknown_role_is_an_error),
		cmocka_unit_test(test_unknown_colour_is_an_error),
		cmocka_unit_test(test_bad_syntax_is_an_error),
		cmocka_unit_test(test_role_set_twice_is_an_error),
		cmocka_unit_test(test_first_error_is_reported),
		cmocka_unit_test(test_error_buffer_is_optional_and_cut),
		cmocka_unit_test_setup_teardown(test_load_finds_name_in_theme_dir, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_theme_dir_comes_first, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_load_by_path, tu_make_tmp, tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_load_missing_name, tu_make_tmp, tu_remove_tmp),
		cmocka_unit_test(test_load_missing_path),
		cmocka_unit_test_setup_teardown(test_load_default_without_a_file, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_load_error_names_file_and_line, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_load_limits_size_to_64k, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_load_directory_is_an_error, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test(test_reduce_colour),
		cmocka_unit_test(test_attr_before_apply_is_normal),
		cmocka_unit_test(test_apply_on_xterm_256color),
		cmocka_unit_test(test_apply_on_linux_console_maps_to_8_colours),
		cmocka_unit_test(test_apply_on_vt100_uses_mono_attributes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
