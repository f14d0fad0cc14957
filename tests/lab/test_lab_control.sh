#!/usr/bin/env bash
# What the control plane costs, in the lab: sidecar-mtls with a control
# plane in its own pod (at an address and port meshprof must learn) and
# an agent beside each sidecar, under the same data load with pushes on
# (256 KiB every 0.1 s) and off. Pushes are paused and settled at both
# edges of each window, so the programs' own byte counts cover exactly
# the window. With pushes on, each sidecar's control bytes are what its
# agent and the control plane counted, exactly; the agents' CPU goes to
# the config category, near what their own thread clocks measured; the
# MeshMark and diff control line has figures. With pushes off, the agents
# spend next to nothing. Either way the data path's bytes per request
# (the sidecars' app and mesh peers) are the same.
source "$(dirname "$0")/lablib.sh"

SECS=${SECS:-6}
RPS=200
PODS="client server"

# settled: pushes paused, every push applied, acknowledged and read.
settled() {
	"$ML" control stats >"$LAB_TMP/stats.json" 2>/dev/null &&
		jqe '.control.paused and
			(.control.agents | length == 2) and
			all(.control.agents[]; .acks == .pushes) and
			all(.agents[] as $a | .control.agents[] |
				select(.pod == $a.pod) | .pushes == $a.pushes; .)' \
			"$LAB_TMP/stats.json"
}

pause() {
	"$ML" control pause
	for _ in $(seq 200); do
		settled && return 0
		sleep 0.05
	done
	echo "# not settled: $(cat "$LAB_TMP/stats.json")"
	return 1
}

# run NAME PUSH_EVERY: one window under load; $LAB_TMP/NAME.{json,table},
# the programs' counts before and after in NAME.before, NAME.after.
run() {
	local name=$1 run=$LAB_TMP/$1
	if ! "$ML" up sidecar-mtls --push-kb 256 --push-every "$2" >"$run.up" 2>&1; then
		not_ok "$name: lab up: $(tail -1 "$run.up")"
		return 1
	fi
	if [ "$2" != 0 ]; then
		for _ in $(seq 100); do
			"$ML" control stats | jqe 'all(.agents[]; .pushes > 1)' && break
			sleep 0.05
		done
	fi
	check "$name: pushes settled before the window" pause
	cp "$LAB_TMP/stats.json" "$run.before"
	if ! start_record "$run" -F 999 --only mesh --rules /run/meshlab/rules.conf \
		--loadgen "$run.load.json"; then
		not_ok "$name: meshprof attached"
		return 1
	fi
	"$ML" control resume
	"$ML" load --rps $RPS --conns 8 --duration "$SECS" --json "$run.load.json" >/dev/null
	check "$name: pushes settled after the window" pause
	cp "$LAB_TMP/stats.json" "$run.after"
	kill -INT "$mp_pid"
	wait "$mp_pid"
	check "$name: record exits 0" test $? -eq 0
}

# moved NAME POD WHO FIELD: what WHO (agent, or control: its counts for
# POD) moved over NAME's window.
moved() {
	local f
	case $3 in
	agent) f=".agents[] | select(.pod == \"$2\") | .$4" ;;
	control) f=".control.agents[] | select(.pod == \"$2\") | .$4" ;;
	esac
	echo $(( $(jq "$f" "$LAB_TMP/$1.after") - $(jq "$f" "$LAB_TMP/$1.before") ))
}

comp() { # comp NAME COMPONENT-NAME JQ-PATH
	jq -r ".components[] | select(.name == \"$2\") | $3" "$LAB_TMP/$1.json"
}

# agents NAME JQ: over the agent processes, summed.
agents() {
	jq -r "[.processes[] | select(.comm == \"meshlab-agent\") | $2] | add // 0" \
		"$LAB_TMP/$1.json"
}

# per_request NAME: the sidecars' app and mesh bytes per request.
per_request() {
	jq -r '.workload.requests as $r | [.components[] | select(.role == "sidecar")
		| .peers.app, .peers.mesh | .bytes_sent + .bytes_received] | add / $r' \
		"$LAB_TMP/$1.json"
}

run on 0.1
run off 0

