// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_core.c - the engine's plumbing: paths, confined file access, the
 * SOURCE syntax, JSON strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/json.h"
#include "config/parser.h"
#include "config/scan.h"
#include "testutil.h"

/* tu_tmp/fs: a file, two links out of fs, a FIFO, 100 bytes; tu_tmp/outside: a secret. */
static int make_tree(void **state)
{
	tu_make_tmp(state);
	tu_sh("mkdir -p fs/boot/grub outside && echo secret > outside/secret && "
	      "echo hello > fs/boot/grub/grub.txt && ln -s /../../outside/secret fs/abs-link && "
	      "ln -s ../../../outside/secret fs/boot/rel-link && mkfifo fs/fifo && "
	      "head -c 100 /dev/zero > fs/hundred");
	return 0;
}

static void test_path_join_normalises(void **state)
{
	struct arena *a = arena_new();

	assert_string_equal(kb_path_join(a, "/boot/grub", "x.cfg"), "/boot/grub/x.cfg");
	assert_string_equal(kb_path_join(a, "/boot/grub", "/x.cfg"), "/x.cfg");
	assert_string_equal(kb_path_join(a, "/boot/grub", "../vmlinuz"), "/boot/vmlinuz");
	assert_string_equal(kb_path_join(a, "/", "a//b/./c/"), "/a/b/c");
	assert_string_equal(kb_path_join(a, NULL, ""), "/");
	assert_string_equal(kb_path_dir(a, "/boot/grub/grub.cfg"), "/boot/grub");
	assert_string_equal(kb_path_dir(a, "/grub.cfg"), "/");
	arena_free(a);
}

static void test_path_join_never_leaves_root(void **state)
{
	struct arena *a = arena_new();

	assert_string_equal(kb_path_join(a, "/boot", "../../../../etc/passwd"), "/etc/passwd");
	assert_string_equal(kb_path_join(a, "/", ".."), "/");
	assert_string_equal(kb_path_join(a, "/a", "b/../../../.."), "/");
	arena_free(a);
}

/* A scan over tu_tmp/fs, for the file-access tests. */
static struct kb_scan *scan_fs(struct kb_pctx *p)
{
	struct kb_fs id = { .name = "t", .disk = -1, .rootfd = -1 };
	struct kb_scan *s = kb_scan_new();

	assert_non_null(s);
	tu_add_dir(s, "fs", &id);
	memset(p, 0, sizeof(*p));
	p->scan = s;
	p->arena = s->arena;
	p->fs = s->fs.v[0];
	return s;
}

static void test_read_file(void **state)
{
	struct kb_pctx p;
	struct kb_scan *s = scan_fs(&p);
	size_t len;
	char *buf;

	assert_int_equal(kb_read(&p, p.fs, "/boot/grub/grub.txt", 0, &buf, &len), 0);
	assert_string_equal(buf, "hello\n");
	assert_int_equal(len, 6);
	assert_true(kb_is_file(p.fs, "/boot/grub/grub.txt"));
	assert_true(kb_is_dir(p.fs, "/boot/grub"));
	assert_false(kb_exists(p.fs, "/nope"));
	kb_scan_free(s);
}

static void test_symlinks_stay_inside(void **state)
{
	struct kb_pctx p;
	struct kb_scan *s = scan_fs(&p);
	size_t len;
	char *buf;

	/* Both links point at tu_tmp/outside/secret on the host: not reachable. */
	assert_int_equal(kb_read(&p, p.fs, "/abs-link", 0, &buf, &len), -ENOENT);
	assert_int_equal(kb_read(&p, p.fs, "/boot/rel-link", 0, &buf, &len), -ENOENT);
	assert_false(kb_exists(p.fs, "/../outside/secret"));
	kb_scan_free(s);
}

static void test_read_limits(void **state)
{
	struct kb_pctx p;
	struct kb_scan *s = scan_fs(&p);
	size_t len;
	char *buf;

	assert_int_equal(kb_read(&p, p.fs, "/hundred", 99, &buf, &len), -EFBIG);
	assert_int_equal(kb_read(&p, p.fs, "/hundred", 100, &buf, &len), 0);
	assert_int_equal(len, 100);
	/* A FIFO would block a naive reader; a directory is not a file. */
	assert_int_equal(kb_read(&p, p.fs, "/fifo", 0, &buf, &len), -EINVAL);
	assert_int_equal(kb_read(&p, p.fs, "/boot", 0, &buf, &len), -EISDIR);
	kb_scan_free(s);
}

