// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * client.c - the scriptable clients of a running `kboot daemon`:
 * `kboot list [--json]`, `kboot boot …`, `kboot status`, `kboot cancel`,
 * `kboot rescan` (docs/protocol.md).
 *
 * Each connects (--socket PATH, $KBOOT_SOCKET, or /run/kboot/kboot.sock),
 * reads the daemon's state and/or sends one request, and waits at most
 * --timeout seconds (10 by default) for what it needs.  Exit status: 0
 * done, 1 the daemon is not there, refused the request or did not answer
 * in time, 2 unusable arguments.
 *
 * Not here: the socket plumbing (core/proto/client.c), the requests' JSON
 * (core/proto/request.c), anything interactive (`kboot ui`).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "lib/text.h"
#include "proto/client.h"
#include "proto/jsonwrite.h"
#include "proto/proto.h"
#include "proto/request.h"

/* What every client command shares. */
struct session {
	const char *cmd;      /* "list", "boot"... for messages */
	const char *socket;   /* --socket, or NULL */
	int timeout_ms;	      /* --timeout */
	struct kb_conn *conn; /* the connection */
	struct arena *a;      /* holds every message read */
	/* the state, as far as it has been read */
	const struct kb_json *devices;	 /* the last "devices" array */
	const struct kb_json *menu;	 /* the last "menu" object */
	const struct kb_json *countdown; /* the last "countdown" message */
	const struct kb_json *settings;	 /* the last "settings" message */
	const struct kb_json *booting;	 /* a "booting" message, if one came */
	struct ptrv downloads;		 /* the last "download" message of each id */
	const struct kb_json *download;	 /* the last "download" message read */
	struct ptrv status;		 /* every "status" message */
	bool ready;			 /* "ready" was seen */
};

static const char common_help[] =
	"  --socket PATH    the daemon's socket (default $KBOOT_SOCKET or " KB_SOCKET_PATH ")\n"
	"  --timeout SECS   how long to wait for the daemon (default 10)\n";

enum { OPT_SOCKET = 0x100, OPT_TIMEOUT, OPT_HELP };

/* An option every client takes?  A bad value sets *status to 2. */
static bool common_opt(struct session *s, int c, const char *arg, int *status)
{
	char *end;
	long v;

	switch (c) {
	case OPT_SOCKET:
		s->socket = arg;
		return true;
	case OPT_TIMEOUT:
		v = strtol(arg, &end, 10);
		if (*end || v <= 0 || v > 86400) {
			fprintf(stderr, "kboot %s: --timeout wants seconds (1-86400)\n", s->cmd);
			*status = 2;
		} else {
			s->timeout_ms = (int)v * 1000;
		}
		return true;
	}
	return false;
}

/* ---- talking to the daemon ---- */

static int session_open(struct session *s)
{
	const char *path = kb_socket_path(s->socket);

	s->a = arena_new();
	if (!s->a) {
		fprintf(stderr, "kboot %s: out of memory\n", s->cmd);
		return 1;
	}
	s->conn = kb_conn_open(path, s->timeout_ms);
	if (!s->conn) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "kboot: no daemon is running (%s: %s)\n", path,
				strerror(errno));
		else
			fprintf(stderr, "kboot: cannot connect to the daemon (%s: %s)\n", path,
				strerror(errno));
		return 1;
	}
	return 0;
}

static void session_close(struct session *s)
{
	kb_conn_close(s->conn);
	arena_free(s->a);
}

static void say_error(struct session *s, int err)
{
	if (err == -ETIMEDOUT)
		fprintf(stderr, "kboot %s: the daemon did not answer within %d s\n", s->cmd,
			s->timeout_ms / 1000);
	else if (err == -ECONNRESET)
		fprintf(stderr, "kboot %s: the daemon closed the connection\n", s->cmd);
	else if (err == -EPROTO)
		fprintf(stderr, "kboot %s: the daemon sent something that is not protocol\n",
			s->cmd);
	else if (err == -EPROTONOSUPPORT)
		fprintf(stderr,
			"kboot %s: the daemon speaks another protocol version (this is %d)\n",
			s->cmd, KB_PROTO_VERSION);
	else
		fprintf(stderr, "kboot %s: %s\n", s->cmd, strerror(-err));
}

