// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pool.c - the scratch memory of the GRUB engine (grub.h): a bump
 * allocator whose chunks are kept, rewound with gp_mark() / gp_release(),
 * and g_grow(), the one grow-by-doubling of every GRUB array.
 *
 * Does not: free single allocations (only a whole pool, or back to a mark),
 * zero memory unless gp_zalloc() is asked, or know anything of GRUB's
 * syntax; the callers decide what lives where (see grub.h, "Memory").
 */
#include <stdlib.h>
#include <string.h>

#include "config/parsers/grub/grub.h"

/* ---- Scratch memory (grub.h) ---- */

#define GP_CHUNK (64 * 1024)

struct gpchunk {
	char *mem;
	size_t size;
};

struct gpool {
	struct gpchunk *c; /* chunks, kept for reuse */
	size_t n, cap;
	size_t cur;  /* the chunk being filled */
	size_t used; /* bytes used in it */
};

bool g_grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t nc;

	if (n < *cap)
		return true;
	nc = *cap ? *cap * 2 : 8;
	nv = realloc(*v, nc * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = nc;
	return true;
}

struct gpool *gp_new(void)
{
	return calloc(1, sizeof(struct gpool));
}

void gp_free(struct gpool *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		free(p->c[i].mem);
	free(p->c);
	free(p);
}

void *gp_alloc(struct gpool *p, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (!size)
		size = 16;
	if (p->n && p->used + size <= p->c[p->cur].size) {
		void *r = p->c[p->cur].mem + p->used;

		p->used += size;
		return r;
	}
	/* The next chunk, if it is big enough; else a new one put there. */
	if (!p->n || p->cur + 1 >= p->n || p->c[p->cur + 1].size < size) {
		size_t at = p->n ? p->cur + 1 : 0, sz = size > GP_CHUNK ? size : GP_CHUNK;
		char *mem;

		if (!g_grow((void **)&p->c, &p->cap, p->n, sizeof(*p->c)))
			return NULL;
		mem = malloc(sz);
		if (!mem)
			return NULL;
		memmove(p->c + at + 1, p->c + at, (p->n - at) * sizeof(*p->c));
		p->c[at].mem = mem;
		p->c[at].size = sz;
		p->n++;
		p->cur = at;
	} else {
		p->cur++;
	}
	p->used = size;
	return p->c[p->cur].mem;
}

void *gp_zalloc(struct gpool *p, size_t size)
{
	void *r = gp_alloc(p, size);

	if (r)
		memset(r, 0, size);
	return r;
}

void *gp_memdup(struct gpool *p, const void *s, size_t n)
{
	void *r = gp_alloc(p, n);

	if (r && n)
		memcpy(r, s, n);
	return r;
}

char *gp_strndup(struct gpool *p, const char *s, size_t n)
{
	char *r = gp_alloc(p, n + 1);

	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

struct gpmark gp_mark(struct gpool *p)
{
	struct gpmark m = { p->cur, p->used };

	return m;
}

void gp_release(struct gpool *p, struct gpmark m)
{
	p->cur = m.chunk;
	p->used = m.used;
}
