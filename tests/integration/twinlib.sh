# The category-truth check shared by the C twin (tests/workload/tlshttp.c)
# and the Rust twin (tools/rustproxy/src/bin/rusttwin.rs): a test proxy
# that does TLS in one thread and HTTP/1.1 parsing in another, neither
# waiting for anything, and prints each thread's CPU clock and the
# process's as {"pid","tls_ns","http_ns","other_ns","total_ns"}.
#
# Sample count: a share p measured from n samples has a standard error of
# sqrt(p(1-p)/n) <= 0.5/sqrt(n). For a bias of 0.75 points and 4
# standard errors to fit in 3 points, 4 * 0.5/sqrt(n) <= 2.25 points:
# n >= 7900 samples, 7.9 s of the process's CPU at 999 Hz. The threads
# never block, so a 15 s run gets that with 0.53 CPU (30,000 samples on
# an idle 2-CPU machine). Load elsewhere only lowers n: the shares are
# ratios of the process's own CPU.
#
# Only the twin is profiled (--only mesh, and a rule that makes it a
# sidecar): otherwise every process sampled on the machine loads its
# files' CFI, and a compiler's (libLLVM) can fill meshprof's row table,
# after which the twin's stacks would all be walked by frame pointers.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

HZ=999
twin_dir=$(mktemp -d)
trap 'rm -rf "$twin_dir"' EXIT

# twin_record NAME LOAD SECONDS [RECORD-ARGS...]: records LOAD running for
# SECONDS; leaves $twin_dir/NAME.json (the run), NAME.folded, NAME.table,
# NAME.err and NAME.truth (the twin's clocks), and twin_pid. Fails
# (saying why) when the run or the twin did not complete.
twin_record() {
	local name=$1 load=$2 secs=$3 base=$twin_dir/$1 rc
	shift 3
	if [ ! -x "$load" ]; then
		not_ok "$name: $load is built (make all tools)"
		return 1
	fi
	echo "comm=$(basename "$load" | cut -c1-15) role=sidecar name=twin" \
		>"$twin_dir/rules.conf"
	if ! start_record "$base" -F $HZ --only mesh --rules "$twin_dir/rules.conf" \
		--folded "$base.folded" "$@"; then
		not_ok "$name: meshprof attached"
		return 1
	fi
	"$load" --seconds "$secs" >"$base.truth"
	rc=$?
	kill -INT $mp_pid
	wait $mp_pid
	check "$name: record exits 0 on SIGINT" test $? -eq 0
	if [ $rc -ne 0 ] || ! jqe .total_ns "$base.truth"; then
		not_ok "$name: the twin ran and reported its clocks"
		return 1
	fi
	twin_pid=$(jq .pid "$base.truth")
}

# twin_cpu NAME JQ: of the twin's .cpu in run NAME
twin_cpu() {
	jq -r ".processes[] | select(.pid == $twin_pid) | .cpu | $2" \
		"$twin_dir/$1.json"
}

# twin_shares NAME: meshprof's tls and http shares of the twin against
# its thread clocks (3 points), its on-CPU time against its process
# clock (2%).
twin_shares() {
	local name=$1 truth=$twin_dir/$1.truth n total expect got mp_ns period
	total=$(jq -r .total_ns "$truth")
	n=$(twin_cpu "$name" '.samples // 0')
	jq -r --arg name "$name" '"# \($name): tls \(.tls_ns / 1e9) s, " +
		"http \(.http_ns / 1e9) s, other \(.other_ns / 1e9) s of " +
		"\(.total_ns / 1e9) s"' "$truth"
	awk -v n="$n" -v hz=$HZ -v name="$name" 'BEGIN { printf "# %s: %d " \
		"samples at %d Hz; standard error of a 50%% share %.2f points\n",
		name, n, hz, 50 / sqrt(n + !n) }'
	for cat in tls http; do
		expect=$(jq -r ".${cat}_ns / .total_ns" "$truth")
		got=$(twin_cpu "$name" ".categories.$cat.share // 0")
		echo "# $name: $cat share: meshprof $got, thread clock $expect"
		check "$name: $cat share within 3 points of the $cat thread's CPU clock" \
			near "$got" "$expect" 0.03
	done
	twin_cpu "$name" '"# '"$name"': other categories: " +
		([.categories | to_entries[]
		  | select(.key != "tls" and .key != "http")
		  | "\(.key) \(.value.share * 1000 | round / 10)%"] | join(", "))'
	mp_ns=$(twin_cpu "$name" '.seconds * 1e9')
	echo "# $name: on-CPU ns: meshprof $mp_ns, process clock $total"
	check "$name: on-CPU time within 2% of the process's CPU clock" \
		within "$mp_ns" "$total" 2
	period=$(awk -v hz=$HZ 'BEGIN { printf "%d", 1e9 / hz }')
	check "$name: samples x period within 5% of the process's CPU clock" \
		within $((n * period)) "$total" 5
}

# twin_walks NAME MIN: the run's CFI walks (the twin is the only process
# sampled) reach the outermost frame in at least MIN of them.
twin_walks() {
	jq -r --arg name "$1" '.profile | "# \($name): stacks: " +
		"\(.cfi_samples) walked with CFI, \(.cfi_complete_samples) " +
		"of them complete"' "$twin_dir/$1.json"
	check "$1: CFI walks complete (>= $(awk -v m="$2" 'BEGIN { print m * 100 }')%)" \
		jqe ".profile.cfi_complete_samples >= $2 * .profile.cfi_samples" \
		"$twin_dir/$1.json"
}
