// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json.c - writing the menu for machines (JSON) and for people (text).
 *
 * The JSON shape is fixed by docs/scan-json.md and the golden files under
 * tests/data/; change all three together.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config/json.h"
#include "lib/text.h"

static void json_strv(FILE *f, const struct ptrv *v)
{
	size_t i;

	putc('[', f);
	for (i = 0; i < v->n; i++) {
		if (i)
			fputs(", ", f);
		kb_json_string(f, strv_get(v, i));
	}
	putc(']', f);
}

/* Write a member name: pretty output puts each on its own indented line. */
static void key(FILE *f, bool pretty, const char *indent, bool first, const char *name)
{
	if (!first)
		fputs(pretty ? ",\n" : ",", f);
	if (pretty && !first)
		fputs(indent, f);
	fprintf(f, pretty ? "\"%s\": " : "\"%s\":", name);
}

static void json_entry(FILE *f, struct arena *a, const struct kb_entry *e, bool pretty)
{
	const char *in = "   ";
	size_t i;

	fputs(pretty ? "  {" : "{", f);
	key(f, pretty, in, true, "title");
	kb_json_string(f, e->title);
	key(f, pretty, in, false, "submenu");
	json_strv(f, &e->submenu);
	key(f, pretty, in, false, "id");
	kb_json_string(f, e->id);
	key(f, pretty, in, false, "source");
	kb_json_string(f, e->source);
	key(f, pretty, in, false, "config");
	kb_json_string(f, kb_file_str(a, &e->config));
	key(f, pretty, in, false, "type");
	fputs(e->type == KB_MULTIBOOT ? "\"multiboot\"" : "\"linux\"", f);
	key(f, pretty, in, false, "kernel");
	kb_json_string(f, kb_file_str(a, &e->kernel));
	key(f, pretty, in, false, "initrd");
	putc('[', f);
	for (i = 0; i < e->initrds.n; i++) {
		if (i)
			fputs(", ", f);
		kb_json_string(f, kb_file_str(a, e->initrds.v[i]));
	}
	putc(']', f);
	if (e->type == KB_MULTIBOOT) {
		/* Only multiboot entries have it: older readers see nothing new. */
		key(f, pretty, in, false, "module_args");
		putc('[', f);
		for (i = 0; i < e->initrds.n; i++) {
			if (i)
				fputs(", ", f);
			kb_json_string(f, kb_entry_modargs(e, i));
		}
		putc(']', f);
	}
	key(f, pretty, in, false, "dtb");
	kb_json_string(f, kb_file_str(a, &e->dtb));
	key(f, pretty, in, false, "cmdline");
	kb_json_string(f, e->cmdline);
	key(f, pretty, in, false, "hotkey");
	if (e->hotkey) {
		char k[2] = { e->hotkey, 0 };

		kb_json_string(f, k);
	} else {
		fputs("null", f);
	}
	key(f, pretty, in, false, "default");
	fputs(e->is_default ? "true" : "false", f);
	key(f, pretty, in, false, "available");
	fputs(e->available ? "true" : "false", f);
	key(f, pretty, in, false, "warnings");
	if (e->reason) {
		/* The reason it cannot boot comes first among its warnings. */
		struct ptrv all = { 0 };

		ptrv_push(a, &all, (void *)e->reason);
		for (i = 0; i < e->warnings.n; i++)
			ptrv_push(a, &all, e->warnings.v[i]);
		json_strv(f, &all);
	} else {
		json_strv(f, &e->warnings);
	}
	putc('}', f);
}

static void write_menu(FILE *f, struct arena *a, const struct kb_menu *m, bool pretty)
{
	size_t i;

	putc('{', f);
	key(f, pretty, " ", true, "timeout");
	if (m->timeout < 0)
		fputs("null", f);
	else
		fprintf(f, "%d", m->timeout);
	key(f, pretty, " ", false, "warnings");
	putc('[', f);
	for (i = 0; i < m->warnings.n; i++) {
		if (i)
			putc(',', f);
		if (pretty)
			fputs("\n   ", f);
		kb_json_string(f, strv_get(&m->warnings, i));
	}
	if (pretty && m->warnings.n)
		fputs("\n ", f);
	putc(']', f);
	key(f, pretty, " ", false, "entries");
	putc('[', f);
	for (i = 0; i < m->entries.n; i++) {
		if (i)
			putc(',', f);
		if (pretty)
			putc('\n', f);
		json_entry(f, a, m->entries.v[i], pretty);
	}
	if (pretty && m->entries.n)
		fputs("\n ", f);
	fputs("]}", f);
}

