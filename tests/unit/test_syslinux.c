// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_syslinux.c - the syslinux-family parser beyond the golden cases:
 * what JSON does not show (hotkeys, cfg_id, lines, IPAPPEND masks for the
 * network code), timeout rounding, and inputs too big to keep as fixtures
 * (10,000 labels, a 10 MB config, runaway nesting and includes).
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
#include "config/parsers/syslinux.h"
#include "config/scan.h"
#include "testutil.h"

extern const struct kb_parser kb_parser_syslinux;

static struct kb_scan *scan;

/* Each test gets a fresh tu_tmp: the filesystem "t" its files are put in. */
static int setup(void **state)
{
	scan = NULL;
	return tu_make_tmp(state);
}

static int teardown(void **state)
{
	kb_scan_free(scan);
	scan = NULL;
	return tu_remove_tmp(state);
}

static void new_scan(void)
{
	struct kb_fs id = { .name = "t", .disk = -1, .rootfd = -1 };

	scan = kb_scan_new();
	assert_non_null(scan);
	tu_add_dir(scan, NULL, &id);
}

/* Parse tu_tmp/<path> with the parser itself; the context lives in scan's arena. */
static struct kb_pctx *parse(const char *path, const struct kb_syslinux_opts *o)
{
	struct kb_pctx *p;
	size_t len;
	char *buf;

	new_scan();
	p = arena_alloc(scan->arena, sizeof(*p));
	assert_non_null(p);
	p->scan = scan;
	p->arena = scan->arena;
	p->parser = &kb_parser_syslinux;
	p->fs = scan->fs.v[0];
	p->path = path;
	p->timeout = KB_TIMEOUT_UNSET;
	assert_int_equal(kb_read(p, p->fs, path, 0, &buf, &len), 0);
	assert_int_equal(kb_syslinux_parse(p, buf, len, o), 0);
	return p;
}

/* The whole scan over tu_tmp, as `kboot scan` does it. */
static struct kb_menu *scan_all(void)
{
	new_scan();
	assert_int_equal(kb_scan_run(scan), 0);
	return &scan->menu;
}

static struct kb_entry *entry(struct kb_pctx *p, size_t i)
{
	assert_true(i < p->entries.n);
	return p->entries.v[i];
}

/* ---- What the JSON does not show ---- */

