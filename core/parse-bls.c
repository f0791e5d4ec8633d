// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse-bls.c - Boot Loader Specification type #1 entries, found on their
 * own on every filesystem (not only through GRUB's blscfg).
 *
 * Where: /loader/entries/NAME.conf (the root of an ESP, XBOOTLDR or separate
 * /boot partition) and /boot/loader/entries/NAME.conf (a root filesystem whose
 * /boot is a directory, as Fedora/RHEL install it).  When both exist and
 * list the same names (a /boot partition with the usual "boot -> ."
 * symlink), only /loader/entries is read.  A /loader/entries.srel that says
 * anything but "type1" marks a directory with other semantics: skipped.
 * File names: "*.conf", not starting with "." or "auto-" (systemd-boot
 * reserves those), at most 1 MiB.
 *
 * Lines are read as systemd-boot reads them: "\n" or "\r" end a line,
 * leading and trailing blanks are dropped, "#" starts a comment, the key is
 * the first word, the value the rest after blanks, and a value quoted as a
 * whole ("...") loses its quotes.  Keys are case-sensitive.
 *
 * Keys:
 *   title, version, machine-id, sort-key   the last one counts (warning)
 *   linux                                  the kernel
 *   initrd                                 each line one more, in order
 *                                          (a line with blanks: several)
 *   options                                all lines, joined by a space
 *   devicetree                             the device tree
 *   devicetree-overlay                     recorded in a warning: kboot
 *                                          cannot apply overlays
 *   architecture                           an entry for another
 *                                          architecture is skipped (the
 *                                          spec: "hidden"), with a warning
 *   efi, uki, uki-url (+ profile)          listed, unavailable: kexec
 *                                          starts Linux kernels only
 *   grub_users, grub_arg, grub_class,      GRUB (blscfg) extensions and
 *   grub_hotkey, id                        generator leftovers: ignored
 * Any other key is ignored with a warning.  An entry with none of linux,
 * efi, uki, uki-url, or with two different ones, is skipped with a warning
 * (systemd-boot skips both).  A file that repeats linux uses the last one.
 *
 * Paths are absolute in the filesystem holding the entries ("linux
 * vmlinuz" means "/vmlinuz").  For /boot/loader/entries on a root
 * filesystem the path is tried under /boot first, then as given: Fedora
 * writes "/boot/vmlinuz-V" there, an entry copied from a separate /boot
 * partition says "/vmlinuz-V".
 *
 * Command line: the joined options, blanks outside double quotes squeezed
 * to one space, so it equals what GRUB's blscfg passes after its word
 * splitting (minus GRUB's own BOOT_IMAGE=; kboot, like systemd-boot, adds
 * none).  A "$name" or "${name}" (Fedora's "options $kernelopts") is
 * replaced from the grubenv of the same /boot (grub2/grubenv, else
 * grub/grubenv), as GRUB's load_env + blscfg would; a variable grubenv does
 * not set is left out, as GRUB leaves out an unset variable, with a
 * warning (none for tuned_params and tuned_initrd, which RHEL's grub.cfg
 * sets, normally empty).  The same for initrd lines, which are then split at blanks as
 * GRUB's blscfg splits them (RHEL 8: "initrd /initramfs-V.img
 * $tuned_initrd").  Not done: variables only grub.cfg sets
 * (default_kernelopts), and the command line when options is missing.
 *
 * Title: title; else "PRETTY_NAME (version)" from the os-release of the
 * system the entry belongs to (the same root filesystem, or the one whose
 * /etc/machine-id is the entry's machine-id); else the entry id.
 * cfg_id: the entry id, the file name without ".conf" and without a boot
 * counter ("+LEFT" or "+LEFT-DONE").
 *
 * Order, as the specification's "Sorting" and systemd-boot: entries with
 * no tries left ("+0-N", "bad") last; entries with sort-key before those
 * without; among those with sort-key: sort-key ascending, machine-id
 * ascending (strcmp; missing sorts first), version descending (UAPI version
 * order); then all by file name without ".conf", descending in version
 * order; then more tries left first, fewer tries done first.  Entries of
 * /loader/entries and /boot/loader/entries are sorted separately.
 *
 * loader/loader.conf (next to the entries; for an XBOOTLDR partition, the
 * one of the ESP: another filesystem of the same disk holding
 * /loader/loader.conf): "default" is a glob matched,
 * case-insensitively, against the entry's file name with and without
 * ".conf" and with and without its boot counter (systemd-boot's id is the
 * file name with ".conf" in new versions, without in old ones); the first
 * entry in menu order that matches and can be booted is the default.
 * "@saved" (an EFI variable kboot cannot see) and other "@..." values mean
 * no default here.  "timeout": seconds; "menu-force" waits; "menu-hidden",
 * "menu-disabled" and "0" boot at once.  No timeout line: kboot's own
 * default (systemd-boot would hide its menu).  Other keys are ignored
 * (editor, console-mode, auto-entries, beep, ...).
 *
 * Not supported: type #2 UKIs in /EFI/Linux; merging and sorting the ESP's
 * and XBOOTLDR's entries as one list (each filesystem is its own config,
 * sorted on its own; the ESP's loader.conf applies to both);
 * boot counting is read, never written (kboot does not write to disks);
 * device tree overlays; the EFI variables LoaderEntryDefault,
 * LoaderEntryOneShot, LoaderConfigTimeout.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "parser.h"
#include "version-compare.h"

#define BLS_MAX_FILE  (1024 * 1024)
#define BLS_MAX_SMALL (64 * 1024) /* loader.conf, grubenv, os-release, machine-id */

/* One entries directory and what goes with it. */
struct bls_dir {
	const char *dir;	     /* "/loader/entries" or "/boot/loader/entries" */
	const char *prefix;	     /* "" or "/boot": where loader/ and grub2/ live */
	const char *conf;	     /* path of loader.conf when it exists, else NULL */
	const struct kb_fs *conf_fs; /* its filesystem (the ESP's for an XBOOTLDR) */
	const char *deflt;	     /* loader.conf default pattern, NULL when none */
	int deflt_line;		     /* its line in loader.conf */
	bool env_loaded;	     /* grubenv was looked for */
	const char *env_path;	     /* the grubenv read, NULL when none */
	struct ptrv env;	     /* const char *: name, value, name, value... */
	bool os_loaded;		     /* os-release of this root fs was looked for */
	const char *pretty;	     /* its PRETTY_NAME, NULL when none */
};

/* One parsed entry file. */
struct bls_entry {
	const char *file;      /* "abc+3-0.conf" */
	const char *path;      /* "/loader/entries/abc+3-0.conf" */
	const char *id;	       /* "abc": without ".conf" and boot counter */
	const char *sort_name; /* "abc+3-0": without ".conf", lower case */
	int tries_left;	       /* boot counter, -1 when not counted */
	int tries_done;	       /* failed attempts so far, -1 when not counted */
	const char *title;
	const char *version;
	const char *machine_id;
	const char *sort_key;
	const char *loader_key; /* "linux", "efi", "uki" or "uki-url"; NULL none */
	const char *loader;	/* its value */
	int loader_line;	/* its line */
	const char *profile;	/* UKI profile, NULL when none */
	const char *devicetree;
	struct strbuf overlays; /* devicetree-overlay values, space separated */
	struct ptrv initrds;	/* const char *, in order */
	struct strbuf options;	/* all options values joined by " " */
	const char *skip;	/* why the entry is not offered, NULL when it is */
	int skip_line;		/* line that made it skipped, 0 for the file */
	int nwarn;		/* warnings given for this file so far */
};

#define BLS_MAX_WARN 10 /* per file: a binary file must not flood the log */

/* ---- Small helpers ---- */

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool str_empty(const char *s)
{
	return !s || !*s;
}

static char *str_lower(struct arena *a, const char *s, size_t n)
{
	char *q = arena_strndup(a, s, n);
	size_t i;

	for (i = 0; q && q[i]; i++)
		q[i] = (char)tolower((unsigned char)q[i]);
	return q;
}

/*
 * The next "key value" line of buf, read the way systemd-boot reads loader
 * files.  *pos is the reading position, *lineno the number of the line at
 * *pos (only "\n" counts); *line is set to the number of the line returned.
 * Returns false at the end.  key/value point into buf, which is modified
 * (NULs written).  A key without a value is returned with *value == NULL.
 */
static bool next_line(char *buf, size_t len, size_t *pos, int *lineno, int *line_no, char **key,
		      char **value)
{
	while (*pos < len) {
		char *line = buf + *pos, *end, *v;
		size_t n = 0;

		*line_no = *lineno;
		while (*pos + n < len && line[n] != '\n' && line[n] != '\r')
			n++;
		*pos += n;
		if (*pos < len) {
			if (buf[*pos] == '\n')
				(*lineno)++;
			(*pos)++;
		}
		end = line + n;
		while (line < end && blank(*line))
			line++;
		while (end > line && blank(end[-1]))
			end--;
		*end = '\0';
		if (line == end || *line == '#')
			continue;
		for (v = line; *v && !blank(*v); v++)
			;
		*key = line;
		if (!*v) {
			*value = NULL;
			return true;
		}
		*v++ = '\0';
		while (blank(*v))
			v++;
		if (v[0] == '"' && end - v >= 2 && end[-1] == '"') {
			v++;
			end[-1] = '\0';
		}
		*value = v;
		return true;
	}
	return false;
}

/* The EFI architecture name of the machine kboot runs on, or NULL. */
static const char *local_arch(void)
{
	static const struct {
		const char *uname; /* prefix of uname -m */
		const char *efi;
	} map[] = {
		{ "x86_64", "x64" },
		{ "i386", "ia32" },
		{ "i486", "ia32" },
		{ "i586", "ia32" },
		{ "i686", "ia32" },
		{ "aarch64", "aa64" },
		{ "arm64", "aa64" },
		{ "arm", "arm" },
		{ "riscv64", "riscv64" },
		{ "riscv32", "riscv32" },
		{ "loongarch64", "loongarch64" },
		{ "ia64", "ia64" },
	};
	static struct utsname u;
	static const char *arch;
	static bool done;
	size_t i;

	if (done)
		return arch;
	done = true;
	if (uname(&u))
		return NULL;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(u.machine, map[i].uname, strlen(map[i].uname))) {
			arch = map[i].efi;
			break;
		}
	return arch;
}

/* A problem in the entry file at line (0: the file); at most BLS_MAX_WARN. */
__attribute__((format(printf, 4, 5))) static void file_warn(struct kb_pctx *p, struct bls_entry *be,
							    int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (++be->nwarn > BLS_MAX_WARN) {
		if (be->nwarn == BLS_MAX_WARN + 1)
			kb_warn_at(p, p->fs, be->path, line, "more problems; not reported");
		return;
	}
	va_start(ap, fmt);
	msg = arena_vprintf(p->arena, fmt, ap);
	va_end(ap);
	if (msg)
		kb_warn_at(p, p->fs, be->path, line, "%s", msg);
}

/* ---- Boot counting: "name+LEFT[-DONE].conf" ---- */

/*
 * Split the counter off a file name without ".conf".  Sets *left and *done
 * (-1 when there is no valid counter) and returns the length of the name
 * without the counter.
 */
static size_t parse_tries(const char *name, size_t n, int *left, int *done)
{
	const char *plus = NULL, *s, *end = name + n;
	long l, d = 0;
	size_t i;

	*left = *done = -1;
	for (i = 0; i < n; i++)
		if (name[i] == '+')
			plus = name + i;
	if (!plus)
		return n;
	s = plus + 1;
	if (s == end || !isdigit((unsigned char)*s))
		return n;
	for (l = 0; s < end && isdigit((unsigned char)*s); s++)
		if ((l = l * 10 + (*s - '0')) > INT_MAX)
			return n;
	if (s < end && *s == '-') {
		s++;
		if (s == end || !isdigit((unsigned char)*s))
			return n;
		for (; s < end && isdigit((unsigned char)*s); s++)
			if ((d = d * 10 + (*s - '0')) > INT_MAX)
				return n;
	}
	if (s != end)
		return n; /* a "+" inside the name, not a counter */
	*left = (int)l;
	*done = (int)d;
	return (size_t)(plus - name);
}

/* ---- Reading one entry file ---- */

static void set_single(struct kb_pctx *p, struct bls_entry *be, const char **slot, const char *key,
		       const char *value, int line)
{
	if (*slot)
		file_warn(p, be, line, "%s given again; the last one counts", key);
	*slot = value;
}

static void set_loader(struct kb_pctx *p, struct bls_entry *be, const char *key, const char *value,
		       int line)
{
	if (be->loader_key && strcmp(be->loader_key, key)) {
		if (!be->skip) {
			be->skip =
				arena_printf(p->arena, "has both %s and %s", be->loader_key, key);
			be->skip_line = line;
		}
		return;
	}
	if (be->loader_key)
		file_warn(p, be, line, "%s given again; the last one counts", key);
	be->loader_key = key;
	be->loader = value;
	be->loader_line = line;
}

static void parse_entry(struct kb_pctx *p, struct bls_entry *be, char *buf, size_t len)
{
	static const char *const ignored[] = {
		"grub_users", "grub_arg", "grub_class", "grub_hotkey", "id", NULL,
	};
	const char *arch = local_arch();
	size_t pos = 0, i;
	int lineno = 1, line;
	char *key, *value;

	if (strlen(buf) != len) {
		file_warn(p, be, 0, "contains NUL bytes; read as line ends");
		for (i = 0; i < len; i++)
			if (!buf[i])
				buf[i] = '\r'; /* ends a line without counting one */
	}
	while (next_line(buf, len, &pos, &lineno, &line, &key, &value)) {
		if (!value) {
			file_warn(p, be, line, "'%s' has no value; ignored", key);
			continue;
		}
		if (!strcmp(key, "title")) {
			set_single(p, be, &be->title, key, value, line);
		} else if (!strcmp(key, "version")) {
			set_single(p, be, &be->version, key, value, line);
		} else if (!strcmp(key, "machine-id")) {
			set_single(p, be, &be->machine_id, key, value, line);
		} else if (!strcmp(key, "sort-key")) {
			set_single(p, be, &be->sort_key, key, value, line);
		} else if (!strcmp(key, "linux") || !strcmp(key, "efi") || !strcmp(key, "uki") ||
			   !strcmp(key, "uki-url")) {
			set_loader(p, be, key, value, line);
		} else if (!strcmp(key, "initrd")) {
			ptrv_push(p->arena, &be->initrds, value);
		} else if (!strcmp(key, "options")) {
			if (be->options.len)
				sb_addc(&be->options, ' ');
			sb_adds(&be->options, value);
		} else if (!strcmp(key, "devicetree")) {
			set_single(p, be, &be->devicetree, key, value, line);
		} else if (!strcmp(key, "devicetree-overlay")) {
			if (be->overlays.len)
				sb_addc(&be->overlays, ' ');
			sb_adds(&be->overlays, value);
		} else if (!strcmp(key, "profile")) {
			set_single(p, be, &be->profile, key, value, line);
		} else if (!strcmp(key, "architecture")) {
			if ((!arch || strcasecmp(value, arch)) && !be->skip) {
				be->skip = arena_printf(
					p->arena, "is for architecture %s, not this machine's",
					value);
				be->skip_line = line;
			}
		} else {
			for (i = 0; ignored[i] && strcmp(ignored[i], key); i++)
				;
			if (!ignored[i])
				file_warn(p, be, line, "unknown key '%s' ignored", key);
		}
	}
	if (!be->loader_key && !be->skip)
		be->skip = "has no linux, efi or uki line";
}

/* ---- grubenv, os-release, machine-id ---- */

/* Parse a GRUB environment block into name/value pairs. */
static bool grubenv_parse(struct kb_pctx *p, const char *buf, size_t len, struct ptrv *env)
{
	static const char sig[] = "# GRUB Environment Block\n";
	size_t i = sizeof(sig) - 1;

	if (len < i || memcmp(buf, sig, i))
		return false;
	while (i < len) {
		struct strbuf name = STRBUF_INIT, val = STRBUF_INIT;
		bool in_value = false;

		if (buf[i] == '#' || buf[i] == '\n') {
			while (i < len && buf[i] != '\n')
				i++;
			i++;
			continue;
		}
		for (; i < len && buf[i] != '\n'; i++) {
			char c = buf[i];

			/* grub-editenv escapes "\" and newline with a backslash. */
			if (c == '\\' && i + 1 < len)
				c = buf[++i];
			else if (c == '=' && !in_value) {
				in_value = true;
				continue;
			}
			sb_addc(in_value ? &val : &name, c);
		}
		i++;
		if (in_value && name.len) {
			char *k = sb_finish(&name, p->arena), *v = sb_finish(&val, p->arena);

			if (k && v && !ptrv_push(p->arena, env, k))
				ptrv_push(p->arena, env, v);
		} else {
			sb_release(&name);
			sb_release(&val);
		}
	}
	return true;
}

static void grubenv_load(struct kb_pctx *p, struct bls_dir *d)
{
	static const char *const where[] = { "/grub2/grubenv", "/grub/grubenv", NULL };
	size_t i, len;
	char *buf;

	if (d->env_loaded)
		return;
	d->env_loaded = true;
	for (i = 0; where[i]; i++) {
		const char *path = arena_printf(p->arena, "%s%s", d->prefix, where[i]);

		if (!path || kb_read(p, p->fs, path, BLS_MAX_SMALL, &buf, &len))
			continue;
		if (!grubenv_parse(p, buf, len, &d->env)) {
			kb_warn_at(p, p->fs, path, 0, "not a GRUB environment block; ignored");
			continue;
		}
		d->env_path = path;
		return;
	}
}

static const char *grubenv_get(const struct bls_dir *d, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < d->env.n; i += 2) {
		const char *k = strv_get(&d->env, i);

		if (strlen(k) == n && !memcmp(k, name, n))
			return strv_get(&d->env, i + 1);
	}
	return NULL;
}

/* PRETTY_NAME of an os-release file on fs, unquoted; NULL when none. */
static const char *os_pretty_name(struct kb_pctx *p, const struct kb_fs *fs)
{
	static const char *const where[] = { "/etc/os-release", "/usr/lib/os-release", NULL };
	size_t i, len, pos = 0;
	char *buf;

	for (i = 0; where[i]; i++)
		if (!kb_read(p, fs, where[i], BLS_MAX_SMALL, &buf, &len))
			break;
	if (!where[i])
		return NULL;
	while (pos < len) {
		char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + 1;
		if (n > 12 && !strncmp(line, "PRETTY_NAME=", 12)) {
			struct strbuf out = STRBUF_INIT;
			char quote = 0, *s = line + 12, *end = line + n;

			while (end > s && (end[-1] == '\r' || blank(end[-1])))
				end--;
			for (; s < end; s++) {
				if (!quote && (*s == '"' || *s == '\''))
					quote = *s;
				else if (quote && *s == quote)
					quote = 0;
				else if (*s == '\\' && quote != '\'' && s + 1 < end)
					sb_addc(&out, *++s);
				else
					sb_addc(&out, *s);
			}
			return out.len ? sb_finish(&out, p->arena) : (sb_release(&out), NULL);
		}
	}
	return NULL;
}

/* The filesystem whose /etc/machine-id is id, or NULL. */
static const struct kb_fs *fs_by_machine_id(struct kb_pctx *p, const char *id)
{
	size_t i, n = kb_fs_count(p), len;
	char *buf;

	for (i = 0; i < n; i++) {
		const struct kb_fs *fs = kb_fs_at(p, i);

		if (kb_read(p, fs, "/etc/machine-id", BLS_MAX_SMALL, &buf, &len))
			continue;
		while (len && isspace((unsigned char)buf[len - 1]))
			buf[--len] = '\0';
		if (!strcasecmp(buf, id))
			return fs;
	}
	return NULL;
}

/* ---- Turning entries into menu entries ---- */

/*
 * A path of an entry as a file on p->fs: absolute in the filesystem of the
 * entries; for /boot/loader/entries tried under /boot first.
 */
static struct kb_file entry_file(struct kb_pctx *p, const struct bls_dir *d, const char *value)
{
	struct kb_file f = { .fs = p->fs, .path = kb_path_join(p->arena, "/", value) };
	const char *under;

	if (!*d->prefix || !f.path)
		return f;
	under = arena_printf(p->arena, "%s%s", d->prefix, f.path);
	if (!under)
		return f;
	if (kb_exists(p->fs, under))
		f.path = under;
	else if (!kb_exists(p->fs, f.path) && strncmp(f.path, "/boot/", 6))
		f.path = under; /* neither exists: name the likelier one */
	return f;
}

/* Variables grub.cfg itself sets, usually empty (RHEL's 00_tuned): no warning. */
static bool optional_var(const char *name, size_t n)
{
	static const char *const names[] = { "tuned_params", "tuned_initrd", NULL };
	size_t i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], name, n))
			return true;
	return false;
}

