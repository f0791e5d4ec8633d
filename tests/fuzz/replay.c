// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - a fuzz target without libFuzzer: every input of the given
 * corpus directories (or files) is run once through the target's
 * LLVMFuzzerTestOneInput().  Built with gcc's ASan + UBSan, it is the
 * regression run `make check` does (`make fuzz-regress`): whatever the
 * fuzzers once found stays fixed, without clang.
 *
 * Prints one line: how many inputs, the slowest and its time.  A crash
 * or a sanitizer report ends it with their exit status.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static size_t runs;
static double slowest;
static char slowest_name[4096];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, n;
	double start;

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (size == cap) {
			cap = cap ? cap * 2 : 65536;
			data = realloc(data, cap);
			if (!data)
				exit(2);
		}
		n = fread(data + size, 1, cap - size, f);
		size += n;
	} while (n);
	fclose(f);
	start = now();
	LLVMFuzzerTestOneInput(data, size);
	if (now() - start > slowest) {
		slowest = now() - start;
		snprintf(slowest_name, sizeof(slowest_name), "%s", path);
	}
	free(data);
	runs++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	char file[4096];
	int i, n;

	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	n = scandir(path, &names, NULL, by_name);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
			run_file(file);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	int i;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("%s: %zu inputs, the slowest %.2f s (%s)\n", argv[0], runs, slowest,
	       runs ? slowest_name : "-");
	return 0;
}
