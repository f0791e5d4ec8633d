// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lilo.c - lilo.conf behaviour too small or too big for a golden case:
 * command line order, timer units, hotkeys, lexer corners, and generated
 * inputs (a 10 MB file, 10,000 images).  Realistic files are golden cases
 * under tests/data/lilo/.
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
#include <sys/stat.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/scan.h"
#include "testutil.h"

/* A fresh tree: root/ holds lilo.conf (given) and a kernel /boot/vmlinuz. */
static void tree(const char *conf)
{
	tu_sh("rm -rf root");
	tu_put("root/etc/lilo.conf", conf);
	tu_put("root/boot/vmlinuz", "kernel\n");
}

/* Scan tu_tmp/root as sda2 (uuid, partuuid given); the caller frees it. */
static struct kb_scan *scan_root(void)
{
	struct kb_scan *s = kb_scan_new();

	assert_non_null(s);
	tu_add_source(s, "root:name=sda2:uuid=1111-2222:partuuid=aaaa-01");
	assert_int_equal(kb_scan_run(s), 0);
	return s;
}

static bool entry_warned(const struct kb_entry *e, const char *part)
{
	size_t i;

	if (e->reason && strstr(e->reason, part))
		return true;
	for (i = 0; i < e->warnings.n; i++)
		if (strstr(strv_get(&e->warnings, i), part))
			return true;
	return false;
}

/* ---- Command line ---- */

static void test_cmdline_order_is_lilos(void **state)
{
	struct kb_scan *s;

	tree("append=\"quiet\"\nread-write\nimage=/boot/vmlinuz\n label=x\n root=/dev/sda2\n"
	     " ramdisk=0x10\n read-only\n addappend=\"splash\"\n");
	s = scan_root();
	/* bsect.c: ro, rw, root=, ramdisk=, append, addappend. */
	assert_string_equal(tu_entry(s, "x")->cmdline,
			    "BOOT_IMAGE=x ro rw root=/dev/sda2 ramdisk=16 quiet splash");
	kb_scan_free(s);
}

static void test_literal_keeps_only_boot_image(void **state)
{
	struct kb_scan *s;

	tree("root=/dev/sda2\nread-only\nappend=\"quiet\"\n"
	     "image=/boot/vmlinuz\n label=x\n literal=\"  init=/bin/sh   \"\n addappend=\"y\"\n");
	s = scan_root();
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x init=/bin/sh");
	kb_scan_free(s);
}

static void test_blanks_collapse(void **state)
{
	struct kb_scan *s;

	tree("append=\"  a \t  b  \"\nimage=/boot/vmlinuz\n label=x\n");
	s = scan_root();
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x a b");
	kb_scan_free(s);
}

static void test_root_current_without_ids(void **state)
{
	struct kb_scan *s = kb_scan_new();

	tree("root=current\nimage=/boot/vmlinuz\n label=x\n");
	tu_add_source(s, "root:name=sda2");
	assert_int_equal(kb_scan_run(s), 0);
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x");
	assert_true(entry_warned(tu_entry(s, "x"), "root=current"));
	kb_scan_free(s);
}

static void test_root_value_with_equals_is_glued(void **state)
{
	struct kb_scan *s;

	tree("image=/boot/vmlinuz\n label=x\n root=UUID=abcd-ef\n");
	s = scan_root();
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x root=UUID=abcd-ef");
	assert_true(tu_warned(s, "wants quotes"));
	kb_scan_free(s);
}

/* ---- Timeout ---- */

static int timeout_of(const char *conf)
{
	struct kb_scan *s;
	char buf[512];
	int t;

	snprintf(buf, sizeof(buf), "%simage=/boot/vmlinuz\n label=x\n", conf);
	tree(buf);
	s = scan_root();
	t = s->menu.timeout;
	kb_scan_free(s);
	return t;
}

static void test_timeout_units(void **state)
{
	assert_int_equal(timeout_of("prompt\ntimeout=1\n"), 1); /* 0.1 s rounds up */
	assert_int_equal(timeout_of("prompt\ntimeout=100\n"), 10);
	assert_int_equal(timeout_of("prompt\ntimeout=3s\n"), 3);
	assert_int_equal(timeout_of("prompt\ntimeout=2m\n"), 120);
	assert_int_equal(timeout_of("prompt\ntimeout=25t\n"), 3);
	assert_int_equal(timeout_of("prompt\ntimeout=0x14\n"), 2); /* strtol base 0 */
	assert_int_equal(timeout_of("prompt\ntimeout=0\n"), 0);
	assert_int_equal(timeout_of("prompt\n"), KB_TIMEOUT_WAIT);
	assert_int_equal(timeout_of("prompt\nunattended\n"), 20);
	assert_int_equal(timeout_of("prompt\ntimeout=36001\n"), KB_TIMEOUT_WAIT); /* invalid */
}

