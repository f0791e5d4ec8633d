// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - `kboot daemon`: the devices in, the menu, status lines and the
 * countdown out, to every client of the control socket (docs/protocol.md).
 *
 * What it does:
 *   - runs one event loop with the devices (real or --source) and the server;
 *   - rebuilds the menu with a fresh engine scan whenever the devices change
 *     (changes arriving together are coalesced into one rebuild), keeps it
 *     until the next rebuild, and pushes "devices" and "menu" when they
 *     changed;
 *   - keeps the last KB_STATUS_KEEP status lines and pushes each new one;
 *   - reads kboot.timeout= / kboot.default= from the kernel command line and
 *     the daemon's options, and runs the autoboot countdown (rule in
 *     daemon.h and docs/daemon.md);
 *   - answers boot, cancel and rescan requests.
 *
 * What it does not do (yet): kexec.  A boot in sources mode prints the plan
 * and exits 0, as documented; with real devices it prints the plan, says
 * "kexec is not available in this build yet" in a status line and carries
 * on (the kexec file arrives with the boot image).  It never mounts or
 * probes anything itself (devices.c does) and never parses configs (the
 * engine does).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "complete.h"
#include "daemon.h"
#include "devices.h"
#include "json.h"
#include "jsonparse.h"
#include "loop.h"
#include "parser.h"
#include "proto.h"
#include "scan.h"
#include "server.h"

#define KB_STATUS_KEEP 500          /* status lines kept for new clients */
#define KB_MOUNT_ROOT "/run/kboot/mnt"

enum cd_state {
	CD_OFF,     /* no countdown: nothing to boot yet, or the timeout waits */
	CD_RUNNING, /* counting down to cd_id */
	CD_STOPPED, /* cancelled, or its entry went away; never restarts */
	CD_FIRED,   /* ran out; the boot was started */
};

enum setting_source { SRC_CONFIG, SRC_KERNEL, SRC_OPTION };

struct status_line {
	uint64_t time; /* ms since the daemon started */
	int level;     /* enum kb_status_level */
	char *text;    /* malloc'd */
};

/* One boot, from an entry or from a request's files. */
struct boot_plan {
	const char *entry;     /* entry id, or NULL for files given by a client */
	const char *title;     /* for people */
	struct kb_file kernel; /* fs never NULL once validated */
	struct ptrv initrds;   /* struct kb_file * */
	struct kb_file dtb;    /* fs NULL when none */
	const char *cmdline;   /* never NULL */
};

struct kb_daemon {
	const struct kb_daemon_config *cfg;
	struct kb_loop *loop;
	struct kb_devices *devs;
	struct kb_server *srv;
	bool sources;             /* --source mode */
	uint64_t start;           /* kb_loop_now() at start */

	/* The menu of the last rebuild and its messages. */
	struct kb_scan *scan;     /* NULL before the first rebuild */
	char *devices_msg;        /* the whole "devices" message (malloc'd) */
	size_t devices_len;
	char *menu_msg;           /* the whole "menu" message (malloc'd) */
	size_t menu_len;
	char *settings_msg;       /* the last "settings" message sent */
	size_t settings_len;
	struct kb_timer *rebuild; /* a pending coalesced rebuild */

	/* Status lines: a ring of the last KB_STATUS_KEEP. */
	struct status_line status[KB_STATUS_KEEP];
	size_t status_first, status_n;

	/* Settings: what overrides the menu. */
	int timeout;              /* override, or KB_TIMEOUT_UNSET */
	enum setting_source timeout_src;
	char *default_entry;      /* override id or title (malloc'd), or NULL */
	enum setting_source default_src;

	/* The countdown. */
	enum cd_state cd;
	bool decided;             /* the autoboot decision was made (once) */
	char *cd_id, *cd_title;   /* the entry it is bound to (malloc'd) */
	int remaining;            /* seconds, while running */
	struct kb_timer *tick;
	char *told_default;       /* a newer default already reported as not taken */
	bool told_missing;        /* "kboot.default=X: no such entry yet" said */

	bool booting;             /* sources mode: exiting after a boot */
	struct kb_timer *quit;
};

/* ---- Messages ---- */

/* A message is built in a memory stream and sent whole. */
struct msg {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *msg_open(struct msg *m, const char *type)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (m->f)
		fprintf(m->f, "{\"type\":\"%s\"", type);
	return m->f;
}

