// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_golden.c - every case under tests/data/<format>/<case>/: scan the
 * SOURCEs listed in its `args` file (relative to the case directory) and
 * compare the JSON with its `expected.json`, byte for byte.
 *
 * On a mismatch the actual output is left in build/golden/<format>/<case>.json
 * so `diff -u` shows what changed; `make golden-update` rewrites the expected
 * files once a change is understood.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/json.h"
#include "config/scan.h"
#include "testutil.h"

#define DATA "tests/data"

/* Scan one case directory; the JSON text (caller frees) or NULL. */
static char *scan_case(const char *dir)
{
	char cwd[PATH_MAX], line[4096];
	struct kb_scan *s;
	char *out = NULL;
	size_t outlen = 0;
	FILE *args, *mem;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	args = fopen("args", "r");
	assert_non_null(args);
	s = kb_scan_new();
	assert_non_null(s);
	while (fgets(line, sizeof(line), args)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (kb_scan_add_source(s, line, stderr))
			fail_msg("%s: bad SOURCE '%s' in args", dir, line);
	}
	fclose(args);
	assert_int_equal(kb_scan_run(s), 0);
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	kb_menu_write_json(mem, s->arena, &s->menu);
	fclose(mem);
	kb_scan_free(s);
	assert_int_equal(chdir(cwd), 0);
	return out;
}

static void save_actual(const char *format, const char *name, const char *json)
{
	char path[PATH_MAX];
	FILE *f;

	mkdir("build/golden", 0755);
	snprintf(path, sizeof(path), "build/golden/%s", format);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "build/golden/%s/%s.json", format, name);
	f = fopen(path, "w");
	if (f) {
		fputs(json, f);
		fclose(f);
	}
}

static int cases_run, cases_failed;

static void run_case(const char *format, const char *name)
{
	char dir[PATH_MAX], exp_path[PATH_MAX];
	char *actual, *expected;

	snprintf(dir, sizeof(dir), DATA "/%s/%s", format, name);
	snprintf(exp_path, sizeof(exp_path), "%s/expected.json", dir);
	actual = scan_case(dir);
	/* A case without expected.json yet is a mismatch: its output is saved. */
	expected = access(exp_path, R_OK) == 0 ? tu_slurp(exp_path, NULL) : NULL;
	cases_run++;
	if (!expected || strcmp(actual, expected)) {
		cases_failed++;
		save_actual(format, name, actual);
		print_error("golden mismatch: %s (diff -u %s build/golden/%s/%s.json)\n", dir,
			    exp_path, format, name);
	}
	free(actual);
	free(expected);
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int no_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* One cmocka test per format directory, so a failure names the format. */
static void test_format(void **state)
{
	const char *format = *state;
	struct dirent **names;
	int n, i, failed_before = cases_failed;

	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), DATA "/%s", format);
	n = scandir(dir, &names, no_dots, cmp_names);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		char args[PATH_MAX];
		struct stat st;

		snprintf(args, sizeof(args), DATA "/%s/%s/args", format, names[i]->d_name);
		if (stat(args, &st) == 0)
			run_case(format, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	if (cases_failed != failed_before)
		fail_msg("%d golden case(s) of %s differ", cases_failed - failed_before, format);
}

int main(void)
{
	struct CMUnitTest tests[64];
	static char formats[64][NAME_MAX + 1];
	struct dirent **names;
	size_t ntests = 0;
	int n, i, ret;

	n = scandir(DATA, &names, no_dots, cmp_names);
	if (n <= 0) {
		fprintf(stderr, "test_golden: no %s (run from the top of the tree)\n", DATA);
		return 1;
	}
	for (i = 0; i < n; i++) {
		char dir[PATH_MAX];
		struct stat st;

		snprintf(dir, sizeof(dir), DATA "/%s", names[i]->d_name);
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && ntests < 64) {
			snprintf(formats[ntests], sizeof(formats[ntests]), "%s", names[i]->d_name);
			tests[ntests] = (struct CMUnitTest){
				.name = formats[ntests],
				.test_func = test_format,
				.initial_state = formats[ntests],
			};
			ntests++;
		}
		free(names[i]);
	}
	free(names);
	ret = _cmocka_run_group_tests("golden", tests, ntests, NULL, NULL);
	printf("golden: %d cases, %d differ\n", cases_run, cases_failed);
	return ret;
}
