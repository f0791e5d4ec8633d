// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse-grub.c - GRUB 2's grub.cfg, read by running it as GRUB would.
 *
 * grub.cfg is a program, not a list: grub-mkconfig output picks the root
 * with `search`, reads saved_entry from grubenv, defines functions, wraps
 * entries in `if`s and submenus.  So kboot interprets the script (lexer and
 * parser in grub-lex.c, interpreter in grub-eval.c, `blscfg` in grub-bls.c)
 * and then, like GRUB when an entry is chosen, runs each entry's body to see
 * what it loads.  This file holds GRUB's commands and the menu building.
 *
 * Supported (as GRUB 2.06 does it):
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
 *     order), devicetree, multiboot/multiboot2 with module/module2 (modules
 *     become the initrds), chainloader (listed, unavailable);
 *   - the command line as GRUB builds it: "BOOT_IMAGE=" + the kernel path as
 *     written, then the arguments (quoted as grub_create_loader_cmdline()
 *     does); multiboot: the arguments after the kernel, joined by spaces;
 *   - search (--fs-uuid/-u, --label/-l, --file/-f, --set[=VAR], hints
 *     tried first), search.fs_uuid, search.fs_label, search.file and the
 *     old search_fs_uuid, search_label, search_file; probe --set;
 *   - devices: (hdD,gptP), (hdD,msdosP), (hdD,P), (hdD) through the disk
 *     numbering of the scan, or a filesystem's name; a path without a device
 *     is on $root.  GRUB's name for a filesystem is "hdD,gptP" / "hdD,msdosP"
 *     when its disk and partition are known, "hdD" for a whole disk, else the
 *     filesystem's kboot name ("sda2", a SOURCE name=);
 *   - load_env (grubenv: -f FILE, variable names, --skip-sig ignored);
 *     save_env is ignored (kboot never writes);
 *   - source (same context) and configfile (a new context with the exported
 *     variables; its entries join the menu where the configfile command ran;
 *     GRUB shows that nested menu at once, so when it has entries its
 *     default and timeout are the ones that count); both limited to
 *     KB_MAX_INCLUDE_DEPTH levels, a file including itself is refused.  A
 *     configfile inside a menu entry (chaining to another grub.cfg) gives
 *     the other file's entries as a submenu named after that entry (such
 *     chains nest at most G_MAX_CHAIN deep, G_MAX_CHAINED in all);
 *   - blscfg (see grub-bls.c);
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
 * Limits (grub.h): 10,000 iterations per loop, 64 levels of calls, 2
 * million commands and 128 MiB of expanded words per parse, 100,000 menu
 * items, 1 MiB per word; past them kboot warns and stops that part.
 *
 * Not supported: regexp (fails), loopback devices and (loop)/(memdisk)/
 * network devices (treated as unknown devices), wildcard expansion,
 * legacy_configfile / legacy_source (GRUB Legacy menus), `-nt`/`-ot`
 * tests, per-module command lines of multiboot modules (the model has no
 * place for them), initrd "newc:" names, the `--users` password check.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub.h"

/* ---- Devices and files ---- */

static bool parse_uint(const char **s, int *out)
{
	long v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p) && v < 100000)
		v = v * 10 + (*p++ - '0');
	*out = (int)v;
	*s = p;
	return true;
}

const struct kb_fs *g_device(struct gstate *g, const char *dev)
{
	char buf[256];
	size_t n;
	const char *s;
	int disk, part = 0;

	if (!g->p || !dev)
		return NULL;
	n = strlen(dev);
	if (n >= 2 && dev[0] == '(' && dev[n - 1] == ')') {
		dev++;
		n -= 2;
	}
	if (!n || n >= sizeof(buf))
		return NULL;
	memcpy(buf, dev, n);
	buf[n] = '\0';
	s = buf;
	if (s[0] == 'h' && s[1] == 'd') {
		s += 2;
		if (parse_uint(&s, &disk)) {
			if (!*s)
				return kb_fs_by_disk_part(g->p, disk, 0);
			if (*s == ',') {
				s++;
				if (!strncmp(s, "gpt", 3))
					s += 3;
				else if (!strncmp(s, "msdos", 5))
					s += 5;
				if (parse_uint(&s, &part) && !*s)
					return kb_fs_by_disk_part(g->p, disk, part);
			}
		}
	}
	return kb_fs_by_dev(g->p, buf);
}