/* Read one message within the deadline and remember the state it carries. */
static int next_message(struct session *s, const struct kb_json **msg, int timeout_ms)
{
	const struct kb_json *m, *proto;
	const char *type;
	int ret = kb_conn_read(s->conn, s->a, &m, timeout_ms);

	if (ret)
		return ret;
	type = kb_json_get_str(m, "type");
	if (!type)
		type = "";
	if (!strcmp(type, "hello")) {
		proto = kb_json_get(m, "protocol");
		if (!proto || proto->type != KB_JNUM || proto->num != KB_PROTO_VERSION)
			return -EPROTONOSUPPORT;
	} else if (!strcmp(type, "devices")) {
		s->devices = kb_json_get(m, "devices");
	} else if (!strcmp(type, "menu")) {
		s->menu = kb_json_get(m, "menu");
	} else if (!strcmp(type, "countdown")) {
		s->countdown = m;
	} else if (!strcmp(type, "settings")) {
		s->settings = m;
	} else if (!strcmp(type, "status")) {
		if (ptrv_push(s->a, &s->status, (void *)m))
			return -ENOMEM;
	} else if (!strcmp(type, "booting")) {
		s->booting = m;
	} else if (!strcmp(type, "download")) {
		const struct kb_json *id = kb_json_get(m, "id");
		size_t i;

		for (i = 0; i < s->downloads.n; i++) {
			const struct kb_json *o = kb_json_get(s->downloads.v[i], "id");

			if (o && id && o->num == id->num)
				break;
		}
		if (i < s->downloads.n)
			s->downloads.v[i] = (void *)m;
		else if (ptrv_push(s->a, &s->downloads, (void *)m))
			return -ENOMEM;
		s->download = m;
	} else if (!strcmp(type, "ready")) {
		s->ready = true;
	}
	*msg = m;
	return 0;
}

static const char *str_or(const struct kb_json *o, const char *key, const char *dflt);

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until deadline, at least 0. */
static int remaining(long long deadline)
{
	long long n = deadline - now_ms();

	return n > 0 ? (int)n : 0;
}

/* Read until "ready": the whole initial state. */
static int read_state(struct session *s)
{
	long long deadline = now_ms() + s->timeout_ms;
	const struct kb_json *m;
	int ret;

	while (!s->ready) {
		ret = next_message(s, &m, remaining(deadline));
		if (ret == -EAGAIN)
			ret = -ETIMEDOUT;
		if (ret)
			return ret;
	}
	return 0;
}

/* Connect and read the full state: 0, or -1 after saying why it failed. */
static int open_with_state(struct session *s)
{
	int ret;

	if (session_open(s))
		return -1;
	ret = read_state(s);
	if (ret) {
		say_error(s, ret);
		session_close(s);
		return -1;
	}
	return 0;
}

/*
 * Send a request and wait for its reply.  0 when ok; 1 with the daemon's
 * error printed when it said no; -errno when the exchange failed.
 */
static int request(struct session *s, const struct kb_req *r, const struct kb_json **reply)
{
	long long deadline = now_ms() + s->timeout_ms;
	const struct kb_json *m, *seq, *ok;
	const char *t, *error;
	int want, ret;

	want = kb_conn_send_req(s->conn, r, s->timeout_ms);
	if (want < 0)
		return want;
	for (;;) {
		ret = next_message(s, &m, remaining(deadline));
		if (ret == -EAGAIN)
			ret = -ETIMEDOUT;
		if (ret)
			return ret;
		t = kb_json_get_str(m, "type");
		seq = kb_json_get(m, "seq");
		if (!t || strcmp(t, "reply") || !seq || seq->type != KB_JNUM || seq->num != want)
			continue;
		*reply = m;
		ok = kb_json_get(m, "ok");
		if (ok && ok->type == KB_JBOOL && ok->b)
			return 0;
		error = kb_json_get_str(m, "error");
		fprintf(stderr, "kboot %s: ", s->cmd);
		kb_text_write(stderr, error ? error : "the daemon refused");
		putc('\n', stderr);
		return 1;
	}
}

