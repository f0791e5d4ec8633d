/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonparse.h - a small, strict JSON reader for protocol requests.
 *
 * Parses one complete JSON text (RFC 8259) into a tree allocated in an
 * arena.  Strict: no comments, no trailing commas, valid UTF-8 only, depth
 * at most 64.  Numbers are kept as doubles (and their text).
 */
#ifndef KBOOT_JSONPARSE_H
#define KBOOT_JSONPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"

enum kb_jtype { KB_JNULL, KB_JBOOL, KB_JNUM, KB_JSTR, KB_JARR, KB_JOBJ };

struct kb_json {
	enum kb_jtype type;
	bool b;		       /* KB_JBOOL */
	double num;	       /* KB_JNUM */
	const char *str;       /* KB_JSTR: decoded, NUL-terminated (no NULs inside) */
	struct kb_json **item; /* KB_JARR: values; KB_JOBJ: values, keys in key[] */
	const char **key;      /* KB_JOBJ: member names */
	size_t n;	       /* KB_JARR/KB_JOBJ: number of items */
};

/*
 * Parse text[0..len).  Returns the tree (arena-owned) or NULL, with a short
 * reason in *err (static string) when err is not NULL.
 */
struct kb_json *kb_json_parse(struct arena *a, const char *text, size_t len, const char **err);

/* Member of an object by name, or NULL (also when o is not an object). */
const struct kb_json *kb_json_get(const struct kb_json *o, const char *key);
/* The string of a member, or NULL when absent or not a string. */
const char *kb_json_get_str(const struct kb_json *o, const char *key);
/*
 * Whether j is a whole number from min to max; then *out is it.  Numbers
 * from a client or a server go through here before becoming an int: a
 * cast of 1e300 or 2.5 would be undefined or wrong.
 */
bool kb_json_int(const struct kb_json *j, long long min, long long max, long long *out);

#endif
