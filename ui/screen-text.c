// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen-text.c - the read-only pages: help, log and system information.
 *
 * Each page is built as lines (a role and a text) on every draw, from the
 * keymap table (help), the status lines (log) or the system (info: uname,
 * /proc/meminfo, the daemon's devices, /sys/class/net and getifaddrs()),
 * then drawn from text_top.  The log follows its end until the user
 * scrolls up.  Nothing here reads a disk: disks are what the daemon says.
 */
#include <arpa/inet.h>
#include <curses.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/jsonparse.h"
#include "lib/text.h"
#include "ui-private.h"

struct tline {
	enum kb_role role;
	char *text; /* malloc'd */
};

struct page {
	struct tline *v;
	size_t n, cap;
};

static void add(struct page *p, enum kb_role r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct page *p, enum kb_role r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct tline *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return;
		p->v = v;
		p->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	p->v[p->n].role = r;
	p->v[p->n++].text = s;
}

static void page_free(struct page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].text);
	free(p->v);
}

/* ---- Help: generated from the keymap ---- */

/* One key line; on a narrow terminal the text goes on a line of its own. */
static void help_line(struct ui *u, struct page *p, const char *keys, const char *help)
{
	if (u->cols >= 60) {
		add(p, KB_ROLE_NORMAL, "  %-22s %s", keys, help);
	} else {
		add(p, KB_ROLE_HEADING, "  %s", keys);
		add(p, KB_ROLE_NORMAL, "      %s", help);
	}
}

/* The bindings of screen, without those also on screen `shown` (listed already). */
static void help_section(struct ui *u, struct page *p, unsigned int screen, unsigned int shown,
			 const char *title)
{
	size_t i;

	add(p, KB_ROLE_HEADING, "%s", title);
	for (i = 0; i < ui_keymap_len; i++)
		if ((ui_keymap[i].screens & screen) && !(ui_keymap[i].screens & shown))
			help_line(u, p, ui_keymap[i].keys_help, ui_keymap[i].help);
	add(p, KB_ROLE_NORMAL, "%s", "");
}

static void build_help(struct ui *u, struct page *p)
{
	help_section(u, p, KM_MENU, 0, "Menu");
	help_line(u, p, "any key", "stops the countdown (on every console)");
	help_line(u, p, "other keys", "the entry's hotkey from its config boots it");
	add(p, KB_ROLE_NORMAL, "%s", "");
	help_section(u, p, KM_EDIT, 0, "Edit (e)");
	help_section(u, p, KM_NET, KM_EDIT, "Network boot (n)");
	add(p, KB_ROLE_NORMAL, "  Its fields edit as in Edit; the daemon's answers show");
	add(p, KB_ROLE_NORMAL, "  next to the field they concern.");
	add(p, KB_ROLE_NORMAL, "%s", "");
	help_section(u, p, KM_TEXT, 0, "Help, log and system information");
	add(p, KB_ROLE_NORMAL, "Marks: * the default entry, ! the entry has warnings;");
	add(p, KB_ROLE_NORMAL, "dimmed entries cannot boot, with the reason.");
}

/* ---- The log ---- */

static void build_log(struct ui *u, struct page *p)
{
	static const enum kb_role roles[] = { KB_ROLE_NORMAL, KB_ROLE_WARNING, KB_ROLE_ERROR };
	size_t i;

	for (i = 0; i < u->log_n; i++) {
		const struct ui_status *s = &u->log[(u->log_first + i) % UI_LOG_KEEP];

		add(p, roles[s->level % 3], "[%5llu.%03llu] %s",
		    (unsigned long long)(s->time / 1000), (unsigned long long)(s->time % 1000),
		    s->text);
	}
	if (!u->log_n)
		add(p, KB_ROLE_NORMAL, "No status lines yet.");
}

/* ---- System information ---- */

