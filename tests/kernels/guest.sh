#!/usr/bin/env bash
# Inside a kernel matrix VM (tests/kernels/run.sh): the host's own checks,
# run against this kernel. Prints their "ok"/"not ok" lines as they come,
# a "#" line with each one's time, and "# guest done" when all have run.
#   tests/kernels/guest.sh [SCRIPT...]
# By default test_load.sh, first, as it also pays for the kernel's parsing
# of its own BTF at the first load (seconds under emulation), then
# test_truth.sh and test_cfi.sh.
cd "$(dirname "$0")/../.." || exit 1
[ $# -gt 0 ] || set -- tests/integration/test_load.sh tests/integration/test_truth.sh \
	tests/integration/test_cfi.sh

uptime_s() { cut -d' ' -f1 /proc/uptime; }

echo "# kernel $(uname -r), $(nproc) CPUs, up $(uptime_s) s"
for t in "$@"; do
	echo "=== $t"
	start=$(uptime_s)
	bash "$t" 2>&1 | tee /tmp/check.out
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' /tmp/check.out; then
		echo "not ok $t exited $rc"
	fi
	echo "# $t took $(awk -v a="$start" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }') s"
done
echo "# guest done"
