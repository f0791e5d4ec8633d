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

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct kb_loop;
struct kb_daemon;

struct kb_daemon_config {
	const char *socket_path;    /* KB_SOCKET_PATH unless set */
	const char *mount_root;	    /* "/run/kboot/mnt" unless set */
	const char *uevent_socket;  /* test hook (devices.h), or NULL */
	const char *const *sources; /* --source specs; none: real devices */
	size_t nsources;
	const char *cmdline;	   /* kernel command line to read kboot.* from;
				    * NULL: /proc/cmdline with real devices,
				    * nothing with sources */
	int timeout;		   /* --timeout; KB_TIMEOUT_UNSET when not given */
	const char *default_entry; /* --default id or title, or NULL */
	FILE *plan;		   /* where a boot prints its plan, or NULL */
	bool dry_run;		   /* a boot prints the plan instead of kexec'ing */
	bool stay_after_boot;	   /* dry run: keep running (kboot menu's UI ends
				    * the loop); else leave the loop after it */
	bool no_listen;		   /* no socket: clients only by kb_daemon_adopt() */
	bool quiet;		   /* status lines only to clients, not to stderr */
};

/*
 * Start a daemon on l: devices watched, the first menu built, the socket
 * listening.  It runs while l runs.  NULL (with the reason on stderr) when
 * it could not start.  cfg must outlive it.  Free with kb_daemon_free(),
 * before l.
 */
struct kb_daemon *kb_daemon_new(struct kb_loop *l, const struct kb_daemon_config *cfg);
void kb_daemon_free(struct kb_daemon *d);

/*
 * Serve a connected socket (one end of a socketpair) as a client: how
 * `kboot menu` connects its UI to a daemon in the same process.  0, or
 * -errno (fd is then still the caller's).
 */
int kb_daemon_adopt(struct kb_daemon *d, int fd);

/*
 * `kboot daemon`: its own loop, SIGTERM/SIGINT handled, run until a boot
 * (dry run) or a signal.  Returns the exit status (2: a --source spec is
 * unusable, 1: could not start).
 */
int kb_daemon_run(const struct kb_daemon_config *cfg);

#endif
