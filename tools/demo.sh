#!/usr/bin/env bash
# `make demo`: an Istio-like sidecar mesh with mTLS (tools/meshlab) under
# constant load, profiled by meshprof for the load window. Prints meshprof's
# per-component table next to the load generator's own RPS and latency.
#
#   tools/demo.sh [SCENARIO]     (default sidecar-mtls)
#   env: DEMO_RPS=200 DEMO_CONNS=8 DEMO_SECONDS=15 DEMO_OUT=build/demo
#        MESHPROF=./meshprof (skipped, with a note, until it is built)
set -euo pipefail
cd "$(dirname "$0")/.."

ML=tools/meshlab
MESHPROF=${MESHPROF:-./meshprof}
SCENARIO=${1:-sidecar-mtls}
RPS=${DEMO_RPS:-200}
CONNS=${DEMO_CONNS:-8}
DURATION=${DEMO_SECONDS:-15}
OUT=${DEMO_OUT:-build/demo}
ATTACH=1	# seconds for meshprof to attach before the load starts
mp_pid=""

cleanup() {
	[ -n "$mp_pid" ] && kill "$mp_pid" 2>/dev/null
	"$ML" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

mkdir -p "$OUT"
rm -f "$OUT/profile.json" "$OUT/meshprof.txt" "$OUT/meshprof.err" "$OUT/load.json"
"$ML" up "$SCENARIO"

if [ -x "$MESHPROF" ]; then
	"$MESHPROF" record -d $((DURATION + ATTACH + 1)) -o "$OUT/profile.json" \
		--loadgen "$OUT/load.json" \
		>"$OUT/meshprof.txt" 2>"$OUT/meshprof.err" &
	mp_pid=$!
	sleep $ATTACH
else
	echo "demo: $MESHPROF is not built yet: load generator only"
fi

echo "demo: $RPS rps over $CONNS connections for $DURATION s ($SCENARIO)"
"$ML" load --rps "$RPS" --conns "$CONNS" --duration "$DURATION" \
	--json "$OUT/load.json" >/dev/null

mp_rc=0
if [ -n "$mp_pid" ]; then
	wait "$mp_pid" || mp_rc=$?
	mp_pid=""
	echo
	echo "== meshprof: per component ($OUT/profile.json)"
	cat "$OUT/meshprof.txt"
	if [ $mp_rc -ne 0 ]; then
		echo "demo: meshprof failed (exit $mp_rc):" >&2
		cat "$OUT/meshprof.err" >&2
	fi
fi

echo
echo "== load generator: the client's own view ($OUT/load.json)"
jq -r '"  rps \(.actual_qps) (asked \(.requested_qps)), \(.requests) requests, \(.errors) errors, \(.duration_seconds) s",
	"  latency ms: min \(.latencies_ms.min)  p50 \(.latencies_ms.p50)  p90 \(.latencies_ms.p90)  p99 \(.latencies_ms.p99)  max \(.latencies_ms.max)"' \
	"$OUT/load.json"
exit $mp_rc