const char *g_devname(struct gstate *g, const struct kb_fs *fs)
{
	const char *name;

	if (fs == g->devname_fs)
		return g->devname; /* `search` finds the same one 10,000 times */
	if (fs->disk >= 0 && fs->part > 0 && fs->pttype && !strcmp(fs->pttype, "gpt"))
		name = arena_printf(g->a, "hd%d,gpt%d", fs->disk, fs->part);
	else if (fs->disk >= 0 && fs->part > 0 && fs->pttype && !strcmp(fs->pttype, "dos"))
		name = arena_printf(g->a, "hd%d,msdos%d", fs->disk, fs->part);
	else if (fs->disk >= 0 && fs->part == 0)
		name = arena_printf(g->a, "hd%d", fs->disk);
	else
		name = fs->name;
	if (name) {
		g->devname_fs = fs;
		g->devname = name;
	}
	return name ? name : fs->name;
}

bool g_resolve(struct gstate *g, const struct gsrc *src, int line, const char *name,
	       struct kb_file *out)
{
	const struct kb_fs *fs = NULL, *fallback;
	const char *path = name;

	out->fs = NULL;
	out->path = NULL;
	if (!g->p)
		return false;
	fallback = src && src->fs ? src->fs : g->cfg_fs;
	if (name[0] == '(' && strchr(name, ')')) {
		const char *close = strchr(name, ')');
		char *dev = arena_strndup(g->a, name + 1, (size_t)(close - name - 1));

		fs = g_device(g, dev);
		if (!fs)
			g_warn(g, src, line, "unknown device (%s); using %s", dev ? dev : "",
			       fallback->name);
		path = close + 1;
	} else {
		const char *root = g_get(g, "root");

		if (root && root[0]) {
			fs = g_device(g, root);
			if (!fs)
				g_warn(g, src, line, "$root is '%s', an unknown device; using %s",
				       root, fallback->name);
		}
	}
	out->fs = fs ? fs : fallback;
	out->path = kb_path_join(g->p->arena, "/", path[0] ? path : "/");
	return out->path != NULL;
}

void g_loader_cmdline(struct strbuf *sb, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		bool space = strchr(argv[i], ' ') != NULL;
		const char *c;

		if (i)
			sb_addc(sb, ' ');
		if (space)
			sb_addc(sb, '"');
		for (c = argv[i]; *c; c++) {
			if (*c == '\\' || *c == '\'' || *c == '"')
				sb_addc(sb, '\\');
			sb_addc(sb, *c);
		}
		if (space)
			sb_addc(sb, '"');
	}
}

/* ---- Loaders: what a menu entry's body loads ---- */

static void ld_reset(struct gload *ld, enum gload_kind kind)
{
	ld->kind = kind;
	ld->kernel.fs = NULL;
	ld->kernel.path = NULL;
	ld->cmdline = NULL;
	ld->ninitrds = 0;
	ld->other = NULL;
}

static bool ld_add_initrd(struct gload *ld, struct kb_file f)
{
	if (!g_grow((void **)&ld->initrds, &ld->capinitrds, ld->ninitrds, sizeof(*ld->initrds)))
		return false;
	ld->initrds[ld->ninitrds++] = f;
	return true;
}

static int cmd_linux(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct gload *ld = g->load;
	struct strbuf sb = STRBUF_INIT;

	if (!ld)
		return 0; /* outside a menu entry nothing gets booted */
	if (argc < 2)
		return 1;
	ld_reset(ld, LD_LINUX);
	g_resolve(g, n->src, n->line, argv[1], &ld->kernel);
	sb_adds(&sb, "BOOT_IMAGE=");
	g_loader_cmdline(&sb, argc - 1, argv + 1);
	ld->cmdline = sb_finish(&sb, g->p->arena);
	return 0;
}

static int cmd_initrd(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct gload *ld = g->load;
	int i;

	if (!ld)
		return 0;
	if (ld->kind != LD_LINUX || argc < 2)
		return 1; /* GRUB: "you need to load the kernel first" */
	ld->ninitrds = 0;
	for (i = 1; i < argc; i++) {
		struct kb_file f;

		if (g_resolve(g, n->src, n->line, argv[i], &f))
			ld_add_initrd(ld, f);
	}
	return 0;
}

