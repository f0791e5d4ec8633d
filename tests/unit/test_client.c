// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_client.c - the client side of the control socket against a fake
 * daemon (core/proto/server.c with canned state): core/proto/client.c read and write
 * in-process, and the real `build/kboot list/boot/status/cancel/rescan`
 * run as child processes: `kboot list --json` prints a golden menu byte
 * for byte, a refused boot exits 1 with the daemon's reason, no daemon and
 * a silent daemon give clear messages instead of hanging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/loop.h"
#include "proto/client.h"
#include "proto/jsonwrite.h"
#include "proto/proto.h"
#include "proto/server.h"
#include "testutil.h"

#define GOLDEN "tests/data/grub2/01-debian12/expected.json"
#define KBOOT  "build/kboot"

static char sock[128];

/* ---- the fake daemon ---- */

struct fake {
	struct kb_server *s;
	char *menu_line; /* {"type":"menu","menu":…} */
	bool silent;	 /* never send anything */
	int requests;
	char last[256]; /* the last request, re-written compactly */
};

static void send_str(struct kb_client *c, const char *s)
{
	assert_int_equal(kb_client_send(c, s, strlen(s)), 0);
}

static void fake_connected(struct kb_server *s, struct kb_client *c, void *data)
{
	struct fake *f = data;

	if (f->silent)
		return;
	send_str(c, "{\"type\":\"hello\",\"protocol\":1,\"kboot\":\"0.1.0\",\"mode\":\"sources\"}");
	send_str(c,
		 "{\"type\":\"devices\",\"devices\":[{\"name\":\"sda2\",\"dev\":\"/dev/sda2\","
		 "\"source\":null,\"fstype\":\"ext4\",\"uuid\":\"u-1\",\"label\":\"root\","
		 "\"partuuid\":null,\"partlabel\":null,\"state\":\"ready\",\"reason\":null,"
		 "\"mountpoint\":\"/run/kboot/mnt/sda2\"},{\"name\":\"sdb1\",\"dev\":\"/dev/sdb1\","
		 "\"source\":null,\"fstype\":\"swap\",\"uuid\":null,\"label\":null,"
		 "\"partuuid\":null,\"partlabel\":null,\"state\":\"skipped\","
		 "\"reason\":\"swap space\",\"mountpoint\":null}]}");
	send_str(c, f->menu_line);
	send_str(c, "{\"type\":\"status\",\"time\":12,\"level\":\"info\",\"text\":\"sda1: ext4\"}");
	send_str(c, "{\"type\":\"status\",\"time\":1500,\"level\":\"warning\","
		    "\"text\":\"sdb1: not opened: swap space\"}");
	send_str(c, "{\"type\":\"countdown\",\"state\":\"running\",\"entry\":\"sda1-3f9a1c\","
		    "\"title\":\"Debian GNU/Linux\",\"remaining\":4}");
	send_str(c, "{\"type\":\"settings\",\"timeout\":5,\"default\":null,"
		    "\"timeout_source\":\"config\"}");
	send_str(c, "{\"type\":\"ready\"}");
	kb_client_ready(c);
}

static void reply(struct kb_client *c, const struct kb_json *seq, const char *error)
{
	char buf[256];

	if (error)
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"reply\",\"seq\":%.0f,\"ok\":false,"
			 "\"error\":\"%s\"}",
			 seq ? seq->num : 0, error);
	else
		snprintf(buf, sizeof(buf), "{\"type\":\"reply\",\"seq\":%.0f,\"ok\":true}",
			 seq ? seq->num : 0);
	send_str(c, buf);
}

static void fake_request(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
			 struct arena *a, void *data)
{
	struct fake *f = data;
	const char *type = kb_json_get_str(req, "type"), *id = kb_json_get_str(req, "id");
	const struct kb_json *seq = kb_json_get(req, "seq");
	char *out = NULL;
	size_t len;
	FILE *m = open_memstream(&out, &len);

	kb_json_write(m, req);
	fclose(m);
	snprintf(f->last, sizeof(f->last), "%s", out);
	free(out);
	f->requests++;
	if (!strcmp(type, "boot") && (!id || strcmp(id, "bad"))) {
		static const char booting[] =
			"{\"type\":\"booting\",\"entry\":\"sda1-3f9a1c\",\"title\":\"Debian\","
			"\"kernel\":\"sda1:/vmlinuz\",\"initrd\":[\"sda1:/initrd.img\"],"
			"\"dtb\":null,\"cmdline\":\"root=/dev/sda1 ro\"}";

		kb_server_broadcast(s, booting, strlen(booting));
		reply(c, seq, NULL);
	} else if (!strcmp(type, "boot")) {
		reply(c, seq, "no entry with id 'bad'");
	} else {
		reply(c, seq, NULL);
	}
}

