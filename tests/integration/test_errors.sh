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
# A run without requests to compare with (apps on the node may have
# served some in the good run).
jq '.workload.requests = 0 | .workload.requests_source = ""' "$dir/good.json" >"$dir/noreq.json"
jq '.workload.requests = 1000 | .workload.requests_source = "command-line"' "$dir/good.json" >"$dir/req.json"
fails "diff: one run counts requests, the other not" 1 "mismatched runs: .* has a request count" -- \
	"$MESHPROF" diff "$dir/noreq.json" "$dir/req.json"
fails "weights out of range" 2 "weights: .*cpu_share" -- \
	"$MESHPROF" diff --weights cpu_share=0.6 "$dir/good.json" "$dir/good.json"
fails "weights: unknown MUE" 2 "weights: .*bogus" -- \
	"$MESHPROF" record --weights bogus=0.1
fails "weights: not a number" 2 "weights: " -- \
	"$MESHPROF" report --weights rss=abc "$dir/good.json"
fails "format: unknown" 2 "invalid --format 'xml'" -- "$MESHPROF" report --format xml "$dir/good.json"
check "report --format smp is JSON" jqe '.performance_test_result.smp_version' \
	<("$MESHPROF" report --format smp "$dir/good.json")

# Every value of a run is checked (docs/json.md): each of these once
# crashed report, printed nonsense or was silently accepted.
damaged() {
	local name=$1 filter=$2 pattern=$3
	jq "$filter" "$dir/good.json" >"$dir/damaged.json"
	fails "report: $name" 1 "$pattern" -- "$MESHPROF" report "$dir/damaged.json"
}
damaged "categories not an object" '.components[0].cpu.categories = []' \
	'components\[0\]\.cpu\.categories has the wrong type'
damaged "no CPUs" '.node.cpus = 0' 'node\.cpus is 0, expected 1 to 65536'
damaged "negative CPUs" '.node.cpus = -3' 'node\.cpus is -3'
damaged "negative frequency" '.profile.frequency_hz = -5' 'profile\.frequency_hz is -5'
damaged "a pid that is a string" '.components[0].pids = ["x", {}]' \
	'components\[0\]\.pids\[0\] has the wrong type'
damaged "an empty window" '.window.seconds = 0' 'window\.seconds is 0'
damaged "a window of 1e308 s" '.window.seconds = 1e308' 'window\.seconds is 1e\+308'
damaged "start after end" '.window.start = .window.end + 10' 'window\.end .* is before window\.start'
damaged "start at 1e308" '.window.start = 1e308' 'window\.start is 1e\+308'
damaged "1e308 CPU seconds" '.components[0].cpu.seconds = 1e308' 'components\[0\]\.cpu\.seconds is 1e\+308'
damaged "more CPU than the window has" '.components[0].cpu.seconds = .window.seconds * .node.cpus * 2 + 5' \
	'components\[0\]\.cpu\.seconds is .* more than the window allows'
damaged "a share above 1" '.profile.symbolized_share = 1e308' 'profile\.symbolized_share is 1e\+308, expected 0 to 1'
damaged "a histogram of strings" '.components[0].sched.runq_wait_hist_log2_ns = ["a"]' \
	'runq_wait_hist_log2_ns has 1 counts, expected 32'
damaged "a terminal escape in a name" '.components[0].name = "a\u001b[2Jb"' \
	'components\[0\]\.name holds a control character'
damaged "a process of no component" '.processes[0].component = "nope"' \
	'processes\[0\]\.component "nope" is no component'
damaged "two components with one id" '.components[1].id = .components[0].id' \
	'is the id of components\[0\] too'
(cat "$dir/good.json"; echo '{}') >"$dir/trailing.json"
fails "report: text after the run" 1 "text after the run, at line" -- \
	"$MESHPROF" report "$dir/trailing.json"