/*
 * Append s to out with "$name" and "${name}" replaced from the grubenv next
 * to the entries; what grubenv does not set is left out, with a warning.
 */
static void expand_vars(struct kb_pctx *p, struct bls_dir *d, struct kb_entry *e, const char *key,
			const char *s, struct strbuf *out)
{
	if (!strchr(s, '$')) {
		sb_adds(out, s);
		return;
	}
	grubenv_load(p, d);
	while (*s) {
		const char *name, *val;
		size_t n;

		if (*s != '$') {
			sb_addc(out, *s++);
			continue;
		}
		if (s[1] == '{' && strchr(s + 2, '}')) {
			name = s + 2;
			n = (size_t)(strchr(name, '}') - name);
			s = name + n + 1;
		} else {
			name = s + 1;
			for (n = 0; isalnum((unsigned char)name[n]) || name[n] == '_'; n++)
				;
			if (!n) {
				sb_addc(out, *s++);
				continue;
			}
			s = name + n;
		}
		val = grubenv_get(d, name, n);
		if (val)
			sb_adds(out, val);
		else if (optional_var(name, n))
			continue;
		else if (d->env_path)
			kb_entry_warn(p, e, "%s: $%.*s is not set in %s:%s; left out", key, (int)n,
				      name, p->fs->name, d->env_path);
		else
			kb_entry_warn(p, e, "%s: $%.*s left out: no grubenv next to %s", key,
				      (int)n, name, d->dir);
	}
}

