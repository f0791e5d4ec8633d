/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * private.h - what the files of `kboot daemon` (core/daemon/) share: the
 * daemon itself, a message being built, a boot plan, and each file's
 * calls, from the bottom up: messages.c (messages, status lines), menu.c
 * (menu rebuilds), autoboot.c (settings and the countdown), the network,
 * SSH and download parts, boot.c (booting), requests.c (requests), and
 * daemon.c (start and stop) on top.
 *
 * Private to the daemon's files; everyone else uses daemon.h.
 */
#ifndef KBOOT_DAEMON_PRIVATE_H
#define KBOOT_DAEMON_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config/model.h"
#include "daemon/daemon.h"
#include "net/net.h"
#include "proto/server.h"

#define KB_JUMP_DELAY_MS 300 /* "booting" sent → the jump: the UIs leave curses */
#define KB_SETTLE_MS 5000 /* autoboot waits at most this for the first probes */
#define KB_STATUS_KEEP 500 /* status lines kept for new clients */

struct kb_devices;
struct kb_scan;
struct kb_timer;

enum cd_state {
	CD_OFF,	    /* no countdown: nothing to boot yet, or the timeout waits */
	CD_RUNNING, /* counting down to cd_id */
	CD_STOPPED, /* cancelled, or its entry went away; never restarts */
	CD_FIRED,   /* ran out; the boot was started */
};

/* Where a setting came from; the later ones override the earlier. */
enum setting_source { SRC_CONFIG, SRC_KERNEL, SRC_OPTION };

struct status_line {
	uint64_t time; /* ms since the daemon started */
	int level;     /* enum kb_status_level */
	char *text;    /* malloc'd */
};

/* One boot, from an entry or from a request's files. */
struct boot_plan {
	const char *entry;     /* entry id, or NULL for files given by a client */
	const char *title;     /* for people */
	struct kb_file kernel; /* fs never NULL once validated */
	struct ptrv initrds;   /* struct kb_file * */
	struct ptrv modargs;   /* const char *: multiboot modules' command lines (as kb_entry's) */
	struct kb_file dtb;    /* fs NULL when none */
	const char *cmdline;   /* never NULL */
	bool multiboot;        /* the initrds are multiboot modules */
	/*
	 * Files that were downloaded: the URL each came from, in the order
	 * kernel, initrds, dtb (NULL for a file that was not); or NULL.
	 */
	const char **urls;
};

struct kb_daemon {
	const struct kb_daemon_config *cfg; /* as given; outlives the daemon */
	struct kb_loop *loop;		    /* the loop everything runs in */
	struct kb_devices *devs;	    /* the devices (real or --source) */
	struct kb_server *srv;		    /* the control socket; NULL until the first menu */
	bool sources;			    /* --source mode */
	uint64_t start;			    /* kb_loop_now() at start */

	/* The menu of the last rebuild and its messages. */
	struct kb_scan *scan;	  /* NULL before the first rebuild */
	char *devices_msg;	  /* the whole "devices" message (malloc'd) */
	size_t devices_len;	  /* its length */
	char *menu_msg;		  /* the whole "menu" message (malloc'd) */
	size_t menu_len;	  /* its length */
	char *settings_msg;	  /* the last "settings" message sent */
	size_t settings_len;	  /* its length */
	struct kb_timer *rebuild; /* a pending coalesced rebuild */

	/* Status lines: a ring of the last KB_STATUS_KEEP. */
	struct status_line status[KB_STATUS_KEEP]; /* the ring */
	size_t status_first, status_n;		   /* the oldest line's slot, lines held */

	/* Settings: what overrides the menu. */
	int timeout;			 /* override, or KB_TIMEOUT_UNSET */
	enum setting_source timeout_src; /* where timeout came from */
	char *default_entry;		 /* override id or title (malloc'd), or NULL */
	enum setting_source default_src; /* where default_entry came from */

	/* The countdown. */
	enum cd_state cd;	/* where it is */
	bool decided;		/* the autoboot decision was made (once) */
	char *cd_id, *cd_title; /* the entry it is bound to (malloc'd) */
	int remaining;		/* seconds, while running */
	struct kb_timer *tick;	/* the next second, while running */
	char *told_default;	/* a newer default already reported as not taken */
	bool told_missing;	/* "kboot.default=X: no such entry yet" said */

	bool booting;	       /* a boot is under way: nothing more happens */
	bool kexec_tools;        /* kboot.kexec=tools: always load with kexec-tools */

