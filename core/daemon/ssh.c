// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ssh.c - the SSH server (dropbear) of `kboot daemon` (docs/ssh.md).
 *
 * Off unless both hold: the image has authorized keys (make image
 * SSH_AUTHORIZED_KEYS=FILE puts them in /root/.ssh/authorized_keys), and
 * it was asked for (kboot.ssh=on, or the "ssh" request from the menu).  It
 * starts once an interface is up, and is stopped before the jump.
 * Password logins are refused always (-s -g); port forwarding too (-j -k).
 * The host key is the image's (SSH_HOST_KEY=FILE), or an ed25519 key made
 * at start in tmpfs; its fingerprint is in the "ssh" message (the system
 * information screen) and a status line on every console, so a user can
 * check it.  (Written straight to /dev/console it would garble the menu.)
 *
 * dropbear runs in the foreground (-F) as a child of the loop, in a process
 * group of its own, so the sessions it forks go with it.  Each interactive
 * session runs /etc/kboot/login, which starts `kboot ui`.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/json.h"
#include "daemon/private.h"
#include "devices/devices.h"
#include "lib/jsonparse.h"
#include "lib/loop.h"

#define SSH_DIR		 "/run/kboot/ssh"
#define SSH_KEYS	 "/root/.ssh/authorized_keys"
#define SSH_IMAGE_KEY	 "/etc/kboot/ssh/host_key"
#define SSH_PORT	 22
#define SSH_READY_CHECKS 200 /* 50 ms apart: dropbear has 10 s to listen */

static const char *const ssh_states[] = { "off", "waiting", "running", "failed" };