static void test_hotkeys_first_come_per_menu(void **state)
{
	struct kb_pctx *p;

	tu_put("syslinux/syslinux.cfg",
	       "LABEL a\n MENU LABEL ^Install\n KERNEL k\n"
	       "LABEL b\n MENU LABEL ^install again\n KERNEL k\n"      /* 'i' is taken */
	       "LABEL c\n MENU LABEL ^Hidden\n MENU HIDE\n KERNEL k\n" /* hidden: none */
	       "LABEL d\n MENU LABEL Ex^pert ^x\n KERNEL k\n"	       /* the first '^' */
	       "MENU BEGIN sub\n"
	       "LABEL e\n MENU LABEL ^Install in a submenu\n KERNEL k\n" /* own menu */
	       "MENU END\n"
	       "LABEL f\n MENU LABEL No hotkey^\n KERNEL k\n");
	p = parse("/syslinux/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 6);
	assert_int_equal(entry(p, 0)->hotkey, 'i');
	assert_string_equal(entry(p, 0)->title, "Install");
	assert_int_equal(entry(p, 1)->hotkey, '\0');
	assert_int_equal(entry(p, 2)->hotkey, '\0');
	assert_int_equal(entry(p, 3)->hotkey, 'p');
	assert_string_equal(entry(p, 3)->title, "Expert x");
	assert_int_equal(entry(p, 4)->hotkey, 'i');
	assert_int_equal(entry(p, 5)->hotkey, '\0');
	assert_string_equal(entry(p, 5)->title, "No hotkey");
}

static void test_cfg_id_line_and_included_file(void **state)
{
	struct kb_pctx *p;
	struct kb_entry *e;

	tu_put("extlinux/extlinux.conf", "# top\nINCLUDE more.cfg\n\nLABEL top\n  KERNEL k\n");
	tu_put("extlinux/more.cfg", "\n\nlabel Inc-Label\n  menu label Included one\n  kernel k\n");
	p = parse("/extlinux/extlinux.conf", NULL);
	assert_int_equal(p->entries.n, 2);
	e = entry(p, 0);
	assert_string_equal(e->cfg_id, "Inc-Label");
	assert_string_equal(e->title, "Included one");
	assert_string_equal(e->config.path, "/extlinux/more.cfg");
	assert_int_equal(e->line, 3);
	assert_string_equal(e->source, "syslinux");
	e = entry(p, 1);
	assert_string_equal(e->cfg_id, "top");
	assert_string_equal(e->title, "top");
	assert_string_equal(e->config.path, "/extlinux/extlinux.conf");
	assert_int_equal(e->line, 4);
	assert_string_equal(e->kernel.path, "/extlinux/k");
}

/* The network code's use: pxelinux.cfg/default, paths from the TFTP prefix. */
static void test_pxelinux_basedir_and_sysappend(void **state)
{
	struct kb_syslinux_opts o = { .basedir = "/" };
	struct kb_syslinux_sysappend *sa;
	struct ptrv masks = { 0 };
	struct kb_pctx *p;

	o.sysappend = &masks;
	tu_put("pxelinux.cfg/default",
	       "IPAPPEND 1\n"
	       "INCLUDE pxelinux.cfg/common\n"
	       "LABEL a\n KERNEL images/vmlinuz\n APPEND initrd=images/initrd.gz\n"
	       "LABEL b\n KERNEL ::/images/vmlinuz\n IPAPPEND 3\n"
	       "LABEL c\n KERNEL images/vmlinuz\n SYSAPPEND 0x0\n");
	tu_put("pxelinux.cfg/common", "TIMEOUT 30\n");
	p = parse("/pxelinux.cfg/default", &o);
	assert_int_equal(p->entries.n, 3);
	assert_int_equal(p->timeout, 3);
	assert_string_equal(entry(p, 0)->kernel.path, "/images/vmlinuz");
	assert_int_equal(entry(p, 0)->initrds.n, 1);
	assert_string_equal(((struct kb_file *)entry(p, 0)->initrds.v[0])->path,
			    "/images/initrd.gz");
	assert_string_equal(entry(p, 1)->kernel.path, "/images/vmlinuz");
	assert_int_equal(masks.n, 2);
	sa = masks.v[0];
	assert_ptr_equal(sa->entry, entry(p, 0));
	assert_int_equal(sa->mask, KB_SYSAPPEND_IP);
	sa = masks.v[1];
	assert_ptr_equal(sa->entry, entry(p, 1));
	assert_int_equal(sa->mask, KB_SYSAPPEND_IP | KB_SYSAPPEND_BOOTIF);
	/* With a collector there is nothing to warn about. */
	assert_int_equal(entry(p, 0)->warnings.n, 0);
}

/* ---- Timeout ---- */

static int timeout_of(const char *cfg)
{
	struct kb_pctx *p;
	int t;

	tu_put("syslinux.cfg", cfg);
	p = parse("/syslinux.cfg", NULL);
	t = p->timeout;
	kb_scan_free(scan);
	scan = NULL;
	return t;
}

static void test_timeout_tenths_round_up(void **state)
{
	assert_int_equal(timeout_of("TIMEOUT 1\nLABEL a\n"), 1);
	assert_int_equal(timeout_of("TIMEOUT 10\nLABEL a\n"), 1);
	assert_int_equal(timeout_of("TIMEOUT 11\nLABEL a\n"), 2);
	assert_int_equal(timeout_of("timeout 600\nLABEL a\n"), 60);
	assert_int_equal(timeout_of("TIMEOUT 0\nLABEL a\n"), KB_TIMEOUT_WAIT);
	/* TOTALTIMEOUT bounds the wait even when TIMEOUT waits for ever. */
	assert_int_equal(timeout_of("TIMEOUT 0\nTOTALTIMEOUT 25\nLABEL a\n"), 3);
	assert_int_equal(timeout_of("TIMEOUT 50\nTOTALTIMEOUT 900\nLABEL a\n"), 5);
	/* Nothing said: a menu waits, a bare prompt leaves it to the scan. */
	assert_int_equal(timeout_of("UI menu.c32\nLABEL a\n"), KB_TIMEOUT_WAIT);
	assert_int_equal(timeout_of("DEFAULT vesamenu.c32\nLABEL a\n"), KB_TIMEOUT_WAIT);
	assert_int_equal(timeout_of("DEFAULT a\nLABEL a\n"), KB_TIMEOUT_UNSET);
	/* A huge value is clamped, not overflowed. */
	assert_int_equal(timeout_of("TIMEOUT 99999999999999999999\nLABEL a\n"), 86400);
	/* A bad one keeps what was there. */
	assert_int_equal(timeout_of("TIMEOUT 30\nTIMEOUT -4\nLABEL a\n"), 3);
}

/* ---- Defaults the goldens do not cover ---- */

static void test_default_label_with_options_and_menu_default(void **state)
{
	struct kb_pctx *p;

	tu_put("syslinux.cfg", "DEFAULT b quiet\n"
			       "LABEL a\n MENU DEFAULT\n KERNEL k\n"
			       "LABEL b\n KERNEL k\n APPEND x=1\n");
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 2);
	assert_false(entry(p, 0)->is_default);
	assert_true(entry(p, 1)->is_default);
	/* syslinux 6 drops the options after the label; kboot warns. */
	assert_string_equal(entry(p, 1)->cmdline, "BOOT_IMAGE=k x=1");
	assert_int_equal(scan->menu.warnings.n, 1);
	assert_non_null(strstr(strv_get(&scan->menu.warnings, 0), "t:/syslinux.cfg:1: DEFAULT b"));
}

