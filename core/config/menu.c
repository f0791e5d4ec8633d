// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * menu.c - kb_scan_run(): configs of every filesystem into one menu.
 *
 * See scan.h for the order of work and the default/timeout rule.
 * Duplicates: two entries from different configs (or two reads of one
 * config, as GRUB's configfile gives) are the same when type, kernel,
 * initrds (and multiboot modules' command lines), device tree and command line
 * are equal, where a leading "BOOT_IMAGE=…" word is
 * not compared (GRUB adds it, the same entry read as BLS has none).  The
 * first one in menu order is kept, unless it cannot boot and a later copy
 * can; the one kept inherits the default mark.  Before that, the BLS
 * parser's reading of an entry file that GRUB's blscfg also read is
 * dropped, whatever its command line: the file is one entry, GRUB's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "config/parser.h"
#include "config/scan.h"

/* The configs of one filesystem, in reading order. */
struct fs_result {
	struct ptrv configs; /* struct kb_pctx * */
	size_t nentries;     /* entries over all configs */
};

static struct kb_pctx *pctx_new(struct kb_scan *s, const struct kb_parser *parser,
				const struct kb_fs *fs, const char *path)
{
	struct kb_pctx *p = arena_alloc(s->arena, sizeof(*p));

	if (!p)
		return NULL;
	p->scan = s;
	p->arena = s->arena;
	p->parser = parser;
	p->fs = fs;
	p->path = path;
	p->timeout = KB_TIMEOUT_UNSET;
	return p;
}

/* A config was parsed (ret is what its parser returned): keep its results. */
static int config_done(struct kb_scan *s, struct fs_result *r, struct kb_pctx *p, int ret)
{
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		kb_warn(p, 0, "not parsed: %s", strerror(-ret));
	r->nentries += p->entries.n;
	return ptrv_push(s->arena, &r->configs, p);
}

static int parse_file(struct kb_scan *s, struct fs_result *r, const struct kb_parser *parser,
		      const struct kb_fs *fs, const char *path)
{
	struct kb_pctx *p = pctx_new(s, parser, fs, path);
	size_t len;
	char *buf;
	int ret;

	if (!p)
		return -ENOMEM;
	ret = kb_read(p, fs, path, 0, &buf, &len);
	if (ret == -EISDIR || ret == -ENOENT)
		return 0;
	if (ret) {
		kb_warn(p, 0, "cannot read: %s", strerror(-ret));
		return ret == -ENOMEM ? ret : 0;
	}
	return config_done(s, r, p, parser->parse(p, buf, len));
}

/* Expand one path pattern ("*" components match any name) and parse each match. */
static int parse_pattern(struct kb_scan *s, struct fs_result *r, const struct kb_parser *parser,
			 const struct kb_fs *fs, const char *dir, const char *rest)
{
	struct kb_pctx tmp = { .scan = s, .arena = s->arena };
	const char *slash, *comp;
	struct ptrv names = { 0 };
	size_t i, n;
	int ret;

	while (*rest == '/')
		rest++;
	slash = strchr(rest, '/');
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	comp = arena_strndup(s->arena, rest, n);
	if (!comp)
		return -ENOMEM;

	if (strcmp(comp, "*")) {
		char *path = kb_path_join(s->arena, dir, comp);

		if (!path)
			return -ENOMEM;
		if (!slash)
			return kb_is_file(fs, path) ? parse_file(s, r, parser, fs, path) : 0;
		if (!kb_is_dir(fs, path))
			return 0;
		return parse_pattern(s, r, parser, fs, path, slash);
	}
	if (kb_list_dir(&tmp, fs, dir, &names))
		return 0;
	for (i = 0; i < names.n; i++) {
		char *path = kb_path_join(s->arena, dir, strv_get(&names, i));

		if (!path)
			return -ENOMEM;
		if (!slash)
			ret = kb_is_file(fs, path) ? parse_file(s, r, parser, fs, path) : 0;
		else if (kb_is_dir(fs, path))
			ret = parse_pattern(s, r, parser, fs, path, slash);
		else
			ret = 0;
		if (ret)
			return ret;
	}
	return 0;
}

static int run_finder(struct kb_scan *s, struct fs_result *r, const struct kb_parser *parser,
		      const struct kb_fs *fs)
{
	struct kb_pctx *p = pctx_new(s, parser, fs, NULL);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = parser->find(p);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		kb_scan_warn(s, "%s: %s scan failed: %s", fs->name, parser->name, strerror(-ret));
	r->nentries += p->entries.n;
	return ptrv_push(s->arena, &r->configs, p);
}

static int run_parser(struct kb_scan *s, struct fs_result *r, const struct kb_parser *parser,
		      const struct kb_fs *fs)
{
	size_t i;
	int ret;

	if (parser->find)
		return run_finder(s, r, parser, fs);
	for (i = 0; parser->paths && parser->paths[i]; i++) {
		ret = parse_pattern(s, r, parser, fs, "/", parser->paths[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A network source (model.h): its one config, with the parser it
 * names or the one its name and content suggest.  Nothing else is looked
 * for: there is no directory to list.
 */
static int run_remote(struct kb_scan *s, struct fs_result *r, const struct kb_fs *fs)
{
	const struct kb_parser *parser;
	struct kb_pctx *p;
	size_t len;
	char *buf;
	int ret;

	if (!fs->config)
		return 0;
	p = pctx_new(s, NULL, fs, fs->config);
	if (!p)
		return -ENOMEM;
	ret = kb_read(p, fs, fs->config, 0, &buf, &len);
	if (ret) {
		kb_warn(p, 0, "cannot read: %s", strerror(-ret));
		return ret == -ENOMEM ? ret : 0;
	}
	parser = kb_parser_by_name(fs->parser ? fs->parser : kb_parser_guess(fs->config, buf));
	if (!parser) /* a name no parser has: what a guess falls back to */
		parser = kb_parser_by_name(kb_parser_guess("", ""));
	p->parser = parser;
	ret = parser->parse_fetched ? parser->parse_fetched(p, buf, len)
				    : parser->parse(p, buf, len);
	return config_done(s, r, p, ret);
}

static bool same_file(const struct kb_file *a, const struct kb_file *b)
{
	if (a->fs != b->fs)
		return false;
	return !a->fs || !strcmp(a->path, b->path);
}

/* Whether a config (not the fallback) already offers this kernel. */
static bool kernel_offered(struct fs_result *res, size_t nfs, const struct kb_file *k)
{
	size_t i, j, e;

	for (i = 0; i < nfs; i++) {
		for (j = 0; j < res[i].configs.n; j++) {
			struct kb_pctx *p = res[i].configs.v[j];

			if (!strcmp(p->parser->name, "scan"))
				continue;
			for (e = 0; e < p->entries.n; e++) {
				struct kb_entry *en = p->entries.v[e];

				if (same_file(&en->kernel, k))
					return true;
			}
		}
	}
	return false;
}

/* Drop fallback entries for kernels that some config offers already. */
static void drop_offered(struct fs_result *res, size_t nfs, struct kb_pctx *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->entries.n; i++) {
		struct kb_entry *e = p->entries.v[i];

		if (!kernel_offered(res, nfs, &e->kernel))
			p->entries.v[n++] = e;
	}
	p->entries.n = n;
	if (p->entries.v)
		p->entries.v[n] = NULL;
}

/* ---- Checks and merging ---- */

static const char *skip_boot_image(const char *c)
{
	if (strncmp(c, "BOOT_IMAGE=", 11))
		return c;
	while (*c && *c != ' ')
		c++;
	while (*c == ' ')
		c++;
	return c;
}

static bool same_entry(const struct kb_entry *a, const struct kb_entry *b)
{
	size_t i;

	/* Entries with no kernel (modules, LOCALBOOT...) are not duplicates. */
	if (!a->kernel.fs || !b->kernel.fs)
		return false;
	if (a->type != b->type || !same_file(&a->kernel, &b->kernel) ||
	    !same_file(&a->dtb, &b->dtb) || a->initrds.n != b->initrds.n)
		return false;
	for (i = 0; i < a->initrds.n; i++)
		if (!same_file(a->initrds.v[i], b->initrds.v[i]) ||
		    strcmp(kb_entry_modargs(a, i), kb_entry_modargs(b, i)))
			return false;
	return !strcmp(skip_boot_image(a->cmdline), skip_boot_image(b->cmdline));
}

/* FNV-1a over a string, continuing from h. */
static uint32_t fnv(uint32_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h * 16777619u;
}

/*
 * A set of pointers found by a hash, open addressing; enough for the menu's
 * duplicate and id checks to stay linear on 10,000 entries.
 */
struct pset {
	void **slot;   /* size entries, NULL when free */
	uint32_t *key; /* the hash of each slot's item */
	size_t size;   /* a power of two, at least twice the items */
};

static int pset_init(struct arena *a, struct pset *ps, size_t items)
{
	ps->size = 16;
	while (ps->size < items * 2)
		ps->size *= 2;
	ps->slot = arena_alloc(a, ps->size * sizeof(void *));
	ps->key = arena_alloc(a, ps->size * sizeof(uint32_t));
	return ps->slot && ps->key ? 0 : -ENOMEM;
}

/* The first slot at or after h's home that holds an item equal to p, or a free one. */
static size_t pset_find(struct pset *ps, uint32_t h, const void *p,
			bool (*eq)(const void *, const void *))
{
	size_t i = h & (ps->size - 1);

	while (ps->slot[i] && !(ps->key[i] == h && eq(ps->slot[i], p)))
		i = (i + 1) & (ps->size - 1);
	return i;
}

static uint32_t entry_hash(const struct kb_entry *e)
{
	uint32_t h = fnv(2166136261u, e->kernel.path);

	return fnv(h, skip_boot_image(e->cmdline));
}

static bool entry_eq(const void *a, const void *b)
{
	return same_entry(a, b);
}

/* ---- One entry per BLS file ---- */

static bool bls_file_eq(const void *a, const void *b)
{
	const struct kb_entry *x = a, *y = b;

	return x->bls.fs == y->bls.fs && !strcmp(x->bls.path, y->bls.path);
}

static uint32_t bls_file_hash(const struct kb_entry *e)
{
	return fnv(2166136261u, e->bls.path) ^ (uint32_t)(uintptr_t)e->bls.fs;
}

/*
 * Whether entry e of config p is a BLS entry file read on its own: p looked
 * at a whole filesystem (no config path: the BLS parser's find) or p is
 * that very file (fetched alone).  A blscfg's entries come from a grub.cfg.
 */
static bool standalone_bls(const struct kb_pctx *p, const struct kb_entry *e)
{
	return e->bls.fs && (!p->path || (p->fs == e->bls.fs && !strcmp(p->path, e->bls.path)));
}

/*
 * GRUB's blscfg and the BLS parser read the same entry files.  The entry
 * blscfg made is the one GRUB's menu shows - its options expanded from
 * grubenv and from grub.cfg's own variables, which the BLS parser cannot
 * see - so the BLS parser's entry for a file some blscfg read is dropped,
 * whatever the two command lines say.  Files are told apart by filesystem
 * and path.  Runs before the default is chosen: a dropped entry neither
 * decides nor keeps a default.
 */
static int drop_read_by_blscfg(struct kb_scan *s, struct fs_result *res, size_t nfs)
{
	struct pset read;
	size_t i, j, e, n, count = 0;

	for (i = 0; i < nfs; i++)
		for (j = 0; j < res[i].configs.n; j++) {
			struct kb_pctx *p = res[i].configs.v[j];

			for (e = 0; e < p->entries.n; e++) {
				struct kb_entry *en = p->entries.v[e];

				count += en->bls.fs && !standalone_bls(p, en);
			}
		}
	if (!count)
		return 0;
	if (pset_init(s->arena, &read, count))
		return -ENOMEM;
	for (i = 0; i < nfs; i++)
		for (j = 0; j < res[i].configs.n; j++) {
			struct kb_pctx *p = res[i].configs.v[j];

			for (e = 0; e < p->entries.n; e++) {
				struct kb_entry *en = p->entries.v[e];
				uint32_t h;
				size_t slot;

				if (!en->bls.fs || standalone_bls(p, en))
					continue;
				h = bls_file_hash(en);
				slot = pset_find(&read, h, en, bls_file_eq);
				read.slot[slot] = en;
				read.key[slot] = h;
			}
		}
	for (i = 0; i < nfs; i++)
		for (j = 0; j < res[i].configs.n; j++) {
			struct kb_pctx *p = res[i].configs.v[j];

			for (e = 0, n = 0; e < p->entries.n; e++) {
				struct kb_entry *en = p->entries.v[e];
				size_t slot;

				if (standalone_bls(p, en)) {
					slot = pset_find(&read, bls_file_hash(en), en, bls_file_eq);
					if (read.slot[slot])
						continue;
				}
				p->entries.v[n++] = en;
			}
			p->entries.n = n;
			if (p->entries.v)
				p->entries.v[n] = NULL;
		}
	return 0;
}

/* ---- Missing files ---- */

/* One existence check, cached: menus repeat the same kernel many times. */
struct filecheck {
	const struct kb_fs *fs;
	const char *path;
	bool ok;
};

static bool filecheck_eq(const void *a, const void *b)
{
	const struct filecheck *x = a, *y = b;

	return x->fs == y->fs && !strcmp(x->path, y->path);
}

static bool file_ok(struct kb_scan *s, struct pset *cache, const struct kb_file *f)
{
	struct filecheck key = { f->fs, f->path, false }, *c;
	uint32_t h = fnv(2166136261u, f->path) ^ (uint32_t)(uintptr_t)f->fs;
	size_t slot = pset_find(cache, h, &key, filecheck_eq);

	if (cache->slot[slot])
		return ((struct filecheck *)cache->slot[slot])->ok;
	/* A network source's files are only looked at when they are fetched. */
	key.ok = f->fs->url || kb_is_file(f->fs, f->path);
	c = arena_memdup(s->arena, &key, sizeof(key));
	if (c) {
		cache->slot[slot] = c;
		cache->key[slot] = h;
	}
	return key.ok;
}

static void check_file(struct kb_scan *s, struct pset *cache, struct kb_entry *e,
		       const struct kb_file *f, const char *what)
{
	if (!e->available)
		return;
	if (!f->fs) {
		e->available = false;
		e->reason = arena_printf(s->arena, "no %s given", what);
	} else if (!file_ok(s, cache, f)) {
		e->available = false;
		e->reason =
			arena_printf(s->arena, "%s %s:%s not found", what, f->fs->name, f->path);
	}
}

static void check_files(struct kb_scan *s, struct pset *cache, struct kb_entry *e)
{
	size_t i;

	check_file(s, cache, e, &e->kernel, "kernel");
	for (i = 0; i < e->initrds.n; i++)
		check_file(s, cache, e, e->initrds.v[i],
			   e->type == KB_MULTIBOOT ? "module" : "initrd");
	if (e->dtb.fs)
		check_file(s, cache, e, &e->dtb, "device tree");
}

/*
 * Ids: "<fs>-<6 hex digits>" from source, config, submenu path, title and
 * kernel, so they survive rescans and unrelated config edits; a clash (the
 * same title and kernel twice in one config) gets ".2", ".3"... in order.
 */
/* Ids handed out for one base, so repeats number themselves in O(1). */
struct idbase {
	const char *base; /* "<fs>-<6 hex digits>" */
	int count;	  /* entries given this base so far */
};

static bool idbase_eq(const void *a, const void *b)
{
	return !strcmp(((const struct idbase *)a)->base, ((const struct idbase *)b)->base);
}

static int assign_ids(struct kb_scan *s)
{
	struct kb_menu *m = &s->menu;
	struct pset ids;
	size_t i, j;

	if (pset_init(s->arena, &ids, m->entries.n))
		return -ENOMEM;
	for (i = 0; i < m->entries.n; i++) {
		struct kb_entry *e = m->entries.v[i];
		/* The fallback scan has no config: name its entries by the kernel's fs. */
		const struct kb_fs *idfs = e->config.fs ? e->config.fs : e->kernel.fs;
		const char *fsname = idfs ? idfs->name : "none";
		struct idbase key, *rec;
		uint32_t h = 2166136261u;
		size_t slot;

		h = fnv(h, e->source);
		h = fnv(h, fsname);
		h = fnv(h, e->config.path);
		for (j = 0; j < e->submenu.n; j++)
			h = fnv(h, strv_get(&e->submenu, j));
		h = fnv(h, e->title);
		h = fnv(h, e->kernel.path);
		key.base = arena_printf(s->arena, "%s-%06x", fsname, h & 0xffffff);
		if (!key.base)
			return -ENOMEM;
		/* A base ends in hex digits, "base.N" in ".N": they never clash. */
		h = fnv(2166136261u, key.base);
		slot = pset_find(&ids, h, &key, idbase_eq);
		rec = ids.slot[slot];
		if (!rec) {
			rec = arena_memdup(s->arena, &key, sizeof(key));
			if (!rec)
				return -ENOMEM;
			rec->count = 1;
			ids.slot[slot] = rec;
			ids.key[slot] = h;
			e->id = rec->base;
		} else {
			e->id = arena_printf(s->arena, "%s.%d", rec->base, ++rec->count);
			if (!e->id)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Default and timeout from the first config that has an available entry. */
static void choose_default(struct kb_scan *s, struct fs_result *res, size_t nfs)
{
	struct kb_entry *def = NULL;
	int timeout = KB_TIMEOUT_UNSET;
	size_t i, j, e;

	for (i = 0; i < nfs && !def; i++) {
		for (j = 0; j < res[i].configs.n && !def; j++) {
			struct kb_pctx *p = res[i].configs.v[j];
			struct kb_entry *first = NULL;

			for (e = 0; e < p->entries.n; e++) {
				struct kb_entry *en = p->entries.v[e];

				if (!en->available)
					continue;
				if (!first)
					first = en;
				if (en->is_default && !def)
					def = en;
			}
			if (first && !def)
				def = first;
			if (def)
				timeout = p->timeout;
		}
	}
	for (i = 0; i < s->menu.entries.n; i++) {
		struct kb_entry *en = s->menu.entries.v[i];

		en->is_default = en == def;
	}
	if (!def)
		s->menu.timeout = KB_TIMEOUT_WAIT;
	else if (timeout == KB_TIMEOUT_UNSET)
		s->menu.timeout = KB_DEFAULT_TIMEOUT;
	else
		s->menu.timeout = timeout;
}

static int merge(struct kb_scan *s, struct fs_result *res, size_t nfs)
{
	struct kb_menu *m = &s->menu;
	struct pset seen, files;
	size_t i, j, e, n, nfiles, *pos;

	for (i = 0, nfiles = 0; i < nfs; i++)
		for (j = 0; j < res[i].configs.n; j++) {
			struct kb_pctx *p = res[i].configs.v[j];

			for (e = 0; e < p->entries.n; e++)
				nfiles += 2 + ((struct kb_entry *)p->entries.v[e])->initrds.n;
		}
	if (pset_init(s->arena, &files, nfiles))
		return -ENOMEM;
	for (i = 0; i < nfs; i++)
		for (j = 0; j < res[i].configs.n; j++) {
			struct kb_pctx *p = res[i].configs.v[j];

			for (e = 0; e < p->entries.n; e++) {
				check_files(s, &files, p->entries.v[e]);
				if (ptrv_push(s->arena, &m->entries, p->entries.v[e]))
					return -ENOMEM;
			}
		}
	choose_default(s, res, nfs);

	/* Merge duplicates: the first in menu order stays. */
	if (pset_init(s->arena, &seen, m->entries.n))
		return -ENOMEM;
	pos = arena_alloc(s->arena, seen.size * sizeof(*pos));
	if (!pos)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < m->entries.n; i++) {
		struct kb_entry *en = m->entries.v[i];
		uint32_t h;
		size_t slot;
		struct kb_entry *kept;

		/*
		 * Entries with no kernel are no duplicates; they would all hash
		 * alike, so 100,000 of them would probe one long chain.
		 */
		if (!en->kernel.fs) {
			m->entries.v[n++] = en;
			continue;
		}
		h = entry_hash(en);
		slot = pset_find(&seen, h, en, entry_eq);
		kept = seen.slot[slot];
		if (!kept) {
			seen.slot[slot] = en;
			seen.key[slot] = h;
			pos[slot] = n;
		} else if (kept->origin != en->origin) {
			/* A copy from another config: merged. */
			kept->is_default |= en->is_default;
			/* A bootable copy takes the place of one that cannot boot. */
			if (!kept->available && en->available) {
				en->is_default |= kept->is_default;
				m->entries.v[pos[slot]] = en;
				seen.slot[slot] = en;
			}
			continue;
		}
		/* New, or one config listing the same thing twice: both stay. */
		m->entries.v[n++] = en;
	}
	m->entries.n = n;
	if (m->entries.v)
		m->entries.v[n] = NULL;
	return assign_ids(s);
}

int kb_scan_run(struct kb_scan *s)
{
	const struct kb_parser *fallback = kb_parser_by_name("scan");
	size_t nfs = s->fs.n, i, j;
	struct fs_result *res;
	int ret = 0;

	res = arena_alloc(s->arena, (nfs ? nfs : 1) * sizeof(*res));
	if (!res)
		return -ENOMEM;
	for (i = 0; i < nfs && !ret; i++) {
		const struct kb_fs *fs = s->fs.v[i];

		if (fs->url) {
			ret = run_remote(s, &res[i], fs);
			continue;
		}
		for (j = 0; kb_parsers[j] && !ret; j++)
			if (kb_parsers[j] != fallback)
				ret = run_parser(s, &res[i], kb_parsers[j], fs);
	}
	for (i = 0; i < nfs && !ret && fallback; i++) {
		struct kb_pctx *p;

		if (res[i].nentries || ((const struct kb_fs *)s->fs.v[i])->url)
			continue;
		ret = run_parser(s, &res[i], fallback, s->fs.v[i]);
		if (ret || !res[i].configs.n)
			continue;
		p = res[i].configs.v[res[i].configs.n - 1];
		drop_offered(res, nfs, p);
	}
	if (!ret)
		ret = drop_read_by_blscfg(s, res, nfs);
	if (ret)
		return ret;
	return merge(s, res, nfs);
}
