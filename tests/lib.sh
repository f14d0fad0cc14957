# Shared by the integration and lab test scripts: one "ok"/"not ok" line per
# check, read by tests/run.sh.
MESHPROF=${MESHPROF:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/meshprof}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tests_failed=0

ok() { echo "ok $*"; }
not_ok() { echo "not ok $*"; tests_failed=1; }

# check NAME CONDITION-COMMAND...: runs the command, reports ok/not ok.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# within ACTUAL EXPECTED PERCENT: |actual - expected| <= percent% of expected.
within() {
	awk -v a="$1" -v e="$2" -v p="$3" 'BEGIN {
		d = a - e; if (d < 0) d = -d;
		exit !(e != 0 ? d <= e * p / 100 : a == 0) }'
}

finish() { exit $tests_failed; }

# jqe FILTER FILE: true when the filter yields true (quietly).
jqe() { jq -e "$@" >/dev/null; }
