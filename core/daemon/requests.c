// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * requests.c - `kboot daemon`'s answers to clients' requests.
 *
 * What it does:
 *   - answers the requests of docs/protocol.md, each with a reply (a
 *     success only when the request carried "seq"): one table gives each
 *     request type its handler and says which are refused once a boot is
 *     under way.  Boot (an entry by id or title, or an edited entry's
 *     files), complete and rescan are handled here; the others in the file
 *     of the part they ask something of (cancel: autoboot.c, net and
 *     source: net.c, ssh: ssh.c, abort: fetch.c);
 *   - turns a request's files into a boot plan: a "NAME:/path" is
 *     normalised so it cannot leave its filesystem; a URL is a network
 *     file of its own.
 *
 * What it does not do: boot (boot.c does); decide when to autoboot
 * (autoboot.c does); send a new client the full state (daemon.c does).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config/complete.h"
#include "config/json.h"
#include "config/parser.h"
#include "config/scan.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/jsonparse.h"
#include "lib/jsonstr.h"
#include "lib/loop.h"
#include "net/fetch/fetch.h"
#include "proto/request.h"
#include "proto/server.h"

/* ---- Files ---- */

static const struct kb_fs *fs_by_name(const struct kb_daemon *d, const char *name, size_t n)
{
	size_t i;

	if (!d->menu.scan)
		return NULL;
	for (i = 0; i < d->menu.scan->fs.n; i++) {
		const struct kb_fs *fs = d->menu.scan->fs.v[i];

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
		snprintf(msg, sizeof(msg),
			 "'%s': an nfs:// URL names a filesystem; add it as a "
			 "source and boot its files",
			 ref);
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

/* ---- Requests ---- */

/* A request's "seq", echoed as its value (a number: dmn_client_request() checks). */
static void seq_write(FILE *f, const struct kb_json *seq)
{
	if (!seq)
		fputs("null", f);
	else
		kb_json_number(f, seq->num);
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
	return dmn_plan_check(a, p, err);
}

/* ---- The handlers of this file ---- */

/* "boot": an entry by "id" or "title", or an edited entry's files. */
static int req_boot(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	const struct kb_json *req = r->req;
	struct arena *a = r->a;
	const struct kb_entry *e;
	struct boot_plan p;
	const char *id, *title;
	int ret;

	if (dmn_fetch_waiting(d)) {
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
static int req_complete(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	struct arena *a = r->a;
	const char *word, *fs;
	struct ptrv matches = { 0 };
	struct msg m;
	size_t i;
	int ret;

	if ((ret = opt_str(a, r->req, "word", &word, err)) ||
	    (ret = opt_str(a, r->req, "fs", &fs, err)))
		return ret;
	if (!word) {
		*err = "complete needs \"word\"";
		return -EINVAL;
	}
	if (d->menu.scan && kb_complete(a, &d->menu.scan->fs, word, fs, &matches)) {
		*err = "out of memory";
		return -ENOMEM;
	}
	if (!dmn_msg_open(&m, "reply"))
		return 0;
	fputs(",\"seq\":", m.f);
	seq_write(m.f, r->seq);
	fputs(",\"ok\":true,\"matches\":[", m.f);
	for (i = 0; i < matches.n; i++) {
		if (i)
			putc(',', m.f);
		kb_json_string(m.f, matches.v[i]);
	}
	putc(']', m.f);
	dmn_send_msg(r->c, &m);
	return 0;
}

/* "rescan": every device is probed and read again. */
static int req_rescan(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	dmn_status(d, KB_STATUS_INFO, "rescanning every device");
	kb_devices_rescan(d->devs);
	return 0;
}

/* ---- The table ---- */

enum {
	REQ_NOT_BOOTING = 1 << 0, /* refused once a boot is under way */
	REQ_OWN_REPLY = 1 << 1,	  /* the handler sends its own successful reply */
};

/*
 * Every request the daemon answers (docs/protocol.md), by its type
 * (proto/request.h names them on the wire).  A new request is a type
 * there, a row here and a handler in the file of the part it asks
 * something of.
 */
static const struct request_type {
	dmn_request_fn *handle; /* 0, or -errno with *err */
	unsigned int flags;	/* REQ_* */
	const char *failed;	/* the error when the handler gives none, or NULL */
} request_types[KB_REQ_NTYPES] = {
	[KB_REQ_BOOT] = { req_boot, REQ_NOT_BOOTING, "cannot boot" },
	[KB_REQ_CANCEL] = { dmn_req_cancel, REQ_NOT_BOOTING, NULL },
	[KB_REQ_NET] = { dmn_req_net, REQ_NOT_BOOTING, "cannot configure the network" },
	[KB_REQ_SOURCE] = { dmn_req_source, REQ_NOT_BOOTING, "cannot add the source" },
	[KB_REQ_SSH] = { dmn_req_ssh, REQ_NOT_BOOTING, "cannot change the SSH server" },
	[KB_REQ_ABORT] = { dmn_req_abort, 0, NULL },
	[KB_REQ_COMPLETE] = { req_complete, REQ_OWN_REPLY, NULL },
	[KB_REQ_RESCAN] = { req_rescan, 0, NULL },
};

/* The row of the request called type, or NULL. */
static const struct request_type *request_type(const char *type)
{
	int t = kb_req_type_of(type);

	return t >= 0 && request_types[t].handle ? &request_types[t] : NULL;
}

void dmn_client_request(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
			struct arena *a, void *data)
{
	struct kb_daemon *d = data;
	struct dmn_request r = { .c = c, .req = req, .seq = kb_json_get(req, "seq"), .a = a };
	const char *type = kb_json_get_str(req, "type");
	const struct request_type *t = type ? request_type(type) : NULL;
	const char *err = NULL;

	if (r.seq && r.seq->type != KB_JNUM)
		r.seq = NULL;
	if (!type) {
		err = "a request needs a \"type\"";
	} else if (!t) {
		err = arena_printf(a, "unknown request type '%s'", type);
		if (!err)
			err = "unknown request type";
	} else if ((t->flags & REQ_NOT_BOOTING) && d->booting) {
		err = "a boot is already under way";
	} else if (t->handle(d, &r, &err)) {
		if (!err)
			err = t->failed;
	} else if (t->flags & REQ_OWN_REPLY) {
		return;
	}
	reply(c, r.seq, err);
}