static void info_memory(struct page *p)
{
	unsigned long long total = 0, avail = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "MemTotal: %llu kB", &total);
		sscanf(line, "MemAvailable: %llu kB", &avail);
	}
	if (f)
		fclose(f);
	add(p, KB_ROLE_NORMAL, "  Memory     %llu MiB, %llu MiB available", total / 1024,
	    avail / 1024);
}

static void info_devices(struct ui *u, struct page *p)
{
	size_t i;

	add(p, KB_ROLE_HEADING, "Disks and filesystems");
	for (i = 0; i < u->ndevs; i++) {
		const struct ui_device *d = &u->devs[i];
		const char *where = d->dev ? d->dev : d->url ? d->url : d->source;

		add(p, KB_ROLE_NORMAL, "  %-10s %-8s %-16s %s", d->name,
		    d->fstype ? d->fstype : "-", d->label ? d->label : "-", where ? where : "");
		if (d->uuid || d->partuuid)
			add(p, KB_ROLE_NORMAL, "  %-10s UUID %s%s%s", "", d->uuid ? d->uuid : "-",
			    d->partuuid ? "  PARTUUID " : "", d->partuuid ? d->partuuid : "");
		if (d->state && strcmp(d->state, "ready"))
			add(p, strcmp(d->state, "failed") ? KB_ROLE_NORMAL : KB_ROLE_WARNING,
			    "  %-10s %s%s%s", "", d->state, d->reason ? ": " : "",
			    d->reason ? d->reason : "");
	}
	if (!u->ndevs)
		add(p, KB_ROLE_NORMAL, "  none found");
}

static void info_network(struct page *p)
{
	struct ifaddrs *ifa = NULL, *i;
	struct dirent *de;
	DIR *dir = opendir("/sys/class/net");
	char path[300], mac[64], state[32], addr[INET6_ADDRSTRLEN];

	add(p, KB_ROLE_HEADING, "Network interfaces");
	if (getifaddrs(&ifa))
		ifa = NULL;
	while (dir && (de = readdir(dir))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		mac[0] = state[0] = '\0';
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", de->d_name);
		if ((f = fopen(path, "re"))) {
			if (!fgets(mac, sizeof(mac), f))
				mac[0] = '\0';
			fclose(f);
		}
		snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", de->d_name);
		if ((f = fopen(path, "re"))) {
			if (!fgets(state, sizeof(state), f))
				state[0] = '\0';
			fclose(f);
		}
		mac[strcspn(mac, "\n")] = state[strcspn(state, "\n")] = '\0';
		add(p, KB_ROLE_NORMAL, "  %-10s %-8s %s", de->d_name, state, mac);
		for (i = ifa; i; i = i->ifa_next) {
			const void *a;
			unsigned int prefix = 0;

			if (!i->ifa_addr || strcmp(i->ifa_name, de->d_name))
				continue;
			if (i->ifa_addr->sa_family == AF_INET)
				a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			else if (i->ifa_addr->sa_family == AF_INET6)
				a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			else
				continue;
			if (i->ifa_netmask) {
				const struct sockaddr_in *m4 = (const void *)i->ifa_netmask;
				const struct sockaddr_in6 *m6 = (const void *)i->ifa_netmask;
				const unsigned char *m = i->ifa_addr->sa_family == AF_INET
								 ? (const void *)&m4->sin_addr
								 : (const void *)&m6->sin6_addr;
				size_t k, len = i->ifa_addr->sa_family == AF_INET ? 4 : 16;

				for (k = 0; k < len; k++)
					prefix += (unsigned int)__builtin_popcount(m[k]);
			}
			if (inet_ntop(i->ifa_addr->sa_family, a, addr, sizeof(addr)))
				add(p, KB_ROLE_NORMAL, "  %-10s %s/%u", "", addr, prefix);
		}
	}
	if (dir)
		closedir(dir);
	if (ifa)
		freeifaddrs(ifa);
}

