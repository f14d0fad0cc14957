#!/usr/bin/env bash
# SIGINT and SIGTERM at every phase of record (docs/hardening.md): before
# the window nothing is written and the exit code is 128 + the signal;
# in the window it ends early and the run is written whole (exit 0); while
# writing, the write completes. Never a temporary file left, never a BPF
# object pinned. Phases are reached deterministically
# (MESHPROF_TEST_SIGNAL_AT), then at times from outside.
source "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pins() { find /sys/fs/bpf -mindepth 1 2>/dev/null | sort; }
pins >"$dir/pins.before"

# phase SIGNAL PHASE WANT-EXIT WANT-OUTPUT(yes/no)
phase() {
	local sig=$1 at=$2 want=$3 out=$4 f="$dir/$1-$2.json"

	MESHPROF_TEST_SIGNAL=$sig MESHPROF_TEST_SIGNAL_AT=$at \
		"$MESHPROF" record -d 2 -q -o "$f" 2>"$dir/err"
	local rc=$?
	check "SIG$sig during $at: exit $want (got $rc)" test $rc -eq "$want"
	if [ "$out" = yes ]; then
		check "SIG$sig during $at: the run is written whole" \
			jqe '.schema == "meshprof.run/1"' "$f"
	else
		check "SIG$sig during $at: nothing written, and said" \
			bash -c "test ! -e '$f' && grep -q 'before the window opened' '$dir/err'"
	fi
}

for sig in INT TERM; do
	code=$([ $sig = INT ] && echo 130 || echo 143)
	phase $sig prepare "$code" no
	phase $sig load "$code" no
	phase $sig window 0 yes
	phase $sig write 0 yes
done

# From outside, at times that fall in loading, attaching or the window:
# either outcome is right, and each is checked whole.
for t in 0.05 0.2 0.4 0.8 1.5; do
	f="$dir/ext-$t.json"
	"$MESHPROF" record -d 30 -q -o "$f" 2>/dev/null &
	pid=$!
	sleep "$t"
	kill -TERM $pid
	wait $pid
	rc=$?
	if [ $rc -eq 0 ]; then
		check "SIGTERM after ${t}s: ended the window, run written" \
			jqe '.window.seconds < 29' "$f"
	else
		check "SIGTERM after ${t}s: exit 143, nothing written (got $rc)" \
			bash -c "test $rc -eq 143 && test ! -e '$f'"
	fi
done

check "no temporary file left" test -z "$(find "$dir" -name '.*.json.*')"
pins >"$dir/pins.after"
check "no BPF object pinned" cmp -s "$dir/pins.before" "$dir/pins.after"

# A closed stdout does not cost the run.
"$MESHPROF" record -d 0.5 -o "$dir/pipe.json" 2>/dev/null | head -c 1 >/dev/null
check "stdout closed early: exit 0 (got ${PIPESTATUS[0]})" test "${PIPESTATUS[0]}" -eq 0
check "stdout closed early: the run is written" jqe '.schema' "$dir/pipe.json"
finish
