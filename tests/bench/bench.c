// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench.c - `make bench`: how fast kboot reads configs, and how much memory
 * it takes.  Prints numbers; never passes or fails.
 *
 *   1. a generated grub.cfg with 10,000 entries (grub-mkconfig's shape:
 *      search, linux, initrd), on its own filesystem;
 *   2. a generated extlinux.conf with 10,000 labels;
 *   3. every golden case under tests/data (the whole fixture corpus).
 *
 * Each benchmark runs in a forked child so the peak RSS is its own; the
 * time is the best and the median of several runs of the complete scan
 * (reading, parsing, merging), without the JSON output.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/scan.h"

#define RUNS 15

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Scan the SOURCEs in `args` of a case dir (or one dir when args is NULL). */
static size_t scan_once(const char *dir, const char *args)
{
	char cwd[PATH_MAX], line[4096];
	struct kb_scan *s = kb_scan_new();
	size_t n;

	if (!s || !getcwd(cwd, sizeof(cwd)) || chdir(dir))
		exit(1);
	if (args) {
		FILE *f = fopen(args, "r");

		while (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] && line[0] != '#')
				kb_scan_add_source(s, line, NULL);
		}
		if (f)
			fclose(f);
	} else {
		kb_scan_add_source(s, ".:name=bench:uuid=0b3c1d1e-0000-4000-8000-000000000001",
				   NULL);
	}
	kb_scan_run(s);
	n = s->menu.entries.n;
	kb_scan_free(s);
	if (chdir(cwd))
		exit(1);
	return n;
}

struct job {
	const char *name;
	size_t (*run)(void *arg); /* one complete pass; returns entries found */
	void *arg;
};

static void bench(const struct job *j)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	int status;

	if (pid == 0) {
		double t[RUNS];
		struct rusage ru;
		size_t entries = 0;
		int i;

		for (i = 0; i < RUNS; i++) {
			double t0 = now_ms();

			entries = j->run(j->arg);
			t[i] = now_ms() - t0;
		}
		qsort(t, RUNS, sizeof(t[0]), cmp_double);
		getrusage(RUSAGE_SELF, &ru);
		printf("%-34s %7zu entries  best %8.2f ms  median %8.2f ms  peak RSS %6ld KiB\n",
		       j->name, entries, t[0], t[RUNS / 2], ru.ru_maxrss);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
}

static size_t run_dir(void *arg)
{
	return scan_once(arg, NULL);
}

static size_t run_corpus(void *arg)
{
	const char *data = arg;
	struct dirent **fmts;
	size_t total = 0;
	int nf, i;

	nf = scandir(data, &fmts, NULL, alphasort);
	for (i = 0; i < nf; i++) {
		char fdir[PATH_MAX];
		struct dirent **cases;
		int nc, k;

		snprintf(fdir, sizeof(fdir), "%s/%s", data, fmts[i]->d_name);
		nc = fmts[i]->d_name[0] == '.' ? -1 : scandir(fdir, &cases, NULL, alphasort);
		for (k = 0; k < nc; k++) {
			char cdir[PATH_MAX], args[PATH_MAX + 8];
			struct stat st;

			snprintf(cdir, sizeof(cdir), "%s/%s", fdir, cases[k]->d_name);
			snprintf(args, sizeof(args), "%s/args", cdir);
			if (cases[k]->d_name[0] != '.' && stat(args, &st) == 0)
				total += scan_once(cdir, "args");
			free(cases[k]);
		}
		if (nc > 0)
			free(cases);
		free(fmts[i]);
	}
	if (nf > 0)
		free(fmts);
	return total;
}

/* dir/rel opened for writing, its directories made first; exits on failure. */
static FILE *create(const char *dir, const char *rel)
{
	char path[PATH_MAX], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	f = fopen(path, "w");
	if (!f)
		exit(1);
	return f;
}

static void gen_grub(const char *dir)
{
	FILE *f;
	int i;

	fclose(create(dir, "boot/vmlinuz-6.1.0-13-amd64"));
	fclose(create(dir, "boot/initrd.img-6.1.0-13-amd64"));
	f = create(dir, "boot/grub/grub.cfg");
	fputs("set default=0\nset timeout=5\nfunction load_video {\n  insmod all_video\n}\n", f);
	for (i = 0; i < 10000; i++)
		fprintf(f,
			"menuentry 'Debian GNU/Linux, entry %d' --class debian --class gnu-linux "
			"--class gnu --class os $menuentry_id_option 'gnulinux-%d-advanced' {\n"
			"\tload_video\n\tinsmod gzio\n"
			"\tif [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi\n"
			"\tinsmod part_gpt\n\tinsmod ext2\n"
			"\tsearch --no-floppy --fs-uuid --set=root 0b3c1d1e-0000-4000-8000-000000000001\n"
			"\techo\t'Loading Linux 6.1.0-13-amd64 ...'\n"
			"\tlinux\t/boot/vmlinuz-6.1.0-13-amd64 root=UUID=0b3c1d1e-0000-4000-8000-000000000001 ro quiet entry=%d\n"
			"\techo\t'Loading initial ramdisk ...'\n"
			"\tinitrd\t/boot/initrd.img-6.1.0-13-amd64\n}\n",
			i, i, i);
	fclose(f);
}

static void gen_extlinux(const char *dir)
{
	FILE *f;
	int i;

	fclose(create(dir, "boot/vmlinuz"));
	f = create(dir, "boot/extlinux/extlinux.conf");
	fputs("DEFAULT l0\nTIMEOUT 50\nAPPEND quiet\n", f);
	for (i = 0; i < 10000; i++)
		fprintf(f,
			"LABEL l%d\n  MENU LABEL Linux %d\n  LINUX /boot/vmlinuz\n"
			"  APPEND root=/dev/sda2 ro n=%d\n",
			i, i, i);
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *data = argc > 1 ? argv[1] : "tests/data";
	char tmp[] = "/tmp/kboot-bench.XXXXXX", grub[PATH_MAX], ext[PATH_MAX], cmd[PATH_MAX + 16];
	char corpus[PATH_MAX];

	if (!mkdtemp(tmp) || !realpath(data, corpus)) {
		perror("bench");
		return 1;
	}
	snprintf(grub, sizeof(grub), "%s/grub", tmp);
	snprintf(ext, sizeof(ext), "%s/extlinux", tmp);
	gen_grub(grub);
	gen_extlinux(ext);

	printf("kboot bench: %d runs each, times are whole scans\n", RUNS);
	bench(&(struct job){ "grub.cfg, 10,000 entries", run_dir, grub });
	bench(&(struct job){ "extlinux.conf, 10,000 labels", run_dir, ext });
	bench(&(struct job){ "fixture corpus (tests/data)", run_corpus, corpus });

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd) ? 1 : 0;
}
