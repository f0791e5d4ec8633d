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
 * A multiboot kernel (Xen...) always goes to kexec-tools, each module with
 * its own command line; packed files are unpacked for it first.  kexec-tools
 * puts each file's name (a /proc/self/fd path) first in the kernel's and the
 * modules' command lines, as GRUB Legacy and mboot.c32 do: multiboot kernels
 * skip that word (Xen does, unless the boot loader's name says GRUB 2).
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

#include "daemon/kexec.h"

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD	0x00000001
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
	const char *argv[16 + KB_KEXEC_MAX_MODULES];
	char *mods[KB_KEXEC_MAX_MODULES] = { NULL };
	size_t argc = 0, i, len = 0;
	int pipefd[2], status, ret = -ENOMEM;
	ssize_t n;
	pid_t pid;

	if (access(KB_KEXEC_TOOL, X_OK)) {
		snprintf(err, errlen, "this kernel cannot load it, and kexec-tools is missing");
		return -ENOEXEC;
	}
	if (k->multiboot && k->ninitrds > KB_KEXEC_MAX_MODULES) {
		snprintf(err, errlen, "more than %d modules", KB_KEXEC_MAX_MODULES);
		return -E2BIG;
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
		/*
		 * --module="FILE ARGS": kexec-tools cuts the file name at the
		 * first space and hands the module the whole string, file name
		 * first (and "FILE CMDLINE" to the kernel), as GRUB Legacy did.
		 */
		for (i = 0; i < k->ninitrds; i++) {
			const char *args = k->modargs && k->modargs[i] ? k->modargs[i] : "";

			if (asprintf(&mods[i], "--module=/proc/self/fd/%d%s%s", k->initrds[i],
				     *args ? " " : "", args) < 0) {
				mods[i] = NULL;
				goto out;
			}
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
		ret = -errno;
		goto out;
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
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		goto out;
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
	ret = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* Its last line is the one that says why. */
		while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
			out[--len] = '\0';
		snprintf(err, errlen, "kexec-tools could not load it: %s",
			 len ? (strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out) : "it failed");
		ret = -ENOEXEC;
	}
out:
	free(cmd);
	for (i = 0; i < KB_KEXEC_MAX_MODULES; i++)
		free(mods[i]);
	return ret;
}

/* ---- Multiboot: unpacking for kexec-tools ---- */

/*
 * GRUB (unless `module --nounzip`) and mboot.c32 hand a multiboot kernel
 * and its modules over unpacked; kexec-tools does too when it is built with
 * zlib and liblzma, which Debian's is not.  So a packed file is unpacked
 * here, by busybox, into a memfd - bounded by half the memory, so a bomb
 * costs that boot only.  The magic numbers are the formats' own.
 */
static const struct {
	const char *name; /* for the user */
	unsigned char magic[9];
	size_t len;
	const char *const argv[4]; /* busybox and its applet, reading stdin */
} packers[] = {
	{ "gzip", { 0x1f, 0x8b }, 2, { "busybox", "zcat", NULL } },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, { "busybox", "xzcat", NULL } },
	{ "lzop",
	  { 0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1a, '\n' },
	  9,
	  { "busybox", "lzop", "-dc", NULL } },
};

/* The packer of fd's contents: an index into packers[], or -1. */
static int packer_of(int fd)
{
	unsigned char head[9];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	size_t i;

	for (i = 0; n > 0 && i < sizeof(packers) / sizeof(packers[0]); i++)
		if ((size_t)n >= packers[i].len && !memcmp(head, packers[i].magic, packers[i].len))
			return (int)i;
	return -1;
}

/*
 * fd's contents unpacked into a new memfd (close-on-exec) by packers[pk].
 * The memfd, or -errno with a sentence naming what (the kernel, module 2)
 * in err.
 */
