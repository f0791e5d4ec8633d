/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - the menu as JSON (docs/scan-json.md) and as text for people.
 */
#ifndef KBOOT_JSON_H
#define KBOOT_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "config/model.h"
#include "lib/jsonstr.h"

/* The menu in the documented shape, pretty-printed, with a final newline. */
void kb_menu_write_json(FILE *f, struct arena *a, const struct kb_menu *m);
/* The same object on one line, no spaces, no newline (protocol messages). */
void kb_menu_write_json_line(FILE *f, struct arena *a, const struct kb_menu *m);
/* The menu as a person reads it: grouped by filesystem, submenus indented. */
void kb_menu_write_text(FILE *f, struct arena *a, const struct kb_menu *m);

#endif