/* ---- kboot list ---- */

static void list_usage(FILE *f)
{
	fprintf(f,
		"usage: kboot list [--json] [--socket PATH] [--timeout SECS]\n"
		"\n"
		"Print the running daemon's menu: as `kboot scan` prints it, or with\n"
		"--json in the shape of docs/scan-json.md.\n"
		"\n"
		"  --json           the menu as JSON\n"
		"%s",
		common_help);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct session s = { .cmd = "list", .timeout_ms = KB_CLIENT_TIMEOUT_MS };
	bool json = false;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == OPT_HELP) {
			list_usage(stdout);
			return 0;
		} else if (!common_opt(&s, c, optarg, &status) || status) {
			if (!status)
				list_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		list_usage(stderr);
		return 2;
	}
	if (open_with_state(&s))
		return 1;
	if (!s.menu || s.menu->type != KB_JOBJ) {
		fprintf(stderr, "kboot list: the daemon sent no menu\n");
		session_close(&s);
		return 1;
	}
	if (json)
		kb_jmenu_write_json(stdout, s.menu);
	else
		kb_jmenu_write_text(stdout, s.menu, s.devices);
	session_close(&s);
	return fflush(stdout) ? 1 : 0;
}

/* ---- kboot boot ---- */

static void boot_usage(FILE *f)
{
	fprintf(f,
		"usage: kboot boot ID\n"
		"       kboot boot --title TITLE\n"
		"       kboot boot --kernel NAME:PATH [--initrd NAME:PATH]... [--dtb NAME:PATH]\n"
		"                  [--append CMDLINE]\n"
		"\n"
		"Ask the running daemon to boot a menu entry (by id, or the first with\n"
		"that title) or the given files, and wait until the boot starts.\n"
		"\n"
		"%s",
		common_help);
}

static void print_booting(const struct kb_json *b)
{
	const char *title = kb_json_get_str(b, "title");

	printf("booting ");
	kb_text_write(stdout, title ? title : "(untitled)");
	putchar('\n');
	kb_jbooting_write_text(stdout, b);
}

/* What `kboot boot` was asked for: one of id, title and kernel. */
struct boot_args {
	const char *title, *kernel, *dtb, *append, *id;
	const char **initrds; /* --initrd's, in order (argc slots) */
	size_t ninitrd;
};

/*
 * Read the command line into a and s.  -1 to go on, else the exit status
 * (0 after --help).
 */
static int boot_args(int argc, char **argv, struct session *s, struct boot_args *a)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "dtb", required_argument, NULL, 'd' },
		{ "append", required_argument, NULL, 'a' },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			a->title = optarg;
			break;
		case 'k':
			a->kernel = optarg;
			break;
		case 'd':
			a->dtb = optarg;
			break;
		case 'a':
			a->append = optarg;
			break;
		case 'i':
			a->initrds[a->ninitrd++] = optarg;
			break;
		case OPT_HELP:
			boot_usage(stdout);
			return 0;
		default:
			if (!common_opt(s, c, optarg, &status) || status) {
				if (!status)
					boot_usage(stderr);
				return 2;
			}
		}
	}
	if (optind < argc)
		a->id = argv[optind++];
	if (optind < argc || (!!a->id + !!a->title + !!a->kernel) != 1 ||
	    (!a->kernel && (a->ninitrd || a->dtb || a->append))) {
		fprintf(stderr, "kboot boot: give one of ID, --title or --kernel "
				"(--initrd, --dtb and --append go with --kernel)\n");
		boot_usage(stderr);
		return 2;
	}
	return -1;
}

/* The boot request for a.  0 or -ENOMEM. */
static int boot_request(const struct boot_args *a, struct kb_req *r)
{
	struct kb_req_files f = { .kernel = a->kernel,
				  .initrd = a->initrds,
				  .ninitrd = a->ninitrd,
				  .dtb = a->dtb,
				  .cmdline = a->append };

	if (a->id)
		return kb_req_boot_id(r, a->id);
	if (a->title)
		return kb_req_boot_title(r, a->title);
	return kb_req_boot_files(r, &f);
}

