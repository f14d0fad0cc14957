#!/usr/bin/env bash
# Every BPF program of meshprof passes this kernel's verifier, in every
# flavour the kernel has an attach point for, whatever record would choose
# (build/tests/progload). The kernel matrix (tests/kernels/) runs this on
# other kernels.
source "$(dirname "$0")/../lib.sh"

if [ ! -x "$TOP/build/tests/progload" ]; then
	not_ok "build/tests/progload is built (make all)"
	finish
fi
"$TOP/build/tests/progload" || tests_failed=1
finish
