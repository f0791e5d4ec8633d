// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pxe.c - core/net/pxe.c: pxelinux's config file order and IPAPPEND,
 * checked against the example in syslinux's PXELINUX documentation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/pxe.h"

static void test_order_of_the_pxelinux_documentation(void **state)
{
	static const char *const want[] = {
		"pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d",
		"pxelinux.cfg/01-88-99-aa-bb-cc-dd",
		"pxelinux.cfg/C0A8025B",
		"pxelinux.cfg/C0A8025",
		"pxelinux.cfg/C0A802",
		"pxelinux.cfg/C0A80",
		"pxelinux.cfg/C0A8",
		"pxelinux.cfg/C0A",
		"pxelinux.cfg/C0",
		"pxelinux.cfg/C",
		"pxelinux.cfg/default",
	};
	char got[KB_PXE_MAX][KB_PXE_NAME];
	size_t i, n;

	n = kb_pxe_candidates("b8945908-d6a6-41a9-611d-74a6ab80b83d", "88:99:AA:BB:CC:DD",
			      "192.168.2.91", got);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
}

static void test_missing_parts_are_skipped(void **state)
{
	char got[KB_PXE_MAX][KB_PXE_NAME];

	assert_int_equal(kb_pxe_candidates(NULL, NULL, NULL, got), 1);
	assert_string_equal(got[0], "pxelinux.cfg/default");
	assert_int_equal(kb_pxe_candidates(NULL, "not-a-mac", "10.0.2.15", got), 9);
	assert_string_equal(got[0], "pxelinux.cfg/0A00020F");
}

static void test_ipappend_1_and_2(void **state)
{
	struct kb_iface x = { .mac = "52:54:00:12:34:56",
			      .addr = "10.0.2.15",
			      .prefix = 24,
			      .gateway = "10.0.2.2",
			      .server = "10.0.2.2" };
	char out[256];

	kb_pxe_ipappend(1, &x, out, sizeof(out));
	assert_string_equal(out, "ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0");
	kb_pxe_ipappend(2, &x, out, sizeof(out));
	assert_string_equal(out, "BOOTIF=01-52-54-00-12-34-56");
	kb_pxe_ipappend(3, &x, out, sizeof(out));
	assert_string_equal(out, "ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0 "
				 "BOOTIF=01-52-54-00-12-34-56");
	x.addr[0] = '\0';
	kb_pxe_ipappend(3, &x, out, sizeof(out));
	assert_string_equal(out, "BOOTIF=01-52-54-00-12-34-56");
	kb_pxe_ipappend(0, &x, out, sizeof(out));
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_of_the_pxelinux_documentation),
		cmocka_unit_test(test_missing_parts_are_skipped),
		cmocka_unit_test(test_ipappend_1_and_2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
