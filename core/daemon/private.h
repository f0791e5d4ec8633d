/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * private.h - what the files of `kboot daemon` (core/daemon/) share: the
 * daemon's state, one group per part; a message being built; a boot
 * plan; a request being answered; and each part's calls, from the bottom
 * up (docs/architecture.md, "The daemon's layers").
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

#define KB_JUMP_DELAY_MS   300	/* "booting" sent → the jump: the UIs leave curses */
#define KB_SETTLE_MS	   5000 /* autoboot waits at most this for the first probes */
#define KB_STATUS_KEEP	   500	/* status lines kept for new clients */
#define DMN_DOWNLOADS_KEPT 16	/* download states resent to a new client */

struct kb_devices;
struct kb_downloads;
struct pending;
struct kb_scan;
struct kb_timer;

enum cd_state {
	CD_OFF,	    /* no countdown: nothing to boot yet, or the timeout waits */
	CD_RUNNING, /* counting down to its entry */
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
	bool multiboot;	       /* the initrds are multiboot modules */
	/*
	 * Files that were downloaded: the URL each came from, in the order
	 * kernel, initrds, dtb (NULL for a file that was not); or NULL.
	 */
	const char **urls;
};

/*
 * The daemon's state, grouped by the file that owns each group: only the
 * owner changes a group; the others read what they need.  The first
 * members are everybody's.
 */

/* Status lines: a ring of the last KB_STATUS_KEEP (messages.c). */
struct dmn_status {
	struct status_line lines[KB_STATUS_KEEP]; /* the ring */
	size_t first, n;			  /* the oldest line's slot, lines held */
};

/* The menu of the last rebuild and its messages (menu.c). */
struct dmn_menu {
	struct kb_scan *scan;	  /* NULL before the first rebuild */
	char *devices_msg;	  /* the whole "devices" message (malloc'd) */
	size_t devices_len;	  /* its length */
	char *msg;		  /* the whole "menu" message (malloc'd) */
	size_t len;		  /* its length */
	struct kb_timer *rebuild; /* a pending coalesced rebuild */
	/* Hook: after each rebuild, once "devices" and "menu" went out. */
	void (*rebuilt)(struct kb_daemon *d);
};

/* Settings: the daemon's options and the kernel command line's kboot.* (autoboot.c). */
struct dmn_settings {
	int timeout;			 /* override, or KB_TIMEOUT_UNSET */
	enum setting_source timeout_src; /* where timeout came from */
	char *default_entry;		 /* override id or title (malloc'd), or NULL */
	enum setting_source default_src; /* where default_entry came from */
	char *msg;			 /* the last "settings" message sent (malloc'd) */
	size_t len;			 /* its length */
	/* For the other parts, read at their start: */
	char *net;	  /* kboot.net= (malloc'd), or NULL (net.c) */
	char *url;	  /* kboot.url= (malloc'd), or NULL (net.c) */
	bool ssh;	  /* kboot.ssh=on (ssh.c) */
	bool kexec_tools; /* kboot.kexec=tools: always load with kexec-tools (boot.c) */
};

/* The autoboot countdown (autoboot.c). */
struct dmn_countdown {
	enum cd_state state;	 /* where it is */
	bool decided;		 /* the autoboot decision was made (once) */
	char *id, *title;	 /* the entry it is bound to (malloc'd) */
	int remaining;		 /* seconds, while running */
	struct kb_timer *tick;	 /* the next second, while running */
	struct kb_timer *settle; /* deciding once the first probes are done */
	char *told_default;	 /* a newer default already reported as not taken */
	bool told_missing;	 /* "kboot.default=X: no such entry yet" said */
	/* Hook: it ran out on the entry id (titled title): boot it. */
	void (*fire)(struct kb_daemon *d, const char *id, const char *title);
};

/* The network and the network sources made from it (net.c). */
struct dmn_net {
	struct kb_net_config cfg; /* what net.c was given */
	struct kb_net *ifaces;	  /* the interfaces; NULL with --source directories */
	char *msg;		  /* the last "network" message (malloc'd) */
	size_t len;		  /* its length */
	bool url_added;		  /* kboot.url='s source was added */
	unsigned int nsources;	  /* network sources added by URL so far ("url1"...) */
	struct pxe_seen {	  /* the lease each PXE source was made from */
		char iface[IF_NAMESIZE];
		char key[KB_NET_ADDR + 3 * KB_NET_TEXT]; /* address, options: a new lease differs */
		bool manual;				 /* asked for by a "source" request */
	} pxe[8];
	size_t npxe;
	/* Hook: the interfaces changed (the sources followed; "network" not sent yet). */
	void (*changed)(struct kb_daemon *d);
};

