# dormant: shell helpers to run mock HTTPS servers from TAP test scripts.
#
#   . "$top_srcdir/tests/lib.sh"
#   . "$top_srcdir/tests/mock/mock.sh"
#   mock_require                         skip the test without python3/openssl
#   api_require KIND                     skip it without that API description
#   mock_certs                           CA and server cert into $T/certs
#   mock_start NAME SCRIPT [ARGS...]     start tests/mock/SCRIPT; sets
#                                        MOCK_PORT and MOCK_URL
#                                        (https://127.0.0.1:PORT)
#   mock_stop NAME                       (every mock also stops at exit)
#
# Files, under $T: certs/{ca,server,other-ca}.pem, NAME.port, NAME.log (the
# mock's JSON request log), NAME.err (its stderr). The CA to trust is
# $MOCK_CA. Waits MOCK_TIMEOUT seconds (default 15) for a mock to listen.

: "${T:?source tests/lib.sh first}"
MOCK_DIR="$top_srcdir/tests/mock"
MOCK_CA="$T/certs/ca.pem"
mock_pids=

mock_require() {
	[ -n "${PYTHON3:-}" ] && [ -x "$PYTHON3" ] ||
		tap_skip_all "python3 not found (configure looks in /usr/bin)"
	[ -n "${OPENSSL:-}" ] && [ -x "$OPENSSL" ] ||
		tap_skip_all "openssl not found"
}

# api_require KIND: skip the test unless the cloud's published API
# description the mock is derived from is installed (botocore,
# google-admin, graph-types: see api_models.py).
api_require() {
	"$PYTHON3" -B "$MOCK_DIR/api_models.py" --check "$1" >"$T/api_require.out" 2>&1 ||
		tap_skip_all "$(cat "$T/api_require.out")"
}

mock_certs() {
	[ -f "$T/certs/server.pem" ] && return 0
	OPENSSL="$OPENSSL" sh "$MOCK_DIR/mkcerts.sh" "$T/certs" >"$T/mkcerts.err" 2>&1 || {
		echo "Bail out! cannot make test certificates: $(cat "$T/mkcerts.err")"
		exit 99
	}
}

mock_start() {
	name=$1
	script=$2
	shift 2
	mock_certs
	rm -f "$T/$name.port"
	"$PYTHON3" -B "$MOCK_DIR/$script" --cert "$T/certs/server.pem" \
		--key "$T/certs/server.key" --port-file "$T/$name.port" \
		--log "$T/$name.log" "$@" 2>"$T/$name.err" &
	pid=$!
	mock_pids="$mock_pids $pid"
	echo "$pid" >"$T/$name.pid"
	tries=$(( ${MOCK_TIMEOUT:-15} * 10 ))
	while [ ! -s "$T/$name.port" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "Bail out! mock $name exited: $(cat "$T/$name.err")"
			exit 99
		fi
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			echo "Bail out! mock $name did not listen in time: $(cat "$T/$name.err")"
			exit 99
		fi
		sleep 0.1
	done
	MOCK_PORT=$(cat "$T/$name.port")
	MOCK_URL="https://127.0.0.1:$MOCK_PORT"
}

# Stops one mock: SIGTERM, and SIGKILL from a watchdog if it lingers.
# (wait, not kill -0 polling: an exited child stays a zombie until waited.)
mock_kill() {
	kill -TERM "$1" 2>/dev/null || return 0
	# Its own output goes nowhere: a leftover sleep holding the TAP pipe
	# open would stall the harness.
	( sleep 5; kill -KILL "$1" ) >/dev/null 2>&1 &
	watchdog=$!
	wait "$1" 2>/dev/null
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	return 0
}

mock_stop() {
	[ -f "$T/$1.pid" ] || return 0
	mock_kill "$(cat "$T/$1.pid")"
	rm -f "$T/$1.pid"
}

mock_stop_all() {
	for pid in $mock_pids; do
		mock_kill "$pid"
	done
	mock_pids=
}

trap 'mock_stop_all; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
