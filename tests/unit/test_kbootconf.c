// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_kbootconf.c - kboot.conf behaviour too small or too big for a golden
 * case: quoting, locations, reasons, defaults, and generated inputs (a
 * 10 MB file, 10,000 labels).  Realistic files are golden cases under
 * tests/data/kboot/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/scan.h"
#include "testutil.h"

/* A fresh tree: root/kboot.conf (given), root/vmlinuz, root/initrd.img, other/vmlinuz. */
static void tree(const char *conf)
{
	tu_sh("rm -rf root other");
	tu_put("root/kboot.conf", conf);
	tu_put("root/vmlinuz", "kernel\n");
	tu_put("root/initrd.img", "initrd\n");
	tu_put("other/vmlinuz", "kernel\n");
}

/* Scan root as sda1 and other as sdb1 (label DATA); the caller frees it. */
static struct kb_scan *scan(void)
{
	struct kb_scan *s = kb_scan_new();

	assert_non_null(s);
	tu_add_source(s, "root:name=sda1");
	tu_add_source(s, "other:name=sdb1:label=DATA");
	assert_int_equal(kb_scan_run(s), 0);
	return s;
}

static void test_label_fields(void **state)
{
	struct kb_scan *s;
	const struct kb_entry *e;

	tree("linux=/vmlinuz initrd=/initrd.img ro quiet\n");
	s = scan();
	e = tu_entry(s, "linux");
	assert_string_equal(e->cfg_id, "linux");
	assert_string_equal(e->source, "kboot");
	assert_string_equal(e->kernel.fs->name, "sda1");
	assert_string_equal(e->kernel.path, "/vmlinuz");
	assert_int_equal(e->initrds.n, 1);
	assert_string_equal(((struct kb_file *)e->initrds.v[0])->path, "/initrd.img");
	assert_string_equal(e->cmdline, "ro quiet");
	assert_int_equal(e->line, 1);
	kb_scan_free(s);
}

static void test_blanks_around_equals(void **state)
{
	struct kb_scan *s;

	tree("  default = b\ntimeout =  4 \n a = /vmlinuz one\n\tb\t=\t/vmlinuz two\n");
	s = scan();
	assert_int_equal(s->menu.timeout, 4);
	assert_true(tu_entry(s, "b")->is_default);
	assert_string_equal(tu_entry(s, "a")->cmdline, "one");
	kb_scan_free(s);
}

static void test_whole_value_quotes(void **state)
{
	struct kb_scan *s;

	tree("a='/vmlinuz root=/dev/sda1'\nb=\"/vmlinuz x\"\nc=\"/vmlinuz\" \"y z\"\n");
	s = scan();
	assert_string_equal(tu_entry(s, "a")->cmdline, "root=/dev/sda1");
	assert_string_equal(tu_entry(s, "b")->cmdline, "x");
	/* Not quoted as a whole: the quotes belong to the words. */
	assert_string_equal(tu_entry(s, "c")->cmdline, "\"y z\"");
	kb_scan_free(s);
}

static void test_default_is_first_of_duplicates(void **state)
{
	struct kb_scan *s;

	tree("default=x\nx=/vmlinuz one\nx=/vmlinuz two\n");
	s = scan();
	assert_true(tu_warned(s, "duplicate label \"x\""));
	assert_true(((struct kb_entry *)s->menu.entries.v[0])->is_default);
	assert_false(((struct kb_entry *)s->menu.entries.v[1])->is_default);
	kb_scan_free(s);
}

static void test_default_is_case_sensitive(void **state)
{
	struct kb_scan *s;

	tree("default=LINUX\nlinux=/vmlinuz\n");
	s = scan();
	assert_true(tu_warned(s, "default=LINUX names no entry"));
	kb_scan_free(s);
}

static void test_device_locations(void **state)
{
	struct kb_scan *s;

	tree("a=sdb1:/vmlinuz 1\nb=/dev/sdb1:vmlinuz 2\nc=LABEL=DATA:/vmlinuz 3\n"
	     "d=/dev/sdb1:/../../vmlinuz 4\n");
	s = scan();
	assert_string_equal(tu_entry(s, "a")->kernel.fs->name, "sdb1");
	assert_string_equal(tu_entry(s, "b")->kernel.path, "/vmlinuz");
	assert_string_equal(tu_entry(s, "c")->kernel.fs->name, "sdb1");
	/* ".." cannot leave the filesystem. */
	assert_string_equal(tu_entry(s, "d")->kernel.path, "/vmlinuz");
	assert_true(tu_entry(s, "d")->available);
	kb_scan_free(s);
}

