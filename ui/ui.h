/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui.h - `kboot ui`: the ncurses client of the daemon, as cmd/ uses it.
 *
 * The UI draws the state the daemon pushes (devices, menu, status lines,
 * countdown, network, downloads: docs/protocol.md) and sends requests
 * (boot, cancel, rescan, complete, net, source, abort).  It never mounts,
 * opens a disk or calls kexec; `make lint` checks that.  Several UIs may
 * run at once (one per console, one per SSH session); they stay in step
 * because each only draws what the daemon says.
 *
 * This is all the rest of kboot sees of ui/; what the files of ui/ share
 * among themselves is in ui-private.h.
 */
#ifndef KBOOT_UI_H
#define KBOOT_UI_H

#include <stdbool.h>

struct kb_loop;
struct kb_conn;

struct kb_ui_config {
	const char *theme;   /* theme name or file; NULL: kboot.theme= or the default */
	const char *cmdline; /* kernel command line to read kboot.theme= from, or NULL */
	bool dry_run;	     /* say so in the title; a boot prints the plan */
	bool can_quit;	     /* `q` leaves (kboot menu, an SSH session); not on a console */
	const char *socket;  /* to reconnect to when the daemon goes away; NULL: don't */
};

/*
 * Run the UI on this terminal (stdin/stdout) over conn until a boot starts
 * or the user quits.  The UI owns conn from now on.  Returns the exit
 * status: 0 after a boot (the plan is printed once curses is left) or a
 * quit, 1 when the terminal or the daemon failed.
 */
int kb_ui_run(struct kb_loop *l, struct kb_conn *conn, const struct kb_ui_config *cfg);

#endif
