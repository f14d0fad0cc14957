#!/usr/bin/env bash
# make soak (not in `make test`): meshprof serve over the mesh lab for an
# hour (SOAK_SECONDS) with the pods restarted every minute (new pod UIDs
# and container IDs, as a rollout gives), under load. Every minute it
# notes serve's resident memory, its series, its fullest BPF map and its
# drops; after the first WARMUP seconds, memory and series must stay flat
# and the maps bounded. Figures go to build/soak.csv.
source "$(dirname "$0")/lib.sh"

SECONDS_TOTAL=${SOAK_SECONDS:-3600}
PERIOD=${SOAK_PERIOD:-60}
WARMUP=${SOAK_WARMUP:-600}
ML=$TOP/tools/meshlab
CSV=$TOP/build/soak.csv
dir=$(mktemp -d)
port=$(free_port)
sv_pid=
load_pid=
cleanup() {
	[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
	[ -n "$sv_pid" ] && kill "$sv_pid" 2>/dev/null && wait "$sv_pid"
	"$ML" down >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT

"$MESHPROF" serve --listen "127.0.0.1:$port" >"$dir/out" 2>"$dir/err" &
sv_pid=$!
wait_http "http://127.0.0.1:$port/healthz" 200 600 || { cat "$dir/err"; exit 1; }

value() { # value NAME LABEL-FILTER: summed over the matching series
	grep "^$1[{ ]" "$dir/m" | grep -F -- "$2" | awk '{ s += $2 } END { print s + 0 }'
}

echo "elapsed_s,rss_kib,series,fullest_map,fullest_fill,drops,open_fds,update_s" >"$CSV"
start=$(date +%s)
scenarios=(sidecar-mtls node-proxy)
round=0
while [ $(($(date +%s) - start)) -lt "$SECONDS_TOTAL" ]; do
	[ -n "$load_pid" ] && wait "$load_pid" 2>/dev/null
	"$ML" up "${scenarios[round % 2]}" >"$dir/up" 2>&1 || { cat "$dir/up"; exit 1; }
	"$ML" load --rps 200 --conns 4 --duration $((PERIOD - 15)) >/dev/null 2>&1 &
	load_pid=$!
	sleep "$PERIOD"
	round=$((round + 1))
	kill -0 "$sv_pid" || { echo "serve died"; cat "$dir/err"; exit 1; }
	curl -s "http://127.0.0.1:$port/metrics" >"$dir/m"
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$sv_pid/status")
	fill=$(paste <(grep '^meshprof_bpf_map_entries{' "$dir/m") \
		<(grep '^meshprof_bpf_map_capacity{' "$dir/m") |
		awk '{ split($1, a, "map=\""); split(a[2], b, "\""); f = $2 / $4;
		       if (f > best) { best = f; name = b[1] } }
		     END { printf "%s,%.4f", name, best }')
	printf '%d,%d,%d,%s,%d,%d,%s\n' $(($(date +%s) - start)) "$rss" \
		"$(value meshprof_series '')" "$fill" \
		"$(value meshprof_drops_total '')" "$(value process_open_fds '')" \
		"$(value meshprof_scrape_duration_seconds '')" | tee -a "$CSV"
done

# After the warm-up: memory within 10% (or 4 MiB) of its level then,
# series no more than then plus a fifth, the fullest map under 90%.
awk -F, -v w="$WARMUP" 'NR > 1 && $1 >= w {
	n++
	if (n == 1) { rss0 = $2; ser0 = $3 }
	if ($2 > rmax) rmax = $2
	if ($3 > smax) smax = $3
	if ($5 > fmax) fmax = $5
}
END {
	printf "soak: %d samples after %d s: RSS %d -> max %d KiB, series %d -> max %d, fullest map %.1f%%\n",
		n, w, rss0, rmax, ser0, smax, fmax * 100
	ok = n > 1 && (rmax - rss0 <= rss0 * 0.10 || rmax - rss0 <= 4096) &&
	     smax <= ser0 * 1.2 + 2 && fmax < 0.9
	exit !ok
}' "$CSV"
rc=$?
check "soak: memory and series flat, maps bounded" test $rc -eq 0
finish
