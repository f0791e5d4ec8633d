// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_request.c - every builder of core/proto/request.h gives exactly the
 * line of docs/protocol.md: each request is sent through kb_conn_send_req()
 * over a socketpair and the bytes the daemon would read are compared.
 * Hostile strings (quotes, backslashes, control characters, invalid UTF-8)
 * come out escaped and parse back; a missing required member is -EINVAL
 * and such a request is never sent; the type names and their lookup agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/jsonparse.h"
#include "proto/client.h"
#include "proto/request.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A client connection and the daemon's end of it. */
struct pair {
	struct kb_conn *c;
	int peer;
};

static struct pair pair_open(void)
{
	struct pair p;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	p.c = kb_conn_adopt(sv[0]);
	assert_non_null(p.c);
	p.peer = sv[1];
	return p;
}

static void pair_close(struct pair *p)
{
	kb_conn_close(p->c);
	close(p->peer);
}

/* The next line the daemon's end reads, without its '\n' (static buffer). */
static const char *peer_line(struct pair *p)
{
	static char buf[4096];
	size_t len = 0;

	for (;;) {
		ssize_t n;

		assert_true(len < sizeof(buf) - 1);
		n = read(p->peer, buf + len, 1);
		assert_int_equal(n, 1);
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return buf;
}

/* Send r (built: ret is its builder's result) as the first request of a
 * connection; the line the daemon gets.  Releases r. */
static const char *line_of(struct kb_req *r, int ret)
{
	static char out[4096];
	struct pair p = pair_open();

	assert_int_equal(ret, 0);
	assert_int_equal(kb_conn_send_req(p.c, r, 1000), 1);
	strcpy(out, peer_line(&p));
	pair_close(&p);
	kb_req_release(r);
	return out;
}

/* ---- Types ---- */

static void test_type_names_and_lookup_agree(void **state)
{
	static const char *const names[KB_REQ_NTYPES] = {
		[KB_REQ_BOOT] = "boot",	    [KB_REQ_CANCEL] = "cancel",
		[KB_REQ_RESCAN] = "rescan", [KB_REQ_ABORT] = "abort",
		[KB_REQ_SSH] = "ssh",	    [KB_REQ_SOURCE] = "source",
		[KB_REQ_NET] = "net",	    [KB_REQ_COMPLETE] = "complete",
	};
	int t;

	for (t = 0; t < KB_REQ_NTYPES; t++) {
		assert_string_equal(kb_req_name((enum kb_req_type)t), names[t]);
		assert_int_equal(kb_req_type_of(names[t]), t);
	}
	assert_null(kb_req_name(KB_REQ_NTYPES));
	assert_int_equal(kb_req_type_of("reboot"), -ENOENT);
	assert_int_equal(kb_req_type_of("Boot"), -ENOENT);
	assert_int_equal(kb_req_type_of(""), -ENOENT);
	assert_int_equal(kb_req_type_of(NULL), -ENOENT);
}

/* ---- Each builder's line ---- */

static void test_boot_by_id_and_title(void **state)
{
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_boot_id(&r, "sda1-3f9a1c")),
			    "{\"type\":\"boot\",\"seq\":1,\"id\":\"sda1-3f9a1c\"}");
	assert_string_equal(line_of(&r, kb_req_boot_title(&r, "Debian GNU/Linux")),
			    "{\"type\":\"boot\",\"seq\":1,\"title\":\"Debian GNU/Linux\"}");
}

static void test_boot_files_as_kboot_boot_sends_them(void **state)
{
	const char *initrd[] = { "sda1:/a.img", "sda1:/b.img" };
	struct kb_req_files f = {
		.kernel = "sda1:/vmlinuz",
		.initrd = initrd,
		.ninitrd = 2,
		.cmdline = "quiet",
	};
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_boot_files(&r, &f)),
			    "{\"type\":\"boot\",\"seq\":1,\"kernel\":\"sda1:/vmlinuz\","
			    "\"initrd\":[\"sda1:/a.img\",\"sda1:/b.img\"],\"dtb\":null,"
			    "\"cmdline\":\"quiet\"}");
}

static void test_boot_files_with_title_dtb_and_no_initrd(void **state)
{
	struct kb_req_files f = {
		.title = "Debian (edited)",
		.kernel = "http://10.0.2.2/vmlinuz",
		.dtb = "sda1:/board.dtb", /* no cmdline: "" */
	};
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_boot_files(&r, &f)),
			    "{\"type\":\"boot\",\"seq\":1,\"title\":\"Debian (edited)\","
			    "\"kernel\":\"http://10.0.2.2/vmlinuz\",\"initrd\":[],"
			    "\"dtb\":\"sda1:/board.dtb\",\"cmdline\":\"\"}");
}

