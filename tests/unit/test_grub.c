// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_grub.c - the GRUB 2 script engine on its own (quoting, expansion,
 * control flow, GRUB's command-line quoting, syntax-error recovery, limits)
 * and through a real scan (a generated 10,000-entry grub.cfg, hostile
 * files).  Golden cases for whole configs are in tests/data/grub2/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/parsers/grub/grub.h"
#include "config/scan.h"
#include "testutil.h"

/* ---- Helpers ---- */

/* Run script in a fresh state without files; the caller frees it. */
static struct gstate *run(const char *script)
{
	struct gstate *g = g_state_new(NULL);

	assert_non_null(g);
	g_run_string(g, script, NULL, 1);
	return g;
}

static void assert_var(struct gstate *g, const char *name, const char *want)
{
	const char *v = g_get(g, name);

	if (!want) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal(v, want);
}

static char *cmdline(int argc, const char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	g_loader_cmdline(&sb, argc, (char **)argv, false);
	s = strdup(sb_str(&sb));
	sb_release(&sb);
	return s;
}

struct warns {
	int n;
	int line[8];
	char msg[8][320];
};

static void collect_warn(void *data, int line, const char *msg)
{
	struct warns *w = data;

	if (w->n < 8) {
		w->line[w->n] = line;
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", msg);
	}
	w->n++;
}

/* The first word of each top-level command of text ("?" when not plain). */
static int first_words(const char *text, char out[][32], int max, struct warns *w)
{
	struct gpool *pool = gp_new();
	struct glist l;
	size_t i;
	int n = 0;

	assert_int_equal(g_parse(pool, NULL, text, strlen(text), 1, &l, collect_warn, w), 0);
	for (i = 0; i < l.n && n < max; i++) {
		const struct gnode *node = l.v[i];

		if (node->type != GN_CMD || !node->u.cmd.nw)
			continue;
		if (node->u.cmd.w[0].plain)
			snprintf(out[n++], 32, "%.*s", (int)node->u.cmd.w[0].plainlen,
				 node->u.cmd.w[0].plain);
		else
			snprintf(out[n++], 32, "?");
	}
	gp_free(pool);
	return n;
}

/* ---- The command table ---- */

static void test_command_table_is_sorted(void **state)
{
	(void)state;
	assert_true(g_cmd_table_sorted());
	assert_non_null(g_find_cmd("linux"));
	assert_non_null(g_find_cmd("search.fs_uuid"));
	assert_non_null(g_find_cmd("["));
	assert_null(g_find_cmd("load_video")); /* a function of the script, not a command */
}

/* ---- Quoting and expansion ---- */

static void test_single_quotes_are_literal(void **state)
{
	struct gstate *g = run("set a='x $y \"z\" \\n'");

	(void)state;
	assert_var(g, "a", "x $y \"z\" \\n");
	g_state_free(g);
}

static void test_double_quote_escapes(void **state)
{
	/* Only \$ \\ \" are escapes in double quotes; \k stays \k. */
	struct gstate *g = run("v=val\nset a=\"q\\\"\\$v\\\\z\\k $v ${v}s\"");

	(void)state;
	assert_var(g, "a", "q\"$v\\z\\k val vals");
	g_state_free(g);
}

static void test_backslash_outside_quotes(void **state)
{
	struct gstate *g = run("set a=a\\ b\\'c\\\\d\nset b=one\\\ntwo");

	(void)state;
	assert_var(g, "a", "a b'c\\d");
	assert_var(g, "b", "onetwo");
	g_state_free(g);
}

/* An unquoted \xHH: upstream drops the backslash, Red Hat's GRUB keeps it. */
static void test_escape_x_upstream_and_redhat(void **state)
{
	static const char script[] = "d=1\nv='2 0'\n"
				     "set a=A\\x20B\n"	 /* A\x20B */
				     "set b=\\x4$d\n"	 /* the digits may come from a variable */
				     "set c=\\x4\n"	 /* one digit only */
				     "set e=\\x$v\n"	 /* split: the word ends after \x2 */
				     "set f=\"\\x20\"\n" /* quoted: the backslash stays in both */
				     "set h=\\\\x20\n";	 /* \\: a backslash, then x20 */
	struct gstate *g;
	int redhat;

	(void)state;
	for (redhat = 0; redhat < 2; redhat++) {
		g = g_state_new(NULL);
		assert_non_null(g);
		g->redhat = redhat;
		g_run_string(g, script, NULL, 1);
		assert_var(g, "a", redhat ? "A\\x20B" : "Ax20B");
		assert_var(g, "b", redhat ? "\\x41" : "x41");
		assert_var(g, "c", "x4");
		assert_var(g, "e", "x2");
		assert_var(g, "f", "\\x20");
		assert_var(g, "h", "\\x20");
		g_state_free(g);
	}
}

