// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net.c - network interfaces and their configuration (net.h).
 *
 * Interface changes arrive on an rtnetlink socket watched by the loop; the
 * configuration is done by busybox's `ip` (short, waited for) and `udhcpc`
 * (a child of the loop, bounded by its own retry count).  udhcpc's script
 * (rootfs-skel/etc/kboot/udhcpc) sets the address and route and leaves the
 * lease in RUN_DIR/IFACE.lease as KEY=VALUE lines, read here when udhcpc
 * exits.  Nothing here waits on the network: a dead DHCP server costs one
 * udhcpc child its retries, nothing else.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/loop.h"
#include "net/net.h"

enum { LVL_INFO, LVL_WARNING, LVL_ERROR }; /* as enum kb_status_level */

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h: the carrier is up (net/if.h lacks it) */
#endif

struct iface {
	struct kb_iface pub; /* what callers see */
	int index;	     /* the kernel's ifindex */
	pid_t dhcp;	     /* the running udhcpc, or 0 */
	bool wanted;	     /* DHCP waits for the carrier */
};

struct kb_net {
	struct kb_loop *l;
	const struct kb_net_config *cfg;
	int nl; /* rtnetlink socket */
	struct kb_watch *w;
	struct iface **v; /* the interfaces (loopback excepted) */
	size_t n;
	char spec_iface[IF_NAMESIZE]; /* kboot.net= names one interface, or "" */
	enum kb_net_mode spec_mode;
	struct kb_net_static spec_static;
};

static const char *opt(const char *v, const char *def)
{
	return v ? v : def;
}

static void say(struct kb_net *n, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct kb_net *n, int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!n->cfg->status)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n->cfg->status(n, level, buf, n->cfg->data);
}

static void changed(struct kb_net *n)
{
	if (n->cfg->changed)
		n->cfg->changed(n, n->cfg->data);
}

/* ---- kboot.net= ---- */

/* A prefix length from a lease: 0..32, else 0 (no mask). */
static int parse_prefix(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end != s && !*end && v >= 0 && v <= 32 ? (int)v : 0;
}

/* An address (s may be NULL: "router= " holds no word) into out; 0 or -EINVAL. */
static int parse_addr(const char *s, char out[KB_NET_ADDR])
{
	unsigned char buf[16];

	if (!s || (inet_pton(AF_INET, s, buf) != 1 && inet_pton(AF_INET6, s, buf) != 1))
		return -EINVAL;
	snprintf(out, KB_NET_ADDR, "%s", s);
	return 0;
}

int kb_net_parse_spec(const char *spec, char iface[IF_NAMESIZE], enum kb_net_mode *mode,
		      struct kb_net_static *st, char *err, size_t errlen)
{
	char buf[512], *p, *field, *save = NULL, *slash, *end;
	unsigned char bin[4];
	size_t ndns = 0;
	long prefix;

	memset(st, 0, sizeof(*st));
	iface[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", spec ? spec : "dhcp");
	p = buf;
	/* "IFACE:rest" names one interface. */
	if ((field = strchr(p, ':'))) {
		*field = '\0';
		if (!*p || strlen(p) >= IF_NAMESIZE || strchr(p, '/')) {
			snprintf(err, errlen, "kboot.net=%s: '%s' is no interface name", spec, p);
			return -EINVAL;
		}
		snprintf(iface, IF_NAMESIZE, "%s", p);
		p = field + 1;
	}
	if (!strcmp(p, "dhcp")) {
		*mode = KB_NET_DHCP;
		return 0;
	}
	if (!strcmp(p, "none") || !strcmp(p, "off")) {
		*mode = KB_NET_NONE;
		return 0;
	}
	/* ADDRESS/PREFIX[,gw=ADDRESS][,dns=ADDRESS]...: IPv4 */
	*mode = KB_NET_STATIC;
	field = strtok_r(p, ",", &save);
	slash = field ? strchr(field, '/') : NULL;
	if (!slash) {
		snprintf(err, errlen, "kboot.net=%s: expected dhcp, none or ADDRESS/PREFIX", spec);
		return -EINVAL;
	}
	*slash = '\0';
	prefix = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, field, bin) != 1 || *end || end == slash + 1 || prefix < 1 ||
	    prefix > 32) {
		snprintf(err, errlen, "kboot.net=%s: '%s/%s' is no IPv4 address with a prefix",
			 spec, field, slash + 1);
		return -EINVAL;
	}
	snprintf(st->addr, sizeof(st->addr), "%s", field);
	st->prefix = (int)prefix;
	while ((field = strtok_r(NULL, ",", &save))) {
		if (!strncmp(field, "gw=", 3) && !parse_addr(field + 3, st->gateway))
			continue;
		if (!strncmp(field, "dns=", 4) && ndns < KB_NET_DNS &&
		    !parse_addr(field + 4, st->dns[ndns])) {
			ndns++;
			continue;
		}
		snprintf(err, errlen, "kboot.net=%s: '%s' is neither gw=ADDRESS nor dns=ADDRESS",
			 spec, field);
		return -EINVAL;
	}
	return 0;
}

