// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse-syslinux.c - SYSLINUX, EXTLINUX, ISOLINUX and PXELINUX configs, and
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
 *    match is case-insensitive here (FAT and ISO 9660 names are).  Only
 *    Linux kernels are bootable; the rest are listed as unavailable with the
 *    reason, as are LOCALBOOT, CONFIG, `memdisk` (it needs the BIOS) and
 *    entries with MENU PASSWD (kboot asks for no passwords).
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
 * KBDMAP, SERIAL, CONSOLE, PATH, IMPLICIT, ALLOWOPTIONS, NOESCAPE,
 * NOCOMPLETE, NOHALT, ONERROR, PXERETRY, SENDCOOKIES, TEXT HELP...ENDTEXT,
 * and every other MENU keyword (COLOR, BACKGROUND, TITLE of the top menu,
 * HIDDEN, SHIFTKEY, SAVE, MASTER PASSWD, INDENT, layout values...).
 * Not supported: the "BOOT_IMAGE=" syslinux puts first on the command line
 * (the kexec layer's decision, as for GRUB); linux.c32/mboot.c32 and other
 * modules (listed unavailable); CONFIG (not followed); MENU SAVE's ADV
 * default; U-Boot FIT "#config" kernels and its `zboot`.
 * Unknown keywords earn a warning (syslinux ignores them silently); at most
 * 50 config warnings are given per top config.
 *
 * Speed: one pass over each file's text, copied once into the arena and cut
 * into lines in place (kept values point into it); keyword lookup by table;
 * plain paths joined without kb_path_join().  O(n) in lines and labels.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser.h"
#include "syslinux.h"

#define SL_MAX_MENU_DEPTH 32   /* deeper MENU BEGINs are flattened */
#define SL_MAX_INCLUDES	  1024 /* include files read per top config */
#define SL_MAX_WARNINGS	  50   /* config warnings per top config */

/* ---- State ---- */

/* What a LABEL's KERNEL-family keyword says it is. */
enum sl_kind {
	SL_KERNEL,    /* KERNEL: decided by the file name */
	SL_LINUX,     /* LINUX: a Linux kernel whatever its name */
	SL_BOOT,      /* a boot sector */
	SL_BSS,	      /* a boot sector, keeping the superblock */
	SL_PXE,	      /* a PXE network boot program */
	SL_FDIMAGE,   /* a floppy image */
	SL_COMBOOT,   /* a COMBOOT module */
	SL_COM32,     /* a COM32 module */
	SL_CONFIG,    /* another syslinux config */
	SL_LOCALBOOT, /* the next firmware boot device */
};

/* One menu: the top one or a MENU BEGIN block. */
struct sl_menu {
	struct sl_menu *parent; /* NULL for the top menu */
	char *tag;		/* MENU BEGIN's argument (in a file's text) */
	char *label;		/* its MENU LABEL (given before any LABEL inside) */
	char *title;		/* its first MENU TITLE */
	const char *file;	/* where MENU BEGIN was, for the unclosed warning */
	int line;
	int depth;		   /* 0 for the top menu */
	bool passwd;		   /* MENU PASSWD on the submenu itself */
	unsigned char hotkeys[16]; /* ASCII hotkeys taken in this menu, a bit each */
	struct ptrv path;	   /* names outermost first, filled at the end */
	bool path_done;		   /* path is filled */
};

/* The LABEL being read (syslinux's struct labeldata). */
struct sl_label {
	bool active;		 /* a LABEL is open */
	const char *name;	 /* the LABEL word: cfg_id, and the default kernel */
	const char *file;	 /* config file with the LABEL line */
	int line;		 /* its line */
	const char *cmd;	 /* kernel file and options (KERNEL-family argument) */
	enum sl_kind kind;	 /* which keyword gave cmd */
	const char *append;	 /* the label's APPEND; NULL: the global one */
	const char *initrd;	 /* INITRD argument; NULL when none */
	char *menulabel;	 /* MENU LABEL, raw (with '^'), in a file's text */
	const char *fdt;	 /* FDT/DEVICETREE file; NULL when none */
	bool overlays;		 /* FDTOVERLAYS given */
	unsigned long sysappend; /* IPAPPEND/SYSAPPEND mask */
	bool hide;		 /* MENU HIDE */
	bool menudefault;	 /* MENU DEFAULT */
	bool disabled;		 /* MENU DISABLE */
	bool passwd;		 /* MENU PASSWD */
	bool nav;		 /* MENU GOTO/EXIT/QUIT: not a boot entry */
};

/* A recorded entry, kept for DEFAULT/ONTIMEOUT look-ups and submenu paths. */
struct sl_rec {
	const char *name;     /* LABEL name; NULL when it cannot be named (disabled) */
	struct kb_entry *e;   /* the entry */
	struct sl_menu *menu; /* the menu holding it */
	bool hidden;	      /* MENU HIDE */
	bool menudefault;     /* MENU DEFAULT */
};

/* A global command (DEFAULT, ONTIMEOUT) and where it was written. */
struct sl_cmd {
	const char *cmd; /* NULL when not given */
	const char *file;
	int line;
};

struct sl_state {
	struct kb_pctx *p;
	struct arena *a;
	const struct kb_syslinux_opts *opts;
	const char *basedir;	 /* relative paths resolve here */
	struct sl_label ld;	 /* the open LABEL */
	const char *append;	 /* global APPEND; NULL when none */
	unsigned long sysappend; /* global IPAPPEND, copied into each LABEL */
	struct sl_menu top;	 /* the top menu */
	struct sl_menu *menu;	 /* the menu being read */
	int skipped_depth;	 /* MENU BEGINs past SL_MAX_MENU_DEPTH still open */
	struct ptrv recs;	 /* struct sl_rec *, in menu order */
	struct sl_cmd def;	 /* DEFAULT */
	struct sl_cmd ontimeout; /* ONTIMEOUT */
	bool has_ui;		 /* UI given (a menu module shows the entries) */
	long timeout;		 /* TIMEOUT in tenths; -1 when not given */
	long totaltimeout;	 /* TOTALTIMEOUT in tenths; -1 when not given */
	const char *stack[KB_MAX_INCLUDE_DEPTH + 1]; /* files being read, top first */
	int nstack;
	int nincludes; /* include files read so far */
	int nwarn;     /* config warnings given so far */
	bool oom;      /* an allocation failed */
};

/* ---- Small helpers ---- */

/* syslinux's my_isspace(): every control character and the space. */
static bool sl_space(char c)
{
	return (unsigned char)c <= ' ';
}

static char *skip_space(const char *s)
{
	while (*s && sl_space(*s))
		s++;
	return (char *)s;
}

/* The first word of s as an arena string ("" when none). */
static char *first_word(struct sl_state *st, const char *s, const char **rest)
{
	const char *end;
	char *w;

	s = skip_space(s);
	for (end = s; *end && !sl_space(*end); end++)
		;
	w = arena_strndup(st->a, s, (size_t)(end - s));
	if (!w)
		st->oom = true;
	if (rest)
		*rest = skip_space(end);
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
static char take_hotkey(struct sl_menu *m, const char *label)
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
static void __attribute__((format(printf, 4, 5)))
warn_at(struct sl_state *st, const char *file, int line, const char *fmt, ...)
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
static struct kb_file sl_file(struct sl_state *st, const char *path)
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
	const char *opts, *kernel;

	if (!cmd)
		cmd = "";
	if (cmd[strcspn(cmd, " \t\v\f")]) {
		kernel = first_word(st, cmd, &opts);
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
static void record(struct sl_state *st)
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
			e->hotkey = take_hotkey(st->menu, ld->menulabel);
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

static void menu_begin(struct sl_state *st, char *tag, const char *file, int line)
{
	struct sl_menu *m;

	record(st);
	if (st->skipped_depth || st->menu->depth >= SL_MAX_MENU_DEPTH) {
		if (!st->skipped_depth++)
			warn_at(st, file, line, "submenus nested deeper than %d are flattened",
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

static void menu_end(struct sl_state *st, const char *file, int line)
{
	record(st);
	if (st->skipped_depth)
		st->skipped_depth--;
	else if (st->menu->parent)
		st->menu = st->menu->parent;
	else
		warn_at(st, file, line, "MENU END without MENU BEGIN ignored");
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

	name = first_word(st, arg, NULL);
	if (!name)
		return;
	tag = skip_space(skip_space(arg) + strlen(name));
	if (!*name) {
		warn_at(st, file, line, "INCLUDE without a file name ignored");
		return;
	}
	path = sl_file(st, name).path;
	if (!path)
		return;
	for (i = 0; i < st->nstack; i++) {
		if (!strcmp(st->stack[i], path)) {
			warn_at(st, file, line,
				"INCLUDE %s: it is already being read (include loop); ignored",
				name);
			return;
		}
	}
	if (st->nstack > KB_MAX_INCLUDE_DEPTH) {
		warn_at(st, file, line, "INCLUDE %s: nested more than %d deep; ignored", name,
			KB_MAX_INCLUDE_DEPTH);
		return;
	}
	if (st->nincludes >= SL_MAX_INCLUDES) {
		warn_at(st, file, line, "INCLUDE %s: more than %d includes; ignored", name,
			SL_MAX_INCLUDES);
		return;
	}
	st->nincludes++;
	ret = kb_read(st->p, st->p->fs, path, 0, &buf, &len);
	if (ret) {
		if (ret == -ENOMEM)
			st->oom = true;
		warn_at(st, file, line, "INCLUDE %s: %s", name, strerror(-ret));
		return;
	}
	outer = st->menu;
	skipped = st->skipped_depth;
	if (menu && *tag)
		menu_begin(st, tag, file, line);
	parse_file(st, path, buf, len);
	if (menu && *tag) {
		/* The submenu ends here, with whatever the file left open in it. */
		record(st);
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
		warn_at(st, file, line, "bad timeout \"%s\" ignored", v);
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
	{ "IMPLICIT", KW_IGNORED, 0 },
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
		*arg = skip_space(s + n);
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
			take_hotkey(m->parent, s);
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
		menu_begin(st, s, file, line);
		break;
	case MKW_END:
		menu_end(st, file, line);
		break;
	case MKW_SEPARATOR:
		record(st);
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
			warn_at(st, file, line, "INITRD outside a LABEL ignored");
		break;
	case KW_LABEL:
		record(st);
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
			warn_at(st, file, line, "LABEL without a name");
		break;
	case KW_KIND:
		if (ld->active) {
			ld->cmd = s;
			ld->kind = k->kind;
		} else {
			warn_at(st, file, line, "%s outside a LABEL ignored", k->name);
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
		warn_at(st, file, line, "unknown keyword \"%.*s\" ignored", (int)n, s);
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
	char *pos = text, *end = text + len;
	/* Whole-file checks first: most files have neither NULs nor CRs. */
	bool has_nul = memchr(buf, '\0', len), has_cr = memchr(buf, '\r', len);
	bool binary_warned = false;
	int text_line = 0; /* line of an open TEXT block, 0 when none */
	int line = 0;

	if (!text) {
		st->oom = true;
		return;
	}
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
				warn_at(st, path, line, "binary data; such lines are skipped");
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
		s = skip_space(s);
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
		warn_at(st, path, text_line,
			"TEXT without ENDTEXT; the rest of the file was skipped");
	st->nstack--;
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

	word = first_word(st, c->cmd, &opts);
	if (!word || !*word)
		return NULL;
	r = find_label(st, word);
	if (r) {
		if (*opts)
			warn_at(st, c->file, c->line,
				"%s %s: the options after the label name are ignored, as syslinux does",
				what, word);
		if (is_default && st->has_ui && r->hidden)
			return NULL;
		return r->e;
	}
	if (is_menu_module(word))
		return NULL;
	if (is_default && st->has_ui) {
		warn_at(st, c->file, c->line, "%s %s names no LABEL; the menu ignores it", what,
			word);
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

static void finish(struct sl_state *st)
{
	struct kb_pctx *p = st->p;
	struct kb_entry *def = NULL;
	struct sl_menu *m;
	long t;
	size_t i;

	record(st);
	for (m = st->menu; m && m->parent; m = m->parent)
		warn_at(st, m->file, m->line, "MENU BEGIN without MENU END");

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
	if (t > 0)
		p->timeout = (int)((t + 9) / 10);
	else if (st->timeout == 0 || st->totaltimeout == 0 || st->has_ui)
		p->timeout = KB_TIMEOUT_WAIT;
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
	finish(&st);
	return st.oom ? -ENOMEM : 0;
}

static int syslinux_parse(struct kb_pctx *p, const char *buf, size_t len)
{
	return kb_syslinux_parse(p, buf, len, NULL);
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
};
