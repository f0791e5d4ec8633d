// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * remote.c - network sources (remote.h): what to fetch for a config URL
 * or a PXE lease, URLs of a source's files, the parser for a fetched
 * config, and the two blocking calls of the probe child (fetch, NFS mount).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/parser.h"
#include "net/fetch/fetch.h"
#include "net/remote.h"

/* ---- Sources ---- */

/* Where the path of an absolute URL starts (after "scheme://authority"). */
static const char *url_path(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return NULL;
	p += 3;
	return p + strcspn(p, "/?#");
}

int kb_remote_from_url(struct arena *a, const char *url, struct kb_remote *r, char *err,
		       size_t errlen)
{
	static struct kb_url u; /* 4.5 KiB: not on a child's small stack */
	const char *path, *ent;
	char *cfg;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = kb_url_parse(url, &u, err, errlen);
	if (ret)
		return ret;
	r->url = arena_strdup(a, url);
	if (u.scheme == KB_URL_NFS) {
		r->kind = KB_REMOTE_NFS;
		return r->url ? 0 : -ENOMEM;
	}
	path = url_path(url);
	cfg = arena_strndup(a, path, strcspn(path, "#"));
	if (!cfg || !*cfg || !strcmp(cfg, "/") || cfg[strlen(cfg) - 1] == '/') {
		snprintf(err, errlen, "'%s': names a directory, not a config file", url);
		return -EINVAL;
	}
	r->kind = KB_REMOTE_CONFIG;
	r->base = arena_strndup(a, url, (size_t)(path - url));
	r->configs[0] = kb_path_join(a, "/", cfg);
	r->nconfigs = 1;
	if (!r->url || !r->base || !r->configs[0])
		return -ENOMEM;
	/* A BLS entry: its paths are relative to the directory above loader/. */
	ent = strstr(r->configs[0], "/loader/entries/");
	if (ent && !strchr(ent + 16, '/')) {
		r->base = arena_printf(a, "%s%.*s", r->base, (int)(ent - r->configs[0]),
				       r->configs[0]);
		r->configs[0] = arena_strdup(a, ent);
		r->parser = "bls";
		if (!r->base || !r->configs[0])
			return -ENOMEM;
	}
	return 0;
}

int kb_remote_lease_wants_pxe(const struct kb_iface *x)
{
	return x->pxe_config[0] || x->bootfile[0];
}

/* A boot file that is a config itself, not a program (pxelinux.0, *.efi). */
static bool bootfile_is_config(const char *f)
{
	size_t n = strlen(f);

	return strstr(f, "pxelinux.cfg/") || (n > 4 && !strcasecmp(f + n - 4, ".cfg")) ||
	       (n > 5 && !strcasecmp(f + n - 5, ".conf"));
}

/* "a/b/" "/a/b" "a" -> "/a/b", "/a/b", "/a": a directory without a '/' at the end. */
static char *dir_clean(struct arena *a, const char *d, size_t n)
{
	char *s = arena_strndup(a, d, n), *j;

	if (!s)
		return NULL;
	j = kb_path_join(a, "/", s);
	if (j && !strcmp(j, "/"))
		j[0] = '\0';
	return j;
}

int kb_remote_pxe(struct arena *a, const struct kb_iface *x, const char *uuid, struct kb_remote *r,
		  char *err, size_t errlen)
{
	const char *server = x->tftp[0] ? x->tftp : x->server, *slash;
	char names[KB_PXE_MAX][KB_PXE_NAME], buf[KB_NET_TEXT * 2];
	const char *prefix = "", *cfgname = NULL;
	size_t i, n;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->iface = x->name;
	r->parser = "syslinux";
	if (strstr(x->pxe_config, "://")) {
		/* A config URL (lpxelinux): it says it all. */
		ret = kb_remote_from_url(a, x->pxe_config, r, err, errlen);

		r->iface = x->name;
		r->parser = "syslinux";
		if (!ret && r->kind != KB_REMOTE_CONFIG) {
			snprintf(err, errlen, "%s: option 209 '%s' is not a config", x->name,
				 x->pxe_config);
			ret = -EINVAL;
		}
		goto ipappend_out;
	}
	if (!server[0]) {
		snprintf(err, errlen, "%s: the DHCP answer names no boot server", x->name);
		return -ENOENT;
	}
	/* The path prefix: option 210, else the boot file's directory. */
	if (strstr(x->pxe_prefix, "://")) {
		size_t n210 = strlen(x->pxe_prefix);

		while (n210 && x->pxe_prefix[n210 - 1] == '/')
			n210--;
		prefix = arena_strndup(a, x->pxe_prefix, n210);
	} else if (x->pxe_prefix[0]) {
		prefix = dir_clean(a, x->pxe_prefix, strlen(x->pxe_prefix));
	} else if (x->bootfile[0]) {
		const char *cut = strstr(x->bootfile, "pxelinux.cfg/");

		if (!cut || !bootfile_is_config(x->bootfile)) {
			slash = strrchr(x->bootfile, '/');
			cut = slash ? slash + 1 : x->bootfile;
		}
		prefix = dir_clean(a, x->bootfile, (size_t)(cut - x->bootfile));
	}
	if (!prefix)
		return -ENOMEM;
	if (strstr(prefix, "://"))
		r->base = arena_strdup(a, prefix); /* a URL as prefix */
	else
		r->base = arena_printf(a, "tftp://%s%s%s%s", strchr(server, ':') ? "[" : "", server,
				       strchr(server, ':') ? "]" : "", prefix);
	r->basedir = "/";
	if (x->pxe_config[0]) {
		cfgname = x->pxe_config;
	} else if (x->bootfile[0] && bootfile_is_config(x->bootfile)) {
		slash = strstr(x->bootfile, "pxelinux.cfg/");
		if (!slash)
			slash = strrchr(x->bootfile, '/');
		cfgname = slash ? slash + (*slash == '/') : x->bootfile;
	}
	if (cfgname) {
		r->configs[0] = kb_path_join(a, "/", cfgname);
		r->nconfigs = 1;
	} else {
		n = kb_pxe_candidates(uuid, x->mac, x->addr, names);
		for (i = 0; i < n; i++)
			r->configs[i] = arena_printf(a, "/%s", names[i]);
		r->nconfigs = n;
	}
	r->url = r->base;
	for (i = 0; i < r->nconfigs; i++)
		if (!r->configs[i])
			return -ENOMEM;
	if (!r->base)
		return -ENOMEM;
ipappend_out:
	for (i = 0; i < 2; i++) {
		kb_pxe_ipappend((int)i + 1, x, buf, sizeof(buf));
		r->ipappend[i] = buf[0] ? arena_strdup(a, buf) : NULL;
	}
	return ret;
}

