// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fallback.c - the fallback: offer the kernels a filesystem holds when no
 * config on it produced an entry (the core calls it only then).
 *
 * Which filesystem is which:
 *   - A root filesystem (it has /etc, /usr or /sbin) offers the kernels of
 *     its /boot - the filesystem its /etc/fstab mounts there, else its own
 *     /boot directory - and of its top directory (Debian's /vmlinuz
 *     symlinks), with root= naming itself.
 *   - Any other filesystem is taken for a separate /boot partition: it
 *     offers the kernels of its top directory and of /boot (for a "boot ->
 *     ." symlink), with root= naming the scanned root filesystem whose
 *     fstab mounts it at /boot.  When there is none the entries get no
 *     root= and say so in a warning.  When that root filesystem has no
 *     config either, both offer the same entries; the core merges them.
 *
 * Kernels: regular files (after symlinks) named vmlinuz-V, vmlinux-V,
 * kernel-V, bzImage-V, or plain vmlinuz, vmlinux, bzImage.  Skipped: names
 * starting with "." and backups and companions - ending in "~", .old,
 * .bak, .orig, .sig, .asc, .hmac, .sha256, .sha512, .signed, .efi, .gz,
 * .xz, .zst, .bz2, .lz4, .rpmnew, .rpmsave, .rpmorig, or holding ".dpkg-".
 * (Debian's /vmlinuz.old points at an older kernel /boot holds anyway; a
 * .old left by "make install" is a previous build of a listed version.)
 * Symlinks are followed inside the filesystem and through the fstab, and a
 * kernel reached twice (/vmlinuz and /boot/vmlinuz-V) is offered once,
 * under its real path, with the version and initrds of its real name.
 *
 * Initrds, looked for next to the kernel, the first that exists: for
 * version V initrd.img-V (Debian), initramfs-V.img (Fedora, Arch),
 * initrd-V.img, initrd-V (openSUSE), initramfs-V (Gentoo), initrd-V.gz;
 * for a plain vmlinuz: initrd.img, initrd, initramfs.img.  Microcode
 * images grub-mkconfig loads first (intel-uc.img, intel-ucode.img,
 * amd-uc.img, amd-ucode.img, early_ucode.cpio, microcode.cpio) come before
 * it when they exist.  initramfs-V-fallback.img (Arch) gives a second
 * entry "…, fallback initramfs" right after the first.
 *
 * Order: newest version first (UAPI version order, version-compare.h),
 * then by path.  Title: "Linux V (NAME)", NAME the root filesystem (else
 * the filesystem of the kernel); "Linux /boot/bzImage (NAME)" for a kernel
 * without a version in its name; cfg_id: the kernel's file name.
 *
 * Command line: "root=SPEC ro".  SPEC is UUID=… when the entry has an
 * initrd (UUID= needs an initramfs to be resolved), else PARTUUID=… (the
 * kernel resolves that itself); then the other one; then /dev/NAME.
 *
 * Not supported: arm's Image/zImage names, EFI stubs and UKIs (*.efi),
 * kernels in other directories, rootflags/subvolumes, LVM or MD roots by
 * name, guessing a command line from /etc/default/grub or /proc/cmdline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/parsers/version-compare.h"

#define MAX_LINKS 40

/* A kernel found, with what the menu entry needs. */
struct kernel {
	struct kb_file file;	   /* the real file (symlinks followed) */
	const char *name;	   /* the name it was listed under */
	const char *version;	   /* "" for a plain vmlinuz */
	const struct kb_fs *dirfs; /* filesystem and directory it was listed in */
	const char *dir;
	bool fallback; /* the entry with the fallback initramfs */
};

/* What one run looks at. */
struct scan_ctx {
	struct kb_pctx *p;
	const struct kb_fs *root; /* the root filesystem of these kernels, or NULL */
	struct ptrv kernels;	  /* struct kernel * */
};

/* ---- Names ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* The version of a kernel file name, "" for a plain one, NULL for no kernel. */
static const char *kernel_version(const char *name)
{
	static const char *const prefixes[] = {
		"vmlinuz-", "vmlinux-", "kernel-", "bzImage-", NULL,
	};
	static const char *const plain[] = { "vmlinuz", "vmlinux", "bzImage", NULL };
	static const char *const skip[] = {
		"~",	   ".old",    ".bak",	 ".orig",    ".sig",	 ".asc", ".hmac",
		".sha256", ".sha512", ".signed", ".efi",     ".gz",	 ".xz",	 ".zst",
		".bz2",	   ".lz4",    ".rpmnew", ".rpmsave", ".rpmorig", NULL,
	};
	size_t i;

	if (name[0] == '.' || strstr(name, ".dpkg-"))
		return NULL;
	for (i = 0; skip[i]; i++)
		if (ends_with(name, skip[i]))
			return NULL;
	for (i = 0; plain[i]; i++)
		if (!strcmp(name, plain[i]))
			return "";
	for (i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(name, prefixes[i], n) && name[n])
			return name + n;
	}
	return NULL;
}

