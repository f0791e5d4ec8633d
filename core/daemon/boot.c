// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot.c - `kboot daemon`'s boot: the plan, the load, the jump.
 *
 * What it does:
 *   - turns a menu entry into a boot plan whose files all exist;
 *   - boots a plan: a plan with network files waits for its downloads
 *     first (fetch.c); otherwise the plan is printed (cfg->plan), the files
 *     are opened inside their filesystems and loaded (kexec.c), "booting"
 *     goes to every client, and then, through the loop so every UI leaves
 *     curses first, the jump - or in a dry run the end of the loop (unless
 *     cfg->stay_after_boot).
 *
 * What it does not do: talk to kexec itself (kexec.c does), turn a
 * request's files into a plan (requests.c does), decide when to autoboot
 * (autoboot.c does).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/json.h"
#include "config/parser.h"
#include "daemon/kexec.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/loop.h"
#include "lib/text.h"
#include "proto/server.h"

/* ---- Files ---- */

/*
 * The file on the host, for the plan (arena-owned): the one kboot checked
 * and loads, opened inside its filesystem and named by the kernel - so a
 * symlink shows where it really led (an absolute one stays inside the
 * filesystem).  Its lexical name when it cannot be opened.
 */
static const char *host_path(struct arena *a, const struct kb_file *f)
{
	char link[64], real[4096];
	ssize_t n = -1;
	int fd;

	if (!f->fs)
		return NULL;
	fd = kb_open(f->fs, f->path);
	if (fd >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, real, sizeof(real) - 1);
		close(fd);
	}
	if (n > 0 && (size_t)n < sizeof(real) - 1) {
		real[n] = '\0';
		return arena_strdup(a, real);
	}
	if (!strcmp(f->path, "/"))
		return f->fs->root;
	return arena_printf(a, "%s%s", strcmp(f->fs->root, "/") ? f->fs->root : "", f->path);
}

static int check_file(struct arena *a, const struct kb_file *f, const char *what, const char **err)
{
	if (f->fs && (f->fs->url || kb_is_file(f->fs, f->path)))
		return 0;
	*err = arena_printf(a, "%s %s is not there", what, kb_file_str(a, f));
	return -ENOENT;
}

/* ---- Boot plans ---- */

int dmn_plan_check(struct arena *a, const struct boot_plan *p, const char **err)
{
	size_t i;

	if (check_file(a, &p->kernel, "the kernel", err))
		return -ENOENT;
	for (i = 0; i < p->initrds.n; i++)
		if (check_file(a, p->initrds.v[i], p->multiboot ? "the module" : "the initrd", err))
			return -ENOENT;
	if (p->dtb.fs && check_file(a, &p->dtb, "the device tree", err))
		return -ENOENT;
	return 0;
}

int dmn_plan_from_entry(struct arena *a, const struct kb_entry *e, struct boot_plan *p,
			const char **err)
{
	memset(p, 0, sizeof(*p));
	if (!e->available) {
		*err = arena_printf(a, "entry '%s' cannot be booted: %s", e->id,
				    e->reason ? e->reason : "not available");
		return -EINVAL;
	}
	p->entry = e->id;
	p->title = dmn_entry_name(e);
	p->kernel = e->kernel;
	p->initrds = e->initrds;
	p->modargs = e->modargs;
	p->dtb = e->dtb;
	p->cmdline = e->cmdline ? e->cmdline : "";
	p->multiboot = e->type == KB_MULTIBOOT;
	return dmn_plan_check(a, p, err);
}

/* ---- Booting ---- */

/* The command line of a plan's i-th module, "" when none. */
static const char *plan_modargs(const struct boot_plan *p, size_t i)
{
	return i < p->modargs.n ? p->modargs.v[i] : "";
}

/*
 * One "key value" line of the plan: a URL's password hidden, newlines as
 * spaces, nothing a terminal would obey (lib/text.h).
 */
static void plan_line(FILE *f, const char *key, const char *val)
{
	char *shown = kb_redact_urls(val ? val : "");

	fprintf(f, "%s ", key);
	kb_text_write(f, shown ? shown : "(out of memory)");
	putc('\n', f);
	free(shown);
}