/* The options with grubenv variables replaced and blanks squeezed. */
static const char *entry_cmdline(struct kb_pctx *p, struct bls_dir *d, struct bls_entry *be,
				 struct kb_entry *e)
{
	struct strbuf exp = STRBUF_INIT, out = STRBUF_INIT;
	bool quoted = false;
	const char *s;

	expand_vars(p, d, e, "options", sb_str(&be->options), &exp);
	/* Squeeze blanks outside double quotes, as GRUB's word splitting does. */
	for (s = sb_str(&exp); *s; s++) {
		if (*s == '"')
			quoted = !quoted;
		if (!quoted && isspace((unsigned char)*s)) {
			if (out.len && !isspace((unsigned char)s[1]) && s[1])
				sb_addc(&out, ' ');
			continue;
		}
		sb_addc(&out, *s);
	}
	sb_release(&exp);
	return sb_finish(&out, p->arena);
}

/*
 * The initrds of one initrd line: variables replaced, then split at blanks
 * (RHEL 8 writes "initrd /initramfs-V.img $tuned_initrd"; GRUB's blscfg
 * loads every word).
 */
static void add_initrds(struct kb_pctx *p, struct bls_dir *d, struct kb_entry *e, const char *value)
{
	struct strbuf exp = STRBUF_INIT;
	const char *s, *w;

	expand_vars(p, d, e, "initrd", value, &exp);
	for (s = sb_str(&exp); *s;) {
		while (isspace((unsigned char)*s))
			s++;
		for (w = s; *s && !isspace((unsigned char)*s); s++)
			;
		if (s > w)
			kb_entry_add_initrd(
				p, e,
				entry_file(p, d, arena_strndup(p->arena, w, (size_t)(s - w))));
	}
	sb_release(&exp);
}

