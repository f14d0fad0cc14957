#!/usr/bin/env bash
# CPU categories of a Rust data plane against known truth: rusttwin
# (tools/rustproxy/src/bin/rusttwin.rs) runs mutual TLS 1.3 with rustls
# on ring in one thread and parses HTTP/1.1 with httparse (hyper's
# parser) in another, built as linkerd2-proxy and ztunnel are: statically
# linked, fat LTO, one codegen unit. LTO inlines httparse's parser into
# the thread's loop, so the http share depends on reading the inlined
# calls back from DWARF (docs/attribution.md, "Inlined frames").
#
# Four runs (tests/integration/twinlib.sh has the share checks):
#   unstripped   the twin with its symbols and DWARF: shares within 3
#                points of the thread clocks
#   debug-dir    a stripped copy, its debug file under a .build-id
#                directory given with --debug-dir: the same shares
#   debuginfod   the stripped copy, its debug file served by a local
#                debuginfod (DEBUGINFOD_URLS): named as well (4 s)
#   no-debug     the stripped copy and no debug file anywhere: the run
#                says how much it could not name, and why (4 s)
source "$(dirname "$0")/twinlib.sh"

TWIN=$TOP/build/tests/rusttwin
STRIPPED=$TOP/build/rust/stripped/rusttwin
DEBUG=$TOP/build/rust/debug
unset DEBUGINFOD_URLS

if twin_record unstripped "$TWIN" 15; then
	twin_shares unstripped
	declare -A first=( [tls]=$(twin_cpu unstripped '.categories.tls.share // 0')
			   [http]=$(twin_cpu unstripped '.categories.http.share // 0') )
	twin_walks unstripped 0.90
	# httparse's frames come back from DWARF, marked as inlined.
	inl=$(awk '/httparse::[^;]*_\[i\]/ { n += $NF } END { print n + 0 }' \
		"$twin_dir/unstripped.folded")
	echo "# unstripped: $inl samples with httparse's inlined frames"
	check "unstripped: httparse's calls inlined by LTO are named" \
		test "$inl" -gt 0
fi

if twin_record debug-dir "$STRIPPED" 15 --debug-dir "$DEBUG"; then
	twin_shares debug-dir
	for cat in tls http; do
		check "debug-dir: $cat share as unstripped's (3 points)" \
			near "${first[$cat]:-0}" \
			"$(twin_cpu debug-dir ".categories.$cat.share // 0")" 0.03
	done
fi

# debuginfod serving build/rust/debug from a local port; its own database
# and meshprof's download cache live in the test's directory.
port=$((20000 + RANDOM % 20000))
debuginfod -d "$twin_dir/debuginfod.sqlite" -p $port -F "$DEBUG" \
	>"$twin_dir/debuginfod.log" 2>&1 &
dbgd=$!
id=$(readelf -n "$STRIPPED" | awk '/Build ID/ { print $3 }')
for _ in $(seq 100); do
	curl -fs -o /dev/null "http://127.0.0.1:$port/buildid/$id/debuginfo" && break
	sleep 0.1
done
if DEBUGINFOD_URLS=http://127.0.0.1:$port \
   DEBUGINFOD_CACHE_PATH=$twin_dir/debuginfod-cache \
   twin_record debuginfod "$STRIPPED" 4; then
	unnamed=$(twin_cpu debuginfod '.unnamed.share')
	echo "# debuginfod: unnamed share $unnamed"
	check "debuginfod: the debug file came from debuginfod" \
		test -s "$twin_dir/debuginfod-cache/$id/debuginfo"
	check "debuginfod: the stripped twin is named (< 2% unnamed)" \
		awk -v u="$unnamed" 'BEGIN { exit !(u < 0.02) }'
fi
kill $dbgd
wait $dbgd 2>/dev/null

if twin_record no-debug "$STRIPPED" 4 -v; then
	twin_cpu no-debug '"# no-debug: \(.unnamed.samples) of \(.samples) " +
		"samples unnamed: \(.unnamed.reasons)"'
	check "no-debug: most samples unnamed, the binary being stripped" \
		jqe "[.processes[] | select(.pid == $twin_pid) | .cpu
		      | .unnamed.reasons.stripped > 0.5 * .samples] | all" \
		"$twin_dir/no-debug.json"
	grep '% of samples unnamed' "$twin_dir/no-debug.table" | sed 's/^/# /'
	check "no-debug: the table says why" \
		grep -q 'twin: [0-9.]*% of samples unnamed (binary stripped, no debug file found' \
		"$twin_dir/no-debug.table"
	check "no-debug: -v names the file" \
		grep -q 'samples unnamed in rusttwin: binary stripped, no debug file found in ' \
		"$twin_dir/no-debug.err"
fi
finish