/* ---- Files ---- */

/*
 * Follow symlinks in path on fs component by component; ".." and absolute
 * targets stay inside fs.  The real path (arena-owned), or NULL when it
 * cannot tell.
 */
static const char *real_path(struct kb_pctx *p, const struct kb_fs *fs, const char *path)
{
	const char *cur = "", *rest = path;
	char target[4096];
	int links = 0;

	if (!fs || fs->rootfd < 0)
		return NULL;
	for (;;) {
		const char *comp = rest, *next, *cand;
		ssize_t n;

		while (*comp == '/')
			comp++;
		if (!*comp)
			break;
		next = strchr(comp, '/');
		if (!next)
			next = comp + strlen(comp);
		cand = arena_printf(p->arena, "%s/%.*s", cur, (int)(next - comp), comp);
		if (!cand)
			return NULL;
		rest = next;
		n = readlinkat(fs->rootfd, cand + 1, target, sizeof(target) - 1);
		if (n < 0) {
			if (errno == EINVAL) {
				cur = cand; /* not a symlink */
				continue;
			}
			if (errno == ENOENT || errno == ENOTDIR)
				return arena_printf(p->arena, "%s%s", cand, rest);
			return NULL;
		}
		if (++links > MAX_LINKS)
			return NULL;
		target[n] = '\0';
		rest = kb_path_join(p->arena, NULL,
				    arena_printf(p->arena, "%s/%s%s", target[0] == '/' ? "" : cur,
						 target, rest));
		if (!rest)
			return NULL;
		cur = "";
	}
	return *cur ? cur : "/";
}

/*
 * The file path on fs names as a booted system with root filesystem
 * sc->root sees it (through its fstab when fs is that root), symlinks
 * followed.  fs == NULL when it is not a regular file.
 */
static struct kb_file locate(struct scan_ctx *sc, const struct kb_fs *fs, const char *path)
{
	struct kb_file f = { fs, path }, none = { NULL, NULL };
	const char *real;

	if (!path)
		return none;
	if (fs == sc->root)
		f = kb_view_resolve(sc->p, fs, path);
	if (!f.fs || !f.path || !kb_is_file(f.fs, f.path))
		return none;
	real = real_path(sc->p, f.fs, f.path);
	if (real)
		f.path = real;
	return f;
}

static const char *in_dir(struct kb_pctx *p, const char *dir, const char *name)
{
	return arena_printf(p->arena, "%s/%s", strcmp(dir, "/") ? dir : "", name);
}

/* A file name around the kernel version: prefix, version, suffix. */
struct vname {
	const char *pre;
	const char *post;
};

/* The first of names (NULL-terminated) next to the kernel that exists. */
static struct kb_file first_existing(struct scan_ctx *sc, const struct kernel *k,
				     const struct vname *names)
{
	struct kb_file none = { NULL, NULL };
	size_t i;

	for (i = 0; names[i].pre; i++) {
		const char *name = arena_printf(sc->p->arena, "%s%s%s", names[i].pre, k->version,
						names[i].post);
		struct kb_file f;

		if (!name)
			break;
		f = locate(sc, k->dirfs, in_dir(sc->p, k->dir, name));
		if (f.fs)
			return f;
	}
	return none;
}

