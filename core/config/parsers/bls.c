// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bls.c - Boot Loader Specification type #1 entries, found on their
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
 * grub/grubenv), as GRUB's load_env + blscfg would.  The same for initrd
 * lines, which are then split at blanks as GRUB's blscfg splits them
 * (RHEL 8: "initrd /initramfs-V.img $tuned_initrd").
 *
 * A variable nothing defines - that grubenv does not set; what a grub.cfg
 * sets is not seen here - makes the entry unavailable, with the reason
 * "options use $kernelopts, which nothing defines (...)": GRUB would boot
 * it with the variable empty, but kboot cannot know what the variable
 * stands for, and "options $kernelopts" without it is no command line.
 * tuned_params and tuned_initrd, which RHEL's grub.cfg sets (normally
 * empty), are left out silently.
 *
 * An entry file that a grub.cfg's blscfg also reads is one entry, GRUB's:
 * its options come from grub.cfg's variables and the grubenv GRUB loads
 * (on UEFI, EFI/<vendor>/grubenv on the ESP), so core/config/menu.c drops the
 * entry this parser made from the same file (same filesystem and path),
 * whatever the two command lines say.  Not done here: variables only
 * grub.cfg sets (default_kernelopts), and the command line when options
 * is missing; both are GRUB's reading's business.
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
 *
 * This file finds and reads the entries directories, sorts the entries and
 * applies loader.conf; bls-entry.c reads one entry file and makes its menu
 * entry (bls-private.h is what the two share).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/parsers/bls-private.h"
#include "config/parsers/bls.h"
#include "config/parsers/version-compare.h"

#define BLS_MAX_FILE (1024 * 1024)

/* ---- Small helpers ---- */

static char *str_lower(struct arena *a, const char *s, size_t n)
{
	char *q = arena_strndup(a, s, n);
	size_t i;

	for (i = 0; q && q[i]; i++)
		q[i] = (char)tolower((unsigned char)q[i]);
	return q;
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

/* ---- Sorting ---- */

/* strcmp where a missing or empty string sorts first. */
static int cmp_opt(const char *a, const char *b)
{
	if (bls_str_empty(a) || bls_str_empty(b))
		return !bls_str_empty(a) - !bls_str_empty(b);
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
	r = bls_str_empty(a->sort_key) - bls_str_empty(b->sort_key);
	if (r)
		return r;
	if (!bls_str_empty(a->sort_key)) {
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
	while (bls_next_line(buf, len, &pos, &lineno, &line, &key, &value)) {
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
		bls_parse_entry(p, be, buf, len);
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

		bls_add_entry(p, d, be);
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

int kb_bls_parse_one(struct kb_pctx *p, char *buf, size_t len)
{
	struct bls_dir *d = arena_alloc(p->arena, sizeof(*d));
	struct bls_entry *be = arena_alloc(p->arena, sizeof(*be));
	const char *name = strrchr(p->path, '/') + 1;
	size_t base = strlen(name);

	if (!d || !be)
		return -ENOMEM;
	if (base > 5 && !strcmp(name + base - 5, ".conf"))
		base -= 5;
	d->dir = kb_path_dir(p->arena, p->path);
	d->prefix = "";
	be->file = name;
	be->path = p->path;
	be->sort_name = str_lower(p->arena, name, base);
	be->id = arena_strndup(p->arena, name,
			       parse_tries(name, base, &be->tries_left, &be->tries_done));
	if (!d->dir || !be->sort_name || !be->id)
		return -ENOMEM;
	bls_parse_entry(p, be, buf, len);
	if (be->skip)
		kb_warn(p, be->skip_line, "entry skipped: it %s", be->skip);
	else
		bls_add_entry(p, d, be);
	sb_release(&be->options);
	sb_release(&be->overlays);
	return 0;
}

const struct kb_parser kb_parser_bls = {
	.name = "bls",
	.paths = NULL,
	.parse = NULL,
	.find = bls_find,
	.parse_fetched = kb_bls_parse_one,
};
