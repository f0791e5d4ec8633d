// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen-net.c - the network boot wizard (`n`): an interface, its address,
 * then what to boot from the network.
 *
 * Steps (enum ui_net_step):
 *   (a) NET_IFACE   the daemon's interfaces (name, link, MAC, address or
 *                   state) and "use the network as it is"; with none at
 *                   all (`kboot menu`, a machine without a NIC) the wizard
 *                   says so and starts at (c);
 *   (b) NET_MODE    DHCP, a static address (NET_STATIC: address/prefix,
 *                   gateway, DNS servers) or as it is; DHCP goes on in
 *                   NET_WAIT, which follows the interface's state in the
 *                   "network" messages until it is up or failed;
 *   (c) NET_CHOICE  PXE on the interface ("source" with "pxe"), a config
 *                   URL (NET_URL: "source" with "url") or a kernel, its
 *                   initrds and a command line by URL (NET_BOOT: "boot").
 * Lists and forms share the keys: Up/Down (and Tab) move, Enter chooses,
 * or on a form's last field or its OK sends it; Esc goes back to the menu
 * from every step.  A form's mistakes that the UI can see (an address that
 * is no IPv4 address) are shown next to their field without asking the
 * daemon; the daemon's answer to a request is shown next to the field it
 * names (the field whose text the sentence quotes), else next to OK.
 *
 * Not here: checking URLs (the daemon has the one URL parser and answers
 * "unknown scheme" and the like), the download progress (screen-menu.c
 * and draw.c draw it from the model), remembering the forms after Esc.
 */
#include <arpa/inet.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonparse.h"
#include "proto/client.h"
#include "proto/request.h"
#include "ui-private.h"

#define LABEL_W	    14 /* columns before a form's field */
#define NET_DNS_MAX 3  /* DNS servers the daemon keeps (docs/network.md) */

static const char *const mode_items[] = { "DHCP: ask the network for an address",
					  "A static address", "Keep the interface as it is" };
static const char *const choice_items[] = { "Find the config by PXE", "Load a config from a URL",
					    "Boot a kernel from URLs" };
static const char *const static_labels[] = { "Address", "Gateway", "DNS" };
static const char *const url_labels[] = { "Config URL" };
static const char *const boot_labels[] = { "Kernel URL", "Initrd URLs", "Command line" };

/* ---- Steps and forms ---- */

/* Show err next to item or field `at` (NULL: no error); a field with an
 * error gets the cursor, to be put right. */
static void set_error(struct ui *u, int at, const char *err)
{
	free(u->net.err);
	u->net.err = err ? strdup(err) : NULL;
	u->net.err_at = at;
	if (err && at < u->net.nfields)
		u->net.sel = at;
}

static void free_fields(struct ui_net *n)
{
	int i;

	for (i = 0; i < NET_FIELDS; i++)
		kb_le_free(&n->field[i]);
	n->nfields = 0;
}

static void go(struct ui *u, enum ui_net_step step)
{
	free_fields(&u->net);
	set_error(u, 0, NULL);
	u->net.step = step;
	u->net.sel = 0;
	u->net.top = 0;
	u->net.seq = 0;
	u->net.replied = false;
}

/* A form with these starting texts (NULL: empty), the cursor in field 0. */
static void go_form(struct ui *u, enum ui_net_step step, const char *const *text, int n)
{
	int i;

	go(u, step);
	for (i = 0; i < n; i++)
		if (kb_le_init(&u->net.field[i], text ? text[i] : NULL))
			set_error(u, n, "Out of memory.");
	u->net.nfields = n;
}

static const char *const *labels(const struct ui *u)
{
	return u->net.step == NET_STATIC ? static_labels
	       : u->net.step == NET_URL	 ? url_labels
					 : boot_labels;
}

/* Items of a list step (0 on a form or while waiting). */
static int n_items(const struct ui *u)
{
	switch (u->net.step) {
	case NET_IFACE:
		return (int)ui_iface_count(u) + 1;
	case NET_MODE:
	case NET_CHOICE:
		return 3;
	default:
		return u->net.nfields ? u->net.nfields + 1 : 0;
	}
}