static void test_menu_default_in_submenu_is_not_the_default(void **state)
{
	struct kb_pctx *p;

	tu_put("syslinux.cfg", "UI menu.c32\nLABEL a\n KERNEL k\n"
			       "MENU BEGIN s\nLABEL b\n MENU DEFAULT\n KERNEL k\nMENU END\n");
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 2);
	assert_false(entry(p, 0)->is_default);
	assert_false(entry(p, 1)->is_default);
}

static void test_ontimeout_command_line_is_an_entry(void **state)
{
	struct kb_pctx *p;

	tu_put("syslinux.cfg", "UI menu.c32\nONTIMEOUT chain.c32 hd0 0\nLABEL a\n KERNEL k\n");
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 2);
	assert_string_equal(entry(p, 1)->title, "chain.c32 hd0 0");
	assert_true(entry(p, 1)->is_default);
	assert_false(entry(p, 1)->available);
	assert_string_equal(entry(p, 1)->reason,
			    "chain.c32 is a syslinux module; kboot cannot run it");
}

/* Entries a config with a DEFAULT naming no label gives (the label "a" is one). */
static size_t entries_with_default(const char *implicit)
{
	struct kb_pctx *p;
	char text[256];
	size_t n;

	snprintf(text, sizeof(text), "%sDEFAULT k quiet\nLABEL a\n KERNEL k\n", implicit);
	tu_put("syslinux.cfg", text);
	p = parse("/syslinux.cfg", NULL);
	n = p->entries.n;
	kb_scan_free(scan);
	scan = NULL;
	return n;
}

