/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loop.h - the daemon's single-threaded event loop (epoll).
 *
 * Everything the daemon waits for is an event here: readable/writable file
 * descriptors (sockets, netlink, pipes from child processes), timers, and
 * the exit of child processes (through pidfds).  Callbacks run one at a
 * time; a callback may add or remove any watch, including its own.
 *
 * Not provided: threads, priorities, signal handling beyond SIGCHLD-free
 * child watching (callers block SIGPIPE themselves).
 */
#ifndef KBOOT_LOOP_H
#define KBOOT_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct kb_loop;
struct kb_watch; /* an fd being watched */
struct kb_timer; /* a pending timer */

typedef void (*kb_fd_fn)(struct kb_loop *l, int fd, uint32_t events, void *data);
typedef void (*kb_timer_fn)(struct kb_loop *l, void *data);
typedef void (*kb_child_fn)(struct kb_loop *l, pid_t pid, int status, void *data);

/* A new loop, or NULL.  Free with kb_loop_free() (closes nothing it was given). */
struct kb_loop *kb_loop_new(void);
void kb_loop_free(struct kb_loop *l);

/*
 * Watch fd for events (EPOLLIN, EPOLLOUT...).  The watch is owned by the
 * loop until kb_loop_unwatch(); the fd stays the caller's to close (after
 * unwatching).  NULL on error.
 */
struct kb_watch *kb_loop_watch(struct kb_loop *l, int fd, uint32_t events, kb_fd_fn fn, void *data);
int kb_loop_rewatch(struct kb_loop *l, struct kb_watch *w, uint32_t events);
void kb_loop_unwatch(struct kb_loop *l, struct kb_watch *w);

/* Call fn once after ms milliseconds; NULL on OOM.  Cancel before it fires. */
struct kb_timer *kb_loop_timer(struct kb_loop *l, unsigned int ms, kb_timer_fn fn, void *data);
void kb_loop_cancel(struct kb_loop *l, struct kb_timer *t);

/* Call fn when child pid exits (status as from waitpid); the loop reaps it. */
int kb_loop_child(struct kb_loop *l, pid_t pid, kb_child_fn fn, void *data);

/* Monotonic milliseconds, for status lines and countdowns. */
uint64_t kb_loop_now(const struct kb_loop *l);

/* Run until kb_loop_quit(); returns its code. */
int kb_loop_run(struct kb_loop *l);
void kb_loop_quit(struct kb_loop *l, int code);

#endif