static const struct kb_server_ops fake_ops = {
	.connected = fake_connected,
	.request = fake_request,
};

/* The golden menu as the daemon would send it: one compact line. */
static char *menu_message(void)
{
	struct arena *a = arena_new();
	char *text = tu_slurp(GOLDEN, NULL), *out = NULL;
	struct kb_json *menu = kb_json_parse(a, text, strlen(text), NULL);
	size_t len;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(menu);
	fputs("{\"type\":\"menu\",\"menu\":", f);
	kb_json_write(f, menu);
	fputc('}', f);
	fclose(f);
	free(text);
	arena_free(a);
	return out;
}

static int setup(void **state)
{
	tu_make_tmp(state);
	snprintf(sock, sizeof(sock), "%s/kboot.sock", tu_tmp);
	return 0;
}

/* ---- core/proto/client.c in-process ---- */

/* Read one message, pumping the fake daemon meanwhile. */
static const struct kb_json *read_msg(struct kb_loop *l, struct kb_conn *c, struct arena *a)
{
	const struct kb_json *m = NULL;
	int i, ret = -EAGAIN;

	for (i = 0; i < 1000 && ret == -EAGAIN; i++) {
		tu_pump(l, 0);
		ret = kb_conn_read(c, a, &m, 0);
		if (ret == -EAGAIN)
			usleep(1000);
	}
	assert_int_equal(ret, 0);
	return m;
}

static void test_conn_reads_state_and_sends_requests(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct fake f = { .menu_line = menu_message() };
	struct arena *a = arena_new();
	const struct kb_json *m;
	struct strbuf members = STRBUF_INIT;
	struct kb_conn *c;
	int seq, n = 0;

	f.s = kb_server_new(l, sock, &fake_ops, &f);
	assert_non_null(f.s);
	c = kb_conn_open(sock, 1000);
	assert_non_null(c);
	assert_true(kb_conn_fd(c) >= 0);
	m = read_msg(l, c, a);
	assert_string_equal(kb_json_get_str(m, "type"), "hello");
	do {
		m = read_msg(l, c, a);
		n++;
	} while (strcmp(kb_json_get_str(m, "type"), "ready"));
	assert_int_equal(n, 7); /* devices, menu, 2 status, countdown, settings, ready */

	sb_adds(&members, ",\"id\":");
	kb_sb_json_string(&members, "x\"y");
	seq = kb_conn_request(c, "boot", sb_str(&members), 1000);
	assert_int_equal(seq, 1);
	m = read_msg(l, c, a);
	assert_string_equal(kb_json_get_str(m, "type"), "booting");
	m = read_msg(l, c, a);
	assert_string_equal(kb_json_get_str(m, "type"), "reply");
	assert_true(kb_json_get(m, "seq")->num == 1);
	assert_string_equal(f.last, "{\"type\":\"boot\",\"seq\":1,\"id\":\"x\\\"y\"}");
	assert_int_equal(kb_conn_request(c, "cancel", "", 1000), 2);
	m = read_msg(l, c, a);
	assert_true(kb_json_get(m, "seq")->num == 2);

	/* nothing more: EAGAIN at once, ETIMEDOUT after a short wait */
	assert_int_equal(kb_conn_read(c, a, &m, 0), -EAGAIN);
	assert_int_equal(kb_conn_read(c, a, &m, 30), -ETIMEDOUT);

	/* the daemon goes away */
	kb_server_free(f.s);
	assert_int_equal(kb_conn_read(c, a, &m, 1000), -ECONNRESET);
	kb_conn_close(c);
	sb_release(&members);
	arena_free(a);
	free(f.menu_line);
	kb_loop_free(l);
}

static void test_conn_errors(void **state)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/none.sock", tu_tmp);
	assert_null(kb_conn_open(path, 100));
	assert_int_equal(errno, ENOENT);
	setenv("KBOOT_SOCKET", "/x/y.sock", 1);
	assert_string_equal(kb_socket_path(NULL), "/x/y.sock");
	assert_string_equal(kb_socket_path("/a.sock"), "/a.sock");
	setenv("KBOOT_SOCKET", "", 1);
	assert_string_equal(kb_socket_path(NULL), KB_SOCKET_PATH);
	unsetenv("KBOOT_SOCKET");
	assert_string_equal(kb_socket_path(NULL), KB_SOCKET_PATH);
}

/* ---- the kboot binary ---- */

struct run {
	char out[65536];
	size_t out_len;
	char err[4096];
	size_t err_len;
	int pipes_open;
	int status;
	bool exited;
};

