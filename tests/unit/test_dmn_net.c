// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dmn_net.c - the daemon's "net" request (core/daemon/net.c) on what
 * a hostile client sends: an address longer than any buffer, a prefix that
 * is no whole number from 0 to 128.  Each is refused with a sentence before
 * the interfaces are touched (here they are a dummy no code may follow):
 * the request once overflowed the stack building its text (ASan,
 * `make unit-asan`) and cast 1e300 to an int.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/private.h"
#include "lib/arena.h"
#include "lib/jsonparse.h"

/* Run one "net" request (JSON text) against a daemon whose network is a dummy. */
static int net_request(const char *json, const char **err)
{
	static char dummy; /* never followed: every request here is refused first */
	struct kb_daemon d = { 0 };
	struct arena *a = arena_new();
	struct dmn_request r = { .a = a };
	const char *perr = NULL;
	int ret;

	d.net.ifaces = (struct kb_net *)&dummy;
	r.req = kb_json_parse(a, json, strlen(json), &perr);
	assert_non_null(r.req);
	*err = NULL;
	ret = dmn_req_net(&d, &r, err);
	/* The sentence lives in the arena: keep a copy for the caller. */
	*err = *err ? strdup(*err) : NULL;
	arena_free(a);
	return ret;
}

static void test_address_longer_than_any_buffer(void **state)
{
	char json[2048], addr[1101];
	const char *err;

	memset(addr, '1', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	snprintf(json, sizeof(json),
		 "{\"iface\":\"eth0\",\"mode\":\"static\",\"address\":\"%s\",\"prefix\":24,"
		 "\"gateway\":\"10.0.2.2\",\"dns\":[\"10.0.2.3\",\"10.0.2.4\"]}",
		 addr);
	assert_int_equal(net_request(json, &err), -EINVAL);
	assert_non_null(err);
	assert_non_null(strstr(err, "address"));
	free((void *)err);
}

static void test_prefix_must_be_a_whole_number_from_0_to_128(void **state)
{
	static const char *const bad[] = { "1e300", "-1", "129", "24.5", "-1e999", "\"24\"" };
	char json[256];
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(json, sizeof(json),
			 "{\"iface\":\"eth0\",\"mode\":\"static\",\"address\":\"10.0.2.15\","
			 "\"prefix\":%s}",
			 bad[i]);
		assert_int_equal(net_request(json, &err), -EINVAL);
		assert_non_null(err);
		assert_string_equal(err, "\"prefix\" must be a whole number from 0 to 128");
		free((void *)err);
	}
}

static void test_whole_numbers_in_json(void **state)
{
	const char *text = "[24, 1e300, -1e999, 2.5, -0, 128, \"3\"]";
	struct arena *a = arena_new();
	const struct kb_json *j;
	long long v = 99;

	j = kb_json_parse(a, text, strlen(text), NULL);
	assert_non_null(j);
	assert_true(kb_json_int(j->item[0], 0, 128, &v));
	assert_int_equal(v, 24);
	assert_false(kb_json_int(j->item[1], 0, 128, &v));
	assert_false(kb_json_int(j->item[2], -128, 128, &v));
	assert_false(kb_json_int(j->item[3], 0, 128, &v));
	assert_true(kb_json_int(j->item[4], 0, 128, &v));
	assert_int_equal(v, 0);
	assert_true(kb_json_int(j->item[5], 0, 128, &v));
	assert_false(kb_json_int(j->item[5], 0, 127, &v));
	assert_false(kb_json_int(j->item[6], 0, 128, &v));
	assert_false(kb_json_int(NULL, 0, 128, &v));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_longer_than_any_buffer),
		cmocka_unit_test(test_prefix_must_be_a_whole_number_from_0_to_128),
		cmocka_unit_test(test_whole_numbers_in_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
