# meshprof: eBPF overhead profiler for service meshes.
# `make demo` and `make test` do all set-up on a fresh Debian 12 machine.

CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

BUILD := build
.DEFAULT_GOAL := all
# user/ is grouped by stage of the data flow (docs/design.md); each folder
# is on the include path, so headers are named without their folder.
USER_DIRS := lib model identity classify collect attribute score output query cmd
CFLAGS ?= -g -O2
# What every build of the user side (also the sanitizer builds) compiles with.
USER_FLAGS := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-std=gnu11 -I$(BUILD) -Ibpf \
	$(addprefix -Iuser/,$(USER_DIRS)) -DMESHPROF_VERSION='"$(VERSION)"'
CFLAGS += $(USER_FLAGS)
DEPFLAGS = -MMD -MP
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux -Ibpf \
	-Wall -Wno-unused-function
LDLIBS := -lbpf -lelf -ldw -lz -ljson-c -llzma -liberty -lm -pthread

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(filter-out user/cmd/main.c,$(wildcard $(addprefix user/,$(addsuffix /*.c,$(USER_DIRS)))))
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
WORKLOAD_SRCS := $(wildcard tests/workload/*.c)
WORKLOAD_BINS := $(patsubst tests/workload/%.c,$(BUILD)/tests/%,$(WORKLOAD_SRCS))
TEST_TOOL_SRCS := $(wildcard tests/tools/*.c)
TEST_TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(TEST_TOOL_SRCS))

# Debian packages: build, test and mesh-lab dependencies (libclang-rt-dev:
# the sanitizer and libFuzzer runtimes, which clang only recommends).
DEPS := clang llvm libclang-rt-dev libbpf-dev bpftool libelf-dev libdw-dev libdebuginfod-dev zlib1g-dev libjson-c-dev \
	libcmocka-dev libmicrohttpd-dev libpcap-dev libssl-dev libiberty-dev liblzma-dev \
	libhttp-parser-dev libncurses-dev libcurl4-openssl-dev \
	pkg-config make gcc jq iproute2 iptables haproxy nginx-light stunnel4 \
	wrk openssl procps curl util-linux libnginx-mod-stream xz-utils binutils \
	libc6-dbg debuginfod prometheus yamllint python3-yaml tmux nodejs chromium chromium-driver fonts-dejavu-core \
	cargo rustc librust-tokio-dev librust-rustls-dev librust-tokio-rustls-dev \
	librust-rustls-pemfile-dev librust-ring-dev librust-hyper-dev librust-h2-dev \
	librust-http-dev librust-bytes-dev librust-futures-util-dev librust-httparse-dev \
	librust-libc-dev
# The HTML tests drive Chromium with playwright-core, pinned in
# tests/html/package-lock.json (Apache-2.0), from the npm registry.
HTML_TEST_MODULES := tests/html/node_modules/playwright-core/package.json

# tools/tools.mk (mesh lab) defines TOOL_BINS and how to build them.
TOOL_BINS :=
-include tools/tools.mk
-include tests/kernels/kernels.mk
TOOL_BINS += $(BUILD)/tools/wirecheck

$(BUILD)/tools/wirecheck: tools/wirecheck/wirecheck.c | $(BUILD)
	@mkdir -p $(BUILD)/tools
	$(CC) $(CFLAGS) $< -o $@ -lpcap

.PHONY: all deps vmlinux test unit demo bench validate soak churn clean tools
all: meshprof $(UNIT_BINS) $(WORKLOAD_BINS) $(BUILD)/tests/fpburn $(TEST_TOOL_BINS)

deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi
	@# Pinned in each folder's package-lock.json, from the npm registry,
	@# installed once, then used offline: playwright-core drives Chromium
	@# (tests/html), the Kubernetes schemas check deploy/ (tests/deploy).
	@command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends npm >/dev/null
	@[ -f $(HTML_TEST_MODULES) ] || (cd tests/html && npm ci --no-audit --no-fund --silent)
	@[ -d tests/deploy/node_modules ] || \
		npm ci --prefix tests/deploy --no-audit --no-fund --loglevel=error >/dev/null

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

$(BUILD):
	mkdir -p $(BUILD)/tests

$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

# Every user object waits for the skeletons: -MMD only knows a header
# once the first build has seen it included.
$(BUILD)/user/%.o: user/%.c $(SKELS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

# The category rules are built into categories.o with .incbin.
$(BUILD)/user/classify/categories.o: user/classify/categories.conf
$(BUILD)/user/output/html.o: user/output/html/report.js user/output/html/report.css

# Keep the skeletons: user objects are rebuilt whenever they go missing.
.SECONDARY: $(BPF_OBJS) $(SKELS) $(BUILD)/tests/floor.bpf.o $(BUILD)/tests/floor.skel.h

# Remade when the list of objects changes too, so that an object whose
# source is gone does not stay in it.
$(BUILD)/objs.list: FORCE | $(BUILD)
	@echo '$(USER_OBJS)' | cmp -s - $@ || echo '$(USER_OBJS)' >$@

$(BUILD)/libmeshprof.a: $(USER_OBJS) $(BUILD)/objs.list
	rm -f $@
	$(AR) rcs $@ $(USER_OBJS)

.PHONY: FORCE

meshprof: user/cmd/main.c $(BUILD)/libmeshprof.a
	$(CC) $(CFLAGS) $(DEPFLAGS) -MF $(BUILD)/main.d $< $(BUILD)/libmeshprof.a $(LDLIBS) -lncurses -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libmeshprof.a
	$(CC) $(CFLAGS) $(DEPFLAGS) $< $(BUILD)/libmeshprof.a $(LDLIBS) -lcmocka -o $@

# Test drivers that call meshprof's library directly.
$(BUILD)/tests/%: tests/tools/%.c $(BUILD)/libmeshprof.a
	$(CC) $(CFLAGS) $(DEPFLAGS) $< $(BUILD)/libmeshprof.a $(LDLIBS) -o $@

# Workloads link libc and libm, and what WORKLOAD_LIBS adds for each.
$(BUILD)/tests/tlshttp: WORKLOAD_LIBS := -pthread -lssl -lcrypto -lhttp_parser
$(BUILD)/tests/churn: WORKLOAD_LIBS := -pthread

$(BUILD)/tests/%: tests/workload/%.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) $< -o $@ -lm $(WORKLOAD_LIBS)

# profburn as Go builds code: frame pointers, no CFI (test_profile.sh).
$(BUILD)/tests/fpburn: tests/workload/profburn.c | $(BUILD)
	$(CC) -O2 -fno-omit-frame-pointer $< -o $@ -lm
	objcopy --remove-section=.eh_frame --remove-section=.eh_frame_hdr $@

# make bench's calibration: what running a BPF program and each helper
# costs on the machine (tests/bench/floor.bpf.c).
BENCH_FLOOR := $(BUILD)/tests/bpffloor

$(BUILD)/tests/floor.bpf.o: tests/bench/floor.bpf.c | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_FLOOR): tests/bench/bpffloor.c $(BUILD)/tests/floor.skel.h
	$(CC) $(CFLAGS) -I$(BUILD)/tests $< -lbpf -o $@

tools: $(TOOL_BINS)

unit: $(UNIT_BINS)
	@tests/run.sh unit

test: deps
	@$(MAKE) --no-print-directory all tools asan-build fuzz-build
	@tests/run.sh all

demo: deps
	@$(MAKE) --no-print-directory all tools
	@tools/demo.sh

bench: deps
	@dpkg-query -W -f='$${Status}\n' libbpf-tools 2>/dev/null | grep -q '^install ok' || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libbpf-tools >/dev/null
	@$(MAKE) --no-print-directory all tools $(BENCH_FLOOR)
	@tests/bench.sh

# The lab's statistical comparisons, which noise can sway and `make test`
# therefore leaves out: CPU attribution against configuration differences
# and the MeshMark ordering of meshes (docs/attribution.md, meshmark.md).
validate: deps
	@$(MAKE) --no-print-directory all tools
	@tests/run.sh validate

# An hour of `meshprof serve` over the lab with pods restarted every
# minute (tests/soak.sh): memory and series flat, maps bounded.
soak: deps
	@$(MAKE) --no-print-directory all tools
	@tests/soak.sh

# Fuzz targets (make fuzz) and the sanitizer build (make asan).
include tests/sanitize.mk

# meshprof under 20,000 short processes in 90 s: memory flat, every process
# counted (docs/hardening.md).
churn: deps
	@$(MAKE) --no-print-directory all
	@tests/churn.sh

clean:
	rm -rf $(BUILD) $(SAN_BUILDS) meshprof

-include $(shell find $(BUILD) $(SAN_BUILDS) -name '*.d' 2>/dev/null)
