// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lilo.c - /etc/lilo.conf, read as lilo(8) reads it.
 *
 * Syntax (lilo's cfg.c): the file is a stream of items "name", "name=value"
 * or "name = value"; line breaks do not matter, so several items may share a
 * line.  Names are case-insensitive.  '#' at the start of a token begins a
 * comment to the end of the line.  Values are words or "double-quoted
 * strings" (\" and \\ inside; backslash-newline continues the string with
 * one blank).  Outside quotes a backslash takes the next character
 * literally, and backslash-newline joins lines.  A word ends at '=', so
 * lilo rejects root=UUID=... unquoted; kboot joins such a value and warns.
 * CRs are dropped.  Options
 * before the first image= or other= are global; each image=/other= starts a
 * section that runs to the next one.
 *
 * Entries: one per image= (a kernel) and one per other= (listed, never
 * available: chain-loading another boot loader cannot be done with kexec).
 *   - Paths are absolute in the root filesystem of the system that ran
 *     lilo, which holds /etc/lilo.conf; they go through that system's
 *     /etc/fstab (kb_view_resolve), so a separate /boot is found.
 *   - title = label; without a label, the image's basename (lilo does the
 *     same).  Blanks in a label become '_', as lilo stores them.
 *     cfg_id = that label.
 *   - initrd (image, else global); a missing file is reported by the scan.
 *   - optional (image or global): an image whose kernel or initrd is missing
 *     is dropped without a word, as lilo drops it at map time.
 *   - default= names a label or an alias (case-insensitive, as lilo is built
 *     by default); without it the first image or other is the default.
 *   - hotkey: a one-character alias, or a one-character label with
 *     single-key.  Longer aliases are not recorded (no model field yet).
 *
 * Command line, built as lilo's bsect.c builds it, then prefixed by what
 * the second stage adds at boot time:
 *     BOOT_IMAGE=<label> [ro] [rw] [root=...] [ramdisk=N] [append] [addappend]
 *   - ro / rw from read-only / read-write (image or global; both may appear,
 *     the kernel takes the last);
 *   - root= from root (image, else global): UUID=/LABEL=/PARTUUID= and
 *     /dev/... are passed as text (lilo turns /dev names into a device
 *     number at map time; the name says the same to the kernel); a number
 *     becomes hex as lilo writes it; "current" becomes the identity of the
 *     filesystem holding lilo.conf (the running root when lilo ran):
 *     UUID= when the entry has an initrd, else PARTUUID= or the device
 *     (the kernel itself understands only those), then the others;
 *   - append: the image's append replaces the global one; addappend (image
 *     only) is added after it;
 *   - literal= (image) replaces all of the above but BOOT_IMAGE;
 *   - runs of blanks become one, as lilo's second stage suppresses doubles.
 *   Not added: "auto", which lilo puts first on an unattended boot; kboot
 *   cannot know at scan time how the entry will be started.
 *
 * Timeout: with prompt, timeout= (tenths of a second, or with a t/s/m/h
 * suffix) rounded up to seconds, none means wait (unattended: 20 s, as lilo
 * sets).  Without prompt lilo boots the default after delay= (only Shift
 * etc. interrupts it), so the timeout is the delay rounded up, 0 when none
 * (serial= raises it to 2 s as lilo does); timeout= then does not apply.
 *
 * vga= is a boot-sector setting (the setup header's vid_mode), not part of
 * the command line; lilo even refuses vga= in append.  kexec does not run
 * the kernel's real-mode setup, so the new kernel keeps kboot's video mode
 * whatever is written: vga=normal/ext/extended is dropped silently, ask or a
 * mode number gives a warning on the entry.  Putting vga= on the command
 * line would change nothing (the kernel leaves it to the boot loader).
 *
 * Also noted on the entry: password= (lilo asks for it; kboot does not);
 * range= (a kernel stored as a sector range of a device: unavailable).
 *
 * Ignored, having no meaning for kexec: boot, map, install, backup,
 * force-backup, compact, linear, lba32, geometric, message, bitmap,
 * bmp-*, menu-title, menu-scheme, keytable, disk= sections (bios,
 * sectors, heads, cylinders, inaccessible, max-partitions, partition,
 * start), change-rules (reset, type, normal, hidden), change (automatic,
 * partition, activate, deactivate, set), map-drive/to, table, loader,
 * boot-as, master-boot, unsafe, fallback, lock, restricted, mandatory,
 * bypass, single-key (but see hotkey), large-memory, small-memory,
 * fix-table, ignore-table, el-torito-bootable-cd, static-bios-codes,
 * suppress-boot-time-BIOS-data, nodevcache, noraid, nowarn, raid-extra-boot,
 * bios-passes-dl, disktab, verbose, vmdefault, vmdisable, vmwarn,
 * nokbdefault, nokbdisable.
 *
 * Not supported: $NAME / ${NAME} environment variables (lilo expands them
 * from its own environment when it runs; kboot keeps the text and warns);
 * -C other config files; lilo's refusal of a whole file on one error (kboot
 * warns "lilo.conf:LINE: ..." and carries on); lilo's limits (15-character
 * labels, at most 27 images, conflicting flags) are not enforced.  A global
 * option after the first image= is an error for lilo; kboot warns and
 * ignores it.
 *
 * This file reads the items (lilo's keyword table, its tokens) and keeps
 * each section's settings; lilo-entry.c turns a finished section into an
 * entry and works out the timeout (lilo-private.h is what the two share).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/parsers/lilo-private.h"

/* ---- Keywords ---- */

struct key {
	const char *name;
	bool value; /* takes "= value" (else a flag) */
	int scopes; /* where lilo accepts it */
	enum key_id id;
};

/* lilo's cf_options, cf_all, cf_kernel, cf_image, cf_other and sub-tables. */
static const struct key keys[] = {
	{ "image", true, SC_ANY, K_IMAGE },
	{ "other", true, SC_ANY, K_OTHER },
	{ "label", true, SC_IMAGE | SC_OTHER, K_LABEL },
	{ "alias", true, SC_IMAGE | SC_OTHER, K_ALIAS },
	{ "append", true, SC_GLOBAL | SC_IMAGE, K_APPEND },
	{ "addappend", true, SC_IMAGE, K_ADDAPPEND },
	{ "literal", true, SC_IMAGE | SC_OTHER, K_LITERAL },
	{ "root", true, SC_GLOBAL | SC_IMAGE, K_ROOT },
	{ "initrd", true, SC_GLOBAL | SC_IMAGE, K_INITRD },
	{ "ramdisk", true, SC_GLOBAL | SC_IMAGE, K_RAMDISK },
	{ "read-only", false, SC_GLOBAL | SC_IMAGE, K_READ_ONLY },
	{ "read-write", false, SC_GLOBAL | SC_IMAGE, K_READ_WRITE },
	{ "vga", true, SC_GLOBAL | SC_IMAGE, K_VGA },
	{ "optional", false, SC_ANY, K_OPTIONAL },
	{ "password", true, SC_ANY, K_PASSWORD },
	{ "single-key", false, SC_ANY, K_SINGLE_KEY },
	{ "range", true, SC_IMAGE, K_RANGE },
	{ "default", true, SC_GLOBAL, K_DEFAULT },
	{ "timeout", true, SC_GLOBAL, K_TIMEOUT },
	{ "delay", true, SC_GLOBAL, K_DELAY },
	{ "prompt", false, SC_GLOBAL, K_PROMPT },
	{ "unattended", false, SC_GLOBAL, K_UNATTENDED },
	{ "serial", true, SC_GLOBAL, K_SERIAL },
	/* Global, no meaning for kexec. */
	{ "backup", true, SC_GLOBAL, K_IGNORED },
	{ "bios-passes-dl", true, SC_GLOBAL, K_IGNORED },
	{ "bitmap", true, SC_GLOBAL, K_IGNORED },
	{ "bmp-colors", true, SC_GLOBAL, K_IGNORED },
	{ "bmp-table", true, SC_GLOBAL, K_IGNORED },
	{ "bmp-timer", true, SC_GLOBAL, K_IGNORED },
	{ "boot", true, SC_GLOBAL, K_IGNORED },
	{ "change-rules", false, SC_GLOBAL, K_IGNORED },
	{ "compact", false, SC_GLOBAL, K_IGNORED },
	{ "disk", true, SC_GLOBAL, K_IGNORED },
	{ "disktab", true, SC_GLOBAL, K_IGNORED },
	{ "el-torito-bootable-cd", false, SC_GLOBAL, K_IGNORED },
	{ "fix-table", false, SC_GLOBAL, K_IGNORED },
	{ "force-backup", true, SC_GLOBAL, K_IGNORED },
	{ "geometric", false, SC_GLOBAL, K_IGNORED },
	{ "ignore-table", false, SC_GLOBAL, K_IGNORED },
	{ "install", true, SC_GLOBAL, K_IGNORED },
	{ "keytable", true, SC_GLOBAL, K_IGNORED },
	{ "large-memory", false, SC_GLOBAL, K_IGNORED },
	{ "small-memory", false, SC_GLOBAL, K_IGNORED },
	{ "lba32", false, SC_GLOBAL, K_IGNORED },
	{ "linear", false, SC_GLOBAL, K_IGNORED },
	{ "map", true, SC_GLOBAL, K_IGNORED },
	{ "menu-scheme", true, SC_GLOBAL, K_IGNORED },
	{ "menu-title", true, SC_GLOBAL, K_IGNORED },
	{ "message", true, SC_GLOBAL, K_IGNORED },
	{ "nodevcache", false, SC_GLOBAL, K_IGNORED },
	{ "nokbdefault", true, SC_GLOBAL, K_IGNORED },
	{ "noraid", false, SC_GLOBAL, K_IGNORED },
	{ "nowarn", false, SC_GLOBAL, K_IGNORED },
	{ "raid-extra-boot", true, SC_GLOBAL, K_IGNORED },
	{ "static-bios-codes", false, SC_GLOBAL, K_IGNORED },
	{ "suppress-boot-time-BIOS-data", false, SC_GLOBAL, K_IGNORED },
	{ "verbose", true, SC_GLOBAL, K_IGNORED },
	{ "vmdefault", true, SC_GLOBAL, K_IGNORED },
	/* Global and per section. */
	{ "bmp-retain", false, SC_ANY, K_IGNORED },
	{ "fallback", true, SC_ANY, K_IGNORED },
	{ "lock", false, SC_ANY, K_IGNORED },
	{ "mandatory", false, SC_ANY, K_IGNORED },
	{ "restricted", false, SC_ANY, K_IGNORED },
	{ "loader", true, SC_GLOBAL | SC_OTHER, K_IGNORED },
	{ "boot-as", true, SC_GLOBAL | SC_OTHER, K_IGNORED },
	{ "master-boot", false, SC_GLOBAL | SC_OTHER, K_IGNORED },
	{ "bypass", false, SC_IMAGE | SC_OTHER, K_IGNORED },
	{ "nokbdisable", false, SC_IMAGE | SC_OTHER, K_IGNORED },
	{ "vmdisable", false, SC_IMAGE | SC_OTHER, K_IGNORED },
	{ "vmwarn", false, SC_IMAGE | SC_OTHER, K_IGNORED },
	/* other= sections. */
	{ "change", false, SC_OTHER, K_IGNORED },
	{ "map-drive", true, SC_OTHER, K_IGNORED },
	{ "table", true, SC_OTHER, K_IGNORED },
	{ "unsafe", false, SC_OTHER, K_IGNORED },
	/* Sub-sections of disk=, change-rules, change and map-drive=. */
	{ "bios", true, SC_ANY, K_IGNORED },
	{ "cylinders", true, SC_ANY, K_IGNORED },
	{ "heads", true, SC_ANY, K_IGNORED },
	{ "sectors", true, SC_ANY, K_IGNORED },
	{ "inaccessible", false, SC_ANY, K_IGNORED },
	{ "max-partitions", true, SC_ANY, K_IGNORED },
	{ "partition", true, SC_ANY, K_IGNORED },
	{ "start", true, SC_ANY, K_IGNORED },
	{ "reset", false, SC_ANY, K_IGNORED },
	{ "type", true, SC_ANY, K_IGNORED },
	{ "normal", true, SC_ANY, K_IGNORED },
	{ "hidden", true, SC_ANY, K_IGNORED },
	{ "automatic", false, SC_ANY, K_IGNORED },
	{ "activate", false, SC_ANY, K_IGNORED },
	{ "deactivate", false, SC_ANY, K_IGNORED },
	{ "set", true, SC_ANY, K_IGNORED },
	{ "to", true, SC_ANY, K_IGNORED },
};

static const struct key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcasecmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* ---- Tokens (lilo's cfg_get_token) ---- */

struct lexer {
	struct kb_pctx *p;
	const char *s, *end; /* what is left of the file */
	int line;	     /* line of *s */
	struct strbuf sb;    /* scratch for the token being read */
};

struct token {
	const char *text; /* arena-owned; NULL for '=' */
	int line;	  /* where it started */
	bool eq;	  /* the token "=" */
};

static int peekc(const struct lexer *lx)
{
	return lx->s < lx->end ? (unsigned char)*lx->s : EOF;
}

/* The next character, CRs dropped (lilo strips DOS line ends). */
static int getc_lx(struct lexer *lx)
{
	int c;

	do {
		if (lx->s >= lx->end)
			return EOF;
		c = (unsigned char)*lx->s++;
	} while (c == '\r');
	if (c == '\n')
		lx->line++;
	return c;
}

static void skip_blanks_lx(struct lexer *lx)
{
	while (peekc(lx) == ' ' || peekc(lx) == '\t' || peekc(lx) == '\r')
		lx->s++;
}

static bool lex_quoted(struct lexer *lx, bool *dollar)
{
	int c;

	for (;;) {
		c = getc_lx(lx);
		if (c == EOF || c == '\n') {
			kb_warn(lx->p, lx->line - (c == '\n'), "unterminated quoted string");
			return true;
		}
		if (c == '"')
			return true;
		if (c == '$')
			*dollar = true;
		if (c == '\\') {
			c = getc_lx(lx);
			if (c == '\n') {
				/* A continued string: the break counts as one blank. */
				skip_blanks_lx(lx);
				sb_addc(&lx->sb, ' ');
				continue;
			}
			if (c == EOF) {
				kb_warn(lx->p, lx->line, "unterminated quoted string");
				return true;
			}
			if (c != '"' && c != '\\' && c != '$') {
				kb_warn(lx->p, lx->line, "bad use of \\ in a quoted string");
				sb_addc(&lx->sb, '\\');
			}
		}
		sb_addc(&lx->sb, c == '\t' ? ' ' : (char)c);
	}
}

static void lex_word(struct lexer *lx, bool *dollar)
{
	int c;

	for (;;) {
		c = peekc(lx);
		if (c == '\r') {
			lx->s++; /* dropped, as lilo drops it */
			continue;
		}
		if (c == EOF || c == ' ' || c == '\t' || c == '\n' || c == '#' || c == '=')
			return;
		getc_lx(lx);
		if (c == '$')
			*dollar = true;
		if (c == '\\') {
			c = getc_lx(lx);
			if (c == '\n')
				continue; /* joined lines */
			if (c == EOF)
				return;
			if (c == '\t')
				c = ' ';
		}
		sb_addc(&lx->sb, (char)c);
	}
}

/* The next token; false at the end of the file. */
static bool next_token(struct lexer *lx, struct token *t)
{
	bool dollar = false;
	int c;

	for (;;) {
		c = peekc(lx);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			getc_lx(lx);
			continue;
		}
		if (c == '#') {
			while (peekc(lx) != EOF && peekc(lx) != '\n')
				lx->s++;
			continue;
		}
		break;
	}
	if (c == EOF)
		return false;
	t->line = lx->line;
	t->eq = false;
	if (c == '=') {
		lx->s++;
		t->eq = true;
		t->text = NULL;
		return true;
	}
	sb_reset(&lx->sb);
	if (c == '"') {
		lx->s++;
		lex_quoted(lx, &dollar);
	} else {
		lex_word(lx, &dollar);
	}
	t->text = arena_strdup(lx->p->arena, sb_str(&lx->sb));
	if (!t->text)
		t->text = "";
	if (dollar)
		kb_warn(lx->p, t->line,
			"'%s': lilo expands $ variables from its environment; "
			"kept as written",
			t->text);
	return true;
}

/*
 * lilo ends a word at '=', so it rejects root=LABEL=/ unless the value is
 * quoted.  Such a value is still meant as one: join it, and say so.
 */
static const char *glue_equals(struct lexer *lx, const struct token *name, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	struct token more;

	if (peekc(lx) != '=')
		return value;
	sb_adds(&sb, value);
	while (peekc(lx) == '=') {
		lx->s++;
		sb_addc(&sb, '=');
		if (peekc(lx) == EOF || isspace(peekc(lx)) || peekc(lx) == '#' || peekc(lx) == '=')
			continue;
		if (!next_token(lx, &more))
			break;
		sb_adds(&sb, more.text);
	}
	value = sb_finish(&sb, lx->p->arena);
	kb_warn(lx->p, name->line,
		"%s=%s: lilo wants quotes around a value with '='; "
		"read as one value",
		name->text, value ? value : "");
	return value ? value : "";
}

/* ---- The parser ---- */

static const char *scope_name(int scope)
{
	return scope == SC_GLOBAL  ? "the global section"
	       : scope == SC_IMAGE ? "an image= section"
				   : "an other= section";
}

static int lilo_parse(struct kb_pctx *p, const char *buf, size_t len)
{
	struct lilo l = { .p = p, .global = { .scope = SC_GLOBAL } };
	struct lexer lx = { .p = p, .s = buf, .end = buf + len, .line = 1, .sb = STRBUF_INIT };
	struct section *cur = &l.global, *sect = NULL;
	struct token t, v;
	bool pending = false;

	if (memchr(buf, '\0', len)) {
		kb_warn(p, 0, "binary data; not a lilo.conf");
		return 0;
	}
	for (;;) {
		const struct key *k;
		const char *value = NULL;

		if (pending) {
			t = v;
			pending = false;
		} else if (!next_token(&lx, &t)) {
			break;
		}
		if (t.eq) {
			kb_warn(p, t.line, "'=' without a name");
			continue;
		}
		/* An item is "name" or "name = value". */
		if (next_token(&lx, &v)) {
			if (!v.eq) {
				pending = true;
			} else if (!next_token(&lx, &v)) {
				kb_warn(p, t.line, "%s=: value expected", t.text);
				break;
			} else if (v.eq) {
				kb_warn(p, t.line, "%s=: value expected", t.text);
				continue;
			} else {
				value = glue_equals(&lx, &t, v.text);
			}
		}
		k = find_key(t.text);
		if (!k) {
			kb_warn(p, t.line, "unknown option '%s'; ignored", t.text);
			continue;
		}
		if (k->value && !value) {
			kb_warn(p, t.line, "%s: value expected", k->name);
			continue;
		}
		if (!k->value && value) {
			kb_warn(p, t.line, "%s takes no value; ignored", k->name);
			continue;
		}
		if (k->id == K_IMAGE || k->id == K_OTHER) {
			if (cur != &l.global)
				lilo_finish_section(&l, cur);
			if (!sect)
				sect = arena_alloc(p->arena, sizeof(*sect));
			if (!sect)
				break;
			memset(sect, 0, sizeof(*sect));
			sect->scope = k->id == K_IMAGE ? SC_IMAGE : SC_OTHER;
			sect->path = value;
			sect->line = t.line;
			cur = sect;
			continue;
		}
		if (!(k->scopes & cur->scope)) {
			kb_warn(p, t.line, "'%s' is not valid in %s; ignored", k->name,
				scope_name(cur->scope));
			continue;
		}
		if (k->id == K_IGNORED)
			continue;
		if (cur->set[k->id].line) {
			kb_warn(p, t.line, "duplicate '%s'; the first one (line %d) is used",
				k->name, cur->set[k->id].line);
			continue;
		}
		if ((k->id == K_READ_ONLY && cur->set[K_READ_WRITE].line) ||
		    (k->id == K_READ_WRITE && cur->set[K_READ_ONLY].line))
			kb_warn(p, t.line, "both read-only and read-write; the kernel gets both");
		cur->set[k->id].value = value;
		cur->set[k->id].line = t.line;
	}
	if (cur != &l.global)
		lilo_finish_section(&l, cur);
	lilo_set_timeout(&l);
	sb_release(&lx.sb);

	if (lilo_is_set(&l.global, K_DEFAULT) && !l.dflt)
		kb_warn(p, l.global.set[K_DEFAULT].line,
			"default=%s names no image; the first one is the default",
			l.global.set[K_DEFAULT].value);
	if (l.dflt)
		l.dflt->is_default = true;
	else if (l.first)
		l.first->is_default = true;
	return 0;
}

static const char *const lilo_paths[] = { "/etc/lilo.conf", NULL };

const struct kb_parser kb_parser_lilo = {
	.name = "lilo",
	.paths = lilo_paths,
	.parse = lilo_parse,
};
