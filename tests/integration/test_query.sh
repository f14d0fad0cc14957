#!/usr/bin/env bash
# meshprof query against a real Prometheus (Debian's, on loopback) holding
# series of known values: two nodes' worth of meshprof serve's metrics,
# written with promtool's backfill, so that every number is exact and the
# test needs neither BPF nor the lab. Checked: each counter over a window
# exactly, a series new in the window counted from 0, a counter reset, a
# container's series of two component names as one component, a series
# that counted nothing in the window left out, histograms merged by
# bucket, components summed across nodes and kept per node, --match, and
# report and diff reading the run. Then every error is one line with a
# non-zero exit: Prometheus unreachable, an HTTP error (a bad selector, a
# wrong path), an empty window, series that counted nothing, series of
# different meshprof versions, a node without meshprof_node_info, bad
# flags.
source "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
prom_pid=
cleanup() {
	[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# Points every 10 s from T0, an hour ago (inside the default retention).
T0=$(( $(date +%s) / 60 * 60 - 3600 ))
START=$((T0 + 100))	# i = 10
END=$((T0 + 500))	# i = 50

# series NAME LABELS FROM TO EXPR: one point per step i in [FROM, TO],
# its value the awk expression EXPR of i.
series() {
	awk -v n="$1" -v l="$2" -v a="$3" -v b="$4" -v t0="$T0" \
		"BEGIN { for (i = a; i <= b; i++) printf \"%s{%s} %.10g %d\\n\", n, l, $5, t0 + 10 * i }"
}

# hist NAME LABELS FROM TO SUM-EXPR LE:EXPR...: a histogram's points, the
# cumulative buckets given (the last one is also +Inf and the count).
hist() {
	local name=$1 labels=$2 from=$3 to=$4 sum=$5
	shift 5
	awk -v n="$name" -v l="$labels" -v a="$from" -v b="$to" -v t0="$T0" \
		-v spec="$*" "BEGIN {
		k = split(spec, les, \" \")
		for (i = a; i <= b; i++) {
			t = t0 + 10 * i
			for (j = 1; j <= k; j++) {
				split(les[j], p, \":\")
				v = p[2] * i
				printf \"%s_bucket{%s,le=\\\"%s\\\"} %.10g %d\\n\", n, l, p[1], v, t
			}
			printf \"%s_bucket{%s,le=\\\"+Inf\\\"} %.10g %d\\n\", n, l, v, t
			printf \"%s_count{%s} %.10g %d\\n\", n, l, v, t
			printf \"%s_sum{%s} %.10g %d\\n\", n, l, $sum, t
		} }"
}

pod() { # pod NODE NAMESPACE POD CONTAINER COMPONENT ROLE MESH
	echo "node=\"$1\",namespace=\"$2\",pod=\"$3\",container=\"$4\",component=\"$5\",role=\"$6\",mesh=\"$7\""
}
WEB=$(pod node-a default web app app app istio)
KERN_A=$(pod node-a "" "" "" kernel system none)
KERN_B=$(pod node-b "" "" "" kernel system none)
SIDE=$(pod node-b default web-2 istio-proxy istio-proxy sidecar istio)
ZT=$(pod node-a istio-system ztunnel-a istio-proxy ztunnel node-proxy istio-ambient)
D_APP=$(pod node-d default other app app app none)
E_APP=$(pod node-e default old app app app none)
GONE=$(pod node-a default gone app app app istio)
info() { # info NODE VERSION KERNEL CPUS UNAVAILABLE
	echo "node=\"$1\",version=\"$2\",kernel=\"$3\",cpus=\"$4\",profile_hz=\"100\",probe_sched=\"tp_btf\",probe_sock=\"tp_btf\",unavailable=\"$5\""
}

{
	echo '# TYPE meshprof_cpu_seconds counter'
	series meshprof_cpu_seconds_total "$WEB" 0 60 '0.25 * i'
	# web's app container before its process exec'd: one component
	series meshprof_cpu_seconds_total "$(pod node-a default web app sh app istio)" 0 60 '0.01 * i'
	series meshprof_cpu_seconds_total "$KERN_A" 0 60 '0.1 * i'
	series meshprof_cpu_seconds_total "$KERN_B" 0 60 '0.2 * i'
	# new at i = 30: counted from 0
	series meshprof_cpu_seconds_total "$SIDE" 30 60 '0.5 * (i - 29)'
	# serve restarted at i = 30
	series meshprof_cpu_seconds_total "$ZT" 0 60 '0.1 * (i < 30 ? i : i - 30)'
	series meshprof_cpu_seconds_total "$D_APP" 52 60 'i'
	series meshprof_cpu_seconds_total "$E_APP" 0 5 'i'
	# still exported, but counts nothing: not in the run
	series meshprof_cpu_seconds_total "$GONE" 0 60 7
	echo '# TYPE meshprof_cpu_category_seconds counter'
	series meshprof_cpu_category_seconds_total "$SIDE,category=\"tls\"" 30 60 '0.2 * (i - 29)'
	series meshprof_cpu_category_seconds_total "$SIDE,category=\"http\"" 30 60 '0.3 * (i - 29)'
	echo '# TYPE meshprof_context_switches counter'
	series meshprof_context_switches_total "$WEB,kind=\"voluntary\"" 0 60 '100 * i'
	series meshprof_context_switches_total "$WEB,kind=\"involuntary\"" 0 60 '3 * i'
	echo '# TYPE meshprof_socket_bytes counter'
	series meshprof_socket_bytes_total "$WEB,direction=\"sent\"" 0 60 '1000 * i'
	series meshprof_socket_bytes_total "$WEB,direction=\"received\"" 0 60 '2000 * i'
	echo '# TYPE meshprof_exchanges counter'
	series meshprof_exchanges_total "$WEB" 0 60 '50 * i'
	echo '# TYPE meshprof_runqueue_wait_seconds histogram'
	hist meshprof_runqueue_wait_seconds "$WEB" 0 60 '1e-5 * i' 1.024e-06:5 2.048e-06:8
	echo '# TYPE meshprof_latency_seconds histogram'
	# 3 and 7 a step in the buckets up to 262144 and 294912 ns
	hist meshprof_latency_seconds "$WEB,measure=\"service\"" 0 60 '0.0028 * i' \
		0.000229376:0 0.000262144:3 0.000294912:10
	echo '# TYPE meshprof_resident_memory_bytes gauge'
	series meshprof_resident_memory_bytes "$WEB" 0 60 '50e6 + 1e5 * i'
	echo '# TYPE meshprof_node info'
	series meshprof_node_info "$(info node-a v1 6.1.0 2 latency.transit)" 0 60 1
	series meshprof_node_info "$(info node-b v1 6.12.0 4 '')" 0 60 1
	# no component series: in the run all the same, its CPUs counted
	series meshprof_node_info "$(info node-c v1 6.1.0 8 '')" 0 60 1
	series meshprof_node_info "$(info node-d v3 6.1.0 8 '')" 52 60 1
	echo '# TYPE meshprof_drops counter'
	series meshprof_drops_total 'node="node-a",reason="proc_map_full"' 0 60 i
	series meshprof_drops_total 'node="node-b",reason="stacks_map_full"' 0 60 '2 * i'
	series meshprof_drops_total 'node="node-c",reason="proc_map_full"' 0 60 '1000 * i'
	echo '# EOF'
} >"$dir/series.om"

check "promtool backfills the series" bash -c \
	"promtool tsdb create-blocks-from openmetrics '$dir/series.om' '$dir/tsdb' >'$dir/backfill.log' 2>&1"
pport=$(free_port)
echo 'global: { scrape_interval: 10s }' >"$dir/prometheus.yml"
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
	--web.listen-address="127.0.0.1:$pport" --log.level=warn >"$dir/prom.log" 2>&1 &
prom_pid=$!
PROM=http://127.0.0.1:$pport
check "Prometheus ready" wait_http "$PROM/-/ready" 200 300

q() { "$MESHPROF" query --prometheus "$PROM" "$@"; }

check "query of the window exits 0" bash -c \
	"'$MESHPROF' query --prometheus '$PROM' --start $START --end $END -o '$dir/c.json' >'$dir/c.txt' 2>'$dir/c.err'"
comp() { # comp FILE ID FILTER
	jq -r --arg id "$2" ".components[] | select(.id == \$id) | $3" "$1"
}
eq() { # eq NAME GOT WANT
	check "$1: $2 (want $3)" awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; exit !(a != "" && d < 1e-6 && d > -1e-6) }'
}
eq "app CPU over the window, of both its series" "$(comp "$dir/c.json" pod/default/web/app .cpu.seconds)" 10.4
check "a container's busiest series names it" test "$(comp "$dir/c.json" pod/default/web/app .name)" = app
eq "app voluntary switches" "$(comp "$dir/c.json" pod/default/web/app .sched.voluntary_switches)" 4000
eq "app involuntary switches" "$(comp "$dir/c.json" pod/default/web/app .sched.involuntary_switches)" 120
eq "app bytes sent" "$(comp "$dir/c.json" pod/default/web/app .net.bytes_sent)" 40000
eq "app bytes received" "$(comp "$dir/c.json" pod/default/web/app .net.bytes_received)" 80000
eq "app exchanges" "$(comp "$dir/c.json" pod/default/web/app .net.exchanges_served)" 2000
eq "requests counted at the app's sockets" "$(jq .workload.requests "$dir/c.json")" 2000
eq "host kernel summed across nodes" "$(comp "$dir/c.json" host/kernel .cpu.seconds)" 12
eq "sidecar new in the window counted from 0" \
	"$(comp "$dir/c.json" pod/default/web-2/istio-proxy .cpu.seconds)" 10.5
zt=$(comp "$dir/c.json" pod/istio-system/ztunnel-a/istio-proxy .cpu.seconds)
check "counter reset: Prometheus's increase() ($zt, 3.8..4.0)" \
	awk -v v="$zt" 'BEGIN { exit !(v >= 3.8 && v <= 4.0) }'
eq "CPU categories at the node's profile frequency: tls" \
	"$(comp "$dir/c.json" pod/default/web-2/istio-proxy .cpu.categories.tls.seconds)" 4.2
eq "... samples" "$(comp "$dir/c.json" pod/default/web-2/istio-proxy .cpu.samples)" 1050
eq "run-queue waits from the histogram's count" \
	"$(comp "$dir/c.json" pod/default/web/app .sched.runq_waits)" 320
eq "run-queue wait from its sum" \
	"$(comp "$dir/c.json" pod/default/web/app .sched.runq_wait_seconds)" 0.0004
check "run-queue buckets into log2 slots 9 and 10" test \
	"$(comp "$dir/c.json" pod/default/web/app '.sched.runq_wait_hist_log2_ns[9:11] | join(",")')" = 200,120
eq "latency count" "$(comp "$dir/c.json" pod/default/web/app .latency.service.count)" 400
check "latency buckets split over their HDR slots" test \
	"$(comp "$dir/c.json" pod/default/web/app '.latency.service.buckets_hdr_ns | map(.[1]) | join(",")')" = 60,60,140,140
eq "latency p50 from the buckets" "$(comp "$dir/c.json" pod/default/web/app .latency.service.p50_seconds)" 0.000270336
eq "latency p99" "$(comp "$dir/c.json" pod/default/web/app .latency.service.p99_seconds)" 0.00028672
eq "latency mean from the sum" "$(comp "$dir/c.json" pod/default/web/app .latency.service.mean_seconds)" 0.00028
# 53.05 MB without the point at the window's start (Prometheus 3), 53.0
# with it (2.x: ranges closed on the left)
rss=$(comp "$dir/c.json" pod/default/web/app .memory.rss_avg_bytes)
check "memory: mean over the window: $rss" \
	awk -v v="$rss" 'BEGIN { exit !(v == 53000000 || v == 53050000) }'
eq "memory: peak" "$(comp "$dir/c.json" pod/default/web/app .memory.rss_peak_bytes)" 55000000
eq "drops of the run's nodes" "$(jq .drops.proc_map_full "$dir/c.json")" 40040
eq "profile drops" "$(jq .profile.drops.stacks_map_full "$dir/c.json")" 80
check "every node of the window, node-c too: $(jq -c '[.nodes[].name]' "$dir/c.json")" \
	jqe '[.nodes[].name] == ["node-a", "node-b", "node-c"] and .node.cpus == 14 and .node.hostname == "3 nodes" and .node.kernel == "mixed"' "$dir/c.json"
check "versions of the nodes" jqe '[.nodes[].meshprof_version] == ["v1", "v1", "v1"]' "$dir/c.json"
check "metrics unavailable on a node are unavailable in the run" \
	jqe '.probes.unavailable == ["latency.transit"]' "$dir/c.json"
check "window as asked" jqe ".window.start == $START and .window.end == $END and .window.seconds == 400 and .processes == []" "$dir/c.json"
check "the table says where the run came from" grep -q '^meshprof: 400.0 s on 3 nodes (kernel mixed, 14 CPUs).*4 components from Prometheus' "$dir/c.txt"

check "--by node" bash -c "'$MESHPROF' query --prometheus '$PROM' --start $START --end $END --by node -q -o '$dir/n.json'"
eq "per node: node-a's kernel" "$(comp "$dir/n.json" node/node-a/host/kernel .cpu.seconds)" 4
eq "per node: node-b's kernel" "$(comp "$dir/n.json" node/node-b/host/kernel .cpu.seconds)" 8
check "per node: names carry the node" test \
	"$(jq -r '[.components[].name] | sort | join(",")' "$dir/n.json")" = "app@node-a,istio-proxy@node-b,kernel@node-a,kernel@node-b,ztunnel@node-a"

check "--match" bash -c "'$MESHPROF' query --prometheus '$PROM' --start $START --end $END --match 'namespace=\"default\"' -q -o '$dir/m.json'"
check "--match: only the series it selects" test \
	"$(jq -r '[.components[].id] | sort | join(",")' "$dir/m.json")" = "pod/default/web-2/istio-proxy,pod/default/web/app"
check "--match of a namespace: the cluster's nodes all the same" jqe '.node.cpus == 14' "$dir/m.json"
check "--match with braces, by node label" bash -c "'$MESHPROF' query --prometheus '$PROM' --start $START --end $END --match '{node=\"node-a\"}' -q -o '$dir/a.json'"
check "--match node-a: one node, its CPUs" jqe '.node.hostname == "node-a" and .node.cpus == 2 and (.components | length) == 3' "$dir/a.json"

check "RFC 3339 times give the same run" bash -c \
	"'$MESHPROF' query --prometheus '$PROM' --start '$(date -u -d @$START +%Y-%m-%dT%H:%M:%SZ)' --end '$(date -d @$END +%Y-%m-%dT%H:%M:%S%:z)' -q -o '$dir/t.json' &&
	 jq -S 'del(.meshmark, .mue)' '$dir/t.json' | cmp -s - <(jq -S 'del(.meshmark, .mue)' '$dir/c.json')"
check "report reads the run" bash -c "'$MESHPROF' report '$dir/c.json' | grep -q 'default/web/app'"
check "report --format smp" bash -c "'$MESHPROF' report '$dir/c.json' --format smp | jq -e '.performance_test_result' >/dev/null"
check "diff of the run with itself" bash -c "'$MESHPROF' diff '$dir/c.json' '$dir/c.json' -o '$dir/d.json' >/dev/null"
check "... scores 100" jqe '.meshmark.score == 100' "$dir/d.json"
check "-o --format smp" bash -c "'$MESHPROF' query --prometheus '$PROM' --start $START --end $END -q --format smp -o '$dir/s.json' && jq -e '.service_mesh_config.sidecar.count == 1' '$dir/s.json' >/dev/null"

# Errors: one line on stderr, exit 1 (2 for bad usage).
failed_so() { # failed_so RC CODE PATTERN
	[ "$1" = "$2" ] && [ "$(wc -l <"$dir/err")" = 1 ] &&
		grep -q -- "$3" "$dir/err" && [ ! -s "$dir/out" ]
}
fails() { # fails NAME CODE PATTERN ARGS...
	local name=$1 code=$2 pat=$3 rc
	shift 3
	"$MESHPROF" query "$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	check "$name: exit $code, one line: $(head -c 200 "$dir/err")" \
		failed_so "$rc" "$code" "$pat"
}
dead=$(free_port)
fails "Prometheus unreachable" 1 "cannot reach Prometheus at http://127.0.0.1:$dead" \
	--prometheus "http://127.0.0.1:$dead" --start $START --end $END
fails "HTTP 400 from a bad selector" 1 "answered HTTP 400: bad_data: .*parse error" \
	--prometheus "$PROM" --start $START --end $END --match 'namespace=~"("'
fails "HTTP 404: not Prometheus's API" 1 "answered HTTP 404 for /api/v1/query" \
	--prometheus "$PROM/nothing/here" --start $START --end $END
fails "empty window" 1 "no meshprof series in Prometheus from " \
	--prometheus "$PROM" --start $((T0 - 1000)) --end $((T0 - 500))
fails "empty selection" 1 'matching {namespace="nowhere"}' \
	--prometheus "$PROM" --start $START --end $END --match 'namespace="nowhere"'
fails "series that counted nothing in the window" 1 "meshprof series in Prometheus counted nothing from .* matching {pod=\"gone\"}" \
	--prometheus "$PROM" --start $START --end $END --match 'pod="gone"'
fails "series of different meshprof versions" 1 "different meshprof versions in the window: v1 on node node-a, v3 on node node-d" \
	--prometheus "$PROM" --start $((T0 + 500)) --end $((T0 + 600))
fails "a node without meshprof_node_info" 1 "no meshprof_node_info from node node-e" \
	--prometheus "$PROM" --start $T0 --end $((T0 + 50))
fails "missing --end" 2 "missing --end" --prometheus "$PROM" --start $START
fails "--end before --start" 2 "is not after --start" --prometheus "$PROM" --start $END --end $START
fails "a bad time" 2 "invalid --start '2024-13-01T00:00:00Z'" --prometheus "$PROM" --start 2024-13-01T00:00:00Z --end $END
fails "a bad --by" 2 "invalid --by 'pod'" --prometheus "$PROM" --start $START --end $END --by pod
fails "a bad URL" 2 "invalid --prometheus" --prometheus "file:///etc/passwd" --start $START --end $END
fails "a bad --format" 2 "invalid --format" --prometheus "$PROM" --start $START --end $END --format csv
fails "an unwritable output" 1 "cannot write\|No such file" --prometheus "$PROM" --start $START --end $END -o /nonexistent/x.json
finish