/* ---- Running ip ---- */

/* Run a short command and wait for it.  0, or -1 when it failed. */
static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

#define IP(n, ...) run((char *const[]){ (char *)opt((n)->cfg->ip, "/sbin/ip"), __VA_ARGS__, NULL })

/* ---- resolv.conf ---- */

static void write_resolv(struct kb_net *n)
{
	const char *path = opt(n->cfg->resolv_conf, "/etc/resolv.conf");
	char tmp[4096];
	size_t i, k;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.kboot", path);
	f = fopen(tmp, "we");
	if (!f)
		return;
	fputs("# written by kboot from the network configuration\n", f);
	for (i = 0; i < n->n; i++) {
		const struct kb_iface *x = &n->v[i]->pub;

		if (x->state != KB_NET_UP)
			continue;
		if (x->domain[0])
			fprintf(f, "search %s\n", x->domain);
		for (k = 0; k < KB_NET_DNS && x->dns[k][0]; k++)
			fprintf(f, "nameserver %s\n", x->dns[k]);
	}
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

/* /etc/hosts: localhost, then the image builder's lines. */
static void write_hosts(struct kb_net *n)
{
	const char *path = n->cfg->hosts;
	FILE *in, *f;
	char tmp[4096], buf[4096];
	size_t len;

	if (!path)
		return;
	in = fopen(opt(n->cfg->hosts_extra, "/etc/kboot/hosts"), "re");
	snprintf(tmp, sizeof(tmp), "%s.kboot", path);
	f = fopen(tmp, "we");
	if (!f) {
		if (in)
			fclose(in);
		return;
	}
	fputs("# written by kboot\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
	      "ip6-loopback\n",
	      f);
	while (in && (len = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, len, f);
	if (in)
		fclose(in);
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

/* ---- Configuring ---- */

static void clear_lease(struct kb_iface *x)
{
	x->addr[0] = x->gateway[0] = x->domain[0] = x->server[0] = '\0';
	x->tftp[0] = x->bootfile[0] = x->pxe_config[0] = x->pxe_prefix[0] = '\0';
	memset(x->dns, 0, sizeof(x->dns));
	x->prefix = 0;
	x->reason[0] = '\0';
}

static void stop_dhcp(struct iface *i)
{
	if (i->dhcp > 0)
		kill(i->dhcp, SIGTERM);
	i->dhcp = 0;
}

int kb_net_parse_lease(FILE *f, struct kb_iface *x)
{
	char line[1024], *v, *tok, *save;
	size_t k = 0;

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		v = strchr(line, '=');
		if (!v || !v[1])
			continue;
		*v++ = '\0';
		if (!strcmp(line, "ip"))
			parse_addr(v, x->addr);
		else if (!strcmp(line, "mask"))
			x->prefix = parse_prefix(v);
		else if (!strcmp(line, "router"))
			parse_addr(strtok_r(v, " ", &save), x->gateway);
		else if (!strcmp(line, "siaddr"))
			parse_addr(v, x->server);
		else if (!strcmp(line, "domain"))
			snprintf(x->domain, sizeof(x->domain), "%s", v);
		else if (!strcmp(line, "tftp"))
			snprintf(x->tftp, sizeof(x->tftp), "%s", v);
		else if (!strcmp(line, "bootfile") ||
			 (!strcmp(line, "boot_file") && !x->bootfile[0]))
			snprintf(x->bootfile, sizeof(x->bootfile), "%s", v);
		else if (!strcmp(line, "pxeconffile"))
			snprintf(x->pxe_config, sizeof(x->pxe_config), "%s", v);
		else if (!strcmp(line, "pxepathprefix"))
			snprintf(x->pxe_prefix, sizeof(x->pxe_prefix), "%s", v);
		else if (!strcmp(line, "dns"))
			for (tok = strtok_r(v, " ", &save); tok && k < KB_NET_DNS;
			     tok = strtok_r(NULL, " ", &save))
				if (!parse_addr(tok, x->dns[k]))
					k++;
	}
	return x->addr[0] ? 0 : -EINVAL;
}

/* The lease udhcpc's script left: KEY=VALUE lines. */
static int read_lease(struct kb_net *n, struct iface *i)
{
	struct kb_iface *x = &i->pub;
	char path[512];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s.lease", opt(n->cfg->run_dir, "/run/kboot/net"),
		 x->name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ret = kb_net_parse_lease(f, x);
	fclose(f);
	return ret;
}

static void dhcp_done(struct kb_loop *l, pid_t pid, int status, void *data)
{
	struct kb_net *n = data;
	struct iface *i = NULL;
	size_t k;

	for (k = 0; k < n->n && !i; k++)
		if (n->v[k]->dhcp == pid)
			i = n->v[k];
	if (!i)
		return; /* stopped on purpose, or the interface went away */
	i->dhcp = 0;
	clear_lease(&i->pub);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !read_lease(n, i)) {
		i->pub.state = KB_NET_UP;
		say(n, LVL_INFO, "%s: DHCP lease %s/%d%s%s", i->pub.name, i->pub.addr,
		    i->pub.prefix, i->pub.gateway[0] ? " via " : "", i->pub.gateway);
		write_resolv(n);
	} else {
		i->pub.state = KB_NET_FAILED;
		snprintf(i->pub.reason, sizeof(i->pub.reason), "no DHCP answer after %d tries",
			 n->cfg->dhcp_tries ? n->cfg->dhcp_tries : 4);
		say(n, LVL_WARNING, "%s: %s", i->pub.name, i->pub.reason);
	}
	changed(n);
}

static int start_dhcp(struct kb_net *n, struct iface *i, char *err, size_t errlen)
{
	char tries[16], wait[16];
	const char *udhcpc = opt(n->cfg->udhcpc, "/sbin/udhcpc");
	pid_t pid;

	snprintf(tries, sizeof(tries), "%d", n->cfg->dhcp_tries ? n->cfg->dhcp_tries : 4);
	snprintf(wait, sizeof(wait), "%d", n->cfg->dhcp_wait ? n->cfg->dhcp_wait : 2);
	mkdir(opt(n->cfg->run_dir, "/run/kboot/net"), 0755);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		setenv("KBOOT_NET_RUN_DIR", opt(n->cfg->run_dir, "/run/kboot/net"), 1);
		/* -q: leave once bound (a boot loader outlives no lease); -n:
		 * give up after the tries; -O: the PXE options. */
		execl(udhcpc, udhcpc, "-f", "-q", "-n", "-t", tries, "-T", wait, "-i", i->pub.name,
		      "-s", opt(n->cfg->script, "/etc/kboot/udhcpc"), "-O", "tftp", "-O",
		      "bootfile", "-O", "pxeconffile", "-O", "pxepathprefix", "-x",
		      "hostname:kboot", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || kb_loop_child(n->l, pid, dhcp_done, n)) {
		snprintf(err, errlen, "%s: cannot start udhcpc: %s", i->pub.name, strerror(errno));
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return -ECHILD;
	}
	i->dhcp = pid;
	i->pub.state = KB_NET_CONFIGURING;
	say(n, LVL_INFO, "%s: asking for a DHCP lease", i->pub.name);
	return 0;
}

static int set_static(struct kb_net *n, struct iface *i, const struct kb_net_static *st, char *err,
		      size_t errlen)
{
	struct kb_iface *x = &i->pub;
	char cidr[KB_NET_ADDR + 8];
	size_t k;

	snprintf(cidr, sizeof(cidr), "%s/%d", st->addr, st->prefix);
	IP(n, "addr", "flush", "dev", x->name);
	if (IP(n, "link", "set", "dev", x->name, "up") ||
	    IP(n, "addr", "add", cidr, "dev", x->name)) {
		snprintf(err, errlen, "%s: cannot set the address %s", x->name, cidr);
		x->state = KB_NET_FAILED;
		snprintf(x->reason, sizeof(x->reason), "cannot set the address %s", cidr);
		return -EINVAL;
	}
	if (st->gateway[0] &&
	    IP(n, "route", "replace", "default", "via", (char *)st->gateway, "dev", x->name)) {
		snprintf(err, errlen, "%s: cannot route through %s", x->name, st->gateway);
		x->state = KB_NET_FAILED;
		snprintf(x->reason, sizeof(x->reason), "cannot route through %s", st->gateway);
		return -EINVAL;
	}
	clear_lease(x);
	snprintf(x->addr, sizeof(x->addr), "%s", st->addr);
	x->prefix = st->prefix;
	snprintf(x->gateway, sizeof(x->gateway), "%s", st->gateway);
	for (k = 0; k < KB_NET_DNS; k++)
		snprintf(x->dns[k], sizeof(x->dns[k]), "%s", st->dns[k]);
	x->state = KB_NET_UP;
	say(n, LVL_INFO, "%s: static address %s%s%s", x->name, cidr, st->gateway[0] ? " via " : "",
	    st->gateway);
	write_resolv(n);
	return 0;
}

static struct iface *find(const struct kb_net *n, const char *name)
{
	size_t k;

	for (k = 0; k < n->n; k++)
		if (!strcmp(n->v[k]->pub.name, name))
			return n->v[k];
	return NULL;
}

int kb_net_configure(struct kb_net *n, const char *name, enum kb_net_mode mode,
		     const struct kb_net_static *st, char *err, size_t errlen)
{
	struct iface *i = find(n, name);
	int ret = 0;

	if (!i) {
		snprintf(err, errlen, "no network interface '%s'", name);
		return -ENODEV;
	}
	stop_dhcp(i);
	i->wanted = false;
	i->pub.mode = mode;
	clear_lease(&i->pub);
	if (mode == KB_NET_NONE) {
		i->pub.state = KB_NET_DOWN;
		IP(n, "addr", "flush", "dev", i->pub.name);
	} else if (mode == KB_NET_STATIC) {
		ret = set_static(n, i, st, err, errlen);
	} else {
		IP(n, "link", "set", "dev", i->pub.name, "up");
		if (i->pub.carrier) {
			ret = start_dhcp(n, i, err, errlen);
		} else {
			/* DHCP starts when the link comes up. */
			i->wanted = true;
			i->pub.state = KB_NET_DOWN;
		}
	}
	write_resolv(n);
	changed(n);
	return ret;
}

/* What kboot.net= asks for this new interface. */
static void configure_new(struct kb_net *n, struct iface *i)
{
	char err[256];

	if (n->spec_iface[0] && strcmp(n->spec_iface, i->pub.name))
		return;
	if (n->spec_mode != KB_NET_NONE &&
	    kb_net_configure(n, i->pub.name, n->spec_mode, &n->spec_static, err, sizeof(err)))
		say(n, LVL_ERROR, "%s", err);
}

/* ---- Interfaces: sysfs at start, rtnetlink afterwards ---- */

static struct iface *add(struct kb_net *n, const char *name, int index)
{
	struct iface **v, *i;

	i = calloc(1, sizeof(*i));
	v = realloc(n->v, (n->n + 1) * sizeof(*v));
	if (!i || !v) {
		free(i);
		if (v)
			n->v = v;
		return NULL;
	}
	n->v = v;
	snprintf(i->pub.name, sizeof(i->pub.name), "%s", name);
	i->index = index;
	n->v[n->n++] = i;
	return i;
}

static void drop(struct kb_net *n, struct iface *i)
{
	size_t k;

	for (k = 0; k < n->n; k++)
		if (n->v[k] == i) {
			memmove(&n->v[k], &n->v[k + 1], (n->n - k - 1) * sizeof(*n->v));
			n->n--;
			break;
		}
	stop_dhcp(i);
	free(i);
	write_resolv(n);
}

/* A link message: an interface appeared, changed or went away. */
static void link_msg(struct kb_net *n, const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	const struct rtattr *a;
	const char *name = NULL;
	const unsigned char *mac = NULL;
	struct iface *i = NULL;
	bool carrier, was;
	size_t k;

	if (len < 0 || ifi->ifi_type == 772 /* ARPHRD_LOOPBACK */)
		return;
	for (a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME)
			name = RTA_DATA(a);
		else if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6)
			mac = RTA_DATA(a);
	}
	for (k = 0; k < n->n && !i; k++)
		if (n->v[k]->index == ifi->ifi_index)
			i = n->v[k];
	if (h->nlmsg_type == RTM_DELLINK) {
		if (i) {
			say(n, LVL_INFO, "%s: gone", i->pub.name);
			drop(n, i);
			changed(n);
		}
		return;
	}
	if (!i) {
		if (!name || !(i = add(n, name, ifi->ifi_index)))
			return;
		if (mac)
			snprintf(i->pub.mac, sizeof(i->pub.mac), "%02x:%02x:%02x:%02x:%02x:%02x",
				 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
		i->pub.carrier = ifi->ifi_flags & IFF_LOWER_UP;
		configure_new(n, i);
		changed(n);
		return;
	}
	was = i->pub.carrier;
	carrier = ifi->ifi_flags & IFF_LOWER_UP;
	if (carrier == was)
		return;
	i->pub.carrier = carrier;
	say(n, LVL_INFO, "%s: link %s", i->pub.name, carrier ? "up" : "down");
	if (carrier && i->wanted) {
		char err[256];

		i->wanted = false;
		if (start_dhcp(n, i, err, sizeof(err)))
			say(n, LVL_ERROR, "%s", err);
	}
	changed(n);
}