	/* The network (net.c). */
	char *net_spec;              /* kboot.net= (malloc'd), or NULL */
	struct kb_net_config netcfg; /* what net.c was given */
	struct kb_net *net;          /* NULL with --source directories */
	char *network_msg;           /* the last "network" message (malloc'd) */
	size_t network_len;
	char *url_spec;              /* kboot.url= (malloc'd), or NULL */
	bool url_added;              /* its source was added */
	unsigned int nsources;       /* network sources added by URL so far ("url1"...) */
	struct pxe_seen {            /* the lease each PXE source was made from */
		char iface[IF_NAMESIZE];
		char key[KB_NET_ADDR + 3 * KB_NET_TEXT]; /* address, options: a new lease differs */
		bool manual;                             /* asked for by a "source" request */
	} pxe[8];
	size_t npxe;

	/* A boot waiting for its files to download (fetch.c), or NULL. */
	struct pending *pending;
	struct kb_downloads *dls;    /* made at the first download */
	char *dl_dir;                /* where downloads go (malloc'd) */

	/* The SSH server (ssh.c). */
	/* WAITING: for the network, or for dropbear to listen */
	enum ssh_state { SSH_OFF, SSH_WAITING, SSH_RUNNING, SSH_FAILED } ssh_state;
	bool ssh_wanted;             /* kboot.ssh=on, or the "ssh" request */
	bool ssh_stopping;           /* we sent dropbear SIGTERM */
	bool told_ssh_keys;          /* "no authorized keys" said once */
	pid_t ssh_pid;               /* dropbear, 0 when none */
	struct kb_timer *ssh_timer;  /* looking for its pid file: is it listening yet? */
	int ssh_checks;              /* looks so far */
	char ssh_fingerprint[128];   /* "SHA256:…" of the host key, "" before */
	char ssh_reason[256];        /* while FAILED */
	char *ssh_msg;               /* the last "ssh" message (malloc'd) */
	size_t ssh_len;

	struct kb_timer *settle; /* deciding autoboot once the first probes are done */
	struct kb_timer *quit; /* dry run: leaving the loop after the boot */

	/*
	 * Hooks: how a part tells the parts above it that something happened
	 * (daemon.c sets them at start; NULL: nobody listens).
	 */
	void (*rebuilt)(struct kb_daemon *d);     /* menu.c: after each rebuild */
	void (*cd_fire)(struct kb_daemon *d, const char *id, const char *title); /* autoboot.c:
							 * the countdown ran out on entry id */
	void (*net_changed)(struct kb_daemon *d); /* net.c: the interfaces changed */
	int (*dl_done)(struct kb_daemon *d, struct arena *a, const struct boot_plan *p,
		       const char **err);       /* fetch.c: every file of the plan arrived */
};

/* A message is built in a memory stream and sent whole. */
struct msg {
	FILE *f;    /* the stream, while it is built */
	char *buf;  /* the text once closed (malloc'd) */
	size_t len; /* its length */
};

/* ---- Messages and status lines (messages.c) ---- */

/* Start a message {"type":TYPE...; its stream, or NULL on failure. */
FILE *dmn_msg_open(struct msg *m, const char *type);
/* Finish the message; 0 with m->buf/len set (caller frees buf), or -ENOMEM. */
int dmn_msg_close(struct msg *m);
/* Write ,"KEY":VAL (null when val is NULL) into a message. */
void dmn_json_key_str(FILE *f, const char *key, const char *val);
/* Close m and send it to every client; frees it. */
void dmn_broadcast(struct kb_daemon *d, struct msg *m);
/* A closed message kept for new clients (*cache) and pushed to all, unless
 * it is the one kept already; takes m's buffer. */
