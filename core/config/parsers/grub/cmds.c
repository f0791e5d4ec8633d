// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmds.c - GRUB 2's own commands, as a menu entry's body or grub.cfg
 * runs them: the loaders (linux, initrd, multiboot, module, devicetree,
 * chainloader and the ones kexec cannot do), menuentry / submenu, search,
 * probe, load_env, source / configfile, and the table that maps every
 * command name - these, the script builtins and the ones ignored - to its
 * function.
 *
 * What each command supports, and which are ignored and why, is listed in
 * parser.c's header (the one list for the whole GRUB parser).
 *
 * Not here: the script builtins set, test, eval... (builtins.c),
 * the option parser the commands share (getopt.c), blscfg
 * (bls.c), turning the loaded files into menu entries (parser.c).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

/* ---- Loaders: what a menu entry's body loads ---- */

static void ld_reset(struct gload *ld, enum gload_kind kind)
{
	ld->kind = kind;
	ld->kernel.fs = NULL;
	ld->kernel.path = NULL;
	ld->cmdline = NULL;
	ld->ninitrds = 0;
	ld->other = NULL;
	ld->error = NULL;
}

/*
 * Resolve a file that loader command cmd names.  On a device kboot does not
 * know GRUB's command fails, so the entry cannot boot: warn, and keep the
 * first such reason for the entry.
 */
static bool ld_file(struct gstate *g, const struct gnode *n, const char *cmd, const char *name,
		    struct kb_file *f)
{
	const char *why = NULL;
	int err = g_resolve(g, name, f, &why);

	if (err == -ENODEV) {
		if (!why)
			why = "an unknown device";
		g_warn(g, n->src, n->line, "%s %s: %s", cmd, name, why);
		if (!g->load->error)
			g->load->error = arena_printf(g->p->arena, "%s %s: %s", cmd, name, why);
	}
	return !err;
}

/* Add an initrd or a module with its command line (args: NULL for none). */
static bool ld_add_initrd(struct gload *ld, struct kb_file f, const char *args)
{
	if (!g_grow((void **)&ld->initrds, &ld->capinitrds, ld->ninitrds, sizeof(*ld->initrds)) ||
	    !g_grow((void **)&ld->modargs, &ld->capmodargs, ld->ninitrds, sizeof(*ld->modargs)))
		return false;
	ld->modargs[ld->ninitrds] = args;
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
	sb_adds(&sb, "BOOT_IMAGE=");
	g_loader_cmdline(&sb, argc - 1, argv + 1, g->redhat);
	ld->cmdline = sb_finish(&sb, g->p->arena);
	/* On an unknown device nothing is loaded: initrd and boot fail after this. */
	return ld_file(g, n, argv[0], argv[1], &ld->kernel) ? 0 : 1;
}

