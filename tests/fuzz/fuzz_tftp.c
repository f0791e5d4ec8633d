// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_tftp.c - a libFuzzer target for the packets a TFTP server sends
 * kb_fetch() (core/net/fetch/tftp.c): OACK options, DATA blocks in any
 * order and size, ERROR packets.
 *
 * The input is a list of packets, each a 2-byte big-endian length and
 * its bytes.  A server thread in this process takes the read request on
 * 127.0.0.1 and sends the packets from a port of its own (the transfer
 * ID), then an ERROR that ends any transfer still waiting; kb_fetch()
 * downloads tftp://127.0.0.1:PORT/x meanwhile.  It runs in a network
 * namespace of its own (netns.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

static int listener;
static char url[64];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *input; /* a copy, the server's while a fetch runs */
static size_t input_len;

static void *serve(void *unused)
{
	static const uint8_t end[] = { 0, 5, 0, 0, 'e', 'n', 'd', 0 };
	struct sockaddr_in from;
	uint8_t rrq[1024];

	for (;;) {
		socklen_t len = sizeof(from);
		int tid;
		size_t o = 0;

		if (recvfrom(listener, rrq, sizeof(rrq), 0, (struct sockaddr *)&from, &len) < 0)
			continue;
		tid = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (tid < 0)
			continue;
		pthread_mutex_lock(&lock);
		while (input && o + 2 <= input_len) {
			size_t n = (size_t)input[o] << 8 | input[o + 1];

			o += 2;
			if (n > input_len - o)
				n = input_len - o;
			sendto(tid, input + o, n, 0, (struct sockaddr *)&from, len);
			o += n;
		}
		pthread_mutex_unlock(&lock);
		sendto(tid, end, sizeof(end), 0, (struct sockaddr *)&from, len);
		close(tid);
	}
	return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	pthread_t t;

	fuzz_netns("fuzz_tftp");
	listener = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(listener, (struct sockaddr *)&sa, &len) ||
	    pthread_create(&t, NULL, serve, NULL))
		abort();
	snprintf(url, sizeof(url), "tftp://127.0.0.1:%u/x", ntohs(sa.sin_port));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pthread_mutex_lock(&lock);
	input = size ? malloc(size) : NULL;
	input_len = input ? size : 0;
	if (input)
		memcpy(input, data, size);
	pthread_mutex_unlock(&lock);
	fuzz_fetch(url, 300);
	pthread_mutex_lock(&lock);
	free(input);
	input = NULL;
	input_len = 0;
	pthread_mutex_unlock(&lock);
	return 0;
}
