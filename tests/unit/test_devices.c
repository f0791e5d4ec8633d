// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_devices.c - the daemon's device list: uevent messages parsed (and
 * refused when malformed), the read-only mount option table, source
 * directories added and removed directly and through datagrams on the
 * uevent test socket while the loop runs, and - as root with loop devices -
 * the real backend probing and mounting a loop device in a child, hotplug
 * from the kernel's own netlink events, removal detaching the mount, and
 * the images byte-identical afterwards.
 *
 * The real backend is always restricted (cfg.only) to the loop devices the
 * test attaches: the host's own disks are never looked at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config/blockdev.h"
#include "devices/devices.h"
#include "devices/uevent.h"
#include "lib/loop.h"
#include "testutil.h"

/* ---- Helpers: callbacks that record, a loop that runs until a condition ---- */

#define MAX_LINES 256

static char *lines[MAX_LINES]; /* status lines seen */
static size_t nlines;
static int nchanged; /* changed() calls */

static void on_changed(struct kb_devices *d, void *data)
{
	nchanged++;
}

static void on_status(struct kb_devices *d, int level, const char *text, void *data)
{
	if (nlines < MAX_LINES)
		lines[nlines++] = strdup(text);
}

static void reset_log(void)
{
	while (nlines)
		free(lines[--nlines]);
	nchanged = 0;
}

static bool saw(const char *text)
{
	size_t i;

	for (i = 0; i < nlines; i++)
		if (strstr(lines[i], text))
			return true;
	return false;
}

static const struct kb_device *dev_named(struct kb_devices *d, const char *name)
{
	size_t i;

	for (i = 0; i < kb_devices_count(d); i++)
		if (!strcmp(kb_devices_at(d, i)->name, name))
			return kb_devices_at(d, i);
	return NULL;
}

struct wait {
	struct kb_devices *d;
	bool (*done)(struct kb_devices *d, const void *arg);
	const void *arg;
	struct kb_timer *poll;
	struct kb_timer *deadline;
};

static void wait_poll(struct kb_loop *l, void *data)
{
	struct wait *w = data;

	w->poll = NULL;
	if (w->done(w->d, w->arg)) {
		kb_loop_quit(l, 0);
		return;
	}
	w->poll = kb_loop_timer(l, 10, wait_poll, w);
}

static void wait_deadline(struct kb_loop *l, void *data)
{
	struct wait *w = data;

	w->deadline = NULL;
	kb_loop_quit(l, 1);
}

/* Run l until done(d, arg) or ms pass; true when done. */
static bool run_until(struct kb_loop *l, struct kb_devices *d,
		      bool (*done)(struct kb_devices *, const void *), const void *arg,
		      unsigned int ms)
{
	struct wait w = { .d = d, .done = done, .arg = arg };
	int code;

	w.poll = kb_loop_timer(l, 0, wait_poll, &w);
	w.deadline = kb_loop_timer(l, ms, wait_deadline, &w);
	code = kb_loop_run(l);
	kb_loop_cancel(l, w.poll);
	kb_loop_cancel(l, w.deadline);
	return code == 0;
}

static bool count_is(struct kb_devices *d, const void *arg)
{
	return kb_devices_count(d) == *(const size_t *)arg;
}

static bool none_probing(struct kb_devices *d, const void *arg)
{
	size_t i, n = kb_devices_count(d);

	if (n < *(const size_t *)arg)
		return false;
	for (i = 0; i < n; i++)
		if (kb_devices_at(d, i)->state == KB_DEV_PROBING)
			return false;
	return true;
}

/* Send one datagram (a uevent of len bytes) to the socket at path. */
static void send_uevent(const char *path, const char *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(sendto(fd, msg, len, 0, (struct sockaddr *)&sa, sizeof(sa)), (ssize_t)len);
	close(fd);
}

/* A literal message with its embedded NULs: sizeof includes the last NUL. */
#define MSG(s) (s), sizeof(s)

/* The teardown of a group with a tu_tmp: forget the status log too. */
static int remove_tmp(void **state)
{
	reset_log();
	return tu_remove_tmp(state);
}

/* ---- uevent messages ---- */

