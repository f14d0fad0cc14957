#!/usr/bin/env bash
# make test's share of fuzzing: each target (build-fuzz/fuzz_TARGET) over
# its committed corpus, then a fixed number of mutations from a fixed
# seed: the same inputs every run, so the result does not depend on the
# machine. The long runs are make fuzz (tests/fuzz/run.sh).
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/fuzz/targets.sh"

RUNS=${FUZZ_RUNS:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for bin in "$TOP"/build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	t=${bin##*/fuzz_}
	mkdir -p "$dir/$t"
	"$bin" -seed=1 -runs="$RUNS" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len "$t")" -artifact_prefix="$dir/$t-" \
		"$dir/$t" "$TOP/tests/fuzz/corpus/$(corpus_of "$t")" \
		>"$dir/$t.log" 2>&1
	rc=$?
	n=$(ls "$TOP/tests/fuzz/corpus/$(corpus_of "$t")" | wc -l)
	if [ $rc -eq 0 ]; then
		ok "fuzz_$t: $n corpus inputs and $RUNS mutations from seed 1"
	else
		not_ok "fuzz_$t: $(grep -m1 -E 'ERROR|runtime error' "$dir/$t.log")"
		grep -E '^==[0-9]+==ERROR|runtime error|^    #[0-9]' "$dir/$t.log" | head -12
	fi
done
finish
