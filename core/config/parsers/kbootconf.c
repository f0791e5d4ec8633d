// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kbootconf.c - kboot.conf, the format of the original kboot
 * (Werner Almesberger, 2005-2007) as later used on the PlayStation 3
 * (kboot-utils, Petitboot).  The full format is in docs/kboot-conf.md.
 *
 * One setting per line, NAME=VALUE; blanks around '=' are allowed, lines
 * whose first non-blank is '#' are comments, CRLF is accepted.  A VALUE
 * enclosed as a whole in '...' or "..." loses those quotes (PS3 style:
 * linux='/boot/vmlinux root=/dev/sda1').
 *
 * Supported:
 *   default=LABEL         the entry started by default (exact match)
 *   timeout=SECONDS       whole seconds; 0 boots the default at once
 *   initrd=FILE           global initrd for labels that name none (PS3)
 *   root=DEVICE           global root= for labels that give none (PS3)
 *   LABEL=KERNEL [ARG...] one entry titled LABEL: the kernel, then its
 *                         command line.  ARGs are split at blanks outside
 *                         double quotes; quotes stay in the command line
 *                         (the kernel reads param="a b" itself).  An ARG
 *                         initrd=FILE (repeatable) names an initrd and is
 *                         taken off the command line; root= stays where it
 *                         is written.
 *   File locations (KERNEL and initrd): /path (in the system that holds
 *   kboot.conf, through its /etc/fstab), a relative path (to the directory
 *   of kboot.conf), DEVICE:/path with DEVICE /dev/NAME, NAME of a scanned
 *   filesystem, UUID=, LABEL=, PARTUUID= or PARTLABEL= (the path is on that
 *   filesystem itself).
 *
 * Listed but not available: network locations, http://, https://, ftp://,
 * tftp://, nfs:// URLs and NFS host:/path ("network files are not supported
 * yet"); DEVICE: prefixes naming no scanned filesystem.
 *
 * Ignored: message= (a text shown by kboot at start), delay=, video=.
 * Not supported: kboot's interactive commands, kboot=local, quoting with
 * backslashes, single quotes inside an ARG, $variables.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/parser.h"

struct kbootconf {
	struct kb_pctx *p;
	const char *dir;    /* directory of kboot.conf */
	const char *initrd; /* global initrd=, or NULL */
	const char *root;   /* global root=, or NULL */
	const char *dflt;   /* default= */
	int dflt_line;	    /* its line */
	int timeout_line;   /* line of timeout=, 0 if none */
	bool have_dflt;	    /* an entry took default= */
	struct ptrv labels; /* const char *: labels seen, for duplicates */
};

/* Trim blanks at both ends in place. */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* 'value' or "value" as a whole: drop the quotes (in place). */
static char *unquote_whole(char *v)
{
	size_t n = strlen(v);
	char *close;

	if (n < 2 || (v[0] != '\'' && v[0] != '"'))
		return v;
	close = strchr(v + 1, v[0]);
	if (close != v + n - 1)
		return v;
	v[n - 1] = '\0';
	return v + 1;
}

/* Remove double quotes from a word (a file name written "a b"). */
static char *strip_quotes(struct arena *a, const char *w)
{
	char *out = arena_strdup(a, w), *o = out;

	if (!out)
		return NULL;
	for (; *w; w++)
		if (*w != '"')
			*o++ = *w;
	*o = '\0';
	return out;
}

/* The next word of *s (blanks outside double quotes end it); NULL at the end. */
static char *next_word(char **s, bool *unterminated)
{
	char *start = *s, *c;
	bool quoted = false;

	while (*start == ' ' || *start == '\t')
		start++;
	if (!*start)
		return NULL;
	for (c = start; *c; c++) {
		if (*c == '"')
			quoted = !quoted;
		else if (!quoted && (*c == ' ' || *c == '\t'))
			break;
	}
	if (quoted)
		*unterminated = true;
	if (*c)
		*c++ = '\0';
	*s = c;
	return start;
}

static bool is_url(const char *s)
{
	const char *c = s;

	if (!isalpha((unsigned char)*c))
		return false;
	while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
		c++;
	return !strncmp(c, "://", 3);
}

static bool has_tag(const char *s)
{
	static const char *const tags[] = { "UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=", NULL };
	size_t i;

	for (i = 0; tags[i]; i++)
		if (!strncmp(s, tags[i], strlen(tags[i])))
			return true;
	return false;
}

