#!/usr/bin/env bash
# The documentation says what the code does: every map in docs/design.md's
# table has the size the BPF object gives it (its max_entries, read from
# the object's BTF), and every counter of PROC_COUNTERS is in
# docs/metrics.md.
source "$(dirname "$0")/../lib.sh"

# max_entries OBJECT MAP: the map's default size in the object.
max_entries() {
	bpftool -j btf dump file "$1" | jq -r --arg map "$2" '
		.types as $t | ($t | map({(.id | tostring): .}) | add) as $by
		| ($t[] | select(.kind == "VAR" and .name == $map) | .type_id) as $s
		| $by[$s | tostring].members[] | select(.name == "max_entries")
		| $by[$by[.type_id | tostring].type_id | tostring].nr_elems'
}

# The table's rows: | `map` | type | what | bound |
while IFS='|' read -r _ map _ _ bound _; do
	map=$(tr -d ' `' <<<"$map")
	want=$(grep -oE '[0-9]+' <<<"$bound" | tail -1)
	case $bound in *KiB*) want=$((want * 1024)) ;; esac
	[ -n "$want" ] || continue
	got=""
	for obj in "$TOP"/build/meshprof.bpf.o "$TOP"/build/profile.bpf.o; do
		got=$(max_entries "$obj" "$map")
		[ -n "$got" ] && break
	done
	check "design.md: $map holds $want entries (the object says ${got:-nothing})" \
		test "$got" = "$want"
done < <(grep -E '^\| `[a-z_]+` \|' "$TOP/docs/design.md")

for c in $(grep -oE 'X\([a-z_]+,' "$TOP/bpf/meshprof.h" | sed 's/X(//; s/,//'); do
	[ "$c" = field ] && continue
	key=$(grep -A1 "X($c," "$TOP/bpf/meshprof.h" | grep -oE '"[a-z_]+", "[a-z_]+"' | head -1 |
		sed 's/"//g; s/, /./')
	check "metrics.md documents $key" grep -qF "$key" "$TOP/docs/metrics.md"
done
finish
