// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_download.c - core/net/download.c: downloads in child processes of the
 * loop, with progress, failures as sentences, cancel, and no partial file
 * left behind.  Servers: file:// and tests/unit/fetch/httpd.py on 127.0.0.1.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/loop.h"
#include "net/download.h"
#include "testutil.h"

#define BIG (3 * 1024 * 1024)

static struct tu_server http;
static int progress_calls, end_calls;
static struct kb_download last;

static void seen(struct kb_downloads *dl, const struct kb_download *d, void *data)
{
	if (d->state == KB_DL_RUNNING)
		progress_calls++;
	else
		end_calls++;
	last = *d;
}

static int setup(void **state)
{
	char *big = malloc(BIG);
	size_t i;

	tu_make_tmp(state);
	for (i = 0; i < BIG; i++)
		big[i] = (char)(i * 7 + i / 4096);
	tu_put_len("www/big.bin", big, BIG);
	free(big);
	tu_sh("mkdir -p out");
	http = tu_server_start("tests/unit/fetch/httpd.py", NULL);
	return 0;
}

static int teardown(void **state)
{
	tu_server_stop(&http);
	return tu_remove_tmp(state);
}

/* Pump until download id ended, at most ms. */
static const struct kb_download *wait_end(struct kb_loop *l, struct kb_downloads *dl, int id,
					  unsigned int ms)
{
	const struct kb_download *d = NULL;
	unsigned int t;

	for (t = 0; t < ms; t += 50) {
		tu_pump(l, 50);
		d = kb_download_get(dl, id);
		if (d && d->state != KB_DL_RUNNING)
			break;
	}
	return d;
}

static struct kb_downloads *fresh(struct kb_loop **l)
{
	char dir[4096];

	progress_calls = end_calls = 0;
	memset(&last, 0, sizeof(last));
	*l = kb_loop_new();
	snprintf(dir, sizeof(dir), "%s/out", tu_tmp);
	return kb_downloads_new(*l, dir, seen, NULL);
}

static void test_http_download_completes_with_progress(void **state)
{
	char url[256], err[256], path[4096], *want, *got;
	struct kb_loop *l;
	struct kb_downloads *dl = fresh(&l);
	const struct kb_download *d;
	size_t wlen, glen;
	int id;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/www/big.bin", http.port);
	id = kb_download_start(dl, url, "big.bin", 0, 0, err, sizeof(err));
	assert_true(id > 0);
	d = wait_end(l, dl, id, 10000);
	assert_int_equal(d->state, KB_DL_DONE);
	assert_int_equal(d->bytes, BIG);
	assert_int_equal(d->total, BIG);
	assert_int_equal(end_calls, 1);
	assert_int_equal(last.state, KB_DL_DONE);
	snprintf(path, sizeof(path), "%s/www/big.bin", tu_tmp);
	want = tu_slurp(path, &wlen);
	got = tu_slurp(d->path, &glen);
	assert_int_equal(wlen, glen);
	assert_memory_equal(want, got, wlen);
	free(want);
	free(got);
	snprintf(path, sizeof(path), "%s.part", d->path);
	assert_int_not_equal(access(path, F_OK), 0);
	kb_downloads_free(dl);
	kb_loop_free(l);
}

static void test_file_url_download(void **state)
{
	char url[4096], err[256];
	struct kb_loop *l;
	struct kb_downloads *dl = fresh(&l);
	const struct kb_download *d;
	int id;

	snprintf(url, sizeof(url), "file://%s/www/big.bin", tu_tmp);
	id = kb_download_start(dl, url, "copy.bin", 0, 0, err, sizeof(err));
	d = wait_end(l, dl, id, 10000);
	assert_int_equal(d->state, KB_DL_DONE);
	assert_int_equal(d->bytes, BIG);
	kb_downloads_free(dl);
	kb_loop_free(l);
}

