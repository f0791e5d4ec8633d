// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * request.c - the builders of request.h: each request's members written as
 * JSON in one place, and sent through client.c.
 *
 * The members come out in a fixed order with no spaces, so a request is
 * the same bytes every time (the unit test compares them).
 */
#include <errno.h>
#include <string.h>

#include "lib/jsonstr.h"
#include "proto/client.h"
#include "proto/request.h"

static const char *const names[KB_REQ_NTYPES] = {
	[KB_REQ_BOOT] = "boot",	  [KB_REQ_CANCEL] = "cancel",	  [KB_REQ_RESCAN] = "rescan",
	[KB_REQ_ABORT] = "abort", [KB_REQ_SSH] = "ssh",		  [KB_REQ_SOURCE] = "source",
	[KB_REQ_NET] = "net",	  [KB_REQ_COMPLETE] = "complete",
};

const char *kb_req_name(enum kb_req_type t)
{
	return (unsigned)t < KB_REQ_NTYPES ? names[t] : NULL;
}

int kb_req_type_of(const char *name)
{
	int t;

	for (t = 0; name && t < KB_REQ_NTYPES; t++)
		if (!strcmp(names[t], name))
			return t;
	return -ENOENT;
}

/* ---- Writing members ---- */

static void begin(struct kb_req *r, enum kb_req_type t)
{
	r->type = t;
	r->members = (struct strbuf)STRBUF_INIT;
}

/* ,"key":"value" (null when value is NULL) */
static void add_str(struct kb_req *r, const char *key, const char *value)
{
	sb_printf(&r->members, ",\"%s\":", key);
	kb_sb_json_string(&r->members, value);
}

/* ,"key":["v0","v1"...] */
static void add_strv(struct kb_req *r, const char *key, const char *const *v, size_t n)
{
	size_t i;

	sb_printf(&r->members, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i)
			sb_addc(&r->members, ',');
		kb_sb_json_string(&r->members, v[i]);
	}
	sb_addc(&r->members, ']');
}

/* A request that failed to build: empty, and no type, so it cannot be sent. */
static int failed(struct kb_req *r, int err)
{
	kb_req_release(r);
	r->type = KB_REQ_NTYPES;
	return err;
}

/* The builder's result: 0, or -ENOMEM. */
static int end(struct kb_req *r)
{
	return r->members.oom ? failed(r, -ENOMEM) : 0;
}

/* -EINVAL, for a required member that is missing. */
static int missing(struct kb_req *r)
{
	begin(r, KB_REQ_NTYPES);
	return -EINVAL;
}

/* A request with one required string member. */
static int one_str(struct kb_req *r, enum kb_req_type t, const char *key, const char *value)
{
	if (!value)
		return missing(r);
	begin(r, t);
	add_str(r, key, value);
	return end(r);
}

/* ---- Builders ---- */

int kb_req_boot_id(struct kb_req *r, const char *id)
{
	return one_str(r, KB_REQ_BOOT, "id", id);
}

int kb_req_boot_title(struct kb_req *r, const char *title)
{
	return one_str(r, KB_REQ_BOOT, "title", title);
}

int kb_req_boot_files(struct kb_req *r, const struct kb_req_files *f)
{
	size_t i;

	if (!f->kernel || (f->nmodule_args && !f->multiboot) || f->nmodule_args > f->ninitrd)
		return missing(r);
	for (i = 0; i < f->ninitrd; i++)
		if (!f->initrd[i])
			return missing(r);
	for (i = 0; i < f->nmodule_args; i++)
		if (!f->module_args[i])
			return missing(r);
	begin(r, KB_REQ_BOOT);
	if (f->title)
		add_str(r, "title", f->title);
	add_str(r, "kernel", f->kernel);
	add_strv(r, "initrd", f->initrd, f->ninitrd);
	if (f->multiboot) {
		sb_adds(&r->members, ",\"multiboot\":true");
		add_strv(r, "module_args", f->module_args, f->nmodule_args);
	}
	add_str(r, "dtb", f->dtb);
	add_str(r, "cmdline", f->cmdline ? f->cmdline : "");
	return end(r);
}

int kb_req_cancel(struct kb_req *r)
{
	begin(r, KB_REQ_CANCEL);
	return 0;
}

int kb_req_rescan(struct kb_req *r)
{
	begin(r, KB_REQ_RESCAN);
	return 0;
}

int kb_req_abort(struct kb_req *r)
{
	begin(r, KB_REQ_ABORT);
	return 0;
}

int kb_req_ssh(struct kb_req *r, bool on)
{
	begin(r, KB_REQ_SSH);
	sb_adds(&r->members, on ? ",\"on\":true" : ",\"on\":false");
	return end(r);
}

int kb_req_source_url(struct kb_req *r, const char *url)
{
	return one_str(r, KB_REQ_SOURCE, "url", url);
}

int kb_req_source_pxe(struct kb_req *r, const char *iface)
{
	return one_str(r, KB_REQ_SOURCE, "pxe", iface);
}

/* "net" for one interface and a mode; the caller adds a static address. */
static int net_mode(struct kb_req *r, const char *iface, const char *mode)
{
	if (!iface)
		return missing(r);
	begin(r, KB_REQ_NET);
	add_str(r, "iface", iface);
	add_str(r, "mode", mode);
	return end(r);
}

int kb_req_net_dhcp(struct kb_req *r, const char *iface)
{
	return net_mode(r, iface, "dhcp");
}

int kb_req_net_none(struct kb_req *r, const char *iface)
{
	return net_mode(r, iface, "none");
}

int kb_req_net_static(struct kb_req *r, const char *iface, const struct kb_req_static *s)
{
	size_t i;
	int ret;

	if (!s->address)
		return missing(r);
	for (i = 0; i < s->ndns; i++)
		if (!s->dns[i])
			return missing(r);
	ret = net_mode(r, iface, "static");
	if (ret)
		return ret;
	add_str(r, "address", s->address);
	sb_printf(&r->members, ",\"prefix\":%d", s->prefix);
	if (s->gateway)
		add_str(r, "gateway", s->gateway);
	add_strv(r, "dns", s->dns, s->ndns);
	return end(r);
}

int kb_req_complete(struct kb_req *r, const char *word, const char *fs)
{
	int ret = one_str(r, KB_REQ_COMPLETE, "word", word);

	if (ret)
		return ret;
	add_str(r, "fs", fs);
	return end(r);
}

void kb_req_release(struct kb_req *r)
{
	sb_release(&r->members);
}

/* ---- Sending ---- */

int kb_conn_send_req(struct kb_conn *c, const struct kb_req *r, int timeout_ms)
{
	const char *name = kb_req_name(r->type);

	if (!name || r->members.oom)
		return -EINVAL;
	return kb_conn_request(c, name, sb_str(&r->members), timeout_ms);
}
