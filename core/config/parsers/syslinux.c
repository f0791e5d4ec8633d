// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syslinux.c - SYSLINUX, EXTLINUX, ISOLINUX and PXELINUX configs, and
 * U-Boot's extlinux.conf (the same format; U-Boot's own keywords too).
 *
 * The reference is syslinux 6.03 itself (com32/elflink/ldlinux/readconfig.c,
 * ldlinux.c, kernel.c), not its imitators:
 *
 *  - Keywords are case-insensitive and must be followed by white space or
 *    the end of the line.  A '#' comment is a whole line; '#' later in a
 *    line is data (syslinux has no trailing comments).  A line ends at LF;
 *    the first CR cuts it (CRLF files).
 *  - LABEL name starts an entry; its kernel is the label name until KERNEL,
 *    LINUX, BOOT, BSS, PXE, FDIMAGE, COMBOOT, COM32, CONFIG or LOCALBOOT says
 *    otherwise.  KERNEL picks the type from the file name like syslinux:
 *    .c32 (COM32), .com/.cbt (COMBOOT), .bs/.bin (boot sector), .bss, .0
 *    (PXE program), .img (floppy image), anything else a Linux kernel; the
 *    match is case-insensitive here (FAT and ISO 9660 names are).  Linux
 *    kernels and mboot.c32's multiboot kernels are bootable; the rest are
 *    listed as unavailable with the reason, as are LOCALBOOT, CONFIG,
 *    `memdisk` (it needs the BIOS) and entries with MENU PASSWD (kboot asks
 *    for no passwords).
 *  - mboot.c32 (KERNEL mboot.c32, or COM32 mboot[.c32]; com32/mboot/mboot.c)
 *    makes a multiboot entry from the words it is given - kernel-line
 *    options, APPEND, " initrd=" INITRD, split at blanks as syslinux splits
 *    a module's arguments (no quoting): "[-solaris] [-aout] kernel args...
 *    [--- module args...]...".  Each group between "---" words is a file
 *    (resolved like a kernel) and its command line, the words after the
 *    file joined by one space: the kernel's is the entry's command line,
 *    each module's its own (mboot.c32 puts the file name first; kboot's
 *    jump lets kexec-tools do that).  No BOOT_IMAGE=; an INITRD is only
 *    words of the last module's command line, as for mboot.c32.  -solaris
 *    and -aout are skipped with an entry warning; an empty group makes the
 *    entry unavailable (mboot.c32 fails on it), a trailing "---" is warned
 *    and ignored.  IPAPPEND strings end the last module's command line.
 *  - The command line is the one syslinux builds: "BOOT_IMAGE=<kernel as
 *    written>", the options after the kernel file name on a KERNEL/LINUX
 *    line, then APPEND, then " initrd=" INITRD.  A label's APPEND replaces
 *    the global one; `APPEND -` (or an empty APPEND) in a label means none.
 *  - initrd= stays in the command line, as syslinux passes it to the kernel;
 *    the files of the FIRST initrd= word (comma-separated) are loaded, as
 *    syslinux's kernel.c does.  Deliberate difference: syslinux finds it with
 *    strstr(), so "rd.initrd=" would match; here it must start a word.
 *    INITRD a,b is the same as " initrd=a,b" added after APPEND, so with
 *    both, the APPEND one wins (an entry warning says so).  An empty name
 *    in the list ("a,,b", "a,") is skipped with a warning, where syslinux
 *    would fail the boot.
 *  - Relative paths - kernels, initrds, INCLUDE files, device trees -
 *    resolve against the working directory, which is the directory of the
 *    top config (syslinux chdirs there; included files do not change it;
 *    U-Boot resolves against the config's directory too).  An absolute path
 *    is from the root of the config's filesystem; `..` never leaves it.
 *    A pxelinux "::/path" is absolute; "host::path" and URLs cannot be
 *    loaded from a disk and make the entry unavailable.
 *  - Default, in this order: ONTIMEOUT (what runs when the countdown ends),
 *    then DEFAULT naming a label, then the last MENU DEFAULT of the top
 *    menu.  DEFAULT menu.c32/vesamenu.c32/gfxboot.c32 is the old way to say
 *    UI.  A DEFAULT/ONTIMEOUT that names no label is a command line: an
 *    entry titled with it is added (kernel, then the global APPEND, then its
 *    options - syslinux's documented order), except that with a UI a
 *    DEFAULT that names no label only earns a warning, as the menu ignores
 *    it.  Options after a label name in DEFAULT are dropped, as syslinux 6
 *    does (warned).  With a UI, a DEFAULT naming a MENU HIDE label is not
 *    the menu's default (syslinux skips hidden ones there).
 *  - IMPLICIT: a flag syslinux reads (with atoi()) when it boots, so the
 *    last IMPLICIT anywhere - before or after DEFAULT, in an INCLUDEd file
 *    - counts; without one it is 1.  IMPLICIT 0 boots labels only: a
 *    DEFAULT or ONTIMEOUT that names no label then makes no entry (a
 *    warning says why), and as syslinux would fail it and stop at its
 *    boot: prompt (or run ONERROR, not followed here), the config waits
 *    for the user; a DEFAULT naming a label is still the one marked.  A
 *    value that is no number is 0, as in syslinux (warned).  kboot has no
 *    boot: prompt, so typed names do not arise.
 *  - TIMEOUT/TOTALTIMEOUT are tenths of a second, rounded up to seconds; the
 *    countdown is the shorter of the non-zero ones.  TIMEOUT 0 waits for
 *    the user; so does a menu (UI) with no TIMEOUT at all, as syslinux's
 *    menu does.  Without a UI and without TIMEOUT the scan's default
 *    applies.
 *  - MENU LABEL gives the title ('^' markers removed; the first marked
 *    character is the hotkey, first come first served within one menu, as
 *    syslinux does); otherwise the LABEL name.  cfg_id is the LABEL name.
 *  - MENU BEGIN [tag] ... MENU END make submenus; an entry's submenu path
 *    holds the names of the enclosing ones: the submenu's MENU LABEL, else
 *    its first MENU TITLE, else the MENU BEGIN tag.  MENU INCLUDE file
 *    [tag] makes a submenu when a tag is given (and closes it at the end of
 *    that file).  A MENU BEGIN with no tag, label or title has the name "".
 *    Nesting deeper than 32 is flattened (warned); an unclosed MENU BEGIN
 *    is warned at the end.
 *  - MENU HIDE entries are listed: syslinux hides them from its menu but
 *    still boots them by name at its prompt, and kboot has no prompt, so
 *    hiding them would make them unreachable.  MENU DISABLE entries are
 *    listed as unavailable (syslinux shows them greyed out).  MENU
 *    SEPARATOR, MENU GOTO/EXIT/QUIT items are not boot entries: skipped.
 *  - INCLUDE / MENU INCLUDE nest at most KB_MAX_INCLUDE_DEPTH deep; a file
 *    including itself (directly or not) is refused with a warning, and at
 *    most 1024 includes are read per config.  A missing include is warned
 *    (syslinux is silent).
 *  - IPAPPEND/SYSAPPEND (global value copied into each later LABEL, or per
 *    label) is reported through kb_syslinux_parse()'s sysappend vector for
 *    the network code; on a disk scan it only earns an entry warning.
 *  - U-Boot: FDT/DEVICETREE set the device tree.  FDTDIR/DEVICETREEDIR name
 *    a directory whose file U-Boot picks from its own environment
 *    ($fdtfile); kboot cannot know it, so no device tree is set (kexec then
 *    keeps the running one).  FDTOVERLAYS/DEVICETREE-OVERLAY are not
 *    applied (entry warning).  KASLRSEED is ignored.
 *
 * Ignored on purpose (they change how syslinux looks, not what it boots):
 * UI, PROMPT (kboot always shows its menu), SAY, DISPLAY, F0-F12, FONT,
 * KBDMAP, SERIAL, CONSOLE, PATH, ALLOWOPTIONS, NOESCAPE,
 * NOCOMPLETE, NOHALT, ONERROR, PXERETRY, SENDCOOKIES, TEXT HELP...ENDTEXT,
 * and every other MENU keyword (COLOR, BACKGROUND, TITLE of the top menu,
 * HIDDEN, SHIFTKEY, SAVE, MASTER PASSWD, INDENT, layout values...).
 * Not supported: the "BOOT_IMAGE=" syslinux puts first on the command line
 * (the kexec layer's decision, as for GRUB); linux.c32 and the other
 * modules but mboot.c32 (listed unavailable); CONFIG (not followed); MENU SAVE's ADV
 * default; U-Boot FIT "#config" kernels and its `zboot`.
 * Unknown keywords earn a warning (syslinux ignores them silently); at most
 * 50 config warnings are given per top config.
 *
 * Speed: one pass over each file's text, copied once into the arena and cut
 * into lines in place (kept values point into it); keyword lookup by table;
 * plain paths joined without kb_path_join().  O(n) in lines and labels.
 *
 * This file reads files, lines and keywords (INCLUDE, MENU ...) and holds
 * the entry points; syslinux-entry.c turns each LABEL into an entry and
 * works out submenus, the default and the timeout (syslinux-private.h is
 * what the two share).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/parsers/syslinux-private.h"

/* ---- Reading lines ---- */

static void parse_file(struct sl_state *st, const char *path, const char *buf, size_t len);

/* INCLUDE / MENU INCLUDE: read another file as if it were here. */
static void include(struct sl_state *st, char *arg, const char *file, int line, bool menu)
{
	const char *name, *path;
	struct sl_menu *outer;
	int i, ret, skipped;
	char *buf, *tag;
	size_t len;

	name = sl_first_word(st, arg, NULL);
	if (!name)
		return;
	tag = sl_skip_space(sl_skip_space(arg) + strlen(name));
	if (!*name) {
		sl_warn_at(st, file, line, "INCLUDE without a file name ignored");
		return;
	}
	path = sl_file(st, name).path;
	if (!path)
		return;
	for (i = 0; i < st->nstack; i++) {
		if (!strcmp(st->stack[i], path)) {
			sl_warn_at(st, file, line,
				   "INCLUDE %s: it is already being read (include loop); ignored",
				   name);
			return;
		}
	}
	if (st->nstack > KB_MAX_INCLUDE_DEPTH) {
		sl_warn_at(st, file, line, "INCLUDE %s: nested more than %d deep; ignored", name,
			   KB_MAX_INCLUDE_DEPTH);
		return;
	}
	if (st->nincludes >= SL_MAX_INCLUDES) {
		sl_warn_at(st, file, line, "INCLUDE %s: more than %d includes; ignored", name,
			   SL_MAX_INCLUDES);
		return;
	}
	st->nincludes++;
	ret = kb_read(st->p, st->p->fs, path, 0, &buf, &len);
	if (ret) {
		if (ret == -ENOMEM)
			st->oom = true;
		sl_warn_at(st, file, line, "INCLUDE %s: %s", name, strerror(-ret));
		return;
	}
	outer = st->menu;
	skipped = st->skipped_depth;
	if (menu && *tag)
		sl_menu_begin(st, tag, file, line);
	parse_file(st, path, buf, len);
	if (menu && *tag) {
		/* The submenu ends here, with whatever the file left open in it. */
		sl_record(st);
		st->menu = outer;
		st->skipped_depth = skipped;
	}
}

/* A global DEFAULT/ONTIMEOUT-style command. */
static void set_cmd(struct sl_cmd *c, const char *v, const char *file, int line)
{
	c->cmd = v;
	c->file = file;
	c->line = line;
}

/* A TIMEOUT/TOTALTIMEOUT value in tenths of a second; old when it is bad. */
static long timeout_value(struct sl_state *st, const char *v, long old, const char *file, int line)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || n < 0) {
		sl_warn_at(st, file, line, "bad timeout \"%s\" ignored", v);
		return old;
	}
	if (errno == ERANGE || n > 864000) /* a day is long enough */
		n = 864000;
	return n;
}

/*
 * Keywords.  syslinux compares a keyword case-insensitively and wants white
 * space or the end of the line after it; a table lookup on the first word
 * does the same in one pass (10,000-label configs stay fast).
 */
enum sl_kw {
	KW_UNKNOWN,
	KW_IGNORED, /* changes nothing kboot shows or boots */
	KW_MENU,
	KW_INCLUDE,
	KW_APPEND,
	KW_INITRD,
	KW_LABEL,
	KW_KIND,
	KW_FDT,
	KW_OVERLAYS,
	KW_TIMEOUT,
	KW_TOTALTIMEOUT,
	KW_ONTIMEOUT,
	KW_DEFAULT,
	KW_IMPLICIT,
	KW_SYSAPPEND,
	KW_UI,
	/* after MENU */
	MKW_LABEL,
	MKW_TITLE,
	MKW_DEFAULT,
	MKW_HIDE,
	MKW_PASSWD,
	MKW_INCLUDE,
	MKW_BEGIN,
	MKW_END,
	MKW_SEPARATOR,
	MKW_DISABLE,
	MKW_NAV,
};

struct sl_keyword {
	const char *name;   /* as warnings spell it */
	unsigned char kw;   /* enum sl_kw */
	unsigned char kind; /* enum sl_kind, for KW_KIND */
};

static const struct sl_keyword sl_keywords[] = {
	/* The frequent ones first. */
	{ "LABEL", KW_LABEL, 0 },
	{ "MENU", KW_MENU, 0 },
	{ "KERNEL", KW_KIND, SL_KERNEL },
	{ "LINUX", KW_KIND, SL_LINUX },
	{ "APPEND", KW_APPEND, 0 },
	{ "INITRD", KW_INITRD, 0 },
	{ "INCLUDE", KW_INCLUDE, 0 },
	{ "BOOT", KW_KIND, SL_BOOT },
	{ "BSS", KW_KIND, SL_BSS },
	{ "PXE", KW_KIND, SL_PXE },
	{ "FDIMAGE", KW_KIND, SL_FDIMAGE },
	{ "COMBOOT", KW_KIND, SL_COMBOOT },
	{ "COM32", KW_KIND, SL_COM32 },
	{ "CONFIG", KW_KIND, SL_CONFIG },
	{ "LOCALBOOT", KW_KIND, SL_LOCALBOOT },
	{ "FDT", KW_FDT, 0 },
	{ "DEVICETREE", KW_FDT, 0 },
	/* U-Boot picks the file in an FDTDIR from its environment: unknowable. */
	{ "FDTDIR", KW_IGNORED, 0 },
	{ "DEVICETREEDIR", KW_IGNORED, 0 },
	{ "FDTOVERLAYS", KW_OVERLAYS, 0 },
	{ "DEVICETREE-OVERLAY", KW_OVERLAYS, 0 },
	{ "TIMEOUT", KW_TIMEOUT, 0 },
	{ "TOTALTIMEOUT", KW_TOTALTIMEOUT, 0 },
	{ "ONTIMEOUT", KW_ONTIMEOUT, 0 },
	{ "DEFAULT", KW_DEFAULT, 0 },
	{ "IPAPPEND", KW_SYSAPPEND, 0 },
	{ "SYSAPPEND", KW_SYSAPPEND, 0 },
	{ "UI", KW_UI, 0 },
	{ "PROMPT", KW_IGNORED, 0 },
	{ "SAY", KW_IGNORED, 0 },
	{ "DISPLAY", KW_IGNORED, 0 },
	{ "FONT", KW_IGNORED, 0 },
	{ "KBDMAP", KW_IGNORED, 0 },
	{ "SERIAL", KW_IGNORED, 0 },
	{ "CONSOLE", KW_IGNORED, 0 },
	{ "PATH", KW_IGNORED, 0 },
	{ "IMPLICIT", KW_IMPLICIT, 0 },
	{ "ALLOWOPTIONS", KW_IGNORED, 0 },
	{ "NOESCAPE", KW_IGNORED, 0 },
	{ "NOCOMPLETE", KW_IGNORED, 0 },
	{ "NOHALT", KW_IGNORED, 0 },
	{ "ONERROR", KW_IGNORED, 0 },
	{ "PXERETRY", KW_IGNORED, 0 },
	{ "SENDCOOKIES", KW_IGNORED, 0 },
	{ "KASLRSEED", KW_IGNORED, 0 },
	{ "NONE", KW_IGNORED, 0 },
	{ NULL, 0, 0 },
};

/* After MENU; anything else there only changes how the menu looks. */
static const struct sl_keyword sl_menu_keywords[] = {
	{ "LABEL", MKW_LABEL, 0 },
	{ "TITLE", MKW_TITLE, 0 },
	{ "DEFAULT", MKW_DEFAULT, 0 },
	{ "HIDE", MKW_HIDE, 0 },
	{ "PASSWD", MKW_PASSWD, 0 },
	{ "INCLUDE", MKW_INCLUDE, 0 },
	{ "BEGIN", MKW_BEGIN, 0 },
	{ "END", MKW_END, 0 },
	{ "SEPARATOR", MKW_SEPARATOR, 0 },
	{ "DISABLE", MKW_DISABLE, 0 },
	{ "DISABLED", MKW_DISABLE, 0 },
	{ "QUIT", MKW_NAV, 0 },
	{ "GOTO", MKW_NAV, 0 },
	{ "EXIT", MKW_NAV, 0 },
	{ NULL, 0, 0 },
};

/*
 * The keyword of table that s starts with, or NULL; *arg is set to the text
 * after it with white space skipped.
 */
static const struct sl_keyword *keyword(const struct sl_keyword *table, char *s, char **arg)
{
	size_t n = 0;

	while (s[n] && !sl_space(s[n]))
		n++;
	if (!n)
		return NULL;
	for (; table->name; table++) {
		/* strncasecmp() first: it stops at the end of a shorter name. */
		if (((table->name[0] ^ s[0]) & ~0x20) || strncasecmp(s, table->name, n) ||
		    table->name[n])
			continue;
		*arg = sl_skip_space(s + n);
		return table;
	}
	return NULL;
}

/* MENU keyword (what follows "MENU" is s). */
static void menu_line(struct sl_state *st, char *s, const char *file, int line)
{
	const struct sl_keyword *k = keyword(sl_menu_keywords, s, &s);
	struct sl_label *ld = &st->ld;
	struct sl_menu *m = st->menu;

	switch (k ? k->kw : KW_UNKNOWN) {
	case MKW_LABEL:
		if (ld->active) {
			ld->menulabel = s;
		} else if (m->parent && !st->skipped_depth) {
			m->label = s;
			sl_take_hotkey(m->parent, s);
		}
		break;
	case MKW_TITLE:
		if (m->parent && !m->title && !st->skipped_depth)
			m->title = s;
		break;
	case MKW_DEFAULT:
		if (ld->active)
			ld->menudefault = true;
		break;
	case MKW_HIDE:
		ld->hide = true;
		break;
	case MKW_PASSWD:
		if (ld->active)
			ld->passwd = true;
		else if (m->parent && !st->skipped_depth)
			m->passwd = true;
		break;
	case MKW_INCLUDE:
		include(st, s, file, line, true);
		break;
	case MKW_BEGIN:
		sl_menu_begin(st, s, file, line);
		break;
	case MKW_END:
		sl_menu_end(st, file, line);
		break;
	case MKW_SEPARATOR:
		sl_record(st);
		break;
	case MKW_DISABLE:
		ld->disabled = true;
		break;
	case MKW_NAV:
		if (ld->active)
			ld->nav = true;
		break;
	default:
		break;
	}
}

/* F1..F12 (and F0 for F10): help screens. */
static bool is_fkey(const char *s)
{
	return (s[0] == 'f' || s[0] == 'F') && isdigit((unsigned char)s[1]) &&
	       (sl_space(s[2]) || (isdigit((unsigned char)s[2]) && sl_space(s[3])));
}

/* One line: leading white space, any CR and trailing white space removed. */
static void parse_line(struct sl_state *st, char *s, const char *file, int line)
{
	const struct sl_keyword *k = keyword(sl_keywords, s, &s);
	struct sl_label *ld = &st->ld;
	size_t n;

	switch (k ? k->kw : KW_UNKNOWN) {
	case KW_IGNORED:
		break;
	case KW_MENU:
		menu_line(st, s, file, line);
		break;
	case KW_INCLUDE:
		include(st, s, file, line, false);
		break;
	case KW_APPEND:
		if (ld->active)
			ld->append = s;
		else
			st->append = s;
		break;
	case KW_INITRD:
		if (ld->active)
			ld->initrd = s;
		else
			sl_warn_at(st, file, line, "INITRD outside a LABEL ignored");
		break;
	case KW_LABEL:
		sl_record(st);
		memset(ld, 0, sizeof(*ld));
		ld->active = true;
		/* Only the first word counts; the line is ours to cut. */
		s[strcspn(s, " \t\v\f")] = '\0';
		ld->name = s;
		ld->cmd = s;
		ld->kind = SL_KERNEL;
		ld->file = file;
		ld->line = line;
		ld->sysappend = st->sysappend;
		if (!*s)
			sl_warn_at(st, file, line, "LABEL without a name");
		break;
	case KW_KIND:
		if (ld->active) {
			ld->cmd = s;
			ld->kind = k->kind;
		} else {
			sl_warn_at(st, file, line, "%s outside a LABEL ignored", k->name);
		}
		break;
	case KW_FDT:
		if (ld->active) {
			s[strcspn(s, " \t\v\f")] = '\0';
			ld->fdt = s;
		}
		break;
	case KW_OVERLAYS:
		ld->overlays = ld->active;
		break;
	case KW_TIMEOUT:
		st->timeout = timeout_value(st, s, st->timeout, file, line);
		break;
	case KW_TOTALTIMEOUT:
		st->totaltimeout = timeout_value(st, s, st->totaltimeout, file, line);
		break;
	case KW_ONTIMEOUT:
		set_cmd(&st->ontimeout, s, file, line);
		break;
	case KW_DEFAULT:
		set_cmd(&st->def, s, file, line);
		break;
	case KW_IMPLICIT:
		/* A flag syslinux reads with atoi() when it boots: the last one counts. */
		set_cmd(&st->implicit, s, file, line);
		if (!*s)
			sl_warn_at(st, file, line,
				   "IMPLICIT without a value: syslinux reads it as 0");
		else if (!isdigit((unsigned char)s[(*s == '-' || *s == '+') ? 1 : 0]))
			sl_warn_at(st, file, line,
				   "IMPLICIT \"%.40s\" is no number: syslinux reads it as 0", s);
		break;
	case KW_SYSAPPEND:
		if (ld->active)
			ld->sysappend = strtoul(s, NULL, 0);
		else
			st->sysappend = strtoul(s, NULL, 0);
		break;
	case KW_UI:
		st->has_ui = true;
		break;
	default:
		if (is_fkey(s))
			break;
		for (n = 0; n < 40 && s[n] && !sl_space(s[n]); n++)
			;
		sl_warn_at(st, file, line, "unknown keyword \"%.*s\" ignored", (int)n, s);
		break;
	}
}

/*
 * Read one file.  Its text is copied once into the arena and cut into lines
 * in place, so the values kept (APPEND, MENU LABEL...) point into it.
 */
static void parse_file(struct sl_state *st, const char *path, const char *buf, size_t len)
{
	char *text = arena_memdup(st->a, buf, len + 1);
	char *pos = text, *end;
	/* Whole-file checks first: most files have neither NULs nor CRs. */
	bool has_nul = memchr(buf, '\0', len), has_cr = memchr(buf, '\r', len);
	bool binary_warned = false;
	int text_line = 0; /* line of an open TEXT block, 0 when none */
	int line = 0;

	if (!text) {
		st->oom = true;
		return;
	}
	end = text + len;
	end[0] = '\0';
	st->stack[st->nstack++] = path;
	while (pos < end && !st->oom) {
		char *nl = memchr(pos, '\n', (size_t)(end - pos));
		char *stop = nl ? nl : end;
		char *cr, *s;

		line++;
		s = pos;
		pos = stop + (nl ? 1 : 0);
		if (has_nul && memchr(s, '\0', (size_t)(stop - s))) {
			if (!binary_warned)
				sl_warn_at(st, path, line, "binary data; such lines are skipped");
			binary_warned = true;
			continue;
		}
		/* syslinux cuts a line at its first CR. */
		cr = has_cr ? memchr(s, '\r', (size_t)(stop - s)) : NULL;
		if (cr)
			stop = cr;
		*stop = '\0';
		while (stop > s && sl_space(stop[-1]))
			*--stop = '\0';
		s = sl_skip_space(s);
		if (text_line) {
			if (!strncasecmp(s, "endtext", 7) && sl_space(s[7]))
				text_line = 0;
			continue;
		}
		if (!*s || *s == '#')
			continue;
		if (!strncasecmp(s, "text", 4) && sl_space(s[4])) {
			text_line = line;
			continue;
		}
		parse_line(st, s, path, line);
	}
	if (text_line)
		sl_warn_at(st, path, text_line,
			   "TEXT without ENDTEXT; the rest of the file was skipped");
	st->nstack--;
}

/* ---- Entry points ---- */

int kb_syslinux_parse(struct kb_pctx *p, const char *buf, size_t len,
		      const struct kb_syslinux_opts *opts)
{
	struct sl_state st = {
		.p = p,
		.a = p->arena,
		.opts = opts,
		.timeout = -1,
		.totaltimeout = -1,
	};

	st.menu = &st.top;
	st.basedir = opts && opts->basedir ? opts->basedir : kb_path_dir(p->arena, p->path);
	if (!st.basedir)
		return -ENOMEM;
	parse_file(&st, p->path, buf, len);
	sl_finish(&st);
	return st.oom ? -ENOMEM : 0;
}

static int syslinux_parse(struct kb_pctx *p, const char *buf, size_t len)
{
	return kb_syslinux_parse(p, buf, len, NULL);
}

/*
 * Append the IPAPPEND strings a pxelinux entry asked for to its command
 * line; for mboot.c32 they are its last words: the last module's.
 */
static int add_sysappend(struct kb_pctx *p, const struct ptrv *sa)
{
	size_t i, b;

	for (i = 0; i < sa->n; i++) {
		const struct kb_syslinux_sysappend *x = sa->v[i];
		struct kb_entry *e = x->entry;
		const char **line = &e->cmdline;

		if (e->type == KB_MULTIBOOT && e->initrds.n) {
			while (e->modargs.n < e->initrds.n)
				if (ptrv_push(p->arena, &e->modargs, (void *)""))
					return -ENOMEM;
			line = (const char **)&e->modargs.v[e->modargs.n - 1];
		}
		for (b = 0; b < 2; b++) {
			if (!(x->mask & (1ul << b)) || !p->fs->ipappend[b])
				continue;
			*line = arena_printf(p->arena, "%s%s%s", *line, **line ? " " : "",
					     p->fs->ipappend[b]);
			if (!*line)
				return -ENOMEM;
		}
	}
	return 0;
}

/*
 * A config pxelinux fetched: paths relative to the directory pxelinux.0
 * came from (p->fs->basedir), and the lease's IPAPPEND strings added.
 */
static int syslinux_parse_fetched(struct kb_pctx *p, char *buf, size_t len)
{
	struct ptrv sysappend = { 0 };
	struct kb_syslinux_opts so = { .basedir = p->fs->basedir, .sysappend = &sysappend };
	int ret = kb_syslinux_parse(p, buf, len, &so);

	return ret ? ret : add_sysappend(p, &sysappend);
}

/*
 * Where the family looks (syslinux core/fs/lib/loadconfig.c, iso9660.c):
 * EXTLINUX/SYSLINUX try their install directory, then /boot/syslinux,
 * /syslinux and /, for extlinux.conf then syslinux.cfg; ISOLINUX tries
 * /boot/isolinux, /isolinux, then the same, for isolinux.cfg then
 * syslinux.cfg; syslinux.efi its own EFI directory; U-Boot
 * /extlinux/extlinux.conf and /boot/extlinux/extlinux.conf.  Alpine puts
 * /boot/extlinux.conf next to an EXTLINUX installed in /boot.
 */
static const char *const syslinux_paths[] = {
	"/boot/extlinux/extlinux.conf",
	"/boot/extlinux.conf",
	"/extlinux/extlinux.conf",
	"/extlinux.conf",
	"/boot/syslinux/extlinux.conf",
	"/boot/syslinux/syslinux.cfg",
	"/syslinux/extlinux.conf",
	"/syslinux/syslinux.cfg",
	"/syslinux.cfg",
	"/boot/isolinux/isolinux.cfg",
	"/isolinux/isolinux.cfg",
	"/isolinux.cfg",
	"/EFI/*/syslinux.cfg",
	NULL,
};

const struct kb_parser kb_parser_syslinux = {
	.name = "syslinux",
	.paths = syslinux_paths,
	.parse = syslinux_parse,
	.parse_fetched = syslinux_parse_fetched,
};