static void test_no_prompt_uses_delay(void **state)
{
	assert_int_equal(timeout_of(""), 0);
	assert_int_equal(timeout_of("timeout=100\n"), 0); /* timeout needs prompt */
	assert_int_equal(timeout_of("delay=25\n"), 3);
	assert_int_equal(timeout_of("serial=0,9600n8\n"), 2);
	assert_int_equal(timeout_of("serial=0\ndelay=50\n"), 5);
}

/* ---- Labels, defaults, hotkeys ---- */

static void test_label_rules(void **state)
{
	struct kb_scan *s;
	const struct kb_entry *e;

	tree("image=/boot/vmlinuz\n append=\"1\"\n"
	     "image=/boot/vmlinuz\n label=\"My Linux\"\n append=\"2\"\n");
	s = scan_root();
	e = tu_entry(s, "vmlinuz");
	assert_string_equal(e->cfg_id, "vmlinuz");
	assert_string_equal(e->cmdline, "BOOT_IMAGE=vmlinuz 1");
	e = tu_entry(s, "My_Linux");
	assert_string_equal(e->cfg_id, "My_Linux");
	kb_scan_free(s);
}

static void test_hotkeys(void **state)
{
	struct kb_scan *s;

	tree("image=/boot/vmlinuz\n label=Linux\n alias=1\n append=\"a\"\n"
	     "image=/boot/vmlinuz\n label=r\n single-key\n append=\"b\"\n"
	     "image=/boot/vmlinuz\n label=long\n alias=longer\n append=\"c\"\n");
	s = scan_root();
	assert_int_equal(tu_entry(s, "Linux")->hotkey, '1');
	assert_int_equal(tu_entry(s, "r")->hotkey, 'r');
	assert_int_equal(tu_entry(s, "long")->hotkey, '\0');
	kb_scan_free(s);
}

static void test_default_by_label_case_insensitive(void **state)
{
	struct kb_scan *s;

	tree("default=SECOND\nimage=/boot/vmlinuz\n label=first\n append=\"a\"\n"
	     "image=/boot/vmlinuz\n label=second\n append=\"b\"\n");
	s = scan_root();
	assert_false(tu_entry(s, "first")->is_default);
	assert_true(tu_entry(s, "second")->is_default);
	kb_scan_free(s);
}

static void test_other_is_listed_unavailable(void **state)
{
	struct kb_scan *s;
	const struct kb_entry *e;

	tree("other=/dev/sda1\n label=dos\n table=/dev/sda\n loader=/boot/chain.b\n"
	     "image=/boot/vmlinuz\n label=x\n");
	s = scan_root();
	e = tu_entry(s, "dos");
	assert_false(e->available);
	assert_non_null(strstr(e->reason, "kexec"));
	assert_null(e->kernel.fs);
	assert_int_equal(s->menu.warnings.n, 0);
	kb_scan_free(s);
}

static void test_global_optional(void **state)
{
	struct kb_scan *s;

	tree("optional\nimage=/boot/vmlinuz\n label=here\nimage=/boot/gone\n label=gone\n");
	s = scan_root();
	assert_int_equal(s->menu.entries.n, 1);
	assert_string_equal(tu_entry(s, "here")->title, "here");
	kb_scan_free(s);
}

/* ---- Lexer ---- */

static void test_keywords_case_insensitive(void **state)
{
	struct kb_scan *s;

	tree("PROMPT\nTIMEOUT=20\nIMAGE=/boot/vmlinuz\n LABEL=x\n READ-ONLY\n");
	s = scan_root();
	assert_int_equal(s->menu.timeout, 2);
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x ro");
	assert_int_equal(s->menu.warnings.n, 0);
	kb_scan_free(s);
}

static void test_quoted_escapes(void **state)
{
	struct kb_scan *s;

	tree("image=/boot/vmlinuz label=x append=\"a=\\\"b c\\\" d\\\\e\"\n");
	s = scan_root();
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x a=\"b c\" d\\e");
	kb_scan_free(s);
}

