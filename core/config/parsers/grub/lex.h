/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lex.h - the GRUB lexer's interface to the GRUB syntax parser: the
 * tokens, the reserved words, the parser state they share, and the calls
 * syntax.c makes into lex.c.
 *
 * Private to lex.c and syntax.c; everything else sees only
 * g_parse() and friends (grub.h).
 */
#ifndef KBOOT_GRUB_LEX_H
#define KBOOT_GRUB_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "config/parsers/grub/grub.h"

enum gtok { T_EOF, T_NL, T_SEMI, T_LBR, T_RBR, T_AND, T_OR, T_WORD };

struct gtoken {
	enum gtok t;
	int kw; /* the reserved word it is (K_*), 0 if none */
	int line;
	size_t start;	/* offset of its first character */
	struct gword w; /* T_WORD */
};

/* Reserved words, as bits so a parser can say which ones end its list. */
enum {
	K_IF = 1 << 0,
	K_THEN = 1 << 1,
	K_ELIF = 1 << 2,
	K_ELSE = 1 << 3,
	K_FI = 1 << 4,
	K_FOR = 1 << 5,
	K_IN = 1 << 6,
	K_DO = 1 << 7,
	K_DONE = 1 << 8,
	K_WHILE = 1 << 9,
	K_UNTIL = 1 << 10,
	K_FUNCTION = 1 << 11,
	K_CASE = 1 << 12,
	K_ESAC = 1 << 13,
	K_SELECT = 1 << 14,
	K_RBR = 1 << 15, /* not a word: the `}` token */
};

/* Words that can only end something: a command cannot start with them. */
#define K_CLOSERS (K_THEN | K_ELIF | K_ELSE | K_FI | K_DO | K_DONE | K_ESAC | K_IN)

struct gparser {
	struct gpool *a;
	const struct gsrc *src;
	const char *buf;
	size_t len; /* end of the text being parsed (a recovery region ends early) */
	size_t pos;
	int line;
	bool lenient;
	bool err;   /* strict mode found an error: unwind */
	bool abort; /* nesting too deep even in lenient mode: skip the region */
	int err_line;
	char err_msg[160];
	int nest;
	bool have; /* tok is a lookahead not yet consumed */
	char tokbuf[64];
	bool skim; /* only finding the end of a block: build nothing */
	struct gtoken tok;
	/* scratch for building a word */
	struct strbuf lit;
	struct gpart *parts;
	size_t nparts, capparts;
	bool oom;
};

/* ---- Lexer calls (lex.c) ---- */

/* Record the first syntax error (strict mode unwinds on it); later ones are dropped. */
void gl_fail(struct gparser *P, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A character that may start a variable name. */
bool gl_is_name_start(char c);

/* Lex the next token of P's text into t (use gl_peek() and gl_next()). */
void gl_lex(struct gparser *P, struct gtoken *t);
/* A token as an error message shows it (may use P->tokbuf). */
const char *gl_tok_text(struct gparser *P, struct gtoken *t);

/*
 * The { block } whose `{` is the next token, skimmed (not parsed) to its
 * matching `}`; in P->a.  NULL on error (strict mode) or OOM.
 */
const struct gblock *gl_parse_block(struct gparser *P, int line);

/* ---- The token stream (inline: the parser calls these for every token) ---- */

/* An error, an abort or OOM: stop building. */
static inline bool gl_broken(const struct gparser *P)
{
	return P->err || P->abort || P->oom;
}

/* The lookahead token (lexed on first use), consuming it, and its reserved word. */
static inline struct gtoken *gl_peek(struct gparser *P)
{
	if (!P->have) {
		gl_lex(P, &P->tok);
		P->have = true;
	}
	return &P->tok;
}

static inline void gl_next(struct gparser *P)
{
	gl_peek(P);
	P->have = false;
}

static inline int gl_peek_kw(struct gparser *P)
{
	return gl_peek(P)->kw;
}

#endif
