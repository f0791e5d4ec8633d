// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source.c - a SOURCE of `kboot scan` and of the daemon's --source: its
 * spec "PATH[:name=NAME][:uuid=UUID]..." read, and the PATH added to a scan
 * as what it is: a directory as it stands, a block device or disk image
 * through blockdev.c.
 *
 * Above both scan.c (which only takes directories) and blockdev.c (which
 * mounts and then hands scan.c the directories).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/blockdev.h"
#include "config/scan.h"

static int parse_int(const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < -1 || n > 4096)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

int kb_source_parse(struct arena *a, const char *spec, struct kb_fs *identity, const char **dir,
		    FILE *err)
{
	struct kb_fs id = { .disk = -1, .rootfd = -1 };
	char *copy = arena_strdup(a, spec);
	char *path, *opt, *save = NULL;

	if (!copy)
		return -ENOMEM;
	path = strtok_r(copy, ":", &save);
	if (!path) {
		if (err)
			fprintf(err, "kboot: empty SOURCE\n");
		return -EINVAL;
	}
	while ((opt = strtok_r(NULL, ":", &save))) {
		char *v = strchr(opt, '=');
		int bad = 0;

		if (!v) {
			bad = 1;
		} else {
			*v++ = '\0';
			if (!strcmp(opt, "name") && *v)
				id.name = v;
			else if (!strcmp(opt, "uuid"))
				id.uuid = v;
			else if (!strcmp(opt, "label"))
				id.label = v;
			else if (!strcmp(opt, "partuuid"))
				id.partuuid = v;
			else if (!strcmp(opt, "partlabel"))
				id.partlabel = v;
			else if (!strcmp(opt, "fstype"))
				id.fstype = v;
			else if (!strcmp(opt, "pttype"))
				id.pttype = v;
			else if (!strcmp(opt, "disk"))
				bad = parse_int(v, &id.disk);
			else if (!strcmp(opt, "part"))
				bad = parse_int(v, &id.part);
			else
				bad = 1;
		}
		if (bad) {
			if (v)
				v[-1] = '='; /* show the option as it was given */
			if (err)
				fprintf(err,
					"kboot: %s: unknown or bad option '%s' "
					"(expected name=, uuid=, label=, partuuid=)\n",
					path, opt);
			return -EINVAL;
		}
	}
	*identity = id;
	*dir = path;
	return 0;
}

int kb_scan_add_source(struct kb_scan *s, const char *spec, FILE *err)
{
	struct kb_fs id;
	const char *path;
	struct stat st;
	int ret;

	ret = kb_source_parse(s->arena, spec, &id, &path, err);
	if (ret)
		return ret;
	if (stat(path, &st)) {
		ret = -errno;
		if (err)
			fprintf(err, "kboot: %s: %s\n", path, strerror(errno));
		return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = kb_scan_add_dir(s, path, &id);
		if (ret && err)
			fprintf(err, "kboot: %s: %s\n", path, strerror(-ret));
		return ret;
	}
	if (S_ISBLK(st.st_mode) || S_ISREG(st.st_mode))
		return kb_blockdev_add(s, path, id.name, err);
	if (err)
		fprintf(err, "kboot: %s: not a directory, block device or disk image\n", path);
	return -EINVAL;
}
