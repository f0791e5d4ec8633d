// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fetch.c - kb_fetch() (fetch.h): the options and their defaults, the URL
 * read, and the download handed to its scheme's file (http.c, ftp.c,
 * tftp.c, ssh.c, and file:// here); io.c is what they share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/fetch/private.h"

/* ---- file:// ---- */

static int fetch_file(struct fetch *f, const struct kb_url *u)
{
	char why[128];
	struct stat st;
	int fd, ret = 0;

	fd = open(u->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fetch_fail(f, errno == ENOENT ? -ENOENT : -errno, "%s",
				  fetch_strerror(errno, why, sizeof(why)));
	if (fstat(fd, &st)) {
		ret = fetch_fail(f, -errno, "%s", fetch_strerror(errno, why, sizeof(why)));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = fetch_fail(f, -EISDIR, "is a directory, not a file");
		goto out;
	}
	if (S_ISREG(st.st_mode))
		ret = fetch_set_total(f, (uint64_t)st.st_size);
	while (!ret) {
		ssize_t n = read(fd, f->buf, FETCH_BUF_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = fetch_fail(f, -errno, "cannot read it: %s",
					 fetch_strerror(errno, why, sizeof(why)));
		else if (n == 0)
			break;
		else
			ret = fetch_write(f, f->buf, (size_t)n);
	}
out:
	close(fd);
	return ret;
}

/* ---- kb_fetch() ---- */

/* The default max_size: MemAvailable less KB_FETCH_RESERVE; 0 (none) when unknown. */
static uint64_t memory_cap(void)
{
	unsigned long long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (!kb)
		return 0;
	return kb * 1024 > KB_FETCH_RESERVE ? kb * 1024 - KB_FETCH_RESERVE : 1;
}

int kb_fetch(const char *url, int out_fd, const struct kb_fetch_opts *o,
	     kb_fetch_progress_fn progress, void *data, char *err, size_t errlen)
{
	static const struct kb_fetch_opts defaults;
	char shown[256]; /* the URL in sentences: a long one elided */
	struct kb_url u;
	struct fetch f;
	int ret;

	if (!o)
		o = &defaults;
	ret = kb_url_parse(url, &u, err, errlen);
	if (ret)
		return ret;
	f = (struct fetch){
		.url = kb_url_redact(url, shown, sizeof(shown)),
		.out_fd = out_fd,
		.connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms
							: KB_FETCH_CONNECT_TIMEOUT_MS,
		.stall_ms =
			o->stall_timeout_ms > 0 ? o->stall_timeout_ms : KB_FETCH_STALL_TIMEOUT_MS,
		.max_size = o->max_size ? o->max_size : memory_cap(),
		.min_rate = o->min_rate ? o->min_rate : KB_FETCH_MIN_RATE,
		.rate_window_ms =
			o->rate_window_ms > 0 ? o->rate_window_ms : KB_FETCH_RATE_WINDOW_MS,
		.window_start = fetch_now(),
		.cancel = o->cancel,
		.tftp_blksize = o->tftp_blksize ? o->tftp_blksize : KB_FETCH_TFTP_BLKSIZE,
		.progress = progress,
		.progress_data = data,
		.last_progress = fetch_now(),
		.err = err,
		.errlen = errlen,
	};
	if (f.tftp_blksize < 8 || f.tftp_blksize > 65464)
		return fetch_fail(&f, -EINVAL, "TFTP block size %u is not between 8 and 65464",
				  f.tftp_blksize);
	if (u.scheme == KB_URL_NFS)
		return fetch_fail(&f, -EPROTONOSUPPORT,
				  "NFS exports are mounted by the daemon, not downloaded");
	f.buf = malloc(FETCH_BUF_SIZE);
	if (!f.buf)
		return fetch_fail(&f, -ENOMEM, "out of memory");
	switch (u.scheme) {
	case KB_URL_HTTP:
		ret = fetch_http(&f, url, &u);
		break;
	case KB_URL_FTP:
		ret = fetch_ftp(&f, &u);
		break;
	case KB_URL_TFTP:
		ret = fetch_tftp(&f, &u);
		break;
	case KB_URL_SSH:
		ret = fetch_ssh(&f, &u);
		break;
	default:
		ret = fetch_file(&f, &u);
		break;
	}
	free(f.buf);
	if (!ret && progress)
		progress(f.done, f.total, data);
	return ret;
}