static void test_uevent_kernel_add(void **state)
{
	static const char m[] =
		"add@/devices/pci0000:00/0000:00:05.0/virtio2/block/vda/vda1\0"
		"ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:05.0/virtio2/block/vda/vda1\0"
		"SUBSYSTEM=block\0MAJOR=254\0MINOR=1\0DEVNAME=vda1\0"
		"DEVTYPE=partition\0DISKSEQ=1\0PARTN=1\0SEQNUM=2190\0";
	struct kb_uevent ev;

	assert_int_equal(kb_uevent_parse(&ev, m, sizeof(m)), 0);
	assert_string_equal(ev.action, "add");
	assert_string_equal(ev.devpath, "/devices/pci0000:00/0000:00:05.0/virtio2/block/vda/vda1");
	assert_string_equal(ev.subsystem, "block");
	assert_string_equal(ev.devname, "vda1");
	assert_string_equal(ev.devtype, "partition");
	assert_int_equal(ev.major, 254);
	assert_int_equal(ev.minor, 1);
	assert_false(ev.media_change);
	assert_null(ev.source);
}

static void test_uevent_remove_and_change(void **state)
{
	struct kb_uevent ev;

	assert_int_equal(kb_uevent_parse(&ev, MSG("remove@/devices/virtual/block/loop3\0"
						  "ACTION=remove\0SUBSYSTEM=block\0"
						  "DEVNAME=loop3\0DEVTYPE=disk\0")),
			 0);
	assert_string_equal(ev.action, "remove");
	assert_string_equal(ev.devname, "loop3");
	assert_int_equal(ev.major, -1);

	assert_int_equal(kb_uevent_parse(&ev, MSG("change@/devices/pci0/ata1/block/sr0\0"
						  "ACTION=change\0SUBSYSTEM=block\0DEVNAME=sr0\0"
						  "DEVTYPE=disk\0DISK_MEDIA_CHANGE=1\0")),
			 0);
	assert_string_equal(ev.action, "change");
	assert_true(ev.media_change);
}

static void test_uevent_test_hook_source(void **state)
{
	struct kb_uevent ev;

	/* The last item may lack its NUL (a shell's printf), empty items are skipped. */
	static const char m[] = "add@/kboot/extra\0\0KBOOT_SOURCE=/srv/x:name=extra\0DEVNAME=extra";

	assert_int_equal(kb_uevent_parse(&ev, m, sizeof(m) - 1), 0);
	assert_string_equal(ev.source, "/srv/x:name=extra");
	assert_string_equal(ev.devname, "extra");
	assert_null(ev.subsystem);
}

static void test_uevent_garbage_refused(void **state)
{
	static const unsigned char noise[] = { 0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0x40 };
	struct kb_uevent ev;

	assert_int_equal(kb_uevent_parse(&ev, (const char *)noise, sizeof(noise)), -EINVAL);
	assert_int_equal(kb_uevent_parse(&ev, MSG("hello world")), -EINVAL);
	assert_int_equal(kb_uevent_parse(&ev, MSG("@/devices/x\0SUBSYSTEM=block\0")), -EINVAL);
	assert_int_equal(kb_uevent_parse(&ev, MSG("add@devices\0SUBSYSTEM=block\0")), -EINVAL);
	assert_int_equal(kb_uevent_parse(&ev, MSG("add@/d\0=block\0")), -EINVAL);
	/* ACTION= or DEVPATH= that disagree with the header. */
	assert_int_equal(kb_uevent_parse(&ev, MSG("add@/d\0ACTION=remove\0")), -EINVAL);
	assert_int_equal(kb_uevent_parse(&ev, MSG("add@/d\0DEVPATH=/e\0")), -EINVAL);
}

static void test_uevent_truncated_refused(void **state)
{
	static const char m[] = "add@/devices/virtual/block/loop3\0ACTION=add\0SUBSYSTEM=block\0";
	struct kb_uevent ev;

	/* Cut inside a key: an item without '='. */
	assert_int_equal(kb_uevent_parse(&ev, m, sizeof(m) - 8), -EINVAL);
	/* Cut inside the header. */
	assert_int_equal(kb_uevent_parse(&ev, m, 4), -EINVAL);
	assert_int_equal(kb_uevent_parse(&ev, m, 3), -EINVAL);
	/* Cut at an item boundary is a shorter, valid message. */
	assert_int_equal(kb_uevent_parse(&ev, m, 44), 0);
	assert_null(ev.subsystem);
}

static void test_uevent_libudev_ignored(void **state)
{
	/* udevd's messages: "libudev\0", a magic number, a binary header. */
	static const char m[] = "libudev\0\xfe\xed\xca\xfe\x28\0\0\0ACTION=add\0SUBSYSTEM=block\0";
	struct kb_uevent ev;

	assert_int_equal(kb_uevent_parse(&ev, m, sizeof(m)), -ENOMSG);
}

