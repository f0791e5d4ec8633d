// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net.c - the daemon's network (net.h) and its "network" message.
 *
 * With real devices the daemon configures the network as kboot.net= says
 * (DHCP on every interface by default) and pushes the interfaces' state to
 * every client whenever it changes; the "net" request reconfigures one
 * interface (the network wizard).  With --source directories (tests,
 * `kboot menu`) the host's network is never touched.
 *
 * Network sources (remote.h) start here too: a PXE source for each
 * interface whose lease asks for one (a boot file or option 209), made
 * again when the lease changes and removed when the interface goes down;
 * kboot.url='s config once an interface is up; and the "source" request.
 *
 * Not here: fetching (the device list's probe children do it), booting
 * from the network (fetch.c), the SSH server (ssh.c: it follows the
 * interfaces through the changed hook, which daemon.c points at it).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/json.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/jsonparse.h"
#include "net/net.h"
#include "net/remote.h"

static const char *const mode_names[] = { "none", "dhcp", "static" };
static const char *const state_names[] = { "down", "configuring", "up", "failed" };

static const char *opt_text(const char *s)
{
	return s && *s ? s : NULL;
}

/* The "network" message: every interface and its state.  0 or -ENOMEM. */
static int network_build(struct kb_daemon *d, struct msg *m)
{
	size_t i, k, n = d->net.ifaces ? kb_net_count(d->net.ifaces) : 0;

	if (!dmn_msg_open(m, "network"))
		return -ENOMEM;
	fputs(",\"interfaces\":[", m->f);
	for (i = 0; i < n; i++) {
		const struct kb_iface *x = kb_net_at(d->net.ifaces, i);

		fputs(i ? ",{" : "{", m->f);
		fputs("\"name\":", m->f);
		kb_json_string(m->f, x->name);
		dmn_json_key_str(m->f, "mac", opt_text(x->mac));
		fprintf(m->f, ",\"carrier\":%s", x->carrier ? "true" : "false");
		dmn_json_key_str(m->f, "mode", mode_names[x->mode]);
		dmn_json_key_str(m->f, "state", state_names[x->state]);
		dmn_json_key_str(m->f, "address", opt_text(x->addr));
		fprintf(m->f, ",\"prefix\":%d", x->prefix);
		dmn_json_key_str(m->f, "gateway", opt_text(x->gateway));
		fputs(",\"dns\":[", m->f);
		for (k = 0; k < KB_NET_DNS && x->dns[k][0]; k++) {
			if (k)
				putc(',', m->f);
			kb_json_string(m->f, x->dns[k]);
		}
		putc(']', m->f);
		dmn_json_key_str(m->f, "domain", opt_text(x->domain));
		dmn_json_key_str(m->f, "server", opt_text(x->server));
		dmn_json_key_str(m->f, "tftp", opt_text(x->tftp));
		dmn_json_key_str(m->f, "bootfile", opt_text(x->bootfile));
		dmn_json_key_str(m->f, "pxe_config", opt_text(x->pxe_config));
		dmn_json_key_str(m->f, "pxe_prefix", opt_text(x->pxe_prefix));
		dmn_json_key_str(m->f, "reason", opt_text(x->reason));
		putc('}', m->f);
	}
	putc(']', m->f);
	return dmn_msg_close(m);
}

/* ---- Network sources ---- */

/* The machine's UUID, as pxelinux writes it (lower case), or NULL. */
static const char *machine_uuid(char *buf, size_t len)
{
	FILE *f = fopen("/sys/class/dmi/id/product_uuid", "re");
	size_t i;

	if (!f)
		return NULL;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	for (i = 0; buf[i]; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return buf[0] ? buf : NULL;
}

/* Add (or make again) the PXE source of interface x. */
static int pxe_add(struct kb_daemon *d, const struct kb_iface *x, char *err, size_t errlen)
{
	struct arena *a = arena_new();
	struct kb_remote r;
	char uuid[64];
	int ret;

	if (!a)
		return -ENOMEM;
	ret = kb_remote_pxe(a, x, machine_uuid(uuid, sizeof(uuid)), &r, err, errlen);
	if (!ret)
		ret = kb_devices_add_remote(d->devs, x->name, &r);
	if (ret == -EEXIST)
		snprintf(err, errlen, "%s: a device of that name exists", x->name);
	arena_free(a);
	return ret;
}

static struct pxe_seen *pxe_find(struct kb_daemon *d, const char *iface)
{
	size_t i;

	for (i = 0; i < d->net.npxe; i++)
		if (!strcmp(d->net.pxe[i].iface, iface))
			return &d->net.pxe[i];
	return NULL;
}

/* What of a lease a PXE source is made from: a new lease that differs here makes it again. */
static void lease_key(const struct kb_iface *x, char *key, size_t len)
{
	snprintf(key, len, "%s|%s|%s|%s|%s|%s", x->addr, x->server, x->tftp, x->bootfile,
		 x->pxe_config, x->pxe_prefix);
}

/* Remember that x's PXE source was made from its current lease. */
static void pxe_remember(struct kb_daemon *d, const struct kb_iface *x, bool manual)
{
	struct pxe_seen *seen = pxe_find(d, x->name);

	if (!seen && d->net.npxe < sizeof(d->net.pxe) / sizeof(d->net.pxe[0]))
		seen = &d->net.pxe[d->net.npxe++];
	if (!seen)
		return;
	snprintf(seen->iface, sizeof(seen->iface), "%s", x->name);
	lease_key(x, seen->key, sizeof(seen->key));
	seen->manual = manual;
}

/* Every interface's PXE source in line with its lease. */
static void pxe_update(struct kb_daemon *d)
{
	char key[sizeof(d->net.pxe[0].key)], err[512];
	struct pxe_seen *seen;
	size_t i;

	for (i = 0; d->net.ifaces && i < kb_net_count(d->net.ifaces); i++) {
		const struct kb_iface *x = kb_net_at(d->net.ifaces, i);
		bool want;

		lease_key(x, key, sizeof(key));
		seen = pxe_find(d, x->name);
		want = x->state == KB_NET_UP &&
		       (kb_remote_lease_wants_pxe(x) || (seen && seen->manual));
		if (seen && (!want || strcmp(seen->key, key))) {
			kb_devices_remove_remote(d->devs, x->name);
			*seen = d->net.pxe[--d->net.npxe];
			seen = NULL;
		}
		if (!want || seen || d->net.npxe == sizeof(d->net.pxe) / sizeof(d->net.pxe[0]))
			continue;
		if (pxe_add(d, x, err, sizeof(err))) {
			dmn_status(d, KB_STATUS_WARNING, "PXE: %s", err);
			continue;
		}
		pxe_remember(d, x, false);
	}
}

/* Add a config or NFS source for url, named "url1", "url2"... */
static int url_add(struct kb_daemon *d, const char *url, char *name, size_t namelen, char *err,
		   size_t errlen)
{
	struct arena *a = arena_new();
	struct kb_remote r;
	int ret;

	if (!a)
		return -ENOMEM;
	ret = kb_remote_from_url(a, url, &r, err, errlen);
	if (!ret) {
		snprintf(name, namelen, "%s%u", r.kind == KB_REMOTE_NFS ? "nfs" : "url",
			 ++d->net.nsources);
		ret = kb_devices_add_remote(d->devs, name, &r);
		if (ret)
			snprintf(err, errlen, "%s: %s", url, strerror(-ret));
	}
	arena_free(a);
	return ret;
}

bool dmn_network_up(const struct kb_daemon *d)
{
	size_t i;

	for (i = 0; d->net.ifaces && i < kb_net_count(d->net.ifaces); i++)
		if (kb_net_at(d->net.ifaces, i)->state == KB_NET_UP)
			return true;
	return false;
}

void dmn_url_update(struct kb_daemon *d)
{
	char name[32], err[512];

	if (!d->set.url || d->net.url_added || !d->devs)
		return;
	if (d->net.ifaces && !dmn_network_up(d) && strncasecmp(d->set.url, "file:", 5))
		return;
	d->net.url_added = true;
	if (url_add(d, d->set.url, name, sizeof(name), err, sizeof(err)))
		dmn_status(d, KB_STATUS_WARNING, "kboot.url=%s", err);
}

int dmn_req_source(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	const struct kb_json *req = r->req;
	struct arena *a = r->a;
	const char *url = kb_json_get_str(req, "url"), *pxe = kb_json_get_str(req, "pxe");
	const struct kb_iface *x;
	char name[32], msg[512];

	if (url) {
		if (url_add(d, url, name, sizeof(name), msg, sizeof(msg))) {
			*err = arena_strdup(a, msg);
			return -EINVAL;
		}
		return 0;
	}
	if (!pxe) {
		*err = "source needs \"url\" or \"pxe\"";
		return -EINVAL;
	}
	x = d->net.ifaces ? kb_net_find(d->net.ifaces, pxe) : NULL;
	if (!x) {
		*err = arena_printf(a, "no network interface '%s'", pxe);
		return -ENOENT;
	}
	if (x->state != KB_NET_UP) {
		*err = arena_printf(a, "%s is not configured yet", pxe);
		return -EAGAIN;
	}
	if (pxe_add(d, x, msg, sizeof(msg))) {
		*err = arena_strdup(a, msg);
		return -EINVAL;
	}
	/* Asked for by hand: kept while the lease is the same, boot file or not. */
	pxe_remember(d, x, true);
	return 0;
}

/* ---- Interfaces ---- */

/* Keep the message new clients get, push it when it changed, follow the leases. */
static void net_changed(struct kb_net *n, void *data)
{
	struct kb_daemon *d = data;
	struct msg m;

	pxe_update(d);
	dmn_url_update(d);
	if (d->net.changed)
		d->net.changed(d); /* the SSH server follows (ssh.c) */

	if (!network_build(d, &m))
		dmn_update_msg(d, &d->net.msg, &d->net.len, &m);
}

static void net_status(struct kb_net *n, int level, const char *text, void *data)
{
	dmn_status(data, level, "%s", text);
}

int dmn_net_start(struct kb_daemon *d)
{
	struct msg m;

	d->net.cfg.spec = d->set.net;
	d->net.cfg.hosts = "/etc/hosts";
	d->net.cfg.changed = net_changed;
	d->net.cfg.status = net_status;
	d->net.cfg.data = d;
	if (!d->sources) {
		d->net.ifaces = kb_net_new(d->loop, &d->net.cfg);
		if (!d->net.ifaces)
			dmn_status(d, KB_STATUS_ERROR, "no network: %s", strerror(errno));
	}
	if (network_build(d, &m))
		return -ENOMEM;
	d->net.msg = m.buf;
	d->net.len = m.len;
	return 0;
}

void dmn_net_free(struct kb_daemon *d)
{
	kb_net_free(d->net.ifaces);
	d->net.ifaces = NULL;
	free(d->net.msg);
	d->net.msg = NULL;
}

int dmn_net_send(struct kb_daemon *d, struct kb_client *c)
{
	return d->net.msg ? kb_client_send(c, d->net.msg, d->net.len) : 0;
}

/*
 * A "static" net request read as kboot.net= reads its text, so both say
 * the same about a bad address: "ADDRESS/PREFIX[,gw=GW][,dns=DNS]...".
 * The text grows with the request (a client may send anything), and the
 * prefix must be a whole number a network can have.  0, or -EINVAL with *err.
 */
static int static_spec(const struct dmn_request *r, enum kb_net_mode *m, struct kb_net_static *st,
		       const char **err)
{
	const struct kb_json *req = r->req, *dns = kb_json_get(req, "dns");
	const char *addr = kb_json_get_str(req, "address"), *gw = kb_json_get_str(req, "gateway");
	const struct kb_json *prefix = kb_json_get(req, "prefix");
	struct strbuf sb = STRBUF_INIT;
	char name[IF_NAMESIZE], msg[256];
	const char *spec, *why;
	long long bits = -1;
	size_t i;

	/* Longer than any IPv4 or IPv6 address: no sentence need quote it. */
	if (addr && strlen(addr) >= INET6_ADDRSTRLEN) {
		*err = "\"address\" is too long for an IP address";
		return -EINVAL;
	}
	if (prefix && !kb_json_int(prefix, 0, 128, &bits)) {
		*err = "\"prefix\" must be a whole number from 0 to 128";
		return -EINVAL;
	}
	sb_printf(&sb, "%s/%lld", addr ? addr : "", bits);
	if (gw)
		sb_printf(&sb, ",gw=%s", gw);
	for (i = 0; dns && dns->type == KB_JARR && i < dns->n; i++)
		if (dns->item[i]->type == KB_JSTR)
			sb_printf(&sb, ",dns=%s", dns->item[i]->str);
	spec = sb_finish(&sb, r->a);
	if (!spec) {
		*err = "out of memory";
		return -EINVAL;
	}
	if (!kb_net_parse_spec(spec, name, m, st, msg, sizeof(msg)))
		return 0;
	/* "kboot.net=…: " is the parameter's prefix: drop it. */
	why = strstr(msg, ": ");
	*err = arena_printf(r->a, "%s", why ? why + 2 : msg);
	return -EINVAL;
}

/* "net": {"iface": "eth0", "mode": "dhcp" | "static" | "none",
 * "address": "10.0.2.15", "prefix": 24, "gateway": …, "dns": [...]} */
int dmn_req_net(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	const struct kb_json *req = r->req;
	struct arena *a = r->a;
	const char *iface = kb_json_get_str(req, "iface"), *mode = kb_json_get_str(req, "mode");
	struct kb_net_static st = { 0 };
	enum kb_net_mode m;
	char msg[256];

	if (!d->net.ifaces) {
		*err = "this daemon does not manage the network (--source directories)";
		return -ENOTSUP;
	}
	if (!iface || !mode) {
		*err = "net needs \"iface\" and \"mode\"";
		return -EINVAL;
	}
	if (!strcmp(mode, "dhcp")) {
		m = KB_NET_DHCP;
	} else if (!strcmp(mode, "none")) {
		m = KB_NET_NONE;
	} else if (!strcmp(mode, "static")) {
		if (static_spec(r, &m, &st, err))
			return -EINVAL;
	} else {
		*err = arena_printf(a, "unknown network mode '%s' (dhcp, static, none)", mode);
		return -EINVAL;
	}
	if (kb_net_configure(d->net.ifaces, iface, m, &st, msg, sizeof(msg))) {
		*err = arena_printf(a, "%s", msg);
		return -EINVAL;
	}
	return 0;
}