static void test_unquoted_variables_split(void **state)
{
	/* set takes its first word only: $v splits, "$v" does not. */
	struct gstate *g = run("v='1 2'\nset a=$v\nset b=\"$v\"\nset c=x${v}y\nset e=$unset");

	(void)state;
	assert_var(g, "a", "1");
	assert_var(g, "b", "1 2");
	assert_var(g, "c", "x1");
	assert_var(g, "e", "");
	g_state_free(g);
}

static void test_comments_start_words_only(void **state)
{
	struct gstate *g = run("set h=a#b # a comment\n# set h=no\nset i=\"#\"");

	(void)state;
	assert_var(g, "h", "a#b");
	assert_var(g, "i", "#");
	g_state_free(g);
}

static void test_reserved_words_are_plain_arguments(void **state)
{
	char words[4][32];
	struct warns w = { 0 };

	(void)state;
	/* "if", \if and a reserved word as an argument are not keywords. */
	assert_int_equal(first_words("echo if then fi\n\"if\" x\n\\if y\n", words, 4, &w), 3);
	assert_int_equal(w.n, 0);
	assert_string_equal(words[0], "echo");
	assert_string_equal(words[1], "?");
	assert_string_equal(words[2], "?");
}

static void test_positional_parameters(void **state)
{
	struct gstate *g = run("function f {\n set n=$#\n set all=\"$*\"\n set first=\"$1\"\n"
			       " shift\n set rest=\"$@\"\n}\nf 'a b' c d");

	(void)state;
	assert_var(g, "n", "3");
	assert_var(g, "all", "a b c d");
	assert_var(g, "first", "a b");
	/* "$@" makes one word per parameter: set sees "rest=c", then "d". */
	assert_var(g, "rest", "c");
	g_state_free(g);
}

/* ---- Control flow ---- */

static void test_if_elif_else_and_status(void **state)
{
	struct gstate *g = run("if false; then r=1; elif [ a = b ]; then r=2; else r=3; fi\n"
			       "false; st=$?\n"
			       "if ! [ -z x ]; then neg=yes; fi\n"
			       "[ 10 -gt 9 ] && num=yes\n"
			       "[ 10 \\> 9 ] || str=yes\n"
			       "unknown_command arg; after=$?");

	(void)state;
	assert_var(g, "r", "3");
	assert_var(g, "st", "1");
	assert_var(g, "neg", "yes");
	assert_var(g, "num", "yes");
	assert_var(g, "str", "yes"); /* "10" < "9" as strings */
	assert_var(g, "after", "0"); /* GRUB: an unknown command leaves $? at 0 */
	g_state_free(g);
}

static void test_loops_break_continue(void **state)
{
	struct gstate *g = run("s=\nfor x in 1 2 3 4; do\n"
			       " if [ $x = 2 ]; then continue; fi\n"
			       " if [ $x = 4 ]; then break; fi\n"
			       " s=$s$x\ndone\n"
			       "n=0\nuntil [ $n = 000 ]; do n=${n}0; done");

	(void)state;
	assert_var(g, "s", "13");
	assert_var(g, "n", "000");
	g_state_free(g);
}

static void test_loops_and_recursion_are_bounded(void **state)
{
	struct gstate *g = g_state_new(NULL);

	(void)state;
	assert_non_null(g);
	/* 10,000 x 10,000 iterations would run 10^8 commands: the budget stops them. */
	g->max_commands = 100000;
	g_run_string(g,
		     "while true; do while true; do true; done; done\n"
		     "function r { r; }\nr\nafter=yes",
		     NULL, 1);
	assert_true(g->stopped);
	g_state_free(g);

	g = run("i=0\nwhile true; do i=x; done\nfunction r { r; }\nr\nafter=yes");
	assert_false(g->stopped);
	assert_var(g, "after", "yes");
	g_state_free(g);
}

