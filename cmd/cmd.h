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

#endif
