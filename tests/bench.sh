#!/usr/bin/env bash
# make bench: what meshprof costs the workloads it watches, measured side by
# side in one run (configurations interleaved, medians of several rounds):
# no profiler, meshprof record (default, and --no-latency), and
# libbpf-tools' runqlat and cpudist.
#   1. pingpong: one byte bounced over loopback TCP between two processes,
#      the worst case for the sched_switch and socket handlers;
#   2. the mesh lab's sidecar-mtls scenario in closed loop (real proxies).
# Then meshprof's own footprint: CPU, peak RSS and BPF map memory.
set -u
cd "$(dirname "$0")/.."
ROUNDS=${BENCH_ROUNDS:-5}
PING=${BENCH_PINGPONG:-40000}
LAB_SECONDS=${BENCH_LAB_SECONDS:-4}
tmp=$(mktemp -d)
prof_pid=""
cleanup() {
	[ -n "$prof_pid" ] && kill -INT "$prof_pid" 2>/dev/null
	tools/meshlab down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

start_profiler() { # start_profiler CONFIG
	prof_pid=""
	case $1 in
	none) return ;;
	meshprof | meshprof-nolat)
		./meshprof record -q -d 600 -o "$tmp/meshprof.json" \
			$([ $1 = meshprof-nolat ] && echo --no-latency) 2>"$tmp/mp.err" &
		prof_pid=$!
		for _ in $(seq 100); do
			grep -q '^meshprof: recording' "$tmp/mp.err" && return
			sleep 0.1
		done ;;
	runqlat|cpudist)
		/usr/sbin/$1 600 1 >/dev/null 2>&1 &
		prof_pid=$!
		sleep 1.5 ;;
	esac
}

stop_profiler() {
	[ -n "$prof_pid" ] || return 0
	kill -INT "$prof_pid" 2>/dev/null
	wait "$prof_pid" 2>/dev/null
	prof_pid=""
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

CONFIGS="none meshprof meshprof-nolat runqlat cpudist"
echo "bench: $ROUNDS rounds, configurations interleaved: $CONFIGS"
for r in $(seq "$ROUNDS"); do
	for c in $CONFIGS; do
		start_profiler $c
		build/tests/pingpong "$PING" >>"$tmp/ping.$c"
		stop_profiler
	done
done

tools/meshlab up sidecar-mtls >/dev/null
for r in $(seq "$ROUNDS"); do
	for c in $CONFIGS; do
		start_profiler $c
		tools/meshlab load --closed --conns 8 --duration "$LAB_SECONDS" \
			--json "$tmp/lab.json" >/dev/null
		jq .actual_qps "$tmp/lab.json" >>"$tmp/lab.$c"
		stop_profiler
	done
done

# meshprof's footprint while recording the lab under load: its maps are
# the ones created after this point.
last_map=$(bpftool map show -j | jq '[.[].id] | max // 0')
./meshprof record -q -d $((LAB_SECONDS + 2)) -o "$tmp/self.json" 2>"$tmp/mp.err" &
mp=$!
sleep 1
tools/meshlab load --closed --conns 8 --duration "$LAB_SECONDS" --json "$tmp/lab.json" >/dev/null
hwm=$(awk '/VmHWM/ { print $2 }' /proc/$mp/status)
maps=$(bpftool map show -j | jq "[.[] | select(.id > $last_map) | .bytes_memlock] | add // 0")
wait $mp
tools/meshlab down >/dev/null

printf '\n%-15s %14s %8s %14s %8s\n' config pingpong_rt/s ratio lab_closed_rps ratio
base_ping=$(median <"$tmp/ping.none")
base_lab=$(median <"$tmp/lab.none")
for c in $CONFIGS; do
	p=$(median <"$tmp/ping.$c")
	l=$(median <"$tmp/lab.$c")
	printf '%-15s %14.0f %8.3f %14.0f %8.3f\n' $c "$p" \
		"$(awk "BEGIN { print $p / $base_ping }")" "$l" \
		"$(awk "BEGIN { print $l / $base_lab }")"
done
self_cpu=$(jq '[.components[] | select(.name == "meshprof") | .cpu.seconds] | add // 0' "$tmp/self.json")
window=$(jq .window.seconds "$tmp/self.json")
echo
echo "meshprof itself while recording the lab in closed loop:"
printf '  CPU %.3f s in a %.1f s window (%.2f%% of one CPU)\n' "$self_cpu" "$window" \
	"$(awk "BEGIN { print 100 * $self_cpu / $window }")"
echo "  peak RSS $((hwm / 1024)) MiB, BPF maps $((maps / 1048576)) MiB locked"
echo "  drops: $(jq -c '.drops | with_entries(select(.value > 0))' "$tmp/self.json")"