static void test_boot_files_multiboot_modules(void **state)
{
	const char *mods[] = { "sda1:/vmlinuz", "sda1:/initrd.img" };
	const char *args[] = { "root=/dev/sda1 ro" };
	struct kb_req_files f = {
		.title = "Xen",
		.kernel = "sda1:/xen.gz",
		.initrd = mods,
		.ninitrd = 2,
		.cmdline = "dom0_mem=1G",
		.multiboot = true,
		.module_args = args,
		.nmodule_args = 1,
	};
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_boot_files(&r, &f)),
			    "{\"type\":\"boot\",\"seq\":1,\"title\":\"Xen\","
			    "\"kernel\":\"sda1:/xen.gz\","
			    "\"initrd\":[\"sda1:/vmlinuz\",\"sda1:/initrd.img\"],"
			    "\"multiboot\":true,\"module_args\":[\"root=/dev/sda1 ro\"],"
			    "\"dtb\":null,\"cmdline\":\"dom0_mem=1G\"}");
	f.nmodule_args = 0;
	assert_string_equal(line_of(&r, kb_req_boot_files(&r, &f)),
			    "{\"type\":\"boot\",\"seq\":1,\"title\":\"Xen\","
			    "\"kernel\":\"sda1:/xen.gz\","
			    "\"initrd\":[\"sda1:/vmlinuz\",\"sda1:/initrd.img\"],"
			    "\"multiboot\":true,\"module_args\":[],"
			    "\"dtb\":null,\"cmdline\":\"dom0_mem=1G\"}");
}

static void test_requests_without_members(void **state)
{
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_cancel(&r)), "{\"type\":\"cancel\",\"seq\":1}");
	assert_string_equal(line_of(&r, kb_req_rescan(&r)), "{\"type\":\"rescan\",\"seq\":1}");
	assert_string_equal(line_of(&r, kb_req_abort(&r)), "{\"type\":\"abort\",\"seq\":1}");
}

static void test_ssh_on_and_off(void **state)
{
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_ssh(&r, true)),
			    "{\"type\":\"ssh\",\"seq\":1,\"on\":true}");
	assert_string_equal(line_of(&r, kb_req_ssh(&r, false)),
			    "{\"type\":\"ssh\",\"seq\":1,\"on\":false}");
}

static void test_source_by_url_and_pxe(void **state)
{
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_source_url(&r, "tftp://10.0.2.2/grub.cfg")),
			    "{\"type\":\"source\",\"seq\":1,\"url\":\"tftp://10.0.2.2/grub.cfg\"}");
	assert_string_equal(line_of(&r, kb_req_source_pxe(&r, "eth0")),
			    "{\"type\":\"source\",\"seq\":1,\"pxe\":\"eth0\"}");
}

static void test_net_dhcp_none_and_static(void **state)
{
	const char *dns[] = { "10.0.2.3", "1.1.1.1" };
	struct kb_req_static st = {
		.address = "10.0.2.15",
		.prefix = 24,
		.gateway = "10.0.2.2",
		.dns = dns,
		.ndns = 2,
	};
	struct kb_req r;

	assert_string_equal(line_of(&r, kb_req_net_dhcp(&r, "eth0")),
			    "{\"type\":\"net\",\"seq\":1,\"iface\":\"eth0\",\"mode\":\"dhcp\"}");
	assert_string_equal(line_of(&r, kb_req_net_none(&r, "eth0")),
			    "{\"type\":\"net\",\"seq\":1,\"iface\":\"eth0\",\"mode\":\"none\"}");
	assert_string_equal(line_of(&r, kb_req_net_static(&r, "eth0", &st)),
			    "{\"type\":\"net\",\"seq\":1,\"iface\":\"eth0\",\"mode\":\"static\","
			    "\"address\":\"10.0.2.15\",\"prefix\":24,\"gateway\":\"10.0.2.2\","
			    "\"dns\":[\"10.0.2.3\",\"1.1.1.1\"]}");
	st.gateway = NULL;
	st.ndns = 0;
	st.prefix = 0;
	assert_string_equal(line_of(&r, kb_req_net_static(&r, "eth1", &st)),
			    "{\"type\":\"net\",\"seq\":1,\"iface\":\"eth1\",\"mode\":\"static\","
			    "\"address\":\"10.0.2.15\",\"prefix\":0,\"dns\":[]}");
}

static void test_complete_with_and_without_fs(void **state)
{
	struct kb_req r;

	assert_string_equal(
		line_of(&r, kb_req_complete(&r, "/vmlin", "sda1")),
		"{\"type\":\"complete\",\"seq\":1,\"word\":\"/vmlin\",\"fs\":\"sda1\"}");
	assert_string_equal(line_of(&r, kb_req_complete(&r, "sd", NULL)),
			    "{\"type\":\"complete\",\"seq\":1,\"word\":\"sd\",\"fs\":null}");
}

