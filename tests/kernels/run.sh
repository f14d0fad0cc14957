#!/usr/bin/env bash
# The kernel matrix (docs/kernels.md): meshprof's own checks on Debian's
# kernels. Each kernel is downloaded with apt-get, booted under qemu
# (software emulation) with an initramfs of busybox, meshprof, the test
# workloads and the test scripts, and tests/kernels/guest.sh runs inside,
# sending its results back over a second serial port. One "ok"/"not ok"
# line per check per kernel (tests/lib.sh).
#   tests/kernels/run.sh [PACKAGE...]
# Packages are kernel images or meta-packages, which stand for the kernel
# they depend on today; by default linux-image-amd64 (6.1),
# linux-image-6.12-amd64 and linux-image-cloud-amd64 (6.1, cloud).
# Downloads stay in build/kernels/; VM_TIMEOUT bounds each boot.
# GUEST_CHECKS (space-separated) narrows what runs inside the VMs.
source "$(dirname "$0")/../lib.sh"

KDIR=$TOP/build/kernels
METAS=(linux-image-amd64 linux-image-6.12-amd64 linux-image-cloud-amd64)
# A VM that runs longer than this is stuck: a failure, tried once more.
VM_TIMEOUT=${VM_TIMEOUT:-300}
ROOT=$KDIR/root

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The kernel package a meta-package depends on; a kernel package itself.
resolve() {
	local dep
	dep=$(apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^  Depends: \(linux-image-[0-9][^ <>]*\)$/\1/p' | head -1)
	echo "${dep:-$1}"
}

# fetch PACKAGE: its kernel and config in $KDIR/PACKAGE/, from its .deb,
# downloaded once. (apt-get warns as root that its sandbox user cannot
# write here; the download is fine.)
fetch() {
	local deb
	deb=$(ls "$KDIR/$1"_*.deb 2>/dev/null | head -1)
	if [ -z "$deb" ]; then
		(cd "$KDIR" && apt-get download -qq "$1" 2>/dev/null) || return 1
		deb=$(ls "$KDIR/$1"_*.deb | head -1)
	fi
	[ -s "$KDIR/$1/vmlinuz" ] && return 0
	mkdir -p "$KDIR/$1/x" &&
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$KDIR/$1/x" ./boot &&
		mv "$KDIR/$1"/x/boot/config-* "$KDIR/$1/config" &&
		mv "$KDIR/$1"/x/boot/vmlinuz-* "$KDIR/$1/vmlinuz" &&
		rm -rf "$KDIR/$1/x"
}

# add FILE [DEST]: FILE (at DEST in the image) with the shared libraries
# it needs, and their separate debug files where installed.
add() {
	local dest=$ROOT${2:-$1} lib
	mkdir -p "$(dirname "$dest")" && cp -L "$1" "$dest" || return 1
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$ROOT$lib" ] && continue
		add "$lib" || return 1
	done
	add_debug "$1"
}

add_debug() {
	local id
	id=$(readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: \([0-9a-f]*\)/\1/p')
	local dbg=/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
	[ -n "$id" ] && [ -e "$dbg" ] && [ ! -e "$ROOT$dbg" ] || return 0
	mkdir -p "$ROOT$(dirname "$dbg")" && cp -L "$dbg" "$ROOT$dbg"
}

# The initramfs every kernel boots: kernel-independent (nothing in it is a
# module), so built once per run.
build_initramfs() {
	local f
	rm -rf "$ROOT" && mkdir -p "$ROOT"/{bin,usr/bin,proc,sys,dev,tmp,src/build/tests} || return 1
	cp /bin/busybox "$ROOT/bin/busybox" &&
		cp "$TOP/tests/kernels/init" "$ROOT/init" || return 1
	for f in bash jq; do
		add "$(command -v $f)" "/usr/bin/$f" || return 1
	done
	# profburn loads it with dlopen(), as proxies link it.
	add /usr/lib/x86_64-linux-gnu/libcrypto.so.3 || return 1
	add "$TOP/meshprof" /src/meshprof || return 1
	for f in "$TOP"/build/tests/*; do
		case ${f##*/} in test_*) continue ;; esac
		add "$f" "/src/build/tests/${f##*/}" || return 1
	done
	cp -r "$TOP/tests" "$ROOT/src/" &&
		(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$KDIR/initramfs.cpio"
}

# boot PACKAGE: one VM run; its results in $KDIR/PACKAGE/results.
boot() {
	local k=$KDIR/$1
	rm -f "$k/results" "$k/console"
	timeout "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2G \
		-nodefaults -display none -no-reboot \
		-kernel "$k/vmlinuz" -initrd "$KDIR/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 -- ${GUEST_CHECKS:-}" \
		-serial "file:$k/console" -serial "file:$k/results" </dev/null
}

# report NAME RESULTS: the guest's lines, each check named by its kernel;
# true when the guest ran every check.
report() {
	tr -d '\r' <"$2" >"$2.txt"
	sed -e "s/^\(ok\|not ok\) /\1 $1: /" -e "s/^# /# $1: /" \
		-e "s/^=== /# $1: === /" "$2.txt"
	grep -q '^not ok ' "$2.txt" && tests_failed=1
	grep -qx '# guest done' "$2.txt"
}

# run_kernel META|PACKAGE: a kernel package, or the one a meta-package
# depends on, through the VM.
run_kernel() {
	local pkg name k t0 try rc
	t0=$(now)
	pkg=$(resolve "$1")
	# Stale package lists name kernels the mirror no longer has.
	if ! fetch "$pkg"; then
		apt-get update -qq
		pkg=$(resolve "$1")
		if ! fetch "$pkg"; then
			not_ok "$1: kernel package $pkg downloaded and unpacked"
			return
		fi
	fi
	name=${pkg#linux-image-}
	k=$KDIR/$pkg
	echo "# $name: download and unpack $(since "$t0") s"
	if ! grep -qx 'CONFIG_DEBUG_INFO_BTF=y' "$k/config"; then
		not_ok "$name: kernel has BTF (CONFIG_DEBUG_INFO_BTF=y)"
		return
	fi
	ok "$name: kernel has BTF (CONFIG_DEBUG_INFO_BTF=y)"
	for try in 1 2; do
		t0=$(now)
		boot "$pkg"
		rc=$?
		echo "# $name: VM $try: qemu exited $rc after $(since "$t0") s"
		# Only a timeout is tried again: a panic would panic again.
		[ $rc -eq 124 ] && [ $try = 1 ] && continue
		report "$name" "$k/results" && return
		break
	done
	if [ $rc -eq 124 ]; then
		not_ok "$name: the VM ran every check within ${VM_TIMEOUT} s, tried twice"
	else
		not_ok "$name: the VM ran every check"
	fi
	tail -5 "$k/console" | sed "s/^/# $name: console: /"
}

mkdir -p "$KDIR"
for tool in qemu-system-x86_64 cpio apt-get dpkg-deb; do
	command -v $tool >/dev/null || { not_ok "$tool is installed (make kernels)"; finish; }
done
[ -x /bin/busybox ] || { not_ok "busybox-static is installed (make kernels)"; finish; }
[ $# -gt 0 ] || set -- "${METAS[@]}"
t0=$(now)
if ! build_initramfs; then
	not_ok "initramfs built"
	finish
fi
echo "# initramfs: $(du -m "$KDIR/initramfs.cpio" | cut -f1) MiB in $(since "$t0") s"
for kernel in "$@"; do
	run_kernel "$kernel"
done
finish
