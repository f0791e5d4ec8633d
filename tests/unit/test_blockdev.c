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

#include "parser.h"
#include "scan.h"

static char tmp[64];
static bool can_mount;

#define BOOT_UUID "0b3c1d1e-0000-4000-8000-0000000000b0"
#define ROOT_UUID "0b3c1d1e-0000-4000-8000-0000000000a0"
#define ROOT_PARTUUID "6a1e2b3c-0000-4000-8000-0000000000a0"

static int build_images(void **state)
{
	char cmd[4096];

	can_mount = geteuid() == 0 && access("/dev/loop-control", W_OK) == 0;
	if (!can_mount)
		return 0;
	snprintf(tmp, sizeof(tmp), "/tmp/kboot-test-blockdev.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p boot/grub root/etc\n"
		 "echo 'set timeout=3' > boot/grub/grub.cfg\n"
		 "echo 'UUID=" BOOT_UUID " /boot ext4 defaults 0 2' > root/etc/fstab\n"
		 "mkfs.ext4 -q -U " BOOT_UUID " -L boot -d boot boot.img 4M\n"
		 "mkfs.ext4 -q -U " ROOT_UUID " -L root -d root root.img 4M\n"
		 /* The journal claims to need recovery: a mount that replays it writes. */
		 "debugfs -w -R 'feature needs_recovery' root.img >/dev/null 2>&1\n"
		 "truncate -s 4M swap.img; mkswap -q swap.img >/dev/null\n"
		 "truncate -s 16M disk.img\n"
		 "printf 'label: gpt\\nstart=2048, size=4M, type=linux\\n"
		 "start=10240, size=4M, type=linux, uuid=" ROOT_PARTUUID ", name=rootpart\\n"
		 "start=18432, size=4M, type=swap\\n' | sfdisk -q disk.img\n"
		 "dd if=boot.img of=disk.img bs=512 seek=2048 conv=notrunc status=none\n"
		 "dd if=root.img of=disk.img bs=512 seek=10240 conv=notrunc status=none\n"
		 "dd if=swap.img of=disk.img bs=512 seek=18432 conv=notrunc status=none\n"
		 "sha256sum disk.img root.img > sums\n",
		 tmp);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int remove_images(void **state)
{
	char cmd[128];

	if (!can_mount)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd);
}

static const struct kb_fs *fs_named(struct kb_scan *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->fs.n; i++)
		if (!strcmp(((struct kb_fs *)s->fs.v[i])->name, name))
			return s->fs.v[i];
	return NULL;
}

static bool has_warning(struct kb_scan *s, const char *text)
{
	size_t i;

	for (i = 0; i < s->menu.warnings.n; i++)
		if (strstr(strv_get(&s->menu.warnings, i), text))
			return true;
	return false;
}

static void test_gpt_image_partitions(void **state)
{
	struct kb_scan *s;
	const struct kb_fs *boot, *root;
	struct kb_pctx p;
	char path[128];
	size_t len;
	char *buf;

	if (!can_mount)
		skip();
	s = kb_scan_new();
	snprintf(path, sizeof(path), "%s/disk.img", tmp);
	assert_int_equal(kb_scan_add_source(s, path, stderr), 0);
	assert_int_equal(s->fs.n, 2);
	boot = fs_named(s, "disk.imgp1");
	root = fs_named(s, "disk.imgp2");
	assert_non_null(boot);
	assert_non_null(root);
	assert_string_equal(boot->uuid, BOOT_UUID);
	assert_string_equal(boot->label, "boot");
	assert_string_equal(boot->fstype, "ext4");
	assert_string_equal(root->partuuid, ROOT_PARTUUID);
	assert_string_equal(root->partlabel, "rootpart");
	assert_string_equal(root->pttype, "gpt");
	assert_int_equal(root->disk, 0);
	assert_int_equal(root->part, 2);
	assert_true(has_warning(s, "disk.imgp3: not opened: swap space"));

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
	char path[128];

	if (!can_mount)
		skip();
	s = kb_scan_new();
	snprintf(path, sizeof(path), "%s/boot.img", tmp);
	assert_int_equal(kb_scan_add_source(s, path, stderr), 0);
	assert_int_equal(s->fs.n, 1);
	assert_non_null(fs_named(s, "boot.img"));
	assert_int_equal(kb_scan_run(s), 0);
	kb_scan_free(s);
}

static void test_images_unchanged_after_scan(void **state)
{
	struct kb_scan *s;
	char path[128], cmd[256];

	if (!can_mount)
		skip();
	s = kb_scan_new();
	snprintf(path, sizeof(path), "%s/disk.img", tmp);
	assert_int_equal(kb_scan_add_source(s, path, stderr), 0);
	snprintf(path, sizeof(path), "%s/root.img", tmp);
	assert_int_equal(kb_scan_add_source(s, path, stderr), 0);
	assert_int_equal(kb_scan_run(s), 0);
	kb_scan_free(s);
	snprintf(cmd, sizeof(cmd), "cd %s && sha256sum --quiet -c sums", tmp);
	assert_int_equal(system(cmd), 0);
	/* Nothing is left mounted or attached. */
	snprintf(cmd, sizeof(cmd), "! grep -q kboot-scan /proc/self/mountinfo && "
				   "! losetup -a | grep -q %s", tmp);
	assert_int_equal(system(cmd), 0);
}

static void test_not_a_disk(void **state)
{
	struct kb_scan *s;
	char path[128];
	FILE *f;

	if (!can_mount)
		skip();
	snprintf(path, sizeof(path), "%s/garbage.img", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not a filesystem\n", f);
	fclose(f);
	s = kb_scan_new();
	assert_int_equal(kb_scan_add_source(s, path, stderr), 0);
	assert_int_equal(s->fs.n, 0);
	assert_true(has_warning(s, "garbage.img: no filesystem found"));
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

	return cmocka_run_group_tests_name("blockdev", tests, build_images, remove_images);
}