static void test_export_and_contexts(void **state)
{
	struct gstate *g = run("a=1\nb=2\nexport b");
	struct genv *ctx;

	(void)state;
	ctx = g_env_context(g, g->env);
	assert_non_null(ctx);
	assert_null(g_env_get(ctx, "a"));
	assert_string_equal(g_env_get(ctx, "b"), "2");
	g_state_free(g);
}

static void test_root_loses_parentheses(void **state)
{
	struct gstate *g = run("set root=(hd0,gpt2)");

	(void)state;
	assert_var(g, "root", "hd0,gpt2");
	g_state_free(g);
}

/* ---- GRUB's option parser ---- */

enum { T_FLAG, T_VALUE, T_OPTIONAL };

static const struct gopt test_opts[] = {
	[T_FLAG] = { "flag", 'f', GO_NONE },
	[T_VALUE] = { "value", 'v', GO_VALUE },
	[T_OPTIONAL] = { "opt", 'o', GO_OPTIONAL },
	{ NULL, 0, GO_NONE },
};

/* Parse the words of line (split at spaces) with test_opts; returns true to run. */
static bool getopt_line(struct gstate *g, const char *line, unsigned flags, struct gargs *a,
			int *status)
{
	static char buf[256];
	static char *argv[32];
	struct gnode n = { .type = GN_CMD, .line = 1 };
	int argc = 0;
	char *save, *w;

	snprintf(buf, sizeof(buf), "cmd %s", line);
	for (w = strtok_r(buf, " ", &save); w && argc < 31; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return g_getopt(g, &n, test_opts, flags, argc, argv, a, status);
}

static void test_option_values_and_arguments(void **state)
{
	struct gstate *g = g_state_new(NULL);
	struct gargs a;
	int st;

	(void)state;
	assert_non_null(g);
	/* A value is the next word; options and arguments mix; "--" ends options. */
	assert_true(getopt_line(g, "x --value v1 -f y -v v2 -- --flag", 0, &a, &st));
	assert_int_equal(a.nargs, 3);
	assert_string_equal(a.args[0], "x");
	assert_string_equal(a.args[1], "y");
	assert_string_equal(a.args[2], "--flag");
	assert_string_equal(g_opt_value(&a, T_VALUE), "v2");
	assert_true(g_opt_given(&a, T_FLAG));
	/* A mandatory value may start with '-' after a short option, not a long one. */
	assert_true(getopt_line(g, "-v -x", 0, &a, &st));
	assert_string_equal(g_opt_value(&a, T_VALUE), "-x");
	assert_false(getopt_line(g, "--value -x", 0, &a, &st));
	assert_int_equal(st, 1);
	/* An optional value: not a word that looks like an option, or nothing. */
	assert_true(getopt_line(g, "--opt -f", 0, &a, &st));
	assert_true(g_opt_given(&a, T_OPTIONAL));
	assert_null(g_opt_value(&a, T_OPTIONAL));
	assert_true(getopt_line(g, "-fo name", 0, &a, &st));
	assert_string_equal(g_opt_value(&a, T_OPTIONAL), "name");
	assert_true(getopt_line(g, "-o -", 0, &a, &st));
	assert_string_equal(g_opt_value(&a, T_OPTIONAL), "-");
	assert_true(getopt_line(g, "--opt=", 0, &a, &st));
	assert_string_equal(g_opt_value(&a, T_OPTIONAL), "");
	/* Only the last of a short group takes a value; a flag takes none. */
	assert_false(getopt_line(g, "-vf x", 0, &a, &st));
	assert_false(getopt_line(g, "--flag=1", 0, &a, &st));
	assert_false(getopt_line(g, "-v", 0, &a, &st));
	/* Unknown options: refused, or arguments for a command that accepts dashes. */
	assert_false(getopt_line(g, "--bogus", 0, &a, &st));
	assert_int_equal(st, 1);
	assert_false(getopt_line(g, "-fx", 0, &a, &st));
	assert_true(getopt_line(g, "--bogus -fx -f", GO_ACCEPT_DASH, &a, &st));
	assert_int_equal(a.nargs, 2);
	assert_string_equal(a.args[1], "-fx");
	/* -h and --help of a command without them: GRUB prints help, status 0. */
	assert_false(getopt_line(g, "-fh", GO_ACCEPT_DASH, &a, &st));
	assert_int_equal(st, 0);
	assert_false(getopt_line(g, "--help", 0, &a, &st));
	assert_int_equal(st, 0);
	g_state_free(g);
}

/* ---- GRUB's kernel command line ---- */

static void test_loader_cmdline_quoting(void **state)
{
	const char *argv[] = { "/vmlinuz", "a b", "c\"d", "e\\f", "g'h", "plain", "" };
	char *s = cmdline(7, argv);

	(void)state;
	assert_string_equal(s, "/vmlinuz \"a b\" c\\\"d e\\\\f g\\'h plain ");
	free(s);
	s = cmdline(1, argv);
	assert_string_equal(s, "/vmlinuz");
	free(s);
}

/* Red Hat's GRUB passes \xHH to the kernel as it is; upstream doubles the backslash. */
static void test_loader_cmdline_keeps_hex_escapes_for_redhat(void **state)
{
	char *argv[] = { "LABEL=A\\x20B", "c\\x2g", "d e\\x41" };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	g_loader_cmdline(&sb, 3, argv, true);
	assert_string_equal(sb_str(&sb), "LABEL=A\\x20B c\\\\x2g \"d e\\x41\"");
	sb_reset(&sb);
	g_loader_cmdline(&sb, 3, argv, false);
	assert_string_equal(sb_str(&sb), "LABEL=A\\\\x20B c\\\\x2g \"d e\\\\x41\"");
	sb_release(&sb);
}

/* ---- Syntax errors ---- */

static void test_recovery_unterminated_quote(void **state)
{
	char words[8][32];
	struct warns w = { 0 };
	const char *text = "set a=1\n"
			   "menuentry 'broken {\n"
			   "  linux /x\n"
			   "}\n"
			   "menuentry 'good' { linux /y; }\n"
			   "set b=2\n";
	int n = first_words(text, words, 8, &w);

	(void)state;
	assert_int_equal(w.n, 1);
	assert_int_equal(w.line[0], 2);
	assert_non_null(strstr(w.msg[0], "unterminated"));
	/* set, the broken menuentry (no block), linux (lenient), menuentry good, set */
	assert_string_equal(words[0], "set");
	assert_string_equal(words[n - 2], "menuentry");
	assert_string_equal(words[n - 1], "set");
}

static void test_recovery_missing_fi_and_brace(void **state)
{
	char words[8][32];
	struct warns w = { 0 };
	const char *text = "if true; then\n"
			   "  set x=1\n"
			   "menuentry 'a' {\n"
			   "  linux /a\n"
			   "menuentry 'b' { linux /b; }\n";

	(void)state;
	first_words(text, words, 8, &w);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.line[0], 1);
	assert_int_equal(w.line[1], 3);
	assert_non_null(strstr(w.msg[1], "has no '}'"));
}

