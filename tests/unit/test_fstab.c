// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fstab.c - fstab views (core/config/fstab.c) called directly: mount point
 * matching, escapes, symlinks across mounts, the cache, warnings, and a
 * generated 10,000-line fstab.  Whole-scan cases are under tests/data/fstab/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/scan.h"
#include "testutil.h"

/* The scan of a test and a parser context on its first filesystem. */
struct view_test {
	struct kb_scan *s;
	struct kb_pctx p;
};

/* Filesystems root (sda2), boot (sda1, uuid B007), efi (sda3, label EFI SYS). */
static void start(struct view_test *t, const char *fstab)
{
	struct kb_fs id = { .disk = -1, .rootfd = -1 };

	tu_sh("rm -rf root boot efi && mkdir -p root/etc root/boot boot efi");
	if (fstab)
		tu_put("root/etc/fstab", fstab);
	t->s = kb_scan_new();
	assert_non_null(t->s);
	id.name = "sda2";
	tu_add_dir(t->s, "root", &id);
	id.name = "sda1";
	id.uuid = "b007b007-0000-4000-8000-000000000001";
	tu_add_dir(t->s, "boot", &id);
	id.name = "sda3";
	id.uuid = NULL;
	id.label = "EFI SYS";
	tu_add_dir(t->s, "efi", &id);
	memset(&t->p, 0, sizeof(t->p));
	t->p.scan = t->s;
	t->p.arena = t->s->arena;
	t->p.fs = t->s->fs.v[0];
	t->p.path = "/etc/lilo.conf";
	t->p.timeout = KB_TIMEOUT_UNSET;
}

static void finish(struct view_test *t)
{
	kb_scan_free(t->s);
}

/* "NAME:/path" of the resolved file. */
static const char *where(struct view_test *t, const char *path)
{
	struct kb_file f = kb_view_resolve(&t->p, t->p.fs, path);

	assert_non_null(f.fs);
	assert_non_null(f.path);
	return kb_file_str(t->s->arena, &f);
}

static size_t warnings(struct view_test *t)
{
	return t->s->menu.warnings.n;
}

#define BOOT_UUID "b007b007-0000-4000-8000-000000000001"

static void test_longest_mount_point_wins(void **state)
{
	struct view_test t;

	start(&t, "UUID=" BOOT_UUID " /boot ext4 defaults 0 2\n"
		  "LABEL=EFI\\040SYS /boot/efi vfat defaults 0 1\n");
	assert_string_equal(where(&t, "/vmlinuz"), "sda2:/vmlinuz");
	assert_string_equal(where(&t, "/boot"), "sda1:/");
	assert_string_equal(where(&t, "/boot/vmlinuz"), "sda1:/vmlinuz");
	assert_string_equal(where(&t, "/boot/efi/EFI/x.efi"), "sda3:/EFI/x.efi");
	assert_string_equal(where(&t, "/boot/efix"), "sda1:/efix");
	assert_string_equal(where(&t, "/bootx/vmlinuz"), "sda2:/bootx/vmlinuz");
	assert_int_equal(warnings(&t), 0);
	finish(&t);
}

static void test_paths_are_normalised(void **state)
{
	struct view_test t;

	start(&t, "UUID=" BOOT_UUID " /boot/ ext4 defaults 0 2\n");
	assert_string_equal(where(&t, "boot//./vmlinuz"), "sda1:/vmlinuz");
	assert_string_equal(where(&t, "/boot/../../../etc/fstab"), "sda2:/etc/fstab");
	assert_string_equal(where(&t, "/boot/x/../../boot/y"), "sda1:/y");
	finish(&t);
}

static void test_view_mount(void **state)
{
	struct view_test t;

	start(&t, "UUID=" BOOT_UUID " /boot ext4 defaults 0 2\n"
		  "UUID=0000 /home ext4 defaults 0 2\n/dev/sda9 / ext4 defaults 0 1\n");
	assert_ptr_equal(kb_view_mount(&t.p, t.p.fs, "/"), t.p.fs);
	assert_ptr_equal(kb_view_mount(&t.p, t.p.fs, "/boot/"), tu_fs_named(t.s, "sda1"));
	assert_null(kb_view_mount(&t.p, t.p.fs, "/home")); /* not scanned */
	assert_null(kb_view_mount(&t.p, t.p.fs, "/srv"));  /* no entry */
	/* kb_view_mount does not resolve paths, so nothing warned. */
	assert_int_equal(warnings(&t), 0);
	finish(&t);
}

static void test_dev_disk_by_label_escapes(void **state)
{
	struct view_test t;

	start(&t, "/dev/disk/by-label/EFI\\x20SYS /efi vfat defaults 0 0\n"
		  "/dev/disk/by-uuid/" BOOT_UUID " /b ext4 defaults 0 0\n"
		  "UUID='" BOOT_UUID "' /c ext4 defaults 0 0\n"
		  "/dev/sda1\t/d\text4\tdefaults\t0\t0\n");
	assert_string_equal(where(&t, "/efi/a"), "sda3:/a");
	assert_string_equal(where(&t, "/b/a"), "sda1:/a");
	assert_string_equal(where(&t, "/c/a"), "sda1:/a");
	assert_string_equal(where(&t, "/d/a"), "sda1:/a");
	finish(&t);
}

