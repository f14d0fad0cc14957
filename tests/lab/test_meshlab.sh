#!/usr/bin/env bash
# Mesh lab (tools/meshlab, docs/lab.md): every scenario comes up, carries
# traffic without errors through the proxies it should, and `down` leaves
# the machine as it was. Needs root; about two minutes.
set -u
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

ML=$TOP/tools/meshlab
TMP=$(mktemp -d)
RATE=50
CONNS=4
DURATION=3

cleanup() {
	"$ML" down >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
	not_ok "lab: must run as root"
	finish
fi
if [ ! -x "$TOP/build/tools/meshlab-load" ] || [ ! -x "$TOP/build/tools/meshlab-server" ] ||
	[ ! -x "$TOP/build/tools/meshlab-rustproxy" ]; then
	make -s -C "$TOP" tools >/dev/null || not_ok "lab: make tools"
fi

# What the lab must leave as it found it (root namespace and cgroups).
host_state() {
	echo "netns:"
	ip netns list | awk '{ print $1 }' | grep '^meshlab-'
	echo "links:"
	ip -o link show | awk -F': ' '{ print $2 }' | sort
	echo "iptables:"
	iptables-save 2>/dev/null | sed -e '/^#/d' -e 's/\[[0-9]*:[0-9]*\]//'
	echo "cgroups:"
	find /sys/fs/cgroup -maxdepth 3 -type d -name 'kubepods*' 2>/dev/null | sort
	echo "processes:"
	ps -eo stat=,comm= | awk '$1 !~ /^Z/ &&
		$2 ~ /^(haproxy|nginx|envoy|meshlab-rustpro|meshlab-server|meshlab-load)$/ { print $2 }' | sort
	echo "state:"
	ls -d /run/meshlab 2>/dev/null
	echo "kubelet logs:"
	ls -d /var/log/pods /var/log/containers 2>/dev/null
	ls /var/log/pods /var/log/containers 2>/dev/null
	true
}

# fails_with WORDS CMD...: exits non-zero with one line on stderr holding WORDS.
fails_with() {
	local words=$1 err rc
	shift
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		grep -qi -- "$words" <<<"$err"
}

jget() { jq -r "$1" "$2"; }
jtrue() { jq -e "$1" "$2" >/dev/null; }

# stat_of PROXY LISTENER COLUMN(3 sessions, 4 requests) FILE
stat_of() {
	awk -v p="$1" -v l="$2" -v c="$3" '$1 == p && $2 == l { v = $c }
		END { print (v == "" || v == "-") ? 0 : v }' "$4"
}

# grew NAME PROXY LISTENER COLUMN MIN: the counter grew by MIN or more.
grew() {
	local before after
	before=$(stat_of "$2" "$3" "$4" "$TMP/stats.before")
	after=$(stat_of "$2" "$3" "$4" "$TMP/stats.after")
	check "$1 ($2 $3: $before -> $after)" test $((after - before)) -ge "$5"
}

only_lab_addresses() {
	local ns
	for ns in $(ip netns list | awk '{ print $1 }' | grep '^meshlab-'); do
		ip -n "$ns" -o addr | awk '{ print $4 }'
	done | grep -Ev '^(127\.|198\.1[89]\.)' | grep -q . && return 1
	return 0
}

# Status: distinct pod UIDs, 64-hex container IDs, cgroups that exist.
check_status() {
	local s=$1 st=$TMP/status.json root
	"$ML" status --json >"$st"
	root=$(jget .cgroup2_mount "$st")
	check "$s: status names the rules file" \
		test "$(jget .rules_file "$st")" = /run/meshlab/rules.conf
	check "$s: rules file written" test -s /run/meshlab/rules.conf
	check "$s: distinct pod UIDs" test \
		"$(jq '[.pods[].uid] | unique | length' "$st")" = "$(jq '.pods | length' "$st")"
	check "$s: 64-hex distinct container IDs" jtrue '[.pods[].containers[].id] |
		(all(test("^[0-9a-f]{64}$"))) and (unique | length) == length' "$st"
	check "$s: kubelet cgroup layout" jtrue '[.pods[] | . as $p | .containers[] |
		.cgroup | startswith($p.cgroup + "/cri-containerd-") and
		test("^/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod[0-9a-f_]{36}.slice/cri-containerd-[0-9a-f]{64}.scope$")] | all' "$st"
	check "$s: kubelet log links exist" bash -c "jq -r '.pods[] | . as \$p | .containers[] |
		\"/var/log/containers/\\(\$p.name)_\\(\$p.namespace)_\\(.name)-\\(.id).log\"' $st |
		while read -r l; do test -f \"\$l\" || exit 1; done"
	check "$s: container cgroups exist" bash -c "jq -r '.pods[].containers[].cgroup' $st |
		while read -r c; do test -d '$root'\$c || exit 1; done"
	check "$s: server app runs in its container" jtrue '.pods[] |
		select(.name == "server") | .containers[] | select(.name == "app") |
		.pids | length > 0' "$st"
	check "$s: only 198.18.0.0/15 and loopback addresses" only_lab_addresses
}