static int cmd_multiboot(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct gload *ld = g->load;
	struct strbuf sb = STRBUF_INIT;
	int i = 1;

	if (!ld)
		return 0;
	while (i < argc && !strncmp(argv[i], "--quirk-", 8))
		i++;
	if (i >= argc)
		return 1;
	ld_reset(ld, LD_MULTIBOOT);
	g_resolve(g, n->src, n->line, argv[i], &ld->kernel);
	/* GRUB's multiboot command line skips the file name, no quoting. */
	for (i++; i < argc; i++) {
		sb_adds(&sb, argv[i]);
		if (i + 1 < argc)
			sb_addc(&sb, ' ');
	}
	ld->cmdline = sb_finish(&sb, g->p->arena);
	return 0;
}

static int cmd_module(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct gload *ld = g->load;
	struct kb_file f;
	int i = 1;

	if (!ld)
		return 0;
	if (i < argc && !strcmp(argv[i], "--nounzip"))
		i++;
	if (i >= argc || ld->kind != LD_MULTIBOOT)
		return 1;
	if (g_resolve(g, n->src, n->line, argv[i], &f))
		ld_add_initrd(ld, f);
	return 0;
}

static int cmd_devicetree(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	if (!g->load)
		return 0;
	if (argc < 2)
		return 1;
	g_resolve(g, n->src, n->line, argv[1], &g->load->dtb);
	return 0;
}

static int cmd_chainloader(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)n, (void)argc, (void)argv;
	if (g->load)
		ld_reset(g->load, LD_CHAIN);
	return 0;
}

/* kfreebsd, ntldr, xnu_kernel...: GRUB can, kexec cannot. */
static int cmd_other_loader(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)n, (void)argc;
	if (g->load) {
		ld_reset(g->load, LD_OTHER);
		g->load->other = g_strdup(g, argv[0]);
	}
	return 0;
}

/* halt, reboot, exit, fwsetup: the entry is a machine action, not an OS. */
static int cmd_action(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)n;
	if (argc > 1 && !strcmp(argv[1], "--is-supported"))
		return 0; /* fwsetup --is-supported: say yes, the entry is dropped anyway */
	if (g->load)
		g->load->action = true;
	return 0;
}

/* ---- menuentry, submenu ---- */

static bool is_opt(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && !memcmp(name, want, len);
}

static int cmd_menuentry(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	bool sub = argv[0][0] == 's';
	const char *id = NULL, *hotkey = NULL;
	struct gitem *it;
	char **pos;
	int i, npos = 0;
	bool opts = true;

	if (!n->u.cmd.block)
		return 1; /* GRUB: "no menuentry definition" */
	pos = arena_alloc(g->a, (size_t)argc * sizeof(*pos));
	if (!pos)
		return 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && a[0] == '-' && a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '='), *val;
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			if (!len) {
				opts = false;
				continue;
			}
			if (is_opt(name, len, "unrestricted"))
				continue;
			if (!is_opt(name, len, "class") && !is_opt(name, len, "users") &&
			    !is_opt(name, len, "hotkey") && !is_opt(name, len, "source") &&
			    !is_opt(name, len, "id")) {
				g_warn(g, n->src, n->line,
				       "%s: unknown option %s (GRUB would refuse this entry)",
				       argv[0], a);
				continue;
			}
			val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : "");
			if (is_opt(name, len, "id"))
				id = val;
			else if (is_opt(name, len, "hotkey"))
				hotkey = val;
			continue;
		}
		pos[npos] = g_strdup(g, a);
		if (!pos[npos])
			return 1;
		npos++;
	}
	if (!npos)
		return 1;
	it = g_menu_add(g, sub ? GI_SUBMENU : GI_ENTRY);
	if (!it) {
		g_warn(g, n->src, n->line, "more than %d menu entries: the rest are ignored",
		       G_MAX_ITEMS);
		return 1;
	}
	it->title = pos[0];
	it->id = id ? g_strdup(g, id) : NULL;
	it->hotkey = hotkey && hotkey[0] && !hotkey[1] ? hotkey[0] : '\0';
	it->argc = npos;
	it->argv = pos;
	it->body = g_block_keep(g, n->u.cmd.block);
	if (!it->body)
		return 1;
	it->src = n->src;
	it->line = n->line;
	return 0;
}

