// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_loop.c - the event loop: fd watches, timer order and cancelling,
 * child exit statuses, and changing watches from inside callbacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/loop.h"

static void quit_cb(struct kb_loop *l, void *data)
{
	kb_loop_quit(l, (int)(intptr_t)data);
}

/* A safety net: no test may hang; firing it fails the test. */
static void watchdog_cb(struct kb_loop *l, void *data)
{
	fail_msg("the loop did not finish in time");
}

static void test_quit_code(void **state)
{
	struct kb_loop *l = kb_loop_new();

	assert_non_null(l);
	assert_non_null(kb_loop_timer(l, 0, quit_cb, (void *)(intptr_t)42));
	assert_int_equal(kb_loop_run(l), 42);
	/* quit before run: run returns at once */
	kb_loop_quit(l, 3);
	assert_int_equal(kb_loop_run(l), 3);
	kb_loop_free(l);
}

struct fdtest {
	struct kb_watch *w;
	char got[16];
	size_t n;
};

static void read_cb(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct fdtest *t = data;
	ssize_t r;

	assert_true(events & EPOLLIN);
	r = read(fd, t->got + t->n, sizeof(t->got) - 1 - t->n);
	assert_true(r > 0);
	t->n += (size_t)r;
	if (t->n >= 3)
		kb_loop_quit(l, 0);
}

static void write_later_cb(struct kb_loop *l, void *data)
{
	int fd = (int)(intptr_t)data;

	assert_int_equal(write(fd, "abc", 3), 3);
}

static void test_fd_readable(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct fdtest t = { 0 };
	struct kb_timer *dog;
	int p[2];

	assert_int_equal(pipe(p), 0);
	t.w = kb_loop_watch(l, p[0], EPOLLIN, read_cb, &t);
	assert_non_null(t.w);
	assert_non_null(kb_loop_timer(l, 10, write_later_cb, (void *)(intptr_t)p[1]));
	dog = kb_loop_timer(l, 5000, watchdog_cb, NULL);
	assert_int_equal(kb_loop_run(l), 0);
	assert_string_equal(t.got, "abc");
	kb_loop_cancel(l, dog);
	kb_loop_unwatch(l, t.w);
	close(p[0]);
	close(p[1]);
	kb_loop_free(l);
}

struct order {
	char seen[16];
	size_t n;
};

struct mark {
	struct order *o;
	char c;
};

static void mark_cb(struct kb_loop *l, void *data)
{
	struct mark *m = data;

	m->o->seen[m->o->n++] = m->c;
}

static void test_timers_fire_in_order(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct order o = { { 0 }, 0 };
	struct mark m[] = { { &o, 'c' }, { &o, 'a' }, { &o, 'b' }, { &o, 'd' }, { &o, 'e' } };
	uint64_t t0 = kb_loop_now(l);

	kb_loop_timer(l, 30, mark_cb, &m[0]);
	kb_loop_timer(l, 10, mark_cb, &m[1]);
	kb_loop_timer(l, 20, mark_cb, &m[2]);
	/* equal deadlines: the one added first fires first */
	kb_loop_timer(l, 40, mark_cb, &m[3]);
	kb_loop_timer(l, 40, mark_cb, &m[4]);
	kb_loop_timer(l, 50, quit_cb, NULL);
	assert_int_equal(kb_loop_run(l), 0);
	assert_string_equal(o.seen, "abcde");
	assert_true(kb_loop_now(l) - t0 >= 50);
	kb_loop_free(l);
}

struct cancel_test {
	struct kb_timer *other; /* cancelled by the first callback */
	struct kb_timer *self;	/* the first timer itself */
	int fired_other;
	int fired_self;
};

static void other_cb(struct kb_loop *l, void *data)
{
	struct cancel_test *c = data;

	c->fired_other++;
}

static void canceller_cb(struct kb_loop *l, void *data)
{
	struct cancel_test *c = data;

	c->fired_self++;
	kb_loop_cancel(l, c->other); /* a pending timer, due at the same time */
	kb_loop_cancel(l, c->self);  /* itself, while running: a no-op */
}

static void test_cancel_inside_callback(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct cancel_test c = { 0 };
	struct kb_timer *never;

	c.self = kb_loop_timer(l, 5, canceller_cb, &c);
	c.other = kb_loop_timer(l, 5, other_cb, &c);
	never = kb_loop_timer(l, 10, other_cb, &c);
	kb_loop_cancel(l, never); /* cancelled before it fires */
	kb_loop_timer(l, 30, quit_cb, NULL);
	assert_int_equal(kb_loop_run(l), 0);
	assert_int_equal(c.fired_self, 1);
	assert_int_equal(c.fired_other, 0);
	kb_loop_free(l);
}

/* A 0 ms timer that re-arms itself must not keep the fds from running. */
struct rearm {
	int ticks;
	bool fd_seen;
};

static void rearm_cb(struct kb_loop *l, void *data)
{
	struct rearm *r = data;

	r->ticks++;
	if (!r->fd_seen && r->ticks < 100000)
		kb_loop_timer(l, 0, rearm_cb, r);
}

static void fd_seen_cb(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct rearm *r = data;

	r->fd_seen = true;
	kb_loop_quit(l, 0);
}

static void test_zero_timer_does_not_starve_fds(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct rearm r = { 0 };
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	kb_loop_watch(l, p[0], EPOLLIN, fd_seen_cb, &r);
	kb_loop_timer(l, 0, rearm_cb, &r);
	assert_int_equal(kb_loop_run(l), 0);
	assert_true(r.fd_seen);
	assert_true(r.ticks < 10);
	kb_loop_free(l);
	close(p[0]);
	close(p[1]);
}

