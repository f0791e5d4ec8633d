/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * testutil.h - plumbing the unit tests share: one temporary directory per
 * test program (or per test), files and shell commands in it, scans over
 * its subdirectories, and lookups in a scan's result.
 *
 * Every helper checks its own work with cmocka assertions, so a test that
 * calls one fails at the helper when the plumbing breaks; none returns an
 * error code.  What it does not do: compare golden files - that stays with
 * the one test that needs it.
 *
 * Include after <cmocka.h> and "scan.h".
 */
#ifndef KBOOT_TESTUTIL_H
#define KBOOT_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct kb_entry;
struct kb_fs;
struct kb_loop;
struct kb_scan;

/* ---- The temporary directory ---- */

/* The directory tu_make_tmp() made: an absolute path, "" when there is none. */
extern char tu_tmp[];

/*
 * Make a fresh tu_tmp (/tmp/kboot-<program>.XXXXXX).  A cmocka setup
 * function: pass it to cmocka_run_group_tests() or to
 * cmocka_unit_test_setup_teardown(); always returns 0.
 */
int tu_make_tmp(void **state);

/*
 * Remove tu_tmp and everything in it, and set it to "".  A cmocka teardown
 * function: returns 0, or rm's non-zero status.  Does nothing without a tu_tmp.
 */
int tu_remove_tmp(void **state);

/* ---- Files and commands in it ---- */

/* Write text to tu_tmp/rel, replacing it, making directories as needed. */
void tu_put(const char *rel, const char *text);

/* The same with len bytes of data, which may hold NUL bytes. */
void tu_put_len(const char *rel, const void *data, size_t len);

/* Run the printf-formatted shell command in tu_tmp; asserts it exits 0. */
void tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read all of the file at path into a NUL-terminated buffer the caller
 * frees; its length (without the NUL) in *len unless len is NULL. */
char *tu_slurp(const char *path, size_t *len);

/* ---- Test servers on 127.0.0.1 ---- */

struct tu_server {
	pid_t pid; /* the server process */
	int in;	   /* its stdin: closing it ends the server too */
	int port;  /* where it listens on 127.0.0.1 */
};

/*
 * Start the Python script (Debian's python3, with python3-pyftpdlib) with
 * "--dir tu_tmp" and the further arguments (NULL-ended); it prints "PORT n"
 * once it listens (the servers in tests/unit/fetch/ do).  Fails the test when it does
 * not within 10 s.  Stop it with tu_server_stop().
 */
struct tu_server tu_server_start(const char *script, ...);
void tu_server_stop(struct tu_server *s);

/* ---- A partitioned disk image ---- */

/* The identities tu_make_disk_image() gives its filesystems. */
#define TU_BOOT_UUID	 "0b3c1d1e-0000-4000-8000-0000000000b0"
#define TU_ROOT_UUID	 "0b3c1d1e-0000-4000-8000-0000000000a0"
#define TU_ROOT_PARTUUID "6a1e2b3c-0000-4000-8000-0000000000a0"

/*
 * Build, in tu_tmp, with mkfs.ext4 -d and sfdisk on plain files (no mounts,
 * no loop devices):
 *   boot.img  ext4, UUID TU_BOOT_UUID, label "boot", /grub/grub.cfg
 *             holding "set timeout=3"
 *   root.img  ext4, UUID TU_ROOT_UUID, label "root", /etc/fstab mounting
 *             TU_BOOT_UUID on /boot; its journal says it needs recovery,
 *             so a mount that replays it writes
 *   swap.img  swap space
 *   disk.img  16M, GPT: boot.img at sector 2048, root.img at 10240 (PARTUUID
 *             TU_ROOT_PARTUUID, name "rootpart"), swap.img at 18432
 * (and the directories boot/ and root/ they were made from).  The caller
 * adds its own checksums of what it wants to stay unchanged.
 */
void tu_make_disk_image(void);

/* ---- The event loop ---- */

/*
 * Run l for about ms milliseconds: a timer that quits it (0: one round of
 * what is ready now).
 */
void tu_pump(struct kb_loop *l, unsigned int ms);

/* ---- Scans ---- */

/* Add tu_tmp/rel (tu_tmp itself when rel is NULL) to s as the filesystem id. */
void tu_add_dir(struct kb_scan *s, const char *rel, const struct kb_fs *id);

/* Add the SOURCE "tu_tmp/spec" to s ("root:name=sda1", "disk.img"). */
void tu_add_source(struct kb_scan *s, const char *spec);

/*
 * A new scan of tu_tmp/rel as the one filesystem id, already run.  The
 * caller frees it with kb_scan_free().
 */
struct kb_scan *tu_scan_dir(const char *rel, const struct kb_fs *id);

/* ---- Lookups in a scan; results point into s and live as long as it ---- */

/* The first menu entry titled title; fails the test when there is none. */
const struct kb_entry *tu_entry(const struct kb_scan *s, const char *title);

/* Menu entry i; fails the test when there are not that many. */
const struct kb_entry *tu_entry_at(const struct kb_scan *s, size_t i);

/* How many menu entries came from the parser named source ("grub2", "kboot"). */
size_t tu_count_source(const struct kb_scan *s, const char *source);

/* Whether a menu-wide warning contains part. */
bool tu_warned(const struct kb_scan *s, const char *part);

/* The filesystem named name; fails the test when there is none. */
const struct kb_fs *tu_fs_named(const struct kb_scan *s, const char *name);

#endif /* KBOOT_TESTUTIL_H */
