// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen-menu.c - the main menu: entries grouped under device headings.
 *
 * The menu shows one submenu level at a time (GRUB `submenu`, syslinux
 * `MENU BEGIN`): entries of the level, and one line per submenu that opens
 * with Enter or Right and closes with Esc or Left.  At the top level a last
 * group offers the shell.  The selection follows an entry id, so a menu
 * that changes under it (a disk appears) keeps the selected entry; until
 * the user moves, the selection follows the countdown's entry.
 *
 * Layout, top to bottom: title bar; the submenu path (inside a submenu);
 * the list; a separator; the countdown line or the selected entry's
 * problem; the status line; key hints.  Below 8 lines the separator goes.
 */
#include <curses.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "proto/client.h"
#include "proto/request.h"
#include "ui-private.h"

/* ---- Building the items of the current level ---- */

static bool holds_default(const struct ui *u, const struct ui_item *it);
static bool menu_is_default(const struct ui *u, const struct ui_entry *e);

static bool in_path(const struct ui *u, const struct ui_entry *e)
{
	size_t i;

	if (e->nsubmenu < u->depth)
		return false;
	for (i = 0; i < u->depth; i++)
		if (strcmp(e->submenu[i], u->path[i]))
			return false;
	return true;
}

static bool level_exists(const struct ui *u)
{
	size_t i;

	for (i = 0; i < u->nentries; i++)
		if (in_path(u, &u->entries[i]))
			return true;
	return false;
}

static void add_item(struct ui *u, int kind, const char *text, int entry)
{
	struct ui_item *it = &u->items[u->nitems++];

	it->kind = kind;
	it->text = text;
	it->entry = entry;
}

/* The item that holds entry id at this level, or -1. */
/* sel_id of the shell item: no entry id starts with a control character. */
#define SHELL_ID "\x01shell"

static int item_of_id(const struct ui *u, const char *id)
{
	size_t i, k;

	for (i = 0; id && i < u->nitems; i++) {
		const struct ui_item *it = &u->items[i];

		if (it->kind == ITEM_SHELL && !strcmp(id, SHELL_ID))
			return (int)i;
		if (it->kind == ITEM_ENTRY && !strcmp(u->entries[it->entry].id, id))
			return (int)i;
		if (it->kind != ITEM_SUBMENU)
			continue;
		for (k = 0; k < u->nentries; k++) {
			const struct ui_entry *e = &u->entries[k];

			if (!strcmp(e->id, id) && in_path(u, e) && e->nsubmenu > u->depth &&
			    !strcmp(e->submenu[u->depth], it->text) &&
			    (!e->fs || !u->entries[it->entry].fs ||
			     !strcmp(e->fs, u->entries[it->entry].fs)))
				return (int)i;
		}
	}
	return -1;
}

static bool selectable(const struct ui *u, int i)
{
	return i >= 0 && (size_t)i < u->nitems && u->items[i].kind != ITEM_HEADING &&
	       u->items[i].kind != ITEM_NOTE;
}

static void remember_selection(struct ui *u)
{
	const struct ui_item *it;

	if (!selectable(u, u->sel))
		return;
	it = &u->items[u->sel];
	free(u->sel_id);
	/* The shell too: a menu that changes under it must not move the cursor. */
	u->sel_id = strdup(it->kind == ITEM_SHELL ? SHELL_ID : u->entries[it->entry].id);
}

