// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arena.c - a bump allocator over a chain of blocks, plus strbuf and ptrv.
 */
#include "lib/arena.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE (64 * 1024)
#define ALIGN	   16

struct block {
	struct block *next; /* the block allocated before this one */
	size_t used;	    /* bytes of data[] handed out */
	size_t size;	    /* bytes in data[] */
	_Alignas(ALIGN) unsigned char data[];
};

struct arena {
	struct block *head; /* the block being filled; big ones are put behind it */
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	struct block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

static struct block *block_new(size_t size)
{
	struct block *b = malloc(sizeof(*b) + size);

	if (!b)
		return NULL;
	b->next = NULL;
	b->used = 0;
	b->size = size;
	return b;
}

/* size bytes, aligned, not cleared; NULL on OOM. */
static void *alloc_raw(struct arena *a, size_t size)
{
	struct block *b = a->head;
	void *p;

	if (size > SIZE_MAX - ALIGN - sizeof(struct block))
		return NULL;
	size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (size == 0)
		size = ALIGN;

	if (size > BLOCK_SIZE / 4) {
		/* A large allocation gets its own block, kept behind the head. */
		struct block *big = block_new(size);

		if (!big)
			return NULL;
		big->used = size;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big;
		}
		return big->data;
	}
	if (!b || b->size - b->used < size) {
		b = block_new(BLOCK_SIZE);
		if (!b)
			return NULL;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += size;
	return p;
}

void *arena_alloc_uninit(struct arena *a, size_t size)
{
	return alloc_raw(a, size);
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = alloc_raw(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = alloc_raw(a, n);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *q;

	if (!s)
		return NULL;
	q = alloc_raw(a, n + 1);
	if (q) {
		memcpy(q, s, n);
		q[n] = '\0';
	}
	return q;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	char *q;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	q = alloc_raw(a, (size_t)n + 1);
	if (q)
		vsnprintf(q, (size_t)n + 1, fmt, ap);
	return q;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *q;

	va_start(ap, fmt);
	q = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return q;
}

/* ---- strbuf ---- */

static bool sb_grow(struct strbuf *sb, size_t extra)
{
	size_t cap;
	char *p;

	if (sb->oom)
		return false;
	if (extra > SIZE_MAX / 2 - sb->len) {
		sb->oom = true;
		return false;
	}
	if (sb->len + extra + 1 <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (!sb_grow(sb, n))
		return;
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->oom = false;
}

char *sb_finish(struct strbuf *sb, struct arena *a)
{
	char *s = NULL;

	if (!sb->oom)
		s = arena_strndup(a, sb->buf ? sb->buf : "", sb->len);
	sb_release(sb);
	return s;
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

/* ---- ptrv ---- */

int ptrv_push(struct arena *a, struct ptrv *pv, void *p)
{
	if (pv->n + 1 >= pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 8;
		void **v = alloc_raw(a, cap * sizeof(void *));

		if (!v)
			return -ENOMEM;
		if (pv->n)
			memcpy(v, pv->v, pv->n * sizeof(void *));
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = p;
	pv->v[pv->n] = NULL;
	return 0;
}
