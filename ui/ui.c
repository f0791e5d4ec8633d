// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui.c - the terminal, the event loop and the life of `kboot ui` (ui.h).
 *
 * Input comes from three places, all watched by the loop (loop.h), so the
 * UI sleeps until something happens (no polling: idle CPU is zero while a
 * countdown runs, the daemon's tick wakes it once a second): the terminal,
 * the daemon's connection, and a self-pipe for SIGWINCH/SIGTERM/SIGHUP.
 * Keys go to the screen in front (screen.c keeps the stack), as actions of
 * its keymap; after each of the daemon's messages the screens hear what
 * it changed in the model.  After each batch the screen in front is drawn
 * whole into curses' buffer and one doupdate() sends only what changed.
 *
 * On a console (a VT, /dev/console or a line listed in /proc/consoles) and
 * as root, the kernel's console log level is lowered while the UI runs, so
 * kernel messages do not write over the menu, and restored on exit; Ctrl-L
 * redraws whatever got through.  The shell leaves curses, runs on this
 * terminal as a child of the loop and gives the terminal back.  A boot ends
 * the UI: the "booting" message is drawn, curses is left cleanly and the
 * plan is printed, so the next kernel's output starts on a sane terminal.
 *
 * Not here: what is drawn (screen-*.c), what messages mean (state.c),
 * which screen is in front (the screens push and close each other).
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/jsonparse.h"
#include "lib/loop.h"
#include "proto/client.h"
#include "proto/request.h"
#include "ui-private.h"

#define RECONNECT_MS	1000
#define RECONNECT_TRIES 60 /* then give up: /init restarts what died */
#define QUIET_LEVEL	1  /* console log level while the UI runs: emergencies only */

static int sig_fd = -1; /* the self-pipe's write end, for the handler */

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(sig_fd, &c, 1) < 0) {
		/* full: a signal is pending already */
	}
	errno = saved;
}

/* ---- The console log level ---- */

/* Is this terminal a console the kernel writes its messages to? */
static bool on_console(void)
{
	const char *tty = ttyname(STDIN_FILENO);
	char line[256], name[64];
	FILE *f;
	bool yes = false;

	if (!tty)
		return false;
	if (!strcmp(tty, "/dev/console") ||
	    (!strncmp(tty, "/dev/tty", 8) && tty[8] >= '0' && tty[8] <= '9'))
		return true;
	f = fopen("/proc/consoles", "re");
	while (f && !yes && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s", name) == 1 && !strcmp(tty + 5, name))
			yes = true;
	if (f)
		fclose(f);
	return yes;
}

static void quiet_console(struct ui *u)
{
	FILE *f;
	int level;

	u->printk_level = -1;
	if (geteuid() != 0 || !on_console())
		return;
	f = fopen("/proc/sys/kernel/printk", "re");
	if (!f)
		return;
	if (fscanf(f, "%d", &level) == 1 && level > QUIET_LEVEL &&
	    klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, QUIET_LEVEL) == 0)
		u->printk_level = level;
	fclose(f);
}

static void restore_console(struct ui *u)
{
	if (u->printk_level >= 0)
		klogctl(8, NULL, u->printk_level);
	u->printk_level = -1;
}

/* ---- Drawing ---- */

static void update_size(struct ui *u)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	u->rows = LINES;
	u->cols = COLS;
}

