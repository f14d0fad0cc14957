#!/usr/bin/env bash
# User stacks without frame pointers, walked in the kernel with CFI
# (.eh_frame): profburn is built with -O2, which omits them. Its call
# graph is known: main calls burn_plain, which calls only clock_gettime.
# With CFI the walk must reach main and the C library's start-up frames;
# with frame pointers alone (-N) it cannot, which shows the check can fail.
# profrun drives the sampler (user/profile.h). No check depends on
# timing: the kernel matrix (tests/kernels/) runs them under emulation.
source "$(dirname "$0")/../lib.sh"

PROFRUN=$TOP/build/tests/profrun
BURN=$TOP/build/tests/profburn
HZ=499
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for bin in "$PROFRUN" "$BURN"; do
	if [ ! -x "$bin" ]; then
		not_ok "$bin is built (make all)"
		finish
	fi
done

# chain NAME FUNCTION: share of the child's samples under FUNCTION whose
# stack reaches main through __libc_start_call_main. burn_tls_like's
# samples are mostly in OpenSSL's AES-GCM assembly, whose CFA is in rax.
chain() {
	awk -v f="$2" '/^(profburn|fpburn);/ && index($0, f) { n = $NF; all += n
		if ($0 ~ ";__libc_start_call_main;main;" f) full += n }
		END { print all ? full / all : 0 }' "$dir/$1.folded"
}
# walk NAME [PROFRUN-ARGS]: profburn ($WALK_BIN, default the one built
# by make) started first, so that its maps (libcrypto is loaded with
# dlopen) are known when the window opens.
walk() {
	local name=$1 pid rc
	shift
	"${WALK_BIN:-$BURN}" --tls-ms 3000 --plain-ms 2000 --out "$dir/$name.truth" &
	pid=$!
	sleep 0.3
	"$PROFRUN" -F $HZ -f "$dir/$name.folded" "$@" -d 1.5 -p $pid \
		>"$dir/$name.json" 2>"$dir/$name.err"
	rc=$?
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	return $rc
}
if walk cfi; then
	got=$(chain cfi burn_plain)
	tls=$(chain cfi burn_tls_like)
	echo "# cfi: walked to main: $got of burn_plain samples, $tls of burn_tls_like samples; $(jq -r '"\(.cfi_complete) of \(.cfi_samples) CFI walks complete"' "$dir/cfi.json")"
	check "cfi: user stacks walked with CFI" jqe '.cfi and .cfi_samples > 0' "$dir/cfi.json"
	check "cfi: burn_plain samples reach main (>= 95%)" \
		awk "BEGIN { exit !($got >= 0.95) }"
	check "cfi: burn_tls_like samples reach main through libcrypto (>= 95%)" \
		awk "BEGIN { exit !($tls >= 0.95) }"
	check "cfi: walks reach the outermost frame (>= 95%)" \
		jqe '.cfi_complete >= 0.95 * .cfi_samples' "$dir/cfi.json"
	check "cfi: every sample of profburn was walked with CFI" \
		jqe '.cfi_samples == .samples' "$dir/cfi.json"
else
	not_ok "cfi: sampler attached: $(cat "$dir/cfi.err")"
fi
# Code with frame pointers but no CFI, as Go builds it: profburn built
# with -fno-omit-frame-pointer and its .eh_frame removed. The walk steps
# by frame pointer through it and goes on with CFI in libc (make builds
# it as build/tests/fpburn).
FPBURN=$TOP/build/tests/fpburn
check "a profburn without .eh_frame is built" test -x "$FPBURN"
if WALK_BIN=$FPBURN walk nocfi; then
	got=$(chain nocfi burn_plain)
	echo "# no CFI, frame pointers: $got of burn_plain samples walked to main; $(jq -r '"\(.cfi_complete) of \(.cfi_samples) walks complete"' "$dir/nocfi.json")"
	check "no CFI in the binary: burn_plain samples reach main by frame pointers (>= 95%)" \
		awk "BEGIN { exit !($got >= 0.95) }"
else
	not_ok "nocfi: sampler attached: $(cat "$dir/nocfi.err")"
fi
if walk fponly -N; then
	got=$(chain fponly burn_plain)
	echo "# frame pointers only: $got of burn_plain samples walked to main"
	check "frame pointers only: burn_plain samples do not reach main" \
		awk "BEGIN { exit !($got < 0.5) }"
	check "frame pointers only: no CFI walks" jqe '.cfi_samples == 0' "$dir/fponly.json"
else
	not_ok "fponly: sampler attached: $(cat "$dir/fponly.err")"
fi
finish