/* The daemon's view: how each interface is configured, and its lease. */
static void info_daemon_network(struct ui *u, struct page *p)
{
	size_t i, k;

	for (i = 0; u->network && u->network->type == KB_JARR && i < u->network->n; i++) {
		const struct kb_json *x = u->network->item[i], *dns = kb_json_get(x, "dns");
		const char *state = kb_json_get_str(x, "state"), *mode = kb_json_get_str(x, "mode");
		const char *addr = kb_json_get_str(x, "address"),
			   *gw = kb_json_get_str(x, "gateway");
		const struct kb_json *prefix = kb_json_get(x, "prefix");
		char line[512];
		size_t o;

		o = kb_append(line, sizeof(line), 0, "  %-10s %s, %s", kb_json_get_str(x, "name"),
			      mode ? mode : "?", state ? state : "?");
		if (addr)
			o = kb_append(line, sizeof(line), o, ": %s/%d%s%s", addr,
				      ui_json_int(prefix, 0), gw ? " via " : "", gw ? gw : "");
		for (k = 0; dns && dns->type == KB_JARR && k < dns->n; k++)
			o = kb_append(line, sizeof(line), o, "%s%s", k ? " " : ", DNS ",
				      dns->item[k]->type == KB_JSTR ? dns->item[k]->str : "?");
		if (kb_json_get_str(x, "reason"))
			kb_append(line, sizeof(line), o, ": %s", kb_json_get_str(x, "reason"));
		add(p, state && !strcmp(state, "failed") ? KB_ROLE_WARNING : KB_ROLE_NORMAL, "%s",
		    line);
		if (kb_json_get_str(x, "server") || kb_json_get_str(x, "bootfile"))
			add(p, KB_ROLE_NORMAL, "  %-10s boot server %s, file %s", "",
			    kb_json_get_str(x, "server") ? kb_json_get_str(x, "server") : "-",
			    kb_json_get_str(x, "bootfile") ? kb_json_get_str(x, "bootfile") : "-");
	}
}

static void build_info(struct ui *u, struct page *p)
{
	struct utsname un;

	add(p, KB_ROLE_HEADING, "kboot");
	add(p, KB_ROLE_NORMAL, "  Version    %s%s", KBOOT_VERSION,
	    u->cfg->dry_run ? " (dry run: a boot prints its plan)" : "");
	if (!uname(&un)) {
		add(p, KB_ROLE_NORMAL, "  Kernel     %s %s %s", un.sysname, un.release, un.machine);
		add(p, KB_ROLE_NORMAL, "             %s", un.version);
	}
	info_memory(p);
	add(p, KB_ROLE_NORMAL, "  Terminal   %s, %dx%d, %s, %s",
	    getenv("TERM") ? getenv("TERM") : "?", u->cols, u->rows,
	    has_colors() ? "colours" : "monochrome", u->utf8 ? "UTF-8" : "ASCII");
	add(p, KB_ROLE_NORMAL, "%s", "");
	info_devices(u, p);
	add(p, KB_ROLE_NORMAL, "%s", "");
	info_network(p);
	if (u->network && u->network->type == KB_JARR && u->network->n) {
		add(p, KB_ROLE_NORMAL, "%s", "");
		add(p, KB_ROLE_HEADING, "Network configuration");
		info_daemon_network(u, p);
	}
	if (u->ssh) {
		const char *state = kb_json_get_str(u->ssh, "state");
		const char *fp = kb_json_get_str(u->ssh, "fingerprint");
		const char *why = kb_json_get_str(u->ssh, "reason");
		const struct kb_json *keys = kb_json_get(u->ssh, "keys");

		add(p, KB_ROLE_NORMAL, "%s", "");
		add(p, KB_ROLE_HEADING, "SSH server");
		add(p, KB_ROLE_NORMAL, "  State      %s%s%s", state ? state : "?", why ? ": " : "",
		    why ? why : "");
		if (keys && keys->type == KB_JBOOL && !keys->b)
			add(p, KB_ROLE_NORMAL, "             no authorized keys in this image");
		if (fp)
			add(p, KB_ROLE_NORMAL, "  Host key   %s", fp);
	}
}

