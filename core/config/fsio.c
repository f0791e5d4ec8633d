// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fsio.c - the file access parsers get: paths inside one filesystem.
 *
 * Every lookup starts at the filesystem's root fd and uses openat2() with
 * RESOLVE_IN_ROOT, so neither ".." nor an absolute symlink can leave the
 * filesystem.  On kernels older than 5.6 (no openat2) every path is
 * normalised lexically (kb_path_join) right before the openat(), whoever
 * asks - parsers, completion, the boot - which keeps ".." inside; a
 * symlink can still point out there.
 *
 * Only regular files are read (a FIFO or device node on a hostile disk must
 * not block or surprise us), and never more than the caller's limit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/scan.h"

char *kb_path_join(struct arena *a, const char *dir, const char *path)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	const char *p, *end;

	if (!path)
		return NULL;
	if (path[0] != '/' && dir)
		sb_printf(&in, "%s/%s", dir, path);
	else
		sb_adds(&in, path);
	if (in.oom) {
		sb_release(&in);
		return NULL;
	}

	for (p = sb_str(&in); *p; p = end) {
		size_t n;

		while (*p == '/')
			p++;
		end = p;
		while (*end && *end != '/')
			end++;
		n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* Up one level; at the root ".." is the root. */
			while (out.len > 0 && out.buf[out.len - 1] != '/')
				out.len--;
			if (out.len > 0)
				out.len--;
			if (out.buf)
				out.buf[out.len] = '\0';
			continue;
		}
		sb_addc(&out, '/');
		sb_add(&out, p, n);
	}
	sb_release(&in);
	if (out.len == 0)
		sb_addc(&out, '/');
	return sb_finish(&out, a);
}

char *kb_path_dir(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return arena_strdup(a, "/");
	return arena_strndup(a, path, (size_t)(slash - path));
}

/*
 * fs_open() on a kernel without openat2() (before 5.6): the path is
 * normalised here, whoever calls, so ".." cannot climb out of the root
 * (a symlink still can: the header says so).
 */
static int fs_open_old(const struct kb_fs *fs, const char *path, int flags)
{
	struct arena *a = arena_new();
	const char *norm = a ? kb_path_join(a, "/", path) : NULL;
	int fd, ret;

	if (!norm) {
		arena_free(a);
		return -ENOMEM;
	}
	fd = openat(fs->rootfd, norm[1] ? norm + 1 : ".", flags);
	ret = fd >= 0 ? fd : -errno;
	arena_free(a);
	return ret;
}

/* Open path (absolute within fs) with flags, confined to the filesystem. */
static int fs_open(const struct kb_fs *fs, const char *path, int flags)
{
	struct open_how how = {
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	static bool no_openat2;
	const char *rel = path;
	int fd;

	if (!fs || fs->rootfd < 0 || !path)
		return -ENOENT;
	while (*rel == '/')
		rel++;
	if (!*rel)
		rel = ".";
	/* openat2() refuses O_PATH combined with anything but a few flags. */
	flags |= O_CLOEXEC;
	if (!(flags & O_PATH))
		flags |= O_NOCTTY;
	how.flags = (unsigned long long)flags;

	if (!no_openat2) {
		fd = (int)syscall(SYS_openat2, fs->rootfd, rel, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS)
			return -errno;
		no_openat2 = true;
	}
	return fs_open_old(fs, path, flags);
}

static int fs_stat(const struct kb_fs *fs, const char *path, struct stat *st)
{
	int fd = fs_open(fs, path, O_PATH);
	int ret;

	if (fd < 0)
		return fd;
	ret = fstat(fd, st) ? -errno : 0;
	close(fd);
	return ret;
}

int kb_open(const struct kb_fs *fs, const char *path)
{
	return fs_open(fs, path, O_RDONLY);
}

bool kb_exists(const struct kb_fs *fs, const char *path)
{
	struct stat st;

	return fs_stat(fs, path, &st) == 0;
}

bool kb_is_file(const struct kb_fs *fs, const char *path)
{
	struct stat st;

	return fs_stat(fs, path, &st) == 0 && S_ISREG(st.st_mode);
}

bool kb_is_dir(const struct kb_fs *fs, const char *path)
{
	struct stat st;

	return fs_stat(fs, path, &st) == 0 && S_ISDIR(st.st_mode);
}

int kb_read(struct kb_pctx *p, const struct kb_fs *fs, const char *path, size_t max, char **buf,
	    size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *data;
	int fd, ret = 0;

	if (max == 0)
		max = KB_MAX_CONFIG_SIZE;
	fd = fs_open(fs, path, O_RDONLY | O_NONBLOCK);
	if (fd == -ENOENT && fs && fs->url && p && p->scan->fetch_missing &&
	    p->scan->fetch_missing(fs, path) == 0)
		fd = fs_open(fs, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	/* The size may change under us; read until EOF, within max. */
	cap = (size_t)st.st_size + 1;
	data = arena_alloc_uninit(p->arena, cap + 1);
	if (!data) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, data + n, cap - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			char *bigger;

			if (n > max) {
				ret = -EFBIG;
				goto out;
			}
			bigger = arena_alloc_uninit(p->arena, cap * 2 + 1);
			if (!bigger) {
				ret = -ENOMEM;
				goto out;
			}
			memcpy(bigger, data, n);
			data = bigger;
			cap *= 2;
		}
	}
	if (n > max) {
		ret = -EFBIG;
		goto out;
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
out:
	close(fd);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int kb_list_dir(struct kb_pctx *p, const struct kb_fs *fs, const char *path, struct ptrv *names)
{
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	fd = fs_open(fs, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((de = readdir(d))) {
		char *name;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		name = arena_strdup(p->arena, de->d_name);
		if (!name || ptrv_push(p->arena, names, name)) {
			ret = -ENOMEM;
			break;
		}
	}
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(void *), cmp_str);
	return ret;
}
