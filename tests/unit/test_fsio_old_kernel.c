// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fsio_old_kernel.c - file access inside one filesystem on a kernel
 * without openat2() (before 5.6), made here with a seccomp filter that
 * answers openat2 with ENOSYS, as such a kernel does.  Then only the
 * lexical normalisation of core/config/fsio.c keeps ".." inside: reads,
 * directory listings and the edit screen's completion ("complete" once
 * listed the host's /etc from "sda2:/../../../etc/pass").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/complete.h"
#include "config/parser.h"
#include "config/scan.h"
#include "testutil.h"

/* From here on, openat2 fails with ENOSYS in this process. */
static void no_openat2(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	assert_int_equal(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	assert_int_equal(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
	assert_int_equal(syscall(SYS_openat2, AT_FDCWD, ".", NULL, 0), -1);
	assert_int_equal(errno, ENOSYS);
}

/* The checks, in a child (the filter cannot be taken back): its exit status. */
static int confined(void)
{
	struct kb_scan *s = kb_scan_new();
	struct ptrv out = { 0 };
	struct kb_pctx p = { 0 };
	const struct kb_fs *fs;
	char spec[4200], *buf;
	size_t len, i;

	no_openat2();
	snprintf(spec, sizeof(spec), "%s/fs:name=sda2", tu_tmp);
	if (kb_scan_add_source(s, spec, stderr))
		return 10;
	fs = s->fs.v[0];
	p.scan = s;
	p.arena = s->arena;
	/* Inside: still works. */
	if (kb_read(&p, fs, "/boot/../boot/./kernel", 0, &buf, &len) || strcmp(buf, "k\n"))
		return 11;
	/* Up and out: the root's parent is the root. */
	if (kb_read(&p, fs, "/../outside", 0, &buf, &len) != -ENOENT)
		return 12;
	if (kb_read(&p, fs, "/../fs/boot/kernel", 0, &buf, &len) != -ENOENT)
		return 13;
	if (kb_complete(s->arena, &s->fs, "sda2:/../outs", NULL, &out))
		return 14;
	for (i = 0; i < out.n; i++)
		if (strstr(out.v[i], "outside"))
			return 15;
	out.n = 0;
	if (kb_complete(s->arena, &s->fs, "sda2:/../bo", NULL, &out) || out.n != 1 ||
	    strcmp(out.v[0], "sda2:/boot/"))
		return 16;
	kb_scan_free(s);
	return 0;
}

static void test_dotdot_stays_inside_without_openat2(void **state)
{
	int status;
	pid_t pid;

	tu_sh("mkdir -p fs/boot && echo k > fs/boot/kernel && echo secret > outside");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(confined());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dotdot_stays_inside_without_openat2),
	};

	return cmocka_run_group_tests(tests, tu_make_tmp, tu_remove_tmp);
}