/* Finish the message; 0 with m->buf/len set (caller frees buf), or -ENOMEM. */
static int msg_close(struct msg *m)
{
	bool err;

	putc('}', m->f);
	err = ferror(m->f);
	if (fclose(m->f) || err) {
		free(m->buf);
		m->buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void json_key_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	kb_json_string(f, val);
}

static void broadcast(struct kb_daemon *d, struct msg *m)
{
	if (msg_close(m)) {
		fprintf(stderr, "kboot daemon: out of memory building a message\n");
		return;
	}
	if (d->srv)
		kb_server_broadcast(d->srv, m->buf, m->len);
	free(m->buf);
}

/* ---- Status lines ---- */

static const char *level_name(int level)
{
	switch (level) {
	case KB_STATUS_ERROR:
		return "error";
	case KB_STATUS_WARNING:
		return "warning";
	default:
		return "info";
	}
}

static void status_json(FILE *f, const struct status_line *s)
{
	fprintf(f, ",\"time\":%" PRIu64 ",\"level\":\"%s\"", s->time, level_name(s->level));
	json_key_str(f, "text", s->text);
}

static void status_add(struct kb_daemon *d, int level, const char *text)
{
	struct status_line *s;
	struct msg m;
	char *copy = strdup(text);

	if (!d->cfg->quiet)
		fprintf(stderr, "kboot: %s: %s\n", level_name(level), text);
	if (!copy)
		return;
	if (d->status_n == KB_STATUS_KEEP) {
		s = &d->status[d->status_first];
		free(s->text);
		d->status_first = (d->status_first + 1) % KB_STATUS_KEEP;
		d->status_n--;
	}
	s = &d->status[(d->status_first + d->status_n) % KB_STATUS_KEEP];
	d->status_n++;
	s->time = kb_loop_now(d->loop) - d->start;
	s->level = level;
	s->text = copy;
	if (d->srv && msg_open(&m, "status")) {
		status_json(m.f, s);
		broadcast(d, &m);
	}
}

static void status(struct kb_daemon *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void status(struct kb_daemon *d, int level, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	status_add(d, level, text);
	free(text);
}

static void devices_status(struct kb_devices *devs, int level, const char *text, void *data)
{
	status_add(data, level, text);
}

/* ---- Settings ---- */

static const char *const source_names[] = { "config", "kernel", "option" };

static int parse_timeout(const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < -1 || n > 86400)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

/*
 * The kernel's own word splitting: spaces separate parameters, double
 * quotes protect spaces (`kboot.default="Debian GNU/Linux"`) and are
 * removed.
 */
static void read_cmdline(struct kb_daemon *d, const char *text)
{
	const char *p = text;
	char *word = malloc(strlen(text) + 1);

	if (!word)
		return;
	while (*p) {
		bool quoted = false;
		size_t n = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				word[n++] = *p;
		}
		word[n] = '\0';
		if (!strncmp(word, "kboot.timeout=", 14)) {
			int t;

			if (parse_timeout(word + 14, &t))
				status(d, KB_STATUS_WARNING, "%s: not a number of seconds; ignored", word);
			else if (d->timeout_src != SRC_OPTION)
				d->timeout = t, d->timeout_src = SRC_KERNEL;
		} else if (!strncmp(word, "kboot.default=", 14) && word[14]) {
			if (d->default_src != SRC_OPTION) {
				free(d->default_entry);
				d->default_entry = strdup(word + 14);
				d->default_src = SRC_KERNEL;
			}
		}
	}
	free(word);
}

static void settings_init(struct kb_daemon *d)
{
	const struct kb_daemon_config *cfg = d->cfg;
	char buf[4096];

	d->timeout = KB_TIMEOUT_UNSET;
	d->timeout_src = SRC_CONFIG;
	d->default_src = SRC_CONFIG;
	/* Options first, so the kernel command line only fills in the rest. */
	if (cfg->timeout != KB_TIMEOUT_UNSET) {
		d->timeout = cfg->timeout;
		d->timeout_src = SRC_OPTION;
	}
	if (cfg->default_entry) {
		d->default_entry = strdup(cfg->default_entry);
		d->default_src = SRC_OPTION;
	}
	if (cfg->cmdline) {
		read_cmdline(d, cfg->cmdline);
	} else if (!d->sources) {
		int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		if (n >= 0) {
			buf[n] = '\0';
			read_cmdline(d, buf);
		} else {
			status(d, KB_STATUS_WARNING, "cannot read /proc/cmdline: %s", strerror(errno));
		}
	}
}

/* The timeout in effect: the override, else the menu's. */
static int effective_timeout(const struct kb_daemon *d)
{
	if (d->timeout != KB_TIMEOUT_UNSET)
		return d->timeout;
	if (d->scan && d->scan->menu.timeout >= 0)
		return d->scan->menu.timeout;
	return KB_TIMEOUT_WAIT;
}

static int settings_build(struct kb_daemon *d, struct msg *m)
{
	int t = effective_timeout(d);

	if (!msg_open(m, "settings"))
		return -ENOMEM;
	if (t >= 0)
		fprintf(m->f, ",\"timeout\":%d", t);
	else
		fputs(",\"timeout\":null", m->f);
	json_key_str(m->f, "default", d->default_entry);
	json_key_str(m->f, "timeout_source", source_names[d->timeout_src]);
	json_key_str(m->f, "default_source", source_names[d->default_src]);
	return msg_close(m);
}

/* Push "settings" when it differs from what clients have. */
static void settings_update(struct kb_daemon *d)
{
	struct msg m;

	if (settings_build(d, &m))
		return;
	if (d->settings_msg && m.len == d->settings_len && !memcmp(m.buf, d->settings_msg, m.len)) {
		free(m.buf);
		return;
	}
	free(d->settings_msg);
	d->settings_msg = m.buf;
	d->settings_len = m.len;
	if (d->srv)
		kb_server_broadcast(d->srv, m.buf, m.len);
}

/* ---- Entries and files ---- */

static const struct kb_entry *entry_by_id(const struct kb_daemon *d, const char *id)
{
	size_t i;

	if (!d->scan || !id)
		return NULL;
	for (i = 0; i < d->scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->scan->menu.entries.v[i];

		if (!strcmp(e->id, id))
			return e;
	}
	return NULL;
}

static const struct kb_entry *entry_by_title(const struct kb_daemon *d, const char *title)
{
	size_t i;

	if (!d->scan || !title)
		return NULL;
	for (i = 0; i < d->scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->scan->menu.entries.v[i];

		if (e->title && !strcmp(e->title, title))
			return e;
	}
	return NULL;
}

/* What people call an entry: its title, or its id when it has none. */
static const char *entry_name(const struct kb_entry *e)
{
	return e->title ? e->title : e->id;
}

/* kboot.default= names an id or a title; the id wins. */
static const struct kb_entry *entry_by_id_or_title(const struct kb_daemon *d, const char *s)
{
	const struct kb_entry *e = entry_by_id(d, s);

	return e ? e : entry_by_title(d, s);
}

/* The entry the menu itself would boot (its default), or NULL. */
static const struct kb_entry *menu_default(const struct kb_daemon *d)
{
	size_t i;

	if (!d->scan)
		return NULL;
	for (i = 0; i < d->scan->menu.entries.n; i++) {
		const struct kb_entry *e = d->scan->menu.entries.v[i];

		if (e->is_default && e->available)
			return e;
	}
	return NULL;
}

/* What autoboot would pick from the current menu, or NULL. */
static const struct kb_entry *autoboot_target(const struct kb_daemon *d)
{
	if (d->default_entry)
		return entry_by_id_or_title(d, d->default_entry);
	return menu_default(d);
}

static const struct kb_fs *fs_by_name(const struct kb_daemon *d, const char *name, size_t n)
{
	size_t i;

	if (!d->scan)
		return NULL;
	for (i = 0; i < d->scan->fs.n; i++) {
		const struct kb_fs *fs = d->scan->fs.v[i];

		if (strlen(fs->name) == n && !strncmp(fs->name, name, n))
			return fs;
	}
	return NULL;
}

/*
 * Resolve a client's "NAME:/path" against the current filesystems.  The
 * path is normalised so it cannot leave its filesystem.  0, or -errno with
 * a sentence in *err (arena-owned).
 */
static int resolve_ref(const struct kb_daemon *d, struct arena *a, const char *ref,
		       struct kb_file *out, const char **err)
{
	const char *colon = ref ? strchr(ref, ':') : NULL;
	const struct kb_fs *fs;

	if (!colon || colon == ref || colon[1] != '/') {
		*err = arena_printf(a, "'%s' is not NAME:/path", ref ? ref : "");
		return -EINVAL;
	}
	fs = fs_by_name(d, ref, (size_t)(colon - ref));
	if (!fs) {
		*err = arena_printf(a, "no filesystem named '%.*s'", (int)(colon - ref), ref);
		return -ENOENT;
	}
	out->fs = fs;
	out->path = kb_path_join(a, "/", colon + 1);
	if (!out->path) {
		*err = "out of memory";
		return -ENOMEM;
	}
	return 0;
}

/* The file on the host, for the plan (arena-owned). */
static const char *host_path(struct arena *a, const struct kb_file *f)
{
	if (!f->fs)
		return NULL;
	if (!strcmp(f->path, "/"))
		return f->fs->root;
	return arena_printf(a, "%s%s", strcmp(f->fs->root, "/") ? f->fs->root : "", f->path);
}

static int check_file(struct arena *a, const struct kb_file *f, const char *what,
		      const char **err)
{
	if (f->fs && kb_is_file(f->fs, f->path))
		return 0;
	*err = arena_printf(a, "%s %s is not there", what, kb_file_str(a, f));
	return -ENOENT;
}

/* Every file of the plan exists as a regular file.  0 or -ENOENT with *err. */
static int plan_check(struct arena *a, const struct boot_plan *p, const char **err)
{
	size_t i;

	if (check_file(a, &p->kernel, "the kernel", err))
		return -ENOENT;
	for (i = 0; i < p->initrds.n; i++)
		if (check_file(a, p->initrds.v[i], "the initrd", err))
			return -ENOENT;
	if (p->dtb.fs && check_file(a, &p->dtb, "the device tree", err))
		return -ENOENT;
	return 0;
}

/* A plan from a menu entry; 0 or -errno with *err. */
static int plan_from_entry(struct arena *a, const struct kb_entry *e, struct boot_plan *p,
			   const char **err)
{
	memset(p, 0, sizeof(*p));
	if (!e->available) {
		*err = arena_printf(a, "entry '%s' cannot be booted: %s", e->id,
				    e->reason ? e->reason : "not available");
		return -EINVAL;
	}
	p->entry = e->id;
	p->title = entry_name(e);
	p->kernel = e->kernel;
	p->initrds = e->initrds;
	p->dtb = e->dtb;
	p->cmdline = e->cmdline ? e->cmdline : "";
	return plan_check(a, p, err);
}

/* ---- Countdown ---- */

static const char *const cd_names[] = { "off", "running", "stopped", "fired" };

static int countdown_build(struct kb_daemon *d, struct msg *m)
{
	if (!msg_open(m, "countdown"))
		return -ENOMEM;
	json_key_str(m->f, "state", cd_names[d->cd]);
	json_key_str(m->f, "entry", d->cd_id);
	json_key_str(m->f, "title", d->cd_title);
	if (d->cd == CD_RUNNING)
		fprintf(m->f, ",\"remaining\":%d", d->remaining);
	else if (d->cd == CD_FIRED)
		fputs(",\"remaining\":0", m->f);
	else
		fputs(",\"remaining\":null", m->f);
	return msg_close(m);
}

static void countdown_push(struct kb_daemon *d)
{
	struct msg m;

	if (countdown_build(d, &m))
		return;
	if (d->srv)
		kb_server_broadcast(d->srv, m.buf, m.len);
	free(m.buf);
}

static void countdown_stop(struct kb_daemon *d)
{
	if (d->tick) {
		kb_loop_cancel(d->loop, d->tick);
		d->tick = NULL;
	}
	d->cd = CD_STOPPED;
	d->decided = true;
	countdown_push(d);
}

static int boot(struct kb_daemon *d, struct arena *a, const struct boot_plan *p, const char **err);

static void countdown_fire(struct kb_daemon *d)
{
	const struct kb_entry *e = entry_by_id(d, d->cd_id);
	struct boot_plan p;
	struct arena *a = arena_new();
	const char *err = NULL;

	d->cd = CD_FIRED;
	countdown_push(d);
	if (!a) {
		status(d, KB_STATUS_ERROR, "autoboot: out of memory");
	} else if (!e) {
		status(d, KB_STATUS_ERROR, "autoboot: '%s' is gone", d->cd_title);
	} else if (plan_from_entry(a, e, &p, &err)) {
		status(d, KB_STATUS_ERROR, "autoboot of '%s' failed: %s", entry_name(e), err);
	} else {
		boot(d, a, &p, &err); /* a failure has its own status line */
	}
	arena_free(a);
	if (!d->booting) {
		/* Back to the menu: the countdown does not start again. */
		d->cd = CD_STOPPED;
		countdown_push(d);
	}
}

static void countdown_tick(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->tick = NULL;
	if (d->cd != CD_RUNNING)
		return;
	if (--d->remaining > 0) { /* timeout 0 starts at 0: fires on the first tick */
		d->tick = kb_loop_timer(d->loop, 1000, countdown_tick, d);
		if (!d->tick) {
			status(d, KB_STATUS_ERROR, "countdown stopped: out of memory");
			countdown_stop(d);
			return;
		}
		countdown_push(d);
		return;
	}
	countdown_fire(d);
}

/*
 * After each rebuild.  Before the decision: start the countdown when the
 * menu has a target.  While running: keep the target, say so when a newer
 * default appears, stop when the target is gone.
 */
static void countdown_update(struct kb_daemon *d)
{
	const struct kb_entry *e, *now;
	int t;

	if (d->booting)
		return;
	if (d->cd == CD_RUNNING) {
		e = entry_by_id(d, d->cd_id);
		if (!e || !e->available) {
			status(d, KB_STATUS_WARNING, "countdown stopped: '%s' (%s) is no longer there",
			       d->cd_title, d->cd_id);
			countdown_stop(d);
			return;
		}
		now = autoboot_target(d);
		if (now && strcmp(now->id, d->cd_id) &&
		    (!d->told_default || strcmp(d->told_default, now->id))) {
			status(d, KB_STATUS_INFO,
			       "'%s' (%s) appeared; the countdown still boots '%s' (%s)",
			       entry_name(now), now->id, d->cd_title, d->cd_id);
			free(d->told_default);
			d->told_default = strdup(now->id);
		}
		return;
	}
	if (d->decided)
		return;

	e = autoboot_target(d);
	if (!e) {
		if (d->default_entry && !d->told_missing && d->scan &&
		    d->scan->menu.entries.n) {
			status(d, KB_STATUS_INFO, "default '%s': no such entry yet; waiting for it",
			       d->default_entry);
			d->told_missing = true;
		}
		return;
	}
	d->decided = true;
	if (!e->available) {
		status(d, KB_STATUS_WARNING, "no autoboot: the default '%s' cannot be booted: %s",
		       entry_name(e), e->reason ? e->reason : "not available");
		return;
	}
	t = effective_timeout(d);
	if (t < 0) {
		status(d, KB_STATUS_INFO, "no autoboot: the timeout waits for a choice");
		return;
	}
	free(d->cd_id);
	free(d->cd_title);
	d->cd_id = strdup(e->id);
	d->cd_title = strdup(entry_name(e));
	if (!d->cd_id || !d->cd_title) {
		status(d, KB_STATUS_ERROR, "no autoboot: out of memory");
		return;
	}
	d->remaining = t;
	d->cd = CD_RUNNING;
	/* Even "at once" goes through the loop, after this rebuild is pushed. */
	d->tick = kb_loop_timer(d->loop, t ? 1000 : 0, countdown_tick, d);
	if (!d->tick) {
		status(d, KB_STATUS_ERROR, "no autoboot: out of memory");
		d->cd = CD_OFF;
		return;
	}
	status(d, KB_STATUS_INFO, "autoboot: '%s' (%s) in %d s", d->cd_title, d->cd_id, t);
	if (t)
		countdown_push(d);
}

/* ---- Booting ---- */

/* One "key value" line of the plan; newlines in values become spaces. */
static void plan_line(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%s ", key);
	for (; val && *val; val++)
		putc(*val == '\n' || *val == '\r' ? ' ' : *val, f);
	putc('\n', f);
}

static void plan_write(FILE *f, struct arena *a, const struct boot_plan *p)
{
	size_t i;

	plan_line(f, "entry", p->entry ? p->entry : "-");
	plan_line(f, "title", p->title);
	plan_line(f, "kernel", kb_file_str(a, &p->kernel));
	plan_line(f, "kernel-file", host_path(a, &p->kernel));
	for (i = 0; i < p->initrds.n; i++) {
		plan_line(f, "initrd", kb_file_str(a, p->initrds.v[i]));
		plan_line(f, "initrd-file", host_path(a, p->initrds.v[i]));
	}
	if (p->dtb.fs) {
		plan_line(f, "dtb", kb_file_str(a, &p->dtb));
		plan_line(f, "dtb-file", host_path(a, &p->dtb));
	}
	plan_line(f, "cmdline", p->cmdline);
	fflush(f);
}

static void quit_now(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->quit = NULL;
	kb_loop_quit(l, 0);
}

/*
 * Boot a validated plan: tell every client, print the plan, then leave
 * (sources mode) or say that kexec is not here yet (real devices).
 * 0 when the boot is under way, or -errno with *err.
 */
static int boot(struct kb_daemon *d, struct arena *a, const struct boot_plan *p, const char **err)
{
	struct msg m;
	size_t i;

	if (d->tick) {
		kb_loop_cancel(d->loop, d->tick);
		d->tick = NULL;
	}
	if (d->cd == CD_RUNNING) {
		d->cd = CD_STOPPED;
		d->decided = true;
		countdown_push(d);
	}
	if (msg_open(&m, "booting")) {
		json_key_str(m.f, "entry", p->entry);
		json_key_str(m.f, "title", p->title);
		json_key_str(m.f, "kernel", kb_file_str(a, &p->kernel));
		fputs(",\"initrd\":[", m.f);
		for (i = 0; i < p->initrds.n; i++) {
			if (i)
				putc(',', m.f);
			kb_json_string(m.f, kb_file_str(a, p->initrds.v[i]));
		}
		putc(']', m.f);
		json_key_str(m.f, "dtb", kb_file_str(a, &p->dtb));
		json_key_str(m.f, "cmdline", p->cmdline);
		broadcast(d, &m);
	}
	status(d, KB_STATUS_INFO, "booting '%s': %s", p->title, kb_file_str(a, &p->kernel));
	if (d->cfg->dry_run) {
		if (d->cfg->plan)
			plan_write(d->cfg->plan, a, p);
		d->booting = true;
		if (d->cfg->stay_after_boot)
			return 0; /* kboot menu: its UI ends the loop */
		/*
		 * Leave through the loop, so the clients' queues get one more
		 * chance to be written before the sockets close.
		 */
		d->quit = kb_loop_timer(d->loop, 50, quit_now, d);
		if (!d->quit)
			kb_loop_quit(d->loop, 0);
		return 0;
	}
	if (d->cfg->plan)
		plan_write(d->cfg->plan, a, p);
	status(d, KB_STATUS_ERROR, "kexec is not available in this build yet");
	*err = "kexec is not available in this build yet";
	return -ENOSYS;
}

/* ---- The menu ---- */

static const char *const state_names[] = { "probing", "ready", "skipped", "failed" };

static int devices_build(struct kb_daemon *d, struct msg *m)
{
	size_t i, n = kb_devices_count(d->devs);

	if (!msg_open(m, "devices"))
		return -ENOMEM;
	fputs(",\"devices\":[", m->f);
	for (i = 0; i < n; i++) {
		const struct kb_device *dev = kb_devices_at(d->devs, i);

		fputs(i ? ",{" : "{", m->f);
		fputs("\"name\":", m->f);
		kb_json_string(m->f, dev->name);
		json_key_str(m->f, "dev", dev->dev);
		json_key_str(m->f, "source", dev->source);
		json_key_str(m->f, "fstype", dev->fstype);
		json_key_str(m->f, "uuid", dev->uuid);
		json_key_str(m->f, "label", dev->label);
		json_key_str(m->f, "partuuid", dev->partuuid);
		json_key_str(m->f, "partlabel", dev->partlabel);
		json_key_str(m->f, "state",
			     (unsigned)dev->state < 4 ? state_names[dev->state] : "failed");
		json_key_str(m->f, "reason", dev->reason);
		json_key_str(m->f, "mountpoint", dev->state == KB_DEV_READY ? dev->mnt : NULL);
		putc('}', m->f);
	}
	putc(']', m->f);
	return msg_close(m);
}

static int menu_build(struct kb_daemon *d, struct msg *m)
{
	if (!msg_open(m, "menu"))
		return -ENOMEM;
	fputs(",\"menu\":", m->f);
	kb_menu_write_json_line(m->f, d->scan->arena, &d->scan->menu);
	return msg_close(m);
}

/* Replace a cached message and push it, when it changed. */
static void update_msg(struct kb_daemon *d, char **cache, size_t *cache_len, struct msg *m)
{
	if (*cache && *cache_len == m->len && !memcmp(*cache, m->buf, m->len)) {
		free(m->buf);
		return;
	}
	free(*cache);
	*cache = m->buf;
	*cache_len = m->len;
	if (d->srv)
		kb_server_broadcast(d->srv, m->buf, m->len);
}

static bool scan_has_fs(const struct kb_scan *s, const char *name)
{
	size_t i;

	for (i = 0; s && i < s->fs.n; i++)
		if (!strcmp(((const struct kb_fs *)s->fs.v[i])->name, name))
			return true;
	return false;
}

/* Status lines for filesystems that are new in this menu. */
static void report_new_fs(struct kb_daemon *d, const struct kb_scan *old)
{
	size_t i, j;

	for (i = 0; i < d->scan->fs.n; i++) {
		const struct kb_fs *fs = d->scan->fs.v[i];
		size_t n = 0;

		if (scan_has_fs(old, fs->name))
			continue;
		for (j = 0; j < d->scan->menu.entries.n; j++) {
			const struct kb_entry *e = d->scan->menu.entries.v[j];

			if (e->config.fs == fs || (!e->config.fs && e->kernel.fs == fs))
				n++;
		}
		status(d, KB_STATUS_INFO, "%s: %zu %s", fs->name, n, n == 1 ? "entry" : "entries");
	}
}

/* Read the menu again from every ready device, push what changed. */
static void rebuild(struct kb_daemon *d)
{
	struct kb_scan *s = kb_scan_new(), *old;
	size_t i, n = kb_devices_count(d->devs);
	struct msg m;
	int ret;

	if (!s) {
		status(d, KB_STATUS_ERROR, "cannot read the menu: out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct kb_device *dev = kb_devices_at(d->devs, i);
		struct kb_fs id = {
			.name = dev->name,
			.dev = dev->dev,
			.fstype = dev->fstype,
			.uuid = dev->uuid,
			.label = dev->label,
			.partuuid = dev->partuuid,
			.partlabel = dev->partlabel,
			.pttype = dev->pttype,
			.disk = dev->disk,
			.part = dev->part,
			.rootfd = -1,
		};

		if (dev->state != KB_DEV_READY || !dev->mnt)
			continue;
		ret = kb_scan_add_dir(s, dev->mnt, &id);
		if (ret)
			status(d, KB_STATUS_WARNING, "%s: cannot read %s: %s", dev->name, dev->mnt,
			       strerror(-ret));
	}
	ret = kb_scan_run(s);
	if (ret) {
		status(d, KB_STATUS_ERROR, "cannot read the menu: %s", strerror(-ret));
		kb_scan_free(s);
		return;
	}
	old = d->scan;
	d->scan = s;
	report_new_fs(d, old);
	kb_scan_free(old);

	if (!devices_build(d, &m))
		update_msg(d, &d->devices_msg, &d->devices_len, &m);
	if (!menu_build(d, &m))
		update_msg(d, &d->menu_msg, &d->menu_len, &m);
	settings_update(d);
	countdown_update(d);
}

static void rebuild_timer(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->rebuild = NULL;
	rebuild(d);
}

/* Devices changed: rebuild once the burst of changes is handled. */
static void devices_changed(struct kb_devices *devs, void *data)
{
	struct kb_daemon *d = data;

	if (d->rebuild || d->booting)
		return;
	d->rebuild = kb_loop_timer(d->loop, 0, rebuild_timer, d);
	if (!d->rebuild)
		status(d, KB_STATUS_ERROR, "cannot read the menu: out of memory");
}

/* ---- Clients ---- */

/* Close m and queue it for c; 0, or -errno when c cannot take more. */
static int send_msg(struct kb_client *c, struct msg *m)
{
	int ret = msg_close(m);

	if (ret)
		return ret;
	ret = kb_client_send(c, m->buf, m->len);
	free(m->buf);
	return ret;
}

/* The full state, in the order docs/protocol.md gives, then "ready". */
static void client_connected(struct kb_server *s, struct kb_client *c, void *data)
{
	struct kb_daemon *d = data;
	struct msg m;
	size_t i;

	if (!msg_open(&m, "hello"))
		return;
	fprintf(m.f, ",\"protocol\":%d,\"kboot\":\"%s\",\"mode\":\"%s\"", KB_PROTO_VERSION,
		KBOOT_VERSION, d->sources ? "sources" : "devices");
	if (send_msg(c, &m))
		return;
	/* The first menu is built before the socket exists, so these are set. */
	if (!d->devices_msg || !d->menu_msg || !d->settings_msg)
		return;
	if (kb_client_send(c, d->devices_msg, d->devices_len) ||
	    kb_client_send(c, d->menu_msg, d->menu_len))
		return;
	for (i = 0; i < d->status_n; i++) {
		if (!msg_open(&m, "status"))
			return;
		status_json(m.f, &d->status[(d->status_first + i) % KB_STATUS_KEEP]);
		if (send_msg(c, &m))
			return;
	}
	if (countdown_build(d, &m))
		return;
	if (kb_client_send(c, m.buf, m.len)) {
		free(m.buf);
		return;
	}
	free(m.buf);
	if (kb_client_send(c, d->settings_msg, d->settings_len) ||
	    kb_client_send(c, "{\"type\":\"ready\"}", 16))
		return;
	kb_client_ready(c);
}

/* ---- Requests ---- */

/* A request's "seq", echoed as it came. */
static void seq_write(FILE *f, const struct kb_json *seq)
{
	if (!seq)
		fputs("null", f);
	else if (seq->str)
		fputs(seq->str, f); /* the number's own text, echoed exactly */
	else if (seq->num == (double)(long long)seq->num && seq->num > -1e15 && seq->num < 1e15)
		fprintf(f, "%lld", (long long)seq->num);
	else
		fprintf(f, "%.17g", seq->num);
}

/* The reply to a request; successes only when it carried "seq". */
static void reply(struct kb_client *c, const struct kb_json *seq, const char *error)
{
	struct msg m;

	if (!error && !seq)
		return;
	if (!msg_open(&m, "reply"))
		return;
	fputs(",\"seq\":", m.f);
	seq_write(m.f, seq);
	fprintf(m.f, ",\"ok\":%s", error ? "false" : "true");
	if (error)
		json_key_str(m.f, "error", error);
	send_msg(c, &m);
}

/* A request member that must be a string when present; -EINVAL otherwise. */
static int opt_str(struct arena *a, const struct kb_json *req, const char *key,
		   const char **out, const char **err)
{
	const struct kb_json *v = kb_json_get(req, key);

	*out = NULL;
	if (!v || v->type == KB_JNULL)
		return 0;
	if (v->type != KB_JSTR) {
		*err = arena_printf(a, "\"%s\" must be a string", key);
		return -EINVAL;
	}
	*out = v->str;
	return 0;
}

/* A plan from "kernel", "initrd", "dtb", "cmdline" (an edited entry). */
static int plan_from_files(struct kb_daemon *d, const struct kb_json *req, struct arena *a,
			   struct boot_plan *p, const char **err)
{
	const struct kb_json *initrd = kb_json_get(req, "initrd");
	const char *kernel, *dtb, *title;
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	if ((ret = opt_str(a, req, "kernel", &kernel, err)) ||
	    (ret = opt_str(a, req, "dtb", &dtb, err)) ||
	    (ret = opt_str(a, req, "cmdline", &p->cmdline, err)) ||
	    (ret = opt_str(a, req, "title", &title, err)))
		return ret;
	if ((ret = resolve_ref(d, a, kernel, &p->kernel, err)))
		return ret;
	if (dtb && (ret = resolve_ref(d, a, dtb, &p->dtb, err)))
		return ret;
	if (initrd && initrd->type == KB_JSTR) {
		struct kb_file *f = arena_alloc(a, sizeof(*f));

		if (!f || ptrv_push(a, &p->initrds, f))
			return *err = "out of memory", -ENOMEM;
		if ((ret = resolve_ref(d, a, initrd->str, f, err)))
			return ret;
	} else if (initrd && initrd->type == KB_JARR) {
		for (i = 0; i < initrd->n; i++) {
			struct kb_file *f = arena_alloc(a, sizeof(*f));

			if (initrd->item[i]->type != KB_JSTR) {
				*err = "\"initrd\" must be an array of strings";
				return -EINVAL;
			}
			if (!f || ptrv_push(a, &p->initrds, f))
				return *err = "out of memory", -ENOMEM;
			if ((ret = resolve_ref(d, a, initrd->item[i]->str, f, err)))
				return ret;
		}
	} else if (initrd && initrd->type != KB_JNULL) {
		*err = "\"initrd\" must be an array of strings";
		return -EINVAL;
	}
	if (!p->cmdline)
		p->cmdline = "";
	p->title = title ? title : "edited entry";
	return plan_check(a, p, err);
}

static int req_boot(struct kb_daemon *d, const struct kb_json *req, struct arena *a,
		    const char **err)
{
	const struct kb_entry *e;
	struct boot_plan p;
	const char *id, *title;
	int ret;

	if (d->booting) {
		*err = "a boot is already under way";
		return -EBUSY;
	}
	if (kb_json_get(req, "kernel"))
		ret = plan_from_files(d, req, a, &p, err);
	else if ((ret = opt_str(a, req, "id", &id, err)) ||
		 (ret = opt_str(a, req, "title", &title, err)))
		return ret;
	else if (id || title) {
		e = id ? entry_by_id(d, id) : entry_by_title(d, title);
		if (!e) {
			*err = id ? arena_printf(a, "no entry with id '%s'", id)
				  : arena_printf(a, "no entry titled '%s'", title);
			return -ENOENT;
		}
		ret = plan_from_entry(a, e, &p, err);
	} else {
		*err = "boot needs \"id\", \"title\" or \"kernel\"";
		return -EINVAL;
	}
	if (ret)
		return ret;
	return boot(d, a, &p, err);
}

/*
 * "complete": the file names that can replace "word" (complete.h), in a
 * successful reply's "matches".  Errors go through reply() as usual.
 */
static int req_complete(struct kb_daemon *d, struct kb_client *c, const struct kb_json *req,
			const struct kb_json *seq, struct arena *a, const char **err)
{
	const char *word, *fs;
	struct ptrv matches = { 0 };
	struct msg m;
	size_t i;
	int ret;

	if ((ret = opt_str(a, req, "word", &word, err)) || (ret = opt_str(a, req, "fs", &fs, err)))
		return ret;
	if (!word) {
		*err = "complete needs \"word\"";
		return -EINVAL;
	}
	if (d->scan && kb_complete(a, &d->scan->fs, word, fs, &matches)) {
		*err = "out of memory";
		return -ENOMEM;
	}
	if (!msg_open(&m, "reply"))
		return 0;
	fputs(",\"seq\":", m.f);
	seq_write(m.f, seq);
	fputs(",\"ok\":true,\"matches\":[", m.f);
	for (i = 0; i < matches.n; i++) {
		if (i)
			putc(',', m.f);
		kb_json_string(m.f, matches.v[i]);
	}
	putc(']', m.f);
	send_msg(c, &m);
	return 0;
}

static void client_request(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
			   struct arena *a, void *data)
{
	struct kb_daemon *d = data;
	const struct kb_json *seq = kb_json_get(req, "seq");
	const char *type = kb_json_get_str(req, "type");
	const char *err = NULL;

	if (seq && seq->type != KB_JNUM)
		seq = NULL;
	if (!type) {
		err = "a request needs a \"type\"";
	} else if (!strcmp(type, "boot")) {
		if (req_boot(d, req, a, &err) && !err)
			err = "cannot boot";
	} else if (!strcmp(type, "cancel")) {
		if (d->booting) {
			err = "a boot is already under way";
		} else if (d->cd == CD_RUNNING || !d->decided) {
			status(d, KB_STATUS_INFO, "countdown cancelled");
			countdown_stop(d);
		}
	} else if (!strcmp(type, "complete")) {
		if (!req_complete(d, c, req, seq, a, &err))
			return;
	} else if (!strcmp(type, "rescan")) {
		status(d, KB_STATUS_INFO, "rescanning every device");
		kb_devices_rescan(d->devs);
	} else {
		err = arena_printf(a, "unknown request type '%s'", type);
		if (!err)
			err = "unknown request type";
	}
	reply(c, seq, err);
}

static const struct kb_server_ops server_ops = {
	.connected = client_connected,
	.request = client_request,
};

/* ---- Signals: SIGTERM/SIGINT end `kboot daemon`'s loop cleanly ---- */

static int sig_pipe[2] = { -1, -1 }; /* self-pipe: the handler writes, the loop reads */
static pid_t sig_pid;
static struct kb_watch *sig_watch;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	/* A forked child (a probe) dies as it would without us, unnoticed. */
	if (getpid() != sig_pid) {
		signal(sig, SIG_DFL);
		raise(sig);
	} else if (write(sig_pipe[1], &c, 1) < 0) {
		/* The pipe is full: a signal is already pending. */
	}
	errno = saved;
}

static void signal_ready(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	char c = 0;

	if (read(fd, &c, 1) == 1) {
		fprintf(stderr, "kboot daemon: stopping: %s\n", strsignal(c));
		kb_loop_quit(l, 0);
	}
}

static int signals_init(struct kb_loop *l)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	signal(SIGPIPE, SIG_IGN);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	sig_pid = getpid();
	sig_watch = kb_loop_watch(l, sig_pipe[0], EPOLLIN, signal_ready, NULL);
	if (!sig_watch)
		return -ENOMEM;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return 0;
}