/* ---- Drawing and keys ---- */

static int text_rows(const struct ui *u)
{
	return u->rows > 3 ? u->rows - 2 : 1;
}

/* The page build() makes, titled with the name of the screen in front. */
static void text_draw(struct ui *u, void (*build)(struct ui *u, struct page *p))
{
	const struct ui_screen_ops *s = ui_screen_top(u);
	struct page p = { 0 };
	int rows = text_rows(u), i, y;

	build(u, &p);
	if (u->log_follow && s == &ui_screen_log)
		u->text_top = (int)p.n - rows;
	if (u->text_top > (int)p.n - rows)
		u->text_top = (int)p.n - rows;
	if (u->text_top < 0)
		u->text_top = 0;

	ui_draw_title(u, s->name);
	for (i = u->text_top, y = 1; i < (int)p.n && y <= rows; i++, y++)
		ui_draw_str(u, y, 1, u->cols - 2, p.v[i].role, p.v[i].text);
	if (u->text_top + rows < (int)p.n)
		ui_draw_str(u, rows, u->cols - 2, 1, KB_ROLE_FRAME,
			    ui_draw_glyph(u, "\xe2\x96\xbe", "v"));
	ui_draw_footer(u,
		       u->message ? u->message : "Esc back  Up/Down scroll  h help  l log  i info");
	page_free(&p);
}

static void help_draw(struct ui *u)
{
	text_draw(u, build_help);
}

static void log_draw(struct ui *u)
{
	text_draw(u, build_log);
}

static void info_draw(struct ui *u)
{
	text_draw(u, build_info);
}

/* Every page starts at its top; the log follows its end. */
static int text_open(struct ui *u, const void *arg)
{
	u->text_top = 0;
	u->log_follow = false;
	return 0;
}

static int log_open(struct ui *u, const void *arg)
{
	u->text_top = 0;
	u->log_follow = true;
	return 0;
}

static enum ui_key_ret text_key(struct ui *u, enum ui_action a, int key)
{
	int page = text_rows(u) - 1 > 0 ? text_rows(u) - 1 : 1;

	u->log_follow = false;
	switch (a) {
	case ACT_UP:
		u->text_top--;
		break;
	case ACT_DOWN:
		u->text_top++;
		break;
	case ACT_PGUP:
		u->text_top -= page;
		break;
	case ACT_PGDN:
		u->text_top += page;
		break;
	case ACT_HOME:
		u->text_top = 0;
		break;
	case ACT_END:
		u->text_top = 1 << 20; /* text_draw() clamps it */
		u->log_follow = ui_screen_top(u) == &ui_screen_log;
		break;
	case ACT_HELP: /* one page in place of another: Esc goes back past both */
		ui_screen_replace(u, &ui_screen_help, NULL);
		break;
	case ACT_LOG:
		ui_screen_replace(u, &ui_screen_log, NULL);
		break;
	case ACT_INFO:
		ui_screen_replace(u, &ui_screen_info, NULL);
		break;
	case ACT_TEXT_CLOSE:
		ui_screen_pop(u);
		break;
	default:
		break;
	}
	return UI_KEY_DONE;
}

/* The pages: open takes nothing. */
const struct ui_screen_ops ui_screen_help = {
	.name = "help",
	.keys = KM_TEXT,
	.open = text_open,
	.draw = help_draw,
	.key = text_key,
};

const struct ui_screen_ops ui_screen_log = {
	.name = "log",
	.keys = KM_TEXT,
	.open = log_open,
	.draw = log_draw,
	.key = text_key,
};

const struct ui_screen_ops ui_screen_info = {
	.name = "system information",
	.keys = KM_TEXT,
	.open = text_open,
	.draw = info_draw,
	.key = text_key,
};
