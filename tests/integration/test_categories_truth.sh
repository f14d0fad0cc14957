#!/usr/bin/env bash
# CPU categories against a test proxy whose truth is known per thread:
# tlshttp (tests/workload/tlshttp.c) runs mutual TLS 1.3 with OpenSSL in
# one thread and HTTP/1.1 parsing with http-parser in another, neither
# waiting for anything, and reports each thread's CPU clock and the
# process's. meshprof's tls and http shares of the process must match
# the clocks' shares within 3 points, its on-CPU time the process's clock
# within 2%.
#
# Bias: meshprof describes the libraries of a process it saw exec at its
# next poll after they are first sampled (once a second). Until then
# stacks are walked by frame pointers, and the tls thread's samples whose
# leaf is in libc (malloc, memmove, locks called by OpenSSL, about 14% of
# them) lose their TLS caller. Runs here had up to 1.6 s of such walks
# (the next poll, then the files' CFI tables built on a loaded machine):
# over S seconds up to 1.6 / S * 14% of the tls thread's samples, half as
# many points of the process's tls share, 0.75 points at S = 15. The test
# prints how many samples were walked so.
#
# Sample count: a share p measured from n samples has a standard error of
# sqrt(p(1-p)/n) <= 0.5/sqrt(n). For the bias and 4 standard errors to fit
# in 3 points, 4 * 0.5/sqrt(n) <= 2.25 points: n >= 7900 samples, 7.9 s of
# the process's CPU at 999 Hz. The threads never block, so a 15 s run
# gets that with 0.53 CPU (30,000 samples on an idle 2-CPU machine). Load
# elsewhere only lowers n: the shares are ratios of the process's own CPU.
#
# Only tlshttp is profiled (--only mesh, and a rule that makes it a
# sidecar): otherwise every process sampled on the machine loads its
# files' CFI, and a compiler's (libLLVM) can fill meshprof's row table,
# after which tlshttp's stacks would all be walked by frame pointers.
source "$(dirname "$0")/../lib.sh"

SECONDS_RUN=15
HZ=999
LOAD=$TOP/build/tests/tlshttp
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

if [ ! -x "$LOAD" ]; then
	not_ok "$LOAD is built (make all)"
	finish
fi
echo 'comm=tlshttp role=sidecar name=tlshttp' >"$dir/rules.conf"
if ! start_record "$dir/run" -q -F $HZ --only mesh --rules "$dir/rules.conf" \
	--folded "$dir/run.folded"; then
	not_ok "meshprof attached"
	finish
fi
ok "meshprof attached"
"$LOAD" --seconds $SECONDS_RUN >"$dir/truth.json"
rc=$?
kill -INT $mp_pid
wait $mp_pid
check "record exits 0 on SIGINT" test $? -eq 0
if [ $rc -ne 0 ] || ! jqe .total_ns "$dir/truth.json"; then
	not_ok "tlshttp ran and reported its clocks"
	finish
fi
ok "tlshttp ran and reported its clocks"

pid=$(jq .pid "$dir/truth.json")
truth() { jq -r "$1" "$dir/truth.json"; }
cpu() { # cpu JQ: of tlshttp's .cpu in meshprof's run
	jq -r ".processes[] | select(.pid == $pid) | .cpu | $1" "$dir/run.json"
}

total=$(truth .total_ns)
n=$(cpu '.samples // 0')
truth '"# tlshttp: tls \(.tls_ns / 1e9) s, http \(.http_ns / 1e9) s, " +
	"other \(.other_ns / 1e9) s of \(.total_ns / 1e9) s"'
awk -v n="$n" -v hz=$HZ 'BEGIN { printf "# meshprof: %d samples at %d Hz; " \
	"standard error of a 50%% share %.2f points\n", n, hz, 50 / sqrt(n + !n) }'
for cat in tls http; do
	expect=$(truth ".${cat}_ns / .total_ns")
	got=$(cpu ".categories.$cat.share // 0")
	echo "# $cat share: meshprof $got, thread clock $expect"
	check "$cat share within 3 points of the $cat thread's CPU clock" \
		near "$got" "$expect" 0.03
done
cpu '"# other categories: " + ([.categories | to_entries[]
	| select(.key != "tls" and .key != "http")
	| "\(.key) \(.value.share * 1000 | round / 10)%"] | join(", "))'

mp_ns=$(cpu '.seconds * 1e9')
echo "# on-CPU ns: meshprof $mp_ns, process clock $total"
check "on-CPU time within 2% of the process's CPU clock" \
	within "$mp_ns" "$total" 2
period=$(awk -v hz=$HZ 'BEGIN { printf "%d", 1e9 / hz }')
check "samples x period within 5% of the process's CPU clock" \
	within $((n * period)) "$total" 5

# The walk: tlshttp is the only process sampled, so the run's CFI figures
# are its own; a complete walk reaches the thread's start (__clone3).
jq -r --arg n "$n" '.profile | "# stacks: of \($n) samples \(.cfi_samples) " +
	"walked with CFI, \(.cfi_complete_samples) of them complete"' "$dir/run.json"
awk '/^tlshttp;/ { a += $NF
		if (index($0, ";__clone3;start_thread;run_tls;")) t += $NF
		if (index($0, ";__clone3;start_thread;run_http;")) h += $NF }
	END { printf "# stacks: %d reach run_tls, %d run_http, of %d\n", t, h, a }' \
	"$dir/run.folded"
check "CFI walks complete (>= 95%)" \
	jqe '.profile.cfi_complete_samples >= 0.95 * .profile.cfi_samples' \
	"$dir/run.json"
finish
