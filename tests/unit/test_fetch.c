// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fetch.c - downloads (core/net/fetch/fetch.h) from real servers on 127.0.0.1,
 * each started and stopped here: Python's http.server with paths that
 * misbehave (tests/unit/fetch/httpd.py), pyftpdlib (ftpd.py), and a small
 * TFTP server with switches to lose, duplicate and refuse (tftpd.py).
 * Every scheme gives a byte-identical 3 MiB file; every failure gives its
 * errno and one sentence; timeouts and the cancel flag end a download in
 * time.  URL parsing and reference resolution are tested without servers.
 *
 * Nothing leaves the loopback interface: every server binds 127.0.0.1,
 * and the one lookup that must fail runs in an empty network namespace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/fetch/fetch.h"
#include "testutil.h"

#define DATA_DIR "tests/unit/fetch"
#define BIG	 (3 * 1024 * 1024) /* bytes of big.bin */
#define SMALL	 20000		   /* bytes of small.bin: 14 TFTP blocks of 1468 */
/* wrap.bin: more than 65535 blocks of 16 bytes, so block numbers roll over. */
#define WRAP_BLKSIZE 16
#define WRAP	     (65536 * WRAP_BLKSIZE + 100)

/* ---- Servers (testutil: tu_server_start) ---- */

