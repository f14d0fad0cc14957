#!/usr/bin/env bash
# Bad input gets one clear line on stderr and a non-zero exit, never a crash.
source "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# fails NAME EXIT-CODE PATTERN -- COMMAND...: exits with EXIT-CODE and prints
# exactly one line on stderr that matches PATTERN.
fails() {
	local name=$1 want=$2 pattern=$3
	shift 4
	"$@" >"$dir/out" 2>"$dir/err"
	local rc=$?
	if [ $rc -eq "$want" ] && [ "$(wc -l <"$dir/err")" -eq 1 ] &&
		grep -qE "$pattern" "$dir/err"; then
		ok "$name"
	else
		not_ok "$name (exit $rc: $(head -c 300 "$dir/err"))"
	fi
}

fails "unknown command" 2 "unknown command 'frobnicate'" -- "$MESHPROF" frobnicate
fails "no command" 2 "missing command" -- "$MESHPROF"
fails "unknown flag" 2 "unknown option or missing value for '--bogus'" -- "$MESHPROF" record --bogus
fails "bad duration" 2 "invalid duration 'abc'" -- "$MESHPROF" record -d abc
fails "negative duration" 2 "invalid duration '-5'" -- "$MESHPROF" record -d -5
fails "bad max-procs" 2 "invalid --max-procs" -- "$MESHPROF" record --max-procs 12x
fails "bad attach mode" 2 "invalid --attach 'fentry'" -- "$MESHPROF" record --attach fentry
fails "stray argument" 2 "unexpected argument 'extra'" -- "$MESHPROF" record extra
check "help exits 0" bash -c "'$MESHPROF' record --help >/dev/null"
check "version" bash -c "'$MESHPROF' --version | grep -q '^meshprof '"

printf 'comm=envoy role=sidecar\ncomm=x role=pilot\n' >"$dir/bad.rules"
fails "malformed rules file names file:line" 1 "bad.rules:2: .*pilot" -- \
	"$MESHPROF" record -d 1 --rules "$dir/bad.rules"
fails "missing rules file" 1 "nope.rules: No such file" -- \
	"$MESHPROF" record -d 1 --rules "$dir/nope.rules"
fails "unreadable BTF file" 1 "cannot read BTF file" -- \
	"$MESHPROF" record -d 1 --btf "$dir/none.btf"
echo garbage >"$dir/junk.btf"
fails "invalid BTF file" 1 "is not valid BTF" -- \
	"$MESHPROF" record -d 1 --btf "$dir/junk.btf"
fails "not root" 1 "need root or CAP_BPF and CAP_PERFMON" -- \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$MESHPROF" record -d 1
fails "missing sched_switch" 1 "kernel lacks tracepoint sched:sched_switch" -- \
	env MESHPROF_TEST_MISSING_TP=sched_switch "$MESHPROF" record -d 1 -q

# A good run to damage.
"$MESHPROF" record -d 1 -q -o "$dir/good.json" 2>/dev/null
check "record -q writes JSON" jqe '.schema == "meshprof.run/1"' "$dir/good.json"
fails "report: missing file" 1 "nothing.json: No such file" -- \
	"$MESHPROF" report "$dir/nothing.json"
head -c 200 "$dir/good.json" >"$dir/truncated.json"
fails "report: truncated JSON" 1 "not valid JSON" -- "$MESHPROF" report "$dir/truncated.json"
echo '[1,2]' >"$dir/array.json"
fails "report: wrong top level" 1 "top level is not an object" -- \
	"$MESHPROF" report "$dir/array.json"
jq '.schema = "other/9"' "$dir/good.json" >"$dir/schema.json"
fails "report: wrong schema" 1 'schema is "other/9"' -- "$MESHPROF" report "$dir/schema.json"
jq 'del(.components[0].cpu)' "$dir/good.json" >"$dir/nocpu.json"
fails "report: missing field named by path" 1 'missing components\[0\]\.cpu' -- \
	"$MESHPROF" report "$dir/nocpu.json"
jq '.components[0].net.bytes_sent = "lots"' "$dir/good.json" >"$dir/type.json"
fails "report: wrong type named by path" 1 'components\[0\]\.net\.bytes_sent has the wrong type' -- \
	"$MESHPROF" report "$dir/type.json"
jq '.components[0].role = "boss"' "$dir/good.json" >"$dir/role.json"
fails "report: unknown role" 1 'unknown role "boss"' -- "$MESHPROF" report "$dir/role.json"
fails "report: two files" 2 "expected one FILE.json" -- "$MESHPROF" report a b
fails "record: unwritable output" 1 "cannot write" -- \
	"$MESHPROF" record -d 0.5 -q -o /nonexistent/dir/run.json

"$MESHPROF" record -d 0.5 -q --no-latency -o "$dir/nolat.json" 2>/dev/null
check "--no-latency says latency is unavailable" jqe '.probes.unavailable == ["latency"]' "$dir/nolat.json"

# diff and weights.
fails "diff: one file" 2 "expected BASELINE.json and MESH.json" -- "$MESHPROF" diff "$dir/good.json"
fails "diff: truncated baseline" 1 "truncated.json: not valid JSON" -- \
	"$MESHPROF" diff "$dir/truncated.json" "$dir/good.json"
fails "diff: wrong schema" 1 'schema is "other/9"' -- \
	"$MESHPROF" diff "$dir/good.json" "$dir/schema.json"
jq '.node.cpus = 64' "$dir/good.json" >"$dir/cpus.json"
fails "diff: runs from different nodes" 1 "mismatched runs: .* on 2 CPUs|mismatched runs" -- \
	"$MESHPROF" diff "$dir/good.json" "$dir/cpus.json"
jq '.workload.requests = 1000 | .workload.requests_source = "command-line"' "$dir/good.json" >"$dir/req.json"
fails "diff: one run counts requests, the other not" 1 "mismatched runs: .* has a request count" -- \
	"$MESHPROF" diff "$dir/good.json" "$dir/req.json"
fails "weights out of range" 2 "weights: .*cpu_share" -- \
	"$MESHPROF" diff --weights cpu_share=0.6 "$dir/good.json" "$dir/good.json"
fails "weights: unknown MUE" 2 "weights: .*bogus" -- \
	"$MESHPROF" record --weights bogus=0.1
fails "weights: not a number" 2 "weights: " -- \
	"$MESHPROF" report --weights rss=abc "$dir/good.json"
fails "format: unknown" 2 "invalid --format 'xml'" -- "$MESHPROF" report --format xml "$dir/good.json"
check "report --format smp is JSON" jqe '.performance_test_result.smp_version' \
	<("$MESHPROF" report --format smp "$dir/good.json")

# tracefs unmounted: meshprof mounts it (in a private mount namespace).
unshare -m bash -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null
	test ! -e /sys/kernel/tracing/events || exit 3
	'$MESHPROF' record -d 0.5 -q -o '$dir/tracefs.json' 2>/dev/null && test -e /sys/kernel/tracing/events/syscalls"
check "tracefs unmounted: meshprof mounts it and attaches" test $? -eq 0
check "tracefs unmounted: accept counting still available" \
	jqe '.probes.unavailable == []' "$dir/tracefs.json"
finish