static bool keys_given(void)
{
	struct stat st;

	return !stat(SSH_KEYS, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* The "ssh" message.  0 or -ENOMEM. */
static int ssh_build(struct kb_daemon *d, struct msg *m)
{
	if (!dmn_msg_open(m, "ssh"))
		return -ENOMEM;
	dmn_json_key_str(m->f, "state", ssh_states[d->ssh.state]);
	fprintf(m->f, ",\"wanted\":%s,\"keys\":%s,\"port\":%d", d->ssh.wanted ? "true" : "false",
		!d->sources && keys_given() ? "true" : "false", SSH_PORT);
	dmn_json_key_str(m->f, "fingerprint", d->ssh.fingerprint[0] ? d->ssh.fingerprint : NULL);
	dmn_json_key_str(m->f, "reason", d->ssh.reason[0] ? d->ssh.reason : NULL);
	return dmn_msg_close(m);
}

static void ssh_push(struct kb_daemon *d)
{
	struct msg m;

	if (!ssh_build(d, &m))
		dmn_update_msg(d, &d->ssh.msg, &d->ssh.len, &m);
}

/* Run argv, its standard output into out (at most len-1 bytes).  Its exit status or -1. */
static int run_capture(char *const argv[], char *out, size_t len)
{
	int fds[2], status = -1;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while (pid > 0 && n + 1 < len && (r = read(fds[0], out + n, len - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	if (pid > 0 && waitpid(pid, &status, 0) < 0)
		status = -1;
	return status;
}

/* The host key to use (made if the image has none) and its fingerprint.  0 or -1 with a reason. */
static int host_key(struct kb_daemon *d, char *path, size_t len)
{
	char out[2048], *fp;
	char *gen[] = { "/usr/bin/dropbearkey", "-t", "ed25519", "-f", path, NULL };
	char *show[] = { "/usr/bin/dropbearkey", "-y", "-f", path, NULL };

	if (!access(SSH_IMAGE_KEY, R_OK)) {
		snprintf(path, len, "%s", SSH_IMAGE_KEY);
	} else {
		snprintf(path, len, "%s/host_key", SSH_DIR);
		if (access(path, R_OK) && run_capture(gen, out, sizeof(out))) {
			snprintf(d->ssh.reason, sizeof(d->ssh.reason),
				 "cannot make a host key with dropbearkey");
			return -1;
		}
	}
	if (run_capture(show, out, sizeof(out)) || !(fp = strstr(out, "Fingerprint: "))) {
		snprintf(d->ssh.reason, sizeof(d->ssh.reason), "cannot read the host key %s", path);
		return -1;
	}
	fp += 13;
	fp[strcspn(fp, "\r\n")] = '\0';
	/* dropbear writes "sha256:…"; OpenSSH's ssh shows "SHA256:…". */
	if (!strncmp(fp, "sha256:", 7))
		memcpy(fp, "SHA256", 6);
	snprintf(d->ssh.fingerprint, sizeof(d->ssh.fingerprint), "%s", fp);
	return 0;
}

static void ssh_exited(struct kb_loop *l, pid_t pid, int status, void *data)
{
	struct kb_daemon *d = data;

	if (pid != d->ssh.pid)
		return;
	d->ssh.pid = 0;
	if (d->ssh.timer)
		kb_loop_cancel(l, d->ssh.timer);
	d->ssh.timer = NULL;
	if (d->ssh.stopping || d->booting) {
		d->ssh.state = SSH_OFF;
	} else {
		d->ssh.state = SSH_FAILED;
		snprintf(d->ssh.reason, sizeof(d->ssh.reason), "dropbear exited (status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		dmn_status(d, KB_STATUS_ERROR, "ssh: %s; see %s/dropbear.log", d->ssh.reason,
			   SSH_DIR);
	}
	d->ssh.stopping = false;
	ssh_push(d);
}

/* The pid file appears once dropbear listens: only then is it announced. */
static void ssh_ready_check(struct kb_loop *l, void *data)
{
	struct kb_daemon *d = data;

	d->ssh.timer = NULL;
	if (!d->ssh.pid)
		return;
	if (access(SSH_DIR "/dropbear.pid", F_OK)) {
		if (++d->ssh.checks < SSH_READY_CHECKS)
			d->ssh.timer = kb_loop_timer(l, 50, ssh_ready_check, d);
		return; /* never listening: its exit will say why */
	}
	d->ssh.state = SSH_RUNNING;
	/* Short enough for an 80-column console's status line. */
	dmn_status(d, KB_STATUS_INFO, "ssh: port %d, host key %s", SSH_PORT, d->ssh.fingerprint);
	ssh_push(d);
}

static void ssh_start(struct kb_daemon *d)
{
	char key[256], port[16];
	int log;
	pid_t pid;

	mkdir("/run/kboot", 0755);
	mkdir(SSH_DIR, 0700);
	d->ssh.reason[0] = '\0';
	if (host_key(d, key, sizeof(key))) {
		d->ssh.state = SSH_FAILED;
		dmn_status(d, KB_STATUS_ERROR, "ssh: %s", d->ssh.reason);
		return;
	}
	snprintf(port, sizeof(port), "%d", SSH_PORT);
	unlink(SSH_DIR "/dropbear.pid");
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "/usr/sbin/dropbear",
				 "-F",
				 "-E",
				 "-s",
				 "-g",
				 "-j",
				 "-k",
				 "-p",
				 port,
				 "-r",
				 key,
				 "-P",
				 SSH_DIR "/dropbear.pid",
				 NULL };

		setsid();
		log = open(SSH_DIR "/dropbear.log", O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (log >= 0) {
			dup2(log, 1);
			dup2(log, 2);
		}
		close_range(3, ~0U, 0);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || kb_loop_child(d->loop, pid, ssh_exited, d)) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		d->ssh.state = SSH_FAILED;
		snprintf(d->ssh.reason, sizeof(d->ssh.reason), "cannot start dropbear");
		dmn_status(d, KB_STATUS_ERROR, "ssh: %s", d->ssh.reason);
		return;
	}
	d->ssh.pid = pid;
	d->ssh.state = SSH_WAITING;
	d->ssh.checks = 0;
	d->ssh.timer = kb_loop_timer(d->loop, 50, ssh_ready_check, d);
}

void dmn_ssh_stop(struct kb_daemon *d)
{
	if (d->ssh.pid <= 0)
		return;
	d->ssh.stopping = true;
	kill(-d->ssh.pid, SIGTERM); /* dropbear and its sessions */
}

void dmn_ssh_update(struct kb_daemon *d)
{
	if (d->sources || d->booting)
		return;
	if (!d->ssh.wanted || !keys_given()) {
		if (d->ssh.pid)
			dmn_ssh_stop(d);
		else
			d->ssh.state = SSH_OFF;
		if (d->ssh.wanted && !keys_given() && !d->ssh.told_keys) {
			d->ssh.told_keys = true;
			dmn_status(d, KB_STATUS_WARNING,
				   "ssh: not started: the image has no authorized keys "
				   "(make image SSH_AUTHORIZED_KEYS=FILE)");
		}
	} else if (!d->ssh.pid && d->ssh.state != SSH_FAILED) {
		if (dmn_network_up(d))
			ssh_start(d);
		else
			d->ssh.state = SSH_WAITING;
	}
	ssh_push(d); /* sent only when it changed */
}

int dmn_req_ssh(struct kb_daemon *d, const struct dmn_request *r, const char **err)
{
	const struct kb_json *on = kb_json_get(r->req, "on");

	if (!on || on->type != KB_JBOOL) {
		*err = "ssh needs \"on\": true or false";
		return -EINVAL;
	}
	if (d->sources) {
		*err = "this daemon does not run an SSH server (--source directories)";
		return -ENOTSUP;
	}
	if (on->b && !keys_given()) {
		*err = "the image has no authorized keys (make image SSH_AUTHORIZED_KEYS=FILE)";
		return -ENOENT;
	}
	if (on->b && d->ssh.state == SSH_FAILED)
		d->ssh.state = SSH_OFF; /* asked again: try again */
	d->ssh.wanted = on->b;
	dmn_ssh_update(d);
	return 0;
}

void dmn_ssh_init(struct kb_daemon *d)
{
	d->ssh.wanted = d->set.ssh;
}

int dmn_ssh_send(struct kb_daemon *d, struct kb_client *c)
{
	return d->ssh.msg ? kb_client_send(c, d->ssh.msg, d->ssh.len) : 0;
}

void dmn_ssh_free(struct kb_daemon *d)
{
	if (d->ssh.timer)
		kb_loop_cancel(d->loop, d->ssh.timer);
	d->ssh.timer = NULL;
	dmn_ssh_stop(d);
	free(d->ssh.msg);
	d->ssh.msg = NULL;
}