static void test_stray_closers_are_skipped(void **state)
{
	char words[8][32];
	struct warns w = { 0 };
	int n = first_words("fi\n}\ndone\nset ok=1\nmenuentry x { }\n}\n", words, 8, &w);

	(void)state;
	/* One warning per broken stretch: up to the next column-0 menuentry. */
	assert_int_equal(w.n, 2);
	assert_int_equal(w.line[0], 1);
	assert_int_equal(w.line[1], 6);
	assert_int_equal(n, 2);
	assert_string_equal(words[0], "set");
	assert_string_equal(words[1], "menuentry");
}

static void test_deep_nesting_is_refused(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct gpool *pool = gp_new();
	struct warns w = { 0 };
	struct glist l;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++)
		sb_adds(&sb, "if true; then ");
	assert_false(sb.oom);
	assert_int_equal(g_parse(pool, NULL, sb_str(&sb), sb.len, 1, &l, collect_warn, &w), 0);
	assert_true(w.n >= 1);
	sb_release(&sb);
	gp_free(pool);
}

/* ---- Through a scan ---- */

/* Open tu_tmp/<dir>/boot/grub/grub.cfg for writing, making its directories. */
static FILE *open_cfg(const char *dir)
{
	char path[256];

	tu_sh("mkdir -p %s/boot/grub", dir);
	snprintf(path, sizeof(path), "%s/%s/boot/grub/grub.cfg", tu_tmp, dir);
	return fopen(path, "w");
}

