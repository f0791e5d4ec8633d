// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_request.c - a libFuzzer target for what a client sends the daemon:
 * the whole path from bytes on the control socket (core/proto/server.c)
 * through the JSON reader and the daemon's one table of requests
 * (core/daemon/requests.c) to the replies, on a real daemon.
 *
 * Each input is what one client writes before it hangs up, sent to a
 * fresh `kboot daemon` in --source mode (a directory with a GRUB config:
 * boots are dry runs whose plan goes nowhere) through a socketpair; the
 * loop runs until the daemon has answered and closed that client.  A
 * request may name a URL: the target runs in a network namespace of its
 * own (netns.h), so nothing leaves the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "lib/loop.h"
#include "netns.h"

static char spec[128];
static const char *sources[1];
static FILE *devnull;

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/kboot-fuzz-request.XXXXXX", sub[256];

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr,
			"fuzz_request: no network namespace of its own (%s): "
			"run it as root\n",
			strerror(errno));
		exit(1);
	}
	if (!mkdtemp(dir))
		abort();
	snprintf(sub, sizeof(sub), "%s/boot", dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/boot/grub", dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/boot", dir);
	put(sub, "vmlinuz-1", "kernel\n");
	put(sub, "initrd.img-1", "initrd\n");
	snprintf(sub, sizeof(sub), "%s/boot/grub", dir);
	put(sub, "grub.cfg",
	    "menuentry 'One' --id one {\n linux /boot/vmlinuz-1 root=/dev/sda1\n"
	    " initrd /boot/initrd.img-1\n}\n"
	    "menuentry 'Two' {\n linux /boot/vmlinuz-1 two\n}\n");
	snprintf(spec, sizeof(spec), "%s:name=sda1", dir);
	sources[0] = spec;
	devnull = fopen("/dev/null", "w");
	return 0;
}

static void quit(struct kb_loop *l, void *data)
{
	kb_loop_quit(l, 0);
}

/* Run what is ready, then come back. */
static void pump(struct kb_loop *l)
{
	kb_loop_timer(l, 1, quit, NULL);
	kb_loop_run(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_daemon_config cfg = {
		.sources = sources,
		.nsources = 1,
		.timeout = -1,
		.plan = devnull,
		.dry_run = true,
		.stay_after_boot = true,
		.no_listen = true,
		.quiet = true,
	};
	struct kb_loop *l = kb_loop_new();
	struct kb_daemon *d;
	char buf[65536];
	int sv[2], i;
	ssize_t n;

	if (!l || size > (1u << 20))
		goto out;
	d = kb_daemon_new(l, &cfg);
	if (!d)
		abort(); /* a daemon over a good directory must start */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv))
		abort();
	if (kb_daemon_adopt(d, sv[0]))
		abort();
	for (i = 0; i < 20; i++)
		pump(l); /* the first menu */
	/* The client's bytes, then its end of writing; replies are read as they come. */
	while (size) {
		n = write(sv[1], data, size);
		if (n > 0) {
			data += n;
			size -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN) {
			break;
		}
		pump(l);
		while (read(sv[1], buf, sizeof(buf)) > 0)
			;
	}
	shutdown(sv[1], SHUT_WR);
	for (i = 0; i < 200; i++) {
		pump(l);
		n = read(sv[1], buf, sizeof(buf));
		if (n == 0)
			break; /* the daemon closed the client */
	}
	close(sv[1]);
	kb_daemon_free(d);
out:
	kb_loop_free(l);
	return 0;
}
