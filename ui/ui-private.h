/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui-private.h - what the files of ui/ share: the model, the screens'
 * operations and their stack, and the helpers the screens draw with.
 * Nothing outside ui/ includes it; cmd/ has ui.h.
 *
 * Files: ui.c (the terminal, the event loop, the shell, a boot's end),
 * state.c (the daemon's messages into the model below, and requests),
 * screen.c (the stack of screens), screen-*.c (one per screen, each
 * defining its struct ui_screen_ops: draw() reads the state, key() turns
 * an action into a change, changed() follows the model), keymap.c (every
 * key and action, and the help text), draw.c (drawing helpers), field.c
 * (a form's text field), lineedit.c (the line editor beneath it), theme.c
 * (colour roles).
 */
#ifndef KBOOT_UI_PRIVATE_H
#define KBOOT_UI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keymap.h"
#include "lib/arena.h"
#include "lineedit.h"
#include "theme.h"
#include "ui.h"

struct kb_json;
struct kb_req;

#define UI_LOG_KEEP 500 /* status lines kept, as the daemon keeps */

struct ui_entry {
	const char *title, *id, *source, *config; /* as in docs/scan-json.md */
	const char *kernel, *dtb, *cmdline;	  /* dtb NULL when none */
	const char *fs;				  /* the filesystem it was found on */
	const char **submenu;			  /* enclosing submenu titles */
	size_t nsubmenu;
	const char **initrd;
	size_t ninitrd;
	bool multiboot;	      /* type "multiboot": initrd are modules */
	const char **modargs; /* their command lines ("module_args") */
	size_t nmodargs;
	const char **warnings; /* an unavailable entry's reason first */
	size_t nwarnings;
	char hotkey; /* '\0' when none */
	bool is_default, available;
};

struct ui_device {
	const char *name, *dev, *source, *fstype, *label, *uuid, *partuuid;
	const char *state, *reason, *mountpoint;
	const char *url; /* a network source's server ("http://host"), else NULL */
	bool dirty;	 /* not cleanly unmounted: what it shows may be out of date */
};

/* A download of the boot in progress, while it runs ("download" messages;
 * one that ends leaves the model). */
#define UI_DL_MAX 8
struct ui_download {
	int id;		/* the daemon's number for it */
	char name[16];	/* "kernel", "initrd" or "dtb" */
	char *url;	/* malloc'd */
	uint64_t bytes; /* received so far */
	int64_t total;	/* its size, -1 when the server did not say */
	uint64_t rate;	/* bytes per second */
};

struct ui_status {
	uint64_t time; /* ms since the daemon started */
	int level;     /* 0 info, 1 warning, 2 error */
	char *text;    /* malloc'd */
};

/* What changed in the model (u->changed), for the screens' changed(). */
#define UI_CHANGED_MENU	     0x01u /* the entries or the default ("menu", "settings") */
#define UI_CHANGED_COUNTDOWN 0x02u /* a "countdown" message */
#define UI_CHANGED_NETWORK   0x04u /* the interfaces ("network") */
#define UI_CHANGED_DOWNLOAD  0x08u /* a download of the boot began */
#define UI_CHANGED_REPLY     0x10u /* a reply to a request: ui_reply_take() */

#define UI_STACK_MAX 8 /* the menu, a screen opened from it, a page over that; room to spare */

struct ui_screen_ops;

enum ui_cd { UI_CD_OFF, UI_CD_RUNNING, UI_CD_STOPPED, UI_CD_FIRED };

/* One line of the menu screen at the current submenu level. */
struct ui_item {
	enum { ITEM_HEADING, ITEM_NOTE, ITEM_ENTRY, ITEM_SUBMENU, ITEM_SHELL } kind;
	const char *text; /* title, submenu name or heading */
	int entry;	  /* ITEM_ENTRY: index in entries; ITEM_SUBMENU: its first entry */
};

/* The edit screen: GRUB's `e`. */
enum { FIELD_KERNEL, FIELD_INITRD, FIELD_DTB, FIELD_CMDLINE, NFIELDS };
struct ui_edit {
	struct kb_lineedit field[NFIELDS];
	int cur;	/* the field being edited */
	char *title;	/* of the entry being edited (malloc'd) */
	char *fs;	/* its kernel's filesystem: bare /paths complete there */
	char **matches; /* the last ambiguous completion (malloc'd) */
	size_t nmatches;
	int complete_seq; /* the pending "complete" request, 0 when none */
	bool multiboot;	  /* a multiboot entry: FIELD_INITRD holds the modules */
};

/* The network boot wizard (`n`): screen-net.c. */
enum ui_net_step {
	NET_IFACE,  /* (a) pick an interface */
	NET_MODE,   /* (b) DHCP, static or as it is */
	NET_STATIC, /* (b) the static address form */
	NET_WAIT,   /* (b) DHCP under way: the interface's state */
	NET_CHOICE, /* (c) PXE, a config URL or kernel URLs */
	NET_URL,    /* (c) the config URL form */
	NET_BOOT,   /* (c) the kernel URLs form */
};
#define NET_FIELDS 3 /* the most fields a form has */
struct ui_net {
	enum ui_net_step step;
	char *iface;			      /* the interface chosen (malloc'd), or NULL */
	bool no_ifaces;			      /* the daemon manages none: (a) and (b) skipped */
	int sel;			      /* the item, or the field (nfields: OK) */
	int top;			      /* the first list item shown */
	struct kb_lineedit field[NET_FIELDS]; /* a form's fields */
	int nfields;			      /* 0 on the list steps */
	char *err;			      /* the error shown (malloc'd), or NULL */
	int err_at;			      /* next to this item or field (nfields: OK) */
	int seq;			      /* the request awaiting its reply, or 0 */
	bool replied;			      /* NET_WAIT: the daemon took the DHCP request */
};

struct ui {
	struct kb_loop *loop;
	struct kb_conn *conn; /* NULL while reconnecting */
	const struct kb_ui_config *cfg;
	struct kb_watch *conn_watch, *tty_watch, *winch_watch;
	int winch_pipe[2];
	int status; /* exit status once the loop ends */

	/* The model: replaced whole by each "menu" / "devices" message. */
	struct arena *menu_arena, *dev_arena, *net_arena;
	const struct kb_json *network; /* the last "network" message, or NULL */
	struct arena *ssh_arena;
	const struct kb_json *ssh; /* the last "ssh" message, or NULL */
	int ssh_asked;		   /* S pressed: 1 on, -1 off; say how it ends */
	struct ui_entry *entries;
	size_t nentries;
	const char **menu_warnings;
	size_t nmenu_warnings;
	struct ui_device *devs;
	size_t ndevs;
	struct ui_status log[UI_LOG_KEEP]; /* a ring */
	size_t log_first, log_n;
	enum ui_cd cd;
	char *cd_id, *cd_title; /* malloc'd */
	int cd_remaining;
	char *default_entry;		  /* kboot.default= / --default: id or title */
	bool ready;			  /* the initial state arrived */
	bool cancel_sent;		  /* one cancel per countdown is enough */
	char *booting;			  /* the plan, once "booting" came (malloc'd) */
	struct ui_download dl[UI_DL_MAX]; /* the downloads running, by arrival */
	size_t ndl;
	int seq;		     /* last request number */
	unsigned int changed;	     /* UI_CHANGED_* since the screens last heard */
	const struct kb_json *reply; /* a "reply" until a screen takes it, or NULL */
	int reply_seq;		     /* its seq, 0 when it has none */

	/* The menu screen. */
	char **path; /* the submenu titles entered (malloc'd) */
	size_t depth;
	struct ui_item *items; /* at the current level (malloc'd) */
	size_t nitems;
	int sel;       /* index in items; never a heading */
	int top;       /* first item shown */
	char *sel_id;  /* the selected entry's id, kept across menus */
	bool sel_user; /* the user moved: keep their choice */

	/* The screens in front: [0] is the menu, the last one is on top. */
	const struct ui_screen_ops *stack[UI_STACK_MAX];
	size_t nstack;

	/* The other screens. */
	struct ui_edit edit;
	struct ui_net net;
	int text_top;	 /* help, log, info: first line shown */
	bool log_follow; /* the log shows its end */
	char *message;	 /* a sentence for the user (malloc'd), or NULL */
	int message_level;

	/* The terminal. */
	int rows, cols;
	bool utf8;  /* may draw "…", arrows and UTF-8 titles */
	bool cp437; /* TERM=linux: its font's glyphs only (ui_draw_glyph) */
	bool shell; /* a shell owns the terminal */
	struct kb_theme theme;
	int printk_level; /* console log level to restore, or -1 */
};

/* ---- Screens (screen.c keeps the stack; each screen-*.c defines its own) ---- */

/* What a screen's key() asks of the main loop (ui.c), beyond its own changes. */
enum ui_key_ret {
	UI_KEY_DONE,  /* nothing more */
	UI_KEY_SHELL, /* leave curses for a shell on this terminal */
	UI_KEY_QUIT,  /* end the UI (exit status 0) */
};

/*
 * One screen, to the main loop: a set of operations, one instance per
 * screen.  The screens in front form a stack (u->stack): the menu at the
 * bottom, the one on top draws and gets the keys.  A screen shows another
 * by pushing it and leaves by closing itself; no one else decides which
 * screen is in front.  Every operation but draw and key may be NULL.
 */
struct ui_screen_ops {
	const char *name;  /* for the title bar (help, log, info) and the developer */
	unsigned int keys; /* the keymap's KM_* bit: which bindings apply */
	/* Set up the screen's state from arg (each screen says what it takes);
	 * 0, or a negative errno and it is not shown (it said why). */
	int (*open)(struct ui *u, const void *arg);
	/* Free the screen's state: it leaves the stack. */
	void (*close)(struct ui *u);
	/* Draw the whole screen: reads the model and the screen's state, and
	 * changes only where the screen is scrolled to. */
	void (*draw)(struct ui *u);
	/* Move the terminal's cursor to where text is typed; false: hide it. */
	bool (*cursor)(struct ui *u);
	/* Act on an action of the screen's keys (or ACT_NONE: key is text). */
	enum ui_key_ret (*key)(struct ui *u, enum ui_action a, int key);
	/* The model changed (UI_CHANGED_* bits): every screen on the stack
	 * hears of it, bottom first, before the next message and the redraw. */
	void (*changed)(struct ui *u, unsigned int what);
};

extern const struct ui_screen_ops ui_screen_menu; /* the menu, always at the bottom */
extern const struct ui_screen_ops ui_screen_edit; /* GRUB's `e`; open takes the struct ui_entry */
extern const struct ui_screen_ops ui_screen_net;  /* the network boot wizard */
extern const struct ui_screen_ops ui_screen_help; /* generated from the keymap */
extern const struct ui_screen_ops ui_screen_log;  /* the status lines, following the end */
extern const struct ui_screen_ops ui_screen_info; /* system information */

/* Show s on top, opened with arg; 0, or a negative errno (not shown). */
int ui_screen_push(struct ui *u, const struct ui_screen_ops *s, const void *arg);
/* Close the screen on top. */
void ui_screen_pop(struct ui *u);
/* Close s wherever it is on the stack (a screen may go while help is over it). */
void ui_screen_close(struct ui *u, const struct ui_screen_ops *s);
/* Close the screen on top and show s in its place. */
int ui_screen_replace(struct ui *u, const struct ui_screen_ops *s, const void *arg);
/* The screen in front, or NULL before the first push. */
const struct ui_screen_ops *ui_screen_top(const struct ui *u);
/* Is s on the stack (in front or under another)? */
bool ui_screen_on_stack(const struct ui *u, const struct ui_screen_ops *s);
/* Hand u->changed to every screen on the stack, and clear it. */
void ui_screen_changed(struct ui *u);

/* ---- The model (state.c) ---- */

/* Apply one message, read into arena a; true when the model keeps a (the
 * caller frees it otherwise, after ui_state_reply_done()).  What changed
 * is flagged in u->changed for the screens. */
bool ui_state_message(struct ui *u, const struct kb_json *msg, struct arena *a);
/* The reply to request seq, once, while the screens hear of it; or NULL. */
const struct kb_json *ui_reply_take(struct ui *u, int seq);
/* After the screens heard: a reply none took that failed becomes the
 * message for the user; the reply is forgotten. */
void ui_state_reply_done(struct ui *u);
void ui_state_free(struct ui *u);
const struct ui_device *ui_device(const struct ui *u, const char *name);
/* j as an int when it is a whole number that fits one, else dflt (the
 * daemon's numbers are trusted no more than a client's). */
int ui_json_int(const struct kb_json *j, int dflt);
/* The daemon's interfaces (the last "network" message): how many, the
 * i-th, the one named name (NULL when there is none). */
size_t ui_iface_count(const struct ui *u);
const struct kb_json *ui_iface_at(const struct ui *u, size_t i);
const struct kb_json *ui_iface_named(const struct ui *u, const char *name);
/* An interface's member key, "" when it has none (x may be NULL); its
 * "10.0.2.15/24", or "" without an address (buf holds it). */
const char *ui_iface_str(const struct kb_json *x, const char *key);
const char *ui_iface_cidr(const struct kb_json *x, char *buf, size_t size);
int ui_request(struct ui *u, const struct kb_req *r);
void ui_downloads_clear(struct ui *u);
void ui_say(struct ui *u, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- Form fields (field.c): the edit screen's and the wizard's ---- */

/* Draw le as a field at (y, x); the cursor's column in it; apply a
 * line-editing action or a typed character (false when a is neither);
 * the text without blanks around it (malloc'd, NULL when out of memory). */
void ui_field_draw(struct ui *u, struct kb_lineedit *le, int y, int x, int width, bool active);
int ui_field_cursor(struct kb_lineedit *le, int width);
bool ui_field_key(struct kb_lineedit *le, enum ui_action a, int key);
char *ui_field_trimmed(const struct kb_lineedit *le);

/* ---- Shared by the screens that boot (screen-edit.c) ---- */

/* The boot request for f, its initrds the words of initrds (cut up in
 * place): kb_req_boot_files()'s result.  The caller releases r, which it
 * set to KB_REQ_INIT, even on failure. */
struct kb_req_files;
int ui_boot_files_req(struct kb_req *r, struct kb_req_files *f, char *initrds);

/* ---- Drawing helpers (draw.c) ---- */

void ui_draw_fill(struct ui *u, int y, enum kb_role r);
int ui_draw_str(struct ui *u, int y, int x, int width, enum kb_role r, const char *s);
void ui_draw_title(struct ui *u, const char *what);
void ui_draw_hline(struct ui *u, int y);
void ui_draw_footer(struct ui *u, const char *hints);
void ui_draw_status(struct ui *u, int y);
int ui_draw_wrapped(struct ui *u, int y, int x, int width, int maxlines, enum kb_role r,
		    const char *s);
bool ui_draw_download(struct ui *u, int y);
const char *ui_draw_glyph(const struct ui *u, const char *utf8, const char *ascii);

#endif