static void test_uevent_oversized_refused(void **state)
{
	char *big = malloc(KB_UEVENT_MAX + 1);
	struct kb_uevent ev;

	assert_non_null(big);
	memset(big, 'A', KB_UEVENT_MAX + 1);
	memcpy(big, "add@/d\0X=", 9);
	assert_int_equal(kb_uevent_parse(&ev, big, KB_UEVENT_MAX + 1), -EMSGSIZE);
	assert_int_equal(kb_uevent_parse(&ev, big, KB_UEVENT_MAX), 0);
	assert_int_equal(kb_uevent_parse(&ev, big, 0), -EMSGSIZE);
	free(big);
}

/* ---- The read-only mount table ---- */

static void test_mount_options_table(void **state)
{
	static const struct {
		const char *type, *opts;
	} want[] = {
		{ "ext2", "" },
		{ "ext3", "noload" },
		{ "ext4", "noload" },
		{ "xfs", "norecovery" },
		{ "btrfs", "rescue=nologreplay" },
		{ "f2fs", "norecovery" },
		{ "reiserfs", "nolog" },
		{ "vfat", "" },
		{ "iso9660", "" },
		{ "squashfs", "" },
		{ "ntfs", "" }, /* mounted as ntfs3 */
		{ "hfs", NULL },
		{ "nilfs2", NULL },
		{ "ocfs2", NULL },
		{ "made-up", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = kb_mount_options(want[i].type);

		print_message("%-10s %s\n", want[i].type,
			      !got   ? "(refused)"
			      : *got ? got
				     : "(ro only)");
		if (want[i].opts)
			assert_string_equal(got, want[i].opts);
		else
			assert_null(got);
	}
	/* An unknown type is refused before the kernel is asked. */
	assert_int_equal(kb_mount_ro("/dev/null", "/nonexistent", "made-up"), -EPROTONOSUPPORT);
	assert_string_equal(kb_mount_strerror(-EPROTONOSUPPORT),
			    "kboot has no safe read-only mount for it");
	assert_string_equal(kb_fstype_skip_reason("swap"), "swap space");
	assert_null(kb_fstype_skip_reason("ext4"));
}

/* ---- Sources ---- */

static struct kb_devices *sources(struct kb_loop *l, const char *sock)
{
	struct kb_devices_config cfg = {
		.uevent_socket = sock,
		.changed = on_changed,
		.status = on_status,
	};

	reset_log();
	return kb_devices_new(l, &cfg);
}

static void mkdir_in_tmp(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", tu_tmp, name);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void test_source_added_ready_with_identity(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct kb_devices *d = sources(l, NULL);
	const struct kb_device *dev;
	char dir[128], spec[256];

	mkdir_in_tmp("s1", dir, sizeof(dir));
	snprintf(spec, sizeof(spec), "%s:name=boot:uuid=1234-ABCD:label=EFI:fstype=vfat:part=1",
		 dir);
	assert_int_equal(kb_devices_add_source(d, spec), 0);
	assert_int_equal(kb_devices_count(d), 1);
	dev = kb_devices_at(d, 0);
	assert_string_equal(dev->name, "boot");
	assert_string_equal(dev->source, spec);
	assert_null(dev->dev);
	assert_string_equal(dev->mnt, dir);
	assert_int_equal(dev->state, KB_DEV_READY);
	assert_string_equal(dev->uuid, "1234-ABCD");
	assert_string_equal(dev->label, "EFI");
	assert_string_equal(dev->fstype, "vfat");
	assert_int_equal(dev->part, 1);
	assert_int_equal(dev->disk, -1);
	assert_null(dev->reason);
	assert_int_equal(nchanged, 1);
	assert_true(saw("boot: source directory "));
	kb_devices_free(d);
	kb_loop_free(l);
}

static void test_source_named_by_base_name_in_order(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct kb_devices *d = sources(l, NULL);
	char a[128], b[128];

	mkdir_in_tmp("zeta", a, sizeof(a));
	mkdir_in_tmp("alpha", b, sizeof(b));
	assert_int_equal(kb_devices_add_source(d, a), 0);
	assert_int_equal(kb_devices_add_source(d, b), 0);
	assert_int_equal(kb_devices_count(d), 2);
	/* Order of appearance, not of name. */
	assert_string_equal(kb_devices_at(d, 0)->name, "zeta");
	assert_string_equal(kb_devices_at(d, 1)->name, "alpha");
	assert_true(kb_devices_at(d, 0)->seq < kb_devices_at(d, 1)->seq);
	kb_devices_free(d);
	kb_loop_free(l);
}

static void test_source_errors_refused_with_status(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct kb_devices *d = sources(l, NULL);
	char dir[128], spec[256];
	FILE *f;

	mkdir_in_tmp("dup", dir, sizeof(dir));
	assert_int_equal(kb_devices_add_source(d, dir), 0);
	assert_int_equal(kb_devices_add_source(d, dir), -EEXIST);
	assert_true(saw("there is already a device called dup"));

	snprintf(spec, sizeof(spec), "%s/missing", tu_tmp);
	assert_int_equal(kb_devices_add_source(d, spec), -ENOENT);
	snprintf(spec, sizeof(spec), "%s/file", tu_tmp);
	f = fopen(spec, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(kb_devices_add_source(d, spec), -ENOTDIR);
	snprintf(spec, sizeof(spec), "%s:colour=blue", dir);
	assert_int_equal(kb_devices_add_source(d, spec), -EINVAL);
	assert_true(saw("unknown or bad option 'colour=blue'"));
	assert_int_equal(kb_devices_count(d), 1);
	assert_int_equal(nchanged, 1);
	kb_devices_free(d);
	kb_loop_free(l);
}

static void test_source_uevent_handled_directly(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct kb_devices *d = sources(l, NULL);
	char dir[128], msg[512];
	int n;

	mkdir_in_tmp("hot", dir, sizeof(dir));
	n = snprintf(msg, sizeof(msg),
		     "add@/kboot/usb%cACTION=add%cKBOOT_SOURCE=%s:uuid=77%c"
		     "DEVNAME=usb",
		     0, 0, dir, 0);
	kb_uevent_handle(d, msg, (size_t)n + 1);
	assert_int_equal(kb_devices_count(d), 1);
	assert_string_equal(kb_devices_at(d, 0)->name, "usb"); /* DEVNAME names it */
	assert_string_equal(kb_devices_at(d, 0)->uuid, "77");

	/* Garbage, a libudev message, a remove of an unknown name: nothing. */
	kb_uevent_handle(d, MSG("garbage"));
	kb_uevent_handle(d, MSG("libudev\0\xfe\xed\xca\xfe"));
	kb_uevent_handle(d, MSG("remove@/kboot/x\0DEVNAME=x\0"));
	kb_uevent_handle(d, MSG("change@/kboot/usb\0DEVNAME=usb\0"));
	assert_int_equal(kb_devices_count(d), 1);
	assert_int_equal(nchanged, 1);

	kb_uevent_handle(d, MSG("remove@/kboot/usb\0ACTION=remove\0DEVNAME=usb\0"));
	assert_int_equal(kb_devices_count(d), 0);
	assert_int_equal(nchanged, 2);
	assert_true(saw("usb: removed"));
	kb_devices_free(d);
	kb_loop_free(l);
}

static void test_source_hotplug_over_socket(void **state)
{
	struct kb_loop *l = kb_loop_new();
	char sock[128], a[128], b[128], msg[512];
	struct kb_devices *d;
	size_t want;
	int n;

	snprintf(sock, sizeof(sock), "%s/uevent.sock", tu_tmp);
	d = sources(l, sock);
	assert_non_null(d);
	mkdir_in_tmp("first", a, sizeof(a));
	mkdir_in_tmp("second", b, sizeof(b));
	assert_int_equal(kb_devices_add_source(d, a), 0);

	n = snprintf(msg, sizeof(msg),
		     "add@/kboot/second%cACTION=add%cKBOOT_SOURCE=%s%c"
		     "DEVNAME=second",
		     0, 0, b, 0);
	send_uevent(sock, msg, (size_t)n + 1);
	send_uevent(sock, MSG("nonsense"));
	want = 2;
	assert_true(run_until(l, d, count_is, &want, 5000));
	assert_string_equal(kb_devices_at(d, 1)->name, "second");
	assert_string_equal(kb_devices_at(d, 1)->mnt, b);

	send_uevent(sock, MSG("remove@/kboot/first\0ACTION=remove\0DEVNAME=first\0"));
	want = 1;
	assert_true(run_until(l, d, count_is, &want, 5000));
	assert_string_equal(kb_devices_at(d, 0)->name, "second");
	assert_true(saw("first: removed"));

	/* Rescan keeps source directories and reports a change. */
	n = nchanged;
	kb_devices_rescan(d);
	assert_int_equal(kb_devices_count(d), 1);
	assert_int_equal(nchanged, n + 1);

	kb_devices_free(d);
	assert_int_equal(access(sock, F_OK), -1); /* free removes the socket */
	kb_loop_free(l);
}

/* ---- The real backend (root, loop devices) ---- */

#define MAX_ATTACHED 4

static bool can_mount;
static char *only_names[4];
static char attached[MAX_ATTACHED][16]; /* loop devices the tests attached */

#define FS_UUID "0b3c1d1e-0000-4000-8000-0000000000f5"

static int setup_real(void **state)
{
	tu_make_tmp(state);
	can_mount = geteuid() == 0 && access("/dev/loop-control", W_OK) == 0 &&
		    system("command -v mkfs.ext4 sfdisk losetup >/dev/null") == 0;
	if (!can_mount) {
		print_message("not root or no loop devices: real-device tests skipped\n");
		return 0;
	}
	/* Our mounts stay in a mount namespace of our own. */
	assert_int_equal(unshare(CLONE_NEWNS), 0);
	assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	/* The partitioned disk.img, and a whole-disk filesystem of our own. */
	tu_make_disk_image();
	tu_sh("set -e; mkdir -p mnt fs/boot\n"
	      "echo 'hello from fs' > fs/boot/hello.txt\n"
	      "mkfs.ext4 -q -U " FS_UUID " -L whole -d fs fs.img 4M\n"
	      "sha256sum disk.img fs.img > sums\n");
	return 0;
}

static int teardown_real(void **state)
{
	char cmd[128];

	/* After a failed test: what it left attached. */
	for (size_t i = 0; i < MAX_ATTACHED; i++) {
		if (!attached[i][0])
			continue;
		snprintf(cmd, sizeof(cmd), "blockdev --setrw /dev/%s; losetup -d /dev/%s",
			 attached[i], attached[i]);
		if (system(cmd))
			print_message("could not detach /dev/%s\n", attached[i]);
	}
	return remove_tmp(state);
}

static struct kb_devices *real(struct kb_loop *l, const char *sock)
{
	struct kb_devices_config cfg = {
		.real = true,
		.only = (const char *const *)only_names,
		.uevent_socket = sock,
		.changed = on_changed,
		.status = on_status,
	};
	char root[128];

	snprintf(root, sizeof(root), "%s/mnt", tu_tmp);
	cfg.mount_root = root;
	reset_log();
	return kb_devices_new(l, &cfg);
}

/* Attach image (-P: with its partitions), read-only unless rw; the loop's name or NULL. */
static char *attach_mode(const char *image, const char *dev, bool rw)
{
	char cmd[256], name[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "losetup %s-P --show %s %s/%s", rw ? "" : "-r ",
		 dev ? dev : "-f", tu_tmp, image);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	if (!fgets(name, sizeof(name), p))
		name[0] = '\0';
	pclose(p);
	name[strcspn(name, "\n")] = '\0';
	if (strncmp(name, "/dev/", 5))
		return NULL;
	for (size_t i = 0; i < MAX_ATTACHED; i++) {
		if (!attached[i][0]) {
			snprintf(attached[i], sizeof(attached[i]), "%s", name + 5);
			break;
		}
	}
	return strdup(name + 5);
}

static char *attach(const char *image, const char *dev)
{
	return attach_mode(image, dev, false);
}

static void detach_loop(const char *name)
{
	char cmd[128];

	for (size_t i = 0; i < MAX_ATTACHED; i++)
		if (!strcmp(attached[i], name))
			attached[i][0] = '\0';
	/*
	 * The probe made it read-only (BLKROSET), and on a whole loop device
	 * the flag outlives the detach: give it back writable first.
	 */
	snprintf(cmd, sizeof(cmd), "blockdev --setrw /dev/%s && losetup -d /dev/%s", name, name);
	assert_int_equal(system(cmd), 0);
}

static bool mounted(const char *dir)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, dir))
			found = true;
	fclose(f);
	return found;
}

