#!/usr/bin/env bash
# Makes the fuzz targets' seed corpora (tests/fuzz/corpus/TARGET/) from
# real inputs: this machine's /proc files, ELF files built here and from
# /usr/lib, the shipped rules and categories, runs recorded here (trimmed
# to a few processes, so that a run is parsed in well under a millisecond).
# Run once as root after `make all`; its output is committed, and the
# regression inputs beside it (named after what they found) are kept.
set -eu
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p $C/{runjson,loadgen,rules,categories,weights,cgroup,procstat,procmaps,kubelet,elf}

# /proc of this machine: a few processes of each kind.
for pid in 1 $$ $(pgrep -o kthreadd) $(pgrep -o sshd || true); do
	cp /proc/$pid/stat $C/procstat/seed-$(cat /proc/$pid/comm | tr -c 'a-z0-9\n' _)
	cp /proc/$pid/cgroup $C/cgroup/seed-$(cat /proc/$pid/comm | tr -c 'a-z0-9\n' _)
done
grep -m 12 ' r-xp ' /proc/self/maps | sed -n '1p;3p;5p;7p' |
	while read -r line; do echo "$line" >"$C/procmaps/seed-$(md5sum <<<"$line" | cut -c1-8)"; done
grep -m1 vdso /proc/self/maps >$C/procmaps/seed-vdso
uid=1b4e28ba-2fa1-11d2-883f-0016d3cca427
cid=$(printf 'ab%.0s' {1..32})
echo "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid//-/_}.slice/cri-containerd-$cid.scope" >$C/cgroup/seed-v2-containerd
printf '12:pids:/kubepods/besteffort/pod%s/%s\n1:name=systemd:/kubepods/besteffort/pod%s/%s\n0::/system.slice/containerd.service\n' \
	$uid $cid $uid $cid >$C/cgroup/seed-hybrid-cgroupfs
echo "0::/kubepods.slice/kubepods-pod${uid//-/_}.slice/crio-$cid.scope/container" >$C/cgroup/seed-crio-crun

# The kubelet's log directories: a pods/ entry, a containers/ link and
# its target (after a NUL).
printf 'istio-system_istiod-5d9f8c7b6d-abcde_%s' $uid >$C/kubelet/seed-pod-dir
printf 'reviews-v1-5b8d9_bookinfo_istio-proxy-%s.log\0/var/log/pods/bookinfo_reviews-v1-5b8d9_%s/istio-proxy/0.log' \
	"$cid" $uid >$C/kubelet/seed-container-log
printf 'a_b_c-%s.log' "$cid" >$C/kubelet/seed-no-target

# Text files a user writes.
cp user/classify/categories.conf $C/categories/seed-shipped
printf 'tls user SSL_* bssl::*\nhttp dso libhttp_parser.so*\n# comment\nl4 fallback *copy*\n' >$C/categories/seed-small
sed -n '/^```/,/^```/p' docs/rules.md | grep '=' >$C/rules/seed-docs || true
printf 'comm=envoy role=sidecar mesh=istio name=envoy\nexe="/opt/my app/*" cgroup=*kubepods*pod* role=app # web\r\n' >$C/rules/seed-small
echo 'cpu_share=0.2,rss=-10%, runq_delay = 0.5' >$C/weights/seed-mixed
echo 'context_switches=-0.5' >$C/weights/seed-one

# ELF files: small libraries and programs built here, stripped or not,
# with MiniDebugInfo, C++ names, no build-id.
cp /usr/lib/x86_64-linux-gnu/libdl.so.2 $C/elf/seed-libdl
cat >$tmp/p.c <<'SRC'
#include <stdio.h>
static int __attribute__((noinline)) local_fn(int x) { return x * 3 + 1; }
int __attribute__((noinline)) global_fn(int x) { char b[64]; snprintf(b, 64, "%d", x); return b[0] + local_fn(x); }
int main(int argc, char **argv) { return global_fn(argc); }
SRC
cat >$tmp/q.cc <<'SRC'
namespace Envoy { namespace Http { struct Codec { int dispatch(int x); }; int Codec::dispatch(int x) { return x + 1; } } }
int main(int argc, char **) { Envoy::Http::Codec c; return c.dispatch(argc); }
SRC
(cd $tmp && gcc -O2 -fomit-frame-pointer -pie -fPIE p.c -o prog &&
	gcc -O2 -no-pie p.c -o prog-nopie -Wl,--build-id=none &&
	g++ -O2 q.cc -o cxx &&
	strip -o prog.stripped prog &&
	objcopy --only-keep-debug prog mini.debug &&
	nm prog --format=posix --defined-only | awk '$2 ~ /[tT]/ {print $1}' >keep &&
	objcopy -S --remove-section .gdb_index --remove-section .comment \
		--keep-symbols=keep mini.debug mini && xz -f mini &&
	objcopy --add-section .gnu_debugdata=mini.xz prog.stripped prog.mini)
for f in prog prog-nopie cxx prog.stripped prog.mini; do cp $tmp/$f $C/elf/seed-$f; done

# Runs recorded here, cut to three processes, their components and their
# stacks.
./meshprof record -d 1 -q -o $tmp/run.json 2>/dev/null
./meshprof record -d 1 -q -F 0 --no-latency -o $tmp/plain.json 2>/dev/null
for r in run plain; do
	jq -c '.processes |= .[:3] | [.processes[].component] as $used |
		.components |= [.[] | select(.id as $i | $used | index($i))] |
		if .stacks then .stacks.processes |= [.[] | select(.process < 3)] else . end' \
		$tmp/$r.json >$C/runjson/seed-$r
done
# Three processes that have stacks, renumbered.
jq -c '(.stacks.processes[:3] | map(.process)) as $keep | .processes as $all |
	.processes = [$keep[] as $k | $all[$k]] |
	.stacks.processes = [.stacks.processes[:3] | to_entries[] | .value.process = .key | .value] |
	[.processes[].component] as $used |
	.components |= [.[] | select(.id as $i | $used | index($i))]' \
	$tmp/run.json >$C/runjson/seed-stacks
jq -c '.components[0].latency = {"service": {"count": 3, "p50_seconds": 1e-05,
	"p90_seconds": 2e-05, "p99_seconds": 2e-05, "max_seconds": 2.1e-05,
	"mean_seconds": 1.5e-05, "buckets_hdr_ns": [[180, 2], [300, 1]]}}' \
	$C/runjson/seed-run >$C/runjson/seed-latency
echo '{"requests": 3000, "duration_seconds": 15, "latencies_ms": {"p50": 0.48, "p99": 7.2}}' >$C/loadgen/seed-fortio
echo '{"requests": 10, "latencies_ms": {"p50": 1, "p99": 2.5, "p90": 2}}' >$C/loadgen/seed-short
