// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_remote.c - core/net/remote.c: what a config URL and a PXE lease turn
 * into (base URL, config paths, parser, IPAPPEND strings), URLs of a
 * source's files, and the parser chosen for a fetched config.  The fetch
 * and the scan of a network source run for real in tests/daemon and
 * tests/e2e.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/parser.h"
#include "net/remote.h"

static struct arena *a;

static int setup(void **state)
{
	a = arena_new();
	return a ? 0 : -1;
}

static int teardown(void **state)
{
	arena_free(a);
	return 0;
}

static void test_config_url_splits_into_base_and_path(void **state)
{
	struct kb_remote r;
	char err[256];

	assert_int_equal(
		kb_remote_from_url(a, "http://h:8080/a/../boot/grub.cfg#x", &r, err, sizeof(err)),
		0);
	assert_int_equal(r.kind, KB_REMOTE_CONFIG);
	assert_string_equal(r.base, "http://h:8080");
	assert_int_equal(r.nconfigs, 1);
	assert_string_equal(r.configs[0], "/boot/grub.cfg");
	assert_null(r.parser);

	assert_int_equal(
		kb_remote_from_url(a, "tftp://10.0.2.2/pxelinux.cfg/default", &r, err, sizeof(err)),
		0);
	assert_string_equal(r.base, "tftp://10.0.2.2");
	assert_string_equal(r.configs[0], "/pxelinux.cfg/default");

	assert_int_equal(kb_remote_from_url(a, "file:///srv/kboot.conf", &r, err, sizeof(err)), 0);
	assert_string_equal(r.base, "file://");
	assert_string_equal(r.configs[0], "/srv/kboot.conf");
}

static void test_bls_entry_url_is_based_above_loader(void **state)
{
	struct kb_remote r;
	char err[256];

	assert_int_equal(
		kb_remote_from_url(a, "http://h/esp/loader/entries/deb.conf", &r, err, sizeof(err)),
		0);
	assert_string_equal(r.base, "http://h/esp");
	assert_string_equal(r.configs[0], "/loader/entries/deb.conf");
	assert_string_equal(r.parser, "bls");
}

