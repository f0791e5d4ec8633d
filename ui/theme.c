// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * theme.c - the compiled-in default theme, the theme file parser and
 * loader, and the translation of a theme into curses colour pairs and
 * attributes.  The file format is docs/themes.md; the contracts are in
 * theme.h.  This is the only file of the theme code that talks to curses.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/text.h"
#include "theme.h"

#define THEME_FILE_MAX	 (64 * 1024)
#define SYSTEM_THEME_DIR "/usr/share/kboot/themes"

/* ---- Roles, colours and attributes by name ---- */

static const char *const role_names[KB_ROLE__COUNT] = {
	[KB_ROLE_NORMAL] = "normal",
	[KB_ROLE_TITLE] = "title",
	[KB_ROLE_HEADING] = "heading",
	[KB_ROLE_ENTRY] = "entry",
	[KB_ROLE_SELECTED] = "selected",
	[KB_ROLE_DEFAULT] = "default",
	[KB_ROLE_DISABLED] = "disabled",
	[KB_ROLE_WARNING] = "warning",
	[KB_ROLE_ERROR] = "error",
	[KB_ROLE_STATUS] = "status",
	[KB_ROLE_COUNTDOWN] = "countdown",
	[KB_ROLE_HELP] = "help",
	[KB_ROLE_FRAME] = "frame",
	[KB_ROLE_FIELD] = "field",
	[KB_ROLE_FIELD_ACTIVE] = "field-active",
	[KB_ROLE_DIALOG] = "dialog",
};

/* The eight basic colours; bright-NAME is NAME + BRIGHT. */
enum { BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE, BRIGHT };

static const char *const colour_names[BRIGHT] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	unsigned int bit;
} attr_names[] = {
	{ "bold", KB_ATTR_BOLD },	    { "reverse", KB_ATTR_REVERSE },
	{ "underline", KB_ATTR_UNDERLINE }, { "dim", KB_ATTR_DIM },
	{ "standout", KB_ATTR_STANDOUT },   { "none", 0 },
};

const char *kb_role_name(enum kb_role r)
{
	if ((unsigned int)r >= KB_ROLE__COUNT)
		return NULL;
	return role_names[r];
}

/* ---- The default theme (keep themes/default.theme the same; a test checks) ---- */

#define BOLD  KB_ATTR_BOLD
#define REV   KB_ATTR_REVERSE
#define UNDER KB_ATTR_UNDERLINE
#define DIM   KB_ATTR_DIM

/* { fg, bg, attrs, mono } */
static const struct kb_style default_styles[KB_ROLE__COUNT] = {
	[KB_ROLE_NORMAL] = { WHITE, BLUE, 0, 0 },
	[KB_ROLE_TITLE] = { BLACK, CYAN, 0, BOLD | REV },
	[KB_ROLE_HEADING] = { BRIGHT + CYAN, BLUE, BOLD, BOLD | UNDER },
	[KB_ROLE_ENTRY] = { WHITE, BLUE, 0, 0 },
	[KB_ROLE_SELECTED] = { BLACK, WHITE, 0, REV },
	[KB_ROLE_DEFAULT] = { BRIGHT + WHITE, BLUE, BOLD, BOLD },
	[KB_ROLE_DISABLED] = { BRIGHT + BLACK, BLUE, 0, DIM },
	[KB_ROLE_WARNING] = { BRIGHT + YELLOW, BLUE, BOLD, BOLD },
	[KB_ROLE_ERROR] = { BRIGHT + WHITE, RED, BOLD, BOLD | REV },
	[KB_ROLE_STATUS] = { BLACK, CYAN, 0, REV },
	[KB_ROLE_COUNTDOWN] = { BRIGHT + GREEN, BLUE, BOLD, BOLD },
	[KB_ROLE_HELP] = { CYAN, BLUE, 0, 0 },
	[KB_ROLE_FRAME] = { CYAN, BLUE, 0, 0 },
	[KB_ROLE_FIELD] = { BLACK, WHITE, 0, UNDER },
	[KB_ROLE_FIELD_ACTIVE] = { BRIGHT + WHITE, BLACK, BOLD, REV },
	[KB_ROLE_DIALOG] = { BLACK, CYAN, 0, 0 },
};

void kb_theme_default(struct kb_theme *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->name, "default");
	memcpy(t->style, default_styles, sizeof(t->style));
}

/* ---- The parser: one line at a time, words and the punctuation = , ; ---- */

enum tok_type { T_END, T_WORD, T_EQ, T_COMMA, T_SEMI, T_BAD };

