# The kernel matrix (tests/kernels/run.sh, docs/kernels.md): meshprof's
# checks on Debian's kernels, each booted under qemu. Included by the
# Makefile after DEPS.

DEPS += qemu-system-x86 busybox-static cpio

.PHONY: kernels
kernels: deps
	@$(MAKE) --no-print-directory all
	@tests/kernels/run.sh