static void test_network_reasons(void **state)
{
	struct kb_scan *s;
	const struct kb_entry *e;

	tree("h=https://example.com/vmlinuz\nn=fileserver:/srv/vmlinuz\n");
	s = scan();
	e = tu_entry(s, "h");
	assert_false(e->available);
	assert_string_equal(
		e->reason,
		"kernel https://example.com/vmlinuz: network files are not supported yet");
	assert_null(e->kernel.fs);
	e = tu_entry(s, "n");
	assert_false(e->available);
	assert_non_null(strstr(e->reason, "network files are not supported yet"));
	kb_scan_free(s);
}

static void test_absolute_path_with_colon(void **state)
{
	struct kb_scan *s;

	/* A path starting with '/' (not /dev/) is a path even with a ':'. */
	tree("a=/boot/vm:linuz\n");
	tu_put("root/boot/vm:linuz", "kernel\n");
	s = scan();
	assert_string_equal(tu_entry(s, "a")->kernel.path, "/boot/vm:linuz");
	assert_true(tu_entry(s, "a")->available);
	kb_scan_free(s);
}

static void test_empty_initrd_warns(void **state)
{
	struct kb_scan *s;

	tree("a=/vmlinuz initrd= quiet\n");
	s = scan();
	assert_true(tu_warned(s, "empty initrd="));
	assert_string_equal(tu_entry(s, "a")->cmdline, "quiet");
	assert_int_equal(tu_entry(s, "a")->initrds.n, 0);
	kb_scan_free(s);
}

static void test_binary_file_is_refused(void **state)
{
	struct kb_scan *s;

	tree("");
	tu_put_len("root/kboot.conf", "a=/vmlinuz\0\n", 12);
	s = scan();
	assert_true(tu_warned(s, "binary data"));
	kb_scan_free(s);
}

static void test_ten_thousand_labels(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_scan *s;
	int i;

	sb_adds(&sb, "default=l5000\ntimeout=3\n");
	for (i = 0; i < 10000; i++)
		sb_printf(&sb, "l%d=/vmlinuz n=%d\n", i, i);
	assert_false(sb.oom);
	tree(sb_str(&sb));
	sb_release(&sb);
	s = scan();
	/* Only kboot.conf's: the fallback scan lists other/vmlinuz too. */
	assert_int_equal(tu_count_source(s, "kboot"), 10000);
	assert_true(tu_entry(s, "l5000")->is_default);
	assert_string_equal(tu_entry(s, "l9999")->cmdline, "n=9999");
	assert_int_equal(s->menu.warnings.n, 0);
	kb_scan_free(s);
}

static void test_ten_megabyte_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_scan *s;

	sb_adds(&sb, "first=/vmlinuz a\n");
	while (sb.len < 10 * 1024 * 1024)
		sb_adds(&sb, "# padding: a comment line kboot skips, to make the file big\n\n");
	sb_adds(&sb, "last=/vmlinuz b\n");
	assert_false(sb.oom);
	tree(sb_str(&sb));
	sb_release(&sb);
	s = scan();
	assert_int_equal(tu_count_source(s, "kboot"), 2);
	assert_string_equal(tu_entry(s, "last")->cmdline, "b");
	kb_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_fields),
		cmocka_unit_test(test_blanks_around_equals),
		cmocka_unit_test(test_whole_value_quotes),
		cmocka_unit_test(test_default_is_first_of_duplicates),
		cmocka_unit_test(test_default_is_case_sensitive),
		cmocka_unit_test(test_device_locations),
		cmocka_unit_test(test_network_reasons),
		cmocka_unit_test(test_absolute_path_with_colon),
		cmocka_unit_test(test_empty_initrd_warns),
		cmocka_unit_test(test_binary_file_is_refused),
		cmocka_unit_test(test_ten_thousand_labels),
		cmocka_unit_test(test_ten_megabyte_file),
	};

	return cmocka_run_group_tests_name("kbootconf", tests, tu_make_tmp, tu_remove_tmp);
}