/* What people call the plan's i-th file (kernel, initrds, dtb): its URL or NAME:/path. */
static const char *plan_name(struct arena *a, const struct boot_plan *p, size_t i,
			     const struct kb_file *f)
{
	if (p->urls && p->urls[i])
		return p->urls[i];
	return kb_file_str(a, f);
}

static void plan_write(FILE *f, struct arena *a, const struct boot_plan *p)
{
	size_t i, n = p->initrds.n;

	plan_line(f, "entry", p->entry ? p->entry : "-");
	plan_line(f, "title", p->title);
	if (p->multiboot)
		plan_line(f, "type", "multiboot");
	plan_line(f, "kernel", plan_name(a, p, 0, &p->kernel));
	plan_line(f, "kernel-file", host_path(a, &p->kernel));
	for (i = 0; i < n; i++) {
		plan_line(f, "initrd", plan_name(a, p, i + 1, p->initrds.v[i]));
		plan_line(f, "initrd-file", host_path(a, p->initrds.v[i]));
		if (p->multiboot)
			plan_line(f, "module-args", plan_modargs(p, i));
	}
	if (p->dtb.fs) {
		plan_line(f, "dtb", plan_name(a, p, n + 1, &p->dtb));
		plan_line(f, "dtb-file", host_path(a, &p->dtb));
	}
	plan_line(f, "cmdline", p->cmdline);
	fflush(f);
}

static void quit_now(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->boot.quit = NULL;
	kb_loop_quit(l, 0);
}

/*
 * Load the plan's files for the jump: opened inside their filesystems (a
 * symlink cannot lead out), handed to kexec.c.  0, or -errno with *err.
 */
static int load(struct kb_daemon *d, struct arena *a, const struct boot_plan *p, const char **err)
{
	int fds[64], kernel, dtb = -1, ret;
	const char *modargs[64];
	struct kb_kexec k = { .cmdline = p->cmdline,
			      .multiboot = p->multiboot,
			      .initrds = fds,
			      .modargs = modargs,
			      .tools = d->set.kexec_tools };
	char msg[512];
	size_t i;

	if (p->initrds.n > 64) {
		*err = "more than 64 initrds";
		return -E2BIG;
	}
	kernel = kb_open(p->kernel.fs, p->kernel.path);
	if (kernel < 0) {
		*err = arena_printf(a, "cannot open the kernel %s: %s", kb_file_str(a, &p->kernel),
				    strerror(-kernel));
		return kernel;
	}
	for (i = 0, ret = 0; i < p->initrds.n && !ret; i++) {
		const struct kb_file *f = p->initrds.v[i];

		modargs[i] = plan_modargs(p, i);
		fds[i] = kb_open(f->fs, f->path);
		if (fds[i] < 0) {
			ret = fds[i];
			*err = arena_printf(a, "cannot open the %s %s: %s",
					    p->multiboot ? "module" : "initrd", kb_file_str(a, f),
					    strerror(-ret));
		} else {
			k.ninitrds++;
		}
	}
	if (!ret && p->dtb.fs) {
		dtb = kb_open(p->dtb.fs, p->dtb.path);
		if (dtb < 0) {
			ret = dtb;
			*err = arena_printf(a, "cannot open the device tree: %s", strerror(-ret));
		}
	}
	if (!ret) {
		k.kernel = kernel;
		k.dtb = dtb;
		dmn_status(d, KB_STATUS_INFO, "loading '%s'", p->title);
		ret = kb_kexec_load(&k, msg, sizeof(msg));
		if (ret)
			*err = arena_printf(a, "cannot boot '%s': %s", p->title, msg);
	}
	close(kernel);
	for (i = 0; i < k.ninitrds; i++)
		close(fds[i]);
	if (dtb >= 0)
		close(dtb);
	return ret;
}

/*
 * The jump, once every client was told: close the clients, stop probes
 * and unmount every device (kb_devices_free), then reboot into the
 * loaded kernel.  If that fails, say so on stderr (the console) and leave
 * the loop: /init restarts the daemon.
 */
