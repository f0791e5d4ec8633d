/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * server.h - the daemon's side of the control socket (docs/protocol.md).
 *
 * Listens on a Unix stream socket, accepts clients whose peer credentials
 * are root or the daemon's own user, splits their input into lines, parses
 * each as a JSON object and hands it to the request callback.  Output is
 * queued per client and written as the socket accepts it, so a slow client
 * never blocks the daemon; a client whose queue passes KB_CLIENT_MAX_QUEUE,
 * or that sends a bad or oversized line, is closed - only that client.
 *
 * It knows nothing of what the messages mean: the daemon builds them.
 */
#ifndef KBOOT_SERVER_H
#define KBOOT_SERVER_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/jsonparse.h"

#define KB_CLIENT_MAX_QUEUE (4u * 1024 * 1024)

struct kb_loop;
struct kb_server;
struct kb_client;

struct kb_server_ops {
	/* A client was accepted: send it the full state with kb_client_send(). */
	void (*connected)(struct kb_server *s, struct kb_client *c, void *data);
	/*
	 * A request arrived: req is a JSON object, valid (with everything in
	 * a) only during the call.
	 */
	void (*request)(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
			struct arena *a, void *data);
	/* Optional: a client went away (closed, or was closed). */
	void (*disconnected)(struct kb_server *s, struct kb_client *c, void *data);
};

/*
 * Listen on path (its directory is created 0700 if missing; a stale socket
 * is replaced); path NULL: no socket, clients only come through
 * kb_server_adopt().  NULL with errno set on failure.
 */
struct kb_server *kb_server_new(struct kb_loop *l, const char *path,
				const struct kb_server_ops *ops, void *data);
/*
 * Serve a connected stream socket (one end of a socketpair, for a client
 * in the same process) like an accepted client, without the credential
 * check.  0: the server owns fd from now on; -errno: the caller still does.
 */
int kb_server_adopt(struct kb_server *s, int fd);
/* Close every client and the socket, remove the socket file. */
void kb_server_free(struct kb_server *s);

/*
 * Queue one message (a JSON object without the newline; one is added).
 * 0, or -ENOBUFS when that closed the client for being too slow (it must
 * not be used afterwards... it stays valid until the callback returns).
 */
int kb_client_send(struct kb_client *c, const char *json, size_t len);
/* The same message to every connected client that has seen "ready". */
void kb_server_broadcast(struct kb_server *s, const char *json, size_t len);
/* Mark that c has its full state, so broadcasts reach it from now on. */
void kb_client_ready(struct kb_client *c);

size_t kb_server_clients(const struct kb_server *s);

#endif
