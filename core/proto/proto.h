/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proto.h - the control protocol between `kboot daemon` and its clients
 * (`kboot ui`, `kboot list`, ...).  Specified in docs/protocol.md.
 *
 * Transport: a Unix stream socket; each message is one JSON object on one
 * line ("\n"-terminated, at most KB_PROTO_MAX_LINE bytes).  Every message
 * has "type".  The server speaks first: "hello" (with "protocol": version),
 * then the full state ("devices", "menu", every "status" line, "countdown",
 * "settings"), then "ready"; after that it pushes each change as it
 * happens.  A client sends requests; each may carry "seq", echoed in the
 * "reply".
 */
#ifndef KBOOT_PROTO_H
#define KBOOT_PROTO_H

#define KB_PROTO_VERSION  1
#define KB_PROTO_MAX_LINE (1024 * 1024) /* a longer request closes the client */
#define KB_SOCKET_PATH	  "/run/kboot/kboot.sock"

#endif
