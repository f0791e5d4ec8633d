// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_scanfallback.c - the fallback kernel scan on generated trees: many
 * kernels in version order, symlink loops and long chains, many links to
 * one kernel, which filesystem counts as a root, and a /boot found through
 * a LABEL= in another filesystem's fstab.  Small cases live in
 * tests/data/scan/ as golden files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/parsers/version-compare.h"
#include "config/scan.h"
#include "testutil.h"

static void clear(void)
{
	tu_sh("rm -rf a b && mkdir -p a b");
}

/* Scan tu_tmp/a (and tu_tmp/b when two) as filesystems "a" (label label_a) and "b". */
static struct kb_scan *scan(int n, const char *label_a)
{
	struct kb_fs ida = {
		.name = "a", .uuid = "aaaa-aaaa", .label = label_a, .disk = -1, .rootfd = -1
	};
	struct kb_fs idb = { .name = "b", .uuid = "bbbb-bbbb", .disk = -1, .rootfd = -1 };
	struct kb_scan *s = kb_scan_new();

	assert_non_null(s);
	tu_add_dir(s, "a", &ida);
	if (n > 1)
		tu_add_dir(s, "b", &idb);
	assert_int_equal(kb_scan_run(s), 0);
	return s;
}

/* 400 kernels with random versions: newest first, each with its initrd. */
static void test_many_kernels_newest_first(void **state)
{
	struct kb_scan *s;
	size_t i;
	int k;

	clear();
	tu_sh("mkdir -p a/etc a/boot");
	srand(3);
	for (k = 0; k < 400; k++) {
		char v[48];

		snprintf(v, sizeof(v), "%d.%d.%d-%d%s", rand() % 7, rand() % 30, rand() % 300, k,
			 rand() % 5 ? "-amd64" : "~rc1");
		tu_sh("echo k > a/boot/vmlinuz-%s && echo i > a/boot/initrd.img-%s", v, v);
	}
	s = scan(1, NULL);
	assert_int_equal(s->menu.entries.n, 400);
	for (i = 0; i < s->menu.entries.n; i++) {
		const struct kb_entry *e = tu_entry_at(s, i);
		const char *v = strrchr(e->kernel.path, '/') + strlen("/vmlinuz-");

		assert_int_equal(e->initrds.n, 1);
		assert_non_null(strstr(((struct kb_file *)e->initrds.v[0])->path, v));
		assert_string_equal(e->cmdline, "root=UUID=aaaa-aaaa ro");
		if (i + 1 < s->menu.entries.n) {
			const char *w = strrchr(tu_entry_at(s, i + 1)->kernel.path, '/') +
					strlen("/vmlinuz-");

			assert_true(kb_version_compare(v, w) >= 0);
		}
	}
	kb_scan_free(s);
}

/* A symlink loop and a chain longer than the kernel follows offer nothing. */
static void test_symlink_loops(void **state)
{
	struct kb_scan *s;
	int i;

	clear();
	tu_sh("mkdir -p a/etc a/boot && echo k > a/boot/vmlinuz-1.0");
	tu_sh("ln -s vmlinuz-loop2 a/boot/vmlinuz-loop1 && ln -s vmlinuz-loop1 a/boot/vmlinuz-loop2");
	tu_sh("ln -s vmlinuz-1.0 a/boot/chain0");
	for (i = 1; i <= 45; i++)
		tu_sh("ln -s chain%d a/boot/chain%d", i - 1, i);
	tu_sh("ln -s chain45 a/boot/vmlinuz-long && ln -s chain30 a/boot/vmlinuz-short");
	s = scan(1, NULL);
	/* vmlinuz-short is 31 links from the real file: it is vmlinuz-1.0. */
	assert_int_equal(s->menu.entries.n, 1);
	assert_string_equal(tu_entry_at(s, 0)->kernel.path, "/boot/vmlinuz-1.0");
	kb_scan_free(s);
}

/* Fifty names for one kernel (and one through a directory link) are one entry. */
static void test_many_links_one_kernel(void **state)
{
	struct kb_scan *s;
	int i;

	clear();
	tu_sh("mkdir -p a/usr a/real && echo k > a/real/vmlinuz-6.1.0 && ln -s real a/boot");
	for (i = 0; i < 50; i++)
		tu_sh("ln -s boot/vmlinuz-6.1.0 a/vmlinuz-6.1.0-alias%d", i);
	s = scan(1, NULL);
	assert_int_equal(s->menu.entries.n, 1);
	assert_string_equal(tu_entry_at(s, 0)->kernel.path, "/real/vmlinuz-6.1.0");
	assert_string_equal(tu_entry_at(s, 0)->title, "Linux 6.1.0 (a)");
	kb_scan_free(s);
}

/* A filesystem without /etc, /usr or /sbin is a /boot: its root comes from fstab. */
static void test_boot_found_by_label(void **state)
{
	struct kb_scan *s;
	size_t i;

	clear();
	tu_sh("echo k > a/vmlinuz-5.10.0 && echo i > a/initrd.img-5.10.0");
	tu_sh("mkdir -p b/etc b/boot && printf 'LABEL=BOOT /boot ext2 defaults 0 2\\n' > b/etc/fstab");
	s = scan(2, "BOOT");
	/* a's fallback and b's fallback both offer a's kernel for root b: merged. */
	assert_int_equal(s->menu.entries.n, 1);
	for (i = 0; i < s->menu.entries.n; i++) {
		assert_string_equal(tu_entry_at(s, i)->kernel.fs->name, "a");
		assert_string_equal(tu_entry_at(s, i)->cmdline, "root=UUID=bbbb-bbbb ro");
		assert_string_equal(tu_entry_at(s, i)->title, "Linux 5.10.0 (b)");
	}
	kb_scan_free(s);
}

/* Names that look like kernels but are not files, or are companions. */
static void test_not_kernels(void **state)
{
	static const char *const names[] = {
		"vmlinuz-1.old",
		"vmlinuz-1.bak",
		"vmlinuz-1~",
		"vmlinuz-1.dpkg-new",
		"vmlinuz-1.rpmsave",
		".vmlinuz-1.hmac",
		"vmlinux-1.gz",
		"vmlinux-1.xz",
		"vmlinuz-1.efi",
		"vmlinuz-",
		"kernel-",
		"vmlinuzz",
		"Image",
		"zImage",
		NULL,
	};
	struct kb_scan *s;
	size_t i;

	clear();
	tu_sh("mkdir -p a/etc a/boot/vmlinuz-dir && mkfifo a/boot/vmlinuz-fifo");
	for (i = 0; names[i]; i++)
		tu_sh("echo k > 'a/boot/%s'", names[i]);
	s = scan(1, NULL);
	assert_int_equal(s->menu.entries.n, 0);
	kb_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_kernels_newest_first),
		cmocka_unit_test(test_symlink_loops),
		cmocka_unit_test(test_many_links_one_kernel),
		cmocka_unit_test(test_boot_found_by_label),
		cmocka_unit_test(test_not_kernels),
	};

	return cmocka_run_group_tests(tests, tu_make_tmp, tu_remove_tmp);
}
