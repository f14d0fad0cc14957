#!/usr/bin/env bash
# CPU attribution against a workload whose split is known: profburn spends
# TLS_MS of CPU encrypting with OpenSSL (libcrypto, as a proxy's TLS) and
# PLAIN_MS in plain arithmetic (burn_plain), measured by its own per-thread
# CPU clocks, and reports /proc/self/schedstat. profrun drives the sampler
# (user/profile.h) around it, without the record command.
source "$(dirname "$0")/../lib.sh"

PROFRUN=${PROFRUN:-$TOP/build/tests/profrun}
BURN=$TOP/build/tests/profburn
TLS_MS=1200
PLAIN_MS=800
HZ=499
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for bin in "$PROFRUN" "$BURN"; do
	if [ ! -x "$bin" ]; then
		not_ok "$bin is built (make all)"
		finish
	fi
done

# profile NAME PROFRUN-ARGS... [-- PROFBURN-ARGS]: profburn under profrun.
profile() {
	local name=$1
	shift
	local args=() extra=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	[ $# -gt 0 ] && shift && extra=("$@")
	"$PROFRUN" -F $HZ -f "$dir/$name.folded" "${args[@]}" -- "$BURN" \
		--tls-ms $TLS_MS --plain-ms $PLAIN_MS --out "$dir/$name.truth" \
		"${extra[@]}" >"$dir/$name.json" 2>"$dir/$name.err"
}

child() { # child NAME JQ: of the profiled profburn's process
	jq -r ".child as \$c | .processes[] | select(.pid == \$c) | $2" \
		"$dir/$1.json"
}

# share NAME CATEGORY: the category's fraction of the child's samples.
share() {
	child "$1" "(.categories[\"$2\"] / .samples)"
}

check_run() {
	local name=$1 cat=$2 tls_ns plain_ns expect got samples period cpu est
	tls_ns=$(jq .tls_ns "$dir/$name.truth")
	plain_ns=$(jq .plain_ns "$dir/$name.truth")
	if [ "$cat" = tls ]; then
		expect=$(awk -v t="$tls_ns" -v p="$plain_ns" 'BEGIN { print t / (t + p) }')
	else
		expect=$(awk -v t="$tls_ns" -v p="$plain_ns" 'BEGIN { print p / (t + p) }')
	fi
	got=$(share "$name" "$cat")
	echo "# $name: $cat share $got, expected $expect (profburn's CPU clocks)"
	check "$name: $cat share within 0.04 of the workload's split" \
		near "$got" "$expect" 0.04

	samples=$(child "$name" .samples)
	period=$(jq .period_ns "$dir/$name.json")
	cpu=$(jq .schedstat_ns "$dir/$name.truth")
	est=$((samples * period))
	echo "# $name: samples x period $est ns, schedstat $cpu ns"
	check "$name: samples x period within 10% of schedstat" \
		within "$est" "$cpu" 10
	check "$name: no drops" jqe '[.drops[]] | add == 0' "$dir/$name.json"
	check "$name: burn_plain symbolized" \
		grep -q '^profburn;.*burn_plain' "$dir/$name.folded"
	check "$name: libcrypto frames attributed to the module" \
		grep -qE '^profburn;(.*;)?(\[libcrypto\.so\.3\]\+0x[0-9a-f]+|EVP_[A-Za-z_]+)( |;)' \
		"$dir/$name.folded"
}

# 1. Only the child is sampled; it is alive at the end of the window.
if profile filtered -- --linger; then
	ok "filtered: sampler attached"
	check_run filtered tls
	check "filtered: only the child was sampled" \
		jqe '.child as $c | [.processes[].pid] == [$c]' "$dir/filtered.json"
else
	not_ok "filtered: sampler attached: $(cat "$dir/filtered.err")"
fi

# 2. Every process; the child exits before the window ends, so its frames
# resolve from the maps captured while it ran. Rules from a file come
# before the built-ins: burn_plain becomes l7.
printf '# test rules\nl7 user burn_plain*\n' >"$dir/cats.conf"
if profile exited -a -c "$dir/cats.conf"; then
	ok "exited: sampler attached"
	check_run exited l7
	check "exited: nothing filtered out with -a" \
		jqe '.filtered == 0' "$dir/exited.json"
else
	not_ok "exited: sampler attached: $(cat "$dir/exited.err")"
fi

# 3. Errors are reported, not ignored.
max=$(cat /proc/sys/kernel/perf_event_max_sample_rate)
"$PROFRUN" -F $((max + 1)) -d 0.1 -a >/dev/null 2>"$dir/hz.err"
check "a frequency above perf_event_max_sample_rate fails" test $? -ne 0
check "... and says why" grep -q 'perf_event_max_sample_rate' "$dir/hz.err"
setpriv --bounding-set -perfmon,-sys_admin -- "$PROFRUN" -d 0.1 -a \
	>/dev/null 2>"$dir/perm.err"
check "without CAP_PERFMON the sampler fails" test $? -ne 0
check "... and says what it needs" grep -q 'needs CAP_PERFMON' "$dir/perm.err"
printf 'tls user SSL_*\nfast user x\n' >"$dir/bad.conf"
"$PROFRUN" -c "$dir/bad.conf" -d 0.1 -a >/dev/null 2>"$dir/bad.err"
check "a bad categories file fails" test $? -ne 0
check "... with file:line" grep -q "bad.conf:2: unknown category 'fast'" \
	"$dir/bad.err"
finish
