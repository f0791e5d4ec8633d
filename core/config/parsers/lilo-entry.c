// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lilo-entry.c - what the lilo.conf parser makes of a finished image= or
 * other= section: the entry with its label, hotkey, kernel and initrd
 * (through the fstab view of the system holding lilo.conf), the command
 * line as lilo builds it (root=, ro/rw, ramdisk=, append, addappend,
 * literal=), whether default= names it; and the timeout from prompt,
 * timeout=, delay= and serial=.
 *
 * The rules followed - and what is not supported - are in lilo.c's
 * header.  Not here: reading items and sections (lilo.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/parsers/lilo-private.h"

/* ---- Settings ---- */

/* The image's value, else the global one. */
static const char *get2(const struct lilo *l, const struct section *s, enum key_id id)
{
	if (lilo_is_set(s, id))
		return s->set[id].value;
	if (lilo_is_set(&l->global, id))
		return l->global.set[id].value;
	return NULL;
}

static bool flag2(const struct lilo *l, const struct section *s, enum key_id id)
{
	return lilo_is_set(s, id) || lilo_is_set(&l->global, id);
}

/* lilo's timer_number(): tenths, or a t/s/m/h suffix; -1 when invalid. */
static long timer_tenths(const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 0);
	if (errno || end == v)
		return -1;
	switch (*end) {
	case '\0':
	case 't':
	case 'T':
		break;
	case 's':
	case 'S':
		n *= 10;
		break;
	case 'm':
	case 'M':
		n *= 600;
		break;
	case 'h':
	case 'H':
		n *= 36000;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (n < 0 || n > 36000)
		return -1;
	return n;
}

/* The filesystem holding lilo.conf, as a root= the kernel will find. */
static const char *root_current(struct kb_pctx *p, struct kb_entry *e, bool initrd)
{
	const struct kb_fs *fs = p->fs;
	bool dev = fs->dev && !strncmp(fs->dev, "/dev/", 5);

	if (initrd && fs->uuid)
		return arena_printf(p->arena, "UUID=%s", fs->uuid);
	if (fs->partuuid)
		return arena_printf(p->arena, "PARTUUID=%s", fs->partuuid);
	if (dev)
		return fs->dev;
	if (fs->uuid)
		return arena_printf(p->arena, "UUID=%s", fs->uuid);
	if (fs->label)
		return arena_printf(p->arena, "LABEL=%s", fs->label);
	kb_entry_warn(p, e,
		      "root=current: %s has no UUID, PARTUUID, label or device name; "
		      "no root= passed",
		      fs->name);
	return NULL;
}

static const char *root_arg(struct kb_pctx *p, struct kb_entry *e, const char *root, int line,
			    bool initrd)
{
	if (!strcasecmp(root, "current"))
		return root_current(p, e, initrd);
	if (isdigit((unsigned char)root[0])) {
		char *end;
		long n = strtol(root, &end, 0);

		if (*end == '\0' && n >= 0)
			return arena_printf(p->arena, "%lx", n);
	}
	if (root[0] != '/' && !strchr(root, '='))
		kb_warn(p, line, "root=%s: not a device, UUID= or LABEL=; passed as written", root);
	return root;
}

/* Append s to sb as blank-separated words, collapsing runs of blanks. */
static void add_words(struct strbuf *sb, const char *s)
{
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (sb->len)
			sb_addc(sb, ' ');
		while (*s && *s != ' ' && *s != '\t')
			sb_addc(sb, *s++);
	}
}