static void images_unchanged(void)
{
	tu_sh("sha256sum --quiet -c sums");
}

static void test_real_probe_mounts_whole_disk(void **state)
{
	struct kb_loop *l;
	struct kb_devices *d;
	const struct kb_device *dev;
	char sock[128], path[256], buf[64], msg[256], *name;
	size_t want = 1;
	FILE *f;
	int n;

	if (!can_mount)
		skip();
	name = attach("fs.img", NULL);
	assert_non_null(name);
	only_names[0] = name;
	only_names[1] = NULL;
	l = kb_loop_new();
	snprintf(sock, sizeof(sock), "%s/uevent.sock", tu_tmp);
	d = real(l, sock);
	assert_non_null(d);
	assert_int_equal(kb_devices_count(d), 0); /* enumerated once the loop runs */
	assert_true(run_until(l, d, none_probing, &want, 20000));
	assert_int_equal(kb_devices_count(d), 1);
	dev = kb_devices_at(d, 0);
	assert_string_equal(dev->name, name);
	if (dev->state != KB_DEV_READY)
		fail_msg("%s: state %d: %s", name, dev->state, dev->reason);
	snprintf(path, sizeof(path), "/dev/%s", name);
	assert_string_equal(dev->dev, path);
	assert_null(dev->source);
	assert_string_equal(dev->fstype, "ext4");
	assert_string_equal(dev->uuid, FS_UUID);
	assert_string_equal(dev->label, "whole");
	assert_null(dev->partuuid);
	assert_int_equal(dev->disk, 0);
	assert_int_equal(dev->part, 0);
	snprintf(path, sizeof(path), "%s/mnt/%s", tu_tmp, name);
	assert_string_equal(dev->mnt, path);
	assert_true(mounted(path));
	snprintf(msg, sizeof(msg), "%s: ext4 \"whole\" mounted read-only", name);
	assert_true(saw(msg));

	/* Its files, read through the mount. */
	snprintf(path, sizeof(path), "%s/boot/hello.txt", dev->mnt);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "hello from fs\n");

	/* A kernel-format remove on the test socket: gone, mount detached. */
	n = snprintf(msg, sizeof(msg),
		     "remove@/devices/virtual/block/%s%cACTION=remove%c"
		     "SUBSYSTEM=block%cDEVNAME=%s%cDEVTYPE=disk",
		     name, 0, 0, 0, name, 0);
	send_uevent(sock, msg, (size_t)n + 1);
	want = 0;
	assert_true(run_until(l, d, count_is, &want, 5000));
	snprintf(path, sizeof(path), "%s/mnt/%s", tu_tmp, name);
	assert_false(mounted(path));
	assert_int_equal(access(path, F_OK), -1);
	snprintf(msg, sizeof(msg), "%s: removed", name);
	assert_true(saw(msg));

	/* In real mode KBOOT_SOURCE is ignored. */
	n = snprintf(msg, sizeof(msg), "add@/kboot/x%cKBOOT_SOURCE=%s%cDEVNAME=x", 0, tu_tmp, 0);
	kb_uevent_handle(d, msg, (size_t)n + 1);
	assert_int_equal(kb_devices_count(d), 0);

	kb_devices_free(d);
	kb_loop_free(l);
	detach_loop(name);
	free(name);
	images_unchanged();
}

