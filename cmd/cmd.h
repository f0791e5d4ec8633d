/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.h - the commands of the kboot binary; each returns the exit status. */
#ifndef KBOOT_CMD_H
#define KBOOT_CMD_H

int cmd_scan(int argc, char **argv);
/* cmd/client.c: clients of a running daemon */
int cmd_list(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_cancel(int argc, char **argv);
int cmd_rescan(int argc, char **argv);
int cmd_daemon(int argc, char **argv);
/* cmd/fetch.c: one download, as the daemon does them */
int cmd_fetch(int argc, char **argv);
/* cmd/ui.c: the ncurses menu */
int cmd_ui(int argc, char **argv);
int cmd_menu(int argc, char **argv);

/* --timeout N: seconds, 0 at once, -1 wait; 0 or -1 when not a number. */
int cmd_parse_timeout(const char *v, int *out);

#endif