static void net_close(struct ui *u)
{
	free_fields(&u->net);
	free(u->net.err);
	free(u->net.iface);
	memset(&u->net, 0, sizeof(u->net));
}

static int net_open(struct ui *u, const void *arg)
{
	net_close(u);
	u->net.no_ifaces = !ui_iface_count(u);
	go(u, u->net.no_ifaces ? NET_CHOICE : NET_IFACE);
	return 0;
}

/* ---- Requests ---- */

/* Send r unless its builder failed (err: what the builder returned); release it. */
static void net_send(struct ui *u, struct kb_req *r, int err)
{
	int ret;

	if (err) {
		set_error(u, u->net.nfields, "Out of memory.");
	} else {
		ret = ui_request(u, r);
		if (ret > 0)
			u->net.seq = ret;
	}
	kb_req_release(r);
}

static void send_dhcp(struct ui *u)
{
	struct kb_req r;

	go(u, NET_WAIT);
	net_send(u, &r, kb_req_net_dhcp(&r, u->net.iface));
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

/*
 * Check the static form and build its request; 0, or -1 with the error
 * next to the field.
 */
static int static_request(struct ui *u, struct kb_req *r)
{
	char *addr = ui_field_trimmed(&u->net.field[0]), *gw = ui_field_trimmed(&u->net.field[1]);
	char *dns = ui_field_trimmed(&u->net.field[2]), *slash, *end, *tok, *save = NULL;
	const char *servers[NET_DNS_MAX];
	struct kb_req_static st = { .dns = servers };
	long prefix = -1;
	int ret = -1, ndns = 0;

	if (!addr || !gw || !dns) {
		set_error(u, 3, "Out of memory.");
		goto out;
	}
	slash = strchr(addr, '/');
	if (slash) {
		*slash = '\0';
		prefix = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end)
			prefix = -1;
	}
	if (!*addr) {
		set_error(u, 0, "Type the address and its prefix, as in 10.0.2.15/24.");
		goto out;
	}
	if (!is_ipv4(addr)) {
		char msg[300];

		snprintf(msg, sizeof(msg), "'%s' is not an IPv4 address (as in 10.0.2.15/24).",
			 addr);
		set_error(u, 0, msg);
		goto out;
	}
	if (prefix < 0 || prefix > 32) {
		set_error(u, 0, "Add the prefix length, 0 to 32, as in 10.0.2.15/24.");
		goto out;
	}
	if (*gw && !is_ipv4(gw)) {
		set_error(u, 1, "The gateway is not an IPv4 address (as in 10.0.2.2).");
		goto out;
	}
	for (tok = strtok_r(dns, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
		char msg[300];

		if (!is_ipv4(tok) || ndns == NET_DNS_MAX) {
			if (ndns == NET_DNS_MAX)
				snprintf(msg, sizeof(msg), "At most %d DNS servers.", NET_DNS_MAX);
			else
				snprintf(msg, sizeof(msg), "'%s' is not an IPv4 address.", tok);
			set_error(u, 2, msg);
			goto out;
		}
		servers[ndns++] = tok;
	}
	st.address = addr;
	st.prefix = (int)prefix;
	st.gateway = *gw ? gw : NULL;
	st.ndns = (size_t)ndns;
	ret = kb_req_net_static(r, u->net.iface, &st);
	if (ret) {
		set_error(u, u->net.nfields, "Out of memory.");
		ret = -1;
	}
out:
	free(addr);
	free(gw);
	free(dns);
	return ret;
}

/* The interface PXE runs on: the one chosen, else the first up, else the first. */
static const char *pxe_iface(const struct ui *u)
{
	size_t i;

	if (u->net.iface)
		return u->net.iface;
	for (i = 0; i < ui_iface_count(u); i++)
		if (!strcmp(ui_iface_str(ui_iface_at(u, i), "state"), "up"))
			return ui_iface_str(ui_iface_at(u, i), "name");
	return ui_iface_count(u) ? ui_iface_str(ui_iface_at(u, 0), "name") : NULL;
}

static void submit(struct ui *u)
{
	struct ui_net *n = &u->net;
	struct kb_req r = KB_REQ_INIT;
	struct kb_req_files f = { 0 };
	char *kernel = NULL, *initrds = NULL, *url = NULL;

	if (n->seq)
		return; /* one request at a time: the answer is on its way */
	set_error(u, 0, NULL);
	if (n->step == NET_STATIC) {
		if (!static_request(u, &r))
			net_send(u, &r, 0);
	} else if (n->step == NET_URL) {
		url = ui_field_trimmed(&n->field[0]);
		if (!url || !*url) {
			set_error(u, 0,
				  "Type the URL of a grub.cfg, syslinux, BLS or kboot.conf file.");
			goto out;
		}
		net_send(u, &r, kb_req_source_url(&r, url));
	} else if (n->step == NET_BOOT) {
		kernel = ui_field_trimmed(&n->field[0]);
		initrds = strdup(kb_le_text(&n->field[1]));
		if (!kernel || !*kernel || !initrds) {
			set_error(u, 0, "Type the kernel's URL, as in http://10.0.2.2/vmlinuz.");
			goto out;
		}
		/* Named by the kernel's file name: the URL is in every message already. */
		f.title = strrchr(kernel, '/') && strrchr(kernel, '/')[1] ? strrchr(kernel, '/') + 1
									  : kernel;
		f.kernel = kernel;
		f.cmdline = kb_le_text(&n->field[2]);
		net_send(u, &r, ui_boot_files_req(&r, &f, initrds));
	}
out:
	free(kernel);
	free(initrds);
	free(url);
}

/* Enter on a list item, or a form's last field or OK. */
static void choose(struct ui *u)
{
	struct ui_net *n = &u->net;
	const struct kb_json *x;
	char cidr[64];

	switch (n->step) {
	case NET_IFACE:
		x = ui_iface_at(u, (size_t)n->sel);
		free(n->iface);
		n->iface = x ? strdup(ui_iface_str(x, "name")) : NULL;
		go(u, x ? NET_MODE : NET_CHOICE);
		break;
	case NET_MODE:
		x = ui_iface_named(u, n->iface);
		if (n->sel == 0) {
			send_dhcp(u);
		} else if (n->sel == 1) {
			const char *text[3] = { ui_iface_cidr(x, cidr, sizeof(cidr)),
						ui_iface_str(x, "gateway"), NULL };
			struct strbuf dns = STRBUF_INIT;
			const struct kb_json *d = x ? kb_json_get(x, "dns") : NULL;
			size_t i;

			for (i = 0; d && d->type == KB_JARR && i < d->n; i++)
				if (d->item[i]->type == KB_JSTR) {
					if (i)
						sb_addc(&dns, ' ');
					sb_adds(&dns, d->item[i]->str);
				}
			text[2] = dns.oom ? "" : sb_str(&dns);
			go_form(u, NET_STATIC, text, 3);
			sb_release(&dns);
		} else {
			go(u, NET_CHOICE);
		}
		break;
	case NET_WAIT:
		x = ui_iface_named(u, n->iface);
		if (n->replied && !strcmp(ui_iface_str(x, "state"), "failed"))
			send_dhcp(u);
		break;
	case NET_CHOICE:
		if (n->sel == 0) {
			struct kb_req r;
			const char *iface = pxe_iface(u);

			if (!iface) {
				set_error(u, 0, "There is no network interface to run PXE on.");
				break;
			}
			if (n->seq)
				break;
			if (iface != n->iface) {
				free(n->iface);
				n->iface = strdup(iface);
			}
			set_error(u, 0, NULL);
			net_send(u, &r, kb_req_source_pxe(&r, iface));
		} else {
			go_form(u, n->sel == 1 ? NET_URL : NET_BOOT, NULL, n->sel == 1 ? 1 : 3);
		}
		break;
	default:
		if (n->sel < n->nfields - 1)
			n->sel++;
		else
			submit(u);
		break;
	}
}

/* ---- The daemon's answers ---- */

/*
 * The form field an error sentence is about: the one with the longest
 * word (4 characters or more) that the sentence quotes; n->nfields (OK)
 * when none.
 */
static int field_of(const struct ui *u, const char *err)
{
	int i, best = u->net.nfields;
	size_t best_len = 3;

	for (i = 0; i < u->net.nfields; i++) {
		char *text = strdup(kb_le_text(&u->net.field[i])), *tok, *save = NULL;

		for (tok = text ? strtok_r(text, " ,", &save) : NULL; tok;
		     tok = strtok_r(NULL, " ,", &save))
			if (strlen(tok) > best_len && strstr(err, tok)) {
				best = i;
				best_len = strlen(tok);
			}
		free(text);
	}
	return best;
}

static void network_changed(struct ui *u);

/* The daemon's answer to u->net.seq. */
static void replied(struct ui *u, const struct kb_json *reply)
{
	const struct kb_json *ok = kb_json_get(reply, "ok");
	const char *err = kb_json_get_str(reply, "error");
	struct ui_net *n = &u->net;
	const char *dots = ui_draw_glyph(u, "\xe2\x80\xa6", "...");

	if (!ok || ok->type != KB_JBOOL || !ok->b) {
		if (!err)
			err = "The daemon refused the request.";
		if (n->step == NET_WAIT) {
			go(u, NET_MODE);
			set_error(u, 0, err);
		} else if (n->step == NET_CHOICE) {
			set_error(u, n->sel, err);
		} else {
			set_error(u, n->step == NET_URL ? 0 : field_of(u, err), err);
		}
		return;
	}
	switch (n->step) {
	case NET_WAIT:
		n->replied = true;
		network_changed(u);
		break;
	case NET_STATIC:
		go(u, NET_CHOICE);
		break;
	case NET_CHOICE:
		ui_say(u, 0, "Looking for a PXE config on %s%s", n->iface, dots);
		ui_screen_close(u, &ui_screen_net);
		break;
	case NET_URL:
		ui_say(u, 0, "Loading the config%s Its entries join the menu.", dots);
		ui_screen_close(u, &ui_screen_net);
		break;
	case NET_BOOT:
		ui_say(u, 0, "Booting from the network%s", dots);
		ui_screen_close(u, &ui_screen_net);
		break;
	default:
		break;
	}
}

/* A "network" message: the list follows it, DHCP's wait ends with it. */
static void network_changed(struct ui *u)
{
	struct ui_net *n = &u->net;
	const struct kb_json *x;

	if (n->step == NET_IFACE && n->sel >= n_items(u))
		n->sel = n_items(u) - 1;
	if (n->step != NET_WAIT || !n->replied)
		return;
	x = ui_iface_named(u, n->iface);
	if (!x) {
		go(u, NET_IFACE);
		set_error(u, 0, "The interface went away.");
	} else if (!strcmp(ui_iface_str(x, "state"), "up")) {
		go(u, NET_CHOICE);
	}
}

static void download_began(struct ui *u)
{
	/* The boot was taken: its progress shows on the menu, Esc stops it there. */
	if (u->net.step == NET_BOOT && u->net.seq) {
		ui_screen_close(u, &ui_screen_net);
		ui_say(u, 0, "Booting from the network%s", ui_draw_glyph(u, "\xe2\x80\xa6", "..."));
	}
}

/* ---- Drawing ---- */

/* The first line of a step's body; the caption and a sentence go above it. */
static int body_top(const struct ui *u)
{
	return u->rows >= 16 ? 4 : 2;
}

/* The last line the body may use (the status line and the keys are below). */
static int body_end(const struct ui *u)
{
	return u->rows - 3;
}

/* The error under its field or item, from column x: at most 3 lines. */
static void draw_error(struct ui *u, int *y, int x)
{
	int room = body_end(u) - *y + 1;

	*y += ui_draw_wrapped(u, *y, x, u->cols - x - 1, room < 3 ? room : 3, KB_ROLE_ERROR,
			      u->net.err);
}

static bool jtrue(const struct kb_json *x, const char *key)
{
	const struct kb_json *v = x ? kb_json_get(x, key) : NULL;

	return v && v->type == KB_JBOOL && v->b;
}

static void item_text(struct ui *u, int i, char *buf, size_t size)
{
	const struct kb_json *x;
	char cidr[64];
	const char *state;

	switch (u->net.step) {
	case NET_IFACE:
		x = ui_iface_at(u, (size_t)i);
		if (!x) {
			snprintf(buf, size, "Use the network as it is");
			break;
		}
		state = ui_iface_str(x, "state");
		snprintf(buf, size, "%-8s %-9s %-17s %s%s%s", ui_iface_str(x, "name"),
			 jtrue(x, "carrier") ? "link up" : "link down", ui_iface_str(x, "mac"),
			 *ui_iface_cidr(x, cidr, sizeof(cidr)) ? cidr : state,
			 *ui_iface_str(x, "reason") ? ": " : "", ui_iface_str(x, "reason"));
		break;
	case NET_MODE:
		snprintf(buf, size, "%s", mode_items[i]);
		break;
	default:
		snprintf(buf, size, "%s", choice_items[i]);
		break;
	}
}

static void draw_list(struct ui *u)
{
	struct ui_net *n = &u->net;
	int y = body_top(u), i, rows = body_end(u) - y + 1;
	char buf[512];

	if (n->sel < n->top)
		n->top = n->sel;
	if (n->sel >= n->top + rows - (n->err ? 1 : 0))
		n->top = n->sel - rows + 1 + (n->err ? 1 : 0);
	if (n->top < 0)
		n->top = 0;
	for (i = n->top; i < n_items(u) && y <= body_end(u); i++) {
		bool sel = i == n->sel;

		item_text(u, i, buf, sizeof(buf));
		if (sel)
			ui_draw_fill(u, y, KB_ROLE_SELECTED);
		ui_draw_str(u, y++, 4, u->cols - 5, sel ? KB_ROLE_SELECTED : KB_ROLE_ENTRY, buf);
		if (n->err && n->err_at == i)
			draw_error(u, &y, 6);
	}
}

/* Where each field and OK go (ys[nfields] is OK's line). */
static void form_layout(const struct ui *u, int *ys)
{
	int y = body_top(u), i, lines;

	for (i = 0; i <= u->net.nfields; i++) {
		if (i == u->net.nfields && u->rows >= 16)
			y++; /* a blank line before OK, when there is room */
		ys[i] = y++;
		if (u->net.err && u->net.err_at == i) {
			/* As many lines as draw_error() will take. */
			lines = ui_draw_wrapped((struct ui *)u, -1, 0, u->cols - LABEL_W - 1, 3,
						KB_ROLE_ERROR, u->net.err);
			y += lines;
		}
	}
}

static void draw_form(struct ui *u)
{
	struct ui_net *n = &u->net;
	int ys[NET_FIELDS + 1], i, y;
	const char *ok = "[ OK ]";

	form_layout(u, ys);
	for (i = 0; i < n->nfields && ys[i] <= body_end(u); i++) {
		ui_draw_str(u, ys[i], 1, LABEL_W - 2, KB_ROLE_NORMAL, labels(u)[i]);
		ui_field_draw(u, &n->field[i], ys[i], LABEL_W, u->cols - LABEL_W - 1, n->sel == i);
		y = ys[i] + 1;
		if (n->err && n->err_at == i)
			draw_error(u, &y, LABEL_W);
	}
	y = ys[n->nfields];
	if (y > body_end(u))
		return;
	ui_draw_str(u, y, LABEL_W, u->cols - LABEL_W - 1,
		    n->sel == n->nfields ? KB_ROLE_SELECTED : KB_ROLE_ENTRY, ok);
	if (n->seq)
		ui_draw_str(u, y, LABEL_W + 8, u->cols - LABEL_W - 9, KB_ROLE_NORMAL,
			    n->step == NET_STATIC ? "Setting the address" : "Asking the daemon");
	y++;
	if (n->err && n->err_at == n->nfields)
		draw_error(u, &y, LABEL_W);
}

static void draw_wait(struct ui *u)
{
	const struct kb_json *x = ui_iface_named(u, u->net.iface);
	const char *state = ui_iface_str(x, "state");
	int y = body_top(u);
	char buf[512];

	if (!strcmp(state, "failed")) {
		snprintf(buf, sizeof(buf), "%s: DHCP failed%s%s", u->net.iface,
			 *ui_iface_str(x, "reason") ? ": " : ".", ui_iface_str(x, "reason"));
		y += ui_draw_wrapped(u, y, 2, u->cols - 3, 3, KB_ROLE_ERROR, buf);
		ui_draw_str(u, y, 2, u->cols - 3, KB_ROLE_NORMAL, "Enter asks again.");
		return;
	}
	if (!strcmp(state, "down") && !jtrue(x, "carrier"))
		snprintf(buf, sizeof(buf), "%s: the link is down; DHCP starts when it comes up.",
			 u->net.iface);
	else
		snprintf(buf, sizeof(buf), "%s: asking for a DHCP lease%s (%s)", u->net.iface,
			 ui_draw_glyph(u, "\xe2\x80\xa6", "..."), *state ? state : "waiting");
	y += ui_draw_wrapped(u, y, 2, u->cols - 3, 3, KB_ROLE_NORMAL, buf);
	ui_draw_str(u, y, 2, u->cols - 3, KB_ROLE_NORMAL,
		    "Esc goes back to the menu; DHCP goes on.");
}

static void net_draw(struct ui *u)
{
	struct ui_net *n = &u->net;
	const struct kb_json *x = ui_iface_named(u, n->iface);
	char caption[128], intro[256], cidr[64];

	intro[0] = '\0';
	switch (n->step) {
	case NET_IFACE:
		snprintf(caption, sizeof(caption), "1/3 The network interface");
		snprintf(intro, sizeof(intro), "Which interface leads to the boot server?");
		break;
	case NET_MODE:
	case NET_STATIC:
	case NET_WAIT:
		snprintf(caption, sizeof(caption), "2/3 The address of %s", n->iface);
		if (n->step == NET_STATIC)
			snprintf(intro, sizeof(intro),
				 "Address/prefix, gateway (may be empty), DNS servers.");
		else if (n->step == NET_MODE)
			snprintf(intro, sizeof(intro), "How does %s get its address?", n->iface);
		break;
	default:
		snprintf(caption, sizeof(caption), "3/3 %s",
			 n->step == NET_URL    ? "Load a config from a URL"
			 : n->step == NET_BOOT ? "Boot a kernel from URLs"
					       : "What to boot");
		if (n->step == NET_URL)
			snprintf(intro, sizeof(intro),
				 "A grub.cfg, syslinux, BLS or kboot.conf file; its entries join "
				 "the menu.");
		else if (n->step == NET_BOOT)
			snprintf(intro, sizeof(intro),
				 "The files are downloaded, then booted; initrds separated by "
				 "spaces.");
		else if (n->no_ifaces)
			snprintf(
				intro, sizeof(intro),
				"No network interface to set up here: the network is used as it is.");
		else if (n->iface && x)
			snprintf(intro, sizeof(intro), "Through %s%s%s.", n->iface,
				 *ui_iface_cidr(x, cidr, sizeof(cidr)) ? ", " : "", cidr);
		break;
	}
	ui_draw_title(u, "network boot");
	ui_draw_str(u, 1, 1, u->cols - 2, KB_ROLE_HEADING, caption);
	if (u->rows >= 16)
		ui_draw_str(u, 2, 1, u->cols - 2, KB_ROLE_NORMAL, intro);
	if (n->step == NET_WAIT)
		draw_wait(u);
	else if (n->nfields)
		draw_form(u);
	else
		draw_list(u);
	if (n->err && n->step != NET_STATIC && n->step != NET_URL && n->step != NET_BOOT &&
	    n->err_at >= n_items(u))
		ui_draw_wrapped(u, body_end(u), 2, u->cols - 3, 1, KB_ROLE_ERROR, n->err);

	if (!ui_draw_download(u, u->rows - 2))
		ui_draw_status(u, u->rows - 2);
	if (n->nfields)
		ui_draw_footer(u, u->cols < 60
					  ? "Enter OK  Tab next  Esc menu"
					  : "Enter next/OK  Tab/Up/Down field  Esc menu  F1 help");
	else if (n->step == NET_WAIT)
		ui_draw_footer(u, "Esc menu (DHCP goes on)  F1 help");
	else
		ui_draw_footer(u, u->cols < 60 ? "Enter choose  Esc menu"
					       : "Up/Down select  Enter choose  Esc menu  F1 help");
}

/* Moves the cursor into the field being edited, if one is. */
static bool net_cursor(struct ui *u)
{
	int ys[NET_FIELDS + 1], width = u->cols - LABEL_W - 1;

	if (u->net.step == NET_WAIT || !u->net.nfields || u->net.sel >= u->net.nfields || width < 1)
		return false;
	form_layout(u, ys);
	if (ys[u->net.sel] > body_end(u))
		return false;
	move(ys[u->net.sel], LABEL_W + ui_field_cursor(&u->net.field[u->net.sel], width));
	return true;
}

/* ---- Keys ---- */

static enum ui_key_ret net_key(struct ui *u, enum ui_action a, int key)
{
	struct ui_net *n = &u->net;
	int items = n_items(u);

	switch (a) {
	case ACT_NET_CANCEL:
		if (n->step == NET_WAIT && n->iface)
			ui_say(u, 0, "%s: DHCP goes on; n opens the wizard again.", n->iface);
		ui_screen_pop(u);
		break;
	case ACT_HELP:
		ui_screen_push(u, &ui_screen_help, NULL);
		break;
	case ACT_NET_NEXT:
		if (items)
			n->sel = (n->sel + 1) % items;
		break;
	case ACT_NET_PREV:
		if (items)
			n->sel = (n->sel + items - 1) % items;
		break;
	case ACT_NET_OK:
		choose(u);
		break;
	default:
		if (!n->nfields && items && (a == ACT_LINE_START || a == ACT_LINE_END)) {
			n->sel = a == ACT_LINE_START ? 0 : items - 1; /* Home, End on a list */
			break;
		}
		if (n->nfields && n->sel < n->nfields && ui_field_key(&n->field[n->sel], a, key) &&
		    n->err && n->err_at == n->sel)
			set_error(u, 0, NULL); /* the field changed: its error is stale */
		break;
	}
	return UI_KEY_DONE;
}

/* ---- News from the model ---- */

static void net_changed(struct ui *u, unsigned int what)
{
	const struct kb_json *reply = NULL;

	if (what & UI_CHANGED_REPLY)
		reply = ui_reply_take(u, u->net.seq);
	if (reply) {
		u->net.seq = 0;
		replied(u, reply); /* may close the wizard */
	}
	if ((what & UI_CHANGED_NETWORK) && ui_screen_on_stack(u, &ui_screen_net))
		network_changed(u);
	if ((what & UI_CHANGED_DOWNLOAD) && ui_screen_on_stack(u, &ui_screen_net))
		download_began(u);
}

/* The wizard: open takes nothing, it starts at (a), or (c) without interfaces. */
const struct ui_screen_ops ui_screen_net = {
	.name = "network boot",
	.keys = KM_NET,
	.open = net_open,
	.close = net_close,
	.draw = net_draw,
	.cursor = net_cursor,
	.key = net_key,
	.changed = net_changed,
};
