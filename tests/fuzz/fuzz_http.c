// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_http.c - a libFuzzer target for what an HTTP server answers
 * kb_fetch() (core/net/fetch/http.c): the status line, the header fields,
 * chunked bodies, interim answers, redirects.
 *
 * A server thread in this process listens on 127.0.0.1 and answers every
 * request with the input, then closes; kb_fetch() downloads
 * http://127.0.0.1:PORT/x from it (and follows whatever redirects the
 * input asks for).  It runs in a network namespace of its own (netns.h),
 * so a redirect to another host reaches nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/fetch/fetch.h"
#include "netns.h"

static int listener, out_fd;
static char url[64];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const uint8_t *answer;
static size_t answer_len;

/* Read the request up to its blank line (bounded), so the answer follows it. */
static void read_request(int fd)
{
	char buf[8192];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0) {
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
}

static void *serve(void *unused)
{
	for (;;) {
		int fd = accept(listener, NULL, NULL);
		uint8_t *copy = NULL;
		const uint8_t *p;
		size_t left;

		if (fd < 0)
			continue;
		read_request(fd);
		/* A copy: the input is gone once the fetch returns, the answer may not be sent yet.
		 */
		pthread_mutex_lock(&lock);
		left = answer_len;
		copy = left ? malloc(left) : NULL;
		if (copy)
			memcpy(copy, answer, left);
		else
			left = 0;
		pthread_mutex_unlock(&lock);
		p = copy;
		while (left) {
			ssize_t w = send(fd, p, left, MSG_NOSIGNAL);

			if (w <= 0)
				break;
			p += w;
			left -= (size_t)w;
		}
		free(copy);
		close(fd);
	}
	return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	pthread_t t;

	fuzz_netns("fuzz_http");
	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listener, 16) || getsockname(listener, (struct sockaddr *)&sa, &len))
		abort();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", ntohs(sa.sin_port));
	out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out_fd < 0 || pthread_create(&t, NULL, serve, NULL))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_fetch_opts o = {
		.connect_timeout_ms = 1000,
		.stall_timeout_ms = 200,
		.max_size = 1 << 20,
	};
	char err[1024];

	pthread_mutex_lock(&lock);
	answer = data;
	answer_len = size;
	pthread_mutex_unlock(&lock);
	/* Whatever the answer, a result and, on failure, one sentence. */
	if (kb_fetch(url, out_fd, &o, NULL, NULL, err, sizeof(err)) && !err[0])
		abort();
	pthread_mutex_lock(&lock);
	answer = NULL;
	answer_len = 0;
	pthread_mutex_unlock(&lock);
	return 0;
}