/* The SSH server (ssh.c). */
struct dmn_ssh {
	/* WAITING: for the network, or for dropbear to listen */
	enum ssh_state { SSH_OFF, SSH_WAITING, SSH_RUNNING, SSH_FAILED } state;
	bool wanted;		/* kboot.ssh=on, or the "ssh" request */
	bool stopping;		/* we sent dropbear SIGTERM */
	bool told_keys;		/* "no authorized keys" said once */
	pid_t pid;		/* dropbear, 0 when none */
	struct kb_timer *timer; /* looking for its pid file: is it listening yet? */
	int checks;		/* looks so far */
	char fingerprint[128];	/* "SHA256:…" of the host key, "" before */
	char reason[256];	/* while FAILED */
	char *msg;		/* the last "ssh" message (malloc'd) */
	size_t len;		/* its length */
};

/* A boot's downloads (fetch.c). */
struct dmn_downloads {
	struct pending *pending;  /* a boot waiting for its files, or NULL */
	struct kb_downloads *dls; /* made at the first download */
	char *dir;		  /* where downloads go (malloc'd) */
	struct {		  /* the last state of recent downloads, for new clients */
		int id;		  /* the download, 0 for a free slot */
		char *msg;	  /* its last "download" message (malloc'd) */
		size_t len;	  /* its length */
	} kept[DMN_DOWNLOADS_KEPT];
	/* Hook: every file of the plan arrived; boot it (now of local files). */
	int (*done)(struct kb_daemon *d, struct arena *a, const struct boot_plan *p,
		    const char **err);
};

/* The boot under way (boot.c). */
struct dmn_boot {
	struct kb_timer *quit; /* the jump, or a dry run's end, once the clients were told */
};

struct kb_daemon {
	const struct kb_daemon_config *cfg; /* as given; outlives the daemon */
	struct kb_loop *loop;		    /* the loop everything runs in */
	struct kb_devices *devs;	    /* the devices (real or --source) */
	struct kb_server *srv;		    /* the control socket; NULL until the first menu */
	bool sources;			    /* --source mode */
	uint64_t start;			    /* kb_loop_now() at start */
	bool booting;			    /* a boot is under way: nothing more happens */

	struct dmn_status status; /* messages.c */
	struct dmn_menu menu;	  /* menu.c */
	struct dmn_settings set;  /* autoboot.c */
	struct dmn_countdown cd;  /* autoboot.c */
	struct dmn_net net;	  /* net.c */
	struct dmn_ssh ssh;	  /* ssh.c */
	struct dmn_downloads dl;  /* fetch.c */
	struct dmn_boot boot;	  /* boot.c */
};

/* A client's request, while it is answered (requests.c hands it to a handler). */
struct dmn_request {
	struct kb_client *c;	   /* who asked */
	const struct kb_json *req; /* the request object */
	const struct kb_json *seq; /* its "seq" when a number, or NULL */
	struct arena *a;	   /* for the answer's sentences; freed after the reply */
};

/*
 * A request's handler: act, then 0, or -errno with a sentence for the
 * client in *err (arena-owned or static; the table's when it gives none).
 */
typedef int dmn_request_fn(struct kb_daemon *d, const struct dmn_request *r, const char **err);

/* A message is built in a memory stream and sent whole. */
struct msg {
	FILE *f;    /* the stream, while it is built */
	char *buf;  /* the text once closed (malloc'd) */
	size_t len; /* its length */
};

/*
 * Each part's calls, from the bottom up: a file calls only the parts
 * listed before its own (and tells those after it through the hooks).
 * Each part has its free function for kb_daemon_free(), and a send
 * function for what a new client gets of it: 0, or -errno when c cannot
 * take more.
 */

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
int dmn_status_send_all(struct kb_daemon *d, struct kb_client *c);
void dmn_status_free(struct kb_daemon *d);

