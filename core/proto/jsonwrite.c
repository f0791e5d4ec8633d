// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsonwrite.c - parsed JSON trees back to text (jsonwrite.h).
 *
 * The menu printers mirror json.c's layout rules rather than sharing code
 * with them, because json.c walks a struct kb_menu and these walk a
 * struct kb_json; tests/unit/test_jsonwrite.c holds them to the same bytes
 * over every golden file.  Strings go through kb_json_string(), so escapes
 * match too.
 *
 * Not done: pretty-printing arbitrary JSON (only the MENU shape has a
 * layout; anything else nested inside it is written on one line).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonstr.h"
#include "lib/text.h"
#include "proto/jsonwrite.h"

/* One value on one line; spaced: ", " and ": " as json.c's pretty form. */
static void write_inline(FILE *f, const struct kb_json *j, bool spaced)
{
	size_t i;

	switch (j->type) {
	case KB_JNULL:
		fputs("null", f);
		break;
	case KB_JBOOL:
		fputs(j->b ? "true" : "false", f);
		break;
	case KB_JNUM:
		kb_json_number(f, j->num);
		break;
	case KB_JSTR:
		kb_json_string(f, j->str);
		break;
	case KB_JARR:
		putc('[', f);
		for (i = 0; i < j->n; i++) {
			if (i)
				fputs(spaced ? ", " : ",", f);
			write_inline(f, j->item[i], spaced);
		}
		putc(']', f);
		break;
	case KB_JOBJ:
		putc('{', f);
		for (i = 0; i < j->n; i++) {
			if (i)
				fputs(spaced ? ", " : ",", f);
			kb_json_string(f, j->key[i]);
			fputs(spaced ? ": " : ":", f);
			write_inline(f, j->item[i], spaced);
		}
		putc('}', f);
		break;
	}
}

void kb_json_write(FILE *f, const struct kb_json *j)
{
	write_inline(f, j, false);
}

/* An entry: "  {" and one member per line, indented by three. */
static void write_entry(FILE *f, const struct kb_json *e)
{
	size_t i;

	if (e->type != KB_JOBJ) {
		fputs("  ", f);
		write_inline(f, e, true);
		return;
	}
	fputs("  {", f);
	for (i = 0; i < e->n; i++) {
		if (i)
			fputs(",\n   ", f);
		kb_json_string(f, e->key[i]);
		fputs(": ", f);
		write_inline(f, e->item[i], true);
	}
	putc('}', f);
}

void kb_jmenu_write_json(FILE *f, const struct kb_json *menu)
{
	size_t i, k;

	if (menu->type != KB_JOBJ) {
		write_inline(f, menu, true);
		putc('\n', f);
		return;
	}
	putc('{', f);
	for (i = 0; i < menu->n; i++) {
		const struct kb_json *v = menu->item[i];

		if (i)
			fputs(",\n ", f);
		kb_json_string(f, menu->key[i]);
		fputs(": ", f);
		if (v->type != KB_JARR) {
			write_inline(f, v, true);
			continue;
		}
		/* "warnings": one string per line; "entries": one object each. */
		putc('[', f);
		for (k = 0; k < v->n; k++) {
			if (k)
				putc(',', f);
			if (v->item[k]->type == KB_JOBJ) {
				putc('\n', f);
				write_entry(f, v->item[k]);
			} else {
				fputs("\n   ", f);
				write_inline(f, v->item[k], true);
			}
		}
		if (v->n)
			fputs("\n ", f);
		putc(']', f);
	}
	fputs("}\n", f);
}

/* ---- text ---- */

static bool get_bool(const struct kb_json *o, const char *key)
{
	const struct kb_json *j = kb_json_get(o, key);

	return j && j->type == KB_JBOOL && j->b;
}

static const struct kb_json *get_arr(const struct kb_json *o, const char *key)
{
	static const struct kb_json empty = { .type = KB_JARR };
	const struct kb_json *j = kb_json_get(o, key);

	return j && j->type == KB_JARR ? j : &empty;
}

/* The string items of an array from index from, each between pre and post. */
static void text_strings(FILE *f, const struct kb_json *arr, size_t from, const char *pre,
			 const char *post)
{
	size_t i;

	for (i = from; i < arr->n; i++)
		if (arr->item[i]->type == KB_JSTR)
			fprintf(f, "%s%s%s", pre, arr->item[i]->str, post);
}

/* The initrds, or the modules each with its command line (args: NULL for initrds). */
static void text_initrds(FILE *f, const struct kb_json *files, const struct kb_json *args)
{
	size_t i;

	for (i = 0; i < files->n; i++) {
		const struct kb_json *a = args && i < args->n ? args->item[i] : NULL;
		const char *s = a && a->type == KB_JSTR ? a->str : "";

		if (files->item[i]->type == KB_JSTR)
			fprintf(f, "      %s %s%s%s\n", args ? "module" : "initrd",
				files->item[i]->str, *s ? " " : "", s);
	}
}

static void booting_text(FILE *f, const struct kb_json *b)
{
	const struct kb_json *mb = kb_json_get(b, "multiboot");
	const struct kb_json *files = get_arr(b, "initrd"), *args = get_arr(b, "module_args");
	const char *s;
	size_t i;

	if ((s = kb_json_get_str(b, "kernel")))
		fprintf(f, "  kernel  %s\n", s);
	if (mb && mb->type == KB_JBOOL && mb->b) {
		for (i = 0; i < files->n; i++) {
			const struct kb_json *a = i < args->n ? args->item[i] : NULL;
			const char *as = a && a->type == KB_JSTR ? a->str : "";

			if (files->item[i]->type == KB_JSTR)
				fprintf(f, "  module  %s%s%s\n", files->item[i]->str,
					*as ? " " : "", as);
		}
	} else {
		text_strings(f, files, 0, "  initrd  ", "\n");
	}
	if ((s = kb_json_get_str(b, "dtb")))
		fprintf(f, "  dtb     %s\n", s);
	s = kb_json_get_str(b, "cmdline");
	fprintf(f, "  cmdline %s\n", s ? s : "");
}