/* ---- URLs and parsers ---- */

int kb_remote_url(const char *base, const char *path, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(base), i;

	if (n >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, base, n);
	for (i = 0; path[i]; i++) {
		unsigned char c = (unsigned char)path[i];
		bool escape = c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}#", c) ||
			      (c == '%' && !(isxdigit(path[i + 1]) && isxdigit(path[i + 2])));

		if (n + (escape ? 3 : 1) >= outlen)
			return -ENAMETOOLONG;
		if (escape) {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	return 0;
}

/* ---- In the probe child ---- */

/* mkdir -p for the directories above root + path. */
static int make_parents(const char *root, const char *path, char *buf, size_t len)
{
	char *s;

	if ((size_t)snprintf(buf, len, "%s%s", root, path) >= len)
		return -ENAMETOOLONG;
	for (s = buf + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int kb_remote_fetch(const char *base, const char *root, const char *path, char *err, size_t errlen)
{
	char url[4096], file[4096], part[4200];
	struct kb_fetch_opts o = { .max_size = KB_MAX_CONFIG_SIZE };
	int fd, ret;

	if (kb_remote_url(base, path, url, sizeof(url)) ||
	    (ret = make_parents(root, path, file, sizeof(file)))) {
		snprintf(err, errlen, "%s%s: the name is too long", base, path);
		return -ENAMETOOLONG;
	}
	snprintf(part, sizeof(part), "%s.part", file);
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot write %s: %s", url, part, strerror(errno));
		return ret;
	}
	ret = kb_fetch(url, fd, &o, NULL, NULL, err, errlen);
	if (close(fd) && !ret) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot write %s: %s", url, part, strerror(errno));
	}
	if (!ret && rename(part, file)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot write %s: %s", url, file, strerror(errno));
	}
	if (ret)
		unlink(part);
	return ret;
}

int kb_remote_mount_nfs(const char *url, const char *dir, char *err, size_t errlen)
{
	static struct kb_url u;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char addr[INET6_ADDRSTRLEN], src[KB_URL_HOST_MAX + KB_URL_PATH_MAX + 4], opts[256];
	int ret;

	ret = kb_url_parse(url, &u, err, errlen);
	if (ret)
		return ret;
	ret = getaddrinfo(u.host, NULL, &hints, &res);
	if (ret || !res) {
		snprintf(err, errlen, "%s: cannot resolve '%s'", url, u.host);
		return -EHOSTUNREACH;
	}
	if (res->ai_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, addr,
			  sizeof(addr));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, addr,
			  sizeof(addr));
	freeaddrinfo(res);
	snprintf(src, sizeof(src), "%s%s%s:%s", u.ipv6 ? "[" : "", u.host, u.ipv6 ? "]" : "",
		 u.path);
	/*
	 * NFSv4 needs one TCP connection to one port: no rpcbind, no mountd,
	 * no lock manager.  Read-only, and no attribute caching worth the name
	 * is needed for a boot.
	 */
	snprintf(opts, sizeof(opts),
		 "vers=4.2,proto=tcp,port=%u,addr=%s,ro,soft,timeo=50,retrans=2", u.port, addr);
	if (mount(src, dir, "nfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, opts)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot mount: %s", url, strerror(errno));
		return ret;
	}
	return 0;
}