static const char *build_cmdline(struct lilo *l, const struct section *s, struct kb_entry *e,
				 const char *label, bool initrd)
{
	struct kb_pctx *p = l->p;
	struct strbuf sb = STRBUF_INIT;
	const char *v;

	sb_printf(&sb, "BOOT_IMAGE=%s", label);
	if (lilo_is_set(s, K_LITERAL)) {
		add_words(&sb, s->set[K_LITERAL].value);
		return sb_finish(&sb, p->arena);
	}
	if (flag2(l, s, K_READ_ONLY))
		add_words(&sb, "ro");
	if (flag2(l, s, K_READ_WRITE))
		add_words(&sb, "rw");
	v = get2(l, s, K_ROOT);
	if (v) {
		int line =
			lilo_is_set(s, K_ROOT) ? s->set[K_ROOT].line : l->global.set[K_ROOT].line;
		const char *r = root_arg(p, e, v, line, initrd);

		if (r)
			sb_printf(&sb, " root=%s", r);
	}
	v = get2(l, s, K_RAMDISK);
	if (v) {
		char *end;
		long n = strtol(v, &end, 0);

		if (*v && !*end && n >= 0)
			sb_printf(&sb, " ramdisk=%ld", n);
		else
			kb_warn(p,
				lilo_is_set(s, K_RAMDISK) ? s->set[K_RAMDISK].line
							  : l->global.set[K_RAMDISK].line,
				"ramdisk=%s: not a number; ignored", v);
	}
	v = get2(l, s, K_APPEND);
	if (v)
		add_words(&sb, v);
	if (lilo_is_set(s, K_ADDAPPEND))
		add_words(&sb, s->set[K_ADDAPPEND].value);
	return sb_finish(&sb, p->arena);
}

/* lilo's label rule: the label with blanks as '_', else the image's basename. */
static const char *section_label(struct lilo *l, const struct section *s)
{
	const char *label = lilo_is_set(s, K_LABEL) ? s->set[K_LABEL].value : NULL;
	char *copy, *c;

	if (!label) {
		const char *slash = strrchr(s->path, '/');

		return slash ? slash + 1 : s->path;
	}
	copy = arena_strdup(l->p->arena, label);
	if (!copy)
		return label;
	for (c = copy; *c; c++)
		if (*c == ' ')
			*c = '_';
	return copy;
}

static void note_default(struct lilo *l, const struct section *s, struct kb_entry *e,
			 const char *label)
{
	const char *dflt =
		lilo_is_set(&l->global, K_DEFAULT) ? l->global.set[K_DEFAULT].value : NULL;
	const char *alias = lilo_is_set(s, K_ALIAS) ? s->set[K_ALIAS].value : NULL;
	const char *raw = lilo_is_set(s, K_LABEL) ? s->set[K_LABEL].value : NULL;

	if (!l->first)
		l->first = e;
	if (!dflt || l->dflt)
		return;
	if (!strcasecmp(dflt, label) || (raw && !strcasecmp(dflt, raw)) ||
	    (alias && !strcasecmp(dflt, alias)))
		l->dflt = e;
}

static void check_label(struct lilo *l, const struct section *s, const char *label)
{
	size_t i;

	for (i = 0; i < l->labels.n; i++) {
		if (!strcasecmp(strv_get(&l->labels, i), label)) {
			kb_warn(l->p, s->line, "duplicate label \"%s\"", label);
			return;
		}
	}
	ptrv_push(l->p->arena, &l->labels, (void *)label);
}

static char hotkey_of(const struct lilo *l, const struct section *s, const char *label)
{
	const char *alias = lilo_is_set(s, K_ALIAS) ? s->set[K_ALIAS].value : NULL;

	if (alias && alias[0] && !alias[1])
		return alias[0];
	if (flag2(l, s, K_SINGLE_KEY) && label[0] && !label[1])
		return label[0];
	return '\0';
}

static void vga_note(struct lilo *l, const struct section *s, struct kb_entry *e)
{
	const char *vga = get2(l, s, K_VGA);

	if (!vga || !strcasecmp(vga, "normal") || !strcasecmp(vga, "ext") ||
	    !strcasecmp(vga, "extended"))
		return;
	kb_entry_warn(l->p, e,
		      "vga=%s is not applied: after kexec the kernel keeps the "
		      "current video mode",
		      vga);
}