/* /sys/class/block/NAME/ro: 1 when the block layer refuses writes. */
static int block_ro(const char *name)
{
	char path[128], buf[8] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/block/%s/ro", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return atoi(buf);
}

/*
 * A device attached read-write is made read-only at the block layer
 * (BLKROSET) before its filesystem is mounted: no driver can write to it.
 */
static void test_real_probe_sets_the_device_read_only(void **state)
{
	struct kb_loop *l;
	struct kb_devices *d;
	char sock[128], *name;
	size_t want = 1;

	if (!can_mount)
		skip();
	tu_sh("cp fs.img fs-rw.img");
	name = attach_mode("fs-rw.img", NULL, true);
	assert_non_null(name);
	assert_int_equal(block_ro(name), 0);
	only_names[0] = name;
	only_names[1] = NULL;
	l = kb_loop_new();
	snprintf(sock, sizeof(sock), "%s/uevent.sock", tu_tmp);
	d = real(l, sock);
	assert_true(run_until(l, d, none_probing, &want, 20000));
	if (kb_devices_at(d, 0)->state != KB_DEV_READY)
		fail_msg("%s: %s", name, kb_devices_at(d, 0)->reason);
	assert_int_equal(block_ro(name), 1);
	kb_devices_free(d);
	kb_loop_free(l);
	detach_loop(name);
	free(name);
}

