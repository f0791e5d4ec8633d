// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen-edit.c - GRUB's `e`: edit an entry's files and command line, boot
 * the result with Ctrl-X or F10, or throw it away with Esc.
 *
 * Four one-line fields (field.c edits them): the kernel, the initrds
 * (separated by spaces, loaded in that order), the device tree
 * (empty: none) and the command line, where the cursor starts, at its
 * end.  A multiboot entry (Xen) has modules instead of initrds, each with
 * its command line, written as mboot.c32 takes them: "FILE ARGS --- FILE
 * ARGS"; its command line is the multiboot kernel's.  Files are NAME:/path
 * as the menu shows them; a bare /path is on the kernel's filesystem.  Tab
 * asks the daemon which files could complete the word before the cursor
 * (the UI never reads a disk itself); when several could, they are listed
 * under the fields.  Edits are never saved: the boot request carries the
 * edited files and command line.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonparse.h"
#include "proto/client.h"
#include "proto/request.h"
#include "ui-private.h"

static const char *const labels[NFIELDS] = { "Kernel", "Initrd", "DTB", "Cmdline" };
#define MODULES_LABEL "Modules" /* FIELD_INITRD of a multiboot entry */
#define MODULE_SEP    "---"	/* between modules in that field, as for mboot.c32 */

#define LABEL_W 9 /* columns before a field */
#define FIELD_Y 2 /* the first field's line */

static void clear_matches(struct ui_edit *ed)
{
	size_t i;

	for (i = 0; i < ed->nmatches; i++)
		free(ed->matches[i]);
	free(ed->matches);
	ed->matches = NULL;
	ed->nmatches = 0;
}

static void edit_close(struct ui *u)
{
	struct ui_edit *ed = &u->edit;
	int i;

	for (i = 0; i < NFIELDS; i++)
		kb_le_free(&ed->field[i]);
	clear_matches(ed);
	free(ed->title);
	free(ed->fs);
	memset(ed, 0, sizeof(*ed));
}

static int edit_open(struct ui *u, const void *arg)
{
	const struct ui_entry *e = arg;
	struct ui_edit *ed = &u->edit;
	struct strbuf initrds = STRBUF_INIT;
	const char *colon = e->kernel ? strchr(e->kernel, ':') : NULL;
	size_t i;
	int ret;

	edit_close(u);
	for (i = 0; i < e->ninitrd; i++) {
		if (i)
			sb_adds(&initrds, e->multiboot ? " " MODULE_SEP " " : " ");
		sb_adds(&initrds, e->initrd[i]);
		if (e->multiboot && i < e->nmodargs && *e->modargs[i]) {
			sb_addc(&initrds, ' ');
			sb_adds(&initrds, e->modargs[i]);
		}
	}
	ed->multiboot = e->multiboot;
	ed->title = strdup(e->title);
	ed->fs = colon ? strndup(e->kernel, (size_t)(colon - e->kernel)) : NULL;
	ret = initrds.oom || !ed->title;
	ret = ret || kb_le_init(&ed->field[FIELD_KERNEL], e->kernel);
	ret = ret || kb_le_init(&ed->field[FIELD_INITRD], sb_str(&initrds));
	ret = ret || kb_le_init(&ed->field[FIELD_DTB], e->dtb);
	ret = ret || kb_le_init(&ed->field[FIELD_CMDLINE], e->cmdline);
	sb_release(&initrds);
	if (ret) {
		edit_close(u);
		ui_say(u, 2, "Cannot edit: out of memory.");
		return -ENOMEM;
	}
	ed->cur = FIELD_CMDLINE;
	return 0;
}

