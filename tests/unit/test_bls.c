// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_bls.c - the Boot Loader Specification parser on generated inputs:
 * the sort order over thousands of entries, the architecture filter on
 * this machine, size limits, loader.conf values, grubenv escapes and line
 * ends.  Small, readable cases live in tests/data/bls/ as golden files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config/parser.h"
#include "config/parsers/version-compare.h"
#include "config/scan.h"
#include "testutil.h"

/* The filesystem under test is tu_tmp/case; clear_case() empties it. */
static void clear_case(void)
{
	tu_sh("rm -rf case");
}

/* Scan tu_tmp/case as one filesystem named "t"; the caller frees it. */
static struct kb_scan *scan_case(void)
{
	struct kb_fs id = { .name = "t", .uuid = "1234-5678", .disk = -1, .rootfd = -1 };

	return tu_scan_dir("case", &id);
}

/*
 * 3000 entries with random sort-keys, machine-ids, versions and boot
 * counters: the menu order must follow the specification's rules pairwise.
 * Each entry's options record its attributes: "K M V L" (K/M "-" when
 * unset, L the tries left or -1).
 */
static void test_sort_order_many(void **state)
{
	static const char *const keys[] = { NULL, "debian", "fedora", "arch" };
	static const char *const mids[] = { NULL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" };
	struct kb_scan *s;
	char name[128], text[512];
	int i, n = 3000;
	size_t j;

	clear_case();
	tu_put("case/vmlinuz", "k");
	srand(7);
	for (i = 0; i < n; i++) {
		const char *k = keys[rand() % 4], *m = mids[rand() % 3];
		int left = rand() % 5 - 1; /* -1: no counter */
		char ver[32];

		snprintf(ver, sizeof(ver), "%d.%d.%d-%d", rand() % 7, rand() % 20, rand() % 200,
			 rand() % 3);
		if (left < 0)
			snprintf(name, sizeof(name), "case/loader/entries/e%05d-%s.conf", i, ver);
		else
			snprintf(name, sizeof(name), "case/loader/entries/e%05d-%s+%d-%d.conf", i,
				 ver, left, rand() % 4);
		snprintf(text, sizeof(text),
			 "title e%d\n%s%s%s%s%s%sversion %s\nlinux /vmlinuz\noptions %s %s %s %d\n",
			 i, k ? "sort-key " : "", k ? k : "", k ? "\n" : "", m ? "machine-id " : "",
			 m ? m : "", m ? "\n" : "", ver, k ? k : "-", m ? m : "-", ver, left);
		tu_put(name, text);
	}
	s = scan_case();
	assert_int_equal(s->menu.entries.n, (size_t)n);
	for (j = 0; j + 1 < s->menu.entries.n; j++) {
		const char *ca = tu_entry_at(s, j)->cmdline, *cb = tu_entry_at(s, j + 1)->cmdline;
		char ka[16], ma[40], va[32], kb[16], mb[40], vb[32];
		int la, lb, r;

		assert_int_equal(sscanf(ca, "%15s %39s %31s %d", ka, ma, va, &la), 4);
		assert_int_equal(sscanf(cb, "%15s %39s %31s %d", kb, mb, vb, &lb), 4);
		/* 1. bad entries (no tries left) last */
		if ((la == 0) != (lb == 0)) {
			assert_true(lb == 0);
			continue;
		}
		/* 3. entries with a sort-key first */
		if (!strcmp(ka, "-") != !strcmp(kb, "-")) {
			assert_string_equal(kb, "-");
			continue;
		}
		if (strcmp(ka, "-")) {
			/* 2. sort-key, machine-id ascending, version descending */
			r = strcmp(ka, kb);
			assert_true(r <= 0);
			if (r)
				continue;
			r = !strcmp(ma, "-")   ? (strcmp(mb, "-") ? -1 : 0)
			    : !strcmp(mb, "-") ? 1
					       : strcmp(ma, mb);
			assert_true(r <= 0);
			if (r)
				continue;
			assert_true(kb_version_compare(va, vb) >= 0);
		}
	}
	kb_scan_free(s);
}

/* The architecture key: this machine's name matches, in any case. */
static void test_architecture_local(void **state)
{
	struct utsname u;
	const char *arch = NULL;
	struct kb_scan *s;
	char text[128];

	assert_int_equal(uname(&u), 0);
	if (!strcmp(u.machine, "x86_64"))
		arch = "X64";
	else if (!strcmp(u.machine, "aarch64"))
		arch = "Aa64";
	else if (!strcmp(u.machine, "riscv64"))
		arch = "RISCV64";
	if (!arch)
		skip();
	clear_case();
	tu_put("case/vmlinuz", "k");
	snprintf(text, sizeof(text), "title Here\narchitecture %s\nlinux /vmlinuz\n", arch);
	tu_put("case/loader/entries/here.conf", text);
	tu_put("case/loader/entries/there.conf",
	       "title There\narchitecture mips64el\nlinux /vmlinuz\n");
	s = scan_case();
	assert_int_equal(s->menu.entries.n, 1);
	assert_string_equal(tu_entry_at(s, 0)->title, "Here");
	assert_true(tu_warned(s, "there.conf:2: entry skipped: it is for architecture mips64el"));
	kb_scan_free(s);
}

/* Thousands of options lines join with single spaces; a 2 MiB file is refused. */
static void test_sizes(void **state)
{
	struct kb_scan *s;
	char *big;
	size_t i, len = 2 * 1024 * 1024;
	struct strbuf sb = STRBUF_INIT;

	clear_case();
	tu_put("case/vmlinuz", "k");
	sb_adds(&sb, "title Many options\nlinux /vmlinuz\n");
	for (i = 0; i < 5000; i++)
		sb_printf(&sb, "options  opt%zu=%zu \t\n", i, i);
	tu_put_len("case/loader/entries/many.conf", sb.buf, sb.len);
	sb_release(&sb);
	big = malloc(len);
	assert_non_null(big);
	memset(big, '#', len);
	memcpy(big, "title Big\nlinux /vmlinuz\n", 26);
	tu_put_len("case/loader/entries/big.conf", big, len);
	free(big);

	s = scan_case();
	assert_int_equal(s->menu.entries.n, 1);
	assert_string_equal(tu_entry_at(s, 0)->title, "Many options");
	assert_null(strstr(tu_entry_at(s, 0)->cmdline, "  "));
	assert_non_null(strstr(tu_entry_at(s, 0)->cmdline, "opt4999=4999"));
	assert_true(!strncmp(tu_entry_at(s, 0)->cmdline, "opt0=0 opt1=1 ", 14));
	assert_true(tu_warned(s, "big.conf: cannot read"));
	kb_scan_free(s);
}

/* loader.conf timeout values, as systemd-boot reads them. */
static void test_loader_conf_timeouts(void **state)
{
	static const struct {
		const char *value;
		int timeout;
	} cases[] = {
		{ "0", 0 },
		{ "7", 7 },
		{ "menu-hidden", 0 },
		{ "menu-disabled", 0 },
		{ "menu-force", KB_TIMEOUT_WAIT },
		{ "99999999999999999999", INT_MAX },
		{ "-3", KB_DEFAULT_TIMEOUT },
		{ "soon", KB_DEFAULT_TIMEOUT },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kb_scan *s;
		char text[128];

		clear_case();
		tu_put("case/vmlinuz", "k");
		tu_put("case/loader/entries/a.conf", "linux /vmlinuz\n");
		snprintf(text, sizeof(text), "timeout %s\n", cases[i].value);
		tu_put("case/loader/loader.conf", text);
		s = scan_case();
		if (s->menu.timeout != cases[i].timeout)
			fail_msg("timeout %s: got %d, want %d", cases[i].value, s->menu.timeout,
				 cases[i].timeout);
		if (cases[i].timeout == KB_DEFAULT_TIMEOUT)
			assert_true(tu_warned(s, "bad timeout"));
		kb_scan_free(s);
	}
}

/* default: the glob sees names with and without ".conf" and the counter. */
static void test_default_names(void **state)
{
	static const struct {
		const char *pattern;
		const char *want; /* title of the default */
	} cases[] = {
		{ "b", "B" },	     { "b.conf", "B" }, { "B+2-1.CONF", "B" },
		{ "b+2-1", "B" },    { "?", "C" },	/* first in menu order among a, b, c: c */
		{ "[ab]*", "B" },    { "@saved", "C" }, /* no config default: the core takes the
							   first */
		{ "nothing*", "C" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kb_scan *s;
		char text[128];
		size_t j;

		clear_case();
		tu_put("case/vmlinuz", "k");
		tu_put("case/loader/entries/a.conf", "title A\nlinux /vmlinuz\noptions a\n");
		tu_put("case/loader/entries/b+2-1.conf", "title B\nlinux /vmlinuz\noptions b\n");
		tu_put("case/loader/entries/c.conf", "title C\nlinux /vmlinuz\noptions c\n");
		snprintf(text, sizeof(text), "default %s\n", cases[i].pattern);
		tu_put("case/loader/loader.conf", text);
		s = scan_case();
		for (j = 0; j < s->menu.entries.n; j++)
			if (tu_entry_at(s, j)->is_default)
				break;
		assert_true(j < s->menu.entries.n);
		if (strcmp(tu_entry_at(s, j)->title, cases[i].want))
			fail_msg("default %s: got %s, want %s", cases[i].pattern,
				 tu_entry_at(s, j)->title, cases[i].want);
		kb_scan_free(s);
	}
}

/* grubenv: backslash escapes, padding, and a value with "=" in it. */
static void test_grubenv(void **state)
{
	static const char env[] = "# GRUB Environment Block\n"
				  "kernelopts=root=LABEL=a\\\\b ro  quiet\n"
				  "extra=console=ttyS0,115200\n"
				  "##########################################";
	struct kb_scan *s;

	clear_case();
	tu_put("case/vmlinuz", "k");
	tu_put("case/grub2/grubenv", env);
	tu_put("case/loader/entries/a.conf",
	       "linux /vmlinuz\noptions $kernelopts ${extra}x $ $1 end$\n");
	s = scan_case();
	assert_int_equal(s->menu.entries.n, 1);
	assert_string_equal(tu_entry_at(s, 0)->cmdline,
			    "root=LABEL=a\\b ro quiet console=ttyS0,115200x $ end$");
	/* $1: nothing defines it, so kboot cannot know the command line. */
	assert_false(tu_entry_at(s, 0)->available);
	assert_non_null(strstr(tu_entry_at(s, 0)->reason, "options use $1, which nothing defines"));
	kb_scan_free(s);
}

/* Line ends: "\r" alone, no final newline, a blank line with only blanks. */
static void test_line_ends(void **state)
{
	struct kb_scan *s;

	clear_case();
	tu_put("case/vmlinuz", "k");
	tu_put("case/loader/entries/mac.conf", "title Old Mac\rlinux /vmlinuz\r \t \roptions x");
	s = scan_case();
	assert_int_equal(s->menu.entries.n, 1);
	assert_string_equal(tu_entry_at(s, 0)->title, "Old Mac");
	assert_string_equal(tu_entry_at(s, 0)->cmdline, "x");
	assert_true(tu_entry_at(s, 0)->available);
	kb_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_order_many), cmocka_unit_test(test_architecture_local),
		cmocka_unit_test(test_sizes),		cmocka_unit_test(test_loader_conf_timeouts),
		cmocka_unit_test(test_default_names),	cmocka_unit_test(test_grubenv),
		cmocka_unit_test(test_line_ends),
	};

	return cmocka_run_group_tests(tests, tu_make_tmp, tu_remove_tmp);
}
