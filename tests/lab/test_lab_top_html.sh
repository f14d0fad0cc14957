#!/usr/bin/env bash
# meshprof top and the HTML report on the lab's sidecar-mtls scenario
# (HTTP mode, haproxy sidecars with mTLS) under a constant load:
#  - record -F 999 --html: the page loads in headless Chromium with no
#    console error and no request, every section is there, the screenshot
#    is not blank, and the flame graph of both sidecars holds TLS and HTTP
#    frames (tests/html/check.js); report --html from the saved JSON (its
#    stacks) gives the same flame graph;
#  - top --json: the client's socket receive rate is what the load
#    generator's requests and response size say it must be;
#  - top --once: the sidecars by name, their CPU split told;
#  - top in tmux at 80x24: sidecars by name, sorting orders the rows,
#    the filter hides the rest, Enter shows processes, s the stacks, p
#    pauses, q quits and gives the terminal back.
source "$(dirname "$0")/lablib.sh"

RPS=400
SIZE=1024
T=$LAB_TMP
SHOTS=${SHOTS:-$T}
TMUX_S=meshprof-top-$$
trap 'tmux kill-session -t $TMUX_S 2>/dev/null; kill $load 2>/dev/null; "$ML" down >/dev/null 2>&1; rm -rf "$LAB_TMP"' EXIT

"$ML" up sidecar-mtls --size $SIZE >"$T/up" 2>&1 || { cat "$T/up"; not_ok "lab up"; finish; }
RULES=/run/meshlab/rules.conf
# load_for SECONDS: the constant load in the background ($load), running
load_for() {
	"$ML" load --rps $RPS --conns 8 --duration "$1" --json "$T/load.$1.json" >/dev/null &
	load=$!
	sleep 1
}

# ---- record --html ----
load_for 9
"$MESHPROF" record -q -d 6 -F 999 --only mesh --rules $RULES -o "$T/run.json" \
	--folded "$T/run.folded" --html "$T/run.html" 2>"$T/rec.err"
wait $load
check "record --html says where the page went" grep -q "HTML report written to $T/run.html" "$T/rec.err"
node "$TOP/tests/html/check.js" "$T/run.html" "$SHOTS/report.png" \
	--flame client-sidecar --flame server-sidecar
[ $? -eq 0 ] || tests_failed=1
"$MESHPROF" report "$T/run.json" --html "$T/again.html" >/dev/null 2>&1
node "$TOP/tests/html/check.js" "$T/again.html" "$T/again.png" --flame client-sidecar |
	sed 's/^\(not \)\{0,1\}ok html:/&(report from the JSON)/'
[ "${PIPESTATUS[0]}" -eq 0 ] || tests_failed=1
[ "$SHOTS" = "$T" ] || cp "$T/run.json" "$SHOTS/run.json"
size=$(stat -c %s "$T/run.json")
stacks=$(jq -c '.stacks' "$T/run.json" | wc -c)
folded=$(stat -c %s "$T/run.folded")
echo "# run JSON $size bytes, of which stacks $stacks ($(jq '.stacks.frames | length' "$T/run.json") frames, $(jq '[.stacks.processes[].folded | length] | add' "$T/run.json") stacks); the same as folded text $folded bytes"
check "run JSON: the stacks take under half the folded text" [ $((stacks * 2)) -lt "$folded" ]

load_for 120
# ---- top --json: rates against the load generator ----
"$MESHPROF" top --json -n 2 -i 2 -F 999 --rules $RULES >"$T/top.jsonl" 2>"$T/top.err"
check "top --json prints 2 snapshots" [ "$(jq -s length "$T/top.jsonl")" = 2 ]
recv=$(tail -1 "$T/top.jsonl" | jq '[.components[] | select(.name == "client") | .processes[].socket_bytes_per_second] | add')
# each response is the body and under 300 bytes of headers
echo "# client app receives $recv B/s at $RPS rps of $SIZE-byte bodies"
check "top --json: client receive rate is the load's" \
	awk -v r="$recv" -v lo=$((RPS * SIZE * 8 / 10)) -v hi=$((RPS * (SIZE + 300) * 12 / 10)) \
	'BEGIN { exit !(r >= lo && r <= hi) }'
check "top --json: sidecars have CPU and a split" jqe -s \
	'[.[1].components[] | select(.role == "sidecar" and .vcpu > 0 and .split.tls.share > 0)] | length == 2' "$T/top.jsonl"