/*
 * The daemon announces the boot to everyone; wait for it.  Files on the
 * network are downloaded first: every sign of progress gives the wait
 * another timeout, and a download that fails ends it.  The exit status.
 */
static int wait_for_boot(struct session *s)
{
	long long deadline = now_ms() + s->timeout_ms;
	const struct kb_json *m;

	while (!s->booting && next_message(s, &m, remaining(deadline)) == 0) {
		const char *state;

		if (m != s->download)
			continue;
		deadline = now_ms() + s->timeout_ms;
		state = str_or(m, "state", "");
		if (!strcmp(state, "failed") || !strcmp(state, "cancelled")) {
			fputs("kboot boot: ", stderr);
			kb_text_write(stderr, !strcmp(state, "failed")
						      ? str_or(m, "error", "a download failed")
						      : "the downloads were stopped");
			putc('\n', stderr);
			return 1;
		}
	}
	if (s->booting)
		print_booting(s->booting);
	else
		printf("boot requested\n");
	return 0;
}

int cmd_boot(int argc, char **argv)
{
	struct session s = { .cmd = "boot", .timeout_ms = KB_CLIENT_TIMEOUT_MS };
	struct boot_args a = { .initrds = calloc((size_t)argc, sizeof(*a.initrds)) };
	struct kb_req r = KB_REQ_INIT;
	const struct kb_json *reply;
	int ret;

	if (!a.initrds) {
		fprintf(stderr, "kboot boot: out of memory\n");
		return 1;
	}
	ret = boot_args(argc, argv, &s, &a);
	if (ret < 0 && boot_request(&a, &r)) {
		fprintf(stderr, "kboot boot: out of memory\n");
		ret = 1;
	}
	free(a.initrds);
	if (ret >= 0) {
		kb_req_release(&r);
		return ret;
	}
	if (session_open(&s)) {
		kb_req_release(&r);
		return 1;
	}
	ret = request(&s, &r, &reply);
	kb_req_release(&r);
	/* In --source mode the daemon may print the plan and exit right
	 * after "booting", before its reply reaches us: that is a boot. */
	if (ret < 0 && s.booting && ret != -EPROTONOSUPPORT)
		ret = 0;
	if (ret) {
		if (ret < 0)
			say_error(&s, ret);
		session_close(&s);
		return 1;
	}
	ret = wait_for_boot(&s);
	session_close(&s);
	return ret;
}

/* ---- kboot status ---- */

static void status_usage(FILE *f)
{
	fprintf(f,
		"usage: kboot status [--socket PATH] [--timeout SECS]\n"
		"\n"
		"Print the running daemon's devices, countdown and status lines.\n"
		"\n"
		"%s",
		common_help);
}

static const char *str_or(const struct kb_json *o, const char *key, const char *dflt)
{
	const char *s = kb_json_get_str(o, key);

	return s ? s : dflt;
}