/* ---- search, probe ---- */

enum smode { S_FILE, S_LABEL, S_UUID };

static bool fs_matches(const struct kb_fs *fs, enum smode mode, const char *key)
{
	switch (mode) {
	case S_UUID:
		return fs->uuid && !strcasecmp(fs->uuid, key);
	case S_LABEL:
		return fs->label && !strcmp(fs->label, key);
	case S_FILE:
		return kb_exists(fs, key) && !kb_is_dir(fs, key);
	}
	return false;
}

static int cmd_search(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	static const char *const what[] = { "file", "label", "UUID" };
	const char *cmd = argv[0], *key = NULL, *var = NULL;
	const char **hints;
	const struct kb_fs *found = NULL;
	enum smode mode = S_FILE;
	int i, nhints = 0;
	size_t k;

	if (!g->p)
		return 1;
	hints = arena_alloc(g->a, (size_t)argc * sizeof(*hints));
	if (!hints)
		return 1;
	if (strcmp(cmd, "search")) {
		/* search.fs_uuid UUID [VAR [HINT...]] and friends */
		if (strstr(cmd, "uuid"))
			mode = S_UUID;
		else if (strstr(cmd, "label"))
			mode = S_LABEL;
		if (argc < 2)
			return 1;
		key = argv[1];
		var = argc > 2 ? argv[2] : NULL;
		for (i = 3; i < argc; i++)
			hints[nhints++] = argv[i];
	} else {
		for (i = 1; i < argc; i++) {
			const char *a = argv[i];

			if (a[0] == '-' && a[1] == '-') {
				const char *eq = strchr(a, '=');
				size_t len = eq ? (size_t)(eq - a) : strlen(a);

				if (is_opt(a, len, "--file"))
					mode = S_FILE;
				else if (is_opt(a, len, "--label"))
					mode = S_LABEL;
				else if (is_opt(a, len, "--fs-uuid"))
					mode = S_UUID;
				else if (is_opt(a, len, "--set"))
					var = eq ? eq + 1 : "root";
				else if (!strncmp(a, "--hint", 6)) {
					const char *h = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);

					if (h)
						hints[nhints++] = h;
				}
				/* --no-floppy, --efidisk-only...: nothing to do */
			} else if (a[0] == '-' && a[1]) {
				const char *c;

				for (c = a + 1; *c; c++) {
					if (*c == 'f')
						mode = S_FILE;
					else if (*c == 'l')
						mode = S_LABEL;
					else if (*c == 'u')
						mode = S_UUID;
					else if (*c == 's')
						var = "root";
					else if (*c == 'h' && i + 1 < argc)
						hints[nhints++] = argv[++i];
				}
			} else if (!key) {
				key = a;
			} else {
				hints[nhints++] = a;
			}
		}
	}
	if (!key)
		return 1;
	for (i = 0; i < nhints && !found; i++) {
		const struct kb_fs *fs = g_device(g, hints[i]);

		if (fs && fs_matches(fs, mode, key))
			found = fs;
	}
	for (k = 0; !found && k < kb_fs_count(g->p); k++)
		if (fs_matches(kb_fs_at(g->p, k), mode, key))
			found = kb_fs_at(g->p, k);
	if (!found) {
		g_warn(g, n->src, n->line, "search: no filesystem has %s %s", what[mode], key);
		return 1;
	}
	if (var)
		g_set_at(g, var, g_devname(g, found), n->src, n->line);
	return 0;
}

static int cmd_probe(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	const char *var = NULL, *want = NULL, *dev = NULL, *val = NULL;
	const struct kb_fs *fs;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-s") || !strcmp(a, "--set"))
			var = i + 1 < argc ? argv[++i] : NULL;
		else if (!strncmp(a, "--set=", 6))
			var = a + 6;
		else if (a[0] == '-')
			want = a;
		else
			dev = a;
	}
	if (!want || !dev || !(fs = g_device(g, dev)))
		return 1;
	if (!strcmp(want, "-u") || !strcmp(want, "--fs-uuid"))
		val = fs->uuid;
	else if (!strcmp(want, "-l") || !strcmp(want, "--label"))
		val = fs->label;
	else if (!strcmp(want, "-f") || !strcmp(want, "--fs"))
		val = fs->fstype;
	else if (!strcmp(want, "--part-uuid"))
		val = fs->partuuid;
	else if (!strcmp(want, "-p") || !strcmp(want, "--partmap"))
		val = !fs->pttype ? NULL : !strcmp(fs->pttype, "dos") ? "msdos" : fs->pttype;
	if (!val)
		return 1;
	if (var)
		g_set_at(g, var, val, n->src, n->line);
	return 0;
}