struct tok {
	enum tok_type type;
	const char *s; /* its text in the file */
	size_t n;      /* its length */
};

struct lexer {
	const char *p;	 /* the next character */
	const char *end; /* the end of the line, without its comment */
};

struct parser {
	unsigned int line;			/* the line being parsed, from 1 */
	unsigned int role_line[KB_ROLE__COUNT]; /* where each role was set; 0: not yet */
	unsigned int name_line;			/* where `name` was set; 0: not yet */
	char *err;
	size_t errlen;
};

/* ASCII only: the C library's isalnum() would follow the locale. */
static bool is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

static struct tok next_tok(struct lexer *lx)
{
	struct tok t = { T_END, lx->p, 0 };

	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
		lx->p++;
	t.s = lx->p;
	if (lx->p == lx->end)
		return t;
	if (is_word_char(*lx->p)) {
		t.type = T_WORD;
		while (lx->p < lx->end && is_word_char(*lx->p))
			lx->p++;
		t.n = lx->p - t.s;
		return t;
	}
	switch (*lx->p) {
	case '=':
		t.type = T_EQ;
		break;
	case ',':
		t.type = T_COMMA;
		break;
	case ';':
		t.type = T_SEMI;
		break;
	default:
		t.type = T_BAD;
		break;
	}
	t.n = 1;
	lx->p++;
	return t;
}

static bool tok_is(const struct tok *t, const char *word)
{
	return t->type == T_WORD && t->n == strlen(word) && !strncasecmp(t->s, word, t->n);
}

/* A token as the error messages quote it: 'word' (cut at 40 characters), '=', end of line. */
static const char *tok_desc(const struct tok *t, char *buf, size_t size)
{
	unsigned char c = t->n ? (unsigned char)t->s[0] : 0;

	switch (t->type) {
	case T_END:
		return "the end of the line";
	case T_WORD:
		snprintf(buf, size, "'%.*s%s'", (int)(t->n > 40 ? 40 : t->n), t->s,
			 t->n > 40 ? "..." : "");
		break;
	case T_BAD:
		if (c >= 0x20 && c < 0x7f)
			snprintf(buf, size, "character '%c'", c);
		else
			snprintf(buf, size, "byte 0x%02x", c);
		break;
	default:
		snprintf(buf, size, "'%c'", c);
		break;
	}
	return buf;
}

static int __attribute__((format(printf, 2, 3))) fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->errlen) {
		n = snprintf(ps->err, ps->errlen, "%u: ", ps->line);
		if (n > 0 && (size_t)n < ps->errlen) {
			va_start(ap, fmt);
			vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

static int unexpected(struct parser *ps, const struct tok *t)
{
	char d[64];

	return fail(ps, "unexpected %s", tok_desc(t, d, sizeof(d)));
}

static bool lookup_role(const struct tok *t, enum kb_role *r)
{
	int i;

	for (i = 0; i < KB_ROLE__COUNT; i++) {
		if (tok_is(t, role_names[i])) {
			*r = i;
			return true;
		}
	}
	return false;
}

/* default, NAME, bright-NAME, colorN, colourN or N (0..255). */
static bool lookup_colour(const struct tok *t, short *c)
{
	const char *s = t->s;
	size_t n = t->n, i;
	int base = 0, v = 0;

	if (t->type != T_WORD)
		return false;
	if (tok_is(t, "default")) {
		*c = KB_COLOUR_DEFAULT;
		return true;
	}
	if (n > 7 && !strncasecmp(s, "bright-", 7)) {
		base = BRIGHT;
		s += 7;
		n -= 7;
	}
	for (i = 0; i < BRIGHT; i++) {
		if (n == strlen(colour_names[i]) && !strncasecmp(s, colour_names[i], n)) {
			*c = base + i;
			return true;
		}
	}
	if (base)
		return false;
	if (n > 6 && !strncasecmp(s, "colour", 6)) {
		s += 6;
		n -= 6;
	} else if (n > 5 && !strncasecmp(s, "color", 5)) {
		s += 5;
		n -= 5;
	}
	if (n == 0 || n > 3)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 255)
		return false;
	*c = v;
	return true;
}

/*
 * An attribute list: ATTR { [","] ATTR }, starting at *t; after names what
 * came before it, for the message when the list is empty.  Leaves in *t
 * the first token after the list.
 */
static int parse_attrs(struct parser *ps, struct lexer *lx, struct tok *t, const char *after,
		       unsigned int *bits)
{
	bool want = true; /* an attribute must come next */
	char d[64];
	size_t i;

	*bits = 0;
	for (;; *t = next_tok(lx)) {
		if (t->type == T_COMMA && !want) {
			want = true;
			after = ",";
			continue;
		}
		if (t->type != T_WORD)
			break;
		for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
			if (tok_is(t, attr_names[i].name))
				break;
		}
		if (i == sizeof(attr_names) / sizeof(attr_names[0]))
			return fail(ps, "unknown attribute %s", tok_desc(t, d, sizeof(d)));
		*bits |= attr_names[i].bit;
		want = false;
	}
	if (want)
		return fail(ps, "expected an attribute after '%s'", after);
	return 0;
}

