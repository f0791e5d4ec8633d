// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * testutil.c - the plumbing of testutil.h.  Not a test program: the Makefile
 * links it into every tests/unit/test_*.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "config/scan.h"
#include "lib/loop.h"
#include "testutil.h"

char tu_tmp[256];

/* ---- The temporary directory ---- */

int tu_make_tmp(void **state)
{
	int n;

	/* The program's name tells whose directory a leftover one was. */
	n = snprintf(tu_tmp, sizeof(tu_tmp), "/tmp/kboot-%s.XXXXXX", program_invocation_short_name);
	assert_true(n > 0 && (size_t)n < sizeof(tu_tmp));
	assert_non_null(mkdtemp(tu_tmp));
	return 0;
}

int tu_remove_tmp(void **state)
{
	char cmd[sizeof(tu_tmp) + 16];
	int ret;

	if (!tu_tmp[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tu_tmp);
	ret = system(cmd);
	tu_tmp[0] = '\0';
	return ret;
}

/* ---- Files and commands in it ---- */

void tu_put_len(const char *rel, const void *data, size_t len)
{
	char path[4096], *slash;
	FILE *f;
	int n;

	assert_true(tu_tmp[0]);
	n = snprintf(path, sizeof(path), "%s/%s", tu_tmp, rel);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	/* Existing directories fail with EEXIST; a real failure shows at fopen(). */
	for (slash = strchr(path + strlen(tu_tmp) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "wb");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void tu_put(const char *rel, const char *text)
{
	tu_put_len(rel, text, strlen(text));
}

void tu_sh(const char *fmt, ...)
{
	char *body, *cmd;
	va_list ap;
	int n;

	assert_true(tu_tmp[0]);
	va_start(ap, fmt);
	n = vasprintf(&body, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	/* Not "cd && body": a body with ";" must not run elsewhere when cd fails. */
	assert_true(asprintf(&cmd, "cd '%s' || exit 1\n%s", tu_tmp, body) >= 0);
	free(body);
	n = system(cmd);
	if (n != 0)
		fail_msg("shell command failed (status %d): %s", n, cmd);
	free(cmd);
}

char *tu_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* ---- A partitioned disk image ---- */

void tu_make_disk_image(void)
{
	tu_sh("set -e; mkdir -p boot/grub root/etc\n"
	      "echo 'set timeout=3' > boot/grub/grub.cfg\n"
	      "echo 'UUID=" TU_BOOT_UUID " /boot ext4 defaults 0 2' > root/etc/fstab\n"
	      "mkfs.ext4 -q -U " TU_BOOT_UUID " -L boot -d boot boot.img 4M\n"
	      "mkfs.ext4 -q -U " TU_ROOT_UUID " -L root -d root root.img 4M\n"
	      /* The journal claims to need recovery: a mount that replays it writes. */
	      "debugfs -w -R 'feature needs_recovery' root.img >/dev/null 2>&1\n"
	      "truncate -s 4M swap.img; mkswap -q swap.img >/dev/null\n"
	      "truncate -s 16M disk.img\n"
	      "printf 'label: gpt\\nstart=2048, size=4M, type=linux\\n"
	      "start=10240, size=4M, type=linux, uuid=" TU_ROOT_PARTUUID ", name=rootpart\\n"
	      "start=18432, size=4M, type=swap\\n' | sfdisk -q disk.img\n"
	      "dd if=boot.img of=disk.img bs=512 seek=2048 conv=notrunc status=none\n"
	      "dd if=root.img of=disk.img bs=512 seek=10240 conv=notrunc status=none\n"
	      "dd if=swap.img of=disk.img bs=512 seek=18432 conv=notrunc status=none\n");
}

/* ---- The event loop ---- */

static void tu_quit_cb(struct kb_loop *l, void *data)
{
	kb_loop_quit(l, 0);
}

void tu_pump(struct kb_loop *l, unsigned int ms)
{
	kb_loop_timer(l, ms, tu_quit_cb, NULL);
	kb_loop_run(l);
}

/* ---- Scans ---- */

void tu_add_dir(struct kb_scan *s, const char *rel, const struct kb_fs *id)
{
	char dir[4096];

	assert_true(tu_tmp[0]);
	if (rel)
		snprintf(dir, sizeof(dir), "%s/%s", tu_tmp, rel);
	else
		snprintf(dir, sizeof(dir), "%s", tu_tmp);
	assert_int_equal(kb_scan_add_dir(s, dir, id), 0);
}

void tu_add_source(struct kb_scan *s, const char *spec)
{
	char path[4096];

	assert_true(tu_tmp[0]);
	snprintf(path, sizeof(path), "%s/%s", tu_tmp, spec);
	assert_int_equal(kb_scan_add_source(s, path, stderr), 0);
}

struct kb_scan *tu_scan_dir(const char *rel, const struct kb_fs *id)
{
	struct kb_scan *s = kb_scan_new();

	assert_non_null(s);
	tu_add_dir(s, rel, id);
	assert_int_equal(kb_scan_run(s), 0);
	return s;
}

/* ---- Lookups in a scan ---- */

const struct kb_entry *tu_entry(const struct kb_scan *s, const char *title)
{
	size_t i;

	for (i = 0; i < s->menu.entries.n; i++) {
		const struct kb_entry *e = s->menu.entries.v[i];

		if (e->title && !strcmp(e->title, title))
			return e;
	}
	fail_msg("no entry \"%s\"", title);
	return NULL;
}

const struct kb_entry *tu_entry_at(const struct kb_scan *s, size_t i)
{
	assert_true(i < s->menu.entries.n);
	return s->menu.entries.v[i];
}

size_t tu_count_source(const struct kb_scan *s, const char *source)
{
	size_t i, n = 0;

	for (i = 0; i < s->menu.entries.n; i++) {
		const struct kb_entry *e = s->menu.entries.v[i];

		if (!strcmp(e->source, source))
			n++;
	}
	return n;
}

bool tu_warned(const struct kb_scan *s, const char *part)
{
	size_t i;

	for (i = 0; i < s->menu.warnings.n; i++)
		if (strstr(strv_get(&s->menu.warnings, i), part))
			return true;
	return false;
}

const struct kb_fs *tu_fs_named(const struct kb_scan *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->fs.n; i++) {
		const struct kb_fs *fs = s->fs.v[i];

		if (!strcmp(fs->name, name))
			return fs;
	}
	fail_msg("no filesystem %s", name);
	return NULL;
}

/* ---- Test servers ---- */

/* The Python with python3-pyftpdlib: Debian's, whatever is first on PATH. */
static const char *python(void)
{
	return access("/usr/bin/python3", X_OK) ? "python3" : "/usr/bin/python3";
}

struct tu_server tu_server_start(const char *script, ...)
{
	char line[64] = "";
	const char *argv[16];
	struct tu_server s;
	int in[2], out[2], argc = 0;
	size_t got = 0;
	va_list ap;

	argv[argc++] = python();
	argv[argc++] = script;
	argv[argc++] = "--dir";
	argv[argc++] = tu_tmp;
	va_start(ap, script);
	while ((argv[argc] = va_arg(ap, const char *)) && argc < 14)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	s.pid = fork();
	assert_true(s.pid >= 0);
	if (s.pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s.in = in[1];
	/* "PORT 12345\n" within 10 s, or the server is broken. */
	while (!memchr(line, '\n', got) && got < sizeof(line) - 1) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10000) != 1)
			fail_msg("%s did not start within 10 s", script);
		n = read(out[0], line + got, sizeof(line) - 1 - got);
		if (n <= 0)
			fail_msg("%s did not start (for ftpd.py: is python3-pyftpdlib installed?)",
				 script);
		got += (size_t)n;
		line[got] = '\0';
	}
	close(out[0]);
	assert_int_equal(sscanf(line, "PORT %d", &s.port), 1);
	return s;
}

void tu_server_stop(struct tu_server *s)
{
	if (s->pid <= 0)
		return;
	close(s->in);
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}
