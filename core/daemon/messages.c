// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * messages.c - the bottom of `kboot daemon`: messages and status lines.
 *
 * Every message to the clients is built here (a memory stream, sent
 * whole): sent to one client, pushed to every client, or kept for new
 * clients and pushed only when it changed.  Status lines are kept in a
 * ring of the last KB_STATUS_KEEP, pushed to every client as they come
 * and sent to a new one; on stderr too unless the daemon is quiet.
 *
 * What it does not do: decide what a message says (each part of the
 * daemon builds its own), or call any other file of the daemon: every
 * other file calls it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/json.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/loop.h"
#include "lib/text.h"
#include "proto/server.h"

/* ---- Messages ---- */

FILE *dmn_msg_open(struct msg *m, const char *type)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (m->f)
		fprintf(m->f, "{\"type\":\"%s\"", type);
	return m->f;
}

int dmn_msg_close(struct msg *m)
{
	char *shown;
	bool err;

	putc('}', m->f);
	err = ferror(m->f);
	if (fclose(m->f) || err) {
		free(m->buf);
		m->buf = NULL;
		return -ENOMEM;
	}
	/* No message carries a URL's password, whoever put it there. */
	shown = kb_redact_urls(m->buf);
	free(m->buf);
	m->buf = shown;
	if (!shown)
		return -ENOMEM;
	m->len = strlen(shown);
	return 0;
}

void dmn_json_key_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	kb_json_string(f, val);
}

void dmn_broadcast(struct kb_daemon *d, struct msg *m)
{
	if (dmn_msg_close(m)) {
		fprintf(stderr, "kboot daemon: out of memory building a message\n");
		return;
	}
	if (d->srv)
		kb_server_broadcast(d->srv, m->buf, m->len);
	free(m->buf);
}

void dmn_update_msg(struct kb_daemon *d, char **cache, size_t *cache_len, struct msg *m)
{
	if (*cache && *cache_len == m->len && !memcmp(*cache, m->buf, m->len)) {
		free(m->buf);
		return;
	}
	free(*cache);
	*cache = m->buf;
	*cache_len = m->len;
	if (d->srv)
		kb_server_broadcast(d->srv, m->buf, m->len);
}

int dmn_send_msg(struct kb_client *c, struct msg *m)
{
	int ret = dmn_msg_close(m);

	if (ret)
		return ret;
	ret = kb_client_send(c, m->buf, m->len);
	free(m->buf);
	return ret;
}

/* ---- Status lines ---- */

static const char *level_name(int level)
{
	switch (level) {
	case KB_STATUS_ERROR:
		return "error";
	case KB_STATUS_WARNING:
		return "warning";
	default:
		return "info";
	}
}

static void status_json(FILE *f, const struct status_line *s)
{
	fprintf(f, ",\"time\":%" PRIu64 ",\"level\":\"%s\"", s->time, level_name(s->level));
	dmn_json_key_str(f, "text", s->text);
}

static void status_add(struct kb_daemon *d, int level, const char *text)
{
	struct status_line *s;
	struct msg m;
	char *copy = kb_redact_urls(text); /* also in the backlog new clients get */

	if (!copy)
		return;
	if (!d->cfg->quiet) {
		fprintf(stderr, "kboot: %s: ", level_name(level));
		kb_text_write(stderr, copy);
		putc('\n', stderr);
	}
	if (d->status.n == KB_STATUS_KEEP) {
		s = &d->status.lines[d->status.first];
		free(s->text);
		d->status.first = (d->status.first + 1) % KB_STATUS_KEEP;
		d->status.n--;
	}
	s = &d->status.lines[(d->status.first + d->status.n) % KB_STATUS_KEEP];
	d->status.n++;
	s->time = kb_loop_now(d->loop) - d->start;
	s->level = level;
	s->text = copy;
	if (d->srv && dmn_msg_open(&m, "status")) {
		status_json(m.f, s);
		dmn_broadcast(d, &m);
	}
}

void dmn_status(struct kb_daemon *d, int level, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	status_add(d, level, text);
	free(text);
}

int dmn_status_send_all(struct kb_daemon *d, struct kb_client *c)
{
	struct msg m;
	size_t i;

	for (i = 0; i < d->status.n; i++) {
		if (!dmn_msg_open(&m, "status"))
			return -ENOMEM;
		status_json(m.f, &d->status.lines[(d->status.first + i) % KB_STATUS_KEEP]);
		if (dmn_send_msg(c, &m))
			return -EPIPE;
	}
	return 0;
}

void dmn_status_free(struct kb_daemon *d)
{
	size_t i;

	for (i = 0; i < d->status.n; i++)
		free(d->status.lines[(d->status.first + i) % KB_STATUS_KEEP].text);
	d->status.n = 0;
}
