// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syslinux-entry.c - what the syslinux-family parser makes of the lines
 * syslinux.c has read: each LABEL recorded as an entry (its kind,
 * kernel, command line, initrds, device tree, what makes it unavailable),
 * MENU BEGIN / MENU END submenus and their paths, and at the end the
 * default (ONTIMEOUT, DEFAULT, MENU DEFAULT) and the timeout.
 *
 * The rules followed - and what is not supported - are in syslinux.c's
 * header.  Not here: reading files, lines and keywords, INCLUDE
 * (syslinux.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/parsers/syslinux-private.h"

/* ---- Small helpers ---- */

/* The first word of s as an arena string ("" when none). */
char *sl_first_word(struct sl_state *st, const char *s, const char **rest)
{
	const char *end;
	char *w;

	s = sl_skip_space(s);
	for (end = s; *end && !sl_space(*end); end++)
		;
	w = arena_strndup(st->a, s, (size_t)(end - s));
	if (!w)
		st->oom = true;
	if (rest)
		*rest = sl_skip_space(end);
	return w;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* s without its '^' hotkey markers, removed in place (s is in a file's text). */
static const char *strip_carets(char *s)
{
	char *q, *c = strchr(s, '^');

	if (!c)
		return s;
	for (q = c; *c; c++)
		if (*c != '^')
			*q++ = *c;
	*q = '\0';
	return s;
}

/*
 * The hotkey marked in a MENU LABEL, if menu m has not given it to an earlier
 * entry (syslinux's consider_for_hotkey()); '\0' when none.  Letters are
 * recorded in lower case: syslinux matches them in either case.
 */
char sl_take_hotkey(struct sl_menu *m, const char *label)
{
	const char *c = label ? strchr(label, '^') : NULL;
	unsigned char k;

	if (!c || c[1] <= ' ' || (unsigned char)c[1] >= 0x7f)
		return '\0';
	k = (unsigned char)tolower((unsigned char)c[1]);
	if (m->hotkeys[k >> 3] & (1u << (k & 7)))
		return '\0';
	m->hotkeys[k >> 3] |= (unsigned char)(1u << (k & 7));
	return (char)k;
}

/* A config problem at file:line, at most SL_MAX_WARNINGS per top config. */
void __attribute__((format(printf, 4, 5)))
sl_warn_at(struct sl_state *st, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (st->nwarn > SL_MAX_WARNINGS)
		return;
	if (st->nwarn++ == SL_MAX_WARNINGS) {
		kb_warn_at(st->p, st->p->fs, file, line,
			   "too many problems; further ones in this config are not reported");
		return;
	}
	va_start(ap, fmt);
	msg = arena_vprintf(st->a, fmt, ap);
	va_end(ap);
	if (!msg) {
		st->oom = true;
		return;
	}
	kb_warn_at(st->p, st->p->fs, file, line, "%s", msg);
}

/* ---- Files ---- */

/* A path as syslinux would open it: "host::x" and URLs are network paths. */
static bool is_remote(const char *path)
{
	const char *c = strchr(path, ':');

	for (; c; c = strchr(c + 1, ':'))
		if ((c[1] == '/' && c[2] == '/') || (c[1] == ':' && c != path))
			return true;
	return false;
}

/* Whether joining path to a normalised directory changes nothing in it. */
static bool is_plain(const char *path)
{
	const char *c;

	if (!*path || path[strlen(path) - 1] == '/')
		return false;
	for (c = path; *c; c++) {
		if (*c == '/' && c[1] == '/')
			return false;
		/* A "." or ".." component. */
		if (*c == '.' && (c == path || c[-1] == '/') &&
		    (c[1] == '/' || !c[1] || (c[1] == '.' && (c[2] == '/' || !c[2]))))
			return false;
	}
	return true;
}

/*
 * The file at path relative to the working directory; fs NULL on OOM.
 * The common plain path is joined here, the rest by kb_path_join(): a 10,000
 * label config names a path or two per label.
 */
struct kb_file sl_file(struct sl_state *st, const char *path)
{
	struct kb_file f = { NULL, NULL };
	size_t nd, np;
	char *j;

	/* pxelinux: "::/dir/file" is absolute on the boot server. */
	if (!strncmp(path, "::", 2))
		path += 2;
	if (!is_plain(path)) {
		f.path = kb_path_join(st->a, st->basedir, path);
	} else if (path[0] == '/') {
		f.path = path;
	} else {
		nd = strcmp(st->basedir, "/") ? strlen(st->basedir) : 0;
		np = strlen(path);
		j = arena_alloc(st->a, nd + np + 2);
		if (j) {
			memcpy(j, st->basedir, nd);
			j[nd] = '/';
			memcpy(j + nd + 1, path, np + 1);
		}
		f.path = j;
	}
	if (f.path)
		f.fs = st->p->fs;
	else
		st->oom = true;
	return f;
}

/* ---- Building entries ---- */

/* The type syslinux's parse_kernel_type() gives a KERNEL file name. */
static enum sl_kind kind_by_name(const char *name)
{
	static const struct {
		const char *ext;
		enum sl_kind kind;
	} exts[] = {
		{ "c32", SL_COM32 },   { "0", SL_PXE },	      { "bs", SL_BOOT },
		{ "img", SL_FDIMAGE }, { "bin", SL_BOOT },    { "bss", SL_BSS },
		{ "com", SL_COMBOOT }, { "cbt", SL_COMBOOT },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(exts) / sizeof(exts[0]); i++)
		if (!strcasecmp(dot + 1, exts[i].ext))
			return exts[i].kind;
	return SL_LINUX;
}

/* Add the files of the first "initrd=" word of cmdline to e. */
static void add_initrds(struct sl_state *st, struct kb_entry *e, const char *cmdline)
{
	const char *s = cmdline, *w, *end;
	bool found = false;

	while ((w = strstr(s, "initrd="))) {
		for (end = w; *end && !sl_space(*end); end++)
			;
		s = end;
		if (w != cmdline && !sl_space(w[-1]))
			continue;
		if (found) {
			kb_entry_warn(
				st->p, e,
				"only the first initrd= is loaded, as syslinux does; ignored: %.*s",
				(int)(end - w), w);
			continue;
		}
		found = true;
		for (w += 7; w <= end; w++) {
			const char *c = w;
			char *name;

			while (c < end && *c != ',')
				c++;
			if (c == w) {
				kb_entry_warn(st->p, e, "empty file name in initrd= ignored");
			} else {
				name = arena_strndup(st->a, w, (size_t)(c - w));
				if (!name) {
					st->oom = true;
					return;
				}
				if (is_remote(name)) {
					kb_entry_unavailable(
						st->p, e,
						"initrd %s is a network path; kboot cannot load it from here",
						name);
				} else {
					struct kb_file f = sl_file(st, name);

					if (f.fs && kb_entry_add_initrd(st->p, e, f))
						st->oom = true;
				}
			}
			w = c;
		}
	}
}

/* Whether a COM32 module is mboot.c32 (COM32 adds ".c32" to a name without a dot). */
static bool is_mboot(const char *kernel)
{
	const char *base = base_name(kernel);

	return !strcasecmp(base, "mboot.c32") || !strcasecmp(base, "mboot");
}

/* The file and the command line of one mboot.c32 group, words [from, to). */
static void mboot_group(struct sl_state *st, struct kb_entry *e, char **w, size_t from, size_t to)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_file f = { NULL, NULL };
	const char *args;
	size_t i;

	if (is_remote(w[from])) {
		kb_entry_unavailable(st->p, e,
				     "%s %s is a network path; kboot cannot load it from here",
				     e->kernel.fs ? "module" : "kernel", w[from]);
		return;
	}
	f = sl_file(st, w[from]);
	for (i = from + 1; i < to; i++)
		sb_printf(&sb, "%s%s", i > from + 1 ? " " : "", w[i]);
	args = sb_finish(&sb, st->a);
	if (!f.fs || !args) {
		st->oom = true;
		return;
	}
	if (!e->kernel.fs) {
		e->kernel = f;
		e->cmdline = args;
	} else if (kb_entry_add_module(st->p, e, f, args)) {
		st->oom = true;
	}
}

/*
 * mboot.c32 (syslinux's com32/mboot/mboot.c) boots a multiboot kernel.  Its
 * arguments are the words of the command line syslinux hands it (kernel-line
 * options, APPEND, " initrd=" INITRD; split at blanks, no quoting):
 * "[-solaris] [-aout] kernel args... [--- module args...]...".  Each group
 * between "---" words is a file and its command line; mboot.c32 puts the
 * file name first in it, as GRUB Legacy did, and so does kexec-tools, so
 * the model keeps the words after it.
 */
static void set_mboot(struct sl_state *st, struct kb_entry *e, const char *args)
{
	struct ptrv words = { 0 };
	size_t i, start;
	char *w;

	e->type = KB_MULTIBOOT;
	while (*(args = sl_skip_space(args))) {
		w = sl_first_word(st, args, &args);
		if (!w || ptrv_push(st->a, &words, w)) {
			st->oom = true;
			return;
		}
	}
	for (i = 0;
	     i < words.n && (!strcmp(words.v[i], "-solaris") || !strcmp(words.v[i], "-aout")); i++)
		kb_entry_warn(st->p, e, "mboot.c32 option %s is not supported; ignored",
			      (char *)words.v[i]);
	if (i == words.n) {
		kb_entry_unavailable(st->p, e, "mboot.c32 is given no multiboot kernel to load");
		return;
	}
	for (start = i; i <= words.n; i++) {
		if (i < words.n && strcmp(words.v[i], "---"))
			continue;
		if (i == start) {
			if (i == words.n) {
				/* mboot.c32 counts a module it never loads. */
				kb_entry_warn(st->p, e,
					      "a '---' at the end of mboot.c32's "
					      "arguments ignored");
				break;
			}
			kb_entry_unavailable(st->p, e,
					     "mboot.c32's arguments have an empty group ('---' "
					     "where a file should be); it fails on that");
			return;
		}
		mboot_group(st, e, (char **)words.v, start, i);
		if (!e->available || st->oom)
			return;
		start = i + 1;
	}
}

/*
 * Fill in what e boots: cmd is the kernel file and its options, kind the
 * keyword that gave it, append the APPEND in force (NULL or "-" for none),
 * initrd the INITRD argument (NULL for none).
 */
static void set_boot(struct sl_state *st, struct kb_entry *e, const char *cmd, enum sl_kind kind,
		     const char *append, const char *initrd)
{
	struct kb_pctx *p = st->p;
	struct strbuf sb = STRBUF_INIT;
	const char *opts, *kernel, *line;

	if (!cmd)
		cmd = "";
	if (cmd[strcspn(cmd, " \t\v\f")]) {
		kernel = sl_first_word(st, cmd, &opts);
		if (!kernel)
			return;
	} else {
		kernel = cmd;
		opts = "";
	}
	if (kind == SL_LOCALBOOT) {
		kb_entry_unavailable(
			p, e,
			"LOCALBOOT hands the machine back to the firmware; kboot cannot do that");
		return;
	}
	if (!*kernel) {
		kb_entry_unavailable(p, e, "no kernel given");
		return;
	}
	if (kind == SL_CONFIG) {
		kb_entry_unavailable(
			p, e,
			"CONFIG %s switches to another syslinux config; kboot does not follow it",
			kernel);
		return;
	}
	if (kind == SL_KERNEL)
		kind = kind_by_name(kernel);
	if (kind == SL_COM32 && is_mboot(kernel)) {
		if (append && !strcmp(append, "-"))
			append = NULL;
		/* What record() gives the module: options, APPEND, " initrd=" INITRD. */
		line = arena_printf(st->a, "%s %s%s%s", opts, append ? append : "",
				    initrd ? " initrd=" : "", initrd ? initrd : "");
		if (line)
			set_mboot(st, e, line);
		else
			st->oom = true;
		return;
	}
	switch (kind) {
	case SL_COM32:
		/* COM32 adds the extension when the name has none. */
		kb_entry_unavailable(p, e, "%s%s is a syslinux module; kboot cannot run it", kernel,
				     strchr(base_name(kernel), '.') ? "" : ".c32");
		return;
	case SL_COMBOOT:
		kb_entry_unavailable(p, e, "%s is a syslinux module; kboot cannot run it", kernel);
		return;
	case SL_BOOT:
	case SL_BSS:
		kb_entry_unavailable(p, e, "%s is a boot sector; kboot cannot chain-load it",
				     kernel);
		return;
	case SL_PXE:
		kb_entry_unavailable(p, e, "%s is a PXE boot program; kboot cannot run it", kernel);
		return;
	case SL_FDIMAGE:
		kb_entry_unavailable(p, e, "%s is a floppy image; kboot cannot boot it", kernel);
		return;
	default:
		break;
	}
	if (!strcasecmp(base_name(kernel), "memdisk")) {
		kb_entry_unavailable(
			p, e, "memdisk emulates a disk through the BIOS; kboot cannot run it");
		return;
	}
	if (is_remote(kernel)) {
		kb_entry_unavailable(p, e,
				     "kernel %s is a network path; kboot cannot load it from here",
				     kernel);
		return;
	}
	e->kernel = sl_file(st, kernel);

	if (append && !strcmp(append, "-"))
		append = NULL;
	/*
	 * syslinux's record() makes "kernel options" + " " APPEND + " initrd="
	 * INITRD; new_linux_kernel() then puts "BOOT_IMAGE=<kernel> " in front.
	 */
	sb_printf(&sb, "BOOT_IMAGE=%s", kernel);
	if (*opts)
		sb_printf(&sb, " %s", opts);
	if (append && *append)
		sb_printf(&sb, " %s", append);
	if (initrd)
		sb_printf(&sb, " initrd=%s", initrd);
	e->cmdline = sb_finish(&sb, st->a);
	if (!e->cmdline) {
		e->cmdline = "";
		st->oom = true;
		return;
	}
	add_initrds(st, e, e->cmdline);
}

/* Close the open LABEL, turning it into an entry (syslinux's record()). */
void sl_record(struct sl_state *st)
{
	struct sl_label *ld = &st->ld;
	struct kb_pctx *p = st->p;
	struct sl_rec *rec;
	struct kb_entry *e;
	struct sl_menu *m;
	bool locked = ld->passwd;

	if (!ld->active)
		return;
	ld->active = false;
	if (ld->nav)
		return;
	e = kb_entry_new(p, ld->line);
	rec = arena_alloc(st->a, sizeof(*rec));
	if (!e || !rec || ptrv_push(st->a, &st->recs, rec)) {
		st->oom = true;
		return;
	}
	e->config.path = ld->file;
	e->cfg_id = ld->name;
	e->title = ld->name;
	if (ld->menulabel && *ld->menulabel) {
		if (!ld->hide && !ld->disabled)
			e->hotkey = sl_take_hotkey(st->menu, ld->menulabel);
		e->title = strip_carets(ld->menulabel);
	}
	rec->name = ld->disabled ? NULL : ld->name;
	rec->e = e;
	rec->menu = st->menu;
	rec->hidden = ld->hide;
	rec->menudefault = ld->menudefault;

	if (ld->disabled) {
		kb_entry_unavailable(p, e, "disabled in the syslinux menu (MENU DISABLE)");
		return;
	}
	set_boot(st, e, ld->cmd, ld->kind, ld->append ? ld->append : st->append, ld->initrd);
	if (ld->fdt && e->kernel.fs) {
		if (is_remote(ld->fdt))
			kb_entry_unavailable(
				p, e,
				"device tree %s is a network path; kboot cannot load it from here",
				ld->fdt);
		else
			e->dtb = sl_file(st, ld->fdt);
	}
	if (ld->overlays)
		kb_entry_warn(p, e, "device-tree overlays (FDTOVERLAYS) are not applied");
	if (ld->sysappend) {
		if (st->opts && st->opts->sysappend) {
			struct kb_syslinux_sysappend *sa = arena_alloc(st->a, sizeof(*sa));

			if (!sa || ptrv_push(st->a, st->opts->sysappend, sa)) {
				st->oom = true;
			} else {
				sa->entry = e;
				sa->mask = ld->sysappend;
			}
		} else {
			kb_entry_warn(
				p, e,
				"IPAPPEND/SYSAPPEND %lu: network boot strings are not appended",
				ld->sysappend);
		}
	}
	for (m = st->menu; m; m = m->parent)
		locked |= m->passwd;
	if (locked && e->available)
		kb_entry_unavailable(
			p, e,
			"protected by a password (MENU PASSWD); kboot does not ask for passwords");
}

/* ---- Menus ---- */

void sl_menu_begin(struct sl_state *st, char *tag, const char *file, int line)
{
	struct sl_menu *m;

	sl_record(st);
	if (st->skipped_depth || st->menu->depth >= SL_MAX_MENU_DEPTH) {
		if (!st->skipped_depth++)
			sl_warn_at(st, file, line, "submenus nested deeper than %d are flattened",
				   SL_MAX_MENU_DEPTH);
		return;
	}
	m = arena_alloc(st->a, sizeof(*m));
	if (!m) {
		st->oom = true;
		return;
	}
	m->parent = st->menu;
	m->depth = st->menu->depth + 1;
	m->tag = tag;
	m->file = file;
	m->line = line;
	st->menu = m;
}

void sl_menu_end(struct sl_state *st, const char *file, int line)
{
	sl_record(st);
	if (st->skipped_depth)
		st->skipped_depth--;
	else if (st->menu->parent)
		st->menu = st->menu->parent;
	else
		sl_warn_at(st, file, line, "MENU END without MENU BEGIN ignored");
}

/* The name a submenu shows in its parent. */
static const char *menu_name(struct sl_state *st, const struct sl_menu *m)
{
	char *name = m->label ? m->label : m->title ? m->title : m->tag;

	return name ? strip_carets(name) : "";
}

/* The names of m and its parents, outermost first, for entries' submenu. */
static const struct ptrv *menu_path(struct sl_state *st, struct sl_menu *m)
{
	if (!m->path_done && m->parent) {
		const struct ptrv *up = menu_path(st, m->parent);
		size_t i;

		for (i = 0; i < up->n; i++)
			if (ptrv_push(st->a, &m->path, up->v[i]))
				st->oom = true;
		if (ptrv_push(st->a, &m->path, (void *)menu_name(st, m)))
			st->oom = true;
	}
	m->path_done = true;
	return &m->path;
}

/* ---- The end: default, submenu paths, timeout ---- */

/* The first entry named label (find_label() of syslinux); NULL when none. */
static struct sl_rec *find_label(struct sl_state *st, const char *label)
{
	size_t i;

	for (i = 0; i < st->recs.n; i++) {
		struct sl_rec *r = st->recs.v[i];

		if (r->name && !strcmp(r->name, label))
			return r;
	}
	return NULL;
}

/* menu.c32, vesamenu.c32, gfxboot.c32: what an old-style DEFAULT uses as UI. */
static bool is_menu_module(const char *word)
{
	const char *b = base_name(word);

	return !strcasecmp(b, "menu.c32") || !strcasecmp(b, "vesamenu.c32") ||
	       !strcasecmp(b, "gfxboot.c32");
}

/*
 * The entry a DEFAULT or ONTIMEOUT command boots, adding one for a command
 * line that names no label; NULL when it boots none.
 */
static struct kb_entry *command_entry(struct sl_state *st, const struct sl_cmd *c, const char *what,
				      bool is_default)
{
	struct strbuf sb = STRBUF_INIT;
	const char *opts, *word, *line;
	struct sl_rec *r;
	struct kb_entry *e;

	word = sl_first_word(st, c->cmd, &opts);
	if (!word || !*word)
		return NULL;
	r = find_label(st, word);
	if (r) {
		if (*opts)
			sl_warn_at(
				st, c->file, c->line,
				"%s %s: the options after the label name are ignored, as syslinux does",
				what, word);
		if (is_default && st->has_ui && r->hidden)
			return NULL;
		return r->e;
	}
	if (is_menu_module(word))
		return NULL;
	if (is_default && st->has_ui) {
		sl_warn_at(st, c->file, c->line, "%s %s names no LABEL; the menu ignores it", what,
			   word);
		return NULL;
	}
	if (st->implicit.cmd && !atoi(st->implicit.cmd)) {
		sl_warn_at(
			st, c->file, c->line,
			"%s %s names no LABEL, and with IMPLICIT 0 (%s:%d) syslinux boots labels only: not offered; nothing boots on its own (syslinux stops at its boot: prompt)",
			what, word, st->implicit.file, st->implicit.line);
		st->refused = true;
		return NULL;
	}
	/* A command line: kernel, global APPEND, then its own options. */
	e = kb_entry_new(st->p, c->line);
	if (!e) {
		st->oom = true;
		return NULL;
	}
	e->config.path = c->file;
	e->title = c->cmd;
	sb_adds(&sb, word);
	if (st->append && *st->append && strcmp(st->append, "-"))
		sb_printf(&sb, " %s", st->append);
	if (*opts)
		sb_printf(&sb, " %s", opts);
	/* set_boot() keeps pointers into its arguments: give it arena memory. */
	line = sb_finish(&sb, st->a);
	if (!line) {
		st->oom = true;
		return e;
	}
	set_boot(st, e, line, SL_KERNEL, NULL, NULL);
	return e;
}

void sl_finish(struct sl_state *st)
{
	struct kb_pctx *p = st->p;
	struct kb_entry *def = NULL;
	struct sl_menu *m;
	long t;
	size_t i;

	sl_record(st);
	for (m = st->menu; m && m->parent; m = m->parent)
		sl_warn_at(st, m->file, m->line, "MENU BEGIN without MENU END");

	for (i = 0; i < st->recs.n; i++) {
		struct sl_rec *r = st->recs.v[i];
		const struct ptrv *path;
		size_t j;

		if (!r->menu->parent)
			continue;
		path = menu_path(st, r->menu);
		for (j = 0; j < path->n; j++)
			if (ptrv_push(st->a, &r->e->submenu, path->v[j]))
				st->oom = true;
	}

	if (st->def.cmd && is_menu_module(st->def.cmd))
		st->has_ui = true;
	if (st->ontimeout.cmd)
		def = command_entry(st, &st->ontimeout, "ONTIMEOUT", false);
	if (!def && st->def.cmd)
		def = command_entry(st, &st->def, "DEFAULT", true);
	for (i = 0; !def && i < st->recs.n; i++) {
		struct sl_rec *r = st->recs.v[st->recs.n - 1 - i];

		if (r->menudefault && !r->menu->parent && !r->hidden && r->name)
			def = r->e;
	}
	if (def)
		def->is_default = true;

	t = st->timeout > 0 ? st->timeout : -1;
	if (st->totaltimeout > 0 && (t < 0 || st->totaltimeout < t))
		t = st->totaltimeout;
	if (st->refused)
		p->timeout = KB_TIMEOUT_WAIT; /* what would boot cannot: the prompt waits */
	else if (t > 0)
		p->timeout = (int)((t + 9) / 10);
	else if (st->timeout == 0 || st->totaltimeout == 0 || st->has_ui)
		p->timeout = KB_TIMEOUT_WAIT;
}
