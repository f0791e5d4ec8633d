// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_net.c - core/net/net.c: kboot.net= parsing, and (as root) interfaces,
 * DHCP and static configuration for real.
 *
 * The root tests run in a private network namespace of this process
 * (unshare(CLONE_NEWNET)): veth pairs whose far ends stand for the
 * network, busybox's udhcpd (from Debian's busybox-static, fetched by
 * tools/debs) as the DHCP server on one of them, and busybox's udhcpc and
 * ip as kboot's image runs them, with rootfs-skel's udhcpc script.  No
 * packet leaves the namespace.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/loop.h"
#include "net/net.h"
#include "testutil.h"

/* ---- kboot.net= ---- */

static void parse_ok(const char *spec, const char *iface, enum kb_net_mode mode,
		     struct kb_net_static *st)
{
	char name[IF_NAMESIZE], err[256] = "";
	enum kb_net_mode m;

	if (kb_net_parse_spec(spec, name, &m, st, err, sizeof(err)))
		fail_msg("%s: %s", spec, err);
	assert_string_equal(name, iface);
	assert_int_equal(m, mode);
}

static void test_spec_dhcp_none_and_interfaces(void **state)
{
	struct kb_net_static st;

	parse_ok(NULL, "", KB_NET_DHCP, &st);
	parse_ok("dhcp", "", KB_NET_DHCP, &st);
	parse_ok("none", "", KB_NET_NONE, &st);
	parse_ok("eth1:dhcp", "eth1", KB_NET_DHCP, &st);
	parse_ok("enp0s3:none", "enp0s3", KB_NET_NONE, &st);
}

static void test_spec_static_with_gateway_and_dns(void **state)
{
	struct kb_net_static st;

	parse_ok("eth0:10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3,dns=1.1.1.1", "eth0", KB_NET_STATIC,
		 &st);
	assert_string_equal(st.addr, "10.0.2.15");
	assert_int_equal(st.prefix, 24);
	assert_string_equal(st.gateway, "10.0.2.2");
	assert_string_equal(st.dns[0], "10.0.2.3");
	assert_string_equal(st.dns[1], "1.1.1.1");
	assert_string_equal(st.dns[2], "");
	parse_ok("192.168.1.9/16", "", KB_NET_STATIC, &st);
	assert_string_equal(st.gateway, "");
}

static void test_spec_errors_say_what_is_wrong(void **state)
{
	static const char *const bad[][2] = {
		{ "eth0:10.0.2.15", "expected dhcp, none or ADDRESS/PREFIX" },
		{ "10.0.2.300/24", "is no IPv4 address with a prefix" },
		{ "10.0.2.3/33", "is no IPv4 address with a prefix" },
		{ "10.0.2.3/24,gateway=1.2.3.4", "is neither gw=ADDRESS nor dns=ADDRESS" },
		{ "10.0.2.3/24,dns=nowhere", "is neither gw=ADDRESS nor dns=ADDRESS" },
		{ "averyveryverylongname:dhcp", "is no interface name" },
		{ ":dhcp", "is no interface name" },
		{ "bootp", "expected dhcp, none or ADDRESS/PREFIX" },
	};
	char name[IF_NAMESIZE], err[256];
	struct kb_net_static st;
	enum kb_net_mode m;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(kb_net_parse_spec(bad[i][0], name, &m, &st, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, bad[i][1]))
			fail_msg("%s: got '%s'", bad[i][0], err);
	}
}

/* ---- For real, in a private network namespace ---- */

static char bin[4096]; /* busybox applet links: udhcpc, udhcpd, ip */
static pid_t udhcpd;
static int changes;

static void count_change(struct kb_net *n, void *data)
{
	changes++;
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		fail_msg("failed: %s", cmd);
}

