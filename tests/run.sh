#!/usr/bin/env bash
# Runs meshprof's tests and ends with one summary line: "N passed, N failed".
#   tests/run.sh [unit|integration|lab|kernels|fuzz|asan|all|validate]
# fuzz runs each fuzz target over its corpus and a fixed number of seeded
# mutations; asan runs the unit and integration tests with the sanitized
# build (build-asan/, make asan); all includes both (docs/hardening.md).
# validate runs the lab's statistical comparisons (VALIDATE=1): figures
# and a verdict, never part of `all`, whose checks noise cannot fail.
# Unit tests are cmocka binaries in build/tests/. Integration and lab tests
# are scripts that print one "ok NAME" or "not ok NAME" line per check
# (tests/lib.sh); a script that exits non-zero without a "not ok" line
# counts as one failure.
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
passed=0
failed=0
failures=()

run_unit() {
	local bin out p f
	for bin in "${1:-build}"/tests/test_*; do
		[ -x "$bin" ] || continue
		out=$("$bin" 2>&1)
		local rc=$?
		echo "$out"
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
			failed=$((failed + 1))
		fi
		[ $rc -ne 0 ] && failures+=("$bin")
	done
}

run_scripts() {
	local dir=$1 t out rc p f log
	log=$(mktemp)
	for t in "$dir"/${2:-test_*.sh}; do
		[ -f "$t" ] || continue
		echo "=== $t"
		bash "$t" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		out=$(cat "$log")
		p=$(grep -c '^ok ' <<<"$out")
		f=$(grep -c '^not ok ' <<<"$out")
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			failed=$((failed + 1))
			echo "not ok $t exited $rc"
		fi
		[ "$rc" -ne 0 ] || [ "$f" -ne 0 ] && failures+=("$t")
	done
	rm -f "$log"
}

# AddressSanitizer with leak checking and UndefinedBehaviorSanitizer, each
# finding fatal; libbpf's, libelf's and libdw's own allocations that live
# until exit are not meshprof's leaks (tests/lsan.supp).
run_asan() {
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
	export MESHPROF=$PWD/build-asan/meshprof PROFRUN=$PWD/build-asan/tests/profrun
	run_unit build-asan
	run_scripts tests/integration
}

case $what in
unit) run_unit ;;
integration) run_scripts tests/integration ;;
lab) run_scripts tests/lab ;;
kernels) run_scripts tests/kernels run.sh ;;
fuzz) run_scripts tests/fuzz ;;
asan) run_asan ;;
all)
	run_unit
	run_scripts tests/integration
	run_scripts tests/fuzz
	run_scripts tests/lab
	run_scripts tests/kernels run.sh
	run_asan
	;;
validate)
	for t in tests/lab/test_lab_attribution.sh tests/lab/test_lab_meshmark.sh; do
		echo "=== $t (VALIDATE=1)"
		VALIDATE=1 bash "$t" 2>&1 | tee /tmp/meshprof-validate.$$
		passed=$((passed + $(grep -c '^ok ' /tmp/meshprof-validate.$$)))
		failed=$((failed + $(grep -c '^not ok ' /tmp/meshprof-validate.$$)))
		rm -f /tmp/meshprof-validate.$$
	done
	echo "validate: $passed passed, $failed failed: the lab's feature costs and mesh ordering $([ "$failed" -eq 0 ] && echo agree || echo DO NOT agree) with the attribution"
	[ "$failed" -eq 0 ]
	exit
	;;
*) echo "usage: tests/run.sh [unit|integration|lab|kernels|fuzz|asan|all|validate]" >&2; exit 2 ;;
esac

[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