static void signals_free(struct kb_loop *l)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (sig_watch)
		kb_loop_unwatch(l, sig_watch);
	sig_watch = NULL;
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
	}
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* ---- Start and stop ---- */

void kb_daemon_free(struct kb_daemon *d)
{
	size_t i;

	if (!d)
		return;
	if (d->srv)
		kb_server_free(d->srv);
	d->srv = NULL;
	if (d->devs)
		kb_devices_free(d->devs);
	d->devs = NULL;
	if (d->rebuild)
		kb_loop_cancel(d->loop, d->rebuild);
	if (d->tick)
		kb_loop_cancel(d->loop, d->tick);
	if (d->quit)
		kb_loop_cancel(d->loop, d->quit);
	kb_scan_free(d->scan);
	for (i = 0; i < d->status_n; i++)
		free(d->status[(d->status_first + i) % KB_STATUS_KEEP].text);
	free(d->devices_msg);
	free(d->menu_msg);
	free(d->settings_msg);
	free(d->default_entry);
	free(d->cd_id);
	free(d->cd_title);
	free(d->told_default);
	free(d);
}

struct kb_daemon *kb_daemon_new(struct kb_loop *l, const struct kb_daemon_config *cfg)
{
	struct kb_devices_config dc = {
		.mount_root = cfg->mount_root ? cfg->mount_root : KB_MOUNT_ROOT,
		.uevent_socket = cfg->uevent_socket,
		.real = cfg->nsources == 0,
		.changed = devices_changed,
		.status = devices_status,
	};
	const char *path = cfg->socket_path ? cfg->socket_path : KB_SOCKET_PATH;
	struct kb_daemon *d = calloc(1, sizeof(*d));
	size_t i;
	int ret;