static const char *entry_title(struct kb_pctx *p, struct bls_dir *d, struct bls_entry *be)
{
	const char *pretty = NULL;

	if (!str_empty(be->title))
		return be->title;
	if (*d->prefix) {
		if (!d->os_loaded) {
			d->os_loaded = true;
			d->pretty = os_pretty_name(p, p->fs);
		}
		pretty = d->pretty;
	} else if (!str_empty(be->machine_id)) {
		const struct kb_fs *fs = fs_by_machine_id(p, be->machine_id);

		if (fs)
			pretty = os_pretty_name(p, fs);
	}
	if (pretty && !str_empty(be->version))
		return arena_printf(p->arena, "%s (%s)", pretty, be->version);
	if (pretty)
		return pretty;
	return be->id;
}

static void add_entry(struct kb_pctx *p, struct bls_dir *d, struct bls_entry *be)
{
	struct kb_entry *e = kb_entry_new(p, be->loader_line);
	size_t i;

	if (!e)
		return;
	e->config.path = be->path;
	e->cfg_id = be->id;
	e->title = entry_title(p, d, be);
	e->cmdline = entry_cmdline(p, d, be, e);
	if (!e->title || !e->cmdline) {
		e->title = e->title ? e->title : be->id;
		e->cmdline = e->cmdline ? e->cmdline : "";
		kb_entry_warn(p, e, "out of memory while reading this entry");
	}
	if (!strcmp(be->loader_key, "linux")) {
		e->kernel = entry_file(p, d, be->loader);
		for (i = 0; i < be->initrds.n; i++)
			add_initrds(p, d, e, strv_get(&be->initrds, i));
		if (be->devicetree)
			e->dtb = entry_file(p, d, be->devicetree);
	} else if (!strcmp(be->loader_key, "efi")) {
		kb_entry_unavailable(p, e, "EFI program %s: kexec starts only Linux kernels",
				     be->loader);
	} else if (!strcmp(be->loader_key, "uki")) {
		kb_entry_unavailable(p, e,
				     "unified kernel image %s%s%s%s: kboot cannot kexec a UKI",
				     be->loader, be->profile ? " (profile " : "",
				     be->profile ? be->profile : "", be->profile ? ")" : "");
	} else {
		kb_entry_unavailable(
			p, e, "unified kernel image at %s: kboot cannot fetch or kexec a UKI",
			be->loader);
	}
	if (be->overlays.len)
		kb_entry_warn(p, e, "device tree overlays not applied (kboot cannot): %s",
			      sb_str(&be->overlays));
	if (be->tries_left == 0)
		kb_entry_warn(
			p, e,
			"boot counting marked this entry bad: no tries left after %d failed boots",
			be->tries_done);
}

