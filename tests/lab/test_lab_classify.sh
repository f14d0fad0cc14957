#!/usr/bin/env bash
# meshprof on the mesh lab: proxies are classified with their real roles
# and the apps as apps, with pod identity from the kubelet cgroup layout;
# traffic is seen crossing the proxies. With haproxy (the default) and with
# the lab's Rust proxy.
source "$(dirname "$0")/lablib.sh"

comp() { # comp RUN NAME FILTER
	jq -r --arg n "$2" ".components[] | select(.name == \$n) | $3" "$LAB_TMP/$1.json"
}

# RUN is SCENARIO, or SCENARIO:PROXY for a proxy other than the default.
for run in sidecar-mtls node-proxy sidecar-mtls:rust node-proxy:rust; do
	scenario=${run%%:*}
	up=()
	[ "$run" != "$scenario" ] && up=(--proxy "${run#*:}")
	if ! lab_record "$run" 100 4 3 $scenario "${up[@]}"; then
		not_ok "$run: lab up and recorded"
		continue
	fi
	ok "$run: lab up and recorded"
	"$ML" status --json >"$LAB_TMP/$run.status"
	requests=$(jv "$LAB_TMP/$run.load.json" .requests)
	for pod in client server; do
		uid=$(jq -r ".pods[] | select(.name == \"$pod\") | .uid" "$LAB_TMP/$run.status")
		app_id=$(jq -r ".pods[] | select(.name == \"$pod\") | .containers[] | select(.role == \"app\") | .id" "$LAB_TMP/$run.status")
		check "$run: $pod app is role app" test "$(comp $run $pod .role)" = app
		check "$run: $pod app has its pod UID" test "$(comp $run $pod .pod.uid)" = "$uid"
		check "$run: $pod app has its container ID" test "$(comp $run $pod .pod.container_id)" = "$app_id"
		check "$run: $pod app runtime from the cgroup path" test "$(comp $run $pod .pod.runtime)" = containerd
	done
	if [ $scenario = sidecar-mtls ]; then
		proxies="client-sidecar server-sidecar"
		role=sidecar
	else
		proxies="ztunnel-node1 ztunnel-node2"
		role=node-proxy
	fi
	for p in $proxies; do
		check "$run: $p is a $role" test "$(comp $run $p .role)" = $role
		served=$(comp $run $p .net.exchanges_served)
		echo "# $run: $p served $served exchanges for $requests requests"
		check "$run: traffic crosses $p" test "${served:-0}" -ge "$requests"
	done
	if [ $scenario = sidecar-mtls ]; then
		uid=$(jq -r '.pods[] | select(.name == "client") | .uid' "$LAB_TMP/$run.status")
		check "$run: client-sidecar is in the client pod" \
			test "$(comp $run client-sidecar .pod.uid)" = "$uid"
		check "$run: apps take their sidecars' mesh" \
			test "$(comp $run client .mesh)/$(comp $run server .mesh)" = istio/istio
	fi
done
finish
