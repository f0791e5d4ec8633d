#!/bin/sh
# tests/cli/test-fetch.sh - the `kboot fetch` command line: arguments, exit
# status, messages, progress, SIGTERM, and that nothing is left behind when
# a download fails.  Servers: file:// and tests/unit/fetch/httpd.py on
# 127.0.0.1 (started and stopped here).
set -u
cd "$(dirname "$0")/../.."
kboot=$PWD/build/kboot
fails=0
. tests/cli/lib.sh
tmp=$(mktemp -d /tmp/kboot-test-fetch.XXXXXX)
pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

absent() { # absent NAME FILE: FILE does not exist
	if [ -e "$2" ]; then
		echo "FAIL $1: $2 was left behind"
		fails=$((fails + 1))
	fi
}

head -c 3145728 /dev/urandom > "$tmp/big.bin"

# ---- arguments ----
check no-args 2 "$kboot" fetch
contains no-args "give a URL and a FILE"
check one-arg 2 "$kboot" fetch http://127.0.0.1/x
check bad-scheme 2 "$kboot" fetch htp://x "$tmp/out"
contains bad-scheme "'htp://x': unknown scheme 'htp' (tftp, http, ftp, nfs, file, ssh)"
absent bad-scheme "$tmp/out"
check https 2 "$kboot" fetch https://127.0.0.1/x "$tmp/out"
contains https "https is not supported"
check nfs 2 "$kboot" fetch nfs://127.0.0.1/srv "$tmp/out"
contains nfs "mounted by the daemon"
check bad-timeout 2 "$kboot" fetch --stall-timeout soon file:///x "$tmp/out"
contains bad-timeout "'soon' is not a number of seconds"
check bad-size 2 "$kboot" fetch --max-size 12X file:///x "$tmp/out"
contains bad-size "'12X' is not a size in bytes"
check bad-blksize 2 "$kboot" fetch --tftp-blksize 4 tftp://127.0.0.1/x "$tmp/out"
check help 0 "$kboot" fetch --help
contains help "usage: kboot fetch [OPTIONS] URL FILE"
check in-main-help 0 "$kboot" --help
contains in-main-help "fetch"

# ---- file:// ----
check file 0 "$kboot" fetch "file://$tmp/big.bin" "$tmp/out"
contains file "3.0 MiB in "
check file-same 0 cmp "$tmp/big.bin" "$tmp/out"
check quiet 0 "$kboot" fetch --quiet "file://$tmp/big.bin" "$tmp/out"
[ -z "$out" ] || { echo "FAIL quiet: printed '$out'"; fails=$((fails + 1)); }
rm -f "$tmp/out"
check file-missing 1 "$kboot" fetch "file://$tmp/nope" "$tmp/out"
contains file-missing "kboot fetch: file://$tmp/nope: no such file or directory"
absent file-missing "$tmp/out"
check max-size 1 "$kboot" fetch --max-size 1M "file://$tmp/big.bin" "$tmp/out"
contains max-size "larger than the 1 MiB of free memory"
absent max-size "$tmp/out"

# ---- http:// ----
mkfifo "$tmp/in"
python3 tests/unit/fetch/httpd.py --dir "$tmp" < "$tmp/in" > "$tmp/port" &
pid=$!
exec 3> "$tmp/in" # held open: the server ends when it closes
i=0
while ! grep -q PORT "$tmp/port" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(sed -n 's/^PORT //p' "$tmp/port")
if [ -z "$port" ]; then
	echo "FAIL httpd.py did not start"
	exit 1
fi
url=http://127.0.0.1:$port

check http 0 "$kboot" fetch "$url/big.bin" "$tmp/out"
check http-same 0 cmp "$tmp/big.bin" "$tmp/out"
check http-404 1 "$kboot" fetch "$url/nope" "$tmp/out"
contains http-404 "kboot fetch: $url/nope: 404 File not found"
absent http-404 "$tmp/out"
check stall 1 "$kboot" fetch --stall-timeout 0.5 "$url/stall/big.bin" "$tmp/out"
contains stall "no data for 0.5 s; stopped"

# SIGTERM: the cancel flag, a sentence, exit 1, no FILE.
"$kboot" fetch --stall-timeout 30 "$url/stall/big.bin" "$tmp/out" 2> "$tmp/err" &
fetch=$!
sleep 0.5
kill -TERM $fetch
wait $fetch
got=$?
out=$(cat "$tmp/err")
[ $got = 1 ] || { echo "FAIL sigterm: exit $got, wanted 1"; fails=$((fails + 1)); }
contains sigterm "$url/stall/big.bin: cancelled"
absent sigterm "$tmp/out"

exec 3>&-
if [ $fails -ne 0 ]; then
	echo "test-fetch.sh: $fails failed"
	exit 1
fi
echo "test-fetch.sh: all passed"
