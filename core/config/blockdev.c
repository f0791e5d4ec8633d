// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blockdev.c - probe disks and images with libblkid and mount them read-only.
 *
 * Safety: every mount is MS_RDONLY plus the filesystem's own "do not touch
 * the log" option (ext3/4 noload, XFS norecovery, btrfs nologreplay...); a
 * filesystem type without a table entry is mounted only when it has no
 * journal to replay (the table lists those too).  Images are attached to
 * loop devices opened read-only, so even a driver bug cannot write to them.
 *
 * Not done here: LVM, RAID, LUKS (skipped with a reason; a later issue
 * opens them), nested partition tables.
 */
#include <blkid/blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/loop.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/blockdev.h"
#include "config/parser.h"
#include "config/scan.h"

/* Mount options that keep each filesystem from writing (journal replay). */
static const struct {
	const char *type;
	const char *opts;
} ro_opts[] = {
	{ "ext2", "" },
	{ "ext3", "noload" },
	{ "ext4", "noload" },
	{ "xfs", "norecovery" },
	{ "btrfs", "rescue=nologreplay" },
	{ "vfat", "" },
	{ "msdos", "" },
	{ "exfat", "" },
	{ "iso9660", "" },
	{ "udf", "" },
	{ "squashfs", "" },
	{ "erofs", "" },
	{ "f2fs", "norecovery" },
	{ "jfs", "" }, /* jfs replays its log only when mounted rw */
	{ "reiserfs", "nolog" },
	{ "ntfs3", "" },
	{ "hfsplus", "" },
};

static const struct {
	const char *type;
	const char *why;
} skipped[] = {
	{ "swap", "swap space" },
	{ "linux_raid_member", "a RAID member" },
	{ "LVM2_member", "an LVM physical volume" },
	{ "crypto_LUKS", "an encrypted LUKS container" },
	{ "BitLocker", "an encrypted BitLocker volume" },
	{ "zfs_member", "a ZFS pool member" },
};

const char *kb_fstype_skip_reason(const char *fstype)
{
	size_t i;

	for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (!strcmp(skipped[i].type, fstype))
			return skipped[i].why;
	return NULL;
}

/* The kernel's name for a blkid type. */
static const char *kernel_fstype(const char *fstype)
{
	return !strcmp(fstype, "ntfs") ? "ntfs3" : fstype;
}

const char *kb_mount_options(const char *fstype)
{
	const char *type = kernel_fstype(fstype);
	size_t i;

	for (i = 0; i < sizeof(ro_opts) / sizeof(ro_opts[0]); i++)
		if (!strcmp(ro_opts[i].type, type))
			return ro_opts[i].opts;
	return NULL;
}

const char *kb_mount_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == EPROTONOSUPPORT)
		return "kboot has no safe read-only mount for it";
	if (err == ENODEV)
		return "the running kernel has no driver for it";
	return strerror(err);
}

int kb_mount_ro(const char *dev, const char *dir, const char *fstype)
{
	const unsigned long flags = MS_RDONLY | MS_NODEV | MS_NOSUID | MS_NOEXEC;
	const char *opts = kb_mount_options(fstype);

	/* Unknown type: we cannot promise it will not replay a journal. */
	if (!opts)
		return -EPROTONOSUPPORT;
	if (mount(dev, dir, kernel_fstype(fstype), flags, opts))
		return -errno;
	return 0;
}

int kb_block_set_ro(const char *dev)
{
	int one = 1, ret = 0, fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKROSET, &one))
		ret = -errno;
	close(fd);
	return ret;
}

