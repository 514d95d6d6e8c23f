# dormant: shell helpers for the TAP test scripts.
#
#   . "$top_srcdir/tests/lib.sh"
#   tap_ok CONDITION-EXIT-STATUS "name"     (use: some_cmd; tap_ok $? "name")
#   tap_is GOT WANT "name"
#   tap_done
# Each test gets a scratch directory $T, removed at exit.

tap_n=0
tap_failed=0

tap_ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

tap_is() {
	if [ "$1" = "$2" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		printf '%s\n' "#   got:  $1" "#   want: $2"
		# A helper that keeps the last dormant run's stderr there.
		[ -s "$T/last.err" ] && sed 's/^/#   stderr: /' "$T/last.err"
	fi
}

# tap_grep PATTERN FILE NAME: FILE has a line matching the extended regex.
tap_grep() {
	if grep -Eq -- "$1" "$2"; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		sed 's/^/#   /' "$2" | head -n 20
		[ -s "$T/last.err" ] && sed 's/^/#   stderr: /' "$T/last.err"
	fi
}

tap_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/dormant-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
# Each test has its own run lock, audit log and warning state: tests run
# in parallel, and none may touch the machine's own.
DORMANT_LOCK_FILE="$T/dormant.lock"
DORMANT_AUDIT_LOG="$T/audit.jsonl"
DORMANT_WARN_STATE_FILE="$T/warned.tsv"
export DORMANT_LOCK_FILE DORMANT_AUDIT_LOG DORMANT_WARN_STATE_FILE
