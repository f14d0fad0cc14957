#!/usr/bin/env bash
# meshprof on the mesh lab: proxies are classified with their real roles
# and the apps as apps, with pod identity from the kubelet cgroup layout;
# traffic is seen crossing the proxies.
source "$(dirname "$0")/lablib.sh"

comp() { # comp RUN NAME FILTER
	jq -r --arg n "$2" ".components[] | select(.name == \$n) | $3" "$LAB_TMP/$1.json"
}

for scenario in sidecar-mtls node-proxy; do
	if ! lab_record $scenario 100 4 3 $scenario; then
		not_ok "$scenario: lab up and recorded"
		continue
	fi
	ok "$scenario: lab up and recorded"
	"$ML" status --json >"$LAB_TMP/$scenario.status"
	requests=$(jv "$LAB_TMP/$scenario.load.json" .requests)
	for pod in client server; do
		uid=$(jq -r ".pods[] | select(.name == \"$pod\") | .uid" "$LAB_TMP/$scenario.status")
		app_id=$(jq -r ".pods[] | select(.name == \"$pod\") | .containers[] | select(.role == \"app\") | .id" "$LAB_TMP/$scenario.status")
		check "$scenario: $pod app is role app" test "$(comp $scenario $pod .role)" = app
		check "$scenario: $pod app has its pod UID" test "$(comp $scenario $pod .pod.uid)" = "$uid"
		check "$scenario: $pod app has its container ID" test "$(comp $scenario $pod .pod.container_id)" = "$app_id"
		check "$scenario: $pod app runtime from the cgroup path" test "$(comp $scenario $pod .pod.runtime)" = containerd
	done
	if [ $scenario = sidecar-mtls ]; then
		proxies="client-sidecar server-sidecar"
		role=sidecar
	else
		proxies="ztunnel-node1 ztunnel-node2"
		role=node-proxy
	fi
	for p in $proxies; do
		check "$scenario: $p is a $role" test "$(comp $scenario $p .role)" = $role
		served=$(comp $scenario $p .net.exchanges_served)
		echo "# $scenario: $p served $served exchanges for $requests requests"
		check "$scenario: traffic crosses $p" test "${served:-0}" -ge "$requests"
	done
	if [ $scenario = sidecar-mtls ]; then
		uid=$(jq -r '.pods[] | select(.name == "client") | .uid' "$LAB_TMP/$scenario.status")
		check "$scenario: client-sidecar is in the client pod" \
			test "$(comp $scenario client-sidecar .pod.uid)" = "$uid"
		check "$scenario: apps take their sidecars' mesh" \
			test "$(comp $scenario client .mesh)/$(comp $scenario server .mesh)" = istio/istio
	fi
done
finish