/* Read len bytes at off of fd; true when all came. */
static bool read_at(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool kb_needs_recovery(int fd, off_t off, const char *fstype)
{
	unsigned char sb[0x70];
	size_t i;

	if (!fstype)
		return false;
	/* ext3/ext4: the superblock at 1 KiB, EXT4_FEATURE_INCOMPAT_RECOVER. */
	if (!strcmp(fstype, "ext3") || !strcmp(fstype, "ext4")) {
		if (!read_at(fd, sb, sizeof(sb), off + 1024) || sb[0x38] != 0x53 ||
		    sb[0x39] != 0xef)
			return false;
		return le32(sb + 0x60) & 0x4;
	}
	/* btrfs: the superblock at 64 KiB; a log tree (log_root) waits for replay. */
	if (!strcmp(fstype, "btrfs")) {
		if (!read_at(fd, sb, sizeof(sb), off + 0x10000) || memcmp(sb + 0x40, "_BHRfS_M", 8))
			return false;
		for (i = 0x60; i < 0x68; i++)
			if (sb[i])
				return true;
	}
	return false;
}

/* Enter a private mount namespace once, so our mounts stay ours. */
static int private_mounts(struct kb_scan *s, FILE *err)
{
	char tmpl[] = "/tmp/kboot-scan.XXXXXX";

	if (s->tmpdir)
		return 0;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		int ret = -errno;

		if (err)
			fprintf(err,
				"kboot: cannot make a private mount namespace (%s); "
				"scanning disks and images needs root\n",
				strerror(errno));
		return ret;
	}
	if (!mkdtemp(tmpl)) {
		int ret = -errno;

		if (err)
			fprintf(err, "kboot: cannot create %s: %s\n", tmpl, strerror(errno));
		return ret;
	}
	s->tmpdir = arena_strdup(s->arena, tmpl);
	return s->tmpdir ? 0 : -ENOMEM;
}

/*
 * A read-only loop device over [offset, offset+size) of file: its path, with
 * *lfdp open on it.  The caller closes *lfdp after mounting: with AUTOCLEAR
 * the device goes away when its last user does, which is the mount's end,
 * or the close when the mount failed.
 */
static char *loop_attach(struct kb_scan *s, const char *file, unsigned long long offset,
			 unsigned long long size, int *lfdp)
{
	struct loop_config cfg = { 0 };
	int ctl, fd, lfd = -1, n = -1;
	char *dev = NULL;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		goto out;
	for (int tries = 0; tries < 8; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			break;
		dev = arena_printf(s->arena, "/dev/loop%d", n);
		if (!dev)
			break;
		lfd = open(dev, O_RDONLY | O_CLOEXEC);
		if (lfd < 0)
			break;
		cfg.fd = (unsigned int)fd;
		cfg.info.lo_offset = offset;
		cfg.info.lo_sizelimit = size;
		cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
			break;
		close(lfd);
		lfd = -1;
		if (errno != EBUSY)
			break; /* EBUSY: another process took it first */
	}
	if (lfd < 0)
		dev = NULL;
	*lfdp = lfd;
	close(ctl);
out:
	close(fd);
	return dev;
}

struct part {
	int no;			 /* partition number, 0 for the whole thing */
	unsigned long long off;	 /* byte offset in the image */
	unsigned long long size; /* bytes */
	const char *partuuid, *partlabel;
};

/* Probe the filesystem at [off, off+size) of fd and mount it. */
static void add_fs(struct kb_scan *s, const char *path, bool image, int fd, int disk,
		   const char *pttype, const struct part *pt, const char *name)
{
	struct kb_fs id = { .disk = disk, .part = pt->no, .pttype = pttype, .rootfd = -1 };
	const char *type = NULL, *why, *dev;
	blkid_probe pr = blkid_new_probe();
	int ret, lfd = -1;
	char *dir;

	id.name = name;
	id.partuuid = pt->partuuid;
	id.partlabel = pt->partlabel;
	if (!pr || blkid_probe_set_device(pr, fd, (blkid_loff_t)pt->off, (blkid_loff_t)pt->size)) {
		kb_scan_warn(s, "%s: cannot probe", name);
		goto out;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_LABEL);
	if (blkid_do_safeprobe(pr) != 0 || blkid_probe_lookup_value(pr, "TYPE", &type, NULL)) {
		kb_scan_warn(s, "%s: no filesystem found", name);
		goto out;
	}
	id.fstype = arena_strdup(s->arena, type);
	if (!blkid_probe_lookup_value(pr, "UUID", &type, NULL))
		id.uuid = arena_strdup(s->arena, type);
	if (!blkid_probe_lookup_value(pr, "LABEL", &type, NULL))
		id.label = arena_strdup(s->arena, type);
	why = kb_fstype_skip_reason(id.fstype);
	if (why) {
		kb_scan_warn(s, "%s: not opened: %s", name, why);
		goto out;
	}
	if (kb_needs_recovery(fd, (off_t)pt->off, id.fstype))
		kb_scan_warn(s,
			     "%s: this filesystem was not cleanly unmounted; what kboot shows "
			     "may be out of date",
			     name);

	if (image) {
		dev = loop_attach(s, path, pt->off, pt->size, &lfd);
		if (!dev) {
			kb_scan_warn(s, "%s: cannot attach a loop device: %s", name,
				     strerror(errno));
			goto out;
		}
	} else {
		dev = pt->no ? arena_printf(s->arena, "/dev/%s", name) : path;
	}
	id.dev = dev;
	dir = arena_printf(s->arena, "%s/%s", s->tmpdir, name);
	if (!dir || mkdir(dir, 0700)) {
		kb_scan_warn(s, "%s: cannot create a mount point", name);
		goto out;
	}
	ret = kb_mount_ro(dev, dir, id.fstype);
	if (ret) {
		kb_scan_warn(s, "%s: cannot mount %s read-only: %s", name, id.fstype,
			     kb_mount_strerror(ret));
		rmdir(dir);
		goto out;
	}
	ptrv_push(s->arena, &s->mounts, dir);
	if (kb_scan_add_dir(s, dir, &id))
		kb_scan_warn(s, "%s: cannot open its root", name);
out:
	if (lfd >= 0)
		close(lfd);
	blkid_free_probe(pr);
}

