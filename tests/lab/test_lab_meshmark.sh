#!/usr/bin/env bash
# MeshMark on the lab: the same load through no mesh, Istio-like sidecars
# with mTLS and an ambient-like node proxy. A baseline compared with itself
# scores 100, and the breakdown names the sidecars and node proxies.
#
# That sidecars cost more than a node proxy is statistical: on a shared
# 2-CPU machine a mesh's score varies by a few points from run to run (the
# latency class and run-queue delay most), about as much as the two meshes
# differ. Only `make validate` (VALIDATE=1) checks it, on the means of
# three interleaved runs of each.
source "$(dirname "$0")/lablib.sh"

VALIDATE=${VALIDATE:-0}
RPS=400
SECS=${SECS:-12}
RUNS="sidecar-mtls node-proxy"
[ "$VALIDATE" = 1 ] && RUNS="$RUNS baseline2 sidecar-mtls2 node-proxy2 sidecar-mtls3 node-proxy3"
for s in baseline $RUNS; do
	if ! lab_record $s $RPS 8 $SECS ${s%[23]}; then
		not_ok "$s: recorded"
		continue
	fi
	ok "$s: recorded"
done

diff_of() { # diff_of BASE MESH -> LAB_TMP/BASE-MESH.diff.json
	"$MESHPROF" diff "$LAB_TMP/$1.json" "$LAB_TMP/$2.json" \
		-o "$LAB_TMP/$1-$2.diff.json" >"$LAB_TMP/$1-$2.diff.txt"
}

check "diff baseline with itself" diff_of baseline baseline
self=$(jv "$LAB_TMP/baseline-baseline.diff.json" .meshmark.score)
check "baseline vs itself scores >= 98 ($self)" awk "BEGIN { exit !($self >= 98) }"
for s in $RUNS; do
	check "diff baseline $s" diff_of baseline $s
done
score() { jv "$LAB_TMP/baseline-$1.diff.json" .meshmark.score; }
echo "# MeshMark vs baseline: sidecar-mtls $(score sidecar-mtls), node-proxy $(score node-proxy)"
if [ "$VALIDATE" = 1 ]; then
	echo "# two baseline runs: MeshMark $(score baseline2)"
	mean() { echo "$(score $1) $(score ${1}2) $(score ${1}3)" | awk '{ print ($1 + $2 + $3) / 3 }'; }
	side=$(mean sidecar-mtls)
	node=$(mean node-proxy)
	echo "# MeshMark vs baseline (mean of three runs): sidecar-mtls $side, node-proxy $node"
	echo "# runs: sidecar-mtls $(score sidecar-mtls) $(score sidecar-mtls2) $(score sidecar-mtls3), node-proxy $(score node-proxy) $(score node-proxy2) $(score node-proxy3)"
	check "sidecar-mtls scores lower than node-proxy" awk "BEGIN { exit !($side < $node) }"
fi
check "sidecar-mtls: the breakdown's top cost is a sidecar" test \
	"$(jv "$LAB_TMP/baseline-sidecar-mtls.diff.json" '.meshmark.components[0].role')" = sidecar
check "sidecar-mtls: both sidecars are named in the breakdown" test \
	"$(jq -r '[.meshmark.components[].name] | sort | join(",")' \
		"$LAB_TMP/baseline-sidecar-mtls.diff.json")" = client-sidecar,server-sidecar
check "node-proxy: the node proxies carry the cost" test \
	"$(jv "$LAB_TMP/baseline-node-proxy.diff.json" '.meshmark.components[0].role')" = node-proxy
check "the table names the sidecars" grep -q client-sidecar "$LAB_TMP/baseline-sidecar-mtls.diff.txt"

for s in sidecar-mtls node-proxy; do
	v=$(jv "$LAB_TMP/$s.json" '.meshmark.vcpu_per_1000rps.total')
	m=$(jv "$LAB_TMP/$s.json" '.meshmark.mib_per_proxy')
	echo "# $s: vCPU per 1000 rps $v, MiB per proxy $m"
	check "$s: vCPU per 1000 rps is reported" awk "BEGIN { exit !($v > 0) }"
	check "$s: MiB per proxy is reported" awk "BEGIN { exit !($m > 1) }"
done

# SMP output of the comparison and of a run.
"$MESHPROF" diff "$LAB_TMP/baseline.json" "$LAB_TMP/sidecar-mtls.json" \
	--format smp -o "$LAB_TMP/smp.json" >/dev/null
check "smp: sidecar block with cpu_mCores and mem_mb" jqe \
	'.service_mesh_config.sidecar.count == 2 and .service_mesh_config.sidecar.cpu_mCores > 0 and .service_mesh_config.sidecar.mem_mb > 0' \
	"$LAB_TMP/smp.json"
check "smp: mesh type and QPS" jqe \
	".service_mesh_config.mesh_type.type == \"istio\" and .performance_test_result.actual_QPS > $RPS * 0.8" \
	"$LAB_TMP/smp.json"
check "smp: MeshMark extension" jqe ".meshprof.score == $(jv "$LAB_TMP/baseline-sidecar-mtls.diff.json" .meshmark.score)" "$LAB_TMP/smp.json"

# Mismatched runs are refused.
jq '.node.cpus = 64' "$LAB_TMP/baseline.json" >"$LAB_TMP/other.json"
check "diff refuses runs from different nodes" bash -c \
	"! '$MESHPROF' diff '$LAB_TMP/other.json' '$LAB_TMP/sidecar-mtls.json' 2>&1 | grep -q 'mismatched runs'; test \${PIPESTATUS[0]} -ne 0"
finish