static bool never(struct kb_devices *d, const void *arg)
{
	return false;
}

static void test_real_remove_while_probing_and_rescan(void **state)
{
	const struct kb_device *dev;
	char dir[256], msg[256], *name;
	struct kb_devices *d;
	struct kb_loop *l;
	unsigned long seq;
	size_t want = 1;
	int n;

	if (!can_mount)
		skip();
	name = attach("fs.img", NULL);
	assert_non_null(name);
	only_names[0] = name;
	only_names[1] = NULL;
	snprintf(dir, sizeof(dir), "%s/mnt/%s", tu_tmp, name);
	l = kb_loop_new();
	d = real(l, NULL);
	assert_non_null(d);

	/* Listed while its probe child has only just started: remove it. */
	assert_true(run_until(l, d, count_is, &want, 5000));
	assert_int_equal(kb_devices_at(d, 0)->state, KB_DEV_PROBING);
	n = snprintf(msg, sizeof(msg),
		     "remove@/devices/virtual/block/%s%cSUBSYSTEM=block%c"
		     "DEVTYPE=disk%cDEVNAME=%s",
		     name, 0, 0, 0, name);
	kb_uevent_handle(d, msg, (size_t)n + 1);
	assert_int_equal(kb_devices_count(d), 0);
	/* The killed child is reaped; whatever it did is undone. */
	run_until(l, d, never, NULL, 500);
	assert_false(mounted(dir));
	assert_int_equal(access(dir, F_OK), -1);

	/* Rescan: found again, probed again, later in the order. */
	kb_devices_rescan(d);
	assert_int_equal(kb_devices_count(d), 1);
	seq = kb_devices_at(d, 0)->seq;
	assert_true(run_until(l, d, none_probing, &want, 20000));
	dev = kb_devices_at(d, 0);
	assert_int_equal(dev->state, KB_DEV_READY);
	assert_int_equal(dev->seq, seq);
	assert_true(mounted(dir));
	assert_true(saw("rescan: forgetting every device"));

	/* Rescan of a mounted device: detached, then mounted again. */
	kb_devices_rescan(d);
	assert_true(kb_devices_at(d, 0)->seq > seq);
	assert_true(run_until(l, d, none_probing, &want, 20000));
	assert_int_equal(kb_devices_at(d, 0)->state, KB_DEV_READY);

	kb_devices_free(d);
	assert_false(mounted(dir));
	kb_loop_free(l);
	detach_loop(name);
	free(name);
	images_unchanged();
}

