// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_jsonwrite.c - a menu that went over the wire prints exactly as
 * `kboot scan` prints it: every golden expected.json read back and
 * re-printed is byte-identical, and for every golden case the protocol path
 * (kb_menu_write_json_line -> kb_json_parse -> kb_jmenu_write_json /
 * kb_jmenu_write_text) gives the same bytes as kb_menu_write_json /
 * kb_menu_write_text on the scan itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/json.h"
#include "config/scan.h"
#include "lib/jsonparse.h"
#include "proto/jsonwrite.h"
#include "testutil.h"

/* The output of fn(f, arg) as a string (caller frees). */
#define CAPTURE(out, call)                                                                         \
	do {                                                                                       \
		size_t _len;                                                                       \
		FILE *f = open_memstream(&(out), &_len);                                           \
		assert_non_null(f);                                                                \
		call;                                                                              \
		fclose(f);                                                                         \
	} while (0)

static void test_compact_writer(void **state)
{
	static const char *const same[] = {
		"{\"type\":\"boot\",\"seq\":7,\"initrd\":[\"a\",\"b\"],\"x\":null}",
		"[true,false,-3,0.5,1e999,-1e999,\"\\\"\\\\\\n\\t\\u0001\"]",
		"{}",
		"[]",
		"\"caf\xc3\xa9\"",
		"12345678901234",
	};
	struct arena *a = arena_new();
	char *out;
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		struct kb_json *j = kb_json_parse(a, same[i], strlen(same[i]), NULL);

		assert_non_null(j);
		CAPTURE(out, kb_json_write(f, j));
		assert_string_equal(out, same[i]);
		free(out);
	}
	arena_free(a);
}

static void test_golden_files_reprint_identically(void **state)
{
	glob_t g;
	size_t i;
	int differ = 0;

	assert_int_equal(glob("tests/data/*/*/expected.json", 0, NULL, &g), 0);
	assert_true(g.gl_pathc > 100);
	for (i = 0; i < g.gl_pathc; i++) {
		struct arena *a = arena_new();
		const char *err = NULL;
		struct kb_json *menu;
		size_t len;
		char *text = tu_slurp(g.gl_pathv[i], &len), *out;

		menu = kb_json_parse(a, text, len, &err);
		if (!menu)
			fail_msg("%s: %s", g.gl_pathv[i], err);
		CAPTURE(out, kb_jmenu_write_json(f, menu));
		if (strcmp(out, text)) {
			print_error("differs: %s\n", g.gl_pathv[i]);
			differ++;
		}
		free(out);
		free(text);
		arena_free(a);
	}
	globfree(&g);
	assert_int_equal(differ, 0);
}

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80		   ? 0
			: *p >= 0xc2 && *p <= 0xdf ? 1
			: *p >= 0xe0 && *p <= 0xef ? 2
			: *p >= 0xf0 && *p <= 0xf4 ? 3
						   : -1;

		if (n < 0)
			return false;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* The DEVICE array a daemon would send for the scan's filesystems. */
static char *devices_json(struct kb_scan *s)
{
	char *out;
	size_t i;

	CAPTURE(out, {
		putc('[', f);
		for (i = 0; i < s->fs.n; i++) {
			const struct kb_fs *fs = s->fs.v[i];

			fputs(i ? ",{\"name\":" : "{\"name\":", f);
			kb_json_string(f, fs->name);
			fputs(",\"fstype\":", f);
			kb_json_string(f, fs->fstype);
			fputs(",\"label\":", f);
			kb_json_string(f, fs->label);
			fputs(",\"uuid\":", f);
			kb_json_string(f, fs->uuid);
			putc('}', f);
		}
		putc(']', f);
	});
	return out;
}