void dmn_update_msg(struct kb_daemon *d, char **cache, size_t *cache_len, struct msg *m);
/* Close m and queue it for c; 0, or -errno when c cannot take more. */
int dmn_send_msg(struct kb_client *c, struct msg *m);
/* A status line: kept for new clients, pushed to all, on stderr unless quiet. */
void dmn_status(struct kb_daemon *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Send every status line kept to a new client; 0, or -errno when c cannot take more. */
int dmn_status_send_all(struct kb_daemon *d, struct kb_client *c);

/* ---- The menu (menu.c) ---- */

/* Read the menu again from every ready device, push what changed. */
void dmn_menu_rebuild(struct kb_daemon *d);
/* Devices changed (kb_devices_config.changed): rebuild once the burst of changes is handled. */
void dmn_menu_devices_changed(struct kb_devices *devs, void *data);
/* Send "devices" and "menu" to a new client; 0, or -errno when c cannot take more. */
int dmn_menu_send(struct kb_daemon *d, struct kb_client *c);
/* The entry of the current menu with that id or title, or NULL. */
const struct kb_entry *dmn_entry_by_id(const struct kb_daemon *d, const char *id);
const struct kb_entry *dmn_entry_by_title(const struct kb_daemon *d, const char *title);
/* What people call an entry: its title, or its id when it has none. */
const char *dmn_entry_name(const struct kb_entry *e);

/* ---- Settings and the countdown (autoboot.c) ---- */

/* The settings from the options and the kernel command line, at start. */
void dmn_settings_init(struct kb_daemon *d);
/* Push "settings" when it differs from what clients have. */
void dmn_settings_update(struct kb_daemon *d);
/* The "countdown" message; 0 with m->buf/len set (caller frees buf), or -ENOMEM. */
int dmn_countdown_build(struct kb_daemon *d, struct msg *m);
/* Send the countdown's state to every client. */
void dmn_countdown_push(struct kb_daemon *d);
/* Stop the countdown for good (a cancel). */
void dmn_countdown_stop(struct kb_daemon *d);
/* After each rebuild: start, keep or stop the countdown. */
void dmn_countdown_update(struct kb_daemon *d);

/* ---- The network (net.c) ---- */

/* Start the network (real devices only) and build the first "network". */
int dmn_net_start(struct kb_daemon *d);
void dmn_net_free(struct kb_daemon *d);
/* The "network" message: every interface and its state.  0 or -ENOMEM. */
int dmn_network_build(struct kb_daemon *d, struct msg *m);
/* The "net" request: configure one interface.  0, or -errno with *err. */
int dmn_req_net(struct kb_daemon *d, const struct kb_json *req, struct arena *a,
		const char **err);

/*
 * The "source" request: {"url": "http://…/grub.cfg"} or {"pxe": "eth0"}
 * adds a network source.  0, or -errno with *err.
 */
int dmn_req_source(struct kb_daemon *d, const struct kb_json *req, struct arena *a,
		   const char **err);
/* Add kboot.url='s source once it can be fetched (the network is up). */
void dmn_url_update(struct kb_daemon *d);

/* Whether an interface is configured. */
bool dmn_network_up(const struct kb_daemon *d);

/* ---- The SSH server (ssh.c) ---- */

/* The "ssh" message.  0 or -ENOMEM. */
int dmn_ssh_build(struct kb_daemon *d, struct msg *m);
/* Start or stop dropbear as the settings and the network say; push "ssh" on change. */
void dmn_ssh_update(struct kb_daemon *d);
/* Stop dropbear and its sessions (before the jump). */
void dmn_ssh_stop(struct kb_daemon *d);
/* The "ssh" request: {"on": true|false}.  0, or -errno with *err. */
int dmn_ssh_req(struct kb_daemon *d, const struct kb_json *req, const char **err);
void dmn_ssh_free(struct kb_daemon *d);

/* ---- Booting from the network (fetch.c) ---- */

/* Whether a plan has files that must be downloaded first. */
bool dmn_plan_is_remote(const struct boot_plan *p);
/* Start downloading a plan's network files; the boot follows.  0 or -errno with *err. */
int dmn_fetch_plan(struct kb_daemon *d, struct arena *a, const struct boot_plan *p,
		   const char **err);
/* The "abort" request: stop the downloads of the boot waiting for them. */
int dmn_fetch_abort(struct kb_daemon *d, const char **err);
/* Send every download's state to a new client. */
void dmn_fetch_send_all(struct kb_daemon *d, struct kb_client *c);
void dmn_fetch_free(struct kb_daemon *d);

/* ---- Booting (boot.c) ---- */

/* Every file of the plan exists as a regular file.  0 or -ENOENT with *err. */
int dmn_plan_check(struct arena *a, const struct boot_plan *p, const char **err);
/* A plan from a menu entry (arena-owned parts); 0 or -errno with *err. */
int dmn_plan_from_entry(struct arena *a, const struct kb_entry *e, struct boot_plan *p,
			const char **err);
/* Boot a validated plan; 0 when the boot is under way, or -errno with *err. */
int dmn_boot(struct kb_daemon *d, struct arena *a, const struct boot_plan *p, const char **err);
/* Boot the entry id (titled title) the countdown ran out on; failures are status lines. */
void dmn_boot_autoboot(struct kb_daemon *d, const char *id, const char *title);

/* ---- Requests (requests.c) ---- */

/* A client's request (struct kb_server_ops.request): act, then reply. */
void dmn_client_request(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
			struct arena *a, void *data);

#endif