static void test_unscanned_mount_warns_once(void **state)
{
	struct view_test t;

	start(&t, "# comment\nUUID=0000-dead /boot ext4 defaults 0 2\n");
	assert_string_equal(where(&t, "/boot/vmlinuz"), "sda2:/boot/vmlinuz");
	assert_string_equal(where(&t, "/boot/initrd.img"), "sda2:/boot/initrd.img");
	assert_int_equal(warnings(&t), 1);
	assert_non_null(strstr(strv_get(&t.s->menu.warnings, 0), "sda2:/etc/fstab:2: /boot:"));
	assert_string_equal(where(&t, "/vmlinuz"), "sda2:/vmlinuz");
	assert_int_equal(warnings(&t), 1);
	finish(&t);
}

static void test_view_is_cached(void **state)
{
	struct view_test t;

	start(&t, "UUID=" BOOT_UUID " /boot ext4 defaults 0 2\n");
	assert_string_equal(where(&t, "/boot/a"), "sda1:/a");
	tu_put("root/etc/fstab", "");
	assert_string_equal(where(&t, "/boot/a"), "sda1:/a");
	assert_int_equal(t.s->views.n, 1);
	finish(&t);
}

static void test_no_fstab_and_other_roots(void **state)
{
	struct view_test t;

	start(&t, NULL);
	assert_string_equal(where(&t, "/boot/vmlinuz"), "sda2:/boot/vmlinuz");
	/* Each root filesystem has its own view. */
	tu_put("boot/etc/fstab", "LABEL=EFI\\040SYS /boot vfat defaults 0 0\n");
	{
		struct kb_file f = kb_view_resolve(&t.p, tu_fs_named(t.s, "sda1"), "/boot/x");

		assert_string_equal(f.fs->name, "sda3");
		assert_string_equal(f.path, "/x");
	}
	assert_int_equal(t.s->views.n, 2);
	finish(&t);
}

static void test_symlinks_across_mounts(void **state)
{
	struct view_test t;

	start(&t, "UUID=" BOOT_UUID " /boot ext4 defaults 0 2\n");
	tu_put("boot/vmlinuz-6.1", "k\n");
	tu_sh("ln -s boot/vmlinuz-6.1 root/vmlinuz && ln -s /boot/nothing root/dangling && "
	      "ln -s vmlinuz-6.1 boot/vmlinuz && ln -s ../../../boot boot/up && "
	      "ln -s a root/loop1 && ln -s loop1 root/a");
	assert_string_equal(where(&t, "/vmlinuz"), "sda1:/vmlinuz-6.1");
	assert_string_equal(where(&t, "/boot/vmlinuz"), "sda1:/vmlinuz-6.1");
	assert_string_equal(where(&t, "/dangling"), "sda1:/nothing");
	/* ".." in a link target stops at the root of the view. */
	assert_string_equal(where(&t, "/boot/up/vmlinuz"), "sda1:/vmlinuz-6.1");
	/* A loop is left as written; reading it fails later. */
	assert_string_equal(where(&t, "/loop1/x"), "sda2:/loop1/x");
	finish(&t);
}

static void test_bind_mount(void **state)
{
	struct view_test t;

	start(&t, "UUID=" BOOT_UUID " /mnt/b ext4 defaults 0 2\n"
		  "/mnt/b/kernels /boot none rbind 0 0\n");
	assert_string_equal(where(&t, "/boot/vmlinuz"), "sda1:/kernels/vmlinuz");
	assert_string_equal(where(&t, "/boot"), "sda1:/kernels");
	assert_null(kb_view_mount(&t.p, t.p.fs, "/boot"));
	finish(&t);
}

static void test_skipped_and_broken_lines(void **state)
{
	struct view_test t;

	start(&t, "/dev/sda1 swap swap defaults 0 0\nproc /proc proc defaults 0 0\n"
		  "/dev/sda1 none ext4 defaults 0 0\nserver:/x /n nfs4 defaults 0 0\n"
		  "/dev/sda1\n\r\n   \t\n/dev/sda1 / ext4 defaults 0 1\n");
	assert_string_equal(where(&t, "/proc/x"), "sda2:/proc/x");
	assert_string_equal(where(&t, "/n/x"), "sda2:/n/x");
	assert_int_equal(warnings(&t), 1); /* the line without a mount point */
	finish(&t);
}

static void test_ten_thousand_lines(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct view_test t;
	int i;

	for (i = 0; i < 10000; i++)
		sb_printf(&sb, "UUID=" BOOT_UUID " /m/%d ext4 defaults 0 2\n", i);
	assert_false(sb.oom);
	start(&t, sb_str(&sb));
	sb_release(&sb);
	assert_string_equal(where(&t, "/m/9999/x"), "sda1:/x");
	assert_string_equal(where(&t, "/m/99999/x"), "sda2:/m/99999/x");
	finish(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_mount_point_wins),
		cmocka_unit_test(test_paths_are_normalised),
		cmocka_unit_test(test_view_mount),
		cmocka_unit_test(test_dev_disk_by_label_escapes),
		cmocka_unit_test(test_unscanned_mount_warns_once),
		cmocka_unit_test(test_view_is_cached),
		cmocka_unit_test(test_no_fstab_and_other_roots),
		cmocka_unit_test(test_symlinks_across_mounts),
		cmocka_unit_test(test_bind_mount),
		cmocka_unit_test(test_skipped_and_broken_lines),
		cmocka_unit_test(test_ten_thousand_lines),
	};

	return cmocka_run_group_tests_name("fstab", tests, tu_make_tmp, tu_remove_tmp);
}