static void run_child_cb(struct kb_loop *l, pid_t pid, int status, void *data)
{
	struct run *r = data;

	r->status = status;
	r->exited = true;
}

/* One of the child's output pipes. */
struct pipe_buf {
	char *buf;
	size_t *len;
	size_t cap;
	struct run *r;
	struct kb_watch *w;
};

static void pipe_cb(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct pipe_buf *p = data;
	ssize_t n = read(fd, p->buf + *p->len, p->cap - 1 - *p->len);

	if (n <= 0) {
		kb_loop_unwatch(l, p->w);
		close(fd);
		p->r->pipes_open--;
		return;
	}
	*p->len += (size_t)n;
	p->buf[*p->len] = '\0';
}

/* Run build/kboot with args while the loop serves; its exit status. */
static int run_kboot(struct kb_loop *l, struct run *r, const char *const *args)
{
	struct pipe_buf pb[2] = {
		{ r->out, &r->out_len, sizeof(r->out), r, NULL },
		{ r->err, &r->err_len, sizeof(r->err), r, NULL },
	};
	int po[2], pe[2], i;
	char *argv[16];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	argv[0] = (char *)KBOOT;
	for (i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(KBOOT, argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pb[0].w = kb_loop_watch(l, po[0], EPOLLIN, pipe_cb, &pb[0]);
	pb[1].w = kb_loop_watch(l, pe[0], EPOLLIN, pipe_cb, &pb[1]);
	r->pipes_open = 2;
	assert_int_equal(kb_loop_child(l, pid, run_child_cb, r), 0);
	for (i = 0; i < 3000 && (!r->exited || r->pipes_open); i++)
		tu_pump(l, 5);
	assert_true(r->exited);
	assert_int_equal(r->pipes_open, 0);
	assert_true(WIFEXITED(r->status));
	return WEXITSTATUS(r->status);
}

static int have_kboot(void **state)
{
	if (access(KBOOT, X_OK))
		skip(); /* `make unit` builds it; `make unit-asan` alone may not */
	return 0;
}

/* A fake daemon on sock for one test. */
static struct kb_loop *start_fake(struct fake *f)
{
	struct kb_loop *l = kb_loop_new();

	memset(f, 0, sizeof(*f));
	f->menu_line = menu_message();
	f->s = kb_server_new(l, sock, &fake_ops, f);
	assert_non_null(f->s);
	return l;
}

static void stop_fake(struct kb_loop *l, struct fake *f)
{
	kb_server_free(f->s);
	free(f->menu_line);
	kb_loop_free(l);
}

static void test_list_json_is_the_scan_json(void **state)
{
	const char *args[] = { "list", "--json", "--socket", sock, NULL };
	struct fake f;
	struct kb_loop *l;
	struct run r;
	char *want = tu_slurp(GOLDEN, NULL);

	have_kboot(state);
	l = start_fake(&f);
	assert_int_equal(run_kboot(l, &r, args), 0);
	assert_string_equal(r.out, want);
	assert_int_equal(r.err_len, 0);
	free(want);
	stop_fake(l, &f);
}

static void test_list_text_groups_by_device(void **state)
{
	const char *args[] = { "list", NULL };
	struct fake f;
	struct kb_loop *l;
	struct run r;

	have_kboot(state);
	l = start_fake(&f);
	setenv("KBOOT_SOCKET", sock, 1); /* the environment instead of --socket */
	assert_int_equal(run_kboot(l, &r, args), 0);
	unsetenv("KBOOT_SOCKET");
	assert_non_null(strstr(r.out, "Menu: "));
	assert_non_null(strstr(r.out, "entries, boots the default (*) after 5 s\n"));
	assert_non_null(strstr(r.out, "\nsda2 ext4 \"root\" UUID=u-1:\n"));
	stop_fake(l, &f);
}

static void test_boot_waits_for_reply_and_booting(void **state)
{
	const char *ok[] = { "boot", "--socket", sock, "sda1-3f9a1c", NULL };
	const char *bad[] = { "boot", "--socket", sock, "bad", NULL };
	const char *files[] = { "boot",		 "--socket", sock,	    "--kernel",
				"sda1:/vmlinuz", "--initrd", "sda1:/a.img", "--initrd",
				"sda1:/b.img",	 "--append", "quiet \"x\"", NULL };
	const char *title[] = { "boot", "--socket", sock, "--title", "Debian", NULL };
	struct fake f;
	struct kb_loop *l;
	struct run r;

	have_kboot(state);
	l = start_fake(&f);
	assert_int_equal(run_kboot(l, &r, ok), 0);
	assert_non_null(strstr(r.out, "booting Debian\n  kernel  sda1:/vmlinuz\n"));
	assert_string_equal(f.last, "{\"type\":\"boot\",\"seq\":1,\"id\":\"sda1-3f9a1c\"}");

	assert_int_equal(run_kboot(l, &r, bad), 1);
	assert_string_equal(r.err, "kboot boot: no entry with id 'bad'\n");

	assert_int_equal(run_kboot(l, &r, files), 0);
	assert_string_equal(f.last, "{\"type\":\"boot\",\"seq\":1,\"kernel\":\"sda1:/vmlinuz\","
				    "\"initrd\":[\"sda1:/a.img\",\"sda1:/b.img\"],\"dtb\":null,"
				    "\"cmdline\":\"quiet \\\"x\\\"\"}");
	assert_int_equal(run_kboot(l, &r, title), 0);
	assert_string_equal(f.last, "{\"type\":\"boot\",\"seq\":1,\"title\":\"Debian\"}");
	stop_fake(l, &f);
}

static void test_boot_usage_errors(void **state)
{
	const char *none[] = { "boot", "--socket", sock, NULL };
	const char *two[] = { "boot", "--socket", sock, "x", "--title", "T", NULL };
	const char *initrd_alone[] = { "boot", "--socket", sock, "x", "--initrd", "a:/b", NULL };
	struct fake f;
	struct kb_loop *l;
	struct run r;

	have_kboot(state);
	l = start_fake(&f);
	assert_int_equal(run_kboot(l, &r, none), 2);
	assert_int_equal(run_kboot(l, &r, two), 2);
	assert_int_equal(run_kboot(l, &r, initrd_alone), 2);
	assert_int_equal(f.requests, 0);
	stop_fake(l, &f);
}

static void test_status_cancel_rescan(void **state)
{
	const char *status[] = { "status", "--socket", sock, NULL };
	const char *cancel[] = { "cancel", "--socket", sock, NULL };
	const char *rescan[] = { "rescan", "--socket", sock, NULL };
	struct fake f;
	struct kb_loop *l;
	struct run r;

	have_kboot(state);
	l = start_fake(&f);
	assert_int_equal(run_kboot(l, &r, status), 0);
	assert_non_null(strstr(r.out, "Devices:\n  sda2         ext4     ready    "
				      "/run/kboot/mnt/sda2\n"));
	assert_non_null(strstr(r.out, "  sdb1         swap     skipped  swap space\n"));
	assert_non_null(strstr(r.out, "Countdown: running, \"Debian GNU/Linux\" (sda1-3f9a1c), "
				      "boots in 4 s\n"));
	assert_non_null(strstr(r.out, "  [   1.500] warning sdb1: not opened: swap space\n"));

	assert_int_equal(run_kboot(l, &r, cancel), 0);
	assert_string_equal(f.last, "{\"type\":\"cancel\",\"seq\":1}");
	assert_int_equal(run_kboot(l, &r, rescan), 0);
	assert_string_equal(f.last, "{\"type\":\"rescan\",\"seq\":1}");
	stop_fake(l, &f);
}

static void test_no_daemon_is_a_clear_message(void **state)
{
	char path[160], want[256];
	const char *args[] = { "list", "--socket", path, NULL };
	struct kb_loop *l = kb_loop_new();
	struct run r;

	have_kboot(state);
	snprintf(path, sizeof(path), "%s/nothing/kboot.sock", tu_tmp);
	assert_int_equal(run_kboot(l, &r, args), 1);
	snprintf(want, sizeof(want),
		 "kboot: no daemon is running (%s: No such file or directory)\n", path);
	assert_string_equal(r.err, want);
	kb_loop_free(l);
}

static void test_silent_daemon_times_out(void **state)
{
	const char *args[] = { "status", "--socket", sock, "--timeout", "1", NULL };
	struct fake f;
	struct kb_loop *l;
	struct run r;
	uint64_t t0;

	have_kboot(state);
	l = start_fake(&f);
	f.silent = true;
	t0 = kb_loop_now(l);
	assert_int_equal(run_kboot(l, &r, args), 1);
	assert_true(kb_loop_now(l) - t0 >= 900);
	assert_string_equal(r.err, "kboot status: the daemon did not answer within 1 s\n");
	stop_fake(l, &f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn_reads_state_and_sends_requests),
		cmocka_unit_test(test_conn_errors),
		cmocka_unit_test(test_list_json_is_the_scan_json),
		cmocka_unit_test(test_list_text_groups_by_device),
		cmocka_unit_test(test_boot_waits_for_reply_and_booting),
		cmocka_unit_test(test_boot_usage_errors),
		cmocka_unit_test(test_status_cancel_rescan),
		cmocka_unit_test(test_no_daemon_is_a_clear_message),
		cmocka_unit_test(test_silent_daemon_times_out),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, tu_remove_tmp);
}