int ui_boot_files_req(struct kb_req *r, struct kb_req_files *f, char *initrds)
{
	/* n words need at least 2n - 1 bytes */
	const char **v = malloc((strlen(initrds) / 2 + 1) * sizeof(*v));
	char *tok, *save = NULL;
	size_t n = 0;
	int ret;

	if (!v)
		return -ENOMEM;
	for (tok = strtok_r(initrds, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		v[n++] = tok;
	f->initrd = v;
	f->ninitrd = n;
	ret = kb_req_boot_files(r, f);
	free(v);
	f->initrd = NULL;
	return ret;
}

/* ---- Drawing ---- */

static void draw_field(struct ui *u, int i, int y)
{
	ui_draw_str(u, y, 1, LABEL_W - 2, KB_ROLE_NORMAL,
		    i == FIELD_INITRD && u->edit.multiboot ? MODULES_LABEL : labels[i]);
	ui_field_draw(u, &u->edit.field[i], y, LABEL_W, u->cols - LABEL_W - 1, i == u->edit.cur);
}

static void edit_draw(struct ui *u)
{
	struct ui_edit *ed = &u->edit;
	char buf[512];
	int i, y = FIELD_Y + NFIELDS + 1;
	size_t k;

	snprintf(buf, sizeof(buf), "edit '%s'", ed->title);
	ui_draw_title(u, buf);
	for (i = 0; i < NFIELDS; i++)
		draw_field(u, i, FIELD_Y + i);
	/* Several completions: as many as fit, in columns of one per line. */
	for (k = 0; k < ed->nmatches && y < u->rows - 2; k++, y++)
		ui_draw_str(u, y, LABEL_W, u->cols - LABEL_W - 1, KB_ROLE_DIALOG, ed->matches[k]);
	if (k < ed->nmatches && y > FIELD_Y + NFIELDS + 1) {
		snprintf(buf, sizeof(buf), "... and %zu more", ed->nmatches - k);
		ui_draw_str(u, y - 1, LABEL_W, u->cols - LABEL_W - 1, KB_ROLE_DIALOG, buf);
	}
	if (u->message) {
		static const enum kb_role roles[] = { KB_ROLE_STATUS, KB_ROLE_WARNING,
						      KB_ROLE_ERROR };

		ui_draw_fill(u, u->rows - 2, KB_ROLE_STATUS);
		ui_draw_str(u, u->rows - 2, 1, u->cols - 2, roles[u->message_level % 3],
			    u->message);
	}
	ui_draw_footer(u, "Ctrl-X boot  Esc discard  Tab complete  Up/Down field  F1 help");
}

/* Where the terminal cursor goes: in the active field. */
static bool edit_cursor(struct ui *u)
{
	int width = u->cols - LABEL_W - 1;

	if (width >= 1)
		move(FIELD_Y + u->edit.cur,
		     LABEL_W + ui_field_cursor(&u->edit.field[u->edit.cur], width));
	return true;
}

/* ---- Booting the edit ---- */

/*
 * The boot request for f, a multiboot kernel, with the modules field text:
 * each group between MODULE_SEP words is a file and its command line (its
 * other words, joined by one space).  Empty groups are skipped.
 */
static int modules_req(struct kb_req *r, struct kb_req_files *f, char *text)
{
	struct arena *a = arena_new();
	struct ptrv files = { 0 }, args = { 0 };
	struct strbuf cur = STRBUF_INIT;
	char *tok, *save = NULL, *arg;
	bool file = true;
	int ret = -ENOMEM;

	if (!a)
		return -ENOMEM;
	for (tok = strtok_r(text, " ", &save);; tok = strtok_r(NULL, " ", &save)) {
		if (!tok || !strcmp(tok, MODULE_SEP)) {
			if (!file && (!(arg = sb_finish(&cur, a)) || ptrv_push(a, &args, arg)))
				goto out;
			sb_release(&cur);
			file = true;
			if (!tok)
				break;
		} else if (file) {
			if (ptrv_push(a, &files, tok))
				goto out;
			file = false;
		} else {
			sb_printf(&cur, "%s%s", sb_str(&cur)[0] ? " " : "", tok);
		}
	}
	f->multiboot = true;
	f->initrd = (const char *const *)files.v;
	f->ninitrd = files.n;
	f->module_args = (const char *const *)args.v;
	f->nmodule_args = args.n;
	ret = kb_req_boot_files(r, f);
out:
	sb_release(&cur);
	arena_free(a);
	return ret;
}

static void edit_boot(struct ui *u)
{
	struct ui_edit *ed = &u->edit;
	char *kernel = ui_field_trimmed(&ed->field[FIELD_KERNEL]);
	char *dtb = ui_field_trimmed(&ed->field[FIELD_DTB]);
	char *initrds = strdup(kb_le_text(&ed->field[FIELD_INITRD]));
	struct kb_req r = KB_REQ_INIT;
	struct kb_req_files f = { 0 };
	char *title = NULL;

	if (!initrds || !kernel || !dtb || !*kernel) {
		if (kernel && !*kernel)
			ui_say(u, 2, "The kernel field is empty.");
		goto out;
	}
	if (asprintf(&title, "%s (edited)", ed->title) < 0)
		title = NULL;
	f.title = title ? title : ed->title;
	f.kernel = kernel;
	f.dtb = *dtb ? dtb : NULL;
	f.cmdline = kb_le_text(&ed->field[FIELD_CMDLINE]);
	if (!(ed->multiboot ? modules_req(&r, &f, initrds) : ui_boot_files_req(&r, &f, initrds)) &&
	    ui_request(u, &r) > 0)
		ui_say(u, 0, "Booting '%s'%s", title ? title : ed->title,
		       ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
	kb_req_release(&r);
	free(title);
out:
	free(initrds);
	free(kernel);
	free(dtb);
}

/* ---- Completion ---- */

static void edit_complete(struct ui *u)
{
	struct kb_lineedit *le = &u->edit.field[u->edit.cur];
	struct kb_req r;
	size_t start;
	int len = kb_le_word(le, &start);
	char *word = strndup(kb_le_text(le) + start, (size_t)len);

	if (!word)
		return;
	if (!kb_req_complete(&r, word, u->edit.fs) && ui_request(u, &r) > 0)
		u->edit.complete_seq = u->seq;
	kb_req_release(&r);
	free(word);
}

static void edit_completed(struct ui *u, const struct kb_json *reply)
{
	const struct kb_json *m = kb_json_get(reply, "matches");
	struct ui_edit *ed = &u->edit;
	const char **v;
	bool ambiguous = false;
	size_t i, n = 0;
	int ret;

	if (!m || m->type != KB_JARR) {
		const char *err = kb_json_get_str(reply, "error");

		ui_say(u, 2, "Cannot complete: %s", err ? err : "no answer");
		return;
	}
	v = calloc(m->n + 1, sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < m->n; i++)
		if (m->item[i]->type == KB_JSTR)
			v[n++] = m->item[i]->str;
	clear_matches(ed);
	ret = kb_le_complete(&ed->field[ed->cur], v, n, &ambiguous);
	if (ret == -ENOENT)
		ui_say(u, 1, "No file name matches.");
	if (ambiguous) {
		ed->matches = calloc(n, sizeof(*ed->matches));
		for (i = 0; ed->matches && i < n; i++)
			if ((ed->matches[ed->nmatches] = strdup(v[i])))
				ed->nmatches++;
	}
	free(v);
}

/* ---- Keys ---- */

static enum ui_key_ret edit_key(struct ui *u, enum ui_action a, int key)
{
	struct ui_edit *ed = &u->edit;

	if (a != ACT_COMPLETE && a != ACT_HELP && a != ACT_REDRAW)
		clear_matches(ed);
	switch (a) {
	case ACT_EDIT_BOOT:
		edit_boot(u);
		break;
	case ACT_EDIT_CANCEL:
		ui_screen_pop(u);
		break;
	case ACT_FIELD_NEXT:
		ed->cur = (ed->cur + 1) % NFIELDS;
		break;
	case ACT_FIELD_PREV:
		ed->cur = (ed->cur + NFIELDS - 1) % NFIELDS;
		break;
	case ACT_COMPLETE:
		edit_complete(u);
		break;
	case ACT_HELP:
		ui_screen_push(u, &ui_screen_help, NULL);
		break;
	default:
		ui_field_key(&ed->field[ed->cur], a, key);
		break;
	}
	return UI_KEY_DONE;
}

/* ---- News from the model ---- */

/* The answer to Tab; it completes the field only while the edit (or help
 * over it) is in front. */
static void edit_changed(struct ui *u, unsigned int what)
{
	const struct ui_screen_ops *top = ui_screen_top(u);
	const struct kb_json *reply;

	if (!(what & UI_CHANGED_REPLY) || !(reply = ui_reply_take(u, u->edit.complete_seq)))
		return;
	u->edit.complete_seq = 0;
	if (top == &ui_screen_edit || top == &ui_screen_help)
		edit_completed(u, reply);
}

/* The edit screen: open takes the struct ui_entry to edit. */
const struct ui_screen_ops ui_screen_edit = {
	.name = "edit",
	.keys = KM_EDIT,
	.open = edit_open,
	.close = edit_close,
	.draw = edit_draw,
	.cursor = edit_cursor,
	.key = edit_key,
	.changed = edit_changed,
};