/* IMPLICIT's value is read with atoi(), as syslinux does: 0 unless a non-zero number. */
static void test_implicit_values(void **state)
{
	assert_int_equal(entries_with_default(""), 2);
	assert_int_equal(entries_with_default("IMPLICIT 1\n"), 2);
	assert_int_equal(entries_with_default("IMPLICIT 2\n"), 2);
	assert_int_equal(entries_with_default("IMPLICIT -1\n"), 2);
	assert_int_equal(entries_with_default("IMPLICIT 0\n"), 1);
	assert_int_equal(entries_with_default("IMPLICIT 00\n"), 1);
	assert_int_equal(entries_with_default("IMPLICIT 0x1\n"), 1);
	assert_int_equal(entries_with_default("IMPLICIT yes\n"), 1);
	assert_int_equal(entries_with_default("implicit 0\n"), 1);
	assert_int_equal(entries_with_default("IMPLICIT 1\nIMPLICIT 0\n"), 1);
}

/* With a UI the menu ignores a DEFAULT naming no label anyway: IMPLICIT changes nothing. */
static void test_implicit_with_ui(void **state)
{
	struct kb_pctx *p;

	tu_put("syslinux.cfg",
	       "UI menu.c32\nIMPLICIT 0\nTIMEOUT 30\nDEFAULT k quiet\nLABEL a\n KERNEL k\n");
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 1);
	assert_int_equal(p->timeout, 3);
	assert_int_equal(scan->menu.warnings.n, 1);
	assert_non_null(strstr(strv_get(&scan->menu.warnings, 0), "the menu ignores it"));
}

/* ---- Big and hostile inputs (no timing asserted: see make bench) ---- */

static void test_ten_thousand_labels(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_menu *m;
	struct kb_entry *e;
	int i;

	sb_adds(&sb, "UI menu.c32\nTIMEOUT 50\nDEFAULT l9999\nAPPEND root=/dev/sda1\n");
	for (i = 0; i < 10000; i++)
		sb_printf(&sb,
			  "LABEL l%d\n  MENU LABEL Entry ^%d\n  KERNEL /vmlinuz\n"
			  "  APPEND n=%d\n%s",
			  i, i, i, i % 100 == 0 ? "MENU SEPARATOR\n" : "");
	assert_false(sb.oom);
	tu_put("vmlinuz", "k");
	tu_put("boot/syslinux/syslinux.cfg", sb_str(&sb));
	sb_release(&sb);
	m = scan_all();
	assert_int_equal(m->entries.n, 10000);
	assert_int_equal(m->warnings.n, 0);
	assert_int_equal(m->timeout, 5);
	e = m->entries.v[1234];
	assert_string_equal(e->title, "Entry 1234");
	assert_string_equal(e->cmdline, "BOOT_IMAGE=/vmlinuz n=1234");
	e = m->entries.v[9999];
	assert_true(e->is_default);
	assert_true(e->available);
}

static void test_ten_megabyte_config(void **state)
{
	size_t n = 10u * 1024 * 1024, i;
	struct kb_pctx *p;
	char *big = malloc(n + 1);
	const char *head = "LABEL big\nKERNEL k\nAPPEND ";
	const char *tail = "\nLABEL after\nKERNEL k\nAPPEND z=1\n";

	assert_non_null(big);
	/* One huge APPEND line, then many short comment lines. */
	strcpy(big, head);
	for (i = strlen(head); i < n / 2; i++)
		big[i] = (i % 8) ? 'a' : ' ';
	for (; i + 2 < n - strlen(tail); i += 2) {
		big[i] = '#';
		big[i + 1] = '\n';
	}
	strcpy(big + i, tail);
	tu_put("syslinux.cfg", big);
	free(big);
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 2);
	assert_true(strlen(entry(p, 0)->cmdline) > n / 2 - 100);
	assert_string_equal(entry(p, 1)->cmdline, "BOOT_IMAGE=k z=1");
}