/* ---- load_env ---- */

#define ENVBLK_SIG "# GRUB Environment Block\n"

static int cmd_load_env(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	const char *file = NULL, **names;
	int i, nnames = 0, err;
	struct kb_file f;
	char *buf, *p, *end;
	size_t len;

	if (!g->p)
		return 1;
	names = arena_alloc(g->a, (size_t)argc * sizeof(*names));
	if (!names)
		return 1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--file"))
			file = i + 1 < argc ? argv[++i] : NULL;
		else if (!strncmp(argv[i], "--file=", 7))
			file = argv[i] + 7;
		else if (argv[i][0] == '-')
			continue; /* -s / --skip-sig */
		else
			names[nnames++] = argv[i];
	}
	if (!file) {
		const char *prefix = g_get(g, "prefix");

		if (!prefix)
			return 1;
		file = arena_printf(g->a, "%s/grubenv", prefix);
		if (!file)
			return 1;
	}
	if (!g_resolve(g, n->src, n->line, file, &f))
		return 1;
	err = kb_read(g->p, f.fs, f.path, 64 * 1024, &buf, &len);
	if (err) {
		g_warn(g, n->src, n->line, "load_env: cannot read %s:%s: %s", f.fs->name, f.path,
		       strerror(-err));
		return 1;
	}
	if (len < strlen(ENVBLK_SIG) || memcmp(buf, ENVBLK_SIG, strlen(ENVBLK_SIG))) {
		g_warn(g, n->src, n->line, "load_env: %s:%s is not a GRUB environment block",
		       f.fs->name, f.path);
		return 1;
	}
	end = buf + len;
	for (p = buf + strlen(ENVBLK_SIG); p < end;) {
		char *name = p, *eq, *v, *out;
		int k;

		if (*p == '#' || *p == '\n') {
			char *nl = memchr(p, '\n', (size_t)(end - p));

			p = nl ? nl + 1 : end;
			continue;
		}
		for (eq = p; eq < end && *eq != '=' && *eq != '\n'; eq++)
			;
		if (eq >= end || *eq != '=') {
			p = eq + 1;
			continue;
		}
		/* The value ends at an unescaped newline; "\x" stands for x. */
		for (v = out = eq + 1; v < end && *v != '\n'; v++) {
			if (*v == '\\' && v + 1 < end)
				v++;
			*out++ = *v;
		}
		p = v + 1;
		*eq = '\0';
		*out = '\0';
		if (eq == name)
			continue;
		for (k = 0; k < nnames && strcmp(names[k], name); k++)
			;
		if (!nnames || k < nnames)
			g_set_at(g, name, eq + 1, n->src, n->line);
	}
	return 0;
}