static int netns_setup(void **state)
{
	char busybox[4096];
	FILE *p;

	if (geteuid() != 0 || access("/usr/sbin/ip", X_OK))
		return 0;
	p = popen("tools/debs busybox-static", "r");
	if (!p || !fgets(busybox, sizeof(busybox), p)) {
		if (p)
			pclose(p);
		return 0;
	}
	pclose(p);
	busybox[strcspn(busybox, "\n")] = '\0';
	if (unshare(CLONE_NEWNET))
		return 0;
	tu_make_tmp(state);
	snprintf(bin, sizeof(bin), "%s/bin", tu_tmp);
	sh("mkdir -p %s && for a in udhcpc udhcpd ip; do ln -s %s/bin/busybox %s/$a; done", bin,
	   busybox, bin);
	{
		/* The udhcpc script runs busybox's ip, as in the image. */
		char path[8192];

		snprintf(path, sizeof(path), "%s:%s", bin, getenv("PATH"));
		setenv("PATH", path, 1);
	}
	/* kbc0 - kbs0: a network with a DHCP server; kbc1 - kbs1: one without. */
	sh("/usr/sbin/ip link set lo up && "
	   "/usr/sbin/ip link add kbc0 type veth peer name kbs0 && "
	   "/usr/sbin/ip link add kbc1 type veth peer name kbs1 && "
	   "/usr/sbin/ip addr add 192.168.77.1/24 dev kbs0 && /usr/sbin/ip link set kbs0 up && "
	   "/usr/sbin/ip link set kbs1 up");
	tu_put("udhcpd.conf", "start 192.168.77.100\n"
			      "end 192.168.77.110\n"
			      "interface kbs0\n"
			      "siaddr 192.168.77.1\n"
			      "boot_file pxelinux.0\n"
			      "option subnet 255.255.255.0\n"
			      "option router 192.168.77.1\n"
			      "option dns 192.168.77.53\n"
			      "option domain kboot.test\n"
			      "option tftp tftp.kboot.test\n"
			      "option pxeconffile pxelinux.cfg/kboot\n"
			      "option pxepathprefix tftp://192.168.77.1/boot/\n");
	sh("cd %s && : > leases && echo 'lease_file %s/leases' >> udhcpd.conf && "
	   "echo 'pidfile %s/udhcpd.pid' >> udhcpd.conf",
	   tu_tmp, tu_tmp, tu_tmp);
	udhcpd = fork();
	if (udhcpd == 0) {
		char conf[4096], exe[4096 + 8];

		snprintf(conf, sizeof(conf), "%s/udhcpd.conf", tu_tmp);
		snprintf(exe, sizeof(exe), "%s/udhcpd", bin);
		freopen("/dev/null", "w", stderr);
		execl(exe, "udhcpd", "-f", conf, (char *)NULL);
		_exit(127);
	}
	return 0;
}

static int netns_teardown(void **state)
{
	if (udhcpd > 0) {
		kill(udhcpd, SIGTERM);
		waitpid(udhcpd, NULL, 0);
	}
	return tu_tmp[0] ? tu_remove_tmp(state) : 0;
}

static struct kb_net_config cfg(const char *spec, char *paths, size_t size)
{
	struct kb_net_config c = {
		.spec = spec,
		.dhcp_tries = 3,
		.dhcp_wait = 1,
		.changed = count_change,
	};
	size_t o = 0;

#define PATH(field, fmt, ...)                                                                      \
	do {                                                                                       \
		c.field = paths + o;                                                               \
		o += (size_t)snprintf(paths + o, size - o, fmt, __VA_ARGS__) + 1;                  \
	} while (0)
	PATH(udhcpc, "%s/udhcpc", bin);
	PATH(ip, "%s/ip", bin);
	PATH(script, "%s/rootfs-skel/etc/kboot/udhcpc", getenv("KBOOT_TOP"));
	PATH(run_dir, "%s/run", tu_tmp);
	PATH(resolv_conf, "%s/resolv.conf", tu_tmp);
	PATH(hosts, "%s/hosts", tu_tmp);
	PATH(hosts_extra, "%s/hosts.image", tu_tmp);
#undef PATH
	return c;
}

/* Pump the loop until iface reaches a settled state, at most ms. */
static const struct kb_iface *settle(struct kb_loop *l, struct kb_net *n, const char *name,
				     unsigned int ms)
{
	const struct kb_iface *x = NULL;
	unsigned int t;

	for (t = 0; t < ms; t += 100) {
		tu_pump(l, 100);
		x = kb_net_find(n, name);
		if (x && (x->state == KB_NET_UP || x->state == KB_NET_FAILED))
			return x;
	}
	return x;
}

