// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parser.c - GRUB 2's grub.cfg, read by running it as GRUB would.
 *
 * grub.cfg is a program, not a list: grub-mkconfig output picks the root
 * with `search`, reads saved_entry from grubenv, defines functions, wraps
 * entries in `if`s and submenus.  So kboot interprets the script (the
 * files of this folder, listed in grub.h) and then, like GRUB when an entry
 * is chosen, runs each entry's body to see what it loads.  This file builds
 * the menu and holds the parser descriptor; this header is the list of what
 * the whole GRUB parser supports.
 *
 * Supported (as GRUB 2.06 does it):
 *   - two GRUBs: upstream's, and Red Hat's (RHEL 7-9, CentOS, Fedora and
 *     their rebuilds), which keeps an unquoted \xHH where upstream drops
 *     the backslash (\x20 is "x20"; every other \c is c in both) and
 *     passes it to the kernel as written.  Which one reads a config is the
 *     system's: its os-release, else an EFI/{redhat,centos,fedora,rocky,
 *     almalinux} directory, else Red Hat-only commands (flavour.c);
 *   - the script language: quoting, $x ${x} $1.. $# $@ $* $?, set / unset /
 *     export / name=value, if/elif/else/fi, for, while, until, functions
 *     with positional parameters, shift, setparams, return, break, continue,
 *     eval, `!`, test / [ (strings, -eq.. numbers, -z -n, -e -f -d -s on the
 *     real files);
 *   - menuentry and submenu (title, --id, --hotkey; extra arguments are the
 *     entry's $2...).  An entry's body runs after the whole file, in the
 *     variables the file left (as GRUB runs it when chosen), each entry in
 *     its own throw-away overlay; a submenu runs in a new context holding the
 *     exported variables (GRUB's grub_env_context_open);
 *   - linux/linux16/linuxefi, initrd/initrd16/initrdefi (several files, in
 *     order), devicetree, multiboot/multiboot2 (--quirk-* options skipped)
 *     with module/module2 (modules become the initrds, each with its own
 *     command line; --nounzip skipped), chainloader (listed, unavailable);
 *   - the command line as GRUB builds it: "BOOT_IMAGE=" + the kernel path as
 *     written, then the arguments (quoted as grub_create_loader_cmdline()
 *     does); multiboot: the arguments after the kernel's file, and each
 *     module's: the arguments after its file, quoted the same way (GRUB
 *     2.04 and later; 2.02 joined them unquoted), no file name first;
 *   - options of search, probe, load_env, menuentry and submenu read as
 *     GRUB's grub-core/lib/arg.c reads them (g_getopt() in getopt.c): a
 *     value is "=VALUE" or the next word (search --set root, -s root),
 *     short options group (-fs), "--" ends them; an unknown option fails
 *     the command, except for search and menuentry, which take it as an
 *     argument (a menuentry's title can start with "--");
 *   - search (--fs-uuid/-u, --label/-l, --file/-f; label beats UUID beats
 *     file; none of them fails, "unspecified search type"; --set[=VAR],
 *     VAR root when left out; "search -f -s /x" searches /x for root as
 *     GRUB does; --hint and this platform's --hint-bios or --hint-efi and
 *     --hint-baremetal tried first; --no-floppy, --efidisk-only,
 *     --root-dev-only ignored), search.fs_uuid, search.fs_label,
 *     search.file and the old search_fs_uuid, search_label, search_file;
 *     probe --set with --fs-uuid, --label, --fs, --part-uuid, --partmap
 *     (the first of those in that order: --partmap, --part-uuid, --fs,
 *     --fs-uuid, --label; --driver fails);
 *   - devices: (hdD,gptP), (hdD,msdosP), (hdD,P), (hdD) through the disk
 *     numbering of the scan, or a filesystem's name; GRUB's network devices
 *     ((tftp), (http,SERVER), (pxe)...) for a config that came from that
 *     server; a path without a device is on $root.  GRUB's name for a
 *     filesystem is "hdD,gptP" / "hdD,msdosP" when its disk and partition
 *     are known, "hdD" for a whole disk, else the filesystem's kboot name
 *     ("sda2", a SOURCE name=).  A device kboot cannot map (named, or in
 *     $root) is one GRUB fails on, never the config's own filesystem:
 *     test -e/-f/-d/-s of a file on it is false; linux, initrd,
 *     devicetree, multiboot or module naming it make the entry unavailable,
 *     saying which device; source, configfile and load_env warn and read
 *     nothing;
 *   - load_env (grubenv: -f FILE, variable names, --skip-sig ignored);
 *     save_env is ignored (kboot never writes);
 *   - source and `.` (same context) and configfile (a new context with the
 *     exported variables; its entries join the menu where the configfile
 *     command ran; GRUB shows that nested menu at once, so when it has
 *     entries its default and timeout are the ones that count); both
 *     succeed whatever the file does, as GRUB's do.  A file may include
 *     itself, directly or through others, and runs again each time, as in
 *     GRUB, so a recursion that a counter or a guard variable ends works;
 *     one that does not end (GRUB has no limit: its stack ends it) is cut
 *     at G_MAX_INCLUDE (32) levels of includes, with a warning naming the
 *     file and the depth.  A configfile inside a menu entry (chaining to
 *     another grub.cfg) gives the other file's entries as a submenu named
 *     after that entry (such chains nest at most G_MAX_CHAIN deep,
 *     G_MAX_CHAINED in all);
 *   - blscfg (see bls.c);
 *   - default: a title, an --id or an index (tried in that order, as
 *     Fedora's GRUB does), or a ">"-joined path of those through submenus
 *     (">>" is a literal ">"); an unknown one warns and falls back to the
 *     first entry, as GRUB does; unset means the first.
 *     saved_entry / next_entry work because 00_header's script runs;
 *   - timeout (seconds; -1, garbage or unset: wait, as GRUB's menu does);
 *     timeout_style does not change the timeout;
 *   - GRUB's own variables: root, prefix, config_directory, config_file,
 *     cmdpath, grub_platform ("efi" for a config under /EFI/, else "pc"),
 *     grub_cpu ("x86_64" / "i386") and the feature_* flags of 2.06, all "y".
 *
 * Decisions:
 *   - entries that only run halt, reboot, fwsetup or exit are dropped (kboot
 *     has its own power menu); an entry that loads nothing else is listed as
 *     unavailable ("loads no kernel"), as is one using a loader kexec cannot
 *     do (kfreebsd, ntldr, xnu...);
 *   - an unknown command is ignored silently (GRUB prints an error and goes
 *     on; $? stays 0 as in GRUB);
 *   - `&&` and `||` work as in sh, although GRUB's parser rejects them;
 *   - `fallback` is read by nobody: kboot only needs the default.
 *
 * Syntax errors never lose the file.  Each top-level statement is parsed
 * strictly; a broken one (unterminated quote, missing fi / done / }, a stray
 * fi or }) is reported once, and the text from its start up to the next
 * line beginning in column 0 with `menuentry`, `submenu`, `function` or
 * `###` (grub-mkconfig's section markers) is parsed again leniently: the end
 * of that text closes whatever is open, an unterminated quote ends at the
 * end of its line, stray closing words are skipped.  So a missing `}` costs
 * at most the entry's own end, and the following entries are read normally.
 *
 * Ignored, harmlessly: insmod, rmmod, loadfont, font, terminal_input,
 * terminal_output, terminfo, serial, gfxmode/gfxpayload (variables),
 * background_image, background_color, echo, play, sleep, clear, set color_*,
 * save_env, list_env, cpuid, keystatus (not pressed), hwmatch (no match),
 * fwsetup --is-supported (yes), boot, cat, ls, read, password,
 * password_pbkdf2, cryptomount, drivemap, parttool, usb, videoinfo, tr,
 * smbios, nativedisk, normal, extract_entries_*, recordfail / load_video
 * (ordinary functions of the script).
 *
 * Limits (grub.h): 10,000 iterations per loop, 64 levels of calls, 32 of
 * source/configfile, 1 million commands per statement of the file and per
 * entry's body (a runaway one is stopped alone, with a warning, and the
 * rest of the file is read), 20 million commands, 256 MiB of script parsed
 * and 128 MiB of expanded words per parse, 100,000 menu items, 1 MiB per
 * word, a config file of 64 MiB (KB_MAX_CONFIG_SIZE); past them kboot
 * warns and stops that part.
 *
 * Not supported: regexp (fails), loopback devices, (loop), (memdisk) and
 * network devices of a config on a disk (all unknown devices), wildcard
 * expansion, legacy_configfile / legacy_source (GRUB Legacy menus),
 * `-nt`/`-ot` tests, initrd "newc:" names, the `--users` password check,
 * menuentry --source (an entry without a { body } fails), probe --driver,
 * `module --nounzip` (kboot's jump unpacks a gzip, xz or lzop module all
 * the same: docs/image.md, "The jump").
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

/* ---- Building the menu ---- */

struct build {
	struct gstate *g;
	const char **path; /* submenu titles (scan arena), outermost first */
	size_t npath, cappath;
	int chain;   /* entries inside chained menus being built */
	int chained; /* chained menus built so far */
};

static bool path_push(struct build *b, const char *title)
{
	if (!g_grow((void **)&b->path, &b->cappath, b->npath, sizeof(*b->path)))
		return false;
	b->path[b->npath++] = title;
	return true;
}

/* Which menu GRUB shows first: a nested configfile menu with items wins. */
static bool mark_target(struct gmenu *m)
{
	size_t i;

	for (i = 0; i < m->nitems; i++) {
		struct gitem *it = m->items[i];

		if (it->kind == GI_INCLUDE && it->child && mark_target(it->child)) {
			it->leads = true;
			return true;
		}
	}
	if (m->nown) {
		m->target = true;
		return true;
	}
	return false;
}

/* GRUB's menuentry_eq(): spec matches up to an unescaped '>' (">>" is '>'). */
static bool menuentry_eq(const char *id, const char *spec)
{
	if (!id)
		return false;
	for (;;) {
		if (spec[0] == '>' && spec[1] != '>')
			return !*id;
		if (spec[0] == '>')
			spec++;
		if (*id != *spec)
			return false;
		if (!*id)
			return true;
		id++;
		spec++;
	}
}

/* The index of the default among m's own items; *rest: the path below it. */
static size_t resolve_default(struct gstate *g, struct gmenu *m, const char **rest)
{
	const char *spec = g_env_get(m->env, "default"), *s;
	const struct gvar *v;
	size_t i, k = 0;

	*rest = NULL;
	if (!spec || !spec[0])
		return 0;
	for (s = spec; *s; s++) {
		if (s[0] == '>' && s[1] == '>') {
			s++;
			continue;
		}
		if (s[0] == '>') {
			*rest = s[1] ? s + 1 : NULL;
			break;
		}
	}
	/*
	 * A title or id first, then a number: Fedora's GRUB order (upstream
	 * tries the number first, which breaks BLS ids that start with a
	 * digit of the machine-id; the two agree on every other value).
	 */
	for (i = 0; i < m->nitems; i++) {
		struct gitem *it = m->items[i];

		if (it->kind == GI_INCLUDE)
			continue;
		if (menuentry_eq(it->title, spec) || menuentry_eq(it->id, spec))
			return k;
		k++;
	}
	if (isdigit((unsigned char)spec[0])) {
		unsigned long idx = strtoul(spec, NULL, 0);

		if (idx < m->nown)
			return idx;
	}
	v = g_var_info(g, m->env, "default");
	g_warn(g, v ? v->src : NULL, v ? v->line : 0,
	       "default entry '%s' does not exist; GRUB boots the first entry%s", spec,
	       m->title ? " of its submenu" : "");
	*rest = NULL;
	return 0;
}

static struct kb_entry *make_entry(struct build *b, struct gitem *it, struct gload *ld,
				   bool has_children)
{
	struct gstate *g = b->g;
	struct kb_pctx *p = g->p;
	struct kb_entry *e;
	size_t i;

	if (ld->kind == LD_NONE && (ld->action || has_children))
		return NULL;
	e = kb_entry_new(p, it->line);
	if (!e)
		return NULL;
	e->config.fs = it->src->fs;
	e->config.path = it->src->path;
	if (it->bls)
		e->bls = e->config;
	e->title = arena_strdup(p->arena, it->title);
	e->cfg_id = it->id ? arena_strdup(p->arena, it->id) : NULL;
	e->hotkey = it->hotkey;
	for (i = 0; i < b->npath; i++)
		ptrv_push(p->arena, &e->submenu, (void *)b->path[i]);
	switch (ld->kind) {
	case LD_LINUX:
	case LD_MULTIBOOT:
		e->type = ld->kind == LD_LINUX ? KB_LINUX : KB_MULTIBOOT;
		e->kernel = ld->kernel;
		e->cmdline = ld->cmdline ? ld->cmdline : "";
		for (i = 0; i < ld->ninitrds; i++)
			kb_entry_add_module(p, e, ld->initrds[i], ld->modargs[i]);
		e->dtb = ld->dtb;
		if (ld->error)
			kb_entry_unavailable(p, e, "%s", ld->error);
		break;
	case LD_CHAIN:
		kb_entry_unavailable(p, e, "chainloading is not possible with kexec");
		break;
	case LD_OTHER:
		kb_entry_unavailable(p, e, "'%s' cannot be booted with kexec", ld->other);
		break;
	case LD_NONE:
		kb_entry_unavailable(p, e, "the entry loads no kernel");
		break;
	}
	return e;
}

static void collect(struct build *b, struct gmenu *m, bool want);

/* Save and restore where commands act. */
struct where {
	struct genv *env;
	struct gmenu *menu;
	struct gscope *scope;
	struct gload *load;
	unsigned long loops;
};

static void enter(struct gstate *g, struct where *w, struct genv *env, struct gmenu *menu,
		  struct gscope *scope, struct gload *load)
{
	w->env = g->env;
	w->menu = g->menu;
	w->scope = g->scope;
	w->load = g->load;
	w->loops = g->loops;
	g->env = env;
	g->menu = menu;
	g->scope = scope;
	g->load = load;
	g->loops = 0;
}

static void leave(struct gstate *g, struct where *w)
{
	g->env = w->env;
	g->menu = w->menu;
	g->scope = w->scope;
	g->load = w->load;
	g->loops = w->loops;
	g->func_return = false;
	g->breaks = 0;
}

static void eval_entry(struct build *b, struct gmenu *m, struct gitem *it, bool is_def)
{
	struct gstate *g = b->g;
	struct gscope sc = { it->argc, it->argv, 0, NULL, 0 };
	struct gload ld;
	struct genv *env = g_env_new(g, m->env);
	struct gmenu *cap = env ? g_menu_new(g, env) : NULL;
	unsigned long budget;
	struct kb_entry *e;
	struct where w;

	if (!cap)
		return;
	/*
	 * An entry whose configfile chains to another grub.cfg shows that menu;
	 * real setups chain once or twice, a file chaining back to itself would
	 * nest (and multiply) without end.
	 */
	if (b->chain >= G_MAX_CHAIN) {
		g_warn(g, it->src, it->line, "menus chained deeper than %d", G_MAX_CHAIN);
		return;
	}
	if (b->chain > 0 && b->chained >= G_MAX_CHAINED) {
		g_warn(g, it->src, it->line, "more than %d chained menus", G_MAX_CHAINED);
		return;
	}
	memset(&ld, 0, sizeof(ld));
	enter(g, &w, env, cap, &sc, &ld);
	budget = g_budget_begin(g);
	g_exec_block(g, it->body);
	if (g_budget_end(g, budget))
		g_warn(g, it->src, it->line, "this entry ran more than %lu commands: stopped",
		       g->max_statement);
	leave(g, &w);
	g_scope_release(&sc);
	e = make_entry(b, it, &ld, cap->nitems > 0);
	free(ld.initrds);
	free(ld.modargs);
	if (e && is_def)
		e->is_default = true;
	if (cap->nitems && path_push(b, arena_strdup(g->p->arena, it->title))) {
		bool want = is_def && !e;

		if (want)
			mark_target(cap);
		b->chain++;
		b->chained++;
		collect(b, cap, want);
		b->chain--;
		b->npath--;
	} else if (!cap->nitems) {
		g_env_drop(g, env);
	}
}

static void eval_submenu(struct build *b, struct gmenu *m, struct gitem *it, bool is_def,
			 const char *rest)
{
	struct gstate *g = b->g;
	struct gscope sc = { it->argc, it->argv, 0, NULL, 0 };
	struct genv *env;
	struct gmenu *sub;
	struct where w;

	if (g->depth >= G_MAX_DEPTH) {
		g_warn(g, it->src, it->line, "submenus nested deeper than %d", G_MAX_DEPTH);
		return;
	}
	env = g_env_context(g, m->env);
	sub = env ? g_menu_new(g, env) : NULL;
	if (!sub)
		return;
	sub->title = it->title;
	enter(g, &w, env, sub, &sc, NULL);
	/* GRUB hands the rest of a "a>b" default to the submenu it enters. */
	if (is_def && rest) {
		const struct gvar *v = g_var_info(g, m->env, "default");

		g_set_at(g, "default", rest, v ? v->src : it->src, v ? v->line : it->line);
	} else {
		g_unset(g, "default");
	}
	g->depth++;
	g_exec_block(g, it->body);
	g->depth--;
	leave(g, &w);
	g_scope_release(&sc);
	if (!path_push(b, arena_strdup(g->p->arena, it->title)))
		return;
	if (is_def)
		mark_target(sub);
	g->depth++;
	collect(b, sub, is_def);
	g->depth--;
	b->npath--;
}

/* Turn m's items into entries, in menu order.  want: the default is in here. */
static void collect(struct build *b, struct gmenu *m, bool want)
{
	const char *rest = NULL;
	size_t i, k = 0, def = (size_t)-1;

	if (want && m->target)
		def = resolve_default(b->g, m, &rest);
	for (i = 0; i < m->nitems; i++) {
		struct gitem *it = m->items[i];

		switch (it->kind) {
		case GI_INCLUDE:
			collect(b, it->child, want && it->leads);
			break;
		case GI_ENTRY:
			eval_entry(b, m, it, k++ == def);
			break;
		case GI_SUBMENU:
			eval_submenu(b, m, it, k++ == def, rest);
			break;
		}
	}
}

/* ---- The parser ---- */

static int timeout_of(const char *v)
{
	unsigned long t;

	/* GRUB's menu waits when timeout is unset, negative or not a number. */
	if (!v || !isdigit((unsigned char)v[0]))
		return KB_TIMEOUT_WAIT;
	t = strtoul(v, NULL, 0);
	return t > INT_MAX / 2 ? INT_MAX / 2 : (int)t;
}

static void set_exported(struct gstate *g, const char *name, const char *val)
{
	g_set(g, name, val);
	g_export(g, name);
}

/* The variables GRUB itself sets before it reads grub.cfg. */
static void grub_vars(struct gstate *g, struct kb_pctx *p)
{
	static const char *const features[] = {
		"feature_chainloader_bpb",	"feature_ntldr",
		"feature_platform_search_hint", "feature_default_font_path",
		"feature_all_video_module",	"feature_menuentry_id",
		"feature_menuentry_options",	"feature_200_final",
		"feature_nativedisk_cmd",	"feature_timeout_style",
	};
	const char *dev = g_devname(g, p->fs);
	const char *dir = kb_path_dir(g->a, p->path);
	const char *prefix;
	size_t i;

	prefix = dir && strcmp(dir, "/") ? arena_printf(g->a, "(%s)%s", dev, dir)
					 : arena_printf(g->a, "(%s)", dev);
	set_exported(g, "root", dev);
	set_exported(g, "prefix", prefix);
	set_exported(g, "config_directory", prefix);
	set_exported(g, "config_file", arena_printf(g->a, "(%s)%s", dev, p->path));
	if (g->efi)
		set_exported(g, "cmdpath", prefix);
	else if (p->fs->disk >= 0)
		set_exported(g, "cmdpath", arena_printf(g->a, "(hd%d)", p->fs->disk));
	else
		set_exported(g, "cmdpath", arena_printf(g->a, "(%s)", dev));
	set_exported(g, "grub_platform", g->efi ? "efi" : "pc");
	set_exported(g, "grub_cpu", g->efi ? "x86_64" : "i386");
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		set_exported(g, features[i], "y");
}

static int grub_parse(struct kb_pctx *p, const char *buf, size_t len)
{
	struct gstate *g = g_state_new(p);
	struct build b = { .g = g };
	struct gmenu *top, *t;
	struct gsrc *src;

	if (!g)
		return -ENOMEM;
	g->cfg_fs = p->fs;
	g->efi = !strncasecmp(p->path, "/EFI/", 5);
	g->redhat = g_redhat_grub(p, buf, len);
	top = g_menu_new(g, g->env);
	if (!top)
		goto oom;
	g->menu = top;
	grub_vars(g, p);
	src = g_src_new(g, p->fs, p->path, buf, len);
	if (!src)
		goto oom;
	src->active++;
	g_exec_src(g, src);
	src->active--;
	g->func_return = false;
	g->breaks = 0;

	mark_target(top);
	/* The timeout of the menu GRUB shows first. */
	for (t = top; !t->target;) {
		size_t i;
		struct gmenu *next = NULL;

		for (i = 0; i < t->nitems && !next; i++)
			if (t->items[i]->kind == GI_INCLUDE && t->items[i]->leads)
				next = t->items[i]->child;
		if (!next)
			break;
		t = next;
	}
	p->timeout = timeout_of(g_env_get(t->env, "timeout"));
	collect(&b, top, true);
	free(b.path);
	g_state_free(g);
	return 0;
oom:
	g_state_free(g);
	return -ENOMEM;
}

static const char *const grub_paths[] = {
	"/boot/grub/grub.cfg",
	"/boot/grub2/grub.cfg",
	"/grub/grub.cfg",
	"/grub2/grub.cfg",
	"/EFI/*/grub.cfg",
	"/grub.cfg",
	NULL,
};

const struct kb_parser kb_parser_grub2 = {
	.name = "grub2",
	.paths = grub_paths,
	.parse = grub_parse,
};
