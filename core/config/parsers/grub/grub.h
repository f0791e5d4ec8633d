/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grub.h - private interfaces of kboot's GRUB 2 script engine.
 *
 * The GRUB parser is these files (all in core/config/parsers/grub/):
 *   pool.c      scratch memory (gp_*) and g_grow()
 *   common.c    warnings, strings, the hash, the menu being built
 *   lex.c       text -> tokens, skimming { blocks } (lex.h is its
 *               interface to syntax.c, and private to the two)
 *   syntax.c    tokens -> syntax tree, syntax-error recovery
 *   env.c       variables and their contexts
 *   eval.c      the interpreter: expansion, control flow, functions,
 *               the interpreter state (with cmds.c and builtins.c the
 *               one circle of files kboot keeps: commands run scripts)
 *   builtins.c  set, unset, export, test / [, eval and the other builtins
 *   cmds.c      GRUB's commands (menuentry, linux, search, load_env...)
 *               and the table of every command name
 *   getopt.c    GRUB's option parser, shared by the commands
 *   flavour.c   which GRUB reads a config: upstream's or Red Hat's
 *   bls.c       the `blscfg` command (Fedora's BootLoaderSpec import)
 *   devices.c   GRUB's device and file names, the loaders' command line
 *   parser.c    menu building, default selection, the kb_parser
 *               descriptor
 * Nothing outside these files includes this header (tests/unit/test_grub.c
 * does, to test the lexer and the interpreter on their own).
 *
 * Memory: the syntax trees, menu items and scopes live in one private arena
 * (gstate.a) freed when the parse ends; variable values are on the heap
 * (they are overwritten in loops) and freed with the state.  Everything that
 * ends up in a struct kb_entry is copied into the scan's arena (p->arena).
 */
#ifndef KBOOT_GRUB_H
#define KBOOT_GRUB_H

#include <stdbool.h>
#include <stddef.h>

#include "config/parser.h"

/* ---- Limits: hostile input must terminate, quickly ---- */
#define G_MAX_NEST     128 /* syntactic nesting of if/for/{...} */
#define G_MAX_DEPTH    64  /* function calls, eval, submenus */
#define G_MAX_WARNINGS 200 /* warnings of one parse; then one summary */
#ifdef KBOOT_FUZZ
/*
 * The fuzz build (ASan + coverage, ~100x slower) gets tighter limits, so
 * that no input takes long: each one still reaches every limit's code.
 */
#define G_MAX_INCLUDE	8
#define G_MAX_CHAIN	4
#define G_MAX_CHAINED	8
#define G_MAX_LOOP	1000
#define G_MAX_COMMANDS	50000UL
#define G_MAX_STATEMENT 10000UL
#define G_MAX_WORD	(16u << 10)
#define G_MAX_VARMEM	(1u << 20)
#define G_MAX_ITEMS	2000
#define G_MAX_PARSED	(4u << 20)
#define G_MAX_EXPANDED	(4ul << 20)
#else
#define G_MAX_INCLUDE	32	     /* source/configfile nesting, a file including itself too */
#define G_MAX_CHAIN	8	     /* menus shown by an entry's configfile, nested */
#define G_MAX_CHAINED	64	     /* ... and in all, per grub.cfg */
#define G_MAX_LOOP	10000	     /* iterations of one while/until loop */
#define G_MAX_COMMANDS	20000000UL   /* commands executed by one parse (10x a 100,000-entry file) */
#define G_MAX_STATEMENT 1000000UL    /* ... by one statement of the file, or one entry's body */
#define G_MAX_WORD	(1u << 20)   /* longest expanded word or variable value */
#define G_MAX_VARMEM	(64u << 20)  /* bytes held by all variable values */
#define G_MAX_ITEMS	100000	     /* menu entries and submenus of one parse */
#define G_MAX_PARSED	(256u << 20) /* bytes of script text parsed (includes, eval) */
#define G_MAX_EXPANDED	(128ul << 20) /* bytes of words built by expansion, in all */
#endif

/* ---- Scratch memory (pool.c) ----
 *
 * A bump allocator whose chunks are kept: gp_release() rewinds to a mark
 * taken earlier (LIFO), so the next body parsed or command expanded reuses
 * the same, already mapped memory.  Not zeroed unless gp_zalloc().
 */
struct gpool;
struct gpmark {
	size_t chunk, used;
};

/* Make room for item n of an array of *cap items of size bytes (realloc, doubling). */
bool g_grow(void **v, size_t *cap, size_t n, size_t size);

struct gpool *gp_new(void);
void gp_free(struct gpool *p);
void *gp_alloc(struct gpool *p, size_t size); /* NULL on OOM */
void *gp_zalloc(struct gpool *p, size_t size);
void *gp_memdup(struct gpool *p, const void *s, size_t n);
char *gp_strndup(struct gpool *p, const char *s, size_t n);
struct gpmark gp_mark(struct gpool *p);
void gp_release(struct gpool *p, struct gpmark m);

/* ---- Syntax tree ---- */

enum gpart_type {
	GP_LIT,	 /* unquoted text (escapes done): not split, dropped when empty */
	GP_QLIT, /* quoted text: makes the argument exist even when empty */
	GP_VAR,	 /* $x: value split into words at blanks */
	GP_QVAR, /* "$x": value kept whole */
	GP_ESCX, /* unquoted \x: "x", or for Red Hat's GRUB "\x" when two hex digits follow */
};

struct gpart {
	unsigned char type; /* enum gpart_type */
	unsigned len;	    /* bytes of s */
	const char *s;	    /* text, or the variable name; NUL-terminated */
};

/* One word of a command: parts concatenated (and split) at run time. */
struct gword {
	struct gpart *parts;
	unsigned nparts;
	unsigned plainlen;
	const char *plain; /* plain unquoted characters: the text (not NUL-terminated); else NULL */
};

struct gsrc;

/*
 * A { block } kept as text: menu entry, submenu and function bodies are
 * parsed only when they run (as GRUB does), into a scratch arena that is
 * freed afterwards, so a 10,000-entry file never holds 10,000 syntax trees.
 */
struct gblock {
	const char *text; /* between the braces; in a buffer that outlives the parse */
	size_t len;
	int line; /* line of text[0] */
	const struct gsrc *src;
	struct glist *parsed; /* functions: parsed on first call, kept */
};

struct gnode;

struct glist {
	struct gnode **v;
	size_t n;
};

enum gnode_type {
	GN_CMD,	  /* words [block] */
	GN_IF,	  /* if/elif/else/fi */
	GN_FOR,	  /* for NAME in words; do list; done */
	GN_WHILE, /* while list; do list; done */
	GN_UNTIL, /* until list; do list; done */
	GN_FUNC,  /* function NAME { list } */
	GN_AND,	  /* a && b (kboot extension: GRUB 2 rejects it) */
	GN_OR,	  /* a || b (kboot extension) */
};

struct gnode {
	enum gnode_type type;
	int line;		/* where it starts */
	const struct gsrc *src; /* the file it came from (for warnings) */
	union {
		struct {
			struct gword *w;
			size_t nw;
			const struct gblock
				*block; /* { ... } argument (menuentry, submenu); NULL if none */
		} cmd;
		struct {
			struct glist *conds;  /* n conditions (if, elif...) */
			struct glist *bodies; /* n bodies */
			size_t n;
			struct glist *els; /* else body; NULL if none */
		} cif;
		struct {
			const char *var;
			struct gword *w;
			size_t nw;
			struct glist body;
		} cfor;
		struct {
			struct glist cond, body;
		} loop;
		struct {
			const char *name;
			const struct gblock *body;
		} func;
		struct {
			struct gnode *l, *r;
		} ao;
	} u;
};

/* A script file (or eval string, or synthesized BLS entry). */
struct gsrc {
	const struct kb_fs *fs; /* where it is; NULL for eval strings */
	const char *path;	/* its path on fs (scan arena) */
	const char *text;	/* its text, without carriage returns */
	size_t len;
	int active; /* runs of it in progress (it may include itself) */
};

/*
 * Called for each syntax error: line of the statement, and a sentence that
 * already says how the parser recovered.
 */
typedef void (*gwarn_fn)(void *data, int line, const char *msg);

/*
 * Parse buf (its first line is line0; no carriage returns: g_strip_cr())
 * into out (nodes in pool a, tagged with src).  Words and blocks point into
 * buf, which must outlive out.  Never fails on bad syntax: each broken
 * statement is reported through warn and parsed again leniently (see the
 * recovery rule in parser.c's header).  Returns 0 or -ENOMEM.
 */
int g_parse(struct gpool *a, const struct gsrc *src, const char *buf, size_t len, int line0,
	    struct glist *out, gwarn_fn warn, void *data);

/*
 * The same, one top-level statement at a time, so a caller can run each and
 * release its memory (gp_release) before the next: g_parse_next() gives the
 * next statement (or the statements of a recovered region) and returns 1,
 * 0 at the end, -ENOMEM.  The iterator is freed by g_parse_end().
 */
struct gparse;
struct gparse *g_parse_begin(struct gpool *a, const struct gsrc *src, const char *buf, size_t len,
			     int line0, gwarn_fn warn, void *data);
int g_parse_next(struct gparse *it, struct glist *out);
void g_parse_end(struct gparse *it);

/* buf without carriage returns: itself, or a copy in a (*len updated); NULL on OOM. */
char *g_strip_cr(struct arena *a, const char *buf, size_t *len);

/* ---- Interpreter state ---- */

struct gvar {
	char *name; /* heap; NULL for an empty slot */
	char *val;  /* heap; NULL: unset (hides the parent's in an overlay) */
	unsigned hash;
	bool exported;
	int line; /* where it was last set (for warnings about `default`) */
	const struct gsrc *src;
};

/*
 * A variable context.  GRUB opens a new one (exported variables copied) for
 * `configfile` and each submenu; kboot also evaluates each menu entry in a
 * throw-away overlay (parent != NULL) so entries cannot see each other.
 */
struct genv {
	struct gvar *tab;
	size_t cap, used;
	struct genv *parent; /* overlay: unknown names are read from here */
};

/* Positional parameters of a function call or menu entry. */
struct gscope {
	int argc;
	char **argv;
	int shift;
	char **owned; /* heap argv set by setparams, freed with the scope */
	int nowned;
};

/* Free what setparams allocated in sc. */
void g_scope_release(struct gscope *sc);

enum gload_kind {
	LD_NONE,
	LD_LINUX,     /* linux / linux16 / linuxefi */
	LD_MULTIBOOT, /* multiboot / multiboot2 */
	LD_CHAIN,     /* chainloader */
	LD_OTHER,     /* a loader kexec cannot do (kfreebsd, ntldr...) */
};

/* What a menu entry's commands loaded. */
struct gload {
	enum gload_kind kind;
	const char *other;	 /* LD_OTHER: the command */
	struct kb_file kernel;	 /* path in p->arena */
	const char *cmdline;	 /* p->arena */
	struct kb_file *initrds; /* heap array */
	const char **modargs;	 /* heap array parallel to initrds: modules' command lines */
	size_t ninitrds, capinitrds, capmodargs;
	struct kb_file dtb;
	const char *error; /* p->arena: a file it names is on an unknown device */
	bool action;	   /* halt/reboot/fwsetup/exit: not a boot entry */
};

struct gmenu;

enum gitem_kind {
	GI_ENTRY,   /* menuentry */
	GI_SUBMENU, /* submenu */
	GI_INCLUDE, /* configfile: a nested menu */
};

struct gitem {
	enum gitem_kind kind;
	const char *title;
	const char *id; /* --id, or NULL */
	char hotkey;
	int argc; /* positional parameters: title, extra arguments */
	char **argv;
	const struct gblock *body;
	const struct gsrc *src;
	int line;
	struct gmenu *child; /* GI_INCLUDE */
	bool leads;	     /* GI_INCLUDE: the default comes from this nested menu */
	bool bls;	     /* GI_ENTRY made by blscfg from the BLS file src names */
};

/* One GRUB menu: the items a script defined and the context it ran in. */
struct gmenu {
	struct genv *env;
	struct gitem **items;
	size_t nitems, cap;
	size_t nown;	   /* items GRUB counts (entries and submenus) */
	bool target;	   /* this menu's `default` picks the default entry */
	const char *title; /* a submenu's title; NULL for the top and nested files */
};

struct gfunc;

struct gstate {
	struct kb_pctx *p;     /* NULL in unit tests: no file access */
	struct arena *a;       /* private: items, functions, kept trees */
	struct gpool *perm;    /* syntax trees kept to the end (files, functions) */
	struct gpool *scratch; /* trees of running bodies, expanded words (mark/release) */
	/* budgets */
	unsigned long commands;
	unsigned long max_commands;  /* G_MAX_COMMANDS; tests lower it */
	unsigned long max_statement; /* G_MAX_STATEMENT; tests lower it */
	unsigned long limit;	     /* commands may run up to this (g_budget_begin()) */
	size_t expanded;	     /* bytes expanded so far (G_MAX_EXPANDED) */
	bool stopped;		     /* a command budget ran out */
	int text_depth;		     /* exec_text() calls under way */
	int depth;
	size_t parsed;
	size_t varmem;
	size_t nitems;
	/* the script state GRUB keeps globally */
	int status; /* $? */
	unsigned long loops, breaks;
	bool is_continue, func_return;
	struct gfunc *funcs; /* hash table */
	size_t funcs_cap, funcs_used;
	/* where commands act now */
	struct genv *env;
	struct gmenu *menu;
	struct gscope *scope;
	struct gload *load; /* non-NULL while a menu entry is evaluated */
	/* bookkeeping */
	struct gsrc **files; /* parsed includes, by (fs, path) */
	size_t nfiles, capfiles;
	int includes;	    /* source/configfile nesting (G_MAX_INCLUDE) */
	struct genv **envs; /* every env, freed at the end */
	size_t nenvs, capenvs;
	char **warned; /* warnings given, to say each once */
	size_t nwarned, capwarned;
	size_t nwarnings;
	bool efi;    /* grub_platform is "efi" */
	bool redhat; /* the system's GRUB is Red Hat's (\xHH kept, see parser.c) */
	const struct kb_fs *devname_fs; /* g_devname()'s last answer */
	const char *devname;
	const struct kb_fs *cfg_fs; /* the config being parsed (fallback device) */
};

/* A new state for config p (NULL: script only, for tests); NULL on OOM. */
struct gstate *g_state_new(struct kb_pctx *p);
void g_state_free(struct gstate *g);

/* Warn once per (file, line, text); goes to the scan's warnings (common.c). */
void g_warn(struct gstate *g, const struct gsrc *src, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Variables of the current context (g->env); env.c. */
const char *g_get(struct gstate *g, const char *name);
int g_set(struct gstate *g, const char *name, const char *val);
void g_set_at(struct gstate *g, const char *name, const char *val, const struct gsrc *src,
	      int line);
void g_unset(struct gstate *g, const char *name);
void g_export(struct gstate *g, const char *name);
const struct gvar *g_var_info(struct gstate *g, struct genv *e, const char *name);
/* Variable lookup in a given context. */
const char *g_env_get(struct genv *e, const char *name);
/* A new context: empty (from NULL), an overlay of parent, or a GRUB context copy. */
struct genv *g_env_new(struct gstate *g, struct genv *parent);
struct genv *g_env_context(struct gstate *g, struct genv *from);

/* Free an overlay made by g_env_new() if it is the newest context. */
void g_env_drop(struct gstate *g, struct genv *e);
/* A new empty menu whose commands run in env; NULL on OOM (common.c). */
struct gmenu *g_menu_new(struct gstate *g, struct genv *env);
/* Add an item to g->menu (counts towards G_MAX_ITEMS); NULL when refused. */
struct gitem *g_menu_add(struct gstate *g, enum gitem_kind kind);

/*
 * One statement of the file, or one entry's body, runs under a budget of
 * its own (max_statement commands, within what is left of max_commands):
 * a runaway function or loop stops alone, and what follows still runs.
 * g_budget_end() is true when this budget (not the whole parse's) ran
 * out: g->stopped is cleared again, and the caller says so.
 */
unsigned long g_budget_begin(struct gstate *g);
bool g_budget_end(struct gstate *g, unsigned long saved);

/* Execute statements; returns the last status. */
int g_exec_list(struct gstate *g, const struct glist *l);
/* Parse a block into a scratch arena and execute it; the last status. */
int g_exec_block(struct gstate *g, const struct gblock *b);
/* A copy of b in g->a (items and functions outlive the text's parse). */
struct gblock *g_block_keep(struct gstate *g, const struct gblock *b);
/* Run text as a script in the current context (tests, eval). */
int g_run_string(struct gstate *g, const char *text, const struct gsrc *src, int line);
/*
 * Remember a script file under (fs, path), so includes are read once and
 * cycles found; src->path is in the scan's arena, buf must outlive g.
 * NULL on OOM.
 */
struct gsrc *g_src_new(struct gstate *g, const struct kb_fs *fs, const char *path, const char *buf,
		       size_t len);
/* Run a file's script, one statement at a time; the last status. */
int g_exec_src(struct gstate *g, const struct gsrc *src);
/* Read (once) and remember a file's script; NULL with a warning on failure. */
struct gsrc *g_load_file(struct gstate *g, const struct kb_fs *fs, const char *path,
			 const struct gsrc *from, int line);

/* ---- Commands ---- */

/* argv[0] is the command name; n gives the line, file and { block }. */
typedef int (*gcmd_fn)(struct gstate *g, const struct gnode *n, int argc, char **argv);

struct gcmd {
	const char *name;
	gcmd_fn fn;
};

/*
 * GRUB's option parser (getopt.c), as grub-core/lib/arg.c reads the
 * words of a command that has options (search, probe, load_env,
 * menuentry...): -abc is a group of short options, --name or --name=VALUE
 * a long one, "--" ends the options, a lone "-" and every other word is an
 * argument, options may come after arguments.  An option with a value
 * takes the next word when no "=VALUE" is given: always (GO_VALUE), or
 * when that word does not look like an option (GO_OPTIONAL; for a long
 * option: does not start with '-', for a short one: is shorter than 2 or
 * does not start with '-').  Only the last option of a short group can
 * take a value.  -h, -u, --help and --usage, when the command has no such
 * option, ask for GRUB's help: the command does nothing and succeeds.
 */
enum gopt_arg {
	GO_NONE,     /* a flag: a value is an error */
	GO_VALUE,    /* needs a value */
	GO_OPTIONAL, /* may have a value */
};

struct gopt {
	const char *name; /* long name without "--"; NULL ends a table */
	char letter;	  /* short name, or 0 */
	enum gopt_arg arg;
};

#define GO_ACCEPT_DASH 1 /* unknown options are arguments (GRUB_COMMAND_ACCEPT_DASH) */

/* One option as it was given. */
struct gopt_use {
	int opt;	 /* index in the command's table */
	const char *val; /* its value; NULL when none was given */
};

/* A command's words, sorted out; arrays in g->scratch (freed after the command). */
struct gargs {
	struct gopt_use *used; /* options in the order given (repeats included) */
	int nused;
	char **args; /* the other words, in order */
	int nargs;
};

/*
 * Sort argv[1..argc-1] into options of table opts and arguments (flags:
 * GO_ACCEPT_DASH or 0).  true: run the command with out.  false: GRUB does
 * not run it, and *status is its $?: 1 after an unknown option, a missing
 * value or a value given to a flag (each warned about at n's line), 0 after
 * a request for help.
 */
bool g_getopt(struct gstate *g, const struct gnode *n, const struct gopt *opts, unsigned flags,
	      int argc, char **argv, struct gargs *out, int *status); /* getopt.c */
/* Was option opt given?  Its last value (NULL: not given, or given without one). */
bool g_opt_given(const struct gargs *a, int opt);
const char *g_opt_value(const struct gargs *a, int opt);

/* GRUB's commands (cmds.c); NULL when name is not one. */
const struct gcmd *g_find_cmd(const char *name);
/* The table is sorted (a unit test checks it: bsearch depends on it). */
bool g_cmd_table_sorted(void);

/* Script builtins (builtins.c). */
int g_cmd_set(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_unset(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_export(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_test(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_true(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_false(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_return(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_break(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_shift(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_setparams(struct gstate *g, const struct gnode *n, int argc, char **argv);
int g_cmd_eval(struct gstate *g, const struct gnode *n, int argc, char **argv);

/* blscfg (bls.c). */
int g_cmd_blscfg(struct gstate *g, const struct gnode *n, int argc, char **argv);

/* ---- Devices and files (devices.c) ---- */

/*
 * The filesystem GRUB calls dev ("hd0,gpt2", "(hd0,msdos1)", a fs name;
 * "tftp", "http,SERVER"... for a config that came from that server); NULL.
 */
const struct kb_fs *g_device(struct gstate *g, const char *dev);
/* GRUB's name for fs: "hdD,gptP", "hdD,msdosP", "hdD", else fs->name. */
const char *g_devname(struct gstate *g, const struct kb_fs *fs);
/*
 * Resolve a GRUB file name ("(dev)/path", or "/path" on $root) to a file;
 * path in p->arena, normalised inside the filesystem.  0; -ENODEV when the
 * device it names, or $root, is none kboot knows (GRUB fails there too):
 * out->fs is then NULL and *why, unless why is NULL, a sentence in g->a
 * naming that device; -ENOMEM; -EINVAL without a pctx.
 */
int g_resolve(struct gstate *g, const char *name, struct kb_file *out, const char **why);

/*
 * Append GRUB's kernel command line for args to sb: words separated by one
 * space; a word containing a space is put in double quotes, and '\\', '\''
 * and '"' get a backslash (grub_create_loader_cmdline()), except, for Red
 * Hat's GRUB (redhat), the backslash of a \xHH, which stays as it is.
 */
void g_loader_cmdline(struct strbuf *sb, int argc, char **argv, bool redhat);

/*
 * Whether Red Hat's GRUB reads the config p has in buf (len bytes), not
 * upstream's: the evidence on the system decides (flavour.c).
 */
bool g_redhat_grub(struct kb_pctx *p, const char *buf, size_t len);

/* Shared string helpers (common.c). */
unsigned g_hash(const char *s);
char *g_strdup(struct gstate *g, const char *s); /* in g->a */

#endif
