# tests/cli/lib.sh - what the command-line tests share (sourced; POSIX sh).
# Each check that fails prints why and counts in $fails.

check() { # check NAME EXPECTED_STATUS COMMAND... ; stderr/stdout kept in $out
	name=$1 want=$2
	shift 2
	out=$("$@" 2>&1)
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit $got, wanted $want"
		echo "$out" | sed 's/^/    /'
		fails=$((fails + 1))
	fi
}
contains() { # contains NAME TEXT: the last output holds TEXT
	case "$out" in
	*"$2"*) ;;
	*) echo "FAIL $1: output lacks '$2'"; echo "$out" | sed 's/^/    /'; fails=$((fails + 1)) ;;
	esac
}
