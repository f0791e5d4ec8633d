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

# What a config says reaches the terminal harmless: a title that would
# clear the screen, rename the window and write backwards, a command line
# with a URL's password.  The JSON keeps the text as it is.
hostile=$(mktemp -d)
mkdir -p "$hostile/boot/grub"
echo k >"$hostile/boot/vmlinuz"
printf 'menuentry "A\033[2Jb\033]0;pwned\007c\342\200\256d" {\n  linux /boot/vmlinuz url=http://alice:SeCrEt1@h/x\n}\n' \
	>"$hostile/boot/grub/grub.cfg"
check hostile-text 0 "$kboot" scan "$hostile"
contains hostile-text 'A?[2Jb?]0;pwned?c?d'
contains hostile-text 'url=http://alice:***@h/x'
case "$out" in
*"$(printf '\033')"* | *"$(printf '\007')"* | *SeCrEt1*)
	echo "FAIL hostile-text: an escape, a bell or the password reached the terminal"
	fails=$((fails + 1)) ;;
esac
check hostile-json 0 "$kboot" scan --json "$hostile"
contains hostile-json 'A\u001b[2Jb'
rm -rf "$hostile"

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
