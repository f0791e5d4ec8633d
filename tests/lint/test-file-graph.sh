#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lint/test-file-graph.sh - the circle lint (tools/file-graph) on
# objects compiled here: two files that call each other are refused, a
# chain is let through, and the GRUB interpreter's circle is allowed.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
graph=$top/tools/file-graph
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-graph.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

# obj DIR/FILE.c 'C TEXT': compile C TEXT as the object of DIR/FILE.c.
obj() {
	mkdir -p "$tmp/obj/$(dirname "$1")"
	printf '%s\n' "$2" >"$tmp/src.c"
	${CC:-cc} -c -o "$tmp/obj/${1%.c}.o" "$tmp/src.c"
}

check() { # WANT (ok|refused) WHAT [PATTERN]
	if out=$(python3 "$graph" --check "$tmp/obj"); then got=ok; else got=refused; fi
	if [ "$got" != "$1" ]; then
		echo "test-file-graph: FAIL: $2: $got, wanted $1: $out"
		fails=$((fails + 1))
	elif [ $# -gt 2 ] && ! printf '%s\n' "$out" | grep -q "$3"; then
		echo "test-file-graph: FAIL: $2: no /$3/ in: $out"
		fails=$((fails + 1))
	fi
}

# A chain: a.c uses b.c, b.c uses c.c.
obj core/x/a.c 'int b(void); int a(void) { return b(); }'
obj core/x/b.c 'int c(void); int b(void) { return c(); }'
obj core/x/c.c 'int c(void) { return 0; }'
check ok "a chain of calls"

# c.c calls a.c back: a circle of three files.
obj core/x/c.c 'int a(void); int c(void) { return a(); }'
check refused "a circle" "circle: core/x/a.c core/x/b.c core/x/c.c"

# A variable counts as a use, as a function does.
rm -rf "$tmp/obj"
obj core/x/a.c 'extern int v; int a(void) { return v; }'
obj core/x/b.c 'int a(void); int v; int b(void) { return a(); }'
check refused "a circle through a variable" "circle: core/x/a.c core/x/b.c"

# The GRUB interpreter's evaluator and commands may call each other.
rm -rf "$tmp/obj"
obj core/config/parsers/grub/eval.c 'int cmd(void); int eval(void) { return cmd(); }'
obj core/config/parsers/grub/cmds.c 'int eval(void); int cmd(void) { return eval(); }'
check ok "the GRUB interpreter's circle"

# ...but nothing else may join it.
obj core/config/parsers/grub/parser.c 'int eval(void); int menu(void) { return eval(); }'
obj core/config/parsers/grub/eval.c 'int cmd(void); int menu(void); int eval(void) { return cmd() + menu(); }'
check refused "another file in the GRUB circle" "parser.c"

if [ "$fails" -ne 0 ]; then
	echo "test-file-graph: $fails failed"
	exit 1
fi
echo "test-file-graph: all passed"