/* Scan tu_tmp/<dir> as sda2; the caller frees it. */
static struct kb_scan *scan_dir(const char *dir)
{
	struct kb_fs id = { .name = "sda2",
			    .uuid = "0b2c1f0e-6a4d-4f57-9d0e-6f1c2c3b4a5d",
			    .disk = 0,
			    .part = 2,
			    .pttype = "gpt" };

	return tu_scan_dir(dir, &id);
}

/* A generated grub.cfg with 10,000 entries in a submenu (about 9 MB). */
static void test_ten_thousand_entries(void **state)
{
	FILE *f = open_cfg("big");
	struct kb_scan *s;
	const struct kb_entry *e;
	int i;

	(void)state;
	assert_non_null(f);
	fprintf(f, "set default='adv>gnulinux-9999'\nset timeout=3\n"
		   "function load_video { insmod all_video; }\n"
		   "submenu 'Advanced options' --id adv {\n");
	for (i = 0; i < 10000; i++)
		fprintf(f,
			"\tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-%d-amd64' --class debian "
			"--id 'gnulinux-%d' {\n"
			"\t\tload_video\n\t\tinsmod gzio\n"
			"\t\tif [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi\n"
			"\t\tset root='hd0,gpt2'\n"
			"\t\tif [ x$feature_platform_search_hint = xy ]; then\n"
			"\t\t  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 "
			"0b2c1f0e-6a4d-4f57-9d0e-6f1c2c3b4a5d\n"
			"\t\tfi\n"
			"\t\techo\t'Loading Linux 6.1.0-%d-amd64 ...'\n"
			"\t\tlinux\t/boot/vmlinuz-6.1.0-%d-amd64 root=UUID=0b2c1f0e ro  quiet\n"
			"\t\tinitrd\t/boot/initrd.img-6.1.0-%d-amd64\n\t}\n",
			i, i, i, i, i);
	fprintf(f, "}\n");
	fclose(f);
	/* One kernel exists, so this config decides the default and the timeout. */
	tu_sh("touch big/boot/vmlinuz-6.1.0-9999-amd64 big/boot/initrd.img-6.1.0-9999-amd64");
	s = scan_dir("big");
	assert_int_equal(tu_count_source(s, "grub2"), 10000);
	e = s->menu.entries.v[9999];
	assert_string_equal(e->title, "Debian GNU/Linux, with Linux 6.1.0-9999-amd64");
	assert_string_equal(
		e->cmdline,
		"BOOT_IMAGE=/boot/vmlinuz-6.1.0-9999-amd64 root=UUID=0b2c1f0e ro quiet");
	assert_int_equal(e->submenu.n, 1);
	assert_true(e->available);
	assert_true(e->is_default); /* 'adv>gnulinux-9999' */
	assert_int_equal(s->menu.timeout, 3);
	kb_scan_free(s);
}

extern const struct kb_parser kb_parser_grub2;

/*
 * 10 MB of hostile text: every statement broken, nested without end, or
 * growing values.  The parser is called directly: this checks that it
 * terminates, not how the scan merges 100,000 identical entries.
 */
static void test_hostile_files_terminate(void **state)
{
	static const char *const bodies[] = {
		"if true; then\n",		     /* never closed */
		"{{{{{{{{{{{{{{{{{{{{{{{{{{{\n",     /* braces */
		"menuentry a { linux /a\n",	     /* unclosed blocks */
		"menuentry \"x\nfi }\n",	     /* quotes pairing across lines */
		"while true; do x=$x$x$x$x; done\n", /* growing values */
	};
	struct kb_scan *s = kb_scan_new();
	struct kb_fs id = { .name = "h", .disk = -1 };
	struct strbuf sb = STRBUF_INIT;
	size_t k;

	(void)state;
	assert_non_null(s);
	tu_add_dir(s, NULL, &id);
	for (k = 0; k < sizeof(bodies) / sizeof(bodies[0]); k++) {
		struct kb_pctx p = { .scan = s,
				     .arena = s->arena,
				     .parser = &kb_parser_grub2,
				     .fs = s->fs.v[0],
				     .path = "/grub.cfg",
				     .timeout = KB_TIMEOUT_UNSET };
		size_t n, len = strlen(bodies[k]), before = s->menu.warnings.n;

		sb_reset(&sb);
		for (n = 0; n < (10u << 20) / len; n++)
			sb_add(&sb, bodies[k], len);
		assert_false(sb.oom);
		assert_int_equal(kb_parser_grub2.parse(&p, sb_str(&sb), sb.len), 0);
		assert_true(p.entries.n <= G_MAX_ITEMS);
		if (k != 3) /* pairs of quotes across lines are valid GRUB */
			assert_true(s->menu.warnings.n > before);
	}
	sb_release(&sb);
	kb_scan_free(s);
}

