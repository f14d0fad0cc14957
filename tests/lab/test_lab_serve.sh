#!/usr/bin/env bash
# meshprof serve on the mesh lab, scraped by a real Prometheus (Debian's,
# on loopback, every second), without a rules file: the sidecars are
# found with their namespace, pod and container names (the lab names its
# pods in kubelet-like log directories), their CPU rate in Prometheus
# agrees with a `record` of the same window within 10%, and the
# exposition passes promtool. Then the node proxies of node-proxy, also
# without rules.
source "$(dirname "$0")/lablib.sh"

SECS=12
RPS=400
sv_pid=
prom_pid=
stop_all() {
	[ -n "$sv_pid" ] && kill "$sv_pid" 2>/dev/null && wait "$sv_pid" 2>/dev/null
	[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
	sv_pid= prom_pid=
}
trap 'stop_all; "$ML" down >/dev/null 2>&1; rm -rf "$LAB_TMP"' EXIT

if ! "$ML" up sidecar-mtls >"$LAB_TMP/up" 2>&1; then
	cat "$LAB_TMP/up"
	not_ok "lab up"
	finish
fi

serve_scraped
api=http://127.0.0.1:$pport/api/v1

q() { # q QUERY [TIME]: the result vector of an instant query
	curl -s "$api/query" --data-urlencode "query=$1" ${2:+--data-urlencode "time=$2"} |
		jq -c '.data.result'
}

"$MESHPROF" record -q -d $SECS -o "$LAB_TMP/rec.json" 2>"$LAB_TMP/rec.err" &
rec_pid=$!
for _ in $(seq 100); do
	grep -q '^meshprof: recording' "$LAB_TMP/rec.err" && break
	sleep 0.1
done
"$ML" load --rps $RPS --conns 8 --duration $((SECS + 3)) --json "$LAB_TMP/load.json" >/dev/null
wait $rec_pid
check "record exits 0" test $? -eq 0

# A sample reflects what happened up to two seconds before it (serve reads
# every second, Prometheus scrapes every second): the range that matches
# record's window ends a second after it.
end=$(jq '.window.end + 1' "$LAB_TMP/rec.json")
secs=$(jq '.window.seconds' "$LAB_TMP/rec.json")
range=$(printf '%.0f' "$secs")
sleep 2
q "rate(meshprof_cpu_seconds_total{role=\"sidecar\"}[${range}s])" "$end" >"$LAB_TMP/rate.json"
check "Prometheus has both sidecars" test "$(jq length "$LAB_TMP/rate.json")" = 2
for pod in client server; do
	labels=$(jq -c --arg p "$pod" '.[] | select(.metric.pod == $p) | .metric |
		{namespace, pod, container, component, role, mesh}' "$LAB_TMP/rate.json")
	check "$pod sidecar named by the kubelet's directories, no rules file: $labels" \
		test "$labels" = "{\"namespace\":\"default\",\"pod\":\"$pod\",\"container\":\"istio-proxy\",\"component\":\"istio-proxy\",\"role\":\"sidecar\",\"mesh\":\"istio\"}"
	got=$(jq -r --arg p "$pod" '.[] | select(.metric.pod == $p) | .value[1]' "$LAB_TMP/rate.json")
	want=$(jq --arg p "$pod" --argjson s "$secs" '.components[] |
		select(.pod.name == $p and .pod.container == "istio-proxy") |
		.cpu.seconds / $s' "$LAB_TMP/rec.json")
	echo "# $pod sidecar vCPU: Prometheus rate $got, record $want"
	check "$pod sidecar CPU rate within 10% of record's" within "${got:-0}" "${want:-1}" 10
done
apps=$(q 'meshprof_cpu_seconds_total{role="app",container="app",mesh="istio"}' | jq length)
check "apps named, with their sidecars' mesh" test "$apps" = 2
p50=$(q "histogram_quantile(0.5, rate(meshprof_latency_seconds_bucket{pod=\"client\",container=\"istio-proxy\",measure=\"dwell_request\"}[${range}s]))" "$end" |
	jq -r '.[0].value[1]')
rp50=$(jq '.components[] | select(.pod.name == "client" and .pod.container == "istio-proxy") |
	.latency.dwell_request.p50_seconds' "$LAB_TMP/rec.json")
echo "# client sidecar dwell_request p50: Prometheus $p50 s, record $rp50 s"
check "MeshMark over the window exported" test "$(q meshprof_meshmark_score | jq length)" = 1
curl -s "http://127.0.0.1:$port/metrics" >"$LAB_TMP/metrics"
check "promtool check metrics passes on the lab's exposition" promtool check metrics <"$LAB_TMP/metrics"
check "the record's JSON names pods" grep -q 'default/client/istio-proxy' \
	<(jq -r '.components[] | "\(.pod.namespace)/\(.pod.name)/\(.pod.container)"' "$LAB_TMP/rec.json")
check "report reads the names back into the table" grep -q ' default/server/istio-proxy ' \
	<("$MESHPROF" report "$LAB_TMP/rec.json")
stop_all

# node-proxy: ztunnel pods recognised by namespace and pod name alone.
if "$ML" up node-proxy >"$LAB_TMP/up2" 2>&1; then
	"$MESHPROF" record -q -d 3 -F 0 -o "$LAB_TMP/np.json" 2>"$LAB_TMP/np.err" &
	rec_pid=$!
	sleep 1
	"$ML" load --rps 100 --duration 1 >/dev/null
	wait $rec_pid
	for n in node1 node2; do
		got=$(jq -c --arg p "ztunnel-$n" '.components[] | select(.pod.name == $p) |
			[.pod.namespace, .pod.container, .name, .role, .mesh]' "$LAB_TMP/np.json")
		check "ztunnel-$n is Istio ambient's node proxy without rules: $got" \
			test "$got" = '["istio-system","istio-proxy","ztunnel","node-proxy","istio-ambient"]'
	done
else
	cat "$LAB_TMP/up2"
	not_ok "node-proxy lab up"
fi
finish