#define NEED_NETNS()                                                                               \
	do {                                                                                       \
		if (!bin[0])                                                                       \
			skip(); /* not root, or no network namespaces here */                      \
	} while (0)

static void test_dhcp_lease_with_pxe_options(void **state)
{
	char paths[8192];
	struct kb_net_config c;
	struct kb_loop *l;
	struct kb_net *n;
	const struct kb_iface *x;
	char *resolv;

	NEED_NETNS();
	c = cfg("kbc0:dhcp", paths, sizeof(paths));
	tu_put("hosts.image", "10.0.2.100 bootsrv\n");
	l = kb_loop_new();
	n = kb_net_new(l, &c);
	assert_non_null(n);
	x = settle(l, n, "kbc0", 15000);
	assert_non_null(x);
	if (x->state != KB_NET_UP)
		fail_msg("kbc0: state %d: %s", x->state, x->reason);
	assert_int_equal(strncmp(x->addr, "192.168.77.1", 12), 0); /* .100 - .110 */
	assert_int_equal(x->prefix, 24);
	assert_string_equal(x->gateway, "192.168.77.1");
	assert_string_equal(x->dns[0], "192.168.77.53");
	assert_string_equal(x->domain, "kboot.test");
	assert_string_equal(x->server, "192.168.77.1");
	assert_string_equal(x->bootfile, "pxelinux.0");
	assert_string_equal(x->tftp, "tftp.kboot.test");
	assert_string_equal(x->pxe_config, "pxelinux.cfg/kboot");
	assert_string_equal(x->pxe_prefix, "tftp://192.168.77.1/boot/");
	assert_true(strlen(x->mac) == 17);
	resolv = tu_slurp(c.resolv_conf, NULL);
	assert_non_null(strstr(resolv, "search kboot.test\nnameserver 192.168.77.53\n"));
	free(resolv);
	/* /etc/hosts: localhost, then the image builder's lines. */
	resolv = tu_slurp(c.hosts, NULL);
	assert_non_null(strstr(resolv, "127.0.0.1\tlocalhost\n"));
	assert_non_null(strstr(resolv, "\n10.0.2.100 bootsrv\n"));
	free(resolv);
	/* The address is really there. */
	sh("/usr/sbin/ip -4 addr show dev kbc0 | grep -q 'inet 192.168.77.1'");
	/* Only the interface kboot.net= names was touched. */
	assert_int_equal(kb_net_find(n, "kbc1")->state, KB_NET_DOWN);
	assert_true(changes > 0);
	kb_net_free(n);
	kb_loop_free(l);
}

static void test_no_dhcp_server_gives_up_by_itself(void **state)
{
	char paths[8192];
	struct kb_net_config c;
	struct kb_loop *l;
	struct kb_net *n;
	const struct kb_iface *x;

	NEED_NETNS();
	c = cfg("kbc1:dhcp", paths, sizeof(paths));
	l = kb_loop_new();
	n = kb_net_new(l, &c);
	x = settle(l, n, "kbc1", 15000);
	assert_non_null(x);
	assert_int_equal(x->state, KB_NET_FAILED);
	assert_string_equal(x->reason, "no DHCP answer after 3 tries");
	kb_net_free(n);
	kb_loop_free(l);
}

static void test_static_address_gateway_and_dns(void **state)
{
	struct kb_net_static st = {
		.addr = "10.9.8.7", .prefix = 24, .gateway = "10.9.8.1", .dns = { "10.9.8.53" }
	};
	char paths[8192], err[256];
	struct kb_net_config c;
	struct kb_loop *l;
	struct kb_net *n;
	const struct kb_iface *x;
	char *resolv;

	NEED_NETNS();
	c = cfg("none", paths, sizeof(paths));
	l = kb_loop_new();
	n = kb_net_new(l, &c);
	tu_pump(l, 200);
	assert_int_equal(kb_net_configure(n, "kbc1", KB_NET_STATIC, &st, err, sizeof(err)), 0);
	x = kb_net_find(n, "kbc1");
	assert_int_equal(x->state, KB_NET_UP);
	assert_string_equal(x->addr, "10.9.8.7");
	sh("/usr/sbin/ip -4 addr show dev kbc1 | grep -q 'inet 10.9.8.7/24'");
	sh("/usr/sbin/ip route show default | grep -q 'via 10.9.8.1 dev kbc1'");
	resolv = tu_slurp(c.resolv_conf, NULL);
	assert_non_null(strstr(resolv, "nameserver 10.9.8.53\n"));
	free(resolv);
	assert_int_equal(kb_net_configure(n, "nosuch0", KB_NET_DHCP, NULL, err, sizeof(err)),
			 -ENODEV);
	assert_string_equal(err, "no network interface 'nosuch0'");
	kb_net_free(n);
	kb_loop_free(l);
}