/* ---- The menu (menu.c) ---- */

/* Read the menu again from every ready device, push what changed. */
void dmn_menu_rebuild(struct kb_daemon *d);
/* Devices changed (kb_devices_config.changed): rebuild once the burst of changes is handled. */
void dmn_menu_devices_changed(struct kb_devices *devs, void *data);
/* The entry of the current menu with that id or title, or NULL. */
const struct kb_entry *dmn_entry_by_id(const struct kb_daemon *d, const char *id);
const struct kb_entry *dmn_entry_by_title(const struct kb_daemon *d, const char *title);
/* What people call an entry: its title, or its id when it has none. */
const char *dmn_entry_name(const struct kb_entry *e);
int dmn_menu_send(struct kb_daemon *d, struct kb_client *c); /* "devices", "menu" */
void dmn_menu_free(struct kb_daemon *d);

/* ---- The network (net.c) ---- */

/* Start the network (real devices only) and build the first "network". */
int dmn_net_start(struct kb_daemon *d);
/* Whether an interface is configured. */
bool dmn_network_up(const struct kb_daemon *d);
/* Add kboot.url='s source once it can be fetched (the network is up). */
void dmn_url_update(struct kb_daemon *d);
/* The "net" request: configure one interface. */
dmn_request_fn dmn_req_net;
/* The "source" request: {"url": "http://…/grub.cfg"} or {"pxe": "eth0"} adds a network source. */
dmn_request_fn dmn_req_source;
int dmn_net_send(struct kb_daemon *d, struct kb_client *c); /* "network" */
void dmn_net_free(struct kb_daemon *d);

/* ---- Booting from the network (fetch.c) ---- */

/* Whether a plan has files that must be downloaded first. */
bool dmn_plan_is_remote(const struct boot_plan *p);
/* Start downloading a plan's network files; the done hook boots it.  0 or -errno with *err. */
int dmn_fetch_plan(struct kb_daemon *d, struct arena *a, const struct boot_plan *p,
		   const char **err);
/* Whether a boot waits for its downloads. */
bool dmn_fetch_waiting(const struct kb_daemon *d);
/* The "abort" request: stop the downloads of the boot waiting for them. */
dmn_request_fn dmn_req_abort;
int dmn_fetch_send_all(struct kb_daemon *d, struct kb_client *c); /* each recent "download" */
void dmn_fetch_free(struct kb_daemon *d);

/* ---- Settings and the countdown (autoboot.c) ---- */

/* The settings from the options and the kernel command line, at start. */
void dmn_settings_init(struct kb_daemon *d);
/* Push "settings" when it differs from what clients have. */
void dmn_settings_update(struct kb_daemon *d);
/* After each rebuild: start, keep or stop the countdown. */
void dmn_countdown_update(struct kb_daemon *d);
/* The "cancel" request: the countdown stops for good, and does not start later. */
dmn_request_fn dmn_req_cancel;
/* A boot starts: a running countdown stops (one that ran out stays so). */
void dmn_countdown_end(struct kb_daemon *d);
int dmn_settings_send(struct kb_daemon *d, struct kb_client *c);  /* "settings" */
int dmn_countdown_send(struct kb_daemon *d, struct kb_client *c); /* "countdown" */
void dmn_autoboot_free(struct kb_daemon *d);

/* ---- The SSH server (ssh.c) ---- */

/* At start: wanted as kboot.ssh= says. */
void dmn_ssh_init(struct kb_daemon *d);
/* Start or stop dropbear as the settings and the network say; push "ssh" on change. */
void dmn_ssh_update(struct kb_daemon *d);
/* Stop dropbear and its sessions (before the jump). */
void dmn_ssh_stop(struct kb_daemon *d);
/* The "ssh" request: {"on": true|false}. */
dmn_request_fn dmn_req_ssh;
int dmn_ssh_send(struct kb_daemon *d, struct kb_client *c); /* "ssh" */
void dmn_ssh_free(struct kb_daemon *d);

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
void dmn_boot_free(struct kb_daemon *d);

/* ---- Requests (requests.c) ---- */

/* A client's request (struct kb_server_ops.request): its handler by the table, then the reply. */
void dmn_client_request(struct kb_server *s, struct kb_client *c, const struct kb_json *req,
			struct arena *a, void *data);

#endif