static void test_unset_timeout_waits(void **state)
{
	FILE *f = open_cfg("notimeout");
	struct kb_scan *s;

	(void)state;
	assert_non_null(f);
	fputs("menuentry 'x' { linux /boot/vmlinuz }\n", f);
	fclose(f);
	s = scan_dir("notimeout");
	assert_int_equal(s->menu.timeout, KB_TIMEOUT_WAIT);
	kb_scan_free(s);
}

/* An entry whose configfile chains back to its own file: bounded, not a crash. */
static void test_self_chaining_entry_is_bounded(void **state)
{
	FILE *f = open_cfg("selfchain");
	struct kb_scan *s;

	(void)state;
	assert_non_null(f);
	fputs("menuentry 'plain' { linux /boot/vmlinuz }\n"
	      "menuentry 'again' { configfile $prefix/grub.cfg }\n",
	      f);
	fclose(f);
	s = scan_dir("selfchain");
	assert_true(s->menu.entries.n >= 2);
	assert_true(tu_warned(s, "chained deeper"));
	kb_scan_free(s);
}

/* (tftp), (http,SERVER), (pxe): the server a config came from; unknown for one on a disk. */
static void test_network_devices_are_the_config_server(void **state)
{
	struct kb_scan *s = kb_scan_new();
	struct kb_fs id = { .name = "sda2", .disk = 0, .part = 2, .pttype = "gpt" };
	struct kb_fs net = { .name = "net", .disk = -1, .url = "tftp://10.0.2.2:69/boot" };
	struct kb_fs net6 = { .name = "net6", .disk = -1, .url = "http://[fd00::1]/x" };
	struct gstate *g;

	(void)state;
	assert_non_null(s);
	tu_add_dir(s, NULL, &id);
	{
		struct kb_pctx p = { .scan = s,
				     .arena = s->arena,
				     .fs = s->fs.v[0],
				     .path = "/boot/grub/grub.cfg" };

		g = g_state_new(&p);
		assert_non_null(g);
		g->cfg_fs = s->fs.v[0];
		assert_ptr_equal(g_device(g, "(hd0,gpt2)"), s->fs.v[0]);
		assert_null(g_device(g, "tftp"));
		g->cfg_fs = &net;
		assert_ptr_equal(g_device(g, "tftp"), &net);
		assert_ptr_equal(g_device(g, "(http,10.0.2.2)"), &net);
		assert_ptr_equal(g_device(g, "tftp,"), &net);
		assert_ptr_equal(g_device(g, "pxe:10.0.2.2"), &net);
		assert_null(g_device(g, "http,10.0.2.3"));
		assert_null(g_device(g, "tftpx"));
		assert_null(g_device(g, "memdisk"));
		g->cfg_fs = &net6;
		assert_ptr_equal(g_device(g, "http,fd00::1"), &net6);
		g_state_free(g);
	}
	kb_scan_free(s);
}

/* A file that sources itself twice, without end: cut at G_MAX_INCLUDE, within the budget. */
static void test_endless_self_source_is_bounded(void **state)
{
	static const char text[] = "source /grub.cfg\nsource /grub.cfg\n";
	struct kb_scan *s = kb_scan_new();
	struct kb_fs id = { .name = "sda2", .disk = -1 };
	struct gstate *g;
	struct gsrc *src;

	(void)state;
	assert_non_null(s);
	tu_add_dir(s, NULL, &id);
	{
		struct kb_pctx p = { .scan = s,
				     .arena = s->arena,
				     .parser = &kb_parser_grub2,
				     .fs = s->fs.v[0],
				     .path = "/grub.cfg" };

		g = g_state_new(&p);
		assert_non_null(g);
		g->max_commands = 100000;
		g->cfg_fs = p.fs;
		assert_int_equal(g_set(g, "root", "sda2"), 0);
		src = g_src_new(g, p.fs, p.path, text, strlen(text));
		assert_non_null(src);
		src->active++;
		g_exec_src(g, src);
		src->active--;
		assert_true(g->stopped); /* 2^32 runs: the command budget ends it */
		assert_int_equal(g->includes, 0);
		assert_int_equal(src->active, 0);
		g_state_free(g);
	}
	assert_true(tu_warned(s, "/grub.cfg includes itself without end; cut at 32 levels"));
	kb_scan_free(s);
}