: >"$dir/empty.json"
fails "report: an empty file" 1 "empty, expected a meshprof run" -- "$MESHPROF" report "$dir/empty.json"
fails "report: /dev/null" 1 "/dev/null: empty, expected a meshprof run" -- "$MESHPROF" report /dev/null
fails "report: a truncated file says so" 1 "cut short" -- "$MESHPROF" report "$dir/truncated.json"
head -c 4096 /dev/urandom >"$dir/random.json"
fails "report: binary junk" 1 "not valid JSON: line 1, column" -- "$MESHPROF" report "$dir/random.json"
truncate -s 300M "$dir/huge.json"
fails "report: a file over the cap" 1 "larger than 256 MiB" -- "$MESHPROF" report "$dir/huge.json"
rm -f "$dir/huge.json"
# The writer opens, waits, then writes: a reader that opens the FIFO
# twice has closed it by then, the writer dies of SIGPIPE and the second
# open waits forever.
mkfifo "$dir/fifo"
jq -c 'del(.stacks) | .components |= .[:3] | [.components[].id] as $ids |
	.processes |= [.[] | select(.component as $c | $ids | index($c))][:3]' \
	"$dir/good.json" >"$dir/small.json"
{ sleep 0.5; cat "$dir/small.json"; } >"$dir/fifo" 2>/dev/null &
check "report reads a FIFO (opened and read once)" \
	bash -c "timeout 5 '$MESHPROF' report '$dir/fifo' >/dev/null"
kill $! 2>/dev/null
check "diff reads two FIFOs" bash -c "! '$MESHPROF' diff <(cat '$dir/good.json') <(cat '$dir/good.json') 2>&1 >/dev/null |
	grep -qE 'not valid JSON|empty|No such file'"
check "report --format smp: times are RFC 3339" \
	jqe '.performance_test_result.start_time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")' \
	<("$MESHPROF" report --format smp "$dir/good.json")

# Rules files: junk is quoted back escaped, a NUL refuses the file.
printf 'comm=a role=\033[2J\233x\n' >"$dir/junk.rules"
"$MESHPROF" record -d 1 --rules "$dir/junk.rules" 2>"$dir/err" >/dev/null
check "rules: binary junk is not echoed raw" bash -c "! LC_ALL=C grep -q \$'[\x01-\x1f\x7f-\xff]' '$dir/err' && grep -q 'x1b\[2J' '$dir/err'"
printf 'comm=a role=app\n\0comm=b role=boss\n' >"$dir/nul.rules"
fails "rules: text after a NUL is not ignored" 1 "nul.rules:2: a NUL byte" -- \
	"$MESHPROF" record -d 1 --rules "$dir/nul.rules"

# Knobs that could hurt the node are refused before anything loads.
fails "a window too short to honour" 2 "invalid duration '0.001'.*at least 0.1" -- "$MESHPROF" record -d 0.001
fails "duration in hex" 2 "invalid duration '0x2'" -- "$MESHPROF" record -d 0x2
fails "duration with a blank" 2 "invalid duration ' 1'" -- "$MESHPROF" record -d ' 1'
fails "-F above meshprof's ceiling" 2 "invalid frequency '100000'" -- "$MESHPROF" record -F 100000 -d 1
# The sampler stops itself over its bound (lowered here), says so, and
# the run says when.
MESHPROF_TEST_SAMPLER_BOUND=0.0000001 "$MESHPROF" record -d 2.5 -q -F 999 \
	-o "$dir/bound.json" 2>"$dir/bound.err"
check "the sampler over its CPU bound: record exits 0" test $? -eq 0
check "... says it stopped sampling" grep -q 'sampling stopped' "$dir/bound.err"
check "... and when, in the JSON" \
	jqe '.profile.stopped_after_seconds > 0.4 and .profile.stopped_after_seconds < 2.5' \
	"$dir/bound.json"
fails "record: output that cannot be written, before the window" 1 "/proc/version: cannot write" -- \
	"$MESHPROF" record -d 0.5 -q -o /proc/version
fails "record: output on a full disk" 1 "cannot write" -- \
	"$MESHPROF" record -d 0.5 -q -o /dev/full

# tracefs unmounted: meshprof mounts it (in a private mount namespace).
unshare -m bash -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null
	test ! -e /sys/kernel/tracing/events || exit 3
	'$MESHPROF' record -d 0.5 -q -o '$dir/tracefs.json' 2>/dev/null && test -e /sys/kernel/tracing/events/syscalls"
check "tracefs unmounted: meshprof mounts it and attaches" test $? -eq 0
check "tracefs unmounted: accept counting still available" \
	jqe '.probes.unavailable == []' "$dir/tracefs.json"
finish