/* name NAME, or name = NAME */
static int parse_name(struct parser *ps, struct kb_theme *th, struct lexer *lx)
{
	struct tok t = next_tok(lx);

	if (ps->name_line)
		return fail(ps, "name already set on line %u", ps->name_line);
	if (t.type == T_EQ)
		t = next_tok(lx);
	if (t.type != T_WORD)
		return fail(ps, "expected a theme name after 'name'");
	if (t.n >= sizeof(th->name))
		return fail(ps, "theme name longer than %zu characters", sizeof(th->name) - 1);
	memcpy(th->name, t.s, t.n);
	th->name[t.n] = '\0';
	ps->name_line = ps->line;
	t = next_tok(lx);
	if (t.type != T_END)
		return unexpected(ps, &t);
	return 0;
}

/* ROLE = FG on BG [[,] ATTRS] [; mono ATTRS] */
static int parse_role(struct parser *ps, struct kb_theme *th, struct lexer *lx,
		      const struct tok *role_tok)
{
	struct kb_style st;
	enum kb_role r;
	struct tok t, fg_tok;
	char d[64];
	int ret;

	if (!lookup_role(role_tok, &r))
		return fail(ps, "unknown role %s", tok_desc(role_tok, d, sizeof(d)));
	if (ps->role_line[r])
		return fail(ps, "role '%s' already set on line %u", role_names[r],
			    ps->role_line[r]);
	st = th->style[r];

	t = next_tok(lx);
	if (t.type != T_EQ)
		return fail(ps, "expected '=' after '%s'", role_names[r]);

	fg_tok = next_tok(lx);
	if (fg_tok.type != T_WORD)
		return fail(ps, "expected a colour after '='");
	if (!lookup_colour(&fg_tok, &st.fg))
		return fail(ps, "unknown colour %s", tok_desc(&fg_tok, d, sizeof(d)));
	t = next_tok(lx);
	if (!tok_is(&t, "on"))
		return fail(ps, "expected 'on BACKGROUND' after %s",
			    tok_desc(&fg_tok, d, sizeof(d)));
	t = next_tok(lx);
	if (t.type != T_WORD)
		return fail(ps, "expected a colour after 'on'");
	if (!lookup_colour(&t, &st.bg))
		return fail(ps, "unknown colour %s", tok_desc(&t, d, sizeof(d)));

	t = next_tok(lx);
	st.attrs = 0;
	if (t.type == T_COMMA || t.type == T_WORD) {
		const char *after = t.type == T_COMMA ? "," : "";

		if (t.type == T_COMMA)
			t = next_tok(lx);
		ret = parse_attrs(ps, lx, &t, after, &st.attrs);
		if (ret)
			return ret;
	}

	if (t.type == T_SEMI) {
		t = next_tok(lx);
		if (!tok_is(&t, "mono"))
			return fail(ps, "expected 'mono' after ';'");
		t = next_tok(lx);
		ret = parse_attrs(ps, lx, &t, "mono", &st.mono);
		if (ret)
			return ret;
	}
	if (t.type != T_END)
		return unexpected(ps, &t);

	th->style[r] = st;
	ps->role_line[r] = ps->line;
	return 0;
}

static int parse_line(struct parser *ps, struct kb_theme *th, const char *p, const char *end)
{
	struct lexer lx = { p, end };
	struct tok t = next_tok(&lx);

	if (t.type == T_END)
		return 0;
	if (t.type != T_WORD)
		return unexpected(ps, &t);
	if (tok_is(&t, "name"))
		return parse_name(ps, th, &lx);
	return parse_role(ps, th, &lx, &t);
}

int kb_theme_parse(struct kb_theme *t, const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = { .err = err, .errlen = errlen };
	const char *p = text, *end = text ? text + len : text;
	int ret = 0;

	if (errlen)
		err[0] = '\0';
	kb_theme_default(t);
	t->name[0] = '\0';
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *hash;

		if (!eol)
			eol = end;
		ps.line++;
		hash = memchr(p, '#', eol - p);
		ret = parse_line(&ps, t, p, hash ? hash : eol);
		if (ret)
			break;
		p = eol < end ? eol + 1 : end;
	}
	if (ret)
		kb_theme_default(t);
	return ret;
}