static void menu_build(struct ui *u)
{
	const char *group = NULL;
	size_t i, k;
	int sel;

	while (u->depth && !level_exists(u))
		free(u->path[--u->depth]);
	free(u->items);
	u->nitems = 0;
	u->items = calloc(2 * u->nentries + 3, sizeof(*u->items));
	if (!u->items)
		return;
	for (i = 0; i < u->nentries; i++) {
		const struct ui_entry *e = &u->entries[i];
		bool seen = false;

		if (!in_path(u, e))
			continue;
		if (!u->nitems || !group != !e->fs || (e->fs && strcmp(group, e->fs))) {
			group = e->fs;
			add_item(u, ITEM_HEADING, e->fs ? e->fs : "", (int)i);
		}
		if (e->nsubmenu == u->depth) {
			add_item(u, ITEM_ENTRY, e->title, (int)i);
			continue;
		}
		/* One line per submenu of this group. */
		for (k = 0; k < u->nitems && !seen; k++)
			seen = u->items[k].kind == ITEM_SUBMENU &&
			       !strcmp(u->items[k].text, e->submenu[u->depth]) &&
			       (!e->fs || !strcmp(u->entries[u->items[k].entry].fs, e->fs));
		if (!seen)
			add_item(u, ITEM_SUBMENU, e->submenu[u->depth], (int)i);
	}
	if (!u->depth && !u->nentries)
		add_item(
			u, ITEM_NOTE,
			u->ready
				? "No bootable system found yet. Devices may still appear; r rescans."
				: "Waiting for the daemon...",
			-1);
	if (!u->depth) {
		add_item(u, ITEM_HEADING, NULL, -1);
		add_item(u, ITEM_SHELL, "Shell", -1);
	}

	/* Keep the selected entry; else the default; else the first. */
	sel = item_of_id(u, u->sel_id);
	for (i = 0; sel < 0 && i < u->nitems; i++)
		if ((u->items[i].kind == ITEM_ENTRY &&
		     menu_is_default(u, &u->entries[u->items[i].entry])) ||
		    (u->items[i].kind == ITEM_SUBMENU && holds_default(u, &u->items[i])))
			sel = (int)i;
	for (i = 0; sel < 0 && i < u->nitems; i++)
		if (selectable(u, (int)i))
			sel = (int)i;
	u->sel = sel;
}

/* ---- Drawing ---- */

static int list_top(const struct ui *u)
{
	return u->depth ? 2 : 1;
}

/* Lines below the list: separator (when tall enough), info, status, keys. */
static int list_rows(const struct ui *u)
{
	int n = u->rows - list_top(u) - (u->rows >= 8 ? 4 : 3);

	return n > 1 ? n : 1;
}

static const char *heading_text(struct ui *u, const struct ui_item *it, char *buf, size_t size)
{
	const struct ui_device *d = ui_device(u, it->text);

	if (!it->text)
		return "kboot";
	if (!d) {
		snprintf(buf, size, "%s", it->text);
		return buf;
	}
	const char *where = d->dev ? d->dev : d->url; /* a network source: its server */

	snprintf(buf, size, "%s%s%s%s%s%s%s%s", d->name, d->label ? "  " : "",
		 d->label ? d->label : "", d->fstype ? "  " : "", d->fstype ? d->fstype : "",
		 where ? "  " : "", where ? where : "",
		 d->dirty ? "  (not cleanly unmounted: may be out of date)" : "");
	return buf;
}

/*
 * The entry autoboot is about: the countdown's, else the one kboot.default=
 * names (by id, else the first with that title, as the daemon finds it),
 * else the menu's default.
 */
static bool menu_is_default(const struct ui *u, const struct ui_entry *e)
{
	size_t i;

	if (u->cd_id && u->cd != UI_CD_OFF)
		return !strcmp(u->cd_id, e->id);
	if (!u->default_entry)
		return e->is_default;
	for (i = 0; i < u->nentries; i++)
		if (!strcmp(u->entries[i].id, u->default_entry))
			return &u->entries[i] == e;
	for (i = 0; i < u->nentries; i++)
		if (!strcmp(u->entries[i].title, u->default_entry))
			return &u->entries[i] == e;
	return false;
}

/* Does the submenu line it hold the entry that would boot by default? */
static bool holds_default(const struct ui *u, const struct ui_item *it)
{
	size_t k;

	for (k = 0; k < u->nentries; k++) {
		const struct ui_entry *e = &u->entries[k];

		if (in_path(u, e) && e->nsubmenu > u->depth &&
		    !strcmp(e->submenu[u->depth], it->text) && menu_is_default(u, e))
			return true;
	}
	return false;
}