/* ---- Sorting ---- */

/* strcmp where a missing or empty string sorts first. */
static int cmp_opt(const char *a, const char *b)
{
	if (str_empty(a) || str_empty(b))
		return !str_empty(a) - !str_empty(b);
	return strcmp(a, b);
}

static int cmp_entries(const void *pa, const void *pb)
{
	const struct bls_entry *a = *(const struct bls_entry *const *)pa;
	const struct bls_entry *b = *(const struct bls_entry *const *)pb;
	int r;

	r = (a->tries_left == 0) - (b->tries_left == 0);
	if (r)
		return r;
	r = str_empty(a->sort_key) - str_empty(b->sort_key);
	if (r)
		return r;
	if (!str_empty(a->sort_key)) {
		r = strcmp(a->sort_key, b->sort_key);
		if (!r)
			r = cmp_opt(a->machine_id, b->machine_id);
		if (!r)
			r = -kb_version_compare(a->version, b->version);
		if (r)
			return r;
	}
	r = -kb_version_compare(a->sort_name, b->sort_name);
	if (r)
		return r;
	if (a->tries_left >= 0 && b->tries_left >= 0) {
		if (a->tries_left != b->tries_left)
			return a->tries_left > b->tries_left ? -1 : 1;
		if (a->tries_done != b->tries_done)
			return a->tries_done < b->tries_done ? -1 : 1;
	}
	return strcmp(a->file, b->file); /* only case differs: any fixed order */
}