static struct tu_server http, ftp;

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
static int closed_port(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* A TCP listener that never accepts: connects succeed, nothing is ever said. */
static int silent_listener(int *port, int backlog)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* ---- Fixtures ---- */

static void put_random(const char *rel, size_t n)
{
	unsigned char *b = malloc(n);
	uint32_t x = 2463534242u;
	size_t i;

	assert_non_null(b);
	for (i = 0; i < n; i++) {
		/* xorshift32: every byte value, no long runs, the same every time. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (unsigned char)x;
	}
	tu_put_len(rel, b, n);
	free(b);
}

static int setup(void **state)
{
	tu_make_tmp(state);
	put_random("big.bin", BIG);
	put_random("small.bin", SMALL);
	put_random("wrap.bin", WRAP);
	tu_put("dir/name with space", "spaced\n");
	http = tu_server_start(DATA_DIR "/httpd.py", NULL);
	ftp = tu_server_start(DATA_DIR "/ftpd.py", NULL);
	return 0;
}

static int teardown(void **state)
{
	tu_server_stop(&http);
	tu_server_stop(&ftp);
	return tu_remove_tmp(state);
}

/* ---- Downloading ---- */

struct prog {
	int calls;
	uint64_t bytes, total; /* of the last call */
	bool went_back;	       /* bytes ever decreased, or total changed */
	int64_t first, last;   /* ms of the first and last call */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_progress(uint64_t bytes, uint64_t total, void *data)
{
	struct prog *p = data;

	if (p->calls && (bytes < p->bytes || total != p->total))
		p->went_back = true;
	if (!p->calls)
		p->first = now_ms();
	p->last = now_ms();
	p->calls++;
	p->bytes = bytes;
	p->total = total;
}

static char err[1024];
static struct prog prog;

/* Download url into tu_tmp/out.bin; the errno, the sentence in err. */
static int get_opts(const char *url, const struct kb_fetch_opts *o)
{
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/out.bin", tu_tmp);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	memset(&prog, 0, sizeof(prog));
	err[0] = '\0';
	ret = kb_fetch(url, fd, o, on_progress, &prog, err, sizeof(err));
	close(fd);
	if (ret)
		assert_true(err[0]); /* every failure has its sentence */
	return ret;
}

static int get(const char *url)
{
	return get_opts(url, NULL);
}

/* A URL for the server on port: "http://127.0.0.1:PORT" + path. */
static const char *at(const char *scheme, int port, const char *path)
{
	static char url[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(url[i], sizeof(url[i]), "%s://127.0.0.1:%d%s", scheme, port, path);
	return url[i];
}

/* out.bin is a copy of tu_tmp/rel. */
static void assert_got(const char *rel)
{
	char a[512], b[512];
	size_t na, nb;
	char *x, *y;

	snprintf(a, sizeof(a), "%s/%s", tu_tmp, rel);
	snprintf(b, sizeof(b), "%s/out.bin", tu_tmp);
	x = tu_slurp(a, &na);
	y = tu_slurp(b, &nb);
	assert_int_equal(nb, na);
	assert_memory_equal(x, y, na);
	free(x);
	free(y);
}

static off_t out_size(void)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/out.bin", tu_tmp);
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* err is "<url>: <reason>" exactly. */
static void assert_err(const char *url, const char *reason)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s: %s", url, reason);
	assert_string_equal(err, want);
}

/* The TFTP server's log (its --log file), "" when empty. */
static char *tftp_log(void)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/tftp.log", tu_tmp);
	if (stat(path, &st))
		return strdup("");
	return tu_slurp(path, NULL);
}

/*
 * The log once it holds needle: the server writes some lines after the
 * client is done ("done", an ERROR it got), so wait for them, up to 5 s.
 */
static char *tftp_log_with(const char *needle)
{
	char *log = tftp_log();
	int i;

	for (i = 0; i < 250 && !strstr(log, needle); i++) {
		free(log);
		usleep(20000);
		log = tftp_log();
	}
	return log;
}

static struct tu_server start_tftp(const char *a1, const char *a2, const char *a3)
{
	char log[512];

	snprintf(log, sizeof(log), "%s/tftp.log", tu_tmp);
	unlink(log);
	return tu_server_start(DATA_DIR "/tftpd.py", "--log", log, a1, a2, a3, NULL);
}

static int count(const char *haystack, const char *needle)
{
	int n = 0;

	for (; (haystack = strstr(haystack, needle)); haystack++)
		n++;
	return n;
}

/* ---- URLs ---- */

static void test_url_http_with_everything(void **state)
{
	struct kb_url u;

	assert_int_equal(kb_url_parse("HTTP://me:pa%40ss@boot.example:8080/a/b%20c?x=1&y#frag", &u,
				      err, sizeof(err)),
			 0);
	assert_int_equal(u.scheme, KB_URL_HTTP);
	assert_true(u.has_user);
	assert_string_equal(u.user, "me");
	assert_string_equal(u.pass, "pa@ss");
	assert_string_equal(u.host, "boot.example");
	assert_false(u.ipv6);
	assert_int_equal(u.port, 8080);
	/* HTTP keeps the target as written, query included, fragment dropped. */
	assert_string_equal(u.path, "/a/b%20c?x=1&y");
}

static void test_url_default_ports_and_decoded_paths(void **state)
{
	struct kb_url u;

	assert_int_equal(kb_url_parse("tftp://10.0.2.2/pxelinux.cfg/default", &u, err, 256), 0);
	assert_int_equal(u.scheme, KB_URL_TFTP);
	assert_int_equal(u.port, 69);
	assert_string_equal(u.host, "10.0.2.2");
	assert_string_equal(u.path, "/pxelinux.cfg/default");

	assert_int_equal(kb_url_parse("http://h", &u, err, 256), 0);
	assert_int_equal(u.port, 80);
	assert_string_equal(u.path, "/");
	assert_int_equal(kb_url_parse("http://h?q=1", &u, err, 256), 0);
	assert_string_equal(u.path, "/?q=1");
	/* Bytes beyond ASCII go out escaped. */
	assert_int_equal(kb_url_parse("http://h/k\xc3\xa9rnel", &u, err, 256), 0);
	assert_string_equal(u.path, "/k%C3%A9rnel");

	assert_int_equal(kb_url_parse("ftp://h/pub/a%20b%2Fc;type=i", &u, err, 256), 0);
	assert_int_equal(u.port, 21);
	assert_false(u.has_user);
	assert_string_equal(u.path, "/pub/a b/c");

	assert_int_equal(kb_url_parse("tftp://h:6969/x%25y;mode=octet", &u, err, 256), 0);
	assert_int_equal(u.port, 6969);
	assert_string_equal(u.path, "/x%y");
	/* Only the last ';' can start a type code. */
	assert_int_equal(kb_url_parse("tftp://h/a;b;mode=octet", &u, err, 256), 0);
	assert_string_equal(u.path, "/a;b");

	assert_int_equal(kb_url_parse("nfs://server/srv/nfs/root", &u, err, 256), 0);
	assert_int_equal(u.scheme, KB_URL_NFS);
	assert_int_equal(u.port, 2049);
	assert_string_equal(u.path, "/srv/nfs/root");

	assert_int_equal(kb_url_parse("file:///boot/vmlinuz%2D6.1", &u, err, 256), 0);
	assert_int_equal(u.scheme, KB_URL_FILE);
	assert_string_equal(u.host, "");
	assert_string_equal(u.path, "/boot/vmlinuz-6.1");
	assert_int_equal(kb_url_parse("file:/boot/x", &u, err, 256), 0);
	assert_string_equal(u.path, "/boot/x");
	assert_int_equal(kb_url_parse("file://localhost/boot/x", &u, err, 256), 0);
	assert_string_equal(u.path, "/boot/x");
}

static void test_url_ipv6_literals(void **state)
{
	struct kb_url u;

	assert_int_equal(kb_url_parse("http://[::1]:8080/k", &u, err, 256), 0);
	assert_true(u.ipv6);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 8080);
	assert_int_equal(kb_url_parse("tftp://[2001:db8::2]/x", &u, err, 256), 0);
	assert_string_equal(u.host, "2001:db8::2");
	assert_int_equal(u.port, 69);
	/* RFC 6874: a zone, its '%' escaped. */
	assert_int_equal(kb_url_parse("tftp://[fe80::1%25eth0]/x", &u, err, 256), 0);
	assert_string_equal(u.host, "fe80::1%eth0");
	assert_int_equal(kb_url_parse("ftp://u:p@[::ffff:10.0.2.2]:2121/f", &u, err, 256), 0);
	assert_string_equal(u.host, "::ffff:10.0.2.2");
	assert_string_equal(u.user, "u");
	assert_int_equal(u.port, 2121);
	/* ssh: a user, port 22 unless given, the path percent-decoded. */
	assert_int_equal(kb_url_parse("ssh://root@10.0.2.100/srv/my%20kernel", &u, err, 256), 0);
	assert_int_equal(u.scheme, KB_URL_SSH);
	assert_string_equal(u.user, "root");
	assert_int_equal(u.port, 22);
	assert_string_equal(u.path, "/srv/my kernel");

	assert_int_equal(kb_url_parse("http://fe80::1/k", &u, err, 256), -EINVAL);
	assert_string_equal(
		err, "'http://fe80::1/k': an IPv6 address must be written in brackets ([fe80::1])");
	assert_int_equal(kb_url_parse("http://[::1/k", &u, err, 256), -EINVAL);
	assert_int_equal(kb_url_parse("http://[::g]/k", &u, err, 256), -EINVAL);
	assert_string_equal(err, "'http://[::g]/k': bad IPv6 address '::g'");
	assert_int_equal(kb_url_parse("http://[::1]x/k", &u, err, 256), -EINVAL);
}

static void test_url_bad_ones_get_a_sentence(void **state)
{
	static const struct {
		const char *url;
		int ret;
		const char *err;
	} cases[] = {
		{ "htp://x", -EINVAL,
		  "'htp://x': unknown scheme 'htp' (tftp, http, ftp, nfs, file, ssh)" },
		{ "https://h/k", -EPROTONOSUPPORT,
		  "'https://h/k': https is not supported (kboot has no TLS); use http://" },
		{ "ftps://h/k", -EPROTONOSUPPORT,
		  "'ftps://h/k': ftps is not supported (kboot has no TLS); use ftp://" },
		{ "vmlinuz", -EINVAL, "'vmlinuz': not a URL (expected scheme://host/path)" },
		{ "http:/h/k", -EINVAL, "'http:/h/k': expected '//' after 'http:'" },
		{ "http:///k", -EINVAL, "'http:///k': no host" },
		{ "http://h:0/", -EINVAL, "'http://h:0/': bad port '0' (1 to 65535)" },
		{ "http://h:65536/", -EINVAL, "'http://h:65536/': bad port '65536' (1 to 65535)" },
		{ "http://h:8o/", -EINVAL, "'http://h:8o/': bad port '8o' (1 to 65535)" },
		{ "http://h/a b", -EINVAL,
		  "'http://h/a b': a space or control character at byte 11 (write a space as %20)" },
		{ "http://h/%zz", -EINVAL,
		  "'http://h/%zz': bad percent escape in the path (write '%' as %25)" },
		{ "http://b@d!/k", -EINVAL,
		  "'http://b@d!/k': bad host name 'd!' (letters, digits, '-', '.' only)" },
		{ "http://:pw@h/k", -EINVAL, "'http://:***@h/k': empty user name before '@'" },
		{ "tftp://me@h/x", -EINVAL, "'tftp://me@h/x': tftp URLs have no user name" },
		{ "tftp://h/", -EINVAL, "'tftp://h/': no file name after the host" },
		{ "ftp://h", -EINVAL, "'ftp://h': no file name after the host" },
		{ "tftp://h/a%00b", -EINVAL, "'tftp://h/a%00b': the path holds a NUL byte (%00)" },
		{ "ftp://h/a%0D%0ADELE%20b", -EINVAL,
		  "'ftp://h/a%0D%0ADELE%20b': the path holds a line break (%0D or %0A)" },
		{ "ftp://h/a?b", -EINVAL,
		  "'ftp://h/a?b': a query ('?b') means nothing in a ftp URL (write '?' as %3F)" },
		{ "tftp://h/x;mode=netascii", -EINVAL,
		  "'tftp://h/x;mode=netascii': ';mode=netascii' is not supported (only binary transfers: ;mode=octet)" },
		{ "file://server/x", -EINVAL,
		  "'file://server/x': file URLs name files on this machine (file:///path), not on 'server'" },
		{ "file://:80/x", -EINVAL, "'file://:80/x': file URLs have no port" },
	};
	struct kb_url u;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = kb_url_parse(cases[i].url, &u, err, sizeof(err));

		if (ret != cases[i].ret || strcmp(err, cases[i].err))
			fail_msg("%s: got %d \"%s\", wanted %d \"%s\"", cases[i].url, ret, err,
				 cases[i].ret, cases[i].err);
	}
}

static void test_url_password_never_in_a_sentence(void **state)
{
	struct kb_url u;

	assert_int_equal(kb_url_parse("ftp://me:s3cret@h/a?b", &u, err, sizeof(err)), -EINVAL);
	assert_null(strstr(err, "s3cret"));
	assert_non_null(strstr(err, "ftp://me:***@h/a?b"));
	assert_int_equal(get("ftp://me:s3cret@127.0.0.1:1/k"), -ECONNREFUSED);
	assert_string_equal(err, "ftp://me:***@127.0.0.1:1/k: connection refused");
}

static void test_url_too_long(void **state)
{
	char *s = malloc(KB_URL_PATH_MAX + 64);
	struct kb_url u;

	assert_non_null(s);
	strcpy(s, "tftp://h/");
	memset(s + 9, 'a', KB_URL_PATH_MAX);
	s[9 + KB_URL_PATH_MAX] = '\0';
	assert_int_equal(kb_url_parse(s, &u, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "the path is longer than 4095 bytes"));
	free(s);
}

/* RFC 3986 section 5.4: every "normal" example and the abnormal ones that matter. */
static void test_url_resolve_rfc3986_examples(void **state)
{
	static const char *const cases[][2] = {
		{ "g:h", "g:h" },
		{ "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" },
		{ "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" },
		{ "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" },
		{ ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" },
		{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" },
		{ ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" },
		{ "..", "http://a/b/" },
		{ "../", "http://a/b/" },
		{ "../g", "http://a/b/g" },
		{ "../..", "http://a/" },
		{ "../../", "http://a/" },
		{ "../../g", "http://a/g" },
		{ "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" },
		{ "/../g", "http://a/g" },
		{ "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" },
		{ "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "g#s/../x", "http://a/b/c/g#s/../x" },
		{ "http://h2/x/../y", "http://h2/y" },
	};
	char out[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
			kb_url_resolve("http://a/b/c/d;p?q", cases[i][0], out, sizeof(out)), 0);
		if (strcmp(out, cases[i][1]))
			fail_msg("'%s': got '%s', wanted '%s'", cases[i][0], out, cases[i][1]);
	}
	assert_int_equal(kb_url_resolve("tftp://h/pxelinux.cfg/default", "../vmlinuz", out, 256),
			 0);
	assert_string_equal(out, "tftp://h/vmlinuz");
	assert_int_equal(kb_url_resolve("http://h", "k", out, sizeof(out)), 0);
	assert_string_equal(out, "http://h/k");
	assert_int_equal(kb_url_resolve("http://a/b", "ccccccccccccccccc", out, 16), -ENAMETOOLONG);
	assert_int_equal(kb_url_resolve("/no/scheme", "x", out, sizeof(out)), -EINVAL);
}

/* ---- file:// ---- */

static void test_file_copies_and_reports_the_size(void **state)
{
	char url[512];

	snprintf(url, sizeof(url), "file://%s/big.bin", tu_tmp);
	assert_int_equal(get(url), 0);
	assert_got("big.bin");
	assert_true(prog.calls >= 1);
	assert_int_equal(prog.bytes, BIG);
	assert_int_equal(prog.total, BIG);

	snprintf(url, sizeof(url), "file://%s/dir/name%%20with%%20space", tu_tmp);
	assert_int_equal(get(url), 0);
	assert_got("dir/name with space");
}

static void test_file_missing(void **state)
{
	char url[512];

	snprintf(url, sizeof(url), "file://%s/nope", tu_tmp);
	assert_int_equal(get(url), -ENOENT);
	assert_err(url, "no such file or directory");
}

static void test_nfs_is_not_fetched(void **state)
{
	assert_int_equal(get("nfs://127.0.0.1/srv"), -EPROTONOSUPPORT);
	assert_err("nfs://127.0.0.1/srv", "NFS exports are mounted by the daemon, not downloaded");
}

static void test_full_tmpfs_is_not_enough_memory(void **state)
{
	char url[512];
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	snprintf(url, sizeof(url), "file://%s/big.bin", tu_tmp);
	assert_int_equal(kb_fetch(url, fd, NULL, NULL, NULL, err, sizeof(err)), -ENOSPC);
	assert_err(url, "not enough memory (tmpfs full)");
	close(fd);
}

/* A file size limit makes write() short, then fail: every byte that fitted is written. */
static void test_short_writes_are_completed(void **state)
{
	char url[512], path[512];
	struct rlimit lim = { 1000001, RLIM_INFINITY };
	struct stat st;
	int status, fd;
	pid_t pid;

	snprintf(url, sizeof(url), "file://%s/big.bin", tu_tmp);
	snprintf(path, sizeof(path), "%s/limited.bin", tu_tmp);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || setrlimit(RLIMIT_FSIZE, &lim))
			_exit(2);
		/* The 4th write of 256 KiB is cut at the limit, the 5th fails. */
		_exit(kb_fetch(url, fd, NULL, NULL, NULL, err, sizeof(err)) == -EFBIG ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 1000001);
}

/* ---- HTTP ---- */

static void test_http_downloads_byte_identical(void **state)
{
	assert_int_equal(get(at("http", http.port, "/big.bin")), 0);
	assert_got("big.bin");
}

static void test_http_progress_has_the_total(void **state)
{
	int64_t start = now_ms(), took;

	assert_int_equal(get(at("http", http.port, "/big.bin")), 0);
	took = now_ms() - start;
	assert_true(prog.calls >= 1);
	assert_false(prog.went_back);
	assert_int_equal(prog.bytes, BIG);
	assert_int_equal(prog.total, BIG);
	/* At most every 100 ms, plus the one at the end. */
	assert_true(prog.calls <= took / 100 + 2);
}

static void test_http_404(void **state)
{
	const char *url = at("http", http.port, "/nope");

	assert_int_equal(get(url), -ENOENT);
	assert_err(url, "404 File not found");
}

static void test_http_connection_refused(void **state)
{
	const char *url = at("http", closed_port(SOCK_STREAM), "/k");

	assert_int_equal(get(url), -ECONNREFUSED);
	assert_err(url, "connection refused");
}

static void test_http_server_that_never_answers_stalls(void **state)
{
	struct kb_fetch_opts o = { .stall_timeout_ms = 1000 };
	int port, fd = silent_listener(&port, 8);
	const char *url = at("http", port, "/k");
	int64_t start = now_ms(), took;

	assert_int_equal(get_opts(url, &o), -ETIMEDOUT);
	took = now_ms() - start;
	assert_err(url, "no data for 1 s; stopped");
	assert_true(took >= 1000 && took < 1500);
	close(fd);
}

static void test_http_body_that_stops_stalls(void **state)
{
	struct kb_fetch_opts o = { .stall_timeout_ms = 1000 };
	const char *url = at("http", http.port, "/stall/big.bin");

	assert_int_equal(get_opts(url, &o), -ETIMEDOUT);
	assert_err(url, "no data for 1 s; stopped");
	assert_int_equal(out_size(), 1000);
}

/*
 * A byte every 100 ms never trips the stall timeout; the minimum rate
 * (here 100 bytes a second over 2 s) ends it.  Without it the download
 * would go on for the 60 s the server drips.
 */
static void test_http_drip_is_below_the_minimum_rate(void **state)
{
	struct kb_fetch_opts o = { .stall_timeout_ms = 1000,
				   .min_rate = 100,
				   .rate_window_ms = 2000 };
	const char *url = at("http", http.port, "/drip/big.bin");
	int64_t start = now_ms(), took;

	assert_int_equal(get_opts(url, &o), -ETIMEDOUT);
	took = now_ms() - start;
	assert_non_null(strstr(err, "bytes in 2"));
	assert_non_null(strstr(err, ", below 100 bytes a second; stopped"));
	assert_true(took < 10000);
}

/* Connecting to a listener whose queue is full: the SYN is dropped. */
static void test_http_connect_timeout(void **state)
{
	struct kb_fetch_opts o = { .connect_timeout_ms = 1000 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int port, fd = silent_listener(&port, 0), filler[2], i;
	const char *url = at("http", port, "/k");
	int64_t start, took;

	a.sin_port = htons((uint16_t)port);
	for (i = 0; i < 2; i++) {
		filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(filler[i] >= 0);
		connect(filler[i], (struct sockaddr *)&a, sizeof(a));
	}
	usleep(100000);
	start = now_ms();
	assert_int_equal(get_opts(url, &o), -ETIMEDOUT);
	took = now_ms() - start;
	assert_err(url, "cannot connect to 127.0.0.1: no answer within 1 s");
	assert_true(took >= 1000 && took < 1500);
	for (i = 0; i < 2; i++)
		close(filler[i]);
	close(fd);
}

static void test_http_redirects_are_followed(void **state)
{
	const char *url = at("http", http.port, "/redirect-abs/big.bin");

	assert_int_equal(get(url), 0);
	assert_got("big.bin");
	/* Relative ("../big.bin"), twice. */
	assert_int_equal(get(at("http", http.port, "/redirect-rel/a/small.bin")), 0);
	assert_got("small.bin");
	/* Five is the most, and is fine. */
	assert_int_equal(get(at("http", http.port, "/redirect-chain/4/small.bin")), 0);
	assert_got("small.bin");
}

static void test_http_redirect_loop_stops_at_5(void **state)
{
	const char *url = at("http", http.port, "/loop");
	char reason[512];

	assert_int_equal(get(url), -ELOOP);
	snprintf(reason, sizeof(reason), "more than 5 redirects (the last to %s)", url);
	assert_err(url, reason);
	assert_int_equal(get(at("http", http.port, "/redirect-chain/5/small.bin")), -ELOOP);
}

static void test_http_error_after_redirect_names_both(void **state)
{
	const char *url = at("http", http.port, "/redirect-abs/nope");
	char reason[512];

	assert_int_equal(get(url), -ENOENT);
	snprintf(reason, sizeof(reason), "404 File not found (redirected to %s)",
		 at("http", http.port, "/nope"));
	assert_err(url, reason);
}

static void test_http_chunked(void **state)
{
	assert_int_equal(get(at("http", http.port, "/chunked/big.bin")), 0);
	assert_got("big.bin");
	assert_int_equal(prog.total, 0); /* unknown */
	assert_int_equal(prog.bytes, BIG);
}

static void test_http_read_to_close(void **state)
{
	assert_int_equal(get(at("http", http.port, "/close/big.bin")), 0);
	assert_got("big.bin");
	assert_int_equal(prog.total, 0);
}

static void test_http_interim_100_is_skipped(void **state)
{
	assert_int_equal(get(at("http", http.port, "/continue/small.bin")), 0);
	assert_got("small.bin");
}

static void test_http_short_body(void **state)
{
	const char *url = at("http", http.port, "/short/big.bin");

	assert_int_equal(get(url), -EPIPE);
	assert_err(url, "connection closed after 1.5 MiB of 3 MiB");
}

static void test_http_max_size(void **state)
{
	struct kb_fetch_opts o = { .max_size = 1024 * 1024 };
	const char *url = at("http", http.port, "/big.bin");

	/* Known in advance: nothing is written. */
	assert_int_equal(get_opts(url, &o), -EFBIG);
	assert_err(url, "larger than the 1 MiB of free memory");
	assert_int_equal(out_size(), 0);
	/* Found out on the way: never more than the limit. */
	url = at("http", http.port, "/chunked/big.bin");
	assert_int_equal(get_opts(url, &o), -EFBIG);
	assert_err(url, "larger than the 1 MiB of free memory");
	assert_true(out_size() <= 1024 * 1024);
	/* Exactly the limit is fine. */
	o.max_size = SMALL;
	assert_int_equal(get_opts(at("http", http.port, "/chunked/small.bin"), &o), 0);
}

static void test_http_basic_auth_from_the_url(void **state)
{
	char url[256];

	snprintf(url, sizeof(url), "http://kboot:secret@127.0.0.1:%d/auth/small.bin", http.port);
	assert_int_equal(get(url), 0);
	assert_got("small.bin");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/auth/small.bin", http.port);
	assert_int_equal(get(url), -EACCES);
	assert_err(url, "401 Unauthorized");
}

static void test_http_request_says_host_agent_close(void **state)
{
	char *got, want[128];

	assert_int_equal(get(at("http", http.port, "/echo-request?a=%41")), 0);
	snprintf(want, sizeof(want), "%s/out.bin", tu_tmp);
	got = tu_slurp(want, NULL);
	assert_non_null(strstr(got, "GET /echo-request?a=%41 HTTP/1.1\r\n"));
	snprintf(want, sizeof(want), "Host: 127.0.0.1:%d\n", http.port);
	assert_non_null(strstr(got, want));
	assert_non_null(strstr(got, "User-Agent: kboot/" KBOOT_VERSION "\n"));
	assert_non_null(strstr(got, "Connection: close\n"));
	free(got);
}

static void test_http_broken_responses(void **state)
{
	static const char *const cases[][2] = {
		{ "/header-flood", "the response header is larger than 64 KiB" },
		{ "/bad-status", "bad response from the server (not an HTTP/1.x status line)" },
		{ "/bad-chunk/x", "bad response from the server (a bad chunk size)" },
		{ "/gzip-te/x",
		  "the server used the transfer coding 'gzip, chunked' (only chunked is supported)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *url = at("http", http.port, cases[i][0]);

		assert_int_equal(get(url), -EPROTO);
		assert_err(url, cases[i][1]);
	}
}

static void test_http_localhost_is_looked_up(void **state)
{
	char url[256];

	snprintf(url, sizeof(url), "http://localhost:%d/small.bin", http.port);
	assert_int_equal(get(url), 0);
	assert_got("small.bin");
}

/*
 * In a network namespace of its own with only the loopback interface, a
 * mount namespace whose /etc/resolv.conf names 127.0.0.1, where no name
 * server listens: the lookup fails at once and no packet leaves.
 */
static int isolate(const char *resolv)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	if (unshare(CLONE_NEWNET | CLONE_NEWNS))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) || ioctl(fd, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		return -1;
	close(fd);
	return 0;
}

static void test_name_that_does_not_resolve(void **state)
{
	char got[1024] = "", resolv[512];
	int pipefd[2], status;
	int64_t start;
	ssize_t n;
	pid_t pid;

	tu_put("resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
	snprintf(resolv, sizeof(resolv), "%s/resolv.conf", tu_tmp);
	assert_int_equal(pipe(pipefd), 0);
	start = now_ms();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char e[1024];
		int fd = open("/dev/null", O_WRONLY), ret;

		close(pipefd[0]);
		if (isolate(resolv))
			_exit(77);
		ret = kb_fetch("http://nosuch/k", fd, NULL, NULL, NULL, e, sizeof(e));
		if (write(pipefd[1], e, strlen(e)) < 0)
			_exit(3);
		_exit(ret == -EHOSTUNREACH ? 0 : 1);
	}
	close(pipefd[1]);
	n = read(pipefd[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		skip(); /* not root: no safe way to test it */
	if (!WIFEXITED(status) || WEXITSTATUS(status) ||
	    strncmp(got, "http://nosuch/k: cannot resolve 'nosuch'", 40))
		fail_msg("status %d, \"%s\"", status, got);
	assert_true(now_ms() - start < 3000);
}

/* ---- Cancelling ---- */

struct canceller {
	volatile sig_atomic_t flag;
	int64_t at; /* ms when the flag was set */
};

static void *cancel_later(void *data)
{
	struct canceller *c = data;

	usleep(300000);
	c->at = now_ms();
	c->flag = 1;
	return NULL;
}

/* url waits for ever (stall timeout 10 s); the flag stops it within 200 ms. */
static void assert_cancels(const char *url)
{
	struct canceller c = { 0 };
	struct kb_fetch_opts o = { .stall_timeout_ms = 10000, .cancel = &c.flag };
	pthread_t t;
	int64_t end;

	assert_int_equal(pthread_create(&t, NULL, cancel_later, &c), 0);
	assert_int_equal(get_opts(url, &o), -ECANCELED);
	end = now_ms();
	pthread_join(t, NULL);
	assert_err(url, "cancelled");
	assert_true(end - c.at < 200);
}

static void test_cancel_http(void **state)
{
	int port, fd = silent_listener(&port, 8);

	assert_cancels(at("http", port, "/k"));
	close(fd);
}

static void test_cancel_tftp(void **state)
{
	struct tu_server s = start_tftp("--silent", NULL, NULL);

	assert_cancels(at("tftp", s.port, "/big.bin"));
	tu_server_stop(&s);
}

static void test_cancel_ftp(void **state)
{
	int port, fd = silent_listener(&port, 8);

	assert_cancels(at("ftp", port, "/k"));
	close(fd);
}

/* ---- FTP ---- */

static void test_ftp_anonymous_download(void **state)
{
	assert_int_equal(get(at("ftp", ftp.port, "/big.bin")), 0);
	assert_got("big.bin");
	assert_int_equal(prog.total, BIG); /* from SIZE */
	assert_int_equal(prog.bytes, BIG);
}

static void test_ftp_user_and_password(void **state)
{
	char url[256];

	snprintf(url, sizeof(url), "ftp://kboot:secret@127.0.0.1:%d/dir/name%%20with%%20space",
		 ftp.port);
	assert_int_equal(get(url), 0);
	assert_got("dir/name with space");
}

static void test_ftp_login_refused(void **state)
{
	char url[256], shown[256];

	snprintf(url, sizeof(url), "ftp://kboot:wrong@127.0.0.1:%d/big.bin", ftp.port);
	snprintf(shown, sizeof(shown), "ftp://kboot:***@127.0.0.1:%d/big.bin", ftp.port);
	assert_int_equal(get(url), -EACCES);
	assert_err(shown, "login refused (530 Authentication failed.)");
}

static void test_ftp_missing_file(void **state)
{
	const char *url = at("ftp", ftp.port, "/nope");

	assert_int_equal(get(url), -ENOENT);
	assert_err(url, "cannot get the file (550 No such file or directory.)");
}

static void test_ftp_pasv_when_epsv_is_refused(void **state)
{
	struct tu_server s = tu_server_start(DATA_DIR "/ftpd.py", "--no-epsv", "--no-size", NULL);

	assert_int_equal(get(at("ftp", s.port, "/big.bin")), 0);
	assert_got("big.bin");
	assert_int_equal(prog.total, 0); /* no SIZE */
	tu_server_stop(&s);
}

static void test_ftp_connection_refused(void **state)
{
	const char *url = at("ftp", closed_port(SOCK_STREAM), "/k");

	assert_int_equal(get(url), -ECONNREFUSED);
	assert_err(url, "connection refused");
}

/* ---- TFTP ---- */

static void test_tftp_with_options(void **state)
{
	struct tu_server s = start_tftp(NULL, NULL, NULL);
	char *log;

	assert_int_equal(get(at("tftp", s.port, "/big.bin")), 0);
	assert_got("big.bin");
	assert_int_equal(prog.total, BIG);	    /* tsize */
	log = tftp_log_with("done big.bin 2143\n"); /* 3 MiB / 1468 + 1 */
	tu_server_stop(&s);
	assert_non_null(strstr(log, "rrq big.bin blksize=1468 tsize=0\n"));
	assert_non_null(strstr(log, "done big.bin 2143\n"));
	free(log);
}

static void test_tftp_without_options_uses_512(void **state)
{
	struct tu_server s = start_tftp("--no-options", NULL, NULL);
	char *log;

	assert_int_equal(get(at("tftp", s.port, "/big.bin")), 0);
	assert_got("big.bin");
	assert_int_equal(prog.total, 0);
	log = tftp_log_with("done big.bin 6145\n");
	tu_server_stop(&s);
	assert_non_null(strstr(log, "done big.bin 6145\n")); /* 3 MiB / 512 + 1 */
	free(log);
}

static void test_tftp_refused_options_asks_again_without(void **state)
{
	struct tu_server s = start_tftp("--refuse-options", NULL, NULL);
	char *log;

	assert_int_equal(get(at("tftp", s.port, "/small.bin")), 0);
	assert_got("small.bin");
	log = tftp_log_with("rrq small.bin blksize=1468 tsize=0\nrrq small.bin \n");
	tu_server_stop(&s);
	assert_non_null(strstr(log, "rrq small.bin blksize=1468 tsize=0\nrrq small.bin \n"));
	free(log);
}

static void test_tftp_lost_data_is_asked_again(void **state)
{
	struct tu_server s = start_tftp("--drop", "10", NULL);
	int64_t start = now_ms();
	char *log;

	assert_int_equal(get(at("tftp", s.port, "/small.bin")), 0);
	assert_got("small.bin");
	/* One block was lost: the client waited 1 s and acknowledged again. */
	assert_true(now_ms() - start >= 1000);
	log = tftp_log_with("client asked again for block 9\n");
	tu_server_stop(&s);
	assert_non_null(strstr(log, "client asked again for block 9\n"));
	free(log);
}

static void test_tftp_lost_acks_and_duplicates(void **state)
{
	struct tu_server s = start_tftp("--lose-acks", "4", "--dup=3");

	assert_int_equal(get(at("tftp", s.port, "/small.bin")), 0);
	assert_got("small.bin");
	tu_server_stop(&s);
}

static void test_tftp_block_numbers_roll_over(void **state)
{
	struct kb_fetch_opts o = { .tftp_blksize = WRAP_BLKSIZE };
	struct tu_server s = start_tftp(NULL, NULL, NULL);
	char *log, want[64];

	assert_int_equal(get_opts(at("tftp", s.port, "/wrap.bin"), &o), 0);
	assert_got("wrap.bin");
	snprintf(want, sizeof(want), "done wrap.bin %d\n", WRAP / WRAP_BLKSIZE + 1);
	log = tftp_log_with(want);
	tu_server_stop(&s);
	assert_non_null(strstr(log, want));
	free(log);
}

static void test_tftp_error_packet(void **state)
{
	struct tu_server s = start_tftp("--error", "2:Denied by policy", NULL);
	const char *url = at("tftp", s.port, "/big.bin");

	assert_int_equal(get(url), -EACCES);
	assert_err(url, "access violation: Denied by policy (TFTP error 2)");
	tu_server_stop(&s);
}

static void test_tftp_file_not_found(void **state)
{
	struct tu_server s = start_tftp(NULL, NULL, NULL);
	const char *url = at("tftp", s.port, "/nope");

	assert_int_equal(get(url), -ENOENT);
	assert_err(url, "file not found (TFTP error 1)");
	tu_server_stop(&s);
}

static void test_tftp_no_answer(void **state)
{
	struct kb_fetch_opts o = { .stall_timeout_ms = 2000 };
	struct tu_server s = start_tftp("--silent", NULL, NULL);
	const char *url = at("tftp", s.port, "/big.bin");
	int64_t start = now_ms(), took;
	char *log;

	assert_int_equal(get_opts(url, &o), -ETIMEDOUT);
	took = now_ms() - start;
	assert_err(url, "no answer for 2 s");
	assert_true(took >= 2000 && took < 2500);
	tu_server_stop(&s);
	/* Sent at 0 s, again at 1 s; the next would have been at 3 s. */
	log = tftp_log();
	assert_int_equal(count(log, "rrq big.bin"), 2);
	free(log);
}

/*
 * Packets that move nothing - a block never asked for, from the transfer's
 * port, and packets from another port, every 50 ms for 20 s - do not hold
 * off the stall timeout: the timers run on the clock.  (They once restarted
 * with every packet: the fetch ended only when the junk stopped.)
 */
static void test_tftp_junk_does_not_hold_off_the_stall_timeout(void **state)
{
	struct kb_fetch_opts o = { .stall_timeout_ms = 2000 };
	struct tu_server s = start_tftp("--junk", "20", NULL);
	const char *url = at("tftp", s.port, "/big.bin");
	int64_t start = now_ms(), took;

	assert_int_equal(get_opts(url, &o), -ETIMEDOUT);
	took = now_ms() - start;
	assert_err(url, "no answer for 2 s");
	assert_true(took < 10000); /* the junk goes on for 20 s */
	tu_server_stop(&s);
}

static void test_tftp_wrong_transfer_id_gets_error_5(void **state)
{
	struct tu_server s = start_tftp("--stray", "3", NULL);
	char *log;

	assert_int_equal(get(at("tftp", s.port, "/small.bin")), 0);
	assert_got("small.bin");
	log = tftp_log_with("error-from stray 5\n");
	tu_server_stop(&s);
	assert_non_null(strstr(log, "error-from stray 5\n"));
	free(log);
}

static void test_tftp_connection_refused(void **state)
{
	int port = closed_port(SOCK_DGRAM);
	const char *url = at("tftp", port, "/k");
	char reason[128];
	int64_t start = now_ms();

	assert_int_equal(get(url), -ECONNREFUSED);
	snprintf(reason, sizeof(reason), "connection refused (no TFTP server at port %d)", port);
	assert_err(url, reason);
	assert_true(now_ms() - start < 500);
}

static void test_tftp_max_size_from_tsize(void **state)
{
	struct kb_fetch_opts o = { .max_size = 1024 * 1024 };
	struct tu_server s = start_tftp(NULL, NULL, NULL);
	const char *url = at("tftp", s.port, "/big.bin");
	char *log;

	assert_int_equal(get_opts(url, &o), -EFBIG);
	assert_err(url, "larger than the 1 MiB of free memory");
	assert_int_equal(out_size(), 0);
	/* Without tsize: stopped at the limit. */
	tu_server_stop(&s);
	s = start_tftp("--no-options", NULL, NULL);
	url = at("tftp", s.port, "/big.bin");
	assert_int_equal(get_opts(url, &o), -EFBIG);
	assert_true(out_size() <= 1024 * 1024);
	/* The server heard why. */
	log = tftp_log_with("error-from client 3\n");
	tu_server_stop(&s);
	assert_non_null(strstr(log, "error-from client 3\n"));
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_http_with_everything),
		cmocka_unit_test(test_url_default_ports_and_decoded_paths),
		cmocka_unit_test(test_url_ipv6_literals),
		cmocka_unit_test(test_url_bad_ones_get_a_sentence),
		cmocka_unit_test(test_url_password_never_in_a_sentence),
		cmocka_unit_test(test_url_too_long),
		cmocka_unit_test(test_url_resolve_rfc3986_examples),
		cmocka_unit_test(test_file_copies_and_reports_the_size),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_nfs_is_not_fetched),
		cmocka_unit_test(test_full_tmpfs_is_not_enough_memory),
		cmocka_unit_test(test_short_writes_are_completed),
		cmocka_unit_test(test_http_downloads_byte_identical),
		cmocka_unit_test(test_http_progress_has_the_total),
		cmocka_unit_test(test_http_404),
		cmocka_unit_test(test_http_connection_refused),
		cmocka_unit_test(test_http_server_that_never_answers_stalls),
		cmocka_unit_test(test_http_body_that_stops_stalls),
		cmocka_unit_test(test_http_drip_is_below_the_minimum_rate),
		cmocka_unit_test(test_http_connect_timeout),
		cmocka_unit_test(test_http_redirects_are_followed),
		cmocka_unit_test(test_http_redirect_loop_stops_at_5),
		cmocka_unit_test(test_http_error_after_redirect_names_both),
		cmocka_unit_test(test_http_chunked),
		cmocka_unit_test(test_http_read_to_close),
		cmocka_unit_test(test_http_interim_100_is_skipped),
		cmocka_unit_test(test_http_short_body),
		cmocka_unit_test(test_http_max_size),
		cmocka_unit_test(test_http_basic_auth_from_the_url),
		cmocka_unit_test(test_http_request_says_host_agent_close),
		cmocka_unit_test(test_http_broken_responses),
		cmocka_unit_test(test_http_localhost_is_looked_up),
		cmocka_unit_test(test_name_that_does_not_resolve),
		cmocka_unit_test(test_cancel_http),
		cmocka_unit_test(test_cancel_tftp),
		cmocka_unit_test(test_cancel_ftp),
		cmocka_unit_test(test_ftp_anonymous_download),
		cmocka_unit_test(test_ftp_user_and_password),
		cmocka_unit_test(test_ftp_login_refused),
		cmocka_unit_test(test_ftp_missing_file),
		cmocka_unit_test(test_ftp_pasv_when_epsv_is_refused),
		cmocka_unit_test(test_ftp_connection_refused),
		cmocka_unit_test(test_tftp_with_options),
		cmocka_unit_test(test_tftp_without_options_uses_512),
		cmocka_unit_test(test_tftp_refused_options_asks_again_without),
		cmocka_unit_test(test_tftp_lost_data_is_asked_again),
		cmocka_unit_test(test_tftp_lost_acks_and_duplicates),
		cmocka_unit_test(test_tftp_block_numbers_roll_over),
		cmocka_unit_test(test_tftp_error_packet),
		cmocka_unit_test(test_tftp_file_not_found),
		cmocka_unit_test(test_tftp_no_answer),
		cmocka_unit_test(test_tftp_junk_does_not_hold_off_the_stall_timeout),
		cmocka_unit_test(test_tftp_wrong_transfer_id_gets_error_5),
		cmocka_unit_test(test_tftp_connection_refused),
		cmocka_unit_test(test_tftp_max_size_from_tsize),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
