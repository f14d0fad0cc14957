#!/usr/bin/env bash
# Churn, the short version of make churn (tests/churn.sh): 1500 short
# processes and 200 threads in 5 s while record runs with --max-exited
# 50. Every process is counted, listed or folded into its component, and
# their CPU time matches getrusage; a process that did real work is still
# listed one by one, exited.
source "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'kill $mp_pid 2>/dev/null; rm -rf "$dir"' EXIT
cp /bin/true "$dir/chexec"
cp "$TOP/build/tests/churn" "$dir/worker"

start_record "$dir/run" -q -d 8 --max-exited 50 || { not_ok "record started"; finish; }
# Real work, then gone: a fraction of a second of CPU, named worker.
"$dir/worker" -n 0 -t 5000 -d 0.2 >"$dir/worker.json"
"$TOP/build/tests/churn" -n 1500 -t 200 -d 5 -e "$dir/chexec" >"$dir/churn.json"
wait $mp_pid
check "record exits 0 under churn" test $? -eq 0
check "no losses" jqe '[.drops[]] | add == 0' "$dir/run.json"
want=$(jq '.processes + 1' "$dir/churn.json")
truth=$(jq '.cpu_seconds + .children_cpu_seconds' "$dir/churn.json")
read -r got cpu < <(jq -r '[.components[] | select(.name == "churn" or .name == "chexec")] |
	"\(map((.pids | length) + .processes_folded) | add) \(map(.cpu.seconds) | add)"' \
	"$dir/run.json")
worker=$(jq .pid "$dir/worker.json")
check "every process counted, listed or folded ($got of $want)" test "$got" -eq "$want"
check "their CPU time matches getrusage ($cpu s, $truth s)" \
	near "$cpu" "$truth" "$(awk -v t="$truth" 'BEGIN { print t * 0.05 + 0.02 }')"
check "exited processes beyond the cap were folded" jqe '.processes_folded >= 1450' "$dir/run.json"
check "no more than 50 exited processes listed" \
	jqe '[.processes[] | select(.exited)] | length <= 50' "$dir/run.json"
check "the process that did real work is listed, exited" \
	jqe --argjson p "$worker" 'any(.processes[]; .pid == $p and .exited)' "$dir/run.json"
finish