static void test_list_dir_sorted(void **state)
{
	struct kb_pctx p;
	struct kb_scan *s = scan_fs(&p);
	struct ptrv names = { 0 };

	assert_int_equal(kb_list_dir(&p, p.fs, "/", &names), 0);
	assert_int_equal(names.n, 4);
	assert_string_equal(strv_get(&names, 0), "abs-link");
	assert_string_equal(strv_get(&names, 1), "boot");
	assert_string_equal(strv_get(&names, 3), "hundred");
	kb_scan_free(s);
}

static void test_source_syntax(void **state)
{
	struct kb_scan *s = kb_scan_new();
	char spec[256];
	FILE *err = fopen("/dev/null", "w");
	const struct kb_fs *fs;

	snprintf(spec, sizeof(spec), "%s/fs:name=sda2:uuid=AB-CD:label=root:partuuid=P-1", tu_tmp);
	assert_int_equal(kb_scan_add_source(s, spec, err), 0);
	fs = s->fs.v[0];
	assert_string_equal(fs->name, "sda2");
	assert_string_equal(fs->uuid, "AB-CD");
	assert_string_equal(fs->label, "root");
	assert_string_equal(fs->partuuid, "P-1");
	/* Name defaults to the directory's base name, trailing slash or not. */
	snprintf(spec, sizeof(spec), "%s/fs/", tu_tmp);
	assert_int_equal(kb_scan_add_source(s, spec, err), 0);
	assert_string_equal(((struct kb_fs *)s->fs.v[1])->name, "fs");
	snprintf(spec, sizeof(spec), "%s/fs:colour=blue", tu_tmp);
	assert_int_equal(kb_scan_add_source(s, spec, err), -EINVAL);
	assert_int_equal(kb_scan_add_source(s, "/nonexistent/dir", err), -ENOENT);
	snprintf(spec, sizeof(spec), "%s/fs/fifo", tu_tmp);
	assert_int_equal(kb_scan_add_source(s, spec, err), -EINVAL);
	fclose(err);
	kb_scan_free(s);
}

static void test_fs_lookup(void **state)
{
	struct kb_scan *s = kb_scan_new();
	struct kb_pctx p = { .scan = s, .arena = s->arena };
	char spec[256];

	snprintf(spec, sizeof(spec), "%s/fs:name=sda2:uuid=ab-cd:label=root:partuuid=p-1", tu_tmp);
	assert_int_equal(kb_scan_add_source(s, spec, NULL), 0);
	assert_non_null(kb_fs_by_spec(&p, "UUID=AB-CD"));
	assert_non_null(kb_fs_by_spec(&p, "LABEL=root"));
	assert_null(kb_fs_by_spec(&p, "LABEL=ROOT"));
	assert_non_null(kb_fs_by_spec(&p, "PARTUUID=P-1"));
	assert_non_null(kb_fs_by_spec(&p, "/dev/sda2"));
	assert_non_null(kb_fs_by_spec(&p, "/dev/disk/by-uuid/ab-cd"));
	assert_null(kb_fs_by_spec(&p, "/dev/sda3"));
	kb_scan_free(s);
}

static char *json_of(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	kb_json_string(f, s);
	fclose(f);
	return buf;
}

static void test_json_strings(void **state)
{
	assert_string_equal(json_of("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(json_of("tab\there\n"), "\"tab\\there\\n\"");
	assert_string_equal(json_of("\x01"), "\"\\u0001\"");
	assert_string_equal(json_of("Débian ✓"), "\"Débian ✓\"");
	/* Invalid UTF-8 (a lone continuation byte, an overlong form) is replaced. */
	assert_string_equal(json_of("a\x80z"), "\"a\xef\xbf\xbdz\"");
	assert_string_equal(json_of("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_string_equal(json_of(NULL), "null");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_join_normalises),
		cmocka_unit_test(test_path_join_never_leaves_root),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_symlinks_stay_inside),
		cmocka_unit_test(test_read_limits),
		cmocka_unit_test(test_list_dir_sorted),
		cmocka_unit_test(test_source_syntax),
		cmocka_unit_test(test_fs_lookup),
		cmocka_unit_test(test_json_strings),
	};

	return cmocka_run_group_tests_name("core", tests, make_tree, tu_remove_tmp);
}