/* ---- loader.conf ---- */

/*
 * Another filesystem on the same disk as p->fs that has path: the ESP next
 * to an XBOOTLDR partition (systemd-boot reads loader.conf from the ESP
 * only, and applies it to the entries of both).  NULL when none or the disk
 * is unknown.
 */
static const struct kb_fs *sibling_with(struct kb_pctx *p, const char *path)
{
	size_t i, n = kb_fs_count(p);

	if (p->fs->disk < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct kb_fs *fs = kb_fs_at(p, i);

		if (fs != p->fs && fs->disk == p->fs->disk && kb_exists(fs, path))
			return fs;
	}
	return NULL;
}

static void parse_loader_conf(struct kb_pctx *p, struct bls_dir *d)
{
	const char *path = arena_printf(p->arena, "%s/loader/loader.conf", d->prefix);
	const struct kb_fs *fs = p->fs;
	size_t len, pos = 0;
	int lineno = 1, line;
	char *buf, *key, *value;

	if (!path)
		return;
	if (!kb_is_file(fs, path) && !*d->prefix)
		fs = sibling_with(p, path);
	if (!fs || kb_read(p, fs, path, BLS_MAX_SMALL, &buf, &len))
		return;
	d->conf = path;
	d->conf_fs = fs;
	while (next_line(buf, len, &pos, &lineno, &line, &key, &value)) {
		if (!value)
			continue;
		if (!strcmp(key, "default")) {
			d->deflt = value;
			d->deflt_line = line;
		} else if (!strcmp(key, "timeout")) {
			char *end;
			unsigned long long t;

			if (!strcmp(value, "menu-force")) {
				p->timeout = KB_TIMEOUT_WAIT;
			} else if (!strcmp(value, "menu-hidden") ||
				   !strcmp(value, "menu-disabled")) {
				p->timeout = 0;
			} else if (isdigit((unsigned char)value[0]) &&
				   (errno = 0, t = strtoull(value, &end, 10), !*end)) {
				p->timeout = errno || t > INT_MAX ? INT_MAX : (int)t;
			} else {
				kb_warn_at(p, fs, path, line, "bad timeout '%s' ignored", value);
			}
		}
	}
}