# check_proxies SCENARIO LABEL
check_proxies() {
	local s=$1 l=$2 st=$TMP/status.json n
	n=$(jq '[.pods[].containers[] | select(.role == "sidecar" or .role == "node-proxy")] | length' "$st")
	case $s in
	baseline*)
		check "$l: no proxies" test "$n" = 0
		check "$l: rules have apps only" bash -c "! grep -q 'role=sidecar\|role=node-proxy' /run/meshlab/rules.conf"
		;;
	sidecar*)
		check "$l: two sidecars running" jtrue '[.pods[].containers[] |
			select(.role == "sidecar") | .pids | length > 0] == [true, true]' "$st"
		check "$l: rules mark the sidecars" test \
			"$(grep -c 'role=sidecar mesh=istio' /run/meshlab/rules.conf)" = 2
		;;
	node-proxy)
		check "$l: two node proxies running" jtrue '[.pods[].containers[] |
			select(.role == "node-proxy") | .pids | length > 0] == [true, true]' "$st"
		check "$l: rules mark the node proxies" test \
			"$(grep -c 'role=node-proxy mesh=istio-ambient' /run/meshlab/rules.conf)" = 2
		;;
	esac
}

# check_load SCENARIO LABEL
check_load() {
	local s=$1 l=$2 out=$TMP/load.json st=$TMP/status.json cg
	"$ML" stats >"$TMP/stats.before"
	if ! "$ML" load --rps $RATE --conns $CONNS --duration $DURATION \
		--json "$out" >/dev/null; then
		not_ok "$l: load ran"
		return
	fi
	sleep 0.3	# nginx logs an L4 session when it has closed
	"$ML" stats >"$TMP/stats.after"
	cg=$(jq -r '.pods[] | select(.name == "client") | .containers[] |
		select(.name == "app") | .cgroup' "$st")
	check "$l: requests made ($(jget .requests "$out"))" test "$(jget .requests "$out")" -gt 0
	check "$l: zero errors ($(jget .errors "$out"))" test "$(jget .errors "$out")" = 0
	check "$l: rate $(jget .actual_qps "$out") ~ $RATE rps" within "$(jget .actual_qps "$out")" $RATE 10
	check "$l: latency p50 $(jget .latencies_ms.p50 "$out") ms <= p99 $(jget .latencies_ms.p99 "$out") ms" \
		jtrue '.latencies_ms | .min > 0 and .min <= .p50 and .p50 <= .p90 and
		.p90 <= .p99 and .p99 <= .max' "$out"
	check "$l: load generator ran in the client app container" \
		test "$(jget .cgroup "$out")" = "$cg"
	case $s in
	sidecar | sidecar-mtls)
		grew "$l: client sidecar carried the requests" client-sidecar outbound 4 $((RATE * DURATION * 9 / 10))
		grew "$l: server sidecar carried the requests" server-sidecar inbound 4 $((RATE * DURATION * 9 / 10))
		;;
	sidecar-tcp | sidecar-tcp-plain)
		grew "$l: client sidecar took the connections" client-sidecar outbound 3 $CONNS
		grew "$l: server sidecar took connections" server-sidecar inbound 3 1
		;;
	node-proxy)
		grew "$l: node1 proxy took the connections" ztunnel-node1 outbound 3 $CONNS
		grew "$l: node2 proxy took connections over mTLS" ztunnel-node2 hbone_in 3 1
		;;
	esac
}

