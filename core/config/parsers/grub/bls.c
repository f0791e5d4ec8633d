// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bls.c - the `blscfg` command of Fedora's / RHEL's GRUB: one menu
 * entry per BootLoaderSpec file, made the way that module makes them.
 *
 * Where: the device is $root (EFI) or $boot, else $root (BIOS), or the
 * "(dev)/dir" argument; the directory is $blsdir, else /loader/entries,
 * else /boot/loader/entries.  Files: *.conf not starting with '.'.
 *
 * Each file is "key value" lines ('#' comments, leading blanks skipped); as
 * in blscfg, an empty line or one without a value ends the file.  Entries
 * without `linux` are skipped.  The entries are sorted newest first by their
 * file name read as name-version-release (rpm's version comparison), and
 * each becomes a menu entry with id = file name without ".conf", title =
 * `title` (else the kernel path), extra arguments from `grub_arg`, hotkey
 * from `grub_hotkey`, and this body, run like any entry:
 *
 *     load_video
 *     set gfxpayload=keep
 *     insmod gzio
 *     linux ($root)LINUX OPTIONS
 *     initrd ($root)EARLY... ($root)INITRD...
 *     devicetree ($root)DEVICETREE
 *
 * OPTIONS is the first `options` line (else $default_kernelopts) with its
 * $variables replaced now, from the current variables ($kernelopts from
 * grubenv in RHEL 8 style entries); EARLY are the $early_initrd files, in
 * the directory of the first initrd.
 *
 * A variable nothing defines is empty, as in blscfg, and the entry boots.
 * Each entry records the BLS file it came from (kb_entry.bls): the BLS
 * parser reads the same files on its own, and core/config/menu.c keeps this
 * reading, the one GRUB shows, and drops that one.
 *
 * Not supported: `blscfg default|non-default|ID` filters (all entries are
 * made), grub_users, grub_class (no effect on booting).  Only the first
 * `options` line counts, as in blscfg (the BLS parser joins them).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

struct bls {
	const char *path; /* of the .conf file, in the scan arena */
	char *id;	  /* file name without ".conf" */
	char **key, **val;
	size_t n, cap;
};

static const char *bls_get(const struct bls *b, const char *key, size_t *from)
{
	size_t i;

	for (i = from ? *from : 0; i < b->n; i++) {
		if (!strcmp(b->key[i], key)) {
			if (from)
				*from = i + 1;
			return b->val[i];
		}
	}
	if (from)
		*from = b->n;
	return NULL;
}

static void bls_read(struct gstate *g, struct bls *b, char *buf, size_t len)
{
	char *p = buf, *end = buf + len;

	while (p < end) {
		char *line = p, *nl = memchr(p, '\n', (size_t)(end - p)), *sep, *v;

		*(nl ? nl : end) = '\0';
		p = nl ? nl + 1 : end;
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '#')
			continue;
		/* GRUB's line reader drops carriage returns. */
		for (v = line; *v; v++)
			if (*v == '\r')
				memmove(v, v + 1, strlen(v));
		sep = strchr(line, ' ');
		if (!sep)
			sep = strchr(line, '\t');
		if (!sep || !sep[1])
			break; /* as blscfg: this ends the file */
		*sep++ = '\0';
		while (*sep == ' ' || *sep == '\t')
			sep++;
		if (b->n == b->cap) {
			size_t nc = b->cap ? b->cap * 2 : 8;
			char **k = arena_alloc(g->a, nc * sizeof(*k));
			char **vv = arena_alloc(g->a, nc * sizeof(*vv));

			if (!k || !vv)
				return;
			if (b->n) {
				memcpy(k, b->key, b->n * sizeof(*k));
				memcpy(vv, b->val, b->n * sizeof(*vv));
			}
			b->key = k;
			b->val = vv;
			b->cap = nc;
		}
		b->key[b->n] = line;
		b->val[b->n] = sep;
		b->n++;
	}
}

/* ---- rpm-style version comparison (what blscfg sorts with) ---- */