/* ---- source, configfile ---- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void restore_var(struct gstate *g, const char *name, char *old)
{
	if (old) {
		g_set(g, name, old);
		g_export(g, name);
	} else {
		g_unset(g, name);
	}
	free(old);
}

static int cmd_source(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	bool newctx = argv[0][0] == 'c';
	struct genv *env = g->env;
	struct gmenu *menu = g->menu;
	struct gscope *scope = g->scope;
	struct gload *load = g->load;
	struct kb_file f;
	struct gsrc *src;
	char *old_file, *old_dir, *dir, *slash;
	int ret;

	if (argc != 2 || !g->p)
		return 1;
	if (g->includes >= KB_MAX_INCLUDE_DEPTH) {
		g_warn(g, n->src, n->line, "%s: includes nested deeper than %d; %s not read",
		       argv[0], KB_MAX_INCLUDE_DEPTH, argv[1]);
		return 1;
	}
	if (!g_resolve(g, n->src, n->line, argv[1], &f))
		return 1;
	src = g_load_file(g, f.fs, f.path, n->src, n->line);
	if (!src)
		return 1;
	if (src->active) {
		g_warn(g, n->src, n->line, "%s: %s:%s is already being read (an include loop)",
		       argv[0], f.fs->name, f.path);
		return 1;
	}
	if (newctx) {
		struct gitem *it = g_menu_add(g, GI_INCLUDE);
		struct gmenu *m;

		if (!it)
			return 1;
		m = g_menu_new(g, g_env_context(g, g->env));
		if (!m || !m->env)
			return 1;
		it->child = m;
		it->src = n->src;
		it->line = n->line;
		g->env = m->env;
		g->menu = m;
		g->scope = NULL;
		g->load = NULL;
	}
	/* GRUB points config_file / config_directory at the file while it runs. */
	old_file = dup_or_null(g_get(g, "config_file"));
	old_dir = dup_or_null(g_get(g, "config_directory"));
	dir = g_strdup(g, argv[1]);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash)
		*slash = '\0';
	g_set(g, "config_file", argv[1]);
	g_export(g, "config_file");
	g_set(g, "config_directory", dir ? dir : "");
	g_export(g, "config_directory");
	g->includes++;
	src->active = true;
	ret = g_exec_src(g, src);
	src->active = false;
	g->includes--;
	restore_var(g, "config_file", old_file);
	restore_var(g, "config_directory", old_dir);
	g->env = env;
	g->menu = menu;
	g->scope = scope;
	g->load = load;
	return newctx ? 0 : ret;
}

/* ---- Small commands with a meaningful status ---- */

/* keystatus: "is a modifier held?"  No; with no argument: "can you tell?" Yes. */
static int cmd_keystatus(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)g, (void)n, (void)argv;
	return argc > 1 ? 1 : 0;
}

/* hwmatch FILE CLASS (Ubuntu's gfx blacklist): this hardware is not listed. */
static int cmd_hwmatch(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)argc, (void)argv;
	g_set_at(g, "match", "0", n->src, n->line);
	return 0;
}

static int cmd_ignore(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	(void)g, (void)n, (void)argc, (void)argv;
	return 0;
}

/* ---- The command table (sorted by strcmp for bsearch) ---- */