/* ---- Loading: a path, or a name looked up in the theme directories ---- */

/* Read all of path into a new buffer the caller frees: -errno, -EFBIG above the limit. */
static int read_theme_file(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	char *buf;
	int fd, ret = 0;

	/* O_NONBLOCK: a FIFO must not hang the loader; fstat() then refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out_close;
	}
	buf = malloc(THEME_FILE_MAX + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out_close;
	}
	/* One byte more than allowed tells a file that is too big. */
	while (len <= THEME_FILE_MAX) {
		n = read(fd, buf + len, THEME_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (!ret && len > THEME_FILE_MAX)
		ret = -EFBIG;
	if (ret) {
		free(buf);
	} else {
		*bufp = buf;
		*lenp = len;
	}
out_close:
	close(fd);
	return ret;
}

/* The theme's name when its file has no `name` line: the file name without ".theme". */
static void name_from_path(struct kb_theme *t, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 6 && !strcmp(base + n - 6, ".theme"))
		n -= 6;
	if (n >= sizeof(t->name))
		n = sizeof(t->name) - 1;
	memcpy(t->name, base, n);
	t->name[n] = '\0';
}

static int load_file(struct kb_theme *t, const char *path, char *err, size_t errlen)
{
	char perr[256], *buf = NULL;
	size_t len = 0;
	int ret;

	ret = read_theme_file(path, &buf, &len);
	if (ret) {
		kb_theme_default(t);
		if (ret == -EFBIG)
			snprintf(err, errlen, "%s: larger than %d KiB", path,
				 THEME_FILE_MAX / 1024);
		else if (ret == -EINVAL)
			snprintf(err, errlen, "%s: not a regular file", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = kb_theme_parse(t, buf, len, perr, sizeof(perr));
	free(buf);
	if (ret) {
		snprintf(err, errlen, "%s:%s", path, perr);
		return ret;
	}
	if (!t->name[0])
		name_from_path(t, path);
	return 0;
}

/* dirname(dirname(/proc/self/exe)) + "/themes": build/kboot finds ./themes. */
static bool exe_theme_dir(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;
	int i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	for (i = 0; i < 2; i++) {
		slash = strrchr(exe, '/');
		if (!slash)
			return false;
		slash[slash == exe] = '\0'; /* keep the "/" of the root */
	}
	n = snprintf(buf, size, "%s%sthemes", exe, strcmp(exe, "/") ? "/" : "");
	return n > 0 && (size_t)n < size;
}

/* The directories a theme name is looked up in, in order, each once. */
struct theme_dirs {
	char dir[3][PATH_MAX];
	size_t n;
};

static void add_dir(struct theme_dirs *d, const char *dir)
{
	size_t i;

	if (!dir || !dir[0] || strlen(dir) >= sizeof(d->dir[0]))
		return;
	for (i = 0; i < d->n; i++) {
		if (!strcmp(d->dir[i], dir))
			return;
	}
	strcpy(d->dir[d->n++], dir);
}

int kb_theme_load(struct kb_theme *t, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 128], exe_dir[PATH_MAX];
	struct theme_dirs dirs = { .n = 0 };
	size_t i, off;
	int n, ret;

	if (errlen)
		err[0] = '\0';
	if (!name || !name[0])
		name = "default";
	if (strchr(name, '/'))
		return load_file(t, name, err, errlen);

	add_dir(&dirs, getenv("KBOOT_THEME_DIR"));
	add_dir(&dirs, SYSTEM_THEME_DIR);
	if (exe_theme_dir(exe_dir, sizeof(exe_dir)))
		add_dir(&dirs, exe_dir);

	for (i = 0; i < dirs.n; i++) {
		n = snprintf(path, sizeof(path), "%s/%s.theme", dirs.dir[i], name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		ret = load_file(t, path, err, errlen);
		/* Only a missing file means "look further": a broken one is the theme asked for. */
		if (ret != -ENOENT && ret != -ENOTDIR)
			return ret;
	}

	kb_theme_default(t);
	if (errlen)
		err[0] = '\0';
	if (!strcmp(name, "default"))
		return 0;
	off = kb_append(err, errlen, 0, "theme '%s': not found in ", name);
	for (i = 0; i < dirs.n; i++)
		off = kb_append(err, errlen, off, "%s%s", i ? ", " : "", dirs.dir[i]);
	return -ENOENT;
}

/* ---- Colours the terminal does not have ---- */

/* xterm's palette: the 16 basic colours, then a 6x6x6 cube and 24 greys. */
static const unsigned char basic_rgb[16][3] = {
	{ 0, 0, 0 },	   { 205, 0, 0 },   { 0, 205, 0 },   { 205, 205, 0 },
	{ 0, 0, 238 },	   { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 },   { 0, 255, 0 },   { 255, 255, 0 },
	{ 92, 92, 255 },   { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

static void xterm_rgb(int c, int rgb[3])
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };
	int i;

	if (c < 16) {
		for (i = 0; i < 3; i++)
			rgb[i] = basic_rgb[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[c / 6 % 6];
		rgb[2] = level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

short kb_theme_reduce_colour(short c, int ncolours, bool *brighten)
{
	int rgb[3], best = 0, best_d = INT_MAX, i, k, d;

	if (brighten)
		*brighten = false;
	if (ncolours < 8)
		ncolours = 8;
	if (c < 0 || c > 255)
		return KB_COLOUR_DEFAULT;
	if (c < ncolours)
		return c;
	if (c >= 16) {
		xterm_rgb(c, rgb);
		for (i = 0; i < 16; i++) {
			for (d = 0, k = 0; k < 3; k++)
				d += (rgb[k] - basic_rgb[i][k]) * (rgb[k] - basic_rgb[i][k]);
			if (d < best_d) {
				best_d = d;
				best = i;
			}
		}
		c = best;
		if (c < ncolours)
			return c;
	}
	/* Only 8 colours: the bright ones are the basic ones, in bold. */
	if (brighten)
		*brighten = true;
	return c - BRIGHT;
}

/* ---- The curses half ---- */

/* Each role's curses attributes, as kb_theme_apply() set them last. */
static int role_attr[KB_ROLE__COUNT];

static attr_t curses_attrs(unsigned int bits)
{
	attr_t a = A_NORMAL;

	if (bits & KB_ATTR_BOLD)
		a |= A_BOLD;
	if (bits & KB_ATTR_REVERSE)
		a |= A_REVERSE;
	if (bits & KB_ATTR_UNDERLINE)
		a |= A_UNDERLINE;
	if (bits & KB_ATTR_DIM)
		a |= A_DIM;
	if (bits & KB_ATTR_STANDOUT)
		a |= A_STANDOUT;
	return a;
}

/* Colour pairs for every role, sharing a pair between equal fg/bg; false when too few pairs. */
static bool apply_colours(const struct kb_theme *t)
{
	short pair_fg[KB_ROLE__COUNT] = { 0 }, pair_bg[KB_ROLE__COUNT] = { 0 };
	bool have_default = false, bright;
	int npairs = 0, r, pair;
	short fg, bg;

#ifdef NCURSES_VERSION
	have_default = use_default_colors() == OK;
#endif
	for (r = 0; r < KB_ROLE__COUNT; r++) {
		const struct kb_style *s = &t->style[r];

		fg = kb_theme_reduce_colour(s->fg, COLORS, &bright);
		bg = kb_theme_reduce_colour(s->bg, COLORS, NULL);
		if (!have_default && fg < 0)
			fg = WHITE;
		if (!have_default && bg < 0)
			bg = BLACK;
		for (pair = 1; pair <= npairs; pair++) {
			if (pair_fg[pair - 1] == fg && pair_bg[pair - 1] == bg)
				break;
		}
		if (pair > npairs) {
			if (pair >= COLOR_PAIRS)
				return false;
			pair_fg[npairs] = fg;
			pair_bg[npairs] = bg;
			npairs++;
			init_pair(pair, fg, bg);
		}
		role_attr[r] = (int)(COLOR_PAIR(pair) |
				     curses_attrs(s->attrs | (bright ? KB_ATTR_BOLD : 0)));
	}
	return true;
}

void kb_theme_apply(const struct kb_theme *t)
{
	struct kb_theme def;
	int r;

	if (!t) {
		kb_theme_default(&def);
		t = &def;
	}
	if (!has_colors() || start_color() != OK || COLORS < 8 || !apply_colours(t)) {
		for (r = 0; r < KB_ROLE__COUNT; r++)
			role_attr[r] = (int)curses_attrs(t->style[r].mono);
	}
	bkgd((chtype)' ' | (chtype)role_attr[KB_ROLE_NORMAL]);
}

int kb_theme_attr(enum kb_role r)
{
	if ((unsigned int)r >= KB_ROLE__COUNT)
		return A_NORMAL;
	return role_attr[r];
}