for pod in $PODS; do
	recv=$(moved on $pod agent bytes_received)
	sent=$(moved on $pod agent bytes_sent)
	echo "# on: $pod's agent received $recv bytes, sent $sent; the control plane sent it $(moved on $pod control bytes_sent); meshprof: $(comp on $pod-sidecar '"control \(.peers.control.bytes_received) received, \(.peers.control.bytes_sent) sent"')"
	check "on: $pod: control bytes received by the sidecar exact" test \
		"$(comp on $pod-sidecar .peers.control.bytes_received)" = "$recv"
	check "on: $pod: ... and what the control plane sent it" test \
		"$(moved on $pod control bytes_sent)" = "$recv"
	check "on: $pod: control bytes sent by the sidecar exact" test \
		"$(comp on $pod-sidecar .peers.control.bytes_sent)" = "$sent"
	check "on: $pod: megabytes were pushed" test "$recv" -gt 1000000
	check "off: $pod: no control traffic" test \
		"$(comp off $pod-sidecar '.peers.control | .bytes_sent + .bytes_received')" = 0
done
check "on: the control plane is a component of its own" test \
	"$(comp on istiod .role)" = control-plane
check "on: its sockets' peers are the sidecars (mesh)" test \
	"$(comp on istiod .peers.mesh.bytes_sent)" = \
	"$(( $(moved on client control bytes_sent) + $(moved on server control bytes_sent) ))"
check "on: the agents are their sidecars' agents" \
	grep -q '^agents: client-sidecar includes its agent meshlab-agent' "$LAB_TMP/on.table"

truth=$(jq -n --argjson a "$(jq '[.agents[].apply_cpu_ns] | add' "$LAB_TMP/on.after")" \
	--argjson b "$(jq '[.agents[].apply_cpu_ns] | add' "$LAB_TMP/on.before")" '($a - $b) / 1e9')
echo "# on: agents' CPU $(agents on .cpu.seconds) s, config $(agents on '.cpu.categories.config.seconds // 0') s ($(agents on .cpu.samples) samples); their own clocks around parse and apply: $truth s"
echo "# off: agents' CPU $(agents off .cpu.seconds) s, config $(agents off '.cpu.categories.config.seconds // 0') s"
check "on: config is most of the agents' CPU" \
	jqe '[.processes[] | select(.comm == "meshlab-agent") | .cpu] |
		(map(.categories.config.seconds // 0) | add) / (map(.seconds) | add) > 0.5' \
	"$LAB_TMP/on.json"
check "on: the agents' config CPU is near their own clocks (0.5-1.2x)" \
	awk -v m="$(agents on '.cpu.categories.config.seconds // 0')" -v t="$truth" \
	'BEGIN { exit !(t > 0 && m >= 0.5 * t && m <= 1.2 * t) }'
check "off: the agents' config CPU is near zero" \
	awk -v m="$(agents off '.cpu.categories.config.seconds // 0')" 'BEGIN { exit !(m < 0.01) }'

on=$(per_request on)
off=$(per_request off)
echo "# data path: the sidecars' app and mesh bytes per request: on $on, off $off"
check "data-path bytes per request unchanged by pushes (1%)" within "$on" "$off" 1

# The control line, in record's MeshMark and in diff.
echo "# on: $(jq -c .meshmark.control "$LAB_TMP/on.json")"
echo "# off: $(jq -c .meshmark.control "$LAB_TMP/off.json")"
check "on: control line: 2 pods, bytes the sidecars' control traffic" \
	jqe --argjson b "$(jq '[.components[] | select(.role == "sidecar") | .peers.control |
		.bytes_sent + .bytes_received] | add' "$LAB_TMP/on.json")" \
	'.meshmark.control | .pods == 2 and .bytes == $b and .vcpu_per_1000_pods > 0 and
		.mib_per_second_per_1000_pods > 0' "$LAB_TMP/on.json"
check "control costs more with pushes" \
	jqe --slurpfile off "$LAB_TMP/off.json" \
	'.meshmark.control.vcpu_per_1000_pods > 2 * $off[0].meshmark.control.vcpu_per_1000_pods' \
	"$LAB_TMP/on.json"
"$MESHPROF" diff "$LAB_TMP/off.json" "$LAB_TMP/on.json" -o "$LAB_TMP/diff.json" \
	>"$LAB_TMP/diff.txt" 2>&1
grep '^control:' "$LAB_TMP/diff.txt" | sed 's/^/# diff: /'
check "diff: a control line" grep -q '^control: [0-9.]* vCPU, [0-9.]* MiB/s per 1000 pods' \
	"$LAB_TMP/diff.txt"
check "diff: the control plane's share of the CPU overhead" \
	jqe '.meshmark.control.share > 0' "$LAB_TMP/diff.json"
finish