static void redraw(struct ui *u)
{
	const struct ui_screen_ops *s = ui_screen_top(u);

	if (u->shell || !s)
		return;
	attrset(kb_theme_attr(KB_ROLE_NORMAL));
	bkgdset(' ' | kb_theme_attr(KB_ROLE_NORMAL));
	erase();
	s->draw(u);
	if (s->cursor && s->cursor(u)) {
		curs_set(1);
	} else {
		move(u->rows - 1, u->cols - 1);
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---- The countdown, the end of the UI ---- */

static void cancel_countdown(struct ui *u)
{
	struct kb_req r;

	if (u->cd != UI_CD_RUNNING || u->cancel_sent)
		return;
	if (!kb_req_cancel(&r) && ui_request(u, &r) > 0)
		u->cancel_sent = true;
	kb_req_release(&r);
}

static void quit(struct ui *u, int status)
{
	u->status = status;
	kb_loop_quit(u->loop, status);
}

/* ---- The shell ---- */

static void tty_event(struct kb_loop *l, int fd, uint32_t events, void *data);

static void shell_done(struct kb_loop *l, pid_t pid, int status, void *data)
{
	struct ui *u = data;

	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
	u->shell = false;
	reset_prog_mode();
	u->tty_watch = kb_loop_watch(l, STDIN_FILENO, EPOLLIN, tty_event, u);
	update_size(u);
	clearok(curscr, TRUE);
	ui_say(u, 0, "Back from the shell.");
	redraw(u);
}

static void start_shell(struct ui *u)
{
	const char *sh = getenv("SHELL");
	pid_t pid;

	if (!sh || !*sh)
		sh = "/bin/sh";
	cancel_countdown(u);
	def_prog_mode();
	endwin();
	printf("\nkboot: a shell; type 'exit' to return to the menu.\n");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/*
		 * Whatever we were started with (a background job of /etc/kboot/rc
		 * ignores SIGINT and SIGQUIT), the shell's commands get Ctrl-C.
		 */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		execl(sh, sh, (char *)NULL);
		fprintf(stderr, "kboot: cannot run %s: %s\n", sh, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || kb_loop_child(u->loop, pid, shell_done, u)) {
		if (pid > 0)
			waitpid(pid, NULL, 0);
		reset_prog_mode();
		ui_say(u, 2, "Cannot start a shell: %s", strerror(errno));
		return;
	}
	/* Like system(): the shell's Ctrl-C is the shell's, not ours. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	u->shell = true;
	kb_loop_unwatch(u->loop, u->tty_watch);
	u->tty_watch = NULL;
}

/* ---- Keys ---- */

/* The next key, or ERR: function keys as KEY_*, Alt-x as KEY_META(x). */
static int read_key(void)
{
	wint_t wc;
	int r = get_wch(&wc), next;

	if (r == ERR)
		return ERR;
	if (r == KEY_CODE_YES)
		return (int)wc;
	if (wc == 27) {
		/* Esc alone, or Alt-x (Esc then x, sent together). */
		r = get_wch(&wc);
		if (r == OK && wc > 0x20 && wc < 0x7f)
			return KEY_META((int)wc);
		if (r != ERR)
			unget_wch(wc);
		return 27;
	}
	next = (int)wc;
	return next < 0x80 ? next : (int)(KEY_UNICODE | (unsigned int)wc);
}

static void handle_key(struct ui *u, int key)
{
	const struct ui_screen_ops *s = ui_screen_top(u);
	enum ui_action a;

	if (key == KEY_RESIZE) {
		update_size(u);
		return;
	}
	/* Any key stops the countdown, on every console (the daemon tells them). */
	cancel_countdown(u);
	free(u->message);
	u->message = NULL;
	a = ui_key_action(key, s->keys);
	if (a == ACT_REDRAW) {
		update_size(u);
		clearok(curscr, TRUE);
		return;
	}
	if (u->booting)
		return;
	switch (s->key(u, a, key)) {
	case UI_KEY_SHELL:
		start_shell(u);
		break;
	case UI_KEY_QUIT:
		quit(u, 0);
		break;
	case UI_KEY_DONE:
		break;
	}
}

static void tty_event(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct ui *u = data;
	int key, n = 0;

	while (!u->shell && (key = read_key()) != ERR && n++ < 64)
		handle_key(u, key);
	if (events & (EPOLLHUP | EPOLLERR) && !n) {
		/* The terminal went away (an SSH session closed). */
		quit(u, 1);
		return;
	}
	redraw(u);
}

/* ---- The daemon ---- */

static void conn_event(struct kb_loop *l, int fd, uint32_t events, void *data);

static void reconnect(struct kb_loop *l, void *data)
{
	static int tries;
	struct ui *u = data;

	u->conn = kb_conn_open(u->cfg->socket, 200);
	if (!u->conn) {
		if (++tries >= RECONNECT_TRIES) {
			ui_say(u, 2, "The daemon did not come back: leaving.");
			quit(u, 1);
			return;
		}
		if (!kb_loop_timer(l, RECONNECT_MS, reconnect, u))
			quit(u, 1);
		return;
	}
	tries = 0;
	u->conn_watch = kb_loop_watch(l, kb_conn_fd(u->conn), EPOLLIN, conn_event, u);
	if (!u->conn_watch)
		quit(u, 1);
}

static void lost_daemon(struct ui *u, int err)
{
	kb_loop_unwatch(u->loop, u->conn_watch);
	u->conn_watch = NULL;
	kb_conn_close(u->conn);
	u->conn = NULL;
	u->ready = false;
	ui_downloads_clear(u); /* their ends will never come */
	if (u->booting) {
		quit(u, 0); /* the boot is under way */
		return;
	}
	if (!u->cfg->socket) {
		ui_say(u, 2, "Lost the daemon: %s", strerror(-err));
		quit(u, 1);
		return;
	}
	ui_say(u, 2, "Lost the daemon (%s); reconnecting%s", strerror(-err),
	       ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
	if (!kb_loop_timer(u->loop, RECONNECT_MS, reconnect, u))
		quit(u, 1);
}

static void conn_event(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct ui *u = data;
	const struct kb_json *msg;
	bool kept;
	int ret;

	for (;;) {
		struct arena *a = arena_new();

		if (!a)
			break;
		ret = kb_conn_read(u->conn, a, &msg, 0);
		if (ret) {
			arena_free(a);
			if (ret != -EAGAIN)
				lost_daemon(u, ret);
			break;
		}
		kept = ui_state_message(u, msg, a);
		/* The screens hear of it while a reply still lives in a. */
		ui_screen_changed(u);
		ui_state_reply_done(u);
		if (!kept)
			arena_free(a);
	}
	if (u->booting) {
		/* Show "Booting ..." once, on the menu (the screens above it
		 * close), then leave so the plan and the new kernel's messages
		 * land on a clean terminal. */
		while (u->nstack > 1)
			ui_screen_pop(u);
		ui_say(u, 0, "Booting%s", ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
		redraw(u);
		quit(u, 0);
		return;
	}
	redraw(u);
}

/* ---- Start and end ---- */

static void sig_event(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct ui *u = data;
	char c;

	while (read(fd, &c, 1) == 1) {
		if (c == SIGWINCH) {
			update_size(u);
			redraw(u);
		} else {
			quit(u, 1);
		}
	}
}

/* kboot.theme= from the kernel command line, or NULL (malloc'd). */
static char *theme_param(const char *cmdline)
{
	char buf[4096], *p, *end;
	size_t n = 0;
	FILE *f;

	if (!cmdline) {
		f = fopen("/proc/cmdline", "re");
		if (f) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		buf[n] = '\0';
		cmdline = buf;
	}
	for (p = strstr(cmdline, "kboot.theme="); p; p = strstr(p + 1, "kboot.theme=")) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		p += strlen("kboot.theme=");
		end = p + strcspn(p, " \n");
		return strndup(p, (size_t)(end - p));
	}
	return NULL;
}

static int term_start(struct ui *u)
{
	const char *codeset;
	char err[256] = "";
	char *param = NULL;
	const char *theme = u->cfg->theme;
	SCREEN *scr;

	setlocale(LC_ALL, "");
	codeset = nl_langinfo(CODESET);
	u->utf8 = codeset && !strcmp(codeset, "UTF-8");
	u->cp437 = getenv("TERM") && !strcmp(getenv("TERM"), "linux");
	/*
	 * A key's bytes on a serial line (a virtual one on a busy host most
	 * of all) can arrive far apart; waiting longer only delays a lone Esc.
	 */
	if (!getenv("ESCDELAY"))
		set_escdelay(100);
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		/* An unknown TERM: a vt100 is what nearly every terminal can be. */
		fprintf(stderr, "kboot: terminal type '%s' is unknown here; using vt100\n",
			getenv("TERM") ? getenv("TERM") : "");
		scr = newterm("vt100", stdout, stdin);
		if (!scr)
			return -ENOTTY;
	}
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Do not stop a redraw to look for keys: one redraw, one write. */
	typeahead(-1);
	ui_keymap_init();
	if (!theme)
		theme = param = theme_param(u->cfg->cmdline);
	if (theme && kb_theme_load(&u->theme, theme, err, sizeof(err)))
		ui_say(u, 1, "%s; using the default theme", err);
	else if (!theme)
		kb_theme_default(&u->theme);
	free(param);
	kb_theme_apply(&u->theme);
	update_size(u);
	return 0;
}

static int watch_signals(struct ui *u)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	if (pipe2(u->winch_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	sig_fd = u->winch_pipe[1];
	u->winch_watch = kb_loop_watch(u->loop, u->winch_pipe[0], EPOLLIN, sig_event, u);
	if (!u->winch_watch)
		return -ENOMEM;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void ui_free(struct ui *u)
{
	if (u->tty_watch)
		kb_loop_unwatch(u->loop, u->tty_watch);
	if (u->conn_watch)
		kb_loop_unwatch(u->loop, u->conn_watch);
	if (u->winch_watch)
		kb_loop_unwatch(u->loop, u->winch_watch);
	if (u->winch_pipe[0] >= 0) {
		signal(SIGWINCH, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(u->winch_pipe[0]);
		close(u->winch_pipe[1]);
		sig_fd = -1;
	}
	kb_conn_close(u->conn);
	while (u->nstack)
		ui_screen_pop(u);
	ui_state_free(u);
	free(u);
}

int kb_ui_run(struct kb_loop *l, struct kb_conn *conn, const struct kb_ui_config *cfg)
{
	struct ui *u = calloc(1, sizeof(*u));
	int ret;

	if (!u) {
		kb_conn_close(conn);
		fprintf(stderr, "kboot ui: out of memory\n");
		return 1;
	}
	u->loop = l;
	u->conn = conn;
	u->cfg = cfg;
	u->printk_level = -1;
	u->winch_pipe[0] = u->winch_pipe[1] = -1;
	ui_screen_push(u, &ui_screen_menu, NULL); /* the bottom of the stack; cannot fail */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "kboot ui: needs a terminal on stdin and stdout\n");
		ui_free(u);
		return 1;
	}
	if (watch_signals(u) || term_start(u)) {
		fprintf(stderr, "kboot ui: cannot start the terminal: %s\n", strerror(errno));
		ui_free(u);
		return 1;
	}
	quiet_console(u);
	u->tty_watch = kb_loop_watch(l, STDIN_FILENO, EPOLLIN, tty_event, u);
	u->conn_watch = kb_loop_watch(l, kb_conn_fd(conn), EPOLLIN, conn_event, u);
	if (!u->tty_watch || !u->conn_watch) {
		endwin();
		fprintf(stderr, "kboot ui: out of memory\n");
		ui_free(u);
		return 1;
	}
	redraw(u);
	kb_loop_run(l);

	endwin();
	restore_console(u);
	if (u->booting)
		fputs(u->booting, stdout);
	else if (u->status && u->message)
		fprintf(stderr, "kboot ui: %s\n", u->message);
	fflush(stdout);
	ret = u->status;
	ui_free(u);
	return ret;
}
