/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.h - `kboot daemon`: devices in, menu and countdown out.
 *
 * Ties together the event loop (loop.h), the devices (devices.h), the
 * engine (scan.h) and the control socket (server.h).  Whenever the devices
 * change, the menu is read again from every ready filesystem (a scan of a
 * few hundred entries takes milliseconds) and pushed to all clients.
 *
 * Autoboot: when the first menu with a default appears, a countdown starts
 * from the menu's timeout (or kboot.timeout=); 0 boots at once, null
 * waits.  The countdown is bound to that entry's id: a device that appears
 * later may add entries, even one that would now be the default, but never
 * changes what the running countdown boots (a status line says so).  If
 * the entry disappears (its device removed) the countdown stops, with a
 * status line.  Any client's cancel stops it for good.
 */
#ifndef KBOOT_DAEMON_H
#define KBOOT_DAEMON_H

#include <stddef.h>
#include <stdio.h>

struct kb_daemon_config {
	const char *socket_path;     /* KB_SOCKET_PATH unless set */
	const char *mount_root;      /* "/run/kboot/mnt" unless set */
	const char *uevent_socket;   /* test hook (devices.h), or NULL */
	const char *const *sources;  /* --source specs; none: real devices */
	size_t nsources;
	const char *cmdline;         /* kernel command line to read kboot.* from;
				      * NULL: /proc/cmdline with real devices,
				      * nothing with sources */
	int timeout;                 /* --timeout; KB_TIMEOUT_UNSET when not given */
	const char *default_entry;   /* --default id or title, or NULL */
	FILE *plan;                  /* where a sources-mode boot prints its plan */
};

/* Run until a boot happens or a fatal error; returns the exit status. */
int kb_daemon_run(const struct kb_daemon_config *cfg);

#endif
