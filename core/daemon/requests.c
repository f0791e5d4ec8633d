// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * requests.c - `kboot daemon`'s answers to clients' requests, and
 * booting.
 *
 * What it does:
 *   - answers the requests of docs/protocol.md: boot (an entry by id or
 *     title, or an edited entry's "NAME:/path" files), cancel, complete and
 *     rescan, each with a reply (a success only when the request carried
 *     "seq");
 *   - turns an entry or a request's files into a boot plan whose files all
 *     exist, and boots it: "booting" to every client, the plan printed,
 *     then in a dry run the end of the loop (unless cfg->stay_after_boot),
 *     otherwise the "kexec is not available" status line.
 *
 * What it does not do: kexec (not in this build yet); let a client's path
 * leave its filesystem (paths are normalised); decide when to autoboot
 * (autoboot.c does); send a new client the full state (daemon.c
 * does).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/complete.h"
#include "config/json.h"
#include "config/parser.h"
#include "config/scan.h"
#include "daemon/private.h"
#include "daemon/kexec.h"
#include "devices/devices.h"
#include "lib/jsonparse.h"
#include "lib/loop.h"
#include "net/fetch/fetch.h"
#include "proto/server.h"

/* ---- Files ---- */

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
 * A URL given as a file: a network filesystem of its own whose url is
 * "scheme://authority" and the rest its path (not normalised: it is the
 * server's business).  0, or -errno with *err.
 */
static int url_ref(struct arena *a, const char *ref, struct kb_file *out, const char **err)
{
	static struct kb_url u; /* large */
	char msg[512];
	const char *path;
	struct kb_fs *fs;
	int ret = kb_url_parse(ref, &u, msg, sizeof(msg));

	if (!ret && (u.scheme == KB_URL_NFS)) {
		snprintf(msg, sizeof(msg), "'%s': an nfs:// URL names a filesystem; add it as a "
			 "source and boot its files", ref);
		ret = -EINVAL;
	}
	if (ret) {
		*err = arena_strdup(a, msg);
		return ret;
	}
	path = strstr(ref, "://") + 3;
	path += strcspn(path, "/?#");
	fs = arena_alloc(a, sizeof(*fs));
	if (!fs || !(fs->url = arena_strndup(a, ref, (size_t)(path - ref))) ||
	    !(out->path = arena_strdup(a, *path == '/' ? path : "/"))) {
		*err = "out of memory";
		return -ENOMEM;
	}
	fs->name = "url";
	fs->rootfd = -1;
	fs->disk = -1;
	out->fs = fs;
	return 0;
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

	if (colon && !strncmp(colon, "://", 3))
		return url_ref(a, ref, out, err);

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

static int check_file(struct arena *a, const struct kb_file *f, const char *what, const char **err)
{
	if (f->fs && (f->fs->url || kb_is_file(f->fs, f->path)))
		return 0;
	*err = arena_printf(a, "%s %s is not there", what, kb_file_str(a, f));
	return -ENOENT;
}

/* ---- Boot plans ---- */

/* Every file of the plan exists as a regular file.  0 or -ENOENT with *err. */
static int plan_check(struct arena *a, const struct boot_plan *p, const char **err)
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

/* A plan from a menu entry; 0 or -errno with *err. */
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
	return plan_check(a, p, err);
}

/* ---- Booting ---- */

/* The command line of a plan's i-th module, "" when none. */
static const char *plan_modargs(const struct boot_plan *p, size_t i)
{
	return i < p->modargs.n ? p->modargs.v[i] : "";
}

/* One "key value" line of the plan; newlines in values become spaces. */
static void plan_line(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%s ", key);
	for (; val && *val; val++)
		putc(*val == '\n' || *val == '\r' ? ' ' : *val, f);
	putc('\n', f);
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

	d->quit = NULL;
	kb_loop_quit(l, 0);
}

/*
 * Boot a validated plan: tell every client, print the plan, then leave
 * (sources mode) or say that kexec is not here yet (real devices).
 * 0 when the boot is under way, or -errno with *err.
 */
/*
 * Load the plan's files for the jump: opened inside their filesystems (a
 * symlink cannot lead out), handed to kexec.c.  0, or -errno with *err.
 */
static int load(struct kb_daemon *d, struct arena *a, const struct boot_plan *p,
		const char **err)
{
	int fds[64], kernel, dtb = -1, ret;
	const char *modargs[64];
	struct kb_kexec k = { .cmdline = p->cmdline, .multiboot = p->multiboot, .initrds = fds,
			      .modargs = modargs, .tools = d->kexec_tools };
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

	d->quit = NULL;
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

	if (d->tick) {
		kb_loop_cancel(d->loop, d->tick);
		d->tick = NULL;
	}
	if (d->cd == CD_RUNNING) {
		d->cd = CD_STOPPED;
		d->decided = true;
		dmn_countdown_push(d);
	}
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
		dmn_json_key_str(m.f, "dtb", p->dtb.fs ? plan_name(a, p, p->initrds.n + 1, &p->dtb)
						      : NULL);
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
	d->quit = kb_loop_timer(d->loop, d->cfg->dry_run ? 50 : KB_JUMP_DELAY_MS,
				d->cfg->dry_run ? quit_now : jump_now, d);
	if (!d->quit) {
		if (d->cfg->dry_run)
			kb_loop_quit(d->loop, 0);
		else
			jump_now(d->loop, d);
	}
	return 0;
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
	if (!dmn_msg_open(&m, "reply"))
		return;
	fputs(",\"seq\":", m.f);
	seq_write(m.f, seq);
	fprintf(m.f, ",\"ok\":%s", error ? "false" : "true");
	if (error)
		dmn_json_key_str(m.f, "error", error);
	dmn_send_msg(c, &m);
}

/* A request member that must be a string when present; -EINVAL otherwise. */
static int opt_str(struct arena *a, const struct kb_json *req, const char *key, const char **out,
		   const char **err)
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

/*
 * "multiboot": true makes the initrds multiboot modules, "module_args" their
 * command lines (strings, at most one per initrd).  0 or -EINVAL with *err.
 */
static int modules_from_request(const struct kb_json *req, struct arena *a, struct boot_plan *p,
				const char **err)
{
	const struct kb_json *mb = kb_json_get(req, "multiboot");
	const struct kb_json *args = kb_json_get(req, "module_args");
	size_t i;

	if (mb && mb->type != KB_JNULL && mb->type != KB_JBOOL) {
		*err = "\"multiboot\" must be true or false";
		return -EINVAL;
	}
	p->multiboot = mb && mb->type == KB_JBOOL && mb->b;
	if (!args || args->type == KB_JNULL)
		return 0;
	if (!p->multiboot) {
		*err = "\"module_args\" needs \"multiboot\": true";
		return -EINVAL;
	}
	if (args->type != KB_JARR || args->n > p->initrds.n) {
		*err = "\"module_args\" must be an array of strings, at most one per initrd";
		return -EINVAL;
	}
	for (i = 0; i < args->n; i++) {
		if (args->item[i]->type != KB_JSTR) {
			*err = "\"module_args\" must be an array of strings, at most one per "
			       "initrd";
			return -EINVAL;
		}
		if (ptrv_push(a, &p->modargs, (void *)args->item[i]->str))
			return *err = "out of memory", -ENOMEM;
	}
	return 0;
}

/*
 * A plan from "kernel", "initrd", "dtb", "cmdline" and for a multiboot kernel
 * "multiboot", "module_args" (an edited entry).
 */
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
	if ((ret = modules_from_request(req, a, p, err)))
		return ret;
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
	if (d->pending) {
		*err = "a boot is waiting for its downloads (abort it first)";
		return -EBUSY;
	}
	if (kb_json_get(req, "kernel"))
		ret = plan_from_files(d, req, a, &p, err);
	else if ((ret = opt_str(a, req, "id", &id, err)) ||
		 (ret = opt_str(a, req, "title", &title, err)))
		return ret;
	else if (id || title) {
		e = id ? dmn_entry_by_id(d, id) : dmn_entry_by_title(d, title);
		if (!e) {
			*err = id ? arena_printf(a, "no entry with id '%s'", id)
				  : arena_printf(a, "no entry titled '%s'", title);
			return -ENOENT;
		}
		ret = dmn_plan_from_entry(a, e, &p, err);
	} else {
		*err = "boot needs \"id\", \"title\" or \"kernel\"";
		return -EINVAL;
	}
	if (ret)
		return ret;
	return dmn_boot(d, a, &p, err);
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
	if (!dmn_msg_open(&m, "reply"))
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
	dmn_send_msg(c, &m);
	return 0;
}

void dmn_client_request(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
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
			dmn_status(d, KB_STATUS_INFO, "countdown cancelled");
			dmn_countdown_stop(d);
		}
	} else if (!strcmp(type, "net")) {
		if (d->booting)
			err = "a boot is already under way";
		else if (dmn_req_net(d, req, a, &err) && !err)
			err = "cannot configure the network";
	} else if (!strcmp(type, "source")) {
		if (d->booting)
			err = "a boot is already under way";
		else if (dmn_req_source(d, req, a, &err) && !err)
			err = "cannot add the source";
	} else if (!strcmp(type, "ssh")) {
		if (d->booting)
			err = "a boot is already under way";
		else if (dmn_ssh_req(d, req, &err) && !err)
			err = "cannot change the SSH server";
	} else if (!strcmp(type, "abort")) {
		dmn_fetch_abort(d, &err);
	} else if (!strcmp(type, "complete")) {
		if (!req_complete(d, c, req, seq, a, &err))
			return;
	} else if (!strcmp(type, "rescan")) {
		dmn_status(d, KB_STATUS_INFO, "rescanning every device");
		kb_devices_rescan(d->devs);
	} else {
		err = arena_printf(a, "unknown request type '%s'", type);
		if (!err)
			err = "unknown request type";
	}
	reply(c, seq, err);
}
