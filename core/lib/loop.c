// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - the event loop of loop.h on epoll.
 *
 * Does: fd watches (level-triggered), one-shot timers on the monotonic
 * clock (kept in a sorted list; the earliest one sets epoll_wait's
 * timeout), child processes through pidfd_open(2) (the child is reaped with
 * waitpid() once its pidfd is readable).
 *
 * Callbacks may add or remove anything, their own watch or timer included:
 * a removed watch is only marked dead and freed after the batch of events
 * it might still appear in; a firing timer is out of the list while its
 * callback runs and freed after it.  Timers added while timers are being
 * dispatched wait for the next round, so a 0 ms timer that re-arms itself
 * cannot starve the fds.
 *
 * Does not: handle signals, run threads, order fd events by priority, or
 * fall back to SIGCHLD when the kernel has no pidfd_open (older than 5.3):
 * kb_loop_child() then fails with -ENOSYS.  A child someone else reaped
 * first (SIGCHLD set to SIG_IGN, a stray waitpid) is reported with status -1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/loop.h"

#define MAX_EVENTS 64

struct kb_watch {
	int fd;		       /* the watched fd (not owned, except a child's pidfd) */
	uint32_t events;       /* what epoll is asked for */
	kb_fd_fn fn;	       /* called with the events that happened */
	void *data;	       /* for fn */
	bool dead;	       /* unwatched: skip, free after the batch */
	struct kb_watch *next; /* in the loop's live or dead list */
	struct kb_watch *prev; /* in the live list */
};

struct kb_timer {
	uint64_t due;	       /* ns on the loop's clock */
	uint64_t seq;	       /* creation order: ties fire oldest first */
	kb_timer_fn fn;	       /* what to call */
	void *data;	       /* for fn */
	struct kb_timer *next; /* in the sorted list */
};

struct child {
	pid_t pid;	    /* the process */
	int pidfd;	    /* from pidfd_open(), owned */
	struct kb_watch *w; /* on pidfd */
	kb_child_fn fn;	    /* called once with its exit status */
	void *data;	    /* for fn */
	struct child *next; /* in the loop's list */
	struct child *prev; /* in the loop's list */
};

struct kb_loop {
	int epfd;		 /* the epoll instance */
	uint64_t start;		 /* CLOCK_MONOTONIC ns at creation */
	struct kb_watch *live;	 /* every watch not unwatched */
	struct kb_watch *dead;	 /* unwatched, waiting for the batch to end */
	struct kb_timer *timers; /* pending, sorted by (due, seq) */
	uint64_t timer_seq;	 /* next timer's seq */
	struct child *children;	 /* children being waited for */
	bool quit;		 /* kb_loop_quit() was called */
	int code;		 /* its code */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ns since the loop was created */
static uint64_t now_ns(const struct kb_loop *l)
{
	return mono_ns() - l->start;
}

struct kb_loop *kb_loop_new(void)
{
	struct kb_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int err = errno;

		free(l);
		errno = err;
		return NULL;
	}
	l->start = mono_ns();
	return l;
}

static void free_dead(struct kb_loop *l)
{
	struct kb_watch *w, *next;

	for (w = l->dead; w; w = next) {
		next = w->next;
		free(w);
	}
	l->dead = NULL;
}

void kb_loop_free(struct kb_loop *l)
{
	struct kb_watch *w, *wn;
	struct kb_timer *t, *tn;
	struct child *c, *cn;

	if (!l)
		return;
	for (c = l->children; c; c = cn) {
		cn = c->next;
		close(c->pidfd);
		free(c);
	}
	for (w = l->live; w; w = wn) {
		wn = w->next;
		free(w);
	}
	free_dead(l);
	for (t = l->timers; t; t = tn) {
		tn = t->next;
		free(t);
	}
	close(l->epfd);
	free(l);
}

/* ---- fd watches ---- */

struct kb_watch *kb_loop_watch(struct kb_loop *l, int fd, uint32_t events, kb_fd_fn fn, void *data)
{
	struct epoll_event ev = { .events = events };
	struct kb_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->data = data;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;

		free(w);
		errno = err;
		return NULL;
	}
	w->next = l->live;
	if (l->live)
		l->live->prev = w;
	l->live = w;
	return w;
}

int kb_loop_rewatch(struct kb_loop *l, struct kb_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (w->dead)
		return -EINVAL;
	if (w->events == events)
		return 0;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -errno;
	w->events = events;
	return 0;
}

