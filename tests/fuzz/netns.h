/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netns.h - what the fuzz targets that reach the network share: a network
 * namespace of their own with only the loopback up, and a resolv.conf of
 * their own (127.0.0.1, where nothing answers) so that a host name in an
 * input fails at once instead of waiting on the host's name servers.
 * Nothing an input names can leave the process.  fuzz_fetch() is the
 * download they all check.  Needs root; a target
 * that cannot have it refuses to run (exit status 77: skipped).
 */
#ifndef KBOOT_FUZZ_NETNS_H
#define KBOOT_FUZZ_NETNS_H

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/fetch/fetch.h"

/*
 * LeakSanitizer's list of what not to report, built in: glibc's resolver
 * keeps a buffer per thread (__res_context_send) that it frees when the
 * thread's resources go (__libc_freeres), which LeakSanitizer does not see
 * for kb_fetch()'s name lookup threads.  Nothing of kboot's is hidden.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:__res_context_send\n";
}

static inline void fuzz_netns(const char *target)
{
	static const char conf[] = "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n";
	char resolv[] = "/tmp/kboot-fuzz-resolv.XXXXXX";
	struct ifreq ifr = { 0 };
	int fd;

	/* A process libFuzzer started (-merge, -fork) is in ours already. */
	if (getenv("KBOOT_FUZZ_NETNS"))
		return;
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		fprintf(stderr, "%s: no network namespace of its own (%s): run it as root\n",
			target, strerror(errno));
		exit(77); /* skipped: make fuzz-regress says so */
	}
	fd = mkstemp(resolv);
	if (fd < 0 || write(fd, conf, strlen(conf)) != (ssize_t)strlen(conf))
		abort();
	close(fd);
	if (!access("/etc/resolv.conf", F_OK) &&
	    mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL))
		abort();
	unlink(resolv);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		abort();
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		abort();
	close(fd);
	setenv("KBOOT_FUZZ_NETNS", "1", 1);
}

/*
 * Download url into /dev/null with short timeouts: whatever the server
 * did, a result and, on failure, one sentence (else abort()).
 */
static inline void fuzz_fetch(const char *url, int stall_ms)
{
	static int out_fd = -1;
	struct kb_fetch_opts o = {
		.connect_timeout_ms = 1000,
		.stall_timeout_ms = stall_ms,
		.max_size = 1 << 20,
	};
	char err[1024];

	if (out_fd < 0)
		out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out_fd < 0)
		abort();
	if (kb_fetch(url, out_fd, &o, NULL, NULL, err, sizeof(err)) && !err[0])
		abort();
}

#endif
