# Helpers for lab tests that run meshprof on tools/meshlab scenarios.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ML=$TOP/tools/meshlab
WIRECHECK=$TOP/build/tools/wirecheck
LAB_TMP=$(mktemp -d)
trap '"$ML" down >/dev/null 2>&1; rm -rf "$LAB_TMP"' EXIT

# lab_record NAME RPS CONNS SECONDS SCENARIO [UP-ARGS...]: brings the
# scenario up, records it with meshprof (and the load generator's report)
# while the load runs; leaves $LAB_TMP/NAME.json and NAME.load.json. Any
# wirecheck captures listed in $WIRE ("netns:file ...") run alongside.
lab_record() {
	local name=$1 rps=$2 conns=$3 secs=$4 mp_pid w pids=()
	shift 4
	if ! "$ML" up "$@" >"$LAB_TMP/$name.up" 2>&1; then
		cat "$LAB_TMP/$name.up"
		return 1
	fi
	"$MESHPROF" record -q -d $((secs + 3)) --rules /run/meshlab/rules.conf \
		--loadgen "$LAB_TMP/$name.load.json" -o "$LAB_TMP/$name.json" \
		2>"$LAB_TMP/$name.err" &
	mp_pid=$!
	for _ in $(seq 100); do
		grep -q '^meshprof: recording' "$LAB_TMP/$name.err" && break
		sleep 0.1
	done
	for w in ${WIRE:-}; do
		timeout $((secs + 20)) ip netns exec "${w%%:*}" "$WIRECHECK" -i eth0 -p 8080 -d $((secs + 1)) \
			>"$LAB_TMP/${w#*:}" &
		pids+=($!)
	done
	"$ML" load --rps "$rps" --conns "$conns" --duration "$secs" \
		--json "$LAB_TMP/$name.load.json" >/dev/null
	for w in "${pids[@]}"; do
		wait "$w"
	done
	wait $mp_pid
}

# jv FILE FILTER: one value from a JSON file.
jv() { jq -r "$2" "$1"; }

# serve_scraped: meshprof serve reading every second and a Prometheus
# scraping it every second, on free loopback ports, and the checks that
# both came up; sets port (serve's), pport (Prometheus's), sv_pid and
# prom_pid.
serve_scraped() {
	port=$(free_port)
	"$MESHPROF" serve --listen "127.0.0.1:$port" --interval 1 \
		>"$LAB_TMP/serve.out" 2>"$LAB_TMP/serve.err" &
	sv_pid=$!
	pport=$(free_port)
	cat >"$LAB_TMP/prometheus.yml" <<EOF2
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: meshprof
    static_configs: [ { targets: [ "127.0.0.1:$port" ] } ]
EOF2
	prometheus --config.file="$LAB_TMP/prometheus.yml" \
		--storage.tsdb.path="$LAB_TMP/tsdb" --web.listen-address="127.0.0.1:$pport" \
		--log.level=warn >"$LAB_TMP/prom.log" 2>&1 &
	prom_pid=$!
	check "serve healthy" wait_http "http://127.0.0.1:$port/healthz" 200 300
	check "Prometheus ready" wait_http "http://127.0.0.1:$pport/-/ready" 200 300
	for _ in $(seq 100); do prom_scrapes && break; sleep 0.1; done
	check "Prometheus scrapes serve" prom_scrapes
}

prom_scrapes() {
	curl -s "http://127.0.0.1:$pport/api/v1/query" --data-urlencode 'query=up{job="meshprof"}' |
		jq -e '.data.result[0].value[1] == "1"' >/dev/null
}
