// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fetch.c - `kboot fetch [options] URL FILE`: one download with the
 * daemon's code (core/net/fetch/fetch.h), for people and tests.
 *
 * Progress goes to stderr at most every half second ("12.3 MiB of
 * 64.0 MiB, 8.1 MiB/s"), then a last line with the time taken.  SIGINT and
 * SIGTERM stop the download through the cancel flag.  A failed download
 * leaves no FILE behind (when FILE is a regular file).
 *
 * Exit status: 0 downloaded, 1 the download failed (the reason on stderr),
 * 2 unusable arguments (a bad URL among them).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "net/fetch/fetch.h"

#define SHOW_EVERY_MS 500

static volatile sig_atomic_t stop;

struct show {
	int64_t start;	/* ms when the download began */
	int64_t last;	/* ms of the last line, 0: none yet */
	uint64_t bytes; /* the last count reported */
	bool quiet;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kboot fetch [OPTIONS] URL FILE\n"
		"\n"
		"Download URL (tftp://, http://, ftp://, file://, ssh://) into FILE the way kboot\n"
		"fetches kernels, showing progress on stderr.\n"
		"\n"
		"  --connect-timeout S  give up connecting after S seconds (default 10)\n"
		"  --stall-timeout S    give up when no data comes for S seconds (default 15)\n"
		"  --min-rate BYTES     give up below BYTES a second over any minute\n"
		"                       (default 1024; 0: no minimum)\n"
		"  --max-size BYTES     refuse anything bigger (K, M, G suffixes: KiB, MiB, GiB)\n"
		"  --tftp-blksize N     TFTP block size to ask for, 8 to 65464 (default 1468)\n"
		"  --quiet              no progress lines, only errors\n");
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
	stop = 1;
}

static double mib(uint64_t n)
{
	return (double)n / (1024.0 * 1024.0);
}

/* "12.3 MiB of 64.0 MiB, 8.1 MiB/s" */
static void line(const struct show *s, uint64_t bytes, uint64_t total)
{
	int64_t ms = now_ms() - s->start;
	double rate = ms > 0 ? mib(bytes) * 1000.0 / (double)ms : 0;

	if (total)
		fprintf(stderr, "%.1f MiB of %.1f MiB, %.1f MiB/s\n", mib(bytes), mib(total), rate);
	else
		fprintf(stderr, "%.1f MiB, %.1f MiB/s\n", mib(bytes), rate);
}

static void progress(uint64_t bytes, uint64_t total, void *data)
{
	struct show *s = data;
	int64_t now = now_ms();

	s->bytes = bytes;
	if (s->quiet || now - (s->last ? s->last : s->start) < SHOW_EVERY_MS)
		return;
	s->last = now;
	line(s, bytes, total);
}

/* Seconds, fractions allowed: 0.5 to a day, in ms; -1 when unusable. */
static int parse_seconds(const char *v)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(v, &end);
	if (errno || end == v || *end || !(s >= 0.001 && s <= 86400))
		return -1;
	return (int)(s * 1000 + 0.5);
}

/* "1048576", "64M", "2G"; false when unusable. */
static bool parse_size(const char *v, uint64_t *out)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	if (*v < '0' || *v > '9')
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return false;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || n == 0 || n > (~0ULL >> shift))
		return false;
	*out = (uint64_t)n << shift;
	return true;
}

/* Read the options into o and s.  -1 to go on, else the exit status (0 after --help). */
static int fetch_args(int argc, char **argv, struct kb_fetch_opts *o, struct show *s)
{
	static const struct option opts[] = {
		{ "connect-timeout", required_argument, NULL, 'c' },
		{ "stall-timeout", required_argument, NULL, 's' },
		{ "min-rate", required_argument, NULL, 'r' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "tftp-blksize", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t rate;
	char *end;
	int c, ret;
	long n;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 's':
			ret = parse_seconds(optarg);
			if (ret < 0) {
				fprintf(stderr, "kboot fetch: '%s' is not a number of seconds\n",
					optarg);
				return 2;
			}
			*(c == 'c' ? &o->connect_timeout_ms : &o->stall_timeout_ms) = ret;
			break;
		case 'r':
			if (!parse_size(optarg, &rate)) {
				fprintf(stderr, "kboot fetch: '%s' is not a number of bytes\n",
					optarg);
				return 2;
			}
			o->min_rate = !rate ? -1 : rate > INT64_MAX ? INT64_MAX : (int64_t)rate;
			break;
		case 'm':
			if (!parse_size(optarg, &o->max_size)) {
				fprintf(stderr, "kboot fetch: '%s' is not a size in bytes\n",
					optarg);
				return 2;
			}
			break;
		case 'b':
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 8 || n > 65464) {
				fprintf(stderr,
					"kboot fetch: TFTP block size '%s' is not between 8 and 65464\n",
					optarg);
				return 2;
			}
			o->tftp_blksize = (unsigned int)n;
			break;
		case 'q':
			s->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "kboot fetch: %s\n",
			argc - optind < 2 ? "give a URL and a FILE" : "too many arguments");
		usage(stderr);
		return 2;
	}
	return -1;
}

int cmd_fetch(int argc, char **argv)
{
	struct kb_fetch_opts o = { .cancel = &stop };
	struct sigaction sa = { .sa_handler = on_signal };
	struct show s = { 0 };
	const char *url, *file;
	char err[1024];
	struct kb_url u;
	struct stat st;
	int fd, ret;

	ret = fetch_args(argc, argv, &o, &s);
	if (ret >= 0)
		return ret;
	url = argv[optind];
	file = argv[optind + 1];
	if (kb_url_parse(url, &u, err, sizeof(err))) {
		fprintf(stderr, "kboot fetch: %s\n", err);
		return 2;
	}
	if (u.scheme == KB_URL_NFS) {
		fprintf(stderr,
			"kboot fetch: %s: NFS exports are mounted by the daemon, not downloaded\n",
			url);
		return 2;
	}
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "kboot fetch: %s: %s\n", file, strerror(errno));
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a wait ends at once and sees the flag. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	s.start = now_ms();
	ret = kb_fetch(url, fd, &o, progress, &s, err, sizeof(err));
	if (!ret && close(fd)) {
		snprintf(err, sizeof(err), "%s: %s", file, strerror(errno));
		ret = -EIO;
		fd = -1;
	}
	if (ret) {
		if (fd >= 0)
			close(fd);
		if (!stat(file, &st) && S_ISREG(st.st_mode))
			unlink(file);
		fprintf(stderr, "kboot fetch: %s\n", err);
		return 1;
	}
	if (!s.quiet) {
		int64_t ms = now_ms() - s.start;

		fprintf(stderr, "%.1f MiB in %.1f s, %.1f MiB/s\n", mib(s.bytes),
			(double)ms / 1000.0, ms > 0 ? mib(s.bytes) * 1000.0 / (double)ms : 0);
	}
	return 0;
}