static void test_dollar_variable_warns(void **state)
{
	struct kb_scan *s;

	tree("image=/boot/vmlinuz\n label=x\n append=\"root=$ROOT\"\n");
	s = scan_root();
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x root=$ROOT");
	assert_true(tu_warned(s, "$ variables"));
	kb_scan_free(s);
}

static void test_escaped_dollar_is_quiet(void **state)
{
	struct kb_scan *s;

	tree("image=/boot/vmlinuz\n label=x\n append=\"a=\\$b\"\n");
	s = scan_root();
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x a=$b");
	assert_int_equal(s->menu.warnings.n, 0);
	kb_scan_free(s);
}

static void test_binary_file_is_refused(void **state)
{
	struct kb_scan *s;

	tree("");
	tu_put_len("root/etc/lilo.conf", "image=/boot/vmlinuz\0label=x\n", 28);
	s = scan_root();
	assert_true(tu_warned(s, "binary data"));
	kb_scan_free(s);
}

static void test_value_missing_at_eof(void **state)
{
	struct kb_scan *s;

	tree("image=/boot/vmlinuz\n label=x\nappend=");
	s = scan_root();
	assert_true(tu_warned(s, "value expected"));
	assert_string_equal(tu_entry(s, "x")->cmdline, "BOOT_IMAGE=x");
	kb_scan_free(s);
}

/* ---- Generated big inputs ---- */

static void test_ten_thousand_images(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_scan *s;
	int i;

	sb_adds(&sb, "prompt\ntimeout=50\nroot=/dev/sda2\nread-only\n");
	for (i = 0; i < 10000; i++)
		sb_printf(&sb, "image=/boot/vmlinuz\n\tlabel=L%d\n\tappend=\"n=%d\"\n", i, i);
	assert_false(sb.oom);
	tree(sb_str(&sb));
	sb_release(&sb);
	s = scan_root();
	assert_int_equal(s->menu.entries.n, 10000);
	assert_string_equal(tu_entry(s, "L9999")->cmdline,
			    "BOOT_IMAGE=L9999 ro root=/dev/sda2 n=9999");
	assert_true(tu_entry(s, "L0")->is_default);
	assert_int_equal(s->menu.warnings.n, 0);
	kb_scan_free(s);
}

static void test_ten_megabyte_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_scan *s;

	while (sb.len < 10 * 1024 * 1024)
		sb_adds(&sb, "# a comment line that lilo skips, padding the file out to ten MB\n"
			     "  compact lba32   # several items on one line\n");
	sb_adds(&sb, "image=/boot/vmlinuz\n label=first\n append=\"a\"\n");
	sb_adds(&sb, "image=/boot/vmlinuz\n label=last\n append=\"b\"\n");
	assert_false(sb.oom);
	tree(sb_str(&sb));
	sb_release(&sb);
	s = scan_root();
	assert_int_equal(s->menu.entries.n, 2);
	assert_string_equal(tu_entry(s, "last")->cmdline, "BOOT_IMAGE=last b");
	assert_int_equal(s->menu.warnings.n, 0);
	kb_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_order_is_lilos),
		cmocka_unit_test(test_literal_keeps_only_boot_image),
		cmocka_unit_test(test_blanks_collapse),
		cmocka_unit_test(test_root_current_without_ids),
		cmocka_unit_test(test_root_value_with_equals_is_glued),
		cmocka_unit_test(test_timeout_units),
		cmocka_unit_test(test_no_prompt_uses_delay),
		cmocka_unit_test(test_label_rules),
		cmocka_unit_test(test_hotkeys),
		cmocka_unit_test(test_default_by_label_case_insensitive),
		cmocka_unit_test(test_other_is_listed_unavailable),
		cmocka_unit_test(test_global_optional),
		cmocka_unit_test(test_keywords_case_insensitive),
		cmocka_unit_test(test_quoted_escapes),
		cmocka_unit_test(test_dollar_variable_warns),
		cmocka_unit_test(test_escaped_dollar_is_quiet),
		cmocka_unit_test(test_binary_file_is_refused),
		cmocka_unit_test(test_value_missing_at_eof),
		cmocka_unit_test(test_ten_thousand_images),
		cmocka_unit_test(test_ten_megabyte_file),
	};

	return cmocka_run_group_tests_name("lilo", tests, tu_make_tmp, tu_remove_tmp);
}