static void nl_read(struct kb_net *n)
{
	char buf[16384];
	ssize_t len;

	while ((len = recv(n->nl, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		const struct nlmsghdr *h;
		int left = (int)len;

		for (h = (void *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
			if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
				link_msg(n, h);
	}
}

static void nl_event(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	nl_read(data);
}

/* Ask for every link once (the answers come like events). */
static int dump_links(struct kb_net *n)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = { .nlmsg_len = sizeof(req),
		       .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = 1 },
		.i = { .ifi_family = AF_UNSPEC },
	};

	return send(n->nl, &req, sizeof(req), 0) < 0 ? -errno : 0;
}

struct kb_net *kb_net_new(struct kb_loop *l, const struct kb_net_config *cfg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	struct kb_net *n = calloc(1, sizeof(*n));
	char err[256];
	int ret;

	if (!n)
		return NULL;
	n->l = l;
	n->cfg = cfg;
	n->nl = -1;
	if (kb_net_parse_spec(cfg->spec, n->spec_iface, &n->spec_mode, &n->spec_static, err,
			      sizeof(err))) {
		say(n, LVL_ERROR, "%s; using none", err);
		n->spec_mode = KB_NET_NONE;
	}
	n->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (n->nl < 0 || bind(n->nl, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	n->w = kb_loop_watch(l, n->nl, EPOLLIN, nl_event, n);
	if (!n->w)
		goto fail;
	write_hosts(n);
	ret = dump_links(n);
	if (ret) {
		errno = -ret;
		goto fail;
	}
	return n;
fail:
	ret = errno;
	kb_net_free(n);
	errno = ret;
	return NULL;
}

void kb_net_free(struct kb_net *n)
{
	size_t k;

	if (!n)
		return;
	for (k = 0; k < n->n; k++) {
		stop_dhcp(n->v[k]);
		free(n->v[k]);
	}
	free(n->v);
	if (n->w)
		kb_loop_unwatch(n->l, n->w);
	if (n->nl >= 0)
		close(n->nl);
	free(n);
}

size_t kb_net_count(const struct kb_net *n)
{
	return n->n;
}

const struct kb_iface *kb_net_at(const struct kb_net *n, size_t i)
{
	return i < n->n ? &n->v[i]->pub : NULL;
}

const struct kb_iface *kb_net_find(const struct kb_net *n, const char *name)
{
	const struct iface *i = find(n, name);

	return i ? &i->pub : NULL;
}