static void test_404_fails_with_the_servers_sentence(void **state)
{
	char url[256], err[256], path[4096];
	struct kb_loop *l;
	struct kb_downloads *dl = fresh(&l);
	const struct kb_download *d;
	int id;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/www/nothing-here", http.port);
	id = kb_download_start(dl, url, "nothing", 0, 0, err, sizeof(err));
	d = wait_end(l, dl, id, 10000);
	assert_int_equal(d->state, KB_DL_FAILED);
	assert_non_null(strstr(d->error, "/www/nothing-here: 404"));
	snprintf(path, sizeof(path), "%s/out/nothing", tu_tmp);
	assert_int_not_equal(access(path, F_OK), 0);
	strcat(path, ".part");
	assert_int_not_equal(access(path, F_OK), 0);
	kb_downloads_free(dl);
	kb_loop_free(l);
}

/*
 * A long URL with a password: the failure still names the server's answer
 * (the child's line was cut at 1,100 bytes and read past its buffer, and
 * the parent dropped lines over 1,023 bytes: "the download stopped"), and
 * the password is never in it.
 */
static void test_long_url_failure_keeps_the_reason_and_hides_the_password(void **state)
{
	char url[2600], err[256], tail[1501];
	struct kb_loop *l;
	struct kb_downloads *dl = fresh(&l);
	const struct kb_download *d;
	int id;

	memset(tail, 'a', sizeof(tail) - 1);
	tail[sizeof(tail) - 1] = '\0';
	snprintf(url, sizeof(url), "http://alice:SeCrEt1@127.0.0.1:%d/www/%s", http.port, tail);
	id = kb_download_start(dl, url, "long", 0, 0, err, sizeof(err));
	assert_true(id > 0);
	d = wait_end(l, dl, id, 10000);
	assert_int_equal(d->state, KB_DL_FAILED);
	assert_non_null(strstr(d->error, ": 404"));
	assert_non_null(strstr(d->error, "http://alice:***@127.0.0.1"));
	assert_null(strstr(d->error, "SeCrEt1"));
	kb_downloads_free(dl);
	kb_loop_free(l);
}

static void test_cancel_stops_a_stalled_download_within_a_second(void **state)
{
	char url[256], err[256], path[4096];
	struct kb_loop *l;
	struct kb_downloads *dl = fresh(&l);
	const struct kb_download *d;
	uint64_t t0;
	int id;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/stall/www/big.bin", http.port);
	id = kb_download_start(dl, url, "stalled", 0, 60000, err, sizeof(err));
	assert_true(id > 0);
	tu_pump(l, 500); /* the first 1000 bytes arrive, then silence */
	assert_int_equal(kb_download_get(dl, id)->state, KB_DL_RUNNING);
	t0 = kb_loop_now(l);
	assert_int_equal(kb_download_cancel(dl, id), 0);
	d = wait_end(l, dl, id, 5000);
	assert_int_equal(d->state, KB_DL_CANCELLED);
	assert_true(kb_loop_now(l) - t0 < 1000);
	snprintf(path, sizeof(path), "%s/out/stalled.part", tu_tmp);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(kb_download_cancel(dl, id), -ENOENT);
	kb_downloads_free(dl);
	kb_loop_free(l);
}

static void test_bad_names_and_urls_are_refused(void **state)
{
	char err[256];
	struct kb_loop *l;
	struct kb_downloads *dl = fresh(&l);

	assert_int_equal(kb_download_start(dl, "http://h/x", "a/b", 0, 0, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "'a/b' is no file name");
	assert_int_equal(kb_download_start(dl, "htp://h/x", "x", 0, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown scheme 'htp'"));
	assert_int_equal(kb_download_start(dl, "nfs://h/x", "x", 0, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NFS is mounted, not downloaded"));
	kb_downloads_free(dl);
	kb_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_download_completes_with_progress),
		cmocka_unit_test(test_file_url_download),
		cmocka_unit_test(test_404_fails_with_the_servers_sentence),
		cmocka_unit_test(test_long_url_failure_keeps_the_reason_and_hides_the_password),
		cmocka_unit_test(test_cancel_stops_a_stalled_download_within_a_second),
		cmocka_unit_test(test_bad_names_and_urls_are_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