/* Scan one golden case in its directory; compare both printers. */
static int protocol_path_case(const char *dir)
{
	char cwd[PATH_MAX], line[4096];
	char *wire, *want_json, *got_json, *want_text, *got_text, *devs;
	struct kb_json *menu, *devices;
	struct arena *a = arena_new();
	struct kb_scan *s;
	FILE *args;
	int bad = 0;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	args = fopen("args", "r");
	assert_non_null(args);
	s = kb_scan_new();
	while (fgets(line, sizeof(line), args)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && line[0] != '#')
			assert_int_equal(kb_scan_add_source(s, line, stderr), 0);
	}
	fclose(args);
	assert_int_equal(kb_scan_run(s), 0);

	CAPTURE(wire, kb_menu_write_json_line(f, s->arena, &s->menu));
	CAPTURE(want_json, kb_menu_write_json(f, s->arena, &s->menu));
	CAPTURE(want_text, kb_menu_write_text(f, s->arena, &s->menu));
	devs = devices_json(s);
	assert_null(strchr(wire, '\n')); /* one protocol line */
	menu = kb_json_parse(a, wire, strlen(wire), NULL);
	devices = kb_json_parse(a, devs, strlen(devs), NULL);
	assert_non_null(menu);
	assert_non_null(devices);
	CAPTURE(got_json, kb_jmenu_write_json(f, menu));
	CAPTURE(got_text, kb_jmenu_write_text(f, menu, devices));
	if (strcmp(want_json, got_json)) {
		print_error("%s: JSON differs\n", dir);
		bad = 1;
	}
	/* Raw invalid UTF-8 in a title prints as-is from the model, as U+FFFD
	 * after the wire: only valid text can match. */
	if (valid_utf8(want_text) && strcmp(want_text, got_text)) {
		print_error("%s: text differs\n--- scan\n%s--- wire\n%s", dir, want_text, got_text);
		bad = 1;
	}
	free(wire);
	free(want_json);
	free(got_json);
	free(want_text);
	free(got_text);
	free(devs);
	kb_scan_free(s);
	arena_free(a);
	assert_int_equal(chdir(cwd), 0);
	return bad;
}

static void test_protocol_path_matches_scan_output(void **state)
{
	glob_t g;
	size_t i;
	int differ = 0;

	assert_int_equal(glob("tests/data/*/*/args", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		*strrchr(g.gl_pathv[i], '/') = '\0';
		differ += protocol_path_case(g.gl_pathv[i]);
	}
	globfree(&g);
	assert_int_equal(differ, 0);
}

static void test_booting_plan_for_people(void **state)
{
	static const char linux_msg[] =
		"{\"type\":\"booting\",\"entry\":\"sda1-1\",\"title\":\"L\","
		"\"kernel\":\"sda1:/vmlinuz\",\"initrd\":[\"sda1:/a\",\"sda1:/b\"],"
		"\"dtb\":null,\"cmdline\":\"ro\"}";
	static const char mb_msg[] =
		"{\"type\":\"booting\",\"entry\":\"sda1-2\",\"title\":\"Xen\","
		"\"kernel\":\"sda1:/xen.gz\",\"initrd\":[\"sda1:/vmlinuz\",\"sda1:/initrd\"],"
		"\"multiboot\":true,\"module_args\":[\"root=/dev/sda1 ro\",\"\"],"
		"\"dtb\":null,\"cmdline\":\"dom0_mem=1G\"}";
	struct arena *a = arena_new();
	char *out;

	CAPTURE(out,
		kb_jbooting_write_text(f, kb_json_parse(a, linux_msg, strlen(linux_msg), NULL)));
	assert_string_equal(out, "  kernel  sda1:/vmlinuz\n"
				 "  initrd  sda1:/a\n"
				 "  initrd  sda1:/b\n"
				 "  cmdline ro\n");
	free(out);
	CAPTURE(out, kb_jbooting_write_text(f, kb_json_parse(a, mb_msg, strlen(mb_msg), NULL)));
	assert_string_equal(out, "  kernel  sda1:/xen.gz\n"
				 "  module  sda1:/vmlinuz root=/dev/sda1 ro\n"
				 "  module  sda1:/initrd\n"
				 "  cmdline dom0_mem=1G\n");
	free(out);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_writer),
		cmocka_unit_test(test_golden_files_reprint_identically),
		cmocka_unit_test(test_protocol_path_matches_scan_output),
		cmocka_unit_test(test_booting_plan_for_people),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
