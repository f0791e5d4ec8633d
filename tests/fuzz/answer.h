/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * answer.h - what the fuzz targets for a TCP server's answers share: a
 * server thread on 127.0.0.1 (in the namespace netns.h makes) that answers
 * every connection with the current input and closes it.  An HTTP server
 * reads the request first; an FTP server speaks first and then reads
 * whatever the client says until it hangs up.
 */
#ifndef KBOOT_FUZZ_ANSWER_H
#define KBOOT_FUZZ_ANSWER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "netns.h"

static int answer_listener;
static bool answer_after_request;
static pthread_mutex_t answer_lock = PTHREAD_MUTEX_INITIALIZER;
static const uint8_t *answer_data;
static size_t answer_len;

/* Read the request up to its blank line (bounded), so the answer follows it. */
static void answer_read_request(int fd)
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

/* Send the input to fd from a copy: the input is gone once the fetch returns. */
static void answer_send(int fd)
{
	uint8_t *copy;
	size_t left, o = 0;

	pthread_mutex_lock(&answer_lock);
	left = answer_len;
	copy = left ? malloc(left) : NULL;
	if (copy)
		memcpy(copy, answer_data, left);
	else
		left = 0;
	pthread_mutex_unlock(&answer_lock);
	while (o < left) {
		ssize_t w = send(fd, copy + o, left - o, MSG_NOSIGNAL);

		if (w <= 0)
			break;
		o += (size_t)w;
	}
	free(copy);
}

static void *answer_serve(void *unused)
{
	struct timeval tv = { .tv_sec = 1 };
	char sink[4096];

	for (;;) {
		int fd = accept(answer_listener, NULL, NULL);

		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (answer_after_request)
			answer_read_request(fd);
		answer_send(fd);
		shutdown(fd, SHUT_WR);
		while (!answer_after_request && read(fd, sink, sizeof(sink)) > 0)
			;
		close(fd);
	}
	return NULL;
}

/* Listen and serve; the port. */
static unsigned int answer_start(bool after_request)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	pthread_t t;

	answer_after_request = after_request;
	answer_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (answer_listener < 0 || bind(answer_listener, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(answer_listener, 16) ||
	    getsockname(answer_listener, (struct sockaddr *)&sa, &len) ||
	    pthread_create(&t, NULL, answer_serve, NULL))
		abort();
	return ntohs(sa.sin_port);
}

/* What the server answers from now on (NULL, 0: nothing). */
static void answer_set(const uint8_t *data, size_t size)
{
	pthread_mutex_lock(&answer_lock);
	answer_data = data;
	answer_len = size;
	pthread_mutex_unlock(&answer_lock);
}

/*
 * The libFuzzer entry points of such a target: named name, downloading
 * scheme://127.0.0.1:PORT/x from the answer server.
 */
#define ANSWER_TARGET(name, scheme, after_request)                                         \
	static char answer_url[64];                                                        \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                                  \
	{                                                                                  \
		fuzz_netns(name);                                                          \
		snprintf(answer_url, sizeof(answer_url), scheme "://127.0.0.1:%u/x",      \
			 answer_start(after_request));                                     \
		return 0;                                                                  \
	}                                                                                  \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                       \
	{                                                                                  \
		answer_set(data, size);                                                    \
		fuzz_fetch(answer_url, 200);                                               \
		answer_set(NULL, 0);                                                       \
		return 0;                                                                  \
	}

#endif