int kb_blockdev_add(struct kb_scan *s, const char *path, const char *name, FILE *err)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	blkid_probe pr = NULL;
	blkid_partlist parts;
	struct stat st;
	bool image;
	int fd, ret, i, n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		if (err)
			fprintf(err, "kboot: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	image = S_ISREG(st.st_mode);
	ret = private_mounts(s, err);
	if (ret)
		goto out;
	pr = blkid_new_probe();
	if (!pr || blkid_probe_set_device(pr, fd, 0, 0)) {
		if (err)
			fprintf(err, "kboot: %s: cannot probe\n", path);
		ret = -EIO;
		goto out;
	}
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_enable_superblocks(pr, 0);
	parts = blkid_probe_get_partitions(pr);
	n = parts ? blkid_partlist_numof_partitions(parts) : 0;
	if (n <= 0) {
		struct part whole = { .size = 0 };

		add_fs(s, path, image, fd, -1, NULL, &whole, name ? name : base);
		goto out;
	}

	{
		blkid_parttable tab = blkid_partlist_get_table(parts);
		const char *pttype = tab ? blkid_parttable_get_type(tab) : NULL;
		int disk = s->ndisks++;

		pttype = arena_strdup(s->arena, pttype);
		for (i = 0; i < n; i++) {
			blkid_partition bp = blkid_partlist_get_partition(parts, i);
			struct part pt;
			const char *pname;

			/* An extended partition only holds the logical ones. */
			if (blkid_partition_is_extended(bp))
				continue;
			pt.no = blkid_partition_get_partno(bp);
			pt.off = (unsigned long long)blkid_partition_get_start(bp) * 512;
			pt.size = (unsigned long long)blkid_partition_get_size(bp) * 512;
			pt.partuuid = arena_strdup(s->arena, blkid_partition_get_uuid(bp));
			pt.partlabel = arena_strdup(s->arena, blkid_partition_get_name(bp));
			if (image)
				pname = arena_printf(s->arena, "%sp%d", name ? name : base, pt.no);
			else if (base[strlen(base) - 1] >= '0' && base[strlen(base) - 1] <= '9')
				pname = arena_printf(s->arena, "%sp%d", base, pt.no);
			else
				pname = arena_printf(s->arena, "%s%d", base, pt.no);
			if (pname)
				add_fs(s, path, image, fd, disk, pttype, &pt, pname);
		}
	}
out:
	blkid_free_probe(pr);
	close(fd);
	return ret;
}

static dev_t tree_dev;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (st->st_dev != tree_dev)
		return 0;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void kb_remove_tree(const char *dir)
{
	struct stat st;

	if (!rmdir(dir) || errno != ENOTEMPTY || stat(dir, &st))
		return;
	tree_dev = st.st_dev;
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
