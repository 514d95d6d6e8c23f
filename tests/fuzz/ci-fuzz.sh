#!/bin/sh
# dormant: fuzz every target under tests/fuzz/ with libFuzzer for a fixed
# time each, as CI does and as `make fuzz` does.
#
#   tests/fuzz/ci-fuzz.sh [--build-dir DIR] [--jobs N] [--require] [SECONDS]
#
# Builds every fuzz_*.c target with clang -fsanitize=fuzzer,address,
# undefined in a build directory of its own (default: build-ci-fuzz at the
# top of the source tree; configured once, rebuilt on later runs), then
# runs each for SECONDS (default 20), N at a time (default 2), on a copy
# of its committed corpus kept in that build directory: nothing is ever
# written into tests/fuzz/corpus/. Exits 1 when a target crashed, leaked,
# hung or ran out of memory, printing the sanitizer's report and the
# command that replays the input it saved; 0 otherwise.
#
# Needs clang and libFuzzer: on Debian 12 the packages clang and
# libclang-rt-14-dev (libclang_rt.fuzzer). Without them it says so and
# exits 0, or 2 with --require. The build needs what the normal build
# does (libcurl, OpenSSL, cJSON, expat, inih, libltdl).
set -u

secs=20
jobs=2
require=no
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build-ci-fuzz

usage() {
	echo "usage: $0 [--build-dir DIR] [--jobs N] [--require] [SECONDS]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
	--jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
	--require) require=yes; shift ;;
	-*) usage ;;
	*) secs=$1; shift ;;
	esac
done
case $secs in '' | *[!0-9]*) usage ;; esac
case $jobs in '' | 0 | *[!0-9]*) usage ;; esac

skip() {
	echo "ci-fuzz: not fuzzing: $*"
	[ "$require" = yes ] && exit 2
	exit 0
}

: "${CC_FUZZ:=clang}"
command -v "$CC_FUZZ" >/dev/null 2>&1 ||
	skip "$CC_FUZZ not found (Debian: apt-get install clang libclang-rt-14-dev)"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/dormant-ci-fuzz.XXXXXX") || exit 2
# The targets' own scratch files (fuzz_tmp.h): on tmpfs when there is
# one, since the audit target fsyncs.
ftmp=$(mktemp -d /dev/shm/dormant-fuzz-tmp.XXXXXX 2>/dev/null) ||
	ftmp=$scratch/tmp
mkdir -p "$ftmp"
trap 'rm -rf "$scratch" "$ftmp"' EXIT
trap 'exit 130' INT TERM HUP

printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' \
	>"$scratch/probe.c"
"$CC_FUZZ" -fsanitize=fuzzer,address,undefined "$scratch/probe.c" \
	-o "$scratch/probe" >"$scratch/probe.err" 2>&1 ||
	skip "$CC_FUZZ cannot link with -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev): $(head -n 3 "$scratch/probe.err")"

[ -x "$top/configure" ] ||
	{ echo "ci-fuzz: $top/configure missing: run autoreconf -fi first" >&2; exit 2; }
if [ -f "$top/config.status" ] && [ "$(cd "$build" 2>/dev/null && pwd)" != "$top" ]; then
	echo "ci-fuzz: the source tree is configured in place, so it cannot host another build; run 'make distclean' there and build in a subdirectory" >&2
	exit 2
fi

targets=
for src in "$top"/tests/fuzz/fuzz_*.c; do
	name=${src##*/}
	targets="$targets ${name%.c}"
done

# The fuzz build: everything instrumented for coverage and the
# sanitizers; static, so each target is one binary; replay.c's main()
# left out (DORMANT_LIBFUZZER) for libFuzzer's, linked into the targets
# alone (LDFLAGS at make time: libdormant is an archive, not linked).
mkdir -p "$build" || exit 2
echo "ci-fuzz: building $(echo $targets | wc -w) targets in $build"
start=$(date +%s)
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && "$top/configure" -q CC="$CC_FUZZ" \
		CFLAGS="-g -O1 -fsanitize=fuzzer-no-link" \
		CPPFLAGS="-DDORMANT_LIBFUZZER" \
		--enable-sanitizers --enable-static --disable-shared) \
		>"$build/ci-fuzz-configure.log" 2>&1 || {
		tail -n 30 "$build/ci-fuzz-configure.log"
		echo "ci-fuzz: configure failed" >&2
		exit 2
	}
fi
progs=
for t in $targets; do
	progs="$progs tests/fuzz/$t"
done
(cd "$build" && make -j"$jobs" core/lib/libdormant.la core/libprogram.la >/dev/null &&
	make -j"$jobs" LDFLAGS=-fsanitize=fuzzer $progs) \
	>"$build/ci-fuzz-build.log" 2>&1 || {
	grep -E 'error|Error' "$build/ci-fuzz-build.log" | head -n 30
	echo "ci-fuzz: build failed (log: $build/ci-fuzz-build.log)" >&2
	exit 2
}
echo "ci-fuzz: built in $(($(date +%s) - start)) s; $secs s per target, $jobs at a time"

work=$build/ci-fuzz
mkdir -p "$work/corpus" "$work/findings" "$work/logs"

# run TARGET: one target for $secs seconds; its status in logs/TARGET.rc.
run() {
	t=$1
	c=${t#fuzz_}
	corpus=$work/corpus/$c
	found=$work/findings/$c
	mkdir -p "$corpus" "$found"
	# New committed seeds join the working copy; it keeps what earlier
	# runs found.
	if [ -d "$top/tests/fuzz/corpus/$c" ]; then
		cp -p "$top/tests/fuzz/corpus/$c"/* "$corpus"/ 2>/dev/null
	fi
	TMPDIR=$ftmp \
	ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$found/" "$corpus" \
		>"$work/logs/$t.log" 2>&1
	echo $? >"$work/logs/$t.rc"
}

set -- $targets
while [ $# -gt 0 ]; do
	i=0
	while [ $# -gt 0 ] && [ "$i" -lt "$jobs" ]; do
		run "$1" &
		i=$((i + 1))
		shift
	done
	wait
done

failed=0
for t in $targets; do
	c=${t#fuzz_}
	rc=$(cat "$work/logs/$t.rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/logs/$t.log")
	cov=$(grep -E '^#[0-9]+' "$work/logs/$t.log" | tail -n 1 |
		sed -n 's/.*cov: \([0-9]*\).*corp: \([0-9]*\).*/cov \1, corpus \2/p')
	artifacts=$(ls "$work/findings/$c" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ -z "$artifacts" ]; then
		echo "ok   $c: ${execs:-?} inputs, ${cov:-no stats}"
		continue
	fi
	failed=$((failed + 1))
	echo "FAIL $c: exit $rc"
	echo "---- $work/logs/$t.log (end)"
	grep -v -E '^#[0-9]+|^INFO:|^stat::|^"|^######' "$work/logs/$t.log" | tail -n 40
	for a in $artifacts; do
		f=$work/findings/$c/$a
		echo "---- reproducer: $f ($(wc -c <"$f") bytes)"
		od -A d -c "$f" | head -n 8
		echo "replay: $build/tests/fuzz/$t $f"
	done
	echo "(once fixed, copy the reproducer into tests/fuzz/corpus/$c/ so that make check replays it)"
done
echo "ci-fuzz: $(echo $targets | wc -w) targets, $failed failed; findings under $work/findings, working corpora under $work/corpus"
[ "$failed" -eq 0 ]