/*
 * Where a file location points: 0 and *f, or -1 after marking e unavailable
 * (network, unknown device).  what is "kernel" or "initrd".
 */
static int locate(struct kbootconf *k, struct kb_entry *e, const char *loc, const char *what,
		  struct kb_file *f)
{
	struct kb_pctx *p = k->p;
	const char *colon, *path;
	char *dev;

	f->fs = NULL;
	f->path = NULL;
	if (is_url(loc)) {
		kb_entry_unavailable(p, e, "%s %s: network files are not supported yet", what, loc);
		return -1;
	}
	colon = strchr(loc, ':');
	if (!colon || (loc[0] == '/' && strncmp(loc, "/dev/", 5))) {
		/* A path in the system holding kboot.conf. */
		path = kb_path_join(p->arena, k->dir, loc);
		if (!path)
			return -1;
		*f = kb_view_resolve(p, p->fs, path);
		return 0;
	}
	dev = arena_strndup(p->arena, loc, (size_t)(colon - loc));
	path = kb_path_join(p->arena, "/", colon + 1);
	if (!dev || !path)
		return -1;
	f->fs = !strncmp(dev, "/dev/", 5) || has_tag(dev) ? kb_fs_by_spec(p, dev)
							  : kb_fs_by_dev(p, dev);
	if (f->fs) {
		f->path = path;
		return 0;
	}
	if (!strncmp(dev, "/dev/", 5) || has_tag(dev))
		kb_entry_unavailable(p, e, "%s %s: %s is not among the scanned filesystems", what,
				     loc, dev);
	else
		kb_entry_unavailable(p, e, "%s %s: network files are not supported yet", what, loc);
	return -1;
}

static void check_label(struct kbootconf *k, const char *label, int line)
{
	size_t i;

	for (i = 0; i < k->labels.n; i++) {
		if (!strcmp(strv_get(&k->labels, i), label)) {
			kb_warn(k->p, line, "duplicate label \"%s\"", label);
			return;
		}
	}
	ptrv_push(k->p->arena, &k->labels, (void *)label);
}

static void add_label(struct kbootconf *k, const char *label, char *value, int line)
{
	struct kb_pctx *p = k->p;
	struct strbuf cmd = STRBUF_INIT;
	struct kb_entry *e;
	bool has_root = false, unterminated = false, any_initrd = false;
	char *w, *kernel, *rest = value;

	kernel = next_word(&rest, &unterminated);
	if (!kernel) {
		kb_warn(p, line, "%s: no kernel given", label);
		return;
	}
	e = kb_entry_new(p, line);
	if (!e)
		return;
	check_label(k, label, line);
	e->title = label;
	e->cfg_id = label;

	kernel = strip_quotes(p->arena, kernel);
	if (kernel)
		locate(k, e, kernel, "kernel", &e->kernel);
	while ((w = next_word(&rest, &unterminated))) {
		if (!strncmp(w, "initrd=", 7)) {
			struct kb_file f;
			char *loc = strip_quotes(p->arena, w + 7);

			any_initrd = true;
			if (!loc || !*loc) {
				kb_warn(p, line, "%s: empty initrd=", label);
				continue;
			}
			if (!locate(k, e, loc, "initrd", &f))
				kb_entry_add_initrd(p, e, f);
			continue;
		}
		if (!strncmp(w, "root=", 5))
			has_root = true;
		if (cmd.len)
			sb_addc(&cmd, ' ');
		sb_adds(&cmd, w);
	}
	if (unterminated)
		kb_warn(p, line, "%s: unterminated double quote", label);
	if (!any_initrd && k->initrd) {
		struct kb_file f;

		if (!locate(k, e, k->initrd, "initrd", &f))
			kb_entry_add_initrd(p, e, f);
	}
	if (!has_root && k->root) {
		struct strbuf full = STRBUF_INIT;

		sb_printf(&full, "root=%s", k->root);
		if (cmd.len)
			sb_printf(&full, " %s", sb_str(&cmd));
		sb_release(&cmd);
		cmd = full;
	}
	e->cmdline = sb_finish(&cmd, p->arena);
	if (!e->cmdline)
		e->cmdline = "";
	if (k->dflt && !k->have_dflt && !strcmp(k->dflt, label)) {
		e->is_default = true;
		k->have_dflt = true;
	}
}