static void text_entry(FILE *f, const struct kb_json *e)
{
	const struct kb_json *sub = get_arr(e, "submenu"), *warn = get_arr(e, "warnings");
	const char *title = kb_json_get_str(e, "title");
	const char *kernel = kb_json_get_str(e, "kernel");
	const char *dtb = kb_json_get_str(e, "dtb");
	const char *cmdline = kb_json_get_str(e, "cmdline");
	const char *type = kb_json_get_str(e, "type");
	const char *id = kb_json_get_str(e, "id"), *config = kb_json_get_str(e, "config");
	const char *source = kb_json_get_str(e, "source");
	bool available = get_bool(e, "available");
	bool multiboot = type && !strcmp(type, "multiboot");
	size_t first_warning = 0;

	fprintf(f, "  %c ", get_bool(e, "default") ? '*' : ' ');
	text_strings(f, sub, 0, "", " > ");
	fprintf(f, "%s%s\n", title ? title : "(untitled)", available ? "" : "  [cannot boot]");
	if (config)
		fprintf(f, "      id %s, from %s (%s)\n", id ? id : "?", config,
			source ? source : "?");
	else
		fprintf(f, "      id %s, found by the fallback scan\n", id ? id : "?");
	/* json.c puts the reason an entry cannot boot first among its warnings. */
	if (!available && warn->n && warn->item[0]->type == KB_JSTR) {
		fprintf(f, "      why: %s\n", warn->item[0]->str);
		first_warning = 1;
	}
	if (kernel)
		fprintf(f, "      %s %s\n", multiboot ? "multiboot" : "kernel", kernel);
	text_initrds(f, get_arr(e, "initrd"), multiboot ? get_arr(e, "module_args") : NULL);
	if (dtb)
		fprintf(f, "      dtb    %s\n", dtb);
	if (cmdline && *cmdline)
		fprintf(f, "      cmdline %s\n", cmdline);
	text_strings(f, warn, first_warning, "      warning: ", "\n");
}

/* The device named like the "NAME:" prefix of config, or NULL. */
static const struct kb_json *find_device(const struct kb_json *devices, const char *config,
					 size_t len)
{
	size_t i;

	if (!devices || devices->type != KB_JARR)
		return NULL;
	for (i = 0; i < devices->n; i++) {
		const char *name = kb_json_get_str(devices->item[i], "name");

		if (name && strlen(name) == len && !strncmp(name, config, len))
			return devices->item[i];
	}
	return NULL;
}

static void text_group(FILE *f, const char *config, size_t len, const struct kb_json *devices)
{
	const struct kb_json *d = find_device(devices, config, len);
	const char *s;

	if (!config)
		fputs("\n?", f);
	else
		fprintf(f, "\n%.*s", (int)len, config);
	if ((s = kb_json_get_str(d, "fstype")))
		fprintf(f, " %s", s);
	if ((s = kb_json_get_str(d, "label")))
		fprintf(f, " \"%s\"", s);
	if ((s = kb_json_get_str(d, "uuid")))
		fprintf(f, " UUID=%s", s);
	fputs(":\n", f);
}

static void menu_text(FILE *f, const struct kb_json *menu, const struct kb_json *devices)
{
	const struct kb_json *entries = get_arr(menu, "entries");
	const struct kb_json *timeout = kb_json_get(menu, "timeout");
	const char *group = NULL;
	size_t i, glen = 0;
	long long secs;

	/* A timeout that is no whole number of seconds (1e300, 2.5) waits too. */
	if (!kb_json_int(timeout, 0, INT_MAX, &secs))
		fprintf(f, "Menu: %zu entries, waits for a choice\n", entries->n);
	else
		fprintf(f, "Menu: %zu entries, boots the default (*) after %lld s\n", entries->n,
			secs);
	for (i = 0; i < entries->n; i++) {
		const struct kb_json *e = entries->item[i];
		/* Fallback entries have no config: their kernel's filesystem. */
		const char *config = kb_json_get_str(e, "config") ? kb_json_get_str(e, "config")
								  : kb_json_get_str(e, "kernel");
		const char *colon = config ? strchr(config, ':') : NULL;
		size_t len = colon ? (size_t)(colon - config) : 0;

		if (i == 0 || len != glen || (config == NULL) != (group == NULL) ||
		    (config && strncmp(config, group, len))) {
			text_group(f, colon ? config : NULL, len, devices);
			group = config;
			glen = len;
		}
		text_entry(f, e);
	}
	if (get_arr(menu, "warnings")->n)
		fputs("\nWarnings:\n", f);
	text_strings(f, get_arr(menu, "warnings"), 0, "  ", "\n");
}

/*
 * The text forms are written whole into memory, then to f for people:
 * titles, command lines and warnings come from configs, so nothing in them
 * may drive the terminal, and no URL's password is shown (lib/text.h).
 */
void kb_jbooting_write_text(FILE *f, const struct kb_json *b)
{
	struct kb_text t;

	if (kb_text_open(&t))
		booting_text(t.f, b);
	kb_text_close(&t, f);
}

void kb_jmenu_write_text(FILE *f, const struct kb_json *menu, const struct kb_json *devices)
{
	struct kb_text t;

	if (kb_text_open(&t))
		menu_text(t.f, menu, devices);
	kb_text_close(&t, f);
}