static bool carrier(struct kb_net *n, const char *name)
{
	const struct kb_iface *x = kb_net_find(n, name);

	return x && x->carrier;
}

static void test_carrier_follows_the_link(void **state)
{
	char paths[8192];
	struct kb_net_config c;
	struct kb_loop *l;
	struct kb_net *n;
	unsigned int t;

	NEED_NETNS();
	c = cfg("none", paths, sizeof(paths));
	l = kb_loop_new();
	n = kb_net_new(l, &c);
	sh("/usr/sbin/ip link set kbc1 up");
	for (t = 0; t < 3000 && !carrier(n, "kbc1"); t += 100)
		tu_pump(l, 100);
	assert_true(carrier(n, "kbc1"));
	sh("/usr/sbin/ip link set kbs1 down");
	for (t = 0; t < 3000 && carrier(n, "kbc1"); t += 100)
		tu_pump(l, 100);
	assert_false(carrier(n, "kbc1"));
	sh("/usr/sbin/ip link add kbnew type veth peer name kbnewp");
	for (t = 0; t < 3000 && !kb_net_find(n, "kbnew"); t += 100)
		tu_pump(l, 100);
	assert_non_null(kb_net_find(n, "kbnew"));
	sh("/usr/sbin/ip link del kbnew");
	for (t = 0; t < 3000 && kb_net_find(n, "kbnew"); t += 100)
		tu_pump(l, 100);
	assert_null(kb_net_find(n, "kbnew"));
	assert_null(kb_net_find(n, "lo"));
	kb_net_free(n);
	kb_loop_free(l);
}

/*
 * A lease a hostile DHCP server can make udhcpc write: a router option of
 * blanks (it once crashed the daemon), a mask that is no prefix, an
 * address that is none.  What is bad is left out; the rest is kept.
 */
static void test_lease_with_bad_values(void **state)
{
	static const char lease[] = "ip=10.0.2.15\nrouter= \nmask=99\ndns=x 10.0.2.3\n"
				    "siaddr=not-an-address\nbootfile=pxelinux.0\n";
	struct kb_iface x = { .name = "eth0" };
	FILE *f = fmemopen((void *)lease, sizeof(lease) - 1, "r");

	assert_non_null(f);
	assert_int_equal(kb_net_parse_lease(f, &x), 0);
	fclose(f);
	assert_string_equal(x.addr, "10.0.2.15");
	assert_string_equal(x.gateway, "");
	assert_int_equal(x.prefix, 0);
	assert_string_equal(x.dns[0], "10.0.2.3");
	assert_string_equal(x.server, "");
	assert_string_equal(x.bootfile, "pxelinux.0");
}

int main(void)
{
	const struct CMUnitTest spec[] = {
		cmocka_unit_test(test_spec_dhcp_none_and_interfaces),
		cmocka_unit_test(test_spec_static_with_gateway_and_dns),
		cmocka_unit_test(test_spec_errors_say_what_is_wrong),
		cmocka_unit_test(test_lease_with_bad_values),
	};
	const struct CMUnitTest real[] = {
		cmocka_unit_test(test_dhcp_lease_with_pxe_options),
		cmocka_unit_test(test_no_dhcp_server_gives_up_by_itself),
		cmocka_unit_test(test_static_address_gateway_and_dns),
		cmocka_unit_test(test_carrier_follows_the_link),
	};
	char top[4096];

	signal(SIGPIPE, SIG_IGN);
	if (getcwd(top, sizeof(top)))
		setenv("KBOOT_TOP", top, 0);
	return cmocka_run_group_tests_name("spec", spec, NULL, NULL) |
	       cmocka_run_group_tests_name("netns", real, netns_setup, netns_teardown);
}
