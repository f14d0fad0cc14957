# Shared by the integration and lab test scripts: one "ok"/"not ok" line per
# check, read by tests/run.sh.
MESHPROF=${MESHPROF:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/meshprof}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tests_failed=0

ok() { echo "ok $*"; }
not_ok() { echo "not ok $*"; tests_failed=1; }

# check NAME CONDITION-COMMAND...: runs the command, reports ok/not ok.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# within ACTUAL EXPECTED PERCENT: |actual - expected| <= percent% of expected.
within() {
	awk -v a="$1" -v e="$2" -v p="$3" 'BEGIN {
		d = a - e; if (d < 0) d = -d;
		exit !(e != 0 ? d <= e * p / 100 : a == 0) }'
}

# near A B TOLERANCE: |A - B| <= TOLERANCE
near() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}

# start_record BASE ARGS...: meshprof record in the background, writing
# BASE.json, BASE.table and BASE.err, its pid in mp_pid; returns when it
# counts. SIGINT ends the window.
start_record() {
	local base=$1
	shift
	"$MESHPROF" record -d 120 -o "$base.json" "$@" \
		>"$base.table" 2>"$base.err" &
	mp_pid=$!
	for _ in $(seq 300); do
		grep -qs '^meshprof: recording' "$base.err" && return 0
		kill -0 $mp_pid 2>/dev/null || break
		sleep 0.1
	done
	cat "$base.err"
	return 1
}

finish() { exit $tests_failed; }

# jqe FILTER FILE: true when the filter yields true (quietly).
jqe() { jq -e "$@" >/dev/null; }

# free_port: a TCP port nothing listens on at 127.0.0.1 now.
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
	return 1
}

# wait_http URL CODE TENTHS: true once URL answers CODE, within TENTHS/10 s.
wait_http() {
	for _ in $(seq "$3"); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
