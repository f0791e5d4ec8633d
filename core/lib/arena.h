/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arena.h - per-scan memory, growable strings and pointer vectors.
 *
 * Everything a scan produces (filesystems, entries, strings, warnings) lives
 * in one arena and is released with one arena_free().  Nothing here ever
 * exits the process: allocation failures return NULL (or set a flag the
 * caller checks once), because a boot loader must get back to its menu.
 *
 * Not provided: freeing single allocations, thread safety.
 */
#ifndef KBOOT_ARENA_H
#define KBOOT_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;

/* A new empty arena, or NULL on OOM.  The caller frees it with arena_free(). */
struct arena *arena_new(void);
void arena_free(struct arena *a);

/* Zeroed memory owned by the arena; NULL on OOM. */
void *arena_alloc(struct arena *a, size_t size);
/* The same, not cleared: for buffers the caller fills at once. */
void *arena_alloc_uninit(struct arena *a, size_t size);
/* Copies owned by the arena; NULL on OOM or when s is NULL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/*
 * A growable string on the C heap.  After any failed growth `oom` is set and
 * further additions are ignored, so callers check once at the end.
 * sb_finish() copies the result into an arena and releases the heap buffer.
 */
struct strbuf {
	char *buf;  /* NUL-terminated once anything was added; may be NULL */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
	bool oom;   /* an addition failed */
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0, false                                                                  \
	}

void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);   /* empty it, keep the buffer */
void sb_release(struct strbuf *sb); /* free the heap buffer */
/* The string as an arena copy ("" when empty), NULL on OOM; releases sb. */
char *sb_finish(struct strbuf *sb, struct arena *a);
/* The current contents, "" when empty.  Valid until the next change. */
const char *sb_str(const struct strbuf *sb);

/* A growable array of pointers whose storage is in an arena. */
struct ptrv {
	void **v;   /* the items; v[n] is NULL when n > 0 */
	size_t n;   /* number of items */
	size_t cap; /* slots allocated */
};

/* Append p; 0 or -ENOMEM. */
int ptrv_push(struct arena *a, struct ptrv *pv, void *p);

/* A vector of strings is a ptrv whose items are `const char *`. */
#define strv_get(pv, i) ((const char *)(pv)->v[i])

#endif