	if (!d) {
		fprintf(stderr, "kboot daemon: out of memory\n");
		return NULL;
	}
	d->cfg = cfg;
	d->loop = l;
	d->sources = cfg->nsources > 0;
	d->start = kb_loop_now(d->loop);
	settings_init(d);

	dc.data = d;
	d->devs = kb_devices_new(d->loop, &dc);
	if (!d->devs) {
		fprintf(stderr, "kboot daemon: cannot watch devices: %s\n", strerror(errno));
		goto fail;
	}
	for (i = 0; i < cfg->nsources; i++) {
		ret = kb_devices_add_source(d->devs, cfg->sources[i]);
		if (ret) {
			fprintf(stderr, "kboot daemon: %s: %s\n", cfg->sources[i], strerror(-ret));
			goto fail;
		}
	}

	/* The first menu before the socket exists: a client never sees less. */
	if (d->rebuild) {
		kb_loop_cancel(d->loop, d->rebuild);
		d->rebuild = NULL;
	}
	rebuild(d);
	if (!d->menu_msg || !d->devices_msg || !d->settings_msg) {
		fprintf(stderr, "kboot daemon: cannot build the first menu\n");
		goto fail;
	}
	d->srv = kb_server_new(d->loop, cfg->no_listen ? NULL : path, &server_ops, d);
	if (!d->srv) {
		fprintf(stderr, "kboot daemon: cannot listen on %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (!cfg->no_listen)
		status(d, KB_STATUS_INFO, "listening on %s (%s)", path,
		       d->sources ? "sources" : "block devices");
	return d;
fail:
	kb_daemon_free(d);
	return NULL;
}

int kb_daemon_adopt(struct kb_daemon *d, int fd)
{
	return kb_server_adopt(d->srv, fd);
}

int kb_daemon_run(const struct kb_daemon_config *cfg)
{
	struct kb_loop *l = kb_loop_new();
	struct kb_daemon *d;
	int ret;

	if (!l) {
		fprintf(stderr, "kboot daemon: cannot start the event loop: %s\n", strerror(errno));
		return 1;
	}
	ret = signals_init(l);
	if (ret) {
		fprintf(stderr, "kboot daemon: cannot watch signals: %s\n", strerror(-ret));
		signals_free(l);
		kb_loop_free(l);
		return 1;
	}
	d = kb_daemon_new(l, cfg);
	if (!d) {
		signals_free(l);
		kb_loop_free(l);
		return cfg->nsources ? 2 : 1;
	}
	ret = kb_loop_run(l);
	kb_daemon_free(d);
	signals_free(l);
	kb_loop_free(l);
	return ret;
}