/* Whether the loader.conf pattern names this entry (see the header). */
static bool default_matches(struct kb_pctx *p, const char *pattern, const struct bls_entry *be)
{
	size_t n = strlen(be->file) - 5; /* without ".conf" */
	const char *names[] = {
		be->file,
		arena_strndup(p->arena, be->file, n),
		arena_printf(p->arena, "%s.conf", be->id),
		be->id,
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i] && !fnmatch(pattern, names[i], FNM_CASEFOLD))
			return true;
	return false;
}

/* ---- One directory ---- */

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcasecmp(name + n - 5, ".conf") &&
	       strncasecmp(name, "auto-", 5);
}

/* Whether entries.srel next to dir allows reading it (see the header). */
static bool srel_ok(struct kb_pctx *p, const struct bls_dir *d)
{
	const char *path = arena_printf(p->arena, "%s/loader/entries.srel", d->prefix);
	size_t len;
	char *buf;

	if (!path || kb_read(p, p->fs, path, BLS_MAX_SMALL, &buf, &len))
		return true;
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	if (!strcmp(buf, "type1"))
		return true;
	kb_warn_at(p, p->fs, path, 1,
		   "says '%.40s', not 'type1': %s is not read as Boot Loader Specification entries",
		   buf, d->dir);
	return false;
}