/* ---- Collecting kernels ---- */

static bool seen(const struct scan_ctx *sc, struct kb_file f)
{
	size_t i;

	for (i = 0; i < sc->kernels.n; i++) {
		const struct kernel *k = sc->kernels.v[i];

		if (k->file.fs == f.fs && !strcmp(k->file.path, f.path))
			return true;
	}
	return false;
}

static void add_kernel(struct scan_ctx *sc, const struct kernel *tmpl, bool fallback)
{
	struct kernel *k = arena_memdup(sc->p->arena, tmpl, sizeof(*tmpl));

	if (!k)
		return;
	k->fallback = fallback;
	ptrv_push(sc->p->arena, &sc->kernels, k);
}

/*
 * A symlink to a kernel (/vmlinuz, openSUSE's /boot/vmlinuz) counts as its
 * target: the version and the initrds are those of the real file's name.
 */
static void as_target(struct scan_ctx *sc, struct kernel *k)
{
	const char *base = strrchr(k->file.path, '/') + 1;
	const char *v = kernel_version(base);

	if (!strcmp(base, k->name) || !v)
		return;
	k->name = base;
	k->version = v;
	k->dirfs = k->file.fs;
	k->dir = kb_path_dir(sc->p->arena, k->file.path);
}

static void scan_dir(struct scan_ctx *sc, const struct kb_fs *fs, const char *dir)
{
	static const struct vname fallback_initrd[] = {
		{ "initramfs-", "-fallback.img" },
		{ NULL, NULL },
	};
	struct ptrv names = { 0 };
	size_t i;

	if (!fs || !kb_is_dir(fs, dir) || kb_list_dir(sc->p, fs, dir, &names))
		return;
	for (i = 0; i < names.n; i++) {
		const char *name = strv_get(&names, i);
		struct kernel k = { .name = name, .dirfs = fs, .dir = dir };

		k.version = kernel_version(name);
		if (!k.version)
			continue;
		k.file = locate(sc, fs, in_dir(sc->p, dir, name));
		if (!k.file.fs)
			continue;
		as_target(sc, &k);
		if (seen(sc, k.file))
			continue;
		add_kernel(sc, &k, false);
		if (*k.version && first_existing(sc, &k, fallback_initrd).fs)
			add_kernel(sc, &k, true);
	}
}

static int cmp_kernels(const void *pa, const void *pb)
{
	const struct kernel *a = *(const struct kernel *const *)pa;
	const struct kernel *b = *(const struct kernel *const *)pb;
	int r = -kb_version_compare(a->version, b->version);

	if (r)
		return r;
	r = strcmp(a->file.path, b->file.path);
	if (r)
		return r;
	return (int)a->fallback - (int)b->fallback;
}

/* ---- Entries ---- */

static bool is_root_fs(const struct kb_fs *fs)
{
	return kb_is_dir(fs, "/etc") || kb_is_dir(fs, "/usr") || kb_is_dir(fs, "/sbin");
}

/* The scanned root filesystem whose fstab mounts boot at /boot, or NULL. */
static const struct kb_fs *root_of_boot(struct kb_pctx *p, const struct kb_fs *boot)
{
	size_t i, n = kb_fs_count(p);

	for (i = 0; i < n; i++) {
		const struct kb_fs *fs = kb_fs_at(p, i);

		if (fs != boot && kb_view_mount(p, fs, "/boot") == boot)
			return fs;
	}
	return NULL;
}

static const char *root_spec(struct kb_pctx *p, const struct kb_fs *root, bool initrd)
{
	if (initrd && root->uuid)
		return arena_printf(p->arena, "UUID=%s", root->uuid);
	if (root->partuuid)
		return arena_printf(p->arena, "PARTUUID=%s", root->partuuid);
	if (root->uuid)
		return arena_printf(p->arena, "UUID=%s", root->uuid);
	return arena_printf(p->arena, "/dev/%s", root->name);
}

