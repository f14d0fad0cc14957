#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS TARGET...: fuzzes each target (build-fuzz/
# fuzz_TARGET) for SECONDS, one after the other, starting from its seed
# corpus and what earlier runs found (build-fuzz/corpus/TARGET, kept).
# A crash, leak, undefined behaviour or an input slower than 10 s is
# written to build-fuzz/findings/ and fails the run; every run adds a
# line to build-fuzz/fuzz-summary.txt: target, seconds, runs, exec/s.
set -u
cd "$(dirname "$0")/../.."
secs=${1:?usage: tests/fuzz/run.sh SECONDS TARGET...}
shift
source tests/fuzz/targets.sh
mkdir -p build-fuzz/findings build-fuzz/logs
failed=0
for t in "$@"; do
	mkdir -p "build-fuzz/corpus/$t"
	log=build-fuzz/logs/$t.log
	echo "fuzz_$t: $secs s"
	build-fuzz/fuzz_$t -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len="$(max_len "$t")" -print_final_stats=1 \
		-artifact_prefix="build-fuzz/findings/$t-" \
		"build-fuzz/corpus/$t" "tests/fuzz/corpus/$(corpus_of "$t")" \
		>"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	printf '%s\t%s s\t%s runs\t%s exec/s\t%s\n' "$t" "$secs" "${runs:-?}" \
		"${rate:-?}" "$([ $rc -eq 0 ] && echo clean || echo "FINDING (exit $rc)")" |
		tee -a build-fuzz/fuzz-summary.txt
	if [ $rc -ne 0 ]; then
		grep -m3 -E '^==[0-9]+==ERROR|runtime error|SUMMARY' "$log"
		failed=1
	fi
done
exit $failed
