#!/usr/bin/env bash
# make bench: what meshprof costs the workloads it watches, measured side by
# side in one run (configurations interleaved, medians of several rounds):
# no profiler, meshprof record (default, and --no-latency), and
# libbpf-tools' runqlat and cpudist.
#   1. pingpong: one byte bounced over loopback TCP between two processes,
#      the worst case for the sched_switch and socket handlers (every
#      message is a turn);
#   2. the mesh lab's sidecar scenario (HTTP proxies, iptables REDIRECT) in
#      closed loop.
# For each: throughput against no profiler, and the kernel's own run time
# of each tool's BPF programs per request (kernel.bpf_stats_enabled), with
# meshprof's programs one by one. Then meshprof's own footprint: CPU, peak
# RSS and BPF map memory while recording the lab.
set -u
cd "$(dirname "$0")/.."
ROUNDS=${BENCH_ROUNDS:-5}
PING=${BENCH_PINGPONG:-30000}
LAB_SECONDS=${BENCH_LAB_SECONDS:-4}
SCENARIO=${BENCH_SCENARIO:-sidecar}
tmp=$(mktemp -d)
prof_pid=""
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	[ -n "$prof_pid" ] && kill -INT "$prof_pid" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$stats_was"
	tools/meshlab down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
sysctl -qw kernel.bpf_stats_enabled=1

start_profiler() { # start_profiler CONFIG
	prof_pid=""
	case $1 in
	none) return ;;
	meshprof | meshprof-nolat)
		./meshprof record -q -d 600 -o "$tmp/meshprof.json" \
			$([ $1 = meshprof-nolat ] && echo --no-latency) 2>"$tmp/mp.err" &
		prof_pid=$!
		for _ in $(seq 300); do
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

# progs FILE: the run time and count of every BPF program loaded now.
progs() { bpftool prog show -j >"$1"; }

# tool_progs PID: the ids of the BPF programs PID holds open, as a JSON
# array (from fdinfo: bpftool here cannot name a program's holders). Other
# programs, of whatever else runs on the machine, are not the tool's.
tool_progs() {
	[ -n "$1" ] || { echo '[]'; return; }
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '/^prog_id:/ { print $2 }' | sort -un | jq -s .
}

# bpf_delta BEFORE AFTER IDS: "name run_cnt run_time_ns" of the programs
# IDS over the interval.
bpf_delta() {
	jq -rs --argjson ids "$3" '(.[0] | map({(.id | tostring): .}) | add) as $a
		| .[1][] | select(.id as $i | $ids | index($i))
		| ($a[.id | tostring] // {}) as $o
		| "\(.name) \((.run_cnt // 0) - ($o.run_cnt // 0)) \((.run_time_ns // 0) - ($o.run_time_ns // 0))"' \
		"$1" "$2"
}

# measure WORKLOAD CONFIG: one round ($round); appends "throughput
# requests" to $tmp/WORKLOAD.CONFIG and "round program runs ns requests"
# to $tmp/WORKLOAD.CONFIG.progs.
measure() {
	local w=$1 c=$2 ids req tput
	start_profiler "$c"
	ids=$(tool_progs "$prof_pid")
	progs "$tmp/p0"
	case $w in
	pingpong)
		tput=$(build/tests/pingpong "$PING")
		req=$PING ;;
	lab)
		tools/meshlab load --closed --conns 8 --duration "$LAB_SECONDS" \
			--json "$tmp/lab.json" >/dev/null
		tput=$(jq .actual_qps "$tmp/lab.json")
		req=$(jq .requests "$tmp/lab.json") ;;
	esac
	progs "$tmp/p1"
	[ "$c" = none ] || [ "$ids" != "[]" ] ||
		echo "bench: $c holds no BPF programs" >&2
	stop_profiler
	echo "$tput $req" >>"$tmp/$w.$c"
	bpf_delta "$tmp/p0" "$tmp/p1" "$ids" |
		awk -v r="$req" -v n="$round" '{ print n, $1, $2, $3, r }' >>"$tmp/$w.$c.progs"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

CONFIGS="none meshprof meshprof-nolat runqlat cpudist"
echo "bench: $ROUNDS rounds, configurations interleaved: $CONFIGS"
for round in $(seq "$ROUNDS"); do
	for c in $CONFIGS; do
		measure pingpong "$c"
	done
done
tools/meshlab up "$SCENARIO" >/dev/null || { echo "bench: the mesh lab did not start" >&2; exit 1; }
for round in $(seq "$ROUNDS"); do
	for c in $CONFIGS; do
		measure lab "$c"
	done
done

