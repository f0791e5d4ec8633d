// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ssh.c - ssh://[user@]host[:port]/path: dropbear's dbclient logs in
 * (with root's key, /root/.ssh/id_dropbear, as dbclient does by itself) and
 * runs `cat` on the file; its output is the download (docs/ssh.md).
 *
 * Host keys are checked against /root/.ssh/known_hosts and never accepted
 * silently: dbclient runs without a terminal, and its question about an
 * unknown key reads "n" from its standard input (with nothing there it
 * would spin on end-of-file), so an unknown key is a failure whose
 * sentence carries the fingerprint.  The stall timeout and the cancel flag
 * apply as to every protocol; the child is killed when either ends the
 * download.  The size is not known first.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/fetch/private.h"
#include "net/fetch/fetch.h"

#define SSH_CLIENT "dbclient"
#define ERR_KEEP   1024 /* bytes of dbclient's stderr kept for the sentence */

/* 'path' for a POSIX shell: single quotes, each ' written as '\''. */
static char *shell_quote(const char *s)
{
	size_t n = 3, i;
	char *q, *o;

	for (i = 0; s[i]; i++)
		n += s[i] == '\'' ? 4 : 1;
	q = malloc(n);
	if (!q)
		return NULL;
	o = q;
	*o++ = '\'';
	for (i = 0; s[i]; i++) {
		if (s[i] == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = s[i];
		}
	}
	*o++ = '\'';
	*o = '\0';
	return q;
}

/* The sentence for a failed dbclient, from what it said on stderr. */
static int ssh_failed(struct fetch *f, const char *said, int status)
{
	char clean[300];
	const char *fp = strstr(said, "fingerprint ");

	if (strstr(said, "not in the trusted hosts file") || strstr(said, "Host key mismatch")) {
		if (fp) {
			fetch_clean_text(clean, sizeof(clean), fp + 12, strcspn(fp + 12, ")\n"));
			return fetch_fail(f, -EACCES,
					  "the server's host key is not a known one "
					  "(%s); refused (make image SSH_KNOWN_HOSTS=FILE)",
					  clean);
		}
		return fetch_fail(f, -EACCES,
				  "the server's host key is not a known one; refused "
				  "(make image SSH_KNOWN_HOSTS=FILE)");
	}
	if (strstr(said, "No such file"))
		return fetch_fail(f, -ENOENT, "no such file on the server");
	if (strstr(said, "Connection refused"))
		return fetch_fail(f, -ECONNREFUSED, "connection refused");
	if (strstr(said, "No auth methods") || strstr(said, "Permission denied") ||
	    strstr(said, "authentication"))
		return fetch_fail(f, -EACCES,
				  "the server refused the login (the image's key: "
				  "make image SSH_CLIENT_KEY=FILE)");
	/* The last line dbclient wrote says the most. */
	{
		const char *last = said, *nl;
		size_t len = strlen(said);

		while (len && said[len - 1] == '\n')
			len--;
		for (nl = said; (nl = memchr(nl, '\n', (size_t)(said + len - nl))); nl++)
			last = nl + 1;
		fetch_clean_text(clean, sizeof(clean), last, (size_t)(said + len - last));
	}
	if (clean[0])
		return fetch_fail(f, -EIO, "%s", clean);
	return fetch_fail(f, -EIO, "dbclient failed (status %d)", status);
}

/* The child: dbclient running cmd on the server, its output on out, its complaints on err. */
static void __attribute__((noreturn))
run_client(const struct kb_url *u, const char *port, const char *cmd, int out, int err)
{
	int no[2];

	/* "n": the answer to "Do you want to continue connecting?". */
	if (pipe(no) || write(no[1], "n\n", 2) != 2)
		_exit(127);
	close(no[1]);
	dup2(no[0], 0);
	dup2(out, 1);
	dup2(err, 2);
	setsid(); /* no terminal: dbclient cannot ask about host keys */
	if (u->has_user)
		execlp(SSH_CLIENT, SSH_CLIENT, "-T", "-p", port, "-l", u->user, "--", u->host, cmd,
		       (char *)NULL);
	else
		execlp(SSH_CLIENT, SSH_CLIENT, "-T", "-p", port, "--", u->host, cmd, (char *)NULL);
	dprintf(2, "cannot run " SSH_CLIENT ": %s\n", strerror(errno));
	_exit(127);
}

/*
 * Copy the client's output (out) to the download and keep the start of
 * what it says on err in said (ERR_KEEP bytes at most, NUL-terminated),
 * until both pipes close; the stall timeout and the cancel flag apply.
 * 0 or -errno (the sentence written).
 */
static int pump(struct fetch *f, int out, int err, char *said)
{
	int64_t last = fetch_now();
	bool out_open = true, err_open = true;
	size_t nsaid = 0;
	int ret = 0;

	while (!ret && (out_open || err_open)) {
		struct pollfd p[2] = { { .fd = out_open ? out : -1, .events = POLLIN },
				       { .fd = err_open ? err : -1, .events = POLLIN } };
		int n;

		if ((ret = fetch_check_cancel(f)))
			break;
		if (fetch_now() - last > f->stall_ms) {
			char secs[32];

			ret = fetch_fail(f, -ETIMEDOUT, "no data for %s; stopped",
					 fetch_secs_text(f->stall_ms, secs, sizeof(secs)));
			break;
		}
		n = poll(p, 2, 100);
		if (n < 0 && errno != EINTR)
			ret = fetch_fail(f, -errno, "poll failed");
		if (n <= 0)
			continue;
		if (p[0].revents) {
			ssize_t r = read(out, f->buf, FETCH_BUF_SIZE);

			if (r > 0) {
				last = fetch_now();
				ret = fetch_write(f, f->buf, (size_t)r);
			} else if (r == 0 || errno != EINTR) {
				out_open = false;
			}
		}
		if (p[1].revents) {
			char tmp[512];
			ssize_t r = read(err, tmp, sizeof(tmp));

			if (r > 0) {
				size_t take =
					(size_t)r < ERR_KEEP - nsaid ? (size_t)r : ERR_KEEP - nsaid;

				memcpy(said + nsaid, tmp, take);
				nsaid += take;
			} else if (r == 0 || errno != EINTR) {
				err_open = false;
			}
		}
	}
	said[nsaid] = '\0';
	return ret;
}

int fetch_ssh(struct fetch *f, const struct kb_url *u)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, status = 0, ret = 0;
	char said[ERR_KEEP + 1], port[16], *cmd = NULL, *quoted = shell_quote(u->path);
	pid_t pid = -1;

	if (!quoted || asprintf(&cmd, "cat -- %s", quoted) < 0) {
		free(quoted);
		return fetch_fail(f, -ENOMEM, "out of memory");
	}
	free(quoted);
	snprintf(port, sizeof(port), "%u", u->port);
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		ret = fetch_fail(f, -errno, "cannot make a pipe");
		goto out;
	}
	pid = fork();
	if (pid == 0)
		run_client(u, port, cmd, out[1], err[1]);
	if (pid < 0) {
		ret = fetch_fail(f, -errno, "cannot start " SSH_CLIENT);
		goto out;
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	ret = pump(f, out[0], err[0], said);
	if (ret)
		goto out;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		ret = ssh_failed(f, said, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	free(cmd);
	return ret;
}