/* The system's own GRUB decides: os-release first, then an EFI vendor directory, then commands. */
static void test_redhat_grub_evidence(void **state)
{
	static const struct {
		const char *dir, *cfg, *os_release, *linux_cmd, *want;
	} cases[] = {
		{ "fedora-esp", "EFI/fedora/grub.cfg", NULL, "linux", "a=\\x41" },
		{ "rocky", "boot/grub2/grub.cfg", "NAME=\"Rocky Linux\"\nID=\"rocky\"\n", "linux",
		  "a=\\x41" },
		{ "alma-like", "boot/grub2/grub.cfg",
		  "ID=\"other\"\nID_LIKE=\"rhel centos fedora\"\n", "linux", "a=\\x41" },
		{ "ubuntu", "boot/grub/grub.cfg", "ID=ubuntu\nID_LIKE=debian\n", "linuxefi",
		  "a=x41" },
		{ "media", "EFI/BOOT/grub.cfg", NULL, "linuxefi", "a=\\x41" },
		{ "plain", "EFI/BOOT/grub.cfg", NULL, "linux", "a=x41" },
	};
	struct kb_fs id = { .name = "sda1", .disk = -1 };
	char path[256], text[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kb_scan *s;
		const struct kb_entry *e;

		snprintf(path, sizeof(path), "%s/%s", cases[i].dir, cases[i].cfg);
		snprintf(text, sizeof(text), "menuentry x {\n\t%s /vmlinuz a=\\x41\n}\n",
			 cases[i].linux_cmd);
		tu_put(path, text);
		snprintf(path, sizeof(path), "%s/vmlinuz", cases[i].dir);
		tu_put(path, "");
		if (cases[i].os_release) {
			snprintf(path, sizeof(path), "%s/etc/os-release", cases[i].dir);
			tu_put(path, cases[i].os_release);
		}
		s = tu_scan_dir(cases[i].dir, &id);
		e = tu_entry(s, "x");
		snprintf(text, sizeof(text), "BOOT_IMAGE=/vmlinuz %s", cases[i].want);
		if (strcmp(e->cmdline, text))
			fail_msg("%s: cmdline '%s', want '%s'", cases[i].dir, e->cmdline, text);
		kb_scan_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_table_is_sorted),
		cmocka_unit_test(test_single_quotes_are_literal),
		cmocka_unit_test(test_double_quote_escapes),
		cmocka_unit_test(test_backslash_outside_quotes),
		cmocka_unit_test(test_escape_x_upstream_and_redhat),
		cmocka_unit_test(test_unquoted_variables_split),
		cmocka_unit_test(test_comments_start_words_only),
		cmocka_unit_test(test_reserved_words_are_plain_arguments),
		cmocka_unit_test(test_positional_parameters),
		cmocka_unit_test(test_if_elif_else_and_status),
		cmocka_unit_test(test_loops_break_continue),
		cmocka_unit_test(test_loops_and_recursion_are_bounded),
		cmocka_unit_test(test_export_and_contexts),
		cmocka_unit_test(test_root_loses_parentheses),
		cmocka_unit_test(test_option_values_and_arguments),
		cmocka_unit_test(test_loader_cmdline_quoting),
		cmocka_unit_test(test_loader_cmdline_keeps_hex_escapes_for_redhat),
		cmocka_unit_test(test_recovery_unterminated_quote),
		cmocka_unit_test(test_recovery_missing_fi_and_brace),
		cmocka_unit_test(test_stray_closers_are_skipped),
		cmocka_unit_test(test_deep_nesting_is_refused),
		cmocka_unit_test_setup_teardown(test_ten_thousand_entries, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_hostile_files_terminate, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_unset_timeout_waits, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_network_devices_are_the_config_server,
						tu_make_tmp, tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_endless_self_source_is_bounded, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_redhat_grub_evidence, tu_make_tmp,
						tu_remove_tmp),
		cmocka_unit_test_setup_teardown(test_self_chaining_entry_is_bounded, tu_make_tmp,
						tu_remove_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