static void set_global(struct kbootconf *k, const char **slot, int *line_slot, const char *name,
		       const char *value, int line)
{
	if (*slot) {
		kb_warn(k->p, line, "duplicate %s=; the first one is used", name);
		return;
	}
	*slot = value;
	if (line_slot)
		*line_slot = line;
}

struct item {
	const char *name; /* before '=' */
	char *value;	  /* after '=', whole-value quotes removed */
	int line;	  /* line number */
};

/* One line as NAME=VALUE; NULL for blank, comment and broken lines. */
static struct item *split_line(struct kbootconf *k, char *line, int lineno)
{
	struct kb_pctx *p = k->p;
	struct item *it;
	char *eq, *name, *value;
	size_t n = strlen(line);

	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	line = trim(line);
	if (!*line || *line == '#')
		return NULL;
	eq = strchr(line, '=');
	if (!eq) {
		kb_warn(p, lineno, "expected NAME=VALUE");
		return NULL;
	}
	*eq = '\0';
	name = trim(line);
	value = unquote_whole(trim(eq + 1));
	if (!*name || strpbrk(name, " \t\"'")) {
		kb_warn(p, lineno, "expected NAME=VALUE");
		return NULL;
	}
	it = arena_alloc(p->arena, sizeof(*it));
	if (!it)
		return NULL;
	it->name = name;
	it->value = value;
	it->line = lineno;
	return it;
}

static void global_item(struct kbootconf *k, const struct item *it)
{
	struct kb_pctx *p = k->p;

	if (!strcmp(it->name, "default")) {
		set_global(k, &k->dflt, &k->dflt_line, it->name, it->value, it->line);
	} else if (!strcmp(it->name, "timeout")) {
		char *end;
		long t;

		if (k->timeout_line) {
			kb_warn(p, it->line, "duplicate timeout=; the first one is used");
			return;
		}
		errno = 0;
		t = strtol(it->value, &end, 10);
		if (errno || end == it->value || *end || t < 0 || t > 86400) {
			kb_warn(p, it->line, "timeout=%s: not a number of seconds; ignored",
				it->value);
			return;
		}
		k->timeout_line = it->line;
		p->timeout = (int)t;
	} else if (!strcmp(it->name, "initrd")) {
		set_global(k, &k->initrd, NULL, it->name, it->value, it->line);
	} else if (!strcmp(it->name, "root")) {
		set_global(k, &k->root, NULL, it->name, it->value, it->line);
	}
}

static bool is_global(const char *name)
{
	static const char *const globals[] = {
		"default", "timeout", "initrd", "root",
		"message", "delay",   "video", /* kboot's start-up text and delays: ignored */
		NULL,
	};
	size_t i;

	for (i = 0; globals[i]; i++)
		if (!strcmp(globals[i], name))
			return true;
	return false;
}

static int kboot_parse(struct kb_pctx *p, const char *buf, size_t len)
{
	struct kbootconf k = { .p = p };
	struct ptrv items = { 0 };
	char *text, *line, *nl;
	int lineno = 0;
	size_t i;

	if (memchr(buf, '\0', len)) {
		kb_warn(p, 0, "binary data; not a kboot.conf");
		return 0;
	}
	k.dir = kb_path_dir(p->arena, p->path);
	text = arena_strndup(p->arena, buf, len);
	if (!k.dir || !text)
		return -ENOMEM;
	for (line = text; line; line = nl) {
		struct item *it;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		it = split_line(&k, line, ++lineno);
		if (it && ptrv_push(p->arena, &items, it))
			return -ENOMEM;
	}
	/* Globals first: initrd= and root= apply to labels above them too. */
	for (i = 0; i < items.n; i++) {
		struct item *it = items.v[i];

		if (is_global(it->name))
			global_item(&k, it);
	}
	for (i = 0; i < items.n; i++) {
		struct item *it = items.v[i];

		if (!is_global(it->name))
			add_label(&k, it->name, it->value, it->line);
	}
	if (k.dflt && !k.have_dflt)
		kb_warn(p, k.dflt_line, "default=%s names no entry", k.dflt);
	return 0;
}

static const char *const kboot_paths[] = {
	"/kboot.conf",
	"/etc/kboot.conf",
	"/boot/kboot.conf",
	NULL,
};

const struct kb_parser kb_parser_kboot = {
	.name = "kboot",
	.paths = kboot_paths,
	.parse = kboot_parse,
};