static void test_nfs_and_bad_urls(void **state)
{
	struct kb_remote r;
	char err[256];

	assert_int_equal(kb_remote_from_url(a, "nfs://10.0.2.100/export", &r, err, sizeof(err)), 0);
	assert_int_equal(r.kind, KB_REMOTE_NFS);
	assert_string_equal(r.url, "nfs://10.0.2.100/export");

	assert_int_equal(kb_remote_from_url(a, "htp://x/k", &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown scheme"));
	assert_int_equal(kb_remote_from_url(a, "http://h/boot/", &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "directory"));
}

static struct kb_iface lease(const char *bootfile, const char *cfg, const char *prefix)
{
	struct kb_iface x = { .name = "eth0",
			      .mac = "52:54:00:12:34:56",
			      .state = KB_NET_UP,
			      .addr = "10.0.2.15",
			      .prefix = 24,
			      .server = "10.0.2.2" };

	snprintf(x.bootfile, sizeof(x.bootfile), "%s", bootfile);
	snprintf(x.pxe_config, sizeof(x.pxe_config), "%s", cfg);
	snprintf(x.pxe_prefix, sizeof(x.pxe_prefix), "%s", prefix);
	return x;
}

static void test_pxe_probes_pxelinux_names_beside_the_boot_file(void **state)
{
	struct kb_iface x = lease("boot/x86/pxelinux.0", "", "");
	struct kb_remote r;
	char err[256];

	assert_true(kb_remote_lease_wants_pxe(&x));
	assert_int_equal(kb_remote_pxe(a, &x, NULL, &r, err, sizeof(err)), 0);
	assert_string_equal(r.base, "tftp://10.0.2.2/boot/x86");
	assert_string_equal(r.basedir, "/");
	assert_string_equal(r.parser, "syslinux");
	assert_string_equal(r.iface, "eth0");
	assert_int_equal(r.nconfigs, 10);
	assert_string_equal(r.configs[0], "/pxelinux.cfg/01-52-54-00-12-34-56");
	assert_string_equal(r.configs[1], "/pxelinux.cfg/0A00020F");
	assert_string_equal(r.configs[9], "/pxelinux.cfg/default");
	assert_string_equal(r.ipappend[0], "ip=10.0.2.15:10.0.2.2::255.255.255.0");
	assert_string_equal(r.ipappend[1], "BOOTIF=01-52-54-00-12-34-56");
}

static void test_pxe_options_209_and_210_and_66(void **state)
{
	struct kb_iface x = lease("pxelinux.0", "configs/rack7.cfg", "/srv/tftp/");
	struct kb_remote r;
	char err[256];

	snprintf(x.tftp, sizeof(x.tftp), "boot.example");
	assert_int_equal(kb_remote_pxe(a, &x, NULL, &r, err, sizeof(err)), 0);
	assert_string_equal(r.base, "tftp://boot.example/srv/tftp");
	assert_int_equal(r.nconfigs, 1);
	assert_string_equal(r.configs[0], "/configs/rack7.cfg");

	x = lease("pxelinux.0", "pxelinux.cfg/kboot", "tftp://192.168.77.1/boot/");
	assert_int_equal(kb_remote_pxe(a, &x, NULL, &r, err, sizeof(err)), 0);
	assert_string_equal(r.base, "tftp://192.168.77.1/boot");
	assert_string_equal(r.configs[0], "/pxelinux.cfg/kboot");

	x = lease("", "http://10.0.2.100:8080/pxe/menu.cfg", "");
	assert_int_equal(kb_remote_pxe(a, &x, NULL, &r, err, sizeof(err)), 0);
	assert_string_equal(r.base, "http://10.0.2.100:8080");
	assert_string_equal(r.configs[0], "/pxe/menu.cfg");
	assert_string_equal(r.parser, "syslinux");
}

static void test_pxe_boot_file_that_is_a_config(void **state)
{
	struct kb_iface x = lease("tftpboot/pxelinux.cfg/default", "", "");
	struct kb_remote r;
	char err[256];

	assert_int_equal(kb_remote_pxe(a, &x, "B8945908-D6A6", &r, err, sizeof(err)), 0);
	assert_string_equal(r.base, "tftp://10.0.2.2/tftpboot");
	assert_int_equal(r.nconfigs, 1);
	assert_string_equal(r.configs[0], "/pxelinux.cfg/default");
}

static void test_pxe_without_a_server(void **state)
{
	struct kb_iface x = lease("", "", "");
	struct kb_remote r;
	char err[256];

	x.server[0] = '\0';
	assert_false(kb_remote_lease_wants_pxe(&x));
	assert_int_equal(kb_remote_pxe(a, &x, NULL, &r, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "eth0: the DHCP answer names no boot server");
}

static void test_urls_of_files(void **state)
{
	char out[64];

	assert_int_equal(kb_remote_url("http://h", "/my kernel%20x%zz", out, sizeof(out)), 0);
	assert_string_equal(out, "http://h/my%20kernel%20x%25zz");
	assert_int_equal(kb_remote_url("tftp://h/p", "/pxelinux.cfg/default", out, sizeof(out)), 0);
	assert_string_equal(out, "tftp://h/p/pxelinux.cfg/default");
	assert_int_equal(kb_remote_url("http://h",
				       "/0123456789012345678901234567890123456789"
				       "01234567890123456789",
				       out, sizeof(out)),
			 -ENAMETOOLONG);
}

static void test_parser_by_name_then_content(void **state)
{
	assert_string_equal(kb_parser_guess("/boot/grub/grub.cfg", ""), "grub2");
	assert_string_equal(kb_parser_guess("/pxelinux.cfg/01-aa", "menuentry"), "syslinux");
	assert_string_equal(kb_parser_guess("/x/extlinux.conf", ""), "syslinux");
	assert_string_equal(kb_parser_guess("/loader/entries/a.conf", ""), "bls");
	assert_string_equal(kb_parser_guess("/etc/lilo.conf", ""), "lilo");
	assert_string_equal(kb_parser_guess("/kboot.conf", ""), "kboot");
	assert_string_equal(kb_parser_guess("/menu", "set x=1\nmenuentry 'a' {\n}\n"), "grub2");
	assert_string_equal(kb_parser_guess("/menu", "DEFAULT a\n  LABEL a\n"), "syslinux");
	assert_string_equal(kb_parser_guess("/menu", "title A\nlinux /k\n"), "bls");
	assert_string_equal(kb_parser_guess("/menu", "image=/vmlinuz\n"), "lilo");
	assert_string_equal(kb_parser_guess("/menu", "default=a\na='/k ro'\n"), "kboot");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_url_splits_into_base_and_path),
		cmocka_unit_test(test_bls_entry_url_is_based_above_loader),
		cmocka_unit_test(test_nfs_and_bad_urls),
		cmocka_unit_test(test_pxe_probes_pxelinux_names_beside_the_boot_file),
		cmocka_unit_test(test_pxe_options_209_and_210_and_66),
		cmocka_unit_test(test_pxe_boot_file_that_is_a_config),
		cmocka_unit_test(test_pxe_without_a_server),
		cmocka_unit_test(test_urls_of_files),
		cmocka_unit_test(test_parser_by_name_then_content),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
