// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_server.c - the control socket's server side over real Unix sockets
 * in a temporary directory, with the test playing every client: requests
 * reach the callback parsed, broadcasts reach every ready client, and a
 * client that sends garbage, too long a line or never reads is closed
 * without disturbing the others.  Peer credentials: root gets in; another
 * user does not, even when the file mode would let it.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/loop.h"
#include "proto/proto.h"
#include "proto/server.h"
#include "testutil.h"

static char sock[128];

/* What the test's daemon callbacks saw. */
struct seen {
	struct kb_server *s;
	int connected;
	int disconnected;
	int requests;
	char last_type[64]; /* "type" of the last request */
	double last_seq;    /* its "seq" */
	size_t last_n;	    /* its number of members */
	size_t last_len;    /* the length of its "pad" member */
	bool mark_ready;    /* connected() marks clients ready */
	struct kb_client *last_client;
	bool reply; /* request() answers with a reply */
};

static void on_connected(struct kb_server *s, struct kb_client *c, void *data)
{
	struct seen *t = data;
	static const char hello[] = "{\"type\":\"hello\",\"protocol\":1}";

	t->connected++;
	assert_int_equal(kb_client_send(c, hello, strlen(hello)), 0);
	if (t->mark_ready)
		kb_client_ready(c);
}

static void on_request(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
		       struct arena *a, void *data)
{
	struct seen *t = data;
	const struct kb_json *seq = kb_json_get(req, "seq");
	const char *type = kb_json_get_str(req, "type");
	const char *pad = kb_json_get_str(req, "pad");

	assert_int_equal(req->type, KB_JOBJ);
	t->requests++;
	snprintf(t->last_type, sizeof(t->last_type), "%s", type ? type : "");
	t->last_seq = seq && seq->type == KB_JNUM ? seq->num : -1;
	t->last_n = req->n;
	t->last_len = pad ? strlen(pad) : 0;
	t->last_client = c;
	if (t->reply) {
		static const char r[] = "{\"type\":\"reply\",\"ok\":true}";

		kb_client_send(c, r, strlen(r));
	}
}

static void on_disconnected(struct kb_server *s, struct kb_client *c, void *data)
{
	struct seen *t = data;

	t->disconnected++;
}

static const struct kb_server_ops ops = {
	.connected = on_connected,
	.request = on_request,
	.disconnected = on_disconnected,
};

static int setup(void **state)
{
	tu_make_tmp(state);
	/* a directory that does not exist yet: the server makes it */
	snprintf(sock, sizeof(sock), "%s/run/kboot/kboot.sock", tu_tmp);
	return 0;
}

/* ---- helpers: pumping the loop, playing clients ---- */

/* Pump until cond holds, at most 5 s. */
#define PUMP_UNTIL(l, cond)                                                                        \
	do {                                                                                       \
		int _i;                                                                            \
		for (_i = 0; _i < 1000 && !(cond); _i++)                                           \
			tu_pump(l, 5);                                                             \
		assert_true(cond);                                                                 \
	} while (0)

struct peer {
	int fd;
	char *buf; /* everything received */
	size_t len;
	size_t cap;
	bool eof; /* the server closed it */
};