# ---- top --once ----
"$MESHPROF" top --once -i 2 -F 999 --rules $RULES >"$T/once" 2>>"$T/top.err"
check "top --once shows both sidecars" grep -q '^server-sidecar .* sidecar ' "$T/once"
check "top --once: split told for a sidecar" \
	awk '$1 == "client-sidecar" && $4 ~ /^[0-9]+$/ { f = 1 } END { exit !f }' "$T/once"

# ---- top on a terminal ----
screen() { tmux capture-pane -t $TMUX_S -p; }
on_screen() { screen | grep -qE -- "$1"; }
differ() { ! cmp -s "$1" "$2"; }
# column NAME of the table's component rows (not the processes' rows,
# which are indented), from the column head's positions
column() {
	awk -v col="$1" '/^COMPONENT/ { t = 1; r = index($0, " ROLE"); h = index($0, col)
			e = h + length(col) - 1; if (substr($0, e + 1, 1) == "*") e++; next }
		/^sort |^filter / { t = 0 }
		t && !/^ / && NF { v = col == "COMPONENT" ? substr($0, 1, r - 1) : substr($0, e - 5, 6)
			gsub(/^ +| +$/, "", v); print v }'
}
rows() { screen | column COMPONENT; }
wait_for() {
	for _ in $(seq 60); do
		screen | grep -q -- "$1" && return 0
		sleep 0.25
	done
	return 1
}
tmux new-session -d -s $TMUX_S -x 80 -y 24 "bash --norc --noprofile"
tmux send-keys -t $TMUX_S "stty -a > $T/stty.before; $MESHPROF top -i 1 -F 999 --rules $RULES; echo rc=\$? > $T/top.rc" Enter
wait_for 'server-sidecar' && wait_for 'client-sidecar'
check "top: sidecars on an 80x24 screen by name" on_screen '^client-sidecar'
screen >"$T/screen.vcpu"
rows >"$T/rows.vcpu"
tmux send-keys -t $TMUX_S '<' '<'
wait_for '^sort COMPONENT'
sleep 1.2
rows >"$T/rows.name"
column vCPU <"$T/screen.vcpu" >"$T/vcpu"
check "top: sorted by vCPU, high first" cmp -s "$T/vcpu" <(sort -rn "$T/vcpu")
check "top: < sorts by name, A to Z" cmp -s "$T/rows.name" <(LC_ALL=C sort "$T/rows.name")
check "top: sorting changed the order" differ "$T/rows.name" "$T/rows.vcpu"
tmux send-keys -t $TMUX_S 'f'
wait_for 'filter (role'
tmux send-keys -t $TMUX_S 'role=sidecar' Enter
wait_for 'filter role=sidecar'
sleep 1.2
check "top: the filter shows only sidecars" [ "$(rows | sort | tr '\n' ' ')" = "client-sidecar server-sidecar " ]
screen >"$T/screen.filtered"
check "top: the filter hides the other rows" [ "$(grep -cE '^(client|server|kernel) ' "$T/screen.filtered")" = 0 ]
tmux send-keys -t $TMUX_S Enter
sleep 1.5
check "top: Enter shows the component's processes" on_screen '^ [0-9]+ haproxy'
tmux send-keys -t $TMUX_S s
wait_for 'top stacks of'
check "top: s shows the selected component's stacks" \
	on_screen '^ *[0-9.]+% (tls|http|l7|l4|kernel|sched|syscall|other|unknown|alloc)'
tmux send-keys -t $TMUX_S p
check "top: p pauses" wait_for 'PAUSED'
tmux capture-pane -t $TMUX_S -p -e >"$T/screen.top"
tmux send-keys -t $TMUX_S q
for _ in $(seq 40); do [ -s "$T/top.rc" ] && break; sleep 0.25; done
check "top: q quits with status 0" grep -q '^rc=0' "$T/top.rc"
tmux send-keys -t $TMUX_S "stty -a > $T/stty.after" Enter
sleep 0.5
check "top: the terminal is given back (modes)" cmp -s "$T/stty.before" "$T/stty.after"
check "top: the terminal is given back (screen)" \
	bash -c "[ \"\$(tmux display -p -t $TMUX_S '#{alternate_on}')\" = 0 ] && ! tmux capture-pane -t $TMUX_S -p | grep -q '^COMPONENT'"
node "$TOP/tests/html/termshot.js" "$T/screen.top" "$SHOTS/top.png" ||
	not_ok "top: screen as a picture"
finish
