#!/usr/bin/env bash
# meshprof serve on loopback: its exposition passes promtool, its CPU
# counter agrees with a workload's own schedstat after the workload exits,
# bad requests get proper HTTP errors without disturbing the next scrape,
# SIGHUP with a broken rules file keeps the old rules, the TTL drops a
# gone component's series and SIGTERM stops it within a second.
source "$(dirname "$0")/../lib.sh"

LOAD=$TOP/build/tests/truthload
dir=$(mktemp -d)
port=$(free_port)
url=http://127.0.0.1:$port
sv_pid=
cleanup() {
	[ -n "$sv_pid" ] && kill "$sv_pid" 2>/dev/null && wait "$sv_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

echo 'comm=truthload role=app name=truth' >"$dir/rules"
"$MESHPROF" serve --listen "127.0.0.1:$port" --interval 0.5 --series-ttl 4 \
	--rules "$dir/rules" --node test-node >"$dir/out" 2>"$dir/err" &
sv_pid=$!

check "serve becomes healthy" wait_http "$url/healthz" 200 300

metric() { # metric FILE NAME LABEL-FILTER: the value of one series
	grep "^$2{" "$1" | grep -F -- "$3" | awk '{ print $2 }' | head -1
}

curl -s "$url/metrics" >"$dir/m0"
check "promtool check metrics passes" promtool check metrics <"$dir/m0"
check "series carry node and the component labels" \
	grep -q '^meshprof_cpu_seconds_total{node="test-node",namespace="",pod="",container="",component="kernel",role="system",mesh="none"}' "$dir/m0"
for f in $(awk '/^# TYPE/ { print $3 }' "$dir/m0"); do
	check "docs/prometheus.md documents $f" grep -qF "\`$f" "$TOP/docs/prometheus.md"
done
check "own process metrics" grep -q '^process_resident_memory_bytes [0-9]' "$dir/m0"
check "BPF map fill" grep -q '^meshprof_bpf_map_capacity{node="test-node",map="proc_stats"} 8192$' "$dir/m0"

hdr=$(curl -s -D - -o "$dir/om" -H 'Accept: application/openmetrics-text; version=1.0.0' "$url/metrics")
check "OpenMetrics when asked for" grep -qi '^content-type: application/openmetrics-text; version=1.0.0' <<<"$hdr"
check "OpenMetrics ends in # EOF" test "$(tail -1 "$dir/om")" = "# EOF"
check "OpenMetrics counter families drop _total" grep -q '^# TYPE meshprof_cpu_seconds counter$' "$dir/om"
check "text format 0.0.4 by default" bash -c "curl -s -D - -o /dev/null $url/metrics | grep -qi '^content-type: text/plain; version=0.0.4'"

# A workload that burns a known CPU time and exits: its series keeps what
# it did, cumulative, after it is gone.
"$LOAD" --cpu-ms 500 --blocks 20 --bytes 100000 --out "$dir/truth"
truth=$(jq -s 'map(.oncpu_ns) | add / 1e9' "$dir/truth")
sleep 1.5
curl -s "$url/metrics" >"$dir/m1"
got=$(metric "$dir/m1" meshprof_cpu_seconds_total 'component="truth"')
echo "# truthload CPU: schedstat $truth s, serve ${got:-none} s"
check "CPU of an exited workload within 3% of its schedstat" within "${got:-0}" "$truth" 3
sent=$(metric "$dir/m1" meshprof_socket_bytes_total 'component="truth",role="app",mesh="none",direction="sent"')
check "its socket bytes counted" test "${sent:-0}" -ge 100000

# Bad requests: proper errors, and collection goes on.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "POST is 405" test "$(code -X POST "$url/metrics")" = 405
check "405 says Allow: GET, HEAD" bash -c "curl -s -D - -o /dev/null -X DELETE $url/metrics | grep -qi '^allow: GET, HEAD'"
check "unknown path is 404" test "$(code "$url/metrics/x")" = 404
check "HEAD is answered" test "$(code -I "$url/metrics")" = 200
check "a GET with a body is 413" test "$(code -X GET --data-binary @"$dir/m0" "$url/metrics")" = 413
big=$(head -c 20000 /dev/zero | tr '\0' a)
c=$(code -H "X-Big: $big" "$url/metrics")
check "oversized headers are refused with 4xx ($c)" test "${c:0:1}" = 4
raw() { # raw REQUEST: the status line's first 12 bytes
	printf "$1" | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat >&3; head -c 12 <&3"
}
check "a request line without a version is 400" test "$(raw 'GET /metrics\r\n\r\n')" = "HTTP/1.1 400"
check "an unknown HTTP version is 505" test "$(raw 'GET /metrics HTTP/9.9\r\n\r\n')" = "HTTP/1.1 505"
# Clients that connect and say nothing hold no reads up.
idle=()
for _ in $(seq 40); do
	timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; sleep 3" 2>/dev/null &
	idle+=($!)
done
sleep 1
curl -s --max-time 5 "$url/metrics" >"$dir/m2"
check "the next scrape passes promtool" promtool check metrics <"$dir/m2"
a=$(metric "$dir/m1" meshprof_cpu_seconds_total 'component="kernel"')
b=$(metric "$dir/m2" meshprof_cpu_seconds_total 'component="kernel"')
check "counters are monotonic across scrapes" awk -v a="${a:-0}" -v b="${b:-0}" 'BEGIN { exit !(b >= a && a > 0) }'
wait "${idle[@]}"

# A crowd of clients at once: each served or refused, none waits long.
codes=$(seq 60 | xargs -P 30 -I{} curl -s --max-time 5 -o /dev/null -w '%{http_code}\n' "$url/metrics" | sort | uniq -c)
echo "# 60 clients, 30 at a time: $(tr '\n' ' ' <<<"$codes")"
check "a crowd of clients is served or refused" bash -c "! grep -qv ' 200$\| 000$' <<<'$codes' && grep -q ' 200$' <<<'$codes'"
curl -s "$url/metrics" >"$dir/m4"
check "collection goes on after the crowd" awk -v a="$b" -v b="$(metric "$dir/m4" meshprof_cpu_seconds_total 'component="kernel"')" \
	'BEGIN { exit !(b > a) }'
out=$("$MESHPROF" serve --listen "127.0.0.1:$port" 2>&1)
check "a port in use is an error: $out" grep -q 'cannot listen on' <<<"$out"
out=$("$MESHPROF" serve --listen nonsense 2>&1)
check "a bad --listen is an error: $out" grep -q "invalid --listen 'nonsense'" <<<"$out"

# SIGHUP: a broken file is logged and the old rules stay.
echo 'comm=x role=nonsense' >"$dir/rules"
kill -HUP "$sv_pid"
sleep 1
check "a bad rules file on SIGHUP is an error logged" grep -q 'rules not reloaded' "$dir/err"
check "serve goes on after it" test "$(code "$url/healthz")" = 200

# The exited workload's series goes after the TTL.
sleep 4
curl -s "$url/metrics" >"$dir/m3"
check "a gone component's series is dropped after --series-ttl" \
	bash -c "! grep -q 'component=\"truth\"' $dir/m3"

start=$(date +%s%N)
kill -TERM "$sv_pid"
wait "$sv_pid"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
sv_pid=
echo "# SIGTERM to exit: $ms ms"
check "SIGTERM exits 0" test $rc -eq 0
check "SIGTERM stops it within a second" test "$ms" -lt 1000
finish