static void test_runaway_menu_nesting_is_flattened(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_pctx *p;
	int i;

	for (i = 0; i < 5000; i++)
		sb_printf(&sb, "MENU BEGIN m%d\nLABEL l%d\nKERNEL k\n", i, i);
	tu_put("syslinux.cfg", sb_str(&sb));
	sb_release(&sb);
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 5000);
	/* Depth stops at 32: later labels share the deepest submenu. */
	assert_int_equal(entry(p, 0)->submenu.n, 1);
	assert_int_equal(entry(p, 31)->submenu.n, 32);
	assert_int_equal(entry(p, 4999)->submenu.n, 32);
	assert_string_equal(strv_get(&entry(p, 4999)->submenu, 31), "m31");
	/* One "flattened" warning and one per unclosed MENU BEGIN that was kept. */
	assert_int_equal(scan->menu.warnings.n, 33);
}

static void test_include_fan_out_is_bounded(void **state)
{
	char name[32], text[128];
	struct kb_pctx *p;
	int i;

	/* Each level includes the next four times: 4^10 reads without a limit. */
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "s/%d.cfg", i);
		snprintf(text, sizeof(text),
			 "INCLUDE %d.cfg\nINCLUDE %d.cfg\nINCLUDE %d.cfg\nINCLUDE %d.cfg\n", i + 1,
			 i + 1, i + 1, i + 1);
		tu_put(name, text);
	}
	tu_put("s/10.cfg", "TIMEOUT 10\n");
	tu_put("s/syslinux.cfg", "INCLUDE 0.cfg\nLABEL x\nKERNEL k\n");
	p = parse("/s/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 1);
	assert_int_equal(p->timeout, 1);
	/* Capped warnings: the include limit, then "too many problems". */
	assert_true(scan->menu.warnings.n <= 51);
	assert_non_null(strstr(strv_get(&scan->menu.warnings, 0), "more than 1024 includes"));
}

static void test_warnings_are_capped(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct kb_pctx *p;
	int i;

	for (i = 0; i < 1000; i++)
		sb_adds(&sb, "bogus keyword\n");
	sb_adds(&sb, "LABEL ok\nKERNEL k\n");
	tu_put("syslinux.cfg", sb_str(&sb));
	sb_release(&sb);
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 1);
	assert_int_equal(scan->menu.warnings.n, 51);
	assert_non_null(strstr(strv_get(&scan->menu.warnings, 50), "too many problems"));
}

static void test_empty_and_whitespace_files(void **state)
{
	struct kb_pctx *p;

	tu_put("syslinux.cfg", "");
	p = parse("/syslinux.cfg", NULL);
	assert_int_equal(p->entries.n, 0);
	assert_int_equal(p->timeout, KB_TIMEOUT_UNSET);
	kb_scan_free(scan);
	tu_put("syslinux.cfg", "\r\n \t\n\f\n#\n   # x\nLABEL\n");
	p = parse("/syslinux.cfg", NULL);
	/* A nameless LABEL: warned, listed, and its kernel "" is none. */
	assert_int_equal(p->entries.n, 1);
	assert_false(entry(p, 0)->available);
	assert_int_equal(scan->menu.warnings.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_hotkeys_first_come_per_menu),
		T(test_cfg_id_line_and_included_file),
		T(test_pxelinux_basedir_and_sysappend),
		T(test_timeout_tenths_round_up),
		T(test_default_label_with_options_and_menu_default),
		T(test_menu_default_in_submenu_is_not_the_default),
		T(test_ontimeout_command_line_is_an_entry),
		T(test_implicit_values),
		T(test_implicit_with_ui),
		T(test_ten_thousand_labels),
		T(test_ten_megabyte_config),
		T(test_runaway_menu_nesting_is_flattened),
		T(test_include_fan_out_is_bounded),
		T(test_warnings_are_capped),
		T(test_empty_and_whitespace_files),
#undef T
	};

	return cmocka_run_group_tests_name("syslinux", tests, NULL, NULL);
}