static void finish_image(struct lilo *l, const struct section *s)
{
	struct kb_pctx *p = l->p;
	const char *label = section_label(l, s);
	const char *initrd = get2(l, s, K_INITRD);
	struct kb_file kernel, rd = { NULL, NULL };
	struct kb_entry *e;

	kernel = kb_view_resolve(p, p->fs, s->path);
	if (initrd)
		rd = kb_view_resolve(p, p->fs, initrd);
	if (flag2(l, s, K_OPTIONAL) && !lilo_is_set(s, K_RANGE) &&
	    (!kb_exists(kernel.fs, kernel.path) || (initrd && !kb_exists(rd.fs, rd.path))))
		return; /* lilo skips it: "Skipping /boot/vmlinuz.old" */

	e = kb_entry_new(p, s->line);
	if (!e)
		return;
	check_label(l, s, label);
	e->title = label;
	e->cfg_id = label;
	e->hotkey = hotkey_of(l, s, label);
	e->kernel = kernel;
	if (initrd)
		kb_entry_add_initrd(p, e, rd);
	e->cmdline = build_cmdline(l, s, e, label, initrd != NULL);
	if (!e->cmdline)
		e->cmdline = "";
	if (lilo_is_set(s, K_RANGE))
		kb_entry_unavailable(p, e,
				     "the kernel is sectors %s of %s, not a file; kboot "
				     "cannot load it",
				     s->set[K_RANGE].value, s->path);
	vga_note(l, s, e);
	if (lilo_is_set(s, K_PASSWORD) || lilo_is_set(&l->global, K_PASSWORD))
		kb_entry_warn(p, e, "lilo asks for a password before booting this; kboot does not");
	note_default(l, s, e, label);
}

static void finish_other(struct lilo *l, const struct section *s)
{
	struct kb_pctx *p = l->p;
	const char *label = section_label(l, s);
	struct kb_entry *e = kb_entry_new(p, s->line);

	if (!e)
		return;
	check_label(l, s, label);
	e->title = label;
	e->cfg_id = label;
	e->hotkey = hotkey_of(l, s, label);
	kb_entry_unavailable(p, e,
			     "other=%s chain-loads another boot loader, which kexec "
			     "cannot do",
			     s->path);
	note_default(l, s, e, label);
}

void lilo_finish_section(struct lilo *l, struct section *s)
{
	if (s->scope == SC_IMAGE)
		finish_image(l, s);
	else if (s->scope == SC_OTHER)
		finish_other(l, s);
}

void lilo_set_timeout(struct lilo *l)
{
	const struct section *g = &l->global;
	struct kb_pctx *p = l->p;
	long t;

	if (lilo_is_set(g, K_PROMPT)) {
		if (!lilo_is_set(g, K_TIMEOUT)) {
			p->timeout = lilo_is_set(g, K_UNATTENDED) ? 20 : KB_TIMEOUT_WAIT;
			return;
		}
		t = timer_tenths(g->set[K_TIMEOUT].value);
		if (t < 0) {
			kb_warn(p, g->set[K_TIMEOUT].line, "timeout=%s: not a valid time; ignored",
				g->set[K_TIMEOUT].value);
			p->timeout = KB_TIMEOUT_WAIT;
			return;
		}
		p->timeout = (int)((t + 9) / 10);
		return;
	}
	t = 0;
	if (lilo_is_set(g, K_DELAY)) {
		t = timer_tenths(g->set[K_DELAY].value);
		if (t < 0) {
			kb_warn(p, g->set[K_DELAY].line, "delay=%s: not a valid time; ignored",
				g->set[K_DELAY].value);
			t = 0;
		}
	}
	if (lilo_is_set(g, K_SERIAL) && t < 20)
		t = 20;
	p->timeout = (int)((t + 9) / 10);
}
