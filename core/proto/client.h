/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * client.h - the client end of the control socket (docs/protocol.md).
 *
 * What `kboot list/boot/status/cancel/rescan` and the ncurses UI share:
 * finding the socket, connecting, sending requests with a sequence number,
 * and reading the daemon's messages one line at a time, each parsed into a
 * JSON object.  Every wait has a timeout; nothing here blocks for ever, and
 * a UI can poll kb_conn_fd() itself and read with a timeout of 0.
 *
 * Not here: building requests (request.h: its kb_conn_send_req() is how
 * clients send them), what the messages mean (the caller looks at "type"),
 * output for people, reconnecting.
 */
#ifndef KBOOT_CLIENT_H
#define KBOOT_CLIENT_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/jsonparse.h"
#include "lib/jsonstr.h"

#define KB_CLIENT_TIMEOUT_MS 10000 /* the default wait for the daemon */

struct kb_conn;

/* The socket to use: opt when not NULL, else $KBOOT_SOCKET when set and
 * not empty, else KB_SOCKET_PATH.  Not a copy. */
const char *kb_socket_path(const char *opt);

/*
 * Connect to the daemon at path, waiting at most timeout_ms.  NULL with
 * errno set: ENOENT or ECONNREFUSED mean no daemon is running.  Free with
 * kb_conn_close().
 */
struct kb_conn *kb_conn_open(const char *path, int timeout_ms);
void kb_conn_close(struct kb_conn *c);
/* A connection over an already connected socket (a socketpair end); it
 * owns fd once this succeeds.  NULL with errno set. */
struct kb_conn *kb_conn_adopt(int fd);

/* The connected socket, to poll for POLLIN alongside other input. */
int kb_conn_fd(const struct kb_conn *c);

/* Send one message (a JSON object, no newline; one is added).  0 or -errno
 * (-ETIMEDOUT when the daemon did not take it within timeout_ms). */
int kb_conn_send(struct kb_conn *c, const char *json, size_t len, int timeout_ms);

/*
 * Send the request {"type": type, "seq": N<members>}: members is "" or
 * more members, already JSON, starting with a comma.  Returns the
 * request's seq (> 0) or -errno.  The wire end of kb_conn_send_req()
 * (request.h), which clients use: they build no request themselves.
 */
int kb_conn_request(struct kb_conn *c, const char *type, const char *members, int timeout_ms);

/*
 * The next message, parsed into a (the caller's arena; the message lives
 * as long as it).  Waits up to timeout_ms (0: only what has arrived; -1:
 * no limit).  0 with *msg set, or -EAGAIN (timeout 0, nothing complete),
 * -ETIMEDOUT, -ECONNRESET (the daemon closed the connection), -EPROTO (a
 * line that is not a JSON object, or longer than the daemon could queue),
 * -ENOMEM, or another -errno from the socket.
 */
int kb_conn_read(struct kb_conn *c, struct arena *a, const struct kb_json **msg, int timeout_ms);

#endif
