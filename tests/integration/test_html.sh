#!/usr/bin/env bash
# The HTML pages of record, report and diff, opened in Debian's Chromium
# (tests/html/check.js: no console error, no request, every section, not
# blank; tlshttp has no client and server, so maybe no request path), on
# tlshttp (tests/workload/tlshttp.c), a test proxy that runs
# mutual TLS with OpenSSL in one thread and HTTP/1.1 parsing with
# http-parser in another: its flame graph must hold both. The stacks the
# run's JSON carries must be, frame for frame, the folded stacks record
# wrote beside it.
source "$(dirname "$0")/../lib.sh"

LOAD=$TOP/build/tests/tlshttp
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

if [ ! -x "$LOAD" ] || [ ! -d "$TOP/tests/html/node_modules/playwright-core" ]; then
	not_ok "tlshttp and tests/html's node modules are there (make all, make deps)"
	finish
fi
echo 'comm=tlshttp role=sidecar name=tlshttp' >"$dir/rules.conf"
if ! start_record "$dir/run" -q -F 999 --only mesh --rules "$dir/rules.conf" \
	--folded "$dir/run.folded" --html "$dir/run.html"; then
	not_ok "meshprof attached"
	finish
fi
"$LOAD" --seconds 3 >/dev/null
kill -INT $mp_pid
wait $mp_pid
check "record --html exits 0" test $? -eq 0
check "record says where the page went" grep -q "HTML report written to $dir/run.html" "$dir/run.err"

node "$TOP/tests/html/check.js" "$dir/run.html" "$dir/run.png" --flame tlshttp \
	--empty waterfall
[ $? -eq 0 ] || tests_failed=1

# the JSON's stacks, decoded, against the folded file
jq -r '.stacks as $s | .components as $c | .processes as $p | $s.processes[]
	| ($p[.process].component) as $id | ([$c[] | select(.id == $id) | .name][0]) as $comp
	| .folded[] | split(" ")
	| "\($comp);\(.[1])\(if .[2] then ";" + (.[2] | split(";") | map($s.frames[tonumber]) | join(";")) else "" end) \(.[0])"' \
	"$dir/run.json" | sort >"$dir/json.folded"
sort "$dir/run.folded" >"$dir/sorted.folded"
check "run JSON's stacks are record's folded stacks" cmp -s "$dir/json.folded" "$dir/sorted.folded"
check "... and there are some" [ "$(wc -l <"$dir/sorted.folded")" -gt 10 ]
echo "# run JSON $(stat -c %s "$dir/run.json") bytes, stacks $(jq -c .stacks "$dir/run.json" | wc -c), folded file $(stat -c %s "$dir/run.folded")"

# page_data PAGE FILTER: a value of the JSON a page carries
page_data() {
	sed -n 's/^<script id="meshprof-data" type="application\/json">\(.*\)<\/script>$/\1/p' "$1" | jq -c "$2"
}
"$MESHPROF" report "$dir/run.json" --html "$dir/report.html" >/dev/null 2>"$dir/report.err"
check "report --html from the JSON: the page has the same stacks" \
	cmp -s <(page_data "$dir/report.html" .run.stacks) <(page_data "$dir/run.html" .run.stacks)
check "... which the page carries" [ "$(page_data "$dir/run.html" '.run.stacks.frames | length')" -gt 10 ]

"$MESHPROF" diff "$dir/run.json" "$dir/run.json" --html "$dir/diff.html" >/dev/null 2>"$dir/diff.err"
check "diff --html exits 0 and says where the page went" grep -q "HTML report written to $dir/diff.html" "$dir/diff.err"
node "$TOP/tests/html/check.js" "$dir/diff.html" "$dir/diff.png" --diff --empty waterfall |
	sed 's/^\(not \)\{0,1\}ok html:/&(diff)/'
[ "${PIPESTATUS[0]}" -eq 0 ] || tests_failed=1

"$MESHPROF" report "$dir/run.json" --html /nonexistent/dir/x.html >/dev/null 2>"$dir/bad.err"
rc=$?
check "report --html to an unwritable place fails with a message" \
	bash -c "[ $rc = 1 ] && grep -q '/nonexistent/dir/x.html' '$dir/bad.err'"
finish