static void print_status(FILE *f, const struct session *s)
{
	const struct kb_json *rem;
	size_t i;

	fprintf(f, "Devices:\n");
	for (i = 0; s->devices && s->devices->type == KB_JARR && i < s->devices->n; i++) {
		const struct kb_json *d = s->devices->item[i];
		const char *reason = kb_json_get_str(d, "reason");
		const char *where = kb_json_get_str(d, "mountpoint");

		fprintf(f, "  %-12s %-8s %-8s %s\n", str_or(d, "name", "?"),
			str_or(d, "fstype", "-"), str_or(d, "state", "?"),
			reason	? reason
			: where ? where
				: "");
	}
	if (!s->devices || s->devices->n == 0)
		fprintf(f, "  (none)\n");

	fprintf(f, "Countdown: ");
	if (!s->countdown) {
		fprintf(f, "unknown\n");
	} else {
		const char *state = str_or(s->countdown, "state", "?");

		rem = kb_json_get(s->countdown, "remaining");
		fprintf(f, "%s", state);
		if (kb_json_get_str(s->countdown, "entry"))
			fprintf(f, ", \"%s\" (%s)", str_or(s->countdown, "title", ""),
				kb_json_get_str(s->countdown, "entry"));
		if (!strcmp(state, "running") && rem && rem->type == KB_JNUM)
			fprintf(f, ", boots in %.0f s", rem->num);
		putc('\n', f);
	}

	if (s->downloads.n)
		fprintf(f, "Downloads:\n");
	for (i = 0; i < s->downloads.n; i++) {
		const struct kb_json *d = s->downloads.v[i], *b = kb_json_get(d, "bytes"),
				     *t = kb_json_get(d, "total"), *r = kb_json_get(d, "rate");
		double bytes = b && b->type == KB_JNUM ? b->num : 0;

		fprintf(f, "  %-8s %-9s %.0f", str_or(d, "name", "?"), str_or(d, "state", "?"),
			bytes);
		if (t && t->type == KB_JNUM && t->num > 0)
			fprintf(f, "/%.0f bytes (%.0f%%)", t->num, 100 * bytes / t->num);
		else
			fprintf(f, " bytes");
		if (r && r->type == KB_JNUM)
			fprintf(f, ", %.1f MiB/s", r->num / (1 << 20));
		/* an error names its URL */
		fprintf(f, ", %s\n", str_or(d, "error", str_or(d, "url", "")));
	}

	fprintf(f, "Status:\n");
	for (i = 0; i < s->status.n; i++) {
		const struct kb_json *m = s->status.v[i], *t = kb_json_get(m, "time");
		double ms = t && t->type == KB_JNUM ? t->num : 0;

		fprintf(f, "  [%8.3f] %-7s %s\n", ms / 1000, str_or(m, "level", "info"),
			str_or(m, "text", ""));
	}
	if (s->status.n == 0)
		fprintf(f, "  (none)\n");
}

/* print_status() for people: what the daemon sent cannot drive the terminal. */
static void print_people(const struct session *s)
{
	struct kb_text t;

	if (kb_text_open(&t))
		print_status(t.f, s);
	kb_text_close(&t, stdout);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct session s = { .cmd = "status", .timeout_ms = KB_CLIENT_TIMEOUT_MS };
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_HELP) {
			status_usage(stdout);
			return 0;
		}
		if (!common_opt(&s, c, optarg, &status) || status) {
			if (!status)
				status_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		status_usage(stderr);
		return 2;
	}
	if (open_with_state(&s))
		return 1;
	print_people(&s);
	session_close(&s);
	return fflush(stdout) ? 1 : 0;
}

/* ---- kboot cancel, kboot rescan ---- */

/* A request without members, from build: send it, wait for the reply. */
static int simple_request(const char *cmd, int (*build)(struct kb_req *r), const char *what,
			  int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct session s = { .cmd = cmd, .timeout_ms = KB_CLIENT_TIMEOUT_MS };
	const struct kb_json *reply;
	struct kb_req r;
	int c, status = 0, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_HELP || !common_opt(&s, c, optarg, &status) || status) {
			FILE *f = c == OPT_HELP ? stdout : stderr;

			if (status)
				return status;
			fprintf(f, "usage: kboot %s [--socket PATH] [--timeout SECS]\n\n%s\n\n%s",
				cmd, what, common_help);
			return c == OPT_HELP ? 0 : 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "usage: kboot %s [--socket PATH] [--timeout SECS]\n", cmd);
		return 2;
	}
	if (build(&r)) {
		fprintf(stderr, "kboot %s: out of memory\n", cmd);
		return 1;
	}
	if (session_open(&s)) {
		kb_req_release(&r);
		return 1;
	}
	ret = request(&s, &r, &reply);
	kb_req_release(&r);
	if (ret < 0)
		say_error(&s, ret);
	session_close(&s);
	return ret ? 1 : 0;
}

int cmd_cancel(int argc, char **argv)
{
	return simple_request("cancel", kb_req_cancel, "Stop the running daemon's countdown.", argc,
			      argv);
}

int cmd_rescan(int argc, char **argv)
{
	return simple_request("rescan", kb_req_rescan,
			      "Make the running daemon forget every device and "
			      "enumerate them again.",
			      argc, argv);
}