static int free_loop_number(void)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), n;

	assert_true(ctl >= 0);
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	assert_true(n >= 0);
	return n;
}

struct plug {
	char dev[32]; /* /dev/loopN to attach */
	char *name;   /* what attach() returned */
};

static void plug_in(struct kb_loop *l, void *data)
{
	struct plug *p = data;

	p->name = attach("fs.img", p->dev);
}

static void test_real_hotplug_from_netlink(void **state)
{
	struct plug plug = { .name = NULL };
	const struct kb_device *dev;
	char loopname[16], dir[256];
	struct kb_devices *d;
	struct kb_loop *l;
	size_t want = 1;

	if (!can_mount)
		skip();
	snprintf(loopname, sizeof(loopname), "loop%d", free_loop_number());
	snprintf(plug.dev, sizeof(plug.dev), "/dev/%s", loopname);
	only_names[0] = loopname;
	only_names[1] = NULL;
	l = kb_loop_new();
	d = real(l, NULL);
	assert_non_null(d);

	/* The device appears after start: only the kernel's uevents can tell. */
	kb_loop_timer(l, 200, plug_in, &plug);
	if (!run_until(l, d, none_probing, &want, 20000)) {
		for (size_t i = 0; i < nlines; i++)
			print_message("status: %s\n", lines[i]);
		fail_msg("%zu devices, not all probed", kb_devices_count(d));
	}
	assert_non_null(plug.name);
	assert_string_equal(plug.name, loopname);
	dev = dev_named(d, loopname);
	assert_non_null(dev);
	if (dev->state != KB_DEV_READY)
		fail_msg("%s: %s", loopname, dev->reason);
	assert_string_equal(dev->uuid, FS_UUID);

	/* Freeing the list detaches every mount and removes its directory. */
	snprintf(dir, sizeof(dir), "%s/mnt/%s", tu_tmp, loopname);
	assert_true(mounted(dir));
	kb_devices_free(d);
	assert_false(mounted(dir));
	assert_int_equal(access(dir, F_OK), -1);
	kb_loop_free(l);
	detach_loop(loopname);
	free(plug.name);
	images_unchanged();
}

static bool sysfs_has(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/block/%s", name);
	return access(path, F_OK) == 0;
}

