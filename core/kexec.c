// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec.c - the jump (kexec.h).
 *
 * kexec_file_load(2) is the first choice: the kernel reads the files
 * itself (and can check signatures).  It takes one initrd, so several are
 * concatenated, in order, into a memfd first (the kernel unpacks
 * concatenated cpio archives one after the other).  It accepts only what
 * the running kernel's loaders know (bzImage on x86), so when it refuses
 * an image for a reason kexec_load(2) can serve, kexec-tools does the
 * load; every such decision is in the errno switch of kb_kexec_load().
 * The command line length handed to the kernel includes the final NUL.
 *
 * Not here: finding the files (the daemon hands over open fds), stopping
 * the rest of kboot before the jump (the daemon), network files (they are
 * copied to tmpfs before they get here).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kexec.h"

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD 0x00000001
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

#define TOOL_OUTPUT 1024 /* bytes of kexec-tools' messages kept for the user */

/* Copy fd's whole contents to out.  0 or -errno (-ENOSPC: tmpfs is full). */
static int copy_all(int out, int fd)
{
	char buf[64 * 1024];
	ssize_t n, w, off;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (off = 0; off < n; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				return errno == ENOMEM ? -ENOSPC : -errno;
		}
	}
	return 0;
}

/* The initrds as one fd: the only one as it is, several concatenated. */
static int initrd_fd(const struct kb_kexec *k, bool *made)
{
	size_t i;
	int fd, ret;

	*made = false;
	if (!k->ninitrds)
		return -ENOENT;
	if (k->ninitrds == 1)
		return k->initrds[0];
	fd = memfd_create("kboot-initrd", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < k->ninitrds; i++) {
		ret = copy_all(fd, k->initrds[i]);
		if (ret) {
			close(fd);
			return ret;
		}
	}
	*made = true;
	return fd;
}

/* ---- kexec-tools ---- */

static void fd_arg(char *buf, size_t size, const char *opt, int fd)
{
	snprintf(buf, size, "%s/proc/self/fd/%d", opt, fd);
}

/*
 * kexec -l through kexec_load(2) (-c), the files as /proc/self/fd paths.
 * 0, or -errno with kexec-tools' own words in err.
 */
static int load_with_tool(const struct kb_kexec *k, int initrd, char *err, size_t errlen)
{
	char kernel[64], rd[64], dtb[64], *cmd = NULL, out[TOOL_OUTPUT];
	const char *argv[16 + 64];
	size_t argc = 0, i, len = 0;
	char mods[64][64];
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (access(KB_KEXEC_TOOL, X_OK)) {
		snprintf(err, errlen, "this kernel cannot load it, and kexec-tools is missing");
		return -ENOEXEC;
	}
	if (asprintf(&cmd, "--command-line=%s", k->cmdline) < 0)
		return -ENOMEM;
	fd_arg(kernel, sizeof(kernel), "", k->kernel);
	argv[argc++] = KB_KEXEC_TOOL;
	argv[argc++] = "-l";
	argv[argc++] = "-c"; /* kexec_load(2): the path kexec_file_load(2) could not take */
	argv[argc++] = kernel;
	argv[argc++] = cmd;
	if (k->multiboot) {
		for (i = 0; i < k->ninitrds && i < 64; i++) {
			fd_arg(mods[i], sizeof(mods[i]), "--module=", k->initrds[i]);
			argv[argc++] = mods[i];
		}
	} else {
		argv[argc++] = "--args-linux";
		if (initrd >= 0) {
			fd_arg(rd, sizeof(rd), "--initrd=", initrd);
			argv[argc++] = rd;
		}
	}
	if (k->dtb >= 0) {
		fd_arg(dtb, sizeof(dtb), "--dtb=", k->dtb);
		argv[argc++] = dtb;
	}
	argv[argc] = NULL;

	if (pipe2(pipefd, O_CLOEXEC)) {
		free(cmd);
		return -errno;
	}
	pid = fork();
	if (pid == 0) {
		/* The files must survive exec: they are named by fd. */
		fcntl(k->kernel, F_SETFD, 0);
		if (initrd >= 0)
			fcntl(initrd, F_SETFD, 0);
		for (i = 0; k->multiboot && i < k->ninitrds; i++)
			fcntl(k->initrds[i], F_SETFD, 0);
		if (k->dtb >= 0)
			fcntl(k->dtb, F_SETFD, 0);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execv(KB_KEXEC_TOOL, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	free(cmd);
	if (pid < 0) {
		close(pipefd[0]);
		return -errno;
	}
	while (len < sizeof(out) - 1 && (n = read(pipefd[0], out + len, sizeof(out) - 1 - len)))
		if (n > 0)
			len += (size_t)n;
		else if (errno != EINTR)
			break;
	out[len] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* Its last line is the one that says why. */
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	snprintf(err, errlen, "kexec-tools could not load it: %s",
		 len ? (strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out) : "it failed");
	return -ENOEXEC;
}

/* ---- The syscall ---- */

int kb_kexec_load(const struct kb_kexec *k, char *err, size_t errlen)
{
	unsigned long flags = 0;
	bool made;
	int rd, ret;

	rd = initrd_fd(k, &made);
	if (rd < 0 && rd != -ENOENT) {
		snprintf(err, errlen, rd == -ENOSPC ? "not enough memory to join the initrds"
						    : "cannot join the initrds: %s",
			 strerror(-rd));
		return rd;
	}
	if (rd == -ENOENT)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	if (k->multiboot || k->dtb >= 0 || k->tools) {
		/* Only kexec-tools knows multiboot, and device trees on x86; and
		 * kboot.kexec=tools asks for it (a kernel whose kexec_file_load
		 * misbehaves). */
		ret = load_with_tool(k, rd >= 0 ? rd : -1, err, errlen);
		goto out;
	}
	ret = (int)syscall(SYS_kexec_file_load, k->kernel, rd >= 0 ? rd : -1,
			   strlen(k->cmdline) + 1, k->cmdline, flags);
	if (ret == 0)
		goto out;
	ret = -errno;
	switch (errno) {
	case ENOEXEC: /* not a format the kernel's loaders know: an ELF vmlinux... */
	case ENOSYS:  /* a kernel without kexec_file_load */
	case EOPNOTSUPP:
		ret = load_with_tool(k, rd >= 0 ? rd : -1, err, errlen);
		break;
	case EPERM:
		snprintf(err, errlen, "not permitted: not root, or the kernel is locked down "
				      "(Secure Boot)");
		break;
	case EKEYREJECTED:
	case EBADMSG:
	case ENOKEY:
		snprintf(err, errlen, "the kernel's signature was rejected");
		break;
	case ENOMEM:
		snprintf(err, errlen, "not enough memory to load it");
		break;
	case EBUSY:
		snprintf(err, errlen, "another kexec is under way");
		break;
	default:
		snprintf(err, errlen, "the kernel refused it: %s", strerror(errno));
		break;
	}
out:
	if (made)
		close(rd);
	return ret;
}

int kb_kexec_unload(void)
{
	if (syscall(SYS_kexec_file_load, -1, -1, 0, NULL, KEXEC_FILE_UNLOAD) == 0)
		return 0;
	return -errno;
}

int kb_kexec_jump(void)
{
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	return -errno;
}