void kb_loop_unwatch(struct kb_loop *l, struct kb_watch *w)
{
	if (!w || w->dead)
		return;
	/* Fails harmlessly when the caller already closed the fd. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->dead = true;
	if (w->prev)
		w->prev->next = w->next;
	else
		l->live = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->prev = NULL;
	w->next = l->dead;
	l->dead = w;
}

/* ---- timers ---- */

struct kb_timer *kb_loop_timer(struct kb_loop *l, unsigned int ms, kb_timer_fn fn, void *data)
{
	struct kb_timer *t = calloc(1, sizeof(*t)), **pp;

	if (!t)
		return NULL;
	t->due = now_ns(l) + (uint64_t)ms * 1000000u;
	t->seq = l->timer_seq++;
	t->fn = fn;
	t->data = data;
	for (pp = &l->timers; *pp && (*pp)->due <= t->due; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	return t;
}

void kb_loop_cancel(struct kb_loop *l, struct kb_timer *t)
{
	struct kb_timer **pp;

	if (!t)
		return;
	/* A timer whose callback is running is not in the list any more: its
	 * dispatcher frees it, so cancelling it from inside is a no-op. */
	for (pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			free(t);
			return;
		}
	}
}

/* Fire the timers that are due and were created before this round. */
static void run_timers(struct kb_loop *l)
{
	uint64_t now = now_ns(l), limit = l->timer_seq;
	struct kb_timer **pp = &l->timers, *t;

	while ((t = *pp) && t->due <= now && !l->quit) {
		if (t->seq >= limit) {
			/* Added during this round: skip it, keep looking. */
			pp = &t->next;
			continue;
		}
		*pp = t->next;
		t->fn(l, t->data);
		free(t);
		/* The callback may have changed the list: start over. */
		pp = &l->timers;
	}
}

/* epoll_wait's timeout: until the first timer, rounded up; -1 none. */
static int next_timeout(const struct kb_loop *l)
{
	uint64_t now, ms;

	if (!l->timers)
		return -1;
	now = now_ns(l);
	if (l->timers->due <= now)
		return 0;
	ms = (l->timers->due - now + 999999) / 1000000;
	return ms > 1000000000 ? 1000000000 : (int)ms;
}

/* ---- children ---- */

static void child_ready(struct kb_loop *l, int fd, uint32_t events, void *data)
{
	struct child *c = data;
	int status = 0;
	pid_t r;

	do
		r = waitpid(c->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return; /* not yet (should not happen once the pidfd is readable) */
	if (r < 0)
		status = -1; /* reaped by someone else: the status is lost */

	kb_loop_unwatch(l, c->w);
	close(c->pidfd);
	if (c->prev)
		c->prev->next = c->next;
	else
		l->children = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->fn(l, c->pid, status, c->data);
	free(c);
}

int kb_loop_child(struct kb_loop *l, pid_t pid, kb_child_fn fn, void *data)
{
	struct child *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (c->pidfd < 0) {
		err = -errno;
		free(c);
		return err;
	}
	/* pidfd_open sets O_CLOEXEC by itself. */
	c->pid = pid;
	c->fn = fn;
	c->data = data;
	c->w = kb_loop_watch(l, c->pidfd, EPOLLIN, child_ready, c);
	if (!c->w) {
		err = -errno;
		close(c->pidfd);
		free(c);
		return err;
	}
	c->next = l->children;
	if (c->next)
		c->next->prev = c;
	l->children = c;
	return 0;
}

/* ---- running ---- */

uint64_t kb_loop_now(const struct kb_loop *l)
{
	return now_ns(l) / 1000000u;
}

void kb_loop_quit(struct kb_loop *l, int code)
{
	l->quit = true;
	l->code = code;
}

int kb_loop_run(struct kb_loop *l)
{
	struct epoll_event ev[MAX_EVENTS];
	int n, i, code;

	while (!l->quit) {
		n = epoll_wait(l->epfd, ev, MAX_EVENTS, next_timeout(l));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !l->quit; i++) {
			struct kb_watch *w = ev[i].data.ptr;

			if (!w->dead)
				w->fn(l, w->fd, ev[i].events, w->data);
		}
		free_dead(l);
		if (!l->quit)
			run_timers(l);
		free_dead(l);
	}
	code = l->code;
	l->quit = false;
	return code;
}
