#!/usr/bin/env bash
# Control-plane traffic by peer class against what both ends counted. The
# lab's control plane (tools/controlplane) pushes configuration to one
# agent over a Unix socket and to another over loopback TCP, which a rules
# file's addr= rule names a control-plane endpoint. Each program counts
# every byte it sends and receives; meshprof's control bytes of each agent
# must be those, exactly, over the window (pushes are paused and settled
# at both of its edges). Unix sockets count by peer only: net.* stays
# inet's. Run in the default mode and in the fallback (raw_tp, syscall
# tracepoints); where the socket state is not in socket-local storage
# (the fallback, kernels before 6.3), Unix sockets must be said to be
# unavailable and counted nowhere.
source "$(dirname "$0")/../lib.sh"

BIN=$TOP/build/tools
dir=$(mktemp -d)
port=$((20000 + $$ % 20000))
cps=()
agents=()
cleanup() {
	kill "${agents[@]}" "${cps[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# spawn VAR COMMAND...: started in the background, its pid appended to VAR.
spawn() {
	local -n list=$1
	shift
	"$@" 2>>"$dir/programs.err" &
	list+=($!)
}

spawn cps "$BIN/meshlab-control" --listen "unix:$dir/cp.sock" --push-kb 64 \
	--push-every 0.05 --stats "$dir/cp-unix.json" --lifetime 120
spawn cps "$BIN/meshlab-control" --listen "127.0.0.1:$port" --push-kb 48 \
	--push-every 0.05 --stats "$dir/cp-tcp.json" --lifetime 120
for _ in $(seq 100); do
	[ -S "$dir/cp.sock" ] && [ -s "$dir/cp-tcp.json" ] && break
	sleep 0.05
done
# start_agents: one for each control plane, counting from zero.
start_agents() {
	rm -f "$dir/unix.json" "$dir/tcp.json"
	spawn agents "$BIN/meshlab-agent" --connect "unix:$dir/cp.sock" --pod unix \
		--out "$dir/unix.cfg" --stats "$dir/unix.json"
	spawn agents "$BIN/meshlab-agent" --connect "127.0.0.1:$port" --pod tcp \
		--out "$dir/tcp.cfg" --stats "$dir/tcp.json"
}

# stop_agents: gone, and gone from the control planes' lists.
stop_agents() {
	kill "${agents[@]}"
	wait "${agents[@]}" 2>/dev/null
	agents=()
	for _ in $(seq 100); do
		jqe '.agents | length == 0' "$dir/cp-unix.json" &&
			jqe '.agents | length == 0' "$dir/cp-tcp.json" && return
		sleep 0.05
	done
}
start_agents

cat >"$dir/rules" <<EOF
comm=meshlab-control role=control-plane mesh=istio name=control
comm=meshlab-agent role=sidecar mesh=istio part=agent name=agents
peer=control addr=127.0.0.1 port=$port
EOF

# settled: pushes paused, every push applied, acknowledged and read.
settled() {
	local pod cp
	for pod in unix tcp; do
		cp=$dir/cp-$pod.json
		jqe --slurpfile a "$dir/$pod.json" '.paused and
			(.agents | length == 1) and .agents[0].pushes > 0 and
			.agents[0].acks == .agents[0].pushes and
			$a[0].pushes == .agents[0].pushes' "$cp" || return 1
	done
}

# pause: stops the pushes and waits for the last to settle.
pause() {
	kill -USR1 "${cps[@]}"
	for _ in $(seq 200); do
		settled && return 0
		sleep 0.05
	done
	echo "# not settled: $(cat "$dir"/cp-*.json "$dir"/unix.json "$dir"/tcp.json)"
	return 1
}

# counts TAG: each program's byte counts now (for the control planes,
# those of their connection with the agent), as TAG; zeros without FILES.
counts() {
	local pod
	for pod in unix tcp; do
		jq -r '"\(.bytes_sent) \(.bytes_received)"' "$dir/$pod.json" \
			>"$dir/$1.agent-$pod"
		jq -r '.agents[0] | "\(.bytes_sent) \(.bytes_received)"' \
			"$dir/cp-$pod.json" >"$dir/$1.cp-$pod"
	done
}

zero_counts() {
	local f
	for f in agent-unix agent-tcp cp-unix cp-tcp; do
		echo "0 0" >"$dir/$1.$f"
	done
}

# delta FILE-SUFFIX FIELD(1 sent, 2 received): after - before.
delta() {
	paste "$dir/before.$1" "$dir/after.$1" |
		awk -v f="$2" '{ print $(f + 2) - $f }'
}

pid_of() { jq -r .pid "$1"; }

proc() { # proc RUN PID JQ-PATH
	jq -r ".processes[] | select(.pid == $2) | $3" "$dir/$1.json"
}

# agents_pushed: both agents have applied a few pushes.
agents_pushed() {
	for _ in $(seq 100); do
		[ -s "$dir/unix.json" ] && [ -s "$dir/tcp.json" ] &&
			jqe '.pushes > 1' "$dir/unix.json" &&
			jqe '.pushes > 1' "$dir/tcp.json" && return
		sleep 0.05
	done
}

# run_mode NAME RECORD-ARGS...: a window with the agents connected before
# it; or, where syscall tracepoints count, which miss a read already
# blocked when the window opens (a push's first bytes), with agents that
# connect in it.
run_mode() {
	local name=$1 pod agent cp sent recv unix restart=0
	shift
	case " $* " in *" --sock-source syscalls "*) restart=1 ;; esac
	[ -e /sys/kernel/tracing/events/sock/sock_send_length ] || restart=1
	agents_pushed
	check "$name: both agents applied pushes" pause
	if [ $restart = 1 ]; then
		stop_agents
		zero_counts before
	else
		counts before
	fi
	if ! start_record "$dir/$name" --rules "$dir/rules" "$@"; then
		not_ok "$name: meshprof attached"
		return
	fi
	[ $restart = 1 ] && start_agents
	kill -USR2 "${cps[@]}"
	sleep 2
	agents_pushed
	pause
	kill -INT "$mp_pid"
	wait "$mp_pid"
	check "$name: record exits 0" test $? -eq 0
	counts after
	unix=$(jq '.probes.unavailable | index("peers.unix") | not' "$dir/$name.json")
	check "$name: Unix sockets counted where the sock tracepoints keep socket-local state" \
		jqe '(.probes.sock == "tp_btf") == (.probes.unavailable | index("peers.unix") | not)' \
		"$dir/$name.json"
	for pod in unix tcp; do
		agent=$(pid_of "$dir/$pod.json")
		cp=$(pid_of "$dir/cp-$pod.json")
		sent=$(delta "agent-$pod" 1)
		recv=$(delta "agent-$pod" 2)
		echo "# $name $pod: the agent received $recv bytes and sent $sent; meshprof: control $(proc "$name" "$agent" '"\(.peers.control.bytes_received) and \(.peers.control.bytes_sent)"')"
		if [ $pod = unix ] && [ "$unix" = false ]; then
			check "$name: unix: not counted without socket-local storage" test \
				"$(proc "$name" "$agent" .peers.control.bytes_received)" = 0
			continue
		fi
		check "$name: $pod: control bytes received exact" test \
			"$(proc "$name" "$agent" .peers.control.bytes_received)" = "$recv"
		check "$name: $pod: control bytes sent exact" test \
			"$(proc "$name" "$agent" .peers.control.bytes_sent)" = "$sent"
		check "$name: $pod: one control connection" test \
			"$(proc "$name" "$agent" .peers.control.connections)" = 1
		check "$name: $pod: nothing else by peer" test \
			"$(proc "$name" "$agent" '[.peers.app, .peers.mesh, .peers.other][] | .bytes_sent + .bytes_received' | sort -u)" = 0
		check "$name: $pod: the control plane sent what the agent received" test \
			"$(delta "cp-$pod" 1)" = "$recv"
		if [ $pod = unix ]; then
			check "$name: unix: net.* is inet's alone" test \
				"$(proc "$name" "$agent" '.net.bytes_received + .net.bytes_sent')" = 0
			check "$name: unix: the control plane's peer is a mesh process" test \
				"$(proc "$name" "$cp" .peers.mesh.bytes_sent)" = "$(delta cp-unix 1)"
		else
			check "$name: tcp: net.* counts what peers count" test \
				"$(proc "$name" "$agent" .net.bytes_received)" = \
				"$(proc "$name" "$agent" .peers.control.bytes_received)"
		fi
	done
	check "$name: the table shows the agents' control traffic" \
		grep -qE '^agents +control ' "$dir/$name.table"
	check "$name: the table names the agents" \
		grep -q "^agents: agents includes its agent meshlab-agent" "$dir/$name.table"
	check "$name: report prints the recorded table" \
		cmp -s "$dir/$name.table" <("$MESHPROF" report "$dir/$name.json")
}

run_mode default
kill -USR2 "${cps[@]}"
run_mode fallback --attach raw_tp --sock-source syscalls
check "fallback: Unix sockets said unavailable" \
	jqe '.probes.unavailable | index("peers.unix")' "$dir/fallback.json"
finish
