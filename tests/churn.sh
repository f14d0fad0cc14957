#!/usr/bin/env bash
# make churn: meshprof record under process churn (docs/hardening.md).
#   tests/churn.sh [SECONDS [PROCESSES [THREADS]]]   (default 90 20000 3000)
# While `record -d SECONDS` runs, tests/workload/churn starts PROCESSES
# short-lived processes (half exec a copy of /bin/true named chexec) and
# THREADS threads over SECONDS - 10, as a sidecar's container would (a
# rules file makes them mesh processes: described to the sampler, their
# memory sampled; --only mesh keeps the rest of the node's files, which
# would be loaded once each, out of the figures). Checks: meshprof exits 0, loses
# nothing (drops), counts every process (listed or folded) and their CPU
# time against getrusage, and keeps its resident memory flat: the last
# three quarters of the window grow it by less than 4 MiB. Prints the
# figures: RSS over time, meshprof's own CPU time.
source "$(dirname "$0")/lib.sh"

secs=${1:-90}
nproc=${2:-20000}
nthread=${3:-3000}
dir=$(mktemp -d)
trap 'kill $mp_pid $load 2>/dev/null; rm -rf "$dir"' EXIT
cp /bin/true "$dir/chexec"
printf 'comm=churn role=sidecar mesh=istio\ncomm=chexec role=sidecar mesh=istio\n' >"$dir/rules"

start_record "$dir/run" -q -d "$secs" --rules "$dir/rules" --only mesh ||
	{ not_ok "record started"; finish; }
"$TOP/build/tests/churn" -n "$nproc" -t "$nthread" -d $((secs - 10)) \
	-e "$dir/chexec" >"$dir/churn.json" &
load=$!
: >"$dir/rss"
while kill -0 $mp_pid 2>/dev/null; do
	read -r rss < <(awk '/^VmRSS/ {print $2}' /proc/$mp_pid/status 2>/dev/null)
	read -r cpu < <(awk '{print ($14 + $15) / 100}' /proc/$mp_pid/stat 2>/dev/null)
	[ -n "$rss" ] && echo "$SECONDS $rss $cpu" >>"$dir/rss"
	sleep 2
done
wait $mp_pid
rc=$?
wait $load

echo "meshprof RSS (KiB) and CPU (s) over time:"
awk '{ printf "  t=%ss rss=%s cpu=%s\n", $1, $2, $3 }' "$dir/rss"
check "record exits 0 under churn" test $rc -eq 0
check "no losses" jqe '[.drops[]] | add == 0' "$dir/run.json"
want_p=$(jq '.processes + 1' "$dir/churn.json")
truth=$(jq '.cpu_seconds + .children_cpu_seconds' "$dir/churn.json")
read -r got_p got_cpu listed < <(jq -r '[.components[] | select(.name == "churn" or .name == "chexec")] |
	"\(map((.pids | length) + .processes_folded) | add) \(map(.cpu.seconds) | add) \(map(.pids | length) | add)"' \
	"$dir/run.json")
echo "processes: $got_p counted ($listed listed, the others folded) of $want_p; CPU $got_cpu s, getrusage $truth s"
check "every churn process counted, listed or folded ($got_p of $want_p)" test "$got_p" -eq "$want_p"
check "their CPU time within 5% of getrusage ($got_cpu s, $truth s)" within "$got_cpu" "$truth" 5
check "exited processes listed one by one stay under the cap" \
	jqe '[.processes[] | select(.exited)] | length <= 1024' "$dir/run.json"
# Flat: from a quarter of the window to its end.
read -r rss_q rss_end < <(awk -v q=$((secs / 4)) 'NR == 1 { t0 = $1 }
	$1 - t0 >= q && !a { a = $2 } END { print a, $2 }' "$dir/rss")
echo "RSS at a quarter of the window ${rss_q} KiB, at its end ${rss_end} KiB"
check "resident memory flat under churn (+$(((rss_end - rss_q) / 1024)) MiB)" \
	test $((rss_end - rss_q)) -lt 4096
finish
