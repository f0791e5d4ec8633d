/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.h - the commands of the kboot binary; each returns the exit status. */
#ifndef KBOOT_CMD_H
#define KBOOT_CMD_H

int cmd_scan(int argc, char **argv);

#endif