static void test_seq_counts_per_connection(void **state)
{
	struct pair p = pair_open();
	struct kb_req r;

	assert_int_equal(kb_req_cancel(&r), 0);
	assert_int_equal(kb_conn_send_req(p.c, &r, 1000), 1);
	assert_string_equal(peer_line(&p), "{\"type\":\"cancel\",\"seq\":1}");
	kb_req_release(&r);
	assert_int_equal(kb_req_boot_id(&r, "x"), 0);
	assert_int_equal(kb_conn_send_req(p.c, &r, 1000), 2);
	assert_int_equal(kb_conn_send_req(p.c, &r, 1000), 3);
	assert_string_equal(peer_line(&p), "{\"type\":\"boot\",\"seq\":2,\"id\":\"x\"}");
	assert_string_equal(peer_line(&p), "{\"type\":\"boot\",\"seq\":3,\"id\":\"x\"}");
	kb_req_release(&r);
	pair_close(&p);
}

/* ---- Hostile strings ---- */

/* What each hostile string becomes on the wire, and parsed back. */
static const struct {
	const char *in, *json, *parsed;
} hostile[] = {
	{ "a\"b", "\"a\\\"b\"", "a\"b" },
	{ "a\\b\\", "\"a\\\\b\\\\\"", "a\\b\\" },
	{ "\"},\"type\":\"rescan", "\"\\\"},\\\"type\\\":\\\"rescan\"", "\"},\"type\":\"rescan" },
	{ "l1\nl2\tx\r", "\"l1\\nl2\\tx\\u000d\"", "l1\nl2\tx\r" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "\x01\x1f\x7f" },
	{ "caf\xc3\xa9 \xe2\x80\xa6", "\"caf\xc3\xa9 \xe2\x80\xa6\"", "caf\xc3\xa9 \xe2\x80\xa6" },
	/* invalid UTF-8: a stray byte, a cut sequence, an overlong form, a surrogate */
	{ "x\xffy", "\"x\xef\xbf\xbdy\"", "x\xef\xbf\xbdy" },
	{ "z\xc3", "\"z\xef\xbf\xbd\"", "z\xef\xbf\xbd" },
	{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
};

/* The line parses as JSON, and member key of it is want. */
static void assert_parses_to(const char *line, const char *key, const char *want)
{
	struct arena *a = arena_new();
	const struct kb_json *j = kb_json_parse(a, line, strlen(line), NULL);

	assert_non_null(j);
	assert_int_equal(j->type, KB_JOBJ);
	assert_string_equal(kb_json_get_str(j, key), want);
	arena_free(a);
}

static void test_hostile_strings_are_escaped_in_every_member(void **state)
{
	char want[512];
	size_t i;

	for (i = 0; i < N(hostile); i++) {
		const char *s = hostile[i].in, *j = hostile[i].json, *line;
		const char *v[] = { s };
		struct kb_req_files f = { .title = s,
					  .kernel = s,
					  .initrd = v,
					  .ninitrd = 1,
					  .dtb = s,
					  .cmdline = s,
					  .multiboot = true,
					  .module_args = v,
					  .nmodule_args = 1 };
		struct kb_req_static st = {
			.address = s, .prefix = 8, .gateway = s, .dns = v, .ndns = 1
		};
		struct kb_req r;

		line = line_of(&r, kb_req_boot_id(&r, s));
		snprintf(want, sizeof(want), "{\"type\":\"boot\",\"seq\":1,\"id\":%s}", j);
		assert_string_equal(line, want);
		assert_parses_to(line, "id", hostile[i].parsed);
		assert_parses_to(line, "type", "boot");

		line = line_of(&r, kb_req_boot_title(&r, s));
		snprintf(want, sizeof(want), "{\"type\":\"boot\",\"seq\":1,\"title\":%s}", j);
		assert_string_equal(line, want);

		line = line_of(&r, kb_req_boot_files(&r, &f));
		snprintf(want, sizeof(want),
			 "{\"type\":\"boot\",\"seq\":1,\"title\":%s,\"kernel\":%s,\"initrd\":[%s],"
			 "\"multiboot\":true,\"module_args\":[%s],\"dtb\":%s,\"cmdline\":%s}",
			 j, j, j, j, j, j);
		assert_string_equal(line, want);
		assert_parses_to(line, "cmdline", hostile[i].parsed);

		line = line_of(&r, kb_req_source_url(&r, s));
		snprintf(want, sizeof(want), "{\"type\":\"source\",\"seq\":1,\"url\":%s}", j);
		assert_string_equal(line, want);

		line = line_of(&r, kb_req_source_pxe(&r, s));
		snprintf(want, sizeof(want), "{\"type\":\"source\",\"seq\":1,\"pxe\":%s}", j);
		assert_string_equal(line, want);

		line = line_of(&r, kb_req_net_dhcp(&r, s));
		snprintf(want, sizeof(want),
			 "{\"type\":\"net\",\"seq\":1,\"iface\":%s,\"mode\":\"dhcp\"}", j);
		assert_string_equal(line, want);
		assert_parses_to(line, "mode", "dhcp");

		line = line_of(&r, kb_req_net_static(&r, s, &st));
		snprintf(want, sizeof(want),
			 "{\"type\":\"net\",\"seq\":1,\"iface\":%s,\"mode\":\"static\","
			 "\"address\":%s,\"prefix\":8,\"gateway\":%s,\"dns\":[%s]}",
			 j, j, j, j);
		assert_string_equal(line, want);
		assert_parses_to(line, "gateway", hostile[i].parsed);

		line = line_of(&r, kb_req_complete(&r, s, s));
		snprintf(want, sizeof(want),
			 "{\"type\":\"complete\",\"seq\":1,\"word\":%s,\"fs\":%s}", j, j);
		assert_string_equal(line, want);
		assert_parses_to(line, "fs", hostile[i].parsed);
	}
}

/* ---- Refusals ---- */

/* ret is -EINVAL, and r is not sent: nothing reaches the daemon's end. */
static void assert_refused(struct kb_req *r, int ret)
{
	struct pair p = pair_open();
	char c;

	assert_int_equal(ret, -EINVAL);
	assert_int_equal(kb_conn_send_req(p.c, r, 1000), -EINVAL);
	kb_req_release(r);
	kb_conn_close(p.c);
	assert_int_equal(read(p.peer, &c, 1), 0); /* end of stream, no byte */
	close(p.peer);
}

static void test_missing_members_are_refused(void **state)
{
	const char *with_null[] = { "sda1:/a", NULL };
	const char *args[] = { "ro", "quiet" };
	struct kb_req_static st = { .address = NULL, .prefix = 24 };
	struct kb_req_files f = { .kernel = NULL };
	struct kb_req r;

	assert_refused(&r, kb_req_boot_id(&r, NULL));
	assert_refused(&r, kb_req_boot_title(&r, NULL));
	assert_refused(&r, kb_req_boot_files(&r, &f));
	f.kernel = "sda1:/vmlinuz";
	f.initrd = with_null;
	f.ninitrd = 2;
	assert_refused(&r, kb_req_boot_files(&r, &f));
	f.initrd = args;
	f.module_args = args;
	f.nmodule_args = 1; /* without multiboot */
	assert_refused(&r, kb_req_boot_files(&r, &f));
	f.multiboot = true;
	f.ninitrd = 1;
	f.nmodule_args = 2; /* more than initrds */
	assert_refused(&r, kb_req_boot_files(&r, &f));
	assert_refused(&r, kb_req_source_url(&r, NULL));
	assert_refused(&r, kb_req_source_pxe(&r, NULL));
	assert_refused(&r, kb_req_net_dhcp(&r, NULL));
	assert_refused(&r, kb_req_net_none(&r, NULL));
	assert_refused(&r, kb_req_net_static(&r, "eth0", &st));
	st.address = "10.0.2.15";
	assert_refused(&r, kb_req_net_static(&r, NULL, &st));
	st.dns = with_null;
	st.ndns = 2;
	assert_refused(&r, kb_req_net_static(&r, "eth0", &st));
	assert_refused(&r, kb_req_complete(&r, NULL, "sda1"));
}

static void test_unbuilt_request_is_refused(void **state)
{
	struct kb_req r = KB_REQ_INIT;

	assert_refused(&r, -EINVAL);
	kb_req_release(&r); /* twice is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names_and_lookup_agree),
		cmocka_unit_test(test_boot_by_id_and_title),
		cmocka_unit_test(test_boot_files_as_kboot_boot_sends_them),
		cmocka_unit_test(test_boot_files_with_title_dtb_and_no_initrd),
		cmocka_unit_test(test_boot_files_multiboot_modules),
		cmocka_unit_test(test_requests_without_members),
		cmocka_unit_test(test_ssh_on_and_off),
		cmocka_unit_test(test_source_by_url_and_pxe),
		cmocka_unit_test(test_net_dhcp_none_and_static),
		cmocka_unit_test(test_complete_with_and_without_fs),
		cmocka_unit_test(test_seq_counts_per_connection),
		cmocka_unit_test(test_hostile_strings_are_escaped_in_every_member),
		cmocka_unit_test(test_missing_members_are_refused),
		cmocka_unit_test(test_unbuilt_request_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
