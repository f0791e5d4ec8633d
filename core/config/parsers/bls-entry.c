// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bls-entry.c - one Boot Loader Specification entry file: its keys read,
 * and the menu entry made from them - paths under /boot first, $variables
 * of options and initrd lines from the grubenv next to the entries, the
 * title from the os-release of the system the entry belongs to, and what
 * makes it unavailable (efi, uki, uki-url, a variable nothing defines).
 *
 * What each key means, and what is not supported, is in bls.c's
 * header.  Not here: finding the entries directories and files, boot
 * counters in file names, sorting, loader.conf and the default
 * (bls.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "config/parsers/bls-private.h"

#define BLS_MAX_WARN 10 /* per file: a binary file must not flood the log */

/* ---- Small helpers ---- */

/*
 * The next "key value" line of buf, read the way systemd-boot reads loader
 * files.  *pos is the reading position, *lineno the number of the line at
 * *pos (only "\n" counts); *line is set to the number of the line returned.
 * Returns false at the end.  key/value point into buf, which is modified
 * (NULs written).  A key without a value is returned with *value == NULL.
 */
bool bls_next_line(char *buf, size_t len, size_t *pos, int *lineno, int *line_no, char **key,
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
		while (line < end && bls_blank(*line))
			line++;
		while (end > line && bls_blank(end[-1]))
			end--;
		*end = '\0';
		if (line == end || *line == '#')
			continue;
		for (v = line; *v && !bls_blank(*v); v++)
			;
		*key = line;
		if (!*v) {
			*value = NULL;
			return true;
		}
		*v++ = '\0';
		while (bls_blank(*v))
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

void bls_parse_entry(struct kb_pctx *p, struct bls_entry *be, char *buf, size_t len)
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
	while (bls_next_line(buf, len, &pos, &lineno, &line, &key, &value)) {
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

			while (end > s && (end[-1] == '\r' || bls_blank(end[-1])))
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

/* The variables of one entry that nothing defines (see expand_vars()). */
struct undefined {
	const char *key;     /* "options" or "initrd": where the first one is used */
	struct strbuf names; /* "$a, $b", each once */
};

/* Record $name (n bytes) as undefined, used in key. */
static void add_undefined(struct undefined *u, const char *key, const char *name, size_t n)
{
	const char *s = sb_str(&u->names), *hit;

	for (hit = s; (hit = strchr(hit, '$')); hit++)
		if (!strncmp(hit + 1, name, n) && (!hit[n + 1] || hit[n + 1] == ','))
			return;
	if (!u->key)
		u->key = key;
	sb_printf(&u->names, "%s$%.*s", u->names.len ? ", " : "", (int)n, name);
}

/*
 * Append s to out with "$name" and "${name}" replaced from the grubenv next
 * to the entries.  What grubenv does not set is left out, as GRUB leaves
 * out an unset variable, and recorded in u: kboot cannot know what the
 * entry needs there (a grub.cfg would define it, and its blscfg reading
 * replaces this one).  tuned_params and tuned_initrd are the exception.
 */
static void expand_vars(struct kb_pctx *p, struct bls_dir *d, struct undefined *u, const char *key,
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
		else if (!optional_var(name, n))
			add_undefined(u, key, name, n);
	}
}

/* The options with grubenv variables replaced and blanks squeezed. */
static const char *entry_cmdline(struct kb_pctx *p, struct bls_dir *d, struct bls_entry *be,
				 struct undefined *u)
{
	struct strbuf exp = STRBUF_INIT, out = STRBUF_INIT;
	bool quoted = false;
	const char *s;

	expand_vars(p, d, u, "options", sb_str(&be->options), &exp);
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
static void add_initrds(struct kb_pctx *p, struct bls_dir *d, struct kb_entry *e,
			struct undefined *u, const char *value)
{
	struct strbuf exp = STRBUF_INIT;
	const char *s, *w;

	expand_vars(p, d, u, "initrd", value, &exp);
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

	if (!bls_str_empty(be->title))
		return be->title;
	if (*d->prefix) {
		if (!d->os_loaded) {
			d->os_loaded = true;
			d->pretty = os_pretty_name(p, p->fs);
		}
		pretty = d->pretty;
	} else if (!bls_str_empty(be->machine_id)) {
		const struct kb_fs *fs = fs_by_machine_id(p, be->machine_id);

		if (fs)
			pretty = os_pretty_name(p, fs);
	}
	if (pretty && !bls_str_empty(be->version))
		return arena_printf(p->arena, "%s (%s)", pretty, be->version);
	if (pretty)
		return pretty;
	return be->id;
}

/*
 * Why an entry whose options or initrd lines use variables nothing defines
 * cannot be offered: GRUB would boot it with them empty, but what they
 * stand for ("$kernelopts": the whole command line) is unknown here.
 */
static void undefined_unavailable(struct kb_pctx *p, struct bls_dir *d, struct kb_entry *e,
				  struct undefined *u)
{
	const char *verb = strcmp(u->key, "options") ? "uses" : "use";

	if (d->env_path)
		kb_entry_unavailable(
			p, e,
			"%s %s %s, which nothing defines (not in %s:%s, and no GRUB blscfg reads this entry)",
			u->key, verb, sb_str(&u->names), p->fs->name, d->env_path);
	else
		kb_entry_unavailable(
			p, e,
			"%s %s %s, which nothing defines (no grubenv next to %s, and no GRUB blscfg reads this entry)",
			u->key, verb, sb_str(&u->names), d->dir);
}

void bls_add_entry(struct kb_pctx *p, struct bls_dir *d, struct bls_entry *be)
{
	struct kb_entry *e = kb_entry_new(p, be->loader_line);
	struct undefined u = { NULL, STRBUF_INIT };
	size_t i;

	if (!e)
		return;
	e->config.path = be->path;
	e->bls = e->config;
	e->cfg_id = be->id;
	e->title = entry_title(p, d, be);
	e->cmdline = entry_cmdline(p, d, be, &u);
	if (!e->title || !e->cmdline) {
		e->title = e->title ? e->title : be->id;
		e->cmdline = e->cmdline ? e->cmdline : "";
		kb_entry_warn(p, e, "out of memory while reading this entry");
	}
	if (!strcmp(be->loader_key, "linux")) {
		e->kernel = entry_file(p, d, be->loader);
		for (i = 0; i < be->initrds.n; i++)
			add_initrds(p, d, e, &u, strv_get(&be->initrds, i));
		if (be->devicetree)
			e->dtb = entry_file(p, d, be->devicetree);
		if (u.key)
			undefined_unavailable(p, d, e, &u);
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
	sb_release(&u.names);
}