# Under mTLS, plaintext that skips the client's proxy is refused (STRICT).
check_strict() {
	local s=$1 l=$2 url=http://198.18.2.10:8080/
	case $s in
	baseline-mtls | sidecar-mtls | sidecar-tcp) ;;
	*) return ;;
	esac
	# -f: nginx answers plaintext on its TLS port with a 400.
	check "$l: plaintext around the mesh is refused" bash -c "! '$ML' exec client -- \
		setpriv --reuid=1337 --regid=1337 --clear-groups \
		curl -sf -m 2 -o /dev/null '$url'"
}

scenario() {
	local s=$1 label=$1
	shift
	[ $# -gt 0 ] && label="$s $*"
	if ! "$ML" up "$s" "$@" >"$TMP/up.log" 2>&1; then
		not_ok "$label: up ($(tail -1 "$TMP/up.log"))"
		return
	fi
	ok "$label: up"
	check_status "$label"
	check_proxies "$s" "$label"
	check_load "$s" "$label"
	check_strict "$s" "$label"
}

"$ML" down >/dev/null 2>&1
before=$(host_state)

# Errors: one clear line, non-zero exit.
check "error: unknown scenario" fails_with "unknown scenario" "$ML" up nosuch
check "error: unknown option" fails_with "unknown option" "$ML" up sidecar --nosuch 1
check "error: unknown proxy" fails_with "unknown proxy" "$ML" up sidecar --proxy squid
check "error: bad size" fails_with "size" "$ML" up baseline --size lots
check "error: unknown command" fails_with "unknown command" "$ML" nosuch
check "error: load while down" fails_with "down" "$ML" load --rps 10 --conns 1 --duration 1
check "error: bad rps" fails_with "rps" "$ML" load --rps fast
check "error: not root" fails_with "root" setpriv --reuid=65534 --regid=65534 \
	--clear-groups "$ML" up baseline
if ! command -v envoy >/dev/null; then
	check "error: envoy missing" fails_with "envoy" "$ML" up sidecar --proxy envoy
fi
check "status while down is non-zero" bash -c "! '$ML' status >/dev/null"

for s in baseline baseline-mtls sidecar sidecar-mtls sidecar-tcp sidecar-tcp-plain node-proxy; do
	scenario "$s"
done
scenario sidecar-mtls --proxy nginx
scenario node-proxy --proxy nginx
for s in sidecar sidecar-mtls sidecar-tcp sidecar-tcp-plain node-proxy; do
	scenario "$s" --proxy rust
done
scenario baseline --delay-ms 5 --size 100
check "server delay shows in latency (p50 $(jget .latencies_ms.p50 "$TMP/load.json") ms)" \
	jtrue '.latencies_ms.p50 >= 5' "$TMP/load.json"

# `up` over a running lab replaces it.
"$ML" up sidecar >/dev/null 2>&1
"$ML" up baseline >/dev/null 2>&1
check "up over a running lab leaves no old proxy" test \
	"$(ps -eo stat=,comm= | awk '$1 !~ /^Z/ && $2 == "haproxy"' | wc -l)" -eq \
	"$(grep -c '^haproxy$' <<<"$before")"
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
check "up over a running lab leaves one lab" test \
	"$(find "$cg2/kubepods.slice" -maxdepth 2 -name 'kubepods-burstable-pod*' | wc -l)" -eq 2

check "down" "$ML" down
check "down again" "$ML" down
after=$(host_state)
check "down leaves nothing behind" test "$before" = "$after"
[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
finish