struct child_test {
	pid_t pid;
	int status;
	int calls;
};

static void child_cb(struct kb_loop *l, pid_t pid, int status, void *data)
{
	struct child_test *c = data;

	assert_int_equal(pid, c->pid);
	c->status = status;
	c->calls++;
	kb_loop_quit(l, 0);
}

static void test_child_exit_status(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct child_test c = { 0 }, k = { 0 };

	c.pid = fork();
	assert_true(c.pid >= 0);
	if (c.pid == 0)
		_exit(7);
	assert_int_equal(kb_loop_child(l, c.pid, child_cb, &c), 0);
	kb_loop_timer(l, 5000, watchdog_cb, NULL);
	assert_int_equal(kb_loop_run(l), 0);
	assert_int_equal(c.calls, 1);
	assert_true(WIFEXITED(c.status));
	assert_int_equal(WEXITSTATUS(c.status), 7);
	/* reaped: nothing left to wait for */
	assert_int_equal(waitpid(c.pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);

	/* killed by a signal */
	k.pid = fork();
	assert_true(k.pid >= 0);
	if (k.pid == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(kb_loop_child(l, k.pid, child_cb, &k), 0);
	kill(k.pid, SIGKILL);
	assert_int_equal(kb_loop_run(l), 0);
	assert_true(WIFSIGNALED(k.status));
	assert_int_equal(WTERMSIG(k.status), SIGKILL);

	/* not our child / no such process */
	assert_true(kb_loop_child(l, 0x3ffffff0, child_cb, &c) < 0);
	kb_loop_free(l);
}

/* Two readable fds in one batch: the first callback unwatches the second. */
struct unwatch_test {
	struct kb_watch *w[2];
	int fds[2];
	int calls[2];
};

static void unwatch_cb(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct unwatch_test *u = data;
	int me = fd == u->fds[0] ? 0 : 1;
	char c;

	u->calls[me]++;
	assert_int_equal(read(fd, &c, 1), 1);
	kb_loop_unwatch(l, u->w[me]);	  /* itself */
	kb_loop_unwatch(l, u->w[1 - me]); /* the other, maybe still in this batch */
	kb_loop_unwatch(l, u->w[1 - me]); /* twice is harmless */
	kb_loop_timer(l, 20, quit_cb, NULL);
}

static void test_unwatch_during_dispatch(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct unwatch_test u = { 0 };
	int a[2], b[2];

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	u.fds[0] = a[0];
	u.fds[1] = b[0];
	u.w[0] = kb_loop_watch(l, a[0], EPOLLIN, unwatch_cb, &u);
	u.w[1] = kb_loop_watch(l, b[0], EPOLLIN, unwatch_cb, &u);
	assert_int_equal(write(a[1], "xx", 2), 2);
	assert_int_equal(write(b[1], "yy", 2), 2);
	assert_int_equal(kb_loop_run(l), 0);
	/* exactly one callback ran, once: the other watch was gone, and the
	 * still-readable fds were never reported again */
	assert_int_equal(u.calls[0] + u.calls[1], 1);
	kb_loop_free(l);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

/* A callback that watches a new fd and switches its own events. */
struct rewatch_test {
	struct kb_watch *w;
	int writable;
	int readable;
	int rfd;
};

static void rd_cb(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct rewatch_test *t = data;
	char buf[8];

	t->readable++;
	assert_true(read(fd, buf, sizeof(buf)) > 0);
	kb_loop_quit(l, 0);
}

static void wr_cb(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct rewatch_test *t = data;

	assert_true(events & EPOLLOUT);
	t->writable++;
	assert_int_equal(write(fd, "z", 1), 1);
	/* stop asking for EPOLLOUT, and watch the read end from here */
	assert_int_equal(kb_loop_rewatch(l, t->w, 0), 0);
	assert_non_null(kb_loop_watch(l, t->rfd, EPOLLIN, rd_cb, t));
}

static void test_watch_and_rewatch_inside_callback(void **state)
{
	struct kb_loop *l = kb_loop_new();
	struct rewatch_test t = { 0 };
	int p[2];

	assert_int_equal(pipe(p), 0);
	t.rfd = p[0];
	t.w = kb_loop_watch(l, p[1], EPOLLOUT, wr_cb, &t);
	kb_loop_timer(l, 5000, watchdog_cb, NULL);
	assert_int_equal(kb_loop_run(l), 0);
	assert_int_equal(t.writable, 1);
	assert_int_equal(t.readable, 1);
	/* a bad fd cannot be watched */
	assert_null(kb_loop_watch(l, -1, EPOLLIN, rd_cb, &t));
	kb_loop_free(l);
	close(p[0]);
	close(p[1]);
}

static void test_now_is_monotonic_ms(void **state)
{
	struct kb_loop *l = kb_loop_new();
	uint64_t a = kb_loop_now(l), b;

	assert_true(a < 1000);
	usleep(20000);
	b = kb_loop_now(l);
	assert_true(b >= a + 20);
	assert_true(b < a + 2000);
	kb_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quit_code),
		cmocka_unit_test(test_fd_readable),
		cmocka_unit_test(test_timers_fire_in_order),
		cmocka_unit_test(test_cancel_inside_callback),
		cmocka_unit_test(test_zero_timer_does_not_starve_fds),
		cmocka_unit_test(test_child_exit_status),
		cmocka_unit_test(test_unwatch_during_dispatch),
		cmocka_unit_test(test_watch_and_rewatch_inside_callback),
		cmocka_unit_test(test_now_is_monotonic_ms),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
