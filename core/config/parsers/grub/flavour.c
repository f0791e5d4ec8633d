// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flavour.c - which GRUB reads a config: upstream's or Red Hat's.
 * They differ on an unquoted \xHH (g_redhat_grub() below says how it is
 * decided); the word expansion and the kernel command line ask g->redhat.
 *
 * Not here: the unescaping itself (eval.c, parser.c's
 * g_loader_cmdline()).
 */
#include <string.h>
#include <strings.h>

#include "config/parsers/grub/grub.h"

/* rhel, centos, fedora, rocky, almalinux (an os-release ID or an EFI directory). */
static bool redhat_name(const char *w, size_t n)
{
	static const char *const names[] = {
		"rhel", "centos", "fedora", "rocky", "almalinux", NULL
	};
	size_t i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(w, names[i], n))
			return true;
	return false;
}

/*
 * What the os-release on fs says: 1 a Red Hat system (its ID or ID_LIKE
 * names one), 0 another system, -1 no os-release there.
 */
static int os_release_redhat(struct kb_pctx *p, const struct kb_fs *fs)
{
	static const char *const where[] = { "/etc/os-release", "/usr/lib/os-release", NULL };
	const char *line, *end;
	char *buf;
	size_t i, len;

	for (i = 0; where[i]; i++)
		if (!kb_read(p, fs, where[i], 64 * 1024, &buf, &len))
			break;
	if (!where[i])
		return -1;
	for (line = buf, end = buf + len; line < end; line++) {
		const char *eol = memchr(line, '\n', (size_t)(end - line)), *v;

		if (!eol)
			eol = end;
		if (!strncmp(line, "ID=", 3))
			v = line + 3;
		else if (!strncmp(line, "ID_LIKE=", 8))
			v = line + 8;
		else
			v = NULL;
		/* A list of words, maybe quoted: ID_LIKE="rhel centos fedora" */
		while (v && v < eol) {
			size_t n;

			v += strspn(v, "\"' \t\r");
			n = strcspn(v, "\"' \t\r\n");
			if (v + n > eol)
				n = (size_t)(eol - v);
			if (n && redhat_name(v, n))
				return 1;
			v += n ? n : 1;
		}
		line = eol;
	}
	return 0;
}

/*
 * Red Hat's GRUB keeps an unquoted \xHH as it is, in the words of the script
 * and in the kernel's command line, which upstream GRUB (2.00 to 2.12)
 * turns into xHH: CentOS and Fedora media write inst.stage2=hd:LABEL=
 * CentOS\x207\x20x86_64 for a label with spaces.  A config is read as the
 * GRUB of its own system reads it; the first evidence found decides:
 *   1. the os-release of that system, on the config's filesystem or on a
 *      root filesystem whose fstab mounts it at /boot, /boot/efi or /efi:
 *      Red Hat's when its ID or ID_LIKE names rhel, centos, fedora, rocky or
 *      almalinux (their rebuilds name one of these too), else upstream;
 *   2. the config's place: /EFI/{redhat,centos,fedora,rocky,almalinux}/;
 *   3. a line whose first word is a command only Red Hat's grub2 and its
 *      grub2-mkconfig write: linuxefi, initrdefi, linux16, initrd16, blscfg.
 * Else upstream.  The GRUB that reads the config reads what it includes.
 */
bool g_redhat_grub(struct kb_pctx *p, const char *buf, size_t len)
{
	static const char *const mounts[] = { "/boot", "/boot/efi", "/efi", NULL };
	static const char *const cmds[] = { "linuxefi", "initrdefi", "linux16",
					    "initrd16", "blscfg",    NULL };
	int says = os_release_redhat(p, p->fs);
	const char *line, *end = buf + len;
	size_t i, k;

	for (i = 0; says < 0 && i < kb_fs_count(p); i++) {
		const struct kb_fs *root = kb_fs_at(p, i);

		for (k = 0; root != p->fs && mounts[k]; k++)
			if (kb_view_mount(p, root, mounts[k]) == p->fs) {
				says = os_release_redhat(p, root);
				break;
			}
	}
	if (says >= 0)
		return says;
	if (!strncasecmp(p->path, "/EFI/", 5) &&
	    redhat_name(p->path + 5, strcspn(p->path + 5, "/")))
		return true;
	for (line = buf; line < end; line++) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t n;

		if (!eol)
			eol = end;
		line += strspn(line, " \t");
		n = strcspn(line, " \t\r\n;");
		for (k = 0; cmds[k] && line + n <= eol; k++)
			if (strlen(cmds[k]) == n && !strncmp(line, cmds[k], n))
				return true;
		line = eol;
	}
	return false;
}