static void jump_now(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;
	int ret;

	d->boot.quit = NULL;
	dmn_ssh_stop(d);
	kb_server_free(d->srv);
	d->srv = NULL;
	kb_devices_free(d->devs);
	d->devs = NULL;
	ret = kb_kexec_jump();
	fprintf(stderr, "kboot: the jump into the new kernel failed: %s\n", strerror(-ret));
	kb_kexec_unload();
	kb_loop_quit(l, 1);
}

int dmn_boot(struct kb_daemon *d, struct arena *a, const struct boot_plan *p, const char **err)
{
	struct msg m;
	size_t i;
	int ret;

	dmn_countdown_end(d);
	if (dmn_plan_is_remote(p))
		return dmn_fetch_plan(d, a, p, err);
	if (d->cfg->plan)
		plan_write(d->cfg->plan, a, p);
	/* A real boot is loaded first: a kernel that cannot be loaded is a
	 * sentence in the menu, and every other entry still boots. */
	if (!d->cfg->dry_run && (ret = load(d, a, p, err))) {
		dmn_status(d, KB_STATUS_ERROR, "%s", *err);
		return ret;
	}
	if (dmn_msg_open(&m, "booting")) {
		dmn_json_key_str(m.f, "entry", p->entry);
		dmn_json_key_str(m.f, "title", p->title);
		dmn_json_key_str(m.f, "kernel", plan_name(a, p, 0, &p->kernel));
		fputs(",\"initrd\":[", m.f);
		for (i = 0; i < p->initrds.n; i++) {
			if (i)
				putc(',', m.f);
			kb_json_string(m.f, plan_name(a, p, i + 1, p->initrds.v[i]));
		}
		putc(']', m.f);
		if (p->multiboot) {
			fputs(",\"multiboot\":true,\"module_args\":[", m.f);
			for (i = 0; i < p->initrds.n; i++) {
				if (i)
					putc(',', m.f);
				kb_json_string(m.f, plan_modargs(p, i));
			}
			putc(']', m.f);
		}
		dmn_json_key_str(m.f, "dtb",
				 p->dtb.fs ? plan_name(a, p, p->initrds.n + 1, &p->dtb) : NULL);
		dmn_json_key_str(m.f, "cmdline", p->cmdline);
		dmn_broadcast(d, &m);
	}
	dmn_status(d, KB_STATUS_INFO, "booting '%s': %s", p->title, plan_name(a, p, 0, &p->kernel));
	d->booting = true;
	if (d->cfg->dry_run && d->cfg->stay_after_boot)
		return 0; /* kboot menu: its UI ends the loop */
	/*
	 * Leave (dry run) or jump through the loop, so the clients' queues
	 * get written and every UI leaves curses before the sockets close.
	 */
	d->boot.quit = kb_loop_timer(d->loop, d->cfg->dry_run ? 50 : KB_JUMP_DELAY_MS,
				     d->cfg->dry_run ? quit_now : jump_now, d);
	if (!d->boot.quit) {
		if (d->cfg->dry_run)
			kb_loop_quit(d->loop, 0);
		else
			jump_now(d->loop, d);
	}
	return 0;
}

void dmn_boot_autoboot(struct kb_daemon *d, const char *id, const char *title)
{
	const struct kb_entry *e = dmn_entry_by_id(d, id);
	struct boot_plan p;
	struct arena *a = arena_new();
	const char *err = NULL;

	if (!a) {
		dmn_status(d, KB_STATUS_ERROR, "autoboot: out of memory");
	} else if (!e) {
		dmn_status(d, KB_STATUS_ERROR, "autoboot: '%s' is gone", title);
	} else if (dmn_plan_from_entry(a, e, &p, &err)) {
		dmn_status(d, KB_STATUS_ERROR, "autoboot of '%s' failed: %s", dmn_entry_name(e),
			   err);
	} else {
		dmn_boot(d, a, &p, &err); /* a failure has its own status line */
	}
	arena_free(a);
}

void dmn_boot_free(struct kb_daemon *d)
{
	if (d->boot.quit)
		kb_loop_cancel(d->loop, d->boot.quit);
	d->boot.quit = NULL;
}