static void draw_item(struct ui *u, int y, int i)
{
	const struct ui_item *it = &u->items[i];
	const struct ui_entry *e = it->entry >= 0 ? &u->entries[it->entry] : NULL;
	bool sel = i == u->sel;
	enum kb_role r = sel ? KB_ROLE_SELECTED : KB_ROLE_ENTRY;
	char buf[512];
	int x = 4;

	if (it->kind == ITEM_HEADING) {
		ui_draw_str(u, y, 1, u->cols - 2, KB_ROLE_HEADING,
			    heading_text(u, it, buf, sizeof(buf)));
		return;
	}
	if (it->kind == ITEM_NOTE) {
		ui_draw_str(u, y, 2, u->cols - 3, KB_ROLE_NORMAL, it->text);
		return;
	}
	if (it->kind == ITEM_ENTRY && !e->available && !sel)
		r = KB_ROLE_DISABLED;
	if (sel)
		ui_draw_fill(u, y, KB_ROLE_SELECTED);
	if ((it->kind == ITEM_ENTRY && menu_is_default(u, e)) ||
	    (it->kind == ITEM_SUBMENU && holds_default(u, it)))
		ui_draw_str(u, y, 1, 1, sel ? r : KB_ROLE_DEFAULT, "*");
	if (it->kind == ITEM_ENTRY && e->nwarnings)
		ui_draw_str(u, y, 2, 1, sel ? r : KB_ROLE_WARNING, "!");
	if (it->kind == ITEM_SUBMENU)
		snprintf(buf, sizeof(buf), "%s %s", it->text,
			 ui_draw_glyph(u, "\xe2\x96\xb8", ">"));
	else if (it->kind == ITEM_ENTRY && !e->available)
		snprintf(buf, sizeof(buf), "%s (%s)", it->text,
			 e->nwarnings ? e->warnings[0] : "cannot boot");
	else
		snprintf(buf, sizeof(buf), "%s", it->text);
	ui_draw_str(u, y, x, u->cols - x - 1, r, buf);
}