static void test_real_partitioned_disk(void **state)
{
	const struct kb_device *boot, *root, *swap, *whole;
	char p1[40], p2[40], p3[40], path[256], msg[128];
	struct kb_devices *d;
	struct kb_loop *l;
	size_t want = 1;
	char *name;

	if (!can_mount)
		skip();
	name = attach("disk.img", NULL);
	assert_non_null(name);
	only_names[0] = name;
	only_names[1] = NULL;
	snprintf(p1, sizeof(p1), "%sp1", name);
	snprintf(p2, sizeof(p2), "%sp2", name);
	snprintf(p3, sizeof(p3), "%sp3", name);
	l = kb_loop_new();
	d = real(l, NULL);
	assert_non_null(d);
	if (sysfs_has(p1))
		want = 3;
	assert_true(run_until(l, d, none_probing, &want, 20000));

	if (!sysfs_has(p1)) {
		/* A kernel without GPT support: the disk, with the reason. */
		print_message("the kernel lists no GPT partitions: checking the whole disk\n");
		whole = dev_named(d, name);
		assert_non_null(whole);
		assert_int_equal(whole->state, KB_DEV_SKIPPED);
		assert_string_equal(whole->pttype, "gpt");
		assert_non_null(strstr(whole->reason, "gpt partition table"));
		goto out;
	}
	assert_int_equal(kb_devices_count(d), 3);
	assert_null(dev_named(d, name)); /* the disk itself: its partitions instead */
	boot = dev_named(d, p1);
	root = dev_named(d, p2);
	swap = dev_named(d, p3);
	assert_non_null(boot);
	assert_non_null(root);
	assert_non_null(swap);

	if (boot->state != KB_DEV_READY)
		fail_msg("%s: %s", p1, boot->reason);
	assert_string_equal(boot->uuid, TU_BOOT_UUID);
	assert_string_equal(boot->label, "boot");
	assert_string_equal(boot->pttype, "gpt");
	assert_int_equal(boot->part, 1);
	assert_int_equal(boot->disk, 0);

	/* Mounted although its journal needs recovery: noload; and it says so. */
	if (root->state != KB_DEV_READY)
		fail_msg("%s: %s", p2, root->reason);
	assert_true(root->dirty);
	assert_false(boot->dirty);
	snprintf(msg, sizeof(msg), "%s: this filesystem was not cleanly unmounted", p2);
	assert_true(saw(msg));
	assert_string_equal(root->partuuid, TU_ROOT_PARTUUID);
	assert_string_equal(root->partlabel, "rootpart");
	assert_int_equal(root->part, 2);
	snprintf(path, sizeof(path), "%s/etc/fstab", root->mnt);
	assert_int_equal(access(path, R_OK), 0);

	assert_int_equal(swap->state, KB_DEV_SKIPPED);
	assert_string_equal(swap->reason, "swap space");
	assert_null(swap->mnt);
	snprintf(msg, sizeof(msg), "%s: not opened: swap space", p3);
	assert_true(saw(msg));
	/* Order of appearance follows the partitions. */
	assert_true(boot->seq < root->seq && root->seq < swap->seq);
out:
	kb_devices_free(d);
	kb_loop_free(l);
	detach_loop(name);
	free(name);
	images_unchanged();
}

int main(void)
{
	const struct CMUnitTest parse[] = {
		cmocka_unit_test(test_uevent_kernel_add),
		cmocka_unit_test(test_uevent_remove_and_change),
		cmocka_unit_test(test_uevent_test_hook_source),
		cmocka_unit_test(test_uevent_garbage_refused),
		cmocka_unit_test(test_uevent_truncated_refused),
		cmocka_unit_test(test_uevent_libudev_ignored),
		cmocka_unit_test(test_uevent_oversized_refused),
		cmocka_unit_test(test_mount_options_table),
	};
	const struct CMUnitTest src[] = {
		cmocka_unit_test(test_source_added_ready_with_identity),
		cmocka_unit_test(test_source_named_by_base_name_in_order),
		cmocka_unit_test(test_source_errors_refused_with_status),
		cmocka_unit_test(test_source_uevent_handled_directly),
		cmocka_unit_test(test_source_hotplug_over_socket),
	};
	const struct CMUnitTest realdev[] = {
		cmocka_unit_test(test_real_probe_mounts_whole_disk),
		cmocka_unit_test(test_real_probe_sets_the_device_read_only),
		cmocka_unit_test(test_real_remove_while_probing_and_rescan),
		cmocka_unit_test(test_real_hotplug_from_netlink),
		cmocka_unit_test(test_real_partitioned_disk),
	};
	int failed = 0;

	failed |= cmocka_run_group_tests_name("uevent", parse, NULL, NULL);
	failed |= cmocka_run_group_tests_name("sources", src, tu_make_tmp, remove_tmp);
	failed |= cmocka_run_group_tests_name("real", realdev, setup_real, teardown_real);
	return failed ? 1 : 0;
}