static void add_entry(struct scan_ctx *sc, const struct kernel *k)
{
	static const char *const ucode[] = {
		"intel-uc.img",	    "intel-ucode.img", "amd-uc.img", "amd-ucode.img",
		"early_ucode.cpio", "microcode.cpio",  NULL,
	};
	static const struct vname main_initrd[] = {
		{ "initrd.img-", "" }, { "initramfs-", ".img" }, { "initrd-", ".img" },
		{ "initrd-", "" },     { "initramfs-", "" },	 { "initrd-", ".gz" },
		{ NULL, NULL },
	};
	static const struct vname plain_initrd[] = {
		{ "initrd.img", "" },
		{ "initrd", "" },
		{ "initramfs.img", "" },
		{ NULL, NULL },
	};
	static const struct vname fallback_initrd[] = {
		{ "initramfs-", "-fallback.img" },
		{ NULL, NULL },
	};
	struct kb_pctx *p = sc->p;
	struct kb_entry *e = kb_entry_new(p, 0);
	const struct kb_fs *named = sc->root ? sc->root : k->file.fs;
	struct kb_file initrd;
	const char *v = *k->version ? k->version : NULL;
	size_t i;

	if (!e)
		return;
	e->config = (struct kb_file){ NULL, NULL };
	e->kernel = k->file;
	e->cfg_id = k->fallback ? arena_printf(p->arena, "%s-fallback", k->name) : k->name;
	/* A plain vmlinuz or bzImage has no version: name it by its path. */
	e->title = arena_printf(p->arena, "Linux %s%s (%s)", v ? v : k->file.path,
				k->fallback ? ", fallback initramfs" : "", named->name);
	for (i = 0; ucode[i]; i++) {
		struct kb_file f = locate(sc, k->dirfs, in_dir(p, k->dir, ucode[i]));

		if (f.fs)
			kb_entry_add_initrd(p, e, f);
	}
	if (k->fallback)
		initrd = first_existing(sc, k, fallback_initrd);
	else
		initrd = first_existing(sc, k, v ? main_initrd : plain_initrd);
	if (initrd.fs)
		kb_entry_add_initrd(p, e, initrd);

	if (sc->root) {
		e->cmdline = arena_printf(p->arena, "root=%s ro",
					  root_spec(p, sc->root, initrd.fs != NULL));
	} else {
		e->cmdline = "ro";
		kb_entry_warn(p, e, "no root= given: no scanned root filesystem mounts %s at /boot",
			      k->file.fs->name);
	}
	if (!e->title || !e->cmdline || !e->cfg_id) {
		e->title = e->title ? e->title : "Linux";
		e->cmdline = e->cmdline ? e->cmdline : "";
		kb_entry_warn(p, e, "out of memory while making this entry");
	}
}

static int scan_find(struct kb_pctx *p)
{
	struct scan_ctx sc = { .p = p };
	const struct kb_fs *fs = p->fs;
	size_t i;

	if (is_root_fs(fs)) {
		const struct kb_fs *boot = kb_view_mount(p, fs, "/boot");

		sc.root = fs;
		if (boot && boot != fs)
			scan_dir(&sc, boot, "/");
		else
			scan_dir(&sc, fs, "/boot");
		scan_dir(&sc, fs, "/");
	} else {
		sc.root = root_of_boot(p, fs);
		scan_dir(&sc, fs, "/");
		scan_dir(&sc, fs, "/boot");
	}
	if (sc.kernels.n > 1)
		qsort(sc.kernels.v, sc.kernels.n, sizeof(void *), cmp_kernels);
	for (i = 0; i < sc.kernels.n; i++)
		add_entry(&sc, sc.kernels.v[i]);
	return 0;
}

const struct kb_parser kb_parser_scan = {
	.name = "scan",
	.paths = NULL,
	.parse = NULL,
	.find = scan_find,
};