static int cmd_initrd(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct gload *ld = g->load;
	int i;

	if (!ld)
		return 0;
	if (ld->kind != LD_LINUX || !ld->kernel.fs || argc < 2)
		return 1; /* GRUB: "you need to load the kernel first" */
	ld->ninitrds = 0;
	for (i = 1; i < argc; i++) {
		struct kb_file f;

		if (!ld_file(g, n, argv[0], argv[i], &f)) {
			ld->ninitrds = 0; /* GRUB loads all of them or none */
			return 1;
		}
		ld_add_initrd(ld, f, NULL);
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
	if (!ld_file(g, n, argv[0], argv[i], &ld->kernel))
		return 1;
	/*
	 * GRUB 2.04 and later (grub_multiboot_init_mbi): the words after the
	 * file name, quoted as for linux.  2.02 joined them unquoted.
	 */
	g_loader_cmdline(&sb, argc - i - 1, argv + i + 1, g->redhat);
	ld->cmdline = sb_finish(&sb, g->p->arena);
	return 0;
}

static int cmd_module(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	struct gload *ld = g->load;
	struct strbuf sb = STRBUF_INIT;
	struct kb_file f;
	int i = 1;

	if (!ld)
		return 0;
	if (i < argc && !strcmp(argv[i], "--nounzip"))
		i++;
	if (i >= argc || ld->kind != LD_MULTIBOOT || !ld->kernel.fs)
		return 1;
	if (!ld_file(g, n, argv[0], argv[i], &f))
		return 1;
	/* Its own command line, made like the kernel's (grub_multiboot_add_module). */
	g_loader_cmdline(&sb, argc - i - 1, argv + i + 1, g->redhat);
	ld_add_initrd(ld, f, sb_finish(&sb, g->p->arena));
	return 0;
}

static int cmd_devicetree(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	if (!g->load)
		return 0;
	if (argc < 2)
		return 1;
	return ld_file(g, n, argv[0], argv[1], &g->load->dtb) ? 0 : 1;
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

/* A file another command reads; on a device kboot does not know, warn: GRUB fails. */
static bool cmd_file(struct gstate *g, const struct gnode *n, const char *cmd, const char *name,
		     struct kb_file *f)
{
	const char *why = NULL;
	int err = g_resolve(g, name, f, &why);

	if (err == -ENODEV)
		g_warn(g, n->src, n->line, "%s %s: %s", cmd, name, why ? why : "an unknown device");
	return !err;
}

/* ---- menuentry, submenu ---- */

enum { ME_CLASS, ME_USERS, ME_HOTKEY, ME_SOURCE, ME_ID, ME_UNRESTRICTED };

/* GRUB's menuentry.c: no short options, and an unknown option is an argument. */
static const struct gopt menuentry_opts[] = {
	[ME_CLASS] = { "class", 0, GO_VALUE },
	[ME_USERS] = { "users", 0, GO_VALUE },
	[ME_HOTKEY] = { "hotkey", 0, GO_VALUE },
	[ME_SOURCE] = { "source", 0, GO_VALUE },
	[ME_ID] = { "id", 0, GO_VALUE },
	[ME_UNRESTRICTED] = { "unrestricted", 0, GO_NONE },
	{ NULL, 0, GO_NONE },
};

static int cmd_menuentry(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	bool sub = argv[0][0] == 's';
	const char *id, *hotkey;
	struct gargs a;
	struct gitem *it;
	char **pos;
	int i, ret;

	if (!n->u.cmd.block)
		return 1; /* GRUB: "no menuentry definition" (--source is not supported) */
	if (!g_getopt(g, n, menuentry_opts, GO_ACCEPT_DASH, argc, argv, &a, &ret))
		return ret;
	if (!a.nargs)
		return 1; /* GRUB: "missing arguments" */
	id = g_opt_value(&a, ME_ID);
	hotkey = g_opt_value(&a, ME_HOTKEY);
	pos = arena_alloc(g->a, (size_t)a.nargs * sizeof(*pos));
	if (!pos)
		return 1;
	for (i = 0; i < a.nargs; i++) {
		pos[i] = g_strdup(g, a.args[i]);
		if (!pos[i])
			return 1;
	}
	it = g_menu_add(g, sub ? GI_SUBMENU : GI_ENTRY);
	if (!it) {
		g_warn(g, n->src, n->line, "more than %d menu entries: the rest are ignored",
		       G_MAX_ITEMS);
		return 1;
	}
	it->title = pos[0];
	it->id = id ? g_strdup(g, id) : NULL;
	it->hotkey = hotkey && hotkey[0] && !hotkey[1] ? hotkey[0] : '\0';
	it->argc = a.nargs;
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

/* Find the filesystem whose mode is key (hints tried first) and set var to its name. */
static int search(struct gstate *g, const struct gnode *n, enum smode mode, const char *key,
		  const char *var, const char **hints, int nhints)
{
	static const char *const what[] = { "file", "label", "UUID" };
	const struct kb_fs *found = NULL;
	size_t k;
	int i;

	if (!g->p)
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

/* search.fs_uuid UUID [VAR [HINT...]], search.fs_label, search.file and the old names. */
static int cmd_search_alias(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	const char *cmd = argv[0];
	enum smode mode = S_FILE;

	if (strstr(cmd, "uuid"))
		mode = S_UUID;
	else if (strstr(cmd, "label"))
		mode = S_LABEL;
	if (argc < 2)
		return 1;
	if (argc <= 3)
		return search(g, n, mode, argv[1], argc > 2 ? argv[2] : NULL, NULL, 0);
	return search(g, n, mode, argv[1], argv[2], (const char **)argv + 3, argc - 3);
}

enum {
	SO_FILE,
	SO_LABEL,
	SO_UUID,
	SO_SET,
	SO_NO_FLOPPY,
	SO_EFIDISK_ONLY,
	SO_ROOT_DEV_ONLY,
	SO_HINT,
	SO_HINT_IEEE1275,
	SO_HINT_BIOS,
	SO_HINT_BAREMETAL,
	SO_HINT_EFI,
	SO_HINT_ARC,
};

/* search_wrap.c's options (--root-dev-only is Red Hat's); unknown ones are arguments. */
static const struct gopt search_opts[] = {
	[SO_FILE] = { "file", 'f', GO_NONE },
	[SO_LABEL] = { "label", 'l', GO_NONE },
	[SO_UUID] = { "fs-uuid", 'u', GO_NONE },
	[SO_SET] = { "set", 's', GO_OPTIONAL },
	[SO_NO_FLOPPY] = { "no-floppy", 'n', GO_NONE },
	[SO_EFIDISK_ONLY] = { "efidisk-only", 0, GO_NONE },
	[SO_ROOT_DEV_ONLY] = { "root-dev-only", 'r', GO_NONE },
	[SO_HINT] = { "hint", 'h', GO_VALUE },
	[SO_HINT_IEEE1275] = { "hint-ieee1275", 0, GO_VALUE },
	[SO_HINT_BIOS] = { "hint-bios", 0, GO_VALUE },
	[SO_HINT_BAREMETAL] = { "hint-baremetal", 0, GO_VALUE },
	[SO_HINT_EFI] = { "hint-efi", 0, GO_VALUE },
	[SO_HINT_ARC] = { "hint-arc", 0, GO_VALUE },
	{ NULL, 0, GO_NONE },
};

static int cmd_search(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	/* The hints this platform's GRUB uses, in the order it tries them. */
	const int hint_opts[] = { SO_HINT, g->efi ? SO_HINT_EFI : SO_HINT_BIOS, SO_HINT_BAREMETAL };
	const char **hints, *key, *var = NULL;
	enum smode mode;
	struct gargs a;
	int i, k, j = 0, nhints = 0, ret;

	if (!g_getopt(g, n, search_opts, GO_ACCEPT_DASH, argc, argv, &a, &ret))
		return ret;
	hints = gp_alloc(g->scratch, ((size_t)a.nused + 1) * sizeof(*hints));
	if (!hints)
		return 1;
	for (k = 0; k < 3; k++)
		for (i = 0; i < a.nused; i++)
			if (a.used[i].opt == hint_opts[k])
				hints[nhints++] = a.used[i].val;
	/* --hint-PLATFORM options of a newer GRUB come through as arguments. */
	while (j < a.nargs && !strncmp(a.args[j], "--hint-", 7))
		j++;
	if (g_opt_given(&a, SO_SET))
		var = g_opt_value(&a, SO_SET) ? g_opt_value(&a, SO_SET) : "root";
	if (j < a.nargs) {
		key = a.args[j];
	} else if (g_opt_value(&a, SO_SET)) {
		/* "search -f -s /x": --set took the name; GRUB searches it for root */
		key = g_opt_value(&a, SO_SET);
		var = "root";
	} else {
		g_warn(g, n->src, n->line, "%s: nothing to search for; GRUB fails", argv[0]);
		return 1;
	}
	/* GRUB's order when several are given: label, UUID, file. */
	if (g_opt_given(&a, SO_LABEL)) {
		mode = S_LABEL;
	} else if (g_opt_given(&a, SO_UUID)) {
		mode = S_UUID;
	} else if (g_opt_given(&a, SO_FILE)) {
		mode = S_FILE;
	} else {
		g_warn(g, n->src, n->line,
		       "%s: no -f, -l or -u says what %s is; GRUB fails (\"unspecified search type\")",
		       argv[0], key);
		return 1;
	}
	return search(g, n, mode, key, var, hints, nhints);
}

enum { PO_SET, PO_DRIVER, PO_PARTMAP, PO_FS, PO_FS_UUID, PO_LABEL, PO_PART_UUID };

static const struct gopt probe_opts[] = {
	[PO_SET] = { "set", 's', GO_VALUE },	      [PO_DRIVER] = { "driver", 'd', GO_NONE },
	[PO_PARTMAP] = { "partmap", 'p', GO_NONE },   [PO_FS] = { "fs", 'f', GO_NONE },
	[PO_FS_UUID] = { "fs-uuid", 'u', GO_NONE },   [PO_LABEL] = { "label", 'l', GO_NONE },
	[PO_PART_UUID] = { "part-uuid", 0, GO_NONE }, { NULL, 0, GO_NONE },
};

static int cmd_probe(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	const char *var, *val = NULL;
	const struct kb_fs *fs;
	struct gargs a;
	int ret;

	if (!g_getopt(g, n, probe_opts, 0, argc, argv, &a, &ret))
		return ret;
	if (a.nargs < 1 || !(fs = g_device(g, a.args[0])))
		return 1;
	var = g_opt_value(&a, PO_SET);
	/* probe.c answers the first of these that was asked for. */
	if (g_opt_given(&a, PO_DRIVER))
		val = NULL; /* not known here */
	else if (g_opt_given(&a, PO_PARTMAP))
		val = !fs->pttype ? NULL : !strcmp(fs->pttype, "dos") ? "msdos" : fs->pttype;
	else if (g_opt_given(&a, PO_PART_UUID))
		val = fs->partuuid;
	else if (g_opt_given(&a, PO_FS))
		val = fs->fstype;
	else if (g_opt_given(&a, PO_FS_UUID))
		val = fs->uuid;
	else if (g_opt_given(&a, PO_LABEL))
		val = fs->label;
	if (!val)
		return 1;
	if (var)
		g_set_at(g, var, val, n->src, n->line);
	return 0;
}

/* ---- load_env ---- */

#define ENVBLK_SIG "# GRUB Environment Block\n"

enum { LE_FILE, LE_SKIP_SIG };

static const struct gopt load_env_opts[] = {
	[LE_FILE] = { "file", 'f', GO_VALUE },
	[LE_SKIP_SIG] = { "skip-sig", 's', GO_NONE },
	{ NULL, 0, GO_NONE },
};

static int cmd_load_env(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	const char *file;
	struct gargs a;
	int err;
	struct kb_file f;
	char *buf, *p, *end;
	size_t len;

	if (!g_getopt(g, n, load_env_opts, 0, argc, argv, &a, &err))
		return err;
	if (!g->p)
		return 1;
	file = g_opt_value(&a, LE_FILE);
	if (!file) {
		const char *prefix = g_get(g, "prefix");

		if (!prefix)
			return 1;
		file = arena_printf(g->a, "%s/grubenv", prefix);
		if (!file)
			return 1;
	}
	if (!cmd_file(g, n, argv[0], file, &f))
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
		for (k = 0; k < a.nargs && strcmp(a.args[k], name); k++)
			;
		if (!a.nargs || k < a.nargs)
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

	if (argc != 2 || !g->p)
		return 1;
	if (!cmd_file(g, n, argv[0], argv[1], &f))
		return 0;
	src = g_load_file(g, f.fs, f.path, n->src, n->line);
	if (!src)
		return 0;
	/*
	 * A file may include itself, or another that includes it back, as long
	 * as something (a counter, a guard variable) ends it.  GRUB has no limit
	 * (its stack ends a recursion that does not end); kboot cuts it here.
	 */
	if (g->includes >= G_MAX_INCLUDE) {
		if (src->active)
			g_warn(g, n->src, n->line,
			       "%s: %s:%s includes itself without end; cut at %d levels", argv[0],
			       f.fs->name, f.path, G_MAX_INCLUDE);
		else
			g_warn(g, n->src, n->line,
			       "%s: includes nested deeper than %d levels; %s:%s not read", argv[0],
			       G_MAX_INCLUDE, f.fs->name, f.path);
		return 0;
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
	src->active++;
	g_exec_src(g, src);
	src->active--;
	g->includes--;
	restore_var(g, "config_file", old_file);
	restore_var(g, "config_directory", old_dir);
	g->env = env;
	g->menu = menu;
	g->scope = scope;
	g->load = load;
	return 0; /* GRUB's source and configfile always succeed (errors are printed) */
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
	{ ".", cmd_source },
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
	{ "search.file", cmd_search_alias },
	{ "search.fs_label", cmd_search_alias },
	{ "search.fs_uuid", cmd_search_alias },
	{ "search_file", cmd_search_alias },
	{ "search_fs_uuid", cmd_search_alias },
	{ "search_label", cmd_search_alias },
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
