// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devices.c - GRUB's device and file names: (hdD,gptP), (hdD,msdosP),
 * (hdD), a filesystem's kboot name and GRUB's network devices mapped to the
 * filesystems of the scan; a file name resolved on its device or $root; the
 * name GRUB gives a filesystem; and the command line GRUB's loaders build
 * from their arguments.  What each form means is in parser.c's header.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "config/parsers/grub/grub.h"

static bool parse_uint(const char **s, int *out)
{
	long v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p) && v < 100000)
		v = v * 10 + (*p++ - '0');
	*out = (int)v;
	*s = p;
	return true;
}

/*
 * GRUB's network devices (tftp, http, https, pxe, each optionally ",SERVER"
 * or, for pxe, ":SERVER"): the server the config came from, when it came
 * from the network and SERVER is left out, empty or that server's host.
 */
static const struct kb_fs *net_device(struct gstate *g, const char *dev)
{
	static const char *const protos[] = { "tftp", "http", "https", "pxe", NULL };
	const struct kb_fs *cfg = g->cfg_fs;
	const char *server, *host;
	size_t i, n = strcspn(dev, ",:"), hn;

	if (!cfg || !cfg->url)
		return NULL;
	for (i = 0; protos[i] && (strlen(protos[i]) != n || strncmp(dev, protos[i], n)); i++)
		;
	if (!protos[i])
		return NULL;
	server = dev[n] ? dev + n + 1 : "";
	if (!server[0])
		return cfg;
	/* The URL's host: after "//", up to the port or the path; IPv6 in brackets. */
	host = strstr(cfg->url, "//");
	if (!host)
		return NULL;
	host += 2;
	if (*host == '[') {
		host++;
		hn = strcspn(host, "]");
	} else {
		hn = strcspn(host, ":/");
	}
	return strlen(server) == hn && !strncasecmp(server, host, hn) ? cfg : NULL;
}

const struct kb_fs *g_device(struct gstate *g, const char *dev)
{
	const struct kb_fs *fs;
	char buf[256];
	size_t n;
	const char *s;
	int disk, part = 0;

	if (!g->p || !dev)
		return NULL;
	n = strlen(dev);
	if (n >= 2 && dev[0] == '(' && dev[n - 1] == ')') {
		dev++;
		n -= 2;
	}
	if (!n || n >= sizeof(buf))
		return NULL;
	memcpy(buf, dev, n);
	buf[n] = '\0';
	s = buf;
	if (s[0] == 'h' && s[1] == 'd') {
		s += 2;
		if (parse_uint(&s, &disk)) {
			if (!*s)
				return kb_fs_by_disk_part(g->p, disk, 0);
			if (*s == ',') {
				s++;
				if (!strncmp(s, "gpt", 3))
					s += 3;
				else if (!strncmp(s, "msdos", 5))
					s += 5;
				if (parse_uint(&s, &part) && !*s)
					return kb_fs_by_disk_part(g->p, disk, part);
			}
		}
	}
	fs = kb_fs_by_dev(g->p, buf);
	return fs ? fs : net_device(g, buf);
}

const char *g_devname(struct gstate *g, const struct kb_fs *fs)
{
	const char *name;

	if (fs == g->devname_fs)
		return g->devname; /* `search` finds the same one 10,000 times */
	if (fs->disk >= 0 && fs->part > 0 && fs->pttype && !strcmp(fs->pttype, "gpt"))
		name = arena_printf(g->a, "hd%d,gpt%d", fs->disk, fs->part);
	else if (fs->disk >= 0 && fs->part > 0 && fs->pttype && !strcmp(fs->pttype, "dos"))
		name = arena_printf(g->a, "hd%d,msdos%d", fs->disk, fs->part);
	else if (fs->disk >= 0 && fs->part == 0)
		name = arena_printf(g->a, "hd%d", fs->disk);
	else
		name = fs->name;
	if (name) {
		g->devname_fs = fs;
		g->devname = name;
	}
	return name ? name : fs->name;
}

int g_resolve(struct gstate *g, const char *name, struct kb_file *out, const char **why)
{
	const struct kb_fs *fs;
	const char *path = name;

	out->fs = NULL;
	out->path = NULL;
	if (!g->p)
		return -EINVAL;
	if (name[0] == '(' && strchr(name, ')')) {
		const char *close = strchr(name, ')');
		char *dev = arena_strndup(g->a, name + 1, (size_t)(close - name - 1));

		if (!dev)
			return -ENOMEM;
		fs = g_device(g, dev);
		if (!fs) {
			if (why)
				*why = arena_printf(g->a, "(%s) is an unknown device", dev);
			return -ENODEV;
		}
		path = close + 1;
	} else {
		const char *root = g_get(g, "root");

		/* GRUB: a name without a device is on $root; unset, on no device. */
		fs = root && root[0] ? g_device(g, root) : NULL;
		if (!fs) {
			if (why)
				*why = arena_printf(g->a, "$root (%s) is an unknown device",
						    root ? root : "");
			return -ENODEV;
		}
	}
	out->fs = fs;
	out->path = kb_path_join(g->p->arena, "/", path[0] ? path : "/");
	return out->path ? 0 : -ENOMEM;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void g_loader_cmdline(struct strbuf *sb, int argc, char **argv, bool redhat)
{
	int i;

	for (i = 0; i < argc; i++) {
		bool space = strchr(argv[i], ' ') != NULL;
		const char *c;

		if (i)
			sb_addc(sb, ' ');
		if (space)
			sb_addc(sb, '"');
		for (c = argv[i]; *c; c++) {
			if (redhat && c[0] == '\\' && c[1] == 'x' && is_hex(c[2]) && is_hex(c[3])) {
				sb_add(sb, c, 4);
				c += 3;
				continue;
			}
			if (*c == '\\' || *c == '\'' || *c == '"')
				sb_addc(sb, '\\');
			sb_addc(sb, *c);
		}
		if (space)
			sb_addc(sb, '"');
	}
}
