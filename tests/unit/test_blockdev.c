// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_blockdev.c - disk images as SOURCEs: partitions found and named,
 * identities read with libblkid, filesystems mounted read-only, things
 * kboot must not open skipped with a reason, and the image byte-identical
 * afterwards - also when its ext4 journal says it needs recovery.
 *
 * Needs root and loop devices (it is skipped, and says so, without them).
 * Images are built with mkfs.ext4 -d and sfdisk on plain files: no mounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/scan.h"
#include "testutil.h"

static bool can_mount;

/* The disk image of tu_make_disk_image(), and sums of what must not change. */
static int build_images(void **state)
{
	can_mount = geteuid() == 0 && access("/dev/loop-control", W_OK) == 0;
	if (!can_mount)
		return 0;
	tu_make_tmp(state);
	tu_make_disk_image();
	tu_sh("sha256sum disk.img root.img > sums");
	return 0;
}

static void test_gpt_image_partitions(void **state)
{
	struct kb_scan *s;
	const struct kb_fs *boot, *root;
	struct kb_pctx p;
	size_t len;
	char *buf;

	if (!can_mount)
		skip();
	s = kb_scan_new();
	tu_add_source(s, "disk.img");
	assert_int_equal(s->fs.n, 2);
	boot = tu_fs_named(s, "disk.imgp1");
	root = tu_fs_named(s, "disk.imgp2");
	assert_non_null(boot);
	assert_non_null(root);
	assert_string_equal(boot->uuid, TU_BOOT_UUID);
	assert_string_equal(boot->label, "boot");
	assert_string_equal(boot->fstype, "ext4");
	assert_string_equal(root->partuuid, TU_ROOT_PARTUUID);
	assert_string_equal(root->partlabel, "rootpart");
	assert_string_equal(root->pttype, "gpt");
	assert_int_equal(root->disk, 0);
	assert_int_equal(root->part, 2);
	assert_true(tu_warned(s, "disk.imgp3: not opened: swap space"));
	/* Its root's journal needs recovery: scanned as it is, and said so. */
	assert_true(tu_warned(s, "disk.imgp2: this filesystem was not cleanly unmounted; what "
				 "kboot shows may be out of date"));
	assert_false(tu_warned(s, "disk.imgp1: this filesystem was not cleanly unmounted"));

	/* The files are there, through the read-only mount. */
	memset(&p, 0, sizeof(p));
	p.scan = s;
	p.arena = s->arena;
	assert_int_equal(kb_read(&p, boot, "/grub/grub.cfg", 0, &buf, &len), 0);
	assert_string_equal(buf, "set timeout=3\n");
	assert_true(kb_is_file(root, "/etc/fstab"));
	kb_scan_free(s);
}

static void test_whole_fs_image_named_by_file(void **state)
{
	struct kb_scan *s;

	if (!can_mount)
		skip();
	s = kb_scan_new();
	tu_add_source(s, "boot.img");
	assert_int_equal(s->fs.n, 1);
	assert_non_null(tu_fs_named(s, "boot.img"));
	assert_int_equal(kb_scan_run(s), 0);
	kb_scan_free(s);
}

static void test_images_unchanged_after_scan(void **state)
{
	struct kb_scan *s;

	if (!can_mount)
		skip();
	s = kb_scan_new();
	tu_add_source(s, "disk.img");
	tu_add_source(s, "root.img");
	assert_int_equal(kb_scan_run(s), 0);
	kb_scan_free(s);
	tu_sh("sha256sum --quiet -c sums");
	/* Nothing is left mounted or attached. */
	tu_sh("! grep -q kboot-scan /proc/self/mountinfo && ! losetup -a | grep -q %s", tu_tmp);
}

static void test_not_a_disk(void **state)
{
	struct kb_scan *s;

	if (!can_mount)
		skip();
	tu_put("garbage.img", "this is not a filesystem\n");
	s = kb_scan_new();
	tu_add_source(s, "garbage.img");
	assert_int_equal(s->fs.n, 0);
	assert_true(tu_warned(s, "garbage.img: no filesystem found"));
	kb_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpt_image_partitions),
		cmocka_unit_test(test_whole_fs_image_named_by_file),
		cmocka_unit_test(test_images_unchanged_after_scan),
		cmocka_unit_test(test_not_a_disk),
	};

	return cmocka_run_group_tests_name("blockdev", tests, build_images, tu_remove_tmp);
}
