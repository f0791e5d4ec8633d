/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonwrite.h - writing a parsed JSON tree (jsonparse.h) back out.
 *
 * Clients receive the menu as JSON over the control socket and print it
 * the way `kboot scan` prints a struct kb_menu (json.h), without turning
 * it back into a model: kb_jmenu_write_json() gives the same bytes as
 * kb_menu_write_json() for the menu object that kb_menu_write_json_line()
 * sent.  Members are written in the order received.
 */
#ifndef KBOOT_JSONWRITE_H
#define KBOOT_JSONWRITE_H

#include <stdio.h>

#include "lib/jsonparse.h"

/* j on one line, no spaces, no newline.  Integral numbers print without a
 * fraction; infinities as 1e999 / -1e999 so they read back the same. */
void kb_json_write(FILE *f, const struct kb_json *j);

/* A MENU object (docs/scan-json.md) pretty-printed exactly like
 * kb_menu_write_json(), with the final newline. */
void kb_jmenu_write_json(FILE *f, const struct kb_json *menu);

/*
 * The menu for people, like kb_menu_write_text(): entries grouped by the
 * filesystem of their config, whose type, label and UUID come from the
 * DEVICE array devices (may be NULL: names only).
 */
void kb_jmenu_write_text(FILE *f, const struct kb_json *menu, const struct kb_json *devices);

/*
 * The files and command line of a "booting" message (docs/protocol.md), one
 * indented line each: "  kernel  …", "  initrd  …" or for a multiboot boot
 * "  module  FILE ARGS", "  dtb     …", "  cmdline …".
 */
void kb_jbooting_write_text(FILE *f, const struct kb_json *booting);

#endif