static void read_dir(struct kb_pctx *p, struct bls_dir *d, const struct ptrv *names)
{
	struct ptrv list = { 0 };
	bool have_default = false;
	size_t i;

	if (!srel_ok(p, d))
		return;
	for (i = 0; i < names->n; i++) {
		const char *name = strv_get(names, i);
		struct bls_entry *be;
		size_t len, base;
		char *buf;
		int ret;

		if (!valid_name(name))
			continue;
		be = arena_alloc(p->arena, sizeof(*be));
		if (!be)
			return;
		be->file = name;
		be->path = arena_printf(p->arena, "%s/%s", d->dir, name);
		if (!be->path)
			return;
		if (!kb_is_file(p->fs, be->path))
			continue;
		ret = kb_read(p, p->fs, be->path, BLS_MAX_FILE, &buf, &len);
		if (ret) {
			kb_warn_at(p, p->fs, be->path, 0, "cannot read: %s", strerror(-ret));
			continue;
		}
		base = strlen(name) - 5;
		be->sort_name = str_lower(p->arena, name, base);
		be->id = arena_strndup(p->arena, name,
				       parse_tries(name, base, &be->tries_left, &be->tries_done));
		if (!be->sort_name || !be->id)
			return;
		parse_entry(p, be, buf, len);
		if (be->skip) {
			kb_warn_at(p, p->fs, be->path, be->skip_line, "entry skipped: it %s",
				   be->skip);
			sb_release(&be->options);
			sb_release(&be->overlays);
			continue;
		}
		if (ptrv_push(p->arena, &list, be))
			return;
	}
	if (list.n > 1)
		qsort(list.v, list.n, sizeof(void *), cmp_entries);

	parse_loader_conf(p, d);
	if (d->deflt && d->deflt[0] == '@')
		d->deflt = NULL; /* @saved: an EFI variable; others: unsupported */
	for (i = 0; i < list.n; i++) {
		struct bls_entry *be = list.v[i];
		size_t first = p->entries.n;

		add_entry(p, d, be);
		if (d->deflt && !have_default && p->entries.n > first &&
		    default_matches(p, d->deflt, be)) {
			struct kb_entry *e = p->entries.v[first];

			if (e->available) {
				e->is_default = true;
				have_default = true;
			}
		}
		sb_release(&be->options);
		sb_release(&be->overlays);
	}
	/* With an XBOOTLDR next to it, the default may well be there. */
	if (d->deflt && !have_default && d->conf_fs != p->fs)
		kb_warn_at(p, d->conf_fs, d->conf, d->deflt_line,
			   "default '%s' matches no bootable entry in %s:%s", d->deflt, p->fs->name,
			   d->dir);
	else if (d->deflt && !have_default && !sibling_with(p, "/loader/entries"))
		kb_warn_at(p, p->fs, d->conf, d->deflt_line,
			   "default '%s' matches no bootable entry in %s", d->deflt, d->dir);
}

/* Whether two sorted name lists are the same (one directory seen twice). */
static bool same_names(const struct ptrv *a, const struct ptrv *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(strv_get(a, i), strv_get(b, i)))
			return false;
	return true;
}

static int bls_find(struct kb_pctx *p)
{
	struct bls_dir dirs[2] = {
		{ .dir = "/loader/entries", .prefix = "" },
		{ .dir = "/boot/loader/entries", .prefix = "/boot" },
	};
	struct ptrv names[2] = { { 0 }, { 0 } };
	bool have[2];
	size_t i;

	for (i = 0; i < 2; i++)
		have[i] = kb_is_dir(p->fs, dirs[i].dir) &&
			  !kb_list_dir(p, p->fs, dirs[i].dir, &names[i]);
	if (have[0] && have[1] && same_names(&names[0], &names[1]))
		have[1] = false;
	for (i = 0; i < 2; i++)
		if (have[i])
			read_dir(p, &dirs[i], &names[i]);
	return 0;
}

const struct kb_parser kb_parser_bls = {
	.name = "bls",
	.paths = NULL,
	.parse = NULL,
	.find = bls_find,
};
