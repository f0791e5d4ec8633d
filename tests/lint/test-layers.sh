#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lint/test-layers.sh - the layer lint (tools/lint-layers) on small
# trees made here: what it must refuse, what it must let through.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
lint=$top/tools/lint-layers
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

# A tree with one header per core folder, and FILE holding LINE.
tree() {
	rm -rf "$tmp/t"
	for d in lib config net proto devices daemon; do
		mkdir -p "$tmp/t/core/$d"
		echo "/* $d */" >"$tmp/t/core/$d/$d.h"
	done
	mkdir -p "$tmp/t/ui" "$tmp/t/cmd" "$(dirname "$tmp/t/$1")"
	printf '%s\n' "$2" >"$tmp/t/$1"
}

refused() { # FILE LINE MESSAGE-PATTERN
	tree "$1" "$2"
	if out=$("$lint" "$tmp/t"); then
		echo "test-layers: FAIL: $1 with '$2' was let through"
		fails=$((fails + 1))
	elif ! printf '%s\n' "$out" | grep -q "$3"; then
		echo "test-layers: FAIL: $1 with '$2': no /$3/ in: $out"
		fails=$((fails + 1))
	fi
}

allowed() { # FILE LINE
	tree "$1" "$2"
	if ! out=$("$lint" "$tmp/t"); then
		echo "test-layers: FAIL: $1 with '$2' was refused: $out"
		fails=$((fails + 1))
	fi
}

refused core/config/scan.c '#include "net/net.h"' 'core/config/scan.c:1: config may not use net'
refused core/lib/arena.c '#include "config/config.h"' 'lib may not use config'
refused core/proto/client.c '#include "daemon/daemon.h"' 'proto may not use daemon'
refused ui/ui.c '#include "config/config.h"' 'ui may not use config'
refused core/config/scan.c '#include "config.h"' 'name a core header by its folder'
refused ui/ui.c '#include "../core/proto/proto.h"' 'name a core header by its folder'
refused core/stray.c '#include "lib/lib.h"' 'outside the layers'
allowed core/config/scan.c '#include "lib/lib.h"'
allowed core/config/scan.c '#include "config/config.h"'
allowed core/devices/list.c '#include "net/net.h"'
allowed core/daemon/boot.c '#include "devices/devices.h"'
allowed ui/ui.c '#include "proto/proto.h"'
allowed cmd/main.c '#include "daemon/daemon.h"'
# And the real tree.
"$lint" "$top" || fails=$((fails + 1))

[ $fails -eq 0 ] || exit 1
echo "test-layers: all passed"
