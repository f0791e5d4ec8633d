#!/bin/sh
# tests/cli/test-scan.sh - the `kboot scan` command line: arguments, exit
# status, messages, and that the binary prints what the golden files say.
set -u
cd "$(dirname "$0")/../.."
kboot=$PWD/build/kboot
fails=0
. tests/cli/lib.sh


check no-source 2 "$kboot" scan
contains no-source "no SOURCE given"
check bad-option 2 "$kboot" scan --frobnicate tests/data
check missing-dir 2 "$kboot" scan /nonexistent/kboot-test
contains missing-dir "/nonexistent/kboot-test: No such file or directory"
check bad-identity 2 "$kboot" scan "tests/data:colour=blue"
contains bad-identity "unknown or bad option 'colour=blue'"
check help 0 "$kboot" scan --help
contains help "DIR[:name=NAME][:uuid=UUID]"
check unknown-command 2 "$kboot" frobnicate
check version 0 "$kboot" --version
contains version "kboot "

# The binary's JSON is the golden file, and its text names every entry.
case_dir=tests/data/lilo/01-slackware15-separate-boot
set --
while IFS= read -r l; do
	case "$l" in '#'* | '') continue ;; esac
	set -- "$@" "$l"
done < "$case_dir/args"
check json 0 sh -c "cd $case_dir && \"$kboot\" scan --json $* | cmp - expected.json"
check text 0 sh -c "cd $case_dir && \"$kboot\" scan $*"
contains text "Menu: "
contains text "Windows  [cannot boot]"
contains text "why: "

# A directory with nothing bootable still scans fine: exit 0.
empty=$(mktemp -d)
check empty 0 "$kboot" scan --json "$empty"
contains empty '"entries": []'
rmdir "$empty"

if [ $fails -ne 0 ]; then
	echo "test-scan.sh: $fails failed"
	exit 1
fi
echo "test-scan.sh: all passed"