static void peer_connect_to(struct peer *p, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	memset(p, 0, sizeof(*p));
	strcpy(addr.sun_path, path);
	p->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(p->fd >= 0);
	assert_int_equal(connect(p->fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(fcntl(p->fd, F_SETFL, O_NONBLOCK), 0);
}

static void peer_connect(struct peer *p)
{
	peer_connect_to(p, sock);
}

static void peer_close(struct peer *p)
{
	close(p->fd);
	free(p->buf);
}

/* Read whatever is there now. */
static void peer_drain(struct peer *p)
{
	ssize_t n;

	for (;;) {
		if (p->cap - p->len < 65536) {
			p->cap = p->cap ? p->cap * 2 : 131072;
			p->buf = realloc(p->buf, p->cap);
			assert_non_null(p->buf);
		}
		n = recv(p->fd, p->buf + p->len, p->cap - p->len - 1, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			p->eof = true;
			break;
		}
		if (n < 0)
			break;
		p->len += (size_t)n;
	}
	p->buf[p->len] = '\0';
}

static size_t peer_lines(const struct peer *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->len; i++)
		n += p->buf[i] == '\n';
	return n;
}

static void peer_send(struct peer *p, const char *text)
{
	size_t len = strlen(text);

	assert_int_equal(send(p->fd, text, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Send len bytes, pumping the loop while the socket is full; stops early
 * when the server hangs up. */
static void peer_send_all(struct kb_loop *l, struct peer *p, const char *buf, size_t len)
{
	size_t sent = 0;

	while (sent < len) {
		ssize_t n = send(p->fd, buf + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return;
		if (n > 0)
			sent += (size_t)n;
		else
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		tu_pump(l, 0);
	}
}

/* ---- tests ---- */

static void test_socket_file_and_directory_modes(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { 0 };
	struct kb_server *s;
	char dir[128];
	struct stat st;

	s = kb_server_new(l, sock, &ops, &t);
	assert_non_null(s);
	assert_int_equal(stat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(dir, sizeof(dir), "%s/run/kboot", tu_tmp);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	/* a second server on a live socket is refused, the first keeps it */
	assert_null(kb_server_new(l, sock, &ops, &t));
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(stat(sock, &st), 0);

	kb_server_free(s);
	assert_int_equal(stat(sock, &st), -1);
	kb_loop_free(l);
}

static void test_stale_socket_is_replaced(void **state)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct kb_loop *l = kb_loop_new();
	struct seen t = { 0 };
	struct kb_server *s;
	struct peer p;
	char path[160];
	int fd;

	/* a socket file nobody listens on: a daemon that died */
	snprintf(path, sizeof(path), "%s/stale.sock", tu_tmp);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	s = kb_server_new(l, path, &ops, &t);
	assert_non_null(s);
	peer_connect_to(&p, path);
	PUMP_UNTIL(l, t.connected == 1);
	peer_close(&p);
	kb_server_free(s);

	/* a regular file is not a stale socket: left alone */
	snprintf(path, sizeof(path), "%s/file.sock", tu_tmp);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	assert_null(kb_server_new(l, path, &ops, &t));
	assert_int_equal(errno, EEXIST);
	assert_int_equal(access(path, F_OK), 0);
	kb_loop_free(l);
}

static void test_request_reaches_callback(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { .reply = true };
	struct kb_server *s = kb_server_new(l, sock, &ops, &t);
	struct peer p;

	assert_non_null(s);
	peer_connect(&p);
	PUMP_UNTIL(l, t.connected == 1);
	assert_int_equal(kb_server_clients(s), 1);

	peer_send(&p, "{\"type\": \"boot\", \"id\": \"sda1-3f9a1c\", \"seq\": 7}\n");
	PUMP_UNTIL(l, t.requests == 1);
	assert_string_equal(t.last_type, "boot");
	assert_true(t.last_seq == 7);
	assert_int_equal(t.last_n, 3);

	/* two requests in one write, then one split across writes */
	peer_send(&p, "{\"type\":\"cancel\",\"seq\":8}\n{\"type\":\"rescan\",\"seq\":9}\n");
	PUMP_UNTIL(l, t.requests == 3);
	assert_string_equal(t.last_type, "rescan");
	peer_send(&p, "{\"type\":\"can");
	tu_pump(l, 10);
	assert_int_equal(t.requests, 3);
	peer_send(&p, "cel\", \"seq\": 10}\r\n");
	PUMP_UNTIL(l, t.requests == 4);
	assert_string_equal(t.last_type, "cancel");
	assert_true(t.last_seq == 10);

	/* the hello and four replies came back, one line each */
	PUMP_UNTIL(l, (peer_drain(&p), peer_lines(&p) == 5));
	assert_non_null(strstr(p.buf, "{\"type\":\"hello\",\"protocol\":1}\n"));
	assert_false(p.eof);

	/* a client that sends a request and shuts down its side still gets
	 * the reply, then the end */
	{
		struct peer q;

		peer_connect(&q);
		peer_send(&q, "{\"type\":\"status\",\"seq\":1}\n");
		assert_int_equal(shutdown(q.fd, SHUT_WR), 0);
		PUMP_UNTIL(l, (peer_drain(&q), q.eof));
		assert_int_equal(peer_lines(&q), 2); /* hello and the reply */
		assert_non_null(strstr(q.buf, "\"reply\""));
		peer_close(&q);
		PUMP_UNTIL(l, t.disconnected == 1);
	}

	/* the client hangs up: disconnected, then freed */
	peer_close(&p);
	PUMP_UNTIL(l, t.disconnected == 2);
	assert_int_equal(kb_server_clients(s), 0);
	kb_server_free(s);
	kb_loop_free(l);
}

static void test_twenty_clients_get_every_broadcast(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { .mark_ready = true };
	struct kb_server *s = kb_server_new(l, sock, &ops, &t);
	struct peer p[20];
	char msg[64];
	int i, k;

	assert_non_null(s);
	for (i = 0; i < 20; i++)
		peer_connect(&p[i]);
	PUMP_UNTIL(l, t.connected == 20);
	assert_int_equal(kb_server_clients(s), 20);
	for (k = 0; k < 50; k++) {
		snprintf(msg, sizeof(msg), "{\"type\":\"status\",\"n\":%d}", k);
		kb_server_broadcast(s, msg, strlen(msg));
	}
	for (i = 0; i < 20; i++) {
		PUMP_UNTIL(l, (peer_drain(&p[i]), peer_lines(&p[i]) == 51));
		assert_non_null(strstr(p[i].buf, "{\"type\":\"status\",\"n\":0}\n"));
		assert_non_null(strstr(p[i].buf, "\"n\":48}\n{\"type\":\"status\",\"n\":49}\n"));
	}
	for (i = 0; i < 20; i++)
		peer_close(&p[i]);
	kb_server_free(s);
	kb_loop_free(l);
}

static void test_broadcast_skips_clients_not_ready(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { .mark_ready = false };
	struct kb_server *s = kb_server_new(l, sock, &ops, &t);
	static const char msg[] = "{\"type\":\"menu\"}";
	struct peer p;

	peer_connect(&p);
	PUMP_UNTIL(l, t.connected == 1);
	kb_server_broadcast(s, msg, strlen(msg));
	tu_pump(l, 10);
	peer_drain(&p);
	assert_int_equal(peer_lines(&p), 1); /* only the hello */
	peer_close(&p);
	kb_server_free(s);
	kb_loop_free(l);
}

/* One bad client among good ones: only it is closed. */
static void bad_client_among_good(const char *garbage, size_t len)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { .mark_ready = true };
	struct kb_server *s = kb_server_new(l, sock, &ops, &t);
	static const char msg[] = "{\"type\":\"status\"}";
	struct peer good[2], bad;
	int i;

	assert_non_null(s);
	peer_connect(&good[0]);
	peer_connect(&bad);
	peer_connect(&good[1]);
	PUMP_UNTIL(l, t.connected == 3);
	peer_send_all(l, &bad, garbage, len);
	PUMP_UNTIL(l, kb_server_clients(s) == 2);
	PUMP_UNTIL(l, t.disconnected == 1);
	assert_int_equal(t.requests, 0);
	PUMP_UNTIL(l, (peer_drain(&bad), bad.eof));

	/* the others still talk and listen */
	kb_server_broadcast(s, msg, strlen(msg));
	peer_send(&good[1], "{\"type\":\"cancel\"}\n");
	PUMP_UNTIL(l, t.requests == 1);
	for (i = 0; i < 2; i++) {
		PUMP_UNTIL(l, (peer_drain(&good[i]), peer_lines(&good[i]) == 2));
		assert_false(good[i].eof);
	}
	peer_close(&good[0]);
	peer_close(&good[1]);
	peer_close(&bad);
	kb_server_free(s);
	kb_loop_free(l);
}

static void test_garbage_closes_only_that_client(void **state)
{
	static const char *const garbage[] = {
		"hello daemon\n",
		"[\"type\", \"boot\"]\n", /* JSON, not an object */
		"\"boot\"\n",
		"{\"type\": \"boot\"\n",	/* unterminated */
		"{\"type\": \"b\xc3\x28t\"}\n", /* invalid UTF-8 */
		"\n",				/* an empty line is not an object */
		"{\"type\":\"boot\"} {}\n",	/* two values on one line */
	};
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		bad_client_among_good(garbage[i], strlen(garbage[i]));
	/* a NUL byte inside the line */
	bad_client_among_good("{\"type\":\"x\0\"}\n", 15);
}

static void test_oversized_line_closes_client(void **state)
{
	size_t len = KB_PROTO_MAX_LINE + 2;
	char *line = malloc(len + 1);

	/* no newline at all: closed once the limit is passed */
	memset(line, 'x', len);
	line[len] = '\0';
	bad_client_among_good(line, len);
	/* a complete object one byte too long */
	memcpy(line, "{\"pad\":\"", 8);
	memset(line + 8, 'a', KB_PROTO_MAX_LINE - 10 + 1);
	memcpy(line + KB_PROTO_MAX_LINE - 1, "\"}\n", 3);
	bad_client_among_good(line, KB_PROTO_MAX_LINE + 2);
	free(line);
}

static void test_longest_line_is_accepted(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { 0 };
	struct kb_server *s = kb_server_new(l, sock, &ops, &t);
	char *line = malloc(KB_PROTO_MAX_LINE + 1);
	struct peer p;

	/* exactly KB_PROTO_MAX_LINE bytes before the newline */
	memcpy(line, "{\"pad\":\"", 8);
	memset(line + 8, 'a', KB_PROTO_MAX_LINE - 10);
	memcpy(line + KB_PROTO_MAX_LINE - 2, "\"}\n", 3);
	peer_connect(&p);
	PUMP_UNTIL(l, t.connected == 1);
	peer_send_all(l, &p, line, KB_PROTO_MAX_LINE + 1);
	PUMP_UNTIL(l, t.requests == 1);
	assert_int_equal(t.last_len, KB_PROTO_MAX_LINE - 10);
	assert_int_equal(kb_server_clients(s), 1);
	free(line);
	peer_close(&p);
	kb_server_free(s);
	kb_loop_free(l);
}

static void test_slow_reader_is_dropped_others_get_everything(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { .mark_ready = true };
	struct kb_server *s = kb_server_new(l, sock, &ops, &t);
	struct peer reader, sleeper;
	char msg[1024];
	const int total = 6000; /* ~6 MiB: more than the 4 MiB queue limit */
	size_t expect_len = 0;
	int k, len;

	assert_non_null(s);
	peer_connect(&reader);
	peer_connect(&sleeper);
	PUMP_UNTIL(l, t.connected == 2);
	peer_drain(&reader);
	expect_len = reader.len;
	for (k = 0; k < total; k++) {
		len = snprintf(msg, sizeof(msg), "{\"type\":\"status\",\"n\":%d,\"pad\":\"%0*d\"}",
			       k, 900, 0);
		kb_server_broadcast(s, msg, (size_t)len);
		expect_len += (size_t)len + 1;
		if (k % 32 == 0) {
			tu_pump(l, 0);
			peer_drain(&reader);
		}
	}
	/* the sleeper was closed when its queue passed the limit */
	assert_int_equal(kb_server_clients(s), 1);
	PUMP_UNTIL(l, t.disconnected == 1);
	/* the reader got every message, in order */
	PUMP_UNTIL(l, (peer_drain(&reader), reader.len == expect_len));
	assert_int_equal(peer_lines(&reader), total + 1);
	assert_non_null(strstr(reader.buf, "{\"type\":\"status\",\"n\":5999,"));
	assert_false(reader.eof);
	/* the sleeper got at most the limit, and then the end */
	PUMP_UNTIL(l, (peer_drain(&sleeper), sleeper.eof));
	assert_true(sleeper.len <= KB_CLIENT_MAX_QUEUE + 512 * 1024);
	peer_close(&reader);
	peer_close(&sleeper);
	kb_server_free(s);
	kb_loop_free(l);
}

/* kb_client_send on a client closed inside the same callback: no crash. */
static void send_after_close_request(struct kb_server *s, struct kb_client *c,
				     const struct kb_json *req, struct arena *a, void *data)
{
	struct seen *t = data;
	char *big = malloc(KB_CLIENT_MAX_QUEUE);

	memset(big, ' ', KB_CLIENT_MAX_QUEUE);
	t->requests++;
	/* too big for the queue: closes c, which stays valid */
	assert_true(kb_client_send(c, big, KB_CLIENT_MAX_QUEUE) < 0);
	assert_true(kb_client_send(c, "{}", 2) < 0);
	kb_client_ready(c);
	free(big);
}

static void test_client_valid_until_callback_returns(void **state)
{
	static const struct kb_server_ops close_ops = {
		.connected = on_connected,
		.request = send_after_close_request,
		.disconnected = on_disconnected,
	};
	struct kb_loop *l = kb_loop_new();
	struct seen t = { 0 };
	struct kb_server *s = kb_server_new(l, sock, &close_ops, &t);
	struct peer p;

	peer_connect(&p);
	PUMP_UNTIL(l, t.connected == 1);
	/* two requests at once: the second is never handled */
	peer_send(&p, "{\"type\":\"x\"}\n{\"type\":\"y\"}\n");
	PUMP_UNTIL(l, t.disconnected == 1);
	assert_int_equal(t.requests, 1);
	assert_int_equal(kb_server_clients(s), 0);
	peer_close(&p);
	kb_server_free(s);
	kb_loop_free(l);
}

static void child_done(struct kb_loop *l, pid_t pid, int status, void *data)
{
	*(int *)data = status;
}

static void test_peer_credentials(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct seen t = { .mark_ready = true };
	struct kb_server *s;
	struct peer p;
	char dir[128];
	int status = -2;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	s = kb_server_new(l, sock, &ops, &t);
	assert_non_null(s);

	/* root: accepted, greeted */
	peer_connect(&p);
	PUMP_UNTIL(l, (peer_drain(&p), peer_lines(&p) == 1));
	peer_close(&p);

	/* Another user, with the file modes opened up so that only the
	 * credential check stands in the way: closed at once, unheard. */
	snprintf(dir, sizeof(dir), "%s/run/kboot", tu_tmp);
	chmod(tu_tmp, 0755);
	chmod(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/run", tu_tmp);
	chmod(dir, 0755);
	chmod(sock, 0666);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un addr = { .sun_family = AF_UNIX };
		char buf[256];
		int fd;
		ssize_t n;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		strcpy(addr.sun_path, sock);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
			_exit(11);
		n = read(fd, buf, sizeof(buf)); /* blocks until the server closes it */
		_exit(n == 0 ? 0 : 12);
	}
	assert_int_equal(kb_loop_child(l, pid, child_done, &status), 0);
	PUMP_UNTIL(l, status != -2);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(t.connected, 1); /* only root's */
	kb_server_free(s);
	kb_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_file_and_directory_modes),
		cmocka_unit_test(test_stale_socket_is_replaced),
		cmocka_unit_test(test_request_reaches_callback),
		cmocka_unit_test(test_twenty_clients_get_every_broadcast),
		cmocka_unit_test(test_broadcast_skips_clients_not_ready),
		cmocka_unit_test(test_garbage_closes_only_that_client),
		cmocka_unit_test(test_oversized_line_closes_client),
		cmocka_unit_test(test_longest_line_is_accepted),
		cmocka_unit_test(test_slow_reader_is_dropped_others_get_everything),
		cmocka_unit_test(test_client_valid_until_callback_returns),
		cmocka_unit_test(test_peer_credentials),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, tu_remove_tmp);
}
