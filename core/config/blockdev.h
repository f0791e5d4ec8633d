/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blockdev.h - block devices and disk images as filesystems of a scan.
 *
 * The one place that talks to the block layer: probing with libblkid,
 * read-only loop devices for images, and read-only mounts that never replay
 * a journal.
 */
#ifndef KBOOT_BLOCKDEV_H
#define KBOOT_BLOCKDEV_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct kb_scan;

/*
 * Probe a block device or image file: a partition table gives one
 * filesystem per partition (named "<kernel name>" for a device's
 * partitions, "<image>p<N>" for an image's), otherwise the whole thing is
 * one filesystem (named name, or the file's base name).  Each is mounted
 * read-only in a private mount namespace under a temporary directory
 * (s->tmpdir; the mounts are listed in s->mounts, undone by kb_scan_free()).
 * Partitions that are not filesystems kboot reads (swap, RAID, LVM, LUKS)
 * are skipped with a warning in the scan.  Needs root (CAP_SYS_ADMIN).
 * Returns 0 when the source was usable, else -errno with a message on err.
 */
int kb_blockdev_add(struct kb_scan *s, const char *path, const char *name, FILE *err);

/*
 * Mount dev (a block device) on dir read-only with the options that stop a
 * journal replay for fstype.  0 or -errno.
 */
int kb_mount_ro(const char *dev, const char *dir, const char *fstype);

/*
 * The mount options kb_mount_ro() uses for fstype (always with MS_RDONLY),
 * "" when the type needs none, or NULL when kboot has no safe read-only
 * mount for it (kb_mount_ro() then refuses with -EPROTONOSUPPORT).
 */
const char *kb_mount_options(const char *fstype);

/*
 * Make block device dev read-only at the block layer (BLKROSET): then no
 * write reaches it, whatever a filesystem driver does.  The flag lasts
 * until the device goes away or someone clears it - in the kboot image,
 * until the jump.  0 or -errno.
 */
int kb_block_set_ro(const char *dev);

/*
 * Whether the filesystem of type fstype at byte off of fd was not cleanly
 * unmounted: ext3/ext4 with the "needs recovery" flag, btrfs with a log
 * tree.  Mounted without replay, what it shows may be out of date.  (XFS
 * keeps no such flag in its superblock: its log would have to be read.)
 */
bool kb_needs_recovery(int fd, off_t off, const char *fstype);

/* Why kb_mount_ro() failed, as a phrase for people ("the running kernel has no driver for it"). */
const char *kb_mount_strerror(int err);

/* Why kboot does not open a partition of this type, or NULL when it does. */
const char *kb_fstype_skip_reason(const char *fstype);

/*
 * Remove dir, a directory kboot made on its own tmpfs, with everything in
 * it - but nothing on another filesystem: a mount still inside is left
 * alone, so a scanned disk is never touched.
 */
void kb_remove_tree(const char *dir);

#endif