# per_request W C: median over rounds of the tool's BPF ns per request.
per_request() {
	awk '{ ns[$1] += $4; req[$1] = $5 }
		END { for (r in ns) print ns[r] / req[r] }' "$tmp/$1.$2.progs" | median
}

report() { # report WORKLOAD UNIT
	local w=$1 base base_bpf c t ns
	base=$(awk '{ print $1 }' "$tmp/$w.none" | median)
	base_bpf=$(per_request "$w" runqlat)
	printf '\n%s: throughput against no profiler, BPF time per request against runqlat\n' "$w"
	printf '%-15s %12s %7s %14s %9s\n' config "$2" ratio "BPF ns/req" "x runqlat"
	for c in $CONFIGS; do
		t=$(awk '{ print $1 }' "$tmp/$w.$c" | median)
		ns=0
		[ "$c" != none ] && ns=$(per_request "$w" "$c")
		printf '%-15s %12.0f %7.3f %14.0f %9.2f\n' "$c" "$t" \
			"$(awk "BEGIN { print $t / $base }")" "$ns" \
			"$(awk "BEGIN { print ($base_bpf > 0 ? $ns / $base_bpf : 0) }")"
	done
	for c in meshprof meshprof-nolat runqlat; do
		printf '  %s, per program (ns/event, events/request):\n' "$c"
		awk '{ cnt[$2] += $3; ns[$2] += $4; req[$2] += $5 }
			END { for (p in cnt) if (cnt[p] > 0)
				printf "    %-18s %6.0f ns %8.2f\n", p, ns[p] / cnt[p], cnt[p] / req[p] }' \
			"$tmp/$w.$c.progs" | sort
	done
}
report pingpong "round trips/s"
report lab "requests/s"

# The machine's floor: every calibration program on one event stream
# (pingpong's sends), so each differs from the empty one by its body.
calibrate() {
	local pid ids
	build/tests/bpffloor 600 >"$tmp/floor.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -q ready "$tmp/floor.out" && break
		sleep 0.1
	done
	ids=$(tool_progs "$pid")
	progs "$tmp/f0"
	build/tests/pingpong "$PING" >/dev/null
	progs "$tmp/f1"
	kill -INT "$pid"
	wait "$pid"
	echo
	echo "calibration: BPF ns per event on sock_send_length, the same events for each"
	bpf_delta "$tmp/f0" "$tmp/f1" "$ids" | awk '$2 > 0 { ns[$1] = $3 / $2 }
		END { printf "  %-14s %5.0f ns  running a program at all (bpf_stats included)\n", "empty", ns["empty"]
			for (p in ns) if (p != "empty")
				printf "  %-14s %+5.0f ns\n", p, ns[p] - ns["empty"] }'
}
calibrate

# meshprof's footprint while recording the lab under load: defaults, and
# without the DWARF of inlined calls (docs/attribution.md).
footprint() { # footprint [RECORD ARGS]
	local mp hwm ids maps self_cpu window
	./meshprof record -q -d $((LAB_SECONDS + 2)) -o "$tmp/self.json" "$@" 2>"$tmp/mp.err" &
	mp=$!
	sleep 1
	tools/meshlab load --closed --conns 8 --duration "$LAB_SECONDS" --json "$tmp/lab.json" >/dev/null
	hwm=$(awk '/VmHWM/ { print $2 }' /proc/$mp/status)
	ids=$(cat /proc/$mp/fdinfo/* 2>/dev/null | awk '/^map_id:/ { print $2 }' |
		sort -un | jq -s .)
	maps=$(bpftool map show -j |
		jq --argjson ids "$ids" '[.[] | select(.id as $i | $ids | index($i)) | .bytes_memlock] | add // 0')
	wait $mp
	self_cpu=$(jq '[.components[] | select(.name == "meshprof") | .cpu.seconds] | add // 0' "$tmp/self.json")
	window=$(jq .window.seconds "$tmp/self.json")
	echo
	echo "meshprof record${*:+ $*} itself while recording the lab in closed loop:"
	printf '  CPU %.3f s in a %.1f s window (%.2f%% of one CPU)\n' "$self_cpu" "$window" \
		"$(awk "BEGIN { print 100 * $self_cpu / $window }")"
	printf '  peak RSS %.1f MiB, BPF maps %.1f MiB locked\n' \
		"$(awk "BEGIN { print $hwm / 1024 }")" "$(awk "BEGIN { print $maps / 1048576 }")"
	echo "  drops: $(jq -c '.drops | with_entries(select(.value > 0))' "$tmp/self.json")"
}
footprint
footprint --no-inline
tools/meshlab down >/dev/null