/* The line above the status: the countdown, or what is wrong with the selection. */
static void draw_info(struct ui *u, int y)
{
	const struct ui_item *it = selectable(u, u->sel) ? &u->items[u->sel] : NULL;
	const struct ui_entry *e = it && it->kind == ITEM_ENTRY ? &u->entries[it->entry] : NULL;
	char buf[512];

	if (ui_draw_download(u, y)) {
		/* A boot's downloads: their progress says it all. */
	} else if (u->cd == UI_CD_RUNNING) {
		snprintf(buf, sizeof(buf), "Booting '%s' in %d s. Any key stops the countdown.",
			 u->cd_title ? u->cd_title : "?", u->cd_remaining);
		ui_draw_str(u, y, 1, u->cols - 2, KB_ROLE_COUNTDOWN, buf);
	} else if (u->cd == UI_CD_FIRED || u->booting) {
		snprintf(buf, sizeof(buf), "Booting '%s'%s", u->cd_title ? u->cd_title : "",
			 ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
		ui_draw_str(u, y, 1, u->cols - 2, KB_ROLE_COUNTDOWN, buf);
	} else if (e && e->nwarnings) {
		snprintf(buf, sizeof(buf), "%s %s",
			 e->available ? "Warning:" : "Cannot boot:", e->warnings[0]);
		ui_draw_str(u, y, 1, u->cols - 2, e->available ? KB_ROLE_WARNING : KB_ROLE_ERROR,
			    buf);
	} else if (e) {
		ui_draw_str(u, y, 1, u->cols - 2, KB_ROLE_NORMAL, e->kernel ? e->kernel : "");
	} else if (it && it->kind == ITEM_SUBMENU) {
		ui_draw_str(u, y, 1, u->cols - 2, KB_ROLE_NORMAL, "A submenu: Enter opens it.");
	} else if (it && it->kind == ITEM_SHELL) {
		ui_draw_str(u, y, 1, u->cols - 2, KB_ROLE_NORMAL,
			    "A shell on this terminal; exit returns to the menu.");
	}
}

static void menu_draw(struct ui *u)
{
	int rows = list_rows(u), top = list_top(u), i, y;
	char buf[1024];
	size_t k;

	ui_draw_title(u, NULL);
	if (u->depth) {
		size_t o = 0;

		for (k = 0; k < u->depth; k++)
			o = kb_append(buf, sizeof(buf), o, "%s%s", k ? " > " : "", u->path[k]);
		ui_draw_str(u, 1, 1, u->cols - 2, KB_ROLE_HEADING, buf);
	}
	/* Keep the selection on screen, with its heading when there is room. */
	if (u->sel >= 0) {
		if (u->sel < u->top)
			u->top = u->sel > 0 && u->items[u->sel - 1].kind == ITEM_HEADING
					 ? u->sel - 1
					 : u->sel;
		if (u->sel >= u->top + rows)
			u->top = u->sel - rows + 1;
	}
	if (u->top > (int)u->nitems - rows)
		u->top = (int)u->nitems - rows;
	if (u->top < 0)
		u->top = 0;
	for (i = u->top, y = top; i < (int)u->nitems && y < top + rows; i++, y++)
		draw_item(u, y, i);
	if (u->top > 0)
		ui_draw_str(u, top, u->cols - 2, 1, KB_ROLE_FRAME,
			    ui_draw_glyph(u, "\xe2\x96\xb4", "^"));
	if (u->top + rows < (int)u->nitems)
		ui_draw_str(u, top + rows - 1, u->cols - 2, 1, KB_ROLE_FRAME,
			    ui_draw_glyph(u, "\xe2\x96\xbe", "v"));

	y = top + rows;
	if (u->rows >= 8)
		ui_draw_hline(u, y++);
	draw_info(u, y++);
	ui_draw_status(u, y++);
	if (u->ndl)
		ui_draw_footer(u, "Esc stops the download  h help");
	else if (u->cols < 60)
		ui_draw_footer(u, "Enter boot  e edit  h help");
	else
		ui_draw_footer(u, u->utf8 ? "\xe2\x86\x91\xe2\x86\x93 select  Enter boot  e edit  "
					    "c shell  h help"
					  : "Up/Down select  Enter boot  e edit  c shell  h help");
}

/* ---- Keys ---- */

static void move_sel(struct ui *u, int step, int count)
{
	int i = u->sel, last = u->sel;

	while (count-- > 0) {
		do
			i += step;
		while (i >= 0 && i < (int)u->nitems && !selectable(u, i));
		if (!selectable(u, i))
			break;
		last = i;
	}
	u->sel = last;
	u->sel_user = true;
	remember_selection(u);
}

static void enter_submenu(struct ui *u, const struct ui_item *it)
{
	char **path = realloc(u->path, (u->depth + 1) * sizeof(*path));
	char *name = strdup(it->text);

	if (!path || !name) {
		free(name);
		if (path)
			u->path = path;
		return;
	}
	u->path = path;
	u->path[u->depth++] = name;
	u->top = 0;
	menu_build(u);
	if (u->sel < 0 || !selectable(u, u->sel) || item_of_id(u, u->sel_id) < 0)
		move_sel(u, 1, 1);
}

static void leave_submenu(struct ui *u)
{
	if (!u->depth)
		return;
	free(u->path[--u->depth]);
	u->top = 0;
	menu_build(u);
}

static void boot_entry(struct ui *u, const struct ui_entry *e)
{
	struct kb_req r;

	if (!e->available) {
		ui_say(u, 2, "Cannot boot '%s': %s", e->title,
		       e->nwarnings ? e->warnings[0] : "it is not available");
		return;
	}
	if (!kb_req_boot_id(&r, e->id) && ui_request(u, &r) > 0)
		ui_say(u, 0, "Booting '%s'%s", e->title, ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
	kb_req_release(&r);
}

static bool hotkey(struct ui *u, int key)
{
	size_t i;

	if (key <= 0 || key > 0x7f || !isgraph(key))
		return false;
	for (i = 0; i < u->nitems; i++) {
		const struct ui_item *it = &u->items[i];

		if (it->kind == ITEM_ENTRY && u->entries[it->entry].hotkey &&
		    tolower((unsigned char)u->entries[it->entry].hotkey) == tolower(key)) {
			u->sel = (int)i;
			u->sel_user = true;
			remember_selection(u);
			boot_entry(u, &u->entries[it->entry]);
			return true;
		}
	}
	return false;
}

static enum ui_key_ret menu_key(struct ui *u, enum ui_action a, int key)
{
	const struct ui_item *it = selectable(u, u->sel) ? &u->items[u->sel] : NULL;
	int page = list_rows(u) - 1 > 0 ? list_rows(u) - 1 : 1;
	struct kb_req r = KB_REQ_INIT;

	switch (a) {
	case ACT_UP:
		move_sel(u, -1, 1);
		break;
	case ACT_DOWN:
		move_sel(u, 1, 1);
		break;
	case ACT_PGUP:
		move_sel(u, -1, page);
		break;
	case ACT_PGDN:
		move_sel(u, 1, page);
		break;
	case ACT_HOME:
		move_sel(u, -1, (int)u->nitems);
		break;
	case ACT_END:
		move_sel(u, 1, (int)u->nitems);
		break;
	case ACT_BOOT:
		if (!it)
			break;
		if (it->kind == ITEM_SUBMENU)
			enter_submenu(u, it);
		else if (it->kind == ITEM_SHELL)
			return UI_KEY_SHELL;
		else
			boot_entry(u, &u->entries[it->entry]);
		break;
	case ACT_OPEN:
		if (it && it->kind == ITEM_SUBMENU)
			enter_submenu(u, it);
		break;
	case ACT_BACK:
		leave_submenu(u);
		break;
	case ACT_EDIT:
		if (it && it->kind == ITEM_ENTRY)
			ui_screen_push(u, &ui_screen_edit, &u->entries[it->entry]);
		else
			ui_say(u, 1, "Select an entry to edit it.");
		break;
	case ACT_HELP:
		ui_screen_push(u, &ui_screen_help, NULL);
		break;
	case ACT_LOG:
		ui_screen_push(u, &ui_screen_log, NULL);
		break;
	case ACT_INFO:
		ui_screen_push(u, &ui_screen_info, NULL);
		break;
	case ACT_SHELL:
		return UI_KEY_SHELL;
	case ACT_SSH: {
		bool on = !u->ssh || !kb_json_get(u->ssh, "wanted") ||
			  !kb_json_get(u->ssh, "wanted")->b;

		if (!kb_req_ssh(&r, on) && ui_request(u, &r) > 0) {
			ui_say(u, 0, "Turning the SSH server %s%s", on ? "on" : "off",
			       ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
			u->ssh_asked = on ? 1 : -1;
		}
		kb_req_release(&r);
		break;
	}
	case ACT_RESCAN:
		if (!kb_req_rescan(&r) && ui_request(u, &r) > 0)
			ui_say(u, 0, "Rescanning every device%s",
			       ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
		kb_req_release(&r);
		break;
	case ACT_ABORT:
		if (!u->ndl) {
			leave_submenu(u);
		} else if (!kb_req_abort(&r) && ui_request(u, &r) > 0) {
			ui_say(u, 0, "Stopping the downloads%s",
			       ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
		}
		kb_req_release(&r);
		break;
	case ACT_NETWORK:
		ui_screen_push(u, &ui_screen_net, NULL);
		break;
	case ACT_QUIT:
		if (u->cfg->can_quit)
			return UI_KEY_QUIT;
		else
			ui_say(u, 1,
			       "This console cannot quit kboot: boot an entry or open a shell (c).");
		break;
	default:
		if (!hotkey(u, key) && key > 0 && key < 0x7f && isgraph(key))
			ui_say(u, 1, "No action for '%c': press h for help.", key);
		break;
	}
	return UI_KEY_DONE;
}

/* ---- Opening, closing, news from the model ---- */

static int menu_open(struct ui *u, const void *arg)
{
	u->sel = -1;
	return 0;
}

static void menu_close(struct ui *u)
{
	size_t i;

	free(u->sel_id);
	for (i = 0; i < u->depth; i++)
		free(u->path[i]);
	free(u->path);
	free(u->items);
	u->sel_id = NULL;
	u->path = NULL;
	u->items = NULL;
	u->depth = u->nitems = 0;
}

static void menu_changed(struct ui *u, unsigned int what)
{
	/* The countdown's entry is the one to show selected, until the user moves. */
	if ((what & UI_CHANGED_COUNTDOWN) && u->cd == UI_CD_RUNNING && !u->sel_user && u->cd_id &&
	    (!u->sel_id || strcmp(u->sel_id, u->cd_id))) {
		free(u->sel_id);
		u->sel_id = strdup(u->cd_id);
		menu_build(u);
	}
	if (what & UI_CHANGED_MENU)
		menu_build(u);
}

/* The menu: opened once, at the bottom of the stack; no arg. */
const struct ui_screen_ops ui_screen_menu = {
	.name = "menu",
	.keys = KM_MENU,
	.open = menu_open,
	.close = menu_close,
	.draw = menu_draw,
	.key = menu_key,
	.changed = menu_changed,
};