static const struct gcmd cmds[] = {
	{ "[", g_cmd_test },
	{ "acpi", cmd_ignore },
	{ "appleloader", cmd_other_loader },
	{ "background_color", cmd_ignore },
	{ "background_image", cmd_ignore },
	{ "badram", cmd_ignore },
	{ "bls_import", g_cmd_blscfg },
	{ "blscfg", g_cmd_blscfg },
	{ "boot", cmd_ignore },
	{ "break", g_cmd_break },
	{ "cat", cmd_ignore },
	{ "chainloader", cmd_chainloader },
	{ "clear", cmd_ignore },
	{ "configfile", cmd_source },
	{ "continue", g_cmd_break },
	{ "cpuid", cmd_ignore },
	{ "cryptomount", cmd_ignore },
	{ "cutmem", cmd_ignore },
	{ "devicetree", cmd_devicetree },
	{ "drivemap", cmd_ignore },
	{ "echo", cmd_ignore },
	{ "eval", g_cmd_eval },
	{ "exit", cmd_action },
	{ "export", g_cmd_export },
	{ "extract_entries_configfile", cmd_ignore },
	{ "extract_entries_source", cmd_ignore },
	{ "false", g_cmd_false },
	{ "freedos", cmd_other_loader },
	{ "fwsetup", cmd_action },
	{ "gettext", cmd_ignore },
	{ "halt", cmd_action },
	{ "hwmatch", cmd_hwmatch },
	{ "initrd", cmd_initrd },
	{ "initrd16", cmd_initrd },
	{ "initrdefi", cmd_initrd },
	{ "insmod", cmd_ignore },
	{ "keymap", cmd_ignore },
	{ "keystatus", cmd_keystatus },
	{ "kfreebsd", cmd_other_loader },
	{ "knetbsd", cmd_other_loader },
	{ "kopenbsd", cmd_other_loader },
	{ "legacy_configfile", cmd_ignore },
	{ "legacy_source", cmd_ignore },
	{ "linux", cmd_linux },
	{ "linux16", cmd_linux },
	{ "linuxefi", cmd_linux },
	{ "list_env", cmd_ignore },
	{ "load_env", cmd_load_env },
	{ "loadfont", cmd_ignore },
	{ "loopback", cmd_ignore },
	{ "ls", cmd_ignore },
	{ "menuentry", cmd_menuentry },
	{ "module", cmd_module },
	{ "module2", cmd_module },
	{ "multiboot", cmd_multiboot },
	{ "multiboot2", cmd_multiboot },
	{ "nativedisk", cmd_ignore },
	{ "normal", cmd_ignore },
	{ "ntldr", cmd_other_loader },
	{ "parttool", cmd_ignore },
	{ "password", cmd_ignore },
	{ "password_pbkdf2", cmd_ignore },
	{ "plan9", cmd_other_loader },
	{ "play", cmd_ignore },
	{ "probe", cmd_probe },
	{ "read", cmd_ignore },
	{ "reboot", cmd_action },
	{ "regexp", g_cmd_false },
	{ "return", g_cmd_return },
	{ "rmmod", cmd_ignore },
	{ "save_env", cmd_ignore },
	{ "search", cmd_search },
	{ "search.file", cmd_search },
	{ "search.fs_label", cmd_search },
	{ "search.fs_uuid", cmd_search },
	{ "search_file", cmd_search },
	{ "search_fs_uuid", cmd_search },
	{ "search_label", cmd_search },
	{ "serial", cmd_ignore },
	{ "set", g_cmd_set },
	{ "setparams", g_cmd_setparams },
	{ "shift", g_cmd_shift },
	{ "sleep", cmd_ignore },
	{ "smbios", cmd_ignore },
	{ "source", cmd_source },
	{ "submenu", cmd_menuentry },
	{ "terminal_input", cmd_ignore },
	{ "terminal_output", cmd_ignore },
	{ "terminfo", cmd_ignore },
	{ "test", g_cmd_test },
	{ "tr", cmd_ignore },
	{ "true", g_cmd_true },
	{ "truecrypt", cmd_other_loader },
	{ "unset", g_cmd_unset },
	{ "usb", cmd_ignore },
	{ "videoinfo", cmd_ignore },
	{ "xnu_kernel", cmd_other_loader },
	{ "xnu_kernel64", cmd_other_loader },
};

static int cmd_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct gcmd *)e)->name);
}

const struct gcmd *g_find_cmd(const char *name)
{
	return bsearch(name, cmds, sizeof(cmds) / sizeof(cmds[0]), sizeof(cmds[0]), cmd_cmp);
}

bool g_cmd_table_sorted(void)
{
	size_t i;

	for (i = 1; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i - 1].name, cmds[i].name) >= 0)
			return false;
	return true;
}

/* ---- Building the menu ---- */

struct build {
	struct gstate *g;
	const char **path; /* submenu titles (scan arena), outermost first */
	size_t npath, cappath;
	int chain;         /* entries inside chained menus being built */
	int chained;       /* chained menus built so far */
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
			kb_entry_add_initrd(p, e, ld->initrds[i]);
		e->dtb = ld->dtb;
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
	g_exec_block(g, it->body);
	leave(g, &w);
	g_scope_release(&sc);
	e = make_entry(b, it, &ld, cap->nitems > 0);
	free(ld.initrds);
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
		"feature_chainloader_bpb",      "feature_ntldr",
		"feature_platform_search_hint", "feature_default_font_path",
		"feature_all_video_module",     "feature_menuentry_id",
		"feature_menuentry_options",    "feature_200_final",
		"feature_nativedisk_cmd",       "feature_timeout_style",
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
	top = g_menu_new(g, g->env);
	if (!top)
		goto oom;
	g->menu = top;
	grub_vars(g, p);
	src = g_src_new(g, p->fs, p->path, buf, len);
	if (!src)
		goto oom;
	src->active = true;
	g_exec_src(g, src);
	src->active = false;
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
	"/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", "/grub/grub.cfg",
	"/grub2/grub.cfg",     "/EFI/*/grub.cfg",      "/grub.cfg",
	NULL,
};

const struct kb_parser kb_parser_grub2 = {
	.name = "grub2",
	.paths = grub_paths,
	.parse = grub_parse,
};