void kb_menu_write_json(FILE *f, struct arena *a, const struct kb_menu *m)
{
	write_menu(f, a, m, true);
	putc('\n', f);
}

void kb_menu_write_json_line(FILE *f, struct arena *a, const struct kb_menu *m)
{
	write_menu(f, a, m, false);
}

/* ---- Text ---- */

static void text_entry(FILE *f, struct arena *a, const struct kb_entry *e)
{
	size_t i;

	fprintf(f, "  %c ", e->is_default ? '*' : ' ');
	for (i = 0; i < e->submenu.n; i++)
		fprintf(f, "%s > ", strv_get(&e->submenu, i));
	fprintf(f, "%s%s\n", e->title ? e->title : "(untitled)",
		e->available ? "" : "  [cannot boot]");
	if (e->config.fs)
		fprintf(f, "      id %s, from %s (%s)\n", e->id, kb_file_str(a, &e->config),
			e->source);
	else
		fprintf(f, "      id %s, found by the fallback scan\n", e->id);
	if (e->reason)
		fprintf(f, "      why: %s\n", e->reason);
	if (e->kernel.fs)
		fprintf(f, "      %s %s\n", e->type == KB_MULTIBOOT ? "multiboot" : "kernel",
			kb_file_str(a, &e->kernel));
	for (i = 0; i < e->initrds.n; i++) {
		const char *args = kb_entry_modargs(e, i);

		fprintf(f, "      %s %s%s%s\n", e->type == KB_MULTIBOOT ? "module" : "initrd",
			kb_file_str(a, e->initrds.v[i]), *args ? " " : "", args);
	}
	if (e->dtb.fs)
		fprintf(f, "      dtb    %s\n", kb_file_str(a, &e->dtb));
	if (*e->cmdline)
		fprintf(f, "      cmdline %s\n", e->cmdline);
	for (i = 0; i < e->warnings.n; i++)
		fprintf(f, "      warning: %s\n", strv_get(&e->warnings, i));
}

static void menu_text(FILE *f, struct arena *a, const struct kb_menu *m)
{
	const struct kb_fs *group = NULL;
	size_t i;

	if (m->timeout < 0)
		fprintf(f, "Menu: %zu entries, waits for a choice\n", m->entries.n);
	else
		fprintf(f, "Menu: %zu entries, boots the default (*) after %d s\n", m->entries.n,
			m->timeout);
	for (i = 0; i < m->entries.n; i++) {
		const struct kb_entry *e = m->entries.v[i];

		/* Entries of the fallback scan have no config: their kernel's filesystem. */
		const struct kb_fs *efs = e->config.fs ? e->config.fs : e->kernel.fs;

		if (i == 0 || efs != group) {
			const struct kb_fs *fs = group = efs;

			fprintf(f, "\n%s", fs ? fs->name : "?");
			if (fs && fs->fstype)
				fprintf(f, " %s", fs->fstype);
			if (fs && fs->label)
				fprintf(f, " \"%s\"", fs->label);
			if (fs && fs->uuid)
				fprintf(f, " UUID=%s", fs->uuid);
			fputs(":\n", f);
		}
		text_entry(f, a, e);
	}
	if (m->warnings.n)
		fputs("\nWarnings:\n", f);
	for (i = 0; i < m->warnings.n; i++)
		fprintf(f, "  %s\n", strv_get(&m->warnings, i));
}

/* For people: nothing from a config drives the terminal or shows a password. */
void kb_menu_write_text(FILE *f, struct arena *a, const struct kb_menu *m)
{
	struct kb_text t;

	if (kb_text_open(&t))
		menu_text(t.f, a, m);
	kb_text_close(&t, f);
}