/* 1: a is newer, 0: same, -1: b is newer. */
static int vercmp(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 0;
	while (*a || *b) {
		const char *sa, *sb;
		size_t la, lb;
		bool num;
		int c;

		while (*a && !isalnum((unsigned char)*a) && *a != '~')
			a++;
		while (*b && !isalnum((unsigned char)*b) && *b != '~')
			b++;
		/* '~' sorts before anything, even the end. */
		if (*a == '~' || *b == '~') {
			if (*a != '~')
				return 1;
			if (*b != '~')
				return -1;
			a++;
			b++;
			continue;
		}
		if (!*a || !*b)
			break;
		sa = a;
		sb = b;
		num = isdigit((unsigned char)*a);
		if (num) {
			while (isdigit((unsigned char)*a))
				a++;
			while (isdigit((unsigned char)*b))
				b++;
		} else {
			while (isalpha((unsigned char)*a))
				a++;
			while (isalpha((unsigned char)*b))
				b++;
		}
		if (sb == b)
			return num ? 1 : -1; /* numbers are newer than letters */
		if (num) {
			while (*sa == '0' && sa < a)
				sa++;
			while (*sb == '0' && sb < b)
				sb++;
		}
		la = (size_t)(a - sa);
		lb = (size_t)(b - sb);
		if (num && la != lb)
			return la > lb ? 1 : -1;
		c = strncmp(sa, sb, la < lb ? la : lb);
		if (c)
			return c > 0 ? 1 : -1;
		if (la != lb)
			return la > lb ? 1 : -1;
	}
	if (!*a && !*b)
		return 0;
	return *a ? 1 : -1;
}

/* Split "name-version-release" at the last two '-' (blscfg's rules). */
static void nvr(char *s, const char **name, const char **ver, const char **rel)
{
	char *r = strrchr(s, '-'), *v;

	*rel = NULL;
	if (r) {
		*r = '\0';
		*rel = r + 1;
	}
	v = strrchr(s, '-');
	*ver = NULL;
	if (v) {
		*v = '\0';
		*ver = v + 1;
	}
	*name = s;
	if (!*ver) {
		*ver = *rel;
		*rel = NULL;
	}
}

static int bls_cmp(const struct bls *x, const struct bls *y)
{
	char *a = strdup(x->id), *b = strdup(y->id);
	const char *na, *va, *ra, *nb, *vb, *rb;
	int r = 0;

	if (!a || !b)
		goto out;
	nvr(a, &na, &va, &ra);
	nvr(b, &nb, &vb, &rb);
	r = vercmp(na, nb);
	if (!r)
		r = vercmp(va ? va : "", vb ? vb : "");
	if (!r)
		r = vercmp(ra ? ra : "", rb ? rb : "");
out:
	free(a);
	free(b);
	return r;
}

static int newest_first(const void *x, const void *y)
{
	return -bls_cmp(*(struct bls *const *)x, *(struct bls *const *)y);
}

/* blscfg's expand_val(): $name (letters, digits, _) replaced now. */
static void expand_now(struct gstate *g, struct strbuf *sb, const char *s)
{
	while (*s) {
		if (*s == '$' && (isalnum((unsigned char)s[1]) || s[1] == '_')) {
			const char *e = s + 1;
			char name[128];
			const char *v;

			while (isalnum((unsigned char)*e) || *e == '_')
				e++;
			if ((size_t)(e - s - 1) < sizeof(name)) {
				memcpy(name, s + 1, (size_t)(e - s - 1));
				name[e - s - 1] = '\0';
				v = g_get(g, name);
				if (v)
					sb_adds(sb, v);
			}
			s = e;
			continue;
		}
		sb_addc(sb, *s++);
	}
}

static void bls_entry(struct gstate *g, const struct gnode *n, const struct kb_fs *fs,
		      struct bls *b)
{
	const char *linux_ = bls_get(b, "linux", NULL), *title, *options, *dt, *hotkey, *v;
	const char *early = g_get(g, "early_initrd");
	struct strbuf sb = STRBUF_INIT;
	struct gsrc *src;
	struct gblock *body;
	struct gitem *it;
	size_t from, nargs = 0;
	char **argv;

	if (!linux_)
		return;
	title = bls_get(b, "title", NULL);
	options = bls_get(b, "options", NULL);
	if (!options)
		options = g_get(g, "default_kernelopts");
	dt = bls_get(b, "devicetree", NULL);
	hotkey = bls_get(b, "grub_hotkey", NULL);

	sb_printf(&sb, "load_video\nset gfxpayload=keep\ninsmod gzio\nlinux ($root)%s", linux_);
	if (options) {
		sb_addc(&sb, ' ');
		expand_now(g, &sb, options);
	}
	sb_addc(&sb, '\n');
	from = 0;
	if (early || bls_get(b, "initrd", &from)) {
		const char *first = bls_get(b, "initrd", NULL);
		const char *base = first ? first : linux_, *slash = strrchr(base, '/');
		int dirlen = slash ? (int)(slash - base + 1) : 0;

		sb_adds(&sb, "initrd");
		while (early && *early) {
			const char *sp = strchr(early, ' ');
			size_t len = sp ? (size_t)(sp - early) : strlen(early);

			sb_printf(&sb, " ($root)%.*s%.*s", dirlen, base, (int)len, early);
			early = sp ? sp + 1 : "";
		}
		for (from = 0; (v = bls_get(b, "initrd", &from));)
			sb_printf(&sb, " ($root)%s", v);
		sb_addc(&sb, '\n');
	}
	if (dt)
		sb_printf(&sb, "devicetree ($root)%s\n", dt);