static int unpack(int fd, int pk, const char *what, char *err, size_t errlen)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	off_t limit = pages > 0 && psize > 0 ? (off_t)pages * psize / 2 : (off_t)1 << 30;
	int out, pipefd[2], status, ret = 0;
	char buf[64 * 1024];
	off_t total = 0;
	ssize_t n, w, off;
	pid_t pid;

	out = memfd_create("kboot-unpacked", MFD_CLOEXEC);
	if (out < 0 || pipe2(pipefd, O_CLOEXEC)) {
		ret = -errno;
		if (out >= 0)
			close(out);
		snprintf(err, errlen, "cannot unpack %s: %s", what, strerror(-ret));
		return ret;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		lseek(fd, 0, SEEK_SET);
		dup2(fd, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execv(KB_UNPACK_TOOL, (char *const *)packers[pk].argv);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(out);
		snprintf(err, errlen, "cannot unpack %s: %s", what, strerror(-ret));
		return ret;
	}
	while (!ret && (n = read(pipefd[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno != EINTR)
				ret = -errno;
			continue;
		}
		total += n;
		if (total > limit) {
			ret = -EFBIG;
			break;
		}
		for (off = 0; !ret && off < n; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				ret = errno == ENOMEM ? -ENOSPC : -errno;
		}
	}
	close(pipefd[0]); /* a busybox still writing gets SIGPIPE */
	if (ret)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!ret && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		ret = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EBADMSG;
	if (!ret)
		return out;
	close(out);
	switch (ret) {
	case -EFBIG:
		snprintf(err, errlen, "%s unpacks to more than half the memory", what);
		break;
	case -ENOSPC:
		snprintf(err, errlen, "not enough memory to unpack %s", what);
		break;
	case -ENOENT:
		snprintf(err, errlen, "%s is %s-packed, and %s is missing", what, packers[pk].name,
			 KB_UNPACK_TOOL);
		break;
	case -EBADMSG:
		snprintf(err, errlen, "%s is not valid %s data", what, packers[pk].name);
		break;
	default:
		snprintf(err, errlen, "cannot unpack %s: %s", what, strerror(-ret));
		break;
	}
	return ret;
}

/* A multiboot kernel and its modules through kexec-tools, unpacked first. */
static int load_multiboot(const struct kb_kexec *k, char *err, size_t errlen)
{
	int fds[1 + KB_KEXEC_MAX_MODULES], made[1 + KB_KEXEC_MAX_MODULES];
	struct kb_kexec mk = *k;
	size_t i, n = 1 + k->ninitrds;
	char what[32];
	int ret = 0, pk;

	if (k->ninitrds > KB_KEXEC_MAX_MODULES) {
		snprintf(err, errlen, "more than %d modules", KB_KEXEC_MAX_MODULES);
		return -E2BIG;
	}
	for (i = 0; i < n && !ret; i++) {
		fds[i] = i ? k->initrds[i - 1] : k->kernel;
		made[i] = -1;
		pk = packer_of(fds[i]);
		if (pk < 0)
			continue;
		if (i)
			snprintf(what, sizeof(what), "module %zu", i);
		else
			snprintf(what, sizeof(what), "the kernel");
		ret = made[i] = unpack(fds[i], pk, what, err, errlen);
		if (ret >= 0) {
			fds[i] = made[i];
			ret = 0;
		}
	}
	if (!ret) {
		mk.kernel = fds[0];
		mk.initrds = fds + 1;
		ret = load_with_tool(&mk, -1, err, errlen);
	}
	while (i--)
		if (made[i] >= 0)
			close(made[i]);
	return ret;
}

/* ---- The syscall ---- */

int kb_kexec_load(const struct kb_kexec *k, char *err, size_t errlen)
{
	unsigned long flags = 0;
	bool made;
	int rd, ret;

	if (k->multiboot)
		return load_multiboot(k, err, errlen);
	rd = initrd_fd(k, &made);
	if (rd < 0 && rd != -ENOENT) {
		snprintf(err, errlen,
			 rd == -ENOSPC ? "not enough memory to join the initrds"
				       : "cannot join the initrds: %s",
			 strerror(-rd));
		return rd;
	}
	if (rd == -ENOENT)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	if (k->dtb >= 0 || k->tools) {
		/* Only kexec-tools knows device trees on x86; and kboot.kexec=tools
		 * asks for it (a kernel whose kexec_file_load misbehaves). */
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
		snprintf(err, errlen,
			 "not permitted: not root, or the kernel is locked down "
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