	src = arena_alloc(g->a, sizeof(*src));
	body = arena_alloc(g->a, sizeof(*body));
	if (!src || !body || sb.oom)
		goto out;
	src->fs = fs;
	src->path = b->path;
	src->text = body->text = g_strdup(g, sb_str(&sb));
	src->len = sb.len;
	body->len = sb.len;
	body->line = 1;
	body->src = src;
	if (!body->text)
		goto out;
	for (from = 0; bls_get(b, "grub_arg", &from);)
		nargs++;
	argv = arena_alloc(g->a, (nargs + 2) * sizeof(*argv));
	it = argv ? g_menu_add(g, GI_ENTRY) : NULL;
	if (!it) {
		g_warn(g, n->src, n->line, "blscfg: too many menu entries");
		goto out;
	}
	argv[0] = g_strdup(g, title ? title : linux_);
	nargs = 1;
	for (from = 0; (v = bls_get(b, "grub_arg", &from));)
		argv[nargs++] = g_strdup(g, v);
	it->title = argv[0];
	it->id = b->id;
	it->hotkey = hotkey && hotkey[0] && !hotkey[1] ? hotkey[0] : '\0';
	it->argc = (int)nargs;
	it->argv = argv;
	it->body = body;
	it->src = src;
	it->line = 0;
	it->bls = true;
out:
	sb_release(&sb);
}

int g_cmd_blscfg(struct gstate *g, const struct gnode *n, int argc, char **argv)
{
	const char *devid = NULL, *dir = NULL;
	const struct kb_fs *fs;
	struct ptrv names = { NULL, 0, 0 };
	struct bls **v = NULL;
	size_t i, nv = 0;
	int err;

	if (!g->p)
		return 1;
	if (argc > 1 && argv[1][0] == '(' && strchr(argv[1], ')')) {
		const char *close = strchr(argv[1], ')');

		devid = g_strdup(g, argv[1]);
		((char *)devid)[close - argv[1] + 1] = '\0';
		dir = close[1] ? close + 1 : NULL;
	} else if (g->efi) {
		devid = g_get(g, "root");
	} else {
		devid = g_get(g, "boot");
		if (!devid)
			devid = g_get(g, "root");
	}
	fs = devid ? g_device(g, devid) : NULL;
	if (!fs) {
		g_warn(g, n->src, n->line, "blscfg: unknown device '%s'", devid ? devid : "");
		return 1;
	}
	if (!dir)
		dir = g_get(g, "blsdir");
	if (dir) {
		err = kb_list_dir(g->p, fs, dir, &names);
	} else {
		dir = "/loader/entries";
		err = kb_list_dir(g->p, fs, dir, &names);
		if (err) {
			dir = "/boot/loader/entries";
			err = kb_list_dir(g->p, fs, dir, &names);
		}
	}
	if (err) {
		g_warn(g, n->src, n->line, "blscfg: no entries directory on %s", fs->name);
		return 1;
	}
	v = calloc(names.n ? names.n : 1, sizeof(*v));
	if (!v)
		return 1;
	for (i = 0; i < names.n; i++) {
		const char *name = strv_get(&names, i);
		size_t len = strlen(name);
		struct bls *b;
		char *buf;
		size_t blen;

		if (name[0] == '.' || len <= 5 || strcmp(name + len - 5, ".conf"))
			continue;
		b = arena_alloc(g->a, sizeof(*b));
		if (!b)
			break;
		b->path = kb_path_join(g->p->arena, dir, name);
		b->id = arena_strndup(g->a, name, len - 5);
		if (!b->path || !b->id)
			break;
		if (kb_read(g->p, fs, b->path, 64 * 1024, &buf, &blen))
			continue;
		bls_read(g, b, buf, blen);
		v[nv++] = b;
	}
	qsort(v, nv, sizeof(*v), newest_first);
	for (i = 0; i < nv; i++) {
		/* blscfg keeps only one of two entries that compare equal. */
		if (i && !bls_cmp(v[i - 1], v[i]))
			continue;
		bls_entry(g, n, fs, v[i]);
	}
	free(v);
	return 0;
}
